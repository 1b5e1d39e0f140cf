#!/bin/bash
# contiv-docker-plugin restarted (kill -9) while containers run: they keep
# working, new containers start afterwards on the networks Docker learnt
# before the restart (Docker re-sends neither Plugin.Activate nor
# RequestPool), and removing the old containers releases their addresses in
# netmaster. netplugin restarted the same way: the containers' endpoints
# (their container side is in Docker's sandbox) are kept as they are.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/docker/lib.sh"
dp_up 2

netctl tenant create TestTenant || fail "tenant create"
netctl network create --tenant TestTenant --subnet=20.1.1.0/24 --gateway=20.1.1.254 TestNet || fail "network create"
netctl group create -t TestTenant TestNet epgA || fail "group create epgA"
wait_dnet epgA/TestTenant host1 host2
dk host1 run -itd --name=old1 --net=epgA/TestTenant alpine /bin/sh >/dev/null || fail "docker run old1"
dk host2 run -itd --name=old2 --net=epgA/TestTenant alpine /bin/sh >/dev/null || fail "docker run old2"
O1=$(dip host1 old1) O2=$(dip host2 old2)
base=$(allocated TestTenant:TestNet)

echo "# plugins killed (-9) and restarted"
plugin_stop host1 KILL
plugin_stop host2 KILL
if dping host2 old2 "$O1"; then ok "old2 pings old1 while the plugins are down"; else fail "old2 cannot ping old1 (plugins down)"; fi
plugin_start host1 || fail "plugin restart host1"
plugin_start host2 || fail "plugin restart host2"
if dping host1 old1 "$O2"; then ok "old1 pings old2 after the restart"; else fail "old1 cannot ping old2 after the restart"; fi
dk host1 run -itd --name=new1 --net=epgA/TestTenant alpine /bin/sh >/dev/null && ok "new container after the restart" ||
	fail "docker run new1 after the plugin restart"
N1=$(dip host1 new1)
if dping host2 old2 "$N1"; then ok "old2 pings new1 ($N1)"; else fail "old2 cannot ping new1"; fi
dk host1 rm -f old1 >/dev/null || fail "docker rm old1"
dk host2 rm -f old2 >/dev/null || fail "docker rm old2"
a=$(allocated TestTenant:TestNet)
[ "$a" = $((base - 1)) ] && ok "old1 and old2 released: $a allocated (gateway + new1)" ||
	fail "$a addresses allocated after removing old1 and old2 (was $base with both, + new1)"
[ "$(master_endpoints)" = 1 ] && ok "one endpoint left in netmaster (new1)" || fail "$(master_endpoints) endpoints in netmaster"

echo "# netplugin killed (-9) and restarted with a Docker container running"
dk host2 run -itd --name=new2 --net=epgA/TestTenant alpine /bin/sh >/dev/null || fail "docker run new2"
N2=$(dip host2 new2)
netplugin_stop 1 KILL
netplugin_start 1 || fail "netplugin restart"
sleep 2
if dping host2 new2 "$N1"; then ok "new2 pings new1 after host1's netplugin restarted"; else fail "new2 cannot ping new1 after the netplugin restart"; fi
if dping host1 new1 "$N2"; then ok "new1 pings new2"; else fail "new1 cannot ping new2"; fi
dk host1 exec new1 ip link show eth0 >/dev/null 2>&1 && ok "new1 keeps its eth0" || fail "new1 lost its eth0"
dk host1 run -itd --name=new3 --net=epgA/TestTenant alpine /bin/sh >/dev/null && ok "docker run after the netplugin restart" ||
	fail "docker run new3 after the netplugin restart"
dk host1 rm -f new1 new3 >/dev/null
dk host2 rm -f new2 >/dev/null
[ "$(allocated TestTenant:TestNet)" = 1 ] && ok "only the gateway allocated at the end" ||
	fail "$(allocated TestTenant:TestNet) addresses allocated at the end"
cluster_finish
