/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The compiled program as JSON (datapath-neutral) and as an nft(8) script. */
#include "config.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy-private.h"

/* ---- JSON ---- */

static json_object *range_json(uint32_t lo, uint32_t hi, bool addr)
{
	json_object *a = json_object_new_array();
	char b[16];

	if (addr) {
		contiv__format_ipv4(lo, b);
		json_object_array_add(a, json_object_new_string(b));
		contiv__format_ipv4(hi, b);
		json_object_array_add(a, json_object_new_string(b));
	} else {
		json_object_array_add(a, json_object_new_int64(lo));
		json_object_array_add(a, json_object_new_int64(hi));
	}
	return a;
}

static const char *const dim_names[CPOL_NDIMS] = {
	"srcGroup", "dstGroup", "protocol", "port", "srcAddress", "dstAddress",
};

CONTIV_EXPORT int contiv_policy_to_json(const struct contiv_policy *policy, char **ret)
{
	json_object *root, *a;
	char b[16];
	const char *text;

	contiv_return_val_if_fail(policy && ret, -EINVAL);
	if (!policy->compiled)
		return contiv__error(policy->ctx, -EINVAL, "policy: not compiled");
	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	a = json_object_new_array();
	for (size_t i = 0; i < policy->ngroups; i++) {
		json_object *g = json_object_new_object();

		json_object_object_add(g, "group", json_object_new_string(policy->groups[i].key));
		json_object_object_add(g, "id", json_object_new_int64(policy->groups[i].id));
		json_object_object_add(g, "dscp", json_object_new_int64(policy->groups[i].dscp));
		json_object_array_add(a, g);
	}
	json_object_object_add(root, "groups", a);
	a = json_object_new_array();
	for (size_t i = 0; i < policy->nmembers; i++) {
		const struct cpol_member *m = &policy->members[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "endpoint", json_object_new_string(m->endpoint));
		json_object_object_add(o, "bridge", json_object_new_string(m->bridge));
		contiv__format_ipv4(m->addr, b);
		json_object_object_add(o, "address", json_object_new_string(b));
		json_object_object_add(o, "groupId", json_object_new_int64(m->gid));
		json_object_object_add(o, "dscp", json_object_new_int64(m->dscp));
		json_object_array_add(a, o);
	}
	json_object_object_add(root, "members", a);
	a = json_object_new_array();
	for (size_t i = 0; i < policy->nrules; i++) {
		const struct cpol_rule *r = &policy->rules[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "index", json_object_new_int64(r->index));
		json_object_object_add(o, "chain", json_object_new_string(r->chain));
		json_object_object_add(o, "rule", json_object_new_string(r->rule_key));
		json_object_object_add(o, "group", json_object_new_string(r->group_key));
		json_object_object_add(o, "direction",
				       json_object_new_string(r->dir == CPOL_IN ? "in" : "out"));
		json_object_object_add(o, "priority", json_object_new_int64(r->priority));
		json_object_object_add(o, "action", json_object_new_string(r->deny ? "deny" : "allow"));
		for (int d = 0; d < CPOL_NDIMS; d++)
			json_object_object_add(o, dim_names[d],
					       range_json(r->lo[d], r->hi[d], d >= CPOL_SADDR));
		json_object_array_add(a, o);
	}
	json_object_object_add(root, "rules", a);
	for (int dir = 0; dir < 2; dir++) {
		const struct cpol_table *t = &policy->tables[dir];

		a = json_object_new_array();
		for (size_t i = 0; i < t->n; i++) {
			const struct cpol_cell *c = &t->cells[i];
			const struct cpol_rule *r = &policy->rules[c->rule];
			json_object *o = json_object_new_object();

			for (int d = 0; d < CPOL_NDIMS; d++)
				json_object_object_add(o, dim_names[d],
						       range_json(c->lo[d], c->hi[d], d >= CPOL_SADDR));
			json_object_object_add(o, "verdict",
					       json_object_new_string(r->deny ? "deny" : "allow"));
			json_object_object_add(o, "rule", json_object_new_int64(r->index));
			json_object_array_add(a, o);
		}
		json_object_object_add(root, dir == CPOL_IN ? "inCells" : "outCells", a);
	}
	a = json_object_new_array();
	for (size_t i = 0; i < policy->nsnat; i++) {
		char b2[16];
		char s[40];

		contiv__format_ipv4(policy->snat[i].first, b);
		contiv__format_ipv4(policy->snat[i].last, b2);
		snprintf(s, sizeof(s), "%s-%s", b, b2);
		json_object_array_add(a, json_object_new_string(s));
	}
	json_object_object_add(root, "snat", a);
	a = json_object_new_array();
	for (size_t i = 0; i < policy->nbridges; i++)
		json_object_array_add(a, json_object_new_string(policy->bridges[i]));
	json_object_object_add(root, "bridges", a);
	a = json_object_new_array();
	for (size_t i = 0; i < policy->ndnat; i++) {
		const struct cpol_dnat *d = &policy->dnat[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "protocol",
				       json_object_new_string(d->proto == 6 ? "tcp" : "udp"));
		json_object_object_add(o, "hostPort", json_object_new_int64(d->host_port));
		contiv__format_ipv4(d->addr, b);
		json_object_object_add(o, "address", json_object_new_string(b));
		json_object_object_add(o, "port", json_object_new_int64(d->port));
		json_object_array_add(a, o);
	}
	json_object_object_add(root, "dnat", a);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	*ret = text ? strdup(text) : NULL;
	json_object_put(root);
	return *ret ? 0 : -ENOMEM;
}

/* ---- nft(8) text ---- */

struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) contiv__printf(2, 3);
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 4096;
		while (cap <= b->n + (size_t)n)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

static void sb_range(struct sbuf *b, uint32_t lo, uint32_t hi, bool addr)
{
	char x[16], y[16];

	if (addr) {
		contiv__format_ipv4(lo, x);
		contiv__format_ipv4(hi, y);
		if (lo == hi)
			sb_printf(b, "%s", x);
		else
			sb_printf(b, "%s-%s", x, y);
	} else if (lo == hi) {
		sb_printf(b, "%u", lo);
	} else {
		sb_printf(b, "%u-%u", lo, hi);
	}
}

/* The expressions of table t's key, in the datapath's order (policy-private.h). */
static void nft_key(struct sbuf *b, const struct cpol_table *t)
{
	static const char *const expr[CPOL_NDIMS] = { "meta mark", "ct mark", "meta l4proto",
						      "th dport", "ip saddr", "ip daddr" };

	for (int k = 0; k < (t->addrs ? CPOL_NDIMS : CPOL_SADDR); k++)
		sb_printf(b, "%s%s", k ? " . " : "", expr[contiv__policy_key_dim(t, k)]);
}

static void nft_cells(struct sbuf *b, const struct contiv_policy *p, int dir)
{
	const struct cpol_table *t = &p->tables[dir];
	int nd = t->addrs ? CPOL_NDIMS : CPOL_SADDR;

	if (!t->n)
		return;
	sb_printf(b, "\tmap %s {\n\t\ttypeof ", dir == CPOL_IN ? "in_cells" : "out_cells");
	nft_key(b, t);
	sb_printf(b, " : verdict\n\t\tflags interval\n\t\telements = {");
	for (size_t i = 0; i < t->n; i++) {
		const struct cpol_cell *c = &t->cells[i];
		const struct cpol_rule *r = &p->rules[c->rule];

		sb_printf(b, "%s\n\t\t\t", i ? "," : "");
		for (int k = 0; k < nd; k++) {
			int d = contiv__policy_key_dim(t, k);

			if (k)
				sb_printf(b, " . ");
			sb_range(b, c->lo[d], c->hi[d], d >= CPOL_SADDR);
		}
		sb_printf(b, " : %s %s", dir == CPOL_OUT && !r->deny ? "jump" : "goto", r->chain);
	}
	sb_printf(b, "\n\t\t}\n\t}\n");
}

CONTIV_EXPORT int contiv_policy_to_nft(const struct contiv_policy *policy, char **ret)
{
	const struct contiv_policy *p = policy;
	struct sbuf b = { 0 };
	char a[16], z[16];

	contiv_return_val_if_fail(policy && ret, -EINVAL);
	if (!policy->compiled)
		return contiv__error(policy->ctx, -EINVAL, "policy: not compiled");
	sb_printf(&b, "table inet contiv {\n");
	/* group ids of endpoints (catch-all: 0) */
	sb_printf(&b, "\tmap members {\n\t\ttype ifname . ipv4_addr : mark\n\t\telements = {");
	for (size_t i = 0; i < p->nmembers; i++) {
		contiv__format_ipv4(p->members[i].addr, a);
		sb_printf(&b, "\n\t\t\t\"%s\" . %s : %u,", p->members[i].bridge, a, p->members[i].gid);
	}
	sb_printf(&b, "\n\t\t\t* : 0\n\t\t}\n\t}\n");
	nft_cells(&b, p, CPOL_OUT);
	nft_cells(&b, p, CPOL_IN);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cpol_rule *r = &p->rules[i];

		sb_printf(&b, "\tchain %s {\n\t\tcounter%s comment \"%s %s\"\n\t}\n",
			  r->chain, r->deny ? " drop" : r->dir == CPOL_IN ? " accept" : "",
			  r->group_key, r->rule_key);
	}
	if (p->ndscps) {
		bool first = true;

		sb_printf(&b, "\tmap dscp {\n\t\ttype ifname . ipv4_addr : verdict\n\t\telements = {");
		for (size_t i = 0; i < p->nmembers; i++) {
			if (!p->members[i].dscp)
				continue;
			contiv__format_ipv4(p->members[i].addr, a);
			sb_printf(&b, "%s\n\t\t\t\"%s\" . %s : jump dscp%u", first ? "" : ",",
				  p->members[i].bridge, a, p->members[i].dscp);
			first = false;
		}
		sb_printf(&b, "\n\t\t}\n\t}\n");
		for (size_t i = 0; i < p->ndscps; i++)
			sb_printf(&b, "\tchain dscp%u {\n\t\tip dscp set %u\n\t}\n", p->dscps[i],
				  p->dscps[i]);
	}
	sb_printf(&b, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n");
	if (p->ndscps)
		sb_printf(&b, "\t\tmeta nfproto ipv4 iifname . ip saddr vmap @dscp\n");
	sb_printf(&b, "\t\tct state established,related accept\n");
	if (p->tables[0].n || p->tables[1].n) {
		/*
		 * contiv_dp_apply_policy() puts both group ids in registers and
		 * concatenates them into the key; nft(8)'s syntax cannot say that,
		 * so the script carries them in meta mark and ct mark instead.
		 */
		sb_printf(&b, "\t\tmeta nfproto ipv4 meta mark set iifname . ip saddr map @members\n"
			      "\t\tmeta nfproto ipv4 ct mark set oifname . ip daddr map @members\n");
		for (int dir = 0; dir < 2; dir++) {
			if (!p->tables[dir].n)
				continue;
			sb_printf(&b, "\t\tmeta nfproto ipv4 ");
			nft_key(&b, &p->tables[dir]);
			sb_printf(&b, " vmap @%s\n", dir == CPOL_IN ? "in_cells" : "out_cells");
		}
	}
	sb_printf(&b, "\t}\n");
	/* NAT */
	for (int proto = 6; proto <= 17; proto += 11) {
		bool first = true;

		for (size_t i = 0; i < p->ndnat; i++) {
			if (p->dnat[i].proto != proto)
				continue;
			if (first)
				sb_printf(&b, "\tmap dnat_%s {\n\t\ttype inet_service : ipv4_addr . inet_service\n\t\telements = {",
					  proto == 6 ? "tcp" : "udp");
			contiv__format_ipv4(p->dnat[i].addr, a);
			sb_printf(&b, "%s\n\t\t\t%u : %s . %u", first ? "" : ",", p->dnat[i].host_port,
				  a, p->dnat[i].port);
			first = false;
		}
		if (!first)
			sb_printf(&b, "\n\t\t}\n\t}\n");
	}
	if (p->ndnat) {
		for (int hook = 0; hook < 2; hook++) {
			sb_printf(&b, "\tchain %s {\n\t\ttype nat hook %s priority -100; policy accept;\n",
				  hook ? "output" : "prerouting", hook ? "output" : "prerouting");
			for (int proto = 6; proto <= 17; proto += 11) {
				bool any = false;

				for (size_t i = 0; i < p->ndnat; i++)
					any |= p->dnat[i].proto == proto;
				if (any)
					sb_printf(&b, "\t\tmeta nfproto ipv4 fib daddr type local dnat ip to %s dport map @dnat_%s\n",
						  proto == 6 ? "tcp" : "udp", proto == 6 ? "tcp" : "udp");
			}
			sb_printf(&b, "\t}\n");
		}
	}
	if (p->nsnat) {
		sb_printf(&b, "\tset snat_nets {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = {");
		for (size_t i = 0; i < p->nsnat; i++) {
			contiv__format_ipv4(p->snat[i].first, a);
			contiv__format_ipv4(p->snat[i].last, z);
			sb_printf(&b, "%s %s-%s", i ? "," : "", a, z);
		}
		sb_printf(&b, " }\n\t}\n");
		sb_printf(&b, "\tset bridges {\n\t\ttype ifname\n");
		for (size_t i = 0; i < p->nbridges; i++)
			sb_printf(&b, "%s\"%s\"", i ? ", " : "\t\telements = { ", p->bridges[i]);
		sb_printf(&b, "%s\t}\n", p->nbridges ? " }\n" : "");
		sb_printf(&b, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
			      "\t\tmeta nfproto ipv4 ip saddr @snat_nets oifname != @bridges masquerade\n\t}\n");
	}
	sb_printf(&b, "}\n");
	if (b.oom) {
		free(b.s);
		return -ENOMEM;
	}
	*ret = b.s;
	return 0;
}
