# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# testbed/lib.sh: what the scripts that run inside a VM share (bash only):
# the e2e tests (through tests/e2e/lib.sh), the guests of the bench and the
# demos (bench/guest, demo/guest-paths, demo/guest-service) and the netns
# testbeds (testbed/netns/*, which also run by hand in any VM).
#
# Source it after `set -euo pipefail`:
#   LB_PROG=testbed/netns/seed	# what messages start with (default: $0's name)
#   . "$(dirname "$(readlink -f "$0")")/../lib.sh"
#
# Messages: die, warn, log, usage, need_root.  Namespaces: in_ns, kill_ns,
# nap.  Batched topology bring-up: key, ipb, ip6b, tcb, sysb, flush_sysctl,
# flush_ip.  The module: lb_ko, lb_load, lb_unload, lb_unload_if_loaded,
# need_lbctl.  Traffic: wait_port, srv4, srv6.  The kernel log:
# dmesg_check.
#
# It runs no program when sourced: each one started costs 0.1-0.5 s in a
# TCG VM, and the testbeds are started often.

# The tree's top, this file being testbed/lib.sh.
_lb_lib=${BASH_SOURCE[0]}
[[ $_lb_lib == */* ]] || _lb_lib=./$_lb_lib
TOP=$(cd "${_lb_lib%/*}/.." && pwd)
unset _lb_lib
LBCTL=${LBCTL:-$TOP/userspace/lbctl/lbctl}
read -r KVER </proc/sys/kernel/osrelease
LB_T0=$EPOCHREALTIME

# ---------------------------------------------------------------------------
# Messages

die() { echo "${LB_PROG:-${0##*/}}: $*" >&2; exit 1; }
warn() { echo "${LB_PROG:-${0##*/}}: $*" >&2; }
# Progress on stdout, with the seconds since the script started.
log() {
	local us=$(( ${EPOCHREALTIME/./} - ${LB_T0/./} ))
	printf '# %d.%d %s\n' $((us / 1000000)) $((us / 100000 % 10)) "$*"
}
# The script's header comment, from line 3 to `set -euo pipefail`.
usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
need_root() { [ "$EUID" = 0 ] || die "must run as root"; }

# ---------------------------------------------------------------------------
# Namespaces

# Run in a node's namespace: in_ns NS CMD...; "" is the VM's own.
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

# Kill every process in namespace NS (its pids found with builtins: -ef
# compares the namespace files' inodes).
kill_ns() {
	local ns=/run/netns/$1 p pids=()
	[ -e "$ns" ] || return 0
	for p in /proc/[0-9]*; do
		[[ $p/ns/net -ef $ns ]] 2>/dev/null && pids+=("${p#/proc/}")
	done
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
}

# nap SECS: a sleep without starting a program (a read from a pipe nobody
# writes to).
nap() {
	[ -n "${LB_NAPFD:-}" ] || exec {LB_NAPFD}<> <(:)
	read -rt "$1" -u "$LB_NAPFD" || true
}

# ---------------------------------------------------------------------------
# Topology bring-up in batches: commands are collected per namespace (ipb
# NS ..., "" the initial one) and run as one `ip -batch`, `ip -6 -batch`,
# `tc -batch` and `sysctl` each (flush_ip, flush_sysctl).  The initial
# namespace's batch runs first: it makes the links.

declare -gA IPB=() IP6B=() TCB=() SYSB=()
KEYS=(@init)
K=
key() {
	K=${1:-@init}
	[[ " ${KEYS[*]} " == *" $K "* ]] || KEYS+=("$K")
}
ipb() { key "$1"; shift; IPB[$K]+="$*"$'\n'; }
ip6b() { key "$1"; shift; IP6B[$K]+="$*"$'\n'; }
tcb() { key "$1"; shift; TCB[$K]+="$*"$'\n'; }
sysb() { key "$1"; shift; SYSB[$K]+=" $*"; }
# The namespace option of ip and tc for a key: none for the initial one.
_nsopt() { NSOPT=(); [ "$1" = @init ] || NSOPT=(-n "$1"); }
flush_sysctl() {
	local k
	local -a vars
	for k in "${KEYS[@]}"; do
		[ -n "${SYSB[$k]:-}" ] || continue
		read -ra vars <<<"${SYSB[$k]}"
		if [ "$k" = @init ]; then sysctl -qw "${vars[@]}" >/dev/null
		else ip netns exec "$k" sysctl -qw "${vars[@]}" >/dev/null; fi
	done
	SYSB=()
}
flush_ip() { # [IP OPTION...] (e.g. -force)
	local k
	for k in "${KEYS[@]}"; do
		_nsopt "$k"
		[ -z "${IPB[$k]:-}" ] || printf '%s' "${IPB[$k]}" | ip "$@" "${NSOPT[@]}" -b -
	done
	for k in "${KEYS[@]}"; do
		_nsopt "$k"
		[ -z "${IP6B[$k]:-}" ] || printf '%s' "${IP6B[$k]}" | ip -6 "$@" "${NSOPT[@]}" -b -
	done
	for k in "${KEYS[@]}"; do
		_nsopt "$k"
		[ -z "${TCB[$k]:-}" ] || printf '%s' "${TCB[$k]}" | tc "${NSOPT[@]}" -b -
	done
	IPB=() IP6B=() TCB=()
}

# ---------------------------------------------------------------------------
# The module and lbctl

# The lb.ko for the running kernel: $LB_KO, else the tree's build.
lb_ko() {
	local f
	for f in "${LB_KO:-}" "$TOP/build/lb-$KVER.ko" "$TOP/build/$KVER/lb.ko"; do
		[ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return 0; }
	done
	die "no lb.ko for $KVER (looked for build/lb-$KVER.ko): run 'make modules-all'"
}

# lb_load [--ko FILE] [PARAM=VALUE...]: insmod lb.ko (lb_ko's, or FILE).
# LB_LOADED says whether lb_load loaded it and lb_unload has not unloaded it.
LB_LOADED=0
lb_load() {
	local ko
	if [ "${1:-}" = --ko ]; then
		ko=$2
		shift 2
	else
		ko=$(lb_ko)
	fi
	[ ! -e /sys/module/lb ] || die "lb is already loaded"
	insmod "$ko" "$@" || die "insmod $ko $* failed: $(dmesg | tail -n 5)"
	LB_LOADED=1
}
lb_unload() {
	rmmod lb || die "rmmod lb failed"
	LB_LOADED=0
}
lb_unload_if_loaded() { [ "$LB_LOADED" = 0 ] || lb_unload; }

need_lbctl() { [ -x "$LBCTL" ] || die "no $LBCTL: run 'make lbctl'"; }

# ---------------------------------------------------------------------------
# Traffic

# Wait until something listens on TCP PORT in NS (10 s at most).
wait_port() { # NS PORT
	local i
	for ((i = 0; i < 100; i++)); do
		in_ns "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		nap 0.1
	done
	die "nothing listens on port $2 in ${1:-the VM}"
}

# Server J's addresses on the service testbed (testbed/netns/service):
# srv4 J, srv6 J (bracketed, for ADDR:PORT).
srv4() { echo "10.0.2.$((30 + $1))"; }
srv6() { echo "[fd00:2::$((30 + $1))]"; }

# ---------------------------------------------------------------------------
# The kernel log

# What the kernel says when something is wrong (REPORT_RE), and any stack
# it prints (SPLAT_RE): any of these in the log fails an e2e test. A test
# that makes the kernel print stacks on purpose (48, injected failures)
# looks for REPORT_RE only.
REPORT_RE='WARNING:|BUG:|Oops|KASAN|UBSAN|general protection|kernel BUG|refcount_t:|list_add corruption|list_del corruption|rcu_.*self-detected|rcu: INFO|blocked for more than|unreferenced object|possible recursive locking|circular locking|sleeping function called from invalid context|Kernel panic|stack-protector|double free|use-after-free|scheduling while atomic|bad page state'
SPLAT_RE="$REPORT_RE|Call Trace"

# dmesg_check [REGEX]: 1, and what the log says there, if it matches REGEX
# (default SPLAT_RE).
dmesg_check() {
	local re=${1:-$SPLAT_RE} log
	log=$(dmesg)
	grep -qE "$re" <<<"$log" || return 0
	warn "the kernel log has a splat:"
	grep -E -A 30 "$re" <<<"$log" | head -n 80 >&2
	return 1
}
