// SPDX-License-Identifier: GPL-2.0
/*
 * lb: the NAT forwarding method (LB_FWD_NAT): a packet to a VIP:port gets
 * its backend's address and port as destination, a backend's reply gets
 * the VIP:port as source, and ICMP errors about either are translated
 * inside and out.  Below, rewriting a packet's address and port, and
 * every checksum they are in.
 *
 * TCP and UDP checksums cover a pseudo header with both addresses, so an
 * address change updates them as well as the IPv4 header checksum; the
 * kernel's inet_proto_csum_replace*() do this for each skb->ip_summed:
 * with CHECKSUM_PARTIAL only the pseudo header sum that hardware completes,
 * with CHECKSUM_COMPLETE skb->csum too.  A UDP checksum of 0 means none (in
 * IPv4) and stays 0; a computed 0 is sent as 0xffff.
 *
 * ICMP errors quote the packet they are about; the quote is rewritten like
 * the packet, and the ICMP checksum, which covers it, is computed anew
 * (errors are rare and short).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <linux/indirect_call_wrapper.h>
#include "lb.h"

/* Where a transport header keeps its checksum, or NULL for none. */
static __sum16 *lb_l4_csum(struct sk_buff *skb, u8 proto, unsigned int thoff,
			   unsigned int avail)
{
	unsigned int at = proto == IPPROTO_TCP ?
			  offsetof(struct tcphdr, check) :
			  offsetof(struct udphdr, check);

	if (thoff + at + sizeof(__sum16) > avail)
		return NULL;
	return (__sum16 *)(skb_network_header(skb) + thoff + at);
}

static void lb_addr_csum(__sum16 *sum, struct sk_buff *skb, u8 family,
			 const union lb_addr *from, const union lb_addr *to,
			 bool pseudohdr)
{
	if (family == AF_INET)
		inet_proto_csum_replace4(sum, skb, from->ip, to->ip, pseudohdr);
	else
		inet_proto_csum_replace16(sum, skb, from->all, to->all,
					  pseudohdr);
}

/*
 * skb->csum (CHECKSUM_COMPLETE) sums the packet from the network header.
 * Most changes leave it right: an IPv4 address change is balanced by the
 * header checksum, an IPv6 one by the TCP/UDP checksum over the pseudo
 * header (which is why inet_proto_csum_replace16() leaves skb->csum be),
 * a port change by the TCP/UDP checksum.  A UDP packet without a checksum
 * has nothing to balance its port (or IPv6 address) change: the sum moves.
 */
static void lb_rcsum_replace(struct sk_buff *skb, const void *from,
			     const void *to, int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_add(csum_sub(skb->csum,
					      csum_partial(from, len, 0)),
				     csum_partial(to, len, 0));
}

static void lb_set_addr(struct sk_buff *skb, unsigned int nhoff, u8 family,
			bool dst, const union lb_addr *to)
{
	u8 *nh = skb_network_header(skb) + nhoff;

	if (family == AF_INET) {
		struct iphdr *iph = (struct iphdr *)nh;
		__be32 *a = dst ? &iph->daddr : &iph->saddr;

		csum_replace4(&iph->check, *a, to->ip);
		*a = to->ip;
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)nh;

		*(dst ? &ip6h->daddr : &ip6h->saddr) = to->in6;
	}
}

/**
 * lb_nat_rewrite() - rewrite the destination or source of a TCP/UDP packet
 * @skb: the packet, network header set; parsed into @pkt
 * @pkt: its parse (family, protocol, ports, transport offset)
 * @dst: rewrite the destination (to a backend); else the source (to a VIP)
 * @addr: the new address
 * @port: the new port
 *
 * Return: 0, or a negative errno with the packet unchanged.
 */
int lb_nat_rewrite(struct sk_buff *skb, const struct lb_pkt *pkt, bool dst,
		   const union lb_addr *addr, __be16 port)
{
	unsigned int nhoff = skb_network_offset(skb);
	const struct lb_flow_key *k = &pkt->key;
	const union lb_addr *old = dst ? &k->daddr : &k->saddr;
	unsigned int hdr = k->proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
			   sizeof(struct udphdr);
	__be16 *ports;
	__sum16 *sum;

	if (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	if (skb_ensure_writable(skb, nhoff + pkt->thoff + hdr))
		return -ENOMEM;

	ports = (__be16 *)(skb_network_header(skb) + pkt->thoff);
	sum = lb_l4_csum(skb, k->proto, pkt->thoff, pkt->thoff + hdr);
	/* UDP over IPv4 may go without a checksum; it stays without. */
	if (k->proto == IPPROTO_UDP && !*sum &&
	    skb->ip_summed != CHECKSUM_PARTIAL)
		sum = NULL;
	if (sum) {
		lb_addr_csum(sum, skb, k->family, old, addr, true);
		inet_proto_csum_replace2(sum, skb, ports[dst], port, false);
		if (k->proto == IPPROTO_UDP && !*sum)
			*sum = CSUM_MANGLED_0;
	} else {
		lb_rcsum_replace(skb, &ports[dst], &port, sizeof(port));
		if (k->family == AF_INET6)
			lb_rcsum_replace(skb, old, addr, sizeof(addr->in6));
	}
	ports[dst] = port;
	lb_set_addr(skb, 0, k->family, dst, addr);
	/* The receive hash was of the old tuple. */
	skb_clear_hash(skb);
	return 0;
}

/* The ICMP checksum over the whole (rewritten) message. */
static void lb_icmp_csum(struct sk_buff *skb, const struct lb_pkt *pkt)
{
	unsigned int len = pkt->len - pkt->thoff;
	u8 *ih = skb_network_header(skb) + pkt->thoff;
	__wsum csum;

	if (pkt->key.family == AF_INET) {
		struct icmphdr *icmph = (struct icmphdr *)ih;

		icmph->checksum = 0;
		csum = skb_checksum(skb, skb_network_offset(skb) + pkt->thoff,
				    len, 0);
		icmph->checksum = csum_fold(csum);
	} else {
		struct icmp6hdr *icmp6h = (struct icmp6hdr *)ih;
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		icmp6h->icmp6_cksum = 0;
		csum = skb_checksum(skb, skb_network_offset(skb) + pkt->thoff,
				    len, 0);
		icmp6h->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr,
						      &ip6h->daddr, len,
						      IPPROTO_ICMPV6, csum);
	}
	/* The message changed under any sum the device gave. */
	skb_checksum_complete_unset(skb);
}

/**
 * lb_nat_icmp() - rewrite an ICMP error about a translated flow
 * @skb: the error, parsed into @pkt
 * @pkt: its outer headers
 * @in: the quoted packet (lb_parse_inner())
 * @inner_dst: rewrite the quote's destination (it is a packet we sent to
 *	a backend: the error goes back to the client); else its source (a
 *	reply we sent from the VIP: the error goes on to the backend)
 * @addr: the quote's new address
 * @port: the quote's new port
 *
 * The outer address that mirrors the rewritten one (the error's source
 * for a quoted destination, its destination for a quoted source) is
 * rewritten too when it is the same address: the error came from, or
 * goes to, the host being translated.
 * Return: 0, or a negative errno with the packet unchanged.
 */
int lb_nat_icmp(struct sk_buff *skb, const struct lb_pkt *pkt,
		const struct lb_inner *in, bool inner_dst,
		const union lb_addr *addr, __be16 port)
{
	const union lb_addr *old = inner_dst ? &in->key.daddr :
				   &in->key.saddr;
	const union lb_addr *outer = inner_dst ? &pkt->key.saddr :
				     &pkt->key.daddr;
	u8 family = pkt->key.family;
	bool outer_too;
	__sum16 *sum;
	__be16 *ports;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return -EOPNOTSUPP;
	if (skb_ensure_writable(skb, skb_network_offset(skb) + pkt->len))
		return -ENOMEM;
	outer_too = !memcmp(outer, old, sizeof(*old));

	ports = (__be16 *)(skb_network_header(skb) + in->thoff);
	sum = lb_l4_csum(skb, in->key.proto, in->thoff, pkt->len);
	if (sum && in->key.proto == IPPROTO_UDP && !*sum)
		sum = NULL;
	if (sum) {
		/* A quote is data: no skb checksum state applies to it. */
		int i;

		for (i = 0; i < (family == AF_INET ? 1 : 4); i++)
			csum_replace4(sum, old->all[i], addr->all[i]);
		csum_replace2(sum, ports[inner_dst], port);
		if (in->key.proto == IPPROTO_UDP && !*sum)
			*sum = CSUM_MANGLED_0;
	}
	ports[inner_dst] = port;
	lb_set_addr(skb, in->off, family, inner_dst, addr);
	if (outer_too)
		lb_set_addr(skb, 0, family, !inner_dst, addr);
	lb_icmp_csum(skb, pkt);
	skb_clear_hash(skb);
	return 0;
}

INDIRECT_CALLABLE_SCOPE int lb_nat_xmit(struct sk_buff *skb,
					const struct lb_pkt *pkt,
					const struct lb_target *t)
{
	return lb_nat_rewrite(skb, pkt, true, &t->addr, t->port);
}

static int lb_nat_icmp_in(struct sk_buff *skb, const struct lb_pkt *pkt,
			  const struct lb_inner *in, const struct lb_target *t)
{
	return lb_nat_icmp(skb, pkt, in, false, &t->addr, t->port);
}

static int lb_nat_reply(struct sk_buff *skb, const struct lb_pkt *pkt,
			const union lb_addr *vip, __be16 vport)
{
	return lb_nat_rewrite(skb, pkt, false, vip, vport);
}

static int lb_nat_icmp_reply(struct sk_buff *skb, const struct lb_pkt *pkt,
			     const struct lb_inner *in,
			     const union lb_addr *vip, __be16 vport)
{
	return lb_nat_icmp(skb, pkt, in, true, vip, vport);
}

/*
 * Replies must cross this router: the packet to a VIP at PRE_ROUTING,
 * replies at FORWARD and ICMP errors this host sends at LOCAL_OUT (hook.c).
 */
const struct lb_fwd_ops lb_fwd_nat = {
	.hooks = BIT(LB_HOOKS_VIP) | BIT(LB_HOOKS_REPLY),
	.backends = true,
	.xmit = lb_nat_xmit,
	.icmp_in = lb_nat_icmp_in,
	.reply = lb_nat_reply,
	.icmp_reply = lb_nat_icmp_reply,
	.judge = lb_health_judge_backends,
};
