/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private header of libcontiv: shared by the library's own files and the
 * white-box tests, never installed, never included by front ends.
 */
#ifndef CONTIV_LIBCONTIV_PRIVATE_H
#define CONTIV_LIBCONTIV_PRIVATE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <contiv/contiv.h>

/* Marks a definition as part of the ABI; everything else is hidden. */
#define CONTIV_EXPORT __attribute__((visibility("default")))

#define contiv__printf(a, b) __attribute__((format(printf, a, b)))
#define contiv__unused __attribute__((unused))
#define CONTIV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Public-argument checks: programming errors get -EINVAL (or val), never abort. */
#define contiv_return_val_if_fail(expr, val) \
	do { \
		if (__builtin_expect(!(expr), 0)) \
			return (val); \
	} while (0)

/* Fails with -ECHILD when a context is used in a child after fork(). */
#define contiv_return_if_forked(ctx) \
	do { \
		if (contiv__ctx_forked(ctx)) \
			return -ECHILD; \
	} while (0)

#define CONTIV_ERRMSG_MAX 512

struct contiv_ctx {
	int refcount;
	pid_t pid;
	contiv_log_fn log_fn;
	void *log_data;
	int log_priority;
	int err;
	char errmsg[CONTIV_ERRMSG_MAX];
};

bool contiv__ctx_forked(const struct contiv_ctx *ctx);

/*
 * Records err (negative) and a message on ctx and returns err, for
 * "return contiv__error(ctx, -EINVAL, "...", ...);". Logs it at debug level.
 */
int contiv__error(struct contiv_ctx *ctx, int err, const char *fmt, ...) contiv__printf(3, 4);

void contiv__log(struct contiv_ctx *ctx, int priority, const char *file, int line,
		 const char *fn, const char *fmt, ...) contiv__printf(6, 7);

#define contiv__log_cond(ctx, prio, ...) \
	do { \
		if ((ctx) && (ctx)->log_fn && (ctx)->log_priority >= (prio)) \
			contiv__log(ctx, prio, __FILE__, __LINE__, __func__, __VA_ARGS__); \
	} while (0)
#define contiv_dbg(ctx, ...) contiv__log_cond(ctx, 7, __VA_ARGS__)
#define contiv_info(ctx, ...) contiv__log_cond(ctx, 6, __VA_ARGS__)

/*
 * Options structs (libbpf's OPTS_VALID): a caller's struct may be smaller
 * (older headers: missing fields take defaults) or larger (newer headers: the
 * bytes this library does not know must all be zero).
 */
bool contiv__opts_valid(const void *opts, size_t known_size);
#define CONTIV_OPTS_VALID(opts, type) \
	(!(opts) || contiv__opts_valid((opts), offsetof(struct type, type##__last_field) + \
					sizeof(((struct type *)0)->type##__last_field)))
#define CONTIV_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define CONTIV_OPTS_GET(opts, field, fallback) \
	(CONTIV_OPTS_HAS(opts, field) ? (opts)->field : (fallback))

/*
 * Renders untrusted text for a message: at most 64 bytes of it, bytes outside
 * printable ASCII as \xNN, '"' and '\' escaped, "..." appended when cut.
 * Returns buf.
 */
#define CONTIV_QUOTE_MAX 272
const char *contiv__quote(char buf[CONTIV_QUOTE_MAX], const char *text);

/* Strict decimal: digits only, no sign, no spaces, no leading '+'; <= max. */
int contiv__parse_u32(const char *text, uint32_t max, uint32_t *ret);

/* Strict dotted-quad IPv4 (inet_pton), host byte order. */
int contiv__parse_ipv4(const char *text, uint32_t *ret);
void contiv__format_ipv4(uint32_t addr, char buf[16]);
/* IPv6 text (inet_pton). */
int contiv__parse_ipv6(const char *text, uint8_t ret[16]);
void contiv__format_ipv6(const uint8_t addr[16], char buf[46]);

/*
 * An IPv4 subnet "A.B.C.D/len" or range subnet "A.B.C.D-E.F.G.H/len".
 * network = address & mask; first/last = range bounds as written (without a
 * range: network .. broadcast). Host bits in A.B.C.D are allowed, as Contiv.
 */
struct contiv__subnet4 {
	uint32_t network;
	uint32_t first;
	uint32_t last;
	uint8_t len;
	bool has_range;
};
/* On -EINVAL *why tells the reason ("prefix length must be 1..32"). */
int contiv__parse_subnet4(const char *text, struct contiv__subnet4 *ret, const char **why);
/* "A.B.C.D-E.F.G.H" or "A.B.C.D" (first == last). */
int contiv__parse_range4(const char *text, uint32_t *first, uint32_t *last, const char **why);
/* "prefix/len" IPv6, len 1..128 syntactically. */
int contiv__parse_subnet6(const char *text, uint8_t prefix[16], uint8_t *len, const char **why);

static inline uint32_t contiv__mask4(uint8_t len)
{
	return len == 0 ? 0 : (uint32_t)(0xffffffffu << (32 - len));
}

/* Whether 16-byte address a lies in prefix/len. */
bool contiv__ipv6_in_prefix(const uint8_t a[16], const uint8_t prefix[16], uint8_t len);

/* Object (used by the JSON layer and tests). */
struct contiv_ctx *contiv__object_ctx(const struct contiv_object *obj);

/*
 * dp (nft-inc.c): forget what the handle last applied, so that the next
 * contiv_dp_apply_policy() replaces the whole table (repairs changes made
 * behind the handle's back; resets the rule counters).
 */
struct contiv_dp;
void contiv__dp_policy_forget(struct contiv_dp *dp);

#endif /* CONTIV_LIBCONTIV_PRIVATE_H */
