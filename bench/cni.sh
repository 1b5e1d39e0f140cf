#!/bin/bash
# CNI ADD and DEL per second: contiv-cni (through the local netplugin's agent)
# next to the stock bridge plugin with host-local IPAM, in the same run, on
# one simulated host (root; namespaces only). Not run by make check.
#   bench/cni.sh [N]      N containers (default 50)
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
export LD_LIBRARY_PATH=$top_builddir/libcontiv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
. "$top_srcdir/tests/lib/cluster.sh"
N=${1:-50}
# contiv-cni links no libtool library: the binary itself, not a wrapper
CONTIV=$top_builddir/plugins/cni/contiv-cni
BRIDGE=/usr/lib/cni/bridge
[ -x "$BRIDGE" ] || { echo "SKIP: $BRIDGE missing (containernetworking-plugins)"; exit 77; }
cluster_up 1 >/dev/null 2>&1 || { echo "cluster did not start"; exit 1; }
netctl net create --subnet=10.1.0.0/16 contiv-net >/dev/null
for i in $(seq "$N"); do ip netns add "$(contns b$i)"; done

conf_contiv='{"cniVersion":"1.0.0","name":"contiv-net","type":"contiv-cni","tenant":"default","network":"contiv-net","agentSocket":"'$CL_DIR/host1.sock'"}'
conf_bridge='{"cniVersion":"1.0.0","name":"brnet","type":"bridge","bridge":"cnibr0","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","subnet":"10.77.0.0/16","dataDir":"'$CL_DIR'/ipam"}}'

# run_phase PLUGIN CONF COMMAND: N invocations inside host1, prints seconds
run_phase() {
	ip netns exec "$(hostns host1)" bash -c '
		plugin=$1 conf=$2 cmd=$3 n=$4 pfx=$5 fails=0
		start=$(date +%s%N)
		for i in $(seq "$n"); do
			printf "%s" "$conf" | CNI_COMMAND=$cmd CNI_CONTAINERID=bench$i CNI_NETNS=/run/netns/${pfx}c-b$i \
				CNI_IFNAME=eth0 CNI_PATH=/usr/lib/cni CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=b$i" \
				"$plugin" >/dev/null || fails=$((fails + 1))
		done
		end=$(date +%s%N)
		echo "$(( (end - start) / 1000 )) $fails"' _ "$1" "$2" "$3" "$N" "$CL_PREFIX"
}

rate() { awk -v n="$N" -v us="$1" 'BEGIN { printf "%.1f", n / (us / 1e6) }'; }
declare -A R
for p in contiv bridge; do
	if [ $p = contiv ]; then pl=$CONTIV conf=$conf_contiv; else pl=$BRIDGE conf=$conf_bridge; fi
	read -r us f < <(run_phase "$pl" "$conf" ADD)
	R[$p,add]=$(rate "$us") R[$p,addms]=$(awk -v n="$N" -v us="$us" 'BEGIN { printf "%.2f", us / n / 1000 }') R[$p,addf]=$f
	read -r us f < <(run_phase "$pl" "$conf" DEL)
	R[$p,del]=$(rate "$us") R[$p,delms]=$(awk -v n="$N" -v us="$us" 'BEGIN { printf "%.2f", us / n / 1000 }') R[$p,delf]=$f
done
printf '%-26s %10s %10s %10s %10s %8s\n' "plugin ($N containers)" "ADD/s" "ms/ADD" "DEL/s" "ms/DEL" failures
printf '%-26s %10s %10s %10s %10s %8s\n' contiv-cni "${R[contiv,add]}" "${R[contiv,addms]}" "${R[contiv,del]}" "${R[contiv,delms]}" "$((R[contiv,addf] + R[contiv,delf]))"
printf '%-26s %10s %10s %10s %10s %8s\n' "bridge + host-local" "${R[bridge,add]}" "${R[bridge,addms]}" "${R[bridge,del]}" "${R[bridge,delms]}" "$((R[bridge,addf] + R[bridge,delf]))"
awk -v a="${R[contiv,add]}" -v b="${R[bridge,add]}" -v c="${R[contiv,del]}" -v d="${R[bridge,del]}" \
	'BEGIN { printf "contiv-cni / bridge: ADD %.1fx, DEL %.1fx (goal: ADD >= 5x)\n", a / b, c / d }'
lat=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' --unix-socket "$CL_DIR/host1.sock" http://localhost/state; done |
	awk '{ s += $1 } END { printf "%.1f", s / NR * 1000 }')
echo "netplugin agent API round trip (GET /state, curl): $lat ms"
cluster_down
