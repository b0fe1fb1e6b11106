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
 *
 * The packets are timed in LB_BENCH_ROUNDS rounds; the figure is the
 * fastest round (other work on the host can only make a round slower),
 * with the median beside it.  One more case measures what a cache miss
 * costs on this host: dependent loads in random order over 64 MB, the
 * size of the flow table at 1M flows, so the flow cases' growth with the
 * table can be read as misses per packet.
 */
#include <linux/ktime.h>
#include <linux/gcd.h>
#include <linux/prandom.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <net/tcp.h>
#include "util.h"

#define LB_BENCH_PACKETS	1000000
#define LB_BENCH_ROUNDS		10
#define LB_BENCH_PER_ROUND	(LB_BENCH_PACKETS / LB_BENCH_ROUNDS)
#define LB_CHASE_BYTES		(64 << 20)

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

static void lb_bench_print(struct kunit *test, const char *name, u64 *ns,
			   u32 per_round);

static void lb_bench_hook(struct kunit *test)
{
	const struct lb_bench_case *c = test->param_value;
	struct lb_net *ln = lb_test_net(test, c->flows + 1);
	struct lb_test_pkt p = { c->family, IPPROTO_TCP, 0x0a000000,
				 0x0a0a0302, 1024, 5201, TCPHDR_SYN };
	struct sk_buff *skb = lb_test_skb(test, &p);
	/* Coprime with the flow count, so the walk visits every flow. */
	u32 i, r, flow = 0, stride = 2654435761U % c->flows | 1;
	u8 pf = c->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	u64 t0, ns[LB_BENCH_ROUNDS];

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

	for (r = 0; r < LB_BENCH_ROUNDS; r++) {
		local_bh_disable();
		rcu_read_lock();
		t0 = ktime_get_ns();
		for (i = 0; i < LB_BENCH_PER_ROUND; i++) {
			flow += stride;
			if (flow >= c->flows)
				flow -= c->flows;
			lb_bench_flow(skb, c->family, flow);
			lb_process(ln, skb, pf, NULL);
		}
		ns[r] = ktime_get_ns() - t0;
		rcu_read_unlock();
		local_bh_enable();
		cond_resched();
	}
	kfree_skb(skb);
	lb_bench_print(test, c->name, ns, LB_BENCH_PER_ROUND);
}

/*
 * Every packet a new flow (a SYN from a source never seen): the cost of
 * placing and inserting flows into a table that grows from empty to 1M.
 */
static void lb_bench_new(struct kunit *test)
{
	struct lb_net *ln = lb_test_net(test, 2 * LB_BENCH_PACKETS);
	struct lb_test_pkt p = { AF_INET, IPPROTO_TCP, 0x0a000000,
				 0x0a0a0302, 1024, 5201, TCPHDR_SYN };
	struct sk_buff *skb = lb_test_skb(test, &p);
	u64 t0, ns[LB_BENCH_ROUNDS];
	u32 i, r, flow = 0;

	lb_test_add_paths(test, ln, LB_MODE_FLOW, (const u32[]){ 1, 1 }, 2);
	for (r = 0; r < LB_BENCH_ROUNDS; r++) {
		local_bh_disable();
		rcu_read_lock();
		t0 = ktime_get_ns();
		for (i = 0; i < LB_BENCH_PER_ROUND; i++) {
			lb_bench_flow(skb, AF_INET, flow++);
			lb_process(ln, skb, NFPROTO_IPV4, NULL);
		}
		ns[r] = ktime_get_ns() - t0;
		rcu_read_unlock();
		local_bh_enable();
		/* the table's resize work runs between rounds, as on a router */
		while (flush_work(&ln->flows.ht.run_work))
			;
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, lb_flow_count(&ln->flows), LB_BENCH_PACKETS);
	kfree_skb(skb);
	lb_bench_print(test, "flow v4 new", ns, LB_BENCH_PER_ROUND);
}

static int lb_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* "NAME MIN ns/packet": the fastest round, then the median. */
static void lb_bench_print(struct kunit *test, const char *name, u64 *ns,
			   u32 per_round)
{
	sort(ns, LB_BENCH_ROUNDS, sizeof(*ns), lb_bench_cmp, NULL);
	kunit_info(test,
		   "lb-bench: %-14s %4llu ns/packet (fastest of %u rounds of %u; median %llu)\n",
		   name, div_u64(ns[0], per_round), LB_BENCH_ROUNDS, per_round,
		   div_u64(ns[LB_BENCH_ROUNDS / 2], per_round));
}

/*
 * What one cache miss costs here: a walk of dependent loads through a
 * random cyclic permutation of 64-byte lines over LB_CHASE_BYTES.
 */
static void lb_bench_dram(struct kunit *test)
{
	u32 n = LB_CHASE_BYTES / 64, i, j, r, t, *next;
	struct rnd_state rnd;
	u64 t0, ns[LB_BENCH_ROUNDS];
	u32 *perm;

	next = vmalloc(LB_CHASE_BYTES);
	perm = vmalloc(array_size(n, sizeof(*perm)));
	KUNIT_ASSERT_NOT_NULL(test, next);
	KUNIT_ASSERT_NOT_NULL(test, perm);
	prandom_seed_state(&rnd, 42);
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {	/* Sattolo: one cycle through all */
		j = prandom_u32_state(&rnd) % i;
		swap(perm[i], perm[j]);
	}
	for (i = 0; i < n; i++)
		next[perm[i] * 16] = perm[(i + 1) % n] * 16;
	vfree(perm);

	t = 0;
	for (r = 0; r < LB_BENCH_ROUNDS; r++) {
		t0 = ktime_get_ns();
		for (i = 0; i < LB_BENCH_PER_ROUND; i++)
			t = READ_ONCE(next[t]);
		ns[r] = ktime_get_ns() - t0;
		cond_resched();
	}
	KUNIT_EXPECT_LT(test, t, n * 16);
	vfree(next);
	lb_bench_print(test, "dram load 64M", ns, LB_BENCH_PER_ROUND);
}

static struct kunit_case lb_bench_test_cases[] = {
	KUNIT_CASE(lb_bench_dram),
	KUNIT_CASE(lb_bench_new),
	KUNIT_CASE_PARAM(lb_bench_hook, lb_bench_gen_params),
	{}
};

static struct kunit_suite lb_bench_suite = {
	.name = "lb_bench",
	.test_cases = lb_bench_test_cases,
};

kunit_test_suite(lb_bench_suite);
