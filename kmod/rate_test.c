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
	KUNIT_EXPECT_EQ(test, r.slack, 500ULL);
	KUNIT_EXPECT_EQ(test, n, r.depth + r.slack);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 2 * NSEC_PER_SEC, 256), 0U);
	/* And the rate after the stall is the configured one. */
	KUNIT_EXPECT_EQ(test,
			kscan_rate_take(&r, 2 * NSEC_PER_SEC + NSEC_PER_MSEC,
					256),
			10U);
}

/*
 * The policy's largest rate after stalls of every length, a clock that
 * jumps back, and an hour of silence: nothing traps (a 64-bit quotient
 * overflow is a #DE in the kernel), and the bucket never releases more
 * than its depth and slack at once.
 */
static void kscan_rate_max_rate_survives_stalls(struct kunit *test)
{
	static const u64 steps[] = {
		0, 1, NSEC_PER_USEC, NSEC_PER_MSEC, NSEC_PER_SEC,
		4 * NSEC_PER_SEC, 4 * NSEC_PER_SEC + 1, 60 * NSEC_PER_SEC,
		3600 * NSEC_PER_SEC, 100000 * NSEC_PER_SEC,
	};
	const u64 pps = KSCAN_MAX_RATE;
	u64 t = 1000 * NSEC_PER_SEC;
	struct kscan_rate r;
	u32 i, n;

	kscan_rate_init(&r, pps, KSCAN_MAX_BURST, t);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		t += steps[i];
		n = kscan_rate_take(&r, t, U32_MAX);
		KUNIT_EXPECT_LE(test, (u64)n, r.depth + r.slack);
		KUNIT_EXPECT_LE(test, kscan_rate_wait_ns(&r, t), NSEC_PER_SEC);
		/* the clock going back is not a reason to release more */
		KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, t - NSEC_PER_SEC, 1), 0U);
	}
	/* A rate above the bound is held to it. */
	kscan_rate_init(&r, U64_MAX, KSCAN_MAX_BURST, 0);
	KUNIT_EXPECT_EQ(test, r.pps, KSCAN_MAX_RATE);
	KUNIT_EXPECT_LE(test, (u64)kscan_rate_take(&r, 3600 * NSEC_PER_SEC,
						   U32_MAX),
			r.depth + r.slack);
}

/*
 * Ten simulated seconds at the largest rate, asking every 100 us for as
 * much as the bucket gives: exactly 10^10 packets give or take the depth,
 * with the schedule rebased every second.
 */
static void kscan_rate_max_rate_long_run(struct kunit *test)
{
	const u64 pps = KSCAN_MAX_RATE, end = 10 * NSEC_PER_SEC;
	const u64 step = 100 * NSEC_PER_USEC;
	struct kscan_rate r;
	u64 t, sent = 0;

	kscan_rate_init(&r, pps, KSCAN_MAX_BURST, 0);
	for (t = 0; t <= end; t += step)
		sent += kscan_rate_take(&r, t, U32_MAX);
	KUNIT_EXPECT_GE(test, sent, pps * 10);
	KUNIT_EXPECT_LE(test, sent, pps * 10 + r.depth);
	/* released stays within what 4 s allow (the overflow bound) */
	KUNIT_EXPECT_LE(test, r.released, 4 * pps + r.depth);
}

/* 1 pps for 100 s: one packet a second, the first at once. */
static void kscan_rate_one_pps(struct kunit *test)
{
	struct kscan_rate r;
	u64 t, sent = 0;

	kscan_rate_init(&r, 1, 32, 0);
	KUNIT_EXPECT_EQ(test, r.depth, 1U);
	for (t = 0; t < 100 * NSEC_PER_SEC; t += 10 * NSEC_PER_MSEC)
		sent += kscan_rate_take(&r, t, 32);
	KUNIT_EXPECT_EQ(test, sent, 100ULL);
}

/* Giving back what the budget did not take keeps the schedule exact. */
static void kscan_rate_give_back_is_exact(struct kunit *test)
{
	struct kscan_rate r;

	kscan_rate_init(&r, 1000000, 32, 0);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 0, 32), 32U);
	kscan_rate_give_back(&r, 30);
	KUNIT_EXPECT_EQ(test, r.released, 2ULL);
	KUNIT_EXPECT_EQ(test, kscan_rate_take(&r, 0, 32), 30U);
	/* never below zero */
	kscan_rate_give_back(&r, 1000);
	KUNIT_EXPECT_EQ(test, r.released, 0ULL);
}

static struct kunit_case kscan_rate_cases[] = {
	KUNIT_CASE(kscan_rate_max_rate_survives_stalls),
	KUNIT_CASE(kscan_rate_max_rate_long_run),
	KUNIT_CASE(kscan_rate_one_pps),
	KUNIT_CASE(kscan_rate_give_back_is_exact),
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
