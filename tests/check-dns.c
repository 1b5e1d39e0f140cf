/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in DNS's pure parts (libcontiv/agent/dns-*.c): name tables and
 * the answer to one query. Queries are built and replies read with ldns.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "check-suites.h"
#include "libcontiv-private.h"
#include "agent/dns-private.h"

static struct contiv__dns_names *table(void)
{
	struct contiv__dns_names *t = NULL;

	ck_assert_int_eq(contiv__dns_names_new(&t), 0);
	ck_assert_int_eq(contiv__dns_names_add_bridge(t, "cvbx1", "default"), 0);
	ck_assert_int_eq(contiv__dns_names_add_bridge(t, "cvbx2", "blue"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "c1", "10.1.2.2"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "c1", "2001:db8::2"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "web", "10.1.2.2"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "/C2", "10.1.2.3"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "web", "10.1.2.3"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "blue", "c1", "10.1.2.51"), 0);
	/* skipped: no name, a bad address */
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "", "10.1.2.9"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "bad", "10.1.2"), 0);
	contiv__dns_names_seal(t);
	return t;
}

static uint8_t *query_wire(const char *name, ldns_rr_type type, uint16_t edns, size_t *len)
{
	ldns_rdf *dname = ldns_dname_new_frm_str(name);
	ldns_pkt *q = ldns_pkt_query_new(dname, type, LDNS_RR_CLASS_IN, LDNS_RD);
	uint8_t *wire = NULL;

	ck_assert_ptr_nonnull(q);
	ldns_pkt_set_id(q, 0x4242);
	if (edns)
		ldns_pkt_set_edns_udp_size(q, edns);
	ck_assert_int_eq(ldns_pkt2wire(&wire, q, len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	return wire;
}

/*
 * Asks NAME/TYPE of TENANT (over TCP if TCP); returns the verdict and, on a
 * reply, the parsed reply.
 */
static int ask_via(const struct contiv__dns_names *t, const char *tenant, const char *name,
		   ldns_rr_type type, uint16_t edns, bool tcp, ldns_pkt **ret)
{
	size_t qlen = 0, rlen = 0;
	uint8_t *q = query_wire(name, type, edns, &qlen), *r = NULL;
	int v = contiv__dns_answer(t, tenant, tcp, q, qlen, &r, &rlen);
	size_t limit = edns > 512 ? (edns < CONTIV__DNS_EDNS_MAX ? edns : CONTIV__DNS_EDNS_MAX) : 512;

	*ret = NULL;
	if (v == CONTIV__DNS_REPLY) {
		ck_assert_int_le(rlen, tcp ? CONTIV__DNS_TCP_MAX : limit);
		ck_assert_int_eq(ldns_wire2pkt(ret, r, rlen), LDNS_STATUS_OK);
		ck_assert(ldns_pkt_qr(*ret));
		ck_assert(ldns_pkt_ra(*ret));
		ck_assert_int_eq(ldns_pkt_id(*ret), 0x4242);
		ck_assert_int_eq(ldns_pkt_qdcount(*ret), 1);
	} else {
		ck_assert_ptr_null(r);
	}
	free(q);
	free(r);
	return v;
}

static int ask(const struct contiv__dns_names *t, const char *tenant, const char *name, ldns_rr_type type,
	       uint16_t edns, ldns_pkt **ret)
{
	return ask_via(t, tenant, name, type, edns, false, ret);
}

/* The addresses of the answer section, in text, joined with spaces. */
static void answers(const ldns_pkt *p, char *buf, size_t len)
{
	ldns_rr_list *an = ldns_pkt_answer(p);

	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, 0));

		ck_assert_int_eq(ldns_rr_ttl(rr), CONTIV__DNS_TTL);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", s);
		free(s);
	}
}

START_TEST(test_dns_container_and_group)
{
	struct contiv__dns_names *t = table();
	ldns_pkt *p;
	char got[256];

	ck_assert_int_eq(ask(t, "default", "c1.", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert(ldns_pkt_aa(p));
	answers(p, got, sizeof(got));
	ck_assert_str_eq(got, "10.1.2.2");
	ldns_pkt_free(p);

	/* without case, Docker's leading '/' dropped */
	ck_assert_int_eq(ask(t, "default", "C2", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
	answers(p, got, sizeof(got));
	ck_assert_str_eq(got, "10.1.2.3");
	ldns_pkt_free(p);

	/* a group: all its endpoints */
	ck_assert_int_eq(ask(t, "default", "WeB.", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
	answers(p, got, sizeof(got));
	ck_assert_str_eq(got, "10.1.2.2 10.1.2.3");
	ldns_pkt_free(p);

	ck_assert_int_eq(ask(t, "default", "c1", LDNS_RR_TYPE_AAAA, 0, &p), CONTIV__DNS_REPLY);
	answers(p, got, sizeof(got));
	ck_assert_str_eq(got, "2001:db8::2");
	ldns_pkt_free(p);

	ck_assert_int_eq(ask(t, "default", "c1", LDNS_RR_TYPE_ANY, 0, &p), CONTIV__DNS_REPLY);
	answers(p, got, sizeof(got));
	ck_assert_str_eq(got, "10.1.2.2 2001:db8::2");
	ldns_pkt_free(p);

	/* our name, a type we have nothing of: NOERROR, no record */
	ck_assert_int_eq(ask(t, "default", "c2", LDNS_RR_TYPE_AAAA, 0, &p), CONTIV__DNS_REPLY);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	ck_assert_int_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
	ck_assert_int_eq(ask(t, "default", "c1", LDNS_RR_TYPE_MX, 0, &p), CONTIV__DNS_REPLY);
	ck_assert_int_eq(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
	contiv__dns_names_unref(t);
}
END_TEST

START_TEST(test_dns_tenants)
{
	struct contiv__dns_names *t = table();
	ldns_pkt *p;
	char got[256];

	ck_assert_str_eq(contiv__dns_names_tenant_of(t, "cvbx1"), "default");
	ck_assert_str_eq(contiv__dns_names_tenant_of(t, "cvbx2"), "blue");
	ck_assert_ptr_null(contiv__dns_names_tenant_of(t, "eth0"));
	ck_assert_ptr_null(contiv__dns_names_tenant_of(t, "a-name-longer-than-ifnamsiz"));

	ck_assert_int_eq(ask(t, "blue", "c1", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
	answers(p, got, sizeof(got));
	ck_assert_str_eq(got, "10.1.2.51");
	ldns_pkt_free(p);
	/* default's names are not blue's: forwarded */
	ck_assert_int_eq(ask(t, "blue", "c2", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	ck_assert_int_eq(ask(t, "blue", "web", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	ck_assert_int_eq(ask(t, "nosuch", "c1", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	/* other names, the root, names that only look like ours */
	ck_assert_int_eq(ask(t, "default", "www.example.com", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	ck_assert_int_eq(ask(t, "default", ".", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	ck_assert_int_eq(ask(t, "default", "c1.default", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	ck_assert_int_eq(ask(t, "default", "bad", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_FORWARD);
	contiv__dns_names_unref(t);
}
END_TEST

START_TEST(test_dns_truncation)
{
	struct contiv__dns_names *t = NULL;
	ldns_pkt *p;
	char addr[32];

	ck_assert_int_eq(contiv__dns_names_new(&t), 0);
	for (int i = 0; i < 200; i++) {
		snprintf(addr, sizeof(addr), "10.9.%d.%d", i / 250, i % 250 + 1);
		ck_assert_int_eq(contiv__dns_names_add(t, "default", "big", addr), 0);
	}
	for (int i = 0; i < 20; i++) {
		snprintf(addr, sizeof(addr), "10.8.0.%d", i + 1);
		ck_assert_int_eq(contiv__dns_names_add(t, "default", "small", addr), 0);
	}
	contiv__dns_names_seal(t);

	/* 512 bytes without EDNS: what fits, TC set */
	ck_assert_int_eq(ask(t, "default", "big", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
	ck_assert(ldns_pkt_tc(p));
	ck_assert_int_gt(ldns_pkt_ancount(p), 20);
	ck_assert_int_lt(ldns_pkt_ancount(p), 200);
	ldns_pkt_free(p);
	/* EDNS 4096: up to our 1232 bytes, more records */
	ck_assert_int_eq(ask(t, "default", "big", LDNS_RR_TYPE_A, 4096, &p), CONTIV__DNS_REPLY);
	ck_assert(ldns_pkt_tc(p));
	ck_assert_int_gt(ldns_pkt_ancount(p), 60);
	ck_assert(ldns_pkt_edns(p));
	ldns_pkt_free(p);
	/* over TCP, all of them */
	ck_assert_int_eq(ask_via(t, "default", "big", LDNS_RR_TYPE_A, 0, true, &p), CONTIV__DNS_REPLY);
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_int_eq(ldns_pkt_ancount(p), 200);
	ldns_pkt_free(p);
	/* what fits is not truncated */
	ck_assert_int_eq(ask(t, "default", "small", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
	ck_assert(!ldns_pkt_tc(p));
	ck_assert_int_eq(ldns_pkt_ancount(p), 20);
	ldns_pkt_free(p);
	contiv__dns_names_unref(t);
}
END_TEST

static ldns_rr *question(const char *str)
{
	ldns_rr *rr = NULL;

	ck_assert_int_eq(ldns_rr_new_question_frm_str(&rr, str, NULL, NULL), LDNS_STATUS_OK);
	return rr;
}

static int answer_pkt(const struct contiv__dns_names *t, ldns_pkt *q, ldns_pkt **ret)
{
	uint8_t *wire = NULL, *r = NULL;
	size_t len = 0, rlen = 0;
	int v;

	ck_assert_int_eq(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	v = contiv__dns_answer(t, "default", false, wire, len, &r, &rlen);
	*ret = NULL;
	if (v == CONTIV__DNS_REPLY)
		ck_assert_int_eq(ldns_wire2pkt(ret, r, rlen), LDNS_STATUS_OK);
	free(wire);
	free(r);
	return v;
}

START_TEST(test_dns_bad_queries)
{
	static const uint8_t garbage[] = { 0x42, 0x42, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
					   0x00, 0x00, 0x00, 0x00, 0x05, 'a', 'b' };
	struct contiv__dns_names *t = table();
	uint8_t *r = NULL;
	size_t rlen = 0, qlen = 0;
	ldns_pkt *q, *p;
	uint8_t *wire;

	/* not parsable: no reply */
	ck_assert_int_eq(contiv__dns_answer(t, "default", false, garbage, sizeof(garbage), &r, &rlen), CONTIV__DNS_DROP);
	ck_assert_int_eq(contiv__dns_answer(t, "default", false, garbage, 0, &r, &rlen), CONTIV__DNS_DROP);
	ck_assert_int_eq(contiv__dns_answer(t, "default", false, garbage, 5, &r, &rlen), CONTIV__DNS_DROP);
	wire = query_wire("c1", LDNS_RR_TYPE_A, 0, &qlen);
	ck_assert_int_eq(contiv__dns_answer(t, "default", false, wire, qlen - 1, &r, &rlen), CONTIV__DNS_DROP);
	free(wire);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(contiv__dns_answer(t, "default", false, NULL, 0, &r, &rlen), -EINVAL);

	/* a response is never answered */
	q = ldns_pkt_query_new(ldns_dname_new_frm_str("c1"), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_pkt_set_qr(q, true);
	ck_assert_int_eq(answer_pkt(t, q, &p), CONTIV__DNS_DROP);
	/* another opcode: NOTIMP */
	ldns_pkt_set_qr(q, false);
	ldns_pkt_set_opcode(q, LDNS_PACKET_STATUS);
	ck_assert_int_eq(answer_pkt(t, q, &p), CONTIV__DNS_REPLY);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_NOTIMPL);
	ldns_pkt_free(p);
	ldns_pkt_free(q);
	/* no question: FORMERR */
	q = ldns_pkt_new();
	ldns_pkt_set_id(q, 7);
	ck_assert_int_eq(answer_pkt(t, q, &p), CONTIV__DNS_REPLY);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_FORMERR);
	ck_assert_int_eq(ldns_pkt_id(p), 7);
	ldns_pkt_free(p);
	/* two questions: FORMERR */
	ck_assert(ldns_pkt_push_rr(q, LDNS_SECTION_QUESTION, question("c1. IN A")));
	ck_assert(ldns_pkt_push_rr(q, LDNS_SECTION_QUESTION, question("c2. IN A")));
	ck_assert_int_eq(answer_pkt(t, q, &p), CONTIV__DNS_REPLY);
	ck_assert_int_eq(ldns_pkt_get_rcode(p), LDNS_RCODE_FORMERR);
	ldns_pkt_free(p);
	ldns_pkt_free(q);
	/* class CH (e.g. version.bind): not ours, forwarded */
	q = ldns_pkt_query_new(ldns_dname_new_frm_str("c1"), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0);
	ck_assert_int_eq(answer_pkt(t, q, &p), CONTIV__DNS_FORWARD);
	ldns_pkt_free(q);
	contiv__dns_names_unref(t);
}
END_TEST

START_TEST(test_dns_names_table)
{
	struct contiv__dns_names *t = NULL;

	ck_assert_int_eq(contiv__dns_names_new(&t), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "same", "10.0.0.1"), 0);
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "same.", "10.0.0.1"), 0);
	ck_assert_int_eq(contiv__dns_names_add_bridge(t, "a-name-longer-than-ifnamsiz", "x"), -EINVAL);
	contiv__dns_names_seal(t);
	/* sealed: read-only */
	ck_assert_int_eq(contiv__dns_names_add(t, "default", "late", "10.0.0.2"), -EINVAL);
	/* a container and a group of one name and address: one record */
	{
		struct contiv__dns_names *copy = contiv__dns_names_ref(t);
		ldns_pkt *p;

		ck_assert_int_eq(ask(copy, "default", "same", LDNS_RR_TYPE_A, 0, &p), CONTIV__DNS_REPLY);
		ck_assert_int_eq(ldns_pkt_ancount(p), 1);
		ldns_pkt_free(p);
		contiv__dns_names_unref(copy);
	}
	ck_assert_int_eq(contiv__dns_names_lookup(t, "default", "late", AF_INET, NULL, NULL), 0);
	contiv__dns_names_unref(t);
}
END_TEST

struct reader {
	struct contiv__dns_state *s;
	int found;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;

	for (int i = 0; i < 20000; i++) {
		struct contiv__dns_names *t = contiv__dns_state_get(r->s);

		if (t && contiv__dns_names_lookup(t, "default", "c1", AF_INET, NULL, NULL))
			r->found++;
		contiv__dns_names_unref(t);
	}
	return NULL;
}

/* The DNS thread reads snapshots while the agent publishes new ones. */
START_TEST(test_dns_state_swap)
{
	struct reader r = { .s = contiv__dns_state_new() };
	pthread_t th;

	ck_assert_ptr_nonnull(r.s);
	ck_assert_ptr_null(contiv__dns_state_get(r.s));
	contiv__dns_state_publish(r.s, table());
	ck_assert_int_eq(pthread_create(&th, NULL, read_loop, &r), 0);
	for (int i = 0; i < 2000; i++)
		contiv__dns_state_publish(r.s, table());
	pthread_join(th, NULL);
	ck_assert_int_eq(r.found, 20000);
	contiv__dns_state_free(r.s);
}
END_TEST

Suite *make_dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("answer");

	tcase_add_test(tc, test_dns_container_and_group);
	tcase_add_test(tc, test_dns_tenants);
	tcase_add_test(tc, test_dns_truncation);
	tcase_add_test(tc, test_dns_bad_queries);
	tcase_add_test(tc, test_dns_names_table);
	tcase_add_test(tc, test_dns_state_swap);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
