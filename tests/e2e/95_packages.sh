#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages as a user installs them (the VM's root is an overlay:
# every write is thrown away): dpkg -i lb-dkms and lbctl from build/deb/
# (make deb), which makes DKMS build lb for the running kernel; then
# modprobe lb as installed (nothing balanced: no packet changes until the
# administrator says so), then with options from /etc/modprobe.d/lb.conf, modinfo's
# version and parameters, the installed lbctl (-V, seed 002's VIP over
# three backends), lb.service's own commands (systemd-analyze verify, and
# its ExecStop, ExecStart and ExecReload lines run as they are, with
# /etc/lb/lb.conf from lbctl save), the man pages and the completion as
# installed, modprobe -r, and dpkg -P, which removes the module again.
# Skips (77) when build/deb has no packages: run make deb first.
#
# Slow under TCG, and nothing of it is lb's: DKMS's compile of lb (4 min
# on an idle 2-core host, 19 min on one shared with 10 busy processes) and
# depmod over the kernel's 4000 compressed modules (at install and at
# removal) take most of its time.
# vm-options: --timeout 2400
. "$(dirname "$0")/lib.sh"
. "$E2E_DIR/pkg_lib.sh"

DEB=$TOP/build/deb
DKMS_DEB=$DEB/lb-dkms_${VERSION}_all.deb
LBCTL_DEB=
for f in "$DEB"/lbctl_"${VERSION}"_*.deb; do
	[ -f "$f" ] && { LBCTL_DEB=$f; break; }
done
[[ -f $DKMS_DEB && -n $LBCTL_DEB ]] ||
	skip "no lb-dkms_${VERSION}_all.deb and lbctl_${VERSION}_*.deb in build/deb: run 'make deb' first"
command -v dkms >/dev/null || skip "dkms is not installed: run scripts/deps"

LBCTL=/usr/sbin/lbctl	# the packaged one, not the tree's
mapfile -t PARAMS < <(sed -nE 's/^module_param\(([a-z_]+),.*/\1/p' "$TOP/kmod/params.c")

# man-db's trigger would index every man page of the root, minutes over 9p
# under TCG; man -l needs no index.
rm -f /var/lib/man-db/auto-update

# --- dpkg -i: DKMS builds lb ------------------------------------------------
# DKMS's postinst builds for the running kernel and for the newest one in
# /boot: on the older kernel that would be a second 4-minute build of what
# the newer kernel's own run of this test builds.  Only the running
# kernel's config stays visible to it (in the VM's overlay).
for f in /boot/config-*; do
	[ "$f" = "/boot/config-$KVER" ] || mv "$f" "/tmp/${f##*/}"
done
log "dpkg -i $(basename "$DKMS_DEB") $(basename "$LBCTL_DEB") on $KVER"
out=/tmp/dpkg-install.log
timed T_DPKG dpkg -i "$DKMS_DEB" "$LBCTL_DEB" >"$out" 2>&1 ||
	fail "dpkg -i failed: $(tail -n 30 "$out")"
built=$(grep -oE 'Building for .*' "$out" | head -n 1 || true)
log "dpkg -i took ${T_DPKG}s (DKMS: ${built:-?})"
for p in lb-dkms lbctl; do
	assert_eq "$(dpkg-query -W -f '${Status} ${Version}' "$p")" "install ok installed $VERSION" "dpkg status of $p"
done
check_installed "lb-dkms"

# Every parameter of kmod/params.c is described in modinfo.
parms=$(modinfo -F parm lb)
for p in "${PARAMS[@]}"; do
	grep -qE "^$p:[^(]{10,}" <<<"$parms" || fail "modinfo lb: parameter $p has no description: $(grep "^$p:" <<<"$parms")"
done
log "modinfo lb: version $VERSION, ${#PARAMS[@]} parameters described"

# --- modprobe with the installed modprobe.d file ------------------------------
conf=/etc/modprobe.d/lb.conf
[ -f "$conf" ] || fail "$conf not installed"
assert_eq "$(grep -vE '^[[:space:]]*(#|$)' "$conf")" "options lb marks=none" \
	"uncommented lines in $conf as installed"
grep -q '/etc/modprobe.d/lb.conf' /var/lib/dpkg/info/lb-dkms.conffiles ||
	fail "$conf is not a conffile of lb-dkms"
lb_modprobe
assert_eq "$("$LBCTL" -j show | jq '.services | length')" 0 "services of lb loaded as installed"
assert_eq "$(cat /sys/module/lb/parameters/marks)" none "marks as installed"
lb_modprobe_r
sed -i 's/^options lb marks=none$/options lb mode=packet marks=0,3 weights=1,3/' "$conf"
lb_modprobe
assert_eq "$(cat /sys/module/lb/parameters/mode)" packet "mode from $conf"
assert_eq "$(cat /sys/module/lb/parameters/weights)" "1,3" "weights from $conf"

# --- the installed lbctl ---------------------------------------------------------
v=$("$LBCTL" -V)
assert_match "$v" "^lbctl $VERSION " "lbctl -V"
assert_eq "$("$LBCTL" -j show | jq -c '[.services[0].mode, [.services[0].targets[].weight]]')" \
	'["packet",[1,3]]' "the parameters' service in lbctl show"
# Seed 002's web service: VIP 10.0.0.100:8080 over three servers, 1:1:2.
"$LBCTL" vip add 10.0.0.100:8080 proto tcp || fail "lbctl vip add failed"
for n in 1 2 3; do
	w=1; [ "$n" = 3 ] && w=2
	"$LBCTL" backend add 10.0.0.100:8080 "10.0.2.3$n:803$n" weight "$w" ||
		fail "lbctl backend add 10.0.2.3$n:803$n failed"
done
show=$("$LBCTL" backend show 10.0.0.100:8080)
for n in 1 2 3; do
	grep -q "backend 10.0.2.3$n:803$n weight" <<<"$show" || fail "backend 10.0.2.3$n:803$n not in: $show"
done
backends() { "$LBCTL" -j backend show 10.0.0.100:8080 |
	jq -c '[.services[] | select(.vip == "10.0.0.100/32") | .targets[] | "\(.addr):\(.port)/\(.weight)"]'; }
assert_eq "$(backends)" '["10.0.2.31:8031/1","10.0.2.32:8032/1","10.0.2.33:8033/2"]' "backends of 10.0.0.100:8080"
log "lbctl $VERSION: $(wc -l <<<"$show") lines of backend show"

# --- lb.service ------------------------------------------------------------------
unit=/lib/systemd/system/lb.service
[ -f "$unit" ] || fail "$unit not installed"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
	[ -z "$out" ] || fail "systemd-analyze verify $unit says: $out"
	log "systemd-analyze verify $unit: clean"
fi
# Installed, not enabled: loading lb is the administrator's decision.
[ ! -e /etc/systemd/system/sysinit.target.wants/lb.service ] || fail "lb.service enabled by the install"
# The unit's own command lines, run as systemd would run them (the VM has
# no systemd): ExecStop unloads, ExecStart loads and restores the file.
unit_run() { # KEY
	local line
	grep "^$1=" "$unit" | cut -d= -f2- | while IFS= read -r line; do
		eval "$line" || exit 1
	done
}
if "$LBCTL" help | grep -q 'restore'; then
	mkdir -p /etc/lb
	"$LBCTL" save >/etc/lb/lb.conf || fail "lbctl save failed"
	log "lbctl save: $(wc -l </etc/lb/lb.conf) lines"
	unit_run ExecStop || fail "lb.service ExecStop failed"
	LB_LOADED=0
	if lsmod | grep -q '^lb '; then fail "lb still loaded after lb.service's ExecStop"; fi
	unit_run ExecStart || fail "lb.service ExecStart failed"
	LB_LOADED=1
	assert_eq "$(backends)" '["10.0.2.31:8031/1","10.0.2.32:8032/1","10.0.2.33:8033/2"]' \
		"backends after lb.service's ExecStart restored /etc/lb/lb.conf"
	# An edit: server3's line goes (one command a line, whatever its words).
	sed -i '/10\.0\.2\.33:8033/d' /etc/lb/lb.conf
	unit_run ExecReload || fail "lb.service ExecReload failed"
	assert_eq "$(backends)" '["10.0.2.31:8031/1","10.0.2.32:8032/1"]' \
		"backends after lb.service's ExecReload of an edited /etc/lb/lb.conf"
	log "lb.service: stop, start (restore) and reload (edited file) did what they say"
else
	log "this lbctl has no save/restore yet: lb.service's restore not tried"
	unit_run ExecStop || fail "lb.service ExecStop failed"
	LB_LOADED=0
	rm -f /etc/lb/lb.conf
	unit_run ExecStart || fail "lb.service ExecStart failed"
	LB_LOADED=1
fi
lb_modprobe_r

# --- man pages and completion, as installed ---------------------------------------
for page in /usr/share/man/man8/lbctl.8.gz:"lbctl save" /usr/share/man/man4/lb.4.gz:"flowlet_us="; do
	f=${page%%:*} want=${page#*:}
	[ -f "$f" ] || fail "$f not installed"
	text=$(MANWIDTH=80 man -l "$f" 2>/dev/null | col -bx)
	grep -qF -- "$want" <<<"$text" || fail "man -l $f: no '$want' in $(wc -l <<<"$text") lines"
done
assert_eq "$(man -w lbctl)" /usr/share/man/man8/lbctl.8.gz "man -w lbctl"
assert_eq "$(man -w 4 lb)" /usr/share/man/man4/lb.4.gz "man -w 4 lb"
out=$("$TOP/tests/completion/lbctl.sh" /usr/share/bash-completion/completions/lbctl 2>&1) ||
	fail "installed bash completion: $out"
log "man pages render; installed completion: $(tail -n 1 <<<"$out")"

# --- dpkg -P removes the module, and the edited conffile -----------------------------
timed T_RM dpkg -P lbctl lb-dkms >/tmp/dpkg-remove.log 2>&1 ||
	fail "dpkg -P failed: $(tail -n 20 /tmp/dpkg-remove.log)"
check_removed "dpkg -P"
[ ! -e "$conf" ] || fail "$conf still there after dpkg -P"
[ ! -e "$LBCTL" ] || fail "$LBCTL still there after dpkg -P"
log "dpkg -P took ${T_RM}s"

log "DKMS build time on $KVER: dpkg -i ${T_DPKG}s (${built:-?})"
