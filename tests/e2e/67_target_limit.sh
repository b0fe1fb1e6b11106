#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Services at the limit, LB_TARGETS_MAX (256) targets, round-trip whole:
# 256 paths, and 256 IPv6 backends, each target's route leaving through
# an interface with a name as long as they get (15 characters), so their
# replies are the largest there are.  lbctl -j show (every service, and
# each one named), stats -j and save list every target, in order, with
# its weight and interface; restore of the saved file changes nothing
# (ids kept), and in another namespace makes the same save.  A dump that
# is a fresh socket's first request (parts of about 4 KiB) and the 32 KiB
# parts after it carry every target, the services split over several
# messages; a plain get of one says to dump it.  lbctl monitor prints the
# largest events whole (set-weights of 256 weights, vip del with 256
# targets).  The limit holds: a 257th path or backend is refused with the
# kernel's message, and a restore file with one by lbctl, changing nothing.
. "$(dirname "$0")/lib.sh"

N=256
DEV4=lb-long-name-p4 DEV6=lb-long-name-b6	# IFNAMSIZ - 1 characters
NET=10.99.0.0/16	# the path service, routed out of $DEV4
VIP6=fd00:99::100	# the NAT service; its backends are out of $DEV6
SVC6=("[$VIP6]:80" proto tcp)
OTHER=lb-limit-other
F=/tmp/e2e-limit.conf

topo_up
lb_load marks=none
for d in "$DEV4:10.99.0.1/16" "$DEV6:fd00:99::1/64"; do
	if ! ip -n "$ROUTER_NS" link add "${d%%:*}" type dummy ||
	   ! ip -n "$ROUTER_NS" link set "${d%%:*}" up ||
	   ! ip -n "$ROUTER_NS" addr add "${d#*:}" dev "${d%%:*}" nodad; then
		fail "cannot make ${d%%:*}"
	fi
done

# The configuration as save writes it: path i weight i, backend i weight
# 257 - i.
be() { printf 'fd00:99::1:%x' "$1"; }
{
	echo "vip add $NET mode flow sched wrr"
	for ((i = 1; i <= N; i++)); do
		printf 'path add 0x%x weight %d vip %s\n' "$i" "$i" "$NET"
	done
	echo "vip add ${SVC6[*]} mode flow sched maglev"
	for ((i = 1; i <= N; i++)); do
		printf 'backend add %s %s [%s]:8000 weight %d\n' "${SVC6[0]}" \
			"${SVC6[*]:1}" "$(be "$i")" $((N + 1 - i))
	done
} >"$F"
rlbctl -b "$F" || fail "lbctl -b: the configuration of $((2 * N)) targets"

# Each target as show -j has it; both services' as they should be.
targets() { # JQ-SERVICES
	jq -r "$1"' | .targets[] |
		if .kind == "path" then "path \(.mark) \(.weight) \(.devs | join(","))"
		else "backend \(.addr) \(.port) \(.weight) \(.devs | join(","))" end'
}
want=$(for ((i = 1; i <= N; i++)); do echo "path $i $i $DEV4"; done
	for ((i = 1; i <= N; i++)); do
		echo "backend $(be "$i") 8000 $((N + 1 - i)) $DEV6"
	done)
# The health check names the interfaces within a quarter of a second.
for ((i = 0; i < 50; i++)); do
	show=$(rlbctl -j show) || fail "lbctl show -j: $show"
	got=$(targets '.services[]' <<<"$show")
	[ "$got" = "$want" ] && break
	sleep 0.2
done
[ "$got" = "$want" ] || fail "show -j, against what was configured:
$(diff <(echo "$want") <(echo "$got") | head -n 20)"
ids0=$(jq -c '[.services[].targets[].id]' <<<"$show")
assert_eq "$(jq 'unique | length' <<<"$ids0")" $((2 * N)) "distinct target ids"
log "show -j: $N paths and $N IPv6 backends, each with its weight and interface"

# Each service named: the dump of that one only.
got=$(rlbctl -j show vip "$NET" | targets '.services[]')
assert_eq "$got" "$(head -n $N <<<"$want")" "show -j vip $NET"
got=$(rlbctl -j show vip "${SVC6[@]}" | targets '.services[]')
assert_eq "$got" "$(tail -n $N <<<"$want")" "show -j vip ${SVC6[*]}"
stats=$(rlbctl -j stats) || fail "lbctl stats -j: $stats"
assert_eq "$(jq -c '[.services[] | [(.targets | length),
	([.targets[] | select(.stats.packets == 0)] | length), .stats.packets]]' <<<"$stats")" \
	"[[$N,$N,0],[$N,$N,0]]" "stats -j: targets, with counters, and the services' counters"
log "show -j of each service, stats -j: every target"

# save -> restore -> save.
saved=$(rlbctl save) || fail "lbctl save: $saved"
assert_eq "$(grep -v '^#' <<<"$saved")" "$(cat "$F")" "lbctl save"
printf '%s\n' "$saved" >"$F.saved"
assert_ok rlbctl restore -f "$F.saved"
assert_eq "$(rlbctl save)" "$saved" "save after restoring it"
assert_eq "$(rlbctl -j show | jq -c '[.services[].targets[].id]')" "$ids0" \
	"target ids after restoring the same"
ip netns add "$OTHER" || fail "ip netns add $OTHER"
assert_ok lbctl -n "$OTHER" restore -f "$F.saved"
assert_eq "$(lbctl -n "$OTHER" save)" "$saved" "save in $OTHER after restore -n $OTHER"
ip netns del "$OTHER"
log "save -> restore -> save the same, here (ids kept) and in $OTHER"

# Raw requests: a plain get of a service at the limit, and a dump that is
# a fresh socket's first request; "port targets messages" per service
# and "part BYTES" per part.
raw=$(on_router env E2E_DIR="$E2E_DIR" VIP6="$VIP6" python3 - <<'EOF'
import errno, os, socket, struct, sys
sys.path.insert(0, os.environ["E2E_DIR"])
import badnl as b

CMD_SVC_GET, NLMSG_DONE, NLM_F_DUMP = 1, 3, 0x300
SVC_TGT_FIRST, SVC_STATS = 16, 13

def attrs(data):
    while len(data) >= 4:
        n, t = struct.unpack("=HH", data[:4])
        yield t & 0x3fff, data[4:n]
        data = data[(n + 3) & ~3:]

g = b.Genl()
req = b.nest(b.A_SVC, b.u8(b.SVC_FAMILY, socket.AF_INET6),
             b.nla(b.SVC_DADDR, socket.inet_pton(socket.AF_INET6,
                                                 os.environ["VIP6"])),
             b.u8(b.SVC_DPLEN, 128), b.u8(b.SVC_PROTO, 6),
             b.u16(b.SVC_DPORT, 80))
err, text, _ = g.request(g.family, CMD_SVC_GET, req)
print("get %s: %s" % (errno.errorcode.get(err, "ok"), text))

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, b.NETLINK_GENERIC)
s.bind((0, 0))
body = struct.pack("=BBH", CMD_SVC_GET, 1, 0)
s.send(struct.pack("=IHHII", 16 + len(body), g.family,
                   b.NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
svcs, done = [], False
while not done:
    data = s.recv(65536)
    print("part %d" % len(data))
    while data:
        n, typ, flags = struct.unpack("=IHH", data[:8])
        msg, data = data[16:n], data[(n + 3) & ~3:]
        if typ == NLMSG_DONE:
            done = True
            break
        if typ == b.NLMSG_ERROR or flags & 0x10:    # NLM_F_DUMP_INTR
            sys.exit("dump failed or interrupted")
        for t, svc in attrs(msg[4:]):
            a = dict(attrs(svc))
            port = struct.unpack("=H", a.get(b.SVC_DPORT, b"\0\0"))[0]
            tgts = sum(1 for _ in attrs(a[b.SVC_TARGETS]))
            first = (struct.unpack("=I", a[SVC_TGT_FIRST])[0]
                     if SVC_TGT_FIRST in a else None)
            if first is None:
                svcs.append([port, 0, 0, False])
            elif svcs[-1][0] != port or svcs[-1][1] != first:
                sys.exit("port %d from target %d after %s" % (port, first, svcs[-1]))
            svcs[-1][1] += tgts
            svcs[-1][2] += 1
            svcs[-1][3] = SVC_STATS in a
for port, n, msgs, stats in svcs:
    print("%d %d %d%s" % (port, n, msgs, "" if stats else " no-stats"))
EOF
) || fail "raw requests: $raw"
printf '%s\n' "$raw" | grep -v '^part' | sed 's/^/#   /'
assert_match "$(grep '^get' <<<"$raw")" '^get EMSGSIZE: .*dump it' "a plain get of $N backends"
parts=$(grep '^part' <<<"$raw" | cut -d' ' -f2)
assert_le "$(head -n 1 <<<"$parts")" 4096 "the first part of a fresh socket's dump"
assert_le "$(sort -n <<<"$parts" | tail -n 1)" 32768 "the largest part"
read -r p0 n0 m0 x0 < <(grep -v '^[gp]' <<<"$raw" | head -n 1)
read -r p1 n1 m1 x1 < <(grep -v '^[gp]' <<<"$raw" | tail -n 1)
assert_eq "$p0 $n0 ${x0:-stats} $p1 $n1 ${x1:-stats}" "0 $N stats 80 $N stats" \
	"services dumped (port, targets, counters)"
assert_ge "$((m0 + m1))" 4 "messages of the two services"
log "fresh socket's dump: $(wc -l <<<"$parts") parts, the first $(head -n 1 <<<"$parts") bytes; $m0 and $m1 messages"

# The largest events.
"$LBCTL" -n "$ROUTER_NS" -j monitor >/tmp/mon.json 2>/tmp/mon.err &
mon=$!
BG_PIDS+=("$mon")
for ((i = 0; i < 50; i++)); do
	rlbctl flows flush || fail "flows flush"
	sleep 0.2
	grep -q flush /tmp/mon.json && break
done
grep -q flush /tmp/mon.json || fail "monitor printed nothing in 10 s: $(cat /tmp/mon.err)"
mapfile -t w < <(seq "$N" -1 1)
assert_ok rlbctl set-weights "${w[@]}" vip "$NET"
assert_ok rlbctl vip del "${SVC6[@]}"
for ((i = 0; i < 50; i++)); do grep -q '"vip del"' /tmp/mon.json && break; sleep 0.2; done
kill -INT "$mon"
wait "$mon" || fail "monitor: exit $?: $(cat /tmp/mon.err)"
assert_eq "$(jq -sc '[.[] | select(.event == "set-weights") |
	[(.weights | length), .weights[0], (.service.targets | length)]],
	[.[] | select(.event == "vip del") | [(.service.targets | length),
	 .service.targets[-1].addr, .service.targets[-1].devs[0]]]' /tmp/mon.json | paste -sd' ')" \
	"[[$N,$N,$N]] [[$N,\"$(be $N)\",\"$DEV6\"]]" "monitor -j: set-weights and vip del"
log "monitor: set-weights of $N weights, vip del of $N backends"

# The limit.
assert_ok rlbctl restore -f "$F.saved"
expect_fail rlbctl path add 0x101 vip "$NET"
assert_eq "$RC" 1 "exit status of a 257th path (the kernel's refusal)"
assert_match "$OUT" 'too many targets in this service' "a 257th path"
expect_fail rlbctl backend add "${SVC6[@]}" "[$(be 257)]:8000"
assert_eq "$RC" 1 "exit status of a 257th backend"
assert_match "$OUT" 'too many targets in this service' "a 257th backend"
sed "/^path add 0x100 /a path add 0x101 vip $NET" "$F.saved" >"$F.over"
expect_fail rlbctl restore -f "$F.over"
assert_match "$OUT" "at most $N targets" "restore of a service with 257 targets"
assert_eq "$(rlbctl save)" "$saved" "the configuration after the refusals"
log "a 257th path or backend refused, with the kernel's message; a restore of one too"
