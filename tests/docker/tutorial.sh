#!/bin/bash
# Contiv's tutorial with real Docker engines on two simulated hosts, through
# contiv-docker-plugin: the Docker networks appear by themselves (no docker
# network create), containers ping across hosts, by name on one host, two
# tenants with the same subnet stay apart, epgA/TestTenant obeys policyAB,
# and removed containers leave nothing allocated in netmaster.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/docker/lib.sh"
dp_up 2

echo "# chapter 1: contiv-net"
netctl net create --subnet=10.1.2.0/24 contiv-net || fail "net create"
wait_dnet contiv-net host1 host2
dk host1 run -itd --name=contiv-c1 --net=contiv-net alpine /bin/sh >/dev/null || fail "docker run contiv-c1"
dk host2 run -itd --name=contiv-c2 --net=contiv-net alpine /bin/sh >/dev/null || fail "docker run contiv-c2"
C1=$(dip host1 contiv-c1) C2=$(dip host2 contiv-c2)
case "$C1 $C2" in
10.1.2.*\ 10.1.2.*) ok "addresses from netmaster: $C1, $C2" ;;
*) fail "addresses: '$C1' '$C2'" ;;
esac
[ "$(master_endpoints host1)" = 1 ] && [ "$(master_endpoints host2)" = 1 ] &&
	ok "one endpoint per host in netmaster" || fail "endpoints in netmaster: $(master_endpoints)"
names=$(ip netns exec "$CL_FABRIC" curl -s "$CL_URL/api/v1/endpoints/" | jq -r '[.[].containerName] | sort | join(" ")')
[ "$names" = "contiv-c1 contiv-c2" ] && ok "netmaster knows the containers' names: $names" || fail "names in netmaster: '$names'"
if dping host2 contiv-c2 "$C1"; then ok "contiv-c2 (host2) pings contiv-c1 (host1)"; else fail "contiv-c2 cannot ping contiv-c1"; fi
if dping host1 contiv-c1 "$C2"; then ok "contiv-c1 pings contiv-c2"; else fail "contiv-c1 cannot ping contiv-c2"; fi
dk host1 run -itd --name=contiv-c3 --net=contiv-net alpine /bin/sh >/dev/null || fail "docker run contiv-c3"
if dping host1 contiv-c3 contiv-c1; then ok "contiv-c3 pings contiv-c1 by name"; else fail "contiv-c3 cannot ping contiv-c1 by name"; fi
mac=$(dk host1 exec contiv-c1 cat /sys/class/net/eth0/address)
[ "$mac" = "$(printf '02:02:%02x:%02x:%02x:%02x' $(echo "$C1" | tr . ' '))" ] &&
	ok "contiv-c1's MAC is Contiv's ($mac)" || fail "contiv-c1's MAC $mac"
# no gateway in Contiv: Docker gives the container its docker_gwbridge for the default route
dk host1 exec contiv-c1 ip route | grep -q '^default.* dev eth0' &&
	fail "a default route through contiv-net, which has no gateway" || ok "no default route through contiv-net (no gateway)"

echo "# chapter 2: tenant blue, same subnet"
netctl tenant create blue || fail "tenant create"
netctl net create -t blue --subnet=10.1.2.0/24 contiv-net || fail "net create blue"
wait_dnet contiv-net/blue host1 host2
dk host1 run -itd --name=blue-c1 --net=contiv-net/blue alpine /bin/sh >/dev/null || fail "docker run blue-c1"
dk host2 run -itd --name=blue-c2 --net=contiv-net/blue alpine /bin/sh >/dev/null || fail "docker run blue-c2"
B1=$(dip host1 blue-c1) B2=$(dip host2 blue-c2)
[ "$B1" = "$C1" ] && [ "$B2" = "$C2" ] && ok "identical addresses in blue: $B1, $B2" || fail "blue addresses $B1 $B2"
C3=$(dip host1 contiv-c3)
if dping host2 blue-c2 "$B1"; then ok "blue-c2 pings blue-c1"; else fail "blue-c2 cannot ping blue-c1"; fi
if dping host2 contiv-c2 "$C3"; then ok "contiv-c2 pings contiv-c3 ($C3)"; else fail "contiv-c2 cannot ping contiv-c3"; fi
if dping host2 blue-c2 "$C3"; then fail "blue-c2 reaches $C3 (tenant default)"; else ok "blue-c2 does not reach $C3 (tenant default)"; fi

echo "# chapter 3: policy, epgA/TestTenant"
netctl tenant create TestTenant || fail "tenant create"
netctl network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet || fail "network create"
netctl policy create -t TestTenant policyAB || fail "policy create"
netctl group create -t TestTenant TestNet epgA || fail "group create epgA"
netctl group create -t TestTenant -p policyAB TestNet epgB || fail "group create epgB"
wait_dnet epgA/TestTenant host1 host2
wait_dnet epgB/TestTenant host1 host2
dk host1 run -itd --name=a1 --net=epgA/TestTenant alpine /bin/sh >/dev/null || fail "docker run a1"
dk host2 run -itd --name=b1 --net=epgB/TestTenant alpine /bin/sh >/dev/null || fail "docker run b1"
A1=$(dip host1 a1) BB=$(dip host2 b1)
dk host1 exec a1 ip route | grep -q '^default via 20.1.1.254' && ok "a1: default via 20.1.1.254" ||
	fail "a1's routes: $(dk host1 exec a1 ip route)"
if dping host1 a1 "$BB"; then ok "a1 pings b1"; else fail "a1 cannot ping b1"; fi
netctl policy rule-add -t TestTenant -d in --protocol icmp --from-group epgA --action deny policyAB 1 || fail "rule-add 1"
wait_for bash -c "! $(declare -f dk); DK_CLI=$DK_CLI CL_DIR=$CL_DIR; dk host1 exec a1 ping -c1 -W1 $BB >/dev/null 2>&1"
if dping host1 a1 "$BB"; then fail "a1 pings b1 despite the ICMP deny"; else ok "ICMP from epgA to epgB denied"; fi
if dping host2 b1 "$A1"; then ok "b1 still pings a1"; else fail "b1 cannot ping a1"; fi
dlisten host2 b1 8000
dlisten host2 b1 8001
netctl policy rule-add -t TestTenant -d in --protocol tcp --from-group epgA --action deny policyAB 2 || fail "rule-add 2"
netctl policy rule-add -t TestTenant -d in --protocol tcp --port 8001 --from-group epgA --action allow -p 10 policyAB 3 ||
	fail "rule-add 3"
sleep 1.5
if dconnect host1 a1 "$BB" 8001; then ok "a1 connects to b1:8001"; else fail "a1 cannot connect to b1:8001"; fi
if dconnect host1 a1 "$BB" 8000; then fail "a1 connects to b1:8000"; else ok "a1 cannot connect to b1:8000"; fi

echo "# chapter 4: -p 9099:9099"
dk host1 run -itd --name=web -p 9099:9099 --net=epgA/TestTenant alpine \
	sh -c 'while :; do echo hello | nc -l -p 9099; done' >/dev/null || fail "docker run -p 9099:9099"
hget() { hexec "$1" timeout 3 busybox nc -w 2 "$2" 9099 </dev/null 2>/dev/null; }
wait_for bash -c "$(declare -f hexec hostns hget); CL_PREFIX=$CL_PREFIX; [ \"\$(hget host2 10.200.0.1)\" = hello ]"
[ "$(hget host2 10.200.0.1)" = hello ] && ok "host2 reaches web through host1:9099" || fail "host1:9099 not reachable from host2"
[ "$(hget host1 10.200.0.1)" = hello ] && ok "host1 reaches web through its own :9099" || fail "host1:9099 not reachable from host1"
dk host1 rm -f web >/dev/null || fail "docker rm web"
[ -z "$(hget host2 10.200.0.1)" ] && ok "port 9099 closed with the container" || fail "port 9099 still answers"

echo "# containers removed: nothing left in netmaster"
before=$(allocated TestTenant:TestNet)
dk host1 rm -f contiv-c1 contiv-c3 blue-c1 a1 >/dev/null || fail "docker rm host1"
dk host2 rm -f contiv-c2 blue-c2 b1 >/dev/null || fail "docker rm host2"
n=$(master_endpoints)
[ "$n" = 0 ] && ok "no endpoint left in netmaster" || fail "$n endpoints left in netmaster"
for net in default:contiv-net blue:contiv-net TestTenant:TestNet; do
	a=$(allocated "$net")
	[ "$a" -le 1 ] && ok "$net: $a address(es) allocated (the gateway at most)" || fail "$net: $a addresses still allocated"
done
[ "$before" -ge 3 ] || fail "TestNet had $before addresses allocated with two containers"

echo "# network deleted in netmaster: gone from Docker"
netctl net rm -t blue contiv-net || fail "net rm blue"
for _ in $(seq 150); do
	dnet_ready host1 contiv-net/blue || dnet_ready host2 contiv-net/blue || break
	sleep 0.1
done
if dnet_ready host1 contiv-net/blue || dnet_ready host2 contiv-net/blue; then
	fail "docker network contiv-net/blue still there"
else
	ok "docker network contiv-net/blue removed on both hosts"
fi
cluster_finish
