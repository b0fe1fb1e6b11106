#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Path failover (seed topology, flow mode, paths mark 0 and mark 3).
# Eight UDP streams at 62.5 packets/s each, placed 4 and 4, measure the
# outage in the data plane: a stream on path 2 loses what it sends until
# lb moves it, so moving all of them within a second loses at most 4 x
# 62.5 = 250 packets.  TCP connections held open and echoing must not
# break (they follow at their next segment, which retransmission backoff
# may hold back for seconds after the loss).
# With the seed's catch-all service: path 2's link loses carrier (aggr's
# end goes down); lbctl shows it DOWN and the streams move; the link comes
# back: up again, and new connections use it.  Then with a service for the
# server's prefix only, whose path-2 table ends with "unreachable default"
# (its traffic must not go on to the main table unseen; the catch-all
# could not have that: it marks the replies to the client too): path 2's
# route goes, it is down and the streams move; the route comes back: up.
# Backends: 99.
. "$(dirname "$0")/lib.sh"

LOADGEN=$TOP/testbed/netns/loadgen
topo_up
lb_load
lb_config flow
bg on_server "$TOP/testbed/netns/echo-server" --port 7000
wait_port lb-server 7000
iperf_server -p 5201

# hold TAG N: N connections client -> server:7000, until /tmp/TAG.stop.
hold() {
	rm -f "/tmp/$1".*
	"$LOADGEN" hold --clients lb-client --per-client "$2" --target "$SERVER:7000" --timeout 20 \
		--until "/tmp/$1.stop" --seconds 600 --ready "/tmp/$1.ready" \
		--json "/tmp/$1.json" >"/tmp/$1.out" 2>&1 &
	BG_PIDS+=($!)
	local i
	for ((i = 0; i < 300; i++)); do [ -s "/tmp/$1.ready" ] && return 0; sleep 0.1; done
	fail "the $1 connections did not come up: $(cat "/tmp/$1.out")"
}
hold_end() { # TAG: every connection without error
	local i
	touch "/tmp/$1.stop"
	for ((i = 0; i < 300; i++)); do [ -s "/tmp/$1.json" ] && break; sleep 0.1; done
	tail -n 1 "/tmp/$1.out" | sed 's/^/#   /'
	assert_eq "$(jq .failed "/tmp/$1.json")" 0 "$1 connections with an error: $(jq -c '[.connections[] | select(.error) | .detail]' "/tmp/$1.json")"
}
ids() { read -r ID1 ID2 < <(rlbctl -j show | jq -r '[.services[0].targets[].id] | join(" ")'); }
# on_path TAG ID: how many of TAG's connections lb has on target ID.
on_path() {
	rlbctl -j flows | jq --argjson id "$2" --argjson p "$(awk '{ print $3 }' "/tmp/$1.ready" | jq -sc .)" \
		'[.flows[] | select(.dport == 7000 and .target_id == $id and (.sport as $s | $p | any(. == $s)))] | length'
}
down2() { rlbctl -j show | jq -r ".services[0].targets[] | select(.id == $ID2) | .down"; }
wait_state() { # true|false WHAT
	local i
	for ((i = 0; i < 100; i++)); do [ "$(down2)" = "$1" ] && return 0; sleep 0.1; done
	fail "$2: path 2 not down=$1 within 10 s"
}

# outage EVENT REPAIR: 8 UDP streams for 8 s, EVENT 3 s in; fails if the
# streams lost more than a second's worth on path 2.  REPAIR after.
outage() {
	local lost sent
	on_client iperf3 -c "$SERVER" -p 5201 -u -P 8 -b 100K -l 200 -t 8 -J >/tmp/udp.json 2>&1 &
	local pid=$!
	BG_PIDS+=("$pid")
	sleep 3
	eval "$1"
	wait "$pid" || fail "UDP iperf3 failed: $(jq -r '.error // empty' /tmp/udp.json)"
	read -r sent lost < <(jq -r '.end.streams | "\(map(.udp.packets) | add) \(map(.udp.lost_packets) | add)"' /tmp/udp.json)
	log "$1: the 8 streams lost $lost of $sent packets (an outage of about $((lost * 1000 / 250)) ms for the 4 on path 2)"
	assert_le "$lost" 250 "UDP packets lost moving off path 2 (4 streams x 62.5/s x 1 s)"
	wait_state true "$1"
	eval "$2"
}

ids
hold a 16
assert_eq "$(on_path a "$ID1") $(on_path a "$ID2")" "8 8" "connections on path 1 and path 2"
assert_eq "$(down2)" false "path 2 before the failure"
rlbctl show | grep -Eq "mark 0x3/0x3 weight 1 dev ([^ ]*,)?lb-p2[ ,]" ||
	fail "show does not say path 2 leads out of lb-p2: $(rlbctl show)"

# Carrier lost, and back.
outage "on_aggr ip link set lb-p2 down" :
rlbctl show | grep -q "mark 0x3/0x3 weight 1 DOWN " || fail "show does not say DOWN: $(rlbctl show)"
for ((i = 0; i < 150; i++)); do [ "$(on_path a "$ID1")" = 16 ] && break; sleep 0.1; done
assert_eq "$(on_path a "$ID1")" 16 "connections on path 1 (15 s after the carrier went)"
on_aggr ip link set lb-p2 up
wait_state false "carrier back"
hold b 8
assert_eq "$(on_path b "$ID1") $(on_path b "$ID2")" "4 4" "new connections on path 1 and path 2"
log "carrier back: path 2 up, and new connections use it"

# Route gone, and back (a service for the server's prefix only).
assert_ok rlbctl vip del any
lb_config flow 1 1 10.10.3.0/24
on_router ip route add unreachable default table 100
ids
outage "on_router ip route del 10.10.3.0/24 table 100" \
	"on_router ip route add 10.10.3.0/24 via 10.10.2.4 dev lb-p2 table 100"
wait_state false "route back"
log "route back: path 2 up"

hold_end a
hold_end b
log "no connection broke through two failures of path 2"
