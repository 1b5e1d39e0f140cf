/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in DNS's answer to one query: pure (a packet in, a packet or a
 * verdict out). ldns parses the query and builds the reply; nothing here
 * reads or writes DNS wire format by hand.
 */
#include "config.h"

#include <stdlib.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "libcontiv-private.h"
#include "agent/dns-private.h"

struct addrs {
	uint8_t (*v)[16];
	int *family;
	size_t n, cap;
	bool oom;
	int cur_family;
};

static void collect(const uint8_t *addr, void *userdata)
{
	struct addrs *a = userdata;

	if (a->n == a->cap) {
		size_t c = a->cap ? a->cap * 2 : 16;
		void *v = realloc(a->v, c * sizeof(*a->v)), *f;

		if (!v) {
			a->oom = true;
			return;
		}
		a->v = v;
		f = realloc(a->family, c * sizeof(*a->family));
		if (!f) {
			a->oom = true;
			return;
		}
		a->family = f;
		a->cap = c;
	}
	memcpy(a->v[a->n], addr, 16);
	a->family[a->n++] = a->cur_family;
}

/* The reply skeleton: same id, opcode, RD and question; QR and RA set. */
static ldns_pkt *reply_new(const ldns_pkt *q, ldns_pkt_rcode rcode)
{
	ldns_pkt *r = ldns_pkt_new();
	ldns_rr_list *qs = ldns_pkt_question(q);

	if (!r)
		return NULL;
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	ldns_pkt_set_ra(r, true);	/* other names are forwarded upstream */
	ldns_pkt_set_rcode(r, (uint8_t)rcode);
	if (ldns_pkt_get_opcode(q) == LDNS_PACKET_QUERY && ldns_pkt_qdcount(q) == 1 &&
	    ldns_rr_list_rr_count(qs) == 1) {
		ldns_rr *qr = ldns_rr_clone(ldns_rr_list_rr(qs, 0));

		if (!qr || !ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, qr)) {
			ldns_rr_free(qr);
			ldns_pkt_free(r);
			return NULL;
		}
	}
	if (ldns_pkt_edns(q))
		ldns_pkt_set_edns_udp_size(r, CONTIV__DNS_EDNS_MAX);
	return r;
}

static int to_wire(ldns_pkt *p, uint8_t **ret, size_t *ret_len)
{
	uint8_t *wire = NULL;
	size_t len = 0;

	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK || !wire) {
		free(wire);
		return -ENOMEM;
	}
	*ret = wire;
	*ret_len = len;
	return 0;
}

/* A reply with the first N addresses of A as answers to question QR. */
static int build_answer(const ldns_pkt *q, const ldns_rr *qr, const struct addrs *a, size_t n,
			bool tc, uint8_t **ret, size_t *ret_len)
{
	ldns_pkt *r = reply_new(q, LDNS_RCODE_NOERROR);
	int err = 0;

	if (!r)
		return -ENOMEM;
	ldns_pkt_set_aa(r, true);
	ldns_pkt_set_tc(r, tc);
	for (size_t i = 0; i < n && !err; i++) {
		bool v4 = a->family[i] == AF_INET;
		ldns_rr *rr = ldns_rr_new();
		ldns_rdf *owner = ldns_rdf_clone(ldns_rr_owner(qr));
		ldns_rdf *data = ldns_rdf_new_frm_data(v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA,
						       v4 ? 4 : 16, a->v[i]);

		if (!rr || !owner || !data) {
			ldns_rr_free(rr);
			ldns_rdf_deep_free(owner);
			ldns_rdf_deep_free(data);
			err = -ENOMEM;
			break;
		}
		ldns_rr_set_owner(rr, owner);
		ldns_rr_set_type(rr, v4 ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA);
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		ldns_rr_set_ttl(rr, CONTIV__DNS_TTL);
		if (!ldns_rr_push_rdf(rr, data)) {
			ldns_rdf_deep_free(data);
			ldns_rr_free(rr);
			err = -ENOMEM;
			break;
		}
		if (!ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr)) {
			ldns_rr_free(rr);
			err = -ENOMEM;
		}
	}
	if (!err)
		err = to_wire(r, ret, ret_len);
	ldns_pkt_free(r);
	return err;
}

static int error_reply(const ldns_pkt *q, ldns_pkt_rcode rcode, uint8_t **ret, size_t *ret_len)
{
	ldns_pkt *r = reply_new(q, rcode);
	int err;

	if (!r)
		return -ENOMEM;
	err = to_wire(r, ret, ret_len);
	ldns_pkt_free(r);
	return err < 0 ? err : CONTIV__DNS_REPLY;
}

/* The question's name in lower case without the final dot, or NULL. */
static char *question_name(const ldns_rr *qr)
{
	char *s = ldns_rdf2str(ldns_rr_owner(qr));
	size_t len;

	if (!s)
		return NULL;
	len = strlen(s);
	if (len && s[len - 1] == '.')
		s[--len] = '\0';
	for (char *c = s; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return s;
}

static int answer_name(const struct contiv__dns_names *t, const char *tenant, bool tcp, const ldns_pkt *q,
		       const ldns_rr *qr, uint8_t **ret, size_t *ret_len)
{
	ldns_rr_type type = ldns_rr_get_type(qr);
	size_t limit = CONTIV__DNS_UDP_MAX, n, len = 0;
	struct addrs a = { 0 };
	uint8_t *wire = NULL;
	char *name = question_name(qr);
	int err;

	if (!name)
		return -ENOMEM;
	if (!*name || !contiv__dns_names_lookup(t, tenant, name, AF_INET, NULL, NULL)) {
		free(name);
		return CONTIV__DNS_FORWARD;
	}
	if (type == LDNS_RR_TYPE_A || type == LDNS_RR_TYPE_ANY) {
		a.cur_family = AF_INET;
		contiv__dns_names_lookup(t, tenant, name, AF_INET, collect, &a);
	}
	if (type == LDNS_RR_TYPE_AAAA || type == LDNS_RR_TYPE_ANY) {
		a.cur_family = AF_INET6;
		contiv__dns_names_lookup(t, tenant, name, AF_INET6, collect, &a);
	}
	free(name);
	if (a.oom) {
		err = -ENOMEM;
		goto out;
	}
	if (tcp)
		limit = CONTIV__DNS_TCP_MAX;
	else if (ldns_pkt_edns(q) && ldns_pkt_edns_udp_size(q) > limit)
		limit = ldns_pkt_edns_udp_size(q) < CONTIV__DNS_EDNS_MAX ? ldns_pkt_edns_udp_size(q)
									  : CONTIV__DNS_EDNS_MAX;
	/* as many records as fit in the client's buffer, TC set if not all */
	n = a.n;
	for (;;) {
		err = build_answer(q, qr, &a, n, n < a.n, &wire, &len);
		if (err < 0 || len <= limit || n == 0)
			break;
		free(wire);
		wire = NULL;
		n = n * limit / len < n - 1 ? n * limit / len : n - 1;
	}
	if (err == 0) {
		*ret = wire;
		*ret_len = len;
		err = CONTIV__DNS_REPLY;
	}
out:
	free(a.v);
	free(a.family);
	return err;
}

int contiv__dns_answer(const struct contiv__dns_names *t, const char *tenant, bool tcp,
		       const uint8_t *query, size_t len, uint8_t **ret_reply, size_t *ret_len)
{
	ldns_pkt *q = NULL;
	const ldns_rr *qr;
	ldns_rr_class cls;
	int r;

	if (!query || !ret_reply || !ret_len)
		return -EINVAL;
	if (ldns_wire2pkt(&q, query, len) != LDNS_STATUS_OK || !q)
		return CONTIV__DNS_DROP;
	if (ldns_pkt_qr(q)) {
		r = CONTIV__DNS_DROP;	/* a response: never answer one (no loops) */
	} else if (ldns_pkt_get_opcode(q) != LDNS_PACKET_QUERY) {
		r = error_reply(q, LDNS_RCODE_NOTIMPL, ret_reply, ret_len);
	} else if (ldns_pkt_qdcount(q) != 1 || ldns_rr_list_rr_count(ldns_pkt_question(q)) != 1) {
		r = error_reply(q, LDNS_RCODE_FORMERR, ret_reply, ret_len);
	} else {
		qr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
		cls = ldns_rr_get_class(qr);
		if (!tenant || !t || (cls != LDNS_RR_CLASS_IN && cls != LDNS_RR_CLASS_ANY))
			r = CONTIV__DNS_FORWARD;
		else
			r = answer_name(t, tenant, tcp, q, qr, ret_reply, ret_len);
	}
	ldns_pkt_free(q);
	return r;
}
