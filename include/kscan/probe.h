/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One probe of a scan, from a target-space index to the fields of its SYN.
 * The kernel generator and `kscanctl start --dryrun` both call this, so the
 * packets a dry run prints are exactly the packets the module sends.
 *
 *   (daddr, dport, probe) = kscan_target_at(index)
 *   saddr = saddr_first + daddr mod saddr_count        (as ZMap picks it),
 *           or saddr_list[daddr mod saddr_count] for a list of sources
 *   h     = cookie hash of (saddr, daddr, sport_first, dport)
 *   seq   = low 32 bits of h; sport from h and probe (cookie.h)
 *   ip id = bits 32..47 of h: varies per target, costs nothing
 */
#ifndef KSCAN_PROBE_H
#define KSCAN_PROBE_H

#include "cookie.h"
#include "syn.h"
#include "target.h"

struct kscan_probe_plan {
	struct kscan_target_space ts;
	struct kscan_key key;
	u32 saddr_first;
	/* 1..2^32: the range 0.0.0.0-255.255.255.255 has 2^32 addresses, one
	 * more than a u32 holds (a u32 count wrapped to 0 and divided by it).
	 */
	u64 saddr_count;
	const u32 *saddr_list;	/* NULL: the range saddr_first + [0, count) */
	u16 sport_first;
	u32 sport_count;	/* 1..65536 */
};

/* How many sources the range [@first, @last] holds: 1..2^32, never 0. */
static inline u64 kscan_probe_saddr_count(u32 first, u32 last)
{
	return (u64)last - first + 1;
}

/*
 * The source address the scan uses for target @daddr: entry daddr mod
 * count of a list, or first + daddr mod count of a range. Replies must come
 * back to it (user/validate.c checks them with this very function).
 * @saddr_count is 1..2^32 (0 is never passed: the callers count with
 * kscan_probe_saddr_count() or a list length of at least one).
 */
static inline u32 kscan_probe_saddr(u32 saddr_first, u64 saddr_count,
				    const u32 *saddr_list, u32 daddr)
{
	/* Most scans have one source address: skip the division then. */
	if (saddr_count == 1)
		return saddr_list ? saddr_list[0] : saddr_first;
	if (saddr_list)
		return saddr_list[daddr % (u32)saddr_count];
	/* Every address is a source: daddr mod 2^32 is daddr itself, and
	 * the first source is 0.0.0.0 (no u64 division in the kernel).
	 */
	if (saddr_count > 0xffffffffULL)
		return saddr_first + daddr;
	return saddr_first + daddr % (u32)saddr_count;
}

/* Fill every field of @f but tsval; returns the probe number. */
static inline u32 kscan_probe_fields(const struct kscan_probe_plan *plan,
				     u64 index, struct kscan_syn_fields *f)
{
	u32 daddr, probe;
	u16 dport;
	u64 h;

	kscan_target_at(&plan->ts, index, &daddr, &dport, &probe);
	f->daddr = daddr;
	f->dport = dport;
	f->saddr = kscan_probe_saddr(plan->saddr_first, plan->saddr_count,
				     plan->saddr_list, daddr);
	h = kscan_cookie_hash(&plan->key, f->saddr, daddr, plan->sport_first,
			      dport);
	f->seq = kscan_cookie_seq(h);
	f->sport = kscan_cookie_sport(h, plan->sport_first, plan->sport_count,
				      probe);
	f->ip_id = (u16)(h >> 32);
	f->tsval = 0;
	return probe;
}

#endif /* KSCAN_PROBE_H */
