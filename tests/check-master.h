/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the master suites: a master over a fresh SQLite store per test. */
#ifndef CONTIV_CHECK_MASTER_H
#define CONTIV_CHECK_MASTER_H

#include <check.h>
#include <contiv/contiv.h>

#include "store-test.h"

extern struct store_test mt;
extern struct contiv_master *mm;

/* Opens the store and the master, runs contiv_master_init(). */
void master_test_begin(const char *name);
/* teardown of the test cases */
void master_test_end(void);
TCase *master_tcase(const char *name);

/* Serves a request; checks the status; returns the body (valid until the next call). */
const char *mreq_at(const char *file, int line, const char *method, const char *path,
		    const char *body, int status);
#define mreq(method, path, body, status) mreq_at(__FILE__, __LINE__, method, path, body, status)
/* The same, and checks that the body contains text. */
#define mexpect(method, path, body, status, text) \
	do { \
		const char *b_ = mreq(method, path, body, status); \
		ck_assert_msg(strstr(b_, (text)) != NULL, "%s:%d: answer %s lacks \"%s\"", \
			      __FILE__, __LINE__, b_, (text)); \
	} while (0)
/* A failing request: status and message, and nothing stored changed. */
#define mreject(method, path, body, status, text) \
	do { \
		char *before_ = master_dump(); \
		mexpect(method, path, body, status, text); \
		mexpect(method, path, body, status, "\"status\":"); \
		char *after_ = master_dump(); \
		ck_assert_msg(!strcmp(before_, after_), "%s:%d: store changed by a failed request", \
			      __FILE__, __LINE__); \
		free(before_); \
		free(after_); \
	} while (0)

/* Every key, revision and value of the store, as one string (free it). */
char *master_dump(void);



#endif
