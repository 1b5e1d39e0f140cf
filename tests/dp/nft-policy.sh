#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Kernel test of contiv_dp_apply_policy(): Contiv's policy tutorial on a
# bridge in private network namespaces, checked by traffic.
#
#   ext (192.168.77.2) --- up0 [ sw: bridge cvbx100 10.1.2.254/24 ] --- A (10.1.2.1, epgA)
#                                                                   \-- B (10.1.2.2, epgB)
#
# Needs root, ip, nft (to add a foreign table and to inspect), busybox
# (ping, nc, httpd), tcpdump and jq; skips (77) otherwise.
set -u

helper=${NFT_HELPER:-./tests/dp/nft-helper}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip nft busybox tcpdump jq; do
	command -v $t >/dev/null 2>&1 || skip "needs $t"
done
[ -x "$helper" ] || skip "helper $helper not built"

p=cvt$$
SW=${p}sw A=${p}a B=${p}b EXT=${p}x
tmp=$(mktemp -d)
pids=
cleanup() {
	# our servers, by their pids (ip netns exec execs them: $! is theirs)
	for pid in $pids; do kill "$pid" 2>/dev/null; done
	for ns in $SW $A $B $EXT; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
in_ns() { _ns=$1; shift; ip netns exec "$_ns" "$@"; }

for ns in $SW $A $B $EXT; do ip netns add "$ns" || skip "cannot create namespaces"; done
in_ns $SW ip link set lo up
in_ns $SW ip link add cvbx100 type bridge || skip "no bridge support"
in_ns $SW ip addr add 10.1.2.254/24 dev cvbx100
in_ns $SW ip link set cvbx100 up
in_ns $SW sysctl -qw net.bridge.bridge-nf-call-iptables=1 || skip "no br_netfilter"
in_ns $SW sysctl -qw net.ipv4.ip_forward=1
i=1
for ns in $A $B; do
	in_ns $SW ip link add h$i type veth peer name c$i
	in_ns $SW ip link set c$i netns "$ns"
	in_ns "$ns" ip link set c$i name eth0
	in_ns $SW ip link set h$i master cvbx100 up
	in_ns "$ns" ip link set lo up
	in_ns "$ns" ip addr add 10.1.2.$i/24 dev eth0
	in_ns "$ns" ip link set eth0 up
	in_ns "$ns" ip route add default via 10.1.2.254
	i=$((i + 1))
done
in_ns $SW ip link add up0 type veth peer name cx
in_ns $SW ip link set cx netns $EXT
in_ns $EXT ip link set cx name eth0
in_ns $SW ip addr add 192.168.77.1/24 dev up0
in_ns $SW ip link set up0 up
in_ns $EXT ip link set lo up
in_ns $EXT ip addr add 192.168.77.2/24 dev eth0
in_ns $EXT ip link set eth0 up
# let the bridge forward (learning, STP off by default)
sleep 1

ping_ok() { in_ns "$1" busybox ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
tcp_ok() { in_ns "$1" busybox nc -w 2 "$2" "$3" </dev/null >/dev/null 2>&1; }
listen() {	# ns port: a listener that answers every connection
	ip netns exec "$1" busybox nc -ll -p "$2" -e /bin/true >/dev/null 2>&1 &
	pids="$pids $!"
}
counter() {	# rule key -> packets
	in_ns $SW "$helper" counters | awk -v r="$1" '$1 == r { print $3 }'
}

# A foreign table that our apply must leave alone.
in_ns $SW nft add table inet other
in_ns $SW nft add chain inet other c
in_ns $SW nft add rule inet other c counter comment \"keep-me\"

# Before any policy: everything passes.
ping_ok $A 10.1.2.2 && ok "no policy: ping A->B" || fail "no policy: ping A->B"

# The tutorial: in icmp from epgA deny (1), in tcp deny (1), in tcp 8001 from epgA allow (3).
listen $B 8001
listen $B 8000
sleep 0.3
if ! out=$(in_ns $SW "$helper" apply icmp tcpdeny tcp8001 2>&1); then
	echo "$out"
	case $out in *"not supported"*|*"feature"*) skip "kernel lacks an nftables feature: $out" ;; esac
	fail "apply the tutorial policy"
	exit 1
fi
ok "apply the tutorial policy"
ping_ok $A 10.1.2.2 && fail "ping A->B must be dropped" || ok "ping A->B dropped"
ping_ok $B 10.1.2.1 && ok "ping B->A passes (replies too)" || fail "ping B->A must pass"
tcp_ok $A 10.1.2.2 8001 && ok "tcp A->B:8001 connects" || fail "tcp A->B:8001 must connect"
tcp_ok $A 10.1.2.2 8000 && fail "tcp A->B:8000 must not connect" || ok "tcp A->B:8000 blocked"
c1=$(counter T:policyAB:1)
ping_ok $A 10.1.2.2
c2=$(counter T:policyAB:1)
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c2" -gt "$c1" ] && ok "deny rule counter grows ($c1 -> $c2)" ||
	fail "deny rule counter must grow (${c1:-none} -> ${c2:-none})"
[ "$(counter T:policyAB:3)" -ge 1 ] 2>/dev/null && ok "allow 8001 counted" || fail "allow 8001 not counted"
in_ns $SW nft list table inet other | grep -q keep-me && ok "table inet other untouched" ||
	fail "table inet other changed"

# Re-apply without the 8001 allow: 8001 closes.
in_ns $SW "$helper" apply icmp tcpdeny || fail "re-apply"
tcp_ok $A 10.1.2.2 8001 && fail "tcp A->B:8001 must be closed after re-apply" ||
	ok "tcp A->B:8001 closed after re-apply"
in_ns $SW nft list table inet other | grep -q keep-me && ok "table inet other untouched after re-apply" ||
	fail "table inet other changed by re-apply"
[ "$(in_ns $SW nft list tables | grep -c 'inet contiv')" = 1 ] && ok "one table inet contiv" ||
	fail "table inet contiv duplicated or missing"

# Rules that match addresses, under a deny-all: with the group allow the
# compiler splits protocol and port first, with the address allow (any port)
# the addresses first, and the datapath's key follows (policy/cells.c).
in_ns $EXT ip route add 10.1.2.0/24 via 192.168.77.1 2>/dev/null
# judged WHAT RULE NS VERDICT: tcp NS->B:8000 connects (VERDICT allow) or not,
# and RULE's counter grows
judged() {
	_c1=$(counter "$2")
	if tcp_ok "$3" 10.1.2.2 8000; then _got=allow; else _got=deny; fi
	[ "$_got" = "$4" ] && ok "$1: tcp $3->B:8000 $4" || fail "$1: tcp $3->B:8000 must $4"
	_c2=$(counter "$2")
	[ -n "$_c1" ] && [ -n "$_c2" ] && [ "$_c2" -gt "$_c1" ] && ok "$1: by $2 ($_c1 -> $_c2)" ||
		fail "$1: $2 must count (${_c1:-none} -> ${_c2:-none})"
}
for variant in "" byaddr; do
	in_ns $SW "$helper" apply rules=3 $variant denyall || fail "apply rules=3 $variant denyall"
	judged "address rules ${variant:-bygroup}" T:policyAB:1001 $A allow
	judged "address rules ${variant:-bygroup}" T:policyAB:999 $EXT deny
done
in_ns $EXT ip route del 10.1.2.0/24 via 192.168.77.1 2>/dev/null
in_ns $SW "$helper" json rules=3 byaddr denyall | jq -e '.inCells | length > 0' >/dev/null &&
	[ "$(in_ns $SW nft list chain inet contiv forward | grep -c 'ip saddr . ip daddr . meta mark . meta mark . meta l4proto')" = 1 ] &&
	ok "address rules byaddr: the key has the addresses first" ||
	fail "address rules byaddr: the key must have the addresses first"

# DSCP 6 on A's packets (tos 0x18), seen in B.
in_ns $SW "$helper" apply dscp || fail "apply dscp"
in_ns $B timeout 5 tcpdump -l -n -v -c 1 -i eth0 'icmp and src 10.1.2.1' >"$tmp/dump" 2>/dev/null &
tpid=$!
sleep 1
# The marked packets must still arrive: a TOS rewrite that leaves a wrong
# header checksum is dropped by the receiver.
if ping_ok $A 10.1.2.2; then ok "marked packets delivered"; else fail "marked packets dropped"; fi
wait $tpid
grep -q "tos 0x18" "$tmp/dump" && ok "DSCP 6 marked (tos 0x18)" ||
	{ fail "DSCP 6 not seen"; cat "$tmp/dump"; }
grep -q "bad cksum" "$tmp/dump" && { fail "marked packet has a bad IPv4 header checksum"; cat "$tmp/dump"; }

# DNAT: 8080 on sw's addresses -> B:80 (from sw itself and from ext); SNAT B -> ext.
mkdir -p "$tmp/www" && echo contiv-dnat-ok >"$tmp/www/index.html"
ip netns exec $B busybox httpd -f -p 80 -h "$tmp/www" >/dev/null 2>&1 &
pids="$pids $!"
in_ns $SW "$helper" apply dnat || fail "apply dnat"
sleep 0.3
http_get() { printf 'GET / HTTP/1.0\r\n\r\n' | in_ns "$1" busybox nc -w 3 "$2" "$3" 2>/dev/null | tail -n 1; }
got=$(http_get $SW 192.168.77.1 8080)
[ "$got" = contiv-dnat-ok ] && ok "DNAT from sw's own address to B:80" || fail "DNAT from sw (got '$got')"
in_ns $EXT ip route add 10.1.2.0/24 via 192.168.77.1 2>/dev/null
got=$(http_get $EXT 192.168.77.1 8080)
[ "$got" = contiv-dnat-ok ] && ok "DNAT from outside to B:80" || fail "DNAT from outside (got '$got')"
in_ns $EXT ip route del 10.1.2.0/24 via 192.168.77.1 2>/dev/null
in_ns $EXT timeout 5 tcpdump -l -n -c 1 -i eth0 icmp >"$tmp/snat" 2>/dev/null &
tpid=$!
sleep 1
ping_ok $B 192.168.77.2 && ok "B reaches ext through SNAT" || fail "B cannot reach ext"
wait $tpid
grep -q "192.168.77.1 > 192.168.77.2" "$tmp/snat" && ok "SNAT: ext sees sw's address" ||
	{ fail "SNAT source not rewritten"; cat "$tmp/snat"; }

# Incremental updates: one dp handle applies a sequence of policies (the
# helper's session: one "apply FEATURES" line each, one answer line each).
# Traffic follows every update, the counter of an untouched rule keeps
# counting, a table replaced behind the handle's back is noticed.
mkfifo "$tmp/in"
ip netns exec $SW "$helper" session <"$tmp/in" >"$tmp/out" 2>"$tmp/err" &
spid=$!
pids="$pids $spid"
exec 3>"$tmp/in"
nsent=0
expect() {	# what features: apply, the answer must be "applied what"
	_w=$1
	shift
	echo "apply $*" >&3
	nsent=$((nsent + 1))
	_i=0
	# up to 60 s: the first answer waits for the helper to start (a libtool
	# wrapper, on a loaded machine) and is a bound, not a timing check
	while [ "$(wc -l <"$tmp/out")" -lt $nsent ] && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_got=$(sed -n "${nsent}p" "$tmp/out")
	[ "$_got" = "applied $_w" ] && ok "session: apply $* -> $_w" ||
		fail "session: apply $*: '$_got', expected 'applied $_w' ($(cat "$tmp/err"))"
}
expect full icmp tcpdeny tcp8001
ping_ok $A 10.1.2.2 && fail "session: ping A->B must be dropped" || ok "session: ping A->B dropped"
tcp_ok $A 10.1.2.2 8001 && ok "session: tcp A->B:8001 connects" || fail "session: tcp A->B:8001 must connect"
c1=$(counter T:policyAB:1)
expect incremental icmp tcpdeny
tcp_ok $A 10.1.2.2 8001 && fail "session: tcp A->B:8001 must be closed by the update" ||
	ok "session: tcp A->B:8001 closed by the update"
c2=$(counter T:policyAB:1)
[ -n "$c1" ] && [ -n "$c2" ] && [ "$c1" -ge 1 ] && [ "$c2" -ge "$c1" ] &&
	ok "session: the untouched rule's counter survives the update ($c1 -> $c2)" ||
	fail "session: the untouched rule's counter was reset (${c1:-none} -> ${c2:-none})"
ping_ok $A 10.1.2.2
c3=$(counter T:policyAB:1)
[ -n "$c3" ] && [ "$c3" -gt "$c2" ] && ok "session: and keeps counting ($c2 -> $c3)" ||
	fail "session: the counter must keep counting (${c2:-none} -> ${c3:-none})"
expect incremental icmp tcpdeny tcp8001
tcp_ok $A 10.1.2.2 8001 && ok "session: tcp A->B:8001 open again" || fail "session: tcp A->B:8001 must connect again"
tcp_ok $A 10.1.2.2 8000 && fail "session: tcp A->B:8000 must stay blocked" || ok "session: tcp A->B:8000 blocked"
expect incremental icmp tcp8001
tcp_ok $A 10.1.2.2 8000 && ok "session: tcp A->B:8000 open without the tcp deny" ||
	fail "session: tcp A->B:8000 must connect without the tcp deny"
expect unchanged icmp tcp8001
# the first DSCP value changes the table's structure (the dscp map and its rule)
expect full icmp tcp8001 dscp
expect full icmp tcp8001
# a chain the handle does not expect: the incremental batch fails as a
# whole, the same call replaces the table
chain2=$("$helper" json icmp tcpdeny | jq -r '.rules[] | select(.rule == "T:policyAB:2") | .chain')
in_ns $SW nft add chain inet contiv "$chain2" || fail "add a stray chain $chain2"
expect full icmp tcpdeny tcp8001
tcp_ok $A 10.1.2.2 8000 && fail "session: tcp A->B:8000 must be blocked after the fallback" ||
	ok "session: tcp A->B:8000 blocked after the fallback"
expect incremental icmp tcp8001
# another process replaces the table: the session's handle must notice
in_ns $SW "$helper" apply icmp tcpdeny || fail "apply from another process"
expect full icmp tcpdeny tcp8001
tcp_ok $A 10.1.2.2 8001 && ok "session: tcp A->B:8001 after the full replace" ||
	fail "session: tcp A->B:8001 must connect after the full replace"
exec 3>&-
wait $spid 2>/dev/null
# a full replace (a fresh handle) resets the counters: documented behaviour
ping_ok $A 10.1.2.2
c4=$(counter T:policyAB:1)
in_ns $SW "$helper" apply icmp tcpdeny tcp8001 || fail "re-apply from another process"
c5=$(counter T:policyAB:1)
[ "${c4:-0}" -ge 1 ] && [ "$c5" = 0 ] && ok "full replace resets the counters ($c4 -> $c5)" ||
	fail "full replace: counter ${c4:-none} -> ${c5:-none}, expected a reset to 0"

[ $fails = 0 ] || { echo "$fails failure(s)"; in_ns $SW nft list table inet contiv 2>&1 | head -60; exit 1; }
exit 0
