#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-headers.sh [INCLUDEDIR...]
#
# Every public header must compile on its own (no hidden dependency on an
# include order), twice in a row (include guard), as strict C99 and as C++11,
# and also in GNU mode (where the static inline cleanup helpers are
# compiled). Every header that declares functions wraps them in extern "C".
# INCLUDEDIRs default to $top_srcdir/include and $top_builddir/include
# (for the generated version.h).
set -eu

me=check-headers
CC=${CC:-cc}
CXX=${CXX:-c++}
: "${top_srcdir:=.}"
: "${top_builddir:=$top_srcdir}"
if [ $# -eq 0 ]; then
	set -- "$top_srcdir/include" "$top_builddir/include"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

incflags=
headers=
for dir in "$@"; do
	incflags="$incflags -I$dir"
	for h in "$dir"/contiv/*.h; do
		[ -e "$h" ] || continue
		case " $headers " in
		*" ${h##*/} "*) ;;
		*) headers="$headers ${h##*/}" ;;
		esac
	done
done
if [ -z "$headers" ]; then
	echo "$me: FAIL: no headers found in $*" >&2
	exit 1
fi

warn="-Wall -Wextra -Werror -Wundef -Wshadow -Wredundant-decls"
# name|compiler|flags
modes="c99|C|-std=c99 -pedantic-errors -Wstrict-prototypes -Wmissing-prototypes
gnu11|C|-std=gnu11 -Wstrict-prototypes -Wmissing-prototypes
c++11|CXX|-std=c++11 -pedantic-errors
gnu++17|CXX|-std=gnu++17"

status=0
count=0
for h in $headers; do
	printf '#include <contiv/%s>\n#include <contiv/%s>\nint main(void) { return 0; }\n' "$h" "$h" >"$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cc"
	while IFS='|' read -r name lang flags; do
		if [ "$lang" = C ]; then comp=$CC src=$tmp/t.c; else comp=$CXX src=$tmp/t.cc; fi
		count=$((count + 1))
		# shellcheck disable=SC2086 # word splitting of flag lists is intended
		if ! $comp -fsyntax-only $flags $warn $incflags "$src" >"$tmp/log" 2>&1; then
			echo "$me: FAIL: <contiv/$h> alone does not compile as $name ($comp $flags $warn):" >&2
			cat "$tmp/log" >&2
			status=1
		fi
	done <<MODES
$modes
MODES
	for dir in "$@"; do
		[ -e "$dir/contiv/$h" ] || continue
		if grep -Eq '^[A-Za-z_].*\bcontiv_[a-z0-9_]+ *\(' "$dir/contiv/$h" &&
			! grep -q 'extern "C"' "$dir/contiv/$h"; then
			echo "$me: FAIL: <contiv/$h> declares functions but has no extern \"C\" block" >&2
			status=1
		fi
		break
	done
done
if [ "$status" -eq 0 ]; then
	echo "$me: PASS: $(echo "$headers" | wc -w) headers, each alone and twice, as C99, GNU C11, C++11 and GNU C++17 ($count compilations)"
fi
exit "$status"
