/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: contiv_ipam_pool_from_json() and contiv_idpool_from_json()
 * on hostile input. Whatever is accepted must serialise back to text that
 * parses into the same state (compared through a second serialisation), and
 * a pool must stay usable (alloc + release).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pool_roundtrip(struct contiv_ctx *ctx, const char *text)
{
	struct contiv_ipam_pool *pool = NULL, *again = NULL;
	char *a = NULL, *b = NULL, addr[CONTIV_IPAM_ADDR_MAX];

	if (contiv_ipam_pool_from_json(ctx, text, &pool) < 0)
		return;
	if (contiv_ipam_pool_to_json(pool, &a) < 0 || contiv_ipam_pool_from_json(ctx, a, &again) < 0 ||
	    contiv_ipam_pool_to_json(again, &b) < 0 || strcmp(a, b) != 0)
		abort();
	if (contiv_ipam_pool_alloc(pool, NULL, addr, sizeof(addr)) == 0 &&
	    contiv_ipam_pool_release(pool, addr) < 0)
		abort();
	contiv_free(a);
	contiv_free(b);
	contiv_ipam_pool_free(again);
	contiv_ipam_pool_free(pool);
}

static void idpool_roundtrip(struct contiv_ctx *ctx, const char *text)
{
	struct contiv_idpool *pool = NULL, *again = NULL;
	char *a = NULL, *b = NULL;

	if (contiv_idpool_from_json(ctx, text, &pool) < 0)
		return;
	if (contiv_idpool_to_json(pool, &a) < 0 || contiv_idpool_from_json(ctx, a, &again) < 0 ||
	    contiv_idpool_to_json(again, &b) < 0 || strcmp(a, b) != 0)
		abort();
	contiv_free(a);
	contiv_free(b);
	contiv_idpool_free(again);
	contiv_idpool_free(pool);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct contiv_ctx *ctx = NULL;
	char *text = malloc(size + 1);

	if (!text || contiv_ctx_new(NULL, &ctx) < 0)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	pool_roundtrip(ctx, text);
	idpool_roundtrip(ctx, text);
	contiv_ctx_unref(ctx);
	free(text);
	return 0;
}
