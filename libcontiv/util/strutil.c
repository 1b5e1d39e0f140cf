/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small string helpers: quoting untrusted text for messages, strict numbers. */
#include "config.h"

#include <stdio.h>

#include "libcontiv-private.h"

#define QUOTE_TEXT_MAX 64

const char *contiv__quote(char buf[CONTIV_QUOTE_MAX], const char *text)
{
	size_t o = 0;

	if (!text) {
		snprintf(buf, CONTIV_QUOTE_MAX, "(null)");
		return buf;
	}
	for (size_t i = 0; text[i]; i++) {
		unsigned char c = (unsigned char)text[i];

		if (i == QUOTE_TEXT_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			o += (size_t)snprintf(buf + o, 5, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return buf;
}

int contiv__parse_u32(const char *text, uint32_t max, uint32_t *ret)
{
	uint64_t v = 0;

	if (!text || !*text)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -ERANGE;
	}
	*ret = (uint32_t)v;
	return 0;
}
