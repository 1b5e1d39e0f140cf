#!/bin/sh
# Runs the README's quick start (tools/quickstart.sh) and checks what it shows.
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top_srcdir/tools/quickstart.sh" > "$out" 2>&1

expect() {
	if ! grep -qF -- "$1" "$out"; then
		echo "FAIL: quickstart output lacks: $1"
		echo "----- output:"
		cat "$out"
		exit 1
	fi
	echo "ok: $1"
}
expect 'Creating network default:contiv-net'
expect 'blue     contiv-net   data     vxlan       0           10.1.2.0/24'
expect 'default  contiv-vlan  data     vlan        112         10.1.3.0/24'
expect '3     1         epgA                                                            tcp       8001  allow'
expect 'testProfile  BandwidthTenant  500Kbps    6         80'
expect '"containerName":"contiv-c4","homingHost":"host1","ipAddress":"20.1.1.4","macAddress":"02:02:14:01:01:04"'
expect 'allocated: 20.1.1.1-20.1.1.4, 20.1.1.254'
expect 'available: 20.1.1.5-20.1.1.253'
expect 'netctl: network "bad-net": subnet "10.1.2.0/33": prefix length must be 1..32'
expect 'netctl: netprofile "badProfile": DSCP 64: must be 0..63'
expect 'netctl: network "TestTenant:TestNet" is in use by endpoint group "TestTenant:epgA"'
expect '# done; netmaster stopped, state removed'
