#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Flow memory across namespaces: all namespaces' tables together stay
# within flow_max_total (as each stays within flow_max), the GC of a
# namespace whose table is empty never wakes up, and the flow cache is a
# slab cache of its own (never merged with another, so that a leaked entry
# is reported by name at unload; kernels from 6.5).  Before the fix three
# namespaces kept 3 x flow_max flows, and every namespace's GC ran every
# second for ever, traffic or not.
. "$(dirname "$0")/lib.sh"

MAX=1000 TOTAL=1500 NS=3

D=$(mktemp -d)
# N UDP flows from the namespace's own stack, through a veth whose far end
# receives them (veth_sink.sh; lb's hook keeps a flow for each).
cat >"$D/flood.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"lb", ("10.99.0.2", 1024 + i))
PY
ns_up() { # NAME
	ip netns add "$1"
	ip netns exec "$1" "$E2E_DIR/veth_sink.sh"
	lbctl -n "$1" vip add 10.99.0.0/24 mode flow >/dev/null
	lbctl -n "$1" path add 1 >/dev/null
	lbctl -n "$1" path add 2 >/dev/null
}

lb_load flow_max=$MAX flow_max_total=$TOTAL timeout_udp=8
assert_eq "$(lbctl -j show | jq .info.flow_max_total)" $TOTAL "flow_max_total shown"

# --- GC: silent while no table has entries ----------------------------
T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs nodev $T
# gc_runs SECONDS: runs of the flow GC (any namespace) in that time
gc_runs() {
	echo 0 >$T/tracing_on
	: >$T/trace
	echo 1 >$T/events/workqueue/workqueue_execute_start/enable
	echo 1 >$T/tracing_on
	sleep "$1"
	echo 0 >$T/tracing_on
	grep -c 'lb_flow_gc_work' $T/trace || true
}
for i in $(seq 1 20); do ip netns add "lb-idle$i"; done
idle=$(gc_runs 3)
log "21 namespaces, no flow: $idle runs of the flow GC in 3 s"
assert_eq "$idle" 0 "runs of the flow GC while no table has entries"

# --- the bound across namespaces ---------------------------------------
for i in $(seq 1 $NS); do ns_up "lb-f$i"; done
for i in $(seq 1 $NS); do ip netns exec "lb-f$i" python3 "$D/flood.py" $MAX; done
total=0 fb=0 per=()
for i in $(seq 1 $NS); do
	s=$(lbctl -n "lb-f$i" -j stats)
	n=$(jq .info.flows <<<"$s")
	per+=("$n")
	total=$((total + n))
	fb=$((fb + $(jq '[.services[].stats.fallbacks] | add' <<<"$s")))
	assert_le "$n" $MAX "flows kept by namespace lb-f$i"
done
log "$NS namespaces x $MAX flows, flow_max $MAX, flow_max_total $TOTAL: kept ${per[*]} ($total), $fb placed statelessly"
# Read without summing the CPUs, the total may pass by a batch per CPU
# (percpu_counter_batch: the larger of 32 and twice the CPUs).
cpus=$(nproc)
slack=$((cpus * (2 * cpus > 32 ? 2 * cpus : 32)))
assert_le "$total" $((TOTAL + slack)) "flows kept in all namespaces"
assert_ge "$total" $((TOTAL - slack)) "flows kept in all namespaces"
assert_ge "$fb" $((NS * MAX - TOTAL - slack)) "flows placed statelessly"

# Busy tables are swept; emptied, their GC goes quiet again.
busy=$(gc_runs 2)
assert_ge "$busy" 1 "runs of the flow GC while tables have entries"
for i in $(seq 1 200); do
	left=0
	for j in $(seq 1 $NS); do
		left=$((left + $(lbctl -n "lb-f$j" -j show | jq .info.flows)))
	done
	[ "$left" = 0 ] && break
	sleep 0.1
done
assert_eq "$left" 0 "flows left 20 s after the last packet (timeout_udp=8)"
sleep 1.2	# the sweep that found the tables empty
after=$(gc_runs 3)
log "GC runs: $busy in 2 s with flows, $after in 3 s once the tables emptied"
assert_eq "$after" 0 "runs of the flow GC once every table is empty"

# --- a cache of its own --------------------------------------------------
if [ -e /sys/kernel/slab/lb_flow ]; then
	if [ "$(printf '%s\n' "$(uname -r)" 6.5 | sort -V | head -1)" = 6.5 ]; then
		[ ! -L /sys/kernel/slab/lb_flow ] ||
			fail "the flow cache is merged with $(readlink /sys/kernel/slab/lb_flow)"
		log "the flow cache is a cache of its own"
	else
		log "$(uname -r) merges caches lb cannot keep apart (no SLAB_NO_MERGE before 6.5): lb_flow -> $(readlink /sys/kernel/slab/lb_flow || echo itself)"
	fi
fi
for i in $(seq 1 20); do ip netns del "lb-idle$i"; done
for i in $(seq 1 $NS); do ip netns del "lb-f$i"; done
lb_unload
