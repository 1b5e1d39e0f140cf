/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Request/response helper of bench/datapath.sh (per-packet and per-flow
 * cost with many policy rules in the table):
 *
 *   bench/rr server PORT          UDP echo and a TCP "accept, echo one byte,
 *                                 close" server on PORT (until killed)
 *   bench/rr udp IP PORT SECONDS  64-byte UDP request/response round trips
 *                                 on one flow (every packet crosses both
 *                                 hosts' datapath): prints "<n>/s"
 *   bench/rr crr IP PORT SECONDS  TCP connect, 1-byte request/response,
 *                                 close: new flows per second (each one is
 *                                 evaluated by the policy): prints "<n>/s"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	char buf[2048];

	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (u < 0 || t < 0 || bind(u, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    bind(t, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(t, 128) < 0) {
		perror("rr: server");
		return 1;
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = u, .events = POLLIN }, { .fd = t, .events = POLLIN } };

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

			if (n > 0)
				sendto(u, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
		if (p[1].revents & POLLIN) {
			int c = accept(t, NULL, NULL);

			if (c >= 0) {
				if (read(c, buf, 1) == 1 && write(c, buf, 1) != 1)
					perror("rr: write");
				close(c);
			}
		}
	}
}

static int client(const char *mode, const char *ip, int port, double secs)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 1 };
	char buf[64] = { 0 };
	bool udp = !strcmp(mode, "udp");
	long n = 0, lost = 0;
	double t0, end;
	int s = -1;

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "rr: \"%s\": not an IPv4 address\n", ip);
		return 2;
	}
	if (udp) {
		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("rr: udp");
			return 1;
		}
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	t0 = now();
	end = t0 + secs;
	while (now() < end) {
		if (udp) {
			if (send(s, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
				return 1;
			if (recv(s, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf)) {
				if (++lost > 10) {
					fprintf(stderr, "rr: no answers from %s:%d\n", ip, port);
					return 1;
				}
				continue;
			}
		} else {
			int c = socket(AF_INET, SOCK_STREAM, 0), one = 1;
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			/* RST on close: no TIME_WAIT pile-up on the client side */
			setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0 || write(c, buf, 1) != 1 ||
			    read(c, buf, 1) != 1) {
				if (c >= 0)
					close(c);
				if (++lost > 10) {
					fprintf(stderr, "rr: %s:%d: %s\n", ip, port, strerror(errno));
					return 1;
				}
				continue;
			}
			close(c);
		}
		n++;
	}
	printf("%.0f/s\n", (double)n / (now() - t0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 5 && (!strcmp(argv[1], "udp") || !strcmp(argv[1], "crr")))
		return client(argv[1], argv[2], atoi(argv[3]), atof(argv[4]));
	fprintf(stderr, "usage: rr server PORT | rr udp|crr IP PORT SECONDS\n");
	return 2;
}
