/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run-time version of the library. */
#include "config.h"

#include "libcontiv-private.h"

CONTIV_EXPORT const char *contiv_version(void)
{
	return PACKAGE_VERSION;
}
