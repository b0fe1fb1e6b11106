#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cycles (50; E2E_CYCLES, make stress runs 500) of load, configure,
# traffic, unload, with packets crossing the router all along: every
# insmod and rmmod succeeds (no reference is left behind), the kernel log
# stays clean, and nothing lb allocated for its configuration outlives it.  lb charges that memory (GFP_KERNEL_ACCOUNT)
# to the memory cgroup of whoever asked (insmod, lbctl), so they run in a
# cgroup of their own, whose slab and per-CPU bytes must be back where
# they were after every unload; flow entries (allocated while forwarding)
# have a cache of their own, which rmmod destroys, and a flow left in it
# would make the kernel complain.  Each cycle configures a path service in
# the router's namespace and a NAT service in a namespace of its own,
# makes flows in both, and every other cycle deletes that namespace with
# its flows live before rmmod (netns teardown with state).
# Single-threaded TCG: see "Multi-threaded TCG" in scripts/vm.
# vm-options: --tcg single --timeout 1200
. "$(dirname "$0")/lib.sh"

N=${E2E_CYCLES:-50}
topo_up
sink_up
bg on_client ping -q -i 0.02 "$SERVER" >/dev/null
iperf_server -p 5201
bg on_client iperf3 -c "$SERVER" -p 5201 -u -b 2M -l 400 -t 3600 >/dev/null 2>&1

# The cgroup insmod and lbctl run in, and what it is charged for.
CG=/sys/fs/cgroup/lb-e2e
grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory cgroup controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$CG"
incg() { (echo "$BASHPID" >"$CG/cgroup.procs" && exec "$@"); }
# charged: CHARGED=bytes (no fork: a cycle forks little, or 100 take long
# in a single-threaded TCG VM).
charged() {
	local k v s=0
	while read -r k v; do
		case $k in slab_unreclaimable|percpu) s=$((s + v)) ;; esac
	done <"$CG/memory.stat"
	CHARGED=$s
}
LBCTL_REAL=$LBCTL
printf '#!/bin/sh\necho $$ >%s/cgroup.procs && exec %s "$@"\n' "$CG" "$LBCTL_REAL" >/tmp/lbctl-in-cg
chmod +x /tmp/lbctl-in-cg
LBCTL=/tmp/lbctl-in-cg

cycle() { # N
	local n=$1 mode=${MODES[$1 % 3]}
	incg insmod "$KO" mode="$mode" || fail "cycle $n: insmod failed"
	LB_LOADED=1
	charged
	[ "$CHARGED" -gt "$base" ] || fail "cycle $n: insmod charged nothing to the cgroup"
	rlbctl -b - <<-EOF || fail "cycle $n: lbctl -b (the router's paths)"
		vip add any mode $mode
		path add 0
		path add 3
	EOF
	ip netns add lb-cyc
	ip -n lb-cyc link set lo up
	"$LBCTL" -n lb-cyc -b - <<-EOF >/dev/null || fail "cycle $n: lbctl -b (lb-cyc's VIP)"
		vip add 127.0.0.9:7 proto udp
		backend add 127.0.0.9:7 127.0.0.1:9
	EOF
	udp_burst lb-client "$SINK" 20
	ip netns exec lb-cyc bash -c 'for i in 1 2 3 4 5; do echo x >/dev/udp/127.0.0.9/7; done' 2>/dev/null || true
	[ "$(rlbctl -j show | jq .info.flows)" -ge 1 ] || [ "$mode" = packet ] ||
		fail "cycle $n: no flow in the router's table"
	[ $((n % 2)) = 0 ] && ip netns del lb-cyc
	lb_unload
	[ -e /run/netns/lb-cyc ] && ip netns del lb-cyc
	[ -e /sys/module/lb ] && fail "cycle $n: lb still loaded after rmmod"
	return 0
}
# After rmmod, once the RCU callbacks that free the last snapshot ran
# (rmmod waits for them) the charge is back to the base, within the
# batching of memcg statistics.
settled() { # N
	local i
	for ((i = 0; i < 20; i++)); do
		charged
		[ "$CHARGED" -le $((base + 8192)) ] && return 0
		sleep 0.1
	done
	fail "cycle $1: the cgroup still holds $((CHARGED - base)) bytes after rmmod"
}

MODES=(packet flow flowlet)
KO=$(lb_ko)
charged
base=$CHARGED
for ((n = 1; n <= N; n++)); do
	cycle "$n"
	settled "$n"
	[ $((n % 25)) = 0 ] && { charged; log "$n cycles; cgroup charge $((CHARGED - base)) bytes over its base"; }
	dmesg_check || fail "kernel complaint in cycle $n"
done
log "$N cycles: every insmod and rmmod worked, nothing left charged, the kernel log clean"
assert_ok on_client ping -q -c 3 -i 0.1 -W 2 "$SERVER"
