/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "inet contiv" table: endpoint-group policy, DSCP marking, SNAT and
 * DNAT, built with libnftnl and sent over libmnl's netlink socket in ONE
 * batch per contiv_dp_apply_policy(): either only what changed since the
 * handle's last apply (nft-inc.c, which says when), or the whole table
 * (add table, delete table, add table and everything in it). Either way
 * atomic: on failure the kernel keeps the previous table. No other table
 * is touched.
 *
 * The forward chain (filter, priority 0):
 *   1. iifname . ip saddr vmap @dscp          -> jump dscp<d>: ip dscp set d
 *   2. ct state established,related accept    (replies of allowed flows)
 *   3. key := sgid . dgid . l4proto . th dport [. ip saddr . ip daddr]
 *      (or ip saddr . ip daddr . sgid . dgid . l4proto . th dport when the
 *      compiler split the addresses first: policy-private.h)
 *      where sgid = @members[iifname . ip saddr], dgid = @members[oifname .
 *      ip daddr] (catch-all element: 0), all in registers: two lookups with
 *      a destination register each, then one lookup of the concatenated
 *      registers in an interval (pipapo) verdict map:
 *        key vmap @out_cells   allow: jump r<id> (counter; returns), deny: goto r<id> (counter drop)
 *   4. key vmap @in_cells      allow: goto r<id> (counter accept), deny: goto r<id> (counter drop)
 *      (r<id>: "r" + 16 hex digits, stable per group and rule: policy/chains.c)
 *   policy accept (no matching rule = allow).
 * The cost per packet is a fixed number of lookups whatever the number of
 * rules. With br_netfilter (bridge-nf-call-iptables=1) iifname/oifname are
 * the network's bridge "cvbx<VNI>", so bridge + address names an endpoint.
 *
 * nat: prerouting and output (dstnat): fib daddr type local, th dport
 * looked up in @dnat_tcp/@dnat_udp -> dnat to address . port; postrouting
 * (srcnat): ip saddr @snat, oifname not in @bridges -> masquerade.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "dp-private.h"
#include "nft-private.h"
#include "../policy/policy-private.h"

#ifndef NFT_SET_ELEM_CATCHALL
#define NFT_SET_ELEM_CATCHALL 0x2
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define TABLE CONTIV_DP_NFT_TABLE
#define FAMILY NFPROTO_INET

/* nft(8) datatype ids, for listings */
#define T_IPADDR 7
#define T_PROTO 12
#define T_SERVICE 13
#define T_MARK 19
#define T_IFNAME 41
#define T_BITS 6

/* set ids within the batch */
enum { SET_MEMBERS = 1, SET_OUT, SET_IN, SET_DSCP, SET_DNAT_TCP, SET_DNAT_UDP, SET_SNAT,
       SET_BRIDGES };

void contiv__dp_nft_close(struct contiv_dp *dp)
{
	if (dp->nft)
		mnl_socket_close(dp->nft);
	dp->nft = NULL;
	contiv__dp_policy_forget(dp);
}

int contiv__nft_open(struct contiv_dp *dp)
{
	int one = 1, size = 16 << 20;

	if (dp->nft)
		return 0;
	dp->nft = mnl_socket_open(NETLINK_NETFILTER);
	if (!dp->nft)
		return contiv__error(dp->ctx, -errno, "dp: nftables socket: %s", strerror(errno));
	if (mnl_socket_bind(dp->nft, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		contiv__dp_nft_close(dp);
		return contiv__error(dp->ctx, -e, "dp: nftables socket bind: %s", strerror(e));
	}
	mnl_socket_setsockopt(dp->nft, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(dp->nft), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(dp->nft), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (!dp->nft_seq)
		dp->nft_seq = (uint32_t)time(NULL);
	return 0;
}

/* ---- expressions ---- */

static struct nftnl_expr *ex(struct nb *b, struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e) {
		b->oom = true;
		return NULL;
	}
	nftnl_rule_add_expr(r, e);
	return e;
}

static void e_meta(struct nb *b, struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = ex(b, r, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
}

static void e_payload(struct nb *b, struct nftnl_rule *r, uint32_t base, uint32_t off,
		      uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = ex(b, r, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
}

static void e_cmp(struct nb *b, struct nftnl_rule *r, uint32_t sreg, uint32_t op,
		  const void *data, uint32_t len)
{
	struct nftnl_expr *e = ex(b, r, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void e_lookup(struct nb *b, struct nftnl_rule *r, const char *set, uint32_t id,
		     uint32_t sreg, int dreg, uint32_t flags)
{
	struct nftnl_expr *e = ex(b, r, "lookup");

	if (!e)
		return;
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	if (dreg >= 0)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, (uint32_t)dreg);
	if (flags)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, flags);
}

static void e_verdict(struct nb *b, struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = ex(b, r, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
}

static void e_ipv4(struct nb *b, struct nftnl_rule *r)
{
	uint8_t v4 = NFPROTO_IPV4;

	e_meta(b, r, NFT_META_NFPROTO, NFT_REG_1);
	e_cmp(b, r, NFT_REG_1, NFT_CMP_EQ, &v4, 1);
}

/* ---- batch ---- */

struct nlmsghdr *contiv__nft_msg(struct nb *b, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->batch), type, FAMILY,
						     flags | NLM_F_ACK, b->seq++);
	b->acks++;
	return nlh;
}

void contiv__nft_next(struct nb *b)
{
	if (nftnl_batch_update(b->batch) < 0)
		b->oom = true;
}

static void put_table(struct nb *b, uint16_t type)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t) {
		b->oom = true;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, FAMILY);
	nftnl_table_nlmsg_build_payload(contiv__nft_msg(b, type, type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0), t);
	nftnl_table_free(t);
	contiv__nft_next(b);
}

static struct nftnl_chain *chain_new(struct nb *b, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c) {
		b->oom = true;
		return NULL;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	return c;
}

static void put_chain(struct nb *b, const char *name, const char *type, int hook, int prio)
{
	struct nftnl_chain *c = chain_new(b, name);

	if (!c)
		return;
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	/* exclusive: a chain that is unexpectedly there fails the batch */
	nftnl_chain_nlmsg_build_payload(contiv__nft_msg(b, NFT_MSG_NEWCHAIN,
							NLM_F_CREATE | NLM_F_EXCL), c);
	nftnl_chain_free(c);
	contiv__nft_next(b);
}

static struct nftnl_rule *rule_new(struct nb *b, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r) {
		b->oom = true;
		return NULL;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, FAMILY);
	return r;
}

static void rule_send(struct nb *b, struct nftnl_rule *r, uint16_t type, uint16_t flags)
{
	if (!r)
		return;
	if (!b->oom) {
		nftnl_rule_nlmsg_build_payload(contiv__nft_msg(b, type, flags), r);
		contiv__nft_next(b);
	}
	nftnl_rule_free(r);
}

static void rule_put(struct nb *b, struct nftnl_rule *r)
{
	rule_send(b, r, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
}

void contiv__nft_chain_op(struct nb *b, uint16_t type, const char *name)
{
	struct nftnl_chain *c;

	if (type == NFT_MSG_DELRULE) {
		rule_send(b, rule_new(b, name), NFT_MSG_DELRULE, 0);
		return;
	}
	c = chain_new(b, name);
	if (!c)
		return;
	if (!b->oom) {
		nftnl_chain_nlmsg_build_payload(contiv__nft_msg(b, type, 0), c);
		contiv__nft_next(b);
	}
	nftnl_chain_free(c);
}

static struct nftnl_set *set_new(struct nb *b, const char *name, uint32_t id, uint32_t flags,
				 uint32_t key_type, uint32_t key_len)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s) {
		b->oom = true;
		return NULL;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	return s;
}

static void set_put(struct nb *b, struct nftnl_set *s)
{
	if (!s || b->oom)
		return;
	nftnl_set_nlmsg_build_payload(contiv__nft_msg(b, NFT_MSG_NEWSET, NLM_F_CREATE), s);
	contiv__nft_next(b);
}

/* Elements are sent in chunks that fit a batch page. */
#define ELEMS_PER_MSG 64

void contiv__nft_elems_flush(struct nft_elems *es)
{
	if (es->chunk && es->n && !es->b->oom) {
		nftnl_set_elems_nlmsg_build_payload(contiv__nft_msg(es->b, es->type, es->flags),
						    es->chunk);
		contiv__nft_next(es->b);
	}
	if (es->chunk)
		nftnl_set_free(es->chunk);
	es->chunk = NULL;
	es->n = 0;
}

static struct nftnl_set_elem *elem_new(struct nft_elems *es)
{
	struct nftnl_set_elem *e;

	if (es->b->oom)
		return NULL;
	if (es->n == ELEMS_PER_MSG)
		contiv__nft_elems_flush(es);
	if (!es->chunk) {
		es->chunk = nftnl_set_alloc();
		if (!es->chunk) {
			es->b->oom = true;
			return NULL;
		}
		nftnl_set_set_str(es->chunk, NFTNL_SET_TABLE, TABLE);
		nftnl_set_set_str(es->chunk, NFTNL_SET_NAME, es->set);
		if (es->id)
			nftnl_set_set_u32(es->chunk, NFTNL_SET_ID, es->id);
		nftnl_set_set_u32(es->chunk, NFTNL_SET_FAMILY, FAMILY);
	}
	e = nftnl_set_elem_alloc();
	if (!e) {
		es->b->oom = true;
		return NULL;
	}
	nftnl_set_elem_add(es->chunk, e);
	es->n++;
	return e;
}

/* Elements for set, in a batch's set (id) or an existing one (id 0). */
static struct nft_elems elems_of(struct nb *b, const char *set, uint32_t id)
{
	return (struct nft_elems){ .b = b, .set = set, .id = id, .type = NFT_MSG_NEWSETELEM,
				   .flags = NLM_F_CREATE };
}

/* bridge name (16 bytes, zero padded) + address (network order) */
static void if_addr_key(uint8_t key[20], const char *bridge, uint32_t addr)
{
	uint32_t a = htonl(addr);

	memset(key, 0, 20);
	strncpy((char *)key, bridge, 16);
	memcpy(key + 16, &a, 4);
}

void contiv__nft_member_elem(struct nft_elems *es, const struct cpol_member *m)
{
	struct nftnl_set_elem *e = elem_new(es);
	uint32_t gid = htonl(m->gid);
	uint8_t key[20];

	if (!e)
		return;
	if_addr_key(key, m->bridge, m->addr);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, 20);
	if (es->type == NFT_MSG_NEWSETELEM)
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, &gid, 4);
}

void contiv__nft_dscp_elem(struct nft_elems *es, const struct cpol_member *m)
{
	struct nftnl_set_elem *e = elem_new(es);
	uint8_t key[20];
	char name[16];

	if (!e)
		return;
	if_addr_key(key, m->bridge, m->addr);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, 20);
	if (es->type != NFT_MSG_NEWSETELEM)
		return;
	nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, (uint32_t)NFT_JUMP);
	snprintf(name, sizeof(name), "dscp%u", m->dscp);
	nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, name);
}

/* A cell key: 4-byte slots, network byte order, the proto byte first in its slot. */
static void cell_key(uint8_t *key, const uint32_t *v, const struct cpol_table *t, int nd)
{
	memset(key, 0, 24);
	for (int k = 0; k < nd; k++) {
		int d = contiv__policy_key_dim(t, k);

		if (d == CPOL_PROTO) {
			key[4 * k] = (uint8_t)v[d];
		} else if (d == CPOL_PORT) {
			uint16_t port = htons((uint16_t)v[d]);

			memcpy(key + 4 * k, &port, 2);
		} else {
			uint32_t x = htonl(v[d]);

			memcpy(key + 4 * k, &x, 4);
		}
	}
}


void contiv__nft_cell_elem(struct nft_elems *es, const struct cpol_cell *c,
			   const struct cpol_rule *r, int dir, const struct cpol_table *t)
{
	struct nftnl_set_elem *e = elem_new(es);
	int nd = t->addrs ? CPOL_NDIMS : CPOL_SADDR;
	uint8_t key[24], end[24];

	if (!e)
		return;
	cell_key(key, c->lo, t, nd);
	cell_key(end, c->hi, t, nd);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, (uint32_t)(4 * nd));
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY_END, end, (uint32_t)(4 * nd));
	if (es->type != NFT_MSG_NEWSETELEM)
		return;
	nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, (uint32_t)contiv__nft_cell_verdict(r, dir));
	nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, r->chain);
}

void contiv__nft_dnat_elem(struct nft_elems *es, const struct cpol_dnat *d)
{
	struct nftnl_set_elem *el = elem_new(es);
	uint16_t hp = htons(d->host_port), cp = htons(d->port);
	uint32_t a = htonl(d->addr);
	uint8_t data[8] = { 0 };

	if (!el)
		return;
	memcpy(data, &a, 4);
	memcpy(data + 4, &cp, 2);
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, &hp, 2);
	if (es->type == NFT_MSG_NEWSETELEM)
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_DATA, data, 8);
}

/* ---- the program ---- */

#define R32(n) (NFT_REG32_00 + (n))

/* The register of dimension d in table t's key. */
static uint32_t key_reg(const struct cpol_table *t, int d)
{
	for (int k = 0; k < CPOL_NDIMS; k++)
		if (contiv__policy_key_dim(t, k) == d)
			return R32(k);
	return R32(d);
}

static void build_members(struct nb *b, const struct contiv_policy *p)
{
	struct nftnl_set *s = set_new(b, "members", SET_MEMBERS, NFT_SET_MAP,
				      T_IFNAME << T_BITS | T_IPADDR, 20);
	struct nft_elems es = elems_of(b, "members", SET_MEMBERS);
	struct nftnl_set_elem *e;
	uint32_t zero = 0;

	if (!s)
		return;
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, T_MARK);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 4);
	set_put(b, s);
	for (size_t i = 0; i < p->nmembers; i++)
		contiv__nft_member_elem(&es, &p->members[i]);
	if ((e = elem_new(&es))) {
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_CATCHALL);
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, &zero, 4);
	}
	contiv__nft_elems_flush(&es);
	nftnl_set_free(s);
}

const char *const contiv__nft_cells_name[2] = { "out_cells", "in_cells" };
#define cells_name contiv__nft_cells_name

static void build_cells(struct nb *b, const struct contiv_policy *p, int dir)
{
	const struct cpol_table *t = &p->tables[dir];
	int nd = t->addrs ? CPOL_NDIMS : CPOL_SADDR;
	const uint8_t lens[CPOL_NDIMS] = { 4, 4, 1, 2, 4, 4 };
	uint8_t fields[CPOL_NDIMS];
	uint32_t type = 0;
	struct nftnl_set *s;
	struct nft_elems es = elems_of(b, cells_name[dir], dir == CPOL_IN ? SET_IN : SET_OUT);
	const uint32_t types[CPOL_NDIMS] = { T_MARK, T_MARK, T_PROTO, T_SERVICE, T_IPADDR,
					     T_IPADDR };

	if (!t->n)
		return;
	/* nft's concatenated type ids hold 5 types at most: the rest is lost */
	for (int k = 0; k < nd; k++)
		fields[k] = lens[contiv__policy_key_dim(t, k)];
	for (int k = 0; k < nd && k < 5; k++)
		type = type << T_BITS | types[contiv__policy_key_dim(t, k)];
	s = set_new(b, cells_name[dir], dir == CPOL_IN ? SET_IN : SET_OUT,
		    NFT_SET_MAP | NFT_SET_INTERVAL | NFT_SET_CONCAT, type, (uint32_t)(4 * nd));
	if (!s)
		return;
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, fields, (uint32_t)nd);
	set_put(b, s);
	for (size_t i = 0; i < t->n; i++)
		contiv__nft_cell_elem(&es, &t->cells[i], &p->rules[t->cells[i].rule], dir, t);
	contiv__nft_elems_flush(&es);
	nftnl_set_free(s);
}

void contiv__nft_rule_chain(struct nb *b, const struct cpol_rule *ru, bool chain)
{
	char comment[300];
	struct nftnl_rule *r;
	struct nftnl_udata_buf *ud;

	if (chain)
		put_chain(b, ru->chain, NULL, 0, 0);
	r = rule_new(b, ru->chain);
	if (!r)
		return;
	ex(b, r, "counter");
	if (ru->deny)
		e_verdict(b, r, NF_DROP);
	else if (ru->dir == CPOL_IN)
		e_verdict(b, r, NF_ACCEPT);
	snprintf(comment, sizeof(comment), "%s %s", ru->group_key, ru->rule_key);
	ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment)) {
		b->oom = true;
	} else {
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
	}
	if (ud)
		nftnl_udata_buf_free(ud);
	rule_put(b, r);
}

static void build_rule_chains(struct nb *b, const struct contiv_policy *p)
{
	for (size_t i = 0; i < p->nrules && !b->oom; i++)
		contiv__nft_rule_chain(b, &p->rules[i], true);
}

static void build_dscp(struct nb *b, const struct contiv_policy *p)
{
	struct nftnl_set *s;
	struct nft_elems es = elems_of(b, "dscp", SET_DSCP);
	char name[16];

	if (!p->ndscps)
		return;
	for (size_t i = 0; i < p->ndscps; i++) {
		struct nftnl_rule *r;
		struct nftnl_expr *e;
		/*
		 * The first two header bytes (version/IHL, TOS), as nft does for
		 * "ip dscp set": the checksum update of a payload write works on
		 * 16-bit words, and a lone byte at an odd offset would be summed
		 * in the wrong half of its word (the receiver then drops the
		 * packet for a bad header checksum).
		 */
		uint8_t mask[2] = { 0xff, 0x03 }, xor[2] = { 0x00, (uint8_t)(p->dscps[i] << 2) };

		snprintf(name, sizeof(name), "dscp%u", p->dscps[i]);
		put_chain(b, name, NULL, 0, 0);
		r = rule_new(b, name);
		if (!r)
			return;
		/* ip dscp set d: tos = (tos & 0x03) | d << 2, checksum fixed */
		e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, 0, 2, NFT_REG_1);
		if ((e = ex(b, r, "bitwise"))) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 2);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, 2);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, xor, 2);
		}
		if ((e = ex(b, r, "payload"))) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
			nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 0);
			nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
			nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_INET);
			nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, 10);
		}
		rule_put(b, r);
	}
	s = set_new(b, "dscp", SET_DSCP, NFT_SET_MAP, T_IFNAME << T_BITS | T_IPADDR, 20);
	if (!s)
		return;
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	set_put(b, s);
	for (size_t i = 0; i < p->nmembers; i++)
		if (p->members[i].dscp)
			contiv__nft_dscp_elem(&es, &p->members[i]);
	contiv__nft_elems_flush(&es);
	nftnl_set_free(s);
}

static void e_meta_set(struct nb *b, struct nftnl_rule *r, uint32_t key, uint32_t sreg)
{
	struct nftnl_expr *e = ex(b, r, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, sreg);
}

/*
 * dreg := @members[iifname|oifname . ip saddr|daddr]. The lookup's result
 * goes through the packet mark (saved first in R32(14) by the caller and
 * restored after): nft(8) cannot list a rule whose concatenated key holds a
 * lookup's result directly (it aborts), but lists a mark load.
 */
static void e_group(struct nb *b, struct nftnl_rule *r, bool src, uint32_t dreg)
{
	e_meta(b, r, src ? NFT_META_IIFNAME : NFT_META_OIFNAME, R32(8));
	e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4, R32(12));
	e_lookup(b, r, "members", SET_MEMBERS, R32(8), (int)R32(13), 0);
	e_meta_set(b, r, NFT_META_MARK, R32(13));
	e_meta(b, r, NFT_META_MARK, dreg);
}

static void build_forward(struct nb *b, const struct contiv_policy *p)
{
	struct nftnl_rule *r;
	struct nftnl_expr *e;

	put_chain(b, "forward", "filter", NF_INET_FORWARD, 0);
	if (p->ndscps && (r = rule_new(b, "forward"))) {
		e_ipv4(b, r);
		e_meta(b, r, NFT_META_IIFNAME, R32(8));
		e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, R32(12));
		e_lookup(b, r, "dscp", SET_DSCP, R32(8), NFT_REG_VERDICT, 0);
		rule_put(b, r);
	}
	if ((r = rule_new(b, "forward"))) {
		uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
		uint32_t zero = 0;

		if ((e = ex(b, r, "ct"))) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
			nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
		}
		if ((e = ex(b, r, "bitwise"))) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 4);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
			nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
		}
		e_cmp(b, r, NFT_REG_1, NFT_CMP_NEQ, &zero, 4);
		e_verdict(b, r, NF_ACCEPT);
		rule_put(b, r);
	}
	for (int dir = 0; dir < 2; dir++) {
		const struct cpol_table *t = &p->tables[dir];

		if (!t->n || !(r = rule_new(b, "forward")))
			continue;
		e_ipv4(b, r);
		/* loads that may fail (no transport header) before the mark is borrowed */
		e_meta(b, r, NFT_META_L4PROTO, key_reg(t, CPOL_PROTO));
		e_payload(b, r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, key_reg(t, CPOL_PORT));
		if (t->addrs) {
			e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, key_reg(t, CPOL_SADDR));
			e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, key_reg(t, CPOL_DADDR));
		}
		/* from here nothing can break: the mark is restored before the verdict */
		e_meta(b, r, NFT_META_MARK, R32(14));
		e_group(b, r, true, key_reg(t, CPOL_SGID));
		e_group(b, r, false, key_reg(t, CPOL_DGID));
		e_meta_set(b, r, NFT_META_MARK, R32(14));
		e_lookup(b, r, cells_name[dir], dir == CPOL_IN ? SET_IN : SET_OUT, R32(0),
			 NFT_REG_VERDICT, 0);
		rule_put(b, r);
	}
}

static void build_nat(struct nb *b, const struct contiv_policy *p)
{
	struct nftnl_rule *r;
	struct nftnl_expr *e;
	bool has[2] = { false, false };

	for (size_t i = 0; i < p->ndnat; i++)
		has[p->dnat[i].proto == 17] = true;
	for (int u = 0; u < 2; u++) {
		struct nftnl_set *s;
		struct nft_elems es = elems_of(b, u ? "dnat_udp" : "dnat_tcp",
					       u ? SET_DNAT_UDP : SET_DNAT_TCP);

		if (!has[u])
			continue;
		s = set_new(b, u ? "dnat_udp" : "dnat_tcp", u ? SET_DNAT_UDP : SET_DNAT_TCP,
			    NFT_SET_MAP, T_SERVICE, 2);
		if (!s)
			return;
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, T_IPADDR << T_BITS | T_SERVICE);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 8);
		set_put(b, s);
		for (size_t i = 0; i < p->ndnat; i++)
			if ((p->dnat[i].proto == 17) == u)
				contiv__nft_dnat_elem(&es, &p->dnat[i]);
		contiv__nft_elems_flush(&es);
		nftnl_set_free(s);
	}
	if (p->ndnat) {
		for (int h = 0; h < 2; h++) {
			const char *chain = h ? "output" : "prerouting";

			put_chain(b, chain, "nat", h ? NF_INET_LOCAL_OUT : NF_INET_PRE_ROUTING,
				  NF_IP_PRI_NAT_DST);
			for (int u = 0; u < 2; u++) {
				uint32_t local = RTN_LOCAL;
				uint8_t proto = u ? IPPROTO_UDP : IPPROTO_TCP;

				if (!has[u] || !(r = rule_new(b, chain)))
					continue;
				e_ipv4(b, r);
				if ((e = ex(b, r, "fib"))) {
					nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
					nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT,
							   NFT_FIB_RESULT_ADDRTYPE);
					nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
				}
				e_cmp(b, r, NFT_REG_1, NFT_CMP_EQ, &local, 4);
				e_meta(b, r, NFT_META_L4PROTO, NFT_REG_1);
				e_cmp(b, r, NFT_REG_1, NFT_CMP_EQ, &proto, 1);
				e_payload(b, r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
				e_lookup(b, r, u ? "dnat_udp" : "dnat_tcp",
					 u ? SET_DNAT_UDP : SET_DNAT_TCP, NFT_REG_1, R32(0), 0);
				if ((e = ex(b, r, "nat"))) {
					nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
					nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
					nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, R32(0));
					nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, R32(1));
				}
				rule_put(b, r);
			}
		}
	}
	if (p->nsnat) {
		struct nftnl_set *s = set_new(b, "snat_nets", SET_SNAT, NFT_SET_INTERVAL, T_IPADDR, 4);
		struct nft_elems es = elems_of(b, "snat_nets", SET_SNAT);

		if (!s)
			return;
		set_put(b, s);
		for (size_t i = 0; i < p->nsnat; i++) {
			struct nftnl_set_elem *el;
			uint32_t a = htonl(p->snat[i].first), z = htonl(p->snat[i].last + 1);

			if ((el = elem_new(&es)))
				nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, &a, 4);
			if (p->snat[i].last != UINT32_MAX && (el = elem_new(&es))) {
				nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, &z, 4);
				nftnl_set_elem_set_u32(el, NFTNL_SET_ELEM_FLAGS,
						       NFT_SET_ELEM_INTERVAL_END);
			}
		}
		contiv__nft_elems_flush(&es);
		nftnl_set_free(s);
		if (p->nbridges) {
			s = set_new(b, "bridges", SET_BRIDGES, 0, T_IFNAME, 16);
			es = elems_of(b, "bridges", SET_BRIDGES);
			if (!s)
				return;
			set_put(b, s);
			for (size_t i = 0; i < p->nbridges; i++) {
				struct nftnl_set_elem *el = elem_new(&es);
				char name[16] = { 0 };

				if (!el)
					break;
				strncpy(name, p->bridges[i], sizeof(name) - 1);
				nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, name, 16);
			}
			contiv__nft_elems_flush(&es);
			nftnl_set_free(s);
		}
		put_chain(b, "postrouting", "nat", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC);
		if ((r = rule_new(b, "postrouting"))) {
			e_ipv4(b, r);
			e_payload(b, r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1);
			e_lookup(b, r, "snat_nets", SET_SNAT, NFT_REG_1, -1, 0);
			if (p->nbridges) {
				e_meta(b, r, NFT_META_OIFNAME, NFT_REG_1);
				e_lookup(b, r, "bridges", SET_BRIDGES, NFT_REG_1, -1, NFT_LOOKUP_F_INV);
			}
			ex(b, r, "masq");
			rule_put(b, r);
		}
	}
}

/* Sends the batch and reads one answer per acknowledged message. */
static int contiv__nft_send(struct nb *b)
{
	struct contiv_dp *dp = b->dp;
	int niov = nftnl_batch_iovec_len(b->batch);
	struct iovec *iov = calloc((size_t)niov, sizeof(*iov));
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct msghdr mh = { .msg_name = &snl, .msg_namelen = sizeof(snl) };
	size_t total = 0;
	uint32_t seen = 0;
	int first_err = 0, fd = mnl_socket_get_fd(dp->nft), size;
	char *buf;
	ssize_t n;

	buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	if (!iov || !buf) {
		free(iov);
		free(buf);
		return -ENOMEM;
	}
	nftnl_batch_iovec(b->batch, iov, (uint32_t)niov);
	for (int i = 0; i < niov; i++)
		total += iov[i].iov_len;
	size = (int)total + 65536;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)niov;
	n = sendmsg(fd, &mh, 0);
	free(iov);
	if (n < 0) {
		int e = errno;

		free(buf);
		return contiv__error(dp->ctx, -e, "dp: nftables: sending the batch: %s", strerror(e));
	}
	while (seen < b->acks) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, 10000);

		if (pr <= 0) {
			first_err = first_err ?: -ETIMEDOUT;
			break;
		}
		n = mnl_socket_recvfrom(dp->nft, buf, MNL_SOCKET_BUFFER_SIZE * 4);
		if (n < 0) {
			first_err = first_err ?: -errno;
			break;
		}
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)n);
		     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
			if (nlh->nlmsg_seq < b->first_seq || nlh->nlmsg_seq >= b->seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

				seen++;
				if (err->error && !first_err)
					first_err = err->error;
			}
		}
	}
	free(buf);
	if (first_err == -EOPNOTSUPP || first_err == -ENOENT)
		return contiv__error(dp->ctx, first_err,
				     "dp: nftables: the kernel refused the table (%s): a needed feature is missing",
				     strerror(-first_err));
	if (first_err < 0)
		return contiv__error(dp->ctx, first_err == -ENOENT ? -EOPNOTSUPP : first_err,
				     "dp: nftables: the kernel refused the table: %s",
				     strerror(-first_err));
	return 0;
}

int contiv__nft_begin(struct nb *b, struct contiv_dp *dp)
{
	*b = (struct nb){ .dp = dp };
	b->batch = nftnl_batch_alloc(1 << 17, 1 << 16);
	if (!b->batch)
		return -ENOMEM;
	b->seq = dp->nft_seq;
	nftnl_batch_begin(nftnl_batch_buffer(b->batch), b->seq++);
	contiv__nft_next(b);
	b->first_seq = b->seq;
	return 0;
}

void contiv__nft_abort(struct nb *b)
{
	nftnl_batch_free(b->batch);
	b->batch = NULL;
}

int contiv__nft_commit(struct nb *b)
{
	int r;

	nftnl_batch_end(nftnl_batch_buffer(b->batch), b->seq++);
	contiv__nft_next(b);
	b->dp->nft_seq = b->seq;
	if (b->oom)
		r = -ENOMEM;
	else
		r = contiv__nft_send(b);
	contiv__nft_abort(b);
	return r;
}

/* The whole table in one batch: create if absent, delete, create again. */
static int apply_full(struct contiv_dp *dp, const struct contiv_policy *policy)
{
	struct nb b;
	int r = contiv__nft_begin(&b, dp);

	if (r < 0)
		return r;
	put_table(&b, NFT_MSG_NEWTABLE);
	put_table(&b, NFT_MSG_DELTABLE);
	put_table(&b, NFT_MSG_NEWTABLE);
	build_rule_chains(&b, policy);
	build_dscp(&b, policy);
	build_members(&b, policy);
	build_cells(&b, policy, CPOL_OUT);
	build_cells(&b, policy, CPOL_IN);
	build_forward(&b, policy);
	build_nat(&b, policy);
	return contiv__nft_commit(&b);
}

CONTIV_EXPORT int contiv_dp_apply_policy(struct contiv_dp *dp, const struct contiv_policy *policy)
{
	int r;

	contiv_return_val_if_fail(dp && policy, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	if (!policy->compiled)
		return contiv__error(dp->ctx, -EINVAL, "dp: the policy is not compiled");
	r = contiv__nft_open(dp);
	if (r < 0)
		return r;
	r = contiv__nft_apply_changes(dp, policy);
	if (r > 0)
		return 0;
	if (r < 0)	/* nothing of it is in effect: replace the whole table */
		contiv_info(dp->ctx, "dp: nftables: the incremental update failed (%s): full replace",
			    strerror(-r));
	r = apply_full(dp, policy);
	contiv__nft_remember(dp, policy, r == 0);
	return r;
}

/* ---- counters ---- */

struct read_ctx {
	contiv_dp_rule_counter_fn fn;
	void *userdata;
	int count;
	int rules;
	int stop;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **ret = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && nftnl_udata_len(attr) > 0) {
		const char *s = nftnl_udata_get(attr);

		if (s[nftnl_udata_len(attr) - 1] == '\0')
			*ret = s;
	}
	return 0;
}

static int counter_cb(struct nftnl_expr *e, void *data)
{
	uint64_t *v = data;

	if (!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter")) {
		v[0] = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		v[1] = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
		v[2] = 1;
	}
	return 0;
}

/* "r" and 16 hex digits (see policy/chains.c) */
static bool is_rule_chain(const char *chain)
{
	if (chain[0] != 'r' || strlen(chain) != CPOL_CHAIN_LEN - 1)
		return false;
	for (int i = 1; i < CPOL_CHAIN_LEN - 1; i++)
		if (!isxdigit((unsigned char)chain[i]))
			return false;
	return true;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *rc = data;
	struct nftnl_rule *r;
	const char *chain, *comment = NULL;
	const void *ud;
	uint32_t udlen = 0;
	uint64_t v[3] = { 0, 0, 0 };

	if (rc->stop)
		return MNL_CB_OK;
	r = nftnl_rule_alloc();
	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_OK;
	}
	rc->rules++;
	chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
	ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &udlen);
	if (chain && is_rule_chain(chain) && ud) {
		nftnl_udata_parse(ud, udlen, comment_cb, &comment);
		nftnl_expr_foreach(r, counter_cb, v);
		if (comment && v[2]) {
			char *copy = strdup(comment), *sp;

			if (!copy) {
				nftnl_rule_free(r);
				return MNL_CB_ERROR;
			}
			sp = strchr(copy, ' ');
			if (sp) {
				*sp = '\0';
				rc->count++;
				rc->stop = rc->fn(sp + 1, copy, v[0], v[1], rc->userdata);
			}
			free(copy);
		}
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

CONTIV_EXPORT int contiv_dp_read_counters(struct contiv_dp *dp, contiv_dp_rule_counter_fn fn,
					  void *userdata)
{
	struct read_ctx rc = { .fn = fn, .userdata = userdata };
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;
	char *buf;
	uint32_t seq, portid;
	ssize_t n;
	int ret;

	contiv_return_val_if_fail(dp && fn, -EINVAL);
	contiv_return_if_forked(dp->ctx);
	ret = contiv__nft_open(dp);
	if (ret < 0)
		return ret;
	buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	r = nftnl_rule_alloc();
	if (!buf || !r) {
		free(buf);
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	seq = dp->nft_seq++;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, FAMILY, NLM_F_DUMP, seq);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	portid = mnl_socket_get_portid(dp->nft);
	if (mnl_socket_sendto(dp->nft, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	ret = 0;
	while ((n = mnl_socket_recvfrom(dp->nft, buf, MNL_SOCKET_BUFFER_SIZE * 4)) > 0) {
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, rule_cb, &rc);
		if (ret <= 0)
			break;
	}
	if (n < 0 || ret < 0) {
		ret = errno == ENOENT ? -ENOENT : -errno;
		if (ret == -ENOENT)
			contiv__error(dp->ctx, ret, "dp: no policy applied");
		else
			contiv__error(dp->ctx, ret, "dp: reading nftables counters: %s",
				      strerror(-ret));
		goto out;
	}
	if (!rc.rules) {
		ret = contiv__error(dp->ctx, -ENOENT, "dp: no policy applied");
		goto out;
	}
	ret = rc.stop ? rc.stop : rc.count;
out:
	free(buf);
	return ret;
}
