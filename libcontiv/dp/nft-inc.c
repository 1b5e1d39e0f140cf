/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Incremental updates of the "inet contiv" table. The dp handle keeps a
 * copy of the program it last applied (members, rules, cells, DNAT and
 * what decides the table's structure) and the kernel's handle of the table
 * it created. The next contiv_dp_apply_policy() compares the new program
 * with that copy and sends ONE batch with only the differences:
 *
 *   1. chains of new rules (chain + its rule); chains whose rule changed
 *      (action or direction): their rule flushed and added again;
 *   2. per set (members, dscp, out_cells, in_cells, dnat_tcp, dnat_udp):
 *      the elements that went away or changed deleted, then the new or
 *      changed ones added (NLM_F_EXCL: an element that is unexpectedly
 *      there fails the batch);
 *   3. chains of removed rules deleted (no element points at them any more).
 *
 * Rule chains have stable names (policy/chains.c), so an unchanged rule
 * keeps its chain, its rule and its counter. The batch is one nftables
 * transaction: all of it or nothing. The full replace (nft.c) is used
 * instead when nothing is known (first apply of this handle, e.g. after a
 * restart: the kernel's content is not read back), when the structure
 * differs (the chains and rules of the forward/NAT hooks, the set types:
 * which DSCP values are in use, cell tables present, whether they
 * match addresses and the order of their dimensions, DNAT per protocol present, SNAT subnets, bridges), when
 * the table is no longer the one this handle created (its handle changed:
 * someone else replaced or deleted it), or after the kernel refused an
 * incremental batch (then at once, in the same call).
 *
 * Diffs are linear merges: members are sorted by bridge + address, cells
 * in the order the compiler emits them (by their low corner in the order
 * of the table's dimensions; checked while merging — out of order means a
 * full replace), DNAT entries are sorted here; rules are found by chain
 * name in a hash table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <linux/netfilter.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>

#include "nft-private.h"

#define TABLE CONTIV_DP_NFT_TABLE
#define FAMILY NFPROTO_INET

struct nft_applied {
	uint64_t table;				/* the kernel's handle of our table */
	char *keys;				/* the rules' key strings */
	struct cpol_member *members;
	size_t nmembers;
	struct cpol_rule *rules;
	size_t nrules;
	uint32_t *slots;			/* rules by chain name: index + 1, 0 = free */
	size_t mask;
	struct cpol_table tables[2];
	struct cpol_dnat *dnat;			/* sorted by protocol, host port */
	size_t ndnat;
	struct cpol_subnet *snat;
	size_t nsnat;
	char (*bridges)[16];
	size_t nbridges;
	uint32_t dscps[64];			/* sorted */
	size_t ndscps;
};

static void applied_free(struct nft_applied *a)
{
	if (!a)
		return;
	free(a->keys);
	free(a->members);
	free(a->rules);
	free(a->slots);
	free(a->tables[0].cells);
	free(a->tables[1].cells);
	free(a->dnat);
	free(a->snat);
	free(a->bridges);
	free(a);
}

void contiv__dp_policy_forget(struct contiv_dp *dp)
{
	applied_free(dp->nft_applied);
	dp->nft_applied = NULL;
}

/* ---- the copy ---- */

static void *dup_array(const void *v, size_t n, size_t size, bool *oom)
{
	void *c = malloc(n ? n * size : 1);

	if (!c)
		*oom = true;
	else if (n)
		memcpy(c, v, n * size);
	return c;
}

static int dnat_cmp(const void *a, const void *b)
{
	const struct cpol_dnat *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->host_port < y->host_port ? -1 : x->host_port > y->host_port;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The rule of the copy with that chain (names are unique: same id, same name), or NULL. */
static const struct cpol_rule *rule_find(const struct nft_applied *a, uint64_t chain_id,
					 size_t *idx)
{
	for (size_t at = (size_t)chain_id & a->mask; a->slots[at]; at = (at + 1) & a->mask) {
		const struct cpol_rule *r = &a->rules[a->slots[at] - 1];

		if (r->chain_id == chain_id) {
			*idx = a->slots[at] - 1;
			return r;
		}
	}
	return NULL;
}

/* The rules' keys into one block of the copy's own (the policy may go away). */
static int copy_keys(struct nft_applied *a)
{
	size_t len = 1;
	char *w;

	for (size_t i = 0; i < a->nrules; i++)
		len += strlen(a->rules[i].rule_key) + strlen(a->rules[i].group_key) + 2;
	a->keys = w = malloc(len);
	if (!w)
		return -ENOMEM;
	for (size_t i = 0; i < a->nrules; i++) {
		struct cpol_rule *r = &a->rules[i];
		size_t n = strlen(r->rule_key) + 1, m = strlen(r->group_key) + 1;

		memcpy(w, r->rule_key, n);
		r->rule_key = w;
		memcpy(w + n, r->group_key, m);
		r->group_key = w + n;
		w += n + m;
	}
	for (size_t i = 0; i < a->nmembers; i++)
		a->members[i].endpoint = NULL;
	return 0;
}

static struct nft_applied *applied_new(const struct contiv_policy *p)
{
	struct nft_applied *a = calloc(1, sizeof(*a));
	size_t size = 16;
	bool oom = false;

	if (!a)
		return NULL;
	a->members = dup_array(p->members, p->nmembers, sizeof(*p->members), &oom);
	a->nmembers = p->nmembers;
	a->rules = dup_array(p->rules, p->nrules, sizeof(*p->rules), &oom);
	a->nrules = p->nrules;
	for (int d = 0; d < 2; d++) {
		a->tables[d] = p->tables[d];
		a->tables[d].cells = dup_array(p->tables[d].cells, p->tables[d].n,
					       sizeof(struct cpol_cell), &oom);
		a->tables[d].cap = p->tables[d].n;
	}
	a->dnat = dup_array(p->dnat, p->ndnat, sizeof(*p->dnat), &oom);
	a->ndnat = p->ndnat;
	a->snat = dup_array(p->snat, p->nsnat, sizeof(*p->snat), &oom);
	a->nsnat = p->nsnat;
	a->bridges = dup_array(p->bridges, p->nbridges, sizeof(*p->bridges), &oom);
	a->nbridges = p->nbridges;
	memcpy(a->dscps, p->dscps, sizeof(a->dscps));
	a->ndscps = p->ndscps;
	while (size < 2 * p->nrules)
		size *= 2;
	a->mask = size - 1;
	a->slots = calloc(size, sizeof(*a->slots));
	if (oom || !a->slots || copy_keys(a) < 0) {
		applied_free(a);
		return NULL;
	}
	if (a->ndnat > 1)
		qsort(a->dnat, a->ndnat, sizeof(*a->dnat), dnat_cmp);
	if (a->ndscps > 1)
		qsort(a->dscps, a->ndscps, sizeof(*a->dscps), u32_cmp);
	for (size_t i = 0; i < a->nrules; i++) {
		size_t at = (size_t)a->rules[i].chain_id & a->mask;

		while (a->slots[at])
			at = (at + 1) & a->mask;
		a->slots[at] = (uint32_t)i + 1;
	}
	return a;
}

/* ---- the kernel's handle of the table ---- */

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 && nftnl_table_is_set(t, NFTNL_TABLE_HANDLE))
		*(uint64_t *)data = nftnl_table_get_u64(t, NFTNL_TABLE_HANDLE);
	nftnl_table_free(t);
	return MNL_CB_OK;
}

/* The handle of "inet contiv", 0 if there is none or it cannot be read. */
static uint64_t table_handle(struct contiv_dp *dp)
{
	char buf[8192];
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	uint32_t seq = dp->nft_seq++;
	uint64_t handle = 0;
	ssize_t n;

	if (!t)
		return 0;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, FAMILY, NLM_F_ACK, seq);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, TABLE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	if (mnl_socket_sendto(dp->nft, nlh, nlh->nlmsg_len) < 0)
		return 0;
	while ((n = mnl_socket_recvfrom(dp->nft, buf, sizeof(buf))) > 0)
		if (mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(dp->nft), table_cb,
			       &handle) <= 0)
			break;
	return handle;
}

void contiv__nft_remember(struct contiv_dp *dp, const struct contiv_policy *p, bool ok)
{
	contiv__dp_policy_forget(dp);
	if (!ok)
		return;
	dp->nft_applied = applied_new(p);
	if (dp->nft_applied && !(dp->nft_applied->table = table_handle(dp)))
		contiv__dp_policy_forget(dp);
}

/* ---- structure ---- */

static bool same_shape(const struct nft_applied *a, const struct contiv_policy *p)
{
	bool tcp[2] = { false, false }, udp[2] = { false, false };
	uint32_t dscps[64];

	for (int d = 0; d < 2; d++) {
		if (!a->tables[d].n != !p->tables[d].n)
			return false;
		if (p->tables[d].n && (a->tables[d].addrs != p->tables[d].addrs ||
					memcmp(a->tables[d].order, p->tables[d].order,
					       sizeof(p->tables[d].order))))
			return false;
	}
	for (size_t i = 0; i < a->ndnat; i++)
		(a->dnat[i].proto == 17 ? udp : tcp)[0] = true;
	for (size_t i = 0; i < p->ndnat; i++)
		(p->dnat[i].proto == 17 ? udp : tcp)[1] = true;
	if (tcp[0] != tcp[1] || udp[0] != udp[1] || !a->ndnat != !p->ndnat)
		return false;
	if (a->nsnat != p->nsnat || a->nbridges != p->nbridges || a->ndscps != p->ndscps)
		return false;
	if (p->nsnat && memcmp(a->snat, p->snat, p->nsnat * sizeof(*p->snat)))
		return false;
	for (size_t i = 0; i < p->nbridges; i++)	/* bytes after the NUL are undefined */
		if (strncmp(a->bridges[i], p->bridges[i], sizeof(p->bridges[i])))
			return false;
	if (!p->ndscps)	/* (no NULL pointers to memcpy/qsort/memcmp, even for 0 bytes) */
		return true;
	memcpy(dscps, p->dscps, p->ndscps * sizeof(*dscps));
	qsort(dscps, p->ndscps, sizeof(*dscps), u32_cmp);
	return !memcmp(a->dscps, dscps, p->ndscps * sizeof(*dscps));
}

/* ---- element diffs ---- */

struct side {
	const void *v;
	size_t n, size;
	const struct cpol_rule *rules;		/* cells: the rules they point at */
};

struct walk {
	const char *set;
	int dir;				/* cells */
	bool addrs;				/* cells */
	/* key order (< 0, 0, > 0) */
	int (*cmp)(const struct walk *w, const void *x, const void *y);
	/* same key: same data too? */
	bool (*same)(const struct walk *w, const struct side *o, const void *x,
		     const struct side *n, const void *y);
	/* is x an element of the set (dscp: members with a mark) */
	bool (*present)(const void *x);
	void (*put)(struct nft_elems *es, const struct walk *w, const struct side *s,
		    const void *x);
	const struct cpol_table *table;		/* cells: the new table (its order, its key) */
};

static int member_cmp(const struct walk *w, const void *x, const void *y)
{
	const struct cpol_member *a = x, *b = y;
	int c = strncmp(a->bridge, b->bridge, sizeof(a->bridge));

	(void)w;
	if (c)
		return c;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static bool member_same(const struct walk *w, const struct side *o, const void *x,
			const struct side *n, const void *y)
{
	(void)w, (void)o, (void)n;
	return ((const struct cpol_member *)x)->gid == ((const struct cpol_member *)y)->gid;
}

static void member_put(struct nft_elems *es, const struct walk *w, const struct side *s,
		       const void *x)
{
	(void)w, (void)s;
	contiv__nft_member_elem(es, x);
}

static bool dscp_same(const struct walk *w, const struct side *o, const void *x,
		      const struct side *n, const void *y)
{
	(void)w, (void)o, (void)n;
	return ((const struct cpol_member *)x)->dscp == ((const struct cpol_member *)y)->dscp;
}

static bool dscp_present(const void *x)
{
	return ((const struct cpol_member *)x)->dscp != 0;
}

static void dscp_put(struct nft_elems *es, const struct walk *w, const struct side *s,
		     const void *x)
{
	(void)w, (void)s;
	contiv__nft_dscp_elem(es, x);
}

static int cell_cmp(const struct walk *w, const void *x, const void *y)
{
	const struct cpol_cell *a = x, *b = y;

	for (int i = 0; i < CPOL_NDIMS; i++) {
		int d = w->table->order[i];	/* the compiler's order (cells.c) */

		if (a->lo[d] != b->lo[d])
			return a->lo[d] < b->lo[d] ? -1 : 1;
	}
	return 0;
}

static bool cell_same(const struct walk *w, const struct side *o, const void *x,
		      const struct side *n, const void *y)
{
	const struct cpol_cell *a = x, *b = y;
	const struct cpol_rule *ra = &o->rules[a->rule], *rb = &n->rules[b->rule];

	return !memcmp(a->hi, b->hi, sizeof(a->hi)) && ra->chain_id == rb->chain_id &&
	       contiv__nft_cell_verdict(ra, w->dir) == contiv__nft_cell_verdict(rb, w->dir);
}

static void cell_put(struct nft_elems *es, const struct walk *w, const struct side *s,
		     const void *x)
{
	const struct cpol_cell *c = x;

	contiv__nft_cell_elem(es, c, &s->rules[c->rule], w->dir, w->table);
}

static int dnat_walk_cmp(const struct walk *w, const void *x, const void *y)
{
	(void)w;
	return dnat_cmp(x, y);
}

static bool dnat_same(const struct walk *w, const struct side *o, const void *x,
		      const struct side *n, const void *y)
{
	const struct cpol_dnat *a = x, *b = y;

	(void)w, (void)o, (void)n;
	return a->addr == b->addr && a->port == b->port;
}

static bool dnat_tcp(const void *x)
{
	return ((const struct cpol_dnat *)x)->proto == 6;
}

static bool dnat_udp(const void *x)
{
	return ((const struct cpol_dnat *)x)->proto == 17;
}

static void dnat_put(struct nft_elems *es, const struct walk *w, const struct side *s,
		     const void *x)
{
	(void)w, (void)s;
	contiv__nft_dnat_elem(es, x);
}

static const void *at(const struct side *s, size_t i)
{
	return (const char *)s->v + i * s->size;
}

/* The next present element at or after *i, or NULL. */
static const void *next_present(const struct walk *w, const struct side *s, size_t *i)
{
	for (; *i < s->n; (*i)++)
		if (!w->present || w->present(at(s, *i)))
			return at(s, *i);
	return NULL;
}

/*
 * Two merges over the old and new elements: the first deletes what went
 * away or changed, the second adds what is new or changed. -EAGAIN if a
 * side is not in key order (a full replace is needed).
 */
static int diff_set(struct nb *b, const struct walk *w, const struct side *o,
		    const struct side *n, size_t *changes)
{
	for (int pass = 0; pass < 2; pass++) {
		struct nft_elems es = {
			.b = b, .set = w->set,
			.type = pass ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
			.flags = pass ? NLM_F_CREATE | NLM_F_EXCL : 0,
		};
		const void *po = NULL, *pn = NULL;
		size_t i = 0, j = 0;

		for (;;) {
			const void *x = next_present(w, o, &i), *y = next_present(w, n, &j);
			int c;

			if (!x && !y)
				break;
			if ((x && po && w->cmp(w, po, x) >= 0) || (y && pn && w->cmp(w, pn, y) >= 0)) {
				contiv__nft_elems_flush(&es);
				return -EAGAIN;
			}
			c = !x ? 1 : !y ? -1 : w->cmp(w, x, y);
			if (c == 0 && w->same(w, o, x, n, y)) {
				po = x, pn = y, i++, j++;
				continue;
			}
			if (c <= 0) {
				if (!pass) {
					w->put(&es, w, o, x);
					(*changes)++;
				}
				po = x, i++;
			}
			if (c >= 0) {
				if (pass) {
					w->put(&es, w, n, y);
					(*changes)++;
				}
				pn = y, j++;
			}
		}
		contiv__nft_elems_flush(&es);
	}
	return 0;
}

/* ---- the update ---- */


static int build_changes(struct nb *b, const struct nft_applied *a, const struct contiv_policy *p,
			 size_t *changes)
{
	bool *kept = calloc(a->nrules ?: 1, sizeof(*kept));
	struct side om = { a->members, a->nmembers, sizeof(*a->members), NULL };
	struct side nm = { p->members, p->nmembers, sizeof(*p->members), NULL };
	struct cpol_dnat *dnat = NULL;
	int r = 0;

	if (!kept)
		return -ENOMEM;
	/* 1. chains of new and changed rules */
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cpol_rule *nr = &p->rules[i], *or;
		size_t k;

		or = rule_find(a, nr->chain_id, &k);
		if (!or) {
			contiv__nft_rule_chain(b, nr, true);
			(*changes)++;
			continue;
		}
		kept[k] = true;
		if (or->deny != nr->deny || or->dir != nr->dir ||
		    strcmp(or->group_key, nr->group_key) || strcmp(or->rule_key, nr->rule_key)) {
			contiv__nft_chain_op(b, NFT_MSG_DELRULE, nr->chain);
			contiv__nft_rule_chain(b, nr, false);
			(*changes)++;
		}
	}
	/* 2. elements: deletes, then adds, set by set */
	{
		const struct walk members = { "members", 0, false, member_cmp, member_same, NULL,
					      member_put };
		const struct walk dscp = { "dscp", 0, false, member_cmp, dscp_same, dscp_present,
					   dscp_put };

		r = diff_set(b, &members, &om, &nm, changes);
		if (!r && p->ndscps)
			r = diff_set(b, &dscp, &om, &nm, changes);
	}
	for (int d = 0; d < 2 && !r; d++) {
		const struct walk cells = { contiv__nft_cells_name[d], d, p->tables[d].addrs,
					    cell_cmp, cell_same, NULL, cell_put,
					    &p->tables[d] };
		struct side oc = { a->tables[d].cells, a->tables[d].n, sizeof(struct cpol_cell),
				   a->rules };
		struct side nc = { p->tables[d].cells, p->tables[d].n, sizeof(struct cpol_cell),
				   p->rules };

		if (p->tables[d].n)
			r = diff_set(b, &cells, &oc, &nc, changes);
	}
	if (!r && p->ndnat) {
		bool oom = false;

		dnat = dup_array(p->dnat, p->ndnat, sizeof(*p->dnat), &oom);
		if (oom) {
			r = -ENOMEM;
		} else {
			const struct walk wt = { "dnat_tcp", 0, false, dnat_walk_cmp, dnat_same,
						 dnat_tcp, dnat_put };
			const struct walk wu = { "dnat_udp", 0, false, dnat_walk_cmp, dnat_same,
						 dnat_udp, dnat_put };
			struct side od = { a->dnat, a->ndnat, sizeof(*dnat), NULL };
			struct side nd = { dnat, p->ndnat, sizeof(*dnat), NULL };

			qsort(dnat, p->ndnat, sizeof(*dnat), dnat_cmp);
			r = diff_set(b, &wt, &od, &nd, changes);
			if (!r)
				r = diff_set(b, &wu, &od, &nd, changes);
		}
	}
	/* 3. chains of removed rules, now unreferenced */
	for (size_t k = 0; k < a->nrules && !r; k++)
		if (!kept[k]) {
			contiv__nft_chain_op(b, NFT_MSG_DELCHAIN, a->rules[k].chain);
			(*changes)++;
		}
	free(dnat);
	free(kept);
	return r;
}

int contiv__nft_apply_changes(struct contiv_dp *dp, const struct contiv_policy *p)
{
	struct nft_applied *a = dp->nft_applied, *next;
	size_t changes = 0;
	struct nb b;
	int r;

	if (!a)
		return 0;
	if (!same_shape(a, p)) {
		contiv_dbg(dp->ctx, "dp: nftables: the table's structure changes: full replace");
		return 0;
	}
	if (table_handle(dp) != a->table) {
		contiv_dbg(dp->ctx, "dp: nftables: the table was replaced by someone else: full replace");
		contiv__dp_policy_forget(dp);
		return 0;
	}
	next = applied_new(p);
	if (!next)
		return -ENOMEM;
	next->table = a->table;
	r = contiv__nft_begin(&b, dp);
	if (r < 0) {
		applied_free(next);
		return r;
	}
	r = build_changes(&b, a, p, &changes);
	if (r < 0 || !changes) {
		contiv__nft_abort(&b);
		applied_free(next);
		if (r == -EAGAIN) {
			contiv_dbg(dp->ctx, "dp: nftables: cells out of order: full replace");
			return 0;
		}
		if (!r)
			contiv_dbg(dp->ctx, "dp: nftables: nothing changed");
		return r < 0 ? r : 1;
	}
	r = contiv__nft_commit(&b);
	if (r < 0) {
		applied_free(next);
		contiv__dp_policy_forget(dp);
		return r;
	}
	contiv_dbg(dp->ctx, "dp: nftables: incremental update: %zu changes", changes);
	applied_free(a);
	dp->nft_applied = next;
	return 1;
}
