#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The per-flow cost of the policy by rule count, without a cluster (root,
# from the build tree; not run by make check): the topology of
# tests/dp/nft-policy.sh (namespaces A and B on a bridge in namespace SW,
# br_netfilter on), SW's "inet contiv" table applied by tests/dp/nft-helper
# with the rules of bench/datapath.sh's part "rules" (rules=N), and
# bench/rr crr A -> B (TCP connect, one byte each way, close: every
# connection's SYN meets the cell map once). Prints per rule count: the
# connections/s (best of FLOW_RUNS runs of FLOW_SECONDS), the ratio to the
# first count, and the elements of the in_cells map. FLOW_EXTRA: more
# nft-helper features, e.g. "denyall" (an inbound deny-all rule under them).
#
#   sudo bench/flow-rules.sh            # FLOW_RULES="1 100 1000 10000"
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
export LD_LIBRARY_PATH=$top_builddir/libcontiv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
helper=$top_builddir/tests/dp/nft-helper
rr=$top_builddir/bench/rr
[ -x "$top_builddir/tests/dp/.libs/nft-helper" ] && helper=$top_builddir/tests/dp/.libs/nft-helper
SECS=${FLOW_SECONDS:-2}
RUNS=${FLOW_RUNS:-3}
COUNTS=${FLOW_RULES:-1 100 1000 10000}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$helper" ] && [ -x "$rr" ] || { echo "SKIP: build tests/dp/nft-helper and bench/rr first"; exit 77; }

p=cvf$$
SW=${p}sw A=${p}a B=${p}b
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	for ns in $SW $A $B; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT INT TERM
in_ns() { _ns=$1; shift; ip netns exec "$_ns" "$@"; }

for ns in $SW $A $B; do ip netns add "$ns" || exit 1; done
in_ns $SW ip link set lo up
in_ns $SW ip link add cvbx100 type bridge
in_ns $SW ip addr add 10.1.2.254/24 dev cvbx100
in_ns $SW ip link set cvbx100 up
in_ns $SW sysctl -qw net.bridge.bridge-nf-call-iptables=1 || { echo "SKIP: no br_netfilter"; exit 77; }
i=1
for ns in $A $B; do
	in_ns $SW ip link add h$i type veth peer name c$i
	in_ns $SW ip link set c$i netns "$ns"
	in_ns "$ns" ip link set c$i name eth0
	in_ns $SW ip link set h$i master cvbx100 up
	in_ns "$ns" ip link set lo up
	in_ns "$ns" ip addr add 10.1.2.$i/24 dev eth0
	in_ns "$ns" ip link set eth0 up
	i=$((i + 1))
done
sleep 1
ip netns exec $B "$rr" server 7777 >/dev/null 2>&1 &
srv=$!
sleep 0.3

printf '%-8s %10s %10s %10s %12s\n' rules "apply s" "cells" "TCP CRR/s" "vs first"
base=
for n in $COUNTS; do
	t0=$(date +%s.%N)
	in_ns $SW "$helper" apply "rules=$n" ${FLOW_EXTRA:-} || exit 1
	t1=$(date +%s.%N)
	cells=$(in_ns $SW nft -j list map inet contiv in_cells | jq '[.nftables[].map.elem // empty | length] | add // 0')
	in_ns $A "$rr" crr 10.1.2.2 7777 1 >/dev/null	# warm-up
	best=0
	for _ in $(seq "$RUNS"); do
		r=$(in_ns $A "$rr" crr 10.1.2.2 7777 "$SECS" | tr -d '/s')
		best=$(awk -v a="$r" -v b="$best" 'BEGIN { print (a > b ? a : b) }')
	done
	[ -n "$base" ] || base=$best
	printf '%-8s %10.2f %10s %10s %11.1f%%\n' "$n" "$(echo "$t1 - $t0" | bc)" "$cells" "$best" \
		"$(awk -v a="$best" -v b="$base" 'BEGIN { print 100 * a / b }')"
done
