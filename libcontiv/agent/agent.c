/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The agent: one host's netplugin logic. It keeps a copy of netmaster's
 * objects (from the change stream), derives what this host's datapath
 * should hold and makes the kernel match through the dp layer:
 *
 * - networks: every network that has an endpoint anywhere in the cluster is
 *   created on every host (simplest correct rule: a host with no local
 *   endpoint of it only carries an idle bridge and vxlan device);
 *   when a network's last endpoint leaves, its devices linger for
 *   linger_sec (while netmaster has it) so that the next attach finds them;
 * - remotes: an FDB + neighbour entry per endpoint of another host (its
 *   homingHost), towards that host's VTEP, which the attaching agent stored
 *   in the endpoint's vtepIP;
 * - policy: the whole configuration (networks with their tags, groups,
 *   policies, rules, netprofiles, all endpoints) compiled and applied in one
 *   transaction whenever the compiled program changes;
 * - shaping: the netprofile of a local endpoint's group.
 *
 * What the agent applied is remembered (applied networks, remotes, shaping,
 * the last policy program) so that incremental changes remove what is no
 * longer wanted; a snapshot (first sync, compacted history) re-applies
 * everything (the dp calls are idempotent) and, the first time, also reads
 * the kernel to remove what netmaster no longer has.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "libcontiv-private.h"
#include "linger.h"
#include "portmap.h"
#include "../dp/docker-compat.h"
#include "agent/dns-private.h"
#include "dp/dp-private.h"

#define agent_warn(ctx, ...) contiv__log_cond(ctx, 4, __VA_ARGS__)
#define agent_err(ctx, ...) contiv__log_cond(ctx, 3, __VA_ARGS__)

/* An object of netmaster (config object or endpoint) with its oper tags. */
struct item {
	uint32_t kind;
	char *key;
	struct contiv_object *obj;
	uint32_t encap;		/* networks: enum contiv_dp_encap */
	uint32_t tag;		/* networks: pktTag */
};

struct net_applied {
	uint32_t encap;
	uint32_t tag;
	bool wanted;
	int64_t idle_since_ms;	/* not wanted since (linger.c), 0: wanted */
};

struct remote_applied {
	uint32_t tag;
	char mac[18];
	char ip[46];
	char vtep[46];
	bool wanted;
};

struct qos_applied {
	char *id;
	uint64_t bps;
	uint32_t burst;
};

/* An attachment made through this agent's API (since it started). */
struct attachment {
	char *id;
	char *tenant;
	char *network;
	char *group;
	char *netns;
	char *ifname;
	char *answer;
};

#define VEC(type) struct { type *v; size_t n, cap; }

struct contiv_agent {
	int refcount;
	struct contiv_ctx *ctx;
	struct contiv_client *client;
	struct contiv_dp *dp;
	char *host;
	char *vtep_ip;
	uint32_t linger_sec;	/* networks' devices kept that long when idle */
	int64_t revision;
	bool synced;		/* a snapshot was received */
	bool kernel_read;	/* the kernel was read back once */
	bool dirty;		/* the last reconciliation failed: retry fully */
	bool lingering;		/* idle networks wait for their removal */
	VEC(struct item) items;
	VEC(struct net_applied) nets;
	VEC(struct remote_applied) remotes;
	VEC(struct qos_applied) qos;
	VEC(struct attachment) atts;
	VEC(char *) kernel_eps;	/* local endpoint ids found in the kernel at start */
	char *policy_json;	/* the program last applied */
	struct contiv__pm_table pm;	/* port mappings of local endpoints (portmap.c) */
	struct contiv__dns_state *dns;	/* the built-in DNS's names (CONTIV_AGENT_DNS) */
};

#define VEC_GROW(vec) \
	({ \
		int _r = 0; \
		if ((vec).n == (vec).cap) { \
			size_t _c = (vec).cap ? (vec).cap * 2 : 8; \
			void *_p = realloc((vec).v, _c * sizeof(*(vec).v)); \
			if (_p) { \
				(vec).v = _p; \
				(vec).cap = _c; \
			} else { \
				_r = -ENOMEM; \
			} \
		} \
		_r; \
	})

#define VEC_DEL(vec, i) \
	do { \
		memmove(&(vec).v[i], &(vec).v[(i) + 1], ((vec).n - (i) - 1) * sizeof(*(vec).v)); \
		(vec).n--; \
	} while (0)

static bool streq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* ---- the object cache ---- */

static void item_clear(struct item *it)
{
	free(it->key);
	contiv_object_unref(it->obj);
}

static struct item *item_find(struct contiv_agent *a, uint32_t kind, const char *key)
{
	for (size_t i = 0; i < a->items.n; i++)
		if (a->items.v[i].kind == kind && !strcmp(a->items.v[i].key, key))
			return &a->items.v[i];
	return NULL;
}

static void items_clear(struct contiv_agent *a)
{
	for (size_t i = 0; i < a->items.n; i++)
		item_clear(&a->items.v[i]);
	a->items.n = 0;
}

static void item_del(struct contiv_agent *a, uint32_t kind, const char *key)
{
	for (size_t i = 0; i < a->items.n; i++)
		if (a->items.v[i].kind == kind && !strcmp(a->items.v[i].key, key)) {
			item_clear(&a->items.v[i]);
			VEC_DEL(a->items, i);
			return;
		}
}

static uint32_t json_u32(struct json_object *o, const char *field)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, field, &v))
		return 0;
	return (uint32_t)json_object_get_int64(v);
}

static const char *json_str(struct json_object *o, const char *field)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, field, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Stores (replaces) one item of the stream; unknown collections are skipped. */
static int item_put(struct contiv_agent *a, struct json_object *jitem)
{
	const char *coll = json_str(jitem, "collection"), *key = json_str(jitem, "key");
	struct json_object *jobj = NULL, *oper = NULL;
	struct contiv_object *obj = NULL;
	struct item it = { 0 }, *old;
	uint32_t kind;
	int r;

	kind = contiv_object_kind_from_name(coll);
	if (!kind || !key || !json_object_object_get_ex(jitem, "object", &jobj))
		return 0;
	json_object_object_get_ex(jitem, "oper", &oper);
	r = contiv_object_from_json(a->ctx, kind,
				    json_object_to_json_string_ext(jobj, JSON_C_TO_STRING_PLAIN), &obj);
	if (r < 0) {
		agent_warn(a->ctx, "agent: %s \"%s\" from netmaster skipped: %s", coll, key,
			   contiv_ctx_get_error(a->ctx));
		return 0;
	}
	it.kind = kind;
	it.obj = obj;
	if (kind == CONTIV_OBJECT_NETWORK) {
		const char *encap = json_str(oper, "encap");

		if (!encap)
			encap = contiv_object_get_str(obj, CONTIV_NETWORK_ENCAP);
		it.encap = streq(encap, "vlan") ? CONTIV_DP_VLAN : CONTIV_DP_VXLAN;
		it.tag = json_u32(oper, "pktTag");
		if (!it.tag)
			it.tag = contiv_object_get_u32(obj, CONTIV_NETWORK_PKT_TAG);
	}
	old = item_find(a, kind, key);
	if (old) {
		contiv_object_unref(old->obj);
		old->obj = obj;
		old->encap = it.encap;
		old->tag = it.tag;
		return 0;
	}
	if (VEC_GROW(a->items) < 0 || !(it.key = strdup(key))) {
		contiv_object_unref(obj);
		return -ENOMEM;
	}
	a->items.v[a->items.n++] = it;
	return 0;
}

static const char *ep_str(const struct item *it, uint32_t attr)
{
	return contiv_object_get_str(it->obj, attr);
}

static bool ep_is_local(const struct contiv_agent *a, const struct item *it)
{
	return it->kind == CONTIV_OBJECT_ENDPOINT && streq(ep_str(it, CONTIV_ENDPOINT_HOST), a->host);
}

/* The network item of an endpoint (or group): tenant + network name. */
static struct item *network_of(struct contiv_agent *a, const char *tenant, const char *network)
{
	char key[512];

	snprintf(key, sizeof(key), "%s:%s", tenant ? tenant : "", network ? network : "");
	return item_find(a, CONTIV_OBJECT_NETWORK, key);
}

static bool network_has_endpoints(struct contiv_agent *a, const struct item *net)
{
	const char *t = contiv_object_get_str(net->obj, CONTIV_NETWORK_TENANT);
	const char *n = contiv_object_get_str(net->obj, CONTIV_NETWORK_NAME);

	for (size_t i = 0; i < a->items.n; i++) {
		struct item *it = &a->items.v[i];

		if (it->kind == CONTIV_OBJECT_ENDPOINT && streq(ep_str(it, CONTIV_ENDPOINT_TENANT), t) &&
		    streq(ep_str(it, CONTIV_ENDPOINT_NETWORK), n))
			return true;
	}
	return false;
}

/* "gateway/len" of a network, or false if it has no gateway. */
static bool network_gateway_cidr(const struct item *net, char *buf, size_t len)
{
	const char *gw = contiv_object_get_str(net->obj, CONTIV_NETWORK_GATEWAY);
	const char *subnet = contiv_object_get_str(net->obj, CONTIV_NETWORK_SUBNET);
	struct contiv__subnet4 s;
	const char *why;

	if (!gw || !*gw || !subnet || contiv__parse_subnet4(subnet, &s, &why) < 0)
		return false;
	snprintf(buf, len, "%s/%u", gw, s.len);
	return true;
}

static unsigned network_prefix_len(const struct item *net)
{
	const char *subnet = contiv_object_get_str(net->obj, CONTIV_NETWORK_SUBNET);
	struct contiv__subnet4 s;
	const char *why;

	if (!subnet || contiv__parse_subnet4(subnet, &s, &why) < 0)
		return 32;
	return s.len;
}

/* ---- reconciliation ---- */

static struct net_applied *net_applied_find(struct contiv_agent *a, uint32_t encap, uint32_t tag)
{
	for (size_t i = 0; i < a->nets.n; i++)
		if (a->nets.v[i].encap == encap && a->nets.v[i].tag == tag)
			return &a->nets.v[i];
	return NULL;
}

static struct remote_applied *remote_find(struct contiv_agent *a, uint32_t tag, const char *mac)
{
	for (size_t i = 0; i < a->remotes.n; i++)
		if (a->remotes.v[i].tag == tag && !strcasecmp(a->remotes.v[i].mac, mac))
			return &a->remotes.v[i];
	return NULL;
}

/*
 * remote_find() starting at *hint: the remotes were appended in the order
 * of the items, which reconcile_remotes() walks, so the next one is almost
 * always at the hint (a linear search per remote made each sync O(n^2)).
 */
static struct remote_applied *remote_find_from(struct contiv_agent *a, uint32_t tag, const char *mac,
						size_t *hint)
{
	struct remote_applied *ra;

	if (*hint < a->remotes.n && a->remotes.v[*hint].tag == tag &&
	    !strcasecmp(a->remotes.v[*hint].mac, mac))
		ra = &a->remotes.v[*hint];
	else
		ra = remote_find(a, tag, mac);
	if (ra)
		*hint = (size_t)(ra - a->remotes.v) + 1;
	return ra;
}

static int reconcile_networks(struct contiv_agent *a, bool full)
{
	int err = 0;

	for (size_t i = 0; i < a->nets.n; i++)
		a->nets.v[i].wanted = false;
	for (size_t i = 0; i < a->items.n; i++) {
		struct item *it = &a->items.v[i];
		struct net_applied *na;
		char gw[64];
		int r;

		if (it->kind != CONTIV_OBJECT_NETWORK || !it->tag || !network_has_endpoints(a, it))
			continue;
		na = net_applied_find(a, it->encap, it->tag);
		if (na && !full) {
			na->wanted = true;
			na->idle_since_ms = 0;
			continue;
		}
		r = contiv_dp_network_add(a->dp, it->encap, it->tag,
					  network_gateway_cidr(it, gw, sizeof(gw)) ? gw : NULL);
		if (r < 0) {
			agent_err(a->ctx, "agent: network %s (tag %u): %s", it->key, it->tag,
				  contiv_ctx_get_error(a->ctx));
			err = err ?: r;
			continue;
		}
		contiv_info(a->ctx, "agent: network %s on this host (tag %u)", it->key, it->tag);
		if (!na) {
			if (VEC_GROW(a->nets) < 0)
				return -ENOMEM;
			na = &a->nets.v[a->nets.n++];
			na->encap = it->encap;
			na->tag = it->tag;
		}
		na->wanted = true;
		na->idle_since_ms = 0;
	}
	return err;
}

static int reconcile_remotes(struct contiv_agent *a, bool full)
{
	const char *last_t = NULL, *last_n = NULL;
	struct item *last_net = NULL;
	size_t hint = 0;
	int err = 0;

	for (size_t i = 0; i < a->remotes.n; i++)
		a->remotes.v[i].wanted = false;
	for (size_t i = 0; i < a->items.n; i++) {
		struct item *it = &a->items.v[i], *net;
		const char *mac, *ip, *vtep;
		struct remote_applied *ra;
		int r;

		if (it->kind != CONTIV_OBJECT_ENDPOINT || ep_is_local(a, it))
			continue;
		/* consecutive endpoints are mostly of one network: look it up once */
		if (!last_t || !streq(last_t, ep_str(it, CONTIV_ENDPOINT_TENANT)) ||
		    !streq(last_n, ep_str(it, CONTIV_ENDPOINT_NETWORK))) {
			last_t = ep_str(it, CONTIV_ENDPOINT_TENANT) ?: "";
			last_n = ep_str(it, CONTIV_ENDPOINT_NETWORK) ?: "";
			last_net = network_of(a, last_t, last_n);
		}
		net = last_net;
		mac = ep_str(it, CONTIV_ENDPOINT_MAC_ADDRESS);
		ip = ep_str(it, CONTIV_ENDPOINT_IPV4_ADDRESS);
		vtep = ep_str(it, CONTIV_ENDPOINT_VTEP_IP);
		if (!net || net->encap != CONTIV_DP_VXLAN || !net->tag || !mac || !vtep ||
		    !net_applied_find(a, net->encap, net->tag))
			continue;
		ra = remote_find_from(a, net->tag, mac, &hint);
		if (ra && !full && streq(ra->ip, ip) && streq(ra->vtep, vtep)) {
			ra->wanted = true;
			continue;
		}
		if (ra && !streq(ra->ip, ip) && *ra->ip)
			contiv_dp_remote_del(a->dp, ra->tag, ra->mac, ra->ip);
		r = contiv_dp_remote_add(a->dp, net->tag, mac, ip, vtep);
		if (r < 0) {
			agent_err(a->ctx, "agent: remote endpoint %s: %s", it->key,
				  contiv_ctx_get_error(a->ctx));
			err = err ?: r;
			continue;
		}
		if (!ra) {
			if (VEC_GROW(a->remotes) < 0)
				return -ENOMEM;
			ra = &a->remotes.v[a->remotes.n++];
			memset(ra, 0, sizeof(*ra));
			ra->tag = net->tag;
			snprintf(ra->mac, sizeof(ra->mac), "%s", mac);
		}
		snprintf(ra->ip, sizeof(ra->ip), "%s", ip ? ip : "");
		snprintf(ra->vtep, sizeof(ra->vtep), "%s", vtep);
		ra->wanted = true;
	}
	for (size_t i = 0; i < a->remotes.n;) {
		struct remote_applied *ra = &a->remotes.v[i];

		if (ra->wanted) {
			i++;
			continue;
		}
		contiv_info(a->ctx, "agent: remote %u:%s gone", ra->tag, ra->mac);
		contiv_dp_remote_del(a->dp, ra->tag, ra->mac, *ra->ip ? ra->ip : NULL);
		VEC_DEL(a->remotes, i);
	}
	return err;
}

static bool subnets_overlap(const struct item *x, const struct item *y)
{
	const char *sx = contiv_object_get_str(x->obj, CONTIV_NETWORK_SUBNET);
	const char *sy = contiv_object_get_str(y->obj, CONTIV_NETWORK_SUBNET);
	struct contiv__subnet4 s, o;
	const char *why;
	unsigned len;

	if (!sx || !sy || contiv__parse_subnet4(sx, &s, &why) < 0 || contiv__parse_subnet4(sy, &o, &why) < 0)
		return false;
	len = o.len < s.len ? o.len : s.len;
	return (s.network & contiv__mask4(len)) == (o.network & contiv__mask4(len));
}

/*
 * Another network in use on this host (endpoints, not lingering) whose
 * subnet overlaps @net's (another tenant's same subnet), or NULL.
 */
static const struct item *network_overlapping(struct contiv_agent *a, const struct item *net)
{
	for (size_t i = 0; i < a->items.n; i++) {
		const struct item *it = &a->items.v[i];
		const struct net_applied *na;

		if (it == net || it->kind != CONTIV_OBJECT_NETWORK)
			continue;
		na = net_applied_find(a, it->encap, it->tag);
		if (na && na->wanted && subnets_overlap(net, it))
			return it;
	}
	return NULL;
}

/*
 * Whether an idle network may linger: netmaster (still) has it with this
 * encapsulation and tag, and no network in use here overlaps it (two
 * bridges would route the subnet).
 */
static bool network_may_linger(struct contiv_agent *a, uint32_t encap, uint32_t tag)
{
	for (size_t i = 0; i < a->items.n; i++) {
		const struct item *it = &a->items.v[i];

		if (it->kind == CONTIV_OBJECT_NETWORK && it->encap == encap && it->tag == tag)
			return !network_overlapping(a, it);
	}
	return false;
}

/*
 * Removes networks no longer wanted (after endpoints and remotes); one that
 * netmaster still has lingers for a->linger_sec first (linger.c). Returns
 * how many linger.
 */
static size_t reconcile_network_removals(struct contiv_agent *a)
{
	int64_t now = a->linger_sec ? contiv__linger_now_ms() : 0;
	size_t lingering = 0;

	for (size_t i = 0; i < a->nets.n;) {
		struct net_applied *na = &a->nets.v[i];
		int r;

		if (na->wanted) {
			i++;
			continue;
		}
		if (a->linger_sec && network_may_linger(a, na->encap, na->tag) &&
		    !contiv__linger_over(&na->idle_since_ms, a->linger_sec, now)) {
			i++;
			lingering++;
			continue;
		}
		r = contiv_dp_network_del(a->dp, na->encap, na->tag);
		if (r == -EBUSY) {
			i++;	/* a local endpoint is still there: keep it */
			continue;
		}
		if (r < 0)
			agent_warn(a->ctx, "agent: removing network tag %u: %s", na->tag,
				   contiv_ctx_get_error(a->ctx));
		else
			contiv_info(a->ctx, "agent: network tag %u removed", na->tag);
		VEC_DEL(a->nets, i);
	}
	return lingering;
}

/* ---- port mappings (the table and its checks are in portmap.c) ---- */

/*
 * Whether the network of local endpoint @ep has a subnet overlapping another
 * network on this host (another tenant's identical subnet): the host would
 * route a DNATed address to one of the two bridges, maybe the wrong one.
 */
static const struct item *pm_overlap(struct contiv_agent *a, const struct item *ep)
{
	const struct item *net = network_of(a, ep_str(ep, CONTIV_ENDPOINT_TENANT),
					    ep_str(ep, CONTIV_ENDPOINT_NETWORK));

	/* a lingering one is removed at the end of this reconciliation */
	return net ? network_overlapping(a, net) : NULL;
}

/* contiv__pm_ip_fn: a local endpoint's IPv4 address, NULL if ambiguous. */
static const char *pm_ip_of(const char *id, void *userdata)
{
	struct contiv_agent *a = userdata;
	struct item *it = item_find(a, CONTIV_OBJECT_ENDPOINT, id);
	const struct item *other;

	if (!it || !ep_is_local(a, it))
		return NULL;
	other = pm_overlap(a, it);
	if (other) {
		agent_err(a->ctx, "agent: port mappings of %s left out: its subnet overlaps network %s on this host",
			  id, other->key);
		return NULL;
	}
	return ep_str(it, CONTIV_ENDPOINT_IPV4_ADDRESS);
}

/* Forgets the mappings of endpoints no longer attached on this host. */
static void pm_prune(struct contiv_agent *a)
{
	bool changed = false;

	for (size_t i = 0; i < a->pm.n;) {
		struct item *it = item_find(a, CONTIV_OBJECT_ENDPOINT, a->pm.eps[i].id);
		struct contiv__pm_ep none = { 0 }, old;

		if (it && ep_is_local(a, it)) {
			i++;
			continue;
		}
		contiv_info(a->ctx, "agent: endpoint %s gone: its port mappings removed", a->pm.eps[i].id);
		contiv__pm_set(&a->pm, a->pm.eps[i].id, &none, &old);
		contiv__pm_ep_clear(&old);
		changed = true;
	}
	if (changed && contiv__pm_save(a->ctx, &a->pm) < 0)
		agent_err(a->ctx, "agent: %s", contiv_ctx_get_error(a->ctx));
}

static int policy_build(struct contiv_agent *a, struct contiv_policy **ret)
{
	static const uint32_t order[] = { CONTIV_OBJECT_NETWORK, CONTIV_OBJECT_NETPROFILE,
					  CONTIV_OBJECT_POLICY, CONTIV_OBJECT_GROUP,
					  CONTIV_OBJECT_RULE, CONTIV_OBJECT_ENDPOINT };
	struct contiv_policy *p = NULL;
	int r = contiv_policy_new(a->ctx, &p);

	for (size_t k = 0; r >= 0 && k < CONTIV_ARRAY_SIZE(order); k++)
		for (size_t i = 0; r >= 0 && i < a->items.n; i++) {
			struct item *it = &a->items.v[i];

			if (it->kind != order[k])
				continue;
			if (it->kind == CONTIV_OBJECT_ENDPOINT && !ep_str(it, CONTIV_ENDPOINT_IPV4_ADDRESS))
				continue;
			r = contiv_policy_add_object(p, it->obj);
			if (r == 0 && it->kind == CONTIV_OBJECT_NETWORK)
				r = contiv_policy_set_network_tag(p, it->key, it->encap, it->tag);
			if (r < 0)
				agent_warn(a->ctx, "agent: policy: %s: %s", it->key,
					   contiv_ctx_get_error(a->ctx));
		}
	if (r >= 0)
		r = contiv__pm_add_to_policy(&a->pm, p, pm_ip_of, a);
	if (r >= 0)
		r = contiv_policy_compile(p);
	if (r < 0) {
		contiv_policy_unref(p);
		return r;
	}
	*ret = p;
	return 0;
}

static int reconcile_policy(struct contiv_agent *a, bool full)
{
	struct contiv_policy *p = NULL;
	char *json = NULL;
	int r = policy_build(a, &p);

	if (r < 0) {
		agent_err(a->ctx, "agent: policy not compiled (previous one kept): %s",
			  contiv_ctx_get_error(a->ctx));
		return r;
	}
	r = contiv_policy_to_json(p, &json);
	if (r == 0 && !full && a->policy_json && !strcmp(a->policy_json, json)) {
		contiv_policy_unref(p);
		free(json);
		return 0;
	}
	if (r == 0 && full)	/* rebuild the table, not only what changed */
		contiv__dp_policy_forget(a->dp);
	if (r == 0)
		r = contiv_dp_apply_policy(a->dp, p);
	contiv_policy_unref(p);
	if (r < 0) {
		agent_err(a->ctx, "agent: applying the policy: %s", contiv_ctx_get_error(a->ctx));
		free(json);
		return r;
	}
	contiv_info(a->ctx, "agent: policy applied");
	free(a->policy_json);
	a->policy_json = json;
	return 0;
}

static struct qos_applied *qos_find(struct contiv_agent *a, const char *id, size_t *idx)
{
	for (size_t i = 0; i < a->qos.n; i++)
		if (!strcmp(a->qos.v[i].id, id)) {
			if (idx)
				*idx = i;
			return &a->qos.v[i];
		}
	return NULL;
}

static void qos_forget(struct contiv_agent *a, const char *id)
{
	size_t i;

	if (qos_find(a, id, &i)) {
		free(a->qos.v[i].id);
		VEC_DEL(a->qos, i);
	}
}

/* The rate and burst a local endpoint's group asks for (0 = none). */
static void qos_wanted(struct contiv_agent *a, const struct item *ep, uint64_t *bps, uint32_t *burst)
{
	const char *tenant = ep_str(ep, CONTIV_ENDPOINT_TENANT), *group = ep_str(ep, CONTIV_ENDPOINT_GROUP);
	const char *prof, *bw;
	struct item *g, *np;
	char key[512];

	*bps = 0;
	*burst = 0;
	if (!group || !*group)
		return;
	snprintf(key, sizeof(key), "%s:%s", tenant, group);
	g = item_find(a, CONTIV_OBJECT_GROUP, key);
	prof = g ? contiv_object_get_str(g->obj, CONTIV_GROUP_NETPROFILE) : NULL;
	if (!prof || !*prof)
		return;
	snprintf(key, sizeof(key), "%s:%s", tenant, prof);
	np = item_find(a, CONTIV_OBJECT_NETPROFILE, key);
	bw = np ? contiv_object_get_str(np->obj, CONTIV_NETPROFILE_BANDWIDTH) : NULL;
	if (!bw || !*bw || contiv_bandwidth_parse(a->ctx, bw, bps) < 0) {
		*bps = 0;
		return;
	}
	*burst = contiv_object_get_u32(np->obj, CONTIV_NETPROFILE_BURST) * 1024u;
}

static int qos_apply(struct contiv_agent *a, const struct item *ep, bool full)
{
	struct qos_applied *qa = qos_find(a, ep->key, NULL);
	uint64_t bps;
	uint32_t burst;
	int r;

	qos_wanted(a, ep, &bps, &burst);
	if (!full && ((qa && qa->bps == bps && qa->burst == burst) || (!qa && !bps)))
		return 0;
	r = contiv_dp_endpoint_set_qos(a->dp, ep->key, bps, burst);
	if (r == -ENOENT)
		return 0;	/* not (yet) plugged on this host */
	if (r < 0) {
		agent_err(a->ctx, "agent: shaping of %s: %s", ep->key, contiv_ctx_get_error(a->ctx));
		return r;
	}
	if (bps || qa)
		contiv_info(a->ctx, "agent: endpoint %s shaped to %" PRIu64 " bit/s, burst %u bytes",
			    ep->key, bps, burst);
	if (!bps) {
		/* only shaped endpoints are remembered, so the list stays short */
		qos_forget(a, ep->key);
		return 0;
	}
	if (!qa) {
		char *id = strdup(ep->key);

		if (!id || VEC_GROW(a->qos) < 0) {
			free(id);
			return -ENOMEM;
		}
		qa = &a->qos.v[a->qos.n++];
		qa->id = id;
	}
	qa->bps = bps;
	qa->burst = burst;
	return 0;
}

static int reconcile_qos(struct contiv_agent *a, bool full)
{
	int err = 0;

	for (size_t i = 0; i < a->items.n; i++) {
		struct item *it = &a->items.v[i];
		int r;

		if (!ep_is_local(a, it))
			continue;
		r = qos_apply(a, it, full);
		err = err ?: r;
	}
	/* forget shaping of endpoints that are gone */
	for (size_t i = 0; i < a->qos.n;) {
		if (!item_find(a, CONTIV_OBJECT_ENDPOINT, a->qos.v[i].id)) {
			free(a->qos.v[i].id);
			VEC_DEL(a->qos, i);
		} else {
			i++;
		}
	}
	return err;
}

/* ---- reading the kernel back (first snapshot) ---- */

static int state_cb(const char *what, const char *key, const char *detail, void *userdata)
{
	struct contiv_agent *a = userdata;

	(void)detail;
	if (!strcmp(what, "endpoint")) {
		char *id = strdup(key);

		if (!id || VEC_GROW(a->kernel_eps) < 0) {
			free(id);
			return -ENOMEM;
		}
		a->kernel_eps.v[a->kernel_eps.n++] = id;
	} else if (!strcmp(what, "network")) {
		/* "vxlan:TAG" or "vlan:TAG" (dp/state.c) */
		uint32_t encap = !strncmp(key, "vxlan:", 6) ? CONTIV_DP_VXLAN :
				 !strncmp(key, "vlan:", 5) ? CONTIV_DP_VLAN : 0, tag;

		if (encap && sscanf(strchr(key, ':') + 1, "%u", &tag) == 1 && !net_applied_find(a, encap, tag)) {
			if (VEC_GROW(a->nets) < 0)
				return -ENOMEM;
			a->nets.v[a->nets.n++] = (struct net_applied){ .encap = encap, .tag = tag };
		}
	} else if (!strcmp(what, "remote")) {
		struct remote_applied ra = { 0 };
		const char *colon = strchr(key, ':');

		if (colon && sscanf(key, "%u:", &ra.tag) == 1 && !remote_find(a, ra.tag, colon + 1)) {
			snprintf(ra.mac, sizeof(ra.mac), "%s", colon + 1);
			if (VEC_GROW(a->remotes) < 0)
				return -ENOMEM;
			a->remotes.v[a->remotes.n++] = ra;
		}
	}
	return 0;
}

static void kernel_eps_clear(struct contiv_agent *a)
{
	for (size_t i = 0; i < a->kernel_eps.n; i++)
		free(a->kernel_eps.v[i]);
	a->kernel_eps.n = 0;
}

static int read_kernel(struct contiv_agent *a)
{
	int r;

	kernel_eps_clear(a);
	r = contiv_dp_read_state(a->dp, state_cb, a);
	if (r < 0) {
		agent_err(a->ctx, "agent: reading the kernel: %s", contiv_ctx_get_error(a->ctx));
		return r;
	}
	/* local endpoints netmaster no longer has (deleted while we were down) */
	for (size_t i = 0; i < a->kernel_eps.n; i++) {
		const char *id = a->kernel_eps.v[i];
		struct item *it = item_find(a, CONTIV_OBJECT_ENDPOINT, id);

		if (it && ep_is_local(a, it))
			continue;
		contiv_info(a->ctx, "agent: endpoint %s no longer in netmaster: removed", id);
		r = contiv_dp_endpoint_del(a->dp, id);
		if (r < 0)
			agent_warn(a->ctx, "agent: removing endpoint %s: %s", id,
				   contiv_ctx_get_error(a->ctx));
	}
	a->kernel_read = true;
	return 0;
}

static int reconcile(struct contiv_agent *a, bool full)
{
	int err = 0, r;

	if (full && !a->kernel_read) {
		r = read_kernel(a);
		err = err ?: r;
	}
	r = reconcile_networks(a, full);
	err = err ?: r;
	r = reconcile_remotes(a, full);
	err = err ?: r;
	pm_prune(a);
	r = reconcile_policy(a, full);
	err = err ?: r;
	r = reconcile_qos(a, full);
	err = err ?: r;
	a->lingering = reconcile_network_removals(a) > 0;
	return err;
}

/* ---- the built-in DNS's names (dns-names.c, dns-answer.c) ---- */

/* Publishes a new snapshot of every tenant's names and bridges. */
static void dns_rebuild(struct contiv_agent *a)
{
	struct contiv__dns_names *t = NULL;
	int r;

	if (!a->dns || contiv__dns_names_new(&t) < 0)
		return;
	r = 0;
	for (size_t i = 0; r == 0 && i < a->items.n; i++) {
		struct item *it = &a->items.v[i];
		const char *tenant, *ips[2];
		char br[16];

		if (it->kind == CONTIV_OBJECT_NETWORK && contiv__dp_bridge_name(it->encap, it->tag, br) == 0)
			r = contiv__dns_names_add_bridge(t, br, contiv_object_get_str(it->obj, CONTIV_NETWORK_TENANT) ?: "");
		if (it->kind != CONTIV_OBJECT_ENDPOINT)
			continue;
		tenant = ep_str(it, CONTIV_ENDPOINT_TENANT) ?: "";
		ips[0] = ep_str(it, CONTIV_ENDPOINT_IPV4_ADDRESS);
		ips[1] = ep_str(it, CONTIV_ENDPOINT_IPV6_ADDRESS);
		for (size_t k = 0; r == 0 && k < 2; k++) {
			const char *cname = ep_str(it, CONTIV_ENDPOINT_CONTAINER_NAME);
			const char *group = ep_str(it, CONTIV_ENDPOINT_GROUP);

			if (!ips[k] || !*ips[k])
				continue;
			if (cname && *cname)
				r = contiv__dns_names_add(t, tenant, cname, ips[k]);
			if (r == 0 && group && *group)
				r = contiv__dns_names_add(t, tenant, group, ips[k]);
		}
	}
	if (r < 0) {
		agent_err(a->ctx, "agent: DNS names not updated (out of memory)");
		contiv__dns_names_unref(t);
		return;
	}
	contiv__dns_names_seal(t);
	contiv__dns_state_publish(a->dns, t);
}

struct contiv__dns_state *contiv__agent_dns(const struct contiv_agent *a)
{
	return a->dns;
}

/* ---- public: lifetime ---- */

CONTIV_EXPORT int contiv_agent_new(struct contiv_ctx *ctx, struct contiv_client *client,
				   struct contiv_dp *dp, const struct contiv_agent_opts *opts,
				   struct contiv_agent **ret)
{
	const char *host, *vtep;
	struct contiv_agent *a;
	char q[CONTIV_QUOTE_MAX];
	uint32_t addr;

	contiv_return_val_if_fail(ctx && client && dp && opts && ret, -EINVAL);
	contiv_return_if_forked(ctx);
	if (!CONTIV_OPTS_VALID(opts, contiv_agent_opts))
		return contiv__error(ctx, -EINVAL, "agent: options of an unknown size or version");
	host = CONTIV_OPTS_GET(opts, host, NULL);
	vtep = CONTIV_OPTS_GET(opts, vtep_ip, NULL);
	if (CONTIV_OPTS_GET(opts, flags, 0) & ~CONTIV_AGENT_DNS)
		return contiv__error(ctx, -EINVAL, "agent: flags 0x%x: unknown flags", CONTIV_OPTS_GET(opts, flags, 0));
	if (!host || !*host)
		return contiv__error(ctx, -EINVAL, "agent: a host name is required");
	if (!vtep || contiv__parse_ipv4(vtep, &addr) < 0)
		return contiv__error(ctx, -EINVAL, "agent: vtep-ip \"%s\": not an IPv4 address",
				     contiv__quote(q, vtep ? vtep : ""));
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->refcount = 1;
	a->host = strdup(host);
	a->vtep_ip = strdup(vtep);
	a->linger_sec = CONTIV_OPTS_GET(opts, linger_sec, 0);
	if (CONTIV_OPTS_GET(opts, flags, 0) & CONTIV_AGENT_DNS)
		a->dns = contiv__dns_state_new();
	if (!a->host || !a->vtep_ip || ((CONTIV_OPTS_GET(opts, flags, 0) & CONTIV_AGENT_DNS) && !a->dns)) {
		contiv__dns_state_free(a->dns);
		free(a->host);
		free(a->vtep_ip);
		free(a);
		return -ENOMEM;
	}
	a->ctx = contiv_ctx_ref(ctx);
	a->client = contiv_client_ref(client);
	a->dp = contiv_dp_ref(dp);
	if (CONTIV_OPTS_GET(opts, portmap_file, NULL)) {
		a->pm.file = strdup(opts->portmap_file);
		if (!a->pm.file || contiv__pm_load(ctx, &a->pm) == -ENOMEM) {
			contiv_agent_unref(a);
			return -ENOMEM;
		}
	}
	*ret = a;
	return 0;
}

CONTIV_EXPORT struct contiv_agent *contiv_agent_ref(struct contiv_agent *agent)
{
	if (agent)
		agent->refcount++;
	return agent;
}

static void attachment_clear(struct attachment *t)
{
	free(t->id);
	free(t->tenant);
	free(t->network);
	free(t->group);
	free(t->netns);
	free(t->ifname);
	free(t->answer);
}

CONTIV_EXPORT struct contiv_agent *contiv_agent_unref(struct contiv_agent *agent)
{
	if (!agent || --agent->refcount > 0)
		return NULL;
	items_clear(agent);
	free(agent->items.v);
	free(agent->nets.v);
	free(agent->remotes.v);
	for (size_t i = 0; i < agent->qos.n; i++)
		free(agent->qos.v[i].id);
	free(agent->qos.v);
	for (size_t i = 0; i < agent->atts.n; i++)
		attachment_clear(&agent->atts.v[i]);
	free(agent->atts.v);
	kernel_eps_clear(agent);
	free(agent->kernel_eps.v);
	free(agent->policy_json);
	contiv__pm_table_clear(&agent->pm);
	contiv__dns_state_free(agent->dns);
	free(agent->host);
	free(agent->vtep_ip);
	contiv_dp_unref(agent->dp);
	contiv_client_unref(agent->client);
	contiv_ctx_unref(agent->ctx);
	free(agent);
	return NULL;
}

/* ---- public: sync ---- */

CONTIV_EXPORT int contiv_agent_sync(struct contiv_agent *agent, int timeout_ms)
{
	struct json_object *root = NULL, *list = NULL, *jv;
	char path[128], *body = NULL;
	bool snapshot;
	long status = 0;
	int64_t rev;
	int r, n = 0;

	contiv_return_val_if_fail(agent && timeout_ms >= 0, -EINVAL);
	contiv_return_if_forked(agent->ctx);
	if (timeout_ms > 60000)
		timeout_ms = 60000;
	contiv__dp_docker_compat(agent->dp, false);	/* Docker may start at any time */
	snprintf(path, sizeof(path), "/api/v1/watch/?since=%" PRId64 "&timeout=%d",
		 agent->synced ? agent->revision : (int64_t)0, agent->synced ? timeout_ms : 0);
	r = contiv_client_request(agent->client, "GET", path, NULL, &status, &body);
	if (r < 0)
		return r == -ENOMEM ? r : -CONTIV_ERR_UNAVAILABLE;
	if (status != 200) {
		r = contiv__error(agent->ctx, -CONTIV_ERR_UNAVAILABLE, "agent: netmaster's change stream answered %ld: %.200s",
				  status, body ? body : "");
		free(body);
		return r;
	}
	root = json_tokener_parse(body);
	free(body);
	if (!root || !json_object_object_get_ex(root, "revision", &jv)) {
		json_object_put(root);
		return contiv__error(agent->ctx, -CONTIV_ERR_JSON, "agent: netmaster's change stream: not a watch answer");
	}
	rev = json_object_get_int64(jv);
	snapshot = json_object_object_get_ex(root, "snapshot", &jv) && json_object_get_boolean(jv);
	if (snapshot) {
		items_clear(agent);
		json_object_object_get_ex(root, "items", &list);
	} else {
		json_object_object_get_ex(root, "events", &list);
	}
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *ev = json_object_array_get_idx(list, i);
		const char *type = json_str(ev, "type");

		if (type && !strcmp(type, "delete")) {
			uint32_t kind = contiv_object_kind_from_name(json_str(ev, "collection"));
			const char *key = json_str(ev, "key");

			if (kind && key)
				item_del(agent, kind, key);
			r = 0;
		} else {
			r = item_put(agent, ev);
		}
		if (r < 0) {
			json_object_put(root);
			return r;
		}
		n++;
	}
	json_object_put(root);
	agent->revision = rev;
	agent->synced = true;
	if (snapshot || n > 0)
		dns_rebuild(agent);
	if (snapshot || n > 0 || agent->dirty) {
		contiv_dbg(agent->ctx, "agent: %s at revision %" PRId64 ", %d items",
			   snapshot ? "snapshot" : "changes", rev, n);
		r = reconcile(agent, snapshot || agent->dirty);
		agent->dirty = r < 0;
		if (r < 0)
			return r;
		contiv__dp_docker_compat(agent->dp, true);
	} else if (agent->lingering) {
		agent->lingering = reconcile_network_removals(agent) > 0;
	}
	return n;
}

/* ---- public: the agent API ---- */

static int answer_error(char **ret_body, int status, const char *fmt, ...) contiv__printf(3, 4);
static int answer_error(char **ret_body, int status, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "error", json_object_new_string(msg));
	json_object_object_add(o, "status", json_object_new_int(status));
	*ret_body = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return *ret_body ? status : -ENOMEM;
}

static int answer_json(char **ret_body, struct json_object *o)
{
	*ret_body = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return *ret_body ? 200 : -ENOMEM;
}

/* Netmaster's error message out of an error body. */
static void master_message(const char *body, char *buf, size_t len)
{
	struct json_object *o = body ? json_tokener_parse(body) : NULL;
	const char *m = json_str(o, "error");

	snprintf(buf, len, "%s", m ? m : (body ? body : "no answer"));
	json_object_put(o);
}

static bool id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 200)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      strchr("._:-", *c)))
			return false;
	return true;
}

static struct attachment *attachment_find(struct contiv_agent *a, const char *id, size_t *idx)
{
	for (size_t i = 0; i < a->atts.n; i++)
		if (!strcmp(a->atts.v[i].id, id)) {
			if (idx)
				*idx = i;
			return &a->atts.v[i];
		}
	return NULL;
}

static int master_delete_endpoint(struct contiv_agent *a, const char *id)
{
	char path[300];
	long status = 0;
	int r;

	snprintf(path, sizeof(path), "/api/v1/endpoints/%s/", id);
	r = contiv_client_request(a->client, "DELETE", path, NULL, &status, NULL);
	if (r < 0)
		return r;
	return status == 200 || status == 404 ? 0 : -EIO;
}

struct attach_req {
	const char *tenant, *network, *group, *id, *container_id, *container_name, *netns, *ifname,
		*ip;
	bool configure;	/* false: the runtime moves and configures the container side (Docker) */
};

/* "configure": false: JSON false only; absent = true. */
static bool json_configure(struct json_object *req)
{
	struct json_object *v;

	return !json_object_object_get_ex(req, "configure", &v) ||
	       !json_object_is_type(v, json_type_boolean) || json_object_get_boolean(v);
}

/* 409 if one of @list's host ports is mapped by another endpoint here. */
static int pm_check_clash(struct contiv_agent *a, const char *what, const char *id,
			  const struct contiv__pm_ep *list, char **ret_body)
{
	const struct contiv__pm *c;
	const char *owner = contiv__pm_clash(&a->pm, id, list, &c);

	if (!owner)
		return 0;
	return answer_error(ret_body, 409, "%s: %s host port %u is already mapped on this host (to endpoint \"%s\")",
			    what, contiv__pm_proto_name(c->proto), c->host_port, owner);
}

/*
 * Replaces the port mappings of local endpoint @ep by @list (moved out of it)
 * and applies the policy program with them: returns 200 once the kernel has
 * them, or an error status with nothing changed.
 */
static int pm_apply(struct contiv_agent *a, const char *what, const struct item *ep,
		    struct contiv__pm_ep *list, char **ret_body)
{
	const struct item *other = list->n ? pm_overlap(a, ep) : NULL;
	struct contiv__pm_ep old, undo;
	int r;

	r = pm_check_clash(a, what, ep->key, list, ret_body);
	if (r)
		return r;
	if (list->n && !ep_str(ep, CONTIV_ENDPOINT_IPV4_ADDRESS))
		return answer_error(ret_body, 409, "%s: endpoint \"%s\" has no IPv4 address (port mappings are IPv4)",
				    what, ep->key);
	if (other)
		return answer_error(ret_body, 409, "%s: endpoint \"%s\": its network's subnet overlaps network \"%s\" on this host, so a mapped port could reach either; port mappings need a subnet of its own on the host",
				    what, ep->key, other->key);
	r = contiv__pm_set(&a->pm, ep->key, list, &old);
	if (r < 0)
		return r;
	r = reconcile_policy(a, false);
	if (r == 0)
		r = contiv__pm_save(a->ctx, &a->pm);
	if (r == 0) {
		contiv__pm_ep_clear(&old);
		return 200;
	}
	r = answer_error(ret_body, 503, "%s: port mappings of \"%s\": %s", what, ep->key,
			 contiv_ctx_get_error(a->ctx));
	if (contiv__pm_set(&a->pm, ep->key, &old, &undo) < 0)
		return -ENOMEM;
	contiv__pm_ep_clear(&undo);
	reconcile_policy(a, false);
	return r;
}

enum { PM_VALIDATE, PM_CLASH, PM_SAME };

/*
 * Checks a request's "portMappings" (@jpm, NULL if absent): PM_VALIDATE its
 * syntax (400), PM_CLASH also its host ports against other endpoints' (409),
 * PM_SAME, for a repeated attach, that it is the endpoint's current list when
 * one is given (409). Returns 0 if fine, else the status with *ret_body set.
 */
static int pm_request(struct contiv_agent *a, const char *what, const char *id,
		      struct json_object *jpm, int mode, char **ret_body)
{
	struct contiv__pm_ep list;
	char msg[600];
	int r = contiv__pm_parse(jpm, &list, msg, sizeof(msg));

	if (r < 0)
		return r == -ENOMEM ? r : answer_error(ret_body, 400, "%s: %s", what, msg);
	if (mode == PM_CLASH)
		r = pm_check_clash(a, what, id, &list, ret_body);
	else if (mode == PM_SAME && list.n && !contiv__pm_same(&list, contiv__pm_find(&a->pm, id)))
		r = answer_error(ret_body, 409, "endpoint \"%s\" is already attached with other port mappings (change them with /portmap)",
				 id);
	contiv__pm_ep_clear(&list);
	return r;
}

/* Applies an attach request's "portMappings" to local endpoint @ep (pm_apply). */
static int pm_request_apply(struct contiv_agent *a, const struct item *ep, struct json_object *jpm,
			    char **ret_body)
{
	struct contiv__pm_ep list;
	char msg[600];
	int r = contiv__pm_parse(jpm, &list, msg, sizeof(msg));

	if (r < 0)
		return r == -ENOMEM ? r : answer_error(ret_body, 400, "attach: %s", msg);
	r = list.n ? pm_apply(a, "attach", ep, &list, ret_body) : 200;
	contiv__pm_ep_clear(&list);
	return r;
}

static struct json_object *attach_answer(struct contiv_agent *a, struct contiv_object *ep,
					 const struct item *net, const char *host_if)
{
	struct json_object *o = json_object_new_object(), *jep;
	const char *ip4 = contiv_object_get_str(ep, CONTIV_ENDPOINT_IPV4_ADDRESS);
	const char *ip6 = contiv_object_get_str(ep, CONTIV_ENDPOINT_IPV6_ADDRESS);
	const char *gw = contiv_object_get_str(net->obj, CONTIV_NETWORK_GATEWAY);
	const char *gw6 = contiv_object_get_str(net->obj, CONTIV_NETWORK_IPV6_GATEWAY);
	const char *sub6 = contiv_object_get_str(net->obj, CONTIV_NETWORK_IPV6_SUBNET);
	char *json = NULL, buf[80];

	if (!o)
		return NULL;
	if (contiv_object_to_json(ep, 0, &json) == 0) {
		jep = json_tokener_parse(json);
		if (jep)
			json_object_object_add(o, "endpoint", jep);
		free(json);
	}
	if (ip4) {
		snprintf(buf, sizeof(buf), "%s/%u", ip4, network_prefix_len(net));
		json_object_object_add(o, "ipv4", json_object_new_string(buf));
	}
	if (gw && *gw)
		json_object_object_add(o, "gateway", json_object_new_string(gw));
	if (ip6 && sub6 && strchr(sub6, '/')) {
		snprintf(buf, sizeof(buf), "%s%s", ip6, strchr(sub6, '/'));
		json_object_object_add(o, "ipv6", json_object_new_string(buf));
	}
	if (gw6 && *gw6)
		json_object_object_add(o, "gateway6", json_object_new_string(gw6));
	json_object_object_add(o, "mac", json_object_new_string(
		contiv_object_get_str(ep, CONTIV_ENDPOINT_MAC_ADDRESS) ?: ""));
	json_object_object_add(o, "mtu", json_object_new_int(0));
	json_object_object_add(o, "hostIfname", json_object_new_string(host_if));
	if (a->dns && gw && *gw) {
		struct json_object *dns = json_object_new_object(), *ns = json_object_new_array();

		json_object_array_add(ns, json_object_new_string(gw));
		json_object_object_add(dns, "nameservers", ns);
		json_object_object_add(o, "dns", dns);
	}
	return o;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int attachment_add(struct contiv_agent *a, const struct attach_req *rq, const char *answer)
{
	struct attachment t = {
		.id = strdup(rq->id),
		.tenant = strdup(rq->tenant),
		.network = strdup(rq->network),
		.group = dup_or_null(rq->group),
		.netns = strdup(rq->netns),
		.ifname = strdup(rq->ifname),
		.answer = strdup(answer),
	};

	if (!t.id || !t.tenant || !t.network || (rq->group && !t.group) || !t.netns || !t.ifname ||
	    !t.answer || VEC_GROW(a->atts) < 0) {
		attachment_clear(&t);
		return -ENOMEM;
	}
	a->atts.v[a->atts.n++] = t;
	return 0;
}

static int do_attach(struct contiv_agent *a, struct json_object *req, char **ret_body)
{
	struct attach_req rq = {
		.tenant = json_str(req, "tenant") ?: json_str(req, "tenantName"),
		.network = json_str(req, "network") ?: json_str(req, "networkName"),
		.group = json_str(req, "group") ?: json_str(req, "groupName"),
		.id = json_str(req, "id") ?: json_str(req, "endpointID"),
		.container_id = json_str(req, "containerID"),
		.container_name = json_str(req, "containerName"),
		.netns = json_str(req, "netns"),
		.ifname = json_str(req, "ifname"),
		.ip = json_str(req, "ipAddress"),
		.configure = json_configure(req),
	};
	struct json_object *jpm = NULL;
	CONTIV_OPTS(contiv_dp_endpoint_opts, eo);
	struct contiv_object *ep = NULL, *got = NULL;
	struct attachment *t;
	struct item *cached, *net;
	char q[CONTIV_QUOTE_MAX], path[300], msg[700], host_if[16] = "", *body = NULL, *out = NULL;
	bool existed;
	long status = 0;
	int r, ret;
	struct stat st;

	if (!rq.tenant || !*rq.tenant)
		rq.tenant = "default";
	if (rq.group && !*rq.group)
		rq.group = NULL;
	if (!rq.ifname || !*rq.ifname)
		rq.ifname = "eth0";
	if (!id_ok(rq.id))
		return answer_error(ret_body, 400, "attach: \"id\" \"%s\": required, letters, digits and ._:- only",
				    contiv__quote(q, rq.id ? rq.id : ""));
	if (!rq.network || !*rq.network)
		return answer_error(ret_body, 400, "attach: \"network\" is required");
	if (!rq.netns || !*rq.netns)
		return answer_error(ret_body, 400, "attach: \"netns\" is required");
	if (strlen(rq.ifname) > 15 || strchr(rq.ifname, '/') || strchr(rq.ifname, ' '))
		return answer_error(ret_body, 400, "attach: \"ifname\" \"%s\": not a valid interface name",
				    contiv__quote(q, rq.ifname));
	json_object_object_get_ex(req, "portMappings", &jpm);
	r = pm_request(a, "attach", rq.id, jpm, PM_VALIDATE, ret_body);
	if (r)
		return r;

	t = attachment_find(a, rq.id, NULL);
	if (t) {
		if (streq(t->tenant, rq.tenant) && streq(t->network, rq.network) &&
		    streq(t->group, rq.group) && streq(t->netns, rq.netns) && streq(t->ifname, rq.ifname)) {
			r = pm_request(a, "attach", rq.id, jpm, PM_SAME, ret_body);
			if (r)
				return r;
			*ret_body = strdup(t->answer);
			return *ret_body ? 200 : -ENOMEM;
		}
		return answer_error(ret_body, 409, "endpoint \"%s\" is already attached with other parameters (network \"%s:%s\", netns \"%s\")",
				    rq.id, t->tenant, t->network, t->netns);
	}
	if (stat(rq.netns, &st) < 0)
		return answer_error(ret_body, 400, "attach: netns \"%s\" does not exist",
				    contiv__quote(q, rq.netns));

	/* catch up, so that we know whether the endpoint exists already */
	contiv_agent_sync(a, 0);
	cached = item_find(a, CONTIV_OBJECT_ENDPOINT, rq.id);
	if (cached && !ep_is_local(a, cached))
		return answer_error(ret_body, 409, "endpoint \"%s\" is attached on host \"%s\"", rq.id,
				    ep_str(cached, CONTIV_ENDPOINT_HOST) ?: "");
	existed = cached != NULL;
	/*
	 * An unconfigured container side (Docker) is moved away by the runtime:
	 * plugging an endpoint that exists again would replace its veth pair
	 * and cut the running container off. Only a repeat of an attach made
	 * by this agent (answered above) is safe.
	 */
	if (existed && !rq.configure)
		return answer_error(ret_body, 409, "endpoint \"%s\" is already attached (its container side belongs to the runtime)",
				    rq.id);
	r = pm_request(a, "attach", rq.id, jpm, PM_CLASH, ret_body);
	if (r)
		return r;

	/* allocate in netmaster */
	r = contiv_object_new(a->ctx, CONTIV_OBJECT_ENDPOINT, &ep);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_ID, rq.id);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_TENANT, rq.tenant);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_NETWORK, rq.network);
	if (r == 0 && rq.group)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_GROUP, rq.group);
	if (r == 0 && rq.container_id && *rq.container_id)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_CONTAINER_ID, rq.container_id);
	if (r == 0 && rq.container_name && *rq.container_name)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_CONTAINER_NAME, rq.container_name);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_HOST, a->host);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_VTEP_IP, a->vtep_ip);
	if (r == 0)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_INTF_NAME, rq.ifname);
	if (r == 0 && rq.ip && *rq.ip)
		r = contiv_object_set_str(ep, CONTIV_ENDPOINT_IPV4_ADDRESS, rq.ip);
	if (r < 0) {
		ret = r == -ENOMEM ? r : answer_error(ret_body, 400, "attach: %s", contiv_ctx_get_error(a->ctx));
		contiv_object_unref(ep);
		return ret;
	}
	r = contiv_object_to_json(ep, 0, &body);
	contiv_object_unref(ep);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/api/v1/endpoints/%s/", rq.id);
	r = contiv_client_request(a->client, "POST", path, body, &status, &out);
	free(body);
	if (r < 0)
		return r == -ENOMEM ? r : answer_error(ret_body, 503, "attach: netmaster: %s",
						       contiv_ctx_get_error(a->ctx));
	if (status != 200) {
		master_message(out, msg, sizeof(msg));
		free(out);
		if ((status == 400 && strstr(msg, "does not exist")) || status == 404)
			status = 404;
		else if (status != 409 && status != 400)
			status = 503;
		return answer_error(ret_body, (int)status, "attach: netmaster: %s", msg);
	}
	r = contiv_object_from_json(a->ctx, CONTIV_OBJECT_ENDPOINT, out, &got);
	free(out);
	if (r < 0) {
		ret = answer_error(ret_body, 503, "attach: netmaster's endpoint: %s",
				   contiv_ctx_get_error(a->ctx));
		goto rollback;
	}

	/* the network on this host, the policy with the new endpoint */
	contiv_agent_sync(a, 0);
	net = network_of(a, rq.tenant, rq.network);
	if (!net || !net->tag || !net_applied_find(a, net->encap, net->tag)) {
		ret = answer_error(ret_body, 503, "attach: network \"%s:%s\" could not be set up on this host: %s",
				   rq.tenant, rq.network, contiv_ctx_get_error(a->ctx));
		goto rollback;
	}
	if (!a->policy_json) {
		ret = answer_error(ret_body, 503, "attach: the policy could not be applied: %s",
				   contiv_ctx_get_error(a->ctx));
		goto rollback;
	}
	eo.encap = net->encap;
	eo.tag = net->tag;
	eo.id = rq.id;
	eo.netns_path = rq.netns;
	eo.ifname = rq.ifname;
	eo.mac = contiv_object_get_str(got, CONTIV_ENDPOINT_MAC_ADDRESS);
	{
		char v4[64], gw4[64];
		const char *ip4 = contiv_object_get_str(got, CONTIV_ENDPOINT_IPV4_ADDRESS);
		const char *gw = contiv_object_get_str(net->obj, CONTIV_NETWORK_GATEWAY);

		if (ip4 && rq.configure) {
			snprintf(v4, sizeof(v4), "%s/%u", ip4, network_prefix_len(net));
			eo.ipv4_cidr = v4;
		}
		if (gw && *gw && rq.configure) {
			snprintf(gw4, sizeof(gw4), "%s", gw);
			eo.gateway4 = gw4;
		}
		r = contiv_dp_endpoint_add(a->dp, &eo, host_if, sizeof(host_if));
	}
	if (r < 0) {
		const char *m = contiv_ctx_get_error(a->ctx);

		if (r == -EEXIST)
			ret = answer_error(ret_body, 409, "attach: interface \"%s\" already exists in netns \"%s\": %s",
					   rq.ifname, rq.netns, m);
		else if (r == -ENOENT)
			ret = answer_error(ret_body, 400, "attach: netns \"%s\": %s", rq.netns, m);
		else
			ret = answer_error(ret_body, r == -EINVAL ? 400 : 503, "attach: %s", m);
		goto rollback;
	}
	cached = item_find(a, CONTIV_OBJECT_ENDPOINT, rq.id);
	if (cached) {
		/* a new endpoint's veth is new: no shaping to check or clear (a
		 * qdisc dump per attach costs O(local endpoints)) */
		r = qos_apply(a, cached, existed);
		if (r < 0) {
			ret = answer_error(ret_body, 503, "attach: shaping: %s", contiv_ctx_get_error(a->ctx));
			contiv_dp_endpoint_del(a->dp, rq.id);
			qos_forget(a, rq.id);
			goto rollback;
		}
	}
	if (jpm) {
		ret = cached ? pm_request_apply(a, cached, jpm, ret_body) :
			answer_error(ret_body, 503, "attach: endpoint \"%s\" not seen in netmaster's changes", rq.id);
		if (ret != 200) {
			contiv_dp_endpoint_del(a->dp, rq.id);
			qos_forget(a, rq.id);
			goto rollback;
		}
	}
	{
		struct json_object *o = attach_answer(a, got, net, host_if);
		const struct contiv__pm_ep *pm = contiv__pm_find(&a->pm, rq.id);

		if (o && pm)
			json_object_object_add(o, "portMappings", contiv__pm_to_json(pm));
		if (!o) {
			ret = -ENOMEM;
			contiv_dp_endpoint_del(a->dp, rq.id);
			goto rollback;
		}
		ret = answer_json(ret_body, o);
	}
	if (ret == 200 && attachment_add(a, &rq, *ret_body) < 0) {
		free(*ret_body);
		*ret_body = NULL;
		ret = -ENOMEM;
		contiv_dp_endpoint_del(a->dp, rq.id);
		goto rollback;
	}
	contiv_info(a->ctx, "agent: endpoint %s attached (%s, %s)", rq.id,
		    contiv_object_get_str(got, CONTIV_ENDPOINT_IPV4_ADDRESS) ?: "-", host_if);
	contiv_object_unref(got);
	return ret;

rollback:
	contiv_object_unref(got);
	if (!existed) {
		if (master_delete_endpoint(a, rq.id) < 0)
			agent_err(a->ctx, "agent: attach of %s failed and its endpoint could not be released in netmaster",
				  rq.id);
		contiv_agent_sync(a, 0);
	}
	return ret;
}

static int do_detach(struct contiv_agent *a, struct json_object *req, char **ret_body)
{
	const char *id = json_str(req, "id") ?: json_str(req, "endpointID");
	char q[CONTIV_QUOTE_MAX];
	struct item *cached;
	size_t idx;
	int r;

	if (!id_ok(id))
		return answer_error(ret_body, 400, "detach: \"id\" \"%s\": required, letters, digits and ._:- only",
				    contiv__quote(q, id ? id : ""));
	contiv_agent_sync(a, 0);
	cached = item_find(a, CONTIV_OBJECT_ENDPOINT, id);
	if (cached && !ep_is_local(a, cached))
		return answer_error(ret_body, 409, "endpoint \"%s\" is attached on host \"%s\"", id,
				    ep_str(cached, CONTIV_ENDPOINT_HOST) ?: "");
	r = contiv_dp_endpoint_del(a->dp, id);
	if (r < 0)
		return answer_error(ret_body, 503, "detach: %s", contiv_ctx_get_error(a->ctx));
	qos_forget(a, id);
	if (contiv__pm_find(&a->pm, id)) {
		struct contiv__pm_ep none = { 0 }, old;

		contiv__pm_set(&a->pm, id, &none, &old);
		contiv__pm_ep_clear(&old);
		if (contiv__pm_save(a->ctx, &a->pm) < 0)
			agent_err(a->ctx, "agent: %s", contiv_ctx_get_error(a->ctx));
	}
	if (attachment_find(a, id, &idx)) {
		attachment_clear(&a->atts.v[idx]);
		VEC_DEL(a->atts, idx);
	}
	r = master_delete_endpoint(a, id);
	if (r < 0)
		return answer_error(ret_body, 503, "detach: releasing in netmaster: %s",
				    r == -EIO ? "refused" : contiv_ctx_get_error(a->ctx));
	contiv_agent_sync(a, 0);
	contiv_info(a->ctx, "agent: endpoint %s detached", id);
	*ret_body = strdup("{}");
	return *ret_body ? 200 : -ENOMEM;
}

static int do_portmap(struct contiv_agent *a, struct json_object *req, char **ret_body)
{
	const char *id = json_str(req, "id") ?: json_str(req, "endpointID");
	struct json_object *jpm = NULL, *o;
	struct contiv__pm_ep list;
	char q[CONTIV_QUOTE_MAX], msg[700];
	struct item *it;
	int r;

	if (!id_ok(id))
		return answer_error(ret_body, 400, "portmap: \"id\" \"%s\": required, letters, digits and ._:- only",
				    contiv__quote(q, id ? id : ""));
	if (!json_object_object_get_ex(req, "portMappings", &jpm) ||
	    !json_object_is_type(jpm, json_type_array))
		return answer_error(ret_body, 400, "portmap: \"portMappings\" %s: a list is required",
				    jpm ? contiv__quote(q, json_object_to_json_string(jpm)) : "missing");
	r = contiv__pm_parse(jpm, &list, msg, sizeof(msg));
	if (r < 0)
		return r == -ENOMEM ? r : answer_error(ret_body, 400, "portmap: %s", msg);
	contiv_agent_sync(a, 0);
	it = item_find(a, CONTIV_OBJECT_ENDPOINT, id);
	if (!it || !ep_is_local(a, it)) {
		contiv__pm_ep_clear(&list);
		return answer_error(ret_body, 404, "portmap: endpoint \"%s\" is not attached on this host%s%s",
				    id, it ? ", but on " : "", it ? ep_str(it, CONTIV_ENDPOINT_HOST) ?: "?" : "");
	}

	r = pm_apply(a, "portmap", it, &list, ret_body);
	contiv__pm_ep_clear(&list);
	if (r != 200)
		return r;
	contiv_info(a->ctx, "agent: endpoint %s: %zu port mapping(s)", id,
		    contiv__pm_find(&a->pm, id) ? contiv__pm_find(&a->pm, id)->n : 0);
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "portMappings", contiv__pm_to_json(contiv__pm_find(&a->pm, id)));
	return answer_json(ret_body, o);
}

static int state_json_cb(const char *what, const char *key, const char *detail, void *userdata)
{
	struct json_object *arr = userdata, *o = json_object_new_object(), *d;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "what", json_object_new_string(what));
	json_object_object_add(o, "key", json_object_new_string(key));
	d = detail ? json_tokener_parse(detail) : NULL;
	if (d)
		json_object_object_add(o, "detail", d);
	json_object_array_add(arr, o);
	return 0;
}

static int do_state(struct contiv_agent *a, char **ret_body)
{
	struct json_object *o = json_object_new_object(), *want = json_object_new_object();
	struct json_object *nets = json_object_new_array(), *eps = json_object_new_array();
	struct json_object *rem = json_object_new_array(), *kern = json_object_new_array();

	if (!o || !want || !nets || !eps || !rem || !kern) {
		json_object_put(o);
		json_object_put(want);
		json_object_put(nets);
		json_object_put(eps);
		json_object_put(rem);
		json_object_put(kern);
		return -ENOMEM;
	}
	json_object_object_add(o, "host", json_object_new_string(a->host));
	json_object_object_add(o, "vtepIP", json_object_new_string(a->vtep_ip));
	json_object_object_add(o, "revision", json_object_new_int64(a->revision));
	for (size_t i = 0; i < a->nets.n; i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%u:%u", a->nets.v[i].encap, a->nets.v[i].tag);
		json_object_array_add(nets, json_object_new_string(buf));
	}
	for (size_t i = 0; i < a->items.n; i++)
		if (ep_is_local(a, &a->items.v[i]))
			json_object_array_add(eps, json_object_new_string(a->items.v[i].key));
	for (size_t i = 0; i < a->remotes.n; i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%u:%s %s via %s", a->remotes.v[i].tag, a->remotes.v[i].mac,
			 a->remotes.v[i].ip, a->remotes.v[i].vtep);
		json_object_array_add(rem, json_object_new_string(buf));
	}
	json_object_object_add(want, "networks", nets);
	json_object_object_add(want, "localEndpoints", eps);
	json_object_object_add(want, "remotes", rem);
	{
		struct json_object *pm = json_object_new_object();

		for (size_t i = 0; pm && i < a->pm.n; i++)
			json_object_object_add(pm, a->pm.eps[i].id, contiv__pm_to_json(&a->pm.eps[i]));
		if (pm)
			json_object_object_add(want, "portMappings", pm);
	}
	json_object_object_add(o, "desired", want);
	contiv_dp_read_state(a->dp, state_json_cb, kern);
	json_object_object_add(o, "kernel", kern);
	return answer_json(ret_body, o);
}

CONTIV_EXPORT int contiv_agent_handle(struct contiv_agent *agent, const char *method, const char *path,
				      const char *body, size_t body_len, char **ret_body)
{
	struct json_object *req = NULL;
	struct json_tokener *tok;
	int r;

	contiv_return_val_if_fail(agent && method && path && ret_body, -EINVAL);
	contiv_return_if_forked(agent->ctx);
	*ret_body = NULL;
	if (!strcmp(path, "/state")) {
		if (strcmp(method, "GET"))
			return answer_error(ret_body, 405, "%s /state: use GET", method);
		return do_state(agent, ret_body);
	}
	if (strcmp(path, "/attach") && strcmp(path, "/detach") && strcmp(path, "/portmap"))
		return answer_error(ret_body, 404, "no such path");
	if (strcmp(method, "POST"))
		return answer_error(ret_body, 405, "%s %s: use POST", method, path);
	if (!body || !body_len || memchr(body, '\0', body_len))
		return answer_error(ret_body, 400, "%s: a JSON object is required", path);
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	req = json_tokener_parse_ex(tok, body, (int)body_len);
	if (!req || json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(req, json_type_object)) {
		json_tokener_free(tok);
		json_object_put(req);
		return answer_error(ret_body, 400, "%s: the body is not a JSON object", path);
	}
	json_tokener_free(tok);
	if (!strcmp(path, "/attach"))
		r = do_attach(agent, req, ret_body);
	else if (!strcmp(path, "/portmap"))
		r = do_portmap(agent, req, ret_body);
	else
		r = do_detach(agent, req, ret_body);
	json_object_put(req);
	return r;
}
