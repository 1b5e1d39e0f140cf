/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON encoding of objects with Contiv's REST field names (json-c). */
#include "config.h"

#include <limits.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "model/model.h"

/* Contiv's bookkeeping fields: accepted and ignored by from_json. */
static const char *const ignored_fields[] = { "key", "link-sets", "links" };

static struct json_object *value_to_json(const struct contiv__attr *a,
					 const struct contiv__value *v)
{
	struct json_object *arr;

	switch (a->type) {
	case CONTIV_ATTR_STR:
		return json_object_new_string(v->str);
	case CONTIV_ATTR_U32:
		return json_object_new_int64(v->u32);
	default:
		arr = json_object_new_array_ext((int)v->n_items);
		for (size_t i = 0; arr && i < v->n_items; i++) {
			struct json_object *s = json_object_new_string(v->items[i]);

			if (!s || json_object_array_add(arr, s) < 0) {
				json_object_put(s);
				json_object_put(arr);
				return NULL;
			}
		}
		return arr;
	}
}

CONTIV_EXPORT int contiv_object_to_json(const struct contiv_object *obj, uint32_t flags,
					char **ret)
{
	struct json_object *root;
	const char *text;
	char *copy = NULL;
	int jflags = JSON_C_TO_STRING_NOSLASHESCAPE;

	contiv_return_val_if_fail(obj && ret, -EINVAL);
	contiv_return_val_if_fail(!(flags & ~(uint32_t)CONTIV_JSON_PRETTY), -EINVAL);
	contiv_return_if_forked(obj->ctx);
	jflags |= flags & CONTIV_JSON_PRETTY ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
					       JSON_C_TO_STRING_PLAIN;
	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	for (uint32_t i = 0; i < obj->k->n_attrs; i++) {
		struct json_object *jv;

		if (!obj->v[i].set)
			continue;
		jv = value_to_json(&obj->k->attrs[i], &obj->v[i]);
		if (!jv || json_object_object_add(root, obj->k->attrs[i].name, jv) < 0) {
			json_object_put(jv);
			json_object_put(root);
			return -ENOMEM;
		}
	}
	text = json_object_to_json_string_ext(root, jflags);
	if (text)
		copy = strdup(text);
	json_object_put(root);
	if (!copy)
		return -ENOMEM;
	*ret = copy;
	return 0;
}

static int json_type_error(const struct contiv_object *obj, const char *field, const char *what)
{
	return contiv__error(obj->ctx, -CONTIV_ERR_JSON, "%s: field \"%s\": expected %s",
			     obj->k->name, field, what);
}

/* A JSON string without embedded NUL, or NULL. */
static const char *json_c_string(struct json_object *jv)
{
	const char *s;

	if (!json_object_is_type(jv, json_type_string))
		return NULL;
	s = json_object_get_string(jv);
	return strlen(s) == (size_t)json_object_get_string_len(jv) ? s : NULL;
}

static int list_from_json(struct contiv_object *obj, uint32_t attr, struct json_object *jv)
{
	const char *name = obj->k->attrs[attr].name;
	size_t n;
	const char **items;
	int r;

	if (!json_object_is_type(jv, json_type_array))
		return json_type_error(obj, name, "an array of strings");
	n = json_object_array_length(jv);
	if (n > CONTIV__LIST_MAX)
		return contiv__error(obj->ctx, -EINVAL, "%s: field \"%s\": more than %d items",
				     obj->k->name, name, CONTIV__LIST_MAX);
	items = calloc(n ? n : 1, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		items[i] = json_c_string(json_object_array_get_idx(jv, i));
		if (!items[i]) {
			free(items);
			return json_type_error(obj, name, "an array of strings");
		}
	}
	r = contiv__object_set_list(obj, attr, items, n);
	free(items);
	return r;
}

static int field_from_json(struct contiv_object *obj, uint32_t attr, struct json_object *jv)
{
	const struct contiv__attr *a = &obj->k->attrs[attr];
	const char *s;
	int64_t n;

	if (!jv)	/* JSON null */
		return contiv_object_unset(obj, attr);
	switch (a->type) {
	case CONTIV_ATTR_STR:
		s = json_c_string(jv);
		if (!s)
			return json_type_error(obj, a->name, "a string");
		return contiv_object_set_str(obj, attr, s);
	case CONTIV_ATTR_U32:
		if (!json_object_is_type(jv, json_type_int))
			return json_type_error(obj, a->name, "an integer");
		n = json_object_get_int64(jv);
		if (n < 0 || json_object_get_uint64(jv) > UINT32_MAX)
			return json_type_error(obj, a->name, "an integer 0..4294967295");
		return contiv_object_set_u32(obj, attr, (uint32_t)n);
	default:
		return list_from_json(obj, attr, jv);
	}
}

static bool field_ignored(const char *field)
{
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(ignored_fields); i++)
		if (!strcmp(field, ignored_fields[i]))
			return true;
	return false;
}

/* Parses text as exactly one JSON value (*ret NULL for null). */
static int parse(struct contiv_ctx *ctx, const char *kind, const char *text,
		 struct json_object **ret)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t len = strlen(text);
	const char *why;

	if (len >= INT_MAX)
		return contiv__error(ctx, -CONTIV_ERR_JSON, "%s: malformed JSON: input too large",
				     kind);
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* the terminating NUL tells json-c that a trailing number or literal ends */
	root = json_tokener_parse_ex(tok, text, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_success && json_tokener_get_parse_end(tok) < len) {
		/* strict mode stops after the value; only white space may follow */
		for (const char *p = text + json_tokener_get_parse_end(tok); *p; p++)
			if (!strchr(" \t\r\n", *p))
				jerr = json_tokener_error_parse_unexpected;
	}
	json_tokener_free(tok);
	if (jerr == json_tokener_success) {
		*ret = root;
		return 0;
	}
	json_object_put(root);
	why = jerr == json_tokener_continue ? "unexpected end of input" :
					      json_tokener_error_desc(jerr);
	return contiv__error(ctx, -CONTIV_ERR_JSON, "%s: malformed JSON: %s", kind, why);
}

CONTIV_EXPORT int contiv_object_from_json(struct contiv_ctx *ctx, uint32_t kind, const char *json,
					  struct contiv_object **ret)
{
	const struct contiv__kind *k = contiv__kind_get(kind);
	struct contiv_object *obj = NULL;
	struct json_object *root = NULL;
	int r;

	contiv_return_val_if_fail(ctx && k && json && ret, -EINVAL);
	contiv_return_if_forked(ctx);
	r = parse(ctx, k->name, json, &root);
	if (r < 0)
		return r;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return contiv__error(ctx, -CONTIV_ERR_JSON, "%s: malformed JSON: expected an object",
				     k->name);
	}
	r = contiv_object_new(ctx, kind, &obj);
	json_object_object_foreach(root, field, jv) {
		if (r < 0)
			break;
		if (field_ignored(field))
			continue;
		r = contiv_object_attr_from_name(kind, field);
		if (r == -ENOENT) {
			char q[CONTIV_QUOTE_MAX];

			r = contiv__error(ctx, -EINVAL, "%s: unknown field \"%s\"", k->name,
					  contiv__quote(q, field));
			break;
		}
		r = field_from_json(obj, (uint32_t)r, jv);
	}
	json_object_put(root);
	if (r < 0) {
		contiv_object_unref(obj);
		return r;
	}
	*ret = obj;
	return 0;
}
