/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Objects over REST: get, put, delete and list of netmaster's collections,
 * with netmaster's status codes mapped to errno values and its error text
 * kept on the context.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "client-private.h"

static bool segment_byte_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@';
}

int contiv__client_object_path(struct contiv_ctx *ctx, uint32_t kind, const char *key,
			       char **ret)
{
	const char *coll = contiv_object_kind_collection(kind);
	char q[CONTIV_QUOTE_MAX];
	size_t n, len;
	char *buf;

	if (!coll)
		return contiv__error(ctx, -EINVAL, "unknown object kind %u", kind);
	if (!key) {
		if (asprintf(&buf, "/api/v1/%s/", coll) < 0)
			return -ENOMEM;
		*ret = buf;
		return 0;
	}
	if (!key[0] || !strcmp(key, ".") || !strcmp(key, ".."))
		return contiv__error(ctx, -EINVAL, "%s key \"%s\": not a valid key",
				     contiv_object_kind_name(kind), contiv__quote(q, key));
	for (const char *p = key; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return contiv__error(ctx, -EINVAL,
					     "%s key \"%s\": '/' and control characters are not allowed",
					     contiv_object_kind_name(kind), contiv__quote(q, key));

	len = strlen("/api/v1/") + strlen(coll) + 1 + 3 * strlen(key) + 2;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	n = (size_t)snprintf(buf, len, "/api/v1/%s/", coll);
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		if (segment_byte_plain(*p)) {
			buf[n++] = (char)*p;
		} else {
			snprintf(buf + n, 4, "%%%02X", *p);
			n += 3;
		}
	}
	buf[n++] = '/';
	buf[n] = '\0';
	*ret = buf;
	return 0;
}

static int status_to_errno(long status)
{
	switch (status) {
	case 404:
		return -ENOENT;
	case 400:
		return -EINVAL;
	case 409:
		return -EBUSY;
	case 413:
		return -E2BIG;
	case 503:
		return -CONTIV_ERR_UNAVAILABLE;
	default:
		return -EIO;
	}
}

/*
 * Records the failure of an answer with a status other than 200: netmaster's
 * {"error": "..."} text verbatim, else a short plain-text body, else the
 * status line.
 */
static int answer_error(struct contiv_client *client, const char *method, long status,
			const char *body)
{
	int err = status_to_errno(status);
	struct json_object *root = NULL, *e;
	int r;

	if (body && body[0] == '{')
		root = json_tokener_parse(body);
	if (root && json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "error", &e) && json_object_is_type(e, json_type_string) &&
	    json_object_get_string_len(e) > 0) {
		r = contiv__error(client->ctx, err, "%s", json_object_get_string(e));
		json_object_put(root);
		return r;
	}
	json_object_put(root);
	if (body && body[0] && body[0] != '{' && body[0] != '[' && strlen(body) < 400 &&
	    !strchr(body, '<')) {
		size_t n = strcspn(body, "\r\n");

		if (n > 0)
			return contiv__error(client->ctx, err, "%.*s", (int)n, body);
	}
	if (client->status_line[0]) {
		const char *s = strchr(client->status_line, ' ');

		return contiv__error(client->ctx, err, "%s %s: %s", method, client->last_url,
				     s ? s + 1 : client->status_line);
	}
	return contiv__error(client->ctx, err, "%s %s: HTTP status %ld", method, client->last_url,
			     status);
}

/* One request whose answer must be 200; *ret_body set only then. */
static int call(struct contiv_client *client, const char *method, const char *path,
		const char *body, char **ret_body)
{
	long status = 0;
	char *answer = NULL;
	int r;

	r = contiv_client_request(client, method, path, body, &status, &answer);
	if (r < 0)
		return r;
	if (status != 200) {
		r = answer_error(client, method, status, answer);
		free(answer);
		return r;
	}
	if (ret_body)
		*ret_body = answer;
	else
		free(answer);
	return 0;
}

CONTIV_EXPORT int contiv_client_get_object(struct contiv_client *client, uint32_t kind,
					   const char *key, struct contiv_object **ret)
{
	struct contiv_object *obj = NULL;
	char *path = NULL, *body = NULL;
	int r;

	contiv_return_val_if_fail(client, -EINVAL);
	contiv_return_val_if_fail(key, -EINVAL);
	contiv_return_val_if_fail(ret, -EINVAL);
	contiv_return_if_forked(client->ctx);

	r = contiv__client_object_path(client->ctx, kind, key, &path);
	if (r < 0)
		return r;
	r = call(client, "GET", path, NULL, &body);
	if (r >= 0)
		r = contiv_object_from_json(client->ctx, kind, body, &obj);
	free(path);
	free(body);
	if (r < 0)
		return r;
	*ret = obj;
	return 0;
}

CONTIV_EXPORT int contiv_client_put_object(struct contiv_client *client,
					   const struct contiv_object *obj)
{
	char *path = NULL, *json = NULL;
	const char *key;
	int r;

	contiv_return_val_if_fail(client, -EINVAL);
	contiv_return_val_if_fail(obj, -EINVAL);
	contiv_return_if_forked(client->ctx);

	key = contiv_object_get_key(obj);
	if (!key)
		return contiv__error(client->ctx, -EINVAL, "%s: a name attribute is not set",
				     contiv_object_kind_name(contiv_object_get_kind(obj)));
	r = contiv__client_object_path(client->ctx, contiv_object_get_kind(obj), key, &path);
	if (r < 0)
		return r;
	r = contiv_object_to_json(obj, 0, &json);
	if (r >= 0)
		r = call(client, "POST", path, json, NULL);
	free(path);
	contiv_free(json);
	return r;
}

CONTIV_EXPORT int contiv_client_delete_object(struct contiv_client *client, uint32_t kind,
					      const char *key)
{
	char *path = NULL;
	int r;

	contiv_return_val_if_fail(client, -EINVAL);
	contiv_return_val_if_fail(key, -EINVAL);
	contiv_return_if_forked(client->ctx);

	r = contiv__client_object_path(client->ctx, kind, key, &path);
	if (r < 0)
		return r;
	r = call(client, "DELETE", path, NULL, NULL);
	free(path);
	return r;
}

CONTIV_EXPORT int contiv_client_list_objects(struct contiv_client *client, uint32_t kind,
					     contiv_client_object_fn fn, void *userdata)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	char *path = NULL, *body = NULL;
	size_t count = 0;
	int r;

	contiv_return_val_if_fail(client, -EINVAL);
	contiv_return_val_if_fail(fn, -EINVAL);
	contiv_return_if_forked(client->ctx);

	r = contiv__client_object_path(client->ctx, kind, NULL, &path);
	if (r < 0)
		return r;
	r = call(client, "GET", path, NULL, &body);
	if (r < 0)
		goto out;

	tok = json_tokener_new();
	if (!tok) {
		r = -ENOMEM;
		goto out;
	}
	root = json_tokener_parse_ex(tok, body, (int)strlen(body));
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != strlen(body) ||
	    !json_object_is_type(root, json_type_array)) {
		r = contiv__error(client->ctx, -CONTIV_ERR_JSON,
				  "GET %s: the answer is not a JSON array", client->last_url);
		goto out;
	}
	count = json_object_array_length(root);
	for (size_t i = 0; i < count; i++) {
		struct json_object *e = json_object_array_get_idx(root, i);
		struct contiv_object *obj = NULL;
		const char *text;

		if (!json_object_is_type(e, json_type_object)) {
			r = contiv__error(client->ctx, -CONTIV_ERR_JSON,
					  "GET %s: element %zu is not a JSON object",
					  client->last_url, i);
			goto out;
		}
		text = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);
		r = contiv_object_from_json(client->ctx, kind, text, &obj);
		if (r < 0)
			goto out;
		r = fn(obj, userdata);
		contiv_object_unref(obj);
		if (r != 0)
			goto out;
	}
	r = count > (size_t)INT32_MAX ? INT32_MAX : (int)count;
out:
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	free(path);
	free(body);
	return r;
}
