/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in DNS's name tables: one immutable, refcounted snapshot of
 * every tenant's names (container and group names -> addresses) and of the
 * bridges (interface -> tenant), and the small lock that swaps snapshots.
 * Pure data: no I/O.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "libcontiv-private.h"
#include "agent/dns-private.h"

struct rec {
	char *tenant;
	char *name;		/* lower case, no leading '/', no trailing '.' */
	int family;
	uint8_t addr[16];
};

struct bridge {
	char ifname[16];
	char *tenant;
};

struct contiv__dns_names {
	int refcount;		/* atomic */
	bool sealed;
	struct rec *recs;
	size_t n, cap;
	struct bridge *bridges;
	size_t nb, capb;
};

int contiv__dns_names_new(struct contiv__dns_names **ret)
{
	struct contiv__dns_names *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->refcount = 1;
	*ret = t;
	return 0;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	p = realloc(*v, c * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

int contiv__dns_names_add(struct contiv__dns_names *t, const char *tenant, const char *name,
			  const char *addr)
{
	struct rec r = { 0 };
	size_t len;

	if (!t || t->sealed || !tenant || !name || !addr)
		return -EINVAL;
	if (*name == '/')
		name++;
	len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	if (!len || len > 253)
		return 0;
	if (inet_pton(AF_INET, addr, r.addr) == 1)
		r.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r.addr) == 1)
		r.family = AF_INET6;
	else
		return 0;
	r.name = strndup(name, len);
	r.tenant = strdup(tenant);
	if (!r.name || !r.tenant || grow((void **)&t->recs, &t->cap, t->n, sizeof(*t->recs)) < 0) {
		free(r.name);
		free(r.tenant);
		return -ENOMEM;
	}
	for (char *c = r.name; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	t->recs[t->n++] = r;
	return 0;
}

int contiv__dns_names_add_bridge(struct contiv__dns_names *t, const char *ifname, const char *tenant)
{
	struct bridge b = { 0 };

	if (!t || t->sealed || !ifname || !tenant || strlen(ifname) >= sizeof(b.ifname))
		return -EINVAL;
	snprintf(b.ifname, sizeof(b.ifname), "%s", ifname);
	b.tenant = strdup(tenant);
	if (!b.tenant || grow((void **)&t->bridges, &t->capb, t->nb, sizeof(*t->bridges)) < 0) {
		free(b.tenant);
		return -ENOMEM;
	}
	t->bridges[t->nb++] = b;
	return 0;
}

static int rec_key_cmp(const char *tenant, const char *name, const struct rec *r)
{
	int c = strcmp(tenant, r->tenant);

	return c ? c : strcmp(name, r->name);
}

static int rec_cmp(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int c = rec_key_cmp(a->tenant, a->name, b);

	if (c)
		return c;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

static int bridge_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct bridge *)pa)->ifname, ((const struct bridge *)pb)->ifname);
}

void contiv__dns_names_seal(struct contiv__dns_names *t)
{
	if (!t || t->sealed)
		return;
	if (t->n)
		qsort(t->recs, t->n, sizeof(*t->recs), rec_cmp);
	if (t->nb)
		qsort(t->bridges, t->nb, sizeof(*t->bridges), bridge_cmp);
	t->sealed = true;
}

struct contiv__dns_names *contiv__dns_names_ref(struct contiv__dns_names *t)
{
	if (t)
		__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
	return t;
}

struct contiv__dns_names *contiv__dns_names_unref(struct contiv__dns_names *t)
{
	if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		free(t->recs[i].tenant);
		free(t->recs[i].name);
	}
	for (size_t i = 0; i < t->nb; i++)
		free(t->bridges[i].tenant);
	free(t->recs);
	free(t->bridges);
	free(t);
	return NULL;
}

const char *contiv__dns_names_tenant_of(const struct contiv__dns_names *t, const char *ifname)
{
	struct bridge key = { 0 };
	const struct bridge *b;

	if (!t || !t->sealed || !t->nb || !ifname || strlen(ifname) >= sizeof(key.ifname))
		return NULL;	/* (bsearch must not get a NULL array, even of 0 elements) */
	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	b = bsearch(&key, t->bridges, t->nb, sizeof(*t->bridges), bridge_cmp);
	return b ? b->tenant : NULL;
}

size_t contiv__dns_names_lookup(const struct contiv__dns_names *t, const char *tenant, const char *name,
				int family, void (*fn)(const uint8_t *addr, void *userdata), void *userdata)
{
	size_t lo = 0, hi, count = 0;
	const struct rec *prev = NULL;

	if (!t || !t->sealed || !tenant || !name)
		return 0;
	/* the first record of (tenant, name) */
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rec_key_cmp(tenant, name, &t->recs[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < t->n && !rec_key_cmp(tenant, name, &t->recs[i]); i++) {
		const struct rec *r = &t->recs[i];

		count++;
		if (r->family != family || !fn)
			continue;
		if (prev && !memcmp(prev->addr, r->addr, sizeof(r->addr)))
			continue;	/* a container and a group of the same name */
		prev = r;
		fn(r->addr, userdata);
	}
	return count;
}

/* ---- the agent's current snapshot ---- */

struct contiv__dns_state {
	pthread_mutex_t lock;
	struct contiv__dns_names *cur;
};

struct contiv__dns_state *contiv__dns_state_new(void)
{
	struct contiv__dns_state *s = calloc(1, sizeof(*s));

	if (s && pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void contiv__dns_state_free(struct contiv__dns_state *s)
{
	if (!s)
		return;
	contiv__dns_names_unref(s->cur);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void contiv__dns_state_publish(struct contiv__dns_state *s, struct contiv__dns_names *t)
{
	struct contiv__dns_names *old;

	pthread_mutex_lock(&s->lock);
	old = s->cur;
	s->cur = t;
	pthread_mutex_unlock(&s->lock);
	contiv__dns_names_unref(old);	/* freed outside the lock */
}

struct contiv__dns_names *contiv__dns_state_get(struct contiv__dns_state *s)
{
	struct contiv__dns_names *t;

	pthread_mutex_lock(&s->lock);
	t = contiv__dns_names_ref(s->cur);
	pthread_mutex_unlock(&s->lock);
	return t;
}
