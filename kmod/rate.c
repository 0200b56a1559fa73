// SPDX-License-Identifier: GPL-2.0
/*
 * Rate control: a token bucket on a virtual schedule. Packet k of the
 * schedule is due at start + k / pps; the generator may run up to @depth
 * packets ahead of it, so bursts stay short at low rates, and the long-run
 * rate is exact whatever the sleep granularity. A thread that falls behind
 * by more than @slack packets (50 ms: it was preempted, the queue was busy)
 * does not race to catch up: the schedule is moved instead.
 *
 * Arithmetic that cannot overflow or trap, whatever the clock does: pps is
 * at most KSCAN_MAX_RATE (10^9, the policy's bound); the elapsed time is
 * clamped to KSCAN_RATE_MAX_ELAPSED_NS (4 s: a longer stall is a lag like
 * any other, and the schedule moves over it); the schedule is rebased by
 * one second (pps packets) once a second's worth has been released and a
 * second has passed, so released never exceeds what 4 s allow (4 * pps +
 * depth). Every product is then below 4.1 * 10^18 < 2^64, and every
 * division is by a constant or by pps >= 1.
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include "kscan.h"

/* Longer than a rebase period plus the slack: see above. */
#define KSCAN_RATE_MAX_ELAPSED_NS (4 * NSEC_PER_SEC)

void kscan_rate_init(struct kscan_rate *r, u64 pps, u32 burst, u64 now_ns)
{
	r->pps = min_t(u64, pps, KSCAN_MAX_RATE);
	/* About a millisecond's worth back to back, at most one burst. */
	r->depth = r->pps ? clamp_t(u64, r->pps / 1000, 1, burst) : burst;
	/* Catch up on at most 50 ms of lag: a descheduled thread (a busy
	 * host, a virtual CPU) keeps its long-run rate, a longer stall does
	 * not turn into a long burst.
	 */
	r->slack = r->pps ? max_t(u64, r->depth, r->pps / 20) : 0;
	r->start_ns = now_ns;
	r->released = 0;
}

/* ns of @packets at @pps: packets <= 4 * pps + depth, so no overflow. */
static u64 kscan_rate_packets_ns(u64 packets, u64 pps)
{
	return div64_u64(packets * NSEC_PER_SEC, pps);
}

/*
 * Packets the schedule allows by @now_ns, beyond those released. Also
 * moves the schedule over a stall longer than KSCAN_RATE_MAX_ELAPSED_NS.
 */
static u64 kscan_rate_due(struct kscan_rate *r, u64 now_ns)
{
	u64 elapsed = now_ns > r->start_ns ? now_ns - r->start_ns : 0;

	if (elapsed > KSCAN_RATE_MAX_ELAPSED_NS) {
		r->start_ns = now_ns - KSCAN_RATE_MAX_ELAPSED_NS;
		elapsed = KSCAN_RATE_MAX_ELAPSED_NS;
	}
	/* elapsed <= 4 * 10^9 and pps <= 10^9: the product fits in u64. */
	return div_u64(elapsed * r->pps, NSEC_PER_SEC) + r->depth;
}

/*
 * Keep released small: a second's worth released is a second later. Only
 * once that second has passed, so that the elapsed time stays >= 0 and
 * the due count is unchanged by the move.
 */
static void kscan_rate_rebase(struct kscan_rate *r, u64 now_ns)
{
	if (r->released >= r->pps && now_ns >= r->start_ns + NSEC_PER_SEC) {
		r->released -= r->pps;
		r->start_ns += NSEC_PER_SEC;
	}
}

/* Release up to @want packets now; returns how many may be sent. */
u32 kscan_rate_take(struct kscan_rate *r, u64 now_ns, u32 want)
{
	u64 due, avail;

	if (!r->pps)
		return want;

	kscan_rate_rebase(r, now_ns);
	due = kscan_rate_due(r, now_ns);
	if (due <= r->released)
		return 0;
	avail = due - r->released;
	if (avail > r->depth + r->slack) {
		/* Too far behind: forget the lag beyond @slack. */
		u64 skip = avail - r->depth - r->slack;

		r->start_ns += kscan_rate_packets_ns(skip, r->pps);
		avail = r->depth + r->slack;
	}
	avail = min_t(u64, avail, want);
	r->released += avail;
	return avail;
}

/*
 * Return @n packets of the last take (the budget ran out first). The
 * rebase happens before a take, never between it and this, so released
 * holds at least @n.
 */
void kscan_rate_give_back(struct kscan_rate *r, u32 n)
{
	if (r->pps)
		r->released -= min_t(u64, n, r->released);
}

/* Nanoseconds until kscan_rate_take() releases at least one packet. */
u64 kscan_rate_wait_ns(const struct kscan_rate *r, u64 now_ns)
{
	struct kscan_rate probe = *r;
	u64 next, due_ns;

	if (!r->pps)
		return 0;
	/* On a copy: asking must not move the schedule. */
	kscan_rate_rebase(&probe, now_ns);
	if (kscan_rate_due(&probe, now_ns) > probe.released)
		return 0;
	/* due <= released implies released >= depth: no underflow. The
	 * packet numbered released + 1 - depth of the schedule is due at:
	 */
	next = probe.released + 1 - probe.depth;
	due_ns = probe.start_ns + kscan_rate_packets_ns(next, probe.pps) + 1;
	return due_ns > now_ns ? due_ns - now_ns : 0;
}
