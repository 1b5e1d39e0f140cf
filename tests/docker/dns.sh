#!/bin/bash
# Containers on two Docker engines resolve each other by name: Docker's
# embedded DNS answers for its own engine's containers and forwards other
# names to the engine's DNS server, here netplugin's built-in DNS on the
# network's gateway (dockerd --dns 20.1.1.254), which knows every
# endpoint's container name in the tenant because the plugin records it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/docker/lib.sh"
if ! "$CL_TOP/tools/netplugin" --help 2>/dev/null | grep -q -- --no-dns; then
	echo "SKIP: this netplugin has no built-in DNS"
	exit 77
fi
dp_up 2 --dns 20.1.1.254

netctl tenant create TestTenant || fail "tenant create"
netctl network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet || fail "network create"
netctl group create -t TestTenant TestNet epgA || fail "group create epgA"
wait_dnet epgA/TestTenant host1 host2
dk host1 run -itd --name=contiv-c1 --net=epgA/TestTenant alpine /bin/sh >/dev/null || fail "docker run contiv-c1"
dk host2 run -itd --name=contiv-c2 --net=epgA/TestTenant alpine /bin/sh >/dev/null || fail "docker run contiv-c2"
C1=$(dip host1 contiv-c1)
sleep 1
out=$(dk host2 exec contiv-c2 nslookup contiv-c1 2>&1)
echo "$out" | grep -q "Address.*$C1" && ok "contiv-c2 (host2) resolves contiv-c1 (host1) to $C1" ||
	fail "nslookup contiv-c1 on host2: $out"
if dk host2 exec contiv-c2 ping -c 3 -W 1 -w 3 contiv-c1 >/dev/null 2>&1; then
	ok "contiv-c2 pings contiv-c1 by name across hosts"
else
	fail "contiv-c2 cannot ping contiv-c1 by name"
fi
cluster_finish
