#!/bin/sh
# Failover: a 3-member etcd cluster on 127.0.0.1; tests/check-store-etcd
# kills (SIGKILL) the member the store is talking to and goes on.
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/etcd.sh"

BASE=${CONTIV_TEST_ETCD_CLUSTER_BASE:-$(etcd_free_ports 6)}

if ! etcd_available; then
	echo "SKIP: $ETCD_BIN (Debian package etcd-server) or curl not installed"
	exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/contiv-etcd-cluster.XXXXXX") || exit 99
etcd_trap
trap 'etcd_stop; rm -rf "$dir"' EXIT
if ! etcd_start_cluster "$dir" "$BASE"; then
	cat "$dir"/*.log >&2 2>/dev/null
	exit 99
fi
echo "== cluster $ETCD_ENDPOINTS (pids $ETCD_PIDS)"
CONTIV_TEST_ETCD_CLUSTER="$ETCD_ENDPOINTS" CONTIV_TEST_ETCD_PIDS="$ETCD_PIDS" \
	CK_RUN_SUITE=etcd-cluster "$top_builddir/tests/check-store-etcd"
