#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 1000 configuration changes under load lose nothing.  Both seeds' testbeds
# at once: seed 000's (paths, router lb-router: 8 TCP connections held
# open, echoing every 0.1 s, and a ping every 10 ms counting losses) and
# seed 002's (backends, router lb-svc-router: HTTP fetches, each a new
# connection, and 10 echo connections held open).  Changes, drawn at
# random (the seed is printed; E2E_SEED repeats a run): path weights,
# modes, schedulers, a third path added and removed; backend weights of
# both services, and a web backend drained, removed and added back (after
# its connections finished: a removal resets only connections still open
# on it, and it has none), applied with lbctl -b in chunks.  The load runs
# until the changes are done, however long they take.  Nothing may
# break: no ping and no iperf3 datagram lost, every iperf3 run and held
# connection without an error, every HTTP request answered.
# vm-options: --timeout 600
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

N=${E2E_CHANGES:-1000}
SEED=${E2E_SEED:-$((EPOCHSECONDS % 32768))}
RANDOM=$SEED
log "$N changes, seed $SEED"

lb_load marks=none
topo_up
svc_up
MORE_TESTBEDS=("$SVC_TESTBED")
TESTBED=$TOP/testbed/netns/seed
ROUTER_NS=lb-router
lb_config flow
pl() { "$LBCTL" -n lb-router "$@"; }
sl() { "$LBCTL" -n lb-svc-router "$@"; }
ROUTER_NS=lb-svc-router
svc_echo "$VIP:9876" tcp wrr
rlbctl vip add "$VIP:8080" proto tcp || fail "vip add $VIP:8080 failed"
for j in 1 2 3; do
	rlbctl backend add "$VIP:8080" "$(srv4 "$j"):$((8030 + j))" || fail "backend add server$j failed"
done
ROUTER_NS=lb-router

modes=(packet flow flowlet) scheds=(wrr maglev wlc)
# The changes, drawn up front: a batch file per router (lbctl -b), in
# chunks of 50 with a pause of 0.2 s between chunks, so that a change
# lands at any moment of the traffic and a drained web backend has a
# second or more (its 200 changes) to finish its connections.  No $(...)
# in this loop: each forks, and thousands of forks take minutes in a
# TCG VM.
path3=0 web3=present since=0
rm -f /tmp/changes.*
for ((n = 1; n <= N; n++)); do
	w1=$((RANDOM % 4 + 1)) w2=$((RANDOM % 4 + 1)) w3=$((RANDOM % 4 + 1))
	j=$((RANDOM % 3 + 1))
	case $((RANDOM % 8)) in
	0) r=pl c="set-weights $w1 $w2"; [ "$path3" = 1 ] && c+=" $w3" ;;
	1) r=pl c="set-mode ${modes[RANDOM % 3]}" ;;
	2) r=pl c="set-sched ${scheds[RANDOM % 3]}" ;;
	3) r=pl
	   if [ "$path3" = 0 ]; then c="path add 5 weight $w1"; path3=1
	   else c="path del 5"; path3=0; fi ;;
	4) r=sl c="backend set $VIP:9876 proto tcp 10.0.2.$((30 + j)):7000 weight $w1" ;;
	5) j=$((j % 2 + 1))
	   r=sl c="backend set $VIP:8080 10.0.2.$((30 + j)):$((8030 + j)) weight $w1" ;;
	*) # server3 of the web service: drained, removed once its connections
	   # are done (200 changes later), added back 200 changes after that.
	   r=pl c="show"
	   if [ $((n - since)) -ge 200 ]; then
		r=sl
		case $web3 in
		present) c="backend set $VIP:8080 10.0.2.33:8033 weight 0"; web3=drained ;;
		drained) c="backend del $VIP:8080 10.0.2.33:8033"; web3=removed ;;
		removed) c="backend add $VIP:8080 10.0.2.33:8033"; web3=present ;;
		esac
		since=$n
	   fi ;;
	esac
	echo "$c" >>"/tmp/changes.$((n / 50)).$r"
done

# The path testbed's server echoes too.
bg on_server "$TOP/testbed/netns/echo-server" --port 7000
wait_port lb-server 7000
rm -f /tmp/stop /tmp/*.ready
iperf_server -p 5201
iperf_server -p 5202
# iperf3 in runs of 10 s until the changes are done; each run's JSON kept.
iperf_runs() { # NAME IPERF3-ARGS...
	local name=$1 i=0
	shift
	while [ ! -e /tmp/stop ]; do
		i=$((i + 1))
		on_client iperf3 -c "$SERVER" -t 10 -J "$@" >"/tmp/$name.$i.json" 2>&1 ||
			echo "$i" >>"/tmp/$name.failed"
	done
}
iperf_runs tcp -p 5201 -P 2 -b 10M &
itcp=$!
# A big receive buffer: a VM on a busy host may not run the server for a
# while, and a full socket buffer is a loss that is not the router's.
sysctl -qw net.core.rmem_max=16777216 net.core.wmem_max=16777216
iperf_runs udp -p 5202 -u -b 2M -l 1000 -w 8M &
iudp=$!
BG_PIDS+=("$itcp" "$iudp")
ip netns exec lb-client ping -q -i 0.01 "$SERVER" >/tmp/ping.out 2>&1 &
ping=$!
BG_PIDS+=("$ping")
"$LOADGEN" hold --clients lb-client --per-client 8 --target "$SERVER:7000" --until /tmp/stop \
	--seconds 900 --ready /tmp/phold.ready --json /tmp/phold.json >/tmp/phold.out 2>&1 &
phold=$!
echo "0 * 100 1000000 0.05" >/tmp/http.load
"$LOADGEN" run /tmp/http.load --until /tmp/stop --deadline 900 --quiet --json /tmp/http.json \
	>/tmp/http.out 2>&1 &
http=$!
"$LOADGEN" hold --per-client 2 --until /tmp/stop --seconds 900 --ready /tmp/hold.ready \
	--json /tmp/hold.json >/tmp/hold.out 2>&1 &
hold=$!
BG_PIDS+=("$phold" "$http" "$hold")
for ((i = 0; i < 300; i++)); do [ -s /tmp/hold.ready ] && [ -s /tmp/phold.ready ] && break; sleep 0.1; done
[ -s /tmp/hold.ready ] || fail "the held connections did not come up: $(cat /tmp/hold.out)"
[ -s /tmp/phold.ready ] || fail "the held connections did not come up: $(cat /tmp/phold.out)"

log "the load runs; the changes begin"
t0=$EPOCHREALTIME
for ((k = 0; k <= N / 50; k++)); do
	for r in pl sl; do
		f=/tmp/changes.$k.$r
		[ -f "$f" ] || continue
		"$r" -b "$f" >/dev/null || fail "lbctl -b (chunk $k of the changes, $r) failed"
	done
	[ $(((k + 1) * 50 % 250)) = 0 ] && log "$(((k + 1) * 50)) changes"
	sleep 0.2
done
secs=$(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000000 ))
log "$N changes in $secs s"
touch /tmp/stop

for h in phold hold; do
	rc=0
	wait "${!h}" || rc=$?
	tail -n 1 "/tmp/$h.out" | sed 's/^/#   /'
	assert_eq "$rc" 0 "held echo connections ($h) through the changes: $(jq -c '[.connections[] | select(.error) | .detail]' "/tmp/$h.json" 2>/dev/null)"
done
rc=0
wait "$http" || rc=$?
assert_eq "$(jq '.overall.errors' /tmp/http.json)" 0 "HTTP requests that failed: $(jq -c '.errors' /tmp/http.json)"
assert_eq "$rc" 0 "loadgen run exit"
nreq=$(jq '.overall.requests' /tmp/http.json)
assert_ge "$nreq" 100 "HTTP requests during the changes"
log "HTTP: $nreq requests, every one answered ($(jq -c '.backends | map_values(.requests)' /tmp/http.json))"

wait "$itcp" "$iudp"
for f in /tmp/tcp.failed /tmp/udp.failed; do
	[ -e "$f" ] || continue
	r=/tmp/$(basename "$f" .failed).$(head -n 1 "$f").json
	fail "iperf3 run $r failed: $(jq -r '.error // empty' "$r" 2>/dev/null || tail -n 5 "$r")"
done
# One jq for all runs' files: a fork costs in a TCG VM.
err=$(jq -r '.error // empty' /tmp/tcp.*.json /tmp/udp.*.json) || fail "iperf3 left output that is not JSON"
[ -z "$err" ] || fail "iperf3: $err"
read -r runs mbit < <(jq -rs '"\(length) \([.[].end.sum_received.bits_per_second] | add / length / 1e6 | . * 10 | round / 10)"' /tmp/tcp.*.json)
read -r usent lost perrun < <(jq -rs '"\([.[].end.sum.packets] | add) \([.[].end.sum.lost_packets] | add) \([.[].end.sum.lost_packets] | map(tostring) | join(","))"' /tmp/udp.*.json)
log "iperf3: $runs TCP runs (mean $mbit Mbit/s), UDP $usent datagrams, $lost lost (per run: $perrun)"

kill -INT "$ping"
wait "$ping" || true
read -r sent got < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' /tmp/ping.out)
log "ping through the path service: $sent sent, $got answered"
assert_ge "$runs" 3 "TCP iperf3 runs during the changes"
assert_eq "$lost" 0 "UDP iperf3 datagrams lost"
assert_ge "${sent:-0}" 1000 "pings sent during the changes"
assert_eq "$got" "$sent" "pings answered"
