/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by contiv-docker-plugin's modules (util.h). */
#include "config.h"

#include "util.h"

const char *du_quote(const char *v, char buf[DU_QUOTE_MAX])
{
	size_t j = 0;

	for (size_t i = 0; v && v[i] && j < 64; i++)
		buf[j++] = (v[i] >= 0x20 && v[i] < 0x7f && v[i] != '"' && v[i] != '\\') ? v[i] : '?';
	buf[j] = '\0';
	return buf;
}

const char *du_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

struct json_object *du_obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}
