/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ipam: invalid arguments, too-small buffers, use after fork(). */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-ipam.h"

START_TEST(args_null)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.1.0/24", NULL), *p = NULL;
	struct contiv_idpool *ids = NULL, *ip = NULL;
	char buf[CONTIV_IPAM_ADDR_MAX], *text = NULL;
	uint32_t id;

	ck_assert_int_eq(contiv_idpool_new(ctx, "1-10", &ids), 0);

	ck_assert_int_eq(contiv_ipam_pool_new(NULL, "10.1.1.0/24", NULL, &p), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, NULL, NULL, &p), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_new(ctx, "10.1.1.0/24", NULL, NULL), -EINVAL);
	contiv_ipam_pool_free(NULL);
	ck_assert_int_eq(contiv_ipam_pool_get_family(NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_get_prefix_len(NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_alloc(NULL, NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_alloc(pool, NULL, NULL, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_release(NULL, "10.1.1.1"), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_release(pool, NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(NULL, "10.1.1.1"), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(pool, NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_carve(NULL, "10.1.1.5", &p), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_carve(pool, NULL, &p), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_carve(pool, "10.1.1.5", NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(NULL, "10.1.1.5"), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_uncarve(pool, NULL), -EINVAL);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(NULL), 0);
	ck_assert_uint_eq(contiv_ipam_pool_count_available(NULL), 0);
	ck_assert_int_eq(contiv_ipam_pool_get_allocated(NULL, &text), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_get_allocated(pool, NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_get_available(NULL, &text), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_get_available(pool, NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_to_json(NULL, &text), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_to_json(pool, NULL), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_from_json(NULL, "{}", &p), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_from_json(ctx, NULL, &p), -EINVAL);
	ck_assert_int_eq(contiv_ipam_pool_from_json(ctx, "{\"subnet\":\"10.1.1.0/24\"}", NULL),
			 -EINVAL);
	ck_assert_int_eq(contiv_ipam_mac_from_ipv4(NULL, buf, sizeof(buf)), -EINVAL);

	ck_assert_int_eq(contiv_idpool_new(NULL, "1-10", &ip), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, NULL, &ip), -EINVAL);
	ck_assert_int_eq(contiv_idpool_new(ctx, "1-10", NULL), -EINVAL);
	contiv_idpool_free(NULL);
	ck_assert_int_eq(contiv_idpool_alloc(NULL, 0, &id), -EINVAL);
	ck_assert_int_eq(contiv_idpool_alloc(ids, 0, NULL), -EINVAL);
	ck_assert_int_eq(contiv_idpool_release(NULL, 1), -EINVAL);
	ck_assert_int_eq(contiv_idpool_is_allocated(NULL, 1), -EINVAL);
	ck_assert_int_eq(contiv_idpool_set_range(NULL, "1-10"), -EINVAL);
	ck_assert_int_eq(contiv_idpool_set_range(ids, NULL), -EINVAL);
	ck_assert_uint_eq(contiv_idpool_count_allocated(NULL), 0);
	ck_assert_int_eq(contiv_idpool_get_allocated(NULL, &text), -EINVAL);
	ck_assert_int_eq(contiv_idpool_get_allocated(ids, NULL), -EINVAL);
	ck_assert_int_eq(contiv_idpool_to_json(NULL, &text), -EINVAL);
	ck_assert_int_eq(contiv_idpool_to_json(ids, NULL), -EINVAL);
	ck_assert_int_eq(contiv_idpool_from_json(NULL, "{}", &ip), -EINVAL);
	ck_assert_int_eq(contiv_idpool_from_json(ctx, NULL, &ip), -EINVAL);
	ck_assert_int_eq(contiv_idpool_from_json(ctx, "{\"range\":\"1-2\"}", NULL), -EINVAL);

	ck_assert_ptr_null(p);
	ck_assert_ptr_null(ip);
	ck_assert_ptr_null(text);
	/* Nothing above changed the pools. */
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 0);
	ck_assert_uint_eq(contiv_idpool_count_allocated(ids), 0);
	contiv_ipam_pool_free(pool);
	contiv_idpool_free(ids);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(args_small_buffer)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.1.0/24", NULL);
	struct contiv_ipam_pool *v6 = ipam_pool(ctx, "2001:db8::/64", NULL);
	char buf[CONTIV_IPAM_ADDR_MAX] = "untouched";

	/* "10.1.1.1" needs 9 bytes. */
	ck_assert_int_eq(contiv_ipam_pool_alloc(pool, NULL, buf, 8), -ERANGE);
	ck_assert_int_eq(contiv_ipam_pool_alloc(pool, "10.1.1.100", buf, 10), -ERANGE);
	ck_assert_int_eq(contiv_ipam_pool_alloc(pool, NULL, buf, 0), -ERANGE);
	ck_assert_str_eq(buf, "untouched");
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(pool), 0);
	ck_assert_int_eq(contiv_ipam_pool_is_allocated(pool, "10.1.1.100"), 0);
	ck_assert_int_eq(contiv_ipam_pool_alloc(pool, NULL, buf, 9), 0);
	ck_assert_str_eq(buf, "10.1.1.1");
	ck_assert_int_eq(contiv_ipam_pool_alloc(v6, NULL, buf, 11), -ERANGE);
	ck_assert_uint_eq(contiv_ipam_pool_count_allocated(v6), 0);
	ck_assert_int_eq(contiv_ipam_pool_alloc(v6, NULL, buf, 12), 0);
	ck_assert_str_eq(buf, "2001:db8::1");
	contiv_ipam_pool_free(pool);
	contiv_ipam_pool_free(v6);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(args_after_fork)
{
	struct contiv_ctx *ctx = ipam_ctx();
	struct contiv_ipam_pool *pool = ipam_pool(ctx, "10.1.1.0/24", NULL);
	struct contiv_idpool *ids = NULL;
	int status = 0;
	pid_t pid;

	ck_assert_int_eq(contiv_idpool_new(ctx, "1-10", &ids), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[CONTIV_IPAM_ADDR_MAX], *text = NULL;
		struct contiv_ipam_pool *p = NULL;
		uint32_t id;
		int bad = 0;

		bad += contiv_ipam_pool_alloc(pool, NULL, buf, sizeof(buf)) != -ECHILD;
		bad += contiv_ipam_pool_release(pool, "10.1.1.1") != -ECHILD;
		bad += contiv_ipam_pool_carve(pool, "10.1.1.5", &p) != -ECHILD;
		bad += contiv_ipam_pool_to_json(pool, &text) != -ECHILD;
		bad += contiv_ipam_pool_new(ctx, "10.1.2.0/24", NULL, &p) != -ECHILD;
		bad += contiv_idpool_alloc(ids, 0, &id) != -ECHILD;
		bad += contiv_idpool_set_range(ids, "1-20") != -ECHILD;
		_exit(bad);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	contiv_ipam_pool_free(pool);
	contiv_idpool_free(ids);
	contiv_ctx_unref(ctx);
}
END_TEST

TCase *make_ipam_args_tcase(void)
{
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, args_null);
	tcase_add_test(tc, args_small_buffer);
	tcase_add_test(tc, args_after_fork);
	tcase_set_timeout(tc, 60);
	return tc;
}
