/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netmaster: Contiv's REST API over HTTP (libmicrohttpd). Thin: every
 * request goes to contiv_master_handle() of the connection thread's own
 * master (a master and its context are single-threaded); all logic lives
 * in libcontiv's master layer. serve() is the one dispatch point.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <microhttpd.h>

#include <contiv/contiv.h>

#if MHD_VERSION < 0x00097002
typedef int MHD_RESULT;
#else
typedef enum MHD_Result MHD_RESULT;
#endif

#define EXIT_STARTUP 22		/* Contiv's exit code for bad flags and startup errors */
#define MAX_BODY (1024u * 1024u)
#define CONNECTION_TIMEOUT 10	/* seconds without traffic before a connection is dropped */

static struct {
	const char *store_url;
	const char *listen;
	const char *socket_path;
	int log_level;
	char self_url[300];
} cfg = {
	.store_url = "sqlite:///var/lib/contiv/state.db",
	.listen = "127.0.0.1:9999",
	.log_level = LOG_INFO,
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void logmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(int prio, const char *fmt, ...)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error", "warning",
					     "notice", "info", "debug" };
	va_list ap;

	if (prio > cfg.log_level)
		return;
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "netmaster: %s: ", names[prio & 7]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

static void lib_log(struct contiv_ctx *ctx, int priority, const char *file, int line,
		    const char *fn, const char *message, void *userdata)
{
	(void)ctx;
	(void)file;
	(void)line;
	(void)userdata;
	logmsg(priority, "%s: %s", fn, message);
}

/* ---- per-thread master ---- */

struct worker {
	struct contiv_ctx *ctx;
	struct contiv_store *store;
	struct contiv_master *master;
};

static pthread_key_t worker_key;

static void worker_free(void *p)
{
	struct worker *w = p;

	contiv_master_unref(w->master);
	contiv_store_unref(w->store);
	contiv_ctx_unref(w->ctx);
	free(w);
}

static int worker_open(struct worker *w)
{
	CONTIV_OPTS(contiv_master_opts, mo, .max_body = MAX_BODY, .self_url = cfg.self_url);
	int r = contiv_ctx_new(NULL, &w->ctx);

	if (r < 0)
		return r;
	contiv_ctx_set_log_fn(w->ctx, lib_log, NULL);
	contiv_ctx_set_log_priority(w->ctx, cfg.log_level);
	r = contiv_store_open(w->ctx, cfg.store_url, NULL, &w->store);
	if (r == 0)
		r = contiv_master_new(w->ctx, w->store, &mo, &w->master);
	if (r < 0)
		logmsg(LOG_ERR, "store %s: %s", cfg.store_url, contiv_ctx_get_error(w->ctx));
	return r;
}

/* The calling thread's master, made on first use. */
static struct contiv_master *thread_master(void)
{
	struct worker *w = pthread_getspecific(worker_key);

	if (w)
		return w->master;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	if (worker_open(w) < 0) {
		worker_free(w);
		return NULL;
	}
	pthread_setspecific(worker_key, w);
	return w->master;
}

/* ---- HTTP ---- */

struct request {
	char *body;
	size_t len;
	bool too_big;
	bool answered;
};

static MHD_RESULT send_answer(struct MHD_Connection *con, int status, const char *body,
			      bool text)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), (void *)body,
								     MHD_RESPMEM_MUST_COPY);
	MHD_RESULT ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				text ? "text/plain; version=0.0.4" : "application/json");
	ret = MHD_queue_response(con, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static MHD_RESULT add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	char *q = cls;
	size_t len = strlen(q);

	(void)kind;
	snprintf(q + len, 512 - len, "%s%s=%s", len ? "&" : "", key, value ? value : "");
	return MHD_YES;
}

/* The one dispatch point: a complete request to the master, its answer back. */
static MHD_RESULT serve(struct MHD_Connection *con, const char *method, const char *url,
			struct request *req)
{
	struct contiv_master *m = thread_master();
	char path[4096], query[512] = "", *out = NULL;
	int status;

	if (!m)
		return send_answer(con, 503, "{\"error\":\"state store unavailable\",\"status\":503}", false);
	MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, add_arg, query);
	snprintf(path, sizeof(path), "%s%s%s", url, *query ? "?" : "", query);
	status = contiv_master_handle(m, method, path, req->body, req->len, &out);
	if (status < 0) {
		logmsg(LOG_ERR, "%s %s: %s", method, url, strerror(-status));
		return send_answer(con, 500, "{\"error\":\"internal error\",\"status\":500}", false);
	}
	logmsg(status >= 500 ? LOG_WARNING : LOG_INFO, "%s %s -> %d", method, path, status);
	MHD_RESULT ret = send_answer(con, status, out, !strcmp(url, "/metrics"));

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
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);

		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		if (cl && strtoull(cl, NULL, 10) > MAX_BODY) {
			/* answer before reading the body; MHD then closes the connection */
			req->answered = true;
			logmsg(LOG_INFO, "%s %s -> 413", method, url);
			return send_answer(con, 413, "{\"error\":\"request body too large\",\"status\":413}",
					   false);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->answered && !req->too_big && req->len + *upload_data_size <= MAX_BODY) {
			char *b = realloc(req->body, req->len + *upload_data_size + 1);

			if (!b)
				return MHD_NO;
			memcpy(b + req->len, upload_data, *upload_data_size);
			req->body = b;
			req->len += *upload_data_size;
			b[req->len] = '\0';
		} else {
			req->too_big = true;	/* chunked body over the limit: drop the rest */
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->answered)
		return MHD_YES;
	req->answered = true;
	if (req->too_big)
		return send_answer(con, 413, "{\"error\":\"request body too large\",\"status\":413}", false);
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

/* Keeps the URL as sent: the master decodes path segments itself. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	logmsg(LOG_DEBUG, "httpd: %s", buf);
}

static struct MHD_Daemon *start(const struct sockaddr_in *sin, int listen_fd)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, sin ? ntohs(sin->sin_port) : 0, NULL, NULL, on_request, NULL,
				sin ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_LISTEN_SOCKET,
				sin ? (void *)sin : (void *)(intptr_t)listen_fd,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
				MHD_OPTION_CONNECTION_LIMIT, 512u,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, 128u,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				MHD_OPTION_END);
}

/* ---- command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: netmaster [OPTIONS]\n"
		"Contiv's network master: REST API, validation, allocation, state.\n\n"
		"  --store URL            state store (default sqlite:///var/lib/contiv/state.db;\n"
		"                         etcd://host:port[,host:port] for several netmasters)\n"
		"  --listen-url HOST:PORT address to serve the REST API on (default 127.0.0.1:9999)\n"
		"  --socket PATH          also serve on this unix socket (mode 0600)\n"
		"  --log-level LEVEL      error, warning, info (default) or debug\n"
		"  --help                 show this help\n"
		"  --version              show the version\n");
}

static int parse_level(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = { { "error", LOG_ERR }, { "warning", LOG_WARNING }, { "warn", LOG_WARNING },
		       { "info", LOG_INFO }, { "debug", LOG_DEBUG } };

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcasecmp(s, levels[i].name))
			return levels[i].level;
	return -1;
}

static int parse_listen(const char *text, struct sockaddr_in *sin)
{
	const char *colon = strrchr(text, ':');
	char host[64];
	char *end;
	unsigned long port;

	if (!strncmp(text, "http://", 7))
		text += 7;
	colon = strrchr(text, ':');
	if (!colon || (size_t)(colon - text) >= sizeof(host))
		return -EINVAL;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port > 65535)
		return -EINVAL;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (!*host)
		snprintf(host, sizeof(host), "0.0.0.0");
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -EINVAL;
	snprintf(cfg.self_url, sizeof(cfg.self_url), "http://%s:%lu", host, port);
	return 0;
}

static int unix_listener(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 128) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "listen-url", required_argument, NULL, 'l' },
		{ "socket", required_argument, NULL, 'u' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct MHD_Daemon *tcp = NULL, *unx = NULL;
	struct contiv_master *m;
	struct sockaddr_in sin;
	sigset_t sigs;
	int c, sig, ufd = -1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg.store_url = optarg;
			break;
		case 'l':
			cfg.listen = optarg;
			break;
		case 'u':
			cfg.socket_path = optarg;
			break;
		case 'L':
			cfg.log_level = parse_level(optarg);
			if (cfg.log_level < 0) {
				fprintf(stderr, "netmaster: --log-level \"%s\": expected error, warning, info or debug\n",
					optarg);
				return EXIT_STARTUP;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("netmaster %s\n", contiv_version());
			return 0;
		default:
			usage(stderr);
			return EXIT_STARTUP;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netmaster: unexpected argument \"%s\"\n", argv[optind]);
		return EXIT_STARTUP;
	}
	if (parse_listen(cfg.listen, &sin) < 0) {
		fprintf(stderr, "netmaster: --listen-url \"%s\": expected HOST:PORT with an IPv4 host\n",
			cfg.listen);
		return EXIT_STARTUP;
	}
	if (pthread_key_create(&worker_key, worker_free) != 0)
		return EXIT_STARTUP;
	/* The main thread's master sets up the store (default tenant, global). */
	m = thread_master();
	if (!m || contiv_master_init(m) < 0) {
		logmsg(LOG_ERR, "cannot initialise the state in %s", cfg.store_url);
		return EXIT_STARTUP;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);	/* inherited by the server's threads */
	signal(SIGPIPE, SIG_IGN);
	tcp = start(&sin, -1);
	if (!tcp) {
		logmsg(LOG_ERR, "cannot listen on %s: %s", cfg.listen, strerror(errno));
		return EXIT_STARTUP;
	}
	if (cfg.socket_path) {
		ufd = unix_listener(cfg.socket_path);
		unx = ufd >= 0 ? start(NULL, ufd) : NULL;
		if (!unx) {
			logmsg(LOG_ERR, "cannot listen on %s: %s", cfg.socket_path,
			       strerror(ufd < 0 ? -ufd : errno));
			MHD_stop_daemon(tcp);
			return EXIT_STARTUP;
		}
	}
	logmsg(LOG_INFO, "serving %s on %s%s%s (store %s)", contiv_version(), cfg.self_url,
	       cfg.socket_path ? " and " : "", cfg.socket_path ? cfg.socket_path : "",
	       cfg.store_url);
	sigwait(&sigs, &sig);
	logmsg(LOG_INFO, "signal %d: stopping", sig);
	if (unx)
		MHD_stop_daemon(unx);
	MHD_stop_daemon(tcp);
	if (cfg.socket_path)
		unlink(cfg.socket_path);
	worker_free(pthread_getspecific(worker_key));
	pthread_setspecific(worker_key, NULL);
	return 0;
}
