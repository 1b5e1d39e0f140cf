#!/bin/bash
# kernel-lab: run a command as root inside a throw-away qemu VM that boots a
# stock distro kernel (Debian linux-image-amd64 by default), with a tiny
# busybox initramfs, optional 9p shares, and no network to the outside.
#
#   run-in-vm.sh [options] -- CMD [ARGS...]
#
# The command's stdout/stderr appear on the VM serial console (this script's
# stdout); the script exits with the command's exit code.
# Exit codes of the lab itself: 124 = timeout, 125 = VM died without reporting
# a status (boot failure, kernel panic, qemu error), 2 = usage error.
# (A copy of the team's kernel lab, shared/kernel-lab/, kept in the repository
# so that CI needs nothing outside it; tests/klab/lib.sh drives it.)
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_VERSION=3   # bump to invalidate cached initramfs images

usage() {
    cat <<EOF
usage: ${0##*/} [options] -- CMD [ARGS...]
  --share DIR        share host DIR read-write into the guest at the same path (9p); repeatable
  --share-ro DIR     same, read-only
  --cwd DIR          working directory for CMD in the guest (default: first share, else /)
  --kver VER         kernel version (default: newest /boot/vmlinuz-* with /lib/modules/VER)
  --kroot DIR        look for boot/vmlinuz-VER and lib/modules/VER under DIR instead of /
                     (e.g. a 'dpkg-deb -x linux-image-*.deb DIR' tree; no install needed)
  --accel A          auto (default) | kvm | tcg
  --cpu MODEL        qemu -cpu model (default: host for kvm, max for tcg)
  --mem MB           guest RAM (default 1024)   --smp N   vCPUs (default: host cores, max 4)
  --timeout SEC      kill the VM after SEC seconds (default 600) -> exit 124
  --modules "A B"    extra kernel modules to pack into the initramfs (with dependencies)
  --load "A B"       modules to modprobe in the guest before CMD
  --all-modules      also 9p-mount the complete /lib/modules/VER into the guest (read-only)
  --bin PATH         extra host executable to pack into the per-run initramfs archive (plus the
                     shared libs the cached image lacks); repeatable
  --bzimage          boot the compressed bzImage via firmware instead of the extracted vmlinux (PVH)
  --dmesg            print the guest dmesg after CMD
  --verbose          show kernel boot messages and lab progress
  --quiet            do not print the one-line timing/memory summary on stderr
  --shell            interactive shell in the guest instead of CMD (Ctrl-A X quits qemu)
  --rebuild          force rebuilding the cached initramfs
  --keep             keep the per-run directory (logs, status file)
Environment: KLAB_CACHE (default /var/cache/contiv-kernel-lab), KLAB_APPEND (extra kernel cmdline),
  KLAB_TCG_OPTS (appended to -accel tcg,thread=multi, e.g. ",tb-size=64"),
  KLAB_STATS (file to which the one-line timing/memory summary is appended)
EOF
}

die() { echo "kernel-lab: $*" >&2; exit 2; }
log() { [ "$VERBOSE" = 1 ] && echo "kernel-lab: $*" >&2 || true; }
now() { echo "${EPOCHREALTIME}"; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a-b}'; }
# single-quote a string for /bin/sh
shq() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }

SHARES=() SHARES_RO=() BINS=() CMD=()
CWD= KVER= KROOT= ACCEL=auto CPU= MEM=1024 SMP= TIMEOUT=600 EXTRA_MODS= LOAD_MODS=
ALLMODS=0 BZIMAGE=0 DMESG=0 VERBOSE=0 QUIET=0 SHELL_MODE=0 REBUILD=0 KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --share) SHARES+=("$(realpath -e "$2")") || die "no such dir $2"; shift 2;;
        --share-ro) SHARES_RO+=("$(realpath -e "$2")") || die "no such dir $2"; shift 2;;
        --cwd) CWD=$2; shift 2;;
        --kver) KVER=$2; shift 2;;
        --kroot) KROOT=$(realpath -e "$2"); [ "$KROOT" = / ] && KROOT=; shift 2;;
        --accel) ACCEL=$2; shift 2;;
        --cpu) CPU=$2; shift 2;;
        --mem) MEM=$2; shift 2;;
        --smp) SMP=$2; shift 2;;
        --timeout) TIMEOUT=$2; shift 2;;
        --modules) EXTRA_MODS="$EXTRA_MODS $2"; shift 2;;
        --load) LOAD_MODS="$LOAD_MODS $2"; shift 2;;
        --all-modules) ALLMODS=1; shift;;
        --bin) BINS+=("$2"); shift 2;;
        --bzimage) BZIMAGE=1; shift;;
        --dmesg) DMESG=1; shift;;
        --verbose|-v) VERBOSE=1; shift;;
        --quiet|-q) QUIET=1; shift;;
        --shell) SHELL_MODE=1; shift;;
        --rebuild) REBUILD=1; shift;;
        --keep) KEEP=1; shift;;
        -h|--help) usage; exit 0;;
        --) shift; CMD=("$@"); break;;
        *) die "unknown option $1 (try --help)";;
    esac
done
[ "$SHELL_MODE" = 1 ] || [ ${#CMD[@]} -gt 0 ] || { usage >&2; exit 2; }
case "$ACCEL" in auto|kvm|tcg) ;; *) die "--accel must be auto, kvm or tcg";; esac
T_LAUNCH=$(now)

for t in qemu-system-x86_64 cpio depmod modprobe; do
    command -v $t >/dev/null || die "missing $t (apt-get install qemu-system-x86 cpio kmod)"
done
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' \
    || BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "need busybox-static"

# ---------------------------------------------------------------- kernel ----
if [ -z "$KVER" ]; then
    for f in $(ls -1v "$KROOT"/boot/vmlinuz-* 2>/dev/null); do
        v=${f##*/vmlinuz-}; [ -d "$KROOT/lib/modules/$v" ] && KVER=$v
    done
fi
[ -n "$KVER" ] || die "no kernel found under ${KROOT:-/}boot (apt-get install linux-image-amd64)"
VMLINUZ=$KROOT/boot/vmlinuz-$KVER
MODDIR=$KROOT/lib/modules/$KVER
[ -r "$VMLINUZ" ] && [ -d "$MODDIR" ] || die "kernel $KVER incomplete ($VMLINUZ, $MODDIR)"
# a tree unpacked with 'dpkg-deb -x' has no module index yet (postinst makes it)
[ -s "$MODDIR/modules.dep" ] || depmod -b "${KROOT:-/}" "$KVER" || die "depmod for $MODDIR failed"

CACHE=${KLAB_CACHE:-${XDG_CACHE_HOME:-/var/cache}/contiv-kernel-lab}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"    # serialise cache builds between concurrent runs
flock 9

# Extract the uncompressed ELF vmlinux: qemu boots it through its PVH entry
# point, which skips SeaBIOS and the in-guest XZ decompression (~4-5 s under TCG).
kernel_image() {
    local out=$CACHE/vmlinux-$KVER
    if [ "$BZIMAGE" = 1 ]; then echo "$VMLINUZ"; return; fi
    if [ ! -s "$out" ] || [ "$out" -ot "$VMLINUZ" ]; then
        python3 - "$VMLINUZ" "$out.tmp" <<'EOF' || { rm -f "$out.tmp"; echo "$VMLINUZ"; return; }
import sys, lzma, zlib
d = open(sys.argv[1], 'rb').read()
for magic, dec in ((b'\xfd7zXZ\x00', lambda b: lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(b)),
                   (b'\x1f\x8b\x08', lambda b: zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(b))):
    off = d.find(magic)
    while off >= 0:
        try:
            out = dec(d[off:])
            if out[:4] == b'\x7fELF':
                open(sys.argv[2], 'wb').write(out); sys.exit(0)
        except Exception:
            pass
        off = d.find(magic, off + 1)
sys.exit(1)
EOF
        # PVH boot needs the XEN_ELFNOTE_PHYS32_ENTRY (type 0x12) note
        if command -v readelf >/dev/null && ! readelf -n "$out.tmp" 2>/dev/null | grep -q '0x00000012'; then
            rm -f "$out.tmp"; echo "$VMLINUZ"; return
        fi
        mv "$out.tmp" "$out"
    fi
    echo "$out"
}
KIMAGE=$(kernel_image)

# ------------------------------------------------------------- initramfs ----
# Default module set: what container-networking tests typically need.
# Entries containing '/' are globs relative to lib/modules/VER/kernel/.
DEFAULT_MODULES="
virtio_pci virtio_console 9pnet_virtio 9p overlay
veth 8021q bridge br_netfilter vrf dummy macvlan macvtap ipvlan ipvtap vxlan geneve
wireguard openvswitch bonding team team_mode_activebackup team_mode_loadbalance team_mode_roundrobin
tun tap ifb nlmon ipip ip_gre ip6_gre ip6_tunnel sit gre fou fou6 mpls_router mpls_iptunnel
nsh psample af_packet_diag inet_diag tcp_diag udp_diag raw_diag unix_diag netlink_diag xfrm_user
net/netfilter/* net/netfilter/ipset/* net/ipv4/netfilter/* net/ipv6/netfilter/* net/bridge/netfilter/* net/sched/*
"
module_closure() {
    local m f names=()
    for m in $DEFAULT_MODULES $EXTRA_MODS; do
        if [[ $m == */* ]]; then
            for f in "$MODDIR"/kernel/$m; do
                [ -f "$f" ] && [[ $f == *.ko* ]] || continue
                f=${f##*/}; f=${f%.ko*}; names+=("$f")
            done
        else
            names+=("$m")
        fi
    done
    for m in "${names[@]}"; do
        # one module per call: further words would be taken as module parameters
        modprobe -S "$KVER" -d "${KROOT:-/}" --show-depends "$m" 2>>"$CACHE/build.warn" || true
    done | awk '$1 == "insmod" {print $2}' | sort -u
}

copy_with_libs() {   # copy executable $1 to $STAGE/$2 (default: same path) + its ELF deps
    # (not those listed in $BASE_FILES, the cached image's files)
    local src=$1 dst=${2:-$1} lib
    mkdir -p "$STAGE/$(dirname "$dst")"
    cp -L "$src" "$STAGE/$dst"
    ldd "$src" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
        [ -e "$STAGE/$lib" ] && continue
        [ -n "${BASE_FILES:-}" ] && grep -qxF ".${lib/#\/lib64\//\/lib\/}" "$BASE_FILES" && continue
        mkdir -p "$STAGE/$(dirname "$lib")"
        cp -L "$lib" "$STAGE/$lib"
    done
}

HOST_BINS="ip bridge tc ss genl devlink tcpdump nft strace"
INIT_SRC=$LAB_DIR/guest-init.sh

build_initramfs() {
    local t0 m dst b
    t0=$(now)
    STAGE=$(mktemp -d "$CACHE/stage.XXXXXX")
    mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,var,klab,mnt} \
             "$STAGE/lib/modules/$KVER"
    ln -s lib "$STAGE/lib64" 2>/dev/null || true
    cp "$BUSYBOX" "$STAGE/bin/busybox"
    for a in $("$BUSYBOX" --list); do
        [ -e "$STAGE/bin/$a" ] || ln -s busybox "$STAGE/bin/$a"
    done
    # no fallback init: if /init cannot run (e.g. initramfs truncated for lack of
    # RAM), the kernel panics and the VM exits instead of busybox init waiting forever
    rm -f "$STAGE/bin/init" "$STAGE/bin/linuxrc"
    mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true
    mknod -m 666 "$STAGE/dev/null" c 1 3 2>/dev/null || true
    # glibc userland from the host; these override busybox applets of the same name
    for b in $HOST_BINS; do
        b=$(command -v "$b" || true); [ -n "$b" ] || continue
        rm -f "$STAGE/bin/${b##*/}"
        copy_with_libs "$b" "/usr/sbin/${b##*/}"
    done
    # Debian's busybox-static sh prefers its own applets over \$PATH (so 'ip'
    # would be busybox ip even with iproute2 present): use the host's dash as
    # /bin/sh and bash as /bin/bash; busybox only provides the other applets.
    rm -f "$STAGE/bin/sh" "$STAGE/bin/ash"
    copy_with_libs /bin/dash /bin/sh
    [ -x /bin/bash ] && { rm -f "$STAGE/bin/bash"; copy_with_libs /bin/bash /bin/bash; }
    copy_with_libs "$(command -v kmod)" /usr/bin/kmod
    for a in modprobe insmod rmmod lsmod modinfo depmod; do
        rm -f "$STAGE/bin/$a" "$STAGE/sbin/$a"; ln -s ../usr/bin/kmod "$STAGE/sbin/$a"
    done
    [ -d /usr/lib/tc ] && { mkdir -p "$STAGE/usr/lib"; cp -a /usr/lib/tc "$STAGE/usr/lib/"; }
    [ -d /etc/iproute2 ] && cp -a /etc/iproute2 "$STAGE/etc/"
    for f in /etc/protocols /etc/services /etc/ethertypes; do [ -f $f ] && cp $f "$STAGE/etc/"; done
    printf 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:0:0:tcpdump:/:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$STAGE/etc/passwd"
    printf 'root:x:0:\ntcpdump:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$STAGE/etc/group"
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$STAGE/etc/nsswitch.conf"
    printf '127.0.0.1 localhost klab\n::1 localhost\n' > "$STAGE/etc/hosts"
    echo 'export PS1="klab# "' > "$STAGE/etc/profile"
    # kernel modules (+ dependency closure) and fresh module indexes
    : > "$CACHE/build.warn"
    module_closure | while read -r m; do
        dst=$STAGE/lib/modules/$KVER/${m#*/lib/modules/"$KVER"/}
        mkdir -p "$(dirname "$dst")"; cp "$m" "$dst"
    done
    for f in modules.order modules.builtin modules.builtin.modinfo; do
        [ -f "$MODDIR/$f" ] && cp "$MODDIR/$f" "$STAGE/lib/modules/$KVER/"
    done
    depmod -b "$STAGE" "$KVER"
    install -m 755 "$INIT_SRC" "$STAGE/init"
    (cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$INITRD.tmp"
    (cd "$STAGE" && find . -mindepth 1 ! -type d) > "$INITRD.files"
    mv "$INITRD.tmp" "$INITRD"
    log "built $(basename "$INITRD"): $(du -sh "$STAGE" | cut -f1) staged," \
        "$(find "$STAGE/lib/modules" -name '*.ko' | wc -l) modules, $(fsub "$(now)" "$t0") s"
    rm -rf "$STAGE"
    find "$CACHE" -maxdepth 1 -name "initramfs-$KVER-*.cpio*" ! -name "${INITRD##*/}*" -delete
}
# cache key: everything that goes into the image, including the builder code itself
KEY=$( { echo "$LAB_VERSION $KVER $KROOT $BUSYBOX $HOST_BINS $DEFAULT_MODULES $EXTRA_MODS"; cat "$INIT_SRC";
         declare -f build_initramfs module_closure copy_with_libs;
         stat -c '%n %Y %s' "$VMLINUZ" "$MODDIR/modules.dep" 2>/dev/null; } | sha256sum | cut -c1-16)
INITRD=$CACHE/initramfs-$KVER-$KEY.cpio
if [ "$REBUILD" = 1 ] || [ ! -s "$INITRD" ] || [ ! -f "$INITRD.files" ]; then build_initramfs; fi

# ------------------------------------------------------------ accelerator --
kvm_usable() {   # boot the lab once with KVM and see whether it reports back
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    # PVM ("pagetable-based VM", nested KVM in some microVM sandboxes) only runs
    # PVM-enabled guest kernels; a stock kernel creeps through instruction
    # emulation and dies with "KVM internal error ... emulation failure".
    if [ -d /sys/module/kvm_pvm ]; then log "/dev/kvm is kvm_pvm: unusable for stock kernels, using TCG"; return 1; fi
    local probe=$CACHE/kvm-probe-$KVER-$(uname -r)
    if [ ! -f "$probe" ]; then
        log "probing KVM (one-time, result cached in $probe)..."
        if "$0" --accel kvm --timeout 30 --kver "$KVER" --kroot "${KROOT:-/}" -- true \
                >"$probe.log" 2>&1 9>&-; then echo yes > "$probe"; else echo no > "$probe"; fi
    fi
    [ "$(cat "$probe")" = yes ]
}
if [ "$ACCEL" = auto ]; then
    flock -u 9
    if kvm_usable; then ACCEL=kvm; else ACCEL=tcg; fi
fi
flock -u 9 2>/dev/null || true
if [ "$ACCEL" = kvm ]; then
    ACCEL_ARGS=(-accel kvm -cpu "${CPU:-host}")
else
    ACCEL_ARGS=(-accel "tcg,thread=multi${KLAB_TCG_OPTS:-}" -cpu "${CPU:-max}")
fi
if [ -z "$SMP" ]; then SMP=$(nproc); if [ "$SMP" -gt 4 ]; then SMP=4; fi; fi

# --------------------------------------------------------------- per run ----
RUN=$(mktemp -d "${TMPDIR:-/tmp}/klab-run.XXXXXX")
QPID=
cleanup() {
    QPID=$(cat "$RUN/qemu.pid" 2>/dev/null || true)
    if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then kill "$QPID" 2>/dev/null || true; fi
    [ "$KEEP" = 1 ] && echo "kernel-lab: run dir kept: $RUN" >&2 || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

QEMU_ARGS=(-nodefaults -no-user-config -display none -no-reboot -nic none
           -machine pc -m "$MEM" -smp "$SMP" "${ACCEL_ARGS[@]}"
           -kernel "$KIMAGE" -pidfile "$RUN/qemu.pid")
mkdir -p "$RUN/extra/klab"
# --bin programs go into the per-run archive (with the libraries the cached
# image lacks), so that rebuilding them does not rebuild the cached image
if [ ${#BINS[@]} -gt 0 ]; then
    STAGE=$RUN/extra BASE_FILES=$INITRD.files
    ln -s lib "$STAGE/lib64"
    for b in "${BINS[@]}"; do copy_with_libs "$(realpath -e "$b")" "/usr/local/bin/${b##*/}"; done
fi
{
    echo "KLAB_CWD=$(shq "${CWD:-${SHARES[0]:-${SHARES_RO[0]:-/}}}")"
    echo "KLAB_SHELL=$SHELL_MODE KLAB_DMESG=$DMESG"
    echo "KLAB_MODULES=$(shq "$LOAD_MODS")"
    [ "$ALLMODS" = 1 ] && echo "KLAB_ALLMODS=1"
    shares=$(i=0
        for d in "${SHARES[@]}"; do echo "klab$i rw $d"; i=$((i+1)); done
        for d in "${SHARES_RO[@]}"; do echo "klab$i ro $d"; i=$((i+1)); done)
    echo "KLAB_SHARES=$(shq "$shares")"
} > "$RUN/extra/klab/config"
SEC=$([ "$(id -u)" = 0 ] && echo passthrough || echo none)
i=0
for d in "${SHARES[@]}" "${SHARES_RO[@]}"; do
    ro=$([ $i -ge ${#SHARES[@]} ] && echo ",readonly=on" || true)
    QEMU_ARGS+=(-fsdev "local,id=fs$i,path=$d,security_model=$SEC,multidevs=remap$ro"
                -device "virtio-9p-pci,fsdev=fs$i,mount_tag=klab$i")
    i=$((i+1))
done
if [ "$ALLMODS" = 1 ]; then
    QEMU_ARGS+=(-fsdev "local,id=fsmods,path=$MODDIR,security_model=none,readonly=on"
                -device "virtio-9p-pci,fsdev=fsmods,mount_tag=klabmods")
fi
{ printf 'exec'; for a in "${CMD[@]}"; do printf ' %s' "$(shq "$a")"; done; echo; } > "$RUN/extra/klab/cmd"
# per-run archive appended to the cached one (the kernel unpacks concatenated cpios)
(cd "$RUN/extra" && find . -mindepth 1 | cpio -o -H newc --quiet) > "$RUN/extra.cpio"
cat "$INITRD" "$RUN/extra.cpio" > "$RUN/initrd.cpio"
QEMU_ARGS+=(-initrd "$RUN/initrd.cpio")

# cryptomgr.notests: skip crypto self-tests (~1.2 s of boot under TCG)
APPEND="console=ttyS0,115200 rdinit=/init panic=-1 oops=panic reboot=t 8250.nr_uarts=2 cryptomgr.notests=1 ${KLAB_APPEND:-}"
if [ "$VERBOSE" = 1 ]; then APPEND="$APPEND loglevel=7"; else APPEND="$APPEND quiet loglevel=4"; fi
QEMU_ARGS+=(-append "$APPEND")

log "kernel $KVER image=$KIMAGE accel=$ACCEL smp=$SMP mem=${MEM}M initrd=$(du -h "$RUN/initrd.cpio" | cut -f1)"

if [ "$SHELL_MODE" = 1 ]; then
    QEMU_ARGS+=(-serial mon:stdio -serial "file:$RUN/status")
    set +e
    qemu-system-x86_64 "${QEMU_ARGS[@]}"
    set -e
    rc=$(tr -dc 0-9 < "$RUN/status" 2>/dev/null || true)
    exit "${rc:-125}"
fi

QEMU_ARGS+=(-chardev "stdio,id=con,signal=off" -serial chardev:con -serial "file:$RUN/status")
TIMECMD=()
[ -x /usr/bin/time ] && TIMECMD=(/usr/bin/time -f '%M %e' -o "$RUN/time")
T_QEMU=$(now)
set +e
"${TIMECMD[@]}" timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${QEMU_ARGS[@]}" \
        </dev/null 2>"$RUN/qemu.stderr" | {
    # Pass the console through (minus CRs); timestamp the lab's marker lines.
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        case "$line" in
            *"@@KLAB START"*) echo "$(now)" > "$RUN/t_start"; [ "$VERBOSE" = 1 ] && echo "$line" >&2;;
            *"@@KLAB END"*) echo "$(now)" > "$RUN/t_end"
                            pre=${line%%@@KLAB END*}; [ -n "$pre" ] && printf '%s\n' "$pre"
                            echo "${line#"$pre"}" > "$RUN/end_line"
                            [ "$VERBOSE" = 1 ] && echo "${line#"$pre"}" >&2;;
            *"@@KLAB WARN"*) echo "$line" >&2;;
            *"Initramfs unpacking failed"*) printf '%s\n' "$line"; : > "$RUN/initramfs_failed";;
            *"] reboot: Power down") [ "$VERBOSE" = 1 ] && printf '%s\n' "$line";;
            *) printf '%s\n' "$line";;
        esac
    done
}
qrc=${PIPESTATUS[0]}
set -e
T_DONE=$(now)

rc=$(tr -dc 0-9 < "$RUN/status" 2>/dev/null || true)
if [ -z "$rc" ] && [ -f "$RUN/end_line" ]; then
    rc=$(sed -n 's/.*@@KLAB END rc=\([0-9]*\).*/\1/p' "$RUN/end_line")
fi
if [ -z "$rc" ]; then
    if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
        echo "kernel-lab: TIMEOUT after ${TIMEOUT}s (accel=$ACCEL)" >&2; rc=124
        head -n 3 "$RUN/qemu.stderr" 2>/dev/null | sed 's/^/kernel-lab: qemu: /' >&2 || true
    else
        echo "kernel-lab: VM ended without reporting a status (qemu rc=$qrc, accel=$ACCEL)" >&2
        sed 's/^/kernel-lab: qemu: /' "$RUN/qemu.stderr" >&2 || true
        [ -f "$RUN/initramfs_failed" ] && echo "kernel-lab: initramfs did not fit in RAM: raise --mem (now $MEM MB)" >&2
        rc=125
    fi
fi

# timings / memory summary (stderr, one line; also kept in $KLAB_STATS if set)
ts=$(cat "$RUN/t_start" 2>/dev/null || echo "$T_DONE")
te=$(cat "$RUN/t_end" 2>/dev/null || echo "$T_DONE")
read -r rss _ < <(tail -n 1 "$RUN/time" 2>/dev/null) || true   # GNU time may prepend "Command exited..."
[[ ${rss:-} =~ ^[0-9]+$ ]] || rss=?
endl=$(cat "$RUN/end_line" 2>/dev/null || true)
gmem=$(sed -n 's/.*mem_used_after_kb=\([0-9]*\).*/\1/p' <<<"$endl")
gboot=$(sed -n 's/.*@@KLAB END .* uptime=\([0-9.]*\) .*/\1/p' <<<"$endl")
STATS="kernel-lab: kver=$KVER accel=$ACCEL rc=$rc launch->cmd_start=$(fsub "$ts" "$T_LAUNCH")s \
cmd=$(fsub "$te" "$ts")s total=$(fsub "$T_DONE" "$T_LAUNCH")s (qemu $(fsub "$T_DONE" "$T_QEMU")s) \
guest_uptime_at_end=${gboot:-?}s guest_mem_used=${gmem:-?}kB qemu_maxrss=${rss}kB"
[ -n "${KLAB_STATS:-}" ] && echo "$STATS" >> "$KLAB_STATS"
[ "$QUIET" = 1 ] || echo "$STATS" >&2
exit "$rc"
