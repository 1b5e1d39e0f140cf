/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Model-internal declarations: the object layout and the per-kind attribute
 * tables that drive setters, getters, defaults, validation and JSON.
 */
#ifndef CONTIV_MODEL_H
#define CONTIV_MODEL_H

#include "libcontiv-private.h"

/* Longest reason text a checker may write into its buffer. */
#define CONTIV__REASON_MAX 96
/* Most items a list attribute may hold (bounds work on hostile input). */
#define CONTIV__LIST_MAX 1024

/* Attribute flags. */
enum {
	CONTIV__A_KEY = 1u << 0,	/* part of the key, joined with ':' in table order */
	CONTIV__A_NAME = 1u << 1,	/* part of the object's own name in messages */
	CONTIV__A_REQUIRED = 1u << 2,	/* contiv_object_validate() requires it (non-empty) */
	CONTIV__A_EMPTY_OK = 1u << 3,	/* "" is accepted without running the checker */
};

struct contiv__attr;

/*
 * Checks one string value (or one list item). Returns NULL if valid, else the
 * reason: a static string or text written into reason.
 */
typedef const char *(*contiv__check_fn)(const struct contiv__attr *a, const char *value,
					char reason[CONTIV__REASON_MAX]);
/* The same for an integer. */
typedef const char *(*contiv__check_u32_fn)(const struct contiv__attr *a, uint32_t value,
					    char reason[CONTIV__REASON_MAX]);

struct contiv__attr {
	const char *name;		/* JSON field name */
	uint32_t type;			/* enum contiv_attr_type */
	uint32_t flags;			/* CONTIV__A_* */
	uint32_t max_len;		/* strings and list items: longest accepted */
	contiv__check_fn check;		/* strings and list items, or NULL */
	const char *choices;		/* for contiv__check_choice: "a|b|c" */
	uint32_t min, max;		/* integers: accepted range */
	contiv__check_u32_fn check_u32;	/* integers: replaces the range check */
	const char *def_str;		/* default set by contiv_object_new(), or NULL */
	uint32_t def_u32;
	bool has_def_u32;
};

struct contiv_object;

struct contiv__kind {
	const char *name;		/* "network" */
	const char *collection;		/* "networks" */
	const struct contiv__attr *attrs;
	uint32_t n_attrs;
	/* Cross-field rules beyond the generic required check, or NULL. */
	int (*validate)(const struct contiv_object *obj);
};

struct contiv__value {
	bool set;
	uint32_t u32;
	char *str;
	char **items;
	size_t n_items;
};

struct contiv_object {
	int refcount;
	uint32_t kind;
	struct contiv_ctx *ctx;
	const struct contiv__kind *k;
	char *key;			/* cached by contiv_object_get_key() */
	struct contiv__value v[];	/* k->n_attrs values */
};

/* schema.c */
const struct contiv__kind *contiv__kind_get(uint32_t kind);
const struct contiv__attr *contiv__attr_get(uint32_t kind, uint32_t attr);

/* check.c: checkers used by the tables. */
const char *contiv__check_name(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_choice(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_subnet4(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_ipv4(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_ipv6(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_subnet6(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_range4(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_rule_ip(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_protocol(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_bandwidth(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_vlans(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_vxlans(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_pvt_subnet(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_endpoint_id(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_mac(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_intf_name(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_burst(const struct contiv__attr *a, uint32_t v, char *reason);
/* Runs the generic checks (length, printable ASCII) and a's checker. */
const char *contiv__check_str_value(const struct contiv__attr *a, const char *v, char *reason);
const char *contiv__check_u32_value(const struct contiv__attr *a, uint32_t v, char *reason);

/* bandwidth.c: parse without a context; *why on failure. */
int contiv__bandwidth_parse(const char *text, uint64_t *ret, const char **why);

/* object.c */
/* Writes '<kind>' or '<kind> "<name>"' into buf. */
const char *contiv__object_label(const struct contiv_object *obj, char buf[CONTIV_ERRMSG_MAX]);
/* Error about a string value: '<label>: <field> "<value>": <reason>'. */
int contiv__object_error_str(const struct contiv_object *obj, int err, uint32_t attr,
			     const char *value, const char *reason);
/* Error about an integer value: '<label>: <field> <value>: <reason>'. */
int contiv__object_error_u32(const struct contiv_object *obj, int err, uint32_t attr,
			     uint32_t value, const char *reason);
/* The value of a string attribute if set and not empty, else NULL. */
const char *contiv__object_str(const struct contiv_object *obj, uint32_t attr);
/* Replaces a list attribute with items (checked, duplicates dropped). */
int contiv__object_set_list(struct contiv_object *obj, uint32_t attr, const char *const *items,
			    size_t n);

/* validate.c: per-kind cross-field rules used by the kind table. */
int contiv__validate_network(const struct contiv_object *obj);
int contiv__validate_rule(const struct contiv_object *obj);

#endif /* CONTIV_MODEL_H */
