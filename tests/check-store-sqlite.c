/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store-sqlite: what only the SQLite backend promises: crash safety, the
 * file's mode, refusing what is not its database, busy timeouts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check-suites.h"
#include "store-test.h"

static struct store_test t;

#define BEGIN(flags) store_test_begin(&t, __func__, STORE_TEST_SQLITE | (flags))
#define KEY(name) store_test_key(&t, name)

static void teardown(void)
{
	store_test_end(&t);
}

static int open_store(const char *url, struct contiv_store **ret)
{
	return contiv_store_open(t.ctx, url, NULL, ret);
}

/* One raw SQLite statement on the file: the first column of its first row, as text. */
static const char *raw_sql(const char *path, const char *sql)
{
	static char result[64];
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;

	result[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(result, sizeof(result), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return result;
}

struct ack {
	int i;
	uint64_t revision;
};

/* The child of crash_safety: puts as fast as it can, acknowledging each. */
static int burst(const struct store_test *st, int fd)
{
	struct contiv_store *store = NULL;
	struct contiv_ctx *ctx = NULL;
	char key[64], value[64];

	if (store_test_open(st, &ctx, &store) < 0)
		return 2;
	for (int i = 0;; i++) {
		struct ack ack = { .i = i };

		snprintf(key, sizeof(key), "k%06d", i);
		snprintf(value, sizeof(value), "value-%d", i);
		if (contiv_store_put(store, store_test_key(st, key), value, &ack.revision) < 0)
			return 3;
		if (write(fd, &ack, sizeof(ack)) != sizeof(ack))
			return 4;
	}
}

static int count_event(uint32_t type, const char *key, const char *value, uint64_t revision,
		       void *userdata)
{
	uint64_t *n = userdata;

	/* the log holds every revision once, in order, each a put of k<revision - 1> */
	ck_assert_uint_eq(revision, *n + 1);
	ck_assert_uint_eq(type, CONTIV_STORE_PUT);
	ck_assert_int_eq(atoi(key + strlen(t.prefix) + 1), (int)(revision - 1));
	(*n)++;
	return 0;
}

START_TEST(crash_safety)
{
	static struct ack acks[100000];
	uint64_t revision = 0, logged = 0, mod;
	int fds[2], n = 0, status;
	char key[64], expect[64];
	char *value;
	ssize_t got;
	pid_t pid;

	BEGIN(0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = store_test_fork(&t, burst, fds[1]);
	close(fds[1]);
	/* kill -9 in the middle of the burst, then take the acks still in the pipe */
	while ((got = read(fds[0], &acks[n], sizeof(acks[0]))) == sizeof(acks[0])) {
		if (++n == 150)
			kill(pid, SIGKILL);
		ck_assert_int_lt(n, 100000);
	}
	close(fds[0]);
	status = store_test_wait(pid);
	ck_assert_msg(status == 128 + SIGKILL, "child status %d after %d acks", status, n);
	ck_assert_int_ge(n, 150);

	ck_assert_int_eq(store_test_open(&t, &t.ctx, &t.store), 0);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(acks[i].i, i);
		snprintf(key, sizeof(key), "k%06d", i);
		snprintf(expect, sizeof(expect), "value-%d", i);
		ck_assert_msg(contiv_store_get(t.store, KEY(key), &value, &mod) == 0,
			      "acknowledged key %s lost", key);
		ck_assert_str_eq(value, expect);
		ck_assert_uint_eq(mod, acks[i].revision);
		ck_assert_uint_eq(acks[i].revision, (uint64_t)i + 1);
		contiv_free(value);
	}
	ck_assert_int_eq(contiv_store_get_revision(t.store, &revision), 0);
	ck_assert_uint_ge(revision, (uint64_t)n);
	ck_assert_uint_le(revision, (uint64_t)n + 1);	/* at most one put done, not acknowledged */
	ck_assert_int_eq(contiv_store_watch(t.store, "", 0, 0, count_event, &logged, NULL),
			 (int)revision);
	ck_assert_uint_eq(logged, revision);
	t.store = contiv_store_unref(t.store);
	ck_assert_str_eq(raw_sql(t.path, "PRAGMA integrity_check"), "ok");
}
END_TEST

START_TEST(not_a_database)
{
	static const char junk[] = "this is not a database, it is a text file\n";
	struct contiv_store *s = NULL;
	const char *base;
	char buf[sizeof(junk)];
	FILE *f;

	BEGIN(STORE_TEST_OPEN);
	t.store = contiv_store_unref(t.store);
	unlink(t.path);
	f = fopen(t.path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 200; i++)
		fputs(junk, f);
	fclose(f);
	ck_assert_int_eq(open_store(t.url, &s), -CONTIV_ERR_UNAVAILABLE);
	ck_assert_ptr_null(s);
	base = strrchr(t.path, '/') + 1;
	ck_assert_ctx_error(t.ctx, base);
	ck_assert_ctx_error(t.ctx, "not a database");
	/* and left alone */
	f = fopen(t.path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, junk);
}
END_TEST

START_TEST(bad_paths)
{
	struct contiv_store *s = NULL;
	char url[4200];

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(open_store("sqlite://relative/state.db", &s), -EINVAL);
	ck_assert_ctx_error(t.ctx, "relative/state.db");
	ck_assert_int_eq(open_store("sqlite:///nonexistent-contiv-dir/sub/state.db", &s),
			 -CONTIV_ERR_UNAVAILABLE);
	ck_assert_ctx_error(t.ctx, "/nonexistent-contiv-dir/sub/state.db");
	ck_assert_ctx_error(t.ctx, "directory must exist");
	/* a directory is not a file */
	snprintf(url, sizeof(url), "sqlite://%.*s", (int)(strrchr(t.path, '/') - t.path), t.path);
	ck_assert_int_eq(open_store(url, &s), -CONTIV_ERR_UNAVAILABLE);
	ck_assert_ptr_null(s);
	ck_assert_str_ne(contiv_ctx_get_error(t.ctx), "");
}
END_TEST

START_TEST(file_mode)
{
	char side[4200];
	struct stat st;
	mode_t old = umask(0);

	BEGIN(STORE_TEST_OPEN);
	umask(old);
	ck_assert_int_eq(contiv_store_put(t.store, KEY("k"), "v", NULL), 0);
	ck_assert_int_eq(stat(t.path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	snprintf(side, sizeof(side), "%s-wal", t.path);
	ck_assert_int_eq(stat(side, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0077, 0);
	snprintf(side, sizeof(side), "%s-shm", t.path);
	ck_assert_int_eq(stat(side, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0077, 0);
	ck_assert_str_eq(raw_sql(t.path, "PRAGMA journal_mode"), "wal");
	ck_assert_str_eq(raw_sql(t.path, "PRAGMA user_version"), "1");
}
END_TEST

START_TEST(reopen_and_schema)
{
	struct contiv_store *s = NULL;
	uint64_t rev = 0, mod = 0;
	char *value = NULL;

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, 0);	/* a new file starts at 0 */
	ck_assert_int_eq(contiv_store_put(t.store, KEY("k"), "v", &rev), 0);
	ck_assert_uint_eq(rev, 1);
	t.store = contiv_store_unref(t.store);
	ck_assert_int_eq(open_store(t.url, &t.store), 0);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("k"), &value, &mod), 0);
	ck_assert_str_eq(value, "v");
	ck_assert_uint_eq(mod, 1);
	contiv_free(value);
	t.store = contiv_store_unref(t.store);

	/* a file from a newer library is refused, not rewritten */
	raw_sql(t.path, "PRAGMA user_version = 99");
	ck_assert_int_eq(open_store(t.url, &s), -CONTIV_ERR_UNAVAILABLE);
	ck_assert_ctx_error(t.ctx, "schema version 99");
	ck_assert_str_eq(raw_sql(t.path, "PRAGMA user_version"), "99");
}
END_TEST

START_TEST(noop_txn_revision)
{
	struct contiv_store_txn *txn = NULL;
	uint64_t r1 = 0, rev = 0;

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(contiv_store_put(t.store, KEY("k"), "v", &r1), 0);
	/* a transaction that changes nothing succeeds with the current revision */
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, KEY("missing")), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, &rev), 0);
	contiv_store_txn_free(txn);
	ck_assert_uint_eq(rev, r1);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, r1);
	/* a lease grant takes no revision either */
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 10, &rev), 0);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, r1);
}
END_TEST

START_TEST(busy_timeout)
{
	CONTIV_OPTS(contiv_store_opts, o, .timeout_ms = 200);
	struct contiv_store *s = NULL;
	struct timespec a, b;
	sqlite3 *db = NULL;
	long ms;

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(contiv_store_open(t.ctx, t.url, &o, &s), 0);
	/* another connection holds the write lock */
	ck_assert_int_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(contiv_store_put(s, KEY("k"), "v", NULL), -CONTIV_ERR_UNAVAILABLE);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, 150);
	ck_assert_int_lt(ms, 5000);
	ck_assert_ctx_error(t.ctx, "locked");
	ck_assert_ctx_error(t.ctx, strrchr(t.path, '/') + 1);
	/* reads go on meanwhile (WAL) */
	ck_assert_int_eq(contiv_store_get(s, KEY("k"), NULL, NULL), -ENOENT);
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* the lock gone, the store works again */
	ck_assert_int_eq(contiv_store_put(s, KEY("k"), "v", NULL), 0);
	contiv_store_unref(s);
}
END_TEST

Suite *make_store_sqlite_suite(void)
{
	Suite *s = suite_create("store-sqlite");
	TCase *tc = store_test_tcase("sqlite", teardown, 120);

	tcase_add_test(tc, crash_safety);
	tcase_add_test(tc, not_a_database);
	tcase_add_test(tc, bad_paths);
	tcase_add_test(tc, file_mode);
	tcase_add_test(tc, reopen_and_schema);
	tcase_add_test(tc, noop_txn_revision);
	tcase_add_test(tc, busy_timeout);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, make_store_group_tcase());
	return s;
}
