/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * agent/portmap: validation of "portMappings" lists, the per-host table
 * (replace, clash, rollback), its state file and its policy program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include <contiv/contiv.h>

#include "check-suites.h"
#include "../libcontiv/agent/portmap.h"

static char err[512];

/* Parses text; returns the status of contiv__pm_parse. */
static int parse(const char *text, struct contiv__pm_ep *ret)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL;
	int r;

	ck_assert(!text || o);
	err[0] = '\0';
	r = contiv__pm_parse(o, ret, err, sizeof(err));
	json_object_put(o);
	return r;
}

static void expect_bad(const char *text, const char *message)
{
	struct contiv__pm_ep ep = { .n = 777 };

	ck_assert_int_eq(parse(text, &ep), -EINVAL);
	ck_assert_msg(strstr(err, message), "%s: \"%s\" lacks \"%s\"", text, err, message);
	ck_assert_uint_eq(ep.n, 777);	/* untouched */
}

START_TEST(parse_good)
{
	struct contiv__pm_ep ep;

	ck_assert_int_eq(parse(NULL, &ep), 0);
	ck_assert_uint_eq(ep.n, 0);
	ck_assert_int_eq(parse("[]", &ep), 0);
	ck_assert_uint_eq(ep.n, 0);
	ck_assert_int_eq(parse("[{\"hostPort\":80,\"containerPort\":8080},"
			       "{\"protocol\":\"UDP\",\"hostPort\":53,\"containerPort\":5353,\"hostIP\":\"0.0.0.0\"},"
			       "{\"protocol\":\"tcp\",\"hostPort\":80,\"containerPort\":8080,\"hostIP\":\"::\"},"
			       "{\"protocol\":\"tcp\",\"hostPort\":65535,\"containerPort\":1,\"hostIP\":\"\",\"extra\":1}]",
			       &ep), 0);
	ck_assert_uint_eq(ep.n, 3);	/* 80 given twice (0.0.0.0 and ::) is one */
	ck_assert_uint_eq(ep.v[0].proto, 6);
	ck_assert_uint_eq(ep.v[0].host_port, 80);
	ck_assert_uint_eq(ep.v[0].port, 8080);
	ck_assert_uint_eq(ep.v[1].proto, 17);
	ck_assert_uint_eq(ep.v[2].host_port, 65535);
	contiv__pm_ep_clear(&ep);
}
END_TEST

START_TEST(parse_bad)
{
	expect_bad("{}", "portMappings {}: must be a list");
	expect_bad("[1]", "portMappings[0] 1: must be an object");
	expect_bad("[{\"containerPort\":80}]", "portMappings[0].hostPort is required");
	expect_bad("[{\"hostPort\":80}]", "portMappings[0].containerPort is required");
	expect_bad("[{\"hostPort\":0,\"containerPort\":80}]", "portMappings[0].hostPort 0: must be an integer 1..65535");
	expect_bad("[{\"hostPort\":80,\"containerPort\":80},{\"hostPort\":65536,\"containerPort\":80}]",
		   "portMappings[1].hostPort 65536");
	expect_bad("[{\"hostPort\":-1,\"containerPort\":80}]", "hostPort -1");
	expect_bad("[{\"hostPort\":80.5,\"containerPort\":80}]", "hostPort 80.5");
	expect_bad("[{\"hostPort\":\"80\",\"containerPort\":80}]", "hostPort \"80\"");
	expect_bad("[{\"hostPort\":80,\"containerPort\":80,\"protocol\":\"sctp\"}]",
		   "portMappings[0].protocol \"sctp\": must be \"tcp\" or \"udp\"");
	expect_bad("[{\"hostPort\":80,\"containerPort\":80,\"protocol\":6}]", "protocol 6");
	expect_bad("[{\"hostPort\":80,\"containerPort\":80,\"hostIP\":\"10.0.0.1\"}]",
		   "hostIP \"10.0.0.1\": mappings hold on all the host's addresses");
	expect_bad("[{\"hostPort\":80,\"containerPort\":80,\"hostIP\":\"x\\\"y\"}]", "hostIP \"x\\\"y\": not an address");
	expect_bad("[{\"hostPort\":80,\"containerPort\":80},{\"hostPort\":80,\"containerPort\":81}]",
		   "portMappings[1].hostPort 80: tcp port 80 is given twice, to container ports 80 and 81");
}
END_TEST

static void set(struct contiv__pm_table *t, const char *id, const char *text)
{
	struct contiv__pm_ep ep, old;

	ck_assert_int_eq(parse(text, &ep), 0);
	ck_assert_int_eq(contiv__pm_set(t, id, &ep, &old), 0);
	contiv__pm_ep_clear(&old);
}

START_TEST(table)
{
	struct contiv__pm_table t = { 0 };
	struct contiv__pm_ep want, old, undo;
	const struct contiv__pm *c = NULL;

	set(&t, "a", "[{\"hostPort\":80,\"containerPort\":80}]");
	set(&t, "b", "[{\"protocol\":\"udp\",\"hostPort\":80,\"containerPort\":80}]");
	ck_assert_uint_eq(t.n, 2);
	/* tcp 80 is a's: b cannot have it, a can keep it */
	ck_assert_int_eq(parse("[{\"hostPort\":81,\"containerPort\":1},{\"hostPort\":80,\"containerPort\":1}]", &want), 0);
	ck_assert_str_eq(contiv__pm_clash(&t, "b", &want, &c), "a");
	ck_assert_uint_eq(c->host_port, 80);
	ck_assert_ptr_null(contiv__pm_clash(&t, "a", &want, &c));
	/* replace a's, then roll back */
	ck_assert_int_eq(contiv__pm_set(&t, "a", &want, &old), 0);
	ck_assert_uint_eq(contiv__pm_find(&t, "a")->n, 2);
	ck_assert_uint_eq(old.n, 1);
	ck_assert_int_eq(contiv__pm_set(&t, "a", &old, &undo), 0);
	ck_assert_uint_eq(contiv__pm_find(&t, "a")->n, 1);
	ck_assert_uint_eq(undo.n, 2);
	contiv__pm_ep_clear(&undo);
	/* equal lists, field by field */
	ck_assert(contiv__pm_same(contiv__pm_find(&t, "a"), contiv__pm_find(&t, "a")));
	ck_assert(!contiv__pm_same(contiv__pm_find(&t, "a"), contiv__pm_find(&t, "b")));
	ck_assert(!contiv__pm_same(contiv__pm_find(&t, "a"), NULL));
	ck_assert(contiv__pm_same(NULL, NULL));
	/* [] removes the entry */
	set(&t, "a", "[]");
	ck_assert_ptr_null(contiv__pm_find(&t, "a"));
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.eps[0].id, "b");
	contiv__pm_table_clear(&t);
}
END_TEST

START_TEST(state_file)
{
	struct contiv__pm_table t = { 0 }, back = { 0 };
	struct contiv_ctx *ctx = NULL;
	char dir[] = "/tmp/check-portmap.XXXXXX", path[256];
	FILE *f;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pm.json", dir);
	t.file = strdup(path);
	back.file = strdup(path);
	/* no file yet: empty */
	ck_assert_int_eq(contiv__pm_load(ctx, &back), 0);
	ck_assert_uint_eq(back.n, 0);
	set(&t, "ep-1", "[{\"hostPort\":80,\"containerPort\":8080},{\"protocol\":\"udp\",\"hostPort\":53,\"containerPort\":53}]");
	set(&t, "ep-2", "[{\"hostPort\":81,\"containerPort\":80}]");
	ck_assert_int_eq(contiv__pm_save(ctx, &t), 0);
	ck_assert_int_eq(access(path, R_OK), 0);
	ck_assert_int_eq(contiv__pm_load(ctx, &back), 0);
	ck_assert_uint_eq(back.n, 2);
	ck_assert_uint_eq(contiv__pm_find(&back, "ep-1")->n, 2);
	ck_assert_uint_eq(contiv__pm_find(&back, "ep-1")->v[1].proto, 17);
	ck_assert_uint_eq(contiv__pm_find(&back, "ep-2")->v[0].port, 80);
	contiv__pm_table_clear(&back);
	/* a damaged file is ignored (logged), not fatal */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"endpoints\": [", f);
	fclose(f);
	back.file = strdup(path);
	ck_assert_int_eq(contiv__pm_load(ctx, &back), -EINVAL);
	ck_assert_uint_eq(back.n, 0);
	/* an unwritable place: an error naming the file */
	free(t.file);
	t.file = strdup("/nonexistent-dir/pm.json");
	ck_assert_int_lt(contiv__pm_save(ctx, &t), 0);
	ck_assert_ctx_error(ctx, "/nonexistent-dir/pm.json");
	unlink(path);
	rmdir(dir);
	contiv__pm_table_clear(&t);
	contiv__pm_table_clear(&back);
	contiv_ctx_unref(ctx);
}
END_TEST

static const char *ip_of(const char *id, void *userdata)
{
	(void)userdata;
	return strcmp(id, "here") ? NULL : "10.1.2.3";
}

START_TEST(to_policy)
{
	struct contiv__pm_table t = { 0 };
	struct contiv_policy *p = NULL;
	struct contiv_ctx *ctx = NULL;
	char *json = NULL;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_int_eq(contiv_policy_new(ctx, &p), 0);
	set(&t, "here", "[{\"hostPort\":8080,\"containerPort\":80}]");
	set(&t, "gone", "[{\"hostPort\":8081,\"containerPort\":80}]");
	ck_assert_int_eq(contiv__pm_add_to_policy(&t, p, ip_of, NULL), 0);
	ck_assert_int_ge(contiv_policy_compile(p), 0);
	ck_assert_int_eq(contiv_policy_to_json(p, &json), 0);
	ck_assert_msg(strstr(json, "8080") && strstr(json, "10.1.2.3"), "%s", json);
	ck_assert_msg(!strstr(json, "8081"), "%s", json);	/* no address: left out */
	contiv_free(json);
	contiv_policy_unref(p);
	contiv__pm_table_clear(&t);
	contiv_ctx_unref(ctx);
}
END_TEST

Suite *make_portmap_suite(void)
{
	Suite *s = suite_create("portmap");
	TCase *tc = tcase_create("portmap");

	tcase_add_test(tc, parse_good);
	tcase_add_test(tc, parse_bad);
	tcase_add_test(tc, table);
	tcase_add_test(tc, state_file);
	tcase_add_test(tc, to_policy);
	suite_add_tcase(s, tc);
	return s;
}
