/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * master: the REST API through contiv_master_handle() over a fresh SQLite
 * store per test; Contiv's netmaster unit tests (objapi_test.go) ported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-master.h"
#include "check-suites.h"

#define NET(t, n) "/api/v1/networks/" t ":" n "/"
#define GRP(t, g) "/api/v1/endpointGroups/" t ":" g "/"

static void net(const char *tenant, const char *name, const char *encap, int tag,
		const char *subnet, const char *gw, int status)
{
	char path[256], body[512];

	snprintf(path, sizeof(path), "/api/v1/networks/%s:%s/", tenant, name);
	snprintf(body, sizeof(body),
		 "{\"tenantName\":\"%s\",\"networkName\":\"%s\",\"encap\":\"%s\",\"pktTag\":%d,"
		 "\"subnet\":\"%s\"%s%s%s}",
		 tenant, name, encap, tag, subnet, gw ? ",\"gateway\":\"" : "", gw ? gw : "",
		 gw ? "\"" : "");
	mreq("POST", path, body, status);
}

static void tenant(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/tenants/%s/", name);
	mreq("POST", path, "{}", 200);
}

static void ep(const char *id, const char *tenant, const char *network, const char *group,
	       const char *want, int status)
{
	char path[256], body[512];

	snprintf(path, sizeof(path), "/api/v1/endpoints/%s/", id);
	snprintf(body, sizeof(body),
		 "{\"tenantName\":\"%s\",\"networkName\":\"%s\"%s%s%s%s%s%s,\"containerID\":\"c-%s\"}",
		 tenant, network, group ? ",\"groupName\":\"" : "", group ? group : "",
		 group ? "\"" : "", want ? ",\"ipAddress\":\"" : "", want ? want : "",
		 want ? "\"" : "", id);
	mreq("POST", path, body, status);
}

/* ---- tenants ---- */

START_TEST(tenant_add_delete)
{
	static const char *const invalid[] = { "tenant:invalid", "tenant|invalid",
		"tenant\\\\invalid", "tenant#invalid", "-tenant", "tenant@invalid",
		"tenant!invalid", "tenant~invalid", "tenant*invalid", "tenant^invalid",
		"in_valid", "ten ant" };
	char path[256], body[256];

	master_test_begin("tenant_add_delete");
	mexpect("POST", "/api/v1/tenants/t1/", "{\"tenantName\":\"t1\"}", 200, "\"tenantName\":\"t1\"");
	mexpect("GET", "/api/v1/tenants/t1/", NULL, 200, "\"tenantName\":\"t1\"");
	mexpect("GET", "/api/v1/tenants/", NULL, 200, "{\"tenantName\":\"t1\"}");
	mexpect("GET", "/api/v1/tenants/", NULL, 200, "{\"tenantName\":\"default\"}");
	/* identical re-post: 200; a change: 409 */
	mreq("POST", "/api/v1/tenants/t1/", "{\"tenantName\":\"t1\"}", 200);
	mreject("POST", "/api/v1/tenants/t1/", "{\"tenantName\":\"t1\",\"defaultNetwork\":\"n\"}",
		409, "tenant parameters cannot change after creation (field defaultNetwork)");
	mexpect("DELETE", "/api/v1/tenants/t1/", NULL, 200, "\"t1\"");
	mreject("GET", "/api/v1/tenants/t1/", NULL, 404, "tenant \\\"t1\\\" not found");
	mreject("DELETE", "/api/v1/tenants/t1/", NULL, 404, "not found");
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/tenants/x/");
		snprintf(body, sizeof(body), "{\"tenantName\":\"%s\"}", invalid[i]);
		mreject("POST", path, body, 400, "tenantName");
	}
	/* body name not matching the URL key */
	mreject("POST", "/api/v1/tenants/t2/", "{\"tenantName\":\"t3\"}", 400,
		"tenantName \\\"t3\\\" in body does not match key \\\"t2\\\" in URL");
	/* 65 characters */
	mreject("POST", "/api/v1/tenants/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/", "{}",
		400, "tenantName");
	mreject("POST", "/api/v1/tenants/a%20b/", "{}", 400, "tenantName");
}
END_TEST

START_TEST(tenant_delete_in_use)
{
	master_test_begin("tenant_delete_in_use");
	tenant("t1");
	net("t1", "n1", "vxlan", 0, "10.1.1.0/24", NULL, 200);
	mreq("POST", GRP("t1", "g1"), "{\"networkName\":\"n1\"}", 200);
	mreq("POST", "/api/v1/policys/t1:p1/", "{}", 200);
	mreq("POST", "/api/v1/netprofiles/t1:np1/", "{\"bandwidth\":\"10 Mbps\"}", 200);
	mreject("DELETE", "/api/v1/tenants/t1/", NULL, 409, "endpointGroups");
	mreq("DELETE", GRP("t1", "g1"), NULL, 200);
	mreject("DELETE", "/api/v1/tenants/t1/", NULL, 409, "policys");
	mreq("DELETE", "/api/v1/policys/t1:p1/", NULL, 200);
	mreject("DELETE", "/api/v1/tenants/t1/", NULL, 409, "netprofiles");
	mreq("DELETE", "/api/v1/netprofiles/t1:np1/", NULL, 200);
	mreject("DELETE", "/api/v1/tenants/t1/", NULL, 409, "networks (e.g. \\\"t1:n1\\\")");
	mreq("DELETE", NET("t1", "n1"), NULL, 200);
	mreq("DELETE", "/api/v1/tenants/t1/", NULL, 200);
}
END_TEST

/* ---- networks ---- */

START_TEST(network_add_delete)
{
	master_test_begin("network_add_delete");
	net("default", "contiv", "vxlan", 1, "10.1.1.0/24", "10.1.1.254", 200);
	mexpect("GET", NET("default", "contiv"), NULL, 200, "\"subnet\":\"10.1.1.0/24\"");
	net("default", "vlan1", "vlan", 1, "10.2.1.0/24", "10.2.1.254", 200);
	net("default", "nogw", "vxlan", 0, "10.3.1.0/24", NULL, 200);
	net("default", "range", "vxlan", 0, "10.4.1.10-10.4.1.40/24", NULL, 200);
	mreq("POST", NET("default", "v6"),
	     "{\"subnet\":\"10.5.1.0/24\",\"ipv6Subnet\":\"2001::/100\",\"ipv6Gateway\":\"2001::1\"}", 200);
	mreq("POST", NET("default", "infra"), "{\"nwType\":\"infra\",\"subnet\":\"10.6.1.0/24\"}", 200);
	/* identical re-post 200; change 409 */
	net("default", "contiv", "vxlan", 1, "10.1.1.0/24", "10.1.1.254", 200);
	mreject("POST", NET("default", "contiv"),
		"{\"encap\":\"vxlan\",\"pktTag\":1,\"subnet\":\"10.1.1.0/24\",\"gateway\":\"10.1.1.1\"}",
		409, "network parameters cannot change after creation (field gateway)");
	/* invalid */
	mreject("POST", NET("default", "in:valid"), "{\"subnet\":\"10.9.1.0/24\"}", 400, "key");
	mreject("POST", NET("default", "-bad"), "{\"subnet\":\"10.9.1.0/24\"}", 400, "networkName");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"nwType\":\"bogus\"}", 400, "nwType");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"encap\":\"gre\"}", 400, "encap");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"cfgdTag\":\"tag=x\"}", 400, "cfgdTag");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"cfgdTag\":\"a/b\"}", 400, "cfgdTag");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/33\"}", 400, "subnet");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.1/32\"}", 400, "10.9.1.1/32");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"ipv6Subnet\":\"2001::/128\"}", 400, "2001::/128");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"gateway\":\"10.9.2.1\"}", 400,
		"gateway \\\"10.9.2.1\\\"");
	mreject("POST", NET("nope", "n9"), "{\"subnet\":\"10.9.1.0/24\"}", 400,
		"tenant \\\"nope\\\" does not exist");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"encap\":\"vlan\",\"pktTag\":5000}",
		400, "pktTag");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"encap\":\"vxlan\",\"pktTag\":20000}",
		400, "outside the global vxlans range \\\"1-10000\\\"");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"pktTag\":1}", 409,
		"pktTag 1 is already used");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"pktTag\":\"1\"}", 400,
		"expected an integer");
	mreject("POST", NET("default", "n9"), "{\"subnet\":\"10.9.1.0/24\",\"color\":\"red\"}", 400,
		"unknown field \\\"color\\\"");
	mreject("DELETE", NET("default", "missing"), NULL, 404, "network \\\"default:missing\\\" not found");
	mexpect("DELETE", NET("default", "contiv"), NULL, 200, "\"default:contiv\"");
	mexpect("DELETE", NET("default", "v6"), NULL, 200, "\"default:v6\"");
	/* the freed tag can be had again */
	net("default", "again", "vxlan", 1, "10.1.1.0/24", NULL, 200);
}
END_TEST

START_TEST(overlapping_subnets)
{
	master_test_begin("overlapping_subnets");
	tenant("other");
	net("default", "n1", "vxlan", 0, "10.1.1.0/24", NULL, 200);
	mreject("POST", NET("default", "n2"), "{\"subnet\":\"10.1.1.0/24\"}", 409,
		"overlaps subnet \\\"10.1.1.0/24\\\" of network \\\"default:n1\\\"");
	mreject("POST", NET("default", "n2"), "{\"subnet\":\"10.1.0.0/16\",\"encap\":\"vlan\"}", 409, "overlaps");
	mreject("POST", NET("default", "n2"), "{\"subnet\":\"10.1.1.100-10.1.1.120/24\"}", 409, "overlaps");
	net("other", "n2", "vxlan", 0, "10.1.1.0/24", NULL, 200);	/* other tenant: fine */
	net("default", "n3", "vxlan", 0, "10.1.2.0/24", NULL, 200);
	mreq("POST", NET("default", "v6a"), "{\"subnet\":\"10.7.1.0/24\",\"ipv6Subnet\":\"2001:db8::/64\"}", 200);
	mreject("POST", NET("default", "v6b"), "{\"subnet\":\"10.8.1.0/24\",\"ipv6Subnet\":\"2001:db8::/100\"}",
		409, "ipv6Subnet");
	mreq("POST", NET("other", "v6b"), "{\"subnet\":\"10.8.1.0/24\",\"ipv6Subnet\":\"2001:db8::/100\"}", 200);
}
END_TEST

START_TEST(network_pkt_ranges)
{
	master_test_begin("network_pkt_ranges");
	net("default", "a", "vlan", 0, "10.1.1.0/24", NULL, 200);
	mexpect("GET", "/api/v1/inspect/networks/default:a/", NULL, 200, "\"pktTag\":1");
	net("default", "b", "vlan", 0, "10.1.2.0/24", NULL, 200);
	mexpect("GET", "/api/v1/inspect/networks/default:b/", NULL, 200, "\"pktTag\":2");
	net("default", "c", "vxlan", 0, "10.1.3.0/24", NULL, 200);
	mexpect("GET", "/api/v1/inspect/networks/default:c/", NULL, 200, "\"externalPktTag\":1");
	mreject("POST", NET("default", "d"), "{\"encap\":\"vlan\",\"pktTag\":2,\"subnet\":\"10.1.4.0/24\"}",
		409, "pktTag 2");
	mreq("POST", "/api/v1/globals/global/", "{\"vlans\":\"1-100\"}", 200);
	mreject("POST", NET("default", "d"), "{\"encap\":\"vlan\",\"pktTag\":200,\"subnet\":\"10.1.4.0/24\"}",
		400, "outside the global vlans range \\\"1-100\\\"");
	net("default", "d", "vlan", 100, "10.1.4.0/24", NULL, 200);
}
END_TEST

/* ---- global ---- */

START_TEST(global_setting)
{
	static const char *const bad[] = {
		"{\"vlans\":\"1-5000\"}", "{\"vlans\":\"0-4094\"}", "{\"vlans\":\"1\"}",
		"{\"vlans\":\"1?2\"}", "{\"vlans\":\"abcd\"}", "{\"vxlans\":\"1-100000\"}",
		"{\"vxlans\":\"1-20000\"}", "{\"pvtSubnet\":\"172.20.0.0/24\"}",
		"{\"networkInfraType\":\"bogus\"}", "{\"fwdMode\":\"bogus\"}",
	};

	master_test_begin("global_setting");
	mexpect("GET", "/api/v1/globals/global/", NULL, 200, "\"fwdMode\":\"bridge\"");
	mexpect("GET", "/api/v1/globals/", NULL, 200, "\"vlans\":\"1-4094\"");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		mreject("POST", "/api/v1/globals/global/", bad[i], 400, "global");
	mreject("POST", "/api/v1/globals/other/", "{}", 400, "name");
	mreq("POST", "/api/v1/globals/global/", "{\"networkInfraType\":\"aci\",\"arpMode\":\"flood\"}", 200);
	mexpect("GET", "/api/v1/globals/global/", NULL, 200, "\"arpMode\":\"flood\"");
	mreject("DELETE", "/api/v1/globals/global/", NULL, 405, "cannot be deleted");
	mexpect("GET", "/api/v1/inspect/globals/global/", NULL, 200, "\"clusterMode\":\"docker\"");
	/* restart keeps stored values */
	ck_assert_int_eq(contiv_master_init(mm), 0);
	mexpect("GET", "/api/v1/globals/global/", NULL, 200, "\"arpMode\":\"flood\"");
}
END_TEST

START_TEST(global_fwd_mode_subnet)
{
	master_test_begin("global_fwd_mode_subnet");
	mreq("POST", "/api/v1/globals/global/", "{\"fwdMode\":\"routing\"}", 200);
	net("default", "n1", "vxlan", 0, "10.1.1.0/24", NULL, 200);
	mreject("POST", "/api/v1/globals/global/", "{\"fwdMode\":\"bridge\"}", 409,
		"cannot change fwdMode from \\\"routing\\\" to \\\"bridge\\\" while 1 networks exist");
	mreject("POST", "/api/v1/globals/global/", "{\"fwdMode\":\"routing\",\"pvtSubnet\":\"172.30.0.0/16\"}",
		409, "pvtSubnet");
	mreq("DELETE", NET("default", "n1"), NULL, 200);
	mreq("POST", "/api/v1/globals/global/", "{\"fwdMode\":\"bridge\",\"pvtSubnet\":\"172.30.0.0/16\"}", 200);
}
END_TEST

START_TEST(dynamic_vlan_vxlan_range)
{
	master_test_begin("dynamic_vlan_vxlan_range");
	net("default", "v", "vlan", 300, "10.1.1.0/24", NULL, 200);
	net("default", "x", "vxlan", 5000, "10.1.2.0/24", NULL, 200);
	mreject("POST", "/api/v1/globals/global/", "{\"vlans\":\"1-200\"}", 409, "300");
	mreject("POST", "/api/v1/globals/global/", "{\"vxlans\":\"1-4000\"}", 409, "5000");
	mreq("POST", "/api/v1/globals/global/", "{\"vlans\":\"100-1000\",\"vxlans\":\"4000-9000\"}", 200);
	mexpect("GET", "/api/v1/inspect/globals/global/", NULL, 200, "\"vlansInUse\":\"300\"");
	mexpect("GET", "/api/v1/inspect/globals/global/", NULL, 200, "\"vxlansInUse\":\"5000\"");
	mreject("POST", NET("default", "y"), "{\"encap\":\"vlan\",\"pktTag\":50,\"subnet\":\"10.1.3.0/24\"}",
		400, "outside");
	net("default", "y", "vlan", 0, "10.1.3.0/24", NULL, 200);
	mexpect("GET", "/api/v1/inspect/networks/default:y/", NULL, 200, "\"pktTag\":100");
	mreq("POST", "/api/v1/globals/global/", "{\"vlans\":\"1-4094\",\"vxlans\":\"1-10000\"}", 200);
}
END_TEST

/* ---- groups, policies, rules, netprofiles ---- */

START_TEST(epg_policies)
{
	master_test_begin("epg_policies");
	net("default", "n1", "vxlan", 0, "10.1.1.0/24", NULL, 200);
	mreq("POST", "/api/v1/policys/default:p1/", "{}", 200);
	mreq("POST", "/api/v1/policys/default:p2/", "{}", 200);
	mexpect("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"policies\":[\"p1\"]}", 200,
		"\"policies\":[\"p1\"]");
	mexpect("GET", "/api/v1/inspect/endpointGroups/default:g1/", NULL, 200, "\"groupId\":1");
	/* update policies: allowed */
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"policies\":[\"p1\",\"p2\"]}", 200);
	mexpect("GET", GRP("default", "g1"), NULL, 200, "[\"p1\",\"p2\"]");
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"policies\":[\"p3\"]}", 400,
		"policy \\\"default:p3\\\" does not exist");
	mreject("POST", GRP("default", "g2"), "{\"networkName\":\"nx\"}", 400,
		"network \\\"default:nx\\\" does not exist");
	mreject("POST", GRP("nope", "g2"), "{\"networkName\":\"n1\"}", 400, "tenant \\\"nope\\\" does not exist");
	mreject("POST", GRP("default", "n1"), "{\"networkName\":\"n1\"}", 409, "name clashes with network");
	mreject("POST", NET("default", "g1"), "{\"subnet\":\"10.9.9.0/24\"}", 409, "name clashes with endpoint group");
	net("default", "n2", "vxlan", 0, "10.1.2.0/24", NULL, 200);
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n2\",\"policies\":[\"p1\",\"p2\"]}", 409,
		"networkName cannot change");
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"extContractsGrps\":[\"e1\"]}", 400,
		"external contracts group");
	mreject("DELETE", "/api/v1/policys/default:p1/", NULL, 409,
		"policy \\\"default:p1\\\" is in use by endpoint group \\\"default:g1\\\"");
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\"}", 200);	/* detach */
	mreject("DELETE", NET("default", "n1"), NULL, 409, "in use by endpoint group");
	mreq("DELETE", "/api/v1/policys/default:p1/", NULL, 200);
	mreq("DELETE", GRP("default", "g1"), NULL, 200);
	mreq("DELETE", NET("default", "n1"), NULL, 200);
	/* group id is reused */
	mreq("POST", GRP("default", "g3"), "{\"networkName\":\"n2\"}", 200);
	mexpect("GET", "/api/v1/inspect/endpointGroups/default:g3/", NULL, 200, "\"groupId\":1");
}
END_TEST

START_TEST(policy_rules)
{
	master_test_begin("policy_rules");
	net("default", "n1", "vxlan", 0, "10.1.1.0/24", NULL, 200);
	mreq("POST", "/api/v1/policys/default:p1/", "{}", 200);
	mreq("POST", "/api/v1/policys/default:p1/", "{}", 200);	/* update: no-op */
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"policies\":[\"p1\"]}", 200);
	mexpect("POST", "/api/v1/rules/default:p1:1/",
		"{\"direction\":\"in\",\"protocol\":\"tcp\",\"port\":80,\"action\":\"allow\",\"fromEndpointGroup\":\"g1\"}",
		200, "\"ruleId\":\"1\"");
	mreq("POST", "/api/v1/rules/default:p1:1/",
	     "{\"direction\":\"in\",\"protocol\":\"tcp\",\"port\":80,\"action\":\"allow\",\"fromEndpointGroup\":\"g1\"}", 200);
	mreject("POST", "/api/v1/rules/default:p1:1/",
		"{\"direction\":\"in\",\"protocol\":\"tcp\",\"port\":81,\"action\":\"allow\"}", 409,
		"rule parameters cannot change after creation (field port)");
	mreject("POST", "/api/v1/rules/default:p1:2/", "{\"direction\":\"both\",\"action\":\"allow\"}", 400, "direction");
	mreject("POST", "/api/v1/rules/default:p1:2/", "{\"direction\":\"in\",\"action\":\"accept\"}", 400, "action");
	mreject("POST", "/api/v1/rules/default:p1:2/", "{\"direction\":\"in\",\"protocol\":\"xyz\",\"action\":\"allow\"}",
		400, "protocol");
	mreject("POST", "/api/v1/rules/default:p1:2/",
		"{\"direction\":\"in\",\"toEndpointGroup\":\"g1\",\"action\":\"allow\"}", 400, "toEndpointGroup");
	mreject("POST", "/api/v1/rules/default:p1:2/",
		"{\"direction\":\"out\",\"fromNetwork\":\"n1\",\"action\":\"allow\"}", 400, "fromNetwork");
	mreject("POST", "/api/v1/rules/default:p1:2/",
		"{\"direction\":\"in\",\"fromEndpointGroup\":\"gx\",\"action\":\"allow\"}", 400,
		"fromEndpointGroup \\\"default:gx\\\" does not exist");
	mreject("POST", "/api/v1/rules/default:p1:2/",
		"{\"direction\":\"out\",\"toNetwork\":\"nx\",\"action\":\"allow\"}", 400, "toNetwork \\\"default:nx\\\"");
	mreject("POST", "/api/v1/rules/default:px:2/", "{\"direction\":\"in\",\"action\":\"allow\"}", 400,
		"policy \\\"default:px\\\" does not exist");
	/* in + toIpAddress: the IP must be an endpoint of the one group */
	mreject("POST", "/api/v1/rules/default:p1:3/",
		"{\"direction\":\"in\",\"toIpAddress\":\"10.1.1.1\",\"action\":\"allow\"}", 400,
		"is not the address of an endpoint");
	ep("e1", "default", "n1", "g1", NULL, 200);
	mreq("POST", "/api/v1/rules/default:p1:3/",
	     "{\"direction\":\"in\",\"toIpAddress\":\"10.1.1.1\",\"action\":\"allow\"}", 200);
	mreq("POST", GRP("default", "g2"), "{\"networkName\":\"n1\",\"policies\":[\"p1\"]}", 200);
	mreject("POST", "/api/v1/rules/default:p1:4/",
		"{\"direction\":\"in\",\"toIpAddress\":\"10.1.1.1\",\"action\":\"allow\"}", 400,
		"attached to 2");
	mexpect("GET", "/api/v1/inspect/policys/default:p1/", NULL, 200, "\"numEndpoints\":1");
	mexpect("GET", "/api/v1/inspect/rules/default:p1:1/", NULL, 200, "\"Oper\":{}");
	mexpect("GET", "/api/v1/rules/", NULL, 200, "\"ruleId\":\"3\"");
	mreq("DELETE", "/api/v1/rules/default:p1:3/", NULL, 200);
	mreject("DELETE", "/api/v1/rules/default:p1:3/", NULL, 404, "rule");
	/* deleting a policy deletes its rules */
	mreq("DELETE", "/api/v1/endpoints/e1/", NULL, 200);
	mreq("DELETE", GRP("default", "g1"), NULL, 200);
	mreq("DELETE", GRP("default", "g2"), NULL, 200);
	mreq("DELETE", "/api/v1/policys/default:p1/", NULL, 200);
	mexpect("GET", "/api/v1/rules/", NULL, 200, "[]");
}
END_TEST

START_TEST(netprofile)
{
	static const char *const good[] = { "10 Gbps", "10 Gb", "5Gb", "4g", "4G", "3gbps", "500Kbps", "" };
	static const char *const bad[] = { "0 Gbps", "Gbps", " 10 Gbps", "10 ms" };
	char body[128];

	master_test_begin("netprofile");
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(body, sizeof(body), "{\"bandwidth\":\"%s\"}", good[i]);
		mreq("POST", "/api/v1/netprofiles/default:np/", body, 200);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"bandwidth\":\"%s\"}", bad[i]);
		mreject("POST", "/api/v1/netprofiles/default:np/", body, 400, "bandwidth");
	}
	mreject("POST", "/api/v1/netprofiles/default:np/", "{\"DSCP\":64}", 400, "DSCP");
	mreject("POST", "/api/v1/netprofiles/default:np/", "{\"DSCP\":72}", 400, "DSCP");
	mreject("POST", "/api/v1/netprofiles/default:np/", "{\"burst\":1}", 400, "burst");
	mreject("POST", "/api/v1/netprofiles/nope:np/", "{}", 400, "tenant \\\"nope\\\" does not exist");
	mreq("POST", "/api/v1/netprofiles/default:np/", "{\"bandwidth\":\"6Mbps\",\"burst\":80,\"DSCP\":10}", 200);
	net("default", "n1", "vxlan", 0, "10.1.1.0/24", NULL, 200);
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"netProfile\":\"np\"}", 200);
	mreject("POST", GRP("default", "g2"), "{\"networkName\":\"n1\",\"netProfile\":\"npx\"}", 400,
		"netprofile \\\"default:npx\\\" does not exist");
	/* update allowed while attached */
	mreq("POST", "/api/v1/netprofiles/default:np/", "{\"bandwidth\":\"16Mbps\",\"burst\":80}", 200);
	mexpect("GET", "/api/v1/netprofiles/default:np/", NULL, 200, "16Mbps");
	mexpect("GET", "/api/v1/inspect/netprofiles/default:np/", NULL, 200, "\"Oper\":{}");
	mreject("DELETE", "/api/v1/netprofiles/default:np/", NULL, 409, "in use by endpoint group");
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\"}", 200);	/* detach */
	mreq("DELETE", "/api/v1/netprofiles/default:np/", NULL, 200);
}
END_TEST

/* ---- endpoints ---- */

START_TEST(ep_create)
{
	master_test_begin("ep_create");
	net("default", "n1", "vxlan", 0, "60.1.1.0/24", "60.1.1.254", 200);
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\"}", 200);
	mexpect("POST", "/api/v1/endpoints/e1/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"groupName\":\"g1\",\"containerID\":\"abc\"}",
		200, "\"ipAddress\":\"60.1.1.1\"");
	mexpect("GET", "/api/v1/endpoints/e1/", NULL, 200, "\"macAddress\":\"02:02:3c:01:01:01\"");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"allocatedIPAddresses\":\"60.1.1.1, 60.1.1.254\"");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200, "\"numEndpoints\":1");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"availableIPAddresses\":\"60.1.1.2-60.1.1.253\"");
	mexpect("GET", "/api/v1/inspect/endpointGroups/default:g1/", NULL, 200, "\"numEndpoints\":1");
	mexpect("GET", "/api/v1/inspect/tenants/default/", NULL, 200, "\"totalEndpoints\":1");
	mexpect("GET", "/api/v1/inspect/endpoints/abc/", NULL, 200, "\"endpointID\":\"e1\"");
	mexpect("GET", "/api/v1/inspect/endpoints/e1/", NULL, 200, "\"Oper\"");
	mreject("GET", "/api/v1/inspect/endpoints/zzz/", NULL, 404, "no endpoint");
	mreject("POST", "/api/v1/endpoints/e2/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"groupName\":\"gx\"}", 400,
		"endpoint group \\\"default:gx\\\" does not exist");
	mreject("POST", "/api/v1/endpoints/e2/", "{\"tenantName\":\"default\",\"networkName\":\"nx\"}", 400,
		"network \\\"default:nx\\\" does not exist");
	mreject("POST", "/api/v1/endpoints/e2/", "{\"tenantName\":\"default\"}", 400, "networkName is required");
	/* idempotent re-POST; different network: 409 */
	mexpect("POST", "/api/v1/endpoints/e1/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"groupName\":\"g1\"}", 200,
		"\"ipAddress\":\"60.1.1.1\"");
	net("default", "n2", "vxlan", 0, "60.1.2.0/24", NULL, 200);
	mreject("POST", "/api/v1/endpoints/e1/", "{\"tenantName\":\"default\",\"networkName\":\"n2\"}", 409,
		"already exists");
	mreject("DELETE", GRP("default", "g1"), NULL, 409, "in use by 1 endpoints");
	mreject("DELETE", NET("default", "n1"), NULL, 409, "in use");
	mexpect("GET", "/api/v1/endpoints/", NULL, 200, "\"endpointID\":\"e1\"");
	mexpect("DELETE", "/api/v1/endpoints/e1/", NULL, 200, "\"e1\"");
	mreject("DELETE", "/api/v1/endpoints/e1/", NULL, 404, "not found");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"allocatedIPAddresses\":\"60.1.1.254\"");
	mreq("DELETE", GRP("default", "g1"), NULL, 200);
	mreq("DELETE", NET("default", "n1"), NULL, 200);
}
END_TEST

START_TEST(ep_allocation)
{
	master_test_begin("ep_allocation");
	net("default", "n1", "vxlan", 0, "10.1.1.0/29", "10.1.1.6", 200);	/* .1-.5 free */
	ep("a", "default", "n1", NULL, NULL, 200);
	mexpect("GET", "/api/v1/endpoints/a/", NULL, 200, "10.1.1.1\"");
	ep("b", "default", "n1", NULL, "10.1.1.4", 200);
	mexpect("GET", "/api/v1/endpoints/b/", NULL, 200, "10.1.1.4\"");
	mreject("POST", "/api/v1/endpoints/c/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"ipAddress\":\"10.1.1.4\"}", 409,
		"already allocated");
	mreject("POST", "/api/v1/endpoints/c/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"ipAddress\":\"10.1.1.6\"}", 409,
		"already allocated");
	mreject("POST", "/api/v1/endpoints/c/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"ipAddress\":\"10.2.1.1\"}", 400,
		"not an address of network");
	ep("c", "default", "n1", NULL, NULL, 200);
	mexpect("GET", "/api/v1/endpoints/c/", NULL, 200, "10.1.1.2\"");
	ep("d", "default", "n1", NULL, NULL, 200);
	ep("e", "default", "n1", NULL, NULL, 200);
	mexpect("GET", "/api/v1/endpoints/e/", NULL, 200, "10.1.1.5\"");
	mreject("POST", "/api/v1/endpoints/f/", "{\"tenantName\":\"default\",\"networkName\":\"n1\"}", 409,
		"address exhaustion in network \\\"default:n1\\\"");
	mreq("DELETE", "/api/v1/endpoints/c/", NULL, 200);
	ep("f", "default", "n1", NULL, NULL, 200);	/* reuses .2 */
	mexpect("GET", "/api/v1/endpoints/f/", NULL, 200, "10.1.1.2\"");
	/* IPv6 */
	mreq("POST", NET("default", "v6"),
	     "{\"subnet\":\"10.5.1.0/24\",\"ipv6Subnet\":\"2001:db8::/120\",\"ipv6Gateway\":\"2001:db8::1\"}", 200);
	ep("g", "default", "v6", NULL, NULL, 200);
	mexpect("GET", "/api/v1/endpoints/g/", NULL, 200, "\"ipv6Address\":\"2001:db8::2\"");
	/* bad ids */
	mreject("POST", "/api/v1/endpoints/a%20b/", "{\"tenantName\":\"default\",\"networkName\":\"n1\"}", 400,
		"printable ASCII");
}
END_TEST

START_TEST(group_ip_pool)
{
	master_test_begin("group_ip_pool");
	net("default", "n1", "vxlan", 0, "10.36.0.0/24", "10.36.0.254", 200);
	ep("x", "default", "n1", NULL, NULL, 200);	/* takes 10.36.0.1 */
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"ipPool\":\"10.36.0.1-10.36.0.10\"}",
		409, "10.36.0.1");
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"ipPool\":\"10.37.0.1-10.37.0.10\"}",
		400, "not inside");
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"ipPool\":\"10.36.0.300\"}", 400, "ipPool");
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"ipPool\":\"10.36.0.10-10.36.0.12\"}", 200);
	mreject("POST", GRP("default", "g1"), "{\"networkName\":\"n1\",\"ipPool\":\"10.36.0.10-10.36.0.13\"}",
		409, "ipPool cannot change");
	ep("p1", "default", "n1", "g1", NULL, 200);
	mexpect("GET", "/api/v1/endpoints/p1/", NULL, 200, "10.36.0.10\"");
	ep("p2", "default", "n1", "g1", NULL, 200);
	ep("p3", "default", "n1", "g1", NULL, 200);
	mexpect("GET", "/api/v1/endpoints/p3/", NULL, 200, "10.36.0.12\"");
	mreject("POST", "/api/v1/endpoints/p4/",
		"{\"tenantName\":\"default\",\"networkName\":\"n1\",\"groupName\":\"g1\"}", 409,
		"address exhaustion in the ipPool of endpoint group \\\"default:g1\\\"");
	ep("y", "default", "n1", NULL, NULL, 200);	/* network pool skips the carved range */
	mexpect("GET", "/api/v1/endpoints/y/", NULL, 200, "10.36.0.2\"");
	mexpect("GET", "/api/v1/inspect/endpointGroups/default:g1/", NULL, 200,
		"\"allocatedIPAddresses\":\"10.36.0.10-10.36.0.12\"");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"allocatedIPAddresses\":\"10.36.0.1-10.36.0.2, 10.36.0.10-10.36.0.12, 10.36.0.254\"");
	mreq("DELETE", "/api/v1/endpoints/p1/", NULL, 200);
	mreq("DELETE", "/api/v1/endpoints/p2/", NULL, 200);
	mreq("DELETE", "/api/v1/endpoints/p3/", NULL, 200);
	mreq("DELETE", GRP("default", "g1"), NULL, 200);
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"allocatedIPAddresses\":\"10.36.0.1-10.36.0.2, 10.36.0.254\"");
}
END_TEST

/* ---- protocol ---- */

START_TEST(bad_requests)
{
	char *big, *out = NULL;
	int r;

	master_test_begin("bad_requests");
	mreject("GET", "/api/v1/bogus/", NULL, 404, "unknown collection");
	mreject("GET", "/nothing", NULL, 404, "no such path");
	mreject("GET", "/api/v1/tenants/a/b/", NULL, 404, "unknown collection");
	mreject("PATCH", "/api/v1/tenants/t1/", "{}", 405, "PATCH");
	mreject("POST", "/api/v1/tenants/", "{}", 405, "not allowed");
	mreject("POST", "/version", "{}", 405, "not allowed");
	mreject("DELETE", "/api/v1/inspect/tenants/default/", NULL, 405, "not allowed");
	mreject("GET", "/plugin/allocAddress", NULL, 405, "not allowed");
	mreject("POST", "/api/v1/tenants/t1/", "{\"tenantName\":", 400, "malformed JSON");
	mreject("POST", "/api/v1/tenants/t1/", "[1,2]", 400, "expected an object");
	mreject("POST", "/api/v1/tenants/t1/", "\"t1\"", 400, "expected an object");
	mreject("POST", "/api/v1/tenants/t1/", "{\"tenantName\":\"t\xff\"}", 400, "malformed JSON");
	mreject("POST", "/api/v1/tenants/t1/", "", 400, "body missing");
	mreject("POST", "/api/v1/tenants/t1/", "{\"tenantName\":1}", 400, "expected a string");
	mreject("POST", "/plugin/allocAddress", "nope", 400, "malformed JSON");
	/* 413: larger than max_body (1 MiB by default) */
	big = malloc(10 * 1024 * 1024);
	memset(big, ' ', 10 * 1024 * 1024);
	big[0] = '{';
	r = contiv_master_handle(mm, "POST", "/api/v1/tenants/t1/", big, 10 * 1024 * 1024, &out);
	ck_assert_int_eq(r, 413);
	ck_assert_ptr_nonnull(strstr(out, "\"status\":413"));
	free(out);
	free(big);
	/* a NUL inside the body */
	r = contiv_master_handle(mm, "POST", "/api/v1/tenants/t1/", "{}\0{}", 5, &out);
	ck_assert_int_eq(r, 400);
	free(out);
	ck_assert_int_eq(contiv_master_handle(mm, "GET", NULL, NULL, 0, &out), -EINVAL);
	mexpect("GET", "/version", NULL, 200, "\"Version\":");
	mexpect("GET", "/info", NULL, 200, "\"current-state\":\"leader\"");
	mexpect("GET", "/metrics", NULL, 200, "contiv_objects{collection=\"tenants\"} 1");
	mexpect("GET", "/metrics", NULL, 200, "contiv_master_requests_total{method=\"POST\",status=\"400\"}");
}
END_TEST

START_TEST(watch_stream)
{
	const char *b;
	char path[128];
	long rev;

	master_test_begin("watch_stream");
	net("default", "n1", "vlan", 7, "10.1.1.0/24", NULL, 200);
	b = mreq("GET", "/api/v1/watch/?since=0", NULL, 200);
	ck_assert_ptr_nonnull(strstr(b, "\"snapshot\":true"));
	ck_assert_ptr_nonnull(strstr(b, "\"collection\":\"networks\",\"key\":\"default:n1\""));
	ck_assert_ptr_nonnull(strstr(b, "\"pktTag\":7"));
	ck_assert_ptr_nonnull(strstr(b, "\"collection\":\"tenants\",\"key\":\"default\""));
	rev = strtol(strstr(b, "\"revision\":") + 11, NULL, 10);
	ck_assert_int_gt(rev, 0);
	/* nothing new, timeout 0 */
	snprintf(path, sizeof(path), "/api/v1/watch/?since=%ld&timeout=0", rev);
	mexpect("GET", path, NULL, 200, "\"events\":[]");
	ep("e1", "default", "n1", NULL, NULL, 200);
	mreq("POST", "/api/v1/policys/default:p1/", "{}", 200);
	b = mreq("GET", path, NULL, 200);
	ck_assert_ptr_nonnull(strstr(b, "\"snapshot\":false"));
	ck_assert_ptr_nonnull(strstr(b, "\"collection\":\"endpoints\",\"key\":\"e1\""));
	ck_assert_ptr_nonnull(strstr(b, "\"type\":\"put\""));
	ck_assert_ptr_nonnull(strstr(b, "\"key\":\"default:p1\""));
	rev = strtol(strstr(b, "\"revision\":") + 11, NULL, 10);
	mreq("DELETE", "/api/v1/endpoints/e1/", NULL, 200);
	snprintf(path, sizeof(path), "/api/v1/watch/?since=%ld&timeout=100", rev);
	b = mreq("GET", path, NULL, 200);
	ck_assert_ptr_nonnull(strstr(b, "\"type\":\"delete\""));
	ck_assert_ptr_null(strstr(b, "default:p1"));
	mreject("GET", "/api/v1/watch/?since=abc", NULL, 400, "since");
	mreject("GET", "/api/v1/watch/?since=1&timeout=60001", NULL, 400, "timeout");
	/* a compacted revision answers a snapshot */
	{
		uint64_t now = 0;

		ck_assert_int_eq(contiv_store_get_revision(mt.store, &now), 0);
		ck_assert_int_eq(contiv_store_compact(mt.store, now), 0);
		mexpect("GET", "/api/v1/watch/?since=1", NULL, 200, "\"snapshot\":true");
	}
}
END_TEST

START_TEST(plugin_calls)
{
	const char *b;

	master_test_begin("plugin_calls");
	net("default", "n1", "vxlan", 0, "10.1.1.0/24", "10.1.1.254", 200);
	mreq("POST", GRP("default", "g1"), "{\"networkName\":\"n1\"}", 200);
	b = mreq("POST", "/plugin/allocAddress", "{\"NetworkID\":\"n1.default\",\"AddressPool\":\"\"}", 200);
	ck_assert_ptr_nonnull(strstr(b, "\"IPv4Address\":\"10.1.1.1/24\""));
	b = mreq("POST", "/plugin/allocAddress",
		 "{\"AddressPool\":\"10.1.1.0/24\",\"PreferredIPv4Address\":\"10.1.1.9\"}", 200);
	ck_assert_ptr_nonnull(strstr(b, "\"IPv4Address\":\"10.1.1.9/24\""));
	/* createEndpoint adopts the allocated address */
	b = mreq("POST", "/plugin/createEndpoint",
		 "{\"TenantName\":\"default\",\"NetworkName\":\"n1\",\"ServiceName\":\"g1\",\"EndpointID\":\"c1\","
		 "\"EPCommonName\":\"web\",\"ConfigEP\":{\"Container\":\"c1\",\"Host\":\"h1\",\"IPAddress\":\"10.1.1.1\"}}",
		 200);
	ck_assert_ptr_nonnull(strstr(b, "\"ipAddress\":\"10.1.1.1\""));
	ck_assert_ptr_nonnull(strstr(b, "\"id\":\"n1.default-c1\""));
	mexpect("GET", "/api/v1/endpoints/n1.default-c1/", NULL, 200, "\"homingHost\":\"h1\"");
	mreject("POST", "/plugin/releaseAddress", "{\"NetworkID\":\"n1.default\",\"IPv4Address\":\"10.1.1.1/24\"}",
		409, "in use by an endpoint");
	mexpect("POST", "/plugin/releaseAddress", "{\"NetworkID\":\"n1.default\",\"IPv4Address\":\"10.1.1.9/24\"}",
		200, "\"success\"");
	mexpect("POST", "/plugin/deleteEndpoint",
		"{\"TenantName\":\"default\",\"NetworkName\":\"n1\",\"ServiceName\":\"g1\",\"EndpointID\":\"c1\"}",
		200, "EndpointConfig");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"allocatedIPAddresses\":\"10.1.1.254\"");
	mreject("POST", "/plugin/allocAddress", "{\"NetworkID\":\"bogus\"}", 400, "NetworkID");
	mreject("POST", "/plugin/allocAddress", "{\"NetworkID\":\"nx.default\"}", 400, "does not exist");
	mreject("POST", "/plugin/nothing", "{}", 404, "unknown plugin call");
}
END_TEST

START_TEST(election)
{
	struct contiv_master *other = NULL;
	char *leader = NULL;
	CONTIV_OPTS(contiv_master_opts, o1, .self_url = "http://a:9999");
	CONTIV_OPTS(contiv_master_opts, o2, .self_url = "http://b:9999");
	struct contiv_master *a = NULL, *restarted = NULL;

	master_test_begin("election");
	ck_assert_int_eq(contiv_master_campaign(mm, 10, NULL), -EINVAL);	/* no self_url */
	ck_assert_int_eq(contiv_master_new(mt.ctx, mt.store, &o1, &a), 0);
	ck_assert_int_eq(contiv_master_new(mt.ctx, mt.store, &o2, &other), 0);
	ck_assert_int_eq(contiv_master_campaign(a, 10, &leader), 1);
	ck_assert_str_eq(leader, "http://a:9999");
	free(leader);
	ck_assert_int_eq(contiv_master_campaign(other, 10, &leader), 0);
	ck_assert_str_eq(leader, "http://a:9999");
	free(leader);
	ck_assert_int_eq(contiv_master_campaign(a, 10, NULL), 1);	/* renewal */
	ck_assert_int_eq(contiv_master_resign(a), 0);
	ck_assert_int_eq(contiv_master_campaign(other, 10, NULL), 1);
	ck_assert_int_eq(contiv_master_campaign(a, 10, NULL), 0);
	/* a restart of the leader (same URL, old lease not held) takes over at once */
	ck_assert_int_eq(contiv_master_new(mt.ctx, mt.store, &o2, &restarted), 0);
	ck_assert_int_eq(contiv_master_campaign(restarted, 10, &leader), 1);
	ck_assert_str_eq(leader, "http://b:9999");
	free(leader);
	ck_assert_int_eq(contiv_master_campaign(a, 10, NULL), 0);
	contiv_master_unref(restarted);
	contiv_master_unref(a);
	contiv_master_unref(other);
}
END_TEST

/* 50 processes, each with its own context, store and master, allocate at once. */
static int alloc_child(const struct store_test *t, int i)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_store *store = NULL;
	struct contiv_master *m = NULL;
	char path[64], body[128], *out = NULL;
	int r;

	if (store_test_open(t, &ctx, &store) < 0 || contiv_master_new(ctx, store, NULL, &m) < 0)
		return 2;
	snprintf(path, sizeof(path), "/api/v1/endpoints/c%d/", i);
	snprintf(body, sizeof(body), "{\"tenantName\":\"default\",\"networkName\":\"n1\"}");
	r = contiv_master_handle(m, "POST", path, body, strlen(body), &out);
	if (r != 200)
		fprintf(stderr, "child %d: %d %s\n", i, r, out ? out : "");
	free(out);
	contiv_master_unref(m);
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	return r == 200 ? 0 : 1;
}

START_TEST(concurrent_allocations)
{
	pid_t pids[50];
	char path[64];
	const char *b;
	char seen[256] = { 0 };

	master_test_begin("concurrent_allocations");
	net("default", "n1", "vxlan", 0, "10.9.0.0/24", "10.9.0.254", 200);
	for (int i = 0; i < 50; i++)
		pids[i] = store_test_fork(&mt, alloc_child, i);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(store_test_wait(pids[i]), 0);
	for (int i = 0; i < 50; i++) {
		const char *ip;
		int last;

		snprintf(path, sizeof(path), "/api/v1/endpoints/c%d/", i);
		b = mreq("GET", path, NULL, 200);
		ip = strstr(b, "\"ipAddress\":\"10.9.0.");
		ck_assert_ptr_nonnull(ip);
		last = atoi(ip + strlen("\"ipAddress\":\"10.9.0."));
		ck_assert_int_ge(last, 1);
		ck_assert_int_le(last, 50);
		ck_assert_msg(!seen[last], "address 10.9.0.%d handed out twice", last);
		seen[last] = 1;
	}
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200,
		"\"allocatedIPAddresses\":\"10.9.0.1-10.9.0.50, 10.9.0.254\"");
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200, "\"numEndpoints\":50");
	/* the lowest address freed is the next one handed out */
	b = mreq("GET", "/api/v1/endpoints/c7/", NULL, 200);
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(strstr(b, "10.9.0."), "\""), strstr(b, "10.9.0."));
	mreq("DELETE", "/api/v1/endpoints/c7/", NULL, 200);
	ep("again", "default", "n1", NULL, NULL, 200);
	mexpect("GET", "/api/v1/endpoints/again/", NULL, 200, path);
}
END_TEST

Suite *make_master_suite(void)
{
	Suite *s = suite_create("master");
	TCase *tc = master_tcase("rest");

	tcase_add_test(tc, tenant_add_delete);
	tcase_add_test(tc, tenant_delete_in_use);
	tcase_add_test(tc, network_add_delete);
	tcase_add_test(tc, overlapping_subnets);
	tcase_add_test(tc, network_pkt_ranges);
	tcase_add_test(tc, global_setting);
	tcase_add_test(tc, global_fwd_mode_subnet);
	tcase_add_test(tc, dynamic_vlan_vxlan_range);
	tcase_add_test(tc, epg_policies);
	tcase_add_test(tc, policy_rules);
	tcase_add_test(tc, netprofile);
	tcase_add_test(tc, ep_create);
	tcase_add_test(tc, ep_allocation);
	tcase_add_test(tc, group_ip_pool);
	tcase_add_test(tc, bad_requests);
	tcase_add_test(tc, watch_stream);
	tcase_add_test(tc, plugin_calls);
	tcase_add_test(tc, election);
	suite_add_tcase(s, tc);
	tc = master_tcase("concurrency");
	tcase_add_test(tc, concurrent_allocations);
	suite_add_tcase(s, tc);
	return s;
}
