# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# tests/e2e/pkg_lib.sh: what the package tests (95_packages) share,
# sourced after lib.sh: lb's version, timing, and whether DKMS has
# lb installed for the running kernel or nothing of it is left.

VERSION=$(tr -d '[:space:]' <"$TOP/VERSION")

# How long one command takes, in seconds with a tenth; its exit status.
timed() { # VAR CMD...
	local var=$1 t0=$EPOCHREALTIME us rc=0
	shift
	"$@" || rc=$?
	us=$(( ${EPOCHREALTIME/./} - ${t0/./} ))
	printf -v "$var" '%d.%d' $((us / 1000000)) $((us / 100000 % 10))
	return "$rc"
}

# lb is installed by DKMS for the running kernel, version VERSION.
check_installed() { # HOW
	local st ko
	st=$(dkms status -m lb -v "$VERSION" -k "$KVER")
	assert_match "$st" "installed" "$1: dkms status for $KVER"
	ko=$(modinfo -n lb) || fail "$1: modinfo finds no lb module for $KVER"
	# (a glob: a Debian kernel version has a "+")
	[[ $ko == "/lib/modules/$KVER/updates/dkms/lb.ko"* ]] ||
		fail "$1: modprobe finds $ko, not DKMS's /lib/modules/$KVER/updates/dkms/lb.ko*"
	assert_eq "$(modinfo -F version lb)" "$VERSION" "$1: modinfo -F version lb"
}

# lb is gone: no DKMS entry, no module file.
check_removed() { # HOW
	assert_eq "$(dkms status -m lb 2>/dev/null)" "" "$1: dkms status after removal"
	if modinfo -n lb >/dev/null 2>&1; then fail "$1: modinfo still finds $(modinfo -n lb)"; fi
	[ ! -e "/usr/src/lb-$VERSION" ] || fail "$1: /usr/src/lb-$VERSION still there"
}

lb_modprobe() {
	modprobe lb "$@" || fail "modprobe lb $* failed: $(dmesg | tail -n 5)"
	# shellcheck disable=SC2034 # for lib.sh's cleanup, which unloads it
	LB_LOADED=1
	assert_eq "$(cat /sys/module/lb/version)" "$VERSION" "/sys/module/lb/version"
}
lb_modprobe_r() {
	modprobe -r lb || fail "modprobe -r lb failed"
	# shellcheck disable=SC2034 # for lib.sh's cleanup, which unloads it
	LB_LOADED=0
	if lsmod | grep -q '^lb '; then fail "lb still loaded after modprobe -r"; fi
}

