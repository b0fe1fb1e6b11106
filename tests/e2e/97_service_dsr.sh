#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Direct server return (vip add ... fwd ipip, fwd gue) on seed 002's
# testbed, the servers set up as lb(4) tells (testbed/netns/service up
# --dsr: the VIPs on their loopback, tunl0 and ip6tnl0 up, fou for GUE).
# For IP-in-IP and for GUE:
#  - Echo over TCP and UDP and HTTP through the VIP, IPv4 (in IPv4) and
#    IPv6 (in IPv6): every request answered, by the server lb placed its
#    flow on.
#  - lb's part is one way: every packet it counted reached a server's
#    tunnel device, and it translated no reply (the servers answer from
#    the VIP themselves; here the router forwards their replies as any
#    packet).
#  - Path MTU: with 1320 bytes to the servers, lb tells the clients the
#    MTU less its headers (IPv4: 1300 less 8 for GUE's UDP; IPv6: 1280,
#    the least there is, and what is larger than the tunnel leaves goes in
#    outer fragments), and a 1 MB echo completes both ways.
# And, for IP-in-IP: weight 0 and backend del stop new flows to a server,
# as for NAT; a backend's port is the VIP's; save and restore keep the
# method.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

lb_load marks=none
svc_up --dsr

# services FWD: echo over TCP and UDP, and HTTP, each for both VIPs.
services() {
	local v s port proto j b
	for v in "$VIP" "[$VIP6]"; do
		for s in "7000 tcp" "7000 udp" "80 tcp"; do
			read -r port proto <<<"$s"
			assert_ok rlbctl vip add "$v:$port" proto "$proto" fwd "$1"
			for j in 1 2 3; do
				if [ "$v" = "$VIP" ]; then b=$(srv4 "$j"); else b=$(srv6 "$j"); fi
				assert_ok rlbctl backend add "$v:$port" proto "$proto" "$b:$port"
			done
		done
	done
}

# http VIP LABEL: 20 requests through VIP:80; their servers as
# "server1=N server2=N server3=N".
http() {
	printf '0 * 100 4 0\n' >/tmp/dsr.load
	"$LOADGEN" run /tmp/dsr.load --target "$1:80" --quiet --json /tmp/http.json ||
		fail "$2: HTTP through $1:80: $(jq -c '.errors' /tmp/http.json)"
	assert_eq "$(jq .overall.ok /tmp/http.json)" 20 "$2: HTTP requests answered"
	jq -r '[range(1; 4) as $j | "server\($j)=\(.backends["server\($j)"].requests // 0)"] | join(" ")' /tmp/http.json
}

# traffic FWD: the echo checks and HTTP, and lb's placement: each server
# answered what lb placed on it (flows created per backend), nothing else.
traffic() {
	local e fam v proto by udp
	for e in "4 $VIP tcp" "4 $VIP udp" "6 [$VIP6] tcp" "6 [$VIP6] udp"; do
		read -r fam v proto <<<"$e"
		udp=()
		[ "$proto" = tcp ] || udp=(--udp)
		"$LOADGEN" echo --target "$v:7000" "${udp[@]}" --json /tmp/echo.json --quiet ||
			fail "$1: IPv$fam $proto echo through $v:7000: $(jq -c '[.results[] | select(.ok | not) | .error]' /tmp/echo.json)"
		assert_eq "$(jq .ok /tmp/echo.json)" 5 "$1: IPv$fam $proto: echoes answered"
		by=$(jq -r '.by_backend | [range(1; 4) as $j | "server\($j)=\(.["server\($j)"] // 0)"] | join(" ")' /tmp/echo.json)
		assert_eq "$(svc_counts "${v//[\[\]]/}" 7000 "$proto" flows_created)" "$by" \
			"$1: IPv$fam $proto: flows lb placed per server, against the servers that answered"
		log "$1: IPv$fam $proto echo through $v:7000: $by"
	done
	for e in "4 $VIP" "6 [$VIP6]"; do
		read -r fam v <<<"$e"
		by=$(http "$v" "$1: IPv$fam")
		assert_eq "$(svc_counts "${v//[\[\]]/}" 80 tcp flows_created)" "$by" \
			"$1: IPv$fam HTTP: flows lb placed per server, against the servers that answered"
		log "$1: IPv$fam HTTP through $v:80: $by"
	done
}

# one_way FWD: the packets lb sent since the services were made are the
# tunnel devices' (tunl0: IPv4, ip6tnl0: IPv6) since then, and no reply
# crossed lb.  The devices' counts at the start are in RX0[dev].
declare -A RX0=()
rx() { # DEV: what the servers' DEV received
	local j n=0
	for j in 1 2 3; do
		n=$((n + $(ip -n "server$j" -j -s link show "$1" | jq '.[0].stats64.rx.packets')))
	done
	echo "$n"
}
one_way() {
	local e fam dev f sent got
	for e in "4 tunl0 inet" "6 ip6tnl0 inet6"; do
		read -r fam dev f <<<"$e"
		sent=$(rlbctl -j stats | jq --arg f "$f" '[.services[] | select(.family == $f) | .stats.packets] | add')
		got=$(($(rx "$dev") - RX0[$dev]))
		assert_ge "$sent" 100 "$1: IPv$fam: packets lb sent"
		assert_eq "$got" "$sent" "$1: IPv$fam: packets the servers' $dev took out, against the packets lb sent"
		log "$1: IPv$fam: lb sent $sent packets, the servers' $dev received $got"
	done
	assert_eq "$(rlbctl -j stats | jq '[.services[] | .stats.reply_packets] | add')" 0 "$1: replies lb translated"
}

# pmtu FWD V4_MTU: 1320 bytes to the servers, for a 1 MB echo each way.
pmtu() {
	local e fam v mtu
	ip -n "$ROUTER_NS" link set lb-servers mtu 1320 || fail "cannot set the MTU of lb-servers"
	for e in "4 $VIP $2" "6 [$VIP6] 1280"; do
		read -r fam v mtu <<<"$e"
		"$LOADGEN" echo --clients client1 --target "$v:7000" --bytes 1000000 --timeout 30 \
			--json /tmp/big.json --quiet ||
			fail "$1: IPv$fam 1 MB echo through $v:7000: $(jq -r '.results[0].error' /tmp/big.json)"
		assert_eq "$(mtu_learnt client1 "${v//[\[\]]/}")" "$mtu" "$1: IPv$fam: path MTU client1 learnt for the VIP"
		log "$1: IPv$fam: 1 MB echoed by $(jq -r '.results[0].backend' /tmp/big.json); client1 learnt MTU $mtu from lb"
	done
	ip -n "$ROUTER_NS" link set lb-servers mtu 1500 || fail "cannot set the MTU of lb-servers"
}

for fwd in ipip gue; do
	RX0[tunl0]=$(rx tunl0) RX0[ip6tnl0]=$(rx ip6tnl0)
	services "$fwd"
	assert_match "$(rlbctl vip show "$VIP:80" proto tcp)" "sched maglev fwd $fwd" "vip show of a $fwd service"
	log "$fwd: 6 services of 3 backends each"
	traffic "$fwd"
	one_way "$fwd"
	[ "$fwd" = ipip ] && mtu=1300 || mtu=1292
	pmtu "$fwd" "$mtu"
	[ "$fwd" = gue ] && break

	# Refused: a backend on another port, mode packet.
	out=$(rlbctl backend add "$VIP:80" proto tcp "$(srv4 1):8031" 2>&1) &&
		fail "a DSR backend on another port than the VIP's was taken"
	assert_match "$out" "its port must be the service's" "error for a DSR backend on another port"
	out=$(rlbctl vip add "$VIP:81" proto tcp fwd ipip mode packet 2>&1) &&
		fail "a DSR service in mode packet was taken"
	assert_match "$out" "mode flow" "error for a DSR service in mode packet"
	log "refused: a backend on another port than the VIP's, mode packet"

	# Weight 0, then backend del: no new flow to server3, then to server2.
	assert_ok rlbctl backend set "$VIP:80" proto tcp "$(srv4 3):80" weight 0
	by=$(http "$VIP" "server3 at weight 0")
	assert_match "$by" "server3=0\$" "HTTP requests server3 answered at weight 0"
	assert_ok rlbctl backend del "$VIP:80" proto tcp "$(srv4 2):80"
	by=$(http "$VIP" "server2 deleted")
	assert_eq "$by" "server1=20 server2=0 server3=0" \
		"HTTP requests per server, server2 deleted and server3 at weight 0"
	log "weight 0 and backend del: no new flow to those servers"

	# save and restore keep the method.
	rlbctl save >/tmp/dsr.conf || fail "save failed"
	assert_eq "$(grep -c 'fwd ipip$' /tmp/dsr.conf)" 6 "DSR services in save's output"
	assert_ok rlbctl restore -f /tmp/dsr.conf
	assert_eq "$(rlbctl save)" "$(cat /tmp/dsr.conf)" "save after restore"
	log "save writes fwd ipip; restore gives the same configuration"

	for v in "$VIP" "[$VIP6]"; do
		for s in "7000 tcp" "7000 udp" "80 tcp"; do
			read -r port proto <<<"$s"
			assert_ok rlbctl vip del "$v:$port" proto "$proto"
		done
	done
done
