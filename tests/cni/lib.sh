# shellcheck shell=bash
# Helpers of the contiv-cni tests: invoke a CNI plugin the way a runtime
# does (inside a host namespace of the simulated cluster) and look at the
# answer. Source after tests/lib/cluster.sh.

CNI_PLUGIN=${CNI_PLUGIN:-$CL_TOP/plugins/cni/contiv-cni}
CNI_STOCK_DIR=${CNI_STOCK_DIR:-/usr/lib/cni}

cni_require() {
	if [ ! -x "$CNI_PLUGIN" ]; then
		echo "SKIP: $CNI_PLUGIN is not built"
		exit 77
	fi
}

# cni_call HOST PLUGIN COMMAND CONTAINERID NETNS IFNAME CONFIG [CNI_ARGS]
# Runs PLUGIN in HOST's namespace with a runtime's environment (only CNI_*,
# PATH and the loader path); NETNS "-" leaves CNI_NETNS unset. Sets CNI_RC,
# CNI_OUT (stdout) and CNI_CODE (the error code of an error answer, or "-").
cni_call() {
	local host=$1 plugin=$2 cmd=$3 cid=$4 netns=$5 ifname=$6 conf=$7 args=${8:-}
	local -a envs=(CNI_COMMAND="$cmd" CNI_CONTAINERID="$cid" CNI_IFNAME="$ifname"
		CNI_PATH="$CNI_STOCK_DIR" CNI_ARGS="$args" PATH="$PATH"
		LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}")
	[ "$netns" = - ] || envs+=(CNI_NETNS="$netns")
	CNI_OUT=$(printf '%s' "$conf" | ip netns exec "$(hostns "$host")" env -i "${envs[@]}" "$plugin" 2>"$CL_DIR/cni.stderr")
	CNI_RC=$?
	CNI_CODE=$(printf '%s' "$CNI_OUT" | jq -r '.code // "-"' 2>/dev/null) || CNI_CODE="?"
	[ -n "$CNI_CODE" ] || CNI_CODE="-"
}

# An error answer: exit status 1 and a CNI error object (code, msg) on stdout.
cni_is_error() {
	[ "$CNI_RC" = 1 ] && printf '%s' "$CNI_OUT" | jq -e '(.code | type == "number") and (.msg | type == "string")' >/dev/null 2>&1
}

# The local endpoints the host's agent has.
agent_endpoints() {
	curl -sS --max-time 10 --unix-socket "$CL_DIR/$1.sock" http://localhost/state |
		jq -r '.desired.localEndpoints[]' 2>/dev/null
}

# The endpoints netmaster has (ids), one a line.
master_endpoints() {
	ip netns exec "$CL_FABRIC" curl -sS --max-time 10 "$CL_URL/api/v1/endpoints/" | jq -r '.[].endpointID' 2>/dev/null
}
