/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ipam: JSON round trips and hostile JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "check-ipam.h"

static char *pool_json(const struct contiv_ipam_pool *pool)
{
	char *json = NULL;

	ck_assert_int_eq(contiv_ipam_pool_to_json(pool, &json), 0);
	ck_assert_ptr_nonnull(json);
	return json;
}

/* from_json(to_json(pool)) has the same JSON, counts and range strings. */
static struct contiv_ipam_pool *round_trip(struct contiv_ctx *ctx, const struct contiv_ipam_pool *pool)
{
	struct contiv_ipam_pool *copy = NULL;
	char *json = pool_json(pool), *again, *a = NULL, *b = NULL;
	int r = contiv_ipam_pool_from_json(ctx, json, &copy);

	ck_assert_msg(r == 0, "%s: %d %s", json, r, contiv_ctx_get_error(ctx));
	again = pool_json(copy);
	ck_assert_str_eq(again, json);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(copy), contiv_ipam_pool_count_allocated(pool));
	ck_assert_uint_eq(contiv_ipam_pool_count_available(copy), contiv_ipam_pool_count_available(pool));
	ck_assert_int_eq(contiv_ipam_pool_get_family(copy), contiv_ipam_pool_get_family(pool));
	ck_assert_int_eq(contiv_ipam_pool_get_prefix_len(copy), contiv_ipam_pool_get_prefix_len(pool));
	ck_assert_int_eq(contiv_ipam_pool_get_available(pool, &a), 0);
	ck_assert_int_eq(contiv_ipam_pool_get_available(copy, &b), 0);
	ck_assert_str_eq(a, b);
	contiv_free(a);
	contiv_free(b);
	contiv_free(json);
	contiv_free(again);
	return copy;
}

START_TEST(json_pool_round_trip)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *net = ipam_pool(ctx, "10.1.1.0/24", "10.1.1.254");
	struct contiv_ipam_pool *epg = NULL, *epg2 = NULL, *copy, *child_copy;
	char *json;

	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.10-10.1.1.20", &epg), 0);
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.5", &epg2), 0);
	ipam_alloc_eq(net, NULL, "10.1.1.1");
	ipam_alloc_eq(net, NULL, "10.1.1.2");
	ipam_alloc_eq(net, "10.1.1.21", "10.1.1.21");
	ipam_alloc_eq(net, "10.1.1.253", "10.1.1.253");
	ipam_alloc_eq(epg, NULL, "10.1.1.10");

	json = pool_json(net);
	ck_assert_str_eq(json, "{\"subnet\":\"10.1.1.0/24\",\"gateway\":\"10.1.1.254\","
			       "\"carved\":[\"10.1.1.10-10.1.1.20\",\"10.1.1.5\"],"
			       "\"allocated\":\"10.1.1.1-10.1.1.2, 10.1.1.21, 10.1.1.253\"}");
	contiv_free(json);

	copy = round_trip(ctx, net);
	ck_assert_int_eq(contiv_ipam_pool_release(copy, "10.1.1.15"), -EPERM);
	ck_assert_int_eq(contiv_ipam_pool_release(copy, "10.1.1.254"), -EPERM);
	ck_assert_int_eq(contiv_ipam_pool_release(copy, "10.1.1.21"), 0);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(copy, "10.1.1.5"), 0);
	ipam_alloc_eq(copy, NULL, "10.1.1.3");
	contiv_ipam_pool_free(copy);

	/* A child pool is a range subnet. */
	json = pool_json(epg);
	ck_assert_str_eq(json, "{\"subnet\":\"10.1.1.10-10.1.1.20/24\",\"gateway\":\"\","
			       "\"carved\":[],\"allocated\":\"10.1.1.10\"}");
	contiv_free(json);
	child_copy = round_trip(ctx, epg);
	ipam_alloc_eq(child_copy, NULL, "10.1.1.11");
	contiv_ipam_pool_free(child_copy);

	contiv_ipam_pool_free(epg);
	contiv_ipam_pool_free(epg2);
	contiv_ipam_pool_free(net);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(json_pool_round_trip_kinds)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *v6 = ipam_pool(ctx, "2001:db8::/64", "2001:db8::1");
	struct contiv_ipam_pool *range = ipam_pool(ctx, "20.1.1.10-20.1.1.45/24", NULL);
	struct contiv_ipam_pool *big = ipam_pool(ctx, "10.0.0.0/8", "10.255.255.254");
	struct contiv_ipam_pool *empty = ipam_pool(ctx, "10.2.0.0/16", NULL);
	struct contiv_ipam_pool *child = NULL;
	struct contiv_ipam_pool *pools[] = { v6, range, big, empty };

	ipam_alloc_eq(v6, NULL, "2001:db8::2");
	ipam_alloc_eq(v6, "2001:db8::ff", "2001:db8::ff");
	ipam_alloc_eq(range, NULL, "20.1.1.10");
	ipam_alloc_eq(range, "20.1.1.45", "20.1.1.45");
	ck_assert_int_eq(contiv_ipam_pool_carve(big, "10.128.0.0-10.191.255.255", &child), 0);
	ipam_alloc_eq(big, "10.200.0.1", "10.200.0.1");
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(pools); i++) {
		struct contiv_ipam_pool *copy = round_trip(ctx, pools[i]);

		contiv_ipam_pool_free(copy);
		contiv_ipam_pool_free(pools[i]);
	}
	contiv_ipam_pool_free(child);
	contiv_ctx_unref(ctx);
}
END_TEST

/* from_json must fail with err and leave *ret alone. */
static void pool_bad(struct contiv_ctx *ctx, const char *json, int err)
{
	struct contiv_ipam_pool *pool = NULL;
	int r = contiv_ipam_pool_from_json(ctx, json, &pool);

	ck_assert_msg(r == err, "%s: %d (%s), expected %d", json, r, contiv_ctx_get_error(ctx), err);
	ck_assert_ptr_null(pool);
	ck_assert_int_eq(contiv_ctx_get_errno(ctx), err);
	ck_assert_str_ne(contiv_ctx_get_error(ctx), "");
}

START_TEST(json_pool_hostile)
{
	struct contiv_ctx *ctx = ipam_ctx();
	const int J = -CONTIV_ERR_JSON;
	char *deep = calloc(1, 20002);

	ck_assert_ptr_nonnull(deep);
	/* Shape */
	pool_bad(ctx, "", J);
	pool_bad(ctx, "{", J);
	pool_bad(ctx, "not json", J);
	pool_bad(ctx, "null", J);
	pool_bad(ctx, "[]", J);
	pool_bad(ctx, "\"10.1.1.0/24\"", J);
	pool_bad(ctx, "{}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\"} {}", J);
	pool_bad(ctx, "{\"subnet\":24}", J);
	pool_bad(ctx, "{\"subnet\":null}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"gateway\":1}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":\"10.1.1.5\"}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":[5]}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":[[\"10.1.1.5\"]]}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":[\"10.1.1.5\"]}", J);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"extra\":1}", J);
	ck_assert_ctx_error(ctx, "unknown key \"extra\"");
	for (int i = 0; i < 10000; i++) {
		deep[i] = '[';
		deep[10000 + i] = ']';
	}
	pool_bad(ctx, deep, J);

	/* Values */
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/33\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\\u0000junk\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"gateway\":\"10.1.2.1\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.2.1\"}", -EINVAL);
	ck_assert_ctx_error(ctx, "allocated \"10.1.2.1\": outside the pool");
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.1.0\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.1.1-\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.1.5-10.1.1.3\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.1.1, \"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.1.1,10.1.1.2\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"2001:db8::1\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"allocated\":\"10.1.1.1-10.1.1.5, 10.1.1.3\"}",
		 -EINVAL);
	ck_assert_ctx_error(ctx, "allocated \"10.1.1.3\": allocated twice");
	/* The gateway allocated twice. */
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"gateway\":\"10.1.1.1\",\"allocated\":\"10.1.1.1\"}",
		 -EINVAL);
	/* Overlapping carved ranges, carved over the gateway or over allocations. */
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":[\"10.1.1.10-10.1.1.20\","
		      "\"10.1.1.20-10.1.1.30\"]}", -EINVAL);
	ck_assert_ctx_error(ctx, "address 10.1.1.20 is in carved range 10.1.1.10-10.1.1.20");
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"gateway\":\"10.1.1.15\","
		      "\"carved\":[\"10.1.1.10-10.1.1.20\"]}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":[\"10.1.1.10-10.1.1.20\"],"
		      "\"allocated\":\"10.1.1.12\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":[\"10.1.2.10-10.1.2.20\"]}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"10.1.1.0/24\",\"carved\":[\"x\"]}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"2001:db8::/64\",\"carved\":[\"10.1.1.1\"]}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"2001:db8::/64\",\"allocated\":\"2001:db8::\"}", -EINVAL);
	pool_bad(ctx, "{\"subnet\":\"2001:db8::/64\",\"allocated\":\"2001:db8::1:0:0:0\"}", -EINVAL);

	/* Accepted: optional fields absent, whitespace around. */
	{
		struct contiv_ipam_pool *pool = NULL;

		ck_assert_int_eq(contiv_ipam_pool_from_json(ctx, " {\"subnet\":\"10.1.1.0/24\"}\n",
							    &pool), 0);
		ipam_alloc_eq(pool, NULL, "10.1.1.1");
		contiv_ipam_pool_free(pool);
	}
	free(deep);
	contiv_ctx_unref(ctx);
}
END_TEST

static void idpool_bad(struct contiv_ctx *ctx, const char *json, int err)
{
	struct contiv_idpool *pool = NULL;
	int r = contiv_idpool_from_json(ctx, json, &pool);

	ck_assert_msg(r == err, "%s: %d (%s), expected %d", json, r, contiv_ctx_get_error(ctx), err);
	ck_assert_ptr_null(pool);
	ck_assert_int_eq(contiv_ctx_get_errno(ctx), err);
}

START_TEST(json_idpool)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_idpool *pool = NULL, *copy = NULL;
	char *json = NULL, *again = NULL;
	uint32_t id;

	ck_assert_int_eq(contiv_idpool_new(ctx, "1-4094", &pool), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(contiv_idpool_alloc(pool, 0, &id), 0);
	ck_assert_int_eq(contiv_idpool_alloc(pool, 7, &id), 0);
	ck_assert_int_eq(contiv_idpool_to_json(pool, &json), 0);
	ck_assert_str_eq(json, "{\"range\":\"1-4094\",\"allocated\":\"1-3, 7\"}");
	ck_assert_int_eq(contiv_idpool_from_json(ctx, json, &copy), 0);
	ck_assert_int_eq(contiv_idpool_to_json(copy, &again), 0);
	ck_assert_str_eq(again, json);
	ck_assert_uint_eq(contiv_idpool_count_allocated(copy), 4);
	ck_assert_int_eq(contiv_idpool_alloc(copy, 0, &id), 0);
	ck_assert_uint_eq(id, 4);
	contiv_free(json);
	contiv_free(again);
	contiv_idpool_free(copy);
	contiv_idpool_free(pool);

	const int J = -CONTIV_ERR_JSON;
	idpool_bad(ctx, "", J);
	idpool_bad(ctx, "[", J);
	idpool_bad(ctx, "{}", J);
	idpool_bad(ctx, "{\"range\":4094}", J);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":3}", J);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"vlans\":\"3\"}", J);
	idpool_bad(ctx, "{\"range\":\"4094-1\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"0\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"4095\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"1-3, 2\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"abc\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"-3\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"3-1\"}", -EINVAL);
	idpool_bad(ctx, "{\"range\":\"1-4094\",\"allocated\":\"1-2-3\"}", -EINVAL);
	contiv_ctx_unref(ctx);
}
END_TEST

TCase *make_ipam_json_tcase(void)
{
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, json_pool_round_trip);
	tcase_add_test(tc, json_pool_round_trip_kinds);
	tcase_add_test(tc, json_pool_hostile);
	tcase_add_test(tc, json_idpool);
	tcase_set_timeout(tc, 60);
	return tc;
}
