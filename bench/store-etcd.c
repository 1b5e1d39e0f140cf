/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sequential puts/s against a running etcd: through contiv_store_put(), and
 * "raw" with a bare libcurl keep-alive loop posting /v3/kv/put (the limit for
 * one connection), in the same run, alternating. Numbers only.
 *
 *   bench/store-etcd etcd://127.0.0.1:2379 [puts per round, default 2000]
 */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/etcd-private.h"

#define VALUE "{\"name\":\"net1\",\"tenant\":\"default\",\"subnet\":\"10.1.0.0/16\",\"pkt_tag\":1001}"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *data, size_t size, size_t n, void *userdata)
{
	return size * n;
}

static double raw_round(CURL *c, int n, int round)
{
	double t0 = now_s();
	char key[64], body[512];

	for (int i = 0; i < n; i++) {
		char *k, *v;

		snprintf(key, sizeof(key), "/bench/raw/%d/%d", round, i);
		k = contiv__etcd_b64_encode(key, strlen(key));
		v = contiv__etcd_b64_encode(VALUE, strlen(VALUE));
		snprintf(body, sizeof(body), "{\"key\":\"%s\",\"value\":\"%s\"}", k, v);
		free(k);
		free(v);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		if (curl_easy_perform(c) != CURLE_OK) {
			fprintf(stderr, "raw put failed\n");
			exit(1);
		}
	}
	return n / (now_s() - t0);
}

static double contiv_round(struct contiv_store *store, struct contiv_ctx *ctx, int n, int round)
{
	double t0 = now_s();
	char key[64];

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/bench/contiv/%d/%d", round, i);
		if (contiv_store_put(store, key, VALUE, NULL) < 0) {
			fprintf(stderr, "contiv put failed: %s\n", contiv_ctx_get_error(ctx));
			exit(1);
		}
	}
	return n / (now_s() - t0);
}

int main(int argc, char **argv)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_store *store = NULL;
	double raw = 0, lib = 0;
	char url[256];
	struct curl_slist *h;
	const char *hostport;
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	CURL *c;

	if (argc < 2 || strncmp(argv[1], "etcd://", 7) || n <= 0) {
		fprintf(stderr, "usage: %s etcd://host:port [puts per round]\n", argv[0]);
		return 2;
	}
	if (contiv_ctx_new(NULL, &ctx) < 0 || contiv_store_open(ctx, argv[1], NULL, &store) < 0) {
		fprintf(stderr, "open %s: %s\n", argv[1], ctx ? contiv_ctx_get_error(ctx) : "?");
		return 1;
	}
	hostport = argv[1] + 7;
	snprintf(url, sizeof(url), "http://%.*s/v3/kv/put", (int)strcspn(hostport, ","), hostport);
	c = curl_easy_init();
	h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);

	raw_round(c, n / 10 + 1, 0);	/* warm up both */
	contiv_round(store, ctx, n / 10 + 1, 0);
	for (int round = 1; round <= 2; round++) {
		double r = raw_round(c, n, round), l = contiv_round(store, ctx, n, round);

		printf("round %d: raw %.0f puts/s, contiv_store_put %.0f puts/s\n", round, r, l);
		raw = r > raw ? r : raw;
		lib = l > lib ? l : lib;
	}
	printf("best: raw %.0f puts/s, contiv_store_put %.0f puts/s, ratio %.2f\n", raw, lib,
	       lib / raw);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	return 0;
}
