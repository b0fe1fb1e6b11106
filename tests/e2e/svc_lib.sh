# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# tests/e2e/svc_lib.sh: helpers for the service-balancing tests, on seed
# 002's testbed (testbed/netns/service: client1..5 - router - server1..3,
# each server running nginx on 803J and an echo server on 7000).  Sourced
# after lib.sh, whose cleanup trap then takes this testbed down.

SVC_TESTBED=$TOP/testbed/netns/service
# shellcheck disable=SC2034 # used by the tests, not here
LOADGEN=$TOP/testbed/netns/loadgen
# shellcheck disable=SC2034 # used by the tests, not here
SVC_LOGS=/run/lb-testbed-service
# shellcheck disable=SC2034 # used by the tests, not here
VIP=10.0.0.100 VIP6=fd00::100

command -v nginx >/dev/null || skip "nginx missing: run scripts/deps"

# svc_up [testbed/netns/service up options]: the router is lb-svc-router.
svc_up() {
	ROUTER_NS=lb-svc-router
	# shellcheck disable=SC2034 # for lib.sh's cleanup, which takes it down
	TESTBED=$SVC_TESTBED TOPO_UP=1
	"$SVC_TESTBED" up --router-ns "$ROUTER_NS" "$@" || fail "service testbed up failed"
}

# svc_echo SVC SCHED [W1 W2 W3]: the echo service SVC (VIP:9876 with
# proto) over the three servers' echo servers (:7000).
svc_echo() { # VIP:PORT PROTO SCHED W1 W2 W3
	local svc=$1 proto=$2 sched=$3 j w
	shift 3
	rlbctl vip add "$svc" proto "$proto" sched "$sched" || fail "vip add $svc failed"
	for j in 1 2 3; do
		w=${1:-1}
		[ $# -gt 0 ] && shift
		if [[ $svc == \[* ]]; then b="$(srv6 "$j"):7000"; else b="$(srv4 "$j"):7000"; fi
		rlbctl backend add "$svc" proto "$proto" "$b" weight "$w" ||
			fail "backend add $svc $b failed"
	done
}

# The counter FIELD (flows_created, packets, ...) of every backend of the
# service with VIP:PORT and PROTO, as "server1=N server2=N server3=N".
svc_counts() { # VIP PORT PROTO FIELD
	rlbctl -j stats | jq -r --arg v "$1" --argjson p "$2" --arg pr "$3" --arg f "$4" '
		.services[] | select(.vip == ($v + (if ($v | contains(":")) then "/128" else "/32" end))
			and .port == $p and .proto == $pr)
		| [.targets[] | "server\((.addr | sub(".*[.:]"; "") | tonumber) - 30)=\(.stats[$f])"]
		| join(" ")'
}

# mtu_learnt NS DST: the path MTU NS has cached for DST ("" if none).
mtu_learnt() {
	ip -n "$1" route get "$2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p' | head -n 1
}

# The server each connection of a `loadgen hold --ready` file is on.
hold_servers() { awk '{ print $4 }' "$1" | sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }'; }
