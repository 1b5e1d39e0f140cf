/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv-cni's transport: one HTTP/1.1 request to the local agent API over
 * its unix socket, with plain socket calls. A CNI plugin is a new process
 * per ADD/DEL, so what it links is paid on every call: libcontiv would bring
 * libcurl (and its TLS, Kerberos, LDAP … libraries), libnl, libnftnl and
 * SQLite, about 5 ms of dynamic loading per run, more than the attach
 * itself. This file needs only libc.
 *
 * The answer is read until the agent closes the connection; a Content-Length
 * or a chunked body is honoured.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent-http.h"

#define MAX_ANSWER (16u * 1024u * 1024u)

static int fail(char *err, size_t errlen, int r, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return r;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Waits until fd is ready for events; -ETIMEDOUT after the deadline. */
static int wait_fd(int fd, short events, const struct timespec *deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		long left = ms_left(deadline);
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const char *buf, size_t len, const struct timespec *deadline)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			int r = wait_fd(fd, POLLOUT, deadline);

			if (r < 0)
				return r;
			continue;
		}
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Decodes a chunked body in place; -EBADMSG if malformed. */
static int dechunk(char *body, size_t len, size_t *ret_len)
{
	char *in = body, *end = body + len, *out = body;

	for (;;) {
		char *eol = memmem(in, (size_t)(end - in), "\r\n", 2);
		unsigned long n;
		char *num_end;

		if (!eol)
			return -EBADMSG;
		n = strtoul(in, &num_end, 16);
		if (num_end == in || (size_t)(end - (eol + 2)) < n)
			return -EBADMSG;
		if (n == 0)
			break;
		memmove(out, eol + 2, n);
		out += n;
		in = eol + 2 + n;
		if (end - in >= 2 && in[0] == '\r' && in[1] == '\n')
			in += 2;
	}
	*out = '\0';
	*ret_len = (size_t)(out - body);
	return 0;
}

/* Splits a complete answer into status and body (moved to the front of buf). */
static int parse_answer(char *buf, size_t len, long *status, size_t *body_len, char *err, size_t errlen)
{
	char *hdr_end = memmem(buf, len, "\r\n\r\n", 4), *line, *body;
	bool chunked = false;
	long clen = -1;
	size_t blen;

	if (len < 12 || strncmp(buf, "HTTP/1.", 7) || !hdr_end)
		return fail(err, errlen, -EBADMSG, "the agent's answer is not HTTP");
	*status = strtol(buf + 9, NULL, 10);
	if (*status < 100 || *status > 599)
		return fail(err, errlen, -EBADMSG, "the agent's answer has no valid status");
	*hdr_end = '\0';
	for (line = strstr(buf, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
		if (!strncasecmp(line + 2, "Content-Length:", 15))
			clen = strtol(line + 17, NULL, 10);
		else if (!strncasecmp(line + 2, "Transfer-Encoding:", 18) && strstr(line + 20, "chunked"))
			chunked = true;
	}
	body = hdr_end + 4;
	blen = len - (size_t)(body - buf);
	memmove(buf, body, blen);
	buf[blen] = '\0';
	if (chunked) {
		if (dechunk(buf, blen, &blen) < 0)
			return fail(err, errlen, -EBADMSG, "the agent's chunked answer is malformed");
	} else if (clen >= 0) {
		if ((size_t)clen > blen)
			return fail(err, errlen, -EBADMSG, "the agent's answer is shorter than its Content-Length");
		blen = (size_t)clen;
		buf[blen] = '\0';
	}
	*body_len = blen;
	return 0;
}

int cni_agent_http(const char *socket_path, const char *method, const char *path, const char *body,
		   int timeout_ms, long *ret_status, char **ret_body, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec deadline;
	char *req = NULL, *buf = NULL;
	size_t len = 0, cap = 0, blen;
	int fd, r, n;

	*ret_body = NULL;
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return fail(err, errlen, -ENAMETOOLONG, "socket path too long");
	strcpy(sa.sun_path, socket_path);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, errlen, -errno, "socket: %s", strerror(errno));
	/* a unix socket connects at once or fails (no backlog wait worth a poll) */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = fail(err, errlen, -errno, "connecting to %s: %s", socket_path, strerror(errno));
		goto out;
	}
	n = body ? asprintf(&req, "%s %s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
				  "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
			    method, path, strlen(body), body)
		 : asprintf(&req, "%s %s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
				  "Connection: close\r\n\r\n",
			    method, path);
	if (n < 0) {
		req = NULL;
		r = fail(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	r = send_all(fd, req, (size_t)n, &deadline);
	if (r < 0) {
		fail(err, errlen, r, "sending to %s: %s", socket_path, strerror(-r));
		goto out;
	}
	for (;;) {
		ssize_t got;

		if (cap - len < 4096 + 1) {
			char *nb;

			if (cap >= MAX_ANSWER) {
				r = fail(err, errlen, -E2BIG, "the agent's answer is larger than %u bytes", MAX_ANSWER);
				goto out;
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				r = fail(err, errlen, -ENOMEM, "out of memory");
				goto out;
			}
			buf = nb;
		}
		got = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
			r = wait_fd(fd, POLLIN, &deadline);
			if (r < 0) {
				fail(err, errlen, r, "waiting for %s: %s", socket_path, strerror(-r));
				goto out;
			}
			continue;
		}
		if (got < 0) {
			r = fail(err, errlen, -errno, "reading from %s: %s", socket_path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (!buf) {
		r = fail(err, errlen, -EBADMSG, "the agent closed the connection without an answer");
		goto out;
	}
	buf[len] = '\0';
	r = parse_answer(buf, len, ret_status, &blen, err, errlen);
	if (r == 0) {
		*ret_body = buf;
		buf = NULL;
	}
out:
	free(req);
	free(buf);
	close(fd);
	return r;
}
