#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `lbctl set-weights` and `lbctl set-mode` while iperf3 runs lose no packet
# and break no flow: TCP iperf3 (4 streams) completes without error, and a
# UDP stream at a modest rate reports 0 lost.  The router is its own
# namespace, configured with lbctl.
. "$(dirname "$0")/lib.sh"

T=${E2E_SECONDS:-6}

topo_up
lb_load
lb_config flow
iperf_server -p 5201
iperf_server -p 5202

on_client iperf3 -c "$SERVER" -p 5201 -t "$T" -P 4 -b 20M -J >/tmp/tcp.json 2>&1 &
tcp=$!
on_client iperf3 -c "$SERVER" -p 5202 -u -b 1M -l 500 -t "$T" -J >/tmp/udp.json 2>&1 &
udp=$!
BG_PIDS+=("$tcp" "$udp")
sleep 1

changes=("set-weights 1 3" "set-mode packet" "set-weights 3 1" "set-mode flowlet"
	"set-weights 1 1" "set-mode packet" "set-weights 0 1" "set-mode flow"
	"set-weights 1 0" "set-weights 1 1")
for c in "${changes[@]}"; do
	# shellcheck disable=SC2086 # a command line, split into its words
	assert_ok rlbctl $c
	log "lbctl $c"
	sleep 0.3
done
assert_eq "$(lb_json show '.services[0].mode')" flow "mode after the changes"
assert_eq "$(lb_json show '[.services[0].targets[].weight] | join(",")')" "1,1" "weights after the changes"

rc=0
wait "$tcp" || rc=$?
[ "$rc" = 0 ] || fail "TCP iperf3 exited $rc: $(jq -r '.error // empty' /tmp/tcp.json 2>/dev/null || tail -n 5 /tmp/tcp.json)"
err=$(jq -r '.error // empty' /tmp/tcp.json)
[ -z "$err" ] || fail "TCP iperf3: $err"
mb=$(jq -r '.end.sum_received.bytes / 1e6 | floor' /tmp/tcp.json)
retr=$(jq -r '.end.sum_sent.retransmits // 0' /tmp/tcp.json)
log "TCP: $mb MB received over 4 streams, $retr retransmits"
assert_ge "$mb" 1 "MB received over TCP"

rc=0
wait "$udp" || rc=$?
[ "$rc" = 0 ] || fail "UDP iperf3 exited $rc: $(jq -r '.error // empty' /tmp/udp.json 2>/dev/null || tail -n 5 /tmp/udp.json)"
read -r pk lost ooo < <(jq -r '.end.sum | "\(.packets) \(.lost_packets) \(.out_of_order // 0)"' /tmp/udp.json)
log "UDP: $pk packets, $lost lost, $ooo out of order"
assert_ge "$pk" 100 "UDP packets"
assert_eq "$lost" 0 "UDP packets lost"
