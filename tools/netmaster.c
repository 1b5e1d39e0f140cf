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
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <microhttpd.h>

#include <contiv/contiv.h>

#include "tool-util.h"

#include "netmaster.h"

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
	const char *advertise_url;
	unsigned lease_ttl;
	int log_level;
	bool use_syslog;
	char self_url[NM_URL_MAX];
} cfg = {
	.store_url = "sqlite:///var/lib/contiv/state.db",
	.listen = "127.0.0.1:9999",
	.lease_ttl = 10,
	.log_level = LOG_INFO,
};

static void lib_log(struct contiv_ctx *ctx, int priority, const char *file, int line,
		    const char *fn, const char *message, void *userdata)
{
	(void)ctx;
	(void)file;
	(void)line;
	(void)userdata;
	nm_log(priority, "%s: %s", fn, message);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- per-thread master ---- */

static pthread_key_t worker_key;

void nm_worker_close(struct nm_worker *w)
{
	w->master = contiv_master_unref(w->master);
	contiv_store_unref(w->store);
	w->store = NULL;
	contiv_ctx_unref(w->ctx);
	w->ctx = NULL;
}

static void worker_free(void *p)
{
	if (p)
		nm_worker_close(p);
	free(p);
}

int nm_worker_open(struct nm_worker *w)
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
		nm_log(LOG_ERR, "store %s: %s", cfg.store_url, contiv_ctx_get_error(w->ctx));
	return r;
}

/* The calling thread's master, made on first use. */
static struct contiv_master *thread_master(void)
{
	struct nm_worker *w = pthread_getspecific(worker_key);

	if (w)
		return w->master;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	if (nm_worker_open(w) < 0) {
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
	double start;
};

static MHD_RESULT send_answer(struct MHD_Connection *con, int status, const char *body,
			      size_t len, const char *ctype)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body,
								     MHD_RESPMEM_MUST_COPY);
	MHD_RESULT ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	ret = MHD_queue_response(con, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Answers, counts and logs one request. */
static MHD_RESULT finish(struct MHD_Connection *con, const char *method, const char *path,
			 struct request *req, int status, const char *body, size_t len,
			 const char *ctype, const char *forwarded_to)
{
	double took = now_s() - req->start;

	nm_metrics_observe(method, status, took, forwarded_to != NULL);
	nm_log(status == 500 ? LOG_ERR : status >= 500 ? LOG_WARNING : LOG_DEBUG,
	       "%s %s -> %d (%.3f ms)%s%s", method, path, status, took * 1e3,
	       forwarded_to ? " via leader " : "", forwarded_to ? forwarded_to : "");
	return send_answer(con, status, body, len, ctype);
}

#define JSON "application/json"
#define ERROR_ANSWER(con, method, path, req, status, text) \
	finish(con, method, path, req, status, text, sizeof(text) - 1, JSON, NULL)

static MHD_RESULT add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	char *q = cls;
	size_t len = strlen(q);

	(void)kind;
	snprintf(q + len, 512 - len, "%s%s=%s", len ? "&" : "", key, value ? value : "");
	return MHD_YES;
}

/* Writes go to the leader; reads (the store is shared) are served here. */
static bool is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

/*
 * /info with this process's view of the election: the master answering
 * (this connection's) does not campaign, the election thread's does, and
 * between a leader's lease running out and the next campaign no key names
 * anyone.
 */
static char *info_with_view(const char *text)
{
	struct json_object *obj = json_tokener_parse(text);
	char leader[NM_URL_MAX], *ans = NULL;
	bool is_leader = nm_leader(leader);

	if (!obj)
		return NULL;
	json_object_object_add(obj, "leader-url",
			       json_object_new_string(is_leader ? cfg.self_url : leader));
	json_object_object_add(obj, "current-state",
			       json_object_new_string(is_leader ? "leader" : *leader ? "follower" :
											 "candidate"));
	ans = strdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
	return ans;
}

/* The one dispatch point: a complete request to the master (or the leader), its answer back. */
static MHD_RESULT serve(struct MHD_Connection *con, const char *method, const char *url,
			struct request *req)
{
	struct contiv_master *m;
	char path[4096], query[512] = "", *out = NULL, leader[NM_URL_MAX];
	int status;

	MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, add_arg, query);
	snprintf(path, sizeof(path), "%s%s%s", url, *query ? "?" : "", query);
	if (is_write(method) && !nm_leader(leader)) {
		struct nm_answer ans;
		MHD_RESULT ret;

		if (MHD_lookup_connection_value(con, MHD_HEADER_KIND, NM_FORWARDED_HEADER))
			return ERROR_ANSWER(con, method, path, req, 503,
					    "{\"error\":\"forwarded to a netmaster that is not the leader (leadership is changing); try again\",\"status\":503}");
		if (!*leader)
			return ERROR_ANSWER(con, method, path, req, 503,
					    "{\"error\":\"no netmaster leader elected yet\",\"status\":503}");
		nm_forward(leader, method, path,
			   MHD_lookup_connection_value(con, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONTENT_TYPE),
			   req->body, req->len, &ans);
		if (ans.transport_error)
			nm_election_poke();	/* the leader may be gone: look again now */
		ret = finish(con, method, path, req, ans.status, ans.body ? ans.body : "", ans.len,
			     ans.ctype, leader);
		free(ans.body);
		return ret;
	}
	m = thread_master();
	if (!m)
		return ERROR_ANSWER(con, method, path, req, 503,
				    "{\"error\":\"state store unavailable\",\"status\":503}");
	/*
	 * Concurrent writes on SQLite need no lock here: the store commits the
	 * writes of this process's threads in groups (one fsync per group).
	 */
	status = contiv_master_handle(m, method, path, req->body, req->len, &out);
	if (status < 0) {
		nm_log(LOG_ERR, "%s %s: %s", method, url, strerror(-status));
		return ERROR_ANSWER(con, method, path, req, 500,
				    "{\"error\":\"internal error\",\"status\":500}");
	}
	/* the server's additions: its view of the election, its counters */
	bool info = !strcmp(url, "/info"), metrics = !strcmp(url, "/metrics");

	if ((info || metrics) && status == 200) {
		char *all = info ? info_with_view(out) : nm_metrics_append(out);

		contiv_free(out);
		if (!all)
			return ERROR_ANSWER(con, method, path, req, 500,
					    "{\"error\":\"out of memory\",\"status\":500}");
		MHD_RESULT ret = finish(con, method, path, req, status, all, strlen(all),
					info ? JSON : "text/plain; version=0.0.4", NULL);

		free(all);
		return ret;
	}
	MHD_RESULT ret = finish(con, method, path, req, status, out, strlen(out), JSON, NULL);

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
		req->start = now_s();
		*con_cls = req;
		if (cl && strtoull(cl, NULL, 10) > MAX_BODY) {
			/* answer before reading the body; MHD then closes the connection */
			req->answered = true;
			return ERROR_ANSWER(con, method, url, req, 413,
					    "{\"error\":\"request body too large\",\"status\":413}");
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
		return ERROR_ANSWER(con, method, url, req, 413,
				    "{\"error\":\"request body too large\",\"status\":413}");
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
	nm_log(LOG_DEBUG, "httpd: %s", buf);
}

static struct MHD_Daemon *start(const struct sockaddr_in *sin, int listen_fd)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_ERROR_LOG;

	return MHD_start_daemon(flags, sin ? ntohs(sin->sin_port) : 0, NULL, NULL, on_request, NULL,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				sin ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_LISTEN_SOCKET,
				sin ? (void *)sin : (void *)(intptr_t)listen_fd,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
				MHD_OPTION_CONNECTION_LIMIT, 512u,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, 128u,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
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
		"  --advertise-url URL    this netmaster's URL as the others reach it, for the\n"
		"                         election and forwarding (default http://<listen-url>)\n"
		"  --lease-ttl SECONDS    leadership lease (default 10; renewed every third)\n"
		"  --socket PATH          also serve on this unix socket (mode 0600)\n"
		"  --log-level LEVEL      error, warning, info (default) or debug\n"
		"  --syslog               log to syslog (daemon) instead of stderr\n"
		"  --help                 show this help\n"
		"  --version              show the version\n");
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


int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "listen-url", required_argument, NULL, 'l' },
		{ "socket", required_argument, NULL, 'u' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "advertise-url", required_argument, NULL, 'a' },
		{ "lease-ttl", required_argument, NULL, 't' },
		{ "syslog", no_argument, NULL, 'S' },
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
			cfg.log_level = tool_parse_level(optarg);
			if (cfg.log_level < 0) {
				fprintf(stderr, "netmaster: --log-level \"%s\": expected error, warning, info or debug\n",
					optarg);
				return EXIT_STARTUP;
			}
			break;
		case 'a':
			cfg.advertise_url = optarg;
			if ((strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8)) ||
			    strlen(optarg) >= sizeof(cfg.self_url) || strpbrk(optarg, " \"\\")) {
				fprintf(stderr, "netmaster: --advertise-url \"%s\": expected http://HOST:PORT\n",
					optarg);
				return EXIT_STARTUP;
			}
			break;
		case 't': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (!*optarg || *end || v < 2 || v > 3600) {
				fprintf(stderr, "netmaster: --lease-ttl \"%s\": expected 2..3600 seconds\n",
					optarg);
				return EXIT_STARTUP;
			}
			cfg.lease_ttl = (unsigned)v;
			break;
		}
		case 'S':
			cfg.use_syslog = true;
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
	if (cfg.advertise_url)
		snprintf(cfg.self_url, sizeof(cfg.self_url), "%s", cfg.advertise_url);
	nm_log_setup(cfg.log_level, cfg.use_syslog);
	if (pthread_key_create(&worker_key, worker_free) != 0 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EXIT_STARTUP;
	nm_forward_thread_init();
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);	/* inherited by all other threads */
	signal(SIGPIPE, SIG_IGN);
	/* The main thread's master sets up the store (default tenant, global). */
	m = thread_master();
	if (!m || contiv_master_init(m) < 0) {
		nm_log(LOG_ERR, "cannot initialise the state in %s", cfg.store_url);
		return EXIT_STARTUP;
	}
	/* One campaign before serving, so the first request finds a leader. */
	if (nm_election_start(cfg.self_url, cfg.lease_ttl) < 0) {
		nm_log(LOG_ERR, "cannot start the election over %s", cfg.store_url);
		return EXIT_STARTUP;
	}
	tcp = start(&sin, -1);
	if (!tcp) {
		nm_log(LOG_ERR, "cannot listen on %s: %s", cfg.listen, strerror(errno));
		nm_election_stop();
		return EXIT_STARTUP;
	}
	if (cfg.socket_path) {
		ufd = tool_unix_listener(cfg.socket_path);
		unx = ufd >= 0 ? start(NULL, ufd) : NULL;
		if (!unx) {
			nm_log(LOG_ERR, "cannot listen on %s: %s", cfg.socket_path,
			       strerror(ufd < 0 ? -ufd : errno));
			MHD_stop_daemon(tcp);
			nm_election_stop();
			return EXIT_STARTUP;
		}
	}
	nm_log(LOG_INFO, "serving %s on %s as %s%s%s (store %s, lease %u s)", contiv_version(),
	       cfg.listen, cfg.self_url, cfg.socket_path ? " and " : "",
	       cfg.socket_path ? cfg.socket_path : "", cfg.store_url, cfg.lease_ttl);
	sigwait(&sigs, &sig);
	nm_log(LOG_INFO, "signal %d: stopping", sig);
	nm_election_stop();	/* resign first: a follower takes over without waiting for the lease */
	if (unx)
		MHD_stop_daemon(unx);
	MHD_stop_daemon(tcp);
	if (cfg.socket_path)
		unlink(cfg.socket_path);
	worker_free(pthread_getspecific(worker_key));
	pthread_setspecific(worker_key, NULL);
	curl_global_cleanup();
	return 0;
}
