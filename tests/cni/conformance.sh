#!/bin/bash
# contiv-cni invoked directly, the way a runtime does, on one simulated host;
# every scenario is run against the stock bridge plugin (+ host-local IPAM)
# too, in the same namespace, and both behaviours are compared: ADD (1.0.0 and
# 0.4.0 results), CHECK (good and after the interface is gone), DEL twice,
# DEL with the netns gone and with CNI_NETNS unset, and bad input (config
# without required fields, CNI_NETNS missing on ADD, unknown command) with
# nothing left behind.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
. "$CL_SRC/tests/cni/lib.sh"
cluster_require
cni_require
if [ ! -x "$CNI_STOCK_DIR/bridge" ] || [ ! -x "$CNI_STOCK_DIR/host-local" ]; then
	echo "SKIP: the stock CNI plugins are not installed ($CNI_STOCK_DIR/bridge; containernetworking-plugins)"
	exit 77
fi
cluster_up 1 || exit 1
netctl net create --subnet=10.1.2.0/24 --gateway=10.1.2.254 contiv-net >/dev/null || fail "net create"

SOCK=$CL_DIR/host1.sock
conf_contiv() { # [cniVersion]
	printf '{"cniVersion":"%s","name":"contiv-net","type":"contiv-cni","tenant":"default","network":"contiv-net","agentSocket":"%s"}' \
		"${1:-1.0.0}" "$SOCK"
}
conf_bridge() {
	printf '{"cniVersion":"%s","name":"brnet","type":"bridge","bridge":"cnibr0","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"%s/ipam"}}' \
		"${1:-1.0.0}" "$CL_DIR"
}
plugin_of() { if [ "$1" = contiv ]; then echo "$CNI_PLUGIN"; else echo "$CNI_STOCK_DIR/bridge"; fi; }
conf_of() { "conf_$1" "${2:-}"; }
with_prev() { jq -c --argjson p "$(printf '%s' "$2" | jq -c .)" '.prevResult = $p' <<<"$1"; }

declare -A RES
SCEN=()
record() { # SCENARIO PLUGIN
	local v="rc=$CNI_RC code=$CNI_CODE"
	[ -n "${RES[$1,contiv]+x}${RES[$1,bridge]+x}" ] || SCEN+=("$1")
	RES[$1,$2]=$v
}

run_plugin() {
	local p=$1 pl conf ns out cid=cid-$1
	pl=$(plugin_of "$p")
	conf=$(conf_of "$p")
	ns=$(contns "$p-a")
	ip netns add "$ns"

	cni_call host1 "$pl" VERSION "" dummy dummy '{"cniVersion":"1.0.0"}'
	record "VERSION" "$p"
	[ "$p" = bridge ] || { printf '%s' "$CNI_OUT" | jq -e '.supportedVersions | index("1.0.0") and index("0.4.0")' >/dev/null &&
		ok "VERSION lists 1.0.0 and 0.4.0"; } || fail "VERSION: $CNI_OUT"

	# ADD with a 1.0.0 config
	cni_call host1 "$pl" ADD "$cid" "/run/netns/$ns" eth0 "$conf" "IgnoreUnknown=1;K8S_POD_NAME=$p-a"
	record "ADD 1.0.0" "$p"
	out=$CNI_OUT
	if [ "$CNI_RC" = 0 ] && printf '%s' "$out" | jq -e '.cniVersion == "1.0.0" and (.ips[0].address | test("/")) and (.ips[0] | has("version") | not) and ([.interfaces[] | select(.sandbox)] | length == 1)' >/dev/null; then
		ok "$p: ADD gives a 1.0.0 result ($(printf '%s' "$out" | jq -r '.ips[0].address'))"
	else
		fail "$p: ADD: rc $CNI_RC: $out $(cat "$CL_DIR/cni.stderr")"
	fi
	addr=$(printf '%s' "$out" | jq -r '.ips[0].address')
	if ip -n "$ns" -4 -o addr show dev eth0 | grep -q " $addr "; then
		ok "$p: eth0 in the container has $addr"
	else
		fail "$p: eth0 in the container lacks $addr"
	fi
	if [ "$p" = contiv ]; then
		master_endpoints | grep -qx "$cid-eth0" && ok "netmaster has endpoint $cid-eth0" || fail "netmaster lacks $cid-eth0"
		printf '%s' "$out" | jq -e '.routes[0] == {"dst":"0.0.0.0/0","gw":"10.1.2.254"} and .ips[0].gateway == "10.1.2.254"' >/dev/null &&
			ok "result has the gateway and default route" || fail "result: gateway/route: $out"
		printf '%s' "$out" | jq -e '.dns.nameservers == ["10.1.2.254"]' >/dev/null &&
			ok "result names netplugin's DNS (the gateway)" || fail "result: dns: $out"
		# the pod name (K8S_POD_NAME) resolves to the pod's address there
		if command -v drill >/dev/null; then
			ip netns exec "$ns" drill "$p-a" @10.1.2.254 | grep -qE "^$p-a\.[[:space:]].*[[:space:]]${addr%/*}\$" &&
				ok "$p-a resolves to ${addr%/*} through it" || fail "$p-a does not resolve to ${addr%/*}"
		else
			echo "# drill not installed (ldnsutils): the pod name's resolution is not checked"
		fi
	fi

	# ADD again (same container, same ifname): the stock plugins answer again
	cni_call host1 "$pl" ADD "$cid" "/run/netns/$ns" eth0 "$conf" "IgnoreUnknown=1;K8S_POD_NAME=$p-a"
	record "ADD again" "$p"

	# CHECK with prevResult
	cni_call host1 "$pl" CHECK "$cid" "/run/netns/$ns" eth0 "$(with_prev "$conf" "$out")"
	record "CHECK" "$p"
	[ "$CNI_RC" = 0 ] && ok "$p: CHECK passes" || fail "$p: CHECK: $CNI_OUT"

	# CHECK without prevResult
	cni_call host1 "$pl" CHECK "$cid" "/run/netns/$ns" eth0 "$conf"
	record "CHECK without prevResult" "$p"

	# CHECK with a wrong address in prevResult
	cni_call host1 "$pl" CHECK "$cid" "/run/netns/$ns" eth0 \
		"$(with_prev "$conf" "$(printf '%s' "$out" | jq -c '.ips[0].address = "10.9.9.9/24"')")"
	record "CHECK wrong address" "$p"
	cni_is_error && ok "$p: CHECK with a wrong address fails" || fail "$p: CHECK wrong address: rc $CNI_RC $CNI_OUT"

	# DEL, DEL again, DEL with CNI_NETNS unset
	cni_call host1 "$pl" DEL "$cid" "/run/netns/$ns" eth0 "$(with_prev "$conf" "$out")"
	record "DEL" "$p"
	[ "$CNI_RC" = 0 ] && [ -z "$CNI_OUT" ] && ok "$p: DEL" || fail "$p: DEL: rc $CNI_RC $CNI_OUT"
	if ip -n "$ns" link show eth0 >/dev/null 2>&1; then fail "$p: eth0 still in the container"; else ok "$p: eth0 gone"; fi
	cni_call host1 "$pl" DEL "$cid" "/run/netns/$ns" eth0 "$conf"
	record "DEL again" "$p"
	[ "$CNI_RC" = 0 ] && ok "$p: repeated DEL succeeds" || fail "$p: repeated DEL: $CNI_OUT"
	cni_call host1 "$pl" DEL "$cid" - eth0 "$conf"
	record "DEL, CNI_NETNS unset" "$p"
	[ "$CNI_RC" = 0 ] && ok "$p: DEL without CNI_NETNS succeeds" || fail "$p: DEL without CNI_NETNS: $CNI_OUT"

	# CHECK after DEL
	cni_call host1 "$pl" CHECK "$cid" "/run/netns/$ns" eth0 "$(with_prev "$conf" "$out")"
	record "CHECK after DEL" "$p"
	cni_is_error && ok "$p: CHECK after DEL fails" || fail "$p: CHECK after DEL: rc $CNI_RC $CNI_OUT"

	# ADD, then the netns disappears, then DEL
	cni_call host1 "$pl" ADD "$cid-b" "/run/netns/$ns" eth1 "$conf"
	record "ADD (eth1)" "$p"
	ip netns del "$ns"
	cni_call host1 "$pl" DEL "$cid-b" "/run/netns/$ns" eth1 "$conf"
	record "DEL, netns gone" "$p"
	[ "$CNI_RC" = 0 ] && ok "$p: DEL with the netns gone succeeds" || fail "$p: DEL with the netns gone: $CNI_OUT"

	# ADD in a 0.4.0 config (as podman sends it)
	ip netns add "$ns"
	cni_call host1 "$pl" ADD "$cid-c" "/run/netns/$ns" eth0 "$(conf_of "$p" 0.4.0)"
	record "ADD 0.4.0" "$p"
	printf '%s' "$CNI_OUT" | jq -e '.cniVersion == "0.4.0" and .ips[0].version == "4"' >/dev/null &&
		ok "$p: 0.4.0 result" || fail "$p: ADD 0.4.0: $CNI_OUT"
	cni_call host1 "$pl" DEL "$cid-c" "/run/netns/$ns" eth0 "$(conf_of "$p" 0.4.0)"
	ip netns del "$ns"

	# bad input
	ns=$(contns "$p-bad")
	ip netns add "$ns"
	cni_call host1 "$pl" ADD "$cid-d" - eth0 "$conf"
	record "ADD, CNI_NETNS missing" "$p"
	cni_is_error && ok "$p: ADD without CNI_NETNS: code $CNI_CODE: $(jq -r .msg <<<"$CNI_OUT")" || fail "$p: ADD without CNI_NETNS: rc $CNI_RC $CNI_OUT"
	cni_call host1 "$pl" ADD "$cid-d" "/run/netns/$ns" eth0 "$(jq -c 'del(.name)' <<<"$conf")"
	record "ADD, config without name" "$p"
	cni_is_error && ok "$p: config without name: code $CNI_CODE" || fail "$p: config without name: rc $CNI_RC $CNI_OUT"
	cni_call host1 "$pl" ADD "$cid-d" "/run/netns/$ns" eth0 "$(jq -c 'del(.cniVersion)' <<<"$conf")"
	record "ADD, config without cniVersion" "$p"
	cni_call host1 "$pl" ADD "$cid-d" "/run/netns/$ns" eth0 '{"cniVersion":"1.0.0","name":"x",'
	record "ADD, broken JSON" "$p"
	cni_is_error && ok "$p: broken JSON: code $CNI_CODE" || fail "$p: broken JSON: rc $CNI_RC $CNI_OUT"
	cni_call host1 "$pl" ADD "$cid-d" "/run/netns/$ns" eth0 "$(jq -c '.cniVersion = "9.9.9"' <<<"$conf")"
	record "ADD, cniVersion 9.9.9" "$p"
	cni_is_error && ok "$p: unknown cniVersion: code $CNI_CODE" || fail "$p: unknown cniVersion: rc $CNI_RC $CNI_OUT"
	cni_call host1 "$pl" ADD "$cid-d" /run/netns/no-such-netns eth0 "$conf"
	record "ADD, netns does not exist" "$p"
	cni_is_error && ok "$p: ADD into a missing netns: code $CNI_CODE" || fail "$p: missing netns: rc $CNI_RC $CNI_OUT"
	cni_call host1 "$pl" FOO "$cid-d" "/run/netns/$ns" eth0 "$conf"
	record "unknown CNI_COMMAND" "$p"
	cni_is_error && ok "$p: unknown command: code $CNI_CODE" || fail "$p: unknown command: rc $CNI_RC $CNI_OUT"
	cni_call host1 "$pl" ADD "$cid-d" "/run/netns/$ns" eth0 "$conf" "foo=bar"
	record "ADD, unknown CNI_ARGS key" "$p"
	if ip -n "$ns" link show eth0 >/dev/null 2>&1; then
		[ "$CNI_RC" = 0 ] && cni_call host1 "$pl" DEL "$cid-d" "/run/netns/$ns" eth0 "$conf"
	fi
	if [ "$(ip -n "$ns" -o link | wc -l)" = 1 ]; then
		ok "$p: bad input left the container netns empty"
	elif [ "$p" = bridge ]; then
		echo "# bridge: bad input left links in the container netns (it accepts a config without cniVersion)"
	else
		fail "$p: links left in $ns"
	fi
	ip netns del "$ns"
}

host_links_before=$(hexec host1 ip -o link | wc -l)
run_plugin contiv

# contiv-only: required fields and the agent
ns=$(contns bad2)
ip netns add "$ns"
cni_call host1 "$CNI_PLUGIN" ADD cid-e "/run/netns/$ns" eth0 "$(conf_contiv | jq -c 'del(.network)')"
cni_is_error && [ "$CNI_CODE" = 7 ] && ok "config without network: code 7: $(jq -r .msg <<<"$CNI_OUT")" || fail "config without network: $CNI_OUT"
cni_call host1 "$CNI_PLUGIN" ADD cid-e "/run/netns/$ns" eth0 "$(conf_contiv | jq -c '.network = "no-such-net"')"
cni_is_error && [ "$CNI_CODE" = 7 ] && ok "unknown network: code 7: $(jq -r .msg <<<"$CNI_OUT")" || fail "unknown network: $CNI_OUT"
cni_call host1 "$CNI_PLUGIN" ADD cid-e "/run/netns/$ns" eth0 "$(conf_contiv | jq -c '.agentSocket = "/nonexistent/netplugin.sock"')"
cni_is_error && [ "$CNI_CODE" = 11 ] && ok "agent unreachable: code 11: $(jq -r .msg <<<"$CNI_OUT")" || fail "agent unreachable: $CNI_OUT"
cni_call host1 "$CNI_PLUGIN" ADD cid-e "/run/netns/$ns" eth0 "$(conf_contiv | jq -c '.network = "other"')" "IgnoreUnknown=1;network=contiv-net;K8S_POD_NAME=override"
[ "$CNI_RC" = 0 ] && ok "CNI_ARGS network= overrides the config" || fail "CNI_ARGS override: $CNI_OUT"
ip netns exec "$CL_FABRIC" curl -sS "$CL_URL/api/v1/endpoints/" | jq -e '.[] | select(.endpointID == "cid-e-eth0") | .containerName == "override"' >/dev/null &&
	ok "K8S_POD_NAME is the endpoint's containerName" || fail "containerName not set from K8S_POD_NAME"
cni_call host1 "$CNI_PLUGIN" DEL cid-e "/run/netns/$ns" eth0 "$(conf_contiv)"
cni_call host1 "$CNI_PLUGIN" CHECK cid-e "/run/netns/$ns" eth0 "$(conf_contiv 0.3.1 | jq -c '.prevResult = {}')"
cni_is_error && [ "$CNI_CODE" = 1 ] && ok "CHECK with cniVersion 0.3.1: code 1" || fail "CHECK 0.3.1: $CNI_OUT"
cni_call host1 "$CNI_PLUGIN" STATUS "" - "" "$(conf_contiv 1.1.0)"
[ "$CNI_RC" = 0 ] && ok "STATUS: ready" || fail "STATUS: $CNI_OUT"
cni_call host1 "$CNI_PLUGIN" STATUS "" - "" "$(conf_contiv 1.1.0 | jq -c '.agentSocket = "/nonexistent/netplugin.sock"')"
cni_is_error && [ "$CNI_CODE" = 50 ] && ok "STATUS without an agent: code 50" || fail "STATUS without agent: $CNI_OUT"
ip netns del "$ns"

# nothing left behind by contiv-cni
left=$(master_endpoints | tr '\n' ' ')
[ -z "$left" ] && ok "netmaster has no endpoints left" || fail "netmaster still has endpoints: $left"
left=$(agent_endpoints host1 | tr '\n' ' ')
[ -z "$left" ] && ok "the agent has no endpoints left" || fail "the agent still has endpoints: $left"
links=$(hexec host1 ip -o link | wc -l)
# the network's bridge and VXLAN device stay (they belong to the network)
hexec host1 ip -o link | grep -q 'cvh' && fail "host-side veths left: $(hexec host1 ip -o link | grep cvh)" ||
	ok "no host-side veths left ($host_links_before links before, $links after)"

run_plugin bridge
left=$(find "$CL_DIR/ipam" -type f ! -name 'last_reserved_ip*' ! -name lock | tr '\n' ' ')
[ -z "$left" ] && ok "bridge: host-local has no allocations left" || echo "# bridge: host-local still has: $left"

echo "# conformance: contiv-cni next to the stock bridge plugin (exit status, CNI error code)"
printf '# %-34s %-22s %-22s %s\n' scenario contiv-cni bridge ""
for s in "${SCEN[@]}"; do
	c=${RES[$s,contiv]:-n/a} b=${RES[$s,bridge]:-n/a} same=same
	[ "${c%% *}" = "${b%% *}" ] || same="DIFFERENT outcome"
	printf '# %-34s %-22s %-22s %s\n' "$s" "$c" "$b" "$same"
done
# outcomes that the spec fixes must agree with the reference
for s in "ADD 1.0.0" "ADD 0.4.0" "CHECK" "CHECK wrong address" "DEL" "DEL again" "DEL, CNI_NETNS unset" \
	"DEL, netns gone" "CHECK after DEL" "ADD, CNI_NETNS missing" "ADD, broken JSON" "ADD, cniVersion 9.9.9" \
	"ADD, netns does not exist" "unknown CNI_COMMAND"; do
	c=${RES[$s,contiv]:-} b=${RES[$s,bridge]:-}
	[ "${c%% *}" = "${b%% *}" ] && ok "same outcome as bridge: $s" || fail "outcome differs from bridge: $s (contiv $c, bridge $b)"
done
cluster_finish
