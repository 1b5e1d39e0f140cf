#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The acceptance criterion of netprofile bandwidth: with a limit of 500
# kbit/s, iperf3 measures 500 kbit/s +-10 % in both directions (to the
# container: tbf on the host veth; from it: ingress redirect to the ifb and
# its tbf); a live change to 1 Mbit/s measures 1 Mbit/s +-10 %; after
# removal the rate is high again. TCP goodput, the first second omitted.
set -u

me=qos-rate
. "${top_srcdir:-$(dirname "$0")/../..}/tests/dp/qos-lib.sh"
command -v iperf3 >/dev/null || skip "no iperf3"
PY=${PYTHON3:-python3}
command -v "$PY" >/dev/null || skip "no python3 to read iperf3's JSON"

# not through the inh function: $! must be the server itself (ip netns exec execs it)
ip netns exec "$H" iperf3 -s -B 10.9.0.1 -p 5201 >"$tmp/iperf3-server.log" 2>&1 &
echo $! >"$tmp/server.pid"
for _ in 1 2 3 4 5 6 7 8 9 10; do
	inc iperf3 -c 10.9.0.1 -t 1 -J >/dev/null 2>&1 && break
	sleep 0.3
done

# measure SECONDS [-R]: received bit/s (-R: host -> container)
measure() {
	t=$1
	shift
	inc iperf3 -c 10.9.0.1 -p 5201 -t "$t" -O 1 -J "$@" >"$tmp/iperf3.json" 2>&1
	"$PY" -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' \
		"$tmp/iperf3.json" 2>/dev/null || echo 0
}
within() {	# within WHAT MEASURED WANT: +-10 %
	lo=$(($3 * 9 / 10))
	hi=$(($3 * 11 / 10))
	echo "$me: $1: $2 bit/s (want $3 +-10 %)"
	[ "$2" -ge "$lo" ] && [ "$2" -le "$hi" ] || fail "$1: $2 bit/s, not within $lo..$hi"
}
set_qos() {
	out=$(qos set "$ID" "$@")
	[ "${out%% *}" = 0 ] || fail "set_qos $*: $out"
}

up=$(measure 2)
down=$(measure 2 -R)
echo "$me: unlimited: from the container $up bit/s, to it $down bit/s"
[ "$up" -ge 20000000 ] && [ "$down" -ge 20000000 ] || fail "unlimited rate is low: $up / $down"

set_qos 500000
within "500 kbit/s from the container" "$(measure 5)" 500000
within "500 kbit/s to the container" "$(measure 5 -R)" 500000

# Live change while traffic flows, then measured.
inc iperf3 -c 10.9.0.1 -p 5201 -t 2 -R >/dev/null 2>&1 &
echo $! >"$tmp/client.pid"
sleep 1
set_qos 1000000
wait "$(cat "$tmp/client.pid")"
rm -f "$tmp/client.pid"
within "1 Mbit/s from the container" "$(measure 5)" 1000000
within "1 Mbit/s to the container" "$(measure 5 -R)" 1000000

set_qos 0
inh tc qdisc show dev "$VETH" | grep -q "tbf\|ingress" && fail "qdiscs left on $VETH"
inh ip link show "$IFB" >/dev/null 2>&1 && fail "$IFB left behind"
up=$(measure 2)
down=$(measure 2 -R)
echo "$me: removed: from the container $up bit/s, to it $down bit/s"
[ "$up" -ge 20000000 ] && [ "$down" -ge 20000000 ] || fail "rate still low after removal: $up / $down"

exit $status
