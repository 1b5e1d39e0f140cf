/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Store access of the master: key layout, reads that remember revisions,
 * writes gathered into one compare-and-swap transaction, objects and JSON
 * state values.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

struct mread {
	char *key;
	uint64_t rev;		/* 0: absent */
};

struct mwrite {
	char *key;
	char *value;		/* NULL: delete */
};

struct contiv__mtxn {
	struct contiv_master *m;
	struct mread *reads;
	size_t nreads, capreads;
	struct mwrite *writes;
	size_t nwrites, capwrites;
	bool fresh;		/* reads bypass the cache */
	unsigned hits;		/* reads served by the cache */
};

int contiv__mtxn_new(struct contiv_master *m, struct contiv__mtxn **ret)
{
	struct contiv__mtxn *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->m = m;
	t->fresh = true;	/* the cache serves only who asks for it */
	*ret = t;
	return 0;
}

void contiv__mtxn_free(struct contiv__mtxn *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nreads; i++)
		free(t->reads[i].key);
	for (size_t i = 0; i < t->nwrites; i++) {
		free(t->writes[i].key);
		free(t->writes[i].value);
	}
	free(t->reads);
	free(t->writes);
	free(t);
}

static struct mwrite *find_write(struct contiv__mtxn *t, const char *key)
{
	for (size_t i = 0; i < t->nwrites; i++)
		if (!strcmp(t->writes[i].key, key))
			return &t->writes[i];
	return NULL;
}

static int record_read(struct contiv__mtxn *t, const char *key, uint64_t rev)
{
	struct mread *v;

	for (size_t i = 0; i < t->nreads; i++)
		if (!strcmp(t->reads[i].key, key))
			return 0;
	if (t->nreads == t->capreads) {
		size_t cap = t->capreads ? 2 * t->capreads : 16;

		v = realloc(t->reads, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->reads = v;
		t->capreads = cap;
	}
	t->reads[t->nreads].key = strdup(key);
	if (!t->reads[t->nreads].key)
		return -ENOMEM;
	t->reads[t->nreads++].rev = rev;
	return 0;
}

static int get(struct contiv__mtxn *t, const char *key, char **ret_value, bool likely_new)
{
	struct mwrite *w = find_write(t, key);
	uint64_t rev = 0;
	char *value = NULL;
	int r;

	if (w) {
		if (!w->value)
			return -ENOENT;
		if (ret_value) {
			*ret_value = strdup(w->value);
			if (!*ret_value)
				return -ENOMEM;
		}
		return 0;
	}
	r = t->fresh ? 0 : contiv__mcache_lookup(&t->m->cache, key, &value, &rev);
	if (r < 0)
		return r;
	if (r > 0) {
		t->hits++;
	} else if (likely_new && !t->fresh) {
		t->hits++;	/* a guess, checked like a cached absence */
		rev = 0;
	} else {
		r = contiv_store_get(t->m->store, key, &value, &rev);
		if (r < 0 && r != -ENOENT) {
			if (r != -EINVAL)	/* the store failed, not the key: trust nothing */
				contiv__mcache_clear(&t->m->cache);
			return r;
		}
		if (r == -ENOENT)
			rev = 0;
		contiv__mcache_store(&t->m->cache, key, value, rev);
	}
	r = record_read(t, key, rev);
	if (r < 0) {
		free(value);
		return r;
	}
	if (!rev)
		return -ENOENT;
	if (ret_value)
		*ret_value = value;
	else
		free(value);
	return 0;
}

int contiv__mtxn_get(struct contiv__mtxn *t, const char *key, char **ret_value)
{
	return get(t, key, ret_value, false);
}

int contiv__mtxn_get_new(struct contiv__mtxn *t, const char *key, char **ret_value)
{
	return get(t, key, ret_value, true);
}

void contiv__mtxn_set_fresh(struct contiv__mtxn *t, bool fresh)
{
	t->fresh = fresh;
}

unsigned contiv__mtxn_cache_hits(const struct contiv__mtxn *t)
{
	return t->hits;
}

void contiv__mtxn_forget(struct contiv__mtxn *t)
{
	for (size_t i = 0; i < t->nreads; i++)
		contiv__mcache_forget(&t->m->cache, t->reads[i].key);
	for (size_t i = 0; i < t->nwrites; i++)
		contiv__mcache_forget(&t->m->cache, t->writes[i].key);
}

static int add_write(struct contiv__mtxn *t, const char *key, const char *value)
{
	struct mwrite *w = find_write(t, key);
	char *copy = NULL;

	if (value) {
		copy = strdup(value);
		if (!copy)
			return -ENOMEM;
	}
	if (!w) {
		if (t->nwrites == t->capwrites) {
			size_t cap = t->capwrites ? 2 * t->capwrites : 8;
			struct mwrite *v = realloc(t->writes, cap * sizeof(*v));

			if (!v) {
				free(copy);
				return -ENOMEM;
			}
			t->writes = v;
			t->capwrites = cap;
		}
		w = &t->writes[t->nwrites];
		w->key = strdup(key);
		if (!w->key) {
			free(copy);
			return -ENOMEM;
		}
		t->nwrites++;
	} else {
		free(w->value);
	}
	w->value = copy;
	return 0;
}

int contiv__mtxn_put(struct contiv__mtxn *t, const char *key, const char *value)
{
	return add_write(t, key, value);
}

int contiv__mtxn_del(struct contiv__mtxn *t, const char *key)
{
	return add_write(t, key, NULL);
}

int contiv__mtxn_bump_serial(struct contiv__mtxn *t)
{
	char *value = NULL, buf[32];
	uint64_t n = 0;
	int r = contiv__mtxn_get(t, CONTIV__K_SERIAL, &value);

	if (r < 0 && r != -ENOENT)
		return r;
	if (value)
		n = strtoull(value, NULL, 10);
	free(value);
	snprintf(buf, sizeof(buf), "%" PRIu64, n + 1);
	return contiv__mtxn_put(t, CONTIV__K_SERIAL, buf);
}

bool contiv__mtxn_dirty(const struct contiv__mtxn *t)
{
	return t->nwrites > 0;
}

int contiv__mtxn_commit(struct contiv__mtxn *t)
{
	struct contiv__mcache *c = &t->m->cache;
	struct contiv_store_txn *txn = NULL;
	uint64_t rev = 0;
	int r;

	if (!t->nwrites)
		return 0;
	r = contiv_store_txn_new(t->m->store, &txn);
	for (size_t i = 0; r == 0 && i < t->nreads; i++)
		r = contiv_store_txn_compare(txn, t->reads[i].key, t->reads[i].rev);
	for (size_t i = 0; r == 0 && i < t->nwrites; i++)
		r = t->writes[i].value ? contiv_store_txn_put(txn, t->writes[i].key,
							      t->writes[i].value, 0) :
					 contiv_store_txn_delete(txn, t->writes[i].key);
	if (r == 0)
		r = contiv_store_txn_commit(txn, &rev);
	contiv_store_txn_free(txn);
	if (r == -CONTIV_ERR_CONFLICT) {
		contiv__mtxn_forget(t);	/* some compared key changed: read them all again */
	} else if (r < 0) {
		contiv__mcache_clear(c);	/* written or not, unknown: trust nothing */
	} else {
		/* what was compared still holds; what was written has the commit's revision */
		contiv__mcache_saw_revision(c, rev);
		for (size_t i = 0; i < t->nwrites; i++)
			contiv__mcache_store(c, t->writes[i].key, t->writes[i].value,
					     t->writes[i].value ? rev : 0);
	}
	return r;
}

const char *contiv__key_config(char *buf, size_t len, uint32_t kind, const char *key)
{
	if (kind == CONTIV_OBJECT_ENDPOINT)
		snprintf(buf, len, "%s%s", CONTIV__K_ENDPOINTS, key);
	else
		snprintf(buf, len, "%s%s/%s", CONTIV__K_CONFIG, contiv_object_kind_collection(kind),
			 key);
	return buf;
}

static int load_object(struct contiv__mtxn *t, uint32_t kind, const char *key,
		       struct contiv_object **ret, bool likely_new)
{
	char k[CONTIV__KEYBUF], *value = NULL;
	int r = get(t, contiv__key_config(k, sizeof(k), kind, key), &value, likely_new);

	if (r < 0)
		return r;
	r = contiv_object_from_json(t->m->ctx, kind, value, ret);
	free(value);
	return r == -ENOMEM ? r : r < 0 ? -EIO : 0;
}

int contiv__load_object(struct contiv__mtxn *t, uint32_t kind, const char *key,
			struct contiv_object **ret)
{
	return load_object(t, kind, key, ret, false);
}

int contiv__load_new_object(struct contiv__mtxn *t, uint32_t kind, const char *key,
			    struct contiv_object **ret)
{
	return load_object(t, kind, key, ret, true);
}

int contiv__save_object(struct contiv__mtxn *t, const struct contiv_object *obj)
{
	char k[CONTIV__KEYBUF], *text = NULL;
	int r = contiv_object_to_json(obj, 0, &text);

	if (r < 0)
		return r;
	r = contiv__mtxn_put(t, contiv__key_config(k, sizeof(k), contiv_object_get_kind(obj),
						   contiv_object_get_key(obj)), text);
	free(text);
	return r;
}

int contiv__delete_object(struct contiv__mtxn *t, const struct contiv_object *obj)
{
	char k[CONTIV__KEYBUF];

	return contiv__mtxn_del(t, contiv__key_config(k, sizeof(k), contiv_object_get_kind(obj),
						      contiv_object_get_key(obj)));
}

struct list_ctx {
	struct contiv_master *m;
	uint32_t kind;
	struct contiv__objlist *l;
	int err;
};

static int list_one(const char *key, const char *value, uint64_t rev, void *userdata)
{
	struct list_ctx *c = userdata;
	struct contiv_object *obj, **v;

	(void)key;
	(void)rev;
	if (contiv_object_from_json(c->m->ctx, c->kind, value, &obj) < 0)
		return 0;	/* a corrupt value is skipped, not fatal to a list */
	v = realloc(c->l->v, (c->l->n + 1) * sizeof(*v));
	if (!v) {
		contiv_object_unref(obj);
		c->err = -ENOMEM;
		return 1;
	}
	c->l->v = v;
	c->l->v[c->l->n++] = obj;
	return 0;
}

int contiv__list_objects(struct contiv_master *m, uint32_t kind, const char *key_prefix,
			 struct contiv__objlist *ret)
{
	struct list_ctx c = { .m = m, .kind = kind, .l = ret };
	char k[CONTIV__KEYBUF];
	int r;

	ret->v = NULL;
	ret->n = 0;
	r = contiv_store_list(m->store, contiv__key_config(k, sizeof(k), kind, key_prefix),
			      list_one, &c, NULL);
	if (c.err)
		r = c.err;
	if (r < 0)
		contiv__objlist_free(ret);
	return r < 0 ? r : 0;
}

void contiv__objlist_free(struct contiv__objlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		contiv_object_unref(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int contiv__load_json(struct contiv__mtxn *t, const char *key, struct json_object **ret)
{
	char *value = NULL;
	struct json_object *obj;
	int r = contiv__mtxn_get(t, key, &value);

	if (r < 0)
		return r;
	obj = json_tokener_parse(value);
	free(value);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return contiv__error(t->m->ctx, -EIO, "store: key \"%s\": corrupt state value", key);
	}
	*ret = obj;
	return 0;
}

int contiv__save_json(struct contiv__mtxn *t, const char *key, struct json_object *obj)
{
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE);

	return text ? contiv__mtxn_put(t, key, text) : -ENOMEM;
}

int contiv__json_get_pool(struct contiv_master *m, struct json_object *state, const char *field,
			  struct contiv_ipam_pool **ret)
{
	struct json_object *jv;
	const char *text;
	int r;

	if (!json_object_object_get_ex(state, field, &jv) || !jv)
		return -ENOENT;
	text = json_object_to_json_string_ext(jv, JSON_C_TO_STRING_PLAIN);
	if (!text)
		return -ENOMEM;
	r = contiv_ipam_pool_from_json(m->ctx, text, ret);
	return r == -ENOMEM ? r : r < 0 ? -EIO : 0;
}

int contiv__json_set_pool(struct json_object *state, const char *field,
			  const struct contiv_ipam_pool *pool)
{
	struct json_object *jv;
	char *text = NULL;
	int r = contiv_ipam_pool_to_json(pool, &text);

	if (r < 0)
		return r;
	jv = json_tokener_parse(text);
	contiv_free(text);
	if (!jv)
		return -ENOMEM;
	return json_object_object_add(state, field, jv) < 0 ? -ENOMEM : 0;
}

int contiv__load_idpool(struct contiv__mtxn *t, const char *key, struct contiv_idpool **ret)
{
	char *value = NULL;
	int r = contiv__mtxn_get(t, key, &value);

	if (r < 0)
		return r;
	r = contiv_idpool_from_json(t->m->ctx, value, ret);
	free(value);
	return r == -ENOMEM ? r : r < 0 ? -EIO : 0;
}

int contiv__save_idpool(struct contiv__mtxn *t, const char *key, const struct contiv_idpool *pool)
{
	char *text = NULL;
	int r = contiv_idpool_to_json(pool, &text);

	if (r < 0)
		return r;
	r = contiv__mtxn_put(t, key, text);
	contiv_free(text);
	return r;
}

int64_t contiv__json_int(struct json_object *obj, const char *field)
{
	struct json_object *jv;

	return json_object_object_get_ex(obj, field, &jv) ? json_object_get_int64(jv) : 0;
}

void contiv__json_set_int(struct json_object *obj, const char *field, int64_t v)
{
	json_object_object_add(obj, field, json_object_new_int64(v));
}

int contiv__json_add_str(struct json_object *obj, const char *field, const char *v)
{
	struct json_object *jv = json_object_new_string(v ? v : "");

	if (!jv || json_object_object_add(obj, field, jv) < 0) {
		json_object_put(jv);
		return -ENOMEM;
	}
	return 0;
}
