#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Path MTU discovery through the VIP (seed 002's testbed, one client).  The
# router's links to the clients and to the servers carry at most 1280
# bytes, the hosts' own links 1500, so every full-sized segment needs the
# router's "fragmentation needed" (IPv6: "packet too big"):
#  - to the client, about a packet it sent to the VIP and lb sent on to a
#    backend: lb translates the quoted packet back to VIP:port, or the
#    client could not match it to its connection and would stall;
#  - to the backend, about its reply, sent before lb's FORWARD hook
#    translates the reply, so it quotes what the backend sent.
# A 1 MB echo (both directions) over IPv4 and IPv6 and three 250 kB HTTP
# downloads complete, and both ends learnt MTU 1280 for each other.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

lb_load marks=none
svc_up --clients 1
svc_echo "$VIP:9876" tcp maglev
svc_echo "[$VIP6]:9876" tcp maglev
rlbctl vip add "$VIP:8080" proto tcp || fail "vip add $VIP:8080 failed"
for j in 1 2 3; do
	rlbctl backend add "$VIP:8080" "$(srv4 "$j"):$((8030 + j))" || fail "backend add server$j failed"
done
for dev in lb-clients lb-servers; do
	ip -n "$ROUTER_NS" link set "$dev" mtu 1280 || fail "cannot set the MTU of $dev"
done

for e in "4 $VIP 10.0.1.11" "6 [$VIP6] fd00:1::11"; do
	read -r fam vip client <<<"$e"
	"$LOADGEN" echo --clients client1 --target "$vip:9876" --bytes 1000000 --timeout 30 \
		--json /tmp/big.json --quiet ||
		fail "IPv$fam 1 MB echo through $vip:9876: $(jq -r '.results[0].error' /tmp/big.json)"
	srv=$(jq -r '.results[0].backend' /tmp/big.json)
	assert_match "$srv" '^server[1-3]$' "IPv$fam: the server that echoed"
	ms=$(jq -r '.results[0].rtt_ms' /tmp/big.json)
	assert_eq "$(mtu_learnt client1 "${vip//[\[\]]/}")" 1280 "IPv$fam: path MTU client1 learnt for the VIP"
	assert_eq "$(mtu_learnt "$srv" "$client")" 1280 "IPv$fam: path MTU $srv learnt for client1"
	log "IPv$fam: 1 MB echoed by $srv through $vip:9876 in $ms ms; both ends learnt MTU 1280"
done

printf '0 client1 1000 3 0\n' >/tmp/big.load	# 3 x 250 kB
"$LOADGEN" run /tmp/big.load --clients client1 --quiet --json /tmp/load.json ||
	fail "HTTP downloads: $(jq -c '.errors' /tmp/load.json)"
assert_eq "$(jq '.overall.ok' /tmp/load.json)" 3 "HTTP downloads of 250 kB completed"
assert_eq "$(jq '.overall.bytes' /tmp/load.json)" 750000 "bytes downloaded"
log "HTTP: 3 x 250 kB downloaded through $VIP:8080 ($(jq -c '.backends | map_values(.requests)' /tmp/load.json))"
