#!/bin/sh
# Runs tools/contiv-demo (the README's quick start) and checks what it prints:
# the tutorial's objects, the addresses it allocates, and the refusals.
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top_builddir/tools/contiv-demo" > "$out"

expect() {
	if ! grep -qF -- "$1" "$out"; then
		echo "FAIL: contiv-demo output lacks: $1"
		echo "----- output:"
		cat "$out"
		exit 1
	fi
	echo "ok: $1"
}
expect 'network    TestTenant:TestNet'
expect '"subnet":"20.1.1.0/24"'
expect 'rule       TestTenant:policyAB:3'
expect '"policies":["policyAB"]'
expect 'limits to 500000 bit/s'
expect 'TestNet    vni 1'
expect 'c1         group epgA  ip 20.1.1.1     mac 02:02:14:01:01:01'
expect 'c4         group epgB  ip 20.1.1.4     mac 02:02:14:01:01:04'
expect 'allocated: 20.1.1.1-20.1.1.4, 20.1.1.254'
expect 'available: 20.1.1.5-20.1.1.253'
expect 'refused: network "contiv-net": subnet "10.1.2.0/33": prefix length must be 1..32'
expect 'refused: netprofile "testProfile": DSCP 64: must be 0..63'
expect 'refused: netprofile "testProfile": bandwidth "0 Gbps"'
if grep -q UNEXPECTEDLY "$out"; then
	echo "FAIL: the demo accepted bad input"
	exit 1
fi
