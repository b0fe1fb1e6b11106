#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lb's netfilter hooks come and go with the configuration that needs them
# (nft list hooks): none in a namespace without services; with a path
# service the path hook alone, before routing, and nothing where the
# router forwards; with a VIP the service hooks too; none once all is
# deleted.  Packets are balanced from the moment the service is there,
# and go unmarked once it is gone.  Kernels without nfnetlink_hook
# (Debian's 6.1) cannot list hooks: there, only the traffic is checked.
. "$(dirname "$0")/lib.sh"

VIP=10.10.3.50
topo_up
sink_up
lb_load marks=none
LISTS=1
modprobe nfnetlink_hook 2>/dev/null || LISTS=0
[ "$LISTS" = 1 ] || log "no nfnetlink_hook in $(uname -r): nft list hooks lists nothing, so only the traffic is checked"
# lb's hooks in the router's namespace: FAMILY:HOOK:FUNCTION, sorted.
lb_hooks() {
	on_router nft list hooks | awk '
		$1 == "family" { fam = $2 }
		$1 == "hook" { hook = $2 }
		{ for (i = 1; i <= NF; i++) if ($i ~ /^lb_[a-z_]+$/) print fam ":" hook ":" $i }' |
		sort -u | xargs
}
PATHS="ip:prerouting:lb_hook ip6:prerouting:lb_hook"
NAT="ip:forward:lb_reply_hook ip:output:lb_reply_hook ip:prerouting:lb_vip_hook"
NAT="$NAT ip6:forward:lb_reply_hook ip6:output:lb_reply_hook ip6:prerouting:lb_vip_hook"
want() { tr ' ' '\n' <<<"$*" | sort -u | xargs; }
hooks_are() { # EXPECTED WHAT
	[ "$LISTS" = 1 ] || return 0
	assert_eq "$(lb_hooks)" "$(want "$1")" "$2"
}

hooks_are "" "lb's hooks with lb loaded and nothing configured"

assert_ok rlbctl vip add 10.10.3.0/24 mode packet
hooks_are "$PATHS" "hooks with a path service"
assert_ok rlbctl path add 0
assert_ok rlbctl path add 3
read -r p1 p2 < <(path_tx)
udp_burst lb-client "$SINK" 200
read -r q1 q2 < <(path_tx)
log "200 datagrams at once after the service came: path 1 +$((q1 - p1)), path 2 +$((q2 - p2))"
assert_near $((q1 - p1)) 100 3 "path 1 packets"
assert_near $((q2 - p2)) 100 3 "path 2 packets"

assert_ok rlbctl vip add "$VIP:5202" proto tcp
assert_ok rlbctl backend add "$VIP:5202" "$SERVER:5202"
hooks_are "$PATHS $NAT" "hooks with a path service and a VIP"

assert_ok rlbctl vip del 10.10.3.0/24
hooks_are "$NAT" "hooks with the VIP alone"
read -r p1 p2 < <(path_tx)
udp_burst lb-client "$SINK" 200
read -r q1 q2 < <(path_tx)
assert_near $((q1 - p1)) 200 3 "path 1 packets once the path service is gone (no mark)"

assert_ok rlbctl vip del "$VIP:5202" proto tcp
hooks_are "" "lb's hooks once every service is deleted"
[ "$LISTS" = 0 ] || log "hooks: none, paths ($PATHS), paths and NAT, NAT, none"
lb_unload
