/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Docker networks in step with netmaster's networks and groups (netsync.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <json-c/json.h>

#include "names.h"
#include "netsync.h"
#include "util.h"

struct want {
	struct dn_target t;
	char name[2 * DN_NAME_MAX + 2];
	char cidr[64];
	char gateway[48];
	bool present;
};

struct pass {
	dh_request_fn request;
	void *userdata;
	const char *driver;
	ns_log_fn log;
	void *log_userdata;
	struct want *w;
	size_t n;
};

static void say(struct pass *p, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct pass *p, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!p->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->log(p->log_userdata, prio, msg);
}

/* GET path from peer as a JSON array: 0 with *ret, or -errno (logged). */
static int get_list(struct pass *p, enum dh_peer peer, const char *path, struct json_object **ret)
{
	char err[512] = "", *out = NULL;
	long status = 0;
	int r = p->request(p->userdata, peer, "GET", path, NULL, &status, &out, err, sizeof(err));

	*ret = NULL;
	if (r == 0 && status == 200)
		*ret = json_tokener_parse(out);
	free(out);
	if (*ret && json_object_is_type(*ret, json_type_array))
		return 0;
	json_object_put(*ret);
	*ret = NULL;
	say(p, LOG_DEBUG, "sync: listing %s%s: %s", peer == DH_DOCKER ? "docker " : "netmaster ", path,
	    r < 0 ? err : "unexpected answer");
	return r < 0 ? r : -EIO;
}

static struct want *want_add(struct pass *p)
{
	struct want *w = realloc(p->w, (p->n + 1) * sizeof(*w));

	if (!w)
		return NULL;
	p->w = w;
	memset(&w[p->n], 0, sizeof(*w));
	return &w[p->n++];
}

/* The wanted Docker networks: every Contiv network with a subnet and gateway, every group on one. */
static int wanted(struct pass *p, struct json_object *nets, struct json_object *groups)
{
	char err[256];

	for (int pass = 0; pass < 2; pass++) {
		struct json_object *list = pass ? groups : nets;

		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *o = json_object_array_get_idx(list, i);
			const char *tenant = du_str(o, "tenantName"), *net = du_str(o, "networkName");
			const char *grp = pass ? du_str(o, "groupName") : NULL;
			char cidr[64] = "", gw[48] = "";
			struct want *w;
			size_t nw = p->n;

			if (pass) {	/* a group: its network's subnet */
				for (size_t j = 0; j < p->n && nw == p->n; j++)
					if (!*p->w[j].t.group && !strcmp(p->w[j].t.tenant, tenant ?: "") &&
					    !strcmp(p->w[j].t.network, net ?: ""))
						nw = j;
				if (nw == p->n)
					continue;
				memcpy(cidr, p->w[nw].cidr, sizeof(cidr));
				memcpy(gw, p->w[nw].gateway, sizeof(gw));
			} else if (!du_str(o, "subnet")) {
				continue;	/* Docker needs a subnet */
			}
			w = want_add(p);
			if (!w)
				return -ENOMEM;
			if (dn_target_set(&w->t, tenant, net, grp, err, sizeof(err)) < 0 ||
			    (!pass && dn_subnet_cidr(du_str(o, "subnet"), w->cidr, sizeof(w->cidr), NULL) < 0)) {
				p->n--;
				continue;
			}
			if (pass) {
				memcpy(w->cidr, cidr, sizeof(cidr));
				memcpy(w->gateway, gw, sizeof(gw));
			} else {
				snprintf(w->gateway, sizeof(w->gateway), "%s", du_str(o, "gateway") ?: "");
			}
			dn_docker_name(&w->t, w->name, sizeof(w->name));
		}
	}
	return 0;
}

static void add_target(struct json_object *o, const struct dn_target *t)
{
	json_object_object_add(o, "tenant", json_object_new_string(t->tenant));
	json_object_object_add(o, "network", json_object_new_string(t->network));
	if (*t->group)
		json_object_object_add(o, "group", json_object_new_string(t->group));
}

static int create(struct pass *p, const struct want *w)
{
	struct json_object *req = json_object_new_object(), *ipam = json_object_new_object();
	struct json_object *cfg = json_object_new_array(), *c0 = json_object_new_object();
	struct json_object *opts = json_object_new_object(), *iopts = json_object_new_object();
	struct json_object *labels = json_object_new_object();
	char err[512] = "", *out = NULL;
	long status = 0;
	int r;

	if (!req || !ipam || !cfg || !c0 || !opts || !iopts || !labels) {
		json_object_put(req);
		json_object_put(ipam);
		json_object_put(cfg);
		json_object_put(c0);
		json_object_put(opts);
		json_object_put(iopts);
		json_object_put(labels);
		return -ENOMEM;
	}
	json_object_object_add(c0, "Subnet", json_object_new_string(w->cidr));
	if (*w->gateway)
		json_object_object_add(c0, "Gateway", json_object_new_string(w->gateway));
	json_object_array_add(cfg, c0);
	add_target(iopts, &w->t);
	add_target(opts, &w->t);
	json_object_object_add(ipam, "Driver", json_object_new_string(p->driver));
	json_object_object_add(ipam, "Config", cfg);
	json_object_object_add(ipam, "Options", iopts);
	json_object_object_add(labels, NS_LABEL, json_object_new_string("true"));
	json_object_object_add(req, "Name", json_object_new_string(w->name));
	json_object_object_add(req, "CheckDuplicate", json_object_new_boolean(1));
	json_object_object_add(req, "Driver", json_object_new_string(p->driver));
	json_object_object_add(req, "IPAM", ipam);
	json_object_object_add(req, "Options", opts);
	json_object_object_add(req, "Labels", labels);
	r = p->request(p->userdata, DH_DOCKER, "POST", "/networks/create",
		       json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN), &status, &out, err, sizeof(err));
	json_object_put(req);
	if (r == 0 && status == 201) {
		say(p, LOG_INFO, "sync: docker network \"%s\" created (%s, gateway %s)", w->name, w->cidr,
		    *w->gateway ? w->gateway : "none");
	} else {
		struct json_object *ans = r == 0 ? json_tokener_parse(out) : NULL;

		say(p, LOG_WARNING, "sync: creating docker network \"%s\": %s", w->name,
		    r < 0 ? err : du_str(ans, "message") ?: "refused");
		json_object_put(ans);
		r = r < 0 ? r : -EIO;
	}
	free(out);
	return r;
}

static void remove_stale(struct pass *p, struct json_object *dn, int *changes)
{
	const char *id = du_str(dn, "Id"), *name = du_str(dn, "Name");
	char err[512] = "", path[128], *out = NULL;
	long status = 0;

	if (!dn_endpoint_id_ok(id))	/* Docker's ids are 64 hex digits, as its endpoint ids */
		return;
	snprintf(path, sizeof(path), "/networks/%s", id);
	if (p->request(p->userdata, DH_DOCKER, "DELETE", path, NULL, &status, &out, err, sizeof(err)) == 0 &&
	    (status == 204 || status == 200 || status == 404)) {
		say(p, LOG_INFO, "sync: docker network \"%s\" removed (gone from netmaster)", name ?: id);
		(*changes)++;
	} else {
		say(p, LOG_DEBUG, "sync: docker network \"%s\" kept for now (in use?)", name ?: id);
	}
	free(out);
}

int ns_sync_once(dh_request_fn request, void *userdata, const char *driver, ns_log_fn log, void *log_userdata)
{
	struct pass p = { request, userdata, driver, log, log_userdata, NULL, 0 };
	struct json_object *nets = NULL, *groups = NULL, *dnets = NULL;
	int r, changes = 0;

	r = get_list(&p, DH_NETMASTER, "/api/v1/networks/", &nets);
	if (r == 0)
		r = get_list(&p, DH_NETMASTER, "/api/v1/endpointGroups/", &groups);
	if (r == 0)
		r = get_list(&p, DH_DOCKER, "/networks", &dnets);
	if (r == 0)
		r = wanted(&p, nets, groups);
	for (size_t i = 0; r == 0 && i < json_object_array_length(dnets); i++) {
		struct json_object *dn = json_object_array_get_idx(dnets, i), *opts = du_obj(dn, "Options");
		const char *name = du_str(dn, "Name") ?: "";
		struct dn_target t;
		char err[256];
		bool ours = !strcmp(du_str(dn, "Driver") ?: "", driver);
		bool managed = ours && du_str(du_obj(dn, "Labels"), NS_LABEL);
		bool known = false;

		for (size_t j = 0; j < p.n; j++) {
			if (strcmp(p.w[j].name, name))
				continue;
			p.w[j].present = true;
			if (!ours)
				say(&p, LOG_DEBUG, "sync: docker network \"%s\" exists with driver \"%s\": left alone",
				    name, du_str(dn, "Driver") ?: "");
			else if (dn_target_set(&t, du_str(opts, "tenant"), du_str(opts, "network"), du_str(opts, "group"),
					       err, sizeof(err)) == 0 &&
				 !strcmp(t.tenant, p.w[j].t.tenant) && !strcmp(t.network, p.w[j].t.network) &&
				 !strcmp(t.group, p.w[j].t.group))
				known = true;
		}
		if (managed && !known)
			remove_stale(&p, dn, &changes);
	}
	for (size_t j = 0; r == 0 && j < p.n; j++)
		if (!p.w[j].present && create(&p, &p.w[j]) == 0)
			changes++;
	json_object_put(nets);
	json_object_put(groups);
	json_object_put(dnets);
	free(p.w);
	return r < 0 ? r : changes;
}
