/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4/IPv6 address, subnet and range parsing shared by model and IPAM. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "libcontiv-private.h"

int contiv__parse_ipv4(const char *text, uint32_t *ret)
{
	struct in_addr a;

	if (!text || inet_pton(AF_INET, text, &a) != 1)
		return -EINVAL;
	*ret = ntohl(a.s_addr);
	return 0;
}

void contiv__format_ipv4(uint32_t addr, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
}

int contiv__parse_ipv6(const char *text, uint8_t ret[16])
{
	struct in6_addr a;

	if (!text || inet_pton(AF_INET6, text, &a) != 1)
		return -EINVAL;
	memcpy(ret, a.s6_addr, 16);
	return 0;
}

void contiv__format_ipv6(const uint8_t addr[16], char buf[46])
{
	struct in6_addr a;

	memcpy(a.s6_addr, addr, 16);
	if (!inet_ntop(AF_INET6, &a, buf, 46))
		buf[0] = '\0';
}

/* Copies text[0..n) into a bounded buffer; false if it does not fit. */
static bool copy_part(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

int contiv__parse_range4(const char *text, uint32_t *first, uint32_t *last, const char **why)
{
	char a[16];
	const char *dash;
	uint32_t lo, hi;

	if (!text || !*text) {
		*why = "must not be empty";
		return -EINVAL;
	}
	dash = strchr(text, '-');
	if (!dash) {
		if (contiv__parse_ipv4(text, &lo) < 0) {
			*why = "not an IPv4 address";
			return -EINVAL;
		}
		*first = *last = lo;
		return 0;
	}
	if (!copy_part(a, sizeof(a), text, (size_t)(dash - text)) ||
	    contiv__parse_ipv4(a, &lo) < 0 || contiv__parse_ipv4(dash + 1, &hi) < 0) {
		*why = "must be A.B.C.D or A.B.C.D-E.F.G.H";
		return -EINVAL;
	}
	if (lo > hi) {
		*why = "range start is above range end";
		return -EINVAL;
	}
	*first = lo;
	*last = hi;
	return 0;
}

int contiv__parse_subnet4(const char *text, struct contiv__subnet4 *ret, const char **why)
{
	char addr[40];
	const char *slash;
	uint32_t len, first, last, mask;
	struct contiv__subnet4 s = { 0 };

	if (!text || !*text) {
		*why = "must not be empty";
		return -EINVAL;
	}
	slash = strrchr(text, '/');
	if (!slash) {
		*why = "must be A.B.C.D/len or A.B.C.D-E.F.G.H/len";
		return -EINVAL;
	}
	if (contiv__parse_u32(slash + 1, 4096, &len) < 0) {
		*why = "prefix length must be a decimal number 1..32";
		return -EINVAL;
	}
	if (len < 1 || len > 32) {
		*why = "prefix length must be 1..32";
		return -EINVAL;
	}
	if (!copy_part(addr, sizeof(addr), text, (size_t)(slash - text)) ||
	    contiv__parse_range4(addr, &first, &last, why) < 0) {
		*why = "must be A.B.C.D/len or A.B.C.D-E.F.G.H/len";
		return -EINVAL;
	}
	mask = contiv__mask4((uint8_t)len);
	s.len = (uint8_t)len;
	s.network = first & mask;
	s.has_range = strchr(addr, '-') != NULL;
	if (s.has_range) {
		if ((last & mask) != s.network) {
			*why = "range must lie inside the subnet";
			return -EINVAL;
		}
		s.first = first;
		s.last = last;
	} else {
		s.first = s.network;
		s.last = s.network | ~mask;
	}
	*ret = s;
	return 0;
}

int contiv__parse_subnet6(const char *text, uint8_t prefix[16], uint8_t *len, const char **why)
{
	char addr[64];
	const char *slash;
	uint32_t l;

	if (!text || !*text) {
		*why = "must not be empty";
		return -EINVAL;
	}
	slash = strrchr(text, '/');
	if (!slash || !copy_part(addr, sizeof(addr), text, (size_t)(slash - text))) {
		*why = "must be an IPv6 prefix/len";
		return -EINVAL;
	}
	if (contiv__parse_u32(slash + 1, 4096, &l) < 0 || l < 1 || l > 128) {
		*why = "prefix length must be 1..128";
		return -EINVAL;
	}
	if (contiv__parse_ipv6(addr, prefix) < 0) {
		*why = "not an IPv6 address";
		return -EINVAL;
	}
	for (unsigned i = l; i < 128; i++)	/* clear host bits */
		prefix[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	*len = (uint8_t)l;
	return 0;
}

bool contiv__ipv6_in_prefix(const uint8_t a[16], const uint8_t prefix[16], uint8_t len)
{
	for (unsigned i = 0; i < len; i++) {
		uint8_t bit = (uint8_t)(0x80u >> (i % 8));
		if ((a[i / 8] & bit) != (prefix[i / 8] & bit))
			return false;
	}
	return true;
}
