# shellcheck shell=bash
# Sourceable helpers for the netmaster HA tests: free ports on 127.0.0.1,
# netmasters started in the background and killed by pid.
#
#   nm_free_port                 prints a port nothing listens on
#   nm_start <name> <port> <store> [more netmaster flags]
#                                starts tools/netmaster as http://127.0.0.1:<port>,
#                                log in $tmp/<name>.log; NM_PID[<name>]=pid
#   nm_wait_up <port>            until /version answers (bounded, 10 s)
#   nm_kill9 <name>              SIGKILL and reap
#   nm_stop_all                  SIGTERM every netmaster still running, bounded
#   nm_state <port>              prints current-state and leader-url of /info
#   nm_setup <name>              makes $tmp, and traps that stop every netmaster
#                                and etcd member started and remove $tmp
builddir=${top_builddir:-.}
NETMASTER=${NETMASTER:-$builddir/tools/netmaster}
declare -A NM_PID=()

nm_free_port() {
	local p
	for _ in $(seq 100); do
		p=$((24000 + RANDOM % 8000))	# below the ephemeral range (32768-)
		# stay off the range other test suites use for etcd
		[ "$p" -ge 23791 ] && [ "$p" -le 23806 ] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}

nm_start() {
	local name=$1 port=$2 store=$3
	shift 3
	"$NETMASTER" --store "$store" --listen-url "127.0.0.1:$port" "$@" 2>>"$tmp/$name.log" &
	NM_PID[$name]=$!
}

nm_wait_up() {
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/version" && return 0
		sleep 0.1
	done
	return 1
}

nm_kill9() {
	local pid=${NM_PID[$1]:-}
	[ -n "$pid" ] || return 0
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "NM_PID[$1]"
}

nm_stop_all() {
	local name pid
	for name in "${!NM_PID[@]}"; do
		kill "${NM_PID[$name]}" 2>/dev/null
	done
	for name in "${!NM_PID[@]}"; do
		pid=${NM_PID[$name]}
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset "NM_PID[$name]"
	done
}

# "leader http://…" / "follower http://…" / "candidate " / "down "
nm_state() {
	local info
	info=$(curl -s --max-time 2 "http://127.0.0.1:$1/info") || { echo "down "; return; }
	printf '%s %s\n' "$(sed -n 's/.*"current-state":"\([a-z]*\)".*/\1/p' <<<"$info")" \
		"$(sed -n 's/.*"leader-url":"\([^"]*\)".*/\1/p' <<<"$info")"
}

# nm_post <port> <path> <body>: prints the status, body in $tmp/out
nm_post() {
	curl -s -o "$tmp/out" -w '%{http_code}' --max-time 20 -X POST \
		-H 'Content-Type: application/json' --data-binary "$3" "http://127.0.0.1:$1$2"
}

nm_setup() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/contiv-$1.XXXXXX") || exit 99
	trap nm_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

nm_cleanup() {
	local c
	for c in "${clients[@]}"; do kill "$c" 2>/dev/null; done
	nm_stop_all
	if command -v etcd_stop >/dev/null; then etcd_stop; fi
	rm -rf "$tmp"
}
clients=()
