/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Carving an endpoint group's ip-pool out of its network's pool. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "ipam-internal.h"

/* Parses an IPv4 range of pool into indexes, with a message on failure. */
static int range_lookup(const struct contiv_ipam_pool *pool, const char *text,
			struct contiv__interval *ret)
{
	char q[CONTIV_QUOTE_MAX];
	const char *why;
	uint32_t first, last;

	if (pool->family != 4)
		return contiv__pool_error(pool, -EINVAL, "range \"%s\": only IPv4 pools have ranges",
					  contiv__quote(q, text));
	if (contiv__parse_range4(text, &first, &last, &why) < 0)
		return contiv__pool_error(pool, -EINVAL, "range \"%s\": %s", contiv__quote(q, text), why);
	if (first < pool->base || last - pool->base >= pool->ba.n)
		return contiv__pool_error(pool, -CONTIV_ERR_NOT_IN_POOL, "range \"%s\": outside the pool",
					  contiv__quote(q, text));
	ret->lo = first - pool->base;
	ret->hi = last - pool->base;
	return 0;
}

int contiv__pool_reserve(struct contiv_ipam_pool *pool, const char *text,
			 struct contiv__interval *ret)
{
	char q[CONTIV_QUOTE_MAX], addr[CONTIV_IPAM_ADDR_MAX], why[128];
	struct contiv__interval iv, *carved;
	uint32_t taken;
	int r;

	r = range_lookup(pool, text, &iv);
	if (r < 0)
		return r;
	taken = contiv__bitalloc_next_set(&pool->ba, iv.lo);
	if (taken <= iv.hi) {
		contiv__pool_format(pool, taken, addr);
		contiv__pool_taken_reason(pool, taken, why);
		return contiv__pool_error(pool, -EEXIST, "range \"%s\": address %s %s",
					  contiv__quote(q, text), addr, why);
	}
	carved = realloc(pool->carved, (pool->ncarved + 1) * sizeof(*carved));
	if (!carved)
		return contiv__pool_error(pool, -ENOMEM, "range \"%s\": out of memory",
					  contiv__quote(q, text));
	pool->carved = carved;
	r = contiv__bitalloc_set_range(&pool->ba, iv.lo, iv.hi);
	if (r < 0)
		return contiv__pool_error(pool, r, "range \"%s\": out of memory", contiv__quote(q, text));
	pool->carved[pool->ncarved++] = iv;
	*ret = iv;
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_carve(struct contiv_ipam_pool *parent, const char *range,
					 struct contiv_ipam_pool **ret_child)
{
	struct contiv_ipam_pool *child;
	struct contiv__interval iv;
	char a[16], b[16], subnet[CONTIV__SUBNET_MAX];
	int r;

	contiv_return_val_if_fail(parent && range && ret_child, -EINVAL);
	contiv_return_if_forked(parent->ctx);

	r = contiv__pool_reserve(parent, range, &iv);
	if (r < 0)
		return r;
	/* The child's subnet is the range subnet whose addresses are exactly the range. */
	contiv__format_ipv4(parent->base + iv.lo, a);
	contiv__format_ipv4(parent->base + iv.hi, b);
	snprintf(subnet, sizeof(subnet), "%s-%s/%u", a, b, parent->len);
	r = contiv__pool_make(parent->ctx, 4, parent->len, subnet, iv.hi - iv.lo + 1, &child);
	if (r < 0) {
		contiv__bitalloc_clear_range(&parent->ba, iv.lo, iv.hi);
		parent->ncarved--;
		return contiv__pool_error(parent, r, "range %s-%s: out of memory", a, b);
	}
	child->base = parent->base + iv.lo;
	child->is_child = true;
	*ret_child = child;
	return 0;
}

CONTIV_EXPORT int contiv_ipam_pool_uncarve(struct contiv_ipam_pool *parent, const char *range)
{
	char q[CONTIV_QUOTE_MAX];
	struct contiv__interval iv;
	int r;

	contiv_return_val_if_fail(parent && range, -EINVAL);
	contiv_return_if_forked(parent->ctx);

	r = range_lookup(parent, range, &iv);
	if (r == -EINVAL)
		return r;
	for (size_t i = 0; r == 0 && i < parent->ncarved; i++) {
		if (parent->carved[i].lo != iv.lo || parent->carved[i].hi != iv.hi)
			continue;
		contiv__bitalloc_clear_range(&parent->ba, iv.lo, iv.hi);
		memmove(&parent->carved[i], &parent->carved[i + 1],
			(parent->ncarved - i - 1) * sizeof(*parent->carved));
		parent->ncarved--;
		return 0;
	}
	/* Outside the pool (-CONTIV_ERR_NOT_IN_POOL) is not carved either. */
	return contiv__pool_error(parent, -ENOENT, "range \"%s\": not carved from this pool",
				  contiv__quote(q, range));
}
