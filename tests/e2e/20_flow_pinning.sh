#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-flow mode keeps every one of 32 parallel TCP flows (iperf3 -P 32) on
# one path and spreads them evenly (16/16 +-2).  The router is its own
# namespace, configured with lbctl: first a service for the server's
# subnet only (the seed's iptables rules matched that direction only),
# then a catch-all service, as `insmod lb.ko mode=flow` makes, which also
# sees the replies.  What each path carried is seen by aggr: an nftables
# set per path collects the source ports that arrived on it.
. "$(dirname "$0")/lib.sh"

P=${E2E_FLOWS:-32}

topo_up
lb_load
on_aggr nft -f - <<'NFT' || fail "nft setup at aggr failed"
table inet lbt {
	set p1 { type inet_service; flags dynamic; size 4096; }
	set p2 { type inet_service; flags dynamic; size 4096; }
	chain pre {
		type filter hook prerouting priority 0;
		iifname "lb-p1" tcp dport 5201 add @p1 { tcp sport }
		iifname "lb-p2" tcp dport 5201 add @p2 { tcp sport }
	}
}
NFT

# flows_check VIP: P parallel TCP flows through the service VIP.
flows_check() {
	local vip=$1 out sets ports s1 s2 p n1=0 n2=0 flows id1 id2 want
	local -A on=() tgt=()
	on_aggr nft flush set inet lbt p1 \; flush set inet lbt p2
	iperf_server -1
	out=$(on_client iperf3 -c "$SERVER" -P "$P" -t 2 -b 4M -J) ||
		fail "iperf3 -P $P failed: $(jq -r .error <<<"$out")"
	assert_eq "$(jq '.end.streams | length' <<<"$out")" "$P" "iperf3 streams"
	log "vip $vip: iperf3 $(jq -r '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out") Mbit/s over $P streams"

	# Source ports of the data streams (the control connection is one more).
	mapfile -t ports < <(jq -r '.start.connected[].local_port' <<<"$out")
	sets=$(on_aggr nft -j list table inet lbt)
	mapfile -t s1 < <(jq -r '.nftables[] | select(.set.name == "p1") | .set.elem // [] | .[]' <<<"$sets")
	mapfile -t s2 < <(jq -r '.nftables[] | select(.set.name == "p2") | .set.elem // [] | .[]' <<<"$sets")
	for p in "${s1[@]}"; do on[$p]=1; done
	for p in "${s2[@]}"; do
		[ -z "${on[$p]:-}" ] || fail "vip $vip: the flow from port $p was seen on both paths"
		on[$p]=2
	done
	for p in "${ports[@]}"; do
		case ${on[$p]:-} in
		1) n1=$((n1 + 1)) ;;
		2) n2=$((n2 + 1)) ;;
		*) fail "vip $vip: data stream from port $p seen on no path" ;;
		esac
	done
	log "vip $vip: every flow on one path; data streams: $n1 on path 1, $n2 on path 2"

	# lb's own view agrees: each stream is one flow entry, on the target
	# whose path aggr saw it on.
	flows=$(rlbctl -j flows)
	read -r id1 id2 < <(rlbctl -j show | jq -r --arg v "$vip" \
		'[.services[] | select(.vip == $v) | .targets[].id] | join(" ")')
	while read -r p t; do
		tgt[$p]=${tgt[$p]:+${tgt[$p]},}$t
	done < <(jq -r '.flows[] | select(.dport == 5201) | "\(.sport) \(.target_id)"' <<<"$flows")
	for p in "${ports[@]}"; do
		if [ "${on[$p]}" = 1 ]; then want=$id1; else want=$id2; fi
		assert_eq "${tgt[$p]:-none}" "$want" "vip $vip: lb's target for the flow from port $p"
	done
	if [ "$vip" = any ]; then
		log "vip any: replies' flows per target: $(jq -r '[.flows[] | select(.sport == 5201) | .target_id] | group_by(.) | map("id \(.[0]): \(length)") | join(", ")' <<<"$flows")"
	fi
	assert_near "$n1" $((P / 2)) 2 "vip $vip: streams on path 1"
	assert_near "$n2" $((P / 2)) 2 "vip $vip: streams on path 2"
}

lb_config flow 1 1 10.10.3.0/24
flows_check 10.10.3.0/24

assert_ok rlbctl vip del 10.10.3.0/24
assert_ok rlbctl flows flush
lb_config flow 1 1 any
flows_check any
