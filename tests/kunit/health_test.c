// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: what an unreachable target means to the hook (health.c marks
 * it, service.c compiles it): no new flow, its flows move at their next
 * packet, it is used again once back; and the destinations paths carry
 * become the health check's probes.  Paths have mark i + 1 (util.c).
 */
#include <net/tcp.h>
#include "util.h"

#define CLIENT	0x0a000101
#define SERVER	0x0a000302

/* Mark the @i-th target of the only service down or up, and publish. */
static void set_down(struct kunit *test, struct lb_net *ln, unsigned int i,
		     bool down)
{
	struct lb_svc_conf *sc = lb_test_svc(ln);
	struct lb_tgt_conf *tc;

	mutex_lock(&ln->lock);
	list_for_each_entry(tc, &sc->targets, node)
		if (!i--)
			tc->down = down;
	KUNIT_EXPECT_EQ(test, lb_svc_republish(ln, sc), 0);
	mutex_unlock(&ln->lock);
}

/* The marks of @n TCP flows from source ports base.., counted per mark. */
static void flows(struct kunit *test, struct lb_net *ln, u16 base, int n,
		  u8 flags, u32 *marks, u32 count[4])
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, CLIENT, SERVER,
				 0, 5201, flags };

	memset(count, 0, 4 * sizeof(*count));
	lb_test_marks(test, ln, &p, base, n, marks, count);
}

/* Flow mode: a down path's flows move, new ones avoid it, then it is back. */
static void lb_health_flows_move(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	u32 marks[32], again[32], count[4];
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	flows(test, ln, 1000, 32, TCPHDR_SYN, marks, count);
	KUNIT_EXPECT_EQ(test, count[1], 16U);
	KUNIT_EXPECT_EQ(test, count[2], 16U);

	set_down(test, ln, 1, true);
	/* Their next packets (no SYN: mid-stream) all take path 1 now... */
	flows(test, ln, 1000, 32, TCPHDR_ACK, again, count);
	KUNIT_EXPECT_EQ(test, count[1], 32U);
	/* ...and stay there: new connections too. */
	flows(test, ln, 1000, 32, TCPHDR_ACK, again, count);
	KUNIT_EXPECT_EQ(test, count[1], 32U);
	flows(test, ln, 2000, 32, TCPHDR_SYN, again, count);
	KUNIT_EXPECT_EQ(test, count[1], 32U);

	/* Back: new flows use it again; the moved ones stay where they are. */
	set_down(test, ln, 1, false);
	flows(test, ln, 3000, 32, TCPHDR_SYN, again, count);
	KUNIT_EXPECT_EQ(test, count[1], 16U);
	KUNIT_EXPECT_EQ(test, count[2], 16U);
	flows(test, ln, 1000, 32, TCPHDR_ACK, again, count);
	for (i = 0; i < 32; i++)
		KUNIT_EXPECT_EQ(test, again[i], 1U);
}

/* Packet and flowlet modes leave a down path alone too. */
static void lb_health_other_modes(struct kunit *test)
{
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, CLIENT, SERVER, 3, 4 };
	u8 modes[] = { LB_MODE_PACKET, LB_MODE_FLOWLET };
	unsigned int m, i;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		struct lb_net *ln = lb_test_net(test, 1000);
		u32 count[4] = {};

		lb_test_add_paths(test, ln, modes[m], (const u32[]){ 1, 1, 1 },
				  3);
		set_down(test, ln, 0, true);
		for (i = 0; i < 300; i++) {
			p.sport = 1000 + (modes[m] == LB_MODE_FLOWLET ? i : 0);
			count[lb_test_mark(test, ln, &p)]++;
		}
		KUNIT_EXPECT_EQ(test, count[1], 0U);
		KUNIT_EXPECT_EQ(test, count[2], 150U);
		KUNIT_EXPECT_EQ(test, count[3], 150U);
	}
}

/* Every path down: packets pass unmarked, nothing is counted. */
static void lb_health_all_down(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, CLIENT, SERVER, 1000,
				 5201, TCPHDR_SYN };
	struct sk_buff *skb;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	set_down(test, ln, 0, true);
	set_down(test, ln, 1, true);
	skb = lb_test_skb(test, &p);
	skb->mark = 0x40;
	KUNIT_EXPECT_EQ(test, lb_test_run(ln, skb), NF_ACCEPT);
	KUNIT_EXPECT_EQ(test, skb->mark, 0x40U);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);
}

/* A down backend: its flows are placed anew, on the others. */
static void lb_health_backend(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, CLIENT, 0x0a000064,
				 0, 80 };
	struct lb_tgt_conf *be[3];
	struct lb_svc_conf *sc;
	struct sk_buff *skb;
	u32 on[3] = {}, i, j;

	sc = lb_test_add_vip(test, ln, AF_INET, IPPROTO_UDP, 0x0a000064, 80,
			     LB_SCHED_WRR);
	for (j = 0; j < 3; j++)
		be[j] = lb_test_add_backend(test, ln, sc, 0x0a000201 + j,
					    8000 + j, 1);
	set_down(test, ln, 2, true);
	for (i = 0; i < 60; i++) {
		p.sport = 2000 + i;
		skb = lb_test_skb(test, &p);
		KUNIT_EXPECT_EQ(test, lb_test_vip_in(ln, skb), NF_ACCEPT);
		for (j = 0; j < 3; j++)
			if (ip_hdr(skb)->daddr == htonl(0x0a000201 + j))
				on[j]++;
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, on[0], 30U);
	KUNIT_EXPECT_EQ(test, on[1], 30U);
	KUNIT_EXPECT_EQ(test, on[2], 0U);
}

/* The hook keeps one destination per path and CPU for the probe. */
static void lb_health_probe_slot(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, CLIENT, SERVER, 3, 4 };
	struct lb_pcpu_stats *s;
	struct lb_tgt_conf *tc;
	union lb_addr want;

	lb_test_add_paths(test, ln, LB_MODE_PACKET, (const u32[]){ 1 }, 1);
	tc = list_first_entry(&lb_test_svc(ln)->targets, struct lb_tgt_conf,
			      node);
	lb_test_mark(test, ln, &p);
	s = per_cpu_ptr(tc->cnt->pcpu, raw_smp_processor_id());
	lb_test_addr(&want, AF_INET, SERVER);
	KUNIT_EXPECT_EQ(test, s->dest_family, (u8)AF_INET);
	KUNIT_EXPECT_EQ(test, memcmp(&s->dest, &want, sizeof(want)), 0);

	/* Filled only when empty: another destination leaves it as it is. */
	p.daddr = SERVER + 1;
	lb_test_mark(test, ln, &p);
	KUNIT_EXPECT_EQ(test, memcmp(&s->dest, &want, sizeof(want)), 0);
	WRITE_ONCE(s->dest_family, 0);
	p.family = AF_INET6;
	p.proto = IPPROTO_UDP;
	lb_test_mark(test, ln, &p);
	lb_test_addr(&want, AF_INET6, SERVER + 1);
	KUNIT_EXPECT_EQ(test, s->dest_family, (u8)AF_INET6);
	KUNIT_EXPECT_EQ(test, memcmp(&s->dest, &want, sizeof(want)), 0);
}

static struct kunit_case lb_health_cases[] = {
	KUNIT_CASE(lb_health_flows_move),
	KUNIT_CASE(lb_health_other_modes),
	KUNIT_CASE(lb_health_all_down),
	KUNIT_CASE(lb_health_backend),
	KUNIT_CASE(lb_health_probe_slot),
	{}
};

static struct kunit_suite lb_health_suite = {
	.name = "lb_health",
	.test_cases = lb_health_cases,
};

kunit_test_suite(lb_health_suite);
