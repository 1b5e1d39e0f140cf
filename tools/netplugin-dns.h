/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netplugin's built-in DNS server thread (tools/netplugin-dns.c). */
#ifndef CONTIV_NETPLUGIN_DNS_H
#define CONTIV_NETPLUGIN_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <contiv/contiv.h>

#define DNS_MAX_UPSTREAMS 4

struct dns_server_cfg {
	unsigned port;					/* 53 */
	struct sockaddr_storage upstream[DNS_MAX_UPSTREAMS];
	size_t n_upstream;
	void (*log)(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
};

/*
 * Fills cfg->upstream from LIST ("IP[,IP]", IPv4 or IPv6, port 53 or
 * "IP#PORT"), or, when LIST is NULL, from the nameservers of /etc/resolv.conf
 * (read with ldns). Returns 0, or -1 with a message in ERR naming the bad
 * value.
 */
int dns_server_upstreams(struct dns_server_cfg *cfg, const char *list, char *err, size_t errlen);

/*
 * Binds UDP port cfg->port on the wildcard address of the current network
 * namespace (IP_PKTINFO). Returns the socket, or -errno.
 */
int dns_server_bind(const struct dns_server_cfg *cfg);

/*
 * Starts the thread that serves queries arriving on FD through one of the
 * agent's bridges: answered by contiv_agent_dns_answer(), other names
 * relayed to the upstreams. Returns 0 or -errno.
 */
int dns_server_start(const struct dns_server_cfg *cfg, int fd, struct contiv_agent *agent);

/* Stops the thread and closes its sockets. */
void dns_server_stop(void);

/* A SERVFAIL reply to QUERY (built by ldns; free() it), or NULL. */
uint8_t *dns_servfail(const uint8_t *query, size_t qlen, size_t *ret_len);

/*
 * DNS over TCP (netplugin-dns-tcp.c), driven by the DNS thread: refresh
 * the per-bridge listeners (every second), add them to a poll set, accept
 * what is ready (one short-lived thread per connection), and on stop close
 * them and wait for the connections to end.
 */
struct pollfd;
void dns_tcp_refresh(const struct dns_server_cfg *cfg, struct contiv_agent *agent);
void dns_tcp_ensure(const struct dns_server_cfg *cfg, struct contiv_agent *agent, const char *ifname);
size_t dns_tcp_pollfds(struct pollfd *fds, size_t max);
void dns_tcp_ready(const struct pollfd *fds, size_t n);
void dns_tcp_stop(void);

#endif
