#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lbctl's writes are refused without CAP_NET_ADMIN, with a clear one-line
# message and a non-zero exit, and change nothing; reads still work (but
# the flow table, like conntrack's, is for admins only).  In a
# user namespace that owns its network namespace, its root may configure
# that namespace (CAP_NET_ADMIN there), but not the initial one.
. "$(dirname "$0")/lib.sh"

topo_up --router-ns ""
lb_load mode=packet
before=$(lbctl -j show)

NOCAP=(setpriv --inh-caps=-all --bounding-set=-net_admin)
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
writes=("set-mode flow" "set-weights 1 3" "vip add 10.9.0.0/16" "vip del any"
	"path add 7" "path del 3" "path set 3 weight 5" "flows flush"
	"set-sched maglev")
for who in NOCAP NOBODY; do
	declare -n pre=$who
	for c in "${writes[@]}"; do
		# shellcheck disable=SC2086 # a command line, split into its words
		expect_fail "${pre[@]}" "$LBCTL" $c
		assert_eq "$(wc -l <<<"$OUT")" 1 "lines of error output for '$c' ($who)"
		assert_match "$OUT" "CAP_NET_ADMIN|[Pp]ermission|not permitted" "message for '$c' ($who)"
	done
	log "$who: ${#writes[@]} writes refused, e.g. '$OUT' (exit $RC)"
	unset -n pre
done
assert_eq "$(lbctl -j show)" "$before" "configuration after the refused writes"

for c in show stats "-j show" "-j stats" "path show" "vip show"; do
	# shellcheck disable=SC2086 # a command line, split into its words
	out=$("${NOBODY[@]}" "$LBCTL" $c 2>&1) || fail "'lbctl $c' as nobody failed: $out"
	# shellcheck disable=SC2086 # a command line, split into its words
	out=$("${NOCAP[@]}" "$LBCTL" $c 2>&1) || fail "'lbctl $c' without CAP_NET_ADMIN failed: $out"
done
log "reads work for nobody and without CAP_NET_ADMIN"
# The flow table tells who talks to whom: admin only, as conntrack's.
expect_fail "${NOBODY[@]}" "$LBCTL" flows
assert_eq "$(wc -l <<<"$OUT")" 1 "lines of error output for 'flows' (nobody)"
assert_match "$OUT" "CAP_NET_ADMIN|[Pp]ermission|not permitted" "message for 'flows' (nobody)"

# A user namespace's root owns the network namespace it makes with it...
# shellcheck disable=SC2016 # expanded by the inner shell
out=$(unshare --user --map-root-user --net sh -c '
	ip link set lo up &&
	"$1" vip add any mode packet && "$1" path add 0 && "$1" path add 3 weight 2 &&
	"$1" -j show' _ "$LBCTL" 2>&1) || fail "lbctl in a user-owned namespace failed: $out"
assert_eq "$(jq -r '[.services[0].targets[].weight] | join(",")' <<<"$out")" "1,2" \
	"weights configured in a user-owned network namespace"
log "root of a user namespace configured its own network namespace"
# ...but not the initial one.
expect_fail unshare --user --map-root-user "$LBCTL" set-mode flow
assert_match "$OUT" "CAP_NET_ADMIN|[Pp]ermission|not permitted" "message in a user namespace"
assert_eq "$(lbctl -j show)" "$before" "configuration after the user namespace's attempt"
log "refused in the initial namespace: '$OUT'"
