/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policy: the compiler (pure): cells, verdicts, references, rendering. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

#include "check-suites.h"
#include "../libcontiv/policy/policy-private.h"

static struct contiv_ctx *ctx;
static struct contiv_policy *pol;

static void setup(void)
{
	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_int_eq(contiv_policy_new(ctx, &pol), 0);
}

static void teardown(void)
{
	pol = contiv_policy_unref(pol);
	ctx = contiv_ctx_unref(ctx);
}

static void add(uint32_t kind, const char *const *kv)
{
	struct contiv_object *o = NULL;

	ck_assert_int_eq(contiv_object_new(ctx, kind, &o), 0);
	for (; kv[0]; kv += 2) {
		int a = contiv_object_attr_from_name(kind, kv[0]);

		ck_assert_int_ge(a, 0);
		ck_assert_msg(contiv_object_set_from_string(o, (uint32_t)a, kv[1]) == 0, "%s=%s: %s",
			      kv[0], kv[1], contiv_ctx_get_error(ctx));
	}
	ck_assert_msg(contiv_policy_add_object(pol, o) == 0, "%s", contiv_ctx_get_error(ctx));
	contiv_object_unref(o);
}

#define ADD(kind, ...) add(kind, (const char *const[]){ __VA_ARGS__, NULL })

static void net(const char *name, const char *subnet, uint32_t vni)
{
	char key[80];

	ADD(CONTIV_OBJECT_NETWORK, "tenantName", "T", "networkName", name, "subnet", subnet);
	snprintf(key, sizeof(key), "T:%s", name);
	ck_assert_int_eq(contiv_policy_set_network_tag(pol, key, CONTIV_DP_VXLAN, vni), 0);
}

static void rule(const char *policy, const char *id, const char *dir, const char *prio,
		 const char *proto, const char *port, const char *peer_attr, const char *peer,
		 const char *action)
{
	struct contiv_object *o = NULL;

	ck_assert_int_eq(contiv_object_new(ctx, CONTIV_OBJECT_RULE, &o), 0);
	ck_assert_int_eq(contiv_object_set_str(o, CONTIV_RULE_TENANT, "T"), 0);
	ck_assert_int_eq(contiv_object_set_str(o, CONTIV_RULE_POLICY, policy), 0);
	ck_assert_int_eq(contiv_object_set_str(o, CONTIV_RULE_ID, id), 0);
	ck_assert_int_eq(contiv_object_set_str(o, CONTIV_RULE_DIRECTION, dir), 0);
	ck_assert_int_eq(contiv_object_set_from_string(o, CONTIV_RULE_PRIORITY, prio), 0);
	if (proto)
		ck_assert_int_eq(contiv_object_set_str(o, CONTIV_RULE_PROTOCOL, proto), 0);
	if (port)
		ck_assert_int_eq(contiv_object_set_from_string(o, CONTIV_RULE_PORT, port), 0);
	if (peer_attr) {
		int a = contiv_object_attr_from_name(CONTIV_OBJECT_RULE, peer_attr);

		ck_assert_int_eq(contiv_object_set_str(o, (uint32_t)a, peer), 0);
	}
	ck_assert_int_eq(contiv_object_set_str(o, CONTIV_RULE_ACTION, action), 0);
	ck_assert_msg(contiv_policy_add_object(pol, o) == 0, "%s", contiv_ctx_get_error(ctx));
	contiv_object_unref(o);
}

/* The tutorial: network net (10.1.2.0/24, VNI 100), epgA, epgB, A and B. */
static void tutorial_base(const char *b_policies)
{
	ADD(CONTIV_OBJECT_NETWORK, "tenantName", "T", "networkName", "net", "subnet",
	    "10.1.2.0/24", "gateway", "10.1.2.254");
	ck_assert_int_eq(contiv_policy_set_network_tag(pol, "T:net", CONTIV_DP_VXLAN, 100), 0);
	ADD(CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", "policyAB");
	ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName", "net");
	ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgB", "networkName", "net",
	    "policies", b_policies);
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "a", "tenantName", "T", "networkName", "net",
	    "groupName", "epgA", "ipAddress", "10.1.2.1");
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "b", "tenantName", "T", "networkName", "net",
	    "groupName", "epgB", "ipAddress", "10.1.2.2");
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "c", "tenantName", "T", "networkName", "net",
	    "ipAddress", "10.1.2.3");
}

/*
 * The verdict of one packet as the datapath computes it from the cells:
 * 1 allow by a rule, -1 deny, 0 no rule (allow). Also checks that at most
 * one cell of each table matches (no overlap at this point).
 */
static int judge(uint32_t sgid, uint32_t dgid, uint32_t proto, uint32_t port, uint32_t saddr,
		 uint32_t daddr, const char **rule_key)
{
	uint32_t v[CPOL_NDIMS] = { sgid, dgid, proto, port, saddr, daddr };
	int result = 0;

	for (int dir = 0; dir < 2; dir++) {
		const struct cpol_table *t = &pol->tables[dir];
		int hits = 0;

		for (size_t i = 0; i < t->n; i++) {
			bool in = true;

			for (int d = 0; d < (t->addrs ? CPOL_NDIMS : CPOL_SADDR); d++)
				in &= v[d] >= t->cells[i].lo[d] && v[d] <= t->cells[i].hi[d];
			if (!in)
				continue;
			hits++;
			const struct cpol_rule *r = &pol->rules[t->cells[i].rule];
			if (r->deny) {
				if (result != -1 && rule_key)
					*rule_key = r->rule_key;
				result = -1;
			} else if (result == 0) {
				result = 1;
				if (rule_key)
					*rule_key = r->rule_key;
			}
		}
		ck_assert_int_le(hits, 1);
	}
	return result;
}

static uint32_t gid(const char *key)
{
	for (size_t i = 0; i < pol->ngroups; i++)
		if (!strcmp(pol->groups[i].key, key))
			return pol->groups[i].id;
	ck_abort_msg("no group %s", key);
	return 0;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* Checks programmatically that no two cells of a table overlap. */
static void assert_disjoint(void)
{
	for (int dir = 0; dir < 2; dir++) {
		const struct cpol_table *t = &pol->tables[dir];
		int nd = t->addrs ? CPOL_NDIMS : CPOL_SADDR;

		for (size_t i = 0; i < t->n; i++) {
			for (int d = 0; d < nd; d++)
				ck_assert_uint_le(t->cells[i].lo[d], t->cells[i].hi[d]);
			for (size_t j = i + 1; j < t->n; j++) {
				bool overlap = true;

				for (int d = 0; d < nd && overlap; d++)
					overlap = t->cells[i].lo[d] <= t->cells[j].hi[d] &&
						  t->cells[j].lo[d] <= t->cells[i].hi[d];
				ck_assert_msg(!overlap, "cells %zu and %zu of table %d overlap", i, j, dir);
			}
		}
	}
}

START_TEST(test_tutorial_icmp)
{
	const char *k = NULL;
	uint32_t a, b;

	tutorial_base("policyAB");
	rule("policyAB", "1", "in", "1", "icmp", NULL, "fromEndpointGroup", "epgA", "deny");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	a = gid("T:epgA");
	b = gid("T:epgB");
	ck_assert_int_eq(judge(a, b, 1, 0, IP(10, 1, 2, 1), IP(10, 1, 2, 2), &k), -1);
	ck_assert_str_eq(k, "T:policyAB:1");
	ck_assert_int_eq(judge(b, a, 1, 0, IP(10, 1, 2, 2), IP(10, 1, 2, 1), NULL), 0);
	ck_assert_int_eq(judge(a, b, 6, 80, 0, 0, NULL), 0);
	ck_assert_int_eq(judge(0, b, 1, 0, 0, 0, NULL), 0);
	ck_assert_uint_eq(pol->tables[CPOL_IN].n, 1);
	ck_assert_uint_eq(pol->tables[CPOL_OUT].n, 0);
	assert_disjoint();
}
END_TEST

START_TEST(test_tutorial_ports)
{
	const char *k = NULL;
	uint32_t a, b;

	tutorial_base("policyAB");
	rule("policyAB", "1", "in", "1", "tcp", NULL, NULL, NULL, "deny");
	rule("policyAB", "2", "in", "3", "tcp", "8001", "fromEndpointGroup", "epgA", "allow");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	a = gid("T:epgA");
	b = gid("T:epgB");
	ck_assert_int_eq(judge(a, b, 6, 8001, 0, 0, &k), 1);
	ck_assert_str_eq(k, "T:policyAB:2");
	ck_assert_int_eq(judge(a, b, 6, 8000, 0, 0, &k), -1);
	ck_assert_str_eq(k, "T:policyAB:1");
	ck_assert_int_eq(judge(0, b, 6, 8001, 0, 0, NULL), -1);	/* not from epgA */
	ck_assert_int_eq(judge(a, b, 17, 8001, 0, 0, NULL), 0);	/* udp allowed */
	ck_assert_int_eq(judge(a, b, 1, 0, 0, 0, NULL), 0);
	ck_assert_int_eq(judge(b, a, 6, 8000, 0, 0, NULL), 0);	/* A has no policy */
	assert_disjoint();
}
END_TEST

START_TEST(test_out_rules)
{
	uint32_t a, b;

	tutorial_base("policyAB");
	rule("policyAB", "1", "out", "5", "tcp", "80", "toEndpointGroup", "epgA", "deny");
	rule("policyAB", "2", "out", "1", "udp", NULL, NULL, NULL, "deny");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	a = gid("T:epgA");
	b = gid("T:epgB");
	ck_assert_int_eq(judge(b, a, 6, 80, 0, 0, NULL), -1);
	ck_assert_int_eq(judge(b, a, 6, 81, 0, 0, NULL), 0);
	ck_assert_int_eq(judge(b, 0, 17, 53, 0, 0, NULL), -1);
	ck_assert_int_eq(judge(a, b, 17, 53, 0, 0, NULL), 0);
	ck_assert_uint_eq(pol->tables[CPOL_IN].n, 0);
	assert_disjoint();
}
END_TEST

START_TEST(test_in_and_out_both_judge)
{
	uint32_t a, b;

	tutorial_base("policyAB");
	ADD(CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", "pa");
	/* re-add epgA with a policy is not possible: use a second tutorial */
	teardown();
	setup();
	net("net", "10.1.2.0/24", 100);
	ADD(CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", "pa");
	ADD(CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", "pb");
	ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName", "net",
	    "policies", "pa");
	ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgB", "networkName", "net",
	    "policies", "pb");
	rule("pa", "1", "out", "100", "tcp", NULL, NULL, NULL, "allow");
	rule("pb", "1", "in", "1", "tcp", "22", NULL, NULL, "deny");
	ck_assert_int_ge(contiv_policy_compile(pol), 2);
	a = gid("T:epgA");
	b = gid("T:epgB");
	/* out allow (prio 100) in A does not override B's in deny (prio 1) */
	ck_assert_int_eq(judge(a, b, 6, 22, 0, 0, NULL), -1);
	ck_assert_int_eq(judge(a, b, 6, 23, 0, 0, NULL), 1);
	assert_disjoint();
}
END_TEST

START_TEST(test_from_ip_and_network)
{
	uint32_t b;

	tutorial_base("policyAB");
	net("other", "10.9.0.0/16", 200);
	rule("policyAB", "1", "in", "1", NULL, NULL, NULL, NULL, "deny");
	rule("policyAB", "2", "in", "10", NULL, NULL, "fromIpAddress", "10.1.2.0/28", "allow");
	rule("policyAB", "3", "in", "10", "icmp", NULL, "fromNetwork", "other", "allow");
	rule("policyAB", "4", "in", "20", "icmp", NULL, "fromIpAddress", "10.9.1.1", "deny");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	b = gid("T:epgB");
	ck_assert(pol->tables[CPOL_IN].addrs);
	ck_assert_int_eq(judge(0, b, 6, 1, IP(10, 1, 2, 15), IP(10, 1, 2, 2), NULL), 1);
	ck_assert_int_eq(judge(0, b, 6, 1, IP(10, 1, 2, 16), IP(10, 1, 2, 2), NULL), -1);
	ck_assert_int_eq(judge(0, b, 1, 0, IP(10, 9, 3, 3), IP(10, 1, 2, 2), NULL), 1);
	ck_assert_int_eq(judge(0, b, 6, 0, IP(10, 9, 3, 3), IP(10, 1, 2, 2), NULL), -1);
	ck_assert_int_eq(judge(0, b, 1, 0, IP(10, 9, 1, 1), IP(10, 1, 2, 2), NULL), -1);
	ck_assert_int_eq(judge(0, b, 1, 0, IP(10, 9, 1, 2), IP(10, 1, 2, 2), NULL), 1);
	assert_disjoint();
}
END_TEST

START_TEST(test_ties_deny_wins)
{
	const char *k = NULL;

	tutorial_base("policyAB");
	rule("policyAB", "1", "in", "5", "tcp", NULL, NULL, NULL, "allow");
	rule("policyAB", "2", "in", "5", "tcp", NULL, NULL, NULL, "deny");
	rule("policyAB", "3", "in", "5", "tcp", NULL, NULL, NULL, "allow");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	ck_assert_int_eq(judge(0, gid("T:epgB"), 6, 1, 0, 0, &k), -1);
	ck_assert_str_eq(k, "T:policyAB:2");
	assert_disjoint();
}
END_TEST

START_TEST(test_empty)
{
	char *text = NULL;

	tutorial_base("");
	ck_assert_int_eq(contiv_policy_compile(pol), 0);
	ck_assert_int_eq(contiv_policy_to_nft(pol, &text), 0);
	ck_assert_ptr_nonnull(strstr(text, "table inet contiv"));
	ck_assert_ptr_null(strstr(text, "_cells"));
	contiv_free(text);
}
END_TEST

START_TEST(test_dangling)
{
	/* rule's from group */
	tutorial_base("policyAB");
	rule("policyAB", "1", "in", "1", "tcp", NULL, "fromEndpointGroup", "nope", "deny");
	ck_assert_int_eq(contiv_policy_compile(pol), -EINVAL);
	ck_assert_ctx_error(ctx, "group \"nope\", not added");
	teardown();
	setup();
	/* group's policy */
	tutorial_base("missing");
	ck_assert_int_eq(contiv_policy_compile(pol), -EINVAL);
	ck_assert_ctx_error(ctx, "policy \"missing\", not added");
	teardown();
	setup();
	/* endpoint's network */
	tutorial_base("");
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "x", "tenantName", "T", "networkName", "gone",
	    "ipAddress", "10.1.2.9");
	ck_assert_int_eq(contiv_policy_compile(pol), -EINVAL);
	ck_assert_ctx_error(ctx, "network \"gone\", not added");
	teardown();
	setup();
	/* rule of an unknown policy */
	tutorial_base("");
	rule("ghost", "1", "in", "1", "tcp", NULL, NULL, NULL, "deny");
	ck_assert_int_eq(contiv_policy_compile(pol), -EINVAL);
	ck_assert_ctx_error(ctx, "policy \"ghost\", not added");
}
END_TEST

START_TEST(test_args)
{
	char *s = NULL;

	ck_assert_int_eq(contiv_policy_to_json(pol, &s), -EINVAL);
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "sctp", 80, "10.1.2.2", 80), -EINVAL);
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "tcp", 0, "10.1.2.2", 80), -EINVAL);
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "tcp", 80, "x", 80), -EINVAL);
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "tcp", 8080, "10.1.2.2", 80), 0);
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "tcp", 8080, "10.1.2.3", 80), -EEXIST);
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "udp", 8080, "10.1.2.3", 80), 0);
	ck_assert_int_eq(contiv_policy_set_network_tag(pol, "nokey", CONTIV_DP_VXLAN, 1), -EINVAL);
	ck_assert_int_eq(contiv_policy_set_network_tag(pol, "T:n", CONTIV_DP_VLAN, 4095), -EINVAL);
	ck_assert_ptr_eq(contiv_policy_ref(NULL), NULL);
	ck_assert_ptr_eq(contiv_policy_unref(NULL), NULL);
}
END_TEST

START_TEST(test_render)
{
	char *json = NULL, *text = NULL, want[64];

	tutorial_base("policyAB");
	ADD(CONTIV_OBJECT_NETPROFILE, "tenantName", "T", "profileName", "gold", "DSCP", "6");
	rule("policyAB", "1", "in", "1", "icmp", NULL, "fromEndpointGroup", "epgA", "deny");
	ck_assert_int_eq(contiv_policy_add_port_mapping(pol, "tcp", 8080, "10.1.2.2", 80), 0);
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	ck_assert_int_eq(contiv_policy_to_json(pol, &json), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"inCells\":[{\"srcGroup\":[1,1],\"dstGroup\":[2,2],\"protocol\":[1,1]"));
	ck_assert_ptr_nonnull(strstr(json, "\"verdict\":\"deny\""));
	ck_assert_ptr_nonnull(strstr(json, "\"snat\":[\"10.1.2.0-10.1.2.255\"]"));
	ck_assert_ptr_nonnull(strstr(json, "\"hostPort\":8080"));
	ck_assert_int_eq(contiv_policy_to_nft(pol, &text), 0);
	ck_assert_ptr_nonnull(strstr(text, "\"cvbx100\" . 10.1.2.1 : 1,"));
	ck_assert_uint_eq(strlen(pol->rules[0].chain), 17);
	ck_assert_int_eq(pol->rules[0].chain[0], 'r');
	snprintf(want, sizeof(want), "1 . 2 . 1 . 0-65535 : goto %s", pol->rules[0].chain);
	ck_assert_ptr_nonnull(strstr(text, want));
	ck_assert_ptr_nonnull(strstr(text, "counter drop comment \"T:epgB T:policyAB:1\""));
	ck_assert_ptr_nonnull(strstr(text, "8080 : 10.1.2.2 . 80"));
	ck_assert_ptr_nonnull(strstr(text, "masquerade"));
	contiv_free(json);
	contiv_free(text);
}
END_TEST

START_TEST(test_dscp)
{
	tutorial_base("");
	teardown();
	setup();
	net("net", "10.1.2.0/24", 100);
	ADD(CONTIV_OBJECT_NETPROFILE, "tenantName", "T", "profileName", "gold", "DSCP", "6");
	ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", "epgA", "networkName", "net",
	    "netProfile", "gold");
	ADD(CONTIV_OBJECT_ENDPOINT, "endpointID", "a", "tenantName", "T", "networkName", "net",
	    "groupName", "epgA", "ipAddress", "10.1.2.1");
	ck_assert_int_eq(contiv_policy_compile(pol), 0);
	ck_assert_uint_eq(pol->ndscps, 1);
	ck_assert_uint_eq(pol->members[0].dscp, 6);
}
END_TEST

/* Network net (10.1.0.0/16) with n groups g<i>, each with its own (empty) policy p<i>. */
static void groups_with_policies(int n)
{
	char grp[16], pname[16];

	net("net", "10.1.0.0/16", 100);
	for (int g = 0; g < n; g++) {
		snprintf(grp, sizeof(grp), "g%d", g);
		snprintf(pname, sizeof(pname), "p%d", g);
		ADD(CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", pname);
		ADD(CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", grp, "networkName", "net",
		    "policies", pname);
	}
}

START_TEST(test_many_rules)
{
	char id[16], port[16], pname[16], peer[16];
	int n;

	groups_with_policies(100);
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "%d", i);
		snprintf(port, sizeof(port), "%d", 1000 + i % 5000);
		snprintf(pname, sizeof(pname), "p%d", i % 100);
		snprintf(peer, sizeof(peer), "g%d", (i / 100) % 100);
		rule(pname, id, i % 3 ? "in" : "out", i % 7 ? "5" : "9", i % 2 ? "tcp" : "udp", port,
		     i % 3 ? "fromEndpointGroup" : "toEndpointGroup", peer, i % 4 ? "allow" : "deny");
	}
	n = contiv_policy_compile(pol);
	ck_assert_msg(n > 0, "%s", contiv_ctx_get_error(ctx));
	ck_assert_uint_eq(pol->nrules, 10000);
	/* spot-check disjointness: first 2000 cells of each table */
	for (int dir = 0; dir < 2; dir++) {
		const struct cpol_table *t = &pol->tables[dir];
		size_t m = t->n < 2000 ? t->n : 2000;
		int own = dir == CPOL_IN ? CPOL_DGID : CPOL_SGID, pd = dir == CPOL_IN ? CPOL_SGID : CPOL_DGID;

		/* cells come sorted by their low corner, the owner's group first
		 * (dp/nft-inc.c merges on that order) */
		for (size_t i = 1; i < t->n; i++) {
			const uint32_t *a = t->cells[i - 1].lo, *b = t->cells[i].lo;

			ck_assert(a[own] < b[own] || (a[own] == b[own] && (a[pd] < b[pd] ||
				  (a[pd] == b[pd] && (a[CPOL_PROTO] < b[CPOL_PROTO] ||
				   (a[CPOL_PROTO] == b[CPOL_PROTO] && a[CPOL_PORT] < b[CPOL_PORT]))))));
		}

		for (size_t i = 0; i < m; i++)
			for (size_t j = i + 1; j < m; j++) {
				bool overlap = true;

				for (int d = 0; d < CPOL_SADDR && overlap; d++)
					overlap = t->cells[i].lo[d] <= t->cells[j].hi[d] &&
						  t->cells[j].lo[d] <= t->cells[i].hi[d];
				ck_assert(!overlap);
			}
	}
}
END_TEST

/* The verdict straight from the rules (no cells): the reference of judge(). */
static int judge_rules(const uint32_t *v)
{
	int result = 0;

	for (int dir = 0; dir < 2; dir++) {
		const struct cpol_rule *best = NULL;

		for (size_t i = 0; i < pol->nrules; i++) {
			const struct cpol_rule *r = &pol->rules[i];
			bool in = r->dir == dir;

			for (int d = 0; d < CPOL_NDIMS && in; d++)
				in = v[d] >= r->lo[d] && v[d] <= r->hi[d];
			if (in && (!best || r->priority > best->priority ||
				   (r->priority == best->priority && r->deny && !best->deny)))
				best = r;
		}
		if (best && best->deny)
			result = -1;
		else if (best && result == 0)
			result = 1;
	}
	return result;
}

/*
 * Random policies (broad rules over narrow ones, ties, addresses, groups)
 * judged through the cells and straight from the rules on a grid of
 * packets around every boundary: the cells (pruned, merged, group
 * dimensions shortened) decide as the rules do, and never overlap.
 */
static void random_vs_rules(unsigned seed, bool *addr_first)
{
	bool few_ports = seed % 2;	/* odd seeds: only address rules have ports */
	static const char *const protos[] = { NULL, "tcp", "udp" };
	static const char *const ports[] = { NULL, "80", "81", "443" };
	static const char *const addrs[] = { "10.1.0.1", "10.1.0.2", "10.1.0.0/30", "10.1.0.4/31" };
	static const uint32_t pv[] = { 0, 1, 6, 17, 255 };
	static const uint32_t portv[] = { 0, 79, 80, 81, 82, 443, 65535 };
	static const uint32_t av[] = { 0, IP(10, 1, 0, 0), IP(10, 1, 0, 1), IP(10, 1, 0, 2),
				       IP(10, 1, 0, 4), IP(10, 1, 0, 6), UINT32_MAX };
	char id[16], pname[8], peer[8];

	groups_with_policies(5);
	for (int i = 0; i < 60; i++) {
		int kind = rand_r(&seed) % 4;
		bool in = rand_r(&seed) % 3;
		const char *attr = NULL, *val = NULL;
		char prio[4];

		snprintf(id, sizeof(id), "%d", i);
		snprintf(pname, sizeof(pname), "p%d", rand_r(&seed) % 3);
		snprintf(peer, sizeof(peer), "g%d", rand_r(&seed) % 5);
		snprintf(prio, sizeof(prio), "%d", 1 + rand_r(&seed) % 3);
		if (kind == 1) {
			attr = in ? "fromEndpointGroup" : "toEndpointGroup";
			val = peer;
		} else if (kind == 2) {
			attr = in ? "fromIpAddress" : "toIpAddress";
			val = addrs[rand_r(&seed) % 4];
		}
		const char *proto = protos[rand_r(&seed) % 3];
		rule(pname, id, in ? "in" : "out", prio, proto,
		     proto && !(few_ports && kind != 2) ? ports[rand_r(&seed) % 4] : NULL, attr, val,
		     rand_r(&seed) % 3 ? "allow" : "deny");
	}
	ck_assert_msg(contiv_policy_compile(pol) > 0, "%s", contiv_ctx_get_error(ctx));
	for (uint32_t sg = 0; sg <= pol->ngroups; sg++)
		for (uint32_t dg = 0; dg <= pol->ngroups; dg++)
			for (size_t a = 0; a < 5; a++)
				for (size_t b = 0; b < 7; b++)
					for (size_t c = 0; c < 7; c++)
						for (size_t d = 0; d < 7; d += 2) {
							uint32_t v[CPOL_NDIMS] = { sg, dg, pv[a], portv[b],
										   av[c], av[d] };

							ck_assert_int_eq(judge(v[0], v[1], v[2], v[3], v[4],
									       v[5], NULL),
									 judge_rules(v));
						}
	assert_disjoint();
	addr_first[pol->tables[CPOL_IN].order[2] == CPOL_SADDR] = true;
}

START_TEST(test_random_vs_rules)
{
	bool addr_first[2] = { false, false };

	for (unsigned seed = 1; seed <= 6; seed++) {
		random_vs_rules(seed, addr_first);
		teardown();
		setup();
	}
	/* both orders of the dimensions (cells.c) were checked */
	ck_assert(addr_first[0] && addr_first[1]);
}
END_TEST

static const char *chain_of(const char *rule_key)
{
	for (size_t i = 0; i < pol->nrules; i++)
		if (!strcmp(pol->rules[i].rule_key, rule_key))
			return pol->rules[i].chain;
	return NULL;
}

/* A rule's chain name does not move when other rules come and go (dp/nft-inc.c). */
START_TEST(test_chain_names)
{
	char two[CPOL_CHAIN_LEN], one[CPOL_CHAIN_LEN];

	tutorial_base("policyAB");
	rule("policyAB", "1", "in", "1", "icmp", NULL, "fromEndpointGroup", "epgA", "deny");
	rule("policyAB", "2", "in", "1", "tcp", NULL, NULL, NULL, "deny");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	ck_assert_ptr_nonnull(chain_of("T:policyAB:2"));
	snprintf(two, sizeof(two), "%s", chain_of("T:policyAB:2"));
	snprintf(one, sizeof(one), "%s", chain_of("T:policyAB:1"));
	ck_assert_str_ne(one, two);
	ck_assert_uint_eq(strspn(two + 1, "0123456789abcdef"), CPOL_CHAIN_LEN - 2);
	teardown();
	setup();
	tutorial_base("policyAB");
	rule("policyAB", "0", "in", "1", "udp", NULL, NULL, NULL, "deny");
	rule("policyAB", "2", "in", "1", "tcp", NULL, NULL, NULL, "deny");
	ck_assert_int_ge(contiv_policy_compile(pol), 1);
	ck_assert_str_eq(chain_of("T:policyAB:2"), two);
	ck_assert_str_ne(chain_of("T:policyAB:0"), two);
}
END_TEST

Suite *make_policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("compile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tutorial_icmp);
	tcase_add_test(tc, test_tutorial_ports);
	tcase_add_test(tc, test_out_rules);
	tcase_add_test(tc, test_in_and_out_both_judge);
	tcase_add_test(tc, test_from_ip_and_network);
	tcase_add_test(tc, test_ties_deny_wins);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_dangling);
	tcase_add_test(tc, test_args);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_dscp);
	tcase_add_test(tc, test_many_rules);
	tcase_add_test(tc, test_chain_names);
	tcase_add_test(tc, test_random_vs_rules);
	suite_add_tcase(s, tc);
	return s;
}
