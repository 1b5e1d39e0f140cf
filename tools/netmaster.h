/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netmaster's parts: the server (netmaster.c), logging and request metrics
 * (netmaster-metrics.c), leader election and forwarding to the leader
 * (netmaster-ha.c). Everything here is process-wide and thread-safe.
 */
#ifndef NETMASTER_H
#define NETMASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <contiv/contiv.h>

#define NM_URL_MAX 300

/* A context, store and master for one thread (a master is single-threaded). */
struct nm_worker {
	struct contiv_ctx *ctx;
	struct contiv_store *store;
	struct contiv_master *master;
};

int nm_worker_open(struct nm_worker *w);
void nm_worker_close(struct nm_worker *w);

/* ---- logging (netmaster-metrics.c) ---- */
void nm_log_setup(int level, bool use_syslog);
bool nm_log_enabled(int prio);
void nm_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- request metrics (netmaster-metrics.c) ---- */
void nm_metrics_observe(const char *method, int status, double seconds, bool forwarded);
/* Appends the process-wide counters to text (malloc'ed); NULL on ENOMEM. */
char *nm_metrics_append(const char *text);

/* ---- election and forwarding (netmaster-ha.c) ---- */
/* Runs a first campaign here, then the election thread. */
int nm_election_start(const char *self_url, unsigned ttl_seconds);
/* Resigns leadership and stops the election thread. */
void nm_election_stop(void);
/* true if this netmaster is the leader; else the leader's URL or "". */
bool nm_leader(char url[NM_URL_MAX]);
uint64_t nm_leader_changes(void);
/* Campaigns now instead of at the next interval. */
void nm_election_poke(void);

/* A forwarded answer. */
struct nm_answer {
	int status;
	char *body;		/* malloc'ed, NUL-terminated */
	size_t len;
	char ctype[128];
	bool transport_error;	/* the leader did not answer */
};

#define NM_FORWARDED_HEADER "X-Contiv-Forwarded"

/*
 * Sends the request to the leader with the calling thread's curl handle and
 * fills ans with its answer as it came; on a transport failure a 503 answer.
 */
void nm_forward(const char *leader, const char *method, const char *path_query,
		const char *ctype, const char *body, size_t len, struct nm_answer *ans);
void nm_forward_thread_init(void);

#endif
