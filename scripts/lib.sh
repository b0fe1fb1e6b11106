# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shell helpers shared by scripts/vm, scripts/e2e and friends (bash only).
# Source it: . "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2034 # for the scripts that source this
LB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

lb_die() { echo "${0##*/}: $*" >&2; exit 1; }
lb_warn() { echo "${0##*/}: $*" >&2; }

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
