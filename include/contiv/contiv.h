/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef CONTIV_CONTIV_H
#define CONTIV_CONTIV_H

/**
 * SECTION:contiv
 * Umbrella header of libcontiv: include this one.
 *
 * Build with: cc prog.c $(pkg-config --cflags --libs libcontiv)
 */

#include <contiv/version.h>
#include <contiv/error.h>
#include <contiv/ctx.h>
#include <contiv/object.h>
#include <contiv/ipam.h>
#include <contiv/store.h>
#include <contiv/master.h>
#include <contiv/client.h>
#include <contiv/policy.h>
#include <contiv/dp.h>
#include <contiv/agent.h>

#endif /* CONTIV_CONTIV_H */
