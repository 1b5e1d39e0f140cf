/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the dp layer: netprofile shaping (qos.c), for the other parts.
 *
 * An endpoint with a limit has
 * - a root tbf (handle 1:) on its host-side veth "cvh<hash>": traffic to the
 *   container;
 * - an ingress qdisc on the veth with one u32 filter (prio 1, protocol all,
 *   matching everything) whose action is mirred egress redirect to the ifb
 *   "cvq<hash>" (up, IFLA_IFALIAS = the endpoint id), and a root tbf (1:)
 *   on that ifb: traffic from the container.
 * Without a limit none of these exist.
 */
#ifndef CONTIV_DP_QOS_H
#define CONTIV_DP_QOS_H

#include "dp-private.h"

/*
 * Calls fn("qos", <endpoint id>, <detail>, userdata) for each endpoint that
 * has shaping in the kernel: a "cvh*" device with a root tbf, or a "cvq*"
 * ifb. The id is the IFLA_IFALIAS of the host veth (links.c stores it there),
 * else the ifb's alias, else the device name. detail is a JSON object:
 * {"rate_bps":N,"burst_bytes":N,"ifb":"cvq…"|null,"dev":"cvh…"|null,
 *  "ingress_rate_bps":N} (rate and burst of the veth's tbf, or of the ifb's
 * when only the ifb is left; ingress_rate_bps: the ifb's tbf, 0 if none).
 * Returns the number of items, the non-zero value fn returned, or -errno.
 */
int contiv__dp_qos_read_state(struct contiv_dp *dp, contiv_dp_state_fn fn, void *userdata);

/*
 * Removes all shaping of endpoint id (tbf on the veth, ingress qdisc and our
 * filter, the ifb), whether or not its veth still exists; for
 * contiv_dp_endpoint_del(). Returns 0 (also if nothing was there) or -errno.
 */
int contiv__dp_qos_clear(struct contiv_dp *dp, const char *id);

#endif
