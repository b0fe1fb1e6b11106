// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the GUE forwarding method (LB_FWD_GUE), direct server return in UDP:
 * as IP-in-IP (fwd_ipip.c), with a UDP header between the outer IP header
 * and the packet.  The packet follows the UDP header directly: GUE's
 * variant 1, which the first bits of an IP header announce, and which
 * Linux's fou takes in "gue" mode (ip fou add port LB_GUE_PORT gue) and
 * hands to the ipip or ip6tnl device.
 *
 * Why UDP: the outer source port is the flow's hash, so a backend's NIC
 * spreads flows over its receive queues (RSS reads UDP ports, not what is
 * inside IP-in-IP), as Katran does, and the network's ECMP spreads them
 * over its links.  The UDP checksum is left out over IPv4 (RFC 6935 allows
 * it there only) and computed over IPv6.
 */
#include <linux/udp.h>
#include <net/udp.h>
#include <net/ip6_checksum.h>
#include "lb.h"

static void lb_gue_push(struct net *net, struct sk_buff *skb, u8 family,
			const union lb_addr *saddr, const union lb_addr *daddr)
{
	struct udphdr *uh;

	skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	uh->source = udp_flow_src_port(net, skb, 0, 0, false);
	uh->dest = htons(LB_GUE_PORT);
	uh->len = htons(skb->len);
	if (family == AF_INET)
		udp_set_csum(true, skb, saddr->ip, daddr->ip, skb->len);
	else
		udp6_set_csum(false, skb, &saddr->in6, &daddr->in6, skb->len);
}

static const struct lb_encap lb_gue_encap = {
	.proto = IPPROTO_UDP,
	.hlen = sizeof(struct udphdr),
	.gso_v4 = SKB_GSO_UDP_TUNNEL,
	.gso_v6 = SKB_GSO_UDP_TUNNEL_CSUM,
	.push = lb_gue_push,
};

static int lb_gue_xmit(struct sk_buff *skb, const struct lb_pkt *pkt,
		       const struct lb_target *t)
{
	return lb_encap_xmit(skb, pkt, t, &lb_gue_encap);
}

static int lb_gue_icmp_in(struct sk_buff *skb, const struct lb_pkt *pkt,
			  const struct lb_inner *in, const struct lb_target *t)
{
	return lb_encap_xmit(skb, pkt, t, &lb_gue_encap);
}

const struct lb_fwd_ops lb_fwd_gue = {
	.hooks = BIT(LB_HOOKS_VIP),
	.backends = true,
	.dsr = true,
	.xmit = lb_gue_xmit,
	.icmp_in = lb_gue_icmp_in,
	.judge = lb_health_judge_backends,
};
