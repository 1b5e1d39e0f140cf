/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The master's read cache (libcontiv/master/cache.c): stale entries after
 * another master's writes, interleaved and concurrent masters on one store
 * (SQLite, and CONTIV_TEST_STORE_URL when set), its bounds, store errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-master.h"
#include "check-suites.h"
#include "master/master-private.h"

/* A request to master m; checks the status; the body (free it). */
static char *req_at(const char *file, int line, struct contiv_master *m, const char *method,
		    const char *path, const char *body, int status)
{
	char *out = NULL;
	int r = contiv_master_handle(m, method, path, body, body ? strlen(body) : 0, &out);

	ck_assert_msg(r == status, "%s:%d: %s %s: status %d (want %d): %s", file, line, method,
		      path, r, status, out ? out : "");
	return out;
}
#define req(m, method, path, body, status) req_at(__FILE__, __LINE__, m, method, path, body, status)

static void req_free(struct contiv_master *m, const char *method, const char *path,
		     const char *body, int status)
{
	free(req(m, method, path, body, status));
}

/* POSTs endpoint id on tenant:network from m; the last byte of its IPv4 address, or -1 when status != 200. */
static int ep_on(struct contiv_master *m, const char *tenant, const char *network, const char *id,
		 int status)
{
	char path[256], body[512], *out;
	const char *ip;
	int last = -1;

	snprintf(path, sizeof(path), "/api/v1/endpoints/%s/", id);
	snprintf(body, sizeof(body), "{\"tenantName\":\"%s\",\"networkName\":\"%s\"}", tenant,
		 network);
	out = req(m, "POST", path, body, status);
	if (status == 200) {
		ip = strstr(out, "\"ipAddress\":\"10.9.");
		ck_assert_msg(ip != NULL, "no address in %s", out);
		ip = strchr(ip + strlen("\"ipAddress\":\"10.9."), '.');
		ck_assert_ptr_nonnull(ip);
		last = atoi(ip + 1);
	}
	free(out);
	return last;
}

/* Network tenant:name with subnet 10.9.<n>.0/24, n the digit in name ("n1": 1). */
static void net_on(struct contiv_master *m, const char *tenant, const char *name, int status)
{
	char path[256], body[512];
	int n = atoi(name + strcspn(name, "0123456789"));

	snprintf(path, sizeof(path), "/api/v1/networks/%s:%s/", tenant, name);
	snprintf(body, sizeof(body),
		 "{\"tenantName\":\"%s\",\"networkName\":\"%s\",\"encap\":\"vxlan\","
		 "\"subnet\":\"10.9.%d.0/24\",\"gateway\":\"10.9.%d.254\"}", tenant, name, n, n);
	req_free(m, "POST", path, body, status);
}

/* Another master (own context and store) on the test's store. */
struct other {
	struct contiv_ctx *ctx;
	struct contiv_store *store;
	struct contiv_master *m;
};

static void other_open(struct other *o, const struct contiv_store_opts *opts)
{
	ck_assert_int_eq(contiv_ctx_new(NULL, &o->ctx), 0);
	ck_assert_msg(contiv_store_open(o->ctx, mt.url, opts, &o->store) == 0, "%s",
		      contiv_ctx_get_error(o->ctx));
	ck_assert_int_eq(contiv_master_new(o->ctx, o->store, NULL, &o->m), 0);
}

static void other_close(struct other *o)
{
	o->m = contiv_master_unref(o->m);
	o->store = contiv_store_unref(o->store);
	o->ctx = contiv_ctx_unref(o->ctx);
}

/* The master test's store, SQLite or CONTIV_TEST_STORE_URL, with a tenant of its own. */
static void begin_any(const char *name, bool sqlite, char *tenant, size_t len)
{
	char path[256];
	int r;

	store_test_begin(&mt, name, STORE_TEST_OPEN | (sqlite ? STORE_TEST_SQLITE : 0));
	ck_assert_int_eq(contiv_master_new(mt.ctx, mt.store, NULL, &mm), 0);
	r = contiv_master_init(mm);
	ck_assert_msg(r == 0, "init: %d %s", r, contiv_ctx_get_error(mt.ctx));
	/* a shared etcd keeps earlier runs' objects: a tenant of this run's own */
	snprintf(tenant, len, "c%dt%d", (int)getpid(), sqlite ? 1 : 2);
	snprintf(path, sizeof(path), "/api/v1/tenants/%s/", tenant);
	req_free(mm, "POST", path, "{}", 200);
}

/* ---- the cache alone ---- */

START_TEST(cache_unit)
{
	struct contiv__mcache c;
	char *v = NULL;
	uint64_t rev = 0;

	contiv__mcache_init(&c);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/a", &v, &rev), 0);
	contiv__mcache_store(&c, "/a", "va", 5);
	contiv__mcache_store(&c, "/b", NULL, 0);	/* absence */
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/a", &v, &rev), 1);
	ck_assert_str_eq(v, "va");
	ck_assert_uint_eq(rev, 5);
	free(v);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/b", &v, &rev), 1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(rev, 0);
	/* a value without a revision is not believed */
	contiv__mcache_store(&c, "/a", "new", 0);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/a", NULL, &rev), 0);
	/* many keys: the buckets grow, all found */
	for (int i = 0; i < 500; i++) {
		char k[32];

		snprintf(k, sizeof(k), "/k/%d", i);
		contiv__mcache_store(&c, k, k, (uint64_t)i + 10);
	}
	for (int i = 0; i < 500; i++) {
		char k[32];

		snprintf(k, sizeof(k), "/k/%d", i);
		ck_assert_int_eq(contiv__mcache_lookup(&c, k, &v, &rev), 1);
		ck_assert_str_eq(v, k);
		ck_assert_uint_eq(rev, (uint64_t)i + 10);
		free(v);
	}
	/* least recently used first out */
	contiv__mcache_set_limits(&c, 3, 1u << 20);
	ck_assert_uint_eq(c.n, 3);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/k/497", NULL, &rev), 1);
	contiv__mcache_store(&c, "/x", "x", 1000);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/k/498", NULL, &rev), 0);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/k/497", NULL, &rev), 1);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/k/499", NULL, &rev), 1);
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/x", NULL, &rev), 1);
	contiv__mcache_forget(&c, "/x");
	ck_assert_int_eq(contiv__mcache_lookup(&c, "/x", NULL, &rev), 0);
	ck_assert_uint_eq(c.n, 2);
	/* a store that went back in time: everything goes */
	contiv__mcache_saw_revision(&c, 2000);
	ck_assert_uint_eq(c.n, 2);
	contiv__mcache_saw_revision(&c, 1999);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(c.bytes, 0);
	contiv__mcache_clear(&c);
}
END_TEST

/* ---- two masters on one store ---- */

START_TEST(stale_entries)
{
	struct other b = { 0 };
	int ips[8], n = 0;
	uint64_t reruns;
	char *out;

	master_test_begin("stale_entries");
	other_open(&b, NULL);
	net_on(mm, "default", "n1", 200);
	ips[n++] = ep_on(mm, "default", "n1", "a1", 200);	/* mm caches n1's state */
	ips[n++] = ep_on(b.m, "default", "n1", "b1", 200);	/* ... which b changes */
	ips[n++] = ep_on(b.m, "default", "n1", "b2", 200);
	ck_assert_uint_eq(mm->conflicts_retried, 0);
	ips[n++] = ep_on(mm, "default", "n1", "a2", 200);	/* stale: conflict, read again */
	ck_assert_uint_eq(mm->conflicts_retried, 1);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			ck_assert_msg(ips[i] != ips[j], "10.9.1.%d handed out twice", ips[i]);
	out = req(mm, "GET", "/api/v1/inspect/networks/default:n1/", NULL, 200);
	ck_assert_ptr_nonnull(strstr(out, "\"numEndpoints\":4"));
	free(out);
	/* GETs read fresh: b's writes are seen at once */
	req_free(mm, "GET", "/api/v1/endpoints/b2/", NULL, 200);
	req_free(b.m, "DELETE", "/api/v1/endpoints/a1/", NULL, 200);
	/* mm's cache still holds a1: its delete conflicts, then finds it gone */
	req_free(mm, "DELETE", "/api/v1/endpoints/a1/", NULL, 404);
	ck_assert_uint_eq(mm->conflicts_retried, 2);
	req_free(mm, "GET", "/api/v1/endpoints/a1/", NULL, 404);
	/* (the GET cached a1's absence: the 404 is checked by a fresh rerun) */
	req_free(mm, "DELETE", "/api/v1/endpoints/a1/", NULL, 404);
	/* an answer without a commit is not taken from the cache: computed again */
	req_free(b.m, "DELETE", "/api/v1/endpoints/a2/", NULL, 200);
	reruns = mm->cache_reruns;
	ips[n++] = ep_on(mm, "default", "n1", "a2", 200);	/* cached "exists": rerun, create */
	ck_assert_uint_eq(mm->cache_reruns, reruns + 1);
	req_free(b.m, "GET", "/api/v1/endpoints/a2/", NULL, 200);
	/* a cached absence of a network: the 400 is checked before it is answered */
	ep_on(mm, "default", "n2", "a3", 400);
	net_on(b.m, "default", "n2", 200);
	ep_on(mm, "default", "n2", "a3", 200);
	/* a cached absence of an endpoint another master created: idempotent, not a new address */
	ips[n++] = ep_on(b.m, "default", "n1", "a9", 200);
	ck_assert_int_eq(ep_on(mm, "default", "n1", "a9", 200), ips[n - 1]);
	out = req(mm, "GET", "/api/v1/inspect/networks/default:n1/", NULL, 200);
	ck_assert_msg(strstr(out, "\"numEndpoints\":4") != NULL, "%s", out);	/* b1 b2 a2 a9 */
	free(out);
	other_close(&b);
}
END_TEST

/* Endpoints "<tag>-<i>" created and deleted from two masters in turn; all checked after. */
static void interleave(const char *tenant)
{
	struct other b = { 0 };
	struct contiv_master *ms[2];
	bool live[40] = { false };
	int ip[40], nlive = 0;
	char id[64], path[128], *out;
	bool seen[256] = { false };

	other_open(&b, NULL);
	ms[0] = mm;
	ms[1] = b.m;
	net_on(mm, tenant, "n1", 200);
	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "%s-%d", tenant, i);
		ip[i] = ep_on(ms[i % 2], tenant, "n1", id, 200);
		live[i] = true;
		if (i % 3 == 2) {	/* the other master deletes the one before */
			snprintf(path, sizeof(path), "/api/v1/endpoints/%s-%d/", tenant, i - 1);
			req_free(ms[(i + 1) % 2], "DELETE", path, NULL, 200);
			live[i - 1] = false;
		}
	}
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/api/v1/endpoints/%s-%d/", tenant, i);
		req_free(ms[i % 2], "GET", path, NULL, live[i] ? 200 : 404);
		if (!live[i])
			continue;
		nlive++;
		ck_assert_msg(!seen[ip[i]], "10.9.1.%d handed out twice", ip[i]);
		seen[ip[i]] = true;
	}
	snprintf(path, sizeof(path), "/api/v1/inspect/networks/%s:n1/", tenant);
	out = req(b.m, "GET", path, NULL, 200);
	snprintf(id, sizeof(id), "\"numEndpoints\":%d", nlive);
	ck_assert_msg(strstr(out, id) != NULL, "%s lacks %s", out, id);
	free(out);
	other_close(&b);
}

START_TEST(interleaved_sqlite)
{
	char tenant[64];

	begin_any("interleaved_sqlite", true, tenant, sizeof(tenant));
	interleave(tenant);
}
END_TEST

START_TEST(interleaved_store)
{
	char tenant[64];

	begin_any("interleaved_store", false, tenant, sizeof(tenant));
	interleave(tenant);
}
END_TEST

/* A child: its own master creates 10 endpoints, deletes every other one; 0 if all went well. */
static int churn_child(const struct store_test *t, int i)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_store *store = NULL;
	struct contiv_master *m = NULL;
	char path[128], body[256], *out = NULL;
	int r = 0;

	if (store_test_open(t, &ctx, &store) < 0 || contiv_master_new(ctx, store, NULL, &m) < 0)
		return 2;
	for (int j = 0; r == 0 && j < 10; j++) {
		snprintf(path, sizeof(path), "/api/v1/endpoints/w%d-%d/", i, j);
		snprintf(body, sizeof(body), "{\"tenantName\":\"default\",\"networkName\":\"n1\"}");
		if (contiv_master_handle(m, "POST", path, body, strlen(body), &out) != 200)
			r = 1;
		free(out);
		out = NULL;
		if (r == 0 && j % 2 &&
		    contiv_master_handle(m, "DELETE", path, NULL, 0, &out) != 200)
			r = 1;
		free(out);
		out = NULL;
	}
	contiv_master_unref(m);
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	return r;
}

START_TEST(concurrent_churn)
{
	pid_t pids[6];
	bool seen[256] = { false };
	char path[128], *out;
	int n = 0;

	master_test_begin("concurrent_churn");
	net_on(mm, "default", "n1", 200);
	ep_on(mm, "default", "n1", "warm", 200);	/* mm's cache goes stale meanwhile */
	for (int i = 0; i < 6; i++)
		pids[i] = store_test_fork(&mt, churn_child, i);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(store_test_wait(pids[i]), 0);
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 10; j += 2) {
			const char *ip;
			int last;

			snprintf(path, sizeof(path), "/api/v1/endpoints/w%d-%d/", i, j);
			out = req(mm, "GET", path, NULL, 200);
			ip = strstr(out, "\"ipAddress\":\"10.9.1.");
			ck_assert_ptr_nonnull(ip);
			last = atoi(ip + strlen("\"ipAddress\":\"10.9.1."));
			ck_assert_msg(!seen[last], "10.9.1.%d handed out twice", last);
			seen[last] = true;
			n++;
			free(out);
		}
	/* the stale master allocates next to them, without a clash */
	ck_assert_msg(!seen[ep_on(mm, "default", "n1", "after", 200)], "address handed out twice");
	out = req(mm, "GET", "/api/v1/inspect/networks/default:n1/", NULL, 200);
	snprintf(path, sizeof(path), "\"numEndpoints\":%d", n + 2);
	ck_assert_msg(strstr(out, path) != NULL, "%s lacks %s", out, path);
	free(out);
}
END_TEST

/* ---- bounds and errors ---- */

START_TEST(bounded)
{
	char id[32];

	master_test_begin("bounded");
	net_on(mm, "default", "n1", 200);
	contiv__mcache_set_limits(&mm->cache, 8, 1u << 20);
	for (int i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "e%d", i);
		ep_on(mm, "default", "n1", id, 200);
		ck_assert_uint_le(mm->cache.n, 8);
	}
	ck_assert_uint_gt(mm->cache.evictions, 0);
	contiv__mcache_set_limits(&mm->cache, 1000, 3000);
	for (int i = 30; i < 40; i++) {
		snprintf(id, sizeof(id), "e%d", i);
		ep_on(mm, "default", "n1", id, 200);
		ck_assert_uint_le(mm->cache.bytes, 3000);
	}
	/* no cache at all: everything still works */
	contiv__mcache_set_limits(&mm->cache, 0, 0);
	ck_assert_uint_eq(mm->cache.n, 0);
	ep_on(mm, "default", "n1", "last", 200);
	req_free(mm, "DELETE", "/api/v1/endpoints/e3/", NULL, 200);
	ck_assert_uint_eq(mm->cache.n, 0);
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200, "\"numEndpoints\":40");
}
END_TEST

START_TEST(store_error_flushes)
{
	CONTIV_OPTS(contiv_store_opts, o, .timeout_ms = 200);
	struct other b = { 0 };
	sqlite3 *db = NULL;
	int a1, a2;
	char *out;

	master_test_begin("store_error_flushes");
	other_open(&b, &o);
	net_on(b.m, "default", "n1", 200);
	a1 = ep_on(b.m, "default", "n1", "a1", 200);
	ck_assert_uint_gt(b.m->cache.n, 0);
	/* another connection holds the write lock: the commit fails, the cache goes */
	ck_assert_int_eq(sqlite3_open_v2(mt.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	out = req(b.m, "POST", "/api/v1/endpoints/a2/",
		  "{\"tenantName\":\"default\",\"networkName\":\"n1\"}", 503);
	free(out);
	ck_assert_uint_eq(b.m->cache.n, 0);
	ck_assert_uint_ge(b.m->cache.flushes, 1);
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* meanwhile another master wrote: nothing stale is left to trip over */
	ep_on(mm, "default", "n1", "m1", 200);
	a2 = ep_on(b.m, "default", "n1", "a2", 200);
	ck_assert_int_ne(a1, a2);
	ck_assert_uint_eq(b.m->conflicts_retried, 0);
	/* the counters are in /metrics */
	out = req(b.m, "GET", "/metrics", NULL, 200);
	ck_assert_ptr_nonnull(strstr(out, "contiv_master_cache_flushes_total 1\n"));
	ck_assert_ptr_nonnull(strstr(out, "contiv_master_cache_hits_total "));
	free(out);
	mexpect("GET", "/api/v1/inspect/networks/default:n1/", NULL, 200, "\"numEndpoints\":3");
	other_close(&b);
}
END_TEST

Suite *make_master_cache_suite(void)
{
	Suite *s = suite_create("master-cache");
	TCase *tc = master_tcase("cache");

	tcase_add_test(tc, cache_unit);
	tcase_add_test(tc, stale_entries);
	tcase_add_test(tc, interleaved_sqlite);
	tcase_add_test(tc, interleaved_store);
	tcase_add_test(tc, concurrent_churn);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, store_error_flushes);
	suite_add_tcase(s, tc);
	return s;
}
