#!/bin/bash
# contiv-cni's "portMappings" capability (the CNI portmap plugin's
# convention: runtimeConfig.portMappings), invoked directly the way a runtime
# does: ADD with a mapping 8080 -> 9099, then the fabric (outside the host)
# reaches the container's listener through the host's underlay address and
# the listener sees the client's address; a bad mapping is a CNI error with
# nothing left behind; the same host port for a second container is a
# conflict naming the port; DEL closes the port.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib/cluster.sh"
. "$CL_SRC/tests/cni/lib.sh"
cluster_require
cni_require
cluster_up 1 || exit 1
. "$CL_SRC/tests/lib/peer.sh"
peer_www_setup
netctl net create --subnet=10.1.2.0/24 --gateway=10.1.2.254 contiv-net >/dev/null || fail "net create"

SOCK=$CL_DIR/host1.sock
conf() { # PORTMAPPINGS_JSON
	jq -nc --arg sock "$SOCK" --argjson pm "$1" '{cniVersion:"1.0.0",name:"contiv-net",type:"contiv-cni",
		tenant:"default",network:"contiv-net",agentSocket:$sock,capabilities:{portMappings:true},
		runtimeConfig:{portMappings:$pm}}'
}
expect_cni_error() { # WHAT CODE REGEX
	if cni_is_error && [ "$CNI_CODE" = "$2" ] && jq -r .msg <<<"$CNI_OUT" | grep -q "$3"; then
		ok "$1: CNI error $2: $(jq -r .msg <<<"$CNI_OUT")"
	else
		fail "$1: rc $CNI_RC: $CNI_OUT"
	fi
}
ns1=$(contns p1)
ns2=$(contns p2)
ip netns add "$ns1"
ip netns add "$ns2"
ip -n "$ns1" link set lo up

cni_call host1 "$CNI_PLUGIN" ADD cid-p1 "/run/netns/$ns1" eth0 \
	"$(conf '[{"hostPort":8080,"containerPort":9099,"protocol":"tcp","hostIP":""}]')" "K8S_POD_NAME=p1"
[ "$CNI_RC" = 0 ] && ok "ADD with a port mapping: $(jq -r '.ips[0].address' <<<"$CNI_OUT")" ||
	fail "ADD: rc $CNI_RC: $CNI_OUT"
httpd_in "$ns1" 9099
sleep 0.3
expect_peer "fabric -> host1:8080 reaches p1:9099" "$(from_fabric 10.200.0.1 8080)" "$CL_MASTER_IP"

# a bad mapping: a CNI error naming the field, nothing left
cni_call host1 "$CNI_PLUGIN" ADD cid-p2 "/run/netns/$ns2" eth0 \
	"$(conf '[{"hostPort":0,"containerPort":9099}]')" "K8S_POD_NAME=p2"
expect_cni_error "hostPort 0" 7 'hostPort 0'
! master_endpoints | grep -qx cid-p2-eth0 && ! ip -n "$ns2" link show eth0 >/dev/null 2>&1 &&
	ok "nothing left of the refused ADD" || fail "the refused ADD left its endpoint or eth0"

# the same host port again: a conflict naming it
cni_call host1 "$CNI_PLUGIN" ADD cid-p2 "/run/netns/$ns2" eth0 \
	"$(conf '[{"hostPort":8080,"containerPort":80}]')" "K8S_POD_NAME=p2"
expect_cni_error "host port 8080 taken" 100 'port 8080'
! master_endpoints | grep -qx cid-p2-eth0 && ok "nothing left of the conflicting ADD" ||
	fail "the conflicting ADD left its endpoint"
expect_peer "after the errors, host1:8080 still reaches p1" "$(from_fabric 10.200.0.1 8080)" "$CL_MASTER_IP"

cni_call host1 "$CNI_PLUGIN" DEL cid-p1 "/run/netns/$ns1" eth0 "$(conf '[]')" "K8S_POD_NAME=p1"
[ "$CNI_RC" = 0 ] && ok "DEL" || fail "DEL: rc $CNI_RC: $CNI_OUT"
expect_closed "after DEL" 10.200.0.1 8080
cluster_finish
