/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A DNS load client for bench/dns.sh: COUNT A queries for NAME to SERVER
 * (IPv4[#port]) over UDP, at most WINDOW in flight, each query with its own
 * id; replies are matched by id (parsed with ldns). A query unanswered for
 * 1 s is counted lost and replaced. Prints one line:
 *   answered=N lost=N qps=Q p50_us=U p99_us=U
 *   dns-query SERVER NAME COUNT [WINDOW]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#define MAX_WINDOW 256
#define LOSS_NS 1000000000LL

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int send_query(int fd, ldns_pkt *q, uint16_t id)
{
	uint8_t *wire = NULL;
	size_t len = 0;
	int r;

	ldns_pkt_set_id(q, id);
	if (ldns_pkt2wire(&wire, q, &len) != LDNS_STATUS_OK)
		return -1;
	r = send(fd, wire, len, 0) == (ssize_t)len ? 0 : -1;
	free(wire);
	return r;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
	static long long sent_at[65536];
	long long *lat, start, t, last_scan = 0;
	long count, window, sent = 0, answered = 0, lost = 0, inflight = 0;
	char host[64], *hash;
	uint16_t next_id = 1;
	uint8_t buf[65536];
	ldns_pkt *q;
	int fd;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: dns-query SERVER[#PORT] NAME COUNT [WINDOW]\n");
		return 2;
	}
	snprintf(host, sizeof(host), "%s", argv[1]);
	hash = strchr(host, '#');
	if (hash) {
		*hash = '\0';
		sin.sin_port = htons((uint16_t)atoi(hash + 1));
	}
	count = atol(argv[3]);
	window = argc == 5 ? atol(argv[4]) : 1;
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1 || count < 1 || window < 1 || window > MAX_WINDOW) {
		fprintf(stderr, "dns-query: bad arguments\n");
		return 2;
	}
	q = ldns_pkt_query_new(ldns_dname_new_frm_str(argv[2]), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
	lat = calloc((size_t)count, sizeof(*lat));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!q || !lat || fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("dns-query");
		return 1;
	}
	start = now_ns();
	while (answered + lost < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		while (inflight < window && sent < count) {
			if (send_query(fd, q, next_id) < 0) {
				perror("dns-query: send");
				return 1;
			}
			sent_at[next_id] = now_ns();
			next_id = next_id == 65535 ? 1 : next_id + 1;
			sent++;
			inflight++;
		}
		if (poll(&pfd, 1, 100) > 0) {
			ldns_pkt *r = NULL;

			n = recv(fd, buf, sizeof(buf), 0);
			if (n > 0 && ldns_wire2pkt(&r, buf, (size_t)n) == LDNS_STATUS_OK && ldns_pkt_qr(r) &&
			    sent_at[ldns_pkt_id(r)]) {
				lat[answered++] = now_ns() - sent_at[ldns_pkt_id(r)];
				sent_at[ldns_pkt_id(r)] = 0;
				inflight--;
			}
			ldns_pkt_free(r);
		}
		t = now_ns();
		if (t - last_scan < LOSS_NS / 10)
			continue;
		last_scan = t;	/* losses: a scan every 100 ms */
		for (long i = 1; i < 65536; i++)
			if (sent_at[i] && t - sent_at[i] > LOSS_NS) {
				sent_at[i] = 0;
				lost++;
				inflight--;
			}
	}
	t = now_ns() - start;
	qsort(lat, (size_t)answered, sizeof(*lat), cmp_ll);
	printf("answered=%ld lost=%ld qps=%.0f p50_us=%.0f p99_us=%.0f\n", answered, lost,
	       answered / (t / 1e9), answered ? lat[answered / 2] / 1e3 : 0.0,
	       answered ? lat[answered * 99 / 100] / 1e3 : 0.0);
	ldns_pkt_free(q);
	free(lat);
	close(fd);
	return 0;
}
