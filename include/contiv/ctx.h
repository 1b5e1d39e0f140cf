/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_CTX_H
#define CONTIV_CTX_H

/**
 * SECTION:ctx
 * The library context.
 *
 * Every object of libcontiv belongs to a context. A context holds the log
 * callback, the log priority and the text of the last error. There is no
 * global state: two contexts in one process are independent. A context and
 * the objects created from it are not thread-safe; use one context per
 * thread. A context may not be used after fork() by the child (calls fail
 * with -ECHILD).
 *
 * Lifetime: contiv_ctx_new() returns a context with one reference;
 * contiv_ctx_ref() adds one, contiv_ctx_unref() drops one and frees the
 * context with the last. Objects created from a context hold a reference to
 * it, so the context lives until its last object is released.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;

/**
 * CONTIV_OPTS:
 * @TYPE: options struct tag, without "struct" (e.g. contiv_ctx_opts)
 * @NAME: variable to declare
 * @...: designated initialisers of the fields to set
 *
 * Declares an options struct with its size field filled in, so that a
 * program built against these headers keeps working with a later library
 * whose struct has grown: CONTIV_OPTS(contiv_ctx_opts, o, .log_priority = 7);
 */
#define CONTIV_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }

/**
 * struct contiv_ctx_opts - options of contiv_ctx_new()
 * @sz: size of this struct, sizeof(struct contiv_ctx_opts); set by CONTIV_OPTS()
 * @log_priority: highest syslog priority passed to the log callback
 *   (0 LOG_EMERG .. 7 LOG_DEBUG); 0 selects the default, 3 (LOG_ERR)
 *
 * Fields are only ever appended. A library older than the caller's headers
 * rejects the struct with -EINVAL only if a field it does not know is set.
 */
struct contiv_ctx_opts {
	size_t sz;
	uint32_t log_priority;
	uint32_t reserved;
};
#define contiv_ctx_opts__last_field reserved

/**
 * contiv_log_fn:
 * @ctx: the context that logs
 * @priority: syslog priority of the message (0..7)
 * @file: source file of the library that logs
 * @line: source line
 * @fn: function name
 * @message: the formatted message, without trailing newline
 * @userdata: the pointer given to contiv_ctx_set_log_fn()
 *
 * A log callback. The library never prints; it only calls this.
 */
typedef void (*contiv_log_fn)(struct contiv_ctx *ctx, int priority,
			      const char *file, int line, const char *fn,
			      const char *message, void *userdata);

/**
 * contiv_ctx_new:
 * @opts: options, or NULL for the defaults
 * @ret: where the new context is stored on success
 *
 * Creates a library context with one reference and no log callback.
 *
 * Returns: 0 on success; -EINVAL if @ret is NULL or @opts is not valid
 * (unknown size with non-zero unknown fields, priority > 7); -ENOMEM.
 *
 * Since: 1
 */
int contiv_ctx_new(const struct contiv_ctx_opts *opts, struct contiv_ctx **ret);

/**
 * contiv_ctx_ref:
 * @ctx: a context, or NULL
 *
 * Takes a reference on @ctx.
 *
 * Returns: @ctx.
 *
 * Since: 1
 */
struct contiv_ctx *contiv_ctx_ref(struct contiv_ctx *ctx);

/**
 * contiv_ctx_unref:
 * @ctx: a context, or NULL
 *
 * Drops a reference on @ctx and frees it with the last one.
 *
 * Returns: NULL, so that "ctx = contiv_ctx_unref(ctx);" clears the pointer.
 *
 * Since: 1
 */
struct contiv_ctx *contiv_ctx_unref(struct contiv_ctx *ctx);

/**
 * contiv_ctx_set_log_fn:
 * @ctx: a context
 * @fn: log callback, or NULL to stop logging
 * @userdata: passed to @fn unchanged
 *
 * Sets the function that receives the library's log messages.
 *
 * Returns: 0 on success; -EINVAL if @ctx is NULL; -ECHILD after fork().
 *
 * Since: 1
 */
int contiv_ctx_set_log_fn(struct contiv_ctx *ctx, contiv_log_fn fn, void *userdata);

/**
 * contiv_ctx_set_log_priority:
 * @ctx: a context
 * @priority: highest syslog priority logged, 0..7
 *
 * Returns: 0 on success; -EINVAL if @ctx is NULL or @priority > 7; -ECHILD.
 *
 * Since: 1
 */
int contiv_ctx_set_log_priority(struct contiv_ctx *ctx, int priority);

/**
 * contiv_ctx_get_log_priority:
 * @ctx: a context
 *
 * Returns: the current log priority (0..7), or -EINVAL if @ctx is NULL.
 *
 * Since: 1
 */
int contiv_ctx_get_log_priority(const struct contiv_ctx *ctx);

/**
 * contiv_ctx_get_error:
 * @ctx: a context
 *
 * The message of the last failed call on @ctx or on an object of @ctx, naming
 * the object, the field and the value at fault, e.g.
 * 'network "contiv-net": subnet "10.1.2.0/33": prefix length must be 1..32'.
 * A successful call does not clear it.
 *
 * Returns: the message, valid until the next call on @ctx or its objects;
 * "" if no call has failed; NULL if @ctx is NULL.
 *
 * Since: 1
 */
const char *contiv_ctx_get_error(const struct contiv_ctx *ctx);

/**
 * contiv_ctx_get_errno:
 * @ctx: a context
 *
 * Returns: the (negative) code of the last failed call on @ctx, 0 if none,
 * -EINVAL if @ctx is NULL.
 *
 * Since: 1
 */
int contiv_ctx_get_errno(const struct contiv_ctx *ctx);

/**
 * contiv_ctx_clear_error:
 * @ctx: a context, or NULL
 *
 * Forgets the last error of @ctx.
 *
 * Since: 1
 */
void contiv_ctx_clear_error(struct contiv_ctx *ctx);

/**
 * contiv_free:
 * @ptr: memory returned by libcontiv for the caller to free (JSON text,
 *   range strings), or NULL
 *
 * Frees memory that libcontiv allocated for the caller. Use it instead of
 * free() so that callers with another allocator (ctypes, other runtimes)
 * release memory in the allocator that provided it.
 *
 * Since: 1
 */
void contiv_free(void *ptr);

#if defined(__GNUC__) && !defined(__STRICT_ANSI__)
/* Cleanup helpers for GNU C: struct contiv_ctx *c __attribute__((cleanup(contiv_ctx_unrefp))). */
static inline void contiv_ctx_unrefp(struct contiv_ctx **p) { contiv_ctx_unref(*p); }
static inline void contiv_freep(void *p) { contiv_free(*(void **)p); }
#endif

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_CTX_H */
