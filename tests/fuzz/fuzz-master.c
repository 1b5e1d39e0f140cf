/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: netmaster's request handler on hostile requests. Input:
 * one byte choosing the method, the path up to the first newline, then the
 * body. Every answer must be a status 200..599 with a body; the store (a
 * SQLite file in a temporary directory, shared by all runs) must stay usable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <contiv/contiv.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct contiv_master *master;

static void setup(void)
{
	static char dir[] = "/tmp/contiv-fuzz-master.XXXXXX";
	struct contiv_ctx *ctx = NULL;
	struct contiv_store *store = NULL;
	char url[128];

	if (!mkdtemp(dir))
		abort();
	snprintf(url, sizeof(url), "sqlite://%s/state.db", dir);
	if (contiv_ctx_new(NULL, &ctx) < 0 || contiv_store_open(ctx, url, NULL, &store) < 0 ||
	    contiv_master_new(ctx, store, NULL, &master) < 0 || contiv_master_init(master) < 0)
		abort();
	contiv_store_unref(store);
	contiv_ctx_unref(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE" };
	const uint8_t *nl;
	char *path, *body = NULL;
	size_t path_len;
	int status;

	if (!master)
		setup();
	if (size < 1)
		return 0;
	nl = memchr(data + 1, '\n', size - 1);
	path_len = nl ? (size_t)(nl - data - 1) : size - 1;
	path = strndup((const char *)data + 1, path_len);
	if (!path)
		abort();
	status = contiv_master_handle(master, methods[data[0] % 4], path,
				      nl ? (const char *)nl + 1 : NULL,
				      nl ? size - path_len - 2 : 0, &body);
	if (status < 200 || status > 599 || !body)
		abort();
	contiv_free(body);
	free(path);
	return 0;
}
