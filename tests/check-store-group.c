/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * store-sqlite, group commit: the writes of a process's handles on one file
 * are committed in groups (store-sqlite.c). Each write still takes its own
 * revision, consecutive and unique; a refused write rolls back alone; an
 * acknowledged write survives kill -9; another process writing the same file
 * serializes with the groups. Threads never call ck_assert (they record, the
 * test's thread checks).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check-suites.h"
#include "store-test.h"
#include "store/store-private.h"

static struct store_test t;

#define BEGIN(flags) store_test_begin(&t, __func__, STORE_TEST_SQLITE | (flags))

#define THREADS 8

static void teardown(void)
{
	store_test_end(&t);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static struct contiv__store_group_stats stats(struct contiv_store *store)
{
	struct contiv__store_group_stats s;

	contiv__store_sqlite_group_stats(store, &s);
	return s;
}

/* Waits (up to 10 s) until the file's committer has a group running and n writes queued. */
static void wait_queued(struct contiv_store *store, unsigned n)
{
	for (int i = 0; i < 10000; i++) {
		struct contiv__store_group_stats s = stats(store);

		if (s.running && s.queued == n)
			return;
		sleep_ms(1);
	}
	ck_abort_msg("the queue never reached %u writes", n);
}

/* ---- N threads x M transactions on their own handles ---- */

/* One writer thread: its own context and handle, m transactions, what it got. */
struct writer {
	pthread_t tid;
	int id, m;
	const char *tag;	/* key prefix under t.prefix */
	int fd;			/* >= 0: write an ack per commit there */
	uint64_t *revs;		/* [m]: the revision each commit returned */
	int r;			/* first failure */
	char err[256];
};

/* An acknowledgment sent through a pipe (atomic: smaller than PIPE_BUF). */
struct ack {
	int id, i;
	uint64_t revision;
};

static void key_of(char *buf, size_t size, const char *tag, const char *kind, int id, int i)
{
	snprintf(buf, size, "%s%s-%s-%02d-%06d", t.prefix, tag, kind, id, i);
}

/*
 * Transaction i of writer id: a compare that the key does not exist yet, a
 * put of the key and a put of its mirror: two changes at one revision.
 */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct contiv_store *store = NULL;
	struct contiv_ctx *ctx = NULL;
	char key[256], mirror[256], value[64];

	w->r = store_test_open(&t, &ctx, &store);
	if (w->r < 0) {
		snprintf(w->err, sizeof(w->err), "open: %d", w->r);
		return NULL;
	}
	for (int i = 0; i < w->m && w->r == 0; i++) {
		struct contiv_store_txn *txn = NULL;
		struct ack ack = { .id = w->id, .i = i };

		key_of(key, sizeof(key), w->tag, "k", w->id, i);
		key_of(mirror, sizeof(mirror), w->tag, "m", w->id, i);
		snprintf(value, sizeof(value), "v-%d-%d", w->id, i);
		w->r = contiv_store_txn_new(store, &txn);
		if (w->r == 0)
			w->r = contiv_store_txn_compare(txn, key, 0);
		if (w->r == 0)
			w->r = contiv_store_txn_put(txn, key, value, 0);
		if (w->r == 0)
			w->r = contiv_store_txn_put(txn, mirror, value, 0);
		if (w->r == 0)
			w->r = contiv_store_txn_commit(txn, &ack.revision);
		contiv_store_txn_free(txn);
		if (w->r < 0) {
			snprintf(w->err, sizeof(w->err), "commit %d: %d %s", i, w->r,
				 contiv_ctx_get_error(ctx));
			break;
		}
		if (w->revs)
			w->revs[i] = ack.revision;
		if (w->fd >= 0 && write(w->fd, &ack, sizeof(ack)) != sizeof(ack))
			w->r = -EIO;
	}
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
	return NULL;
}

static void writers_start(struct writer *w, int n, int m, const char *tag, int fd)
{
	for (int i = 0; i < n; i++) {
		w[i] = (struct writer){ .id = i, .m = m, .tag = tag, .fd = fd };
		if (fd < 0)
			w[i].revs = calloc((size_t)m, sizeof(uint64_t));
		ck_assert_int_eq(pthread_create(&w[i].tid, NULL, writer_main, &w[i]), 0);
	}
}

static void writers_join(struct writer *w, int n)
{
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		ck_assert_msg(w[i].r == 0, "writer %d: %s", i, w[i].err);
	}
}

static void writers_free(struct writer *w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i].revs);
}

/* Who committed each revision (revision -> id * 1000000 + i), from the change log. */
struct log_check {
	uint64_t last;		/* the revision of the last event */
	int seq;		/* events seen at revision last */
	uint64_t n_revs;
	char first_key[256];
	const char *tag;	/* only keys with this tag count */
	int *owner;		/* [max]: id * 1000000 + i, or -1 */
	uint64_t max;
	bool bad;
	char why[256];
};

/* Parses "<prefix><tag>-<kind>-<id>-<i>"; kind 'k' or 'm', or 0 if not of this tag. */
static char parse_key(const struct log_check *lc, const char *key, int *id, int *i)
{
	size_t np = strlen(t.prefix), nt = strlen(lc->tag);
	char kind;

	if (strncmp(key, t.prefix, np) || strncmp(key + np, lc->tag, nt) || key[np + nt] != '-')
		return 0;
	if (sscanf(key + np + nt + 1, "%c-%d-%d", &kind, id, i) != 3)
		return 0;
	return kind;
}

static int check_event(uint32_t type, const char *key, const char *value, uint64_t revision,
		       void *userdata)
{
	struct log_check *lc = userdata;
	int id, i;
	char kind = parse_key(lc, key, &id, &i), expect[64];

	if (!kind)
		return 0;	/* another writer's */
	snprintf(expect, sizeof(expect), "v-%d-%d", id, i);
	if (type != CONTIV_STORE_PUT || strcmp(value, expect) || revision > lc->max) {
		lc->bad = true;
		snprintf(lc->why, sizeof(lc->why), "event %u %s=%s at %llu", type, key, value,
			 (unsigned long long)revision);
		return 1;
	}
	if (revision != lc->last) {
		/* a new revision: the previous one had both changes */
		if (lc->last && lc->seq != 2) {
			lc->bad = true;
			snprintf(lc->why, sizeof(lc->why), "revision %llu has %d changes",
				 (unsigned long long)lc->last, lc->seq);
			return 1;
		}
		if (revision < lc->last) {
			lc->bad = true;
			snprintf(lc->why, sizeof(lc->why), "revision %llu after %llu",
				 (unsigned long long)revision, (unsigned long long)lc->last);
			return 1;
		}
		lc->last = revision;
		lc->seq = 0;
		lc->n_revs++;
		lc->owner[revision] = id * 1000000 + i;
	} else if (lc->owner[revision] != id * 1000000 + i) {
		lc->bad = true;
		snprintf(lc->why, sizeof(lc->why), "revision %llu mixes two transactions",
			 (unsigned long long)revision);
		return 1;
	}
	lc->seq++;
	return 0;
}

/* Reads the whole change log of tag into lc (owner[] sized max + 1). */
static void log_read(struct contiv_store *store, const char *tag, struct log_check *lc,
		     uint64_t max)
{
	int n;

	*lc = (struct log_check){ .tag = tag, .max = max };
	lc->owner = malloc((max + 1) * sizeof(int));
	for (uint64_t r = 0; r <= max; r++)
		lc->owner[r] = -1;
	n = contiv_store_watch(store, "", 0, 0, check_event, lc, NULL);
	ck_assert_msg(!lc->bad, "change log: %s", lc->why);
	ck_assert_int_ge(n, 0);
	ck_assert_msg(lc->last == 0 || lc->seq == 2, "last revision has %d changes", lc->seq);
}

/* The key of writer id's transaction i and its mirror hold its value at revision. */
static void check_committed(struct contiv_store *store, const char *tag, int id, int i,
			    uint64_t revision)
{
	char key[256], expect[64];
	uint64_t mod = 0;
	char *value = NULL;

	snprintf(expect, sizeof(expect), "v-%d-%d", id, i);
	for (int k = 0; k < 2; k++) {
		key_of(key, sizeof(key), tag, k ? "m" : "k", id, i);
		ck_assert_msg(contiv_store_get(store, key, &value, &mod) == 0,
			      "acknowledged key %s lost", key);
		ck_assert_str_eq(value, expect);
		ck_assert_uint_eq(mod, revision);
		contiv_free(value);
	}
}

/*
 * Each acknowledged revision of the writers is in 1..total and new in seen[]
 * (marked there), each writer's grow in order, and every commit is in the store.
 */
static void check_writers(const struct writer *w, int n, const char *tag, char *seen,
			  uint64_t total)
{
	for (int id = 0; id < n; id++)
		for (int i = 0; i < w[id].m; i++) {
			uint64_t r = w[id].revs[i];

			ck_assert_uint_ge(r, 1);
			ck_assert_uint_le(r, total);
			ck_assert_msg(!seen[r], "revision %llu acknowledged twice",
				      (unsigned long long)r);
			seen[r] = 1;
			if (i > 0)
				ck_assert_uint_gt(r, w[id].revs[i - 1]);
			check_committed(t.store, tag, w[id].id, i, r);
		}
}

/* The change log gives each writer's revisions to its own commits. */
static void check_owners(const struct log_check *lc, const struct writer *w, int n)
{
	for (int id = 0; id < n; id++)
		for (int i = 0; i < w[id].m; i++)
			ck_assert_int_eq(lc->owner[w[id].revs[i]], w[id].id * 1000000 + i);
}

static const char *integrity(const char *path)
{
	static char result[64];
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;

	result[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(result, sizeof(result), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return result;
}

START_TEST(group_threads)
{
	enum { M = 150, TOTAL = THREADS * M };
	struct writer w[THREADS];
	struct contiv__store_group_stats before, after;
	struct log_check lc;
	static char seen[TOTAL + 1];
	uint64_t rev = 0;

	BEGIN(STORE_TEST_OPEN);
	before = stats(t.store);
	writers_start(w, THREADS, M, "g", -1);
	writers_join(w, THREADS);
	after = stats(t.store);

	/* every commit took its own revision: 1..TOTAL, each once */
	memset(seen, 0, sizeof(seen));
	check_writers(w, THREADS, "g", seen, TOTAL);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, TOTAL);

	/* the change log: every revision once, in order, both changes of its commit */
	log_read(t.store, "g", &lc, TOTAL);
	ck_assert_uint_eq(lc.n_revs, TOTAL);
	check_owners(&lc, w, THREADS);
	free(lc.owner);
	writers_free(w, THREADS);

	/* every write went through a group; how many groups is the machine's business */
	ck_assert_uint_eq(after.writes - before.writes, TOTAL);
	ck_assert_uint_ge(after.groups - before.groups, 1);
	ck_assert_uint_le(after.groups - before.groups, TOTAL);
	t.store = contiv_store_unref(t.store);
	ck_assert_str_eq(integrity(t.path), "ok");
}
END_TEST

/* ---- one group, made on purpose: a leader stuck on the lock, the rest queue behind it ---- */

enum job_kind { JOB_PUT, JOB_CAS, JOB_LEASE_PUT, JOB_DELETE_MISSING, JOB_DELETE };

struct job {
	pthread_t tid;
	enum job_kind kind;
	char key[256];
	uint64_t cmp;		/* JOB_CAS: the mod_revision to compare */
	uint64_t lease;		/* JOB_LEASE_PUT */
	struct contiv_store *store;
	struct contiv_ctx *ctx;
	int r;
	uint64_t revision;
	char err[512];
};

static void *job_main(void *arg)
{
	struct job *j = arg;
	struct contiv_store_txn *txn = NULL;

	switch (j->kind) {
	case JOB_DELETE:
		j->r = contiv_store_delete(j->store, j->key, &j->revision);
		break;
	default:
		j->r = contiv_store_txn_new(j->store, &txn);
		if (j->r == 0 && j->kind == JOB_CAS)
			j->r = contiv_store_txn_compare(txn, j->key, j->cmp);
		if (j->r == 0 && j->kind == JOB_DELETE_MISSING)
			j->r = contiv_store_txn_delete(txn, j->key);
		if (j->r == 0 && j->kind != JOB_DELETE_MISSING)
			j->r = contiv_store_txn_put(txn, j->key, "new",
						    j->kind == JOB_LEASE_PUT ? j->lease : 0);
		if (j->r == 0)
			j->r = contiv_store_txn_commit(txn, &j->revision);
		contiv_store_txn_free(txn);
	}
	snprintf(j->err, sizeof(j->err), "%s", contiv_ctx_get_error(j->ctx));
	return NULL;
}

static void job_open(struct job *j, const struct contiv_store_opts *opts)
{
	ck_assert_int_eq(contiv_ctx_new(NULL, &j->ctx), 0);
	ck_assert_int_eq(contiv_store_open(j->ctx, t.url, opts, &j->store), 0);
}

static void job_start(struct job *j)
{
	ck_assert_int_eq(pthread_create(&j->tid, NULL, job_main, j), 0);
}

static void job_end(struct job *j)
{
	contiv_store_unref(j->store);
	contiv_ctx_unref(j->ctx);
}

START_TEST(group_refusals)
{
	enum { K = 7 };
	struct job lead = { .kind = JOB_PUT }, jobs[K];
	struct contiv__store_group_stats before, after;
	uint64_t mods[K], rev = 0, mod = 0, expect;
	sqlite3 *db = NULL;
	char *value = NULL;

	BEGIN(STORE_TEST_OPEN);
	for (int i = 0; i < K; i++) {
		char name[16];

		snprintf(name, sizeof(name), "a%d", i);
		ck_assert_int_eq(contiv_store_put(t.store, store_test_key(&t, name), "old", &mods[i]), 0);
	}
	/* what the group members do, in queue order */
	for (int i = 0; i < K; i++) {
		char name[16];

		snprintf(name, sizeof(name), "a%d", i);
		jobs[i] = (struct job){ .kind = JOB_CAS, .cmp = mods[i] };
		snprintf(jobs[i].key, sizeof(jobs[i].key), "%s", store_test_key(&t, name));
	}
	jobs[2].cmp = mods[2] + 100;			/* a stale compare: conflict */
	jobs[4].kind = JOB_LEASE_PUT;			/* a lease that does not exist */
	jobs[4].lease = 4242;
	jobs[5].kind = JOB_DELETE_MISSING;		/* changes nothing: no revision */
	snprintf(jobs[5].key, sizeof(jobs[5].key), "%s", store_test_key(&t, "missing"));
	jobs[6].kind = JOB_DELETE;			/* a plain delete */
	snprintf(lead.key, sizeof(lead.key), "%s", store_test_key(&t, "lead"));

	job_open(&lead, NULL);
	for (int i = 0; i < K; i++)
		job_open(&jobs[i], NULL);
	/* another connection holds the write lock: the first writer leads and waits for it */
	ck_assert_int_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	before = stats(t.store);
	job_start(&lead);
	wait_queued(t.store, 0);
	for (int i = 0; i < K; i++) {
		job_start(&jobs[i]);
		wait_queued(t.store, (unsigned)i + 1);
	}
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	pthread_join(lead.tid, NULL);
	for (int i = 0; i < K; i++)
		pthread_join(jobs[i].tid, NULL);
	after = stats(t.store);

	/* two groups: the leader alone, then all of the queue */
	ck_assert_uint_eq(after.groups - before.groups, 2);
	ck_assert_uint_eq(after.writes - before.writes, K + 1);

	ck_assert_msg(lead.r == 0, "lead: %d %s", lead.r, lead.err);
	ck_assert_uint_eq(lead.revision, K + 1);
	/* consecutive revisions for those that changed something, in queue order */
	expect = K + 1;
	for (int i = 0; i < K; i++) {
		struct job *j = &jobs[i];

		if (i == 2) {
			ck_assert_int_eq(j->r, -CONTIV_ERR_CONFLICT);
			ck_assert_msg(strstr(j->err, "changed"), "conflict message: %s", j->err);
			ck_assert_msg(strstr(j->err, "/a2"), "conflict message: %s", j->err);
			continue;
		}
		if (i == 4) {
			ck_assert_int_eq(j->r, -ENOENT);
			ck_assert_msg(strstr(j->err, "lease 4242"), "lease message: %s", j->err);
			continue;
		}
		ck_assert_msg(j->r == 0, "job %d: %d %s", i, j->r, j->err);
		if (i == 5) {
			ck_assert_uint_eq(j->revision, expect);	/* the current one */
			continue;
		}
		ck_assert_uint_eq(j->revision, ++expect);
	}
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, expect);
	for (int i = 0; i < K - 1; i++) {
		if (i == 5)
			continue;
		ck_assert_int_eq(contiv_store_get(t.store, jobs[i].key, &value, &mod), 0);
		if (i == 2 || i == 4) {	/* refused: untouched */
			ck_assert_str_eq(value, "old");
			ck_assert_uint_eq(mod, mods[i]);
		} else {
			ck_assert_str_eq(value, "new");
			ck_assert_uint_eq(mod, jobs[i].revision);
		}
		contiv_free(value);
	}
	ck_assert_int_eq(contiv_store_get(t.store, jobs[6].key, NULL, NULL), -ENOENT);
	for (int i = 0; i < K; i++)
		job_end(&jobs[i]);
	job_end(&lead);
}
END_TEST

/* A database failure of the group fails every member; nothing of it is committed. */
START_TEST(group_failure)
{
	enum { K = 4 };
	CONTIV_OPTS(contiv_store_opts, o, .timeout_ms = 1000);
	struct job jobs[K];
	sqlite3 *db = NULL;
	uint64_t rev = 0;

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(contiv_store_put(t.store, store_test_key(&t, "x"), "v", NULL), 0);
	for (int i = 0; i < K; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		jobs[i] = (struct job){ .kind = JOB_PUT };
		snprintf(jobs[i].key, sizeof(jobs[i].key), "%s", store_test_key(&t, name));
		/* the leader (the first) gives up on the lock after 1 s */
		job_open(&jobs[i], i == 0 ? &o : NULL);
	}
	ck_assert_int_eq(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < K; i++) {
		job_start(&jobs[i]);
		wait_queued(t.store, (unsigned)i);
	}
	/* the first fails alone (its group started before the others queued) */
	pthread_join(jobs[0].tid, NULL);
	ck_assert_int_eq(jobs[0].r, -CONTIV_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(jobs[0].err, "locked"), "%s", jobs[0].err);
	/* the next leader has the default timeout: free the lock for it */
	ck_assert_int_eq(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	for (int i = 1; i < K; i++) {
		pthread_join(jobs[i].tid, NULL);
		ck_assert_msg(jobs[i].r == 0, "job %d: %d %s", i, jobs[i].r, jobs[i].err);
	}
	ck_assert_int_eq(contiv_store_get(t.store, jobs[0].key, NULL, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, 1 + K - 1);
	for (int i = 0; i < K; i++)
		job_end(&jobs[i]);
}
END_TEST

/* ---- crash safety with groups ---- */

/* The child: THREADS writers as fast as they can, each commit acknowledged on fd. */
static int crash_burst(const struct store_test *st, int fd)
{
	struct writer w[THREADS];

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .id = i, .m = INT_MAX, .tag = "c", .fd = fd };
		if (pthread_create(&w[i].tid, NULL, writer_main, &w[i]) != 0)
			return 2;
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(w[i].tid, NULL);
	return 3;	/* a writer failed */
}

START_TEST(group_crash_safety)
{
	static struct ack acks[200000];
	int fds[2], n = 0, status, next[THREADS] = { 0 };
	struct log_check lc;
	uint64_t revision = 0, max_ack = 0;
	ssize_t got;
	pid_t pid;

	BEGIN(0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = store_test_fork(&t, crash_burst, fds[1]);
	close(fds[1]);
	while ((got = read(fds[0], &acks[n], sizeof(acks[0]))) == sizeof(acks[0])) {
		if (++n == 600)
			kill(pid, SIGKILL);
		ck_assert_int_lt(n, 200000);
	}
	close(fds[0]);
	status = store_test_wait(pid);
	ck_assert_msg(status == 128 + SIGKILL, "child status %d after %d acks", status, n);
	ck_assert_int_ge(n, 600);

	ck_assert_int_eq(store_test_open(&t, &t.ctx, &t.store), 0);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &revision), 0);
	/* every acknowledged commit is there, at its revision, with both its keys */
	for (int k = 0; k < n; k++) {
		ck_assert_int_ge(acks[k].id, 0);
		ck_assert_int_lt(acks[k].id, THREADS);
		ck_assert_int_eq(acks[k].i, next[acks[k].id]++);	/* each writer in order */
		check_committed(t.store, "c", acks[k].id, acks[k].i, acks[k].revision);
		if (acks[k].revision > max_ack)
			max_ack = acks[k].revision;
	}
	ck_assert_uint_ge(revision, max_ack);
	ck_assert_uint_ge(revision, (uint64_t)n);
	/* at most one unacknowledged commit per writer (killed between commit and ack) */
	ck_assert_uint_le(revision, (uint64_t)n + THREADS);
	/* the log: revisions 1..revision, each one whole transaction, no partial one */
	log_read(t.store, "c", &lc, revision);
	ck_assert_uint_eq(lc.n_revs, revision);
	for (uint64_t r = 1; r <= revision; r++) {
		int id = lc.owner[r] / 1000000, i = lc.owner[r] % 1000000;

		ck_assert_int_ge(lc.owner[r], 0);
		check_committed(t.store, "c", id, i, r);
	}
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(lc.owner[acks[k].revision], acks[k].id * 1000000 + acks[k].i);
	free(lc.owner);
	t.store = contiv_store_unref(t.store);
	ck_assert_str_eq(integrity(t.path), "ok");
}
END_TEST

/* ---- a second process writing the same file meanwhile ---- */

#define OTHER_M 100

static int other_process(const struct store_test *st, int fd)
{
	struct writer w[2];

	for (int i = 0; i < 2; i++) {
		w[i] = (struct writer){ .id = 100 + i, .m = OTHER_M, .tag = "p", .fd = fd };
		if (pthread_create(&w[i].tid, NULL, writer_main, &w[i]) != 0)
			return 2;
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(w[i].tid, NULL);
		if (w[i].r < 0) {
			fprintf(stderr, "other process, writer %d: %s\n", i, w[i].err);
			return 3;
		}
	}
	return 0;
}

START_TEST(group_two_processes)
{
	enum { M = 100, TOTAL = THREADS * M + 2 * OTHER_M };
	static char seen[TOTAL + 1];
	struct ack acks[2 * OTHER_M];
	struct writer w[THREADS];
	struct log_check lc;
	int fds[2], n = 0;
	uint64_t rev = 0;
	ssize_t got;
	pid_t pid;

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(pipe(fds), 0);
	pid = store_test_fork(&t, other_process, fds[1]);
	close(fds[1]);
	writers_start(w, THREADS, M, "p", -1);
	while (n < 2 * OTHER_M && (got = read(fds[0], &acks[n], sizeof(acks[0]))) == sizeof(acks[0]))
		n++;
	close(fds[0]);
	ck_assert_int_eq(store_test_wait(pid), 0);
	writers_join(w, THREADS);
	ck_assert_int_eq(n, 2 * OTHER_M);

	memset(seen, 0, sizeof(seen));
	check_writers(w, THREADS, "p", seen, TOTAL);
	for (int k = 0; k < n; k++) {
		ck_assert_uint_ge(acks[k].revision, 1);
		ck_assert_uint_le(acks[k].revision, TOTAL);
		ck_assert_msg(!seen[acks[k].revision], "revision %llu twice",
			      (unsigned long long)acks[k].revision);
		seen[acks[k].revision] = 1;
		check_committed(t.store, "p", acks[k].id, acks[k].i, acks[k].revision);
	}
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, TOTAL);
	log_read(t.store, "p", &lc, TOTAL);
	ck_assert_uint_eq(lc.n_revs, TOTAL);
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(lc.owner[acks[k].revision], acks[k].id * 1000000 + acks[k].i);
	check_owners(&lc, w, THREADS);
	free(lc.owner);
	writers_free(w, THREADS);
}
END_TEST

/* ---- leases and group commit ---- */

struct deletes {
	int n;
	uint64_t rev;	/* of the first */
};

static int count_deletes(uint32_t type, const char *key, const char *value, uint64_t revision,
			 void *userdata)
{
	struct deletes *d = userdata;

	if (type == CONTIV_STORE_DELETE && d->n++ == 0)
		d->rev = revision;
	else if (type == CONTIV_STORE_DELETE && revision != d->rev)
		d->rev = 0;
	return 0;
}

/* A lease expiring while threads write: reaped once, at its own revision. */
START_TEST(group_lease_expiry)
{
	enum { M = 40 };
	static char seen[1 + 1 + 4 * M + 1];
	struct writer w[4];
	struct deletes dc = { 0 };
	uint64_t lease = 0, rev = 0;

	BEGIN(STORE_TEST_OPEN);
	ck_assert_int_eq(contiv_store_lease_grant(t.store, 1, &lease), 0);
	{
		struct contiv_store_txn *txn = NULL;

		ck_assert_int_eq(contiv_store_txn_new(t.store, &txn), 0);
		ck_assert_int_eq(contiv_store_txn_put(txn, store_test_key(&t, "l1"), "x", lease), 0);
		ck_assert_int_eq(contiv_store_txn_put(txn, store_test_key(&t, "l2"), "x", lease), 0);
		ck_assert_int_eq(contiv_store_txn_commit(txn, NULL), 0);
		contiv_store_txn_free(txn);
	}
	sleep_ms(1100);	/* expired: the first write (of whichever thread) reaps it */
	writers_start(w, 4, M, "e", -1);
	writers_join(w, 4);
	ck_assert_int_eq(contiv_store_get(t.store, store_test_key(&t, "l1"), NULL, NULL), -ENOENT);
	ck_assert_int_eq(contiv_store_get_revision(t.store, &rev), 0);
	ck_assert_uint_eq(rev, 1 + 1 + 4 * M);	/* the put, the reap, the writes */
	memset(seen, 0, sizeof(seen));
	check_writers(w, 4, "e", seen, rev);
	/* the reap's two deletes at one revision, before every thread's writes */
	ck_assert_int_eq(contiv_store_watch(t.store, "", 1, 0, count_deletes, &dc, NULL), 2 + 2 * 4 * M);
	ck_assert_int_eq(dc.n, 2);
	ck_assert_uint_eq(dc.rev, 2);
	for (int id = 0; id < 4; id++)
		ck_assert_uint_ge(w[id].revs[0], 3);
	writers_free(w, 4);
}
END_TEST

TCase *make_store_group_tcase(void)
{
	TCase *tc = store_test_tcase("sqlite-group", teardown, 300);

	tcase_add_test(tc, group_threads);
	tcase_add_test(tc, group_refusals);
	tcase_add_test(tc, group_failure);
	tcase_add_test(tc, group_crash_safety);
	tcase_add_test(tc, group_two_processes);
	tcase_add_test(tc, group_lease_expiry);
	return tc;
}
