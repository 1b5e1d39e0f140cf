/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netctl, Contiv's CLI: one declarative command table (netctl.c) drives
 * dispatch, --help and bash completion; handlers (netctl-objects.c,
 * netctl-policy.c) build objects with the public libcontiv API and print
 * through one output path (netctl-output.c).
 */
#ifndef NETCTL_H
#define NETCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <contiv/contiv.h>

/* Exit codes, as Contiv's netctl/exit.go. */
enum {
	NETCTL_EXIT_OK = 0,
	NETCTL_EXIT_USAGE = 1,		/* wrong arguments or flags */
	NETCTL_EXIT_REQUEST = 2,	/* netmaster cannot be reached */
	NETCTL_EXIT_INVALID = 3,	/* netmaster or the model refused */
	NETCTL_EXIT_IO = 4,		/* output, JSON or memory */
};

enum netctl_flag_type {
	NETCTL_FLAG_BOOL = 1,
	NETCTL_FLAG_STR,
	NETCTL_FLAG_INT,
	NETCTL_FLAG_LIST,	/* repeatable string */
};

/* A flag: --name and -name are the same (Go's flag package), as is the alias. */
struct netctl_flag {
	const char *name;
	const char *alias;	/* "t", "s6", "tag", or NULL */
	enum netctl_flag_type type;
	const char *def;	/* default value as text, or NULL */
	const char *usage;
};

#define NETCTL_MAX_FLAGS 16
#define NETCTL_MAX_ARGS 4

struct netctl;
typedef int (*netctl_handler)(struct netctl *nc);

/* One command: "<group> <name>", or "<name>" alone when group is NULL. */
struct netctl_cmd {
	const char *group;
	const char *name;
	const char *alias;	/* "delete" for rm, "list" for ls, or NULL */
	int min_args, max_args;
	const char *synopsis;	/* "[network] [group]" */
	const char *usage;	/* one line */
	const char *missing;	/* message when the argument count is wrong */
	const struct netctl_flag *const *flags;	/* NULL-terminated, or NULL */
	netctl_handler handler;
};

struct netctl_group {
	const char *name;
	const char *alias;
	const char *usage;
};

struct netctl_value {
	bool set;
	const char *str;	/* STR, INT: the text; BOOL: "true" when set */
	const char **list;	/* LIST */
	size_t n_list;
};

struct netctl {
	const char *url;
	bool insecure;
	const struct netctl_cmd *cmd;
	const char *args[NETCTL_MAX_ARGS];
	int n_args;
	struct netctl_value values[NETCTL_MAX_FLAGS];
	struct contiv_ctx *ctx;
	struct contiv_client *client;
};

/* netctl.c */
extern const struct netctl_cmd netctl_cmds[];
extern const struct netctl_group netctl_groups[];
/* Value of a flag of the current command by long name (default if not given). */
const char *netctl_str(const struct netctl *nc, const char *name);
bool netctl_bool(const struct netctl *nc, const char *name);
bool netctl_given(const struct netctl *nc, const char *name);
const struct netctl_value *netctl_value(const struct netctl *nc, const char *name);
/* Prints "netctl: <message>" and the command's usage on stderr; returns 1. */
int netctl_usage_error(const struct netctl *nc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The client, created on first use. NULL after printing the error. */
struct contiv_client *netctl_client(struct netctl *nc, int *ret_exit);

/* netctl-output.c */
/* "netctl: <message>" on stderr; returns exit_code. */
int netctl_error(int exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Error of a failed library call (message from the context) and its exit code. */
int netctl_fail(struct netctl *nc, int err);
/* Exit code for a negative libcontiv error. */
int netctl_exit_code(int err);

/* Go's text/tabwriter, flags 0, padchar ' '. */
struct netctl_table;
struct netctl_table *netctl_table_new(int minwidth, int padding);
/* Appends text; cells end with '\t', lines with '\n'. Returns 0 or -ENOMEM. */
int netctl_table_printf(struct netctl_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Formats, writes to out and frees the table. Returns an exit code. */
int netctl_table_flush(struct netctl_table *t, FILE *out);

/* One row: the cells of cols[] separated by tabs, then end. */
void netctl_table_cells(struct netctl_table *t, const struct contiv_object *obj,
			const unsigned *cols, size_t n_cols, const char *end);

/* Writes JSON text indented as Go's json.MarshalIndent(v, "", "  "), and "\n". */
int netctl_print_json(const char *json);

/* A growable list of objects, for the list commands. */
struct netctl_list {
	struct contiv_object **objs;
	size_t n, cap;
	const char *tenant;	/* keep only objects of this tenant, or NULL for all */
	unsigned tenant_attr;
	int oom;
};
int netctl_list_fetch(struct netctl *nc, unsigned kind, struct netctl_list *list);
void netctl_list_clear(struct netctl_list *list);
/* Prints a list as JSON (array of the objects' JSON, MarshalIndent style). */
int netctl_print_list_json(const struct netctl_list *list);
/* Prints one attribute per line (the -q output). */
int netctl_print_list_names(const struct netctl_list *list, unsigned attr);
/* Text of an attribute for a table cell: "" if unset, decimal for integers. */
const char *netctl_cell(const struct contiv_object *obj, unsigned attr, char buf[32]);

/*
 * A list command: check the -t tenant exists and keep its objects (unless -a;
 * tenant_attr < 0: neither), then print them as JSON (-j), names (-q) or a
 * table: header (the header and dash lines), then one row per object, from
 * row() or else the cells of cols[] ended by row_end ("\n" if NULL).
 */
struct netctl_list_spec {
	unsigned kind;
	int tenant_attr;
	unsigned name_attr;
	const char *header;
	const unsigned *cols;
	size_t n_cols;
	const char *row_end;
	void (*row)(struct netctl_table *t, const struct contiv_object *obj);
};
int netctl_list_command(struct netctl *nc, const struct netctl_list_spec *spec);

/* GETs path and prints its JSON answer (inspect commands). */
int netctl_get_and_print(struct netctl *nc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "/segment" percent-encoded for a URL path, appended to buf of size len. */
int netctl_path_append(char *buf, size_t len, const char *segment);

/* netctl-objects.c */
int netctl_version(struct netctl *nc);
int netctl_tenant_create(struct netctl *nc);
int netctl_tenant_rm(struct netctl *nc);
int netctl_tenant_ls(struct netctl *nc);
int netctl_inspect(struct netctl *nc);
int netctl_network_create(struct netctl *nc);
int netctl_network_rm(struct netctl *nc);
int netctl_network_ls(struct netctl *nc);
int netctl_group_create(struct netctl *nc);
int netctl_group_rm(struct netctl *nc);
int netctl_group_ls(struct netctl *nc);
int netctl_netprofile_create(struct netctl *nc);
int netctl_netprofile_rm(struct netctl *nc);
int netctl_netprofile_ls(struct netctl *nc);
int netctl_global_info(struct netctl *nc);
int netctl_global_set(struct netctl *nc);
int netctl_endpoint_inspect(struct netctl *nc);

/* netctl-policy.c */
int netctl_policy_create(struct netctl *nc);
int netctl_policy_rm(struct netctl *nc);
int netctl_policy_ls(struct netctl *nc);
int netctl_rule_add(struct netctl *nc);
int netctl_rule_rm(struct netctl *nc);
int netctl_rule_ls(struct netctl *nc);

/* Shared by the handlers: build, validate and send an object. */
int netctl_object_new(struct netctl *nc, unsigned kind, struct contiv_object **ret);
int netctl_set(struct netctl *nc, struct contiv_object *obj, unsigned attr, const char *text);
int netctl_put(struct netctl *nc, struct contiv_object *obj);
int netctl_delete(struct netctl *nc, unsigned kind, const char *key);
/* GETs an object to check it exists (list commands); prints the error. */
int netctl_check_exists(struct netctl *nc, unsigned kind, const char *key);

#endif
