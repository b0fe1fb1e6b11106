// SPDX-License-Identifier: GPL-2.0
/*
 * lb: packet -> flow key.
 *
 * Every read goes through skb_header_pointer() with an offset checked
 * against the IP length, so a truncated or lying header is refused
 * (-EINVAL: the hook then passes the packet on untouched) and nothing past
 * the packet is ever read, linear or not.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "lb.h"
#include "compat.h"

/* Longest IPv6 extension header chain we walk before giving up. */
#define LB_IPV6_EXTHDR_MAX 8

/* Ports (or the ICMP echo id) and TCP flags of an unfragmented payload. */
static int lb_parse_l4(const struct sk_buff *skb, unsigned int off,
		       unsigned int end, struct lb_pkt *pkt)
{
	struct lb_flow_key *k = &pkt->key;

	pkt->thoff = off - skb_network_offset(skb);
	if (lb_proto_has_ports(k->proto)) {
		__be16 _ports[2];
		const __be16 *ports;

		if (off + sizeof(_ports) > end)
			return -EINVAL;
		ports = skb_header_pointer(skb, off, sizeof(_ports), _ports);
		if (!ports)
			return -EINVAL;
		k->sport = ports[0];
		k->dport = ports[1];
	}

	if (k->proto == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		if (off + sizeof(_th) > end)
			return -EINVAL;
		th = skb_header_pointer(skb, off, sizeof(_th), &_th);
		/* The data offset covers the header and stays in the datagram. */
		if (!th || th->doff < sizeof(_th) / 4 || off + th->doff * 4 > end)
			return -EINVAL;
		pkt->tcp_syn = th->syn && !th->ack;
		pkt->tcp_close = th->fin || th->rst;
	} else if (k->proto == IPPROTO_ICMP || k->proto == IPPROTO_ICMPV6) {
		/* Echo requests of one ping session stay together. */
		struct icmphdr _ih;
		const struct icmphdr *ih;

		if (off + 8 > end)
			return -EINVAL;
		ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
		if (!ih)
			return -EINVAL;
		if ((k->proto == IPPROTO_ICMP && ih->type == ICMP_ECHO) ||
		    (k->proto == IPPROTO_ICMPV6 &&
		     ih->type == ICMPV6_ECHO_REQUEST))
			k->sport = ih->un.echo.id;
		if (k->proto == IPPROTO_ICMP)
			pkt->icmp_err = k->family == AF_INET &&
					icmp_is_err(ih->type);
		else
			pkt->icmp_err = k->family == AF_INET6 &&
					ih->type < 128 &&
					ih->type != 0;	/* RFC 4443 errors */
	}
	return 0;
}

static int lb_parse_ipv4(const struct sk_buff *skb, struct lb_pkt *pkt)
{
	unsigned int nhoff = skb_network_offset(skb), hlen, end;
	struct lb_flow_key *k = &pkt->key;
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return -EINVAL;
	hlen = iph->ihl * 4;
	/* BIG TCP (GRO past 64 KiB): 0 means the skb's length */
	pkt->len = iph_totlen(skb, iph);
	if (pkt->len < hlen || nhoff + pkt->len > skb->len)
		return -EINVAL;
	end = nhoff + pkt->len;

	k->family = AF_INET;
	k->proto = iph->protocol;
	k->saddr.ip = iph->saddr;
	k->daddr.ip = iph->daddr;

	if (ip_is_fragment(iph)) {
		pkt->is_frag = 1;
		pkt->frag_id = ntohs(iph->id);
		return 0;
	}
	return lb_parse_l4(skb, nhoff + hlen, end, pkt);
}

/*
 * ipv6_skip_exthdr() hides the fragment header's identification, which
 * keeps a datagram's fragments together, so walk the chain here, bounded.
 * Any fragment header, atomic ones included, makes the packet a fragment.
 */
static int lb_parse_ipv6(const struct sk_buff *skb, struct lb_pkt *pkt)
{
	unsigned int nhoff = skb_network_offset(skb), off, end;
	struct lb_flow_key *k = &pkt->key;
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	u8 nexthdr;
	int i;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return -EINVAL;
	/* BIG TCP as for IPv4; another length 0: a jumbogram, not balanced */
	pkt->len = lb_ipv6_payload_len(skb, ip6h);
	if (!pkt->len)
		return -EINVAL;
	pkt->len += sizeof(*ip6h);
	if (nhoff + pkt->len > skb->len)
		return -EINVAL;
	end = nhoff + pkt->len;

	k->family = AF_INET6;
	k->saddr.in6 = ip6h->saddr;
	k->daddr.in6 = ip6h->daddr;
	nexthdr = ip6h->nexthdr;
	off = nhoff + sizeof(*ip6h);

	for (i = 0; i < LB_IPV6_EXTHDR_MAX; i++) {
		if (nexthdr == NEXTHDR_FRAGMENT) {
			const struct frag_hdr *fh;
			struct frag_hdr _fh;

			if (off + sizeof(_fh) > end)
				return -EINVAL;
			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				return -EINVAL;
			k->proto = fh->nexthdr;
			pkt->is_frag = 1;
			pkt->frag_id = ntohl(fh->identification);
			return 0;
		}
		if (nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
		    nexthdr == NEXTHDR_DEST || nexthdr == NEXTHDR_AUTH) {
			const struct ipv6_rt_hdr *oh;
			struct ipv6_rt_hdr _oh;

			/* Every option header is at least 8 bytes long. */
			if (off + sizeof(_oh) > end)
				return -EINVAL;
			oh = skb_header_pointer(skb, off, sizeof(_oh), &_oh);
			if (!oh)
				return -EINVAL;
			/*
			 * Segments left: the destination is a waypoint, and
			 * the transport checksum covers the final one, which
			 * a rewrite of the destination would not change.
			 * Not this flow's end: not balanced.
			 */
			if (nexthdr == NEXTHDR_ROUTING && oh->segments_left)
				return -EINVAL;
			off += nexthdr == NEXTHDR_AUTH ? ipv6_authlen(oh) :
							 ipv6_optlen(oh);
			if (off > end)		/* it reaches past the datagram */
				return -EINVAL;
			nexthdr = oh->nexthdr;
			continue;
		}
		k->proto = nexthdr;
		return lb_parse_l4(skb, off, end, pkt);
	}
	return -EINVAL;
}

/**
 * lb_parse() - fill @pkt from the network header of @skb
 * @skb: packet, network header set
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @pkt: result; zeroed here so the key hashes the same every time
 *
 * Return: 0, or -EINVAL for a packet lb must not touch.
 */
int lb_parse(const struct sk_buff *skb, u8 family, struct lb_pkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	if (family == NFPROTO_IPV4)
		return lb_parse_ipv4(skb, pkt);
	if (family == NFPROTO_IPV6)
		return lb_parse_ipv6(skb, pkt);
	return -EINVAL;
}

/*
 * The quoted packet of an IPv4 ICMP error: an unfragmented (first
 * fragment) datagram with at least its ports.
 */
static int lb_parse_inner_ipv4(const struct sk_buff *skb, unsigned int off,
			       unsigned int end, struct lb_inner *in)
{
	const struct iphdr *iph;
	struct iphdr _iph;

	if (off + sizeof(_iph) > end)
		return -EINVAL;
	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5 ||
	    (iph->frag_off & htons(IP_OFFSET)))
		return -EINVAL;
	in->key.family = AF_INET;
	in->key.proto = iph->protocol;
	in->key.saddr.ip = iph->saddr;
	in->key.daddr.ip = iph->daddr;
	return off + iph->ihl * 4;
}

static int lb_parse_inner_ipv6(const struct sk_buff *skb, unsigned int off,
			       unsigned int end, struct lb_inner *in)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	if (off + sizeof(_ip6h) > end)
		return -EINVAL;
	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return -EINVAL;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, off + sizeof(_ip6h), &nexthdr, &frag_off);
	if (thoff < 0 || (frag_off & htons(IP6_OFFSET)))
		return -EINVAL;
	in->key.family = AF_INET6;
	in->key.proto = nexthdr;
	in->key.saddr.in6 = ip6h->saddr;
	in->key.daddr.in6 = ip6h->daddr;
	return thoff;
}

/**
 * lb_parse_inner() - the packet an ICMP error quotes
 * @skb: the error, parsed into @pkt (pkt->icmp_err set)
 * @pkt: its outer headers
 * @in: result: the quoted TCP or UDP packet's tuple and offsets
 *
 * The quote must hold the ports; the rest (checksums, payload) may be
 * cut short, as routers quote as little as 8 bytes past the IP header.
 * Return: 0, or -EINVAL if the error quotes no TCP or UDP packet.
 */
int lb_parse_inner(const struct sk_buff *skb, const struct lb_pkt *pkt,
		   struct lb_inner *in)
{
	unsigned int nhoff = skb_network_offset(skb);
	unsigned int end = nhoff + pkt->len;
	unsigned int off = nhoff + pkt->thoff + sizeof(struct icmphdr);
	const __be16 *ports;
	__be16 _ports[2];
	int thoff;

	memset(in, 0, sizeof(*in));
	if (pkt->key.family == AF_INET)
		thoff = lb_parse_inner_ipv4(skb, off, end, in);
	else
		thoff = lb_parse_inner_ipv6(skb, off, end, in);
	if (thoff < 0 || (in->key.proto != IPPROTO_TCP &&
			  in->key.proto != IPPROTO_UDP) ||
	    thoff + sizeof(_ports) > end)
		return -EINVAL;
	ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
	if (!ports)
		return -EINVAL;
	in->key.sport = ports[0];
	in->key.dport = ports[1];
	in->off = off - nhoff;
	in->thoff = thoff - nhoff;
	return 0;
}
