/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_IPAM_H
#define CONTIV_IPAM_H

/**
 * SECTION:ipam
 * Address and id allocators.
 *
 * struct contiv_ipam_pool hands out the addresses of one IPv4 or IPv6 subnet,
 * lowest free first or a requested one. For IPv4 the network and broadcast
 * addresses are never handed out and the gateway is reserved; a range subnet
 * ("10.1.1.10-10.1.1.45/24") limits the addresses to the range. An endpoint
 * group's ip-pool is carved out of its network's pool (contiv_ipam_pool_carve())
 * and allocates only from its range. IPv6 pools hand out host ids 1, 2, … of
 * the prefix; at most the first 2^24 host ids of a prefix are used.
 *
 * struct contiv_idpool hands out integers of a range: VLANs ("1-4094"),
 * VXLAN VNIs ("1-10000"), endpoint group ids ("1-65535").
 *
 * Both keep their state in a sparse two-level bitmap: a /8 costs a few
 * kilobytes until addresses are used, allocation and release touch O(1)
 * words plus one scan of a summary of at most 64 words. Both serialise to
 * JSON and back, and render their allocated and available sets as range
 * strings ("10.1.1.2-10.1.1.4, 10.1.1.6-10.1.1.254").
 *
 * Lifetime: pools are value objects owned by the caller: *_new() or
 * *_from_json() create one, *_free() (NULL-safe) destroys it. A pool holds a
 * reference on its context.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct contiv_ctx;
struct contiv_ipam_pool;
struct contiv_idpool;

/**
 * CONTIV_IPAM_ADDR_MAX: a buffer of this size holds any address text that
 * the IPAM functions write (an IPv6 address with its NUL).
 */
#define CONTIV_IPAM_ADDR_MAX 46

/**
 * contiv_ipam_pool_new:
 * @ctx: a context
 * @subnet: "A.B.C.D/len" (len 8..30), "A.B.C.D-E.F.G.H/len" (a range inside
 *   the subnet), or an IPv6 "prefix/len" (len 1..126)
 * @gateway: the gateway to reserve, or NULL/"" for none; must lie inside
 *   @subnet (and inside the range) and be of the same family
 * @ret: where the new pool is stored on success
 *
 * Returns: 0 on success; -EINVAL for a malformed subnet or gateway (the
 * context's message names it); -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_ipam_pool_new(struct contiv_ctx *ctx, const char *subnet, const char *gateway,
			 struct contiv_ipam_pool **ret);

/**
 * contiv_ipam_pool_free:
 * @pool: a pool, or NULL
 *
 * Frees the pool (a carved child pool is independent of its parent).
 *
 * Since: 1
 */
void contiv_ipam_pool_free(struct contiv_ipam_pool *pool);

/**
 * contiv_ipam_pool_get_family:
 * @pool: a pool
 *
 * Returns: 4 or 6; -EINVAL if @pool is NULL.
 *
 * Since: 1
 */
int contiv_ipam_pool_get_family(const struct contiv_ipam_pool *pool);

/**
 * contiv_ipam_pool_get_prefix_len:
 * @pool: a pool
 *
 * Returns: the subnet's prefix length; -EINVAL if @pool is NULL.
 *
 * Since: 1
 */
int contiv_ipam_pool_get_prefix_len(const struct contiv_ipam_pool *pool);

/**
 * contiv_ipam_pool_alloc:
 * @pool: a pool
 * @want: the address wanted, or NULL/"" for the lowest free one
 * @buf: where the allocated address is written (without prefix length)
 * @len: size of @buf; CONTIV_IPAM_ADDR_MAX always suffices
 *
 * Returns: 0 on success; -CONTIV_ERR_EXHAUSTED if no address is free;
 * -EEXIST if @want is already allocated or reserved (gateway, carved);
 * -CONTIV_ERR_NOT_IN_POOL if @want is outside the pool's addresses;
 * -EINVAL if @want is malformed; -ERANGE if @len is too small (nothing is
 * allocated then); -ECHILD.
 *
 * Since: 1
 */
int contiv_ipam_pool_alloc(struct contiv_ipam_pool *pool, const char *want, char *buf, size_t len);

/**
 * contiv_ipam_pool_release:
 * @pool: a pool
 * @addr: an address allocated from @pool
 *
 * Returns: 0 on success; -ENOENT if @addr is not allocated; -EPERM if @addr
 * is the gateway or belongs to a carved range; -CONTIV_ERR_NOT_IN_POOL;
 * -EINVAL if malformed; -ECHILD.
 *
 * Since: 1
 */
int contiv_ipam_pool_release(struct contiv_ipam_pool *pool, const char *addr);

/**
 * contiv_ipam_pool_is_allocated:
 * @pool: a pool
 * @addr: an address
 *
 * Returns: 1 if @addr is allocated or reserved (gateway, carved range), 0 if
 * free; -CONTIV_ERR_NOT_IN_POOL if outside the pool; -EINVAL.
 *
 * Since: 1
 */
int contiv_ipam_pool_is_allocated(const struct contiv_ipam_pool *pool, const char *addr);

/**
 * contiv_ipam_pool_carve:
 * @parent: an IPv4 pool
 * @range: "A.B.C.D-E.F.G.H" or a single "A.B.C.D", inside @parent's addresses
 * @ret_child: where the child pool is stored on success
 *
 * Reserves @range in @parent (it then counts as allocated there) and returns
 * a pool that allocates only from @range, as Contiv's endpoint-group ip-pool.
 *
 * Returns: 0 on success; -EEXIST if an address of @range is already
 * allocated or reserved in @parent; -CONTIV_ERR_NOT_IN_POOL if @range leaves
 * @parent's addresses; -EINVAL if malformed or @parent is IPv6; -ENOMEM.
 *
 * Since: 1
 */
int contiv_ipam_pool_carve(struct contiv_ipam_pool *parent, const char *range,
			   struct contiv_ipam_pool **ret_child);

/**
 * contiv_ipam_pool_uncarve:
 * @parent: the pool @range was carved from
 * @range: the exact range string given to contiv_ipam_pool_carve()
 *
 * Returns the range to @parent's free addresses. The caller makes sure no
 * address of the child pool is still in use.
 *
 * Returns: 0 on success; -ENOENT if @range was not carved from @parent;
 * -EINVAL.
 *
 * Since: 1
 */
int contiv_ipam_pool_uncarve(struct contiv_ipam_pool *parent, const char *range);

/**
 * contiv_ipam_pool_count_allocated:
 * @pool: a pool
 *
 * Returns: the number of allocated addresses, gateway and carved ranges
 * included; 0 if @pool is NULL.
 *
 * Since: 1
 */
uint64_t contiv_ipam_pool_count_allocated(const struct contiv_ipam_pool *pool);

/**
 * contiv_ipam_pool_count_available:
 * @pool: a pool
 *
 * Returns: the number of addresses that can still be allocated; 0 if @pool
 * is NULL.
 *
 * Since: 1
 */
uint64_t contiv_ipam_pool_count_available(const struct contiv_ipam_pool *pool);

/**
 * contiv_ipam_pool_get_allocated:
 * @pool: a pool
 * @ret: where the text is stored on success; free with contiv_free()
 *
 * Renders the allocated addresses as Contiv does: comma-and-space separated
 * ranges, a single address alone ("10.1.1.1-10.1.1.3, 10.1.1.254"); "" if none.
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_ipam_pool_get_allocated(const struct contiv_ipam_pool *pool, char **ret);

/**
 * contiv_ipam_pool_get_available:
 * @pool: a pool
 * @ret: where the text is stored on success; free with contiv_free()
 *
 * Renders the free addresses like contiv_ipam_pool_get_allocated().
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_ipam_pool_get_available(const struct contiv_ipam_pool *pool, char **ret);

/**
 * contiv_ipam_pool_to_json:
 * @pool: a pool
 * @ret: where the JSON text is stored on success; free with contiv_free()
 *
 * Serialises the whole state: {"subnet", "gateway", "carved": [...],
 * "allocated": "<range string>"}, where "allocated" lists the addresses
 * handed out by contiv_ipam_pool_alloc() only (not the gateway, not the
 * carved ranges, which have their own fields).
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_ipam_pool_to_json(const struct contiv_ipam_pool *pool, char **ret);

/**
 * contiv_ipam_pool_from_json:
 * @ctx: a context
 * @json: text made by contiv_ipam_pool_to_json()
 * @ret: where the pool is stored on success
 *
 * Returns: 0 on success; -CONTIV_ERR_JSON if not JSON of the expected shape;
 * -EINVAL if a value is invalid or inconsistent; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_ipam_pool_from_json(struct contiv_ctx *ctx, const char *json,
			       struct contiv_ipam_pool **ret);

/**
 * contiv_ipam_mac_from_ipv4:
 * @ipv4: a dotted IPv4 address
 * @buf: where the MAC is written, "02:02:" + the four address bytes in hex
 *   ("10.1.2.3" -> "02:02:0a:01:02:03")
 * @len: size of @buf, at least 18
 *
 * Returns: 0 on success; -EINVAL if @ipv4 is malformed; -ERANGE if @len < 18.
 *
 * Since: 1
 */
int contiv_ipam_mac_from_ipv4(const char *ipv4, char *buf, size_t len);

/**
 * contiv_idpool_new:
 * @ctx: a context
 * @range: "MIN-MAX" with 0 <= MIN <= MAX <= 16777215, e.g. "1-4094"
 * @ret: where the pool is stored on success
 *
 * Returns: 0 on success; -EINVAL for a malformed range; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_idpool_new(struct contiv_ctx *ctx, const char *range, struct contiv_idpool **ret);

/**
 * contiv_idpool_free:
 * @pool: a pool, or NULL
 *
 * Since: 1
 */
void contiv_idpool_free(struct contiv_idpool *pool);

/**
 * contiv_idpool_alloc:
 * @pool: a pool
 * @want: the id wanted, or 0 for the lowest free one (an id 0 inside the
 *   range can only be had as the lowest free)
 * @ret: where the id is stored on success
 *
 * Returns: 0 on success; -CONTIV_ERR_EXHAUSTED; -EEXIST if @want is taken;
 * -CONTIV_ERR_NOT_IN_POOL if @want is outside the range; -EINVAL.
 *
 * Since: 1
 */
int contiv_idpool_alloc(struct contiv_idpool *pool, uint32_t want, uint32_t *ret);

/**
 * contiv_idpool_release:
 * @pool: a pool
 * @id: an allocated id
 *
 * Returns: 0 on success; -ENOENT if not allocated; -CONTIV_ERR_NOT_IN_POOL.
 *
 * Since: 1
 */
int contiv_idpool_release(struct contiv_idpool *pool, uint32_t id);

/**
 * contiv_idpool_is_allocated:
 * @pool: a pool
 * @id: an id
 *
 * Returns: 1 if allocated, 0 if free, -CONTIV_ERR_NOT_IN_POOL, -EINVAL.
 *
 * Since: 1
 */
int contiv_idpool_is_allocated(const struct contiv_idpool *pool, uint32_t id);

/**
 * contiv_idpool_set_range:
 * @pool: a pool
 * @range: the new "MIN-MAX"
 *
 * Moves the pool to a new range, keeping its allocations, as when the global
 * vlans/vxlans setting changes.
 *
 * Returns: 0 on success; -EBUSY if an allocated id would fall outside the new
 * range (the message names it); -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_idpool_set_range(struct contiv_idpool *pool, const char *range);

/**
 * contiv_idpool_count_allocated:
 * @pool: a pool
 *
 * Returns: the number of allocated ids; 0 if @pool is NULL.
 *
 * Since: 1
 */
uint64_t contiv_idpool_count_allocated(const struct contiv_idpool *pool);

/**
 * contiv_idpool_get_allocated:
 * @pool: a pool
 * @ret: where the range string is stored ("1-3, 7"); free with contiv_free()
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_idpool_get_allocated(const struct contiv_idpool *pool, char **ret);

/**
 * contiv_idpool_to_json:
 * @pool: a pool
 * @ret: where {"range": "1-4094", "allocated": "1-3, 7"} is stored; free
 *   with contiv_free()
 *
 * Returns: 0 on success; -EINVAL; -ENOMEM.
 *
 * Since: 1
 */
int contiv_idpool_to_json(const struct contiv_idpool *pool, char **ret);

/**
 * contiv_idpool_from_json:
 * @ctx: a context
 * @json: text made by contiv_idpool_to_json()
 * @ret: where the pool is stored on success
 *
 * Returns: 0 on success; -CONTIV_ERR_JSON; -EINVAL; -ENOMEM; -ECHILD.
 *
 * Since: 1
 */
int contiv_idpool_from_json(struct contiv_ctx *ctx, const char *json, struct contiv_idpool **ret);

#ifdef __cplusplus
}
#endif

#endif /* CONTIV_IPAM_H */
