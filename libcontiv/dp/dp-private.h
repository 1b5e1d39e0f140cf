/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the dp layer: the handle shared by its parts — links.c (bridges,
 * vxlan/vlan devices, veth endpoints, FDB/neighbours; libnl-route-3), qos.c
 * (tc shaping; libnl-route-3), nft.c (the "inet contiv" table; libnftnl +
 * libmnl) and state.c (reading the kernel back).
 */
#ifndef CONTIV_DP_PRIVATE_H
#define CONTIV_DP_PRIVATE_H

#include "libcontiv-private.h"
#include <contiv/dp.h>

struct nl_sock;
struct mnl_socket;
struct dc_sock;

/* Names of what the dp layer creates (all under IFNAMSIZ). */
#define CONTIV_DP_BRIDGE_VXLAN "cvbx"	/* + VNI */
#define CONTIV_DP_BRIDGE_VLAN "cvbv"	/* + VLAN id */
#define CONTIV_DP_VXLAN_DEV "cvx"	/* + VNI */
#define CONTIV_DP_HOST_VETH "cvh"	/* + 8 hex of a hash of the endpoint id */
#define CONTIV_DP_PEER_VETH "cvp"	/* + 8 hex: the container side before its move */
#define CONTIV_DP_IFB "cvq"		/* + 8 hex */
#define CONTIV_DP_NFT_TABLE "contiv"	/* family inet */

struct contiv_dp {
	int refcount;
	struct contiv_ctx *ctx;
	uint32_t vxlan_port;
	uint32_t arp_mode;
	char *vtep_ip;
	char *vxlan_dev;
	char *vlan_uplink;
	struct nl_sock *rtnl;		/* NETLINK_ROUTE of the host namespace (links.c, qos.c) */
	struct mnl_socket *nft;		/* NETLINK_NETFILTER, opened on first use (nft.c) */
	uint32_t nft_seq;
	struct nft_applied *nft_applied;	/* what the last apply programmed (nft-inc.c) */
	int64_t docker_checked_ms;	/* docker-compat.c: last look (monotonic) */
	int docker_err;			/* docker-compat.c: last error, logged once */
	struct dc_sock *docker_sock;	/* docker-compat.c: its socket, kept open */
};

/* "cvh" + 8 hex digits of a stable hash of id; buf of at least 16 bytes. */
void contiv__dp_ifname(const char *prefix, const char *id, char buf[16]);
/* Bridge name of a network. */
int contiv__dp_bridge_name(uint32_t encap, uint32_t tag, char buf[16]);

/* Parts' entry points (each in its own file). */
int contiv__dp_links_open(struct contiv_dp *dp);
void contiv__dp_links_close(struct contiv_dp *dp);
void contiv__dp_nft_close(struct contiv_dp *dp);

#endif
