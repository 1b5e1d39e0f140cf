#!/bin/bash
# The README's quick start: starts a netmaster on 127.0.0.1 with a throw-away
# SQLite store, runs Contiv's tutorial with netctl (tenants, networks, groups,
# policies, netprofiles), attaches four "containers" through netmaster's
# endpoint API to show address allocation, shows bad input refused, and
# stops everything. The datapath (netplugin) is not part of this release yet.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${top_builddir:-$top}
netmaster="$build/tools/netmaster"
netctl="$build/tools/netctl"
for p in "$netmaster" "$netctl"; do
	[ -x "$p" ] || { echo "quickstart: $p is not built (run make first)" >&2; exit 1; }
done

work=$(mktemp -d)
nm_pid=
cleanup() {
	[ -n "$nm_pid" ] && kill "$nm_pid" 2>/dev/null && wait "$nm_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# A free TCP port on 127.0.0.1.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export NETMASTER="http://127.0.0.1:$port"
"$netmaster" --store "sqlite://$work/state.db" --listen-url "127.0.0.1:$port" 2> "$work/netmaster.log" &
nm_pid=$!
for _ in $(seq 100); do
	curl -sf "$NETMASTER/version" > /dev/null && break
	sleep 0.1
done
echo "# netmaster serving on $NETMASTER, state in $work/state.db"

run() {
	echo
	echo "\$ netctl $*"
	"$netctl" "$@" || echo "(exit $?)"
}
endpoint() {	# endpoint ID TENANT NETWORK GROUP NAME: what a plugin sends
	echo
	echo "\$ POST /api/v1/endpoints/$1/ (container $5 joins $4/$2)"
	curl -s -X POST "$NETMASTER/api/v1/endpoints/$1/" \
		-d "{\"tenantName\":\"$2\",\"networkName\":\"$3\",\"groupName\":\"$4\",\"containerName\":\"$5\",\"homingHost\":\"host1\"}"
	echo
}

run version
run net create --subnet=10.1.2.0/24 contiv-net
run tenant create blue
run net create -t blue --subnet=10.1.2.0/24 contiv-net
run net create -p 112 -e vlan -s 10.1.3.0/24 contiv-vlan
run net ls -a
run tenant create TestTenant
run network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet
run policy create -t TestTenant policyAB
run group create -t TestTenant TestNet epgA
run group create -t TestTenant -p policyAB TestNet epgB
run policy rule-add -t TestTenant -d in --protocol icmp --from-group epgA --action deny policyAB 1
run policy rule-add -t TestTenant -d in --protocol tcp --port 8001 --from-group epgA --action allow policyAB 3
run policy rule-ls -t TestTenant policyAB
run tenant create BandwidthTenant
run network create -t BandwidthTenant --subnet=50.1.1.0/24 BandwidthTestNet
run netprofile create -t BandwidthTenant -b 500Kbps -d 6 -s 80 testProfile
run group create -t BandwidthTenant -n testProfile BandwidthTestNet epgB
run group ls -a
run netprofile ls -a

endpoint c1 TestTenant TestNet epgA contiv-c1
endpoint c2 TestTenant TestNet epgA contiv-c2
endpoint c3 TestTenant TestNet epgB contiv-c3
endpoint c4 TestTenant TestNet epgB contiv-c4
echo
echo "\$ GET /api/v1/inspect/networks/TestTenant:TestNet/ (allocated and available addresses)"
curl -s "$NETMASTER/api/v1/inspect/networks/TestTenant:TestNet/" |
	python3 -c 'import json,sys; o=json.load(sys.stdin)["Oper"]; print("allocated:", o["allocatedIPAddresses"]); print("available:", o["availableIPAddresses"])'

echo
echo "# bad input is refused, naming the field and the value; nothing changes"
run net create -s 10.1.2.0/33 bad-net
run netprofile create -t BandwidthTenant -d 64 badProfile
run policy rule-add -t TestTenant -d in --to-group epgA --action deny policyAB 9
run network rm -t TestTenant TestNet
echo
echo "# done; netmaster stopped, state removed"
