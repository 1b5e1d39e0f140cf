#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-abidiff.sh [BASELINE LIB HEADERDIR...]
# check-abidiff.sh --update [BASELINE LIB HEADERDIR...]
#
# Compares the ABI of the built library with the committed baseline
# tests/abi/libcontiv.abi (libabigail's abidiff, Debian package
# abigail-tools). Only types defined in the public headers count.
#   - an error, a removed function or variable (abidiff bit 8,
#     ABIDIFF_ABI_INCOMPATIBLE_CHANGE), or a change to an existing function's
#     types (bit 4 even with --no-added-syms: a parameter, a return type, a
#     public struct's layout) fails;
#   - added functions or variables only (bit 4, gone with --no-added-syms)
#     pass with a warning: run "make abi-baseline" at release time.
# Known-compatible changes are suppressed by tests/abi/libcontiv.abignore
# (fields appended to a contiv_*_opts options struct).
#
# --update writes BASELINE from LIB ("make abi-baseline"): abidw with
# --no-corpus-path, --no-comp-dir-path and --short-locs (file names without
# directories), so the file has no path of the machine that made it.
# Defaults: $top_srcdir/tests/abi/libcontiv.abi,
# $top_builddir/libcontiv/.libs/libcontiv.so.1, $top_srcdir/include/contiv and
# $top_builddir/include/contiv.
set -eu

me=check-abidiff
ABIDIFF=${ABIDIFF:-abidiff}
ABIDW=${ABIDW:-abidw}
here=$(cd "$(dirname "$0")" && pwd)
suppressions=${ABI_SUPPRESSIONS:-$here/libcontiv.abignore}

skip() {
	echo "$me: SKIP: $*"
	exit 77
}

update=no
if [ "${1:-}" = "--update" ]; then
	update=yes
	shift
fi

if [ $# -ge 3 ]; then
	baseline=$1 lib=$2
	shift 2
else
	: "${top_srcdir:?top_srcdir is not set: run from make check or pass BASELINE LIB HEADERDIR...}"
	: "${top_builddir:=$top_srcdir}"
	baseline=$top_srcdir/tests/abi/libcontiv.abi
	lib=$top_builddir/libcontiv/.libs/libcontiv.so.1
	set -- "$top_srcdir/include/contiv"
	[ "$top_builddir" = "$top_srcdir" ] || set -- "$@" "$top_builddir/include/contiv"
	if [ "$update" = no ] && [ -n "${MAKE:-}" ]; then
		# configure --disable-abi-check: say so, do not fail
		# shellcheck disable=SC2086 # $MAKE may carry options
		config=$(MAKEFLAGS='' $MAKE -s --no-print-directory -C "$top_builddir" abi-print-config)
		case $config in
		*enable_abi_check=no*) skip "configured with --disable-abi-check" ;;
		esac
	fi
fi

tool=$ABIDIFF
[ "$update" = no ] || tool=$ABIDW
if [ "$tool" = no ] || ! command -v "$tool" >/dev/null 2>&1; then
	skip "${tool} not found (install the Debian package abigail-tools)"
fi
if [ ! -r "$lib" ]; then
	echo "$me: FAIL: cannot read $lib (is the library built?)" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-abidiff.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The public types are those defined in the public headers and in the system
# headers they include (uint32_t, size_t …): a parameter changed from
# uint32_t to uint64_t is a change of public types. --headers-dir alone
# would count the typedefs of <stdint.h> as private and hide that change.
# So the directories of the system headers that the public headers include
# ($CC -M) count as public too. (--header-file per file would be more
# precise, but libabigail 2.2 then filters every change out.)
: >"$tmp/all.h"
incopts=
for d in "$@"; do
	incopts="$incopts -I$(cd "$d/.." && pwd)"
	for h in "$d"/*.h; do
		[ -e "$h" ] && echo "#include \"$(cd "$d" && pwd)/${h##*/}\"" >>"$tmp/all.h"
	done
done
# shellcheck disable=SC2086 # $CC and $incopts are lists
if ! ${CC:-cc} -M $incopts -x c "$tmp/all.h" >"$tmp/deps" 2>"$tmp/deps.err"; then
	echo "$me: FAIL: cannot list the headers included by $*:" >&2
	cat "$tmp/deps.err" >&2
	exit 1
fi
sed 's/[\\ ]/\n/g' "$tmp/deps" | grep -v -e '^$' -e ':$' -e '/all\.h$' | sort -u >"$tmp/headers"
if [ ! -s "$tmp/headers" ]; then
	echo "$me: FAIL: no public headers in $*" >&2
	exit 1
fi
{
	for d in "$@"; do (cd "$d" && pwd); done
	sed 's,/[^/]*$,,' "$tmp/headers"
} | sort -u >"$tmp/dirs"
hdopts=$(sed 's/^/--headers-dir /' "$tmp/dirs")
hd2opts=$(sed 's/^/--headers-dir2 /' "$tmp/dirs")

if [ "$update" = yes ]; then
	# shellcheck disable=SC2086 # $hdopts is a list of options
	"$ABIDW" --no-corpus-path --no-comp-dir-path --short-locs --no-elf-needed --type-id-style hash \
		--drop-private-types $hdopts --out-file "$baseline.tmp" "$lib"
	mv "$baseline.tmp" "$baseline"
	echo "$me: wrote $baseline from $lib"
	if grep -Eq "(path|filepath|comp-dir-path)=./" "$baseline"; then
		echo "$me: FAIL: $baseline contains absolute paths" >&2
		exit 1
	fi
	exit 0
fi

if [ ! -r "$baseline" ]; then
	echo "$me: FAIL: no baseline $baseline: create it with \"make abi-baseline\"" >&2
	exit 1
fi
supopts=
[ -r "$suppressions" ] && supopts="--suppressions $suppressions"

# run_abidiff OUT [OPTIONS...]: sets rc
run_abidiff() {
	out=$1
	shift
	# shellcheck disable=SC2086 # option lists
	if "$ABIDIFF" --fail-no-debug-info --drop-private-types $hd2opts $supopts "$@" \
		"$baseline" "$lib" >"$out" 2>&1; then rc=0; else rc=$?; fi
}

# the baseline holds one architecture's sizes and layouts
base_arch=$(sed -n "s/^<abi-corpus .*architecture='\([^']*\)'.*/\1/p" "$baseline" | head -n 1)
lib_arch=$("$ABIDW" "$lib" | sed -n "s/^<abi-corpus .*architecture='\([^']*\)'.*/\1/p" | head -n 1)
if [ -n "$base_arch" ] && [ "$base_arch" != "$lib_arch" ]; then
	skip "the baseline was made on $base_arch, this library is $lib_arch"
fi

echo "$me: $ABIDIFF ${baseline##*/} ${lib}"
run_abidiff "$tmp/full"
cat "$tmp/full"
if [ "$rc" -eq 0 ]; then
	echo "$me: PASS: the ABI equals the baseline"
	exit 0
fi
if [ $((rc & 3)) -ne 0 ]; then
	echo "$me: FAIL: abidiff could not compare (exit status $rc: error or usage error)" >&2
	exit 1
fi
if [ $((rc & 8)) -ne 0 ]; then
	echo "$me: FAIL: incompatible ABI change (exit status $rc: ABIDIFF_ABI_INCOMPATIBLE_CHANGE):" >&2
	echo "$me: a function or variable was removed. The SONAME stays libcontiv.so.1: restore it." >&2
	exit 1
fi
# bit 4 only: additions, or changes to existing interfaces?
run_abidiff "$tmp/changed" --no-added-syms
if [ $((rc & 12)) -ne 0 ]; then
	echo "$me: FAIL: existing interfaces changed (abidiff --no-added-syms exit status $rc):" >&2
	cat "$tmp/changed" >&2
	echo "$me: a changed signature or public struct layout breaks callers: add contiv_x2() in a new node instead." >&2
	echo "$me: if the change is compatible after review, record it with \"make abi-baseline\"." >&2
	exit 1
fi
echo "$me: WARNING: functions or variables were added since the baseline (compatible)."
echo "$me: record them at release time with \"make abi-baseline\" and commit tests/abi/libcontiv.abi."
exit 0
