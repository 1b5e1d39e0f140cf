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
 *   nft-helper session        (stdin: "apply FEATURES…" lines, one dp handle)
 *   nft-helper random SEED STEPS [full]   (see nft-random.c)
 *
 * icmp: in icmp from epgA deny (prio 1); tcpdeny: in tcp deny (prio 1);
 * tcp8001: in tcp 8001 from epgA allow (prio 3); dscp: epgA's netprofile
 * has DSCP 6; dnat: tcp 8080 on the host -> 10.1.2.2:80; rules=N: the
 * rules of bench/datapath.sh's part "rules" (in from epgA allow, prio 10,
 * and N-1 inbound allows of one tcp/udp port from one address, prio 5);
 * denyall: in deny everything (prio 1), under the rules=N; byaddr: the
 * first of the rules=N allows from A's address instead of from epgA.
 *
 * session: applies each line's policy with the same dp handle (so updates
 * after the first are incremental) and answers each with one line:
 * "applied full|incremental|unchanged".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft-helper.h"

struct contiv_ctx *ctx;

void die(const char *what, int r)
{
	fprintf(stderr, "nft-helper: %s: %s (%s)\n", what, strerror(-r), contiv_ctx_get_error(ctx));
	exit(r == -EOPNOTSUPP ? 77 : 1);
}

void add(struct contiv_policy *p, uint32_t kind, const char *const *kv)
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
	r = contiv_policy_add_object(p, o);
	if (r < 0)
		die("add", r);
	contiv_object_unref(o);
}

struct contiv_policy *policy_with_net(const char *subnet, const char *gateway)
{
	struct contiv_policy *p = NULL;
	int r;

	if ((r = contiv_policy_new(ctx, &p)) < 0)
		die("policy", r);
	ADD(p, CONTIV_OBJECT_NETWORK, "tenantName", "T", "networkName", "net", "subnet", subnet,
	    "gateway", gateway);
	if ((r = contiv_policy_set_network_tag(p, "T:net", CONTIV_DP_VXLAN, 100)) < 0)
		die("tag", r);
	return p;
}

static const char *mode = "full";

static void log_fn(struct contiv_ctx *c, int prio, const char *file, int line, const char *fn,
		   const char *msg, void *userdata)
{
	(void)c, (void)prio, (void)file, (void)line, (void)fn, (void)userdata;
	if (strstr(msg, "dp: nftables: incremental update"))
		mode = "incremental";
	else if (strstr(msg, "dp: nftables: nothing changed"))
		mode = "unchanged";
	else if (strstr(msg, "dp: nftables:")) {
		mode = "full";
		if (getenv("NFT_HELPER_LOG"))
			fprintf(stderr, "%s\n", msg);
	}
}

void nft_mode_capture(void)
{
	contiv_ctx_set_log_fn(ctx, log_fn, NULL);
	contiv_ctx_set_log_priority(ctx, 7);
}

void nft_mode_reset(void)
{
	mode = "full";
}

const char *nft_mode(void)
{
	return mode;
}

static int print_counter(const char *rule, const char *group, uint64_t packets, uint64_t bytes,
			 void *userdata)
{
	(void)userdata;
	printf("%s %s %llu %llu\n", rule, group, (unsigned long long)packets,
	       (unsigned long long)bytes);
	return 0;
}

static bool has(int n, char **words, const char *word)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(words[i], word))
			return true;
	return false;
}

/* The rules of bench/datapath.sh's part "rules": n in all (ids 1001…). */
static void bench_rules(struct contiv_policy *pol, int n, bool byaddr)
{
	char id[16], port[8], addr[32];

	for (int i = 1; i <= n; i++) {
		snprintf(id, sizeof(id), "%d", 1000 + i);
		if (i == 1 && byaddr) {
			ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB",
			    "ruleId", id, "direction", "in", "priority", "10", "fromIpAddress",
			    "10.1.2.1", "action", "allow");
			continue;
		}
		if (i == 1) {
			ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB",
			    "ruleId", id, "direction", "in", "priority", "10", "fromEndpointGroup",
			    "epgA", "action", "allow");
			continue;
		}
		snprintf(port, sizeof(port), "%d", 1024 + i % 60000);
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", 100 + i / 65536, i / 256 % 256, i % 256);
		ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", id,
		    "direction", "in", "priority", "5", "protocol", i % 2 ? "udp" : "tcp", "port",
		    port, "fromIpAddress", addr, "action", "allow");
	}
}

/* The tutorial with the features in words, compiled. */
static struct contiv_policy *tutorial(int n, char **words)
{
	struct contiv_policy *pol = policy_with_net("10.1.2.0/24", "10.1.2.254");
	int r;

	ADD(pol, CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", "policyAB");
	if (has(n, words, "dscp")) {
		ADD(pol, CONTIV_OBJECT_NETPROFILE, "tenantName", "T", "profileName", "gold", "DSCP", "6");
		ADD(pol, CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName",
		    "net", "netProfile", "gold");
	} else {
		ADD(pol, CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName",
		    "net");
	}
	ADD(pol, CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgB", "networkName", "net",
	    "policies", "policyAB");
	ADD(pol, CONTIV_OBJECT_ENDPOINT, "endpointID", "a", "tenantName", "T", "networkName", "net",
	    "groupName", "epgA", "ipAddress", "10.1.2.1");
	ADD(pol, CONTIV_OBJECT_ENDPOINT, "endpointID", "b", "tenantName", "T", "networkName", "net",
	    "groupName", "epgB", "ipAddress", "10.1.2.2");
	if (has(n, words, "icmp"))
		ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", "1",
		    "direction", "in", "priority", "1", "protocol", "icmp", "fromEndpointGroup",
		    "epgA", "action", "deny");
	if (has(n, words, "tcpdeny"))
		ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", "2",
		    "direction", "in", "priority", "1", "protocol", "tcp", "action", "deny");
	if (has(n, words, "tcp8001"))
		ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId", "3",
		    "direction", "in", "priority", "3", "protocol", "tcp", "port", "8001",
		    "fromEndpointGroup", "epgA", "action", "allow");
	for (int i = 0; i < n; i++)
		if (!strncmp(words[i], "rules=", 6))
			bench_rules(pol, atoi(words[i] + 6), has(n, words, "byaddr"));
	if (has(n, words, "denyall"))
		ADD(pol, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", "policyAB", "ruleId",
		    "999", "direction", "in", "priority", "1", "action", "deny");
	if (has(n, words, "dnat") &&
	    (r = contiv_policy_add_port_mapping(pol, "tcp", 8080, "10.1.2.2", 80)) < 0)
		die("port mapping", r);
	r = contiv_policy_compile(pol);
	if (r < 0)
		die("compile", r);
	return pol;
}

static struct contiv_dp *dp_open(void)
{
	struct contiv_dp *dp = NULL;
	int r = contiv_dp_new(ctx, NULL, &dp);

	if (r < 0)
		die("dp", r);
	return dp;
}

static int session(void)
{
	struct contiv_dp *dp = dp_open();
	char line[512];

	nft_mode_capture();
	while (fgets(line, sizeof(line), stdin)) {
		char *words[16], *save = NULL;
		int n = 0, r;
		struct contiv_policy *pol;

		for (char *w = strtok_r(line, " \t\n", &save); w && n < 16;
		     w = strtok_r(NULL, " \t\n", &save))
			words[n++] = w;
		if (!n || strcmp(words[0], "apply"))
			continue;
		pol = tutorial(n - 1, words + 1);
		nft_mode_reset();
		if ((r = contiv_dp_apply_policy(dp, pol)) < 0)
			die("apply", r);
		printf("applied %s\n", nft_mode());
		fflush(stdout);
		contiv_policy_unref(pol);
	}
	contiv_dp_unref(dp);
	return 0;
}

int main(int argc, char **argv)
{
	struct contiv_dp *dp;
	struct contiv_policy *pol;
	char *text = NULL;
	int r;

	if (argc < 2)
		return 2;
	if (contiv_ctx_new(NULL, &ctx) < 0)
		return 1;
	if (!strcmp(argv[1], "random"))
		return random_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "session"))
		return session();
	if (!strcmp(argv[1], "counters")) {
		dp = dp_open();
		r = contiv_dp_read_counters(dp, print_counter, NULL);
		if (r < 0)
			die("counters", r);
		contiv_dp_unref(dp);
		contiv_ctx_unref(ctx);
		return 0;
	}
	pol = tutorial(argc - 2, argv + 2);
	if (!strcmp(argv[1], "text") || !strcmp(argv[1], "json")) {
		r = argv[1][0] == 't' ? contiv_policy_to_nft(pol, &text) : contiv_policy_to_json(pol, &text);
		if (r < 0)
			die("render", r);
		fputs(text, stdout);
		contiv_free(text);
	} else {
		dp = dp_open();
		if ((r = contiv_dp_apply_policy(dp, pol)) < 0)
			die("apply", r);
		contiv_dp_unref(dp);
	}
	contiv_policy_unref(pol);
	contiv_ctx_unref(ctx);
	return 0;
}
