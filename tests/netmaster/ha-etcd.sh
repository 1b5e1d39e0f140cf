#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# netmaster HA over etcd: a 3-member etcd cluster and 3 netmasters on
# 127.0.0.1 (lease 3 s). Exactly one leads; a write sent to a follower is
# forwarded and seen by all; kill -9 of the leader netmaster: another leads
# within 15 s and writes to the survivors succeed; kill -9 of an etcd member:
# writes still succeed. Everything started is stopped by the trap.
set -u
top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/etcd.sh"
. "$top_srcdir/tests/netmaster/lib.sh"

if ! etcd_available; then
	echo "SKIP: $ETCD_BIN (Debian package etcd-server) or curl not installed"
	exit 77
fi
nm_setup nm-ha

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
now_ms() { date +%s%3N; }

# a cluster on 6 free consecutive ports
started=
for _ in $(seq 5); do
	base=$((24100 + RANDOM % 7000))
	if etcd_start_cluster "$tmp/etcd" "$base" 2>"$tmp/etcd-start.err"; then
		started=1
		break
	fi
	etcd_stop
done
[ -n "$started" ] || { cat "$tmp/etcd-start.err"; echo "cannot start an etcd cluster"; exit 99; }
echo "== etcd cluster $ETCD_ENDPOINTS (pids $ETCD_PIDS)"
store="etcd://$ETCD_ENDPOINTS"

declare -A PORT=()
for n in a b c; do
	PORT[$n]=$(nm_free_port) || exit 99
	nm_start "$n" "${PORT[$n]}" "$store" --lease-ttl 3 --log-level info
done
for n in a b c; do
	nm_wait_up "${PORT[$n]}" || { cat "$tmp/$n.log"; echo "netmaster $n did not start"; exit 1; }
done

# leader_of <names...>: prints the one leader's name once all agree on it (≤ 15 s)
leader_of() {
	local deadline=$(($(now_ms) + 15000)) n state url leaders followers lurl
	while [ "$(now_ms)" -lt "$deadline" ]; do
		leaders=() followers=0 lurl=
		for n in "$@"; do
			read -r state url < <(nm_state "${PORT[$n]}")
			case $state in
			leader) leaders+=("$n") ;;
			follower) followers=$((followers + 1)); lurl=${lurl:-$url}
				[ "$url" = "$lurl" ] || followers=-100 ;;
			esac
		done
		if [ ${#leaders[@]} -eq 1 ] && [ $followers -eq $(($# - 1)) ] &&
		   { [ -z "$lurl" ] || [ "$lurl" = "http://127.0.0.1:${PORT[${leaders[0]}]}" ]; }; then
			echo "${leaders[0]}"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

leader=$(leader_of a b c) || { fail "no single leader among a b c"; leader=; }
[ -n "$leader" ] || { for n in a b c; do nm_state "${PORT[$n]}"; cat "$tmp/$n.log"; done; exit 1; }
echo "ok: exactly one leader: $leader (${PORT[$leader]})"
followers=()
for n in a b c; do [ "$n" = "$leader" ] || followers+=("$n"); done
f=${followers[0]}

# a write sent to a follower is forwarded and visible from all
st=$(nm_post "${PORT[$f]}" /api/v1/networks/default:ha1/ '{"subnet":"10.77.1.0/24","gateway":"10.77.1.1","encap":"vxlan"}')
[ "$st" = 200 ] && echo "ok: write to follower $f -> 200" || fail "write to follower $f -> $st: $(cat "$tmp/out")"
for n in a b c; do
	st=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[$n]}/api/v1/networks/default:ha1/")
	[ "$st" = 200 ] || fail "network not visible from $n ($st)"
done
curl -s "http://127.0.0.1:${PORT[$f]}/metrics" | grep -q '^contiv_netmaster_forwarded_total{code="2xx"} [1-9]' &&
	echo "ok: follower counted the forwarded write" || fail "follower metrics: no forwarded write"
grep -q "following http://127.0.0.1:${PORT[$leader]}" "$tmp/$f.log" || fail "follower $f did not log whom it follows"
grep -q "became leader" "$tmp/$leader.log" || fail "leader did not log it"
# loop protection: a forwarded request reaching a follower is not forwarded again
st=$(curl -s -o "$tmp/out" -w '%{http_code}' -X POST -H 'X-Contiv-Forwarded: 1' \
	--data-binary '{"tenantName":"loop"}' "http://127.0.0.1:${PORT[$f]}/api/v1/tenants/loop/")
[ "$st" = 503 ] && echo "ok: forwarded request at a follower -> 503" || fail "loop protection: $st"

# kill -9 the leader netmaster: another leads within 15 s (lease 3 s)
t0=$(now_ms)
nm_kill9 "$leader"
new=$(leader_of "${followers[@]}") || { fail "no new leader within 15 s"; new=; }
if [ -n "$new" ]; then
	echo "ok: $new leads $(( $(now_ms) - t0 )) ms after the leader was killed"
fi
# writes to both survivors succeed (the follower's view may lag a campaign)
i=0
for n in "${followers[@]}"; do
	i=$((i + 1))
	ok=
	for _ in $(seq 50); do
		st=$(nm_post "${PORT[$n]}" "/api/v1/endpoints/ha-ep$i/" '{"tenantName":"default","networkName":"ha1"}')
		[ "$st" = 200 ] && { ok=1; break; }
		sleep 0.1
	done
	[ -n "$ok" ] && echo "ok: write to survivor $n after failover" || fail "write to survivor $n: $st $(cat "$tmp/out")"
done

# kill -9 one etcd member (the first, which the netmasters talk to first):
# writes still succeed
first_etcd=${ETCD_PIDS%%,*}
kill -9 "$first_etcd"
wait "$first_etcd" 2>/dev/null
t0=$(now_ms)
for n in "${followers[@]}"; do
	for k in 1 2 3 4 5; do
		ok=
		for _ in $(seq 100); do
			st=$(nm_post "${PORT[$n]}" "/api/v1/endpoints/ha-$n-$k/" '{"tenantName":"default","networkName":"ha1"}')
			[ "$st" = 200 ] && { ok=1; break; }
			sleep 0.1
		done
		[ -n "$ok" ] || fail "write to $n with an etcd member down: $st $(cat "$tmp/out")"
	done
done
echo "ok: 10 writes with an etcd member killed ($(( $(now_ms) - t0 )) ms)"
# all endpoints visible, distinct addresses
for n in "${followers[@]}"; do
	curl -s "http://127.0.0.1:${PORT[$n]}/api/v1/endpoints/" >"$tmp/eps.$n"
done
addrs=$(grep -o '"ipAddress":"[0-9.]*"' "$tmp/eps.${followers[0]}" | sort)
[ "$(wc -l <<<"$addrs")" -eq 12 ] || fail "expected 12 endpoints, got: $addrs"
[ "$(uniq <<<"$addrs" | wc -l)" -eq 12 ] || fail "duplicate addresses: $addrs"
cmp -s "$tmp/eps.${followers[0]}" "$tmp/eps.${followers[1]}" || fail "survivors disagree on the endpoints"
# the leader still leads with an etcd member down
leader_of "${followers[@]}" >/dev/null || fail "leadership lost with one etcd member down"

if [ $fails -ne 0 ]; then
	for n in a b c; do echo "--- $n"; cat "$tmp/$n.log"; done
	echo "$fails failures"
	exit 1
fi
exit 0
