/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_STORE_H
#define CONTIV_STORE_H

/**
 * SECTION:store
 * The state store: keys and values with revisions.
 *
 * One interface, two backends with the same semantics, chosen by URL:
 * - "sqlite:///var/lib/contiv/state.db" (the embedded default): one SQLite
 *   file in WAL mode, crash-safe, shared safely by several processes;
 * - "etcd://127.0.0.1:2379,127.0.0.1:22379" (or "etcds://" for TLS): etcd v3
 *   through its JSON gateway, failing over between the endpoints.
 *
 * Semantics (those of etcd v3): the store has one revision counter. Every
 * successful write (put, delete, or a whole transaction) increments it by one
 * and stamps the keys it changed with that revision (their mod_revision).
 * Keys are 1..1024 bytes of printable ASCII; values are text up to 1 MiB.
 * Transactions are compare-and-swap: a list of comparisons on keys'
 * mod_revisions (0 = the key must not exist) and a list of puts and deletes,
 * applied all or nothing. A watch returns the changes under a prefix after a
 * given revision; the store keeps its change history back to its compaction
 * point, and a watch from before it fails with -CONTIV_ERR_COMPACTED (the
 * caller then lists the prefix again and watches from the list's revision).
 * Leases: a key put with a lease disappears when the lease expires or is
 * revoked.
 *
 * Lifetime: contiv_store_open() returns a store with one reference;
 * contiv_store_ref()/contiv_store_unref() manage it. A transaction is a value
 * object: contiv_store_txn_new() / contiv_store_txn_free(). Strings handed to
 * callbacks are valid only during the call.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_store;
struct contiv_store_txn;

/** Largest key, in bytes. */
#define CONTIV_STORE_KEY_MAX 1024
/** Largest value, in bytes. */
#define CONTIV_STORE_VALUE_MAX (1024 * 1024)

/**
 * struct contiv_store_opts - options of contiv_store_open()
 * @sz: sizeof(struct contiv_store_opts); set by CONTIV_OPTS()
 * @timeout_ms: per-request timeout (etcd) or busy timeout (SQLite); 0 = 5000
 * @tls_ca_file: etcds: CA bundle to verify the server with, or NULL
 * @tls_cert_file: etcds: client certificate, or NULL
 * @tls_key_file: etcds: client key, or NULL
 * @username: etcd: user for etcd authentication, or NULL
 * @password: etcd: password of @username
 */
struct contiv_store_opts {
	size_t sz;
	uint32_t timeout_ms;
	uint32_t reserved;
	const char *tls_ca_file;
	const char *tls_cert_file;
	const char *tls_key_file;
	const char *username;
	const char *password;
};
#define contiv_store_opts__last_field password

/** enum contiv_store_event_type - what a watch event did to its key. */
enum contiv_store_event_type {
	CONTIV_STORE_PUT = 1,
	CONTIV_STORE_DELETE = 2,
};

/**
 * contiv_store_kv_fn:
 * @key: a key
 * @value: its value
 * @mod_revision: the revision that last changed it
 * @userdata: as given
 *
 * Called for each key of a list. Returns 0 to go on; any other value stops
 * the listing, which then returns that value.
 */
typedef int (*contiv_store_kv_fn)(const char *key, const char *value, uint64_t mod_revision,
				  void *userdata);

/**
 * contiv_store_event_fn:
 * @type: enum contiv_store_event_type
 * @key: the key changed
 * @value: its new value (CONTIV_STORE_PUT) or "" (CONTIV_STORE_DELETE)
 * @revision: the revision of the change
 * @userdata: as given
 *
 * Called for each event of a watch, in revision order. Returns 0 to go on;
 * any other value stops the watch, which then returns that value.
 */
typedef int (*contiv_store_event_fn)(uint32_t type, const char *key, const char *value,
				     uint64_t revision, void *userdata);

/**
 * contiv_store_open:
 * @ctx: a context
 * @url: "sqlite://<absolute path>" or "etcd://host:port[,host:port...]"
 *   ("etcds://" for TLS)
 * @opts: options, or NULL
 * @ret: where the store is stored on success
 *
 * Opens (and for SQLite creates, with its schema) the store. For etcd the
 * endpoints are tried in turn until one answers.
 *
 * Returns: 0 on success; -EINVAL for a malformed URL or options;
 * -CONTIV_ERR_UNAVAILABLE if no endpoint answers or the file cannot be
 * opened; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_open(struct contiv_ctx *ctx, const char *url, const struct contiv_store_opts *opts,
		      struct contiv_store **ret);

/**
 * contiv_store_ref:
 * @store: a store, or NULL
 *
 * Returns: @store.
 *
 * Since: 1
 */
struct contiv_store *contiv_store_ref(struct contiv_store *store);

/**
 * contiv_store_unref:
 * @store: a store, or NULL
 *
 * Drops a reference; the last one closes the store.
 *
 * Returns: NULL.
 *
 * Since: 1
 */
struct contiv_store *contiv_store_unref(struct contiv_store *store);

/**
 * contiv_store_get:
 * @store: a store
 * @key: the key
 * @ret_value: where a copy of the value is stored on success (free with
 *   contiv_free()), or NULL if not wanted
 * @ret_mod_revision: where the key's mod_revision is stored, or NULL
 *
 * Returns: 0 on success; -ENOENT if the key does not exist; -EINVAL;
 * -CONTIV_ERR_UNAVAILABLE; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_get(struct contiv_store *store, const char *key, char **ret_value,
		     uint64_t *ret_mod_revision);

/**
 * contiv_store_put:
 * @store: a store
 * @key: the key
 * @value: the value
 * @ret_revision: where the revision of the write is stored, or NULL
 *
 * Returns: 0 on success; -EINVAL for a bad key or value; -CONTIV_ERR_UNAVAILABLE;
 * -ECHILD.
 *
 * Since: 1
 */
int contiv_store_put(struct contiv_store *store, const char *key, const char *value,
		     uint64_t *ret_revision);

/**
 * contiv_store_delete:
 * @store: a store
 * @key: the key
 * @ret_revision: where the revision of the delete is stored, or NULL
 *
 * Returns: 0 on success; -ENOENT if the key does not exist (nothing changes,
 * the revision does not move); -EINVAL; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_delete(struct contiv_store *store, const char *key, uint64_t *ret_revision);

/**
 * contiv_store_list:
 * @store: a store
 * @prefix: every key starting with it is listed ("" = all keys)
 * @fn: called for each key, in byte order of the keys
 * @userdata: passed to @fn
 * @ret_revision: where the store's revision at the time of the list is
 *   stored (watch from it to follow later changes), or NULL; not written
 *   when @fn stops the listing
 *
 * Lists a consistent snapshot.
 *
 * Returns: the number of keys listed (>= 0); the non-zero value @fn returned
 * if it stopped the listing; -EINVAL; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_list(struct contiv_store *store, const char *prefix, contiv_store_kv_fn fn,
		      void *userdata, uint64_t *ret_revision);

/**
 * contiv_store_get_revision:
 * @store: a store
 * @ret_revision: where the current revision is stored
 *
 * Returns: 0 on success; -EINVAL; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_get_revision(struct contiv_store *store, uint64_t *ret_revision);

/**
 * contiv_store_watch:
 * @store: a store
 * @prefix: keys to watch ("" = all)
 * @after_revision: deliver changes with a revision above this one
 * @timeout_ms: how long to wait for the first change; 0 = do not wait,
 *   negative = wait without limit
 * @fn: called for each change, in revision order
 * @userdata: passed to @fn
 * @ret_revision: where the revision to pass as @after_revision next time is
 *   stored (the last one delivered, or the store's revision when nothing
 *   changed), or NULL; not written when @fn stops the watch (the caller
 *   knows which event it stopped at)
 *
 * Delivers the changes after @after_revision that exist now; if there are
 * none, waits up to @timeout_ms for some, then delivers those.
 *
 * Returns: the number of events delivered (0 on timeout); the value @fn
 * returned if it stopped the watch; -CONTIV_ERR_COMPACTED if changes after
 * @after_revision are no longer kept; -EINVAL; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_watch(struct contiv_store *store, const char *prefix, uint64_t after_revision,
		       int timeout_ms, contiv_store_event_fn fn, void *userdata,
		       uint64_t *ret_revision);

/**
 * contiv_store_compact:
 * @store: a store
 * @revision: drop the change history up to and including this revision
 *
 * Returns: 0 on success; -EINVAL if @revision is above the current revision;
 * -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_compact(struct contiv_store *store, uint64_t revision);

/**
 * contiv_store_lease_grant:
 * @store: a store
 * @ttl_seconds: lifetime of the lease without keepalive, 1..3600
 * @ret_lease: where the lease id (non-zero) is stored
 *
 * Returns: 0 on success; -EINVAL; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_lease_grant(struct contiv_store *store, uint32_t ttl_seconds, uint64_t *ret_lease);

/**
 * contiv_store_lease_keepalive:
 * @store: a store
 * @lease: a lease id
 *
 * Restarts the lease's TTL.
 *
 * Returns: 0 on success; -ENOENT if the lease expired or never existed;
 * -EINVAL; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_lease_keepalive(struct contiv_store *store, uint64_t lease);

/**
 * contiv_store_lease_revoke:
 * @store: a store
 * @lease: a lease id
 *
 * Ends the lease now and deletes the keys attached to it.
 *
 * Returns: 0 on success; -ENOENT if no such lease; -EINVAL;
 * -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_lease_revoke(struct contiv_store *store, uint64_t lease);

/**
 * contiv_store_txn_new:
 * @store: a store
 * @ret: where the empty transaction is stored on success
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_txn_new(struct contiv_store *store, struct contiv_store_txn **ret);

/**
 * contiv_store_txn_free:
 * @txn: a transaction, or NULL
 *
 * Since: 1
 */
void contiv_store_txn_free(struct contiv_store_txn *txn);

/**
 * contiv_store_txn_compare:
 * @txn: a transaction
 * @key: a key
 * @mod_revision: the mod_revision @key must have at commit; 0 = @key must
 *   not exist
 *
 * Adds a condition of the transaction.
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_store_txn_compare(struct contiv_store_txn *txn, const char *key, uint64_t mod_revision);

/**
 * contiv_store_txn_put:
 * @txn: a transaction
 * @key: a key
 * @value: its new value
 * @lease: a lease to attach the key to, or 0
 *
 * Adds a put to the transaction.
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_store_txn_put(struct contiv_store_txn *txn, const char *key, const char *value,
			 uint64_t lease);

/**
 * contiv_store_txn_delete:
 * @txn: a transaction
 * @key: a key (deleting a missing key in a transaction is not an error)
 *
 * Adds a delete to the transaction.
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_store_txn_delete(struct contiv_store_txn *txn, const char *key);

/**
 * contiv_store_txn_commit:
 * @txn: a transaction
 * @ret_revision: where the revision of the write is stored, or NULL
 *
 * Applies the transaction if every comparison holds, all or nothing. A
 * transaction can be committed once; free it afterwards.
 *
 * Returns: 0 on success; -CONTIV_ERR_CONFLICT if a comparison failed
 * (nothing written); -ENOENT if a put names an expired lease; -EINVAL if
 * already committed or empty; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_store_txn_commit(struct contiv_store_txn *txn, uint64_t *ret_revision);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_STORE_H */
