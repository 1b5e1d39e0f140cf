/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* contiv_idpool: integers of a range (VLANs, VXLAN VNIs, endpoint group ids). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ipam-internal.h"

int contiv__idpool_error(const struct contiv_idpool *pool, int err, const char *fmt, ...)
{
	char msg[CONTIV_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return contiv__error(pool->ctx, err, "idpool %u-%u: %s", pool->min, pool->max, msg);
}

int contiv__idrange_parse(struct contiv_ctx *ctx, const char *text, uint32_t *min, uint32_t *max)
{
	char q[CONTIV_QUOTE_MAX], lo[16];
	const char *dash = strchr(text, '-');
	uint32_t a, b;

	if (!dash || (size_t)(dash - text) >= sizeof(lo))
		goto invalid;
	memcpy(lo, text, (size_t)(dash - text));
	lo[dash - text] = '\0';
	if (contiv__parse_u32(lo, CONTIV__ID_MAX, &a) < 0 ||
	    contiv__parse_u32(dash + 1, CONTIV__ID_MAX, &b) < 0 || a > b)
		goto invalid;
	*min = a;
	*max = b;
	return 0;
invalid:
	return contiv__error(ctx, -EINVAL,
			     "id range \"%s\": must be MIN-MAX with 0 <= MIN <= MAX <= %u",
			     contiv__quote(q, text), CONTIV__ID_MAX);
}

void contiv__idpool_format(const void *userdata, uint32_t idx, char buf[46])
{
	const struct contiv_idpool *pool = userdata;

	snprintf(buf, 46, "%u", pool->min + idx);
}

int contiv__idpool_parse(const void *userdata, const char *text, uint32_t *ret)
{
	const struct contiv_idpool *pool = userdata;
	uint32_t id;

	if (contiv__parse_u32(text, CONTIV__ID_MAX, &id) < 0)
		return -EINVAL;
	if (id < pool->min || id > pool->max)
		return -CONTIV_ERR_NOT_IN_POOL;
	*ret = id - pool->min;
	return 0;
}

CONTIV_EXPORT int contiv_idpool_new(struct contiv_ctx *ctx, const char *range,
				    struct contiv_idpool **ret)
{
	struct contiv_idpool *pool;
	uint32_t min, max;
	int r;

	contiv_return_val_if_fail(ctx && range && ret, -EINVAL);
	contiv_return_if_forked(ctx);

	r = contiv__idrange_parse(ctx, range, &min, &max);
	if (r < 0)
		return r;
	pool = calloc(1, sizeof(*pool));
	if (!pool || contiv__bitalloc_init(&pool->ba, max - min + 1) < 0) {
		free(pool);
		return contiv__error(ctx, -ENOMEM, "idpool %u-%u: out of memory", min, max);
	}
	pool->ctx = contiv_ctx_ref(ctx);
	pool->min = min;
	pool->max = max;
	*ret = pool;
	return 0;
}

CONTIV_EXPORT void contiv_idpool_free(struct contiv_idpool *pool)
{
	if (!pool)
		return;
	contiv__bitalloc_fini(&pool->ba);
	contiv_ctx_unref(pool->ctx);
	free(pool);
}

static int id_lookup(const struct contiv_idpool *pool, uint32_t id, uint32_t *ret)
{
	if (id < pool->min || id > pool->max)
		return contiv__idpool_error(pool, -CONTIV_ERR_NOT_IN_POOL, "id %u: outside the range", id);
	*ret = id - pool->min;
	return 0;
}

CONTIV_EXPORT int contiv_idpool_alloc(struct contiv_idpool *pool, uint32_t want, uint32_t *ret)
{
	uint32_t idx = 0;
	int r;

	contiv_return_val_if_fail(pool && ret, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	if (want) {
		r = id_lookup(pool, want, &idx);
		if (r < 0)
			return r;
		if (contiv__bitalloc_test(&pool->ba, idx))
			return contiv__idpool_error(pool, -EEXIST, "id %u: already allocated", want);
	} else {
		idx = contiv__bitalloc_next_clear(&pool->ba, 0);
		if (idx == CONTIV__BITALLOC_NONE)
			return contiv__idpool_error(pool, -CONTIV_ERR_EXHAUSTED, "no free id");
	}
	r = contiv__bitalloc_set(&pool->ba, idx);
	if (r < 0)
		return contiv__idpool_error(pool, r, "out of memory");
	*ret = pool->min + idx;
	return 0;
}

CONTIV_EXPORT int contiv_idpool_release(struct contiv_idpool *pool, uint32_t id)
{
	uint32_t idx = 0;
	int r;

	contiv_return_val_if_fail(pool, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = id_lookup(pool, id, &idx);
	if (r < 0)
		return r;
	if (!contiv__bitalloc_test(&pool->ba, idx))
		return contiv__idpool_error(pool, -ENOENT, "id %u: not allocated", id);
	contiv__bitalloc_clear(&pool->ba, idx);
	return 0;
}

CONTIV_EXPORT int contiv_idpool_is_allocated(const struct contiv_idpool *pool, uint32_t id)
{
	uint32_t idx = 0;
	int r;

	contiv_return_val_if_fail(pool, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = id_lookup(pool, id, &idx);
	if (r < 0)
		return r;
	return contiv__bitalloc_test(&pool->ba, idx) ? 1 : 0;
}

CONTIV_EXPORT int contiv_idpool_set_range(struct contiv_idpool *pool, const char *range)
{
	struct contiv__bitalloc ba;
	uint32_t min, max, first, above, lo, hi, from = 0;
	int r;

	contiv_return_val_if_fail(pool && range, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = contiv__idrange_parse(pool->ctx, range, &min, &max);
	if (r < 0)
		return r;
	/* The lowest allocated id below min, else the lowest above max. */
	first = contiv__bitalloc_next_set(&pool->ba, 0);
	if (first != CONTIV__BITALLOC_NONE && pool->min + first < min)
		return contiv__idpool_error(pool, -EBUSY, "range %u-%u: id %u is allocated",
					    min, max, pool->min + first);
	above = max < pool->min ? 0 : max - pool->min + 1;
	above = contiv__bitalloc_next_set(&pool->ba, above);
	if (above != CONTIV__BITALLOC_NONE)
		return contiv__idpool_error(pool, -EBUSY, "range %u-%u: id %u is allocated",
					    min, max, pool->min + above);

	if (contiv__bitalloc_init(&ba, max - min + 1) < 0)
		return contiv__idpool_error(pool, -ENOMEM, "range %u-%u: out of memory", min, max);
	while (contiv__bitalloc_next_run(&pool->ba, true, from, &lo, &hi)) {
		if (contiv__bitalloc_set_range(&ba, pool->min + lo - min, pool->min + hi - min) < 0) {
			contiv__bitalloc_fini(&ba);
			return contiv__idpool_error(pool, -ENOMEM, "range %u-%u: out of memory",
						    min, max);
		}
		from = hi + 1;
	}
	contiv__bitalloc_fini(&pool->ba);
	pool->ba = ba;
	pool->min = min;
	pool->max = max;
	return 0;
}

CONTIV_EXPORT uint64_t contiv_idpool_count_allocated(const struct contiv_idpool *pool)
{
	return pool ? pool->ba.count : 0;
}

CONTIV_EXPORT int contiv_idpool_get_allocated(const struct contiv_idpool *pool, char **ret)
{
	char *text;
	int r;

	contiv_return_val_if_fail(pool && ret, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	r = contiv__ranges_render(&pool->ba, true, NULL, 0, contiv__idpool_format, pool, &text);
	if (r < 0)
		return contiv__idpool_error(pool, r, "out of memory");
	*ret = text;
	return 0;
}
