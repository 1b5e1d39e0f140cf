/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ipam: id pools (VLANs, VXLANs) and MAC addresses. */
#include <errno.h>
#include <stdlib.h>

#include "check-ipam.h"

static struct contiv_idpool *idpool(struct contiv_ctx *ctx, const char *range)
{
	struct contiv_idpool *pool = NULL;

	ck_assert_int_eq(contiv_idpool_new(ctx, range, &pool), 0);
	ck_assert_ptr_nonnull(pool);
	return pool;
}

static void id_allocated_eq(const struct contiv_idpool *pool, const char *expected)
{
	char *text = NULL;

	ck_assert_int_eq(contiv_idpool_get_allocated(pool, &text), 0);
	ck_assert_str_eq(text, expected);
	contiv_free(text);
}

START_TEST(idpool_vlan)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_idpool *pool = idpool(ctx, "1-4094");
	uint32_t id = 0;

	for (uint32_t want = 1; want <= 4094; want++) {
		ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), 0);
		ck_assert_uint_eq(id, want);
	}
	id = 77;
	ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), -CONTIV_ERR_EXHAUSTED);
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "idpool 1-4094: no free id");
	ck_assert_uint_eq(id, 77);
	ck_assert_uint_eq(contiv_idpool_count_allocated(pool), 4094);
	id_allocated_eq(pool, "1-4094");

	ck_assert_int_eq(contiv_idpool_release(pool, 7), 0);
	ck_assert_int_eq(contiv_idpool_release(pool, 7), -ENOENT);
	ck_assert_int_eq(contiv_idpool_release(pool, 4095), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_idpool_is_allocated(pool, 7), 0);
	ck_assert_int_eq(contiv_idpool_is_allocated(pool, 8), 1);
	ck_assert_int_eq(contiv_idpool_is_allocated(pool, 0), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), 0);
	ck_assert_uint_eq(id, 7);
	ck_assert_int_eq(contiv_idpool_release(pool, 100), 0);
	ck_assert_int_eq(contiv_idpool_alloc(pool, 99, &id), -EEXIST);
	ck_assert_ctx_error(ctx, "id 99: already allocated");
	ck_assert_int_eq(contiv_idpool_alloc(pool, 4095, &id), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_ctx_error(ctx, "id 4095: outside the range");
	ck_assert_int_eq(contiv_idpool_alloc(pool, 100, &id), 0);
	ck_assert_uint_eq(id, 100);

	contiv_idpool_free(pool);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(idpool_set_range)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_idpool *pool = idpool(ctx, "1-4094");
	uint32_t id;

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), 0);
	ck_assert_int_eq(contiv_idpool_alloc(pool, 200, &id), 0);
	id_allocated_eq(pool, "1-3, 200");

	/* Shrinking below an id in use is refused and changes nothing. */
	ck_assert_int_eq(contiv_idpool_set_range(pool, "1-100"), -EBUSY);
	ck_assert_ctx_error(ctx, "id 200 is allocated");
	ck_assert_int_eq(contiv_idpool_set_range(pool, "2-4094"), -EBUSY);
	ck_assert_ctx_error(ctx, "id 1 is allocated");
	ck_assert_int_eq(contiv_idpool_set_range(pool, "300-400"), -EBUSY);
	ck_assert_int_eq(contiv_idpool_set_range(pool, "1-x"), -EINVAL);
	id_allocated_eq(pool, "1-3, 200");
	ck_assert_int_eq(contiv_idpool_alloc(pool, 4094, &id), 0);
	ck_assert_int_eq(contiv_idpool_release(pool, 4094), 0);

	/* Growing keeps the allocations. */
	ck_assert_int_eq(contiv_idpool_set_range(pool, "1-8000"), 0);
	ck_assert_uint_eq(contiv_idpool_count_allocated(pool), 4);
	id_allocated_eq(pool, "1-3, 200");
	ck_assert_int_eq(contiv_idpool_alloc(pool, 8000, &id), 0);
	ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), 0);
	ck_assert_uint_eq(id, 4);
	/* Down to 0: id 0 only as the lowest free. */
	ck_assert_int_eq(contiv_idpool_set_range(pool, "0-8000"), 0);
	ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), 0);
	ck_assert_uint_eq(id, 0);
	id_allocated_eq(pool, "0-4, 200, 8000");
	/* Shrink that keeps every id. */
	ck_assert_int_eq(contiv_idpool_set_range(pool, "0-8000"), 0);
	ck_assert_int_eq(contiv_idpool_release(pool, 8000), 0);
	ck_assert_int_eq(contiv_idpool_set_range(pool, "0-200"), 0);
	id_allocated_eq(pool, "0-4, 200");
	ck_assert_int_eq(contiv_idpool_alloc(pool, 201, &id), -CONTIV_ERR_NOT_IN_POOL);

	contiv_idpool_free(pool);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(idpool_vxlan_and_ranges)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_idpool *vx = idpool(ctx, "1-10000");
	struct contiv_idpool *all = idpool(ctx, "0-16777215");
	struct contiv_idpool *one = idpool(ctx, "5-5");
	struct contiv_idpool *bad = NULL;
	uint32_t id;

	ck_assert_int_eq(contiv_idpool_alloc(vx, 0, &id), 0);
	ck_assert_uint_eq(id, 1);
	ck_assert_int_eq(contiv_idpool_alloc(vx, 10000, &id), 0);
	ck_assert_int_eq(contiv_idpool_alloc(vx, 5000, &id), 0);
	ck_assert_int_eq(contiv_idpool_alloc(vx, 0, &id), 0);
	ck_assert_uint_eq(id, 2);
	id_allocated_eq(vx, "1-2, 5000, 10000");

	ck_assert_int_eq(contiv_idpool_alloc(all, 16777215, &id), 0);
	ck_assert_int_eq(contiv_idpool_alloc(all, 0, &id), 0);
	ck_assert_uint_eq(id, 0);
	id_allocated_eq(all, "0, 16777215");

	ck_assert_int_eq(contiv_idpool_alloc(one, 0, &id), 0);
	ck_assert_uint_eq(id, 5);
	ck_assert_int_eq(contiv_idpool_alloc(one, 0, &id), -CONTIV_ERR_EXHAUSTED);

	ck_assert_int_eq(contiv_idpool_new(ctx, "0-16777216", &bad), -EINVAL);
	ck_assert_ctx_error(ctx, "id range \"0-16777216\"");
	ck_assert_int_eq(contiv_idpool_new(ctx, "10-1", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "1-", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "-5", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "+1-5", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, " 1-5", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "1-5 ", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "1--5", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "5", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "", &bad), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "99999999999999999999-1", &bad), -EINVAL);
	ck_assert_ptr_null(bad);

	contiv_idpool_free(vx);
	contiv_idpool_free(all);
	contiv_idpool_free(one);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(mac_from_ipv4)
{
	char buf[18] = "untouched";

	ck_assert_int_eq(contiv_ipam_mac_from_ipv4("10.1.2.3", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "02:02:0a:01:02:03");
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4("255.255.0.254", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "02:02:ff:ff:00:fe");
	strcpy(buf, "untouched");
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4("10.1.2.3", buf, 17), -ERANGE);
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4("10.1.2", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4("2001:db8::1", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4(NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4("10.1.2.3", NULL, 18), -EINVAL);
	ck_assert_str_eq(buf, "untouched");
}
END_TEST

TCase *make_ipam_idpool_tcase(void)
{
	TCase *tc = tcase_create("idpool");

	tcase_add_test(tc, idpool_vlan);
	tcase_add_test(tc, idpool_set_range);
	tcase_add_test(tc, idpool_vxlan_and_ranges);
	tcase_add_test(tc, mac_from_ipv4);
	tcase_set_timeout(tc, 60);
	return tc;
}
