#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The flows lb keeps for a namespace's traffic are charged to the memory
# cgroup of whoever made the namespace, and bounded by its limit: a user
# in a user namespace of its own (as unprivileged as lb lets anyone
# configure it) and under a memory limit floods its own lb.  Its cgroup is
# charged for every flow kept, the table stops growing at the limit and
# the rest are placed statelessly (fallbacks), and another namespace keeps
# every flow of its own at the same time.  Before the fix the flows were
# charged to nobody: the cgroup's charge stood still and the table took
# every flow.
# vm-options: --mem 1024
. "$(dirname "$0")/lib.sh"

N=${E2E_MEMCG_FLOWS:-60000}	# flows the user sends
ROOM=$((2 * 1024 * 1024))	# what its limit leaves it once it is set up
OTHER=3000			# flows of the other namespace

grep -qw memory /sys/fs/cgroup/cgroup.controllers ||
	skip "no memory cgroup controller"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
# The user makes its namespace in CG, then leaves it for CGP: what CG is
# charged for from then on is what lb charges to the namespace's maker,
# and no process there needs memory under its limit.
CG=/sys/fs/cgroup/lb-user CGP=/sys/fs/cgroup/lb-user-procs
mkdir -p "$CG" "$CGP"
lb_load

D=$(mktemp -d)
mkfifo "$D/ready" "$D/go" "$D/end"
# Held open both ways here, so that neither side blocks opening them and a
# user script that fails cannot leave this one waiting for ever.
exec 3<>"$D/ready" 4<>"$D/go" 5<>"$D/end"

# UDP from the namespace's own stack to COUNT flows behind a veth: out of
# va, in at vb as PACKET_HOST (the neighbour is vb's address), where
# lb's hook (before routing) keeps a flow for each.
cat >"$D/flood.py" <<'EOF'
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    s.sendto(b"lb", ("10.99.%d.2" % (1 + i // 50000), 1024 + i % 50000))
EOF
cat >"$D/user.sh" <<EOF
set -e
echo \$\$ >"$CGP/cgroup.procs"
. "$E2E_DIR/veth_sink.sh"
"$LBCTL" vip add 10.99.0.0/16 mode flow
"$LBCTL" path add 1
"$LBCTL" path add 2
echo ready >"$D/ready"
read -r _ <"$D/go"
python3 "$D/flood.py" $N
"$LBCTL" -j show >"$D/user.json"
echo done >"$D/ready"
read -r _ <"$D/end"
EOF

# The user: its own cgroup, user namespace and network namespace.  With
# the user's processes out of it, CG holds what making the namespace cost
# (c0) and what lb charges for its flows.
(echo "$BASHPID" >"$CG/cgroup.procs" &&
	exec unshare --user --map-root-user --net bash "$D/user.sh") &
USER_PID=$!
BG_PIDS+=("$USER_PID")
read -r -t 120 -u 3 _ || fail "the user's namespace was not set up"
c0=$(cat "$CG/memory.current")
echo $((c0 + ROOM)) >"$CG/memory.max"
echo go >&4
read -r -t 600 -u 3 _ || fail "the user's flood did not end"
c1=$(cat "$CG/memory.current")
echo end >&5
wait "$USER_PID" || fail "the user's namespace script failed"

kept=$(jq .info.flows "$D/user.json")
fallbacks=$(jq '[.services[].stats.fallbacks] | add' "$D/user.json")
charged=$((c1 - c0))
log "user: $N flows sent, $kept kept, $fallbacks packets placed statelessly; its cgroup charged $charged bytes more (room $ROOM)"
assert_ge "$charged" $((kept * 48)) "bytes charged to the user's cgroup for $kept flows"
assert_le "$charged" $((ROOM + 512 * 1024)) "the user's cgroup charge past its limit"
assert_ge "$fallbacks" 1 "packets placed statelessly once the user's limit is reached"
assert_le "$kept" $((N - 1)) "flows kept under the user's limit"

# Another namespace, made by root outside that cgroup, keeps every flow.
ip netns add lb-other
ip netns exec lb-other "$E2E_DIR/veth_sink.sh"
lbctl -n lb-other vip add 10.99.0.0/16 mode flow
lbctl -n lb-other path add 1
lbctl -n lb-other path add 2
ip netns exec lb-other python3 "$D/flood.py" "$OTHER"
other=$(lbctl -n lb-other -j show | jq .info.flows)
ip netns del lb-other
assert_eq "$other" "$OTHER" "flows the other namespace kept"
