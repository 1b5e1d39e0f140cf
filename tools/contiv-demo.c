/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv-demo — walks through the objects of Contiv's tutorial with the
 * public libcontiv API only: builds and validates them, shows their JSON,
 * allocates addresses, MACs and tags for a few containers, and shows how bad
 * input is refused. It touches no network and no files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

struct attr_value {
	uint32_t attr;
	const char *text;
};

static int fail(struct contiv_ctx *ctx, const char *what, int err)
{
	char buf[128];

	contiv_strerror(err, buf, sizeof(buf));
	fprintf(stderr, "contiv-demo: %s: %s (%s)\n", what, contiv_ctx_get_error(ctx), buf);
	return EXIT_FAILURE;
}

/* Builds, validates and prints one object; returns it or NULL. */
static struct contiv_object *make(struct contiv_ctx *ctx, uint32_t kind,
				  const struct attr_value *values, size_t n)
{
	struct contiv_object *obj = NULL;
	char *json = NULL;
	int r;

	r = contiv_object_new(ctx, kind, &obj);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = contiv_object_set_from_string(obj, values[i].attr, values[i].text);
	if (r == 0)
		r = contiv_object_validate(obj);
	if (r == 0)
		r = contiv_object_to_json(obj, 0, &json);
	if (r < 0) {
		fail(ctx, contiv_object_kind_name(kind), r);
		contiv_object_unref(obj);
		return NULL;
	}
	printf("  %-10s %-28s %s\n", contiv_object_kind_name(kind), contiv_object_get_key(obj), json);
	contiv_free(json);
	return obj;
}

static void show_refusal(struct contiv_ctx *ctx, uint32_t kind, uint32_t name_attr,
			 const char *name, uint32_t attr, const char *bad)
{
	struct contiv_object *obj = NULL;

	if (contiv_object_new(ctx, kind, &obj) < 0)
		return;
	contiv_object_set_str(obj, name_attr, name);
	if (contiv_object_set_from_string(obj, attr, bad) < 0)
		printf("  refused: %s\n", contiv_ctx_get_error(ctx));
	else
		printf("  UNEXPECTEDLY ACCEPTED %s\n", bad);
	contiv_object_unref(obj);
}

static int allocate(struct contiv_ctx *ctx, struct contiv_ipam_pool *pool, const char *container,
		    const char *group)
{
	char ip[CONTIV_IPAM_ADDR_MAX], mac[18];
	int r = contiv_ipam_pool_alloc(pool, NULL, ip, sizeof(ip));

	if (r < 0)
		return fail(ctx, "allocate", r);
	r = contiv_ipam_mac_from_ipv4(ip, mac, sizeof(mac));
	if (r < 0)
		return fail(ctx, "mac", r);
	printf("  %-10s group %-5s ip %-12s mac %s\n", container, group, ip, mac);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct attr_value tenant[] = { { CONTIV_TENANT_NAME, "TestTenant" } };
	static const struct attr_value network[] = {
		{ CONTIV_NETWORK_TENANT, "TestTenant" }, { CONTIV_NETWORK_NAME, "TestNet" },
		{ CONTIV_NETWORK_SUBNET, "20.1.1.0/24" }, { CONTIV_NETWORK_GATEWAY, "20.1.1.254" },
	};
	static const struct attr_value policy[] = {
		{ CONTIV_POLICY_TENANT, "TestTenant" }, { CONTIV_POLICY_NAME, "policyAB" },
	};
	static const struct attr_value rule1[] = {
		{ CONTIV_RULE_TENANT, "TestTenant" }, { CONTIV_RULE_POLICY, "policyAB" },
		{ CONTIV_RULE_ID, "1" }, { CONTIV_RULE_DIRECTION, "in" },
		{ CONTIV_RULE_PROTOCOL, "icmp" }, { CONTIV_RULE_FROM_GROUP, "epgA" },
		{ CONTIV_RULE_ACTION, "deny" },
	};
	static const struct attr_value rule3[] = {
		{ CONTIV_RULE_TENANT, "TestTenant" }, { CONTIV_RULE_POLICY, "policyAB" },
		{ CONTIV_RULE_ID, "3" }, { CONTIV_RULE_DIRECTION, "in" },
		{ CONTIV_RULE_PRIORITY, "3" }, { CONTIV_RULE_PROTOCOL, "tcp" },
		{ CONTIV_RULE_PORT, "8001" }, { CONTIV_RULE_FROM_GROUP, "epgA" },
		{ CONTIV_RULE_ACTION, "allow" },
	};
	static const struct attr_value profile[] = {
		{ CONTIV_NETPROFILE_TENANT, "TestTenant" }, { CONTIV_NETPROFILE_NAME, "testProfile" },
		{ CONTIV_NETPROFILE_BANDWIDTH, "500Kbps" }, { CONTIV_NETPROFILE_DSCP, "6" },
		{ CONTIV_NETPROFILE_BURST, "80" },
	};
	static const struct attr_value epga[] = {
		{ CONTIV_GROUP_TENANT, "TestTenant" }, { CONTIV_GROUP_NAME, "epgA" },
		{ CONTIV_GROUP_NETWORK, "TestNet" },
	};
	static const struct attr_value epgb[] = {
		{ CONTIV_GROUP_TENANT, "TestTenant" }, { CONTIV_GROUP_NAME, "epgB" },
		{ CONTIV_GROUP_NETWORK, "TestNet" }, { CONTIV_GROUP_POLICIES, "policyAB" },
		{ CONTIV_GROUP_NETPROFILE, "testProfile" },
	};
	static const struct attr_value global[] = { { CONTIV_GLOBAL_VXLANS, "1-10000" } };
	struct contiv_object *objs[9] = { NULL };
	struct contiv_ctx *ctx = NULL;
	struct contiv_ipam_pool *pool = NULL;
	struct contiv_idpool *vnis = NULL;
	uint32_t vni = 0;
	uint64_t bps = 0;
	char *text = NULL;
	int r, ret = EXIT_FAILURE;

	if (argc > 1) {
		fprintf(stderr, "usage: %s\n", argv[0]);
		return EXIT_FAILURE;
	}
	r = contiv_ctx_new(NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "contiv-demo: context: %s\n", strerror(-r));
		return EXIT_FAILURE;
	}
	printf("libcontiv %s\n\n", contiv_version());

	printf("Objects of the tutorial (validated, as JSON with Contiv's field names):\n");
	objs[0] = make(ctx, CONTIV_OBJECT_GLOBAL, global, 1);
	objs[1] = make(ctx, CONTIV_OBJECT_TENANT, tenant, 1);
	objs[2] = make(ctx, CONTIV_OBJECT_NETWORK, network, 4);
	objs[3] = make(ctx, CONTIV_OBJECT_POLICY, policy, 2);
	objs[4] = make(ctx, CONTIV_OBJECT_RULE, rule1, 7);
	objs[5] = make(ctx, CONTIV_OBJECT_RULE, rule3, 9);
	objs[6] = make(ctx, CONTIV_OBJECT_NETPROFILE, profile, 5);
	objs[7] = make(ctx, CONTIV_OBJECT_GROUP, epga, 3);
	objs[8] = make(ctx, CONTIV_OBJECT_GROUP, epgb, 5);
	for (size_t i = 0; i < 9; i++)
		if (!objs[i])
			goto out;
	r = contiv_bandwidth_parse(ctx, "500Kbps", &bps);
	if (r < 0) {
		fail(ctx, "bandwidth", r);
		goto out;
	}
	printf("  netprofile testProfile limits to %llu bit/s\n\n", (unsigned long long)bps);

	printf("Allocation (VNI from the global vxlan range, addresses from TestNet):\n");
	r = contiv_idpool_new(ctx, contiv_object_get_str(objs[0], CONTIV_GLOBAL_VXLANS), &vnis);
	if (r == 0)
		r = contiv_idpool_alloc(vnis, 0, &vni);
	if (r < 0) {
		fail(ctx, "vxlan", r);
		goto out;
	}
	printf("  TestNet    vni %u\n", vni);
	r = contiv_ipam_pool_new(ctx, contiv_object_get_str(objs[2], CONTIV_NETWORK_SUBNET),
				 contiv_object_get_str(objs[2], CONTIV_NETWORK_GATEWAY), &pool);
	if (r < 0) {
		fail(ctx, "pool", r);
		goto out;
	}
	if (allocate(ctx, pool, "c1", "epgA") || allocate(ctx, pool, "c2", "epgA") ||
	    allocate(ctx, pool, "c3", "epgB") || allocate(ctx, pool, "c4", "epgB"))
		goto out;
	r = contiv_ipam_pool_get_allocated(pool, &text);
	if (r < 0) {
		fail(ctx, "render", r);
		goto out;
	}
	printf("  allocated: %s\n", text);
	contiv_free(text);
	r = contiv_ipam_pool_get_available(pool, &text);
	if (r < 0) {
		fail(ctx, "render", r);
		goto out;
	}
	printf("  available: %s\n\n", text);
	contiv_free(text);

	printf("Bad input is refused with the field and the value named:\n");
	show_refusal(ctx, CONTIV_OBJECT_NETWORK, CONTIV_NETWORK_NAME, "contiv-net",
		     CONTIV_NETWORK_SUBNET, "10.1.2.0/33");
	show_refusal(ctx, CONTIV_OBJECT_NETPROFILE, CONTIV_NETPROFILE_NAME, "testProfile",
		     CONTIV_NETPROFILE_DSCP, "64");
	show_refusal(ctx, CONTIV_OBJECT_NETPROFILE, CONTIV_NETPROFILE_NAME, "testProfile",
		     CONTIV_NETPROFILE_BANDWIDTH, "0 Gbps");
	show_refusal(ctx, CONTIV_OBJECT_TENANT, CONTIV_TENANT_DEFAULT_NETWORK, "x",
		     CONTIV_TENANT_NAME, "bad:name");
	ret = EXIT_SUCCESS;
out:
	contiv_ipam_pool_free(pool);
	contiv_idpool_free(vnis);
	for (size_t i = 0; i < 9; i++)
		contiv_object_unref(objs[i]);
	contiv_ctx_unref(ctx);
	return ret;
}
