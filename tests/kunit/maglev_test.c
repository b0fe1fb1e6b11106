// SPDX-License-Identifier: GPL-2.0
/* lb KUnit: the Maglev table used for fallback and sched=maglev. */
#include <linux/slab.h>
#include "util.h"

static u8 *table_buf(struct kunit *test)
{
	u8 *t = kunit_kzalloc(test, LB_MAGLEV_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	return t;
}

static void fill(struct lb_target *t, const u32 *marks, const u32 *weights,
		 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].mark = marks[i];
		t[i].weight = weights[i];
	}
}

static void counts(const u8 *table, u32 *count)
{
	u32 i;

	for (i = 0; i < LB_MAGLEV_SIZE; i++)
		count[table[i]]++;
}

/* Equal weights: every target within 1% of its share. */
static void lb_maglev_balance(struct kunit *test)
{
	static const u32 marks[] = { 10, 20, 30, 40, 50 };
	static const u32 w[] = { 1, 1, 1, 1, 1 };
	struct lb_target t[ARRAY_SIZE(marks)];
	u32 count[ARRAY_SIZE(marks)] = {}, i, share = LB_MAGLEV_SIZE / 5;
	u8 *table = table_buf(test);

	fill(t, marks, w, ARRAY_SIZE(marks));
	KUNIT_ASSERT_EQ(test, lb_maglev_build(table, t, ARRAY_SIZE(t)), 0);
	counts(table, count);
	for (i = 0; i < ARRAY_SIZE(marks); i++)
		KUNIT_EXPECT_LE(test, abs((int)count[i] - (int)share),
				(int)share / 100);
}

/* 1:3 weights give 1:3 of the slots, within 1%. */
static void lb_maglev_weights(struct kunit *test)
{
	static const u32 marks[] = { 0, 3, 7 };
	static const u32 w[] = { 1, 3, 0 };
	struct lb_target t[3];
	u32 count[3] = {};
	u8 *table = table_buf(test);

	fill(t, marks, w, 3);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(table, t, 3), 0);
	counts(table, count);
	KUNIT_EXPECT_EQ(test, count[2], 0U);
	KUNIT_EXPECT_LE(test, abs((int)count[0] - LB_MAGLEV_SIZE / 4),
			LB_MAGLEV_SIZE / 100);
}

/* Same configuration, same table: routers agree without talking. */
static void lb_maglev_deterministic(struct kunit *test)
{
	static const u32 marks[] = { 1, 2, 3 };
	static const u32 w[] = { 2, 1, 1 };
	struct lb_target t[3];
	u8 *a = table_buf(test), *b = table_buf(test);

	u32 i;

	fill(t, marks, w, 3);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(a, t, 3), 0);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(b, t, 3), 0);
	KUNIT_EXPECT_EQ(test, memcmp(a, b, LB_MAGLEV_SIZE), 0);

	/* Added in another order: every slot names the same mark. */
	fill(t, (const u32[]){ 3, 1, 2 }, (const u32[]){ 1, 2, 1 }, 3);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(b, t, 3), 0);
	for (i = 0; i < LB_MAGLEV_SIZE; i++)
		if (t[b[i]].mark != marks[a[i]])
			break;
	KUNIT_EXPECT_EQ(test, i, (u32)LB_MAGLEV_SIZE);
}

/* KUnit's lb is built in, loaded without parameters: the key is public. */
static void seed_public(void *data)
{
	lb_maglev_seed(NULL);
}

/*
 * hash_seed: a secret key for the flow hash.  With it, flows hash unlike
 * with the public key (a client cannot pick its backend by its source
 * port); the same seed hashes alike (a fleet's routers agree); anything
 * but 32 hex digits is refused and changes nothing.
 */
static void lb_maglev_seed_key(struct kunit *test)
{
	static const char seed[] = "0123456789abcdef0123456789ABCDEF";
	struct lb_flow_key k = { .family = AF_INET, .proto = IPPROTO_TCP,
				 .dport = htons(80) };
	u32 pub[64], h;
	int i, same = 0;

	KUNIT_ASSERT_EQ(test, kunit_add_action(test, seed_public, NULL), 0);
	for (i = 0; i < ARRAY_SIZE(pub); i++) {
		k.sport = htons(1000 + i);
		pub[i] = lb_maglev_hash(&k);
	}
	KUNIT_ASSERT_EQ(test, lb_maglev_seed(seed), 0);
	for (i = 0; i < ARRAY_SIZE(pub); i++) {
		k.sport = htons(1000 + i);
		same += lb_maglev_hash(&k) == pub[i];
	}
	KUNIT_EXPECT_EQ(test, same, 0);

	h = lb_maglev_hash(&k);
	KUNIT_EXPECT_EQ(test, lb_maglev_seed(seed), 0);
	KUNIT_EXPECT_EQ(test, lb_maglev_hash(&k), h);
	KUNIT_EXPECT_EQ(test, lb_maglev_seed("0123"), -EINVAL);
	KUNIT_EXPECT_EQ(test, lb_maglev_seed("0123456789abcdef0123456789abcdef00"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lb_maglev_seed("0123456789abcdef0123456789abcdeg"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lb_maglev_hash(&k), h);

	KUNIT_EXPECT_EQ(test, lb_maglev_seed(NULL), 0);
	KUNIT_EXPECT_EQ(test, lb_maglev_hash(&k), pub[ARRAY_SIZE(pub) - 1]);
}

/*
 * Removing one of N targets moves its own slots and few others: the slots
 * of the targets that stay mostly stay.
 */
static void lb_maglev_disruption(struct kunit *test)
{
	static const u32 marks[] = { 11, 22, 33, 44 };
	static const u32 w[] = { 1, 1, 1, 1 };
	struct lb_target t[4];
	u8 *before = table_buf(test), *after = table_buf(test);
	u32 i, moved = 0;

	fill(t, marks, w, 4);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(before, t, 4), 0);
	/* Drop target 1: the others keep their marks, shift down. */
	fill(t, (const u32[]){ 11, 33, 44 }, w, 3);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(after, t, 3), 0);
	for (i = 0; i < LB_MAGLEV_SIZE; i++) {
		u8 old = before[i];

		if (old == 1)
			continue;
		if (t[after[i]].mark != marks[old])
			moved++;
	}
	/* Maglev's paper: a few percent; 1/N would be 25%. */
	KUNIT_EXPECT_LT(test, moved, (u32)LB_MAGLEV_SIZE / 20);
}

static void lb_maglev_no_weight(struct kunit *test)
{
	static const u32 marks[] = { 1, 2 };
	static const u32 w[] = { 0, 0 };
	struct lb_target t[2];
	u8 *table = table_buf(test);

	fill(t, marks, w, 2);
	KUNIT_EXPECT_EQ(test, lb_maglev_build(table, t, 2), -ENOENT);
}

/*
 * Targets named by @ids: paths with mark ids[i], or backends (mark 0, as
 * every backend has) at 10.1.0.ids[i], port 8000 + ids[i].  Weight 1
 * unless @weights.
 */
static void make(struct lb_target *t, bool backends, const u32 *ids,
		 const u32 *weights, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].weight = weights ? weights[i] : 1;
		if (backends) {
			t[i].addr.ip = htonl(0x0a010000 + ids[i]);
			t[i].port = htons(8000 + ids[i]);
		} else {
			t[i].mark = ids[i];
		}
	}
}

/* The same path or backend, wherever it sits in its array. */
static bool same_target(const struct lb_target *a, const struct lb_target *b)
{
	return a->mark == b->mark && a->port == b->port &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static const char *kind(bool backends)
{
	return backends ? "backends" : "paths";
}

/* Equal weights over 3, 5 and 7 targets: each within 1% of 1/N. */
static void check_balance(struct kunit *test, bool backends)
{
	static const u32 ids[] = { 1, 2, 3, 4, 5, 6, 7 };
	static const unsigned int ns[] = { 3, 5, 7 };
	u8 *table = table_buf(test);
	struct lb_target t[7];
	unsigned int k, i;

	for (k = 0; k < ARRAY_SIZE(ns); k++) {
		u32 count[7] = {}, share = LB_MAGLEV_SIZE / ns[k];

		make(t, backends, ids, NULL, ns[k]);
		KUNIT_ASSERT_EQ(test, lb_maglev_build(table, t, ns[k]), 0);
		counts(table, count);
		for (i = 0; i < ns[k]; i++)
			KUNIT_EXPECT_LE_MSG(test,
					    abs((int)count[i] - (int)share),
					    (int)share / 100,
					    "%s: %u of %u has %u slots",
					    kind(backends), i, ns[k],
					    count[i]);
	}
}

static void lb_maglev_balance_n(struct kunit *test)
{
	check_balance(test, false);
	check_balance(test, true);
}

/* Weights 1:1:2: a quarter, a quarter and a half, each within 1%. */
static void lb_maglev_weights_112(struct kunit *test)
{
	static const u32 ids[] = { 4, 9, 2 };
	static const u32 w[] = { 1, 1, 2 };
	const u32 want[] = { LB_MAGLEV_SIZE / 4, LB_MAGLEV_SIZE / 4,
			     LB_MAGLEV_SIZE / 2 };
	u8 *table = table_buf(test);
	struct lb_target t[3];
	unsigned int b, i;

	for (b = 0; b < 2; b++) {
		u32 count[3] = {};

		make(t, b, ids, w, 3);
		KUNIT_ASSERT_EQ(test, lb_maglev_build(table, t, 3), 0);
		counts(table, count);
		for (i = 0; i < 3; i++)
			KUNIT_EXPECT_LE_MSG(test,
					    abs((int)count[i] - (int)want[i]),
					    (int)want[i] / 100,
					    "%s: target %u has %u slots",
					    kind(b), i, count[i]);
	}
}

/*
 * One of N targets removed (@add false) or one added: the slots that
 * change owner are about those of the one that went or came (1/N,
 * 1/(N + 1)), and few move between targets present in both tables.
 * Maglev is not minimally disruptive: the turn order shifts, and the
 * paper (section 5.3) measures a few percent of slots moving besides;
 * 3% of the table is the bound here.
 */
static void check_change(struct kunit *test, bool backends, bool add)
{
	static const unsigned int ns[] = { 3, 5, 7 };
	u8 *before = table_buf(test), *after = table_buf(test);
	const u32 m = LB_MAGLEV_SIZE, margin = LB_MAGLEV_SIZE * 3 / 100;
	struct lb_target a[8], b[8];
	u32 ids[8], kept[8];
	unsigned int k, i, n, nb;

	for (k = 0; k < ARRAY_SIZE(ns); k++) {
		u32 moved = 0, between = 0;

		n = ns[k];
		for (i = 0; i < n + 1; i++)
			ids[i] = 10 + 7 * i;
		make(a, backends, ids, NULL, n);
		if (add) {
			nb = n + 1;
			make(b, backends, ids, NULL, nb);
		} else {
			for (i = 0, nb = 0; i < n; i++)
				if (i != 1)
					kept[nb++] = ids[i];
			make(b, backends, kept, NULL, nb);
		}
		KUNIT_ASSERT_EQ(test, lb_maglev_build(before, a, n), 0);
		KUNIT_ASSERT_EQ(test, lb_maglev_build(after, b, nb), 0);
		for (i = 0; i < m; i++) {
			const struct lb_target *x = &a[before[i]];
			const struct lb_target *y = &b[after[i]];

			if (same_target(x, y))
				continue;
			moved++;
			if (add ? !same_target(y, &b[n]) :
				  !same_target(x, &a[1]))
				between++;
		}
		if (add) {
			KUNIT_EXPECT_LE_MSG(test, moved, m / (n + 1) + margin,
					    "%s: adding a %uth moved %u slots",
					    kind(backends), n + 1, moved);
			KUNIT_EXPECT_GE_MSG(test, moved,
					    m / (n + 1) - m / 100,
					    "%s: adding a %uth moved %u slots",
					    kind(backends), n + 1, moved);
		} else {
			KUNIT_EXPECT_LE_MSG(test, moved, m / n + margin,
					    "%s: removing one of %u moved %u slots",
					    kind(backends), n, moved);
		}
		KUNIT_EXPECT_LE_MSG(test, between, margin,
				    "%s, %u targets, %s one: %u slots moved between targets in both tables",
				    kind(backends), n, add ? "adding" : "removing",
				    between);
	}
}

static void lb_maglev_remove_one(struct kunit *test)
{
	check_change(test, false, false);
}

static void lb_maglev_add_one(struct kunit *test)
{
	check_change(test, false, true);
}

static void lb_maglev_backends_remove_one(struct kunit *test)
{
	check_change(test, true, false);
}

static void lb_maglev_backends_add_one(struct kunit *test)
{
	check_change(test, true, true);
}

/*
 * Two tables of one configuration built apart, from targets listed in
 * different orders: every slot names the same target.
 */
static void check_order_free(struct kunit *test, bool backends)
{
	static const u32 ids[] = { 11, 22, 33, 44, 55 };
	static const u32 shuffled[] = { 33, 55, 11, 44, 22 };
	u8 *x = table_buf(test), *y = table_buf(test);
	struct lb_target a[5], b[5];
	u32 i, differ = 0;

	make(a, backends, ids, NULL, 5);
	make(b, backends, shuffled, NULL, 5);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(x, a, 5), 0);
	KUNIT_ASSERT_EQ(test, lb_maglev_build(y, b, 5), 0);
	for (i = 0; i < LB_MAGLEV_SIZE; i++)
		differ += !same_target(&a[x[i]], &b[y[i]]);
	KUNIT_EXPECT_EQ_MSG(test, differ, 0U,
			    "%s: %u slots differ with another order",
			    kind(backends), differ);

	/* Built twice in the same order: the same bytes. */
	KUNIT_ASSERT_EQ(test, lb_maglev_build(y, a, 5), 0);
	KUNIT_EXPECT_EQ(test, memcmp(x, y, LB_MAGLEV_SIZE), 0);
}

static void lb_maglev_order_free(struct kunit *test)
{
	check_order_free(test, false);
}

static void lb_maglev_backends_order_free(struct kunit *test)
{
	check_order_free(test, true);
}

static struct kunit_case lb_maglev_cases[] = {
	KUNIT_CASE(lb_maglev_balance),
	KUNIT_CASE(lb_maglev_seed_key),
	KUNIT_CASE(lb_maglev_weights),
	KUNIT_CASE(lb_maglev_deterministic),
	KUNIT_CASE(lb_maglev_disruption),
	KUNIT_CASE(lb_maglev_no_weight),
	KUNIT_CASE(lb_maglev_balance_n),
	KUNIT_CASE(lb_maglev_weights_112),
	KUNIT_CASE(lb_maglev_remove_one),
	KUNIT_CASE(lb_maglev_add_one),
	KUNIT_CASE(lb_maglev_order_free),
	KUNIT_CASE(lb_maglev_backends_remove_one),
	KUNIT_CASE(lb_maglev_backends_add_one),
	KUNIT_CASE(lb_maglev_backends_order_free),
	{}
};

static struct kunit_suite lb_maglev_suite = {
	.name = "lb_maglev",
	.test_cases = lb_maglev_cases,
};

kunit_test_suite(lb_maglev_suite);
