/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netmaster's high availability: the election thread (its own context,
 * store and master, campaigning every ttl/3 seconds over the store's lease
 * and /contiv/leader key) keeps the process-wide view {leader?, leader URL};
 * followers forward writes to the leader with libcurl, one handle per
 * connection thread.
 *
 * Leadership only routes writes: every write is still a compare-and-swap
 * transaction in the store, so two netmasters that both believe they lead
 * for a moment (a lease that ran out between two renewals) cannot corrupt
 * the state; they only race like two clients of one leader would.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <curl/curl.h>

#include "netmaster.h"

#define FORWARD_TIMEOUT_MS 30000L
#define FORWARD_CONNECT_TIMEOUT_MS 2000L
#define MAX_ANSWER (64u * 1024u * 1024u)

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stop, poked;
	unsigned ttl;
	struct nm_worker w;
	/* the view, under lock */
	bool leader;
	char leader_url[NM_URL_MAX];
	uint64_t changes;
	double last_ok;		/* monotonic time of the last successful campaign */
	double last_try;	/* and of the last one */
} el = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool nm_leader(char url[NM_URL_MAX])
{
	bool leader;

	pthread_mutex_lock(&el.lock);
	leader = el.leader;
	snprintf(url, NM_URL_MAX, "%s", el.leader_url);
	pthread_mutex_unlock(&el.lock);
	return leader;
}

uint64_t nm_leader_changes(void)
{
	uint64_t n;

	pthread_mutex_lock(&el.lock);
	n = el.changes;
	pthread_mutex_unlock(&el.lock);
	return n;
}

/* Sets the view under el.lock and logs a change. */
static void set_view(bool leader, const char *url)
{
	if (leader == el.leader && !strcmp(url, el.leader_url))
		return;
	el.changes++;
	el.leader = leader;
	snprintf(el.leader_url, sizeof(el.leader_url), "%s", url);
	if (leader)
		nm_log(LOG_NOTICE, "became leader (lease %u s)", el.ttl);
	else if (*url)
		nm_log(LOG_NOTICE, "following %s", url);
	else
		nm_log(LOG_WARNING, "no leader known");
}

/* One campaign; updates the view. */
static void campaign(void)
{
	char *url = NULL;
	int r = contiv_master_campaign(el.w.master, el.ttl, &url);
	double now = now_s();

	pthread_mutex_lock(&el.lock);
	el.last_try = now;
	if (r >= 0) {
		el.last_ok = now;
		set_view(r == 1, r == 1 ? "" : url);
	} else {
		nm_log(LOG_ERR, "election: %s", contiv_ctx_get_error(el.w.ctx));
		/* a lease not renewed for a TTL is gone, and so is what we knew */
		if (now - el.last_ok >= el.ttl)
			set_view(false, "");
	}
	pthread_mutex_unlock(&el.lock);
	contiv_free(url);
}

static void *election_main(void *arg)
{
	long interval_ms = (long)el.ttl * 1000 / 3;

	(void)arg;
	if (interval_ms < 100)
		interval_ms = 100;
	pthread_mutex_lock(&el.lock);
	while (!el.stop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval_ms / 1000;
		until.tv_nsec += (interval_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!el.stop && !el.poked &&
		       pthread_cond_timedwait(&el.wake, &el.lock, &until) != ETIMEDOUT)
			;
		el.poked = false;
		if (el.stop)
			break;
		pthread_mutex_unlock(&el.lock);
		campaign();
		pthread_mutex_lock(&el.lock);
	}
	pthread_mutex_unlock(&el.lock);
	return NULL;
}

void nm_election_poke(void)
{
	pthread_mutex_lock(&el.lock);
	if (now_s() - el.last_try >= 0.25) {	/* not a storm of campaigns */
		el.poked = true;
		pthread_cond_signal(&el.wake);
	}
	pthread_mutex_unlock(&el.lock);
}

int nm_election_start(const char *self_url, unsigned ttl_seconds)
{
	int r = nm_worker_open(&el.w);

	(void)self_url;
	if (r < 0)
		return r;
	el.ttl = ttl_seconds;
	el.last_ok = now_s();
	campaign();
	r = pthread_create(&el.thread, NULL, election_main, NULL);
	if (r) {
		nm_worker_close(&el.w);
		return -r;
	}
	el.running = true;
	return 0;
}

void nm_election_stop(void)
{
	if (!el.running)
		return;
	pthread_mutex_lock(&el.lock);
	el.stop = true;
	pthread_cond_signal(&el.wake);
	pthread_mutex_unlock(&el.lock);
	pthread_join(el.thread, NULL);
	el.running = false;
	if (contiv_master_resign(el.w.master) < 0)
		nm_log(LOG_WARNING, "resigning: %s", contiv_ctx_get_error(el.w.ctx));
	pthread_mutex_lock(&el.lock);
	if (el.leader)
		nm_log(LOG_NOTICE, "resigned leadership");
	el.leader = false;
	el.leader_url[0] = '\0';
	pthread_mutex_unlock(&el.lock);
	nm_worker_close(&el.w);
}

/* ---- forwarding ---- */

static pthread_key_t curl_key;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_free_handle(void *p)
{
	curl_easy_cleanup(p);
}

static void curl_key_init(void)
{
	pthread_key_create(&curl_key, curl_free_handle);
}

void nm_forward_thread_init(void)
{
	pthread_once(&curl_once, curl_key_init);
}

struct buf {
	char *data;
	size_t len;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;
	size_t add = size * n;
	char *p;

	if (b->len + add > MAX_ANSWER) {
		b->too_big = true;
		return 0;
	}
	p = realloc(b->data, b->len + add + 1);
	if (!p)
		return 0;
	memcpy(p + b->len, ptr, add);
	b->data = p;
	b->len += add;
	p[b->len] = '\0';
	return add;
}

/* Copies text for a JSON string: no quotes, backslashes or control bytes. */
static void json_safe(char *dst, size_t size, const char *text)
{
	size_t i = 0;

	for (; *text && i + 1 < size; text++)
		dst[i++] = *text == '"' || *text == '\\' || (unsigned char)*text < 0x20 ? '\'' : *text;
	dst[i] = '\0';
}

static void fail_answer(struct nm_answer *ans, const char *leader, const char *why)
{
	char msg[900], l[NM_URL_MAX], w[CURL_ERROR_SIZE];
	int n;

	json_safe(l, sizeof(l), leader);
	json_safe(w, sizeof(w), why);
	n = snprintf(msg, sizeof(msg),
		     "{\"error\":\"netmaster leader %s unreachable: %s\",\"status\":503}", l, w);

	free(ans->body);
	ans->status = 503;
	ans->body = strdup(msg);
	ans->len = ans->body ? (size_t)n : 0;
	snprintf(ans->ctype, sizeof(ans->ctype), "application/json");
	ans->transport_error = true;
}

void nm_forward(const char *leader, const char *method, const char *path_query,
		const char *ctype, const char *body, size_t len, struct nm_answer *ans)
{
	CURL *c = pthread_getspecific(curl_key);
	struct curl_slist *hdrs = NULL;
	char url[NM_URL_MAX + 4096], line[NM_URL_MAX + 64], errbuf[CURL_ERROR_SIZE] = "";
	struct buf b = { 0 };
	const char *got_ctype = NULL;
	long status = 0;
	CURLcode rc;

	memset(ans, 0, sizeof(*ans));
	if (!c) {
		c = curl_easy_init();
		if (!c) {
			fail_answer(ans, leader, "cannot make a curl handle");
			return;
		}
		pthread_setspecific(curl_key, c);
	} else {
		curl_easy_reset(c);	/* keeps the connection to the leader open */
	}
	snprintf(url, sizeof(url), "%s%s", leader, path_query);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, FORWARD_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, FORWARD_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	snprintf(line, sizeof(line), "Content-Type: %s", ctype ? ctype : "application/json");
	hdrs = curl_slist_append(hdrs, line);
	hdrs = curl_slist_append(hdrs, NM_FORWARDED_HEADER ": 1");
	hdrs = curl_slist_append(hdrs, "Expect:");	/* no 100-continue round trip */
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		free(b.data);
		fail_answer(ans, leader, b.too_big ? "answer too large" :
					 *errbuf ? errbuf : curl_easy_strerror(rc));
		return;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &got_ctype);
	ans->status = (int)status;
	ans->body = b.data ? b.data : strdup("");
	ans->len = b.len;
	snprintf(ans->ctype, sizeof(ans->ctype), "%s", got_ctype ? got_ctype : "application/json");
	if (!ans->body)
		fail_answer(ans, leader, "out of memory");
}
