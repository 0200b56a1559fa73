// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_rate: the token bucket of rate.c on a simulated clock.
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <linux/time64.h>

#include "kscan.h"

static void kscan_rate_unlimited(struct kunit *test)
{
	struct kscan_rate r;

	kscan_rate_init(&r, 0, 32, 1000);

	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 1000, 32), 32U);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 1000, 7), 7U);
	KUNIT_EXPECT_EQ(test, kscan_rate_wait_ns(&r, 1000), 0ULL);
}

/* 1 kpps: one packet at a time, one millisecond apart. */
static void kscan_rate_low_rate_is_smooth(struct kunit *test)
{
	u64 t = 5 * NSEC_PER_SEC;
	struct kscan_rate r;

	kscan_rate_init(&r, 1000, 32, t);
	KUNIT_EXPECT_EQ(test, r.depth, 1U);

	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, t, 32), 1U);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, t, 32), 0U);
	KUNIT_EXPECT_EQ(test, kscan_rate_wait_ns(&r, t), NSEC_PER_MSEC + 1);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, t + NSEC_PER_MSEC - 1, 32),
			0U);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, t + NSEC_PER_MSEC, 32), 1U);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, t + NSEC_PER_MSEC, 32), 0U);
}

/* At 1 Mpps the bucket holds a burst (32), not a millisecond (1000). */
static void kscan_rate_depth_is_one_burst(struct kunit *test)
{
	struct kscan_rate r;

	kscan_rate_init(&r, 1000000, 32, 0);
	KUNIT_EXPECT_EQ(test, r.depth, 32U);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 0, 256), 32U);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 10 * NSEC_PER_USEC, 256),
			10U);
}

/*
 * Five simulated seconds at 10 kpps with jittery wake-ups (the thread
 * sleeps until the bucket says, plus up to 300 us): the count is exact to
 * within the bucket depth.
 */
static void kscan_rate_long_run_is_exact(struct kunit *test)
{
	const u64 pps = 10000, end = 5 * NSEC_PER_SEC;
	u64 t = 0, sent = 0;
	struct kscan_rate r;
	u32 steps = 0;

	kscan_rate_init(&r, pps, 32, 0);
	while (t < end && steps++ < 10000000) {
		sent += kscan_rate_take(&r, t, 32);
		t += kscan_rate_wait_ns(&r, t) + get_random_u32_below(300000);
	}
	KUNIT_EXPECT_GE(test, sent, pps * 5 - 1);
	KUNIT_EXPECT_LE(test, sent, pps * 5 + r.depth + r.slack);
	/* within 2% */
	KUNIT_EXPECT_LE(test, abs((s64)sent - (s64)(pps * 5)), (s64)pps / 10);
}

/* After a long stall the schedule moves instead of bursting. */
static void kscan_rate_stall_does_not_burst(struct kunit *test)
{
	struct kscan_rate r;
	u32 n;

	kscan_rate_init(&r, 10000, 32, 0);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 0, 256), r.depth);

	/* Stalled for 2 s: 20000 packets behind; only 50 ms are caught up. */
	n = kscan_rate_take(&r, 2 * NSEC_PER_SEC, 100000);
	KUNIT_EXPECT_EQ(test, r.slack, 500U);
	KUNIT_EXPECT_EQ(test, n, r.depth + r.slack);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 2 * NSEC_PER_SEC, 256), 0U);
	/* And the rate after the stall is the configured one. */
	KUNIT_EXPECT_EQ(test,
			kscan_rate_take(&r, 2 * NSEC_PER_SEC + NSEC_PER_MSEC,
					256),
			10U);
}

static struct kunit_case kscan_rate_cases[] = {
	KUNIT_CASE(kscan_rate_unlimited),
	KUNIT_CASE(kscan_rate_low_rate_is_smooth),
	KUNIT_CASE(kscan_rate_depth_is_one_burst),
	KUNIT_CASE(kscan_rate_long_run_is_exact),
	KUNIT_CASE(kscan_rate_stall_does_not_burst),
	{}
};

static struct kunit_suite kscan_rate_suite = {
	.name = "kscan_rate",
	.test_cases = kscan_rate_cases,
};

kunit_test_suite(kscan_rate_suite);
