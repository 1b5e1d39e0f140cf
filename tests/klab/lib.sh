# shellcheck shell=bash
# The kernel lab for system tests: runs a test script as root inside a qemu
# VM that boots Debian's stock kernel (linux-image-amd64), for what the
# machine's own kernel lacks (802.1Q VLAN devices, bridge VLAN filtering).
# Source it from bash:
#
#   . "$top_srcdir/tests/klab/lib.sh"
#   klab_need_vlan "$0"     # returns on a kernel with 802.1Q, else runs
#                           # this script in the VM and exits with its status
#
# The build tree (and the source tree) is shared into the guest read-only
# at the same path over 9p; netmaster, netplugin and netctl run from it (the
# real binaries in tools/.libs, their shared libraries packed into the
# initramfs), so tests/lib/cluster.sh works there unchanged. Inside, the
# variable KLAB_GUEST=1 is set. run-in-vm.sh and guest-init.sh here are a
# copy of the team's kernel lab (shared/kernel-lab), so CI needs nothing
# outside the repository: only the packages linux-image-amd64,
# qemu-system-x86, cpio and kmod.
#
# Settings: KLAB_TIMEOUT (seconds, default 400: a guard, not a measure),
# KLAB_MEM (MB, default 512), KLAB_SMP (vCPUs, default 1),
# KLAB_CACHE (initramfs cache, default tests/klab/cache in the build tree),
# KLAB_VERBOSE=1 (boot messages), KLAB_ARGS (more options of run-in-vm.sh,
# e.g. "--dmesg --keep").

KLAB_TOP=${top_builddir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KLAB_SRC=${top_srcdir:-$KLAB_TOP}
KLAB_LAB=$KLAB_SRC/tests/klab

# Whether this kernel can make 802.1Q VLAN devices (needs root).
klab_kernel_has_vlan() {
	local ns=klab-probe$$ r=1

	ip netns add "$ns" 2>/dev/null || return 1
	# (not on lo: loopback is "VLAN challenged" on every kernel)
	if ip -n "$ns" link add p0 type veth peer name p1 2>/dev/null &&
		ip -n "$ns" link add link p0 name p0.112 type vlan id 112 2>/dev/null; then
		r=0
	fi
	ip netns del "$ns"
	return $r
}

# The directory holding the real netmaster/netplugin/netctl binaries.
klab_bindir() {
	if [ -x "$KLAB_TOP/tools/.libs/netplugin" ]; then
		echo "$KLAB_TOP/tools/.libs"
	else
		echo "$KLAB_TOP/tools"
	fi
}

# Exits 77 (skip) with the reason unless the kernel lab can run here.
klab_require() {
	local t k

	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root"
		exit 77
	fi
	for t in qemu-system-x86_64 cpio depmod modprobe busybox ip jq curl; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "SKIP: this kernel lacks 802.1Q VLAN devices and the kernel lab cannot run: $t is not installed (apt-get install linux-image-amd64 qemu-system-x86 cpio kmod busybox-static jq curl)"
			exit 77
		fi
	done
	k=$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | while read -r f; do
		[ -d "/lib/modules/${f##*/vmlinuz-}/kernel" ] && echo "$f"
	done | head -n 1)
	if [ -z "$k" ]; then
		echo "SKIP: this kernel lacks 802.1Q VLAN devices and no stock kernel is installed for the kernel lab (apt-get install linux-image-amd64)"
		exit 77
	fi
	for t in netmaster netplugin netctl; do
		if [ ! -x "$(klab_bindir)/$t" ]; then
			echo "SKIP: tools/$t not built"
			exit 77
		fi
	done
}

# klab_run SCRIPT [ARGS...]: runs "bash SCRIPT ARGS" as root in a fresh VM
# with the test environment (top_srcdir, top_builddir, LD_LIBRARY_PATH,
# CL_BIN, CL_* settings) and returns its exit status (124: the VM timed
# out, 125: the VM died).
klab_run() {
	local bindir args=() env=() t v

	bindir=$(klab_bindir)
	args=(--share-ro "$KLAB_TOP")
	case "$KLAB_SRC/" in
	"$KLAB_TOP"/*) ;;
	*) args+=(--share-ro "$KLAB_SRC") ;;
	esac
	for t in netmaster netplugin netctl; do
		args+=(--bin "$bindir/$t")
	done
	for t in jq curl; do
		args+=(--bin "$(command -v "$t")")
	done
	[ -n "${KLAB_VERBOSE:-}" ] && args+=(--verbose)
	# shellcheck disable=SC2206 # KLAB_ARGS: further options, split into words
	[ -n "${KLAB_ARGS:-}" ] && args+=($KLAB_ARGS)
	env=(KLAB_GUEST=1 "top_srcdir=$KLAB_SRC" "top_builddir=$KLAB_TOP" "CL_BIN=$bindir"
		"LD_LIBRARY_PATH=$KLAB_TOP/libcontiv/.libs")
	for v in CL_ENCAP CL_VLAN CL_LOG_LEVEL CL_KEEP_LOGS ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!v:-}" ] && env+=("$v=${!v}")
	done
	# ldd (packing the binaries' libraries) must find the build's libcontiv;
	# the translation cache of qemu's TCG is kept small (the default is 1 GB);
	# one vCPU: these scripts (a process per step) ran twice as fast on one
	# emulated CPU as on two, on a loaded 2-core machine.
	LD_LIBRARY_PATH="$KLAB_TOP/libcontiv/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		KLAB_CACHE="${KLAB_CACHE:-$KLAB_TOP/tests/klab/cache}" KLAB_TCG_OPTS="${KLAB_TCG_OPTS:-,tb-size=128}" \
		"$KLAB_LAB/run-in-vm.sh" --mem "${KLAB_MEM:-512}" --smp "${KLAB_SMP:-1}" --timeout "${KLAB_TIMEOUT:-400}" \
		--load "8021q br_netfilter" "${args[@]}" -- env "${env[@]}" bash "$@"
}

# klab_need_vlan SCRIPT: returns if this kernel has 802.1Q VLAN devices;
# otherwise runs SCRIPT in the kernel lab and exits with its status (77 with
# the reason if the lab cannot run here).
klab_need_vlan() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root"
		exit 77
	fi
	klab_kernel_has_vlan && return 0
	if [ -n "${KLAB_GUEST:-}" ]; then
		echo "FAIL: no 802.1Q VLAN devices in the kernel lab"
		exit 1
	fi
	klab_require
	echo "# this kernel lacks 802.1Q VLAN devices: running ${1##*/} in the kernel lab"
	klab_run "$1"
	exit $?
}
