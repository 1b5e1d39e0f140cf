#!/bin/bash
# VLAN networks (tutorial: net create -p 112 -e vlan): need 802.1Q devices.
set -u
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
ns=cvvlan$$
ip netns add $ns
if ! ip -n $ns link add link lo name lo.112 type vlan id 112 2>/dev/null; then
	ip netns del $ns
	echo "SKIP: this kernel lacks 802.1Q VLAN devices (8021q); run VLAN tests in the kernel lab (shared/kernel-lab/)"
	exit 77
fi
ip netns del $ns
echo "SKIP: VLAN system test not written yet"
exit 77
