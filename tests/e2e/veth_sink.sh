#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run (or sourced) in a namespace: a veth pair va-vb, and 10.99.0.0/16
# routed out of va to vb's own address, so that datagrams this namespace
# sends to 10.99.x.y arrive at vb as PACKET_HOST, where lb's hook (before
# routing) sees each as a flow.  Used by e2e 46 and 47.
set -e
ip link add name va type veth peer name vb
ip addr add 10.99.0.1/24 dev va
ip link set va up
ip link set vb up
ip route add 10.99.0.0/16 via 10.99.0.2 dev va
ip neigh add 10.99.0.2 dev va lladdr "$(ip -j link show vb | jq -r '.[0].address')"
