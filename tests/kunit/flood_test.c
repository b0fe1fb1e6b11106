// SPDX-License-Identifier: GPL-2.0
/*
 * lb KUnit: hash flooding.  The flow table is an rhashtable hashed by
 * SipHash under a secret drawn at load time (flow.c), so that nobody can
 * craft flows that pile up in one bucket and turn lookups into list
 * walks.  An attacker who does not know the secret can only guess one;
 * here the guess is the all-zero key.  Under it the test crafts flows
 * (TCP to one VIP:port, as a flood would be) whose hashes agree in their
 * low 12 bits: a single bucket in any table of up to 4096 buckets,
 * whatever rhashtable's per-table seed, which is XORed into the hash.
 *
 * It checks first that the crafting works: under the guessed key, in the
 * table they end up in, the crafted flows are one chain.  Then, in lb's
 * table, every insert must succeed and the crafted flows must spread
 * like as many random flows do in the same test: no chain longer than
 * FLOOD_CHAIN_MAX (random flows at this load have at most 5 or 6; the
 * chance of 9 is about 1e-7), and at least 3/4 as many buckets in use
 * as the random flows.  A table hashed with the guessed key fails this:
 * rhashtable refuses to grow a chain past 16, so inserts fail (lb falls
 * back to Maglev for those flows) and the rest sit in a few buckets.
 */
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/random.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include "util.h"

#define FLOOD_FLOWS	512
#define FLOOD_MASK	0xfff		/* the hash bits the crafting fixes */
#define FLOOD_CHAIN_MAX	8
#define VIP		0x0a000064

struct flood_chains {
	unsigned int size, used, max;
};

/* The first @n flows (counting up from @k) whose guessed hash is @bucket. */
static void flood_craft(struct lb_flow_key *keys, unsigned int n,
			struct lb_flow_key *k, u32 bucket)
{
	static const siphash_key_t guess;	/* all zero */
	unsigned int i = 0;

	while (i < n) {
		if (!++k->sport)
			k->saddr.ip = htonl(ntohl(k->saddr.ip) + 1);
		if ((siphash(k, sizeof(*k), &guess) & FLOOD_MASK) == bucket)
			keys[i++] = *k;
	}
}

static void flood_random(struct lb_flow_key *keys, unsigned int n,
			 const struct lb_flow_key *k)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		keys[i] = *k;
		keys[i].saddr.ip = htonl(0x0a000000 |
					 (get_random_u32() & 0xffffff));
		keys[i].sport = (__force __be16)get_random_u16();
	}
}

/* Let rhashtable finish growing, as it does in the background. */
static void flood_settle(struct lb_flow_table *ft)
{
	const struct bucket_table *tbl;
	bool busy;
	int i;

	for (i = 0; i < 20; i++) {
		flush_work(&ft->ht.run_work);
		rcu_read_lock();
		tbl = rht_dereference_rcu(ft->ht.tbl, &ft->ht);
		busy = rcu_access_pointer(tbl->future_tbl) ||
		       rht_grow_above_75(&ft->ht, tbl);
		rcu_read_unlock();
		if (!busy)
			return;
		msleep(20);
	}
}

static void flood_measure(struct lb_flow_table *ft, struct flood_chains *c)
{
	const struct bucket_table *tbl;
	struct rhash_head *pos;
	unsigned int i, n;

	memset(c, 0, sizeof(*c));
	rcu_read_lock();
	tbl = rht_dereference_rcu(ft->ht.tbl, &ft->ht);
	c->size = tbl->size;
	for (i = 0; i < tbl->size; i++) {
		n = 0;
		rht_for_each_rcu(pos, tbl, i)
			n++;
		c->used += !!n;
		c->max = max(c->max, n);
	}
	rcu_read_unlock();
}

/* What the flooded entries name: no snapshot has it, nothing counts them. */
static const struct lb_target flood_target = { .id = 1, .tag = 1 };

/* Insert @keys into a fresh table; returns how many went in. */
static unsigned int flood_fill(struct lb_net *ln,
			       const struct lb_flow_key *keys, unsigned int n)
{
	unsigned int i, in = 0;
	struct lb_flow *f;
	bool existed;

	for (i = 0; i < n; i++) {
		rcu_read_lock();
		f = lb_flow_insert(&ln->flows, &keys[i], &flood_target,
				   (u32)jiffies, 0, false, &existed);
		rcu_read_unlock();
		in += !IS_ERR(f) && !existed;
	}
	flood_settle(&ln->flows);
	return in;
}

/* The keys would share one bucket of @ft's table hashed with the guess. */
static bool flood_guessed_one_bucket(struct lb_flow_table *ft,
				     const struct lb_flow_key *keys,
				     unsigned int n)
{
	static const siphash_key_t guess;
	const struct bucket_table *tbl;
	bool one = true;
	unsigned int i;
	u32 b[2];

	rcu_read_lock();
	tbl = rht_dereference_rcu(ft->ht.tbl, &ft->ht);
	for (i = 0; i < n; i++) {
		b[!!i] = ((u32)siphash(&keys[i], sizeof(keys[i]), &guess) ^
			  tbl->hash_rnd) & (tbl->size - 1);
		one &= b[!!i] == b[0];
	}
	rcu_read_unlock();
	return one;
}

static void lb_flood_crafted_flows_spread(struct kunit *test)
{
	struct lb_flow_key k = { .family = AF_INET, .proto = IPPROTO_TCP };
	struct lb_net *crafted_ln = lb_test_net(test, 1 << 16);
	struct lb_net *random_ln = lb_test_net(test, 1 << 16);
	struct flood_chains crafted, random;
	struct lb_flow_key *keys;
	unsigned int in;

	keys = kunit_kcalloc(test, FLOOD_FLOWS, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keys);
	k.daddr.ip = htonl(VIP);
	k.dport = htons(80);
	k.saddr.ip = htonl(0x0a000001);

	flood_random(keys, FLOOD_FLOWS, &k);
	in = flood_fill(random_ln, keys, FLOOD_FLOWS);
	KUNIT_ASSERT_EQ(test, in, FLOOD_FLOWS);
	flood_measure(&random_ln->flows, &random);

	flood_craft(keys, FLOOD_FLOWS, &k, get_random_u32() & FLOOD_MASK);
	in = flood_fill(crafted_ln, keys, FLOOD_FLOWS);
	flood_measure(&crafted_ln->flows, &crafted);
	kunit_info(test, "%u random flows: %u of %u buckets used, longest chain %u; %u crafted flows: %u inserted, %u of %u buckets used, longest chain %u\n",
		   FLOOD_FLOWS, random.used, random.size, random.max,
		   FLOOD_FLOWS, in, crafted.used, crafted.size, crafted.max);

	/* The attack is real: under the guessed key they are one chain. */
	KUNIT_ASSERT_LE(test, crafted.size, FLOOD_MASK + 1);
	KUNIT_ASSERT_TRUE(test, flood_guessed_one_bucket(&crafted_ln->flows,
							 keys, FLOOD_FLOWS));
	/* And lb's secret defeats it. */
	KUNIT_EXPECT_EQ(test, in, FLOOD_FLOWS);
	KUNIT_EXPECT_LE(test, crafted.max, FLOOD_CHAIN_MAX);
	KUNIT_EXPECT_LE(test, random.max, FLOOD_CHAIN_MAX);
	KUNIT_EXPECT_GE(test, crafted.used * 4, random.used * 3);
	KUNIT_EXPECT_EQ(test, lb_flow_count(&crafted_ln->flows), in);
}

static struct kunit_case lb_flood_cases[] = {
	KUNIT_CASE(lb_flood_crafted_flows_spread),
	{}
};

static struct kunit_suite lb_flood_suite = {
	.name = "lb_flood",
	.test_cases = lb_flood_cases,
};

kunit_test_suite(lb_flood_suite);
