#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-flow mode keeps every one of 32 parallel TCP flows (iperf3 -P 32) on
# one path and spreads them evenly (16/16 +-2).  The router is its own
# namespace, configured with lbctl: first a service for the server's
# subnet only (the seed's iptables rules matched that direction only),
# then a catch-all service, as `insmod lb.ko mode=flow` makes, which also
# sees the replies.  What each path carried is seen by aggr (path_sets_*).
. "$(dirname "$0")/lib.sh"

P=${E2E_FLOWS:-32}

topo_up
lb_load
path_sets_up

# flows_check VIP: P parallel TCP flows through the service VIP.
flows_check() {
	local vip=$1 out ports p flows id1 id2 want
	local -A tgt=()
	path_sets_flush
	iperf_server -1
	out=$(on_client iperf3 -c "$SERVER" -P "$P" -t 2 -b 4M -J) ||
		fail "iperf3 -P $P failed: $(jq -r .error <<<"$out")"
	assert_eq "$(jq '.end.streams | length' <<<"$out")" "$P" "iperf3 streams"
	log "vip $vip: iperf3 $(jq -r '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out") Mbit/s over $P streams"

	# Source ports of the data streams (the control connection is one more).
	mapfile -t ports < <(jq -r '.start.connected[].local_port' <<<"$out")
	path_sets_check "${ports[@]}"
	log "vip $vip: every flow on one path; data streams: $N1 on path 1, $N2 on path 2"

	# lb's own view agrees: each stream is one flow entry, on the target
	# whose path aggr saw it on.
	flows=$(rlbctl -j flows)
	read -r id1 id2 < <(rlbctl -j show | jq -r --arg v "$vip" \
		'[.services[] | select(.vip == $v) | .targets[].id] | join(" ")')
	while read -r p t; do
		tgt[$p]=${tgt[$p]:+${tgt[$p]},}$t
	done < <(jq -r '.flows[] | select(.dport == 5201) | "\(.sport) \(.target_id)"' <<<"$flows")
	for p in "${ports[@]}"; do
		if [ "${PATH_OF[$p]}" = 1 ]; then want=$id1; else want=$id2; fi
		assert_eq "${tgt[$p]:-none}" "$want" "vip $vip: lb's target for the flow from port $p"
	done
	if [ "$vip" = any ]; then
		log "vip any: replies' flows per target: $(jq -r '[.flows[] | select(.sport == 5201) | .target_id] | group_by(.) | map("id \(.[0]): \(length)") | join(", ")' <<<"$flows")"
	fi
	assert_near "$N1" $((P / 2)) 2 "vip $vip: streams on path 1"
	assert_near "$N2" $((P / 2)) 2 "vip $vip: streams on path 2"
}

lb_config flow 1 1 10.10.3.0/24
flows_check 10.10.3.0/24

assert_ok rlbctl vip del 10.10.3.0/24
assert_ok rlbctl flows flush
lb_config flow 1 1 any
flows_check any
