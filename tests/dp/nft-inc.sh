#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Incremental updates of the "inet contiv" table (libcontiv/dp/nft-inc.c):
# after random sequences of changes applied one by one with one dp handle
# (rules, groups, members, DSCP, port mappings, now and then a change of
# the table's structure), the kernel's table must equal the one a fresh
# full apply of the final configuration builds. Compared as
# `nft -j list table inet contiv` without handles and counter values, with
# objects and set elements sorted (listing order is creation order).
# Runs in a private network namespace; no traffic (nft-policy.sh checks
# traffic and counters across incremental updates).
set -u

helper=${NFT_HELPER:-./tests/dp/nft-helper}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip nft jq; do
	command -v $t >/dev/null 2>&1 || skip "needs $t"
done
[ -x "$helper" ] || skip "helper $helper not built"

NS=cvi$$
tmp=$(mktemp -d)
cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ip netns add "$NS" || skip "cannot create a namespace"

fails=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }

# the table as JSON, normalised: no handles, no counter values, sorted
dump() {
	ip netns exec "$NS" nft -j list table inet contiv | jq -S '
		[.nftables[] | select(has("metainfo") | not)]
		| walk(if type == "object" then del(.handle)
			| (if has("counter") and (.counter | type) == "object" then .counter = {} else . end)
			| (if has("elem") then .elem |= sort_by(tojson) else . end)
		       else . end)
		| sort_by(tojson)'
}

incr=0
# every prefix of two sequences: a wrong step is seen before a later
# full replace (a change of structure) hides it
for seed in 1 2; do
	for steps in $(seq 2 40); do
		if ! ip netns exec "$NS" "$helper" random $seed $steps >"$tmp/log" 2>&1; then
			cat "$tmp/log"
			case $(cat "$tmp/log") in *"not supported"*|*feature*) skip "kernel lacks an nftables feature" ;; esac
			fail "seed $seed, $steps steps: applying"
			continue
		fi
		n=$(awk '/^full/ { print $4 }' "$tmp/log")
		incr=$((incr + ${n:-0}))
		dump >"$tmp/inc.json" || { fail "seed $seed: listing the table"; continue; }
		ip netns exec "$NS" "$helper" random $seed $steps full >"$tmp/full.log" 2>&1 ||
			{ cat "$tmp/full.log"; fail "seed $seed: full apply"; continue; }
		grep -q "step $((steps - 1)): full" "$tmp/full.log" ||
			fail "seed $seed: a fresh handle must replace the table"
		dump >"$tmp/full.json"
		if cmp -s "$tmp/inc.json" "$tmp/full.json"; then
			[ $steps = 40 ] && ok "seed $seed, 2..40 steps (last: $(tail -n 1 "$tmp/log")): tables equal fresh full applies"
		else
			fail "seed $seed, $steps steps: the incrementally updated table differs"
			diff "$tmp/inc.json" "$tmp/full.json" | head -40
		fi
	done
done
# the test means nothing if every step fell back to a full replace
[ "$incr" -ge 600 ] && ok "$incr incremental updates checked" ||
	fail "only $incr incremental updates (the rest were full replaces)"

[ $fails = 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
