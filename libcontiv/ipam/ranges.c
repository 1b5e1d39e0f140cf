/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Index sets as Contiv's range strings: "10.1.1.2-10.1.1.4, 10.1.1.6". */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "ipam-internal.h"

#define ITEM_MAX 96	/* longest item accepted: two IPv6 addresses and a dash */
#define SEPARATOR ", "

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	bool oom;
};

static void strbuf_add(struct strbuf *sb, const char *text)
{
	size_t n = strlen(text);

	if (sb->oom)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		char *s;

		while (sb->len + n + 1 > cap)
			cap *= 2;
		s = realloc(sb->s, cap);
		if (!s) {
			sb->oom = true;
			return;
		}
		sb->s = s;
		sb->cap = cap;
	}
	memcpy(sb->s + sb->len, text, n + 1);
	sb->len += n;
}

void contiv__ranges_format_item(contiv__format_fn fmt, const void *userdata,
				uint32_t lo, uint32_t hi, char buf[96])
{
	char a[46], b[46];

	fmt(userdata, lo, a);
	if (lo == hi) {
		snprintf(buf, 96, "%s", a);
		return;
	}
	fmt(userdata, hi, b);
	snprintf(buf, 96, "%s-%s", a, b);
}

static void emit(struct strbuf *sb, contiv__format_fn fmt, const void *userdata,
		 uint32_t lo, uint32_t hi)
{
	char item[96];

	contiv__ranges_format_item(fmt, userdata, lo, hi, item);
	if (sb->len)
		strbuf_add(sb, SEPARATOR);
	strbuf_add(sb, item);
}

int contiv__ranges_render(const struct contiv__bitalloc *ba, bool set,
			  const struct contiv__interval *excl, size_t nexcl,
			  contiv__format_fn fmt, const void *userdata, char **ret)
{
	struct strbuf sb = { 0 };
	uint32_t from = 0, lo, hi;
	size_t k = 0;

	strbuf_add(&sb, "");
	while (contiv__bitalloc_next_run(ba, set, from, &lo, &hi)) {
		uint32_t cur = lo;

		while (k < nexcl && excl[k].hi < lo)
			k++;
		/* Emit [cur, hi] minus the excluded intervals that meet it. */
		for (; k < nexcl && excl[k].lo <= hi; k++) {
			if (excl[k].lo > cur)
				emit(&sb, fmt, userdata, cur, excl[k].lo - 1);
			cur = excl[k].hi + 1;
			if (excl[k].hi >= hi)
				break;
		}
		if (cur <= hi)
			emit(&sb, fmt, userdata, cur, hi);
		if (hi + 1 >= ba->n)
			break;
		from = hi + 1;
	}
	if (sb.oom) {
		free(sb.s);
		return -ENOMEM;
	}
	*ret = sb.s;
	return 0;
}

static void copy_bad(char bad[64], const char *item, size_t n)
{
	if (n > 63)
		n = 63;
	memcpy(bad, item, n);
	bad[n] = '\0';
}

int contiv__ranges_parse(const char *text, contiv__parse_fn parse, const void *parse_data,
			 contiv__add_fn add, void *add_data, char bad[64])
{
	const char *p = text;

	bad[0] = '\0';
	if (!*p)
		return 0;
	for (;;) {
		const char *end = strstr(p, SEPARATOR);
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char item[ITEM_MAX], *dash;
		uint32_t lo, hi;
		int r;

		copy_bad(bad, p, n);
		if (n == 0 || n >= sizeof(item))
			return -EINVAL;
		memcpy(item, p, n);
		item[n] = '\0';
		dash = strchr(item, '-');
		if (dash)
			*dash = '\0';
		r = parse(parse_data, item, &lo);
		if (r < 0)
			return r;
		hi = lo;
		if (dash) {
			r = parse(parse_data, dash + 1, &hi);
			if (r < 0)
				return r;
			if (lo > hi)
				return -EINVAL;
		}
		r = add(add_data, lo, hi);
		if (r < 0)
			return r;
		if (!end)
			break;
		p = end + strlen(SEPARATOR);
	}
	bad[0] = '\0';
	return 0;
}
