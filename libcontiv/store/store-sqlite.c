/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SQLite backend of the store: one file in WAL mode with synchronous=FULL,
 * so a write acknowledged to the caller survives a crash or a power loss.
 *
 * Tables (schema version 1, in PRAGMA user_version):
 *   kv(key, value, mod_revision, create_revision, lease)  the current keys
 *   changes(revision, seq, type, key, value)              the change log
 *   meta(name, value)       "revision" (the counter), "compacted" (the log's start)
 *   leases(id, ttl, expires_ms)
 *
 * Every write runs in a BEGIN IMMEDIATE transaction: reap expired leases,
 * check, bump the revision, apply, log the changes, COMMIT. BEGIN IMMEDIATE
 * takes the write lock up front (waiting up to the busy timeout), so several
 * processes sharing the file serialize their writes and a comparison cannot
 * go stale between check and write. Within one process, the writes of all
 * the handles on the file are committed in groups, several writes (each in a
 * savepoint, each with its own revision) per transaction and so per fsync:
 * see "group commit" below.
 *
 * Revisions: the counter moves once per committed write that changed at least
 * one key (as etcd's). A transaction whose only operations delete missing keys
 * succeeds without a new revision and returns the current one. Lease grants
 * and keepalives change no key and take no revision; a lease's expiry or
 * revocation that deletes keys takes one revision per lease.
 *
 * Leases expire on the wall clock (CLOCK_REALTIME, milliseconds): the deadline
 * is stored in the file and read by every process sharing it, which a
 * monotonic clock (per boot) could not serve. A clock step moves expiries
 * with it. Expired leases are reaped (keys deleted, DELETE events logged) at
 * the start of every write, and before every read, which first checks
 * cheaply for an expired lease and only then runs a write transaction.
 *
 * Callbacks of list and watch run after the read transaction ended (the rows
 * are copied first), so a callback may use the store, even to write.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store-private.h"

#define SCHEMA_VERSION 1
#define POLL_INTERVAL_MS 10

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS kv ("
	" key TEXT PRIMARY KEY, value TEXT NOT NULL, mod_revision INTEGER NOT NULL,"
	" create_revision INTEGER NOT NULL, lease INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS kv_lease ON kv (lease) WHERE lease != 0;"
	"CREATE TABLE IF NOT EXISTS changes ("
	" revision INTEGER, seq INTEGER, type INTEGER, key TEXT, value TEXT,"
	" PRIMARY KEY (revision, seq));"
	"CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER);"
	"INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0);"
	"CREATE TABLE IF NOT EXISTS leases (id INTEGER PRIMARY KEY, ttl INTEGER, expires_ms INTEGER);"
	"CREATE INDEX IF NOT EXISTS leases_expiry ON leases (expires_ms);"
	"PRAGMA user_version = 1;";

/* The prepared statements, compiled on first use and kept until close. */
#define STATEMENTS(X) \
	X(BEGIN_READ, "BEGIN") \
	X(BEGIN_WRITE, "BEGIN IMMEDIATE") \
	X(COMMIT, "COMMIT") \
	X(ROLLBACK, "ROLLBACK") \
	X(SAVEPOINT, "SAVEPOINT w") \
	X(RELEASE, "RELEASE w") \
	X(ROLLBACK_TO, "ROLLBACK TO w") \
	X(META_GET, "SELECT value FROM meta WHERE name = ?1") \
	X(META_SET, "UPDATE meta SET value = ?2 WHERE name = ?1") \
	X(KV_GET, "SELECT value, mod_revision FROM kv WHERE key = ?1") \
	X(KV_PUT, "INSERT INTO kv (key, value, mod_revision, create_revision, lease)" \
		  " VALUES (?1, ?2, ?3, ?3, ?4) ON CONFLICT (key) DO UPDATE SET" \
		  " value = excluded.value, mod_revision = excluded.mod_revision," \
		  " lease = excluded.lease") \
	X(KV_DEL, "DELETE FROM kv WHERE key = ?1") \
	X(KV_RANGE, "SELECT key, value, mod_revision FROM kv WHERE key >= ?1 AND key < ?2" \
		    " ORDER BY key") \
	X(KV_OF_LEASE, "SELECT key FROM kv WHERE lease = ?1 ORDER BY key") \
	X(KV_DEL_LEASE, "DELETE FROM kv WHERE lease = ?1") \
	X(CHANGE_ADD, "INSERT INTO changes (revision, seq, type, key, value)" \
		      " VALUES (?1, ?2, ?3, ?4, ?5)") \
	X(CHANGE_RANGE, "SELECT revision, type, key, value FROM changes WHERE revision > ?1" \
			" AND key >= ?2 AND key < ?3 ORDER BY revision, seq") \
	X(CHANGE_COMPACT, "DELETE FROM changes WHERE revision <= ?1") \
	X(LEASE_ADD, "INSERT OR IGNORE INTO leases (id, ttl, expires_ms) VALUES (?1, ?2, ?3)") \
	X(LEASE_RENEW, "UPDATE leases SET expires_ms = ?2 + ttl * 1000 WHERE id = ?1") \
	X(LEASE_DEL, "DELETE FROM leases WHERE id = ?1") \
	X(LEASE_EXISTS, "SELECT 1 FROM leases WHERE id = ?1") \
	X(LEASE_EXPIRED, "SELECT id FROM leases WHERE expires_ms <= ?1 ORDER BY expires_ms, id") \
	X(LEASE_ANY_EXPIRED, "SELECT 1 FROM leases WHERE expires_ms <= ?1 LIMIT 1")

#define STMT_ID(id, sql) STMT_##id,
enum stmt_id { STATEMENTS(STMT_ID) N_STMTS };
#undef STMT_ID

#define STMT_SQL(id, sql) [STMT_##id] = sql,
static const char *const stmt_sql[N_STMTS] = { STATEMENTS(STMT_SQL) };
#undef STMT_SQL

struct committer;

struct sq {
	sqlite3 *db;
	char *path;
	struct committer *committer;	/* shared by the handles on the same file */
	uint32_t timeout_ms;
	sqlite3_stmt *stmts[N_STMTS];
};

/* One row copied out of a read transaction, handed to a callback later. */
struct row {
	uint64_t revision;
	uint32_t type;
	char *key;
	char *value;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

/* A write transaction in progress. */
struct wtx {
	uint64_t start_rev;	/* the revision when it began */
	uint64_t rev;		/* the revision after what it did so far */
	int64_t now_ms;
};

typedef int (*write_fn)(struct contiv_store *store, struct wtx *w, void *arg);

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The path for a message: quoted, its end kept when it is long. */
static const char *quote_path(char q[CONTIV_QUOTE_MAX], const char *path)
{
	size_t n = strlen(path);
	char tail[64];

	if (n <= 60)
		return contiv__quote(q, path);
	snprintf(tail, sizeof(tail), "...%s", path + n - 56);
	return contiv__quote(q, tail);
}

/* Fails with -CONTIV_ERR_UNAVAILABLE (-ENOMEM) naming the file and SQLite's reason. */
static int sql_error(struct contiv_store *store, int rc, const char *what)
{
	struct sq *s = store->data;
	char q[CONTIV_QUOTE_MAX];
	const char *why = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	return contiv__error(store->ctx, (rc & 0xff) == SQLITE_NOMEM ? -ENOMEM : -CONTIV_ERR_UNAVAILABLE,
			     "store: sqlite \"%s\": %s: %s", quote_path(q, s->path), what, why);
}

/* Whether r is a failure of the database rather than a refusal of the request. */
static bool is_db_error(int r)
{
	return r == -CONTIV_ERR_UNAVAILABLE || r == -ENOMEM;
}

/* The statement id, reset and unbound, ready to bind; NULL with the error set. */
static sqlite3_stmt *stmt(struct contiv_store *store, enum stmt_id id, int *r)
{
	struct sq *s = store->data;
	int rc;

	if (!s->stmts[id]) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					&s->stmts[id], NULL);
		if (rc != SQLITE_OK) {
			*r = sql_error(store, rc, "preparing a statement");
			return NULL;
		}
	}
	sqlite3_reset(s->stmts[id]);
	sqlite3_clear_bindings(s->stmts[id]);
	return s->stmts[id];
}

/* Steps st: SQLITE_ROW or SQLITE_DONE, or a negative error (st then reset). */
static int step(struct contiv_store *store, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	sqlite3_reset(st);
	return sql_error(store, rc, what);
}

/* Runs a statement that returns no row of interest, then resets it. */
static int run(struct contiv_store *store, sqlite3_stmt *st, const char *what)
{
	int r = step(store, st, what);

	sqlite3_reset(st);
	return r < 0 ? r : 0;
}

/* Runs a statement that changes rows: how many it changed, or an error. */
static int run_count(struct contiv_store *store, sqlite3_stmt *st, const char *what)
{
	int r = run(store, st, what);

	return r < 0 ? r : sqlite3_changes(((struct sq *)store->data)->db);
}

static int exec_id(struct contiv_store *store, enum stmt_id id, const char *what)
{
	int r = 0;
	sqlite3_stmt *st = stmt(store, id, &r);

	return st ? run(store, st, what) : r;
}

static int bind_text(sqlite3_stmt *st, int i, const char *text)
{
	return sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
}

/*
 * Runs the query id with ?1 = text if not NULL, else ?1 = num. Returns 1 with
 * *ret = the column col of its first row, 0 with *ret = 0 when it has no row,
 * or a negative error.
 */
static int query_one(struct contiv_store *store, enum stmt_id id, const char *text, int64_t num,
		     int col, uint64_t *ret, const char *what)
{
	sqlite3_stmt *st;
	int r = 0;

	st = stmt(store, id, &r);
	if (!st)
		return r;
	if (text)
		bind_text(st, 1, text);
	else
		sqlite3_bind_int64(st, 1, num);
	r = step(store, st, what);
	*ret = r == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, col) : 0;
	sqlite3_reset(st);
	return r < 0 ? r : r == SQLITE_ROW;
}

static int meta_get(struct contiv_store *store, const char *name, uint64_t *ret)
{
	int r = query_one(store, STMT_META_GET, name, 0, 0, ret, "reading the revision");

	if (r == 0)
		return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE,
				     "store: sqlite: meta row \"%s\" missing", name);
	return r < 0 ? r : 0;
}

static int meta_set(struct contiv_store *store, const char *name, uint64_t value)
{
	int r = 0;
	sqlite3_stmt *st = stmt(store, STMT_META_SET, &r);

	if (!st)
		return r;
	bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)value);
	return run(store, st, "writing the revision");
}

static int log_change(struct contiv_store *store, uint64_t revision, int seq, uint32_t type,
		      const char *key, const char *value)
{
	int r = 0;
	sqlite3_stmt *st = stmt(store, STMT_CHANGE_ADD, &r);

	if (!st)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)revision);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int(st, 3, (int)type);
	bind_text(st, 4, key);
	if (value)
		bind_text(st, 5, value);
	return run(store, st, "logging a change");
}

/*
 * Deletes the lease and, at a new revision, the keys attached to it, logging
 * a DELETE event for each.
 */
static int remove_lease(struct contiv_store *store, struct wtx *w, uint64_t lease)
{
	uint64_t rev = w->rev + 1;
	sqlite3_stmt *keys, *st;
	int seq = 0, r = 0;

	keys = stmt(store, STMT_KV_OF_LEASE, &r);
	if (!keys)
		return r;
	sqlite3_bind_int64(keys, 1, (sqlite3_int64)lease);
	while ((r = step(store, keys, "reading a lease's keys")) == SQLITE_ROW) {
		r = log_change(store, rev, seq++, CONTIV_STORE_DELETE,
			       (const char *)sqlite3_column_text(keys, 0), NULL);
		if (r < 0)
			break;
	}
	sqlite3_reset(keys);
	if (r < 0)
		return r;
	if (seq > 0) {
		st = stmt(store, STMT_KV_DEL_LEASE, &r);
		if (!st)
			return r;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)lease);
		r = run(store, st, "deleting a lease's keys");
		if (r < 0)
			return r;
		w->rev = rev;
	}
	st = stmt(store, STMT_LEASE_DEL, &r);
	if (!st)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)lease);
	return run(store, st, "deleting a lease");
}

/* Removes the leases expired at w->now_ms, oldest first, with their keys. */
static int reap(struct contiv_store *store, struct wtx *w)
{
	uint64_t lease;
	int r;

	while ((r = query_one(store, STMT_LEASE_EXPIRED, NULL, w->now_ms, 0, &lease,
			      "reading expired leases")) == 1) {
		r = remove_lease(store, w, lease);
		if (r < 0)
			return r;
	}
	return r;
}

/* ---- group commit ---- */

/*
 * Writes of all the handles that one process has open on one database file
 * are committed in groups: a writer queues its write on the file's committer
 * and waits; the writer at the head of the queue, when no group is running,
 * becomes the group's leader: it takes the queue and runs every write in it
 * in ONE SQLite transaction on its own connection, each write inside a
 * SAVEPOINT (a refused write rolls back alone, what it did not write is not
 * undone for the others) and each successful one taking its own revision, in
 * queue order, exactly as it would alone. One COMMIT, so one WAL fsync
 * (synchronous=FULL), for the whole group; then every member gets its own
 * result. If the transaction fails as a whole (BEGIN, a database error in any
 * write, COMMIT), nothing of the group is committed and every member gets
 * that error. Nobody is acknowledged before the COMMIT returned.
 *
 * The committers are the one piece of process-wide state of the library: a
 * registry keyed by the file's device and inode (so every path to it, and
 * every context, shares one), refcounted by the handles. Contexts and handles
 * stay single-threaded; it is the file that is shared, and SQLite lets one
 * writer at a time commit it, so the process's writers queue here rather
 * than one by one in SQLite's busy handler (which sleeps), each paying an
 * fsync of its own. Other processes on the same file still serialize with
 * this one through BEGIN IMMEDIATE and the busy timeout.
 *
 * A member's write runs on the leader's thread and connection with a scratch
 * context of its own for the error message, which the member copies to its
 * own context when it wakes: a context is never touched by another thread.
 *
 * fork(): the child starts with an empty registry (pthread_atfork); the
 * handles it inherited cannot be used in it (-ECHILD) and are never closed
 * there, so it never touches the parent's committers, whose locks may be
 * held by threads that do not exist in the child.
 */
#define GROUP_MAX 256

struct member {
	struct member *next;
	write_fn fn;
	void *arg;
	struct contiv_ctx scratch;	/* fn's error, for the member's context */
	pthread_cond_t wake;
	bool done;
	int r;
	uint64_t revision;		/* on success: the revision after its write */
};

struct committer {
	struct committer *next;		/* in the registry */
	dev_t dev;
	ino_t ino;
	int refs;			/* under registry_lock */
	pthread_mutex_t lock;		/* the rest under it */
	struct member *head, **tail;	/* the writes waiting for a group */
	bool running;			/* a leader is running a group */
	uint64_t groups, writes;	/* counters, for tests */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct committer *registry;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static void registry_prepare(void)
{
	pthread_mutex_lock(&registry_lock);
}

static void registry_parent(void)
{
	pthread_mutex_unlock(&registry_lock);
}

static void registry_child(void)
{
	registry = NULL;	/* the parent's committers are left alone (leaked) */
	pthread_mutex_unlock(&registry_lock);
}

static void registry_init(void)
{
	pthread_atfork(registry_prepare, registry_parent, registry_child);
}

/* The committer of the file st describes, made on first use; NULL on ENOMEM. */
static struct committer *committer_get(const struct stat *st)
{
	struct committer *c;

	pthread_once(&registry_once, registry_init);
	pthread_mutex_lock(&registry_lock);
	for (c = registry; c; c = c->next)
		if (c->dev == st->st_dev && c->ino == st->st_ino)
			break;
	if (!c && (c = calloc(1, sizeof(*c)))) {
		c->dev = st->st_dev;
		c->ino = st->st_ino;
		pthread_mutex_init(&c->lock, NULL);
		c->tail = &c->head;
		c->next = registry;
		registry = c;
	}
	if (c)
		c->refs++;
	pthread_mutex_unlock(&registry_lock);
	return c;
}

static void committer_put(struct committer *c)
{
	struct committer **p;

	if (!c)
		return;
	pthread_mutex_lock(&registry_lock);
	if (--c->refs > 0) {
		pthread_mutex_unlock(&registry_lock);
		return;
	}
	for (p = &registry; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* Copies the error recorded on the scratch context from to to's. */
static void scratch_copy(struct contiv_ctx *to, const struct contiv_ctx *from)
{
	to->err = from->err;
	memcpy(to->errmsg, from->errmsg, sizeof(to->errmsg));
}

/* Rolls back the transaction of store's connection, if one is open. */
static void rollback(struct contiv_store *store)
{
	struct sq *s = store->data;
	sqlite3_stmt *st;
	int c = 0;

	if (sqlite3_get_autocommit(s->db))
		return;
	/* keep the message of the first error */
	st = stmt(store, STMT_ROLLBACK, &c);
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

/*
 * The leader's work: runs the members' writes in one transaction on store's
 * connection, after reaping expired leases, and sets each member's result.
 * A member's fn returns 0, a refusal (-ENOENT, -CONTIV_ERR_CONFLICT, -EINVAL:
 * its savepoint is rolled back, the others go on) or a database error (the
 * whole transaction is rolled back and every member fails with it).
 */
static void run_group(struct contiv_store *store, struct member *group)
{
	struct contiv_ctx scratch = { .refcount = 1, .pid = getpid() };
	struct contiv_store shim = *store;
	struct wtx w = { .now_ms = wall_ms() };
	struct member *m;
	int r;

	shim.ctx = &scratch;	/* the group's own errors */
	r = exec_id(&shim, STMT_BEGIN_WRITE, "starting a write");
	if (r == 0)
		r = meta_get(&shim, "revision", &w.start_rev);
	w.rev = w.start_rev;
	if (r == 0)
		r = reap(&shim, &w);
	for (m = group; r == 0 && m; m = m->next) {
		uint64_t before = w.rev;

		m->revision = w.rev;
		if (!m->fn)
			continue;
		shim.ctx = &m->scratch;
		r = exec_id(&shim, STMT_SAVEPOINT, "starting a write");
		if (r == 0)
			m->r = m->fn(&shim, &w, m->arg);
		if (r == 0 && is_db_error(m->r))
			r = m->r;
		else if (r == 0 && m->r < 0) {
			/* refused: undo what it may have written, the others stay */
			w.rev = before;
			r = exec_id(&shim, STMT_ROLLBACK_TO, "rolling back a refused write");
		}
		if (r == 0)
			r = exec_id(&shim, STMT_RELEASE, "ending a write");
		if (r < 0)
			scratch_copy(&scratch, &m->scratch);
		m->revision = w.rev;
		shim.ctx = &scratch;
	}
	if (r == 0 && w.rev != w.start_rev)
		r = meta_set(&shim, "revision", w.rev);
	if (r == 0)
		r = exec_id(&shim, STMT_COMMIT, "committing");
	if (r == 0)
		return;
	rollback(&shim);
	for (m = group; m; m = m->next) {
		m->r = r;
		scratch_copy(&m->scratch, &scratch);
	}
}

void contiv__store_sqlite_group_stats(struct contiv_store *store,
				      struct contiv__store_group_stats *ret)
{
	struct committer *c = ((struct sq *)store->data)->committer;

	pthread_mutex_lock(&c->lock);
	ret->groups = c->groups;
	ret->writes = c->writes;
	ret->queued = 0;
	for (struct member *m = c->head; m; m = m->next)
		ret->queued++;
	ret->running = c->running;
	pthread_mutex_unlock(&c->lock);
}

/*
 * Runs fn (if any) in a write transaction, after reaping expired leases, in
 * a group with the writes of the process's other handles on the same file
 * (see above). fn returns 0, a refusal (-ENOENT, -CONTIV_ERR_CONFLICT,
 * -EINVAL: what it wrote is rolled back, what the reap did is still
 * committed) or a database error (nothing is committed). On success
 * *ret_revision is the revision after the write.
 */
static int write_txn(struct contiv_store *store, write_fn fn, void *arg, uint64_t *ret_revision)
{
	struct sq *s = store->data;
	struct committer *c = s->committer;
	struct member me = {
		.fn = fn,
		.arg = arg,
		.scratch = { .refcount = 1, .pid = getpid() },
	};
	struct member *group, *m, **end;
	size_t n = 0;

	pthread_cond_init(&me.wake, NULL);
	pthread_mutex_lock(&c->lock);
	*c->tail = &me;
	c->tail = &me.next;
	while (!me.done && (c->running || c->head != &me))
		pthread_cond_wait(&me.wake, &c->lock);
	if (!me.done) {
		/* lead: take the queue (up to GROUP_MAX) and run it */
		c->running = true;
		c->groups++;
		group = c->head;
		for (end = &c->head; *end && n < GROUP_MAX; end = &(*end)->next)
			n++;
		c->writes += n;
		c->head = *end;
		*end = NULL;
		if (!c->head)
			c->tail = &c->head;
		pthread_mutex_unlock(&c->lock);

		run_group(store, group);

		pthread_mutex_lock(&c->lock);
		c->running = false;
		for (m = group; m; m = m->next) {
			m->done = true;
			if (m != &me)
				pthread_cond_signal(&m->wake);
		}
		if (c->head)	/* the next leader */
			pthread_cond_signal(&c->head->wake);
	}
	pthread_mutex_unlock(&c->lock);
	pthread_cond_destroy(&me.wake);

	if (me.r < 0) {
		if (me.scratch.errmsg[0])
			contiv__error(store->ctx, me.r, "%s", me.scratch.errmsg);
		return me.r;
	}
	if (ret_revision)
		*ret_revision = me.revision;
	return 0;
}

/* Before a read: reaps in a write transaction if some lease has expired. */
static int reap_if_needed(struct contiv_store *store)
{
	uint64_t any;
	int r = query_one(store, STMT_LEASE_ANY_EXPIRED, NULL, wall_ms(), 0, &any, "reading leases");

	return r == 1 ? write_txn(store, NULL, NULL, NULL) : r;
}

/* Starts a read transaction (a snapshot) and reads its revision. */
static int read_begin(struct contiv_store *store, uint64_t *ret_revision)
{
	int r = reap_if_needed(store);

	if (r == 0)
		r = exec_id(store, STMT_BEGIN_READ, "starting a read");
	if (r == 0) {
		r = meta_get(store, "revision", ret_revision);
		if (r < 0)
			exec_id(store, STMT_COMMIT, "ending a read");
	}
	return r;
}

static int read_end(struct contiv_store *store, int r)
{
	int c = exec_id(store, STMT_COMMIT, "ending a read");

	return r < 0 ? r : (c < 0 ? c : r);
}

/* The bounds of the keys starting with prefix: [lo, hi). */
static void prefix_range(const char *prefix, char *hi)
{
	size_t n = strlen(prefix);

	/* Keys are bytes 0x21..0x7e: every key is below "\x7f", and the
	 * successor of a prefix is its last byte plus one, never a carry. */
	if (n == 0) {
		strcpy(hi, "\x7f");
		return;
	}
	memcpy(hi, prefix, n + 1);
	hi[n - 1]++;
}

static void rows_free(struct rows *rows)
{
	for (size_t i = 0; i < rows->n; i++) {
		free(rows->v[i].key);
		free(rows->v[i].value);
	}
	free(rows->v);
}

static int rows_add(struct rows *rows, uint64_t revision, uint32_t type, const char *key,
		    const char *value)
{
	struct row *row;

	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 16;
		struct row *v = reallocarray(rows->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		rows->v = v;
		rows->cap = cap;
	}
	row = &rows->v[rows->n];
	row->revision = revision;
	row->type = type;
	row->key = strdup(key);
	row->value = strdup(value ? value : "");
	if (!row->key || !row->value) {
		free(row->key);
		free(row->value);
		return -ENOMEM;
	}
	rows->n++;
	return 0;
}

/* Copies the rows of st, columns (revision, type, key, value) as numbered. */
static int rows_collect(struct contiv_store *store, sqlite3_stmt *st, int col_rev, int col_type,
			int col_key, int col_value, struct rows *rows)
{
	int r;

	while ((r = step(store, st, "reading")) == SQLITE_ROW) {
		r = rows_add(rows, (uint64_t)sqlite3_column_int64(st, col_rev),
			     col_type < 0 ? 0 : (uint32_t)sqlite3_column_int(st, col_type),
			     (const char *)sqlite3_column_text(st, col_key),
			     (const char *)sqlite3_column_text(st, col_value));
		if (r < 0)
			break;
	}
	sqlite3_reset(st);
	return r < 0 ? r : 0;
}

/* ---- open and close ---- */

static void sq_free(struct sq *s)
{
	for (size_t i = 0; i < N_STMTS; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close_v2(s->db);
	committer_put(s->committer);
	free(s->path);
	free(s);
}

/* Creates the file, mode 0600 whatever the umask, unless it exists. */
static int create_file(struct contiv_store *store, const char *path)
{
	char q[CONTIV_QUOTE_MAX];
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd >= 0) {
		err = fchmod(fd, 0600) < 0 ? errno : 0;
		close(fd);
		if (err == 0)
			return 0;
	} else {
		err = errno;
		if (err == EEXIST)
			return 0;
	}
	return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE, "store: sqlite \"%s\": %s%s",
			     quote_path(q, path), strerror(err),
			     err == ENOENT ? " (its directory must exist)" : "");
}

/* Keeps the first column of the last row sqlite3_exec() returns. */
static int exec_result(void *userdata, int n, char **values, char **names)
{
	char *buf = userdata;

	snprintf(buf, 16, "%s", n > 0 && values[0] ? values[0] : "");
	return 0;
}

/*
 * Runs SQL text (setup only), retrying while another process holds a lock;
 * result (16 bytes, or NULL) receives the first column of the last row.
 */
static int setup_exec(struct contiv_store *store, const char *sql, char *result, const char *what)
{
	struct sq *s = store->data;
	int64_t deadline = mono_ms() + s->timeout_ms;
	int rc;

	for (;;) {
		rc = sqlite3_exec(s->db, sql, result ? exec_result : NULL, result, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		if (mono_ms() >= deadline)
			break;
		sleep_ms(POLL_INTERVAL_MS);
	}
	return sql_error(store, rc, what);
}

static int setup_schema(struct contiv_store *store)
{
	struct sq *s = store->data;
	char q[CONTIV_QUOTE_MAX], mode[16] = "", version[16] = "";
	int r;

	r = setup_exec(store, "PRAGMA journal_mode = WAL", mode, "setting WAL mode");
	if (r == 0 && strcmp(mode, "wal") != 0)
		return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE,
				     "store: sqlite \"%s\": cannot use WAL mode (journal mode \"%s\")",
				     quote_path(q, s->path), mode);
	if (r == 0)
		r = setup_exec(store, "PRAGMA synchronous = FULL", NULL, "setting synchronous mode");
	if (r == 0)
		r = setup_exec(store, "PRAGMA user_version", version, "reading the schema version");
	if (r < 0 || atoi(version) == SCHEMA_VERSION)
		return r;
	if (atoi(version) > SCHEMA_VERSION)
		return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE,
				     "store: sqlite \"%s\": schema version %s is newer than this library's %d",
				     quote_path(q, s->path), version, SCHEMA_VERSION);
	/* A new file: create the schema, once, whoever comes first. */
	r = setup_exec(store, "BEGIN IMMEDIATE", NULL, "starting to create the schema");
	if (r < 0)
		return r;
	r = setup_exec(store, schema_sql, NULL, "creating the schema");
	if (r == 0)
		r = setup_exec(store, "COMMIT", NULL, "committing the schema");
	if (r < 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

static int sq_open(struct contiv_store *store, const struct contiv__store_config *config)
{
	char q[CONTIV_QUOTE_MAX];
	struct stat st;
	struct sq *s;
	int rc, r;

	if (config->location[0] != '/')
		return contiv__error(store->ctx, -EINVAL,
				     "store: sqlite path \"%s\": must be absolute (sqlite:///dir/file.db)",
				     quote_path(q, config->location));
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(config->location))) {
		free(s);
		return -ENOMEM;
	}
	s->timeout_ms = config->timeout_ms;
	store->data = s;

	r = create_file(store, s->path);
	if (r < 0)
		goto fail;
	rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = sql_error(store, rc, "opening");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, (int)(s->timeout_ms > INT_MAX ? INT_MAX : s->timeout_ms));
	r = setup_schema(store);
	if (r < 0)
		goto fail;
	/* the file as it is open now (create_file made it, SQLite opened it) */
	if (stat(s->path, &st) < 0) {
		r = contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE, "store: sqlite \"%s\": %s",
				  quote_path(q, s->path), strerror(errno));
		goto fail;
	}
	s->committer = committer_get(&st);
	if (!s->committer) {
		r = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	sq_free(s);
	store->data = NULL;
	return r;
}

static void sq_close(struct contiv_store *store)
{
	struct sq *s = store->data;

	/* A child of fork() must not touch the parent's connection (closing it
	 * could checkpoint and delete the WAL under the parent): leak it. */
	if (!s || contiv__ctx_forked(store->ctx))
		return;
	sq_free(s);
	store->data = NULL;
}

/* ---- reads ---- */

static int sq_get(struct contiv_store *store, const char *key, char **ret_value,
		  uint64_t *ret_mod_revision)
{
	char *value = NULL;
	uint64_t mod_revision = 0;
	sqlite3_stmt *st;
	int r;

	r = reap_if_needed(store);
	if (r < 0)
		return r;
	st = stmt(store, STMT_KV_GET, &r);
	if (!st)
		return r;
	bind_text(st, 1, key);
	r = step(store, st, "reading a key");
	if (r == SQLITE_ROW) {
		mod_revision = (uint64_t)sqlite3_column_int64(st, 1);
		if (ret_value && !(value = strdup((const char *)sqlite3_column_text(st, 0))))
			r = -ENOMEM;
	}
	sqlite3_reset(st);
	if (r < 0)
		return r;
	if (r == SQLITE_DONE)
		return -ENOENT;
	if (ret_value)
		*ret_value = value;
	if (ret_mod_revision)
		*ret_mod_revision = mod_revision;
	return 0;
}

static int sq_revision(struct contiv_store *store, uint64_t *ret_revision)
{
	int r = reap_if_needed(store);

	return r < 0 ? r : meta_get(store, "revision", ret_revision);
}

static int sq_list(struct contiv_store *store, const char *prefix, contiv_store_kv_fn fn,
		   void *userdata, uint64_t *ret_revision)
{
	char hi[CONTIV_STORE_KEY_MAX + 2];
	struct rows rows = { 0 };
	uint64_t revision = 0;
	sqlite3_stmt *st;
	int r;

	prefix_range(prefix, hi);
	r = read_begin(store, &revision);
	if (r < 0)
		return r;
	if ((st = stmt(store, STMT_KV_RANGE, &r))) {
		bind_text(st, 1, prefix);
		bind_text(st, 2, hi);
		r = rows_collect(store, st, 2, -1, 0, 1, &rows);
	}
	r = read_end(store, r);
	for (size_t i = 0; r == 0 && i < rows.n; i++) {
		int stop = fn(rows.v[i].key, rows.v[i].value, rows.v[i].revision, userdata);
		if (stop != 0)
			r = stop;
	}
	if (r != 0)
		ret_revision = NULL;	/* stopped or failed: not written */
	else
		r = (int)(rows.n > INT_MAX ? INT_MAX : rows.n);
	rows_free(&rows);
	if (r >= 0 && ret_revision)
		*ret_revision = revision;
	return r;
}

/* The changes after after_revision under [prefix, hi), with the revision and compaction point. */
static int read_changes(struct contiv_store *store, const char *prefix, const char *hi,
			uint64_t after_revision, struct rows *rows, uint64_t *ret_revision)
{
	uint64_t compacted = 0;
	sqlite3_stmt *st;
	int r;

	r = read_begin(store, ret_revision);
	if (r < 0)
		return r;
	r = meta_get(store, "compacted", &compacted);
	if (r == 0 && after_revision < compacted)
		r = contiv__error(store->ctx, -CONTIV_ERR_COMPACTED,
				  "store: changes after revision %llu are compacted (history starts after %llu)",
				  (unsigned long long)after_revision, (unsigned long long)compacted);
	if (r == 0 && *ret_revision > after_revision && (st = stmt(store, STMT_CHANGE_RANGE, &r))) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)after_revision);
		bind_text(st, 2, prefix);
		bind_text(st, 3, hi);
		r = rows_collect(store, st, 0, 1, 2, 3, rows);
	}
	return read_end(store, r);
}

static int sq_watch(struct contiv_store *store, const char *prefix, uint64_t after_revision,
		    int timeout_ms, contiv_store_event_fn fn, void *userdata, uint64_t *ret_revision)
{
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : mono_ms() + timeout_ms;
	char hi[CONTIV_STORE_KEY_MAX + 2];
	struct rows rows = { 0 };
	uint64_t revision = 0, seen;
	int r;

	prefix_range(prefix, hi);
	for (;;) {
		r = read_changes(store, prefix, hi, after_revision, &rows, &revision);
		if (r < 0 || rows.n > 0 || mono_ms() >= deadline)
			break;
		/* Nothing yet: wait for the revision to move (any process's write). */
		seen = revision;
		while (revision == seen && mono_ms() < deadline) {
			int64_t left = deadline - mono_ms();

			sleep_ms(left < POLL_INTERVAL_MS ? left : POLL_INTERVAL_MS);
			r = sq_revision(store, &revision);
			if (r < 0)
				goto out;
		}
	}
	for (size_t i = 0; r == 0 && i < rows.n; i++) {
		int stop = fn(rows.v[i].type, rows.v[i].key, rows.v[i].value, rows.v[i].revision,
			      userdata);
		revision = rows.v[i].revision;
		if (stop != 0)
			r = stop;
	}
	if (r != 0)
		ret_revision = NULL;	/* stopped or failed: not written */
	else
		r = (int)(rows.n > INT_MAX ? INT_MAX : rows.n);
out:
	rows_free(&rows);
	if (r >= 0 && ret_revision)
		*ret_revision = revision;
	return r;
}

/* ---- writes ---- */

/* Whether the lease exists (1), not (0), or an error. */
static int lease_exists(struct contiv_store *store, uint64_t lease)
{
	uint64_t one;

	return query_one(store, STMT_LEASE_EXISTS, NULL, (int64_t)lease, 0, &one, "reading a lease");
}

/* Deletes key at revision rev if it exists; *deleted tells. */
static int delete_key(struct contiv_store *store, const char *key, uint64_t rev, int seq,
		      bool *deleted)
{
	sqlite3_stmt *st;
	int r = 0;

	st = stmt(store, STMT_KV_DEL, &r);
	if (!st)
		return r;
	bind_text(st, 1, key);
	r = run_count(store, st, "deleting a key");
	if (r < 0)
		return r;
	*deleted = r > 0;
	return *deleted ? log_change(store, rev, seq, CONTIV_STORE_DELETE, key, NULL) : 0;
}

static int put_key(struct contiv_store *store, const struct contiv__store_op *op, uint64_t rev,
		   int seq)
{
	sqlite3_stmt *st;
	int r = 0;

	st = stmt(store, STMT_KV_PUT, &r);
	if (!st)
		return r;
	bind_text(st, 1, op->key);
	bind_text(st, 2, op->value);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)rev);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)op->lease);
	r = run(store, st, "writing a key");
	return r < 0 ? r : log_change(store, rev, seq, CONTIV_STORE_PUT, op->key, op->value);
}

static int commit_fn(struct contiv_store *store, struct wtx *w, void *arg)
{
	const struct contiv_store_txn *txn = arg;
	char q[CONTIV_QUOTE_MAX];
	uint64_t rev = w->rev + 1, mod = 0;
	bool changed = false;
	int r;

	for (size_t i = 0; i < txn->n_cmps; i++) {
		/* mod = 0 when the key does not exist */
		r = query_one(store, STMT_KV_GET, txn->cmps[i].key, 0, 1, &mod, "reading a key");
		if (r < 0)
			return r;
		if (mod != txn->cmps[i].mod_revision)
			return contiv__error(store->ctx, -CONTIV_ERR_CONFLICT,
					     "store: key \"%s\" changed (mod_revision %llu, expected %llu)",
					     contiv__quote(q, txn->cmps[i].key), (unsigned long long)mod,
					     (unsigned long long)txn->cmps[i].mod_revision);
	}
	for (size_t i = 0; i < txn->n_ops; i++) {
		if (txn->ops[i].type != CONTIV__STORE_OP_PUT || !txn->ops[i].lease)
			continue;
		r = lease_exists(store, txn->ops[i].lease);
		if (r < 0)
			return r;
		if (r == 0)
			return contiv__error(store->ctx, -ENOENT,
					     "store: key \"%s\": lease %llu expired or never existed",
					     contiv__quote(q, txn->ops[i].key),
					     (unsigned long long)txn->ops[i].lease);
	}
	for (size_t i = 0; i < txn->n_ops; i++) {
		const struct contiv__store_op *op = &txn->ops[i];
		bool deleted = true;

		if (op->type == CONTIV__STORE_OP_PUT)
			r = put_key(store, op, rev, (int)i);
		else
			r = delete_key(store, op->key, rev, (int)i, &deleted);
		if (r < 0)
			return r;
		changed |= deleted;
	}
	if (changed)
		w->rev = rev;
	return 0;
}

static int sq_commit(struct contiv_store *store, const struct contiv_store_txn *txn,
		     uint64_t *ret_revision)
{
	return write_txn(store, commit_fn, (void *)txn, ret_revision);
}

static int del_fn(struct contiv_store *store, struct wtx *w, void *arg)
{
	const char *key = arg;
	char q[CONTIV_QUOTE_MAX];
	bool deleted;
	int r;

	r = delete_key(store, key, w->rev + 1, 0, &deleted);
	if (r < 0)
		return r;
	if (!deleted)
		return contiv__error(store->ctx, -ENOENT, "store: key \"%s\" does not exist",
				     contiv__quote(q, key));
	w->rev++;
	return 0;
}

static int sq_del(struct contiv_store *store, const char *key, uint64_t *ret_revision)
{
	return write_txn(store, del_fn, (void *)key, ret_revision);
}

static int compact_fn(struct contiv_store *store, struct wtx *w, void *arg)
{
	uint64_t revision = *(const uint64_t *)arg, compacted;
	sqlite3_stmt *st;
	int r;

	if (revision > w->rev)
		return contiv__error(store->ctx, -EINVAL,
				     "store: cannot compact to revision %llu, beyond the current %llu",
				     (unsigned long long)revision, (unsigned long long)w->rev);
	r = meta_get(store, "compacted", &compacted);
	if (r < 0 || revision <= compacted)
		return r;
	st = stmt(store, STMT_CHANGE_COMPACT, &r);
	if (!st)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)revision);
	r = run(store, st, "compacting");
	return r < 0 ? r : meta_set(store, "compacted", revision);
}

static int sq_compact(struct contiv_store *store, uint64_t revision)
{
	return write_txn(store, compact_fn, &revision, NULL);
}

struct lease_arg {
	uint64_t lease;
	uint32_t ttl;
};

static int grant_fn(struct contiv_store *store, struct wtx *w, void *arg)
{
	struct lease_arg *a = arg;
	sqlite3_stmt *st;
	int r = 0;

	/* A random 63-bit id, never 0, drawn again if a live lease has it. */
	do {
		sqlite3_int64 id;

		sqlite3_randomness(sizeof(id), &id);
		id &= INT64_MAX;
		if (id == 0)
			continue;
		st = stmt(store, STMT_LEASE_ADD, &r);
		if (!st)
			return r;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, a->ttl);
		sqlite3_bind_int64(st, 3, w->now_ms + (int64_t)a->ttl * 1000);
		r = run_count(store, st, "granting a lease");
		if (r < 0)
			return r;
		if (r > 0)
			a->lease = (uint64_t)id;
	} while (!a->lease);
	return 0;
}

static int sq_lease_grant(struct contiv_store *store, uint32_t ttl_seconds, uint64_t *ret_lease)
{
	struct lease_arg a = { .ttl = ttl_seconds };
	int r = write_txn(store, grant_fn, &a, NULL);

	if (r == 0)
		*ret_lease = a.lease;
	return r;
}

static int no_lease(struct contiv_store *store, uint64_t lease)
{
	return contiv__error(store->ctx, -ENOENT, "store: lease %llu expired or never existed",
			     (unsigned long long)lease);
}

static int keepalive_fn(struct contiv_store *store, struct wtx *w, void *arg)
{
	uint64_t lease = *(const uint64_t *)arg;
	sqlite3_stmt *st;
	int r = 0;

	st = stmt(store, STMT_LEASE_RENEW, &r);
	if (!st)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)lease);
	sqlite3_bind_int64(st, 2, w->now_ms);
	r = run_count(store, st, "renewing a lease");
	return r != 0 ? (r < 0 ? r : 0) : no_lease(store, lease);
}

static int sq_lease_keepalive(struct contiv_store *store, uint64_t lease)
{
	return write_txn(store, keepalive_fn, &lease, NULL);
}

static int revoke_fn(struct contiv_store *store, struct wtx *w, void *arg)
{
	uint64_t lease = *(const uint64_t *)arg;
	int r;

	r = lease_exists(store, lease);
	if (r < 0)
		return r;
	return r ? remove_lease(store, w, lease) : no_lease(store, lease);
}

static int sq_lease_revoke(struct contiv_store *store, uint64_t lease)
{
	return write_txn(store, revoke_fn, &lease, NULL);
}

const struct contiv__store_backend contiv__store_sqlite = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.get = sq_get,
	.del = sq_del,
	.list = sq_list,
	.revision = sq_revision,
	.watch = sq_watch,
	.compact = sq_compact,
	.lease_grant = sq_lease_grant,
	.lease_keepalive = sq_lease_keepalive,
	.lease_revoke = sq_lease_revoke,
	.commit = sq_commit,
};
