#!/bin/bash
# podman (CNI backend) runs containers through contiv-cni on two simulated
# hosts: each podman runs inside a host namespace (nsenter --net=...), with a
# test-private containers.conf (CONTAINERS_CONF), CNI config directory and
# storage (--root/--runroot), so nothing global changes. Containers on
# different hosts ping each other; podman rm (CNI DEL) releases the address
# in netmaster, and a new container can take it again; podman run -p maps a
# port of the host (the portMappings capability).
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
. "$CL_SRC/tests/cni/lib.sh"
cluster_require
cni_require
if ! command -v podman >/dev/null 2>&1; then
	echo "SKIP: podman is not installed"
	exit 77
fi
BB=$(command -v busybox)
if ! file -L "$BB" 2>/dev/null | grep -q static && ! ldd "$BB" 2>&1 | grep -q 'not a dynamic'; then
	echo "SKIP: busybox is not static (busybox-static) for the container image"
	exit 77
fi
RUNTIME=
for r in runc crun; do command -v "$r" >/dev/null 2>&1 && RUNTIME=$r && break; done
if [ -z "$RUNTIME" ]; then
	echo "SKIP: no OCI runtime (crun or runc) for podman"
	exit 77
fi
cluster_up 2 || exit 1
netctl net create --subnet=10.1.2.0/24 --gateway=10.1.2.254 contiv-net >/dev/null || fail "net create"

PM=$CL_DIR/podman
mkdir -p "$PM/net.d" "$PM/plugins" "$PM/tmp" "$PM/rootfs/bin"
# The plugin directory holds the build's contiv-cni (libtool's wrapper, which
# finds the uninstalled library by itself: a DEL from conmon gets a reduced
# environment).
ln -s "$CNI_PLUGIN" "$PM/plugins/contiv-cni"
for i in 1 2; do
	mkdir -p "$PM/host$i/net.d"
	cat >"$PM/host$i/containers.conf" <<EOC
[containers]
netns = "bridge"
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[network]
network_backend = "cni"
cni_plugin_dirs = ["$PM/plugins"]
network_config_dir = "$PM/host$i/net.d"
default_network = "contiv-net"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
runtime = "$RUNTIME"
tmp_dir = "$PM/host$i/tmp"
EOC
	cat >"$PM/host$i/net.d/50-contiv-net.conflist" <<EOC
{
  "cniVersion": "1.0.0",
  "name": "contiv-net",
  "plugins": [
    {"type": "contiv-cni", "tenant": "default", "network": "contiv-net", "agentSocket": "$CL_DIR/host$i.sock",
     "capabilities": {"portMappings": true}}
  ]
}
EOC
done

# pm HOST ARGS...: podman of HOST, inside HOST's namespace, test-private state
pm() {
	local h=$1
	shift
	CONTAINERS_CONF=$PM/$h/containers.conf nsenter --net="/run/netns/$(hostns "$h")" \
		podman --root "$PM/$h/root" --runroot "$PM/$h/runroot" --storage-driver vfs \
		--cni-config-dir "$PM/$h/net.d" "$@"
}

cleanup() {
	for h in host1 host2; do
		pm "$h" rm -af -t 0 >/dev/null 2>&1
		pm "$h" system reset -f >/dev/null 2>&1 || true
	done
	cluster_down
}
trap cleanup EXIT

# an offline image from busybox-static
cp "$BB" "$PM/rootfs/bin/busybox"
for t in sh ping ip sleep cat hostname nc; do ln -s busybox "$PM/rootfs/bin/$t"; done
for h in host1 host2; do
	tar -C "$PM/rootfs" -c . | pm "$h" import -q - localbusybox >/dev/null || fail "import on $h"
done

RUN=(run -d --network contiv-net --cap-add NET_RAW localbusybox sleep 600)
t0=$(date +%s.%N)
pm host1 run -d --name p1 "${RUN[@]:1}" >/dev/null || fail "podman run p1 on host1"
t1=$(date +%s.%N)
pm host2 run -d --name p2 "${RUN[@]:1}" >/dev/null || fail "podman run p2 on host2"
echo "# podman run -d through contiv-cni: $(echo "$t1 - $t0" | bc 2>/dev/null || echo "?") s"

ip_of() { pm "$1" exec "$2" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1; }
ip1=$(ip_of host1 p1)
ip2=$(ip_of host2 p2)
echo "# p1 on host1: $ip1; p2 on host2: $ip2"
pm host1 inspect p1 --format '# podman inspect p1: {{(index .NetworkSettings.Networks "contiv-net").IPAddress}}' 2>/dev/null
case $ip1 in 10.1.2.*) ok "p1 has $ip1 from contiv-net" ;; *) fail "p1 has no contiv-net address ($ip1)" ;; esac
case $ip2 in 10.1.2.*) ok "p2 has $ip2 from contiv-net" ;; *) fail "p2 has no contiv-net address ($ip2)" ;; esac
eps=$(ip netns exec "$CL_FABRIC" curl -sS "$CL_URL/api/v1/endpoints/")
jq -e --arg ip "$ip1" '.[] | select(.ipAddress == $ip) | .containerName == "p1" and .homingHost == "host1"' <<<"$eps" >/dev/null &&
	ok "netmaster: $ip1 is p1 on host1" || fail "netmaster does not know p1: $eps"

if pm host1 exec p1 ping -c 3 -W 2 "$ip2" >"$CL_DIR/ping.out" 2>&1; then
	ok "p1 (host1) pings p2 (host2) at $ip2"
else
	fail "p1 cannot ping p2: $(cat "$CL_DIR/ping.out")"
fi
sed 's/^/# /' "$CL_DIR/ping.out" | tail -2
pm host2 exec p2 ping -c 2 -W 2 "$ip1" >/dev/null 2>&1 && ok "p2 (host2) pings p1 (host1)" || fail "p2 cannot ping p1"

# podman rm: CNI DEL releases the address in netmaster
pm host1 rm -f -t 0 p1 >/dev/null || fail "podman rm p1"
eps=$(ip netns exec "$CL_FABRIC" curl -sS "$CL_URL/api/v1/endpoints/")
if jq -e --arg ip "$ip1" 'any(.[]; .ipAddress == $ip)' <<<"$eps" >/dev/null; then
	fail "netmaster still has $ip1 after podman rm"
else
	ok "podman rm p1: netmaster released $ip1"
fi
[ -z "$(agent_endpoints host1)" ] && ok "host1's agent has no endpoints left" || fail "host1's agent still has: $(agent_endpoints host1)"
# the released address can be taken again (podman --ip -> CNI_ARGS IP=)
pm host1 run -d --name p3 --ip "$ip1" "${RUN[@]:1}" >/dev/null || fail "podman run p3 --ip $ip1"
ip3=$(ip_of host1 p3)
[ "$ip3" = "$ip1" ] && ok "p3 took the released $ip1 (--ip)" || fail "p3 has $ip3, not $ip1"
pm host2 exec p2 ping -c 2 -W 2 "$ip3" >/dev/null 2>&1 && ok "p2 pings p3" || fail "p2 cannot ping p3"

# podman run --rm: the DEL comes from the cleanup process (reduced environment)
out=$(pm host2 run --rm --network contiv-net localbusybox ip -4 -o addr show dev eth0 2>&1)
case $out in *10.1.2.*) ok "podman run --rm: $(awk '{print $4}' <<<"$out")" ;; *) fail "podman run --rm: $out" ;; esac

# podman run -p: the portMappings capability, reached from the fabric
pm host2 run -d --name p4 -p 8080:9099 --network contiv-net localbusybox \
	sh -c 'while :; do echo hello | nc -l -p 9099; done' >/dev/null || fail "podman run -p 8080:9099"
got=
for _ in $(seq 20); do
	got=$(ip netns exec "$CL_FABRIC" timeout 3 busybox nc 10.200.0.2 8080 </dev/null 2>/dev/null) || true
	[ "$got" = hello ] && break
	sleep 0.1
done
[ "$got" = hello ] && ok "podman run -p 8080:9099: the fabric reaches p4 through host2:8080" ||
	fail "podman -p: host2:8080 answered \"$got\""
pm host2 rm -f -t 0 p4 >/dev/null
got=$(ip netns exec "$CL_FABRIC" timeout 3 busybox nc 10.200.0.2 8080 </dev/null 2>/dev/null) || true
[ -z "$got" ] && ok "podman rm p4: host2:8080 closed" || fail "host2:8080 still answers after podman rm"
pm host1 rm -f -t 0 p3 >/dev/null
pm host2 rm -f -t 0 p2 >/dev/null
left=$(master_endpoints | tr '\n' ' ')
[ -z "$left" ] && ok "all endpoints released in netmaster" || fail "endpoints left in netmaster: $left"
cluster_finish
