# shellcheck shell=bash
# A simulated multi-host cluster in network namespaces, for system tests.
# Source it from bash (needs root):
#
#   . "$top_srcdir/tests/lib/cluster.sh"
#   cluster_up 2                      # fabric + host1, host2, netmaster, netplugins
#   netctl net create --subnet=10.1.2.0/24 contiv-net
#   container_add host1 c1 default contiv-net [GROUP]
#   cexec c1 ping -c1 "$(cip c2)"
#   container_del c1
#   cluster_down                      # also run by the EXIT trap
#
# Layout. Every namespace name starts with a per-run prefix ("cv<pid>-") so
# concurrent runs never meet; helpers take the short names (host1, c1).
# - "<p>fabric": a bridge br0 with 10.200.0.254/24; netmaster runs here,
#   listening on 10.200.0.254:9999 (127.0.0.1 inside a host namespace would be
#   that namespace's own loopback), its SQLite state in the run's temp dir.
#   netctl runs here too (function netctl).
#   With CL_VLAN=1 also a bridge br1 without addresses: the VLAN trunk.
# - "<p>hostI": eth0 10.200.0.I/24, a veth to the fabric's bridge (the
#   underlay and VTEP address), net.bridge.bridge-nf-call-iptables=1, and a
#   netplugin --host hostI --vtep-ip 10.200.0.I with its agent API socket at
#   $CL_DIR/hostI.sock.
#   With CL_VLAN=1 also eth1, a veth to the fabric's br1 (the VLAN uplink,
#   netplugin --vlan-uplinks eth1): VLAN networks' frames leave there tagged.
# - "<p>c-NAME": a container, plugged through hostI's agent API.
# Every address is private and inside namespaces the run made; nothing is
# changed in the namespace the test runs in.
#
# Settings (environment or variables set before cluster_up):
# - CL_VLAN=1: the VLAN uplinks above (needs 802.1Q VLAN devices in the kernel;
#   tests/klab/ runs a test in a VM with a stock kernel that has them).
# - CL_ENCAP=vlan: "netctl net create" without --encap makes VLAN networks
#   (implies CL_VLAN=1), to run a VXLAN scenario unchanged over VLANs.
# - CL_BIN: where netmaster, netplugin and netctl are (default: tools/ of the
#   build tree; the kernel lab uses the real binaries in tools/.libs).

CL_TOP=${top_builddir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CL_SRC=${top_srcdir:-$CL_TOP}
CL_PREFIX=${CL_PREFIX:-cv$$-}
CL_FABRIC=${CL_PREFIX}fabric
CL_MASTER_IP=10.200.0.254
CL_URL=http://$CL_MASTER_IP:9999
CL_DIR=
CL_HOSTS=0
CL_BIN=${CL_BIN:-$CL_TOP/tools}
CL_ENCAP=${CL_ENCAP:-}
CL_VLAN=${CL_VLAN:-}
[ "$CL_ENCAP" = vlan ] && CL_VLAN=1
# /etc/netns (per-namespace resolv.conf): removed at the end if this run made it
CL_ETC_NETNS_MADE=1
[ -d /etc/netns ] && CL_ETC_NETNS_MADE=

cl_log() { echo "# $*" >&2; }

# Exits 77 (skip) with the reason unless the machine can run the cluster.
cluster_require() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (network namespaces)"
		exit 77
	fi
	for t in ip curl busybox jq; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "SKIP: $t is not installed"
			exit 77
		fi
	done
	if [ ! -x "$CL_BIN/netplugin" ] || [ ! -x "$CL_BIN/netmaster" ]; then
		echo "SKIP: $CL_BIN/netplugin or netmaster not built"
		exit 77
	fi
}

netctl() {
	local encap=()

	# CL_ENCAP: the default encapsulation of "net create"
	if [ -n "$CL_ENCAP" ] && [ $# -ge 2 ] && [[ $1 == net || $1 == network ]] && [ "$2" = create ] &&
		[[ " $* " != *" -e "* && " $* " != *" --encap"* ]]; then
		encap=(--encap "$CL_ENCAP")
	fi
	ip netns exec "$CL_FABRIC" "$CL_BIN/netctl" --netmaster "$CL_URL" "${@:1:2}" "${encap[@]}" "${@:3}"
}

hostns() { echo "${CL_PREFIX}$1"; }
contns() { echo "${CL_PREFIX}c-$1"; }

# Starts (or restarts) the netplugin of host I, with the extra flags in
# $CL_NETPLUGIN_ARGS (every host) and $CL_NETPLUGIN_ARGS_hostI (that host).
netplugin_start() {
	local i=$1 h=host$1 var=CL_NETPLUGIN_ARGS_host$1 extra
	extra="${CL_NETPLUGIN_ARGS:-} ${!var:-}"
	# shellcheck disable=SC2086 # the extra flags are split on purpose
	ip netns exec "$(hostns "$h")" "$CL_BIN/netplugin" --host "$h" \
		--vtep-ip "10.200.0.$i" ${CL_VLAN:+--vlan-uplinks eth1} --netmaster "$CL_URL" --socket "$CL_DIR/$h.sock" \
		--log-level "${CL_LOG_LEVEL:-info}" $extra >>"$CL_DIR/$h.log" 2>&1 &
	echo $! >"$CL_DIR/$h.pid"
	disown $!
	for _ in $(seq 100); do
		[ -S "$CL_DIR/$h.sock" ] && return 0
		sleep 0.05
	done
	cl_log "netplugin of $h did not start:"
	cat "$CL_DIR/$h.log" >&2
	return 1
}

# Stops host I's netplugin: netplugin_stop I [SIGNAL]
netplugin_stop() {
	local h=host$1 sig=${2:-TERM} pid
	pid=$(cat "$CL_DIR/$h.pid" 2>/dev/null) || return 0
	kill "-$sig" "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	rm -f "$CL_DIR/$h.pid"
	[ "$sig" = KILL ] && rm -f "$CL_DIR/$h.sock"
	return 0
}

cluster_up() {
	local n=$1 i ns
	cluster_require
	CL_DIR=$(mktemp -d /tmp/contiv-cluster.XXXXXX)
	CL_HOSTS=$n
	trap cluster_down EXIT
	trap 'exit 130' INT TERM
	ip netns add "$CL_FABRIC"
	ip -n "$CL_FABRIC" link set lo up
	ip -n "$CL_FABRIC" link add br0 type bridge
	ip -n "$CL_FABRIC" addr add "$CL_MASTER_IP/24" dev br0
	ip -n "$CL_FABRIC" link set br0 up
	if [ -n "$CL_VLAN" ]; then
		ip -n "$CL_FABRIC" link add br1 type bridge
		ip -n "$CL_FABRIC" link set br1 up
	fi
	for i in $(seq "$n"); do
		ns=$(hostns "host$i")
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip -n "$CL_FABRIC" link add "vh$i" type veth peer name eth0 netns "$ns"
		ip -n "$CL_FABRIC" link set "vh$i" master br0 up
		ip -n "$ns" addr add "10.200.0.$i/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip netns exec "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=1
		if [ -n "$CL_VLAN" ]; then
			ip -n "$CL_FABRIC" link add "vu$i" type veth peer name eth1 netns "$ns"
			ip -n "$CL_FABRIC" link set "vu$i" master br1 up
			ip -n "$ns" link set eth1 up
		fi
	done
	ip netns exec "$CL_FABRIC" "$CL_BIN/netmaster" --store "sqlite://$CL_DIR/state.db" \
		--listen-url "$CL_MASTER_IP:9999" >"$CL_DIR/netmaster.log" 2>&1 &
	echo $! >"$CL_DIR/netmaster.pid"
	disown $!
	for _ in $(seq 100); do
		netctl version >/dev/null 2>&1 && break
		sleep 0.05
	done
	if ! netctl version >/dev/null 2>&1; then
		cl_log "netmaster did not start:"
		cat "$CL_DIR/netmaster.log" >&2
		return 1
	fi
	for i in $(seq "$n"); do
		netplugin_start "$i" || return 1
	done
	cl_log "cluster up: $n hosts, netmaster $CL_URL, state in $CL_DIR"
}

# Calls a host's agent API: agent_call HOST PATH JSON; sets CL_STATUS (the
# HTTP status, 000 if no answer) and CL_BODY (the answer).
agent_call() {
	local out
	CL_STATUS=000
	CL_BODY=
	out=$(curl -sS --max-time 30 --unix-socket "$CL_DIR/$1.sock" -H 'Content-Type: application/json' \
		-w '\n%{http_code}' -d "$3" "http://localhost$2") || return 1
	CL_STATUS=${out##*$'\n'}
	CL_BODY=${out%$'\n'*}
}

# container_add HOST NAME TENANT NETWORK [GROUP]: a netns NAME plugged into
# NETWORK through HOST's agent API. Fails (and removes the netns) on an error.
# The endpoint id is NAME; the container name is $CL_CNAME if set, else NAME;
# $CL_IP, if set, is the address requested.
container_add() {
	local host=$1 name=$2 tenant=$3 net=$4 group=${5:-} ns body
	ns=$(contns "$name")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	body=$(printf '{"tenant":"%s","network":"%s","group":"%s","id":"%s","containerID":"%s","containerName":"%s","netns":"/run/netns/%s","ipAddress":"%s"}' \
		"$tenant" "$net" "$group" "$name" "$name" "${CL_CNAME:-$name}" "$ns" "${CL_IP:-}")
	agent_call "$host" /attach "$body"
	if [ "$CL_STATUS" != 200 ]; then
		cl_log "attach of $name on $host failed ($CL_STATUS): $CL_BODY"
		ip netns del "$ns" 2>/dev/null
		return 1
	fi
	echo "$host" >"$CL_DIR/c-$name.host"
	printf '%s\n' "$CL_BODY" >"$CL_DIR/c-$name.json"
	cl_log "container $name on $host: $(cip "$name")"
}

container_del() {
	local name=$1 host
	host=$(cat "$CL_DIR/c-$name.host" 2>/dev/null) || return 0
	agent_call "$host" /detach "{\"id\":\"$name\"}"
	[ "$CL_STATUS" = 200 ] || cl_log "detach of $name on $host: $CL_STATUS $CL_BODY"
	ip netns del "$(contns "$name")" 2>/dev/null
	rm -rf "$CL_DIR/c-$name.host" "$CL_DIR/c-$name.json" "/etc/netns/$(contns "$name")"
}

# container_use_dns NAME: the DNS server NAME's attach answer names
# (netplugin's built-in DNS) becomes its resolver: "ip netns exec" mounts
# /etc/netns/<ns>/resolv.conf over /etc/resolv.conf. Fails if there is none.
container_use_dns() {
	local ns server
	ns=$(contns "$1")
	server=$(jq -r '.dns.nameservers[0] // empty' "$CL_DIR/c-$1.json")
	[ -n "$server" ] || return 1
	mkdir -p "/etc/netns/$ns"
	echo "nameserver $server" >"/etc/netns/$ns/resolv.conf"
}

# The IPv4 address of a container (without the prefix length).
cip() {
	jq -r '.ipv4 // empty' "$CL_DIR/c-$1.json" | cut -d/ -f1
}

# Runs a command in a container's namespace.
cexec() {
	local name=$1
	shift
	ip netns exec "$(contns "$name")" "$@"
}

# Runs a command in a host's namespace.
hexec() {
	local h=$1
	shift
	ip netns exec "$(hostns "$h")" "$@"
}

cluster_down() {
	local f ns
	trap - EXIT
	[ -n "$CL_DIR" ] || return 0
	for f in "$CL_DIR"/*.pid; do
		[ -e "$f" ] || continue
		kill -TERM "$(cat "$f")" 2>/dev/null || true
	done
	sleep 0.2
	for f in "$CL_DIR"/*.pid; do
		[ -e "$f" ] || continue
		kill -KILL "$(cat "$f")" 2>/dev/null || true
	done
	for ns in $(ip netns list | awk '{print $1}' | grep "^${CL_PREFIX}"); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	# per-namespace files a test made for "ip netns exec" (resolv.conf)
	rm -rf /etc/netns/"${CL_PREFIX:?}"*
	[ -n "$CL_ETC_NETNS_MADE" ] && rmdir /etc/netns 2>/dev/null
	if [ -n "${CL_KEEP_LOGS:-}" ] || [ "${CL_FAILED:-0}" != 0 ]; then
		for f in "$CL_DIR"/*.log; do
			[ -e "$f" ] || continue
			echo "----- $(basename "$f") (last 40 lines)" >&2
			tail -n 40 "$f" >&2
		done
	fi
	rm -rf "$CL_DIR"
	CL_DIR=
}

# ---- assertions for the tests ----

CL_FAILED=0
ok() { echo "ok: $*"; }
fail() {
	echo "FAIL: $*"
	CL_FAILED=1
}

# can_ping FROM TO_IP: one of three pings answered within 1 s each.
can_ping() {
	cexec "$1" busybox ping -c 3 -W 1 -w 3 "$2" >/dev/null 2>&1
}

expect_ping() {
	if can_ping "$1" "$2"; then ok "$1 reaches $2"; else fail "$1 cannot reach $2"; fi
}

expect_no_ping() {
	if can_ping "$1" "$2"; then fail "$1 reaches $2 (should not)"; else ok "$1 does not reach $2"; fi
}

# tcp_listen NAME PORT: a busybox nc server answering "hello" in NAME, restarted per connection.
tcp_listen() {
	cexec "$1" sh -c "while :; do echo hello | busybox nc -l -p $2 >/dev/null 2>&1; done" \
		>/dev/null 2>&1 &
	echo $! >"$CL_DIR/nc-$1-$2.pid"
	disown $!
	sleep 0.3
}

# can_connect FROM IP PORT: a TCP connection made and "hello" received within 3 s.
can_connect() {
	local out
	out=$(cexec "$1" timeout 3 busybox nc -w 2 "$2" "$3" </dev/null 2>/dev/null) || true
	[ "$out" = hello ]
}

expect_connect() {
	if can_connect "$1" "$2" "$3"; then ok "$1 connects to $2:$3"; else fail "$1 cannot connect to $2:$3"; fi
}

expect_no_connect() {
	if can_connect "$1" "$2" "$3"; then fail "$1 connects to $2:$3 (should not)"; else ok "$1 cannot connect to $2:$3"; fi
}

# Waits up to 5 s for a condition (a command) to hold.
# capture_start NETNS IF COUNT FILTER: tcpdump -e in NETNS into
# $CL_DIR/cap.txt, returning once it listens.
capture_start() {
	rm -f "$CL_DIR/cap.txt" "$CL_DIR/cap.err"
	ip netns exec "$1" tcpdump -i "$2" -e -n -l -c "$3" "$4" >"$CL_DIR/cap.txt" 2>"$CL_DIR/cap.err" &
	CAP_PID=$!
	for _ in $(seq 100); do
		grep -q 'listening on' "$CL_DIR/cap.err" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "tcpdump did not start: $(cat "$CL_DIR/cap.err")"
}

# capture_stop: waits up to 5 s for tcpdump's COUNT frames, then stops it
# and prints what it captured.
capture_stop() {
	for _ in $(seq 50); do
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	cat "$CL_DIR/cap.txt"
}

# expect_no_flood FROM REMOTE LOCAL: FROM pings REMOTE (another host) and
# then LOCAL (FROM's host, same network) while LOCAL's eth0 is captured:
# LOCAL sees its own ping and none of the frames to REMOTE (the bridge knows
# remote MACs, so unicast to them is not flooded to local ports).
expect_no_flood() {
	capture_start "$(contns "$3")" eth0 2 icmp
	cexec "$1" busybox ping -c 3 -i 0.2 "$(cip "$2")" >/dev/null
	cexec "$1" busybox ping -c 1 "$(cip "$3")" >/dev/null
	capture_stop >/dev/null
	if grep -q "$(cip "$1") > $(cip "$3"): ICMP echo request" "$CL_DIR/cap.txt" &&
		! grep -q "> $(cip "$2"):" "$CL_DIR/cap.txt"; then
		ok "$3 sees $1's ping to it, not those to $2 (no flooding)"
	else
		fail "$3 saw $1's frames to $2, or not its own ping: $(cat "$CL_DIR/cap.txt")"
	fi
}

wait_for() {
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

cluster_finish() {
	if [ "$CL_FAILED" != 0 ]; then
		echo "# some checks failed"
		exit 1
	fi
	echo "# all checks passed"
	exit 0
}
