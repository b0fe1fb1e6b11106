// SPDX-License-Identifier: GPL-2.0
/*
 * lb: encapsulation, what the direct server return methods share
 * (fwd_ipip.c; fwd_gue.c adds a UDP header).  The packet stays as the
 * client sent it, to the VIP, and travels to its backend inside an outer
 * IP header.  The backend takes it out with plain Linux (an ipip or ip6tnl
 * device, fou), has the VIP on a loopback address and answers the client
 * itself: replies never cross lb.
 *
 * The hook has the packet at PRE_ROUTING, before any routing decision.
 * lb routes the outer packet to the backend, from the source address the
 * route prefers, and sends it as this host's own (ip_local_out(), as
 * IPVS's tunnel method does): the hook steals it.  So the checks of
 * forwarding are made here, as a tunnel device makes them: an outer packet
 * that would not fit the route's MTU gets the client "fragmentation
 * needed" (IPv6: "packet too big") with the MTU less the outer headers,
 * and path MTU discovery works end to end, as Katran does it.  An IPv4
 * packet without DF, and an IPv6 packet no larger than the minimum MTU,
 * are fragmented outside instead, and the outer IPv4 header copies DF, so
 * a smaller MTU further on reaches this host and then the client.  The
 * inner hop limit is left alone (IPVS does the same): the packet is
 * delivered, not forwarded, by this hop.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/inet_ecn.h>
#include "lb.h"
#include "compat.h"

/* The route to @t's backend and the source address it prefers, or an error. */
static struct dst_entry *lb_encap_route4(struct net *net,
					 struct sk_buff *skb,
					 const struct lb_target *t, u8 proto,
					 union lb_addr *saddr)
{
	struct flowi4 fl4 = {
		.daddr = t->addr.ip,
		.flowi4_mark = skb->mark,
		.flowi4_proto = proto,
	};
	struct rtable *rt = ip_route_output_key(net, &fl4);

	if (IS_ERR(rt))
		return ERR_CAST(rt);
	if (rt->rt_type != RTN_UNICAST) {
		/* The backend is this host, or not one host. */
		ip_rt_put(rt);
		return ERR_PTR(-EHOSTUNREACH);
	}
	memset(saddr, 0, sizeof(*saddr));
	saddr->ip = fl4.saddr;
	return &rt->dst;
}

static struct dst_entry *lb_encap_route6(struct net *net,
					 struct sk_buff *skb,
					 const struct lb_target *t, u8 proto,
					 union lb_addr *saddr)
{
	struct flowi6 fl6 = {
		.daddr = t->addr.in6,
		.flowi6_mark = skb->mark,
		.flowi6_proto = proto,
	};
	/* With the IPsec policy lookup, as ip_route_output_key() has it. */
	struct dst_entry *dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);

	if (IS_ERR(dst))
		return dst;
	if (dst_rt6_info(dst)->rt6i_flags & RTF_LOCAL) {
		/* The backend is this host. */
		dst_release(dst);
		return ERR_PTR(-EHOSTUNREACH);
	}
	saddr->in6 = fl6.saddr;
	return dst;
}

/*
 * Whether @skb, encapsulated, may go: it fits @mtu (what the route leaves
 * the packet), or it may be fragmented outside (see the top).
 */
static bool lb_encap_fits(const struct sk_buff *skb, u8 family, u32 mtu)
{
	u16 frag_max = family == AF_INET ? IPCB(skb)->frag_max_size :
			IP6CB(skb)->frag_max_size;

	/* Reassembled here (defrag.c): its fragments are what must fit. */
	if (frag_max)
		return frag_max <= mtu;
	if (skb->len <= mtu ||
	    (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu)))
		return true;
	if (family == AF_INET)
		return !(ip_hdr(skb)->frag_off & htons(IP_DF));
	return skb->len <= IPV6_MIN_MTU;
}

/*
 * Tell the client the packet is too big for the tunnel.  icmp_send() takes
 * the host's side of the error from the packet's route, which a packet at
 * PRE_ROUTING lacks: it borrows @dst's, which leads away from the client,
 * so the source is chosen by the route back to the client.
 */
static void lb_encap_too_big(struct sk_buff *skb, u8 family,
			     struct dst_entry *dst, u32 mtu)
{
	if (family == AF_INET) {
		skb_dst_drop(skb);
		skb_dst_set_noref(skb, dst);
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			  htonl(max_t(u32, mtu, 68)));
		skb_dst_drop(skb);
	} else {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0,
			    max_t(u32, mtu, IPV6_MIN_MTU));
	}
}

/* The outer header, pushed before @skb's data; the rest ip_local_out()'s. */
static void lb_encap_push(struct net *net, struct sk_buff *skb, u8 family,
			  u8 proto, u8 dsfield, __be16 df,
			  const union lb_addr *saddr,
			  const union lb_addr *daddr)
{
	struct dst_entry *dst = skb_dst(skb);

	if (family == AF_INET) {
		struct iphdr *iph;

		skb_push(skb, sizeof(*iph));
		skb_reset_network_header(skb);
		iph = ip_hdr(skb);
		iph->version = 4;
		iph->ihl = sizeof(*iph) >> 2;
		iph->tos = dsfield;
		iph->frag_off = df;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = proto;
		iph->saddr = saddr->ip;
		iph->daddr = daddr->ip;
		ip_select_ident(net, skb, NULL);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	} else {
		struct ipv6hdr *ip6h;
		struct flowi6 fl6 = { .flowi6_proto = proto };

		skb_push(skb, sizeof(*ip6h));
		skb_reset_network_header(skb);
		ip6h = ipv6_hdr(skb);
		/* The flow's hash as its label: routers' ECMP spreads flows. */
		ip6_flow_hdr(ip6h, dsfield,
			     ip6_make_flowlabel(net, skb, 0, true, &fl6));
		ip6h->nexthdr = proto;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = saddr->in6;
		ip6h->daddr = daddr->in6;
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	}
}

/**
 * lb_encap_xmit() - send a packet to its backend inside an outer header
 * @skb: the packet, as the client sent it, at PRE_ROUTING
 * @pkt: its parse
 * @t: the backend
 * @e: what goes between the outer IP header and the packet, or NULL
 *
 * The backend's address is in the packet's family: IPv4 in IPv4, IPv6 in
 * IPv6.
 * Return: LB_XMIT_STOLEN, the packet sent (or dropped on its way out, as
 * the kernel's output path drops); or a negative errno with the packet
 * untouched, for the caller to drop.
 */
int lb_encap_xmit(struct sk_buff *skb, const struct lb_pkt *pkt,
		  const struct lb_target *t, const struct lb_encap *e)
{
	u8 family = pkt->key.family;
	u8 inner = family == AF_INET ? IPPROTO_IPIP : IPPROTO_IPV6;
	u8 proto = e ? e->proto : inner;
	unsigned int hlen = (family == AF_INET ? sizeof(struct iphdr) :
			     sizeof(struct ipv6hdr)) + (e ? e->hlen : 0);
	struct net *net = dev_net(skb->dev);
	struct dst_entry *dst;
	union lb_addr saddr;
	__be16 df = 0;
	u8 dsfield;
	u32 mtu;

	dst = family == AF_INET ?
	      lb_encap_route4(net, skb, t, proto, &saddr) :
	      lb_encap_route6(net, skb, t, proto, &saddr);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	mtu = dst_mtu(dst) > hlen ? dst_mtu(dst) - hlen : 0;
	if (!lb_encap_fits(skb, family, mtu)) {
		lb_encap_too_big(skb, family, dst, mtu);
		dst_release(dst);
		return -EMSGSIZE;
	}
	/* Room for the headers, and our own copy of them if cloned. */
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + hlen) ||
	    iptunnel_handle_offloads(skb, family == AF_INET ?
				     SKB_GSO_IPXIP4 | (e ? e->gso_v4 : 0) :
				     SKB_GSO_IPXIP6 | (e ? e->gso_v6 : 0))) {
		dst_release(dst);
		return -ENOMEM;
	}
	/* Nothing may fail from here on: the packet is ours to send. */
	if (family == AF_INET) {
		dsfield = ipv4_get_dsfield(ip_hdr(skb));
		df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else {
		dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
	}
	/* The flow's hash, of the inner tuple, for the outer headers. */
	skb_get_hash(skb);
	skb_set_inner_ipproto(skb, inner);
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));
	skb->transport_header = skb->network_header;
	/*
	 * What the receive side left (conntrack, bridge and IPsec state, the
	 * input interface) goes, as from a tunnel device; the mark stays.
	 */
	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);
	if (e)
		e->push(net, skb, family, &saddr, &t->addr);
	lb_encap_push(net, skb, family, proto,
		      INET_ECN_encapsulate(dsfield, dsfield), df, &saddr,
		      &t->addr);
	skb->ignore_df = 1;
	/* A receive time is no send time (fq would hold or drop it). */
	skb_clear_tstamp(skb);
	skb_forward_csum(skb);
	if (family == AF_INET)
		ip_local_out(net, NULL, skb);
	else
		ip6_local_out(net, NULL, skb);
	return LB_XMIT_STOLEN;
}
