/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by contiv-docker-plugin's modules. */
#ifndef CONTIV_DOCKER_UTIL_H
#define CONTIV_DOCKER_UTIL_H

#include <json-c/json.h>

#define DU_QUOTE_MAX 80

/* v for a message: at most 64 bytes, unprintable bytes, quotes and backslashes as '?'. */
const char *du_quote(const char *v, char buf[DU_QUOTE_MAX]);

/* o[key] if it is a string, else NULL. */
const char *du_str(struct json_object *o, const char *key);

/* o[key] if it is an object, else NULL. */
struct json_object *du_obj(struct json_object *o, const char *key);

#endif
