#!/bin/bash
# Bad input on the agent API: a clear error and nothing left behind (no
# veth on the host, no endpoint in netmaster).
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
cluster_up 1 || exit 1

netctl net create --subnet=10.1.2.0/24 contiv-net || fail "net create"
container_add host1 c1 default contiv-net || fail "attach c1"
ns=/run/netns/$(contns c1)
ip netns add "$(contns c9)"
ns9=/run/netns/$(contns c9)

veths() { hexec host1 ip -o link show | grep -c ' cvh' ; }
endpoints() { ip netns exec "$CL_FABRIC" curl -sS "$CL_URL/api/v1/endpoints/" | jq -r '.[].endpointID' | tr '\n' ' '; }

expect() {	# expect STATUS WORD BODY-JSON description
	agent_call host1 /attach "$3"
	if [ "$CL_STATUS" = "$1" ] && printf '%s' "$CL_BODY" | grep -q -- "$2"; then
		ok "$4: $CL_STATUS $CL_BODY"
	else
		fail "$4: got $CL_STATUS $CL_BODY, expected $1 with \"$2\""
	fi
	if [ "$(veths)" = 1 ] && [ "$(endpoints)" = "c1 " ]; then
		ok "  nothing left behind"
	else
		fail "  left behind: veths $(veths), endpoints $(endpoints)"
	fi
}

expect 404 nonet '{"network":"nonet","id":"x1","netns":"'"$ns9"'"}' "unknown network"
expect 404 nogroup '{"network":"contiv-net","group":"nogroup","id":"x2","netns":"'"$ns9"'"}' "unknown group"
expect 400 /run/netns/missing '{"network":"contiv-net","id":"x3","netns":"/run/netns/missing"}' "missing netns"
expect 409 eth0 '{"network":"contiv-net","id":"x4","netns":"'"$ns"'"}' "interface name collision"
expect 200 '"ipv4"' '{"tenant":"default","network":"contiv-net","group":"","id":"c1","containerID":"c1","containerName":"c1","netns":"'"$ns"'"}' "duplicate attach, same parameters"
expect 409 'already attached' '{"network":"contiv-net","id":"c1","netns":"'"$ns9"'"}' "duplicate attach, other parameters"
expect 400 'id' '{"network":"contiv-net","netns":"'"$ns9"'"}' "no id"
expect 400 'JSON' 'not json' "malformed body"
if cexec c9 ip -o link show | grep -vq ' lo:'; then fail "c9 got an interface"; else ok "c9 untouched"; fi
agent_call host1 /detach '{"id":"c1"}'
[ "$CL_STATUS" = 200 ] && [ "$(veths)" = 0 ] && [ -z "$(endpoints)" ] && ok "detach: veth and endpoint gone" ||
	fail "detach: $CL_STATUS, veths $(veths), endpoints $(endpoints)"
agent_call host1 /detach '{"id":"c1"}'
[ "$CL_STATUS" = 200 ] && ok "second detach: 200" || fail "second detach: $CL_STATUS $CL_BODY"
cluster_finish
