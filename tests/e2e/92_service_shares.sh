#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Service balancing on seed 002's testbed: the seed's echo check through
# the VIP from all five clients (TCP, UDP and IPv6), the VIP answering no
# ping and nothing on a port it does not serve, then 300 HTTP
# connections (one request each) to a web service whose three backends
# weigh 1:1:2, once per scheduler.  wrr's shares are exact (75/75/150);
# maglev's and wlc's within 10 points of the weights' 25/25/50 %; and lb
# placed exactly one flow per connection, on the server that answered.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

lb_load marks=none
svc_up
svc_echo "$VIP:9876" tcp maglev
svc_echo "$VIP:9876" udp maglev
svc_echo "[$VIP6]:9876" tcp maglev

for e in "tcp $VIP:9876" "udp $VIP:9876" "tcp [$VIP6]:9876"; do
	read -r proto target <<<"$e"
	opt=()
	[ "$proto" = udp ] && opt=(--udp)
	"$LOADGEN" echo --target "$target" --count 2 "${opt[@]}" --json /tmp/echo.json --quiet ||
		fail "echo $proto $target: $(jq -c '[.results[] | select(.ok | not) | .error]' /tmp/echo.json)"
	assert_eq "$(jq '.ok' /tmp/echo.json)" 10 "echoes of $proto $target from 5 clients"
	assert_eq "$(jq '[.results[].client] | unique | length' /tmp/echo.json)" 5 "clients answered"
	log "echo $proto $target: 10 of 10 from 5 clients, by server $(jq -c .by_backend /tmp/echo.json)"
done

# The VIP hides the backends: no answer to a ping, nothing on a port it
# does not serve (a backend's own web port), both counted.
v0=$(rlbctl -j show | jq .info.vip_drops)
ip netns exec client1 ping -c 2 -i 0.2 -W 1 "$VIP" >/dev/null 2>&1 && fail "the VIP answered a ping"
timeout 3 ip netns exec client1 bash -c "exec 3<>/dev/tcp/$VIP/8031" 2>/dev/null &&
	fail "a connection to VIP:8031 (not served) was answered"
v1=$(rlbctl -j show | jq .info.vip_drops)
assert_ge $((v1 - v0)) 3 "vip-drops after 2 pings and a SYN to an unserved port"
log "the VIP answers no ping and nothing on port 8031 (vip-drops +$((v1 - v0)))"

# The web service: weights 1:1:2.
rlbctl vip add "$VIP:8080" proto tcp || fail "vip add $VIP:8080 failed"
for j in 1 2 3; do
	rlbctl backend add "$VIP:8080" "$(srv4 "$j"):$((8030 + j))" weight $((j == 3 ? 2 : 1)) ||
		fail "backend add server$j failed"
done
echo "0 * 100 60 0" >/tmp/300.load	# 5 clients x 60 connections

for sched in wrr maglev wlc; do
	rlbctl vip set "$VIP:8080" proto tcp sched "$sched" || fail "vip set sched $sched failed"
	rlbctl flows flush || fail "flows flush failed"
	read -ra before < <(svc_counts "$VIP" 8080 tcp flows_created)
	rc=0
	"$LOADGEN" run /tmp/300.load --quiet --json /tmp/load.json || rc=$?
	read -ra after < <(svc_counts "$VIP" 8080 tcp flows_created)
	assert_eq "$(jq '.overall.requests' /tmp/load.json)" 300 "$sched: requests made"
	assert_eq "$(jq '.overall.errors' /tmp/load.json)" 0 "$sched: requests that failed"
	assert_eq "$rc" 0 "$sched: loadgen exit status"
	line="$sched:"
	for j in 1 2 3; do
		got=$(jq ".backends.server$j.requests // 0" /tmp/load.json)
		placed=$(( ${after[j - 1]#*=} - ${before[j - 1]#*=} ))
		want=$((j == 3 ? 150 : 75))
		line+=" server$j $got (lb placed $placed)"
		assert_eq "$placed" "$got" "$sched: flows lb placed on server$j vs requests it answered"
		if [ "$sched" = wrr ]; then
			assert_eq "$got" "$want" "wrr: requests on server$j"
		else
			assert_near "$got" "$want" 30 "$sched: requests on server$j (25/25/50 % +- 10 points of 300)"
		fi
	done
	log "$line"
done
