// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: packet -> flow key, including fragments and malformed or
 * truncated headers, linear and paged.  KASAN (scripts/kunit --debug)
 * turns any read past the packet into a failure.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "util.h"

static int parse(struct kunit *test, struct sk_buff *skb, struct lb_pkt *pkt)
{
	u8 pf = skb->protocol == htons(ETH_P_IP) ? NFPROTO_IPV4 : NFPROTO_IPV6;
	int ret = lb_parse(skb, pf, pkt);

	kfree_skb(skb);
	return ret;
}

static void lb_parse_ipv4_tcp(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 0x0a0a0101, 0x0a0a0302,
				 40000, 5201, TCPHDR_SYN };
	struct lb_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.family, AF_INET);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, pkt.key.saddr.ip, htonl(0x0a0a0101));
	KUNIT_EXPECT_EQ(test, pkt.key.daddr.ip, htonl(0x0a0a0302));
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(40000));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(5201));
	KUNIT_EXPECT_TRUE(test, pkt.tcp_syn);
	KUNIT_EXPECT_FALSE(test, pkt.tcp_close);
	KUNIT_EXPECT_FALSE(test, pkt.is_frag);
	KUNIT_EXPECT_EQ(test, pkt.len, 40U);
	/* The unused address words are zero: keys compare as bytes. */
	KUNIT_EXPECT_EQ(test, pkt.key.saddr.all[1] | pkt.key.saddr.all[3], 0U);

	p.tcp_flags = TCPHDR_FIN | TCPHDR_ACK;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_FALSE(test, pkt.tcp_syn);
	KUNIT_EXPECT_TRUE(test, pkt.tcp_close);
	p.tcp_flags = TCPHDR_RST;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_TRUE(test, pkt.tcp_close);
}

static void lb_parse_ipv4_udp_icmp_other(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 53, 5353 };
	struct lb_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(53));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(5353));

	/* Echo: the identifier keeps one ping session together. */
	p.proto = IPPROTO_ICMP;
	p.sport = 777;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(777));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, 0);

	/* GRE: no ports, the addresses alone are the flow. */
	p.proto = IPPROTO_GRE;
	p.payload = 4;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_GRE);
	KUNIT_EXPECT_EQ(test, pkt.key.sport | pkt.key.dport, 0);
}

static void lb_parse_ipv6(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET6, IPPROTO_TCP, 1, 2, 1000, 80,
				 TCPHDR_SYN };
	struct lb_pkt pkt;

	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, pkt.key.saddr.all[0], htonl(0xfd000000));
	KUNIT_EXPECT_EQ(test, pkt.key.daddr.all[3], htonl(2));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(80));
	KUNIT_EXPECT_TRUE(test, pkt.tcp_syn);
	KUNIT_EXPECT_EQ(test, pkt.len, 60U);

	p.proto = IPPROTO_UDP;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_UDP);

	p.proto = IPPROTO_ICMPV6;
	p.sport = 99;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(99));
}

/* Hop-by-hop and destination options in front of TCP are skipped. */
static void lb_parse_ipv6_exthdrs(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET6, IPPROTO_TCP, 1, 2, 1000, 80 };
	struct sk_buff *skb = lb_test_skb(test, &p);
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct ipv6_opt_hdr *oh;
	struct lb_pkt pkt;
	u8 *tail;

	/* Rebuild the payload as HOP(8) DEST(16) TCP. */
	tail = kunit_kzalloc(test, 20, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tail);
	memcpy(tail, ip6h + 1, 20);
	skb_trim(skb, sizeof(*ip6h));
	oh = skb_put_zero(skb, 8);
	oh->nexthdr = NEXTHDR_DEST;
	oh = skb_put_zero(skb, 16);
	oh->nexthdr = IPPROTO_TCP;
	oh->hdrlen = 1;
	skb_put_data(skb, tail, 20);
	ip6h->nexthdr = NEXTHDR_HOP;
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));

	KUNIT_ASSERT_EQ(test, parse(test, skb, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(1000));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(80));
}

/*
 * A routing header with segments left: the destination is a waypoint and
 * the transport checksum covers the final one, so rewriting the
 * destination would break it: not balanced.  With none left, the
 * destination is the end and the packet is parsed.  Failed before the
 * fix: parsed either way.
 */
static void lb_parse_ipv6_routing(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET6, IPPROTO_UDP, 1, 2, 1000, 53 };
	struct ipv6_rt_hdr *rt;
	struct sk_buff *skb;
	struct lb_pkt pkt;
	u8 left, *tail;

	for (left = 0; left < 2; left++) {
		skb = lb_test_skb(test, &p);
		/* Rebuild the payload as ROUTING(24: one address) UDP. */
		tail = kunit_kzalloc(test, 8, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, tail);
		memcpy(tail, ipv6_hdr(skb) + 1, 8);
		skb_trim(skb, sizeof(struct ipv6hdr));
		rt = skb_put_zero(skb, 24);
		rt->nexthdr = IPPROTO_UDP;
		rt->hdrlen = 2;
		rt->type = IPV6_SRCRT_TYPE_2;
		rt->segments_left = left;
		skb_put_data(skb, tail, 8);
		ipv6_hdr(skb)->nexthdr = NEXTHDR_ROUTING;
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
		if (left) {
			KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);
			continue;
		}
		KUNIT_ASSERT_EQ(test, parse(test, skb, &pkt), 0);
		KUNIT_EXPECT_EQ(test, pkt.key.proto, IPPROTO_UDP);
		KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(53));
	}
}

/* A chain of options longer than lb walks is refused, not followed. */
static void lb_parse_ipv6_exthdr_loop(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET6, IPPROTO_NONE, 1, 2 };
	struct sk_buff *skb = lb_test_skb(test, &p);
	struct lb_pkt pkt;
	int i;

	for (i = 0; i < 12; i++) {
		struct ipv6_opt_hdr *oh = skb_put_zero(skb, 8);

		oh->nexthdr = NEXTHDR_DEST;
	}
	ipv6_hdr(skb)->nexthdr = NEXTHDR_DEST;
	ipv6_hdr(skb)->payload_len = htons(skb->len - sizeof(struct ipv6hdr));
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);
}

/* Every fragment of one datagram gives the same, port-less key. */
static void lb_parse_fragments(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 0, 0, 0, true,
				 0, 4242 };
	struct lb_pkt first, later;

	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &first), 0);
	p.frag_off = 185;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &later), 0);
	KUNIT_EXPECT_TRUE(test, first.is_frag);
	KUNIT_EXPECT_TRUE(test, later.is_frag);
	KUNIT_EXPECT_EQ(test, first.frag_id, 4242U);
	KUNIT_EXPECT_EQ(test, lb_frag_hash(&first), lb_frag_hash(&later));

	p.family = AF_INET6;
	p.frag_off = 0;
	p.frag_id = 0x12345678;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &first), 0);
	p.frag_off = 100;
	KUNIT_ASSERT_EQ(test, parse(test, lb_test_skb(test, &p), &later), 0);
	KUNIT_EXPECT_TRUE(test, later.is_frag);
	KUNIT_EXPECT_EQ(test, later.key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, later.frag_id, 0x12345678U);
	KUNIT_EXPECT_EQ(test, lb_frag_hash(&first), lb_frag_hash(&later));
}

static void lb_parse_ipv4_malformed(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 1, 2, 3, 4 };
	struct sk_buff *skb;
	struct lb_pkt pkt;
	unsigned int cut;

	skb = lb_test_skb(test, &p);
	ip_hdr(skb)->ihl = 4;
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	skb = lb_test_skb(test, &p);
	ip_hdr(skb)->version = 6;
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	/* The header claims more than the packet holds. */
	skb = lb_test_skb(test, &p);
	ip_hdr(skb)->tot_len = htons(skb->len + 1);
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	/* IHL reaching past the datagram. */
	skb = lb_test_skb(test, &p);
	ip_hdr(skb)->ihl = 15;
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	/* A TCP header cut short by the IP length. */
	skb = lb_test_skb(test, &p);
	ip_hdr(skb)->tot_len = htons(20 + 12);
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	/* TCP data offset below the header size. */
	skb = lb_test_skb(test, &p);
	((struct tcphdr *)(ip_hdr(skb) + 1))->doff = 2;
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	/*
	 * Every truncation of a good packet is refused and none is read
	 * past: cut alone (lengths lie), and with the IP length agreeing.
	 */
	for (cut = 0; cut < 40; cut++) {
		skb = lb_test_skb(test, &p);
		skb_trim(skb, cut);
		KUNIT_EXPECT_EQ_MSG(test, parse(test, skb, &pkt), -EINVAL,
				    "cut at %u", cut);
	}
	for (cut = 20; cut < 40; cut++) {
		skb = lb_test_skb(test, &p);
		skb_trim(skb, cut);
		ip_hdr(skb)->tot_len = htons(cut);
		KUNIT_EXPECT_EQ_MSG(test, parse(test, skb, &pkt), -EINVAL,
				    "TCP cut at %u", cut);
	}
}

static void lb_parse_ipv6_malformed(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET6, IPPROTO_UDP, 1, 2, 3, 4 };
	struct sk_buff *skb;
	struct lb_pkt pkt;
	unsigned int cut;

	skb = lb_test_skb(test, &p);
	ipv6_hdr(skb)->payload_len = htons(skb->len);
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	skb = lb_test_skb(test, &p);
	ipv6_hdr(skb)->payload_len = 0;	/* jumbogram */
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);

	for (cut = 0; cut < 48; cut++) {
		skb = lb_test_skb(test, &p);
		skb_trim(skb, cut);
		KUNIT_EXPECT_EQ_MSG(test, parse(test, skb, &pkt), -EINVAL,
				    "cut at %u", cut);
	}

	/* A fragment header cut short. */
	p.frag = true;
	skb = lb_test_skb(test, &p);
	ipv6_hdr(skb)->payload_len = htons(4);
	KUNIT_EXPECT_EQ(test, parse(test, skb, &pkt), -EINVAL);
}

/* Headers split between the linear part and a page are read right. */
static void lb_parse_paged(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 5, 6, 7000, 8000 };
	struct sk_buff *lin = lb_test_skb(test, &p), *skb;
	struct page *page = alloc_page(GFP_KERNEL);
	struct lb_pkt pkt;

	KUNIT_ASSERT_NOT_NULL(test, page);
	skb = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->protocol = htons(ETH_P_IP);
	skb_reset_network_header(skb);
	/* IP header linear, TCP header in a page fragment. */
	skb_put_data(skb, lin->data, 20);
	memcpy(page_address(page), lin->data + 20, 20);
	skb_add_rx_frag(skb, 0, page, 0, 20, PAGE_SIZE);
	kfree_skb(lin);

	KUNIT_ASSERT_EQ(test, parse(test, skb, &pkt), 0);
	KUNIT_EXPECT_EQ(test, pkt.key.sport, htons(7000));
	KUNIT_EXPECT_EQ(test, pkt.key.dport, htons(8000));
}

static struct kunit_case lb_parse_cases[] = {
	KUNIT_CASE(lb_parse_ipv4_tcp),
	KUNIT_CASE(lb_parse_ipv4_udp_icmp_other),
	KUNIT_CASE(lb_parse_ipv6),
	KUNIT_CASE(lb_parse_ipv6_exthdrs),
	KUNIT_CASE(lb_parse_ipv6_exthdr_loop),
	KUNIT_CASE(lb_parse_ipv6_routing),
	KUNIT_CASE(lb_parse_fragments),
	KUNIT_CASE(lb_parse_ipv4_malformed),
	KUNIT_CASE(lb_parse_ipv6_malformed),
	KUNIT_CASE(lb_parse_paged),
	{}
};

static struct kunit_suite lb_parse_suite = {
	.name = "lb_parse",
	.test_cases = lb_parse_cases,
};

kunit_test_suite(lb_parse_suite);
