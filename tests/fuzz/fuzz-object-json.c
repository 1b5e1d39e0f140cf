/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: contiv_object_from_json() on hostile input, for every
 * kind. Whatever it accepts must round-trip: to_json, from_json again, equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct contiv_ctx *ctx = NULL;
	char *text = malloc(size + 1);

	if (!text || contiv_ctx_new(NULL, &ctx) < 0)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	for (uint32_t kind = 1; kind < __CONTIV_OBJECT_MAX; kind++) {
		struct contiv_object *obj = NULL, *again = NULL;
		char *json = NULL;

		if (contiv_object_from_json(ctx, kind, text, &obj) < 0)
			continue;
		(void)contiv_object_validate(obj);
		(void)contiv_object_get_key(obj);
		if (contiv_object_to_json(obj, kind & 1 ? CONTIV_JSON_PRETTY : 0, &json) < 0)
			abort();
		if (contiv_object_from_json(ctx, kind, json, &again) < 0)
			abort();	/* our own output must parse */
		if (!contiv_object_equal(obj, again))
			abort();	/* and mean the same */
		contiv_free(json);
		contiv_object_unref(again);
		contiv_object_unref(obj);
	}
	contiv_ctx_unref(ctx);
	free(text);
	return 0;
}
