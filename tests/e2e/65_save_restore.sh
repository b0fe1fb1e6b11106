#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbctl save and restore on the seed testbed, under traffic: paths (a flow
# service for the server's subnet, a flowlet one for UDP from the client,
# with a mask) and NAT services (a VIP over the server's iperf3, IPv4 and
# IPv6, and a VIP without backends).  While iperf3 runs through the paths
# and through the VIP: restoring the saved file changes nothing (same
# text saved again, same target ids, every flow on its target, counters
# going on, not reset); restoring a changed file (a weight, a path gone)
# makes exactly that configuration, moves only the flows of the path
# that went, keeps the others; TCP through the VIP is never reset.  Then
# save -> restore -> save is the same text, also into another namespace
# (-n), and restore needs CAP_NET_ADMIN where save does not.
. "$(dirname "$0")/lib.sh"

# iperf3 runs past the last check under traffic, even in a slow TCG VM on
# a busy host (40 s was not enough there).
T=${E2E_SECONDS:-75}
[ "$T" -ge 75 ] || T=75
VIP=10.10.3.50 VIP6=fd00:10:3::50
OTHER=lb-restore-other
F=/tmp/e2e-lb.conf

topo_up
lb_load
iperf_server -p 5201
iperf_server -p 5202
iperf_server -p 5203

rlbctl vip add 10.10.3.0/24 mode flow sched wrr || fail "vip add"
rlbctl path add 0 weight 1 vip 10.10.3.0/24 || fail "path add 0"
rlbctl path add 3 weight 1 vip 10.10.3.0/24 || fail "path add 3"
rlbctl vip add 10.10.3.0/24 from 10.10.1.0/24 proto udp iif lb-client \
	mode flowlet timeout 5ms || fail "vip add (flowlet)"
rlbctl path add 3/0xff weight 2 vip 10.10.3.0/24 from 10.10.1.0/24 proto udp \
	iif lb-client || fail "path add 3/0xff"
rlbctl path add 0 vip 10.10.3.0/24 from 10.10.1.0/24 proto udp iif lb-client ||
	fail "path add 0 (flowlet)"
rlbctl vip add $VIP:5202 proto tcp || fail "vip add $VIP:5202"
rlbctl backend add "$VIP:5202" "$SERVER:5202" weight 2 || fail "backend add"
rlbctl vip add "[$VIP6]:5203" proto tcp sched wlc || fail "vip add [$VIP6]:5203"
rlbctl backend add "[$VIP6]:5203" "[$SERVER6]:5203" || fail "backend add (IPv6)"
rlbctl vip add 10.10.3.51:80 proto tcp nat || fail "vip add ... nat"

# A path given no mask takes the bits its service's marks use (0 and 3:
# 0x3), and keeps that default (mask_auto) through save and restore (ids
# below); 3/0xff has its own.
assert_eq "$(rlbctl -j show | jq -c '[.services[].targets[] | select(.kind == "path") |
	[.mark, .mask, .mask_auto]]')" '[[0,3,true],[3,3,true],[3,255,false],[0,3,true]]' \
	"the paths' masks (mark, mask, mask_auto)"
saved=$(rlbctl save) || fail "lbctl save failed"
printf '%s\n' "$saved" >"$F"
printf '%s\n' "$saved" | sed 's/^/#   /'
expect=("vip add 10.10.3.0/24 mode flow sched wrr"
	"path add 0x0 weight 1 vip 10.10.3.0/24"
	"path add 0x3 weight 1 vip 10.10.3.0/24"
	"vip add 10.10.3.0/24 from 10.10.1.0/24 proto udp iif lb-client mode flowlet timeout 5ms sched wrr"
	"path add 0x3/0xff weight 2 vip 10.10.3.0/24 from 10.10.1.0/24 proto udp iif lb-client"
	"path add 0x0 weight 1 vip 10.10.3.0/24 from 10.10.1.0/24 proto udp iif lb-client"
	"vip add $VIP:5202 proto tcp mode flow sched maglev"
	"backend add $VIP:5202 proto tcp $SERVER:5202 weight 2"
	"vip add [$VIP6]:5203 proto tcp mode flow sched wlc"
	"backend add [$VIP6]:5203 proto tcp [$SERVER6]:5203 weight 1"
	"vip add 10.10.3.51:80 proto tcp mode flow sched maglev nat")
assert_match "$(head -n 1 "$F")" '^# .*lbctl .*save' "save's header"
assert_eq "$(tail -n +2 "$F")" "$(printf '%s\n' "${expect[@]}")" "lbctl save"

# What restore must keep: the target ids (and masks), and the flows' targets.
ids() { rlbctl -j show | jq -c '[.services[] | [.targets[] | {id, mark, mask, mask_auto, addr, port}]]'; }
# Flows to iperf3 that had a packet in the last $1 ms (default: any),
# sorted "SRC:SPORT>DST:DPORT TARGET_ID" lines.
flow_targets() {
	rlbctl -j flows | jq -r --argjson ms "${1:-1e12}" '.flows[] |
		select(.dport >= 5201 and .dport <= 5203 and .idle_ms < $ms) |
		"\(.src):\(.sport)>\(.dst):\(.dport) \(.target_id)"' | sort
}
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
# The iperf3 clients still run (they end only after the last check).
still_running() { # WHAT
	local j
	for j in paths:"$paths" vip:"$vip" vip6:"$vip6"; do
		kill -0 "${j#*:}" 2>/dev/null ||
			fail "$1: iperf3 (${j%%:*}) has already ended: $(cat "/tmp/${j%%:*}.json")"
	done
}
# Packets per target, "ID PACKETS" per line.
packets() { rlbctl -j stats | jq -r '.services[].targets[] | "\(.id) \(.stats.packets)"'; }
# Every target of $1 (packets) has at least as many packets in $2.
counters_go_on() { # BEFORE AFTER WHAT
	local id p now
	while read -r id p; do
		now=$(awk -v id="$id" '$1 == id { print $2 }' <<<"$2")
		[ -n "$now" ] || continue
		[ "$now" -ge "$p" ] || fail "$3: target $id counted $p packets, then $now (reset?)"
	done <<<"$1"
}
same_flows() { # BEFORE AFTER WHAT [MOVED_ID]: flows in both keep their target
	local f t n=0
	declare -A was=()
	while read -r f t; do [ -n "$f" ] && was[$f]=$t; done <<<"$1"
	while read -r f t; do
		{ [ -n "$f" ] && [ -n "${was[$f]:-}" ]; } || continue
		if [ -n "${4:-}" ] && [ "${was[$f]}" = "$4" ]; then
			[ "$t" != "$4" ] || fail "$3: flow $f still on target $4, which went"
			continue
		fi
		assert_eq "$t" "${was[$f]}" "$3: target of flow $f"
		n=$((n + 1))
	done <<<"$2"
	KEPT=$n
	[ "$n" -gt 0 ] || printf '#   flows before:\n%s\n#   after:\n%s\n' "$1" "$2"
}

on_client iperf3 -c "$SERVER" -p 5201 -t "$T" -P 4 -b 10M -J >/tmp/paths.json 2>&1 &
paths=$!
on_client iperf3 -c "$VIP" -p 5202 -t "$T" -P 2 -b 5M -J >/tmp/vip.json 2>&1 &
vip=$!
on_client iperf3 -c "$VIP6" -p 5203 -t "$T" -b 5M -J >/tmp/vip6.json 2>&1 &
vip6=$!
BG_PIDS+=("$paths" "$vip" "$vip6")
sleep 2

# The same file, under traffic: nothing changes, nothing restarts.
ids0=$(ids) flows0=$(flow_targets) pk0=$(packets)
[ "$(wc -l <<<"$flows0")" -ge 8 ] || fail "expected iperf3's flows in the table: $flows0"
log "$(wc -l <<<"$flows0") flows of iperf3; restoring the saved file"
assert_ok rlbctl restore -f "$F"
ids1=$(ids)
flows1=$(flow_targets)
pk1=$(packets)
still_running "restore of the saved file"
assert_eq "$ids1" "$ids0" "target ids after restoring the saved file"
assert_eq "$(rlbctl save)" "$saved" "save after restoring the saved file"
counters_go_on "$pk0" "$pk1" "restore of the saved file"
same_flows "$flows0" "$flows1" "restore of the saved file"
assert_ge "$KEPT" 8 "flows seen before and after the restore"
log "restored the saved file under traffic: $KEPT flows on their targets, ids and counters kept"

# A changed file: path 3 of the flow service weighs 3, its path 0 goes.
gone=$(rlbctl -j show | jq -r '.services[0].targets[] | select(.mark == 0) | .id')
grep -v '^path add 0x0 weight 1 vip 10.10.3.0/24$' "$F" |
	sed 's|^path add 0x3 weight 1 vip 10.10.3.0/24$|path add 0x3 weight 3 vip 10.10.3.0/24|' \
	>"$F.changed"
flows1=$(flow_targets)
pk1=$(packets)
t=$(now_ms)
rlbctl restore <"$F.changed" || fail "restore of the changed file from standard input"
pk2=$(packets)
assert_eq "$(rlbctl save)" "$(cat "$F.changed")" "save after restoring the changed file"
assert_eq "$(rlbctl -j show | jq -c '[.services[0].targets[] | [.mark, .weight]]')" \
	"[[3,3]]" "the flow service's paths"
counters_go_on "$pk1" "$pk2" "restore of the changed file"
# The path that went has no flow now: its flows move at their next packet.
sleep 1
flows2=$(flow_targets $(($(now_ms) - t)))
still_running "restore of the changed file"
same_flows "$flows1" "$flows2" "restore of the changed file" "$gone"
assert_ge "$KEPT" 4 "busy flows seen before and after the restore"
log "restored a changed file: path $gone gone, $KEPT flows kept their targets"

for j in paths:"$paths" vip:"$vip" vip6:"$vip6"; do
	rc=0
	wait "${j#*:}" || rc=$?
	out=/tmp/${j%%:*}.json
	[ "$rc" = 0 ] || fail "iperf3 (${j%%:*}) exited $rc: $(jq -r '.error // empty' "$out" 2>/dev/null || tail -n 5 "$out")"
	mb=$(jq -r '.end.sum_received.bytes / 1e6 | floor' "$out")
	log "iperf3 ${j%%:*}: $mb MB, no error across two restores"
	assert_ge "$mb" 1 "MB through ${j%%:*}"
done
rp=$(rlbctl -j stats | jq -r --arg v "$VIP/32" \
	'.services[] | select(.vip == $v and .port == 5202) | .targets[0].stats.reply_packets')
assert_ge "$rp" 100 "replies translated for the VIP's backend"

# save -> restore -> save gives the same text, here and in another netns.
assert_ok rlbctl restore -f "$F"
assert_eq "$(rlbctl save)" "$saved" "save -> restore -> save"
ip netns add "$OTHER" || fail "ip netns add $OTHER"
assert_ok lbctl -n "$OTHER" restore -f "$F"
assert_eq "$(lbctl -n "$OTHER" save)" "$saved" "save in $OTHER after restore -n $OTHER"
assert_eq "$(rlbctl save)" "$saved" "the router's configuration after restore -n $OTHER"
# An empty file empties the namespace.
assert_ok lbctl -n "$OTHER" restore -f /dev/null
assert_eq "$(lbctl -n "$OTHER" save | grep -vc '^#')" 0 "lines saved after restoring nothing"
ip netns del "$OTHER"
log "save -> restore -> save the same, also in $OTHER; an empty file restores nothing"

# restore is a change: CAP_NET_ADMIN; save is not.  (Entering the
# namespace needs root: ip netns exec does, then nobody runs lbctl.)
NOBODY=(ip netns exec "$ROUTER_NS" setpriv --reuid=65534 --regid=65534
	--clear-groups --inh-caps=-all)
expect_fail "${NOBODY[@]}" "$LBCTL" restore -f /dev/null
assert_eq "$RC" 1 "restore as nobody: exit status"
assert_match "$OUT" "CAP_NET_ADMIN|[Pp]ermission|not permitted" "restore as nobody"
assert_eq "$("${NOBODY[@]}" "$LBCTL" save)" "$saved" "save as nobody"
assert_eq "$(rlbctl save)" "$saved" "the configuration after restore as nobody"
log "restore as nobody refused ('$OUT'), save works"
