# shellcheck shell=bash
# A real Docker engine (Debian docker.io 20.10) per simulated host, for
# system tests. Source it after tests/lib/cluster.sh:
#
#   . "$top_srcdir/tests/lib/cluster.sh"
#   . "$top_srcdir/tests/lib/docker.sh"
#   docker_require                     # exits 77 unless dockerd can run here
#   cluster_up 2
#   docker_up host1                    # dockerd in host1's namespaces
#   docker_up host2 --dns 10.1.2.3     # extra arguments go to dockerd
#   dk host1 run --rm alpine true      # /usr/bin/docker against host1's engine
#   docker_nsexec host1 ls /run/docker/plugins
#   $(docker_nsenter host1) prog args &    # a server in host1's engine
#   echo $! >"$CL_DIR/prog.pid"            # namespaces ($! is prog's pid)
#   docker_down                        # also run by cluster_down (EXIT trap)
#
# Every engine runs in the network namespace of its simulated host and in a
# mount namespace of its own (a slave of the test's: netns created later by
# the test are seen there, nothing mounted there is seen outside). In it
# tmpfs are mounted on /run/docker (exec root, /run/docker/plugins where
# Docker finds plugin sockets, sandbox netns), /run/containerd (shim
# sockets) and /etc/docker (no host daemon.json, the trust key stays
# private). Data root, pid file and the API socket ($CL_DIR/HOST-docker.sock)
# are under the cluster's temp dir. Containers go under the cgroup parent
# /<prefix>HOST, so leftovers can be found and killed.
#
# When the last process of such a mount namespace exits, the kernel drops
# all its mounts (overlay2 layers, tmpfs, netns bind mounts): docker_down
# kills dockerd, containerd, the shims and any container process left, then
# removes the data root. It never touches another engine or the test's own
# namespaces.
#
# Image: docker_up imports a busybox-static root filesystem, built once per
# run, as "alpine" and "localbusybox" (no registry is reachable here).
#
# Storage driver: overlay2 (the data root is on ext4; measured here:
# docker run --rm alpine true 0.41 s with overlay2 vs 0.47 s with vfs).
# Pass --storage-driver=vfs to docker_up to override.

DK_CLI=/usr/bin/docker # /usr/local/bin/docker is a newer CLI that shadows it

# Exits 77 (skip) with the reason unless dockerd can run here.
docker_require() {
	local t
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (dockerd)"
		exit 77
	fi
	for t in dockerd containerd runc nsenter unshare; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "SKIP: $t is not installed (Debian packages docker.io, containerd, runc, util-linux)"
			exit 77
		fi
	done
	if [ ! -x "$DK_CLI" ]; then
		echo "SKIP: $DK_CLI (Debian docker.io) is not installed"
		exit 77
	fi
	if [ ! -x /bin/busybox ] || ! /bin/busybox --list >/dev/null 2>&1; then
		echo "SKIP: /bin/busybox (busybox-static) is needed for the offline image"
		exit 77
	fi
	if [ ! -d /sys/fs/cgroup/devices ] && [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo "SKIP: no cgroup hierarchy usable by dockerd"
		exit 77
	fi
}

dk_dir() { echo "$CL_DIR/docker-$1"; }
dk_sock() { echo "$CL_DIR/$1-docker.sock"; }
dk_pid() { cat "$(dk_dir "$1")/dockerd.pid" 2>/dev/null; }
dk_cgparent() { echo "${CL_PREFIX}$1"; }
# A file only HOST's engine mount namespace has (in its /run/docker tmpfs):
# a namespace's inode number can be reused once it is gone, this cannot.
dk_mark() { echo ".contiv-test-${CL_PREFIX}$1"; }

# dk HOST ARGS...: /usr/bin/docker against HOST's engine.
dk() {
	local h=$1
	shift
	DOCKER_CONFIG="$(dk_dir "$h")/cli" "$DK_CLI" -H "unix://$(dk_sock "$h")" "$@"
}

# Prints the command prefix that enters HOST's engine namespaces (mount and
# network); it execs, so "$(docker_nsenter HOST) prog &" makes $! prog's pid.
docker_nsenter() {
	local pid
	pid=$(dk_pid "$1") || return 1
	echo "nsenter --target $pid --mount --net"
}

# docker_nsexec HOST CMD...: runs CMD in HOST's engine namespaces (mount and
# network), e.g. a Docker plugin (Docker finds its socket only in the
# engine's /run/docker/plugins; a veth made in Join must be in its netns).
docker_nsexec() {
	local h=$1 pid
	shift
	pid=$(dk_pid "$h") || {
		cl_log "no Docker engine on $h"
		return 1
	}
	nsenter --target "$pid" --mount --net -- "$@"
}

# Builds the busybox root filesystem tarball once per run (safe when two
# docker_up run at once: each builds its own, the last rename wins).
dk_image_tar() {
	local tar=$CL_DIR/docker-rootfs.tar root a
	[ -s "$tar" ] && return 0
	root=$(mktemp -d "$CL_DIR/docker-rootfs.XXXXXX")
	mkdir -p "$root"/{bin,sbin,etc,tmp,proc,sys,dev,root,usr/bin,usr/sbin,var}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	tar -C "$root" -cf "$root.tar" . && mv -f "$root.tar" "$tar"
	rm -rf "$root"
}

# docker_up HOST [DOCKERD ARGS...]: starts dockerd in HOST's namespace (see
# above), waits until it answers and imports the image.
docker_up() {
	local h=$1 dir sock ns pid i mnt mymnt
	shift
	dir=$(dk_dir "$h")
	sock=$(dk_sock "$h")
	ns=$(hostns "$h")
	[ -n "$CL_DIR" ] || {
		cl_log "docker_up: cluster_up first"
		return 1
	}
	mkdir -p "$dir/data" "$dir/cli"
	chmod 700 "$dir"
	# Mount points for the private tmpfs; empty directories in the test's
	# /run if they are missing (nothing is mounted on them there).
	mkdir -p /run/docker /run/containerd /etc/docker
	# $1.. of the inner shell are dockerd's arguments, never reparsed.
	# shellcheck disable=SC2016
	DK_MARK=$(dk_mark "$h") nsenter --net="/run/netns/$ns" unshare --mount --propagation slave \
		sh -c 'mount -t tmpfs -o mode=0755 dk-run /run/docker &&
			mount -t tmpfs -o mode=0711 dk-containerd /run/containerd &&
			mount -t tmpfs -o mode=0755 dk-etc /etc/docker &&
			: >"/run/docker/$DK_MARK" &&
			exec "$@"' dockerd \
		dockerd --data-root "$dir/data" --exec-root /run/docker \
		--pidfile /run/docker/dockerd.pid -H "unix://$sock" \
		--cgroup-parent "/$(dk_cgparent "$h")" "$@" \
		>>"$dir/dockerd.log" 2>&1 &
	pid=$!
	disown $pid
	echo "$pid" >"$dir/dockerd.pid"
	mymnt=$(readlink /proc/self/ns/mnt)
	for i in $(seq 200); do
		# The mount namespace, to find every process of this engine at the end.
		if [ ! -s "$dir/mntns" ]; then
			mnt=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || mnt=
			[ -z "$mnt" ] || [ "$mnt" = "$mymnt" ] || echo "$mnt" >"$dir/mntns"
		fi
		if [ -s "$dir/mntns" ] && dk "$h" version >/dev/null 2>&1; then
			break
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			i=dead
			break
		fi
		sleep 0.1
	done
	if ! dk "$h" version >/dev/null 2>&1; then
		cl_log "dockerd on $h did not start ($i):"
		tail -n 30 "$dir/dockerd.log" >&2
		return 1
	fi
	dk_image_tar
	if ! dk "$h" import "$CL_DIR/docker-rootfs.tar" alpine >/dev/null ||
		! dk "$h" tag alpine localbusybox; then
		cl_log "image import on $h failed"
		return 1
	fi
	cl_log "dockerd on $h: pid $pid, socket $sock"
}

# Pids of the processes in HOST's engine mount namespace (its inode and
# the mark file) or cgroup parent.
dk_pids() {
	local h=$1 dir mnt p cg mark
	dir=$(dk_dir "$h")
	mark=$(dk_mark "$h")
	mnt=$(cat "$dir/mntns" 2>/dev/null) || mnt=
	if [ -n "$mnt" ]; then
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] &&
				[ -e "$p/root/run/docker/$mark" ] && echo "${p#/proc/}"
		done
	fi
	for cg in /sys/fs/cgroup/"$(dk_cgparent "$h")" /sys/fs/cgroup/*/"$(dk_cgparent "$h")"; do
		[ -d "$cg" ] || continue
		find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null
	done
}

# Removes HOST's cgroup parent in every hierarchy; fails if one remains.
dk_rm_cgroups() {
	local cg left=0
	for cg in /sys/fs/cgroup/"$(dk_cgparent "$1")" /sys/fs/cgroup/*/"$(dk_cgparent "$1")"; do
		[ -d "$cg" ] || continue
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
		[ ! -d "$cg" ] || left=1
	done
	return $left
}

# Stops HOST's engine: removes the containers, stops dockerd, kills what
# is left of its namespaces, removes its cgroups and data root.
docker_stop() {
	local h=$1 dir pid ids i
	dir=$(dk_dir "$h")
	[ -d "$dir" ] || return 0
	cl_log "stopping dockerd on $h"
	if [ -n "${CL_KEEP_LOGS:-}" ] || [ "${CL_FAILED:-0}" != 0 ]; then
		echo "----- dockerd on $h (last 20 lines)" >&2
		tail -n 20 "$dir/dockerd.log" >&2
	fi
	pid=$(dk_pid "$h")
	# dockerd still running (not a new process that got its pid)?
	if [ -n "$pid" ] && [ -e "/proc/$pid/root/run/docker/$(dk_mark "$h")" ]; then
		ids=$(timeout 10 "$DK_CLI" -H "unix://$(dk_sock "$h")" ps -aq 2>/dev/null) || ids=
		# shellcheck disable=SC2086
		[ -z "$ids" ] || timeout 20 "$DK_CLI" -H "unix://$(dk_sock "$h")" rm -f $ids >/dev/null 2>&1
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	# Whatever is left (a shim, a container process); a cgroup can be
	# removed once its killed processes are reaped.
	for i in $(seq 30); do
		ids=$(dk_pids "$h" | sort -u)
		# shellcheck disable=SC2086
		[ -z "$ids" ] || kill -KILL $ids 2>/dev/null
		dk_rm_cgroups "$h" && [ -z "$ids" ] && break
		sleep 0.1
	done
	rm -rf "$dir" "$(dk_sock "$h")" 2>/dev/null || {
		# a mount still held by a straggler: retry once it is gone
		sleep 0.5
		rm -rf "$dir" "$(dk_sock "$h")"
	}
}

# Stops every engine started by docker_up (cluster_down calls it); also
# finds those started by a docker_up run in a subshell ("docker_up h1 &").
docker_down() {
	local d
	[ -n "$CL_DIR" ] || return 0
	for d in "$CL_DIR"/docker-*/; do
		d=${d%/}
		[ -f "$d/dockerd.pid" ] || continue
		docker_stop "${d##*/docker-}"
	done
}

# cluster_down runs docker_down first (the engines live in host namespaces).
if ! declare -f cluster_down >/dev/null; then
	echo "tests/lib/docker.sh: source tests/lib/cluster.sh first" >&2
	return 1
fi
if ! declare -f dk_orig_cluster_down >/dev/null; then
	eval "dk_orig_$(declare -f cluster_down)"
	cluster_down() {
		docker_down
		dk_orig_cluster_down "$@"
	}
fi
