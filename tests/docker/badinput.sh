#!/bin/bash
# contiv-docker-plugin on bad input: malformed plugin JSON, unknown calls,
# unknown network ids and pools, Contiv names that do not exist,
# --mac-address, and netmaster down (a clear Docker error; nothing
# allocated or leaked once it is back). Also a network made by hand with
# docker network create.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/docker/lib.sh"
dp_up 1

netctl tenant create TestTenant || fail "tenant create"
netctl network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet || fail "network create"
netctl group create -t TestTenant TestNet epgA || fail "group create epgA"
wait_dnet epgA/TestTenant host1
HEX=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# expect_err PATH BODY STATUS TEXT: the plugin answers STATUS with {"Err": ...TEXT...}
expect_err() {
	plugin_call host1 "$1" "$2"
	if [ "$CL_STATUS" = "$3" ] && echo "$CL_BODY" | jq -e --arg t "$4" '.Err | contains($t)' >/dev/null 2>&1; then
		ok "$1 $2 -> $3 $CL_BODY"
	else
		fail "$1 $2 -> $CL_STATUS $CL_BODY (expected $3 naming '$4')"
	fi
}

echo "# the plugin protocol"
plugin_call host1 /Plugin.Activate
[ "$CL_STATUS" = 200 ] && [ "$(echo "$CL_BODY" | jq -c .Implements)" = '["NetworkDriver","IpamDriver"]' ] &&
	ok "Plugin.Activate: $CL_BODY" || fail "Plugin.Activate: $CL_STATUS $CL_BODY"
ct=$(docker_nsexec host1 curl -s -o /dev/null -w '%{content_type}' --unix-socket "$DP_SOCK" -X POST http://localhost/NetworkDriver.GetCapabilities)
[ "$ct" = application/vnd.docker.plugins.v1+json ] && ok "Content-Type $ct" || fail "Content-Type '$ct'"
expect_err /NetworkDriver.CreateEndpoint '{"NetworkID":' 500 "the body is not a JSON object"
expect_err /NetworkDriver.CreateEndpoint '' 500 "a JSON object is required"
expect_err /NetworkDriver.Frobnicate '{}' 404 "no such call"
expect_err /NetworkDriver.CreateEndpoint "{\"NetworkID\":\"$HEX\",\"EndpointID\":\"$HEX\",\"Interface\":{\"Address\":\"20.1.1.9/24\"}}" \
	500 "NetworkID \"$HEX\": unknown"
expect_err /NetworkDriver.CreateEndpoint '{"NetworkID":"x","EndpointID":"../../etc"}' 500 'EndpointID "../../etc"'
expect_err /NetworkDriver.Join "{\"NetworkID\":\"nope\",\"EndpointID\":\"$HEX\"}" 500 'NetworkID "nope"'
expect_err /IpamDriver.RequestAddress '{"PoolID":"10.99.0.0/24","Address":""}' 500 'PoolID "10.99.0.0/24"'
expect_err /IpamDriver.RequestAddress '{"PoolID":"contiv:TestTenant/NoNet","Address":""}' 500 'network "TestTenant:NoNet" does not exist'
expect_err /IpamDriver.RequestAddress '{"PoolID":"contiv:TestTenant/TestNet","Address":"20.1.2.7"}' 500 '20.1.2.7'
expect_err /IpamDriver.RequestPool '{"Pool":"","Options":{"tenant":"TestTenant","network":"Bad Name"}}' 500 'network "Bad Name"'
expect_err /IpamDriver.RequestPool '{"Pool":"10.9.9.0/24","Options":{}}' 500 'no Contiv network has this subnet'
expect_err /IpamDriver.RequestPool '{"Pool":"","Options":{},"V6":true}' 500 'IPv6'
expect_err /NetworkDriver.ProgramExternalConnectivity \
	"{\"NetworkID\":\"$HEX\",\"EndpointID\":\"$HEX\",\"Options\":{\"com.docker.network.portmap\":[{\"Proto\":6,\"Port\":80,\"HostPort\":99999}]}}" \
	500 'host port 99999'
[ "$(allocated TestTenant:TestNet)" = 1 ] && ok "nothing allocated by the refused calls" ||
	fail "$(allocated TestTenant:TestNet) addresses allocated after refused calls"

echo "# through docker"
out=$(dk host1 network create -d netplugin --ipam-driver netplugin --ipam-opt tenant=TestTenant --ipam-opt network=NoNet bad 2>&1) &&
	fail "network create for a missing Contiv network succeeded" ||
	{ echo "$out" | grep -q 'network "NoNet" does not exist in tenant "TestTenant"' && ok "docker: $out" || fail "docker said: $out"; }
dk host1 network create -d netplugin --ipam-driver netplugin --ipam-opt tenant=TestTenant --ipam-opt network=TestNet \
	-o tenant=TestTenant -o network=TestNet mynet >/dev/null && ok "docker network create mynet (by hand)" ||
	fail "docker network create mynet"
dk host1 run -itd --name=m1 --net=mynet alpine /bin/sh >/dev/null && ok "a container on mynet" || fail "docker run on mynet"
# driver options do not reach the IPAM driver: the subnet names the network there
dk host1 network create -d netplugin --ipam-driver netplugin --subnet 20.1.1.0/24 \
	-o tenant=TestTenant -o network=TestNet -o group=epgA mynet2 >/dev/null &&
	ok "docker network create -o tenant -o network -o group --subnet (by hand)" || fail "docker network create mynet2"
out=$(dk host1 network create -d netplugin --ipam-driver netplugin --subnet 20.1.1.0/24 \
	-o tenant=TestTenant -o network=NoNet bad2 2>&1) && fail "-o network=NoNet accepted" ||
	{ echo "$out" | grep -q 'network "NoNet" does not exist' && ok "docker: $out" || fail "docker said: $out"; }
dk host1 network rm mynet2 >/dev/null || fail "docker network rm mynet2"
case "$(dip host1 m1)" in 20.1.1.*) ok "m1 has $(dip host1 m1)" ;; *) fail "m1's address: $(dip host1 m1)" ;; esac
out=$(dk host1 run --rm --net=epgA/TestTenant --mac-address 02:42:00:00:00:01 alpine true 2>&1) &&
	fail "--mac-address accepted" ||
	{ echo "$out" | grep -q 'MacAddress "02:42:00:00:00:01"' && ok "docker: $out" || fail "docker said: $out"; }
before=$(allocated TestTenant:TestNet)
[ "$before" = 2 ] && ok "refused docker runs left nothing allocated (gateway + m1)" || fail "$before addresses allocated (gateway + m1 expected)"

echo "# netplugin down: Join refused, nothing kept"
netplugin_stop 1
out=$(dk host1 run --rm --net=epgA/TestTenant alpine true 2>&1) && fail "docker run without netplugin succeeded" ||
	{ echo "$out" | grep -q 'NetworkDriver.Join: netplugin (agent API)' && ok "docker: $out" || fail "docker said: $out"; }
netplugin_start 1 || fail "netplugin restart"
a=$(allocated TestTenant:TestNet)
[ "$a" = "$before" ] && ok "the refused container's address was released ($a allocated)" || fail "$a addresses allocated (was $before)"

echo "# netmaster down"
pid=$(cat "$CL_DIR/netmaster.pid")
kill "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
out=$(dk host1 run --rm --net=epgA/TestTenant alpine true 2>&1) && fail "docker run without netmaster succeeded" ||
	{ echo "$out" | grep -q 'netmaster' && ok "docker: $out" || fail "docker said: $out"; }
dk host1 rm -f m1 >/dev/null 2>&1 || true
ip netns exec "$CL_FABRIC" "$CL_TOP/tools/netmaster" --store "sqlite://$CL_DIR/state.db" \
	--listen-url "$CL_MASTER_IP:9999" >>"$CL_DIR/netmaster.log" 2>&1 &
echo $! >"$CL_DIR/netmaster.pid"
disown $!
wait_for netctl version >/dev/null 2>&1 || fail "netmaster restart"
# m1's detach and release were kept and are retried within seconds
for _ in $(seq 100); do
	[ "$(allocated TestTenant:TestNet)" = $((before - 1)) ] && break
	sleep 0.2
done
a=$(allocated TestTenant:TestNet)
[ "$a" = $((before - 1)) ] && ok "no leak: m1's address released once netmaster was back ($a allocated)" ||
	fail "$a addresses allocated (before: $before with m1)"
[ "$(master_endpoints)" = 0 ] && ok "no endpoint left in netmaster" || fail "$(master_endpoints) endpoints left"
dk host1 run --rm --net=epgA/TestTenant alpine true && ok "docker run works again" || fail "docker run after netmaster came back"
cluster_finish
