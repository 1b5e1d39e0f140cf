/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test driver of the dp links API: one call per run, in the network
 * namespace it is started in (tests/dp/links-test.sh runs it with
 * "ip netns exec"). Prints the error code and message on failure.
 *
 *   dp-links-tool [-v VTEP] [-d VXLAN_DEV] [-p PORT] [-f] [-u UPLINK] CMD ARGS
 *     net-add vxlan|vlan TAG [GATEWAY_CIDR]
 *     net-del vxlan|vlan TAG
 *     remote-add VNI MAC IP|- VTEP
 *     remote-del VNI MAC IP|-
 *     ep-add ID NETNS vxlan|vlan TAG MAC [ip4=] [gw4=] [ip6=] [gw6=] [ifname=] [mtu=]
 *     ep-del ID
 *     state
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <contiv/contiv.h>
#include <contiv/dp.h>

static int print_state(const char *what, const char *key, const char *detail, void *userdata)
{
	printf("%s %s %s\n", what, key, detail);
	return 0;
}

static uint32_t encap_of(const char *s)
{
	return !strcmp(s, "vxlan") ? CONTIV_DP_VXLAN : !strcmp(s, "vlan") ? CONTIV_DP_VLAN : 0;
}

static const char *opt_or_null(const char *s)
{
	return s && strcmp(s, "-") ? s : NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: dp-links-tool [-v VTEP] [-d DEV] [-p PORT] [-f] [-u UPLINK] CMD ARGS\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct contiv_dp_opts o = { .sz = sizeof(o) };
	struct contiv_ctx *ctx = NULL;
	struct contiv_dp *dp = NULL;
	const char *cmd;
	int c, r;

	while ((c = getopt(argc, argv, "v:d:p:fu:")) != -1) {
		switch (c) {
		case 'v': o.vtep_ip = optarg; break;
		case 'd': o.vxlan_dev = optarg; break;
		case 'p': o.vxlan_port = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'f': o.arp_mode = CONTIV_DP_ARP_FLOOD; break;
		case 'u': o.vlan_uplink = optarg; break;
		default: return usage();
		}
	}
	argv += optind;
	argc -= optind;
	if (argc < 1)
		return usage();
	cmd = argv[0];
	r = contiv_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "contiv_ctx_new: %s\n", strerror(-r));
		return 1;
	}
	r = contiv_dp_new(ctx, &o, &dp);
	if (r < 0)
		goto done;

	if (!strcmp(cmd, "net-add") && argc >= 3)
		r = contiv_dp_network_add(dp, encap_of(argv[1]), (uint32_t)strtoul(argv[2], NULL, 10),
					  argc > 3 ? argv[3] : NULL);
	else if (!strcmp(cmd, "net-del") && argc == 3)
		r = contiv_dp_network_del(dp, encap_of(argv[1]), (uint32_t)strtoul(argv[2], NULL, 10));
	else if (!strcmp(cmd, "remote-add") && argc == 5)
		r = contiv_dp_remote_add(dp, (uint32_t)strtoul(argv[1], NULL, 10), argv[2], opt_or_null(argv[3]),
					 argv[4]);
	else if (!strcmp(cmd, "remote-del") && argc == 4)
		r = contiv_dp_remote_del(dp, (uint32_t)strtoul(argv[1], NULL, 10), argv[2], opt_or_null(argv[3]));
	else if (!strcmp(cmd, "ep-add") && argc >= 6) {
		struct contiv_dp_endpoint_opts e = { .sz = sizeof(e) };
		char host[16] = "";

		e.id = argv[1];
		e.netns_path = argv[2];
		e.encap = encap_of(argv[3]);
		e.tag = (uint32_t)strtoul(argv[4], NULL, 10);
		e.mac = argv[5];
		for (int i = 6; i < argc; i++) {
			char *v = strchr(argv[i], '=');

			if (!v)
				return usage();
			*v++ = '\0';
			if (!strcmp(argv[i], "ip4")) e.ipv4_cidr = v;
			else if (!strcmp(argv[i], "gw4")) e.gateway4 = v;
			else if (!strcmp(argv[i], "ip6")) e.ipv6_cidr = v;
			else if (!strcmp(argv[i], "gw6")) e.gateway6 = v;
			else if (!strcmp(argv[i], "ifname")) e.ifname = v;
			else if (!strcmp(argv[i], "mtu")) e.mtu = (uint32_t)strtoul(v, NULL, 10);
			else return usage();
		}
		r = contiv_dp_endpoint_add(dp, &e, host, sizeof(host));
		if (r == 0)
			printf("%s\n", host);
	} else if (!strcmp(cmd, "ep-del") && argc == 2)
		r = contiv_dp_endpoint_del(dp, argv[1]);
	else if (!strcmp(cmd, "state") && argc == 1) {
		r = contiv_dp_read_state(dp, print_state, NULL);
		if (r >= 0) {
			printf("items %d\n", r);
			r = 0;
		}
	} else {
		contiv_dp_unref(dp);
		contiv_ctx_unref(ctx);
		return usage();
	}
done:
	if (r < 0)
		fprintf(stderr, "rc=%d (%s): %s\n", r, strerror(-r), contiv_ctx_get_error(ctx));
	contiv_dp_unref(dp);
	contiv_ctx_unref(ctx);
	return r < 0 ? 1 : 0;
}
