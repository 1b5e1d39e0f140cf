/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Endpoint MAC addresses as Contiv derives them: 02:02: + the IPv4 bytes. */
#include "config.h"

#include <stdio.h>

#include "ipam-internal.h"

#define MAC_TEXT_SIZE 18	/* "02:02:0a:01:02:03" and NUL */

CONTIV_EXPORT int contiv_ipam_mac_from_ipv4(const char *ipv4, char *buf, size_t len)
{
	uint32_t a;

	contiv_return_val_if_fail(ipv4 && buf, -EINVAL);
	if (contiv__parse_ipv4(ipv4, &a) < 0)
		return -EINVAL;
	if (len < MAC_TEXT_SIZE)
		return -ERANGE;
	snprintf(buf, len, "02:02:%02x:%02x:%02x:%02x", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
		 a & 0xff);
	return 0;
}
