/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* contiv_ipam_pool: the addresses of one IPv4 or IPv6 subnet. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ipam-internal.h"

#define IPV4_PREFIX_MIN 8
#define IPV4_PREFIX_MAX 30
#define IPV6_PREFIX_MAX 126

int contiv__pool_error(const struct contiv_ipam_pool *pool, int err, const char *fmt, ...)
{
	char msg[CONTIV_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return contiv__error(pool->ctx, err, "ipam %s: %s", pool->subnet, msg);
}

int contiv__pool_make(struct contiv_ctx *ctx, int family, uint8_t len, const char *subnet,
		      uint32_t n, struct contiv_ipam_pool **ret)
{
	struct contiv_ipam_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		return -ENOMEM;
	if (contiv__bitalloc_init(&pool->ba, n) < 0) {
		free(pool);
		return -ENOMEM;
	}
	pool->family = family;
	pool->len = len;
	snprintf(pool->subnet, sizeof(pool->subnet), "%s", subnet);
	pool->ctx = contiv_ctx_ref(ctx);
	*ret = pool;
	return 0;
}

int contiv__pool_to_index(const struct contiv_ipam_pool *pool, const char *text, uint32_t *ret)
{
	uint8_t a[16];
	uint32_t v4, id;

	if (pool->family == 4) {
		if (contiv__parse_ipv4(text, &v4) < 0)
			return -EINVAL;
		if (v4 < pool->base || v4 - pool->base >= pool->ba.n)
			return -CONTIV_ERR_NOT_IN_POOL;
		*ret = v4 - pool->base;
		return 0;
	}
	if (contiv__parse_ipv6(text, a) < 0)
		return -EINVAL;
	if (!contiv__ipv6_in_prefix(a, pool->prefix6, pool->len))
		return -CONTIV_ERR_NOT_IN_POOL;
	for (unsigned i = 0; i < 12; i++)	/* host ids go up to 2^24: the low 32 bits */
		if (a[i] != pool->prefix6[i])
			return -CONTIV_ERR_NOT_IN_POOL;
	id = 0;
	for (unsigned i = 12; i < 16; i++)
		id = (id << 8) | (uint32_t)(a[i] ^ pool->prefix6[i]);
	if (id == 0 || id > pool->ba.n)
		return -CONTIV_ERR_NOT_IN_POOL;
	*ret = id - 1;
	return 0;
}

void contiv__pool_format(const void *userdata, uint32_t idx, char buf[46])
{
	const struct contiv_ipam_pool *pool = userdata;
	uint8_t a[16];
	uint32_t id = idx + 1;

	if (pool->family == 4) {
		contiv__format_ipv4(pool->base + idx, buf);
		return;
	}
	memcpy(a, pool->prefix6, 16);
	for (unsigned i = 15; id; i--, id >>= 8)
		a[i] |= (uint8_t)id;
	contiv__format_ipv6(a, buf);
}

static const struct contiv__interval *carved_find(const struct contiv_ipam_pool *pool, uint32_t idx)
{
	for (size_t i = 0; i < pool->ncarved; i++)
		if (idx >= pool->carved[i].lo && idx <= pool->carved[i].hi)
			return &pool->carved[i];
	return NULL;
}

void contiv__pool_taken_reason(const struct contiv_ipam_pool *pool, uint32_t idx, char buf[128])
{
	const struct contiv__interval *c = carved_find(pool, idx);
	char range[96];

	if (pool->has_gateway && idx == pool->gateway) {
		snprintf(buf, 128, "is the gateway");
	} else if (c) {
		contiv__ranges_format_item(contiv__pool_format, pool, c->lo, c->hi, range);
		snprintf(buf, 128, "is in carved range %s", range);
	} else {
		snprintf(buf, 128, "is already allocated");
	}
}

/* Parses an IPv4 subnet into a pool: its allocatable addresses and canonical text. */
static int pool_new4(struct contiv_ctx *ctx, const char *subnet, struct contiv_ipam_pool **ret)
{
	struct contiv__subnet4 s;
	char q[CONTIV_QUOTE_MAX], text[CONTIV__SUBNET_MAX], a[16], b[16];
	const char *why;
	uint32_t bcast, lo, hi;
	int r;

	if (contiv__parse_subnet4(subnet, &s, &why) < 0)
		return contiv__error(ctx, -EINVAL, "subnet \"%s\": %s", contiv__quote(q, subnet), why);
	if (s.len < IPV4_PREFIX_MIN || s.len > IPV4_PREFIX_MAX)
		return contiv__error(ctx, -EINVAL, "subnet \"%s\": prefix length must be %d..%d",
				     contiv__quote(q, subnet), IPV4_PREFIX_MIN, IPV4_PREFIX_MAX);
	bcast = s.network | ~contiv__mask4(s.len);
	lo = s.first > s.network ? s.first : s.network + 1;
	hi = s.last < bcast ? s.last : bcast - 1;
	if (lo > hi)
		return contiv__error(ctx, -EINVAL, "subnet \"%s\": the range holds no usable address",
				     contiv__quote(q, subnet));
	if (s.has_range) {
		contiv__format_ipv4(s.first, a);
		contiv__format_ipv4(s.last, b);
		snprintf(text, sizeof(text), "%s-%s/%u", a, b, s.len);
	} else {
		contiv__format_ipv4(s.network, a);
		snprintf(text, sizeof(text), "%s/%u", a, s.len);
	}
	r = contiv__pool_make(ctx, 4, s.len, text, hi - lo + 1, ret);
	if (r < 0)
		return contiv__error(ctx, r, "subnet \"%s\": out of memory", text);
	(*ret)->base = lo;
	return 0;
}

/* IPv6: host ids 1 .. min(2^(128-len) - 1, 2^24). */
static int pool_new6(struct contiv_ctx *ctx, const char *subnet, struct contiv_ipam_pool **ret)
{
	char q[CONTIV_QUOTE_MAX], text[CONTIV__SUBNET_MAX], a[46];
	uint8_t prefix[16], len;
	const char *why;
	uint32_t host_bits, n;
	int r;

	if (contiv__parse_subnet6(subnet, prefix, &len, &why) < 0)
		return contiv__error(ctx, -EINVAL, "subnet \"%s\": %s", contiv__quote(q, subnet), why);
	if (len > IPV6_PREFIX_MAX)
		return contiv__error(ctx, -EINVAL, "subnet \"%s\": prefix length must be 1..%d",
				     contiv__quote(q, subnet), IPV6_PREFIX_MAX);
	host_bits = 128u - len;
	n = host_bits > 24 ? CONTIV__BITALLOC_MAX : (UINT32_C(1) << host_bits) - 1;
	contiv__format_ipv6(prefix, a);
	snprintf(text, sizeof(text), "%s/%u", a, len);
	r = contiv__pool_make(ctx, 6, len, text, n, ret);
	if (r < 0)
		return contiv__error(ctx, r, "subnet \"%s\": out of memory", text);
	memcpy((*ret)->prefix6, prefix, 16);
	return 0;
}

static int pool_set_gateway(struct contiv_ipam_pool *pool, const char *gateway)
{
	char q[CONTIV_QUOTE_MAX];
	uint32_t idx = 0;
	int r;

	r = contiv__pool_to_index(pool, gateway, &idx);
	if (r == -EINVAL)
		return contiv__pool_error(pool, -EINVAL, "gateway \"%s\": not an IPv%d address",
					  contiv__quote(q, gateway), pool->family);
	if (r < 0)
		return contiv__pool_error(pool, -EINVAL,
					  "gateway \"%s\": outside the subnet's usable addresses",
					  contiv__quote(q, gateway));
	r = contiv__bitalloc_set(&pool->ba, idx);
	if (r < 0)
		return contiv__pool_error(pool, r, "gateway: out of memory");
	pool->has_gateway = true;
	pool->gateway = idx;
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_new(struct contiv_ctx *ctx, const char *subnet,
				       const char *gateway, struct contiv_ipam_pool **ret)
{
	struct contiv_ipam_pool *pool = NULL;
	int r;

	contiv_return_val_if_fail(ctx && subnet && ret, -EINVAL);
	contiv_return_if_forked(ctx);

	r = strchr(subnet, ':') ? pool_new6(ctx, subnet, &pool) : pool_new4(ctx, subnet, &pool);
	if (r < 0)
		return r;
	if (gateway && *gateway) {
		r = pool_set_gateway(pool, gateway);
		if (r < 0) {
			contiv_ipam_pool_free(pool);
			return r;
		}
	}
	*ret = pool;
	return 0;
}

CONTIV_EXPORT void contiv_ipam_pool_free(struct contiv_ipam_pool *pool)
{
	if (!pool)
		return;
	contiv__bitalloc_fini(&pool->ba);
	free(pool->carved);
	contiv_ctx_unref(pool->ctx);
	free(pool);
}

CONTIV_EXPORT int contiv_ipam_pool_get_family(const struct contiv_ipam_pool *pool)
{
	contiv_return_val_if_fail(pool, -EINVAL);
	return pool->family;
}

CONTIV_EXPORT int contiv_ipam_pool_get_prefix_len(const struct contiv_ipam_pool *pool)
{
	contiv_return_val_if_fail(pool, -EINVAL);
	return pool->len;
}

/* Parses addr of a pool, with a message on failure. */
static int pool_lookup(const struct contiv_ipam_pool *pool, const char *addr, uint32_t *ret)
{
	char q[CONTIV_QUOTE_MAX];
	int r = contiv__pool_to_index(pool, addr, ret);

	if (r == -EINVAL)
		return contiv__pool_error(pool, r, "address \"%s\": not an IPv%d address",
					  contiv__quote(q, addr), pool->family);
	if (r < 0)
		return contiv__pool_error(pool, r, "address \"%s\": outside the pool",
					  contiv__quote(q, addr));
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_alloc(struct contiv_ipam_pool *pool, const char *want,
					 char *buf, size_t len)
{
	char text[CONTIV_IPAM_ADDR_MAX], why[128];
	uint32_t idx = 0;
	int r;

	contiv_return_val_if_fail(pool && buf, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	if (want && *want) {
		r = pool_lookup(pool, want, &idx);
		if (r < 0)
			return r;
		if (contiv__bitalloc_test(&pool->ba, idx)) {
			contiv__pool_format(pool, idx, text);
			contiv__pool_taken_reason(pool, idx, why);
			return contiv__pool_error(pool, -EEXIST, "address \"%s\": %s", text, why);
		}
	} else {
		idx = contiv__bitalloc_next_clear(&pool->ba, 0);
		if (idx == CONTIV__BITALLOC_NONE)
			return contiv__pool_error(pool, -CONTIV_ERR_EXHAUSTED, "no free address%s",
						  pool->is_child ? " (address exhaustion in pool)" : "");
	}
	contiv__pool_format(pool, idx, text);
	if (strlen(text) >= len)
		return contiv__pool_error(pool, -ERANGE, "address \"%s\": buffer of %zu bytes too small",
					  text, len);
	r = contiv__bitalloc_set(&pool->ba, idx);
	if (r < 0)
		return contiv__pool_error(pool, r, "address \"%s\": out of memory", text);
	memcpy(buf, text, strlen(text) + 1);
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_release(struct contiv_ipam_pool *pool, const char *addr)
{
	char text[CONTIV_IPAM_ADDR_MAX], why[128];
	uint32_t idx = 0;
	int r;

	contiv_return_val_if_fail(pool && addr, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = pool_lookup(pool, addr, &idx);
	if (r < 0)
		return r;
	if ((pool->has_gateway && idx == pool->gateway) || carved_find(pool, idx)) {
		contiv__pool_format(pool, idx, text);
		contiv__pool_taken_reason(pool, idx, why);
		return contiv__pool_error(pool, -EPERM, "address \"%s\": %s, not releasable",
					  text, why);
	}
	if (!contiv__bitalloc_test(&pool->ba, idx)) {
		contiv__pool_format(pool, idx, text);
		return contiv__pool_error(pool, -ENOENT, "address \"%s\": not allocated", text);
	}
	contiv__bitalloc_clear(&pool->ba, idx);
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_is_allocated(const struct contiv_ipam_pool *pool,
						const char *addr)
{
	uint32_t idx = 0;
	int r;

	contiv_return_val_if_fail(pool && addr, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = pool_lookup(pool, addr, &idx);
	if (r < 0)
		return r;
	return contiv__bitalloc_test(&pool->ba, idx) ? 1 : 0;
}

CONTIV_EXPORT uint64_t contiv_ipam_pool_count_allocated(const struct contiv_ipam_pool *pool)
{
	return pool ? pool->ba.count : 0;
}

CONTIV_EXPORT uint64_t contiv_ipam_pool_count_available(const struct contiv_ipam_pool *pool)
{
	return pool ? pool->ba.n - pool->ba.count : 0;
}

static int pool_render(const struct contiv_ipam_pool *pool, bool set, char **ret)
{
	char *text;
	int r;

	contiv_return_val_if_fail(pool && ret, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = contiv__ranges_render(&pool->ba, set, NULL, 0, contiv__pool_format, pool, &text);
	if (r < 0)
		return contiv__pool_error(pool, r, "out of memory");
	*ret = text;
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_get_allocated(const struct contiv_ipam_pool *pool, char **ret)
{
	return pool_render(pool, true, ret);
}

CONTIV_EXPORT int contiv_ipam_pool_get_available(const struct contiv_ipam_pool *pool, char **ret)
{
	return pool_render(pool, false, ret);
}
