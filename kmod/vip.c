// SPDX-License-Identifier: GPL-2.0
/*
 * lb: service balancing: which backend a VIP's packet goes to, and which
 * VIP a backend's reply comes from.  How the packet reaches the backend is
 * the service's forwarding method's (struct lb_fwd_ops; NAT: fwd_nat.c).
 *
 * Forward: a packet to VIP:vport is a flow of the service matching it; the
 * flow table (keyed by the client's tuple, as sent) keeps its backend, and
 * the method sends it there (NAT: the destination becomes the backend's
 * address and port).
 * Replies, for methods whose replies cross lb: a packet from a backend's
 * address and port gets the source of the VIP it serves.  No reply state
 * is kept: with several lb routers behind ECMP the reply may cross another
 * router than the request, and that router translates it the same way.  A
 * backend serving several VIPs on one port is told apart by the flow
 * table, then by Maglev.  ICMP errors about either kind of packet are
 * translated inside and out.  Packets to a VIP that match none of its
 * services go nowhere: the VIP does not expose backends, and does not
 * answer pings.
 */
#include <linux/netfilter.h>
#include <linux/inetdevice.h>
#include <net/addrconf.h>
#include <net/route.h>
#include <linux/indirect_call_wrapper.h>
#include "lb.h"
#include "counters.h"

static bool lb_is_local(struct net *net, const struct lb_flow_key *k)
{
	if (!net)
		return false;
	if (k->family == AF_INET)
		return inet_addr_type(net, k->daddr.ip) == RTN_LOCAL;
	return ipv6_chk_addr(net, &k->daddr.in6, NULL, 0);
}

/*
 * The target a reply from backend @b (with @n entries sharing its address
 * and port) belongs to, given the client's tuple in @key with the VIP to
 * be filled in.
 */
static const struct lb_backend_ref *
lb_reply_owner(struct lb_net *ln, const struct lb_backend_ref *b, u32 n,
	       struct lb_flow_key *key)
{
	u32 i;

	if (n == 1)
		goto first;
	for (i = 0; i < n; i++) {
		const struct lb_svc *svc = b[i].t->svc;
		struct lb_flow *f;

		key->daddr = svc->m.daddr;
		key->dport = svc->m.dport;
		f = lb_flow_lookup(&ln->flows, key);
		if (f && READ_ONCE(f->tgt_id) == b[i].t->id)
			return &b[i];
	}
	for (i = 0; i < n; i++) {
		const struct lb_svc *svc = b[i].t->svc;

		key->daddr = svc->m.daddr;
		key->dport = svc->m.dport;
		if (lb_maglev_pick(svc, key) == b[i].t)
			return &b[i];
	}
first:
	key->daddr = b->t->svc->m.daddr;
	key->dport = b->t->svc->m.dport;
	return b;
}

/*
 * An ICMP error going to a VIP quotes a reply sent from it: it goes on to
 * the backend that reply came from, as the service's method says.
 */
static unsigned int lb_vip_icmp_in(struct lb_net *ln,
				   const struct lb_cfg *cfg,
				   struct sk_buff *skb, struct lb_pkt *pkt,
				   const struct net_device *in)
{
	const struct lb_target *t = NULL;
	const struct lb_svc *svc;
	struct lb_flow_key key;
	struct lb_inner inner;
	struct lb_flow *f;
	int err;

	if (lb_parse_inner(skb, pkt, &inner))
		goto not_ours;
	/* The client's tuple: the quoted reply turned around. */
	lb_key_reverse(&key, &inner.key);
	svc = lb_vip_svc_lookup(cfg, &key, in);
	if (!svc)
		goto not_ours;
	if (!svc->fwd->icmp_in)
		return NF_DROP;
	f = lb_flow_lookup(&ln->flows, &key);
	if (f) {
		t = lb_cfg_target(cfg, READ_ONCE(f->tgt_id));
		if (t && t->svc != svc)
			t = NULL;
	}
	if (!t)
		t = lb_maglev_pick(svc, &key);
	if (!t)
		return NF_DROP;
	err = svc->fwd->icmp_in(skb, pkt, &inner, t);
	if (err < 0)
		return NF_DROP;
	return err == LB_XMIT_STOLEN ? NF_STOLEN : NF_ACCEPT;
not_ours:
	/*
	 * About no service's flow: if the VIP is an address of this host,
	 * the error is about its own traffic (PMTU discovery needs it).
	 */
	return lb_is_local(ln->net, &pkt->key) ? NF_ACCEPT : NF_DROP;
}

/**
 * lb_vip_in() - balance a packet to a VIP over the service's backends
 * @ln: the namespace's state
 * @skb: the packet, network header set
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @in: input device, or NULL
 *
 * Context: softirq or with BHs disabled, under rcu_read_lock.
 * Return: NF_ACCEPT, NF_STOLEN for a packet the service's method sent on
 * itself, or NF_DROP for what a VIP does not pass on.
 */
unsigned int lb_vip_in(struct lb_net *ln, struct sk_buff *skb, u8 family,
		       const struct net_device *in)
{
	const struct lb_cfg *cfg = rcu_dereference(ln->cfg);
	const struct lb_target *t;
	const struct lb_svc *svc;
	struct lb_pkt pkt;
	unsigned int verdict;
	int err;

	if (!cfg->n_vips || lb_parse(skb, family, &pkt) ||
	    !lb_is_vip(cfg, pkt.key.family, &pkt.key.daddr))
		return NF_ACCEPT;

	if (pkt.icmp_err) {
		verdict = lb_vip_icmp_in(ln, cfg, skb, &pkt, in);
		goto out;
	}
	/*
	 * A fragment the kernel did not reassemble (no nf_defrag, defrag.c)
	 * has no ports: it can be neither matched to a service nor
	 * rewritten.
	 */
	svc = pkt.is_frag ? NULL : lb_vip_svc_lookup(cfg, &pkt.key, in);
	if (!svc) {
		/* The router's own address stays the router's. */
		if (lb_is_local(ln->net, &pkt.key))
			return NF_ACCEPT;
		lb_count_drop(ln, !pkt.is_frag);
		return NF_DROP;
	}
	pkt.lane = lb_lane(&pkt.key, in);
	t = lb_pick(ln, cfg, svc, &pkt);
	if (!t)
		goto drop;
	err = INDIRECT_CALL_1(svc->fwd->xmit, lb_nat_xmit, skb, &pkt, t);
	if (err < 0)
		goto drop;
	lb_count(svc, t, pkt.len);
	return err == LB_XMIT_STOLEN ? NF_STOLEN : NF_ACCEPT;
drop:
	lb_count_drop(ln, false);
	return NF_DROP;
out:
	if (verdict == NF_DROP)
		lb_count_drop(ln, true);
	return verdict;
}

/* An ICMP error about a packet we sent to a backend goes to the client. */
static unsigned int lb_vip_icmp_reply(struct lb_net *ln,
				      const struct lb_cfg *cfg,
				      struct sk_buff *skb, struct lb_pkt *pkt)
{
	const struct lb_backend_ref *b;
	struct lb_inner inner;
	struct lb_flow_key key;
	u32 n;

	if (lb_parse_inner(skb, pkt, &inner))
		return NF_ACCEPT;
	b = lb_backend_find(cfg, inner.key.family, inner.key.proto,
			    &inner.key.daddr, inner.key.dport, &n);
	if (!b)
		return NF_ACCEPT;
	key = inner.key;
	b = lb_reply_owner(ln, b, n, &key);
	if (b->t->svc->fwd->icmp_reply(skb, pkt, &inner, &key.daddr,
				       key.dport)) {
		lb_count_drop(ln, false);
		return NF_DROP;
	}
	return NF_ACCEPT;
}

/**
 * lb_vip_out() - give a backend's reply its VIP's address and port
 * @ln: the namespace's state
 * @skb: the packet, routed
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @local_out: sent by this host: only its ICMP errors are translated
 *
 * Context: softirq or with BHs disabled, under rcu_read_lock.
 * Return: NF_ACCEPT, or NF_DROP for a reply that cannot be translated.
 */
unsigned int lb_vip_out(struct lb_net *ln, struct sk_buff *skb, u8 family,
			bool local_out)
{
	const struct lb_cfg *cfg = rcu_dereference(ln->cfg);
	const struct lb_backend_ref *b;
	struct lb_flow_key key;
	struct lb_pkt pkt;
	u32 n;

	if (!cfg->n_backends || lb_parse(skb, family, &pkt) || pkt.is_frag)
		return NF_ACCEPT;
	if (pkt.icmp_err)
		return lb_vip_icmp_reply(ln, cfg, skb, &pkt);
	if (local_out)
		return NF_ACCEPT;
	b = lb_backend_find(cfg, pkt.key.family, pkt.key.proto,
			    &pkt.key.saddr, pkt.key.sport, &n);
	if (!b)
		return NF_ACCEPT;
	/* The client's tuple as it sent it: the reply turned around. */
	lb_key_reverse(&key, &pkt.key);
	b = lb_reply_owner(ln, b, n, &key);
	if (b->t->svc->fwd->reply(skb, &pkt, &key.daddr, key.dport)) {
		lb_count_drop(ln, false);
		return NF_DROP;
	}
	lb_count_reply(b->t->svc, b->t, pkt.len);
	return NF_ACCEPT;
}
