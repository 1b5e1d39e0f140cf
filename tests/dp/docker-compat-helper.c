/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helper of tests/dp/docker-compat.sh: runs contiv__dp_docker_compat() in
 * the network namespace it runs in.
 *   docker-compat-helper [N]   N forced checks (default 1); prints the
 *                              first result ("<rules changed> <message>")
 *                              and the mean time of one check in us
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <contiv/contiv.h>

#include "dp/docker-compat.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_dp *dp = NULL;
	int n = argc > 1 ? atoi(argv[1]) : 1, first = 0, r;
	double t0;

	if (n < 1 || contiv_ctx_new(NULL, &ctx) < 0)
		return 2;
	if (contiv_dp_new(ctx, NULL, &dp) < 0) {
		fprintf(stderr, "docker-compat-helper: %s\n", contiv_ctx_get_error(ctx));
		contiv_ctx_unref(ctx);
		return 1;
	}
	t0 = now_us();
	for (int i = 0; i < n; i++) {
		r = contiv__dp_docker_compat(dp, true);
		if (i == 0)
			first = r;
	}
	printf("%d %s\n", first, first < 0 ? contiv_ctx_get_error(ctx) : "ok");
	printf("%.0f us per check\n", (now_us() - t0) / n);
	contiv_dp_unref(dp);
	contiv_ctx_unref(ctx);
	return first < 0;
}
