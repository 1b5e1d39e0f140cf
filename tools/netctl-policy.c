/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netctl handlers: policies and their rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netctl.h"

int netctl_policy_create(struct netctl *nc)
{
	struct contiv_object *obj = NULL;
	int r;

	r = netctl_object_new(nc, CONTIV_OBJECT_POLICY, &obj);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_POLICY_TENANT, netctl_str(nc, "tenant"));
	if (!r)
		r = netctl_set(nc, obj, CONTIV_POLICY_NAME, nc->args[0]);
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	if (!r)
		printf("Creating policy %s:%s\n", netctl_str(nc, "tenant"), nc->args[0]);
	return r;
}

int netctl_policy_rm(struct netctl *nc)
{
	char key[300];

	snprintf(key, sizeof(key), "%s:%s", netctl_str(nc, "tenant"), nc->args[0]);
	printf("Deleting policy %s\n", key);
	fflush(stdout);
	return netctl_delete(nc, CONTIV_OBJECT_POLICY, key);
}

int netctl_policy_ls(struct netctl *nc)
{
	static const unsigned cols[] = { CONTIV_POLICY_TENANT, CONTIV_POLICY_NAME };
	static const struct netctl_list_spec spec = {
		.kind = CONTIV_OBJECT_POLICY, .tenant_attr = CONTIV_POLICY_TENANT,
		.name_attr = CONTIV_POLICY_NAME, .header = "Tenant\tPolicy\n------\t------\n",
		.cols = cols, .n_cols = 2,
	};

	return netctl_list_command(nc, &spec);
}

static bool given(struct netctl *nc, const char *flag)
{
	const char *v = netctl_str(nc, flag);

	return v && *v;
}

int netctl_rule_add(struct netctl *nc)
{
	static const struct {
		const char *flag;
		unsigned attr;
	} map[] = {
		{ "tenant", CONTIV_RULE_TENANT },
		{ "priority", CONTIV_RULE_PRIORITY },
		{ "direction", CONTIV_RULE_DIRECTION },
		{ "from-group", CONTIV_RULE_FROM_GROUP },
		{ "to-group", CONTIV_RULE_TO_GROUP },
		{ "from-network", CONTIV_RULE_FROM_NETWORK },
		{ "to-network", CONTIV_RULE_TO_NETWORK },
		{ "from-ip-address", CONTIV_RULE_FROM_IP },
		{ "to-ip-address", CONTIV_RULE_TO_IP },
		{ "protocol", CONTIV_RULE_PROTOCOL },
		{ "port", CONTIV_RULE_PORT },
		{ "action", CONTIV_RULE_ACTION },
	};
	const char *dir = netctl_str(nc, "direction");
	struct contiv_object *obj = NULL;
	int r;

	/* Contiv's own checks, with its messages, before the model's. */
	if (!strcmp(dir, "in")) {
		if (given(nc, "to-group"))
			return netctl_error(NETCTL_EXIT_USAGE,
					    "Cant specify to-group for incoming rule");
		if (given(nc, "to-network"))
			return netctl_error(NETCTL_EXIT_USAGE,
					    "Cant specify to-network for incoming rule");
		if (given(nc, "from-group") && given(nc, "from-network"))
			return netctl_error(NETCTL_EXIT_USAGE, "Can't specify both from-group "
					    "argument and -from-network ");
	} else if (!strcmp(dir, "out")) {
		if (given(nc, "from-group"))
			return netctl_error(NETCTL_EXIT_USAGE,
					    "Cant specify from-group for outgoing rule");
		if (given(nc, "from-network"))
			return netctl_error(NETCTL_EXIT_USAGE,
					    "Cant specify from-network for outgoing rule");
		if (given(nc, "from-ip-address"))
			return netctl_error(NETCTL_EXIT_USAGE,
					    "Cant specify from-ip-address for outgoing rule");
		if (given(nc, "to-group") && given(nc, "to-network"))
			return netctl_error(NETCTL_EXIT_USAGE,
					    "Can't specify both -to-group and -to-network");
	} else {
		return netctl_error(NETCTL_EXIT_USAGE, "Unknown direction");
	}

	r = netctl_object_new(nc, CONTIV_OBJECT_RULE, &obj);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_RULE_POLICY, nc->args[0]);
	if (!r)
		r = netctl_set(nc, obj, CONTIV_RULE_ID, nc->args[1]);
	for (size_t i = 0; !r && i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = netctl_str(nc, map[i].flag);

		/* Go's omitempty: empty strings and a zero port are not sent. */
		if (!v || !*v || (map[i].attr == CONTIV_RULE_PORT && !strcmp(v, "0")))
			continue;
		r = netctl_set(nc, obj, map[i].attr, v);
	}
	if (!r)
		r = netctl_put(nc, obj);
	contiv_object_unref(obj);
	return r;
}

int netctl_rule_rm(struct netctl *nc)
{
	char key[400];

	snprintf(key, sizeof(key), "%s:%s:%s", netctl_str(nc, "tenant"), nc->args[0],
		 nc->args[1]);
	return netctl_delete(nc, CONTIV_OBJECT_RULE, key);
}

/* The table rows of the rules of one direction. */
static void rule_rows(struct netctl_table *t, const struct netctl_list *list, const char *dir,
		      const unsigned *cols, size_t n_cols)
{
	for (size_t i = 0; i < list->n; i++) {
		const char *d = contiv_object_get_str(list->objs[i], CONTIV_RULE_DIRECTION);

		if (!d || strcmp(d, dir) != 0)
			continue;
		netctl_table_cells(t, list->objs[i], cols, n_cols, "\n");
	}
}

int netctl_rule_ls(struct netctl *nc)
{
	const char *tenant = netctl_str(nc, "tenant"), *policy = nc->args[0];
	struct netctl_list all = { 0 }, list = { 0 };
	struct netctl_table *t;
	char key[300];
	int r;

	r = netctl_check_exists(nc, CONTIV_OBJECT_TENANT, tenant);
	if (r)
		return r;
	snprintf(key, sizeof(key), "%s:%s", tenant, policy);
	r = netctl_check_exists(nc, CONTIV_OBJECT_POLICY, key);
	if (r)
		return r;
	all.tenant = tenant;
	all.tenant_attr = CONTIV_RULE_TENANT;
	r = netctl_list_fetch(nc, CONTIV_OBJECT_RULE, &all);
	if (r)
		goto out;

	/* This policy's rules, stably sorted by ascending priority. */
	list.objs = calloc(all.n + 1, sizeof(*list.objs));
	if (!list.objs) {
		r = netctl_error(NETCTL_EXIT_IO, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < all.n; i++) {
		const char *p = contiv_object_get_str(all.objs[i], CONTIV_RULE_POLICY);

		if (p && !strcmp(p, policy))
			list.objs[list.n++] = contiv_object_ref(all.objs[i]);
	}
	for (size_t i = 1; i < list.n; i++) {	/* insertion sort: stable */
		struct contiv_object *o = list.objs[i];
		size_t j = i;

		while (j > 0 && contiv_object_get_u32(list.objs[j - 1], CONTIV_RULE_PRIORITY) >
				contiv_object_get_u32(o, CONTIV_RULE_PRIORITY)) {
			list.objs[j] = list.objs[j - 1];
			j--;
		}
		list.objs[j] = o;
	}

	if (netctl_bool(nc, "json")) {
		r = netctl_print_list_json(&list);
	} else if (netctl_bool(nc, "quiet")) {
		r = netctl_print_list_names(&list, CONTIV_RULE_ID);
	} else {
		static const unsigned in_cols[] = {
			CONTIV_RULE_ID, CONTIV_RULE_PRIORITY, CONTIV_RULE_FROM_GROUP,
			CONTIV_RULE_FROM_NETWORK, CONTIV_RULE_FROM_IP, CONTIV_RULE_TO_IP,
			CONTIV_RULE_PROTOCOL, CONTIV_RULE_PORT, CONTIV_RULE_ACTION,
		};
		static const unsigned out_cols[] = {
			CONTIV_RULE_ID, CONTIV_RULE_PRIORITY, CONTIV_RULE_TO_GROUP,
			CONTIV_RULE_TO_NETWORK, CONTIV_RULE_TO_IP, CONTIV_RULE_PROTOCOL,
			CONTIV_RULE_PORT, CONTIV_RULE_ACTION,
		};

		t = netctl_table_new(0, 2);
		netctl_table_printf(t, "Incoming Rules:\n"
				       "Rule\tPriority\tFrom EndpointGroup\tFrom Network\t"
				       "From IpAddress\tTo IpAddress\tProtocol\tPort\tAction\n"
				       "----\t--------\t------------------\t------------\t"
				       "---------\t------------\t--------\t----\t------\n");
		rule_rows(t, &list, "in", in_cols, sizeof(in_cols) / sizeof(in_cols[0]));
		netctl_table_printf(t, "Outgoing Rules:\n"
				       "Rule\tPriority\tTo EndpointGroup\tTo Network\t"
				       "To IpAddress\tProtocol\tPort\tAction\n"
				       "----\t--------\t----------------\t----------\t"
				       "---------\t--------\t----\t------\n");
		rule_rows(t, &list, "out", out_cols, sizeof(out_cols) / sizeof(out_cols[0]));
		r = netctl_table_flush(t, stdout);
	}
out:
	netctl_list_clear(&all);
	netctl_list_clear(&list);
	return r;
}
