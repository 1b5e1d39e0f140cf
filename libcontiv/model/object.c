/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Objects: lifetime, the generic attribute accessors driven by the kind
 * tables, lists, dup/equal and keys.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/model.h"

/* An attribute of obj's kind with the given type (0 = any), or NULL. */
static const struct contiv__attr *obj_attr(const struct contiv_object *obj, uint32_t attr,
					   uint32_t type)
{
	if (!obj || attr >= obj->k->n_attrs)
		return NULL;
	if (type && obj->k->attrs[attr].type != type)
		return NULL;
	return &obj->k->attrs[attr];
}

static void value_clear(struct contiv__value *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n_items; i++)
		free(v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

/* A name attribute changed: forget the cached key. */
static void attr_changed(struct contiv_object *obj, const struct contiv__attr *a)
{
	if (a->flags & CONTIV__A_KEY) {
		free(obj->key);
		obj->key = NULL;
	}
}

struct contiv_ctx *contiv__object_ctx(const struct contiv_object *obj)
{
	return obj ? obj->ctx : NULL;
}

const char *contiv__object_str(const struct contiv_object *obj, uint32_t attr)
{
	const struct contiv__value *v = &obj->v[attr];

	return v->set && v->str && *v->str ? v->str : NULL;
}

const char *contiv__object_label(const struct contiv_object *obj, char buf[CONTIV_ERRMSG_MAX])
{
	char q[CONTIV_QUOTE_MAX];
	size_t o = (size_t)snprintf(buf, CONTIV_ERRMSG_MAX, "%s", obj->k->name);
	bool first = true;

	for (uint32_t i = 0; i < obj->k->n_attrs; i++) {
		if (!(obj->k->attrs[i].flags & CONTIV__A_NAME))
			continue;
		if (!contiv__object_str(obj, i)) {
			buf[strlen(obj->k->name)] = '\0';	/* partial name: kind only */
			return buf;
		}
		o += (size_t)snprintf(buf + o, CONTIV_ERRMSG_MAX - o, "%s%s", first ? " \"" : ":",
				      contiv__quote(q, obj->v[i].str));
		first = false;
		if (o >= CONTIV_ERRMSG_MAX - 2)
			return buf;
	}
	if (!first)
		snprintf(buf + o, CONTIV_ERRMSG_MAX - o, "\"");
	return buf;
}

int contiv__object_error_str(const struct contiv_object *obj, int err, uint32_t attr,
			     const char *value, const char *reason)
{
	char label[CONTIV_ERRMSG_MAX], q[CONTIV_QUOTE_MAX];

	assert(attr < obj->k->n_attrs && reason);
	return contiv__error(obj->ctx, err, "%s: %s \"%s\": %s", contiv__object_label(obj, label),
			     obj->k->attrs[attr].name, contiv__quote(q, value), reason);
}

int contiv__object_error_u32(const struct contiv_object *obj, int err, uint32_t attr,
			     uint32_t value, const char *reason)
{
	char label[CONTIV_ERRMSG_MAX];

	assert(attr < obj->k->n_attrs && reason);
	return contiv__error(obj->ctx, err, "%s: %s %u: %s", contiv__object_label(obj, label),
			     obj->k->attrs[attr].name, value, reason);
}

static struct contiv_object *object_alloc(struct contiv_ctx *ctx, uint32_t kind)
{
	const struct contiv__kind *k = contiv__kind_get(kind);
	struct contiv_object *obj;

	obj = calloc(1, sizeof(*obj) + k->n_attrs * sizeof(obj->v[0]));
	if (!obj)
		return NULL;
	obj->refcount = 1;
	obj->kind = kind;
	obj->k = k;
	obj->ctx = contiv_ctx_ref(ctx);
	return obj;
}

CONTIV_EXPORT int contiv_object_new(struct contiv_ctx *ctx, uint32_t kind,
				    struct contiv_object **ret)
{
	struct contiv_object *obj;
	const struct contiv__kind *k = contiv__kind_get(kind);

	contiv_return_val_if_fail(ctx && ret && k, -EINVAL);
	contiv_return_if_forked(ctx);
	obj = object_alloc(ctx, kind);
	if (!obj)
		return -ENOMEM;
	for (uint32_t i = 0; i < k->n_attrs; i++) {
		const struct contiv__attr *a = &k->attrs[i];

		if (a->def_str) {
			obj->v[i].str = strdup(a->def_str);
			if (!obj->v[i].str) {
				contiv_object_unref(obj);
				return -ENOMEM;
			}
			obj->v[i].set = true;
		} else if (a->has_def_u32) {
			obj->v[i].u32 = a->def_u32;
			obj->v[i].set = true;
		}
	}
	*ret = obj;
	return 0;
}

CONTIV_EXPORT struct contiv_object *contiv_object_ref(struct contiv_object *obj)
{
	if (obj)
		obj->refcount++;
	return obj;
}

CONTIV_EXPORT struct contiv_object *contiv_object_unref(struct contiv_object *obj)
{
	if (!obj || --obj->refcount > 0)
		return NULL;
	for (uint32_t i = 0; i < obj->k->n_attrs; i++)
		value_clear(&obj->v[i]);
	free(obj->key);
	contiv_ctx_unref(obj->ctx);
	free(obj);
	return NULL;
}

/* Deep copy of a list: n strings. */
static char **items_dup(char *const *items, size_t n)
{
	char **copy = calloc(n ? n : 1, sizeof(*copy));

	if (!copy)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		copy[i] = strdup(items[i]);
		if (!copy[i]) {
			while (i--)
				free(copy[i]);
			free(copy);
			return NULL;
		}
	}
	return copy;
}

CONTIV_EXPORT int contiv_object_dup(const struct contiv_object *obj, struct contiv_object **ret)
{
	struct contiv_object *copy;

	contiv_return_val_if_fail(obj && ret, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	copy = object_alloc(obj->ctx, obj->kind);
	if (!copy)
		return -ENOMEM;
	for (uint32_t i = 0; i < obj->k->n_attrs; i++) {
		const struct contiv__value *v = &obj->v[i];
		struct contiv__value *c = &copy->v[i];

		*c = (struct contiv__value){ .set = v->set, .u32 = v->u32 };
		if ((v->str && !(c->str = strdup(v->str))) ||
		    (v->items && !(c->items = items_dup(v->items, v->n_items)))) {
			contiv_object_unref(copy);
			return -ENOMEM;
		}
		c->n_items = v->n_items;
	}
	*ret = copy;
	return 0;
}

static bool value_equal(const struct contiv__attr *a, const struct contiv__value *x,
			const struct contiv__value *y)
{
	if (x->set != y->set)
		return false;
	if (!x->set)
		return true;
	switch (a->type) {
	case CONTIV_ATTR_STR:
		return !strcmp(x->str, y->str);
	case CONTIV_ATTR_U32:
		return x->u32 == y->u32;
	default:
		if (x->n_items != y->n_items)
			return false;
		for (size_t i = 0; i < x->n_items; i++)
			if (strcmp(x->items[i], y->items[i]))
				return false;
		return true;
	}
}

CONTIV_EXPORT bool contiv_object_equal(const struct contiv_object *a,
				       const struct contiv_object *b)
{
	if (!a || !b || a->kind != b->kind)
		return false;
	for (uint32_t i = 0; i < a->k->n_attrs; i++)
		if (!value_equal(&a->k->attrs[i], &a->v[i], &b->v[i]))
			return false;
	return true;
}

CONTIV_EXPORT uint32_t contiv_object_get_kind(const struct contiv_object *obj)
{
	return obj ? obj->kind : 0;
}

CONTIV_EXPORT int contiv_object_set_str(struct contiv_object *obj, uint32_t attr,
					const char *value)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_STR);
	char reason[CONTIV__REASON_MAX];
	const char *why;
	char *copy;

	contiv_return_val_if_fail(a && value, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	why = contiv__check_str_value(a, value, reason);
	if (why)
		return contiv__object_error_str(obj, -EINVAL, attr, value, why);
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	value_clear(&obj->v[attr]);
	obj->v[attr].str = copy;
	obj->v[attr].set = true;
	attr_changed(obj, a);
	return 0;
}

CONTIV_EXPORT int contiv_object_set_u32(struct contiv_object *obj, uint32_t attr, uint32_t value)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_U32);
	char reason[CONTIV__REASON_MAX];
	const char *why;

	contiv_return_val_if_fail(a, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	why = contiv__check_u32_value(a, value, reason);
	if (why)
		return contiv__object_error_u32(obj, -EINVAL, attr, value, why);
	obj->v[attr].u32 = value;
	obj->v[attr].set = true;
	return 0;
}

static bool items_contain(char *const *items, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i], value))
			return true;
	return false;
}

int contiv__object_set_list(struct contiv_object *obj, uint32_t attr, const char *const *items,
			    size_t n)
{
	const struct contiv__attr *a = &obj->k->attrs[attr];
	char reason[CONTIV__REASON_MAX];
	struct contiv__value nv = { .set = true };

	assert(a->type == CONTIV_ATTR_LIST && (items || n == 0));
	if (n > CONTIV__LIST_MAX) {
		snprintf(reason, sizeof(reason), "must hold at most %d items", CONTIV__LIST_MAX);
		return contiv__object_error_str(obj, -EINVAL, attr, items[0], reason);
	}
	for (size_t i = 0; i < n; i++) {
		const char *why = contiv__check_str_value(a, items[i], reason);

		if (why)
			return contiv__object_error_str(obj, -EINVAL, attr, items[i], why);
	}
	nv.items = calloc(n ? n : 1, sizeof(*nv.items));
	if (!nv.items)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (items_contain(nv.items, nv.n_items, items[i]))
			continue;
		nv.items[nv.n_items] = strdup(items[i]);
		if (!nv.items[nv.n_items]) {
			value_clear(&nv);
			return -ENOMEM;
		}
		nv.n_items++;
	}
	value_clear(&obj->v[attr]);
	obj->v[attr] = nv;
	return 0;
}

/* "a,b,c" -> list; "" -> empty list. */
static int set_list_from_text(struct contiv_object *obj, uint32_t attr, const char *text)
{
	size_t n = 0, commas = 0;
	char *copy, *p;
	const char **items;
	int r;

	for (const char *c = text; *c; c++)
		commas += *c == ',';
	if (commas >= CONTIV__LIST_MAX) {
		char reason[CONTIV__REASON_MAX];

		snprintf(reason, sizeof(reason), "must hold at most %d items", CONTIV__LIST_MAX);
		return contiv__object_error_str(obj, -EINVAL, attr, text, reason);
	}
	copy = strdup(text);
	items = calloc(commas + 1, sizeof(*items));
	if (!copy || !items) {
		free(copy);
		free(items);
		return -ENOMEM;
	}
	if (*copy) {
		for (p = copy;; p++) {
			items[n++] = p;
			p = strchr(p, ',');
			if (!p)
				break;
			*p = '\0';
		}
	}
	r = contiv__object_set_list(obj, attr, items, n);
	free(items);
	free(copy);
	return r;
}

CONTIV_EXPORT int contiv_object_set_from_string(struct contiv_object *obj, uint32_t attr,
						const char *text)
{
	const struct contiv__attr *a = obj_attr(obj, attr, 0);
	uint32_t n;
	int r;

	contiv_return_val_if_fail(a && text, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	switch (a->type) {
	case CONTIV_ATTR_STR:
		return contiv_object_set_str(obj, attr, text);
	case CONTIV_ATTR_U32:
		r = contiv__parse_u32(text, UINT32_MAX, &n);
		if (r < 0)
			return contiv__object_error_str(obj, -EINVAL, attr, text,
							r == -ERANGE ? "number is too large" :
							"must be a decimal number");
		return contiv_object_set_u32(obj, attr, n);
	default:
		return set_list_from_text(obj, attr, text);
	}
}

CONTIV_EXPORT const char *contiv_object_get_str(const struct contiv_object *obj, uint32_t attr)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_STR);

	if (!a) {
		errno = EINVAL;
		return NULL;
	}
	if (!obj->v[attr].set) {
		errno = ENOENT;
		return NULL;
	}
	return obj->v[attr].str;
}

CONTIV_EXPORT uint32_t contiv_object_get_u32(const struct contiv_object *obj, uint32_t attr)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_U32);

	return a && obj->v[attr].set ? obj->v[attr].u32 : 0;
}

CONTIV_EXPORT bool contiv_object_is_set(const struct contiv_object *obj, uint32_t attr)
{
	return obj_attr(obj, attr, 0) && obj->v[attr].set;
}

CONTIV_EXPORT int contiv_object_unset(struct contiv_object *obj, uint32_t attr)
{
	const struct contiv__attr *a = obj_attr(obj, attr, 0);

	contiv_return_val_if_fail(a, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	value_clear(&obj->v[attr]);
	attr_changed(obj, a);
	return 0;
}

CONTIV_EXPORT int contiv_object_list_add(struct contiv_object *obj, uint32_t attr,
					 const char *value)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_LIST);
	struct contiv__value *v;
	char reason[CONTIV__REASON_MAX];
	const char *why;
	char **items, *copy;

	contiv_return_val_if_fail(a && value, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	v = &obj->v[attr];
	why = contiv__check_str_value(a, value, reason);
	if (why)
		return contiv__object_error_str(obj, -EINVAL, attr, value, why);
	if (items_contain(v->items, v->n_items, value))
		return 1;
	if (v->n_items >= CONTIV__LIST_MAX)
		return contiv__object_error_str(obj, -EINVAL, attr, value, "the list is full");
	copy = strdup(value);
	items = copy ? realloc(v->items, (v->n_items + 1) * sizeof(*items)) : NULL;
	if (!items) {
		free(copy);
		return -ENOMEM;
	}
	items[v->n_items++] = copy;
	v->items = items;
	v->set = true;
	return 0;
}

CONTIV_EXPORT int contiv_object_list_del(struct contiv_object *obj, uint32_t attr,
					 const char *value)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_LIST);
	struct contiv__value *v;

	contiv_return_val_if_fail(a && value, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	v = &obj->v[attr];
	for (size_t i = 0; i < v->n_items; i++) {
		if (strcmp(v->items[i], value))
			continue;
		free(v->items[i]);
		memmove(&v->items[i], &v->items[i + 1], (v->n_items - i - 1) * sizeof(*v->items));
		v->n_items--;
		return 0;
	}
	return -ENOENT;
}

CONTIV_EXPORT size_t contiv_object_list_count(const struct contiv_object *obj, uint32_t attr)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_LIST);

	return a ? obj->v[attr].n_items : 0;
}

CONTIV_EXPORT const char *contiv_object_list_get(const struct contiv_object *obj, uint32_t attr,
						 size_t index)
{
	const struct contiv__attr *a = obj_attr(obj, attr, CONTIV_ATTR_LIST);

	if (!a) {
		errno = EINVAL;
		return NULL;
	}
	if (index >= obj->v[attr].n_items) {
		errno = ERANGE;
		return NULL;
	}
	return obj->v[attr].items[index];
}

CONTIV_EXPORT const char *contiv_object_get_key(const struct contiv_object *obj)
{
	/* The key is a cache: building it does not change the object's value. */
	struct contiv_object *mut = (struct contiv_object *)obj;
	size_t len = 0;
	char *key;

	if (!obj) {
		errno = EINVAL;
		return NULL;
	}
	if (obj->key)
		return obj->key;
	for (uint32_t i = 0; i < obj->k->n_attrs; i++) {
		if (!(obj->k->attrs[i].flags & CONTIV__A_KEY))
			continue;
		if (!contiv__object_str(obj, i)) {
			errno = ENOENT;
			return NULL;
		}
		len += strlen(obj->v[i].str) + 1;
	}
	key = malloc(len ? len : 1);
	if (!key) {
		errno = ENOMEM;
		return NULL;
	}
	key[0] = '\0';
	for (uint32_t i = 0; i < obj->k->n_attrs; i++) {
		if (!(obj->k->attrs[i].flags & CONTIV__A_KEY))
			continue;
		if (key[0])
			strcat(key, ":");
		strcat(key, obj->v[i].str);
	}
	mut->key = key;
	return key;
}
