/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: every setter and validator with hostile text. Input
 * bytes: kind, attribute, then the value text. A refused value must leave
 * the object's JSON unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <contiv/contiv.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct contiv_ctx *ctx = NULL;
	struct contiv_object *obj = NULL;
	char *before = NULL, *after = NULL, *value;
	uint32_t kind, attr;
	uint64_t bps;

	if (size < 2)
		return 0;
	kind = 1 + data[0] % (__CONTIV_OBJECT_MAX - 1);
	attr = data[1];
	value = malloc(size - 1);
	if (!value || contiv_ctx_new(NULL, &ctx) < 0 || contiv_object_new(ctx, kind, &obj) < 0)
		abort();
	memcpy(value, data + 2, size - 2);
	value[size - 2] = '\0';

	if (contiv_object_to_json(obj, 0, &before) < 0)
		abort();
	if (contiv_object_set_from_string(obj, attr % (contiv_object_attr_count(kind) + 1), value) < 0) {
		if (contiv_object_to_json(obj, 0, &after) < 0 || strcmp(before, after) != 0)
			abort();	/* a refused value changed the object */
	}
	(void)contiv_object_validate(obj);
	(void)contiv_bandwidth_parse(ctx, value, &bps);
	contiv_free(before);
	contiv_free(after);
	contiv_object_unref(obj);
	contiv_ctx_unref(ctx);
	free(value);
	return 0;
}
