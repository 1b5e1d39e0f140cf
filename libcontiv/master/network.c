/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Networks, endpoint groups and the global object: the config objects that
 * allocate (packet tags, address pools, group ids, carved ip-pools) in the
 * same transaction as the object itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

static const char *state_key(char *buf, size_t len, uint32_t kind, const char *key)
{
	snprintf(buf, len, "%s%s",
		 kind == CONTIV_OBJECT_NETWORK ? CONTIV__K_NET_STATE : CONTIV__K_GROUP_STATE, key);
	return buf;
}

static const char *tag_pool_key(const char *encap)
{
	return strcmp(encap, "vlan") ? CONTIV__K_VXLANS : CONTIV__K_VLANS;
}

/* Whether two IPv4 subnets (range forms included: their prefixes count) overlap. */
static bool overlap4(const char *a, const char *b)
{
	struct contiv__subnet4 x, y;
	const char *why;
	uint32_t mask;

	if (contiv__parse_subnet4(a, &x, &why) < 0 || contiv__parse_subnet4(b, &y, &why) < 0)
		return false;
	mask = contiv__mask4(x.len < y.len ? x.len : y.len);
	return (x.network & mask) == (y.network & mask);
}

static bool overlap6(const char *a, const char *b)
{
	uint8_t x[16], y[16], xl, yl;
	const char *why;

	if (contiv__parse_subnet6(a, x, &xl, &why) < 0 || contiv__parse_subnet6(b, y, &yl, &why) < 0)
		return false;
	return contiv__ipv6_in_prefix(x, y, xl < yl ? xl : yl);
}

/* 409 if a network of the tenant has an overlapping subnet. */
static int check_overlap(struct contiv__req *req, const struct contiv_object *obj)
{
	const char *tenant = contiv_object_get_str(obj, CONTIV_NETWORK_TENANT);
	const char *s4 = contiv_object_get_str(obj, CONTIV_NETWORK_SUBNET);
	const char *s6 = contiv_object_get_str(obj, CONTIV_NETWORK_IPV6_SUBNET);
	char prefix[300], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	struct contiv__objlist l;
	int r;

	snprintf(prefix, sizeof(prefix), "%s:", tenant);
	r = contiv__list_objects(req->m, CONTIV_OBJECT_NETWORK, prefix, &l);
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		const char *o4 = contiv_object_get_str(l.v[i], CONTIV_NETWORK_SUBNET);
		const char *o6 = contiv_object_get_str(l.v[i], CONTIV_NETWORK_IPV6_SUBNET);
		const char *field = NULL, *mine = NULL, *theirs = NULL;

		if (s4 && o4 && overlap4(s4, o4))
			field = "subnet", mine = s4, theirs = o4;
		else if (s6 && *s6 && o6 && *o6 && overlap6(s6, o6))
			field = "ipv6Subnet", mine = s6, theirs = o6;
		if (field)
			r = contiv__reply_error(req, 409, "network \"%s\": %s \"%s\" overlaps %s \"%s\" of network \"%s\"",
						contiv__quoted(q, contiv_object_get_key(obj)), field,
						mine, field, theirs,
						contiv__quoted(q2, contiv_object_get_key(l.v[i])));
	}
	contiv__objlist_free(&l);
	return r;
}

/* 409 if an object of other_kind has the same key (network vs group names). */
static int check_clash(struct contiv__req *req, const struct contiv_object *obj,
		       uint32_t other_kind)
{
	const char *key = contiv_object_get_key(obj);
	char k[CONTIV__KEYBUF], q[CONTIV_QUOTE_MAX];
	int r = contiv__mtxn_get(req->t, contiv__key_config(k, sizeof(k), other_kind, key), NULL);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	return contiv__reply_error(req, 409, "%s \"%s\": name clashes with %s \"%s\"",
				   contiv__kind_name(contiv_object_get_kind(obj)),
				   contiv__quoted(q, key), contiv__kind_name(other_kind), key);
}

static int alloc_tag(struct contiv__req *req, const struct contiv_object *obj, uint32_t *ret)
{
	const char *encap = contiv_object_get_str(obj, CONTIV_NETWORK_ENCAP);
	uint32_t want = contiv_object_get_u32(obj, CONTIV_NETWORK_PKT_TAG);
	const char *pkey = tag_pool_key(encap);
	struct contiv_idpool *pool = NULL;
	char q[CONTIV_QUOTE_MAX], *range = NULL;
	int r = contiv__load_idpool(req->t, pkey, &pool);

	if (r < 0)
		return r == -ENOENT ? contiv__reply_error(req, 503, "global %ss not initialised",
							  encap) : r;
	r = contiv_idpool_alloc(pool, want, ret);
	if (r == -CONTIV_ERR_NOT_IN_POOL) {
		struct contiv_object *global = NULL;

		if (contiv__load_object(req->t, CONTIV_OBJECT_GLOBAL, "global", &global) == 0)
			range = strdup(contiv_object_get_str(global, strcmp(encap, "vlan") ?
								      CONTIV_GLOBAL_VXLANS :
								      CONTIV_GLOBAL_VLANS));
		contiv_object_unref(global);
		r = contiv__reply_error(req, 400, "network \"%s\": pktTag %u is outside the global %ss range \"%s\"",
					contiv__quoted(q, contiv_object_get_key(obj)), want, encap,
					range ? range : "?");
		free(range);
	} else if (r == -EEXIST) {
		r = contiv__reply_error(req, 409, "network \"%s\": pktTag %u is already used by another network",
					contiv__quoted(q, contiv_object_get_key(obj)), want);
	} else if (r == -CONTIV_ERR_EXHAUSTED) {
		r = contiv__reply_error(req, 409, "network \"%s\": no free %s tag left in the global range",
					contiv__quoted(q, contiv_object_get_key(obj)), encap);
	} else if (r == 0) {
		r = contiv__save_idpool(req->t, pkey, pool);
	}
	contiv_idpool_free(pool);
	return r;
}

static int release_tag(struct contiv__req *req, const char *encap, uint32_t tag)
{
	const char *pkey = tag_pool_key(encap);
	struct contiv_idpool *pool = NULL;
	int r = contiv__load_idpool(req->t, pkey, &pool);

	if (r == -ENOENT)
		return 0;
	if (r == 0 && contiv_idpool_release(pool, tag) == 0)
		r = contiv__save_idpool(req->t, pkey, pool);
	contiv_idpool_free(pool);
	return r;
}

/* A pool from subnet and gateway into state[field]; 0 or a 400 answer. */
static int new_pool(struct contiv__req *req, struct json_object *state, const char *field,
		    const char *subnet, const char *gateway)
{
	struct contiv_ipam_pool *pool = NULL;
	int r = contiv_ipam_pool_new(req->m->ctx, subnet, gateway, &pool);

	if (r < 0)
		return r == -ENOMEM ? r : contiv__reply_error(req, 400, "%s",
							      contiv_ctx_get_error(req->m->ctx));
	r = contiv__json_set_pool(state, field, pool);
	contiv_ipam_pool_free(pool);
	return r;
}

int contiv__network_put(struct contiv__req *req, struct contiv_object *obj,
			struct contiv_object *old)
{
	const char *key = contiv_object_get_key(obj);
	const char *s6 = contiv_object_get_str(obj, CONTIV_NETWORK_IPV6_SUBNET);
	struct json_object *state;
	char k[CONTIV__KEYBUF];
	uint32_t tag = 0;
	int r;

	if (old)
		return contiv__unchanged_or_409(req, obj, old);
	r = contiv__require(req, CONTIV_OBJECT_TENANT,
			    contiv_object_get_str(obj, CONTIV_NETWORK_TENANT), NULL, NULL);
	if (r == 0)
		r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = check_clash(req, obj, CONTIV_OBJECT_GROUP);
	if (r == 0)
		r = check_overlap(req, obj);
	if (r == 0)
		r = alloc_tag(req, obj, &tag);
	if (r)
		return r;
	state = json_object_new_object();
	if (!state)
		return -ENOMEM;
	contiv__json_add_str(state, "encap", contiv_object_get_str(obj, CONTIV_NETWORK_ENCAP));
	contiv__json_set_int(state, "pktTag", tag);
	contiv__json_set_int(state, "numEndpoints", 0);
	r = new_pool(req, state, "ipv4", contiv_object_get_str(obj, CONTIV_NETWORK_SUBNET),
		     contiv_object_get_str(obj, CONTIV_NETWORK_GATEWAY));
	if (r == 0 && s6 && *s6)
		r = new_pool(req, state, "ipv6", s6,
			     contiv_object_get_str(obj, CONTIV_NETWORK_IPV6_GATEWAY));
	if (r == 0)
		r = contiv__save_json(req->t, state_key(k, sizeof(k), CONTIV_OBJECT_NETWORK, key),
				      state);
	json_object_put(state);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r ? r : contiv__reply_object(req, obj);
}

static bool group_on_network(const struct contiv_object *group, const char *network)
{
	return !strcmp(contiv_object_get_str(group, CONTIV_GROUP_NETWORK), network);
}

int contiv__network_delete(struct contiv__req *req, struct contiv_object *obj)
{
	const char *key = contiv_object_get_key(obj);
	const char *name = contiv_object_get_str(obj, CONTIV_NETWORK_NAME);
	char k[CONTIV__KEYBUF], prefix[300], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	struct json_object *state = NULL;
	struct contiv__objlist l;
	int64_t n;
	int r = contiv__mtxn_bump_serial(req->t);

	if (r)
		return r;
	snprintf(prefix, sizeof(prefix), "%s:", contiv_object_get_str(obj, CONTIV_NETWORK_TENANT));
	r = contiv__list_objects(req->m, CONTIV_OBJECT_GROUP, prefix, &l);
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (group_on_network(l.v[i], name))
			r = contiv__reply_error(req, 409, "network \"%s\" is in use by endpoint group \"%s\"",
						contiv__quoted(q, key),
						contiv__quoted(q2, contiv_object_get_key(l.v[i])));
	contiv__objlist_free(&l);
	if (r)
		return r;
	state_key(k, sizeof(k), CONTIV_OBJECT_NETWORK, key);
	r = contiv__load_json(req->t, k, &state);
	if (r == 0) {
		n = contiv__json_int(state, "numEndpoints");
		if (n > 0)
			r = contiv__reply_error(req, 409, "network \"%s\" is in use by %lld endpoints",
						contiv__quoted(q, key), (long long)n);
		else
			r = release_tag(req, contiv_object_get_str(obj, CONTIV_NETWORK_ENCAP),
					(uint32_t)contiv__json_int(state, "pktTag"));
		json_object_put(state);
	} else if (r == -ENOENT) {
		r = 0;
	}
	if (r == 0)
		r = contiv__mtxn_del(req->t, k);
	return r ? r : contiv__delete_object(req->t, obj);
}

/* ---- endpoint groups ---- */

/* 0 or a 400 answer naming a missing policy, netprofile or contracts group. */
static int group_refs(struct contiv__req *req, const struct contiv_object *obj)
{
	const char *tenant = contiv_object_get_str(obj, CONTIV_GROUP_TENANT);
	const char *np = contiv_object_get_str(obj, CONTIV_GROUP_NETPROFILE);
	char k[300], q[CONTIV_QUOTE_MAX];
	int r = 0;

	for (size_t i = 0; r == 0 && i < contiv_object_list_count(obj, CONTIV_GROUP_POLICIES); i++)
		r = contiv__require(req, CONTIV_OBJECT_POLICY,
				    contiv__tkey(k, sizeof(k), tenant,
						 contiv_object_list_get(obj, CONTIV_GROUP_POLICIES, i)),
				    NULL, NULL);
	if (r == 0 && np && *np)
		r = contiv__require(req, CONTIV_OBJECT_NETPROFILE,
				    contiv__tkey(k, sizeof(k), tenant, np), NULL, NULL);
	if (r == 0 && contiv_object_list_count(obj, CONTIV_GROUP_EXT_CONTRACTS))
		r = contiv__reply_error(req, 400, "external contracts group \"%s\" does not exist",
					contiv__quoted(q, contiv_object_list_get(obj, CONTIV_GROUP_EXT_CONTRACTS, 0)));
	return r;
}

static int group_update(struct contiv__req *req, struct contiv_object *obj,
			struct contiv_object *old)
{
	uint32_t n = contiv_object_attr_count(CONTIV_OBJECT_GROUP);
	struct contiv_object *probe = NULL;
	const char *field;
	int r;

	/* Compare with the changeable fields copied over: what differs then may not change. */
	r = contiv_object_dup(obj, &probe);
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < n; i++) {
		if (i != CONTIV_GROUP_POLICIES && i != CONTIV_GROUP_NETPROFILE &&
		    i != CONTIV_GROUP_EXT_CONTRACTS)
			continue;
		contiv_object_unset(probe, i);
		if (contiv_object_is_set(old, i)) {
			if (contiv_object_attr_type(CONTIV_OBJECT_GROUP, i) == CONTIV_ATTR_STR) {
				contiv_object_set_str(probe, i, contiv_object_get_str(old, i));
			} else {
				contiv_object_set_from_string(probe, i, "");
				for (size_t j = 0; j < contiv_object_list_count(old, i); j++)
					contiv_object_list_add(probe, i, contiv_object_list_get(old, i, j));
			}
		}
	}
	field = contiv__diff_field(probe, old);
	contiv_object_unref(probe);
	if (field)
		return contiv__reply_error(req, 409, "endpoint group \"%s\": %s cannot change after creation",
					   contiv_object_get_key(obj), field);
	if (!contiv__diff_field(obj, old))
		return contiv__reply_object(req, old);
	r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = group_refs(req, obj);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r ? r : contiv__reply_object(req, obj);
}

/* Allocates the group id and carves the ip-pool into state. */
static int group_alloc(struct contiv__req *req, const struct contiv_object *obj,
		       struct json_object *state)
{
	const char *range = contiv_object_get_str(obj, CONTIV_GROUP_IP_POOL);
	const char *tenant = contiv_object_get_str(obj, CONTIV_GROUP_TENANT);
	const char *net = contiv_object_get_str(obj, CONTIV_GROUP_NETWORK);
	struct contiv_ipam_pool *parent = NULL, *child = NULL;
	struct contiv_idpool *ids = NULL;
	struct json_object *nstate = NULL;
	char k[CONTIV__KEYBUF], nk[300], q[CONTIV_QUOTE_MAX];
	uint32_t id = 0;
	int r = contiv__load_idpool(req->t, CONTIV__K_GROUPIDS, &ids);

	if (r == -ENOENT)
		return contiv__reply_error(req, 503, "group ids not initialised");
	if (r == 0) {
		r = contiv_idpool_alloc(ids, 0, &id);
		if (r == -CONTIV_ERR_EXHAUSTED)
			r = contiv__reply_error(req, 409, "endpoint group \"%s\": no free group id left",
						contiv__quoted(q, contiv_object_get_key(obj)));
		else if (r == 0)
			r = contiv__save_idpool(req->t, CONTIV__K_GROUPIDS, ids);
	}
	contiv_idpool_free(ids);
	if (r)
		return r;
	contiv__json_set_int(state, "groupId", id);
	contiv__json_set_int(state, "numEndpoints", 0);
	if (!range || !*range)
		return 0;
	state_key(k, sizeof(k), CONTIV_OBJECT_NETWORK, contiv__tkey(nk, sizeof(nk), tenant, net));
	r = contiv__load_json(req->t, k, &nstate);
	if (r == 0)
		r = contiv__json_get_pool(req->m, nstate, "ipv4", &parent);
	if (r == 0) {
		r = contiv_ipam_pool_carve(parent, range, &child);
		if (r == -EEXIST)
			r = contiv__reply_error(req, 409, "endpoint group \"%s\": ipPool: %s",
						contiv__quoted(q, contiv_object_get_key(obj)),
						contiv_ctx_get_error(req->m->ctx));
		else if (r == -CONTIV_ERR_NOT_IN_POOL || r == -EINVAL)
			r = contiv__reply_error(req, 400, "endpoint group \"%s\": ipPool \"%s\" is not inside the addresses of network \"%s\"",
						contiv__quoted(q, contiv_object_get_key(obj)), range, nk);
	}
	if (r == 0)
		r = contiv__json_set_pool(nstate, "ipv4", parent);
	if (r == 0)
		r = contiv__json_set_pool(state, "ipPool", child);
	if (r == 0)
		r = contiv__save_json(req->t, k, nstate);
	contiv_ipam_pool_free(parent);
	contiv_ipam_pool_free(child);
	json_object_put(nstate);
	return r == -ENOENT ? -EIO : r;
}

int contiv__group_put(struct contiv__req *req, struct contiv_object *obj,
		      struct contiv_object *old)
{
	const char *tenant = contiv_object_get_str(obj, CONTIV_GROUP_TENANT);
	struct json_object *state;
	char k[CONTIV__KEYBUF], nk[300];
	int r;

	if (old)
		return group_update(req, obj, old);
	r = contiv__require(req, CONTIV_OBJECT_TENANT, tenant, NULL, NULL);
	if (r == 0)
		r = contiv__require(req, CONTIV_OBJECT_NETWORK,
				    contiv__tkey(nk, sizeof(nk), tenant,
						 contiv_object_get_str(obj, CONTIV_GROUP_NETWORK)),
				    NULL, NULL);
	if (r == 0)
		r = group_refs(req, obj);
	if (r == 0)
		r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = check_clash(req, obj, CONTIV_OBJECT_NETWORK);
	if (r)
		return r;
	state = json_object_new_object();
	if (!state)
		return -ENOMEM;
	r = group_alloc(req, obj, state);
	if (r == 0)
		r = contiv__save_json(req->t,
				      state_key(k, sizeof(k), CONTIV_OBJECT_GROUP,
						contiv_object_get_key(obj)), state);
	json_object_put(state);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	return r ? r : contiv__reply_object(req, obj);
}

int contiv__group_delete(struct contiv__req *req, struct contiv_object *obj)
{
	const char *key = contiv_object_get_key(obj);
	const char *range = contiv_object_get_str(obj, CONTIV_GROUP_IP_POOL);
	char k[CONTIV__KEYBUF], nk[CONTIV__KEYBUF], net[300], q[CONTIV_QUOTE_MAX];
	struct json_object *state = NULL, *nstate = NULL;
	struct contiv_ipam_pool *parent = NULL;
	struct contiv_idpool *ids = NULL;
	int64_t n;
	int r = contiv__mtxn_bump_serial(req->t);

	if (r)
		return r;
	state_key(k, sizeof(k), CONTIV_OBJECT_GROUP, key);
	r = contiv__load_json(req->t, k, &state);
	if (r == -ENOENT)
		goto done;
	if (r < 0)
		return r;
	n = contiv__json_int(state, "numEndpoints");
	if (n > 0) {
		json_object_put(state);
		return contiv__reply_error(req, 409, "endpoint group \"%s\" is in use by %lld endpoints",
					   contiv__quoted(q, key), (long long)n);
	}
	r = contiv__load_idpool(req->t, CONTIV__K_GROUPIDS, &ids);
	if (r == 0 && contiv_idpool_release(ids, (uint32_t)contiv__json_int(state, "groupId")) == 0)
		r = contiv__save_idpool(req->t, CONTIV__K_GROUPIDS, ids);
	contiv_idpool_free(ids);
	json_object_put(state);
	if (r < 0 && r != -ENOENT)
		return r;
	r = 0;
	if (range && *range) {
		state_key(nk, sizeof(nk), CONTIV_OBJECT_NETWORK,
			  contiv__tkey(net, sizeof(net), contiv_object_get_str(obj, CONTIV_GROUP_TENANT),
				       contiv_object_get_str(obj, CONTIV_GROUP_NETWORK)));
		r = contiv__load_json(req->t, nk, &nstate);
		if (r == 0)
			r = contiv__json_get_pool(req->m, nstate, "ipv4", &parent);
		if (r == 0 && contiv_ipam_pool_uncarve(parent, range) == 0)
			r = contiv__json_set_pool(nstate, "ipv4", parent);
		if (r == 0)
			r = contiv__save_json(req->t, nk, nstate);
		contiv_ipam_pool_free(parent);
		json_object_put(nstate);
		if (r == -ENOENT)
			r = 0;
	}
done:
	if (r == 0)
		r = contiv__mtxn_del(req->t, k);
	return r ? r : contiv__delete_object(req->t, obj);
}

/* ---- global ---- */

int contiv__global_create_state(struct contiv_master *m, struct contiv__mtxn *t,
				const struct contiv_object *global)
{
	const struct {
		const char *key;
		const char *range;
	} pools[] = {
		{ CONTIV__K_VLANS, contiv_object_get_str(global, CONTIV_GLOBAL_VLANS) },
		{ CONTIV__K_VXLANS, contiv_object_get_str(global, CONTIV_GLOBAL_VXLANS) },
		{ CONTIV__K_GROUPIDS, CONTIV__GROUPID_RANGE },
	};
	int r = 0;

	for (size_t i = 0; r == 0 && i < CONTIV_ARRAY_SIZE(pools); i++) {
		struct contiv_idpool *pool = NULL;

		r = contiv__mtxn_get(t, pools[i].key, NULL);
		if (r != -ENOENT)
			continue;
		r = contiv_idpool_new(m->ctx, pools[i].range, &pool);
		if (r == 0)
			r = contiv__save_idpool(t, pools[i].key, pool);
		contiv_idpool_free(pool);
	}
	return r;
}

static bool changed(const struct contiv_object *a, const struct contiv_object *b, uint32_t attr)
{
	const char *x = contiv_object_get_str(a, attr), *y = contiv_object_get_str(b, attr);

	return strcmp(x ? x : "", y ? y : "");
}

/* Moves an id pool to the global's new range: 0, or 409 naming an in-use tag. */
static int move_range(struct contiv__req *req, const char *key, const char *field,
		      const char *range)
{
	struct contiv_idpool *pool = NULL;
	int r = contiv__load_idpool(req->t, key, &pool);

	if (r == -ENOENT)
		r = contiv_idpool_new(req->m->ctx, range, &pool);
	else if (r == 0)
		r = contiv_idpool_set_range(pool, range);
	if (r == -EBUSY)
		r = contiv__reply_error(req, 409, "global: %s \"%s\" leaves out a tag in use: %s",
					field, range, contiv_ctx_get_error(req->m->ctx));
	else if (r == -EINVAL)
		r = contiv__reply_error(req, 400, "%s", contiv_ctx_get_error(req->m->ctx));
	else if (r == 0)
		r = contiv__save_idpool(req->t, key, pool);
	contiv_idpool_free(pool);
	return r;
}

int contiv__global_put(struct contiv__req *req, struct contiv_object *obj,
		       struct contiv_object *old)
{
	struct contiv_object *defaults = NULL;
	struct contiv__objlist nets;
	int r;

	if (!old) {
		r = contiv_object_new(req->m->ctx, CONTIV_OBJECT_GLOBAL, &defaults);
		if (r < 0)
			return r;
		old = defaults;
	}
	if (!contiv__diff_field(obj, old) && !defaults)
		return contiv__reply_object(req, old);
	r = contiv__mtxn_bump_serial(req->t);
	if (r == 0)
		r = contiv__list_objects(req->m, CONTIV_OBJECT_NETWORK, "", &nets);
	if (r) {
		contiv_object_unref(defaults);
		return r;
	}
	if (nets.n && changed(obj, old, CONTIV_GLOBAL_FWD_MODE))
		r = contiv__reply_error(req, 409, "global: cannot change fwdMode from \"%s\" to \"%s\" while %zu networks exist",
					contiv_object_get_str(old, CONTIV_GLOBAL_FWD_MODE),
					contiv_object_get_str(obj, CONTIV_GLOBAL_FWD_MODE), nets.n);
	else if (nets.n && changed(obj, old, CONTIV_GLOBAL_PVT_SUBNET))
		r = contiv__reply_error(req, 409, "global: cannot change pvtSubnet from \"%s\" to \"%s\" while %zu networks exist",
					contiv_object_get_str(old, CONTIV_GLOBAL_PVT_SUBNET),
					contiv_object_get_str(obj, CONTIV_GLOBAL_PVT_SUBNET), nets.n);
	contiv__objlist_free(&nets);
	if (r == 0 && (defaults || changed(obj, old, CONTIV_GLOBAL_VLANS)))
		r = move_range(req, CONTIV__K_VLANS, "vlans",
			       contiv_object_get_str(obj, CONTIV_GLOBAL_VLANS));
	if (r == 0 && (defaults || changed(obj, old, CONTIV_GLOBAL_VXLANS)))
		r = move_range(req, CONTIV__K_VXLANS, "vxlans",
			       contiv_object_get_str(obj, CONTIV_GLOBAL_VXLANS));
	if (r == 0)
		r = contiv__global_create_state(req->m, req->t, obj);
	if (r == 0)
		r = contiv__save_object(req->t, obj);
	contiv_object_unref(defaults);
	return r ? r : contiv__reply_object(req, obj);
}
