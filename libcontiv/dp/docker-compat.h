/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside libcontiv: coexistence with Docker's iptables chains (docker-compat.c). */
#ifndef CONTIV_DP_DOCKER_COMPAT_H
#define CONTIV_DP_DOCKER_COMPAT_H

#include <stdbool.h>

struct contiv_dp;

/* The comment (iptables -m comment) that tags our rules in DOCKER-USER. */
#define CONTIV_DP_DOCKER_COMMENT "contiv-netplugin"

/* How often contiv__dp_docker_compat(dp, false) looks at the kernel. */
#define CONTIV_DP_DOCKER_INTERVAL_MS 1000

/*
 * When Docker's chain DOCKER-USER exists in table ip filter (or ip6
 * filter) of the calling thread's network namespace, makes sure it holds
 * our two accept rules for the bridges cvb* (-i cvb+, -o cvb+; inserted at
 * the head, tagged with CONTIV_DP_DOCKER_COMMENT), and no other rule with
 * our tag. Other rules and tables are never touched. Cheap when nothing is
 * to do (two netlink round trips per family); unless force, it looks at
 * most once per CONTIV_DP_DOCKER_INTERVAL_MS (the agent calls it on every
 * sync, forced after a reconciliation: start, network add, attach).
 * Errors are logged once (not again until the error changes). Returns the
 * number of rules added or removed (0: nothing to do, no Docker chain, or
 * not looked), or a negative errno with the context's error text set.
 */
int contiv__dp_docker_compat(struct contiv_dp *dp, bool force);

/* Closes the socket contiv__dp_docker_compat() keeps open (dp's end). */
void contiv__dp_docker_compat_close(struct contiv_dp *dp);

#endif
