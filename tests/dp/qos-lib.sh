# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by tests/dp/qos-*.sh: a host namespace with a bridge (10.9.0.1/24)
# and one endpoint's veth "cvh<hash>" on it, the container namespace on the
# other end (eth0 10.9.0.2/24). Only namespaces created here are touched.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
helper=$top_builddir/tests/dp/qos-helper
H=cqosh$$
C1=cqosc$$
ID=qos-test-ep-$$
status=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX")

skip() {
	echo "$me: SKIP: $*" >&2
	rm -rf "$tmp"
	exit 77
}
fail() {
	echo "$me: FAIL: $*" >&2
	status=1
}

cleanup() {
	for p in $(cat "$tmp"/*.pid 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	ip netns del "$C1" 2>/dev/null
	ip netns del "$H" 2>/dev/null
	rm -rf "$tmp"
}

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, tc)"
command -v ip >/dev/null || skip "no ip (iproute2)"
command -v tc >/dev/null || skip "no tc (iproute2)"
[ -x "$helper" ] || skip "no $helper"
trap cleanup EXIT
ip netns add "$H" 2>/dev/null || skip "cannot create a network namespace"
ip netns add "$C1" || skip "cannot create a second network namespace"

set -- $("$helper" ifname "$ID")
VETH=$1
IFB=$2

if command -v ping >/dev/null; then
	PING=ping
elif command -v busybox >/dev/null; then
	PING="busybox ping"
else
	PING=
fi
# pingc NS ADDRESS: reachable (true when there is no ping to try with)
pingc() {
	[ -n "$PING" ] || return 0
	ip netns exec "$1" $PING -c1 -W1 "$2" >/dev/null 2>&1
}

inh() { ip netns exec "$H" "$@"; }
inc() { ip netns exec "$C1" "$@"; }
qos() { ip netns exec "$H" "$helper" "$@"; }

ip -n "$H" link set lo up
ip -n "$C1" link set lo up
ip -n "$H" link add br0 type bridge || skip "no bridge support"
ip -n "$H" addr add 10.9.0.1/24 dev br0
ip -n "$H" link set br0 up
ip -n "$H" link add "$VETH" type veth peer name eth0 netns "$C1" || skip "no veth support"
ip -n "$H" link set "$VETH" alias "$ID" mtu 1450
ip -n "$C1" link set eth0 mtu 1450
ip -n "$H" link set "$VETH" master br0 up
ip -n "$C1" addr add 10.9.0.2/24 dev eth0
ip -n "$C1" link set eth0 up
ping_ok=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
	if pingc "$C1" 10.9.0.1; then
		ping_ok=1
		break
	fi
	sleep 0.2
done
[ "$ping_ok" = 1 ] || fail "no connectivity between the namespaces before shaping"
