#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# contiv_dp_endpoint_set_qos(): the tc objects it creates (tbf on the host
# veth, ingress + u32/mirred filter, ifb with a tbf), idempotence (a second
# identical call sends nothing: tc monitor stays silent), live change in
# place, removal, contiv__dp_qos_read_state(), and its errors.
set -u

me=qos-basic
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dp/qos-lib.sh"

expect_rc() {	# expect_rc WANT_RC WHAT ARGS...
	want=$1
	what=$2
	shift 2
	out=$(qos set "$@")
	rc=${out%% *}
	[ "$rc" = "$want" ] || fail "$what: got \"$out\", want return value $want"
}
handles() {	# the qdiscs of both devices and the ifb's index, one line
	{
		inh tc qdisc show dev "$VETH"
		inh tc qdisc show dev "$IFB"
		inh cat /sys/class/net/"$IFB"/ifindex
	} 2>&1 | sed 's/ refcnt [0-9]*//' | tr '\n' ' '
}

# Errors.
expect_rc -2 "unknown endpoint" no-such-ep 500000
case $out in *no-such-ep*) ;; *) fail "ENOENT message does not name the endpoint: $out" ;; esac
expect_rc -2 "removing from an unknown endpoint" no-such-ep 0
expect_rc -22 "empty id" "" 500000
expect_rc -22 "8 bit/s cannot pass a frame" "$ID" 8
expect_rc -22 "rate above the tbf's 32-bit range" "$ID" 20000000000
expect_rc -22 "burst longer than 4.29 s at the rate" "$ID" 8000 100000
inh tc qdisc show dev "$VETH" | grep -q tbf && fail "a failed call left a tbf"
inh ip link show "$IFB" >/dev/null 2>&1 && fail "a failed call left $IFB"

# Set.
expect_rc 0 "set 500 kbit/s" "$ID" 500000
inh tc qdisc show dev "$VETH" | grep -q "qdisc tbf 1: root .*rate 500Kbit" ||
	fail "no 500 kbit/s root tbf on $VETH: $(inh tc qdisc show dev "$VETH")"
inh tc qdisc show dev "$VETH" | grep -q "qdisc ingress ffff:" ||
	fail "no ingress qdisc on $VETH: $(inh tc qdisc show dev "$VETH")"
inh tc filter show dev "$VETH" ingress | grep -q "Egress Redirect to device $IFB" ||
	fail "no redirect filter to $IFB: $(inh tc filter show dev "$VETH" ingress)"
inh ip link show "$IFB" | grep -q "state UNKNOWN\|state UP\|,UP" ||
	fail "$IFB is not up: $(inh ip link show "$IFB" 2>&1)"
inh ip -d link show "$IFB" | grep -q "alias $ID" || fail "$IFB has no alias $ID"
inh ip link show "$IFB" | grep -q " mtu 1450 " || fail "$IFB does not have the veth's MTU 1450"
inh tc qdisc show dev "$IFB" | grep -q "qdisc tbf 1: root .*rate 500Kbit" ||
	fail "no 500 kbit/s root tbf on $IFB: $(inh tc qdisc show dev "$IFB" 2>&1)"
pingc "$H" 10.9.0.2 || fail "no connectivity through the shaping"

# Idempotence: same handles, and nothing at all sent to the kernel's tc.
before=$(handles)
ip netns exec "$H" tc monitor >"$tmp/monitor" 2>&1 &	# $! is tc itself
echo $! >"$tmp/monitor.pid"
sleep 0.3
expect_rc 0 "set 500 kbit/s again" "$ID" 500000
sleep 0.3
kill "$(cat "$tmp/monitor.pid")" 2>/dev/null
wait "$(cat "$tmp/monitor.pid")" 2>/dev/null
rm -f "$tmp/monitor.pid"
[ -s "$tmp/monitor" ] && fail "the same call changed tc objects: $(cat "$tmp/monitor")"
[ "$(handles)" = "$before" ] || fail "handles changed: $before -> $(handles)"

# Live change: in place, same handles and ifb.
veth_before=$(inh tc qdisc show dev "$VETH" | grep -o "qdisc tbf [0-9a-f]*:")
ifb_before=$(inh cat /sys/class/net/"$IFB"/ifindex)
expect_rc 0 "change to 1 Mbit/s, burst 20000" "$ID" 1000000 20000
inh tc qdisc show dev "$VETH" | grep -q "qdisc tbf 1: root .*rate 1Mbit burst 20000b" ||
	fail "no 1 Mbit/s tbf with burst 20000b on $VETH: $(inh tc qdisc show dev "$VETH")"
inh tc qdisc show dev "$IFB" | grep -q "qdisc tbf 1: root .*rate 1Mbit burst 20000b" ||
	fail "no 1 Mbit/s tbf on $IFB: $(inh tc qdisc show dev "$IFB")"
[ "$(inh tc qdisc show dev "$VETH" | grep -o "qdisc tbf [0-9a-f]*:")" = "$veth_before" ] ||
	fail "the tbf was recreated, not changed"
[ "$(inh cat /sys/class/net/"$IFB"/ifindex)" = "$ifb_before" ] || fail "the ifb was recreated"

# read_state.
state=$(qos state)
echo "$state" | grep -q "^qos $ID {\"rate_bps\":1000000,\"burst_bytes\":20000,\"ingress_rate_bps\":1000000,\"ifb\":\"$IFB\",\"dev\":\"$VETH\"}\$" ||
	fail "read_state: got \"$state\""

# A stale filter (pointing elsewhere) is repaired.
inh tc filter del dev "$VETH" ingress
expect_rc 0 "repair the filter" "$ID" 1000000 20000
inh tc filter show dev "$VETH" ingress | grep -q "Egress Redirect to device $IFB" ||
	fail "the missing filter was not put back"

# Removal, then removal again.
expect_rc 0 "remove" "$ID" 0
inh tc qdisc show dev "$VETH" | grep -q "tbf\|ingress" &&
	fail "qdiscs left on $VETH: $(inh tc qdisc show dev "$VETH")"
inh ip link show "$IFB" >/dev/null 2>&1 && fail "$IFB left behind"
[ -z "$(qos state)" ] || fail "read_state after removal: $(qos state)"
expect_rc 0 "remove again" "$ID" 0
pingc "$H" 10.9.0.2 || fail "no connectivity after removal"

# An ifb left without its veth is reported (key: its alias) and removed by 0.
expect_rc 0 "set for the orphan check" "$ID" 500000
inh ip link del "$VETH"
qos state | grep -q "^qos $ID .*\"ifb\":\"$IFB\",\"dev\":null}\$" ||
	fail "orphan ifb not reported: $(qos state)"
expect_rc -2 "remove from a gone endpoint" "$ID" 0
inh ip link show "$IFB" >/dev/null 2>&1 && fail "orphan $IFB not removed"

exit $status
