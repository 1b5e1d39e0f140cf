/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_POLICY_H
#define CONTIV_POLICY_H

/**
 * SECTION:policy
 * Compiling Contiv's policies into a datapath-neutral program.
 *
 * A struct contiv_policy is fed the configuration objects a host needs
 * (networks, endpoint groups, policies, rules, netprofiles) and the
 * endpoints, then compiled into a decision table that contiv_dp_apply_policy()
 * loads into nftables. The compiler is pure (no I/O).
 *
 * Contiv's semantics: a policy attached to a group applies its rules to the
 * group's endpoints; "in" rules match traffic entering them (from a group,
 * network or address), "out" rules traffic leaving them (to a group,
 * network or address); a rule matches a protocol (tcp, udp, icmp, a number,
 * or any) and for tcp/udp a destination port (0 = any); priority 1..100,
 * higher wins; the action is allow or deny; traffic that no rule matches is
 * allowed. Only new connections are judged: replies to an allowed connection
 * always pass.
 *
 * The compiled program is a partition of the space (source network, source
 * group, source address, destination network, destination group,
 * destination address, protocol, port) into non-overlapping cells, each
 * with the verdict of the highest-priority rule covering it, so the datapath
 * decides with one lookup whatever the number of rules. The program also
 * carries the DSCP marks of the groups' netprofiles, SNAT of container
 * traffic leaving the host and DNAT port mappings.
 *
 * Lifetime: contiv_policy_new() returns a policy with one reference;
 * contiv_policy_ref()/contiv_policy_unref(). Objects added are referenced,
 * not copied; do not change them afterwards.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_object;
struct contiv_policy;

/**
 * contiv_policy_new:
 * @ctx: a context
 * @ret: where the empty policy is stored on success
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_policy_new(struct contiv_ctx *ctx, struct contiv_policy **ret);

/**
 * contiv_policy_ref:
 * @policy: a policy, or NULL
 *
 * Returns: @policy.
 *
 * Since: 1
 */
struct contiv_policy *contiv_policy_ref(struct contiv_policy *policy);

/**
 * contiv_policy_unref:
 * @policy: a policy, or NULL
 *
 * Returns: NULL.
 *
 * Since: 1
 */
struct contiv_policy *contiv_policy_unref(struct contiv_policy *policy);

/**
 * contiv_policy_add_object:
 * @policy: a policy, not yet compiled
 * @obj: a network, group, policy, rule, netprofile or endpoint (others are
 *   ignored); a network needs its allocated tag (see
 *   contiv_policy_set_network_tag()) and endpoints their addresses
 *
 * Returns: 0 on success; -EINVAL for an object that is not valid
 * (contiv_object_validate()) or already compiled policy; -EEXIST if an
 * object of that kind and key was already added; -ENOMEM.
 *
 * Since: 1
 */
int contiv_policy_add_object(struct contiv_policy *policy, struct contiv_object *obj);

/**
 * contiv_policy_set_network_tag:
 * @policy: a policy, not yet compiled
 * @network_key: "<tenant>:<network>"
 * @encap: enum contiv_dp_encap
 * @tag: the network's allocated VNI or VLAN id (names its bridge)
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_policy_set_network_tag(struct contiv_policy *policy, const char *network_key,
				  uint32_t encap, uint32_t tag);

/**
 * contiv_policy_add_port_mapping:
 * @policy: a policy, not yet compiled
 * @protocol: "tcp" or "udp"
 * @host_port: port on the host's addresses, 1..65535
 * @endpoint_ip: the container's IPv4 address
 * @container_port: port in the container, 1..65535
 *
 * Adds a DNAT port mapping (as docker run -p).
 *
 * Returns: 0 on success; -EEXIST if @host_port/@protocol is already mapped;
 * -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_policy_add_port_mapping(struct contiv_policy *policy, const char *protocol,
				   uint32_t host_port, const char *endpoint_ip,
				   uint32_t container_port);

/**
 * contiv_policy_compile:
 * @policy: a policy
 *
 * Resolves references (a rule's policy, groups and networks; a group's
 * policies and netprofile) and builds the decision table. References to
 * objects that were not added are errors.
 *
 * Returns: the number of cells in the decision table (>= 0); -EINVAL with
 * the context's message naming the dangling reference; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_policy_compile(struct contiv_policy *policy);

/**
 * contiv_policy_to_json:
 * @policy: a compiled policy
 * @ret: where the program as JSON is stored (free with contiv_free())
 *
 * The datapath-neutral program: group ids and members, cells with their
 * verdicts and rules, DSCP marks, SNAT subnets and port mappings.
 *
 * Returns: 0 on success; -EINVAL if not compiled; -ENOMEM.
 *
 * Since: 1
 */
int contiv_policy_to_json(const struct contiv_policy *policy, char **ret);

/**
 * contiv_policy_to_nft:
 * @policy: a compiled policy
 * @ret: where the text is stored (free with contiv_free())
 *
 * The same program as an nft(8) script ("table inet contiv { … }") that
 * `nft -f` loads; for people and for comparisons. contiv_dp_apply_policy()
 * does not use it: it builds the same objects with libnftnl.
 *
 * Returns: 0 on success; -EINVAL if not compiled; -ENOMEM.
 *
 * Since: 1
 */
int contiv_policy_to_nft(const struct contiv_policy *policy, char **ret);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_POLICY_H */
