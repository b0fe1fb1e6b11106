#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad lbctl input gets a clear one-line error and a non-zero exit, and the
# configuration stays as it was: unknown mode, weight out of range, wrong
# count of weights, bad prefixes, duplicate path or service, missing
# objects.  Backends: exit 2 for what lbctl refuses itself (nothing sent),
# exit 1 for what the kernel refuses (a backend on a path service, a path
# on a NAT service, duplicates, missing ones).  Restore files: a bad line
# is named (FILE:LINE), exit 2 if lbctl refuses it, 1 if the kernel does,
# and nothing of the file is applied.
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
# refused RC "ARGS|REGEX": lbctl ARGS fails with exit status RC (any
# non-zero if RC is "") and one line matching REGEX (case-insensitive),
# and the configuration stays $before.
refused() {
	local want=$1 args=${2%%|*} re=${2#*|} n now
	local -
	set -f	# [V6ADDR]:PORT is no glob
	# shellcheck disable=SC2086 # a command line, split into its words
	expect_fail "$LBCTL" $args
	[ -z "$want" ] || [ "$RC" = "$want" ] ||
		fail "'lbctl $args' exited $RC, not $want: $OUT"
	n=$(wc -l <<<"$OUT")
	[ "$n" = 1 ] || fail "'lbctl $args' printed $n lines, not one: $OUT"
	shopt -s nocasematch
	[[ $OUT =~ $re ]] || fail "'lbctl $args': message '$OUT' is not about /$re/"
	shopt -u nocasematch
	now=$(lbctl -j show)
	[ "$now" = "$before" ] || fail "'lbctl $args' changed the configuration: $now"
	printf '#   lbctl %-28s exit %d: %s\n' "$args" "$RC" "$OUT"
}
for c in "${cases[@]}"; do
	refused "" "$c"
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

# Backends.  What lbctl itself refuses: exit 2, before anything is sent.
usage=(
	"backend add|VIP:PORT"
	"backend add 10.10.3.10:80 proto tcp|ADDR:PORT"
	"backend add 10.10.3.10 proto tcp 10.10.3.2:80|port"
	"backend add 10.10.3.0/24:80 proto tcp 10.10.3.2:80|one address"
	"backend add any 10.10.3.2:80|one address"
	"backend add 10.10.3.10:80 proto sctp 10.10.3.2:80|tcp or udp"
	"backend add 10.10.3.10:80 proto tcp 10.10.3.2|port"
	"backend add 10.10.3.10:80 proto tcp 10.10.3.2:0|port"
	"backend add 10.10.3.10:80 proto tcp 10.10.3.0/24:80|address and port"
	"backend add 10.10.3.10:80 proto tcp [fd00:10:3::2]:80|family"
	"backend add [fd00:10:3::10]:80 proto tcp 10.10.3.2:80|family"
	"backend add 10.10.3.10:80 proto tcp 10.10.3.2:80 weight 70000|weight|65535"
	"backend add 10.10.3.10:80 proto tcp id 3|id"
	"backend add 10.10.3.10:80 proto tcp 10.10.3.2:80 10.10.3.3:80|unexpected"
	"backend set 10.10.3.10:80 proto tcp 10.10.3.2:80|weight"
	"backend del 10.10.3.10:80 proto tcp|ADDR:PORT"
	"backend del 10.10.3.10:80 proto tcp 10.10.3.2:80 id 1|not both"
	"backend frob|unknown"
	"vip add 10.10.3.10:80 proto tcp sched lc|sched|wlc"
	"set-sched lc|sched|wlc"
)
for c in "${usage[@]}"; do
	refused 2 "$c"
done
log "${#usage[@]} bad backend command lines refused by lbctl (exit 2)"

# What the kernel refuses (exit 1, its extack message), on a NAT service
# with a backend (named without proto: lbctl finds it), a path service of
# the same shape, and a VIP:PORT with a TCP and a UDP service.
assert_ok lbctl vip add 10.10.3.10:80 proto tcp
assert_ok lbctl backend add 10.10.3.10:80 10.10.3.2:8080
assert_ok lbctl vip add 10.10.3.11:80 proto tcp
assert_ok lbctl path add 5 vip 10.10.3.11:80 proto tcp
assert_ok lbctl vip add 10.10.3.12:53 proto udp
assert_ok lbctl vip add 10.10.3.12:53 proto tcp
kind=$(lbctl -j backend show 10.10.3.10:80 |
	jq -r '.services[0].targets[0] | "\(.kind) \(.addr):\(.port) \(.weight)"')
assert_eq "$kind" "backend 10.10.3.2:8080 1" "the backend as backend show -j reads it"
before=$(lbctl -j show)
kernel=(
	"backend add 10.10.3.11:80 proto tcp 10.10.3.2:8080|path|backend|both|mix"
	"path add 7 vip 10.10.3.10:80 proto tcp|path|backend|both|mix"
	"backend add 10.10.3.10:80 10.10.3.2:8080|exist|already|duplicate"
	"backend del 10.10.3.10:80 10.10.3.3:8080|no such|not found|exist"
	"backend set 10.10.3.10:80 proto tcp 10.10.3.3:8080 weight 2|no such|not found|exist"
	"backend add 10.10.3.99:80 proto tcp 10.10.3.2:8080|no such|not found|exist|no service"
	"backend add 10.10.3.99:80 10.10.3.2:8080|no such service"
	"backend add 10.10.3.12:53 10.10.3.2:53|tcp and a udp"
)
for c in "${kernel[@]}"; do
	refused 1 "$c"
done
log "${#kernel[@]} backend changes refused (exit 1), configuration unchanged"

# restore: a bad file changes nothing, whatever its other lines would
# have done.  A line lbctl refuses itself: exit 2, nothing sent; a line the
# kernel refuses: exit 1, its message; both name the file and the line.
saved=$(lbctl save) || fail "lbctl save failed"
ids=$(lbctl -j show | jq -c '[.services[].targets[].id]')
V="vip add 10.77.0.0/16 mode flow sched wrr"
N="vip add 10.77.1.1:80 proto tcp"
# "EXIT|LINE|REGEX|FILE", the file's lines separated by ";"
files=(
	"2|3|weight.*65535|$V;path add 5 vip 10.77.0.0/16;path add 6 weight 70000 vip 10.77.0.0/16"
	"2|2|only set, vip add, path add and backend add|$V;vip del any;path add 5 vip 10.77.0.0/16"
	"2|3|one set line|set timeout udp 9;$V;set flowlet 5ms"
	"2|2|udp must be a number from 1 to 604800|$V;set timeout udp 0"
	"2|4|no service vip 10.78.0.0/16|$V;path add 5 vip 10.77.0.0/16;# a comment;path add 5 vip 10.78.0.0/16"
	"2|1|address|vip add 10.0.0.300/24;$V"
	"2|3|no service .* tcp or udp|$V;;backend add 10.77.1.1:80 10.9.0.1:80"
	"2|2|mode|$V;vip add 10.78.0.0/16 mode bogus"
	"2|3|without vip is for the only service|$V;$N;path add 5"
	"1|3|path with this mark|$V;path add 5 vip 10.77.0.0/16;path add 5/0xff weight 2 vip 10.77.0.0/16"
	"1|4|paths or backends|$V;$N;path add 5 vip 10.77.1.1:80 proto tcp;backend add 10.77.1.1:80 10.9.0.1:80"
	"1|5|given twice|$V;path add 5 vip 10.77.0.0/16;$N;backend add 10.77.1.1:80 10.9.0.1:80;$V"
	"1|3|mode flow|$V;vip add 10.77.1.1:80 proto tcp mode packet;backend add 10.77.1.1:80 proto tcp 10.9.0.1:80"
	"1|4|paths or backends|$N;backend add 10.77.1.1:80 10.9.0.1:80;# the VIP takes no path;path add 7 vip 10.77.1.1:80 proto tcp"
)
bad_restore() { # EXIT LINE REGEX FILE NAME [<stdin]
	local want=$1 line=$2 re=$3 file=$4 name=$5 n
	expect_fail "$LBCTL" restore "${@:6}" <"$file"
	[ "$RC" = "$want" ] || fail "restore of '$file' exited $RC, not $want: $OUT"
	n=$(wc -l <<<"$OUT")
	[ "$n" = 1 ] || fail "restore of '$file' printed $n lines, not one: $OUT"
	[[ $OUT == "lbctl: $name:$line: "* ]] ||
		fail "restore: '$OUT' does not start with 'lbctl: $name:$line: '"
	shopt -s nocasematch
	[[ $OUT =~ $re ]] || fail "restore: message '$OUT' is not about /$re/"
	shopt -u nocasematch
	assert_eq "$(lbctl save)" "$saved" "the configuration after a refused restore ($OUT)"
	assert_eq "$(lbctl -j show | jq -c '[.services[].targets[].id]')" "$ids" \
		"target ids after a refused restore ($OUT)"
	printf '#   restore, exit %d: %s\n' "$RC" "$OUT"
}
i=0
for c in "${files[@]}"; do
	IFS='|' read -r want line re body <<<"$c"
	f=/tmp/e2e-bad-$((i += 1)).conf
	tr ';' '\n' <<<"$body" >"$f"
	bad_restore "$want" "$line" "$re" "$f" "$f" -f "$f"
done
# The same from standard input, as "<stdin>".
bad_restore "$want" "$line" "$re" "$f" "<stdin>"
log "$((i + 1)) bad restore files refused with their line (exit 2 before sending, 1 from the kernel), configuration unchanged"

# And a good one restores all of it, in one go.
printf '%s\n' "$V" "path add 5 weight 2 vip 10.77.0.0/16" "$N" \
	"backend add 10.77.1.1:80 10.9.0.1:80" >/tmp/e2e-good.conf
assert_ok lbctl restore -f /tmp/e2e-good.conf
assert_eq "$(lbctl save | grep -v '^#')" "$(printf '%s\n' "$V" \
	"path add 0x5 weight 2 vip 10.77.0.0/16" "$N mode flow sched maglev" \
	"backend add 10.77.1.1:80 proto tcp 10.9.0.1:80 weight 1")" "save after a good restore"
log "a good file replaced the configuration: $(lbctl save | grep -vc '^#') lines saved"
