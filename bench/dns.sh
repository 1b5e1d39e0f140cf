#!/bin/bash
# The built-in DNS's speed, next to dnsmasq on the same path, in the same run
# (root; one simulated host, namespaces only). From a container:
#   ours      netplugin answers a container name (c2)
#   dnsmasq   dnsmasq in the host's namespace, on the gateway's port 5353,
#             answers a name of its own (--address), from memory
#   forwarded netplugin forwards that name to the dnsmasq (127.0.0.1#5353),
#             i.e. the relay's cost on top of dnsmasq
# each one query at a time (latency) and with 32 in flight (rate).
#   bench/dns.sh [N]      N queries per run (default 20000)
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
. "$top_srcdir/tests/lib/cluster.sh"
N=${1:-20000}
Q=$top_builddir/bench/dns-query
[ -x "$Q" ] || { echo "SKIP: bench/dns-query not built"; exit 77; }
command -v dnsmasq >/dev/null || { echo "SKIP: dnsmasq not installed"; exit 77; }
# shellcheck disable=SC2034 # read by netplugin_start
CL_NETPLUGIN_ARGS="--dns-upstream 127.0.0.1#5353"
CL_LOG_LEVEL=warning
cluster_up 1 >/dev/null 2>&1 || { echo "cluster did not start"; exit 1; }
netctl net create --subnet=10.1.2.0/24 --gateway=10.1.2.1 contiv-net >/dev/null
container_add host1 c1 default contiv-net 2>/dev/null || exit 1
container_add host1 c2 default contiv-net 2>/dev/null || exit 1
ip netns exec "$(hostns host1)" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts --user=root \
	--bind-interfaces --listen-address=10.1.2.1,127.0.0.1 --port=5353 --pid-file= \
	--address=/peer.test/10.9.9.9 --log-facility=/dev/null &
echo $! >"$CL_DIR/dnsmasq.pid"
disown $!
sleep 0.5

run() {	# SERVER NAME WINDOW
	cexec c1 "$Q" "$1" "$2" "$N" "$3"
}
field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }
printf '%-10s %-7s %s\n' what window result
declare -A QPS P50
for w in 1 32; do
	for what in ours dnsmasq forwarded; do
		case $what in
		ours) out=$(run 10.1.2.1 c2 "$w") ;;
		dnsmasq) out=$(run '10.1.2.1#5353' peer.test "$w") ;;
		forwarded) out=$(run 10.1.2.1 peer.test "$w") ;;
		esac
		printf '%-10s %-7s %s\n' "$what" "$w" "$out"
		QPS[$what$w]=$(echo "$out" | field qps)
		P50[$what$w]=$(echo "$out" | field p50_us)
	done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "rate, 32 in flight: ours/dnsmasq $(ratio "${QPS[ours32]}" "${QPS[dnsmasq32]}"), forwarded/dnsmasq $(ratio "${QPS[forwarded32]}" "${QPS[dnsmasq32]}")"
echo "p50 latency, one at a time: ours/dnsmasq $(ratio "${P50[ours1]}" "${P50[dnsmasq1]}"), forwarded/dnsmasq $(ratio "${P50[forwarded1]}" "${P50[dnsmasq1]}")"
