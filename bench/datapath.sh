#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Datapath and attach-path benchmarks (issue 4 §6), each against a baseline
# measured in the same run (root; network namespaces only; not run by make
# check; numbers only, no pass/fail):
#   1 throughput  iperf3 TCP container -> container across 2 simulated hosts
#                 over VXLAN with 1000 policy rules, vs two bare namespaces
#                 joined by a veth underlay and vxlan devices (no bridge, no
#                 rules); goal >= 95 %
#   2 rules       UDP 64-byte request/response rate (every packet) and TCP
#                 connect/request/close rate (every new flow meets the
#                 policy) at 1, 100, 1000, 10000 rules, vs 1 rule; goal flat
#   3 program     bench/policy: 10000 rules in one transaction vs nft -f of
#                 the same ruleset, one rule-add at 10000 rules
#   4 attach      agent API attach/detach latency (median, p99) and total for
#                 N endpoints, contiv-cni ADD/DEL, next to the stock CNI bridge
#                 plugin (+ host-local) doing the same; goals: median < 2 ms,
#                 1000 attaches < 10 s, contiv-cni ADD >= 5x bridge
#   5 rss         netplugin VmRSS/VmHWM with M endpoints on other (simulated)
#                 hosts, i.e. M FDB + neighbour entries, plus 20 local ones;
#                 goal < 16 MiB
#
#   bench/datapath.sh [PART...]     parts by name (default: all; program,
#                                   attach, throughput, rules, rss)
# Environment: DP_SECONDS (iperf3/rr seconds, 3), DP_RUNS (runs per
# throughput figure, 3), DP_ATTACH_N (1000), DP_REMOTE_N (10000),
# DP_RULES ("1 100 1000 10000").
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
export LD_LIBRARY_PATH=$top_builddir/libcontiv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
. "$top_srcdir/tests/lib/cluster.sh"

SECS=${DP_SECONDS:-3}
RUNS=${DP_RUNS:-3}
ATTACH_N=${DP_ATTACH_N:-1000}
REMOTE_N=${DP_REMOTE_N:-10000}
RULE_COUNTS=${DP_RULES:-1 100 1000 10000}
PARTS=${*:-program attach throughput rules rss}
# the real binaries, not libtool's wrapper scripts
bin() {
	if [ "$(head -c 2 "$top_builddir/$1/$2" 2>/dev/null)" = '#!' ] && [ -x "$top_builddir/$1/.libs/$2" ]; then
		echo "$top_builddir/$1/.libs/$2"
	else
		echo "$top_builddir/$1/$2"
	fi
}
ATTACH=$(bin bench attach)
RR=$(bin bench rr)
POLICY=$(bin bench policy)
CONTIV_CNI=$(bin plugins/cni contiv-cni)
BRIDGE=/usr/lib/cni/bridge
TENANT=default NET=dp-net POL=dp-pol GROUP=dp-grp
BASE=${CL_PREFIX}base	# namespace prefix of the bare baseline

cluster_require
for t in iperf3 nft; do
	command -v $t >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done

# ratio A B: A / B in per cent
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f %%", 100 * a / b; else print "n/a" }'; }
# median and best of numbers on stdin: "median best"
med_best() { sort -g | awk '{ v[NR] = $1 } END { printf "%s %s\n", v[int((NR + 1) / 2)], v[NR] }'; }
hr() { echo; echo "== $*"; }

# iperf3 client in namespace $1 to $2, prints Gbit/s of one run
iperf_run() {
	ip netns exec "$1" iperf3 -c "$2" -t "$SECS" -J 2>/dev/null |
		jq -r '.end.sum_received.bits_per_second / 1e9 * 100 | round / 100' 2>/dev/null
}

# ---- REST in bulk: one curl (one connection) for many POSTs ----
# bulk_post < "PATH<TAB>JSON" lines; prints how many did not answer 200
bulk_post() {
	local cfg=$CL_DIR/bulk.cfg
	awk -F '\t' -v url="$CL_URL" '{
		gsub(/"/, "\\\"", $2)
		printf "%surl = \"%s%s\"\ndata = \"%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", (NR > 1 ? "next\n" : ""), url, $1, $2
	}' >"$cfg"
	ip netns exec "$CL_FABRIC" curl -s -K "$cfg" | grep -vc '^200$'
}

# rules FROM TO: rules FROM..TO of the benchmark policy. Rule 1 lets the
# traffic in (iperf3 and bench/rr); the others are inbound allows for other
# ports and peers, so each is a real rule of the group's program.
rules_json() {
	local i
	for i in $(seq "$1" "$2"); do
		if [ "$i" = 1 ]; then
			printf '/api/v1/rules/%s:%s:1/\t{"tenantName":"%s","policyName":"%s","ruleId":"1","direction":"in","priority":10,"fromEndpointGroup":"%s","action":"allow"}\n' \
				"$TENANT" "$POL" "$TENANT" "$POL" "$GROUP"
		else
			printf '/api/v1/rules/%s:%s:%d/\t{"tenantName":"%s","policyName":"%s","ruleId":"%d","direction":"in","priority":5,"protocol":"%s","port":%d,"fromIpAddress":"10.%d.%d.%d","action":"allow"}\n' \
				"$TENANT" "$POL" "$i" "$TENANT" "$POL" "$i" "$([ $((i % 2)) = 0 ] && echo tcp || echo udp)" \
				$((1024 + i % 60000)) $((100 + i / 65536)) $((i / 256 % 256)) $((i % 256))
		fi
	done
}

# rules_to N: makes the policy have N rules (posts or deletes), then waits
# (up to 120 s) until both hosts' nftables table holds exactly those (the
# agents applied them); RULES_T is the seconds waited ("timeout" if not).
RULES_NOW=0 RULES_T=
rules_to() {
	local want=$1 t0 have bad
	if [ "$want" -gt "$RULES_NOW" ]; then
		bad=$(rules_json $((RULES_NOW + 1)) "$want" | bulk_post)
		[ "$bad" = 0 ] || echo "warning: $bad rule posts failed" >&2
	else
		for i in $(seq $((want + 1)) "$RULES_NOW"); do printf '%s:%s:%d\n' "$TENANT" "$POL" "$i"; done |
			awk -v url="$CL_URL" '{ printf "%surl = \"%s/api/v1/rules/%s/\"\nrequest = \"DELETE\"\noutput = \"/dev/null\"\n", (NR > 1 ? "next\n" : ""), url, $1 }' \
			>"$CL_DIR/del.cfg"
		ip netns exec "$CL_FABRIC" curl -s -K "$CL_DIR/del.cfg"
	fi
	RULES_NOW=$want
	t0=$(date +%s.%N)
	for _ in $(seq 600); do
		if host_rules_ok host1 "$want" && host_rules_ok host2 "$want"; then
			RULES_T=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
			return 0
		fi
		sleep 0.2
	done
	RULES_T=timeout
	return 1
}
# host_rules_ok HOST N: HOST's "inet contiv" table holds exactly N rules of
# the policy (each nftables rule carries "<group> <tenant>:<policy>:<id>")
host_rules_ok() {
	local n
	n=$(hexec "$1" nft list table inet contiv 2>/dev/null | grep -o "$TENANT:$POL:[0-9]*\"" | sort -u | wc -l)
	[ "$n" = "$2" ]
}

# ---------------------------------------------------------------- parts

# Bare kernel path: two namespaces, veth underlay, vxlan devices, nothing else.
baseline_up() {
	local i
	for i in 1 2; do ip netns add "${BASE}$i"; ip -n "${BASE}$i" link set lo up; done
	ip -n "${BASE}1" link add u0 type veth peer name u0 netns "${BASE}2"
	for i in 1 2; do
		ip -n "${BASE}$i" addr add "10.210.0.$i/24" dev u0
		ip -n "${BASE}$i" link set u0 up
		ip -n "${BASE}$i" link add vx0 type vxlan id 42 local "10.210.0.$i" remote "10.210.0.$((3 - i))" dstport 4789 dev u0
		ip -n "${BASE}$i" addr add "10.211.0.$i/24" dev vx0
		ip -n "${BASE}$i" link set vx0 up
	done
}
baseline_down() { ip netns del "${BASE}1" 2>/dev/null; ip netns del "${BASE}2" 2>/dev/null; }

# The two-host cluster with c1 (host1) and c2 (host2) in a group with a policy.
policy_cluster_up() {
	cluster_up 2 >/dev/null 2>&1 || { echo "cluster did not start"; exit 1; }
	trap 'cluster_down' EXIT	# removes the baseline namespaces too (same prefix)
	netctl net create -t "$TENANT" --subnet=10.1.0.0/16 "$NET" >/dev/null &&
		netctl policy create -t "$TENANT" "$POL" >/dev/null &&
		netctl group create -t "$TENANT" -p "$POL" "$NET" "$GROUP" >/dev/null || exit 1
	container_add host1 c1 "$TENANT" "$NET" "$GROUP" 2>/dev/null &&
		container_add host2 c2 "$TENANT" "$NET" "$GROUP" 2>/dev/null || exit 1
	cexec c2 iperf3 -s -D -p 5201 >/dev/null 2>&1
	cexec c2 "$RR" server 7777 >/dev/null 2>&1 &
	echo $! >"$CL_DIR/rr.pid"
	disown $!
}
CLUSTER=0
need_cluster() { [ "$CLUSTER" = 1 ] || { policy_cluster_up; CLUSTER=1; }; }

part_throughput() {
	local bare= ctv= i
	hr "1. TCP throughput, container -> container over VXLAN (iperf3, ${SECS} s, median/best of $RUNS)"
	need_cluster
	rules_to 1000
	echo "policy rules in place: 1000 (applied on both hosts in $RULES_T s)"
	baseline_up
	ip netns exec "${BASE}2" iperf3 -s -D -p 5201 >/dev/null 2>&1
	sleep 0.2
	# warm-up, then bare and libcontiv runs alternate (drifting load hits both)
	iperf_run "${BASE}1" 10.211.0.2 >/dev/null
	iperf_run "$(contns c1)" "$(cip c2)" >/dev/null
	for i in $(seq "$RUNS"); do
		bare+="$(iperf_run "${BASE}1" 10.211.0.2) "
		ctv+="$(iperf_run "$(contns c1)" "$(cip c2)") "
	done
	read -r bmed bbest < <(tr ' ' '\n' <<<"$bare" | grep -E '^[0-9.]+$' | med_best)
	read -r cmed cbest < <(tr ' ' '\n' <<<"$ctv" | grep -E '^[0-9.]+$' | med_best)
	printf '%-44s %10s %10s  Gbit/s\n' "" median best
	printf '%-44s %10s %10s\n' "bare: 2 netns, veth + vxlan, no rules" "$bmed" "$bbest"
	printf '%-44s %10s %10s\n' "libcontiv: 2 hosts, 1000 rules" "$cmed" "$cbest"
	echo "libcontiv / bare: median $(pct "$cmed" "$bmed"), best $(pct "$cbest" "$bbest") (goal >= 95 %)"
	pkill_ns "${BASE}2"
	baseline_down
}

# Kills the processes of one namespace of this run (by pid, never by name).
pkill_ns() { ip netns pids "$1" 2>/dev/null | xargs -r kill 2>/dev/null; }

part_rules() {
	local n udp crr base_udp= base_crr=
	hr "2. per-packet and per-flow cost by number of rules (${SECS} s each, best of $RUNS)"
	need_cluster
	printf '%-8s %12s %14s %12s %14s %10s\n' rules "UDP RR/s" "vs 1 rule" "TCP CRR/s" "vs 1 rule" "applied"
	for n in $RULE_COUNTS; do
		rules_to "$n"
		cexec c1 "$RR" udp "$(cip c2)" 7777 1 >/dev/null 2>&1	# warm-up
		udp=$(for _ in $(seq "$RUNS"); do cexec c1 "$RR" udp "$(cip c2)" 7777 "$SECS"; done | tr -d '/s' | med_best | cut -d' ' -f2)
		crr=$(for _ in $(seq "$RUNS"); do cexec c1 "$RR" crr "$(cip c2)" 7777 "$SECS"; done | tr -d '/s' | med_best | cut -d' ' -f2)
		[ -n "$base_udp" ] || { base_udp=$udp; base_crr=$crr; }
		printf '%-8s %12s %14s %12s %14s %9ss\n' "$n" "$udp" "$(pct "$udp" "$base_udp")" "$crr" "$(pct "$crr" "$base_crr")" "$RULES_T"
	done
	echo "(goal: flat, at most 3 % below the 1-rule figure; 'applied' = seconds until both hosts' tables held the rules)"
}

part_program() {
	hr "3. programming 10000 rules (bench/policy, in a private namespace)"
	"$POLICY" | grep -v 'per-packet'
	echo "(per-packet cost: part 2)"
}

part_attach() {
	local i n=$ATTACH_N pfx=${CL_PREFIX}c-at conf
	hr "4. attach latency, $n endpoints on one host"
	need_cluster
	for i in $(seq "$n"); do ip netns add "$pfx$i"; done
	declare -A R
	run() {	# run NAME ARGS...: collects "phase n=.. total_s=.. median_ms=.. p99_ms=.."
		local line
		while read -r line; do
			R[$1,${line%% *}]=$line
		done < <(hexec host1 "$ATTACH" "${@:2}")
	}
	run api api "$CL_DIR/host1.sock" "$TENANT" "$NET" "$pfx" "$n"
	conf=$CL_DIR/contiv.conf
	printf '{"cniVersion":"1.0.0","name":"%s","type":"contiv-cni","tenant":"%s","network":"%s","agentSocket":"%s"}\n' \
		"$NET" "$TENANT" "$NET" "$CL_DIR/host1.sock" >"$conf"
	run cni cni "$CONTIV_CNI" "$conf" "$pfx" "$n"
	if [ -x "$BRIDGE" ]; then
		printf '{"cniVersion":"1.0.0","name":"brnet","type":"bridge","bridge":"cnibr0","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","subnet":"10.77.0.0/16","dataDir":"%s/ipam"}}\n' \
			"$CL_DIR" >"$CL_DIR/bridge.conf"
		run bridge cni "$BRIDGE" "$CL_DIR/bridge.conf" "$pfx" "$n"
	fi
	field() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" <<<"${R[$1]:-}"; }
	printf '%-34s %9s %9s %9s %9s %6s\n' "" "median" "p99" "total" "per s" "fails"
	printf '%-34s %9s %9s %9s %9s %6s\n' "" "ms" "ms" "s" "" ""
	for k in "api,attach:agent API attach (kept-alive)" "api,detach:agent API detach" \
		 "cni,add:contiv-cni ADD (exec)" "cni,del:contiv-cni DEL (exec)" \
		 "bridge,add:bridge + host-local ADD" "bridge,del:bridge + host-local DEL"; do
		[ -n "${R[${k%%:*}]:-}" ] || continue
		printf '%-34s %9s %9s %9s %9s %6s\n' "${k#*:}" "$(field "${k%%:*}" median_ms)" "$(field "${k%%:*}" p99_ms)" \
			"$(field "${k%%:*}" total_s)" "$(awk -v n="$n" -v t="$(field "${k%%:*}" total_s)" 'BEGIN { printf "%.0f", n / t }')" \
			"$(field "${k%%:*}" failures)"
	done
	if [ -n "${R[bridge,add]:-}" ]; then
		echo "bridge / contiv-cni time per ADD: $(awk -v a="$(field bridge,add total_s)" -v b="$(field cni,add total_s)" 'BEGIN { printf "%.2fx", a / b }') (goal >= 5x), per DEL: $(awk -v a="$(field bridge,del total_s)" -v b="$(field cni,del total_s)" 'BEGIN { printf "%.2fx", a / b }')"
		echo "bridge ADD median / agent API attach median: $(awk -v a="$(field bridge,add median_ms)" -v b="$(field api,attach median_ms)" 'BEGIN { printf "%.2fx", a / b }')"
	fi
	echo "(goals: agent API attach median < 2 ms, 1000 attaches in < 10 s)"
	for i in $(seq "$n"); do ip netns del "$pfx$i"; done
}

# VmRSS, VmHWM, RssAnon and RssFile of a pid in KiB: "rss hwm anon file"
rss_of() {
	awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } /^RssAnon/ { a = $2 } /^RssFile/ { f = $2 }
	     END { print r, h, a, f }' "/proc/$1/status"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

part_rss() {
	local pid m=$REMOTE_N i t0 t1 have pfx=${CL_PREFIX}c-rs rss0 hwm0 anon0 file0 rss hwm anon file
	hr "5. netplugin memory with $m remote endpoints + 20 local"
	# a fresh cluster: the earlier parts' 10000 rules would be recompiled
	# at every change of the endpoint set
	[ "$CLUSTER" = 0 ] || { cluster_down; CLUSTER=0; RULES_NOW=0; }
	need_cluster
	pid=$(cat "$CL_DIR/host1.pid")
	read -r rss0 hwm0 anon0 file0 < <(rss_of "$pid")
	for i in $(seq 100001 100020); do ip netns add "$pfx$i"; done
	hexec host1 "$ATTACH" api "$CL_DIR/host1.sock" "$TENANT" "$NET" "$pfx" 20 100001 >/dev/null
	t0=$(date +%s.%N)
	for i in $(seq "$m"); do
		printf '/api/v1/endpoints/rm%d/\t{"endpointID":"rm%d","tenantName":"%s","networkName":"%s","homingHost":"sim%d","vtepIP":"10.200.%d.%d","containerID":"rm%d"}\n' \
			"$i" "$i" "$TENANT" "$NET" $((i % 50)) $((1 + i % 50 / 250)) $((10 + i % 50)) "$i"
	done | bulk_post >"$CL_DIR/rss.bad"
	t1=$(date +%s.%N)
	echo "netmaster: $m endpoint creates in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }') ($(cat "$CL_DIR/rss.bad") failed)"
	for _ in $(seq 1800); do
		have=$(curl -s --unix-socket "$CL_DIR/host1.sock" http://localhost/state | jq '.desired.remotes | length')
		[ "${have:-0}" -ge "$m" ] && break
		sleep 0.2
	done
	echo "host1's netplugin programmed $have remote endpoints $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }') after the first create"
	echo "kernel: $(hexec host1 bridge fdb show | grep -c 'dst 10.200') FDB entries, $(hexec host1 ip neigh show nud permanent | grep -c .) permanent neighbours on host1"
	read -r rss hwm anon file < <(rss_of "$pid")
	printf '%-30s %12s %12s %12s %12s\n' "netplugin (host1)" VmRSS VmHWM RssAnon RssFile
	printf '%-30s %12s %12s %12s %12s\n' "before (1 local endpoint)" "$(mib "$rss0")" "$(mib "$hwm0")" "$(mib "$anon0")" "$(mib "$file0")"
	printf '%-30s %12s %12s %12s %12s\n' "$m remote + 21 local" "$(mib "$rss")" "$(mib "$hwm")" "$(mib "$anon")" "$(mib "$file")"
	echo "VmHWM / goal (16 MiB): $(pct "$hwm" 16384)"
	read -r rss hwm anon file < <(rss_of "$(cat "$CL_DIR/netmaster.pid")")
	echo "(netmaster: VmRSS $((rss / 1024)) MiB, VmHWM $((hwm / 1024)) MiB)"
}

trap 'baseline_down' EXIT
echo "bench/datapath: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
for p in $PARTS; do
	case $p in
	throughput|rules|program|attach|rss) "part_$p" ;;
	*) echo "unknown part \"$p\" (throughput rules program attach rss)"; exit 2 ;;
	esac
done
