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

static struct kunit_case lb_maglev_cases[] = {
	KUNIT_CASE(lb_maglev_balance),
	KUNIT_CASE(lb_maglev_weights),
	KUNIT_CASE(lb_maglev_deterministic),
	KUNIT_CASE(lb_maglev_disruption),
	KUNIT_CASE(lb_maglev_no_weight),
	{}
};

static struct kunit_suite lb_maglev_suite = {
	.name = "lb_maglev",
	.test_cases = lb_maglev_cases,
};

kunit_test_suite(lb_maglev_suite);
