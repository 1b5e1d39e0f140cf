/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store's public entry points: checks, transactions, backend dispatch. */
#include "config.h"

#include <stdlib.h>

#include "store-private.h"

static const struct contiv__store_backend *const backends[] = {
	&contiv__store_sqlite,
	&contiv__store_etcd,
};

bool contiv__store_key_valid(const char *key)
{
	size_t n = 0;

	if (!key)
		return false;
	for (; key[n]; n++)
		if ((unsigned char)key[n] <= 0x20 || (unsigned char)key[n] >= 0x7f ||
		    n >= CONTIV_STORE_KEY_MAX)
			return false;
	return n > 0;
}

static int check_key(struct contiv_ctx *ctx, const char *key)
{
	char q[CONTIV_QUOTE_MAX];

	if (!contiv__store_key_valid(key))
		return contiv__error(ctx, -EINVAL,
				     "store: key \"%s\": must be 1..%d bytes of printable ASCII without spaces",
				     contiv__quote(q, key), CONTIV_STORE_KEY_MAX);
	return 0;
}

static int check_value(struct contiv_ctx *ctx, const char *key, const char *value)
{
	char q[CONTIV_QUOTE_MAX];

	if (!value)
		return contiv__error(ctx, -EINVAL, "store: key \"%s\": value missing",
				     contiv__quote(q, key));
	if (strnlen(value, CONTIV_STORE_VALUE_MAX + 1) > CONTIV_STORE_VALUE_MAX)
		return contiv__error(ctx, -EINVAL, "store: key \"%s\": value larger than %d bytes",
				     contiv__quote(q, key), CONTIV_STORE_VALUE_MAX);
	return 0;
}

static int check_prefix(struct contiv_ctx *ctx, const char *prefix)
{
	return prefix && *prefix ? check_key(ctx, prefix) : (prefix ? 0 : -EINVAL);
}

CONTIV_EXPORT int contiv_store_open(struct contiv_ctx *ctx, const char *url,
				    const struct contiv_store_opts *opts, struct contiv_store **ret)
{
	struct contiv__store_config config = { .timeout_ms = CONTIV_STORE_DEFAULT_TIMEOUT_MS };
	const struct contiv__store_backend *backend = NULL;
	struct contiv_store *store;
	char q[CONTIV_QUOTE_MAX];
	const char *sep;
	size_t scheme_len;
	int r;

	contiv_return_val_if_fail(ctx && url && ret, -EINVAL);
	contiv_return_if_forked(ctx);
	if (opts && !contiv__opts_valid(opts, offsetof(struct contiv_store_opts, password) +
					      sizeof(opts->password)))
		return contiv__error(ctx, -EINVAL, "store: options of an unknown size or version");

	sep = strstr(url, "://");
	if (!sep)
		return contiv__error(ctx, -EINVAL,
				     "store: url \"%s\": must be sqlite://<path> or etcd://host:port[,host:port]",
				     contiv__quote(q, url));
	scheme_len = (size_t)(sep - url);
	if (scheme_len == 5 && !strncmp(url, "etcds", 5))
		config.tls = true;
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(backends); i++) {
		const char *s = backends[i]->scheme;
		if ((strlen(s) == scheme_len && !strncmp(url, s, scheme_len)) ||
		    (config.tls && !strcmp(s, "etcd")))
			backend = backends[i];
	}
	if (!backend)
		return contiv__error(ctx, -EINVAL, "store: url \"%s\": unknown scheme (sqlite, etcd, etcds)",
				     contiv__quote(q, url));
	config.location = sep + 3;
	if (!*config.location)
		return contiv__error(ctx, -EINVAL, "store: url \"%s\": no location",
				     contiv__quote(q, url));
	if (CONTIV_OPTS_HAS(opts, timeout_ms) && opts->timeout_ms)
		config.timeout_ms = opts->timeout_ms;
	config.tls_ca_file = CONTIV_OPTS_GET(opts, tls_ca_file, NULL);
	config.tls_cert_file = CONTIV_OPTS_GET(opts, tls_cert_file, NULL);
	config.tls_key_file = CONTIV_OPTS_GET(opts, tls_key_file, NULL);
	config.username = CONTIV_OPTS_GET(opts, username, NULL);
	config.password = CONTIV_OPTS_GET(opts, password, NULL);

	store = calloc(1, sizeof(*store));
	if (!store)
		return -ENOMEM;
	store->refcount = 1;
	store->ctx = contiv_ctx_ref(ctx);
	store->backend = backend;
	r = backend->open(store, &config);
	if (r < 0) {
		contiv_ctx_unref(store->ctx);
		free(store);
		return r;
	}
	*ret = store;
	return 0;
}

CONTIV_EXPORT struct contiv_store *contiv_store_ref(struct contiv_store *store)
{
	if (store)
		store->refcount++;
	return store;
}

CONTIV_EXPORT struct contiv_store *contiv_store_unref(struct contiv_store *store)
{
	if (store && --store->refcount == 0) {
		store->backend->close(store);
		contiv_ctx_unref(store->ctx);
		free(store);
	}
	return NULL;
}

CONTIV_EXPORT int contiv_store_get(struct contiv_store *store, const char *key, char **ret_value,
				   uint64_t *ret_mod_revision)
{
	int r;

	contiv_return_val_if_fail(store, -EINVAL);
	contiv_return_if_forked(store->ctx);
	r = check_key(store->ctx, key);
	return r < 0 ? r : store->backend->get(store, key, ret_value, ret_mod_revision);
}

CONTIV_EXPORT int contiv_store_put(struct contiv_store *store, const char *key, const char *value,
				   uint64_t *ret_revision)
{
	struct contiv_store_txn *txn = NULL;
	int r;

	contiv_return_val_if_fail(store, -EINVAL);
	r = contiv_store_txn_new(store, &txn);
	if (r == 0)
		r = contiv_store_txn_put(txn, key, value, 0);
	if (r == 0)
		r = contiv_store_txn_commit(txn, ret_revision);
	contiv_store_txn_free(txn);
	return r;
}

CONTIV_EXPORT int contiv_store_delete(struct contiv_store *store, const char *key,
				      uint64_t *ret_revision)
{
	int r;

	contiv_return_val_if_fail(store, -EINVAL);
	contiv_return_if_forked(store->ctx);
	r = check_key(store->ctx, key);
	return r < 0 ? r : store->backend->del(store, key, ret_revision);
}

CONTIV_EXPORT int contiv_store_list(struct contiv_store *store, const char *prefix,
				    contiv_store_kv_fn fn, void *userdata, uint64_t *ret_revision)
{
	int r;

	contiv_return_val_if_fail(store && fn, -EINVAL);
	contiv_return_if_forked(store->ctx);
	r = check_prefix(store->ctx, prefix);
	return r < 0 ? r : store->backend->list(store, prefix, fn, userdata, ret_revision);
}

CONTIV_EXPORT int contiv_store_get_revision(struct contiv_store *store, uint64_t *ret_revision)
{
	contiv_return_val_if_fail(store && ret_revision, -EINVAL);
	contiv_return_if_forked(store->ctx);
	return store->backend->revision(store, ret_revision);
}

CONTIV_EXPORT int contiv_store_watch(struct contiv_store *store, const char *prefix,
				     uint64_t after_revision, int timeout_ms,
				     contiv_store_event_fn fn, void *userdata,
				     uint64_t *ret_revision)
{
	int r;

	contiv_return_val_if_fail(store && fn, -EINVAL);
	contiv_return_if_forked(store->ctx);
	r = check_prefix(store->ctx, prefix);
	return r < 0 ? r : store->backend->watch(store, prefix, after_revision, timeout_ms, fn,
						  userdata, ret_revision);
}

CONTIV_EXPORT int contiv_store_compact(struct contiv_store *store, uint64_t revision)
{
	contiv_return_val_if_fail(store, -EINVAL);
	contiv_return_if_forked(store->ctx);
	return store->backend->compact(store, revision);
}

CONTIV_EXPORT int contiv_store_lease_grant(struct contiv_store *store, uint32_t ttl_seconds,
					   uint64_t *ret_lease)
{
	contiv_return_val_if_fail(store && ret_lease, -EINVAL);
	contiv_return_if_forked(store->ctx);
	if (ttl_seconds < 1 || ttl_seconds > 3600)
		return contiv__error(store->ctx, -EINVAL, "store: lease ttl %u: must be 1..3600 seconds",
				     ttl_seconds);
	return store->backend->lease_grant(store, ttl_seconds, ret_lease);
}

CONTIV_EXPORT int contiv_store_lease_keepalive(struct contiv_store *store, uint64_t lease)
{
	contiv_return_val_if_fail(store && lease, -EINVAL);
	contiv_return_if_forked(store->ctx);
	return store->backend->lease_keepalive(store, lease);
}

CONTIV_EXPORT int contiv_store_lease_revoke(struct contiv_store *store, uint64_t lease)
{
	contiv_return_val_if_fail(store && lease, -EINVAL);
	contiv_return_if_forked(store->ctx);
	return store->backend->lease_revoke(store, lease);
}

CONTIV_EXPORT int contiv_store_txn_new(struct contiv_store *store, struct contiv_store_txn **ret)
{
	struct contiv_store_txn *txn;

	contiv_return_val_if_fail(store && ret, -EINVAL);
	contiv_return_if_forked(store->ctx);
	txn = calloc(1, sizeof(*txn));
	if (!txn)
		return -ENOMEM;
	txn->store = contiv_store_ref(store);
	*ret = txn;
	return 0;
}

CONTIV_EXPORT void contiv_store_txn_free(struct contiv_store_txn *txn)
{
	if (!txn)
		return;
	for (size_t i = 0; i < txn->n_cmps; i++)
		free(txn->cmps[i].key);
	for (size_t i = 0; i < txn->n_ops; i++) {
		free(txn->ops[i].key);
		free(txn->ops[i].value);
	}
	free(txn->cmps);
	free(txn->ops);
	contiv_store_unref(txn->store);
	free(txn);
}

/* Makes room for one more element in a growing array. */
static int grow(void **array, size_t *cap, size_t n, size_t size)
{
	size_t new_cap;
	void *p;

	if (n < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 4;
	p = reallocarray(*array, new_cap, size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = new_cap;
	return 0;
}

CONTIV_EXPORT int contiv_store_txn_compare(struct contiv_store_txn *txn, const char *key,
					   uint64_t mod_revision)
{
	char *copy;
	int r;

	contiv_return_val_if_fail(txn && !txn->committed, -EINVAL);
	r = check_key(txn->store->ctx, key);
	if (r < 0)
		return r;
	if (grow((void **)&txn->cmps, &txn->cap_cmps, txn->n_cmps, sizeof(*txn->cmps)) < 0 ||
	    !(copy = strdup(key)))
		return -ENOMEM;
	txn->cmps[txn->n_cmps++] = (struct contiv__store_cmp){ .key = copy, .mod_revision = mod_revision };
	return 0;
}

static int add_op(struct contiv_store_txn *txn, enum contiv__store_op_type type, const char *key,
		  const char *value, uint64_t lease)
{
	struct contiv__store_op op = { .type = type, .lease = lease };

	if (grow((void **)&txn->ops, &txn->cap_ops, txn->n_ops, sizeof(*txn->ops)) < 0)
		return -ENOMEM;
	op.key = strdup(key);
	op.value = value ? strdup(value) : NULL;
	if (!op.key || (value && !op.value)) {
		free(op.key);
		free(op.value);
		return -ENOMEM;
	}
	txn->ops[txn->n_ops++] = op;
	return 0;
}

CONTIV_EXPORT int contiv_store_txn_put(struct contiv_store_txn *txn, const char *key,
				       const char *value, uint64_t lease)
{
	int r;

	contiv_return_val_if_fail(txn && !txn->committed, -EINVAL);
	r = check_key(txn->store->ctx, key);
	if (r == 0)
		r = check_value(txn->store->ctx, key, value);
	return r < 0 ? r : add_op(txn, CONTIV__STORE_OP_PUT, key, value, lease);
}

CONTIV_EXPORT int contiv_store_txn_delete(struct contiv_store_txn *txn, const char *key)
{
	int r;

	contiv_return_val_if_fail(txn && !txn->committed, -EINVAL);
	r = check_key(txn->store->ctx, key);
	return r < 0 ? r : add_op(txn, CONTIV__STORE_OP_DELETE, key, NULL, 0);
}

CONTIV_EXPORT int contiv_store_txn_commit(struct contiv_store_txn *txn, uint64_t *ret_revision)
{
	int r;

	contiv_return_val_if_fail(txn && !txn->committed, -EINVAL);
	contiv_return_if_forked(txn->store->ctx);
	if (txn->n_ops == 0)
		return contiv__error(txn->store->ctx, -EINVAL, "store: empty transaction");
	r = txn->store->backend->commit(txn->store, txn, ret_revision);
	if (r != -CONTIV_ERR_UNAVAILABLE)
		txn->committed = true;	/* a transport failure may be retried */
	return r;
}
