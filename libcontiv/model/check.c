/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Value checkers of the attribute tables. Each checks one value and returns
 * NULL or the reason it is invalid. Patterns follow Contiv's contivmodel
 * JSON schemas (contiv.md §2.2, §2.3) unless a comment says otherwise.
 */
#include "config.h"

#include <stdio.h>

#include "model/model.h"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *contiv__check_str_value(const struct contiv__attr *a, const char *v, char *reason)
{
	size_t len = strnlen(v, (size_t)a->max_len + 1);

	if (len > a->max_len) {
		snprintf(reason, CONTIV__REASON_MAX, "must be at most %u characters", a->max_len);
		return reason;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
			return "must contain only printable ASCII characters";
	if (len == 0 && (a->flags & CONTIV__A_EMPTY_OK))
		return NULL;
	return a->check ? a->check(a, v, reason) : NULL;
}

const char *contiv__check_u32_value(const struct contiv__attr *a, uint32_t v, char *reason)
{
	if (a->check_u32)
		return a->check_u32(a, v, reason);
	if (v < a->min || v > a->max) {
		snprintf(reason, CONTIV__REASON_MAX, "must be %u..%u", a->min, a->max);
		return reason;
	}
	return NULL;
}

/*
 * Contiv's NAME_RE: dot-separated labels of letters, digits and '-', each
 * starting and ending with a letter or digit. Length is the table's max_len.
 */
const char *contiv__check_name(const struct contiv__attr *a, const char *v, char *reason)
{
	size_t label = 0;
	char prev = '.';

	if (!*v)
		return "must not be empty";
	for (const char *p = v; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return "must not contain an empty label (leading, trailing or double '.')";
			if (prev == '-')
				return "labels must not end with '-'";
			label = 0;
		} else if (*p == '-') {
			if (label == 0)
				return "labels must not start with '-'";
			label++;
		} else if (is_alnum(*p)) {
			label++;
		} else {
			return "must contain only ASCII letters, digits, '-' and '.'";
		}
		prev = *p;
	}
	if (prev == '.')
		return "must not contain an empty label (leading, trailing or double '.')";
	if (prev == '-')
		return "labels must not end with '-'";
	return NULL;
}

/* One of the '|'-separated words of a->choices. */
const char *contiv__check_choice(const struct contiv__attr *a, const char *v, char *reason)
{
	size_t n = strlen(v);

	for (const char *c = a->choices; *c;) {
		const char *end = strchr(c, '|');

		if (!end)
			end = c + strlen(c);
		if ((size_t)(end - c) == n && !memcmp(c, v, n))
			return NULL;
		c = *end ? end + 1 : end;
	}
	snprintf(reason, CONTIV__REASON_MAX, "must be one of %s", a->choices);
	return reason;
}

/*
 * A.B.C.D[-E.F.G.H]/len. Contiv's server wants len >= 8; we also reject /31
 * and /32, which leave no address for endpoints besides network/broadcast.
 */
const char *contiv__check_subnet4(const struct contiv__attr *a, const char *v, char *reason)
{
	struct contiv__subnet4 s;
	const char *why = NULL;

	if (contiv__parse_subnet4(v, &s, &why) < 0)
		return why;
	if (s.len < 8)
		return "prefix length must be at least 8";
	if (s.len > 30)
		return "a /31 or /32 leaves no host addresses";
	return NULL;
}

const char *contiv__check_ipv4(const struct contiv__attr *a, const char *v, char *reason)
{
	uint32_t addr;

	return contiv__parse_ipv4(v, &addr) < 0 ? "not an IPv4 address (A.B.C.D)" : NULL;
}

const char *contiv__check_ipv6(const struct contiv__attr *a, const char *v, char *reason)
{
	uint8_t addr[16];

	return contiv__parse_ipv6(v, addr) < 0 ? "not an IPv6 address" : NULL;
}

/* Contiv rejects an IPv6 /127 and /128 (no host addresses). */
const char *contiv__check_subnet6(const struct contiv__attr *a, const char *v, char *reason)
{
	uint8_t prefix[16], len;
	const char *why = NULL;

	if (contiv__parse_subnet6(v, prefix, &len, &why) < 0)
		return why;
	if (len > 126)
		return "prefix length must be 1..126";
	return NULL;
}

const char *contiv__check_range4(const struct contiv__attr *a, const char *v, char *reason)
{
	uint32_t first, last;
	const char *why = NULL;

	return contiv__parse_range4(v, &first, &last, &why) < 0 ? why : NULL;
}

/*
 * A rule's address: A.B.C.D or A.B.C.D/len with len 1..32. Contiv's pattern
 * also allows "A.B.C.D-N[/len]", which its datapath never interprets; we
 * reject it.
 */
const char *contiv__check_rule_ip(const struct contiv__attr *a, const char *v, char *reason)
{
	char addr[16];
	const char *slash = strchr(v, '/');
	uint32_t ip, len;
	size_t n = slash ? (size_t)(slash - v) : strlen(v);

	if (n >= sizeof(addr))
		return "must be A.B.C.D or A.B.C.D/len";
	memcpy(addr, v, n);
	addr[n] = '\0';
	if (contiv__parse_ipv4(addr, &ip) < 0)
		return "must be A.B.C.D or A.B.C.D/len";
	if (slash && (contiv__parse_u32(slash + 1, 32, &len) < 0 || len < 1))
		return "prefix length must be 1..32";
	return NULL;
}

/* tcp, udp, icmp or an IP protocol number 0..255 (Contiv: [0-9]{1,3}). */
const char *contiv__check_protocol(const struct contiv__attr *a, const char *v, char *reason)
{
	uint32_t n;

	if (!strcmp(v, "tcp") || !strcmp(v, "udp") || !strcmp(v, "icmp"))
		return NULL;
	if (strlen(v) <= 3 && contiv__parse_u32(v, 255, &n) == 0)
		return NULL;
	return "must be tcp, udp, icmp or a protocol number 0..255";
}

const char *contiv__check_bandwidth(const struct contiv__attr *a, const char *v, char *reason)
{
	uint64_t bps;
	const char *why = NULL;

	return contiv__bandwidth_parse(v, &bps, &why) < 0 ? why : NULL;
}

/* "MIN-MAX", decimal, lo <= MIN <= MAX <= hi, at most span tags. */
static const char *check_tag_range(const char *v, uint32_t lo, uint32_t hi, uint32_t span,
				   char *reason)
{
	char buf[16];
	const char *dash = strchr(v, '-');
	uint32_t min, max;
	size_t n = dash ? (size_t)(dash - v) : 0;

	snprintf(reason, CONTIV__REASON_MAX, "must be MIN-MAX within %u-%u", lo, hi);
	if (!dash || n == 0 || n >= sizeof(buf))
		return reason;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (contiv__parse_u32(buf, hi, &min) < 0 || contiv__parse_u32(dash + 1, hi, &max) < 0 ||
	    min < lo)
		return reason;
	if (min > max)
		return "range start is above range end";
	if (max - min >= span) {
		snprintf(reason, CONTIV__REASON_MAX, "must span at most %u tags", span);
		return reason;
	}
	return NULL;
}

const char *contiv__check_vlans(const struct contiv__attr *a, const char *v, char *reason)
{
	return check_tag_range(v, 1, 4094, 4094, reason);
}

/* As Contiv: MAX <= 65535 and a span of at most 16000 VXLANs. */
const char *contiv__check_vxlans(const struct contiv__attr *a, const char *v, char *reason)
{
	return check_tag_range(v, 1, 65535, 16000, reason);
}

const char *contiv__check_pvt_subnet(const struct contiv__attr *a, const char *v, char *reason)
{
	struct contiv__subnet4 s;
	const char *why = NULL;

	if (contiv__parse_subnet4(v, &s, &why) < 0)
		return why;
	if (s.has_range || s.len != 16)
		return "must be A.B.C.D/16";
	return NULL;
}

/* Printable ASCII (checked generically) without '/', since it is a REST path element. */
const char *contiv__check_endpoint_id(const struct contiv__attr *a, const char *v, char *reason)
{
	if (!*v)
		return "must not be empty";
	if (strchr(v, '/'))
		return "must not contain '/'";
	return NULL;
}

/* Six hex octets separated by ':'. */
const char *contiv__check_mac(const struct contiv__attr *a, const char *v, char *reason)
{
	static const char hex[] = "0123456789abcdefABCDEF";

	if (strlen(v) != 17)
		return "must be six hex octets xx:xx:xx:xx:xx:xx";
	for (size_t i = 0; i < 17; i++) {
		bool colon = i % 3 == 2;

		if (colon ? v[i] != ':' : !strchr(hex, v[i]))
			return "must be six hex octets xx:xx:xx:xx:xx:xx";
	}
	return NULL;
}

/* A Linux interface name: 1..15 bytes (IFNAMSIZ - 1), no '/', no space, not . or .. */
const char *contiv__check_intf_name(const struct contiv__attr *a, const char *v, char *reason)
{
	size_t n = strlen(v);

	if (n < 1 || n > 15)
		return "must be 1..15 characters";
	if (strchr(v, '/') || strchr(v, ' '))
		return "must not contain '/' or spaces";
	if (!strcmp(v, ".") || !strcmp(v, ".."))
		return "must not be \".\" or \"..\"";
	return NULL;
}

/* Contiv rejects a burst of 1 KB (smaller than one 1500-byte packet). */
const char *contiv__check_burst(const struct contiv__attr *a, uint32_t v, char *reason)
{
	if (v == 1)
		return "burst must be 0 or at least 2 KB";
	if (v > a->max) {
		snprintf(reason, CONTIV__REASON_MAX, "must be at most %u", a->max);
		return reason;
	}
	return NULL;
}
