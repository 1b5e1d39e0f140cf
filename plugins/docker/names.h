/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure helpers of contiv-docker-plugin: Contiv names <-> Docker network
 * names and IPAM pool ids, subnets. No I/O.
 */
#ifndef CONTIV_DOCKER_NAMES_H
#define CONTIV_DOCKER_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define DN_NAME_MAX 128

/* Where a Docker network lands in Contiv: group is "" for a whole network. */
struct dn_target {
	char tenant[DN_NAME_MAX];
	char network[DN_NAME_MAX];
	char group[DN_NAME_MAX];
};

/* A Contiv object name (DNS-label style, dots allowed, 1..63 bytes here). */
bool dn_name_ok(const char *s);

/*
 * Fills t from tenant (NULL/"" = "default"), network, group (NULL/"" =
 * none). Returns 0, or -EINVAL with "field \"value\": why" in err.
 */
int dn_target_set(struct dn_target *t, const char *tenant, const char *network, const char *group,
		  char *err, size_t errlen);

/*
 * Contiv's Docker network name: "<group or network>" in tenant default,
 * else "<group or network>/<tenant>" (contiv-net, contiv-net/blue,
 * epgA/TestTenant).
 */
void dn_docker_name(const struct dn_target *t, char *buf, size_t len);

/* The IPAM pool id: "contiv:<tenant>/<network>[/<group>]" (stateless). */
void dn_pool_id(const struct dn_target *t, char *buf, size_t len);

/* Parses a pool id made by dn_pool_id(). Returns 0 or -EINVAL (message in err). */
int dn_pool_id_parse(const char *id, struct dn_target *t, char *err, size_t errlen);

/* netmaster's /plugin/allocAddress NetworkID: "<net>.<tenant>" or "<net>:<group>.<tenant>". */
void dn_master_network_id(const struct dn_target *t, char *buf, size_t len);

/*
 * A Contiv subnet ("10.1.2.0/24", or a range "10.1.2.5-10.1.2.9/24") as the
 * CIDR Docker wants ("10.1.2.0/24"); *ret_len gets the prefix length.
 * Returns 0 or -EINVAL.
 */
int dn_subnet_cidr(const char *subnet, char *buf, size_t len, unsigned *ret_len);

/* "a.b.c.d" or "a.b.c.d/len" -> "a.b.c.d" (0), -EINVAL if not IPv4. */
int dn_bare_ipv4(const char *s, char *buf, size_t len);

/* A Docker endpoint id: 12..64 lowercase hex digits (Docker's are 64). */
bool dn_endpoint_id_ok(const char *id);

#endif
