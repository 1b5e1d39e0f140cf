#!/bin/bash
# The README's quick start: a short run of Contiv's tutorial on two simulated
# hosts (network namespaces joined by a "fabric" namespace), with netmaster on
# the embedded store and a netplugin per host. It prints every netctl command
# and its output, the pings, the policy's effect and the measured rate, and
# removes every namespace and process it made. Needs root; nothing outside
# the namespaces it creates is touched or sent to.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export top_srcdir=${top_srcdir:-$top} top_builddir=${top_builddir:-$top}
. "$top_srcdir/tests/lib/cluster.sh"

step() { printf '\n### %s\n' "$*"; }
run() {	# prints and runs a netctl command
	echo "\$ netctl $*"
	netctl "$@" 2>&1 | sed 's/^/  /'
}
attach() {	# HOST NAME TENANT NETWORK [GROUP]
	container_add "$@" 2>/dev/null || { echo "attach of $2 failed: $CL_BODY"; exit 1; }
	echo "  container $2 on $1: $(cip "$2") (tenant $3, network $4${5:+, group $5})"
}
ping_show() {	# FROM TO_NAME
	if can_ping "$1" "$(cip "$2")"; then
		echo "  ping $1 -> $2 ($(cip "$2")): answered"
	else
		echo "  ping $1 -> $2 ($(cip "$2")): no answer"
	fi
}
tcp_show() {	# FROM TO_NAME PORT
	if can_connect "$1" "$(cip "$2")" "$3"; then
		echo "  tcp $1 -> $2:$3: connected"
	else
		echo "  tcp $1 -> $2:$3: refused or dropped"
	fi
}

step "Two hosts, one netmaster (embedded SQLite store), a netplugin per host"
cluster_up 2 || exit 1

step "Chapter 1: a network across hosts"
run net create --subnet=10.1.2.0/24 contiv-net
attach host1 c1 default contiv-net
attach host2 c2 default contiv-net
ping_show c1 c2
ping_show c2 c1

step "Tenants: tenant blue, same network name, same subnet, isolated"
run tenant create blue
run net create -t blue --subnet=10.1.2.0/24 contiv-net
run net ls -a
attach host1 b1 blue contiv-net
attach host2 b2 blue contiv-net
ping_show b1 b2
tcp_listen c2 7000
tcp_listen b2 7001
tcp_show c1 c2 7000
tcp_show b1 b2 7001
echo "  (b2 and c2 have the same address; b1 reaches only b2's listener, c1 only c2's)"
tcp_show b1 c2 7000

step "Chapter 2: policies between endpoint groups"
run tenant create TestTenant
run network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet
run group create -t TestTenant TestNet epgA
run group create -t TestTenant TestNet epgB
attach host1 a1 TestTenant TestNet epgA
attach host2 bb1 TestTenant TestNet epgB
ping_show a1 bb1
run policy create -t TestTenant policyAB
run policy rule-add -t TestTenant -d in --protocol icmp --from-group epgA --action deny policyAB 1
run group create -t TestTenant -p policyAB TestNet epgB
sleep 1
ping_show a1 bb1
ping_show bb1 a1
tcp_listen bb1 8001
tcp_listen bb1 8000
run policy rule-add -t TestTenant -d in --protocol tcp --port 8001 --from-group epgA --action allow -p 3 policyAB 3
run policy rule-add -t TestTenant -d in --protocol tcp --from-group epgA --action deny -p 2 policyAB 2
run policy rule-ls -t TestTenant policyAB
sleep 1
tcp_show a1 bb1 8001
tcp_show a1 bb1 8000

step "Chapter 3: a netprofile of 500Kbps with DSCP 6"
run tenant create BandwidthTenant
run network create -t BandwidthTenant --subnet=50.1.1.0/24 BandwidthTestNet
run netprofile create -t BandwidthTenant -b 500Kbps -d 6 -s 80 testProfile
run group create -t BandwidthTenant -n testProfile BandwidthTestNet epgB
attach host1 q1 BandwidthTenant BandwidthTestNet epgB
attach host2 q2 BandwidthTenant BandwidthTestNet epgB
cexec q1 timeout 20 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
sleep 0.5
kbps=$(cexec q2 timeout 15 iperf3 -c "$(cip q1)" -p 5201 -t 8 -O 2 -J 2>/dev/null |
	jq '(.end.sum_received.bits_per_second // 0) / 1000 | floor')
wait
echo "  iperf3 q2 -> q1: ${kbps:-0} kbit/s measured (limit 500 kbit/s)"
cexec q1 timeout 4 tcpdump -n -v -c 1 -i eth0 icmp 2>/dev/null | grep -o 'tos 0x[0-9a-f]*' |
	sed 's/^/  packets from q2 carry /' &
sleep 1
cexec q2 busybox ping -c 2 -W 1 "$(cip q1)" >/dev/null 2>&1
wait
echo "  (tos 0x18 = DSCP 6)"

step "Done: removing containers, netplugins, netmaster and namespaces"
cluster_down
echo "  clean"
