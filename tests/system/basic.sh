#!/bin/bash
# Tutorial, first steps: one network across two hosts (VXLAN); containers on
# different hosts reach each other by IP (and by name where the network has a
# gateway, the built-in DNS's address); a container of another network does
# not reach them.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
cluster_up 2 || exit 1

netctl net create --subnet=10.1.2.0/24 contiv-net || fail "net create"
netctl net create --subnet=10.1.3.0/24 --gateway=10.1.3.254 other-net || fail "net create other-net"
container_add host1 c1 default contiv-net || fail "attach c1"
container_add host2 c2 default contiv-net || fail "attach c2"
container_add host1 c3 default other-net || fail "attach c3"
container_add host2 c4 default other-net || fail "attach c4"

expect_ping c1 "$(cip c2)"
expect_ping c2 "$(cip c1)"
expect_ping c3 "$(cip c4)"
cexec c1 busybox ping -c 3 -i 0.2 "$(cip c2)" | tail -2
expect_no_ping c3 "$(cip c1)"
expect_no_ping c3 "$(cip c2)"
expect_no_ping c1 "$(cip c3)"
# c5, local to c1, sees none of c1's unicast frames to c2 on host2
container_add host1 c5 default contiv-net || fail "attach c5"
expect_no_flood c1 c2 c5

# by name, through netplugin's built-in DNS (other-net has a gateway, the DNS address)
if container_use_dns c3 && cexec c3 busybox ping -c 3 -W 1 -w 3 c4 >/dev/null 2>&1; then
	ok "c3 pings c4 by name"
else
	fail "c3 cannot ping c4 by name"
fi

# detach: the remote host forgets the endpoint
container_del c2
expect_no_ping c1 10.1.2.2
if hexec host1 ip neigh show | grep -q '10.1.2.2 '; then
	fail "host1 still has a neighbour entry for the detached c2"
else
	ok "host1 forgot c2"
fi
cluster_finish
