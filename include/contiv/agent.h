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
 *                  (optional, requested), "configure" (optional, default
 *                  true; false: the container side gets its name, MAC and
 *                  MTU but no address or route, for a runtime such as
 *                  Docker that moves and configures it itself; such an
 *                  endpoint is never re-plugged)}
 *                 -> 200 {"endpoint": <endpoint object>, "ipv4": "a.b.c.d/len",
 *                    "gateway": "...", "ipv6": ..., "gateway6": ..., "mac", "mtu",
 *                    "hostIfname"} once the endpoint's policy and netprofile
 *                    are in place
 *   POST /detach  {"id"} -> 200 {} (also when already gone)
 *   GET  /state   what the agent wants and what the kernel has
 * Errors are {"error": "<message>", "status": N} with 400/404/409/503.
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
 */
struct contiv_agent_opts {
	size_t sz;
	uint32_t reserved;
	const char *host;
	const char *vtep_ip;
};
#define contiv_agent_opts__last_field vtep_ip

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
 * @path: "/attach", "/detach" or "/state"
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
