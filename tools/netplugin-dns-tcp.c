/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DNS over TCP for netplugin's built-in DNS (clients retry over TCP when a
 * UDP answer is truncated: groups with many endpoints).
 *
 * A TCP connection carries no per-packet interface, so instead of one
 * wildcard socket there is one listener per bridge, bound to it with
 * SO_BINDTODEVICE: the listener says which bridge (so which tenant) a
 * connection came through, and the connection's packets leave through that
 * bridge whatever the routing table says (identical subnets in several
 * tenants). The DNS thread refreshes the listeners every second from the
 * host's interfaces (contiv_agent_dns_answer() with an empty query tells
 * whether an interface is one of the agent's bridges), and at once when a
 * UDP query comes through a bridge that has none yet (a new network: its
 * clients may retry over TCP right away). Each accepted
 * connection is served by a short-lived thread (at most MAX_CONNS at once):
 * queries are read and replies written with ldns's TCP framing, names of
 * the tenant answered by the agent, others forwarded over TCP to the
 * upstreams (ldns_tcp_send; SERVFAIL if none answers); an idle connection
 * is closed after
 * IDLE_TIMEOUT_S.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "netplugin-dns.h"

#define MAX_LISTENERS 256
#define MAX_CONNS 16
#define IDLE_TIMEOUT_S 5
#define UPSTREAM_TIMEOUT_S 2

struct listener {
	int fd;
	char ifname[IF_NAMESIZE];
	bool seen;
};

static struct {
	const struct dns_server_cfg *cfg;
	struct contiv_agent *agent;
	struct listener l[MAX_LISTENERS];
	size_t n;
	atomic_int conns;
	bool warned;
} T;

struct conn {
	int fd;
	char ifname[IF_NAMESIZE];
};

static bool is_bridge(const char *ifname)
{
	uint8_t none[1];
	size_t len = 0;

	/* checked before the query: -ENOENT for interfaces that are not ours */
	return contiv_agent_dns_answer(T.agent, ifname, 0, none, 0, none, sizeof(none), &len) != -ENOENT;
}

static int listen_on(const char *ifname)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)T.cfg->port) };
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 16) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void dns_tcp_refresh(const struct dns_server_cfg *cfg, struct contiv_agent *agent)
{
	struct if_nameindex *ifs = if_nameindex();

	T.cfg = cfg;
	T.agent = agent;
	if (!ifs)
		return;
	for (size_t i = 0; i < T.n; i++)
		T.l[i].seen = false;
	for (struct if_nameindex *it = ifs; it->if_index; it++) {
		size_t k;
		int fd;

		if (!is_bridge(it->if_name))
			continue;
		for (k = 0; k < T.n && strcmp(T.l[k].ifname, it->if_name); k++)
			;
		if (k < T.n) {
			T.l[k].seen = true;
			continue;
		}
		if (T.n == MAX_LISTENERS)
			break;
		fd = listen_on(it->if_name);
		if (fd < 0) {
			if (!T.warned && cfg->log)
				cfg->log(LOG_WARNING, "dns: no TCP on %s: %s", it->if_name, strerror(-fd));
			T.warned = true;
			continue;
		}
		T.l[T.n].fd = fd;
		snprintf(T.l[T.n].ifname, sizeof(T.l[T.n].ifname), "%s", it->if_name);
		T.l[T.n++].seen = true;
	}
	if_freenameindex(ifs);
	for (size_t i = 0; i < T.n;) {	/* bridges gone */
		if (T.l[i].seen) {
			i++;
			continue;
		}
		close(T.l[i].fd);
		T.l[i] = T.l[--T.n];
	}
}

void dns_tcp_ensure(const struct dns_server_cfg *cfg, struct contiv_agent *agent, const char *ifname)
{
	for (size_t i = 0; i < T.n; i++)
		if (!strcmp(T.l[i].ifname, ifname))
			return;
	dns_tcp_refresh(cfg, agent);
}

size_t dns_tcp_pollfds(struct pollfd *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < T.n && n < max; i++)
		fds[n++] = (struct pollfd){ .fd = T.l[i].fd, .events = POLLIN };
	return n;
}

/* Answers (or forwards) one query; returns the reply (malloc'd) or NULL. */
static uint8_t *tcp_answer(const char *ifname, const uint8_t *q, size_t qlen, size_t *rlen)
{
	static const size_t max = CONTIV_AGENT_DNS_REPLY_MAX;
	uint8_t *out = malloc(max), *fwd = NULL;
	struct timeval tv = { .tv_sec = UPSTREAM_TIMEOUT_S };
	ldns_buffer *buf;
	int r;

	if (!out)
		return NULL;
	r = contiv_agent_dns_answer(T.agent, ifname, CONTIV_AGENT_DNS_TCP, q, qlen, out, max, rlen);
	if (r == 1)
		return out;
	free(out);
	if (r != 0)
		return NULL;
	buf = ldns_buffer_new(qlen);
	if (!buf)
		return NULL;
	ldns_buffer_write(buf, q, qlen);
	for (size_t i = 0; i < T.cfg->n_upstream && !fwd; i++) {
		const struct sockaddr_storage *up = &T.cfg->upstream[i];
		socklen_t len = up->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

		if (ldns_tcp_send(&fwd, buf, up, len, tv, rlen) != LDNS_STATUS_OK) {
			free(fwd);
			fwd = NULL;
		}
	}
	ldns_buffer_free(buf);
	return fwd ? fwd : dns_servfail(q, qlen, rlen);	/* none answered */
}

static void *serve_conn(void *arg)
{
	struct conn *c = arg;
	struct timeval idle = { .tv_sec = IDLE_TIMEOUT_S };

	for (;;) {
		size_t qlen = 0, rlen = 0;
		uint8_t *q = ldns_tcp_read_wire_timeout(c->fd, &qlen, idle), *reply;
		ldns_buffer *out;
		bool sent;

		if (!q)
			break;
		reply = tcp_answer(c->ifname, q, qlen, &rlen);
		free(q);
		if (!reply)
			break;
		out = ldns_buffer_new(rlen);
		sent = out && (ldns_buffer_write(out, reply, rlen), ldns_tcp_send_query(out, c->fd, NULL, 0) > 0);
		ldns_buffer_free(out);
		free(reply);
		if (!sent)
			break;
	}
	close(c->fd);
	free(c);
	atomic_fetch_sub(&T.conns, 1);
	return NULL;
}

void dns_tcp_ready(const struct pollfd *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct conn *c;
		pthread_attr_t attr;
		pthread_t th;
		int fd;

		if (!(fds[i].revents & POLLIN))
			continue;
		fd = accept4(fds[i].fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		if (atomic_fetch_add(&T.conns, 1) >= MAX_CONNS || !(c = calloc(1, sizeof(*c)))) {
			atomic_fetch_sub(&T.conns, 1);
			close(fd);
			continue;
		}
		c->fd = fd;
		for (size_t k = 0; k < T.n; k++)
			if (T.l[k].fd == fds[i].fd)
				snprintf(c->ifname, sizeof(c->ifname), "%s", T.l[k].ifname);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &attr, serve_conn, c) != 0) {
			close(fd);
			free(c);
			atomic_fetch_sub(&T.conns, 1);
		}
		pthread_attr_destroy(&attr);
	}
}

void dns_tcp_stop(void)
{
	for (size_t i = 0; i < T.n; i++)
		close(T.l[i].fd);
	T.n = 0;
	/* connection threads end within their timeouts; the agent must outlive them */
	for (int i = 0; i < 1500 && atomic_load(&T.conns) > 0; i++)
		usleep(10000);
}
