/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* model: objects, accessors, per-value checks, validation, keys, lookups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-model.h"
#include "check-suites.h"

struct contiv_ctx *model_ctx;

void model_setup(void)
{
	ck_assert_int_eq(contiv_ctx_new(NULL, &model_ctx), 0);
}

void model_teardown(void)
{
	model_ctx = contiv_ctx_unref(model_ctx);
}

struct contiv_object *model_new(uint32_t kind)
{
	struct contiv_object *obj = NULL;

	ck_assert_int_eq(contiv_object_new(model_ctx, kind, &obj), 0);
	ck_assert_ptr_nonnull(obj);
	return obj;
}

#define S65 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define S128 S64 S64

#define T CONTIV_OBJECT_TENANT
#define N CONTIV_OBJECT_NETWORK
#define G CONTIV_OBJECT_GROUP
#define P CONTIV_OBJECT_POLICY
#define R CONTIV_OBJECT_RULE
#define NP CONTIV_OBJECT_NETPROFILE
#define E CONTIV_OBJECT_ENDPOINT
#define GL CONTIV_OBJECT_GLOBAL

#define BADNAME "must contain only ASCII letters, digits, '-' and '.'"
#define ASCII "must contain only printable ASCII characters"

/* One value given as text to contiv_object_set_from_string(). */
static const struct set_case {
	uint32_t kind, attr;
	const char *text;
	int ret;		/* 0 or -EINVAL */
	const char *msg;	/* expected in the message when ret < 0 */
} set_cases[] = {
	/* Names (NAME_RE, <= 64) */
	{ T, CONTIV_TENANT_NAME, "default", 0, NULL },
	{ T, CONTIV_TENANT_NAME, "a", 0, NULL },
	{ T, CONTIV_TENANT_NAME, "a.b-c.d9", 0, NULL },
	{ T, CONTIV_TENANT_NAME, S64, 0, NULL },
	{ T, CONTIV_TENANT_NAME, "tenant:invalid", -EINVAL, "tenantName \"tenant:invalid\": " BADNAME },
	{ T, CONTIV_TENANT_NAME, "tenant|invalid", -EINVAL, BADNAME },
	{ T, CONTIV_TENANT_NAME, "a/b", -EINVAL, BADNAME },
	{ T, CONTIV_TENANT_NAME, "a b", -EINVAL, BADNAME },
	{ T, CONTIV_TENANT_NAME, "-tenant", -EINVAL, "labels must not start with '-'" },
	{ T, CONTIV_TENANT_NAME, "tenant-", -EINVAL, "labels must not end with '-'" },
	{ T, CONTIV_TENANT_NAME, "a.-b", -EINVAL, "labels must not start with '-'" },
	{ T, CONTIV_TENANT_NAME, "in_valid", -EINVAL, BADNAME },
	{ T, CONTIV_TENANT_NAME, "tenant@x", -EINVAL, BADNAME },
	{ T, CONTIV_TENANT_NAME, "a..b", -EINVAL, "empty label" },
	{ T, CONTIV_TENANT_NAME, ".a", -EINVAL, "empty label" },
	{ T, CONTIV_TENANT_NAME, "a.", -EINVAL, "empty label" },
	{ T, CONTIV_TENANT_NAME, "", -EINVAL, "tenantName \"\": must not be empty" },
	{ T, CONTIV_TENANT_NAME, S65, -EINVAL, "must be at most 64 characters" },
	{ T, CONTIV_TENANT_NAME, "caf\xc3\xa9", -EINVAL, "\"caf\\xc3\\xa9\": " ASCII },
	{ T, CONTIV_TENANT_NAME, "a\xff", -EINVAL, ASCII },
	{ T, CONTIV_TENANT_NAME, "a\tb", -EINVAL, "\"a\\x09b\": " ASCII },
	{ T, CONTIV_TENANT_DEFAULT_NETWORK, "", 0, NULL },
	{ T, CONTIV_TENANT_DEFAULT_NETWORK, "net1", 0, NULL },
	{ T, CONTIV_TENANT_DEFAULT_NETWORK, "net 1", -EINVAL, "defaultNetwork \"net 1\"" },
	{ N, CONTIV_NETWORK_TENANT, "t:x", -EINVAL, BADNAME },
	{ N, CONTIV_NETWORK_NAME, "contiv-net", 0, NULL },
	{ N, CONTIV_NETWORK_NAME, "net_1", -EINVAL, "networkName \"net_1\"" },
	{ G, CONTIV_GROUP_NAME, "web", 0, NULL },
	{ G, CONTIV_GROUP_NAME, "we:b", -EINVAL, BADNAME },
	{ G, CONTIV_GROUP_NETWORK, "net1", 0, NULL },
	{ G, CONTIV_GROUP_NETWORK, "net/1", -EINVAL, "networkName \"net/1\"" },
	{ G, CONTIV_GROUP_NETPROFILE, "", 0, NULL },
	{ G, CONTIV_GROUP_NETPROFILE, "p@1", -EINVAL, "netProfile \"p@1\"" },
	{ P, CONTIV_POLICY_NAME, "policyAB", 0, NULL },
	{ P, CONTIV_POLICY_NAME, "policy AB", -EINVAL, BADNAME },
	{ R, CONTIV_RULE_ID, "1", 0, NULL },
	{ R, CONTIV_RULE_ID, "1:2", -EINVAL, "ruleId \"1:2\"" },
	{ R, CONTIV_RULE_FROM_GROUP, "", 0, NULL },
	{ R, CONTIV_RULE_FROM_GROUP, "epg_a", -EINVAL, "fromEndpointGroup \"epg_a\"" },
	{ R, CONTIV_RULE_TO_NETWORK, "-net", -EINVAL, "toNetwork \"-net\"" },
	{ NP, CONTIV_NETPROFILE_NAME, "gold", 0, NULL },
	{ NP, CONTIV_NETPROFILE_NAME, "go:ld", -EINVAL, "profileName \"go:ld\"" },
	{ NP, CONTIV_NETPROFILE_NAME, S65, -EINVAL, "at most 64" },
	/* cfgdTag: NAME_RE or empty, <= 128 */
	{ N, CONTIV_NETWORK_CFGD_TAG, "", 0, NULL },
	{ N, CONTIV_NETWORK_CFGD_TAG, S128, 0, NULL },
	{ N, CONTIV_NETWORK_CFGD_TAG, S128 "a", -EINVAL, "at most 128 characters" },
	{ G, CONTIV_GROUP_CFGD_TAG, "tag=x", -EINVAL, "cfgdTag \"tag=x\"" },
	/* Lists of names */
	{ G, CONTIV_GROUP_POLICIES, "", 0, NULL },
	{ G, CONTIV_GROUP_POLICIES, "a,b", 0, NULL },
	{ G, CONTIV_GROUP_POLICIES, "a,b:c", -EINVAL, "policies \"b:c\": " BADNAME },
	{ G, CONTIV_GROUP_POLICIES, "a,", -EINVAL, "policies \"\": must not be empty" },
	{ G, CONTIV_GROUP_EXT_CONTRACTS, "x_y", -EINVAL, "extContractsGrps \"x_y\"" },
	/* network */
	{ N, CONTIV_NETWORK_NW_TYPE, "data", 0, NULL },
	{ N, CONTIV_NETWORK_NW_TYPE, "infra", 0, NULL },
	{ N, CONTIV_NETWORK_NW_TYPE, "date", -EINVAL, "nwType \"date\": must be one of data|infra" },
	{ N, CONTIV_NETWORK_NW_TYPE, "", -EINVAL, "must be one of data|infra" },
	{ N, CONTIV_NETWORK_ENCAP, "vlan", 0, NULL },
	{ N, CONTIV_NETWORK_ENCAP, "vxlan", 0, NULL },
	{ N, CONTIV_NETWORK_ENCAP, "gre", -EINVAL, "encap \"gre\": must be one of vlan|vxlan" },
	{ N, CONTIV_NETWORK_PKT_TAG, "0", 0, NULL },
	{ N, CONTIV_NETWORK_PKT_TAG, "16777215", 0, NULL },
	{ N, CONTIV_NETWORK_PKT_TAG, "16777216", -EINVAL, "pktTag 16777216: must be 0..16777215" },
	{ N, CONTIV_NETWORK_PKT_TAG, "12a", -EINVAL, "pktTag \"12a\": must be a decimal number" },
	{ N, CONTIV_NETWORK_PKT_TAG, "-1", -EINVAL, "must be a decimal number" },
	{ N, CONTIV_NETWORK_PKT_TAG, "+1", -EINVAL, "must be a decimal number" },
	{ N, CONTIV_NETWORK_PKT_TAG, "", -EINVAL, "must be a decimal number" },
	{ N, CONTIV_NETWORK_PKT_TAG, "99999999999", -EINVAL, "number is too large" },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0/24", 0, NULL },
	{ N, CONTIV_NETWORK_SUBNET, "10.0.0.0/8", 0, NULL },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0/30", 0, NULL },
	{ N, CONTIV_NETWORK_SUBNET, "20.1.1.10-20.1.1.45/24", 0, NULL },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0/33", -EINVAL,
	  "network: subnet \"10.1.2.0/33\": prefix length must be 1..32" },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0/24x", -EINVAL, "prefix length must be a decimal" },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0/32", -EINVAL, "a /31 or /32 leaves no host addresses" },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0/31", -EINVAL, "a /31 or /32" },
	{ N, CONTIV_NETWORK_SUBNET, "10.0.0.0/7", -EINVAL, "prefix length must be at least 8" },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2/24", -EINVAL, "must be A.B.C.D/len" },
	{ N, CONTIV_NETWORK_SUBNET, "10.1.2.0", -EINVAL, "must be A.B.C.D/len" },
	{ N, CONTIV_NETWORK_SUBNET, "", -EINVAL, "must not be empty" },
	{ N, CONTIV_NETWORK_SUBNET, "20.1.1.10-20.1.2.45/24", -EINVAL, "range must lie inside" },
	{ N, CONTIV_NETWORK_GATEWAY, "10.1.2.1", 0, NULL },
	{ N, CONTIV_NETWORK_GATEWAY, "", 0, NULL },
	{ N, CONTIV_NETWORK_GATEWAY, "10.1.2", -EINVAL, "gateway \"10.1.2\": not an IPv4 address" },
	{ N, CONTIV_NETWORK_GATEWAY, "2001:db8::1", -EINVAL, "not an IPv4 address" },
	{ N, CONTIV_NETWORK_IPV6_SUBNET, "2001:db8::/64", 0, NULL },
	{ N, CONTIV_NETWORK_IPV6_SUBNET, "2001:db8::/126", 0, NULL },
	{ N, CONTIV_NETWORK_IPV6_SUBNET, "2001:db8::/127", -EINVAL, "prefix length must be 1..126" },
	{ N, CONTIV_NETWORK_IPV6_SUBNET, "2001:db8::/128", -EINVAL, "prefix length must be 1..126" },
	{ N, CONTIV_NETWORK_IPV6_SUBNET, "zz::/64", -EINVAL, "not an IPv6 address" },
	{ N, CONTIV_NETWORK_IPV6_SUBNET, "2001:db8::", -EINVAL, "must be an IPv6 prefix/len" },
	{ N, CONTIV_NETWORK_IPV6_GATEWAY, "2001:db8::1", 0, NULL },
	{ N, CONTIV_NETWORK_IPV6_GATEWAY, "10.1.1.1", -EINVAL, "not an IPv6 address" },
	/* group */
	{ G, CONTIV_GROUP_IP_POOL, "", 0, NULL },
	{ G, CONTIV_GROUP_IP_POOL, "10.36.0.1", 0, NULL },
	{ G, CONTIV_GROUP_IP_POOL, "10.36.0.1-10.36.0.10", 0, NULL },
	{ G, CONTIV_GROUP_IP_POOL, "10.36.0.10-10.36.0.1", -EINVAL, "range start is above range end" },
	{ G, CONTIV_GROUP_IP_POOL, "10.36.0.0/24", -EINVAL, "not an IPv4 address" },
	{ G, CONTIV_GROUP_IP_POOL, "10.36.0.1-x", -EINVAL, "must be A.B.C.D or A.B.C.D-E.F.G.H" },
	/* rule */
	{ R, CONTIV_RULE_DIRECTION, "in", 0, NULL },
	{ R, CONTIV_RULE_DIRECTION, "out", 0, NULL },
	{ R, CONTIV_RULE_DIRECTION, "both", -EINVAL, "direction \"both\": must be one of in|out" },
	{ R, CONTIV_RULE_ACTION, "allow", 0, NULL },
	{ R, CONTIV_RULE_ACTION, "deny", 0, NULL },
	{ R, CONTIV_RULE_ACTION, "accept", -EINVAL, "action \"accept\": must be one of allow|deny" },
	{ R, CONTIV_RULE_PRIORITY, "1", 0, NULL },
	{ R, CONTIV_RULE_PRIORITY, "100", 0, NULL },
	{ R, CONTIV_RULE_PRIORITY, "0", -EINVAL, "priority 0: must be 1..100" },
	{ R, CONTIV_RULE_PRIORITY, "101", -EINVAL, "priority 101: must be 1..100" },
	{ R, CONTIV_RULE_PORT, "0", 0, NULL },
	{ R, CONTIV_RULE_PORT, "65535", 0, NULL },
	{ R, CONTIV_RULE_PORT, "65536", -EINVAL, "port 65536: must be 0..65535" },
	{ R, CONTIV_RULE_PROTOCOL, "tcp", 0, NULL },
	{ R, CONTIV_RULE_PROTOCOL, "udp", 0, NULL },
	{ R, CONTIV_RULE_PROTOCOL, "icmp", 0, NULL },
	{ R, CONTIV_RULE_PROTOCOL, "", 0, NULL },
	{ R, CONTIV_RULE_PROTOCOL, "6", 0, NULL },
	{ R, CONTIV_RULE_PROTOCOL, "255", 0, NULL },
	{ R, CONTIV_RULE_PROTOCOL, "tcpx", -EINVAL,
	  "protocol \"tcpx\": must be tcp, udp, icmp or a protocol number 0..255" },
	{ R, CONTIV_RULE_PROTOCOL, "256", -EINVAL, "protocol \"256\"" },
	{ R, CONTIV_RULE_PROTOCOL, "TCP", -EINVAL, "protocol \"TCP\"" },
	{ R, CONTIV_RULE_FROM_IP, "10.1.1.1", 0, NULL },
	{ R, CONTIV_RULE_FROM_IP, "10.1.1.0/24", 0, NULL },
	{ R, CONTIV_RULE_FROM_IP, "10.1.1.1/32", 0, NULL },
	{ R, CONTIV_RULE_FROM_IP, "", 0, NULL },
	{ R, CONTIV_RULE_FROM_IP, "10.1.1.0/33", -EINVAL, "prefix length must be 1..32" },
	{ R, CONTIV_RULE_FROM_IP, "10.1.1.0/0", -EINVAL, "prefix length must be 1..32" },
	{ R, CONTIV_RULE_TO_IP, "10.1.1.1-5", -EINVAL, "toIpAddress \"10.1.1.1-5\": must be A.B.C.D" },
	{ R, CONTIV_RULE_TO_IP, "host", -EINVAL, "must be A.B.C.D or A.B.C.D/len" },
	/* netprofile: Contiv's bandwidth table */
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "10 Gbps", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "10 Gb", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "5Gb", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "4g", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "4G", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "3gbps", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "500Kbps", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "0 Gbps", -EINVAL, "bandwidth \"0 Gbps\": must be a number > 0" },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "Gbps", -EINVAL, "bandwidth \"Gbps\"" },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, " 10 Gbps", -EINVAL, "bandwidth \" 10 Gbps\"" },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "10 ms", -EINVAL, "bandwidth \"10 ms\"" },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "10  Gbps", -EINVAL, "bandwidth \"10  Gbps\"" },
	{ NP, CONTIV_NETPROFILE_BANDWIDTH, "10GBPS", -EINVAL, "bandwidth \"10GBPS\"" },
	{ NP, CONTIV_NETPROFILE_DSCP, "0", 0, NULL },
	{ NP, CONTIV_NETPROFILE_DSCP, "63", 0, NULL },
	{ NP, CONTIV_NETPROFILE_DSCP, "64", -EINVAL, "DSCP 64: must be 0..63" },
	{ NP, CONTIV_NETPROFILE_DSCP, "72", -EINVAL, "DSCP 72: must be 0..63" },
	{ NP, CONTIV_NETPROFILE_BURST, "0", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BURST, "2", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BURST, "10486", 0, NULL },
	{ NP, CONTIV_NETPROFILE_BURST, "1", -EINVAL, "burst 1: burst must be 0 or at least 2 KB" },
	{ NP, CONTIV_NETPROFILE_BURST, "10487", -EINVAL, "burst 10487: must be at most 10486" },
	/* endpoint */
	{ E, CONTIV_ENDPOINT_ID, "0123abcdef-x.y", 0, NULL },
	{ E, CONTIV_ENDPOINT_ID, "a b:c", 0, NULL },
	{ E, CONTIV_ENDPOINT_ID, "", -EINVAL, "endpointID \"\": must not be empty" },
	{ E, CONTIV_ENDPOINT_ID, "a/b", -EINVAL, "must not contain '/'" },
	{ E, CONTIV_ENDPOINT_ID, "a\x01", -EINVAL, ASCII },
	{ E, CONTIV_ENDPOINT_TENANT, "ten ant", -EINVAL, "tenantName \"ten ant\"" },
	{ E, CONTIV_ENDPOINT_GROUP, "g_1", -EINVAL, "groupName \"g_1\"" },
	{ E, CONTIV_ENDPOINT_IPV4_ADDRESS, "10.1.1.2", 0, NULL },
	{ E, CONTIV_ENDPOINT_IPV4_ADDRESS, "10.1.1.256", -EINVAL, "ipAddress \"10.1.1.256\": not an IPv4" },
	{ E, CONTIV_ENDPOINT_IPV6_ADDRESS, "2001:db8::2", 0, NULL },
	{ E, CONTIV_ENDPOINT_IPV6_ADDRESS, "2001:db8::g", -EINVAL, "not an IPv6 address" },
	{ E, CONTIV_ENDPOINT_MAC_ADDRESS, "02:02:0a:01:01:02", 0, NULL },
	{ E, CONTIV_ENDPOINT_MAC_ADDRESS, "02:02:0A:01:01:FF", 0, NULL },
	{ E, CONTIV_ENDPOINT_MAC_ADDRESS, "02:02:0a:01:01", -EINVAL, "six hex octets" },
	{ E, CONTIV_ENDPOINT_MAC_ADDRESS, "02-02-0a-01-01-02", -EINVAL, "six hex octets" },
	{ E, CONTIV_ENDPOINT_MAC_ADDRESS, "02:02:0a:01:01:0g", -EINVAL, "six hex octets" },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "vport1", 0, NULL },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "123456789012345", 0, NULL },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "1234567890123456", -EINVAL, "must be 1..15 characters" },
	{ E, CONTIV_ENDPOINT_INTF_NAME, ".", -EINVAL, "must not be" },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "..", -EINVAL, "must not be" },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "a/b", -EINVAL, "must not contain '/' or spaces" },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "a b", -EINVAL, "must not contain '/' or spaces" },
	{ E, CONTIV_ENDPOINT_INTF_NAME, "a\nb", -EINVAL, ASCII },
	{ E, CONTIV_ENDPOINT_VTEP_IP, "192.168.2.10", 0, NULL },
	{ E, CONTIV_ENDPOINT_VTEP_IP, "192.168.2", -EINVAL, "vtepIP \"192.168.2\"" },
	/* global: Contiv's TestGlobalSetting table */
	{ GL, CONTIV_GLOBAL_NAME, "global", 0, NULL },
	{ GL, CONTIV_GLOBAL_NAME, "glob", -EINVAL, "name \"glob\": must be one of global" },
	{ GL, CONTIV_GLOBAL_INFRA_TYPE, "aci", 0, NULL },
	{ GL, CONTIV_GLOBAL_INFRA_TYPE, "aci-opflex", 0, NULL },
	{ GL, CONTIV_GLOBAL_INFRA_TYPE, "default", 0, NULL },
	{ GL, CONTIV_GLOBAL_INFRA_TYPE, "", 0, NULL },
	{ GL, CONTIV_GLOBAL_INFRA_TYPE, "aci-foo", -EINVAL, "must be one of default|aci|aci-opflex" },
	{ GL, CONTIV_GLOBAL_VLANS, "1-4094", 0, NULL },
	{ GL, CONTIV_GLOBAL_VLANS, "100-200", 0, NULL },
	{ GL, CONTIV_GLOBAL_VLANS, "5-5", 0, NULL },
	{ GL, CONTIV_GLOBAL_VLANS, "1-5000", -EINVAL, "vlans \"1-5000\": must be MIN-MAX within 1-4094" },
	{ GL, CONTIV_GLOBAL_VLANS, "0-4094", -EINVAL, "must be MIN-MAX within 1-4094" },
	{ GL, CONTIV_GLOBAL_VLANS, "1", -EINVAL, "must be MIN-MAX within 1-4094" },
	{ GL, CONTIV_GLOBAL_VLANS, "1?2", -EINVAL, "must be MIN-MAX within 1-4094" },
	{ GL, CONTIV_GLOBAL_VLANS, "abcd", -EINVAL, "must be MIN-MAX within 1-4094" },
	{ GL, CONTIV_GLOBAL_VLANS, "200-100", -EINVAL, "range start is above range end" },
	{ GL, CONTIV_GLOBAL_VXLANS, "1-10000", 0, NULL },
	{ GL, CONTIV_GLOBAL_VXLANS, "50001-65535", 0, NULL },
	{ GL, CONTIV_GLOBAL_VXLANS, "1-100000", -EINVAL, "vxlans \"1-100000\": must be MIN-MAX within 1-65535" },
	{ GL, CONTIV_GLOBAL_VXLANS, "1-20000", -EINVAL, "must span at most 16000" },
	{ GL, CONTIV_GLOBAL_FWD_MODE, "bridge", 0, NULL },
	{ GL, CONTIV_GLOBAL_FWD_MODE, "routing", 0, NULL },
	{ GL, CONTIV_GLOBAL_FWD_MODE, "route", -EINVAL, "fwdMode \"route\": must be one of bridge|routing" },
	{ GL, CONTIV_GLOBAL_ARP_MODE, "proxy", 0, NULL },
	{ GL, CONTIV_GLOBAL_ARP_MODE, "flood", 0, NULL },
	{ GL, CONTIV_GLOBAL_ARP_MODE, "drop", -EINVAL, "must be one of proxy|flood" },
	{ GL, CONTIV_GLOBAL_PVT_SUBNET, "172.20.0.0/16", 0, NULL },
	{ GL, CONTIV_GLOBAL_PVT_SUBNET, "172.19.0.0/24", -EINVAL, "pvtSubnet \"172.19.0.0/24\": must be A.B.C.D/16" },
	{ GL, CONTIV_GLOBAL_PVT_SUBNET, "172.19.0.0", -EINVAL, "pvtSubnet" },
};

/* The stored value, rendered back as text. */
static void assert_stored(const struct contiv_object *obj, uint32_t attr, const char *text)
{
	char buf[4096] = "";

	ck_assert(contiv_object_is_set(obj, attr));
	switch (contiv_object_attr_type(contiv_object_get_kind(obj), attr)) {
	case CONTIV_ATTR_STR:
		ck_assert_str_eq(contiv_object_get_str(obj, attr), text);
		return;
	case CONTIV_ATTR_U32:
		ck_assert_uint_eq(contiv_object_get_u32(obj, attr), strtoul(text, NULL, 10));
		return;
	default:
		for (size_t i = 0; i < contiv_object_list_count(obj, attr); i++) {
			if (i)
				strcat(buf, ",");
			strcat(buf, contiv_object_list_get(obj, attr, i));
		}
		ck_assert_str_eq(buf, text);
	}
}

START_TEST(set_table)
{
	const struct set_case *c = &set_cases[_i];
	struct contiv_object *obj = model_new(c->kind);
	bool was_set = contiv_object_is_set(obj, c->attr);
	int r = contiv_object_set_from_string(obj, c->attr, c->text);

	ck_assert_msg(r == c->ret, "%s %s=\"%s\": got %d, want %d (%s)",
		      contiv_object_kind_name(c->kind), contiv_object_attr_name(c->kind, c->attr),
		      c->text, r, c->ret, contiv_ctx_get_error(model_ctx));
	if (c->ret == 0) {
		assert_stored(obj, c->attr, c->text);
	} else {
		ck_assert_ctx_error(model_ctx, c->msg);
		ck_assert_int_eq(contiv_ctx_get_errno(model_ctx), c->ret);
		ck_assert(contiv_object_is_set(obj, c->attr) == was_set);
	}
	contiv_object_unref(obj);
}
END_TEST

/* The typed setters agree with set_from_string. */
START_TEST(set_typed)
{
	struct contiv_object *obj = model_new(CONTIV_OBJECT_RULE);

	ck_assert_int_eq(contiv_object_set_u32(obj, CONTIV_RULE_PRIORITY, 100), 0);
	ck_assert_uint_eq(contiv_object_get_u32(obj, CONTIV_RULE_PRIORITY), 100);
	ck_assert_int_eq(contiv_object_set_u32(obj, CONTIV_RULE_PRIORITY, 101), -EINVAL);
	ck_assert_ctx_error(model_ctx, "rule: priority 101: must be 1..100");
	ck_assert_int_eq(contiv_object_set_u32(obj, CONTIV_RULE_PRIORITY, UINT32_MAX), -EINVAL);
	ck_assert_uint_eq(contiv_object_get_u32(obj, CONTIV_RULE_PRIORITY), 100);
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_RULE_PROTOCOL, "udp"), 0);
	ck_assert_str_eq(contiv_object_get_str(obj, CONTIV_RULE_PROTOCOL), "udp");
	/* wrong attribute types and unknown attributes */
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_RULE_PRIORITY, "5"), -EINVAL);
	ck_assert_int_eq(contiv_object_set_u32(obj, CONTIV_RULE_PROTOCOL, 6), -EINVAL);
	ck_assert_int_eq(contiv_object_set_str(obj, __CONTIV_RULE_MAX, "x"), -EINVAL);
	ck_assert_int_eq(contiv_object_set_u32(obj, __CONTIV_RULE_MAX, 1), -EINVAL);
	ck_assert_int_eq(contiv_object_set_from_string(obj, __CONTIV_RULE_MAX, "1"), -EINVAL);
	ck_assert_int_eq(contiv_object_list_add(obj, CONTIV_RULE_PROTOCOL, "x"), -EINVAL);
	ck_assert_uint_eq(contiv_object_get_u32(obj, CONTIV_RULE_PROTOCOL), 0);
	errno = 0;
	ck_assert_ptr_null(contiv_object_get_str(obj, CONTIV_RULE_PRIORITY));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(contiv_object_get_str(obj, CONTIV_RULE_TO_IP));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert(!contiv_object_is_set(obj, CONTIV_RULE_PORT));
	ck_assert_uint_eq(contiv_object_get_u32(obj, CONTIV_RULE_PORT), 0);
	ck_assert(!contiv_object_is_set(obj, __CONTIV_RULE_MAX));
	contiv_object_unref(obj);
}
END_TEST

/* A failing setter leaves the previous value (and set-ness) in place. */
START_TEST(set_failure_keeps_value)
{
	struct contiv_object *net = model_new(CONTIV_OBJECT_NETWORK);
	struct contiv_object *grp = model_new(CONTIV_OBJECT_GROUP);
	const char *key;

	ck_assert_int_eq(contiv_object_set_str(net, CONTIV_NETWORK_TENANT, "default"), 0);
	ck_assert_int_eq(contiv_object_set_str(net, CONTIV_NETWORK_NAME, "contiv-net"), 0);
	key = contiv_object_get_key(net);
	ck_assert_str_eq(key, "default:contiv-net");
	ck_assert_int_eq(contiv_object_set_str(net, CONTIV_NETWORK_NAME, "bad:name"), -EINVAL);
	ck_assert_str_eq(contiv_object_get_str(net, CONTIV_NETWORK_NAME), "contiv-net");
	ck_assert_str_eq(contiv_object_get_key(net), "default:contiv-net");
	ck_assert_int_eq(contiv_object_set_str(net, CONTIV_NETWORK_SUBNET, "10.1.2.0/24"), 0);
	ck_assert_int_eq(contiv_object_set_str(net, CONTIV_NETWORK_SUBNET, "10.1.2.0/33"), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(model_ctx),
			 "network \"contiv-net\": subnet \"10.1.2.0/33\": prefix length must be 1..32");
	ck_assert_str_eq(contiv_object_get_str(net, CONTIV_NETWORK_SUBNET), "10.1.2.0/24");
	ck_assert_int_eq(contiv_object_set_u32(net, CONTIV_NETWORK_PKT_TAG, 10), 0);
	ck_assert_int_eq(contiv_object_set_from_string(net, CONTIV_NETWORK_PKT_TAG, "x"), -EINVAL);
	ck_assert_int_eq(contiv_object_set_u32(net, CONTIV_NETWORK_PKT_TAG, 1u << 24), -EINVAL);
	ck_assert_uint_eq(contiv_object_get_u32(net, CONTIV_NETWORK_PKT_TAG), 10);
	ck_assert_int_eq(contiv_object_set_str(net, CONTIV_NETWORK_GATEWAY, "bad"), -EINVAL);
	ck_assert(!contiv_object_is_set(net, CONTIV_NETWORK_GATEWAY));

	ck_assert_int_eq(contiv_object_set_from_string(grp, CONTIV_GROUP_POLICIES, "a,b"), 0);
	ck_assert_int_eq(contiv_object_set_from_string(grp, CONTIV_GROUP_POLICIES, "c,d_e"), -EINVAL);
	ck_assert_uint_eq(contiv_object_list_count(grp, CONTIV_GROUP_POLICIES), 2);
	ck_assert_str_eq(contiv_object_list_get(grp, CONTIV_GROUP_POLICIES, 1), "b");
	ck_assert_int_eq(contiv_object_list_add(grp, CONTIV_GROUP_POLICIES, "x y"), -EINVAL);
	ck_assert_uint_eq(contiv_object_list_count(grp, CONTIV_GROUP_POLICIES), 2);
	contiv_object_unref(net);
	contiv_object_unref(grp);
}
END_TEST

/* Message shapes: named object, unnamed object, integers, quoting. */
START_TEST(error_messages)
{
	struct contiv_object *np = model_new(CONTIV_OBJECT_NETPROFILE);
	struct contiv_object *rule = model_new(CONTIV_OBJECT_RULE);

	ck_assert_int_eq(contiv_object_set_u32(np, CONTIV_NETPROFILE_DSCP, 64), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(model_ctx), "netprofile: DSCP 64: must be 0..63");
	ck_assert_int_eq(contiv_object_set_str(np, CONTIV_NETPROFILE_NAME, "p"), 0);
	ck_assert_int_eq(contiv_object_set_u32(np, CONTIV_NETPROFILE_DSCP, 64), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(model_ctx), "netprofile \"p\": DSCP 64: must be 0..63");
	ck_assert_int_eq(contiv_object_set_str(np, CONTIV_NETPROFILE_BANDWIDTH, "1\"\\\x7f"), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(model_ctx),
			 "netprofile \"p\": bandwidth \"1\\\"\\\\\\x7f\": must contain only printable ASCII characters");

	/* a rule is named "<policy>:<ruleId>"; a partial name gives the kind only */
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_POLICY, "policyAB"), 0);
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_ACTION, "x"), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(model_ctx),
			 "rule: action \"x\": must be one of allow|deny");
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_ID, "1"), 0);
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_ACTION, "x"), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(model_ctx),
			 "rule \"policyAB:1\": action \"x\": must be one of allow|deny");
	contiv_object_unref(np);
	contiv_object_unref(rule);
}
END_TEST

/* Hostile sizes are rejected quickly (a quadratic loop would time out). */
START_TEST(overlong_input)
{
	const size_t big = 10 * 1024 * 1024;
	struct contiv_object *grp = model_new(CONTIV_OBJECT_GROUP);
	char *s = malloc(big + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, 'a', big);
	s[big] = '\0';
	ck_assert_int_eq(contiv_object_set_str(grp, CONTIV_GROUP_NAME, s), -EINVAL);
	ck_assert_ctx_error(model_ctx, "must be at most 64 characters");
	ck_assert_ctx_error(model_ctx, "aaa...\"");
	ck_assert_int_eq(contiv_object_set_from_string(grp, CONTIV_GROUP_POLICIES, s), -EINVAL);
	for (size_t i = 1; i < big; i += 2)
		s[i] = ',';
	ck_assert_int_eq(contiv_object_set_from_string(grp, CONTIV_GROUP_POLICIES, s), -EINVAL);
	ck_assert_ctx_error(model_ctx, "must hold at most 1024 items");
	ck_assert(!contiv_object_is_set(grp, CONTIV_GROUP_POLICIES));
	/* 1024 distinct items are fine, 1025 are not */
	s[0] = '\0';
	for (int i = 0; i < 1025; i++)
		sprintf(s + strlen(s), "%sp%d", i ? "," : "", i);
	ck_assert_int_eq(contiv_object_set_from_string(grp, CONTIV_GROUP_POLICIES, s), -EINVAL);
	*strrchr(s, ',') = '\0';
	ck_assert_int_eq(contiv_object_set_from_string(grp, CONTIV_GROUP_POLICIES, s), 0);
	ck_assert_uint_eq(contiv_object_list_count(grp, CONTIV_GROUP_POLICIES), 1024);
	ck_assert_int_eq(contiv_object_list_add(grp, CONTIV_GROUP_POLICIES, "more"), -EINVAL);
	ck_assert_int_eq(contiv_object_list_add(grp, CONTIV_GROUP_POLICIES, "p7"), 1);
	free(s);
	contiv_object_unref(grp);
}
END_TEST

START_TEST(defaults)
{
	struct contiv_object *obj;
	static const struct {
		uint32_t kind, attr;
		const char *str;
		uint32_t u32;
	} defs[] = {
		{ N, CONTIV_NETWORK_NW_TYPE, "data", 0 },
		{ N, CONTIV_NETWORK_ENCAP, "vxlan", 0 },
		{ R, CONTIV_RULE_PRIORITY, NULL, 1 },
		{ GL, CONTIV_GLOBAL_NAME, "global", 0 },
		{ GL, CONTIV_GLOBAL_INFRA_TYPE, "default", 0 },
		{ GL, CONTIV_GLOBAL_VLANS, "1-4094", 0 },
		{ GL, CONTIV_GLOBAL_VXLANS, "1-10000", 0 },
		{ GL, CONTIV_GLOBAL_FWD_MODE, "bridge", 0 },
		{ GL, CONTIV_GLOBAL_ARP_MODE, "proxy", 0 },
		{ GL, CONTIV_GLOBAL_PVT_SUBNET, "172.19.0.0/16", 0 },
	};
	size_t n_set = 0;

	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		obj = model_new(defs[i].kind);
		ck_assert(contiv_object_is_set(obj, defs[i].attr));
		if (defs[i].str)
			ck_assert_str_eq(contiv_object_get_str(obj, defs[i].attr), defs[i].str);
		else
			ck_assert_uint_eq(contiv_object_get_u32(obj, defs[i].attr), defs[i].u32);
		contiv_object_unref(obj);
	}
	/* nothing else is set */
	for (uint32_t k = 1; k < __CONTIV_OBJECT_MAX; k++) {
		obj = model_new(k);
		for (uint32_t a = 0; a < contiv_object_attr_count(k); a++)
			n_set += contiv_object_is_set(obj, a);
		contiv_object_unref(obj);
	}
	ck_assert_uint_eq(n_set, sizeof(defs) / sizeof(defs[0]));
	ck_assert_int_eq(contiv_object_new(model_ctx, 0, &obj), -EINVAL);
	ck_assert_int_eq(contiv_object_new(model_ctx, __CONTIV_OBJECT_MAX, &obj), -EINVAL);
}
END_TEST

/* contiv_object_validate() on objects built from JSON. */
static const struct validate_case {
	uint32_t kind;
	const char *json;
	const char *msg;	/* NULL = valid */
} validate_cases[] = {
	{ T, "{\"tenantName\":\"default\"}", NULL },
	{ T, "{}", "tenant: tenantName is required" },
	{ T, "{\"tenantName\":\"default\",\"defaultNetwork\":\"\"}", NULL },
	{ P, "{\"tenantName\":\"default\",\"policyName\":\"p\"}", NULL },
	{ P, "{\"policyName\":\"p\"}", "policy \"p\": tenantName is required" },
	{ NP, "{\"tenantName\":\"default\",\"profileName\":\"gold\",\"burst\":100}", NULL },
	{ E, "{\"endpointID\":\"ep1\"}", NULL },
	{ E, "{\"ipAddress\":\"10.1.1.1\"}", "endpoint: endpointID is required" },
	{ GL, "{}", NULL },
	{ GL, "{\"name\":null}", "global: name is required" },
	{ G, "{\"tenantName\":\"default\",\"groupName\":\"web\",\"networkName\":\"net\"}", NULL },
	{ G, "{\"tenantName\":\"default\",\"groupName\":\"web\"}",
	  "group \"web\": networkName is required" },
	/* network */
#define NET "\"tenantName\":\"default\",\"networkName\":\"contiv-net\""
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"gateway\":\"10.1.2.1\"}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\"}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"gateway\":\"\"}", NULL },
	{ N, "{" NET "}", "network \"contiv-net\": subnet is required" },
	{ N, "{\"networkName\":\"n\",\"subnet\":\"10.1.2.0/24\"}", "network \"n\": tenantName is required" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"encap\":null}", "encap is required" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"gateway\":\"10.1.3.1\"}",
	  "network \"contiv-net\": gateway \"10.1.3.1\": not inside subnet \"10.1.2.0/24\"" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"gateway\":\"10.1.2.0\"}",
	  "gateway \"10.1.2.0\": is the subnet's network address" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"gateway\":\"10.1.2.255\"}",
	  "gateway \"10.1.2.255\": is the subnet's broadcast address" },
	{ N, "{" NET ",\"subnet\":\"20.1.1.10-20.1.1.45/24\",\"gateway\":\"20.1.1.10\"}", NULL },
	{ N, "{" NET ",\"subnet\":\"20.1.1.10-20.1.1.45/24\",\"gateway\":\"20.1.1.1\"}",
	  "gateway \"20.1.1.1\": not inside the range of subnet \"20.1.1.10-20.1.1.45/24\"" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"encap\":\"vlan\",\"pktTag\":4094}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"encap\":\"vlan\",\"pktTag\":0}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"encap\":\"vlan\",\"pktTag\":5000}",
	  "network \"contiv-net\": pktTag 5000: must be 0..4094 with encap \"vlan\"" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"encap\":\"vxlan\",\"pktTag\":20000}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"encap\":\"vxlan\",\"pktTag\":16777215}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"ipv6Subnet\":\"2001:db8::/64\","
	     "\"ipv6Gateway\":\"2001:db8::1\"}", NULL },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"ipv6Gateway\":\"2001:db8::1\"}",
	  "ipv6Gateway \"2001:db8::1\": requires ipv6Subnet" },
	{ N, "{" NET ",\"subnet\":\"10.1.2.0/24\",\"ipv6Subnet\":\"2001:db8::/64\","
	     "\"ipv6Gateway\":\"2001:db9::1\"}",
	  "ipv6Gateway \"2001:db9::1\": not inside ipv6Subnet \"2001:db8::/64\"" },
	/* rule: Contiv's RuleCreate/netctl combinations */
#define RULE "\"tenantName\":\"default\",\"policyName\":\"policyAB\",\"ruleId\":\"1\""
	{ R, "{" RULE ",\"direction\":\"in\",\"action\":\"allow\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"in\",\"fromEndpointGroup\":\"epgA\",\"protocol\":\"tcp\","
	     "\"port\":80,\"action\":\"allow\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"in\",\"fromEndpointGroup\":\"epgA\","
	     "\"fromIpAddress\":\"10.1.1.0/24\",\"action\":\"deny\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"in\",\"fromNetwork\":\"net\",\"action\":\"deny\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"in\",\"toIpAddress\":\"10.1.1.1\",\"action\":\"deny\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"in\",\"toEndpointGroup\":\"epgB\",\"action\":\"allow\"}",
	  "rule \"policyAB:1\": toEndpointGroup \"epgB\": not allowed with direction \"in\"" },
	{ R, "{" RULE ",\"direction\":\"in\",\"toNetwork\":\"net\",\"action\":\"allow\"}",
	  "toNetwork \"net\": not allowed with direction \"in\"" },
	{ R, "{" RULE ",\"direction\":\"in\",\"fromNetwork\":\"net\",\"fromEndpointGroup\":\"epgA\","
	     "\"action\":\"allow\"}",
	  "fromNetwork \"net\": not allowed together with fromEndpointGroup with direction \"in\"" },
	{ R, "{" RULE ",\"direction\":\"in\",\"fromNetwork\":\"net\",\"fromIpAddress\":\"10.1.1.1\","
	     "\"action\":\"allow\"}",
	  "fromNetwork \"net\": not allowed together with fromIpAddress" },
	{ R, "{" RULE ",\"direction\":\"out\",\"toEndpointGroup\":\"epgB\",\"toIpAddress\":\"10.1.1.1\","
	     "\"action\":\"allow\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"out\",\"toNetwork\":\"net\",\"action\":\"allow\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"out\",\"fromEndpointGroup\":\"epgA\",\"action\":\"allow\"}",
	  "fromEndpointGroup \"epgA\": not allowed with direction \"out\"" },
	{ R, "{" RULE ",\"direction\":\"out\",\"fromNetwork\":\"net\",\"action\":\"allow\"}",
	  "fromNetwork \"net\": not allowed with direction \"out\"" },
	{ R, "{" RULE ",\"direction\":\"out\",\"fromIpAddress\":\"10.1.1.1\",\"action\":\"allow\"}",
	  "fromIpAddress \"10.1.1.1\": not allowed with direction \"out\"" },
	{ R, "{" RULE ",\"direction\":\"out\",\"toNetwork\":\"net\",\"toIpAddress\":\"10.1.1.1\","
	     "\"action\":\"allow\"}",
	  "toNetwork \"net\": not allowed together with toIpAddress with direction \"out\"" },
	{ R, "{" RULE ",\"direction\":\"out\",\"toNetwork\":\"net\",\"toEndpointGroup\":\"epgB\","
	     "\"action\":\"allow\"}",
	  "toNetwork \"net\": not allowed together with toEndpointGroup" },
	{ R, "{" RULE ",\"direction\":\"in\",\"port\":80,\"action\":\"allow\"}",
	  "rule \"policyAB:1\": port 80: requires protocol tcp or udp" },
	{ R, "{" RULE ",\"direction\":\"in\",\"protocol\":\"icmp\",\"port\":80,\"action\":\"allow\"}",
	  "port 80: requires protocol tcp or udp" },
	{ R, "{" RULE ",\"direction\":\"in\",\"protocol\":\"udp\",\"port\":53,\"action\":\"allow\"}", NULL },
	{ R, "{" RULE ",\"direction\":\"in\",\"protocol\":\"icmp\",\"port\":0,\"action\":\"allow\"}", NULL },
	{ R, "{" RULE ",\"action\":\"allow\"}", "rule \"policyAB:1\": direction is required" },
	{ R, "{" RULE ",\"direction\":\"in\"}", "rule \"policyAB:1\": action is required" },
	{ R, "{\"policyName\":\"policyAB\",\"ruleId\":\"1\",\"direction\":\"in\",\"action\":\"allow\"}",
	  "tenantName is required" },
};

START_TEST(validate_table)
{
	const struct validate_case *c = &validate_cases[_i];
	struct contiv_object *obj = NULL;
	int r;

	ck_assert_msg(contiv_object_from_json(model_ctx, c->kind, c->json, &obj) == 0, "%s: %s",
		      c->json, contiv_ctx_get_error(model_ctx));
	r = contiv_object_validate(obj);
	if (!c->msg) {
		ck_assert_msg(r == 0, "%s: %s", c->json, contiv_ctx_get_error(model_ctx));
	} else {
		ck_assert_msg(r == -EINVAL, "%s: validated", c->json);
		ck_assert_ctx_error(model_ctx, c->msg);
	}
	contiv_object_unref(obj);
}
END_TEST

START_TEST(list_ops)
{
	struct contiv_object *grp = model_new(CONTIV_OBJECT_GROUP);
	const uint32_t a = CONTIV_GROUP_POLICIES;

	ck_assert(!contiv_object_is_set(grp, a));
	ck_assert_uint_eq(contiv_object_list_count(grp, a), 0);
	ck_assert_int_eq(contiv_object_list_add(grp, a, "p1"), 0);
	ck_assert(contiv_object_is_set(grp, a));
	ck_assert_int_eq(contiv_object_list_add(grp, a, "p2"), 0);
	ck_assert_int_eq(contiv_object_list_add(grp, a, "p1"), 1);
	ck_assert_int_eq(contiv_object_list_add(grp, a, "p_3"), -EINVAL);
	ck_assert_ctx_error(model_ctx, "policies \"p_3\"");
	ck_assert_int_eq(contiv_object_list_add(grp, a, ""), -EINVAL);
	ck_assert_uint_eq(contiv_object_list_count(grp, a), 2);
	ck_assert_str_eq(contiv_object_list_get(grp, a, 0), "p1");
	ck_assert_str_eq(contiv_object_list_get(grp, a, 1), "p2");
	errno = 0;
	ck_assert_ptr_null(contiv_object_list_get(grp, a, 2));
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_ptr_null(contiv_object_list_get(grp, CONTIV_GROUP_NAME, 0));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(contiv_object_list_del(grp, a, "p1"), 0);
	ck_assert_int_eq(contiv_object_list_del(grp, a, "p1"), -ENOENT);
	ck_assert_int_eq(contiv_object_list_del(grp, CONTIV_GROUP_NAME, "p1"), -EINVAL);
	ck_assert_uint_eq(contiv_object_list_count(grp, a), 1);
	ck_assert_str_eq(contiv_object_list_get(grp, a, 0), "p2");
	ck_assert_int_eq(contiv_object_list_del(grp, a, "p2"), 0);
	ck_assert_uint_eq(contiv_object_list_count(grp, a), 0);
	ck_assert(contiv_object_is_set(grp, a));	/* an empty list is still set */
	ck_assert_uint_eq(contiv_object_list_count(grp, CONTIV_GROUP_NAME), 0);
	/* set_from_string drops duplicates, keeps order; "" is an empty list */
	ck_assert_int_eq(contiv_object_set_from_string(grp, a, "b,a,b"), 0);
	ck_assert_uint_eq(contiv_object_list_count(grp, a), 2);
	ck_assert_str_eq(contiv_object_list_get(grp, a, 0), "b");
	ck_assert_int_eq(contiv_object_set_from_string(grp, a, ""), 0);
	ck_assert_uint_eq(contiv_object_list_count(grp, a), 0);
	ck_assert(contiv_object_is_set(grp, a));
	ck_assert_int_eq(contiv_object_unset(grp, a), 0);
	ck_assert(!contiv_object_is_set(grp, a));
	ck_assert_int_eq(contiv_object_list_del(grp, a, "x"), -ENOENT);
	contiv_object_unref(grp);
}
END_TEST

START_TEST(dup_equal)
{
	struct contiv_object *a = model_new(CONTIV_OBJECT_GROUP), *b = NULL, *c;

	ck_assert_int_eq(contiv_object_set_str(a, CONTIV_GROUP_TENANT, "default"), 0);
	ck_assert_int_eq(contiv_object_set_str(a, CONTIV_GROUP_NAME, "web"), 0);
	ck_assert_int_eq(contiv_object_set_from_string(a, CONTIV_GROUP_POLICIES, "p1,p2"), 0);
	ck_assert_str_eq(contiv_object_get_key(a), "default:web");
	ck_assert_int_eq(contiv_object_dup(a, &b), 0);
	ck_assert_ptr_ne(a, b);
	ck_assert(contiv_object_equal(a, b));
	ck_assert(contiv_object_equal(b, a));
	ck_assert_str_eq(contiv_object_get_key(b), "default:web");
	ck_assert_ptr_ne(contiv_object_list_get(a, CONTIV_GROUP_POLICIES, 0),
			 contiv_object_list_get(b, CONTIV_GROUP_POLICIES, 0));
	/* independent: changing the copy does not change the original */
	ck_assert_int_eq(contiv_object_list_del(b, CONTIV_GROUP_POLICIES, "p1"), 0);
	ck_assert(!contiv_object_equal(a, b));
	ck_assert_uint_eq(contiv_object_list_count(a, CONTIV_GROUP_POLICIES), 2);
	ck_assert_int_eq(contiv_object_list_add(b, CONTIV_GROUP_POLICIES, "p1"), 0);
	ck_assert(!contiv_object_equal(a, b));	/* order matters */
	ck_assert_int_eq(contiv_object_set_from_string(b, CONTIV_GROUP_POLICIES, "p1,p2"), 0);
	ck_assert(contiv_object_equal(a, b));
	ck_assert_int_eq(contiv_object_set_str(b, CONTIV_GROUP_CFGD_TAG, ""), 0);
	ck_assert(!contiv_object_equal(a, b));	/* set to "" differs from unset */
	ck_assert_int_eq(contiv_object_unset(b, CONTIV_GROUP_CFGD_TAG), 0);
	ck_assert(contiv_object_equal(a, b));
	ck_assert_int_eq(contiv_object_set_str(b, CONTIV_GROUP_NAME, "db"), 0);
	ck_assert(!contiv_object_equal(a, b));
	ck_assert_str_eq(contiv_object_get_key(a), "default:web");
	/* different kinds, NULL */
	c = model_new(CONTIV_OBJECT_POLICY);
	ck_assert(!contiv_object_equal(a, c));
	ck_assert(!contiv_object_equal(a, NULL));
	ck_assert(!contiv_object_equal(NULL, a));
	ck_assert(!contiv_object_equal(NULL, NULL));
	contiv_object_unref(c);
	contiv_object_unref(a);
	contiv_object_unref(b);
	/* two fresh objects of a kind are equal; u32 values compare */
	a = model_new(CONTIV_OBJECT_RULE);
	b = model_new(CONTIV_OBJECT_RULE);
	ck_assert(contiv_object_equal(a, b));
	ck_assert_int_eq(contiv_object_set_u32(b, CONTIV_RULE_PRIORITY, 2), 0);
	ck_assert(!contiv_object_equal(a, b));
	contiv_object_unref(a);
	contiv_object_unref(b);
}
END_TEST

/* Key of every kind, from its name attributes. */
static const struct key_case {
	uint32_t kind;
	const char *json;
	const char *key;
} key_cases[] = {
	{ T, "{\"tenantName\":\"default\"}", "default" },
	{ N, "{\"tenantName\":\"default\",\"networkName\":\"contiv-net\"}", "default:contiv-net" },
	{ G, "{\"tenantName\":\"t1\",\"groupName\":\"web\"}", "t1:web" },
	{ P, "{\"tenantName\":\"t1\",\"policyName\":\"policyAB\"}", "t1:policyAB" },
	{ R, "{\"tenantName\":\"t1\",\"policyName\":\"policyAB\",\"ruleId\":\"1\"}", "t1:policyAB:1" },
	{ NP, "{\"tenantName\":\"t1\",\"profileName\":\"gold\"}", "t1:gold" },
	{ E, "{\"endpointID\":\"0123abc\",\"tenantName\":\"t1\"}", "0123abc" },
	{ GL, "{}", "global" },
	{ T, "{}", NULL },
	{ N, "{\"networkName\":\"contiv-net\"}", NULL },
	{ N, "{\"tenantName\":\"default\"}", NULL },
	{ R, "{\"tenantName\":\"t1\",\"policyName\":\"policyAB\"}", NULL },
	{ E, "{\"tenantName\":\"t1\"}", NULL },
	{ GL, "{\"name\":null}", NULL },
};

START_TEST(key_table)
{
	const struct key_case *c = &key_cases[_i];
	struct contiv_object *obj = NULL;
	const char *key;

	ck_assert_int_eq(contiv_object_from_json(model_ctx, c->kind, c->json, &obj), 0);
	errno = 0;
	key = contiv_object_get_key(obj);
	if (c->key) {
		ck_assert_str_eq(key, c->key);
		ck_assert_ptr_eq(contiv_object_get_key(obj), key);	/* cached */
	} else {
		ck_assert_ptr_null(key);
		ck_assert_int_eq(errno, ENOENT);
	}
	contiv_object_unref(obj);
}
END_TEST

START_TEST(key_invalidation)
{
	struct contiv_object *rule = model_new(CONTIV_OBJECT_RULE);

	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_TENANT, "t1"), 0);
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_POLICY, "p"), 0);
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_ID, "1"), 0);
	ck_assert_str_eq(contiv_object_get_key(rule), "t1:p:1");
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_ACTION, "deny"), 0);
	ck_assert_str_eq(contiv_object_get_key(rule), "t1:p:1");
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_ID, "22"), 0);
	ck_assert_str_eq(contiv_object_get_key(rule), "t1:p:22");
	ck_assert_int_eq(contiv_object_set_str(rule, CONTIV_RULE_TENANT, "t2"), 0);
	ck_assert_str_eq(contiv_object_get_key(rule), "t2:p:22");
	ck_assert_int_eq(contiv_object_unset(rule, CONTIV_RULE_POLICY), 0);
	errno = 0;
	ck_assert_ptr_null(contiv_object_get_key(rule));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(contiv_object_set_from_string(rule, CONTIV_RULE_POLICY, "q"), 0);
	ck_assert_str_eq(contiv_object_get_key(rule), "t2:q:22");
	contiv_object_unref(rule);
}
END_TEST

START_TEST(kind_lookups)
{
	static const char *const names[][2] = {
		{ NULL, NULL },
		{ "tenant", "tenants" },
		{ "network", "networks" },
		{ "group", "endpointGroups" },
		{ "policy", "policys" },
		{ "rule", "rules" },
		{ "netprofile", "netprofiles" },
		{ "endpoint", "endpoints" },
		{ "global", "globals" },
	};
	static const uint32_t counts[] = {
		0, __CONTIV_TENANT_MAX, __CONTIV_NETWORK_MAX, __CONTIV_GROUP_MAX, __CONTIV_POLICY_MAX,
		__CONTIV_RULE_MAX, __CONTIV_NETPROFILE_MAX, __CONTIV_ENDPOINT_MAX, __CONTIV_GLOBAL_MAX,
	};

	ck_assert_uint_eq(sizeof(names) / sizeof(names[0]), __CONTIV_OBJECT_MAX);
	for (uint32_t k = 1; k < __CONTIV_OBJECT_MAX; k++) {
		ck_assert_str_eq(contiv_object_kind_name(k), names[k][0]);
		ck_assert_str_eq(contiv_object_kind_collection(k), names[k][1]);
		ck_assert_uint_eq(contiv_object_kind_from_name(names[k][0]), k);
		ck_assert_uint_eq(contiv_object_kind_from_name(names[k][1]), k);
		ck_assert_uint_eq(contiv_object_attr_count(k), counts[k]);
	}
	ck_assert_ptr_null(contiv_object_kind_name(0));
	ck_assert_ptr_null(contiv_object_kind_name(__CONTIV_OBJECT_MAX));
	ck_assert_ptr_null(contiv_object_kind_collection(99));
	ck_assert_uint_eq(contiv_object_kind_from_name("Network"), 0);
	ck_assert_uint_eq(contiv_object_kind_from_name(""), 0);
	ck_assert_uint_eq(contiv_object_kind_from_name(NULL), 0);
	ck_assert_uint_eq(contiv_object_attr_count(0), 0);
	ck_assert_uint_eq(contiv_object_attr_count(__CONTIV_OBJECT_MAX), 0);
}
END_TEST

START_TEST(attr_lookups)
{
	/* every attribute's name maps back to it; types are valid */
	for (uint32_t k = 1; k < __CONTIV_OBJECT_MAX; k++) {
		for (uint32_t a = 0; a < contiv_object_attr_count(k); a++) {
			const char *name = contiv_object_attr_name(k, a);
			uint32_t type = contiv_object_attr_type(k, a);

			ck_assert_ptr_nonnull(name);
			ck_assert_int_eq(contiv_object_attr_from_name(k, name), (int)a);
			ck_assert(type >= CONTIV_ATTR_STR && type <= CONTIV_ATTR_LIST);
		}
		ck_assert_ptr_null(contiv_object_attr_name(k, contiv_object_attr_count(k)));
		ck_assert_uint_eq(contiv_object_attr_type(k, contiv_object_attr_count(k)), 0);
		ck_assert_int_eq(contiv_object_attr_from_name(k, "nosuchfield"), -ENOENT);
		ck_assert_int_eq(contiv_object_attr_from_name(k, "key"), -ENOENT);
	}
	ck_assert_str_eq(contiv_object_attr_name(N, CONTIV_NETWORK_IPV6_GATEWAY), "ipv6Gateway");
	ck_assert_str_eq(contiv_object_attr_name(NP, CONTIV_NETPROFILE_DSCP), "DSCP");
	ck_assert_str_eq(contiv_object_attr_name(G, CONTIV_GROUP_EXT_CONTRACTS), "extContractsGrps");
	ck_assert_str_eq(contiv_object_attr_name(E, CONTIV_ENDPOINT_ID), "endpointID");
	ck_assert_uint_eq(contiv_object_attr_type(N, CONTIV_NETWORK_PKT_TAG), CONTIV_ATTR_U32);
	ck_assert_uint_eq(contiv_object_attr_type(G, CONTIV_GROUP_POLICIES), CONTIV_ATTR_LIST);
	ck_assert_uint_eq(contiv_object_attr_type(R, CONTIV_RULE_PROTOCOL), CONTIV_ATTR_STR);
	ck_assert_int_eq(contiv_object_attr_from_name(R, "Priority"), -ENOENT);
	ck_assert_int_eq(contiv_object_attr_from_name(0, "priority"), -EINVAL);
	ck_assert_int_eq(contiv_object_attr_from_name(R, NULL), -EINVAL);
	ck_assert_ptr_null(contiv_object_attr_name(0, 0));
	ck_assert_uint_eq(contiv_object_attr_type(__CONTIV_OBJECT_MAX, 0), 0);
}
END_TEST

START_TEST(null_arguments)
{
	struct contiv_object *obj = model_new(CONTIV_OBJECT_NETWORK), *ret = NULL;
	char *text = NULL;
	uint64_t bps = 7;

	ck_assert_int_eq(contiv_object_new(NULL, T, &ret), -EINVAL);
	ck_assert_int_eq(contiv_object_new(model_ctx, T, NULL), -EINVAL);
	ck_assert_ptr_null(contiv_object_ref(NULL));
	ck_assert_ptr_null(contiv_object_unref(NULL));
	ck_assert_int_eq(contiv_object_dup(NULL, &ret), -EINVAL);
	ck_assert_int_eq(contiv_object_dup(obj, NULL), -EINVAL);
	ck_assert_uint_eq(contiv_object_get_kind(NULL), 0);
	ck_assert_int_eq(contiv_object_set_str(NULL, 0, "x"), -EINVAL);
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_NETWORK_NAME, NULL), -EINVAL);
	ck_assert_int_eq(contiv_object_set_u32(NULL, 0, 1), -EINVAL);
	ck_assert_int_eq(contiv_object_set_from_string(NULL, 0, "x"), -EINVAL);
	ck_assert_int_eq(contiv_object_set_from_string(obj, CONTIV_NETWORK_NAME, NULL), -EINVAL);
	errno = 0;
	ck_assert_ptr_null(contiv_object_get_str(NULL, 0));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(contiv_object_get_u32(NULL, 0), 0);
	ck_assert(!contiv_object_is_set(NULL, 0));
	ck_assert_int_eq(contiv_object_unset(NULL, 0), -EINVAL);
	ck_assert_int_eq(contiv_object_unset(obj, __CONTIV_NETWORK_MAX), -EINVAL);
	ck_assert_int_eq(contiv_object_list_add(NULL, 0, "x"), -EINVAL);
	ck_assert_int_eq(contiv_object_list_del(NULL, 0, "x"), -EINVAL);
	ck_assert_uint_eq(contiv_object_list_count(NULL, 0), 0);
	ck_assert_ptr_null(contiv_object_list_get(NULL, 0, 0));
	errno = 0;
	ck_assert_ptr_null(contiv_object_get_key(NULL));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(contiv_object_validate(NULL), -EINVAL);
	ck_assert_int_eq(contiv_object_to_json(NULL, 0, &text), -EINVAL);
	ck_assert_int_eq(contiv_object_to_json(obj, 0, NULL), -EINVAL);
	ck_assert_int_eq(contiv_object_to_json(obj, 1u << 5, &text), -EINVAL);
	ck_assert_ptr_null(text);
	ck_assert_int_eq(contiv_object_from_json(NULL, T, "{}", &ret), -EINVAL);
	ck_assert_int_eq(contiv_object_from_json(model_ctx, T, NULL, &ret), -EINVAL);
	ck_assert_int_eq(contiv_object_from_json(model_ctx, T, "{}", NULL), -EINVAL);
	ck_assert_int_eq(contiv_object_from_json(model_ctx, 0, "{}", &ret), -EINVAL);
	ck_assert_int_eq(contiv_bandwidth_parse(NULL, "1k", &bps), -EINVAL);
	ck_assert_int_eq(contiv_bandwidth_parse(model_ctx, NULL, &bps), -EINVAL);
	ck_assert_int_eq(contiv_bandwidth_parse(model_ctx, "1k", NULL), -EINVAL);
	ck_assert_int_eq(contiv_bandwidth_format(1, NULL, 8), -EINVAL);
	ck_assert_ptr_null(ret);
	ck_assert_uint_eq(bps, 7);
	contiv_object_unref(obj);
}
END_TEST

/* Objects hold their context; refs count. */
START_TEST(lifetime)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_object *obj = NULL;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_int_eq(contiv_object_new(ctx, CONTIV_OBJECT_TENANT, &obj), 0);
	ck_assert_ptr_null(contiv_ctx_unref(ctx));	/* the object keeps it alive */
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_TENANT_NAME, "x y"), -EINVAL);
	ck_assert_ptr_eq(contiv_object_ref(obj), obj);
	ck_assert_ptr_null(contiv_object_unref(obj));
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_TENANT_NAME, "default"), 0);
	ck_assert_uint_eq(contiv_object_get_kind(obj), CONTIV_OBJECT_TENANT);
	ck_assert_ptr_null(contiv_object_unref(obj));	/* frees object and context */
}
END_TEST

/* After fork() the child's calls fail with -ECHILD. */
START_TEST(after_fork)
{
	struct contiv_object *obj = model_new(CONTIV_OBJECT_TENANT), *dup = NULL;
	int status = 0;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ok = contiv_object_set_str(obj, CONTIV_TENANT_NAME, "a") == -ECHILD &&
			 contiv_object_unset(obj, 0) == -ECHILD &&
			 contiv_object_validate(obj) == -ECHILD &&
			 contiv_object_dup(obj, &dup) == -ECHILD &&
			 contiv_object_new(model_ctx, T, &dup) == -ECHILD &&
			 contiv_object_from_json(model_ctx, T, "{}", &dup) == -ECHILD &&
			 !contiv_object_is_set(obj, 0);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	contiv_object_unref(obj);
}
END_TEST

Suite *make_model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("object");

	tcase_add_checked_fixture(tc, model_setup, model_teardown);
	tcase_add_loop_test(tc, set_table, 0, (int)(sizeof(set_cases) / sizeof(set_cases[0])));
	tcase_add_test(tc, set_typed);
	tcase_add_test(tc, set_failure_keeps_value);
	tcase_add_test(tc, error_messages);
	tcase_add_test(tc, overlong_input);
	tcase_add_test(tc, defaults);
	tcase_add_loop_test(tc, validate_table, 0,
			    (int)(sizeof(validate_cases) / sizeof(validate_cases[0])));
	tcase_add_test(tc, list_ops);
	tcase_add_test(tc, dup_equal);
	tcase_add_loop_test(tc, key_table, 0, (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(tc, key_invalidation);
	tcase_add_test(tc, kind_lookups);
	tcase_add_test(tc, attr_lookups);
	tcase_add_test(tc, null_arguments);
	tcase_add_test(tc, lifetime);
	tcase_add_test(tc, after_fork);
	suite_add_tcase(s, tc);
	model_add_json_tcases(s);
	return s;
}
