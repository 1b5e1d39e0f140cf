/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sparse two-level bitmap allocator (see bitalloc.h). */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "bitalloc.h"

#define CHUNK_SHIFT 12
#define CHUNK_BITS (1u << CHUNK_SHIFT)
#define CHUNK_WORDS (CHUNK_BITS / 64)
#define CHUNK_NONE CHUNK_BITS

static uint32_t chunk_cap(const struct contiv__bitalloc *ba, uint32_t c)
{
	return c + 1 < ba->nchunks ? CHUNK_BITS : ba->n - (c << CHUNK_SHIFT);
}

static void summary_set(struct contiv__bitalloc *ba, uint32_t c)
{
	ba->nonfull[c >> 6] |= UINT64_C(1) << (c & 63);
}

static void summary_clear(struct contiv__bitalloc *ba, uint32_t c)
{
	ba->nonfull[c >> 6] &= ~(UINT64_C(1) << (c & 63));
}

static bool summary_test(const struct contiv__bitalloc *ba, uint32_t c)
{
	return ba->nonfull[c >> 6] & (UINT64_C(1) << (c & 63));
}

/* The first non-full chunk >= c, or CONTIV__BITALLOC_NONE. */
static uint32_t summary_next(const struct contiv__bitalloc *ba, uint32_t c)
{
	uint32_t nwords = (ba->nchunks + 63) >> 6;
	uint32_t w = c >> 6;
	uint64_t bits;

	if (c >= ba->nchunks)
		return CONTIV__BITALLOC_NONE;
	bits = ba->nonfull[w] & (~UINT64_C(0) << (c & 63));
	while (!bits) {
		if (++w == nwords)
			return CONTIV__BITALLOC_NONE;
		bits = ba->nonfull[w];
	}
	return (w << 6) + (uint32_t)__builtin_ctzll(bits);
}

/* Bits from..to (inclusive, 0..63) of a word. */
static uint64_t word_mask(uint32_t from, uint32_t to)
{
	return (~UINT64_C(0) >> (63 - to)) & (~UINT64_C(0) << from);
}

/* First bit >= off of a chunk that is set (want_set) or clear, or CHUNK_NONE. */
static uint32_t chunk_next(const uint64_t *chunk, uint32_t off, bool want_set)
{
	uint32_t i = off >> 6;
	uint64_t w;

	if (!chunk)
		return want_set ? CHUNK_NONE : off;
	w = (want_set ? chunk[i] : ~chunk[i]) & (~UINT64_C(0) << (off & 63));
	while (!w) {
		if (++i == CHUNK_WORDS)
			return CHUNK_NONE;
		w = want_set ? chunk[i] : ~chunk[i];
	}
	return (i << 6) + (uint32_t)__builtin_ctzll(w);
}

int contiv__bitalloc_init(struct contiv__bitalloc *ba, uint32_t n)
{
	uint32_t nwords;

	if (n == 0 || n > CONTIV__BITALLOC_MAX)
		return -EINVAL;
	*ba = (struct contiv__bitalloc){ .n = n, .nchunks = (n + CHUNK_BITS - 1) >> CHUNK_SHIFT };
	nwords = (ba->nchunks + 63) >> 6;
	ba->chunks = calloc(ba->nchunks, sizeof(*ba->chunks));
	ba->used = calloc(ba->nchunks, sizeof(*ba->used));
	ba->nonfull = calloc(nwords, sizeof(*ba->nonfull));
	if (!ba->chunks || !ba->used || !ba->nonfull) {
		contiv__bitalloc_fini(ba);
		return -ENOMEM;
	}
	for (uint32_t c = 0; c < ba->nchunks; c++)
		summary_set(ba, c);
	return 0;
}

void contiv__bitalloc_fini(struct contiv__bitalloc *ba)
{
	if (ba->chunks)
		for (uint32_t c = 0; c < ba->nchunks; c++)
			free(ba->chunks[c]);
	free(ba->chunks);
	free(ba->used);
	free(ba->nonfull);
	*ba = (struct contiv__bitalloc){ 0 };
}

bool contiv__bitalloc_test(const struct contiv__bitalloc *ba, uint32_t i)
{
	const uint64_t *chunk;

	assert(i < ba->n);
	chunk = ba->chunks[i >> CHUNK_SHIFT];
	i &= CHUNK_BITS - 1;
	return chunk && (chunk[i >> 6] & (UINT64_C(1) << (i & 63)));
}

/* Adds delta set bits to chunk c and keeps the summary and count in step. */
static void account(struct contiv__bitalloc *ba, uint32_t c, int delta)
{
	ba->used[c] = (uint16_t)(ba->used[c] + delta);
	ba->count = (uint64_t)((int64_t)ba->count + delta);
	if (ba->used[c] == chunk_cap(ba, c))
		summary_clear(ba, c);
	else
		summary_set(ba, c);
	if (ba->used[c] == 0) {
		free(ba->chunks[c]);
		ba->chunks[c] = NULL;
	}
}

int contiv__bitalloc_set(struct contiv__bitalloc *ba, uint32_t i)
{
	uint32_t c = i >> CHUNK_SHIFT, bit = i & (CHUNK_BITS - 1);
	uint64_t m = UINT64_C(1) << (bit & 63);

	assert(i < ba->n);
	if (!ba->chunks[c]) {
		ba->chunks[c] = calloc(CHUNK_WORDS, sizeof(uint64_t));
		if (!ba->chunks[c])
			return -ENOMEM;
	}
	if (ba->chunks[c][bit >> 6] & m)
		return 0;
	ba->chunks[c][bit >> 6] |= m;
	account(ba, c, 1);
	return 0;
}

void contiv__bitalloc_clear(struct contiv__bitalloc *ba, uint32_t i)
{
	uint32_t c = i >> CHUNK_SHIFT, bit = i & (CHUNK_BITS - 1);
	uint64_t m = UINT64_C(1) << (bit & 63);

	assert(i < ba->n);
	if (!ba->chunks[c] || !(ba->chunks[c][bit >> 6] & m))
		return;
	ba->chunks[c][bit >> 6] &= ~m;
	account(ba, c, -1);
}

/* Sets (set) or clears bits lo..hi of chunk c, all inside the chunk. */
static void chunk_apply(struct contiv__bitalloc *ba, uint32_t c, uint32_t lo, uint32_t hi, bool set)
{
	uint64_t *chunk = ba->chunks[c];
	int delta = 0;

	for (uint32_t w = lo >> 6; w <= hi >> 6; w++) {
		uint64_t m = word_mask(w == lo >> 6 ? lo & 63 : 0, w == hi >> 6 ? hi & 63 : 63);

		if (set) {
			delta += __builtin_popcountll(m & ~chunk[w]);
			chunk[w] |= m;
		} else {
			delta -= __builtin_popcountll(m & chunk[w]);
			chunk[w] &= ~m;
		}
	}
	if (delta)
		account(ba, c, delta);
}

/* Calls chunk_apply for each chunk that [lo, hi] touches. */
static void range_apply(struct contiv__bitalloc *ba, uint32_t lo, uint32_t hi, bool set)
{
	for (uint32_t c = lo >> CHUNK_SHIFT; c <= hi >> CHUNK_SHIFT; c++) {
		uint32_t base = c << CHUNK_SHIFT;
		uint32_t a = lo > base ? lo - base : 0;
		uint32_t b = hi - base < CHUNK_BITS ? hi - base : CHUNK_BITS - 1;

		if (ba->chunks[c])
			chunk_apply(ba, c, a, b, set);
	}
}

int contiv__bitalloc_set_range(struct contiv__bitalloc *ba, uint32_t lo, uint32_t hi)
{
	assert(lo <= hi && hi < ba->n);
	for (uint32_t c = lo >> CHUNK_SHIFT; c <= hi >> CHUNK_SHIFT; c++) {
		if (ba->chunks[c])
			continue;
		ba->chunks[c] = calloc(CHUNK_WORDS, sizeof(uint64_t));
		if (!ba->chunks[c]) {
			/* Undo: the chunks still empty are the ones just made. */
			for (uint32_t d = lo >> CHUNK_SHIFT; d < c; d++)
				if (ba->used[d] == 0) {
					free(ba->chunks[d]);
					ba->chunks[d] = NULL;
				}
			return -ENOMEM;
		}
	}
	range_apply(ba, lo, hi, true);
	return 0;
}

void contiv__bitalloc_clear_range(struct contiv__bitalloc *ba, uint32_t lo, uint32_t hi)
{
	assert(lo <= hi && hi < ba->n);
	range_apply(ba, lo, hi, false);
}

uint32_t contiv__bitalloc_next_set(const struct contiv__bitalloc *ba, uint32_t from)
{
	uint32_t off = from & (CHUNK_BITS - 1);

	if (from >= ba->n)
		return CONTIV__BITALLOC_NONE;
	for (uint32_t c = from >> CHUNK_SHIFT; c < ba->nchunks; c++, off = 0) {
		uint32_t r;

		if (!ba->chunks[c])
			continue;
		if (ba->used[c] == chunk_cap(ba, c))
			return (c << CHUNK_SHIFT) + off;
		r = chunk_next(ba->chunks[c], off, true);
		if (r != CHUNK_NONE)
			return (c << CHUNK_SHIFT) + r;
	}
	return CONTIV__BITALLOC_NONE;
}

uint32_t contiv__bitalloc_next_clear(const struct contiv__bitalloc *ba, uint32_t from)
{
	uint32_t c = from >> CHUNK_SHIFT, off = from & (CHUNK_BITS - 1);

	if (from >= ba->n)
		return CONTIV__BITALLOC_NONE;
	if (!summary_test(ba, c)) {
		c = summary_next(ba, c + 1);
		off = 0;
	}
	while (c != CONTIV__BITALLOC_NONE) {
		uint32_t r = chunk_next(ba->chunks[c], off, false);

		if (r != CHUNK_NONE) {
			uint32_t i = (c << CHUNK_SHIFT) + r;
			return i < ba->n ? i : CONTIV__BITALLOC_NONE;
		}
		c = summary_next(ba, c + 1);
		off = 0;
	}
	return CONTIV__BITALLOC_NONE;
}

bool contiv__bitalloc_next_run(const struct contiv__bitalloc *ba, bool set, uint32_t from,
			       uint32_t *lo, uint32_t *hi)
{
	uint32_t start, end;

	start = set ? contiv__bitalloc_next_set(ba, from) : contiv__bitalloc_next_clear(ba, from);
	if (start == CONTIV__BITALLOC_NONE)
		return false;
	end = set ? contiv__bitalloc_next_clear(ba, start) : contiv__bitalloc_next_set(ba, start);
	*lo = start;
	*hi = end == CONTIV__BITALLOC_NONE ? ba->n - 1 : end - 1;
	return true;
}
