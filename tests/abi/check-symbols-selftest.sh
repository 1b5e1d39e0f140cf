#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-symbols-selftest.sh: proves that check-symbols.sh fails when the
# library, the version script and the headers disagree.
#
# It copies the public headers and libcontiv.sym into a temporary directory
# and builds a fixture library from the copy of the .sym (one empty function
# per listed name, linked with that version script), so it does not depend on
# how much of the real library is implemented. The untouched copy must pass;
# each damaged copy must fail, with the expected message.
set -eu

: "${top_srcdir:?top_srcdir is not set: run from make check}"
: "${top_builddir:=$top_srcdir}"
CC=${CC:-cc}
me='check-symbols-selftest'
check=$top_srcdir/tests/abi/check-symbols.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-symbols-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# pristine copies: the source headers, plus generated ones (version.h)
mkdir "$tmp/orig"
cp "$top_srcdir"/include/contiv/*.h "$top_srcdir/libcontiv/libcontiv.sym" "$tmp/orig/"
for h in "$top_builddir"/include/contiv/*.h; do
	[ -e "$tmp/orig/${h##*/}" ] || cp "$h" "$tmp/orig/"
done

# build_lib DIR [EXTRA_C_LINE]: DIR/libfixture.so exports what DIR/libcontiv.sym lists
build_lib() {
	sed -e 's/#.*//' -e 's,/\*.*\*/,,' "$1/libcontiv.sym" |
		awk '/^[ \t]*contiv_[A-Za-z0-9_]*;/ { gsub(/[ \t;]/, ""); print "__attribute__((visibility(\"default\"))) void " $0 "(void) {}" }' \
		>"$1/fixture.c"
	if [ $# -ge 2 ]; then
		printf '%s\n' "$2" >>"$1/fixture.c"
	fi
	# shellcheck disable=SC2086 # $CC may carry options
	if ! $CC -shared -fPIC -fvisibility=hidden -o "$1/libfixture.so" "$1/fixture.c" \
		${LINK_VERSION_SCRIPT-"-Wl,--version-script=$1/libcontiv.sym"} 2>"$1/cc.log"; then
		echo "$me: ERROR: cannot build the fixture library:" >&2
		cat "$1/cc.log" >&2
		exit 99
	fi
}

# new_case NAME: a fresh copy in $tmp/NAME, in $dir
new_case() {
	dir=$tmp/$1
	cp -r "$tmp/orig" "$dir"
}

run_check() {
	sh "$check" "$dir/libfixture.so" "$dir/libcontiv.sym" "$dir"/*.h >"$dir/out" 2>&1
}

failures=0
n=0
# expect pass|fail WHAT [MESSAGE]: runs the check on $dir; the output must
# contain MESSAGE when it fails
expect() {
	n=$((n + 1))
	if run_check; then rc=0; else rc=$?; fi
	result=bad
	case $1 in
	pass) [ "$rc" -eq 0 ] && result=ok ;;
	fail) [ "$rc" -ne 0 ] && grep -qF -- "$3" "$dir/out" && result=ok ;;
	esac
	if [ "$result" = ok ]; then
		echo "ok $n - $2: check-symbols ${1}ed as expected"
		if [ "$1" = fail ]; then
			grep -F -A3 -- "$3" "$dir/out" | sed 's/^/	| /'
		fi
	else
		echo "not ok $n - $2: expected check-symbols to $1 but it exited $rc, output:"
		sed 's/^/	| /' "$dir/out"
		failures=$((failures + 1))
	fi
}

echo "$me: fixture library built with $CC from each copy of libcontiv.sym"

new_case pristine
build_lib "$dir"
expect pass "untouched headers and .sym (static inline helpers ignored)"

# (i) a declaration the library does not export, spread over three lines
new_case undeclared
cat >>"$dir/ctx.h" <<'EOF'
/**
 * contiv_ctx_selftest_extra:
 * Since: 1
 */
int
contiv_ctx_selftest_extra(struct contiv_ctx *ctx,
			  int flags);
EOF
build_lib "$dir"
expect fail "(i) header declares a function the library does not export" \
	"declared in the headers but not exported by the library"

# (ii) a symbol removed from the .sym (and so from the library built with it)
new_case unlisted
sed -i '/^[ \t]*contiv_version;/d' "$dir/libcontiv.sym"
build_lib "$dir"
expect fail "(ii) contiv_version removed from the .sym" \
	"declared in the headers but not listed in libcontiv.sym"

# (ii') the library exports a symbol that the .sym and headers do not know
new_case stale-lib
build_lib "$dir"
sed -i '/^[ \t]*contiv_version;/d' "$dir/libcontiv.sym"
sed -i '/^const char \*contiv_version(void);/d' "$dir/version.h"
expect fail "(ii') library exports contiv_version, missing from .sym and headers" \
	"exported by the library but not listed in libcontiv.sym"

# (iii) a Since: removed
new_case no-since
awk '/^ \* contiv_strerror:/ { hit = 1 } hit && /Since:/ { hit = 0; next } { print }' \
	"$tmp/orig/error.h" >"$dir/error.h"
build_lib "$dir"
expect fail "(iii) doc comment of contiv_strerror without Since:" \
	"without \"Since: N\""

# (iii') a doc comment that is not directly before the declaration
new_case detached-doc
sed -i 's|^int contiv_strerror(|/* detached */\nint contiv_strerror(|' "$dir/error.h"
build_lib "$dir"
expect fail "(iii') a plain comment between the doc comment and contiv_strerror" \
	"without \"Since: N\""

# (iii'') Since: that does not match the .sym node
new_case wrong-since
sed -i 's/^ \* Since: 1$/ * Since: 2/' "$dir/version.h"
build_lib "$dir"
expect fail "(iii'') contiv_version says Since: 2 but is in LIBCONTIV_1" \
	"does not match the .sym node"

# (iv) an unsorted node
new_case unsorted
awk '/^[ \t]*contiv_version;/ { next } { print } /^global:/ { print "\tcontiv_version;" }' \
	"$tmp/orig/libcontiv.sym" >"$dir/libcontiv.sym"
build_lib "$dir"
expect fail "(iv) contiv_version moved to the top of LIBCONTIV_1" \
	"not sorted"

# (v) exports without a version (no version script)
new_case unversioned
LINK_VERSION_SCRIPT="" build_lib "$dir"
expect fail "(v) library linked without the version script" \
	"without a LIBCONTIV_<n> version"

# (vi) an exported symbol without the contiv_ prefix
new_case prefix
sed -i 's/^local:/	selftest_leak;\nlocal:/' "$dir/libcontiv.sym"
build_lib "$dir" '__attribute__((visibility("default"))) int selftest_leak(void) { return 0; }'
expect fail "(vi) library exports selftest_leak" \
	"without the contiv_ prefix"

# a well-formed next release: new node LIBCONTIV_2, Since: 2 → passes
new_case next-release
cat >>"$dir/ctx.h" <<'EOF'
/**
 * contiv_ctx_selftest_next:
 * Since: 2
 */
int contiv_ctx_selftest_next(struct contiv_ctx *ctx);
EOF
printf '\nLIBCONTIV_2 {\nglobal:\n\tcontiv_ctx_selftest_next;\n} LIBCONTIV_1;\n' >>"$dir/libcontiv.sym"
build_lib "$dir"
expect pass "a new LIBCONTIV_2 node with a Since: 2 declaration"

# ... and the same with the new symbol left in LIBCONTIV_1's version
new_case next-release-wrong
cp "$tmp/next-release/ctx.h" "$dir/ctx.h"
sed -i 's/^\tcontiv_ctx_ref;/\tcontiv_ctx_ref;\n\tcontiv_ctx_selftest_next;/' "$dir/libcontiv.sym"
build_lib "$dir"
expect fail "a Since: 2 function added to the sealed LIBCONTIV_1 node" \
	"does not match the .sym node"

echo "$me: $((n - failures))/$n cases as expected"
[ "$failures" -eq 0 ]
