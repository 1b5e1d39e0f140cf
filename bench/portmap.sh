#!/bin/bash
# Port mappings: what a POST /portmap costs (validation, policy compile, one
# nftables transaction, the state file) next to a bare agent API round trip
# (GET /state), and the time of a TCP connection (an HTTP GET) through a
# mapped host port (DNAT) next to the same made straight to the container,
# interleaved in the same run, on a simulated host (root; namespaces only).
# Not run by make check.
#   bench/portmap.sh [N]      N /portmap calls and N connections (default 100)
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
. "$top_srcdir/tests/lib/cluster.sh"
N=${1:-100}
cluster_up 1 >/dev/null 2>&1 || { echo "cluster did not start"; exit 1; }
netctl net create --subnet=10.1.0.0/16 --gateway=10.1.255.254 contiv-net >/dev/null
for c in e1 e2 e3 e4; do container_add host1 $c default contiv-net 2>/dev/null || exit 1; done
SOCK=$CL_DIR/host1.sock

# ms_per_call N CURL_ARGS...: mean wall time of N curl calls to the agent, in ms
ms_per_call() {
	local n=$1
	shift
	for i in $(seq "$n"); do
		curl -s -o /dev/null -w '%{time_total}\n' --unix-socket "$SOCK" "${@//@I@/$i}"
	done | awk '{ s += $1 } END { printf "%.2f", s / NR * 1000 }'
}
state_ms=$(ms_per_call "$N" http://localhost/state)
pm_ms=$(ms_per_call "$N" -d '{"id":"e1","portMappings":[{"hostPort":@I@,"containerPort":7000}]}' \
	http://localhost/portmap)
printf '%-44s %8s ms\n' "GET /state (API round trip)" "$state_ms" "POST /portmap (replace 1 mapping)" "$pm_ms"
awk -v a="$pm_ms" -v b="$state_ms" 'BEGIN { printf "/portmap / round trip: %.1fx\n", a / b }'

# connections: busybox httpd in e1 on 7000 (a process per connection, no
# gap between connections), mapped from host port 7000
curl -s -o /dev/null --unix-socket "$SOCK" -d '{"id":"e1","portMappings":[{"hostPort":7000,"containerPort":7000}]}' \
	http://localhost/portmap
mkdir -p "$CL_DIR/www"
echo x >"$CL_DIR/www/x"
ip netns exec "$(contns e1)" busybox httpd -f -p 7000 -h "$CL_DIR/www" >/dev/null 2>&1 &
echo $! >"$CL_DIR/httpd.pid"
sleep 0.3
# interleaved, so that the machine's noise hits both alike: for each of N
# rounds one HTTP GET (one connection) straight to the container, one through
# the mapped host port; prints "direct_ms mapped_ms direct_ok mapped_ok"
interleaved() {
	ip netns exec "$CL_FABRIC" bash -c '
		d=0 m=0 dn=0 mn=0
		for i in $(seq "$3"); do
			t0=$(date +%s%N)
			[ "$(busybox wget -qO- "http://$1:7000/x" 2>/dev/null)" = x ] && dn=$((dn + 1))
			t1=$(date +%s%N)
			[ "$(busybox wget -qO- "http://$2:7000/x" 2>/dev/null)" = x ] && mn=$((mn + 1))
			t2=$(date +%s%N)
			d=$((d + t1 - t0)) m=$((m + t2 - t1))
		done
		awk -v d=$d -v m=$m -v n="$3" -v dn=$dn -v mn=$mn "BEGIN { printf \"%.2f %.2f %d %d\", d / n / 1e6, m / n / 1e6, dn, mn }"' \
		_ "$1" "$2" "$N"
}
# the fabric reaches the containers' subnet through host1 (for the direct runs)
ip netns exec "$CL_FABRIC" ip route add 10.1.0.0/16 via 10.200.0.1
read -r dms mms dn mn < <(interleaved "$(cip e1)" 10.200.0.1)
printf '%-44s %8s ms/connection (%s of %s)\n' "straight to the container (routed)" "$dms" "$dn" "$N" \
	"through host1:7000 (DNAT)" "$mms" "$mn" "$N"
awk -v a="$mms" -v b="$dms" 'BEGIN { printf "DNAT / direct: %.2fx the time per connection (busybox wget + httpd)\n", a / b }'
cluster_down
