/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON form of address pools and id pools (json-c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "ipam-internal.h"

/* ---- writing ---- */

static int add_string(json_object *obj, const char *key, const char *value)
{
	json_object *v = json_object_new_string(value);

	if (!v)
		return -ENOMEM;
	if (json_object_object_add(obj, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* Adds key: the range string of ba's set bits minus excl. */
static int add_ranges(json_object *obj, const char *key, const struct contiv__bitalloc *ba,
		      const struct contiv__interval *excl, size_t nexcl, contiv__format_fn fmt,
		      const void *userdata)
{
	char *text;
	int r = contiv__ranges_render(ba, true, excl, nexcl, fmt, userdata, &text);

	if (r < 0)
		return r;
	r = add_string(obj, key, text);
	free(text);
	return r;
}

/* Hands the text of obj to the caller (memory for contiv_free()) and drops obj. */
static int finish(json_object *obj, int r, char **ret)
{
	char *text = NULL;

	if (r == 0) {
		const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE);
		text = s ? strdup(s) : NULL;
		r = text ? 0 : -ENOMEM;
	}
	json_object_put(obj);
	if (r == 0)
		*ret = text;
	return r;
}

static int by_lo(const void *a, const void *b)
{
	const struct contiv__interval *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int pool_fill(const struct contiv_ipam_pool *pool, json_object *obj)
{
	struct contiv__interval *excl;
	json_object *carved;
	char text[96];
	size_t nexcl = 0;
	int r;

	text[0] = '\0';
	if (pool->has_gateway)
		contiv__pool_format(pool, pool->gateway, text);
	r = add_string(obj, "subnet", pool->subnet);
	if (r == 0)
		r = add_string(obj, "gateway", text);
	if (r < 0)
		return r;

	carved = json_object_new_array();
	if (!carved || json_object_object_add(obj, "carved", carved) < 0) {
		json_object_put(carved);
		return -ENOMEM;
	}
	excl = calloc(pool->ncarved + 1, sizeof(*excl));
	if (!excl)
		return -ENOMEM;
	for (size_t i = 0; i < pool->ncarved; i++) {
		json_object *item;

		contiv__ranges_format_item(contiv__pool_format, pool, pool->carved[i].lo,
					   pool->carved[i].hi, text);
		item = json_object_new_string(text);
		if (!item || json_object_array_add(carved, item) < 0) {
			json_object_put(item);
			free(excl);
			return -ENOMEM;
		}
		excl[nexcl++] = pool->carved[i];
	}
	if (pool->has_gateway)
		excl[nexcl++] = (struct contiv__interval){ pool->gateway, pool->gateway };
	qsort(excl, nexcl, sizeof(*excl), by_lo);
	r = add_ranges(obj, "allocated", &pool->ba, excl, nexcl, contiv__pool_format, pool);
	free(excl);
	return r;
}

CONTIV_EXPORT int contiv_ipam_pool_to_json(const struct contiv_ipam_pool *pool, char **ret)
{
	json_object *obj;
	int r;

	contiv_return_val_if_fail(pool && ret, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	obj = json_object_new_object();
	if (!obj)
		return contiv__pool_error(pool, -ENOMEM, "JSON: out of memory");
	r = finish(obj, pool_fill(pool, obj), ret);
	if (r < 0)
		return contiv__pool_error(pool, r, "JSON: out of memory");
	return 0;
}

CONTIV_EXPORT int contiv_idpool_to_json(const struct contiv_idpool *pool, char **ret)
{
	json_object *obj;
	char range[32];
	int r;

	contiv_return_val_if_fail(pool && ret, -EINVAL);
	contiv_return_if_forked(pool->ctx);

	obj = json_object_new_object();
	if (!obj)
		return contiv__idpool_error(pool, -ENOMEM, "JSON: out of memory");
	snprintf(range, sizeof(range), "%u-%u", pool->min, pool->max);
	r = add_string(obj, "range", range);
	if (r == 0)
		r = add_ranges(obj, "allocated", &pool->ba, NULL, 0, contiv__idpool_format, pool);
	r = finish(obj, r, ret);
	if (r < 0)
		return contiv__idpool_error(pool, r, "JSON: out of memory");
	return 0;
}

/* ---- reading ---- */

/* The fields of an object, each a string or an array of strings. */
struct field {
	const char *key;
	json_type type;		/* json_type_string or json_type_array */
	bool required;
	json_object *value;	/* borrowed, NULL when absent */
};

/* Parses text as one JSON object with the given fields and no others. */
static int parse_object(struct contiv_ctx *ctx, const char *what, const char *text,
			struct field *fields, size_t nfields, json_object **ret)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj;
	size_t len = strlen(text), end;
	char q[CONTIV_QUOTE_MAX];
	int r = 0;

	if (!tok)
		return contiv__error(ctx, -ENOMEM, "%s JSON: out of memory", what);
	obj = json_tokener_parse_ex(tok, text, (int)(len > INT32_MAX ? INT32_MAX : len));
	if (!obj || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		json_object_put(obj);
		json_tokener_free(tok);
		return contiv__error(ctx, -CONTIV_ERR_JSON, "%s JSON: %s", what,
				     e == json_tokener_success ? "not a JSON object"
							       : json_tokener_error_desc(e));
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (text[end] == ' ' || text[end] == '\t' || text[end] == '\n' || text[end] == '\r')
		end++;
	if (text[end] || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return contiv__error(ctx, -CONTIV_ERR_JSON, "%s JSON: %s", what,
				     text[end] ? "text after the JSON value" : "not a JSON object");
	}
	json_object_object_foreach(obj, key, value) {
		size_t i;

		for (i = 0; i < nfields && strcmp(fields[i].key, key); i++)
			;
		if (i == nfields) {
			r = contiv__error(ctx, -CONTIV_ERR_JSON, "%s JSON: unknown key \"%s\"", what,
					  contiv__quote(q, key));
			break;
		}
		if (!json_object_is_type(value, fields[i].type)) {
			r = contiv__error(ctx, -CONTIV_ERR_JSON, "%s JSON: \"%s\" must be %s", what,
					  fields[i].key,
					  fields[i].type == json_type_string ? "a string" : "an array");
			break;
		}
		fields[i].value = value;
	}
	for (size_t i = 0; r == 0 && i < nfields; i++)
		if (fields[i].required && !fields[i].value)
			r = contiv__error(ctx, -CONTIV_ERR_JSON, "%s JSON: \"%s\" is missing", what,
					  fields[i].key);
	if (r < 0) {
		json_object_put(obj);
		return r;
	}
	*ret = obj;
	return 0;
}

/* The text of a JSON string; -EINVAL if it holds a NUL. */
static int get_text(struct contiv_ctx *ctx, const char *what, const char *key, json_object *v,
		    const char **ret)
{
	const char *s = json_object_get_string(v);

	if (!s || strlen(s) != (size_t)json_object_get_string_len(v))
		return contiv__error(ctx, -EINVAL, "%s JSON: \"%s\" holds a NUL byte", what, key);
	*ret = s;
	return 0;
}

/* contiv__add_fn: marks [lo, hi] as allocated, refusing overlap. */
static int add_allocated(void *userdata, uint32_t lo, uint32_t hi)
{
	struct contiv__bitalloc *ba = userdata;
	uint32_t taken = contiv__bitalloc_next_set(ba, lo);

	if (taken <= hi)
		return -EEXIST;
	return contiv__bitalloc_set_range(ba, lo, hi);
}

static int pool_parse(const void *pool, const char *text, uint32_t *ret)
{
	return contiv__pool_to_index(pool, text, ret);
}

/* Reads an "allocated" range string into ba, with a message naming the bad item. */
static int read_allocated(struct contiv_ctx *ctx, const char *what, json_object *v,
			  struct contiv__bitalloc *ba, contiv__parse_fn parse, const void *data)
{
	char bad[64], q[CONTIV_QUOTE_MAX];
	const char *text = NULL;
	int r;

	if (!v)
		return 0;
	r = get_text(ctx, what, "allocated", v, &text);
	if (r < 0)
		return r;
	r = contiv__ranges_parse(text, parse, data, add_allocated, ba, bad);
	if (r == -ENOMEM)
		return contiv__error(ctx, r, "%s JSON: out of memory", what);
	if (r < 0)
		return contiv__error(ctx, -EINVAL, "%s JSON: allocated \"%s\": %s", what,
				     contiv__quote(q, bad),
				     r == -EEXIST ? "allocated twice or reserved"
				     : r == -CONTIV_ERR_NOT_IN_POOL ? "outside the pool"
				     : "malformed");
	return 0;
}

/* Re-records the context's message with -EINVAL: a bad value in the JSON. */
static int as_invalid(struct contiv_ctx *ctx, int r)
{
	char msg[CONTIV_ERRMSG_MAX];

	if (r == -ENOMEM || r == -EINVAL)
		return r;
	snprintf(msg, sizeof(msg), "%s", ctx->errmsg);
	return contiv__error(ctx, -EINVAL, "%s", msg);
}

static int pool_read(struct contiv_ctx *ctx, struct field *f, struct contiv_ipam_pool **ret)
{
	const char *what = "ipam pool", *subnet = NULL, *gateway = NULL;
	struct contiv_ipam_pool *pool;
	size_t ncarved;
	int r;

	r = get_text(ctx, what, "subnet", f[0].value, &subnet);
	if (r == 0 && f[1].value)
		r = get_text(ctx, what, "gateway", f[1].value, &gateway);
	if (r < 0)
		return r;
	r = contiv_ipam_pool_new(ctx, subnet, gateway, &pool);
	if (r < 0)
		return as_invalid(ctx, r);

	ncarved = f[2].value ? json_object_array_length(f[2].value) : 0;
	for (size_t i = 0; i < ncarved; i++) {
		json_object *item = json_object_array_get_idx(f[2].value, i);
		struct contiv__interval iv;
		const char *range = NULL;

		if (!json_object_is_type(item, json_type_string)) {
			r = contiv__error(ctx, -CONTIV_ERR_JSON, "%s JSON: \"carved\" must hold strings",
					  what);
			goto fail;
		}
		r = get_text(ctx, what, "carved", item, &range);
		if (r == 0)
			r = contiv__pool_reserve(pool, range, &iv);
		if (r < 0) {
			r = as_invalid(ctx, r);
			goto fail;
		}
	}
	r = read_allocated(ctx, what, f[3].value, &pool->ba, pool_parse, pool);
	if (r < 0)
		goto fail;
	*ret = pool;
	return 0;
fail:
	contiv_ipam_pool_free(pool);
	return r;
}

CONTIV_EXPORT int contiv_ipam_pool_from_json(struct contiv_ctx *ctx, const char *json,
					     struct contiv_ipam_pool **ret)
{
	struct field f[] = {
		{ "subnet", json_type_string, true, NULL },
		{ "gateway", json_type_string, false, NULL },
		{ "carved", json_type_array, false, NULL },
		{ "allocated", json_type_string, false, NULL },
	};
	json_object *obj;
	int r;

	contiv_return_val_if_fail(ctx && json && ret, -EINVAL);
	contiv_return_if_forked(ctx);

	r = parse_object(ctx, "ipam pool", json, f, CONTIV_ARRAY_SIZE(f), &obj);
	if (r < 0)
		return r;
	r = pool_read(ctx, f, ret);
	json_object_put(obj);
	return r;
}

CONTIV_EXPORT int contiv_idpool_from_json(struct contiv_ctx *ctx, const char *json,
					  struct contiv_idpool **ret)
{
	struct field f[] = {
		{ "range", json_type_string, true, NULL },
		{ "allocated", json_type_string, false, NULL },
	};
	struct contiv_idpool *pool = NULL;
	const char *range = NULL;
	json_object *obj;
	int r;

	contiv_return_val_if_fail(ctx && json && ret, -EINVAL);
	contiv_return_if_forked(ctx);

	r = parse_object(ctx, "idpool", json, f, CONTIV_ARRAY_SIZE(f), &obj);
	if (r < 0)
		return r;
	r = get_text(ctx, "idpool", "range", f[0].value, &range);
	if (r == 0)
		r = contiv_idpool_new(ctx, range, &pool);
	if (r == 0)
		r = read_allocated(ctx, "idpool", f[1].value, &pool->ba, contiv__idpool_parse, pool);
	json_object_put(obj);
	if (r < 0) {
		contiv_idpool_free(pool);
		return r;
	}
	*ret = pool;
	return 0;
}
