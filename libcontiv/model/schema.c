/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The per-kind attribute tables: JSON field name, type, default, checker.
 * Field names, patterns and limits follow the JSON schemas in Contiv's contivmodel.
 */
#include "config.h"

#include "model/model.h"

#define KEYNAME (CONTIV__A_KEY | CONTIV__A_REQUIRED)
#define OWNNAME (CONTIV__A_KEY | CONTIV__A_NAME | CONTIV__A_REQUIRED)
#define OPT CONTIV__A_EMPTY_OK

/* A name (Contiv NAME_RE), at most len bytes. */
#define NAME(n, fl, len) \
	{ .name = (n), .type = CONTIV_ATTR_STR, .flags = (fl), .max_len = (len), \
	  .check = contiv__check_name }
/* A string checked by fn. */
#define STR(n, fl, len, fn) \
	{ .name = (n), .type = CONTIV_ATTR_STR, .flags = (fl), .max_len = (len), .check = (fn) }
/* One of "a|b|c", with an optional default. */
#define CHOICE(n, fl, ch, def) \
	{ .name = (n), .type = CONTIV_ATTR_STR, .flags = (fl), .max_len = 32, \
	  .check = contiv__check_choice, .choices = (ch), .def_str = (def) }
/* A list of names. */
#define NAMES(n) \
	{ .name = (n), .type = CONTIV_ATTR_LIST, .max_len = 64, .check = contiv__check_name }
/* An integer in lo..hi. */
#define U32(n, lo, hi) { .name = (n), .type = CONTIV_ATTR_U32, .min = (lo), .max = (hi) }

static const struct contiv__attr tenant_attrs[] = {
	[CONTIV_TENANT_NAME] = NAME("tenantName", OWNNAME, 64),
	[CONTIV_TENANT_DEFAULT_NETWORK] = NAME("defaultNetwork", OPT, 64),
};

static const struct contiv__attr network_attrs[] = {
	[CONTIV_NETWORK_TENANT] = NAME("tenantName", KEYNAME, 64),
	[CONTIV_NETWORK_NAME] = NAME("networkName", OWNNAME, 64),
	[CONTIV_NETWORK_NW_TYPE] = CHOICE("nwType", CONTIV__A_REQUIRED, "data|infra", "data"),
	[CONTIV_NETWORK_ENCAP] = CHOICE("encap", CONTIV__A_REQUIRED, "vlan|vxlan", "vxlan"),
	/* Per-encap limits are checked by contiv__validate_network(). */
	[CONTIV_NETWORK_PKT_TAG] = U32("pktTag", 0, 16777215),
	[CONTIV_NETWORK_SUBNET] = STR("subnet", CONTIV__A_REQUIRED, 40, contiv__check_subnet4),
	[CONTIV_NETWORK_GATEWAY] = STR("gateway", OPT, 15, contiv__check_ipv4),
	[CONTIV_NETWORK_IPV6_SUBNET] = STR("ipv6Subnet", OPT, 64, contiv__check_subnet6),
	[CONTIV_NETWORK_IPV6_GATEWAY] = STR("ipv6Gateway", OPT, 64, contiv__check_ipv6),
	[CONTIV_NETWORK_CFGD_TAG] = NAME("cfgdTag", OPT, 128),
};

static const struct contiv__attr group_attrs[] = {
	[CONTIV_GROUP_TENANT] = NAME("tenantName", KEYNAME, 64),
	[CONTIV_GROUP_NAME] = NAME("groupName", OWNNAME, 64),
	[CONTIV_GROUP_NETWORK] = NAME("networkName", CONTIV__A_REQUIRED, 64),
	[CONTIV_GROUP_POLICIES] = NAMES("policies"),
	[CONTIV_GROUP_NETPROFILE] = NAME("netProfile", OPT, 64),
	[CONTIV_GROUP_IP_POOL] = STR("ipPool", OPT, 31, contiv__check_range4),
	[CONTIV_GROUP_CFGD_TAG] = NAME("cfgdTag", OPT, 128),
	[CONTIV_GROUP_EXT_CONTRACTS] = NAMES("extContractsGrps"),
};

static const struct contiv__attr policy_attrs[] = {
	[CONTIV_POLICY_TENANT] = NAME("tenantName", KEYNAME, 64),
	[CONTIV_POLICY_NAME] = NAME("policyName", OWNNAME, 64),
};

static const struct contiv__attr rule_attrs[] = {
	[CONTIV_RULE_TENANT] = NAME("tenantName", KEYNAME, 64),
	/* Messages name a rule "<policy>:<ruleId>", as netctl's rule-ls does. */
	[CONTIV_RULE_POLICY] = NAME("policyName", OWNNAME, 64),
	[CONTIV_RULE_ID] = NAME("ruleId", OWNNAME, 64),
	[CONTIV_RULE_DIRECTION] = CHOICE("direction", CONTIV__A_REQUIRED, "in|out", NULL),
	[CONTIV_RULE_PRIORITY] = { .name = "priority", .type = CONTIV_ATTR_U32, .min = 1,
				   .max = 100, .def_u32 = 1, .has_def_u32 = true },
	[CONTIV_RULE_PROTOCOL] = STR("protocol", OPT, 4, contiv__check_protocol),
	[CONTIV_RULE_PORT] = U32("port", 0, 65535),
	[CONTIV_RULE_FROM_GROUP] = NAME("fromEndpointGroup", OPT, 64),
	[CONTIV_RULE_TO_GROUP] = NAME("toEndpointGroup", OPT, 64),
	[CONTIV_RULE_FROM_NETWORK] = NAME("fromNetwork", OPT, 64),
	[CONTIV_RULE_TO_NETWORK] = NAME("toNetwork", OPT, 64),
	[CONTIV_RULE_FROM_IP] = STR("fromIpAddress", OPT, 18, contiv__check_rule_ip),
	[CONTIV_RULE_TO_IP] = STR("toIpAddress", OPT, 18, contiv__check_rule_ip),
	[CONTIV_RULE_ACTION] = CHOICE("action", CONTIV__A_REQUIRED, "allow|deny", NULL),
};

static const struct contiv__attr netprofile_attrs[] = {
	/* Contiv checks neither tenantName nor profileName against NAME_RE; we do,
	 * because both are part of the key "<tenant>:<profile>" (a ':' would
	 * make the key ambiguous). */
	[CONTIV_NETPROFILE_TENANT] = NAME("tenantName", KEYNAME, 64),
	[CONTIV_NETPROFILE_NAME] = NAME("profileName", OWNNAME, 64),
	[CONTIV_NETPROFILE_BANDWIDTH] = STR("bandwidth", OPT, 64, contiv__check_bandwidth),
	[CONTIV_NETPROFILE_DSCP] = U32("DSCP", 0, 63),
	[CONTIV_NETPROFILE_BURST] = { .name = "burst", .type = CONTIV_ATTR_U32, .min = 0,
				      .max = 10486, .check_u32 = contiv__check_burst },
};

static const struct contiv__attr endpoint_attrs[] = {
	[CONTIV_ENDPOINT_ID] = STR("endpointID", OWNNAME, 255, contiv__check_endpoint_id),
	[CONTIV_ENDPOINT_TENANT] = NAME("tenantName", OPT, 64),
	[CONTIV_ENDPOINT_NETWORK] = NAME("networkName", OPT, 64),
	[CONTIV_ENDPOINT_GROUP] = NAME("groupName", OPT, 64),
	[CONTIV_ENDPOINT_CONTAINER_ID] = STR("containerID", OPT, 255, NULL),
	[CONTIV_ENDPOINT_CONTAINER_NAME] = STR("containerName", OPT, 255, NULL),
	[CONTIV_ENDPOINT_HOST] = STR("homingHost", OPT, 255, NULL),
	[CONTIV_ENDPOINT_IPV4_ADDRESS] = STR("ipAddress", OPT, 15, contiv__check_ipv4),
	[CONTIV_ENDPOINT_IPV6_ADDRESS] = STR("ipv6Address", OPT, 64, contiv__check_ipv6),
	[CONTIV_ENDPOINT_MAC_ADDRESS] = STR("macAddress", OPT, 17, contiv__check_mac),
	[CONTIV_ENDPOINT_INTF_NAME] = STR("intfName", OPT, 255, contiv__check_intf_name),
	[CONTIV_ENDPOINT_VTEP_IP] = STR("vtepIP", OPT, 15, contiv__check_ipv4),
};

static const struct contiv__attr global_attrs[] = {
	[CONTIV_GLOBAL_NAME] = CHOICE("name", OWNNAME, "global", "global"),
	[CONTIV_GLOBAL_INFRA_TYPE] = CHOICE("networkInfraType", OPT, "default|aci|aci-opflex",
					    "default"),
	[CONTIV_GLOBAL_VLANS] = { .name = "vlans", .type = CONTIV_ATTR_STR, .max_len = 16,
				  .check = contiv__check_vlans, .def_str = "1-4094" },
	[CONTIV_GLOBAL_VXLANS] = { .name = "vxlans", .type = CONTIV_ATTR_STR, .max_len = 16,
				   .check = contiv__check_vxlans, .def_str = "1-10000" },
	/* Contiv's patterns accept "" for fwdMode and arpMode (unset); so do we. */
	[CONTIV_GLOBAL_FWD_MODE] = CHOICE("fwdMode", OPT, "bridge|routing", "bridge"),
	[CONTIV_GLOBAL_ARP_MODE] = CHOICE("arpMode", OPT, "proxy|flood", "proxy"),
	[CONTIV_GLOBAL_PVT_SUBNET] = { .name = "pvtSubnet", .type = CONTIV_ATTR_STR, .max_len = 18,
				       .check = contiv__check_pvt_subnet,
				       .def_str = "172.19.0.0/16" },
};

#define KIND(n, coll, tbl, fn) \
	{ .name = (n), .collection = (coll), .attrs = (tbl), \
	  .n_attrs = CONTIV_ARRAY_SIZE(tbl), .validate = (fn) }

static const struct contiv__kind kinds[] = {
	[CONTIV_OBJECT_TENANT] = KIND("tenant", "tenants", tenant_attrs, NULL),
	[CONTIV_OBJECT_NETWORK] = KIND("network", "networks", network_attrs,
				       contiv__validate_network),
	[CONTIV_OBJECT_GROUP] = KIND("group", "endpointGroups", group_attrs, NULL),
	[CONTIV_OBJECT_POLICY] = KIND("policy", "policys", policy_attrs, NULL),
	[CONTIV_OBJECT_RULE] = KIND("rule", "rules", rule_attrs, contiv__validate_rule),
	[CONTIV_OBJECT_NETPROFILE] = KIND("netprofile", "netprofiles", netprofile_attrs, NULL),
	[CONTIV_OBJECT_ENDPOINT] = KIND("endpoint", "endpoints", endpoint_attrs, NULL),
	[CONTIV_OBJECT_GLOBAL] = KIND("global", "globals", global_attrs, NULL),
};

/* The tables must cover every enum value, in order. */
_Static_assert(CONTIV_ARRAY_SIZE(kinds) == __CONTIV_OBJECT_MAX, "kinds");
_Static_assert(CONTIV_ARRAY_SIZE(tenant_attrs) == __CONTIV_TENANT_MAX, "tenant");
_Static_assert(CONTIV_ARRAY_SIZE(network_attrs) == __CONTIV_NETWORK_MAX, "network");
_Static_assert(CONTIV_ARRAY_SIZE(group_attrs) == __CONTIV_GROUP_MAX, "group");
_Static_assert(CONTIV_ARRAY_SIZE(policy_attrs) == __CONTIV_POLICY_MAX, "policy");
_Static_assert(CONTIV_ARRAY_SIZE(rule_attrs) == __CONTIV_RULE_MAX, "rule");
_Static_assert(CONTIV_ARRAY_SIZE(netprofile_attrs) == __CONTIV_NETPROFILE_MAX, "netprofile");
_Static_assert(CONTIV_ARRAY_SIZE(endpoint_attrs) == __CONTIV_ENDPOINT_MAX, "endpoint");
_Static_assert(CONTIV_ARRAY_SIZE(global_attrs) == __CONTIV_GLOBAL_MAX, "global");

const struct contiv__kind *contiv__kind_get(uint32_t kind)
{
	if (kind == 0 || kind >= CONTIV_ARRAY_SIZE(kinds))
		return NULL;
	return &kinds[kind];
}

const struct contiv__attr *contiv__attr_get(uint32_t kind, uint32_t attr)
{
	const struct contiv__kind *k = contiv__kind_get(kind);

	if (!k || attr >= k->n_attrs)
		return NULL;
	return &k->attrs[attr];
}

CONTIV_EXPORT const char *contiv_object_kind_name(uint32_t kind)
{
	const struct contiv__kind *k = contiv__kind_get(kind);

	return k ? k->name : NULL;
}

CONTIV_EXPORT const char *contiv_object_kind_collection(uint32_t kind)
{
	const struct contiv__kind *k = contiv__kind_get(kind);

	return k ? k->collection : NULL;
}

CONTIV_EXPORT uint32_t contiv_object_kind_from_name(const char *name)
{
	contiv_return_val_if_fail(name, 0);
	for (uint32_t i = 1; i < CONTIV_ARRAY_SIZE(kinds); i++)
		if (!strcmp(name, kinds[i].name) || !strcmp(name, kinds[i].collection))
			return i;
	return 0;
}

CONTIV_EXPORT uint32_t contiv_object_attr_count(uint32_t kind)
{
	const struct contiv__kind *k = contiv__kind_get(kind);

	return k ? k->n_attrs : 0;
}

CONTIV_EXPORT const char *contiv_object_attr_name(uint32_t kind, uint32_t attr)
{
	const struct contiv__attr *a = contiv__attr_get(kind, attr);

	return a ? a->name : NULL;
}

CONTIV_EXPORT uint32_t contiv_object_attr_type(uint32_t kind, uint32_t attr)
{
	const struct contiv__attr *a = contiv__attr_get(kind, attr);

	return a ? a->type : 0;
}

CONTIV_EXPORT int contiv_object_attr_from_name(uint32_t kind, const char *name)
{
	const struct contiv__kind *k = contiv__kind_get(kind);

	contiv_return_val_if_fail(k && name, -EINVAL);
	for (uint32_t i = 0; i < k->n_attrs; i++)
		if (!strcmp(name, k->attrs[i].name))
			return (int)i;
	return -ENOENT;
}
