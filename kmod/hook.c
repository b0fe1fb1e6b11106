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
 *  - packets to a VIP at PRE_ROUTING just before conntrack
 *    (NF_IP_PRI_CONNTRACK - 1, after reassembly: defrag.c), so conntrack
 *    tracks client -> backend from the first packet and routing sees the
 *    backend;
 *  - replies from a backend at FORWARD, after the filter table: conntrack
 *    has matched them as backend -> client, the reply of that connection,
 *    and the forwarding code has checked TTL and MTU, so an ICMP error the
 *    router sends about a reply ("fragmentation needed") goes to the
 *    backend and quotes what the backend sent.
 * ICMP errors the router sends about packets it forwarded to a backend go
 * to the client: LOCAL_OUT translates their quote back to the VIP.
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
#include <linux/indirect_call_wrapper.h>
#include "lb.h"
#include "counters.h"

/*
 * A destination @t carries, for the health check to route (health.c): it
 * fills the CPU's slot when the check has emptied it, so the slot is
 * written now and then, not per packet.
 */
static void lb_note_dest(const struct lb_target *t,
			 const struct lb_flow_key *k)
{
	struct lb_pcpu_stats *s = this_cpu_ptr(t->pcpu);

	if (likely(READ_ONCE(s->dest_family)))
		return;
	memcpy(&s->dest, &k->daddr, sizeof(s->dest));
	/* The address first: the check reads the family with acquire. */
	smp_store_release(&s->dest_family, k->family);
}

/**
 * lb_process() - balance one packet over paths
 * @ln: the namespace's state
 * @skb: the packet, network header set
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @in: input device, or NULL
 *
 * Context: softirq or with BHs disabled, under rcu_read_lock.
 * Return: NF_ACCEPT, always: path balancing steers, it never drops.
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
	INDIRECT_CALL_1(svc->fwd->xmit, lb_mark_xmit, skb, &pkt, t);
	lb_count(svc, t, pkt.len);
	lb_note_dest(t, &pkt.key);
	return NF_ACCEPT;
}

static unsigned int lb_hook(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	return lb_process(lb_net(state->net), skb, state->pf, state->in);
}

/*
 * The destination address, to tell whether a translation changed it.
 * Return: how many bytes of @a it wrote, the only ones to compare.
 */
static unsigned int lb_daddr(const struct sk_buff *skb, u8 pf,
			     union lb_addr *a)
{
	if (pf == NFPROTO_IPV4) {
		a->ip = ip_hdr(skb)->daddr;
		return sizeof(a->ip);
	}
	a->in6 = ipv6_hdr(skb)->daddr;
	return sizeof(a->in6);
}

static unsigned int lb_vip_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct lb_net *ln = lb_net(state->net);
	union lb_addr before, after;
	unsigned int verdict, len;

	if (!rcu_dereference(ln->cfg)->n_vips ||
	    skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	len = lb_daddr(skb, state->pf, &before);
	verdict = lb_vip_in(ln, skb, state->pf, state->in);
	if (verdict != NF_ACCEPT)
		return verdict;
	/* A route looked up already (by a tunnel, a bridge) is the VIP's. */
	lb_daddr(skb, state->pf, &after);
	if (memcmp(&before, &after, len))
		skb_dst_drop(skb);
	return NF_ACCEPT;
}

/* Forwarded replies, and ICMP errors this host sends about our packets. */
static unsigned int lb_reply_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct lb_net *ln = lb_net(state->net);

	return lb_vip_out(ln, skb, state->pf,
			  state->hook == NF_INET_LOCAL_OUT);
}

#define LB_PRI_VIP	(NF_IP_PRI_CONNTRACK - 1)
#define LB_PRI_MARK	(NF_IP_PRI_MANGLE + 1)
#define LB_PRI_REPLY	(NF_IP_PRI_FILTER + 1)

/* Path balancing: the mark, for IPv4 and IPv6. */
static const struct nf_hook_ops lb_path_ops[] = {
	{
		.hook = lb_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = LB_PRI_MARK,
	},
	{
		.hook = lb_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_MANGLE + 1,
	},
};

/* Service balancing: packets to VIPs. */
static const struct nf_hook_ops lb_vip_ops[] = {
	{
		.hook = lb_vip_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = LB_PRI_VIP,
	},
	{
		.hook = lb_vip_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK - 1,
	},
};

/* Replies of methods whose replies cross lb, ICMP errors we send. */
static const struct nf_hook_ops lb_reply_ops[] = {
	{
		.hook = lb_reply_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = LB_PRI_REPLY,
	},
	{
		.hook = lb_reply_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = LB_PRI_REPLY,
	},
	{
		.hook = lb_reply_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_FILTER + 1,
	},
	{
		.hook = lb_reply_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_FILTER + 1,
	},
};

/*
 * A namespace has lb's hooks only while its configuration needs them, as
 * IPVS does: a hook costs every packet of its hook point, and a hook
 * point without any is skipped whole.  So a router that only balances
 * paths has one hook, before routing, and none where it forwards.
 */
static const struct lb_hook_set {
	const struct nf_hook_ops *ops;
	unsigned int n;
	/* what the hooks need from the kernel while they are there */
	int (*get)(struct net *net);
	void (*put)(struct net *net);
} lb_hook_sets[] = {
	[LB_HOOKS_PATH] = { lb_path_ops, ARRAY_SIZE(lb_path_ops) },
	/* Fragments to a VIP reassembled before it (defrag.c). */
	[LB_HOOKS_VIP] = { lb_vip_ops, ARRAY_SIZE(lb_vip_ops),
			   lb_defrag_get, lb_defrag_put },
	[LB_HOOKS_REPLY] = { lb_reply_ops, ARRAY_SIZE(lb_reply_ops) },
};

static const struct lb_cfg *lb_cfg_locked(struct lb_net *ln)
{
	return rcu_dereference_protected(ln->cfg, lockdep_is_held(&ln->lock));
}

static bool lb_hooks_needed(const struct lb_cfg *cfg, unsigned int set)
{
	return cfg->hooks & BIT(set);
}

/**
 * lb_hooks_want() - register the hooks @cfg needs that @ln lacks
 * @ln: the namespace's state (unit tests have no namespace: no hooks)
 * @cfg: the snapshot about to be published
 *
 * Context: under @ln->lock, before @cfg is published.
 * Return: 0, or the error of a registration (nothing changed then).
 */
int lb_hooks_want(struct lb_net *ln, const struct lb_cfg *cfg)
{
	const struct lb_hook_set *hs;
	unsigned int set;
	int err;

	if (!ln->net)
		return 0;
	for (set = 0; set < ARRAY_SIZE(lb_hook_sets); set++) {
		if (ln->hooks & BIT(set) || !lb_hooks_needed(cfg, set))
			continue;
		hs = &lb_hook_sets[set];
		err = hs->get ? hs->get(ln->net) : 0;
		if (!err) {
			err = nf_register_net_hooks(ln->net, hs->ops, hs->n);
			if (err && hs->put)
				hs->put(ln->net);
		}
		if (err) {
			/* Undo what this call registered. */
			lb_hooks_trim(ln, lb_cfg_locked(ln));
			return err;
		}
		ln->hooks |= BIT(set);
	}
	return 0;
}

/**
 * lb_hooks_trim() - unregister the hooks @cfg does not need
 * @ln: the namespace's state
 * @cfg: the published snapshot, or NULL for all of them
 *
 * Context: under @ln->lock, after @cfg is published.  A packet may still
 * be in a hook when this returns (nf_unregister_net_hooks() does not wait
 * for them): what the hooks read is freed a grace period later.
 */
void lb_hooks_trim(struct lb_net *ln, const struct lb_cfg *cfg)
{
	const struct lb_hook_set *hs;
	unsigned int set;

	for (set = 0; set < ARRAY_SIZE(lb_hook_sets); set++) {
		if (!(ln->hooks & BIT(set)) ||
		    (cfg && lb_hooks_needed(cfg, set)))
			continue;
		hs = &lb_hook_sets[set];
		nf_unregister_net_hooks(ln->net, hs->ops, hs->n);
		if (hs->put)
			hs->put(ln->net);
		ln->hooks &= ~BIT(set);
	}
}
