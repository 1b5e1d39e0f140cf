/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The REST client's transport: one libcurl easy handle per client, reused
 * for every request so the connection to netmaster stays open.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "client-private.h"

struct body_buf {
	char *data;
	size_t len, cap, max;
	bool overflow;
};

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body_buf *b = userdata;
	size_t n = size * nmemb;

	if (n > b->max - b->len) {
		b->overflow = true;
		return 0;	/* libcurl stops with CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return 0;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/* Keeps the last status line ("HTTP/1.1 404 Not Found") for messages. */
static size_t header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct contiv_client *client = userdata;
	size_t n = size * nmemb;

	if (n > 5 && memcmp(ptr, "HTTP/", 5) == 0) {
		size_t k = n < sizeof(client->status_line) - 1 ? n : sizeof(client->status_line) - 1;

		memcpy(client->status_line, ptr, k);
		while (k > 0 && (client->status_line[k - 1] == '\r' ||
				 client->status_line[k - 1] == '\n'))
			k--;
		client->status_line[k] = '\0';
	}
	return n;
}

static struct curl_slist *headers_new(const char *auth_token, bool with_body)
{
	struct curl_slist *list = NULL, *l;

	l = curl_slist_append(list, "Accept: application/json");
	if (!l)
		return NULL;
	list = l;
	if (with_body) {
		/* No "Expect: 100-continue" round trip for larger bodies. */
		if (!(l = curl_slist_append(list, "Content-Type: application/json")) ||
		    !(list = l, l = curl_slist_append(list, "Expect:")))
			goto fail;
		list = l;
	}
	if (auth_token) {
		char *h;

		if (asprintf(&h, "x-auth-token: %s", auth_token) < 0)
			goto fail;
		l = curl_slist_append(list, h);
		free(h);
		if (!l)
			goto fail;
		list = l;
	}
	return list;
fail:
	curl_slist_free_all(list);
	return NULL;
}

static bool token_valid(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t < 0x20 || *t == 0x7f)
			return false;
	return true;
}

CONTIV_EXPORT int contiv_client_new(struct contiv_ctx *ctx, const char *url,
				    const struct contiv_client_opts *opts,
				    struct contiv_client **ret)
{
	struct contiv_client *client;
	const char *unix_socket, *auth_token;
	char q[CONTIV_QUOTE_MAX];
	size_t n;

	contiv_return_val_if_fail(ctx, -EINVAL);
	contiv_return_val_if_fail(url, -EINVAL);
	contiv_return_val_if_fail(ret, -EINVAL);
	contiv_return_if_forked(ctx);
	if (!CONTIV_OPTS_VALID(opts, contiv_client_opts))
		return contiv__error(ctx, -EINVAL, "client options: unknown fields set");
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return contiv__error(ctx, -EINVAL,
				     "netmaster URL \"%s\": must start with http:// or https://",
				     contiv__quote(q, url));
	n = strlen(url);
	if (n == (url[4] == 's' ? 8u : 7u) || !token_valid(url) || strchr(url, ' '))
		return contiv__error(ctx, -EINVAL, "netmaster URL \"%s\": no valid host",
				     contiv__quote(q, url));
	auth_token = CONTIV_OPTS_GET(opts, auth_token, NULL);
	unix_socket = CONTIV_OPTS_GET(opts, unix_socket, NULL);
	if (auth_token && !token_valid(auth_token))
		return contiv__error(ctx, -EINVAL, "auth token: control characters");

	client = calloc(1, sizeof(*client));
	if (!client)
		return -ENOMEM;
	client->refcount = 1;
	client->max_body = CONTIV_CLIENT_MAX_BODY;
	client->timeout_ms = CONTIV_OPTS_GET(opts, timeout_ms, 0);
	if (!client->timeout_ms)
		client->timeout_ms = CONTIV_CLIENT_DEFAULT_TIMEOUT_MS;
	client->base_url = strdup(url);
	if (!client->base_url)
		goto nomem;
	while (n > 0 && client->base_url[n - 1] == '/')
		client->base_url[--n] = '\0';
	client->headers = headers_new(auth_token, false);
	client->headers_body = headers_new(auth_token, true);
	client->curl = curl_easy_init();
	if (!client->headers || !client->headers_body || !client->curl)
		goto nomem;

	curl_easy_setopt(client->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(client->curl, CURLOPT_ERRORBUFFER, client->errbuf);
	curl_easy_setopt(client->curl, CURLOPT_TIMEOUT_MS, (long)client->timeout_ms);
	curl_easy_setopt(client->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)client->timeout_ms);
	curl_easy_setopt(client->curl, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(client->curl, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(client->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(client->curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(client->curl, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(client->curl, CURLOPT_HEADERDATA, client);
	curl_easy_setopt(client->curl, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(client->curl, CURLOPT_USERAGENT, "libcontiv/" VERSION);
	if (unix_socket &&
	    curl_easy_setopt(client->curl, CURLOPT_UNIX_SOCKET_PATH, unix_socket) != CURLE_OK)
		goto nomem;
	if (CONTIV_OPTS_GET(opts, insecure, 0)) {
		curl_easy_setopt(client->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(client->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	client->ctx = contiv_ctx_ref(ctx);
	*ret = client;
	return 0;

nomem:
	if (client->curl)
		curl_easy_cleanup(client->curl);
	curl_slist_free_all(client->headers);
	curl_slist_free_all(client->headers_body);
	free(client->base_url);
	free(client);
	return -ENOMEM;
}

CONTIV_EXPORT struct contiv_client *contiv_client_ref(struct contiv_client *client)
{
	if (client)
		client->refcount++;
	return client;
}

CONTIV_EXPORT struct contiv_client *contiv_client_unref(struct contiv_client *client)
{
	if (!client || --client->refcount > 0)
		return NULL;
	curl_easy_cleanup(client->curl);
	curl_slist_free_all(client->headers);
	curl_slist_free_all(client->headers_body);
	free(client->base_url);
	free(client->last_url);
	contiv_ctx_unref(client->ctx);
	free(client);
	return NULL;
}

void contiv__client_set_max_body(struct contiv_client *client, size_t max_body)
{
	client->max_body = max_body;
}

static bool method_valid(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "POST") || !strcmp(m, "PUT") ||
	       !strcmp(m, "DELETE");
}

CONTIV_EXPORT int contiv_client_request(struct contiv_client *client, const char *method,
					const char *path, const char *body, long *ret_status,
					char **ret_body)
{
	struct body_buf b = { 0 };
	CURLcode cc;
	long status = 0;
	char *url;
	int r;

	contiv_return_val_if_fail(client, -EINVAL);
	contiv_return_val_if_fail(method && method_valid(method), -EINVAL);
	contiv_return_val_if_fail(path && path[0] == '/', -EINVAL);
	contiv_return_val_if_fail(ret_status, -EINVAL);
	contiv_return_if_forked(client->ctx);
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '#')
			return contiv__error(client->ctx, -EINVAL,
					     "request path: byte 0x%02x is not allowed",
					     (unsigned)(unsigned char)*p);

	if (asprintf(&url, "%s%s", client->base_url, path) < 0)
		return -ENOMEM;
	free(client->last_url);
	client->last_url = url;

	b.max = client->max_body;
	client->errbuf[0] = '\0';
	client->status_line[0] = '\0';
	curl_easy_setopt(client->curl, CURLOPT_URL, url);
	curl_easy_setopt(client->curl, CURLOPT_WRITEDATA, &b);
	/* Reset the method state the previous request left on the handle. */
	curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(client->curl, CURLOPT_HTTPGET, 1L);
	if (body || !strcmp(method, "POST") || !strcmp(method, "PUT")) {
		const char *data = body ? body : "";

		curl_easy_setopt(client->curl, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)strlen(data));
		curl_easy_setopt(client->curl, CURLOPT_POSTFIELDS, data);
		curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, client->headers_body);
	} else {
		curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, client->headers);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST, method);
	else if (!strcmp(method, "GET") && body)
		curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST, "GET");

	cc = curl_easy_perform(client->curl);
	/* The handle must not keep pointers into the caller's memory. */
	curl_easy_setopt(client->curl, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(client->curl, CURLOPT_WRITEDATA, NULL);
	if (cc != CURLE_OK) {
		if (b.overflow)
			r = contiv__error(client->ctx, -E2BIG,
					  "%s %s: answer larger than %zu bytes", method, url,
					  client->max_body);
		else if (cc == CURLE_OUT_OF_MEMORY || (cc == CURLE_WRITE_ERROR && !b.overflow))
			r = -ENOMEM;
		else
			r = contiv__error(client->ctx, -CONTIV_ERR_UNAVAILABLE, "%s %s: %s",
					  method, url,
					  client->errbuf[0] ? client->errbuf : curl_easy_strerror(cc));
		free(b.data);
		return r;
	}
	curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE, &status);
	contiv_dbg(client->ctx, "%s %s: %ld (%zu bytes)", method, url, status, b.len);
	if (!b.data) {
		b.data = strdup("");
		if (!b.data)
			return -ENOMEM;
	}
	*ret_status = status;
	if (ret_body)
		*ret_body = b.data;
	else
		free(b.data);
	return 0;
}
