#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Backends drained and removed while connections are open (seed 002's
# testbed, the echo service over three servers, wrr so that 15 held
# connections land 5/5/5).
#  - Drain (weight 0) server3: no new connection reaches it, and the
#    connections open on it go on echoing until they end, without error;
#    then it has no active flow left.
#  - Remove server2 (backend del): its connections are reset at their next
#    packet (lb's documented behaviour: placed anew, on a server that has
#    no such connection), the other servers' connections go on untouched,
#    and no new connection reaches server2.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

SVC=$VIP:9876
lb_load marks=none
svc_up
svc_echo "$SVC" tcp wrr

# hold_start TAG: 3 connections from each client, echoing every 0.1 s
# until /tmp/TAG.stop exists; waits until all are up.
hold_start() {
	rm -f "/tmp/$1".*
	"$LOADGEN" hold --per-client 3 --seconds 120 --until "/tmp/$1.stop" \
		--ready "/tmp/$1.ready" --json "/tmp/$1.json" >"/tmp/$1.out" 2>&1 &
	HOLD_PID=$!
	BG_PIDS+=("$HOLD_PID")
	local i
	for ((i = 0; i < 300; i++)); do
		[ -s "/tmp/$1.ready" ] && break
		kill -0 "$HOLD_PID" 2>/dev/null || fail "loadgen hold died: $(cat "/tmp/$1.out")"
		sleep 0.1
	done
	[ -s "/tmp/$1.ready" ] || fail "the held connections did not come up in 30 s"
	log "15 connections held: $(hold_servers "/tmp/$1.ready")"
}
hold_stop() { # TAG: stop, and set HOLD_RC
	touch "/tmp/$1.stop"
	HOLD_RC=0
	wait "$HOLD_PID" || HOLD_RC=$?
	sed 's/^/#   /' "/tmp/$1.out"
}
# New connections (6 from each client) and the servers they reached.
new_conns() {
	"$LOADGEN" echo --count 6 --json /tmp/new.json --quiet ||
		fail "new connections failed: $(jq -c '[.results[] | select(.ok | not) | .error]' /tmp/new.json)"
	assert_eq "$(jq .ok /tmp/new.json)" 30 "new connections echoed"
	log "30 new connections, by server: $(jq -c .by_backend /tmp/new.json)"
}
# The held connections on server J that ended with error E ("" for none).
held() { # TAG SERVER ERROR
	jq --arg s "$2" --arg e "$3" '[.connections[] | select(.backend == $s)
		| select((.error // "") == $e)] | length' "/tmp/$1.json"
}

# --- drain ------------------------------------------------------------------
hold_start drain
assert_eq "$(hold_servers /tmp/drain.ready)" "server1=5 server2=5 server3=5 " "wrr placement of 15 connections"
rlbctl backend set "$SVC" proto tcp "$(srv4 3):7000" weight 0 || fail "backend set weight 0 failed"
read -r _ _ c3 < <(svc_counts "$VIP" 9876 tcp flows_created)
new_conns
assert_eq "$(jq '.by_backend.server3 // 0' /tmp/new.json)" 0 "new connections on drained server3"
read -r _ _ c3b < <(svc_counts "$VIP" 9876 tcp flows_created)
assert_eq "$c3b" "$c3" "flows lb placed on server3 after the drain"
read -r _ _ a3 < <(svc_counts "$VIP" 9876 tcp flows_active)
assert_eq "$a3" server3=5 "active flows on drained server3 while its connections are open"
sleep 1
hold_stop drain
assert_eq "$HOLD_RC" 0 "held connections through the drain (loadgen hold exit)"
assert_eq "$(held drain server3 "")" 5 "connections on server3 that finished without error"
# Their FINs end the flows' active count (wlc's view) at once.
sleep 0.5
read -r _ _ a3 < <(svc_counts "$VIP" 9876 tcp flows_active)
assert_eq "$a3" server3=0 "active flows on server3 once its connections closed"
log "drain: no new flow on server3, its 5 connections finished cleanly"

# --- removal ----------------------------------------------------------------
rlbctl backend set "$SVC" proto tcp "$(srv4 3):7000" weight 1 || fail "backend set weight 1 failed"
hold_start remove
for j in 1 2 3; do
	[ "$(awk -v s="server$j" '$4 == s' /tmp/remove.ready | wc -l)" -ge 1 ] ||
		fail "no held connection on server$j: $(hold_servers /tmp/remove.ready)"
done
n2=$(awk '$4 == "server2"' /tmp/remove.ready | wc -l)
rlbctl backend del "$SVC" proto tcp "$(srv4 2):7000" || fail "backend del failed"
log "server2 removed with $n2 connections on it"
sleep 1.5
new_conns
assert_eq "$(jq '.by_backend.server2 // 0' /tmp/new.json)" 0 "new connections on removed server2"
hold_stop remove
assert_eq "$HOLD_RC" 1 "loadgen hold exit (server2's connections must have failed)"
assert_eq "$(held remove server2 reset)" "$n2" "server2's connections reset"
for j in 1 3; do
	n=$(awk -v s="server$j" '$4 == s' /tmp/remove.ready | wc -l)
	assert_eq "$(held remove "server$j" "")" "$n" "server$j's connections untouched by the removal"
done
log "removal: server2's $n2 connections reset, the others' untouched, no new flow on server2"
