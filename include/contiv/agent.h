/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_AGENT_H
#define CONTIV_AGENT_H

/**
 * SECTION:agent
 * netplugin's logic: one host's agent.
 *
 * struct contiv_agent follows netmaster's change stream (through a
 * contiv_client) and reconciles this host's datapath (through a contiv_dp)
 * with it: it creates the networks this host needs, points them at remote
 * endpoints (FDB and neighbour entries), and keeps policies, DSCP marks and
 * shaping in step with every change. It serves the local agent API that the
 * Docker and CNI plugins use to attach and detach containers:
 *
 *   POST /attach  {"tenant", "network", "group" (optional), "id" (endpoint
 *                  id), "containerID", "containerName", "netns" (path),
 *                  "ifname" (optional, default eth0), "ipAddress"
 *                  (optional, requested), "portMappings" (optional, see
 *                  below), "configure" (optional, default true; false:
 *                  the container side gets its name, MAC and MTU but no
 *                  address or route, for a runtime such as Docker that
 *                  moves and configures it itself; such an endpoint is
 *                  never re-plugged)}
 *                 -> 200 {"endpoint": <endpoint object>, "ipv4": "a.b.c.d/len",
 *                    "gateway": "...", "ipv6": ..., "gateway6": ..., "mac", "mtu",
 *                    "hostIfname", "portMappings": [...] (only when given),
 *                    "dns": {"nameservers": [the network's gateway]} (with
 *                    CONTIV_AGENT_DNS)}
 *                    once the endpoint's policy, netprofile and port
 *                    mappings are in place
 *   POST /portmap {"id": "<endpoint id>", "portMappings": [...]}
 *                 -> 200 {"id": "...", "portMappings": [...]} once the
 *                    kernel's nftables table holds exactly these mappings
 *                    for the endpoint: the list REPLACES the endpoint's
 *                    mappings, [] removes them all. The endpoint must be
 *                    attached on this host (404 otherwise).
 *   POST /detach  {"id"} -> 200 {} (also when already gone); removes the
 *                  endpoint's port mappings
 *   GET  /state   what the agent wants and what the kernel has
 * Errors are {"error": "<message>", "status": N} with 400/404/409/503.
 *
 * Port mappings (DNAT, as docker run -p; the CNI portmap convention):
 *   "portMappings": [{"protocol": "tcp" | "udp" (default "tcp"),
 *                     "hostPort": 1..65535, "containerPort": 1..65535,
 *                     "hostIP": "" | "0.0.0.0" (optional)}, ...]
 * A connection to hostPort on any of the host's own addresses (from the
 * underlay, or from the host itself) is forwarded to the container's IPv4
 * address and containerPort; the container sees the client's address.
 * hostIP naming one address is refused (400): mappings hold on all the
 * host's addresses. Errors, and nothing changes on any of them: 400
 * naming the field and the value ("portMappings[0].hostPort": 70000),
 * 404 unknown endpoint id, 409 when the protocol's host port is already
 * mapped on this host (by another endpoint, the message names the port and
 * the endpoint) or when the endpoint's subnet overlaps another network on
 * this host (another tenant's identical subnet: the host could not tell
 * which container the address means). Mappings are kept in a state file
 * (contiv_agent_opts.portmap_file) and re-applied after a restart.
 * Container traffic leaving the host (not to another container) is
 * masqueraded to the host's address (SNAT); container-to-container
 * traffic, on one host or across hosts, is never NATed.
 *
 * Restart-safe: on start it reads the kernel (contiv_dp_read_state), takes
 * a snapshot of netmaster's state, and changes only what differs; local
 * endpoints deleted from netmaster while it was down are removed.
 *
 * Lifetime: contiv_agent_new() returns an agent with one reference; it
 * holds references on its client and dp. One thread at a time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_client;
struct contiv_dp;
struct contiv_agent;

/**
 * struct contiv_agent_opts - options of contiv_agent_new()
 * @sz: sizeof(struct contiv_agent_opts); set by CONTIV_OPTS()
 * @reserved: must be 0
 * @host: this host's name (endpoints' homingHost), required
 * @vtep_ip: this host's VTEP address, as other hosts reach it, required
 * @portmap_file: where the port mappings of this host's endpoints are kept
 *   across restarts (written atomically on every change, mode 0600), or
 *   NULL to keep them in memory only
 * @flags: CONTIV_AGENT_* flags (0: none)
 * @linger_sec: how long a network's bridge and VXLAN/VLAN devices stay on
 *   this host after the network's last endpoint left (while netmaster still
 *   has the network), so that the next attach finds them; 0 (default):
 *   removed at once. Since: 1 (added after the first release of the
 *   structure; older callers' smaller @sz reads as 0)
 */
struct contiv_agent_opts {
	size_t sz;
	uint32_t reserved;
	const char *host;
	const char *vtep_ip;
	const char *portmap_file;
	uint32_t flags;
	uint32_t linger_sec;
};
#define contiv_agent_opts__last_field linger_sec

/*
 * CONTIV_AGENT_DNS: this host serves the built-in DNS. The agent keeps
 * each tenant's names for contiv_agent_dns_answer() and /attach answers
 * name the network's gateway as the endpoint's DNS server.
 */
#define CONTIV_AGENT_DNS (1u << 0)

/* Flags of contiv_agent_dns_answer(): the query came over TCP. */
#define CONTIV_AGENT_DNS_TCP (1u << 0)
/* The largest reply of contiv_agent_dns_answer() (a TCP message). */
#define CONTIV_AGENT_DNS_REPLY_MAX 65535

/**
 * contiv_agent_new:
 * @ctx: a context
 * @client: a client of netmaster
 * @dp: this host's datapath
 * @opts: options (host and vtep_ip required)
 * @ret: where the agent is stored on success
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_agent_new(struct contiv_ctx *ctx, struct contiv_client *client, struct contiv_dp *dp,
		     const struct contiv_agent_opts *opts, struct contiv_agent **ret);

/**
 * contiv_agent_ref:
 * @agent: an agent, or NULL
 *
 * Returns: @agent.
 *
 * Since: 1
 */
struct contiv_agent *contiv_agent_ref(struct contiv_agent *agent);

/**
 * contiv_agent_unref:
 * @agent: an agent, or NULL
 *
 * Returns: NULL.
 *
 * Since: 1
 */
struct contiv_agent *contiv_agent_unref(struct contiv_agent *agent);

/**
 * contiv_agent_sync:
 * @agent: an agent
 * @timeout_ms: how long to wait for netmaster's next change (0 = do not
 *   wait)
 *
 * Takes the next changes from netmaster's change stream (the first call, or
 * a compacted history, gives a full snapshot and a full reconciliation with
 * the kernel) and applies them to the datapath.
 *
 * Returns: the number of changes applied (>= 0); -CONTIV_ERR_UNAVAILABLE if
 * netmaster cannot be reached (the datapath is left as it is); other
 * negative codes from the datapath with the context's message.
 *
 * Since: 1
 */
int contiv_agent_sync(struct contiv_agent *agent, int timeout_ms);

/**
 * contiv_agent_handle:
 * @agent: an agent
 * @method: "GET" or "POST"
 * @path: "/attach", "/detach", "/portmap" or "/state"
 * @body: the JSON request body, or NULL
 * @body_len: its length
 * @ret_body: where the JSON answer is stored (free with contiv_free())
 *
 * Serves one request of the local agent API (see above).
 *
 * Returns: the HTTP status (200..599) with *ret_body set; a negative errno
 * only for programming errors (-EINVAL), -ENOMEM or -ECHILD.
 *
 * Since: 1
 */
int contiv_agent_handle(struct contiv_agent *agent, const char *method, const char *path,
			const char *body, size_t body_len, char **ret_body);

/**
 * contiv_agent_dns_answer:
 * @agent: an agent created with CONTIV_AGENT_DNS
 * @ifname: the interface the query arrived on (a network's bridge)
 * @flags: CONTIV_AGENT_DNS_TCP if the query came over TCP, else 0
 * @query: a DNS query in wire format
 * @query_len: its length
 * @reply: where the reply is written
 * @reply_size: the size of @reply (CONTIV_AGENT_DNS_REPLY_MAX is enough
 *   for any reply)
 * @ret_len: where the reply's length is stored when one is written
 *
 * The built-in DNS. @ifname selects the tenant (the one whose network
 * that bridge carries); the query is answered from that tenant's names
 * only: container names (endpoints' containerName, without a leading "/")
 * and endpoint group names (every endpoint of the group, on every host),
 * without case, A and AAAA records, TTL 10 s; a reply larger than the
 * client's buffer (512 bytes over UDP, or its EDNS size up to 1232; 65535
 * over TCP) keeps the records that fit and sets TC. An empty query only
 * tells whether @ifname is one of the bridges (-EBADMSG) or not (-ENOENT).
 * Names the tenant does not have
 * are left to the caller to forward to the host's resolvers. Unlike the
 * agent's other calls, this one may be called from any thread, concurrently
 * with them: it reads the name tables the agent published at its last
 * change (immutable snapshots) and never blocks on a sync.
 *
 * Returns: 1 with a reply in @reply; 0 if the name is not one of the
 * tenant's (forward the query); -ENOENT if @ifname is not a bridge of a
 * known network (ignore the query); -EBADMSG if no reply is due (not a
 * parsable query, or a response); -ENOBUFS if @reply is too small;
 * -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_agent_dns_answer(struct contiv_agent *agent, const char *ifname, uint32_t flags,
			    const void *query, size_t query_len, void *reply, size_t reply_size,
			    size_t *ret_len);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_AGENT_H */
