#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A full flow table (insmod ... flow_max=8) still keeps every flow on one
# path: flows beyond the bound are placed by the stateless consistent hash
# (counted as fallbacks), and both paths get some of them.  The module's
# own service, limited to the server's subnet (vips=).
. "$(dirname "$0")/lib.sh"

P=${E2E_FLOWS:-32}

topo_up --router-ns ""
lb_load mode=flow flow_max=8 vips=10.10.3.0/24,fd00:10:3::/64
assert_eq "$(lb_json show '.info.flow_max')" 8 "flow_max"
path_sets_up

iperf_server -1
out=$(on_client iperf3 -c "$SERVER" -P "$P" -t 2 -b 4M -J) ||
	fail "iperf3 -P $P failed: $(jq -r .error <<<"$out")"
mapfile -t ports < <(jq -r '.start.connected[].local_port' <<<"$out")
path_sets_check "${ports[@]}"
stats=$(lbctl -j stats)
flows=$(jq -r '.info.flows' <<<"$stats")
fb=$(jq -r '.services[0].stats.fallbacks' <<<"$stats")
log "$P flows with room for 8: $flows in the table, $fb placed by hash; $N1 on path 1, $N2 on path 2"
assert_le "$flows" 8 "flows in the table"
assert_ge "$fb" $((P - 8)) "flows placed by the fallback hash"
assert_ge "$N1" 4 "flows on path 1"
assert_ge "$N2" 4 "flows on path 2"
