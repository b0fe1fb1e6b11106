#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv6 works the same: per-packet split 1:1 and 1:3 over v6, per-flow keeps
# a v6 TCP connection on one path, and v6 traffic crosses the router.
. "$(dirname "$0")/lib.sh"

N=${E2E_PACKETS:-4000}

topo_up --router-ns ""
sink_up
lb_load mode=packet
split_check "$SINK6" "$N" 1 1
assert_ok rlbctl set-weights 1 3
split_check "$SINK6" "$N" 1 3

# A v6-only service next to the catch-all one wins for v6 (more specific).
assert_ok rlbctl vip add fd00:10:3::/64 mode packet
assert_ok rlbctl path add 3 weight 1 vip fd00:10:3::/64
split_check "$SINK6" $((N / 2)) 0 1
assert_ok rlbctl vip del fd00:10:3::/64
split_check "$SINK6" "$N" 1 3

# Flow mode over v6: one TCP connection stays on one path.
assert_ok rlbctl set-mode flow
iperf_server -1
read -r a1 a2 < <(path_tx tx_bytes)
out=$(on_client iperf3 -6 -c "$SERVER6" -n 4M -J) ||
	fail "iperf3 over v6: $(jq -r '.error // empty' <<<"$out")"
read -r b1 b2 < <(path_tx tx_bytes)
d1=$((b1 - a1)) d2=$((b2 - a2))
# What the server received: iperf3 -n may end the test (and reset the
# data connection) before the last of the 4 MiB the client wrote crossed.
got=$(jq '.end.sum_received.bytes' <<<"$out")
log "one v6 TCP connection (+ control) in flow mode: path 1 +$d1 bytes, path 2 +$d2 bytes; $got bytes received"
# The data connection is on one path; the other has at most the control
# connection's few packets.
[ "$d1" -lt "$d2" ] || { t=$d1; d1=$d2; d2=$t; }
assert_le "$d1" 20000 "bytes on the quieter path"
assert_ge "$got" 3000000 "bytes the server received"
assert_ge "$d2" "$got" "bytes on the busier path"
flows=$(rlbctl -j flows)
n6=$(jq '[.flows[] | select(.dport == 5201)] | length' <<<"$flows")
log "lb flow table: $n6 flows to port 5201"
assert_ge "$n6" 1 "v6 flows to port 5201 in lbctl flows"
assert_ok on_client ping -q -c 3 -i 0.1 -W 2 "$SERVER6"
