#!/bin/bash
# The built-in DNS (netplugin): containers on different hosts reach each
# other by name; a group name resolves to all its endpoints; tenant blue,
# with the same network name and subnet, sees its own names only; other
# names are forwarded to the host's resolver (a dnsmasq in the fabric
# namespace: host1 learns it from its resolv.conf, host2 from
# --dns-upstream); a detached container stops resolving; the host's VTEP
# address answers as well as the gateway; queries from the underlay are not
# answered.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
cluster_require
if ! command -v dnsmasq >/dev/null 2>&1; then
	echo "SKIP: dnsmasq is not installed (the test's upstream resolver; Debian dnsmasq-base)"
	exit 77
fi
if ! command -v drill >/dev/null 2>&1; then
	echo "SKIP: drill is not installed (the test's TCP DNS client; Debian ldnsutils)"
	exit 77
fi

# host1's netplugin reads its resolvers from resolv.conf ("ip netns exec"
# mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf; cluster_down
# removes the directory); host2's is given them by the flag.
mkdir -p "/etc/netns/$(hostns host1)"
echo "nameserver $CL_MASTER_IP" >"/etc/netns/$(hostns host1)/resolv.conf"
# shellcheck disable=SC2034 # read by netplugin_start
CL_NETPLUGIN_ARGS_host2="--dns-upstream $CL_MASTER_IP"
cluster_up 2 || exit 1

# bad DNS flags: exit 22 with a message that names the value, before anything is set up
# (in the fabric namespace, so that nothing could reach the test's own)
for flags in "--dns-upstream 10.0.0.300" "--dns-upstream 10.0.0.1#99999" "--dns-upstream ," "--dns-port 0" "--dns-port 53x"; do
	# shellcheck disable=SC2086 # flag and value
	out=$(ip netns exec "$CL_FABRIC" timeout 5 "$CL_TOP/tools/netplugin" --vtep-ip 10.200.0.1 \
		--socket "$CL_DIR/bad.sock" $flags 2>&1)
	rc=$?
	value=${flags#* }
	if [ "$rc" = 22 ] && [[ "$out" == *"\"$value\""* ]]; then
		ok "netplugin $flags: exit 22: $out"
	else
		fail "netplugin $flags: exit $rc: $out"
	fi
done

# the "host's resolver": dnsmasq in the fabric namespace, knowing only example.test
ip netns exec "$CL_FABRIC" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address="$CL_MASTER_IP" --user=root --pid-file="$CL_DIR/dnsmasq.pidfile" \
	--address=/example.test/10.200.0.77 --log-facility="$CL_DIR/dnsmasq.log" &
echo $! >"$CL_DIR/dnsmasq.pid"
disown $!

# resolve FROM NAME [SERVER]: the IPv4 addresses NAME resolves to in FROM, sorted
resolve() {
	cexec "$1" busybox nslookup -type=a "$2" ${3:+"$3"} 2>/dev/null |
		awk '/^Name:/ { n = 1 } n && /^Address/ { sub(/^Address:?[ \t]*/, ""); print }' | sort
}

expect_resolve() {
	local got
	got=$(resolve "$1" "$2" "${4:-}" | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$3" ]; then ok "$1: $2 -> $3${4:+ (asking $4)}"; else fail "$1: $2 -> \"$got\", expected \"$3\"${4:+ (asking $4)}"; fi
}

sorted() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }

netctl net create --subnet=10.1.2.0/24 --gateway=10.1.2.1 contiv-net || fail "net create"
netctl group create contiv-net web || fail "group create"
container_add host1 c1 default contiv-net web || fail "attach c1"
container_add host2 c2 default contiv-net web || fail "attach c2"
container_add host2 c3 default contiv-net || fail "attach c3"
netctl tenant create blue || fail "tenant create"
netctl net create -t blue --subnet=10.1.2.0/24 --gateway=10.1.2.1 contiv-net || fail "net create blue"
CL_CNAME=c1 CL_IP=10.1.2.51 container_add host1 bc1 blue contiv-net || fail "attach bc1"
CL_CNAME=c2 CL_IP=10.1.2.52 container_add host2 bc2 blue contiv-net || fail "attach bc2"
for c in c1 c2 c3 bc1 bc2; do
	container_use_dns "$c" || fail "the attach answer of $c names no DNS server: $(cat "$CL_DIR/c-$c.json")"
done
jq -c .dns "$CL_DIR/c-c1.json"

# names of tenant default, local and remote, by container and by group
expect_resolve c1 c2 "$(cip c2)"
expect_resolve c1 C3 "$(cip c3)"
expect_resolve c2 c1 "$(cip c1)"
expect_resolve c3 web "$(sorted "$(cip c1)" "$(cip c2)")"
# ping_name FROM NAME: one of three pings to NAME answered
ping_name() {
	local out
	if out=$(cexec "$1" busybox ping -c 3 -W 1 -w 3 "$2" 2>&1); then
		ok "$1 pings $2 by name"
	else
		fail "$1 cannot ping $2 by name: $(echo "$out" | tr '\n' ' ')"
	fi
}
ping_name c1 c2
cexec c1 busybox ping -c 2 -i 0.2 c2 | head -1

# AAAA: a dual-stack network's container, asked from another network of the tenant
netctl net create --subnet=10.1.4.0/24 --gateway=10.1.4.1 --subnetv6=2001:db8:4::/64 dual-net ||
	fail "net create dual-net"
container_add host2 d1 default dual-net || fail "attach d1"
d1v6=$(jq -r '.ipv6 // empty' "$CL_DIR/c-d1.json" | cut -d/ -f1)
got=$(cexec c1 drill AAAA d1 @10.1.2.1 | awk '$1 == "d1." && $4 == "AAAA" { print $5 }')
if [ -n "$d1v6" ] && [ "$got" = "$d1v6" ]; then ok "c1: d1 AAAA -> $got"; else fail "c1: d1 AAAA -> \"$got\", expected \"$d1v6\""; fi
expect_resolve c1 d1 "$(cip d1)"

# tenant blue: the same names, its own addresses; default's names unknown
expect_resolve bc1 c2 10.1.2.52
expect_resolve bc2 c1 10.1.2.51
expect_resolve bc1 c3 ""
expect_resolve bc1 web ""
ping_name bc1 c2

# other names: forwarded to the host's resolver (host1 from resolv.conf, host2 from the flag)
expect_resolve c1 www.example.test 10.200.0.77
expect_resolve c2 www.example.test 10.200.0.77
expect_resolve bc1 example.test 10.200.0.77

# any local address of the host reached over a bridge answers: host1's VTEP address
expect_resolve c1 c2 "$(cip c2)" 10.200.0.1
expect_resolve c1 www.example.test 10.200.0.77 10.200.0.1
# never from the underlay
if out=$(ip netns exec "$CL_FABRIC" timeout 5 busybox nslookup -type=a c1 10.200.0.1 2>&1) &&
	echo "$out" | grep -q "$(cip c1)"; then
	fail "the underlay got an answer from host1's DNS: $out"
else
	ok "no answer to the underlay"
fi

# a group too large for a UDP answer: truncated (TC) over UDP, complete over TCP
netctl group create contiv-net many >/dev/null || fail "group create many"
for i in $(seq 40); do
	container_add host2 "m$i" default contiv-net many 2>/dev/null || fail "attach m$i"
done
udp=$(cexec c1 drill many @10.1.2.1)
tcp=$(cexec c1 drill -t many @10.1.2.1)
n_udp=$(echo "$udp" | grep -c '^many\.')
n_tcp=$(echo "$tcp" | grep -c '^many\.')
if echo "$udp" | grep -q '^;; flags: .*tc' && [ "$n_udp" -gt 0 ] && [ "$n_udp" -lt 40 ]; then
	ok "UDP: $n_udp of 40 addresses of group many, TC set"
else
	fail "UDP answer for group many: $n_udp addresses: $udp"
fi
if [ "$n_tcp" = 40 ] && ! echo "$tcp" | grep -q '^;; flags: .*tc'; then
	ok "TCP: all 40 addresses of group many"
else
	fail "TCP answer for group many: $n_tcp addresses: $tcp"
fi
# TCP in tenant blue (same subnet and gateway) and TCP forwarding
if cexec bc1 drill -t c2 @10.1.2.1 | grep -qE '^c2\.[[:space:]].*10\.1\.2\.52$'; then
	ok "TCP in tenant blue: c2 -> 10.1.2.52"
else
	fail "TCP in tenant blue: c2 does not resolve to 10.1.2.52"
fi
if cexec c2 drill -t www.example.test @10.1.2.1 | grep -qE '10\.200\.0\.77$'; then
	ok "TCP forwarding: www.example.test -> 10.200.0.77"
else
	fail "TCP forwarding of www.example.test failed"
fi

# a detached container stops resolving, everywhere
c2ip=$(cip c2)
container_del c2
# shellcheck disable=SC2317 # called through wait_for
gone() { [ -z "$(resolve c1 c2)" ]; }
if wait_for gone; then ok "c2 no longer resolves after its detach"; else fail "c2 still resolves after its detach"; fi
expect_resolve c3 web "$(cip c1)"
[ -n "$c2ip" ] || fail "c2 had no address"
cluster_finish
