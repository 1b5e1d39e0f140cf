/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dp handle: options, sockets, names. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "dp-private.h"
#include "docker-compat.h"

CONTIV_EXPORT int contiv_dp_new(struct contiv_ctx *ctx, const struct contiv_dp_opts *opts,
				struct contiv_dp **ret)
{
	const char *vtep, *vxdev, *uplink;
	struct contiv_dp *dp;
	char q[CONTIV_QUOTE_MAX];
	uint32_t addr;
	int r;

	contiv_return_val_if_fail(ctx && ret, -EINVAL);
	contiv_return_if_forked(ctx);
	if (opts && !contiv__opts_valid(opts, offsetof(struct contiv_dp_opts, vlan_uplink) +
					      sizeof(opts->vlan_uplink)))
		return contiv__error(ctx, -EINVAL, "dp: options of an unknown size or version");
	vtep = CONTIV_OPTS_GET(opts, vtep_ip, NULL);
	vxdev = CONTIV_OPTS_GET(opts, vxlan_dev, NULL);
	uplink = CONTIV_OPTS_GET(opts, vlan_uplink, NULL);
	if (vtep && contiv__parse_ipv4(vtep, &addr) < 0)
		return contiv__error(ctx, -EINVAL, "dp: vtep-ip \"%s\": not an IPv4 address",
				     contiv__quote(q, vtep));
	if (CONTIV_OPTS_GET(opts, vxlan_port, 0) > 65535)
		return contiv__error(ctx, -EINVAL, "dp: vxlan port %u: must be 1..65535",
				     opts->vxlan_port);
	if (CONTIV_OPTS_GET(opts, arp_mode, 0) > CONTIV_DP_ARP_FLOOD)
		return contiv__error(ctx, -EINVAL, "dp: arp mode %u: must be proxy or flood",
				     opts->arp_mode);
	for (int i = 0; i < 2; i++) {
		const char *name = i ? uplink : vxdev;
		if (name && (!*name || strlen(name) > 15 || strchr(name, '/') || strchr(name, ' ')))
			return contiv__error(ctx, -EINVAL, "dp: interface \"%s\": not a valid name",
					     contiv__quote(q, name));
	}

	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	dp->refcount = 1;
	dp->ctx = contiv_ctx_ref(ctx);
	dp->vxlan_port = CONTIV_OPTS_GET(opts, vxlan_port, 0) ?: 4789;
	dp->arp_mode = CONTIV_OPTS_GET(opts, arp_mode, 0) ?: CONTIV_DP_ARP_PROXY;
	if ((vtep && !(dp->vtep_ip = strdup(vtep))) || (vxdev && !(dp->vxlan_dev = strdup(vxdev))) ||
	    (uplink && !(dp->vlan_uplink = strdup(uplink)))) {
		contiv_dp_unref(dp);
		return -ENOMEM;
	}
	r = contiv__dp_links_open(dp);
	if (r < 0) {
		contiv_dp_unref(dp);
		return r;
	}
	*ret = dp;
	return 0;
}

CONTIV_EXPORT struct contiv_dp *contiv_dp_ref(struct contiv_dp *dp)
{
	if (dp)
		dp->refcount++;
	return dp;
}

CONTIV_EXPORT struct contiv_dp *contiv_dp_unref(struct contiv_dp *dp)
{
	if (!dp || --dp->refcount > 0)
		return NULL;
	contiv__dp_links_close(dp);
	contiv__dp_nft_close(dp);
	contiv__dp_docker_compat_close(dp);
	free(dp->vtep_ip);
	free(dp->vxlan_dev);
	free(dp->vlan_uplink);
	contiv_ctx_unref(dp->ctx);
	free(dp);
	return NULL;
}

void contiv__dp_ifname(const char *prefix, const char *id, char buf[16])
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 16777619u;
	snprintf(buf, 16, "%s%08x", prefix, h);
}

int contiv__dp_bridge_name(uint32_t encap, uint32_t tag, char buf[16])
{
	if (encap == CONTIV_DP_VXLAN && tag >= 1 && tag <= 16777215)
		snprintf(buf, 16, CONTIV_DP_BRIDGE_VXLAN "%u", tag);
	else if (encap == CONTIV_DP_VLAN && tag >= 1 && tag <= 4094)
		snprintf(buf, 16, CONTIV_DP_BRIDGE_VLAN "%u", tag);
	else
		return -EINVAL;
	return 0;
}
