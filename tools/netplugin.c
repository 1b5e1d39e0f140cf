/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netplugin: Contiv's per-host agent. Thin: one thread follows netmaster's
 * change stream (contiv_agent_sync(), long-poll of about a second), the
 * HTTP server (libmicrohttpd on a unix socket) serves the local agent API
 * through contiv_agent_handle(); both take one mutex, since the agent is
 * single-threaded. All logic lives in libcontiv's agent layer.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include <contiv/contiv.h>

#include "netplugin-dns.h"
#include "tool-util.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

#define EXIT_STARTUP 22		/* Contiv's exit code for bad flags and startup errors */
#define MAX_BODY (64u * 1024u)
#define SYNC_TIMEOUT_MS 1000

static struct {
	const char *host;
	const char *vtep_ip;
	const char *vlan_uplinks;
	const char *netmaster;
	const char *socket_path;
	const char *portmap_file;
	bool no_ip_forward;
	int log_level;
	bool no_dns;
	const char *dns_upstream;
	unsigned dns_port;
	unsigned network_linger;
	char hostname[256];
	char uplink[64];
	char portmap_path[4096];
} cfg = {
	.netmaster = "http://127.0.0.1:9999",
	.socket_path = "/run/contiv/netplugin.sock",
	.log_level = LOG_INFO,
	.dns_port = 53,
	.network_linger = 60,
};

static pthread_mutex_t agent_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int waiters;
static atomic_bool stopping;
static struct contiv_agent *agent;

#define logmsg tool_log

static void lib_log(struct contiv_ctx *ctx, int priority, const char *file, int line,
		    const char *fn, const char *message, void *userdata)
{
	(void)ctx;
	(void)file;
	(void)line;
	(void)fn;
	(void)userdata;
	logmsg(priority, "%s", message);
}

/* ---- the agent, one caller at a time; requests go before the sync loop ---- */

static void agent_enter(bool request)
{
	if (request)
		atomic_fetch_add(&waiters, 1);
	pthread_mutex_lock(&agent_lock);
	if (request)
		atomic_fetch_sub(&waiters, 1);
}

static void agent_leave(void)
{
	pthread_mutex_unlock(&agent_lock);
}

/*
 * Waits, WITHOUT the agent lock, until netmaster has changes after *rev (a
 * long poll of the change stream with the sync thread's own client and
 * context), so agent API requests are never held up by the wait. *rev 0:
 * learns the current revision first. Returns 0, or a negative code when
 * netmaster cannot be reached.
 */
static int wait_for_change(struct contiv_client *watcher, uint64_t *rev)
{
	char path[96];
	char *body = NULL;
	const char *p;
	long status = 0;
	int r;

	snprintf(path, sizeof(path), "/api/v1/watch/?since=%llu&timeout=%d",
		 (unsigned long long)*rev, *rev ? SYNC_TIMEOUT_MS : 0);
	r = contiv_client_request(watcher, "GET", path, NULL, &status, &body);
	if (r == 0 && status != 200)
		r = -EIO;
	/* netmaster puts "revision" first: {"revision":N,...} (docs/REST.md) */
	p = "{\"revision\":";
	if (r == 0 && !strncmp(body, p, strlen(p)))
		*rev = strtoull(body + strlen(p), NULL, 10);
	contiv_free(body);
	return r;
}

static void *sync_loop(void *arg)
{
	struct contiv_ctx *ctx = arg, *wctx = NULL;
	struct contiv_client *watcher = NULL;
	uint64_t rev = 0;
	bool down = false;

	CONTIV_OPTS(contiv_client_opts, wopts, .timeout_ms = SYNC_TIMEOUT_MS + 5000);
	if (contiv_ctx_new(NULL, &wctx) < 0 ||
	    contiv_client_new(wctx, cfg.netmaster, &wopts, &watcher) < 0) {
		logmsg(LOG_ERR, "sync: cannot create the change-stream client");
		atomic_store(&stopping, true);
		contiv_ctx_unref(wctx);
		return NULL;
	}
	while (!atomic_load(&stopping)) {
		int r;

		while (atomic_load(&waiters) > 0 && !atomic_load(&stopping))
			usleep(1000);
		agent_enter(false);
		r = contiv_agent_sync(agent, 0);
		if (r < 0 && r != -CONTIV_ERR_UNAVAILABLE)
			logmsg(LOG_ERR, "sync: %s", contiv_ctx_get_error(ctx));
		agent_leave();
		if (r == 0 || r > 0)
			r = wait_for_change(watcher, &rev);
		if (r == -CONTIV_ERR_UNAVAILABLE || r == -EIO) {
			if (!down)
				logmsg(LOG_WARNING, "netmaster %s unreachable: datapath left as it is; retrying",
				       cfg.netmaster);
			down = true;
			rev = 0;
			sleep(1);
		} else if (r < 0) {
			sleep(1);	/* the datapath refused: retried with the next sync */
		} else if (down) {
			logmsg(LOG_INFO, "netmaster %s reachable again", cfg.netmaster);
			down = false;
		}
	}
	contiv_client_unref(watcher);
	contiv_ctx_unref(wctx);
	return NULL;
}

/* ---- HTTP ---- */

struct request {
	char *body;
	size_t len;
	bool too_big;
	bool answered;
};

static MHD_RESULT send_answer(struct MHD_Connection *con, int status, const char *body)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
								     MHD_RESPMEM_MUST_COPY);
	MHD_RESULT ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(con, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static MHD_RESULT serve(struct MHD_Connection *con, const char *method, const char *url,
			struct request *req)
{
	char *out = NULL;
	int status;
	MHD_RESULT ret;

	agent_enter(true);
	status = contiv_agent_handle(agent, method, url, req->body, req->len, &out);
	agent_leave();
	if (status < 0) {
		logmsg(LOG_ERR, "%s %s: %s", method, url, strerror(-status));
		return send_answer(con, 500, "{\"error\":\"internal error\",\"status\":500}");
	}
	logmsg(status >= 400 ? LOG_WARNING : LOG_INFO, "%s %s -> %d%s%s", method, url, status,
	       status >= 400 ? " " : "", status >= 400 ? out : "");
	ret = send_answer(con, status, out);
	contiv_free(out);
	return ret;
}

static MHD_RESULT on_request(void *cls, struct MHD_Connection *con, const char *url,
			     const char *method, const char *version, const char *upload_data,
			     size_t *upload_data_size, void **con_cls)
{
	struct request *req = *con_cls;

	(void)cls;
	(void)version;
	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->too_big && req->len + *upload_data_size <= MAX_BODY) {
			char *b = realloc(req->body, req->len + *upload_data_size + 1);

			if (!b)
				return MHD_NO;
			memcpy(b + req->len, upload_data, *upload_data_size);
			req->body = b;
			req->len += *upload_data_size;
			b[req->len] = '\0';
		} else {
			req->too_big = true;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->answered)
		return MHD_YES;
	req->answered = true;
	if (req->too_big)
		return send_answer(con, 413, "{\"error\":\"request body too large\",\"status\":413}");
	return serve(con, method, url, req);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	(void)cls;
	(void)con;
	(void)toe;
	if (req) {
		free(req->body);
		free(req);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	logmsg(LOG_DEBUG, "httpd: %s", buf);
}


/*
 * Routing between the underlay and the networks' bridges (SNAT of container
 * traffic leaving the host, DNAT port mappings) needs IPv4 forwarding in
 * this network namespace; written to /proc, as sysctl(8) would.
 */
static int enable_ip_forward(void)
{
	static const char path[] = "/proc/sys/net/ipv4/ip_forward";
	char cur = '0';
	int fd = open(path, O_RDWR | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (read(fd, &cur, 1) == 1 && cur == '1') {
		close(fd);
		return 0;
	}
	if (pwrite(fd, "1\n", 2, 0) != 2)
		r = -errno;
	close(fd);
	if (r == 0)
		logmsg(LOG_INFO, "net.ipv4.ip_forward set to 1 (external connectivity)");
	return r;
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: netplugin --vtep-ip IP [OPTIONS]\n"
		"Contiv's host agent: follows netmaster and programs this host's datapath.\n\n"
		"  --host NAME            this host's name (default: the hostname)\n"
		"  --vtep-ip IP           this host's VXLAN tunnel endpoint address (required)\n"
		"  --vlan-uplinks IF[,IF] uplink(s) carrying VLAN networks (the first is used)\n"
		"  --netmaster URL        netmaster's URL (default http://127.0.0.1:9999)\n"
		"  --socket PATH          agent API socket (default /run/contiv/netplugin.sock)\n"
		"  --portmap-file PATH    where port mappings are kept across restarts\n"
		"                         (default: the socket's path with .portmap.json for .sock)\n"
		"  --no-ip-forward        do not set net.ipv4.ip_forward=1 at start (external\n"
		"                         connectivity then needs it set by the administrator)\n"
		"  --log-level LEVEL      error, warning, info (default) or debug\n"
		"  --no-dns               do not serve the built-in DNS\n"
		"  --dns-upstream IP[,IP] resolvers for other names (default: /etc/resolv.conf)\n"
		"  --dns-port PORT        the DNS port (default 53)\n"
		"  --network-linger SECONDS  keep a network's devices that long after its last\n"
		"                         endpoint left (default 60, 0: remove at once)\n"
		"  --help                 show this help\n"
		"  --version              show the version\n");
}

/* A decimal flag value in min..max, or -1 after a message naming --flag. */
static int parse_uint(const char *flag, const char *arg, const char *what, unsigned long min,
		      unsigned long max, unsigned *ret)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || *arg == '-' || v < min || v > max) {
		fprintf(stderr, "netplugin: --%s \"%s\": expected %s %lu..%lu\n", flag, arg, what, min, max);
		return -1;
	}
	*ret = (unsigned)v;
	return 0;
}


static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "vtep-ip", required_argument, NULL, 'v' },
		{ "vlan-uplinks", required_argument, NULL, 'u' },
		{ "netmaster", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "portmap-file", required_argument, NULL, 'p' },
		{ "no-ip-forward", no_argument, NULL, 'F' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "no-dns", no_argument, NULL, 'D' },
		{ "dns-upstream", required_argument, NULL, 'U' },
		{ "dns-port", required_argument, NULL, 'P' },
		{ "network-linger", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			cfg.host = optarg;
			break;
		case 'v':
			cfg.vtep_ip = optarg;
			break;
		case 'u':
			cfg.vlan_uplinks = optarg;
			break;
		case 'n':
			cfg.netmaster = optarg;
			break;
		case 's':
			cfg.socket_path = optarg;
			break;
		case 'p':
			cfg.portmap_file = optarg;
			break;
		case 'F':
			cfg.no_ip_forward = true;
			break;
		case 'L':
			cfg.log_level = tool_parse_level(optarg);
			if (cfg.log_level < 0) {
				fprintf(stderr, "netplugin: --log-level \"%s\": expected error, warning, info or debug\n",
					optarg);
				return EXIT_STARTUP;
			}
			break;
		case 'D':
			cfg.no_dns = true;
			break;
		case 'U':
			cfg.dns_upstream = optarg;
			break;
		case 'P':
			if (parse_uint("dns-port", optarg, "a port number", 1, 65535, &cfg.dns_port) < 0)
				return EXIT_STARTUP;
			break;
		case 'G':
			if (parse_uint("network-linger", optarg, "seconds", 0, 86400, &cfg.network_linger) < 0)
				return EXIT_STARTUP;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("netplugin %s\n", contiv_version());
			return 0;
		default:
			usage(stderr);
			return EXIT_STARTUP;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netplugin: unexpected argument \"%s\"\n", argv[optind]);
		return EXIT_STARTUP;
	}
	if (!cfg.vtep_ip) {
		fprintf(stderr, "netplugin: --vtep-ip is required\n");
		return EXIT_STARTUP;
	}
	if (!cfg.host || !*cfg.host) {
		if (gethostname(cfg.hostname, sizeof(cfg.hostname) - 1) < 0 || !*cfg.hostname) {
			fprintf(stderr, "netplugin: no --host given and no hostname\n");
			return EXIT_STARTUP;
		}
		cfg.host = cfg.hostname;
	}
	if (cfg.vlan_uplinks) {
		size_t n = strcspn(cfg.vlan_uplinks, ",");

		if (!n || n >= sizeof(cfg.uplink)) {
			fprintf(stderr, "netplugin: --vlan-uplinks \"%s\": expected IF[,IF]\n",
				cfg.vlan_uplinks);
			return EXIT_STARTUP;
		}
		snprintf(cfg.uplink, sizeof(cfg.uplink), "%.*s", (int)n, cfg.vlan_uplinks);
	}
	if (!*cfg.socket_path) {
		fprintf(stderr, "netplugin: --socket: a path is required\n");
		return EXIT_STARTUP;
	}
	if (cfg.portmap_file && !*cfg.portmap_file) {
		fprintf(stderr, "netplugin: --portmap-file: a path is required\n");
		return EXIT_STARTUP;
	}
	if (!cfg.portmap_file) {
		size_t n = strlen(cfg.socket_path);

		if (n >= 5 && !strcmp(cfg.socket_path + n - 5, ".sock"))
			n -= 5;
		snprintf(cfg.portmap_path, sizeof(cfg.portmap_path), "%.*s.portmap.json", (int)n,
			 cfg.socket_path);
		cfg.portmap_file = cfg.portmap_path;
	}
	return -1;
}

int main(int argc, char **argv)
{
	CONTIV_OPTS(contiv_dp_opts, dopts);
	CONTIV_OPTS(contiv_agent_opts, aopts);
	struct contiv_client *client = NULL;
	struct contiv_ctx *ctx = NULL;
	struct contiv_dp *dp = NULL;
	struct MHD_Daemon *mhd = NULL;
	struct dns_server_cfg dns = { .log = logmsg };
	pthread_t syncer;
	sigset_t sigs;
	int r, sig, fd, dns_fd = -1;
	char err[160];

	tool_log_setup("netplugin", &cfg.log_level);

	r = parse_args(argc, argv);
	if (r >= 0)
		return r;
	if (!cfg.no_dns) {
		dns.port = cfg.dns_port;
		if (dns_server_upstreams(&dns, cfg.dns_upstream, err, sizeof(err)) < 0) {
			fprintf(stderr, "netplugin: --dns-upstream %s\n", err);
			return EXIT_STARTUP;
		}
		dns_fd = dns_server_bind(&dns);
		if (dns_fd < 0) {
			fprintf(stderr, "netplugin: DNS: cannot bind UDP port %u: %s (another DNS server here? --no-dns disables ours)\n",
				cfg.dns_port, strerror(-dns_fd));
			return EXIT_STARTUP;
		}
	}
	if (contiv_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "netplugin: out of memory\n");
		return EXIT_STARTUP;
	}
	contiv_ctx_set_log_fn(ctx, lib_log, NULL);
	contiv_ctx_set_log_priority(ctx, cfg.log_level);
	dopts.vtep_ip = cfg.vtep_ip;
	dopts.vlan_uplink = *cfg.uplink ? cfg.uplink : NULL;
	aopts.host = cfg.host;
	aopts.vtep_ip = cfg.vtep_ip;
	aopts.portmap_file = cfg.portmap_file;
	tool_make_parent(cfg.portmap_file);
	if (!cfg.no_ip_forward && (r = enable_ip_forward()) < 0)
		logmsg(LOG_WARNING, "cannot set net.ipv4.ip_forward: %s (container traffic to the underlay and port mappings need it)",
		       strerror(-r));
	aopts.flags = cfg.no_dns ? 0 : CONTIV_AGENT_DNS;
	aopts.linger_sec = cfg.network_linger;
	r = contiv_client_new(ctx, cfg.netmaster, NULL, &client);
	if (r == 0)
		r = contiv_dp_new(ctx, &dopts, &dp);
	if (r == 0)
		r = contiv_agent_new(ctx, client, dp, &aopts, &agent);
	contiv_dp_unref(dp);
	contiv_client_unref(client);
	if (r == 0 && dns_fd >= 0)
		r = dns_server_start(&dns, dns_fd, agent);
	if (r < 0) {
		logmsg(LOG_ERR, "%s", r == -ENOMEM || r == -EAGAIN ? strerror(-r) : contiv_ctx_get_error(ctx));
		if (dns_fd >= 0)
			close(dns_fd);
		contiv_agent_unref(agent);
		contiv_ctx_unref(ctx);
		return EXIT_STARTUP;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);	/* inherited by every thread */
	signal(SIGPIPE, SIG_IGN);

	tool_make_parent(cfg.socket_path);
	fd = tool_unix_listener(cfg.socket_path);
	if (fd >= 0)
		mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
					       MHD_USE_ERROR_LOG,
				       0, NULL, NULL, on_request, NULL,
				       MHD_OPTION_LISTEN_SOCKET, fd,
				       MHD_OPTION_CONNECTION_TIMEOUT, 120u,
				       MHD_OPTION_CONNECTION_LIMIT, 64u,
				       MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				       MHD_OPTION_END);
	if (!mhd) {
		logmsg(LOG_ERR, "cannot listen on %s: %s", cfg.socket_path,
		       strerror(fd < 0 ? -fd : errno));
		if (fd >= 0)
			close(fd);
		dns_server_stop();
		contiv_agent_unref(agent);
		contiv_ctx_unref(ctx);
		return EXIT_STARTUP;
	}
	if (pthread_create(&syncer, NULL, sync_loop, ctx) != 0) {
		logmsg(LOG_ERR, "cannot start the sync thread");
		MHD_stop_daemon(mhd);
		unlink(cfg.socket_path);
		dns_server_stop();
		contiv_agent_unref(agent);
		contiv_ctx_unref(ctx);
		return EXIT_STARTUP;
	}
	logmsg(LOG_INFO, "%s: host %s, vtep %s, netmaster %s, agent API on %s", contiv_version(),
	       cfg.host, cfg.vtep_ip, cfg.netmaster, cfg.socket_path);
	if (dns_fd >= 0)
		logmsg(LOG_INFO, "DNS on port %u (UDP, TCP) of the networks' bridges, %zu upstream(s)%s",
		       cfg.dns_port, dns.n_upstream, dns.n_upstream ? "" : ": other names get SERVFAIL");
	sigwait(&sigs, &sig);
	logmsg(LOG_INFO, "signal %d: stopping (the datapath stays as it is)", sig);
	atomic_store(&stopping, true);
	MHD_stop_daemon(mhd);
	unlink(cfg.socket_path);
	pthread_join(syncer, NULL);
	dns_server_stop();
	contiv_agent_unref(agent);
	contiv_ctx_unref(ctx);
	return 0;
}
