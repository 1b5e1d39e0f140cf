/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The etcd backend's own tests.
 * - etcd-codec, etcd-url, etcd-hostile: no etcd needed (a fake server for
 *   garbled answers);
 * - etcd: against CONTIV_TEST_ETCD_URL (a single node, tests/store-etcd.sh);
 * - etcd-cluster: against CONTIV_TEST_ETCD_CLUSTER ("h:p,h:p,h:p") whose
 *   member pids are CONTIV_TEST_ETCD_PIDS in the same order
 *   (tests/store-etcd-cluster.sh); kills one member.
 */
#include "config.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "check-suites.h"
#include "store/etcd-private.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct contiv_ctx *ctx;
static struct contiv_store *store;
static char prefix[128];	/* unique per test: "/t/<pid>/" */

static int open_url(const char *url, uint32_t timeout_ms, struct contiv_store **ret)
{
	CONTIV_OPTS(contiv_store_opts, o, .timeout_ms = timeout_ms);
	return contiv_store_open(ctx, url, &o, ret);
}

static void setup_ctx(void)
{
	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
}

static void teardown_ctx(void)
{
	store = contiv_store_unref(store);
	ctx = contiv_ctx_unref(ctx);
}

static void setup_etcd(void)
{
	setup_ctx();
	ck_assert_msg(open_url(getenv("CONTIV_TEST_ETCD_URL"), 5000, &store) == 0, "open: %s",
		      contiv_ctx_get_error(ctx));
	snprintf(prefix, sizeof(prefix), "/t/%d/", (int)getpid());
}

/* prefix + name, in a static rotating buffer. */
static const char *K(const char *name)
{
	static char bufs[8][256];
	static int i;
	char *b = bufs[i++ % 8];

	snprintf(b, 256, "%s%s", prefix, name);
	return b;
}

/* ---- codec ---- */

START_TEST(codec_b64)
{
	static const char *const good[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "/c/k1", "L2MvazE=" }, { "\xff\xfe", "//4=" },
	};
	static const char *const bad[] = {
		"Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zm9v\n", " Zm9v", "Zm=v", "Zg==Zg==", "Zm9*",
		"====",
	};
	char *out, *enc;
	size_t len;

	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(good); i++) {
		enc = contiv__etcd_b64_encode(good[i][0], strlen(good[i][0]));
		ck_assert_str_eq(enc, good[i][1]);
		free(enc);
		ck_assert_int_eq(contiv__etcd_b64_decode(good[i][1], &out, &len), 0);
		ck_assert_uint_eq(len, strlen(good[i][0]));
		ck_assert_str_eq(out, good[i][0]);
		free(out);
	}
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(bad); i++)
		ck_assert_msg(contiv__etcd_b64_decode(bad[i], &out, &len) == -EINVAL, "accepted \"%s\"",
			      bad[i]);
	ck_assert_int_eq(contiv__etcd_b64_decode("AA==", &out, &len), 0);
	ck_assert_uint_eq(len, 1);
	free(out);
}
END_TEST

START_TEST(codec_json)
{
	static const char *const bad_int[] = {
		"{\"r\":5}", "{\"r\":\"\"}", "{\"r\":\"-1\"}", "{\"r\":\"+1\"}", "{\"r\":\"1 \"}",
		"{\"r\":\"9223372036854775808\"}", "{\"r\":\"99999999999999999999\"}",
		"{\"r\":\"0x10\"}", "{\"r\":null}", "{\"r\":true}",
	};
	json_object *o;
	uint64_t v = 1;
	bool b;

	setup_ctx();
	o = contiv__etcd_json_parse("{\"r\":\"9223372036854775807\"}", 27);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(contiv__etcd_json_int64(ctx, o, "r", "t", &v), 0);
	ck_assert_uint_eq(v, INT64_MAX);
	ck_assert_int_eq(contiv__etcd_json_int64(ctx, o, "absent", "t", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(contiv__etcd_json_bool(ctx, o, "r", "t", &b), -CONTIV_ERR_JSON);
	json_object_put(o);
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(bad_int); i++) {
		o = contiv__etcd_json_parse(bad_int[i], strlen(bad_int[i]));
		if (!o)
			continue;	/* "null" member: json-c keeps it; others parse */
		ck_assert_msg(contiv__etcd_json_int64(ctx, o, "r", "t", &v) == -CONTIV_ERR_JSON,
			      "accepted %s", bad_int[i]);
		json_object_put(o);
	}
	ck_assert_ptr_null(contiv__etcd_json_parse("{} x", 4));
	ck_assert_ptr_null(contiv__etcd_json_parse("{\"a\":1", 6));
	ck_assert_ptr_null(contiv__etcd_json_parse("{}\0{}", 5));
	ck_assert_ptr_null(contiv__etcd_json_parse("", 0));
	o = contiv__etcd_json_parse(" 12 \n", 5);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	teardown_ctx();
}
END_TEST

/* ---- URLs and reachability (no server) ---- */

START_TEST(url_bad)
{
	static const char *const urls[] = {
		"etcd://", "etcd://host", "etcd://h:99999", "etcd://a:1,,b:2", "etcd://h:0",
		"etcd://:5", "etcd://h:5,", "etcd://h:-1", "etcd://h:5x", "etcd://[::1:5",
		"etcd://h o:5", "etcds://host",
	};
	struct contiv_store *s = NULL;

	setup_ctx();
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(urls); i++) {
		ck_assert_msg(open_url(urls[i], 500, &s) == -EINVAL, "%s accepted", urls[i]);
		ck_assert_ctx_error(ctx, urls[i]);
		ck_assert_ptr_null(s);
	}
	teardown_ctx();
}
END_TEST

START_TEST(url_unreachable)
{
	struct contiv_store *s = NULL;
	uint64_t t0;

	setup_ctx();
	t0 = now_ms();
	ck_assert_int_eq(open_url("etcd://127.0.0.1:1,127.0.0.1:2,[::1]:3", 500, &s),
			 -CONTIV_ERR_UNAVAILABLE);
	printf("unreachable: failed after %" PRIu64 " ms (timeout 500): %s\n", now_ms() - t0,
	       contiv_ctx_get_error(ctx));
	ck_assert_uint_lt(now_ms() - t0, 1000);
	ck_assert_ptr_null(s);
	ck_assert_ctx_error(ctx, "127.0.0.1:1");
	ck_assert_ctx_error(ctx, "127.0.0.1:2");
	teardown_ctx();
}
END_TEST

/* ---- a hostile server ---- */

/* Serves the answers in turn, one per request, on any connection (a process each). */
static void fake_server(int fd, const char *const *answers, size_t n)
{
	size_t *shared = mmap(NULL, sizeof(size_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			      -1, 0);

	if (shared == MAP_FAILED)
		_exit(1);
	*shared = 0;
	signal(SIGCHLD, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		char buf[65536];
		size_t len = 0;

		if (c < 0)
			_exit(0);
		if (fork() != 0) {
			close(c);
			continue;
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			ssize_t r = read(c, buf + len, sizeof(buf) - 1 - len);
			char *hdr_end, *cl;
			size_t need;
			char resp[8192];
			const char *body;

			if (r <= 0)
				break;
			len += (size_t)r;
			buf[len] = '\0';
			hdr_end = strstr(buf, "\r\n\r\n");
			if (!hdr_end)
				continue;
			cl = strcasestr(buf, "Content-Length:");
			need = (size_t)(hdr_end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
			if (len < need)
				continue;
			memmove(buf, buf + need, len - need);
			len -= need;
			{
				size_t next = __atomic_fetch_add(shared, 1, __ATOMIC_SEQ_CST);
				body = answers[next < n ? next : n - 1];
			}
			if (!strncmp(body, "HTTP/", 5))
				snprintf(resp, sizeof(resp), "%s", body);
			else
				snprintf(resp, sizeof(resp),
					 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
					 "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
			if (write(c, resp, strlen(resp)) < 0)
				break;
			if (!strcmp(body, "CLOSE"))
				break;
		}
		_exit(0);
	}
}

static pid_t start_fake(const char *const *answers, size_t n, char url[64])
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		fake_server(fd, answers, n);
	close(fd);
	snprintf(url, 64, "etcd://127.0.0.1:%u", ntohs(a.sin_port));
	return pid;
}

static int count_kv(const char *key, const char *value, uint64_t rev, void *userdata)
{
	(*(int *)userdata)++;
	return 0;
}

static int count_ev(uint32_t type, const char *key, const char *value, uint64_t rev, void *userdata)
{
	(*(int *)userdata)++;
	return 0;
}

START_TEST(hostile_answers)
{
#define OK_REV "{\"header\":{\"revision\":\"5\"}}"
	static const char *const answers[] = {
		OK_REV,	/* open */
		"{\"header\":{\"revision\":\"5\"},\"kvs\":[{\"key\":\"!!!\",\"mod_revision\":\"3\"}]}",
		"{\"header\":{\"revision\":\"5\"},\"kvs\":\"x\"}",
		"{\"header\":{\"revision\":\"5\"},\"kvs\":[{\"key\":\"L2E=\",\"mod_revision\":3}]}",
		"{\"header\":{\"revision\":\"5\"},\"kvs\":[{\"key\":\"L2E=\",\"mod_revision\":\"3\",\"value\":\"AGE=\"}]}",
		"{\"header\":{\"revision\":\"5\"},\"kvs\":[{\"key\":\"L2I=\",\"mod_revision\":\"3\"},"
		"{\"key\":\"L2E=\",\"mod_revision\":\"3\"}],\"count\":\"2\"}",
		"{\"header\":{\"revision\":\"5\"},\"succeeded\":\"yes\"}",
		"{\"header\":{\"revision\":5},\"succeeded\":true}",
		"[1,2,3]",
		"not json at all",
		"HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\n{{{{{",
		"{\"header\":{\"revision\":\"5\"}}",	/* watch: revision */
		"{\"result\":{\"created\":true,\"header\":{\"revision\":\"5\"}}}\n"
		"{\"result\":{\"events\":[{\"type\":\"BOGUS\",\"kv\":{}}]}}\n",
		"{\"header\":{\"revision\":\"5\"}}",	/* watch: revision */
		"{\"result\":{\"header\":{\"revision\":\"5\"},\"events\":[]}}\n",
		"{\"header\":{\"revision\":\"5\"}}",	/* watch: revision */
		"{\"result\":{\"created\":true,\"header\":{\"revision\":\"5\"}}}\n"
		"{\"result\":{\"events\":[{\"kv\":{\"key\":\"L2E=\",\"mod_revision\":\"4x\",\"value\":\"eA==\"}}]}}\n",	/* not an int64 */
		"{\"ID\":\"0\"}",			/* lease grant */
		"{\"result\":{\"TTL\":\"-3\"}}",	/* keepalive */
		"CLOSE",
	};
	char url[64], *v = NULL;
	int n = 0, r;
	pid_t pid;

	setup_ctx();
	pid = start_fake(answers, CONTIV_ARRAY_SIZE(answers), url);
	ck_assert_msg(open_url(url, 1000, &store) == 0, "%s", contiv_ctx_get_error(ctx));
	ck_assert_int_eq(contiv_store_get(store, "/a", &v, NULL), -CONTIV_ERR_JSON);
	ck_assert_int_eq(contiv_store_get(store, "/a", &v, NULL), -CONTIV_ERR_JSON);
	ck_assert_int_eq(contiv_store_get(store, "/a", &v, NULL), -CONTIV_ERR_JSON);
	ck_assert_int_eq(contiv_store_get(store, "/a", &v, NULL), -CONTIV_ERR_JSON); /* NUL */
	ck_assert_int_eq(contiv_store_list(store, "/", count_kv, &n, NULL), -CONTIV_ERR_JSON);
	n = 0;	/* "/b" was listed before "/a" showed the order wrong */
	{
		struct contiv_store_txn *txn;	/* a real transaction: "succeeded" is read */
		ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
		ck_assert_int_eq(contiv_store_txn_compare(txn, "/a", 0), 0);
		ck_assert_int_eq(contiv_store_txn_put(txn, "/a", "x", 0), 0);
		ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -CONTIV_ERR_JSON);
		contiv_store_txn_free(txn);
	}
	ck_assert_int_eq(contiv_store_put(store, "/a", "x", NULL), -CONTIV_ERR_JSON);
	ck_assert_int_eq(contiv_store_put(store, "/a", "x", NULL), -CONTIV_ERR_UNAVAILABLE);
	ck_assert_int_eq(contiv_store_put(store, "/a", "x", NULL), -CONTIV_ERR_UNAVAILABLE);
	r = contiv_store_put(store, "/a", "x", NULL);
	ck_assert_msg(r == -CONTIV_ERR_UNAVAILABLE, "%d %s", r, contiv_ctx_get_error(ctx));
	r = contiv_store_watch(store, "/", 1, 0, count_ev, &n, NULL);
	ck_assert_msg(r == -CONTIV_ERR_JSON, "%d %s", r, contiv_ctx_get_error(ctx));
	r = contiv_store_watch(store, "/", 1, 0, count_ev, &n, NULL);
	ck_assert_msg(r == -CONTIV_ERR_JSON, "%d %s", r, contiv_ctx_get_error(ctx));
	r = contiv_store_watch(store, "/", 2, 0, count_ev, &n, NULL);
	ck_assert_msg(r == -CONTIV_ERR_JSON, "%d %s", r, contiv_ctx_get_error(ctx));
	{
		uint64_t lease;
		ck_assert_int_eq(contiv_store_lease_grant(store, 5, &lease), -CONTIV_ERR_JSON);
	}
	ck_assert_int_eq(contiv_store_lease_keepalive(store, 7), -CONTIV_ERR_JSON);
	ck_assert_int_eq(contiv_store_get(store, "/a", &v, NULL), -CONTIV_ERR_UNAVAILABLE);
	ck_assert_int_eq(n, 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	teardown_ctx();
}
END_TEST

/* ---- against a single etcd ---- */

START_TEST(kv_basic)
{
	uint64_t r1, r2, r3, mod, rev;
	char *v = NULL;

	ck_assert_int_eq(contiv_store_put(store, K("a"), "hello", &r1), 0);
	ck_assert_int_eq(contiv_store_get(store, K("a"), &v, &mod), 0);
	ck_assert_str_eq(v, "hello");
	ck_assert_uint_eq(mod, r1);
	free(v);
	ck_assert_int_eq(contiv_store_put(store, K("a"), "", &r2), 0);
	ck_assert_uint_eq(r2, r1 + 1);
	ck_assert_int_eq(contiv_store_get(store, K("a"), &v, NULL), 0);
	ck_assert_str_eq(v, "");
	free(v);
	ck_assert_int_eq(contiv_store_delete(store, K("a"), &r3), 0);
	ck_assert_uint_eq(r3, r2 + 1);
	ck_assert_int_eq(contiv_store_get(store, K("a"), &v, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_delete(store, K("a"), NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get_revision(store, &rev), 0);
	ck_assert_uint_eq(rev, r3);
}
END_TEST

START_TEST(kv_big_value)
{
	size_t n = CONTIV_STORE_VALUE_MAX;
	char *big = malloc(n + 1), *v = NULL;

	memset(big, 'x', n);
	big[n] = '\0';
	big[0] = '{';
	ck_assert_msg(contiv_store_put(store, K("big"), big, NULL) == 0, "%s",
		      contiv_ctx_get_error(ctx));
	ck_assert_int_eq(contiv_store_get(store, K("big"), &v, NULL), 0);
	ck_assert_str_eq(v, big);
	free(v);
	free(big);
}
END_TEST

struct collected {
	char keys[16][256];
	char values[16][64];
	uint64_t revs[16];
	uint32_t types[16];
	int n, stop_at;
};

static int collect_kv(const char *key, const char *value, uint64_t rev, void *userdata)
{
	struct collected *c = userdata;

	if (c->n < 16) {
		snprintf(c->keys[c->n], 256, "%s", key);
		snprintf(c->values[c->n], 64, "%s", value);
		c->revs[c->n] = rev;
	}
	c->n++;
	return c->stop_at && c->n == c->stop_at ? 7 : 0;
}

static int collect_ev(uint32_t type, const char *key, const char *value, uint64_t rev,
		      void *userdata)
{
	struct collected *c = userdata;

	if (c->n < 16)
		c->types[c->n] = type;
	return collect_kv(key, value, rev, userdata);
}

START_TEST(list_prefix)
{
	struct collected c = { 0 };
	uint64_t rev, cur;

	ck_assert_int_eq(contiv_store_put(store, K("l/b"), "2", NULL), 0);
	ck_assert_int_eq(contiv_store_put(store, K("l/a"), "1", NULL), 0);
	ck_assert_int_eq(contiv_store_put(store, K("l/c"), "3", NULL), 0);
	ck_assert_int_eq(contiv_store_put(store, K("l0"), "x", NULL), 0);
	ck_assert_int_eq(contiv_store_put(store, K("m"), "y", NULL), 0);
	ck_assert_int_eq(contiv_store_list(store, K("l/"), collect_kv, &c, &rev), 3);
	ck_assert_int_eq(contiv_store_get_revision(store, &cur), 0);
	ck_assert_uint_eq(rev, cur);
	ck_assert_str_eq(c.keys[0], K("l/a"));
	ck_assert_str_eq(c.keys[1], K("l/b"));
	ck_assert_str_eq(c.keys[2], K("l/c"));
	ck_assert_str_eq(c.values[2], "3");
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(contiv_store_list(store, K("l"), collect_kv, &c, NULL), 4);
	memset(&c, 0, sizeof(c));
	ck_assert_int_ge(contiv_store_list(store, "", collect_kv, &c, NULL), 5);
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	ck_assert_int_eq(contiv_store_list(store, K("l/"), collect_kv, &c, NULL), 7);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(contiv_store_list(store, K("nothing/"), collect_kv, &c, &rev), 0);
}
END_TEST

static int count_only(const char *key, const char *value, uint64_t rev, void *userdata)
{
	(*(int *)userdata)++;
	return 0;
}

START_TEST(list_pages)
{
	struct contiv_store_txn *txn;
	int n = 0;

	/* More keys than one page (1000). */
	for (int t = 0; t < 5; t++) {
		ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
		for (int i = 0; i < 100; i++) {
			char name[32];
			snprintf(name, sizeof(name), "p/%d-%03d", t, i);
			ck_assert_int_eq(contiv_store_txn_put(txn, K(name), "v", 0), 0);
		}
		ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), 0);
		contiv_store_txn_free(txn);
	}
	ck_assert_int_eq(contiv_store_list(store, K("p/"), count_only, &n, NULL), 500);
	ck_assert_int_eq(n, 500);
}
END_TEST

START_TEST(txn_cas)
{
	struct contiv_store_txn *txn;
	uint64_t r1, r2, mod;
	char *v;

	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, K("k"), 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("k"), "v1", 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("k2"), "w", 0), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, &r1), 0);
	contiv_store_txn_free(txn);
	ck_assert_int_eq(contiv_store_get(store, K("k2"), NULL, &mod), 0);
	ck_assert_uint_eq(mod, r1);

	/* create-if-absent again: conflict, nothing written */
	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, K("k"), 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("k"), "v2", 0), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -CONTIV_ERR_CONFLICT);
	contiv_store_txn_free(txn);

	/* stale mod_revision: conflict */
	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, K("k"), r1 - 1), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, K("k")), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -CONTIV_ERR_CONFLICT);
	contiv_store_txn_free(txn);

	/* right mod_revision: put + delete, one revision */
	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, K("k"), r1), 0);
	ck_assert_int_eq(contiv_store_txn_compare(txn, K("absent"), 0), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("k"), "v3", 0), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, K("k2")), 0);
	ck_assert_int_eq(contiv_store_txn_delete(txn, K("never")), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, &r2), 0);
	contiv_store_txn_free(txn);
	ck_assert_uint_eq(r2, r1 + 1);
	ck_assert_int_eq(contiv_store_get(store, K("k"), &v, &mod), 0);
	ck_assert_str_eq(v, "v3");
	ck_assert_uint_eq(mod, r2);
	free(v);
	ck_assert_int_eq(contiv_store_get(store, K("k2"), NULL, NULL), -ENOENT);

	/* a put on a lease that does not exist */
	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("leased"), "x", 0x1234567), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), -ENOENT);
	contiv_store_txn_free(txn);
}
END_TEST

START_TEST(watch_history)
{
	struct collected c = { 0 };
	uint64_t start, r1, r2, r3, ret, cur;

	ck_assert_int_eq(contiv_store_get_revision(store, &start), 0);
	ck_assert_int_eq(contiv_store_put(store, K("w/a"), "1", &r1), 0);
	ck_assert_int_eq(contiv_store_put(store, K("x/other"), "o", NULL), 0);
	ck_assert_int_eq(contiv_store_put(store, K("w/a"), "2", &r2), 0);
	ck_assert_int_eq(contiv_store_delete(store, K("w/a"), &r3), 0);
	ck_assert_int_eq(contiv_store_watch(store, K("w/"), start, 0, collect_ev, &c, &ret), 3);
	ck_assert_uint_eq(c.types[0], CONTIV_STORE_PUT);
	ck_assert_str_eq(c.values[0], "1");
	ck_assert_uint_eq(c.revs[0], r1);
	ck_assert_uint_eq(c.types[1], CONTIV_STORE_PUT);
	ck_assert_uint_eq(c.revs[1], r2);
	ck_assert_uint_eq(c.types[2], CONTIV_STORE_DELETE);
	ck_assert_str_eq(c.values[2], "");
	ck_assert_uint_eq(c.revs[2], r3);
	ck_assert_uint_eq(ret, r3);
	/* nothing new: 0, at once */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(contiv_store_watch(store, K("w/"), ret, 0, collect_ev, &c, &ret), 0);
	ck_assert_uint_eq(ret, r3);
	/* changes elsewhere only: 0 with timeout 0, and the revision moves on */
	ck_assert_int_eq(contiv_store_put(store, K("x/other"), "p", &cur), 0);
	ck_assert_int_eq(contiv_store_watch(store, K("w/"), ret, 0, collect_ev, &c, &ret), 0);
	ck_assert_uint_eq(ret, cur);
	ck_assert_int_eq(c.n, 0);
	/* the callback stops the watch */
	ck_assert_int_eq(contiv_store_put(store, K("w/b"), "1", NULL), 0);
	ck_assert_int_eq(contiv_store_put(store, K("w/c"), "1", NULL), 0);
	c.stop_at = 1;
	ck_assert_int_eq(contiv_store_watch(store, K("w/"), ret, 0, collect_ev, &c, NULL), 7);
}
END_TEST

START_TEST(watch_wait)
{
	struct collected c = { 0 };
	uint64_t start, ret, t0, elapsed;
	pid_t child;

	ck_assert_int_eq(contiv_store_get_revision(store, &start), 0);
	/* nothing happens: times out after about timeout_ms */
	t0 = now_ms();
	ck_assert_int_eq(contiv_store_watch(store, K("ww/"), start, 300, collect_ev, &c, &ret), 0);
	elapsed = now_ms() - t0;
	ck_assert_uint_ge(elapsed, 300);
	ck_assert_uint_lt(elapsed, 2000);
	ck_assert_uint_eq(ret, start);

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct contiv_ctx *c2 = NULL;
		struct contiv_store *s2 = NULL;

		usleep(400 * 1000);
		if (contiv_ctx_new(NULL, &c2) < 0 ||
		    contiv_store_open(c2, getenv("CONTIV_TEST_ETCD_URL"), NULL, &s2) < 0 ||
		    contiv_store_put(s2, K("ww/late"), "hi", NULL) < 0)
			_exit(1);
		contiv_store_unref(s2);
		contiv_ctx_unref(c2);
		_exit(0);
	}
	t0 = now_ms();
	ck_assert_int_eq(contiv_store_watch(store, K("ww/"), ret, 10000, collect_ev, &c, &ret), 1);
	elapsed = now_ms() - t0;
	printf("watch woke up %" PRIu64 " ms after the watch started (the put came at ~400 ms)\n",
	       elapsed);
	ck_assert_uint_lt(elapsed, 3000);
	ck_assert_str_eq(c.keys[0], K("ww/late"));
	ck_assert_str_eq(c.values[0], "hi");
	ck_assert_uint_eq(ret, c.revs[0]);
	{
		int status;
		ck_assert_int_eq(waitpid(child, &status, 0), child);
		ck_assert_int_eq(status, 0);
	}
}
END_TEST

START_TEST(compaction)
{
	struct collected c = { 0 };
	uint64_t r1, r2, cur, ret;

	ck_assert_int_eq(contiv_store_put(store, K("c/a"), "1", &r1), 0);
	ck_assert_int_eq(contiv_store_put(store, K("c/a"), "2", &r2), 0);
	ck_assert_int_eq(contiv_store_compact(store, r2), 0);
	ck_assert_int_eq(contiv_store_compact(store, r2), 0);	/* again: nothing left to drop */
	ck_assert_int_eq(contiv_store_watch(store, K("c/"), r1 - 1, 0, collect_ev, &c, NULL),
			 -CONTIV_ERR_COMPACTED);
	ck_assert_int_eq(contiv_store_watch(store, K("c/"), r1 - 1, 1000, collect_ev, &c, NULL),
			 -CONTIV_ERR_COMPACTED);
	ck_assert_int_eq(c.n, 0);
	ck_assert_int_eq(contiv_store_watch(store, K("c/"), r2, 0, collect_ev, &c, &ret), 0);
	ck_assert_uint_eq(ret, r2);
	ck_assert_int_eq(contiv_store_get_revision(store, &cur), 0);
	ck_assert_int_eq(contiv_store_compact(store, cur + 100), -EINVAL);
}
END_TEST

START_TEST(leases)
{
	struct contiv_store_txn *txn;
	uint64_t lease, lease2, t0;
	int r;

	ck_assert_int_eq(contiv_store_lease_grant(store, 1, &lease), 0);
	ck_assert_uint_ne(lease, 0);
	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("lease/k"), "x", lease), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), 0);
	contiv_store_txn_free(txn);
	ck_assert_int_eq(contiv_store_lease_keepalive(store, lease), 0);
	ck_assert_int_eq(contiv_store_get(store, K("lease/k"), NULL, NULL), 0);
	/* etcd's shortest TTL is about 2 s: the key goes within a few seconds */
	t0 = now_ms();
	while ((r = contiv_store_get(store, K("lease/k"), NULL, NULL)) == 0 && now_ms() - t0 < 10000)
		usleep(100 * 1000);
	ck_assert_int_eq(r, -ENOENT);
	printf("leased key gone %" PRIu64 " ms after the keepalive\n", now_ms() - t0);
	ck_assert_int_eq(contiv_store_lease_keepalive(store, lease), -ENOENT);
	ck_assert_int_eq(contiv_store_lease_revoke(store, lease), -ENOENT);

	/* revoke deletes the keys at once */
	ck_assert_int_eq(contiv_store_lease_grant(store, 60, &lease2), 0);
	ck_assert_int_eq(contiv_store_txn_new(store, &txn), 0);
	ck_assert_int_eq(contiv_store_txn_put(txn, K("lease/k2"), "x", lease2), 0);
	ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), 0);
	contiv_store_txn_free(txn);
	ck_assert_int_eq(contiv_store_lease_revoke(store, lease2), 0);
	ck_assert_int_eq(contiv_store_get(store, K("lease/k2"), NULL, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_lease_revoke(store, lease2), -ENOENT);
	ck_assert_int_eq(contiv_store_lease_keepalive(store, lease2), -ENOENT);
	ck_assert_int_eq(contiv_store_lease_keepalive(store, UINT64_MAX), -ENOENT);
}
END_TEST

/* ---- authentication (etcd with auth enabled, user root) ---- */

START_TEST(auth)
{
	const char *url = getenv("CONTIV_TEST_ETCD_AUTH_URL");
	struct contiv_store *s = NULL;
	struct collected c = { 0 };
	uint64_t rev, ret;
	char *v = NULL;

	setup_ctx();
	{
		CONTIV_OPTS(contiv_store_opts, o, .timeout_ms = 2000, .username = "root",
			    .password = "wrong");
		ck_assert_int_eq(contiv_store_open(ctx, url, &o, &s), -EACCES);
		ck_assert_ctx_error(ctx, "root");
	}
	/* without credentials every request is refused */
	ck_assert_int_eq(open_url(url, 2000, &s), -EACCES);
	printf("auth: open without credentials: %s\n", contiv_ctx_get_error(ctx));
	{
		CONTIV_OPTS(contiv_store_opts, o, .timeout_ms = 2000, .username = "root",
			    .password = getenv("CONTIV_TEST_ETCD_PASSWORD"));
		ck_assert_msg(contiv_store_open(ctx, url, &o, &store) == 0, "%s",
			      contiv_ctx_get_error(ctx));
	}
	ck_assert_int_eq(contiv_store_put(store, "/auth/k", "v", &rev), 0);
	ck_assert_int_eq(contiv_store_get(store, "/auth/k", &v, NULL), 0);
	ck_assert_str_eq(v, "v");
	free(v);
	ck_assert_int_eq(contiv_store_watch(store, "/auth/", rev - 1, 0, collect_ev, &c, &ret), 1);
	ck_assert_uint_eq(ret, rev);
	/* the token lives 1 s (--auth-token-ttl=1): renewed on "invalid auth token" */
	sleep(3);
	ck_assert_msg(contiv_store_get(store, "/auth/k", NULL, NULL) == 0, "%s",
		      contiv_ctx_get_error(ctx));
	sleep(3);
	memset(&c, 0, sizeof(c));
	ck_assert_msg(contiv_store_watch(store, "/auth/", rev - 1, 0, collect_ev, &c, NULL) == 1,
		      "%s", contiv_ctx_get_error(ctx));
	teardown_ctx();
}
END_TEST

/* ---- cluster failover ---- */

static pid_t pid_of_endpoint(const char *endpoint)
{
	char list[256], pids[256], *save1, *save2;
	const char *host = strstr(endpoint, "//") + 2;

	snprintf(list, sizeof(list), "%s", getenv("CONTIV_TEST_ETCD_CLUSTER"));
	snprintf(pids, sizeof(pids), "%s", getenv("CONTIV_TEST_ETCD_PIDS"));
	for (char *e = strtok_r(list, ",", &save1), *p = strtok_r(pids, ",", &save2); e && p;
	     e = strtok_r(NULL, ",", &save1), p = strtok_r(NULL, ",", &save2))
		if (!strcmp(e, host))
			return (pid_t)atoi(p);
	return 0;
}

static size_t discard(char *data, size_t size, size_t n, void *userdata)
{
	size_t len = size * n, have = strlen(userdata);

	if (have + len < 1024) {
		memcpy((char *)userdata + have, data, len);
		((char *)userdata)[have + len] = '\0';
	}
	return len;
}

/* Whether the member at endpoint ("h:p") is the leader (/v3/maintenance/status). */
static bool is_leader(const char *endpoint)
{
	char url[256], body[1024] = "", q[64];
	CURL *c = curl_easy_init();
	json_object *o, *h, *v;
	const char *member = NULL, *leader = NULL;
	bool yes;

	snprintf(url, sizeof(url), "http://%s/v3/maintenance/status", endpoint);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, (void *)body);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_cleanup(c);
	o = contiv__etcd_json_parse(body, strlen(body));
	ck_assert_ptr_nonnull(o);
	if (json_object_object_get_ex(o, "header", &h) &&
	    json_object_object_get_ex(h, "member_id", &v))
		member = json_object_get_string(v);
	if (json_object_object_get_ex(o, "leader", &v))
		leader = json_object_get_string(v);
	ck_assert_ptr_nonnull(member);
	ck_assert_ptr_nonnull(leader);
	snprintf(q, sizeof(q), "%s", member);
	yes = !strcmp(q, leader);
	json_object_put(o);
	return yes;
}

static uint64_t timed_put(const char *key)
{
	uint64_t t0 = now_ms();
	int r = contiv_store_put(store, key, "v", NULL);

	ck_assert_msg(r == 0, "put %s: %d %s", key, r, contiv_ctx_get_error(ctx));
	return now_ms() - t0;
}

START_TEST(cluster_failover)
{
	char url[300], k[64];
	const char *endpoint;
	struct collected c = { 0 };
	uint64_t t, rev, t0;
	pid_t victim;
	int n = 0;

	char list[256], *save, *leader = NULL, others[256] = "";

	/* The leader first: the store talks to it, and it is the one killed (the
	 * hard case: followers must elect a new one before writes go on). */
	setup_ctx();
	snprintf(list, sizeof(list), "%s", getenv("CONTIV_TEST_ETCD_CLUSTER"));
	for (char *e = strtok_r(list, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		if (!leader && is_leader(e))
			leader = e;
		else
			snprintf(others + strlen(others), sizeof(others) - strlen(others), ",%s", e);
	}
	ck_assert_ptr_nonnull(leader);
	snprintf(url, sizeof(url), "etcd://%s%s", leader, others);
	printf("store url %s (leader first)\n", url);
	snprintf(prefix, sizeof(prefix), "/cl/");
	ck_assert_msg(open_url(url, 5000, &store) == 0, "%s", contiv_ctx_get_error(ctx));
	for (int i = 0; i < 20; i++) {
		snprintf(k, sizeof(k), "before-%02d", i);
		timed_put(K(k));
	}
	ck_assert_int_eq(contiv_store_get_revision(store, &rev), 0);

	/* Kill -9 the member this store talks to. */
	endpoint = contiv__etcd_current_endpoint(store->data);
	victim = pid_of_endpoint(endpoint);
	ck_assert_int_gt(victim, 0);
	ck_assert_int_eq(kill(victim, SIGKILL), 0);
	printf("killed %s (pid %d)\n", endpoint, (int)victim);
	usleep(50 * 1000);

	t = timed_put(K("after-00"));
	printf("first put after the kill: %" PRIu64 " ms, now on %s\n", t,
	       contiv__etcd_current_endpoint(store->data));
	ck_assert_str_ne(contiv__etcd_current_endpoint(store->data), endpoint);
	t0 = now_ms();
	for (int i = 1; i < 20; i++) {
		snprintf(k, sizeof(k), "after-%02d", i);
		timed_put(K(k));
	}
	printf("19 more puts: %" PRIu64 " ms\n", now_ms() - t0);
	t0 = now_ms();
	ck_assert_int_eq(contiv_store_list(store, K(""), count_only, &n, NULL), 40);
	printf("list after the kill: %" PRIu64 " ms\n", now_ms() - t0);
	t0 = now_ms();
	ck_assert_int_eq(contiv_store_watch(store, K("after-"), rev, 0, collect_ev, &c, NULL), 20);
	printf("watch after the kill: %" PRIu64 " ms\n", now_ms() - t0);
	teardown_ctx();
}
END_TEST


static Suite *make_suite(void)
{
	Suite *s = suite_create("etcd-codec");

	TCase *tc = tcase_create("codec");
	tcase_add_test(tc, codec_b64);
	tcase_add_test(tc, codec_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(make_suite());
	Suite *s;
	TCase *tc;
	int failed;

	s = suite_create("etcd-url");
	tc = tcase_create("url");
	tcase_add_test(tc, url_bad);
	tcase_add_test(tc, url_unreachable);
	suite_add_tcase(s, tc);
	srunner_add_suite(sr, s);

	s = suite_create("etcd-hostile");
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, hostile_answers);
	suite_add_tcase(s, tc);
	srunner_add_suite(sr, s);

	if (getenv("CONTIV_TEST_ETCD_URL")) {
		s = suite_create("etcd");
		tc = tcase_create("single");
		tcase_set_timeout(tc, 60);
		tcase_add_checked_fixture(tc, setup_etcd, teardown_ctx);
		tcase_add_test(tc, kv_basic);
		tcase_add_test(tc, kv_big_value);
		tcase_add_test(tc, list_prefix);
		tcase_add_test(tc, list_pages);
		tcase_add_test(tc, txn_cas);
		tcase_add_test(tc, watch_history);
		tcase_add_test(tc, watch_wait);
		tcase_add_test(tc, compaction);
		tcase_add_test(tc, leases);
		suite_add_tcase(s, tc);
		srunner_add_suite(sr, s);
	}
	if (getenv("CONTIV_TEST_ETCD_AUTH_URL") && getenv("CONTIV_TEST_ETCD_PASSWORD")) {
		s = suite_create("etcd-auth");
		tc = tcase_create("auth");
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, auth);
		suite_add_tcase(s, tc);
		srunner_add_suite(sr, s);
	}
	if (getenv("CONTIV_TEST_ETCD_CLUSTER") && getenv("CONTIV_TEST_ETCD_PIDS")) {
		s = suite_create("etcd-cluster");
		tc = tcase_create("cluster");
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, cluster_failover);
		suite_add_tcase(s, tc);
		srunner_add_suite(sr, s);
	}
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
