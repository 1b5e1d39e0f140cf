/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_CLIENT_H
#define CONTIV_CLIENT_H

/**
 * SECTION:client
 * A client of netmaster's REST API, for netctl, netplugin and the plugins.
 *
 * Lifetime: contiv_client_new() returns a client with one reference;
 * contiv_client_ref()/contiv_client_unref(). A client keeps its HTTP
 * connection open between requests. One thread at a time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_object;
struct contiv_client;

/**
 * struct contiv_client_opts - options of contiv_client_new()
 * @sz: sizeof(struct contiv_client_opts); set by CONTIV_OPTS()
 * @timeout_ms: per-request timeout; 0 = 30000
 * @insecure: non-zero to skip TLS certificate verification (https URLs)
 * @unix_socket: path of a unix socket to connect through instead of TCP
 *   (the URL's host is then only a name), or NULL
 * @auth_token: sent as "x-auth-token" with every request (Contiv's netctl
 *   login), or NULL
 */
struct contiv_client_opts {
	size_t sz;
	uint32_t timeout_ms;
	uint32_t insecure;
	const char *unix_socket;
	const char *auth_token;
};
#define contiv_client_opts__last_field auth_token

/**
 * contiv_client_new:
 * @ctx: a context
 * @url: netmaster's base URL, "http://host:port" or "https://host:port"
 * @opts: options, or NULL
 * @ret: where the client is stored on success
 *
 * Returns: 0 on success; -EINVAL for a URL that does not start with
 * http:// or https:// (the message names it); -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_client_new(struct contiv_ctx *ctx, const char *url,
		      const struct contiv_client_opts *opts, struct contiv_client **ret);

/**
 * contiv_client_ref:
 * @client: a client, or NULL
 *
 * Returns: @client.
 *
 * Since: 1
 */
struct contiv_client *contiv_client_ref(struct contiv_client *client);

/**
 * contiv_client_unref:
 * @client: a client, or NULL
 *
 * Returns: NULL.
 *
 * Since: 1
 */
struct contiv_client *contiv_client_unref(struct contiv_client *client);

/**
 * contiv_client_request:
 * @client: a client
 * @method: "GET", "POST", "PUT" or "DELETE"
 * @path: path and query, e.g. "/api/v1/networks/"
 * @body: JSON body, or NULL
 * @ret_status: where the HTTP status is stored
 * @ret_body: where the response body is stored (free with contiv_free()),
 *   or NULL
 *
 * Sends one request. An HTTP error status is not a failure of this call.
 *
 * Returns: 0 when an answer arrived; -CONTIV_ERR_UNAVAILABLE when netmaster
 * cannot be reached or does not answer in time (the message names the URL
 * and the cause); -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_client_request(struct contiv_client *client, const char *method, const char *path,
			  const char *body, long *ret_status, char **ret_body);

/**
 * contiv_client_get_object:
 * @client: a client
 * @kind: an enum contiv_object_kind
 * @key: the object's key
 * @ret: where the object is stored on success
 *
 * Returns: 0 on success; -ENOENT if netmaster has no such object; another
 * negative code mapped from netmaster's status (400 -EINVAL, 409 -EBUSY,
 * 503 -CONTIV_ERR_UNAVAILABLE) with netmaster's message on the context.
 *
 * Since: 1
 */
int contiv_client_get_object(struct contiv_client *client, uint32_t kind, const char *key,
			     struct contiv_object **ret);

/**
 * contiv_client_put_object:
 * @client: a client
 * @obj: the object to create or update (its key is derived from it)
 *
 * Returns: 0 on success; negative codes as contiv_client_get_object(), with
 * netmaster's message on the context.
 *
 * Since: 1
 */
int contiv_client_put_object(struct contiv_client *client, const struct contiv_object *obj);

/**
 * contiv_client_delete_object:
 * @client: a client
 * @kind: an enum contiv_object_kind
 * @key: the object's key
 *
 * Returns: 0 on success; -ENOENT; other codes as contiv_client_get_object().
 *
 * Since: 1
 */
int contiv_client_delete_object(struct contiv_client *client, uint32_t kind, const char *key);

/**
 * contiv_client_object_fn:
 * @obj: an object of the list (borrowed: take a reference to keep it)
 * @userdata: as given
 *
 * Returns: 0 to go on, any other value to stop.
 */
typedef int (*contiv_client_object_fn)(struct contiv_object *obj, void *userdata);

/**
 * contiv_client_list_objects:
 * @client: a client
 * @kind: an enum contiv_object_kind
 * @fn: called for each object, in netmaster's order (by key)
 * @userdata: passed to @fn
 *
 * Returns: the number of objects listed; the value @fn returned if it
 * stopped; negative codes as contiv_client_get_object().
 *
 * Since: 1
 */
int contiv_client_list_objects(struct contiv_client *client, uint32_t kind,
			       contiv_client_object_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_CLIENT_H */
