// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit benchmark: the hook's cost per packet on pre-built packets, for
 * each mode at 1k, 100k and 1M flows, IPv4 and IPv6 — lb's own code with
 * nothing else in the way.  Built only with CONFIG_LB_KUNIT_BENCH
 * (scripts/kunit --bench) and never part of the pass/fail run: it prints
 * figures.  Its assertions only check that the table holds the flows.
 *
 * Packets visit the flows in a scrambled order (an odd-stride walk modulo
 * the flow count), so table lookups miss the CPU caches as real traffic
 * would rather than walking memory in order.
 */
#include <linux/ktime.h>
#include <linux/gcd.h>
#include <net/tcp.h>
#include "util.h"

#define LB_BENCH_PACKETS	1000000

struct lb_bench_case {
	const char *name;
	u8 mode;
	u8 family;
	u32 flows;
};

static const struct lb_bench_case lb_bench_cases[] = {
	{ "packet v4 1k", LB_MODE_PACKET, AF_INET, 1000 },
	{ "flow v4 1k", LB_MODE_FLOW, AF_INET, 1000 },
	{ "flow v4 100k", LB_MODE_FLOW, AF_INET, 100000 },
	{ "flow v4 1M", LB_MODE_FLOW, AF_INET, 1000000 },
	{ "flowlet v4 1k", LB_MODE_FLOWLET, AF_INET, 1000 },
	{ "flowlet v4 1M", LB_MODE_FLOWLET, AF_INET, 1000000 },
	{ "packet v6 1k", LB_MODE_PACKET, AF_INET6, 1000 },
	{ "flow v6 1k", LB_MODE_FLOW, AF_INET6, 1000 },
	{ "flow v6 100k", LB_MODE_FLOW, AF_INET6, 100000 },
	{ "flow v6 1M", LB_MODE_FLOW, AF_INET6, 1000000 },
};

static void lb_bench_desc(const struct lb_bench_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lb_bench, lb_bench_cases, lb_bench_desc);

static struct tcphdr *lb_bench_th(struct sk_buff *skb, u8 family)
{
	if (family == AF_INET)
		return (struct tcphdr *)(ip_hdr(skb) + 1);
	return (struct tcphdr *)(ipv6_hdr(skb) + 1);
}

/* Rewrite @skb in place into flow @i: source address and port. */
static void lb_bench_flow(struct sk_buff *skb, u8 family, u32 i)
{
	if (family == AF_INET)
		ip_hdr(skb)->saddr = htonl(0x0a000000 | (i >> 14));
	else
		ipv6_hdr(skb)->saddr.s6_addr32[3] = htonl(i >> 14);
	lb_bench_th(skb, family)->source = htons(1024 + (i & 0x3fff));
}

static void lb_bench_hook(struct kunit *test)
{
	const struct lb_bench_case *c = test->param_value;
	struct lb_net *ln = lb_test_net(test, c->flows + 1);
	struct lb_test_pkt p = { c->family, IPPROTO_TCP, 0x0a000000,
				 0x0a0a0302, 1024, 5201, TCPHDR_SYN };
	struct sk_buff *skb = lb_test_skb(test, &p);
	/* Coprime with the flow count, so the walk visits every flow. */
	u32 i, flow = 0, stride = 2654435761U % c->flows | 1;
	u8 pf = c->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	u64 t0, ns;

	KUNIT_ASSERT_EQ(test, gcd(stride, c->flows), 1UL);
	lb_test_add_paths(test, ln, c->mode, (const u32[]){ 1, 1 }, 2);
	for (i = 0; i < c->flows; i++) {	/* warm: every flow in place */
		lb_bench_flow(skb, c->family, i);
		lb_test_run(ln, skb);
		/*
		 * On a router the table's resize work runs on another CPU
		 * as it grows; under UML it would wait until the test
		 * sleeps, and lookups would walk tables never rehashed.
		 */
		if (!(i % 4096))
			flush_work(&ln->flows.ht.run_work);
	}
	while (flush_work(&ln->flows.ht.run_work))
		;
	if (c->mode != LB_MODE_PACKET)
		KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), c->flows);
	tcp_flag_byte(lb_bench_th(skb, c->family)) = TCPHDR_ACK;

	local_bh_disable();
	rcu_read_lock();
	t0 = ktime_get_ns();
	for (i = 0; i < LB_BENCH_PACKETS; i++) {
		flow += stride;
		if (flow >= c->flows)
			flow -= c->flows;
		lb_bench_flow(skb, c->family, flow);
		lb_process(ln, skb, pf, NULL);
	}
	ns = ktime_get_ns() - t0;
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);

	kunit_info(test, "lb-bench: %-14s %4llu ns/packet (%u packets)\n",
		   c->name, div_u64(ns, LB_BENCH_PACKETS), LB_BENCH_PACKETS);
}

static struct kunit_case lb_bench_test_cases[] = {
	KUNIT_CASE_PARAM(lb_bench_hook, lb_bench_gen_params),
	{}
};

static struct kunit_suite lb_bench_suite = {
	.name = "lb_bench",
	.test_cases = lb_bench_test_cases,
};

kunit_test_suite(lb_bench_suite);
