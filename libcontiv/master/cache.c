/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The read cache of a master: key -> (value or absence, mod_revision) of keys
 * that its transactions read or wrote, bounded (entries and bytes, least
 * recently used first out). It is only a guess: contiv__mtxn_commit()
 * compares the mod_revision of every key a request read, cached or not, so a
 * stale entry makes the commit fail with a conflict (the entries it compared
 * are then dropped and the request runs again on fresh reads), and an answer
 * that no commit checked is recomputed from fresh reads (master.c). See
 * docs/ARCHITECTURE.md, "netmaster".
 */
#include "config.h"

#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

struct contiv__mcache_entry {
	struct contiv__mcache_entry *chain;		/* same bucket */
	struct contiv__mcache_entry *newer, *older;	/* LRU list */
	uint64_t hash;
	uint64_t rev;		/* 0: the key is absent */
	size_t size;		/* what it counts against max_bytes */
	char *value;		/* NULL: absent */
	char key[];
};

#define BUCKETS_MIN 64u

static uint64_t hash_key(const char *key)
{
	uint64_t h = 14695981039346656037ull;	/* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

void contiv__mcache_init(struct contiv__mcache *c)
{
	memset(c, 0, sizeof(*c));
	c->max_entries = CONTIV__MCACHE_MAX_ENTRIES;
	c->max_bytes = CONTIV__MCACHE_MAX_BYTES;
}

static struct contiv__mcache_entry **slot(struct contiv__mcache *c, const char *key, uint64_t h)
{
	struct contiv__mcache_entry **p = &c->buckets[h & (c->nbuckets - 1)];

	while (*p && ((*p)->hash != h || strcmp((*p)->key, key)))
		p = &(*p)->chain;
	return p;
}

static void lru_unlink(struct contiv__mcache *c, struct contiv__mcache_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct contiv__mcache *c, struct contiv__mcache_entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	else
		c->oldest = e;
	c->newest = e;
}

/* Unlinks the entry at *p (a bucket slot) and frees it. */
static void drop_at(struct contiv__mcache *c, struct contiv__mcache_entry **p)
{
	struct contiv__mcache_entry *e = *p;

	*p = e->chain;
	lru_unlink(c, e);
	c->n--;
	c->bytes -= e->size;
	free(e->value);
	free(e);
}

static void drop(struct contiv__mcache *c, struct contiv__mcache_entry *e)
{
	drop_at(c, slot(c, e->key, e->hash));
}

void contiv__mcache_clear(struct contiv__mcache *c)
{
	if (c->n)
		c->flushes++;
	while (c->oldest)
		drop(c, c->oldest);
	free(c->buckets);
	c->buckets = NULL;
	c->nbuckets = 0;
}

void contiv__mcache_forget(struct contiv__mcache *c, const char *key)
{
	struct contiv__mcache_entry **p;

	if (!c->n)
		return;
	p = slot(c, key, hash_key(key));
	if (*p)
		drop_at(c, p);
}

int contiv__mcache_lookup(struct contiv__mcache *c, const char *key, char **ret_value,
			  uint64_t *ret_rev)
{
	struct contiv__mcache_entry *e;

	if (!c->n) {
		c->misses++;
		return 0;
	}
	e = *slot(c, key, hash_key(key));
	if (!e) {
		c->misses++;
		return 0;
	}
	if (ret_value) {
		*ret_value = NULL;
		if (e->value && !(*ret_value = strdup(e->value)))
			return -ENOMEM;
	}
	*ret_rev = e->rev;
	lru_unlink(c, e);
	lru_push(c, e);
	c->hits++;
	return 1;
}

/* Doubles the buckets (a power of two) once they are fewer than the entries. */
static void grow(struct contiv__mcache *c)
{
	size_t n = c->nbuckets ? 2 * c->nbuckets : BUCKETS_MIN;
	struct contiv__mcache_entry **b;

	if (c->nbuckets && c->n < c->nbuckets)
		return;
	b = calloc(n, sizeof(*b));
	if (!b)
		return;	/* longer chains, still correct */
	for (struct contiv__mcache_entry *e = c->oldest; e; e = e->newer) {
		e->chain = b[e->hash & (n - 1)];
		b[e->hash & (n - 1)] = e;
	}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

void contiv__mcache_store(struct contiv__mcache *c, const char *key, const char *value,
			  uint64_t rev)
{
	size_t klen = strlen(key), vlen = value ? strlen(value) + 1 : 0;
	size_t size = sizeof(struct contiv__mcache_entry) + klen + 1 + vlen;
	struct contiv__mcache_entry *e;

	contiv__mcache_forget(c, key);
	/* a value bigger than a quarter of the budget would push out the rest */
	if (!c->max_entries || size > c->max_bytes / 4 || (value && !rev))
		return;
	if (!c->buckets)
		grow(c);
	if (!c->buckets)
		return;
	e = malloc(sizeof(*e) + klen + 1);
	if (!e)
		return;
	memcpy(e->key, key, klen + 1);
	e->value = NULL;
	if (value && !(e->value = strdup(value))) {
		free(e);
		return;
	}
	while (c->oldest && (c->n >= c->max_entries || c->bytes + size > c->max_bytes)) {
		drop(c, c->oldest);
		c->evictions++;
	}
	e->hash = hash_key(key);
	e->rev = rev;
	e->size = size;
	e->chain = c->buckets[e->hash & (c->nbuckets - 1)];
	c->buckets[e->hash & (c->nbuckets - 1)] = e;
	lru_push(c, e);
	c->n++;
	c->bytes += size;
	grow(c);
}

void contiv__mcache_set_limits(struct contiv__mcache *c, size_t max_entries, size_t max_bytes)
{
	c->max_entries = max_entries;
	c->max_bytes = max_bytes;
	while (c->oldest && (c->n > c->max_entries || c->bytes > c->max_bytes)) {
		drop(c, c->oldest);
		c->evictions++;
	}
}

void contiv__mcache_saw_revision(struct contiv__mcache *c, uint64_t rev)
{
	/* the store went back in time (restored, replaced): revisions no longer name values */
	if (rev < c->rev_hi)
		contiv__mcache_clear(c);
	c->rev_hi = rev;
}
