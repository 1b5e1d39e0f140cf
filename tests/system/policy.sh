#!/bin/bash
# Tutorial, policy chapters 1 and 2: TestTenant, TestNet, epgA and epgB with
# policyAB. ICMP from epgA denied into epgB; then TCP 8001 allowed (priority
# 10) over a low-priority TCP deny; deleting the allow rule closes 8001.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
cluster_up 2 || exit 1

netctl tenant create TestTenant || fail "tenant create"
netctl network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet || fail "network create"
netctl policy create -t TestTenant policyAB || fail "policy create"
netctl group create -t TestTenant TestNet epgA || fail "group create epgA"
netctl group create -t TestTenant -p policyAB TestNet epgB || fail "group create epgB"
container_add host1 a1 TestTenant TestNet epgA || fail "attach a1"
container_add host2 b1 TestTenant TestNet epgB || fail "attach b1"
container_add host1 b2 TestTenant TestNet epgB || fail "attach b2"
A=$(cip a1) B=$(cip b1)

echo "# chapter 1"
expect_ping a1 "$B"
expect_ping b1 "$A"
netctl policy rule-add -t TestTenant -d in --protocol icmp --from-group epgA --action deny policyAB 1 ||
	fail "rule-add 1"
wait_for bash -c "! ip netns exec $(contns a1) busybox ping -c1 -W1 $B >/dev/null 2>&1"
expect_no_ping a1 "$B"
expect_no_ping a1 "$(cip b2)"
expect_ping b1 "$A"
expect_ping b2 "$(cip b1)"

echo "# chapter 2"
tcp_listen b1 8000
tcp_listen b1 8001
netctl policy rule-add -t TestTenant -d in --protocol tcp --from-group epgA --action deny policyAB 2 ||
	fail "rule-add 2"
netctl policy rule-add -t TestTenant -d in --protocol tcp --port 8001 --from-group epgA --action allow -p 10 policyAB 3 ||
	fail "rule-add 3"
netctl policy rule-ls -t TestTenant policyAB
sleep 1.5
if can_connect a1 "$B" 8001; then ok "a1 connects to b1:8001"; else fail "a1 cannot connect to b1:8001"; fi
if can_connect a1 "$B" 8000; then fail "a1 connects to b1:8000"; else ok "a1 cannot connect to b1:8000"; fi
if can_connect b2 "$B" 8000; then ok "b2 (epgB) connects to b1:8000"; else fail "b2 cannot connect to b1:8000"; fi
netctl policy rule-rm -t TestTenant policyAB 3 || fail "rule-rm 3"
sleep 1.5
if can_connect a1 "$B" 8001; then fail "a1 still connects to b1:8001"; else ok "8001 closed after rule-rm"; fi
cluster_finish
