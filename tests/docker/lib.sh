# shellcheck shell=bash
# Shared by tests/docker/*.sh: a simulated cluster (tests/lib/cluster.sh),
# a real dockerd per host (tests/lib/docker.sh) and contiv-docker-plugin in
# each engine's namespaces (Docker finds it in that engine's
# /run/docker/plugins; the veth it makes must be in dockerd's netns).
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/docker.sh"
docker_require
cluster_require
DP_BIN=$CL_TOP/plugins/docker/contiv-docker-plugin
if [ ! -x "$DP_BIN" ]; then
	echo "SKIP: plugins/docker/contiv-docker-plugin not built"
	exit 77
fi
DP_SOCK=/run/docker/plugins/netplugin.sock

# dp_up N [DOCKERD ARGS...]: cluster of N hosts, an engine and a plugin on each.
dp_up() {
	local n=$1 i pids=()
	shift
	cluster_up "$n" || exit 1
	for i in $(seq "$n"); do
		docker_up "host$i" "$@" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || { fail "docker_up"; cluster_finish; }
	done
	for i in $(seq "$n"); do
		plugin_start "host$i" || { fail "plugin on host$i"; cluster_finish; }
	done
}

# plugin_start HOST: the plugin in HOST's engine namespaces.
plugin_start() {
	local h=$1
	$(docker_nsenter "$h") "$DP_BIN" --netmaster "$CL_URL" --docker "unix://$(dk_sock "$h")" \
		--agent-socket "$CL_DIR/$h.sock" --log-level debug >>"$CL_DIR/plugin-$h.log" 2>&1 &
	echo $! >"$CL_DIR/plugin-$h.pid"
	disown $!
	for _ in $(seq 200); do
		docker_nsexec "$h" test -S "$DP_SOCK" && return 0
		sleep 0.05
	done
	cl_log "plugin on $h did not start:"
	cat "$CL_DIR/plugin-$h.log" >&2
	return 1
}

# plugin_stop HOST [SIGNAL]
plugin_stop() {
	local h=$1 pid
	pid=$(cat "$CL_DIR/plugin-$h.pid" 2>/dev/null) || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	rm -f "$CL_DIR/plugin-$h.pid"
}

# plugin_call HOST PATH [BODY]: POST to the plugin socket; sets CL_STATUS, CL_BODY.
plugin_call() {
	local out
	out=$(docker_nsexec "$1" curl -sS --max-time 30 --unix-socket "$DP_SOCK" \
		-w '\n%{http_code}' --data-binary "${3:-}" "http://localhost$2") || out=$'\n000'
	CL_STATUS=${out##*$'\n'}
	CL_BODY=${out%$'\n'*}
}

# dnet_ready HOST NAME: the Docker network NAME exists on HOST (made by the plugin's sync).
dnet_ready() {
	dk "$1" network inspect "$2" >/dev/null 2>&1
}

# wait_dnet NAME HOSTS...: waits up to 15 s for NAME on every host.
wait_dnet() {
	local name=$1 h
	shift
	for h in "$@"; do
		for _ in $(seq 150); do
			dnet_ready "$h" "$name" && break
			sleep 0.1
		done
		if dnet_ready "$h" "$name"; then
			ok "docker network $name on $h"
		else
			fail "docker network $name missing on $h"
		fi
	done
}

# dip HOST CONTAINER: the container's eth0 IPv4 address.
dip() {
	dk "$1" exec "$2" ip -4 -o addr show eth0 2>/dev/null | awk '{print $4}' | cut -d/ -f1
}

# dping HOST CONTAINER TARGET: one of three pings answered.
dping() {
	dk "$1" exec "$2" ping -c 3 -W 1 -w 3 "$3" >/dev/null 2>&1
}

# dlisten HOST CONTAINER PORT: "hello" answered on PORT, per connection.
dlisten() {
	dk "$1" exec -d "$2" sh -c "while :; do echo hello | nc -l -p $3 >/dev/null 2>&1; done"
}

# dconnect HOST CONTAINER IP PORT: "hello" received within 3 s.
dconnect() {
	local out
	out=$(dk "$1" exec "$2" timeout 3 nc -w 2 "$3" "$4" </dev/null 2>/dev/null) || true
	[ "$out" = hello ]
}

# Endpoints in netmaster (count), optionally of one host.
master_endpoints() {
	ip netns exec "$CL_FABRIC" curl -s "$CL_URL/api/v1/endpoints/" |
		jq --arg h "${1:-}" '[.[] | select($h == "" or .homingHost == $h)] | length'
}

# Addresses allocated in a network (gateway and reservations included).
allocated() {
	ip netns exec "$CL_FABRIC" curl -s "$CL_URL/api/v1/inspect/networks/$1/" | jq -r '.Oper.allocatedAddressesCount // 0'
}
