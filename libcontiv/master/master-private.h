/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The master layer's inside: the request being served, the store key layout,
 * the read-check-write transaction helper and the handlers of each area.
 *
 * A handler reads through struct contiv__mtxn, which remembers the
 * mod_revision of every key read (0 = absent); contiv__mtxn_commit() writes
 * everything in one store transaction that compares all of them, so a
 * request either sees a consistent state and writes, or conflicts and is run
 * again from the start by contiv_master_handle(). Reads may come from the
 * master's read cache (struct contiv__mcache): the comparisons at commit
 * make that safe, and answers that no commit checked are computed again
 * from fresh reads.
 */
#ifndef CONTIV_MASTER_PRIVATE_H
#define CONTIV_MASTER_PRIVATE_H

#include <json-c/json.h>

#include "libcontiv-private.h"

/* ---- store key layout (docs/REST.md) ---- */
#define CONTIV__K_ROOT "/contiv/"
#define CONTIV__K_CONFIG "/contiv/config/"		/* + <collection>/<key> */
#define CONTIV__K_ENDPOINTS "/contiv/endpoints/"	/* + <endpoint id> */
#define CONTIV__K_NET_STATE "/contiv/state/networks/"	/* + <tenant>:<network> */
#define CONTIV__K_GROUP_STATE "/contiv/state/endpointGroups/"	/* + <tenant>:<group> */
#define CONTIV__K_SERIAL "/contiv/state/config-serial"
#define CONTIV__K_VLANS "/contiv/state/vlans"
#define CONTIV__K_VXLANS "/contiv/state/vxlans"
#define CONTIV__K_GROUPIDS "/contiv/state/groupids"
#define CONTIV__K_LEADER "/contiv/leader"
#define CONTIV__GROUPID_RANGE "1-65535"
#define CONTIV__MAX_TRIES 100
#define CONTIV__DEFAULT_MAX_BODY (1024u * 1024u)
/* Bounds of a master's read cache (cache.c). */
#define CONTIV__MCACHE_MAX_ENTRIES 1024u
#define CONTIV__MCACHE_MAX_BYTES (4u * 1024u * 1024u)

/*
 * The read cache of a master (cache.c): key -> value (or absence) and
 * mod_revision, least recently used first out. Never trusted alone: every
 * key served from it is compared at commit like any other read.
 */
struct contiv__mcache_entry;
struct contiv__mcache {
	struct contiv__mcache_entry **buckets;	/* a power of two of them, or NULL */
	size_t nbuckets;
	struct contiv__mcache_entry *newest, *oldest;
	size_t n, bytes;
	size_t max_entries, max_bytes;
	uint64_t rev_hi;			/* the highest commit revision seen */
	uint64_t hits, misses, evictions, flushes;
};
void contiv__mcache_init(struct contiv__mcache *c);
/* Drops every entry (counted as a flush if there were any). */
void contiv__mcache_clear(struct contiv__mcache *c);
void contiv__mcache_forget(struct contiv__mcache *c, const char *key);
/*
 * 1 with a copy of the value (*ret_value NULL: absent; ret_value may be NULL)
 * and its mod_revision (0: absent); 0 if not cached; -ENOMEM.
 */
int contiv__mcache_lookup(struct contiv__mcache *c, const char *key, char **ret_value,
			  uint64_t *ret_rev);
/* Remembers key's value (NULL: absent, rev 0) at rev; on failure forgets it. */
void contiv__mcache_store(struct contiv__mcache *c, const char *key, const char *value,
			  uint64_t rev);
/* New bounds (0 entries: no caching); evicts down to them. */
void contiv__mcache_set_limits(struct contiv__mcache *c, size_t max_entries, size_t max_bytes);
/* A commit's revision: a revision lower than one seen before drops everything. */
void contiv__mcache_saw_revision(struct contiv__mcache *c, uint64_t rev);

/* Counters kept per master for /metrics. */
enum {
	CONTIV__M_GET, CONTIV__M_POST, CONTIV__M_PUT, CONTIV__M_DELETE, CONTIV__M_OTHER,
	__CONTIV__M_MAX
};
enum {
	CONTIV__S_2XX, CONTIV__S_400, CONTIV__S_404, CONTIV__S_405, CONTIV__S_409,
	CONTIV__S_413, CONTIV__S_5XX, CONTIV__S_OTHER, __CONTIV__S_MAX
};

struct contiv_master {
	int refcount;
	struct contiv_ctx *ctx;
	struct contiv_store *store;
	uint32_t max_body;
	char *version;
	char *self_url;
	uint64_t lease;			/* leadership lease, 0 = not leader */
	uint64_t requests[__CONTIV__M_MAX][__CONTIV__S_MAX];
	uint64_t conflicts_retried;
	uint64_t conflicts_exhausted;
	uint64_t store_errors;
	uint64_t cache_reruns;		/* answers recomputed from fresh reads */
	struct contiv__mcache cache;
};

/* The request being served. */
struct contiv__req {
	struct contiv_master *m;
	const char *method;
	const char *query;		/* after '?', or "" */
	const char *body;		/* NUL-terminated copy, or NULL */
	size_t body_len;
	char *seg[8];			/* decoded path segments after the prefix */
	size_t nseg;
	char *out;			/* the answer, malloc'ed */
	struct contiv__mtxn *t;		/* the current try's transaction */
};

/* ---- transactions (txn.c) ---- */
struct contiv__mtxn;
int contiv__mtxn_new(struct contiv_master *m, struct contiv__mtxn **ret);
void contiv__mtxn_free(struct contiv__mtxn *t);
/* 0 with *ret_value (caller frees) or -ENOENT (absence recorded); ret_value may be NULL. */
int contiv__mtxn_get(struct contiv__mtxn *t, const char *key, char **ret_value);
/*
 * The same for a key that is most likely absent (the id of an object being
 * created): if the cache does not hold it, it is taken as absent without a
 * store read, and the commit's comparison checks that guess (a cache hit).
 */
int contiv__mtxn_get_new(struct contiv__mtxn *t, const char *key, char **ret_value);
/* Takes a copy of value. */
int contiv__mtxn_put(struct contiv__mtxn *t, const char *key, const char *value);
int contiv__mtxn_del(struct contiv__mtxn *t, const char *key);
/* Reads and bumps the config serial (for writes whose checks read sets). */
int contiv__mtxn_bump_serial(struct contiv__mtxn *t);
/*
 * Fresh (the default): every read goes to the store (the cache is only
 * filled). Otherwise
 * reads may be served from the master's cache; see contiv__mtxn_cache_hits().
 */
void contiv__mtxn_set_fresh(struct contiv__mtxn *t, bool fresh);
/* How many reads the cache served: an answer built on them without a commit is unchecked. */
unsigned contiv__mtxn_cache_hits(const struct contiv__mtxn *t);
/* Drops the cache entries of every key read or written (after a conflict). */
void contiv__mtxn_forget(struct contiv__mtxn *t);
/* Whether anything is to be written. */
bool contiv__mtxn_dirty(const struct contiv__mtxn *t);
int contiv__mtxn_commit(struct contiv__mtxn *t);

/* Config and endpoint keys: "/contiv/config/<coll>/<key>" in buf. */
const char *contiv__key_config(char *buf, size_t len, uint32_t kind, const char *key);
#define CONTIV__KEYBUF 1200

/* Object from the store: 0, -ENOENT, store errors, -EIO for a corrupt value. */
int contiv__load_object(struct contiv__mtxn *t, uint32_t kind, const char *key,
			struct contiv_object **ret);
/* The same through contiv__mtxn_get_new(): for an object being created. */
int contiv__load_new_object(struct contiv__mtxn *t, uint32_t kind, const char *key,
			    struct contiv_object **ret);
int contiv__save_object(struct contiv__mtxn *t, const struct contiv_object *obj);
int contiv__delete_object(struct contiv__mtxn *t, const struct contiv_object *obj);

/* A list of objects of one kind whose key starts with prefix ("" = all). */
struct contiv__objlist {
	struct contiv_object **v;
	size_t n;
};
int contiv__list_objects(struct contiv_master *m, uint32_t kind, const char *key_prefix,
			 struct contiv__objlist *ret);
void contiv__objlist_free(struct contiv__objlist *l);

/* JSON state values (json-c objects): 0, -ENOENT, store errors, -EIO. */
int contiv__load_json(struct contiv__mtxn *t, const char *key, struct json_object **ret);
int contiv__save_json(struct contiv__mtxn *t, const char *key, struct json_object *obj);
/* Pools inside a JSON state value (field name). */
int contiv__json_get_pool(struct contiv_master *m, struct json_object *state, const char *field,
			  struct contiv_ipam_pool **ret);
int contiv__json_set_pool(struct json_object *state, const char *field,
			  const struct contiv_ipam_pool *pool);
int contiv__load_idpool(struct contiv__mtxn *t, const char *key, struct contiv_idpool **ret);
int contiv__save_idpool(struct contiv__mtxn *t, const char *key, const struct contiv_idpool *pool);
int64_t contiv__json_int(struct json_object *obj, const char *field);
void contiv__json_set_int(struct json_object *obj, const char *field, int64_t v);
int contiv__json_add_str(struct json_object *obj, const char *field, const char *v);

/* ---- answers (master.c) ---- */
/* Sets the error answer {"error", "status"} and returns status. */
int contiv__reply_error(struct contiv__req *req, int status, const char *fmt, ...)
	contiv__printf(3, 4);
/* Maps a negative errno of a library call to an answer with the context's message. */
int contiv__reply_errno(struct contiv__req *req, int err);
/* Takes text (malloc'ed JSON) as the 200 answer. */
int contiv__reply_text(struct contiv__req *req, char *text);
/* Serialises obj (consumes the reference) as the 200 answer. */
int contiv__reply_json(struct contiv__req *req, struct json_object *obj);
int contiv__reply_object(struct contiv__req *req, const struct contiv_object *obj);
/* Parses body as one JSON object (strict, UTF-8): 0 or an answer status. */
int contiv__parse_body(struct contiv__req *req, struct json_object **ret);
/* JSON of an object as a json-c value. */
struct json_object *contiv__object_json(const struct contiv_object *obj);
const char *contiv__quoted(char buf[CONTIV_QUOTE_MAX], const char *text);

/* ---- handlers ---- */
/* config.c: REST collections; kind from the path; key NULL for the list. */
int contiv__config_handle(struct contiv__req *req, uint32_t kind, const char *key);
/* Builds a tenant/global default; used by contiv_master_init(). */
int contiv__global_create_state(struct contiv_master *m, struct contiv__mtxn *t,
				const struct contiv_object *global);
/* network.c */
int contiv__network_put(struct contiv__req *req, struct contiv_object *obj,
			struct contiv_object *old);
int contiv__network_delete(struct contiv__req *req, struct contiv_object *obj);
int contiv__group_put(struct contiv__req *req, struct contiv_object *obj,
		      struct contiv_object *old);
int contiv__group_delete(struct contiv__req *req, struct contiv_object *obj);
int contiv__global_put(struct contiv__req *req, struct contiv_object *obj,
		       struct contiv_object *old);
/* "endpoint group" for groups, else contiv_object_kind_name(). */
const char *contiv__kind_name(uint32_t kind);
/* The JSON name of the first attribute whose value differs, or NULL. */
const char *contiv__diff_field(const struct contiv_object *a, const struct contiv_object *b);
/* 200 with old if obj equals it, else 409 naming the first changed field. */
int contiv__unchanged_or_409(struct contiv__req *req, const struct contiv_object *obj,
			     const struct contiv_object *old);
/* "<tenant>:<name>" in buf. */
const char *contiv__tkey(char *buf, size_t len, const char *tenant, const char *name);
/* Parses, names (from the URL key) and validates a body: 0 or an answer status. */
int contiv__body_object(struct contiv__req *req, uint32_t kind, const char *key,
			struct contiv_object **ret);
/* Loads the object named by the URL: 0, a 404 answer, or an error. */
int contiv__load_or_404(struct contiv__req *req, uint32_t kind, const char *key,
			struct contiv_object **ret);
/* Requires the object kind/key to exist: 0, or a 400 answer naming it. */
int contiv__require(struct contiv__req *req, uint32_t kind, const char *key, const char *what,
		    struct contiv_object **ret);
/* endpoint.c */
int contiv__endpoint_handle(struct contiv__req *req, const char *id);
int contiv__plugin_handle(struct contiv__req *req, const char *call);
/* inspect.c */
int contiv__inspect_handle(struct contiv__req *req, uint32_t kind, const char *key);
/* The oper object of a network or group for the change stream (tags only). */
struct json_object *contiv__tags_from_state(uint32_t kind, struct json_object *state);
struct json_object *contiv__oper_tags(struct contiv_master *m, uint32_t kind, const char *key);
/* watch.c */
int contiv__watch_handle(struct contiv__req *req);
/* metrics.c */
int contiv__metrics_handle(struct contiv__req *req);
int contiv__info_handle(struct contiv__req *req);
int contiv__version_handle(struct contiv__req *req);

#endif
