/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the nftables part of the dp layer: the batch (nft.c builds the
 * whole table, nft-inc.c only what changed since the last apply) and the
 * element builders both use.
 */
#ifndef CONTIV_DP_NFT_PRIVATE_H
#define CONTIV_DP_NFT_PRIVATE_H

#include <libnftnl/batch.h>
#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>

#include "dp-private.h"
#include "../policy/policy-private.h"

/* One nftables transaction being built. */
struct nb {
	struct contiv_dp *dp;
	struct nftnl_batch *batch;
	uint32_t seq;
	uint32_t first_seq;
	uint32_t acks;		/* messages that will be acknowledged */
	bool oom;
};

/* Elements added to (NFT_MSG_NEWSETELEM) or deleted from (NFT_MSG_DELSETELEM) a set. */
struct nft_elems {
	struct nb *b;
	const char *set;
	uint32_t id;		/* the set's id when created in the same batch, else 0 */
	uint16_t type, flags;
	struct nftnl_set *chunk;
	unsigned int n;
};

/* nft.c */
int contiv__nft_open(struct contiv_dp *dp);
/* Starts a batch (begin marker); -ENOMEM. */
int contiv__nft_begin(struct nb *b, struct contiv_dp *dp);
/* Ends, sends and frees the batch; 0 when the kernel committed it. */
int contiv__nft_commit(struct nb *b);
/* Frees a batch that is not sent. */
void contiv__nft_abort(struct nb *b);
/* The header of the next message (acknowledged); then contiv__nft_next(). */
struct nlmsghdr *contiv__nft_msg(struct nb *b, uint16_t type, uint16_t flags);
void contiv__nft_next(struct nb *b);
/* NFT_MSG_DELRULE: flushes the chain; NFT_MSG_DELCHAIN: deletes it. */
void contiv__nft_chain_op(struct nb *b, uint16_t type, const char *name);
/* A rule's chain (when chain) and its one rule: counter, verdict, comment. */
void contiv__nft_rule_chain(struct nb *b, const struct cpol_rule *ru, bool chain);
void contiv__nft_elems_flush(struct nft_elems *es);
/* One element each (with its data when adding). */
void contiv__nft_member_elem(struct nft_elems *es, const struct cpol_member *m);
void contiv__nft_dscp_elem(struct nft_elems *es, const struct cpol_member *m);
void contiv__nft_cell_elem(struct nft_elems *es, const struct cpol_cell *c,
			   const struct cpol_rule *r, int dir, const struct cpol_table *t);
void contiv__nft_dnat_elem(struct nft_elems *es, const struct cpol_dnat *d);
extern const char *const contiv__nft_cells_name[2];

/* A cell's verdict: an allowed "out" cell returns to the forward chain. */
static inline int contiv__nft_cell_verdict(const struct cpol_rule *r, int dir)
{
	return dir == CPOL_OUT && !r->deny ? NFT_JUMP : NFT_GOTO;
}

/* nft-inc.c */
/*
 * Applies only the difference between what was last applied and @p.
 * Returns 1 when applied (or nothing changed), 0 when a full replace is
 * needed (nothing known, another structure, the table was replaced), < 0
 * when the kernel refused the batch (what was known is forgotten).
 */
int contiv__nft_apply_changes(struct contiv_dp *dp, const struct contiv_policy *p);
/* After a full replace: remembers @p as applied (ok) or forgets (!ok). */
void contiv__nft_remember(struct contiv_dp *dp, const struct contiv_policy *p, bool ok);
/* (contiv__dp_policy_forget() in libcontiv-private.h forgets.) */

#endif
