/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The store layer's inside: the generic part (store.c) checks arguments,
 * builds transactions and dispatches to a backend by URL scheme. A backend
 * implements struct contiv__store_backend; its functions get arguments that
 * are already checked (valid keys, values, non-NULL where required).
 */
#ifndef CONTIV_STORE_PRIVATE_H
#define CONTIV_STORE_PRIVATE_H

#include "libcontiv-private.h"
#include <contiv/store.h>

#define CONTIV_STORE_DEFAULT_TIMEOUT_MS 5000

enum contiv__store_op_type {
	CONTIV__STORE_OP_PUT = 1,
	CONTIV__STORE_OP_DELETE = 2,
};

struct contiv__store_cmp {
	char *key;
	uint64_t mod_revision;	/* 0: the key must not exist */
};

struct contiv__store_op {
	enum contiv__store_op_type type;
	char *key;
	char *value;		/* PUT only */
	uint64_t lease;		/* PUT only; 0 = none */
};

struct contiv_store_txn {
	struct contiv_store *store;
	struct contiv__store_cmp *cmps;
	size_t n_cmps, cap_cmps;
	struct contiv__store_op *ops;
	size_t n_ops, cap_ops;
	bool committed;
};

/* Settings a backend receives at open, from the URL and the options. */
struct contiv__store_config {
	const char *location;	/* URL without "scheme://" */
	bool tls;		/* etcds:// */
	uint32_t timeout_ms;
	const char *tls_ca_file, *tls_cert_file, *tls_key_file;
	const char *username, *password;
};

struct contiv__store_backend {
	const char *scheme;	/* "sqlite", "etcd" (also serves "etcds") */
	/* Sets store->data. Messages via contiv__error(store->ctx, ...). */
	int (*open)(struct contiv_store *store, const struct contiv__store_config *config);
	void (*close)(struct contiv_store *store);
	int (*get)(struct contiv_store *store, const char *key, char **ret_value,
		   uint64_t *ret_mod_revision);
	int (*del)(struct contiv_store *store, const char *key, uint64_t *ret_revision);
	int (*list)(struct contiv_store *store, const char *prefix, contiv_store_kv_fn fn,
		    void *userdata, uint64_t *ret_revision);
	int (*revision)(struct contiv_store *store, uint64_t *ret_revision);
	int (*watch)(struct contiv_store *store, const char *prefix, uint64_t after_revision,
		     int timeout_ms, contiv_store_event_fn fn, void *userdata,
		     uint64_t *ret_revision);
	int (*compact)(struct contiv_store *store, uint64_t revision);
	int (*lease_grant)(struct contiv_store *store, uint32_t ttl_seconds, uint64_t *ret_lease);
	int (*lease_keepalive)(struct contiv_store *store, uint64_t lease);
	int (*lease_revoke)(struct contiv_store *store, uint64_t lease);
	/* Puts go through commit (a one-op transaction for contiv_store_put). */
	int (*commit)(struct contiv_store *store, const struct contiv_store_txn *txn,
		      uint64_t *ret_revision);
};

struct contiv_store {
	int refcount;
	struct contiv_ctx *ctx;
	const struct contiv__store_backend *backend;
	void *data;		/* the backend's */
};

extern const struct contiv__store_backend contiv__store_sqlite;
extern const struct contiv__store_backend contiv__store_etcd;

/*
 * SQLite backend, for tests: the group commit counters of the file of store
 * (a sqlite:// store), shared by the process's handles on that file: groups
 * run, writes taken into them, writes waiting now, whether a group runs now.
 */
struct contiv__store_group_stats {
	uint64_t groups, writes;
	unsigned queued;
	bool running;
};
void contiv__store_sqlite_group_stats(struct contiv_store *store,
				      struct contiv__store_group_stats *ret);

/* Key rule shared by the generic layer and backends: 1..1024 bytes, 0x21..0x7e. */
bool contiv__store_key_valid(const char *key);

#endif
