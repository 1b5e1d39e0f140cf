/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test helper of the qos tests: drives contiv_dp_endpoint_set_qos() and
 * contiv__dp_qos_read_state() in the network namespace it runs in.
 *   qos-helper ifname ID            prints the host veth and ifb names of ID
 *   qos-helper set ID BPS [BURST]   prints "<return value> <message>"
 *   qos-helper state                prints "<what> <key> <detail>" per item
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

#include "dp/dp-private.h"
#include "dp/qos.h"

static int print_item(const char *what, const char *key, const char *detail, void *userdata)
{
	(void)userdata;
	printf("%s %s %s\n", what, key, detail);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: qos-helper ifname ID | set ID BPS [BURST] | state\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_dp *dp = NULL;
	char veth[16], ifb[16];
	int r;

	if (argc == 3 && !strcmp(argv[1], "ifname")) {
		contiv__dp_ifname(CONTIV_DP_HOST_VETH, argv[2], veth);
		contiv__dp_ifname(CONTIV_DP_IFB, argv[2], ifb);
		printf("%s %s\n", veth, ifb);
		return 0;
	}
	if (argc < 2)
		return usage();
	r = contiv_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "qos-helper: contiv_ctx_new: %s\n", strerror(-r));
		return 1;
	}
	r = contiv_dp_new(ctx, NULL, &dp);
	if (r < 0) {
		fprintf(stderr, "qos-helper: contiv_dp_new: %s\n", contiv_ctx_get_error(ctx));
		contiv_ctx_unref(ctx);
		return 1;
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "set")) {
		uint64_t bps = strtoull(argv[3], NULL, 10);
		uint32_t burst = argc == 5 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;

		r = contiv_dp_endpoint_set_qos(dp, argv[2], bps, burst);
		printf("%d %s\n", r, r < 0 ? contiv_ctx_get_error(ctx) : "ok");
		r = r < 0 ? 1 : 0;
	} else if (argc == 2 && !strcmp(argv[1], "state")) {
		r = contiv__dp_qos_read_state(dp, print_item, NULL);
		if (r < 0)
			fprintf(stderr, "qos-helper: read_state: %d %s\n", r, contiv_ctx_get_error(ctx));
		r = r < 0 ? 1 : 0;
	} else {
		r = usage();
	}
	contiv_dp_unref(dp);
	contiv_ctx_unref(ctx);
	return r;
}
