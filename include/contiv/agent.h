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
 *                    "hostIfname", "portMappings": [...] (only when given)}
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
 */
struct contiv_agent_opts {
	size_t sz;
	uint32_t reserved;
	const char *host;
	const char *vtep_ip;
	const char *portmap_file;
};
#define contiv_agent_opts__last_field portmap_file

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

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_AGENT_H */
