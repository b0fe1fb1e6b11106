#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The testbed alone, no module: the client reaches the server (IPv4, IPv6,
# TCP) and the router across it; unmarked packets take path 1 and packets
# marked 3 (here by iptables, as in the seed) take path 2.
. "$(dirname "$0")/lib.sh"

topo_up
sink_up
assert_ok on_client ping -q -c 2 -i 0.05 -W 2 "$SERVER"
assert_ok on_client ping -q -c 2 -i 0.05 -W 2 "$SERVER6"
assert_ok on_client ping -q -c 1 -W 2 "$ROUTER"
assert_ok on_client ping -q -c 1 -W 2 "$ROUTER6"

read -r p1 p2 < <(path_tx)
udp_burst lb-client "$SINK" 200
read -r q1 q2 < <(path_tx)
log "200 unmarked datagrams: path 1 +$((q1 - p1)), path 2 +$((q2 - p2))"
assert_near $((q1 - p1)) 200 3 "path 1 packets"
assert_le $((q2 - p2)) 3 "path 2 packets"

on_router iptables -w -t mangle -A PREROUTING -d 10.10.3.0/24 -j MARK --set-mark 3
udp_burst lb-client "$SINK" 200
read -r s1 s2 < <(path_tx)
log "200 datagrams marked 3: path 1 +$((s1 - q1)), path 2 +$((s2 - q2))"
assert_near $((s2 - q2)) 200 3 "path 2 packets"
assert_le $((s1 - q1)) 3 "path 1 packets"
on_router iptables -w -t mangle -F PREROUTING

iperf_server -1
assert_ok on_client iperf3 -c "$SERVER" -n 4M
