#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-man.sh [PAGE...]
#
# 1. mandoc -T lint -W warning prints nothing for each man page;
# 2. every function declared in the public headers is documented (.Fn or .Fo)
#    in one of the pages.
# Defaults: $top_srcdir/man/*.3, headers of $top_srcdir/include/contiv and
# $top_builddir/include/contiv.
set -eu

me=check-man
MANDOC=${MANDOC:-mandoc}
: "${top_srcdir:=.}"
: "${top_builddir:=$top_srcdir}"
if [ "$MANDOC" = no ] || ! command -v "$MANDOC" >/dev/null 2>&1; then
	echo "$me: SKIP: mandoc not found (install the Debian package mandoc)"
	exit 77
fi
if [ $# -eq 0 ]; then
	set -- "$top_srcdir"/man/*.3 "$top_srcdir"/man/*.8
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

for page in "$@"; do
	if "$MANDOC" -T lint -W warning "$page" >"$tmp/lint" 2>&1; then rc=0; else rc=$?; fi
	if [ "$rc" -ne 0 ] || [ -s "$tmp/lint" ]; then
		echo "$me: FAIL: mandoc -T lint -W warning ${page##*/} (exit $rc):" >&2
		cat "$tmp/lint" >&2
		status=1
	fi
done

headers=
for h in "$top_srcdir"/include/contiv/*.h "$top_builddir"/include/contiv/*.h; do
	[ -e "$h" ] || continue
	case " $headers " in
	*"/${h##*/} "*) ;;
	*) headers="$headers $h" ;;
	esac
done
# shellcheck disable=SC2086 # a list of paths without blanks
sh "$top_srcdir/tests/abi/check-symbols.sh" --list-declarations $headers |
	cut -d' ' -f1 | sort -u >"$tmp/declared"
cat "$@" | sed -n 's/^\.F[no] \([A-Za-z_0-9]*\).*/\1/p' | sort -u >"$tmp/documented"
comm -23 "$tmp/declared" "$tmp/documented" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
	echo "$me: FAIL: functions declared in the headers but documented in no man page:" >&2
	sed 's/^/	/' "$tmp/missing" >&2
	status=1
fi
if [ "$status" -eq 0 ]; then
	echo "$me: PASS: $# pages lint-clean; all $(wc -l <"$tmp/declared") public functions documented"
fi
exit "$status"
