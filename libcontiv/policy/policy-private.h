/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the policy layer: the compiled, datapath-neutral program. Shared
 * with the dp layer (dp/nft*.c), which loads it into nftables.
 */
#ifndef CONTIV_POLICY_PRIVATE_H
#define CONTIV_POLICY_PRIVATE_H

#include "libcontiv-private.h"
#include <contiv/policy.h>

/* Dimensions of a cell, in the order of the datapath's lookup key. */
enum {
	CPOL_SGID = 0,	/* source group id (0 = in no group) */
	CPOL_DGID,	/* destination group id */
	CPOL_PROTO,	/* IP protocol 0..255 */
	CPOL_PORT,	/* transport destination port 0..65535 */
	CPOL_SADDR,	/* IPv4 source address */
	CPOL_DADDR,	/* IPv4 destination address */
	CPOL_NDIMS
};

/* Direction of a rule, and of the cell table that judges it. */
enum { CPOL_OUT = 0, CPOL_IN = 1 };

/* A group with its id (1..n, in the order of the group keys). */
struct cpol_group {
	const char *key;
	uint32_t id;
	uint32_t dscp;		/* of its netprofile; 0 = none */
};

/* An endpoint of a group (or of none: gid 0), identified by bridge + address. */
struct cpol_member {
	char bridge[16];
	uint32_t addr;		/* host byte order */
	uint32_t gid;
	uint32_t dscp;
	const char *endpoint;
};

/*
 * The name of a rule's datapath chain: "r" and 16 hex digits of a hash of
 * its group and rule keys (unique within a policy: a collision is salted
 * away), so that the name of an unchanged rule stays the same when other
 * rules come and go (the datapath updates only what changed).
 */
#define CPOL_CHAIN_LEN 18

/* A rule as applied to one group (a policy attached to n groups: n of these). */
struct cpol_rule {
	const char *rule_key;
	const char *group_key;
	uint32_t index;		/* 1..nrules, its position (JSON) */
	uint64_t chain_id;		/* the hash in its chain's name */
	char chain[CPOL_CHAIN_LEN];	/* its datapath chain: "r" + 16 hex digits */
	uint8_t dir;
	bool deny;
	uint32_t priority;
	uint32_t lo[CPOL_NDIMS], hi[CPOL_NDIMS];
};

/* A cell of a direction's table: a box of the key space with its rule. */
struct cpol_cell {
	uint32_t lo[CPOL_NDIMS], hi[CPOL_NDIMS];
	uint32_t rule;		/* index into rules */
};

struct cpol_table {
	struct cpol_cell *cells;
	size_t n, cap;
	bool addrs;		/* the key includes CPOL_SADDR and CPOL_DADDR */
	/*
	 * The order in which the compiler split the dimensions (the owner's
	 * group, the peer's group, then protocol and port before or after the
	 * addresses): cells come sorted by their low corner in this order.
	 */
	int order[CPOL_NDIMS];
};

/*
 * The dimension in field k of the datapath's key: the order of the
 * dimensions (not the owner's group first), with the addresses first when
 * the compiler split them first. The kernel's pipapo lookup narrows the
 * candidates field by field and pays for every candidate a field lets
 * through, so the field that tells the cells apart must come first (in a
 * table of address rules of any group every cell has the same group ids).
 */
static inline int contiv__policy_key_dim(const struct cpol_table *t, int k)
{
	static const int addr_first[CPOL_NDIMS] = { CPOL_SADDR, CPOL_DADDR, CPOL_SGID,
						    CPOL_DGID, CPOL_PROTO, CPOL_PORT };

	return t->addrs && t->order[2] == CPOL_SADDR ? addr_first[k] : k;
}

struct cpol_subnet {
	uint32_t first, last;
};

struct cpol_dnat {
	uint8_t proto;		/* 6 or 17 */
	uint16_t host_port;
	uint32_t addr;
	uint16_t port;
};

struct cpol_tag {
	char *network;
	uint32_t encap, tag;
};

struct cpol_objs {
	struct contiv_object **v;
	size_t n, cap;
};

struct contiv_policy {
	int refcount;
	struct contiv_ctx *ctx;
	bool compiled;
	struct cpol_objs objs[__CONTIV_OBJECT_MAX];
	struct cpol_tag *tags;
	size_t ntags;
	struct cpol_dnat *dnat;
	size_t ndnat;

	/* compiled */
	struct cpol_group *groups;
	size_t ngroups;
	struct cpol_member *members;
	size_t nmembers;
	struct cpol_rule *rules;
	size_t nrules;
	struct cpol_table tables[2];	/* CPOL_OUT, CPOL_IN */
	struct cpol_subnet *snat;
	size_t nsnat;
	char (*bridges)[16];
	size_t nbridges;
	uint32_t dscps[64];		/* distinct DSCP values in use */
	size_t ndscps;
};

/* chains.c: names every rule's chain (after the rules are applied). */
int contiv__policy_name_chains(struct contiv_policy *p);

/* cells.c: partitions the key space of one direction. */
int contiv__policy_build_table(struct contiv_policy *p, uint8_t dir);
/* The maximum value of each dimension. */
extern const uint32_t contiv__policy_dim_max[CPOL_NDIMS];

#endif
