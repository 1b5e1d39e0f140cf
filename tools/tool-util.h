/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the daemons in tools/ and plugins/ (netmaster, netplugin,
 * contiv-docker-plugin). */
#ifndef CONTIV_TOOL_UTIL_H
#define CONTIV_TOOL_UTIL_H

/* "error", "warn"/"warning", "info", "debug" (any case) -> syslog level, or -1. */
int tool_parse_level(const char *name);

/*
 * A listening unix socket at path, mode 0600 from the start (created under
 * umask 0177, so it is never reachable by others, not even briefly); an
 * existing file at path is replaced. Returns the fd or -errno.
 */
int tool_unix_listener(const char *path);

/* mkdir -p of the directory of a socket path (mode 0755, as /run/contiv). */
void tool_make_parent(const char *path);

/*
 * Logging on stderr as "<prog>: <level>: <message>", one whole line at a
 * time whatever the thread. tool_log_setup() names the program and where its
 * level (a syslog priority) lives; messages above *level are dropped.
 */
void tool_log_setup(const char *prog, const int *level);
void tool_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
