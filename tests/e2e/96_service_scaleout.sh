#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Scale-out: two lb routers with the same configuration behind an upstream
# router's ECMP route to the VIP (testbed/netns/scaleout; the second
# router is configured in the reverse order).  ECMP spreads connections
# over both; then one lb router is taken away (its namespace deleted)
# while 12 connections echo through them: ECMP moves the connections it
# carried to the other router, which has no state for them and places
# each by Maglev on the same backend, so every connection goes on without
# an error.  New connections keep working.
. "$(dirname "$0")/lib.sh"

LOADGEN=$TOP/testbed/netns/loadgen
LOGS=/run/lb-testbed-scaleout
CLIENTS=sc-client1,sc-client2
SVC=10.0.0.100:9876

lb_load marks=none
TESTBED=$TOP/testbed/netns/scaleout TOPO_UP=1
"$TESTBED" up || fail "scaleout testbed up failed"
lbn() { local ns=$1; shift; "$LBCTL" -n "$ns" "$@"; }
for ns in sc-lb1 sc-lb2; do
	assert_ok lbn "$ns" vip add "$SVC" proto tcp
done
for j in 1 2 3; do assert_ok lbn sc-lb1 backend add "$SVC" "10.0.5.3$j:7000"; done
for j in 3 2 1; do assert_ok lbn sc-lb2 backend add "$SVC" "10.0.5.3$j:7000"; done
placed() { lbn "$1" -j stats | jq '[.services[0].targets[].stats.flows_created] | add'; }

# ECMP uses both routers.
"$LOADGEN" echo --clients "$CLIENTS" --target "$SVC" --count 20 --logs "$LOGS" \
	--json /tmp/echo.json --quiet || fail "echo through the two lb routers failed"
assert_eq "$(jq .ok /tmp/echo.json)" 40 "connections echoed through the lb routers"
p1=$(placed sc-lb1) p2=$(placed sc-lb2)
log "40 connections: lb1 placed $p1, lb2 $p2; by server $(jq -c .by_backend /tmp/echo.json)"
assert_eq $((p1 + p2)) 40 "flows placed by the two routers together"
assert_ge "$p1" 1 "flows placed by lb1"
assert_ge "$p2" 1 "flows placed by lb2"

# Long-lived connections, until some cross each router.
for try in 1 2 3; do
	rm -f /tmp/hold.*
	"$LOADGEN" hold --clients "$CLIENTS" --per-client 6 --seconds 120 --until /tmp/hold.stop \
		--ready /tmp/hold.ready --json /tmp/hold.json --logs "$LOGS" >/tmp/hold.out 2>&1 &
	HOLD=$!
	BG_PIDS+=("$HOLD")
	for ((i = 0; i < 300; i++)); do
		[ -s /tmp/hold.ready ] && break
		kill -0 "$HOLD" 2>/dev/null || fail "loadgen hold died: $(cat /tmp/hold.out)"
		sleep 0.1
	done
	[ -s /tmp/hold.ready ] || fail "the held connections did not come up"
	# The held connections lb1 has a flow for (not the earlier ones).
	mapfile -t via1 < <(lbn sc-lb1 -j flows | jq -r '.flows[] | select(.dport == 9876) | .sport' |
		grep -Fxf <(awk '{ print $3 }' /tmp/hold.ready) || true)
	[ "${#via1[@]}" -ge 1 ] && [ "${#via1[@]}" -le 11 ] && break
	touch /tmp/hold.stop
	wait "$HOLD" || true
	log "try $try: ${#via1[@]} of 12 connections through lb1; again"
done
[[ ${#via1[@]} -ge 1 && ${#via1[@]} -le 11 ]] || fail "ECMP put all 12 connections on one router, 3 times"
log "12 connections held, ${#via1[@]} through lb1 (ports ${via1[*]}); servers: $(awk '{print $4}' /tmp/hold.ready | sort | uniq -c | xargs)"
before2=$(placed sc-lb2)

ip netns del sc-lb1
log "lb1 taken away"
sleep 3
touch /tmp/hold.stop
rc=0
wait "$HOLD" || rc=$?
sed 's/^/#   /' /tmp/hold.out
assert_eq "$rc" 0 "every held connection through the failover (loadgen hold exit)"
for p in "${via1[@]}"; do
	n=$(jq --argjson p "$p" '[.connections[] | select(.lport == $p and .error == null)] | length' /tmp/hold.json)
	assert_eq "$n" 1 "the connection from port $p, moved from lb1 to lb2, without error"
done
moved=$(( $(placed sc-lb2) - before2 ))
assert_eq "$moved" "${#via1[@]}" "connections lb2 placed after the failover (the ones lb1 had)"
log "all 12 connections went on; lb2 picked up the ${#via1[@]} from lb1 by Maglev"

"$LOADGEN" echo --clients "$CLIENTS" --target "$SVC" --count 5 --logs "$LOGS" \
	--json /tmp/echo.json --quiet || fail "new connections after the failover failed"
assert_eq "$(jq .ok /tmp/echo.json)" 10 "new connections after the failover"
