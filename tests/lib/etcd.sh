# shellcheck shell=sh
# Sourceable helpers: throwaway etcd servers on 127.0.0.1 for the store tests.
#
#   etcd_start_single <dir> <client_port> <peer_port>
#   etcd_start_cluster <dir> <base>     members m1..m3: clients on base+0/2/4,
#                                       peers on base+1/3/5
#   etcd_stop                           kills every member started, removes data
#
# After a start: ETCD_ENDPOINTS="127.0.0.1:p1[,...]"; ETCD_PIDS="pid1[,...]"
# (same order). etcd_stop runs on EXIT/INT/TERM once etcd_trap is called.

ETCD_BIN=${ETCD_BIN:-/usr/bin/etcd}
ETCD_START_TIMEOUT=${ETCD_START_TIMEOUT:-20}	# seconds
ETCD_EXTRA_ARGS=${ETCD_EXTRA_ARGS:-}	# more etcd options, unquoted
ETCD_PIDS=
ETCD_ENDPOINTS=
ETCD_DIRS=

etcd_available() {
	[ -x "$ETCD_BIN" ] && command -v curl >/dev/null 2>&1
}

etcd_trap() {
	trap 'etcd_stop' EXIT
	trap 'etcd_stop; exit 130' INT
	trap 'etcd_stop; exit 143' TERM
}

# etcd_port_free <port>: nothing listens on 127.0.0.1:<port>.
etcd_port_free() {
	! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null
}

# etcd_free_ports <count>: prints the first of <count> consecutive ports in
# 20000..23999 (below the netmaster tests' range and the ephemeral range) on
# which nothing listens, so several test runs on one machine do not collide.
etcd_free_ports() {
	for _ in $(seq 50); do
		base=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 3990))
		ok=1
		for i in $(seq 0 $(($1 - 1))); do
			etcd_port_free $((base + i)) || { ok=0; break; }
		done
		[ "$ok" = 1 ] && { echo "$base"; return 0; }
	done
	return 1
}

# etcd_member <dir> <name> <client_port> <peer_port> <initial_cluster>
etcd_member() {
	mkdir -p "$1" || return 1
	for p in "$3" "$4"; do
		if ! etcd_port_free "$p"; then
			echo "etcd.sh: port $p is in use" >&2
			return 1
		fi
	done
	"$ETCD_BIN" --name "$2" --data-dir "$1/$2.data" \
		--listen-client-urls "http://127.0.0.1:$3" --advertise-client-urls "http://127.0.0.1:$3" \
		--listen-peer-urls "http://127.0.0.1:$4" --initial-advertise-peer-urls "http://127.0.0.1:$4" \
		--initial-cluster "$5" --initial-cluster-token "contiv-test-$$" \
		--initial-cluster-state new --logger zap --log-outputs "$1/$2.log" \
		$ETCD_EXTRA_ARGS >/dev/null 2>&1 &
	ETCD_PIDS="${ETCD_PIDS:+$ETCD_PIDS,}$!"
	ETCD_ENDPOINTS="${ETCD_ENDPOINTS:+$ETCD_ENDPOINTS,}127.0.0.1:$3"
	ETCD_DIRS="${ETCD_DIRS:+$ETCD_DIRS }$1/$2.data"
}

# etcd_wait_healthy <endpoint>...: each answers /health with "true", bounded.
etcd_wait_healthy() {
	deadline=$(($(date +%s) + ETCD_START_TIMEOUT))
	for ep in "$@"; do
		until curl -s --max-time 1 "http://$ep/health" 2>/dev/null | grep -q '"health":"true"'; do
			if [ "$(date +%s)" -ge "$deadline" ]; then
				echo "etcd.sh: $ep not healthy after ${ETCD_START_TIMEOUT}s" >&2
				return 1
			fi
			sleep 0.1
		done
	done
}

etcd_start_single() {
	etcd_member "$1" s1 "$2" "$3" "s1=http://127.0.0.1:$3" || return 1
	etcd_wait_healthy "127.0.0.1:$2"
}

etcd_start_cluster() {
	b=$2
	cl="m1=http://127.0.0.1:$((b + 1)),m2=http://127.0.0.1:$((b + 3)),m3=http://127.0.0.1:$((b + 5))"
	for m in 1 2 3; do
		etcd_member "$1" "m$m" $((b + 2 * m - 2)) $((b + 2 * m - 1)) "$cl" || return 1
	done
	etcd_wait_healthy 127.0.0.1:$b 127.0.0.1:$((b + 2)) 127.0.0.1:$((b + 4))
}

# etcd_alive <pid>: running (a zombie child does not count).
etcd_alive() {
	[ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

etcd_stop() {
	old_ifs=$IFS
	IFS=,
	for pid in $ETCD_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $ETCD_PIDS; do
		# bounded: SIGKILL after 5 s
		i=0
		while etcd_alive "$pid" && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	IFS=$old_ifs
	for d in $ETCD_DIRS; do
		rm -rf "$d"
	done
	ETCD_PIDS=
	ETCD_ENDPOINTS=
	ETCD_DIRS=
}
