/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Store benchmark: sequential puts and compare-and-swap transactions per
 * second on a fresh SQLite store (WAL, synchronous=FULL) in a temporary
 * directory (TMPDIR, or /tmp). Usage: bench/store [count] (default 2000).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <contiv/contiv.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(struct contiv_ctx *ctx, const char *what, int r)
{
	fprintf(stderr, "bench/store: %s: %d %s\n", what, r, ctx ? contiv_ctx_get_error(ctx) : "");
	return EXIT_FAILURE;
}

/* n puts of distinct keys. */
static int bench_puts(struct contiv_store *store, int n)
{
	char key[64];

	for (int i = 0; i < n; i++) {
		int r;

		snprintf(key, sizeof(key), "/bench/put/%08d", i);
		r = contiv_store_put(store, key, "{\"value\":\"some state of an object\"}", NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* n increments of one key, each a transaction comparing its mod_revision. */
static int bench_txns(struct contiv_store *store, int n)
{
	uint64_t mod = 0;
	char value[32];

	for (int i = 0; i < n; i++) {
		struct contiv_store_txn *txn = NULL;
		int r = contiv_store_txn_new(store, &txn);

		snprintf(value, sizeof(value), "%d", i);
		if (r == 0)
			r = contiv_store_txn_compare(txn, "/bench/txn/counter", mod);
		if (r == 0)
			r = contiv_store_txn_put(txn, "/bench/txn/counter", value, 0);
		if (r == 0)
			r = contiv_store_txn_commit(txn, &mod);
		contiv_store_txn_free(txn);
		if (r < 0)
			return r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	struct contiv_store *store = NULL;
	struct contiv_ctx *ctx = NULL;
	char dir[1024], path[1100], url[1200];
	int n = argc > 1 ? atoi(argv[1]) : 2000, r;
	double t0, t1, t2;

	if (n <= 0)
		return fail(NULL, "count must be a positive number", -EINVAL);
	snprintf(dir, sizeof(dir), "%s/contiv-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return fail(NULL, "mkdtemp", -errno);
	snprintf(path, sizeof(path), "%s/state.db", dir);
	snprintf(url, sizeof(url), "sqlite://%s", path);
	r = contiv_ctx_new(NULL, &ctx);
	if (r < 0)
		return fail(NULL, "context", r);
	r = contiv_store_open(ctx, url, NULL, &store);
	if (r < 0)
		return fail(ctx, "open", r);

	t0 = now_s();
	r = bench_puts(store, n);
	if (r < 0)
		return fail(ctx, "put", r);
	t1 = now_s();
	r = bench_txns(store, n);
	if (r < 0)
		return fail(ctx, "txn", r);
	t2 = now_s();
	printf("puts/s %.0f\n", n / (t1 - t0));
	printf("txns/s %.0f\n", n / (t2 - t1));

	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	for (size_t i = 0; i < 3; i++) {
		static const char *const suffixes[] = { "", "-wal", "-shm" };
		char name[1200];

		snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		unlink(name);
	}
	rmdir(dir);
	return EXIT_SUCCESS;
}
