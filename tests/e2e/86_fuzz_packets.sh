#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed frames into the router (tests/fuzz/pktfuzz, built by `make
# fuzz`; its packets come from the generator of the KUnit fuzz suite),
# written with AF_PACKET into the client's link, addressed to the router:
# truncated and lying IPv4 and IPv6 headers, bad IHL and lengths,
# extension header chains long and cut short, fragments, bogus TCP data
# offsets, ICMP errors quoting garbage, cut-off or nested ICMP, most of
# them to the router's services: paths (flow mode, marks 0 and 3), NAT
# (TCP and UDP VIPs with backends on the server, IPv4 and IPv6) and
# direct server return (port 80: GUE over IPv4, IP-in-IP over IPv6; the
# server does not take them out, lb's part is what is fuzzed).
#  1. the frames alone;
#  2. the frames again while nlfuzz's threads add, delete and restore
#     services and targets in the router's namespace (the hooks read
#     configurations being replaced under them);
# After part 1 no path may be DOWN (a path is down when its mark's route
# fails for destinations it carried: frames to random addresses, which no
# path can route, must not count) and lb must have balanced the frames.
# After each part, and once more after lb is unloaded and loaded again
# and configured as before, the router must still forward: ping, and TCP
# over both paths and through the VIPs (iperf3), IPv4 and IPv6.  The
# kernel log must stay clean.  The seed is printed; E2E_SEED=N replays
# the frames, E2E_PKTFUZZ (default 150000) sets how many are sent in part
# 1, half as many in part 2.
# Single-threaded TCG: part 2's services come and go, and with the VIP
# hooks the kernel's defragmentation hooks, under traffic: see
# "Multi-threaded TCG" in scripts/vm (6.12 oopsed on int3 in ip_rcv()).
# vm-options: --tcg single
. "$(dirname "$0")/lib.sh"

PKTFUZZ=$TOP/tests/fuzz/pktfuzz NLFUZZ=$TOP/tests/fuzz/nlfuzz
for f in "$PKTFUZZ" "$NLFUZZ"; do
	[ -x "$f" ] || fail "no $f: run 'make fuzz'"
done
seed=${E2E_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
n=${E2E_PKTFUZZ:-150000}
VIP4=10.10.3.10 VIP6=fd00:10:3::10

topo_up
lb_load marks=none
lb_setup() {
	lb_config flow
	# The backends' iperf3 listens on 5202: a backend's replies come from
	# its VIP, so the server's own 5201 must be no backend.
	{
		rlbctl vip add "$VIP4:5201" proto tcp &&
		rlbctl backend add "$VIP4:5201" "$SERVER:5202" &&
		rlbctl vip add "$VIP4:53" proto udp &&
		rlbctl backend add "$VIP4:53" "$SERVER:53" &&
		rlbctl backend add "$VIP4:53" 10.10.3.3:53 weight 0 &&
		rlbctl vip add "[$VIP6]:5201" proto tcp &&
		rlbctl backend add "[$VIP6]:5201" "[$SERVER6]:5202" &&
		rlbctl vip add "$VIP4:80" proto tcp fwd gue &&
		rlbctl backend add "$VIP4:80" "$SERVER:80" &&
		rlbctl vip add "[$VIP6]:80" proto udp fwd ipip &&
		rlbctl backend add "[$VIP6]:80" "[$SERVER6]:80"
	} || fail "configuring the VIPs failed"
}

# The router forwards: pings, and TCP to DST... (iperf3: both paths, and
# through the VIPs to the backends' iperf3 on 5202).
forwards() { # WHEN DST...
	local when=$1 dst out
	shift
	assert_ok on_client ping -c 2 -i 0.2 -W 2 "$SERVER"
	assert_ok on_client ping -6 -c 2 -i 0.2 -W 2 "$SERVER6"
	for dst in "$@"; do
		out=$(on_client iperf3 -c "$dst" -t 1 -P 4 -J) ||
			fail "$when: iperf3 to $dst failed: $(jq -r .error <<<"$out")"
	done
	log "$when: ping, and TCP to $*, work"
}

# What lb and the router counted: "balanced backends replies drops rx".
counts() {
	local s
	s=$(rlbctl -j stats)
	echo "$(jq '[.services[].stats.packets] | add // 0' <<<"$s")" \
		"$(jq '[.services[] | select(.targets[0].kind == "backend") | .stats.packets] | add // 0' <<<"$s")" \
		"$(jq '[.services[].stats.reply_packets] | add // 0' <<<"$s")" \
		"$(jq '.info.vip_drops + .info.nat_drops' <<<"$s")" \
		"$(link_stat lb-router lb-client rx_packets)"
}

fuzz() { # COUNT SEED
	local mac
	mac=$(ip -n lb-router -j link show lb-client | jq -r '.[0].address')
	on_client "$PKTFUZZ" --dev lb-router --dst-mac "$mac" --seed "$2" \
		--count "$1" \
		--v4 10.10.1.1,10.10.1.2,10.10.3.2,$VIP4,10.10.3.100,10.10.2.1,10.77.1.1,10.77.0.9 \
		--v6 fd00:10:1::1,fd00:10:1::2,fd00:10:3::2,$VIP6,fd00:10:3::100,fd00:77::1 \
		--ports 5201,5202,53,80,8080,40000,33434
}

# A part: COUNT frames from SEED, and what lb and the router made of them
# (lb's counters only with "counted": nlfuzz replaces the services).
part() { # COUNT SEED [counted]
	local out b0 n0 r0 d0 x0 b1 n1 r1 d1 x1 down
	read -r b0 n0 r0 d0 x0 < <(counts)
	out=$(fuzz "$1" "$2") || fail "pktfuzz failed: $out"
	echo "#   ${out//$'\n'/$'\n#   '}"
	read -r b1 n1 r1 d1 x1 < <(counts)
	assert_ge $((x1 - x0)) $(($1 * 9 / 10)) "frames the router received"
	if [ "${3:-}" != counted ]; then
		log "the router took $((x1 - x0)) frames"
		return
	fi
	log "the router took $((x1 - x0)) frames; lb balanced $((b1 - b0)) packets, $((n1 - n0)) of them to backends, translated $((r1 - r0)) replies, dropped $((d1 - d0))"
	# Frames to addresses no path can route must not pass for broken paths.
	down=$(rlbctl -j show | jq '[.services[].targets[] | select(.kind == "path" and .down)] | length')
	[ "$down" = 0 ] || fail "$down of the router's paths are DOWN after the frames: frames to destinations that no path can route (random addresses) took them down, and lb stopped balancing ($((b1 - b0)) packets balanced)"
	assert_ge $((b1 - b0)) $(($1 / 10)) "packets lb balanced"
	assert_ge $((n1 - n0)) $(($1 / 2000)) "packets lb translated to backends"
}

lb_setup
iperf_server
bg on_server iperf3 -s -p 5202 >>"$IPERF_LOG" 2>&1
wait_port lb-server 5202
forwards "before" "$SERVER" "$VIP6"

log "1. $n frames (seed $seed)"
part "$n" "$seed" counted
forwards "after the frames" "$SERVER" "$VIP4" "$SERVER6" "$VIP6"

log "2. $((n / 2)) frames while 4 threads rewrite the configuration"
bg ip netns exec lb-router "$NLFUZZ" --seed $((seed + 1)) --count 0 \
	--race 8000 --threads 4 >/tmp/e2e-nlfuzz.log 2>&1
fuzzer=${BG_PIDS[-1]}
part $((n / 2)) $((seed + 2))
wait "$fuzzer" || fail "nlfuzz failed: $(cat /tmp/e2e-nlfuzz.log)"
sed 's/^/#   /' /tmp/e2e-nlfuzz.log
forwards "after the frames and the configuration changes" "$SERVER" "$VIP4"

lb_unload
lb_load marks=none
lb_setup
forwards "after unloading and loading lb again" "$SERVER6" "$VIP6"
