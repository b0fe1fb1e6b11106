// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: synthetic packets built from a small description, and a
 * private struct lb_net per test (not the module's own namespaces).
 * Path targets get mark i + 1 for weight i, so a mark names its path.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <linux/netdevice.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include "util.h"

static void lb_test_l4(struct sk_buff *skb, const struct lb_test_pkt *p)
{
	unsigned int i;
	u8 *data;

	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = skb_put_zero(skb, sizeof(*th));

		th->source = htons(p->sport);
		th->dest = htons(p->dport);
		th->doff = sizeof(*th) / 4;
		tcp_flag_byte(th) = p->tcp_flags;
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *uh = skb_put_zero(skb, sizeof(*uh));

		uh->source = htons(p->sport);
		uh->dest = htons(p->dport);
		uh->len = htons(sizeof(*uh) + p->payload);
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		struct icmphdr *ih = skb_put_zero(skb, sizeof(*ih));

		ih->type = p->proto == IPPROTO_ICMP ? ICMP_ECHO : 128;
		ih->un.echo.id = htons(p->sport);
	}
	data = skb_put_zero(skb, p->payload);
	if (p->pattern)
		for (i = 0; i < p->payload; i++)
			data[i] = p->pattern + i;
}

struct sk_buff *lb_test_skb(struct kunit *test, const struct lb_test_pkt *p)
{
	struct sk_buff *skb = alloc_skb(512 + p->payload, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	skb->pkt_type = PACKET_HOST;

	if (p->family == AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = p->proto;
		iph->saddr = htonl(p->saddr);
		iph->daddr = htonl(p->daddr);
		if (p->frag) {
			iph->id = htons(p->frag_id);
			iph->frag_off = htons(IP_MF | p->frag_off);
			skb_put_zero(skb, 8 + p->payload);
		} else {
			lb_test_l4(skb, p);
		}
		iph->tot_len = htons(skb->len);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		skb->protocol = htons(ETH_P_IPV6);
		ip6h->version = 6;
		ip6h->hop_limit = 64;
		ip6h->nexthdr = p->proto;
		ip6h->saddr.s6_addr32[0] = htonl(0xfd000000);
		ip6h->saddr.s6_addr32[3] = htonl(p->saddr);
		ip6h->daddr.s6_addr32[0] = htonl(0xfd000000);
		ip6h->daddr.s6_addr32[3] = htonl(p->daddr);
		if (p->frag) {
			struct frag_hdr *fh = skb_put_zero(skb, sizeof(*fh));

			ip6h->nexthdr = NEXTHDR_FRAGMENT;
			fh->nexthdr = p->proto;
			fh->frag_off = htons(p->frag_off << 3 | IP6_MF);
			fh->identification = htonl(p->frag_id);
			skb_put_zero(skb, 8 + p->payload);
		} else {
			lb_test_l4(skb, p);
		}
		ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	}
	return skb;
}

static void lb_test_net_exit(void *data)
{
	lb_net_exit(data);
}

struct lb_net *lb_test_net(struct kunit *test, u32 flow_max)
{
	struct lb_net *ln = kunit_kzalloc(test, sizeof(*ln), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ln);
	KUNIT_ASSERT_EQ(test, lb_net_init(ln, flow_max), 0);
	/* Tests step the GC themselves; the background work must not. */
	cancel_delayed_work_sync(&ln->flows.gc);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, lb_test_net_exit,
							ln), 0);
	return ln;
}

struct lb_svc_conf *lb_test_svc(struct lb_net *ln)
{
	return list_first_entry(&ln->services, struct lb_svc_conf, node);
}

/* A catch-all service in @mode with paths of mark i + 1, weight[i]. */
void lb_test_add_paths(struct kunit *test, struct lb_net *ln, u8 mode,
		       const u32 *weights, unsigned int n)
{
	struct lb_match m;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, lb_match_init(&m, 0, NULL, 0, NULL, 0, 0, 0,
					    NULL, NULL), 0);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, mode, LB_SCHED_WRR, 1000,
					 LB_FWD_MARK, NULL), 0);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, lb_test_svc(ln), i + 1,
						 ~0U, weights[i], NULL), 0);
	mutex_unlock(&ln->lock);
}

/* As the hook runs: BHs off, inside an RCU read-side section. */
unsigned int lb_test_run_in(struct lb_net *ln, struct sk_buff *skb,
			    const struct net_device *in)
{
	u8 pf = skb->protocol == htons(ETH_P_IP) ? NFPROTO_IPV4 : NFPROTO_IPV6;
	unsigned int verdict;

	local_bh_disable();
	rcu_read_lock();
	verdict = lb_process(ln, skb, pf, in);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

unsigned int lb_test_run(struct lb_net *ln, struct sk_buff *skb)
{
	return lb_test_run_in(ln, skb, NULL);
}

/* An input device as the hook sees it: only its index and name are read. */
struct net_device *lb_test_dev(struct kunit *test, int ifindex)
{
	struct net_device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->ifindex = ifindex;
	snprintf(dev->name, sizeof(dev->name), "test%d", ifindex);
	return dev;
}

/* The mark lb gives one packet described by @p (0: left alone). */
u32 lb_test_mark(struct kunit *test, struct lb_net *ln,
		 const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);
	u32 mark;

	KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
	mark = skb->mark;
	kfree_skb(skb);
	return mark;
}

/*
 * The marks of @n copies of @p from source ports @base.., into @marks;
 * each is added to @count (marks 0-3).
 */
void lb_test_marks(struct kunit *test, struct lb_net *ln,
		   const struct lb_test_pkt *p, u16 base, int n, u32 *marks,
		   u32 count[4])
{
	struct lb_test_pkt q = *p;
	int i;

	for (i = 0; i < n; i++) {
		q.sport = base + i;
		marks[i] = lb_test_mark(test, ln, &q);
		KUNIT_ASSERT_LT(test, marks[i], 4U);
		count[marks[i]]++;
	}
}

/* The address lb_test_skb() writes for @v: IPv4, or fd00::/64 with @v. */
void lb_test_addr(union lb_addr *a, u8 family, u32 v)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->ip = htonl(v);
	} else {
		a->all[0] = htonl(0xfd000000);
		a->all[3] = htonl(v);
	}
}

/*
 * Where the transport header of a test packet starts and how long it is
 * (no IPv6 extension headers), from the network header.
 */
static void lb_test_l4_span(const struct sk_buff *skb, unsigned int *off,
			    unsigned int *len, u8 *proto)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->version == 4) {
		*off = iph->ihl * 4;
		*len = ntohs(iph->tot_len) - *off;
		*proto = iph->protocol;
	} else {
		*off = sizeof(struct ipv6hdr);
		*len = ntohs(ipv6_hdr(skb)->payload_len);
		*proto = ipv6_hdr(skb)->nexthdr;
	}
}

/* The pseudo header sum of a test packet folded with @sum. */
static __sum16 lb_test_magic(const struct sk_buff *skb, unsigned int len,
			     u8 proto, __wsum sum)
{
	if (ip_hdr(skb)->version == 4)
		return csum_tcpudp_magic(ip_hdr(skb)->saddr, ip_hdr(skb)->daddr,
					 len, proto, sum);
	return csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			       len, proto, sum);
}

static __sum16 *lb_test_check_field(struct sk_buff *skb, unsigned int off,
				    u8 proto)
{
	u8 *th = skb_network_header(skb) + off;

	if (proto == IPPROTO_TCP)
		return &((struct tcphdr *)th)->check;
	if (proto == IPPROTO_UDP)
		return &((struct udphdr *)th)->check;
	return NULL;
}

/*
 * Valid checksums, computed from scratch: the IPv4 header's and the TCP or
 * UDP one (a UDP sum of 0 is sent as 0xffff).  The headers are linear.
 */
void lb_test_csum_fill(struct sk_buff *skb)
{
	unsigned int off, len;
	__sum16 *check;
	u8 proto;

	lb_test_l4_span(skb, &off, &len, &proto);
	if (ip_hdr(skb)->version == 4) {
		ip_hdr(skb)->check = 0;
		ip_hdr(skb)->check = ip_fast_csum(ip_hdr(skb), ip_hdr(skb)->ihl);
	}
	check = lb_test_check_field(skb, off, proto);
	if (!check)
		return;
	*check = 0;
	*check = lb_test_magic(skb, len, proto,
			       skb_checksum(skb, skb_network_offset(skb) + off,
					    len, 0));
	if (proto == IPPROTO_UDP && !*check)
		*check = CSUM_MANGLED_0;
}

/*
 * Put a packet with valid checksums (lb_test_csum_fill()) in a checksum
 * state as a driver or the stack leaves it at PRE_ROUTING:
 * CHECKSUM_COMPLETE: skb->csum is the sum from the network header on;
 * CHECKSUM_PARTIAL: the check field holds the pseudo header sum and
 * csum_start/csum_offset name it, as for a locally sent packet.
 */
void lb_test_csum_set(struct kunit *test, struct sk_buff *skb, u8 ip_summed)
{
	unsigned int off, len, start, at;
	__sum16 *check;
	u8 proto;

	skb->ip_summed = CHECKSUM_NONE;
	if (ip_summed == CHECKSUM_COMPLETE) {
		skb->csum = skb_checksum(skb, skb_network_offset(skb),
					 skb->len - skb_network_offset(skb), 0);
		skb->ip_summed = CHECKSUM_COMPLETE;
	} else if (ip_summed == CHECKSUM_PARTIAL) {
		lb_test_l4_span(skb, &off, &len, &proto);
		check = lb_test_check_field(skb, off, proto);
		KUNIT_ASSERT_NOT_NULL(test, check);
		*check = ~lb_test_magic(skb, len, proto, 0);
		start = skb_network_offset(skb) + off;
		at = (u8 *)check - (skb_network_header(skb) + off);
		KUNIT_ASSERT_TRUE(test, skb_partial_csum_set(skb, start, at));
	}
}

/* 0 if the TCP or UDP checksum is valid (computed over the packet). */
u16 lb_test_l4_csum(const struct sk_buff *skb)
{
	unsigned int off, len;
	__wsum sum;
	u8 proto;

	lb_test_l4_span(skb, &off, &len, &proto);
	sum = skb_checksum(skb, skb_network_offset(skb) + off, len, 0);
	return (__force u16)lb_test_magic(skb, len, proto, sum);
}

/* 0 if the ICMP or ICMPv6 checksum is valid. */
u16 lb_test_icmp_csum(const struct sk_buff *skb)
{
	unsigned int off, len;
	__wsum sum;
	u8 proto;

	lb_test_l4_span(skb, &off, &len, &proto);
	sum = skb_checksum(skb,
			   skb_network_offset(skb) + off, len, 0);
	if (proto == IPPROTO_ICMP)
		return (__force u16)csum_fold(sum);
	return (__force u16)lb_test_magic(skb, len, proto, sum);
}

/* A 32-bit sum folded to 16 bits, with the two zeros made one. */
u16 lb_test_csum16(__wsum sum)
{
	u16 v = ~(__force u16)csum_fold(sum);

	return v == 0xffff ? 0 : v;
}

/*
 * An ICMP (IPv4) or ICMPv6 error from @saddr to @daddr, @info in its
 * second word (the MTU of "fragmentation needed" and "packet too big"),
 * quoting the first @qlen bytes of @quote (0: all of it), checksums valid.
 */
struct sk_buff *lb_test_icmp_err(struct kunit *test, u8 family, u8 type,
				 u8 code, u32 info, u32 saddr, u32 daddr,
				 const struct sk_buff *quote, unsigned int qlen)
{
	struct sk_buff *skb;
	struct icmphdr *ih;
	unsigned int hlen;
	union lb_addr a;

	if (!qlen || qlen > quote->len)
		qlen = quote->len;
	skb = alloc_skb(256 + qlen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	skb->pkt_type = PACKET_HOST;
	if (family == AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = IPPROTO_ICMP;
		iph->saddr = htonl(saddr);
		iph->daddr = htonl(daddr);
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		skb->protocol = htons(ETH_P_IPV6);
		ip6h->version = 6;
		ip6h->hop_limit = 64;
		ip6h->nexthdr = IPPROTO_ICMPV6;
		lb_test_addr(&a, AF_INET6, saddr);
		ip6h->saddr = a.in6;
		lb_test_addr(&a, AF_INET6, daddr);
		ip6h->daddr = a.in6;
	}
	hlen = skb->len;
	ih = skb_put_zero(skb, sizeof(*ih));
	ih->type = type;
	ih->code = code;
	ih->un.gateway = htonl(info);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(quote, skb_network_offset(quote),
					    skb_put(skb, qlen), qlen), 0);
	if (family == AF_INET) {
		ip_hdr(skb)->tot_len = htons(skb->len);
		ih->checksum = csum_fold(skb_checksum(skb, hlen,
						      skb->len - hlen, 0));
	} else {
		ipv6_hdr(skb)->payload_len = htons(skb->len - hlen);
		ih->checksum = lb_test_magic(skb, skb->len - hlen,
					     IPPROTO_ICMPV6,
					     skb_checksum(skb, hlen,
							  skb->len - hlen, 0));
	}
	lb_test_csum_fill(skb);		/* the IPv4 header's */
	return skb;
}

static void lb_test_free_skb(void *skb)
{
	kfree_skb(skb);
}

/*
 * A copy of @skb with only its first @head bytes (from the network header)
 * in the linear area and the rest in a page fragment.  Freed with the test.
 */
struct sk_buff *lb_test_nonlinear(struct kunit *test,
				  const struct sk_buff *skb,
				  unsigned int head)
{
	unsigned int rest = skb->len - head;
	struct sk_buff *nskb;
	struct page *page;

	KUNIT_ASSERT_LE(test, head, skb->len);
	KUNIT_ASSERT_LE(test, rest, (unsigned int)PAGE_SIZE);
	nskb = alloc_skb(128 + head, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nskb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, lb_test_free_skb,
							nskb), 0);
	skb_reserve(nskb, 64);
	skb_reset_network_header(nskb);
	nskb->protocol = skb->protocol;
	nskb->pkt_type = skb->pkt_type;
	skb_put_data(nskb, skb->data, head);
	page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memcpy(page_address(page), skb->data + head, rest);
	skb_add_rx_frag(nskb, 0, page, 0, rest, PAGE_SIZE);
	return nskb;
}

/* Same length and bytes, linear or not. */
bool lb_test_same(const struct sk_buff *a, const struct sk_buff *b)
{
	unsigned int i;
	u8 x, y;

	if (a->len != b->len)
		return false;
	for (i = 0; i < a->len; i++) {
		if (skb_copy_bits(a, i, &x, 1) || skb_copy_bits(b, i, &y, 1) ||
		    x != y)
			return false;
	}
	return true;
}

/* The VIP hook's translation, as it runs: BHs off, under RCU. */
unsigned int lb_test_vip_in(struct lb_net *ln, struct sk_buff *skb)
{
	u8 pf = skb->protocol == htons(ETH_P_IP) ? NFPROTO_IPV4 : NFPROTO_IPV6;
	unsigned int verdict;

	local_bh_disable();
	rcu_read_lock();
	verdict = lb_vip_in(ln, skb, pf, NULL);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

/* The reply translation of forwarded packets, as its hook runs it. */
unsigned int lb_test_vip_out(struct lb_net *ln, struct sk_buff *skb)
{
	u8 pf = skb->protocol == htons(ETH_P_IP) ? NFPROTO_IPV4 : NFPROTO_IPV6;
	unsigned int verdict;

	local_bh_disable();
	rcu_read_lock();
	verdict = lb_vip_out(ln, skb, pf, false);
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

/*
 * A NAT service for VIP:vport (a full-length prefix), mode left to the
 * default, scheduler @sched (-1: the default).
 */
struct lb_svc_conf *lb_test_add_vip(struct kunit *test, struct lb_net *ln,
				    u8 family, u8 proto, u32 vip, u16 vport,
				    int sched)
{
	struct lb_svc_conf *sc;
	struct lb_match m;
	union lb_addr a;
	int err;

	lb_test_addr(&a, family, vip);
	KUNIT_ASSERT_EQ(test, lb_match_init(&m, family, &a,
					    family == AF_INET ? 32 : 128,
					    NULL, 0, proto, htons(vport), NULL,
					    NULL), 0);
	mutex_lock(&ln->lock);
	err = lb_svc_add(ln, &m, -1, sched, 1000, LB_FWD_MARK, NULL);
	sc = lb_svc_conf_find(ln, &m);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	return sc;
}

struct lb_tgt_conf *lb_test_add_backend(struct kunit *test,
					struct lb_net *ln,
					struct lb_svc_conf *sc, u32 addr,
					u16 port, u32 weight)
{
	struct lb_tgt_conf *tc;
	union lb_addr a;
	int err;

	lb_test_addr(&a, sc->m.family, addr);
	mutex_lock(&ln->lock);
	err = lb_backend_add(ln, sc, &a, htons(port), weight, NULL);
	tc = lb_backend_conf_find(sc, &a, htons(port));
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_NOT_NULL(test, tc);
	return tc;
}
