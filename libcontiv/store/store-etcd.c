/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The etcd v3 backend: the store operations as requests to etcd's JSON gRPC
 * gateway (etcd-http.c sends them, etcd-codec.c reads the answers).
 *
 * Retried writes. A request that failed after it may have reached a member
 * (a timeout, a reset connection, "request timed out") is sent again to the
 * next endpoint, so a write may be applied twice. For our writes that is
 * harmless or visible:
 * - a put (sent as a plain put), or a transaction without comparisons, re-applies the same puts
 *   (same values: the same state, one more revision) and deletes keys that
 *   are already gone (not an error in a transaction);
 * - a transaction with comparisons on mod_revisions fails its comparisons the
 *   second time if the first one was applied and touched a compared key:
 *   -CONTIV_ERR_CONFLICT, after which a CAS caller re-reads, as after any
 *   conflict (and finds its own write);
 * - a delete that finds nothing after a resend cannot tell "already deleted
 *   by my first attempt" from "never existed": -CONTIV_ERR_UNAVAILABLE, with
 *   a message saying so, rather than a wrong -ENOENT;
 * - a revoke that finds no lease after a resend and a compaction that finds
 *   the revision compacted after a resend succeed (the goal is reached);
 * - a lease grant sent twice leaves an unused lease that expires by its TTL.
 *
 * Watch. etcd only reports changes through a watch stream, and a watch
 * started from an old revision reports nothing when no change under the
 * prefix happened since: an unsynced watcher and a quiet prefix look the
 * same. So when changes exist after after_revision (the store's revision R is
 * above it), the backend watches the whole keyspace from after_revision + 1
 * until it has seen the events of revision R (every revision has at least one
 * event), filtering by prefix itself: then it knows exactly which changes
 * under the prefix exist now, even with timeout 0. Only then, if there were
 * none and the caller wants to wait, it watches the prefix alone from R + 1.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "etcd-private.h"

#define LIST_PAGE 1000

static struct contiv__etcd *etcd(struct contiv_store *store)
{
	return store->data;
}

/* A server error answer as a store error. */
static int answered_error(struct contiv_store *store, const char *what,
			  const struct contiv__etcd_error *err)
{
	if (err->code == CONTIV__ETCD_GRPC_PERMISSION_DENIED ||
	    err->code == CONTIV__ETCD_GRPC_UNAUTHENTICATED || strstr(err->message, "user name is empty"))
		return contiv__error(store->ctx, -EACCES, "etcd: %s: %s", what, err->message);
	if (err->code == CONTIV__ETCD_GRPC_INVALID_ARGUMENT)
		return contiv__error(store->ctx, -EINVAL, "etcd: %s: %s", what, err->message);
	return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE, "etcd: %s: server error %d: %s",
			     what, err->code, err->message);
}

static int header_revision(struct contiv_store *store, json_object *resp, const char *what,
			   uint64_t *ret)
{
	json_object *header;
	int r;

	r = contiv__etcd_json_object(store->ctx, resp, "header", what, &header);
	if (r < 0)
		return r;
	if (!header)
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: answer without header",
				     what);
	r = contiv__etcd_json_int64(store->ctx, header, "revision", what, ret);
	if (r == 0 && *ret == 0)
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: answer without revision",
				     what);
	return r;
}

/*
 * Sends req (consumed; NULL means it could not be built: -ENOMEM) to path.
 * A server error answer becomes a store error, unless ret_error is given:
 * then 1 is returned with the error there, for the caller to map.
 */
static int request(struct contiv_store *store, const char *path, json_object *req,
		   const char *what, unsigned flags, json_object **ret,
		   struct contiv__etcd_error *ret_error, bool *ret_resent)
{
	struct contiv__etcd_error err;
	int r;

	if (!req)
		return -ENOMEM;
	r = contiv__etcd_call(etcd(store), path, req, flags, ret, &err, ret_resent);
	json_object_put(req);
	if (r == 1 && ret_error)
		*ret_error = err;
	else if (r == 1)
		r = answered_error(store, what, &err);
	return r;
}

/* A request object with key (len bytes) and, if end, range_end. */
static json_object *key_request(const char *key, size_t len, const char *end, size_t end_len)
{
	json_object *req = json_object_new_object();

	if (!req || contiv__etcd_add_b64(req, "key", key, len) < 0 ||
	    (end && contiv__etcd_add_b64(req, "range_end", end, end_len) < 0)) {
		json_object_put(req);
		return NULL;
	}
	return req;
}

/*
 * The key range of a prefix: [prefix, prefix with its last byte + 1), or for
 * "" etcd's "all keys" ("\0", "\0"). Keys are printable ASCII, so the last
 * byte never overflows. end must hold CONTIV_STORE_KEY_MAX bytes.
 */
static size_t prefix_end(const char *prefix, char *end, const char **key, size_t *key_len)
{
	size_t len = strlen(prefix);

	if (len == 0) {
		*key = "";
		*key_len = 1;	/* the NUL byte */
		end[0] = '\0';
		return 1;
	}
	*key = prefix;
	*key_len = len;
	memcpy(end, prefix, len);
	end[len - 1]++;
	return len;
}

/* One kv object of a range or an event: key, value (absent = ""), mod_revision. */
struct kv {
	char *key, *value;
	uint64_t mod_revision;
};

static void kv_clear(struct kv *kv)
{
	free(kv->key);
	free(kv->value);
	*kv = (struct kv){ 0 };
}

/*
 * Reads kv. Returns 0, 1 if the key is not one of ours (not a valid store
 * key: another program's, skipped), or a negative error.
 */
static int read_kv(struct contiv_store *store, json_object *obj, const char *what, bool value,
		   struct kv *kv)
{
	char q[CONTIV_QUOTE_MAX];
	const char *b64;
	size_t len;
	int r;

	*kv = (struct kv){ 0 };
	if (!json_object_is_type(obj, json_type_object))
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: a kv is not an object",
				     what);
	r = contiv__etcd_json_string(store->ctx, obj, "key", what, &b64);
	if (r < 0)
		return r;
	if (!b64)
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: a kv has no key", what);
	r = contiv__etcd_b64_decode(b64, &kv->key, &len);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: a key is not base64",
				     what);
	if (strlen(kv->key) != len || !contiv__store_key_valid(kv->key)) {
		contiv_dbg(store->ctx, "etcd: %s: skipping foreign key \"%s\"", what,
			   contiv__quote(q, kv->key));
		kv_clear(kv);
		return 1;
	}
	r = contiv__etcd_json_int64(store->ctx, obj, "mod_revision", what, &kv->mod_revision);
	if (r == 0 && kv->mod_revision == 0)
		r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: key \"%s\" without mod_revision",
				  what, contiv__quote(q, kv->key));
	if (r == 0 && value)
		r = contiv__etcd_json_b64(store->ctx, obj, "value", what, &kv->value);
	if (r == 0 && value && strlen(kv->value) > CONTIV_STORE_VALUE_MAX)
		r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: %s: key \"%s\": value too large",
				  what, contiv__quote(q, kv->key));
	if (r < 0)
		kv_clear(kv);
	return r;
}

/* ---- operations ---- */

static int etcd_get(struct contiv_store *store, const char *key, char **ret_value,
		    uint64_t *ret_mod_revision)
{
	json_object *resp = NULL, *kvs;
	char q[CONTIV_QUOTE_MAX];
	struct kv kv = { 0 };
	int r;

	r = request(store, "/v3/kv/range", key_request(key, strlen(key), NULL, 0), "get", 0, &resp,
		    NULL, NULL);
	if (r < 0)
		return r;
	r = contiv__etcd_json_array(store->ctx, resp, "kvs", "get", &kvs);
	if (r == 0 && (!kvs || json_object_array_length(kvs) == 0))
		r = contiv__error(store->ctx, -ENOENT, "store: key \"%s\" not found",
				  contiv__quote(q, key));
	if (r == 0 && json_object_array_length(kvs) != 1)
		r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: get: several kvs for one key");
	if (r == 0)
		r = read_kv(store, json_object_array_get_idx(kvs, 0), "get", true, &kv);
	if (r == 0 && strcmp(kv.key, key))
		r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: get: answer for another key");
	else if (r == 1)
		r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: get: answer for another key");
	json_object_put(resp);
	if (r < 0) {
		kv_clear(&kv);
		return r;
	}
	if (ret_mod_revision)
		*ret_mod_revision = kv.mod_revision;
	if (ret_value) {
		*ret_value = kv.value;
		kv.value = NULL;
	}
	kv_clear(&kv);
	return 0;
}

static int etcd_del(struct contiv_store *store, const char *key, uint64_t *ret_revision)
{
	json_object *resp = NULL;
	char q[CONTIV_QUOTE_MAX];
	uint64_t deleted = 0, rev = 0;
	bool resent;
	int r;

	r = request(store, "/v3/kv/deleterange", key_request(key, strlen(key), NULL, 0), "delete", 0,
		    &resp, NULL, &resent);
	if (r < 0)
		return r;
	r = contiv__etcd_json_int64(store->ctx, resp, "deleted", "delete", &deleted);
	if (r == 0)
		r = header_revision(store, resp, "delete", &rev);
	json_object_put(resp);
	if (r < 0)
		return r;
	if (deleted == 0 && resent)
		return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE,
				     "etcd: delete of \"%s\": outcome unknown (sent again after a failure; the first attempt may have deleted it)",
				     contiv__quote(q, key));
	if (deleted == 0)
		return contiv__error(store->ctx, -ENOENT, "store: key \"%s\" not found",
				     contiv__quote(q, key));
	if (ret_revision)
		*ret_revision = rev;
	return 0;
}

static int etcd_list(struct contiv_store *store, const char *prefix, contiv_store_kv_fn fn,
		     void *userdata, uint64_t *ret_revision)
{
	char end[CONTIV_STORE_KEY_MAX + 1], *from = NULL;
	const char *key;
	size_t key_len, end_len, from_len;
	uint64_t revision = 0;
	bool have_prev = false;
	int count = 0, r = 0;

	end_len = prefix_end(prefix, end, &key, &key_len);
	from_len = key_len;
	from = malloc(CONTIV_STORE_KEY_MAX + 2);	/* grows for a long foreign key */
	if (!from)
		return -ENOMEM;
	memcpy(from, key, key_len);
	for (;;) {
		struct contiv__etcd_error err;
		json_object *req, *resp = NULL, *kvs;
		bool more = false;
		size_t n;

		req = key_request(from, from_len, end, end_len);
		if (!req || contiv__etcd_add_int64(req, "limit", LIST_PAGE) < 0 ||
		    (revision && contiv__etcd_add_int64(req, "revision", revision) < 0)) {
			json_object_put(req);
			r = -ENOMEM;
			break;
		}
		r = request(store, "/v3/kv/range", req, "list", 0, &resp, &err, NULL);
		if (r == 1 && err.code == CONTIV__ETCD_GRPC_OUT_OF_RANGE)
			r = contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE,
					  "etcd: list: the snapshot was compacted while being read; list again");
		else if (r == 1)
			r = answered_error(store, "list", &err);
		if (r < 0)
			break;
		if (!revision)
			r = header_revision(store, resp, "list", &revision);
		if (r == 0)
			r = contiv__etcd_json_array(store->ctx, resp, "kvs", "list", &kvs);
		if (r == 0)
			r = contiv__etcd_json_bool(store->ctx, resp, "more", "list", &more);
		n = r == 0 && kvs ? json_object_array_length(kvs) : 0;
		if (r == 0 && more && n == 0)
			r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: list: \"more\" without kvs");
		for (size_t i = 0; r == 0 && i < n; i++) {
			struct kv kv;
			size_t len;

			r = read_kv(store, json_object_array_get_idx(kvs, i), "list", false, &kv);
			if (r < 0)
				break;
			if (r == 1) {
				/* A foreign key: skip, but page on from it. */
				json_object *k = json_object_array_get_idx(kvs, i);
				char *raw = NULL;
				const char *b64 = NULL;

				r = contiv__etcd_json_string(store->ctx, k, "key", "list", &b64);
				if (r == 0)
					r = contiv__etcd_b64_decode(b64, &raw, &len);
				if (r == 0 && (raw = realloc(raw, len + 1))) {
					raw[len] = '\0';	/* after this key: key + "\0" */
					free(from);
					from = raw;
					from_len = len + 1;
				} else if (r == 0) {
					r = -ENOMEM;
				}
				continue;
			}
			if (strncmp(kv.key, prefix, strlen(prefix)) ||
			    (have_prev && strcmp(kv.key, from) <= 0)) {
				kv_clear(&kv);
				r = contiv__error(store->ctx, -CONTIV_ERR_JSON,
						  "etcd: list: a key outside the prefix or out of order");
				break;
			}
			r = contiv__etcd_json_b64(store->ctx, json_object_array_get_idx(kvs, i), "value",
						  "list", &kv.value);
			if (r == 0) {
				len = strlen(kv.key);
				free(from);
				from = kv.key;	/* next page: after this key */
				kv.key = NULL;
				from_len = len + 1;
				have_prev = true;
				r = fn(from, kv.value, kv.mod_revision, userdata);
				if (r == 0)
					count++;
			}
			kv_clear(&kv);
		}
		json_object_put(resp);
		if (r != 0 || !more)
			break;
	}
	free(from);
	if (r != 0)
		return r;
	if (ret_revision)
		*ret_revision = revision;
	return count;
}

static int etcd_revision(struct contiv_store *store, uint64_t *ret_revision)
{
	json_object *req, *resp = NULL;
	json_object *t;
	int r;

	/* A count of the (unlikely) key "\0": only the header matters. */
	req = key_request("", 1, NULL, 0);
	t = json_object_new_boolean(1);
	if (!req || !t || json_object_object_add(req, "count_only", t) < 0) {
		json_object_put(req);
		json_object_put(t);
		return -ENOMEM;
	}
	r = request(store, "/v3/kv/range", req, "revision", 0, &resp, NULL, NULL);
	if (r < 0)
		return r;
	r = header_revision(store, resp, "revision", ret_revision);
	json_object_put(resp);
	return r;
}

static int add_to_array(json_object *array, const char *field, json_object *inner)
{
	json_object *wrap = json_object_new_object();

	if (!wrap || !inner || json_object_object_add(wrap, field, inner) < 0) {
		json_object_put(wrap);
		json_object_put(inner);
		return -ENOMEM;
	}
	if (json_object_array_add(array, wrap) < 0) {
		json_object_put(wrap);
		return -ENOMEM;
	}
	return 0;
}

static json_object *put_request(const struct contiv__store_op *op)
{
	json_object *o = key_request(op->key, strlen(op->key), NULL, 0);

	if (o && (contiv__etcd_add_b64(o, "value", op->value, strlen(op->value)) < 0 ||
		  (op->lease && contiv__etcd_add_int64(o, "lease", op->lease) < 0))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *txn_request(const struct contiv_store_txn *txn)
{
	json_object *req = json_object_new_object();
	json_object *compare = json_object_new_array(), *success = json_object_new_array();

	if (!req || !compare || !success || json_object_object_add(req, "compare", compare) < 0)
		goto oom_all;
	if (json_object_object_add(req, "success", success) < 0) {
		json_object_put(success);
		goto oom;
	}
	for (size_t i = 0; i < txn->n_cmps; i++) {
		const struct contiv__store_cmp *c = &txn->cmps[i];
		json_object *o = json_object_new_object();

		if (!o || json_object_array_add(compare, o) < 0) {
			json_object_put(o);
			goto oom;
		}
		if (contiv__etcd_add_b64(o, "key", c->key, strlen(c->key)) < 0 ||
		    json_object_object_add(o, "result", json_object_new_string("EQUAL")) < 0)
			goto oom;
		if (c->mod_revision) {
			if (json_object_object_add(o, "target", json_object_new_string("MOD")) < 0 ||
			    contiv__etcd_add_int64(o, "mod_revision", c->mod_revision) < 0)
				goto oom;
		} else if (json_object_object_add(o, "target", json_object_new_string("CREATE")) < 0 ||
			   contiv__etcd_add_int64(o, "create_revision", 0) < 0) {
			goto oom;
		}
	}
	for (size_t i = 0; i < txn->n_ops; i++) {
		const struct contiv__store_op *op = &txn->ops[i];
		json_object *o = op->type == CONTIV__STORE_OP_PUT ? put_request(op) :
				 key_request(op->key, strlen(op->key), NULL, 0);

		if (add_to_array(success, op->type == CONTIV__STORE_OP_PUT ? "request_put" :
				 "request_delete_range", o) < 0)
			goto oom;
	}
	return req;
oom_all:
	json_object_put(compare);
	json_object_put(success);
oom:
	json_object_put(req);
	return NULL;
}

static int etcd_commit(struct contiv_store *store, const struct contiv_store_txn *txn,
		       uint64_t *ret_revision)
{
	struct contiv__etcd_error err;
	json_object *req, *resp = NULL;
	uint64_t rev = 0;
	bool succeeded = false, resent, single_put;
	int r;

	/* A lone unconditional put (contiv_store_put) is a plain put: cheaper for etcd. */
	single_put = txn->n_cmps == 0 && txn->n_ops == 1 && txn->ops[0].type == CONTIV__STORE_OP_PUT;
	req = single_put ? put_request(&txn->ops[0]) : txn_request(txn);
	r = request(store, single_put ? "/v3/kv/put" : "/v3/kv/txn", req, "transaction", 0, &resp,
		    &err, &resent);
	if (r == 1 && err.code == CONTIV__ETCD_GRPC_NOT_FOUND && strstr(err.message, "lease"))
		return contiv__error(store->ctx, -ENOENT, "store: transaction: %s", err.message);
	if (r == 1)
		return answered_error(store, "transaction", &err);
	if (r < 0)
		return r;
	if (single_put)
		succeeded = true;
	else
		r = contiv__etcd_json_bool(store->ctx, resp, "succeeded", "transaction", &succeeded);
	if (r == 0)
		r = header_revision(store, resp, "transaction", &rev);
	json_object_put(resp);
	if (r < 0)
		return r;
	if (!succeeded)
		return contiv__error(store->ctx, -CONTIV_ERR_CONFLICT,
				     "store: transaction: a compared key changed%s",
				     resent ? " (or an earlier attempt, sent again after a failure, was applied)" : "");
	if (ret_revision)
		*ret_revision = rev;
	return 0;
}

/* ---- watch ---- */

struct watch {
	struct contiv_store *store;
	const char *prefix;
	size_t prefix_len;
	uint64_t after;		/* events must be above it */
	uint64_t until;		/* catch-up: stop once an event of this revision is seen */
	bool created;
	uint64_t max_seen;	/* highest revision of the events seen (delivered or not) */
	uint64_t last_delivered;
	int n;			/* events delivered */
	int stopped;		/* what fn returned to stop, or 0 */
	contiv_store_event_fn fn;
	void *userdata;
};

static int watch_event(struct watch *w, json_object *ev)
{
	struct contiv_store *store = w->store;
	const char *type;
	json_object *kvo;
	struct kv kv;
	bool put;
	int r;

	if (!json_object_is_type(ev, json_type_object))
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: watch: an event is not an object");
	r = contiv__etcd_json_string(store->ctx, ev, "type", "watch", &type);
	if (r == 0)
		r = contiv__etcd_json_object(store->ctx, ev, "kv", "watch", &kvo);
	if (r < 0)
		return r;
	if (type && strcmp(type, "PUT") && strcmp(type, "DELETE"))
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: watch: unknown event type");
	if (!kvo)
		return contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: watch: an event without kv");
	put = !type || !strcmp(type, "PUT");
	r = read_kv(store, kvo, "watch", put, &kv);
	if (r < 0)
		return r;
	if (r == 1) {
		/* A foreign key: not delivered, but its revision counts as seen. */
		uint64_t rev = 0;

		r = contiv__etcd_json_int64(store->ctx, kvo, "mod_revision", "watch", &rev);
		if (r == 0 && rev > w->max_seen)
			w->max_seen = rev;
		return r;
	}
	if (kv.mod_revision <= w->after) {
		/* The catch-up watch starts at after itself (see etcd_watch). */
		kv_clear(&kv);
		return 0;
	}
	if (kv.mod_revision < w->max_seen) {
		kv_clear(&kv);
		return contiv__error(store->ctx, -CONTIV_ERR_JSON,
				     "etcd: watch: events out of revision order");
	}
	w->max_seen = kv.mod_revision;
	if (!strncmp(kv.key, w->prefix, w->prefix_len)) {
		r = w->fn(put ? CONTIV_STORE_PUT : CONTIV_STORE_DELETE, kv.key, put ? kv.value : "",
			  kv.mod_revision, w->userdata);
		if (r != 0)
			w->stopped = r;
		else {
			w->n++;
			w->last_delivered = kv.mod_revision;
		}
	}
	kv_clear(&kv);
	return 0;
}

static int watch_message(json_object *msg, void *userdata)
{
	struct watch *w = userdata;
	struct contiv_ctx *ctx = w->store->ctx;
	uint64_t compact_revision = 0;
	bool created = false, canceled = false;
	json_object *events;
	const char *reason;
	size_t n;
	int r;

	r = contiv__etcd_json_bool(ctx, msg, "created", "watch", &created);
	if (r == 0)
		r = contiv__etcd_json_bool(ctx, msg, "canceled", "watch", &canceled);
	if (r == 0)
		r = contiv__etcd_json_int64(ctx, msg, "compact_revision", "watch", &compact_revision);
	if (r == 0)
		r = contiv__etcd_json_string(ctx, msg, "cancel_reason", "watch", &reason);
	if (r == 0)
		r = contiv__etcd_json_array(ctx, msg, "events", "watch", &events);
	if (r < 0)
		return r;
	if (compact_revision)
		return contiv__error(ctx, -CONTIV_ERR_COMPACTED,
				     "store: watch after revision %" PRIu64 ": history compacted up to revision %" PRIu64,
				     w->after, compact_revision);
	if (canceled) {
		char q[CONTIV_QUOTE_MAX];
		return contiv__error(ctx, -CONTIV_ERR_UNAVAILABLE, "etcd: watch canceled: %s",
				     contiv__quote(q, reason ? reason : "no reason given"));
	}
	if (created)
		w->created = true;
	if (!w->created)
		return contiv__error(ctx, -CONTIV_ERR_JSON, "etcd: watch: events before \"created\"");
	n = events ? json_object_array_length(events) : 0;
	for (size_t i = 0; i < n && !w->stopped; i++) {
		r = watch_event(w, json_object_array_get_idx(events, i));
		if (r < 0)
			return r;
	}
	if (w->stopped || w->n > 0)
		return 1;
	if (w->until && w->max_seen >= w->until)
		return 1;
	return 0;
}

static json_object *watch_request(const char *key, size_t key_len, const char *end,
				  size_t end_len, uint64_t start)
{
	json_object *req = json_object_new_object();
	json_object *create = key_request(key, key_len, end, end_len);

	if (!req || !create || contiv__etcd_add_int64(create, "start_revision", start) < 0 ||
	    json_object_object_add(req, "create_request", create) < 0) {
		json_object_put(create);
		json_object_put(req);
		return NULL;
	}
	return req;
}

static int etcd_watch(struct contiv_store *store, const char *prefix, uint64_t after_revision,
		      int timeout_ms, contiv_store_event_fn fn, void *userdata,
		      uint64_t *ret_revision)
{
	struct watch w = { .store = store, .prefix = prefix, .prefix_len = strlen(prefix),
			   .after = after_revision, .fn = fn, .userdata = userdata };
	char end[CONTIV_STORE_KEY_MAX + 1];
	uint64_t current, covered = after_revision;
	json_object *req;
	const char *key;
	size_t key_len, end_len;
	int r;

	if (after_revision >= INT64_MAX)
		return contiv__error(store->ctx, -EINVAL, "store: watch: revision out of range");
	r = etcd_revision(store, &current);
	if (r < 0)
		return r;
	if (after_revision < current) {
		/*
		 * Catch up: every event of the whole keyspace up to current.
		 * Start at after_revision itself, not after it: etcd reports a
		 * watch as compacted only when it starts below the compaction
		 * revision, while compact(R) in our API drops R's history too;
		 * events at after_revision are skipped by watch_event().
		 */
		w.until = current;
		req = watch_request("", 1, "", 1, after_revision ? after_revision : 1);
		if (!req)
			return -ENOMEM;
		r = contiv__etcd_stream(etcd(store), req, CONTIV__ETCD_WAIT_TIMEOUT, watch_message,
					&w);
		json_object_put(req);
		if (r < 0)
			return r;
		if (w.stopped)
			return w.stopped;
		if (w.n > 0)
			goto done;
		if (w.max_seen < current)
			return contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE,
					     "etcd: watch: could not read the changes up to revision %" PRIu64 " in time",
					     current);
		covered = w.max_seen;
	}
	if (timeout_ms == 0)
		goto done;
	/* Nothing under the prefix since after_revision: wait for the next change. */
	end_len = prefix_end(prefix, end, &key, &key_len);
	w.after = covered;
	w.until = 0;
	w.created = false;
	req = watch_request(key, key_len, end, end_len, covered + 1);
	if (!req)
		return -ENOMEM;
	r = contiv__etcd_stream(etcd(store), req, timeout_ms, watch_message, &w);
	json_object_put(req);
	if (r < 0)
		return r;
	if (w.stopped)
		return w.stopped;
done:
	if (ret_revision)
		*ret_revision = w.n > 0 ? w.last_delivered : covered;
	return w.n;
}

static int etcd_compact(struct contiv_store *store, uint64_t revision)
{
	struct contiv__etcd_error err;
	json_object *req = json_object_new_object(), *resp = NULL, *t;
	bool resent;
	int r;

	t = json_object_new_boolean(1);
	if (!req || !t || contiv__etcd_add_int64(req, "revision", revision) < 0 ||
	    json_object_object_add(req, "physical", t) < 0) {
		json_object_put(req);
		json_object_put(t);
		return -ENOMEM;
	}
	r = request(store, "/v3/kv/compaction", req, "compact", 0, &resp, &err, &resent);
	json_object_put(resp);
	if (r == 1 && strstr(err.message, "future revision"))
		return contiv__error(store->ctx, -EINVAL,
				     "store: compact: revision %" PRIu64 " is above the current revision",
				     revision);
	/* Compacted already (by us, if resent): the history is gone either way. */
	if (r == 1 && strstr(err.message, "compacted"))
		return 0;
	if (r == 1)
		return answered_error(store, "compact", &err);
	return r;
}

static int etcd_lease_grant(struct contiv_store *store, uint32_t ttl_seconds, uint64_t *ret_lease)
{
	json_object *req = json_object_new_object(), *resp = NULL;
	const char *error;
	uint64_t id = 0;
	int r;

	if (req && contiv__etcd_add_int64(req, "TTL", ttl_seconds) < 0) {
		json_object_put(req);
		req = NULL;
	}
	r = request(store, "/v3/lease/grant", req, "lease grant", 0, &resp, NULL, NULL);
	if (r < 0)
		return r;
	r = contiv__etcd_json_string(store->ctx, resp, "error", "lease grant", &error);
	if (r == 0 && error && *error) {
		char q[CONTIV_QUOTE_MAX];
		r = contiv__error(store->ctx, -CONTIV_ERR_UNAVAILABLE, "etcd: lease grant: %s",
				  contiv__quote(q, error));
	}
	if (r == 0)
		r = contiv__etcd_json_int64(store->ctx, resp, "ID", "lease grant", &id);
	if (r == 0 && id == 0)
		r = contiv__error(store->ctx, -CONTIV_ERR_JSON, "etcd: lease grant: no lease ID");
	json_object_put(resp);
	if (r < 0)
		return r;
	*ret_lease = id;
	return 0;
}

static json_object *lease_request(uint64_t lease)
{
	json_object *req = json_object_new_object();

	if (!req || contiv__etcd_add_int64(req, "ID", lease) < 0) {
		json_object_put(req);
		return NULL;
	}
	return req;
}

static int etcd_lease_keepalive(struct contiv_store *store, uint64_t lease)
{
	struct contiv__etcd_error err;
	json_object *resp = NULL;
	uint64_t ttl = 0;
	int r;

	if (lease > INT64_MAX)
		return contiv__error(store->ctx, -ENOENT, "store: lease %" PRIx64 " not found", lease);
	r = request(store, "/v3/lease/keepalive", lease_request(lease), "lease keepalive",
		    CONTIV__ETCD_RESULT, &resp, &err, NULL);
	if (r == 1 && err.code == CONTIV__ETCD_GRPC_NOT_FOUND)
		return contiv__error(store->ctx, -ENOENT, "store: lease %" PRIx64 " not found", lease);
	if (r == 1)
		return answered_error(store, "lease keepalive", &err);
	if (r < 0)
		return r;
	r = contiv__etcd_json_int64(store->ctx, resp, "TTL", "lease keepalive", &ttl);
	json_object_put(resp);
	if (r < 0)
		return r;
	/* etcd answers an unknown or expired lease with TTL 0 (left out). */
	if (ttl == 0)
		return contiv__error(store->ctx, -ENOENT, "store: lease %" PRIx64 " expired or not found",
				     lease);
	return 0;
}

static int etcd_lease_revoke(struct contiv_store *store, uint64_t lease)
{
	struct contiv__etcd_error err;
	json_object *resp = NULL;
	bool resent;
	int r;

	if (lease > INT64_MAX)
		return contiv__error(store->ctx, -ENOENT, "store: lease %" PRIx64 " not found", lease);
	r = request(store, "/v3/lease/revoke", lease_request(lease), "lease revoke", 0, &resp, &err,
		    &resent);
	json_object_put(resp);
	if (r == 1 && err.code == CONTIV__ETCD_GRPC_NOT_FOUND)
		return resent ? 0 : contiv__error(store->ctx, -ENOENT, "store: lease %" PRIx64 " not found",
						  lease);
	if (r == 1)
		return answered_error(store, "lease revoke", &err);
	return r;
}

static int etcd_open(struct contiv_store *store, const struct contiv__store_config *config)
{
	struct contiv__etcd *e;
	uint64_t rev;
	int r;

	r = contiv__etcd_new(store->ctx, config, &e);
	if (r < 0)
		return r;
	store->data = e;
	/* One request: is any endpoint there? */
	r = etcd_revision(store, &rev);
	if (r < 0) {
		contiv__etcd_free(e);
		store->data = NULL;
		return r == -CONTIV_ERR_JSON ? -CONTIV_ERR_UNAVAILABLE : r;
	}
	return 0;
}

static void etcd_close(struct contiv_store *store)
{
	contiv__etcd_free(store->data);
	store->data = NULL;
}

const struct contiv__store_backend contiv__store_etcd = {
	.scheme = "etcd",
	.open = etcd_open,
	.close = etcd_close,
	.get = etcd_get,
	.del = etcd_del,
	.list = etcd_list,
	.revision = etcd_revision,
	.watch = etcd_watch,
	.compact = etcd_compact,
	.lease_grant = etcd_lease_grant,
	.lease_keepalive = etcd_lease_keepalive,
	.lease_revoke = etcd_lease_revoke,
	.commit = etcd_commit,
};
