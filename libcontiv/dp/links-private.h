/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by links.c and state.c: libnl helpers of the links part. */
#ifndef CONTIV_DP_LINKS_PRIVATE_H
#define CONTIV_DP_LINKS_PRIVATE_H

#include <stdbool.h>

struct contiv_ctx;
struct nl_sock;
struct nl_addr;
struct rtnl_link;
struct rtnl_neigh;

/* libnl's -NLE_* to -errno. */
int contiv__dp_nlerr(int nle);
/* A connected NETLINK_ROUTE socket in the calling thread's namespace. */
int contiv__dp_sock_open(struct contiv_ctx *ctx, struct nl_sock **ret);
/* The link called name; -ENODEV if absent. */
int contiv__dp_link_get(struct nl_sock *sk, const char *name, struct rtnl_link **ret);
/* Parses an IP (family AF_UNSPEC/AF_INET/AF_INET6; with or without prefix) or a MAC (AF_LLC). */
int contiv__dp_addr_parse(const char *text, int family, bool prefix, struct nl_addr **ret);
/* Calls fn for each NTF_SELF FDB entry of ifindex (0: all devices); stops at fn's non-zero. */
int contiv__dp_fdb_foreach(struct nl_sock *sk, int ifindex,
			   int (*fn)(struct rtnl_neigh *n, void *userdata), void *userdata);

#endif
