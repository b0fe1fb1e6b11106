# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# tests/e2e/lib.sh: helpers for the end-to-end tests.  Sourced by every
# tests/e2e/*.sh, which run as root inside a VM (scripts/vm; scripts/e2e
# runs them all), on the seed topology from testbed/netns/seed.  What the
# bench and the demos also use (namespaces, loading lb, waiting for a port,
# the kernel log) is in testbed/lib.sh, sourced here; this adds the
# assertions, the seed's nodes and checks, and the cleanup trap.
#
# A test script: sources this file, calls topo_up and lb_load (or lbctl),
# makes traffic, checks with the assert_* helpers, and ends.  On exit the
# trap stops traffic, unloads lb, takes the testbed down and fails the
# test if the kernel log shows a warning, BUG, Oops, KASAN/UBSAN report or
# other splat.
#
# Run them all:     scripts/e2e                 (every kernel, one VM each)
# Some, one kernel: scripts/e2e --kernel 6.1 10 70
# One by hand:      scripts/vm --kernel 6.12 -- tests/e2e/20_flow_pinning.sh
# Knobs (pass with scripts/vm -e): LB_KO (the module to load), LBCTL,
# E2E_PACKETS, E2E_FLOWS, E2E_SECONDS.  Exit 0 pass, 77 skip, else fail.

set -euo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_NAME=$(basename "$0" .sh)
# A failure, in testbed/lib.sh's helpers too, reads "FAIL: NAME: why".
LB_PROG="FAIL: $T_NAME"
# shellcheck source=testbed/lib.sh
. "$E2E_DIR/../../testbed/lib.sh"
TESTBED=$TOP/testbed/netns/seed
ROUTER_NS=lb-router	# "" once topo_up --router-ns "" made the router the VM
# The seed's addresses, for the tests that source this.
# shellcheck disable=SC2034 # used by the tests, not here
SERVER=10.10.3.2 SERVER6=fd00:10:3::2
# shellcheck disable=SC2034 # used by the tests, not here
CLIENT=10.10.1.1 CLIENT6=fd00:10:1::1
# shellcheck disable=SC2034 # used by the tests, not here
ROUTER=10.10.1.2 ROUTER6=fd00:10:1::2
# Addresses in the server's subnet that aggr silently drops (sink_up):
# traffic to them crosses the router and one parallel link, and nothing
# comes back (no ICMP error either) to disturb the counts.
SINK=10.10.3.100 SINK6=fd00:10:3::100
BG_PIDS=()
MORE_TESTBEDS=()	# testbed scripts besides $TESTBED that cleanup takes down

# This loads a kernel module: never outside the VM that scripts/vm boots.
if [ "${LB_VM:-}" != 1 ]; then
	echo "$T_NAME: refusing to run outside a VM (it loads lb.ko); use scripts/e2e or scripts/vm" >&2
	exit 2
fi
[ "$EUID" = 0 ] || { echo "$T_NAME: must run as root" >&2; exit 2; }

fail() { die "$@"; }
# Exit 77: the test cannot run here (scripts/e2e counts it as skipped).
skip() {
	echo "SKIP: $T_NAME: $*" >&2
	exit 77
}

# ---------------------------------------------------------------------------
# Assertions

assert_eq() { # ACTUAL EXPECTED WHAT
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}
assert_ne() { # ACTUAL UNEXPECTED WHAT
	[ "$1" != "$2" ] || fail "$3: got '$1'"
}
assert_ge() { # ACTUAL MIN WHAT
	[ "$1" -ge "$2" ] || fail "$3: got $1, expected at least $2"
}
assert_le() { # ACTUAL MAX WHAT
	[ "$1" -le "$2" ] || fail "$3: got $1, expected at most $2"
}
# VALUE is within TOL of EXPECTED (integers).
assert_near() { # VALUE EXPECTED TOL WHAT
	local d=$(($1 - $2))
	[ "${d#-}" -le "$3" ] || fail "$4: got $1, expected $2 +- $3"
}
assert_match() { # STRING REGEX WHAT
	[[ $1 =~ $2 ]] || fail "$3: '$1' does not match /$2/"
}
# Run a command that must succeed; its output is shown only on failure.
assert_ok() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = 0 ] || fail "'$*' exited $rc: $out"
}
# Run a command that must fail: sets OUT (stdout+stderr) and RC.
expect_fail() {
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
	[ "$RC" != 0 ] || fail "'$*' succeeded but should have failed; said: $OUT"
}

# ---------------------------------------------------------------------------
# Namespaces and counters

on_client() { ip netns exec lb-client "$@"; }
on_server() { ip netns exec lb-server "$@"; }
on_aggr() { ip netns exec lb-aggr "$@"; }
on_router() { in_ns "$ROUTER_NS" "$@"; }

# topo_up [--router-ns NAME] [--shape] ...: the seed topology.
topo_up() {
	local a
	ROUTER_NS=lb-router
	for a in "$@"; do
		case $a in --router-ns=*) ROUTER_NS=${a#*=} ;; esac
	done
	local prev=
	for a in "$@"; do
		[ "$prev" = --router-ns ] && ROUTER_NS=$a
		prev=$a
	done
	TOPO_UP=1
	"$TESTBED" up "$@" || fail "testbed up failed"
}

# A link's counter: link_stat NS DEV [tx_packets|rx_packets|tx_bytes...].
link_stat() {
	local ns=$1 dev=$2 what=${3:-tx_packets}
	if [ -z "$ns" ]; then
		cat "/sys/class/net/$dev/statistics/$what"
	else
		ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/$what"
	fi
}
# Both path links' counters at the router, "P1 P2": path_tx [STAT]
# (default tx_packets; tx_bytes...).
path_tx() {
	local st=${1:-tx_packets}
	if [ -z "$ROUTER_NS" ]; then
		echo "$(cat /sys/class/net/lb-p1/statistics/"$st") $(cat /sys/class/net/lb-p2/statistics/"$st")"
	else
		# shellcheck disable=SC2016 # expanded by the inner shell
		ip netns exec "$ROUTER_NS" sh -c 'echo $(cat /sys/class/net/lb-p1/statistics/$1) $(cat /sys/class/net/lb-p2/statistics/$1)' _ "$st"
	fi
}

# ---------------------------------------------------------------------------
# The module and lbctl

lbctl() { need_lbctl; "$LBCTL" "$@"; }
# lbctl in the router's namespace.
rlbctl() {
	need_lbctl
	if [ -n "$ROUTER_NS" ]; then "$LBCTL" -n "$ROUTER_NS" "$@"; else "$LBCTL" "$@"; fi
}
# A field of `lbctl -j stats` in the router: jq filter on its output,
# e.g. lb_json stats '.services[0].targets[1].stats.packets'.
lb_json() { # CMD FILTER
	rlbctl -j "$1" | jq -r "$2"
}

# Configure the router with lbctl as the module's defaults would: one
# service with paths mark 0 and mark 3.  lb_config MODE [W1 W2 [PREFIX]]
lb_config() {
	local mode=$1 w1=${2:-1} w2=${3:-1} vip=${4:-any}
	rlbctl vip add "$vip" mode "$mode" || fail "lbctl vip add $vip mode $mode failed"
	rlbctl path add 0 weight "$w1" vip "$vip" || fail "lbctl path add 0 failed"
	rlbctl path add 3 weight "$w2" vip "$vip" || fail "lbctl path add 3 failed"
}

# ---------------------------------------------------------------------------
# Traffic

# Run a command in the background; the trap stops it.
bg() {
	"$@" &
	BG_PIDS+=($!)
}

# udp_burst NS DST COUNT [PORT]: COUNT one-way UDP datagrams, each from a
# new socket (so a new source port).  To $SINK nothing answers them.
udp_burst() {
	local ns=$1 dst=$2 n=$3 port=${4:-9}
	# shellcheck disable=SC2016 # expanded by the inner shell
	ip netns exec "$ns" bash -c '
		for ((i = 0; i < $2; i++)); do echo x >"/dev/udp/$1/$3"; done 2>/dev/null' \
		_ "$dst" "$n" "$port"
}

# aggr drops whatever is sent to $SINK and $SINK6, without a word.
sink_up() {
	printf '%s\n' "route add blackhole $SINK/32" "route add blackhole $SINK6/128" |
		ip -n lb-aggr -b - || fail "cannot make the sink routes"
}

# iperf3 server on the server, one-shot (-1) or persistent; its output
# goes to $IPERF_LOG, shown if the test fails.
IPERF_LOG=/tmp/e2e-iperf3-server.log
iperf_server() { # [IPERF3 ARGS...]
	bg on_server iperf3 -s "$@" >>"$IPERF_LOG" 2>&1
	wait_port lb-server 5201
}

# ---------------------------------------------------------------------------
# Checks shared by several tests

# split_check DST N W1 W2 [SOURCE_NS]: send N one-way UDP datagrams to DST
# and check that the router's two path links carried them W1:W2 (within
# 2% of N, plus a few packets of background such as neighbour discovery).
# Sets D1 and D2, the packets each link carried.
split_check() {
	local dst=$1 n=$2 w1=$3 w2=$4 a1 a2 b1 b2 e1 tol
	read -r a1 a2 < <(path_tx)
	udp_burst lb-client "$dst" "$n"
	read -r b1 b2 < <(path_tx)
	D1=$((b1 - a1)) D2=$((b2 - a2))
	e1=$((n * w1 / (w1 + w2)))
	tol=$((n / 50 + 8))
	log "$n datagrams to $dst, weights $w1:$w2: path 1 +$D1, path 2 +$D2 (expected $e1 : $((n - e1)))"
	assert_ge $((D1 + D2)) "$n" "packets on both paths together"
	assert_le $((D1 + D2)) $((n + 16)) "packets on both paths together"
	assert_near "$D1" "$e1" "$tol" "path 1 share of $n packets at weights $w1:$w2"
	assert_near "$D2" $((n - e1)) "$tol" "path 2 share of $n packets at weights $w1:$w2"
}

# What each path carried, flow by flow, as aggr sees it: an nftables set
# per path collects the TCP source ports of packets to port 5201 arriving
# on it.  path_sets_up once, then per round: path_sets_flush, traffic,
# path_sets_check PORT... (the ports of the flows to look for).
path_sets_up() {
	on_aggr nft -f - <<'NFT' || fail "nft setup at aggr failed"
table inet lbt {
	set p1 { type inet_service; flags dynamic; size 65535; }
	set p2 { type inet_service; flags dynamic; size 65535; }
	chain pre {
		type filter hook prerouting priority 0;
		iifname "lb-p1" tcp dport 5201 add @p1 { tcp sport }
		iifname "lb-p2" tcp dport 5201 add @p2 { tcp sport }
	}
}
NFT
}
path_sets_flush() {
	on_aggr nft flush set inet lbt p1 \; flush set inet lbt p2
}
# Fails if a flow was seen on both paths or on none.  Sets N1 and N2, the
# flows on each path, and PATH_OF[port] = 1 or 2.
declare -A PATH_OF=()
path_sets_check() {
	local sets p
	local -a s1 s2
	PATH_OF=()
	sets=$(on_aggr nft -j list table inet lbt)
	mapfile -t s1 < <(jq -r '.nftables[] | select(.set.name == "p1") | .set.elem // [] | .[]' <<<"$sets")
	mapfile -t s2 < <(jq -r '.nftables[] | select(.set.name == "p2") | .set.elem // [] | .[]' <<<"$sets")
	for p in "${s1[@]}"; do PATH_OF[$p]=1; done
	for p in "${s2[@]}"; do
		[ -z "${PATH_OF[$p]:-}" ] || fail "the flow from port $p was seen on both paths"
		PATH_OF[$p]=2
	done
	N1=0 N2=0
	for p in "$@"; do
		case ${PATH_OF[$p]:-} in
		1) N1=$((N1 + 1)) ;;
		2) N2=$((N2 + 1)) ;;
		*) fail "the flow from port $p was seen on no path" ;;
		esac
	done
}

# The packets lb counted per target, "T1 T2" (first service).
lb_target_packets() {
	rlbctl -j stats | jq -r '[.services[0].targets[].stats.packets] | join(" ")'
}

# ---------------------------------------------------------------------------
# The kernel log and the cleanup trap

# dmesg_check (testbed/lib.sh) fails the test on any of SPLAT_RE.

_e2e_cleanup() {
	local rc=$? pid
	set +e
	trap - EXIT
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	# Anything still running in the test namespaces (e.g. iperf3 -D).
	for ns in lb-client lb-server lb-aggr lb-router; do
		[ -e "/run/netns/$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	done
	if [ "$LB_LOADED" = 1 ] && lsmod | grep -q '^lb '; then
		if ! rmmod lb; then
			echo "FAIL: $T_NAME: rmmod lb failed at cleanup" >&2
			[ "$rc" = 0 ] && rc=1
		fi
	fi
	[ "${TOPO_UP:-0}" = 1 ] && "$TESTBED" down
	for tb in ${MORE_TESTBEDS[@]+"${MORE_TESTBEDS[@]}"}; do "$tb" down; done
	if ! dmesg_check; then
		[ "$rc" = 0 ] || [ "$rc" = 77 ] && rc=1
	fi
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -s "$IPERF_LOG" ]; then
		echo "# iperf3 server log:" >&2
		sed 's/^/#   /' "$IPERF_LOG" | tail -n 6 >&2
	fi
	[ "$rc" = 0 ] && log "ok: $T_NAME"
	exit "$rc"
}
trap _e2e_cleanup EXIT
dmesg -n 1 2>/dev/null || true

log "$T_NAME on $KVER"
