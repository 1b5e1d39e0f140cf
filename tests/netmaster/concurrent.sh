#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# 50 concurrent endpoint creations over HTTP (background curl processes)
# give 50 distinct addresses: against one netmaster on SQLite, and, when etcd
# is installed, against two netmasters on one etcd (half of the requests sent
# to the follower, which forwards them). Then /metrics: request counters and
# the latency histogram add up.
set -u
top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/etcd.sh"
. "$top_srcdir/tests/netmaster/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
N=50

nm_setup nm-conc
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# burst <label> <port>...: N creations at once, spread over the ports
burst() {
	local label=$1 i p pids=()
	shift
	local ports=("$@")
	st=$(nm_post "${ports[0]}" /api/v1/networks/default:conc/ '{"subnet":"10.60.0.0/24","gateway":"10.60.0.1","encap":"vxlan"}')
	[ "$st" = 200 ] || { fail "$label: network: $st $(cat "$tmp/out")"; return; }
	mkdir -p "$tmp/$label"
	for i in $(seq $N); do
		p=${ports[$((i % ${#ports[@]}))]}
		curl -s -o "$tmp/$label/$i" -w '%{http_code}\n' --max-time 30 -X POST \
			-H 'Content-Type: application/json' \
			--data-binary "{\"tenantName\":\"default\",\"networkName\":\"conc\",\"containerID\":\"c$i\"}" \
			"http://127.0.0.1:$p/api/v1/endpoints/conc-$i/" >"$tmp/$label/$i.status" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	local ok
	ok=$(grep -lx 200 "$tmp/$label"/*.status | wc -l)
	[ "$ok" -eq $N ] || fail "$label: $ok of $N creations answered 200: $(grep -vhx 200 "$tmp/$label"/*.status | sort | uniq -c)"
	local addrs
	addrs=$(cat "$tmp/$label"/[0-9]* | grep -o '"ipAddress":"[0-9.]*"' | sort -u | wc -l)
	[ "$addrs" -eq $N ] && echo "ok: $label: $N concurrent creations, $addrs distinct addresses" ||
		fail "$label: $addrs distinct addresses for $N endpoints"
	curl -s "http://127.0.0.1:${ports[0]}/api/v1/inspect/networks/default:conc/" >"$tmp/$label/inspect"
	grep -q "\"allocatedAddressesCount\":$((N + 1))\b" "$tmp/$label/inspect" ||
		fail "$label: allocated count is not $N + gateway: $(cat "$tmp/$label/inspect")"
}

# metric <port> <line prefix>: the value of the first matching sample
metric() {
	curl -s "http://127.0.0.1:$1/metrics" | grep -F "$2" | head -n 1 | awk '{print $NF}'
}

# --- SQLite
port=$(nm_free_port) || exit 99
nm_start sqlite "$port" "sqlite://$tmp/state.db" --log-level warning
nm_wait_up "$port" || { cat "$tmp/sqlite.log"; exit 1; }
burst sqlite "$port"

# --- /metrics of that netmaster
curl -s "http://127.0.0.1:$port/metrics" >"$tmp/metrics"
posts=$(grep -F 'contiv_netmaster_requests_total{method="POST",code="2xx"}' "$tmp/metrics" | awk '{print $2}')
[ "${posts:-0}" -ge $((N + 1)) ] && echo "ok: metrics: $posts POSTs 2xx" || fail "metrics: POST 2xx count ${posts:-none}"
wcount=$(grep -F 'contiv_netmaster_request_duration_seconds_count{kind="write"}' "$tmp/metrics" | awk '{print $2}')
winf=$(grep -F 'contiv_netmaster_request_duration_seconds_bucket{kind="write",le="+Inf"}' "$tmp/metrics" | awk '{print $2}')
wsum=$(grep -F 'contiv_netmaster_request_duration_seconds_sum{kind="write"}' "$tmp/metrics" | awk '{print $2}')
[ "${wcount:-0}" -ge $((N + 1)) ] && [ "$wcount" = "$winf" ] || fail "metrics: histogram count $wcount, +Inf bucket $winf"
awk -v s="${wsum:-0}" -v n="${wcount:-1}" 'BEGIN { exit !(s > 0 && s / n < 5) }' ||
	fail "metrics: latency sum $wsum for $wcount writes"
# buckets are cumulative: never decreasing
grep -F 'contiv_netmaster_request_duration_seconds_bucket{kind="write"' "$tmp/metrics" |
	awk '{ if ($2 < prev) bad = 1; prev = $2 } END { exit bad }' || fail "metrics: buckets not cumulative"
grep -q '^# TYPE contiv_netmaster_request_duration_seconds histogram$' "$tmp/metrics" || fail "metrics: no histogram TYPE"
grep -q '^contiv_objects{collection="endpoints"} 50$' "$tmp/metrics" || fail "metrics: object gauge"
grep -q '^contiv_network_allocated_addresses{network="default:conc"} 51$' "$tmp/metrics" || fail "metrics: allocation gauge"
grep -q '^contiv_netmaster_leader 1$' "$tmp/metrics" || fail "metrics: leader gauge"
gets=$(metric "$port" 'contiv_netmaster_requests_total{method="GET",code="2xx"}')
[ "${gets:-0}" -ge 3 ] && echo "ok: metrics: $gets GETs 2xx, $wcount writes observed" || fail "metrics: GET count $gets"
nm_stop_all

# --- etcd: two netmasters on one etcd, half of the requests via the follower
if ! etcd_available; then
	echo "SKIP part: $ETCD_BIN not installed (etcd burst)"
else
	started=
	for _ in $(seq 5); do
		cp=$(nm_free_port) && pp=$(nm_free_port) && [ "$cp" != "$pp" ] || continue
		etcd_start_single "$tmp/etcd" "$cp" "$pp" 2>>"$tmp/etcd.err" && { started=1; break; }
		etcd_stop
	done
	[ -n "$started" ] || { cat "$tmp/etcd.err"; echo "cannot start etcd"; exit 99; }
	p1=$(nm_free_port) && p2=$(nm_free_port) || exit 99
	nm_start e1 "$p1" "etcd://$ETCD_ENDPOINTS" --log-level warning
	nm_wait_up "$p1" || { cat "$tmp/e1.log"; exit 1; }
	nm_start e2 "$p2" "etcd://$ETCD_ENDPOINTS" --log-level warning
	nm_wait_up "$p2" || { cat "$tmp/e2.log"; exit 1; }
	burst etcd "$p1" "$p2"
	fw=$(metric "$p2" 'contiv_netmaster_forwarded_total{code="2xx"}')
	[ "${fw:-0}" -ge $((N / 2)) ] && echo "ok: $fw writes forwarded by the follower" || fail "forwarded count ${fw:-none}"
fi

[ $fails -eq 0 ] || { cat "$tmp"/*.log; echo "$fails failures"; exit 1; }
exit 0
