/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netctl handlers: version, tenant, network, group, netprofile, global,
 * endpoint, and the object plumbing shared with netctl-policy.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <json-c/json.h>

#include "netctl.h"

/* --- shared plumbing --------------------------------------------------- */

int netctl_object_new(struct netctl *nc, unsigned kind, struct contiv_object **ret)
{
	int r = contiv_object_new(nc->ctx, kind, ret);

	return r < 0 ? netctl_fail(nc, r) : NETCTL_EXIT_OK;
}

int netctl_set(struct netctl *nc, struct contiv_object *obj, unsigned attr, const char *text)
{
	int r = contiv_object_set_from_string(obj, attr, text);

	return r < 0 ? netctl_fail(nc, r) : NETCTL_EXIT_OK;
}

int netctl_put(struct netctl *nc, struct contiv_object *obj)
{
	struct contiv_client *client;
	int r, ex = NETCTL_EXIT_OK;

	r = contiv_object_validate(obj);
	if (r < 0)
		return netctl_fail(nc, r);
	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_put_object(client, obj);
	return r < 0 ? netctl_fail(nc, r) : NETCTL_EXIT_OK;
}

int netctl_delete(struct netctl *nc, unsigned kind, const char *key)
{
	struct contiv_client *client;
	int r, ex = NETCTL_EXIT_OK;

	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_delete_object(client, kind, key);
	return r < 0 ? netctl_fail(nc, r) : NETCTL_EXIT_OK;
}

int netctl_check_exists(struct netctl *nc, unsigned kind, const char *key)
{
	struct contiv_client *client;
	struct contiv_object *obj = NULL;
	int r, ex = NETCTL_EXIT_OK;

	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_get_object(client, kind, key, &obj);
	contiv_object_unref(obj);
	return r < 0 ? netctl_fail(nc, r) : NETCTL_EXIT_OK;
}

/* "<tenant>:<name>" of the -t flag and the first argument. */
static const char *tkey(struct netctl *nc, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", netctl_str(nc, "tenant"), nc->args[0]);
	return buf;
}

/* --- version ----------------------------------------------------------- */

static const char *jstr(struct json_object *root, const char *name)
{
	struct json_object *v;

	if (root && json_object_object_get_ex(root, name, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return "";
}

int netctl_version(struct netctl *nc)
{
	struct contiv_client *client;
	struct json_object *root;
	char *body = NULL;
	long status = 0;
	int r, ex = NETCTL_EXIT_OK;

	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_request(client, "GET", "/version", NULL, &status, &body);
	if (r < 0)
		return netctl_fail(nc, r);
	if (status != 200) {
		r = netctl_error(NETCTL_EXIT_INVALID, "Status %ld in request response", status);
		contiv_free(body);
		return r;
	}
	root = json_tokener_parse(body);
	contiv_free(body);
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return netctl_error(NETCTL_EXIT_IO, "/version: the answer is not a JSON object");
	}
	printf("Client Version:\nVersion: %s\nGitCommit: %s\nBuildTime: %s\n\n", VERSION, "", "");
	printf("Server Version:\nVersion: %s\nGitCommit: %s\nBuildTime: %s\n",
	       jstr(root, "Version"), jstr(root, "GitCommit"), jstr(root, "BuildTime"));
	json_object_put(root);
	return NETCTL_EXIT_OK;
}

/* --- inspect ----------------------------------------------------------- */

int netctl_inspect(struct netctl *nc)
{
	uint32_t kind = contiv_object_kind_from_name(nc->cmd->group);
	char path[1024] = "/api/v1/inspect/", key[300];

	if (!kind && !strcmp(nc->cmd->group, "group"))
		kind = CONTIV_OBJECT_GROUP;
	if (kind == CONTIV_OBJECT_TENANT)
		snprintf(key, sizeof(key), "%s", nc->args[0]);
	else if (kind == CONTIV_OBJECT_GLOBAL)
		snprintf(key, sizeof(key), "global");
	else
		tkey(nc, key, sizeof(key));
	strncat(path, contiv_object_kind_collection(kind), sizeof(path) - strlen(path) - 1);
	if (netctl_path_append(path, sizeof(path), key) < 0)
		return netctl_error(NETCTL_EXIT_USAGE, "name too long");
	return netctl_get_and_print(nc, "%s/", path);
}

int netctl_endpoint_inspect(struct netctl *nc)
{
	char path[1024] = "/api/v1/inspect/endpoints";

	if (!nc->args[0][0] || !strcmp(nc->args[0], ".") || !strcmp(nc->args[0], ".."))
		return netctl_usage_error(nc, "Endpoint name required");
	if (netctl_path_append(path, sizeof(path), nc->args[0]) < 0)
		return netctl_error(NETCTL_EXIT_USAGE, "endpoint name too long");
	return netctl_get_and_print(nc, "%s/", path);
}

/* --- tenant ------------------------------------------------------------ */

int netctl_tenant_create(struct netctl *nc)
{
	struct contiv_object *obj = NULL;
	int r;

	r = netctl_object_new(nc, CONTIV_OBJECT_TENANT, &obj);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_TENANT_NAME, nc->args[0]);
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	if (!r)
		printf("Creating tenant: %s\n", nc->args[0]);
	return r;
}

int netctl_tenant_rm(struct netctl *nc)
{
	printf("Deleting tenant %s\n", nc->args[0]);
	fflush(stdout);
	return netctl_delete(nc, CONTIV_OBJECT_TENANT, nc->args[0]);
}

int netctl_tenant_ls(struct netctl *nc)
{
	static const unsigned cols[] = { CONTIV_TENANT_NAME };
	static const struct netctl_list_spec spec = {
		.kind = CONTIV_OBJECT_TENANT, .tenant_attr = -1, .name_attr = CONTIV_TENANT_NAME,
		.header = "Name\t\n------\t\n", .cols = cols, .n_cols = 1, .row_end = "\t\n",
	};

	return netctl_list_command(nc, &spec);
}

/* --- network ----------------------------------------------------------- */

static bool ip_valid(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int netctl_network_create(struct netctl *nc)
{
	static const struct {
		const char *flag;
		unsigned attr;
	} map[] = {
		{ "tenant", CONTIV_NETWORK_TENANT },
		{ "nw-type", CONTIV_NETWORK_NW_TYPE },
		{ "encap", CONTIV_NETWORK_ENCAP },
		{ "pkt-tag", CONTIV_NETWORK_PKT_TAG },
		{ "subnet", CONTIV_NETWORK_SUBNET },
		{ "gateway", CONTIV_NETWORK_GATEWAY },
		{ "subnetv6", CONTIV_NETWORK_IPV6_SUBNET },
		{ "gatewayv6", CONTIV_NETWORK_IPV6_GATEWAY },
		{ "nw-tag", CONTIV_NETWORK_CFGD_TAG },
	};
	const char *subnet = netctl_str(nc, "subnet"), *gw = netctl_str(nc, "gateway");
	const char *gw6 = netctl_str(nc, "gatewayv6");
	struct contiv_object *obj = NULL;
	int r;

	if (!subnet || !*subnet)
		return netctl_usage_error(nc, "Subnet is required");
	if (gw && *gw && !ip_valid(gw))
		return netctl_usage_error(nc, "Invalid gateway - Enter in A.B.C.D format");
	if (gw6 && *gw6 && !ip_valid(gw6))
		return netctl_usage_error(nc, "Invalid IPv6 gateway ");

	r = netctl_object_new(nc, CONTIV_OBJECT_NETWORK, &obj);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_NETWORK_NAME, nc->args[0]);
	for (size_t i = 0; !r && i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = netctl_str(nc, map[i].flag);

		/* Go's omitempty: empty strings and a zero tag are not sent. */
		if (v && *v && !(map[i].attr == CONTIV_NETWORK_PKT_TAG && !strcmp(v, "0")))
			r = netctl_set(nc, obj, map[i].attr, v);
	}
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	if (!r)
		printf("Creating network %s:%s\n", netctl_str(nc, "tenant"), nc->args[0]);
	return r;
}

int netctl_network_rm(struct netctl *nc)
{
	char key[300];

	printf("Deleting network %s:%s\n", netctl_str(nc, "tenant"), nc->args[0]);
	fflush(stdout);
	return netctl_delete(nc, CONTIV_OBJECT_NETWORK, tkey(nc, key, sizeof(key)));
}

int netctl_network_ls(struct netctl *nc)
{
	static const unsigned cols[] = {
		CONTIV_NETWORK_TENANT, CONTIV_NETWORK_NAME, CONTIV_NETWORK_NW_TYPE,
		CONTIV_NETWORK_ENCAP, CONTIV_NETWORK_PKT_TAG, CONTIV_NETWORK_SUBNET,
		CONTIV_NETWORK_GATEWAY, CONTIV_NETWORK_IPV6_SUBNET, CONTIV_NETWORK_IPV6_GATEWAY,
		CONTIV_NETWORK_CFGD_TAG,
	};
	static const struct netctl_list_spec spec = {
		.kind = CONTIV_OBJECT_NETWORK, .tenant_attr = CONTIV_NETWORK_TENANT,
		.name_attr = CONTIV_NETWORK_NAME,
		.header = "Tenant\tNetwork\tNw Type\tEncap type\tPacket tag\tSubnet\tGateway\t"
			  "IPv6Subnet\tIPv6Gateway\tCfgd Tag \n"
			  "------\t-------\t-------\t----------\t----------\t-------\t------\t"
			  "----------\t-----------\t---------\n",
		.cols = cols, .n_cols = sizeof(cols) / sizeof(cols[0]),
	};

	return netctl_list_command(nc, &spec);
}

/* --- endpoint group ---------------------------------------------------- */

int netctl_group_create(struct netctl *nc)
{
	static const struct {
		const char *flag;
		unsigned attr;
	} map[] = {
		{ "tenant", CONTIV_GROUP_TENANT },
		{ "networkprofile", CONTIV_GROUP_NETPROFILE },
		{ "ip-pool", CONTIV_GROUP_IP_POOL },
		{ "epg-tag", CONTIV_GROUP_CFGD_TAG },
	};
	const struct netctl_value *pol = netctl_value(nc, "policy");
	const struct netctl_value *ext = netctl_value(nc, "external-contract");
	struct contiv_object *obj = NULL;
	int r;

	r = netctl_object_new(nc, CONTIV_OBJECT_GROUP, &obj);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_GROUP_NETWORK, nc->args[0]);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_GROUP_NAME, nc->args[1]);
	for (size_t i = 0; !r && i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = netctl_str(nc, map[i].flag);

		if (v && *v)
			r = netctl_set(nc, obj, map[i].attr, v);
	}
	for (size_t i = 0; !r && i < pol->n_list; i++) {
		int k = contiv_object_list_add(obj, CONTIV_GROUP_POLICIES, pol->list[i]);

		if (k < 0)
			r = netctl_fail(nc, k);
	}
	for (size_t i = 0; !r && i < ext->n_list; i++) {
		int k = contiv_object_list_add(obj, CONTIV_GROUP_EXT_CONTRACTS, ext->list[i]);

		if (k < 0)
			r = netctl_fail(nc, k);
	}
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	if (!r)
		printf("Creating EndpointGroup %s:%s\n", netctl_str(nc, "tenant"), nc->args[1]);
	return r;
}

int netctl_group_rm(struct netctl *nc)
{
	char key[300];

	return netctl_delete(nc, CONTIV_OBJECT_GROUP, tkey(nc, key, sizeof(key)));
}

static void group_row(struct netctl_table *t, const struct contiv_object *o)
{
	char b[6][32];

	netctl_table_printf(t, "%s\t%s\t%s\t%s\t%s\t", netctl_cell(o, CONTIV_GROUP_TENANT, b[0]),
			    netctl_cell(o, CONTIV_GROUP_NAME, b[1]),
			    netctl_cell(o, CONTIV_GROUP_NETWORK, b[2]),
			    netctl_cell(o, CONTIV_GROUP_IP_POOL, b[3]),
			    netctl_cell(o, CONTIV_GROUP_CFGD_TAG, b[4]));
	for (size_t k = 0; k < contiv_object_list_count(o, CONTIV_GROUP_POLICIES); k++)
		netctl_table_printf(t, "%s%s", k ? "," : "",
				    contiv_object_list_get(o, CONTIV_GROUP_POLICIES, k));
	netctl_table_printf(t, "\t%s\n", netctl_cell(o, CONTIV_GROUP_NETPROFILE, b[5]));
}

int netctl_group_ls(struct netctl *nc)
{
	static const struct netctl_list_spec spec = {
		.kind = CONTIV_OBJECT_GROUP, .tenant_attr = CONTIV_GROUP_TENANT,
		.name_attr = CONTIV_GROUP_NAME,
		.header = "Tenant\tGroup\tNetwork\tIP Pool\tCfgdTag\tPolicies\tNetwork profile\n"
			  "------\t-----\t-------\t-------\t-------\t--------\t---------------\n",
		.row = group_row,
	};

	return netctl_list_command(nc, &spec);
}

/* --- netprofile -------------------------------------------------------- */

int netctl_netprofile_create(struct netctl *nc)
{
	struct contiv_object *obj = NULL;
	const char *bw = netctl_str(nc, "bandwidth");
	int r;

	r = netctl_object_new(nc, CONTIV_OBJECT_NETPROFILE, &obj);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_NETPROFILE_NAME, nc->args[0]);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_NETPROFILE_TENANT, netctl_str(nc, "tenant"));
	if (!r && bw && *bw)
		r = netctl_set(nc, obj, CONTIV_NETPROFILE_BANDWIDTH, bw);
	if (!r && strcmp(netctl_str(nc, "dscp"), "0") != 0)
		r = netctl_set(nc, obj, CONTIV_NETPROFILE_DSCP, netctl_str(nc, "dscp"));
	if (!r && strcmp(netctl_str(nc, "burst"), "0") != 0)
		r = netctl_set(nc, obj, CONTIV_NETPROFILE_BURST, netctl_str(nc, "burst"));
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	if (!r)
		printf("Creating netprofile %s:%s\n", netctl_str(nc, "tenant"), nc->args[0]);
	return r;
}

int netctl_netprofile_rm(struct netctl *nc)
{
	char key[300];

	return netctl_delete(nc, CONTIV_OBJECT_NETPROFILE, tkey(nc, key, sizeof(key)));
}

/*
 * Contiv's rendering of a bandwidth: its first run of digits and a unit
 * chosen by the letters present (g/G, else m/M, else k/K): "10 gb" -> "10Gbps".
 */
static void bandwidth_cell(const char *bw, char *buf, size_t len)
{
	size_t s = strcspn(bw, "0123456789"), n = strspn(bw + s, "0123456789");
	const char *unit = "";

	if (strpbrk(bw, "g|G"))
		unit = "Gbps";
	else if (strpbrk(bw, "m|M"))
		unit = "Mbps";
	else if (strpbrk(bw, "k|K"))
		unit = "Kbps";
	snprintf(buf, len, "%.*s%s", (int)n, bw + s, unit);
}

static void netprofile_row(struct netctl_table *t, const struct contiv_object *o)
{
	const char *bw = contiv_object_get_str(o, CONTIV_NETPROFILE_BANDWIDTH);
	char b[4][32], bwbuf[96];

	netctl_table_printf(t, "%s\t%s\t", netctl_cell(o, CONTIV_NETPROFILE_NAME, b[0]),
			    netctl_cell(o, CONTIV_NETPROFILE_TENANT, b[1]));
	if (bw && *bw) {
		bandwidth_cell(bw, bwbuf, sizeof(bwbuf));
		netctl_table_printf(t, "%s\t%s\t%s\n", bwbuf,
				    netctl_cell(o, CONTIV_NETPROFILE_DSCP, b[2]),
				    netctl_cell(o, CONTIV_NETPROFILE_BURST, b[3]));
	} else {
		/* Contiv leaves out the burst column here. */
		netctl_table_printf(t, "\t%s\n", netctl_cell(o, CONTIV_NETPROFILE_DSCP, b[2]));
	}
}

int netctl_netprofile_ls(struct netctl *nc)
{
	static const struct netctl_list_spec spec = {
		.kind = CONTIV_OBJECT_NETPROFILE, .tenant_attr = CONTIV_NETPROFILE_TENANT,
		.name_attr = CONTIV_NETPROFILE_NAME,
		.header = "Name\tTenant\tBandwidth\tDSCP\tburst size\n"
			  "------\t------\t---------\t--------\t----------\n",
		.row = netprofile_row,
	};

	return netctl_list_command(nc, &spec);
}

/* --- global ------------------------------------------------------------ */

int netctl_global_info(struct netctl *nc)
{
	struct netctl_list list = { 0 };
	int r;

	r = netctl_list_fetch(nc, CONTIV_OBJECT_GLOBAL, &list);
	if (r)
		goto out;
	if (netctl_bool(nc, "json")) {
		r = netctl_print_list_json(&list);
		goto out;
	}
	for (size_t i = 0; i < list.n; i++) {
		const struct contiv_object *o = list.objs[i];
		char b[6][32];

		printf("Fabric mode: %s\n", netctl_cell(o, CONTIV_GLOBAL_INFRA_TYPE, b[0]));
		printf("Forward mode: %s\n", netctl_cell(o, CONTIV_GLOBAL_FWD_MODE, b[1]));
		printf("ARP mode: %s\n", netctl_cell(o, CONTIV_GLOBAL_ARP_MODE, b[2]));
		printf("Vlan Range: %s\n", netctl_cell(o, CONTIV_GLOBAL_VLANS, b[3]));
		printf("Vxlan range: %s\n", netctl_cell(o, CONTIV_GLOBAL_VXLANS, b[4]));
		printf("Private subnet: %s\n", netctl_cell(o, CONTIV_GLOBAL_PVT_SUBNET, b[5]));
	}
out:
	netctl_list_clear(&list);
	return r;
}

int netctl_global_set(struct netctl *nc)
{
	static const struct {
		const char *flag;
		unsigned attr;
	} map[] = {
		{ "fabric-mode", CONTIV_GLOBAL_INFRA_TYPE },
		{ "vlan-range", CONTIV_GLOBAL_VLANS },
		{ "vxlan-range", CONTIV_GLOBAL_VXLANS },
		{ "fwd-mode", CONTIV_GLOBAL_FWD_MODE },
		{ "arp-mode", CONTIV_GLOBAL_ARP_MODE },
		{ "private-subnet", CONTIV_GLOBAL_PVT_SUBNET },
	};
	struct contiv_client *client;
	struct contiv_object *obj = NULL;
	int r, ex = NETCTL_EXIT_OK;

	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_get_object(client, CONTIV_OBJECT_GLOBAL, "global", &obj);
	if (r < 0)
		return netctl_fail(nc, r);
	r = NETCTL_EXIT_OK;
	for (size_t i = 0; !r && i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = netctl_str(nc, map[i].flag);

		if (v && *v)
			r = netctl_set(nc, obj, map[i].attr, v);
	}
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	return r;
}
