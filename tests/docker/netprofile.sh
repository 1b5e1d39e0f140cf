#!/bin/bash
# Tutorial, chapter 3, with Docker: containers run with
# --net=epgB/BandwidthTenant get the 500Kbps netprofile (rate measured with
# iperf3 between two hosts, within 10 %) and DSCP 6; epgA is unlimited.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/docker/lib.sh"
for t in iperf3 tcpdump jq; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done
dp_up 2

netctl tenant create BandwidthTenant || fail "tenant create"
netctl network create -t BandwidthTenant --subnet=50.1.1.0/24 BandwidthTestNet || fail "network create"
netctl netprofile create -t BandwidthTenant -b 500Kbps -d 6 -s 80 testProfile || fail "netprofile create"
netctl group create -t BandwidthTenant -n testProfile BandwidthTestNet epgB || fail "group create epgB"
netctl group create -t BandwidthTenant BandwidthTestNet epgA || fail "group create epgA"
wait_dnet epgB/BandwidthTenant host1 host2
wait_dnet epgA/BandwidthTenant host1 host2
dk host1 run -itd --name=b1 --net=epgB/BandwidthTenant alpine /bin/sh >/dev/null || fail "docker run b1"
dk host2 run -itd --name=b2 --net=epgB/BandwidthTenant alpine /bin/sh >/dev/null || fail "docker run b2"
dk host1 run -itd --name=a1 --net=epgA/BandwidthTenant alpine /bin/sh >/dev/null || fail "docker run a1"
dk host2 run -itd --name=a2 --net=epgA/BandwidthTenant alpine /bin/sh >/dev/null || fail "docker run a2"

# The host's iperf3 and tcpdump run in a container's network namespace.
cpid() { dk "$1" inspect -f '{{.State.Pid}}' "$2"; }
host_of() { case "$1" in *1) echo host1 ;; *) echo host2 ;; esac; }

# rate SERVER CLIENT: kbit/s received by SERVER from CLIENT over 10 s, the
# first 3 s (the burst allowance) left out.
rate() {
	local s=$1 c=$2 r pid sip
	sip=$(dip "$(host_of "$s")" "$s")
	nsenter -t "$(cpid "$(host_of "$s")" "$s")" -n timeout 25 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	r=$(nsenter -t "$(cpid "$(host_of "$c")" "$c")" -n timeout 22 iperf3 -c "$sip" -p 5201 -t 10 -O 3 -J 2>/dev/null |
		jq '(.end.sum_received.bits_per_second // 0) / 1000 | floor' 2>/dev/null)
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "${r:-0}"
}
within() { [ "$1" -ge $(($2 * 9 / 10)) ] && [ "$1" -le $(($2 * 11 / 10)) ]; }

rate b1 b2 >/dev/null	# warm-up
seen=
for _ in 1 2 3; do
	r=$(rate b1 b2)
	if within "$r" 500; then
		ok "epgB b2 (host2) -> b1 (host1): $r kbit/s (500 +-10 %${seen:+; earlier runs$seen})"
		seen=done
		break
	fi
	seen="$seen $r"
done
[ "$seen" = done ] || fail "epgB b2 -> b1:$seen kbit/s, expected 500 +-10 %"
r=$(rate a1 a2)
if [ "$r" -gt 20000 ]; then ok "epgA a2 -> a1 unlimited: $r kbit/s"; else fail "epgA a2 -> a1: $r kbit/s, expected unlimited"; fi

cap=$CL_DIR/dscp.txt
nsenter -t "$(cpid host1 b1)" -n timeout 5 tcpdump -n -v -i eth0 -c 3 icmp >"$cap" 2>/dev/null &
tpid=$!
sleep 1
dk host2 exec b2 ping -c 3 -i 0.2 "$(dip host1 b1)" >/dev/null
wait "$tpid"
if grep -q 'tos 0x18' "$cap"; then ok "DSCP 6 seen on b1: $(grep -m1 -o 'tos 0x18[^,]*' "$cap")"; else fail "no tos 0x18 in: $(head -3 "$cap")"; fi
cluster_finish
