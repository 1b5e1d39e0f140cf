#!/bin/bash
# Docker coexistence rules (libcontiv/dp/docker-compat.c) against the kernel,
# without a dockerd: Docker's chains are made with iptables-nft the way
# Docker makes them, in a network namespace of the test. Checks: nothing is
# created without Docker's chain; our two rules appear once, at the head,
# as iptables lists them (iptables -S without warnings, iptables -C finds
# them); a second run changes nothing; a duplicate and a stray rule with
# our tag are removed; other rules, chains and tables are untouched; the
# same for ip6 filter; a bridged ping through FORWARD DROP passes only with
# the rules.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
HELPER=$top_builddir/tests/dp/docker-compat-helper
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
for t in iptables ip6tables nft busybox; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
done
case "$(iptables -V)" in *nf_tables*) ;; *) echo "SKIP: iptables is not iptables-nft"; exit 77 ;; esac
[ -x "$HELPER" ] || { echo "SKIP: $HELPER not built"; exit 77; }

P=cvdc$$-
NS=${P}h
FAILED=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILED=1; }
# check DESCRIPTION CMD...: ok if CMD succeeds, FAIL (and status 1) otherwise
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else fail "$d"; return 1; fi
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local n
	for n in "$NS" "${P}a" "${P}b"; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
in_ns() { ip netns exec "$NS" "$@"; }
helper() { in_ns "$HELPER" "$@"; }

ip netns add "$NS"
ip -n "$NS" link set lo up

echo "# without Docker's chain nothing is made"
out=$(helper) || fail "helper without Docker: $out"
[ "${out%% *}" = 0 ] || fail "helper reported changes without Docker: $out"
if [ -z "$(in_ns nft list ruleset)" ]; then ok "no table created"; else fail "a table was created"; in_ns nft list ruleset; fi

echo "# Docker's chains, as dockerd makes them (iptables-nft)"
in_ns iptables -P FORWARD DROP
in_ns iptables -N DOCKER-USER
in_ns iptables -A DOCKER-USER -j RETURN
in_ns iptables -A FORWARD -j DOCKER-USER
in_ns iptables -A FORWARD -o docker0 -j ACCEPT
in_ns iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
in_ns nft add table inet other
in_ns nft add chain inet other c '{ type filter hook forward priority 5; policy accept; }'
in_ns nft add rule inet other c ip saddr 192.0.2.9 counter drop
in_ns nft add table ip filter2
RULE_IN='-A DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT'
RULE_OUT='-A DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT'
other_before=$(in_ns nft -s list table inet other; in_ns nft list table ip filter2; in_ns iptables -t nat -S; in_ns iptables -S FORWARD)

out=$(helper) || fail "helper: $out"
check "2 rules added" [ "${out%% *}" = 2 ] || echo "# expected 2 changes: $out"
err=$(in_ns iptables -S DOCKER-USER 2>&1 >/dev/null)
check "iptables -S lists the chain without a warning" [ -z "$err" ] || echo "# iptables -S: $err"
want=$(printf '%s\n' '-N DOCKER-USER' "$RULE_IN" "$RULE_OUT" '-A DOCKER-USER -j RETURN')
got=$(in_ns iptables -S DOCKER-USER 2>/dev/null)
check "DOCKER-USER: our two rules first, then Docker's RETURN" [ "$got" = "$want" ] || echo "# DOCKER-USER is: $got"
if in_ns iptables -C DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT &&
	in_ns iptables -C DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT; then
	ok "iptables -C finds both (same encoding as iptables-nft)"
else
	fail "iptables -C does not find our rules"
fi
if in_ns ip6tables -S DOCKER-USER >/dev/null 2>&1; then fail "an ip6 DOCKER-USER appeared"; else ok "ip6: nothing without Docker's ip6 chain"; fi

out=$(helper 3) || fail "helper again: $out"
check "a second run changes nothing" [ "${out%% *}" = 0 ] || echo "# second run: $out"
[ "$(in_ns iptables -S DOCKER-USER)" = "$want" ] || fail "second run changed the chain"

echo "# a duplicate and a stray rule with our tag; a foreign rule"
in_ns iptables -A DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT
in_ns iptables -I DOCKER-USER 2 -i eth9 -m comment --comment contiv-netplugin -j DROP
in_ns iptables -A DOCKER-USER -i eth7 -m comment --comment thirdparty -j DROP
in_ns iptables -I DOCKER-USER -s 192.0.2.1 -j DROP
out=$(helper) || fail "helper: $out"
check "2 rules removed" [ "${out%% *}" = 2 ] || echo "# expected 2 changes: $out"
want2=$(printf '%s\n' '-N DOCKER-USER' '-A DOCKER-USER -s 192.0.2.1/32 -j DROP' "$RULE_IN" "$RULE_OUT" \
	'-A DOCKER-USER -j RETURN' '-A DOCKER-USER -i eth7 -m comment --comment thirdparty -j DROP')
got=$(in_ns iptables -S DOCKER-USER)
check "duplicate and stray gone, other rules kept in order" [ "$got" = "$want2" ] || echo "# DOCKER-USER is: $got"

echo "# one rule deleted by hand"
in_ns iptables -D DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT
out=$(helper) || fail "helper: $out"
check "1 rule added back" [ "${out%% *}" = 1 ] || echo "# expected 1 change: $out"
[ "$(in_ns iptables -S DOCKER-USER | grep -cxF -- "$RULE_IN")" = 1 ] || fail "the -i rule is not back once"

echo "# ip6 filter"
in_ns ip6tables -N DOCKER-USER
in_ns ip6tables -A DOCKER-USER -j RETURN
out=$(helper) || fail "helper: $out"
check "ip6: 2 rules added" [ "${out%% *}" = 2 ] || echo "# ip6: $out"
want6=$(printf '%s\n' '-N DOCKER-USER' "$RULE_IN" "$RULE_OUT" '-A DOCKER-USER -j RETURN')
check "ip6tables -S shows them" [ "$(in_ns ip6tables -S DOCKER-USER 2>&1)" = "$want6" ] || echo "# ip6: $(in_ns ip6tables -S DOCKER-USER 2>&1)"

other_after=$(in_ns nft -s list table inet other; in_ns nft list table ip filter2; in_ns iptables -t nat -S; in_ns iptables -S FORWARD)
check "other tables and chains untouched" [ "$other_before" = "$other_after" ] || echo "# something else changed"

echo "# bridged traffic through FORWARD DROP (br_netfilter)"
in_ns sysctl -qw net.bridge.bridge-nf-call-iptables=1
in_ns ip link add cvbx42 type bridge
in_ns ip link set cvbx42 up
for c in a b; do
	ip netns add "$P$c"
	in_ns ip link add "v$c" type veth peer name eth0 netns "$P$c"
	in_ns ip link set "v$c" master cvbx42 up
	ip -n "$P$c" link set eth0 up
	ip -n "$P$c" link set lo up
done
ip -n "${P}a" addr add 10.9.9.1/24 dev eth0
ip -n "${P}b" addr add 10.9.9.2/24 dev eth0
# shellcheck disable=SC2317 # called through check
ping_ab() { ip netns exec "${P}a" busybox ping -c 2 -W 1 -w 3 10.9.9.2 >/dev/null 2>&1; }
check "a reaches b across cvbx42 with our rules" ping_ab || echo "# a cannot reach b with our rules"
in_ns iptables -D DOCKER-USER -i cvb+ -m comment --comment contiv-netplugin -j ACCEPT
in_ns iptables -D DOCKER-USER -o cvb+ -m comment --comment contiv-netplugin -j ACCEPT
check "without the rules the bridged ping is dropped" eval "! ping_ab"
helper >/dev/null
check "restored: a reaches b again" ping_ab || echo "# a cannot reach b after the restore"
echo "# $(helper 200 | tail -n 1) (nothing to do, ip and ip6)"

[ "$FAILED" = 0 ] && echo "# all checks passed"
exit "$FAILED"
