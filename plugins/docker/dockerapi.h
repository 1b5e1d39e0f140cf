/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A client of Docker's engine API (libcurl; unix socket or TCP). */
#ifndef CONTIV_DOCKER_DOCKERAPI_H
#define CONTIV_DOCKER_DOCKERAPI_H

#include <stddef.h>

struct dapi;

/*
 * A client of url: "unix:///var/run/docker.sock" or "http://host:port".
 * Returns 0, -EINVAL (message in err) or -ENOMEM.
 */
int dapi_new(const char *url, struct dapi **ret, char *err, size_t errlen);

/* Frees a client (NULL is fine). */
void dapi_free(struct dapi *d);

/*
 * One request, path below the API version ("/networks"). Returns 0 with
 * *ret_status and *ret_body (free()), or -EIO with the cause in err. One
 * thread at a time per client.
 */
int dapi_request(struct dapi *d, const char *method, const char *path, const char *body, long *ret_status,
		 char **ret_body, char *err, size_t errlen);

#endif
