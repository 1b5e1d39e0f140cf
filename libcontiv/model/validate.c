/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * contiv_object_validate(): required attributes (from the tables) and the
 * rules that involve several attributes of one object.
 */
#include "config.h"

#include <stdio.h>

#include "model/model.h"

#define NO_ATTR UINT32_MAX

static int network_gateway(const struct contiv_object *obj)
{
	const char *subnet = contiv__object_str(obj, CONTIV_NETWORK_SUBNET);
	const char *gw = contiv__object_str(obj, CONTIV_NETWORK_GATEWAY);
	char reason[CONTIV_QUOTE_MAX + 64], q[CONTIV_QUOTE_MAX];
	struct contiv__subnet4 s;
	const char *why = NULL;
	uint32_t addr, bcast;

	if (!gw)
		return 0;
	if (contiv__parse_subnet4(subnet, &s, &why) < 0 || contiv__parse_ipv4(gw, &addr) < 0)
		return contiv__object_error_str(obj, -EINVAL, CONTIV_NETWORK_SUBNET, subnet,
						why ? why : "invalid");
	bcast = s.network | ~contiv__mask4(s.len);
	if ((addr & contiv__mask4(s.len)) != s.network) {
		snprintf(reason, sizeof(reason), "not inside subnet \"%s\"",
			 contiv__quote(q, subnet));
		why = reason;
	} else if (addr == s.network) {
		why = "is the subnet's network address";
	} else if (addr == bcast) {
		why = "is the subnet's broadcast address";
	} else if (s.has_range && (addr < s.first || addr > s.last)) {
		snprintf(reason, sizeof(reason), "not inside the range of subnet \"%s\"",
			 contiv__quote(q, subnet));
		why = reason;
	}
	return why ? contiv__object_error_str(obj, -EINVAL, CONTIV_NETWORK_GATEWAY, gw, why) : 0;
}

static int network_ipv6(const struct contiv_object *obj)
{
	const char *subnet = contiv__object_str(obj, CONTIV_NETWORK_IPV6_SUBNET);
	const char *gw = contiv__object_str(obj, CONTIV_NETWORK_IPV6_GATEWAY);
	char reason[CONTIV_QUOTE_MAX + 64], q[CONTIV_QUOTE_MAX];
	uint8_t prefix[16], addr[16], len;
	const char *why = NULL;

	if (!gw)
		return 0;
	if (!subnet)
		return contiv__object_error_str(obj, -EINVAL, CONTIV_NETWORK_IPV6_GATEWAY, gw,
						"requires ipv6Subnet");
	if (contiv__parse_subnet6(subnet, prefix, &len, &why) < 0 ||
	    contiv__parse_ipv6(gw, addr) < 0)
		return contiv__object_error_str(obj, -EINVAL, CONTIV_NETWORK_IPV6_SUBNET, subnet,
						why ? why : "invalid");
	if (contiv__ipv6_in_prefix(addr, prefix, len))
		return 0;
	snprintf(reason, sizeof(reason), "not inside ipv6Subnet \"%s\"", contiv__quote(q, subnet));
	return contiv__object_error_str(obj, -EINVAL, CONTIV_NETWORK_IPV6_GATEWAY, gw, reason);
}

int contiv__validate_network(const struct contiv_object *obj)
{
	const char *encap = contiv__object_str(obj, CONTIV_NETWORK_ENCAP);
	uint32_t tag = contiv_object_get_u32(obj, CONTIV_NETWORK_PKT_TAG);
	int r;

	/* vxlan tags are limited by the setter (0..16777215). */
	if (encap && !strcmp(encap, "vlan") && tag > 4094)
		return contiv__object_error_u32(obj, -EINVAL, CONTIV_NETWORK_PKT_TAG, tag,
						"must be 0..4094 with encap \"vlan\"");
	r = network_gateway(obj);
	if (r < 0)
		return r;
	return network_ipv6(obj);
}

/*
 * Contiv's RuleCreate and netctl rule-add: which fields a direction forbids,
 * alone (with == NO_ATTR) or together with another field.
 */
static const struct {
	const char *direction;
	uint32_t attr;
	uint32_t with;
} rule_forbidden[] = {
	{ "in", CONTIV_RULE_TO_GROUP, NO_ATTR },
	{ "in", CONTIV_RULE_TO_NETWORK, NO_ATTR },
	{ "in", CONTIV_RULE_FROM_NETWORK, CONTIV_RULE_FROM_GROUP },
	{ "in", CONTIV_RULE_FROM_NETWORK, CONTIV_RULE_FROM_IP },
	{ "out", CONTIV_RULE_FROM_GROUP, NO_ATTR },
	{ "out", CONTIV_RULE_FROM_NETWORK, NO_ATTR },
	{ "out", CONTIV_RULE_FROM_IP, NO_ATTR },
	{ "out", CONTIV_RULE_TO_NETWORK, CONTIV_RULE_TO_GROUP },
	{ "out", CONTIV_RULE_TO_NETWORK, CONTIV_RULE_TO_IP },
};

int contiv__validate_rule(const struct contiv_object *obj)
{
	const char *dir = contiv__object_str(obj, CONTIV_RULE_DIRECTION);
	const char *proto = contiv__object_str(obj, CONTIV_RULE_PROTOCOL);
	uint32_t port = contiv_object_get_u32(obj, CONTIV_RULE_PORT);
	char reason[CONTIV__REASON_MAX];

	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(rule_forbidden); i++) {
		uint32_t attr = rule_forbidden[i].attr, with = rule_forbidden[i].with;
		const char *value = contiv__object_str(obj, attr);

		if (strcmp(dir, rule_forbidden[i].direction) || !value)
			continue;
		if (with == NO_ATTR)
			snprintf(reason, sizeof(reason), "not allowed with direction \"%s\"", dir);
		else if (contiv__object_str(obj, with))
			snprintf(reason, sizeof(reason), "not allowed together with %s with direction \"%s\"",
				 obj->k->attrs[with].name, dir);
		else
			continue;
		return contiv__object_error_str(obj, -EINVAL, attr, value, reason);
	}
	/* Our rule, not Contiv's: a port only means something for tcp and udp. */
	if (port && (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp"))))
		return contiv__object_error_u32(obj, -EINVAL, CONTIV_RULE_PORT, port,
						"requires protocol tcp or udp");
	return 0;
}

CONTIV_EXPORT int contiv_object_validate(const struct contiv_object *obj)
{
	char label[CONTIV_ERRMSG_MAX];

	contiv_return_val_if_fail(obj, -EINVAL);
	contiv_return_if_forked(obj->ctx);
	for (uint32_t i = 0; i < obj->k->n_attrs; i++) {
		const struct contiv__attr *a = &obj->k->attrs[i];
		bool present = a->type == CONTIV_ATTR_STR ? contiv__object_str(obj, i) != NULL :
							    obj->v[i].set;

		if ((a->flags & CONTIV__A_REQUIRED) && !present)
			return contiv__error(obj->ctx, -EINVAL, "%s: %s is required",
					     contiv__object_label(obj, label), a->name);
	}
	return obj->k->validate ? obj->k->validate(obj) : 0;
}
