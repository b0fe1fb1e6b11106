// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the netfilter hooks: parse, match a service, pick a target, apply.
 *
 * Path balancing sets the mark at NF_IP_PRI_MANGLE + 1: after
 * defragmentation and conntrack when they are loaded, after any iptables
 * mangle rule (lb's mark is the one routing sees), and before destination
 * NAT and the routing decision that reads the mark.
 *
 * Service balancing rewrites in two places, so that conntrack, when
 * loaded, sees one consistent connection (client <-> backend) and
 * iptables NAT rules keep working on it:
 *  - packets to a VIP just before conntrack (NF_IP_PRI_CONNTRACK - 1, after
 *    reassembly): conntrack tracks client -> backend from the first packet;
 *  - replies from a backend after conntrack (the mark hook): conntrack
 *    matches them as backend -> client, the reply of that connection,
 *    before their source becomes the VIP.
 * ICMP errors the router itself sends about translated packets (PMTU:
 * "fragmentation needed", "packet too big") are translated at LOCAL_OUT.
 *
 * Packets lb does not balance (no service, not addressed to this host's
 * link layer, malformed) go on untouched.  Traffic to the router itself
 * still reaches it: the local routing table is consulted before any fwmark
 * rule, whatever the mark.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include "lb.h"

/**
 * lb_process() - balance one packet over paths; translate backend replies
 * @ln: the namespace's state
 * @skb: the packet, network header set
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @in: input device, or NULL
 *
 * Context: softirq or with BHs disabled, under rcu_read_lock.
 * Return: NF_ACCEPT; NF_DROP only for a reply that could not be translated.
 */
unsigned int lb_process(struct lb_net *ln, struct sk_buff *skb, u8 family,
			const struct net_device *in)
{
	const struct lb_cfg *cfg = rcu_dereference(ln->cfg);
	const struct lb_target *t;
	const struct lb_svc *svc;
	struct lb_pkt pkt;

	if ((!cfg->n_svc && !cfg->n_backends) ||
	    skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (lb_parse(skb, family, &pkt))
		return NF_ACCEPT;
	if (cfg->n_backends &&
	    lb_vip_reply(ln, cfg, skb, &pkt, false) == NF_DROP)
		return NF_DROP;
	svc = lb_svc_lookup(cfg, &pkt.key, in);
	if (!svc)
		return NF_ACCEPT;
	pkt.lane = lb_lane(&pkt.key, in);
	t = lb_pick(ln, cfg, svc, &pkt);
	if (!t)
		return NF_ACCEPT;
	skb->mark = (skb->mark & ~t->mask) ^ t->mark;
	lb_count(svc, t, pkt.len);
	return NF_ACCEPT;
}

static unsigned int lb_hook(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	return lb_process(lb_net(state->net), skb, state->pf, state->in);
}

/* The destination address, to tell whether a translation changed it. */
static void lb_daddr(const struct sk_buff *skb, u8 pf, union lb_addr *a)
{
	if (pf == NFPROTO_IPV4)
		a->ip = ip_hdr(skb)->daddr;
	else
		a->in6 = ipv6_hdr(skb)->daddr;
}

/* A translated destination needs its own route. */
static unsigned int lb_reroute(struct sk_buff *skb,
			       const struct nf_hook_state *state,
			       const union lb_addr *before)
{
	union lb_addr after;
	int err;

	lb_daddr(skb, state->pf, &after);
	if (!memcmp(before, &after, state->pf == NFPROTO_IPV4 ? 4 : 16))
		return NF_ACCEPT;
	if (state->hook == NF_INET_PRE_ROUTING) {
		skb_dst_drop(skb);
		return NF_ACCEPT;
	}
	if (state->pf == NFPROTO_IPV4)
		err = ip_route_me_harder(state->net, state->sk, skb, RTN_UNSPEC);
	else
		err = ip6_route_me_harder(state->net, state->sk, skb);
	return err ? NF_DROP_ERR(err) : NF_ACCEPT;
}

static unsigned int lb_vip_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct lb_net *ln = lb_net(state->net);
	bool local = state->hook == NF_INET_LOCAL_OUT;
	union lb_addr before;
	unsigned int verdict;

	if (!rcu_access_pointer(ln->cfg) ||
	    !rcu_dereference(ln->cfg)->n_vips)
		return NF_ACCEPT;
	if (!local && skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	lb_daddr(skb, state->pf, &before);
	verdict = lb_vip_in(ln, skb, state->pf, state->in, local);
	if (verdict != NF_ACCEPT)
		return verdict;
	return lb_reroute(skb, state, &before);
}

/* Locally sent ICMP errors quoting a packet sent to a backend. */
static unsigned int lb_local_reply_hook(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	struct lb_net *ln = lb_net(state->net);
	const struct lb_cfg *cfg = rcu_dereference(ln->cfg);
	struct lb_pkt pkt;

	if (!cfg->n_backends || lb_parse(skb, state->pf, &pkt) ||
	    !pkt.icmp_err)
		return NF_ACCEPT;
	return lb_vip_reply(ln, cfg, skb, &pkt, true);
}

#define LB_PRI_VIP	(NF_IP_PRI_CONNTRACK - 1)
#define LB_PRI_MARK	(NF_IP_PRI_MANGLE + 1)

static const struct nf_hook_ops lb_hook_ops[] = {
	{
		.hook = lb_vip_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = LB_PRI_VIP,
	},
	{
		.hook = lb_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = LB_PRI_MARK,
	},
	{
		.hook = lb_vip_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = LB_PRI_VIP,
	},
	{
		.hook = lb_local_reply_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = LB_PRI_VIP,
	},
	{
		.hook = lb_vip_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK - 1,
	},
	{
		.hook = lb_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_MANGLE + 1,
	},
	{
		.hook = lb_vip_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_CONNTRACK - 1,
	},
	{
		.hook = lb_local_reply_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_CONNTRACK - 1,
	},
};

int lb_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, lb_hook_ops, ARRAY_SIZE(lb_hook_ops));
}

void lb_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, lb_hook_ops, ARRAY_SIZE(lb_hook_ops));
}
