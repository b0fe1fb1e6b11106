#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A VIP that is also an address of the router keeps the router's own
# traffic on it working: an ICMP error sent to that address about a packet
# the router itself sent (no service's flow) reaches the router's socket,
# as it does without the VIP (v4 and v6), and is not counted as a drop.
# Before the fix, lb dropped every ICMP error to a VIP that no service
# owned: the socket timed out where it had been refused.
. "$(dirname "$0")/lib.sh"

topo_up --router-ns ""
lb_load mode=flow

# A UDP socket bound to ADDR sends to PEER's closed port 9: "refused" when
# the peer's port unreachable comes back to it, "timeout" when it does not.
udp_probe() { # ADDR PEER
	python3 - "$1" "$2" <<'EOF'
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.connect((sys.argv[2], 9))
s.settimeout(1)
for _ in range(3):
    s.send(b"lb")
    try:
        s.recv(16)
    except ConnectionRefusedError:
        print("refused")
        sys.exit(0)
    except socket.timeout:
        pass
print("timeout")
EOF
}

for pair in "$ROUTER $CLIENT" "$ROUTER6 $CLIENT6"; do
	read -r addr peer <<<"$pair"
	assert_eq "$(udp_probe "$addr" "$peer")" refused \
		"UDP from $addr to a closed port, before the VIP"
done

# The router's client-side addresses become VIPs of NAT services.
assert_ok lbctl vip add "$ROUTER:80" proto tcp nat
assert_ok lbctl vip add "[$ROUTER6]:80" proto tcp nat
drops0=$(lbctl -j show | jq .info.vip_drops)

for pair in "$ROUTER $CLIENT" "$ROUTER6 $CLIENT6"; do
	read -r addr peer <<<"$pair"
	assert_eq "$(udp_probe "$addr" "$peer")" refused \
		"UDP from $addr (now a VIP) to a closed port"
done
assert_eq "$(lbctl -j show | jq .info.vip_drops)" "$drops0" \
	"vip-drops after the router's own ICMP errors"
log "ICMP errors to a VIP that is the router's address reach the router"
