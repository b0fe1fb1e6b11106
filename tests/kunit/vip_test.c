// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: service balancing on a private namespace state configured
 * through the service API: packets to VIP:vport go to a backend and stay
 * with it, replies come back from the VIP, what a VIP does not serve is
 * dropped, runtime changes (drain, delete, scheduler) act on new flows
 * only, refused configurations change nothing, and ICMP errors about
 * translated packets are translated both ways.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/tcp.h>
#include "util.h"

#define CLIENT	0x0a000001
#define CPORT	40000
#define ROUTER	0x0a0000fe
#define VIP	0x0a000064
#define VIP2	0x0a000065
#define VPORT	80

static const struct {
	u32 addr;
	u16 port;
} be[] = {
	{ 0x0a010001, 8080 },
	{ 0x0a010002, 8080 },
	{ 0x0a010003, 8081 },
};

static unsigned int l4_off(const struct sk_buff *skb)
{
	return ip_hdr(skb)->version == 4 ? ip_hdr(skb)->ihl * 4 :
					   sizeof(struct ipv6hdr);
}

static __be16 *ports_of(const struct sk_buff *skb)
{
	return (__be16 *)(skb_network_header(skb) + l4_off(skb));
}

static bool addr_is(const struct sk_buff *skb, bool dst, u32 v)
{
	union lb_addr a;

	if (ip_hdr(skb)->version == 4) {
		lb_test_addr(&a, AF_INET, v);
		return (dst ? ip_hdr(skb)->daddr : ip_hdr(skb)->saddr) == a.ip;
	}
	lb_test_addr(&a, AF_INET6, v);
	return ipv6_addr_equal(dst ? &ipv6_hdr(skb)->daddr :
				     &ipv6_hdr(skb)->saddr, &a.in6);
}

static struct lb_test_pkt req(u8 family, u8 proto, u16 sport, u8 flags)
{
	struct lb_test_pkt p = {
		.family = family, .proto = proto, .saddr = CLIENT,
		.daddr = VIP, .sport = sport, .dport = VPORT,
		.tcp_flags = flags, .payload = 20, .pattern = 3,
	};

	return p;
}

static struct sk_buff *build(struct kunit *test, const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);

	lb_test_csum_fill(skb);
	return skb;
}

/*
 * The backend (index in be[]) lb_vip_in() sends @p to, with checksums
 * still valid; -1 if the packet was passed on untranslated.
 */
static int pick(struct kunit *test, struct lb_net *ln,
		const struct lb_test_pkt *p)
{
	struct sk_buff *skb = build(test, p);
	int i, ret = -1;

	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, lb_test_l4_csum(skb), 0);
	if (p->family == AF_INET)
		KUNIT_EXPECT_EQ(test, (u16)ip_fast_csum(ip_hdr(skb), 5), 0);
	for (i = 0; i < ARRAY_SIZE(be); i++)
		if (addr_is(skb, true, be[i].addr) &&
		    ports_of(skb)[1] == htons(be[i].port))
			ret = i;
	if (ret < 0)
		KUNIT_EXPECT_TRUE(test, addr_is(skb, true, p->daddr));
	kfree_skb(skb);
	return ret;
}

/* The target id of @p's flow, 0 for none. */
static u32 flow_tgt(struct kunit *test, struct lb_net *ln,
		    const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);
	struct lb_flow *f;
	struct lb_pkt pkt;
	u32 id = 0;

	KUNIT_ASSERT_EQ(test, lb_parse(skb, p->family == AF_INET ?
				       NFPROTO_IPV4 : NFPROTO_IPV6, &pkt), 0);
	kfree_skb(skb);
	rcu_read_lock();
	f = lb_flow_lookup(&ln->flows, &pkt.key);
	if (f)
		id = f->tgt_id;
	rcu_read_unlock();
	return id;
}

static struct lb_stats tgt_stats(struct lb_tgt_conf *tc)
{
	struct lb_stats s;

	lb_stats_read(tc->cnt->pcpu, &s);
	return s;
}

static void set_weight(struct kunit *test, struct lb_net *ln,
		       struct lb_svc_conf *sc, struct lb_tgt_conf *tc, u32 w)
{
	int err;

	mutex_lock(&ln->lock);
	err = lb_tgt_update(ln, sc, tc, w, -1, NULL);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* A service with backends be[0..n-1], each of weight 1. */
static struct lb_svc_conf *nat_svc(struct kunit *test, struct lb_net *ln,
				   u8 family, u8 proto, int sched,
				   struct lb_tgt_conf **tc, unsigned int n)
{
	struct lb_svc_conf *sc = lb_test_add_vip(test, ln, family, proto, VIP,
						 VPORT, sched);
	unsigned int i;

	for (i = 0; i < n; i++)
		tc[i] = lb_test_add_backend(test, ln, sc, be[i].addr,
					    be[i].port, 1);
	return sc;
}

/*
 * A SYN to VIP:vport becomes a packet to a backend (bytes and checksums
 * as if built for it), and a flow on that backend, counted.
 */
static void lb_vip_new_flow(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	unsigned int f, p;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (p = 0; p < ARRAY_SIZE(protos); p++) {
			struct lb_net *ln = lb_test_net(test, 1000);
			struct lb_test_pkt in = req(families[f], protos[p],
						    CPORT, TCPHDR_SYN);
			struct lb_test_pkt out = in;
			struct lb_tgt_conf *tc[2];
			struct sk_buff *skb, *exp;
			struct lb_stats s;
			int b;

			nat_svc(test, ln, families[f], protos[p], -1, tc, 2);
			KUNIT_EXPECT_EQ(test, flow_tgt(test, ln, &in), 0U);
			skb = build(test, &in);
			KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb),
					NF_ACCEPT);
			b = addr_is(skb, true, be[1].addr);
			out.daddr = be[b].addr;
			out.dport = be[b].port;
			exp = build(test, &out);
			KUNIT_EXPECT_TRUE_MSG(test, lb_test_same(skb, exp),
					      "IPv%d %s: not the packet to the backend",
					      families[f] == AF_INET ? 4 : 6,
					      protos[p] == IPPROTO_TCP ?
					      "tcp" : "udp");
			KUNIT_EXPECT_EQ(test, lb_test_l4_csum(skb), 0);
			KUNIT_EXPECT_EQ(test, flow_tgt(test, ln, &in),
					tc[b]->id);
			s = tgt_stats(tc[b]);
			KUNIT_EXPECT_EQ(test, s.flows_created, 1ULL);
			KUNIT_EXPECT_EQ(test, s.flows_active, 1ULL);
			KUNIT_EXPECT_EQ(test, s.packets, 1ULL);
			KUNIT_EXPECT_EQ(test, s.bytes, (u64)skb->len);
			s = tgt_stats(tc[!b]);
			KUNIT_EXPECT_EQ(test, s.packets, 0ULL);
			kfree_skb(exp);
			kfree_skb(skb);
		}
	}
}

/*
 * Later packets of a flow keep its backend even when the Maglev table
 * changes under it (a third backend), which would move about a third of
 * these flows if they were placed anew; new flows do reach the newcomer.
 */
static void lb_vip_flow_keeps_backend(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tgt_conf *tc[3];
	struct lb_svc_conf *sc;
	int first[32], i, on_new = 0, count[2] = {};

	sc = nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 2);
	for (i = 0; i < 32; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);

		first[i] = pick(test, ln, &p);
		KUNIT_ASSERT_GE(test, first[i], 0);
		KUNIT_ASSERT_LT(test, first[i], 2);
		count[first[i]]++;
	}
	/* Maglev over two: both get flows. */
	KUNIT_EXPECT_GT(test, count[0], 0);
	KUNIT_EXPECT_GT(test, count[1], 0);
	tc[2] = lb_test_add_backend(test, ln, sc, be[2].addr, be[2].port, 1);
	for (i = 0; i < 32; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_ACK);

		KUNIT_EXPECT_EQ_MSG(test, pick(test, ln, &p), first[i],
				    "flow %d moved", i);
		p.tcp_flags = TCPHDR_ACK | TCPHDR_PSH;
		KUNIT_EXPECT_EQ(test, pick(test, ln, &p), first[i]);
	}
	for (i = 0; i < 64; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, 50000 + i,
					   TCPHDR_SYN);

		on_new += pick(test, ln, &p) == 2;
	}
	KUNIT_EXPECT_GT(test, on_new, 0);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 96U);
}

/*
 * A backend's reply leaves with VIP:vport as its source, checksums valid,
 * and counts as a reply of that backend and its service; what does not
 * come from a backend's address, port and protocol is left alone.
 */
static void lb_vip_reply(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	unsigned int f, p;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (p = 0; p < ARRAY_SIZE(protos); p++) {
			struct lb_net *ln = lb_test_net(test, 1000);
			struct lb_test_pkt in = req(families[f], protos[p],
						    CPORT, TCPHDR_SYN);
			struct lb_test_pkt rep = {
				families[f], protos[p], be[0].addr, CLIENT,
				be[0].port, CPORT, TCPHDR_SYN | TCPHDR_ACK,
				.payload = 11, .pattern = 9,
			};
			struct lb_test_pkt out = rep;
			struct lb_tgt_conf *tc[1];
			struct lb_svc_conf *sc;
			struct sk_buff *skb, *exp, *copy;
			struct lb_stats s;

			sc = nat_svc(test, ln, families[f], protos[p], -1, tc,
				     1);
			KUNIT_EXPECT_EQ(test, pick(test, ln, &in), 0);
			out.saddr = VIP;
			out.sport = VPORT;
			skb = build(test, &rep);
			exp = build(test, &out);
			KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
			KUNIT_EXPECT_TRUE_MSG(test, lb_test_same(skb, exp),
					      "IPv%d %s: reply not from VIP:vport",
					      families[f] == AF_INET ? 4 : 6,
					      protos[p] == IPPROTO_TCP ?
					      "tcp" : "udp");
			KUNIT_EXPECT_EQ(test, lb_test_l4_csum(skb), 0);
			s = tgt_stats(tc[0]);
			KUNIT_EXPECT_EQ(test, s.reply_packets, 1ULL);
			KUNIT_EXPECT_EQ(test, s.reply_bytes, (u64)skb->len);
			KUNIT_EXPECT_EQ(test, s.packets, 1ULL);
			lb_stats_read(sc->cnt->pcpu, &s);
			KUNIT_EXPECT_EQ(test, s.reply_packets, 1ULL);
			kfree_skb(exp);
			kfree_skb(skb);

			/* Another port, or protocol, of the backend's host. */
			rep.sport = 9999;
			skb = build(test, &rep);
			copy = skb_copy(skb, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, copy);
			KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
			KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));
			kfree_skb(copy);
			kfree_skb(skb);
			rep.sport = be[0].port;
			rep.proto = protos[p] == IPPROTO_TCP ? IPPROTO_UDP :
							       IPPROTO_TCP;
			skb = build(test, &rep);
			copy = skb_copy(skb, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, copy);
			KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
			KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));
			kfree_skb(copy);
			kfree_skb(skb);
			s = tgt_stats(tc[0]);
			KUNIT_EXPECT_EQ(test, s.reply_packets, 1ULL);
		}
	}
}

/* Make @skb a BIG TCP packet: GRO past 64 KiB, whose IP length is 0. */
static void big_tcp(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		ip_hdr(skb)->tot_len = 0;
		ip_send_check(ip_hdr(skb));
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	} else {
		ipv6_hdr(skb)->payload_len = 0;
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
	}
	skb_shinfo(skb)->gso_size = 500;
}

/*
 * A BIG TCP reply (IPv4 total length 0, or IPv6 payload length 0: the
 * packet is as long as the skb) is translated like any other.  Failed
 * before the fix: it left with the backend's address.
 */
static void lb_vip_reply_big_tcp(struct kunit *test)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		struct lb_net *ln = lb_test_net(test, 1000);
		struct lb_test_pkt in = req(families[f], IPPROTO_TCP, CPORT,
					    TCPHDR_SYN);
		struct lb_test_pkt rep = {
			families[f], IPPROTO_TCP, be[0].addr, CLIENT,
			be[0].port, CPORT, TCPHDR_ACK, .payload = 1000,
			.pattern = 3,
		};
		struct lb_test_pkt out = rep;
		struct lb_tgt_conf *tc[1];
		struct sk_buff *skb, *exp;

		nat_svc(test, ln, families[f], IPPROTO_TCP, -1, tc, 1);
		KUNIT_EXPECT_EQ(test, pick(test, ln, &in), 0);
		out.saddr = VIP;
		out.sport = VPORT;
		skb = build(test, &rep);
		exp = build(test, &out);
		big_tcp(skb);
		big_tcp(exp);
		KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
		KUNIT_EXPECT_TRUE_MSG(test, lb_test_same(skb, exp),
				      "IPv%d: a BIG TCP reply not from VIP:vport",
				      families[f] == AF_INET ? 4 : 6);
		KUNIT_EXPECT_EQ(test, tgt_stats(tc[0]).reply_bytes,
				(u64)skb->len);
		kfree_skb(exp);
		kfree_skb(skb);
	}
}

/*
 * One backend behind two VIPs on the same port: each reply gets the VIP
 * its flow was sent to.
 */
static void lb_vip_shared_backend(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_svc_conf *a, *b;
	int i;

	a = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, VPORT, -1);
	b = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP2, VPORT, -1);
	lb_test_add_backend(test, ln, a, be[0].addr, be[0].port, 1);
	lb_test_add_backend(test, ln, b, be[0].addr, be[0].port, 1);
	for (i = 0; i < 8; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);
		struct lb_test_pkt r = { AF_INET, IPPROTO_TCP, be[0].addr,
					 CLIENT, be[0].port, CPORT + i,
					 TCPHDR_SYN | TCPHDR_ACK };
		struct sk_buff *skb;

		p.daddr = i & 1 ? VIP2 : VIP;
		KUNIT_EXPECT_EQ(test, pick(test, ln, &p), 0);
		skb = build(test, &r);
		KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
		KUNIT_EXPECT_TRUE_MSG(test, addr_is(skb, false, p.daddr),
				      "reply %d not from its VIP", i);
		KUNIT_EXPECT_EQ(test, ports_of(skb)[0], htons(VPORT));
		KUNIT_EXPECT_EQ(test, lb_test_l4_csum(skb), 0);
		kfree_skb(skb);
	}
}

static void drops(struct lb_net *ln, u64 *vip, u64 *nat)
{
	mutex_lock(&ln->lock);
	lb_ns_stats_read(ln, vip, nat);
	mutex_unlock(&ln->lock);
}

/* What a VIP does not serve goes nowhere, and is counted. */
static void lb_vip_unserved_dropped(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT, TCPHDR_SYN);
	struct lb_tgt_conf *tc[1];
	struct sk_buff *skb, *copy;
	u64 vip, nat;

	nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 1);
	p.dport = VPORT + 1;
	skb = build(test, &p);
	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_DROP);
	kfree_skb(skb);
	drops(ln, &vip, &nat);
	KUNIT_EXPECT_EQ(test, vip, 1ULL);

	/* UDP to the TCP port. */
	p.dport = VPORT;
	p.proto = IPPROTO_UDP;
	skb = build(test, &p);
	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_DROP);
	kfree_skb(skb);
	drops(ln, &vip, &nat);
	KUNIT_EXPECT_EQ(test, vip, 2ULL);

	/* Not a VIP: none of lb's business. */
	p.proto = IPPROTO_TCP;
	p.daddr = VIP2;
	p.dport = VPORT + 1;
	skb = build(test, &p);
	copy = skb_copy(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_ACCEPT);
	KUNIT_EXPECT_TRUE(test, lb_test_same(skb, copy));
	kfree_skb(copy);
	kfree_skb(skb);
	drops(ln, &vip, &nat);
	KUNIT_EXPECT_EQ(test, vip, 2ULL);
	KUNIT_EXPECT_EQ(test, nat, 0ULL);
	KUNIT_EXPECT_EQ(test, tgt_stats(tc[0]).packets, 0ULL);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);

	/* A fragment to VIP:vport: no ports to balance it by. */
	p = (struct lb_test_pkt){ AF_INET, IPPROTO_TCP, CLIENT, VIP, 0, 0, 0,
				  true, 0, 77 };
	skb = lb_test_skb(test, &p);
	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_DROP);
	kfree_skb(skb);
	drops(ln, &vip, &nat);
	KUNIT_EXPECT_EQ(test, vip, 2ULL);
	KUNIT_EXPECT_EQ(test, nat, 1ULL);
}

/* The VIP does not answer pings, IPv4 or IPv6. */
static void lb_vip_ping_dropped(struct kunit *test)
{
	struct lb_test_pkt ping4 = { AF_INET, IPPROTO_ICMP, CLIENT, VIP, 7 };
	struct lb_test_pkt ping6 = { AF_INET6, IPPROTO_ICMPV6, CLIENT, VIP, 7 };
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tgt_conf *tc[1];
	struct lb_svc_conf *sc6;
	struct sk_buff *skb;
	u64 vip, nat;

	nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 1);
	sc6 = lb_test_add_vip(test, ln, AF_INET6, IPPROTO_UDP, VIP, VPORT, -1);
	lb_test_add_backend(test, ln, sc6, be[0].addr, be[0].port, 1);

	skb = build(test, &ping4);
	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_DROP);
	kfree_skb(skb);
	skb = build(test, &ping6);
	KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_DROP);
	kfree_skb(skb);
	drops(ln, &vip, &nat);
	KUNIT_EXPECT_EQ(test, vip, 2ULL);
	KUNIT_EXPECT_EQ(test, nat, 0ULL);
}

/* Weight 0: no new flow, mid-stream pick-ups neither; old flows stay. */
static void lb_vip_drain(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tgt_conf *tc[2];
	struct lb_svc_conf *sc;
	int first[32], i, count[2] = {};

	sc = nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 2);
	for (i = 0; i < 32; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);

		first[i] = pick(test, ln, &p);
		KUNIT_ASSERT_GE(test, first[i], 0);
		count[first[i]]++;
	}
	KUNIT_ASSERT_GT(test, count[0], 0);
	set_weight(test, ln, sc, tc[0], 0);
	for (i = 0; i < 32; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_ACK);

		KUNIT_EXPECT_EQ(test, pick(test, ln, &p), first[i]);
	}
	for (i = 0; i < 32; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, 50000 + i,
					   i & 1 ? TCPHDR_SYN : TCPHDR_ACK);

		KUNIT_EXPECT_EQ_MSG(test, pick(test, ln, &p), 1,
				    "new flow %d on the drained backend", i);
	}
	KUNIT_EXPECT_EQ(test, tgt_stats(tc[0]).flows_created, (u64)count[0]);
}

/*
 * Deleting a backend: its flows' next packets go to the others, the
 * others' flows stay, and its replies are no longer translated.
 */
static void lb_vip_delete_backend(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt r = { AF_INET, IPPROTO_TCP, be[0].addr, CLIENT,
				 be[0].port, CPORT, TCPHDR_ACK };
	struct lb_tgt_conf *tc[3];
	struct lb_svc_conf *sc;
	int first[48], i, count[3] = {}, err;
	struct sk_buff *skb;

	sc = nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 3);
	for (i = 0; i < 48; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);

		first[i] = pick(test, ln, &p);
		KUNIT_ASSERT_GE(test, first[i], 0);
		count[first[i]]++;
	}
	KUNIT_ASSERT_GT(test, count[0], 0);
	mutex_lock(&ln->lock);
	err = lb_tgt_del(ln, sc, tc[0]);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	for (i = 0; i < 48; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_ACK);
		int now = pick(test, ln, &p);

		if (first[i] == 0) {
			KUNIT_EXPECT_TRUE_MSG(test, now == 1 || now == 2,
					      "flow %d went to %d", i, now);
			/* ... and stays where it went. */
			KUNIT_EXPECT_EQ(test, pick(test, ln, &p), now);
		} else {
			KUNIT_EXPECT_EQ(test, now, first[i]);
		}
	}
	skb = build(test, &r);
	KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
	KUNIT_EXPECT_TRUE(test, addr_is(skb, false, be[0].addr));
	KUNIT_EXPECT_EQ(test, ports_of(skb)[0], htons(be[0].port));
	kfree_skb(skb);
}

/*
 * A service whose last backend went stays a VIP: its packets are dropped
 * and counted, not passed on to wherever the VIP routes; it takes no
 * paths, and a new backend serves it again.
 */
static void lb_vip_last_backend_deleted(struct kunit *test)
{
	struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT, TCPHDR_SYN);
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tgt_conf *tc[2];
	struct lb_svc_conf *sc;
	struct sk_buff *skb;
	u64 vip, nat;
	int i, err;

	sc = nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 2);
	KUNIT_EXPECT_GE(test, pick(test, ln, &p), 0);
	mutex_lock(&ln->lock);
	for (i = 0, err = 0; i < 2 && !err; i++)
		err = lb_tgt_del(ln, sc, tc[i]);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);

	for (i = 0; i < 2; i++) {
		p.tcp_flags = i ? TCPHDR_ACK : TCPHDR_SYN;
		p.sport = CPORT + i;
		skb = build(test, &p);
		KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_DROP);
		kfree_skb(skb);
	}
	drops(ln, &vip, &nat);
	KUNIT_EXPECT_EQ(test, vip, 0ULL);
	KUNIT_EXPECT_EQ(test, nat, 2ULL);

	mutex_lock(&ln->lock);
	err = lb_tgt_add(ln, sc, 1, ~0U, 1, NULL);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, err, -EINVAL);

	lb_test_add_backend(test, ln, sc, be[2].addr, be[2].port, 1);
	KUNIT_EXPECT_EQ(test, pick(test, ln, &p), 2);
}

static void restore_defaults(void *data)
{
	lb_defaults = *(struct lb_defaults *)data;
}

/*
 * A service left to the defaults becomes flow mode with Maglev at its
 * first backend; a scheduler given explicitly stays; a mode given
 * explicitly other than flow refuses backends.
 */
static void lb_vip_first_backend_mode(struct kunit *test)
{
	struct lb_defaults *saved = kunit_kzalloc(test, sizeof(*saved),
						  GFP_KERNEL);
	struct lb_net *ln = lb_test_net(test, 1000);
	const struct lb_cfg *before;
	struct lb_svc_conf *sc;
	struct lb_match m;
	union lb_addr a;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, saved);
	*saved = lb_defaults;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							restore_defaults,
							saved), 0);
	lb_defaults.mode = LB_MODE_FLOWLET;
	lb_defaults.sched = LB_SCHED_WRR;

	sc = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, VPORT, -1);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOWLET);
	KUNIT_EXPECT_EQ(test, sc->sched, LB_SCHED_WRR);
	lb_test_add_backend(test, ln, sc, be[0].addr, be[0].port, 1);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, sc->sched, LB_SCHED_MAGLEV);
	KUNIT_EXPECT_EQ(test, sc->compiled->mode, LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, sc->compiled->sched, LB_SCHED_MAGLEV);
	KUNIT_EXPECT_PTR_EQ(test, sc->compiled->fwd, &lb_fwd_nat);
	/* A second backend changes neither. */
	lb_test_add_backend(test, ln, sc, be[1].addr, be[1].port, 1);
	KUNIT_EXPECT_EQ(test, sc->compiled->sched, LB_SCHED_MAGLEV);

	sc = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, VPORT + 1,
			     LB_SCHED_WLC);
	lb_test_add_backend(test, ln, sc, be[0].addr, be[0].port, 1);
	KUNIT_EXPECT_EQ(test, sc->compiled->mode, LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, sc->compiled->sched, LB_SCHED_WLC);

	lb_test_addr(&a, AF_INET, VIP);
	KUNIT_ASSERT_EQ(test, lb_match_init(&m, AF_INET, &a, 32, NULL, 0,
					    IPPROTO_TCP, htons(VPORT + 2),
					    NULL, NULL), 0);
	mutex_lock(&ln->lock);
	err = lb_svc_add(ln, &m, LB_MODE_PACKET, -1, 1000, LB_FWD_MARK,
			 NULL);
	sc = lb_svc_conf_find(ln, &m);
	before = rcu_access_pointer(ln->cfg);
	if (sc)
		KUNIT_EXPECT_EQ(test, lb_backend_add(ln, sc, &a, htons(8080),
						     1, NULL), -EINVAL);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_NOT_NULL(test, sc);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ln->cfg), before);
	KUNIT_EXPECT_EQ(test, sc->n_targets, 0U);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_PACKET);
}

/* A service holds paths or backends, never both; a refusal changes nothing. */
static void lb_vip_no_mixing(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_svc_conf *nat, *paths;
	const struct lb_cfg *before, *cfg;
	struct lb_tgt_conf *tc[1];
	union lb_addr a;
	int e1, e2, e3;

	nat = nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 1);
	paths = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP2, VPORT,
				LB_SCHED_WRR);
	lb_test_addr(&a, AF_INET, be[1].addr);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, paths, 1, ~0U, 1, NULL), 0);
	before = rcu_access_pointer(ln->cfg);
	e1 = lb_tgt_add(ln, nat, 2, ~0U, 1, NULL);
	e2 = lb_backend_add(ln, paths, &a, htons(be[1].port), 1, NULL);
	e3 = lb_backend_add(ln, nat, &a, htons(be[0].port), 1, NULL);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, e1, -EINVAL);
	KUNIT_EXPECT_EQ(test, e2, -EINVAL);
	KUNIT_EXPECT_EQ(test, e3, 0);
	KUNIT_EXPECT_EQ(test, nat->n_targets, 2U);
	KUNIT_EXPECT_EQ(test, paths->n_targets, 1U);
	KUNIT_EXPECT_PTR_EQ(test, paths->compiled->fwd, &lb_fwd_mark);
	cfg = rcu_dereference_protected(ln->cfg, true);
	KUNIT_EXPECT_EQ(test, cfg->n_backends, 2U);
	KUNIT_EXPECT_PTR_NE(test, rcu_access_pointer(ln->cfg), before);

	/* The same backend twice. */
	before = rcu_access_pointer(ln->cfg);
	mutex_lock(&ln->lock);
	e1 = lb_backend_add(ln, nat, &a, htons(be[0].port), 1, NULL);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, e1, -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ln->cfg), before);
}

/*
 * Direct server return (fwd ipip, gue): a backend has the service's port,
 * as the packet keeps it (another is refused, and changes nothing); the
 * service needs no reply hooks, and its backends are not looked up by
 * their replies, which never cross lb.
 */
static void lb_vip_dsr(struct kunit *test)
{
	static const u8 fwds[] = { LB_FWD_IPIP, LB_FWD_GUE };
	struct lb_net *ln = lb_test_net(test, 1000);
	const struct lb_backend_ref *b;
	const struct lb_cfg *before, *cfg;
	struct lb_svc_conf *sc;
	struct lb_match m;
	union lb_addr v, a;
	int i, e1, e2;
	u32 n;

	lb_test_addr(&a, AF_INET, be[0].addr);
	for (i = 0; i < ARRAY_SIZE(fwds); i++) {
		lb_test_addr(&v, AF_INET, VIP + i);
		KUNIT_ASSERT_EQ(test, lb_match_init(&m, AF_INET, &v, 32, NULL,
						    0, IPPROTO_TCP,
						    htons(VPORT), NULL, NULL),
				0);
		mutex_lock(&ln->lock);
		KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, -1, -1, 1000,
						 fwds[i], NULL), 0);
		sc = lb_svc_conf_find(ln, &m);
		before = rcu_access_pointer(ln->cfg);
		e1 = lb_backend_add(ln, sc, &a, htons(be[0].port), 1, NULL);
		KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ln->cfg), before);
		e2 = lb_backend_add(ln, sc, &a, htons(VPORT), 1, NULL);
		mutex_unlock(&ln->lock);
		KUNIT_EXPECT_EQ(test, e1, -EINVAL);
		KUNIT_EXPECT_EQ(test, e2, 0);
		KUNIT_EXPECT_EQ(test, sc->n_targets, 1U);
		KUNIT_EXPECT_PTR_EQ(test, sc->compiled->fwd, lb_fwds[fwds[i]]);
		KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);
		KUNIT_EXPECT_EQ(test, sc->sched, LB_SCHED_MAGLEV);
	}
	cfg = rcu_dereference_protected(ln->cfg, true);
	KUNIT_EXPECT_EQ(test, cfg->hooks, BIT(LB_HOOKS_VIP));
	KUNIT_EXPECT_EQ(test, cfg->n_vips, 2U);
	b = lb_backend_find(cfg, AF_INET, IPPROTO_TCP, &a, htons(VPORT), &n);
	KUNIT_EXPECT_NULL(test, b);
}

/*
 * Backends only on a service that matches one VIP (/32, /128), TCP or
 * UDP, and a port; and a backend needs a port.
 */
static void lb_vip_backend_needs_vip(struct kunit *test)
{
	static const struct {
		u8 family, plen, proto;
		u16 port;
	} bad[] = {
		{ AF_INET, 24, IPPROTO_TCP, VPORT },
		{ AF_INET6, 64, IPPROTO_UDP, VPORT },
		{ AF_INET, 32, 0, 0 },
		{ AF_INET, 32, IPPROTO_TCP, 0 },
		{ AF_INET, 32, IPPROTO_SCTP, VPORT },
		{ 0, 0, IPPROTO_TCP, VPORT },
	};
	struct lb_net *ln = lb_test_net(test, 1000);
	const struct lb_cfg *before;
	struct lb_svc_conf *sc;
	struct lb_match m;
	union lb_addr a, b;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		lb_test_addr(&a, bad[i].family ?: AF_INET, VIP);
		lb_test_addr(&b, bad[i].family ?: AF_INET, be[0].addr);
		KUNIT_ASSERT_EQ(test, lb_match_init(&m, bad[i].family,
						    bad[i].family ? &a : NULL,
						    bad[i].plen, NULL, 0,
						    bad[i].proto,
						    htons(bad[i].port), NULL,
						    NULL), 0);
		mutex_lock(&ln->lock);
		err = lb_svc_add(ln, &m, -1, -1, 1000, LB_FWD_MARK, NULL);
		sc = lb_svc_conf_find(ln, &m);
		before = rcu_access_pointer(ln->cfg);
		if (!err && sc)
			err = lb_backend_add(ln, sc, &b, htons(8080), 1, NULL);
		else
			err = -ENOENT;
		mutex_unlock(&ln->lock);
		KUNIT_EXPECT_EQ_MSG(test, err, -EINVAL, "match %u", i);
		KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ln->cfg), before);
		if (sc)
			KUNIT_EXPECT_EQ(test, sc->n_targets, 0U);
	}

	/* A good service, a backend without a port. */
	sc = lb_test_add_vip(test, ln, AF_INET, IPPROTO_TCP, VIP, VPORT, -1);
	lb_test_addr(&b, AF_INET, be[0].addr);
	mutex_lock(&ln->lock);
	err = lb_backend_add(ln, sc, &b, 0, 1, NULL);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	KUNIT_EXPECT_EQ(test, sc->n_targets, 0U);
}

/* A NAT service stays in flow mode: per packet or flowlet is refused. */
static void lb_vip_mode_stays_flow(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	const struct lb_cfg *before;
	struct lb_tgt_conf *tc[2];
	struct lb_svc_conf *sc;
	int e1, e2, e3;

	sc = nat_svc(test, ln, AF_INET, IPPROTO_UDP, -1, tc, 2);
	before = rcu_access_pointer(ln->cfg);
	mutex_lock(&ln->lock);
	e1 = lb_svc_update(ln, sc, LB_MODE_PACKET, -1, -1, NULL, 0, NULL);
	e2 = lb_svc_update(ln, sc, LB_MODE_FLOWLET, -1, -1, NULL, 0, NULL);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, e1, -EINVAL);
	KUNIT_EXPECT_EQ(test, e2, -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ln->cfg), before);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, sc->compiled->mode, LB_MODE_FLOW);
	mutex_lock(&ln->lock);
	e3 = lb_svc_update(ln, sc, LB_MODE_FLOW, LB_SCHED_WLC, -1, NULL, 0,
			   NULL);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, e3, 0);
	KUNIT_EXPECT_EQ(test, sc->compiled->sched, LB_SCHED_WLC);
}

/*
 * wlc: a new flow goes to the backend with the fewest active flows per
 * weight.  Four flows on A while B is drained; B back: the next four all
 * go to B (round robin or Maglev would split them), then they alternate.
 */
static void lb_vip_wlc(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tgt_conf *tc[2];
	struct lb_svc_conf *sc;
	int i, count[2] = {};

	sc = nat_svc(test, ln, AF_INET, IPPROTO_TCP, LB_SCHED_WLC, tc, 2);
	KUNIT_ASSERT_EQ(test, sc->compiled->sched, LB_SCHED_WLC);
	set_weight(test, ln, sc, tc[1], 0);
	for (i = 0; i < 4; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);

		KUNIT_EXPECT_EQ(test, pick(test, ln, &p), 0);
	}
	set_weight(test, ln, sc, tc[1], 1);
	for (i = 4; i < 8; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);

		KUNIT_EXPECT_EQ_MSG(test, pick(test, ln, &p), 1,
				    "flow %d: not on the least loaded", i);
	}
	for (i = 8; i < 16; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);
		int b = pick(test, ln, &p);

		KUNIT_ASSERT_GE(test, b, 0);
		count[b]++;
	}
	KUNIT_EXPECT_EQ(test, count[0], 4);
	KUNIT_EXPECT_EQ(test, count[1], 4);

	/* Weight 3 against 1: B takes three new flows for each of A's. */
	set_weight(test, ln, sc, tc[1], 3);
	memset(count, 0, sizeof(count));
	for (i = 16; i < 40; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);
		int b = pick(test, ln, &p);

		KUNIT_ASSERT_GE(test, b, 0);
		count[b]++;
	}
	/* 8 + 8 flows before: 16 + 24 = 40 end as 10 : 30. */
	KUNIT_EXPECT_EQ(test, count[0], 2);
	KUNIT_EXPECT_EQ(test, count[1], 22);
	KUNIT_EXPECT_EQ(test, tgt_stats(tc[1]).flows_active, 30ULL);

	/*
	 * Closed connections wait out their timeout in the table, but do not
	 * count: after 20 of B's close, the next four go to B (10 : 10 + 4).
	 */
	for (i = 0; i < 40; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_ACK);

		if (pick(test, ln, &p) != 1 ||
		    tgt_stats(tc[1]).flows_active <= 10)
			continue;
		p.tcp_flags = TCPHDR_FIN | TCPHDR_ACK;
		KUNIT_EXPECT_EQ(test, pick(test, ln, &p), 1);
	}
	KUNIT_EXPECT_EQ(test, tgt_stats(tc[1]).flows_active, 10ULL);
	memset(count, 0, sizeof(count));
	for (i = 40; i < 44; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);

		count[pick(test, ln, &p)]++;
	}
	KUNIT_EXPECT_EQ(test, count[1], 4);
}

/*
 * Short connections, each closed before the next opens, leave every
 * backend with no open flow: wlc's ties follow the weights (1:2), they do
 * not all go to the first backend.
 */
static void lb_vip_wlc_ties(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_tgt_conf *tc[2];
	struct lb_svc_conf *sc;
	int i, count[2] = {};

	sc = nat_svc(test, ln, AF_INET, IPPROTO_TCP, LB_SCHED_WLC, tc, 2);
	set_weight(test, ln, sc, tc[1], 2);
	for (i = 0; i < 30; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, CPORT + i,
					   TCPHDR_SYN);
		int b = pick(test, ln, &p);

		KUNIT_ASSERT_GE(test, b, 0);
		count[b]++;
		p.tcp_flags = TCPHDR_FIN | TCPHDR_ACK;
		KUNIT_EXPECT_EQ(test, pick(test, ln, &p), b);
	}
	KUNIT_EXPECT_EQ(test, count[0], 10);
	KUNIT_EXPECT_EQ(test, count[1], 20);
	KUNIT_EXPECT_EQ(test, tgt_stats(tc[0]).flows_active, 0ULL);
	KUNIT_EXPECT_EQ(test, tgt_stats(tc[1]).flows_active, 0ULL);
}

/*
 * Routers configured alike place flows alike, whatever order the
 * backends were added in: Maglev's promise for a service with backends.
 */
static void lb_vip_maglev_order_free(struct kunit *test)
{
	static const int orders[][3] = { { 0, 1, 2 }, { 2, 0, 1 } };
	struct lb_net *ln[2];
	int i, j, same = 0;

	for (i = 0; i < 2; i++) {
		struct lb_svc_conf *sc;

		ln[i] = lb_test_net(test, 1000);
		sc = lb_test_add_vip(test, ln[i], AF_INET, IPPROTO_TCP, VIP,
				     VPORT, -1);
		for (j = 0; j < 3; j++)
			lb_test_add_backend(test, ln[i], sc,
					    be[orders[i][j]].addr,
					    be[orders[i][j]].port, 1);
	}
	for (i = 0; i < 200; i++) {
		struct lb_test_pkt p = req(AF_INET, IPPROTO_TCP, 20000 + i,
					   TCPHDR_SYN);

		same += pick(test, ln[0], &p) == pick(test, ln[1], &p);
	}
	KUNIT_EXPECT_EQ_MSG(test, same, 200,
			    "%d of 200 flows placed differently", 200 - same);
}

/* ICMP errors */

struct icmp_case {
	u8 family, proto, type, code;
	u32 mtu;
	const char *name;
};

static const struct icmp_case icmp_cases[] = {
	{ AF_INET, IPPROTO_TCP, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400,
	  "IPv4 fragmentation needed" },
	{ AF_INET, IPPROTO_UDP, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
	  "IPv4 port unreachable" },
	{ AF_INET6, IPPROTO_TCP, ICMPV6_PKT_TOOBIG, 0, 1280,
	  "IPv6 packet too big" },
	{ AF_INET6, IPPROTO_UDP, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0,
	  "IPv6 port unreachable" },
};

/* Quote lengths: all of it, and the IP header plus 8 bytes. */
static unsigned int qlen_of(const struct icmp_case *c, int cut)
{
	if (!cut)
		return 0;
	return (c->family == AF_INET ? sizeof(struct iphdr) :
				       sizeof(struct ipv6hdr)) + 8;
}

static struct sk_buff *icmp_err(struct kunit *test, const struct icmp_case *c,
				u32 from, u32 to, const struct lb_test_pkt *q,
				int cut)
{
	struct sk_buff *quote = build(test, q), *skb;

	skb = lb_test_icmp_err(test, c->family, c->type, c->code, c->mtu,
			       from, to, quote, qlen_of(c, cut));
	kfree_skb(quote);
	return skb;
}

/*
 * The quote's own checksums, independently: its IPv4 header sum and,
 * when quoted whole, its transport sum.
 */
static void check_quote(struct kunit *test, const struct sk_buff *skb,
			const struct icmp_case *c, int cut)
{
	unsigned int off = l4_off(skb) + sizeof(struct icmphdr);
	struct sk_buff *q;

	if (c->family == AF_INET) {
		const struct iphdr *iph = (void *)(skb->data + off);

		KUNIT_EXPECT_EQ_MSG(test, (u16)ip_fast_csum(iph, iph->ihl), 0,
				    "%s: quoted IPv4 header checksum", c->name);
	}
	if (cut)
		return;
	q = alloc_skb(skb->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	skb_reset_network_header(q);
	skb_put_data(q, skb->data + off, skb->len - off);
	KUNIT_EXPECT_EQ_MSG(test, lb_test_l4_csum(q), 0,
			    "%s: quoted transport checksum", c->name);
	kfree_skb(q);
}

/*
 * An error from the client (or a router on its side) to the VIP quotes a
 * reply VIP:vport -> client: it goes on to the flow's backend, quoting
 * the reply as the backend sent it.
 */
static void lb_vip_icmp_to_vip(struct kunit *test)
{
	static const u32 froms[] = { CLIENT, ROUTER };
	unsigned int i, f;
	int cut;

	for (i = 0; i < ARRAY_SIZE(icmp_cases); i++) {
		const struct icmp_case *c = &icmp_cases[i];
		struct lb_net *ln = lb_test_net(test, 1000);
		struct lb_test_pkt fwd = req(c->family, c->proto, CPORT,
					     TCPHDR_SYN);
		struct lb_test_pkt rep = {
			c->family, c->proto, VIP, CLIENT, VPORT, CPORT,
			TCPHDR_SYN | TCPHDR_ACK, .payload = 30, .pattern = 5,
		};
		struct lb_test_pkt orig = rep;
		struct lb_tgt_conf *tc[2];
		int b;

		nat_svc(test, ln, c->family, c->proto, -1, tc, 2);
		b = pick(test, ln, &fwd);
		KUNIT_ASSERT_GE(test, b, 0);
		orig.saddr = be[b].addr;
		orig.sport = be[b].port;
		for (f = 0; f < ARRAY_SIZE(froms); f++) {
			for (cut = 0; cut < 2; cut++) {
				struct sk_buff *skb, *exp;

				skb = icmp_err(test, c, froms[f], VIP, &rep,
					       cut);
				exp = icmp_err(test, c, froms[f], be[b].addr,
					       &orig, cut);
				KUNIT_EXPECT_EQ_MSG(test,
						    lb_test_vip_in(ln, skb),
						    NF_ACCEPT, "%s", c->name);
				KUNIT_EXPECT_TRUE_MSG(test,
						      lb_test_same(skb, exp),
						      "%s from %s, %s quote: not the error the backend should get",
						      c->name,
						      f ? "router" : "client",
						      cut ? "short" : "whole");
				KUNIT_EXPECT_EQ_MSG(test,
						    lb_test_icmp_csum(skb), 0,
						    "%s: ICMP checksum",
						    c->name);
				if (c->family == AF_INET)
					KUNIT_EXPECT_EQ(test,
							(u16)ip_fast_csum(ip_hdr(skb), 5),
							0);
				check_quote(test, skb, c, cut);
				kfree_skb(exp);
				kfree_skb(skb);
			}
		}
	}
}

/*
 * An error from a backend (or a router on its side) to the client quotes
 * client -> backend:bport: the client gets it quoting client -> VIP:vport,
 * from the VIP if the backend sent it.
 */
static void lb_vip_icmp_to_client(struct kunit *test)
{
	unsigned int i, f;
	int cut;

	for (i = 0; i < ARRAY_SIZE(icmp_cases); i++) {
		const struct icmp_case *c = &icmp_cases[i];
		struct lb_net *ln = lb_test_net(test, 1000);
		struct lb_test_pkt fwd = req(c->family, c->proto, CPORT,
					     TCPHDR_SYN);
		struct lb_test_pkt sent = fwd;
		struct lb_tgt_conf *tc[2];
		int b;

		nat_svc(test, ln, c->family, c->proto, -1, tc, 2);
		b = pick(test, ln, &fwd);
		KUNIT_ASSERT_GE(test, b, 0);
		sent.daddr = be[b].addr;
		sent.dport = be[b].port;
		for (f = 0; f < 2; f++) {
			u32 from = f ? ROUTER : be[b].addr;

			for (cut = 0; cut < 2; cut++) {
				struct sk_buff *skb, *exp;

				skb = icmp_err(test, c, from, CLIENT, &sent,
					       cut);
				exp = icmp_err(test, c, f ? ROUTER : VIP,
					       CLIENT, &fwd, cut);
				KUNIT_EXPECT_EQ_MSG(test, lb_test_vip_out(ln, skb),
						    NF_ACCEPT, "%s", c->name);
				KUNIT_EXPECT_TRUE_MSG(test,
						      lb_test_same(skb, exp),
						      "%s from %s, %s quote: not the error the client should get",
						      c->name,
						      f ? "router" : "backend",
						      cut ? "short" : "whole");
				KUNIT_EXPECT_EQ_MSG(test,
						    lb_test_icmp_csum(skb), 0,
						    "%s: ICMP checksum",
						    c->name);
				if (c->family == AF_INET)
					KUNIT_EXPECT_EQ(test,
							(u16)ip_fast_csum(ip_hdr(skb), 5),
							0);
				check_quote(test, skb, c, cut);
				kfree_skb(exp);
				kfree_skb(skb);
			}
		}
	}
}

/*
 * Errors whose quote is not a TCP or UDP packet lb can read: dropped on
 * the way to a VIP (it exposes nothing), passed on untouched otherwise;
 * never a crash, never a change.
 */
static void lb_vip_icmp_garbage(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt ping = { AF_INET, IPPROTO_ICMP, VIP, CLIENT, 7 };
	struct lb_test_pkt sent = { AF_INET, IPPROTO_TCP, CLIENT, be[0].addr,
				    CPORT, be[0].port, TCPHDR_SYN };
	struct lb_test_pkt rep = { AF_INET, IPPROTO_TCP, VIP, CLIENT, VPORT,
				   CPORT, TCPHDR_ACK };
	struct lb_test_pkt rep6 = { AF_INET6, IPPROTO_TCP, VIP, CLIENT, VPORT,
				    CPORT };
	struct sk_buff *quotes[6], *skb, *copy;
	struct lb_tgt_conf *tc[1];
	unsigned int i, dir;
	u8 *raw;

	nat_svc(test, ln, AF_INET, IPPROTO_TCP, -1, tc, 1);
	/* 0: 12 bytes of 0xff; 1: a quoted ping; 2: an IPv6 header. */
	quotes[0] = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, quotes[0]);
	skb_reset_network_header(quotes[0]);
	memset(skb_put(quotes[0], 12), 0xff, 12);
	quotes[1] = build(test, &ping);
	quotes[2] = build(test, &rep6);
	/* 3, 4: a header length past the quote, in both directions' quotes. */
	quotes[3] = build(test, &rep);
	quotes[4] = build(test, &sent);
	ip_hdr(quotes[3])->ihl = 15;
	ip_hdr(quotes[4])->ihl = 15;
	/* 5: the quote ends inside the ports. */
	quotes[5] = build(test, &sent);
	skb_trim(quotes[5], sizeof(struct iphdr) + 2);

	for (i = 0; i < ARRAY_SIZE(quotes); i++) {
		for (dir = 0; dir < 2; dir++) {
			unsigned int verdict;

			skb = lb_test_icmp_err(test, AF_INET, ICMP_DEST_UNREACH,
					       ICMP_FRAG_NEEDED, 1400,
					       dir ? be[0].addr : CLIENT,
					       dir ? CLIENT : VIP, quotes[i],
					       0);
			copy = skb_copy(skb, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, copy);
			if (dir) {
				KUNIT_EXPECT_EQ_MSG(test, lb_test_vip_out(ln, skb),
						    NF_ACCEPT, "quote %u", i);
				KUNIT_EXPECT_TRUE_MSG(test,
						      lb_test_same(skb, copy),
						      "quote %u changed", i);
			} else {
				verdict = lb_test_vip_in(ln, skb);
				KUNIT_EXPECT_TRUE_MSG(test,
						      verdict == NF_DROP ||
						      lb_test_same(skb, copy),
						      "quote %u changed", i);
			}
			kfree_skb(copy);
			kfree_skb(skb);
		}
	}
	for (i = 0; i < ARRAY_SIZE(quotes); i++)
		kfree_skb(quotes[i]);

	/* A quote to the backend cut right after the ports still translates. */
	quotes[0] = build(test, &sent);
	skb = lb_test_icmp_err(test, AF_INET, ICMP_DEST_UNREACH,
			       ICMP_FRAG_NEEDED, 1400, ROUTER, CLIENT,
			       quotes[0], sizeof(struct iphdr) + 4);
	KUNIT_EXPECT_EQ(test, lb_test_vip_out(ln, skb), NF_ACCEPT);
	raw = skb->data + sizeof(struct iphdr) + sizeof(struct icmphdr);
	KUNIT_EXPECT_EQ(test, ((struct iphdr *)raw)->daddr,
			htonl(VIP));
	KUNIT_EXPECT_EQ(test, ((__be16 *)(raw + sizeof(struct iphdr)))[1],
			htons(VPORT));
	KUNIT_EXPECT_EQ(test, lb_test_icmp_csum(skb), 0);
	KUNIT_EXPECT_EQ(test, (u16)ip_fast_csum(raw, 5), 0);
	kfree_skb(skb);
	kfree_skb(quotes[0]);
}

static struct kunit_case lb_vip_cases[] = {
	KUNIT_CASE(lb_vip_new_flow),
	KUNIT_CASE(lb_vip_flow_keeps_backend),
	KUNIT_CASE(lb_vip_reply),
	KUNIT_CASE(lb_vip_reply_big_tcp),
	KUNIT_CASE(lb_vip_shared_backend),
	KUNIT_CASE(lb_vip_unserved_dropped),
	KUNIT_CASE(lb_vip_ping_dropped),
	KUNIT_CASE(lb_vip_drain),
	KUNIT_CASE(lb_vip_delete_backend),
	KUNIT_CASE(lb_vip_last_backend_deleted),
	KUNIT_CASE(lb_vip_first_backend_mode),
	KUNIT_CASE(lb_vip_no_mixing),
	KUNIT_CASE(lb_vip_dsr),
	KUNIT_CASE(lb_vip_backend_needs_vip),
	KUNIT_CASE(lb_vip_mode_stays_flow),
	KUNIT_CASE(lb_vip_wlc),
	KUNIT_CASE(lb_vip_wlc_ties),
	KUNIT_CASE(lb_vip_maglev_order_free),
	KUNIT_CASE(lb_vip_icmp_to_vip),
	KUNIT_CASE(lb_vip_icmp_to_client),
	KUNIT_CASE(lb_vip_icmp_garbage),
	{}
};

static struct kunit_suite lb_vip_suite = {
	.name = "lb_vip",
	.test_cases = lb_vip_cases,
};

kunit_test_suite(lb_vip_suite);
