#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Backend failover (seed 002's testbed, echo service over three servers,
# wrr): the router's route to server3 becomes unreachable.  lbctl shows
# server3 DOWN; new connections and datagrams go to the other two; the
# connections open on server3 are placed anew at their next packet, on a
# server that has no such connection, so they are reset (as when a
# backend is deleted: the client learns at once), while the others' go on
# untouched.  The route comes back: server3 is up and takes connections
# again.  Paths: 55.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

lb_load marks=none
svc_up
svc_echo "$VIP:9876" tcp wrr
svc_echo "$VIP:9876" udp wrr
down3() {
	rlbctl -j show | jq -r --arg a "$(srv4 3)" \
		'[.services[] | select(.proto == "tcp") | .targets[] | select(.addr == $a) | .down] | first'
}
wait_state() { # true|false WHAT
	local i
	for ((i = 0; i < 100; i++)); do [ "$(down3)" = "$1" ] && return 0; sleep 0.1; done
	fail "$2: server3 not down=$1 within 10 s"
}
new_conns() { # PROTO: 30 new connections (or datagram exchanges), their servers
	local opt=()
	[ "$1" = udp ] && opt=(--udp)
	"$LOADGEN" echo --count 6 "${opt[@]}" --json /tmp/new.json --quiet ||
		fail "new $1 echoes failed: $(jq -c '[.results[] | select(.ok | not) | .error]' /tmp/new.json)"
	assert_eq "$(jq .ok /tmp/new.json)" 30 "new $1 echoes"
}

rm -f /tmp/hold.*
"$LOADGEN" hold --per-client 3 --seconds 120 --until /tmp/hold.stop --ready /tmp/hold.ready \
	--json /tmp/hold.json >/tmp/hold.out 2>&1 &
BG_PIDS+=($!)
for ((i = 0; i < 300; i++)); do [ -s /tmp/hold.ready ] && break; sleep 0.1; done
[ -s /tmp/hold.ready ] || fail "the held connections did not come up: $(cat /tmp/hold.out)"
assert_eq "$(hold_servers /tmp/hold.ready)" "server1=5 server2=5 server3=5 " "wrr placement of 15 connections"
assert_eq "$(down3)" false "server3 before its route went"
rlbctl show | grep -q "backend $(srv4 3):7000 weight 1 dev lb-servers " ||
	fail "show does not say server3 is reached through lb-servers: $(rlbctl show)"

ip -n "$ROUTER_NS" route add unreachable "$(srv4 3)/32"
wait_state true "route unreachable"
rlbctl show | grep -q "backend $(srv4 3):7000 weight 1 DOWN " || fail "show does not say DOWN: $(rlbctl show)"
log "server3's route unreachable: shown DOWN"
for p in tcp udp; do
	new_conns "$p"
	assert_eq "$(jq '.by_backend.server3 // 0' /tmp/new.json)" 0 "new $p echoes answered by server3"
	log "30 new $p echoes while server3 is down: $(jq -c .by_backend /tmp/new.json)"
done
sleep 0.5
touch /tmp/hold.stop
for ((i = 0; i < 300; i++)); do [ -s /tmp/hold.json ] && break; sleep 0.1; done
sed 's/^/#   /' /tmp/hold.out | tail -n 1
held() { jq --arg s "$1" --arg e "$2" '[.connections[] | select(.backend == $s) | select((.error // "") == $e)] | length' /tmp/hold.json; }
assert_eq "$(held server3 reset)" 5 "server3's connections reset"
assert_eq "$(held server1 "")" 5 "server1's connections untouched"
assert_eq "$(held server2 "")" 5 "server2's connections untouched"

ip -n "$ROUTER_NS" route del unreachable "$(srv4 3)/32"
wait_state false "route back"
new_conns tcp
assert_eq "$(jq -c '.by_backend | [.server1, .server2, .server3]' /tmp/new.json)" "[10,10,10]" \
	"new connections with server3 back"
log "route back: server3 up, 30 new connections 10/10/10"
