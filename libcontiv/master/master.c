/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv_master: lifetime, first-start state, and contiv_master_handle() —
 * the one place where requests are routed, run (again on a store conflict)
 * and answered.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

CONTIV_EXPORT int contiv_master_new(struct contiv_ctx *ctx, struct contiv_store *store,
				    const struct contiv_master_opts *opts,
				    struct contiv_master **ret)
{
	struct contiv_master *m;
	const char *version, *self_url;

	contiv_return_val_if_fail(ctx && store && ret, -EINVAL);
	contiv_return_if_forked(ctx);
	if (!CONTIV_OPTS_VALID(opts, contiv_master_opts) ||
	    CONTIV_OPTS_GET(opts, reserved, 0) != 0)
		return contiv__error(ctx, -EINVAL, "master: options of an unknown size or version");
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->refcount = 1;
	contiv__mcache_init(&m->cache);
	m->max_body = CONTIV_OPTS_GET(opts, max_body, 0);
	if (!m->max_body)
		m->max_body = CONTIV__DEFAULT_MAX_BODY;
	version = CONTIV_OPTS_GET(opts, version, NULL);
	self_url = CONTIV_OPTS_GET(opts, self_url, NULL);
	m->version = strdup(version ? version : contiv_version());
	m->self_url = self_url ? strdup(self_url) : NULL;
	if (!m->version || (self_url && !m->self_url)) {
		free(m->version);
		free(m->self_url);
		free(m);
		return -ENOMEM;
	}
	m->ctx = contiv_ctx_ref(ctx);
	m->store = contiv_store_ref(store);
	*ret = m;
	return 0;
}

CONTIV_EXPORT struct contiv_master *contiv_master_ref(struct contiv_master *master)
{
	if (master)
		master->refcount++;
	return master;
}

CONTIV_EXPORT struct contiv_master *contiv_master_unref(struct contiv_master *master)
{
	if (!master || --master->refcount > 0)
		return NULL;
	contiv__mcache_clear(&master->cache);
	contiv_store_unref(master->store);
	contiv_ctx_unref(master->ctx);
	free(master->version);
	free(master->self_url);
	free(master);
	return NULL;
}

/* ---- answers ---- */

const char *contiv__quoted(char buf[CONTIV_QUOTE_MAX], const char *text)
{
	return contiv__quote(buf, text ? text : "");
}

int contiv__reply_json(struct contiv__req *req, struct json_object *obj)
{
	const char *text;

	if (!obj)
		return -ENOMEM;
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	free(req->out);
	req->out = text ? strdup(text) : NULL;
	json_object_put(obj);
	return req->out ? 200 : -ENOMEM;
}

int contiv__reply_text(struct contiv__req *req, char *text)
{
	free(req->out);
	req->out = text;
	return 200;
}

int contiv__reply_error(struct contiv__req *req, int status, const char *fmt, ...)
{
	struct json_object *obj = json_object_new_object();
	char msg[CONTIV_ERRMSG_MAX + 256];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!obj)
		return -ENOMEM;
	json_object_object_add(obj, "error", json_object_new_string(msg));
	json_object_object_add(obj, "status", json_object_new_int(status));
	r = contiv__reply_json(req, obj);
	return r < 0 ? r : status;
}

int contiv__reply_errno(struct contiv__req *req, int err)
{
	const char *msg = contiv_ctx_get_error(req->m->ctx);
	char buf[128];

	switch (err) {
	case -EINVAL:
	case -ERANGE:
	case -CONTIV_ERR_JSON:
	case -CONTIV_ERR_NOT_IN_POOL:
		return contiv__reply_error(req, 400, "%s", msg);
	case -EEXIST:
	case -EBUSY:
	case -CONTIV_ERR_EXHAUSTED:
		return contiv__reply_error(req, 409, "%s", msg);
	case -CONTIV_ERR_CONFLICT:
	case -CONTIV_ERR_UNAVAILABLE:
	case -ENOMEM:
	case -ECHILD:
		return err;	/* retried or answered by contiv_master_handle() */
	default:
		contiv_strerror(err, buf, sizeof(buf));
		return contiv__reply_error(req, 500, "%s", *msg ? msg : buf);
	}
}

struct json_object *contiv__object_json(const struct contiv_object *obj)
{
	struct json_object *jv;
	char *text = NULL;

	if (contiv_object_to_json(obj, 0, &text) < 0)
		return NULL;
	jv = json_tokener_parse(text);
	contiv_free(text);
	return jv;
}

int contiv__reply_object(struct contiv__req *req, const struct contiv_object *obj)
{
	char *text = NULL;
	int r = contiv_object_to_json(obj, 0, &text);

	return r < 0 ? r : contiv__reply_text(req, text);
}

int contiv__parse_body(struct contiv__req *req, struct json_object **ret)
{
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end;

	if (!req->body || !req->body_len)
		return contiv__reply_error(req, 400, "request body missing: expected a JSON object");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, req->body, (int)req->body_len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_success)
		for (const char *p = req->body + end; *p; p++)
			if (!strchr(" \t\r\n", *p))
				jerr = json_tokener_error_parse_unexpected;
	if (jerr != json_tokener_success) {
		json_object_put(root);
		return contiv__reply_error(req, 400, "malformed JSON: %s",
					   jerr == json_tokener_continue ?
						   "unexpected end of input" :
						   json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return contiv__reply_error(req, 400, "malformed JSON: expected an object");
	}
	*ret = root;
	return 0;
}

/* ---- first start ---- */

static int init_once(struct contiv_master *m, struct contiv__mtxn *t)
{
	struct contiv_object *global = NULL, *tenant = NULL;
	int r = contiv__load_object(t, CONTIV_OBJECT_GLOBAL, "global", &global);

	if (r == -ENOENT) {
		r = contiv_object_new(m->ctx, CONTIV_OBJECT_GLOBAL, &global);
		if (r == 0)
			r = contiv__save_object(t, global);
	}
	if (r == 0)
		r = contiv__global_create_state(m, t, global);
	if (r == 0)
		r = contiv__load_object(t, CONTIV_OBJECT_TENANT, "default", &tenant);
	if (r == -ENOENT) {
		r = contiv_object_new(m->ctx, CONTIV_OBJECT_TENANT, &tenant);
		if (r == 0)
			r = contiv_object_set_str(tenant, CONTIV_TENANT_NAME, "default");
		if (r == 0)
			r = contiv__save_object(t, tenant);
	}
	if (r == 0 && contiv__mtxn_dirty(t))
		r = contiv__mtxn_bump_serial(t);
	if (r == 0)
		r = contiv__mtxn_commit(t);
	contiv_object_unref(global);
	contiv_object_unref(tenant);
	return r;
}

CONTIV_EXPORT int contiv_master_init(struct contiv_master *master)
{
	int r = -CONTIV_ERR_CONFLICT;

	contiv_return_val_if_fail(master, -EINVAL);
	contiv_return_if_forked(master->ctx);
	for (int i = 0; i < CONTIV__MAX_TRIES && r == -CONTIV_ERR_CONFLICT; i++) {
		struct contiv__mtxn *t;

		r = contiv__mtxn_new(master, &t);
		if (r < 0)
			return r;
		r = init_once(master, t);
		if (r == -CONTIV_ERR_CONFLICT)
			contiv__mtxn_forget(t);
		contiv__mtxn_free(t);
	}
	return r == -EIO ? -CONTIV_ERR_UNAVAILABLE : r;
}

/* ---- routing ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes %XX in place; false for a malformed escape or %00. */
static bool percent_decode(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (*p == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

			if (lo < 0 || (hi == 0 && lo == 0))
				return false;
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return true;
}

/* Splits path (without query) after prefix into decoded segments. */
static int split_path(struct contiv__req *req, const char *rest, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		char *seg;

		while (j < len && rest[j] != '/')
			j++;
		if (j == i) {	/* "//" or the trailing "/" */
			if (j + 1 < len)
				return -ENOENT;
			break;
		}
		if (req->nseg == CONTIV_ARRAY_SIZE(req->seg))
			return -ENOENT;
		seg = strndup(rest + i, j - i);
		if (!seg)
			return -ENOMEM;
		req->seg[req->nseg++] = seg;
		if (!percent_decode(seg))
			return -ENOENT;
		i = j + 1;
	}
	return 0;
}

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

static int not_allowed(struct contiv__req *req)
{
	return contiv__reply_error(req, 405, "method %s not allowed on this path", req->method);
}

static int route_api(struct contiv__req *req)
{
	bool get = is(req->method, "GET");
	uint32_t kind;

	if (req->nseg == 0)
		return contiv__reply_error(req, 404, "no such path");
	if (is(req->seg[0], "inspect")) {
		if (req->nseg != 3)
			return contiv__reply_error(req, 404, "no such path: expected /api/v1/inspect/<collection>/<key>/");
		kind = contiv_object_kind_from_name(req->seg[1]);
		if (!kind || !is(contiv_object_kind_collection(kind), req->seg[1]))
			return contiv__reply_error(req, 404, "unknown collection \"%s\"", req->seg[1]);
		return get ? contiv__inspect_handle(req, kind, req->seg[2]) : not_allowed(req);
	}
	if (is(req->seg[0], "watch")) {
		if (req->nseg != 1)
			return contiv__reply_error(req, 404, "no such path");
		return get ? contiv__watch_handle(req) : not_allowed(req);
	}
	kind = contiv_object_kind_from_name(req->seg[0]);
	if (!kind || !is(contiv_object_kind_collection(kind), req->seg[0]) || req->nseg > 2) {
		char q[CONTIV_QUOTE_MAX];

		return contiv__reply_error(req, 404, "unknown collection \"%s\"",
					   contiv__quoted(q, req->seg[0]));
	}
	if (req->nseg == 1 && !get)
		return not_allowed(req);
	if (!get && !is(req->method, "POST") && !is(req->method, "PUT") &&
	    !is(req->method, "DELETE"))
		return not_allowed(req);
	if (kind == CONTIV_OBJECT_ENDPOINT)
		return contiv__endpoint_handle(req, req->nseg == 2 ? req->seg[1] : NULL);
	return contiv__config_handle(req, kind, req->nseg == 2 ? req->seg[1] : NULL);
}

static int route(struct contiv__req *req, const char *path, size_t len)
{
	static const char api[] = "/api/v1/", plugin[] = "/plugin/";
	bool get = is(req->method, "GET");
	int r;

	if (len >= sizeof(api) - 1 && !strncmp(path, api, sizeof(api) - 1)) {
		r = split_path(req, path + sizeof(api) - 1, len - (sizeof(api) - 1));
		if (r == -ENOENT)
			return contiv__reply_error(req, 404, "no such path");
		return r < 0 ? r : route_api(req);
	}
	if (len > sizeof(plugin) - 1 && !strncmp(path, plugin, sizeof(plugin) - 1)) {
		r = split_path(req, path + sizeof(plugin) - 1, len - (sizeof(plugin) - 1));
		if (r == -ENOENT || req->nseg != 1)
			return r < 0 && r != -ENOENT ? r : contiv__reply_error(req, 404, "no such path");
		return is(req->method, "POST") ? contiv__plugin_handle(req, req->seg[0]) :
						 not_allowed(req);
	}
#define FIXED(p) ((len == sizeof(p) - 1 || (len == sizeof(p) && path[len - 1] == '/')) && \
		  !strncmp(path, p, sizeof(p) - 1))
	if (FIXED("/version"))
		return get ? contiv__version_handle(req) : not_allowed(req);
	if (FIXED("/info"))
		return get ? contiv__info_handle(req) : not_allowed(req);
	if (FIXED("/metrics"))
		return get ? contiv__metrics_handle(req) : not_allowed(req);
#undef FIXED
	return contiv__reply_error(req, 404, "no such path");
}

static void req_reset(struct contiv__req *req)
{
	for (size_t i = 0; i < req->nseg; i++)
		free(req->seg[i]);
	req->nseg = 0;
	free(req->out);
	req->out = NULL;
	contiv__mtxn_free(req->t);
	req->t = NULL;
}

static void count(struct contiv_master *m, const char *method, int status)
{
	int mi = is(method, "GET") ? CONTIV__M_GET : is(method, "POST") ? CONTIV__M_POST :
		 is(method, "PUT") ? CONTIV__M_PUT : is(method, "DELETE") ? CONTIV__M_DELETE :
		 CONTIV__M_OTHER;
	int si = status < 300 ? CONTIV__S_2XX : status == 400 ? CONTIV__S_400 :
		 status == 404 ? CONTIV__S_404 : status == 405 ? CONTIV__S_405 :
		 status == 409 ? CONTIV__S_409 : status == 413 ? CONTIV__S_413 :
		 status >= 500 ? CONTIV__S_5XX : CONTIV__S_OTHER;

	m->requests[mi][si]++;
}

/*
 * One try: route and, if it succeeded, commit what it wrote. Reads are fresh
 * or may come from the cache; *ret_unchecked is set when the answer rests on
 * cached reads that no commit compared (it must then be computed again from
 * fresh reads: a cached entry may be stale).
 */
static int run_once(struct contiv__req *req, const char *path, size_t path_len, bool fresh,
		    bool *ret_unchecked)
{
	int status, r = contiv__mtxn_new(req->m, &req->t);

	*ret_unchecked = false;
	if (r < 0)
		return r;
	contiv__mtxn_set_fresh(req->t, fresh);
	status = route(req, path, path_len);
	if (status >= 200 && status < 300 && contiv__mtxn_dirty(req->t)) {
		r = contiv__mtxn_commit(req->t);
		return r < 0 ? r : status;
	}
	if (status == -CONTIV_ERR_CONFLICT)
		contiv__mtxn_forget(req->t);
	else
		*ret_unchecked = contiv__mtxn_cache_hits(req->t) > 0;
	return status;
}

static int serve(struct contiv__req *req, const char *path)
{
	const char *q = strchr(path, '?');
	size_t path_len = q ? (size_t)(q - path) : strlen(path);
	int status = -CONTIV_ERR_CONFLICT;
	/* a GET reads fresh: never older than a write acknowledged anywhere */
	bool fresh = is(req->method, "GET"), unchecked;

	req->query = q ? q + 1 : "";
	if (req->body && req->body_len > req->m->max_body)
		return contiv__reply_error(req, 413, "request body larger than %u bytes",
					   req->m->max_body);
	if (req->body && memchr(req->body, '\0', req->body_len))
		return contiv__reply_error(req, 400, "malformed JSON: NUL byte in request body");
	for (int tries = 0; tries < CONTIV__MAX_TRIES; tries++) {
		if (tries)
			req->m->conflicts_retried++;
		req_reset(req);
		status = run_once(req, path, path_len, fresh, &unchecked);
		if (unchecked) {	/* again on fresh reads; not a conflict, no try used */
			req->m->cache_reruns++;
			fresh = true;
			req_reset(req);
			status = run_once(req, path, path_len, fresh, &unchecked);
		}
		if (status != -CONTIV_ERR_CONFLICT)
			break;
		fresh = true;	/* the cache, or a guess, was wrong: read everything again */
	}
	switch (status) {
	case -CONTIV_ERR_CONFLICT:
		req->m->conflicts_exhausted++;
		return contiv__reply_error(req, 409, "the state kept changing; gave up after %d tries",
					   CONTIV__MAX_TRIES);
	case -CONTIV_ERR_UNAVAILABLE:
	case -ETIMEDOUT:
	case -EBUSY:
		req->m->store_errors++;
		return contiv__reply_error(req, 503, "state store unavailable: %s",
					   contiv_ctx_get_error(req->m->ctx));
	case -EIO:
		req->m->store_errors++;
		return contiv__reply_error(req, 500, "%s", contiv_ctx_get_error(req->m->ctx));
	default:
		if (status < 0 && status != -ENOMEM && status != -ECHILD)
			return contiv__reply_errno(req, status);
		return status;
	}
}

CONTIV_EXPORT int contiv_master_handle(struct contiv_master *master, const char *method,
				       const char *path, const char *body, size_t body_len,
				       char **ret_body)
{
	struct contiv__req req = { .m = master, .method = method };
	char *copy = NULL;
	int status;

	contiv_return_val_if_fail(master && method && path && ret_body, -EINVAL);
	contiv_return_val_if_fail(body || !body_len, -EINVAL);
	contiv_return_if_forked(master->ctx);
	if (body && body_len <= master->max_body) {
		copy = malloc(body_len + 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, body, body_len);
		copy[body_len] = '\0';
	}
	req.body = body ? (copy ? copy : body) : NULL;
	req.body_len = body_len;
	status = serve(&req, path);
	if (status > 0 && !req.out)
		status = -ENOMEM;
	if (status > 0) {
		count(master, method, status);
		*ret_body = req.out;
		req.out = NULL;
	}
	req_reset(&req);
	free(copy);
	return status;
}
