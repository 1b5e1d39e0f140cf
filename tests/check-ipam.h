/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers and test cases shared by the files of the ipam suite. */
#ifndef CONTIV_CHECK_IPAM_H
#define CONTIV_CHECK_IPAM_H

#include <check.h>

#include "check-suites.h"
#include "libcontiv-private.h"

struct contiv_ctx *ipam_ctx(void);
struct contiv_ipam_pool *ipam_pool(struct contiv_ctx *ctx, const char *subnet, const char *gateway);
/* Allocates want (NULL: lowest free) and checks the address given out. */
void ipam_alloc_eq(struct contiv_ipam_pool *pool, const char *want, const char *expected);
/* Checks the allocated / available range strings. */
void ipam_allocated_eq(const struct contiv_ipam_pool *pool, const char *expected);
void ipam_available_eq(const struct contiv_ipam_pool *pool, const char *expected);

TCase *make_ipam_bitalloc_tcase(void);
TCase *make_ipam_json_tcase(void);
TCase *make_ipam_idpool_tcase(void);
TCase *make_ipam_args_tcase(void);

#endif
