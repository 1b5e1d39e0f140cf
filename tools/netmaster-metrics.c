/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netmaster's logging (stderr or syslog, with levels) and its process-wide
 * request metrics: counters by method and status class and a latency
 * histogram, appended to the master's /metrics (Prometheus text 0.0.4).
 */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "netmaster.h"

/* ---- logging ---- */

static struct {
	int level;
	bool use_syslog;
	pthread_mutex_t lock;
} lg = { LOG_INFO, false, PTHREAD_MUTEX_INITIALIZER };

void nm_log_setup(int level, bool use_syslog)
{
	lg.level = level;
	lg.use_syslog = use_syslog;
	if (use_syslog)
		openlog("netmaster", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool nm_log_enabled(int prio)
{
	return prio <= lg.level;
}

void nm_log(int prio, const char *fmt, ...)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error", "warning",
					     "notice", "info", "debug" };
	va_list ap;

	if (prio > lg.level)
		return;
	va_start(ap, fmt);
	if (lg.use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		/* one line per message, not interleaved between threads */
		pthread_mutex_lock(&lg.lock);
		fprintf(stderr, "netmaster: %s: ", names[prio & 7]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		pthread_mutex_unlock(&lg.lock);
	}
	va_end(ap);
}

/* ---- metrics ---- */

enum { M_GET, M_POST, M_PUT, M_DELETE, M_OTHER, M_MAX };
enum { S_2XX, S_3XX, S_4XX, S_5XX, S_MAX };
enum { K_READ, K_WRITE, K_MAX };

static const double bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof(bounds) / sizeof(bounds[0]))

static pthread_mutex_t mt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct counters {
	uint64_t requests[M_MAX][S_MAX];
	uint64_t forwarded[S_MAX];
	uint64_t buckets[K_MAX][NBUCKETS];	/* not cumulative; summed on output */
	uint64_t count[K_MAX];
	double sum[K_MAX];
} mt;

void nm_metrics_observe(const char *method, int status, double seconds, bool forwarded)
{
	int mi = !strcmp(method, "GET") ? M_GET : !strcmp(method, "POST") ? M_POST :
		 !strcmp(method, "PUT") ? M_PUT : !strcmp(method, "DELETE") ? M_DELETE : M_OTHER;
	int si = status < 300 ? S_2XX : status < 400 ? S_3XX : status < 500 ? S_4XX : S_5XX;
	int k = mi == M_GET ? K_READ : K_WRITE;
	size_t b = 0;

	while (b < NBUCKETS && seconds > bounds[b])
		b++;
	pthread_mutex_lock(&mt_lock);
	mt.requests[mi][si]++;
	if (forwarded)
		mt.forwarded[si]++;
	if (b < NBUCKETS)
		mt.buckets[k][b]++;
	mt.count[k]++;
	mt.sum[k] += seconds;
	pthread_mutex_unlock(&mt_lock);
}

struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	while (!t->oom) {
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

		if (!b)
			t->oom = true;
		else
			t->buf = b;
	}
}

char *nm_metrics_append(const char *text)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "other" };
	static const char *const classes[] = { "2xx", "3xx", "4xx", "5xx" };
	static const char *const kinds[] = { "read", "write" };
	char leader_url[NM_URL_MAX];
	bool leader = nm_leader(leader_url);
	struct text t = { 0 };
	struct counters copy;

	pthread_mutex_lock(&mt_lock);
	copy = mt;
	pthread_mutex_unlock(&mt_lock);

	addf(&t, "%s", text);
	addf(&t, "# HELP contiv_netmaster_requests_total HTTP requests answered by this netmaster process.\n"
		 "# TYPE contiv_netmaster_requests_total counter\n");
	for (int i = 0; i < M_MAX; i++)
		for (int j = 0; j < S_MAX; j++)
			addf(&t, "contiv_netmaster_requests_total{method=\"%s\",code=\"%s\"} %" PRIu64 "\n",
			     methods[i], classes[j], copy.requests[i][j]);
	addf(&t, "# HELP contiv_netmaster_forwarded_total Writes forwarded to the leader, by the leader's answer.\n"
		 "# TYPE contiv_netmaster_forwarded_total counter\n");
	for (int j = 0; j < S_MAX; j++)
		addf(&t, "contiv_netmaster_forwarded_total{code=\"%s\"} %" PRIu64 "\n", classes[j],
		     copy.forwarded[j]);
	addf(&t, "# HELP contiv_netmaster_request_duration_seconds Time from a complete request to its answer.\n"
		 "# TYPE contiv_netmaster_request_duration_seconds histogram\n");
	for (int k = 0; k < K_MAX; k++) {
		uint64_t cum = 0;

		for (size_t b = 0; b < NBUCKETS; b++) {
			cum += copy.buckets[k][b];
			addf(&t, "contiv_netmaster_request_duration_seconds_bucket{kind=\"%s\",le=\"%g\"} %" PRIu64 "\n",
			     kinds[k], bounds[b], cum);
		}
		addf(&t, "contiv_netmaster_request_duration_seconds_bucket{kind=\"%s\",le=\"+Inf\"} %" PRIu64 "\n"
			 "contiv_netmaster_request_duration_seconds_sum{kind=\"%s\"} %.6f\n"
			 "contiv_netmaster_request_duration_seconds_count{kind=\"%s\"} %" PRIu64 "\n",
		     kinds[k], copy.count[k], kinds[k], copy.sum[k], kinds[k], copy.count[k]);
	}
	addf(&t, "# HELP contiv_netmaster_leader 1 if this netmaster is the elected leader.\n"
		 "# TYPE contiv_netmaster_leader gauge\n"
		 "contiv_netmaster_leader %d\n"
		 "# HELP contiv_netmaster_leader_changes_total Changes of the leader seen by this netmaster.\n"
		 "# TYPE contiv_netmaster_leader_changes_total counter\n"
		 "contiv_netmaster_leader_changes_total %" PRIu64 "\n",
	     leader ? 1 : 0, nm_leader_changes());
	if (t.oom) {
		free(t.buf);
		return NULL;
	}
	return t.buf;
}
