#!/bin/bash
# Network linger (netplugin --network-linger SECONDS): after a network's last
# endpoint leaves, its bridge and VXLAN device stay on the host for the grace
# period, so that the next attach finds them; an endpoint attached within it
# works (ping across hosts); after the grace period without endpoints they
# go; a network deleted in netmaster goes at once, an idle one whose subnet
# another tenant's network in use here has goes at once; after a restart,
# an idle network found in the kernel goes after the grace period too. A bad
# --network-linger value is refused with a message naming it.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/cluster.sh"
LINGER=5	# long enough that a loaded machine still checks within it
CL_NETPLUGIN_ARGS="--network-linger $LINGER"
cluster_up 2 || exit 1

devs_here() { hexec "$1" ip link show cvbx$2 >/dev/null 2>&1 && hexec "$1" ip link show cvx$2 >/dev/null 2>&1; }
devs_gone() { ! hexec "$1" ip link show cvbx$2 >/dev/null 2>&1 && ! hexec "$1" ip link show cvx$2 >/dev/null 2>&1; }
# wait_gone HOST TAG: up to LINGER + 10 s for the devices to go
wait_gone() {
	for _ in $(seq $(((LINGER + 10) * 10))); do
		devs_gone "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}

echo "# bad input"
out=$(ip netns exec "$(hostns host1)" "$CL_BIN/netplugin" --host x --vtep-ip 10.200.0.1 --network-linger -1 2>&1)
rc=$?
if [ "$rc" = 22 ] && grep -q -- '--network-linger "-1"' <<<"$out"; then
	ok "--network-linger -1 refused: $out"
else
	fail "--network-linger -1: exit $rc, $out"
fi

echo "# devices stay during the grace period"
netctl net create -e vxlan -p 5301 --subnet=10.1.31.0/24 lnet || fail "net create lnet"
container_add host1 a1 default lnet || fail "attach a1"
container_add host2 b1 default lnet || fail "attach b1"
expect_ping a1 "$(cip b1)"
container_del a1
container_del b1
for h in host1 host2; do
	if devs_here $h 5301; then ok "$h: cvbx5301 and cvx5301 kept after the last endpoint left"; else fail "$h: devices removed at once"; fi
done
if hexec host1 bridge fdb show dev cvx5301 | grep -q 'dst 10.200.0.2'; then
	fail "host1: remote FDB entry of b1 left on the idle network"
else
	ok "host1: no remote FDB entry left on the idle network"
fi

echo "# an endpoint attached within the grace period works"
container_add host1 a2 default lnet || fail "attach a2"
container_add host2 b2 default lnet || fail "attach b2"
expect_ping a2 "$(cip b2)"
expect_ping b2 "$(cip a2)"
container_del a2
container_del b2

echo "# after the grace period they go"
for h in host1 host2; do
	if wait_gone $h 5301; then ok "$h: cvbx5301 and cvx5301 removed after the grace period"; else fail "$h: devices still there"; fi
done

echo "# a network deleted in netmaster goes at once"
container_add host1 a3 default lnet || fail "attach a3"
container_del a3
devs_here host1 5301 && ok "host1: devices kept after a3 left" || fail "host1: devices gone with a3"
netctl net delete lnet || fail "net delete lnet"
if wait_for devs_gone host1 5301; then ok "host1: devices removed with the network"; else fail "host1: devices left after net delete"; fi

echo "# an idle network goes at once when another tenant's same subnet is used here"
netctl net create -e vxlan -p 5304 --subnet=10.1.33.0/24 lnet3 || fail "net create lnet3"
container_add host1 a5 default lnet3 || fail "attach a5"
container_del a5
devs_here host1 5304 && ok "host1: lnet3 lingers" || fail "host1: lnet3 gone at once"
netctl tenant create blue || fail "tenant create blue"
netctl net create -t blue -e vxlan -p 5303 --subnet=10.1.33.0/24 bnet || fail "net create blue/bnet"
container_add host1 c1 blue bnet || fail "attach c1"
# the attach's sync removed it (not the grace period's end: no wait)
if devs_gone host1 5304; then ok "host1: idle lnet3 (same subnet) removed by c1's attach"; else fail "host1: lnet3 still there next to blue/bnet"; fi
container_add host2 c2 blue bnet || fail "attach c2"
expect_ping c1 "$(cip c2)"

echo "# after a restart, an idle network goes after the grace period"
netctl net create -e vxlan -p 5302 --subnet=10.1.32.0/24 lnet2 || fail "net create lnet2"
container_add host1 a4 default lnet2 || fail "attach a4"
container_del a4
netplugin_stop 1
netplugin_start 1 || fail "restart host1"
sleep 1
devs_here host1 5302 && ok "host1: idle lnet2 found in the kernel kept for now" || fail "host1: lnet2 removed at once after the restart"
if wait_gone host1 5302; then ok "host1: idle lnet2 removed after the grace period"; else fail "host1: lnet2 still there"; fi

cluster_finish
