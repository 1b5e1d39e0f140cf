/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs every unit-test suite; each test in its own process (CK_FORK). */
#include <stdlib.h>

#include "check-suites.h"

int main(void)
{
	SRunner *sr = srunner_create(make_util_suite());
	int failed;

	srunner_add_suite(sr, make_model_suite());
	srunner_add_suite(sr, make_ipam_suite());
	srunner_add_suite(sr, make_store_suite());
	srunner_add_suite(sr, make_store_sqlite_suite());
	srunner_add_suite(sr, make_client_suite());
	srunner_add_suite(sr, make_master_suite());
	srunner_add_suite(sr, make_policy_suite());
	srunner_add_suite(sr, make_portmap_suite());
	srunner_add_suite(sr, make_master_cache_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);	/* prints the Check summary line */
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
