/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading back what the links part programmed: networks (bridges with their
 * VXLAN/VLAN device), local endpoints (host-side veths, the endpoint id kept
 * in the link's alias) and remote endpoints (FDB entries of vxlan devices).
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <json-c/json.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>

#include "dp-private.h"
#include "links-private.h"

struct state {
	struct contiv_dp *dp;
	contiv_dp_state_fn fn;
	void *userdata;
	struct nl_cache *links, *addrs, *neighs;
	int count;
	int stop;
};

static bool has_prefix(const char *s, const char *p, uint32_t *num)
{
	size_t n = strlen(p);

	if (!s || strncmp(s, p, n))
		return false;
	if (num)
		return contiv__parse_u32(s + n, 16777215, num) == 0;
	return true;
}

static const char *link_name(struct nl_cache *links, int ifindex, char buf[16])
{
	return ifindex > 0 ? rtnl_link_i2name(links, ifindex, buf, 16) : NULL;
}

/* Emits one item; detail is consumed. Returns non-zero to stop. */
static int emit(struct state *st, const char *what, const char *key, struct json_object *detail)
{
	int r;

	if (!detail)
		return st->stop = -ENOMEM;
	r = st->fn(what, key, json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), st->userdata);
	json_object_put(detail);
	st->count++;
	if (r)
		st->stop = r;
	return r;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static int network_item(struct state *st, struct rtnl_link *bl, uint32_t encap, uint32_t tag)
{
	struct json_object *d = json_object_new_object();
	char key[32], buf[64], dev[16] = "";
	int bi = rtnl_link_get_ifindex(bl);
	const char *gw = NULL;

	if (!d)
		return st->stop = -ENOMEM;
	snprintf(key, sizeof(key), "%s:%u", encap == CONTIV_DP_VXLAN ? "vxlan" : "vlan", tag);
	/* The tag device is the bridge's vxlan (or vlan) port. */
	for (struct nl_object *o = nl_cache_get_first(st->links); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *t = rtnl_link_get_type(l);

		if (rtnl_link_get_master(l) == bi && t &&
		    !strcmp(t, encap == CONTIV_DP_VXLAN ? "vxlan" : "vlan")) {
			snprintf(dev, sizeof(dev), "%s", rtnl_link_get_name(l));
			break;
		}
	}
	for (struct nl_object *o = nl_cache_get_first(st->addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_ifindex(a) == bi && rtnl_addr_get_scope(a) < RT_SCOPE_LINK &&
		    rtnl_addr_get_local(a)) {
			gw = nl_addr2str(rtnl_addr_get_local(a), buf, sizeof(buf));
			break;
		}
	}
	add_str(d, "bridge", rtnl_link_get_name(bl));
	add_str(d, "device", dev[0] ? dev : NULL);
	json_object_object_add(d, encap == CONTIV_DP_VXLAN ? "vni" : "vlan", json_object_new_int64(tag));
	json_object_object_add(d, "mtu", json_object_new_int64(rtnl_link_get_mtu(bl)));
	json_object_object_add(d, "up", json_object_new_boolean(rtnl_link_get_flags(bl) & IFF_UP));
	add_str(d, "gateway", gw);
	return emit(st, "network", key, d);
}

static int endpoint_item(struct state *st, struct rtnl_link *l)
{
	struct json_object *d = json_object_new_object();
	const char *alias = rtnl_link_get_ifalias(l);
	char buf[16];

	if (!d)
		return st->stop = -ENOMEM;
	add_str(d, "host_ifname", rtnl_link_get_name(l));
	add_str(d, "bridge", link_name(st->links, rtnl_link_get_master(l), buf));
	json_object_object_add(d, "mtu", json_object_new_int64(rtnl_link_get_mtu(l)));
	json_object_object_add(d, "up", json_object_new_boolean(rtnl_link_get_flags(l) & IFF_UP));
	return emit(st, "endpoint", alias && *alias ? alias : rtnl_link_get_name(l), d);
}

struct remote_ctx {
	struct state *st;
	uint32_t tag;
};

static int remote_fn(struct rtnl_neigh *n, void *userdata)
{
	struct remote_ctx *rc = userdata;
	struct state *st = rc->st;
	struct nl_addr *ll = rtnl_neigh_get_lladdr(n), *dst = rtnl_neigh_get_dst(n);
	static const uint8_t zero[6];
	struct json_object *d;
	char key[48], mac[32], vtep[64] = "", ip[64] = "";

	if (nl_addr_get_len(ll) != 6 || !memcmp(nl_addr_get_binary_addr(ll), zero, 6))
		return 0;
	nl_addr2str(ll, mac, sizeof(mac));
	if (dst) {
		/* libnl may not know the family of an AF_BRIDGE entry's destination. */
		const void *b = nl_addr_get_binary_addr(dst);
		unsigned len = nl_addr_get_len(dst);

		if (len == 4 || len == 16)
			inet_ntop(len == 4 ? AF_INET : AF_INET6, b, vtep, sizeof(vtep));
	}
	for (struct nl_object *o = nl_cache_get_first(st->neighs); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *x = (struct rtnl_neigh *)o;
		struct nl_addr *xl = rtnl_neigh_get_lladdr(x);
		int f = rtnl_neigh_get_family(x);

		if ((f == AF_INET || f == AF_INET6) && rtnl_neigh_get_ifindex(x) == rtnl_neigh_get_ifindex(n) &&
		    xl && nl_addr_get_len(xl) == 6 &&
		    !memcmp(nl_addr_get_binary_addr(xl), nl_addr_get_binary_addr(ll), 6) &&
		    rtnl_neigh_get_dst(x)) {
			nl_addr2str(rtnl_neigh_get_dst(x), ip, sizeof(ip));
			break;
		}
	}
	d = json_object_new_object();
	if (!d)
		return st->stop = -ENOMEM;
	snprintf(key, sizeof(key), "%u:%s", rc->tag, mac);
	add_str(d, "vtep", vtep[0] ? vtep : NULL);
	add_str(d, "ip", ip[0] ? ip : NULL);
	add_str(d, "device", link_name(st->links, rtnl_neigh_get_ifindex(n), vtep));
	return emit(st, "remote", key, d);
}

CONTIV_EXPORT int contiv_dp_read_state(struct contiv_dp *dp, contiv_dp_state_fn fn, void *userdata)
{
	struct state st = { .dp = dp, .fn = fn, .userdata = userdata };
	int r;

	contiv_return_val_if_fail(dp && fn, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	r = contiv__dp_nlerr(rtnl_link_alloc_cache(dp->rtnl, AF_UNSPEC, &st.links));
	if (r == 0)
		r = contiv__dp_nlerr(rtnl_addr_alloc_cache(dp->rtnl, &st.addrs));
	if (r == 0)
		r = contiv__dp_nlerr(rtnl_neigh_alloc_cache(dp->rtnl, &st.neighs));
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "dp: reading links, addresses and neighbours: %s", strerror(-r));
		goto out;
	}
	/* Networks and endpoints. */
	for (struct nl_object *o = nl_cache_get_first(st.links); o && !st.stop; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *n = rtnl_link_get_name(l), *t = rtnl_link_get_type(l);
		uint32_t tag;

		if (!n || !t)
			continue;
		if (!strcmp(t, "bridge") && has_prefix(n, CONTIV_DP_BRIDGE_VXLAN, &tag))
			network_item(&st, l, CONTIV_DP_VXLAN, tag);
		else if (!strcmp(t, "bridge") && has_prefix(n, CONTIV_DP_BRIDGE_VLAN, &tag))
			network_item(&st, l, CONTIV_DP_VLAN, tag);
		else if (!strcmp(t, "veth") && has_prefix(n, CONTIV_DP_HOST_VETH, NULL) && strlen(n) == 11)
			endpoint_item(&st, l);
	}
	/* Remote endpoints: the FDB of each vxlan device of ours. */
	for (struct nl_object *o = nl_cache_get_first(st.links); o && !st.stop; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *n = rtnl_link_get_name(l), *t = rtnl_link_get_type(l);
		struct remote_ctx rc = { .st = &st };

		if (!n || !t || strcmp(t, "vxlan") || !has_prefix(n, CONTIV_DP_VXLAN_DEV, &rc.tag))
			continue;
		r = contiv__dp_fdb_foreach(dp->rtnl, rtnl_link_get_ifindex(l), remote_fn, &rc);
		if (r < 0 && !st.stop) {
			r = contiv__error(dp->ctx, r, "dp: reading the FDB of %s: %s", n, strerror(-r));
			goto out;
		}
	}
	r = st.stop ? st.stop : st.count;
out:
	if (st.links)
		nl_cache_free(st.links);
	if (st.addrs)
		nl_cache_free(st.addrs);
	if (st.neighs)
		nl_cache_free(st.neighs);
	return r;
}
