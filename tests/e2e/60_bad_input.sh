#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad lbctl input gets a clear one-line error and a non-zero exit, and the
# configuration stays as it was: unknown mode, weight out of range, wrong
# count of weights, bad prefixes, duplicate path or service, missing
# objects.
. "$(dirname "$0")/lib.sh"

topo_up --router-ns ""
lb_load mode=packet
before=$(lbctl -j show)

# "ARGS|REGEX": the error message must match REGEX (case-insensitive).
cases=(
	"set-mode bogus|mode"
	"set-mode|mode|usage|missing|expect"
	"set-weights 1 70000|weight|range|65535"
	"set-weights 1 -1|weight|range|invalid|number"
	"set-weights 1 x|weight|number|invalid"
	"set-weights 1|weight|count|path|2"
	"set-weights 1 1 1|weight|count|path|2"
	"set-weights|weight|usage|missing|expect"
	"vip add 10.0.0.300/24|address|prefix"
	"vip add 10.0.0.0/33|prefix|length|address"
	"vip add fd00::/129|prefix|length|address"
	"vip add bogus|address|prefix"
	"vip add any|exist|already|duplicate"
	"vip del 10.99.0.0/16|no such|not found|exist|no service"
	"path add 3|exist|already|duplicate"
	"path add 0|exist|already|duplicate"
	"path add 5 weight 70000|weight|range|65535"
	"path add notamark|mark|number|invalid"
	"path del 42|no such|not found|exist|no path"
	"path set 42 weight 2|no such|not found|exist|no path"
	"set-mode flowlet timeout 0|timeout|range|flowlet"
	"frobnicate|unknown|command|usage"
)
for c in "${cases[@]}"; do
	args=${c%%|*} re=${c#*|}
	# shellcheck disable=SC2086
	expect_fail "$LBCTL" $args
	n=$(wc -l <<<"$OUT")
	[ "$n" = 1 ] || fail "'lbctl $args' printed $n lines, not one: $OUT"
	shopt -s nocasematch
	[[ $OUT =~ $re ]] || fail "'lbctl $args': message '$OUT' is not about /$re/"
	shopt -u nocasematch
	now=$(lbctl -j show)
	[ "$now" = "$before" ] || fail "'lbctl $args' changed the configuration: $now"
	printf '#   lbctl %-28s exit %d: %s\n' "$args" "$RC" "$OUT"
done
log "${#cases[@]} bad inputs refused, configuration unchanged"

# The same and more, sent to the kernel directly: lbctl checks most input
# itself, so this is what shows the kernel's own validation (netlink
# policies, extack messages).
out=$(python3 "$E2E_DIR/badnl.py" 2>&1) || fail "the kernel took malformed requests:
$out"
printf '%s\n' "$out"
now=$(lbctl -j show)
[ "$now" = "$before" ] || fail "malformed netlink requests changed the configuration: $now"
log "$(grep -c refused <<<"$out") malformed netlink requests refused with a message, configuration unchanged"
