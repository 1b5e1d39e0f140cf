/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the store suites: the store under test, keys, child processes. */
#ifndef CONTIV_STORE_TEST_H
#define CONTIV_STORE_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <check.h>
#include <contiv/contiv.h>

/*
 * The store of the running test: its URL (CONTIV_TEST_STORE_URL, or a fresh
 * SQLite file in the suite's temporary directory), a key prefix of its own
 * ("/t/<test>-<pid>-<n>/"), and a context and store opened on it.
 */
struct store_test {
	char url[4200];
	char path[4096];		/* the SQLite file, "" for another store */
	char prefix[128];
	struct contiv_ctx *ctx;
	struct contiv_store *store;
};

/*
 * A test case with a temporary directory of its own (an unchecked fixture,
 * in the runner process), teardown run after each test, and a timeout.
 */
TCase *store_test_tcase(const char *name, void (*teardown)(void), double timeout);

enum {
	STORE_TEST_OPEN = 1u << 0,	/* open t->ctx and t->store */
	STORE_TEST_SQLITE = 1u << 1,	/* a SQLite file whatever CONTIV_TEST_STORE_URL says */
};

/* Picks the URL and prefix for test name (STORE_TEST_* flags). */
void store_test_begin(struct store_test *t, const char *name, unsigned flags);
void store_test_end(struct store_test *t);

/* A context and store in this process (e.g. a child of fork()), or NULL/NULL. */
int store_test_open(const struct store_test *t, struct contiv_ctx **ret_ctx,
		    struct contiv_store **ret_store);

/* prefix + name, in one of a few rotating static buffers. */
const char *store_test_key(const struct store_test *t, const char *name);

/* Forks; the child runs fn(t, arg) and _exit()s with its return value. */
pid_t store_test_fork(const struct store_test *t, int (*fn)(const struct store_test *, int), int arg);
/* Waits for pid; its exit status, or 128 + signal. */
int store_test_wait(pid_t pid);

/* The group commit tests (check-store-group.c), part of the store-sqlite suite. */
TCase *make_store_group_tcase(void);

#endif
