#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-packet mode splits packets by weight: 1:1 with the module's defaults,
# 1:3 after `lbctl set-weights 1 3`, and 1:3 from `insmod ... weights=1,3`;
# `insmod ... marks=none` starts with no service; `hash_seed=` takes 32
# hex digits, refuses anything else, and cannot be read back.
# Counted on the router's two path links (tx_packets) and in lbctl stats.
. "$(dirname "$0")/lib.sh"

N=${E2E_PACKETS:-4000}

topo_up --router-ns ""
sink_up
lb_load mode=packet
assert_eq "$(lb_json show '.services[0].mode')" packet "mode after insmod mode=packet"
assert_eq "$(lb_json show '[.services[0].targets[].mark] | join(",")')" "0,3" "marks"

split_check "$SINK" "$N" 1 1
read -r t1 t2 < <(lb_target_packets)
log "lbctl stats: target packets $t1 $t2"
assert_near "$t1" "$D1" 8 "lb's count for mark 0 vs path 1's tx"
assert_near "$t2" "$D2" 8 "lb's count for mark 3 vs path 2's tx"

assert_ok rlbctl set-weights 1 3
assert_eq "$(lb_json show '[.services[0].targets[].weight] | join(",")')" "1,3" "weights after set-weights 1 3"
split_check "$SINK" "$N" 1 3

# Weight 0 drains a path: in per-packet mode it gets nothing.
assert_ok rlbctl set-weights 0 1
split_check "$SINK" $((N / 4)) 0 1

lb_unload
lb_load mode=packet weights=1,3
assert_eq "$(lb_json show '[.services[0].targets[].weight] | join(",")')" "1,3" "weights after insmod weights=1,3"
split_check "$SINK" "$N" 1 3

# ICMP echo, client to server, as `ping -f` would: the requests split too,
# although the replies cross the same router (and its default service).
lb_unload
lb_load mode=packet
read -r a1 a2 < <(path_tx)
assert_ok on_client ping -q -f -c "$N" -W 2 "$SERVER"
read -r b1 b2 < <(path_tx)
D1=$((b1 - a1)) D2=$((b2 - a2))
log "$N echo requests to $SERVER (replies cross the router too): path 1 +$D1, path 2 +$D2"
assert_near "$D1" $((N / 2)) $((N / 50 + 8)) "path 1 share of echo requests"
assert_near "$D2" $((N / 2)) $((N / 50 + 8)) "path 2 share of echo requests"

# marks=none: a router that only balances backends starts with no service;
# vips= without marks is refused at insmod.
lb_unload
lb_load marks=none
assert_eq "$(lb_json show '.services | length')" 0 "services after insmod marks=none"
lb_unload
insmod "$(lb_ko)" marks=none vips=10.10.3.0/24 2>/dev/null &&
	fail "insmod marks=none vips=... was accepted"
dmesg | grep -q 'lb: vips= balance over marks=' || fail "no dmesg line for marks=none vips=..."

# hash_seed: Maglev's secret flow hash key, the same on a fleet's routers.
for bad in 0123 0123456789abcdef0123456789abcdef00 0123456789abcdef0123456789abcdeg; do
	insmod "$(lb_ko)" hash_seed=$bad 2>/dev/null && fail "insmod hash_seed=$bad was accepted"
done
dmesg | grep -q 'lb: hash_seed: 32 hex digits' || fail "no dmesg line for a bad hash_seed"
lb_load hash_seed=0123456789abcdef0123456789ABCDEF
[ -e /sys/module/lb/parameters/hash_seed ] && fail "hash_seed is readable in sysfs"
[ -e /sys/module/lb/parameters/flow_max ] || fail "sysfs has no lb parameters to compare with"
log "hash_seed: 3 bad seeds refused, a good one taken, not readable in sysfs"
