/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The links part of the dp layer: per-network bridges with their VXLAN or
 * VLAN device, FDB and neighbour entries of remote endpoints, and the veth
 * pairs of local endpoints (configured inside the container's namespace).
 * Everything through libnl-route-3; every call compares what the kernel has
 * with what is asked and changes only what differs.
 */
#include "config.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "dp-private.h"
#include "links-private.h"

#define VXLAN_OVERHEAD 50
#define FALLBACK_UNDERLAY_MTU 1500

/* libnl's error codes to errno values. */
int contiv__dp_nlerr(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_INVAL:
	case NLE_MSG_TOOSHORT:
	case NLE_MSG_TRUNC:
		return -EINVAL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

int contiv__dp_links_open(struct contiv_dp *dp)
{
	int r;

	r = contiv__dp_sock_open(dp->ctx, &dp->rtnl);
	if (r < 0)
		return contiv__error(dp->ctx, r, "dp: netlink route socket: %s", strerror(-r));
	return 0;
}

void contiv__dp_links_close(struct contiv_dp *dp)
{
	if (dp->rtnl) {
		nl_socket_free(dp->rtnl);
		dp->rtnl = NULL;
	}
}

int contiv__dp_sock_open(struct contiv_ctx *ctx, struct nl_sock **ret)
{
	struct nl_sock *sk;
	int r;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		return contiv__dp_nlerr(r);
	}
	*ret = sk;
	return 0;
}

/* The link called name: 0 and *ret, -ENODEV if absent, or another error. */
int contiv__dp_link_get(struct nl_sock *sk, const char *name, struct rtnl_link **ret)
{
	int r;

	*ret = NULL;
	r = rtnl_link_get_kernel(sk, 0, name, ret);
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return -ENODEV;
	return contiv__dp_nlerr(r);
}

static int link_get_index(struct nl_sock *sk, int ifindex, struct rtnl_link **ret)
{
	int r;

	*ret = NULL;
	r = rtnl_link_get_kernel(sk, ifindex, NULL, ret);
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return -ENODEV;
	return contiv__dp_nlerr(r);
}

static bool link_is(struct rtnl_link *link, const char *type)
{
	const char *t = rtnl_link_get_type(link);

	return t && !strcmp(t, type);
}

static int link_delete_name(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_name(l, name);
	r = rtnl_link_delete(sk, l);
	rtnl_link_put(l);
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return 0;
	return contiv__dp_nlerr(r);
}

/*
 * Brings link (as read from the kernel) to the given MTU (0: keep), master
 * (-1: keep, 0: none), MAC (NULL: keep), alias (NULL: keep) and up; sends a
 * change only if something differs. *changed tells whether one was sent.
 */
struct link_want {
	unsigned mtu;
	int master;
	struct nl_addr *mac;
	const char *alias;
	bool up;
	bool no_ll6;	/* no IPv6 link-local address (a bridge port needs none) */
};

/*
 * Sets IPv6 address generation "none" on a link that is still down, so that
 * bringing it up adds no fe80:: address and routes: with one per endpoint,
 * every later link event walks an IPv6 routing tree that grows with the
 * number of endpoints. The kernel refuses this at creation, and once the
 * link is up it is too late. Skipped where IPv6 is absent.
 */
static int link_no_ll6(struct nl_sock *sk, struct rtnl_link *link)
{
	struct rtnl_link *ch;
	uint8_t mode = 0;
	int r;

	if ((rtnl_link_get_flags(link) & IFF_UP) || rtnl_link_inet6_get_addr_gen_mode(link, &mode) < 0 ||
	    mode == IN6_ADDR_GEN_MODE_NONE)
		return 0;
	ch = rtnl_link_alloc();
	if (!ch)
		return -ENOMEM;
	r = rtnl_link_inet6_set_addr_gen_mode(ch, IN6_ADDR_GEN_MODE_NONE);
	if (r == 0)
		r = rtnl_link_change(sk, link, ch, 0);
	rtnl_link_put(ch);
	return contiv__dp_nlerr(r);
}

static int link_ensure(struct nl_sock *sk, struct rtnl_link *link, const struct link_want *w)
{
	struct rtnl_link *ch;
	bool any = false;
	int r;

	if (w->no_ll6) {
		r = link_no_ll6(sk, link);
		if (r < 0)
			return r;
	}
	ch = rtnl_link_alloc();
	if (!ch)
		return -ENOMEM;
	if (w->mtu && rtnl_link_get_mtu(link) != w->mtu) {
		rtnl_link_set_mtu(ch, w->mtu);
		any = true;
	}
	if (w->master >= 0 && rtnl_link_get_master(link) != w->master) {
		rtnl_link_set_master(ch, w->master);
		any = true;
	}
	if (w->mac && (!rtnl_link_get_addr(link) || nl_addr_cmp(rtnl_link_get_addr(link), w->mac))) {
		rtnl_link_set_addr(ch, w->mac);
		any = true;
	}
	if (w->alias) {
		const char *a = rtnl_link_get_ifalias(link);
		if (!a || strcmp(a, w->alias)) {
			rtnl_link_set_ifalias(ch, w->alias);
			any = true;
		}
	}
	if (w->up && !(rtnl_link_get_flags(link) & IFF_UP)) {
		rtnl_link_set_flags(ch, IFF_UP);
		any = true;
	}
	r = any ? contiv__dp_nlerr(rtnl_link_change(sk, link, ch, 0)) : 0;
	rtnl_link_put(ch);
	return r;
}

/* Parses an address: family AF_INET/AF_INET6/AF_LLC or AF_UNSPEC (IP). */
int contiv__dp_addr_parse(const char *text, int family, bool prefix, struct nl_addr **ret)
{
	struct nl_addr *a = NULL;
	int f;

	*ret = NULL;
	if (!text || !*text || (!prefix && strchr(text, '/')) || (prefix && !strchr(text, '/')))
		return -EINVAL;
	if (nl_addr_parse(text, family, &a) < 0)
		return -EINVAL;
	f = nl_addr_get_family(a);
	if ((family == AF_LLC && (f != AF_LLC || nl_addr_get_len(a) != 6)) ||
	    (family != AF_LLC && f != AF_INET && f != AF_INET6) ||
	    (family != AF_LLC && !prefix &&
	     nl_addr_get_prefixlen(a) != nl_addr_get_len(a) * 8)) {
		nl_addr_put(a);
		return -EINVAL;
	}
	if (family != AF_LLC && prefix && nl_addr_get_prefixlen(a) == 0) {
		nl_addr_put(a);
		return -EINVAL;
	}
	*ret = a;
	return 0;
}

static bool mac_ok(struct nl_addr *mac)
{
	const uint8_t *b = nl_addr_get_binary_addr(mac);
	static const uint8_t zero[6];

	return !(b[0] & 1) && memcmp(b, zero, 6) != 0;
}

/*
 * Makes the global addresses of family on ifindex exactly {want}: others
 * are removed, want is added if missing. Link-local ones are left alone.
 */
static int addr_ensure(struct nl_sock *sk, int ifindex, struct nl_addr *want)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int family = nl_addr_get_family(want);
	bool have = false;
	int r;

	r = contiv__dp_nlerr(rtnl_addr_alloc_cache(sk, &cache));
	if (r < 0)
		return r;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || rtnl_addr_get_family(a) != family ||
		    rtnl_addr_get_scope(a) >= RT_SCOPE_LINK || !local)
			continue;
		if (!nl_addr_cmp(local, want) && rtnl_addr_get_prefixlen(a) == (int)nl_addr_get_prefixlen(want)) {
			have = true;
			continue;
		}
		r = contiv__dp_nlerr(rtnl_addr_delete(sk, a, 0));
		if (r < 0 && r != -EADDRNOTAVAIL && r != -ENOENT)
			goto out;
	}
	r = 0;
	if (!have) {
		struct rtnl_addr *a = rtnl_addr_alloc();

		if (!a) {
			r = -ENOMEM;
			goto out;
		}
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_family(a, family);
		r = contiv__dp_nlerr(rtnl_addr_set_local(a, want));
		if (r == 0) {
			rtnl_addr_set_prefixlen(a, nl_addr_get_prefixlen(want));
			if (family == AF_INET6)
				rtnl_addr_set_flags(a, IFA_F_NODAD);
			r = contiv__dp_nlerr(rtnl_addr_add(sk, a, 0));
			if (r == -EEXIST)
				r = 0;
		}
		rtnl_addr_put(a);
	}
out:
	nl_cache_free(cache);
	return r;
}

/* A default route via gw on ifindex in the main table (replacing another). */
static int default_route_ensure(struct nl_sock *sk, int ifindex, struct nl_addr *gw)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	struct rtnl_route *rt = NULL;
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *dst = NULL;
	int family = nl_addr_get_family(gw);
	bool have = false;
	int r;

	r = contiv__dp_nlerr(rtnl_route_alloc_cache(sk, family, 0, &cache));
	if (r < 0)
		return r;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *x = (struct rtnl_route *)o;
		struct rtnl_nexthop *xnh;
		struct nl_addr *xgw;

		if (rtnl_route_get_table(x) != RT_TABLE_MAIN || rtnl_route_get_type(x) != RTN_UNICAST ||
		    !rtnl_route_get_dst(x) || nl_addr_get_prefixlen(rtnl_route_get_dst(x)) != 0)
			continue;
		if (rtnl_route_get_nnexthops(x) != 1)
			continue;
		xnh = rtnl_route_nexthop_n(x, 0);
		xgw = rtnl_route_nh_get_gateway(xnh);
		if (rtnl_route_nh_get_ifindex(xnh) == ifindex && xgw && !nl_addr_cmp(xgw, gw))
			have = true;
	}
	nl_cache_free(cache);
	if (have)
		return 0;

	rt = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	if (!rt || !nh || nl_addr_parse("default", family, &dst) < 0) {
		r = -ENOMEM;
		goto out;
	}
	rtnl_route_set_family(rt, family);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_BOOT);
	rtnl_route_set_scope(rt, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(rt, RTN_UNICAST);
	r = contiv__dp_nlerr(rtnl_route_set_dst(rt, dst));
	if (r < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(rt, nh);
	nh = NULL;
	r = contiv__dp_nlerr(rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_REPLACE));
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (rt)
		rtnl_route_put(rt);
	nl_addr_put(dst);
	return r;
}

/* ---------------------------------------------------------------- networks */

static int tag_dev_name(struct contiv_dp *dp, uint32_t encap, uint32_t tag, char buf[16])
{
	if (encap == CONTIV_DP_VXLAN) {
		snprintf(buf, 16, CONTIV_DP_VXLAN_DEV "%u", tag);
		return 0;
	}
	if (!dp->vlan_uplink)
		return -ENXIO;
	if ((size_t)snprintf(buf, 16, "%s.%u", dp->vlan_uplink, tag) >= 16)
		return -ENAMETOOLONG;
	return 0;
}

/* The anycast gateway MAC of a network: 02:c7:'x':VNI or 02:c7:'v':0:VLAN. */
static struct nl_addr *bridge_mac(uint32_t encap, uint32_t tag)
{
	uint8_t b[6] = { 0x02, 0xc7, encap == CONTIV_DP_VXLAN ? 'x' : 'v', (uint8_t)(tag >> 16),
			 (uint8_t)(tag >> 8), (uint8_t)tag };

	return nl_addr_build(AF_LLC, b, sizeof(b));
}

/* The MTU of the underlay: vxlan_dev's, the device holding vtep_ip's, or 1500. */
static int underlay(struct contiv_dp *dp, int *ifindex, unsigned *mtu)
{
	struct rtnl_link *l = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r;

	*ifindex = 0;
	*mtu = FALLBACK_UNDERLAY_MTU;
	if (dp->vxlan_dev) {
		r = contiv__dp_link_get(dp->rtnl, dp->vxlan_dev, &l);
		if (r == -ENODEV)
			return contiv__error(dp->ctx, -ENOENT, "dp: vxlan device \"%s\": no such interface",
					     contiv__quote(q, dp->vxlan_dev));
		if (r < 0)
			return contiv__error(dp->ctx, r, "dp: vxlan device \"%s\": %s",
					     contiv__quote(q, dp->vxlan_dev), strerror(-r));
		*ifindex = rtnl_link_get_ifindex(l);
		*mtu = rtnl_link_get_mtu(l);
		rtnl_link_put(l);
		return 0;
	}
	if (dp->vtep_ip) {
		struct nl_cache *cache = NULL;
		struct nl_addr *vtep = NULL;
		int idx = 0;

		if (nl_addr_parse(dp->vtep_ip, AF_INET, &vtep) < 0)
			return -EINVAL;
		if (rtnl_addr_alloc_cache(dp->rtnl, &cache) == 0) {
			for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
				struct rtnl_addr *a = (struct rtnl_addr *)o;
				struct nl_addr *local = rtnl_addr_get_local(a);

				if (local && nl_addr_get_family(local) == AF_INET &&
				    !memcmp(nl_addr_get_binary_addr(local), nl_addr_get_binary_addr(vtep), 4)) {
					idx = rtnl_addr_get_ifindex(a);
					break;
				}
			}
			nl_cache_free(cache);
		}
		nl_addr_put(vtep);
		if (idx > 0 && link_get_index(dp->rtnl, idx, &l) == 0) {
			*mtu = rtnl_link_get_mtu(l);
			rtnl_link_put(l);
		}
	}
	return 0;
}

/* What a network's devices must be. */
struct net_want {
	uint32_t tag;
	int uplink;		/* ifindex of the underlay (VXLAN, 0: routing) or VLAN uplink */
	unsigned mtu;
	struct nl_addr *mac;	/* the bridge's */
};

/* NULL if the existing vxlan device has the settings asked for, else why not. */
static const char *vxlan_mismatch(struct contiv_dp *dp, struct rtnl_link *l, const struct net_want *w)
{
	uint32_t v = 0;
	struct nl_addr *local = NULL;
	const char *why = NULL;

	if (!link_is(l, "vxlan"))
		return "not a vxlan device";
	if (rtnl_link_vxlan_get_id(l, &v) < 0 || v != w->tag)
		return "wrong VNI";
	if (rtnl_link_vxlan_get_port(l, &v) < 0 || v != dp->vxlan_port)
		return "wrong UDP port";
	if (rtnl_link_vxlan_get_learning(l) != 0)
		return "learning on";
	if (rtnl_link_vxlan_get_proxy(l) != (dp->arp_mode == CONTIV_DP_ARP_PROXY))
		return "wrong ARP proxy setting";
	if (w->uplink && (rtnl_link_vxlan_get_link(l, &v) < 0 || v != (uint32_t)w->uplink))
		return "wrong underlay device";
	if (dp->vtep_ip) {
		struct nl_addr *want = NULL;

		if (rtnl_link_vxlan_get_local(l, &local) < 0 || !local)
			return "no local address";
		if (nl_addr_parse(dp->vtep_ip, AF_INET, &want) < 0 || nl_addr_cmp(local, want))
			why = "wrong local address";
		nl_addr_put(want);
		nl_addr_put(local);
	}
	return why;
}

static const char *vlan_mismatch(struct contiv_dp *dp, struct rtnl_link *l, const struct net_want *w)
{
	if (!link_is(l, "vlan"))
		return "not a VLAN device";
	if (rtnl_link_vlan_get_id(l) != (int)w->tag)
		return "wrong VLAN id";
	if (rtnl_link_get_link(l) != w->uplink)
		return "wrong uplink";
	return NULL;
}

static const char *bridge_mismatch(struct contiv_dp *dp, struct rtnl_link *l, const struct net_want *w)
{
	return link_is(l, "bridge") ? NULL : "not a bridge";
}

static struct rtnl_link *vxlan_new(struct contiv_dp *dp, const struct net_want *w)
{
	struct rtnl_link *l = rtnl_link_vxlan_alloc();
	struct nl_addr *local = NULL;

	if (!l)
		return NULL;
	rtnl_link_set_mtu(l, w->mtu);
	rtnl_link_vxlan_set_id(l, w->tag);
	rtnl_link_vxlan_set_port(l, dp->vxlan_port);
	rtnl_link_vxlan_set_learning(l, 0);
	rtnl_link_vxlan_set_proxy(l, dp->arp_mode == CONTIV_DP_ARP_PROXY);
	if (w->uplink)
		rtnl_link_vxlan_set_link(l, w->uplink);
	if (dp->vtep_ip && nl_addr_parse(dp->vtep_ip, AF_INET, &local) == 0) {
		rtnl_link_vxlan_set_local(l, local);
		nl_addr_put(local);
	}
	return l;
}

static struct rtnl_link *vlan_new(struct contiv_dp *dp, const struct net_want *w)
{
	struct rtnl_link *l = rtnl_link_vlan_alloc();

	if (l) {
		rtnl_link_set_link(l, w->uplink);
		rtnl_link_vlan_set_id(l, (uint16_t)w->tag);
	}
	return l;
}

static struct rtnl_link *bridge_new(struct contiv_dp *dp, const struct net_want *w)
{
	struct rtnl_link *l = rtnl_link_alloc();

	if (l) {
		rtnl_link_set_type(l, "bridge");
		rtnl_link_set_addr(l, w->mac);
		rtnl_link_set_mtu(l, w->mtu);
	}
	return l;
}

struct link_kind {
	const char *what;	/* "vxlan device" */
	const char *lacks;	/* the message when the kernel lacks the type */
	const char *(*mismatch)(struct contiv_dp *dp, struct rtnl_link *l, const struct net_want *w);
	struct rtnl_link *(*build)(struct contiv_dp *dp, const struct net_want *w);
};

static const struct link_kind kind_vxlan = {
	"vxlan device", "kernel lacks VXLAN devices (CONFIG_VXLAN)", vxlan_mismatch, vxlan_new,
};
static const struct link_kind kind_vlan = {
	"VLAN device", "kernel lacks 802.1Q VLAN devices (CONFIG_VLAN_8021Q, module 8021q)", vlan_mismatch,
	vlan_new,
};
static const struct link_kind kind_bridge = {
	"bridge", "kernel lacks bridges (CONFIG_BRIDGE)", bridge_mismatch, bridge_new,
};

/*
 * The device called name as kind k wants it: kept if right, recreated (with
 * a log line) if wrong, created if absent (*made). *ret is the kernel's.
 */
static int link_reconcile(struct contiv_dp *dp, const char *what, const char *name, const struct link_kind *k,
			  const struct net_want *w, struct rtnl_link **ret, bool *made)
{
	struct rtnl_link *l = NULL;
	const char *why;
	int r;

	r = contiv__dp_link_get(dp->rtnl, name, ret);
	if (r == 0 && (why = k->mismatch(dp, *ret, w))) {
		contiv_info(dp->ctx, "%s: %s: %s, recreating it", what, name, why);
		rtnl_link_put(*ret);
		*ret = NULL;
		r = link_delete_name(dp->rtnl, name);
		if (r < 0)
			return contiv__error(dp->ctx, r, "%s: deleting %s: %s", what, name, strerror(-r));
		r = -ENODEV;
	}
	if (r == -ENODEV) {
		l = k->build(dp, w);
		if (!l)
			return -ENOMEM;
		rtnl_link_set_name(l, name);
		r = contiv__dp_nlerr(rtnl_link_add(dp->rtnl, l, NLM_F_CREATE | NLM_F_EXCL));
		rtnl_link_put(l);
		if (r == -EOPNOTSUPP)
			return contiv__error(dp->ctx, r, "%s: %s", what, k->lacks);
		if (r < 0)
			return contiv__error(dp->ctx, r, "%s: creating %s %s: %s", what, k->what, name, strerror(-r));
		*made = true;
		r = contiv__dp_link_get(dp->rtnl, name, ret);
	}
	if (r < 0)
		return contiv__error(dp->ctx, r, "%s: %s: %s", what, name, strerror(-r));
	return 0;
}

/*
 * Learning on the bridge port of the tag device: off for a vxlan device (its
 * FDB is static, the bridge need not learn remote MACs on it either), on for
 * a VLAN device (remote MACs are known only by learning them on the uplink;
 * without it the bridge floods every frame to a remote container to all
 * local ones).
 */
static int brport_learning_set(struct nl_sock *sk, int ifindex, bool want)
{
	struct nl_cache *cache = NULL;
	struct rtnl_link *cur, *orig = NULL, *ch = NULL;
	bool on;
	int r;

	r = contiv__dp_nlerr(rtnl_link_alloc_cache(sk, AF_BRIDGE, &cache));
	if (r < 0)
		return r;
	cur = rtnl_link_get(cache, ifindex);
	on = cur && (rtnl_link_bridge_get_flags(cur) & RTNL_BRIDGE_LEARNING);
	if (cur)
		rtnl_link_put(cur);
	nl_cache_free(cache);
	if (!cur || on == want)
		return 0;
	orig = rtnl_link_alloc();
	ch = rtnl_link_alloc();
	if (!orig || !ch) {
		r = -ENOMEM;
		goto out;
	}
	rtnl_link_set_family(orig, AF_BRIDGE);
	rtnl_link_set_family(ch, AF_BRIDGE);
	rtnl_link_set_ifindex(orig, ifindex);
	if (want)
		rtnl_link_bridge_set_flags(ch, RTNL_BRIDGE_LEARNING);
	else
		rtnl_link_bridge_unset_flags(ch, RTNL_BRIDGE_LEARNING);
	r = contiv__dp_nlerr(rtnl_link_change(sk, orig, ch, 0));
out:
	if (orig)
		rtnl_link_put(orig);
	if (ch)
		rtnl_link_put(ch);
	return r;
}

CONTIV_EXPORT int contiv_dp_network_add(struct contiv_dp *dp, uint32_t encap, uint32_t tag,
					const char *gateway_cidr)
{
	char br[16], dev[16], q[CONTIV_QUOTE_MAX], what[48];
	struct rtnl_link *bl = NULL, *dl = NULL;
	struct nl_addr *gw = NULL;
	struct net_want w = { .tag = tag };
	bool made_br = false, made_dev = false;
	int r;

	contiv_return_val_if_fail(dp, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	if (contiv__dp_bridge_name(encap, tag, br) < 0)
		return contiv__error(dp->ctx, -EINVAL, "dp: network %s %u: %s",
				     encap == CONTIV_DP_VLAN ? "vlan" : encap == CONTIV_DP_VXLAN ? "vxlan" : "?",
				     tag, encap == CONTIV_DP_VXLAN ? "VNI must be 1..16777215" :
				     encap == CONTIV_DP_VLAN ? "VLAN id must be 1..4094" : "unknown encapsulation");
	snprintf(what, sizeof(what), "dp: network %s:%u", encap == CONTIV_DP_VXLAN ? "vxlan" : "vlan", tag);
	r = tag_dev_name(dp, encap, tag, dev);
	if (r == -ENXIO)
		return contiv__error(dp->ctx, -EINVAL, "%s: no VLAN uplink configured (vlan_uplink)", what);
	if (r < 0)
		return contiv__error(dp->ctx, -EINVAL, "%s: uplink \"%s\": name of the VLAN device too long",
				     what, contiv__quote(q, dp->vlan_uplink));
	if (gateway_cidr && contiv__dp_addr_parse(gateway_cidr, AF_UNSPEC, true, &gw) < 0)
		return contiv__error(dp->ctx, -EINVAL, "%s: gateway \"%s\": not an address with prefix length",
				     what, contiv__quote(q, gateway_cidr));
	w.mac = bridge_mac(encap, tag);
	if (!w.mac) {
		r = -ENOMEM;
		goto out;
	}

	/* The device carrying the network's frames, then the bridge. */
	if (encap == CONTIV_DP_VXLAN) {
		r = underlay(dp, &w.uplink, &w.mtu);
		if (r < 0)
			goto out;
		w.mtu = w.mtu > VXLAN_OVERHEAD + 68 ? w.mtu - VXLAN_OVERHEAD : 68;
	} else {
		struct rtnl_link *ul = NULL;

		r = contiv__dp_link_get(dp->rtnl, dp->vlan_uplink, &ul);
		if (r < 0) {
			r = contiv__error(dp->ctx, r == -ENODEV ? -ENOENT : r, "%s: uplink \"%s\": %s", what,
					  contiv__quote(q, dp->vlan_uplink),
					  r == -ENODEV ? "no such interface" : strerror(-r));
			goto out;
		}
		w.uplink = rtnl_link_get_ifindex(ul);
		w.mtu = rtnl_link_get_mtu(ul);
		rtnl_link_put(ul);
	}
	r = link_reconcile(dp, what, dev, encap == CONTIV_DP_VXLAN ? &kind_vxlan : &kind_vlan, &w, &dl,
			   &made_dev);
	if (r < 0)
		goto fail;
	r = link_reconcile(dp, what, br, &kind_bridge, &w, &bl, &made_br);
	if (r < 0)
		goto fail;
	r = link_ensure(dp->rtnl, bl, &(struct link_want){ .mtu = w.mtu, .master = -1, .mac = w.mac, .up = true });
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: setting up bridge %s: %s", what, br, strerror(-r));
		goto fail;
	}
	r = link_ensure(dp->rtnl, dl, &(struct link_want){ .mtu = encap == CONTIV_DP_VXLAN ? w.mtu : 0,
							  .master = rtnl_link_get_ifindex(bl), .up = true });
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: putting %s on bridge %s: %s", what, dev, br, strerror(-r));
		goto fail;
	}
	r = brport_learning_set(dp->rtnl, rtnl_link_get_ifindex(dl), encap == CONTIV_DP_VLAN);
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: turning learning %s on bridge port %s: %s", what,
				  encap == CONTIV_DP_VLAN ? "on" : "off", dev, strerror(-r));
		goto fail;
	}
	if (gw) {
		r = addr_ensure(dp->rtnl, rtnl_link_get_ifindex(bl), gw);
		if (r < 0) {
			r = contiv__error(dp->ctx, r, "%s: gateway \"%s\" on %s: %s", what,
					  contiv__quote(q, gateway_cidr), br, strerror(-r));
			goto fail;
		}
	}
	r = 0;
	goto out;
fail:
	if (made_br)
		link_delete_name(dp->rtnl, br);
	if (made_dev)
		link_delete_name(dp->rtnl, dev);
out:
	if (bl)
		rtnl_link_put(bl);
	if (dl)
		rtnl_link_put(dl);
	nl_addr_put(gw);
	nl_addr_put(w.mac);
	return r;
}

CONTIV_EXPORT int contiv_dp_network_del(struct contiv_dp *dp, uint32_t encap, uint32_t tag)
{
	char br[16], dev[16], what[48];
	struct rtnl_link *bl = NULL;
	struct nl_cache *cache = NULL;
	int r;

	contiv_return_val_if_fail(dp, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	if (contiv__dp_bridge_name(encap, tag, br) < 0)
		return contiv__error(dp->ctx, -EINVAL, "dp: network %u: bad encapsulation or tag", tag);
	snprintf(what, sizeof(what), "dp: network %s:%u", encap == CONTIV_DP_VXLAN ? "vxlan" : "vlan", tag);
	if (tag_dev_name(dp, encap, tag, dev) < 0)
		dev[0] = '\0';

	r = contiv__dp_link_get(dp->rtnl, br, &bl);
	if (r == 0 && link_is(bl, "bridge")) {
		int bi = rtnl_link_get_ifindex(bl);

		r = contiv__dp_nlerr(rtnl_link_alloc_cache(dp->rtnl, AF_UNSPEC, &cache));
		if (r < 0) {
			r = contiv__error(dp->ctx, r, "%s: reading links: %s", what, strerror(-r));
			goto out;
		}
		for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
			struct rtnl_link *l = (struct rtnl_link *)o;
			const char *n = rtnl_link_get_name(l);

			if (rtnl_link_get_master(l) != bi || rtnl_link_get_ifindex(l) == bi || !n ||
			    (dev[0] && !strcmp(n, dev)))
				continue;
			r = contiv__error(dp->ctx, -EBUSY, "%s: bridge %s still has port %s%s", what, br, n,
					  strncmp(n, CONTIV_DP_HOST_VETH, strlen(CONTIV_DP_HOST_VETH)) ? "" :
					  " (a local endpoint)");
			goto out;
		}
	} else if (r < 0 && r != -ENODEV) {
		r = contiv__error(dp->ctx, r, "%s: %s: %s", what, br, strerror(-r));
		goto out;
	}
	if (dev[0]) {
		struct rtnl_link *dl = NULL;

		/* The VLAN device's name is not ours alone: delete it only if it is the network's. */
		if (contiv__dp_link_get(dp->rtnl, dev, &dl) == 0) {
			bool ours = encap == CONTIV_DP_VXLAN ? link_is(dl, "vxlan") : link_is(dl, "vlan");

			rtnl_link_put(dl);
			if (ours) {
				r = link_delete_name(dp->rtnl, dev);
				if (r < 0) {
					r = contiv__error(dp->ctx, r, "%s: deleting %s: %s", what, dev, strerror(-r));
					goto out;
				}
			}
		}
	}
	if (bl) {
		r = link_delete_name(dp->rtnl, br);
		if (r < 0) {
			r = contiv__error(dp->ctx, r, "%s: deleting %s: %s", what, br, strerror(-r));
			goto out;
		}
	}
	r = 0;
out:
	if (cache)
		nl_cache_free(cache);
	if (bl)
		rtnl_link_put(bl);
	return r;
}

/* ----------------------------------------------------------------- remotes */

int contiv__dp_fdb_foreach(struct nl_sock *sk, int ifindex,
			   int (*fn)(struct rtnl_neigh *n, void *userdata), void *userdata)
{
	struct nl_cache *cache = NULL;
	int r;

	r = contiv__dp_nlerr(rtnl_neigh_alloc_cache_flags(sk, &cache, NL_CACHE_AF_ITER));
	if (r < 0)
		return r;
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *n = (struct rtnl_neigh *)o;

		if (rtnl_neigh_get_family(n) != AF_BRIDGE || !(rtnl_neigh_get_flags(n) & NTF_SELF) ||
		    (ifindex && rtnl_neigh_get_ifindex(n) != ifindex) || !rtnl_neigh_get_lladdr(n))
			continue;
		r = fn(n, userdata);
		if (r)
			break;
	}
	nl_cache_free(cache);
	return r;
}

static int vxlan_index(struct contiv_dp *dp, uint32_t tag, const char *what, int *ret)
{
	char dev[16];
	struct rtnl_link *l = NULL;
	int r;

	snprintf(dev, sizeof(dev), CONTIV_DP_VXLAN_DEV "%u", tag);
	r = contiv__dp_link_get(dp->rtnl, dev, &l);
	if (r == -ENODEV)
		return contiv__error(dp->ctx, -ENOENT, "%s: network vxlan:%u is not on this host (no %s)",
				     what, tag, dev);
	if (r < 0)
		return contiv__error(dp->ctx, r, "%s: %s: %s", what, dev, strerror(-r));
	*ret = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return 0;
}

static struct nl_addr *zero_mac(void)
{
	static const uint8_t z[6];

	return nl_addr_build(AF_LLC, z, sizeof(z));
}

/* An FDB entry lladdr -> dst on ifindex (NTF_SELF); flags NLM_F_REPLACE or NLM_F_APPEND. */
static int fdb_op(struct nl_sock *sk, bool add, int ifindex, struct nl_addr *lladdr, struct nl_addr *dst,
		  int flags)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	int r = 0;

	if (!n)
		return -ENOMEM;
	rtnl_neigh_set_ifindex(n, ifindex);
	rtnl_neigh_set_lladdr(n, lladdr);
	if (dst)
		r = contiv__dp_nlerr(rtnl_neigh_set_dst(n, dst));
	rtnl_neigh_set_family(n, AF_BRIDGE);
	rtnl_neigh_set_flags(n, NTF_SELF);
	rtnl_neigh_set_state(n, NUD_PERMANENT | NUD_NOARP);
	if (r == 0)
		r = contiv__dp_nlerr(add ? rtnl_neigh_add(sk, n, NLM_F_CREATE | flags) :
				     rtnl_neigh_delete(sk, n, 0));
	rtnl_neigh_put(n);
	return r;
}

/*
 * The bridge's own FDB entry lladdr -> the VXLAN port (NTF_MASTER, static:
 * NUD_NOARP; NUD_PERMANENT would make it a local address of the bridge).
 * With learning off on that port, the bridge would otherwise never know a
 * remote MAC and flood every unicast frame to it to all local ports.
 */
static int bridge_fdb_op(struct nl_sock *sk, bool add, int ifindex, struct nl_addr *lladdr)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	int r;

	if (!n)
		return -ENOMEM;
	rtnl_neigh_set_ifindex(n, ifindex);
	rtnl_neigh_set_lladdr(n, lladdr);
	rtnl_neigh_set_family(n, AF_BRIDGE);
	rtnl_neigh_set_flags(n, NTF_MASTER);
	rtnl_neigh_set_state(n, NUD_NOARP);
	r = contiv__dp_nlerr(add ? rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_REPLACE) :
			     rtnl_neigh_delete(sk, n, 0));
	rtnl_neigh_put(n);
	return r;
}

static int neigh_op(struct nl_sock *sk, bool add, int ifindex, struct nl_addr *ip, struct nl_addr *lladdr)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	int r;

	if (!n)
		return -ENOMEM;
	rtnl_neigh_set_ifindex(n, ifindex);
	r = contiv__dp_nlerr(rtnl_neigh_set_dst(n, ip));
	if (lladdr)
		rtnl_neigh_set_lladdr(n, lladdr);
	rtnl_neigh_set_state(n, NUD_PERMANENT);
	if (r == 0)
		r = contiv__dp_nlerr(add ? rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_REPLACE) :
				     rtnl_neigh_delete(sk, n, 0));
	rtnl_neigh_put(n);
	return r;
}

/* Checks the arguments common to remote_add and remote_del; what names the remote. */
static int remote_args(struct contiv_dp *dp, uint32_t tag, const char *mac, const char *ip, char what[64],
		       struct nl_addr **m, struct nl_addr **a)
{
	char q[CONTIV_QUOTE_MAX];

	snprintf(what, 64, "dp: remote on vxlan:%u", tag);
	if (tag < 1 || tag > 16777215)
		return contiv__error(dp->ctx, -EINVAL, "%s: VNI must be 1..16777215", what);
	if (!mac || contiv__dp_addr_parse(mac, AF_LLC, false, m) < 0 || !mac_ok(*m))
		return contiv__error(dp->ctx, -EINVAL, "%s: MAC \"%s\": not a unicast MAC address", what,
				     contiv__quote(q, mac ? mac : "(null)"));
	if (ip && contiv__dp_addr_parse(ip, AF_UNSPEC, false, a) < 0)
		return contiv__error(dp->ctx, -EINVAL, "%s: IP \"%s\": not an IPv4 or IPv6 address", what,
				     contiv__quote(q, ip));
	return 0;
}

CONTIV_EXPORT int contiv_dp_remote_add(struct contiv_dp *dp, uint32_t tag, const char *mac, const char *ip,
				       const char *vtep_ip)
{
	struct nl_addr *m = NULL, *a = NULL, *v = NULL, *z = NULL;
	char q[CONTIV_QUOTE_MAX], what[64];
	int idx, r;

	contiv_return_val_if_fail(dp, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	r = remote_args(dp, tag, mac, ip, what, &m, &a);
	if (r < 0)
		goto out;
	if (!vtep_ip || contiv__dp_addr_parse(vtep_ip, AF_INET, false, &v) < 0 ||
	    nl_addr_get_family(v) != AF_INET) {
		r = contiv__error(dp->ctx, -EINVAL, "%s: VTEP \"%s\": not an IPv4 address", what,
				  contiv__quote(q, vtep_ip ? vtep_ip : "(null)"));
		goto out;
	}
	r = vxlan_index(dp, tag, what, &idx);
	if (r < 0)
		goto out;
	r = fdb_op(dp->rtnl, true, idx, m, v, NLM_F_REPLACE);
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: FDB entry %s -> %s: %s", what, mac, vtep_ip, strerror(-r));
		goto out;
	}
	r = bridge_fdb_op(dp->rtnl, true, idx, m);
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: bridge FDB entry %s: %s", what, mac, strerror(-r));
		goto out;
	}
	if (dp->arp_mode == CONTIV_DP_ARP_FLOOD) {
		z = zero_mac();
		r = z ? fdb_op(dp->rtnl, true, idx, z, v, NLM_F_APPEND) : -ENOMEM;
		if (r < 0 && r != -EEXIST) {
			r = contiv__error(dp->ctx, r, "%s: flood entry -> %s: %s", what, vtep_ip, strerror(-r));
			goto out;
		}
	}
	if (a) {
		r = neigh_op(dp->rtnl, true, idx, a, m);
		if (r < 0) {
			r = contiv__error(dp->ctx, r, "%s: neighbour %s -> %s: %s", what, ip, mac, strerror(-r));
			goto out;
		}
	}
	r = 0;
out:
	nl_addr_put(m);
	nl_addr_put(a);
	nl_addr_put(v);
	nl_addr_put(z);
	return r;
}

struct fdb_find {
	struct nl_addr *mac;
	struct nl_addr *dst;	/* out: the entry's dst (ref) */
	struct nl_addr *vtep;	/* in: count other entries to this VTEP */
	int others;
};

static int fdb_find_fn(struct rtnl_neigh *n, void *userdata)
{
	struct fdb_find *f = userdata;
	struct nl_addr *ll = rtnl_neigh_get_lladdr(n), *dst = rtnl_neigh_get_dst(n);
	static const uint8_t zero[6];

	if (nl_addr_get_len(ll) != 6)
		return 0;
	if (f->mac && !memcmp(nl_addr_get_binary_addr(ll), nl_addr_get_binary_addr(f->mac), 6)) {
		if (dst && !f->dst)
			f->dst = nl_addr_clone(dst);
	} else if (f->vtep && dst && memcmp(nl_addr_get_binary_addr(ll), zero, 6) &&
		   nl_addr_get_len(dst) == nl_addr_get_len(f->vtep) &&
		   !memcmp(nl_addr_get_binary_addr(dst), nl_addr_get_binary_addr(f->vtep), nl_addr_get_len(dst))) {
		f->others++;
	}
	return 0;
}

CONTIV_EXPORT int contiv_dp_remote_del(struct contiv_dp *dp, uint32_t tag, const char *mac, const char *ip)
{
	struct nl_addr *m = NULL, *a = NULL, *z = NULL;
	struct fdb_find f = { 0 };
	char what[64];
	int idx, r;

	contiv_return_val_if_fail(dp, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	r = remote_args(dp, tag, mac, ip, what, &m, &a);
	if (r < 0)
		goto out;
	r = vxlan_index(dp, tag, what, &idx);
	if (r == -ENOENT) {
		r = 0;	/* the network is gone, and its entries with it */
		goto out;
	}
	if (r < 0)
		goto out;
	f.mac = m;
	r = contiv__dp_fdb_foreach(dp->rtnl, idx, fdb_find_fn, &f);
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: reading the FDB: %s", what, strerror(-r));
		goto out;
	}
	r = fdb_op(dp->rtnl, false, idx, m, NULL, 0);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		r = contiv__error(dp->ctx, r, "%s: deleting FDB entry %s: %s", what, mac, strerror(-r));
		goto out;
	}
	r = bridge_fdb_op(dp->rtnl, false, idx, m);
	if (r < 0 && r != -ENOENT && r != -ENODEV) {
		r = contiv__error(dp->ctx, r, "%s: deleting bridge FDB entry %s: %s", what, mac, strerror(-r));
		goto out;
	}
	if (a) {
		r = neigh_op(dp->rtnl, false, idx, a, NULL);
		if (r < 0 && r != -ENOENT && r != -ENODEV) {
			r = contiv__error(dp->ctx, r, "%s: deleting neighbour %s: %s", what, ip, strerror(-r));
			goto out;
		}
	}
	if (dp->arp_mode == CONTIV_DP_ARP_FLOOD && f.dst) {
		struct fdb_find g = { .vtep = f.dst };

		r = contiv__dp_fdb_foreach(dp->rtnl, idx, fdb_find_fn, &g);
		if (r < 0) {
			r = contiv__error(dp->ctx, r, "%s: reading the FDB: %s", what, strerror(-r));
			goto out;
		}
		if (g.others == 0) {
			z = zero_mac();
			r = z ? fdb_op(dp->rtnl, false, idx, z, f.dst, 0) : -ENOMEM;
			if (r < 0 && r != -ENOENT && r != -ENODEV) {
				r = contiv__error(dp->ctx, r, "%s: deleting the flood entry: %s", what, strerror(-r));
				goto out;
			}
		}
	}
	r = 0;
out:
	nl_addr_put(m);
	nl_addr_put(a);
	nl_addr_put(z);
	nl_addr_put(f.dst);
	return r;
}

/* --------------------------------------------------------------- endpoints */

/* Opens a NETLINK_ROUTE socket inside the namespace nsfd; the thread returns to its own. */
static int sock_in_netns(struct contiv_ctx *ctx, int nsfd, const char *what, struct nl_sock **ret)
{
	int self, r, r2;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return contiv__error(ctx, -errno, "%s: own network namespace: %s", what, strerror(errno));
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		r = -errno;
		close(self);
		return contiv__error(ctx, r, "%s: entering the namespace: %s", what, strerror(-r));
	}
	r = contiv__dp_sock_open(ctx, ret);
	r2 = setns(self, CLONE_NEWNET) < 0 ? -errno : 0;
	close(self);
	if (r2 < 0) {
		/* The thread is stuck in the container's namespace: nothing is safe now. */
		if (r == 0)
			nl_socket_free(*ret);
		*ret = NULL;
		return contiv__error(ctx, r2, "%s: returning to the host namespace: %s", what, strerror(-r2));
	}
	if (r < 0)
		return contiv__error(ctx, r, "%s: netlink socket in the namespace: %s", what, strerror(-r));
	return 0;
}

static bool ifname_ok(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > 15 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (const char *p = n; *p; p++)
		if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* Whether peer (in the container) and host are the two ends of one veth pair. */
static bool veth_pair(struct rtnl_link *host, struct rtnl_link *peer)
{
	return host && peer && link_is(peer, "veth") &&
	       rtnl_link_get_link(host) == rtnl_link_get_ifindex(peer) &&
	       rtnl_link_get_link(peer) == rtnl_link_get_ifindex(host);
}

/* Configures the container side: name, MAC, MTU, up, addresses, routes, lo. */
static int peer_setup(struct contiv_dp *dp, struct nl_sock *ns, struct rtnl_link *peer, const char *ifname,
		      struct nl_addr *mac, unsigned mtu, struct nl_addr *ip4, struct nl_addr *gw4,
		      struct nl_addr *ip6, struct nl_addr *gw6, const char *what)
{
	struct rtnl_link *cur = NULL, *lo = NULL;
	int idx = rtnl_link_get_ifindex(peer), r;

	if (strcmp(rtnl_link_get_name(peer), ifname)) {
		struct rtnl_link *ch = rtnl_link_alloc();

		if (!ch)
			return -ENOMEM;
		if (rtnl_link_get_flags(peer) & IFF_UP) {
			rtnl_link_unset_flags(ch, IFF_UP);
			r = contiv__dp_nlerr(rtnl_link_change(ns, peer, ch, 0));
			rtnl_link_put(ch);
			if (r < 0)
				return contiv__error(dp->ctx, r, "%s: bringing %s down: %s", what,
						     rtnl_link_get_name(peer), strerror(-r));
			ch = rtnl_link_alloc();
			if (!ch)
				return -ENOMEM;
		}
		rtnl_link_set_name(ch, ifname);
		r = contiv__dp_nlerr(rtnl_link_change(ns, peer, ch, 0));
		rtnl_link_put(ch);
		if (r < 0)
			return contiv__error(dp->ctx, r, "%s: renaming %s to %s: %s", what,
					     rtnl_link_get_name(peer), ifname, strerror(-r));
	}
	r = link_get_index(ns, idx, &cur);
	if (r < 0)
		return contiv__error(dp->ctx, r, "%s: %s: %s", what, ifname, strerror(-r));
	r = link_ensure(ns, cur, &(struct link_want){ .mtu = mtu, .master = -1, .mac = mac, .up = true });
	rtnl_link_put(cur);
	if (r < 0)
		return contiv__error(dp->ctx, r, "%s: setting MAC, MTU %u and up on %s: %s", what, mtu, ifname,
				     strerror(-r));
	for (int i = 0; i < 2; i++) {
		struct nl_addr *ip = i ? ip6 : ip4, *gw = i ? gw6 : gw4;
		char buf[64];

		if (ip) {
			r = addr_ensure(ns, idx, ip);
			if (r < 0)
				return contiv__error(dp->ctx, r, "%s: address %s on %s: %s", what,
						     nl_addr2str(ip, buf, sizeof(buf)), ifname, strerror(-r));
		}
		if (gw) {
			r = default_route_ensure(ns, idx, gw);
			if (r < 0)
				return contiv__error(dp->ctx, r, "%s: default route via %s: %s", what,
						     nl_addr2str(gw, buf, sizeof(buf)), strerror(-r));
		}
	}
	r = contiv__dp_link_get(ns, "lo", &lo);
	if (r == 0) {
		r = link_ensure(ns, lo, &(struct link_want){ .master = -1, .up = true });
		rtnl_link_put(lo);
	}
	if (r < 0)
		return contiv__error(dp->ctx, r, "%s: bringing lo up: %s", what, strerror(-r));
	return 0;
}

static int veth_create(struct contiv_dp *dp, const char *host, const char *peer_name, int nsfd,
		       const char *id, struct nl_addr *mac, unsigned mtu)
{
	struct rtnl_link *veth = rtnl_link_veth_alloc(), *peer;
	int r;

	if (!veth)
		return -ENOMEM;
	rtnl_link_set_name(veth, host);
	rtnl_link_set_mtu(veth, mtu);
	rtnl_link_set_ifalias(veth, id);
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, peer_name);
	rtnl_link_set_mtu(peer, mtu);
	rtnl_link_set_addr(peer, mac);
	rtnl_link_set_ns_fd(peer, nsfd);
	rtnl_link_put(peer);
	r = contiv__dp_nlerr(rtnl_link_add(dp->rtnl, veth, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(veth);
	return r;
}

CONTIV_EXPORT int contiv_dp_endpoint_add(struct contiv_dp *dp, const struct contiv_dp_endpoint_opts *opts,
					 char *ret_host_ifname, size_t len)
{
	const char *id, *path, *ifname, *mac_s, *ip4_s, *gw4_s, *ip6_s, *gw6_s;
	struct nl_addr *mac = NULL, *ip4 = NULL, *gw4 = NULL, *ip6 = NULL, *gw6 = NULL;
	struct rtnl_link *bl = NULL, *hl = NULL, *pl = NULL;
	struct nl_sock *ns = NULL;
	char host[16], pname[16], br[16], what[128], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	uint32_t encap, tag;
	unsigned mtu;
	bool created = false;
	int nsfd = -1, r;

	contiv_return_val_if_fail(dp && opts, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	if (!CONTIV_OPTS_VALID(opts, contiv_dp_endpoint_opts))
		return contiv__error(dp->ctx, -EINVAL, "dp: endpoint options of an unknown size or version");
	id = CONTIV_OPTS_GET(opts, id, NULL);
	path = CONTIV_OPTS_GET(opts, netns_path, NULL);
	ifname = CONTIV_OPTS_GET(opts, ifname, NULL) ?: "eth0";
	mac_s = CONTIV_OPTS_GET(opts, mac, NULL);
	ip4_s = CONTIV_OPTS_GET(opts, ipv4_cidr, NULL);
	gw4_s = CONTIV_OPTS_GET(opts, gateway4, NULL);
	ip6_s = CONTIV_OPTS_GET(opts, ipv6_cidr, NULL);
	gw6_s = CONTIV_OPTS_GET(opts, gateway6, NULL);
	encap = CONTIV_OPTS_GET(opts, encap, 0);
	tag = CONTIV_OPTS_GET(opts, tag, 0);
	mtu = CONTIV_OPTS_GET(opts, mtu, 0);
	if (!id || !*id)
		return contiv__error(dp->ctx, -EINVAL, "dp: endpoint: an id is required");
	snprintf(what, sizeof(what), "dp: endpoint \"%s\"", contiv__quote(q, id));
	if (!path || !*path)
		return contiv__error(dp->ctx, -EINVAL, "%s: a network namespace path is required", what);
	if (!ifname_ok(ifname))
		return contiv__error(dp->ctx, -EINVAL, "%s: interface name \"%s\": not a valid name", what,
				     contiv__quote(q, ifname));
	if (mtu && (mtu < 68 || mtu > 65535))
		return contiv__error(dp->ctx, -EINVAL, "%s: MTU %u: must be 68..65535", what, mtu);
	if (contiv__dp_bridge_name(encap, tag, br) < 0)
		return contiv__error(dp->ctx, -EINVAL, "%s: network encap %u tag %u: not a valid network", what,
				     encap, tag);
	if (!mac_s || contiv__dp_addr_parse(mac_s, AF_LLC, false, &mac) < 0 || !mac_ok(mac)) {
		r = contiv__error(dp->ctx, -EINVAL, "%s: MAC \"%s\": not a unicast MAC address", what,
				  contiv__quote(q, mac_s ? mac_s : "(null)"));
		goto out;
	}
	{
		const char *texts[4] = { ip4_s, gw4_s, ip6_s, gw6_s };
		struct nl_addr **addrs[4] = { &ip4, &gw4, &ip6, &gw6 };
		static const char *const names[4] = { "IPv4 address", "IPv4 gateway", "IPv6 address",
						       "IPv6 gateway" };

		for (int i = 0; i < 4; i++) {
			int fam = i < 2 ? AF_INET : AF_INET6;

			if (!texts[i])
				continue;
			if (contiv__dp_addr_parse(texts[i], fam, !(i & 1), addrs[i]) < 0 ||
			    nl_addr_get_family(*addrs[i]) != fam) {
				r = contiv__error(dp->ctx, -EINVAL, "%s: %s \"%s\": not valid%s", what, names[i],
						  contiv__quote(q, texts[i]), i & 1 ? "" : " (address/prefix)");
				goto out;
			}
		}
	}
	contiv__dp_ifname(CONTIV_DP_HOST_VETH, id, host);
	contiv__dp_ifname(CONTIV_DP_PEER_VETH, id, pname);

	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		r = contiv__error(dp->ctx, -errno, "%s: netns \"%s\": %s", what, contiv__quote(q2, path),
				  strerror(errno));
		goto out;
	}
	r = contiv__dp_link_get(dp->rtnl, br, &bl);
	if (r == -ENODEV || (r == 0 && !link_is(bl, "bridge"))) {
		r = contiv__error(dp->ctx, -ENOENT, "%s: network %s:%u is not on this host (no bridge %s)", what,
				  encap == CONTIV_DP_VXLAN ? "vxlan" : "vlan", tag, br);
		goto out;
	}
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: bridge %s: %s", what, br, strerror(-r));
		goto out;
	}
	if (!mtu) {
		/* The network's MTU: its tag device's (the bridge's follows its ports). */
		struct rtnl_link *dl = NULL;
		char dev[16];

		mtu = rtnl_link_get_mtu(bl);
		if (tag_dev_name(dp, encap, tag, dev) == 0 && contiv__dp_link_get(dp->rtnl, dev, &dl) == 0) {
			mtu = rtnl_link_get_mtu(dl);
			rtnl_link_put(dl);
		}
	}
	{
		char nswhat[CONTIV_QUOTE_MAX + 160];

		snprintf(nswhat, sizeof(nswhat), "%s: netns \"%s\"", what, contiv__quote(q2, path));
		r = sock_in_netns(dp->ctx, nsfd, nswhat, &ns);
		if (r < 0)
			goto out;
	}

	/* What is there already: our host side, the name inside, a half-made peer. */
	r = contiv__dp_link_get(dp->rtnl, host, &hl);
	if (r < 0 && r != -ENODEV) {
		r = contiv__error(dp->ctx, r, "%s: %s: %s", what, host, strerror(-r));
		goto out;
	}
	if (hl && !link_is(hl, "veth")) {
		r = contiv__error(dp->ctx, -EEXIST, "%s: %s exists and is not a veth", what, host);
		goto out;
	}
	r = contiv__dp_link_get(ns, ifname, &pl);
	if (r < 0 && r != -ENODEV) {
		r = contiv__error(dp->ctx, r, "%s: %s in the container: %s", what, ifname, strerror(-r));
		goto out;
	}
	if (pl && !veth_pair(hl, pl)) {
		r = contiv__error(dp->ctx, -EEXIST, "%s: interface %s exists in netns \"%s\" and is not this endpoint's",
				  what, ifname, contiv__quote(q2, path));
		goto out;
	}
	if (!pl && hl) {
		/* A peer not yet renamed (an earlier call was interrupted)? */
		if (contiv__dp_link_get(ns, pname, &pl) == 0 && !veth_pair(hl, pl)) {
			rtnl_link_put(pl);
			pl = NULL;
		}
		if (!pl) {
			contiv_info(dp->ctx, "%s: %s has no peer in netns \"%s\", recreating the pair", what, host,
				    contiv__quote(q2, path));
			rtnl_link_put(hl);
			hl = NULL;
			r = link_delete_name(dp->rtnl, host);
			if (r < 0) {
				r = contiv__error(dp->ctx, r, "%s: deleting %s: %s", what, host, strerror(-r));
				goto out;
			}
		}
	}
	if (!hl) {
		r = veth_create(dp, host, pname, nsfd, id, mac, mtu);
		if (r < 0) {
			r = contiv__error(dp->ctx, r, "%s: creating veth pair %s/%s: %s", what, host, pname,
					  r == -EOPNOTSUPP ? "kernel lacks veth (CONFIG_VETH)" : strerror(-r));
			goto out;
		}
		created = true;
		r = contiv__dp_link_get(dp->rtnl, host, &hl);
		if (r == 0)
			r = contiv__dp_link_get(ns, pname, &pl);
		if (r == -ENODEV)
			r = contiv__error(dp->ctx, -ENOENT, "%s: veth %s did not land in netns \"%s\"", what, pname,
					  contiv__quote(q2, path));
		else if (r < 0)
			r = contiv__error(dp->ctx, r, "%s: reading veth pair %s: %s", what, host, strerror(-r));
		if (r < 0)
			goto fail;
	}

	r = peer_setup(dp, ns, pl, ifname, mac, mtu, ip4, gw4, ip6, gw6, what);
	if (r < 0)
		goto fail;
	r = link_ensure(dp->rtnl, hl, &(struct link_want){ .mtu = mtu, .master = rtnl_link_get_ifindex(bl),
							  .alias = id, .up = true, .no_ll6 = true });
	if (r < 0) {
		r = contiv__error(dp->ctx, r, "%s: putting %s on bridge %s: %s", what, host, br, strerror(-r));
		goto fail;
	}
	if (ret_host_ifname && len) {
		if (len <= strlen(host)) {
			r = contiv__error(dp->ctx, -EINVAL, "%s: buffer of %zu bytes too small for \"%s\"", what, len,
					  host);
			goto out;
		}
		strcpy(ret_host_ifname, host);
	}
	r = 0;
	goto out;
fail:
	if (created)
		link_delete_name(dp->rtnl, host);
out:
	if (ns)
		nl_socket_free(ns);
	if (nsfd >= 0)
		close(nsfd);
	if (bl)
		rtnl_link_put(bl);
	if (hl)
		rtnl_link_put(hl);
	if (pl)
		rtnl_link_put(pl);
	nl_addr_put(mac);
	nl_addr_put(ip4);
	nl_addr_put(gw4);
	nl_addr_put(ip6);
	nl_addr_put(gw6);
	return r;
}

CONTIV_EXPORT int contiv_dp_endpoint_del(struct contiv_dp *dp, const char *id)
{
	char host[16], ifb[16], q[CONTIV_QUOTE_MAX];
	struct rtnl_link *l = NULL;
	int r;

	contiv_return_val_if_fail(dp, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	if (!id || !*id)
		return contiv__error(dp->ctx, -EINVAL, "dp: endpoint: an id is required");
	contiv__dp_ifname(CONTIV_DP_HOST_VETH, id, host);
	contiv__dp_ifname(CONTIV_DP_IFB, id, ifb);
	for (int i = 0; i < 2; i++) {
		const char *n = i ? ifb : host;

		r = contiv__dp_link_get(dp->rtnl, n, &l);
		if (r == -ENODEV)
			continue;
		if (r == 0) {
			bool ours = link_is(l, i ? "ifb" : "veth");

			rtnl_link_put(l);
			if (!ours)
				continue;
			r = link_delete_name(dp->rtnl, n);
		}
		if (r < 0)
			return contiv__error(dp->ctx, r, "dp: endpoint \"%s\": deleting %s: %s",
					     contiv__quote(q, id), n, strerror(-r));
	}
	return 0;
}
