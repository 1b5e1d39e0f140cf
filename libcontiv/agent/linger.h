/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network linger: a network's devices stay on a host for a while after its
 * last endpoint left, so that the next attach finds them (linger.c).
 */
#ifndef CONTIV_AGENT_LINGER_H
#define CONTIV_AGENT_LINGER_H

#include <stdbool.h>
#include <stdint.h>

/* The monotonic clock, in milliseconds (never 0). */
int64_t contiv__linger_now_ms(void);

/*
 * Whether a network no longer wanted on this host, idle since
 * *idle_since_ms (0: it just became idle, then set to @now_ms), is to be
 * removed at @now_ms with a linger of @linger_sec seconds (0: at once).
 */
bool contiv__linger_over(int64_t *idle_since_ms, uint32_t linger_sec, int64_t now_ms);

#endif
