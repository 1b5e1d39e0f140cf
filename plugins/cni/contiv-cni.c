/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv-cni: a CNI plugin (spec 0.3.0 .. 1.1.0) that attaches containers
 * through the local netplugin's agent API (see <contiv/agent.h>).
 *
 * A thin program: the CNI JSON is parsed with json-c, the agent is reached
 * over its unix socket with a small HTTP client of its own (agent-http.c;
 * not libcontiv's, whose libraries would cost more to load than an attach
 * takes). Everything the runtime needs comes on stdout: a result, or a CNI
 * error object with exit status 1. Diagnostics go to stderr only when
 * CONTIV_CNI_DEBUG is set.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agent-http.h"

#define DEFAULT_SOCKET "/run/contiv/netplugin.sock"
#define MAX_STDIN (1024 * 1024)

/* CNI error codes (SPEC, "Error") */
enum {
	CNI_ERR_VERSION = 1,	/* incompatible CNI version */
	CNI_ERR_FIELD = 2,	/* unsupported field in network configuration */
	CNI_ERR_CONTAINER = 3,	/* container unknown or does not exist */
	CNI_ERR_ENV = 4,	/* invalid necessary environment variables */
	CNI_ERR_IO = 5,		/* I/O failure */
	CNI_ERR_DECODE = 6,	/* failed to decode content */
	CNI_ERR_CONFIG = 7,	/* invalid network config */
	CNI_ERR_AGAIN = 11,	/* try again later */
	CNI_ERR_UNAVAILABLE = 50, /* STATUS: the plugin is not available */
	CNI_ERR_CONFLICT = 100,	/* contiv-cni: the endpoint is attached with other parameters */
	CNI_ERR_CHECK = 101,	/* contiv-cni: CHECK found the attachment missing or different */
	CNI_ERR_INTERNAL = 999,
};

static const char *const supported_versions[] = { "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0" };

struct cni {
	const char *command, *container_id, *netns, *ifname, *args;
	struct json_object *conf;	/* stdin */
	const char *version;		/* the config's cniVersion */
	const char *tenant, *network, *group, *socket, *ip, *pod_name;
	char id[256];
};

static const char *out_version = "1.0.0";

static void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void debug(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("CONTIV_CNI_DEBUG"))
		return;
	va_start(ap, fmt);
	fputs("contiv-cni: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void print_json(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

	fputs(s, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Prints a CNI error object and returns the exit status (1). */
static int cni_error(int code, const char *details, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int cni_error(int code, const char *details, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	debug("error %d: %s%s%s", code, msg, details ? ": " : "", details ? details : "");
	json_object_object_add(o, "cniVersion", json_object_new_string(out_version));
	json_object_object_add(o, "code", json_object_new_int(code));
	json_object_object_add(o, "msg", json_object_new_string(msg));
	if (details && *details)
		json_object_object_add(o, "details", json_object_new_string(details));
	print_json(o);
	json_object_put(o);
	return 1;
}

static bool version_supported(const char *v)
{
	for (size_t i = 0; i < sizeof(supported_versions) / sizeof(supported_versions[0]); i++)
		if (v && strcmp(v, supported_versions[i]) == 0)
			return true;
	return false;
}

/* major.minor.patch as one number for comparisons; -1 if not a version */
static long version_num(const char *v)
{
	unsigned a, b, c;

	if (!v || sscanf(v, "%u.%u.%u", &a, &b, &c) != 3)
		return -1;
	return (long)a * 1000000 + b * 1000 + c;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static char *read_stdin(size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *nb;

			if (cap >= MAX_STDIN) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		r = read(STDIN_FILENO, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* CNI_ARGS "K=V;K=V": tenant, network, group, IP and K8S_POD_NAME are used;
 * other keys are an error unless IgnoreUnknown is set (as libcni's plugins do). */
static int parse_args(struct cni *c, char *args)
{
	bool ignore_unknown = false;
	char *unknown = NULL;

	for (char *kv = strtok(args, ";"); kv; kv = strtok(NULL, ";")) {
		char *eq = strchr(kv, '=');

		if (!eq)
			return cni_error(CNI_ERR_ENV, NULL, "CNI_ARGS: \"%s\": not KEY=VALUE", kv);
		*eq = '\0';
		const char *k = kv, *v = eq + 1;

		if (strcmp(k, "IgnoreUnknown") == 0)
			ignore_unknown = strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0;
		else if (strcmp(k, "tenant") == 0)
			c->tenant = v;
		else if (strcmp(k, "network") == 0)
			c->network = v;
		else if (strcmp(k, "group") == 0)
			c->group = v;
		else if (strcmp(k, "IP") == 0)
			c->ip = v;
		else if (strcmp(k, "K8S_POD_NAME") == 0)
			c->pod_name = v;
		else if (strncmp(k, "K8S_", 4) != 0 && !unknown)
			unknown = kv;
	}
	if (unknown && !ignore_unknown)
		return cni_error(CNI_ERR_ENV, NULL, "CNI_ARGS: unknown key \"%s\" (set IgnoreUnknown=1 to ignore it)",
				 unknown);
	return 0;
}

static bool id_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '-' || ch == ':';
}

/* The endpoint id: "<containerID>-<ifname>" when that is a valid id (letters,
 * digits and ".:-", up to 200), otherwise "cni-<64-bit FNV-1a hex>" of both.
 * Stable, so that DEL and CHECK find what ADD made. */
static void endpoint_id(struct cni *c)
{
	bool plain = strlen(c->container_id) + 1 + strlen(c->ifname) <= 200;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = c->container_id; plain && *p; p++)
		plain = id_char(*p);
	for (const char *p = c->ifname; plain && *p; p++)
		plain = id_char(*p);
	if (plain) {
		snprintf(c->id, sizeof(c->id), "%s-%s", c->container_id, c->ifname);
		return;
	}
	for (const char *p = c->container_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	h = (h ^ '/') * 0x100000001b3ULL;
	for (const char *p = c->ifname; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	snprintf(c->id, sizeof(c->id), "cni-%016llx", (unsigned long long)h);
}

/* One request to the agent. Returns 0 with *status and *body set, or the
 * exit status after printing a CNI error (agent unreachable). */
static int agent_request(struct cni *c, const char *method, const char *path, const char *body, long *status,
			 struct json_object **ret, int unreachable_code)
{
	char *out = NULL, details[600];
	int r;

	*ret = NULL;
	r = cni_agent_http(c->socket, method, path, body, 60000, status, &out, details, sizeof(details));
	if (r < 0)
		return cni_error(unreachable_code, details, "the netplugin agent at %s cannot be reached",
				 c->socket);
	debug("%s %s %s -> %ld %s", method, path, body ? body : "", *status, out);
	*ret = json_tokener_parse(out);
	free(out);
	return 0;
}

/* Maps an agent error answer to a CNI error. */
static int agent_error(struct cni *c, const char *what, long status, struct json_object *ans)
{
	const char *m = jstr(ans, "error");
	int code;

	switch (status) {
	case 400:
	case 404:
		code = CNI_ERR_CONFIG;
		break;
	case 409:
		code = CNI_ERR_CONFLICT;
		break;
	case 503:
		code = CNI_ERR_AGAIN;
		break;
	default:
		code = CNI_ERR_INTERNAL;
	}
	return cni_error(code, m, "%s of %s (%s:%s) refused by netplugin (HTTP %ld)%s%s", what, c->id,
			 c->tenant ? c->tenant : "default", c->network ? c->network : "", status, m ? ": " : "",
			 m ? m : "");
}

static void add_ip(struct json_object *ips, bool v0, int ver, const char *addr, const char *gw, int ifidx)
{
	struct json_object *o = json_object_new_object();

	if (v0)
		json_object_object_add(o, "version", json_object_new_string(ver == 4 ? "4" : "6"));
	json_object_object_add(o, "interface", json_object_new_int(ifidx));
	json_object_object_add(o, "address", json_object_new_string(addr));
	if (gw)
		json_object_object_add(o, "gateway", json_object_new_string(gw));
	json_object_array_add(ips, o);
}

static void add_route(struct json_object *routes, const char *dst, const char *gw)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "dst", json_object_new_string(dst));
	json_object_object_add(o, "gw", json_object_new_string(gw));
	json_object_array_add(routes, o);
}

/* The CNI "dns" of an attach answer: netplugin's built-in DNS, if it serves one. */
static struct json_object *dns_of(struct json_object *ans)
{
	struct json_object *dns = json_object_new_object(), *adns, *ns;

	if (json_object_object_get_ex(ans, "dns", &adns) && json_object_object_get_ex(adns, "nameservers", &ns) &&
	    json_object_is_type(ns, json_type_array) && json_object_array_length(ns) > 0)
		json_object_object_add(dns, "nameservers", json_object_get(ns));
	return dns;
}

/* The CNI result (0.3.x/0.4.0 or 1.x form) of an attach answer. */
static struct json_object *make_result(struct cni *c, struct json_object *ans)
{
	struct json_object *res = json_object_new_object(), *ifs = json_object_new_array();
	struct json_object *ips = json_object_new_array(), *routes = json_object_new_array(), *i;
	const char *host_if = jstr(ans, "hostIfname"), *mac = jstr(ans, "mac");
	const char *ip4 = jstr(ans, "ipv4"), *gw4 = jstr(ans, "gateway");
	const char *ip6 = jstr(ans, "ipv6"), *gw6 = jstr(ans, "gateway6");
	bool v0 = version_num(c->version) < 1000000;
	int cidx = 0;

	json_object_object_add(res, "cniVersion", json_object_new_string(c->version));
	if (host_if && *host_if) {
		i = json_object_new_object();
		json_object_object_add(i, "name", json_object_new_string(host_if));
		json_object_array_add(ifs, i);
		cidx = 1;
	}
	i = json_object_new_object();
	json_object_object_add(i, "name", json_object_new_string(c->ifname));
	if (mac && *mac)
		json_object_object_add(i, "mac", json_object_new_string(mac));
	json_object_object_add(i, "sandbox", json_object_new_string(c->netns));
	json_object_array_add(ifs, i);
	if (ip4 && *ip4) {
		add_ip(ips, v0, 4, ip4, gw4, cidx);
		if (gw4 && *gw4)
			add_route(routes, "0.0.0.0/0", gw4);
	}
	if (ip6 && *ip6) {
		add_ip(ips, v0, 6, ip6, gw6, cidx);
		if (gw6 && *gw6)
			add_route(routes, "::/0", gw6);
	}
	json_object_object_add(res, "interfaces", ifs);
	json_object_object_add(res, "ips", ips);
	json_object_object_add(res, "routes", routes);
	json_object_object_add(res, "dns", dns_of(ans));
	return res;
}

static int cmd_add(struct cni *c)
{
	struct json_object *req, *ans = NULL, *res, *rc, *pm;
	struct stat st;
	long status = 0;
	int r;

	if (!c->netns)
		return cni_error(CNI_ERR_ENV, NULL, "CNI_NETNS is required for ADD");
	if (json_object_object_get_ex(c->conf, "ipam", NULL))
		return cni_error(CNI_ERR_FIELD, NULL,
				 "network configuration: \"ipam\" is not supported: netmaster allocates the addresses");
	if (!c->network)
		return cni_error(CNI_ERR_CONFIG, NULL,
				 "network configuration \"%s\": \"network\" is required (the Contiv network to attach to)",
				 jstr(c->conf, "name") ?: "");
	if (stat(c->netns, &st) < 0)
		return cni_error(CNI_ERR_CONTAINER, strerror(errno), "CNI_NETNS \"%s\": no such network namespace",
				 c->netns);
	req = json_object_new_object();
	json_object_object_add(req, "tenant", json_object_new_string(c->tenant ? c->tenant : "default"));
	json_object_object_add(req, "network", json_object_new_string(c->network));
	if (c->group)
		json_object_object_add(req, "group", json_object_new_string(c->group));
	json_object_object_add(req, "id", json_object_new_string(c->id));
	json_object_object_add(req, "containerID", json_object_new_string(c->container_id));
	if (c->pod_name)
		json_object_object_add(req, "containerName", json_object_new_string(c->pod_name));
	json_object_object_add(req, "netns", json_object_new_string(c->netns));
	json_object_object_add(req, "ifname", json_object_new_string(c->ifname));
	if (c->ip)
		json_object_object_add(req, "ipAddress", json_object_new_string(c->ip));
	/*
	 * The "portMappings" capability (the CNI portmap plugin's convention):
	 * runtimeConfig {"portMappings": [{"hostPort", "containerPort",
	 * "protocol", "hostIP"}]}, passed as is: netplugin validates it and
	 * maps the ports (DNAT) before it answers.
	 */
	if (json_object_object_get_ex(c->conf, "runtimeConfig", &rc) &&
	    json_object_object_get_ex(rc, "portMappings", &pm))
		json_object_object_add(req, "portMappings", json_object_get(pm));
	r = agent_request(c, "POST", "/attach", json_object_to_json_string(req), &status, &ans, CNI_ERR_AGAIN);
	json_object_put(req);
	if (r)
		return r;
	if (status != 200) {
		r = agent_error(c, "attach", status, ans);
		json_object_put(ans);
		return r;
	}
	res = make_result(c, ans);
	print_json(res);
	json_object_put(res);
	json_object_put(ans);
	return 0;
}

static int detach(struct cni *c)
{
	struct json_object *req = json_object_new_object(), *ans = NULL;
	long status = 0;
	int r;

	json_object_object_add(req, "id", json_object_new_string(c->id));
	r = agent_request(c, "POST", "/detach", json_object_to_json_string(req), &status, &ans, CNI_ERR_AGAIN);
	json_object_put(req);
	if (r)
		return r;
	r = status == 200 || status == 404 ? 0 : agent_error(c, "detach", status, ans);
	json_object_put(ans);
	return r;
}

/* DEL: idempotent; a missing CNI_NETNS or netns is fine. */
static int cmd_del(struct cni *c)
{
	return detach(c);
}

/* The interface CNI_IFNAME in the netns: its IPv4 address (primary) and MAC. */
static int inspect_netns(struct cni *c, char *ip4, size_t ip4len, char *mac, size_t maclen)
{
	int self = -1, target = -1, s = -1, r = 0;
	struct ifreq ifr;

	ip4[0] = mac[0] = '\0';
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(c->netns, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0) {
		r = cni_error(CNI_ERR_CONTAINER, strerror(errno), "CNI_NETNS \"%s\" cannot be opened", c->netns);
		goto out;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		r = cni_error(CNI_ERR_IO, strerror(errno), "entering CNI_NETNS \"%s\"", c->netns);
		goto out;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
	if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
		r = cni_error(CNI_ERR_CHECK, strerror(errno), "interface \"%s\" is missing in \"%s\"", c->ifname,
			      c->netns);
		goto restore;
	}
	{
		const unsigned char *m = (const unsigned char *)ifr.ifr_hwaddr.sa_data;

		snprintf(mac, maclen, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(s, SIOCGIFADDR, &ifr) == 0)
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&ifr.ifr_addr)->sin_addr, ip4, (socklen_t)ip4len);
restore:
	if (setns(self, CLONE_NEWNET) < 0 && r == 0)
		r = cni_error(CNI_ERR_IO, strerror(errno), "returning to the plugin's netns");
out:
	if (s >= 0)
		close(s);
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return r;
}

/* CHECK: the agent still has the endpoint, and the container's interface has
 * the address and MAC of prevResult. */
static int cmd_check(struct cni *c)
{
	struct json_object *prev, *ans = NULL, *want, *eps, *ips, *ifs;
	char ip4[INET_ADDRSTRLEN], mac[32];
	const char *want_ip = NULL, *want_mac = NULL;
	bool found = false;
	long status = 0;
	int r;

	if (version_num(c->version) < 4000)
		return cni_error(CNI_ERR_VERSION, NULL, "CHECK needs cniVersion 0.4.0 or later (config has \"%s\")",
				 c->version);
	if (!c->netns)
		return cni_error(CNI_ERR_ENV, NULL, "CNI_NETNS is required for CHECK");
	if (!json_object_object_get_ex(c->conf, "prevResult", &prev) || !json_object_is_type(prev, json_type_object))
		return cni_error(CNI_ERR_CONFIG, NULL, "CHECK: \"prevResult\" is required");
	r = agent_request(c, "GET", "/state", NULL, &status, &ans, CNI_ERR_AGAIN);
	if (r)
		return r;
	if (status != 200) {
		r = agent_error(c, "check", status, ans);
		json_object_put(ans);
		return r;
	}
	if (json_object_object_get_ex(ans, "desired", &want) &&
	    json_object_object_get_ex(want, "localEndpoints", &eps) && json_object_is_type(eps, json_type_array))
		for (size_t i = 0; i < json_object_array_length(eps); i++)
			if (strcmp(json_object_get_string(json_object_array_get_idx(eps, i)), c->id) == 0)
				found = true;
	json_object_put(ans);
	if (!found)
		return cni_error(CNI_ERR_CHECK, NULL, "endpoint %s is not attached on this host", c->id);

	r = inspect_netns(c, ip4, sizeof(ip4), mac, sizeof(mac));
	if (r)
		return r;
	if (json_object_object_get_ex(prev, "interfaces", &ifs) && json_object_is_type(ifs, json_type_array))
		for (size_t i = 0; i < json_object_array_length(ifs); i++) {
			struct json_object *it = json_object_array_get_idx(ifs, i);

			if (jstr(it, "sandbox") && jstr(it, "name") && strcmp(jstr(it, "name"), c->ifname) == 0)
				want_mac = jstr(it, "mac");
		}
	if (json_object_object_get_ex(prev, "ips", &ips) && json_object_is_type(ips, json_type_array))
		for (size_t i = 0; i < json_object_array_length(ips); i++) {
			const char *a = jstr(json_object_array_get_idx(ips, i), "address");

			if (a && strchr(a, '.') && !want_ip)
				want_ip = a;
		}
	if (want_mac && strcasecmp(want_mac, mac) != 0)
		return cni_error(CNI_ERR_CHECK, NULL, "interface %s has MAC %s, prevResult says %s", c->ifname, mac,
				 want_mac);
	if (want_ip) {
		size_t n = strcspn(want_ip, "/");

		if (strlen(ip4) != n || strncmp(want_ip, ip4, n) != 0)
			return cni_error(CNI_ERR_CHECK, NULL, "interface %s has IPv4 address \"%s\", prevResult says %s",
					 c->ifname, ip4, want_ip);
	}
	return 0;
}

/* STATUS (1.1.0): ready when the agent answers. */
static int cmd_status(struct cni *c)
{
	struct json_object *ans = NULL;
	long status = 0;
	int r = agent_request(c, "GET", "/state", NULL, &status, &ans, CNI_ERR_UNAVAILABLE);

	json_object_put(ans);
	if (r)
		return r;
	if (status != 200)
		return cni_error(CNI_ERR_UNAVAILABLE, NULL, "the netplugin agent at %s answers HTTP %ld", c->socket,
				 status);
	return 0;
}

static int cmd_version(struct json_object *conf)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	const char *v = jstr(conf, "cniVersion");

	json_object_object_add(o, "cniVersion", json_object_new_string(version_supported(v) ? v : "1.1.0"));
	for (size_t i = 0; i < sizeof(supported_versions) / sizeof(supported_versions[0]); i++)
		json_object_array_add(a, json_object_new_string(supported_versions[i]));
	json_object_object_add(o, "supportedVersions", a);
	print_json(o);
	json_object_put(o);
	return 0;
}

static int usage(FILE *f)
{
	fprintf(f, "contiv-cni %s: the CNI plugin of libcontiv (CNI spec 0.3.0 to 1.1.0).\n"
		   "It is run by a container runtime with CNI_COMMAND=ADD|DEL|CHECK|VERSION|STATUS|GC\n"
		   "in its environment and the network configuration on stdin; see contiv-cni(8).\n",
		PACKAGE_VERSION);
	return f == stdout ? 0 : 1;
}

/* A config string key: absent is fine, another type is an error. */
static int conf_str(struct cni *c, const char *key, const char **ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(c->conf, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v))
		return cni_error(CNI_ERR_CONFIG, NULL, "network configuration: \"%s\" must be a non-empty string", key);
	*ret = json_object_get_string(v);
	return 0;
}

int main(int argc, char **argv)
{
	struct cni c = { 0 };
	struct json_object *v;
	char *in, *args = NULL;
	size_t len = 0;
	int r;

	if (argc > 1) {
		if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-version") == 0) {
			printf("contiv-cni %s\n", PACKAGE_VERSION);
			return 0;
		}
		return usage(strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? stdout : stderr);
	}
	c.command = env("CNI_COMMAND");
	if (!c.command) {
		if (isatty(STDIN_FILENO))
			return usage(stderr);
		return cni_error(CNI_ERR_ENV, NULL, "CNI_COMMAND is not set");
	}
	in = read_stdin(&len);
	if (!in)
		return cni_error(CNI_ERR_IO, strerror(errno), "reading the network configuration from stdin");
	{
		struct json_tokener *tok = json_tokener_new();

		c.conf = tok ? json_tokener_parse_ex(tok, in, (int)len) : NULL;
		if (tok && json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(c.conf);
			c.conf = NULL;
		}
		json_tokener_free(tok);
	}
	free(in);
	if (strcmp(c.command, "VERSION") == 0) {
		r = cmd_version(c.conf);
		json_object_put(c.conf);
		return r;
	}
	if (!c.conf || !json_object_is_type(c.conf, json_type_object)) {
		r = cni_error(CNI_ERR_DECODE, NULL, "the network configuration on stdin is not a JSON object");
		goto out;
	}
	c.version = jstr(c.conf, "cniVersion");
	if (!c.version) {
		r = cni_error(CNI_ERR_CONFIG, NULL, "network configuration: \"cniVersion\" is required");
		goto out;
	}
	if (!version_supported(c.version)) {
		r = cni_error(CNI_ERR_VERSION, NULL, "cniVersion \"%s\" is not supported (0.3.0 to 1.1.0 are)",
			      c.version);
		goto out;
	}
	out_version = c.version;
	if (!jstr(c.conf, "name") || !*jstr(c.conf, "name")) {
		r = cni_error(CNI_ERR_CONFIG, NULL, "network configuration: \"name\" is required");
		goto out;
	}
	if ((r = conf_str(&c, "tenant", &c.tenant)) || (r = conf_str(&c, "network", &c.network)) ||
	    (r = conf_str(&c, "group", &c.group)) || (r = conf_str(&c, "agentSocket", &c.socket)))
		goto out;
	if (!c.socket)
		c.socket = DEFAULT_SOCKET;
	if (strcmp(c.command, "STATUS") == 0) {
		r = cmd_status(&c);
		goto out;
	}
	if (strcmp(c.command, "GC") == 0) {
		/* Nothing is leaked on this side: netplugin removes the endpoints
		 * whose namespace is gone only on DEL; GC is accepted and does nothing. */
		r = 0;
		goto out;
	}
	if (strcmp(c.command, "ADD") != 0 && strcmp(c.command, "DEL") != 0 && strcmp(c.command, "CHECK") != 0) {
		r = cni_error(CNI_ERR_ENV, NULL, "CNI_COMMAND \"%s\": not one of ADD, DEL, CHECK, VERSION, STATUS, GC",
			      c.command);
		goto out;
	}
	c.container_id = env("CNI_CONTAINERID");
	c.netns = env("CNI_NETNS");
	c.ifname = env("CNI_IFNAME");
	if (!c.container_id) {
		r = cni_error(CNI_ERR_ENV, NULL, "CNI_CONTAINERID is required for %s", c.command);
		goto out;
	}
	if (!c.ifname) {
		r = cni_error(CNI_ERR_ENV, NULL, "CNI_IFNAME is required for %s", c.command);
		goto out;
	}
	if (env("CNI_ARGS")) {
		args = strdup(getenv("CNI_ARGS"));
		if (!args) {
			r = cni_error(CNI_ERR_INTERNAL, NULL, "out of memory");
			goto out;
		}
		if ((r = parse_args(&c, args)))
			goto out;
	}
	/* podman's "ips" capability: runtimeConfig {"ips": ["10.1.2.3/24"]} */
	if (!c.ip && json_object_object_get_ex(c.conf, "runtimeConfig", &v) &&
	    json_object_object_get_ex(v, "ips", &v) && json_object_is_type(v, json_type_array) &&
	    json_object_array_length(v) > 0)
		c.ip = json_object_get_string(json_object_array_get_idx(v, 0));
	if (c.ip && strchr(c.ip, '/')) {
		static char ipbuf[64];

		snprintf(ipbuf, sizeof(ipbuf), "%.*s", (int)strcspn(c.ip, "/"), c.ip);
		c.ip = ipbuf;
	}
	endpoint_id(&c);
	debug("%s id %s netns %s", c.command, c.id, c.netns ? c.netns : "-");
	if (strcmp(c.command, "ADD") == 0)
		r = cmd_add(&c);
	else if (strcmp(c.command, "DEL") == 0)
		r = cmd_del(&c);
	else
		r = cmd_check(&c);
out:
	json_object_put(c.conf);
	free(args);
	return r;
}
