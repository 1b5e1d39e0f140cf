/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The policy compiler: collects networks, groups, policies, rules,
 * netprofiles and endpoints, resolves their references and builds the
 * program (group ids and members, one decision table per direction, DSCP
 * marks, SNAT subnets, DNAT port mappings). Pure: no I/O.
 *
 * Semantics (Contiv's, with the gaps filled):
 * - a rule of a policy attached to group G is applied to G: an "in" rule
 *   judges traffic whose destination is an endpoint of G (destination group
 *   = G; source = fromEndpointGroup, fromNetwork's subnet, fromIpAddress or
 *   any; destination address = toIpAddress or any); an "out" rule judges
 *   traffic whose source is an endpoint of G (source group = G; destination
 *   = toEndpointGroup, toNetwork's subnet, toIpAddress or any);
 * - protocol tcp/udp/icmp/number or any; the port (tcp/udp destination port)
 *   0 = any;
 * - per direction the highest priority wins; on equal priorities deny wins;
 * - the out table (rules of the source's group) and the in table (rules of
 *   the destination's group) are both consulted: a deny from either drops;
 * - no matching rule = allow; only new connections are judged.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <contiv/dp.h>
#include <contiv/object.h>

#include "policy-private.h"

CONTIV_EXPORT int contiv_policy_new(struct contiv_ctx *ctx, struct contiv_policy **ret)
{
	struct contiv_policy *p;

	contiv_return_val_if_fail(ctx && ret, -EINVAL);
	contiv_return_if_forked(ctx);
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->refcount = 1;
	p->ctx = contiv_ctx_ref(ctx);
	*ret = p;
	return 0;
}

CONTIV_EXPORT struct contiv_policy *contiv_policy_ref(struct contiv_policy *policy)
{
	if (policy)
		policy->refcount++;
	return policy;
}

static void free_compiled(struct contiv_policy *p)
{
	free(p->groups);
	free(p->members);
	free(p->rules);
	for (int i = 0; i < 2; i++)
		free(p->tables[i].cells);
	free(p->snat);
	free(p->bridges);
	p->groups = NULL;
	p->members = NULL;
	p->rules = NULL;
	memset(p->tables, 0, sizeof(p->tables));
	p->snat = NULL;
	p->bridges = NULL;
	p->ngroups = p->nmembers = p->nrules = p->nsnat = p->nbridges = p->ndscps = 0;
}

CONTIV_EXPORT struct contiv_policy *contiv_policy_unref(struct contiv_policy *policy)
{
	if (!policy || --policy->refcount > 0)
		return NULL;
	free_compiled(policy);
	for (size_t k = 0; k < CONTIV_ARRAY_SIZE(policy->objs); k++) {
		for (size_t i = 0; i < policy->objs[k].n; i++)
			contiv_object_unref(policy->objs[k].v[i]);
		free(policy->objs[k].v);
	}
	for (size_t i = 0; i < policy->ntags; i++)
		free(policy->tags[i].network);
	free(policy->tags);
	free(policy->dnat);
	contiv_ctx_unref(policy->ctx);
	free(policy);
	return NULL;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(contiv_object_get_key(*(struct contiv_object *const *)a),
		      contiv_object_get_key(*(struct contiv_object *const *)b));
}

/* The object of kind with key, or NULL (objs sorted at compile). */
static struct contiv_object *find(const struct contiv_policy *p, uint32_t kind, const char *key)
{
	const struct cpol_objs *o = &p->objs[kind];
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(contiv_object_get_key(o->v[mid]), key);

		if (!c)
			return o->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

CONTIV_EXPORT int contiv_policy_add_object(struct contiv_policy *policy, struct contiv_object *obj)
{
	uint32_t kind;
	struct cpol_objs *o;
	const char *key;
	char q[CONTIV_QUOTE_MAX];
	int r;

	contiv_return_val_if_fail(policy && obj, -EINVAL);
	contiv_return_if_forked(policy->ctx);
	if (policy->compiled)
		return contiv__error(policy->ctx, -EINVAL, "policy: already compiled");
	kind = contiv_object_get_kind(obj);
	if (kind != CONTIV_OBJECT_NETWORK && kind != CONTIV_OBJECT_GROUP &&
	    kind != CONTIV_OBJECT_POLICY && kind != CONTIV_OBJECT_RULE &&
	    kind != CONTIV_OBJECT_NETPROFILE && kind != CONTIV_OBJECT_ENDPOINT)
		return 0;
	r = contiv_object_validate(obj);
	if (r < 0) {
		if (policy->ctx != contiv__object_ctx(obj))
			return contiv__error(policy->ctx, r, "policy: %s",
					     contiv_ctx_get_error(contiv__object_ctx(obj)));
		return r;
	}
	key = contiv_object_get_key(obj);
	if (!key)
		return contiv__error(policy->ctx, -EINVAL, "policy: %s without a key",
				     contiv_object_kind_name(kind));
	o = &policy->objs[kind];
	/* duplicates are found at compile time when sorted; a linear check here
	 * would make adding n objects quadratic */
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		struct contiv_object **v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->v = v;
		o->cap = cap;
	}
	/* cheap check against the last one (the common mistake) */
	if (o->n && !strcmp(contiv_object_get_key(o->v[o->n - 1]), key))
		return contiv__error(policy->ctx, -EEXIST, "policy: %s \"%s\" already added",
				     contiv_object_kind_name(kind), contiv__quote(q, key));
	o->v[o->n++] = contiv_object_ref(obj);
	return 0;
}

CONTIV_EXPORT int contiv_policy_set_network_tag(struct contiv_policy *policy,
						const char *network_key, uint32_t encap,
						uint32_t tag)
{
	char buf[16];
	struct cpol_tag *v;

	contiv_return_val_if_fail(policy && network_key, -EINVAL);
	contiv_return_if_forked(policy->ctx);
	if (policy->compiled)
		return contiv__error(policy->ctx, -EINVAL, "policy: already compiled");
	if (!strchr(network_key, ':'))
		return contiv__error(policy->ctx, -EINVAL,
				     "policy: network key must be <tenant>:<network>");
	/* the dp layer's naming is the authority on valid tags */
	if ((encap == CONTIV_DP_VXLAN && (tag < 1 || tag > 16777215)) ||
	    (encap == CONTIV_DP_VLAN && (tag < 1 || tag > 4094)) ||
	    (encap != CONTIV_DP_VXLAN && encap != CONTIV_DP_VLAN))
		return contiv__error(policy->ctx, -EINVAL, "policy: encap %u tag %u: not valid",
				     encap, tag);
	(void)buf;
	for (size_t i = 0; i < policy->ntags; i++)
		if (!strcmp(policy->tags[i].network, network_key)) {
			policy->tags[i].encap = encap;
			policy->tags[i].tag = tag;
			return 0;
		}
	v = realloc(policy->tags, (policy->ntags + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	policy->tags = v;
	v[policy->ntags].network = strdup(network_key);
	if (!v[policy->ntags].network)
		return -ENOMEM;
	v[policy->ntags].encap = encap;
	v[policy->ntags].tag = tag;
	policy->ntags++;
	return 0;
}

CONTIV_EXPORT int contiv_policy_add_port_mapping(struct contiv_policy *policy,
						 const char *protocol, uint32_t host_port,
						 const char *endpoint_ip, uint32_t container_port)
{
	struct cpol_dnat d = { 0 }, *v;
	char q[CONTIV_QUOTE_MAX];

	contiv_return_val_if_fail(policy && protocol && endpoint_ip, -EINVAL);
	contiv_return_if_forked(policy->ctx);
	if (policy->compiled)
		return contiv__error(policy->ctx, -EINVAL, "policy: already compiled");
	if (!strcmp(protocol, "tcp"))
		d.proto = 6;
	else if (!strcmp(protocol, "udp"))
		d.proto = 17;
	else
		return contiv__error(policy->ctx, -EINVAL,
				     "policy: port mapping protocol \"%s\": must be tcp or udp",
				     contiv__quote(q, protocol));
	if (host_port < 1 || host_port > 65535 || container_port < 1 || container_port > 65535)
		return contiv__error(policy->ctx, -EINVAL,
				     "policy: port mapping %u -> %u: ports must be 1..65535",
				     host_port, container_port);
	if (contiv__parse_ipv4(endpoint_ip, &d.addr) < 0)
		return contiv__error(policy->ctx, -EINVAL,
				     "policy: port mapping to \"%s\": not an IPv4 address",
				     contiv__quote(q, endpoint_ip));
	d.host_port = (uint16_t)host_port;
	d.port = (uint16_t)container_port;
	for (size_t i = 0; i < policy->ndnat; i++)
		if (policy->dnat[i].proto == d.proto && policy->dnat[i].host_port == d.host_port)
			return contiv__error(policy->ctx, -EEXIST,
					     "policy: %s port %u is already mapped", protocol,
					     host_port);
	v = realloc(policy->dnat, (policy->ndnat + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	policy->dnat = v;
	v[policy->ndnat++] = d;
	return 0;
}

/* "<tenant>:<name>" into buf; -EINVAL when too long. */
static int join_key(char *buf, size_t len, const char *tenant, const char *name)
{
	/* not snprintf: called for every rule, it was a third of the compile time */
	size_t t = tenant ? strlen(tenant) : 0, n = name ? strlen(name) : 0;

	if (t + n + 2 > len)
		return -EINVAL;
	if (t)
		memcpy(buf, tenant, t);
	buf[t] = ':';
	if (n)
		memcpy(buf + t + 1, name, n);
	buf[t + 1 + n] = '\0';
	return 0;
}

#define KEYMAX 300

/* The bridge of a network (tag from set_network_tag or its pktTag). */
static int network_bridge(struct contiv_policy *p, const struct contiv_object *net,
			  char bridge[16])
{
	const char *key = contiv_object_get_key(net);
	const char *encap = contiv_object_get_str(net, CONTIV_NETWORK_ENCAP);
	uint32_t e = encap && !strcmp(encap, "vlan") ? CONTIV_DP_VLAN : CONTIV_DP_VXLAN;
	uint32_t tag = contiv_object_get_u32(net, CONTIV_NETWORK_PKT_TAG);
	char q[CONTIV_QUOTE_MAX];

	for (size_t i = 0; i < p->ntags; i++)
		if (!strcmp(p->tags[i].network, key)) {
			e = p->tags[i].encap;
			tag = p->tags[i].tag;
		}
	if (!tag)
		return contiv__error(p->ctx, -EINVAL, "policy: network \"%s\" has no tag",
				     contiv__quote(q, key));
	snprintf(bridge, 16, "%s%u", e == CONTIV_DP_VLAN ? "cvbv" : "cvbx", tag);
	return 0;
}

static int network_subnet(struct contiv_policy *p, const struct contiv_object *net,
			  uint32_t *first, uint32_t *last)
{
	struct contiv__subnet4 s;
	const char *why, *text = contiv_object_get_str(net, CONTIV_NETWORK_SUBNET);
	char q[CONTIV_QUOTE_MAX];

	if (!text || contiv__parse_subnet4(text, &s, &why) < 0)
		return contiv__error(p->ctx, -EINVAL, "policy: network \"%s\" has no IPv4 subnet",
				     contiv__quote(q, contiv_object_get_key(net)));
	*first = s.network;
	*last = s.network | ~contiv__mask4(s.len);
	return 0;
}

static int parse_cidr(struct contiv_policy *p, const char *rule, const char *text,
		      uint32_t *first, uint32_t *last)
{
	char q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];

	if (strchr(text, '/')) {
		struct contiv__subnet4 s;
		const char *why;

		if (contiv__parse_subnet4(text, &s, &why) < 0 || s.has_range)
			goto bad;
		*first = s.network;
		*last = s.network | ~contiv__mask4(s.len);
		return 0;
	}
	if (contiv__parse_ipv4(text, first) < 0)
		goto bad;
	*last = *first;
	return 0;
bad:
	return contiv__error(p->ctx, -EINVAL, "policy: rule \"%s\": address \"%s\" is not IPv4",
			     contiv__quote(q, rule), contiv__quote(q2, text));
}

static struct cpol_group *group_by_key(struct contiv_policy *p, const char *key)
{
	size_t lo = 0, hi = p->ngroups;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->groups[mid].key, key);

		if (!c)
			return &p->groups[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Fills ru from the rule object applied to group g. */
static int apply_rule(struct contiv_policy *p, const struct contiv_object *o,
		      const struct cpol_group *g, struct cpol_rule *ru)
{
	const char *rkey = contiv_object_get_key(o);
	const char *tenant = contiv_object_get_str(o, CONTIV_RULE_TENANT);
	const char *dir = contiv_object_get_str(o, CONTIV_RULE_DIRECTION);
	const char *proto = contiv_object_get_str(o, CONTIV_RULE_PROTOCOL);
	const char *action = contiv_object_get_str(o, CONTIV_RULE_ACTION);
	bool in = dir && !strcmp(dir, "in");
	char key[KEYMAX], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	int own = in ? CPOL_DGID : CPOL_SGID, peer = in ? CPOL_SGID : CPOL_DGID;
	int peer_addr = in ? CPOL_SADDR : CPOL_DADDR;
	uint32_t port = contiv_object_get_u32(o, CONTIV_RULE_PORT);
	const char *s;
	int r;

	memset(ru, 0, sizeof(*ru));
	ru->rule_key = rkey;
	ru->group_key = g->key;
	ru->dir = in ? CPOL_IN : CPOL_OUT;
	ru->deny = action && !strcmp(action, "deny");
	ru->priority = contiv_object_is_set(o, CONTIV_RULE_PRIORITY) ?
			       contiv_object_get_u32(o, CONTIV_RULE_PRIORITY) : 1;
	for (int d = 0; d < CPOL_NDIMS; d++)
		ru->hi[d] = contiv__policy_dim_max[d];
	ru->lo[own] = ru->hi[own] = g->id;

	s = contiv_object_get_str(o, in ? CONTIV_RULE_FROM_GROUP : CONTIV_RULE_TO_GROUP);
	if (s && *s) {
		const struct cpol_group *pg;

		if (join_key(key, sizeof(key), tenant, s) < 0 || !(pg = group_by_key(p, key)))
			return contiv__error(p->ctx, -EINVAL,
					     "policy: rule \"%s\" refers to group \"%s\", not added",
					     contiv__quote(q, rkey), contiv__quote(q2, s));
		ru->lo[peer] = ru->hi[peer] = pg->id;
	}
	s = contiv_object_get_str(o, in ? CONTIV_RULE_FROM_NETWORK : CONTIV_RULE_TO_NETWORK);
	if (s && *s) {
		const struct contiv_object *net;

		if (join_key(key, sizeof(key), tenant, s) < 0 ||
		    !(net = find(p, CONTIV_OBJECT_NETWORK, key)))
			return contiv__error(p->ctx, -EINVAL,
					     "policy: rule \"%s\" refers to network \"%s\", not added",
					     contiv__quote(q, rkey), contiv__quote(q2, s));
		r = network_subnet(p, net, &ru->lo[peer_addr], &ru->hi[peer_addr]);
		if (r < 0)
			return r;
	}
	s = contiv_object_get_str(o, in ? CONTIV_RULE_FROM_IP : CONTIV_RULE_TO_IP);
	if (s && *s) {
		r = parse_cidr(p, rkey, s, &ru->lo[peer_addr], &ru->hi[peer_addr]);
		if (r < 0)
			return r;
	}
	/* an in rule may name one destination address (an endpoint of the group) */
	s = in ? contiv_object_get_str(o, CONTIV_RULE_TO_IP) : NULL;
	if (s && *s) {
		r = parse_cidr(p, rkey, s, &ru->lo[CPOL_DADDR], &ru->hi[CPOL_DADDR]);
		if (r < 0)
			return r;
	}
	if (proto && *proto) {
		uint32_t n;

		if (!strcmp(proto, "tcp"))
			n = 6;
		else if (!strcmp(proto, "udp"))
			n = 17;
		else if (!strcmp(proto, "icmp"))
			n = 1;
		else if (!strcmp(proto, "igmp"))
			n = 2;
		else if (contiv__parse_u32(proto, 255, &n) < 0)
			return contiv__error(p->ctx, -EINVAL, "policy: rule \"%s\": protocol \"%s\"",
					     contiv__quote(q, rkey), contiv__quote(q2, proto));
		ru->lo[CPOL_PROTO] = ru->hi[CPOL_PROTO] = n;
		if (port && (n == 6 || n == 17))
			ru->lo[CPOL_PORT] = ru->hi[CPOL_PORT] = port;
	}
	return 0;
}

static int push(void **v, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		void *nv = realloc(*v, c * sz);

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	const struct cpol_member *x = a, *y = b;
	int c = strcmp(x->bridge, y->bridge);

	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int subnet_cmp(const void *a, const void *b)
{
	const struct cpol_subnet *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static int bridge_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Both NULL or equal. */
static bool streq0(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int compile(struct contiv_policy *p)
{
	struct cpol_objs *o;
	char key[KEYMAX], q[CONTIV_QUOTE_MAX], q2[CONTIV_QUOTE_MAX];
	size_t cap;
	int r;

	for (size_t k = 0; k < CONTIV_ARRAY_SIZE(p->objs); k++) {
		o = &p->objs[k];
		if (o->n > 1)
			qsort(o->v, o->n, sizeof(*o->v), key_cmp);
		for (size_t i = 1; i < o->n; i++)
			if (!strcmp(contiv_object_get_key(o->v[i - 1]), contiv_object_get_key(o->v[i])))
				return contiv__error(p->ctx, -EEXIST,
						     "policy: %s \"%s\" added twice",
						     contiv_object_kind_name((uint32_t)k),
						     contiv__quote(q, contiv_object_get_key(o->v[i])));
	}

	/* networks: bridges, SNAT subnets */
	o = &p->objs[CONTIV_OBJECT_NETWORK];
	p->bridges = calloc(o->n ?: 1, sizeof(*p->bridges));
	p->snat = calloc(o->n ?: 1, sizeof(*p->snat));
	if (!p->bridges || !p->snat)
		return -ENOMEM;
	for (size_t i = 0; i < o->n; i++) {
		char br[16];

		r = network_bridge(p, o->v[i], br);
		if (r < 0)
			return r;
		memcpy(p->bridges[p->nbridges++], br, 16);
		if (contiv_object_is_set(o->v[i], CONTIV_NETWORK_GATEWAY) &&
		    contiv_object_is_set(o->v[i], CONTIV_NETWORK_SUBNET)) {
			r = network_subnet(p, o->v[i], &p->snat[p->nsnat].first,
					   &p->snat[p->nsnat].last);
			if (r < 0)
				return r;
			p->nsnat++;
		}
	}
	qsort(p->bridges, p->nbridges, sizeof(*p->bridges), bridge_cmp);
	/* merge overlapping subnets (tenants may reuse them) */
	qsort(p->snat, p->nsnat, sizeof(*p->snat), subnet_cmp);
	if (p->nsnat) {
		size_t w = 0;

		for (size_t i = 1; i < p->nsnat; i++) {
			if (p->snat[w].last == UINT32_MAX || p->snat[i].first <= p->snat[w].last + 1) {
				if (p->snat[i].last > p->snat[w].last)
					p->snat[w].last = p->snat[i].last;
			} else {
				p->snat[++w] = p->snat[i];
			}
		}
		p->nsnat = w + 1;
	}

	/* groups: ids in key order, DSCP of the netprofile */
	o = &p->objs[CONTIV_OBJECT_GROUP];
	p->groups = calloc(o->n ?: 1, sizeof(*p->groups));
	if (!p->groups)
		return -ENOMEM;
	for (size_t i = 0; i < o->n; i++) {
		struct cpol_group *g = &p->groups[p->ngroups++];
		const char *tenant = contiv_object_get_str(o->v[i], CONTIV_GROUP_TENANT);
		const char *s;

		g->key = contiv_object_get_key(o->v[i]);
		g->id = (uint32_t)i + 1;
		s = contiv_object_get_str(o->v[i], CONTIV_GROUP_NETWORK);
		if (join_key(key, sizeof(key), tenant, s) < 0 ||
		    !find(p, CONTIV_OBJECT_NETWORK, key))
			return contiv__error(p->ctx, -EINVAL,
					     "policy: group \"%s\" refers to network \"%s\", not added",
					     contiv__quote(q, g->key), contiv__quote(q2, s));
		s = contiv_object_get_str(o->v[i], CONTIV_GROUP_NETPROFILE);
		if (s && *s) {
			const struct contiv_object *np;

			if (join_key(key, sizeof(key), tenant, s) < 0 ||
			    !(np = find(p, CONTIV_OBJECT_NETPROFILE, key)))
				return contiv__error(p->ctx, -EINVAL,
						     "policy: group \"%s\" refers to netprofile \"%s\", not added",
						     contiv__quote(q, g->key), contiv__quote(q2, s));
			g->dscp = contiv_object_get_u32(np, CONTIV_NETPROFILE_DSCP);
		}
		for (size_t j = 0; j < contiv_object_list_count(o->v[i], CONTIV_GROUP_POLICIES); j++) {
			s = contiv_object_list_get(o->v[i], CONTIV_GROUP_POLICIES, j);
			if (join_key(key, sizeof(key), tenant, s) < 0 ||
			    !find(p, CONTIV_OBJECT_POLICY, key))
				return contiv__error(p->ctx, -EINVAL,
						     "policy: group \"%s\" refers to policy \"%s\", not added",
						     contiv__quote(q, g->key), contiv__quote(q2, s));
		}
	}
	for (size_t i = 0; i < p->ngroups; i++)
		if (p->groups[i].dscp) {
			bool seen = false;

			for (size_t j = 0; j < p->ndscps; j++)
				seen |= p->dscps[j] == p->groups[i].dscp;
			if (!seen)
				p->dscps[p->ndscps++] = p->groups[i].dscp;
		}

	/* rules: each must belong to an added policy (sorted: a policy's rules
	 * follow each other, so look each policy up once) */
	o = &p->objs[CONTIV_OBJECT_RULE];
	for (size_t i = 0; i < o->n; i++) {
		const char *pol = contiv_object_get_str(o->v[i], CONTIV_RULE_POLICY);
		const char *tenant = contiv_object_get_str(o->v[i], CONTIV_RULE_TENANT);

		if (i && streq0(pol, contiv_object_get_str(o->v[i - 1], CONTIV_RULE_POLICY)) &&
		    streq0(tenant, contiv_object_get_str(o->v[i - 1], CONTIV_RULE_TENANT)))
			continue;
		if (join_key(key, sizeof(key), tenant, pol) < 0 || !find(p, CONTIV_OBJECT_POLICY, key))
			return contiv__error(p->ctx, -EINVAL,
					     "policy: rule \"%s\" refers to policy \"%s\", not added",
					     contiv__quote(q, contiv_object_get_key(o->v[i])),
					     contiv__quote(q2, pol));
	}
	/* rules applied to groups: for each group, its policies' rules (key order) */
	cap = 0;
	for (size_t gi = 0; gi < p->ngroups; gi++) {
		const struct contiv_object *go = p->objs[CONTIV_OBJECT_GROUP].v[gi];
		const char *tenant = contiv_object_get_str(go, CONTIV_GROUP_TENANT);

		for (size_t j = 0; j < contiv_object_list_count(go, CONTIV_GROUP_POLICIES); j++) {
			const char *pol = contiv_object_list_get(go, CONTIV_GROUP_POLICIES, j);
			size_t lo = 0, hi = o->n, plen;

			/* rules of the policy: keys "<tenant>:<policy>:" are contiguous */
			if (snprintf(key, sizeof(key), "%s:%s:", tenant, pol) >= (int)sizeof(key))
				continue;
			plen = strlen(key);
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (strcmp(contiv_object_get_key(o->v[mid]), key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < o->n && !strncmp(contiv_object_get_key(o->v[lo]), key, plen); lo++) {
				r = push((void **)&p->rules, &p->nrules, &cap, sizeof(*p->rules));
				if (r < 0)
					return r;
				r = apply_rule(p, o->v[lo], &p->groups[gi], &p->rules[p->nrules]);
				if (r < 0)
					return r;
				p->rules[p->nrules].index = (uint32_t)p->nrules + 1;
				p->nrules++;
			}
		}
	}

	/* members: endpoints with an IPv4 address, by bridge + address */
	o = &p->objs[CONTIV_OBJECT_ENDPOINT];
	p->members = calloc(o->n ?: 1, sizeof(*p->members));
	if (!p->members)
		return -ENOMEM;
	for (size_t i = 0; i < o->n; i++) {
		const struct contiv_object *e = o->v[i];
		const char *tenant = contiv_object_get_str(e, CONTIV_ENDPOINT_TENANT);
		const char *net = contiv_object_get_str(e, CONTIV_ENDPOINT_NETWORK);
		const char *grp = contiv_object_get_str(e, CONTIV_ENDPOINT_GROUP);
		const char *ip = contiv_object_get_str(e, CONTIV_ENDPOINT_IPV4_ADDRESS);
		const char *ekey = contiv_object_get_key(e);
		struct cpol_member *m = &p->members[p->nmembers];
		const struct contiv_object *no;

		if (!ip || !*ip)
			continue;
		if (join_key(key, sizeof(key), tenant, net) < 0 ||
		    !(no = find(p, CONTIV_OBJECT_NETWORK, key)))
			return contiv__error(p->ctx, -EINVAL,
					     "policy: endpoint \"%s\" refers to network \"%s\", not added",
					     contiv__quote(q, ekey), contiv__quote(q2, net));
		r = network_bridge(p, no, m->bridge);
		if (r < 0)
			return r;
		if (contiv__parse_ipv4(ip, &m->addr) < 0)
			return contiv__error(p->ctx, -EINVAL, "policy: endpoint \"%s\": bad address",
					     contiv__quote(q, ekey));
		m->endpoint = ekey;
		if (grp && *grp) {
			const struct cpol_group *g;

			if (join_key(key, sizeof(key), tenant, grp) < 0 ||
			    !(g = group_by_key(p, key)))
				return contiv__error(p->ctx, -EINVAL,
						     "policy: endpoint \"%s\" refers to group \"%s\", not added",
						     contiv__quote(q, ekey), contiv__quote(q2, grp));
			m->gid = g->id;
			m->dscp = g->dscp;
		}
		p->nmembers++;
	}
	qsort(p->members, p->nmembers, sizeof(*p->members), member_cmp);
	for (size_t i = 1; i < p->nmembers; i++)
		if (!member_cmp(&p->members[i - 1], &p->members[i])) {
			char a[16];

			contiv__format_ipv4(p->members[i].addr, a);
			return contiv__error(p->ctx, -EINVAL,
					     "policy: endpoints \"%s\" and \"%s\" share address %s on %s",
					     contiv__quote(q, p->members[i - 1].endpoint),
					     contiv__quote(q2, p->members[i].endpoint), a,
					     p->members[i].bridge);
		}

	r = contiv__policy_name_chains(p);
	if (r < 0)
		return r;
	r = contiv__policy_build_table(p, CPOL_OUT);
	if (r < 0)
		return r;
	return contiv__policy_build_table(p, CPOL_IN);
}

CONTIV_EXPORT int contiv_policy_compile(struct contiv_policy *policy)
{
	int r;

	contiv_return_val_if_fail(policy, -EINVAL);
	contiv_return_if_forked(policy->ctx);
	free_compiled(policy);
	policy->compiled = false;
	r = compile(policy);
	if (r < 0) {
		free_compiled(policy);
		return r;
	}
	policy->compiled = true;
	return (int)(policy->tables[0].n + policy->tables[1].n);
}
