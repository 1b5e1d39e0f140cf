/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Error codes to text: errno and enum contiv_errno. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "libcontiv-private.h"

static const char *const contiv_errno_text[] = {
	[CONTIV_ERR_JSON - CONTIV_ERRNO__START] = "Malformed JSON or JSON value of the wrong type",
	[CONTIV_ERR_EXHAUSTED - CONTIV_ERRNO__START] = "Pool exhausted: nothing left to allocate",
	[CONTIV_ERR_NOT_IN_POOL - CONTIV_ERRNO__START] = "Address or id outside the pool",
	[CONTIV_ERR_CONFLICT - CONTIV_ERRNO__START] = "Conflict: the data changed meanwhile",
	[CONTIV_ERR_COMPACTED - CONTIV_ERRNO__START] = "Revision compacted: a full resync is needed",
	[CONTIV_ERR_UNAVAILABLE - CONTIV_ERRNO__START] = "State store unavailable",
};

CONTIV_EXPORT int contiv_strerror(int err, char *buf, size_t len)
{
	const char *text = NULL;
	int written, ret = 0;

	contiv_return_val_if_fail(buf && len > 0, -EINVAL);
	if (err < 0)
		err = -err;

	if (err > CONTIV_ERRNO__START && err < __CONTIV_ERRNO__END) {
		text = contiv_errno_text[err - CONTIV_ERRNO__START];
		written = snprintf(buf, len, "%s", text);
	} else if (err < CONTIV_ERRNO__START) {
		char tmp[128];
		const char *s = strerror_r(err, tmp, sizeof(tmp));
		if (!s || !strncmp(s, "Unknown error", 13))
			ret = -EINVAL;
		written = snprintf(buf, len, "%s", s ? s : "Unknown error");
	} else {
		written = snprintf(buf, len, "Unknown libcontiv error %d", err);
		ret = -EINVAL;
	}
	if (written < 0 || (size_t)written >= len)
		return ret ? ret : -ERANGE;
	return ret;
}
