/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netctl: Contiv's command-line client of netmaster. main(), the command
 * table, flag parsing (Contiv's urfave/cli conventions), help and bash
 * completion. Everything below is driven by netctl_cmds[].
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "netctl.h"

#define DEFAULT_NETMASTER "http://127.0.0.1:9999"

/* --- flags ------------------------------------------------------------- */

#define FLAG(var, n, a, t, d, u) \
	static const struct netctl_flag var = { .name = n, .alias = a, .type = t, .def = d, .usage = u }

FLAG(f_tenant, "tenant", "t", NETCTL_FLAG_STR, "default", "Name of the tenant");
FLAG(f_all, "all", "a", NETCTL_FLAG_BOOL, NULL, "List all items");
FLAG(f_json, "json", "j", NETCTL_FLAG_BOOL, NULL, "Output list in JSON format");
FLAG(f_quiet, "quiet", "q", NETCTL_FLAG_BOOL, NULL, "Only display name field");

FLAG(f_nw_type, "nw-type", "n", NETCTL_FLAG_STR, "data", "Network Type (infra or data)");
FLAG(f_encap, "encap", "e", NETCTL_FLAG_STR, "vxlan", "Encap type (vlan or vxlan)");
FLAG(f_pkt_tag, "pkt-tag", "p", NETCTL_FLAG_INT, "0", "Packet tag (Vlan ID/VNI)");
FLAG(f_subnet, "subnet", "s", NETCTL_FLAG_STR, NULL, "Subnet CIDR - REQUIRED");
FLAG(f_gateway, "gateway", "g", NETCTL_FLAG_STR, NULL, "Gateway");
FLAG(f_subnetv6, "subnetv6", "s6", NETCTL_FLAG_STR, NULL, "IPv6 Subnet CIDR");
FLAG(f_gatewayv6, "gatewayv6", "g6", NETCTL_FLAG_STR, NULL, "IPv6 Gateway");
FLAG(f_nw_tag, "nw-tag", "tag", NETCTL_FLAG_STR, NULL, "Configured Network Tag");

FLAG(f_policy, "policy", "p", NETCTL_FLAG_LIST, NULL, "Policy (repeatable)");
FLAG(f_netprofile, "networkprofile", "n", NETCTL_FLAG_STR, NULL, "network profile");
FLAG(f_ext_contract, "external-contract", "e", NETCTL_FLAG_LIST, NULL,
     "External contract (repeatable)");
FLAG(f_ip_pool, "ip-pool", "r", NETCTL_FLAG_STR, NULL,
     "IP Address range, example 10.36.0.1-10.36.0.10");
FLAG(f_epg_tag, "epg-tag", "tag", NETCTL_FLAG_STR, NULL, "Configured Group Tag");

FLAG(f_bandwidth, "bandwidth", "b", NETCTL_FLAG_STR, NULL,
     "Bandwidth (e.g., 10 kbps, 100 mbps, 1gbps)");
FLAG(f_dscp, "dscp", "d", NETCTL_FLAG_INT, "0", "DSCP");
FLAG(f_burst, "burst", "s", NETCTL_FLAG_INT, "0", "burst size(Must be in kilobytes)");

FLAG(f_priority, "priority", "p", NETCTL_FLAG_INT, "1", "Priority Indicator");
FLAG(f_direction, "direction", "d", NETCTL_FLAG_STR, "in", "Direction of traffic (in/out)");
FLAG(f_from_group, "from-group", "g", NETCTL_FLAG_STR, NULL,
     "From Endpoint Group Name (Valid in incoming direction only)");
FLAG(f_to_group, "to-group", "e", NETCTL_FLAG_STR, NULL,
     "To Endpoint Group Name (Valid in outgoing direction only)");
FLAG(f_from_network, "from-network", "n", NETCTL_FLAG_STR, NULL,
     "From Network name (Valid in incoming direction only)");
FLAG(f_to_network, "to-network", "o", NETCTL_FLAG_STR, NULL,
     "To Network name (Valid in outgoing direction only)");
FLAG(f_from_ip, "from-ip-address", "i", NETCTL_FLAG_STR, NULL,
     "From IP address/CIDR (Valid in incoming direction only)");
FLAG(f_to_ip, "to-ip-address", "s", NETCTL_FLAG_STR, NULL,
     "To IP address/CIDR (Valid in outgoing direction only)");
FLAG(f_protocol, "protocol", "l", NETCTL_FLAG_STR, NULL, "Protocol (e.g., tcp, udp, icmp)");
FLAG(f_port, "port", "P", NETCTL_FLAG_INT, "0", "Port");
FLAG(f_action, "action", "j", NETCTL_FLAG_STR, "allow", "Action (allow or deny)");

FLAG(f_fabric_mode, "fabric-mode", "f", NETCTL_FLAG_STR, NULL,
     "Fabric mode (aci, aci-opflex or default)");
FLAG(f_vlan_range, "vlan-range", "v", NETCTL_FLAG_STR, NULL, "Allowed Vlan id range");
FLAG(f_vxlan_range, "vxlan-range", "x", NETCTL_FLAG_STR, NULL, "Allowed Vxlan VNID range");
FLAG(f_fwd_mode, "fwd-mode", "b", NETCTL_FLAG_STR, NULL, "forwarding mode (bridge,routing)");
FLAG(f_arp_mode, "arp-mode", "a", NETCTL_FLAG_STR, NULL, "arp mode (proxy,flood)");
FLAG(f_pvt_subnet, "private-subnet", "s", NETCTL_FLAG_STR, NULL,
     "Select a /16 private subnet for host access (172.19.0.0/16 at first start)");

static const struct netctl_flag *const fl_tenant[] = { &f_tenant, NULL };
static const struct netctl_flag *const fl_list[] = { &f_tenant, &f_all, &f_json, &f_quiet, NULL };
static const struct netctl_flag *const fl_tenant_ls[] = { &f_json, &f_quiet, NULL };
static const struct netctl_flag *const fl_rule_ls[] = { &f_tenant, &f_json, &f_quiet, NULL };
static const struct netctl_flag *const fl_global_info[] = { &f_tenant, &f_all, &f_json, NULL };
static const struct netctl_flag *const fl_net_create[] = {
	&f_tenant, &f_nw_type, &f_encap, &f_pkt_tag, &f_subnet, &f_gateway,
	&f_subnetv6, &f_gatewayv6, &f_nw_tag, NULL,
};
static const struct netctl_flag *const fl_group_create[] = {
	&f_tenant, &f_policy, &f_netprofile, &f_ext_contract, &f_ip_pool, &f_epg_tag, NULL,
};
static const struct netctl_flag *const fl_netprofile_create[] = {
	&f_tenant, &f_bandwidth, &f_dscp, &f_burst, NULL,
};
static const struct netctl_flag *const fl_rule_add[] = {
	&f_tenant, &f_priority, &f_direction, &f_from_group, &f_to_group, &f_from_network,
	&f_to_network, &f_from_ip, &f_to_ip, &f_protocol, &f_port, &f_action, NULL,
};
static const struct netctl_flag *const fl_global_set[] = {
	&f_fabric_mode, &f_vlan_range, &f_vxlan_range, &f_fwd_mode, &f_arp_mode, &f_pvt_subnet,
	NULL,
};

/* --- commands ---------------------------------------------------------- */

static int cmd_completion(struct netctl *nc);

const struct netctl_group netctl_groups[] = {
	{ "endpoint", "ep", "Endpoint Inspection" },
	{ "global", NULL, "Global information" },
	{ "group", NULL, "Endpoint Group manipulation tools" },
	{ "netprofile", NULL, "Network profile manipulation tools" },
	{ "network", "net", "Network manipulation tools" },
	{ "policy", NULL, "Policy manipulation tools" },
	{ "tenant", NULL, "Tenant manipulation tools" },
	{ NULL, NULL, NULL },
};

const struct netctl_cmd netctl_cmds[] = {
	{ NULL, "completion", NULL, 1, 1, "bash", "Print the bash completion script", NULL, NULL,
	  cmd_completion },
	{ NULL, "version", NULL, 0, 0, "", "Version Information", "More arguments than required",
	  NULL, netctl_version },

	{ "endpoint", "inspect", NULL, 1, 1, "[epid]", "Inspect an Endpoint",
	  "Endpoint name required", NULL, netctl_endpoint_inspect },

	{ "global", "info", NULL, 0, 0, "", "Show global information",
	  "More arguments than required", fl_global_info, netctl_global_info },
	{ "global", "inspect", NULL, 0, 0, "", "Inspect Global Operational Information",
	  "More arguments than required", NULL, netctl_inspect },
	{ "global", "set", NULL, 0, 0, "", "Set global parameters",
	  "More arguments than required", fl_global_set, netctl_global_set },

	{ "group", "create", NULL, 2, 2, "[network] [group]", "Create an endpoint group",
	  "Network and group name required", fl_group_create, netctl_group_create },
	{ "group", "inspect", NULL, 1, 1, "[group]", "Inspect a EndpointGroup",
	  "EndpointGroup name required", fl_tenant, netctl_inspect },
	{ "group", "ls", "list", 0, 0, "", "List endpoint groups", "More arguments than required",
	  fl_list, netctl_group_ls },
	{ "group", "rm", "delete", 1, 1, "[group]", "Delete an endpoint group",
	  "EndpointGroup name required", fl_tenant, netctl_group_rm },

	{ "netprofile", "create", NULL, 1, 1, "[netprofile]", "Create a network profile",
	  "Net profile name required", fl_netprofile_create, netctl_netprofile_create },
	{ "netprofile", "inspect", NULL, 1, 1, "[netprofile]", "inspect network profile",
	  "Net profile name required", fl_tenant, netctl_inspect },
	{ "netprofile", "ls", "list", 0, 0, "", "List network profile",
	  "More arguments than required", fl_list, netctl_netprofile_ls },
	{ "netprofile", "rm", "delete", 1, 1, "[netprofile]", "Delete a network profile",
	  "Net profile name required", fl_tenant, netctl_netprofile_rm },

	{ "network", "create", NULL, 1, 1, "[network]", "Create a network",
	  "Network name required", fl_net_create, netctl_network_create },
	{ "network", "inspect", NULL, 1, 1, "[network]", "Inspect a Network",
	  "Network name required", fl_tenant, netctl_inspect },
	{ "network", "ls", "list", 0, 0, "", "List networks", "More arguments than required",
	  fl_list, netctl_network_ls },
	{ "network", "rm", "delete", 1, 1, "[network]", "Delete a network",
	  "Network name required", fl_tenant, netctl_network_rm },

	{ "policy", "create", NULL, 1, 1, "[policy]", "Create a new policy",
	  "Policy name required", fl_tenant, netctl_policy_create },
	{ "policy", "inspect", NULL, 1, 1, "[policy]", "Inspect a policy",
	  "Policy name required", fl_tenant, netctl_inspect },
	{ "policy", "ls", "list", 0, 0, "", "List policies", "More arguments than required",
	  fl_list, netctl_policy_ls },
	{ "policy", "rm", "delete", 1, 1, "[policy]", "Delete a policy", "Policy name required",
	  fl_tenant, netctl_policy_rm },
	{ "policy", "rule-add", NULL, 2, 2, "[policy] [rule id]", "Add a new rule to the policy",
	  "Policy name and Rule ID required", fl_rule_add, netctl_rule_add },
	{ "policy", "rule-ls", NULL, 1, 1, "[policy]", "List rules for a given tenant,policy",
	  "Policy name required", fl_rule_ls, netctl_rule_ls },
	{ "policy", "rule-rm", NULL, 2, 2, "[policy] [rule id]", "Delete a rule from the policy",
	  "Policy name and Rule ID required", fl_tenant, netctl_rule_rm },

	{ "tenant", "create", NULL, 1, 1, "[tenant]", "Create a tenant", "Tenant name required",
	  NULL, netctl_tenant_create },
	{ "tenant", "inspect", NULL, 1, 1, "[tenant]", "Inspect a tenant",
	  "Tenant name required", NULL, netctl_inspect },
	{ "tenant", "ls", "list", 0, 0, "", "List tenants", "More arguments than required",
	  fl_tenant_ls, netctl_tenant_ls },
	{ "tenant", "rm", "delete", 1, 1, "[tenant]", "Delete a tenant", "Tenant name required",
	  NULL, netctl_tenant_rm },
	{ NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL },
};

/* --- help -------------------------------------------------------------- */

static size_t n_flags(const struct netctl_cmd *cmd)
{
	size_t n = 0;

	while (cmd->flags && cmd->flags[n])
		n++;
	return n;
}

static void print_flag_help(FILE *out, const struct netctl_flag *f)
{
	char left[64];
	const char *v = f->type == NETCTL_FLAG_BOOL ? "" : " value";

	if (f->alias)
		snprintf(left, sizeof(left), "--%s%s, -%s%s", f->name, v, f->alias, v);
	else
		snprintf(left, sizeof(left), "--%s%s", f->name, v);
	fprintf(out, "   %-37s %s", left, f->usage);
	if (f->def && f->type != NETCTL_FLAG_BOOL)
		fprintf(out, " (default: %s%s%s)", f->type == NETCTL_FLAG_STR ? "\"" : "", f->def,
			f->type == NETCTL_FLAG_STR ? "\"" : "");
	fputc('\n', out);
}

static void print_cmd_help(FILE *out, const struct netctl_cmd *cmd)
{
	const char *g = cmd->group ? cmd->group : "", *sp = cmd->group ? " " : "";

	fprintf(out, "NAME:\n   netctl %s%s%s - %s\n\n", g, sp, cmd->name, cmd->usage);
	fprintf(out, "USAGE:\n   netctl %s%s%s%s%s%s\n", g, sp, cmd->name,
		n_flags(cmd) ? " [command options]" : "", cmd->synopsis[0] ? " " : "",
		cmd->synopsis);
	if (cmd->alias)
		fprintf(out, "\nALIASES:\n   %s\n", cmd->alias);
	if (n_flags(cmd)) {
		fprintf(out, "\nOPTIONS:\n");
		for (size_t i = 0; cmd->flags[i]; i++)
			print_flag_help(out, cmd->flags[i]);
	}
}

static void print_group_help(FILE *out, const struct netctl_group *grp)
{
	fprintf(out, "NAME:\n   netctl %s - %s\n\nUSAGE:\n   netctl %s command [command options] "
		     "[arguments...]\n", grp->name, grp->usage, grp->name);
	if (grp->alias)
		fprintf(out, "\nALIASES:\n   %s\n", grp->alias);
	fprintf(out, "\nCOMMANDS:\n");
	for (const struct netctl_cmd *c = netctl_cmds; c->name; c++) {
		char names[48];

		if (!c->group || strcmp(c->group, grp->name) != 0)
			continue;
		snprintf(names, sizeof(names), "%s%s%s", c->name, c->alias ? ", " : "",
			 c->alias ? c->alias : "");
		fprintf(out, "   %-16s %s\n", names, c->usage);
	}
}

static void print_main_help(FILE *out)
{
	fprintf(out, "NAME:\n   netctl - A command line client for Contiv netplugin\n\n"
		     "USAGE:\n   netctl [global options] command [command options] [arguments...]\n\n"
		     "VERSION:\n   %s\n\nCOMMANDS:\n", contiv_version());
	for (const struct netctl_cmd *c = netctl_cmds; c->name; c++)
		if (!c->group)
			fprintf(out, "   %-16s %s\n", c->name, c->usage);
	for (const struct netctl_group *g = netctl_groups; g->name; g++) {
		char names[48];

		snprintf(names, sizeof(names), "%s%s%s", g->name, g->alias ? ", " : "",
			 g->alias ? g->alias : "");
		fprintf(out, "   %-16s %s\n", names, g->usage);
	}
	fprintf(out, "\nGLOBAL OPTIONS:\n"
		     "   --netmaster value   The URL of the netmaster (default: \"%s\") "
		     "[$NETMASTER]\n"
		     "   --insecure          if true, strict certificate checking will be disabled "
		     "[$INSECURE]\n"
		     "   --help, -h          show help\n"
		     "   --version, -v       print the version\n", DEFAULT_NETMASTER);
}

/* --- bash completion --------------------------------------------------- */

static int cmd_completion(struct netctl *nc)
{
	if (strcmp(nc->args[0], "bash") != 0)
		return netctl_usage_error(nc, "only \"bash\" completion is available");
	printf("# bash completion for netctl, generated by \"netctl completion bash\"\n"
	       "_netctl()\n{\n"
	       "\tlocal cur prev words cword i group= cmd= opts=\n"
	       "\tcur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
	       "\tprev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
	       "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	       "\t\tcase \"${COMP_WORDS[i]}\" in\n"
	       "\t\t--netmaster) ((i++)) ;;\n"
	       "\t\t-*) ;;\n"
	       "\t\t*) if [ -z \"$group\" ]; then group=${COMP_WORDS[i]}; "
	       "elif [ -z \"$cmd\" ]; then cmd=${COMP_WORDS[i]}; fi ;;\n"
	       "\t\tesac\n"
	       "\tdone\n"
	       "\tcase \"$group\" in\n");
	for (const struct netctl_group *g = netctl_groups; g->name; g++) {
		printf("\t%s%s%s)\n\t\tcase \"$cmd\" in\n", g->name, g->alias ? "|" : "",
		       g->alias ? g->alias : "");
		printf("\t\t'') opts=\"");
		for (const struct netctl_cmd *c = netctl_cmds; c->name; c++)
			if (c->group && !strcmp(c->group, g->name))
				printf("%s ", c->name);
		printf("--help\" ;;\n");
		for (const struct netctl_cmd *c = netctl_cmds; c->name; c++) {
			if (!c->group || strcmp(c->group, g->name) != 0)
				continue;
			printf("\t\t%s%s%s) opts=\"", c->name, c->alias ? "|" : "",
			       c->alias ? c->alias : "");
			for (size_t i = 0; c->flags && c->flags[i]; i++)
				printf("--%s ", c->flags[i]->name);
			printf("--help\" ;;\n");
		}
		printf("\t\tesac ;;\n");
	}
	printf("\tcompletion) [ -z \"$cmd\" ] && opts=bash ;;\n");
	printf("\t'') opts=\"");
	for (const struct netctl_cmd *c = netctl_cmds; c->name; c++)
		if (!c->group)
			printf("%s ", c->name);
	for (const struct netctl_group *g = netctl_groups; g->name; g++)
		printf("%s ", g->name);
	printf("--netmaster --insecure --help --version\" ;;\n"
	       "\tesac\n"
	       "\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	       "}\n"
	       "complete -F _netctl netctl\n");
	return fflush(stdout) ? NETCTL_EXIT_IO : NETCTL_EXIT_OK;
}

/* --- flag values ------------------------------------------------------- */

static int flag_index(const struct netctl_cmd *cmd, const char *name)
{
	for (size_t i = 0; cmd->flags && cmd->flags[i]; i++)
		if (!strcmp(cmd->flags[i]->name, name))
			return (int)i;
	return -1;
}

const struct netctl_value *netctl_value(const struct netctl *nc, const char *name)
{
	int i = flag_index(nc->cmd, name);

	return i < 0 ? NULL : &nc->values[i];
}

const char *netctl_str(const struct netctl *nc, const char *name)
{
	int i = flag_index(nc->cmd, name);

	if (i < 0)
		return NULL;
	return nc->values[i].set ? nc->values[i].str : nc->cmd->flags[i]->def;
}

bool netctl_bool(const struct netctl *nc, const char *name)
{
	int i = flag_index(nc->cmd, name);

	return i >= 0 && nc->values[i].set && !strcmp(nc->values[i].str, "true");
}

bool netctl_given(const struct netctl *nc, const char *name)
{
	int i = flag_index(nc->cmd, name);

	return i >= 0 && nc->values[i].set;
}

int netctl_usage_error(const struct netctl *nc, const char *fmt, ...)
{
	va_list ap;

	fputs("netctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	if (nc && nc->cmd)
		print_cmd_help(stderr, nc->cmd);
	return NETCTL_EXIT_USAGE;
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *ret)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(s, t[i]))
			return *ret = true, 0;
		if (!strcmp(s, f[i]))
			return *ret = false, 0;
	}
	return -EINVAL;
}

/* Integers: optional '-', decimal digits, as the model takes them. */
static bool int_valid(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * Flags anywhere among the arguments (urfave/cli moves the arguments before
 * the first flag behind the flags), "--" ends them; "-name" and "--name"
 * are the same; values as "-f v", "-f=v"; bool flags take only "-f=v".
 */
static int parse_cmd_args(struct netctl *nc, int argc, char **argv)
{
	const struct netctl_cmd *cmd = nc->cmd;
	bool dashdash = false;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *eq, *val = NULL;
		const struct netctl_flag *f = NULL;
		char nbuf[64];
		size_t k;
		int idx = -1;

		if (dashdash || a[0] != '-' || !a[1]) {
			if (nc->n_args >= NETCTL_MAX_ARGS || nc->n_args >= cmd->max_args)
				return netctl_usage_error(nc, "%s", cmd->missing);
			nc->args[nc->n_args++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		k = eq ? (size_t)(eq - name) : strlen(name);
		if (k == 0 || k >= sizeof(nbuf) || name[0] == '-')
			return netctl_usage_error(nc, "bad flag syntax: %s", a);
		memcpy(nbuf, name, k);
		nbuf[k] = '\0';
		if (!strcmp(nbuf, "help") || !strcmp(nbuf, "h")) {
			print_cmd_help(stdout, cmd);
			return -1;
		}
		for (size_t j = 0; cmd->flags && cmd->flags[j]; j++) {
			if (!strcmp(cmd->flags[j]->name, nbuf) ||
			    (cmd->flags[j]->alias && !strcmp(cmd->flags[j]->alias, nbuf))) {
				f = cmd->flags[j];
				idx = (int)j;
				break;
			}
		}
		if (!f)
			return netctl_usage_error(nc, "flag provided but not defined: -%s", nbuf);
		if (eq) {
			val = eq + 1;
		} else if (f->type != NETCTL_FLAG_BOOL) {
			if (i + 1 >= argc)
				return netctl_usage_error(nc, "flag needs an argument: -%s", nbuf);
			val = argv[++i];
		}
		if (f->type == NETCTL_FLAG_BOOL) {
			bool b = true;

			if (val && parse_bool(val, &b) < 0)
				return netctl_usage_error(nc, "invalid boolean value \"%s\" for -%s",
							  val, nbuf);
			nc->values[idx].set = b;
			nc->values[idx].str = b ? "true" : "false";
		} else if (f->type == NETCTL_FLAG_LIST) {
			const char **l = realloc(nc->values[idx].list,
						 (nc->values[idx].n_list + 1) * sizeof(*l));

			if (!l)
				return netctl_error(NETCTL_EXIT_IO, "out of memory");
			l[nc->values[idx].n_list++] = val;
			nc->values[idx].list = l;
			nc->values[idx].set = true;
		} else {
			if (f->type == NETCTL_FLAG_INT && !int_valid(val))
				return netctl_usage_error(nc, "invalid value \"%s\" for flag -%s: "
							  "parse error", val, nbuf);
			nc->values[idx].set = true;
			nc->values[idx].str = val;
		}
	}
	if (nc->n_args < cmd->min_args)
		return netctl_usage_error(nc, "%s", cmd->missing);
	return 0;
}

/* --- client ------------------------------------------------------------ */

/* ~/.netctl/config.json of "netctl login": {"token": "..."}. */
static int read_token(char **ret)
{
	const char *home = getenv("HOME");
	struct json_object *root, *t;
	char path[4096];
	FILE *f;

	*ret = NULL;
	if (!home || !*home)
		return 0;
	snprintf(path, sizeof(path), "%s/.netctl/config.json", home);
	f = fopen(path, "re");
	if (!f)
		return 0;
	fclose(f);
	root = json_object_from_file(path);
	if (!root || !json_object_object_get_ex(root, "token", &t) ||
	    !json_object_is_type(t, json_type_string)) {
		json_object_put(root);
		return netctl_error(NETCTL_EXIT_INVALID, "error processing netctl config: %s: "
				    "no \"token\" string", path);
	}
	*ret = strdup(json_object_get_string(t));
	json_object_put(root);
	return *ret ? 0 : netctl_error(NETCTL_EXIT_IO, "out of memory");
}

struct contiv_client *netctl_client(struct netctl *nc, int *ret_exit)
{
	char *token = NULL;
	int r;

	if (nc->client)
		return nc->client;
	r = read_token(&token);
	if (r) {
		*ret_exit = r;
		return NULL;
	}
	{
		CONTIV_OPTS(contiv_client_opts, o, .insecure = nc->insecure, .auth_token = token);

		r = contiv_client_new(nc->ctx, nc->url, &o, &nc->client);
	}
	free(token);
	if (r < 0) {
		*ret_exit = netctl_fail(nc, r);
		if (r == -EINVAL)
			*ret_exit = NETCTL_EXIT_USAGE;
		return NULL;
	}
	return nc->client;
}

/* --- main -------------------------------------------------------------- */

static bool name_is(const char *arg, const char *name, const char *alias)
{
	return !strcmp(arg, name) || (alias && !strcmp(arg, alias));
}

int main(int argc, char **argv)
{
	struct netctl nc = { 0 };
	const struct netctl_group *grp = NULL;
	const char *env;
	int i = 1, r;

	nc.url = DEFAULT_NETMASTER;
	env = getenv("NETMASTER");
	if (env && *env)
		nc.url = env;
	env = getenv("INSECURE");
	if (env && *env && parse_bool(env, &nc.insecure) < 0)
		return netctl_error(NETCTL_EXIT_USAGE, "INSECURE=%s: not a boolean", env);

	/* Global options, before the command. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i] + (argv[i][1] == '-' ? 2 : 1);

		if (!strcmp(a, "netmaster")) {
			if (++i >= argc)
				return netctl_error(NETCTL_EXIT_USAGE, "flag needs an argument: "
						    "-netmaster");
			nc.url = argv[i];
		} else if (!strncmp(a, "netmaster=", 10)) {
			nc.url = a + 10;
		} else if (!strcmp(a, "insecure")) {
			nc.insecure = true;
		} else if (!strncmp(a, "insecure=", 9)) {
			if (parse_bool(a + 9, &nc.insecure) < 0)
				return netctl_error(NETCTL_EXIT_USAGE, "invalid boolean value "
						    "\"%s\" for -insecure", a + 9);
		} else if (!strcmp(a, "help") || !strcmp(a, "h")) {
			print_main_help(stdout);
			return NETCTL_EXIT_OK;
		} else if (!strcmp(a, "version") || !strcmp(a, "v")) {
			printf("netctl version %s\n", contiv_version());
			return NETCTL_EXIT_OK;
		} else {
			fprintf(stderr, "netctl: flag provided but not defined: %s\n\n", argv[i]);
			print_main_help(stderr);
			return NETCTL_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_main_help(stdout);
		return NETCTL_EXIT_OK;
	}
	if (!strcmp(argv[i], "help")) {
		print_main_help(stdout);
		return NETCTL_EXIT_OK;
	}

	for (const struct netctl_group *g = netctl_groups; g->name; g++)
		if (name_is(argv[i], g->name, g->alias))
			grp = g;
	if (grp) {
		i++;
		if (i >= argc || !strcmp(argv[i], "help") || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "-h")) {
			print_group_help(i >= argc ? stderr : stdout, grp);
			return i >= argc ? NETCTL_EXIT_USAGE : NETCTL_EXIT_OK;
		}
	}
	for (const struct netctl_cmd *c = netctl_cmds; c->name && !nc.cmd; c++) {
		if ((grp && c->group && !strcmp(c->group, grp->name)) || (!grp && !c->group))
			if (name_is(argv[i], c->name, c->alias))
				nc.cmd = c;
	}
	if (!nc.cmd) {
		fprintf(stderr, "netctl: No help topic for '%s'\n\n", argv[i]);
		if (grp)
			print_group_help(stderr, grp);
		else
			print_main_help(stderr);
		return NETCTL_EXIT_USAGE;
	}
	i++;

	r = parse_cmd_args(&nc, argc - i, argv + i);
	if (r == 0) {
		r = contiv_ctx_new(NULL, &nc.ctx);
		if (r < 0)
			r = netctl_error(NETCTL_EXIT_IO, "cannot create a context: %s",
					 strerror(-r));
		else
			r = nc.cmd->handler(&nc);
	} else if (r < 0) {
		r = NETCTL_EXIT_OK;	/* --help */
	}
	if (fflush(stdout) != 0 && r == NETCTL_EXIT_OK)
		r = netctl_error(NETCTL_EXIT_IO, "write error: %s", strerror(errno));
	for (size_t k = 0; k < NETCTL_MAX_FLAGS; k++)
		free(nc.values[k].list);
	contiv_client_unref(nc.client);
	contiv_ctx_unref(nc.ctx);
	return r;
}
