/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Contiv names <-> Docker network names and pool ids (names.h). Pure. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "util.h"

#define POOL_PREFIX "contiv:"

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool dn_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (alnum(s[i]) || s[i] == '-')
			continue;
		if (s[i] == '.' && alnum(s[i - 1]) && alnum(s[i + 1]))
			continue;
		return false;
	}
	return true;
}

int dn_target_set(struct dn_target *t, const char *tenant, const char *network, const char *group,
		  char *err, size_t errlen)
{
	const char *what = NULL, *val = NULL;
	char q[DU_QUOTE_MAX];

	if (!tenant || !*tenant)
		tenant = "default";
	if (!group)
		group = "";
	if (!dn_name_ok(tenant))
		what = "tenant", val = tenant;
	else if (!network || !dn_name_ok(network))
		what = "network", val = network ? network : "";
	else if (*group && !dn_name_ok(group))
		what = "group", val = group;
	if (what) {
		snprintf(err, errlen, "%s \"%s\": %s", what, du_quote(val, q),
			 *val ? "not a valid Contiv name" : "is required");
		return -EINVAL;
	}
	snprintf(t->tenant, sizeof(t->tenant), "%s", tenant);
	snprintf(t->network, sizeof(t->network), "%s", network);
	snprintf(t->group, sizeof(t->group), "%s", group);
	return 0;
}

void dn_docker_name(const struct dn_target *t, char *buf, size_t len)
{
	const char *base = *t->group ? t->group : t->network;

	if (!strcmp(t->tenant, "default"))
		snprintf(buf, len, "%s", base);
	else
		snprintf(buf, len, "%s/%s", base, t->tenant);
}

void dn_pool_id(const struct dn_target *t, char *buf, size_t len)
{
	snprintf(buf, len, POOL_PREFIX "%s/%s%s%s", t->tenant, t->network, *t->group ? "/" : "", t->group);
}

int dn_pool_id_parse(const char *id, struct dn_target *t, char *err, size_t errlen)
{
	char copy[3 * DN_NAME_MAX + 16], q[DU_QUOTE_MAX], *parts[3] = { NULL, NULL, NULL }, *save = NULL, *p;
	size_t n = 0;

	if (!id || strncmp(id, POOL_PREFIX, strlen(POOL_PREFIX)) ||
	    strlen(id) >= sizeof(copy) + strlen(POOL_PREFIX))
		goto bad;
	snprintf(copy, sizeof(copy), "%s", id + strlen(POOL_PREFIX));
	if (!copy[0] || strstr(copy, "//") || copy[0] == '/' || copy[strlen(copy) - 1] == '/')
		goto bad;
	for (p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == 3)
			goto bad;
		parts[n++] = p;
	}
	if (n < 2)
		goto bad;
	if (dn_target_set(t, parts[0], parts[1], parts[2], err, errlen) < 0)
		return -EINVAL;
	return 0;
bad:
	snprintf(err, errlen, "PoolID \"%s\": not a pool of this plugin (expected contiv:<tenant>/<network>[/<group>])",
		 du_quote(id ? id : "", q));
	return -EINVAL;
}

void dn_master_network_id(const struct dn_target *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s.%s", t->network, *t->group ? ":" : "", t->group, t->tenant);
}

int dn_subnet_cidr(const char *subnet, char *buf, size_t len, unsigned *ret_len)
{
	const char *slash = subnet ? strrchr(subnet, '/') : NULL;
	char first[INET_ADDRSTRLEN + 1], out[INET_ADDRSTRLEN];
	struct in_addr a;
	char *end;
	unsigned long plen;
	size_t n;

	if (!slash)
		return -EINVAL;
	n = strcspn(subnet, "-/");
	if (n >= sizeof(first))
		return -EINVAL;
	memcpy(first, subnet, n);
	first[n] = '\0';
	errno = 0;
	plen = strtoul(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1 || plen > 32 || inet_pton(AF_INET, first, &a) != 1)
		return -EINVAL;
	a.s_addr &= plen ? htonl(~0u << (32 - plen)) : 0;
	inet_ntop(AF_INET, &a, out, sizeof(out));
	snprintf(buf, len, "%s/%lu", out, plen);
	if (ret_len)
		*ret_len = (unsigned)plen;
	return 0;
}

int dn_bare_ipv4(const char *s, char *buf, size_t len)
{
	char tmp[INET_ADDRSTRLEN + 1];
	struct in_addr a;
	size_t n = s ? strcspn(s, "/") : 0;

	if (!n || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, &a) != 1)
		return -EINVAL;
	snprintf(buf, len, "%s", tmp);
	return 0;
}

bool dn_endpoint_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n < 12 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}
