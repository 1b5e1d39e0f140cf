/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_OBJECT_H
#define CONTIV_OBJECT_H

/**
 * SECTION:object
 * Contiv's configuration objects: tenant, network, endpoint group, policy,
 * rule, netprofile, endpoint and global.
 *
 * One opaque type, struct contiv_object, carries every kind. Its fields are
 * attributes keyed by the per-kind enums below (CONTIV_NETWORK_SUBNET …), of
 * one of three types: string, unsigned 32-bit integer, or list of strings.
 * The JSON encoding uses Contiv's REST field names (contiv_object_attr_name()),
 * so Contiv's REST clients interoperate.
 *
 * Validation happens at two points: every setter checks the syntax and range
 * of the one value it is given and, on failure, leaves the object unchanged;
 * contiv_object_validate() checks what involves several fields (required
 * fields, gateway inside subnet, Contiv's rule field combinations). Failures
 * return -EINVAL and leave a message on the context naming object, field and
 * value.
 *
 * Lifetime: contiv_object_new() and contiv_object_from_json() return an object
 * with one reference; contiv_object_ref()/contiv_object_unref() manage it; the
 * object holds a reference on its context. Strings returned by getters belong
 * to the object and stay valid until that attribute is changed or the object
 * is freed.
 *
 * Attribute and kind enums are ABI: values are explicit and only appended.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_object;

/** enum contiv_object_kind - the kinds of object. */
enum contiv_object_kind {
	CONTIV_OBJECT_TENANT = 1,	/* collection "tenants", key <tenant> */
	CONTIV_OBJECT_NETWORK = 2,	/* "networks", <tenant>:<network> */
	CONTIV_OBJECT_GROUP = 3,	/* "endpointGroups", <tenant>:<group> */
	CONTIV_OBJECT_POLICY = 4,	/* "policys", <tenant>:<policy> */
	CONTIV_OBJECT_RULE = 5,		/* "rules", <tenant>:<policy>:<ruleId> */
	CONTIV_OBJECT_NETPROFILE = 6,	/* "netprofiles", <tenant>:<profile> */
	CONTIV_OBJECT_ENDPOINT = 7,	/* "endpoints", <endpointID> */
	CONTIV_OBJECT_GLOBAL = 8,	/* "globals", "global" */
	__CONTIV_OBJECT_MAX
};

/** enum contiv_attr_type - the type of an attribute's value. */
enum contiv_attr_type {
	CONTIV_ATTR_STR = 1,
	CONTIV_ATTR_U32 = 2,
	CONTIV_ATTR_LIST = 3,	/* list of strings */
};

/** Tenant attributes (JSON name in quotes). */
enum contiv_tenant_attr {
	CONTIV_TENANT_NAME = 0,			/* "tenantName", str, key */
	CONTIV_TENANT_DEFAULT_NETWORK = 1,	/* "defaultNetwork", str */
	__CONTIV_TENANT_MAX
};

/** Network attributes. */
enum contiv_network_attr {
	CONTIV_NETWORK_TENANT = 0,		/* "tenantName", str, key */
	CONTIV_NETWORK_NAME = 1,		/* "networkName", str, key */
	CONTIV_NETWORK_NW_TYPE = 2,		/* "nwType", str: data|infra, default data */
	CONTIV_NETWORK_ENCAP = 3,		/* "encap", str: vxlan|vlan, default vxlan */
	CONTIV_NETWORK_PKT_TAG = 4,		/* "pktTag", u32: 0 = allocate */
	CONTIV_NETWORK_SUBNET = 5,		/* "subnet", str: A.B.C.D[-E.F.G.H]/len */
	CONTIV_NETWORK_GATEWAY = 6,		/* "gateway", str: IPv4 */
	CONTIV_NETWORK_IPV6_SUBNET = 7,		/* "ipv6Subnet", str */
	CONTIV_NETWORK_IPV6_GATEWAY = 8,	/* "ipv6Gateway", str */
	CONTIV_NETWORK_CFGD_TAG = 9,		/* "cfgdTag", str */
	__CONTIV_NETWORK_MAX
};

/** Endpoint group attributes. */
enum contiv_group_attr {
	CONTIV_GROUP_TENANT = 0,		/* "tenantName", str, key */
	CONTIV_GROUP_NAME = 1,			/* "groupName", str, key */
	CONTIV_GROUP_NETWORK = 2,		/* "networkName", str, required */
	CONTIV_GROUP_POLICIES = 3,		/* "policies", list */
	CONTIV_GROUP_NETPROFILE = 4,		/* "netProfile", str */
	CONTIV_GROUP_IP_POOL = 5,		/* "ipPool", str: A.B.C.D[-E.F.G.H] */
	CONTIV_GROUP_CFGD_TAG = 6,		/* "cfgdTag", str */
	CONTIV_GROUP_EXT_CONTRACTS = 7,		/* "extContractsGrps", list */
	__CONTIV_GROUP_MAX
};

/** Policy attributes. */
enum contiv_policy_attr {
	CONTIV_POLICY_TENANT = 0,		/* "tenantName", str, key */
	CONTIV_POLICY_NAME = 1,			/* "policyName", str, key */
	__CONTIV_POLICY_MAX
};

/** Rule attributes. */
enum contiv_rule_attr {
	CONTIV_RULE_TENANT = 0,			/* "tenantName", str, key */
	CONTIV_RULE_POLICY = 1,			/* "policyName", str, key */
	CONTIV_RULE_ID = 2,			/* "ruleId", str, key */
	CONTIV_RULE_DIRECTION = 3,		/* "direction", str: in|out, required */
	CONTIV_RULE_PRIORITY = 4,		/* "priority", u32: 1..100, default 1 */
	CONTIV_RULE_PROTOCOL = 5,		/* "protocol", str: tcp|udp|icmp|0..255|"" */
	CONTIV_RULE_PORT = 6,			/* "port", u32: 0..65535 */
	CONTIV_RULE_FROM_GROUP = 7,		/* "fromEndpointGroup", str */
	CONTIV_RULE_TO_GROUP = 8,		/* "toEndpointGroup", str */
	CONTIV_RULE_FROM_NETWORK = 9,		/* "fromNetwork", str */
	CONTIV_RULE_TO_NETWORK = 10,		/* "toNetwork", str */
	CONTIV_RULE_FROM_IP = 11,		/* "fromIpAddress", str: A.B.C.D[/len] */
	CONTIV_RULE_TO_IP = 12,			/* "toIpAddress", str */
	CONTIV_RULE_ACTION = 13,		/* "action", str: allow|deny, required */
	__CONTIV_RULE_MAX
};

/** Netprofile attributes. */
enum contiv_netprofile_attr {
	CONTIV_NETPROFILE_TENANT = 0,		/* "tenantName", str, key */
	CONTIV_NETPROFILE_NAME = 1,		/* "profileName", str, key */
	CONTIV_NETPROFILE_BANDWIDTH = 2,	/* "bandwidth", str: e.g. "500Kbps" */
	CONTIV_NETPROFILE_DSCP = 3,		/* "DSCP", u32: 0..63 */
	CONTIV_NETPROFILE_BURST = 4,		/* "burst", u32: KB, 0 or 2..10486 */
	__CONTIV_NETPROFILE_MAX
};

/** Endpoint attributes (operational objects made by netmaster). */
enum contiv_endpoint_attr {
	CONTIV_ENDPOINT_ID = 0,			/* "endpointID", str, key */
	CONTIV_ENDPOINT_TENANT = 1,		/* "tenantName", str */
	CONTIV_ENDPOINT_NETWORK = 2,		/* "networkName", str */
	CONTIV_ENDPOINT_GROUP = 3,		/* "groupName", str */
	CONTIV_ENDPOINT_CONTAINER_ID = 4,	/* "containerID", str */
	CONTIV_ENDPOINT_CONTAINER_NAME = 5,	/* "containerName", str */
	CONTIV_ENDPOINT_HOST = 6,		/* "homingHost", str */
	CONTIV_ENDPOINT_IPV4_ADDRESS = 7,	/* "ipAddress", str: IPv4 */
	CONTIV_ENDPOINT_IPV6_ADDRESS = 8,	/* "ipv6Address", str: IPv6 */
	CONTIV_ENDPOINT_MAC_ADDRESS = 9,	/* "macAddress", str: xx:xx:xx:xx:xx:xx */
	CONTIV_ENDPOINT_INTF_NAME = 10,		/* "intfName", str: interface name */
	CONTIV_ENDPOINT_VTEP_IP = 11,		/* "vtepIP", str: IPv4 */
	__CONTIV_ENDPOINT_MAX
};

/** Global attributes. */
enum contiv_global_attr {
	CONTIV_GLOBAL_NAME = 0,			/* "name", str: always "global" */
	CONTIV_GLOBAL_INFRA_TYPE = 1,		/* "networkInfraType", str: default|aci|aci-opflex */
	CONTIV_GLOBAL_VLANS = 2,		/* "vlans", str: "1-4094" */
	CONTIV_GLOBAL_VXLANS = 3,		/* "vxlans", str: "1-10000" */
	CONTIV_GLOBAL_FWD_MODE = 4,		/* "fwdMode", str: bridge|routing */
	CONTIV_GLOBAL_ARP_MODE = 5,		/* "arpMode", str: proxy|flood */
	CONTIV_GLOBAL_PVT_SUBNET = 6,		/* "pvtSubnet", str: A.B.C.D/16 */
	__CONTIV_GLOBAL_MAX
};

/** Flags of contiv_object_to_json(). */
enum contiv_json_flags {
	CONTIV_JSON_PRETTY = 1u << 0,	/* indented with two spaces, as netctl -j */
};

/**
 * contiv_object_new:
 * @ctx: a context
 * @kind: an enum contiv_object_kind value
 * @ret: where the new object is stored on success
 *
 * Creates an object of @kind with one reference, every attribute unset except
 * those with a model default (network nwType "data" and encap "vxlan"; rule
 * priority 1; global name "global", infra "default", vlans "1-4094", vxlans
 * "1-10000", fwdMode "bridge", arpMode "proxy", pvtSubnet "172.19.0.0/16").
 *
 * Returns: 0 on success; -EINVAL for an unknown @kind or NULL argument;
 * -ENOMEM; -ECHILD after fork().
 *
 * Since: 1
 */
int contiv_object_new(struct contiv_ctx *ctx, uint32_t kind, struct contiv_object **ret);

/**
 * contiv_object_ref:
 * @obj: an object, or NULL
 *
 * Returns: @obj, with one more reference.
 *
 * Since: 1
 */
struct contiv_object *contiv_object_ref(struct contiv_object *obj);

/**
 * contiv_object_unref:
 * @obj: an object, or NULL
 *
 * Drops a reference and frees the object with the last one.
 *
 * Returns: NULL.
 *
 * Since: 1
 */
struct contiv_object *contiv_object_unref(struct contiv_object *obj);

/**
 * contiv_object_dup:
 * @obj: an object
 * @ret: where the copy is stored on success
 *
 * Makes an independent deep copy of @obj (same context, one reference).
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_object_dup(const struct contiv_object *obj, struct contiv_object **ret);

/**
 * contiv_object_equal:
 * @a: an object
 * @b: an object
 *
 * Returns: true if @a and @b are of one kind and have the same attributes set
 * to the same values (lists compared in order); false otherwise or if either
 * is NULL.
 *
 * Since: 1
 */
bool contiv_object_equal(const struct contiv_object *a, const struct contiv_object *b);

/**
 * contiv_object_get_kind:
 * @obj: an object
 *
 * Returns: the enum contiv_object_kind of @obj, 0 if @obj is NULL.
 *
 * Since: 1
 */
uint32_t contiv_object_get_kind(const struct contiv_object *obj);

/**
 * contiv_object_kind_name:
 * @kind: an enum contiv_object_kind value
 *
 * Returns: the kind's name as used in messages and by netctl ("tenant",
 * "network", "group", "policy", "rule", "netprofile", "endpoint", "global"),
 * a static string; NULL for an unknown kind.
 *
 * Since: 1
 */
const char *contiv_object_kind_name(uint32_t kind);

/**
 * contiv_object_kind_collection:
 * @kind: an enum contiv_object_kind value
 *
 * Returns: the kind's REST collection as Contiv names it ("tenants",
 * "networks", "endpointGroups", "policys", "rules", "netprofiles",
 * "endpoints", "globals"), a static string; NULL for an unknown kind.
 *
 * Since: 1
 */
const char *contiv_object_kind_collection(uint32_t kind);

/**
 * contiv_object_kind_from_name:
 * @name: a kind name or collection name (see above)
 *
 * Returns: the kind, or 0 if @name is NULL or names no kind.
 *
 * Since: 1
 */
uint32_t contiv_object_kind_from_name(const char *name);

/**
 * contiv_object_attr_count:
 * @kind: an enum contiv_object_kind value
 *
 * Returns: the number of attributes of @kind (its __CONTIV_<KIND>_MAX), 0 for
 * an unknown kind.
 *
 * Since: 1
 */
uint32_t contiv_object_attr_count(uint32_t kind);

/**
 * contiv_object_attr_name:
 * @kind: an enum contiv_object_kind value
 * @attr: an attribute of @kind
 *
 * Returns: the attribute's JSON field name (e.g. "networkName"), a static
 * string; NULL if @kind or @attr is unknown.
 *
 * Since: 1
 */
const char *contiv_object_attr_name(uint32_t kind, uint32_t attr);

/**
 * contiv_object_attr_type:
 * @kind: an enum contiv_object_kind value
 * @attr: an attribute of @kind
 *
 * Returns: the enum contiv_attr_type of the attribute, 0 if unknown.
 *
 * Since: 1
 */
uint32_t contiv_object_attr_type(uint32_t kind, uint32_t attr);

/**
 * contiv_object_attr_from_name:
 * @kind: an enum contiv_object_kind value
 * @name: a JSON field name
 *
 * Returns: the attribute called @name in @kind (>= 0), or -ENOENT if there is
 * none, -EINVAL for an unknown kind or NULL @name.
 *
 * Since: 1
 */
int contiv_object_attr_from_name(uint32_t kind, const char *name);

/**
 * contiv_object_set_str:
 * @obj: an object
 * @attr: a string attribute of the object's kind
 * @value: the value, a NUL-terminated UTF-8 string
 *
 * Checks @value against the attribute's rule (name syntax and length, subnet
 * syntax, enumerations …) and stores a copy. On failure the object is
 * unchanged and the context's message names field and value.
 *
 * Returns: 0 on success; -EINVAL for an invalid value or an attribute that is
 * not a string; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_set_str(struct contiv_object *obj, uint32_t attr, const char *value);

/**
 * contiv_object_set_u32:
 * @obj: an object
 * @attr: an integer attribute of the object's kind
 * @value: the value
 *
 * Checks @value against the attribute's range (priority 1..100, port
 * 0..65535, DSCP 0..63, burst 0 or 2..10486, pktTag 0..16777215) and stores
 * it. On failure the object is unchanged.
 *
 * Returns: 0 on success; -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_set_u32(struct contiv_object *obj, uint32_t attr, uint32_t value);

/**
 * contiv_object_set_from_string:
 * @obj: an object
 * @attr: any attribute of the object's kind
 * @text: the value as text: a string as is, an integer in decimal, a list as
 *   comma-separated items ("" = empty list)
 *
 * Sets any attribute from its text form, as a command line gives it. Integer
 * text must be decimal digits only, without sign or trailing characters.
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_set_from_string(struct contiv_object *obj, uint32_t attr, const char *text);

/**
 * contiv_object_get_str:
 * @obj: an object
 * @attr: a string attribute of the object's kind
 *
 * Returns: the value, owned by @obj; NULL with errno ENOENT if unset, with
 * errno EINVAL if @attr is not a string attribute.
 *
 * Since: 1
 */
const char *contiv_object_get_str(const struct contiv_object *obj, uint32_t attr);

/**
 * contiv_object_get_u32:
 * @obj: an object
 * @attr: an integer attribute of the object's kind
 *
 * Returns: the value; 0 if unset or if @attr is not an integer attribute
 * (use contiv_object_is_set() to tell them apart).
 *
 * Since: 1
 */
uint32_t contiv_object_get_u32(const struct contiv_object *obj, uint32_t attr);

/**
 * contiv_object_is_set:
 * @obj: an object
 * @attr: an attribute of the object's kind
 *
 * Returns: true if @attr has a value (for lists: has been set, even empty).
 *
 * Since: 1
 */
bool contiv_object_is_set(const struct contiv_object *obj, uint32_t attr);

/**
 * contiv_object_unset:
 * @obj: an object
 * @attr: an attribute of the object's kind
 *
 * Removes the attribute's value (a list loses all its items).
 *
 * Returns: 0 on success (also if it was not set); -EINVAL for an unknown
 * attribute; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_unset(struct contiv_object *obj, uint32_t attr);

/**
 * contiv_object_list_add:
 * @obj: an object
 * @attr: a list attribute of the object's kind
 * @value: the item to append; checked like a name
 *
 * Appends @value unless the list already holds it.
 *
 * Returns: 0 if appended, 1 if already present; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_list_add(struct contiv_object *obj, uint32_t attr, const char *value);

/**
 * contiv_object_list_del:
 * @obj: an object
 * @attr: a list attribute of the object's kind
 * @value: the item to remove
 *
 * Returns: 0 if removed; -ENOENT if not in the list; -EINVAL; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_list_del(struct contiv_object *obj, uint32_t attr, const char *value);

/**
 * contiv_object_list_count:
 * @obj: an object
 * @attr: a list attribute of the object's kind
 *
 * Returns: the number of items, 0 if unset or not a list attribute.
 *
 * Since: 1
 */
size_t contiv_object_list_count(const struct contiv_object *obj, uint32_t attr);

/**
 * contiv_object_list_get:
 * @obj: an object
 * @attr: a list attribute of the object's kind
 * @index: position, 0-based
 *
 * Returns: the item at @index, owned by @obj; NULL with errno ERANGE if
 * @index is past the end, EINVAL if @attr is not a list attribute.
 *
 * Since: 1
 */
const char *contiv_object_list_get(const struct contiv_object *obj, uint32_t attr, size_t index);

/**
 * contiv_object_get_key:
 * @obj: an object
 *
 * The object's store and REST key, built from its name attributes as Contiv
 * does: "<tenant>" for a tenant, "<tenant>:<name>" for network, group, policy
 * and netprofile, "<tenant>:<policy>:<ruleId>" for a rule, the endpoint id for
 * an endpoint, "global" for the global object.
 *
 * Returns: the key, owned by @obj and valid until a name attribute changes;
 * NULL with errno ENOENT if a name attribute is unset.
 *
 * Since: 1
 */
const char *contiv_object_get_key(const struct contiv_object *obj);

/**
 * contiv_object_validate:
 * @obj: an object
 *
 * Checks the object as a whole: required attributes present, and the rules
 * that involve several attributes (gateway inside subnet, range inside
 * subnet, IPv6 gateway inside IPv6 subnet, rule field combinations of
 * direction in/out, port only with tcp/udp, global ranges). It does not look
 * at other objects (that is netmaster's job).
 *
 * Returns: 0 if valid; -EINVAL with the context's message naming the first
 * problem; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_validate(const struct contiv_object *obj);

/**
 * contiv_object_to_json:
 * @obj: an object
 * @flags: enum contiv_json_flags
 * @ret: where the JSON text is stored on success; free it with contiv_free()
 *
 * Encodes the object as a JSON object with Contiv's field names; unset
 * attributes are omitted. Round-trips through contiv_object_from_json().
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_object_to_json(const struct contiv_object *obj, uint32_t flags, char **ret);

/**
 * contiv_object_from_json:
 * @ctx: a context
 * @kind: the expected enum contiv_object_kind
 * @json: JSON text of one object
 * @ret: where the new object is stored on success
 *
 * Decodes an object, applying every setter's checks (not
 * contiv_object_validate()). Contiv's bookkeeping fields "key", "link-sets"
 * and "links" are accepted and ignored; any other unknown field is an error,
 * as is a value of the wrong JSON type. Integers may be given as JSON numbers
 * only. A field whose value is JSON null is treated as unset.
 *
 * Returns: 0 on success; -CONTIV_ERR_JSON for text that is not a JSON object
 * or a value of the wrong type; -EINVAL for an unknown field or invalid
 * value; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_object_from_json(struct contiv_ctx *ctx, uint32_t kind, const char *json,
			    struct contiv_object **ret);

/**
 * contiv_bandwidth_parse:
 * @ctx: a context, for the error message
 * @text: a Contiv bandwidth string: digits (no leading zero, > 0), an
 *   optional single space, and a unit among k/m/g (any case) followed by
 *   nothing, "b" or "bps" ("500Kbps", "10 Gbps", "4g", "5Gb")
 * @ret_bits_per_sec: where the rate is stored on success, in bit/s with
 *   decimal units (500Kbps = 500000)
 *
 * Returns: 0 on success; -EINVAL for text Contiv rejects ("0 Gbps", "Gbps",
 * " 10 Gbps", "10 ms") or a rate above 2^64-1; -ECHILD.
 *
 * Since: 1
 */
int contiv_bandwidth_parse(struct contiv_ctx *ctx, const char *text, uint64_t *ret_bits_per_sec);

/**
 * contiv_bandwidth_format:
 * @bits_per_sec: a rate in bit/s
 * @buf: where the text is written
 * @len: size of @buf
 *
 * Renders a rate the way netctl lists it: the largest of Gbps, Mbps, Kbps
 * that divides it exactly, e.g. 500000 -> "500Kbps", 1500000 -> "1500Kbps";
 * rates not a multiple of 1000 as "<n>bps".
 *
 * Returns: 0 on success; -EINVAL if @buf is NULL; -ERANGE if @len is too small.
 *
 * Since: 1
 */
int contiv_bandwidth_format(uint64_t bits_per_sec, char *buf, size_t len);

#if defined(__GNUC__) && !defined(__STRICT_ANSI__)
static inline void contiv_object_unrefp(struct contiv_object **p) { contiv_object_unref(*p); }
#endif

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_OBJECT_H */
