// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: the hook on synthetic packets: the mark each mode sets, and
 * what runtime changes do to flows.  Paths have mark i + 1 (util.c).
 */
#include <linux/jiffies.h>
#include <net/tcp.h>
#include "util.h"

static void set_weights(struct kunit *test, struct lb_net *ln,
			const u32 *w, u32 n)
{
	mutex_lock(&ln->lock);
	KUNIT_EXPECT_EQ(test, lb_svc_update(ln, lb_test_svc(ln), -1, -1, -1,
					    w, n, NULL), 0);
	mutex_unlock(&ln->lock);
}

static void set_mode(struct kunit *test, struct lb_net *ln, int mode)
{
	mutex_lock(&ln->lock);
	KUNIT_EXPECT_EQ(test, lb_svc_update(ln, lb_test_svc(ln), mode, -1, -1,
					    NULL, 0, NULL), 0);
	mutex_unlock(&ln->lock);
}

/* Marks of @n flows (source ports base..base+n-1); added to @count. */
static void flows(struct kunit *test, struct lb_net *ln, u16 base, int n,
		  u32 *marks, u32 count[4])
{
	static const struct lb_test_pkt p = {
		AF_INET, IPPROTO_TCP, 0x0a0a0101, 0x0a0a0302, 0, 5201, TCPHDR_SYN
	};

	lb_test_marks(test, ln, &p, base, n, marks, count);
}

/* Per packet: exact weighted shares, even within one flow. */
static void lb_hook_packet_mode(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 3, 4 };
	u32 count[4] = {}, prev = 0;
	int i;

	lb_test_add_paths(test, ln, LB_MODE_PACKET, (const u32[]){ 1, 1 }, 2);
	for (i = 0; i < 1000; i++) {
		u32 mark = lb_test_mark(test, ln, &p);

		KUNIT_EXPECT_NE(test, mark, prev);	/* 1:1 alternates */
		prev = mark;
		count[mark]++;
	}
	KUNIT_EXPECT_EQ(test, count[1], 500U);
	KUNIT_EXPECT_EQ(test, count[2], 500U);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);

	set_weights(test, ln, (const u32[]){ 1, 3 }, 2);
	memset(count, 0, sizeof(count));
	for (i = 0; i < 4000; i++)
		count[lb_test_mark(test, ln, &p)]++;
	KUNIT_EXPECT_EQ(test, count[1], 1000U);
	KUNIT_EXPECT_EQ(test, count[2], 3000U);
}

/* Per flow: 32 flows split 16/16, every flow on one path throughout. */
static void lb_hook_flow_mode(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[32], again[32], count[4] = {}, ignored[4] = {};
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	flows(test, ln, 1000, 32, marks, count);
	KUNIT_EXPECT_EQ(test, count[1], 16U);
	KUNIT_EXPECT_EQ(test, count[2], 16U);
	for (i = 0; i < 5; i++) {
		flows(test, ln, 1000, 32, again, ignored);
		KUNIT_EXPECT_EQ(test, memcmp(marks, again, sizeof(marks)), 0);
	}
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 32U);
}

static void lb_hook_flow_ipv6(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET6, IPPROTO_UDP, 1, 2, 0, 53 };
	u32 count[4] = {}, first[8];
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	for (i = 0; i < 8; i++) {
		p.sport = 100 + i;
		first[i] = lb_test_mark(test, ln, &p);
		count[first[i]]++;
	}
	KUNIT_EXPECT_EQ(test, count[1], 4U);
	for (i = 0; i < 8; i++) {
		p.sport = 100 + i;
		KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), first[i]);
	}
}

/* New weights steer new flows; existing flows keep their path. */
static void lb_hook_weight_change_keeps_flows(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[32], again[32], fresh[40], count[4] = {}, c2[4] = {};

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	flows(test, ln, 1000, 32, marks, count);
	set_weights(test, ln, (const u32[]){ 3, 1 }, 2);
	flows(test, ln, 1000, 32, again, c2);
	KUNIT_EXPECT_EQ(test, memcmp(marks, again, sizeof(marks)), 0);

	memset(c2, 0, sizeof(c2));
	flows(test, ln, 5000, 40, fresh, c2);
	KUNIT_EXPECT_EQ(test, c2[1], 30U);
	KUNIT_EXPECT_EQ(test, c2[2], 10U);
}

/* Weight 0 drains: no new flow, the old ones stay. */
static void lb_hook_drain(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[16], again[16], fresh[16], count[4] = {}, c2[4] = {};

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	flows(test, ln, 1000, 16, marks, count);
	set_weights(test, ln, (const u32[]){ 1, 0 }, 2);
	flows(test, ln, 1000, 16, again, c2);
	KUNIT_EXPECT_EQ(test, memcmp(marks, again, sizeof(marks)), 0);
	memset(c2, 0, sizeof(c2));
	flows(test, ln, 3000, 16, fresh, c2);
	KUNIT_EXPECT_EQ(test, c2[1], 16U);

	/* Per packet, a drained path gets nothing at all. */
	set_mode(test, ln, LB_MODE_PACKET);
	memset(c2, 0, sizeof(c2));
	flows(test, ln, 1000, 16, again, c2);
	KUNIT_EXPECT_EQ(test, c2[1], 16U);

	/* No path with a weight: packets are left alone. */
	set_weights(test, ln, (const u32[]){ 0, 0 }, 2);
	memset(c2, 0, sizeof(c2));
	flows(test, ln, 1000, 4, again, c2);
	KUNIT_EXPECT_EQ(test, c2[0], 4U);
}

/* Deleting a path moves its flows; the others stay. */
static void lb_hook_delete_path_moves_flows(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[16], again[16], count[4] = {}, c2[4] = {};
	struct lb_svc_conf *sc;
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	flows(test, ln, 1000, 16, marks, count);
	sc = lb_test_svc(ln);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_tgt_del(ln, sc, lb_tgt_conf_find(sc, -1, 2)),
			0);
	mutex_unlock(&ln->lock);
	flows(test, ln, 1000, 16, again, c2);
	KUNIT_EXPECT_EQ(test, c2[1], 16U);
	for (i = 0; i < 16; i++)
		if (marks[i] == 1)
			KUNIT_EXPECT_EQ(test, again[i], 1U);
}

/* Switching modes keeps working; flow state survives a packet interlude. */
static void lb_hook_mode_switch(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[8], again[8], count[4] = {}, c2[4] = {};

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	flows(test, ln, 1000, 8, marks, count);
	set_mode(test, ln, LB_MODE_PACKET);
	flows(test, ln, 1000, 8, again, c2);
	KUNIT_EXPECT_EQ(test, c2[1], 4U);
	set_mode(test, ln, LB_MODE_FLOW);
	flows(test, ln, 1000, 8, again, c2);
	KUNIT_EXPECT_EQ(test, memcmp(marks, again, sizeof(marks)), 0);
}

static struct lb_flow *flow_of(struct kunit *test, struct lb_net *ln,
			       const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);
	struct lb_pkt pkt;

	KUNIT_ASSERT_EQ(test, lb_parse(skb, NFPROTO_IPV4, &pkt), 0);
	kfree_skb(skb);
	return rhashtable_lookup_fast(&ln->flows.ht, &pkt.key, lb_flow_params);
}

/*
 * Flowlet: a flow moves only after an idle gap longer than the timeout,
 * and then only toward less load: two flows stuck on one path spread out
 * at their next gaps, and stay spread.
 */
static void lb_hook_flowlet_gap(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt a = { AF_INET, IPPROTO_TCP, 1, 2, 3, 4, TCPHDR_SYN };
	struct lb_test_pkt b = { AF_INET, IPPROTO_TCP, 1, 2, 5, 6, TCPHDR_SYN };
	struct lb_flow *fa, *fb;
	struct lb_stats s;
	int i;

	/* Both flows start on path 1, path 2 being drained. */
	lb_test_add_paths(test, ln, LB_MODE_FLOWLET, (const u32[]){ 1, 0 }, 2);
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &a), 1U);
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 1U);
	set_weights(test, ln, (const u32[]){ 1, 1 }, 2);
	fa = flow_of(test, ln, &a);
	fb = flow_of(test, ln, &b);
	KUNIT_ASSERT_NOT_NULL(test, fa);
	KUNIT_ASSERT_NOT_NULL(test, fb);

	/* Back to back: no gap, no move, imbalance or not. */
	for (i = 0; i < 10; i++) {
		fb->stamp = (u32)(ktime_get_ns() >> 10);
		KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 1U);
	}
	/* Just inside the 1000 us gap: it stays. */
	fb->stamp = (u32)(ktime_get_ns() >> 10) - 900;
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 1U);
	/* A gap of twice the timeout: b moves to the empty path... */
	fb->stamp = (u32)(ktime_get_ns() >> 10) - 2000;
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 2U);
	/* ...and a, alone on path 1 now, stays after its own gap. */
	fa->stamp = (u32)(ktime_get_ns() >> 10) - 2000;
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &a), 1U);
	fb->stamp = (u32)(ktime_get_ns() >> 10) - 2000;
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 2U);

	lb_stats_read(lb_test_svc(ln)->cnt->pcpu, &s);
	KUNIT_EXPECT_EQ(test, s.flowlet_switches, 1ULL);
	KUNIT_EXPECT_EQ(test, s.flows_created, 2ULL);
}

/*
 * A reset (lb_counters_zero()) makes the counters read 0 and count on from
 * there, without touching the per-CPU sums the packet path writes; active
 * flows, a gauge, stay.
 */
static void lb_hook_stats_reset(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 3, 4 };
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct lb_stats s;
	u32 mark = 0;
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	sc = lb_test_svc(ln);
	for (i = 0; i < 10; i++)
		mark = lb_test_mark(test, ln, &p);
	tc = lb_tgt_conf_find(sc, -1, mark);
	KUNIT_ASSERT_NOT_NULL(test, tc);

	mutex_lock(&ln->lock);
	lb_counters_read(tc->cnt, &s);
	KUNIT_EXPECT_EQ(test, s.packets, 10ULL);
	lb_counters_zero(sc->cnt);
	lb_counters_zero(tc->cnt);
	lb_counters_read(tc->cnt, &s);
	KUNIT_EXPECT_EQ(test, s.packets, 0ULL);
	KUNIT_EXPECT_EQ(test, s.bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, s.flows_created, 0ULL);
	KUNIT_EXPECT_EQ(test, s.flows_active, 1ULL);
	mutex_unlock(&ln->lock);

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), mark);
	mutex_lock(&ln->lock);
	lb_counters_read(tc->cnt, &s);
	KUNIT_EXPECT_EQ(test, s.packets, 3ULL);
	lb_counters_read(sc->cnt, &s);
	KUNIT_EXPECT_EQ(test, s.packets, 3ULL);
	KUNIT_EXPECT_EQ(test, s.flows_created, 0ULL);
	mutex_unlock(&ln->lock);
	/* The sums the packet path writes went on from where they were. */
	lb_stats_read(tc->cnt->pcpu, &s);
	KUNIT_EXPECT_EQ(test, s.packets, 13ULL);
}

/* Mark of one packet arriving on @in. */
static u32 mark_in(struct kunit *test, struct lb_net *ln,
		   const struct lb_test_pkt *p, const struct net_device *in)
{
	struct sk_buff *skb = lb_test_skb(test, p);
	u32 mark;

	lb_test_run_in(ln, skb, in);
	mark = skb->mark;
	kfree_skb(skb);
	return mark;
}

/*
 * A catch-all service sees requests from one side and replies from the
 * other.  Replies must not take turns with requests, or every request
 * would take the same path: per packet and per new flow.
 */
static void lb_hook_replies_keep_own_turns(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct net_device *client_side = lb_test_dev(test, 2);
	struct net_device *server_side = lb_test_dev(test, 3);
	struct lb_test_pkt req = { AF_INET, IPPROTO_ICMP, 0x0a0a0101,
				   0x0a0a0302, 7 };
	struct lb_test_pkt rep = { AF_INET, IPPROTO_ICMP, 0x0a0a0302,
				   0x0a0a0101, 7 };
	u32 count[4] = {};
	int i;

	lb_test_add_paths(test, ln, LB_MODE_PACKET, (const u32[]){ 1, 1 }, 2);
	for (i = 0; i < 100; i++) {
		count[mark_in(test, ln, &req, client_side)]++;
		mark_in(test, ln, &rep, server_side);
	}
	KUNIT_EXPECT_EQ(test, count[1], 50U);
	KUNIT_EXPECT_EQ(test, count[2], 50U);

	/* Per flow: SYN one way, SYN-ACK the other, 32 connections. */
	set_mode(test, ln, LB_MODE_FLOW);
	memset(count, 0, sizeof(count));
	req.proto = IPPROTO_TCP;
	rep.proto = IPPROTO_TCP;
	req.dport = 5201;
	rep.sport = 5201;
	for (i = 0; i < 32; i++) {
		req.sport = 40000 + i;
		rep.dport = 40000 + i;
		req.tcp_flags = TCPHDR_SYN;
		rep.tcp_flags = TCPHDR_SYN | TCPHDR_ACK;
		count[mark_in(test, ln, &req, client_side)]++;
		mark_in(test, ln, &rep, server_side);
	}
	KUNIT_EXPECT_EQ(test, count[1], 16U);
	KUNIT_EXPECT_EQ(test, count[2], 16U);
}

/* All fragments of a datagram take one path, whatever the mode. */
static void lb_hook_fragments(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 0, 0, 0, true,
				 0, 77 };
	u32 mark, ids[2] = {}, i;

	lb_test_add_paths(test, ln, LB_MODE_PACKET, (const u32[]){ 1, 1 }, 2);
	for (p.frag_id = 0; p.frag_id < 64; p.frag_id++) {
		p.frag_off = 0;
		mark = lb_test_mark(test, ln, &p);
		ids[mark - 1]++;
		for (i = 1; i < 6; i++) {
			p.frag_off = i * 185;
			KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), mark);
		}
	}
	/* Different datagrams still spread over both paths. */
	KUNIT_EXPECT_GT(test, ids[0], 16U);
	KUNIT_EXPECT_GT(test, ids[1], 16U);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);
}

/* What lb must leave alone, it leaves alone, mark included. */
static void lb_hook_untouched(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 3, 4 };
	struct sk_buff *skb;

	/* No service at all. */
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), 0U);

	lb_test_add_paths(test, ln, LB_MODE_PACKET, (const u32[]){ 1, 1 }, 2);
	skb = lb_test_skb(test, &p);
	skb->pkt_type = PACKET_OTHERHOST;
	skb->mark = 0x55;
	KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, skb->mark, 0x55U);
	kfree_skb(skb);

	skb = lb_test_skb(test, &p);
	ip_hdr(skb)->ihl = 3;
	skb->mark = 0x55;
	KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, skb->mark, 0x55U);
	kfree_skb(skb);
}

/* The mark is applied like MARK --set-xmark: bits outside the mask stay. */
static void lb_hook_mark_mask(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 3, 4 };
	struct lb_match m;
	struct sk_buff *skb;

	KUNIT_ASSERT_EQ(test, lb_match_init(&m, 0, NULL, 0, NULL, 0, 0, 0,
					    NULL, NULL), 0);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, LB_MODE_FLOW, LB_SCHED_WRR,
					 1000, LB_FWD_MARK, NULL), 0);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, lb_test_svc(ln), 0x30, 0xf0, 1,
					 NULL), 0);
	/* A mark with bits outside its mask is refused. */
	KUNIT_EXPECT_EQ(test, lb_tgt_add(ln, lb_test_svc(ln), 0x300, 0xf0, 1,
					 NULL), -EINVAL);
	mutex_unlock(&ln->lock);

	skb = lb_test_skb(test, &p);
	skb->mark = 0x1c5;
	lb_test_run(ln, skb);
	KUNIT_EXPECT_EQ(test, skb->mark, 0x135U);
	kfree_skb(skb);
}

/* The mark @ln gives a packet of @p that comes with @mark. */
static u32 lb_marked(struct kunit *test, struct lb_net *ln,
		     const struct lb_test_pkt *p, u32 mark)
{
	struct sk_buff *skb = lb_test_skb(test, p);

	skb->mark = mark;
	KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
	mark = skb->mark;
	kfree_skb(skb);
	return mark;
}

/*
 * Without a mask, a path's mark replaces only the bits the service's marks
 * use, as paths come and go: the other bits of a packet's mark (another
 * user's) stay.  An explicit mask is the path's own.
 */
static void lb_hook_mark_mask_auto(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 3, 4 };
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	struct lb_match m;
	u32 i, got, seen = 0;

	KUNIT_ASSERT_EQ(test, lb_match_init(&m, 0, NULL, 0, NULL, 0, 0, 0,
					    NULL, NULL), 0);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, LB_MODE_PACKET, LB_SCHED_WRR,
					 1000, LB_FWD_MARK, NULL), 0);
	sc = lb_test_svc(ln);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 1, LB_MASK_AUTO, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 2, LB_MASK_AUTO, 1, NULL), 0);
	mutex_unlock(&ln->lock);

	/* Marks 1 and 2: bits 0x3 are lb's, even where they came set. */
	for (i = 0; i < 8; i++) {
		got = lb_marked(test, ln, &p, 0xabc03);
		KUNIT_EXPECT_EQ(test, got & ~3U, 0xabc00U);
		seen |= BIT(got & 3);
	}
	KUNIT_EXPECT_EQ(test, seen, BIT(1) | BIT(2));

	/* A path of mark 4 widens the default to 0x7 (0x17 with 0x10's). */
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 4, LB_MASK_AUTO, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 0x10, 0xff0, 1, NULL), 0);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_EQ(test, lb_tgt_conf_mask(lb_tgt_conf_find(sc, -1, 1),
					       lb_svc_conf_mark_bits(sc)),
			0x17U);
	seen = 0;
	for (i = 0; i < 16; i++) {
		got = lb_marked(test, ln, &p, 0xabcff);
		if (got == 0xab01f)	/* 0x10 under its own mask */
			seen |= BIT(5);
		else if ((got & ~0x17U) == 0xabce8)
			seen |= BIT(got & 0x17);
		else
			KUNIT_FAIL(test, "mark 0x%x from 0xabcff", got);
	}
	KUNIT_EXPECT_EQ(test, seen, BIT(1) | BIT(2) | BIT(4) | BIT(5));

	/* Back to the default, then the wider paths gone: 0x3 again. */
	mutex_lock(&ln->lock);
	tc = lb_tgt_conf_find(sc, -1, 0x10);
	KUNIT_ASSERT_EQ(test, lb_tgt_update(ln, sc, tc, -1, LB_MASK_AUTO, NULL),
			0);
	KUNIT_EXPECT_EQ(test, lb_tgt_conf_mask(tc, lb_svc_conf_mark_bits(sc)),
			0x17U);
	KUNIT_ASSERT_EQ(test, lb_tgt_del(ln, sc, tc), 0);
	KUNIT_ASSERT_EQ(test, lb_tgt_del(ln, sc, lb_tgt_conf_find(sc, -1, 4)),
			0);
	mutex_unlock(&ln->lock);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, lb_marked(test, ln, &p, 0xabcff) & ~3U,
				0xabcfcU);
}

/* The most specific service wins, whatever the order they were added. */
static void lb_hook_most_specific(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 0x0a000001, 0x0a000009,
				 1, 80 };
	union lb_addr vip = { .ip = htonl(0x0a000009) };
	union lb_addr net = { .ip = htonl(0x0a000000) };
	struct lb_svc_conf *sc;
	struct lb_match m;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	mutex_lock(&ln->lock);
	KUNIT_ASSERT_EQ(test, lb_match_init(&m, AF_INET, &vip, 32, NULL, 0,
					    IPPROTO_TCP, htons(80), NULL,
					    NULL), 0);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, LB_MODE_FLOW, LB_SCHED_WRR,
					 1000, LB_FWD_MARK, NULL), 0);
	sc = lb_svc_conf_find(ln, &m);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 9, ~0U, 1, NULL), 0);
	/* /8 with host bits given: stored masked, as iptables does. */
	KUNIT_ASSERT_EQ(test, lb_match_init(&m, AF_INET, &vip, 8, NULL, 0, 0,
					    0, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, m.daddr.ip, net.ip);
	KUNIT_ASSERT_EQ(test, lb_svc_add(ln, &m, LB_MODE_FLOW, LB_SCHED_WRR,
					 1000, LB_FWD_MARK, NULL), 0);
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, lb_svc_conf_find(ln, &m), 8, ~0U,
					 1, NULL), 0);
	/* The same match twice is refused. */
	KUNIT_EXPECT_EQ(test, lb_svc_add(ln, &m, LB_MODE_FLOW, LB_SCHED_WRR,
					 1000, LB_FWD_MARK, NULL), -EEXIST);
	mutex_unlock(&ln->lock);

	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), 9U);
	p.dport = 81;
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), 8U);
	p.daddr = 0x0b000009;
	KUNIT_EXPECT_LT(test, lb_test_mark(test, ln, &p), 3U);
}

/* A refused change leaves everything as it was. */
static void lb_hook_rejects_change_nothing(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	const struct lb_cfg *before;
	struct lb_svc_conf *sc;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	sc = lb_test_svc(ln);
	before = rcu_access_pointer(ln->cfg);
	mutex_lock(&ln->lock);
	KUNIT_EXPECT_EQ(test, lb_svc_update(ln, sc, -1, -1, -1,
					    (const u32[]){ 1 }, 1, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lb_svc_update(ln, sc, -1, -1, -1,
					    (const u32[]){ 1, 70000 }, 2,
					    NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, lb_svc_update(ln, sc, 7, -1, -1, NULL, 0, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lb_svc_update(ln, sc, -1, -1, 1, NULL, 0, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lb_tgt_add(ln, sc, 1, ~0U, 1, NULL), -EEXIST);
	mutex_unlock(&ln->lock);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(ln->cfg), before);
	KUNIT_EXPECT_EQ(test, sc->mode, LB_MODE_FLOW);
	KUNIT_EXPECT_EQ(test, sc->n_targets, 2U);
	KUNIT_EXPECT_EQ(test, list_last_entry(&sc->targets, struct lb_tgt_conf,
					      node)->weight, 1U);
}

static struct kunit_case lb_hook_cases[] = {
	KUNIT_CASE(lb_hook_packet_mode),
	KUNIT_CASE(lb_hook_flow_mode),
	KUNIT_CASE(lb_hook_flow_ipv6),
	KUNIT_CASE(lb_hook_weight_change_keeps_flows),
	KUNIT_CASE(lb_hook_drain),
	KUNIT_CASE(lb_hook_delete_path_moves_flows),
	KUNIT_CASE(lb_hook_mode_switch),
	KUNIT_CASE(lb_hook_flowlet_gap),
	KUNIT_CASE(lb_hook_replies_keep_own_turns),
	KUNIT_CASE(lb_hook_fragments),
	KUNIT_CASE(lb_hook_untouched),
	KUNIT_CASE(lb_hook_mark_mask),
	KUNIT_CASE(lb_hook_mark_mask_auto),
	KUNIT_CASE(lb_hook_stats_reset),
	KUNIT_CASE(lb_hook_most_specific),
	KUNIT_CASE(lb_hook_rejects_change_nothing),
	{}
};

static struct kunit_suite lb_hook_suite = {
	.name = "lb_hook",
	.test_cases = lb_hook_cases,
};

kunit_test_suite(lb_hook_suite);
