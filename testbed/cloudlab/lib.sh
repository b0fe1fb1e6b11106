# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034  # the constants are the callers'
#
# testbed/cloudlab/lib.sh: what the node scripts (client, router, aggr,
# server) share.  Sourced by them, never run.  The caller sets ROLE first.
#
# Every change a script makes is written to /run/lb-cloudlab/ROLE.state
# (routes it replaced or deleted, with the routes that were there before;
# rules it added; sysctls with their old values; interfaces whose root
# qdisc it set), so that `ROLE down` undoes exactly that and nothing else.
# /run is a tmpfs: a reboot forgets the state together with the changes.

CL_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
REPO=$(cd "$CL_DIR/../.." && pwd)
STATE_DIR=${LB_CLOUDLAB_STATE_DIR:-/run/lb-cloudlab}
STATE=$STATE_DIR/${ROLE:?ROLE unset}.state
T=$'\t'

# Policy routing, as in the seed: fwmark 3 selects table 100 (path 2).
MARK=3
TABLE=100

# The seed's address plan (testbed/netns/seed uses the same addresses).
CLIENT_IP=10.10.1.1       # client, on its link to the router
ROUTER_BACK_IP=10.10.1.2  # router, on its link to the client
ROUTER_P1_IP=10.10.2.1    # path 1: router 10.10.2.1 - aggr 10.10.2.2
AGGR_P1_IP=10.10.2.2
ROUTER_P2_IP=10.10.2.3    # path 2: router 10.10.2.3 - aggr 10.10.2.4
AGGR_P2_IP=10.10.2.4
AGGR_FRONT_IP=10.10.3.1   # aggr, on its link to the server
SERVER_IP=10.10.3.2
CLIENT_NET=10.10.1.0/24
SERVER_NET=10.10.3.0/24

CMD=up
ARGS=()
RATE_SCALE=1
SHAPE=1
UNEQUAL=0

die() { echo "$ROLE: $*" >&2; exit 1; }
note() { echo "$ROLE: $*"; }

usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit "${1:-0}"
}

# Run as root; on CloudLab sudo needs no password.
need_root() {
	[ "$(id -u)" = 0 ] && return 0
	command -v sudo >/dev/null || die "needs root"
	exec sudo -- "$0" "$@"
}

# Show a command, then run it.
run() {
	echo "+ $*"
	"$@"
}

# parse_args "$@": [COMMAND] [FLAGS] for up, down, status and the
# router's extra commands; COMMAND defaults to up.  Words after lb or
# baseline are kept in ARGS as they are (insmod parameters, the mode).
parse_args() {
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		CMD=$1
		shift
	fi
	case $CMD in
	up|down|status) ;;
	lb|baseline|unload) [ "$ROLE" = router ] || die "'$CMD' is the router's" ;;
	help) usage 0 ;;
	*) die "unknown command '$CMD' (see $0 --help)" ;;
	esac
	case $CMD in
	lb|baseline)
		ARGS=("$@")
		case " $* " in *" -h "*|*" --help "*) usage 0 ;; esac
		return 0 ;;
	esac
	while [ $# -gt 0 ]; do
		case $1 in
		--rate-scale)
			[ $# -ge 2 ] || die "--rate-scale needs a factor"
			RATE_SCALE=$2
			shift ;;
		--rate-scale=*) RATE_SCALE=${1#*=} ;;
		--no-shape) SHAPE=0 ;;
		--unequal)
			[ "$ROLE" = router ] || die "--unequal is the router's (delay on path 1)"
			UNEQUAL=1 ;;
		-h|--help) usage 0 ;;
		*) die "unknown argument '$1' (see $0 --help)" ;;
		esac
		shift
	done
	if ! [[ $RATE_SCALE =~ ^([0-9]+(\.[0-9]*)?|\.[0-9]+)$ ]] ||
		! awk -v f="$RATE_SCALE" 'BEGIN { exit !(f > 0) }'; then
		die "--rate-scale wants a positive number, not '$RATE_SCALE'"
	fi
	if [ "$CMD" != up ] && { [ "$RATE_SCALE" != 1 ] || [ "$SHAPE" = 0 ] || [ "$UNEQUAL" = 1 ]; }; then
		die "--rate-scale, --no-shape and --unequal go with up"
	fi
	if [ "$UNEQUAL" = 1 ] && [ "$SHAPE" = 0 ]; then
		die "--unequal changes the shaping: it cannot go with --no-shape"
	fi
}

# rate MBIT: the seed's rate MBIT Mbit/s times --rate-scale, as tc wants it.
rate() {
	awk -v m="$1" -v f="$RATE_SCALE" 'BEGIN {
		k = int(m * 1000 * f + 0.5)
		if (k < 8) exit 1
		if (k % 1000 == 0) printf "%dMbit\n", k / 1000
		else printf "%dkbit\n", k
	}' || die "$1 Mbit/s x $RATE_SCALE is below 8 kbit/s"
}

# ---------------------------------------------------------------------------
# Finding interfaces: by the address CloudLab gave them (ip -o addr), and
# checked against the kernel's route to the far end (ip route get), as the
# seed does.

# if_by_addr ADDR: the interface that has IPv4 address ADDR, or nothing.
if_by_addr() {
	ip -o -4 addr show | awk -v a="$1" '{
		split($4, p, "/")
		if (p[1] == a && !found) { sub(/@.*/, "", $2); print $2; found = 1 }
	}'
}

# need_if WHAT ADDR: print the interface with ADDR or stop.
need_if() {
	local dev
	dev=$(if_by_addr "$2")
	[ -n "$dev" ] || die "no interface has $2 (the $1): is this the $ROLE node? (ip -o -4 addr)"
	echo "$dev"
}

# route_dev ADDR: the interface `ip route get ADDR` leaves by.
route_dev() {
	ip -o -4 route get "$1" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p'
}

# check_route_dev ADDR DEV: the route toward ADDR leaves by DEV.
check_route_dev() {
	local got
	got=$(route_dev "$1")
	[ "$got" = "$2" ] ||
		die "ip route get $1 says dev '${got:-?}', expected $2: check 'ip route' and 'ip rule'"
}

in_init_netns() {
	[ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]
}

# ---------------------------------------------------------------------------
# The state file: one change a line, fields separated by tabs.
#   rt      TABLE PREFIX        we set this prefix's route in TABLE
#   orig    TABLE PREFIX ROUTE  ...and this route was there before
#   del     TABLE ROUTE         we deleted this route (the control one)
#   rule    SELECTOR            we added this ip rule
#   sysctl  KEY OLD             we changed /proc/sys/KEY from OLD
#   qdisc   DEV                 we set DEV's root qdisc
#   opt     WORDS               the last up's options (for status)
# The router adds: baseline MODE, lbctl PATH (a symlink it made).

state_init() {
	mkdir -p "$STATE_DIR"
	touch "$STATE"
}

state_has() { [ -f "$STATE" ] && grep -qxF -- "$1" "$STATE"; }

state_add() { state_has "$1" || printf '%s\n' "$1" >>"$STATE"; }

# state_get KIND: the lines of one kind, without the kind.
state_get() {
	[ -f "$STATE" ] || return 0
	awk -v k="$1" 'index($0, k "\t") == 1 { print substr($0, length(k) + 2) }' "$STATE"
}

# state_set KIND VALUE: the only line of that kind (VALUE empty: none).
state_set() {
	[ -f "$STATE" ] || return 0
	awk -v k="$1" 'index($0, k "\t") != 1' "$STATE" >"$STATE.new"
	[ -z "$2" ] || printf '%s\t%s\n' "$1" "$2" >>"$STATE.new"
	mv "$STATE.new" "$STATE"
}

# clean_route LINE: a line of `ip route show` that `ip route add` takes
# back (without the flags that only show state).
clean_route() {
	awk '{
		out = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^(linkdown|dead|offload|trap|offload_failed|rt_offload|rt_trap|rt_offload_failed|pervasive|notify|unresolved)$/)
				continue
			out = out (out == "" ? "" : " ") $i
		}
		print out
	}' <<<"$1"
}

# route_set TABLE PREFIX ARGS...: `ip route replace PREFIX ARGS table
# TABLE`, remembering (once) what the table had for PREFIX before.
route_set() {
	local table=$1 prefix=$2 line
	shift 2
	if ! state_has "rt$T$table$T$prefix"; then
		while IFS= read -r line; do
			[ -z "$line" ] || state_add "orig$T$table$T$prefix$T$(clean_route "$line")"
		done < <(ip -4 route show table "$table" exact "$prefix" 2>/dev/null || true)
		state_add "rt$T$table$T$prefix"
	fi
	run ip route replace "$prefix" "$@" table "$table"
}

# The seed runs `ip route del $(ip route | grep 10.0.0.0)` on the router
# and on aggr.  Here: every main-table route whose destination is
# 10.0.0.0/N, one at a time, each remembered so that down puts it back.
# Nothing else is touched, and a second run finds nothing to delete.
drop_control_route() {
	local line words n=0
	while :; do
		line=$(ip -4 route show table main | awk '$1 ~ /^10\.0\.0\.0(\/|$)/ && !n++')
		[ -n "$line" ] || break
		line=$(clean_route "$line")
		state_add "del${T}main$T$line"
		read -ra words <<<"$line"
		run ip route del "${words[@]}" table main
		n=$((n + 1))
		[ $n -lt 16 ] || die "10.0.0.0 routes keep coming back"
	done
	[ $n -gt 0 ] || note "no 10.0.0.0 route in the main table (already deleted)"
}

# (No `cmd | grep -q` in these scripts: grep -q stops reading at the first
# match, cmd may die of SIGPIPE, and pipefail turns a match into a failure.)
have_fwmark_rule() {
	ip -4 rule show | grep -E "[[:space:]]fwmark 0x0*$MARK lookup $TABLE([[:space:]]|$)" >/dev/null
}

# fwmark_rule: `ip rule add fwmark 3 table 100` unless it is there.
fwmark_rule() {
	if have_fwmark_rule; then
		note "rule 'fwmark $MARK lookup $TABLE' already present"
	else
		run ip rule add fwmark "$MARK" table "$TABLE"
		state_add "rule${T}fwmark $MARK table $TABLE"
	fi
}

# sysctl_set KEY VALUE: write /proc/sys/KEY (KEY with slashes, so that
# interface names with dots work), remembering the first old value.
sysctl_set() {
	local f=/proc/sys/$1 old
	old=$(cat "$f")
	[ "$old" != "$2" ] || return 0
	[ -n "$(state_get sysctl | awk -F'\t' -v k="$1" '$1 == k')" ] ||
		state_add "sysctl$T$1$T$old"
	echo "+ echo $2 > $f"
	echo "$2" >"$f"
}

# loose_rpf DEV...: packets of one flow may arrive over either parallel
# link, but the reverse route names only one, so a strict reverse-path
# filter (rp_filter=1; the kernel uses the larger of "all" and the
# interface's value) would drop those on the other link.  Make it loose
# where it is strict; leave it alone otherwise.
loose_rpf() {
	local dev all
	all=$(cat /proc/sys/net/ipv4/conf/all/rp_filter)
	for dev in "$@"; do
		if [ "$all" = 1 ] || [ "$(cat "/proc/sys/net/ipv4/conf/$dev/rp_filter")" = 1 ]; then
			sysctl_set "net/ipv4/conf/$dev/rp_filter" 2
		fi
	done
}

# ---------------------------------------------------------------------------
# Shaping.  Each bottleneck is the seed's: a root htb whose only class 1:3
# (the default class) has the rate, with a bfifo of the given size below it
# (optionally after a netem).  The seed writes `parent 1:2` for the class:
# no class 1:2 exists, so the kernel makes 1:3 a root class, which is what
# `parent 1:` says.

qdisc_clear() {
	tc qdisc del dev "$1" root 2>/dev/null || true
}

# htb_bfifo DEV RATE LIMIT [quantum Q] [netem ARGS...]
htb_bfifo() {
	local dev=$1 rate=$2 limit=$3 quantum=()
	shift 3
	if [ "${1:-}" = quantum ]; then
		quantum=(quantum "$2")
		shift 2
	fi
	state_add "qdisc$T$dev"
	echo "+ tc qdisc del dev $dev root"
	qdisc_clear "$dev"
	run tc qdisc add dev "$dev" root handle 1: htb default 3
	run tc class add dev "$dev" parent 1: classid 1:3 htb rate "$rate" "${quantum[@]}"
	if [ "${1:-}" = netem ]; then
		shift
		run tc qdisc add dev "$dev" parent 1:3 handle 3: netem "$@"
		run tc qdisc add dev "$dev" parent 3: bfifo limit "$limit"
	else
		run tc qdisc add dev "$dev" parent 1:3 bfifo limit "$limit"
	fi
}

# netem_root DEV ARGS...: a root netem (aggr's delay toward the server).
netem_root() {
	local dev=$1
	shift
	state_add "qdisc$T$dev"
	echo "+ tc qdisc del dev $dev root"
	qdisc_clear "$dev"
	run tc qdisc add dev "$dev" root netem "$@"
}

# unshape DEV...: --no-shape; drop a root qdisc an earlier up set.
unshape() {
	local dev
	for dev in "$@"; do
		if state_has "qdisc$T$dev"; then
			echo "+ tc qdisc del dev $dev root"
			qdisc_clear "$dev"
			state_set_remove "qdisc$T$dev"
		fi
	done
}

state_set_remove() {
	[ -f "$STATE" ] || return 0
	grep -vxF -- "$1" "$STATE" >"$STATE.new" || true
	mv "$STATE.new" "$STATE"
}

# ---------------------------------------------------------------------------
# down: undo what the state file lists, then forget it.
undo_all() {
	local sel table prefix route key old dev n words
	if [ ! -f "$STATE" ]; then
		note "nothing to undo ($STATE does not exist)"
		return 0
	fi
	while IFS= read -r sel; do
		read -ra words <<<"$sel"
		run ip rule del "${words[@]}" || true
	done < <(state_get rule)
	while IFS="$T" read -r table prefix; do
		n=0
		echo "+ ip route del $prefix table $table"
		while ip route del "$prefix" table "$table" 2>/dev/null; do
			n=$((n + 1))
			[ $n -lt 16 ] || break
		done
		while IFS="$T" read -r _ _ route; do
			read -ra words <<<"$route"
			run ip route add "${words[@]}" table "$table" || true
		done < <(state_get orig | awk -F'\t' -v t="$table" -v p="$prefix" '$1 == t && $2 == p')
	done < <(state_get rt)
	while IFS="$T" read -r table route; do
		read -ra words <<<"$route"
		if [ -n "$(ip -4 route show table "$table" exact "${words[0]}" 2>/dev/null)" ]; then
			note "a route to ${words[0]} is back already; not restoring '$route'"
		else
			run ip route add "${words[@]}" table "$table" || true
		fi
	done < <(state_get del)
	while IFS="$T" read -r key old; do
		if [ -e "/proc/sys/$key" ]; then
			echo "+ echo $old > /proc/sys/$key"
			echo "$old" >"/proc/sys/$key" || true
		fi
	done < <(state_get sysctl)
	while IFS= read -r dev; do
		if [ -e "/sys/class/net/$dev" ]; then
			echo "+ tc qdisc del dev $dev root"
			qdisc_clear "$dev"
		fi
	done < <(state_get qdisc)
	rm -f "$STATE"
	note "down"
}

# ---------------------------------------------------------------------------
# status and counters.  The role script fills LINK_LABEL/LINK_DEV (parallel
# arrays: what the link is, and its interface).
LINK_LABEL=()
LINK_DEV=()
add_if() {
	LINK_LABEL+=("$1")
	LINK_DEV+=("$2")
}

counters() {
	local i dev s
	printf '%-22s %-14s %14s %16s %14s %16s\n' link dev tx_packets tx_bytes rx_packets rx_bytes
	for i in "${!LINK_DEV[@]}"; do
		dev=${LINK_DEV[$i]}
		s=/sys/class/net/$dev/statistics
		[ -d "$s" ] || continue
		printf '%-22s %-14s %14s %16s %14s %16s\n' "${LINK_LABEL[$i]}" "$dev" \
			"$(cat "$s/tx_packets")" "$(cat "$s/tx_bytes")" \
			"$(cat "$s/rx_packets")" "$(cat "$s/rx_bytes")"
	done
}

show_status() {
	local i
	if [ -f "$STATE" ]; then
		echo "== $ROLE: up $(state_get opt)"
	else
		echo "== $ROLE: not set up by this script (no $STATE)"
	fi
	for i in "${!LINK_DEV[@]}"; do
		echo "-- ${LINK_LABEL[$i]}: ${LINK_DEV[$i]}"
		tc -s qdisc show dev "${LINK_DEV[$i]}"
	done
	echo "-- ip rule"
	ip -4 rule show
	echo "-- ip route (main)"
	ip -4 route show table main
	echo "-- ip route (table $TABLE)"
	ip -4 route show table "$TABLE" 2>/dev/null || true
	echo "-- counters"
	counters
}

# opts_words: the options of this up, for the state file and status.
opts_words() {
	local w=()
	[ "$SHAPE" = 1 ] || w+=(--no-shape)
	[ "$RATE_SCALE" = 1 ] || w+=(--rate-scale "$RATE_SCALE")
	[ "$UNEQUAL" = 0 ] || w+=(--unequal)
	echo "${w[*]:-(seed defaults)}"
}
