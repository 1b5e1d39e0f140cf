/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: reference count, log callback, last error. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "libcontiv-private.h"

#define CONTIV_DEFAULT_LOG_PRIORITY 3	/* LOG_ERR */

bool contiv__opts_valid(const void *opts, size_t known_size)
{
	const size_t sz = *(const size_t *)opts;
	const unsigned char *bytes = opts;

	if (sz < sizeof(size_t))
		return false;
	for (size_t i = known_size; i < sz; i++)
		if (bytes[i])
			return false;
	return true;
}

CONTIV_EXPORT int contiv_ctx_new(const struct contiv_ctx_opts *opts, struct contiv_ctx **ret)
{
	struct contiv_ctx *ctx;
	uint32_t priority = CONTIV_DEFAULT_LOG_PRIORITY;

	contiv_return_val_if_fail(ret, -EINVAL);
	if (opts) {
		if (!contiv__opts_valid(opts, offsetof(struct contiv_ctx_opts, reserved) +
					      sizeof(opts->reserved)))
			return -EINVAL;
		if (CONTIV_OPTS_HAS(opts, log_priority) && opts->log_priority) {
			if (opts->log_priority > 7)
				return -EINVAL;
			priority = opts->log_priority;
		}
		if (CONTIV_OPTS_HAS(opts, reserved) && opts->reserved)
			return -EINVAL;
	}

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->pid = getpid();
	ctx->log_priority = (int)priority;
	*ret = ctx;
	return 0;
}

CONTIV_EXPORT struct contiv_ctx *contiv_ctx_ref(struct contiv_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

CONTIV_EXPORT struct contiv_ctx *contiv_ctx_unref(struct contiv_ctx *ctx)
{
	if (ctx && --ctx->refcount == 0)
		free(ctx);
	return NULL;
}

bool contiv__ctx_forked(const struct contiv_ctx *ctx)
{
	return ctx->pid != getpid();
}

CONTIV_EXPORT int contiv_ctx_set_log_fn(struct contiv_ctx *ctx, contiv_log_fn fn, void *userdata)
{
	contiv_return_val_if_fail(ctx, -EINVAL);
	contiv_return_if_forked(ctx);
	ctx->log_fn = fn;
	ctx->log_data = userdata;
	return 0;
}

CONTIV_EXPORT int contiv_ctx_set_log_priority(struct contiv_ctx *ctx, int priority)
{
	contiv_return_val_if_fail(ctx, -EINVAL);
	contiv_return_val_if_fail(priority >= 0 && priority <= 7, -EINVAL);
	contiv_return_if_forked(ctx);
	ctx->log_priority = priority;
	return 0;
}

CONTIV_EXPORT int contiv_ctx_get_log_priority(const struct contiv_ctx *ctx)
{
	contiv_return_val_if_fail(ctx, -EINVAL);
	return ctx->log_priority;
}

CONTIV_EXPORT const char *contiv_ctx_get_error(const struct contiv_ctx *ctx)
{
	contiv_return_val_if_fail(ctx, NULL);
	return ctx->errmsg;
}

CONTIV_EXPORT int contiv_ctx_get_errno(const struct contiv_ctx *ctx)
{
	contiv_return_val_if_fail(ctx, -EINVAL);
	return ctx->err;
}

CONTIV_EXPORT void contiv_ctx_clear_error(struct contiv_ctx *ctx)
{
	if (!ctx)
		return;
	ctx->err = 0;
	ctx->errmsg[0] = '\0';
}

CONTIV_EXPORT void contiv_free(void *ptr)
{
	free(ptr);
}

int contiv__error(struct contiv_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (!ctx)
		return err;
	ctx->err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	contiv_dbg(ctx, "error %d: %s", err, ctx->errmsg);
	return err;
}

void contiv__log(struct contiv_ctx *ctx, int priority, const char *file, int line,
		 const char *fn, const char *fmt, ...)
{
	char msg[CONTIV_ERRMSG_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx, priority, file, line, fn, msg, ctx->log_data);
}
