#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod under traffic leaves no warning in the kernel log and traffic goes
# on (unmarked, so all on path 1).  lb has state in two namespaces when it
# goes: the module's default service in the VM (the router) and an
# lbctl-made one in another namespace; flows in the table; then load and
# unload again a few times while packets cross.
# Single-threaded TCG: see "Multi-threaded TCG" in scripts/vm.
# vm-options: --tcg single
. "$(dirname "$0")/lib.sh"

topo_up --router-ns ""
lb_load mode=flow
ip netns add lb-extra
ip -n lb-extra link set lo up
LBX=("$LBCTL" -n lb-extra)
assert_ok "${LBX[@]}" vip add any mode packet
assert_ok "${LBX[@]}" path add 0
assert_ok "${LBX[@]}" path add 3 weight 2

iperf_server -p 5201
iperf_server -p 5202
on_client iperf3 -c "$SERVER" -p 5201 -t 6 -P 4 -b 20M -J >/tmp/tcp.json 2>&1 &
tcp=$!
on_client iperf3 -c "$SERVER" -p 5202 -u -b 1M -l 500 -t 6 -J >/tmp/udp.json 2>&1 &
udp=$!
bg on_client ping -q -i 0.01 -w 60 "$SERVER" >/dev/null
BG_PIDS+=("$tcp" "$udp")
# Traffic in lb-extra too: its loopback goes through its hook.
bg ip netns exec lb-extra ping -q -i 0.01 -w 60 127.0.0.1 >/dev/null
sleep 1.5

nflows=$(lb_json flows '.flows | length')
log "flows in the table before rmmod: $nflows"
assert_ge "$nflows" 4 "flows before rmmod"
lb_unload
log "rmmod lb done"
dmesg_check || fail "kernel complaint at rmmod"
sleep 1
# Traffic goes on, unmarked: 50 packets on path 1 (the ping alone sends
# 100 a second), none on path 2.  Waited for up to 10 s, not a fixed
# second: on a busy host the VM's second may be a few of the host's.
read -r b1 b2 < <(path_tx)
t0=$EPOCHSECONDS
while :; do
	sleep 0.5
	read -r c1 c2 < <(path_tx)
	[ $((c1 - b1)) -ge 50 ] || [ $((EPOCHSECONDS - t0)) -ge 10 ] && break
done
log "path 1: +$((c1 - b1)) packets, path 2: +$((c2 - b2)) after rmmod"
assert_ge $((c1 - b1)) 50 "path 1 packets after rmmod"
assert_le $((c2 - b2)) 5 "path 2 packets after rmmod"

# Load and unload under the same traffic, a few times.
for _ in 1 2 3; do
	lb_load mode=packet
	sleep 0.3
	lb_unload
done
log "3 more load/unload cycles done"

rc=0
wait "$tcp" || rc=$?
[ "$rc" = 0 ] || fail "TCP iperf3 exited $rc: $(jq -r '.error // empty' /tmp/tcp.json 2>/dev/null)"
rc=0
wait "$udp" || rc=$?
[ "$rc" = 0 ] || fail "UDP iperf3 exited $rc: $(jq -r '.error // empty' /tmp/udp.json 2>/dev/null)"
read -r pk lost < <(jq -r '.end.sum | "\(.packets) \(.lost_packets)"' /tmp/udp.json)
log "UDP through it all: $pk packets, $lost lost"
assert_ge "$pk" 100 "UDP packets"
assert_ok on_client ping -q -c 2 -i 0.1 -W 2 "$SERVER"
ip netns del lb-extra
