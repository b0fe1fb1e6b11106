# SPDX-License-Identifier: GPL-2.0
"""lb testbed: seed 000's line topology, with two parallel links in the middle.

client -- router == path 1, path 2 == aggr -- server.  The router balances
the traffic toward the server over the two parallel links, with lb (a
kernel module that sets the packet mark; `ip rule fwmark 3 table 100`
turns the mark into a link) or with the seed's iptables rules.  tc on the
nodes makes the bottlenecks (each path 50 Mbit/s, the edges 130 Mbit/s);
CloudLab itself shapes nothing.

Instructions:
Get the lb repository onto every node (the "Git URL" parameter clones it
into /local/lb at boot; otherwise copy it, e.g. with rsync).  Then, in it:

    testbed/cloudlab/client up                  # on client
    testbed/cloudlab/router up                  # on router
    testbed/cloudlab/aggr up                    # on aggr
    testbed/cloudlab/server up                  # on server
    testbed/cloudlab/router lb                  # on router: build and load lb
    iperf3 -s                                   # on server
    iperf3 -c 10.10.3.2 -t 30 -P 8              # on client
    lbctl stats; testbed/cloudlab/router status # on router

testbed/cloudlab/README.md in the repository has the whole walk-through.
"""

# Addresses (the seed's): client 10.10.1.1 - router 10.10.1.2; path 1:
# router 10.10.2.1 - aggr 10.10.2.2; path 2: router 10.10.2.3 - aggr
# 10.10.2.4; aggr 10.10.3.1 - server 10.10.3.2.  Every mask is /24, so the
# two parallel links share 10.10.2.0/24: the seed's addresses allow no
# smaller mask that keeps the two links apart (10.10.2.1 and .2 are in
# different /31s, and a /30 holding .1 and .2 also holds path 2's .3).  The
# node scripts therefore name the interface in every route (`dev`) and add
# a /32 host route to each neighbour over its own link.

import geni.portal as portal
import geni.rspec.pg as pg
# Registers the Emulab link extensions (Link.setNoBandwidthShaping).
import geni.rspec.emulab as emulab  # noqa: F401  pylint: disable=unused-import

UBUNTU24 = "urn:publicid:IDN+emulab.net+image+emulab-ops//UBUNTU24-64-STD"
NETMASK = "255.255.255.0"

# (link, (node, interface, address), (node, interface, address))
LINKS = [
    ("client-router", ("client", "if-router", "10.10.1.1"),
     ("router", "if-client", "10.10.1.2")),
    ("path1", ("router", "if-path1", "10.10.2.1"),
     ("aggr", "if-path1", "10.10.2.2")),
    ("path2", ("router", "if-path2", "10.10.2.3"),
     ("aggr", "if-path2", "10.10.2.4")),
    ("aggr-server", ("aggr", "if-server", "10.10.3.1"),
     ("server", "if-aggr", "10.10.3.2")),
]
NODES = ["client", "router", "aggr", "server"]


def shell_quote(s):
    """One word for sh, whatever s holds."""
    return "'" + s.replace("'", "'\\''") + "'"


pc = portal.context
pc.defineParameter(
    "hwtype", "Node hardware type", portal.ParameterType.NODETYPE, "d430",
    longDescription="All four nodes get this type (d430 is at the Emulab "
    "cluster).  The router and aggr need three experiment interfaces each; "
    "if the type has fewer, allow link multiplexing below.  Empty: any "
    "type the cluster has.")
pc.defineParameter(
    "image", "Disk image", portal.ParameterType.IMAGE, UBUNTU24,
    longDescription="Default Ubuntu 24.04 (kernel 6.8).  "
    "`testbed/cloudlab/router lb` builds lb.ko against the running "
    "kernel's headers; lb needs 6.1 or later (22.04's 5.15 is too old).")
pc.defineParameter(
    "linkSpeed", "Link capacity (Mbit/s)", portal.ParameterType.BANDWIDTH,
    1000.0,
    longDescription="What CloudLab reserves for each link.  CloudLab is "
    "asked not to shape the links: tc on the nodes makes the seed's "
    "bottlenecks (50 Mbit/s per path, 130 Mbit/s at the edges).")
pc.defineParameter(
    "multiplex", "Allow link multiplexing (VLANs on one port)",
    portal.ParameterType.BOOLEAN, False, advanced=True,
    longDescription="For node types with fewer than three experiment "
    "interfaces.  Links then share a port and are best effort.")
pc.defineParameter(
    "repo", "Git URL of lb to clone into /local/lb at boot",
    portal.ParameterType.STRING, "", advanced=True,
    longDescription="Empty: nothing is cloned; copy the repository to the "
    "nodes yourself.  The clone belongs to root (the node scripts run "
    "as root anyway).")
params = pc.bindParameters()

if params.linkSpeed <= 0:
    pc.reportError(portal.ParameterError(
        "The link capacity must be positive", ["linkSpeed"]))
pc.verifyParameters()

request = pc.makeRequestRSpec()

nodes = {}
for name in NODES:
    node = request.RawPC(name)
    if params.hwtype:
        node.hardware_type = params.hwtype
    node.disk_image = params.image
    if params.repo:
        node.addService(pg.Execute(
            shell="sh",
            command="[ -d /local/lb/.git ] || sudo git clone "
            + shell_quote(params.repo) + " /local/lb"))
    nodes[name] = node

for lname, end_a, end_b in LINKS:
    link = request.Link(lname)
    for nname, ifname, address in (end_a, end_b):
        iface = nodes[nname].addInterface(ifname)
        iface.addAddress(pg.IPv4Address(address, NETMASK))
        link.addInterface(iface)
    link.bandwidth = int(params.linkSpeed * 1000)  # kbit/s
    link.setNoBandwidthShaping()
    if params.multiplex:
        link.link_multiplexing = True
        link.best_effort = True

pc.printRequestRSpec(request)
