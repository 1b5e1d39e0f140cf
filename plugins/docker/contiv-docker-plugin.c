/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv-docker-plugin: Docker's remote NetworkDriver and IpamDriver for
 * Contiv. Thin: flags, the HTTP server on Docker's plugin socket
 * (tools/tool-httpd), the transports (netmaster and the local netplugin with
 * the public contiv_client, Docker with dockerapi.c) and the thread that keeps
 * Docker's networks in step with netmaster. The logic is in handler.c and
 * netsync.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <contiv/contiv.h>

#include "dockerapi.h"
#include "handler.h"
#include "netsync.h"
#include "tool-httpd.h"
#include "tool-util.h"

#define EXIT_STARTUP 22
#define MAX_BODY (1u << 20)
#define WATCH_MS 5000
#define RESYNC_S 30

static struct {
	const char *netmaster;
	const char *docker;
	const char *socket_path;
	const char *agent_socket;
	char driver[64];
	int log_level;
	bool sync;
} cfg = {
	.netmaster = "http://127.0.0.1:9999",
	.docker = "unix:///var/run/docker.sock",
	.socket_path = "/run/docker/plugins/netplugin.sock",
	.agent_socket = "/run/contiv/netplugin.sock",
	.log_level = LOG_INFO,
	.sync = true,
};

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stopping;

#define logmsg tool_log

/* ---- transports: one set per thread (clients are single-threaded) ---- */

struct peers {
	struct contiv_ctx *ctx;
	struct contiv_client *master;
	struct contiv_client *agent;
	struct dapi *docker;
};

static int peers_open(struct peers *p, int master_timeout_ms)
{
	CONTIV_OPTS(contiv_client_opts, mo, .timeout_ms = (uint32_t)master_timeout_ms);
	CONTIV_OPTS(contiv_client_opts, ao, .unix_socket = cfg.agent_socket, .timeout_ms = 60000);
	char err[512];
	int r;

	memset(p, 0, sizeof(*p));
	r = contiv_ctx_new(NULL, &p->ctx);
	if (r == 0)
		r = contiv_client_new(p->ctx, cfg.netmaster, &mo, &p->master);
	if (r == 0)
		r = contiv_client_new(p->ctx, "http://localhost", &ao, &p->agent);
	if (r < 0) {
		logmsg(LOG_ERR, "%s", p->ctx ? contiv_ctx_get_error(p->ctx) : "out of memory");
		return r;
	}
	r = dapi_new(cfg.docker, &p->docker, err, sizeof(err));
	if (r < 0)
		logmsg(LOG_ERR, "%s", r == -ENOMEM ? "out of memory" : err);
	return r;
}

static void peers_close(struct peers *p)
{
	dapi_free(p->docker);
	contiv_client_unref(p->master);
	contiv_client_unref(p->agent);
	contiv_ctx_unref(p->ctx);
}

static int peer_request(void *userdata, enum dh_peer peer, const char *method, const char *path, const char *body,
			long *ret_status, char **ret_body, char *err, size_t errlen)
{
	struct peers *p = userdata;
	char *out = NULL;
	int r;

	if (peer == DH_DOCKER)
		return dapi_request(p->docker, method, path, body, ret_status, ret_body, err, errlen);
	r = contiv_client_request(peer == DH_NETMASTER ? p->master : p->agent, method, path, body, ret_status,
				  &out);
	if (r < 0) {
		if (peer == DH_AGENT)
			snprintf(err, errlen, "%s: %s", cfg.agent_socket, contiv_ctx_get_error(p->ctx));
		else
			snprintf(err, errlen, "%s", contiv_ctx_get_error(p->ctx));
		return r;
	}
	*ret_body = strdup(out ? out : "");
	contiv_free(out);
	return *ret_body ? 0 : -ENOMEM;
}

/* ---- the plugin socket ---- */

static struct dh *handler;

static int serve(void *userdata, const char *method, const char *url, const char *body, size_t len,
		 char **ret_body)
{
	int status;

	(void)userdata;
	if (strcmp(method, "POST")) {
		*ret_body = strdup("{\"Err\":\"use POST\"}");
		return *ret_body ? 405 : -ENOMEM;
	}
	pthread_mutex_lock(&handler_lock);
	status = dh_handle(handler, url, body, len, ret_body);
	pthread_mutex_unlock(&handler_lock);
	if (status < 0)
		logmsg(LOG_ERR, "%s: %s", url, strerror(-status));
	else
		logmsg(status == 200 ? LOG_DEBUG : LOG_WARNING, "%s -> %d %s", url, status,
		       status == 200 ? "" : *ret_body);
	if (status == 200 && cfg.log_level >= LOG_DEBUG)
		logmsg(LOG_DEBUG, "  request %.*s answer %s", (int)(len > 600 ? 600 : len), body, *ret_body);
	return status;
}

/* ---- keeping Docker's networks in step ---- */

static void sync_log(void *userdata, int priority, const char *message)
{
	(void)userdata;
	logmsg(priority, "%s", message);
}

/* Waits for a change in netmaster after *rev (long poll); 0, or -errno if unreachable. */
static int wait_for_change(struct peers *p, int64_t *rev)
{
	char path[96], err[256], *body = NULL;
	long status = 0;
	const char *k = "{\"revision\":";
	int r;

	snprintf(path, sizeof(path), "/api/v1/watch/?since=%lld&timeout=%d", (long long)*rev, *rev ? WATCH_MS : 0);
	r = peer_request(p, DH_NETMASTER, "GET", path, NULL, &status, &body, err, sizeof(err));
	if (r == 0 && status != 200)
		r = -EIO;
	if (r == 0 && !strncmp(body, k, strlen(k)))
		*rev = strtoll(body + strlen(k), NULL, 10);
	free(body);
	return r;
}

static void *sync_loop(void *arg)
{
	struct peers p, *hp = arg;
	int64_t rev = 0;
	time_t last = 0;

	if (peers_open(&p, WATCH_MS + 5000) < 0) {
		peers_close(&p);
		return NULL;
	}
	while (!atomic_load(&stopping)) {
		int64_t before = rev;
		int r = wait_for_change(&p, &rev);

		pthread_mutex_lock(&handler_lock);
		dh_retry_pending(handler);
		(void)hp;
		pthread_mutex_unlock(&handler_lock);
		if (r < 0) {
			rev = 0;
			sleep(1);
			continue;
		}
		if (!cfg.sync || (rev == before && time(NULL) - last < RESYNC_S))
			continue;
		r = ns_sync_once(peer_request, &p, cfg.driver, sync_log, NULL);
		if (r < 0)
			sleep(1);
		last = time(NULL);
	}
	peers_close(&p);
	return NULL;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: contiv-docker-plugin [OPTIONS]\n"
		"Docker network and IPAM plugin for Contiv (driver name: the socket's file name).\n\n"
		"  --netmaster URL        netmaster's URL (default http://127.0.0.1:9999)\n"
		"  --docker URL           Docker's API (default unix:///var/run/docker.sock)\n"
		"  --socket PATH          plugin socket (default /run/docker/plugins/netplugin.sock)\n"
		"  --agent-socket PATH    local netplugin's agent API (default /run/contiv/netplugin.sock)\n"
		"  --no-sync              do not create Docker networks for netmaster's networks and groups\n"
		"  -v, --log-level LEVEL  error, warning, info (default) or debug\n"
		"  --help                 show this help\n"
		"  --version              show the version\n");
}

/* The driver name Docker knows the plugin by: the socket file's name without ".sock". */
static int driver_name(void)
{
	const char *base = strrchr(cfg.socket_path, '/');
	size_t n;

	base = base ? base + 1 : cfg.socket_path;
	n = strlen(base);
	if (n <= 5 || strcmp(base + n - 5, ".sock") || n - 5 >= sizeof(cfg.driver)) {
		fprintf(stderr, "contiv-docker-plugin: --socket \"%s\": must end in <name>.sock (Docker finds the plugin by <name>)\n",
			cfg.socket_path);
		return -1;
	}
	snprintf(cfg.driver, sizeof(cfg.driver), "%.*s", (int)(n - 5), base);
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netmaster", required_argument, NULL, 'n' },
		{ "docker", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 's' },
		{ "agent-socket", required_argument, NULL, 'a' },
		{ "no-sync", no_argument, NULL, 'N' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "v:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			cfg.netmaster = optarg;
			break;
		case 'd':
			cfg.docker = optarg;
			break;
		case 's':
			cfg.socket_path = optarg;
			break;
		case 'a':
			cfg.agent_socket = optarg;
			break;
		case 'N':
			cfg.sync = false;
			break;
		case 'v':
			cfg.log_level = tool_parse_level(optarg);
			if (cfg.log_level < 0) {
				fprintf(stderr, "contiv-docker-plugin: --log-level \"%s\": expected error, warning, info or debug\n",
					optarg);
				return EXIT_STARTUP;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("contiv-docker-plugin %s\n", contiv_version());
			return 0;
		default:
			usage(stderr);
			return EXIT_STARTUP;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "contiv-docker-plugin: unexpected argument \"%s\"\n", argv[optind]);
		return EXIT_STARTUP;
	}
	if (driver_name() < 0 || !*cfg.agent_socket)
		return EXIT_STARTUP;
	return -1;
}

int main(int argc, char **argv)
{
	struct tool_httpd *httpd = NULL;
	struct peers hp;
	char netns[64];
	pthread_t syncer;
	sigset_t sigs;
	int r, sig, fd;

	tool_log_setup("contiv-docker-plugin", &cfg.log_level);

	r = parse_args(argc, argv);
	if (r >= 0)
		return r;
	if (peers_open(&hp, 10000) < 0) {
		peers_close(&hp);
		return EXIT_STARTUP;
	}
	/* the container sides are made in our own namespace: dockerd's */
	snprintf(netns, sizeof(netns), "/proc/%ld/ns/net", (long)getpid());
	if (dh_new(peer_request, &hp, netns, &handler) < 0) {
		logmsg(LOG_ERR, "out of memory");
		peers_close(&hp);
		return EXIT_STARTUP;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	tool_make_parent(cfg.socket_path);
	fd = tool_unix_listener(cfg.socket_path);
	if (fd >= 0)
		httpd = tool_httpd_start(fd, MAX_BODY, "application/vnd.docker.plugins.v1+json", serve, NULL);
	if (!httpd) {
		logmsg(LOG_ERR, "cannot listen on %s: %s", cfg.socket_path, strerror(fd < 0 ? -fd : errno));
		dh_free(handler);
		peers_close(&hp);
		return EXIT_STARTUP;
	}
	if (pthread_create(&syncer, NULL, sync_loop, &hp) != 0) {
		logmsg(LOG_ERR, "cannot start the sync thread");
		tool_httpd_stop(httpd);
		unlink(cfg.socket_path);
		dh_free(handler);
		peers_close(&hp);
		return EXIT_STARTUP;
	}
	logmsg(LOG_INFO, "%s: driver \"%s\" on %s, netmaster %s, netplugin %s, docker %s%s", contiv_version(),
	       cfg.driver, cfg.socket_path, cfg.netmaster, cfg.agent_socket, cfg.docker,
	       cfg.sync ? "" : " (no network sync)");
	sigwait(&sigs, &sig);
	logmsg(LOG_INFO, "signal %d: stopping (containers keep their networking)", sig);
	atomic_store(&stopping, true);
	tool_httpd_stop(httpd);
	unlink(cfg.socket_path);
	pthread_join(syncer, NULL);
	dh_free(handler);
	peers_close(&hp);
	return 0;
}
