#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, quick form (demo/demo --quick), as a test: the seed
# topology with its bottlenecks (equal and unequal paths), 8 parallel TCP
# flows, the seed's iptables rules and lb's three modes (demo/guest-paths
# --quick, then demo/report-paths --no-plot inside this VM).  Checks that every run
# delivered, that lb split the traffic as its mode says (its own counters
# agreeing with the router's links); the goodputs are reported, not
# compared (see below).  E2E_SECONDS per run (default 3),
# E2E_REPEATS runs of each (default 2, interleaved: a run the host starved
# of CPU is not the one compared).
# vm-options: --timeout 600
. "$(dirname "$0")/lib.sh"

SECS=${E2E_SECONDS:-3}
REPEATS=${E2E_REPEATS:-2}
OUT=/tmp/e2e-demo
rm -rf "$OUT" && mkdir -p "$OUT"

# demo/guest-paths builds (and at the end removes) the topology itself, with the
# router in the VM's own namespace, and loads and unloads lb as it goes.
log "demo/guest-paths: equal and unequal paths, 8 flows, $REPEATS runs of ${SECS}s each"
LB_KO=$(lb_ko) LBCTL=$LBCTL "$TOP/demo/guest-paths" --out "$OUT" --quick --duration "$SECS" \
	--repeats "$REPEATS" ||
	fail "demo/guest-paths failed"
"$TOP/demo/report-paths" --no-plot "$OUT" | sed 's/^/#   /' ||
	fail "demo/report-paths failed"
R=$OUT/demo.json
[ -s "$R" ] || fail "no $R"

# Every run delivered something.
assert_eq "$(jq '[.runs[] | select(.error != null)] | length' "$R")" 0 "runs with an iperf3 error"
assert_eq "$(jq '[.runs[] | select(.goodput_mbps < 10)] | length' "$R")" 0 "runs below 10 Mbit/s"

# run TOPO CONFIG FIELD: that field of each of the configuration's runs.
run() { jq -r --arg t "$1" --arg c "$2" ".runs[] | select(.topo == \$t and .config == \$c) | $3" "$R"; }
near_each() { # WANT TOL WHAT: each value on stdin near WANT
	local v
	while read -r v; do assert_near "$v" "$1" "$2" "$3"; done
}

for t in equal unequal; do
	# Per packet, lb alternates packets: bytes 50/50 within 5 points.
	near_each 50 5 "$t paths, lb-packet: path 1's share of bytes (%)" \
		< <(run "$t" lb-packet '.path1_pct | round')
	# Per flow, 8 flows (and iperf3's control connection) are placed 5/4
	# by weighted round robin: both links carry data, about half each.
	near_each 50 15 "$t paths, lb-flow: path 1's share of bytes (%)" \
		< <(run "$t" lb-flow '.path1_pct | round')
	while read -r n; do
		assert_ge "$n" 9 "$t paths, lb-flow: flows lb created"
	done < <(run "$t" lb-flow '.lb.flows_created')
	# lb's counters and the router's links agree on the split (lb counts
	# IP bytes, the links count frames: the shares match).
	for c in lb-packet lb-flow lb-flowlet; do
		while read -r a b; do
			assert_near "$b" "$a" 2 "$t paths, $c: lb's path 1 share vs the links'"
		done < <(run "$t" "$c" '"\(.path1_pct | round) \(.lb_path1_pct | round)"')
	done
	# The seed's per-packet rule alternates too; no balancing is not tested.
	near_each 50 5 "$t paths, seed-packet: path 1's share of bytes (%)" \
		< <(run "$t" seed-packet '.path1_pct | round')
done

# lb's best mode against the seed's best rule, per cell, is a speed figure:
# reported here and by demo/report-paths, never asserted.  Three-second
# runs in an emulated VM on a shared host differ by more than the gap
# being compared (CI once saw lb-packet at 66 and seed-packet at 75 Mbit/s
# in one cell, the same per-packet work); `make bench` is where speed is
# measured.
best() { # TOPO PREFIX: "CONFIG MBPS" of the fastest run of PREFIX* configs
	jq -r --arg t "$1" --arg p "$2" '[.runs[] | select(.topo == $t and (.config | startswith($p)))]
		| max_by(.goodput_mbps) | "\(.config) \(.goodput_mbps * 10 | round / 10)"' "$R"
}
for t in equal unequal; do
	read -r lb lbm < <(best "$t" lb-)
	read -r seed seedm < <(best "$t" seed-)
	log "$t paths, 8 flows: best lb $lb $lbm Mbit/s, best seed $seed $seedm Mbit/s (figure, not a check)"
done

lsmod | grep -q '^lb ' && fail "demo/guest-paths left lb loaded"
[ -e /run/netns/lb-client ] && fail "demo/guest-paths left the testbed up"
log "demo quick: every check passed"
