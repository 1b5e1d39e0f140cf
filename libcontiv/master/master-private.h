/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The master layer's inside: the request being served, the store key layout,
 * the read-check-write transaction helper and the handlers of each area.
 *
 * A handler reads through struct contiv__mtxn, which remembers the
 * mod_revision of every key read (0 = absent); contiv__mtxn_commit() writes
 * everything in one store transaction that compares all of them, so a
 * request either sees a consistent state and writes, or conflicts and is run
 * again from the start by contiv_master_handle().
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
/* Takes a copy of value. */
int contiv__mtxn_put(struct contiv__mtxn *t, const char *key, const char *value);
int contiv__mtxn_del(struct contiv__mtxn *t, const char *key);
/* Reads and bumps the config serial (for writes whose checks read sets). */
int contiv__mtxn_bump_serial(struct contiv__mtxn *t);
/* Whether anything is to be written. */
bool contiv__mtxn_dirty(const struct contiv__mtxn *t);
int contiv__mtxn_commit(struct contiv__mtxn *t);

/* Config and endpoint keys: "/contiv/config/<coll>/<key>" in buf. */
const char *contiv__key_config(char *buf, size_t len, uint32_t kind, const char *key);
#define CONTIV__KEYBUF 1200

/* Object from the store: 0, -ENOENT, store errors, -EIO for a corrupt value. */
int contiv__load_object(struct contiv__mtxn *t, uint32_t kind, const char *key,
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
