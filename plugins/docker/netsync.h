/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Keeps the local Docker engine's networks in step with netmaster: every
 * Contiv network and endpoint group is a Docker network (driver and IPAM
 * driver this plugin, Contiv's name, its subnet and gateway, options
 * tenant/network/group), created on the fly; the ones this plugin made whose
 * Contiv object is gone are removed once no container uses them. Talks to
 * netmaster and Docker only through the handler's transport callback.
 */
#ifndef CONTIV_DOCKER_NETSYNC_H
#define CONTIV_DOCKER_NETSYNC_H

#include <stddef.h>

#include "handler.h"

/* Called with each notable event (what was created or removed, failures). */
typedef void (*ns_log_fn)(void *userdata, int priority, const char *message);

/*
 * One pass: lists netmaster's networks and groups and Docker's networks,
 * creates what is missing, removes what is stale. driver is the plugin's
 * name ("netplugin"). Returns the number of changes made, or a negative
 * errno when netmaster or Docker could not be listed.
 */
int ns_sync_once(dh_request_fn request, void *userdata, const char *driver, ns_log_fn log, void *log_userdata);

/* The label on the Docker networks this plugin created. */
#define NS_LABEL "io.contiv.managed"

#endif
