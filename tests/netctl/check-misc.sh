#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# netctl's generated bash completion (valid bash, completes groups, commands
# and flags from the command table) and its man page (mandoc lint clean).
set -eu

me=netctl-misc
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
MANDOC=${MANDOC:-mandoc}
netctl=$top_builddir/tools/netctl
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netctl-misc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

fail() {
	echo "$me: FAIL: $*" >&2
	status=1
}

"$netctl" completion bash >"$tmp/completion"
bash -n "$tmp/completion" || fail "the completion script is not valid bash"

complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _netctl;
		 echo "${COMPREPLY[*]}"' sh "$tmp/completion" "$@"
}
expect() {
	want=$1
	shift
	got=$(complete_words "$@")
	[ "$got" = "$want" ] || fail "completion of '$*': got '$got', want '$want'"
}
expect "network" netctl netw
expect "rule-add rule-ls rule-rm" netctl policy rule-
expect "--subnet --subnetv6" netctl net create --sub
expect "--subnet --subnetv6" netctl --netmaster http://x:1 network create --sub
expect "--policy" netctl group create --pol
expect "bash" netctl completion b
expect "rm" netctl tenant r

"$netctl" completion zsh >/dev/null 2>&1 && fail "completion zsh succeeded"

if [ "$MANDOC" != no ] && command -v "$MANDOC" >/dev/null 2>&1; then
	if ! "$MANDOC" -T lint -W warning "$top_srcdir/man/netctl.8" >"$tmp/lint" 2>&1 ||
	    [ -s "$tmp/lint" ]; then
		cat "$tmp/lint" >&2
		fail "mandoc -T lint -W warning netctl.8"
	fi
else
	echo "$me: mandoc not found, man page not linted"
fi

[ $status -eq 0 ] && echo "$me: PASS"
exit $status
