/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A client of Docker's engine API over libcurl (dockerapi.h). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "dockerapi.h"

#define API_VERSION "/v1.40"	/* Docker 19.03 and later */
#define MAX_ANSWER (16u << 20)
#define TIMEOUT_MS 30000L

struct dapi {
	CURL *curl;
	char *socket;	/* unix socket path, or NULL */
	char *base;	/* "http://localhost" or the TCP URL */
};

struct buf {
	char *data;
	size_t len;
	bool too_big;
};

int dapi_new(const char *url, struct dapi **ret, char *err, size_t errlen)
{
	struct dapi *d;

	if (!url || (strncmp(url, "unix://", 7) && strncmp(url, "http://", 7)) ||
	    (!strncmp(url, "unix://", 7) && url[7] != '/')) {
		snprintf(err, errlen, "docker URL \"%.64s\": expected unix:///path or http://host:port", url ? url : "");
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (!strncmp(url, "unix://", 7)) {
		d->socket = strdup(url + 7);
		d->base = strdup("http://localhost");
	} else {
		d->base = strndup(url, strlen(url) - (url[strlen(url) - 1] == '/'));
	}
	d->curl = curl_easy_init();
	if (!d->curl || !d->base || (!strncmp(url, "unix://", 7) && !d->socket)) {
		dapi_free(d);
		return -ENOMEM;
	}
	*ret = d;
	return 0;
}

void dapi_free(struct dapi *d)
{
	if (!d)
		return;
	if (d->curl)
		curl_easy_cleanup(d->curl);
	free(d->socket);
	free(d->base);
	free(d);
}

static size_t on_data(char *ptr, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;
	size_t len = size * n;
	char *p;

	if (b->too_big || b->len + len > MAX_ANSWER) {
		b->too_big = true;
		return 0;
	}
	p = realloc(b->data, b->len + len + 1);
	if (!p)
		return 0;
	memcpy(p + b->len, ptr, len);
	b->data = p;
	b->len += len;
	p[b->len] = '\0';
	return len;
}

int dapi_request(struct dapi *d, const char *method, const char *path, const char *body, long *ret_status,
		 char **ret_body, char *err, size_t errlen)
{
	struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	struct buf b = { 0 };
	char url[1024];
	CURLcode c;

	snprintf(url, sizeof(url), "%s" API_VERSION "%s", d->base, path);
	curl_easy_reset(d->curl);
	curl_easy_setopt(d->curl, CURLOPT_URL, url);
	if (d->socket)
		curl_easy_setopt(d->curl, CURLOPT_UNIX_SOCKET_PATH, d->socket);
	curl_easy_setopt(d->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(d->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(d->curl, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(d->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(d->curl, CURLOPT_WRITEDATA, &b);
	if (body)
		curl_easy_setopt(d->curl, CURLOPT_POSTFIELDS, body);
	c = curl_easy_perform(d->curl);
	curl_slist_free_all(hdrs);
	if (c != CURLE_OK) {
		snprintf(err, errlen, "docker %s: %s", d->socket ? d->socket : d->base,
			 b.too_big ? "answer too large" : curl_easy_strerror(c));
		free(b.data);
		return -EIO;
	}
	curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, ret_status);
	*ret_body = b.data ? b.data : strdup("");
	return *ret_body ? 0 : -ENOMEM;
}
