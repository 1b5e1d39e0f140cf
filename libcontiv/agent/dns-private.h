/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in DNS of the agent (private): per-tenant name tables and the
 * answering of one query. Shared by the agent layer and the white-box
 * tests (tests/check-dns.c, tests/fuzz/fuzz-dns.c).
 *
 * - struct contiv__dns_names: one immutable snapshot of every name the DNS
 *   answers (per tenant: container names and group names -> addresses) and
 *   of the bridges (bridge interface -> tenant). Built by the agent after each
 *   change, then sealed (sorted) and never changed again; refcounted with
 *   atomics, so the DNS thread keeps using a snapshot while the agent swaps
 *   in the next one.
 * - contiv__dns_answer(): pure; a query in wire format -> the reply in wire
 *   format, or "forward it", or "drop it". ldns does every packet parse and
 *   every packet build.
 */
#ifndef CONTIV_AGENT_DNS_PRIVATE_H
#define CONTIV_AGENT_DNS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTIV__DNS_TTL 10		/* seconds; names come and go with containers */
#define CONTIV__DNS_UDP_MAX 512		/* reply size without EDNS (RFC 1035) */
#define CONTIV__DNS_EDNS_MAX 1232	/* our EDNS buffer size (DNS flag day 2020) */
#define CONTIV__DNS_TCP_MAX 65535	/* a TCP message (RFC 1035 4.2.2) */

struct contiv__dns_names;

/* A new, empty, unsealed table. Returns 0 or -ENOMEM. */
int contiv__dns_names_new(struct contiv__dns_names **ret);

/*
 * Adds NAME -> ADDR (an IPv4 or IPv6 address in text) in TENANT. Names are
 * compared without case; a leading '/' (Docker's container names) and a
 * trailing '.' are dropped. Empty names, names over 253 characters and
 * addresses that do not parse are skipped (returns 0). Unsealed tables only.
 * Returns 0 or -ENOMEM.
 */
int contiv__dns_names_add(struct contiv__dns_names *t, const char *tenant, const char *name,
			  const char *addr);

/* Records that bridge interface IFNAME carries a network of TENANT. */
int contiv__dns_names_add_bridge(struct contiv__dns_names *t, const char *ifname, const char *tenant);

/* Sorts the table for lookups; after this it is read-only. */
void contiv__dns_names_seal(struct contiv__dns_names *t);

struct contiv__dns_names *contiv__dns_names_ref(struct contiv__dns_names *t);
struct contiv__dns_names *contiv__dns_names_unref(struct contiv__dns_names *t);

/* The tenant whose network bridge IFNAME is, or NULL. Sealed tables. */
const char *contiv__dns_names_tenant_of(const struct contiv__dns_names *t, const char *ifname);

/*
 * The addresses of NAME (lower case, no trailing dot) in TENANT: calls FN
 * for each distinct address of FAMILY (AF_INET with 4 bytes, AF_INET6 with
 * 16), in a stable order. Returns the number of records of any family the
 * name has (0: not a name of ours). Sealed tables.
 */
size_t contiv__dns_names_lookup(const struct contiv__dns_names *t, const char *tenant, const char *name,
				int family, void (*fn)(const uint8_t *addr, void *userdata), void *userdata);

enum contiv__dns_verdict {
	CONTIV__DNS_DROP = -1,		/* not a query we answer: no reply */
	CONTIV__DNS_FORWARD = 0,	/* not one of our names: ask the upstream resolvers */
	CONTIV__DNS_REPLY = 1,		/* *ret_reply holds the reply */
};

/*
 * Answers one DNS query (wire format) for TENANT from table T:
 * - a standard query (opcode QUERY, QR clear, one question) for a name the
 *   tenant has, class IN or ANY: an authoritative reply with its A (type A),
 *   AAAA (type AAAA) or both (type ANY) records, NOERROR with no record for
 *   other types; a reply too large for the client's buffer (512 bytes, or
 *   its EDNS size up to CONTIV__DNS_EDNS_MAX; 65535 if TCP) keeps the records
 *   that fit and sets TC;
 * - a standard query for any other name: CONTIV__DNS_FORWARD;
 * - another opcode: NOTIMP; a query with no or several questions: FORMERR;
 * - a packet ldns cannot parse, or a response (QR set): CONTIV__DNS_DROP.
 * On CONTIV__DNS_REPLY, *ret_reply (malloc'd, free() it) and *ret_len are
 * set. Pure: no I/O, no global state. Returns a verdict or -ENOMEM.
 */
int contiv__dns_answer(const struct contiv__dns_names *t, const char *tenant, bool tcp,
		       const uint8_t *query, size_t len, uint8_t **ret_reply, size_t *ret_len);

/*
 * The agent's current snapshot, swapped under a small lock: the agent
 * publishes, the DNS thread takes a reference. contiv__dns_state_new()
 * returns NULL on ENOMEM.
 */
struct contiv__dns_state;
struct contiv__dns_state *contiv__dns_state_new(void);
void contiv__dns_state_free(struct contiv__dns_state *s);
/* Replaces the current snapshot with T (takes over the caller's reference). */
void contiv__dns_state_publish(struct contiv__dns_state *s, struct contiv__dns_names *t);
/* A reference on the current snapshot (NULL if none yet). */
struct contiv__dns_names *contiv__dns_state_get(struct contiv__dns_state *s);

/* The agent's DNS state (agent.c), NULL without CONTIV_AGENT_DNS. */
struct contiv_agent;
struct contiv__dns_state *contiv__agent_dns(const struct contiv_agent *a);

#endif
