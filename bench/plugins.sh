#!/bin/bash
# Plugins against their stock peers, measured in the same run (issue 5):
#  1. `docker run --rm alpine true` wall time on a Contiv network (through
#     contiv-docker-plugin and the local netplugin) next to Docker's own
#     bridge network, on a real dockerd in one simulated host; median of N
#     runs each, interleaved; goal: no slower than Docker's bridge.
#  2. CNI ADD and DEL per second, contiv-cni next to the stock bridge plugin
#     (bench/cni.sh); goal: ADD >= 5x bridge.
# Root; namespaces only. Not run by make check; `make bench` runs it.
#   bench/plugins.sh [N_DOCKER_RUNS] [N_CNI_CONTAINERS]     (default 15, 50)
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
export top_builddir top_srcdir
export LD_LIBRARY_PATH=$top_builddir/libcontiv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
N=${1:-15}
NCNI=${2:-50}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# seconds (3 decimals) of one command
walltime() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || return 1
	t1=$(date +%s%N)
	awk -v d="$((t1 - t0))" 'BEGIN { printf "%.3f\n", d / 1e9 }'
}

docker_bench() (
	. "$top_srcdir/tests/lib/cluster.sh"
	. "$top_srcdir/tests/lib/docker.sh"
	local plugin=$top_builddir/plugins/docker/.libs/contiv-docker-plugin i t
	[ -x "$plugin" ] || plugin=$top_builddir/plugins/docker/contiv-docker-plugin
	if [ ! -x "$plugin" ]; then
		echo "docker run: SKIPPED: plugins/docker/contiv-docker-plugin is not built"
		return 0
	fi
	(docker_require) >/dev/null || {
		echo "docker run: SKIPPED: $(docker_require)"
		return 0
	}
	cluster_up 1 >/dev/null 2>&1 || { echo "docker run: the cluster did not start"; return 1; }
	docker_up host1 >/dev/null 2>&1 || { echo "docker run: dockerd did not start"; return 1; }
	$(docker_nsenter host1) "$plugin" --netmaster "$CL_URL" --docker "unix://$(dk_sock host1)" \
		--socket /run/docker/plugins/netplugin.sock --agent-socket "$CL_DIR/host1.sock" \
		>"$CL_DIR/plugin.log" 2>&1 &
	echo $! >"$CL_DIR/plugin.pid"
	netctl net create --subnet=10.1.0.0/16 --gateway=10.1.255.254 contiv-net >/dev/null  # Docker needs a gateway
	# the plugin creates the Docker network from netmaster's
	for _ in $(seq 100); do
		dk host1 network inspect contiv-net >/dev/null 2>&1 && break
		sleep 0.1
	done
	if ! dk host1 network inspect contiv-net >/dev/null 2>&1; then
		echo "docker run: the plugin did not create the Docker network contiv-net:"
		tail -n 20 "$CL_DIR/plugin.log"
		return 1
	fi
	# warm-up, then interleaved runs so that both see the same machine load
	for net in contiv-net bridge none; do
		dk host1 run --rm --net "$net" alpine true >/dev/null 2>&1 ||
			{ echo "docker run --net $net failed"; return 1; }
	done
	for net in contiv-net bridge none; do : >"$CL_DIR/t.$net"; done
	for i in $(seq "$N"); do
		for net in contiv-net bridge none; do
			t=$(walltime dk host1 run --rm --net "$net" alpine true) ||
				{ echo "docker run --net $net failed (run $i)"; return 1; }
			echo "$t" >>"$CL_DIR/t.$net"
		done
	done
	local mc mb mn
	mc=$(median <"$CL_DIR/t.contiv-net")
	mb=$(median <"$CL_DIR/t.bridge")
	mn=$(median <"$CL_DIR/t.none")
	printf '%-44s %8s\n' "docker run --rm alpine true ($N runs each)" "median s"
	printf '%-44s %8s\n' "  --net contiv-net (contiv-docker-plugin)" "$mc"
	printf '%-44s %8s\n' "  --net bridge (Docker's own)" "$mb"
	printf '%-44s %8s\n' "  --net none (no networking, the floor)" "$mn"
	awk -v c="$mc" -v b="$mb" -v n="$mn" 'BEGIN {
		printf "contiv / bridge: %.2fx wall time (goal: <= 1.00x); networking part: contiv %.0f ms, bridge %.0f ms\n",
			c / b, (c - n) * 1000, (b - n) * 1000 }'
	# shellcheck disable=SC2119
	cluster_down
)

# What both plugins wait for: the agent API's attach and detach (netmaster
# allocation, agent sync, veth, policy), mean of 10, on the same machine.
agent_bench() (
	. "$top_srcdir/tests/lib/cluster.sh"
	local i a d
	cluster_up 1 >/dev/null 2>&1 || { echo "agent: the cluster did not start"; return 1; }
	netctl net create --subnet=10.1.0.0/16 --gateway=10.1.255.254 contiv-net >/dev/null
	for i in $(seq 10); do
		ip netns add "$(contns "x$i")"
		a=$(curl -s -o /dev/null -w '%{time_total}' --unix-socket "$CL_DIR/host1.sock" \
			-d "{\"tenant\":\"default\",\"network\":\"contiv-net\",\"id\":\"x$i\",\"netns\":\"/run/netns/$(contns "x$i")\"}" \
			http://localhost/attach)
		d=$(curl -s -o /dev/null -w '%{time_total}' --unix-socket "$CL_DIR/host1.sock" \
			-d "{\"id\":\"x$i\"}" http://localhost/detach)
		echo "$a $d"
	done | awk '{ a += $1; d += $2 } END { printf "agent API (what both plugins wait for): attach %.1f ms, detach %.1f ms (mean of %d)\n", a / NR * 1000, d / NR * 1000, NR }'
	# shellcheck disable=SC2119
	cluster_down
)

echo "# plugins against their stock peers ($(date -u +%FT%TZ), $(nproc) cores)"
docker_bench
agent_bench
echo
bash "$top_srcdir/bench/cni.sh" "$NCNI"
