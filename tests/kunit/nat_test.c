// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: address and port translation of one packet (lb_nat_rewrite,
 * lb_nat_icmp) and every checksum it touches.  Each rewritten packet is
 * compared byte for byte with the translated packet built from scratch,
 * and its checksums are verified independently of lb's arithmetic: the
 * transport sum over the pseudo header and the payload, the IPv4 header
 * sum, and for CHECKSUM_COMPLETE skb->csum against a fresh sum.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <net/tcp.h>
#include <net/checksum.h>
#include "util.h"

#define CLIENT	0x0a000001
#define CPORT	40000
#define VIP	0x0a000064
#define VPORT	80
#define BACKEND	0x0a010002
#define BPORT	8080

static const char *const summed_name[] = {
	[CHECKSUM_NONE] = "none",
	[CHECKSUM_UNNECESSARY] = "unnecessary",
	[CHECKSUM_COMPLETE] = "complete",
	[CHECKSUM_PARTIAL] = "partial",
};

/* The transport header's offset from the network header. */
static unsigned int l4_off(const struct sk_buff *skb)
{
	return ip_hdr(skb)->version == 4 ? ip_hdr(skb)->ihl * 4 :
					   sizeof(struct ipv6hdr);
}

static struct udphdr *udph(const struct sk_buff *skb)
{
	return (struct udphdr *)(skb_network_header(skb) + l4_off(skb));
}

static u8 pf_of(u8 family)
{
	return family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
}

/* A client's packet to the VIP (@dst) or a backend's reply to the client. */
static struct lb_test_pkt orig_pkt(u8 family, u8 proto, bool dst)
{
	struct lb_test_pkt p = {
		.family = family, .proto = proto,
		.tcp_flags = TCPHDR_ACK | TCPHDR_PSH,
		.payload = 37, .pattern = 0x41,	/* odd: a padded last word */
	};

	if (dst) {
		p.saddr = CLIENT;
		p.sport = CPORT;
		p.daddr = VIP;
		p.dport = VPORT;
	} else {
		p.saddr = BACKEND;
		p.sport = BPORT;
		p.daddr = CLIENT;
		p.dport = CPORT;
	}
	return p;
}

/* The same packet translated: to the backend, or from the VIP. */
static struct lb_test_pkt xlat_pkt(u8 family, u8 proto, bool dst)
{
	struct lb_test_pkt p = orig_pkt(family, proto, dst);

	if (dst) {
		p.daddr = BACKEND;
		p.dport = BPORT;
	} else {
		p.saddr = VIP;
		p.sport = VPORT;
	}
	return p;
}

static struct sk_buff *build(struct kunit *test, const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);

	lb_test_csum_fill(skb);
	KUNIT_ASSERT_EQ(test, lb_test_l4_csum(skb), 0);
	return skb;
}

static int rewrite(struct kunit *test, struct sk_buff *skb, u8 family,
		   bool dst)
{
	union lb_addr to;
	struct lb_pkt pkt;

	KUNIT_ASSERT_EQ(test, lb_parse(skb, pf_of(family), &pkt), 0);
	lb_test_addr(&to, family, dst ? BACKEND : VIP);
	return lb_nat_rewrite(skb, &pkt, dst, &to, htons(dst ? BPORT : VPORT));
}

/*
 * Translate one packet in checksum state @summed and check the result:
 * bytes, transport and IPv4 header checksums, and the skb's checksum state.
 */
static void check_one(struct kunit *test, struct sk_buff *skb, u8 family,
		      u8 proto, bool dst, u8 summed)
{
	struct lb_test_pkt want = xlat_pkt(family, proto, dst);
	struct sk_buff *exp = build(test, &want);
	const char *what = summed_name[summed];
	int v = family == AF_INET ? 4 : 6;
	const char *p = proto == IPPROTO_TCP ? "tcp" : "udp";
	const char *d = dst ? "dst" : "src";

	lb_test_csum_set(test, skb, summed);
	skb_set_hash(skb, 0x12345678, PKT_HASH_TYPE_L4);
	KUNIT_ASSERT_EQ_MSG(test, rewrite(test, skb, family, dst), 0,
			    "IPv%d %s %s %s", v, p, d, what);
	KUNIT_EXPECT_EQ_MSG(test, skb->hash, 0U, "IPv%d %s %s %s: stale hash",
			    v, p, d, what);
	KUNIT_EXPECT_EQ_MSG(test, (u8)skb->ip_summed, summed, "IPv%d %s %s %s",
			    v, p, d, what);
	if (summed == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ_MSG(test, lb_test_csum16(skb->csum),
				    lb_test_csum16(skb_checksum(skb, 0,
								skb->len, 0)),
				    "IPv%d %s %s: skb->csum no longer the packet's sum",
				    v, p, d);
	if (summed == CHECKSUM_PARTIAL)
		KUNIT_ASSERT_EQ(test, skb_checksum_help(skb), 0);
	KUNIT_EXPECT_EQ_MSG(test, lb_test_l4_csum(skb), 0,
			    "IPv%d %s %s %s: bad transport checksum",
			    v, p, d, what);
	if (family == AF_INET)
		KUNIT_EXPECT_EQ_MSG(test, (u16)ip_fast_csum(ip_hdr(skb), 5), 0,
				    "IPv4 %s %s %s: bad header checksum",
				    p, d, what);
	KUNIT_EXPECT_TRUE_MSG(test, lb_test_same(skb, exp),
			      "IPv%d %s %s %s: not the translated packet",
			      v, p, d, what);
	kfree_skb(exp);
}

/* Every family, protocol and direction in checksum state @summed. */
static void check_all(struct kunit *test, u8 summed)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	unsigned int f, p, d;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (p = 0; p < ARRAY_SIZE(protos); p++) {
			for (d = 0; d < 2; d++) {
				struct lb_test_pkt in = orig_pkt(families[f],
							       protos[p], d);
				struct sk_buff *skb = build(test, &in);

				check_one(test, skb, families[f], protos[p], d,
					  summed);
				kfree_skb(skb);
			}
		}
	}
}

static void lb_nat_csum_none(struct kunit *test)
{
	check_all(test, CHECKSUM_NONE);
}

/* skb->csum covers the packet from the network header, and still does. */
static void lb_nat_csum_complete(struct kunit *test)
{
	check_all(test, CHECKSUM_COMPLETE);
}

/* The pseudo header sum follows the addresses; software completes it. */
static void lb_nat_csum_partial(struct kunit *test)
{
	check_all(test, CHECKSUM_PARTIAL);
}

/* A UDP/IPv4 packet without a checksum keeps none: 0 stays 0. */
static void lb_nat_udp_no_csum(struct kunit *test)
{
	unsigned int d;

	for (d = 0; d < 2; d++) {
		struct lb_test_pkt in = orig_pkt(AF_INET, IPPROTO_UDP, d);
		struct lb_test_pkt out = xlat_pkt(AF_INET, IPPROTO_UDP, d);
		struct sk_buff *skb = build(test, &in);
		struct sk_buff *exp = build(test, &out);

		udph(skb)->check = 0;
		udph(exp)->check = 0;
		KUNIT_ASSERT_EQ(test, rewrite(test, skb, AF_INET, d), 0);
		KUNIT_EXPECT_EQ(test, (u16)udph(skb)->check, 0);
		KUNIT_EXPECT_EQ(test, (u16)ip_fast_csum(ip_hdr(skb), 5), 0);
		KUNIT_EXPECT_TRUE(test, lb_test_same(skb, exp));
		kfree_skb(exp);
		kfree_skb(skb);
	}
}

/*
 * Same with CHECKSUM_COMPLETE: the port changed, and with no transport
 * checksum to balance it skb->csum must follow, or it no longer is the
 * packet's sum.
 */
static void lb_nat_udp_no_csum_complete(struct kunit *test)
{
	unsigned int d;

	for (d = 0; d < 2; d++) {
		struct lb_test_pkt in = orig_pkt(AF_INET, IPPROTO_UDP, d);
		struct sk_buff *skb = build(test, &in);

		udph(skb)->check = 0;
		lb_test_csum_set(test, skb, CHECKSUM_COMPLETE);
		KUNIT_ASSERT_EQ(test, rewrite(test, skb, AF_INET, d), 0);
		KUNIT_EXPECT_EQ(test, (u16)udph(skb)->check, 0);
		KUNIT_EXPECT_EQ(test, (u8)skb->ip_summed, CHECKSUM_COMPLETE);
		KUNIT_EXPECT_EQ_MSG(test, lb_test_csum16(skb->csum),
				    lb_test_csum16(skb_checksum(skb, 0,
								skb->len, 0)),
				    "%s: skb->csum misses the port change",
				    d ? "dst" : "src");
		kfree_skb(skb);
	}
}

/*
 * A UDP packet whose translated checksum comes out as 0 carries 0xffff:
 * 0 would mean "no checksum".  Two payload bytes are chosen so that the
 * translated packet sums to 0 (they hold what its checksum would be).
 */
static void lb_nat_udp_csum_mangled_zero(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	unsigned int f, d;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (d = 0; d < 2; d++) {
			struct lb_test_pkt in = orig_pkt(families[f],
						       IPPROTO_UDP, d);
			struct lb_test_pkt out = xlat_pkt(families[f],
						       IPPROTO_UDP, d);
			struct sk_buff *skb, *exp = lb_test_skb(test, &out);
			unsigned int off = l4_off(exp) +
					   sizeof(struct udphdr);
			__sum16 fix;

			memset(exp->data + off, 0, sizeof(fix));
			lb_test_csum_fill(exp);
			fix = udph(exp)->check;
			memcpy(exp->data + off, &fix, sizeof(fix));
			lb_test_csum_fill(exp);
			KUNIT_ASSERT_EQ(test, (u16)udph(exp)->check,
					(u16)CSUM_MANGLED_0);

			skb = lb_test_skb(test, &in);
			memcpy(skb->data + off, &fix, sizeof(fix));
			lb_test_csum_fill(skb);
			KUNIT_ASSERT_EQ(test, rewrite(test, skb, families[f],
						      d), 0);
			KUNIT_EXPECT_EQ_MSG(test, (u16)udph(skb)->check,
					    (u16)CSUM_MANGLED_0, "IPv%d %s",
					    families[f] == AF_INET ? 4 : 6,
					    d ? "dst" : "src");
			KUNIT_EXPECT_EQ(test, lb_test_l4_csum(skb), 0);
			kfree_skb(exp);
			kfree_skb(skb);
		}
	}
}

/*
 * Headers or payload in a page fragment: the headers are pulled before
 * they are written, and the sums cover the fragment.
 */
static void lb_nat_nonlinear(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	unsigned int f, p, d, h;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (p = 0; p < ARRAY_SIZE(protos); p++) {
			for (d = 0; d < 2; d++) {
				struct lb_test_pkt in = orig_pkt(families[f],
							       protos[p], d);
				struct sk_buff *lin = build(test, &in);
				unsigned int nh = l4_off(lin);
				unsigned int heads[] = {
					nh, nh + (protos[p] == IPPROTO_TCP ?
						  sizeof(struct tcphdr) :
						  sizeof(struct udphdr)),
				};

				for (h = 0; h < ARRAY_SIZE(heads); h++) {
					struct sk_buff *skb;

					skb = lb_test_nonlinear(test, lin,
								heads[h]);
					KUNIT_ASSERT_TRUE(test,
							  skb_is_nonlinear(skb));
					check_one(test, skb, families[f],
						  protos[p], d,
						  h ? CHECKSUM_COMPLETE :
						      CHECKSUM_NONE);
				}
				kfree_skb(lin);
			}
		}
	}
}

/*
 * A UDP header cut after the ports (the parser needs only those) cannot
 * be rewritten: an error, and the packet is as it was.
 */
static void lb_nat_truncated(struct kunit *test)
{
	struct lb_test_pkt in = orig_pkt(AF_INET, IPPROTO_UDP, true);
	struct sk_buff *skb, *copy;
	struct lb_pkt pkt;
	union lb_addr to;

	in.payload = 0;
	skb = build(test, &in);
	skb_trim(skb, sizeof(struct iphdr) + 4);
	ip_hdr(skb)->tot_len = htons(skb->len);
	lb_test_csum_fill(skb);
	copy = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, lb_parse(skb, NFPROTO_IPV4, &pkt), 0);
	lb_test_addr(&to, AF_INET, BACKEND);
	KUNIT_EXPECT_LT(test, lb_nat_rewrite(skb, &pkt, true, &to,
					     htons(BPORT)), 0);
	KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));
	kfree_skb(copy);
	kfree_skb(skb);

	/* A TCP header cut short never gets as far: the parser refuses it. */
	in = orig_pkt(AF_INET6, IPPROTO_TCP, true);
	in.payload = 0;
	skb = build(test, &in);
	skb_trim(skb, sizeof(struct ipv6hdr) + 16);
	ipv6_hdr(skb)->payload_len = htons(16);
	KUNIT_EXPECT_EQ(test, lb_parse(skb, NFPROTO_IPV6, &pkt), -EINVAL);
	kfree_skb(skb);
}

/*
 * A clone shares its data with another skb: translating it copies the
 * data first, and the other skb's packet stays as it was.
 */
static void lb_nat_cloned(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		struct lb_test_pkt in = orig_pkt(families[f], IPPROTO_TCP, true);
		struct lb_test_pkt out = xlat_pkt(families[f], IPPROTO_TCP, true);
		struct sk_buff *skb = build(test, &in);
		struct sk_buff *exp = build(test, &out);
		struct sk_buff *orig = skb_copy(skb, GFP_KERNEL);
		struct sk_buff *clone = skb_clone(skb, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, orig);
		KUNIT_ASSERT_NOT_NULL(test, clone);
		KUNIT_ASSERT_EQ(test, rewrite(test, clone, families[f], true),
				0);
		KUNIT_EXPECT_TRUE(test, lb_test_same(clone, exp));
		KUNIT_EXPECT_TRUE(test, lb_test_same(skb, orig));
		kfree_skb(clone);
		kfree_skb(orig);
		kfree_skb(exp);
		kfree_skb(skb);
	}
}

/* Only TCP and UDP have ports lb translates; anything else is refused. */
static void lb_nat_other_proto(struct kunit *test)
{
	struct lb_test_pkt in = { AF_INET, IPPROTO_ICMP, CLIENT, VIP, 7 };
	struct sk_buff *skb = lb_test_skb(test, &in), *copy;
	struct lb_pkt pkt;
	union lb_addr to;

	lb_test_csum_fill(skb);
	copy = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, lb_parse(skb, NFPROTO_IPV4, &pkt), 0);
	lb_test_addr(&to, AF_INET, BACKEND);
	KUNIT_EXPECT_EQ(test, lb_nat_rewrite(skb, &pkt, true, &to,
					     htons(BPORT)), -EPROTONOSUPPORT);
	KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));
	kfree_skb(copy);
	kfree_skb(skb);
}

/*
 * lb_nat_icmp() on its own: the quote of a reply VIP:vport -> client
 * becomes backend:bport -> client and the error goes to the backend;
 * a CHECKSUM_PARTIAL error (which only a local sender makes) is refused
 * unchanged.
 */
static void lb_nat_icmp_direct(struct kunit *test)
{
	struct lb_test_pkt reply = xlat_pkt(AF_INET, IPPROTO_UDP, false);
	struct lb_test_pkt orig = orig_pkt(AF_INET, IPPROTO_UDP, false);
	struct sk_buff *q = build(test, &reply), *qexp = build(test, &orig);
	struct sk_buff *skb, *exp, *copy;
	struct lb_inner inner;
	struct lb_pkt pkt;
	union lb_addr to;

	skb = lb_test_icmp_err(test, AF_INET, ICMP_DEST_UNREACH,
			       ICMP_PORT_UNREACH, 0, CLIENT, VIP, q, 0);
	exp = lb_test_icmp_err(test, AF_INET, ICMP_DEST_UNREACH,
			       ICMP_PORT_UNREACH, 0, CLIENT, BACKEND, qexp, 0);
	KUNIT_ASSERT_EQ(test, lb_parse(skb, NFPROTO_IPV4, &pkt), 0);
	KUNIT_ASSERT_TRUE(test, pkt.icmp_err);
	KUNIT_ASSERT_EQ(test, lb_parse_inner(skb, &pkt, &inner), 0);
	lb_test_addr(&to, AF_INET, BACKEND);

	copy = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	skb->ip_summed = CHECKSUM_PARTIAL;
	KUNIT_EXPECT_LT(test, lb_nat_icmp(skb, &pkt, &inner, false, &to,
					  htons(BPORT)), 0);
	KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));

	lb_test_csum_set(test, skb, CHECKSUM_COMPLETE);
	KUNIT_ASSERT_EQ(test, lb_nat_icmp(skb, &pkt, &inner, false, &to,
					  htons(BPORT)), 0);
	KUNIT_EXPECT_TRUE(test, lb_test_same(skb, exp));
	KUNIT_EXPECT_EQ(test, lb_test_icmp_csum(skb), 0);
	/* Either no device sum any more, or one that still holds. */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ(test, lb_test_csum16(skb->csum),
				lb_test_csum16(skb_checksum(skb, 0, skb->len,
							    0)));
	kfree_skb(copy);
	kfree_skb(exp);
	kfree_skb(skb);
	kfree_skb(qexp);
	kfree_skb(q);
}

static struct kunit_case lb_nat_cases[] = {
	KUNIT_CASE(lb_nat_csum_none),
	KUNIT_CASE(lb_nat_csum_complete),
	KUNIT_CASE(lb_nat_csum_partial),
	KUNIT_CASE(lb_nat_udp_no_csum),
	KUNIT_CASE(lb_nat_udp_no_csum_complete),
	KUNIT_CASE(lb_nat_udp_csum_mangled_zero),
	KUNIT_CASE(lb_nat_nonlinear),
	KUNIT_CASE(lb_nat_truncated),
	KUNIT_CASE(lb_nat_cloned),
	KUNIT_CASE(lb_nat_other_proto),
	KUNIT_CASE(lb_nat_icmp_direct),
	{}
};

static struct kunit_suite lb_nat_suite = {
	.name = "lb_nat",
	.test_cases = lb_nat_cases,
};

kunit_test_suite(lb_nat_suite);
