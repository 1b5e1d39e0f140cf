#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# netmaster over HTTP: starts tools/netmaster on 127.0.0.1 (random free port,
# temporary SQLite file) and drives it with curl: each kind's CRUD and
# inspect, 404, 405, 413, malformed JSON, the unix socket, and a client that
# stalls after part of its headers being dropped while others are served.
set -u

builddir=${top_builddir:-.}
NETMASTER=${NETMASTER:-$builddir/tools/netmaster}
command -v curl >/dev/null || { echo "curl missing: skipped"; exit 77; }

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
	done
	return 1
}
port=$(free_port) || { echo "no free port"; exit 99; }
base=http://127.0.0.1:$port

# bad flags: exit code 22
$NETMASTER --bogus >/dev/null 2>&1; [ $? -eq 22 ] || { echo "FAIL: bad flag exit code"; exit 1; }
$NETMASTER --listen-url nonsense >/dev/null 2>&1; [ $? -eq 22 ] || { echo "FAIL: bad listen-url"; exit 1; }

$NETMASTER --store "sqlite://$tmp/state.db" --listen-url 127.0.0.1:$port \
	--socket "$tmp/nm.sock" --log-level warning 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "$base/version" && break
	sleep 0.1
done

fails=0
# check METHOD PATH BODY STATUS [TEXT]
check() {
	local out status
	if [ -n "$3" ]; then
		status=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' \
			--data-binary "$3" "$base$2")
	else
		status=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" "$base$2")
	fi
	out=$(cat "$tmp/out")
	if [ "$status" != "$4" ] || { [ $# -ge 5 ] && [[ "$out" != *"$5"* ]]; }; then
		echo "FAIL: $1 $2 -> $status (want $4${5:+ with \"$5\"}): $out"
		fails=$((fails + 1))
	else
		echo "ok: $1 $2 -> $status"
	fi
}

check GET /version "" 200 '"Version":'
check GET /info "" 200 '"current-state":"leader"'
check POST /api/v1/tenants/t1/ '{"tenantName":"t1"}' 200 '"tenantName":"t1"'
check GET /api/v1/tenants/ "" 200 '{"tenantName":"t1"}'
check GET /api/v1/inspect/tenants/t1/ "" 200 '"Oper":{"totalNetworks":0'
check POST /api/v1/networks/t1:n1/ '{"subnet":"10.1.1.0/24","gateway":"10.1.1.254","encap":"vlan"}' 200 '"networkName":"n1"'
check GET /api/v1/networks/t1:n1/ "" 200 '"subnet":"10.1.1.0/24"'
check GET /api/v1/networks/ "" 200 '"tenantName":"t1"'
check POST /api/v1/policys/t1:p1/ '{}' 200 '"policyName":"p1"'
check POST /api/v1/rules/t1:p1:r1/ '{"direction":"in","protocol":"tcp","port":80,"action":"allow"}' 200 '"ruleId":"r1"'
check POST /api/v1/netprofiles/t1:np1/ '{"bandwidth":"10 Mbps","DSCP":10}' 200 '"profileName":"np1"'
check POST /api/v1/endpointGroups/t1:g1/ '{"networkName":"n1","policies":["p1"],"netProfile":"np1","ipPool":"10.1.1.10-10.1.1.20"}' 200 '"groupName":"g1"'
check POST /api/v1/endpoints/e1/ '{"tenantName":"t1","networkName":"n1","groupName":"g1","containerID":"abcdef"}' 200 '"ipAddress":"10.1.1.10"'
check GET /api/v1/inspect/networks/t1:n1/ "" 200 '"allocatedIPAddresses":"10.1.1.10-10.1.1.20, 10.1.1.254"'
check GET /api/v1/inspect/endpointGroups/t1:g1/ "" 200 '"numEndpoints":1'
check GET /api/v1/inspect/policys/t1:p1/ "" 200 '"numEndpoints":1'
check GET /api/v1/inspect/rules/t1:p1:r1/ "" 200 '"Oper":{}'
check GET /api/v1/inspect/netprofiles/t1:np1/ "" 200 '"Oper":{}'
check GET /api/v1/inspect/globals/global/ "" 200 '"vlansInUse":"1"'
check GET /api/v1/inspect/endpoints/abcd/ "" 200 '"endpointID":"e1"'
check GET '/api/v1/watch/?since=0' "" 200 '"snapshot":true'
check GET /metrics "" 200 'contiv_objects{collection="networks"} 1'
check DELETE /api/v1/networks/t1:n1/ "" 409 'in use by endpoint group'
check DELETE /api/v1/endpoints/e1/ "" 200 '"e1"'
check DELETE /api/v1/endpointGroups/t1:g1/ "" 200 '"t1:g1"'
check DELETE /api/v1/rules/t1:p1:r1/ "" 200
check DELETE /api/v1/policys/t1:p1/ "" 200
check DELETE /api/v1/netprofiles/t1:np1/ "" 200
check DELETE /api/v1/networks/t1:n1/ "" 200 '"t1:n1"'
check DELETE /api/v1/tenants/t1/ "" 200 '"t1"'
check GET /api/v1/tenants/t1/ "" 404 '"status":404'
check GET /api/v1/nothing/ "" 404 'unknown collection'
check GET /elsewhere "" 404
check PATCH /api/v1/tenants/t1/ '{}' 405 '"status":405'
check POST /api/v1/tenants/t2/ '{"tenantName":' 400 'malformed JSON'
check POST /api/v1/tenants/t2/ '[1]' 400 'expected an object'
check POST /api/v1/networks/default:n9/ '{"subnet":"10.9.1.0/33"}' 400 'subnet'

# 413: a 10 MB body is refused without being read
head -c 10485760 /dev/zero | tr '\0' ' ' >"$tmp/big"
check POST /api/v1/tenants/t3/ "@$tmp/big" 413 '"status":413'

# the unix socket
status=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$tmp/nm.sock" http://x/version)
[ "$status" = 200 ] && echo "ok: unix socket" || { echo "FAIL: unix socket -> $status"; fails=$((fails + 1)); }
[ "$(stat -c %a "$tmp/nm.sock")" = 600 ] || { echo "FAIL: socket mode"; fails=$((fails + 1)); }

# a client that sends part of its headers and stalls is dropped after the
# connection timeout (10 s), while others are served meanwhile
exec 3<>/dev/tcp/127.0.0.1/$port
printf 'GET /version HTTP/1.1\r\nHost: x\r\n' >&3
check GET /version "" 200 '"Version":'
start=$SECONDS
if read -r -t 20 line <&3; then
	echo "FAIL: stalled client got an answer: $line"; fails=$((fails + 1))
elif [ $((SECONDS - start)) -ge 19 ]; then
	echo "FAIL: stalled client not disconnected"; fails=$((fails + 1))
else
	echo "ok: stalled client disconnected after $((SECONDS - start)) s"
fi
exec 3<&-
check GET /version "" 200

kill "$pid"; wait "$pid"; rc=$?; pid=
[ $rc -eq 0 ] || { echo "FAIL: netmaster exit status $rc"; cat "$tmp/log"; fails=$((fails + 1)); }
[ $fails -eq 0 ] || { echo "$fails failures"; cat "$tmp/log"; exit 1; }
exit 0
