/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv-docker-plugin's logic (handler.h): Docker's remote NetworkDriver
 * and IpamDriver calls over netmaster (IPAM, the one source of truth) and
 * the local netplugin's agent API (veth pairs, policy, shaping, port
 * mappings).
 *
 * - IPAM: a pool id names tenant/network[/group] (names.h), so nothing is
 *   lost when the plugin restarts (Docker re-sends neither RequestPool nor
 *   Plugin.Activate then). Addresses are allocated and released in netmaster
 *   (/plugin/allocAddress, /plugin/releaseAddress); the gateway request
 *   answers the network's gateway.
 * - CreateEndpoint checks and answers Contiv's MAC; Join plugs the
 *   container: agent /attach (with the container's name, which Docker's
 *   record of the joining endpoint has) and "configure": false leaves the
 *   container side "cvc<8 hex>" in our own namespace (dockerd's), named,
 *   with its MAC and MTU; Docker moves it into the sandbox, renames it eth0
 *   and sets the address (Join answers the name and the gateway).
 *   DeleteEndpoint detaches (the endpoint and its address go in netmaster);
 *   the ReleaseAddress Docker sends after it is then a no-op.
 * - A Docker network id maps to tenant/network/group from CreateNetwork's
 *   options, or after a restart from Docker's own record of the network.
 * - What fails because netmaster or the agent is down (detach, release) is
 *   kept and retried (dh_retry_pending), so no address leaks.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <contiv/contiv.h>

#include "handler.h"
#include "names.h"
#include "util.h"

#define MAX_CACHE 4096
#define ERR_MAX 900

struct net_entry {
	char id[72];			/* Docker's NetworkID */
	struct dn_target t;
	char gateway[48];		/* bare IPv4, "" if none */
	char cidr[64];			/* the network's subnet as a CIDR */
	unsigned prefix_len;
};

struct ep_entry {
	char id[72];			/* Docker's EndpointID */
	char pool[3 * DN_NAME_MAX + 16];
	char address[48];
	char host_if[16];
};

enum pending_kind { PENDING_DETACH, PENDING_RELEASE };

struct pending {
	enum pending_kind kind;
	char id[72];			/* detach: endpoint id */
	struct dn_target t;		/* release */
	char address[48];
};

#define VEC(type) struct { type *v; size_t n, cap; }

struct dh {
	dh_request_fn request;
	void *userdata;
	char *netns;
	VEC(struct net_entry) nets;
	VEC(struct ep_entry) eps;
	VEC(struct ep_entry) released;	/* addresses freed by DeleteEndpoint */
	VEC(struct pending) pending;
};

static void *vec_push(void **v, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		void *p = realloc(*v, c * size);

		if (!p)
			return NULL;
		*v = p;
		*cap = c;
	}
	memset((char *)*v + *n * size, 0, size);
	return (char *)*v + (*n)++ * size;
}

#define PUSH(vec) ((__typeof__((vec).v))vec_push((void **)&(vec).v, &(vec).n, &(vec).cap, sizeof(*(vec).v)))
#define DEL(vec, i) \
	do { \
		memmove(&(vec).v[i], &(vec).v[(i) + 1], ((vec).n - (i) - 1) * sizeof(*(vec).v)); \
		(vec).n--; \
	} while (0)

int dh_new(dh_request_fn request, void *userdata, const char *netns_path, struct dh **ret)
{
	struct dh *h = calloc(1, sizeof(*h));

	if (!h || !(h->netns = strdup(netns_path ? netns_path : ""))) {
		free(h);
		return -ENOMEM;
	}
	h->request = request;
	h->userdata = userdata;
	*ret = h;
	return 0;
}

void dh_free(struct dh *h)
{
	if (!h)
		return;
	free(h->nets.v);
	free(h->eps.v);
	free(h->released.v);
	free(h->pending.v);
	free(h->netns);
	free(h);
}

void dh_src_name(const char *endpoint_id, char buf[16])
{
	snprintf(buf, 16, "cvc%.8s", endpoint_id ? endpoint_id : "");
}

/* ---- replies ---- */

static int reply(char **ret_body, int status, struct json_object *o)
{
	*ret_body = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return *ret_body ? status : -ENOMEM;
}

static int reply_json(char **ret_body, const char *text)
{
	*ret_body = strdup(text);
	return *ret_body ? 200 : -ENOMEM;
}

static int reply_err(char **ret_body, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int reply_err(char **ret_body, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[ERR_MAX];
	va_list ap;

	if (!o)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "Err", json_object_new_string(msg));
	return reply(ret_body, 500, o);
}

/* ---- peers ---- */

/*
 * A request to a peer with a parsed JSON answer. Returns the HTTP status
 * (>= 100) with *ret (may be NULL for a non-JSON answer), or a negative
 * errno with a message in err (peer unreachable).
 */
static int peer_call(struct dh *h, enum dh_peer peer, const char *method, const char *path,
		     struct json_object *body, struct json_object **ret, char *err, size_t errlen)
{
	const char *text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
	char *out = NULL;
	long status = 0;
	int r;

	*ret = NULL;
	err[0] = '\0';
	r = h->request(h->userdata, peer, method, path, text, &status, &out, err, errlen);
	if (r < 0) {
		free(out);
		if (!err[0])
			snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	if (out)
		*ret = json_tokener_parse(out);
	free(out);
	return status >= 100 && status <= 599 ? (int)status : 502;
}

/* The message of a peer's error answer: netmaster/agent "error", Docker "message". */
static const char *peer_message(struct json_object *ans)
{
	const char *m = du_str(ans, "error");

	if (!m)
		m = du_str(ans, "message");
	if (!m)
		m = du_str(ans, "Err");
	return m ? m : "no message";
}

/* ---- Contiv networks ---- */

static int get_master_object(struct dh *h, const char *coll, const char *tenant, const char *name,
			     struct json_object **ret, char *err, size_t errlen)
{
	char path[400], q1[DU_QUOTE_MAX], q2[DU_QUOTE_MAX];
	struct json_object *ans = NULL;
	int st;

	snprintf(path, sizeof(path), "/api/v1/%s/%s:%s/", coll, tenant, name);
	st = peer_call(h, DH_NETMASTER, "GET", path, NULL, &ans, err, errlen);
	if (st < 0) {
		char tmp[ERR_MAX];

		snprintf(tmp, sizeof(tmp), "netmaster: %s", err);
		snprintf(err, errlen, "%s", tmp);
		return st;
	}
	if (st == 200 && ans && json_object_is_type(ans, json_type_object)) {
		*ret = ans;
		return 0;
	}
	if (st == 404)
		snprintf(err, errlen, "%s \"%s\" does not exist in tenant \"%s\"",
			 !strcmp(coll, "networks") ? "network" : "endpoint group", du_quote(name, q1), du_quote(tenant, q2));
	else
		snprintf(err, errlen, "netmaster: %s", peer_message(ans));
	json_object_put(ans);
	return -ENOENT;
}

/*
 * Checks t against netmaster (network exists, group exists and is on it) and
 * fills e's gateway and prefix length; e->t = t. 0 or -errno with err.
 */
static int net_resolve(struct dh *h, const struct dn_target *t, struct net_entry *e, char *err,
		       size_t errlen)
{
	struct json_object *net = NULL, *grp = NULL;
	const char *gw, *subnet;
	char q1[DU_QUOTE_MAX], q2[DU_QUOTE_MAX];
	int r;

	r = get_master_object(h, "networks", t->tenant, t->network, &net, err, errlen);
	if (r < 0)
		return r;
	if (*t->group) {
		r = get_master_object(h, "endpointGroups", t->tenant, t->group, &grp, err, errlen);
		if (r == 0 && strcmp(du_str(grp, "networkName") ?: "", t->network)) {
			snprintf(err, errlen, "endpoint group \"%s\" of tenant \"%s\" is on network \"%s\", not \"%s\"",
				 du_quote(t->group, q1), t->tenant, du_str(grp, "networkName") ?: "", du_quote(t->network, q2));
			r = -EINVAL;
		}
		json_object_put(grp);
		if (r < 0) {
			json_object_put(net);
			return r;
		}
	}
	subnet = du_str(net, "subnet");
	gw = du_str(net, "gateway");
	if (!subnet || dn_subnet_cidr(subnet, e->cidr, sizeof(e->cidr), &e->prefix_len) < 0) {
		snprintf(err, errlen, "network \"%s:%s\" has no IPv4 subnet", t->tenant, t->network);
		json_object_put(net);
		return -EINVAL;
	}
	snprintf(e->gateway, sizeof(e->gateway), "%s", gw ? gw : "");
	e->t = *t;
	json_object_put(net);
	return 0;
}

/*
 * The address Docker records as the network's gateway: the gateway, or for
 * a network without one its network address (Docker insists on a gateway;
 * Join then gives the container no default route).
 */
static const char *docker_gateway(const struct net_entry *e, char *buf, size_t len)
{
	if (*e->gateway)
		snprintf(buf, len, "%s", e->gateway);
	else
		snprintf(buf, len, "%.*s", (int)strcspn(e->cidr, "/"), e->cidr);
	return buf;
}

/* The network whose subnet is cidr, in any tenant (must be unique). */
static int net_by_subnet(struct dh *h, const char *pool, struct dn_target *t, char *err, size_t errlen)
{
	struct json_object *arr = NULL;
	char want[64], cidr[64], q1[DU_QUOTE_MAX];
	int st, found = 0;

	if (dn_subnet_cidr(pool, want, sizeof(want), NULL) < 0) {
		snprintf(err, errlen, "Pool \"%s\": not an IPv4 subnet", du_quote(pool, q1));
		return -EINVAL;
	}
	st = peer_call(h, DH_NETMASTER, "GET", "/api/v1/networks/", NULL, &arr, err, errlen);
	if (st < 0 || st != 200 || !json_object_is_type(arr, json_type_array)) {
		if (st >= 0)
			snprintf(err, errlen, "netmaster: listing networks: %s", peer_message(arr));
		json_object_put(arr);
		return st < 0 ? st : -EIO;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *n = json_object_array_get_idx(arr, i);
		const char *s = du_str(n, "subnet");

		if (!s || dn_subnet_cidr(s, cidr, sizeof(cidr), NULL) < 0 || strcmp(cidr, want))
			continue;
		if (found++ == 0 && dn_target_set(t, du_str(n, "tenantName"), du_str(n, "networkName"), NULL, err,
						  errlen) < 0)
			found = 99;
	}
	json_object_put(arr);
	if (found == 1)
		return 0;
	snprintf(err, errlen, found ? "Pool \"%s\": several Contiv networks have this subnet; name one with --ipam-opt tenant=T --ipam-opt network=N"
				    : "Pool \"%s\": no Contiv network has this subnet; give --ipam-opt tenant=T --ipam-opt network=N",
		 want);
	return -ENOENT;
}

/* tenant/network/group out of options ("tenant", "network", "group"); 1 if none. */
static int target_from_options(struct json_object *opts, struct dn_target *t, char *err, size_t errlen)
{
	const char *net = du_str(opts, "network"), *tenant = du_str(opts, "tenant"), *group = du_str(opts, "group");

	if (!net && !tenant && !group)
		return 1;
	if (!net) {
		snprintf(err, errlen, "option \"network\" is required with \"tenant\"/\"group\"");
		return -EINVAL;
	}
	return dn_target_set(t, tenant, net, group, err, errlen);
}

static struct net_entry *net_cached(struct dh *h, const char *id)
{
	for (size_t i = 0; i < h->nets.n; i++)
		if (!strcmp(h->nets.v[i].id, id))
			return &h->nets.v[i];
	return NULL;
}

static struct net_entry *net_remember(struct dh *h, const char *id, const struct net_entry *e)
{
	struct net_entry *c = net_cached(h, id);

	if (!c) {
		if (h->nets.n >= MAX_CACHE)
			DEL(h->nets, 0);
		c = PUSH(h->nets);
		if (!c)
			return NULL;
	}
	*c = *e;
	snprintf(c->id, sizeof(c->id), "%s", id);
	return c;
}

static bool docker_id_ok(const char *id)
{
	return id && strlen(id) < sizeof(((struct net_entry *)0)->id) && dn_endpoint_id_ok(id);
}

/*
 * The Contiv target of Docker network id: remembered from CreateNetwork,
 * else (the plugin restarted) from Docker's record of the network.
 */
static int net_lookup(struct dh *h, const char *id, struct net_entry **ret, char *err, size_t errlen)
{
	struct json_object *ans = NULL, *ipam;
	struct net_entry e = { 0 };
	struct dn_target t;
	char path[128], q1[DU_QUOTE_MAX];
	int st, r;

	if (!docker_id_ok(id)) {
		snprintf(err, errlen, "NetworkID \"%s\": not a Docker network id", du_quote(id, q1));
		return -EINVAL;
	}
	*ret = net_cached(h, id);
	if (*ret)
		return 0;
	snprintf(path, sizeof(path), "/networks/%s", id);
	st = peer_call(h, DH_DOCKER, "GET", path, NULL, &ans, err, errlen);
	if (st != 200) {
		if (st >= 0)
			snprintf(err, errlen, "NetworkID \"%s\": unknown to this plugin and to Docker (%s)", id,
				 peer_message(ans));
		json_object_put(ans);
		return st < 0 ? st : -ENOENT;
	}
	r = target_from_options(du_obj(ans, "Options"), &t, err, errlen);
	ipam = du_obj(ans, "IPAM");
	if (r == 1)
		r = target_from_options(du_obj(ipam, "Options"), &t, err, errlen);
	if (r == 1) {
		struct json_object *cfg = NULL, *c0;

		json_object_object_get_ex(ipam, "Config", &cfg);
		c0 = cfg && json_object_is_type(cfg, json_type_array) ? json_object_array_get_idx(cfg, 0) : NULL;
		r = du_str(c0, "Subnet") ? net_by_subnet(h, du_str(c0, "Subnet"), &t, err, errlen) : -ENOENT;
		if (r == -ENOENT && !du_str(c0, "Subnet"))
			snprintf(err, errlen, "Docker network \"%s\" names no Contiv network", id);
	}
	json_object_put(ans);
	if (r == 0)
		r = net_resolve(h, &t, &e, err, errlen);
	if (r < 0)
		return r;
	*ret = net_remember(h, id, &e);
	return *ret ? 0 : -ENOMEM;
}

/* ---- endpoints remembered between calls ---- */

static struct ep_entry *ep_find(struct dh *h, const char *id, size_t *idx)
{
	for (size_t i = 0; i < h->eps.n; i++)
		if (!strcmp(h->eps.v[i].id, id)) {
			if (idx)
				*idx = i;
			return &h->eps.v[i];
		}
	return NULL;
}

static void released_add(struct dh *h, const struct ep_entry *e)
{
	struct ep_entry *r;

	if (h->released.n >= MAX_CACHE)
		DEL(h->released, 0);
	r = PUSH(h->released);
	if (r)
		*r = *e;
}

/* True (and forgotten) if pool/address was freed with its endpoint. */
static bool released_take(struct dh *h, const char *pool, const char *address)
{
	for (size_t i = 0; i < h->released.n; i++)
		if (!strcmp(h->released.v[i].pool, pool) && !strcmp(h->released.v[i].address, address)) {
			DEL(h->released, i);
			return true;
		}
	return false;
}

static void pending_add(struct dh *h, enum pending_kind kind, const char *id, const struct dn_target *t,
			const char *address)
{
	struct pending *p;

	for (size_t i = 0; i < h->pending.n; i++) {
		p = &h->pending.v[i];
		if (p->kind == kind && !strcmp(p->id, id ? id : "") && !strcmp(p->address, address ? address : ""))
			return;
	}
	if (h->pending.n >= MAX_CACHE)
		return;
	p = PUSH(h->pending);
	if (!p)
		return;
	p->kind = kind;
	snprintf(p->id, sizeof(p->id), "%s", id ? id : "");
	if (t)
		p->t = *t;
	snprintf(p->address, sizeof(p->address), "%s", address ? address : "");
}

/* ---- NetworkDriver ---- */

static int nd_create_network(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *id = du_str(req, "NetworkID");
	struct json_object *opts = du_obj(req, "Options"), *v4 = NULL, *d0;
	struct net_entry e = { 0 };
	struct dn_target t;
	const char *pool, *gw;
	char err[ERR_MAX], cidr[64], q1[DU_QUOTE_MAX];
	int r;

	if (!docker_id_ok(id))
		return reply_err(ret_body, "NetworkID \"%s\": not a Docker network id", du_quote(id, q1));
	json_object_object_get_ex(req, "IPv4Data", &v4);
	d0 = v4 && json_object_is_type(v4, json_type_array) ? json_object_array_get_idx(v4, 0) : NULL;
	pool = du_str(d0, "Pool");
	gw = du_str(d0, "Gateway");
	if (!pool)
		return reply_err(ret_body, "IPv4Data: a pool is required (use --ipam-driver netplugin)");
	r = target_from_options(du_obj(opts, "com.docker.network.generic"), &t, err, sizeof(err));
	if (r == 1)
		r = net_by_subnet(h, pool, &t, err, sizeof(err));
	if (r == 0)
		r = net_resolve(h, &t, &e, err, sizeof(err));
	if (r < 0)
		return reply_err(ret_body, "%s", err);
	if (dn_subnet_cidr(pool, cidr, sizeof(cidr), NULL) < 0 || strcmp(cidr, e.cidr))
		return reply_err(ret_body, "IPv4Data Pool \"%s\" is not the subnet %s of network \"%s:%s\" (use --ipam-driver netplugin)",
				 du_quote(pool, q1), e.cidr, t.tenant, t.network);
	if (gw) {
		char bare[48], dgw[48];

		if (dn_bare_ipv4(gw, bare, sizeof(bare)) < 0 || strcmp(bare, docker_gateway(&e, dgw, sizeof(dgw))))
			return reply_err(ret_body, "IPv4Data Gateway \"%s\" is not the gateway \"%s\" of network \"%s:%s\"",
					 du_quote(gw, q1), dgw, t.tenant, t.network);
	}
	if (!net_remember(h, id, &e))
		return -ENOMEM;
	return reply_json(ret_body, "{}");
}

static int nd_delete_network(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *id = du_str(req, "NetworkID");

	for (size_t i = 0; id && i < h->nets.n; i++)
		if (!strcmp(h->nets.v[i].id, id)) {
			DEL(h->nets, i);
			break;
		}
	return reply_json(ret_body, "{}");
}

static struct ep_entry *ep_remember(struct dh *h, const char *id)
{
	struct ep_entry *e = ep_find(h, id, NULL);

	if (!e) {
		if (h->eps.n >= MAX_CACHE)
			DEL(h->eps, 0);
		e = PUSH(h->eps);
		if (e)
			snprintf(e->id, sizeof(e->id), "%s", id);
	}
	return e;
}

/*
 * CreateEndpoint: checks the request and remembers the address; the MAC is
 * Contiv's (02:02 + the IPv4 address), answered so that Docker sets it. The
 * container is plugged at Join, when Docker knows the container's name.
 */
static int nd_create_endpoint(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *nid = du_str(req, "NetworkID"), *eid = du_str(req, "EndpointID");
	struct json_object *iface = du_obj(req, "Interface"), *out, *oif;
	const char *addr = du_str(iface, "Address"), *mac = du_str(iface, "MacAddress");
	struct net_entry *n = NULL;
	struct ep_entry *e;
	char err[ERR_MAX], bare[48], cmac[18], q1[DU_QUOTE_MAX];

	if (!docker_id_ok(eid))
		return reply_err(ret_body, "EndpointID \"%s\": not a Docker endpoint id", du_quote(eid, q1));
	if (!addr || dn_bare_ipv4(addr, bare, sizeof(bare)) < 0)
		return reply_err(ret_body, "Interface.Address \"%s\": an IPv4 address from the netplugin IPAM driver is required",
				 du_quote(addr, q1));
	if (du_str(iface, "AddressIPv6") && *du_str(iface, "AddressIPv6"))
		return reply_err(ret_body, "Interface.AddressIPv6 \"%s\": IPv6 is not supported by this plugin yet",
				 du_quote(du_str(iface, "AddressIPv6"), q1));
	if (mac && *mac)
		return reply_err(ret_body, "Interface.MacAddress \"%s\": Contiv assigns MAC addresses (02:02 + the IPv4 address); drop --mac-address",
				 du_quote(mac, q1));
	if (net_lookup(h, nid, &n, err, sizeof(err)) < 0)
		return reply_err(ret_body, "%s", err);
	if (contiv_ipam_mac_from_ipv4(bare, cmac, sizeof(cmac)) < 0)
		return reply_err(ret_body, "Interface.Address \"%s\": no MAC address for it", du_quote(addr, q1));
	e = ep_remember(h, eid);
	if (!e)
		return -ENOMEM;
	dn_pool_id(&n->t, e->pool, sizeof(e->pool));
	snprintf(e->address, sizeof(e->address), "%s", bare);
	out = json_object_new_object();
	oif = json_object_new_object();
	if (!out || !oif) {
		json_object_put(out);
		json_object_put(oif);
		return -ENOMEM;
	}
	json_object_object_add(oif, "MacAddress", json_object_new_string(cmac));
	json_object_object_add(out, "Interface", oif);
	return reply(ret_body, 200, out);
}

/*
 * Docker's record of endpoint eid of network nid while it joins: its name
 * (the container's) and its address. Best effort: false if Docker has none.
 */
static bool docker_endpoint(struct dh *h, const char *nid, const char *eid, char *name, size_t nlen, char *addr,
			    size_t alen)
{
	struct json_object *ans = NULL, *cs;
	char path[128], err[256];
	bool found = false;

	snprintf(path, sizeof(path), "/networks/%s", nid);
	if (peer_call(h, DH_DOCKER, "GET", path, NULL, &ans, err, sizeof(err)) != 200) {
		json_object_put(ans);
		return false;
	}
	cs = du_obj(ans, "Containers");
	if (cs) {
		json_object_object_foreach(cs, key, c) {
			(void)key;
			if (strcmp(du_str(c, "EndpointID") ?: "", eid))
				continue;
			snprintf(name, nlen, "%s", du_str(c, "Name") ?: "");
			if (dn_bare_ipv4(du_str(c, "IPv4Address") ?: "", addr, alen) < 0)
				addr[0] = '\0';
			found = true;
			break;
		}
	}
	json_object_put(ans);
	return found;
}

/*
 * Join: asks the agent to plug the endpoint ("configure": false: the
 * container side "cvc<8 hex>" stays in our namespace, dockerd's, with its MAC
 * and MTU; policy and netprofile in place) and answers that name with the
 * gateway; Docker moves the interface into the sandbox and sets the address.
 */
static int nd_join(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *nid = du_str(req, "NetworkID"), *eid = du_str(req, "EndpointID");
	struct json_object *att, *ans = NULL, *out, *name;
	struct net_entry *n = NULL;
	struct ep_entry *e;
	char err[ERR_MAX], src[16], cname[256] = "", daddr[48] = "", q1[DU_QUOTE_MAX];
	const char *addr;
	int st;

	if (!docker_id_ok(eid))
		return reply_err(ret_body, "EndpointID \"%s\": not a Docker endpoint id", du_quote(eid, q1));
	if (net_lookup(h, nid, &n, err, sizeof(err)) < 0)
		return reply_err(ret_body, "%s", err);
	docker_endpoint(h, nid, eid, cname, sizeof(cname), daddr, sizeof(daddr));
	e = ep_find(h, eid, NULL);
	addr = e && *e->address ? e->address : daddr;
	if (!*addr)
		return reply_err(ret_body, "EndpointID \"%.12s\": no address known (CreateEndpoint not seen)", eid);
	dh_src_name(eid, src);
	att = json_object_new_object();
	if (!att)
		return -ENOMEM;
	json_object_object_add(att, "tenant", json_object_new_string(n->t.tenant));
	json_object_object_add(att, "network", json_object_new_string(n->t.network));
	if (*n->t.group)
		json_object_object_add(att, "group", json_object_new_string(n->t.group));
	json_object_object_add(att, "id", json_object_new_string(eid));
	if (*cname && cname[strspn(cname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] == '\0')
		json_object_object_add(att, "containerName", json_object_new_string(cname));
	json_object_object_add(att, "netns", json_object_new_string(h->netns));
	json_object_object_add(att, "ifname", json_object_new_string(src));
	json_object_object_add(att, "ipAddress", json_object_new_string(addr));
	json_object_object_add(att, "configure", json_object_new_boolean(0));
	st = peer_call(h, DH_AGENT, "POST", "/attach", att, &ans, err, sizeof(err));
	json_object_put(att);
	if (st < 0)
		return reply_err(ret_body, "netplugin (agent API): %s", err);
	if (st != 200) {
		st = reply_err(ret_body, "netplugin: %s", peer_message(ans));
		json_object_put(ans);
		return st;
	}
	e = ep_remember(h, eid);
	if (e) {
		if (!*e->address) {
			dn_pool_id(&n->t, e->pool, sizeof(e->pool));
			snprintf(e->address, sizeof(e->address), "%s", addr);
		}
		snprintf(e->host_if, sizeof(e->host_if), "%s", du_str(ans, "hostIfname") ?: "");
	}
	json_object_put(ans);
	out = json_object_new_object();
	name = json_object_new_object();
	if (!out || !name) {
		json_object_put(out);
		json_object_put(name);
		return -ENOMEM;
	}
	json_object_object_add(name, "SrcName", json_object_new_string(src));
	json_object_object_add(name, "DstPrefix", json_object_new_string("eth"));
	json_object_object_add(out, "InterfaceName", name);
	json_object_object_add(out, "DisableGatewayService", json_object_new_boolean(0));
	if (*n->gateway)
		json_object_object_add(out, "Gateway", json_object_new_string(n->gateway));
	return reply(ret_body, 200, out);
}

/* Detaches endpoint id through the agent: 0, or -errno with err. */
static int detach(struct dh *h, const char *id, char *err, size_t errlen)
{
	struct json_object *body = json_object_new_object(), *ans = NULL;
	int st;

	if (!body)
		return -ENOMEM;
	json_object_object_add(body, "id", json_object_new_string(id));
	st = peer_call(h, DH_AGENT, "POST", "/detach", body, &ans, err, errlen);
	json_object_put(body);
	if (st >= 0 && st != 200) {
		snprintf(err, errlen, "%s", peer_message(ans));
		st = -EIO;
	}
	json_object_put(ans);
	return st < 0 ? st : 0;
}

static int nd_delete_endpoint(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *eid = du_str(req, "EndpointID");
	struct ep_entry *e;
	char err[ERR_MAX], q1[DU_QUOTE_MAX];
	size_t idx;
	int r;

	if (!docker_id_ok(eid))
		return reply_err(ret_body, "EndpointID \"%s\": not a Docker endpoint id", du_quote(eid, q1));
	r = detach(h, eid, err, sizeof(err));
	if (r == -ENOMEM)
		return r;
	e = ep_find(h, eid, &idx);
	if (e) {
		/*
		 * A plugged endpoint's address goes with it in netmaster (now, or
		 * when the retried detach succeeds): the ReleaseAddress that
		 * follows has nothing to do. Unplugged (Join failed or never
		 * came), the address is a reservation that ReleaseAddress frees.
		 */
		if (*e->host_if)
			released_add(h, e);
		DEL(h->eps, idx);
	}
	if (r < 0) {
		pending_add(h, PENDING_DETACH, eid, NULL, NULL);
		return reply_err(ret_body, "netplugin: detaching endpoint %.12s: %s (will be retried)", eid, err);
	}
	return reply_json(ret_body, "{}");
}

static int nd_oper_info(struct dh *h, struct json_object *req, char **ret_body)
{
	struct ep_entry *e = ep_find(h, du_str(req, "EndpointID") ?: "", NULL);
	struct json_object *out = json_object_new_object(), *val = json_object_new_object();

	if (!out || !val) {
		json_object_put(out);
		json_object_put(val);
		return -ENOMEM;
	}
	if (e && *e->host_if)
		json_object_object_add(val, "hostIfName", json_object_new_string(e->host_if));
	json_object_object_add(out, "Value", val);
	return reply(ret_body, 200, out);
}

/* Docker's portmap option -> the agent's portMappings. */
static int portmaps(struct json_object *opts, struct json_object **ret, char *err, size_t errlen)
{
	struct json_object *pm = NULL, *arr = json_object_new_array();

	if (!arr)
		return -ENOMEM;
	*ret = arr;
	if (!opts || !json_object_object_get_ex(opts, "com.docker.network.portmap", &pm) ||
	    json_object_is_type(pm, json_type_null))
		return 0;
	if (!json_object_is_type(pm, json_type_array)) {
		snprintf(err, errlen, "Options \"com.docker.network.portmap\": not a list");
		return -EINVAL;
	}
	for (size_t i = 0; i < json_object_array_length(pm); i++) {
		struct json_object *m = json_object_array_get_idx(pm, i), *v, *o;
		int64_t proto = -1, port = -1, hport = -1, hend = -1;
		const char *pname, *hip = du_str(m, "HostIP");

		if (json_object_object_get_ex(m, "Proto", &v) && json_object_is_type(v, json_type_int))
			proto = json_object_get_int64(v);
		if (json_object_object_get_ex(m, "Port", &v) && json_object_is_type(v, json_type_int))
			port = json_object_get_int64(v);
		if (json_object_object_get_ex(m, "HostPort", &v) && json_object_is_type(v, json_type_int))
			hport = json_object_get_int64(v);
		if (json_object_object_get_ex(m, "HostPortEnd", &v) && json_object_is_type(v, json_type_int))
			hend = json_object_get_int64(v);
		pname = proto == 6 ? "tcp" : proto == 17 ? "udp" : proto == 132 ? "sctp" : NULL;
		if (!pname || port < 1 || port > 65535 || hport < 0 || hport > 65535) {
			snprintf(err, errlen, "port mapping %zu: protocol %lld, port %lld, host port %lld: not valid",
				 i, (long long)proto, (long long)port, (long long)hport);
			return -EINVAL;
		}
		if (hport == 0) {
			snprintf(err, errlen, "port mapping %zu (port %lld): a host port is required (-p HOSTPORT:%lld)",
				 i, (long long)port, (long long)port);
			return -EINVAL;
		}
		if (hend > 0 && hend != hport) {
			snprintf(err, errlen, "port mapping %zu: host port range %lld-%lld: give one host port",
				 i, (long long)hport, (long long)hend);
			return -EINVAL;
		}
		o = json_object_new_object();
		if (!o)
			return -ENOMEM;
		json_object_object_add(o, "protocol", json_object_new_string(pname));
		json_object_object_add(o, "hostPort", json_object_new_int((int)hport));
		json_object_object_add(o, "containerPort", json_object_new_int((int)port));
		json_object_object_add(o, "hostIP", json_object_new_string(hip ? hip : ""));
		json_object_array_add(arr, o);
	}
	return 0;
}

static int set_portmaps(struct dh *h, const char *eid, struct json_object *list, bool revoke, char **ret_body)
{
	struct json_object *body = json_object_new_object(), *ans = NULL;
	char err[ERR_MAX];
	int st;

	if (!body) {
		json_object_put(list);
		return -ENOMEM;
	}
	json_object_object_add(body, "id", json_object_new_string(eid));
	json_object_object_add(body, "portMappings", list);
	st = peer_call(h, DH_AGENT, "POST", "/portmap", body, &ans, err, sizeof(err));
	json_object_put(body);
	if (st == 200 || (revoke && st == 404)) {
		json_object_put(ans);
		return reply_json(ret_body, "{}");
	}
	if (st < 0)
		st = reply_err(ret_body, "netplugin (agent API): %s", err);
	else if (st == 404 && !strcmp(peer_message(ans), "no such path"))
		st = reply_err(ret_body, "netplugin: this netplugin has no port mappings (/portmap)");
	else
		st = reply_err(ret_body, "netplugin: port mappings: %s", peer_message(ans));
	json_object_put(ans);
	return st;
}

static int nd_program_ext(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *eid = du_str(req, "EndpointID");
	struct json_object *list = NULL;
	char err[ERR_MAX], q1[DU_QUOTE_MAX];
	int r;

	if (!docker_id_ok(eid))
		return reply_err(ret_body, "EndpointID \"%s\": not a Docker endpoint id", du_quote(eid, q1));
	r = portmaps(du_obj(req, "Options"), &list, err, sizeof(err));
	if (r < 0) {
		json_object_put(list);
		return r == -ENOMEM ? r : reply_err(ret_body, "%s", err);
	}
	if (json_object_array_length(list) == 0) {
		json_object_put(list);
		return reply_json(ret_body, "{}");
	}
	return set_portmaps(h, eid, list, false, ret_body);
}

static int nd_revoke_ext(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *eid = du_str(req, "EndpointID");
	struct json_object *list;
	char q1[DU_QUOTE_MAX];

	if (!docker_id_ok(eid))
		return reply_err(ret_body, "EndpointID \"%s\": not a Docker endpoint id", du_quote(eid, q1));
	list = json_object_new_array();
	if (!list)
		return -ENOMEM;
	return set_portmaps(h, eid, list, true, ret_body);
}

/* ---- IpamDriver ---- */

static int ipam_request_pool(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *pool = du_str(req, "Pool"), *sub = du_str(req, "SubPool");
	struct json_object *v6 = NULL, *out;
	struct net_entry e = { 0 };
	struct dn_target t;
	char err[ERR_MAX], id[3 * DN_NAME_MAX + 16], cidr[64], q1[DU_QUOTE_MAX];
	int r;

	if (json_object_object_get_ex(req, "V6", &v6) && json_object_get_boolean(v6))
		return reply_err(ret_body, "V6: IPv6 pools are not supported by the netplugin IPAM driver yet");
	if (sub && *sub)
		return reply_err(ret_body, "SubPool \"%s\": not supported; give the endpoint group an ipPool in Contiv",
				 du_quote(sub, q1));
	r = target_from_options(du_obj(req, "Options"), &t, err, sizeof(err));
	if (r == 1 && pool && *pool)
		r = net_by_subnet(h, pool, &t, err, sizeof(err));
	else if (r == 1)
		return reply_err(ret_body, "Options: which Contiv network? give --ipam-opt network=N [--ipam-opt tenant=T] [--ipam-opt group=G], or --subnet");
	if (r == 0)
		r = net_resolve(h, &t, &e, err, sizeof(err));
	if (r < 0)
		return reply_err(ret_body, "%s", err);
	if (pool && *pool && (dn_subnet_cidr(pool, cidr, sizeof(cidr), NULL) < 0 || strcmp(cidr, e.cidr)))
		return reply_err(ret_body, "Pool \"%s\" is not the subnet %s of network \"%s:%s\"", du_quote(pool, q1), e.cidr,
				 t.tenant, t.network);
	dn_pool_id(&t, id, sizeof(id));
	out = json_object_new_object();
	if (!out)
		return -ENOMEM;
	json_object_object_add(out, "PoolID", json_object_new_string(id));
	json_object_object_add(out, "Pool", json_object_new_string(e.cidr));
	json_object_object_add(out, "Data", json_object_new_object());
	return reply(ret_body, 200, out);
}

static bool is_gateway_request(struct json_object *req)
{
	return !strcmp(du_str(du_obj(req, "Options"), "RequestAddressType") ?: "", "com.docker.network.gateway");
}

static int ipam_request_address(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *pid = du_str(req, "PoolID"), *want = du_str(req, "Address");
	struct json_object *body, *ans = NULL, *out;
	struct net_entry e = { 0 };
	struct dn_target t;
	char err[ERR_MAX], nid[3 * DN_NAME_MAX + 8], addr[64], bare[48], q1[DU_QUOTE_MAX];
	int st;

	if (dn_pool_id_parse(pid, &t, err, sizeof(err)) < 0)
		return reply_err(ret_body, "%s", err);
	if (want && *want && dn_bare_ipv4(want, bare, sizeof(bare)) < 0)
		return reply_err(ret_body, "Address \"%s\": not an IPv4 address", du_quote(want, q1));
	if (is_gateway_request(req)) {
		if (net_resolve(h, &t, &e, err, sizeof(err)) < 0)
			return reply_err(ret_body, "%s", err);
		char dgw[48];

		docker_gateway(&e, dgw, sizeof(dgw));
		if (want && *want && strcmp(bare, dgw))
			return reply_err(ret_body, "gateway \"%s\": the gateway of network \"%s:%s\" is %s%s", du_quote(want, q1),
					 t.tenant, t.network, dgw, *e.gateway ? "" : " (none: its network address)");
		snprintf(addr, sizeof(addr), "%s/%u", dgw, e.prefix_len);
	} else {
		body = json_object_new_object();
		if (!body)
			return -ENOMEM;
		dn_master_network_id(&t, nid, sizeof(nid));
		json_object_object_add(body, "NetworkID", json_object_new_string(nid));
		if (want && *want)
			json_object_object_add(body, "PreferredIPv4Address", json_object_new_string(bare));
		st = peer_call(h, DH_NETMASTER, "POST", "/plugin/allocAddress", body, &ans, err, sizeof(err));
		json_object_put(body);
		if (st < 0)
			return reply_err(ret_body, "netmaster: %s", err);
		if (st != 200 || !du_str(ans, "IPv4Address")) {
			st = reply_err(ret_body, "netmaster: %s", peer_message(ans));
			json_object_put(ans);
			return st;
		}
		snprintf(addr, sizeof(addr), "%s", du_str(ans, "IPv4Address"));
		json_object_put(ans);
	}
	out = json_object_new_object();
	if (!out)
		return -ENOMEM;
	json_object_object_add(out, "Address", json_object_new_string(addr));
	json_object_object_add(out, "Data", json_object_new_object());
	return reply(ret_body, 200, out);
}

/* Releases a reserved address in netmaster: 0, or -errno with err. */
static int release(struct dh *h, const struct dn_target *t, const char *address, char *err, size_t errlen)
{
	struct json_object *body = json_object_new_object(), *ans = NULL;
	char nid[3 * DN_NAME_MAX + 8];
	int st;

	if (!body)
		return -ENOMEM;
	dn_master_network_id(t, nid, sizeof(nid));
	json_object_object_add(body, "NetworkID", json_object_new_string(nid));
	json_object_object_add(body, "IPv4Address", json_object_new_string(address));
	st = peer_call(h, DH_NETMASTER, "POST", "/plugin/releaseAddress", body, &ans, err, errlen);
	json_object_put(body);
	if (st >= 0 && st != 200 && st != 404) {
		snprintf(err, errlen, "%s", peer_message(ans));
		st = st == 409 ? -EBUSY : -EIO;
	}
	json_object_put(ans);
	return st < 0 ? st : 0;
}

static int ipam_release_address(struct dh *h, struct json_object *req, char **ret_body)
{
	const char *pid = du_str(req, "PoolID"), *a = du_str(req, "Address");
	struct net_entry e = { 0 };
	struct dn_target t;
	char err[ERR_MAX], bare[48], dgw[48], q1[DU_QUOTE_MAX];
	int r;

	if (dn_pool_id_parse(pid, &t, err, sizeof(err)) < 0)
		return reply_err(ret_body, "%s", err);
	if (!a || dn_bare_ipv4(a, bare, sizeof(bare)) < 0)
		return reply_err(ret_body, "Address \"%s\": not an IPv4 address", du_quote(a, q1));
	if (released_take(h, pid, bare))
		return reply_json(ret_body, "{}");
	r = net_resolve(h, &t, &e, err, sizeof(err));
	if (r == -ENOENT)
		return reply_json(ret_body, "{}");	/* the network is gone, and its pool with it */
	if (r == 0 && !strcmp(bare, docker_gateway(&e, dgw, sizeof(dgw))))
		return reply_json(ret_body, "{}");	/* the network's gateway stays */
	if (r == 0)
		r = release(h, &t, bare, err, sizeof(err));
	if (r == -EBUSY)
		return reply_err(ret_body, "netmaster: %s", err);
	if (r < 0 && r != -ENOMEM) {
		pending_add(h, PENDING_RELEASE, NULL, &t, bare);
		return reply_err(ret_body, "releasing %s: %s (will be retried)", bare, err);
	}
	return r < 0 ? r : reply_json(ret_body, "{}");
}

int dh_retry_pending(struct dh *h)
{
	for (size_t i = 0; i < h->pending.n;) {
		struct pending *p = &h->pending.v[i];
		char err[ERR_MAX];
		int r;

		if (p->kind == PENDING_DETACH)
			r = detach(h, p->id, err, sizeof(err));
		else
			r = release(h, &p->t, p->address, err, sizeof(err));
		if (r == 0 || r == -EBUSY)
			DEL(h->pending, i);
		else
			i++;
	}
	return (int)h->pending.n;
}

/* ---- dispatch ---- */

static int empty_ok(struct dh *h, struct json_object *req, char **ret_body)
{
	(void)h;
	(void)req;
	return reply_json(ret_body, "{}");
}

static int activate(struct dh *h, struct json_object *req, char **ret_body)
{
	(void)h;
	(void)req;
	return reply_json(ret_body, "{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}");
}

static int nd_caps(struct dh *h, struct json_object *req, char **ret_body)
{
	(void)h;
	(void)req;
	return reply_json(ret_body, "{\"Scope\":\"local\",\"ConnectivityScope\":\"local\"}");
}

static int ipam_caps(struct dh *h, struct json_object *req, char **ret_body)
{
	(void)h;
	(void)req;
	return reply_json(ret_body, "{\"RequiresMACAddress\":false,\"RequiresRequestReplay\":false}");
}

static int ipam_spaces(struct dh *h, struct json_object *req, char **ret_body)
{
	(void)h;
	(void)req;
	return reply_json(ret_body, "{\"LocalDefaultAddressSpace\":\"contiv\",\"GlobalDefaultAddressSpace\":\"contiv\"}");
}

static const struct {
	const char *path;
	bool body;	/* needs a JSON object */
	int (*fn)(struct dh *h, struct json_object *req, char **ret_body);
} calls[] = {
	{ "/Plugin.Activate", false, activate },
	{ "/Plugin.Deactivate", false, empty_ok },
	{ "/NetworkDriver.GetCapabilities", false, nd_caps },
	{ "/NetworkDriver.CreateNetwork", true, nd_create_network },
	{ "/NetworkDriver.DeleteNetwork", true, nd_delete_network },
	{ "/NetworkDriver.CreateEndpoint", true, nd_create_endpoint },
	{ "/NetworkDriver.DeleteEndpoint", true, nd_delete_endpoint },
	{ "/NetworkDriver.Join", true, nd_join },
	{ "/NetworkDriver.Leave", true, empty_ok },
	{ "/NetworkDriver.EndpointOperInfo", true, nd_oper_info },
	{ "/NetworkDriver.ProgramExternalConnectivity", true, nd_program_ext },
	{ "/NetworkDriver.RevokeExternalConnectivity", true, nd_revoke_ext },
	{ "/NetworkDriver.DiscoverNew", true, empty_ok },
	{ "/NetworkDriver.DiscoverDelete", true, empty_ok },
	{ "/IpamDriver.GetCapabilities", false, ipam_caps },
	{ "/IpamDriver.GetDefaultAddressSpaces", false, ipam_spaces },
	{ "/IpamDriver.RequestPool", true, ipam_request_pool },
	{ "/IpamDriver.ReleasePool", true, empty_ok },
	{ "/IpamDriver.RequestAddress", true, ipam_request_address },
	{ "/IpamDriver.ReleaseAddress", true, ipam_release_address },
};

int dh_handle(struct dh *h, const char *path, const char *body, size_t len, char **ret_body)
{
	struct json_object *req = NULL;
	struct json_tokener *tok;
	char qp[DU_QUOTE_MAX];
	int r;

	*ret_body = NULL;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (strcmp(path, calls[i].path))
			continue;
		if (calls[i].body) {
			if (!body || !len || memchr(body, '\0', len))
				return reply_err(ret_body, "%s: a JSON object is required", calls[i].path + 1);
			tok = json_tokener_new();
			if (!tok)
				return -ENOMEM;
			req = json_tokener_parse_ex(tok, body, (int)len);
			r = json_tokener_get_error(tok) == json_tokener_success && req &&
			    json_object_is_type(req, json_type_object);
			json_tokener_free(tok);
			if (!r) {
				json_object_put(req);
				return reply_err(ret_body, "%s: the body is not a JSON object", calls[i].path + 1);
			}
		}
		r = calls[i].fn(h, req, ret_body);
		json_object_put(req);
		return r;
	}
	r = reply_err(ret_body, "%s: no such call", du_quote(path, qp));
	return r < 0 ? r : 404;
}
