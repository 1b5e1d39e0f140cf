/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The REST collections of config objects: list, get, create or update,
 * delete; the rules of tenants, policies, rules and netprofiles. Networks,
 * groups and the global object, which allocate, are in network.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

/* The name attributes that make up each kind's key, in key order. */
static const struct {
	uint32_t kind;
	uint32_t attrs[3];
	size_t n;
	const char *form;
} key_attrs[] = {
	{ CONTIV_OBJECT_TENANT, { CONTIV_TENANT_NAME }, 1, "<tenant>" },
	{ CONTIV_OBJECT_NETWORK, { CONTIV_NETWORK_TENANT, CONTIV_NETWORK_NAME }, 2,
	  "<tenant>:<network>" },
	{ CONTIV_OBJECT_GROUP, { CONTIV_GROUP_TENANT, CONTIV_GROUP_NAME }, 2, "<tenant>:<group>" },
	{ CONTIV_OBJECT_POLICY, { CONTIV_POLICY_TENANT, CONTIV_POLICY_NAME }, 2,
	  "<tenant>:<policy>" },
	{ CONTIV_OBJECT_RULE, { CONTIV_RULE_TENANT, CONTIV_RULE_POLICY, CONTIV_RULE_ID }, 3,
	  "<tenant>:<policy>:<ruleId>" },
	{ CONTIV_OBJECT_NETPROFILE, { CONTIV_NETPROFILE_TENANT, CONTIV_NETPROFILE_NAME }, 2,
	  "<tenant>:<profile>" },
	{ CONTIV_OBJECT_ENDPOINT, { CONTIV_ENDPOINT_ID }, 1, "<endpointID>" },
	{ CONTIV_OBJECT_GLOBAL, { CONTIV_GLOBAL_NAME }, 1, "global" },
};

const char *contiv__kind_name(uint32_t kind)
{
	return kind == CONTIV_OBJECT_GROUP ? "endpoint group" : contiv_object_kind_name(kind);
}

/*
 * Makes the body's name fields agree with the URL key: fills missing ones
 * from it (as Contiv), rejects different ones. 0 or an answer status.
 */
static int match_key(struct contiv__req *req, struct contiv_object *obj, const char *key)
{
	uint32_t kind = contiv_object_get_kind(obj);
	char q1[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	char parts[3][256];
	size_t i, n = 0, e;
	const char *p = key;

	for (e = 0; key_attrs[e].kind != kind; e++)
		;
	if (key_attrs[e].n == 1) {
		snprintf(parts[0], sizeof(parts[0]), "%s", key);
		n = strlen(key) < sizeof(parts[0]) ? 1 : 0;
	} else {
		while (n < 3) {
			const char *c = strchr(p, ':');
			size_t len = c ? (size_t)(c - p) : strlen(p);

			if (len >= sizeof(parts[0]))
				break;
			memcpy(parts[n], p, len);
			parts[n++][len] = '\0';
			if (!c)
				break;
			p = c + 1;
			if (n == 3)
				n = 4;	/* too many parts */
		}
	}
	if (n != key_attrs[e].n)
		return contiv__reply_error(req, 400, "%s key \"%s\" in URL: expected %s",
					   contiv__kind_name(kind), contiv__quoted(q1, key),
					   key_attrs[e].form);
	for (i = 0; i < n; i++) {
		uint32_t attr = key_attrs[e].attrs[i];
		const char *have = contiv_object_get_str(obj, attr);
		const char *field = contiv_object_attr_name(kind, attr);

		if (have && strcmp(have, parts[i]))
			return contiv__reply_error(req, 400,
						   "%s \"%s\" in body does not match key \"%s\" in URL",
						   field, contiv__quoted(q1, have),
						   contiv__quoted(q2, key));
		if (!have && contiv_object_set_str(obj, attr, parts[i]) < 0)
			return contiv__reply_error(req, 400, "%s", contiv_ctx_get_error(req->m->ctx));
	}
	return 0;
}

/* The JSON name of the first attribute whose value differs, or NULL. */
const char *contiv__diff_field(const struct contiv_object *a, const struct contiv_object *b)
{
	uint32_t kind = contiv_object_get_kind(a);

	for (uint32_t i = 0; i < contiv_object_attr_count(kind); i++) {
		bool differ = contiv_object_is_set(a, i) != contiv_object_is_set(b, i);

		if (!differ && contiv_object_is_set(a, i)) {
			switch (contiv_object_attr_type(kind, i)) {
			case CONTIV_ATTR_STR:
				differ = strcmp(contiv_object_get_str(a, i), contiv_object_get_str(b, i));
				break;
			case CONTIV_ATTR_U32:
				differ = contiv_object_get_u32(a, i) != contiv_object_get_u32(b, i);
				break;
			default:
				differ = contiv_object_list_count(a, i) != contiv_object_list_count(b, i);
				for (size_t j = 0; !differ && j < contiv_object_list_count(a, i); j++)
					differ = strcmp(contiv_object_list_get(a, i, j),
							contiv_object_list_get(b, i, j));
			}
		}
		if (differ)
			return contiv_object_attr_name(kind, i);
	}
	return NULL;
}

/* 200 if unchanged, else 409 naming the first changed field. */
int contiv__unchanged_or_409(struct contiv__req *req, const struct contiv_object *obj,
			    const struct contiv_object *old)
{
	const char *field = contiv__diff_field(obj, old);

	if (!field)
		return contiv__reply_object(req, old);
	return contiv__reply_error(req, 409, "%s parameters cannot change after creation (field %s)",
				   contiv__kind_name(contiv_object_get_kind(obj)), field);
}

int contiv__require(struct contiv__req *req, uint32_t kind, const char *key, const char *what,
		    struct contiv_object **ret)
{
	struct contiv_object *obj = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r = contiv__load_object(req->t, kind, key, &obj);

	if (r == -ENOENT)
		return contiv__reply_error(req, 400, "%s \"%s\" does not exist",
					   what ? what : contiv__kind_name(kind), contiv__quoted(q, key));
	if (r < 0)
		return r;
	if (ret)
		*ret = obj;
	else
		contiv_object_unref(obj);
	return 0;
}

/* "<tenant>:<name>" of a name in obj's tenant. */
const char *contiv__tkey(char *buf, size_t len, const char *tenant, const char *name)
{
	snprintf(buf, len, "%s:%s", tenant, name);
	return buf;
}

static bool list_has(const struct contiv_object *obj, uint32_t attr, const char *value)
{
	for (size_t i = 0; i < contiv_object_list_count(obj, attr); i++)
		if (!strcmp(contiv_object_list_get(obj, attr, i), value))
			return true;
	return false;
}

/* ---- per kind ---- */

static int tenant_put(struct contiv__req *req, struct contiv_object *obj,
		      struct contiv_object *old)
{
	int r;

	if (old)
		return contiv__unchanged_or_409(req, obj, old);
	r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r < 0 ? r : contiv__reply_object(req, obj);
}

static int tenant_delete(struct contiv__req *req, struct contiv_object *obj)
{
	static const uint32_t kinds[] = { CONTIV_OBJECT_GROUP, CONTIV_OBJECT_POLICY,
					  CONTIV_OBJECT_NETPROFILE, CONTIV_OBJECT_NETWORK };
	const char *name = contiv_object_get_key(obj);
	char prefix[300], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	int r = contiv__mtxn_bump_serial(req->t);

	snprintf(prefix, sizeof(prefix), "%s:", name);
	for (size_t i = 0; r == 0 && i < CONTIV_ARRAY_SIZE(kinds); i++) {
		struct contiv__objlist l;

		r = contiv__list_objects(req->m, kinds[i], prefix, &l);
		if (r == 0 && l.n)
			r = contiv__reply_error(req, 409, "tenant \"%s\" is in use: it has %zu %s (e.g. \"%s\")",
						contiv__quoted(q, name), l.n,
						contiv_object_kind_collection(kinds[i]),
						contiv__quoted(q2, contiv_object_get_key(l.v[0])));
		contiv__objlist_free(&l);
	}
	return r ? r : contiv__delete_object(req->t, obj);
}

static int policy_put(struct contiv__req *req, struct contiv_object *obj,
		      struct contiv_object *old)
{
	int r;

	if (old)	/* Contiv: update is a no-op */
		return contiv__reply_object(req, old);
	r = contiv__require(req, CONTIV_OBJECT_TENANT,
			    contiv_object_get_str(obj, CONTIV_POLICY_TENANT), NULL, NULL);
	if (r == 0)
		r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r ? r : contiv__reply_object(req, obj);
}

/* 0, or 409 naming the first group of obj's tenant for which used(group) holds. */
static int in_use_by_group(struct contiv__req *req, const struct contiv_object *obj,
			   const char *tenant, bool (*used)(const struct contiv_object *group,
							    const char *name),
			   const char *name)
{
	struct contiv__objlist l;
	char prefix[300], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	int r;

	snprintf(prefix, sizeof(prefix), "%s:", tenant);
	r = contiv__list_objects(req->m, CONTIV_OBJECT_GROUP, prefix, &l);
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (used(l.v[i], name))
			r = contiv__reply_error(req, 409, "%s \"%s\" is in use by endpoint group \"%s\"",
						contiv__kind_name(contiv_object_get_kind(obj)),
						contiv__quoted(q, contiv_object_get_key(obj)),
						contiv__quoted(q2, contiv_object_get_key(l.v[i])));
	contiv__objlist_free(&l);
	return r;
}

static bool group_has_policy(const struct contiv_object *group, const char *name)
{
	return list_has(group, CONTIV_GROUP_POLICIES, name);
}

static bool group_has_profile(const struct contiv_object *group, const char *name)
{
	const char *p = contiv_object_get_str(group, CONTIV_GROUP_NETPROFILE);

	return p && !strcmp(p, name);
}

static int delete_rule_key(const char *key, const char *value, uint64_t rev, void *userdata)
{
	(void)value;
	(void)rev;
	return contiv__mtxn_del(userdata, key) < 0 ? -ENOMEM : 0;
}

static int policy_delete(struct contiv__req *req, struct contiv_object *obj)
{
	char k[CONTIV__KEYBUF], prefix[300];
	int r = contiv__mtxn_bump_serial(req->t);

	if (r == 0)
		r = in_use_by_group(req, obj, contiv_object_get_str(obj, CONTIV_POLICY_TENANT),
				    group_has_policy, contiv_object_get_str(obj, CONTIV_POLICY_NAME));
	if (r)
		return r;
	snprintf(prefix, sizeof(prefix), "%s:", contiv_object_get_key(obj));
	r = contiv_store_list(req->m->store,
			      contiv__key_config(k, sizeof(k), CONTIV_OBJECT_RULE, prefix),
			      delete_rule_key, req->t, NULL);
	return r < 0 ? r : contiv__delete_object(req->t, obj);
}

static int netprofile_put(struct contiv__req *req, struct contiv_object *obj,
			  struct contiv_object *old)
{
	int r = contiv__require(req, CONTIV_OBJECT_TENANT,
				contiv_object_get_str(obj, CONTIV_NETPROFILE_TENANT), NULL, NULL);

	(void)old;	/* updates are allowed; groups read the profile by name */
	if (r == 0)
		r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r ? r : contiv__reply_object(req, obj);
}

static int netprofile_delete(struct contiv__req *req, struct contiv_object *obj)
{
	int r = contiv__mtxn_bump_serial(req->t);

	if (r == 0)
		r = in_use_by_group(req, obj, contiv_object_get_str(obj, CONTIV_NETPROFILE_TENANT),
				    group_has_profile,
				    contiv_object_get_str(obj, CONTIV_NETPROFILE_NAME));
	return r ? r : contiv__delete_object(req->t, obj);
}

/* Contiv's "in" + toIpAddress: one group has the policy, and the IP is its endpoint's. */
static int rule_to_ip(struct contiv__req *req, struct contiv_object *obj, const char *tenant,
		      const char *policy)
{
	const char *ip = contiv_object_get_str(obj, CONTIV_RULE_TO_IP);
	struct contiv__objlist groups, eps;
	char prefix[300], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX], k[CONTIV__KEYBUF];
	const char *group = NULL;
	size_t attached = 0, iplen = strcspn(ip, "/");
	int r;

	snprintf(prefix, sizeof(prefix), "%s:", tenant);
	r = contiv__list_objects(req->m, CONTIV_OBJECT_GROUP, prefix, &groups);
	if (r < 0)
		return r;
	for (size_t i = 0; i < groups.n; i++)
		if (group_has_policy(groups.v[i], policy)) {
			attached++;
			group = contiv_object_get_str(groups.v[i], CONTIV_GROUP_NAME);
		}
	if (attached != 1) {
		r = contiv__reply_error(req, 400,
					"rule \"%s\": toIpAddress with direction \"in\" needs policy \"%s:%s\" attached to exactly one endpoint group (it is attached to %zu)",
					contiv__quoted(q, contiv_object_get_key(obj)), tenant, policy,
					attached);
		contiv__objlist_free(&groups);
		return r;
	}
	/* Endpoints of the group change its state key: compare it. */
	contiv__tkey(prefix, sizeof(prefix), tenant, group);
	snprintf(k, sizeof(k), "%s%s", CONTIV__K_GROUP_STATE, prefix);
	r = contiv__mtxn_get(req->t, k, NULL);
	if (r == 0 || r == -ENOENT)
		r = contiv__list_objects(req->m, CONTIV_OBJECT_ENDPOINT, "", &eps);
	if (r < 0) {
		contiv__objlist_free(&groups);
		return r;
	}
	r = -ENOENT;
	for (size_t i = 0; r && i < eps.n; i++) {
		const char *et = contiv_object_get_str(eps.v[i], CONTIV_ENDPOINT_TENANT);
		const char *eg = contiv_object_get_str(eps.v[i], CONTIV_ENDPOINT_GROUP);
		const char *ea = contiv_object_get_str(eps.v[i], CONTIV_ENDPOINT_IPV4_ADDRESS);

		if (et && eg && ea && !strcmp(et, tenant) && !strcmp(eg, group) &&
		    strlen(ea) == iplen && !strncmp(ea, ip, iplen))
			r = 0;
	}
	if (r)
		r = contiv__reply_error(req, 400,
					"rule \"%s\": toIpAddress \"%s\" is not the address of an endpoint of group \"%s\"",
					contiv__quoted(q, contiv_object_get_key(obj)),
					contiv__quoted(q2, ip), prefix);
	contiv__objlist_free(&groups);
	contiv__objlist_free(&eps);
	return r;
}

static int rule_put(struct contiv__req *req, struct contiv_object *obj, struct contiv_object *old)
{
	static const struct {
		uint32_t attr;
		uint32_t kind;
	} refs[] = {
		{ CONTIV_RULE_FROM_GROUP, CONTIV_OBJECT_GROUP },
		{ CONTIV_RULE_TO_GROUP, CONTIV_OBJECT_GROUP },
		{ CONTIV_RULE_FROM_NETWORK, CONTIV_OBJECT_NETWORK },
		{ CONTIV_RULE_TO_NETWORK, CONTIV_OBJECT_NETWORK },
	};
	const char *tenant = contiv_object_get_str(obj, CONTIV_RULE_TENANT);
	const char *policy = contiv_object_get_str(obj, CONTIV_RULE_POLICY);
	const char *dir = contiv_object_get_str(obj, CONTIV_RULE_DIRECTION);
	char k[300];
	int r;

	if (old)
		return contiv__unchanged_or_409(req, obj, old);
	r = contiv__require(req, CONTIV_OBJECT_TENANT, tenant, NULL, NULL);
	if (r == 0)
		r = contiv__require(req, CONTIV_OBJECT_POLICY, contiv__tkey(k, sizeof(k), tenant, policy),
				    NULL, NULL);
	for (size_t i = 0; r == 0 && i < CONTIV_ARRAY_SIZE(refs); i++) {
		const char *name = contiv_object_get_str(obj, refs[i].attr);

		if (name && *name)
			r = contiv__require(req, refs[i].kind, contiv__tkey(k, sizeof(k), tenant, name),
					    contiv_object_attr_name(CONTIV_OBJECT_RULE, refs[i].attr),
					    NULL);
	}
	if (r == 0)
		r = contiv__mtxn_bump_serial(req->t);
	if (r == 0 && !strcmp(dir, "in") && contiv_object_get_str(obj, CONTIV_RULE_TO_IP) &&
	    *contiv_object_get_str(obj, CONTIV_RULE_TO_IP))
		r = rule_to_ip(req, obj, tenant, policy);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r ? r : contiv__reply_object(req, obj);
}

/* ---- the collection handler ---- */

static int list_all(struct contiv__req *req, uint32_t kind)
{
	struct contiv__objlist l;
	struct json_object *arr;
	int r = contiv__list_objects(req->m, kind, "", &l);

	if (r < 0)
		return r;
	arr = json_object_new_array();
	for (size_t i = 0; arr && i < l.n; i++)
		if (json_object_array_add(arr, contiv__object_json(l.v[i])) < 0) {
			json_object_put(arr);
			arr = NULL;
		}
	contiv__objlist_free(&l);
	return contiv__reply_json(req, arr);
}

/* Parses, names and validates the body of a create or update. */
int contiv__body_object(struct contiv__req *req, uint32_t kind, const char *key,
			struct contiv_object **ret)
{
	struct contiv_object *obj = NULL;
	int r;

	if (!req->body || !req->body_len)
		return contiv__reply_error(req, 400, "request body missing: expected a JSON object");
	r = contiv_object_from_json(req->m->ctx, kind, req->body, &obj);
	if (r < 0)
		return r == -ENOMEM ? r : contiv__reply_error(req, 400, "%s",
							      contiv_ctx_get_error(req->m->ctx));
	r = match_key(req, obj, key);
	if (r == 0 && contiv_object_validate(obj) < 0)
		r = contiv__reply_error(req, 400, "%s", contiv_ctx_get_error(req->m->ctx));
	if (r) {
		contiv_object_unref(obj);
		return r;
	}
	*ret = obj;
	return 0;
}

static int rule_delete(struct contiv__req *req, struct contiv_object *obj)
{
	int r = contiv__mtxn_bump_serial(req->t);

	return r ? r : contiv__delete_object(req->t, obj);
}

/* What each kind does on create/update and on delete. */
static const struct {
	uint32_t kind;
	int (*put)(struct contiv__req *req, struct contiv_object *obj, struct contiv_object *old);
	int (*del)(struct contiv__req *req, struct contiv_object *obj);
} kinds[] = {
	{ CONTIV_OBJECT_TENANT, tenant_put, tenant_delete },
	{ CONTIV_OBJECT_NETWORK, contiv__network_put, contiv__network_delete },
	{ CONTIV_OBJECT_GROUP, contiv__group_put, contiv__group_delete },
	{ CONTIV_OBJECT_POLICY, policy_put, policy_delete },
	{ CONTIV_OBJECT_RULE, rule_put, rule_delete },
	{ CONTIV_OBJECT_NETPROFILE, netprofile_put, netprofile_delete },
	{ CONTIV_OBJECT_GLOBAL, contiv__global_put, NULL },
};

static size_t kind_index(uint32_t kind)
{
	size_t i = 0;

	while (kinds[i].kind != kind)
		i++;
	return i;
}

int contiv__load_or_404(struct contiv__req *req, uint32_t kind, const char *key,
			struct contiv_object **ret)
{
	char q[CONTIV_QUOTE_MAX];
	int r = contiv__load_object(req->t, kind, key, ret);

	if (r == -ENOENT)
		return contiv__reply_error(req, 404, "%s \"%s\" not found", contiv__kind_name(kind),
					   contiv__quoted(q, key));
	return r;
}

static int put(struct contiv__req *req, uint32_t kind, const char *key)
{
	struct contiv_object *obj = NULL, *old = NULL;
	int r = contiv__body_object(req, kind, key, &obj);

	if (r)
		return r;
	r = contiv__load_object(req->t, kind, key, &old);
	if (r == 0 || r == -ENOENT)
		r = kinds[kind_index(kind)].put(req, obj, old);
	contiv_object_unref(obj);
	contiv_object_unref(old);
	return r;
}

static int delete(struct contiv__req *req, uint32_t kind, const char *key)
{
	struct contiv_object *obj = NULL;
	int r;

	if (!kinds[kind_index(kind)].del)
		return contiv__reply_error(req, 405, "the global object cannot be deleted");
	r = contiv__load_or_404(req, kind, key, &obj);
	if (r == 0)
		r = kinds[kind_index(kind)].del(req, obj);
	contiv_object_unref(obj);
	return r ? r : contiv__reply_json(req, json_object_new_string(key));
}

int contiv__config_handle(struct contiv__req *req, uint32_t kind, const char *key)
{
	struct contiv_object *obj = NULL;
	int r;

	if (!key)
		return list_all(req, kind);
	if (!strcmp(req->method, "DELETE"))
		return delete(req, kind, key);
	if (strcmp(req->method, "GET"))
		return put(req, kind, key);
	r = contiv__load_or_404(req, kind, key, &obj);
	if (r == 0)
		r = contiv__reply_object(req, obj);
	contiv_object_unref(obj);
	return r;
}
