/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the built-in DNS's answer (contiv__dns_answer) to
 * hostile packets. Whatever it answers must be a reply ldns parses, with the
 * query's id, that fits the largest buffer we honour; a packet ldns cannot
 * parse is never answered. Odd-sized inputs are taken as TCP queries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "libcontiv-private.h"
#include "agent/dns-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct contiv__dns_names *names;

static void setup(void)
{
	char addr[32];

	if (contiv__dns_names_new(&names) < 0)
		abort();
	contiv__dns_names_add(names, "default", "c1", "10.1.2.2");
	contiv__dns_names_add(names, "default", "c1", "2001:db8::2");
	for (int i = 0; i < 120; i++) {
		snprintf(addr, sizeof(addr), "10.1.3.%d", i + 1);
		contiv__dns_names_add(names, "default", "web", addr);
	}
	contiv__dns_names_seal(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt *q = NULL, *r = NULL;
	uint8_t *reply = NULL;
	size_t len = 0;
	bool parsed;
	int v;

	if (!names)
		setup();
	v = contiv__dns_answer(names, "default", size & 1, data, size, &reply, &len);
	parsed = ldns_wire2pkt(&q, data, size) == LDNS_STATUS_OK;
	if (v == CONTIV__DNS_REPLY) {
		if (!parsed || !reply || len > ((size & 1) ? CONTIV__DNS_TCP_MAX : CONTIV__DNS_EDNS_MAX) ||
		    ldns_wire2pkt(&r, reply, len) != LDNS_STATUS_OK || !ldns_pkt_qr(r) ||
		    ldns_pkt_id(r) != ldns_pkt_id(q))
			abort();
	} else if (reply || (v != CONTIV__DNS_FORWARD && v != CONTIV__DNS_DROP) ||
		   (v == CONTIV__DNS_FORWARD && !parsed)) {
		abort();
	}
	ldns_pkt_free(q);
	ldns_pkt_free(r);
	free(reply);
	return 0;
}
