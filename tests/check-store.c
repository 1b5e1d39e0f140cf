/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store: the backend-independent suite. It runs against the store named by
 * CONTIV_TEST_STORE_URL (e.g. etcd://127.0.0.1:2379), or a fresh SQLite file
 * per test. Each test works under a key prefix of its own and compares
 * revisions relatively, so a shared etcd serves as well.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check-suites.h"
#include "store-test.h"

static struct store_test t;

#define BEGIN() store_test_begin(&t, __func__, STORE_TEST_OPEN)
#define KEY(name) store_test_key(&t, name)

static void teardown(void)
{
	store_test_end(&t);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_ok(const char *key, const char *value, uint64_t *ret_revision)
{
	int r = contiv_store_put(t.store, key, value, ret_revision);

	ck_assert_msg(r == 0, "put %s: %d %s", key, r, contiv_ctx_get_error(t.ctx));
}

static uint64_t revision_now(void)
{
	uint64_t rev = 0;

	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	return rev;
}

/* What a list or a watch delivered. */
#define MAX_SEEN 64
struct seen {
	int n;
	int stop_at;		/* return 7 at this call (1-based), 0 = never */
	uint32_t type[MAX_SEEN];
	char key[MAX_SEEN][256];
	char value[MAX_SEEN][64];
	uint64_t rev[MAX_SEEN];
};

static int record(struct seen *s, uint32_t type, const char *key, const char *value, uint64_t rev)
{
	ck_assert_int_lt(s->n, MAX_SEEN);
	s->type[s->n] = type;
	snprintf(s->key[s->n], sizeof(s->key[0]), "%s", key);
	snprintf(s->value[s->n], sizeof(s->value[0]), "%s", value);
	s->rev[s->n] = rev;
	s->n++;
	return s->n == s->stop_at ? 7 : 0;
}

static int on_kv(const char *key, const char *value, uint64_t mod_revision, void *userdata)
{
	return record(userdata, 0, key, value, mod_revision);
}

static int on_event(uint32_t type, const char *key, const char *value, uint64_t revision,
		    void *userdata)
{
	return record(userdata, type, key, value, revision);
}

static int never(const char *key, const char *value, uint64_t mod_revision, void *userdata)
{
	return 0;
}

static int never_event(uint32_t type, const char *key, const char *value, uint64_t revision,
		       void *userdata)
{
	return 0;
}

/* ---- arguments ---- */

START_TEST(null_args)
{
	struct contiv_store_txn *txn = NULL;
	struct contiv_store *s = NULL;
	uint64_t rev, lease;

	BEGIN();
	ck_assert_int_eq(contiv_store_open(NULL, t.url, NULL, &s), -EINVAL);
	ck_assert_int_eq(contiv_store_open(t.ctx, NULL, NULL, &s), -EINVAL);
	ck_assert_int_eq(contiv_store_open(t.ctx, t.url, NULL, NULL), -EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_ptr_null(contiv_store_ref(NULL));
	ck_assert_ptr_null(contiv_store_unref(NULL));
	ck_assert_int_eq(contiv_store_get(NULL, KEY("a"), NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_get(t.store, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_put(NULL, KEY("a"), "v", NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_put(t.store, NULL, "v", NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_put(t.store, KEY("a"), NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_delete(NULL, KEY("a"), NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_delete(t.store, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_list(NULL, t.prefix, never, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_list(t.store, NULL, never, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_get_revision(NULL, &rev), -EINVAL);
	ck_assert_int_eq(contiv_store_get_revision(t.store, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_watch(NULL, t.prefix, 0, 0, never_event, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_watch(t.store, NULL, 0, 0, never_event, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, 0, 0, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_compact(NULL, 1), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_grant(NULL, 10, &lease), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 10, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 0, &lease), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 3601, &lease), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_keepalive(NULL, 1), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_keepalive(t.store, 0), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_revoke(NULL, 1), -EINVAL);
	ck_assert_int_eq(contiv_store_lease_revoke(t.store, 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_new(NULL, &txn), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_new(t.store, NULL), -EINVAL);
	contiv_store_txn_free(NULL);
	ck_assert_int_eq(contiv_store_txn_compare(NULL, KEY("a"), 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_put(NULL, KEY("a"), "v", 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_delete(NULL, KEY("a")), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_commit(NULL, &rev), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, NULL, 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_put(txn, NULL, "v", 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("a"), NULL, 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_delete(txn, NULL), -EINVAL);
	contiv_store_txn_free(txn);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), NULL, NULL), -ENOENT);
}
END_TEST

START_TEST(bad_urls)
{
	static const char *const urls[] = { "", "nope", "ftp://x", "sqlite://", "etcd://", "://x" };
	struct contiv_store *s = NULL;

	BEGIN();
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		ck_assert_msg(contiv_store_open(t.ctx, urls[i], NULL, &s) == -EINVAL, "%s", urls[i]);
		ck_assert_str_ne(contiv_ctx_get_error(t.ctx), "");
	}
	ck_assert_ptr_null(s);
	/* a reference keeps the store open */
	ck_assert_ptr_eq(contiv_store_ref(t.store), t.store);
	ck_assert_ptr_null(contiv_store_unref(t.store));
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), NULL, NULL), -ENOENT);
}
END_TEST

/* ---- get, put, delete ---- */

START_TEST(put_get_delete)
{
	uint64_t r0, r1, r2, r3, r4, mod = 0, rev = 0;
	char *value = NULL;

	BEGIN();
	r0 = revision_now();
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), &value, &mod), -ENOENT);
	ck_assert_ptr_null(value);
	put_ok(KEY("a"), "one", &r1);
	ck_assert_uint_eq(r1, r0 + 1);
	ck_assert_uint_eq(revision_now(), r1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), &value, &mod), 0);
	ck_assert_str_eq(value, "one");
	ck_assert_uint_eq(mod, r1);
	contiv_free(value);
	value = NULL;

	put_ok(KEY("a"), "two", &r2);
	ck_assert_uint_eq(r2, r1 + 1);
	put_ok(KEY("b"), "", &r3);	/* an empty value is a value */
	ck_assert_uint_eq(r3, r2 + 1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), &value, &mod), 0);
	ck_assert_str_eq(value, "two");
	ck_assert_uint_eq(mod, r2);
	contiv_free(value);
	value = NULL;
	ck_assert_int_eq(contiv_store_get(t.store, KEY("b"), &value, NULL), 0);
	ck_assert_str_eq(value, "");
	contiv_free(value);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("b"), NULL, &mod), 0);
	ck_assert_uint_eq(mod, r3);

	ck_assert_int_eq(contiv_store_delete(t.store, KEY("a"), &r4), 0);
	ck_assert_uint_eq(r4, r3 + 1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), NULL, NULL), -ENOENT);
	rev = 12345;
	ck_assert_int_eq(contiv_store_delete(t.store, KEY("a"), &rev), -ENOENT);
	ck_assert_uint_eq(rev, 12345);	/* untouched on failure */
	ck_assert_int_eq(contiv_store_delete(t.store, KEY("never"), NULL), -ENOENT);
	ck_assert_uint_eq(revision_now(), r4);	/* failed deletes move nothing */
	ck_assert_int_eq(contiv_store_delete(t.store, KEY("b"), NULL), 0);
	ck_assert_uint_eq(revision_now(), r4 + 1);
}
END_TEST

START_TEST(key_value_validation)
{
	char *big_key = malloc(CONTIV_STORE_KEY_MAX + 2), *big_value = malloc(CONTIV_STORE_VALUE_MAX + 2);
	static const char *const bad[] = { "", "/t/with space", "/t/tab\there", "/t/caf\xc3\xa9",
					   "/t/del\x7f", "/t/nl\n" };
	struct seen seen = { 0 };
	char *value = NULL;
	size_t plen;
	uint64_t r0;

	BEGIN();
	r0 = revision_now();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(contiv_store_put(t.store, bad[i], "v", NULL), -EINVAL);
		ck_assert_int_eq(contiv_store_get(t.store, bad[i], NULL, NULL), -EINVAL);
		ck_assert_int_eq(contiv_store_delete(t.store, bad[i], NULL), -EINVAL);
	}
	ck_assert_int_eq(contiv_store_list(t.store, "a b", never, NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_watch(t.store, "a\xff", 0, 0, never_event, NULL, NULL),
			 -EINVAL);

	/* keys: 1024 bytes fine, 1025 not */
	plen = strlen(t.prefix);
	memcpy(big_key, t.prefix, plen);
	memset(big_key + plen, 'k', CONTIV_STORE_KEY_MAX + 1 - plen);
	big_key[CONTIV_STORE_KEY_MAX + 1] = '\0';
	ck_assert_int_eq(contiv_store_put(t.store, big_key, "v", NULL), -EINVAL);
	ck_assert_str_ne(contiv_ctx_get_error(t.ctx), "");
	ck_assert_uint_eq(revision_now(), r0);
	big_key[CONTIV_STORE_KEY_MAX] = '\0';
	put_ok(big_key, "v", NULL);

	/* values: 1 MiB fine, one byte more not */
	memset(big_value, 'v', CONTIV_STORE_VALUE_MAX + 1);
	big_value[CONTIV_STORE_VALUE_MAX + 1] = '\0';
	ck_assert_int_eq(contiv_store_put(t.store, KEY("big"), big_value, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("big"), NULL, NULL), -ENOENT);
	big_value[CONTIV_STORE_VALUE_MAX] = '\0';
	put_ok(KEY("big"), big_value, NULL);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("big"), &value, NULL), 0);
	ck_assert_uint_eq(strlen(value), CONTIV_STORE_VALUE_MAX);
	ck_assert_int_eq(memcmp(value, big_value, CONTIV_STORE_VALUE_MAX), 0);
	contiv_free(value);

	/* only the two good puts were stored */
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, on_kv, &seen, NULL), 2);
	ck_assert_uint_eq(revision_now(), r0 + 2);
	free(big_key);
	free(big_value);
}
END_TEST

/* ---- list ---- */

START_TEST(list_prefix)
{
	/* put out of order; "a/" sorts before "a0" and after "a" in byte order */
	static const char *const names[] = { "b", "a0", "a/x", "a", "A", "a/", "ab" };
	struct seen seen = { 0 };
	uint64_t rev = 0, last = 0;
	char other[256];

	BEGIN();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		put_ok(KEY(names[i]), names[i], &last);
	snprintf(other, sizeof(other), "%.*sZ", (int)strlen(t.prefix) - 1, t.prefix);
	put_ok(other, "outside", &last);	/* shares the prefix but its last byte */

	ck_assert_int_eq(contiv_store_list(t.store, KEY("a"), on_kv, &seen, &rev), 5);
	ck_assert_uint_eq(rev, last);
	ck_assert_str_eq(seen.key[0], KEY("a"));
	ck_assert_str_eq(seen.key[1], KEY("a/"));
	ck_assert_str_eq(seen.key[2], KEY("a/x"));
	ck_assert_str_eq(seen.key[3], KEY("a0"));
	ck_assert_str_eq(seen.key[4], KEY("ab"));
	ck_assert_str_eq(seen.value[2], "a/x");
	for (int i = 0; i < seen.n; i++) {
		uint64_t mod;
		ck_assert_int_eq(contiv_store_get(t.store, seen.key[i], NULL, &mod), 0);
		ck_assert_uint_eq(seen.rev[i], mod);
	}

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, on_kv, &seen, &rev), 7);
	ck_assert_str_eq(seen.key[0], KEY("A"));
	ck_assert_str_eq(seen.key[6], KEY("b"));
	for (int i = 1; i < seen.n; i++)
		ck_assert_int_lt(strcmp(seen.key[i - 1], seen.key[i]), 0);

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(contiv_store_list(t.store, KEY("nothing"), on_kv, &seen, &rev), 0);
	ck_assert_int_eq(seen.n, 0);
	ck_assert_uint_eq(rev, revision_now());
}
END_TEST

START_TEST(list_stop_and_snapshot)
{
	struct seen seen = { .stop_at = 2 };
	uint64_t rev = 0, r1, r2;

	BEGIN();
	put_ok(KEY("1"), "a", NULL);
	put_ok(KEY("2"), "b", NULL);
	put_ok(KEY("3"), "c", &r1);
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, on_kv, &seen, NULL), 7);
	ck_assert_int_eq(seen.n, 2);

	/* "" lists everything, ours included */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_ge(contiv_store_list(t.store, "", never, NULL, &rev), 3);
	ck_assert_uint_ge(rev, r1);

	/* the snapshot revision follows writes */
	put_ok(KEY("2"), "B", &r2);
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, on_kv, &seen, &rev), 3);
	ck_assert_uint_eq(rev, r2);
	ck_assert_str_eq(seen.value[1], "B");
	ck_assert_uint_eq(seen.rev[1], r2);
	ck_assert_uint_eq(seen.rev[2], r1);
}
END_TEST

/* ---- transactions ---- */

static int create_if_absent(struct contiv_store *store, const char *key, const char *value,
			    uint64_t *ret_revision)
{
	struct contiv_store_txn *txn = NULL;
	int r = contiv_store_txn_new(store, &txn);

	if (r == 0)
		r = contiv_store_txn_compare(txn, key, 0);
	if (r == 0)
		r = contiv_store_txn_put(txn, key, value, 0);
	if (r == 0)
		r = contiv_store_txn_commit(txn, ret_revision);
	contiv_store_txn_free(txn);
	return r;
}

START_TEST(txn_create_once)
{
	uint64_t r1 = 0, rev = 99;
	char *value = NULL;

	BEGIN();
	ck_assert_int_eq(create_if_absent(t.store, KEY("x"), "first", &r1), 0);
	ck_assert_int_eq(create_if_absent(t.store, KEY("x"), "second", &rev), -CONTIV_ERR_CONFLICT);
	ck_assert_str_ne(contiv_ctx_get_error(t.ctx), "");
	ck_assert_uint_eq(rev, 99);
	ck_assert_uint_eq(revision_now(), r1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("x"), &value, NULL), 0);
	ck_assert_str_eq(value, "first");
	contiv_free(value);
	/* once deleted, absent again */
	ck_assert_int_eq(contiv_store_delete(t.store, KEY("x"), NULL), 0);
	ck_assert_int_eq(create_if_absent(t.store, KEY("x"), "third", NULL), 0);
}
END_TEST

START_TEST(txn_compare_mod_revision)
{
	struct contiv_store_txn *txn = NULL;
	uint64_t r1, r2, r3 = 0;
	char *value = NULL;

	BEGIN();
	put_ok(KEY("c"), "1", &r1);
	put_ok(KEY("c"), "2", &r2);
	/* a stale mod_revision loses */
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, KEY("c"), r1), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("c"), "stale", 0), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -CONTIV_ERR_CONFLICT);
	contiv_store_txn_free(txn);
	/* "must not exist" loses against an existing key */
	ck_assert_int_eq(create_if_absent(t.store, KEY("c"), "x", NULL), -CONTIV_ERR_CONFLICT);
	/* the current one wins */
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, KEY("c"), r2), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("c"), "3", 0), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, &r3), 0);
	contiv_store_txn_free(txn);
	ck_assert_uint_eq(r3, r2 + 1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("c"), &value, NULL), 0);
	ck_assert_str_eq(value, "3");
	contiv_free(value);
}
END_TEST

START_TEST(txn_atomic)
{
	struct contiv_store_txn *txn = NULL;
	struct seen seen = { 0 };
	uint64_t r1, r2;
	char *value = NULL;

	BEGIN();
	put_ok(KEY("keep"), "old", NULL);
	put_ok(KEY("guard"), "g", &r1);
	put_ok(KEY("guard"), "g2", &r2);
	/* the second comparison fails: none of the operations happens */
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, KEY("new"), 0), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, KEY("guard"), r1), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("new"), "n", 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("keep"), "overwritten", 0), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, KEY("guard")), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -CONTIV_ERR_CONFLICT);
	contiv_store_txn_free(txn);
	ck_assert_uint_eq(revision_now(), r2);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("new"), NULL, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("keep"), &value, NULL), 0);
	ck_assert_str_eq(value, "old");
	contiv_free(value);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("guard"), NULL, NULL), 0);
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r2, 0, on_event, &seen, NULL), 0);
}
END_TEST

START_TEST(txn_one_revision)
{
	struct contiv_store_txn *txn = NULL;
	struct seen seen = { 0 };
	uint64_t r0, r1 = 0, mod;

	BEGIN();
	put_ok(KEY("gone"), "g", &r0);
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("p1"), "1", 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("p2"), "2", 0), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, KEY("gone")), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, KEY("missing")), 0);	/* not an error */
	ck_assert_int_eq(contiv_store_txn_commit(txn, &r1), 0);
	contiv_store_txn_free(txn);
	ck_assert_uint_eq(r1, r0 + 1);
	ck_assert_uint_eq(revision_now(), r1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("p1"), NULL, &mod), 0);
	ck_assert_uint_eq(mod, r1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("p2"), NULL, &mod), 0);
	ck_assert_uint_eq(mod, r1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("gone"), NULL, NULL), -ENOENT);
	/* its three changes carry the one revision */
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 0, on_event, &seen, NULL), 3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(seen.rev[i], r1);
}
END_TEST

START_TEST(txn_commit_twice)
{
	struct contiv_store_txn *txn = NULL;
	uint64_t r1;

	BEGIN();
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -EINVAL);	/* empty */
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("k"), "v", 0), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, &r1), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("k2"), "v", 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_compare(txn, KEY("k"), 0), -EINVAL);
	ck_assert_int_eq(contiv_store_txn_delete(txn, KEY("k")), -EINVAL);
	contiv_store_txn_free(txn);
	ck_assert_uint_eq(revision_now(), r1);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("k2"), NULL, NULL), -ENOENT);
	/* a failed commit cannot be retried either */
	ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, KEY("k"), 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, KEY("k"), "w", 0), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -CONTIV_ERR_CONFLICT);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -EINVAL);
	contiv_store_txn_free(txn);
}
END_TEST

/* ---- watch ---- */

START_TEST(watch_events)
{
	struct seen seen = { 0 };
	uint64_t r0, r1, r2, r3, r4, next = 0;

	BEGIN();
	r0 = revision_now();
	put_ok(KEY("a"), "1", &r1);
	put_ok(KEY("b"), "2", &r2);
	put_ok(KEY("a"), "3", &r3);
	ck_assert_int_eq(contiv_store_delete(t.store, KEY("b"), &r4), 0);

	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 0, on_event, &seen, &next), 4);
	ck_assert_uint_eq(next, r4);
	ck_assert_uint_eq(seen.type[0], CONTIV_STORE_PUT);
	ck_assert_str_eq(seen.key[0], KEY("a"));
	ck_assert_str_eq(seen.value[0], "1");
	ck_assert_uint_eq(seen.rev[0], r1);
	ck_assert_uint_eq(seen.type[1], CONTIV_STORE_PUT);
	ck_assert_str_eq(seen.key[1], KEY("b"));
	ck_assert_uint_eq(seen.rev[1], r2);
	ck_assert_str_eq(seen.value[2], "3");
	ck_assert_uint_eq(seen.rev[2], r3);
	ck_assert_uint_eq(seen.type[3], CONTIV_STORE_DELETE);
	ck_assert_str_eq(seen.key[3], KEY("b"));
	ck_assert_str_eq(seen.value[3], "");
	ck_assert_uint_eq(seen.rev[3], r4);

	/* from the middle */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r2, 0, on_event, &seen, &next), 2);
	ck_assert_uint_eq(seen.rev[0], r3);
	/* nothing after the last */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r4, 0, on_event, &seen, &next), 0);
	ck_assert_uint_ge(next, r4);

	/* a stop value is returned, the events after it are not delivered */
	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 2;
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 0, on_event, &seen, NULL), 7);
	ck_assert_int_eq(seen.n, 2);
}
END_TEST

START_TEST(watch_prefix)
{
	struct seen seen = { 0 };
	uint64_t r0, r2;

	BEGIN();
	r0 = revision_now();
	put_ok(KEY("dir/a"), "1", NULL);
	put_ok(KEY("other/a"), "2", NULL);
	put_ok(KEY("dir/b"), "3", &r2);
	put_ok(KEY("dirt"), "4", NULL);
	ck_assert_int_eq(contiv_store_watch(t.store, KEY("dir/"), r0, 0, on_event, &seen, NULL), 2);
	ck_assert_str_eq(seen.key[0], KEY("dir/a"));
	ck_assert_str_eq(seen.key[1], KEY("dir/b"));
	ck_assert_uint_eq(seen.rev[1], r2);
}
END_TEST

START_TEST(watch_timeouts)
{
	struct seen seen = { 0 };
	uint64_t r0, next = 0;
	int64_t start;

	BEGIN();
	put_ok(KEY("x"), "1", &r0);
	start = now_ms();
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 0, on_event, &seen, &next), 0);
	ck_assert_int_lt(now_ms() - start, 1000);
	ck_assert_uint_ge(next, r0);
	/* waits about as long as asked, and nothing comes */
	start = now_ms();
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 300, on_event, &seen, &next), 0);
	ck_assert_int_ge(now_ms() - start, 250);
	ck_assert_int_lt(now_ms() - start, 3000);
	ck_assert_int_eq(seen.n, 0);
	/* an event already there comes at once, however long the timeout */
	put_ok(KEY("y"), "2", NULL);
	start = now_ms();
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, -1, on_event, &seen, &next), 1);
	ck_assert_int_lt(now_ms() - start, 1000);
}
END_TEST

/* The child of watch_other_process: waits for the parent's word, then writes. */
static int write_later(const struct store_test *st, int fd)
{
	struct contiv_store *store = NULL;
	struct contiv_ctx *ctx = NULL;
	char c;
	int r;

	if (read(fd, &c, 1) != 1)
		return 2;
	usleep(300 * 1000);
	if (store_test_open(st, &ctx, &store) < 0)
		return 3;
	r = contiv_store_put(store, store_test_key(st, "from-child"), "hello", NULL);
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	return r == 0 ? 0 : 4;
}

START_TEST(watch_other_process)
{
	struct seen seen = { 0 };
	uint64_t r0, next = 0;
	int64_t start;
	int fds[2];
	pid_t pid;

	/* fork before opening: a child must not inherit an open store */
	store_test_begin(&t, __func__, 0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = store_test_fork(&t, write_later, fds[0]);
	close(fds[0]);
	ck_assert_int_eq(store_test_open(&t, &t.ctx, &t.store), 0);
	r0 = revision_now();
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 0, on_event, &seen, NULL), 0);
	ck_assert_int_eq(write(fds[1], "g", 1), 1);
	close(fds[1]);
	start = now_ms();
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r0, 10000, on_event, &seen, &next), 1);
	ck_assert_int_ge(now_ms() - start, 100);	/* it did wait for the child */
	ck_assert_int_lt(now_ms() - start, 5000);	/* and woke up on its write */
	ck_assert_int_eq(store_test_wait(pid), 0);
	ck_assert_uint_eq(seen.type[0], CONTIV_STORE_PUT);
	ck_assert_str_eq(seen.key[0], KEY("from-child"));
	ck_assert_str_eq(seen.value[0], "hello");
	ck_assert_uint_gt(seen.rev[0], r0);
	ck_assert_uint_eq(next, seen.rev[0]);
}
END_TEST

START_TEST(watch_compacted)
{
	struct seen seen = { 0 };
	uint64_t r1, r2, r3, next = 0;

	BEGIN();
	put_ok(KEY("a"), "1", &r1);
	put_ok(KEY("a"), "2", &r2);
	put_ok(KEY("a"), "3", &r3);
	ck_assert_int_eq(contiv_store_compact(t.store, r3 + 1000000), -EINVAL);
	ck_assert_int_eq(contiv_store_compact(t.store, r2), 0);
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r1, 0, on_event, &seen, &next),
			 -CONTIV_ERR_COMPACTED);
	ck_assert_str_ne(contiv_ctx_get_error(t.ctx), "");
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r2 - 1, 0, on_event, &seen, &next),
			 -CONTIV_ERR_COMPACTED);
	ck_assert_int_eq(seen.n, 0);
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r2, 0, on_event, &seen, &next), 1);
	ck_assert_uint_eq(seen.rev[0], r3);
	ck_assert_str_eq(seen.value[0], "3");
	/* the keys themselves stay */
	ck_assert_int_eq(contiv_store_get(t.store, KEY("a"), NULL, NULL), 0);
}
END_TEST

/* ---- leases ---- */

static int put_with_lease(const char *key, const char *value, uint64_t lease, uint64_t *ret_revision)
{
	struct contiv_store_txn *txn = NULL;
	int r = contiv_store_txn_new(t.store, &txn);

	if (r == 0)
		r = contiv_store_txn_put(txn, key, value, lease);
	if (r == 0)
		r = contiv_store_txn_commit(txn, ret_revision);
	contiv_store_txn_free(txn);
	return r;
}

START_TEST(lease_expiry)
{
	struct seen seen = { 0 };
	uint64_t lease = 0, r1;
	int64_t start;
	int r = 0;

	BEGIN();
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 1, &lease), 0);
	ck_assert_uint_ne(lease, 0);
	ck_assert_int_eq(put_with_lease(KEY("eph"), "e", lease, &r1), 0);
	put_ok(KEY("stays"), "s", NULL);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("eph"), NULL, NULL), 0);
	start = now_ms();
	while (now_ms() - start < 5000) {
		r = contiv_store_get(t.store, KEY("eph"), NULL, NULL);
		if (r != 0)
			break;
		usleep(100 * 1000);
	}
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("stays"), NULL, NULL), 0);
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, on_kv, &seen, NULL), 1);
	/* the expiry is a DELETE event */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_ge(contiv_store_watch(t.store, KEY("eph"), r1, 2000, on_event, &seen, NULL), 1);
	ck_assert_uint_eq(seen.type[0], CONTIV_STORE_DELETE);
	ck_assert_str_eq(seen.key[0], KEY("eph"));
	ck_assert_uint_gt(seen.rev[0], r1);
	ck_assert_int_eq(contiv_store_lease_keepalive(t.store, lease), -ENOENT);
	ck_assert_int_eq(put_with_lease(KEY("late"), "l", lease, NULL), -ENOENT);
}
END_TEST

START_TEST(lease_revoke)
{
	struct seen seen = { 0 };
	uint64_t lease = 0, r0, r2;

	BEGIN();
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 60, &lease), 0);
	ck_assert_int_eq(contiv_store_lease_keepalive(t.store, lease), 0);
	ck_assert_int_eq(put_with_lease(KEY("l1"), "1", lease, &r0), 0);
	ck_assert_int_eq(put_with_lease(KEY("l2"), "2", lease, NULL), 0);
	put_ok(KEY("free"), "f", &r2);
	ck_assert_int_eq(contiv_store_lease_revoke(t.store, lease), 0);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("l1"), NULL, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("l2"), NULL, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("free"), NULL, NULL), 0);
	ck_assert_uint_gt(revision_now(), r2);
	ck_assert_int_eq(contiv_store_watch(t.store, t.prefix, r2, 0, on_event, &seen, NULL), 2);
	ck_assert_uint_eq(seen.type[0], CONTIV_STORE_DELETE);
	ck_assert_uint_eq(seen.type[1], CONTIV_STORE_DELETE);
	ck_assert_str_eq(seen.key[0], KEY("l1"));
	ck_assert_str_eq(seen.key[1], KEY("l2"));
	ck_assert_uint_eq(seen.rev[0], seen.rev[1]);	/* one write */
	ck_assert_int_eq(contiv_store_lease_revoke(t.store, lease), -ENOENT);
	ck_assert_int_eq(contiv_store_lease_keepalive(t.store, lease), -ENOENT);
}
END_TEST

START_TEST(lease_unknown)
{
	uint64_t lease = 0, r0;

	BEGIN();
	r0 = revision_now();
	ck_assert_int_eq(contiv_store_lease_keepalive(t.store, 0x1234567), -ENOENT);
	ck_assert_str_ne(contiv_ctx_get_error(t.ctx), "");
	ck_assert_int_eq(contiv_store_lease_revoke(t.store, 0x1234567), -ENOENT);
	ck_assert_int_eq(put_with_lease(KEY("k"), "v", 0x1234567, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("k"), NULL, NULL), -ENOENT);
	/* a put without the lease detaches the key from it */
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 60, &lease), 0);
	ck_assert_int_eq(put_with_lease(KEY("k"), "v", lease, NULL), 0);
	put_ok(KEY("k"), "w", NULL);
	ck_assert_int_eq(contiv_store_lease_revoke(t.store, lease), 0);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("k"), NULL, NULL), 0);
	ck_assert_uint_ge(revision_now(), r0 + 2);
}
END_TEST

/* ---- many writers ---- */

#define WRITERS 50
#define INCREMENTS 3

/* One writer: creates its own key once, then increments the shared counter. */
static int writer(const struct store_test *st, int i)
{
	struct contiv_store *store = NULL;
	struct contiv_ctx *ctx = NULL;
	char name[32], num[32];
	int r, status = 0;

	if (store_test_open(st, &ctx, &store) < 0)
		return 2;
	snprintf(name, sizeof(name), "w%02d", i);
	if (create_if_absent(store, store_test_key(st, name), "mine", NULL) != 0)
		status = 3;
	else if (create_if_absent(store, store_test_key(st, name), "again", NULL) != -CONTIV_ERR_CONFLICT)
		status = 4;
	for (int n = 0; n < INCREMENTS && !status; n++) {
		for (int tries = 0;; tries++) {
			struct contiv_store_txn *txn = NULL;
			uint64_t mod = 0;
			char *value = NULL;
			long count = 0;

			r = contiv_store_get(store, store_test_key(st, "counter"), &value, &mod);
			if (r == 0)
				count = strtol(value, NULL, 10);
			contiv_free(value);
			if (r < 0 && r != -ENOENT) {
				status = 5;
				break;
			}
			snprintf(num, sizeof(num), "%ld", count + 1);
			r = contiv_store_txn_new(store, &txn);
			if (r == 0)
				r = contiv_store_txn_compare(txn, store_test_key(st, "counter"), mod);
			if (r == 0)
				r = contiv_store_txn_put(txn, store_test_key(st, "counter"), num, 0);
			if (r == 0)
				r = contiv_store_txn_commit(txn, NULL);
			contiv_store_txn_free(txn);
			if (r == 0)
				break;
			if (r != -CONTIV_ERR_CONFLICT || tries > 10000) {
				status = 6;
				break;
			}
		}
	}
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	return status;
}

START_TEST(concurrent_writers)
{
	struct seen seen = { 0 };
	pid_t pids[WRITERS];
	char *value = NULL;

	/* fork before opening: a child must not inherit an open store */
	store_test_begin(&t, __func__, 0);
	for (int i = 0; i < WRITERS; i++)
		pids[i] = store_test_fork(&t, writer, i);
	for (int i = 0; i < WRITERS; i++) {
		int status = store_test_wait(pids[i]);
		ck_assert_msg(status == 0, "writer %d: exit status %d", i, status);
	}
	ck_assert_int_eq(store_test_open(&t, &t.ctx, &t.store), 0);
	ck_assert_int_eq(contiv_store_get(t.store, KEY("counter"), &value, NULL), 0);
	ck_assert_int_eq(atoi(value), WRITERS * INCREMENTS);	/* no lost update */
	contiv_free(value);
	ck_assert_int_eq(contiv_store_list(t.store, t.prefix, on_kv, &seen, NULL), WRITERS + 1);
	for (int i = 0; i < WRITERS; i++)
		ck_assert_str_eq(seen.value[i + 1], "mine");
}
END_TEST

Suite *make_store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = store_test_tcase("basic", teardown, 30);
	/* waits on clocks and other processes */
	TCase *slow = store_test_tcase("slow", teardown, 120);

	tcase_add_test(tc, null_args);
	tcase_add_test(tc, bad_urls);
	tcase_add_test(tc, put_get_delete);
	tcase_add_test(tc, key_value_validation);
	tcase_add_test(tc, list_prefix);
	tcase_add_test(tc, list_stop_and_snapshot);
	tcase_add_test(tc, txn_create_once);
	tcase_add_test(tc, txn_compare_mod_revision);
	tcase_add_test(tc, txn_atomic);
	tcase_add_test(tc, txn_one_revision);
	tcase_add_test(tc, txn_commit_twice);
	tcase_add_test(tc, watch_events);
	tcase_add_test(tc, watch_prefix);
	tcase_add_test(tc, watch_timeouts);
	tcase_add_test(tc, watch_compacted);
	tcase_add_test(tc, lease_revoke);
	tcase_add_test(tc, lease_unknown);
	suite_add_tcase(s, tc);

	tcase_add_test(slow, watch_other_process);
	tcase_add_test(slow, lease_expiry);
	tcase_add_test(slow, concurrent_writers);
	suite_add_tcase(s, slow);
	return s;
}
