/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inspect: {"Config": <object>, "Oper": <Contiv's operational fields>}. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <contiv/contiv.h>

#include "master/master-private.h"

static void add_int(struct json_object *o, const char *field, int64_t v)
{
	contiv__json_set_int(o, field, v);
}

/* Endpoints of a tenant whose attr equals value (NULL value: any). */
static struct json_object *endpoints_where(struct contiv__objlist *eps, const char *tenant,
					   uint32_t attr, const char *value, size_t *ret_n)
{
	struct json_object *arr = json_object_new_array();
	size_t n = 0;

	for (size_t i = 0; arr && i < eps->n; i++) {
		const char *t = contiv_object_get_str(eps->v[i], CONTIV_ENDPOINT_TENANT);
		const char *v = contiv_object_get_str(eps->v[i], attr);

		if (!t || strcmp(t, tenant) || (value && (!v || strcmp(v, value))))
			continue;
		json_object_array_add(arr, contiv__object_json(eps->v[i]));
		n++;
	}
	if (ret_n)
		*ret_n = n;
	return arr;
}

static void add_pool_ranges(struct contiv_master *m, struct json_object *oper,
			    struct json_object *state, const char *field, bool count)
{
	struct contiv_ipam_pool *pool = NULL;
	char *text = NULL;

	if (!state || contiv__json_get_pool(m, state, field, &pool) < 0)
		return;
	if (contiv_ipam_pool_get_allocated(pool, &text) == 0)
		contiv__json_add_str(oper, "allocatedIPAddresses", text);
	contiv_free(text);
	text = NULL;
	if (contiv_ipam_pool_get_available(pool, &text) == 0)
		contiv__json_add_str(oper, "availableIPAddresses", text);
	contiv_free(text);
	if (count)
		add_int(oper, "allocatedAddressesCount",
			(int64_t)contiv_ipam_pool_count_allocated(pool));
	contiv_ipam_pool_free(pool);
}

static struct json_object *load_state(struct contiv_master *m, const char *prefix, const char *key)
{
	struct contiv__mtxn *t = NULL;
	struct json_object *state = NULL;
	char k[CONTIV__KEYBUF];

	snprintf(k, sizeof(k), "%s%s", prefix, key);
	if (contiv__mtxn_new(m, &t) == 0)
		contiv__load_json(t, k, &state);
	contiv__mtxn_free(t);
	return state;
}

struct json_object *contiv__tags_from_state(uint32_t kind, struct json_object *state)
{
	struct json_object *oper = json_object_new_object();

	if (!oper || !state)
		return oper;
	if (kind == CONTIV_OBJECT_NETWORK) {
		const char *encap = json_object_get_string(json_object_object_get(state, "encap"));

		add_int(oper, "pktTag", contiv__json_int(state, "pktTag"));
		add_int(oper, "externalPktTag", contiv__json_int(state, "pktTag"));
		contiv__json_add_str(oper, "encap", encap);
	} else {
		add_int(oper, "groupId", contiv__json_int(state, "groupId"));
	}
	return oper;
}

struct json_object *contiv__oper_tags(struct contiv_master *m, uint32_t kind, const char *key)
{
	struct json_object *oper, *state = NULL;

	if (kind == CONTIV_OBJECT_NETWORK || kind == CONTIV_OBJECT_GROUP)
		state = load_state(m, kind == CONTIV_OBJECT_NETWORK ? CONTIV__K_NET_STATE :
								      CONTIV__K_GROUP_STATE, key);
	oper = contiv__tags_from_state(kind, state);
	json_object_put(state);
	return oper;
}

static struct json_object *network_oper(struct contiv__req *req, const struct contiv_object *net,
					struct contiv__objlist *eps)
{
	const char *key = contiv_object_get_key(net);
	const char *tag = contiv_object_get_str(net, CONTIV_NETWORK_CFGD_TAG);
	struct json_object *oper = contiv__oper_tags(req->m, CONTIV_OBJECT_NETWORK, key);
	struct json_object *state = load_state(req->m, CONTIV__K_NET_STATE, key);
	char deftag[300];
	size_t n = 0;

	if (!oper)
		return NULL;
	json_object_object_add(oper, "endpoints",
			       endpoints_where(eps, contiv_object_get_str(net, CONTIV_NETWORK_TENANT),
					       CONTIV_ENDPOINT_NETWORK,
					       contiv_object_get_str(net, CONTIV_NETWORK_NAME), &n));
	add_int(oper, "numEndpoints", (int64_t)n);
	add_pool_ranges(req->m, oper, state, "ipv4", true);
	snprintf(deftag, sizeof(deftag), "%s.%s", contiv_object_get_str(net, CONTIV_NETWORK_NAME),
		 contiv_object_get_str(net, CONTIV_NETWORK_TENANT));
	contiv__json_add_str(oper, "networkTag", tag && *tag ? tag : deftag);
	json_object_put(state);
	return oper;
}

static struct json_object *group_oper(struct contiv__req *req, const struct contiv_object *group,
				      struct contiv__objlist *eps)
{
	const char *key = contiv_object_get_key(group);
	const char *tenant = contiv_object_get_str(group, CONTIV_GROUP_TENANT);
	const char *tag = contiv_object_get_str(group, CONTIV_GROUP_CFGD_TAG);
	struct json_object *oper = contiv__oper_tags(req->m, CONTIV_OBJECT_GROUP, key);
	struct json_object *state = load_state(req->m, CONTIV__K_GROUP_STATE, key), *ntags;
	char nk[300], deftag[300];
	size_t n = 0;

	if (!oper)
		return NULL;
	contiv__tkey(nk, sizeof(nk), tenant, contiv_object_get_str(group, CONTIV_GROUP_NETWORK));
	ntags = contiv__oper_tags(req->m, CONTIV_OBJECT_NETWORK, nk);
	add_int(oper, "pktTag", contiv__json_int(ntags, "pktTag"));
	add_int(oper, "externalPktTag", contiv__json_int(ntags, "externalPktTag"));
	json_object_put(ntags);
	snprintf(deftag, sizeof(deftag), "%s.%s", contiv_object_get_str(group, CONTIV_GROUP_NAME),
		 tenant);
	contiv__json_add_str(oper, "groupTag", tag && *tag ? tag : deftag);
	json_object_object_add(oper, "endpoints",
			       endpoints_where(eps, tenant, CONTIV_ENDPOINT_GROUP,
					       contiv_object_get_str(group, CONTIV_GROUP_NAME), &n));
	add_int(oper, "numEndpoints", (int64_t)n);
	add_pool_ranges(req->m, oper, state, "ipPool", false);
	json_object_put(state);
	return oper;
}

static struct json_object *policy_oper(struct contiv__req *req, const struct contiv_object *pol,
				       struct contiv__objlist *eps)
{
	const char *tenant = contiv_object_get_str(pol, CONTIV_POLICY_TENANT);
	const char *name = contiv_object_get_str(pol, CONTIV_POLICY_NAME);
	struct json_object *oper = json_object_new_object(), *arr = json_object_new_array();
	struct contiv__objlist groups = { 0 };
	char prefix[300];
	size_t n = 0;

	snprintf(prefix, sizeof(prefix), "%s:", tenant);
	contiv__list_objects(req->m, CONTIV_OBJECT_GROUP, prefix, &groups);
	for (size_t g = 0; arr && g < groups.n; g++) {
		bool has = false;

		for (size_t i = 0; i < contiv_object_list_count(groups.v[g], CONTIV_GROUP_POLICIES); i++)
			has |= !strcmp(contiv_object_list_get(groups.v[g], CONTIV_GROUP_POLICIES, i), name);
		for (size_t i = 0; has && i < eps->n; i++) {
			const char *t = contiv_object_get_str(eps->v[i], CONTIV_ENDPOINT_TENANT);
			const char *eg = contiv_object_get_str(eps->v[i], CONTIV_ENDPOINT_GROUP);

			if (t && eg && !strcmp(t, tenant) &&
			    !strcmp(eg, contiv_object_get_str(groups.v[g], CONTIV_GROUP_NAME))) {
				json_object_array_add(arr, contiv__object_json(eps->v[i]));
				n++;
			}
		}
	}
	contiv__objlist_free(&groups);
	if (oper) {
		add_int(oper, "numEndpoints", (int64_t)n);
		json_object_object_add(oper, "endpoints", arr);
	} else {
		json_object_put(arr);
	}
	return oper;
}

static struct json_object *tenant_oper(struct contiv__req *req, const struct contiv_object *tn,
				       struct contiv__objlist *eps)
{
	static const struct {
		uint32_t kind;
		const char *total;
	} totals[] = {
		{ CONTIV_OBJECT_NETWORK, "totalNetworks" },
		{ CONTIV_OBJECT_GROUP, "totalEPGs" },
		{ CONTIV_OBJECT_NETPROFILE, "totalNetprofiles" },
		{ CONTIV_OBJECT_POLICY, "totalPolicies" },
	};
	const char *name = contiv_object_get_str(tn, CONTIV_TENANT_NAME);
	struct json_object *oper = json_object_new_object();
	char prefix[300];
	size_t n = 0;

	if (!oper)
		return NULL;
	snprintf(prefix, sizeof(prefix), "%s:", name);
	for (size_t k = 0; k < CONTIV_ARRAY_SIZE(totals); k++) {
		struct contiv__objlist l = { 0 };
		struct json_object *arr = NULL;

		contiv__list_objects(req->m, totals[k].kind, prefix, &l);
		add_int(oper, totals[k].total, (int64_t)l.n);
		if (totals[k].kind == CONTIV_OBJECT_NETWORK || totals[k].kind == CONTIV_OBJECT_GROUP)
			arr = json_object_new_array();
		for (size_t i = 0; arr && i < l.n; i++) {
			struct json_object *o = totals[k].kind == CONTIV_OBJECT_NETWORK ?
							network_oper(req, l.v[i], eps) :
							group_oper(req, l.v[i], eps);

			json_object_object_add(o, "key",
					       json_object_new_string(contiv_object_get_key(l.v[i])));
			json_object_array_add(arr, o);
		}
		if (arr)
			json_object_object_add(oper, totals[k].kind == CONTIV_OBJECT_NETWORK ?
							     "networks" : "endpointGroups", arr);
		contiv__objlist_free(&l);
	}
	json_object_put(endpoints_where(eps, name, CONTIV_ENDPOINT_TENANT, NULL, &n));
	add_int(oper, "totalEndpoints", (int64_t)n);
	return oper;
}

static void add_idpool(struct contiv_master *m, struct json_object *oper, const char *key,
		       const char *field)
{
	struct contiv__mtxn *t = NULL;
	struct contiv_idpool *pool = NULL;
	char *text = NULL;

	if (contiv__mtxn_new(m, &t) == 0 && contiv__load_idpool(t, key, &pool) == 0 &&
	    contiv_idpool_get_allocated(pool, &text) == 0)
		contiv__json_add_str(oper, field, text);
	else
		contiv__json_add_str(oper, field, "");
	contiv_free(text);
	contiv_idpool_free(pool);
	contiv__mtxn_free(t);
}

static struct json_object *global_oper(struct contiv__req *req, const struct contiv_object *g)
{
	struct json_object *oper = json_object_new_object();
	struct contiv__objlist nets = { 0 };
	const char *vx = contiv_object_get_str(g, CONTIV_GLOBAL_VXLANS);

	if (!oper)
		return NULL;
	contiv__list_objects(req->m, CONTIV_OBJECT_NETWORK, "", &nets);
	add_int(oper, "numNetworks", (int64_t)nets.n);
	contiv__objlist_free(&nets);
	contiv__json_add_str(oper, "defaultNetwork", "");
	add_idpool(req->m, oper, CONTIV__K_VLANS, "vlansInUse");
	add_idpool(req->m, oper, CONTIV__K_VXLANS, "vxlansInUse");
	add_int(oper, "freeVXLANsStart", vx ? strtoll(vx, NULL, 10) : 0);
	contiv__json_add_str(oper, "clusterMode", "docker");
	return oper;
}

static int inspect_endpoint(struct contiv__req *req, const char *text)
{
	struct contiv__objlist eps;
	struct json_object *ans = NULL;
	char q[CONTIV_QUOTE_MAX];
	int r = contiv__list_objects(req->m, CONTIV_OBJECT_ENDPOINT, "", &eps);

	if (r < 0)
		return r;
	for (size_t i = 0; !ans && i < eps.n; i++) {
		static const uint32_t attrs[] = { CONTIV_ENDPOINT_ID, CONTIV_ENDPOINT_CONTAINER_ID,
						  CONTIV_ENDPOINT_CONTAINER_NAME };

		for (size_t a = 0; !ans && a < CONTIV_ARRAY_SIZE(attrs); a++) {
			const char *v = contiv_object_get_str(eps.v[i], attrs[a]);

			if (v && strstr(v, text)) {
				ans = json_object_new_object();
				json_object_object_add(ans, "Config", contiv__object_json(eps.v[i]));
				json_object_object_add(ans, "Oper", contiv__object_json(eps.v[i]));
			}
		}
	}
	contiv__objlist_free(&eps);
	if (!ans)
		return contiv__reply_error(req, 404, "no endpoint whose id, containerID or containerName contains \"%s\"",
					   contiv__quoted(q, text));
	return contiv__reply_json(req, ans);
}

int contiv__inspect_handle(struct contiv__req *req, uint32_t kind, const char *key)
{
	struct contiv_object *obj = NULL;
	struct contiv__objlist eps = { 0 };
	struct json_object *ans, *oper;
	int r;

	if (kind == CONTIV_OBJECT_ENDPOINT)
		return inspect_endpoint(req, key);
	r = contiv__load_or_404(req, kind, key, &obj);
	if (r)
		return r;
	if (kind != CONTIV_OBJECT_RULE && kind != CONTIV_OBJECT_NETPROFILE &&
	    kind != CONTIV_OBJECT_GLOBAL) {
		r = contiv__list_objects(req->m, CONTIV_OBJECT_ENDPOINT, "", &eps);
		if (r < 0) {
			contiv_object_unref(obj);
			return r;
		}
	}
	switch (kind) {
	case CONTIV_OBJECT_NETWORK:
		oper = network_oper(req, obj, &eps);
		break;
	case CONTIV_OBJECT_GROUP:
		oper = group_oper(req, obj, &eps);
		break;
	case CONTIV_OBJECT_POLICY:
		oper = policy_oper(req, obj, &eps);
		break;
	case CONTIV_OBJECT_TENANT:
		oper = tenant_oper(req, obj, &eps);
		break;
	case CONTIV_OBJECT_GLOBAL:
		oper = global_oper(req, obj);
		break;
	default:
		oper = json_object_new_object();
	}
	contiv__objlist_free(&eps);
	ans = json_object_new_object();
	if (ans) {
		json_object_object_add(ans, "Config", contiv__object_json(obj));
		json_object_object_add(ans, "Oper", oper);
	} else {
		json_object_put(oper);
	}
	contiv_object_unref(obj);
	return contiv__reply_json(req, ans);
}
