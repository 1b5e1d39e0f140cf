/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ipam white-box: the sparse two-level bitmap against a plain bool array. */
#include <errno.h>
#include <stdlib.h>

#include "check-ipam.h"
#include "ipam/bitalloc.h"

static uint32_t lcg(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static uint32_t naive_next(const bool *bits, uint32_t n, uint32_t from, bool set)
{
	for (uint32_t i = from; i < n; i++)
		if (bits[i] == set)
			return i;
	return CONTIV__BITALLOC_NONE;
}

static void compare(const struct contiv__bitalloc *ba, const bool *bits, uint32_t n, uint32_t *seed)
{
	uint64_t count = 0;
	uint32_t from = 0, lo, hi;

	for (uint32_t i = 0; i < n; i++) {
		ck_assert_int_eq(contiv__bitalloc_test(ba, i), bits[i]);
		count += bits[i];
	}
	ck_assert_uint_eq(ba->count, count);
	for (int k = 0; k < 20; k++) {
		uint32_t f = lcg(seed) % n;

		ck_assert_uint_eq(contiv__bitalloc_next_set(ba, f), naive_next(bits, n, f, true));
		ck_assert_uint_eq(contiv__bitalloc_next_clear(ba, f), naive_next(bits, n, f, false));
	}
	/* Runs of set bits cover exactly the set bits. */
	count = 0;
	while (contiv__bitalloc_next_run(ba, true, from, &lo, &hi)) {
		ck_assert_uint_le(lo, hi);
		ck_assert(lo == 0 || !bits[lo - 1]);
		ck_assert(hi + 1 == n || !bits[hi + 1]);
		count += hi - lo + 1;
		if (hi + 1 == n)
			break;
		from = hi + 1;
	}
	ck_assert_uint_eq(ba->count, count);
}

START_TEST(bitalloc_random)
{
	static const uint32_t sizes[] = { 1, 63, 64, 4096, 4097, 10000, 70000 };
	uint32_t seed = 42;

	for (size_t s = 0; s < CONTIV_ARRAY_SIZE(sizes); s++) {
		uint32_t n = sizes[s];
		struct contiv__bitalloc ba;
		bool *bits = calloc(n, sizeof(bool));

		ck_assert_ptr_nonnull(bits);
		ck_assert_int_eq(contiv__bitalloc_init(&ba, n), 0);
		ck_assert_uint_eq(contiv__bitalloc_next_clear(&ba, 0), 0);
		ck_assert_uint_eq(contiv__bitalloc_next_set(&ba, 0), CONTIV__BITALLOC_NONE);
		for (int round = 0; round < 300; round++) {
			uint32_t a = lcg(&seed) % n, b = lcg(&seed) % n, op = lcg(&seed) % 6;
			uint32_t lo = a < b ? a : b, hi = a < b ? b : a;

			if (op == 0) {
				ck_assert_int_eq(contiv__bitalloc_set_range(&ba, lo, hi), 0);
				for (uint32_t i = lo; i <= hi; i++)
					bits[i] = true;
			} else if (op == 1) {
				contiv__bitalloc_clear_range(&ba, lo, hi);
				for (uint32_t i = lo; i <= hi; i++)
					bits[i] = false;
			} else if (op < 4) {
				ck_assert_int_eq(contiv__bitalloc_set(&ba, a), 0);
				bits[a] = true;
			} else if (op == 4) {
				contiv__bitalloc_clear(&ba, a);
				bits[a] = false;
			} else {
				uint32_t c = contiv__bitalloc_next_clear(&ba, 0);

				ck_assert_uint_eq(c, naive_next(bits, n, 0, false));
				if (c != CONTIV__BITALLOC_NONE) {
					ck_assert_int_eq(contiv__bitalloc_set(&ba, c), 0);
					bits[c] = true;
				}
			}
			if (round % 25 == 0)
				compare(&ba, bits, n, &seed);
		}
		compare(&ba, bits, n, &seed);
		/* Fill all, then the lowest clear is none. */
		ck_assert_int_eq(contiv__bitalloc_set_range(&ba, 0, n - 1), 0);
		ck_assert_uint_eq(ba.count, n);
		ck_assert_uint_eq(contiv__bitalloc_next_clear(&ba, 0), CONTIV__BITALLOC_NONE);
		contiv__bitalloc_clear_range(&ba, 0, n - 1);
		ck_assert_uint_eq(ba.count, 0);
		contiv__bitalloc_fini(&ba);
		free(bits);
	}
}
END_TEST

START_TEST(bitalloc_sparse)
{
	struct contiv__bitalloc ba;
	uint32_t lo, hi;

	ck_assert_int_eq(contiv__bitalloc_init(&ba, 0), -EINVAL);
	ck_assert_int_eq(contiv__bitalloc_init(&ba, CONTIV__BITALLOC_MAX + 1), -EINVAL);
	ck_assert_int_eq(contiv__bitalloc_init(&ba, CONTIV__BITALLOC_MAX), 0);
	ck_assert_uint_eq(ba.nchunks, 4096);
	/* Untouched: no chunk exists; one clear run. */
	for (uint32_t c = 0; c < ba.nchunks; c++)
		ck_assert_ptr_null(ba.chunks[c]);
	ck_assert(contiv__bitalloc_next_run(&ba, false, 0, &lo, &hi));
	ck_assert_uint_eq(lo, 0);
	ck_assert_uint_eq(hi, CONTIV__BITALLOC_MAX - 1);
	ck_assert(!contiv__bitalloc_next_run(&ba, true, 0, &lo, &hi));

	/* One bit makes one chunk, clearing it frees the chunk again. */
	ck_assert_int_eq(contiv__bitalloc_set(&ba, 5000000), 0);
	ck_assert_ptr_nonnull(ba.chunks[5000000 / 4096]);
	ck_assert_uint_eq(contiv__bitalloc_next_set(&ba, 0), 5000000);
	contiv__bitalloc_clear(&ba, 5000000);
	ck_assert_ptr_null(ba.chunks[5000000 / 4096]);

	/* Full chunks are skipped by the summary. */
	ck_assert_int_eq(contiv__bitalloc_set_range(&ba, 0, 8 * 4096 - 1), 0);
	ck_assert_uint_eq(contiv__bitalloc_next_clear(&ba, 0), 8 * 4096);
	ck_assert_uint_eq(contiv__bitalloc_next_set(&ba, 100), 100);
	ck_assert(contiv__bitalloc_next_run(&ba, true, 0, &lo, &hi));
	ck_assert_uint_eq(hi, 8 * 4096 - 1);
	contiv__bitalloc_fini(&ba);
}
END_TEST

TCase *make_ipam_bitalloc_tcase(void)
{
	TCase *tc = tcase_create("bitalloc");

	tcase_add_test(tc, bitalloc_random);
	tcase_add_test(tc, bitalloc_sparse);
	tcase_set_timeout(tc, 60);
	return tc;
}
