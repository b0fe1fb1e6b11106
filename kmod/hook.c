// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the PRE_ROUTING hook: parse, match a service, pick a target, mark.
 *
 * Priority: just after the mangle table (NF_IP_PRI_MANGLE + 1).  It runs
 * after defragmentation and conntrack when they are loaded, after any
 * iptables mangle rule (lb's mark is the one routing sees), and before
 * destination NAT and the routing decision that reads the mark.
 *
 * Packets lb does not balance (no service, not addressed to this host's
 * link layer, malformed) go on untouched.  Traffic to the router itself
 * still reaches it: the local routing table is consulted before any fwmark
 * rule, whatever the mark.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/netdevice.h>
#include "lb.h"

static u8 lb_lane(const struct lb_flow_key *k, const struct net_device *in)
{
	u8 up = memcmp(&k->saddr, &k->daddr, sizeof(k->saddr)) < 0;

	return (in ? in->ifindex % (LB_LANES / 2) : 0) * 2 + up;
}

/**
 * lb_process() - balance one packet
 * @ln: the namespace's state
 * @skb: the packet, network header set
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @in: input device, or NULL
 *
 * Context: softirq or with BHs disabled, under rcu_read_lock.
 * Return: NF_ACCEPT, always: lb steers, it never drops.
 */
unsigned int lb_process(struct lb_net *ln, struct sk_buff *skb, u8 family,
			const struct net_device *in)
{
	const struct lb_cfg *cfg = rcu_dereference(ln->cfg);
	const struct lb_target *t;
	const struct lb_svc *svc;
	struct lb_pkt pkt;

	if (!cfg->n_svc || skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (lb_parse(skb, family, &pkt))
		return NF_ACCEPT;
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

static const struct nf_hook_ops lb_hook_ops[] = {
	{
		.hook = lb_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_MANGLE + 1,
	},
	{
		.hook = lb_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_MANGLE + 1,
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
