#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Service balancing on a router that also runs conntrack, a stateful
# iptables firewall and NAT (seed 002's testbed).  Without conntrack,
# fragmented datagrams to the VIP and the backends' fragmented replies
# are reassembled before lb by the kernel's own defragmentation, which lb
# turns on while it has VIPs (IPv4 and IPv6: a 3000-byte UDP echo
# through a 1500-byte MTU; before, the datagram was dropped and counted
# in nat-drops).  Then the router gets a FORWARD policy of DROP that lets
# through only new connections to the servers' echo port and what
# conntrack calls ESTABLISHED or RELATED, and MASQUERADE toward the
# servers.  lb rewrites packets to the VIP just before conntrack sees them
# and replies after the filter table, so conntrack tracks one connection
# client -> backend, never the VIP; the replies are ESTABLISHED, nothing
# hits the DROP policy; echoes over TCP and UDP, held connections and a
# fragmented 3000-byte UDP echo (reassembled by conntrack's defrag before
# lb) all work.
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/svc_lib.sh"

lb_load marks=none
svc_up
svc_echo "$VIP:9876" tcp wrr
svc_echo "$VIP:9876" udp wrr
svc_echo "[$VIP6]:9876" udp wrr
r() { ip netns exec "$ROUTER_NS" "$@"; }
nat_drops() { rlbctl -j show | jq .info.nat_drops; }

lsmod | grep -q '^nf_conntrack ' && fail "nf_conntrack is loaded before the test"
d0=$(nat_drops)
for target in "$VIP:9876" "[$VIP6]:9876"; do
	"$LOADGEN" echo --target "$target" --clients client1,client2 --udp --bytes 3000 \
		--count 3 --timeout 5 --quiet --json /tmp/frag.json ||
		fail "fragmented UDP echo to $target without conntrack: $(jq -c '[.results[] | .error]' /tmp/frag.json)"
done
d1=$(nat_drops)
assert_eq $((d1 - d0)) 0 "nat-drops after fragmented datagrams without conntrack"
lsmod | grep -q '^nf_conntrack ' && fail "nf_conntrack was loaded by the fragmented echoes"
lsmod | grep -q '^nf_defrag_ipv4 ' || fail "nf_defrag_ipv4 is not loaded with lb"
log "without conntrack: 6 fragmented 3000-byte UDP echoes over IPv4 and 6 over IPv6 came back whole from the VIP"

r iptables -P FORWARD DROP
r iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
r iptables -A FORWARD -o lb-servers -p tcp --dport 7000 -m conntrack --ctstate NEW -j ACCEPT
r iptables -A FORWARD -o lb-servers -p udp --dport 7000 -m conntrack --ctstate NEW -j ACCEPT
r iptables -t nat -A POSTROUTING -o lb-servers -j MASQUERADE
lsmod | grep -q '^nf_conntrack ' || fail "iptables' conntrack rule did not load nf_conntrack"

for proto in tcp udp; do
	opt=()
	[ "$proto" = udp ] && opt=(--udp)
	"$LOADGEN" echo --count 4 "${opt[@]}" --quiet --json /tmp/echo.json ||
		fail "$proto echo through the firewall: $(jq -c '[.results[] | select(.ok | not) | .error]' /tmp/echo.json)"
	assert_eq "$(jq .ok /tmp/echo.json)" 20 "$proto echoes from 5 clients through the firewall"
done
"$LOADGEN" echo --clients client1,client2 --udp --bytes 3000 --count 3 --quiet --json /tmp/frag.json ||
	fail "fragmented UDP echo with conntrack: $(jq -c '[.results[] | .error]' /tmp/frag.json)"
"$LOADGEN" hold --per-client 2 --seconds 3 --quiet --json /tmp/hold.json ||
	fail "held connections through the firewall: $(jq -c '[.connections[] | select(.error) | .detail]' /tmp/hold.json)"
log "through the firewall and MASQUERADE: 20 TCP and 20 UDP echoes, 6 fragmented 3000-byte UDP echoes, 10 connections held 3 s"

ct=$(r cat /proc/net/nf_conntrack)
n_backend=$(grep -cE 'dst=10\.0\.2\.3[1-3] sport=[0-9]+ dport=7000 ' <<<"$ct" || true)
n_vip=$(grep -c 'dst=10\.0\.0\.100' <<<"$ct" || true)
log "conntrack entries to a backend's port 7000: $n_backend, naming the VIP: $n_vip"
assert_ge "$n_backend" 40 "conntrack entries client -> backend"
assert_eq "$n_vip" 0 "conntrack entries naming the VIP"
dropped=$(r iptables -L FORWARD -v -x -n | awk '/^Chain FORWARD/ { print $5; exit }')
assert_eq "$dropped" 0 "packets the FORWARD DROP policy dropped"
placed=$(svc_counts "$VIP" 9876 udp flows_created)
log "lb's udp flows per server: $placed"
