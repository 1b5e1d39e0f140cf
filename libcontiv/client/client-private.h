/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The client layer's inside, shared with its white-box tests. */
#ifndef CONTIV_CLIENT_PRIVATE_H
#define CONTIV_CLIENT_PRIVATE_H

#include <curl/curl.h>

#include "libcontiv-private.h"

/* Largest response body a client accepts by default (64 MiB). */
#define CONTIV_CLIENT_MAX_BODY ((size_t)64 << 20)
#define CONTIV_CLIENT_DEFAULT_TIMEOUT_MS 30000

struct contiv_client {
	int refcount;
	struct contiv_ctx *ctx;
	CURL *curl;
	char *base_url;		/* without trailing '/' */
	char *last_url;		/* of the last request, for messages */
	struct curl_slist *headers, *headers_body;
	uint32_t timeout_ms;
	size_t max_body;
	char errbuf[CURL_ERROR_SIZE];
	char status_line[128];	/* "HTTP/1.1 404 Not Found" of the last answer */
};

/* Changes the response body cap of one client (tests use a small one). */
void contiv__client_set_max_body(struct contiv_client *client, size_t max_body);

/*
 * Builds "/api/v1/<collection>/" or, with a key, "/api/v1/<collection>/<key>/"
 * with the key percent-encoded: every byte outside [A-Za-z0-9-._~:@] becomes
 * %XX. Fails with -EINVAL (message on ctx) for an unknown kind, an empty key,
 * ".", "..", or a key holding '/' or a control byte.
 */
int contiv__client_object_path(struct contiv_ctx *ctx, uint32_t kind, const char *key,
			       char **ret);

#endif
