/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small HTTP server on a unix socket for the daemons in tools/ and
 * plugins/: libmicrohttpd, one thread per connection, request bodies
 * collected up to a limit (413 beyond), every request handed to one
 * callback that answers a status and a body.
 */
#ifndef CONTIV_TOOL_HTTPD_H
#define CONTIV_TOOL_HTTPD_H

#include <stddef.h>

/*
 * Answers one request: returns the HTTP status with *ret_body (malloc'd,
 * freed by the server), or a negative errno (the server answers 500).
 */
typedef int (*tool_httpd_fn)(void *userdata, const char *method, const char *url, const char *body,
			     size_t len, char **ret_body);

struct tool_httpd;

/*
 * Serves fd (a listening socket, taken over) with fn; content_type names
 * every answer. Returns NULL (errno set) on failure; fd is then closed.
 */
struct tool_httpd *tool_httpd_start(int fd, size_t max_body, const char *content_type, tool_httpd_fn fn,
				    void *userdata);

/* Stops the server and waits for its threads. NULL is fine. */
void tool_httpd_stop(struct tool_httpd *s);

#endif
