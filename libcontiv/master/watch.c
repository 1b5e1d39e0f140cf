/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The change stream netplugins follow: GET /api/v1/watch/?since=R&timeout=MS.
 * since=0 (or a compacted revision) answers a snapshot of every config
 * object and endpoint; otherwise the changes after R, one event per changed
 * object with its current value (coalesced), waiting up to timeout for one.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

#define WATCH_TIMEOUT_MAX 60000

struct kv {
	char *key;
	char *value;
};

struct kvs {
	struct kv *v;
	size_t n, cap;
	int err;
};

static int kvs_add(struct kvs *l, const char *key, const char *value)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct kv *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].key = strdup(key);
	l->v[l->n].value = value ? strdup(value) : NULL;
	if (!l->v[l->n].key || (value && !l->v[l->n].value)) {
		free(l->v[l->n].key);
		free(l->v[l->n].value);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

static void kvs_free(struct kvs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
}

/* The (kind, key) of a store key holding a config object or endpoint; 0 if none. */
static uint32_t entity_of(const char *skey, const char **ret_key)
{
	static const size_t clen = sizeof(CONTIV__K_CONFIG) - 1, elen = sizeof(CONTIV__K_ENDPOINTS) - 1;
	char coll[64];
	const char *slash;
	uint32_t kind;

	if (!strncmp(skey, CONTIV__K_ENDPOINTS, elen)) {
		*ret_key = skey + elen;
		return CONTIV_OBJECT_ENDPOINT;
	}
	if (strncmp(skey, CONTIV__K_CONFIG, clen))
		return 0;
	slash = strchr(skey + clen, '/');
	if (!slash || (size_t)(slash - skey - clen) >= sizeof(coll))
		return 0;
	snprintf(coll, sizeof(coll), "%.*s", (int)(slash - skey - clen), skey + clen);
	kind = contiv_object_kind_from_name(coll);
	*ret_key = slash + 1;
	return kind;
}

static int collect(const char *key, const char *value, uint64_t rev, void *userdata)
{
	struct kvs *l = userdata;

	(void)rev;
	l->err = kvs_add(l, key, value);
	return l->err ? 1 : 0;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

static struct json_object *item(uint32_t kind, const char *key, const char *value,
				struct json_object *oper)
{
	struct json_object *it = json_object_new_object();

	if (!it) {
		json_object_put(oper);
		return NULL;
	}
	contiv__json_add_str(it, "collection", contiv_object_kind_collection(kind));
	contiv__json_add_str(it, "key", key);
	if (value)
		json_object_object_add(it, "object", json_tokener_parse(value));
	json_object_object_add(it, "oper", oper ? oper : json_object_new_object());
	return it;
}

static int snapshot(struct contiv__req *req)
{
	struct kvs l = { 0 };
	struct json_object *ans, *items;
	uint64_t rev = 0;
	int r = contiv_store_list(req->m->store, CONTIV__K_ROOT, collect, &l, &rev);

	if (l.err)
		r = l.err;
	if (r < 0) {
		kvs_free(&l);
		return r;
	}
	ans = json_object_new_object();
	items = json_object_new_array();
	for (size_t i = 0; ans && items && i < l.n; i++) {
		const char *key;
		uint32_t kind = entity_of(l.v[i].key, &key);
		struct json_object *oper = NULL;

		if (!kind)
			continue;
		if (kind == CONTIV_OBJECT_NETWORK || kind == CONTIV_OBJECT_GROUP) {
			char sk[CONTIV__KEYBUF];
			struct kv probe = { .key = sk }, *hit;
			struct json_object *state = NULL;

			snprintf(sk, sizeof(sk), "%s%s", kind == CONTIV_OBJECT_NETWORK ?
				 CONTIV__K_NET_STATE : CONTIV__K_GROUP_STATE, key);
			hit = bsearch(&probe, l.v, l.n, sizeof(*l.v), by_key);
			if (hit)
				state = json_tokener_parse(hit->value);
			oper = contiv__tags_from_state(kind, state);
			json_object_put(state);
		}
		json_object_array_add(items, item(kind, key, l.v[i].value, oper));
	}
	kvs_free(&l);
	if (!ans || !items) {
		json_object_put(ans);
		json_object_put(items);
		return -ENOMEM;
	}
	json_object_object_add(ans, "revision", json_object_new_uint64(rev));
	json_object_object_add(ans, "snapshot", json_object_new_boolean(1));
	json_object_object_add(ans, "items", items);
	return contiv__reply_json(req, ans);
}

static int collect_event(uint32_t type, const char *key, const char *value, uint64_t rev,
			 void *userdata)
{
	const char *k;

	(void)type;
	(void)value;
	(void)rev;
	if (!entity_of(key, &k))
		return 0;
	for (size_t i = 0; i < ((struct kvs *)userdata)->n; i++)
		if (!strcmp(((struct kvs *)userdata)->v[i].key, key))
			return 0;
	return collect(key, NULL, rev, userdata);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Parses "name=<decimal>" from the query; false if present and malformed. */
static bool query_u64(const char *query, const char *name, uint64_t *ret)
{
	size_t len = strlen(name);

	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		char *end;

		if (strncmp(p, name, len) || p[len] != '=')
			continue;
		p += len + 1;
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		*ret = strtoull(p, &end, 10);
		return errno == 0 && (*end == '\0' || *end == '&');
	}
	return true;
}

int contiv__watch_handle(struct contiv__req *req)
{
	uint64_t since = 0, timeout = 0, rev = 0;
	struct json_object *ans, *events;
	struct kvs l = { 0 };
	int64_t deadline;
	int r;

	if (!query_u64(req->query, "since", &since))
		return contiv__reply_error(req, 400, "watch: since must be a revision (decimal)");
	if (!query_u64(req->query, "timeout", &timeout) || timeout > WATCH_TIMEOUT_MAX)
		return contiv__reply_error(req, 400, "watch: timeout must be 0..%d milliseconds",
					   WATCH_TIMEOUT_MAX);
	if (since == 0)
		return snapshot(req);
	deadline = now_ms() + (int64_t)timeout;
	for (;;) {
		int64_t left = deadline - now_ms();

		r = contiv_store_watch(req->m->store, CONTIV__K_ROOT, since, left > 0 ? (int)left : 0,
				       collect_event, &l, &rev);
		if (l.err)
			r = l.err;
		if (r == -CONTIV_ERR_COMPACTED) {
			kvs_free(&l);
			return snapshot(req);
		}
		if (r < 0) {
			kvs_free(&l);
			return r;
		}
		if (l.n || rev <= since || now_ms() >= deadline)
			break;
		since = rev;	/* only changes of no object: wait on */
	}
	ans = json_object_new_object();
	events = json_object_new_array();
	for (size_t i = 0; ans && events && i < l.n; i++) {
		const char *key;
		uint32_t kind = entity_of(l.v[i].key, &key);
		char *value = NULL;
		struct json_object *ev;

		r = contiv_store_get(req->m->store, l.v[i].key, &value, NULL);
		if (r < 0 && r != -ENOENT)
			break;
		ev = item(kind, key, value,
			  value ? contiv__oper_tags(req->m, kind, key) : NULL);
		free(value);
		if (ev)
			json_object_object_add(ev, "type", json_object_new_string(r ? "delete" : "put"));
		json_object_array_add(events, ev);
		r = 0;
	}
	kvs_free(&l);
	if (r < 0 || !ans || !events) {
		json_object_put(ans);
		json_object_put(events);
		return r < 0 ? r : -ENOMEM;
	}
	json_object_object_add(ans, "revision", json_object_new_uint64(rev > since ? rev : since));
	json_object_object_add(ans, "snapshot", json_object_new_boolean(0));
	json_object_object_add(ans, "events", events);
	return contiv__reply_json(req, ans);
}
