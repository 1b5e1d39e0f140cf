#!/bin/bash
# Tutorial: tenant "blue" with the same network name and subnet as tenant
# default. Its containers reach each other and nothing of tenant default,
# although the addresses are identical.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
cluster_up 2 || exit 1

netctl net create --subnet=10.1.2.0/24 contiv-net || fail "net create"
netctl tenant create blue || fail "tenant create"
netctl net create -t blue --subnet=10.1.2.0/24 contiv-net || fail "net create blue"
container_add host1 d1 default contiv-net || fail "attach d1"
container_add host2 d2 default contiv-net || fail "attach d2"
container_add host1 b1 blue contiv-net || fail "attach b1"
container_add host2 b2 blue contiv-net || fail "attach b2"
[ "$(cip d1)" = "$(cip b1)" ] && [ "$(cip d2)" = "$(cip b2)" ] &&
	ok "identical addresses: $(cip b1), $(cip b2)" || fail "addresses differ"

expect_ping b1 "$(cip b2)"
expect_ping d1 "$(cip d2)"
# who answers 10.1.2.2? a listener only in d2 (port 7000), one only in b2 (7001)
tcp_listen d2 7000
tcp_listen b2 7001
if can_connect b1 "$(cip b2)" 7001; then ok "b1 reaches b2:7001"; else fail "b1 cannot reach b2:7001"; fi
if can_connect b1 "$(cip d2)" 7000; then fail "b1 reached d2's listener (tenant default)"; else ok "b1 does not reach d2:7000"; fi
if can_connect d1 "$(cip d2)" 7001; then fail "d1 reached b2's listener (tenant blue)"; else ok "d1 does not reach b2:7001"; fi
if can_connect d1 "$(cip d2)" 7000; then ok "d1 reaches d2:7000"; else fail "d1 cannot reach d2:7000"; fi
cluster_finish
