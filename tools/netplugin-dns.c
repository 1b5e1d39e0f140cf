/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netplugin's built-in DNS server: one thread, one UDP socket bound to the
 * wildcard address of the host's namespace with IP_PKTINFO.
 *
 * - A query is served only when it arrived on one of the agent's bridges:
 *   the bridge names the network and so the tenant
 *   (contiv_agent_dns_answer()); a query from anywhere else (the underlay,
 *   loopback) is ignored, so this is never an open resolver and a forwarded
 *   query can never come back to us.
 * - The reply leaves through that same bridge (IP_PKTINFO ipi_ifindex) from
 *   the address the query was sent to (ipi_spec_dst): tenants may have
 *   identical subnets, so the routing table cannot tell which bridge a
 *   reply to 10.1.2.3 must take. Any local address reached over a bridge
 *   works as the DNS server (the gateway, the host's VTEP address, ...).
 * - Names the tenant does not have are relayed unchanged to the upstream
 *   resolvers, one fresh connected UDP socket per query (a random source
 *   port from the kernel); the answer is checked with ldns (a response, same
 *   id, same question) and relayed back through the bridge. Each upstream
 *   gets UPSTREAM_TIMEOUT_MS, then the next; after the last, SERVFAIL.
 *   At most MAX_PENDING queries are in flight; more get SERVFAIL.
 * - TCP: per-bridge listeners, see netplugin-dns-tcp.c.
 * The agent's names are read without the agent lock (immutable snapshots),
 * so a long sync never delays an answer.
 */
#include "config.h"

#include <arpa/inet.h>
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
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "netplugin-dns.h"

#define MAX_PENDING 128
#define UPSTREAM_TIMEOUT_MS 1500
#define POLL_MS 250		/* how soon a stop request is seen */
#define QUERY_MAX 4096
#define REPLY_MAX CONTIV_AGENT_DNS_REPLY_MAX

struct pending {
	int fd;			/* -1: free slot */
	struct sockaddr_in client;
	int ifindex;
	struct in_addr dst;	/* the address the client asked */
	uint8_t *query;
	size_t qlen;
	size_t upstream;	/* index of the upstream being asked */
	int64_t deadline;	/* monotonic ms */
};

static struct {
	struct dns_server_cfg cfg;
	struct contiv_agent *agent;
	int fd;
	pthread_t thread;
	bool running;
	atomic_bool stop;
	struct pending pend[MAX_PENDING];
	uint8_t buf[REPLY_MAX];
	uint8_t out[REPLY_MAX];
} S = { .fd = -1 };

#define log_at(prio, ...) \
	do { \
		if (S.cfg.log) \
			S.cfg.log(prio, __VA_ARGS__); \
	} while (0)

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- configuration ---- */

static int add_upstream(struct dns_server_cfg *cfg, const char *text, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *hash = strchr(text, '#');
	size_t hlen = hash ? (size_t)(hash - text) : strlen(text);
	unsigned long port = 53;
	struct sockaddr_storage *ss = &cfg->upstream[cfg->n_upstream];
	char *end;

	if (cfg->n_upstream >= DNS_MAX_UPSTREAMS) {
		snprintf(err, errlen, "at most %d upstreams", DNS_MAX_UPSTREAMS);
		return -1;
	}
	if (!hlen || hlen >= sizeof(host))
		goto bad;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (hash) {
		errno = 0;
		port = strtoul(hash + 1, &end, 10);
		if (errno || *end || end == hash + 1 || port < 1 || port > 65535)
			goto bad;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	} else {
		goto bad;
	}
	cfg->n_upstream++;
	return 0;
bad:
	snprintf(err, errlen, "\"%.64s\": expected an IPv4 or IPv6 address, optionally #PORT", text);
	return -1;
}

int dns_server_upstreams(struct dns_server_cfg *cfg, const char *list, char *err, size_t errlen)
{
	ldns_resolver *res = NULL;

	cfg->n_upstream = 0;
	if (list) {
		char *copy = strdup(list), *save = NULL;
		int r = 0;

		if (!copy) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		for (char *tok = strtok_r(copy, ",", &save); tok && r == 0; tok = strtok_r(NULL, ",", &save))
			r = add_upstream(cfg, tok, err, errlen);
		free(copy);
		if (r == 0 && !cfg->n_upstream) {
			snprintf(err, errlen, "\"%.64s\": no address", list);
			r = -1;
		}
		return r;
	}
	/* the host's resolvers, as its programs use them */
	if (ldns_resolver_new_frm_file(&res, NULL) != LDNS_STATUS_OK || !res)
		return 0;	/* no resolv.conf: other names get SERVFAIL */
	for (size_t i = 0; i < ldns_resolver_nameserver_count(res) && cfg->n_upstream < DNS_MAX_UPSTREAMS; i++) {
		size_t size = 0;
		struct sockaddr_storage *ss =
			ldns_rdf2native_sockaddr_storage(ldns_resolver_nameservers(res)[i], 53, &size);

		if (ss && size <= sizeof(cfg->upstream[0]))
			memcpy(&cfg->upstream[cfg->n_upstream++], ss, size);
		free(ss);
	}
	ldns_resolver_deep_free(res);
	return 0;
}

int dns_server_bind(const struct dns_server_cfg *cfg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port) };
	int one = 1, fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* ---- replies ---- */

/* Sends a reply to a client through the bridge its query came in on. */
static void send_reply(const struct sockaddr_in *client, int ifindex, struct in_addr dst,
		       const void *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_name = (void *)client,
		.msg_namelen = sizeof(*client),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	struct in_pktinfo pi = { .ipi_ifindex = ifindex, .ipi_spec_dst = dst };

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(S.fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_at(LOG_DEBUG, "dns: reply to %s: %s", inet_ntoa(client->sin_addr), strerror(errno));
}

uint8_t *dns_servfail(const uint8_t *query, size_t qlen, size_t *ret_len)
{
	ldns_pkt *p = NULL;
	uint8_t *wire = NULL;
	size_t len = 0;

	if (ldns_wire2pkt(&p, query, qlen) != LDNS_STATUS_OK || !p)
		return NULL;
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_ra(p, true);
	ldns_pkt_set_aa(p, false);
	ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL);
	ldns_rr_list_deep_free(ldns_pkt_answer(p));
	ldns_rr_list_deep_free(ldns_pkt_authority(p));
	ldns_rr_list_deep_free(ldns_pkt_additional(p));
	ldns_pkt_set_answer(p, ldns_rr_list_new());
	ldns_pkt_set_authority(p, ldns_rr_list_new());
	ldns_pkt_set_additional(p, ldns_rr_list_new());
	ldns_pkt_set_ancount(p, 0);
	ldns_pkt_set_nscount(p, 0);
	ldns_pkt_set_arcount(p, 0);
	if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK) {
		free(wire);
		wire = NULL;
	}
	ldns_pkt_free(p);
	*ret_len = len;
	return wire;
}

/* SERVFAIL for a query we could not get answered. */
static void send_servfail(const struct sockaddr_in *client, int ifindex, struct in_addr dst,
			  const uint8_t *query, size_t qlen)
{
	size_t len = 0;
	uint8_t *wire = dns_servfail(query, qlen, &len);

	if (wire)
		send_reply(client, ifindex, dst, wire, len);
	free(wire);
}

/* ---- forwarding ---- */

static void pending_free(struct pending *p)
{
	if (p->fd >= 0)
		close(p->fd);
	free(p->query);
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* Sends P's query to upstream P->upstream (and the next ones on failure). */
static bool pending_send(struct pending *p)
{
	for (; p->upstream < S.cfg.n_upstream; p->upstream++) {
		const struct sockaddr_storage *up = &S.cfg.upstream[p->upstream];
		socklen_t len = up->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);

		if (p->fd >= 0)
			close(p->fd);
		p->fd = socket(up->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (p->fd >= 0 && connect(p->fd, (const struct sockaddr *)up, len) == 0 &&
		    send(p->fd, p->query, p->qlen, MSG_NOSIGNAL) == (ssize_t)p->qlen) {
			p->deadline = now_ms() + UPSTREAM_TIMEOUT_MS;
			return true;
		}
		log_at(LOG_DEBUG, "dns: upstream %zu: %s", p->upstream, strerror(errno));
	}
	return false;
}

static void forward(const struct sockaddr_in *client, int ifindex, struct in_addr dst,
		    const uint8_t *query, size_t qlen)
{
	struct pending *p = NULL;

	for (size_t i = 0; i < MAX_PENDING && !p; i++)
		if (S.pend[i].fd < 0 && !S.pend[i].query)
			p = &S.pend[i];
	if (!p || !S.cfg.n_upstream || !(p->query = malloc(qlen))) {
		send_servfail(client, ifindex, dst, query, qlen);
		return;
	}
	memcpy(p->query, query, qlen);
	p->qlen = qlen;
	p->client = *client;
	p->ifindex = ifindex;
	p->dst = dst;
	p->upstream = 0;
	p->fd = -1;
	if (!pending_send(p)) {
		send_servfail(client, ifindex, dst, query, qlen);
		pending_free(p);
	}
}

/* True when REPLY answers QUERY: a response with its id and question. */
static bool answers(const uint8_t *query, size_t qlen, const uint8_t *reply, size_t rlen)
{
	ldns_pkt *q = NULL, *r = NULL;
	bool ok;

	if (ldns_wire2pkt(&q, query, qlen) != LDNS_STATUS_OK)
		return false;
	ok = ldns_wire2pkt(&r, reply, rlen) == LDNS_STATUS_OK && ldns_pkt_qr(r) &&
	     ldns_pkt_id(r) == ldns_pkt_id(q) &&
	     ldns_rr_list_compare(ldns_pkt_question(r), ldns_pkt_question(q)) == 0;
	ldns_pkt_free(q);
	ldns_pkt_free(r);
	return ok;
}

static void upstream_readable(struct pending *p)
{
	ssize_t n = recv(p->fd, S.buf, sizeof(S.buf), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {	/* e.g. ECONNREFUSED: nobody on that upstream */
		p->upstream++;
		if (!pending_send(p)) {
			send_servfail(&p->client, p->ifindex, p->dst, p->query, p->qlen);
			pending_free(p);
		}
		return;
	}
	if (!answers(p->query, p->qlen, S.buf, (size_t)n)) {
		log_at(LOG_DEBUG, "dns: a datagram from upstream %zu that does not answer the query: ignored",
		       p->upstream);
		return;
	}
	send_reply(&p->client, p->ifindex, p->dst, S.buf, (size_t)n);
	pending_free(p);
}

static void expire(int64_t now)
{
	for (size_t i = 0; i < MAX_PENDING; i++) {
		struct pending *p = &S.pend[i];

		if (!p->query || p->deadline > now)
			continue;
		p->upstream++;
		if (!pending_send(p)) {
			log_at(LOG_DEBUG, "dns: no upstream answered in time: SERVFAIL to %s",
			       inet_ntoa(p->client.sin_addr));
			send_servfail(&p->client, p->ifindex, p->dst, p->query, p->qlen);
			pending_free(p);
		}
	}
}

/* ---- queries ---- */

/*
 * Interface names by index: if_indextoname() costs a socket per call (a
 * third of a query's time); names are kept for a second (an index reused
 * by another interface within that second would be misread for that long).
 */
#define IFCACHE 64
static struct {
	int index;
	char name[IF_NAMESIZE];
} ifcache[IFCACHE];
static size_t ifcache_n;

static bool ifname_of(int index, char name[IF_NAMESIZE])
{
	for (size_t i = 0; i < ifcache_n; i++)
		if (ifcache[i].index == index) {
			memcpy(name, ifcache[i].name, IF_NAMESIZE);
			return true;
		}
	if (!if_indextoname((unsigned)index, name))
		return false;
	if (ifcache_n < IFCACHE) {
		ifcache[ifcache_n].index = index;
		memcpy(ifcache[ifcache_n++].name, name, IF_NAMESIZE);
	}
	return true;
}

static void query_readable(void)
{
	for (int burst = 0; burst < 64; burst++) {
		union {
			char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
			struct cmsghdr align;
		} ctl;
		struct sockaddr_in client;
		struct iovec iov = { .iov_base = S.buf, .iov_len = QUERY_MAX };
		struct msghdr msg = {
			.msg_name = &client,
			.msg_namelen = sizeof(client),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = ctl.buf,
			.msg_controllen = sizeof(ctl.buf),
		};
		struct in_pktinfo pi = { 0 };
		char ifname[IF_NAMESIZE];
		bool have_pi = false;
		size_t len = 0;
		ssize_t n;
		int r;

		n = recvmsg(S.fd, &msg, MSG_DONTWAIT);
		if (n < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				have_pi = true;
			}
		if (!have_pi || (msg.msg_flags & MSG_TRUNC) || msg.msg_namelen != sizeof(client) ||
		    !ifname_of(pi.ipi_ifindex, ifname))
			continue;
		r = contiv_agent_dns_answer(S.agent, ifname, 0, S.buf, (size_t)n, S.out, sizeof(S.out), &len);
		if (r >= 0)
			dns_tcp_ensure(&S.cfg, S.agent, ifname);	/* for a retry over TCP */
		if (r == 1)
			send_reply(&client, pi.ipi_ifindex, pi.ipi_addr, S.out, len);
		else if (r == 0)
			forward(&client, pi.ipi_ifindex, pi.ipi_addr, S.buf, (size_t)n);
		else if (r != -ENOENT)
			log_at(LOG_DEBUG, "dns: query from %s on %s dropped: %s", inet_ntoa(client.sin_addr),
			       ifname, strerror(-r));
	}
}

#define MAX_TCP_LISTENERS 256

static void *dns_loop(void *arg)
{
	struct pollfd fds[1 + MAX_PENDING + MAX_TCP_LISTENERS];
	struct pending *who[1 + MAX_PENDING];
	int64_t refreshed = 0;

	(void)arg;
	while (!atomic_load(&S.stop)) {
		int64_t now = now_ms(), next = now + POLL_MS;
		nfds_t n = 1, ntcp;

		if (now - refreshed >= 1000) {	/* bridges come and go with networks */
			dns_tcp_refresh(&S.cfg, S.agent);
			ifcache_n = 0;
			refreshed = now;
		}
		fds[0] = (struct pollfd){ .fd = S.fd, .events = POLLIN };
		for (size_t i = 0; i < MAX_PENDING; i++)
			if (S.pend[i].query && S.pend[i].fd >= 0) {
				fds[n] = (struct pollfd){ .fd = S.pend[i].fd, .events = POLLIN };
				who[n++] = &S.pend[i];
				if (S.pend[i].deadline < next)
					next = S.pend[i].deadline;
			}
		ntcp = dns_tcp_pollfds(&fds[n], MAX_TCP_LISTENERS);
		if (poll(fds, n + ntcp, next > now ? (int)(next - now) : 0) < 0 && errno != EINTR)
			break;
		dns_tcp_ready(&fds[n], ntcp);
		if (fds[0].revents & POLLIN)
			query_readable();
		for (nfds_t i = 1; i < n; i++)
			if (fds[i].revents)
				upstream_readable(who[i]);
		expire(now_ms());
	}
	return NULL;
}

int dns_server_start(const struct dns_server_cfg *cfg, int fd, struct contiv_agent *agent)
{
	int r;

	S.cfg = *cfg;
	S.fd = fd;
	S.agent = agent;
	for (size_t i = 0; i < MAX_PENDING; i++)
		S.pend[i].fd = -1;
	atomic_store(&S.stop, false);
	r = pthread_create(&S.thread, NULL, dns_loop, NULL);
	if (r != 0)
		return -r;
	S.running = true;
	return 0;
}

void dns_server_stop(void)
{
	if (S.running) {
		atomic_store(&S.stop, true);
		pthread_join(S.thread, NULL);
		S.running = false;
	}
	dns_tcp_stop();
	for (size_t i = 0; i < MAX_PENDING; i++)
		if (S.pend[i].query)
			pending_free(&S.pend[i]);
	if (S.fd >= 0)
		close(S.fd);
	S.fd = -1;
}
