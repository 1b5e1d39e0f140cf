/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netctl's one output path: errors on stderr, tables formatted as Go's
 * text/tabwriter does, JSON indented as Go's json.MarshalIndent, and the
 * list/inspect plumbing the handlers share.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "netctl.h"

/* --- errors ------------------------------------------------------------ */

int netctl_error(int exit_code, const char *fmt, ...)
{
	va_list ap;

	fputs("netctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return exit_code;
}

int netctl_exit_code(int err)
{
	switch (err) {
	case -CONTIV_ERR_UNAVAILABLE:
		return NETCTL_EXIT_REQUEST;
	case -CONTIV_ERR_JSON:
	case -ENOMEM:
	case -E2BIG:
		return NETCTL_EXIT_IO;
	default:
		return NETCTL_EXIT_INVALID;
	}
}

int netctl_fail(struct netctl *nc, int err)
{
	const char *msg = nc->ctx ? contiv_ctx_get_error(nc->ctx) : NULL;
	char buf[256];

	if (!msg || !*msg || contiv_ctx_get_errno(nc->ctx) != err) {
		contiv_strerror(err, buf, sizeof(buf));
		msg = buf;
	}
	return netctl_error(netctl_exit_code(err), "%s", msg);
}

/* --- tables: Go's text/tabwriter (flags 0, padchar ' ') ----------------- */

struct cell {
	size_t start, size;	/* bytes in text */
	size_t width;		/* runes */
};

struct tline {
	struct cell *cells;	/* the last one is the text after the last tab */
	size_t n;
};

struct netctl_table {
	char *text;
	size_t len, cap;
	int minwidth, padding;
	int oom;
};

struct netctl_table *netctl_table_new(int minwidth, int padding)
{
	struct netctl_table *t = calloc(1, sizeof(*t));

	if (t) {
		t->minwidth = minwidth;
		t->padding = padding;
	}
	return t;
}

int netctl_table_printf(struct netctl_table *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!t || t->oom)
		return -ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->cap ? t->cap : 1024);
		char *p;

		while (cap < t->len + (size_t)n + 1)
			cap *= 2;
		p = realloc(t->text, cap);
		if (!p) {
			t->oom = 1;
			return -ENOMEM;
		}
		t->text = p;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->text + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
	return 0;
}

static size_t utf8_width(const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

struct fmt_state {
	const struct netctl_table *t;
	struct tline *lines;
	size_t n_lines;
	size_t *widths;
	size_t n_widths;
	FILE *out;
};

static void write_lines(struct fmt_state *st, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		const struct tline *l = &st->lines[i];

		for (size_t j = 0; j < l->n; j++) {
			const struct cell *c = &l->cells[j];

			fwrite(st->t->text + c->start, 1, c->size, st->out);
			if (j < st->n_widths)
				for (size_t k = c->width; k < st->widths[j]; k++)
					fputc(' ', st->out);
		}
		if (i + 1 < st->n_lines)
			fputc('\n', st->out);
	}
}

/* Go's (*Writer).format: column blocks, recursively. */
static void format_block(struct fmt_state *st, size_t line0, size_t line1)
{
	size_t column = st->n_widths;

	for (size_t this = line0; this < line1; this++) {
		size_t width;

		if (column + 1 >= st->lines[this].n)
			continue;
		write_lines(st, line0, this);
		line0 = this;
		width = (size_t)st->t->minwidth;
		for (; this < line1; this++) {
			const struct tline *l = &st->lines[this];

			if (column + 1 >= l->n)
				break;
			if (l->cells[column].width + (size_t)st->t->padding > width)
				width = l->cells[column].width + (size_t)st->t->padding;
		}
		st->widths[st->n_widths++] = width;
		format_block(st, line0, this);
		st->n_widths--;
		line0 = this;
	}
	write_lines(st, line0, line1);
}

int netctl_table_flush(struct netctl_table *t, FILE *out)
{
	struct fmt_state st = { .t = t, .out = out };
	size_t max_cells = 1, pos = 0;
	int r = NETCTL_EXIT_OK;

	if (!t)
		return netctl_error(NETCTL_EXIT_IO, "out of memory");
	if (t->oom) {
		r = netctl_error(NETCTL_EXIT_IO, "out of memory");
		goto out;
	}
	/* Split into lines of cells; text after the last '\n' is a last line. */
	while (pos < t->len) {
		size_t end = pos, n = 1, start = pos, k = 0;
		struct tline *l;
		struct tline *p;

		while (end < t->len && t->text[end] != '\n')
			if (t->text[end++] == '\t')
				n++;
		p = realloc(st.lines, (st.n_lines + 2) * sizeof(*p));
		if (!p)
			goto oom;
		st.lines = p;
		l = &st.lines[st.n_lines++];
		l->n = n;
		l->cells = calloc(n, sizeof(*l->cells));
		if (!l->cells)
			goto oom;
		for (size_t i = pos; i <= end; i++) {
			if (i == end || t->text[i] == '\t') {
				l->cells[k].start = start;
				l->cells[k].size = i - start;
				l->cells[k].width = utf8_width(t->text + start, i - start);
				k++;
				start = i + 1;
			}
		}
		if (n > max_cells)
			max_cells = n;
		pos = end + 1;
		if (end == t->len) {
			/* No final newline: the text is a last, unterminated line. */
			pos = end;
			break;
		}
		if (pos == t->len) {
			/* Go's writer ends with an empty line after the final '\n'. */
			p = realloc(st.lines, (st.n_lines + 1) * sizeof(*p));
			if (!p)
				goto oom;
			st.lines = p;
			l = &st.lines[st.n_lines++];
			l->n = 1;
			l->cells = calloc(1, sizeof(*l->cells));
			if (!l->cells)
				goto oom;
		}
	}
	st.widths = calloc(max_cells + 1, sizeof(*st.widths));
	if (!st.widths)
		goto oom;
	format_block(&st, 0, st.n_lines);
	goto out;
oom:
	r = netctl_error(NETCTL_EXIT_IO, "out of memory");
out:
	for (size_t i = 0; i < st.n_lines; i++)
		free(st.lines[i].cells);
	free(st.lines);
	free(st.widths);
	free(t->text);
	free(t);
	return r;
}

/* --- JSON: Go's json.Indent(dst, src, "", "  ") ------------------------- */

static void newline_indent(FILE *out, int depth)
{
	fputc('\n', out);
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

/* Skips JSON whitespace from s[i]; returns the index of the next token. */
static size_t skip_ws(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	return i;
}

int netctl_print_json(const char *json)
{
	int depth = 0;
	size_t i = skip_ws(json, 0);

	for (; json[i]; i++) {
		char c = json[i];

		if (c == '"') {
			/* Copy the string; json-c's "\/" becomes "/" as Go writes it. */
			fputc('"', stdout);
			for (i++; json[i] && json[i] != '"'; i++) {
				if (json[i] == '\\' && json[i + 1]) {
					if (json[i + 1] != '/')
						fputc('\\', stdout);
					i++;
				}
				fputc(json[i], stdout);
			}
			if (!json[i])
				return netctl_error(NETCTL_EXIT_IO, "invalid JSON: unterminated string");
			fputc('"', stdout);
			continue;
		}
		switch (c) {
		case ' ': case '\t': case '\n': case '\r':
			break;
		case '{':
		case '[': {
			size_t k = skip_ws(json, i + 1);

			fputc(c, stdout);
			if (json[k] == (c == '{' ? '}' : ']')) {
				fputc(json[k], stdout);
				i = k;
			} else {
				newline_indent(stdout, ++depth);
			}
			break;
		}
		case '}':
		case ']':
			newline_indent(stdout, --depth);
			fputc(c, stdout);
			break;
		case ',':
			fputc(c, stdout);
			newline_indent(stdout, depth);
			break;
		case ':':
			fputs(": ", stdout);
			break;
		default:
			fputc(c, stdout);
		}
	}
	if (depth != 0)
		return netctl_error(NETCTL_EXIT_IO, "invalid JSON: unbalanced brackets");
	fputc('\n', stdout);
	return NETCTL_EXIT_OK;
}

/* --- lists ------------------------------------------------------------- */

static int collect(struct contiv_object *obj, void *userdata)
{
	struct netctl_list *list = userdata;

	if (list->tenant) {
		const char *t = contiv_object_get_str(obj, list->tenant_attr);

		if (!t || strcmp(t, list->tenant) != 0)
			return 0;
	}
	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 16;
		struct contiv_object **p = realloc(list->objs, cap * sizeof(*p));

		if (!p) {
			list->oom = 1;
			return 1;
		}
		list->objs = p;
		list->cap = cap;
	}
	list->objs[list->n++] = contiv_object_ref(obj);
	return 0;
}

int netctl_list_fetch(struct netctl *nc, unsigned kind, struct netctl_list *list)
{
	struct contiv_client *client;
	int r, ex = NETCTL_EXIT_OK;

	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_list_objects(client, kind, collect, list);
	if (list->oom)
		return netctl_error(NETCTL_EXIT_IO, "out of memory");
	if (r < 0)
		return netctl_fail(nc, r);
	return NETCTL_EXIT_OK;
}

void netctl_list_clear(struct netctl_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		contiv_object_unref(list->objs[i]);
	free(list->objs);
	list->objs = NULL;
	list->n = list->cap = 0;
}

int netctl_print_list_json(const struct netctl_list *list)
{
	char *text = NULL;
	size_t len = 1, cap = 256;
	int r;

	text = malloc(cap);
	if (!text)
		return netctl_error(NETCTL_EXIT_IO, "out of memory");
	text[0] = '[';
	for (size_t i = 0; i < list->n; i++) {
		char *json = NULL;
		size_t n;

		r = contiv_object_to_json(list->objs[i], 0, &json);
		if (r < 0) {
			free(text);
			return netctl_error(NETCTL_EXIT_IO, "cannot encode JSON: %s",
					    strerror(-r));
		}
		n = strlen(json);
		if (len + n + 3 > cap) {
			char *p;

			while (len + n + 3 > cap)
				cap *= 2;
			p = realloc(text, cap);
			if (!p) {
				contiv_free(json);
				free(text);
				return netctl_error(NETCTL_EXIT_IO, "out of memory");
			}
			text = p;
		}
		if (i > 0)
			text[len++] = ',';
		memcpy(text + len, json, n);
		len += n;
		contiv_free(json);
	}
	text[len++] = ']';
	text[len] = '\0';
	r = netctl_print_json(text);
	free(text);
	return r;
}

int netctl_print_list_names(const struct netctl_list *list, unsigned attr)
{
	for (size_t i = 0; i < list->n; i++) {
		const char *s = contiv_object_get_str(list->objs[i], attr);

		printf("%s\n", s ? s : "");
	}
	return NETCTL_EXIT_OK;
}

const char *netctl_cell(const struct contiv_object *obj, unsigned attr, char buf[32])
{
	uint32_t kind = contiv_object_get_kind(obj);
	const char *s;

	if (contiv_object_attr_type(kind, attr) == CONTIV_ATTR_U32) {
		snprintf(buf, 32, "%u", contiv_object_get_u32(obj, attr));
		return buf;
	}
	s = contiv_object_get_str(obj, attr);
	return s ? s : "";
}

void netctl_table_cells(struct netctl_table *t, const struct contiv_object *obj,
			const unsigned *cols, size_t n_cols, const char *end)
{
	for (size_t k = 0; k < n_cols; k++) {
		char b[32];

		netctl_table_printf(t, "%s%s", k ? "\t" : "", netctl_cell(obj, cols[k], b));
	}
	netctl_table_printf(t, "%s", end);
}

int netctl_list_command(struct netctl *nc, const struct netctl_list_spec *spec)
{
	struct netctl_list list = { 0 };
	struct netctl_table *t;
	int r;

	if (spec->tenant_attr >= 0) {
		const char *tenant = netctl_str(nc, "tenant");

		r = netctl_check_exists(nc, CONTIV_OBJECT_TENANT, tenant);
		if (r)
			return r;
		list.tenant = netctl_bool(nc, "all") ? NULL : tenant;
		list.tenant_attr = (unsigned)spec->tenant_attr;
	}
	r = netctl_list_fetch(nc, spec->kind, &list);
	if (r)
		goto out;
	if (netctl_bool(nc, "json")) {
		r = netctl_print_list_json(&list);
	} else if (netctl_bool(nc, "quiet")) {
		r = netctl_print_list_names(&list, spec->name_attr);
	} else {
		t = netctl_table_new(0, 2);
		netctl_table_printf(t, "%s", spec->header);
		for (size_t i = 0; i < list.n; i++) {
			if (spec->row) {
				spec->row(t, list.objs[i]);
				continue;
			}
			netctl_table_cells(t, list.objs[i], spec->cols, spec->n_cols,
					   spec->row_end ? spec->row_end : "\n");
		}
		r = netctl_table_flush(t, stdout);
	}
out:
	netctl_list_clear(&list);
	return r;
}

/* --- raw requests ------------------------------------------------------ */

int netctl_path_append(char *buf, size_t len, const char *segment)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(buf);

	if (n + 1 >= len)
		return -ENAMETOOLONG;
	buf[n++] = '/';
	for (const unsigned char *p = (const unsigned char *)segment; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || strchr("-._~:@", *p);

		if (n + 4 >= len)
			return -ENAMETOOLONG;
		if (plain) {
			buf[n++] = (char)*p;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	buf[n] = '\0';
	return 0;
}

/* The message of a non-200 answer: {"error": "..."} or the first line. */
static int answer_error(long status, const char *body)
{
	struct json_object *root = json_tokener_parse(body), *e;
	int r;

	if (root && json_object_object_get_ex(root, "error", &e) &&
	    json_object_is_type(e, json_type_string)) {
		r = netctl_error(status == 503 ? NETCTL_EXIT_REQUEST : NETCTL_EXIT_INVALID, "%s",
				 json_object_get_string(e));
	} else {
		size_t n = strcspn(body, "\r\n");

		r = netctl_error(NETCTL_EXIT_INVALID, "status %ld in request response%s%.*s",
				 status, n ? ": " : "", (int)(n > 200 ? 200 : n), body);
	}
	json_object_put(root);
	return r;
}

int netctl_get_and_print(struct netctl *nc, const char *fmt, ...)
{
	struct contiv_client *client;
	char path[2048];
	char *body = NULL;
	long status = 0;
	va_list ap;
	int r, ex = NETCTL_EXIT_OK;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	client = netctl_client(nc, &ex);
	if (!client)
		return ex;
	r = contiv_client_request(client, "GET", path, NULL, &status, &body);
	if (r < 0)
		return netctl_fail(nc, r);
	if (status != 200)
		r = answer_error(status, body);
	else
		r = netctl_print_json(body);
	contiv_free(body);
	return r;
}
