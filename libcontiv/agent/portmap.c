/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Port mappings of the agent's local endpoints: validation of the agent
 * API's "portMappings" lists, the per-host table (endpoint id -> mappings),
 * its state file and its contribution to the policy program (DNAT maps of
 * the "inet contiv" table). See include/contiv/agent.h for the API and
 * docs/ARCHITECTURE.md ("External connectivity") for why the table lives in
 * a file.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "libcontiv-private.h"
#include "portmap.h"

#define PM_MAX 256		/* mappings per endpoint */

const char *contiv__pm_proto_name(uint8_t proto)
{
	return proto == 17 ? "udp" : "tcp";
}

static int pm_err(char *err, size_t len, const char *fmt, ...) contiv__printf(3, 4);
static int pm_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define JTEXT_MAX (CONTIV_QUOTE_MAX + 2)

/* A JSON value rendered for a message, bounded: a string in "", else its JSON. */
static const char *jtext(char buf[JTEXT_MAX], struct json_object *v)
{
	char q[CONTIV_QUOTE_MAX];

	if (json_object_is_type(v, json_type_string))
		snprintf(buf, JTEXT_MAX, "\"%s\"", contiv__quote(q, json_object_get_string(v)));
	else
		snprintf(buf, JTEXT_MAX, "%s",
			 contiv__quote(q, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)));
	return buf;
}

static int parse_port(struct json_object *m, size_t i, const char *field, uint16_t *ret,
		      char *err, size_t len)
{
	char q[JTEXT_MAX];
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(m, field, &v))
		return pm_err(err, len, "portMappings[%zu].%s is required", i, field);
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 1 || n > 65535)
		return pm_err(err, len, "portMappings[%zu].%s %s: must be an integer 1..65535", i,
			      field, jtext(q, v));
	*ret = (uint16_t)n;
	return 0;
}

static int parse_one(struct json_object *m, size_t i, struct contiv__pm *ret, char *err, size_t len)
{
	char q[JTEXT_MAX];
	struct json_object *v;
	const char *s;
	uint32_t addr;
	int r;

	if (!json_object_is_type(m, json_type_object))
		return pm_err(err, len, "portMappings[%zu] %s: must be an object", i, jtext(q, m));
	ret->proto = 6;
	if (json_object_object_get_ex(m, "protocol", &v) && !json_object_is_type(v, json_type_null)) {
		s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		if (s && !strcasecmp(s, "udp"))
			ret->proto = 17;
		else if (!s || strcasecmp(s, "tcp"))
			return pm_err(err, len, "portMappings[%zu].protocol %s: must be \"tcp\" or \"udp\"",
				      i, jtext(q, v));
	}
	r = parse_port(m, i, "hostPort", &ret->host_port, err, len);
	if (r == 0)
		r = parse_port(m, i, "containerPort", &ret->port, err, len);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(m, "hostIP", &v) && !json_object_is_type(v, json_type_null)) {
		s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		if (!s)
			return pm_err(err, len, "portMappings[%zu].hostIP %s: must be a string", i,
				      jtext(q, v));
		if (*s && strcmp(s, "0.0.0.0") && strcmp(s, "::"))
			return pm_err(err, len, "portMappings[%zu].hostIP %s: %s", i, jtext(q, v),
				      contiv__parse_ipv4(s, &addr) == 0 ?
				      "mappings hold on all the host's addresses; give \"\" or \"0.0.0.0\"" :
				      "not an address (give \"\" or \"0.0.0.0\": all the host's addresses)");
	}
	return 0;
}

int contiv__pm_parse(struct json_object *arr, struct contiv__pm_ep *ret, char *err, size_t len)
{
	struct contiv__pm *v;
	char q[JTEXT_MAX];
	size_t n, k = 0;
	int r;

	if (!arr || json_object_is_type(arr, json_type_null)) {
		*ret = (struct contiv__pm_ep){ 0 };
		return 0;
	}
	if (!json_object_is_type(arr, json_type_array))
		return pm_err(err, len, "portMappings %s: must be a list", jtext(q, arr));
	n = json_object_array_length(arr);
	if (n > PM_MAX)
		return pm_err(err, len, "portMappings: %zu entries, at most %d", n, PM_MAX);
	v = calloc(n ?: 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct contiv__pm m = { 0 };
		bool dup = false;

		r = parse_one(json_object_array_get_idx(arr, i), i, &m, err, len);
		if (r < 0) {
			free(v);
			return r;
		}
		/* the same mapping twice (e.g. for 0.0.0.0 and ::) is one */
		for (size_t j = 0; j < k && !dup; j++) {
			if (v[j].proto != m.proto || v[j].host_port != m.host_port)
				continue;
			if (v[j].port != m.port) {
				uint16_t first = v[j].port;

				free(v);
				return pm_err(err, len, "portMappings[%zu].hostPort %u: %s port %u is given twice, to container ports %u and %u",
					      i, m.host_port, contiv__pm_proto_name(m.proto),
					      m.host_port, first, m.port);
			}
			dup = true;
		}
		if (!dup)
			v[k++] = m;
	}
	if (!k) {
		free(v);
		v = NULL;
	}
	*ret = (struct contiv__pm_ep){ .v = v, .n = k };
	return 0;
}

void contiv__pm_ep_clear(struct contiv__pm_ep *ep)
{
	free(ep->id);
	free(ep->v);
	*ep = (struct contiv__pm_ep){ 0 };
}

bool contiv__pm_same(const struct contiv__pm_ep *x, const struct contiv__pm_ep *y)
{
	size_t nx = x ? x->n : 0, ny = y ? y->n : 0;

	if (nx != ny)
		return false;
	for (size_t i = 0; i < nx; i++)
		if (x->v[i].proto != y->v[i].proto || x->v[i].host_port != y->v[i].host_port ||
		    x->v[i].port != y->v[i].port)
			return false;
	return true;
}

struct contiv__pm_ep *contiv__pm_find(const struct contiv__pm_table *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->eps[i].id, id))
			return &t->eps[i];
	return NULL;
}

const char *contiv__pm_clash(const struct contiv__pm_table *t, const char *id,
			     const struct contiv__pm_ep *want, const struct contiv__pm **clash)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct contiv__pm_ep *e = &t->eps[i];

		if (!strcmp(e->id, id))
			continue;
		for (size_t a = 0; a < e->n; a++)
			for (size_t b = 0; b < want->n; b++)
				if (e->v[a].proto == want->v[b].proto &&
				    e->v[a].host_port == want->v[b].host_port) {
					*clash = &want->v[b];
					return e->id;
				}
	}
	return NULL;
}

int contiv__pm_set(struct contiv__pm_table *t, const char *id, struct contiv__pm_ep *list,
		   struct contiv__pm_ep *old)
{
	struct contiv__pm_ep *e = contiv__pm_find(t, id);

	*old = (struct contiv__pm_ep){ 0 };
	if (e) {
		*old = *e;
		if (list->n) {
			e->id = old->id;	/* the entry keeps its id */
			old->id = NULL;
			e->v = list->v;
			e->n = list->n;
		} else {
			size_t i = (size_t)(e - t->eps);

			memmove(e, e + 1, (t->n - i - 1) * sizeof(*e));
			t->n--;
		}
		free(list->id);
		*list = (struct contiv__pm_ep){ 0 };
		return 0;
	}
	if (!list->n) {
		contiv__pm_ep_clear(list);
		return 0;
	}
	{
		struct contiv__pm_ep *v = realloc(t->eps, (t->n + 1) * sizeof(*v));
		char *dup = strdup(id);

		if (v)
			t->eps = v;
		if (!v || !dup) {
			free(dup);
			return -ENOMEM;
		}
		free(list->id);
		t->eps[t->n++] = (struct contiv__pm_ep){ .id = dup, .v = list->v, .n = list->n };
		*list = (struct contiv__pm_ep){ 0 };
	}
	return 0;
}

struct json_object *contiv__pm_to_json(const struct contiv__pm_ep *ep)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && ep && i < ep->n; i++) {
		struct json_object *m = json_object_new_object();

		if (!m) {
			json_object_put(a);
			return NULL;
		}
		json_object_object_add(m, "protocol",
				       json_object_new_string(contiv__pm_proto_name(ep->v[i].proto)));
		json_object_object_add(m, "hostPort", json_object_new_int(ep->v[i].host_port));
		json_object_object_add(m, "containerPort", json_object_new_int(ep->v[i].port));
		json_object_array_add(a, m);
	}
	return a;
}

void contiv__pm_table_clear(struct contiv__pm_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		contiv__pm_ep_clear(&t->eps[i]);
	free(t->eps);
	free(t->file);
	*t = (struct contiv__pm_table){ 0 };
}

int contiv__pm_load(struct contiv_ctx *ctx, struct contiv__pm_table *t)
{
	struct json_object *root, *eps;
	char q[CONTIV_QUOTE_MAX], err[512];

	if (!t->file || access(t->file, F_OK) < 0)
		return 0;
	root = json_object_from_file(t->file);
	if (!root || !json_object_object_get_ex(root, "endpoints", &eps) ||
	    !json_object_is_type(eps, json_type_object)) {
		contiv__log_cond(ctx, 3, "agent: port mappings file \"%s\": not a mappings file, ignored",
				 contiv__quote(q, t->file));
		json_object_put(root);
		return -EINVAL;
	}
	json_object_object_foreach(eps, id, list) {
		struct contiv__pm_ep ep, old;
		const struct contiv__pm *c;

		if (contiv__pm_parse(list, &ep, err, sizeof(err)) < 0 ||
		    contiv__pm_clash(t, id, &ep, &c)) {
			contiv__log_cond(ctx, 3, "agent: port mappings file: endpoint \"%s\" skipped",
					 contiv__quote(q, id));
			contiv__pm_ep_clear(&ep);
			continue;
		}
		if (contiv__pm_set(t, id, &ep, &old) < 0) {
			contiv__pm_ep_clear(&ep);
			json_object_put(root);
			return -ENOMEM;
		}
		contiv__pm_ep_clear(&old);
	}
	json_object_put(root);
	contiv_info(ctx, "agent: %zu endpoint(s) with port mappings read from %s", t->n, t->file);
	return 0;
}

int contiv__pm_save(struct contiv_ctx *ctx, const struct contiv__pm_table *t)
{
	struct json_object *root, *eps;
	char tmp[4096], q[CONTIV_QUOTE_MAX];
	const char *text;
	size_t len, off = 0;
	int fd, r = 0;

	if (!t->file)
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", t->file) >= sizeof(tmp))
		return contiv__error(ctx, -ENAMETOOLONG, "port mappings file: path too long");
	root = json_object_new_object();
	eps = json_object_new_object();
	if (!root || !eps) {
		json_object_put(root);
		json_object_put(eps);
		return -ENOMEM;
	}
	json_object_object_add(root, "endpoints", eps);
	for (size_t i = 0; i < t->n; i++)
		json_object_object_add(eps, t->eps[i].id, contiv__pm_to_json(&t->eps[i]));
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		r = -errno;
	while (r == 0 && off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno != EINTR)
			r = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (r == 0 && (write(fd, "\n", 1) != 1 || fsync(fd) < 0))
		r = -errno ?: -EIO;
	if (fd >= 0 && close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, t->file) < 0)
		r = -errno;
	json_object_put(root);
	if (r < 0) {
		unlink(tmp);
		return contiv__error(ctx, r, "port mappings file \"%s\": %s",
				     contiv__quote(q, t->file), strerror(-r));
	}
	return 0;
}

int contiv__pm_add_to_policy(const struct contiv__pm_table *t, struct contiv_policy *p,
			     contiv__pm_ip_fn ip_of, void *userdata)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct contiv__pm_ep *e = &t->eps[i];
		const char *ip = ip_of(e->id, userdata);

		for (size_t k = 0; ip && k < e->n; k++) {
			int r = contiv_policy_add_port_mapping(p, contiv__pm_proto_name(e->v[k].proto),
							       e->v[k].host_port, ip, e->v[k].port);

			/* one bad mapping (validated already: cannot happen) must
			 * not cost the whole policy */
			if (r == -ENOMEM)
				return r;
		}
	}
	return 0;
}
