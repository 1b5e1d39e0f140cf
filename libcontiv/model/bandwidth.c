/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Netprofile bandwidth strings ("500Kbps", "10 Gbps", "4g").
 *
 * The syntax is Contiv's netProfile.json pattern. The value deviates from
 * Contiv on purpose: Contiv's ConvertBandwidth multiplies by 1024 per unit,
 * we use decimal units (500Kbps = 500000 bit/s) as tc and network gear do.
 */
#include "config.h"

#include <stdio.h>

#include "model/model.h"

#define BANDWIDTH_TEXT_MAX 64

int contiv__bandwidth_parse(const char *text, uint64_t *ret, const char **why)
{
	static const char *const syntax =
		"must be a number > 0, an optional space and a unit k, m or g "
		"(any case) optionally followed by \"b\" or \"bps\"";
	const char *p = text;
	uint64_t n = 0, mult;

	if (strnlen(text, BANDWIDTH_TEXT_MAX + 1) > BANDWIDTH_TEXT_MAX) {
		*why = "must be at most 64 characters";
		return -EINVAL;
	}
	if (*p < '1' || *p > '9') {
		*why = syntax;
		return -EINVAL;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - 9) / 10) {
			*why = "rate is too large";
			return -EINVAL;
		}
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (*p == ' ')
		p++;
	switch (*p) {
	case 'k': case 'K': mult = 1000; break;
	case 'm': case 'M': mult = 1000 * 1000; break;
	case 'g': case 'G': mult = 1000 * 1000 * 1000; break;
	default:
		*why = syntax;
		return -EINVAL;
	}
	p++;
	if (*p && strcmp(p, "b") && strcmp(p, "bps")) {
		*why = syntax;
		return -EINVAL;
	}
	if (n > UINT64_MAX / mult) {
		*why = "rate is too large";
		return -EINVAL;
	}
	*ret = n * mult;
	return 0;
}

CONTIV_EXPORT int contiv_bandwidth_parse(struct contiv_ctx *ctx, const char *text,
					 uint64_t *ret_bits_per_sec)
{
	char q[CONTIV_QUOTE_MAX];
	const char *why = NULL;
	uint64_t bps;

	contiv_return_val_if_fail(ctx && text && ret_bits_per_sec, -EINVAL);
	contiv_return_if_forked(ctx);
	if (contiv__bandwidth_parse(text, &bps, &why) < 0)
		return contiv__error(ctx, -EINVAL, "bandwidth \"%s\": %s", contiv__quote(q, text),
				     why);
	*ret_bits_per_sec = bps;
	return 0;
}

CONTIV_EXPORT int contiv_bandwidth_format(uint64_t bits_per_sec, char *buf, size_t len)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = {
		{ 1000000000, "Gbps" }, { 1000000, "Mbps" }, { 1000, "Kbps" }, { 1, "bps" },
	};
	int n = 0;

	contiv_return_val_if_fail(buf, -EINVAL);
	for (size_t i = 0; i < CONTIV_ARRAY_SIZE(units); i++) {
		if (bits_per_sec != 0 && bits_per_sec % units[i].div)
			continue;
		if (bits_per_sec == 0 && units[i].div != 1)
			continue;
		n = snprintf(buf, len, "%llu%s", (unsigned long long)(bits_per_sec / units[i].div),
			     units[i].unit);
		break;
	}
	if (n < 0 || (size_t)n >= len)
		return -ERANGE;
	return 0;
}
