/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Port mappings of the agent's local endpoints (DNAT, docker run -p): the
 * list per endpoint, its validation at the agent API's boundary, the state
 * file that keeps it across restarts and its contribution to the policy
 * program. Internal to libcontiv's agent layer.
 */
#ifndef CONTIV_AGENT_PORTMAP_H
#define CONTIV_AGENT_PORTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct contiv_ctx;
struct contiv_policy;

/* One mapping: proto 6 (tcp) or 17 (udp), ports 1..65535. */
struct contiv__pm {
	uint8_t proto;
	uint16_t host_port;
	uint16_t port;
};

/* One endpoint's mappings. */
struct contiv__pm_ep {
	char *id;
	struct contiv__pm *v;
	size_t n;
};

/* This host's mappings, by endpoint, and the file they are kept in. */
struct contiv__pm_table {
	char *file;		/* NULL: in memory only */
	struct contiv__pm_ep *eps;
	size_t n;
};

/* "tcp" / "udp" for a protocol number. */
const char *contiv__pm_proto_name(uint8_t proto);

/*
 * Parses and validates a "portMappings" JSON value (NULL = none) into *ret
 * (id left NULL). On -EINVAL, err holds a message naming the field and the
 * value ("portMappings[1].hostPort 70000: ..."); *ret is untouched on error.
 */
int contiv__pm_parse(struct json_object *arr, struct contiv__pm_ep *ret, char *err, size_t len);

/* Frees the lists of an endpoint's entry (not the entry itself). */
void contiv__pm_ep_clear(struct contiv__pm_ep *ep);

/* Whether two lists (NULL = empty) hold the same mappings in the same order. */
bool contiv__pm_same(const struct contiv__pm_ep *x, const struct contiv__pm_ep *y);

/* The entry of an endpoint id, or NULL. */
struct contiv__pm_ep *contiv__pm_find(const struct contiv__pm_table *t, const char *id);

/*
 * Whether one of @want's host ports (same protocol) is mapped by another
 * endpoint than @id: returns that endpoint's id and sets *clash, or NULL.
 */
const char *contiv__pm_clash(const struct contiv__pm_table *t, const char *id,
			     const struct contiv__pm_ep *want, const struct contiv__pm **clash);

/*
 * Replaces the mappings of @id by @list's (moved out of @list; an empty
 * list removes the entry). The previous mappings are moved into *old (empty
 * if none) for a rollback with another contiv__pm_set(). Returns 0 or -ENOMEM
 * (nothing changed).
 */
int contiv__pm_set(struct contiv__pm_table *t, const char *id, struct contiv__pm_ep *list,
		   struct contiv__pm_ep *old);

/* The mappings of an entry (NULL = none) as a JSON array. */
struct json_object *contiv__pm_to_json(const struct contiv__pm_ep *ep);

/*
 * Reads t->file (if set): a missing file is an empty table; a file that
 * cannot be parsed is logged and ignored (-EINVAL, table empty).
 */
int contiv__pm_load(struct contiv_ctx *ctx, struct contiv__pm_table *t);

/* Writes t->file (if set) atomically (temporary file + rename), mode 0600. */
int contiv__pm_save(struct contiv_ctx *ctx, const struct contiv__pm_table *t);

/* Frees everything the table holds (not the table itself). */
void contiv__pm_table_clear(struct contiv__pm_table *t);

/*
 * Returns the IPv4 address that the mappings of endpoint @id go to, or NULL
 * to leave them out of the program (endpoint not attached here, ambiguous).
 */
typedef const char *(*contiv__pm_ip_fn)(const char *id, void *userdata);

/*
 * Adds every mapping whose endpoint has an address to the policy; one the
 * policy refuses is skipped. Returns 0 or -ENOMEM.
 */
int contiv__pm_add_to_policy(const struct contiv__pm_table *t, struct contiv_policy *p,
			     contiv__pm_ip_fn ip_of, void *userdata);

#endif /* CONTIV_AGENT_PORTMAP_H */
