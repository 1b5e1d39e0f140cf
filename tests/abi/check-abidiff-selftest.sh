#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-abidiff-selftest.sh: proves that check-abidiff.sh fails on an
# incompatible change and passes on compatible ones. It builds small fixture
# libraries (one public header, a version script, -g) in a temporary
# directory, writes a baseline of v1 with "check-abidiff.sh --update" (as
# "make abi-baseline" does) and compares variants against it with the
# project's suppression file tests/abi/libcontiv.abignore.
set -eu

me='check-abidiff-selftest'
: "${top_srcdir:?top_srcdir is not set: run from make check}"
CC=${CC:-cc}
ABIDIFF=${ABIDIFF:-abidiff}
ABIDW=${ABIDW:-abidw}
check=$top_srcdir/tests/abi/check-abidiff.sh
for tool in "$ABIDIFF" "$ABIDW"; do
	if [ "$tool" = no ] || ! command -v "$tool" >/dev/null 2>&1; then
		echo "$me: SKIP: ${tool} not found (install the Debian package abigail-tools)"
		exit 77
	fi
done
export ABIDIFF ABIDW

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-abidiff-selftest.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

# The v1 fixture: a public options struct, a public struct with a layout, an
# opaque struct whose layout is private, three functions.
mkdir -p "$tmp/v1/include/contiv"
cat >"$tmp/v1/include/contiv/selftest.h" <<'EOF_H'
#include <stddef.h>
#include <stdint.h>
struct contiv_st;
struct contiv_st_opts {
	size_t sz;
	uint32_t flags;
};
struct contiv_st_point {
	uint32_t x;
	uint32_t y;
};
int contiv_st_new(const struct contiv_st_opts *opts, struct contiv_st **ret);
int contiv_st_move(struct contiv_st *st, const struct contiv_st_point *to);
int contiv_st_count(const struct contiv_st *st, uint32_t kind);
EOF_H
cat >"$tmp/v1/lib.c" <<'EOF_C'
#include <stdlib.h>
#include <contiv/selftest.h>
#define E __attribute__((visibility("default")))
struct contiv_st { int n; };
E int contiv_st_new(const struct contiv_st_opts *opts, struct contiv_st **ret)
{ (void)opts; *ret = calloc(1, sizeof(**ret)); return *ret ? 0 : -12; }
E int contiv_st_move(struct contiv_st *st, const struct contiv_st_point *to)
{ st->n = (int)to->x; return 0; }
E int contiv_st_count(const struct contiv_st *st, uint32_t kind)
{ return st->n + (int)kind; }
EOF_C
printf 'LIBCONTIV_1 {\nglobal:\n\tcontiv_st_count;\n\tcontiv_st_move;\n\tcontiv_st_new;\nlocal:\n\t*;\n};\n' \
	>"$tmp/v1/lib.sym"

build() {
	# shellcheck disable=SC2086 # $CC and $LIBS may carry options
	if ! $CC -g -O0 -shared -fPIC -fvisibility=hidden -I"$1/include" ${LIBS:-} \
		-Wl,--version-script="$1/lib.sym" -Wl,-soname,libcontiv.so.1 \
		-o "$1/libcontiv.so.1" "$1/lib.c" 2>"$1/cc.log"; then
		echo "$me: ERROR: cannot build fixture $1:" >&2
		cat "$1/cc.log" >&2
		exit 99
	fi
}

# variant NAME SED-ON-HEADER SED-ON-SOURCE [SED-ON-SYM]: a copy of v1, edited
variant() {
	d=$tmp/$1
	cp -r "$tmp/v1" "$d"
	sed -i -e "$2" "$d/include/contiv/selftest.h"
	sed -i -e "$3" "$d/lib.c"
	[ $# -lt 4 ] || sed -i -e "$4" "$d/lib.sym"
	build "$d"
}

build "$tmp/v1"
sh "$check" --update "$tmp/baseline.abi" "$tmp/v1/libcontiv.so.1" "$tmp/v1/include/contiv" >/dev/null
echo "$me: baseline of fixture v1 written by check-abidiff.sh --update"
if grep -Eq "(path|filepath|comp-dir-path)='/" "$tmp/baseline.abi"; then
	echo "$me: FAIL: the baseline contains absolute paths:" >&2
	grep -E "(path|filepath|comp-dir-path)='/" "$tmp/baseline.abi" >&2
	exit 1
fi

# shellcheck disable=SC2016 # sed scripts, not shell expansions
variant added \
	's/^int contiv_st_count.*/&\nint contiv_st_reset(struct contiv_st *st);/' \
	'$a E int contiv_st_reset(struct contiv_st *st) { st->n = 0; return 0; }' \
	's/^local:/};\nLIBCONTIV_2 {\nglobal:\n\tcontiv_st_reset;\n} LIBCONTIV_1;\nLIBCONTIV_X {\nlocal:/'
variant param-type \
	's/uint32_t kind)/uint64_t kind)/' 's/uint32_t kind)/uint64_t kind)/'
# shellcheck disable=SC2016 # sed scripts
variant removed \
	'/contiv_st_count/d' '/contiv_st_count/,$d'
variant struct-insert \
	's/^\tuint32_t x;/\tuint32_t z;\n&/' 's/^E int contiv_st_new/struct contiv_st_point *contiv_st_unused;\n&/'
variant opts-append \
	's/^\tuint32_t flags;/&\n\tuint64_t timeout;/' 's/^E int contiv_st_new/struct contiv_st_opts *contiv_st_unused;\n&/'
variant opts-insert \
	's/^\tsize_t sz;/&\n\tuint64_t timeout;/' 's/^E int contiv_st_new/struct contiv_st_opts *contiv_st_unused;\n&/'
variant ret-type \
	's/^int contiv_st_move/long contiv_st_move/' 's/^E int contiv_st_move/E long contiv_st_move/'
LIBS="-Wl,--no-as-needed -lm" variant needed 's/^X//' 's/^X//'
variant private \
	's/^X//' 's/^struct contiv_st { int n; };/struct contiv_st { long pad[4]; int n; };/'

failures=0
n=0
# expect pass|fail VARIANT WHAT [TEXT]: TEXT must appear in the output
expect() {
	n=$((n + 1))
	if sh "$check" "$tmp/baseline.abi" "$tmp/$2/libcontiv.so.1" "$tmp/$2/include/contiv" \
		>"$tmp/out" 2>&1; then rc=0; else rc=$?; fi
	result=bad
	case $1 in
	pass) [ "$rc" -eq 0 ] && result=ok ;;
	fail) [ "$rc" -eq 1 ] && result=ok ;;
	esac
	if [ "$result" = ok ] && [ $# -ge 4 ] && ! grep -qF -- "$4" "$tmp/out"; then
		result=bad
	fi
	if [ "$result" = ok ]; then
		echo "ok $n - $3: check-abidiff ${1}ed as expected"
		grep -E '^check-abidiff: (PASS|FAIL|WARNING)|\[[ACD]\]|data member|type name changed' "$tmp/out" |
			sed 's/^/	| /'
	else
		echo "not ok $n - $3: expected check-abidiff to $1 but it exited $rc, output:"
		sed 's/^/	| /' "$tmp/out"
		failures=$((failures + 1))
	fi
}

expect pass v1 "v1 against its own baseline" "PASS: the ABI equals the baseline"
expect pass added "a function added in a new node LIBCONTIV_2 (warning only)" "WARNING"
expect pass private "the layout of an opaque struct changed (private type)" "PASS"
expect pass needed "a new DT_NEEDED dependency (libm)" "PASS"
expect pass opts-append "a field appended to an options struct (libcontiv.abignore)" "PASS"
expect fail param-type "a parameter changed from uint32_t to uint64_t (abidiff bit 4)" "existing interfaces changed"
expect fail ret-type "a return type changed from int to long" "existing interfaces changed"
expect fail removed "a function removed (abidiff bit 8, ABIDIFF_ABI_INCOMPATIBLE_CHANGE)" "incompatible ABI change"
expect fail struct-insert "a field inserted in a public struct" "existing interfaces changed"
expect fail opts-insert "a field inserted in the middle of an options struct" "existing interfaces changed"

echo "$me: $((n - failures))/$n cases as expected"
[ "$failures" -eq 0 ]
