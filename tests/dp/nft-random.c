/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nft-helper random SEED STEPS [full]: a random sequence of configuration
 * changes (rules added/removed or their action flipped, groups added and
 * removed, endpoints added, removed or moved between groups, DSCP of a
 * group changed, port mappings added/removed, rarely a second network or a
 * rule matching addresses: changes of the table's structure) applied step
 * by step with one dp handle (incremental updates after the first); each
 * step prints "step N: full|incremental|unchanged". With "full", only the
 * final configuration is applied, by a fresh handle (one full replace):
 * the test compares both tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft-helper.h"

#define NG 6		/* groups g0..g5; g0 and g1 always there (rules' peers) */
#define NR 40		/* rules */
#define NE 18		/* endpoints */
#define ND 6		/* port mappings */

struct state {
	bool group[NG];
	int dscp[NG];		/* 0 none, 1 gold (6), 2 silver (10) */
	bool rule[NR], flip[NR];
	bool ep[NE];
	int epgroup[NE];
	bool dnat[ND];
	bool net2;
};

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void mutate(struct state *s)
{
	uint32_t what = rnd(100), i;

	if (what < 40) {
		i = rnd(NR);
		s->rule[i] = !s->rule[i];
	} else if (what < 50) {
		i = rnd(NR);
		s->flip[i] = !s->flip[i];
	} else if (what < 60) {
		i = 2 + rnd(NG - 2);
		s->group[i] = !s->group[i];
	} else if (what < 70) {
		i = rnd(NE);
		s->ep[i] = !s->ep[i];
	} else if (what < 78) {
		s->epgroup[rnd(NE)] = (int)rnd(NG);
	} else if (what < 88) {
		s->dscp[2 + rnd(NG - 2)] = (int)rnd(3);
	} else if (what < 96) {
		i = 2 + rnd(ND - 2);
		s->dnat[i] = !s->dnat[i];
	} else if (what < 98) {
		s->net2 = !s->net2;
	}	/* else: nothing changes */
}

static struct contiv_policy *build(const struct state *s)
{
	static const char *const protos[] = { "tcp", "udp", "icmp", "" };
	struct contiv_policy *p = policy_with_net("10.1.0.0/16", "10.1.255.254");
	char a[32], b[32], c[32];
	int r;

	if (s->net2) {
		ADD(p, CONTIV_OBJECT_NETWORK, "tenantName", "T", "networkName", "net2", "subnet",
		    "10.2.0.0/16", "gateway", "10.2.255.254");
		if ((r = contiv_policy_set_network_tag(p, "T:net2", CONTIV_DP_VXLAN, 200)) < 0)
			die("tag", r);
	}
	ADD(p, CONTIV_OBJECT_NETPROFILE, "tenantName", "T", "profileName", "gold", "DSCP", "6");
	ADD(p, CONTIV_OBJECT_NETPROFILE, "tenantName", "T", "profileName", "silver", "DSCP", "10");
	for (int g = 0; g < NG; g++) {
		snprintf(a, sizeof(a), "p%d", g);
		ADD(p, CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", a);
		if (!s->group[g])
			continue;
		snprintf(b, sizeof(b), "g%d", g);
		ADD(p, CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", b, "networkName", "net",
		    "policies", a, "netProfile", s->dscp[g] == 1 ? "gold" : s->dscp[g] == 2 ? "silver" : "");
	}
	for (int i = 0; i < NE; i++) {
		if (!s->ep[i] || !s->group[s->epgroup[i]])
			continue;
		snprintf(a, sizeof(a), "ep%d", i);
		snprintf(b, sizeof(b), "g%d", s->epgroup[i]);
		snprintf(c, sizeof(c), "10.1.0.%d", i + 1);
		ADD(p, CONTIV_OBJECT_ENDPOINT, "endpointID", a, "tenantName", "T", "networkName", "net",
		    "groupName", b, "ipAddress", c);
	}
	for (int i = 0; i < NR; i++) {
		char id[16], pol[16], port[16], peer[16];
		const char *proto = protos[i % 4];
		bool in = i % 3 != 0, deny = (i % 4 == 0) != s->flip[i];

		if (!s->rule[i])
			continue;
		snprintf(id, sizeof(id), "%d", i);
		snprintf(pol, sizeof(pol), "p%d", i % NG);
		snprintf(port, sizeof(port), "%d", i % 5 ? 1000 + i : 0);
		snprintf(peer, sizeof(peer), i % 7 == 3 ? "" : "g%d", i % 2);
		ADD(p, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", pol, "ruleId", id,
		    "direction", in ? "in" : "out", "priority", i % 5 == 1 ? "9" : "3", "protocol",
		    proto, "port", *proto == 't' || *proto == 'u' ? port : "0",
		    in ? "fromEndpointGroup" : "toEndpointGroup", peer,
		    in ? "fromIpAddress" : "toIpAddress", i % 13 == 5 ? "10.9.0.0/16" : "",
		    "action", deny ? "deny" : "allow");
	}
	for (int i = 0; i < ND; i++) {
		snprintf(c, sizeof(c), "10.1.0.%d", i + 1);
		if (s->dnat[i] && (r = contiv_policy_add_port_mapping(p, i % 3 ? "tcp" : "udp",
								     8000 + (uint32_t)i, c, 80)) < 0)
			die("port mapping", r);
	}
	if ((r = contiv_policy_compile(p)) < 0)
		die("compile", r);
	return p;
}

int random_main(int argc, char **argv)
{
	struct state s = { 0 };
	struct contiv_dp *dp = NULL;
	struct contiv_policy *p;
	bool full = argc > 2 && !strcmp(argv[2], "full");
	int steps, counts[3] = { 0, 0, 0 }, r;

	if (argc < 2)
		return 2;
	rng = strtoull(argv[0], NULL, 10) * 2654435761u + 88172645463325252ull;
	steps = atoi(argv[1]);
	s.group[0] = s.group[1] = true;
	for (int i = 0; i < NE; i++) {
		s.epgroup[i] = i % NG;
		s.ep[i] = i % 2 == 0;
	}
	for (int i = 0; i < NR; i += 2)
		s.rule[i] = true;
	/* g0 (gold) and g1 (silver) keep both DSCP values in use, mappings 0
	 * (udp) and 1 (tcp) both DNAT maps: most steps keep the structure */
	s.dnat[0] = s.dnat[1] = true;
	s.dscp[0] = 1;
	s.dscp[1] = 2;
	if ((r = contiv_dp_new(ctx, NULL, &dp)) < 0)
		die("dp", r);
	nft_mode_capture();
	for (int step = 0; step < steps; step++) {
		if (step)
			for (uint32_t k = 1 + rnd(3); k; k--)
				mutate(&s);
		if (full && step < steps - 1)
			continue;
		p = build(&s);
		nft_mode_reset();
		if ((r = contiv_dp_apply_policy(dp, p)) < 0)
			die("apply", r);
		printf("step %d: %s\n", step, nft_mode());
		counts[nft_mode()[0] == 'f' ? 0 : nft_mode()[0] == 'i' ? 1 : 2]++;
		contiv_policy_unref(p);
	}
	printf("full %d incremental %d unchanged %d\n", counts[0], counts[1], counts[2]);
	contiv_dp_unref(dp);
	contiv_ctx_unref(ctx);
	return 0;
}
