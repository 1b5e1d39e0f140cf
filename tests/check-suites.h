/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The unit-test suites run by check-all, one per module. */
#ifndef CONTIV_CHECK_SUITES_H
#define CONTIV_CHECK_SUITES_H

#include <check.h>

Suite *make_util_suite(void);
Suite *make_model_suite(void);
Suite *make_ipam_suite(void);
Suite *make_store_suite(void);
Suite *make_master_suite(void);
Suite *make_master_cache_suite(void);
Suite *make_store_sqlite_suite(void);
Suite *make_client_suite(void);
Suite *make_policy_suite(void);
Suite *make_portmap_suite(void);

/* A context whose last error is expected to contain text. */
#define ck_assert_ctx_error(ctx, text) \
	ck_assert_msg(strstr(contiv_ctx_get_error(ctx), (text)) != NULL, \
		      "error message \"%s\" lacks \"%s\"", contiv_ctx_get_error(ctx), (text))

#endif
