/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small HTTP server on a unix socket (tool-httpd.h), over libmicrohttpd. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "tool-httpd.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

struct tool_httpd {
	struct MHD_Daemon *mhd;
	size_t max_body;
	const char *content_type;
	tool_httpd_fn fn;
	void *userdata;
};

struct conn_body {
	char *data;
	size_t len;
	bool too_big, answered;
};

static MHD_RESULT answer(struct tool_httpd *s, struct MHD_Connection *con, int status, const char *body, bool owned)
{
	struct MHD_Response *resp;
	MHD_RESULT ret;

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
					       owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (owned)
			free((void *)body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, s->content_type);
	ret = MHD_queue_response(con, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static MHD_RESULT on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
			     const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct tool_httpd *s = cls;
	struct conn_body *b = *con_cls;
	char *out = NULL;
	int status;

	(void)version;
	if (!b) {
		*con_cls = b = calloc(1, sizeof(*b));
		return b ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (b->too_big || b->len + n > s->max_body) {
			b->too_big = true;
			return MHD_YES;
		}
		out = realloc(b->data, b->len + n + 1);
		if (!out)
			return MHD_NO;
		memcpy(out + b->len, upload, n);
		b->data = out;
		b->len += n;
		b->data[b->len] = '\0';
		return MHD_YES;
	}
	if (b->answered)
		return MHD_YES;
	b->answered = true;
	if (b->too_big)
		return answer(s, con, 413, "{\"Err\":\"request body too large\"}", false);
	status = s->fn(s->userdata, method, url, b->data ? b->data : "", b->len, &out);
	if (status < 0 || !out) {
		free(out);
		return answer(s, con, 500, "{\"Err\":\"internal error\"}", false);
	}
	return answer(s, con, status, out, true);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_body *b = *con_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (b) {
		free(b->data);
		free(b);
		*con_cls = NULL;
	}
}

struct tool_httpd *tool_httpd_start(int fd, size_t max_body, const char *content_type, tool_httpd_fn fn,
				    void *userdata)
{
	struct tool_httpd *s = calloc(1, sizeof(*s));

	if (!s) {
		close(fd);
		return NULL;
	}
	s->max_body = max_body;
	s->content_type = content_type;
	s->fn = fn;
	s->userdata = userdata;
	s->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
				  on_request, s, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_TIMEOUT,
				  300u, MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				  NULL, MHD_OPTION_END);
	if (!s->mhd) {
		int e = errno ? errno : EIO;

		close(fd);
		free(s);
		errno = e;
		return NULL;
	}
	return s;
}

void tool_httpd_stop(struct tool_httpd *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->mhd);
	free(s);
}
