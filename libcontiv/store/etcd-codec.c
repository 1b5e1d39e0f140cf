/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The etcd gateway's encoding: keys and values are standard base64, int64
 * fields are decimal strings, and zero/false fields are left out. Everything
 * read from the server is checked for type and form; nothing here trusts it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "etcd-private.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *contiv__etcd_b64_encode(const void *data, size_t len)
{
	const unsigned char *in = data;
	size_t o = 0;
	char *out;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	out = malloc((len + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;

		if (n > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = n > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = n > 2 ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int contiv__etcd_b64_decode(const char *text, char **ret, size_t *ret_len)
{
	size_t len = strlen(text), o = 0;
	unsigned char *out;

	if (len % 4)
		return -EINVAL;
	out = malloc(len / 4 * 3 + 1);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int pad = 0, v[4];

		for (int j = 0; j < 4; j++) {
			v[j] = b64_value(text[i + j]);
			if (v[j] < 0) {
				/* '=' only in the last group: "xx==" or "xxx=" */
				if (text[i + j] != '=' || !last || j < 2 ||
				    (j == 2 && text[i + 3] != '='))
					goto invalid;
				v[j] = 0;
				pad++;
			}
		}
		/* Unused bits must be zero (one encoding per byte string). */
		if ((pad == 2 && (v[1] & 15)) || (pad == 1 && (v[2] & 3)))
			goto invalid;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	out[o] = '\0';
	*ret = (char *)out;
	*ret_len = o;
	return 0;
invalid:
	free(out);
	return -EINVAL;
}

json_object *contiv__etcd_json_parse(const char *buf, size_t len)
{
	json_tokener *tok;
	json_object *obj;
	size_t end;

	if (len > INT32_MAX)
		return NULL;
	tok = json_tokener_new_ex(64);
	if (!tok)
		return NULL;
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	if (obj && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	}
	/* A number at the very end is only complete once the input ends. */
	if (!obj && json_tokener_get_error(tok) == json_tokener_continue)
		obj = json_tokener_parse_ex(tok, "", 1);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj)
		return NULL;
	for (; end < len; end++)
		if (!strchr(" \t\r\n", buf[end]) || !buf[end]) {
			json_object_put(obj);
			return NULL;
		}
	return obj;
}

static int wrong_type(struct contiv_ctx *ctx, const char *field, const char *what,
		      const char *expected)
{
	return contiv__error(ctx, -CONTIV_ERR_JSON, "etcd: %s: field \"%s\" is not %s", what, field,
			     expected);
}

int contiv__etcd_json_int64(struct contiv_ctx *ctx, json_object *obj, const char *field,
			    const char *what, uint64_t *ret)
{
	json_object *v;
	const char *s;
	uint64_t n = 0;

	if (!json_object_object_get_ex(obj, field, &v)) {
		*ret = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return wrong_type(ctx, field, what, "an int64 in a string");
	s = json_object_get_string(v);
	if (!*s || strlen(s) > 19)
		return wrong_type(ctx, field, what, "a non-negative int64 in a string");
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return wrong_type(ctx, field, what, "a non-negative int64 in a string");
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (n > INT64_MAX)
		return wrong_type(ctx, field, what, "a non-negative int64 in a string");
	*ret = n;
	return 0;
}

int contiv__etcd_json_bool(struct contiv_ctx *ctx, json_object *obj, const char *field,
			   const char *what, bool *ret)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, field, &v)) {
		*ret = false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return wrong_type(ctx, field, what, "a boolean");
	*ret = json_object_get_boolean(v);
	return 0;
}

int contiv__etcd_json_string(struct contiv_ctx *ctx, json_object *obj, const char *field,
			     const char *what, const char **ret)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, field, &v)) {
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return wrong_type(ctx, field, what, "a string");
	*ret = json_object_get_string(v);
	return 0;
}

int contiv__etcd_json_object(struct contiv_ctx *ctx, json_object *obj, const char *field,
			     const char *what, json_object **ret)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, field, &v)) {
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_object))
		return wrong_type(ctx, field, what, "an object");
	*ret = v;
	return 0;
}

int contiv__etcd_json_array(struct contiv_ctx *ctx, json_object *obj, const char *field,
			    const char *what, json_object **ret)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, field, &v)) {
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return wrong_type(ctx, field, what, "an array");
	*ret = v;
	return 0;
}

int contiv__etcd_json_b64(struct contiv_ctx *ctx, json_object *obj, const char *field,
			  const char *what, char **ret)
{
	const char *s;
	size_t len;
	char *out;
	int r;

	r = contiv__etcd_json_string(ctx, obj, field, what, &s);
	if (r < 0)
		return r;
	r = contiv__etcd_b64_decode(s ? s : "", &out, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return wrong_type(ctx, field, what, "base64");
	if (strlen(out) != len) {
		free(out);
		return wrong_type(ctx, field, what, "text (it has a NUL byte)");
	}
	*ret = out;
	return 0;
}

int contiv__etcd_add_b64(json_object *obj, const char *field, const void *data, size_t len)
{
	char *s = contiv__etcd_b64_encode(data, len);
	json_object *v;

	if (!s)
		return -ENOMEM;
	v = json_object_new_string(s);
	free(s);
	if (!v || json_object_object_add(obj, field, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

int contiv__etcd_add_int64(json_object *obj, const char *field, uint64_t value)
{
	char buf[24];
	json_object *v;

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	v = json_object_new_string(buf);
	if (!v || json_object_object_add(obj, field, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}
