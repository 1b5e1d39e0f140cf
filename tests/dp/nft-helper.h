/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the parts of tests/dp/nft-helper. */
#ifndef NFT_HELPER_H
#define NFT_HELPER_H

#include <stdbool.h>

#include <contiv/contiv.h>

extern struct contiv_ctx *ctx;

/* Prints what failed and exits (77 for a missing kernel feature). */
void die(const char *what, int r);
/* Adds an object of kind with the attributes kv (name, value, …, NULL) to p. */
void add(struct contiv_policy *p, uint32_t kind, const char *const *kv);
/* A new policy with network T:net (VNI 100). */
struct contiv_policy *policy_with_net(const char *subnet, const char *gateway);
#define ADD(p, kind, ...) add(p, kind, (const char *const[]){ __VA_ARGS__, NULL })

/*
 * Captures the library's nftables debug messages; returns how the last
 * contiv_dp_apply_policy() programmed the table: "full", "incremental" or
 * "unchanged" (call nft_mode_reset() before it).
 */
void nft_mode_capture(void);
void nft_mode_reset(void);
const char *nft_mode(void);

/* nft-random.c: "random SEED STEPS [full]" */
int random_main(int argc, char **argv);

#endif
