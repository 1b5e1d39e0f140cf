#!/bin/bash
# netplugin killed (kill -9) and restarted during a ping: no loss. Changes
# made while it was down (an endpoint deleted from netmaster, a policy rule
# added) are applied when it comes back.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
cluster_up 2 || exit 1

netctl net create --subnet=10.1.2.0/24 contiv-net || fail "net create"
netctl policy create p1 || fail "policy create"
netctl group create -p p1 contiv-net g1 || fail "group create g1"
netctl group create contiv-net g2 || fail "group create g2"
container_add host1 c1 default contiv-net g1 || fail "attach c1"
container_add host2 c2 default contiv-net g2 || fail "attach c2"
container_add host1 c3 default contiv-net || fail "attach c3"
c3if=$(jq -r .hostIfname "$CL_DIR/c-c3.json")

out=$CL_DIR/ping.txt
cexec c2 busybox ping -c 40 -i 0.1 "$(cip c1)" >"$out" 2>&1 &
pp=$!
sleep 1
netplugin_stop 1 KILL
netplugin_start 1 || fail "restart"
wait $pp
tail -2 "$out"
if grep -q ' 0% packet loss' "$out"; then ok "no loss across kill -9 and restart"; else fail "loss: $(grep loss "$out")"; fi
expect_ping c1 "$(cip c2)"

# changes while down
netplugin_stop 1 KILL
ip netns exec "$CL_FABRIC" curl -sS -X DELETE "$CL_URL/api/v1/endpoints/c3/" >/dev/null || fail "delete c3"
netctl policy rule-add -d in --protocol icmp --from-group g2 --action deny p1 1 || fail "rule-add"
expect_ping c2 "$(cip c1)"	# still the old policy on host1 while its agent is down
hexec host1 ip link show "$c3if" >/dev/null 2>&1 && ok "c3's veth $c3if still there while down" ||
	fail "c3's veth gone while down"
netplugin_start 1 || fail "restart"
sleep 1.5
if hexec host1 ip link show "$c3if" >/dev/null 2>&1; then fail "c3's veth $c3if left after restart"; else ok "c3 (deleted while down) removed"; fi
expect_no_ping c2 "$(cip c1)"
expect_ping c1 "$(cip c2)"
cluster_finish
