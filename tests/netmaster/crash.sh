#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Crash safety: netmaster on SQLite; 4 client loops create endpoints (and
# delete some) in a network while another creates networks; every request
# answered 200 is recorded. kill -9 netmaster mid-burst, restart it on the
# same file, and check: every acknowledged create is there with its address,
# every acknowledged delete is gone, endpoint addresses are distinct and the
# network's allocated addresses are exactly the endpoints' plus the gateway
# (no leak, no duplicate). Several rounds.
set -u
top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
. "$top_srcdir/tests/netmaster/lib.sh"
PYTHON3=${PYTHON3:-python3}
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
command -v "$PYTHON3" >/dev/null || { echo "SKIP: python3 missing (checks the state)"; exit 77; }
ROUNDS=${CRASH_ROUNDS:-4}

nm_setup nm-crash

port=$(nm_free_port) || exit 99
base=http://127.0.0.1:$port
store="sqlite://$tmp/state.db"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

start() {
	nm_start nm "$port" "$store" --log-level warning
	nm_wait_up "$port" || { cat "$tmp/nm.log"; echo "netmaster did not start"; exit 1; }
}

# endpoint_loop <round> <worker>: creates w-i, deletes every third one's
# predecessor; logs "C id ip" / "D id" for each 200, "T id" before a delete
endpoint_loop() {
	local r=$1 w=$2 i=0 st
	while [ $i -lt 400 ]; do
		i=$((i + 1))
		st=$(curl -s -o "$tmp/o.$w" -w '%{http_code}' --max-time 5 -X POST \
			--data-binary '{"tenantName":"default","networkName":"crash"}' \
			"$base/api/v1/endpoints/r$r-w$w-$i/") || break
		[ "$st" = 200 ] || continue
		echo "C r$r-w$w-$i $(sed -n 's/.*"ipAddress":"\([0-9.]*\)".*/\1/p' "$tmp/o.$w")" >>"$tmp/acked"
		if [ $((i % 3)) -eq 0 ]; then
			# a delete may be done without its answer arriving: note the try
			echo "T r$r-w$w-$((i - 1))" >>"$tmp/acked"
			st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X DELETE \
				"$base/api/v1/endpoints/r$r-w$w-$((i - 1))/") || break
			[ "$st" = 200 ] && echo "D r$r-w$w-$((i - 1))" >>"$tmp/acked"
		fi
	done
}

network_loop() {
	local r=$1 i=0 st
	while [ $i -lt 200 ]; do
		i=$((i + 1))
		st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST \
			--data-binary "{\"subnet\":\"10.$((100 + r)).$i.0/24\",\"encap\":\"vlan\"}" \
			"$base/api/v1/networks/default:r$r-n$i/") || break
		[ "$st" = 200 ] && echo "N default:r$r-n$i" >>"$tmp/acked"
	done
}

start
st=$(nm_post "$port" /api/v1/networks/default:crash/ '{"subnet":"10.99.0.0/20","gateway":"10.99.0.1","encap":"vxlan"}')
[ "$st" = 200 ] || { echo "FAIL: network: $st $(cat "$tmp/out")"; exit 1; }
: >"$tmp/acked"

for r in $(seq "$ROUNDS"); do
	clients=()
	for w in 1 2 3 4; do
		endpoint_loop "$r" "$w" &
		clients+=($!)
	done
	network_loop "$r" &
	clients+=($!)
	before=$(wc -l <"$tmp/acked")
	sleep "0.$((5 + RANDOM % 5))"
	nm_kill9 nm
	for c in "${clients[@]}"; do wait "$c" 2>/dev/null; done
	clients=()
	echo "round $r: netmaster killed after $(( $(wc -l <"$tmp/acked") - before )) acknowledged writes"
	start
	curl -s "$base/api/v1/endpoints/" >"$tmp/eps.json"
	curl -s "$base/api/v1/networks/" >"$tmp/nets.json"
	curl -s "$base/api/v1/inspect/networks/default:crash/" >"$tmp/inspect.json"
	if ! "$PYTHON3" - "$tmp" <<'PY'
import ipaddress, json, sys
tmp = sys.argv[1]
eps = {e["endpointID"]: e for e in json.load(open(tmp + "/eps.json"))}
nets = {n["tenantName"] + ":" + n["networkName"] for n in json.load(open(tmp + "/nets.json"))}
oper = json.load(open(tmp + "/inspect.json"))["Oper"]
created, deleted, tried, networks = {}, set(), set(), set()
for line in open(tmp + "/acked"):
    f = line.split()
    if f[0] == "C":
        created[f[1]] = f[2] if len(f) > 2 else ""
    elif f[0] == "D":
        deleted.add(f[1])
    elif f[0] == "T":
        tried.add(f[1])
    else:
        networks.add(f[1])
bad = []
for i, ip in created.items():
    if i in tried:
        continue   # deleted, or maybe deleted (its answer lost in the crash)
    if i not in eps:
        bad.append("acknowledged endpoint %s missing" % i)
    elif eps[i]["ipAddress"] != ip:
        bad.append("endpoint %s: address %s, acknowledged %s" % (i, eps[i]["ipAddress"], ip))
bad += ["acknowledged delete of %s not done" % i for i in deleted if i in eps]
bad += ["acknowledged network %s missing" % n for n in networks if n not in nets]
addrs = [e["ipAddress"] for e in eps.values() if e.get("networkName") == "crash"]
if len(addrs) != len(set(addrs)):
    bad.append("duplicate endpoint addresses")
def expand(text):
    out = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        lo, _, hi = part.partition("-")
        a, b = int(ipaddress.IPv4Address(lo)), int(ipaddress.IPv4Address(hi or lo))
        out.update(str(ipaddress.IPv4Address(x)) for x in range(a, b + 1))
    return out
allocated = expand(oper.get("allocatedIPAddresses", ""))
want = set(addrs) | {"10.99.0.1"}
if allocated != want:
    bad.append("allocated %d addresses, endpoints+gateway %d: leaked %s, unrecorded %s" % (
        len(allocated), len(want), sorted(allocated - want)[:5], sorted(want - allocated)[:5]))
if oper.get("numEndpoints", len(addrs)) != len(addrs):
    bad.append("numEndpoints %s != %d" % (oper.get("numEndpoints"), len(addrs)))
for b in bad:
    print("FAIL:", b)
print("checked %d acknowledged creates, %d deletes, %d networks; %d endpoints, %d addresses allocated"
      % (len(created), len(deleted), len(networks), len(eps), len(allocated)))
sys.exit(1 if bad else 0)
PY
	then
		fail "round $r: state inconsistent after kill -9"
	fi
done
[ $fails -eq 0 ] || { cat "$tmp/nm.log"; echo "$fails failures"; exit 1; }
exit 0
