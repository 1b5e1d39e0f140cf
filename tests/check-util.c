/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util: context, options structs, errors, logging, address parsing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check-suites.h"
#include "libcontiv-private.h"
#include "agent/linger.h"

START_TEST(ctx_new_defaults)
{
	struct contiv_ctx *ctx = NULL;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(contiv_ctx_get_log_priority(ctx), 3);
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "");
	ck_assert_int_eq(contiv_ctx_get_errno(ctx), 0);
	ck_assert_ptr_eq(contiv_ctx_ref(ctx), ctx);
	ck_assert_ptr_null(contiv_ctx_unref(ctx));
	ck_assert_ptr_null(contiv_ctx_unref(ctx));
	ck_assert_ptr_null(contiv_ctx_unref(NULL));
	ck_assert_int_eq(contiv_ctx_new(NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(ctx_opts_sizes)
{
	struct contiv_ctx *ctx = NULL;
	/* A newer caller: a bigger struct with an unknown non-zero field. */
	struct { struct contiv_ctx_opts o; uint64_t future; } big;

	CONTIV_OPTS(contiv_ctx_opts, o, .log_priority = 7);
	ck_assert_int_eq(contiv_ctx_new(&o, &ctx), 0);
	ck_assert_int_eq(contiv_ctx_get_log_priority(ctx), 7);
	contiv_ctx_unref(ctx);

	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.o.log_priority = 5;
	ck_assert_int_eq(contiv_ctx_new(&big.o, &ctx), 0);	/* unknown bytes zero: fine */
	ck_assert_int_eq(contiv_ctx_get_log_priority(ctx), 5);
	contiv_ctx_unref(ctx);
	big.future = 1;
	ctx = NULL;
	ck_assert_int_eq(contiv_ctx_new(&big.o, &ctx), -EINVAL);
	ck_assert_ptr_null(ctx);

	/* An older caller: only sz, log_priority missing -> default. */
	{
		size_t old = sizeof(size_t);
		ck_assert_int_eq(contiv_ctx_new((const struct contiv_ctx_opts *)&old, &ctx), 0);
		ck_assert_int_eq(contiv_ctx_get_log_priority(ctx), 3);
		contiv_ctx_unref(ctx);
	}

	o.log_priority = 8;
	ck_assert_int_eq(contiv_ctx_new(&o, &ctx), -EINVAL);
	o.sz = 0;
	ck_assert_int_eq(contiv_ctx_new(&o, &ctx), -EINVAL);
}
END_TEST

static void record_log(struct contiv_ctx *ctx, int prio, const char *file, int line,
		       const char *fn, const char *msg, void *userdata)
{
	char *buf = userdata;
	strncat(buf, msg, 255 - strlen(buf));
}

START_TEST(ctx_error_and_log)
{
	struct contiv_ctx *ctx = NULL;
	char logged[256] = "";

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_int_eq(contiv__error(ctx, -EINVAL, "field %s", "x"), -EINVAL);
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "field x");
	ck_assert_int_eq(logged[0], '\0');	/* silent by default */

	ck_assert_int_eq(contiv_ctx_set_log_fn(ctx, record_log, logged), 0);
	ck_assert_int_eq(contiv_ctx_set_log_priority(ctx, 7), 0);
	contiv__error(ctx, -ENOENT, "gone");
	ck_assert_ptr_nonnull(strstr(logged, "gone"));
	ck_assert_int_eq(contiv_ctx_get_errno(ctx), -ENOENT);
	contiv_ctx_clear_error(ctx);
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "");
	ck_assert_int_eq(contiv_ctx_set_log_priority(ctx, 8), -EINVAL);
	ck_assert_int_eq(contiv_ctx_set_log_priority(NULL, 1), -EINVAL);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(ctx_refuses_after_fork)
{
	struct contiv_ctx *ctx = NULL;
	pid_t pid;
	int status;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(contiv_ctx_set_log_priority(ctx, 5) == -ECHILD ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(contiv_ctx_set_log_priority(ctx, 5), 0);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(strerror_ranges)
{
	char buf[128];

	ck_assert_int_eq(contiv_strerror(-EINVAL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "Invalid argument");
	ck_assert_int_eq(contiv_strerror(-CONTIV_ERR_EXHAUSTED, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "exhausted"));
	ck_assert_int_eq(contiv_strerror(CONTIV_ERR_JSON, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "JSON"));
	ck_assert_int_eq(contiv_strerror(-4999, buf, sizeof(buf)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(buf, "4999"));
	ck_assert_int_eq(contiv_strerror(-EINVAL, buf, 4), -ERANGE);
	ck_assert_str_eq(buf, "Inv");
	ck_assert_int_eq(contiv_strerror(-EINVAL, NULL, 4), -EINVAL);
	ck_assert_str_eq(contiv_version(), PACKAGE_VERSION);
}
END_TEST

START_TEST(quote_untrusted)
{
	char buf[CONTIV_QUOTE_MAX];
	char long_text[200];

	ck_assert_str_eq(contiv__quote(buf, "a\"b\\c"), "a\\\"b\\\\c");
	ck_assert_str_eq(contiv__quote(buf, "\xff\n"), "\\xff\\x0a");
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	ck_assert_uint_eq(strlen(contiv__quote(buf, long_text)), 64 + 3);
	/* worst case: 64 bytes that each need 4 characters */
	memset(long_text, 0xfe, sizeof(long_text) - 1);
	ck_assert_uint_eq(strlen(contiv__quote(buf, long_text)), 64 * 4 + 3);
	ck_assert_str_eq(contiv__quote(buf, NULL), "(null)");
}
END_TEST

START_TEST(parse_numbers_and_addresses)
{
	uint32_t v, a, b;
	uint8_t p6[16], l6;
	struct contiv__subnet4 s;
	const char *why = NULL;
	char text[46];

	ck_assert_int_eq(contiv__parse_u32("100", 100, &v), 0);
	ck_assert_uint_eq(v, 100);
	ck_assert_int_eq(contiv__parse_u32("101", 100, &v), -ERANGE);
	ck_assert_int_eq(contiv__parse_u32("-1", 100, &v), -EINVAL);
	ck_assert_int_eq(contiv__parse_u32("1 ", 100, &v), -EINVAL);
	ck_assert_int_eq(contiv__parse_u32("99999999999999999999", 0xffffffffu, &v), -ERANGE);

	ck_assert_int_eq(contiv__parse_ipv4("10.1.2.3", &a), 0);
	ck_assert_uint_eq(a, 0x0a010203);
	contiv__format_ipv4(a, text);
	ck_assert_str_eq(text, "10.1.2.3");
	ck_assert_int_eq(contiv__parse_ipv4("10.1.2", &a), -EINVAL);
	ck_assert_int_eq(contiv__parse_ipv4("10.1.2.256", &a), -EINVAL);

	ck_assert_int_eq(contiv__parse_subnet4("10.1.2.0/24", &s, &why), 0);
	ck_assert_uint_eq(s.network, 0x0a010200);
	ck_assert_uint_eq(s.first, 0x0a010200);
	ck_assert_uint_eq(s.last, 0x0a0102ff);
	ck_assert(!s.has_range);
	ck_assert_int_eq(contiv__parse_subnet4("20.1.1.10-20.1.1.45/24", &s, &why), 0);
	ck_assert(s.has_range);
	ck_assert_uint_eq(s.first, 0x1401010a);
	ck_assert_uint_eq(s.last, 0x1401012d);
	ck_assert_int_eq(contiv__parse_subnet4("10.1.2.0/33", &s, &why), -EINVAL);
	ck_assert_str_eq(why, "prefix length must be 1..32");
	ck_assert_int_eq(contiv__parse_subnet4("10.1.2.0/24x", &s, &why), -EINVAL);
	ck_assert_int_eq(contiv__parse_subnet4("10.1.2.0", &s, &why), -EINVAL);
	ck_assert_int_eq(contiv__parse_subnet4("10.1.1.10-10.1.2.5/24", &s, &why), -EINVAL);
	ck_assert_str_eq(why, "range must lie inside the subnet");
	ck_assert_int_eq(contiv__parse_subnet4("10.1.1.50-10.1.1.5/24", &s, &why), -EINVAL);

	ck_assert_int_eq(contiv__parse_range4("10.1.1.1-10.1.1.9", &a, &b, &why), 0);
	ck_assert_uint_eq(b - a, 8);
	ck_assert_int_eq(contiv__parse_range4("10.1.1.1", &a, &b, &why), 0);
	ck_assert_uint_eq(a, b);

	ck_assert_int_eq(contiv__parse_subnet6("2001:db8::5/64", p6, &l6, &why), 0);
	ck_assert_uint_eq(l6, 64);
	contiv__format_ipv6(p6, text);
	ck_assert_str_eq(text, "2001:db8::");
	ck_assert_int_eq(contiv__parse_subnet6("2001:db8::/129", p6, &l6, &why), -EINVAL);
	ck_assert_int_eq(contiv__parse_ipv6("2001:db8::1", p6), 0);
	ck_assert_int_eq(contiv__parse_subnet6("2001:db8::/64", p6 + 0, &l6, &why), 0);
}
END_TEST

START_TEST(linger_timing)
{
	int64_t since = 0, now = contiv__linger_now_ms();

	ck_assert(now > 0);
	/* 0 s: removed at once, the idle time not even noted */
	ck_assert(contiv__linger_over(&since, 0, 1000));
	ck_assert_int_eq(since, 0);
	/* 60 s: the first look notes the time and keeps the network */
	ck_assert(!contiv__linger_over(&since, 60, 1000));
	ck_assert_int_eq(since, 1000);
	ck_assert(!contiv__linger_over(&since, 60, 60999));
	ck_assert_int_eq(since, 1000);
	ck_assert(contiv__linger_over(&since, 60, 61000));
	ck_assert(contiv__linger_now_ms() >= now);
}
END_TEST

Suite *make_util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("ctx");

	tcase_add_test(tc, ctx_new_defaults);
	tcase_add_test(tc, ctx_opts_sizes);
	tcase_add_test(tc, ctx_error_and_log);
	tcase_add_test(tc, ctx_refuses_after_fork);
	tcase_add_test(tc, strerror_ranges);
	tcase_add_test(tc, quote_untrusted);
	tcase_add_test(tc, parse_numbers_and_addresses);
	tcase_add_test(tc, linger_timing);
	suite_add_tcase(s, tc);
	return s;
}
