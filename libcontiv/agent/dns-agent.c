/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv_agent_dns_answer(): the agent's public entry to the built-in DNS.
 * The one agent call that may run on any thread: it only takes a reference
 * on the name table the agent published last (dns-names.c) and answers
 * from it (dns-answer.c); it never touches the agent's other state or its
 * context.
 */
#include "config.h"

#include <stdlib.h>

#include "libcontiv-private.h"
#include "agent/dns-private.h"

CONTIV_EXPORT int contiv_agent_dns_answer(struct contiv_agent *agent, const char *ifname, uint32_t flags,
					  const void *query, size_t query_len, void *reply, size_t reply_size,
					  size_t *ret_len)
{
	struct contiv__dns_state *dns;
	struct contiv__dns_names *t;
	uint8_t *out = NULL;
	size_t len = 0;
	int r;

	contiv_return_val_if_fail(agent && ifname && query && reply && ret_len, -EINVAL);
	dns = contiv__agent_dns(agent);
	if (!dns || (flags & ~CONTIV_AGENT_DNS_TCP))
		return -EINVAL;
	t = contiv__dns_state_get(dns);
	if (!contiv__dns_names_tenant_of(t, ifname)) {
		contiv__dns_names_unref(t);
		return -ENOENT;
	}
	r = contiv__dns_answer(t, contiv__dns_names_tenant_of(t, ifname), flags & CONTIV_AGENT_DNS_TCP, query,
			       query_len, &out, &len);
	contiv__dns_names_unref(t);
	if (r == CONTIV__DNS_DROP)
		return -EBADMSG;
	if (r == CONTIV__DNS_REPLY) {
		if (len > reply_size) {
			free(out);
			return -ENOBUFS;
		}
		memcpy(reply, out, len);
		free(out);
		*ret_len = len;
	}
	return r;
}
