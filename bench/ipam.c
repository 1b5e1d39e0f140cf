/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IPAM benchmark: allocations + releases per second on a /24 and on a /8
 * (1 M addresses), the per-operation cost ratio /8 : /24 (about 1 when the
 * cost does not grow with the pool), and the maximum RSS after creating an
 * empty /8 pool. Prints numbers only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <contiv/contiv.h>

#define ADDR_TEXT 16

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * Allocates n lowest-free addresses and releases them again, rounds times.
 * Returns seconds per operation (an allocation or a release), or < 0.
 */
static double run(struct contiv_ipam_pool *pool, size_t n, int rounds, char (*addrs)[ADDR_TEXT])
{
	double start = now();

	for (int r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++)
			if (contiv_ipam_pool_alloc(pool, NULL, addrs[i], ADDR_TEXT) < 0)
				return -1;
		for (size_t i = 0; i < n; i++)
			if (contiv_ipam_pool_release(pool, addrs[i]) < 0)
				return -1;
	}
	return (now() - start) / ((double)n * 2 * rounds);
}

int main(void)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_ipam_pool *p8 = NULL, *p24 = NULL;
	char (*addrs)[ADDR_TEXT];
	const size_t n8 = 1000000, n24 = 253;
	long rss_before, rss_after;
	double op24, op8;

	if (contiv_ctx_new(NULL, &ctx) < 0)
		return 1;
	/* Touch the code paths first so that only the pool itself is measured. */
	if (contiv_ipam_pool_new(ctx, "10.1.1.0/24", "10.1.1.254", &p24) < 0)
		return 1;
	contiv_ipam_pool_free(p24);
	p24 = NULL;
	rss_before = max_rss_kb();
	if (contiv_ipam_pool_new(ctx, "10.0.0.0/8", "10.0.0.1", &p8) < 0)
		return 1;
	rss_after = max_rss_kb();

	addrs = calloc(n8, ADDR_TEXT);
	if (!addrs || contiv_ipam_pool_new(ctx, "10.1.1.0/24", "10.1.1.254", &p24) < 0)
		return 1;
	run(p24, n24, 100, addrs);	/* warm up */
	op24 = run(p24, n24, 4000, addrs);
	op8 = run(p8, n8, 2, addrs);
	if (op24 <= 0 || op8 <= 0) {
		fprintf(stderr, "ipam bench: %s\n", contiv_ctx_get_error(ctx));
		return 1;
	}
	printf("/24 alloc+release ops/s: %.0f (%.1f ns/op)\n", 1 / op24, op24 * 1e9);
	printf("/8 (1M addresses) alloc+release ops/s: %.0f (%.1f ns/op)\n", 1 / op8, op8 * 1e9);
	printf("per-op cost ratio /8 : /24: %.2f\n", op8 / op24);
	printf("max RSS before /8 pool: %ld KiB, after creating empty /8 pool: %ld KiB (+%ld KiB)\n",
	       rss_before, rss_after, rss_after - rss_before);

	free(addrs);
	contiv_ipam_pool_free(p8);
	contiv_ipam_pool_free(p24);
	contiv_ctx_unref(ctx);
	return 0;
}
