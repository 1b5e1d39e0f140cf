/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the store suites (store-test.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-test.h"

static char test_dir[1024];
static unsigned test_counter;

static void dir_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(test_dir, sizeof(test_dir), "%s/contiv-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(test_dir)) {
		fprintf(stderr, "mkdtemp %s: %s\n", test_dir, strerror(errno));
		abort();
	}
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static void dir_teardown(void)
{
	if (test_dir[0])
		nftw(test_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	test_dir[0] = '\0';
}

TCase *store_test_tcase(const char *name, void (*teardown)(void), double timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

int store_test_open(const struct store_test *t, struct contiv_ctx **ret_ctx,
		    struct contiv_store **ret_store)
{
	int r = contiv_ctx_new(NULL, ret_ctx);

	if (r < 0)
		return r;
	r = contiv_store_open(*ret_ctx, t->url, NULL, ret_store);
	if (r < 0)
		*ret_ctx = contiv_ctx_unref(*ret_ctx);
	return r;
}

void store_test_begin(struct store_test *t, const char *name, unsigned flags)
{
	const char *url = getenv("CONTIV_TEST_STORE_URL");
	unsigned n = ++test_counter;

	memset(t, 0, sizeof(*t));
	if (url && *url && !(flags & STORE_TEST_SQLITE)) {
		snprintf(t->url, sizeof(t->url), "%s", url);
	} else {
		ck_assert_msg(test_dir[0], "no temporary directory (unchecked fixture missing)");
		snprintf(t->path, sizeof(t->path), "%s/%s-%d-%u.db", test_dir, name, (int)getpid(), n);
		snprintf(t->url, sizeof(t->url), "sqlite://%s", t->path);
	}
	snprintf(t->prefix, sizeof(t->prefix), "/t/%s-%d-%u/", name, (int)getpid(), n);
	if (flags & STORE_TEST_OPEN) {
		int r = store_test_open(t, &t->ctx, &t->store);
		ck_assert_msg(r == 0, "opening %s: %d %s", t->url, r,
			      t->ctx ? contiv_ctx_get_error(t->ctx) : "");
	}
}

void store_test_end(struct store_test *t)
{
	t->store = contiv_store_unref(t->store);
	t->ctx = contiv_ctx_unref(t->ctx);
}

const char *store_test_key(const struct store_test *t, const char *name)
{
	static char bufs[8][256];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s%s", t->prefix, name);
	return b;
}

pid_t store_test_fork(const struct store_test *t, int (*fn)(const struct store_test *, int), int arg)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fn(t, arg));
	return pid;
}

int store_test_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
