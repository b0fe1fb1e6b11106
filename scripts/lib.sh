# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shell helpers shared by what runs on the host: scripts/vm, scripts/e2e
# and friends, bench/bench, demo/demo, demo/service (bash only).  What
# runs inside a VM shares testbed/lib.sh instead.
# Source it: . "$(dirname "$(readlink -f "$0")")/lib.sh" (from scripts/)

# shellcheck disable=SC2034 # for the scripts that source this
LB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

lb_die() { echo "${0##*/}: $*" >&2; exit 1; }
lb_warn() { echo "${0##*/}: $*" >&2; }
# The script's header comment, from line 3 to `set -euo pipefail`.
lb_usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }

# A cache directory outside the tree that survives runs: $LB_CACHE, else
# /var/cache/lb, else ~/.cache/lb when /var/cache is not writable.
lb_cache_dir() {
	local d=${LB_CACHE:-/var/cache/lb}
	if ! mkdir -p "$d" 2>/dev/null || [ ! -w "$d" ]; then
		[ -n "${LB_CACHE:-}" ] && lb_die "cache dir $d is not writable"
		d=${XDG_CACHE_HOME:-$HOME/.cache}/lb
		mkdir -p "$d" || lb_die "cannot create cache dir $d"
	fi
	echo "$d"
}

# Installed Debian kernels that can boot in a VM: a /boot/vmlinuz-VER and a
# /lib/modules/VER with depmod data.  Sorted by version, oldest first.
lb_kernels() {
	local f v
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		v=${f#/boot/vmlinuz-}
		[ -f "/lib/modules/$v/modules.dep" ] && echo "$v"
	done | sort -V
}

# Full version for a short name: "6.1" -> 6.1.0-56-amd64, "6.12" ->
# 6.12.117+deb12-amd64; a full version is returned as is.  The newest of
# several matches wins.  Nothing is hard-coded: it reads /boot.
lb_kernel_resolve() {
	local want=$1 v match=
	[ -n "$want" ] || lb_die "empty kernel version"
	for v in $(lb_kernels); do
		if [ "$v" = "$want" ]; then echo "$v"; return 0; fi
		case $v in
		"$want".*|"$want"-*|"$want"+*) match=$v ;;
		esac
	done
	[ -n "$match" ] || lb_die "no installed kernel matches '$want' (have: $(lb_kernels | tr '\n' ' '))"
	echo "$match"
}

# Seconds since the epoch with a fraction, for durations.
lb_now() { date +%s.%N; }
lb_elapsed() { awk -v a="$1" -v b="$(lb_now)" 'BEGIN { printf "%.1f", b - a }'; }

# How busy this machine is while an emulated VM runs, in clock ticks:
# lb_cpu_all prints "BUSY TOTAL" of all CPUs (/proc/stat), lb_cpu_children
# what this script's waited-for children used (/proc/$$/stat cutime +
# cstime: the VM, once it ended).
lb_cpu_all() {
	local _c u n s i w q sq st
	read -r _c u n s i w q sq st _ </proc/stat
	echo $((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))
}
lb_cpu_children() { local f; read -ra f </proc/$$/stat; echo $((f[15] + f[16])); }

# lb_bin KVER BUILD OUT: lb.ko for KVER and lbctl (built first if BUILD is
# 1) copied to OUT/bin/, so that a build in this tree while a VM runs
# cannot swap them under it; they also say what was measured.  From $LB_TOP.
lb_bin() {
	local kver=$1 build=$2 out=$3 ko
	if [ "$build" = 1 ]; then
		echo "${0##*/}: building lb.ko for $kver and lbctl" >&2
		make -s module KDIR="/lib/modules/$kver/build" >&2 || lb_die "building lb.ko failed"
		make -s lbctl >&2 || lb_die "building lbctl failed"
	fi
	ko=build/$kver/lb.ko
	[ -f "$ko" ] || ko=build/lb-$kver.ko
	[ -f "$ko" ] || lb_die "no lb.ko for $kver: run without --no-build"
	[ -x userspace/lbctl/lbctl ] || lb_die "no userspace/lbctl/lbctl: run without --no-build"
	mkdir -p "$out/bin"
	cp "$ko" "$out/bin/lb.ko"
	cp userspace/lbctl/lbctl "$out/bin/lbctl"
}

# The VM's run failed (exit status RC): say so, with the kernel console's
# last lines (OUT/console.log).
lb_vm_failed() { # RC OUT
	echo "${0##*/}: the VM run failed (exit $1); the kernel console's last lines ($2/console.log):" >&2
	tail -n 30 "$2/console.log" | sed 's/^/  | /' >&2
}
