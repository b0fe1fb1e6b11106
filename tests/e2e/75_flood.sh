#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A SYN flood far beyond flow_max (flow_max=1024; hping3 --flood for 15 s,
# tens of thousands of SYNs from random source addresses, through the
# router to an address that never answers) while 16 TCP connections echo
# through lb in flow mode:
#  - the table never holds more than flow_max flows (memory stays bounded:
#    an entry is one 64-byte line); the overflow is placed by Maglev
#    (fallbacks);
#  - the router keeps forwarding: every held connection goes on echoing,
#    on the path it had before the flood;
#  - the flood's flows never got past their SYN, so they are forgotten
#    after timeout_tcp_syn (10 s): the table recovers by itself, and new
#    connections get entries again.
. "$(dirname "$0")/lib.sh"

command -v hping3 >/dev/null || skip "hping3 missing: run scripts/deps"
MAX=1024
topo_up
sink_up
lb_load flow_max=$MAX
lb_config flow
bg on_server "$TOP/testbed/netns/echo-server" --port 7000
wait_port lb-server 7000
LOADGEN=$TOP/testbed/netns/loadgen

info() { rlbctl -j show | jq -r ".info.$1"; }
fallbacks() { rlbctl -j stats | jq '.services[0].stats.fallbacks'; }
# port target_id of every held connection lb has a flow for, sorted
held_paths() {
	rlbctl -j flows | jq -r --argjson p "$(awk '{ print $3 }' /tmp/hold.ready | jq -sc .)" \
		'.flows[] | select(.dport == 7000 and (.sport as $s | $p | any(. == $s))) | "\(.sport) \(.target_id)"' |
		sort -u	# a dump across a resize of the table may repeat entries
}

rm -f /tmp/hold.*
"$LOADGEN" hold --clients lb-client --per-client 16 --target "$SERVER:7000" --timeout 20 \
	--until /tmp/hold.stop --seconds 600 --ready /tmp/hold.ready --json /tmp/hold.json \
	>/tmp/hold.out 2>&1 &
BG_PIDS+=($!)
for ((i = 0; i < 300; i++)); do [ -s /tmp/hold.ready ] && break; sleep 0.1; done
[ -s /tmp/hold.ready ] || fail "the held connections did not come up: $(cat /tmp/hold.out)"
held_paths >/tmp/before
assert_eq "$(wc -l </tmp/before)" 16 "held connections in the flow table"
f0=$(fallbacks)

on_client timeout -s INT 15 hping3 -q -S -p 5201 --rand-source --flood "$SINK" >/tmp/hping.out 2>&1 &
flood=$!
BG_PIDS+=("$flood")
maxflows=0
while kill -0 "$flood" 2>/dev/null; do
	n=$(info flows)
	[ "$n" -gt "$maxflows" ] && maxflows=$n
	sleep 0.5
done
wait "$flood" || true
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' /tmp/hping.out)
f1=$(fallbacks)
log "flood: ${sent:-?} SYNs sent; table at most $maxflows flows (flow_max $MAX); $((f1 - f0)) packets placed by Maglev"
assert_ge "${sent:-0}" $((4 * MAX)) "SYNs the flood sent"
assert_le "$maxflows" "$MAX" "flows in the table during the flood"
assert_ge $((f1 - f0)) 10000 "flood packets placed by Maglev once the table was full"

held_paths >/tmp/after
assert_eq "$(cat /tmp/after)" "$(cat /tmp/before)" "paths of the held connections after the flood"
log "the 16 connections kept their paths through the flood"

# The flood's flows time out (timeout_tcp_syn) and the GC takes them.
t0=$SECONDS
while [ "$(info flows)" -gt 200 ] && [ $((SECONDS - t0)) -lt 40 ]; do sleep 1; done
n=$(info flows)
log "$((SECONDS - t0)) s after the flood the table holds $n flows (timeout_tcp_syn $(info timeout_tcp_syn) s)"
assert_le "$n" 200 "flows left 40 s after the flood"
f2=$(fallbacks)
"$LOADGEN" echo --clients lb-client --target "$SERVER:7000" --count 20 --quiet --json /tmp/new.json ||
	fail "new connections after the flood failed"
assert_eq "$(fallbacks)" "$f2" "packets placed by Maglev after the table recovered"

touch /tmp/hold.stop
for ((i = 0; i < 300; i++)); do [ -s /tmp/hold.json ] && break; sleep 0.1; done
tail -n 1 /tmp/hold.out | sed 's/^/#   /'
assert_eq "$(jq .failed /tmp/hold.json)" 0 "held connections with an error: $(jq -c '[.connections[] | select(.error) | .detail]' /tmp/hold.json)"
