/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The umbrella header alone must compile as strict C99:
 *   $(CC) -std=c99 -Wall -Wextra -pedantic -Werror
 * No config.h, no _GNU_SOURCE, nothing but <contiv/contiv.h>.
 */
#include <contiv/contiv.h>

#if !defined(CONTIV_VERSION_MAJOR) || !defined(CONTIV_VERSION_MINOR) || !defined(CONTIV_VERSION_MICRO)
#error "<contiv/contiv.h> must define CONTIV_VERSION_MAJOR/MINOR/MICRO"
#endif

/* Function pointers with the exact public prototypes: a header that changes
 * a signature without this file noticing would fail to compile here. */
static const char *(*const version_fn)(void) = contiv_version;
static int (*const strerror_fn)(int, char *, size_t) = contiv_strerror;
static int (*const ctx_new_fn)(const struct contiv_ctx_opts *, struct contiv_ctx **) = contiv_ctx_new;
static struct contiv_ctx *(*const ctx_unref_fn)(struct contiv_ctx *) = contiv_ctx_unref;

int main(void)
{
	CONTIV_OPTS(contiv_ctx_opts, opts, .log_priority = 3);
	struct contiv_ctx *ctx = NULL;
	char buf[128];
	enum contiv_errno e = CONTIV_ERR_EXHAUSTED;

	if (ctx_new_fn(&opts, &ctx) < 0)
		return 1;
	if (strerror_fn(-(int)e, buf, sizeof(buf)) < 0)
		return 1;
	if (!version_fn() || !version_fn()[0])
		return 1;
	ctx = ctx_unref_fn(ctx);
	return ctx == NULL ? 0 : 1;
}
