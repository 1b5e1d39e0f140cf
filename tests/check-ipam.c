/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ipam: address pools (IPv4, range subnets, carving, IPv6, /8 scale). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-ipam.h"
#include "check-suites.h"

struct contiv_ctx *ipam_ctx(void)
{
	struct contiv_ctx *ctx = NULL;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	return ctx;
}

struct contiv_ipam_pool *ipam_pool(struct contiv_ctx *ctx, const char *subnet, const char *gateway)
{
	struct contiv_ipam_pool *pool = NULL;
	int r = contiv_ipam_pool_new(ctx, subnet, gateway, &pool);

	ck_assert_msg(r == 0, "pool %s: %d %s", subnet, r, contiv_ctx_get_error(ctx));
	ck_assert_ptr_nonnull(pool);
	return pool;
}

void ipam_alloc_eq(struct contiv_ipam_pool *pool, const char *want, const char *expected)
{
	char buf[CONTIV_IPAM_ADDR_MAX] = "";

	ck_assert_int_eq(contiv_ipam_pool_alloc(pool, want, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, expected);
}

void ipam_allocated_eq(const struct contiv_ipam_pool *pool, const char *expected)
{
	char *text = NULL;

	ck_assert_int_eq(contiv_ipam_pool_get_allocated(pool, &text), 0);
	ck_assert_str_eq(text, expected);
	contiv_free(text);
}

void ipam_available_eq(const struct contiv_ipam_pool *pool, const char *expected)
{
	char *text = NULL;

	ck_assert_int_eq(contiv_ipam_pool_get_available(pool, &text), 0);
	ck_assert_str_eq(text, expected);
	contiv_free(text);
}

static int alloc_err(struct contiv_ipam_pool *pool, const char *want)
{
	char buf[CONTIV_IPAM_ADDR_MAX] = "untouched";
	int r = contiv_ipam_pool_alloc(pool, want, buf, sizeof(buf));

	if (r < 0)
		ck_assert_str_eq(buf, "untouched");	/* out-params only on success */
	return r;
}

START_TEST(pool_lowest_free_24)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.1.0/24", NULL);
	struct contiv_ipam_pool *gw = ipam_pool(ctx, "10.1.2.0/24", "10.1.2.2");

	ck_assert_int_eq(contiv_ipam_pool_get_family(pool), 4);
	ck_assert_int_eq(contiv_ipam_pool_get_prefix_len(pool), 24);
	ck_assert_uint_eq(contiv_ipam_pool_count_available(pool), 254);
	ipam_alloc_eq(pool, NULL, "10.1.1.1");
	ipam_alloc_eq(pool, "", "10.1.1.2");
	ipam_alloc_eq(pool, NULL, "10.1.1.3");

	/* The gateway is skipped: .1, .3, .4 */
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(gw), 1);
	ck_assert_uint_eq(contiv_ipam_pool_count_available(gw), 253);
	ipam_alloc_eq(gw, NULL, "10.1.2.1");
	ipam_alloc_eq(gw, NULL, "10.1.2.3");
	ipam_alloc_eq(gw, NULL, "10.1.2.4");
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(gw, "10.1.2.2"), 1);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(gw, "10.1.2.5"), 0);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(gw), 4);

	contiv_ipam_pool_free(pool);
	contiv_ipam_pool_free(gw);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_requested_and_duplicates)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.2.0/24", "10.1.2.254");

	/* TestEndpointCreateDelete: first .1, preferred .5 */
	ipam_alloc_eq(pool, NULL, "10.1.2.1");
	ipam_alloc_eq(pool, "10.1.2.5", "10.1.2.5");
	ipam_alloc_eq(pool, NULL, "10.1.2.2");

	ck_assert_int_eq(alloc_err(pool, "10.1.2.5"), -EEXIST);
	ck_assert_ctx_error(ctx, "ipam 10.1.2.0/24: address \"10.1.2.5\": is already allocated");
	ck_assert_int_eq(alloc_err(pool, "10.1.2.254"), -EEXIST);
	ck_assert_ctx_error(ctx, "is the gateway");
	ck_assert_int_eq(alloc_err(pool, "10.1.3.7"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_str_eq(contiv_ctx_get_error(ctx),
			 "ipam 10.1.2.0/24: address \"10.1.3.7\": outside the pool");
	ck_assert_int_eq(alloc_err(pool, "10.1.2.0"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(alloc_err(pool, "10.1.2.255"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(alloc_err(pool, "10.1.2"), -EINVAL);
	ck_assert_ctx_error(ctx, "address \"10.1.2\": not an IPv4 address");
	ck_assert_int_eq(alloc_err(pool, "2001:db8::1"), -EINVAL);
	ck_assert_int_eq(alloc_err(pool, "10.1.2.7 "), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(pool, "10.1.9.9"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(pool, "bogus"), -EINVAL);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 4);

	contiv_ipam_pool_free(pool);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_exhaust_30)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "192.168.0.4/30", NULL);
	struct contiv_ipam_pool *gw = ipam_pool(ctx, "192.168.0.8/30", "192.168.0.9");

	ipam_alloc_eq(pool, NULL, "192.168.0.5");
	ipam_alloc_eq(pool, NULL, "192.168.0.6");
	ck_assert_int_eq(alloc_err(pool, NULL), -CONTIV_ERR_EXHAUSTED);
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "ipam 192.168.0.4/30: no free address");
	ck_assert_uint_eq(contiv_ipam_pool_count_available(pool), 0);
	ipam_available_eq(pool, "");
	ipam_allocated_eq(pool, "192.168.0.5-192.168.0.6");

	ipam_alloc_eq(gw, NULL, "192.168.0.10");
	ck_assert_int_eq(alloc_err(gw, NULL), -CONTIV_ERR_EXHAUSTED);

	contiv_ipam_pool_free(pool);
	contiv_ipam_pool_free(gw);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_release_and_reuse)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.1.0/24", "10.1.1.254");

	for (int i = 1; i <= 5; i++) {
		char want[16];

		snprintf(want, sizeof(want), "10.1.1.%d", i);
		ipam_alloc_eq(pool, NULL, want);
	}
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.4"), 0);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.2"), 0);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(pool, "10.1.1.2"), 0);
	ipam_alloc_eq(pool, NULL, "10.1.1.2");
	ipam_alloc_eq(pool, NULL, "10.1.1.4");
	ipam_alloc_eq(pool, NULL, "10.1.1.6");

	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.7"), -ENOENT);
	ck_assert_ctx_error(ctx, "address \"10.1.1.7\": not allocated");
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.254"), -EPERM);
	ck_assert_ctx_error(ctx, "is the gateway");
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.2.1"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.x"), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.3"), 0);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.3"), -ENOENT);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 6);

	contiv_ipam_pool_free(pool);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_range_subnet)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "20.1.1.10-20.1.1.45/24", NULL);
	struct contiv_ipam_pool *low = ipam_pool(ctx, "10.1.1.0-10.1.1.3/24", NULL);
	struct contiv_ipam_pool *high = ipam_pool(ctx, "10.1.1.250-10.1.1.255/24", "10.1.1.254");
	struct contiv_ipam_pool *bad = NULL;
	char want[16];

	ck_assert_uint_eq(contiv_ipam_pool_count_available(pool), 36);
	ipam_available_eq(pool, "20.1.1.10-20.1.1.45");
	ipam_alloc_eq(pool, NULL, "20.1.1.10");
	for (int i = 11; i <= 45; i++) {
		snprintf(want, sizeof(want), "20.1.1.%d", i);
		ipam_alloc_eq(pool, NULL, want);
	}
	ck_assert_int_eq(alloc_err(pool, NULL), -CONTIV_ERR_EXHAUSTED);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 36);
	ck_assert_int_eq(alloc_err(pool, "20.1.1.9"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(alloc_err(pool, "20.1.1.46"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "20.1.1.30"), 0);
	ipam_alloc_eq(pool, NULL, "20.1.1.30");

	/* Never the network or the broadcast address, even inside the range. */
	ck_assert_uint_eq(contiv_ipam_pool_count_available(low), 3);
	ipam_alloc_eq(low, NULL, "10.1.1.1");
	ck_assert_int_eq(alloc_err(low, "10.1.1.0"), -CONTIV_ERR_NOT_IN_POOL);
	ipam_available_eq(high, "10.1.1.250-10.1.1.253");
	ipam_allocated_eq(high, "10.1.1.254");
	ck_assert_int_eq(alloc_err(high, "10.1.1.255"), -CONTIV_ERR_NOT_IN_POOL);

	/* The gateway must lie inside the range. */
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "20.1.1.10-20.1.1.45/24", "20.1.1.1", &bad),
			 -EINVAL);
	ck_assert_ctx_error(ctx, "gateway \"20.1.1.1\"");
	ck_assert_ptr_null(bad);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "20.1.1.255-20.1.1.255/24", NULL, &bad), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "20.1.1.10-20.1.2.45/24", NULL, &bad), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "20.1.1.45-20.1.1.10/24", NULL, &bad), -EINVAL);

	contiv_ipam_pool_free(pool);
	contiv_ipam_pool_free(low);
	contiv_ipam_pool_free(high);
	contiv_ctx_unref(ctx);
}
END_TEST

/* Allocates n lowest-free addresses, checking nothing but success. */
static void fill(struct contiv_ipam_pool *pool, unsigned n)
{
	char buf[CONTIV_IPAM_ADDR_MAX];

	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(contiv_ipam_pool_alloc(pool, NULL, buf, sizeof(buf)), 0);
}

START_TEST(pool_render)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.1.0/24", NULL);
	struct contiv_ipam_pool *ep = ipam_pool(ctx, "60.1.1.0/24", "60.1.1.254");

	ipam_allocated_eq(pool, "");
	ipam_available_eq(pool, "10.1.1.1-10.1.1.254");
	fill(pool, 254);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.1"), 0);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.5"), 0);
	ipam_allocated_eq(pool, "10.1.1.2-10.1.1.4, 10.1.1.6-10.1.1.254");
	ipam_available_eq(pool, "10.1.1.1, 10.1.1.5");
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.254"), 0);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "10.1.1.3"), 0);
	ipam_allocated_eq(pool, "10.1.1.2, 10.1.1.4, 10.1.1.6-10.1.1.253");
	ipam_available_eq(pool, "10.1.1.1, 10.1.1.3, 10.1.1.5, 10.1.1.254");

	/* Contiv TestEPCreate */
	ipam_allocated_eq(ep, "60.1.1.254");
	ipam_alloc_eq(ep, NULL, "60.1.1.1");
	ipam_allocated_eq(ep, "60.1.1.1, 60.1.1.254");
	ipam_available_eq(ep, "60.1.1.2-60.1.1.253");

	contiv_ipam_pool_free(pool);
	contiv_ipam_pool_free(ep);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_new_invalid)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = NULL;

	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.0.0.0/4", NULL, &pool), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "subnet \"10.0.0.0/4\": prefix length must be 8..30");
	ck_assert_int_eq(contiv_ctx_get_errno(ctx), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.0.0.0/31", NULL, &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.0.0.0/33", NULL, &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.0.0.0", NULL, &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "", NULL, &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.0.0.0/24x", NULL, &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "ten/24", NULL, &pool), -EINVAL);
	ck_assert_ctx_error(ctx, "subnet \"ten/24\"");
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.1.1.0/24", "10.1.2.1", &pool), -EINVAL);
	ck_assert_ctx_error(ctx, "gateway \"10.1.2.1\"");
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.1.1.0/24", "10.1.1.0", &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.1.1.0/24", "10.1.1.255", &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.1.1.0/24", "2001:db8::1", &pool), -EINVAL);
	ck_assert_ctx_error(ctx, "not an IPv4 address");
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.1.1.0/24", "gw", &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "2001:db8::/127", NULL, &pool), -EINVAL);
	ck_assert_ctx_error(ctx, "prefix length must be 1..126");
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "2001:db8::/64", "10.1.1.1", &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "2001:db8::/64", "2001:db9::1", &pool), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "2001:db8::/64", "2001:db8::", &pool), -EINVAL);
	ck_assert_ptr_null(pool);

	/* Host bits are allowed, as in Contiv; the pool names the network. */
	pool = ipam_pool(ctx, "10.1.1.77/24", "");
	ipam_alloc_eq(pool, NULL, "10.1.1.1");
	ck_assert_int_eq(alloc_err(pool, "10.1.7.1"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_ctx_error(ctx, "ipam 10.1.1.0/24: ");
	contiv_ipam_pool_free(pool);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_carve)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *net = ipam_pool(ctx, "10.1.1.0/24", "10.1.1.254");
	struct contiv_ipam_pool *epg = NULL, *single = NULL, *bad = NULL;
	char want[16];

	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.10-10.1.1.20", &epg), 0);
	ck_assert_int_eq(contiv_ipam_pool_get_family(epg), 4);
	ck_assert_int_eq(contiv_ipam_pool_get_prefix_len(epg), 24);
	ck_assert_uint_eq(contiv_ipam_pool_count_available(epg), 11);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(epg), 0);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(net), 12);
	ipam_allocated_eq(net, "10.1.1.10-10.1.1.20, 10.1.1.254");

	/* Pool allocations start at the pool start; exhaustion inside the pool. */
	for (int i = 10; i <= 20; i++) {
		snprintf(want, sizeof(want), "10.1.1.%d", i);
		ipam_alloc_eq(epg, NULL, want);
	}
	ck_assert_int_eq(alloc_err(epg, NULL), -CONTIV_ERR_EXHAUSTED);
	ck_assert_ctx_error(ctx, "address exhaustion");
	ck_assert_int_eq(alloc_err(epg, "10.1.1.21"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_ipam_pool_release(epg, "10.1.1.15"), 0);
	ipam_alloc_eq(epg, NULL, "10.1.1.15");

	/* The network's own endpoints go around the pool (mixed EPGs). */
	ipam_alloc_eq(net, NULL, "10.1.1.1");
	ipam_alloc_eq(net, "10.1.1.9", "10.1.1.9");
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(net, "10.1.1.15"), 1);
	ck_assert_int_eq(alloc_err(net, "10.1.1.15"), -EEXIST);
	ck_assert_ctx_error(ctx, "carved range 10.1.1.10-10.1.1.20");
	ck_assert_int_eq(contiv_ipam_pool_release(net, "10.1.1.15"), -EPERM);
	ck_assert_ctx_error(ctx, "carved range 10.1.1.10-10.1.1.20");

	/* Conflicts: allocated, carved, gateway, outside, malformed. */
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.1-10.1.1.5", &bad), -EEXIST);
	ck_assert_ctx_error(ctx, "address 10.1.1.1 is already allocated");
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.3-10.1.1.9", &bad), -EEXIST);
	ck_assert_ctx_error(ctx, "address 10.1.1.9 ");
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.20-10.1.1.30", &bad), -EEXIST);
	ck_assert_ctx_error(ctx, "address 10.1.1.20 is in carved range");
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.250-10.1.1.254", &bad), -EEXIST);
	ck_assert_ctx_error(ctx, "address 10.1.1.254 is the gateway");
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.0-10.1.1.5", &bad),
			 -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.2.1-10.1.2.5", &bad),
			 -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.30-10.1.1.25", &bad), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.30-", &bad), -EINVAL);
	ck_assert_ptr_null(bad);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(net), 14);

	/* A single address. */
	ck_assert_int_eq(contiv_ipam_pool_carve(net, "10.1.1.30", &single), 0);
	ipam_alloc_eq(single, NULL, "10.1.1.30");
	ck_assert_int_eq(alloc_err(single, NULL), -CONTIV_ERR_EXHAUSTED);

	/* Uncarve: exact range only, then the addresses are free in the network. */
	ck_assert_int_eq(contiv_ipam_pool_uncarve(net, "10.1.1.11-10.1.1.20"), -ENOENT);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(net, "10.1.2.1"), -ENOENT);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(net, "junk"), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(net, "10.1.1.10-10.1.1.20"), 0);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(net, "10.1.1.10-10.1.1.20"), -ENOENT);
	ck_assert_ctx_error(ctx, "not carved");
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(net, "10.1.1.15"), 0);
	ipam_alloc_eq(net, NULL, "10.1.1.2");
	ipam_alloc_eq(net, "10.1.1.15", "10.1.1.15");
	ck_assert_int_eq(contiv_ipam_pool_uncarve(net, "10.1.1.30-10.1.1.30"), 0);
	ipam_allocated_eq(net, "10.1.1.1-10.1.1.2, 10.1.1.9, 10.1.1.15, 10.1.1.254");

	contiv_ipam_pool_free(epg);
	contiv_ipam_pool_free(single);
	contiv_ipam_pool_free(net);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_ipv6)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "2001:db8::/64", "2001:db8::1");
	struct contiv_ipam_pool *small = ipam_pool(ctx, "2001:db8:0:1::/126", NULL);
	struct contiv_ipam_pool *child = NULL;

	ck_assert_int_eq(contiv_ipam_pool_get_family(pool), 6);
	ck_assert_int_eq(contiv_ipam_pool_get_prefix_len(pool), 64);
	ck_assert_uint_eq(contiv_ipam_pool_count_available(pool), (1u << 24) - 1);
	ipam_alloc_eq(pool, NULL, "2001:db8::2");
	ipam_alloc_eq(pool, NULL, "2001:db8::3");
	ipam_alloc_eq(pool, "2001:db8::100", "2001:db8::100");
	ipam_alloc_eq(pool, "2001:DB8::a", "2001:db8::a");
	ck_assert_int_eq(alloc_err(pool, "2001:db8::100"), -EEXIST);
	ck_assert_int_eq(alloc_err(pool, "2001:db8::1"), -EEXIST);
	ck_assert_int_eq(alloc_err(pool, "2001:db9::1"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(alloc_err(pool, "2001:db8::"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(alloc_err(pool, "2001:db8::1:0:0:1"), -CONTIV_ERR_NOT_IN_POOL);
	ck_assert_int_eq(alloc_err(pool, "2001:db8::100:1"), -CONTIV_ERR_NOT_IN_POOL);
	ipam_alloc_eq(pool, "2001:db8::100:0", "2001:db8::100:0");	/* host id 2^24 */
	ck_assert_int_eq(alloc_err(pool, "10.1.1.1"), -EINVAL);
	ipam_allocated_eq(pool, "2001:db8::1-2001:db8::3, 2001:db8::a, 2001:db8::100, "
				"2001:db8::100:0");
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "2001:db8::2"), 0);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, "2001:db8::1"), -EPERM);
	ipam_alloc_eq(pool, NULL, "2001:db8::2");
	ck_assert_int_eq(contiv_ipam_pool_carve(pool, "10.1.1.1", &child), -EINVAL);
	ck_assert_ptr_null(child);

	/* /126: host ids 1..3 */
	ipam_available_eq(small, "2001:db8:0:1::1-2001:db8:0:1::3");
	ipam_alloc_eq(small, NULL, "2001:db8:0:1::1");
	ipam_alloc_eq(small, NULL, "2001:db8:0:1::2");
	ipam_alloc_eq(small, NULL, "2001:db8:0:1::3");
	ck_assert_int_eq(alloc_err(small, NULL), -CONTIV_ERR_EXHAUSTED);

	contiv_ipam_pool_free(pool);
	contiv_ipam_pool_free(small);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(pool_slash8_scale)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.0.0.0/8", NULL);
	char buf[CONTIV_IPAM_ADDR_MAX];

	ck_assert_uint_eq(contiv_ipam_pool_count_available(pool), (1u << 24) - 2);
	ipam_available_eq(pool, "10.0.0.1-10.255.255.254");
	ipam_allocated_eq(pool, "");

	fill(pool, 99999);
	ipam_alloc_eq(pool, NULL, "10.1.134.160");	/* 10.0.0.0 + 100000 */
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 100000);
	ipam_allocated_eq(pool, "10.0.0.1-10.1.134.160");
	ipam_available_eq(pool, "10.1.134.161-10.255.255.254");
	for (uint32_t a = 1; a <= 100000; a++) {
		contiv__format_ipv4((10u << 24) + a, buf);
		ck_assert_int_eq(contiv_ipam_pool_release(pool, buf), 0);
	}
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 0);
	ipam_allocated_eq(pool, "");
	ipam_available_eq(pool, "10.0.0.1-10.255.255.254");

	/* Scattered */
	ipam_alloc_eq(pool, "10.128.0.1", "10.128.0.1");
	ipam_alloc_eq(pool, "10.255.255.254", "10.255.255.254");
	ipam_alloc_eq(pool, "10.0.0.5", "10.0.0.5");
	ipam_alloc_eq(pool, NULL, "10.0.0.1");
	ipam_allocated_eq(pool, "10.0.0.1, 10.0.0.5, 10.128.0.1, 10.255.255.254");
	ipam_available_eq(pool, "10.0.0.2-10.0.0.4, 10.0.0.6-10.128.0.0, 10.128.0.2-10.255.255.253");

	contiv_ipam_pool_free(pool);
	contiv_ctx_unref(ctx);
}
END_TEST

Suite *make_ipam_suite(void)
{
	Suite *s = suite_create("ipam");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, pool_lowest_free_24);
	tcase_add_test(tc, pool_requested_and_duplicates);
	tcase_add_test(tc, pool_exhaust_30);
	tcase_add_test(tc, pool_release_and_reuse);
	tcase_add_test(tc, pool_range_subnet);
	tcase_add_test(tc, pool_render);
	tcase_add_test(tc, pool_new_invalid);
	tcase_add_test(tc, pool_carve);
	tcase_add_test(tc, pool_ipv6);
	tcase_add_test(tc, pool_slash8_scale);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, make_ipam_bitalloc_tcase());
	suite_add_tcase(s, make_ipam_idpool_tcase());
	suite_add_tcase(s, make_ipam_json_tcase());
	suite_add_tcase(s, make_ipam_args_tcase());
	return s;
}
