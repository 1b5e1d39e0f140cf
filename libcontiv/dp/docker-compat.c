/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Coexistence with Docker's iptables rules. A Docker engine on the host
 * sets the iptables FORWARD policy to DROP and turns br_netfilter on, so
 * the traffic bridged between our endpoints (bridges "cvb*": cvbx<VNI>,
 * cvbv<VLAN>; with br_netfilter iifname/oifname are the bridge) would be
 * dropped in Docker's chains, and a drop in any table is final. Docker
 * offers the chain DOCKER-USER, jumped to first from FORWARD, for exactly
 * this: when "table ip filter" (and "table ip6 filter") has it, we make
 * sure it starts with the two rules
 *
 *   -A DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT
 *   -A DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT
 *
 * encoded expression by expression as iptables-nft 1.8 encodes them (meta
 * iifname/oifname, cmp of the 3-byte prefix "cvb", xt match "comment" rev
 * 0, counter, accept), so `iptables -S DOCKER-USER` lists them like its own
 * and `iptables -C` finds them. The comment is our tag: a rule carrying it
 * that is not one of the two is deleted, a missing one is inserted at the
 * head of the chain, a duplicate is deleted; nothing else in the chain or
 * the table is touched, and without Docker's chain nothing is done. Our
 * own policy drops (table inet contiv) are unaffected: an accept here ends
 * only Docker's chain.
 *
 * libnftnl + libmnl on a socket of its own (the nft.c socket keeps its own
 * sequence numbers); one transaction per family when something changes.
 * The socket stays open between checks: closing a netfilter socket makes
 * the kernel wait for the cleanup of the last nftables transaction (an RCU
 * grace period, 10-15 ms after a policy change), which the agent's detach
 * paid on every call.
 */
#include "config.h"

#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "dp-private.h"
#include "docker-compat.h"

#define DC_TABLE "filter"
#define DC_CHAIN "DOCKER-USER"
#define DC_PREFIX "cvb"		/* CONTIV_DP_BRIDGE_VXLAN and _VLAN start with it */
#define DC_XT_COMMENT_LEN 256	/* struct xt_comment_info */

struct dc_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[32768];	/* a dump part is at most a page or 8 KiB */
};

/* What one family's chain holds of ours. */
struct dc_scan {
	int have[2];		/* rules found per direction (0: -i, 1: -o) */
	uint64_t del[16];	/* handles to delete (duplicates, strays) */
	int ndel;
	bool overflow;
};

static int dc_open(struct dc_sock *s)
{
	struct timeval tv = { .tv_sec = 5 };

	s->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!s->nl)
		return -errno;
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(s->nl);
		s->nl = NULL;
		return -e;
	}
	/* never wait for ever on an answer */
	setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)time(NULL);
	return 0;
}

/* Sends the message(s) in s->buf (len bytes) and runs cb on the answers. */
static int dc_talk(struct dc_sock *s, size_t len, uint32_t seq, mnl_cb_t cb, void *data)
{
	ssize_t n;
	int r;

	if (mnl_socket_sendto(s->nl, s->buf, len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(s->nl, s->buf, sizeof(s->buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(s->buf, (size_t)n, seq, s->portid, cb, data);
	} while (r > 0);
	return r < 0 ? -errno : 0;
}

/* Waits for n acknowledgements; the first error is returned. */
static int dc_acks(struct dc_sock *s, uint32_t n)
{
	while (n > 0) {
		ssize_t len = mnl_socket_recvfrom(s->nl, s->buf, sizeof(s->buf));
		int left;

		if (len < 0)
			return -errno;
		left = (int)len;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)s->buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *err;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			err = mnl_nlmsg_get_payload(nlh);
			if (err->error)
				return err->error;
			if (--n == 0)
				break;
		}
	}
	return 0;
}

/*
 * A get request about Docker's chain: NFT_MSG_GETCHAIN (answers -ENOENT if
 * the chain is missing) or a NFT_MSG_GETRULE dump of its rules into cb.
 */
static int dc_get(struct dc_sock *s, uint16_t type, uint8_t family, mnl_cb_t cb, void *data)
{
	bool chain = type == NFT_MSG_GETCHAIN;
	uint32_t seq = s->seq++;
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(s->buf, type, family,
						     chain ? NLM_F_ACK : NLM_F_DUMP, seq);

	mnl_attr_put_strz(nlh, chain ? NFTA_CHAIN_TABLE : NFTA_RULE_TABLE, DC_TABLE);
	mnl_attr_put_strz(nlh, chain ? NFTA_CHAIN_NAME : NFTA_RULE_CHAIN, DC_CHAIN);
	return dc_talk(s, nlh->nlmsg_len, seq, cb, data);
}

/* ---- our two rules ---- */

static struct nftnl_expr *dc_expr(struct nftnl_rule *r, const char *name, bool *oom)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (e)
		nftnl_rule_add_expr(r, e);
	else
		*oom = true;
	return e;
}

/* The rule "-i cvb+" (dir 0) or "-o cvb+" (dir 1) with our comment. */
static struct nftnl_rule *dc_rule(uint8_t family, int dir)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	char *comment = calloc(1, DC_XT_COMMENT_LEN);	/* the match expression owns it */
	struct nftnl_expr *e;
	bool oom = false;

	if (!r || !comment) {
		nftnl_rule_free(r);
		free(comment);
		return NULL;
	}
	strcpy(comment, CONTIV_DP_DOCKER_COMMENT);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, DC_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, DC_CHAIN);
	if ((e = dc_expr(r, "meta", &oom))) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, dir ? NFT_META_OIFNAME : NFT_META_IIFNAME);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	if ((e = dc_expr(r, "cmp", &oom))) {
		/* iptables-nft matches "cvb+" as the bytes before the '+' */
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, DC_PREFIX, strlen(DC_PREFIX));
	}
	if ((e = dc_expr(r, "match", &oom))) {
		nftnl_expr_set_str(e, NFTNL_EXPR_MT_NAME, "comment");
		nftnl_expr_set_u32(e, NFTNL_EXPR_MT_REV, 0);
		nftnl_expr_set(e, NFTNL_EXPR_MT_INFO, comment, DC_XT_COMMENT_LEN);
	} else {
		free(comment);
	}
	if ((e = dc_expr(r, "counter", &oom))) {
		nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 0);
		nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
	}
	if ((e = dc_expr(r, "immediate", &oom))) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	}
	if (oom) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

/* ---- reading the chain ---- */

struct dc_shape {
	int step;		/* expressions seen so far, in the order of dc_rule() */
	int dir;		/* -1 unknown, 0 iifname, 1 oifname */
	bool tagged;		/* has our comment */
	bool exact;		/* so far exactly one of our two rules */
};

static int dc_shape_cb(struct nftnl_expr *e, void *data)
{
	struct dc_shape *sh = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	const void *p;
	uint32_t len = 0;
	int step = sh->step++;

	if (!strcmp(name, "match") && !strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME) ?: "", "comment")) {
		p = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
		if (p && len == DC_XT_COMMENT_LEN && !strncmp(p, CONTIV_DP_DOCKER_COMMENT, len) &&
		    nftnl_expr_get_u32(e, NFTNL_EXPR_MT_REV) == 0)
			sh->tagged = true;
		else
			sh->exact = false;
		if (step != 2)
			sh->exact = false;
		return 0;
	}
	switch (step) {
	case 0: {
		uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);

		if (strcmp(name, "meta") || nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG) != NFT_REG_1 ||
		    (key != NFT_META_IIFNAME && key != NFT_META_OIFNAME))
			sh->exact = false;
		else
			sh->dir = key == NFT_META_OIFNAME;
		break;
	}
	case 1:
		p = strcmp(name, "cmp") ? NULL : nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
		if (!p || nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG) != NFT_REG_1 ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) != NFT_CMP_EQ ||
		    len != strlen(DC_PREFIX) || memcmp(p, DC_PREFIX, len))
			sh->exact = false;
		break;
	case 3:
		if (strcmp(name, "counter"))
			sh->exact = false;
		break;
	case 4:
		if (strcmp(name, "immediate") ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) != NF_ACCEPT)
			sh->exact = false;
		break;
	default:
		sh->exact = false;
	}
	return 0;
}

static int dc_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dc_scan *scan = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct dc_shape sh = { .dir = -1, .exact = true };

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	if (strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN) ?: "", DC_CHAIN)) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	nftnl_expr_foreach(r, dc_shape_cb, &sh);
	if (sh.tagged) {
		if (sh.exact && sh.step == 5 && sh.dir >= 0 && !scan->have[sh.dir])
			scan->have[sh.dir]++;
		else if (scan->ndel < (int)(sizeof(scan->del) / sizeof(scan->del[0])))
			scan->del[scan->ndel++] = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		else
			scan->overflow = true;
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* ---- changing it: one transaction ---- */

static int dc_fix_chain(struct dc_sock *s, uint8_t family, const struct dc_scan *scan)
{
	struct mnl_nlmsg_batch *batch = mnl_nlmsg_batch_start(s->buf, sizeof(s->buf));
	uint32_t first = s->seq;
	struct nlmsghdr *nlh;
	int r;

	nftnl_batch_begin(mnl_nlmsg_batch_current(batch), s->seq++);
	mnl_nlmsg_batch_next(batch);
	for (int i = 0; i < scan->ndel; i++) {
		struct nftnl_rule *rule = nftnl_rule_alloc();

		if (!rule) {
			mnl_nlmsg_batch_stop(batch);
			return -ENOMEM;
		}
		nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, DC_TABLE);
		nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, DC_CHAIN);
		nftnl_rule_set_u64(rule, NFTNL_RULE_HANDLE, scan->del[i]);
		nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(batch), NFT_MSG_DELRULE, family,
					    NLM_F_ACK, s->seq++);
		nftnl_rule_nlmsg_build_payload(nlh, rule);
		nftnl_rule_free(rule);
		mnl_nlmsg_batch_next(batch);
	}
	/* "-o" first, then "-i": both end up at the head, "-i" first */
	for (int dir = 1; dir >= 0; dir--) {
		struct nftnl_rule *rule;

		if (scan->have[dir])
			continue;
		rule = dc_rule(family, dir);
		if (!rule) {
			mnl_nlmsg_batch_stop(batch);
			return -ENOMEM;
		}
		/* no NLM_F_APPEND and no position: inserted at the head (iptables -I) */
		nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(batch), NFT_MSG_NEWRULE, family,
					    NLM_F_CREATE | NLM_F_ACK, s->seq++);
		nftnl_rule_nlmsg_build_payload(nlh, rule);
		nftnl_rule_free(rule);
		mnl_nlmsg_batch_next(batch);
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(batch), s->seq++);
	mnl_nlmsg_batch_next(batch);
	if (mnl_socket_sendto(s->nl, mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch)) < 0) {
		r = -errno;
		mnl_nlmsg_batch_stop(batch);
		return r;
	}
	mnl_nlmsg_batch_stop(batch);
	return dc_acks(s, s->seq - first - 2);
}

/* One family: 0 nothing to do, >0 rules changed, <0 error. */
static int dc_family(struct contiv_dp *dp, struct dc_sock *s, uint8_t family)
{
	const char *fam = family == NFPROTO_IPV6 ? "ip6" : "ip";
	struct dc_scan scan = { { 0, 0 }, { 0 }, 0, false };
	int r, changes;

	r = dc_get(s, NFT_MSG_GETCHAIN, family, NULL, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return contiv__error(dp->ctx, r, "dp: Docker's chain %s filter %s: %s", fam, DC_CHAIN,
				     strerror(-r));
	r = dc_get(s, NFT_MSG_GETRULE, family, dc_rule_cb, &scan);
	if (r == -ENOENT)	/* removed meanwhile (Docker stopped) */
		return 0;
	if (r < 0)
		return contiv__error(dp->ctx, r, "dp: reading %s filter %s: %s", fam, DC_CHAIN,
				     strerror(-r));
	changes = scan.ndel + !scan.have[0] + !scan.have[1];
	if (!changes)
		return 0;
	r = dc_fix_chain(s, family, &scan);
	if (r < 0)
		return contiv__error(dp->ctx, r, "dp: accepting bridges " DC_PREFIX "* in %s filter %s: %s",
				     fam, DC_CHAIN, strerror(-r));
	contiv_info(dp->ctx, "dp: Docker's %s filter %s: %d rule(s) added, %d removed: traffic of bridges "
		    DC_PREFIX "* accepted there", fam, DC_CHAIN, !scan.have[0] + !scan.have[1], scan.ndel);
	return scan.overflow ? changes + dc_family(dp, s, family) : changes;
}

static int64_t dc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void contiv__dp_docker_compat_close(struct contiv_dp *dp)
{
	if (dp->docker_sock) {
		mnl_socket_close(dp->docker_sock->nl);
		free(dp->docker_sock);
		dp->docker_sock = NULL;
	}
}

static int dc_check(struct contiv_dp *dp)
{
	struct dc_sock *s = dp->docker_sock;
	int r, r6;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		r = dc_open(s);
		if (r < 0) {
			free(s);
			return contiv__error(dp->ctx, r, "dp: nftables socket: %s", strerror(-r));
		}
		dp->docker_sock = s;
	}
	r = dc_family(dp, s, NFPROTO_IPV4);
	r6 = dc_family(dp, s, NFPROTO_IPV6);
	if (r < 0 || r6 < 0)	/* answers may be left unread: start afresh next time */
		contiv__dp_docker_compat_close(dp);
	if (r < 0)
		return r;
	if (r6 < 0)
		return r6;
	return r + r6;
}

int contiv__dp_docker_compat(struct contiv_dp *dp, bool force)
{
	int64_t now = dc_now_ms();
	int r;

	if (!dp)
		return -EINVAL;
	if (!force && dp->docker_checked_ms && now - dp->docker_checked_ms < CONTIV_DP_DOCKER_INTERVAL_MS)
		return 0;
	dp->docker_checked_ms = now;
	r = dc_check(dp);
	if (r < 0 && r != dp->docker_err)
		contiv__log_cond(dp->ctx, 3, "%s (retried every %d ms)", contiv_ctx_get_error(dp->ctx),
				 CONTIV_DP_DOCKER_INTERVAL_MS);
	else if (r >= 0 && dp->docker_err)
		contiv_info(dp->ctx, "dp: Docker's chains: fine again");
	dp->docker_err = r < 0 ? r : 0;
	return r;
}
