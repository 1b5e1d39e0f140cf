/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal declarations shared by the files of the ipam layer. */
#ifndef CONTIV_IPAM_INTERNAL_H
#define CONTIV_IPAM_INTERNAL_H

#include "libcontiv-private.h"
#include "bitalloc.h"

/* Longest canonical subnet text: "A.B.C.D-E.F.G.H/len" or an IPv6 "prefix/len". */
#define CONTIV__SUBNET_MAX 64

/* An inclusive interval of indexes. */
struct contiv__interval {
	uint32_t lo;
	uint32_t hi;
};

/*
 * An address pool. Index i of the bitmap is the address base + i (IPv4) or
 * host id i + 1 of prefix6 (IPv6); the gateway and carved ranges are set
 * bits that are also recorded here.
 */
struct contiv_ipam_pool {
	struct contiv_ctx *ctx;
	int family;		/* 4 or 6 */
	uint8_t len;		/* prefix length */
	bool is_child;		/* made by contiv_ipam_pool_carve() */
	char subnet[CONTIV__SUBNET_MAX];	/* canonical text, names the pool in messages */
	uint32_t base;		/* IPv4: the first allocatable address */
	uint8_t prefix6[16];	/* IPv6: the prefix, host bits clear */
	bool has_gateway;
	uint32_t gateway;	/* index of the gateway */
	struct contiv__interval *carved;	/* index ranges carved out, in carving order */
	size_t ncarved;
	struct contiv__bitalloc ba;
};

/* A pool with an empty bitmap of n addresses; the caller sets base or prefix6. */
int contiv__pool_make(struct contiv_ctx *ctx, int family, uint8_t len, const char *subnet,
		      uint32_t n, struct contiv_ipam_pool **ret);

/* Records "ipam <subnet>: <message>" on the pool's context; returns err. */
int contiv__pool_error(const struct contiv_ipam_pool *pool, int err, const char *fmt, ...)
	contiv__printf(3, 4);

/*
 * Index <-> text of a pool's addresses. to_index: 0, -EINVAL (malformed or
 * of the other family) or -CONTIV_ERR_NOT_IN_POOL; it sets no message.
 * format is a contiv__format_fn: userdata is the pool.
 */
int contiv__pool_to_index(const struct contiv_ipam_pool *pool, const char *text, uint32_t *ret);
void contiv__pool_format(const void *pool, uint32_t idx, char buf[46]);

/* Why index idx is taken: "is the gateway", "is in carved range A-B", ... */
void contiv__pool_taken_reason(const struct contiv_ipam_pool *pool, uint32_t idx, char buf[128]);

/*
 * Reserves the IPv4 range text in pool as a carved range; with a message on
 * failure: -EINVAL, -CONTIV_ERR_NOT_IN_POOL, -EEXIST, -ENOMEM. *ret is the
 * index interval.
 */
int contiv__pool_reserve(struct contiv_ipam_pool *pool, const char *text,
			 struct contiv__interval *ret);

/* An id pool: index i of the bitmap is the id min + i. */
struct contiv_idpool {
	struct contiv_ctx *ctx;
	uint32_t min;
	uint32_t max;
	struct contiv__bitalloc ba;
};

#define CONTIV__ID_MAX 16777215u

/* Records "idpool <min>-<max>: <message>" on the pool's context; returns err. */
int contiv__idpool_error(const struct contiv_idpool *pool, int err, const char *fmt, ...)
	contiv__printf(3, 4);
/* "MIN-MAX", strict decimal, with a message on ctx: 0 or -EINVAL. */
int contiv__idrange_parse(struct contiv_ctx *ctx, const char *text, uint32_t *min, uint32_t *max);
/* contiv__format_fn / contiv__parse_fn of an id pool (userdata is the pool). */
void contiv__idpool_format(const void *pool, uint32_t idx, char buf[46]);
int contiv__idpool_parse(const void *pool, const char *text, uint32_t *ret);

/* Range strings: "a-b, c, d-e". */
typedef void (*contiv__format_fn)(const void *userdata, uint32_t idx, char buf[46]);
typedef int (*contiv__parse_fn)(const void *userdata, const char *text, uint32_t *ret);

/*
 * Renders the runs of bits equal to set, leaving out the indexes of excl
 * (sorted by lo, disjoint), into a new string. 0 or -ENOMEM.
 */
int contiv__ranges_render(const struct contiv__bitalloc *ba, bool set,
			  const struct contiv__interval *excl, size_t nexcl,
			  contiv__format_fn fmt, const void *userdata, char **ret);

/*
 * Parses a range string, calling add(userdata2, lo, hi) for each item in
 * order. Returns 0, -EINVAL (*bad points at the offending item, at most 63
 * bytes of it copied in bad_buf) or what parse/add return.
 */
typedef int (*contiv__add_fn)(void *userdata, uint32_t lo, uint32_t hi);
int contiv__ranges_parse(const char *text, contiv__parse_fn parse, const void *parse_data,
			 contiv__add_fn add, void *add_data, char bad[64]);

/* Renders one index or interval, as the range string does, into buf. */
void contiv__ranges_format_item(contiv__format_fn fmt, const void *userdata,
				uint32_t lo, uint32_t hi, char buf[96]);

#endif
