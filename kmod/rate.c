// SPDX-License-Identifier: GPL-2.0
/*
 * Rate control: a token bucket on a virtual schedule. Packet k of the
 * schedule is due at start + k / pps; the generator may run up to @depth
 * packets ahead of it, so bursts stay short at low rates, and the long-run
 * rate is exact whatever the sleep granularity. A thread that falls behind
 * by more than @slack packets (50 ms: it was preempted, the queue was busy)
 * does not race to catch up: the schedule is moved instead.
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include "kscan.h"

void kscan_rate_init(struct kscan_rate *r, u64 pps, u32 burst, u64 now_ns)
{
	r->pps = pps;
	/* About a millisecond's worth back to back, at most one burst. */
	r->depth = pps ? clamp_t(u64, pps / 1000, 1, burst) : burst;
	/* Catch up on at most 50 ms of lag: a descheduled thread (a busy
	 * host, a virtual CPU) keeps its long-run rate, a longer stall does
	 * not turn into a long burst.
	 */
	r->slack = pps ? max_t(u64, r->depth, pps / 20) : 0;
	r->start_ns = now_ns;
	r->released = 0;
}

/* Packets the schedule allows by @now_ns, beyond those released. */
static u64 kscan_rate_due(const struct kscan_rate *r, u64 now_ns)
{
	u64 elapsed = now_ns > r->start_ns ? now_ns - r->start_ns : 0;

	return mul_u64_u64_div_u64(elapsed, r->pps, NSEC_PER_SEC) + r->depth;
}

/* Release up to @want packets now; returns how many may be sent. */
u32 kscan_rate_take(struct kscan_rate *r, u64 now_ns, u32 want)
{
	u64 due, avail;

	if (!r->pps)
		return want;

	due = kscan_rate_due(r, now_ns);
	if (due <= r->released)
		return 0;
	avail = due - r->released;
	if (avail > r->depth + r->slack) {
		/* Too far behind: forget the lag beyond @slack. */
		u64 skip = avail - r->depth - r->slack;

		r->start_ns += mul_u64_u64_div_u64(skip, NSEC_PER_SEC, r->pps);
		avail = r->depth + r->slack;
	}
	avail = min_t(u64, avail, want);
	r->released += avail;
	return avail;
}

/* Nanoseconds until kscan_rate_take() releases at least one packet. */
u64 kscan_rate_wait_ns(const struct kscan_rate *r, u64 now_ns)
{
	u64 next, due_ns;

	if (!r->pps || kscan_rate_due(r, now_ns) > r->released)
		return 0;
	/* due <= released implies released >= depth: no underflow. The
	 * packet numbered released + 1 - depth of the schedule is due at:
	 */
	next = r->released + 1 - r->depth;
	due_ns = r->start_ns + mul_u64_u64_div_u64(next, NSEC_PER_SEC, r->pps) +
		 1;
	return due_ns > now_ns ? due_ns - now_ns : 0;
}
