// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the IP-in-IP forwarding method (LB_FWD_IPIP), direct server return:
 * a packet to a VIP:port goes to its backend unchanged, inside an outer
 * IPv4 header (IPv6 for an IPv6 VIP), as IPVS's tunnel method sends it.
 * The backend's ipip device (tunl0) or ip6tnl device (ip6tnl0) takes it
 * out; its replies go to the client without lb.  The work is encap.c's.
 *
 * An ICMP error sent to the VIP about such a reply ("fragmentation
 * needed" from a router on the way to the client) goes to the backend
 * that sent the reply the same way, for its path MTU discovery.
 */
#include "lb.h"

static int lb_ipip_xmit(struct sk_buff *skb, const struct lb_pkt *pkt,
			const struct lb_target *t)
{
	return lb_encap_xmit(skb, pkt, t, NULL);
}

static int lb_ipip_icmp_in(struct sk_buff *skb, const struct lb_pkt *pkt,
			   const struct lb_inner *in, const struct lb_target *t)
{
	return lb_encap_xmit(skb, pkt, t, NULL);
}

/* Replies do not cross lb: no reply hooks, no reply lookup. */
const struct lb_fwd_ops lb_fwd_ipip = {
	.hooks = BIT(LB_HOOKS_VIP),
	.backends = true,
	.dsr = true,
	.xmit = lb_ipip_xmit,
	.icmp_in = lb_ipip_icmp_in,
	.judge = lb_health_judge_backends,
};
