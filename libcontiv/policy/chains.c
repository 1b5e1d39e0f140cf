/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stable names of the rules' datapath chains: "r" and 16 hex digits of a
 * 64-bit FNV-1a hash of "<group key>\0<rule key>". A rule keeps its name
 * whatever other rules are added or removed, which lets the datapath
 * replace only the chains and cells that changed (dp/nft-inc.c). Within
 * one policy the names are unique: a name already taken is hashed again
 * with a salt (in rule order, so the same policy always gets the same
 * names).
 */
#include "config.h"

#include <stdlib.h>

#include "policy-private.h"

static uint64_t fnv(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static uint64_t chain_hash(const struct cpol_rule *r, uint32_t salt)
{
	uint64_t h = 14695981039346656037ull;

	h = fnv(h, r->group_key, strlen(r->group_key) + 1);
	h = fnv(h, r->rule_key, strlen(r->rule_key));
	if (salt)
		h = fnv(h, (const char *)&salt, sizeof(salt));
	return h;
}

int contiv__policy_name_chains(struct contiv_policy *p)
{
	size_t size = 16, mask;
	uint64_t *seen;		/* open addressing; 0 = free (a hash of 0 is salted away) */

	while (size < 2 * p->nrules)
		size *= 2;
	mask = size - 1;
	seen = calloc(size, sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < p->nrules; i++) {
		struct cpol_rule *r = &p->rules[i];
		uint32_t salt = 0;
		uint64_t h;
		size_t at;

		for (;;) {
			h = chain_hash(r, salt++);
			for (at = (size_t)h & mask; seen[at] && seen[at] != h; at = (at + 1) & mask)
				;
			if (h && !seen[at])
				break;
		}
		seen[at] = h;
		r->chain_id = h;
		r->chain[0] = 'r';	/* "r%016" PRIx64, without snprintf's cost */
		for (int d = 0; d < 16; d++)
			r->chain[1 + d] = "0123456789abcdef"[(h >> (60 - 4 * d)) & 0xf];
		r->chain[17] = '\0';
	}
	free(seen);
	return 0;
}
