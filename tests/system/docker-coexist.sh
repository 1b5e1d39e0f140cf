#!/bin/bash
# Docker on the same hosts (issue 4). A real dockerd in each simulated
# host's namespace sets iptables FORWARD policy DROP with br_netfilter on,
# which drops the traffic bridged between our endpoints; netplugin keeps
# two accept rules for our bridges (cvb*) in Docker's DOCKER-USER chain.
# Checks: cross-host and same-host pings through our bridges with Docker
# running, our ICMP-deny policy still drops, Docker's own containers on
# docker0 still work, `iptables -S DOCKER-USER` shows our two rules once
# (also after netplugin restarts), a dockerd started after netplugin and the
# containers is handled within seconds, a third party's nftables table and
# rule are untouched; negative control: without the rules the pings fail.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/docker.sh"
docker_require
for t in iptables nft; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "SKIP: $t is not installed (used to observe the rules)"
		exit 77
	}
done
cluster_up 2 || exit 1

RULE_IN='-A DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT'
RULE_OUT='-A DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT'

# our_rules HOST: "<count of -i rule> <count of -o rule>" as iptables lists
# them; fails if iptables printed anything on stderr (e.g. a rule it cannot
# represent).
our_rules() {
	local out err
	err=$(mktemp)
	out=$(hexec "$1" iptables -S DOCKER-USER 2>"$err")
	if [ -s "$err" ]; then
		cl_log "iptables -S DOCKER-USER on $1 complained: $(cat "$err")"
		rm -f "$err"
		return 1
	fi
	rm -f "$err"
	echo "$(grep -cxF -- "$RULE_IN" <<<"$out") $(grep -cxF -- "$RULE_OUT" <<<"$out")"
}
rules_once() { [ "$(our_rules "$1")" = "1 1" ]; }

# wait_long CMD...: up to 15 s (the agent looks once a second; noisy machine).
wait_long() { wait_for "$@" || wait_for "$@" || wait_for "$@"; }

# A third party's nftables table on host1, with rules and a set.
hexec host1 nft -f - <<'EOF' || fail "third-party table"
table inet thirdparty {
	set blocked { type ipv4_addr; elements = { 192.0.2.1, 192.0.2.2 } }
	chain tp_forward {
		type filter hook forward priority 10; policy accept;
		ip daddr @blocked counter drop comment "third party"
		tcp dport 9 counter reject
	}
}
EOF
third_before=$(hexec host1 nft -s list table inet thirdparty)

# Docker on host1 before the containers; on host2 only after them.
# Docker sets the FORWARD policy to DROP only when it turns ip_forward on
# itself; netplugin turned it on at its start, so it is set back to 0 first:
# the case of a Docker engine that was there before netplugin.
hexec host1 sysctl -qw net.ipv4.ip_forward=0
docker_up host1 || fail "dockerd on host1"
if hexec host1 iptables -S FORWARD | grep -qx -- '-P FORWARD DROP'; then
	ok "Docker set FORWARD policy DROP on host1"
else
	fail "no FORWARD DROP on host1: the test proves nothing"
fi
if wait_long rules_once host1; then
	ok "host1: DOCKER-USER has our two rules once"
else
	fail "host1: our rules in DOCKER-USER: $(our_rules host1)"
fi
if hexec host1 iptables -C DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT &&
	hexec host1 iptables -C DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT; then
	ok "iptables -C finds both rules (encoded as iptables-nft encodes them)"
else
	fail "iptables -C does not find our rules"
fi

netctl tenant create T || fail "tenant create"
netctl network create --tenant T --subnet=20.1.1.0/24 --gateway=20.1.1.254 N || fail "network create"
netctl policy create -t T noicmp || fail "policy create"
netctl group create -t T N epgA || fail "group create epgA"
netctl group create -t T -p noicmp N epgB || fail "group create epgB"
netctl policy rule-add -t T -d in --protocol icmp --from-group epgA --action deny noicmp 1 ||
	fail "rule-add"
container_add host1 a1 T N epgA || fail "attach a1"
container_add host1 a3 T N epgA || fail "attach a3"
container_add host2 a2 T N epgA || fail "attach a2"
container_add host2 b1 T N epgB || fail "attach b1"
A2=$(cip a2) A3=$(cip a3) B1=$(cip b1)

echo "# Docker on host1 only"
expect_ping a1 "$A3"
expect_ping a1 "$A2"
expect_ping a2 "$(cip a1)"

echo "# dockerd started on host2 after netplugin and the containers"
hexec host2 sysctl -qw net.ipv4.ip_forward=0
docker_up host2 || fail "dockerd on host2"
if hexec host2 iptables -S FORWARD | grep -qx -- '-P FORWARD DROP'; then
	ok "Docker set FORWARD policy DROP on host2"
else
	fail "no FORWARD DROP on host2"
fi
if wait_long rules_once host2; then ok "host2: our two rules appeared"; else fail "host2: $(our_rules host2)"; fi
if wait_long can_ping a1 "$A2"; then ok "a1 reaches a2 again"; else fail "a1 cannot reach a2 with Docker on host2"; fi
expect_ping a2 "$(cip a1)"
expect_no_ping a1 "$B1"

echo "# Docker's own containers"
for h in host1 host2; do
	dk "$h" run -d --name d1 alpine sleep 600 >/dev/null || fail "docker run d1 on $h"
	d1=$(dk "$h" inspect -f '{{.NetworkSettings.IPAddress}}' d1)
	if dk "$h" run --rm alpine ping -c1 -W2 "$d1" >/dev/null; then
		ok "$h: a Docker container reaches another on docker0 ($d1)"
	else
		fail "$h: Docker containers on docker0 cannot talk"
	fi
	dk "$h" rm -f d1 >/dev/null
done

echo "# negative control: without our rules the bridged traffic is dropped"
hexec host1 iptables -I DOCKER-USER -i eth7 -m comment --comment thirdparty -j DROP
netplugin_stop 1
hexec host1 iptables -D DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT
hexec host1 iptables -D DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT
if [ "$(our_rules host1)" = "0 0" ]; then ok "rules deleted by hand"; else fail "rules not deleted: $(our_rules host1)"; fi
expect_no_ping a1 "$A3"
expect_no_ping a1 "$A2"
netplugin_start 1 || fail "netplugin restart"
if wait_long rules_once host1; then ok "netplugin restored the rules"; else fail "not restored: $(our_rules host1)"; fi
if wait_long can_ping a1 "$A3"; then ok "a1 reaches a3 again"; else fail "a1 cannot reach a3 after the restore"; fi
expect_ping a1 "$A2"

echo "# idempotent: a netplugin restart with the rules in place adds nothing"
netplugin_stop 1
netplugin_start 1 || fail "netplugin restart"
sleep 2.5
if rules_once host1; then ok "still exactly one of each"; else fail "after restart: $(our_rules host1)"; fi
if hexec host1 iptables -S DOCKER-USER | grep -qxF -- '-A DOCKER-USER -i eth7 -m comment --comment thirdparty -j DROP' &&
	hexec host1 iptables -S DOCKER-USER | grep -qxF -- '-A DOCKER-USER -j RETURN'; then
	ok "other DOCKER-USER rules untouched"
else
	fail "DOCKER-USER lost a rule that is not ours"
fi
expect_no_ping a1 "$B1"
expect_ping a1 "$A2"

if [ -n "$third_before" ] && [ "$(hexec host1 nft -s list table inet thirdparty)" = "$third_before" ]; then
	ok "the third party's nftables table is unchanged"
else
	fail "the third party's table changed"
	hexec host1 nft -s list table inet thirdparty
fi
cluster_finish
