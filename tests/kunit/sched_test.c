// SPDX-License-Identifier: GPL-2.0
/* lb KUnit: the smooth weighted round-robin schedule. */
#include "util.h"

#define LEN_MAX 4096

static u8 *order_buf(struct kunit *test)
{
	u8 *order = kunit_kzalloc(test, LEN_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, order);
	return order;
}

/* Each target appears in proportion to its weight over one cycle. */
static void lb_wrr_proportions(struct kunit *test)
{
	static const u32 w[] = { 1, 3, 0, 4 };
	u32 count[ARRAY_SIZE(w)] = {}, len, i;
	u8 *order = order_buf(test);

	len = lb_wrr_build(w, ARRAY_SIZE(w), order, LEN_MAX);
	KUNIT_ASSERT_EQ(test, len, 8U);
	for (i = 0; i < len; i++)
		count[order[i]]++;
	KUNIT_EXPECT_EQ(test, count[0], 1U);
	KUNIT_EXPECT_EQ(test, count[1], 3U);
	KUNIT_EXPECT_EQ(test, count[2], 0U);
	KUNIT_EXPECT_EQ(test, count[3], 4U);
}

/* A common factor shortens the cycle: 2:6 is the 1:3 schedule. */
static void lb_wrr_gcd(struct kunit *test)
{
	static const u32 w[] = { 200, 600 };
	u8 *order = order_buf(test);

	KUNIT_EXPECT_EQ(test, lb_wrr_build(w, 2, order, LEN_MAX), 4U);
}

/*
 * Smooth: at every prefix of the cycle each target has had its share to
 * within one packet, so a 1:1 split alternates and 1:3 never sends the
 * light path two packets in a row.
 */
static void lb_wrr_smooth(struct kunit *test)
{
	static const u32 w[] = { 1, 3, 2, 5 };
	u32 seen[ARRAY_SIZE(w)] = {}, len, i, t;
	u8 *order = order_buf(test);

	len = lb_wrr_build(w, ARRAY_SIZE(w), order, LEN_MAX);
	KUNIT_ASSERT_EQ(test, len, 11U);
	for (i = 0; i < len; i++) {
		seen[order[i]]++;
		for (t = 0; t < ARRAY_SIZE(w); t++) {
			s64 ideal100 = div_s64((s64)(i + 1) * w[t] * 100, len);
			s64 got100 = (s64)seen[t] * 100;

			KUNIT_EXPECT_LE_MSG(test, abs(got100 - ideal100), 100,
					    "target %u after %u slots", t, i + 1);
		}
	}

	len = lb_wrr_build((const u32[]){ 1, 1 }, 2, order, LEN_MAX);
	KUNIT_ASSERT_EQ(test, len, 2U);
	KUNIT_EXPECT_NE(test, order[0], order[1]);
}

static void lb_wrr_all_zero(struct kunit *test)
{
	static const u32 w[] = { 0, 0 };
	u8 *order = order_buf(test);

	KUNIT_EXPECT_EQ(test, lb_wrr_build(w, 2, order, LEN_MAX), 0U);
	KUNIT_EXPECT_EQ(test, lb_wrr_build(w, 0, order, LEN_MAX), 0U);
}

/* Weights whose cycle would not fit are scaled, keeping every target. */
static void lb_wrr_scaled(struct kunit *test)
{
	static const u32 w[] = { 65535, 1, 65534 };
	u32 count[ARRAY_SIZE(w)] = {}, len, i;
	u8 *order = order_buf(test);

	len = lb_wrr_build(w, ARRAY_SIZE(w), order, LEN_MAX);
	KUNIT_ASSERT_GT(test, len, 0U);
	KUNIT_ASSERT_LE(test, len, (u32)LEN_MAX);
	for (i = 0; i < len; i++)
		count[order[i]]++;
	KUNIT_EXPECT_GE(test, count[1], 1U);
	KUNIT_EXPECT_LE(test, abs((int)count[0] - (int)count[2]), 1);
	KUNIT_EXPECT_GT(test, count[0], 1000U);
}

static struct kunit_case lb_wrr_cases[] = {
	KUNIT_CASE(lb_wrr_proportions),
	KUNIT_CASE(lb_wrr_gcd),
	KUNIT_CASE(lb_wrr_smooth),
	KUNIT_CASE(lb_wrr_all_zero),
	KUNIT_CASE(lb_wrr_scaled),
	{}
};

static struct kunit_suite lb_wrr_suite = {
	.name = "lb_wrr",
	.test_cases = lb_wrr_cases,
};

kunit_test_suite(lb_wrr_suite);
