/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Endpoints: address allocation (IPv4 from the group's ip-pool or the
 * network, IPv6 from the network, MAC from the IPv4) in the transaction that
 * stores the endpoint; release on delete; Contiv's /plugin calls on top.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

/* What an endpoint allocates from: the network's state and maybe its group's. */
struct ep_pools {
	char nkey[CONTIV__KEYBUF], gkey[CONTIV__KEYBUF];
	char netname[300], groupname[300];
	struct json_object *nstate, *gstate;	/* gstate NULL without group */
	struct json_object *owner;		/* the state holding the IPv4 pool */
	const char *field;			/* "ipv4" or "ipPool" */
};

static void pools_free(struct ep_pools *p)
{
	json_object_put(p->nstate);
	json_object_put(p->gstate);
}

static const char *jstr(struct json_object *obj, const char *field)
{
	struct json_object *jv;

	if (!json_object_object_get_ex(obj, field, &jv) || !json_object_is_type(jv, json_type_string))
		return NULL;
	return json_object_get_string(jv);
}

/* Loads the states of tenant's network (and group, may be NULL/""). 0, 400 answer or error. */
static int pools_load(struct contiv__req *req, const char *tenant, const char *network,
		      const char *group, struct ep_pools *p)
{
	struct contiv_object *gobj = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r;

	memset(p, 0, sizeof(*p));
	contiv__tkey(p->netname, sizeof(p->netname), tenant, network);
	r = contiv__require(req, CONTIV_OBJECT_NETWORK, p->netname, NULL, NULL);
	if (r)
		return r;
	if (group && *group) {
		contiv__tkey(p->groupname, sizeof(p->groupname), tenant, group);
		r = contiv__require(req, CONTIV_OBJECT_GROUP, p->groupname, NULL, &gobj);
		if (r)
			return r;
		if (strcmp(contiv_object_get_str(gobj, CONTIV_GROUP_NETWORK), network))
			r = contiv__reply_error(req, 400, "endpoint group \"%s\" is on network \"%s\", not \"%s\"",
						p->groupname,
						contiv_object_get_str(gobj, CONTIV_GROUP_NETWORK),
						contiv__quoted(q, network));
		contiv_object_unref(gobj);
		if (r)
			return r;
		snprintf(p->gkey, sizeof(p->gkey), "%s%s", CONTIV__K_GROUP_STATE, p->groupname);
		r = contiv__load_json(req->t, p->gkey, &p->gstate);
	}
	snprintf(p->nkey, sizeof(p->nkey), "%s%s", CONTIV__K_NET_STATE, p->netname);
	if (r == 0)
		r = contiv__load_json(req->t, p->nkey, &p->nstate);
	if (r < 0) {
		pools_free(p);
		return r == -ENOENT ? -EIO : r;
	}
	if (p->gstate && json_object_object_get_ex(p->gstate, "ipPool", NULL)) {
		p->owner = p->gstate;
		p->field = "ipPool";
	} else {
		p->owner = p->nstate;
		p->field = "ipv4";
	}
	return 0;
}

static int pools_save(struct contiv__req *req, struct ep_pools *p)
{
	int r = contiv__save_json(req->t, p->nkey, p->nstate);

	if (r == 0 && p->gstate)
		r = contiv__save_json(req->t, p->gkey, p->gstate);
	return r;
}

static void count_endpoints(struct ep_pools *p, int delta)
{
	contiv__json_set_int(p->nstate, "numEndpoints",
			     contiv__json_int(p->nstate, "numEndpoints") + delta);
	if (p->gstate)
		contiv__json_set_int(p->gstate, "numEndpoints",
				     contiv__json_int(p->gstate, "numEndpoints") + delta);
}

/* Addresses given by /plugin/allocAddress and not yet bound to an endpoint. */
static int reserved_find(struct json_object *owner, const char *addr)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(owner, "reserved", &arr))
		return -1;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), addr))
			return (int)i;
	return -1;
}

static int reserved_add(struct json_object *owner, const char *addr)
{
	struct json_object *arr;

	if (!json_object_object_get_ex(owner, "reserved", &arr)) {
		arr = json_object_new_array();
		if (!arr || json_object_object_add(owner, "reserved", arr) < 0)
			return -ENOMEM;
	}
	return json_object_array_add(arr, json_object_new_string(addr)) < 0 ? -ENOMEM : 0;
}

static void reserved_del(struct json_object *owner, int idx)
{
	struct json_object *arr;

	if (json_object_object_get_ex(owner, "reserved", &arr))
		json_object_array_del_idx(arr, (size_t)idx, 1);
}

/* Allocates from state[field] (want may be NULL): 0 with buf, or an answer status. */
static int alloc_from(struct contiv__req *req, struct json_object *state, const char *field,
		      const char *want, const char *where, char buf[CONTIV_IPAM_ADDR_MAX])
{
	struct contiv_ipam_pool *pool = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r = contiv__json_get_pool(req->m, state, field, &pool);

	if (r < 0)
		return r == -ENOENT ? -EIO : r;
	r = contiv_ipam_pool_alloc(pool, want, buf, CONTIV_IPAM_ADDR_MAX);
	if (r == -CONTIV_ERR_EXHAUSTED)
		r = contiv__reply_error(req, 409, "address exhaustion in %s", where);
	else if (r == -EEXIST)
		r = contiv__reply_error(req, 409, "address \"%s\" is already allocated in %s",
					contiv__quoted(q, want), where);
	else if (r == -CONTIV_ERR_NOT_IN_POOL || r == -EINVAL)
		r = contiv__reply_error(req, 400, "address \"%s\" is not an address of %s",
					contiv__quoted(q, want), where);
	else if (r == 0)
		r = contiv__json_set_pool(state, field, pool);
	contiv_ipam_pool_free(pool);
	return r;
}

static void release_from(struct contiv__req *req, struct json_object *state, const char *field,
			 const char *addr)
{
	struct contiv_ipam_pool *pool = NULL;

	if (!addr || contiv__json_get_pool(req->m, state, field, &pool) < 0)
		return;
	if (contiv_ipam_pool_release(pool, addr) == 0)
		contiv__json_set_pool(state, field, pool);
	contiv_ipam_pool_free(pool);
}

/* "network \"t:n\"" or "pool \"range\" of endpoint group \"t:g\"". */
static const char *where_v4(const struct ep_pools *p, const struct contiv_object *group_or_null,
			    char *buf, size_t len)
{
	(void)group_or_null;
	if (p->owner == p->gstate)
		snprintf(buf, len, "the ipPool of endpoint group \"%s\"", p->groupname);
	else
		snprintf(buf, len, "network \"%s\"", p->netname);
	return buf;
}

static bool key_chars_ok(const char *id)
{
	for (const char *c = id; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return false;
	return *id != '\0';
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/*
 * Creates endpoint ep (id, tenant, network, optional group, optional
 * requested addresses), filling its addresses. 0 (stored) or an answer.
 * *ret_existing is set when an identical endpoint already exists.
 */
static int ep_create(struct contiv__req *req, struct contiv_object *ep,
		     struct contiv_object **ret_existing)
{
	const char *id = contiv_object_get_str(ep, CONTIV_ENDPOINT_ID);
	const char *tenant = contiv_object_get_str(ep, CONTIV_ENDPOINT_TENANT);
	const char *network = contiv_object_get_str(ep, CONTIV_ENDPOINT_NETWORK);
	const char *group = contiv_object_get_str(ep, CONTIV_ENDPOINT_GROUP);
	const char *want4 = contiv_object_get_str(ep, CONTIV_ENDPOINT_IPV4_ADDRESS);
	const char *want6 = contiv_object_get_str(ep, CONTIV_ENDPOINT_IPV6_ADDRESS);
	char q[CONTIV_QUOTE_MAX], where[700], a4[CONTIV_IPAM_ADDR_MAX], a6[CONTIV_IPAM_ADDR_MAX];
	char mac[18];
	struct contiv_object *old = NULL;
	struct ep_pools p;
	int r, idx;

	if (!key_chars_ok(id))
		return contiv__reply_error(req, 400, "endpoint: endpointID \"%s\": must be printable ASCII without spaces",
					   contiv__quoted(q, id));
	if (!tenant || !*tenant || !network || !*network)
		return contiv__reply_error(req, 400, "endpoint \"%s\": %s is required",
					   contiv__quoted(q, id),
					   !tenant || !*tenant ? "tenantName" : "networkName");
	r = contiv__load_new_object(req->t, CONTIV_OBJECT_ENDPOINT, id, &old);
	if (r == 0) {
		if (same(tenant, contiv_object_get_str(old, CONTIV_ENDPOINT_TENANT)) &&
		    same(network, contiv_object_get_str(old, CONTIV_ENDPOINT_NETWORK)) &&
		    same(group, contiv_object_get_str(old, CONTIV_ENDPOINT_GROUP))) {
			*ret_existing = old;
			return 0;
		}
		r = contiv__reply_error(req, 409, "endpoint \"%s\" already exists in network \"%s:%s\"",
					contiv__quoted(q, id),
					contiv_object_get_str(old, CONTIV_ENDPOINT_TENANT),
					contiv_object_get_str(old, CONTIV_ENDPOINT_NETWORK));
		contiv_object_unref(old);
		return r;
	}
	if (r != -ENOENT)
		return r;
	r = pools_load(req, tenant, network, group, &p);
	if (r)
		return r;
	where_v4(&p, NULL, where, sizeof(where));
	idx = want4 && *want4 ? reserved_find(p.owner, want4) : -1;
	if (idx >= 0) {
		reserved_del(p.owner, idx);	/* allocated by /plugin/allocAddress */
		snprintf(a4, sizeof(a4), "%s", want4);
	} else {
		r = alloc_from(req, p.owner, p.field, want4 && *want4 ? want4 : NULL, where, a4);
	}
	if (r == 0 && json_object_object_get_ex(p.nstate, "ipv6", NULL)) {
		snprintf(where, sizeof(where), "the ipv6Subnet of network \"%s\"", p.netname);
		r = alloc_from(req, p.nstate, "ipv6", want6 && *want6 ? want6 : NULL, where, a6);
		if (r == 0)
			r = contiv_object_set_str(ep, CONTIV_ENDPOINT_IPV6_ADDRESS, a6);
	} else if (r == 0) {
		r = contiv_object_unset(ep, CONTIV_ENDPOINT_IPV6_ADDRESS);
	}
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_IPV4_ADDRESS, a4);
	if (r == 0)
		r = contiv_ipam_mac_from_ipv4(a4, mac, sizeof(mac));
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_MAC_ADDRESS, mac);
	if (r == 0) {
		count_endpoints(&p, 1);
		r = pools_save(req, &p);
	}
	if (r == 0)
		r = contiv__save_object(req->t, ep);
	pools_free(&p);
	return r;
}

/* Deletes endpoint id and releases its addresses: 0 with *ret_ep, or an answer. */
static int ep_delete(struct contiv__req *req, const char *id, struct contiv_object **ret_ep)
{
	struct contiv_object *ep = NULL;
	char q[CONTIV_QUOTE_MAX];
	struct ep_pools p;
	int r = contiv__load_object(req->t, CONTIV_OBJECT_ENDPOINT, id, &ep);

	if (r == -ENOENT)
		return contiv__reply_error(req, 404, "endpoint \"%s\" not found", contiv__quoted(q, id));
	if (r < 0)
		return r;
	r = pools_load(req, contiv_object_get_str(ep, CONTIV_ENDPOINT_TENANT),
		       contiv_object_get_str(ep, CONTIV_ENDPOINT_NETWORK),
		       contiv_object_get_str(ep, CONTIV_ENDPOINT_GROUP), &p);
	if (r == 400 || r == -EIO) {
		r = 0;	/* its network or group is gone: nothing to release */
	} else if (r == 0) {
		release_from(req, p.owner, p.field,
			     contiv_object_get_str(ep, CONTIV_ENDPOINT_IPV4_ADDRESS));
		release_from(req, p.nstate, "ipv6",
			     contiv_object_get_str(ep, CONTIV_ENDPOINT_IPV6_ADDRESS));
		count_endpoints(&p, -1);
		r = pools_save(req, &p);
		pools_free(&p);
	}
	if (r == 0)
		r = contiv__delete_object(req->t, ep);
	if (r == 0)
		*ret_ep = ep;
	else
		contiv_object_unref(ep);
	return r;
}

int contiv__endpoint_handle(struct contiv__req *req, const char *id)
{
	struct contiv_object *ep = NULL, *existing = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r;

	if (!id) {
		struct contiv__objlist l;
		struct json_object *arr;

		r = contiv__list_objects(req->m, CONTIV_OBJECT_ENDPOINT, "", &l);
		if (r < 0)
			return r;
		arr = json_object_new_array();
		for (size_t i = 0; arr && i < l.n; i++)
			json_object_array_add(arr, contiv__object_json(l.v[i]));
		contiv__objlist_free(&l);
		return contiv__reply_json(req, arr);
	}
	if (!strcmp(req->method, "GET")) {
		r = contiv__load_object(req->t, CONTIV_OBJECT_ENDPOINT, id, &ep);
		if (r == -ENOENT)
			return contiv__reply_error(req, 404, "endpoint \"%s\" not found",
						   contiv__quoted(q, id));
	} else if (!strcmp(req->method, "DELETE")) {
		r = ep_delete(req, id, &ep);
		contiv_object_unref(ep);
		return r ? r : contiv__reply_json(req, json_object_new_string(id));
	} else {
		r = contiv__body_object(req, CONTIV_OBJECT_ENDPOINT, id, &ep);
		if (r == 0)
			r = ep_create(req, ep, &existing);
		if (existing) {
			contiv_object_unref(ep);
			ep = existing;
		}
	}
	if (r == 0)
		r = contiv__reply_object(req, ep);
	contiv_object_unref(ep);
	return r;
}

/* ---- Contiv's plugin calls ---- */

/* "net.tenant" or "net:epg.tenant" (Contiv's NetworkID) into its parts. */
static bool split_network_id(const char *id, char *net, char *group, char *tenant, size_t len)
{
	const char *dot = strrchr(id, '.'), *colon = strchr(id, ':');

	if (!dot || dot == id || !dot[1] || (size_t)(dot - id) >= len || strlen(dot + 1) >= len)
		return false;
	snprintf(tenant, len, "%s", dot + 1);
	if (colon && colon < dot) {
		snprintf(net, len, "%.*s", (int)(colon - id), id);
		snprintf(group, len, "%.*s", (int)(dot - colon - 1), colon + 1);
	} else {
		snprintf(net, len, "%.*s", (int)(dot - id), id);
		group[0] = '\0';
	}
	return *net != '\0';
}

/* The network of AddressPool "subnet[:tenant]" when NetworkID is empty. */
static int network_by_pool(struct contiv__req *req, const char *pool, char *net, char *tenant,
			   size_t len)
{
	const char *colon = strchr(pool, ':');
	char prefix[300], subnet[64];
	struct contiv__objlist l;
	int r;

	snprintf(tenant, len, "%s", colon ? colon + 1 : "default");
	snprintf(subnet, sizeof(subnet), "%.*s", colon ? (int)(colon - pool) : (int)strlen(pool), pool);
	snprintf(prefix, sizeof(prefix), "%s:", tenant);
	r = contiv__list_objects(req->m, CONTIV_OBJECT_NETWORK, prefix, &l);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; r && i < l.n; i++)
		if (!strcmp(contiv_object_get_str(l.v[i], CONTIV_NETWORK_SUBNET), subnet)) {
			snprintf(net, len, "%s", contiv_object_get_str(l.v[i], CONTIV_NETWORK_NAME));
			r = 0;
		}
	contiv__objlist_free(&l);
	return r;
}

static int plugin_alloc(struct contiv__req *req, struct json_object *body)
{
	const char *nid = jstr(body, "NetworkID"), *apool = jstr(body, "AddressPool");
	const char *want = jstr(body, "PreferredIPv4Address");
	char net[256], group[256], tenant[256], where[700], addr[CONTIV_IPAM_ADDR_MAX], out[80];
	char q[CONTIV_QUOTE_MAX], wbuf[64];
	struct json_object *ans;
	struct ep_pools p;
	int r;

	if (nid && *nid) {
		if (!split_network_id(nid, net, group, tenant, sizeof(net)))
			return contiv__reply_error(req, 400, "NetworkID \"%s\": expected <network>.<tenant> or <network>:<group>.<tenant>",
						   contiv__quoted(q, nid));
	} else {
		group[0] = '\0';
		if (!apool || network_by_pool(req, apool, net, tenant, sizeof(net)) != 0)
			return contiv__reply_error(req, 400, "AddressPool \"%s\": no network has this subnet",
						   contiv__quoted(q, apool));
	}
	if (want && *want) {	/* "A.B.C.D" or "A.B.C.D/len" */
		snprintf(wbuf, sizeof(wbuf), "%.*s", (int)strcspn(want, "/"), want);
		want = wbuf;
	} else {
		want = NULL;
	}
	r = pools_load(req, tenant, net, group, &p);
	if (r)
		return r;
	where_v4(&p, NULL, where, sizeof(where));
	r = alloc_from(req, p.owner, p.field, want, where, addr);
	if (r == 0)
		r = reserved_add(p.owner, addr);
	if (r == 0)
		r = pools_save(req, &p);
	if (r == 0) {
		struct contiv_ipam_pool *pool = NULL;

		r = contiv__json_get_pool(req->m, p.nstate, "ipv4", &pool);
		snprintf(out, sizeof(out), "%s/%d", addr, pool ? contiv_ipam_pool_get_prefix_len(pool) : 32);
		contiv_ipam_pool_free(pool);
	}
	pools_free(&p);
	if (r)
		return r;
	ans = json_object_new_object();
	contiv__json_add_str(ans, "NetworkID", nid ? nid : "");
	contiv__json_add_str(ans, "IPv4Address", out);
	return contiv__reply_json(req, ans);
}

static int plugin_release(struct contiv__req *req, struct json_object *body)
{
	const char *nid = jstr(body, "NetworkID"), *a = jstr(body, "IPv4Address");
	char net[256], group[256], tenant[256], addr[64], q[CONTIV_QUOTE_MAX];
	struct contiv_ipam_pool *pool = NULL;
	struct ep_pools p;
	int r, idx;

	if (!nid || !split_network_id(nid, net, group, tenant, sizeof(net)))
		return contiv__reply_error(req, 400, "NetworkID \"%s\": expected <network>.<tenant> or <network>:<group>.<tenant>",
					   contiv__quoted(q, nid));
	if (!a)
		return contiv__reply_error(req, 400, "IPv4Address is required");
	snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(a, "/"), a);
	r = pools_load(req, tenant, net, group, &p);
	if (r)
		return r;
	idx = reserved_find(p.owner, addr);
	if (idx >= 0) {
		reserved_del(p.owner, idx);
		release_from(req, p.owner, p.field, addr);
		r = pools_save(req, &p);
	} else if (contiv__json_get_pool(req->m, p.owner, p.field, &pool) == 0 &&
		   contiv_ipam_pool_is_allocated(pool, addr) == 1) {
		r = contiv__reply_error(req, 409, "address \"%s\" is in use by an endpoint",
					contiv__quoted(q, addr));
	}
	contiv_ipam_pool_free(pool);
	pools_free(&p);
	return r ? r : contiv__reply_json(req, json_object_new_string("success"));
}

/* Contiv's CfgEndpointState of an endpoint. */
static struct json_object *endpoint_config(const struct contiv_object *ep)
{
	static const struct {
		const char *name;
		uint32_t attr;
	} fields[] = {
		{ "id", CONTIV_ENDPOINT_ID },
		{ "ipAddress", CONTIV_ENDPOINT_IPV4_ADDRESS },
		{ "ipv6Address", CONTIV_ENDPOINT_IPV6_ADDRESS },
		{ "macAddress", CONTIV_ENDPOINT_MAC_ADDRESS },
		{ "homingHost", CONTIV_ENDPOINT_HOST },
		{ "intfName", CONTIV_ENDPOINT_INTF_NAME },
		{ "vtepIP", CONTIV_ENDPOINT_VTEP_IP },
		{ "containerId", CONTIV_ENDPOINT_CONTAINER_ID },
		{ "epCommonName", CONTIV_ENDPOINT_CONTAINER_NAME },
		{ "endpointGroupKey", CONTIV_ENDPOINT_GROUP },
	};
	struct json_object *cfg = json_object_new_object(), *ans = json_object_new_object();
	char netid[300];

	if (!cfg || !ans) {
		json_object_put(cfg);
		json_object_put(ans);
		return NULL;
	}
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(fields); i++) {
		const char *v = contiv_object_get_str(ep, fields[i].attr);

		contiv__json_add_str(cfg, fields[i].name, v ? v : "");
	}
	snprintf(netid, sizeof(netid), "%s.%s", contiv_object_get_str(ep, CONTIV_ENDPOINT_NETWORK),
		 contiv_object_get_str(ep, CONTIV_ENDPOINT_TENANT));
	contiv__json_add_str(cfg, "netID", netid);
	json_object_object_add(ans, "EndpointConfig", cfg);
	return ans;
}

static int set_opt(struct contiv_object *ep, uint32_t attr, const char *v)
{
	return v && *v ? contiv_object_set_str(ep, attr, v) : 0;
}

static int plugin_create(struct contiv__req *req, struct json_object *body)
{
	const char *tenant = jstr(body, "TenantName"), *net = jstr(body, "NetworkName");
	const char *svc = jstr(body, "ServiceName"), *epid = jstr(body, "EndpointID");
	struct contiv_object *ep = NULL, *existing = NULL;
	struct json_object *cfg = NULL;
	char id[800];
	int r;

	json_object_object_get_ex(body, "ConfigEP", &cfg);
	if (!tenant || !net || !epid || !*tenant || !*net || !*epid)
		return contiv__reply_error(req, 400, "TenantName, NetworkName and EndpointID are required");
	snprintf(id, sizeof(id), "%s.%s-%s", net, tenant, epid);
	r = contiv_object_new(req->m->ctx, CONTIV_OBJECT_ENDPOINT, &ep);
	if (r < 0)
		return r;
	r = contiv_object_set_str(ep, CONTIV_ENDPOINT_ID, id);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_TENANT, tenant);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_NETWORK, net);
	if (r == 0)
		r = set_opt(ep, CONTIV_ENDPOINT_GROUP, svc);
	if (r == 0)
		r = set_opt(ep, CONTIV_ENDPOINT_CONTAINER_NAME, jstr(body, "EPCommonName"));
	if (r == 0 && cfg) {
		r = set_opt(ep, CONTIV_ENDPOINT_CONTAINER_ID, jstr(cfg, "Container"));
		if (r == 0)
			r = set_opt(ep, CONTIV_ENDPOINT_HOST, jstr(cfg, "Host"));
		if (r == 0)
			r = set_opt(ep, CONTIV_ENDPOINT_IPV4_ADDRESS, jstr(cfg, "IPAddress"));
		if (r == 0)
			r = set_opt(ep, CONTIV_ENDPOINT_IPV6_ADDRESS, jstr(cfg, "IPv6Address"));
	}
	if (r == -EINVAL)
		r = contiv__reply_error(req, 400, "%s", contiv_ctx_get_error(req->m->ctx));
	if (r == 0)
		r = ep_create(req, ep, &existing);
	if (r == 0)
		r = contiv__reply_json(req, endpoint_config(existing ? existing : ep));
	contiv_object_unref(existing);
	contiv_object_unref(ep);
	return r;
}

static int plugin_delete(struct contiv__req *req, struct json_object *body)
{
	const char *tenant = jstr(body, "TenantName"), *net = jstr(body, "NetworkName");
	const char *epid = jstr(body, "EndpointID");
	struct contiv_object *ep = NULL;
	char id[800];
	int r;

	if (!tenant || !net || !epid)
		return contiv__reply_error(req, 400, "TenantName, NetworkName and EndpointID are required");
	snprintf(id, sizeof(id), "%s.%s-%s", net, tenant, epid);
	r = ep_delete(req, id, &ep);
	if (r == 0)
		r = contiv__reply_json(req, endpoint_config(ep));
	contiv_object_unref(ep);
	return r;
}

int contiv__plugin_handle(struct contiv__req *req, const char *call)
{
	static const struct {
		const char *name;
		int (*fn)(struct contiv__req *req, struct json_object *body);
	} calls[] = {
		{ "allocAddress", plugin_alloc },
		{ "releaseAddress", plugin_release },
		{ "createEndpoint", plugin_create },
		{ "deleteEndpoint", plugin_delete },
	};
	struct json_object *body = NULL;
	int r;

	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(calls); i++) {
		if (strcmp(call, calls[i].name))
			continue;
		r = contiv__parse_body(req, &body);
		if (r)
			return r;
		r = calls[i].fn(req, body);
		json_object_put(body);
		return r;
	}
	return contiv__reply_error(req, 404, "no such path: unknown plugin call");
}
