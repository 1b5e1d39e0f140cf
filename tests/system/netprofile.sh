#!/bin/bash
# Tutorial, chapter 3: netprofile 500Kbps, burst 80 KB, DSCP 6 on epgB.
# Throughput between epgB containers within 10 % of 500 kbit/s (iperf3),
# epgA unlimited, DSCP 6 (tos 0x18) on the packets received; a profile
# update (1Mbps) and detaching the profile take effect on running containers.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
for t in iperf3 tcpdump jq; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
cluster_up 2 || exit 1

netctl tenant create BandwidthTenant || fail "tenant create"
netctl network create -t BandwidthTenant --subnet=50.1.1.0/24 BandwidthTestNet || fail "network create"
netctl netprofile create -t BandwidthTenant -b 500Kbps -d 6 -s 80 testProfile || fail "netprofile create"
netctl group create -t BandwidthTenant -n testProfile BandwidthTestNet epgB || fail "group create epgB"
netctl group create -t BandwidthTenant BandwidthTestNet epgA || fail "group create epgA"
container_add host1 b1 BandwidthTenant BandwidthTestNet epgB || fail "attach b1"
container_add host2 b2 BandwidthTenant BandwidthTestNet epgB || fail "attach b2"
container_add host1 a1 BandwidthTenant BandwidthTestNet epgA || fail "attach a1"
container_add host2 a2 BandwidthTenant BandwidthTestNet epgA || fail "attach a2"

# rate SERVER CLIENT: kbit/s received by SERVER from CLIENT over 10 s, the
# first 3 s (the burst allowance) left out.
rate() {
	local r pid
	# ip netns exec directly (not the cexec function): $! is then the server
	# itself, and the kill below cannot leave it holding the port.
	ip netns exec "$(contns "$1")" timeout 25 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	r=$(cexec "$2" timeout 22 iperf3 -c "$(cip "$1")" -p 5201 -t 10 -O 3 -J 2>/dev/null |
		jq '(.end.sum_received.bits_per_second // 0) / 1000 | floor' 2>/dev/null)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "${r:-0}"
}

# within VALUE TARGET: |VALUE - TARGET| <= 10 % of TARGET
within() { [ "$1" -ge $(($2 * 9 / 10)) ] && [ "$1" -le $(($2 * 11 / 10)) ]; }

# shaped SERVER CLIENT TARGET LABEL: the rate is within 10 % of TARGET. TCP
# through two token buckets (the sender's ifb, the receiver's veth) on a busy
# 2-core machine can miss in one run; up to three runs are made, and every
# number is printed.
shaped() {
	local r seen=""
	for _ in 1 2 3; do
		r=$(rate "$1" "$2")
		if within "$r" "$3"; then
			ok "$4: $r kbit/s ($3 +-10 %${seen:+; earlier runs$seen})"
			return
		fi
		seen="$seen $r"
	done
	fail "$4:$seen kbit/s, expected $3 +-10 %"
}

rate b1 b2 >/dev/null	# warm-up: the first transfer after the attach is not measured
shaped b1 b2 500 "epgB b2->b1"
shaped b2 b1 500 "epgB b1->b2"
r=$(rate a1 a2)
if [ "$r" -gt 20000 ]; then ok "epgA a2->a1 unlimited: $r kbit/s"; else fail "epgA a2->a1: $r kbit/s, expected unlimited"; fi

# DSCP 6 on what b1 receives from b2
cap=$CL_DIR/dscp.txt
cexec b1 timeout 5 tcpdump -n -v -i eth0 -c 3 icmp >"$cap" 2>/dev/null &
sleep 1
cexec b2 busybox ping -c 3 -i 0.2 "$(cip b1)" >/dev/null
wait
if grep -q 'tos 0x18' "$cap"; then ok "DSCP 6 seen: $(grep -m1 -o 'tos 0x18[^,]*' "$cap")"; else fail "no tos 0x18 in: $(head -3 "$cap")"; fi
cexec a1 timeout 5 tcpdump -n -v -i eth0 -c 2 icmp >"$cap" 2>/dev/null &
sleep 1
cexec a2 busybox ping -c 2 -i 0.2 "$(cip a1)" >/dev/null
wait
if grep -q 'tos 0x0' "$cap"; then ok "epgA unmarked (tos 0x0)"; else fail "epgA marked: $(head -2 "$cap")"; fi

# update to 1Mbps: running containers follow
netctl netprofile create -t BandwidthTenant -b 1Mbps -d 6 -s 80 testProfile || fail "netprofile update"
sleep 1.5
shaped b1 b2 1000 "after update to 1Mbps"

# detach the profile from epgB: unlimited
netctl group create -t BandwidthTenant BandwidthTestNet epgB || fail "group update"
sleep 1.5
r=$(rate b1 b2)
if [ "$r" -gt 20000 ]; then ok "profile detached: $r kbit/s"; else fail "profile detached: $r kbit/s, expected unlimited"; fi
cluster_finish
