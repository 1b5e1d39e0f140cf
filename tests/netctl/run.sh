#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run.sh SCENARIO|SCENARIO.cmds [--update]
#
# Runs the netctl commands of tests/netctl/SCENARIO.cmds (one per line, shell
# quoting, '#' comments) and compares their transcript -- each command, its
# stdout, its stderr prefixed "! " and its exit status -- with
# SCENARIO.expected. A command written "? cmd" must fail with one
# "netctl: ..." line whose text (netmaster's wording) is not compared.
# Scenarios named online-* run against a real netmaster
# (tools/netmaster over a temporary SQLite store on 127.0.0.1 and a random
# port) and are skipped (77) when it is not built; the others point netctl
# at a closed port. --update rewrites the expected file.
set -u

scenario=${1:?usage: run.sh SCENARIO [--update]}
# As the LOG_COMPILER of "make check", the argument is the .cmds file.
scenario=${scenario##*/}
scenario=${scenario%.cmds}
me=netctl-$scenario
update=${2:-}
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
dir=$top_srcdir/tests/netctl
netctl=$top_builddir/tools/netctl
netmaster=$top_builddir/tools/netmaster
cmds=$dir/$scenario.cmds
expected=$dir/$scenario.expected

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netctl-test.XXXXXX") || exit 99
nm_pid=
cleanup() {
	if [ -n "$nm_pid" ]; then
		kill "$nm_pid" 2>/dev/null
		wait "$nm_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 99' INT TERM

[ -x "$netctl" ] || { echo "$me: FAIL: $netctl not built" >&2; exit 99; }
# No login token of the user running the tests.
HOME=$tmp
export HOME
unset INSECURE

free_port() {
	"${PYTHON3:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + $$ % 30000))
}

case $scenario in
online-*)
	if [ ! -x "$netmaster" ]; then
		echo "$me: SKIP: $netmaster is not built"
		exit 77
	fi
	started=
	for attempt in 1 2 3 4 5; do
		port=$(free_port)
		rm -f "$tmp/state.db" "$tmp/netmaster.log"
		"$netmaster" --store "sqlite://$tmp/state.db" --listen-url "127.0.0.1:$port" \
			>"$tmp/netmaster.log" 2>&1 &
		nm_pid=$!
		NETMASTER=http://127.0.0.1:$port
		export NETMASTER
		for i in $(seq 1 100); do
			if "$netctl" version >/dev/null 2>&1; then
				started=yes
				break
			fi
			kill -0 "$nm_pid" 2>/dev/null || break
			sleep 0.1
		done
		[ -n "$started" ] && break
		kill "$nm_pid" 2>/dev/null
		wait "$nm_pid" 2>/dev/null
		nm_pid=
	done
	if [ -z "$started" ]; then
		echo "$me: FAIL: netmaster did not start:" >&2
		cat "$tmp/netmaster.log" >&2
		exit 1
	fi
	;;
*)
	port=$(free_port)
	NETMASTER=http://127.0.0.1:$port
	export NETMASTER
	;;
esac

# Values that change between runs or curl versions: the port, curl's wording.
normalize() {
	sed -e "s|127\.0\.0\.1:$port|127.0.0.1:PORT|g" \
	    -e "s|port $port |port PORT |g" \
	    -e 's|\(Failed to connect to [^ ]* port [^ ]*\) .*|\1 ...|'
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	'' | '#'*) continue ;;
	esac
	# "? cmd": stderr must be one "netctl: ..." line whose text, netmaster's
	# own message, is not compared.
	loose=
	case $line in
	'? '*) loose=yes line=${line#? } ;;
	esac
	printf '%snetctl %s\n' "${loose:+? }\$ " "$line"
	eval "set -- $line"
	"$netctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	normalize <"$tmp/out"
	if [ -n "$loose" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^netctl: .' "$tmp/err"; then
		echo "! netctl: <netmaster's message>"
	else
		normalize <"$tmp/err" | sed 's/^/! /'
	fi
	printf '[exit %d]\n' "$rc"
done <"$cmds" >"$tmp/transcript"

if [ "$update" = --update ]; then
	cp "$tmp/transcript" "$expected"
	echo "$me: updated $expected"
	exit 0
fi
if ! diff -u "$expected" "$tmp/transcript" >"$tmp/diff"; then
	echo "$me: FAIL: the transcript differs from $scenario.expected:" >&2
	cat "$tmp/diff" >&2
	if [ -n "$nm_pid" ]; then
		echo "--- netmaster log:" >&2
		tail -n 50 "$tmp/netmaster.log" >&2
	fi
	exit 1
fi
echo "$me: PASS"
exit 0
