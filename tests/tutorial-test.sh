#!/bin/sh
# Runs the README's quick start (tools/tutorial.sh: the tutorial on two
# simulated hosts) and checks what it shows. The measured rate is printed by
# the tutorial but checked by tests/system/netprofile.sh, not here.
set -eu
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the tutorial needs root (network namespaces)"
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top_srcdir/tools/tutorial.sh" > "$out" 2>&1 || { cat "$out"; exit 1; }
cat "$out"

expect() {
	if ! grep -qF -- "$1" "$out"; then
		echo "FAIL: tutorial output lacks: $1"
		exit 1
	fi
	echo "ok: $1"
}
expect 'ping c1 -> c2 (10.1.2.2): answered'
expect 'ping c2 -> c1 (10.1.2.1): answered'
expect 'ping b1 -> b2 (10.1.2.2): answered'
expect 'tcp c1 -> c2:7000: connected'
expect 'tcp b1 -> b2:7001: connected'
expect 'tcp b1 -> c2:7000: refused or dropped'
expect 'ping a1 -> bb1 (20.1.1.2): no answer'
expect 'ping bb1 -> a1 (20.1.1.1): answered'
expect 'tcp a1 -> bb1:8001: connected'
expect 'tcp a1 -> bb1:8000: refused or dropped'
expect 'packets from q2 carry tos 0x18'
expect 'clean'
