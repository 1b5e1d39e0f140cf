/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The etcd backend's inside, in three files:
 * - etcd-codec.c: strict base64 and strict reading of the gateway's JSON
 *   (int64 as decimal strings, zero/false fields omitted);
 * - etcd-http.c: endpoints, one kept-alive libcurl handle, failover,
 *   authentication, and the watch stream;
 * - store-etcd.c: the store operations on top of them.
 */
#ifndef CONTIV_ETCD_PRIVATE_H
#define CONTIV_ETCD_PRIVATE_H

#include <json.h>

#include "store-private.h"

/* ---- codec ---- */

/* Standard base64 with padding; returns a malloc'ed NUL-terminated string or NULL. */
char *contiv__etcd_b64_encode(const void *data, size_t len);
/*
 * Strict decoding: standard alphabet, length a multiple of 4, padding only at
 * the end, unused bits zero. *ret is malloc'ed and NUL-terminated (the data may
 * itself contain NUL bytes: see *ret_len). Returns 0, -EINVAL or -ENOMEM.
 */
int contiv__etcd_b64_decode(const char *text, char **ret, size_t *ret_len);

/* Parses exactly one JSON value filling buf[0..len) (whitespace around it allowed). */
json_object *contiv__etcd_json_parse(const char *buf, size_t len);

/*
 * Field readers. An absent field yields the zero value (the gateway omits
 * them); a present field of the wrong type or form fails with
 * -CONTIV_ERR_JSON (message on ctx naming what).
 */
int contiv__etcd_json_int64(struct contiv_ctx *ctx, json_object *obj, const char *field,
			    const char *what, uint64_t *ret);
int contiv__etcd_json_bool(struct contiv_ctx *ctx, json_object *obj, const char *field,
			   const char *what, bool *ret);
/* *ret = NULL when absent. */
int contiv__etcd_json_string(struct contiv_ctx *ctx, json_object *obj, const char *field,
			     const char *what, const char **ret);
/* *ret = NULL when absent; an object when present. */
int contiv__etcd_json_object(struct contiv_ctx *ctx, json_object *obj, const char *field,
			     const char *what, json_object **ret);
/* *ret = NULL when absent; an array when present. */
int contiv__etcd_json_array(struct contiv_ctx *ctx, json_object *obj, const char *field,
			    const char *what, json_object **ret);
/* A base64 field decoded to text (no NUL inside); absent = "". */
int contiv__etcd_json_b64(struct contiv_ctx *ctx, json_object *obj, const char *field,
			  const char *what, char **ret);
/* json_object_object_add() of a base64 string / an int64 as a decimal string. */
int contiv__etcd_add_b64(json_object *obj, const char *field, const void *data, size_t len);
int contiv__etcd_add_int64(json_object *obj, const char *field, uint64_t value);

/* ---- http ---- */

struct contiv__etcd;

/* Flags of contiv__etcd_call(). */
#define CONTIV__ETCD_NO_AUTH (1u << 0)	/* the authenticate request itself */
#define CONTIV__ETCD_RESULT (1u << 1)	/* a streaming RPC: unwrap {"result":...} */

/*
 * A gRPC error the server answered with, as the gateway renders it:
 * {"error": "...", "message": "...", "code": N}.
 */
struct contiv__etcd_error {
	int code;	/* gRPC code: 3 invalid argument, 5 not found, 11 out of range, ... */
	char message[256];
};

#define CONTIV__ETCD_GRPC_INVALID_ARGUMENT 3
#define CONTIV__ETCD_GRPC_NOT_FOUND 5
#define CONTIV__ETCD_GRPC_PERMISSION_DENIED 7
#define CONTIV__ETCD_GRPC_OUT_OF_RANGE 11
#define CONTIV__ETCD_GRPC_UNAVAILABLE 14
#define CONTIV__ETCD_GRPC_UNAUTHENTICATED 16

/* Parses config->location and connects (authenticating if configured). */
int contiv__etcd_new(struct contiv_ctx *ctx, const struct contiv__store_config *config,
		     struct contiv__etcd **ret);
void contiv__etcd_free(struct contiv__etcd *e);
/* The endpoint requests go to first ("http://host:port"), for white-box tests. */
const char *contiv__etcd_current_endpoint(const struct contiv__etcd *e);

/*
 * POSTs the JSON request to path ("/v3/kv/range") on the current endpoint,
 * failing over to the others on transport errors and unavailable answers
 * until config->timeout_ms has passed.
 *
 * Returns 0 with *ret the JSON object answered (HTTP 200); 1 when the server
 * answered with an error that is not about availability (*ret_error filled,
 * nothing on ctx yet); -CONTIV_ERR_UNAVAILABLE, -CONTIV_ERR_JSON or -ENOMEM
 * with a message on ctx.
 *
 * *ret_resent (may be NULL) tells whether the request was sent again after
 * an attempt that may have reached a server: a write may then have been
 * applied twice (see store-etcd.c for why that is safe).
 */
int contiv__etcd_call(struct contiv__etcd *e, const char *path, json_object *request,
		      unsigned flags, json_object **ret, struct contiv__etcd_error *ret_error,
		      bool *ret_resent);

/*
 * Called for each message of a watch stream (the object inside "result").
 * Returns 0 to read on, 1 to stop (done), or a negative error (with a
 * message on ctx) that the stream returns.
 */
typedef int (*contiv__etcd_msg_fn)(json_object *msg, void *userdata);

/* wait_ms of contiv__etcd_stream(): the store's timeout. */
#define CONTIV__ETCD_WAIT_TIMEOUT (-2)

/*
 * Opens a watch stream (POST /v3/watch with the request) and hands each
 * message to fn, failing over between endpoints until the first message
 * arrives (within config->timeout_ms). After the first message, reads until
 * fn stops or wait_ms more have passed (-1: no limit,
 * CONTIV__ETCD_WAIT_TIMEOUT: config->timeout_ms).
 *
 * Returns 1 if fn stopped, 0 when wait_ms passed, a negative error.
 */
int contiv__etcd_stream(struct contiv__etcd *e, json_object *request, int wait_ms,
			contiv__etcd_msg_fn fn, void *userdata);

#endif
