#!/bin/bash
# The Docker harness (tests/lib/docker.sh): two real engines on two simulated
# hosts at once, each with its own /run/docker/plugins, docker0 and
# containers; after docker_down nothing is left (processes, mounts, cgroups,
# data) and the test's own namespaces never saw any of it.
set -u
. "${top_srcdir:-.}/tests/lib/cluster.sh"
. "${top_srcdir:-.}/tests/lib/docker.sh"
docker_require

# Mounts of an engine seen in the test's mount namespace: its tmpfs (any
# run's: they must all stay private) or anything under this run's dir
# (other tests, e.g. podman's, may mount overlays meanwhile).
docker_mounts() { grep -E "^dk-(run|containerd|etc) |$CL_DIR" /proc/self/mounts; }
links_before=$(ip -o link | wc -l)

cluster_up 2
docker_up host1 &
up1=$!
docker_up host2 --dns 10.200.0.99 || fail "docker_up host2"
wait $up1 || fail "docker_up host1"

for h in host1 host2; do
	if dk "$h" run --rm alpine true; then ok "docker run on $h"; else fail "docker run on $h"; fi
	if dk "$h" run --rm localbusybox true; then ok "localbusybox on $h"; else fail "localbusybox on $h"; fi
	if hexec "$h" ip link show docker0 >/dev/null 2>&1; then
		ok "docker0 in $h's namespace"
	else
		fail "no docker0 in $h's namespace"
	fi
done
if ip link show docker0 >/dev/null 2>&1 && [ "$(ip -o link | wc -l)" != "$links_before" ]; then
	fail "a docker0 appeared in the test's namespace"
else
	ok "no new link in the test's namespace"
fi

# A container on each engine sees its own docker0 (the same 172.17.0.0/16
# in two namespaces) and reaches its own gateway.
for h in host1 host2; do
	if dk "$h" run --rm alpine ping -c1 -W2 172.17.0.1 >/dev/null; then
		ok "container on $h reaches its docker0"
	else
		fail "container on $h cannot reach its docker0"
	fi
done

# dockerd arguments pass through docker_up (--dns on host2 only).
if dk host2 run --rm alpine cat /etc/resolv.conf | grep -q '^nameserver 10.200.0.99$' &&
	! dk host1 run --rm alpine cat /etc/resolv.conf | grep -q 10.200.0.99; then
	ok "docker_up host2 --dns reaches host2's containers only"
else
	fail "--dns was not passed to dockerd"
fi

if [ -z "$(docker_mounts)" ]; then
	ok "no engine mount is seen in the test's mount namespace"
else
	fail "engine mounts leaked: $(docker_mounts)"
fi

# Each engine has its own /run/docker/plugins.
docker_nsexec host1 touch /run/docker/plugins/marker
if docker_nsexec host1 test -e /run/docker/plugins/marker &&
	! docker_nsexec host2 test -e /run/docker/plugins/marker &&
	[ ! -e /run/docker/plugins/marker ]; then
	ok "/run/docker/plugins is private per engine"
else
	fail "/run/docker/plugins is shared"
fi
# A netns made after docker_up is seen inside (slave mount namespace).
ip netns add "${CL_PREFIX}late"
if docker_nsexec host1 ip netns exec "${CL_PREFIX}late" true; then
	ok "a netns added later is usable in the engine's namespaces"
else
	fail "a netns added later is not seen in the engine's namespaces"
fi
ip netns del "${CL_PREFIX}late"

# A background server in the engine's namespaces: $! is its pid.
$(docker_nsenter host1) sleep 60 &
srv=$!
sleep 0.2
if [ "$(readlink "/proc/$srv/ns/mnt")" = "$(cat "$(dk_dir host1)/mntns")" ]; then
	ok "docker_nsenter: \$! is the server's pid, in the engine's mount namespace"
else
	fail "docker_nsenter: pid $srv is not in the engine's mount namespace"
fi
kill "$srv"
wait "$srv" 2>/dev/null

dk host1 run -d --name sleeper alpine sleep 600 >/dev/null || fail "docker run -d"
dir1=$(dk_dir host1)
# every process of both engines, identified while their namespaces live
pids=$(dk_pids host1; dk_pids host2)
[ -n "$pids" ] || fail "dk_pids found no process"
# pid:start time (field 22 of stat; comm, field 2, has no space here)
starts=$(for p in $pids; do echo "$p:$(cut -d' ' -f22 "/proc/$p/stat" 2>/dev/null)"; done | tr '\n' ' ')
docker_down
left=
[ ! -e "$dir1" ] || left="$left data"
for p in $pids; do
	# the same pid started at the same time: the same process
	st=$(cut -d' ' -f22 "/proc/$p/stat" 2>/dev/null) || continue
	case " $starts " in *" $p:$st "*) left="$left pid$p" ;; esac
done
for cg in /sys/fs/cgroup/"${CL_PREFIX}"host* /sys/fs/cgroup/*/"${CL_PREFIX}"host*; do
	[ ! -d "$cg" ] || left="$left $cg"
done
[ -z "$(docker_mounts)" ] || left="$left mounts: $(docker_mounts)"
if [ -z "$left" ]; then ok "docker_down leaves nothing"; else fail "left after docker_down:$left"; fi

cluster_finish
