#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every allocation lb makes can fail, and each failure is a clean error
# that loses nothing:
#  - configuration commands, a restore and the dumps, with the Nth
#    allocation made under lb's code failing (fail-nth), for every N until
#    the command meets no more: each run either fails with a message and
#    leaves the configuration exactly as it was, or succeeds
#    and makes exactly what the command asks for (some allocations, an
#    event's, may fail without failing the command);
#  - a new network namespace whose lb state cannot be allocated is not
#    created, and the one that is created works;
#  - insmod with each of its allocations failing in turn fails cleanly and
#    leaves no lb behind, and the next insmod works;
#  - flows whose table entry cannot be allocated (a fifth of lb_flow's
#    allocations failing, in softirq) are still placed by Maglev and
#    counted as fallbacks: lb marks every datagram.
# Only under scripts/uml (CONFIG_FAULT_INJECTION, which Debian's kernels
# lack), where KASAN, lockdep and kmemleak watch it all.
# vm-options: --timeout 900
. "$(dirname "$0")/lib.sh"

DBG=/sys/kernel/debug
if [ ! -e /proc/self/fail-nth ] || [ ! -d $DBG/failslab ]; then
	skip "no fault injection in $(uname -r) (run it with scripts/e2e --kernel uml)"
fi
MAXN=${E2E_FAILNTH_MAX:-400}
TIMES=1000000000

# Fail only allocations made under a module's code (lb is the only module
# in scripts/uml's kernel): stack frames above the core kernel's text.
etext=$(awk '$3 == "_etext" { print "0x" $1 }' /proc/kallsyms)
if [ -z "$etext" ] || [ "$etext" = 0x0000000000000000 ]; then
	fail "no address for _etext in /proc/kallsyms"
fi
# Except under the kernel's gcov code (kernel/gcov/, from gcov_module_notifier
# to convert_to_gcda), which lb's constructors call when lb.ko is profiled
# for coverage (CONFIG_LB_GCOV): it allocates per file and function, and
# does without quietly.
read -r gcov_start gcov_end < <(sort /proc/kallsyms | awk '
	$3 == "gcov_module_notifier" { s = "0x" $1 }
	found && !e { e = "0x" $1 }
	$3 == "convert_to_gcda" { found = 1 }
	END { if (s && e) print s, e; else print 0, 0 }')
for a in failslab fail_page_alloc; do
	printf '%d\n' "$gcov_start" >$DBG/$a/reject-start
	printf '%d\n' "$gcov_end" >$DBG/$a/reject-end
	echo 0 >$DBG/$a/probability
	# Counted down by every failure injected, silent ones (__GFP_NOWARN,
	# which kvmalloc's first try is) included: injected() reads it.
	echo $TIMES >$DBG/$a/times
	echo 0 >$DBG/$a/verbose
	echo N >$DBG/$a/ignore-gfp-wait
	echo 32 >$DBG/$a/stacktrace-depth
	printf '%d\n' "$etext" >$DBG/$a/require-start
	echo 18446744073709551615 >$DBG/$a/require-end
done
echo N >$DBG/fail_page_alloc/ignore-gfp-highmem
echo 0 >$DBG/fail_page_alloc/min-order
# Failures injected so far.
injected() {
	echo $((2 * TIMES - $(cat $DBG/failslab/times) - $(cat $DBG/fail_page_alloc/times)))
}

# An injected failure makes the kernel print stacks of its own
# (kmem_cache_create()'s dump_stack(), "page allocation failure"), which
# the cleanup's log check would take for a splat: after each part, look
# for real reports only (REPORT_RE, testbed/lib.sh), then clear the log.
checkpoint() { # PART
	dmesg_check "$REPORT_RE" || fail "the kernel reported during $1"
	dmesg -C
}

# failnth N CMD...: CMD with the Nth allocation under lb failing.
failnth() {
	local n=$1
	shift
	bash -c 'echo "$0" >/proc/self/fail-nth && exec "$@"' "$n" "$@"
}

# sweep WHAT BEFORE-FILE CMD...: CMD from the configuration in BEFORE-FILE
# (restored whenever a run changed it), with allocation 1, 2, ... failing.
SWEEP_RUNS=0 SWEEP_FAILED=0
sweep() {
	local what=$1 before=$2 n rc out now want i0 i1 hits=0
	shift 2
	lbctl restore -f "$before" || fail "$what: restore of the start failed"
	"$@" >/dev/null || fail "$what: fails without injection"
	want=$(lbctl save)
	lbctl restore -f "$before" || fail "$what: restore of the start failed"
	for ((n = 1; n <= MAXN; n++)); do
		i0=$(injected)
		rc=0
		out=$(failnth "$n" "$@" 2>&1 >/dev/null) || rc=$?
		i1=$(injected)
		now=$(lbctl save) || fail "$what: save failed after fail-nth $n"
		SWEEP_RUNS=$((SWEEP_RUNS + 1))
		if [ "$rc" != 0 ]; then
			[ "$i1" != "$i0" ] ||
				fail "$what: failed with nothing injected (allocation $n): $out"
			SWEEP_FAILED=$((SWEEP_FAILED + 1))
			[ -n "$out" ] || fail "$what: failed (exit $rc, allocation $n) without a message"
			[ "$now" = "$(cat "$before.save")" ] ||
				fail "$what: failed at allocation $n ($out) but changed the configuration: $now"
		else
			[ "$now" = "$want" ] ||
				fail "$what: succeeded with allocation $n failing but made: $now (want: $want)"
			[ "$now" = "$(cat "$before.save")" ] ||
				lbctl restore -f "$before" || fail "$what: restore of the start failed"
		fi
		# No failure injected: past the command's last allocation.
		[ "$i1" != "$i0" ] || break
		hits=$((hits + 1))
	done
	[ "$n" -le "$MAXN" ] || fail "$what: still allocating at $MAXN (E2E_FAILNTH_MAX)"
	[ $hits -gt 0 ] || fail "$what: no allocation of lb failed: the injection does not reach lb"
	log "$what: $hits allocations failed one by one, each cleanly"
	checkpoint "$what"
}


lb_load marks=none
D=$(mktemp -d)

# --- configuration, restore and dumps -------------------------------------
: >"$D/empty"
lbctl save >"$D/empty.save"
cat >"$D/paths" <<'EOF'
vip add 10.10.3.0/24 mode flow sched maglev
path add 1 weight 1 vip 10.10.3.0/24
path add 2 weight 3 vip 10.10.3.0/24
EOF
lbctl restore -f "$D/paths"
lbctl save >"$D/paths.save"
cat >"$D/nat" <<'EOF'
vip add 10.10.3.50:80 proto tcp sched wlc
backend add 10.10.3.50:80 10.10.3.2:80 weight 2
backend add 10.10.3.50:80 10.10.3.3:80 weight 1
vip add [fd00:10:3::50]:80 proto tcp
backend add [fd00:10:3::50]:80 [fd00:10:3::2]:80
EOF
lbctl restore -f "$D/nat"
lbctl save >"$D/nat.save"
cat "$D/paths" "$D/nat" >"$D/both"
lbctl restore -f "$D/both"
lbctl save >"$D/both.save"

sweep "vip add (paths)" "$D/empty" "$LBCTL" vip add 10.10.3.0/24 mode flow
sweep "set-weights" "$D/paths" "$LBCTL" set-weights 2 5 vip 10.10.3.0/24
sweep "backend add" "$D/nat" "$LBCTL" backend add 10.10.3.50:80 10.10.3.4:80
sweep "vip del" "$D/both" "$LBCTL" vip del 10.10.3.50:80 proto tcp
head -n 2 "$D/nat" >"$D/nat1"
sweep "restore" "$D/paths" "$LBCTL" restore -f "$D/nat1"
sweep "show" "$D/both" "$LBCTL" -j show
# The rest of the commands (make stress): 3 more minutes here.
if [ "${E2E_FAILNTH_ALL:-0}" = 1 ]; then
	sweep "path add" "$D/paths" "$LBCTL" path add 3 weight 2 vip 10.10.3.0/24
	sweep "set-mode" "$D/paths" "$LBCTL" set-mode flowlet vip 10.10.3.0/24
	sweep "vip add (NAT)" "$D/paths" "$LBCTL" vip add 10.10.3.60:443 proto tcp
	sweep "backend del" "$D/nat" "$LBCTL" backend del 10.10.3.50:80 10.10.3.3:80
	sweep "stats" "$D/both" "$LBCTL" -j stats
	sweep "restore (5 lines)" "$D/paths" "$LBCTL" restore -f "$D/nat"
fi

# --- a new namespace --------------------------------------------------------
hits=0
for ((n = 1; n <= MAXN; n++)); do
	i0=$(injected)
	if failnth "$n" ip netns add lb-fi 2>/dev/null; then
		lbctl -n lb-fi vip add 10.0.0.0/8 mode flow >/dev/null ||
			fail "namespace made with allocation $n failing does not take a service"
		ip netns del lb-fi
		[ "$(injected)" != "$i0" ] || break
	else
		[ "$(injected)" != "$i0" ] || fail "ip netns add failed with nothing injected"
		[ ! -e /run/netns/lb-fi ] || ip netns del lb-fi
	fi
	[ "$(injected)" = "$i0" ] || hits=$((hits + 1))
done
[ "$n" -le "$MAXN" ] || fail "ip netns add: still allocating at $MAXN"
[ $hits -gt 0 ] || fail "no allocation of lb's namespace setup failed"
log "ip netns add: $hits allocations of lb failed one by one, each namespace refused or whole"
checkpoint "ip netns add"

# --- insmod ---------------------------------------------------------------
# Module load allocates more than 120 times here (kmem_cache_create and
# genetlink's sysfs and lockdep's keys among them): make check fails
# the first 30 one by one and then every 8th, make stress every one.
step=8
[ "${E2E_FAILNTH_ALL:-0}" = 1 ] && step=1
lb_unload
hits=0
for ((n = 1; n <= MAXN; n += (n < 30 ? 1 : step))); do
	i0=$(injected)
	if failnth "$n" insmod "$(lb_ko)" 2>/dev/null; then
		lbctl vip add 10.0.0.0/8 mode flow >/dev/null ||
			fail "lb loaded with allocation $n failing does not take a service"
		rmmod lb
		[ "$(injected)" != "$i0" ] || break
	else
		[ "$(injected)" != "$i0" ] || fail "insmod failed with nothing injected"
		[ ! -e /sys/module/lb ] || fail "insmod failed at allocation $n but lb is loaded"
	fi
	[ "$(injected)" = "$i0" ] || hits=$((hits + 1))
done
[ "$n" -le "$MAXN" ] || fail "insmod: still allocating at $MAXN"
[ $hits -gt 0 ] || fail "no allocation of lb's module load failed"
log "insmod: $hits allocations failed one by one, each load refused or whole"
checkpoint insmod

# --- flow entries, in softirq -------------------------------------------------
lb_load marks=none
ip netns add lb-fi
ip netns exec lb-fi "$E2E_DIR/veth_sink.sh"
lbctl -n lb-fi vip add 10.99.0.0/24 mode flow >/dev/null
lbctl -n lb-fi path add 1 >/dev/null
lbctl -n lb-fi path add 2 >/dev/null
N=2000
echo 1 >/sys/kernel/slab/lb_flow/failslab
echo Y >$DBG/failslab/cache-filter
echo 20 >$DBG/failslab/probability
ip netns exec lb-fi python3 - "$N" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"lb", ("10.99.0.2", 1024 + i))
PY
echo 0 >$DBG/failslab/probability
echo N >$DBG/failslab/cache-filter
st=$(lbctl -n lb-fi -j stats)
created=$(jq '[.services[0].targets[].stats.flows_created] | add' <<<"$st")
fallbacks=$(jq '[.services[0].targets[].stats.fallbacks] | add' <<<"$st")
got=$(jq '[.services[0].targets[].stats.packets] | add' <<<"$st")
log "$N new flows with a fifth of lb_flow's allocations failing: $created kept, $fallbacks placed without an entry, $got datagrams marked"
assert_eq "$got" $N "datagrams lb marked for a path"
assert_ge "$fallbacks" 1 "flows placed without an entry (fallbacks)"
assert_eq "$((created + fallbacks))" $N "flows kept + fallbacks"
ip netns del lb-fi

log "fail-nth: $SWEEP_RUNS lbctl runs, $SWEEP_FAILED failed cleanly, every other made what it asked"
