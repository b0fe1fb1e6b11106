// SPDX-License-Identifier: GPL-2.0
/* lb KUnit: the flow table: insert, lookup, expiry, GC, limit, fallback. */
#include <linux/jiffies.h>
#include <net/tcp.h>
#include "util.h"

static const u32 equal[] = { 1, 1 };

static struct lb_flow *find(struct lb_net *ln, struct kunit *test,
			    const struct lb_test_pkt *p)
{
	struct sk_buff *skb = lb_test_skb(test, p);
	struct lb_pkt pkt;

	KUNIT_ASSERT_EQ(test, lb_parse(skb, p->family == AF_INET ?
				       NFPROTO_IPV4 : NFPROTO_IPV6, &pkt), 0);
	kfree_skb(skb);
	/* The entries outlive this read section only because the test is
	 * the table's sole user.
	 */
	return rhashtable_lookup_fast(&ln->flows.ht, &pkt.key, lb_flow_params);
}

static struct lb_stats svc_stats(struct lb_net *ln)
{
	struct lb_stats s;

	lb_stats_read(lb_test_svc(ln)->cnt->pcpu, &s);
	return s;
}

/* Flows in the table, as the targets' counters see them. */
static u64 active(struct lb_net *ln)
{
	const struct lb_svc *svc = lb_test_svc(ln)->compiled;
	struct lb_stats s;
	u64 sum = 0;
	u32 i;

	for (i = 0; i < svc->n_targets; i++) {
		lb_stats_read(svc->targets[i].pcpu, &s);
		sum += s.flows_active;
	}
	return sum;
}

static void gc_all(struct lb_net *ln)
{
	while (!lb_flow_gc_step(&ln->flows, 1024))
		;
}

static void lb_flow_insert_lookup(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 1111, 2222 };
	const struct lb_target *t;
	struct lb_flow *f;
	u32 mark;
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	mark = lb_test_mark(test, ln, &p);
	KUNIT_EXPECT_TRUE(test, mark == 1 || mark == 2);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);

	f = find(ln, test, &p);
	KUNIT_ASSERT_NOT_NULL(test, f);
	t = lb_cfg_target(rcu_dereference_protected(ln->cfg, true), f->tgt_id);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->mark, mark);

	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &p), mark);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
	KUNIT_EXPECT_EQ(test, svc_stats(ln).flows_created, 1ULL);
	KUNIT_EXPECT_EQ(test, active(ln), 1ULL);
	KUNIT_EXPECT_EQ(test, svc_stats(ln).packets, 11ULL);
}

/* Idle flows expire after their protocol's timeout and GC drops them. */
static void lb_flow_expiry(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt udp = { AF_INET, IPPROTO_UDP, 1, 2, 1, 2 };
	struct lb_test_pkt tcp = { AF_INET, IPPROTO_TCP, 1, 2, 3, 4,
				   TCPHDR_ACK };
	u32 now = (u32)jiffies;
	struct lb_flow *fu, *ft;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	lb_test_mark(test, ln, &udp);
	/* Two packets: a connection, not a lone ACK (lb_flow_ack_timeout). */
	lb_test_mark(test, ln, &tcp);
	lb_test_mark(test, ln, &tcp);
	fu = find(ln, test, &udp);
	ft = find(ln, test, &tcp);
	KUNIT_ASSERT_NOT_NULL(test, fu);
	KUNIT_ASSERT_NOT_NULL(test, ft);

	/* Older than the UDP timeout, younger than the TCP one. */
	fu->seen = now - (lb_defaults.timeout_udp + 1) * HZ;
	ft->seen = now - (lb_defaults.timeout_udp + 1) * HZ;
	KUNIT_EXPECT_TRUE(test, lb_flow_expired(&ln->flows, fu, now));
	KUNIT_EXPECT_FALSE(test, lb_flow_expired(&ln->flows, ft, now));

	gc_all(ln);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
	KUNIT_EXPECT_NULL(test, find(ln, test, &udp));
	KUNIT_EXPECT_NOT_NULL(test, find(ln, test, &tcp));

	/* After a FIN the short timeout applies. */
	tcp.tcp_flags = TCPHDR_FIN | TCPHDR_ACK;
	lb_test_mark(test, ln, &tcp);
	ft = find(ln, test, &tcp);
	KUNIT_ASSERT_NOT_NULL(test, ft);
	KUNIT_EXPECT_TRUE(test, lb_flow_closing(ft));
	/* Still in the table, no longer active: wlc counts open flows. */
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);
	lb_test_mark(test, ln, &tcp);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);
	ft->seen = now - (lb_defaults.timeout_tcp_close + 1) * HZ;
	gc_all(ln);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);

	/* Every flow created is gone from the active count. */
	KUNIT_EXPECT_EQ(test, svc_stats(ln).flows_created, 2ULL);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);
}

/*
 * A TCP flow that has only sent SYNs (a scan, a SYN flood) is forgotten
 * after timeout_tcp_syn; once past the SYN, it lives timeout_tcp.
 */
static void lb_flow_syn_timeout(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt syn = { AF_INET, IPPROTO_TCP, 1, 2, 5, 6,
				   TCPHDR_SYN };
	struct lb_test_pkt open = { AF_INET, IPPROTO_TCP, 1, 2, 7, 8,
				    TCPHDR_SYN };
	u32 now = (u32)jiffies, idle;
	struct lb_flow *fs, *fo;

	KUNIT_ASSERT_LT(test, lb_defaults.timeout_tcp_syn,
			lb_defaults.timeout_tcp);
	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	lb_test_mark(test, ln, &syn);
	lb_test_mark(test, ln, &syn);	/* retransmitted: still unanswered */
	lb_test_mark(test, ln, &open);
	open.tcp_flags = TCPHDR_ACK;	/* the handshake's last ACK */
	lb_test_mark(test, ln, &open);
	fs = find(ln, test, &syn);
	fo = find(ln, test, &open);
	KUNIT_ASSERT_NOT_NULL(test, fs);
	KUNIT_ASSERT_NOT_NULL(test, fo);
	KUNIT_EXPECT_TRUE(test, fs->opening);
	KUNIT_EXPECT_FALSE(test, fo->opening);

	idle = (lb_defaults.timeout_tcp_syn + 1) * HZ;
	fs->seen = now - idle;
	fo->seen = now - idle;
	KUNIT_EXPECT_TRUE(test, lb_flow_expired(&ln->flows, fs, now));
	KUNIT_EXPECT_FALSE(test, lb_flow_expired(&ln->flows, fo, now));
	gc_all(ln);
	KUNIT_EXPECT_NULL(test, find(ln, test, &syn));
	KUNIT_EXPECT_NOT_NULL(test, find(ln, test, &open));
}

/*
 * A TCP flow first seen mid-stream (an ACK: after a flush, a timeout, or a
 * flood of random ACKs) is unanswered too until its next packet: alone,
 * it is forgotten after timeout_tcp_syn, not the 300 s of timeout_tcp;
 * with a second packet it is a connection that lives timeout_tcp.
 */
static void lb_flow_ack_timeout(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt lone = { AF_INET, IPPROTO_TCP, 1, 2, 5, 6,
				    TCPHDR_ACK };
	struct lb_test_pkt mid = { AF_INET, IPPROTO_TCP, 1, 2, 7, 8,
				   TCPHDR_ACK };
	u32 now = (u32)jiffies, idle;
	struct lb_flow *fl, *fm;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	lb_test_mark(test, ln, &lone);
	lb_test_mark(test, ln, &mid);
	lb_test_mark(test, ln, &mid);
	fl = find(ln, test, &lone);
	fm = find(ln, test, &mid);
	KUNIT_ASSERT_NOT_NULL(test, fl);
	KUNIT_ASSERT_NOT_NULL(test, fm);

	idle = (lb_defaults.timeout_tcp_syn + 1) * HZ;
	fl->seen = now - idle;
	fm->seen = now - idle;
	KUNIT_EXPECT_TRUE(test, lb_flow_expired(&ln->flows, fl, now));
	KUNIT_EXPECT_FALSE(test, lb_flow_expired(&ln->flows, fm, now));
	gc_all(ln);
	KUNIT_EXPECT_NULL(test, find(ln, test, &lone));
	KUNIT_EXPECT_NOT_NULL(test, find(ln, test, &mid));
}

/* A SYN on a closing flow's 5-tuple is a new connection: placed anew. */
static void lb_flow_reuse_after_close(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 1, 2, 3, 4, TCPHDR_SYN };

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	lb_test_mark(test, ln, &p);
	KUNIT_EXPECT_EQ(test, active(ln), 1ULL);
	p.tcp_flags = TCPHDR_RST;
	lb_test_mark(test, ln, &p);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);
	p.tcp_flags = TCPHDR_SYN;
	lb_test_mark(test, ln, &p);
	KUNIT_EXPECT_EQ(test, active(ln), 1ULL);
	KUNIT_EXPECT_EQ(test, svc_stats(ln).flows_created, 2ULL);
	KUNIT_EXPECT_FALSE(test, lb_flow_closing(find(ln, test, &p)));
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
}

/*
 * Past flow_max no entry is added; flows are placed by Maglev instead,
 * which still keeps each of them on one path.
 */
static void lb_flow_limit_fallback(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 8);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 0, 53 };
	u32 first[32];
	int i, round;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 32; i++) {
			u32 mark;

			p.sport = 1000 + i;
			mark = lb_test_mark(test, ln, &p);
			KUNIT_EXPECT_NE(test, mark, 0U);
			if (!round)
				first[i] = mark;
			else
				KUNIT_EXPECT_EQ_MSG(test, mark, first[i],
						    "flow %d moved", i);
		}
	}
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 8U);
	KUNIT_EXPECT_EQ(test, active(ln), 8ULL);
	KUNIT_EXPECT_EQ(test, svc_stats(ln).flows_created, 8ULL);
	KUNIT_EXPECT_EQ(test, svc_stats(ln).fallbacks, 3ULL * 24);

	/* When the table drains, new flows are tracked again. */
	lb_flow_flush(&ln->flows);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);
	p.sport = 9999;
	lb_test_mark(test, ln, &p);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
}

/*
 * A TCP connection seen first mid-stream (no SYN) is placed by Maglev, as
 * the fallback placed it while the table was full: when the table has room
 * again, it does not move.
 */
static void lb_flow_midstream_keeps_fallback_path(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 4);
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 1, 2, 0, 80,
				 TCPHDR_SYN };
	u32 before[16];
	int i;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	for (i = 0; i < 16; i++) {
		p.sport = 2000 + i;
		before[i] = lb_test_mark(test, ln, &p);
	}
	KUNIT_EXPECT_EQ(test, svc_stats(ln).fallbacks, 12ULL);
	lb_flow_flush(&ln->flows);
	p.tcp_flags = TCPHDR_ACK;
	for (i = 4; i < 8; i++) {
		p.sport = 2000 + i;
		KUNIT_EXPECT_EQ_MSG(test, lb_test_mark(test, ln, &p), before[i],
				    "flow %d moved", i);
	}
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 4U);
}

/* The GC looks at a bounded batch per step and resumes where it was. */
static void lb_flow_gc_incremental(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 100000);
	struct lb_test_pkt p = { AF_INET, IPPROTO_UDP, 1, 2, 0, 53 };
	struct rhashtable_iter iter;
	u32 old = (u32)jiffies - (lb_defaults.timeout_udp + 1) * HZ;
	struct lb_flow *f;
	int i, steps = 0, sweeps;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	for (i = 0; i < 1000; i++) {
		p.sport = i;
		lb_test_mark(test, ln, &p);
	}
	KUNIT_ASSERT_EQ(test, lb_flow_count(&ln->flows), 1000U);
	rhashtable_walk_enter(&ln->flows.ht, &iter);
	rhashtable_walk_start(&iter);
	while ((f = rhashtable_walk_next(&iter)))
		if (!IS_ERR(f))
			f->seen = old;
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);

	while (!lb_flow_gc_step(&ln->flows, 100))
		steps++;
	KUNIT_EXPECT_GE(test, steps, 9);
	/*
	 * The table shrinks as the sweep empties it, and a walk across a
	 * resize may miss entries that moved: the next sweep gets them.
	 */
	KUNIT_EXPECT_LT(test, lb_flow_count(&ln->flows), 100U);
	for (sweeps = 0; sweeps < 3 && lb_flow_count(&ln->flows); sweeps++)
		gc_all(ln);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);
}

/*
 * A deleted target's id handed to a new target of the same service (ids
 * are reused once all 65535 have been): a flow counted by the old target
 * is not uncounted from the new one when it expires, and one that goes
 * on, on the new target, is counted there.  Failed before the fix: the
 * new target's count went below zero.
 */
static void lb_flow_id_reuse(struct kunit *test)
{
	static const u32 one[] = { 1 };
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt a = { AF_INET, IPPROTO_UDP, 1, 2, 1, 2 };
	struct lb_test_pkt b = { AF_INET, IPPROTO_UDP, 1, 2, 3, 4 };
	u32 old = (u32)jiffies - (lb_defaults.timeout_udp + 1) * HZ;
	struct lb_svc_conf *sc;
	struct lb_tgt_conf *tc;
	u32 id;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, one, 1);
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &a), 1U);
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 1U);
	KUNIT_EXPECT_EQ(test, active(ln), 2ULL);

	mutex_lock(&ln->lock);
	sc = lb_test_svc(ln);
	tc = list_first_entry(&sc->targets, struct lb_tgt_conf, node);
	id = tc->id;
	KUNIT_ASSERT_EQ(test, lb_tgt_del(ln, sc, tc), 0);
	ln->next_id = id;
	KUNIT_ASSERT_EQ(test, lb_tgt_add(ln, sc, 2, ~0U, 1, NULL), 0);
	tc = list_first_entry(&sc->targets, struct lb_tgt_conf, node);
	mutex_unlock(&ln->lock);
	KUNIT_ASSERT_EQ(test, tc->id, id);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);

	/* b goes on, on the target with its id now: counted there. */
	KUNIT_EXPECT_EQ(test, lb_test_mark(test, ln, &b), 2U);
	KUNIT_EXPECT_EQ(test, active(ln), 1ULL);
	/* a expires where it was counted, by the deleted target. */
	find(ln, test, &a)->seen = old;
	gc_all(ln);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
	KUNIT_EXPECT_EQ(test, active(ln), 1ULL);
	find(ln, test, &b)->seen = old;
	gc_all(ln);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 0U);
	KUNIT_EXPECT_EQ(test, active(ln), 0ULL);
}

/*
 * The timeouts and the bound are the namespace's (tune.c): a change judges
 * the flows there are at their next check, a raised timeout keeps what it
 * covers, a bound below the flows there are takes no new one (the packet
 * is balanced without an entry), and out-of-range values are refused.
 */
static void lb_flow_tuned(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 1000);
	struct lb_test_pkt udp = { AF_INET, IPPROTO_UDP, 1, 2, 1, 2 };
	struct lb_test_pkt other = { AF_INET, IPPROTO_UDP, 3, 2, 1, 2 };
	u32 now = (u32)jiffies, idle = lb_defaults.timeout_udp - 1;
	struct lb_tunables t, bad;
	struct lb_flow *f;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, equal, 2);
	lb_test_mark(test, ln, &udp);
	f = find(ln, test, &udp);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->seen = now - idle * HZ;
	lb_tunables_get(ln, &t);
	KUNIT_EXPECT_EQ(test, t.timeout[LB_TO_UDP], lb_defaults.timeout_udp);
	KUNIT_EXPECT_EQ(test, t.flow_max, 1000U);
	KUNIT_EXPECT_FALSE(test, lb_flow_expired(&ln->flows, f, now));

	t.timeout[LB_TO_UDP] = idle - 1;
	KUNIT_ASSERT_EQ(test, lb_tunables_check(&t, NULL), 0);
	lb_tunables_set(ln, &t);
	KUNIT_EXPECT_TRUE(test, lb_flow_expired(&ln->flows, f, now));
	t.timeout[LB_TO_UDP] = idle + 1;
	lb_tunables_set(ln, &t);
	KUNIT_EXPECT_FALSE(test, lb_flow_expired(&ln->flows, f, now));

	/* A bound of 1, with one flow there: the next flow gets no entry. */
	t.flow_max = 1;
	lb_tunables_set(ln, &t);
	lb_test_mark(test, ln, &other);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), 1U);
	KUNIT_EXPECT_NULL(test, find(ln, test, &other));

	bad = t;
	bad.flow_max = lb_defaults.flow_max + 1;
	KUNIT_EXPECT_EQ(test, lb_tunables_check(&bad, NULL), -EINVAL);
	bad = t;
	bad.timeout[LB_TO_TCP_SYN] = 0;
	KUNIT_EXPECT_EQ(test, lb_tunables_check(&bad, NULL), -EINVAL);
	bad = t;
	bad.timeout[LB_TO_OTHER] = LB_TIMEOUT_MAX + 1;
	KUNIT_EXPECT_EQ(test, lb_tunables_check(&bad, NULL), -EINVAL);
	bad = t;
	bad.flowlet_us = LB_FLOWLET_US_MIN - 1;
	KUNIT_EXPECT_EQ(test, lb_tunables_check(&bad, NULL), -EINVAL);
}

static struct kunit_case lb_flow_cases[] = {
	KUNIT_CASE(lb_flow_insert_lookup),
	KUNIT_CASE(lb_flow_expiry),
	KUNIT_CASE(lb_flow_tuned),
	KUNIT_CASE(lb_flow_syn_timeout),
	KUNIT_CASE(lb_flow_ack_timeout),
	KUNIT_CASE(lb_flow_reuse_after_close),
	KUNIT_CASE(lb_flow_limit_fallback),
	KUNIT_CASE(lb_flow_midstream_keeps_fallback_path),
	KUNIT_CASE(lb_flow_gc_incremental),
	KUNIT_CASE(lb_flow_id_reuse),
	{}
};

static struct kunit_suite lb_flow_suite = {
	.name = "lb_flow",
	.test_cases = lb_flow_cases,
};

kunit_test_suite(lb_flow_suite);
