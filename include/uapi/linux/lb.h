/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lb: load balancing of routed traffic: over paths by fwmark, and over
 * backends by address translation.
 *
 * The netlink contract between the lb kernel module and lbctl.  It is the
 * only header both sides include.  Generic netlink family LB_GENL_NAME,
 * version LB_GENL_VERSION.  New attributes and commands are only ever
 * appended; the kernel rejects attributes it does not know (strict
 * validation), so an old kernel tells a new lbctl what it cannot do.
 *
 * Objects:
 *   service  which packets are balanced: a destination prefix (the "VIP"),
 *            optionally a source prefix, protocol, destination port and
 *            input interface.  The most specific matching service wins.
 *            It has a mode (enum lb_mode) and a scheduler for new flows
 *            (enum lb_sched).
 *   target   where a service's packets go.  A path target is a fwmark
 *            value and mask: the packet's mark becomes
 *            (mark & ~mask) ^ value, like iptables' MARK --set-xmark, and
 *            "ip rule fwmark" picks the link.  Each target has a weight;
 *            weight 0 drains it (no new flows, existing flows stay).
 *            A backend target is a real server's address and port: the
 *            service's packets are rewritten to it (destination NAT) and
 *            its replies back to the service's address and port, so
 *            neither side sees the rewrite (service balancing).
 *            Targets have a stable id, unique in their network namespace.
 *
 * A service holds path targets or backend targets, never both.  A service
 * with backends (a "NAT service") must match one address (a full-length
 * prefix of family AF_INET or AF_INET6: the VIP), protocol TCP or UDP and
 * a destination port, and balances flows: its first backend puts it in
 * flow mode and, unless a scheduler was given, the Maglev scheduler, so
 * that routers with the same configuration agree.  Packets to a VIP that
 * match none of its services are dropped (LB_INFO_A_VIP_DROPS) unless the
 * VIP is an address of the router itself.  Replies are recognised by
 * their source: a backend's address and port stand for its VIP.
 *
 * A service is named in requests by its match (LB_SVC_A_FAMILY ...
 * LB_SVC_A_IIFNAME) inside LB_A_SVC; an absent match field means "any".
 * LB_SVC_A_FAMILY must be present to name a service (0 for the catch-all
 * that matches IPv4 and IPv6); other match attributes without it are
 * refused.  A request whose LB_A_SVC has no LB_SVC_A_FAMILY (or that has
 * no LB_A_SVC) applies to the namespace's only service, and is refused if
 * there is not exactly one; except LB_CMD_SVC_NEW, where no match at all
 * adds the catch-all, LB_CMD_SVC_DEL, which must name its service, and
 * LB_CMD_STATS_RESET, where no LB_A_SVC means every service.
 *
 * A target's mark must lie within its mask (mark & ~mask == 0).
 *
 * Every write needs CAP_NET_ADMIN in the user namespace that owns the
 * network namespace.  Every rejection carries an extack message.
 *
 * Events: the family's multicast group LB_MCGRP_EVENTS (its id is in
 * CTRL_CMD_GETFAMILY's CTRL_ATTR_MCAST_GROUPS).  After each change that
 * succeeded, and only then, the kernel sends the group of that network
 * namespace one message, in the order the changes were made, whose
 * command is the request's and whose attributes are those of
 * LB_CMD_SVC_GET replies, without counters (no LB_SVC_A_STATS or
 * LB_TGT_A_STATS):
 *   LB_CMD_SVC_NEW     LB_A_SVC, the service as added (no targets)
 *   LB_CMD_SVC_SET     LB_A_SVC with its targets, as changed: one message
 *                      if the request changed mode, scheduler or flowlet
 *                      timeout, and one with LB_A_WEIGHTS (the new
 *                      weights, as in the request) if it set weights
 *   LB_CMD_SVC_DEL     LB_A_SVC with its targets, as it was
 *   LB_CMD_TGT_NEW, LB_CMD_TGT_SET, LB_CMD_TGT_DEL
 *                      LB_A_SVC (no targets; after a first backend, in its
 *                      new mode and scheduler) and LB_A_TGT, the target
 *                      as added, as changed, or as it was
 *   LB_CMD_FLOW_FLUSH  no attribute
 *   LB_CMD_STATS_RESET LB_A_SVC (no targets) if the request named one,
 *                      else no attribute
 *   LB_CMD_RESTORE     LB_A_INFO with LB_INFO_A_SERVICES: one message for
 *                      the whole new configuration, which a listener reads
 *                      again (LB_CMD_SVC_GET dump) if it needs it (and its
 *                      tunables: LB_CMD_INFO_GET)
 *   LB_CMD_INFO_SET    LB_A_INFO with every tunable, as set
 *   LB_CMD_TGT_STATE   LB_A_SVC (no targets) and LB_A_TGT: the target
 *                      became unreachable (LB_TGT_A_DOWN) or reachable
 *                      again (without it; LB_TGT_A_IFNAME as in replies)
 * Anyone may listen, as anyone may read the configuration: events carry
 * nothing an LB_CMD_SVC_GET dump does not show (flows, which need
 * CAP_NET_ADMIN, are never in them).  Events cost nothing while nobody
 * listens.  A listener that does not keep up loses events (its socket
 * reports ENOBUFS) and should read the configuration again; an event the
 * kernel could not allocate is lost for every listener and counted
 * (LB_INFO_A_EVENT_DROPS).  Neither ever fails or undoes the change.
 */
#ifndef _UAPI_LINUX_LB_H
#define _UAPI_LINUX_LB_H

#define LB_GENL_NAME		"lb"
#define LB_GENL_VERSION		1
#define LB_MCGRP_EVENTS		"events"	/* multicast group, see above */

/* Limits the kernel enforces (and lbctl checks first). */
#define LB_WEIGHT_MAX		65535
#define LB_TARGETS_MAX		256	/* per service */
#define LB_SERVICES_MAX		4096	/* per network namespace */
#define LB_FLOWLET_US_MIN	10
#define LB_FLOWLET_US_MAX	10000000
#define LB_TIMEOUT_MAX		604800	/* seconds (7 days), a flow timeout */

/**
 * enum lb_mode - how a service spreads packets over its targets
 * @LB_MODE_PACKET: every packet takes the next target of a smooth weighted
 *	round-robin schedule (cursors per CPU and input interface, no shared
 *	counter).
 * @LB_MODE_FLOW: a flow (5-tuple) keeps the target it was given first.
 * @LB_MODE_FLOWLET: like flow, but after an idle gap longer than the
 *	service's flowlet timeout the flow's next packet may take another
 *	target.
 */
enum lb_mode {
	LB_MODE_PACKET,
	LB_MODE_FLOW,
	LB_MODE_FLOWLET,
	__LB_MODE_MAX
};

#define LB_MODE_MAX (__LB_MODE_MAX - 1)

/**
 * enum lb_sched - how a service places new flows
 * @LB_SCHED_WRR: weighted round robin over new flows, one sequence per input
 *	interface: exact shares, even with few flows (32 flows over two equal
 *	paths split 16/16), and replies do not take turns with requests.
 * @LB_SCHED_MAGLEV: Maglev consistent hashing of the 5-tuple with a fixed
 *	seed: routers with the same configuration agree, and a change of
 *	targets moves few placements.
 * @LB_SCHED_WLC: weighted least connections: the target with the fewest
 *	active flows per unit of weight (IPVS's wlc); a TCP flow stops being
 *	active at its FIN or RST.  Ties are broken by weighted round robin,
 *	so equally loaded (say idle) targets still get new flows by weight.
 */
enum lb_sched {
	LB_SCHED_WRR,
	LB_SCHED_MAGLEV,
	LB_SCHED_WLC,
	__LB_SCHED_MAX
};

#define LB_SCHED_MAX (__LB_SCHED_MAX - 1)

/*
 * The schedulers' names, in enum lb_sched order (an array initialiser):
 * the words of lbctl and of the module parameter sched.
 */
#define LB_SCHED_NAMES { "wrr", "maglev", "wlc" }

/**
 * enum lb_fwd - how a service's packets reach its targets (its forwarding
 *	method, as IPVS has one per service)
 * @LB_FWD_MARK: path balancing: the packet's mark becomes the target's
 *	(see targets above) and policy routing ("ip rule fwmark") picks the
 *	link.  Targets are paths.
 * @LB_FWD_NAT: service balancing by address translation: a packet to the
 *	service's VIP:port is rewritten to a backend's address and port, its
 *	replies back (they must cross this router).  Targets are backends.
 * @LB_FWD_IPIP: direct server return by IP-in-IP: a packet to the
 *	service's VIP:port goes unchanged to a backend inside an outer IP
 *	header (IPv4 in IPv4, IPv6 in IPv6), from this router's address;
 *	the backend decapsulates (an ipip or ip6tnl device), has the VIP on
 *	a loopback address and replies to the client directly.  Targets are
 *	backends, whose port is the service's.
 * @LB_FWD_GUE: direct server return by GUE (IP in UDP): as LB_FWD_IPIP
 *	with a UDP header to port LB_GUE_PORT after the outer IP header, its
 *	source port the flow's hash; the packet follows it directly (GUE
 *	variant 1).  The backend takes it with fou ("ip fou add port 6080
 *	gue") and its ipip or ip6tnl device.
 */
enum lb_fwd {
	LB_FWD_MARK,
	LB_FWD_NAT,
	LB_FWD_IPIP,
	LB_FWD_GUE,
	__LB_FWD_MAX
};

#define LB_FWD_MAX (__LB_FWD_MAX - 1)

/* The methods' names, in enum lb_fwd order (an array initialiser). */
#define LB_FWD_NAMES { "mark", "nat", "ipip", "gue" }

/* The UDP port LB_FWD_GUE sends to. */
#define LB_GUE_PORT 6080

/**
 * enum lb_cmd - generic netlink commands
 * @LB_CMD_SVC_GET: get one service (LB_A_SVC names it) or dump all.
 *	Replies carry LB_A_SVC with its targets and counters nested.  A
 *	reply without NLM_F_DUMP is one message of at most 32 KiB; a service
 *	that does not fit is refused (EMSGSIZE, and extack says to dump it).
 *	A dump (NLM_F_DUMP) is of every service, in order, or of the one its
 *	LB_A_SVC names (the same naming; if there is none, the dump is
 *	only its NLMSG_DONE, with the error and the extack message).  Its
 *	messages are sized by the reader's buffer, 32 KiB at most (about
 *	4 KiB if the dump is a fresh socket's first request), so a service
 *	may be split: one message for each service that fits one; else
 *	several in a row, each with the service's match and settings and
 *	at least one target, the first with its first targets, each next one
 *	with LB_SVC_A_TGT_FIRST (the index of its first target, which
 *	follows the last of the message before) and the next targets.
 *	LB_SVC_A_STATS comes once, in the service's last message.  A reader
 *	appends the targets of a message with LB_SVC_A_TGT_FIRST to the
 *	service of the message before.  The first message of a dump (or
 *	its NLMSG_DONE) after a change of the configuration made during the
 *	dump has NLM_F_DUMP_INTR: what was read may miss or repeat a service
 *	or target, and the reader dumps again.
 * @LB_CMD_SVC_NEW: add a service.  LB_A_SVC: match, and optionally mode,
 *	scheduler, flowlet timeout and LB_SVC_A_NAT.  Refused if the same
 *	match exists.
 * @LB_CMD_SVC_DEL: delete a service and its targets; its flows move to
 *	whatever service matches them next.
 * @LB_CMD_SVC_SET: change a service.  LB_A_SVC names it and may carry a new
 *	mode, scheduler or flowlet timeout; LB_A_WEIGHTS, if present, sets the
 *	weight of every target at once, in target order.  All or nothing.
 * @LB_CMD_TGT_NEW: add a target to a service.  LB_A_TGT: a path's mark,
 *	optional mask and weight; or a backend's address and port, optional
 *	weight.  Refused if the service has that target already.
 * @LB_CMD_TGT_DEL: delete the target named by LB_TGT_A_MARK, by
 *	LB_TGT_A_ADDR and LB_TGT_A_PORT, or by LB_TGT_A_ID.  A path's flows
 *	move to the service's other paths.  A backend's flows are ended:
 *	their next packet is placed anew, so a TCP connection is reset by the
 *	backend it lands on (the client learns at once) and a UDP flow
 *	carries on elsewhere; its replies are no longer translated.  Weight 0
 *	first (drain) lets flows finish.  A service stays a NAT service when
 *	its last backend goes: its packets are dropped (LB_INFO_A_NAT_DROPS)
 *	until it has a backend again or is deleted.
 * @LB_CMD_TGT_SET: change a target's weight (LB_TGT_A_WEIGHT) or a path's
 *	mask.
 * @LB_CMD_FLOW_GET: dump the flow table (LB_A_FLOW per flow).
 * @LB_CMD_FLOW_FLUSH: forget every flow; next packets choose anew.
 * @LB_CMD_INFO_GET: namespace-wide settings and figures (LB_A_INFO).
 * @LB_CMD_RESTORE: replace the namespace's whole configuration at once.
 *	The request carries only LB_A_SVCS, at least one; each holds
 *	services as LB_A_SVC nests, and the services of all of them, in
 *	order, are the new configuration (several LB_A_SVCS, because an
 *	attribute is at most 64 KiB; one empty LB_A_SVCS: no service).  An
 *	LB_A_SVC is what LB_CMD_SVC_NEW takes (match, optional mode,
 *	scheduler, flowlet timeout, LB_SVC_A_NAT; the same defaults) and its
 *	targets in LB_SVC_A_TARGETS, as LB_A_TGT nests in order: what
 *	LB_CMD_TGT_NEW takes (a path's mark, optional mask and weight, or a
 *	backend's address, port and optional weight; no id).  That is the
 *	layout of LB_CMD_SVC_GET replies without ids and counters, and the
 *	result is what those LB_CMD_SVC_NEW and LB_CMD_TGT_NEW requests
 *	would make in an empty namespace, in that order (a first backend puts
 *	a service without mode in flow mode, ...).  The whole request is
 *	checked before anything changes; a rejection names the offending
 *	attribute, or the LB_A_SVC or LB_A_TGT it is in (extack
 *	NLMSGERR_ATTR_OFFS), and changes nothing.  Readers see the old
 *	configuration or the new one, never a mix.  A service with the match
 *	of one configured before keeps its counters, and a target of it with
 *	the mark, or the address and port, of one of that one's targets keeps
 *	its id, counters and flows; every other target's flows move as after
 *	LB_CMD_TGT_DEL.  Services are dumped in the order given.
 * @LB_CMD_TGT_STATE: events only (LB_MCGRP_EVENTS): a target's
 *	reachability changed.  Not a request.
 * @LB_CMD_STATS_RESET: counters count from 0 again: those of the service
 *	LB_A_SVC names and its targets, or without LB_A_SVC every service's,
 *	every target's and the namespace's drop counters (LB_INFO_A_VIP_DROPS,
 *	LB_INFO_A_NAT_DROPS).  Flows, weights and configuration stay; so do
 *	LB_STATS_A_FLOWS_ACTIVE (a gauge) and LB_INFO_A_EVENT_DROPS (a
 *	listener's loss, not traffic).
 * @LB_CMD_INFO_SET: change the namespace's tunables: LB_A_INFO with any of
 *	LB_INFO_A_FLOW_MAX (1 to the module's flow_max), LB_INFO_A_TIMEOUT_*
 *	(1 to LB_TIMEOUT_MAX seconds) and LB_INFO_A_FLOWLET_US; the others
 *	are read only.  All or nothing, and no flow is lost: a timeout applies
 *	to every flow from its next check on, and a bound below the flows
 *	there are takes no new ones until they are fewer.  LB_CMD_RESTORE
 *	takes the same LB_A_INFO, set with the configuration it restores.
 */
enum lb_cmd {
	LB_CMD_UNSPEC,
	LB_CMD_SVC_GET,
	LB_CMD_SVC_NEW,
	LB_CMD_SVC_DEL,
	LB_CMD_SVC_SET,
	LB_CMD_TGT_NEW,
	LB_CMD_TGT_DEL,
	LB_CMD_TGT_SET,
	LB_CMD_FLOW_GET,
	LB_CMD_FLOW_FLUSH,
	LB_CMD_INFO_GET,
	LB_CMD_RESTORE,
	LB_CMD_TGT_STATE,
	LB_CMD_STATS_RESET,
	LB_CMD_INFO_SET,
	__LB_CMD_MAX
};

#define LB_CMD_MAX (__LB_CMD_MAX - 1)

/**
 * enum lb_attr - top-level attributes
 * @LB_A_SVC: nest, enum lb_svc_attr
 * @LB_A_TGT: nest, enum lb_tgt_attr
 * @LB_A_WEIGHTS: nest of LB_A_WEIGHT (u32), one per target, in target order
 * @LB_A_WEIGHT: u32, only inside LB_A_WEIGHTS
 * @LB_A_FLOW: nest, enum lb_flow_attr (replies)
 * @LB_A_INFO: nest, enum lb_info_attr (replies; tunables in
 *	LB_CMD_INFO_SET and LB_CMD_RESTORE)
 * @LB_A_PAD: padding for 64-bit attributes
 * @LB_A_SVCS: nest of LB_A_SVC: services of a whole configuration
 *	(LB_CMD_RESTORE only, with an optional LB_A_INFO)
 */
enum lb_attr {
	LB_A_UNSPEC,
	LB_A_SVC,
	LB_A_TGT,
	LB_A_WEIGHTS,
	LB_A_WEIGHT,
	LB_A_FLOW,
	LB_A_INFO,
	LB_A_PAD,
	LB_A_SVCS,
	__LB_A_MAX
};

#define LB_A_MAX (__LB_A_MAX - 1)

/**
 * enum lb_svc_attr - a service
 * @LB_SVC_A_FAMILY: u8, AF_INET or AF_INET6; absent or 0: both
 * @LB_SVC_A_DADDR: binary, 4 or 16 bytes (needs FAMILY): destination prefix
 * @LB_SVC_A_DPLEN: u8, destination prefix length
 * @LB_SVC_A_SADDR: binary, 4 or 16 bytes (needs FAMILY): source prefix
 * @LB_SVC_A_SPLEN: u8, source prefix length
 * @LB_SVC_A_PROTO: u8, IP protocol number; absent or 0: any
 * @LB_SVC_A_DPORT: u16 (host order), destination port (TCP, UDP, SCTP,
 *	UDP-Lite, DCCP; needs PROTO); absent or 0: any
 * @LB_SVC_A_IIFNAME: string, input interface name; absent or "": any
 * @LB_SVC_A_MODE: u8, enum lb_mode
 * @LB_SVC_A_SCHED: u8, enum lb_sched
 * @LB_SVC_A_FLOWLET_US: u32, flowlet idle gap in microseconds
 * @LB_SVC_A_TARGETS: nest of LB_A_TGT (replies and LB_CMD_RESTORE only)
 * @LB_SVC_A_STATS: nest, enum lb_stats_attr (replies)
 * @LB_SVC_A_PAD: padding
 * @LB_SVC_A_NAT: flag, a NAT service (LB_SVC_A_FWD LB_FWD_NAT, which
 *	newer readers use): it has backends, or had, or was added with this
 *	flag; without backends its packets are dropped
 *	(LB_INFO_A_NAT_DROPS).  In replies, and in LB_CMD_SVC_NEW and
 *	LB_CMD_RESTORE, where the service must be able to hold backends (one
 *	VIP, TCP or UDP, a port; mode flow or none) and is then as after a
 *	first backend.  LB_CMD_SVC_SET refuses it.
 * @LB_SVC_A_TGT_FIRST: u32 (dumps): the message continues the service of
 *	the message before it, from this target index on (LB_CMD_SVC_GET)
 * @LB_SVC_A_FWD: u8, enum lb_fwd, the service's forwarding method.  In
 *	replies always.  In LB_CMD_SVC_NEW and LB_CMD_RESTORE: a method with
 *	backends (LB_FWD_NAT) makes the service as LB_SVC_A_NAT does (with
 *	both, they must agree); LB_FWD_MARK or none: a service of paths, until
 *	a first backend brings LB_FWD_NAT.  LB_CMD_SVC_SET refuses it.
 */
enum lb_svc_attr {
	LB_SVC_A_UNSPEC,
	LB_SVC_A_FAMILY,
	LB_SVC_A_DADDR,
	LB_SVC_A_DPLEN,
	LB_SVC_A_SADDR,
	LB_SVC_A_SPLEN,
	LB_SVC_A_PROTO,
	LB_SVC_A_DPORT,
	LB_SVC_A_IIFNAME,
	LB_SVC_A_MODE,
	LB_SVC_A_SCHED,
	LB_SVC_A_FLOWLET_US,
	LB_SVC_A_TARGETS,
	LB_SVC_A_STATS,
	LB_SVC_A_PAD,
	LB_SVC_A_NAT,
	LB_SVC_A_TGT_FIRST,
	LB_SVC_A_FWD,
	__LB_SVC_A_MAX
};

#define LB_SVC_A_MAX (__LB_SVC_A_MAX - 1)

/**
 * enum lb_tgt_attr - a target
 * @LB_TGT_A_ID: u32, stable id (replies; may name the target in requests)
 * @LB_TGT_A_MARK: u32, mark value (XORed in after masking)
 * @LB_TGT_A_MASK: u32, bits of the mark to clear first.  By default (and
 *	with LB_TGT_A_MASK_AUTO) the bits any of the service's paths' marks
 *	sets, whatever paths come and go: marks 1 and 2 give 0x3, so lb
 *	leaves every other bit of the packet's mark as it was.  Replies give
 *	the mask in force, which for such paths changes as the service's
 *	paths come and go; an event names only the path added or deleted, so
 *	a listener that needs the others' masks reads the service again
 * @LB_TGT_A_WEIGHT: u32, 0..LB_WEIGHT_MAX; default 1
 * @LB_TGT_A_STATS: nest, enum lb_stats_attr (replies)
 * @LB_TGT_A_PAD: padding
 * @LB_TGT_A_ADDR: binary, 4 or 16 bytes, the service's family: a backend's
 *	address (with LB_TGT_A_PORT; instead of LB_TGT_A_MARK)
 * @LB_TGT_A_PORT: u16 (host order), 1-65535: a backend's port
 * @LB_TGT_A_DOWN: flag (replies): the target cannot be reached, so it takes
 *	no new flow and its flows move to the service's other targets, until
 *	it can again.  A backend is down when the route to its address is
 *	missing, unreachable, blackhole or prohibit, or leads out of an
 *	interface that is down or has no carrier.  A path is down when the
 *	route its mark picks is so for a destination that another path of
 *	the service reaches, among those its paths were seen carrying
 *	lately (sampled), or the service's prefix if they carried nothing; a
 *	destination no path reaches does not count, so a service's only path
 *	is never down, nor all of its paths at once.  Checked 4 times a
 *	second and at once when an interface changes state.
 * @LB_TGT_A_IFNAME: string (replies), once per interface: where those
 *	routes lead out of
 * @LB_TGT_A_MASK_AUTO: flag: the path's mask is the default one (above);
 *	in LB_CMD_TGT_SET, back to it.  In requests it wins over
 *	LB_TGT_A_MASK, which replies give with it (the mask in force), so a
 *	reply's target is a valid request
 */
enum lb_tgt_attr {
	LB_TGT_A_UNSPEC,
	LB_TGT_A_ID,
	LB_TGT_A_MARK,
	LB_TGT_A_MASK,
	LB_TGT_A_WEIGHT,
	LB_TGT_A_STATS,
	LB_TGT_A_PAD,
	LB_TGT_A_ADDR,
	LB_TGT_A_PORT,
	LB_TGT_A_DOWN,
	LB_TGT_A_IFNAME,
	LB_TGT_A_MASK_AUTO,
	__LB_TGT_A_MAX
};

#define LB_TGT_A_MAX (__LB_TGT_A_MAX - 1)

/**
 * enum lb_stats_attr - counters, all u64, summed over CPUs, since the
 *	service's or target's creation or the last LB_CMD_STATS_RESET of it
 *	(LB_STATS_A_FLOWS_ACTIVE, a gauge, excepted)
 * @LB_STATS_A_PACKETS: packets balanced (to a backend: client to server)
 * @LB_STATS_A_BYTES: bytes balanced (IP length)
 * @LB_STATS_A_FLOWS_CREATED: flows placed on this target/service
 * @LB_STATS_A_FLOWS_ACTIVE: flows in the table now, less closing TCP ones
 *	(FIN or RST seen; IPVS counts those as inactive)
 * @LB_STATS_A_FALLBACKS: packets placed by the stateless hash because the
 *	flow table was full
 * @LB_STATS_A_FLOWLET_SWITCHES: flowlets that moved to this target
 * @LB_STATS_A_PAD: padding
 * @LB_STATS_A_REPLY_PACKETS: replies translated back (backends, NAT
 *	services)
 * @LB_STATS_A_REPLY_BYTES: their bytes
 */
enum lb_stats_attr {
	LB_STATS_A_UNSPEC,
	LB_STATS_A_PACKETS,
	LB_STATS_A_BYTES,
	LB_STATS_A_FLOWS_CREATED,
	LB_STATS_A_FLOWS_ACTIVE,
	LB_STATS_A_FALLBACKS,
	LB_STATS_A_FLOWLET_SWITCHES,
	LB_STATS_A_PAD,
	LB_STATS_A_REPLY_PACKETS,
	LB_STATS_A_REPLY_BYTES,
	__LB_STATS_A_MAX
};

#define LB_STATS_A_MAX (__LB_STATS_A_MAX - 1)

/**
 * enum lb_flow_attr - a flow table entry (replies)
 * @LB_FLOW_A_FAMILY: u8
 * @LB_FLOW_A_PROTO: u8
 * @LB_FLOW_A_SADDR: binary, 4 or 16 bytes
 * @LB_FLOW_A_DADDR: binary, 4 or 16 bytes
 * @LB_FLOW_A_SPORT: u16 (host order)
 * @LB_FLOW_A_DPORT: u16 (host order)
 * @LB_FLOW_A_TGT_ID: u32, the target the flow is on
 * @LB_FLOW_A_IDLE_MS: u32, time since the flow's last packet
 * @LB_FLOW_A_CLOSING: flag, FIN or RST seen (short timeout)
 */
enum lb_flow_attr {
	LB_FLOW_A_UNSPEC,
	LB_FLOW_A_FAMILY,
	LB_FLOW_A_PROTO,
	LB_FLOW_A_SADDR,
	LB_FLOW_A_DADDR,
	LB_FLOW_A_SPORT,
	LB_FLOW_A_DPORT,
	LB_FLOW_A_TGT_ID,
	LB_FLOW_A_IDLE_MS,
	LB_FLOW_A_CLOSING,
	__LB_FLOW_A_MAX
};

#define LB_FLOW_A_MAX (__LB_FLOW_A_MAX - 1)

/**
 * enum lb_info_attr - namespace-wide settings and figures (replies); the
 *	settings are tunables (LB_CMD_INFO_SET), from the module parameters
 *	of the same names in a new namespace
 * @LB_INFO_A_FLOWS: u32, flows in the table now
 * @LB_INFO_A_FLOW_MAX: u32, table bound (tunable, at most the module
 *	parameter flow_max)
 * @LB_INFO_A_TIMEOUT_TCP: u32, seconds idle before a TCP flow is forgotten
 * @LB_INFO_A_TIMEOUT_TCP_CLOSE: u32, the same after FIN or RST
 * @LB_INFO_A_TIMEOUT_UDP: u32, seconds, UDP
 * @LB_INFO_A_TIMEOUT_OTHER: u32, seconds, any other protocol
 * @LB_INFO_A_SERVICES: u32, number of services
 * @LB_INFO_A_PAD: padding
 * @LB_INFO_A_VIP_DROPS: u64, packets to a VIP that matched none of its
 *	services (another port, ICMP echo, an ICMP error about no flow); this
 *	and LB_INFO_A_NAT_DROPS count since the last LB_CMD_STATS_RESET of all
 * @LB_INFO_A_NAT_DROPS: u64, packets of a NAT service that could not be
 *	translated (no backend takes new flows, a fragment without
 *	reassembly, no memory to write the packet)
 * @LB_INFO_A_TIMEOUT_TCP_SYN: u32, seconds idle before a TCP flow that has
 *	only sent SYNs, or one packet (never answered: a scan, a SYN flood, a
 *	flood of random ACKs) is forgotten
 * @LB_INFO_A_EVENT_DROPS: u64, events (LB_MCGRP_EVENTS) lost because the
 *	kernel could not allocate them
 * @LB_INFO_A_FLOW_MAX_TOTAL: u32, bound of all namespaces' flows together
 *	(module parameter flow_max_total); past it, as past LB_INFO_A_FLOW_MAX
 * @LB_INFO_A_FLOWLET_US: u32, the flowlet gap of services added without
 *	one (tunable; module parameter flowlet_us)
 */
enum lb_info_attr {
	LB_INFO_A_UNSPEC,
	LB_INFO_A_FLOWS,
	LB_INFO_A_FLOW_MAX,
	LB_INFO_A_TIMEOUT_TCP,
	LB_INFO_A_TIMEOUT_TCP_CLOSE,
	LB_INFO_A_TIMEOUT_UDP,
	LB_INFO_A_TIMEOUT_OTHER,
	LB_INFO_A_SERVICES,
	LB_INFO_A_PAD,
	LB_INFO_A_VIP_DROPS,
	LB_INFO_A_NAT_DROPS,
	LB_INFO_A_TIMEOUT_TCP_SYN,
	LB_INFO_A_EVENT_DROPS,
	LB_INFO_A_FLOW_MAX_TOTAL,
	LB_INFO_A_FLOWLET_US,
	__LB_INFO_A_MAX
};

#define LB_INFO_A_MAX (__LB_INFO_A_MAX - 1)

#endif /* _UAPI_LINUX_LB_H */
