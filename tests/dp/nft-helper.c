/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helper of the nftables kernel tests: builds Contiv's tutorial policy
 * (network T:net, VNI 100, 10.1.2.0/24, gateway .254; groups epgA, epgB;
 * endpoints A 10.1.2.1 in epgA, B 10.1.2.2 in epgB; policyAB on epgB) with
 * the features named on the command line, and applies it, prints it or
 * prints the rule counters in the current network namespace.
 *
 *   nft-helper apply|text|json [icmp] [tcpdeny] [tcp8001] [dscp] [dnat]
 *   nft-helper counters
 *
 * icmp: in icmp from epgA deny (prio 1); tcpdeny: in tcp deny (prio 1);
 * tcp8001: in tcp 8001 from epgA allow (prio 3); dscp: epgA's netprofile
 * has DSCP 6; dnat: tcp 8080 on the host -> 10.1.2.2:80.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

static struct contiv_ctx *ctx;
static struct contiv_policy *pol;

static void die(const char *what, int r)
{
	fprintf(stderr, "nft-helper: %s: %s (%s)\n", what, strerror(-r), contiv_ctx_get_error(ctx));
	exit(r == -EOPNOTSUPP ? 77 : 1);
}

static void add(uint32_t kind, const char *const *kv)
{
	struct contiv_object *o = NULL;
	int r = contiv_object_new(ctx, kind, &o);

	if (r < 0)
		die("object", r);
	for (; kv[0]; kv += 2) {
		int a = contiv_object_attr_from_name(kind, kv[0]);

		if (a < 0 || (r = contiv_object_set_from_string(o, (uint32_t)a, kv[1])) < 0)
			die(kv[0], a < 0 ? a : r);
	}
	r = contiv_policy_add_object(pol, o);
	if (r < 0)
		die("add", r);
	contiv_object_unref(o);
}

#define ADD(kind, ...) add(kind, (const char *const[]){ __VA_ARGS__, NULL })

static int print_counter(const char *rule, const char *group, uint64_t packets, uint64_t bytes,
			 void *userdata)
{
	(void)userdata;
	printf("%s %s %llu %llu\n", rule, group, (unsigned long long)packets,
	       (unsigned long long)bytes);
	return 0;
}

static bool has(int argc, char **argv, const char *word)
{
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], word))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct contiv_dp *dp = NULL;
	char *text = NULL;
	int r;

	if (argc < 2)
		return 2;
	if (contiv_ctx_new(NULL, &ctx) < 0)
		return 1;
	if (!strcmp(argv[1], "counters")) {
		if ((r = contiv_dp_new(ctx, NULL, &dp)) < 0)
			die("dp", r);
		r = contiv_dp_read_counters(dp, print_counter, NULL);
		if (r < 0)
			die("counters", r);
		contiv_dp_unref(dp);
		contiv_ctx_unref(ctx);
		return 0;
	}
	if ((r = contiv_policy_new(ctx, &pol)) < 0)
		die("policy", r);
	ADD(CONTIV_OBJECT_NETWORK, "tenantName", "T", "networkName", "net", "subnet", "10.1.2.0/24",
	    "gateway", "10.1.2.254");
	if ((r = contiv_policy_set_network_tag(pol, "T:net", CONTIV_DP_VXLAN, 100)) < 0)
		die("tag", r);
	ADD(CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", "policyAB");
	if (has(argc, argv, "dscp")) {
		ADD(CONTIV_OBJECT_NETPROFILE, "tenantName", "T", "profileName", "gold", "DSCP", "6");
		ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName", "net",
		    "netProfile", "gold");
	} else {
		ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName", "net");
	}
	ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgB", "networkName", "net",
	    "policies", "policyAB");
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "a", "tenantName", "T", "networkName", "net",
	    "groupName", "epgA", "ipAddress", "10.1.2.1");
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "b", "tenantName", "T", "networkName", "net",
	    "groupName", "epgB", "ipAddress", "10.1.2.2");
	if (has(argc, argv, "icmp"))
		ADD(CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", "1",
		    "direction", "in", "priority", "1", "protocol", "icmp", "fromEndpointGroup", "epgA",
		    "action", "deny");
	if (has(argc, argv, "tcpdeny"))
		ADD(CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", "2",
		    "direction", "in", "priority", "1", "protocol", "tcp", "action", "deny");
	if (has(argc, argv, "tcp8001"))
		ADD(CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", "3",
		    "direction", "in", "priority", "3", "protocol", "tcp", "port", "8001",
		    "fromEndpointGroup", "epgA", "action", "allow");
	if (has(argc, argv, "dnat") &&
	    (r = contiv_policy_add_port_mapping(pol, "tcp", 8080, "10.1.2.2", 80)) < 0)
		die("port mapping", r);
	r = contiv_policy_compile(pol);
	if (r < 0)
		die("compile", r);
	if (!strcmp(argv[1], "text") || !strcmp(argv[1], "json")) {
		r = argv[1][0] == 't' ? contiv_policy_to_nft(pol, &text) : contiv_policy_to_json(pol, &text);
		if (r < 0)
			die("render", r);
		fputs(text, stdout);
		contiv_free(text);
	} else {
		if ((r = contiv_dp_new(ctx, NULL, &dp)) < 0)
			die("dp", r);
		if ((r = contiv_dp_apply_policy(dp, pol)) < 0)
			die("apply", r);
		contiv_dp_unref(dp);
	}
	contiv_policy_unref(pol);
	contiv_ctx_unref(ctx);
	return 0;
}
