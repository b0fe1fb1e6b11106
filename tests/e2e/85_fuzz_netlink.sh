#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lb's generic netlink family under random and mutated requests
# (tests/fuzz/nlfuzz, built by `make fuzz`): wrong types, lengths and
# nesting, unknown attributes, hundreds of weights, restores around the
# service and target limits, out-of-range weights, marks, prefix lengths,
# modes, and 4 threads adding and deleting at once.
#  1. root in the VM's namespace: every rejection carries an extack
#     message, and no rejected request changes the configuration (a dump
#     after every request);
#  2. root of a user namespace (unshare -Ur), which owns no network
#     namespace: every write is refused with EPERM and the configuration
#     does not change;
#  3. the same in a network namespace that user namespace owns (unshare
#     -Urn): writes are taken there, and the VM's namespace is untouched.
# 105000 requests in all; the one-by-one ones from two processes (the
# second in a namespace of its own in 1 and 3), to keep both CPUs busy.
# The seed is printed; E2E_SEED=N replays the one-by-one parts.
# E2E_NLFUZZ (default 60000), E2E_NLFUZZ_RACE (20000) and E2E_NLFUZZ_USER
# (10000 for each of 2 and 3, and a quarter of that racing) set the
# numbers.
. "$(dirname "$0")/lib.sh"

NLFUZZ=$TOP/tests/fuzz/nlfuzz
[ -x "$NLFUZZ" ] || fail "no $NLFUZZ: run 'make fuzz'"
seed=${E2E_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
n=${E2E_NLFUZZ:-60000}
race=${E2E_NLFUZZ_RACE:-20000}
user=${E2E_NLFUZZ_USER:-10000}

lb_load
# The configuration without its counters, to compare.
config() { lbctl -j show | jq -cS 'del(.. | .stats?) | del(.info.flows, .info.vip_drops, .info.nat_drops)'; }

# nlfuzz's figures, as it printed them, and the one value that matters.
run() { # WHAT ARGS...
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	echo "#   ${out//$'\n'/$'\n#   '}"
	[ "$rc" = 0 ] || fail "nlfuzz $what exited $rc"
	OUT=$out
}
field() { # REGEX: the number after it in nlfuzz's output
	grep -oE "$1 [0-9]+" <<<"$OUT" | head -n 1 | grep -oE '[0-9]+$'
}

log "1. as root: $n requests one by one, $race from 4 threads at once (seed $seed)"
run "as root" "$NLFUZZ" --seed "$seed" --count "$n" --jobs 2 --race "$race"
assert_eq "$(field 'without extack')" 0 "rejections without extack"
assert_eq "$(field 'rejected request')" 0 "configurations changed by a rejected request"
assert_ge "$(field 'sent')" $((n + race)) "requests sent"
assert_ge "$(field 'writes')" $((n / 20)) "writes accepted (the fuzzer is not only noise)"
# The dumps see changes when there are some: the check is not blind.
assert_ge "$(field 'by an accepted one')" $((n / 20)) "accepted requests seen changing the configuration"
assert_ge "$(field 'rejected')" $((n / 4)) "requests rejected"

before=$(config)
log "2. root of a user namespace, in a network namespace it does not own"
run "without CAP_NET_ADMIN" unshare --user --map-root-user \
	"$NLFUZZ" --expect-eperm --seed $((seed + 1)) --count "$user" --jobs 2 \
	--race $((user / 4))
assert_eq "$(field 'writes')" 0 "writes accepted without CAP_NET_ADMIN"
assert_eq "$(field 'refused with EPERM')" 0 "writes not refused with EPERM"
assert_eq "$(field 'rejected request')" 0 "configuration changes"
assert_eq "$(config)" "$before" "the VM's configuration after the unprivileged requests"

log "3. root of a user namespace, in a network namespace it owns"
run "in its own namespace" unshare --user --map-root-user --net \
	"$NLFUZZ" --seed $((seed + 2)) --count "$user" --jobs 2 \
	--race $((user / 4))
assert_eq "$(field 'without extack')" 0 "rejections without extack (own namespace)"
assert_eq "$(field 'rejected request')" 0 "configurations changed by a rejected request (own namespace)"
assert_ge "$(field 'writes')" $((user / 20)) "writes accepted in its own namespace"
assert_eq "$(config)" "$before" "the VM's configuration after the user namespace's requests"
log "the VM's configuration is as it was"
