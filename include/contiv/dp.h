/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_DP_H
#define CONTIV_DP_H

/**
 * SECTION:dp
 * The Linux datapath of one host.
 *
 * struct contiv_dp programs the network namespace it is created in (the
 * host's) through netlink (libnl-route-3) and nftables (libnftnl + libmnl);
 * it never runs ip, tc, nft or iptables. Every call is idempotent: it makes
 * the kernel match what is asked and changes only what differs, so a
 * restarted agent re-applies its whole desired state without disturbing
 * traffic, and never flushes.
 *
 * Layout on a host, for a network whose tag (VXLAN VNI or VLAN id) is T:
 * - a Linux bridge "cvbx<T>" (VXLAN) or "cvbv<T>" (VLAN), one L2 domain per
 *   network, so tenants with identical subnets stay apart;
 * - VXLAN: a vxlan device "cvx<T>" on the bridge (VNI T, local VTEP address,
 *   no learning, ARP/ND proxy), with a static FDB entry and a neighbour entry
 *   per remote endpoint (Contiv's "proxy" ARP mode; the "flood" mode adds an
 *   all-zero FDB entry per remote VTEP instead of relying on the proxy);
 * - VLAN: an 802.1Q device "<uplink>.<T>" on the bridge;
 * - per local endpoint: a veth pair, the host side "cvh<8 hex>" on the
 *   bridge, the other side moved into the container's network namespace and
 *   renamed (eth0 …), with MAC, addresses, gateway route and MTU set inside;
 * - one nftables table "inet contiv" owned by libcontiv: endpoint-group
 *   policy, DSCP marking, SNAT of container traffic leaving the host and DNAT
 *   port mappings, replaced in one transaction per change;
 * - netprofile shaping with tc on the host-side veth (traffic to the
 *   container) and on an ifb device "cvq<8 hex>" (traffic from it).
 * The MTU of VXLAN networks is the uplink's MTU minus 50.
 *
 * Lifetime: contiv_dp_new() returns a handle with one reference;
 * contiv_dp_ref()/contiv_dp_unref(). One thread at a time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_object;
struct contiv_dp;
struct contiv_policy;

/** enum contiv_dp_encap - how a network's frames cross the underlay. */
enum contiv_dp_encap {
	CONTIV_DP_VXLAN = 1,
	CONTIV_DP_VLAN = 2,
};

/** enum contiv_dp_arp_mode - how ARP/ND reaches remote endpoints (VXLAN). */
enum contiv_dp_arp_mode {
	CONTIV_DP_ARP_PROXY = 1,	/* answered locally from neighbour entries */
	CONTIV_DP_ARP_FLOOD = 2,	/* flooded to every remote VTEP */
};

/**
 * struct contiv_dp_opts - options of contiv_dp_new()
 * @sz: sizeof(struct contiv_dp_opts); set by CONTIV_OPTS()
 * @vxlan_port: UDP port of VXLAN; 0 = 4789
 * @arp_mode: enum contiv_dp_arp_mode; 0 = proxy
 * @vtep_ip: this host's VTEP address (IPv4), source of VXLAN packets
 * @vxlan_dev: underlay device of VXLAN packets, or NULL to let routing choose
 * @vlan_uplink: the device that carries VLAN networks (802.1Q), or NULL
 */
struct contiv_dp_opts {
	size_t sz;
	uint32_t vxlan_port;
	uint32_t arp_mode;
	const char *vtep_ip;
	const char *vxlan_dev;
	const char *vlan_uplink;
};
#define contiv_dp_opts__last_field vlan_uplink

/**
 * contiv_dp_new:
 * @ctx: a context
 * @opts: options, or NULL
 * @ret: where the handle is stored on success
 *
 * Opens the netlink and nftables sockets of the current network namespace.
 *
 * Returns: 0 on success; -EINVAL for bad options (the message names them);
 * -EPERM without CAP_NET_ADMIN; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_new(struct contiv_ctx *ctx, const struct contiv_dp_opts *opts, struct contiv_dp **ret);

/**
 * contiv_dp_ref:
 * @dp: a handle, or NULL
 *
 * Returns: @dp.
 *
 * Since: 1
 */
struct contiv_dp *contiv_dp_ref(struct contiv_dp *dp);

/**
 * contiv_dp_unref:
 * @dp: a handle, or NULL
 *
 * Returns: NULL. The kernel state it programmed stays.
 *
 * Since: 1
 */
struct contiv_dp *contiv_dp_unref(struct contiv_dp *dp);

/**
 * contiv_dp_network_add:
 * @dp: a handle
 * @encap: enum contiv_dp_encap
 * @tag: VNI (1..16777215) or VLAN id (1..4094)
 * @gateway_cidr: the network's gateway with prefix ("10.1.2.254/24") to put
 *   on the bridge (routing, SNAT and DNAT to the containers need it), or NULL
 *
 * Creates (or repairs) the network's bridge and its VXLAN or VLAN device.
 *
 * Returns: 0 on success; -EOPNOTSUPP if the kernel lacks the device type
 * (the message says which, e.g. 8021q); -EINVAL; -EPERM; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_network_add(struct contiv_dp *dp, uint32_t encap, uint32_t tag,
			  const char *gateway_cidr);

/**
 * contiv_dp_network_del:
 * @dp: a handle
 * @encap: enum contiv_dp_encap
 * @tag: the network's tag
 *
 * Removes the network's bridge and devices (endpoints should be gone first).
 *
 * Returns: 0 on success (also if absent); -EBUSY if local endpoints remain;
 * -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_network_del(struct contiv_dp *dp, uint32_t encap, uint32_t tag);

/**
 * contiv_dp_remote_add:
 * @dp: a handle
 * @tag: a VXLAN network's VNI
 * @mac: the remote endpoint's MAC
 * @ip: its IPv4 or IPv6 address (for the ARP/ND proxy), or NULL
 * @vtep_ip: the VTEP of the host it lives on
 *
 * Points the network at a remote endpoint: FDB entry @mac -> @vtep_ip and a
 * permanent neighbour entry @ip -> @mac on the vxlan device.
 *
 * Returns: 0 on success; -ENOENT if the network is not on this host;
 * -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_remote_add(struct contiv_dp *dp, uint32_t tag, const char *mac, const char *ip,
			 const char *vtep_ip);

/**
 * contiv_dp_remote_del:
 * @dp: a handle
 * @tag: a VXLAN network's VNI
 * @mac: the remote endpoint's MAC
 * @ip: its address, or NULL
 *
 * Returns: 0 on success (also if absent); -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_remote_del(struct contiv_dp *dp, uint32_t tag, const char *mac, const char *ip);

/**
 * struct contiv_dp_endpoint_opts - what contiv_dp_endpoint_add() sets up
 * @sz: sizeof(struct contiv_dp_endpoint_opts); set by CONTIV_OPTS()
 * @encap: enum contiv_dp_encap of the network
 * @tag: the network's tag
 * @mtu: MTU inside the container; 0 = derived from the uplink
 * @id: endpoint id (names the host-side devices), required
 * @netns_path: the container's network namespace ("/proc/<pid>/ns/net",
 *   "/run/netns/<name>"), required
 * @ifname: interface name inside the container; NULL = "eth0"
 * @mac: MAC address, required
 * @ipv4_cidr: "10.1.2.3/24", or NULL
 * @gateway4: default IPv4 route via, or NULL
 * @ipv6_cidr: "2001:db8::3/64", or NULL
 * @gateway6: default IPv6 route via, or NULL
 */
struct contiv_dp_endpoint_opts {
	size_t sz;
	uint32_t encap;
	uint32_t tag;
	uint32_t mtu;
	uint32_t reserved;
	const char *id;
	const char *netns_path;
	const char *ifname;
	const char *mac;
	const char *ipv4_cidr;
	const char *gateway4;
	const char *ipv6_cidr;
	const char *gateway6;
};
#define contiv_dp_endpoint_opts__last_field gateway6

/**
 * contiv_dp_endpoint_add:
 * @dp: a handle
 * @opts: the endpoint
 * @ret_host_ifname: where the host-side interface name is written, or NULL
 * @len: size of @ret_host_ifname (16 suffices)
 *
 * Plugs a container into a network: veth pair, container side moved into
 * @netns_path and configured, host side on the network's bridge and up.
 * Nothing is left behind on failure.
 *
 * Returns: 0 on success; -ENOENT if the namespace or the network does not
 * exist; -EEXIST if @ifname is taken inside the container by another
 * interface; -EINVAL; -EPERM; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_endpoint_add(struct contiv_dp *dp, const struct contiv_dp_endpoint_opts *opts,
			   char *ret_host_ifname, size_t len);

/**
 * contiv_dp_endpoint_del:
 * @dp: a handle
 * @id: the endpoint id given at add
 *
 * Removes the endpoint's veth pair (both ends), its shaping and its ifb.
 *
 * Returns: 0 on success (also if absent); -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_endpoint_del(struct contiv_dp *dp, const char *id);

/**
 * contiv_dp_endpoint_set_qos:
 * @dp: a handle
 * @id: a local endpoint id
 * @bits_per_sec: rate limit in both directions; 0 = no limit
 * @burst_bytes: burst allowance; 0 = a default suited to the rate
 *
 * Sets, changes or (with 0) removes the endpoint's bandwidth limit.
 *
 * Returns: 0 on success; -ENOENT if no such local endpoint;
 * -EOPNOTSUPP if the kernel lacks tbf, ifb or mirred; -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_endpoint_set_qos(struct contiv_dp *dp, const char *id, uint64_t bits_per_sec,
			       uint32_t burst_bytes);

/**
 * contiv_dp_apply_policy:
 * @dp: a handle
 * @policy: the compiled policy, DSCP marks and NAT of this host
 *
 * Makes the "inet contiv" table hold @policy in one nftables transaction:
 * either all of it is in effect afterwards or, on failure, the previous
 * contents still are. The handle remembers what it applied; the next call
 * sends only the differences (rule chains and map elements; counters of
 * unchanged rules keep counting). The whole table is replaced (counters
 * reset) on a handle's first apply, when the table's structure changes,
 * when someone else replaced the table, or when the kernel refuses the
 * update (then within the same call).
 *
 * Returns: 0 on success; -EOPNOTSUPP if the kernel lacks a needed nftables
 * feature; -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_apply_policy(struct contiv_dp *dp, const struct contiv_policy *policy);

/**
 * contiv_dp_rule_counter_fn:
 * @rule_key: the rule's key ("<tenant>:<policy>:<ruleId>")
 * @group_key: the group it applies to ("<tenant>:<group>")
 * @packets: packets matched since the rule was applied
 * @bytes: bytes matched
 * @userdata: as given
 *
 * Returns: 0 to go on, any other value to stop.
 */
typedef int (*contiv_dp_rule_counter_fn)(const char *rule_key, const char *group_key,
					 uint64_t packets, uint64_t bytes, void *userdata);

/**
 * contiv_dp_read_counters:
 * @dp: a handle
 * @fn: called for each rule counter in the kernel
 * @userdata: passed to @fn
 *
 * Returns: the number of counters read; the value @fn returned if it
 * stopped; -ENOENT if no policy is applied; -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_read_counters(struct contiv_dp *dp, contiv_dp_rule_counter_fn fn, void *userdata);

/**
 * contiv_dp_state_fn:
 * @what: "network", "endpoint", "remote" or "qos"
 * @key: "<encap>:<tag>" for a network, the endpoint id, "<tag>:<mac>" for
 *   a remote, the endpoint id for qos
 * @detail: a JSON object with what the kernel has (devices, addresses,
 *   rates …)
 * @userdata: as given
 *
 * Returns: 0 to go on, any other value to stop.
 */
typedef int (*contiv_dp_state_fn)(const char *what, const char *key, const char *detail,
				  void *userdata);

/**
 * contiv_dp_read_state:
 * @dp: a handle
 * @fn: called for each network, local endpoint, remote entry and shaping
 *   found in the kernel (devices and entries libcontiv created)
 * @userdata: passed to @fn
 *
 * Reads back what is programmed, so an agent can compare it with what it
 * wants and remove what should no longer be there (e.g. endpoints deleted
 * while it was down).
 *
 * Returns: the number of items; the value @fn returned if it stopped;
 * -ECHILD.
 *
 * Since: 1
 */
int contiv_dp_read_state(struct contiv_dp *dp, contiv_dp_state_fn fn, void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_DP_H */
