#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbctl monitor and lbctl stats -w (seed topology; the router's services
# all made by lbctl: lb loaded with marks=none).
# Three monitors run while every kind of change is made: text, -j, and -t
# with a selector as nobody (events need no privilege).  Each must print
# exactly the expected events, in order: vip add|set|del, path and backend
# add|set|del, set-weights, set-mode, set-sched, flows flush, restore; a
# path's link losing carrier and coming back (as 55), a backend's route
# going unreachable and back (as 99).  Commands the kernel refuses, and
# writes by nobody, between two changes emit nothing.  SIGINT and SIGTERM
# end monitors with status 0.  A stopped monitor overruns its socket: it
# says events were lost and goes on.  rmmod lb ends a monitor, exit 1.
# Then stats -w under a UDP stream of 100 datagrams/s (iperf3, paced): the
# rates (packets/s near 100, bits/s 4224 per packet of 528 bytes), a target
# added between two samples shows no rate until its second sample, one
# deleted is gone; the text tables; SIGINT.  (ping -i 0.01 is no measure:
# in a TCG VM it sends 50 a second, not 100.)
# A loaded host makes it slow (1 minute alone, 5 beside two other VMs).
# vm-options: --timeout 900
. "$(dirname "$0")/lib.sh"

NET=10.10.3.0/24	# the path service: traffic to the server's network
SVC=10.0.0.100:9876	# the NAT service's VIP:PORT
BE1=10.10.3.50:7000 BE2=10.10.3.51:7000	# routed out of lb-p1
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

topo_up
lb_load marks=none

# monitor TAG [LBCTL OPTIONS...]: lbctl OPTIONS monitor in the router, its
# output in /tmp/mon.TAG; its pid (lbctl's own, for signals) in MON[TAG].
declare -A MON=()
monitor() {
	local tag=$1
	shift
	"$LBCTL" -n "$ROUTER_NS" "$@" monitor >"/tmp/mon.$tag" 2>"/tmp/mon.$tag.err" &
	MON[$tag]=$!
	BG_PIDS+=($!)
}
rm -f /tmp/mon.*
monitor txt
monitor json -j
# As nobody (in the router's namespace: -n needs CAP_SYS_ADMIN), with -t
# and only the path service's events.
ip netns exec "$ROUTER_NS" "${NOBODY[@]}" "$LBCTL" -t monitor vip "$NET" \
	>/tmp/mon.sel 2>/tmp/mon.sel.err &
MON[sel]=$!
BG_PIDS+=($!)

# Until every monitor has joined: a flush each 0.2 s until all print it.
for ((i = 0; i < 50; i++)); do
	rlbctl flows flush || fail "flows flush failed"
	sleep 0.2
	n=0
	for t in txt json sel; do grep -q "flush" "/tmp/mon.$t" && n=$((n + 1)); done
	[ "$n" = 3 ] && break
done
[ "$n" = 3 ] || fail "the monitors printed nothing in 10 s: $(cat /tmp/mon.*.err)"
log "three monitors listening"

# Every kind of change, and the line each must print.  The changes go in
# batches (lbctl -b: a process costs a second in a loaded VM).
expected=() batch=()
change() { # "EXPECTED LINE" LBCTL ARGS...
	expected+=("$1")
	shift
	batch+=("$*")
}
apply() {
	printf '%s\n' "${batch[@]}" >/tmp/changes.batch
	batch=()
	assert_ok rlbctl -b /tmp/changes.batch
}
# state "EXPECTED LINE" COMMAND...: COMMAND changes a target's state; the
# line must come within 10 s.
state() {
	local line=$1 i
	shift
	apply
	expected+=("$line")
	"$@" || fail "'$*' failed"
	for ((i = 0; i < 100; i++)); do grep -qxF "$line" /tmp/mon.txt && return 0; sleep 0.1; done
	fail "no '$line' within 10 s of '$*': $(tail -n 3 /tmp/mon.txt)"
}
change "vip add $NET mode flow sched wrr" vip add "$NET" mode flow
change "path add 0x0 weight 1 vip $NET" path add 0 vip "$NET"
change "path add 0x3 weight 2 vip $NET" path add 3 weight 2 vip "$NET"
apply

# Refused: by the kernel, and writes without privilege.  No event.
printf '%s\n' "vip add $NET" "path add 3 vip $NET" "path add 3 vip $NET" >/tmp/dup.conf
refusals=("path add 3 vip $NET" "vip add $NET" "set-weights 1 vip $NET"
	"path set 9 weight 1 vip $NET" "path del 9 vip $NET" "restore -f /tmp/dup.conf")
for c in "${refusals[@]}"; do
	# shellcheck disable=SC2086 # a command line, split into its words
	expect_fail rlbctl $c
	assert_eq "$RC" 1 "exit status of the refused 'lbctl $c' ($OUT)"
done
expect_fail ip netns exec "$ROUTER_NS" "${NOBODY[@]}" "$LBCTL" path add 7 vip "$NET"
log "${#refusals[@]} changes refused by the kernel and one by nobody: '$OUT'"

change "set-weights 1 3 vip $NET" set-weights 1 3 vip "$NET"
change "vip set $NET mode flowlet timeout 2ms sched wrr" set-mode flowlet timeout 2ms vip "$NET"
change "vip set $NET mode flowlet timeout 2ms sched wlc" set-sched wlc vip "$NET"
change "vip set $NET mode flow sched wlc" vip set "$NET" mode flow
change "path set 0x3 weight 1 vip $NET" path set 3 weight 1 vip "$NET"
change "path set 0x3/0xff weight 1 vip $NET" path set 3 mask 0xff vip "$NET"
change "path set 0x3/0xffffffff weight 1 vip $NET" path set 3 mask 0xffffffff vip "$NET"
change "path set 0x3 weight 1 vip $NET" path set 3 mask auto vip "$NET"

state "path 0x3 down vip $NET" on_aggr ip link set lb-p2 down
rlbctl show | grep -q "mark 0x3/0x3 weight 1 DOWN" || fail "show does not say DOWN: $(rlbctl show)"
state "path 0x3 up dev lb-p2 vip $NET" on_aggr ip link set lb-p2 up
change "flows flush" flows flush
change "stats reset vip $NET" stats reset vip "$NET"
change "stats reset" stats reset

N="$SVC proto tcp"	# the NAT service as save (and monitor) names it
change "vip add $N mode flow sched wrr" vip add "$SVC" proto tcp
change "vip add 10.0.0.101:53 proto udp mode flow sched maglev nat" vip add 10.0.0.101:53 proto udp nat
change "backend add $N $BE1 weight 1" backend add "$SVC" "$BE1"
change "backend add $N $BE2 weight 2" backend add "$SVC" "$BE2" weight 2
change "backend set $N $BE2 weight 0" backend set "$SVC" "$BE2" weight 0
state "backend $N $BE1 down" on_router ip route add unreachable "${BE1%:*}/32"
state "backend $N $BE1 up dev lb-p1" on_router ip route del unreachable "${BE1%:*}/32"
change "backend del $N $BE2" backend del "$SVC" "$BE2"
change "path del 0x0 vip $NET" path del 0 vip "$NET"
apply
rlbctl save >/tmp/saved.conf || fail "save failed"
change "restore services 3" restore -f /tmp/saved.conf
change "vip del 10.0.0.101:53 proto udp" vip del 10.0.0.101:53 proto udp
change "vip del $N" vip del "$SVC" proto tcp
change "flows flush" flows flush	# the last: when it is out, all are
apply

# The last flush is the only one after the restore, which all three see.
for t in txt json sel; do
	for ((i = 0; i < 50; i++)); do
		grep -q restore "/tmp/mon.$t" && tail -n 1 "/tmp/mon.$t" | grep -q flush && break
		sleep 0.1
	done
done

# What a monitor printed after the flushes of the start.
events() { awk 'f || !/flows flush/ { f = 1; print }' "$1"; }
got=$(events /tmp/mon.txt)
want=$(printf '%s\n' "${expected[@]}")
[ "$got" = "$want" ] || fail "lbctl monitor printed, against what was expected:
$(diff <(echo "$want") <(echo "$got"))"
log "text: the ${#expected[@]} events, exactly and in order; e.g. '${expected[10]}'"

# -t, a selector, nobody: the path service's events, flushes and restore.
got=$(events /tmp/mon.sel)
ts='^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\] '
while read -r l; do assert_match "$l" "$ts" "a line of monitor -t"; done <<<"$got"
want=$(grep -E "vip $NET\$|^vip (add|set|del) $NET( |\$)|^flows flush|^stats reset\$|^restore" <<<"$want")
got=$(sed -E "s/$ts//" <<<"$got")
[ "$got" = "$want" ] || fail "lbctl -t monitor vip $NET (as nobody) printed, against what was expected:
$(diff <(echo "$want") <(echo "$got"))"
log "nobody, -t, vip $NET: its $(wc -l <<<"$got") events, timestamped"

# -j: one object a line, the same events, the fields as documented.
got=$(events /tmp/mon.json)
jq -e . <<<"$got" >/dev/null || fail "monitor -j printed what is not JSON: $got"
assert_eq "$(wc -l <<<"$got")" "${#expected[@]}" "JSON events (one a line)"
names=$(jq -r .event <<<"$got" | paste -sd,)
assert_eq "$names" "$(printf '%s\n' "${expected[@]}" |
	sed -E 's/^(vip (add|set|del)|path (add|set|del)|backend (add|set|del)|flows flush|stats reset|restore|set-weights).*/\1/;
		s/^(path|backend) .* (down|up)( .*)?$/\1 \2/' | paste -sd,)" "JSON events"
# One jq for all (each costs a second in the VM): a line per check.
mapfile -t res < <(jq -rsc '
	def ev(n): [.[] | select(.event == n)];
	[.[] | select(.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$") | not)],
	[ev("path down")[] | [.service.vip, .target.kind, .target.mark, .target.down, .target.devs]],
	[ev("path up")[] | [.target.mark, .target.down, .target.devs]],
	[(ev("backend down") + ev("backend up"))[] |
		[.service.vip, .service.port, .target.addr, .target.port, .target.down, .target.devs]],
	[ev("set-weights")[] | [.weights, [.service.targets[].weight]]],
	[ev("backend add")[] | [.service.mode, .service.sched, .service.nat, .target.weight, .target.id > 0]],
	[ev("vip add")[] | [.service.nat, has("target"), (.service | has("targets"))]],
	[ev("vip del")[] | [.service.proto, [.service.targets[] | "\(.addr):\(.port)"]]],
	[ev("restore")[] | .services],
	[ev("path set")[] | [.target.mask, .target.mask_auto]],
	[ev("stats reset")[] | [has("service"), .service.vip]],
	[.[] | select(has("target") and (.target | has("stats")))]' <<<"$got")
checks=(
	'[]|events without an RFC 3339 time'
	'[["10.10.3.0/24","path",3,true,[]]]|the path down event'
	'[[3,false,["lb-p2"]]]|the path up event'
	'[["10.0.0.100/32",9876,"10.10.3.50",7000,true,[]],["10.0.0.100/32",9876,"10.10.3.50",7000,false,["lb-p1"]]]|the backend down and up events'
	'[[[1,3],[1,3]]]|the set-weights event'
	'[["flow","maglev",true,1,true],["flow","maglev",true,2,true]]|backend add events (after the first, flow and maglev)'
	'[[false,false,false],[false,false,false],[true,false,false]]|vip add events'
	'[["udp",[]],["tcp",["10.10.3.50:7000"]]]|vip del events (the service as it was)'
	'[3]|the restore event'
	'[[3,true],[255,false],[4294967295,false],[3,true]]|path set events (the default mask: the bits of marks 0 and 3)'
	'[[true,"10.10.3.0/24"],[false,null]]|stats reset events (a service, then all)'
	'[]|events with counters'
)
for i in "${!checks[@]}"; do
	assert_eq "${res[i]:-}" "${checks[i]%%|*}" "JSON: ${checks[i]#*|}"
done
log "JSON: the same ${#expected[@]} events; $(jq -c 'select(.event == "path down")' <<<"$got" | cut -c1-160)..."

# SIGINT and SIGTERM end a monitor, with status 0.
for t in json:INT txt:TERM; do
	kill -"${t#*:}" "${MON[${t%:*}]}"
	rc=0
	wait "${MON[${t%:*}]}" || rc=$?
	assert_eq "$rc" 0 "exit status of monitor ${t%:*} after SIG${t#*:} ($(cat "/tmp/mon.${t%:*}.err"))"
done

# A monitor that does not read loses events: it says so, and goes on.
# Nobody's socket holds some 400 (root's buffer is forced larger).
for ((i = 0; i < 1500; i++)); do echo 'flows flush'; done >/tmp/flush.batch
n0=$(grep -c flush /tmp/mon.sel)
kill -STOP "${MON[sel]}"
rc=0
rlbctl -b /tmp/flush.batch || rc=$?
kill -CONT "${MON[sel]}"	# before anything can fail: a stopped one stays
assert_eq "$rc" 0 "exit status of 1500 flushes"
change "vip set $NET mode packet sched wlc" set-mode packet vip "$NET"
apply
for ((i = 0; i < 100; i++)); do tail -n 1 /tmp/mon.sel | grep -q "mode packet" && break; sleep 0.1; done
assert_match "$(tail -n 1 /tmp/mon.sel)" "$ts${expected[-1]}\$" "the event after the overrun"
lost=$(grep -cE "${ts}events lost" /tmp/mon.sel || true)
assert_eq "$lost" 1 "'events lost' lines after 1500 events to a stopped monitor"
log "stopped monitor (nobody's): $(($(grep -c flush /tmp/mon.sel) - n0)) of 1500 flushes printed, then '$(grep -oE 'events lost.*' /tmp/mon.sel)', then the next event"
kill -INT "${MON[sel]}"
rc=0
wait "${MON[sel]}" || rc=$?
assert_eq "$rc" 0 "exit status of monitor sel after SIGINT ($(cat /tmp/mon.sel.err))"
assert_ok rlbctl set-mode flow vip "$NET"

# stats -w under 100 datagrams/s of 500 bytes (528 in IP), on the path
# service's only path: one JSON document a line per interval.
iperf_server -p 5201
on_client iperf3 -c "$SERVER" -u -b 400K -l 500 -t 600 >/tmp/udp.out 2>&1 &	# until the end
BG_PIDS+=($!)
sleep 2
"$LBCTL" -n "$ROUTER_NS" -j stats -w 1 -c 20 vip "$NET" >/tmp/rates.json 2>/tmp/rates.err &
pid=$!
BG_PIDS+=($!)
# until_new GREP-ARGS...: until an interval printed since the last call
# (or the start) matches; 20 s at most.
seen=0
until_new() {
	local i
	for ((i = 0; i < 100; i++)); do
		if tail -n +$((seen + 1)) /tmp/rates.json | grep -q "$@"; then
			seen=$(wc -l </tmp/rates.json)
			return 0
		fi
		sleep 0.2
	done
	fail "stats -w: no interval matching '$*' in 20 s: $(tail -n 2 /tmp/rates.json) $(cat /tmp/rates.err)"
}
until_new .
assert_ok rlbctl path add 5 weight 0 vip "$NET"
until_new '"mark":5,'			# its first sample...
until_new -E '"mark":5,[^}]*"rates":\{'	# ...and its second
assert_ok rlbctl path del 5 vip "$NET"
until_new -v '"mark":5,'
# The service deleted and made again: its counters start over, below the
# last dump's: no rates for an interval (not a huge rate), then rates.
printf '%s\n' "vip del $NET" "vip add $NET mode flow" "path add 3 vip $NET" >/tmp/again.batch
assert_ok rlbctl -b /tmp/again.batch
until_new -E '"rates":null,"targets"'
until_new -E '"rates":\{[^}]*\},"targets"'
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
assert_eq "$rc" 0 "exit status of stats -w after SIGINT ($(cat /tmp/rates.err))"
r=$(cat /tmp/rates.json)
jq -e . <<<"$r" >/dev/null || fail "stats -w -j printed what is not JSON: $r"
# Per interval: the service, v rates, n none; the added path, - absent, n
# no rates, 0 rates of 0.  Where the service has rates: the rates times the
# intervals are whole packets, its targets' add up to its own, and the
# mean is 100/s (a loaded VM stalls iperf3, which catches up: not every
# interval is 100).
mapfile -t res < <(jq -rsc '
	def ok: [.[] | select(.services[0].rates != null)];
	# and a target with rates too (not the service made again, whose
	# only path is at its first sample)
	def paths: [ok[] | select(any(.services[0].targets[]; .rates != null))];
	([.[].interval_s] | add / length * 100 | round),
	[paths[].services[0].rates.packets | floor],
	# The targets are read a moment before the service, so a packet
	# between the two reads counts for the service an interval early:
	# the largest difference of the running totals, in packets.
	([foreach (paths[] | (.services[0].rates.packets -
		([.services[0].targets[].rates.packets // empty] | add)) *
		.interval_s) as $d (0; . + $d; fabs | round)] | max // 0),
	([ok[].services[0].rates | select(.packets > 0) | .bits / .packets / 4224 * 1000 | round] | unique),
	([.[] | [.services[0].targets[] | select(.mark == 5) | .rates] |
		if . == [] then "-" elif . == [null] then "n"
		elif .[0] == {"packets":0,"bits":0,"flows_created":0,"fallbacks":0,
			      "flowlet_switches":0,"reply_packets":0,"reply_bits":0} then "0"
		else tostring end] | join("")),
	.[0].services[0].flows_active,
	[.[].interval_s],
	([ok[] | .services[0].rates.packets * .interval_s | . - round | fabs > 0.2] | any),
	((ok | [.[] | .services[0].rates.packets * .interval_s] | add) /
		(ok | [.[].interval_s] | add) | round),
	([.[] | if .services[0].rates == null then "n" else "v" end] | join(""))' <<<"$r")
[ "${#res[@]}" = 10 ] || fail "stats -w -j: samples the checks cannot read: $r"
log "stats -w 1 under 100 datagrams/s: packets/s ${res[1]} (mean ${res[8]}), intervals ${res[6]} s, the added path ${res[4]}, the service ${res[9]}"
# (The intervals are what the VM's scheduling makes them: not checked.)
assert_eq "${res[7]}" false "an interval's packets/s x seconds is not a whole number of packets"
# A starved VM (a host running other VMs) falls behind and catches up
# late: the mean is 100 within 2 on an idle host, within 25 on a busy one.
assert_near "${res[8]}" 100 25 "mean packets/s of the service under 100 datagrams/s"
# Its targets' packets add up to the service's: each interval's may be
# one or two off (the reads' skew), the running totals stay within 2.
assert_near "${res[2]}" 0 2 "packets of the service less its targets', running total (largest difference)"
assert_eq "${res[3]}" "[1000]" "bits/s per packet/s, in thousandths of 4224 (528-byte datagrams)"
assert_match "${res[4]}" '^-+n0+-+$' "the path added (no rates at its first sample, then 0) and deleted (gone)"
assert_match "${res[9]}" '^v+n+v+$' "the service made again (no rates for an interval, then rates)"
assert_eq "${res[5]}" 2 "active flows (iperf3's control connection and its stream)"
log "a target added: no rate until its second sample; deleted: gone; a service made again: no rate for an interval"

# The text tables, and SIGINT: per interval, the path carries what the
# service does (within a packet or two: the path is read a moment before
# the service, as above), and bits/s is 4224 times packets/s (with an SI
# prefix).
out=$(rlbctl stats -w 1 -c 3 vip "$NET") || fail "stats -w 1 -c 3 failed: $out"
printf '%s\n' "$out" | sed 's/^/#   /'
assert_eq "$(grep -c '^interval [0-9.]*s$' <<<"$out")" 3 "intervals printed by stats -w 1 -c 3"
assert_match "$(grep -m1 ID <<<"$out")" 'ID +MARK +WEIGHT +PACKETS/S +BITS/S +FLOWS_CREATED/S +FLOWS_ACTIVE' "rates header"
bad=$(awk 'function bits(v) { return v ~ /k$/ ? v * 1e3 : v ~ /M$/ ? v * 1e6 : v + 0 }
	$2 == "0x3/0x3" { p = $4; b = bits($5); n++ }
	$1 == "service" && (p - $4 > 2 || $4 - p > 2) { print "path " p " service " $4 }
	$1 == "service" && p > 0 && (b / p / 4224 < 0.99 || b / p / 4224 > 1.01) { print "bits " b " packets " p }
	$1 == "service" { t += p }
	END { if (n != 3) print n " rows"; if (!t) print "no packets" }' <<<"$out")
assert_eq "$bad" "" "the text tables of stats -w 1 -c 3"
"$LBCTL" -n "$ROUTER_NS" stats -w 10 >/tmp/rates.txt 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
assert_eq "$rc" 0 "exit status of stats -w 10 after SIGINT ($(cat /tmp/rates.txt))"
log "stats -w: text tables; SIGINT ends it with status 0"

# The module unloaded: a monitor says so and ends (exit 1), as one loaded
# again has a group of its own to join.
monitor gone
for ((i = 0; i < 50; i++)); do
	rlbctl flows flush
	sleep 0.2
	grep -q flush /tmp/mon.gone && break
done
grep -q flush /tmp/mon.gone || fail "the last monitor printed nothing in 10 s: $(cat /tmp/mon.gone.err)"
lb_unload
for ((i = 0; i < 100; i++)); do kill -0 "${MON[gone]}" 2>/dev/null || break; sleep 0.1; done
rc=0
kill -0 "${MON[gone]}" 2>/dev/null && fail "monitor still running 10 s after rmmod lb"
wait "${MON[gone]}" || rc=$?
assert_eq "$rc" 1 "exit status of monitor after rmmod lb"
assert_eq "$(cat /tmp/mon.gone.err)" "lbctl: the lb module was unloaded" "monitor's message after rmmod lb"
log "rmmod lb: the monitor said '$(cat /tmp/mon.gone.err)' and exited 1"
