/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /version, /info and /metrics (Prometheus text exposition format 0.0.4). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

int contiv__version_handle(struct contiv__req *req)
{
	struct json_object *ans = json_object_new_object();

	if (!ans)
		return -ENOMEM;
	contiv__json_add_str(ans, "GitCommit", "");
	contiv__json_add_str(ans, "Version", req->m->version);
	contiv__json_add_str(ans, "BuildTime", "");
	return contiv__reply_json(req, ans);
}

int contiv__info_handle(struct contiv__req *req)
{
	struct json_object *ans = json_object_new_object();
	char *leader = NULL;
	int r = contiv_store_get(req->m->store, CONTIV__K_LEADER, &leader, NULL);
	const char *self = req->m->self_url ? req->m->self_url : "";

	if (r < 0 && r != -ENOENT) {
		json_object_put(ans);
		return r;
	}
	if (!ans) {
		free(leader);
		return -ENOMEM;
	}
	contiv__json_add_str(ans, "local-ip", self);
	contiv__json_add_str(ans, "self-url", self);
	contiv__json_add_str(ans, "leader-url", leader ? leader : self);
	/*
	 * Without an election (one netmaster) this one serves writes: leader.
	 * Otherwise the leader key, attached to the winner's lease, names it
	 * (the master that campaigns need not be the one answering).
	 */
	contiv__json_add_str(ans, "current-state",
			     !leader || !strcmp(leader, self) ? "leader" : "follower");
	contiv__json_add_str(ans, "version", req->m->version);
	free(leader);
	return contiv__reply_json(req, ans);
}

struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void addf(struct text *t, const char *fmt, ...) contiv__printf(2, 3);
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		/* no pointer arithmetic on a NULL buffer: that is undefined */
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = 2 * t->cap + (size_t)n + 1;
		char *b = realloc(t->buf, t->cap);

		if (!b) {
			t->oom = true;
			return;
		}
		t->buf = b;
	}
}

static int count_keys(const char *key, const char *value, uint64_t rev, void *userdata)
{
	(void)key;
	(void)value;
	(void)rev;
	(void)userdata;
	return 0;
}

struct netgauge {
	struct contiv_master *m;
	struct text *t;
};

static int net_gauge(const char *key, const char *value, uint64_t rev, void *userdata)
{
	struct netgauge *g = userdata;
	struct json_object *state = json_tokener_parse(value);
	struct contiv_ipam_pool *pool = NULL;
	char q[CONTIV_QUOTE_MAX];

	(void)rev;
	if (state && contiv__json_get_pool(g->m, state, "ipv4", &pool) == 0)
		addf(g->t, "contiv_network_allocated_addresses{network=\"%s\"} %" PRIu64 "\n",
		     contiv__quoted(q, key + sizeof(CONTIV__K_NET_STATE) - 1),
		     contiv_ipam_pool_count_allocated(pool));
	contiv_ipam_pool_free(pool);
	json_object_put(state);
	return 0;
}

int contiv__metrics_handle(struct contiv__req *req)
{
	static const uint32_t kinds[] = { CONTIV_OBJECT_TENANT, CONTIV_OBJECT_NETWORK,
					  CONTIV_OBJECT_GROUP, CONTIV_OBJECT_POLICY,
					  CONTIV_OBJECT_RULE, CONTIV_OBJECT_NETPROFILE,
					  CONTIV_OBJECT_GLOBAL, CONTIV_OBJECT_ENDPOINT };
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "other" };
	static const char *const statuses[] = { "2xx", "400", "404", "405", "409", "413", "5xx",
						"other" };
	struct text t = { 0 };
	struct netgauge g = { req->m, &t };
	struct contiv_master *m = req->m;
	char k[CONTIV__KEYBUF];
	int r;

	addf(&t, "# HELP contiv_objects Objects stored, per collection.\n# TYPE contiv_objects gauge\n");
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(kinds); i++) {
		r = contiv_store_list(m->store, contiv__key_config(k, sizeof(k), kinds[i], ""),
				      count_keys, NULL, NULL);
		if (r < 0) {
			free(t.buf);
			return r;
		}
		addf(&t, "contiv_objects{collection=\"%s\"} %d\n",
		     contiv_object_kind_collection(kinds[i]), r);
	}
	addf(&t, "# HELP contiv_network_allocated_addresses IPv4 addresses allocated (gateway and group pools included).\n"
		 "# TYPE contiv_network_allocated_addresses gauge\n");
	r = contiv_store_list(m->store, CONTIV__K_NET_STATE, net_gauge, &g, NULL);
	if (r < 0) {
		free(t.buf);
		return r;
	}
	addf(&t, "# HELP contiv_master_requests_total Requests served by this master.\n"
		 "# TYPE contiv_master_requests_total counter\n");
	for (size_t i = 0; i < __CONTIV__M_MAX; i++)
		for (size_t j = 0; j < __CONTIV__S_MAX; j++)
			if (m->requests[i][j])
				addf(&t, "contiv_master_requests_total{method=\"%s\",status=\"%s\"} %" PRIu64 "\n",
				     methods[i], statuses[j], m->requests[i][j]);
	addf(&t, "# HELP contiv_master_conflicts_retried_total Store conflicts retried.\n"
		 "# TYPE contiv_master_conflicts_retried_total counter\n"
		 "contiv_master_conflicts_retried_total %" PRIu64 "\n"
		 "# HELP contiv_master_conflicts_exhausted_total Requests that gave up retrying.\n"
		 "# TYPE contiv_master_conflicts_exhausted_total counter\n"
		 "contiv_master_conflicts_exhausted_total %" PRIu64 "\n"
		 "# HELP contiv_master_store_errors_total Requests failed by the store.\n"
		 "# TYPE contiv_master_store_errors_total counter\n"
		 "contiv_master_store_errors_total %" PRIu64 "\n",
	     m->conflicts_retried, m->conflicts_exhausted, m->store_errors);
	addf(&t, "# HELP contiv_master_cache_hits_total Reads served by the read cache.\n"
		 "# TYPE contiv_master_cache_hits_total counter\n"
		 "contiv_master_cache_hits_total %" PRIu64 "\n"
		 "# HELP contiv_master_cache_misses_total Reads of write requests the read cache did not hold.\n"
		 "# TYPE contiv_master_cache_misses_total counter\n"
		 "contiv_master_cache_misses_total %" PRIu64 "\n"
		 "# HELP contiv_master_cache_flushes_total Read cache emptied after a store error.\n"
		 "# TYPE contiv_master_cache_flushes_total counter\n"
		 "contiv_master_cache_flushes_total %" PRIu64 "\n"
		 "# HELP contiv_master_cache_reruns_total Answers computed again from fresh reads.\n"
		 "# TYPE contiv_master_cache_reruns_total counter\n"
		 "contiv_master_cache_reruns_total %" PRIu64 "\n"
		 "# HELP contiv_master_cache_entries Keys in the read cache.\n"
		 "# TYPE contiv_master_cache_entries gauge\n"
		 "contiv_master_cache_entries %zu\n",
	     m->cache.hits, m->cache.misses, m->cache.flushes, m->cache_reruns, m->cache.n);
	if (t.oom) {
		free(t.buf);
		return -ENOMEM;
	}
	return contiv__reply_text(req, t.buf);
}
