/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the master suites (check-master.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-master.h"

struct store_test mt;
struct contiv_master *mm;
static char *last;

void master_test_begin(const char *name)
{
	int r;

	store_test_begin(&mt, name, STORE_TEST_SQLITE | STORE_TEST_OPEN);
	r = contiv_master_new(mt.ctx, mt.store, NULL, &mm);
	ck_assert_int_eq(r, 0);
	r = contiv_master_init(mm);
	ck_assert_msg(r == 0, "init: %d %s", r, contiv_ctx_get_error(mt.ctx));
}

void master_test_end(void)
{
	free(last);
	last = NULL;
	mm = contiv_master_unref(mm);
	store_test_end(&mt);
}

TCase *master_tcase(const char *name)
{
	return store_test_tcase(name, master_test_end, 60);
}

const char *mreq_at(const char *file, int line, const char *method, const char *path,
		    const char *body, int status)
{
	char *out = NULL;
	int r = contiv_master_handle(mm, method, path, body, body ? strlen(body) : 0, &out);

	ck_assert_msg(r == status, "%s:%d: %s %s: status %d (want %d): %s", file, line, method,
		      path, r, status, out ? out : "");
	free(last);
	last = out;
	return out;
}

static int dump_one(const char *key, const char *value, uint64_t rev, void *userdata)
{
	char **acc = userdata, *next = NULL;

	if (asprintf(&next, "%s%s@%" PRIu64 "=%s\n", *acc, key, rev, value) < 0)
		return -ENOMEM;
	free(*acc);
	*acc = next;
	return 0;
}

char *master_dump(void)
{
	char *acc = strdup("");
	uint64_t rev = 0;

	ck_assert_int_ge(contiv_store_list(mt.store, "", dump_one, &acc, NULL), 0);
	ck_assert_int_eq(contiv_store_get_revision(mt.store, &rev), 0);
	{
		char *next = NULL;

		ck_assert_int_ge(asprintf(&next, "%srevision %" PRIu64 "\n", acc, rev), 0);
		free(acc);
		acc = next;
	}
	return acc;
}
