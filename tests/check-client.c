/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * client: the REST client against a tiny in-test HTTP server (libmicrohttpd)
 * answering canned responses: status mapping, netmaster's messages, timeouts,
 * refused connections, a unix socket, the body cap, lists, key encoding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <microhttpd.h>

#include "check-suites.h"
#include "client/client-private.h"

struct req {
	char *body;
	size_t len;
};

struct server {
	struct MHD_Daemon *d;
	char url[64];
	int connections;
	char last_path[512];
	char last_method[16];
	char last_ctype[64];
	char last_token[64];
	char last_body[1024];
};

static struct server srv;

static const char networks_json[] =
	"[{\"key\":\"default:net1\",\"tenantName\":\"default\",\"networkName\":\"net1\","
	"\"encap\":\"vxlan\",\"subnet\":\"10.1.1.0/24\",\"link-sets\":{},\"links\":"
	"{\"Tenant\":{\"type\":\"tenant\",\"key\":\"default\"}}},"
	"{\"key\":\"blue:net2\",\"tenantName\":\"blue\",\"networkName\":\"net2\","
	"\"encap\":\"vlan\",\"pktTag\":112,\"subnet\":\"10.1.3.0/24\"}]";

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body,
			      const char *ctype)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	resp = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	if (ctype)
		MHD_add_response_header(resp, "Content-Type", ctype);
	r = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result error_answer(struct MHD_Connection *c, unsigned status, const char *msg)
{
	char body[512];

	snprintf(body, sizeof(body), "{\"error\": \"%s\", \"status\": %u}", msg, status);
	return answer(c, status, body, "application/json");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct req *rq = *con_cls;
	const char *h;
	enum MHD_Result r;

	(void)cls;
	(void)version;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		rq->body = realloc(rq->body, rq->len + *upload_size + 1);
		memcpy(rq->body + rq->len, upload, *upload_size);
		rq->len += *upload_size;
		rq->body[rq->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	snprintf(srv.last_path, sizeof(srv.last_path), "%s", url);
	snprintf(srv.last_method, sizeof(srv.last_method), "%s", method);
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	snprintf(srv.last_ctype, sizeof(srv.last_ctype), "%s", h ? h : "");
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "x-auth-token");
	snprintf(srv.last_token, sizeof(srv.last_token), "%s", h ? h : "");
	snprintf(srv.last_body, sizeof(srv.last_body), "%s", rq->body ? rq->body : "");

	if (!strcmp(url, "/api/v1/tenants/ok/"))
		r = answer(c, 200, "{\"tenantName\":\"ok\",\"key\":\"ok\",\"link-sets\":{}}",
			   "application/json");
	else if (!strcmp(url, "/api/v1/tenants/missing/"))
		r = error_answer(c, 404, "tenant \\\"missing\\\" not found");
	else if (!strcmp(url, "/api/v1/tenants/s400/"))
		r = error_answer(c, 400, "tenant \\\"x\\\": tenantName \\\"-x\\\": invalid name");
	else if (!strcmp(url, "/api/v1/tenants/s409/"))
		r = error_answer(c, 409, "tenant \\\"s409\\\" has networks");
	else if (!strcmp(url, "/api/v1/tenants/s413/"))
		r = error_answer(c, 413, "body too large");
	else if (!strcmp(url, "/api/v1/tenants/s503/"))
		r = error_answer(c, 503, "store unavailable");
	else if (!strcmp(url, "/api/v1/tenants/s500/"))
		r = error_answer(c, 500, "internal");
	else if (!strcmp(url, "/api/v1/tenants/plain404/"))
		r = answer(c, 404, "", NULL);
	else if (!strcmp(url, "/api/v1/tenants/text500/"))
		r = answer(c, 500, "object not found\n", "text/plain");
	else if (!strcmp(url, "/api/v1/tenants/badjson/"))
		r = answer(c, 200, "{\"tenantName\":", "application/json");
	else if (!strcmp(url, "/api/v1/tenants/slow/")) {
		sleep(2);
		r = answer(c, 200, "{\"tenantName\":\"slow\"}", "application/json");
	} else if (!strcmp(url, "/api/v1/tenants/huge/")) {
		size_t n = 2u << 20;
		char *big = malloc(n + 1);

		memset(big, ' ', n);
		big[0] = '{';
		big[n - 1] = '}';
		big[n] = '\0';
		r = answer(c, 200, big, "application/json");
		free(big);
	} else if (!strcmp(url, "/api/v1/networks/"))
		r = answer(c, 200, networks_json, "application/json");
	else if (!strcmp(url, "/api/v1/rules/"))
		r = answer(c, 200, "not json", "application/json");
	else if (!strcmp(url, "/api/v1/policys/"))
		r = answer(c, 200, "[]", "application/json");
	else if (!strcmp(url, "/api/v1/endpointGroups/"))
		r = answer(c, 200, "[{\"tenantName\":\"t\",\"groupName\":\"g\",\"bogus\":1}]",
			   "application/json");
	else if (!strncmp(url, "/api/v1/policys/", 16) || !strncmp(url, "/api/v1/netprofiles/", 20))
		r = answer(c, 200, srv.last_body[0] ? srv.last_body : "\"deleted\"",
			   "application/json");
	else if (!strcmp(url, "/echo"))
		r = answer(c, 200, "{}", "application/json");
	else
		r = error_answer(c, 404, "no such path");
	return r;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
			enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)c;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		__atomic_fetch_add(&srv.connections, 1, __ATOMIC_SEQ_CST);
}

/* Leaves the path as sent, so the tests see the client's encoding. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void server_start_fd(int fd)
{
	const union MHD_DaemonInfo *info;

	memset(&srv, 0, sizeof(srv));
	srv.d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
				 0, NULL, NULL, handler, NULL,
				 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				 MHD_OPTION_NOTIFY_CONNECTION, notify_conn, NULL,
				 MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				 fd >= 0 ? MHD_OPTION_LISTEN_SOCKET : MHD_OPTION_END, fd,
				 MHD_OPTION_END);
	ck_assert_ptr_nonnull(srv.d);
	if (fd < 0) {
		info = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT);
		ck_assert_ptr_nonnull(info);
		snprintf(srv.url, sizeof(srv.url), "http://127.0.0.1:%u", info->port);
	}
}

static void server_start(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	server_start_fd(fd);
	snprintf(srv.url, sizeof(srv.url), "http://127.0.0.1:%u", ntohs(a.sin_port));
}

static void server_stop(void)
{
	MHD_stop_daemon(srv.d);
	srv.d = NULL;
}

static struct contiv_client *client_new(struct contiv_ctx **ctx, const char *url,
					const struct contiv_client_opts *opts)
{
	struct contiv_client *client = NULL;

	ck_assert_int_eq(contiv_ctx_new(NULL, ctx), 0);
	ck_assert_int_eq(contiv_client_new(*ctx, url, opts, &client), 0);
	ck_assert_ptr_nonnull(client);
	return client;
}

START_TEST(client_new_args)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client = NULL;
	struct { struct contiv_client_opts o; uint64_t future; } big;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_int_eq(contiv_client_new(NULL, "http://x", NULL, &client), -EINVAL);
	ck_assert_int_eq(contiv_client_new(ctx, NULL, NULL, &client), -EINVAL);
	ck_assert_int_eq(contiv_client_new(ctx, "http://x", NULL, NULL), -EINVAL);
	ck_assert_int_eq(contiv_client_new(ctx, "ftp://x", NULL, &client), -EINVAL);
	ck_assert_ctx_error(ctx, "ftp://x");
	ck_assert_int_eq(contiv_client_new(ctx, "netmaster:9999", NULL, &client), -EINVAL);
	ck_assert_int_eq(contiv_client_new(ctx, "http://", NULL, &client), -EINVAL);
	ck_assert_int_eq(contiv_client_new(ctx, "http://a b", NULL, &client), -EINVAL);
	ck_assert_ptr_null(client);

	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.future = 1;
	ck_assert_int_eq(contiv_client_new(ctx, "http://x", &big.o, &client), -EINVAL);
	big.future = 0;
	ck_assert_int_eq(contiv_client_new(ctx, "https://x:1/", &big.o, &client), 0);
	ck_assert_ptr_eq(contiv_client_ref(client), client);
	ck_assert_ptr_null(contiv_client_unref(client));
	ck_assert_ptr_null(contiv_client_unref(client));
	ck_assert_ptr_null(contiv_client_unref(NULL));
	ck_assert_ptr_null(contiv_client_ref(NULL));
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(client_request_args)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client = client_new(&ctx, "http://127.0.0.1:1", NULL);
	long status = 0;
	char *body = NULL;

	ck_assert_int_eq(contiv_client_request(NULL, "GET", "/", NULL, &status, &body), -EINVAL);
	ck_assert_int_eq(contiv_client_request(client, "PATCH", "/", NULL, &status, &body),
			 -EINVAL);
	ck_assert_int_eq(contiv_client_request(client, "GET", "x", NULL, &status, &body), -EINVAL);
	ck_assert_int_eq(contiv_client_request(client, "GET", "/", NULL, NULL, &body), -EINVAL);
	ck_assert_int_eq(contiv_client_request(client, "GET", "/a b", NULL, &status, &body),
			 -EINVAL);
	ck_assert_int_eq(contiv_client_request(client, "GET", "/a\r\nX: y", NULL, &status, &body),
			 -EINVAL);
	ck_assert_ptr_null(body);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(client_get_ok_and_keepalive)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;
	long status = 0;
	char *body = NULL;

	server_start();
	client = client_new(&ctx, srv.url, NULL);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &obj),
				 0);
		ck_assert_str_eq(contiv_object_get_str(obj, CONTIV_TENANT_NAME), "ok");
		ck_assert_str_eq(srv.last_method, "GET");
		obj = contiv_object_unref(obj);
	}
	ck_assert_int_eq(contiv_client_request(client, "GET", "/echo", NULL, &status, &body), 0);
	ck_assert_int_eq(status, 200);
	ck_assert_str_eq(body, "{}");
	contiv_free(body);
	/* One connection for all requests: the handle is reused. */
	ck_assert_int_eq(srv.connections, 1);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

static const struct {
	const char *key;
	int err;
	const char *msg;
} status_cases[] = {
	{ "missing", -ENOENT, "tenant \"missing\" not found" },
	{ "s400", -EINVAL, "tenant \"x\": tenantName \"-x\": invalid name" },
	{ "s409", -EBUSY, "tenant \"s409\" has networks" },
	{ "s413", -E2BIG, "body too large" },
	{ "s503", -CONTIV_ERR_UNAVAILABLE, "store unavailable" },
	{ "s500", -EIO, "internal" },
	{ "plain404", -ENOENT, "/api/v1/tenants/plain404/: 404 Not Found" },
	{ "text500", -EIO, "object not found" },
};

START_TEST(client_status_mapping)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;

	server_start();
	client = client_new(&ctx, srv.url, NULL);
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT,
						  status_cases[_i].key, &obj),
			 status_cases[_i].err);
	ck_assert_ptr_null(obj);
	ck_assert_int_eq(contiv_ctx_get_errno(ctx), status_cases[_i].err);
	if (status_cases[_i].msg[0] == '/')
		ck_assert_ctx_error(ctx, status_cases[_i].msg);
	else
		ck_assert_str_eq(contiv_ctx_get_error(ctx), status_cases[_i].msg);
	/* Delete maps the same way. */
	ck_assert_int_eq(contiv_client_delete_object(client, CONTIV_OBJECT_TENANT,
						     status_cases[_i].key),
			 status_cases[_i].err);
	ck_assert_str_eq(srv.last_method, "DELETE");
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

START_TEST(client_bad_json_answer)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;

	server_start();
	client = client_new(&ctx, srv.url, NULL);
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "badjson", &obj),
			 -CONTIV_ERR_JSON);
	ck_assert_ptr_null(obj);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

START_TEST(client_put_and_delete)
{
	CONTIV_OPTS(contiv_client_opts, o, .auth_token = "s3cret");
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL, *back = NULL;

	server_start();
	client = client_new(&ctx, srv.url, &o);
	ck_assert_int_eq(contiv_object_new(ctx, CONTIV_OBJECT_NETPROFILE, &obj), 0);
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_NETPROFILE_TENANT, "t"), 0);
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_NETPROFILE_NAME, "p"), 0);
	ck_assert_int_eq(contiv_object_set_str(obj, CONTIV_NETPROFILE_BANDWIDTH, "500Kbps"), 0);
	ck_assert_int_eq(contiv_object_set_u32(obj, CONTIV_NETPROFILE_DSCP, 6), 0);
	ck_assert_int_eq(contiv_client_put_object(client, obj), 0);
	ck_assert_str_eq(srv.last_method, "POST");
	ck_assert_str_eq(srv.last_path, "/api/v1/netprofiles/t:p/");
	ck_assert_str_eq(srv.last_ctype, "application/json");
	ck_assert_str_eq(srv.last_token, "s3cret");
	ck_assert_int_eq(contiv_object_from_json(ctx, CONTIV_OBJECT_NETPROFILE, srv.last_body,
						 &back), 0);
	ck_assert(contiv_object_equal(obj, back));

	/* A GET after a POST on the same handle is a GET again, without a body. */
	ck_assert_int_eq(contiv_client_delete_object(client, CONTIV_OBJECT_NETPROFILE, "t:p"), 0);
	ck_assert_str_eq(srv.last_method, "DELETE");
	ck_assert_str_eq(srv.last_body, "");
	contiv_object_unref(back);
	back = NULL;
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &back), 0);
	ck_assert_str_eq(srv.last_method, "GET");
	ck_assert_str_eq(srv.last_body, "");
	ck_assert_str_eq(srv.last_ctype, "");

	/* An object without its names has no key. */
	contiv_object_unset(obj, CONTIV_NETPROFILE_NAME);
	ck_assert_int_eq(contiv_client_put_object(client, obj), -EINVAL);
	ck_assert_int_eq(contiv_client_put_object(client, NULL), -EINVAL);
	contiv_object_unref(back);
	contiv_object_unref(obj);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

struct seen {
	int n;
	char names[4][32];
	int stop_at;
};

static int on_network(struct contiv_object *obj, void *userdata)
{
	struct seen *s = userdata;

	snprintf(s->names[s->n], sizeof(s->names[0]), "%s",
		 contiv_object_get_str(obj, CONTIV_NETWORK_NAME));
	s->n++;
	return s->n == s->stop_at ? 42 : 0;
}

START_TEST(client_list)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct seen s = { 0 };

	server_start();
	client = client_new(&ctx, srv.url, NULL);
	ck_assert_int_eq(contiv_client_list_objects(client, CONTIV_OBJECT_NETWORK, on_network, &s),
			 2);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.names[0], "net1");
	ck_assert_str_eq(s.names[1], "net2");
	ck_assert_str_eq(srv.last_path, "/api/v1/networks/");

	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	ck_assert_int_eq(contiv_client_list_objects(client, CONTIV_OBJECT_NETWORK, on_network, &s),
			 42);
	ck_assert_int_eq(s.n, 1);

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(contiv_client_list_objects(client, CONTIV_OBJECT_POLICY, on_network, &s),
			 0);
	ck_assert_int_eq(contiv_client_list_objects(client, CONTIV_OBJECT_RULE, on_network, &s),
			 -CONTIV_ERR_JSON);
	ck_assert_ctx_error(ctx, "not a JSON array");
	/* Unknown fields other than Contiv's bookkeeping ones are errors. */
	ck_assert_int_eq(contiv_client_list_objects(client, CONTIV_OBJECT_GROUP, on_network, &s),
			 -EINVAL);
	ck_assert_int_eq(s.n, 0);
	ck_assert_int_eq(contiv_client_list_objects(client, 99, on_network, &s), -EINVAL);
	ck_assert_int_eq(contiv_client_list_objects(client, CONTIV_OBJECT_NETWORK, NULL, &s),
			 -EINVAL);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

START_TEST(client_key_encoding)
{
	struct contiv_ctx *ctx = NULL;
	char *path = NULL;

	ck_assert_int_eq(contiv_ctx_new(NULL, &ctx), 0);
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_RULE, "t:p:1", &path), 0);
	ck_assert_str_eq(path, "/api/v1/rules/t:p:1/");
	free(path);
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_NETWORK, "a b?c#d%e", &path),
			 0);
	ck_assert_str_eq(path, "/api/v1/networks/a%20b%3Fc%23d%25e/");
	free(path);
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_GLOBAL, NULL, &path), 0);
	ck_assert_str_eq(path, "/api/v1/globals/");
	free(path);
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_TENANT, "\xc3\xa9", &path), 0);
	ck_assert_str_eq(path, "/api/v1/tenants/%C3%A9/");
	free(path);
	path = NULL;
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_TENANT, "a/b", &path),
			 -EINVAL);
	ck_assert_ctx_error(ctx, "a/b");
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_TENANT, "", &path), -EINVAL);
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_TENANT, "..", &path),
			 -EINVAL);
	ck_assert_int_eq(contiv__client_object_path(ctx, CONTIV_OBJECT_TENANT, "a\nb", &path),
			 -EINVAL);
	ck_assert_int_eq(contiv__client_object_path(ctx, 0, "x", &path), -EINVAL);
	ck_assert_ptr_null(path);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(client_key_encoding_on_the_wire)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;

	server_start();
	client = client_new(&ctx, srv.url, NULL);
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_NETWORK, "t:a b?x#y", &obj),
			 -ENOENT);
	ck_assert_str_eq(srv.last_path, "/api/v1/networks/t:a%20b%3Fx%23y/");
	ck_assert_str_eq(contiv_ctx_get_error(ctx), "no such path");
	ck_assert_int_eq(contiv_client_delete_object(client, CONTIV_OBJECT_NETWORK, "../x"),
			 -EINVAL);
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_NETWORK, "..", &obj),
			 -EINVAL);
	ck_assert_ptr_null(obj);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

START_TEST(client_refused)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	char url[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long status = 0;

	/* A port that was free a moment ago: nothing listens there now. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", ntohs(a.sin_port));

	client = client_new(&ctx, url, NULL);
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &obj),
			 -CONTIV_ERR_UNAVAILABLE);
	ck_assert_ctx_error(ctx, url);
	ck_assert_ctx_error(ctx, "/api/v1/tenants/ok/");
	ck_assert_int_eq(contiv_client_request(client, "GET", "/version", NULL, &status, NULL),
			 -CONTIV_ERR_UNAVAILABLE);
	ck_assert_int_eq(contiv_client_put_object(client, NULL), -EINVAL);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(client_timeout)
{
	CONTIV_OPTS(contiv_client_opts, o, .timeout_ms = 300);
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;

	server_start();
	client = client_new(&ctx, srv.url, &o);
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "slow", &obj),
			 -CONTIV_ERR_UNAVAILABLE);
	ck_assert_ctx_error(ctx, "/api/v1/tenants/slow/");
	ck_assert_ctx_error(ctx, "timed out");
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	/* The slow handler still sleeps: leave the daemon to the test's exit. */
}
END_TEST

START_TEST(client_body_cap)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;
	long status = 0;
	char *body = NULL;

	server_start();
	client = client_new(&ctx, srv.url, NULL);
	contiv__client_set_max_body(client, 1u << 20);
	ck_assert_int_eq(contiv_client_request(client, "GET", "/api/v1/tenants/huge/", NULL,
					       &status, &body), -E2BIG);
	ck_assert_ptr_null(body);
	ck_assert_ctx_error(ctx, "larger than 1048576 bytes");
	/* The handle stays usable. */
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &obj), 0);
	contiv_object_unref(obj);
	/* Under the cap the same answer is accepted. */
	contiv__client_set_max_body(client, 4u << 20);
	ck_assert_int_eq(contiv_client_request(client, "GET", "/api/v1/tenants/huge/", NULL,
					       &status, &body), 0);
	ck_assert_int_eq(status, 200);
	ck_assert_int_eq(strlen(body), 2u << 20);
	contiv_free(body);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
	server_stop();
}
END_TEST

START_TEST(client_unix_socket)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client;
	struct contiv_object *obj = NULL;
	char dir[] = "/tmp/check-client.XXXXXX";
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/nm.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	server_start_fd(fd);
	{
		CONTIV_OPTS(contiv_client_opts, o, .unix_socket = a.sun_path);

		client = client_new(&ctx, "http://netmaster", &o);
	}
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &obj), 0);
	ck_assert_str_eq(contiv_object_get_str(obj, CONTIV_TENANT_NAME), "ok");
	contiv_object_unref(obj);
	contiv_client_unref(client);
	server_stop();
	unlink(a.sun_path);
	rmdir(dir);

	/* Nobody at the socket any more. */
	{
		CONTIV_OPTS(contiv_client_opts, o, .unix_socket = a.sun_path);

		ck_assert_int_eq(contiv_client_new(ctx, "http://netmaster", &o, &client), 0);
	}
	ck_assert_int_eq(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &obj),
			 -CONTIV_ERR_UNAVAILABLE);
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
}
END_TEST

START_TEST(client_after_fork)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_client *client = client_new(&ctx, "http://127.0.0.1:1", NULL);
	struct contiv_object *obj = NULL;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		long status;

		_exit(contiv_client_get_object(client, CONTIV_OBJECT_TENANT, "ok", &obj) == -ECHILD &&
		      contiv_client_request(client, "GET", "/", NULL, &status, NULL) == -ECHILD ? 0 : 1);
	}
	{
		int st = 0;

		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	contiv_client_unref(client);
	contiv_ctx_unref(ctx);
}
END_TEST

Suite *make_client_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("client");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, client_new_args);
	tcase_add_test(tc, client_request_args);
	tcase_add_test(tc, client_get_ok_and_keepalive);
	tcase_add_loop_test(tc, client_status_mapping, 0,
			    (int)(sizeof(status_cases) / sizeof(status_cases[0])));
	tcase_add_test(tc, client_bad_json_answer);
	tcase_add_test(tc, client_put_and_delete);
	tcase_add_test(tc, client_list);
	tcase_add_test(tc, client_key_encoding);
	tcase_add_test(tc, client_key_encoding_on_the_wire);
	tcase_add_test(tc, client_refused);
	tcase_add_test(tc, client_timeout);
	tcase_add_test(tc, client_body_cap);
	tcase_add_test(tc, client_unix_socket);
	tcase_add_test(tc, client_after_fork);
	suite_add_tcase(s, tc);
	return s;
}
