/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: contiv-docker-plugin's handler (plugins/docker/handler.c)
 * on hostile plugin calls. Input: one byte choosing the call, one byte
 * choosing how the peers answer (valid objects, errors, garbage, no
 * answer), then the request body. Every answer must be 200, 404 or 500 with
 * a JSON body (Docker reads {"Err"} from it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../../plugins/docker/handler.c"
#include "../../plugins/docker/names.c"
#include "../../plugins/docker/util.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t mode;

static int fake_peer(void *userdata, enum dh_peer peer, const char *method, const char *path, const char *body,
		     long *ret_status, char **ret_body, char *err, size_t errlen)
{
	const char *ans = "{}";

	(void)userdata;
	(void)method;
	(void)body;
	if (mode & 1) {
		snprintf(err, errlen, "unreachable");
		return -EIO;
	}
	*ret_status = (mode & 2) ? 404 : (mode & 4) ? 500 : 200;
	if (mode & 8)
		ans = "{\"error\":[1,2";
	else if (peer == DH_NETMASTER && strstr(path, "/networks/") && strstr(path, ":"))
		ans = "{\"tenantName\":\"t\",\"networkName\":\"n\",\"subnet\":\"10.1.2.5-10.1.2.9/24\",\"gateway\":\"10.1.2.254\"}";
	else if (peer == DH_NETMASTER && strstr(path, "/networks/"))
		ans = "[{\"tenantName\":\"t\",\"networkName\":\"n\",\"subnet\":\"10.1.2.0/24\"},{\"subnet\":7}]";
	else if (peer == DH_NETMASTER && strstr(path, "/endpointGroups/"))
		ans = (mode & 16) ? "{\"networkName\":\"other\"}" : "{\"networkName\":\"n\"}";
	else if (peer == DH_NETMASTER && strstr(path, "allocAddress"))
		ans = (mode & 16) ? "{\"IPv4Address\":5}" : "{\"IPv4Address\":\"10.1.2.3/24\"}";
	else if (peer == DH_AGENT && strstr(path, "attach"))
		ans = (mode & 16) ? "[]" : "{\"mac\":\"02:02:0a:01:02:03\",\"hostIfname\":\"cvh01234567\"}";
	else if (peer == DH_DOCKER)
		ans = (mode & 16) ? "{\"Options\":{\"network\":\"n\",\"tenant\":\"t\",\"group\":\"g\"}}"
				  : "{\"IPAM\":{\"Config\":[{\"Subnet\":\"10.1.2.0/24\"}]}}";
	*ret_body = strdup(ans);
	return *ret_body ? 0 : -ENOMEM;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dh *h;
	struct json_object *o;
	char *out = NULL, path[64];
	int st;

	if (!h && dh_new(fake_peer, NULL, "/proc/self/ns/net", &h) < 0)
		abort();
	if (size < 2)
		return 0;
	if (data[0] < sizeof(calls) / sizeof(calls[0]))
		snprintf(path, sizeof(path), "%s", calls[data[0]].path);
	else
		snprintf(path, sizeof(path), "/Unknown.%u", data[0]);
	mode = data[1];
	st = dh_handle(h, path, (const char *)data + 2, size - 2, &out);
	if (st != 200 && st != 404 && st != 500)
		abort();
	o = json_tokener_parse(out);
	if (!o || (st != 200 && !json_object_object_get_ex(o, "Err", NULL)))
		abort();
	json_object_put(o);
	free(out);
	if (mode == 0xff)
		dh_retry_pending(h);
	return 0;
}
