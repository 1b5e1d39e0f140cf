/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_MASTER_H
#define CONTIV_MASTER_H

/**
 * SECTION:master
 * netmaster's logic as a function from request to response.
 *
 * struct contiv_master serves Contiv's REST API over a state store: it
 * validates objects, enforces the references between them, allocates
 * addresses, VLANs, VXLANs and group ids in the same store transaction as
 * the object that needs them, and answers inspect, version, info, metrics,
 * the plugin calls and the change stream that netplugins follow. The HTTP
 * server of netmaster only hands each request to contiv_master_handle().
 *
 * Paths (all answers are JSON):
 *   GET    /api/v1/<collection>/                 list
 *   GET    /api/v1/<collection>/<key>/           get
 *   POST   /api/v1/<collection>/<key>/           create or update (also PUT)
 *   DELETE /api/v1/<collection>/<key>/           delete
 *   GET    /api/v1/inspect/<collection>/<key>/   {"Config": …, "Oper": …}
 *   GET    /api/v1/inspect/endpoints/<text>/     endpoint whose id, container
 *                                                id or name contains <text>
 *   GET    /api/v1/watch/?since=<rev>&timeout=<ms>   change stream
 *   POST   /plugin/allocAddress, /plugin/releaseAddress,
 *          /plugin/createEndpoint, /plugin/deleteEndpoint   (Contiv's)
 *   GET    /version, /info, /metrics (Prometheus text)
 * Collections: tenants, networks, endpointGroups, policys, rules,
 * netprofiles, globals (see contiv_object_kind_collection()).
 *
 * Status codes: 200 success; 400 invalid request (the message names the
 * field and value); 404 unknown path or object; 405 wrong method; 409
 * conflict or object in use; 413 body too large; 503 store unavailable.
 * Error bodies are {"error": "<message>", "status": <code>}.
 *
 * Lifetime: contiv_master_new() returns a master with one reference; it
 * holds a reference on its store. A master, like its context, is used by one
 * thread at a time; a multi-threaded server makes one per thread, each over
 * its own store handle (they share the data through the store).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_store;
struct contiv_master;

/**
 * struct contiv_master_opts - options of contiv_master_new()
 * @sz: sizeof(struct contiv_master_opts); set by CONTIV_OPTS()
 * @max_body: largest request body accepted, in bytes; 0 = 1 MiB
 * @reserved: must be 0
 * @version: version text reported by /version, or NULL for contiv_version()
 * @self_url: this netmaster's URL as others reach it ("http://host:port"),
 *   reported by /info and used in leader election; NULL = unknown
 */
struct contiv_master_opts {
	size_t sz;
	uint32_t max_body;
	uint32_t reserved;
	const char *version;
	const char *self_url;
};
#define contiv_master_opts__last_field self_url

/**
 * contiv_master_new:
 * @ctx: a context
 * @store: the state store
 * @opts: options, or NULL
 * @ret: where the master is stored on success
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_master_new(struct contiv_ctx *ctx, struct contiv_store *store,
		      const struct contiv_master_opts *opts, struct contiv_master **ret);

/**
 * contiv_master_ref:
 * @master: a master, or NULL
 *
 * Returns: @master.
 *
 * Since: 1
 */
struct contiv_master *contiv_master_ref(struct contiv_master *master);

/**
 * contiv_master_unref:
 * @master: a master, or NULL
 *
 * Returns: NULL.
 *
 * Since: 1
 */
struct contiv_master *contiv_master_unref(struct contiv_master *master);

/**
 * contiv_master_init:
 * @master: a master
 *
 * Makes sure the store holds what a first start creates: the global object
 * with Contiv's defaults and the tenant "default". Stored values are kept as
 * they are (a restart never resets global settings). Safe to call from
 * several netmasters at once.
 *
 * Returns: 0 on success; -CONTIV_ERR_UNAVAILABLE; -ECHILD.
 *
 * Since: 1
 */
int contiv_master_init(struct contiv_master *master);

/**
 * contiv_master_handle:
 * @master: a master
 * @method: "GET", "POST", "PUT" or "DELETE"
 * @path: the request path, with an optional "?query"
 * @body: the request body, or NULL
 * @body_len: its length in bytes (the body need not be NUL-terminated)
 * @ret_body: where the JSON (or Prometheus text for /metrics) answer is
 *   stored; free with contiv_free()
 *
 * Serves one request. Failures of the request itself (bad input, unknown
 * object, conflicts, store down) are answered with their status code and
 * an error body, not returned as errors.
 *
 * Returns: the HTTP status (200..599) with *ret_body set; a negative errno
 * only for programming errors (-EINVAL for NULL arguments), -ENOMEM or
 * -ECHILD, with *ret_body untouched.
 *
 * Since: 1
 */
int contiv_master_handle(struct contiv_master *master, const char *method, const char *path,
			 const char *body, size_t body_len, char **ret_body);

/**
 * contiv_master_campaign:
 * @master: a master
 * @ttl_seconds: lease of the leadership; renew well within it
 * @ret_leader_url: where the current leader's URL is stored (free with
 *   contiv_free()), or NULL
 *
 * Takes part in the election of the netmaster that serves writes: becomes
 * leader if there is none, renews the lease if it already is. Call it
 * periodically (e.g. every ttl/3 seconds).
 *
 * Returns: 1 if this master is the leader, 0 if another one is;
 * -CONTIV_ERR_UNAVAILABLE; -EINVAL if the master has no self_url; -ECHILD.
 *
 * Since: 1
 */
int contiv_master_campaign(struct contiv_master *master, uint32_t ttl_seconds,
			   char **ret_leader_url);

/**
 * contiv_master_resign:
 * @master: a master
 *
 * Gives up leadership now (on orderly shutdown), so another netmaster takes
 * over without waiting for the lease to expire.
 *
 * Returns: 0 on success (also when not the leader); -CONTIV_ERR_UNAVAILABLE.
 *
 * Since: 1
 */
int contiv_master_resign(struct contiv_master *master);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_MASTER_H */
