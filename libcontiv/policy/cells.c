/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The decision table of one direction: a partition of the key space
 * (source group, destination group, protocol, port, source address,
 * destination address) into non-overlapping boxes ("cells"), each carrying
 * the rule that wins there: the highest priority; on equal priorities deny
 * wins over allow; among rules equal in both, the first applied (groups in
 * key order, then rules in key order). Space no rule covers is absent (the
 * datapath's default: allow).
 *
 * Built dimension by dimension (the owner group's dimension first): a sweep
 * over the start and end points of the rules still in play splits the
 * dimension into elementary intervals, each carrying the rules active in it;
 * the last dimension picks the winner and merges neighbouring intervals won
 * by the same rule. The cost is the size of the output plus sorting.
 *
 * Fewer and wider cells make the datapath's lookup cheaper: nftables' pipapo
 * set (the interval map of concatenations) tests a bitmap as long as the
 * number of its entries per field, and a cell's range that is not a prefix
 * is stored as several (up to 2 * 32 - 2 for an address range). So:
 *   - a box in which one of the rules still in play covers all the
 *     dimensions not yet split and beats every other becomes one cell
 *     (e.g. an "allow from group X" at a high priority over many port
 *     rules: one cell for group X, not one per port and address interval),
 *     merged with the cell before it when that one is its neighbour won by
 *     the same rule;
 *   - group ids are 0..ngroups, so the group dimensions end at the next
 *     2^k - 1 instead of UINT32_MAX ("any group but 2" is [0,1] and
 *     [3,2^k-1]: a few prefixes, not 31).
 */
#include "config.h"

#include <stdlib.h>

#include "policy-private.h"

#define CPOL_MAX_CELLS 4000000

const uint32_t contiv__policy_dim_max[CPOL_NDIMS] = {
	UINT32_MAX, UINT32_MAX, 255, 65535, UINT32_MAX, UINT32_MAX,
};

struct event {
	uint64_t pos;
	uint32_t local;	/* index into the level's rule list */
	bool start;
};

struct build {
	struct contiv_policy *p;
	struct cpol_table *t;
	int order[CPOL_NDIMS];
	int ndims;
	uint32_t max[CPOL_NDIMS];	/* the end of each dimension */
	uint32_t lo[CPOL_NDIMS], hi[CPOL_NDIMS];
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return (int)x->start - (int)y->start;
}

/* Whether rule a beats rule b. */
static bool beats(const struct cpol_rule *a, uint32_t ai, const struct cpol_rule *b, uint32_t bi)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->deny != b->deny)
		return a->deny;
	return ai < bi;
}

/* Whether cell c and the box lo..hi differ in one dimension only, where they touch. */
static bool neighbours(const struct cpol_cell *c, const uint32_t *lo, const uint32_t *hi)
{
	int diff = 0;

	for (int d = 0; d < CPOL_NDIMS; d++) {
		if (c->lo[d] == lo[d] && c->hi[d] == hi[d])
			continue;
		if (diff++ || (uint64_t)c->hi[d] + 1 != lo[d])
			return false;
	}
	return diff == 1;
}

/* Adds the box b->lo..b->hi won by rule; merge: into the last cell if that is its neighbour. */
static int emit(struct build *b, uint32_t rule, bool merge)
{
	struct cpol_table *t = b->t;
	struct cpol_cell *c;

	if (merge && t->n && t->cells[t->n - 1].rule == rule &&
	    neighbours(&t->cells[t->n - 1], b->lo, b->hi)) {
		memcpy(t->cells[t->n - 1].hi, b->hi, sizeof(b->hi));
		return 0;
	}

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct cpol_cell *v;

		if (t->n >= CPOL_MAX_CELLS)
			return contiv__error(b->p->ctx, -E2BIG,
					     "policy: more than %d cells in the decision table",
					     CPOL_MAX_CELLS);
		v = realloc(t->cells, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->cells = v;
		t->cap = cap;
	}
	c = &t->cells[t->n++];
	memcpy(c->lo, b->lo, sizeof(c->lo));
	memcpy(c->hi, b->hi, sizeof(c->hi));
	c->rule = rule;
	return 0;
}

/*
 * If one of the rules covers the dimensions from level on entirely and beats
 * all the others, the box is one cell of that rule: emits it, answers true.
 */
static int dominated(struct build *b, const uint32_t *rules, size_t n, int level)
{
	const struct cpol_rule *rv = b->p->rules;
	uint32_t best = rules[0];

	for (size_t i = 1; i < n; i++)
		if (beats(&rv[rules[i]], rules[i], &rv[best], best))
			best = rules[i];
	for (int l = level; l < b->ndims; l++) {
		int d = b->order[l];

		if (rv[best].lo[d] != 0 || rv[best].hi[d] < b->max[d])
			return 0;
	}
	return emit(b, best, true) < 0 ? -ENOMEM : 1;
}

static int split(struct build *b, const uint32_t *rules, size_t n, int level)
{
	const struct cpol_rule *rv = b->p->rules;
	int d = b->order[level];
	uint64_t max = b->max[d];
	struct event *ev;
	uint32_t *active = NULL, *slot = NULL, *sub = NULL;
	size_t nev = 0, nactive = 0;
	bool last = level == b->ndims - 1;
	int r = 0;
	/* last level: the cell being extended (index), or SIZE_MAX */
	size_t open = SIZE_MAX;

	ev = malloc(2 * n * sizeof(*ev));
	active = malloc(n * sizeof(*active));
	slot = malloc(n * sizeof(*slot));
	if (!last)
		sub = malloc(n * sizeof(*sub));
	if (!ev || !active || !slot || (!last && !sub)) {
		r = -ENOMEM;
		goto out;
	}
	r = dominated(b, rules, n, level);
	if (r) {
		r = r < 0 ? r : 0;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cpol_rule *ru = &rv[rules[i]];

		if (ru->lo[d] > max)	/* a group id that does not exist */
			continue;
		ev[nev++] = (struct event){ ru->lo[d], (uint32_t)i, true };
		if ((uint64_t)ru->hi[d] < max)
			ev[nev++] = (struct event){ (uint64_t)ru->hi[d] + 1, (uint32_t)i, false };
	}
	qsort(ev, nev, sizeof(*ev), event_cmp);
	for (size_t e = 0; e < nev;) {
		uint64_t pos = ev[e].pos, next;

		for (; e < nev && ev[e].pos == pos; e++) {
			uint32_t l = ev[e].local;

			if (ev[e].start) {
				slot[l] = (uint32_t)nactive;
				active[nactive++] = l;
			} else {
				uint32_t s = slot[l], moved = active[--nactive];

				active[s] = moved;
				slot[moved] = s;
			}
		}
		next = e < nev ? ev[e].pos : max + 1;
		if (!nactive) {
			open = SIZE_MAX;
			continue;
		}
		b->lo[d] = (uint32_t)pos;
		b->hi[d] = (uint32_t)(next - 1);
		if (last) {
			uint32_t best = rules[active[0]];

			for (size_t i = 1; i < nactive; i++) {
				uint32_t c = rules[active[i]];

				if (beats(&rv[c], c, &rv[best], best))
					best = c;
			}
			if (open != SIZE_MAX && b->t->cells[open].rule == best) {
				b->t->cells[open].hi[d] = b->hi[d];
				continue;
			}
			r = emit(b, best, false);
			if (r < 0)
				goto out;
			open = b->t->n - 1;
		} else {
			for (size_t i = 0; i < nactive; i++)
				sub[i] = rules[active[i]];
			r = split(b, sub, nactive, level + 1);
			if (r < 0)
				goto out;
		}
	}
	b->lo[d] = 0;
	b->hi[d] = (uint32_t)max;
out:
	free(ev);
	free(active);
	free(slot);
	free(sub);
	return r;
}

int contiv__policy_build_table(struct contiv_policy *p, uint8_t dir)
{
	struct build b = { .p = p, .t = &p->tables[dir] };
	uint32_t *rules;
	size_t n = 0, addr_only = 0, port_only = 0, with_addr = 0, with_port = 0;
	int r = 0, k = 2;

	b.t->addrs = false;
	rules = malloc((p->nrules ?: 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cpol_rule *ru = &p->rules[i];

		if (ru->dir != dir)
			continue;
		rules[n++] = (uint32_t)i;
		bool addr = false, port = ru->lo[CPOL_PORT] != 0 || ru->hi[CPOL_PORT] != 65535;

		for (int d = CPOL_SADDR; d <= CPOL_DADDR; d++)
			if (ru->lo[d] != 0 || ru->hi[d] != UINT32_MAX)
				addr = b.t->addrs = true;
		with_addr += addr;
		with_port += port;
		addr_only += addr && !port;
		port_only += port && !addr;
	}
	b.ndims = b.t->addrs ? CPOL_NDIMS : CPOL_SADDR;
	/*
	 * The owner's dimension first: it splits the rules into small groups.
	 * Then the addresses before protocol and port when that makes fewer
	 * cells: a rule of any port is copied into every port interval split
	 * before it, a rule of any address into every address interval.
	 */
	b.order[0] = dir == CPOL_IN ? CPOL_DGID : CPOL_SGID;
	b.order[1] = dir == CPOL_IN ? CPOL_SGID : CPOL_DGID;
	if (b.t->addrs && (uint64_t)port_only * with_addr < (uint64_t)addr_only * with_port) {
		b.order[k++] = CPOL_SADDR;
		b.order[k++] = CPOL_DADDR;
	}
	b.order[k++] = CPOL_PROTO;
	b.order[k++] = CPOL_PORT;
	if (k < CPOL_NDIMS) {
		b.order[k++] = CPOL_SADDR;
		b.order[k++] = CPOL_DADDR;
	}
	memcpy(b.t->order, b.order, sizeof(b.order));
	for (int d = 0; d < CPOL_NDIMS; d++) {
		b.max[d] = contiv__policy_dim_max[d];
		if (d == CPOL_SGID || d == CPOL_DGID) {
			b.max[d] = 1;
			while (b.max[d] < p->ngroups)
				b.max[d] = b.max[d] << 1 | 1;
		}
		b.lo[d] = 0;
		b.hi[d] = b.max[d];
	}
	if (n)
		r = split(&b, rules, n, 0);
	free(rules);
	return r;
}
