#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbctl set: a namespace's tunables change at runtime, without a reload
# (seed topology, flow mode, UDP flows to the sink).
#  - A namespace starts with the module's parameters; show -j prints the
#    tunables, monitor each change.
#  - A shorter UDP timeout ends idle flows sooner (2 s: gone within 6 s),
#    a longer one keeps them (30 s: all there after 4 s).
#  - A bound below the flows there are loses none of them: new flows get
#    no entry (counted as fallbacks) until there is room.
#  - Bad values are refused with a message and change nothing: a bound
#    above the module's flow_max, as root and as the root of a user
#    namespace in its own network namespace.
#  - save writes a set line of what differs from the module's parameters;
#    restore in another namespace sets it, and the module's parameters for
#    the rest (a tunable set there before is undone): they round-trip.
. "$(dirname "$0")/lib.sh"

topo_up
lb_load marks=none
lb_config flow
sink_up
param() { cat "/sys/module/lb/parameters/$1"; }
info() { rlbctl -j show | jq -c ".info | $1"; }
flows() { info .flows; }

MAX=$(param flow_max)
assert_eq "$(info '[.flow_max, .timeout_tcp, .timeout_udp, .flowlet_timeout_us]')" \
	"[$MAX,$(param timeout_tcp),$(param timeout_udp),$(param flowlet_us)]" \
	"tunables of a new namespace (the module's parameters)"

rlbctl monitor >/tmp/tune.mon 2>&1 &
BG_PIDS+=($!)
sleep 0.5
assert_ok rlbctl set timeout udp 2 tcp 600 flowlet 5ms
assert_eq "$(info '[.timeout_udp, .timeout_tcp, .flowlet_timeout_us, .flow_max]')" \
	"[2,600,5000,$MAX]" "tunables after set timeout udp 2 tcp 600 flowlet 5ms"
for ((i = 0; i < 50; i++)); do grep -q '^set' /tmp/tune.mon && break; sleep 0.1; done
assert_match "$(grep '^set' /tmp/tune.mon)" \
	"^set flow-max $MAX timeout tcp 600 tcp-syn [0-9]+ tcp-close [0-9]+ udp 2 other [0-9]+ flowlet 5ms\$" \
	"monitor's line for the change"
log "set: show and monitor tell the new tunables"

# Refused, and nothing changed.
before=$(info .)
out=$(rlbctl set flow-max $((MAX + 1)) timeout udp 9 2>&1) && fail "a bound above the module's was taken"
assert_match "$out" "flow_max must be 1 to the module parameter flow_max" "error for flow-max $((MAX + 1))"
out=$(rlbctl set timeout other 604801 2>&1) && fail "a timeout of more than 7 days was taken"
assert_match "$out" "604800" "error for timeout other 604801"
assert_eq "$(info .)" "$before" "tunables after the refused changes"
# shellcheck disable=SC2016 # expanded by the inner shell
out=$(unshare --user --map-root-user --net sh -c '
	"$1" set flow-max 10 && "$1" -j show && "$1" set flow-max "$2"' _ "$LBCTL" $((MAX + 1)) 2>&1) &&
	fail "a user namespace's root raised its bound above the module's: $out"
assert_match "$out" '"flow_max":10,' "a user namespace's root lowered its own bound"
assert_match "$out" "flow_max must be 1 to the module parameter flow_max" \
	"error for a user namespace's root raising its bound"
log "refused: a bound above the module's (as root, and as a user namespace's root: $(tail -n 1 <<<"$out"))"

# Timeouts: 20 UDP flows to the sink, idle from now on.
base=$(flows)
udp_burst lb-client "$SINK" 20
assert_eq "$(flows)" $((base + 20)) "flows after 20 datagrams from new ports"
for ((i = 0; i < 60; i++)); do [ "$(flows)" = "$base" ] && break; sleep 0.1; done
assert_eq "$(flows)" "$base" "flows 6 s after, with timeout udp 2"
log "timeout udp 2: 20 idle UDP flows gone in $((i / 10)).$((i % 10)) s"
assert_ok rlbctl set timeout udp 30
udp_burst lb-client "$SINK" 20
sleep 4
assert_eq "$(flows)" $((base + 20)) "flows 4 s after, with timeout udp 30"
log "timeout udp 30: the 20 flows are there 4 s later"

# A bound at the flows there are: no flow lost, ten more get no entry.
n=$(flows)
fb=$(lb_json stats '.services[0].stats.fallbacks')
assert_ok rlbctl set flow-max "$n"
udp_burst lb-client "$SINK" 10
assert_eq "$(flows)" "$n" "flows with the bound at the flows there were, after 10 more datagrams"
assert_eq $(($(lb_json stats '.services[0].stats.fallbacks') - fb)) 10 "datagrams balanced without an entry"
log "flow-max $n (the flows there were): none lost, 10 new flows balanced without an entry"

# save writes what differs from the module's parameters; restore sets it.
rlbctl save >/tmp/tune.conf || fail "save failed"
assert_eq "$(grep '^set' /tmp/tune.conf)" "set flow-max $n timeout tcp 600 flowlet 5ms" "save's set line"
ip netns add lb-tune-other || fail "cannot make a namespace"
assert_ok lbctl -n lb-tune-other set timeout other 77
assert_ok lbctl -n lb-tune-other restore -f /tmp/tune.conf
assert_eq "$(lbctl -n lb-tune-other -j show | jq -c '.info | [.flow_max, .timeout_tcp, .flowlet_timeout_us, .timeout_other, .timeout_udp]')" \
	"[$n,600,5000,$(param timeout_other),$(param timeout_udp)]" \
	"tunables restored in another namespace: the file's, the module's for the rest (its timeout other 77 undone)"
assert_eq "$(lbctl -n lb-tune-other save | grep -v '^#' | grep -v '^set')" \
	"$(grep -v '^#' /tmp/tune.conf | grep -v '^set')" "configuration restored in another namespace"
ip netns del lb-tune-other
log "save: '$(grep '^set' /tmp/tune.conf)'; restore set it in another namespace"
