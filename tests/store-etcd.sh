#!/bin/sh
# The store test suite against a single throwaway etcd on 127.0.0.1, then the
# etcd-specific tests (tests/check-store-etcd).
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/etcd.sh"

CLIENT_PORT=${CONTIV_TEST_ETCD_PORT:-$(etcd_free_ports 2)}
PEER_PORT=$((CLIENT_PORT + 1))

if ! etcd_available; then
	echo "SKIP: $ETCD_BIN (Debian package etcd-server) or curl not installed"
	exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/contiv-etcd.XXXXXX") || exit 99
# Short-lived auth tokens: the auth test sees one expire and renews it.
ETCD_EXTRA_ARGS=--auth-token-ttl=1
etcd_trap
trap 'etcd_stop; rm -rf "$dir"' EXIT
if ! etcd_start_single "$dir" "$CLIENT_PORT" "$PEER_PORT"; then
	cat "$dir"/*.log >&2 2>/dev/null
	exit 99
fi
url="etcd://127.0.0.1:$CLIENT_PORT"
rc=0
echo "== shared store suite against $url"
CONTIV_TEST_STORE_URL=$url CK_RUN_SUITE=store "$top_builddir/tests/check-all" || rc=1
echo "== master read cache suite against $url (two masters on etcd)"
CONTIV_TEST_STORE_URL=$url CK_RUN_SUITE=master-cache "$top_builddir/tests/check-all" || rc=1
echo "== etcd-specific tests against $url"
CONTIV_TEST_ETCD_URL=$url "$top_builddir/tests/check-store-etcd" || rc=1
echo "== Python binding's store tests against $url"
CONTIV_TEST_ETCD_URL=$url "$top_srcdir/tests/python/run-tests.sh" test_store || rc=1
echo "== authentication (auth enabled on the same etcd, last)"
pw=contiv-test-pw
if ! command -v etcdctl >/dev/null 2>&1; then
	echo "skipped: etcdctl (Debian package etcd-client) not installed"
elif ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$CLIENT_PORT" user add "root:$pw" >/dev/null &&
   ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$CLIENT_PORT" auth enable >/dev/null; then
	CONTIV_TEST_ETCD_AUTH_URL=$url CONTIV_TEST_ETCD_PASSWORD=$pw CK_RUN_SUITE=etcd-auth \
		"$top_builddir/tests/check-store-etcd" || rc=1
else
	echo "could not enable etcd authentication" >&2
	rc=1
fi
exit $rc
