/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy benchmark (root; runs in a private network namespace of its own):
 * 10 000 rules (100 groups, each with its own policy of 100 rules, 2
 * endpoints per group): compile time, full apply time (libnftnl, one batch,
 * a fresh dp handle so nothing is known) against `nft -f` of
 * contiv_policy_to_nft()'s text in the same run (the ratio), and at 10 000
 * rules the time of one rule add, one rule delete, one rule's port changed
 * and one endpoint (member) add, each split into compile and apply (incremental: only the changes in
 * one batch). Each change is measured REPS times; the median is printed.
 * Prints numbers only. Per-packet cost by traffic is not measured yet.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <contiv/contiv.h>

static struct contiv_ctx *ctx;

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this thread, kernel work of its syscalls included: less noisy on a busy machine */
static double cpu(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static void set(struct contiv_object *o, uint32_t kind, const char *name, const char *value)
{
	int a = contiv_object_attr_from_name(kind, name);

	if (a < 0 || contiv_object_set_from_string(o, (uint32_t)a, value) < 0) {
		fprintf(stderr, "bench: %s=%s: %s\n", name, value, contiv_ctx_get_error(ctx));
		exit(1);
	}
}

static void add(struct contiv_policy *p, uint32_t kind, const char *const *kv)
{
	struct contiv_object *o = NULL;

	if (contiv_object_new(ctx, kind, &o) < 0)
		exit(1);
	for (; kv[0]; kv += 2)
		set(o, kind, kv[0], kv[1]);
	if (contiv_policy_add_object(p, o) < 0) {
		fprintf(stderr, "bench: add: %s\n", contiv_ctx_get_error(ctx));
		exit(1);
	}
	contiv_object_unref(o);
}

#define ADD(p, kind, ...) add(p, kind, (const char *const[]){ __VA_ARGS__, NULL })

/* A configuration: rules, extra endpoints, rule 0's port (0: the usual). */
struct cfg {
	int rules, eps, port0;
};

/* The 10 000-rule configuration, plus extra rules, plus extra endpoints. */
static struct contiv_policy *build(struct cfg cf)
{
	int nrules = cf.rules, extra_eps = cf.eps;
	struct contiv_policy *p = NULL;
	char a[32], b[32], c[32], d[32];

	if (contiv_policy_new(ctx, &p) < 0)
		exit(1);
	ADD(p, CONTIV_OBJECT_NETWORK, "tenantName", "T", "networkName", "net", "subnet",
	    "10.1.0.0/16", "gateway", "10.1.255.254");
	contiv_policy_set_network_tag(p, "T:net", CONTIV_DP_VXLAN, 100);
	for (int g = 0; g < 100; g++) {
		snprintf(a, sizeof(a), "g%d", g);
		snprintf(b, sizeof(b), "p%d", g);
		ADD(p, CONTIV_OBJECT_POLICY, "tenantName", "T", "policyName", b);
		ADD(p, CONTIV_OBJECT_GROUP, "tenantName", "T", "groupName", a, "networkName", "net",
		    "policies", b);
		for (int e = 0; e < 2; e++) {
			snprintf(c, sizeof(c), "ep%d-%d", g, e);
			snprintf(d, sizeof(d), "10.1.%d.%d", g, e + 1);
			ADD(p, CONTIV_OBJECT_ENDPOINT, "endpointID", c, "tenantName", "T",
			    "networkName", "net", "groupName", a, "ipAddress", d);
		}
	}
	for (int e = 0; e < extra_eps; e++) {
		snprintf(c, sizeof(c), "extra%d", e);
		snprintf(d, sizeof(d), "10.1.200.%d", e + 1);
		ADD(p, CONTIV_OBJECT_ENDPOINT, "endpointID", c, "tenantName", "T", "networkName",
		    "net", "groupName", "g7", "ipAddress", d);
	}
	for (int i = 0; i < nrules; i++) {
		char id[16], port[16], pol[16], peer[16];

		snprintf(id, sizeof(id), "%d", i);
		snprintf(port, sizeof(port), "%d", i == 0 && cf.port0 ? cf.port0 : 1000 + i % 5000);
		snprintf(pol, sizeof(pol), "p%d", i % 100);
		snprintf(peer, sizeof(peer), "g%d", (i / 100) % 100);
		ADD(p, CONTIV_OBJECT_RULE, "tenantName", "T", "policyName", pol, "ruleId", id,
		    "direction", i % 3 ? "in" : "out", "priority", i % 7 ? "5" : "9", "protocol",
		    i % 2 ? "tcp" : "udp", "port", port,
		    i % 3 ? "fromEndpointGroup" : "toEndpointGroup", peer,
		    "action", i % 4 ? "allow" : "deny");
	}
	return p;
}

#define REPS 7

static void log_fn(struct contiv_ctx *c, int prio, const char *file, int line, const char *fn,
		   const char *msg, void *userdata)
{
	(void)c, (void)prio, (void)file, (void)line, (void)fn, (void)userdata;
	fprintf(stderr, "bench: log: %s\n", msg);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), dbl_cmp);
	return v[n / 2];
}

/* Compiles p and applies it; the times (seconds): wall in t[0], t[1], CPU in t[2], t[3]. */
static void compile_apply(struct contiv_dp *dp, struct contiv_policy *p, double t[4])
{
	double t0 = now(), c0 = cpu();

	if (contiv_policy_compile(p) < 0) {
		fprintf(stderr, "bench: compile: %s\n", contiv_ctx_get_error(ctx));
		exit(1);
	}
	t[0] = now() - t0;
	t[2] = cpu() - c0;
	t0 = now();
	c0 = cpu();
	if (contiv_dp_apply_policy(dp, p) < 0) {
		fprintf(stderr, "bench: apply: %s\n", contiv_ctx_get_error(ctx));
		exit(1);
	}
	t[1] = now() - t0;
	t[3] = cpu() - c0;
}

/* Medians of REPS runs of compile_apply()'s four times, in ms. */
static void medians(double v[REPS][4], double m[4])
{
	for (int k = 0; k < 4; k++) {
		double col[REPS];

		for (int i = 0; i < REPS; i++)
			col[i] = v[i][k];
		m[k] = median(col, REPS) * 1e3;
	}
}

/* From a applied, one change to b and back, REPS times. */
static void change(struct contiv_dp *dp, const char *what, struct cfg a, struct cfg b)
{
	double fwd[REPS][4], back[REPS][4], m[4], mb[4];
	struct contiv_policy *base = build(a);

	compile_apply(dp, base, fwd[0]);
	contiv_policy_unref(base);
	for (int i = 0; i < REPS; i++) {
		struct contiv_policy *p = build(b), *q = build(a);

		compile_apply(dp, p, fwd[i]);
		compile_apply(dp, q, back[i]);
		contiv_policy_unref(p);
		contiv_policy_unref(q);
	}
	medians(fwd, m);
	medians(back, mb);
	printf("%s at %d rules: compile %.2f ms + apply %.2f ms = %.2f ms (CPU: %.2f + %.2f ms);"
	       " undo: %.2f + %.2f ms (CPU: %.2f + %.2f ms)\n",
	       what, a.rules, m[0], m[1], m[0] + m[1], m[2], m[3], mb[0], mb[1], mb[2], mb[3]);
}

int main(void)
{
	struct contiv_policy *p;
	struct contiv_dp *dp = NULL, *fresh = NULL;
	double t0, t_compile, t_apply, t_nft, t[4];
	char *text = NULL, path[] = "/tmp/contiv-bench-XXXXXX";
	char cmd[128];
	int cells, fd;
	FILE *f;

	if (unshare(CLONE_NEWNET) < 0) {
		perror("bench: unshare(CLONE_NEWNET) (needs root)");
		return 77;
	}
	if (contiv_ctx_new(NULL, &ctx) < 0 || contiv_dp_new(ctx, NULL, &dp) < 0)
		return 1;
	if (getenv("CONTIV_BENCH_LOG")) {	/* the library's debug messages on stderr */
		contiv_ctx_set_log_fn(ctx, log_fn, NULL);
		contiv_ctx_set_log_priority(ctx, 7);
	}
	p = build((struct cfg){ 10000, 0, 0 });
	t0 = now();
	cells = contiv_policy_compile(p);
	t_compile = now() - t0;
	if (cells < 0 || contiv_policy_to_nft(p, &text) < 0) {
		fprintf(stderr, "bench: compile: %s\n", contiv_ctx_get_error(ctx));
		return 1;
	}
	/* warm up the kernel paths, then measure a full apply (a fresh handle knows nothing) */
	if (contiv_dp_apply_policy(dp, p) < 0) {
		fprintf(stderr, "bench: apply: %s\n", contiv_ctx_get_error(ctx));
		return 1;
	}
	if (contiv_dp_new(ctx, NULL, &fresh) < 0)
		return 1;
	t0 = now();
	if (contiv_dp_apply_policy(fresh, p) < 0)
		return 1;
	t_apply = now() - t0;
	contiv_dp_unref(fresh);

	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return 1;
	/* same replace semantics: create if absent, delete, load */
	fprintf(f, "table inet contiv\ndelete table inet contiv\n%s", text);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "nft -f %s", path);
	t0 = now();
	if (system(cmd) != 0) {
		fprintf(stderr, "bench: nft -f failed\n");
		unlink(path);
		return 1;
	}
	t_nft = now() - t0;
	unlink(path);
	contiv_free(text);

	/* the table was replaced by nft -f: the next apply notices and replaces it */
	compile_apply(dp, p, t);
	contiv_policy_unref(p);

	printf("rules: 10000, cells: %d\n", cells);
	printf("compile: %.1f ms\n", t_compile * 1e3);
	printf("full apply (libnftnl, one batch): %.1f ms\n", t_apply * 1e3);
	printf("nft -f of the same program: %.1f ms\n", t_nft * 1e3);
	printf("ratio compile+apply : nft -f: %.2f\n", (t_compile + t_apply) / t_nft);
	printf("ratio full apply : nft -f: %.2f\n", t_apply / t_nft);
	printf("apply after nft -f replaced the table (full again): %.1f ms\n", t[1] * 1e3);
	change(dp, "rule add", (struct cfg){ 10000, 0, 0 }, (struct cfg){ 10001, 0, 0 });
	change(dp, "rule delete", (struct cfg){ 10001, 0, 0 }, (struct cfg){ 10000, 0, 0 });
	change(dp, "rule port change", (struct cfg){ 10000, 0, 0 }, (struct cfg){ 10000, 0, 7777 });
	change(dp, "member add", (struct cfg){ 10000, 0, 0 }, (struct cfg){ 10000, 1, 0 });
	printf("per-packet cost: not measured yet\n");
	contiv_dp_unref(dp);
	contiv_ctx_unref(ctx);
	return 0;
}
