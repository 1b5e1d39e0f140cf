/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A sparse two-level bitmap over the index space [0, n), n <= 2^24: the
 * allocator behind address pools and id pools.
 *
 * Level two is chunks of 4096 bits, allocated on first use and freed when
 * they become empty; a NULL chunk is all clear. Level one is a summary with
 * one bit per chunk that is set while the chunk has a clear bit, at most 64
 * words. The lowest clear bit is found by scanning the summary and then the
 * 64 words of one chunk; set, clear and test touch O(1) words. Run iteration
 * skips empty chunks (NULL) and full chunks (used == capacity) whole.
 */
#ifndef CONTIV_IPAM_BITALLOC_H
#define CONTIV_IPAM_BITALLOC_H

#include <stdbool.h>
#include <stdint.h>

#define CONTIV__BITALLOC_MAX (UINT32_C(1) << 24)
#define CONTIV__BITALLOC_NONE UINT32_MAX

struct contiv__bitalloc {
	uint32_t n;		/* size of the index space */
	uint32_t nchunks;	/* ceil(n / 4096) */
	uint64_t **chunks;	/* nchunks pointers; NULL = all clear */
	uint16_t *used;		/* set bits per chunk */
	uint64_t *nonfull;	/* summary: bit c set while chunk c has a clear bit */
	uint64_t count;		/* set bits in all */
};

/* 0, -EINVAL if n is 0 or above 2^24, -ENOMEM. */
int contiv__bitalloc_init(struct contiv__bitalloc *ba, uint32_t n);
void contiv__bitalloc_fini(struct contiv__bitalloc *ba);

bool contiv__bitalloc_test(const struct contiv__bitalloc *ba, uint32_t i);
/* Sets bit i (< n); 0 or -ENOMEM. Setting a set bit is a no-op. */
int contiv__bitalloc_set(struct contiv__bitalloc *ba, uint32_t i);
/* Clears bit i (< n). Clearing a clear bit is a no-op. */
void contiv__bitalloc_clear(struct contiv__bitalloc *ba, uint32_t i);

/* Sets [lo, hi] (hi < n); 0 or -ENOMEM, in which case nothing changed. */
int contiv__bitalloc_set_range(struct contiv__bitalloc *ba, uint32_t lo, uint32_t hi);
void contiv__bitalloc_clear_range(struct contiv__bitalloc *ba, uint32_t lo, uint32_t hi);

/* The first set / clear index >= from, or CONTIV__BITALLOC_NONE. */
uint32_t contiv__bitalloc_next_set(const struct contiv__bitalloc *ba, uint32_t from);
uint32_t contiv__bitalloc_next_clear(const struct contiv__bitalloc *ba, uint32_t from);

/*
 * The next run of bits equal to set at or after from: true and [*lo, *hi],
 * or false when there is none.
 */
bool contiv__bitalloc_next_run(const struct contiv__bitalloc *ba, bool set, uint32_t from,
			       uint32_t *lo, uint32_t *hi);

#endif
