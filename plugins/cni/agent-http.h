/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* contiv-cni's transport to the netplugin agent API (see agent-http.c). */
#ifndef CONTIV_CNI_AGENT_HTTP_H
#define CONTIV_CNI_AGENT_HTTP_H

#include <stddef.h>

/**
 * cni_agent_http:
 * @socket_path: the agent's unix socket
 * @method: "GET" or "POST"
 * @path: the request path ("/attach")
 * @body: the JSON request body, or NULL
 * @timeout_ms: for connecting, sending and the whole answer
 * @ret_status: the HTTP status of the answer
 * @ret_body: the answer's body (NUL-terminated, free()), on success
 * @err: where a message is written on failure
 * @errlen: its size
 *
 * One HTTP/1.1 request with "Connection: close" over a unix socket.
 *
 * Returns: 0 on success; a negative errno (with @err set) if the agent could
 * not be reached or answered something that is not HTTP.
 */
int cni_agent_http(const char *socket_path, const char *method, const char *path, const char *body,
		   int timeout_ms, long *ret_status, char **ret_body, char *err, size_t errlen);

#endif
