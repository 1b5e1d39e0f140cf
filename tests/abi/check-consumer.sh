#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-consumer.sh: installs the build into a temporary DESTDIR, builds
# tests/abi/consumer.c out of tree with only
#   pkg-config --cflags --libs libcontiv
# (PKG_CONFIG_SYSROOT_DIR pointing at the DESTDIR), runs it against the
# installed libcontiv.so.1 and checks its output. Also checks that the
# headers, the .pc file and the man pages were installed.
set -eu

me=check-consumer
: "${top_srcdir:?top_srcdir is not set: run from make check}"
: "${top_builddir:=$top_srcdir}"
: "${MAKE:=make}"
CC=${CC:-cc}

fail() {
	echo "$me: FAIL: $*" >&2
	exit 1
}

# the install directories as the Makefile expands them
# shellcheck disable=SC2086 # $MAKE may carry options
config=$(MAKEFLAGS='' $MAKE -s --no-print-directory -C "$top_builddir" abi-print-config) ||
	fail "cannot read the configuration: $MAKE abi-print-config failed"
get() {
	printf '%s\n' "$config" | sed -n "s/^$1=//p"
}
libdir=$(get libdir)
includedir=$(get includedir)
man3dir=$(get man3dir)
man3pages=$(get man3pages)
version=$(get version)
major=$(get major)
minor=$(get minor)
micro=$(get micro)
pkg_config=$(get PKG_CONFIG)
sanitizers=$(get sanitizers)
{ [ -n "$libdir" ] && [ -n "$version" ]; } || fail "abi-print-config printed no libdir/version: $config"
[ -n "$pkg_config" ] || pkg_config=pkg-config
if ! command -v "$pkg_config" >/dev/null 2>&1; then
	echo "$me: SKIP: pkg-config not found ($pkg_config)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
destdir=$tmp/root

echo "$me: $MAKE install DESTDIR=$destdir"
# shellcheck disable=SC2086 # $MAKE may carry options
if ! MAKEFLAGS='' $MAKE -C "$top_builddir" install DESTDIR="$destdir" >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log" >&2
	fail "make install DESTDIR=$destdir failed"
fi
for f in "$libdir/libcontiv.so.1" "$libdir/pkgconfig/libcontiv.pc" \
	"$includedir/contiv/contiv.h" "$includedir/contiv/version.h"; do
	[ -e "$destdir$f" ] || fail "make install did not install $f"
done
for page in $man3pages; do
	[ -e "$destdir$man3dir/$page" ] || fail "make install did not install the man page $man3dir/$page"
done
echo "$me: installed library, headers, libcontiv.pc and man pages ($man3pages)"

pcflags=$(PKG_CONFIG_SYSROOT_DIR=$destdir PKG_CONFIG_PATH=$destdir$libdir/pkgconfig \
	"$pkg_config" --cflags --libs libcontiv) || fail "pkg-config --cflags --libs libcontiv failed"
echo "$me: pkg-config --cflags --libs libcontiv: $pcflags"
case $pcflags in
*"-I$destdir$includedir"*"-L$destdir$libdir"*) ;;
*) fail "pkg-config flags do not point into the DESTDIR $destdir" ;;
esac

sanflags=
if [ "$sanitizers" = yes ] || [ "${SANITIZERS:-}" = yes ]; then
	# an ASan-instrumented library needs an instrumented executable
	sanflags="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2086 # $CC, $pcflags and $sanflags are lists
if ! $CC -std=c99 -Wall -Wextra -Werror $sanflags -o "$tmp/consumer" \
	"$top_srcdir/tests/abi/consumer.c" $pcflags >"$tmp/cc.log" 2>&1; then
	cat "$tmp/cc.log" >&2
	fail "consumer.c does not build against the installed library"
fi

# the loader must find the installed copy, not the build tree's
lib=$(LD_LIBRARY_PATH=$destdir$libdir ldd "$tmp/consumer" | awk '$1 == "libcontiv.so.1" { print $3 }')
case $lib in
"$destdir$libdir"/*) ;;
*) fail "the consumer would load libcontiv.so.1 from '$lib', not from $destdir$libdir" ;;
esac

if ! LD_LIBRARY_PATH=$destdir$libdir "$tmp/consumer" >"$tmp/out" 2>"$tmp/err"; then
	cat "$tmp/out" "$tmp/err" >&2
	fail "the consumer exited with an error"
fi
cat "$tmp/out"
cat >"$tmp/expected" <<EXPECTED
version $version
headers $major.$minor.$micro
EXPECTED
head -n 2 "$tmp/out" >"$tmp/got"
if ! cmp -s "$tmp/expected" "$tmp/got"; then
	diff -u "$tmp/expected" "$tmp/got" >&2 || true
	fail "the consumer reports another version than this build ($version)"
fi
grep -q '^strerror -2 No such file or directory$' "$tmp/out" ||
	fail "contiv_strerror(-ENOENT) gave an unexpected text"
grep -Eq '^strerror -4002 .+' "$tmp/out" ||
	fail "contiv_strerror(-CONTIV_ERR_EXHAUSTED) gave no text"
[ "$(tail -n 1 "$tmp/out")" = ok ] || fail "the consumer did not finish"
echo "$me: PASS: out-of-tree consumer built with pkg-config and run against the installed library"
