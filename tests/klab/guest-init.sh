#!/bin/sh
# /init inside the kernel-lab initramfs (PID 1; /bin/sh is the host's dash,
# the other basic tools are busybox applets).
# Runs /klab/cmd (generated per run by run-in-vm.sh), reports its exit code
# on the console (@@KLAB-END rc=N) and on /dev/ttyS1 (status channel), then
# powers the VM off. PID 1 must never exit (that would panic the kernel).
# (A copy of the team's kernel lab, shared/kernel-lab/, kept in the repository
# so that CI needs nothing outside it; tests/klab/lib.sh drives it.)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-dumb}
umask 022

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o mode=0755 devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /var/run
# "ip netns exec" bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf,
# which must exist (the guest has no resolver configuration of its own).
[ -e /etc/resolv.conf ] || : >/etc/resolv.conf
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
ln -sf /proc/self/fd /dev/fd 2>/dev/null
ln -sf /proc/self/fd/0 /dev/stdin 2>/dev/null
ln -sf /proc/self/fd/1 /dev/stdout 2>/dev/null
ln -sf /proc/self/fd/2 /dev/stderr 2>/dev/null
hostname klab
ip link set lo up 2>/dev/null

KLAB_SHARES= KLAB_CWD=/ KLAB_SHELL=0 KLAB_ALLMODS= KLAB_MODULES= KLAB_DMESG=0
[ -f /klab/config ] && . /klab/config

say() { echo "@@KLAB $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# 9p shares: virtio transport modules are in the initramfs.
if [ -n "$KLAB_SHARES$KLAB_ALLMODS" ]; then
    modprobe -q virtio_pci; modprobe -q 9pnet_virtio; modprobe -q 9p
fi
# "tag path mode" triples, one per line
echo "$KLAB_SHARES" | while read -r tag mode path; do
    [ -n "$tag" ] || continue
    mkdir -p "$path"
    mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,cache=none,$mode" "$tag" "$path" \
        || say "WARN: mounting share $tag at $path failed"
done
if [ -n "$KLAB_ALLMODS" ]; then
    # full module tree of the host (read-only) over the initramfs subset
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro klabmods "/lib/modules/$(uname -r)" \
        || say "WARN: mounting full module tree failed"
fi
for m in $KLAB_MODULES; do modprobe "$m" || say "WARN: modprobe $m failed"; done

cd "$KLAB_CWD" 2>/dev/null || cd /
# memory in use = MemTotal - MemFree (includes the ~41 MB unpacked initramfs)
MEM0=$(awk '/^MemTotal/{t=$2}/^MemFree/{f=$2}END{print t-f}' /proc/meminfo)
if [ "$KLAB_SHELL" = 1 ]; then
    say "START uptime=$(uptime_s) (interactive shell; exit to power off)"
    if [ -x /bin/bash ]; then setsid cttyhack bash -l; else setsid cttyhack sh -l; fi
    rc=$?
else
    say "START uptime=$(uptime_s) kernel=$(uname -r) cmd_mem_used_kb=$MEM0"
    sh /klab/cmd </dev/null
    rc=$?
fi
MEM1=$(awk '/^MemTotal/{t=$2}/^MemFree/{f=$2}END{print t-f}' /proc/meminfo)
MEMT=$(awk '/^MemTotal/{print $2}' /proc/meminfo)
[ "$KLAB_DMESG" = 1 ] && { echo "----- guest dmesg -----"; dmesg; echo "-----------------------"; }
say "END rc=$rc uptime=$(uptime_s) mem_total_kb=$MEMT mem_used_before_kb=$MEM0 mem_used_after_kb=$MEM1"
# status channel (second UART -> file on the host)
echo "$rc" > /dev/ttyS1 2>/dev/null
sync
poweroff -f
# poweroff should not return; fall back to sysrq
echo o > /proc/sysrq-trigger
sleep 5
