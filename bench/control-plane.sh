#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs bench/control-plane: starts one etcd and two netmasters (one on a
# temporary SQLite file, one on that etcd) on free ports of 127.0.0.1,
# measures, stops everything. Numbers only.
#   bench/control-plane.sh [bench/control-plane options, e.g. --requests 8000]
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export LD_LIBRARY_PATH="$top_builddir/libcontiv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
. "$top_srcdir/tests/lib/etcd.sh"
. "$top_srcdir/tests/netmaster/lib.sh"
TMPDIR=${TMPDIR:-/var/tmp}	# a real disk: fsync is part of what is measured
nm_setup bench-cp

args=()
ps=$(nm_free_port) || exit 1
nm_start sqlite "$ps" "sqlite://$tmp/state.db" --log-level warning
nm_wait_up "$ps" || { cat "$tmp/sqlite.log"; exit 1; }
args+=(--sqlite "http://127.0.0.1:$ps")
if etcd_available; then
	cp=$(nm_free_port) && pp=$(nm_free_port) || exit 1
	etcd_start_single "$tmp/etcd" "$cp" "$pp" || exit 1
	pe=$(nm_free_port) || exit 1
	nm_start etcd "$pe" "etcd://$ETCD_ENDPOINTS" --log-level warning
	nm_wait_up "$pe" || { cat "$tmp/etcd.log"; exit 1; }
	args+=(--etcd "http://127.0.0.1:$pe" --raw-etcd "$ETCD_ENDPOINTS")
else
	echo "etcd not installed: SQLite only"
fi
echo "SQLite file in $tmp ($(df -h --output=source,fstype "$tmp" | tail -n 1 | tr -s ' '))"
"$top_builddir/bench/control-plane" "${args[@]}" "$@"
