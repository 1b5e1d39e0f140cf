/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv-docker-plugin's logic: one call of Docker's remote NetworkDriver /
 * IpamDriver protocol (path + JSON body) -> HTTP status + JSON reply. It
 * reaches netmaster, the local netplugin's agent API and Docker's API only
 * through the transport callbacks, so it runs (and is fuzzed) without any
 * of them. Not thread-safe: one call at a time.
 */
#ifndef CONTIV_DOCKER_HANDLER_H
#define CONTIV_DOCKER_HANDLER_H

#include <stdbool.h>
#include <stddef.h>

/* Which peer a transport call goes to. */
enum dh_peer {
	DH_NETMASTER = 0,
	DH_AGENT = 1,
	DH_DOCKER = 2,
};

/*
 * One HTTP request to a peer. Returns 0 when an answer arrived (any status,
 * *ret_status and *ret_body set; the body is freed with free()), or a
 * negative errno when the peer could not be reached, with a message in err.
 */
typedef int (*dh_request_fn)(void *userdata, enum dh_peer peer, const char *method, const char *path,
			     const char *body, long *ret_status, char **ret_body, char *err,
			     size_t errlen);

struct dh;

/*
 * A handler. netns_path is the network namespace the container side of the
 * veth pairs is created in (the plugin's own, which is dockerd's: Docker
 * moves the interface from there into the container). Returns 0 or -ENOMEM.
 */
int dh_new(dh_request_fn request, void *userdata, const char *netns_path, struct dh **ret);

/* Frees a handler (NULL is fine). */
void dh_free(struct dh *h);

/*
 * Serves one plugin call: path "/Plugin.Activate", "/NetworkDriver.Join", …,
 * body the request (may be empty). Returns the HTTP status (200, 404 for an
 * unknown call, 500 with {"Err": "..."} for a refused one) with *ret_body
 * set (free()), or -ENOMEM.
 */
int dh_handle(struct dh *h, const char *path, const char *body, size_t len, char **ret_body);

/*
 * Retries what failed because netmaster or the agent could not be reached
 * (endpoint detaches, address releases), so nothing stays allocated once they
 * are back. Returns the number still pending.
 */
int dh_retry_pending(struct dh *h);

/* "cvc" + the first 8 hex digits of a Docker endpoint id: the interface Docker moves. */
void dh_src_name(const char *endpoint_id, char buf[16]);

#endif
