/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control-plane benchmark: netmaster writes/s and p50/p99 latency with a
 * SQLite and an etcd store, next to raw etcd puts/s through the same kind of
 * libcurl client (one keep-alive handle per client thread): the limit for
 * netmaster over etcd. Sequential (1 client) and concurrent (--threads).
 * Numbers only, no assertions. bench/control-plane.sh starts everything.
 *
 *   bench/control-plane [--sqlite URL] [--etcd URL] [--raw-etcd HOST:PORT]
 *                       [--requests N] [--threads T]
 *
 * A netmaster write is an endpoint create or delete (alternating) in the
 * client thread's own network: allocation, state and endpoint keys in one
 * store transaction, without conflicts between client threads. A raw put is
 * one /v3/kv/put of a value of the same size class.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64

static int requests = 4000, threads = 8;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t sink(char *data, size_t size, size_t n, void *userdata)
{
	(void)data;
	(void)userdata;
	return size * n;
}

static void b64(const char *in, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 |
			     (unsigned char)in[i + 2];

		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = t[(v >> 6) & 63];
		out[o++] = t[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned char)in[i] << 16 | (i + 1 < n ? (unsigned char)in[i + 1] << 8 : 0);

		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = i + 1 < n ? t[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* One request; its status, or -1 on a transport failure. */
static long request(CURL *c, const char *method, const char *url, const char *body)
{
	long status = 0;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);	/* no body; the method stays custom */
	}
	if (curl_easy_perform(c) != CURLE_OK)
		return -1;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static CURL *new_handle(void)
{
	static struct curl_slist *hdrs;
	CURL *c = curl_easy_init();

	if (!hdrs) {
		hdrs = curl_slist_append(NULL, "Content-Type: application/json");
		hdrs = curl_slist_append(hdrs, "Expect:");
	}
	if (!c)
		exit(1);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	return c;
}

struct job {
	const char *base;	/* netmaster URL, or NULL for raw etcd */
	const char *etcd;	/* raw: host:port */
	const char *tag;
	int id, n;
	double *lat;
	int errors;
};

static void *client(void *arg)
{
	struct job *j = arg;
	CURL *c = new_handle();
	char url[512], body[1024], key[128], kb[256], vb[256];
	static const char value[] = "{\"endpointID\":\"e\",\"tenantName\":\"default\","
				    "\"networkName\":\"bench\",\"ipAddress\":\"10.200.0.2\"}";

	for (int i = 0; i < j->n; i++) {
		double t0 = now_s();
		long st;

		if (!j->base) {
			snprintf(url, sizeof(url), "http://%s/v3/kv/put", j->etcd);
			snprintf(key, sizeof(key), "/bench/raw/%s/%d/%d", j->tag, j->id, i);
			b64(key, kb);
			b64(value, vb);
			snprintf(body, sizeof(body), "{\"key\":\"%s\",\"value\":\"%s\"}", kb, vb);
			st = request(c, "POST", url, body);
		} else if (i % 2 == 0) {
			snprintf(url, sizeof(url), "%s/api/v1/endpoints/b%s-%d-%d/", j->base, j->tag,
				 j->id, i / 2);
			snprintf(body, sizeof(body),
				 "{\"tenantName\":\"default\",\"networkName\":\"b%s-%d\"}", j->tag,
				 j->id);
			st = request(c, "POST", url, body);
		} else {
			snprintf(url, sizeof(url), "%s/api/v1/endpoints/b%s-%d-%d/", j->base, j->tag,
				 j->id, i / 2);
			st = request(c, "DELETE", url, NULL);
		}
		j->lat[i] = now_s() - t0;
		if (st != 200)
			j->errors++;
	}
	curl_easy_cleanup(c);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double rate, p50, p99;
	int errors;
};

static struct result run(const char *base, const char *etcd, const char *tag, int nthreads)
{
	static int round;
	struct job jobs[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	int per = requests / nthreads, total = per * nthreads;
	double *lat = calloc((size_t)total, sizeof(double)), t0;
	struct result r = { 0 };
	char tagbuf[64];

	snprintf(tagbuf, sizeof(tagbuf), "%s%d", tag, round++);
	if (base) {	/* a network per client thread */
		CURL *c = new_handle();

		for (int t = 0; t < nthreads; t++) {
			char url[512], body[256];

			snprintf(url, sizeof(url), "%s/api/v1/networks/default:b%s-%d/", base, tagbuf, t);
			snprintf(body, sizeof(body),
				 "{\"subnet\":\"10.%d.%d.0/24\",\"encap\":\"vxlan\"}", 64 + round % 64,
				 t);
			if (request(c, "POST", url, body) != 200) {
				fprintf(stderr, "bench: cannot create network %s\n", url);
				exit(1);
			}
		}
		curl_easy_cleanup(c);
	}
	t0 = now_s();
	for (int t = 0; t < nthreads; t++) {
		jobs[t] = (struct job){ base, etcd, tagbuf, t, per, lat + (size_t)t * per, 0 };
		pthread_create(&tids[t], NULL, client, &jobs[t]);
	}
	for (int t = 0; t < nthreads; t++) {
		pthread_join(tids[t], NULL);
		r.errors += jobs[t].errors;
	}
	r.rate = total / (now_s() - t0);
	qsort(lat, (size_t)total, sizeof(double), cmp_double);
	r.p50 = lat[total / 2] * 1e3;
	r.p99 = lat[total * 99 / 100] * 1e3;
	free(lat);
	return r;
}

static void show(const char *what, int nthreads, struct result r)
{
	printf("%-22s %2d client%s %10.0f %9.3f %9.3f%s\n", what, nthreads, nthreads == 1 ? " " : "s",
	       r.rate, r.p50, r.p99, r.errors ? "  (errors!)" : "");
	if (r.errors)
		printf("    %d requests not answered 200\n", r.errors);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *sqlite = NULL, *etcd = NULL, *raw = NULL;
	struct result s1 = { 0 }, sn = { 0 }, e1 = { 0 }, en = { 0 }, r1 = { 0 }, rn = { 0 };

	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "bench/control-plane: %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--sqlite"))
			sqlite = v;
		else if (!strcmp(argv[i], "--etcd"))
			etcd = v;
		else if (!strcmp(argv[i], "--raw-etcd"))
			raw = v;
		else if (!strcmp(argv[i], "--requests"))
			requests = atoi(v);
		else if (!strcmp(argv[i], "--threads"))
			threads = atoi(v);
		else {
			fprintf(stderr, "usage: bench/control-plane [--sqlite URL] [--etcd URL] "
					"[--raw-etcd HOST:PORT] [--requests N] [--threads T]\n");
			return 2;
		}
		i++;
	}
	if (threads < 1 || threads > MAX_THREADS || requests < threads) {
		fprintf(stderr, "bench/control-plane: threads 1..%d, requests >= threads\n", MAX_THREADS);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("%d writes per measurement (netmaster: endpoint create/delete alternating)\n",
	       requests);
	printf("%-22s %10s %10s %9s %9s\n", "target", "clients", "writes/s", "p50 ms", "p99 ms");
	if (sqlite) {
		show("netmaster sqlite", 1, s1 = run(sqlite, NULL, "s", 1));
		show("netmaster sqlite", threads, sn = run(sqlite, NULL, "s", threads));
	}
	if (etcd) {
		show("netmaster etcd", 1, e1 = run(etcd, NULL, "e", 1));
		show("netmaster etcd", threads, en = run(etcd, NULL, "e", threads));
	}
	if (raw) {
		show("raw etcd put", 1, r1 = run(NULL, raw, "r", 1));
		show("raw etcd put", threads, rn = run(NULL, raw, "r", threads));
	}
	if (etcd && raw)
		printf("netmaster etcd / raw etcd: %.0f %% (1 client), %.0f %% (%d clients)\n",
		       100 * e1.rate / r1.rate, 100 * en.rate / rn.rate, threads);
	if (sqlite)
		printf("netmaster sqlite vs target 5000 writes/s: %.0f %% (1 client), %.0f %% (%d clients)\n",
		       100 * s1.rate / 5000, 100 * sn.rate / 5000, threads);
	curl_global_cleanup();
	return 0;
}
