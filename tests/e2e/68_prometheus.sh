#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbctl stats -o prometheus is what Prometheus reads: on seed 002's
# testbed, with an IPv4 and an IPv6 echo service that served connections
# (three backends each, one drained and one unreachable) and a path
# service, prometheus_client's own parser reads the output, and it holds
# exactly the series lbctl -j stats implies (every counter of every
# service and target, weights, reachability, node_exporter's IPVS names and
# labels for the backends and the totals), with the same numbers.  Bad
# uses of -o are refused.  stats reset zeroes one service's counters, then
# all and the namespace's drops.
# One host thread: multi-threaded TCG oopsed once here on the int3 of a
# static-branch patch (net_get_random_once in inet_ehashfn, the first TCP
# connection), as e2e 40 explains.
# vm-options: --tcg single
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

PY=/usr/bin/python3	# Debian's, which has python3-prometheus-client
"$PY" -c 'import prometheus_client' 2>/dev/null ||
	skip "python3-prometheus-client missing: run scripts/deps"

lb_load marks=none
svc_up
svc_echo "$VIP:9876" tcp wrr 1 1 0
svc_echo "[$VIP6]:9876" tcp maglev
on_router ip route add blackhole 10.0.9.9/32 || fail "blackhole route"
rlbctl backend add "$VIP:9876" proto tcp 10.0.9.9:7000 ||
	fail "backend add of an unreachable backend"
for ((i = 0; i < 50; i++)); do
	[ "$(rlbctl -j show | jq '[.services[].targets[] | select(.down)] | length')" = 1 ] && break
	sleep 0.1
done
rlbctl vip add 10.99.0.0/16 from 10.0.0.0/8 proto udp iif lo ||
	fail "vip add of a path service"
rlbctl path add 1 vip 10.99.0.0/16 from 10.0.0.0/8 proto udp iif lo ||
	fail "path add 1"
rlbctl path add 2/0xff weight 3 vip 10.99.0.0/16 from 10.0.0.0/8 proto udp iif lo ||
	fail "path add 2/0xff"
"$LOADGEN" echo --count 4 --json /tmp/echo.json --quiet ||
	fail "echo through $VIP failed"
"$LOADGEN" echo --count 2 --target "[$VIP6]:9876" --json /tmp/echo6.json --quiet ||
	fail "echo through $VIP6 failed"

# The counters only move while flows expire: read JSON, Prometheus, JSON
# until both JSON reads agree, so the text was read from that state.
ok=0
for ((i = 0; i < 20; i++)); do
	rlbctl -j stats >/tmp/a.json || fail "lbctl -j stats"
	rlbctl stats -o prometheus >/tmp/lb.prom || fail "lbctl stats -o prometheus"
	rlbctl -j stats >/tmp/b.json || fail "lbctl -j stats"
	if cmp -s /tmp/a.json /tmp/b.json; then ok=1; break; fi
	sleep 0.5
done
assert_eq "$ok" 1 "two equal JSON reads around the Prometheus one"
assert_ge "$(jq '[.services[].stats.flows_created] | add' /tmp/a.json)" 30 "flows created"
assert_eq "$(jq '[.services[].targets[] | select(.down)] | length' /tmp/a.json)" 1 \
	"backends down (10.0.9.9)"
head -n 12 /tmp/lb.prom | sed 's/^/#   /'
out=$("$PY" "$E2E_DIR/prom_check.py" /tmp/lb.prom /tmp/a.json) ||
	fail "the Prometheus text and lbctl -j stats differ: $out"
log "$out"
grep -q '^lb_backend_connections_active{local_address="10.0.0.100",local_port="9876",local_mark="",proto="TCP",remote_address="10.0.2.31",remote_port="7000"} [0-9]' /tmp/lb.prom ||
	fail "no IPVS-style series for server1: $(grep -m3 lb_backend_conn /tmp/lb.prom)"

# stats reset VIP: that service's counters and its backends' count from
# 0 again, the IPv6 service's go on; stats reset: all, and the drops.
ip netns exec client1 timeout 3 bash -c "exec 3<>/dev/tcp/$VIP/9999" 2>/dev/null &&
	fail "a connection to $VIP:9999, which no service has"
pk6=$(jq '.services[] | select(.vip == "fd00::100/128") | .stats.packets' /tmp/a.json)
assert_ok rlbctl stats reset vip "$VIP:9876" proto tcp
rlbctl -j stats >/tmp/r.json || fail "lbctl -j stats"
assert_eq "$(jq -c '[.services[] | select(.vip == "10.0.0.100/32") | .stats, .targets[].stats |
	del(.flows_active) | add] | add' /tmp/r.json)" 0 "the IPv4 service's counters after its reset"
assert_eq "$(jq '.services[] | select(.vip == "fd00::100/128") | .stats.packets' /tmp/r.json)" "$pk6" \
	"the IPv6 service's packets after the other's reset"
assert_ge "$(jq .info.vip_drops /tmp/r.json)" 1 "packets to $VIP:9999 (no service) dropped"
"$LOADGEN" echo --count 1 --json /tmp/echo1.json --quiet || fail "echo through $VIP failed"
assert_eq "$(jq '.services[] | select(.vip == "10.0.0.100/32") | .stats.flows_created' < <(rlbctl -j stats))" 5 \
	"flows created since the reset (5 connections)"
assert_ok rlbctl stats reset
rlbctl -j stats >/tmp/r.json || fail "lbctl -j stats"
assert_eq "$(jq -c '[.services[] | .stats, .targets[].stats | del(.flows_active) | add] | add' /tmp/r.json)" 0 \
	"every counter after stats reset"
assert_eq "$(jq -c '[.info.vip_drops, .info.nat_drops]' /tmp/r.json)" "[0,0]" "the drops after stats reset"
expect_fail rlbctl stats reset vip 10.0.0.199:9876 proto tcp
assert_match "$OUT" "no such service" "stats reset of a service that is not"
log "stats reset: one service, then all, from 0"

# -o json is -j; bad uses of -o.
assert_eq "$(rlbctl stats -o json | jq -c '[.services[] | .vip]')" \
	"$(jq -c '[.services[] | .vip]' /tmp/a.json)" "stats -o json"
expect_fail rlbctl stats -o xml
expect_fail rlbctl stats -o prometheus -w 1
expect_fail rlbctl -j stats -o prometheus
log "prometheus: every series checked"
