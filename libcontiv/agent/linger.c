/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network linger (see linger.h): the time keeping of the agent's deferred
 * network removal. Pure but for reading the monotonic clock.
 */
#include "config.h"

#include <time.h>

#include "linger.h"

int64_t contiv__linger_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

bool contiv__linger_over(int64_t *idle_since_ms, uint32_t linger_sec, int64_t now_ms)
{
	if (!linger_sec)
		return true;
	if (!*idle_since_ms) {
		*idle_since_ms = now_ms;
		return false;
	}
	return now_ms - *idle_since_ms >= (int64_t)linger_sec * 1000;
}
