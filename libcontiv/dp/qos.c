/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Netprofile shaping with tc through libnl-route-3 (see qos.h for the layout).
 *
 * Traffic to the container leaves the host-side veth: a root tbf there.
 * Traffic from the container enters it: the kernels we run on lack ingress
 * policing (act_police) and matchall, so an ingress qdisc with a u32
 * match-everything filter redirects it (mirred egress redirect) to an ifb
 * device, whose root tbf shapes it; the ifb hands it back to the veth's
 * receive path. Every step reads the kernel first and changes only what
 * differs; a new rate changes the tbfs in place.
 */
#include "config.h"

#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_mirred.h>

#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/utils.h>
#include <netlink/route/act/mirred.h>
#include <netlink/route/action.h>
#include <netlink/route/classifier.h>
#include <netlink/route/cls/u32.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "qos.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#ifndef IFALIASZ
#define IFALIASZ 256
#endif

#define QOS_TBF_HANDLE 0x00010000u		/* 1: */
#define QOS_INGRESS_HANDLE 0xffff0000u		/* ffff: */
/* The ingress hook of an ingress or a clsact qdisc. */
#define QOS_FILTER_PARENT TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)
#define QOS_FILTER_PRIO 1
#define QOS_FILTER_HANDLE 0x80000800u		/* 800::800 */
#define QOS_LATENCY_MS 50u
#define QOS_MIN_BURST 4096u
#define QOS_MIN_QUEUE 10u
/* The kernel keeps a tbf's bucket as nanoseconds at the rate in 32 bits. */
#define QOS_MAX_BUCKET_NS 4294967295ull

/* The outcome of one request: errno and the kernel's extended ack text. */
struct qos_ack {
	int err;
	char msg[160];
};

static int qos_nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_OPNOTSUPP:
	case NLE_AF_NOSUPPORT:
		return -EOPNOTSUPP;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static int qos_ack_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_STOP;
}

static int qos_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct qos_ack *ack = arg;
	size_t off, len;

	(void)nla;
	ack->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return NL_STOP;
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len >= NLMSG_HDRLEN ? e->msg.nlmsg_len - NLMSG_HDRLEN : 0;
	off = NLMSG_ALIGN(off);
	if (off < len) {
		struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

		if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
			      (int)(len - off), NULL) == 0 && tb[NLMSGERR_ATTR_MSG])
			nla_strlcpy(ack->msg, tb[NLMSGERR_ATTR_MSG], sizeof(ack->msg));
	}
	return NL_STOP;
}

/* Sends msg (consumed) and waits for the kernel's answer; 0 or -errno. */
static int qos_talk(struct contiv_dp *dp, struct nl_msg *msg, struct qos_ack *ack)
{
	struct nl_cb *cb, *sock_cb;
	int one = 1, r;

	ack->err = 0;
	ack->msg[0] = '\0';
	/* Ask for the reason as text (harmless to the socket's other users). */
	(void)setsockopt(nl_socket_get_fd(dp->rtnl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	r = nl_send_auto(dp->rtnl, msg);
	nlmsg_free(msg);
	if (r < 0)
		return qos_nle_errno(r);
	sock_cb = nl_socket_get_cb(dp->rtnl);	/* a reference */
	cb = nl_cb_clone(sock_cb);
	nl_cb_put(sock_cb);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, qos_ack_cb, NULL);
	nl_cb_err(cb, NL_CB_CUSTOM, qos_err_cb, ack);
	r = nl_recvmsgs(dp->rtnl, cb);
	nl_cb_put(cb);
	if (ack->err < 0)
		return ack->err;
	return r < 0 ? qos_nle_errno(r) : 0;
}

/*
 * The error of a failed change: a missing kernel feature (the kernel answers
 * ENOENT for an unknown qdisc, classifier or action kind and EOPNOTSUPP for
 * an unknown device type) becomes -EOPNOTSUPP naming it.
 */
static int qos_fail(struct contiv_dp *dp, int r, const struct qos_ack *ack, const char *id,
		    const char *what, const char *dev, const char *feature)
{
	char q[CONTIV_QUOTE_MAX];

	if (feature && (r == -ENOENT || r == -EOPNOTSUPP))
		return contiv__error(dp->ctx, -EOPNOTSUPP,
				     "qos: endpoint \"%s\": %s on %s: the kernel lacks %s%s%s%s",
				     contiv__quote(q, id), what, dev, feature,
				     ack->msg[0] ? " (" : "", ack->msg, ack->msg[0] ? ")" : "");
	return contiv__error(dp->ctx, r, "qos: endpoint \"%s\": %s on %s: %s%s%s%s",
			     contiv__quote(q, id), what, dev, strerror(-r),
			     ack->msg[0] ? " (" : "", ack->msg, ack->msg[0] ? ")" : "");
}

static int qos_nl_fail(struct contiv_dp *dp, int nle, const char *id, const char *what)
{
	char q[CONTIV_QUOTE_MAX];

	return contiv__error(dp->ctx, qos_nle_errno(nle), "qos: endpoint \"%s\": %s: %s",
			     contiv__quote(q, id), what, nl_geterror(nle));
}

/*
 * Sends the request that building returned built (a libnl error or 0) for,
 * msg; 0 on success or if the kernel answers ok_err (e.g. -ENOENT for a
 * removal), else the error recorded on the context.
 */
static int qos_request(struct contiv_dp *dp, const char *id, int built, struct nl_msg *msg,
		       const char *what, const char *dev, const char *feature, int ok_err)
{
	struct qos_ack ack;
	int r;

	if (built < 0) {
		nlmsg_free(msg);
		return qos_nl_fail(dp, built, id, what);
	}
	r = qos_talk(dp, msg, &ack);
	if (r < 0 && r != ok_err)
		return qos_fail(dp, r, &ack, id, what, dev, feature);
	return 0;
}

/* The device called name: 0 and *ret, -ENOENT if there is none, or -errno. */
static int qos_get_link(struct contiv_dp *dp, const char *name, struct rtnl_link **ret)
{
	int r;

	*ret = NULL;
	r = rtnl_link_get_kernel(dp->rtnl, 0, name, ret);
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
		return -ENOENT;
	return r < 0 ? qos_nle_errno(r) : 0;
}

static bool qos_is_kind(struct rtnl_tc *tc, const char *kind)
{
	const char *k = tc ? rtnl_tc_get_kind(tc) : NULL;

	return k && !strcmp(k, kind);
}

static bool qos_is_ifb(struct rtnl_link *link)
{
	const char *t = rtnl_link_get_type(link);

	return t && !strcmp(t, "ifb");
}

/*
 * The queue of the tbf we program for rate (bytes/s) and burst: 50 ms at the
 * rate beyond the burst, but at least QOS_MIN_QUEUE full frames: with only a
 * few, TCP through the ifb (where a drop is a real loss) stays well under
 * the rate.
 */
static uint32_t qos_limit(uint32_t rate, uint32_t burst, uint32_t frame)
{
	uint64_t limit = (uint64_t)rate * QOS_LATENCY_MS / 1000 + burst;

	if (limit < (uint64_t)frame * QOS_MIN_QUEUE)
		limit = (uint64_t)frame * QOS_MIN_QUEUE;

	return limit > INT_MAX ? INT_MAX : (uint32_t)limit;
}

static bool qos_tbf_matches(struct rtnl_qdisc *q, uint32_t rate, uint32_t burst, uint32_t frame)
{
	int want, got;

	if (!qos_is_kind(TC_CAST(q), "tbf"))
		return false;
	if (rtnl_qdisc_tbf_get_rate(q) != (int)rate ||
	    rtnl_qdisc_tbf_get_limit(q) != (int)qos_limit(rate, burst, frame) ||
	    rtnl_qdisc_tbf_get_peakrate(q) > 0)
		return false;
	/* The bucket travels as ticks at the rate: what libnl reads back. */
	want = rtnl_tc_calc_bufsize((int)nl_ticks2us(nl_us2ticks((uint32_t)rtnl_tc_calc_txtime((int)burst, (int)rate))),
				    (int)rate);
	got = rtnl_qdisc_tbf_get_rate_bucket(q);
	return got >= want - 2 && got <= want + 2;
}

/* A root tbf on link at rate/burst, changed in place if a tbf is there. */
static int qos_ensure_tbf(struct contiv_dp *dp, const char *id, struct nl_cache *qdiscs,
			  struct rtnl_link *link, uint32_t rate, uint32_t burst, uint32_t frame)
{
	const char *dev = rtnl_link_get_name(link);
	struct rtnl_qdisc *cur = NULL, *q;
	struct nl_msg *msg = NULL;
	uint32_t handle = QOS_TBF_HANDLE;
	int r;

	if (qdiscs)
		cur = rtnl_qdisc_get_by_parent(qdiscs, rtnl_link_get_ifindex(link), TC_H_ROOT);
	if (cur && qos_tbf_matches(cur, rate, burst, frame)) {
		rtnl_qdisc_put(cur);
		return 0;
	}
	if (cur && qos_is_kind(TC_CAST(cur), "tbf"))
		handle = rtnl_tc_get_handle(TC_CAST(cur));
	if (cur)
		rtnl_qdisc_put(cur);
	q = rtnl_qdisc_alloc();
	if (!q)
		return -ENOMEM;
	rtnl_tc_set_link(TC_CAST(q), link);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), handle);
	r = rtnl_tc_set_kind(TC_CAST(q), "tbf");
	if (r >= 0) {
		rtnl_qdisc_tbf_set_rate(q, (int)rate, (int)burst, 0);
		rtnl_qdisc_tbf_set_limit(q, (int)qos_limit(rate, burst, frame));
		/* Create, or replace in place (same kind and handle). */
		r = rtnl_qdisc_build_add_request(q, NLM_F_CREATE | NLM_F_REPLACE, &msg);
	}
	rtnl_qdisc_put(q);
	r = qos_request(dp, id, r, msg, "setting the tbf qdisc", dev,
			"the tbf qdisc (CONFIG_NET_SCH_TBF)", 0);
	if (r < 0)
		return r;
	contiv_dbg(dp->ctx, "qos %s: tbf on %s: %u bytes/s, burst %u", id, dev, rate, burst);
	return 0;
}

static int qos_del_qdisc(struct contiv_dp *dp, const char *id, const char *dev, int ifindex,
			 uint32_t parent)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	struct nl_msg *msg = NULL;
	int r;

	if (!q)
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), parent);
	r = rtnl_qdisc_build_delete_request(q, &msg);
	rtnl_qdisc_put(q);
	return qos_request(dp, id, r, msg, "removing a qdisc", dev, NULL, -ENOENT);
}

/* The ingress hook on the veth: an ingress qdisc, unless a clsact is there. */
static int qos_ensure_ingress(struct contiv_dp *dp, const char *id, struct nl_cache *qdiscs,
			      struct rtnl_link *link)
{
	const char *dev = rtnl_link_get_name(link);
	struct rtnl_qdisc *cur, *q;
	struct nl_msg *msg = NULL;
	int r;

	cur = rtnl_qdisc_get_by_parent(qdiscs, rtnl_link_get_ifindex(link), TC_H_INGRESS);
	if (cur) {
		bool ok = qos_is_kind(TC_CAST(cur), "ingress") || qos_is_kind(TC_CAST(cur), "clsact");

		rtnl_qdisc_put(cur);
		if (ok)
			return 0;
	}
	q = rtnl_qdisc_alloc();
	if (!q)
		return -ENOMEM;
	rtnl_tc_set_link(TC_CAST(q), link);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_INGRESS);
	rtnl_tc_set_handle(TC_CAST(q), QOS_INGRESS_HANDLE);
	r = rtnl_tc_set_kind(TC_CAST(q), "ingress");
	if (r >= 0)
		r = rtnl_qdisc_build_add_request(q, NLM_F_CREATE | NLM_F_EXCL, &msg);
	rtnl_qdisc_put(q);
	return qos_request(dp, id, r, msg, "adding the ingress qdisc", dev,
			   "the ingress qdisc (CONFIG_NET_SCH_INGRESS)", -EEXIST);
}

/* Whether cls is our redirect filter (to the ifb ifb_index, or any if 0). */
static bool qos_is_our_filter(struct rtnl_cls *cls, int ifb_index)
{
	struct rtnl_act *act;

	if (rtnl_cls_get_prio(cls) != QOS_FILTER_PRIO || !qos_is_kind(TC_CAST(cls), "u32") ||
	    rtnl_tc_get_handle(TC_CAST(cls)) != QOS_FILTER_HANDLE)
		return false;
	act = rtnl_u32_get_action(cls);
	if (!act || !qos_is_kind(TC_CAST(act), "mirred") || rtnl_act_next(act))
		return false;
	return rtnl_mirred_get_action(act) == TCA_EGRESS_REDIR &&
	       (ifb_index == 0 || rtnl_mirred_get_ifindex(act) == (uint32_t)ifb_index);
}

static int qos_del_filter(struct contiv_dp *dp, const char *id, struct rtnl_link *link,
			  uint16_t protocol)
{
	struct rtnl_cls *cls = rtnl_cls_alloc();
	struct nl_msg *msg = NULL;
	int r;

	if (!cls)
		return -ENOMEM;
	rtnl_tc_set_link(TC_CAST(cls), link);
	rtnl_tc_set_parent(TC_CAST(cls), QOS_FILTER_PARENT);
	rtnl_cls_set_prio(cls, QOS_FILTER_PRIO);
	rtnl_cls_set_protocol(cls, protocol);
	r = rtnl_cls_build_delete_request(cls, 0, &msg);
	rtnl_cls_put(cls);
	return qos_request(dp, id, r, msg, "removing the redirect filter", rtnl_link_get_name(link),
			   NULL, -ENOENT);
}

/*
 * Looks for our filter on link's ingress hook: *ours if it is there and
 * redirects to ifb_index (any ifb if 0), *other_proto the protocol of
 * whatever sits at our priority otherwise (0 if nothing).
 */
static int qos_find_filter(struct contiv_dp *dp, const char *id, struct rtnl_link *link,
			   int ifb_index, bool *ours, uint16_t *other_proto)
{
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	int r;

	*ours = false;
	*other_proto = 0;
	r = rtnl_cls_alloc_cache(dp->rtnl, rtnl_link_get_ifindex(link), QOS_FILTER_PARENT, &cache);
	if (r < 0)
		return r == -NLE_OBJ_NOTFOUND || r == -NLE_INVAL ? 0 :
		       qos_nl_fail(dp, r, id, "reading the ingress filters");
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_cls *cls = (struct rtnl_cls *)obj;

		if (rtnl_cls_get_prio(cls) != QOS_FILTER_PRIO)
			continue;
		if (qos_is_our_filter(cls, ifb_index))
			*ours = true;
		else if (rtnl_tc_get_handle(TC_CAST(cls)) != 0 &&	/* not the chain head */
			 rtnl_tc_get_handle(TC_CAST(cls)) != 0x80000000u)	/* nor the u32 root */
			*other_proto = rtnl_cls_get_protocol(cls) ?: ETH_P_ALL;
	}
	nl_cache_free(cache);
	return 0;
}

/* u32 match-all at the veth's ingress, action mirred egress redirect to the ifb. */
static int qos_ensure_filter(struct contiv_dp *dp, const char *id, struct rtnl_link *link,
			     int ifb_index)
{
	const char *dev = rtnl_link_get_name(link);
	struct rtnl_cls *cls;
	struct rtnl_act *act;
	struct nl_msg *msg = NULL;
	uint16_t other;
	bool ours;
	int r;

	r = qos_find_filter(dp, id, link, ifb_index, &ours, &other);
	if (r < 0)
		return r;
	if (ours && !other)
		return 0;
	if (ours || other) {
		r = qos_del_filter(dp, id, link, other ?: ETH_P_ALL);
		if (r < 0)
			return r;
	}
	cls = rtnl_cls_alloc();
	act = rtnl_act_alloc();
	if (!cls || !act) {
		rtnl_cls_put(cls);
		rtnl_act_put(act);
		return -ENOMEM;
	}
	rtnl_tc_set_link(TC_CAST(cls), link);
	rtnl_tc_set_parent(TC_CAST(cls), QOS_FILTER_PARENT);
	rtnl_cls_set_prio(cls, QOS_FILTER_PRIO);
	rtnl_cls_set_protocol(cls, ETH_P_ALL);
	r = rtnl_tc_set_kind(TC_CAST(cls), "u32");
	if (r >= 0)
		r = rtnl_tc_set_kind(TC_CAST(act), "mirred");
	if (r >= 0) {
		rtnl_u32_set_handle(cls, 0x800, 0, 0x800);
		rtnl_mirred_set_action(act, TCA_EGRESS_REDIR);
		rtnl_mirred_set_policy(act, TC_ACT_STOLEN);
		rtnl_mirred_set_ifindex(act, (uint32_t)ifb_index);
		if ((r = rtnl_u32_set_cls_terminal(cls)) >= 0 &&
		    (r = rtnl_u32_add_key_uint32(cls, 0, 0, 0, 0)) >= 0 &&	/* match u32 0 0 */
		    (r = rtnl_u32_add_action(cls, act)) >= 0)
			r = rtnl_cls_build_add_request(cls, NLM_F_CREATE | NLM_F_EXCL, &msg);
	}
	rtnl_act_put(act);
	rtnl_cls_put(cls);
	return qos_request(dp, id, r, msg, "adding the u32 filter with a mirred redirect", dev,
			   "the u32 classifier or the mirred action (CONFIG_NET_CLS_U32, "
			   "CONFIG_NET_ACT_MIRRED)", 0);
}

/* The ifb, up, with the veth's MTU and the endpoint id as alias; *ret its state. */
static int qos_ensure_ifb(struct contiv_dp *dp, const char *id, const char *name, uint32_t mtu,
			  struct rtnl_link **ret, bool *created)
{
	struct rtnl_link *cur = NULL, *want;
	struct nl_msg *msg = NULL;
	bool set_alias = strlen(id) < IFALIASZ;
	const char *alias;
	int r;

	*created = false;
	r = qos_get_link(dp, name, &cur);
	if (r < 0 && r != -ENOENT)
		return contiv__error(dp->ctx, r, "qos: reading %s: %s", name, strerror(-r));
	if (cur && !qos_is_ifb(cur)) {
		rtnl_link_put(cur);
		return contiv__error(dp->ctx, -EEXIST, "qos: %s exists and is not an ifb device", name);
	}
	if (!cur) {
		want = rtnl_link_alloc();
		if (!want)
			return -ENOMEM;
		rtnl_link_set_name(want, name);
		rtnl_link_set_flags(want, IFF_UP);
		r = rtnl_link_set_type(want, "ifb");
		if (r >= 0)
			r = rtnl_link_build_add_request(want, NLM_F_CREATE | NLM_F_EXCL, &msg);
		rtnl_link_put(want);
		r = qos_request(dp, id, r, msg, "creating the ifb", name, "ifb devices (CONFIG_IFB)", 0);
		if (r < 0)
			return r;
		*created = true;
		r = qos_get_link(dp, name, &cur);
		if (r < 0)
			return contiv__error(dp->ctx, r, "qos: reading %s back: %s", name, strerror(-r));
	}
	/* Up, the MTU, and the alias naming the endpoint (ignored at creation). */
	alias = rtnl_link_get_ifalias(cur);
	if ((rtnl_link_get_flags(cur) & IFF_UP) && rtnl_link_get_mtu(cur) == mtu &&
	    (!set_alias || (alias && !strcmp(alias, id)))) {
		*ret = cur;
		return 0;
	}
	want = rtnl_link_alloc();
	if (!want) {
		rtnl_link_put(cur);
		return -ENOMEM;
	}
	rtnl_link_set_flags(want, IFF_UP);
	rtnl_link_set_mtu(want, mtu);
	if (set_alias)
		rtnl_link_set_ifalias(want, id);
	r = rtnl_link_build_change_request(cur, want, 0, &msg);
	rtnl_link_put(want);
	rtnl_link_put(cur);
	r = qos_request(dp, id, r, msg, "setting up the ifb", name, NULL, 0);
	if (r < 0)
		return r;
	r = qos_get_link(dp, name, ret);
	if (r < 0)
		return contiv__error(dp->ctx, r, "qos: reading %s back: %s", name, strerror(-r));
	return 0;
}

static int qos_del_link(struct contiv_dp *dp, const char *id, struct rtnl_link *link)
{
	struct nl_msg *msg = NULL;
	int r;

	r = rtnl_link_build_delete_request(link, &msg);
	return qos_request(dp, id, r, msg, "removing the ifb", rtnl_link_get_name(link), NULL,
			   -ENODEV);
}

/* Removes id's shaping; *had_veth whether its host veth exists. */
static int qos_clear(struct contiv_dp *dp, const char *id, bool *had_veth)
{
	char veth[16], ifbname[16];
	struct rtnl_link *link = NULL, *ifb = NULL;
	int r;

	contiv__dp_ifname(CONTIV_DP_HOST_VETH, id, veth);
	contiv__dp_ifname(CONTIV_DP_IFB, id, ifbname);
	*had_veth = false;
	r = qos_get_link(dp, veth, &link);
	if (r < 0 && r != -ENOENT)
		return contiv__error(dp->ctx, r, "qos: reading %s: %s", veth, strerror(-r));
	if (link) {
		struct nl_cache *qdiscs = NULL;
		struct rtnl_qdisc *q;
		int ifindex = rtnl_link_get_ifindex(link);

		*had_veth = true;
		r = rtnl_qdisc_alloc_cache(dp->rtnl, &qdiscs);
		if (r < 0) {
			rtnl_link_put(link);
			return qos_nl_fail(dp, r, id, "reading the qdiscs");
		}
		q = rtnl_qdisc_get_by_parent(qdiscs, ifindex, TC_H_INGRESS);
		if (qos_is_kind(TC_CAST(q), "ingress")) {
			r = qos_del_qdisc(dp, id, veth, ifindex, TC_H_INGRESS);
		} else if (q) {
			/* Someone else's clsact: take only our filter out of it. */
			bool ours;
			uint16_t other;

			r = qos_find_filter(dp, id, link, 0, &ours, &other);
			if (r >= 0 && ours)
				r = qos_del_filter(dp, id, link, ETH_P_ALL);
		}
		if (q)
			rtnl_qdisc_put(q);
		if (r >= 0) {
			q = rtnl_qdisc_get_by_parent(qdiscs, ifindex, TC_H_ROOT);
			if (qos_is_kind(TC_CAST(q), "tbf"))
				r = qos_del_qdisc(dp, id, veth, ifindex, TC_H_ROOT);
			if (q)
				rtnl_qdisc_put(q);
		}
		nl_cache_free(qdiscs);
		rtnl_link_put(link);
		if (r < 0)
			return r;
	}
	r = qos_get_link(dp, ifbname, &ifb);
	if (r < 0 && r != -ENOENT)
		return contiv__error(dp->ctx, r, "qos: reading %s: %s", ifbname, strerror(-r));
	if (ifb) {
		r = qos_is_ifb(ifb) ? qos_del_link(dp, id, ifb) : 0;
		rtnl_link_put(ifb);
		if (r < 0)
			return r;
	}
	return 0;
}

int contiv__dp_qos_clear(struct contiv_dp *dp, const char *id)
{
	bool had;

	if (!dp || !dp->rtnl || !id || !*id)
		return -EINVAL;
	return qos_clear(dp, id, &had);
}

/* The burst to program: asked for or a default, at least one full frame. */
static int qos_burst(struct contiv_dp *dp, const char *id, uint32_t rate, uint32_t asked,
		     uint32_t frame, uint32_t *ret)
{
	uint64_t burst = asked;
	uint64_t max = QOS_MAX_BUCKET_NS * rate / 1000000000u;
	char q[CONTIV_QUOTE_MAX];

	if (!burst) {
		burst = rate / 100;	/* 10 ms at the rate */
		if (burst < 2 * frame)
			burst = 2 * frame;
		if (burst < QOS_MIN_BURST)
			burst = QOS_MIN_BURST;
		if (burst > max)
			burst = max;
	} else if (burst > max) {
		return contiv__error(dp->ctx, -EINVAL,
				     "qos: endpoint \"%s\": burst %u bytes lasts more than 4.29 s at "
				     "%llu bit/s (the kernel's limit); at most %llu bytes",
				     contiv__quote(q, id), asked, (unsigned long long)rate * 8,
				     (unsigned long long)max);
	}
	/* A bucket smaller than a frame would drop every full-sized one. */
	if (burst < frame)
		burst = frame;
	if (burst > max)
		return contiv__error(dp->ctx, -EINVAL,
				     "qos: endpoint \"%s\": %llu bit/s is too low to pass one "
				     "%llu-byte frame per 4.29 s",
				     contiv__quote(q, id), (unsigned long long)rate * 8,
				     (unsigned long long)frame);
	*ret = (uint32_t)burst;
	return 0;
}

CONTIV_EXPORT int contiv_dp_endpoint_set_qos(struct contiv_dp *dp, const char *id,
					     uint64_t bits_per_sec, uint32_t burst_bytes)
{
	char veth[16], ifbname[16], q[CONTIV_QUOTE_MAX];
	struct rtnl_link *link = NULL, *ifb = NULL;
	struct nl_cache *qdiscs = NULL;
	uint32_t rate, burst = 0, frame;
	bool had, created = false;
	int r;

	contiv_return_val_if_fail(dp, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	if (!id || !*id)
		return contiv__error(dp->ctx, -EINVAL, "qos: the endpoint id must not be empty");
	if (!dp->rtnl)
		return contiv__error(dp->ctx, -EINVAL, "qos: the handle has no netlink socket");
	contiv__dp_ifname(CONTIV_DP_HOST_VETH, id, veth);
	contiv__dp_ifname(CONTIV_DP_IFB, id, ifbname);

	if (bits_per_sec == 0) {
		r = qos_clear(dp, id, &had);
		if (r < 0)
			return r;
		if (!had)
			return contiv__error(dp->ctx, -ENOENT,
					     "qos: endpoint \"%s\": no such local endpoint (no %s)",
					     contiv__quote(q, id), veth);
		contiv_dbg(dp->ctx, "qos %s: no limit", id);
		return 0;
	}
	if (bits_per_sec < 8 || bits_per_sec / 8 > INT_MAX)
		return contiv__error(dp->ctx, -EINVAL,
				     "qos: endpoint \"%s\": rate %llu bit/s: must be 8 bit/s .. %llu bit/s",
				     contiv__quote(q, id), (unsigned long long)bits_per_sec,
				     (unsigned long long)INT_MAX * 8);
	rate = (uint32_t)(bits_per_sec / 8);

	r = qos_get_link(dp, veth, &link);
	if (r == -ENOENT)
		return contiv__error(dp->ctx, -ENOENT,
				     "qos: endpoint \"%s\": no such local endpoint (no %s)",
				     contiv__quote(q, id), veth);
	if (r < 0)
		return contiv__error(dp->ctx, r, "qos: reading %s: %s", veth, strerror(-r));
	frame = (rtnl_link_get_mtu(link) ?: 1500) + ETH_HLEN;
	r = qos_burst(dp, id, rate, burst_bytes, frame, &burst);
	if (r < 0)
		goto out;

	/* From the container: ifb and its tbf first, then the redirect. */
	r = qos_ensure_ifb(dp, id, ifbname, frame - ETH_HLEN, &ifb, &created);
	if (r < 0)
		goto out;
	r = rtnl_qdisc_alloc_cache(dp->rtnl, &qdiscs);
	if (r < 0) {
		r = qos_nl_fail(dp, r, id, "reading the qdiscs");
		goto out;
	}
	r = qos_ensure_tbf(dp, id, created ? NULL : qdiscs, ifb, rate, burst, frame);
	if (r < 0)
		goto out;
	r = qos_ensure_ingress(dp, id, qdiscs, link);
	if (r < 0)
		goto out;
	r = qos_ensure_filter(dp, id, link, rtnl_link_get_ifindex(ifb));
	if (r < 0)
		goto out;
	/* To the container. */
	r = qos_ensure_tbf(dp, id, qdiscs, link, rate, burst, frame);
out:
	if (r < 0 && created) {
		/* Leave no half-built shaping behind (the first error stays). */
		char saved[CONTIV_ERRMSG_MAX];

		memcpy(saved, dp->ctx->errmsg, sizeof(saved));
		(void)qos_clear(dp, id, &had);
		memcpy(dp->ctx->errmsg, saved, sizeof(saved));
		dp->ctx->err = r;
	}
	if (qdiscs)
		nl_cache_free(qdiscs);
	rtnl_link_put(ifb);
	rtnl_link_put(link);
	if (r >= 0)
		contiv_dbg(dp->ctx, "qos %s: %llu bit/s, burst %u bytes", id,
			   (unsigned long long)bits_per_sec, burst);
	return r < 0 ? r : 0;
}

/* Rate (bytes/s) and bucket of the root tbf of ifindex; false if none. */
static bool qos_root_tbf(struct nl_cache *qdiscs, int ifindex, uint32_t *rate, uint32_t *burst)
{
	struct rtnl_qdisc *q = rtnl_qdisc_get_by_parent(qdiscs, ifindex, TC_H_ROOT);
	bool ok = qos_is_kind(TC_CAST(q), "tbf");

	*rate = *burst = 0;
	if (ok) {
		int r = rtnl_qdisc_tbf_get_rate(q), b = rtnl_qdisc_tbf_get_rate_bucket(q);

		*rate = r > 0 ? (uint32_t)r : 0;
		*burst = b > 0 ? (uint32_t)b : 0;
	}
	if (q)
		rtnl_qdisc_put(q);
	return ok;
}

static bool qos_name_is(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!name || strncmp(name, prefix, n) || strlen(name) != n + 8)
		return false;
	for (const char *p = name + n; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int contiv__dp_qos_read_state(struct contiv_dp *dp, contiv_dp_state_fn fn, void *userdata)
{
	struct nl_cache *links = NULL, *qdiscs = NULL;
	struct nl_object *obj;
	int r, n = 0;

	if (!dp || !dp->rtnl || !fn)
		return -EINVAL;
	r = rtnl_link_alloc_cache(dp->rtnl, AF_UNSPEC, &links);
	if (r < 0)
		return contiv__error(dp->ctx, qos_nle_errno(r), "qos: reading the links: %s",
				     nl_geterror(r));
	r = rtnl_qdisc_alloc_cache(dp->rtnl, &qdiscs);
	if (r < 0) {
		nl_cache_free(links);
		return contiv__error(dp->ctx, qos_nle_errno(r), "qos: reading the qdiscs: %s",
				     nl_geterror(r));
	}
	for (int pass = 0; pass < 2 && r == 0; pass++) {
		/* Pass 0: host veths with shaping; pass 1: ifbs left without one. */
		for (obj = nl_cache_get_first(links); obj && r == 0; obj = nl_cache_get_next(obj)) {
			struct rtnl_link *l = (struct rtnl_link *)obj, *veth, *ifb;
			const char *name = rtnl_link_get_name(l), *key;
			char other[16], detail[256], ifbjson[24], devjson[24];
			uint32_t rate, burst, irate, iburst;
			bool tbf, itbf;

			if (!qos_name_is(name, pass ? CONTIV_DP_IFB : CONTIV_DP_HOST_VETH))
				continue;
			snprintf(other, sizeof(other), "%s%s", pass ? CONTIV_DP_HOST_VETH : CONTIV_DP_IFB,
				 name + 3);
			if (pass) {
				if (!qos_is_ifb(l))
					continue;
				veth = rtnl_link_get_by_name(links, other);
				if (veth) {	/* reported in pass 0 */
					rtnl_link_put(veth);
					continue;
				}
				ifb = l;
				tbf = false;
				rate = burst = 0;
			} else {
				veth = l;
				ifb = rtnl_link_get_by_name(links, other);
				if (ifb && !qos_is_ifb(ifb)) {
					rtnl_link_put(ifb);
					ifb = NULL;
				}
				tbf = qos_root_tbf(qdiscs, rtnl_link_get_ifindex(l), &rate, &burst);
			}
			itbf = ifb && qos_root_tbf(qdiscs, rtnl_link_get_ifindex(ifb), &irate, &iburst);
			if (!itbf)
				irate = iburst = 0;
			if (!tbf && !ifb)
				continue;
			if (!tbf) {
				rate = irate;
				burst = iburst;
			}
			key = pass ? NULL : rtnl_link_get_ifalias(veth);
			if ((!key || !*key) && ifb)
				key = rtnl_link_get_ifalias(ifb);
			if (!key || !*key)
				key = name;
			if (ifb)
				snprintf(ifbjson, sizeof(ifbjson), "\"%s\"", rtnl_link_get_name(ifb));
			else
				snprintf(ifbjson, sizeof(ifbjson), "null");
			if (pass)
				snprintf(devjson, sizeof(devjson), "null");
			else
				snprintf(devjson, sizeof(devjson), "\"%s\"", name);
			snprintf(detail, sizeof(detail),
				 "{\"rate_bps\":%llu,\"burst_bytes\":%u,\"ingress_rate_bps\":%llu,"
				 "\"ifb\":%s,\"dev\":%s}",
				 (unsigned long long)rate * 8, burst, (unsigned long long)irate * 8,
				 ifbjson, devjson);
			if (!pass && ifb)
				rtnl_link_put(ifb);
			n++;
			r = fn("qos", key, detail, userdata);
		}
	}
	nl_cache_free(qdiscs);
	nl_cache_free(links);
	return r ? r : n;
}
