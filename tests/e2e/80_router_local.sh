#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Traffic addressed to the router itself keeps working with lb loaded, in
# every mode: ping (v4, v6) and TCP to the router's addresses, from the
# client side and from the paths' side; and the router's own traffic out.
. "$(dirname "$0")/lib.sh"

topo_up --router-ns ""
lb_load mode=packet

# iperf3 server on the router (the VM itself).
bg iperf3 -s -p 5301 >>"$IPERF_LOG" 2>&1
wait_port "" 5301

for mode in packet flow flowlet; do
	assert_ok lbctl set-mode "$mode"
	assert_ok on_client ping -q -c 4 -i 0.02 -W 2 "$ROUTER"
	assert_ok on_client ping -q -c 4 -i 0.02 -W 2 "$ROUTER6"
	# The router's path-side addresses, reached from across the paths.
	assert_ok on_server ping -q -c 4 -i 0.02 -W 2 10.10.2.3
	assert_ok on_server ping -q -c 4 -i 0.02 -W 2 fd00:10:2::1
	out=$(on_client iperf3 -c "$ROUTER" -p 5301 -n 4M -J) ||
		fail "TCP to the router ($mode): $(jq -r '.error // empty' <<<"$out")"
	out6=$(on_client iperf3 -c "$ROUTER6" -p 5301 -n 4M -J) ||
		fail "TCP over v6 to the router ($mode): $(jq -r '.error // empty' <<<"$out6")"
	# The router's own traffic (not forwarded) to the server.
	assert_ok ping -q -c 3 -i 0.02 -W 2 "$SERVER"
	log "$mode: ping and TCP (v4, v6) to the router work"
done
# Forwarded traffic still works too.
assert_ok on_client ping -q -c 3 -i 0.05 -W 2 "$SERVER"
