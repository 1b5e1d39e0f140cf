/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * etcd over HTTP: the endpoints of the URL, one libcurl easy handle kept
 * alive across requests (HTTP/1.1, connection reuse), failover between
 * endpoints, authentication tokens, and the watch stream.
 *
 * Failover. An attempt fails over to the next endpoint (round-robin; the one
 * that answered is remembered) on a transport error, on an HTTP 5xx answer,
 * and on gRPC "unavailable" (which is how a member without a leader, or one
 * whose request timed out, answers). Passes over all endpoints repeat, with a
 * short pause, while failures are transient and the operation's deadline
 * (config->timeout_ms) has not passed. Each attempt gets at most half of the
 * remaining time when other endpoints are left to try, so that a member that
 * swallows requests (a follower whose leader just died) cannot use up the
 * whole deadline.
 *
 * Writes are retried too; the caller learns through ret_resent that an
 * earlier attempt may have reached a server (anything but a failure to
 * connect) and deals with it (store-etcd.c explains why that is safe).
 *
 * Every request carries "Grpc-Metadata-Hasleader: true": a member that knows
 * it has no leader then answers at once with "no leader" (and cancels
 * watches) rather than waiting.
 */
#include "config.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "etcd-private.h"

#define ENDPOINTS_MAX 16
#define RESPONSE_MAX (256u * 1024 * 1024)	/* one answer or one stream message */
#define CONNECT_TIMEOUT_MAX_MS 2000
#define ATTEMPT_MIN_MS 1000
#define PASS_PAUSE_MS 100

struct contiv__etcd {
	struct contiv_ctx *ctx;
	CURL *curl;
	CURLM *multi;			/* for the watch stream only, created on first use */
	struct curl_slist *headers;
	char *endpoints[ENDPOINTS_MAX];	/* "http://host:port" */
	size_t n_endpoints, current;
	uint32_t timeout_ms;
	char *username, *password;
	char *token;
	char curl_error[CURL_ERROR_SIZE];
	/* the answer being received */
	char *buf;
	size_t len, cap;
	bool too_big;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(uint64_t ms)
{
	poll(NULL, 0, (int)ms);
}

/* ---- endpoints ---- */

static bool host_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_';
}

/* One "host:port" or "[v6]:port" of len bytes at text; sets *why on -EINVAL. */
static int parse_endpoint(const char *text, size_t len, bool tls, char **ret, const char **why)
{
	const char *colon, *host_end;
	char port_text[8];
	uint32_t port;
	char *url;

	if (len == 0)
		return *why = "empty endpoint", -EINVAL;
	if (text[0] == '[') {
		host_end = memchr(text, ']', len);
		if (!host_end || host_end == text + 1)
			return *why = "malformed [IPv6] host", -EINVAL;
		for (const char *p = text + 1; p < host_end; p++)
			if (!strchr("0123456789abcdefABCDEF:.", *p))
				return *why = "malformed [IPv6] host", -EINVAL;
		colon = host_end + 1;
		if (colon >= text + len || *colon != ':')
			return *why = "endpoint without :port", -EINVAL;
	} else {
		colon = memchr(text, ':', len);
		if (!colon)
			return *why = "endpoint without :port", -EINVAL;
		if (colon == text)
			return *why = "endpoint without host", -EINVAL;
		for (const char *p = text; p < colon; p++)
			if (!host_char_ok(*p))
				return *why = "bad character in host", -EINVAL;
	}
	len -= (size_t)(colon + 1 - text);
	if (len == 0 || len >= sizeof(port_text))
		return *why = "port must be 1..65535", -EINVAL;
	memcpy(port_text, colon + 1, len);
	port_text[len] = '\0';
	if (contiv__parse_u32(port_text, 65535, &port) < 0 || port == 0)
		return *why = "port must be 1..65535", -EINVAL;
	if (asprintf(&url, "%s://%.*s", tls ? "https" : "http", (int)(colon + 1 + len - text),
		     text) < 0)
		return -ENOMEM;
	*ret = url;
	return 0;
}

static int parse_location(struct contiv__etcd *e, const struct contiv__store_config *config)
{
	const char *p = config->location, *why = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (e->n_endpoints == ENDPOINTS_MAX) {
			why = "more than 16 endpoints";
			r = -EINVAL;
			break;
		}
		r = parse_endpoint(p, len, config->tls, &e->endpoints[e->n_endpoints], &why);
		if (r < 0)
			break;
		e->n_endpoints++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
	if (r == -EINVAL) {
		char url[CONTIV_QUOTE_MAX + 16];

		snprintf(url, sizeof(url), "%s://%s", config->tls ? "etcds" : "etcd", config->location);
		return contiv__error(e->ctx, -EINVAL, "store: url \"%s\": %s (etcd://host:port[,host:port...])",
				     contiv__quote(q, url), why);
	}
	return r;
}

/* ---- one HTTP exchange ---- */

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
	struct contiv__etcd *e = userdata;
	size_t len = size * n;

	if (len > RESPONSE_MAX - e->len) {
		e->too_big = true;
		return 0;	/* aborts the transfer */
	}
	if (e->len + len + 1 > e->cap) {
		size_t cap = e->cap ? e->cap : 4096;
		char *p;

		while (cap < e->len + len + 1)
			cap *= 2;
		p = realloc(e->buf, cap);
		if (!p)
			return 0;
		e->buf = p;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, data, len);
	e->len += len;
	e->buf[e->len] = '\0';
	return len;
}

static int set_headers(struct contiv__etcd *e)
{
	struct curl_slist *h = NULL, *n;
	char *auth = NULL;

	h = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip for big values. */
	if (h && (n = curl_slist_append(h, "Expect:")))
		h = n;
	else
		goto oom;
	if ((n = curl_slist_append(h, "Grpc-Metadata-Hasleader: true")))
		h = n;
	else
		goto oom;
	if (e->token) {
		if (asprintf(&auth, "Authorization: %s", e->token) < 0)
			goto oom;
		n = curl_slist_append(h, auth);
		free(auth);
		if (!n)
			goto oom;
		h = n;
	}
	curl_slist_free_all(e->headers);
	e->headers = h;
	curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, e->headers);
	return 0;
oom:
	curl_slist_free_all(h);
	return -ENOMEM;
}

/* What an attempt on one endpoint came to. */
enum attempt_result {
	ATTEMPT_ANSWERED,	/* HTTP 200, JSON in *ret */
	ATTEMPT_ERROR,		/* the server answered with a (non-availability) error */
	ATTEMPT_FAILED,		/* try another endpoint; message in failure */
};

struct attempt {
	char failure[CURL_ERROR_SIZE];
	bool transient;		/* worth another pass */
	bool maybe_sent;	/* the request may have reached the server */
	bool auth_failed;	/* gRPC unauthenticated: renew the token */
};

/* Reads a gateway error body {"error","message","code"} into err (best effort). */
static void read_error_body(struct contiv__etcd *e, json_object *obj, long http,
			    struct contiv__etcd_error *err)
{
	json_object *v;

	err->code = 2;	/* unknown */
	snprintf(err->message, sizeof(err->message), "HTTP %ld", http);
	if (!obj || !json_object_is_type(obj, json_type_object))
		return;
	if (json_object_object_get_ex(obj, "code", &v) && json_object_is_type(v, json_type_int))
		err->code = json_object_get_int(v);
	if ((json_object_object_get_ex(obj, "message", &v) ||
	     json_object_object_get_ex(obj, "error", &v)) &&
	    json_object_is_type(v, json_type_string)) {
		char q[CONTIV_QUOTE_MAX];

		snprintf(err->message, sizeof(err->message), "%s",
			 contiv__quote(q, json_object_get_string(v)));
	}
}

static enum attempt_result attempt(struct contiv__etcd *e, size_t endpoint, const char *path,
				   const char *body, size_t body_len, unsigned flags,
				   uint32_t attempt_ms, json_object **ret,
				   struct contiv__etcd_error *err, struct attempt *a)
{
	char url[512];
	json_object *obj;
	CURLcode cc;
	long http = 0;
	curl_off_t sent = 0;

	snprintf(url, sizeof(url), "%s%s", e->endpoints[endpoint], path);
	e->len = 0;
	e->too_big = false;
	e->curl_error[0] = '\0';
	curl_easy_setopt(e->curl, CURLOPT_URL, url);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, (long)attempt_ms);
	curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(attempt_ms < CONNECT_TIMEOUT_MAX_MS ? attempt_ms : CONNECT_TIMEOUT_MAX_MS));
	cc = curl_easy_perform(e->curl);
	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &http);
	if (cc != CURLE_OK) {
		if (e->too_big) {
			snprintf(a->failure, sizeof(a->failure), "answer larger than %u bytes",
				 RESPONSE_MAX);
			a->maybe_sent = true;
			return ATTEMPT_FAILED;
		}
		snprintf(a->failure, sizeof(a->failure), "%s", e->curl_error[0] ? e->curl_error :
			 curl_easy_strerror(cc));
		a->transient = true;
		curl_easy_getinfo(e->curl, CURLINFO_REQUEST_SIZE, &sent);
		if (cc != CURLE_COULDNT_CONNECT && cc != CURLE_COULDNT_RESOLVE_HOST &&
		    cc != CURLE_SSL_CONNECT_ERROR && sent > 0)
			a->maybe_sent = true;
		return ATTEMPT_FAILED;
	}
	obj = contiv__etcd_json_parse(e->buf ? e->buf : "", e->len);
	if (http == 200 && (flags & CONTIV__ETCD_RESULT) && obj &&
	    json_object_is_type(obj, json_type_object)) {
		/* A streaming RPC: {"result": {...}} or {"error": {...}}. */
		json_object *inner;

		if (json_object_object_get_ex(obj, "result", &inner) &&
		    json_object_is_type(inner, json_type_object)) {
			json_object_get(inner);
			json_object_put(obj);
			obj = inner;
		} else if (json_object_object_get_ex(obj, "error", &inner) &&
			   json_object_is_type(inner, json_type_object)) {
			json_object *v;

			http = 500;
			if (json_object_object_get_ex(inner, "http_code", &v) &&
			    json_object_is_type(v, json_type_int))
				http = json_object_get_int(v);
			if (json_object_object_get_ex(inner, "grpc_code", &v))
				json_object_object_add(inner, "code", json_object_get(v));
			json_object_get(inner);
			json_object_put(obj);
			obj = inner;
		}
	}
	if (http == 200) {
		if (!obj || !json_object_is_type(obj, json_type_object)) {
			json_object_put(obj);
			snprintf(a->failure, sizeof(a->failure), "answer is not a JSON object");
			a->maybe_sent = true;
			return ATTEMPT_FAILED;
		}
		*ret = obj;
		return ATTEMPT_ANSWERED;
	}
	read_error_body(e, obj, http, err);
	json_object_put(obj);
	if (err->code == CONTIV__ETCD_GRPC_UNAUTHENTICATED && e->username &&
	    !(flags & CONTIV__ETCD_NO_AUTH)) {
		/* The token expired, or was issued by another member ("simple" tokens). */
		a->auth_failed = true;
		snprintf(a->failure, sizeof(a->failure), "%s", err->message);
		return ATTEMPT_FAILED;
	}
	if (http >= 500 || err->code == CONTIV__ETCD_GRPC_UNAVAILABLE) {
		snprintf(a->failure, sizeof(a->failure), "%s", err->message);
		a->transient = http == 503 || http == 504 || err->code == CONTIV__ETCD_GRPC_UNAVAILABLE;
		/* "no leader" is answered before proposing: nothing applied. */
		if (!strstr(err->message, "no leader"))
			a->maybe_sent = true;
		return ATTEMPT_FAILED;
	}
	return ATTEMPT_ERROR;
}

static int authenticate(struct contiv__etcd *e);

/*
 * After the token was refused by endpoint ep: renews it there, once per
 * operation. Returns 1 to try ep again, 0 if already renewed, or an error.
 */
static int renew_token(struct contiv__etcd *e, size_t ep, bool *renewed)
{
	int r;

	if (*renewed)
		return 0;
	*renewed = true;
	e->current = ep;
	r = authenticate(e);
	return r < 0 ? r : 1;
}

/* Time for one attempt: half of what is left when other endpoints could answer. */
static uint64_t attempt_budget(const struct contiv__etcd *e, uint64_t left)
{
	if (e->n_endpoints > 1 && left / 2 > ATTEMPT_MIN_MS)
		return left / 2;
	if (e->n_endpoints > 1 && left > ATTEMPT_MIN_MS)
		return ATTEMPT_MIN_MS;
	return left;
}

int contiv__etcd_call(struct contiv__etcd *e, const char *path, json_object *request,
		      unsigned flags, json_object **ret, struct contiv__etcd_error *ret_error,
		      bool *ret_resent)
{
	uint64_t deadline = now_ms() + e->timeout_ms;
	const char *body = json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t body_len = strlen(body);
	struct contiv__etcd_error err = { 0 };
	struct attempt last = { .failure = "" };
	char tried[256] = "";
	bool maybe_sent = false, reauthed = false;
	size_t tried_len = 0;

	if (ret_resent)
		*ret_resent = false;
	for (unsigned pass = 0;; pass++) {
		bool transient = false;

		for (size_t i = 0; i < e->n_endpoints; i++) {
			size_t ep = (e->current + i) % e->n_endpoints;
			uint64_t now = now_ms();
			uint32_t attempt_ms;
			struct attempt a = { .failure = "" };
			enum attempt_result res;

			if (now >= deadline)
				break;
			attempt_ms = (uint32_t)attempt_budget(e, deadline - now);
			if (ret_resent && maybe_sent)
				*ret_resent = true;
			res = attempt(e, ep, path, body, body_len, flags, attempt_ms, ret, &err, &a);
			if (res == ATTEMPT_FAILED && a.auth_failed) {
				int r = renew_token(e, ep, &reauthed);

				if (r < 0)
					return r;
				if (r == 1) {
					i--;	/* the same endpoint again */
					continue;
				}
			}
			if (res != ATTEMPT_FAILED) {
				e->current = ep;
				if (res == ATTEMPT_ERROR) {
					if (ret_error)
						*ret_error = err;
					return 1;
				}
				return 0;
			}
			maybe_sent |= a.maybe_sent;
			transient |= a.transient;
			last = a;
			if (pass == 0 && tried_len < sizeof(tried))
				tried_len += (size_t)snprintf(tried + tried_len, sizeof(tried) - tried_len,
							      "%s%s", tried_len ? ", " : "",
							      e->endpoints[ep]);
		}
		if (!transient || now_ms() + PASS_PAUSE_MS >= deadline)
			break;
		sleep_ms(PASS_PAUSE_MS);
	}
	if (ret_resent)
		*ret_resent = maybe_sent;
	return contiv__error(e->ctx, -CONTIV_ERR_UNAVAILABLE,
			     "etcd: %s: no endpoint answered within %u ms (tried %s): %s", path,
			     e->timeout_ms, tried_len ? tried : "none", last.failure);
}

static int authenticate(struct contiv__etcd *e)
{
	struct contiv__etcd_error err;
	json_object *req = json_object_new_object(), *resp = NULL;
	const char *token;
	char q[CONTIV_QUOTE_MAX];
	int r;

	if (!req)
		return -ENOMEM;
	if (json_object_object_add(req, "name", json_object_new_string(e->username)) < 0 ||
	    json_object_object_add(req, "password", json_object_new_string(e->password ?
									    e->password : "")) < 0) {
		json_object_put(req);
		return -ENOMEM;
	}
	free(e->token);
	e->token = NULL;
	r = set_headers(e);
	if (r == 0)
		r = contiv__etcd_call(e, "/v3/auth/authenticate", req, CONTIV__ETCD_NO_AUTH, &resp,
				      &err, NULL);
	json_object_put(req);
	if (r == 1)
		return contiv__error(e->ctx, -EACCES, "etcd: authentication of user \"%s\" failed: %s",
				     contiv__quote(q, e->username), err.message);
	if (r < 0)
		return r;
	r = contiv__etcd_json_string(e->ctx, resp, "token", "authenticate", &token);
	if (r == 0 && (!token || !*token || strpbrk(token, "\r\n")))
		r = contiv__error(e->ctx, -CONTIV_ERR_JSON, "etcd: authenticate: no usable token");
	if (r == 0 && !(e->token = strdup(token)))
		r = -ENOMEM;
	json_object_put(resp);
	return r < 0 ? r : set_headers(e);
}

/* ---- the watch stream ---- */

struct stream {
	struct contiv__etcd *e;
	contiv__etcd_msg_fn fn;
	void *userdata;
	int result;		/* 1 stopped, < 0 error */
	bool started;		/* got the first message */
	bool bad_status;
	bool auth_failed;	/* the token was refused */
};

/* Hands each complete line in the buffer to fn; keeps a partial last line. */
static int stream_lines(struct stream *s)
{
	struct contiv__etcd *e = s->e;
	size_t start = 0;

	for (;;) {
		char *nl = memchr(e->buf + start, '\n', e->len - start);
		size_t len;
		json_object *obj, *result, *error;
		int r;

		if (!nl)
			break;
		len = (size_t)(nl - (e->buf + start));
		obj = contiv__etcd_json_parse(e->buf + start, len);
		start += len + 1;
		if (len == 0 || (len == 1 && e->buf[start - 2] == '\r')) {
			json_object_put(obj);
			continue;
		}
		if (!obj || !json_object_is_type(obj, json_type_object)) {
			json_object_put(obj);
			return contiv__error(e->ctx, -CONTIV_ERR_JSON,
					     "etcd: watch: a message of the stream is not a JSON object");
		}
		if (json_object_object_get_ex(obj, "error", &error)) {
			char msg[256] = "?";
			json_object *m;

			if (!s->started && e->username && json_object_is_type(error, json_type_object) &&
			    json_object_object_get_ex(error, "grpc_code", &m) &&
			    json_object_is_type(m, json_type_int) &&
			    json_object_get_int(m) == CONTIV__ETCD_GRPC_UNAUTHENTICATED) {
				json_object_put(obj);
				s->auth_failed = true;
				return 2;	/* renew the token, try again */
			}

			if (json_object_is_type(error, json_type_object) &&
			    json_object_object_get_ex(error, "message", &m) &&
			    json_object_is_type(m, json_type_string)) {
				char q[CONTIV_QUOTE_MAX];
				snprintf(msg, sizeof(msg), "%s", contiv__quote(q, json_object_get_string(m)));
			}
			json_object_put(obj);
			return contiv__error(e->ctx, -CONTIV_ERR_UNAVAILABLE,
					     "etcd: watch: the stream failed: %s", msg);
		}
		if (!json_object_object_get_ex(obj, "result", &result) ||
		    !json_object_is_type(result, json_type_object)) {
			json_object_put(obj);
			return contiv__error(e->ctx, -CONTIV_ERR_JSON,
					     "etcd: watch: a message has no \"result\" object");
		}
		s->started = true;
		r = s->fn(result, s->userdata);
		json_object_put(obj);
		if (r != 0) {
			memmove(e->buf, e->buf + start, e->len - start);
			e->len -= start;
			return r;
		}
	}
	memmove(e->buf, e->buf + start, e->len - start);
	e->len -= start;
	return 0;
}

static size_t on_stream(char *data, size_t size, size_t n, void *userdata)
{
	struct stream *s = userdata;
	long http = 0;
	size_t len = size * n;

	if (s->result)
		return len;	/* done: ignore the rest until the handle is removed */
	curl_easy_getinfo(s->e->curl, CURLINFO_RESPONSE_CODE, &http);
	if (http != 200) {
		s->bad_status = true;
		return on_body(data, size, n, s->e);	/* keep the error body */
	}
	if (on_body(data, size, n, s->e) != len) {
		s->result = contiv__error(s->e->ctx, -CONTIV_ERR_UNAVAILABLE,
					  "etcd: watch: a message larger than %u bytes", RESPONSE_MAX);
		return len;
	}
	s->result = stream_lines(s);
	return len;
}

/*
 * One stream attempt on an endpoint. Returns 1 (fn stopped), 0 (wait_ms
 * passed after the start), a negative error, or 2 to try another endpoint
 * (failure in *a).
 */
static int stream_attempt(struct contiv__etcd *e, size_t endpoint, const char *body,
			  uint64_t start_deadline, int wait_ms, struct stream *s, struct attempt *a)
{
	uint64_t wait_deadline = 0;
	char url[512];
	int result = 2;
	CURLMsg *msg;
	int pending;

	snprintf(url, sizeof(url), "%s/v3/watch", e->endpoints[endpoint]);
	e->len = 0;
	e->too_big = false;
	e->curl_error[0] = '\0';
	curl_easy_setopt(e->curl, CURLOPT_URL, url);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, 0L);	/* deadlines kept below */
	curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MAX_MS);
	if (curl_multi_add_handle(e->multi, e->curl) != CURLM_OK)
		return -ENOMEM;
	for (;;) {
		uint64_t now, until;
		int running = 0;

		if (curl_multi_perform(e->multi, &running) != CURLM_OK) {
			result = contiv__error(e->ctx, -ENOMEM, "etcd: watch: curl_multi_perform failed");
			break;
		}
		if (s->result) {
			result = s->result;
			if (s->auth_failed) {
				a->auth_failed = true;
				snprintf(a->failure, sizeof(a->failure), "auth token refused");
			}
			break;
		}
		now = now_ms();
		if (s->started && !wait_deadline)
			wait_deadline = wait_ms == CONTIV__ETCD_WAIT_TIMEOUT ? now + e->timeout_ms :
					wait_ms < 0 ? UINT64_MAX : now + (uint64_t)wait_ms;
		if (!running) {
			CURLcode cc = CURLE_OK;

			while ((msg = curl_multi_info_read(e->multi, &pending)))
				if (msg->msg == CURLMSG_DONE)
					cc = msg->data.result;
			if (s->bad_status) {
				struct contiv__etcd_error err;
				json_object *obj = contiv__etcd_json_parse(e->buf ? e->buf : "", e->len);
				long http = 0;

				curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &http);
				read_error_body(e, obj, http, &err);
				json_object_put(obj);
				snprintf(a->failure, sizeof(a->failure), "%s", err.message);
				a->transient = http >= 500;
				a->auth_failed = err.code == CONTIV__ETCD_GRPC_UNAUTHENTICATED && e->username;
				if (http < 500 && err.code != CONTIV__ETCD_GRPC_UNAVAILABLE && !a->auth_failed)
					result = contiv__error(e->ctx, -CONTIV_ERR_UNAVAILABLE,
							       "etcd: watch: %s", err.message);
			} else if (s->started) {
				result = contiv__error(e->ctx, -CONTIV_ERR_UNAVAILABLE,
						       "etcd: watch: the stream ended: %s",
						       cc == CURLE_OK ? "closed by the server" :
						       curl_easy_strerror(cc));
			} else {
				snprintf(a->failure, sizeof(a->failure), "%s",
					 e->curl_error[0] ? e->curl_error : cc == CURLE_OK ?
					 "stream closed before its first message" : curl_easy_strerror(cc));
				a->transient = true;
			}
			break;
		}
		if (!s->started && now >= start_deadline) {
			snprintf(a->failure, sizeof(a->failure), "no answer");
			a->transient = true;
			break;
		}
		if (s->started && now >= wait_deadline) {
			result = 0;
			break;
		}
		until = s->started ? wait_deadline : start_deadline;
		curl_multi_poll(e->multi, NULL, 0, until - now > 1000 ? 1000 : (int)(until - now), NULL);
	}
	curl_multi_remove_handle(e->multi, e->curl);	/* aborts the stream if still open */
	return result;
}

int contiv__etcd_stream(struct contiv__etcd *e, json_object *request, int wait_ms,
			contiv__etcd_msg_fn fn, void *userdata)
{
	uint64_t deadline = now_ms() + e->timeout_ms;
	const char *body = json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE);
	struct attempt last = { .failure = "" };
	bool reauthed = false;

	if (!e->multi && !(e->multi = curl_multi_init()))
		return -ENOMEM;
	for (;;) {
		bool transient = false;

		for (size_t i = 0; i < e->n_endpoints && now_ms() < deadline; i++) {
			size_t ep = (e->current + i) % e->n_endpoints;
			struct stream s = { .e = e, .fn = fn, .userdata = userdata };
			struct attempt a = { .failure = "" };
			int r;

			uint64_t now = now_ms();

			r = stream_attempt(e, ep, body, now + attempt_budget(e, deadline - now), wait_ms,
					   &s, &a);
			if (r == 2 && a.auth_failed) {
				r = renew_token(e, ep, &reauthed);
				if (r < 0)
					return r;
				if (r == 1) {
					i--;	/* the same endpoint again */
					continue;
				}
				r = 2;
			}
			if (r != 2) {
				if (s.started)
					e->current = ep;
				return r;
			}
			transient |= a.transient;
			last = a;
		}
		if (!transient || now_ms() + PASS_PAUSE_MS >= deadline)
			break;
		sleep_ms(PASS_PAUSE_MS);
	}
	return contiv__error(e->ctx, -CONTIV_ERR_UNAVAILABLE,
			     "etcd: watch: no endpoint answered within %u ms: %s", e->timeout_ms,
			     last.failure);
}

/* ---- lifetime ---- */

const char *contiv__etcd_current_endpoint(const struct contiv__etcd *e)
{
	return e->endpoints[e->current];
}

void contiv__etcd_free(struct contiv__etcd *e)
{
	if (!e)
		return;
	if (e->multi)
		curl_multi_cleanup(e->multi);
	if (e->curl)
		curl_easy_cleanup(e->curl);
	curl_slist_free_all(e->headers);
	for (size_t i = 0; i < e->n_endpoints; i++)
		free(e->endpoints[i]);
	free(e->username);
	if (e->password)
		explicit_bzero(e->password, strlen(e->password));
	free(e->password);
	free(e->token);
	free(e->buf);
	free(e);
}

static int setup_curl(struct contiv__etcd *e, const struct contiv__store_config *config)
{
	CURL *c = curl_easy_init();

	if (!c)
		return -ENOMEM;
	e->curl = c;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->curl_error);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, config->tls ? "https" : "http");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, config->tls ? CURLPROTO_HTTPS : CURLPROTO_HTTP);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");	/* never through $http_proxy */
	if (config->tls) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
		if (config->tls_ca_file && curl_easy_setopt(c, CURLOPT_CAINFO, config->tls_ca_file))
			return -ENOMEM;
		if (config->tls_cert_file &&
		    curl_easy_setopt(c, CURLOPT_SSLCERT, config->tls_cert_file))
			return -ENOMEM;
		if (config->tls_key_file && curl_easy_setopt(c, CURLOPT_SSLKEY, config->tls_key_file))
			return -ENOMEM;
	}
	return set_headers(e);
}

int contiv__etcd_new(struct contiv_ctx *ctx, const struct contiv__store_config *config,
		     struct contiv__etcd **ret)
{
	struct contiv__etcd *e;
	int r;

	if (!config->tls && (config->tls_ca_file || config->tls_cert_file || config->tls_key_file))
		return contiv__error(ctx, -EINVAL, "store: TLS files given for an etcd:// url (use etcds://)");
	if (config->password && !config->username)
		return contiv__error(ctx, -EINVAL, "store: etcd password without a username");
	if (!!config->tls_cert_file != !!config->tls_key_file)
		return contiv__error(ctx, -EINVAL, "store: etcds client certificate and key go together");
	/* The process-wide init is thread-safe (and a no-op after the first) since curl 7.84. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return contiv__error(ctx, -ENOMEM, "etcd: curl_global_init failed");
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->ctx = ctx;
	e->timeout_ms = config->timeout_ms;
	r = parse_location(e, config);
	if (r == 0 && config->username &&
	    (!(e->username = strdup(config->username)) ||
	     !(e->password = strdup(config->password ? config->password : ""))))
		r = -ENOMEM;
	if (r == 0)
		r = setup_curl(e, config);
	if (r == 0 && e->username)
		r = authenticate(e);
	if (r < 0) {
		contiv__etcd_free(e);
		return r;
	}
	*ret = e;
	return 0;
}
