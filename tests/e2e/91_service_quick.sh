#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo SCENARIO=service`, quick form (demo/service --quick), as
# a test: seed 002's topology (testbed/netns/service: 5 clients, a router,
# 3 servers with nginx and an echo server), lb balancing the VIP 10.0.0.100
# over the servers (demo/guest-service --quick, then
# demo/report-service --no-plot --check inside this VM).  Checks the
# seed's echo check (TCP, UDP, IPv6), that every request of simple.load
# was answered, that lb placed one flow per request on the server that
# answered, and wrr's exact 1:1:2 and 1:1:1 shares.
. "$(dirname "$0")/lib.sh"

OUT=/tmp/e2e-service
rm -rf "$OUT" && mkdir -p "$OUT"
command -v nginx >/dev/null || skip "nginx missing: run scripts/deps"

# demo/guest-service builds (and at the end removes) the topology itself and
# loads and unloads lb.
log "demo/guest-service --quick"
LB_KO=$(lb_ko) LBCTL=$LBCTL "$TOP/demo/guest-service" --out "$OUT" --quick ||
	fail "demo/guest-service failed"
rc=0
"$TOP/demo/report-service" --no-plot --check "$OUT" | sed 's/^/#   /' || rc=$?
R=$OUT/service.json
[ -s "$R" ] || fail "no $R"
jq -r '.checks[] | select(.ok == false) | "FAILED: \(.check): \(.detail)"' "$R" >&2
assert_eq "$rc" 0 "demo/report-service --check"
assert_eq "$(jq '[.checks[] | select(.ok == false)] | length' "$R")" 0 "failed checks"
assert_eq "$(jq '.phases | length' "$R")" 2 "phases measured"
assert_eq "$(jq '[.echo[] | select(. != null) | .ok] | add' "$R")" 30 "echoes answered"
assert_eq "$(jq '[.phases[].requests] | add' "$R")" 100 "requests answered"

lsmod | grep -q '^lb ' && fail "demo/guest-service left lb loaded"
[ -e /run/netns/client1 ] && fail "demo/guest-service left the testbed up"
log "service quick: every check passed"
