#!/bin/bash
# Tutorial, VLAN networks: "net create -e vlan -p 112 contiv-vlan" on two
# hosts, each with an uplink eth1 to a trunk (netplugin --vlan-uplinks eth1).
# Containers on different hosts reach each other and their frames on the
# uplink carry the 802.1Q tag 112 (tcpdump -e), and a third container does
# not see them (the bridge learns remote MACs on the uplink); a network on VLAN 113 is
# isolated even at L2; tenant blue with the identical subnet on VLAN 114 is
# isolated; an ICMP deny policy works on a VLAN network; the VLAN device goes
# away with the network's last endpoint (netplugin --network-linger 0 here;
# tests/system/linger.sh tests the grace period).
# Our machines' kernel lacks 802.1Q: then the test boots Debian's stock
# kernel in qemu (tests/klab/) and runs itself inside.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/klab/lib.sh"
klab_need_vlan "$0"

CL_VLAN=1
CL_NETPLUGIN_ARGS="--network-linger 0"
. "$top/tests/lib/cluster.sh"
cluster_up 2 || exit 1

# expect_tagged HOST TAG FROM TO: container FROM pings TO three times while
# HOST's uplink is captured; FROM > TO is seen there, and every ICMP frame
# carries the 802.1Q tag TAG.
expect_tagged() {
	local all tagged from to
	from=$(cip "$3") to=$(cip "$4")
	capture_start "$(hostns "$1")" eth1 6 'icmp or (vlan and icmp)'
	cexec "$3" busybox ping -c 3 -i 0.2 "$to" | tail -2
	capture_stop
	all=$(grep -c 'ICMP' "$CL_DIR/cap.txt")
	tagged=$(grep -c "ethertype 802.1Q (0x8100).*vlan $2, .*ICMP" "$CL_DIR/cap.txt")
	if grep -q "vlan $2, .* $from > $to: ICMP echo request" "$CL_DIR/cap.txt" && [ "$all" = "$tagged" ]; then
		ok "$1's uplink: $all ICMP frames, all tagged vlan $2"
	else
		fail "$1's uplink: $tagged of $all ICMP frames tagged vlan $2 (want $from > $to tagged)"
	fi
}

echo "# VLAN 112"
netctl net create -e vlan -p 112 --subnet=10.1.4.0/24 contiv-vlan || fail "net create contiv-vlan"
container_add host1 v1 default contiv-vlan || fail "attach v1"
container_add host2 v2 default contiv-vlan || fail "attach v2"
if hexec host1 ip -d link show eth1.112 | grep -q 'vlan protocol 802.1Q id 112' &&
	hexec host1 ip link show eth1.112 | grep -q 'master cvbv112'; then
	ok "host1: eth1.112 is an 802.1Q device on bridge cvbv112"
else
	fail "host1: no 802.1Q device eth1.112 on bridge cvbv112"
	hexec host1 ip -d link show >&2
fi
expect_ping v1 "$(cip v2)"
expect_ping v2 "$(cip v1)"
expect_tagged host1 112 v1 v2
# v3, local to v1, sees none of v1's frames to v2: host1 learnt v2's MAC on the uplink
container_add host1 v3 default contiv-vlan || fail "attach v3"
expect_no_flood v1 v2 v3

echo "# VLAN 113: another network"
netctl net create -e vlan -p 113 --subnet=10.1.5.0/24 contiv-vlan2 || fail "net create contiv-vlan2"
container_add host1 w1 default contiv-vlan2 || fail "attach w1"
container_add host2 w2 default contiv-vlan2 || fail "attach w2"
expect_ping w1 "$(cip w2)"
expect_tagged host2 113 w2 w1
# even with a route onto its own link, w1 finds nobody of VLAN 112 there
cexec w1 ip route add 10.1.4.0/24 dev eth0
cexec v1 ip route add 10.1.5.0/24 dev eth0
expect_no_ping w1 "$(cip v2)"
expect_no_ping w1 "$(cip v1)"
expect_no_ping v1 "$(cip w2)"

echo "# tenant blue, the same subnet on VLAN 114"
netctl tenant create blue || fail "tenant create blue"
netctl net create -t blue -e vlan -p 114 --subnet=10.1.4.0/24 contiv-vlan || fail "net create blue"
container_add host1 b1 blue contiv-vlan || fail "attach b1"
container_add host2 b2 blue contiv-vlan || fail "attach b2"
if [ "$(cip v1)" = "$(cip b1)" ] && [ "$(cip v2)" = "$(cip b2)" ]; then
	ok "identical addresses: $(cip b1), $(cip b2)"
else
	fail "addresses differ"
fi
expect_ping b1 "$(cip b2)"
# who answers 10.1.4.2? a listener only in v2 (port 7000), one only in b2 (7001)
tcp_listen v2 7000
tcp_listen b2 7001
expect_connect b1 "$(cip b2)" 7001
expect_no_connect b1 "$(cip v2)" 7000
expect_no_connect v1 "$(cip v2)" 7001
expect_connect v1 "$(cip v2)" 7000

echo "# policy on VLAN 112: ICMP from epgA denied into epgB"
netctl policy create policyAB || fail "policy create"
netctl group create contiv-vlan epgA || fail "group create epgA"
netctl group create -p policyAB contiv-vlan epgB || fail "group create epgB"
container_add host1 pa default contiv-vlan epgA || fail "attach pa"
container_add host2 pb default contiv-vlan epgB || fail "attach pb"
expect_ping pa "$(cip pb)"
netctl policy rule-add -d in --protocol icmp --from-group epgA --action deny policyAB 1 || fail "rule-add 1"
wait_for bash -c "! ip netns exec $(contns pa) busybox ping -c1 -W1 $(cip pb) >/dev/null 2>&1"
expect_no_ping pa "$(cip pb)"
expect_ping pb "$(cip pa)"
expect_ping v1 "$(cip pb)"

echo "# the VLAN devices go with the network's last endpoint"
container_del w1
container_del w2
for h in host1 host2; do
	if wait_for bash -c "! ip -n $(hostns $h) link show eth1.113 >/dev/null 2>&1 &&
		! ip -n $(hostns $h) link show cvbv113 >/dev/null 2>&1"; then
		ok "$h: eth1.113 and cvbv113 removed"
	else
		fail "$h: eth1.113 or cvbv113 still there"
	fi
done
if hexec host1 ip link show eth1.112 >/dev/null 2>&1 && hexec host1 ip link show eth1 | grep -q 'state UP'; then
	ok "host1 keeps eth1.112 and its uplink eth1"
else
	fail "host1 lost eth1.112 or eth1"
fi
cluster_finish
