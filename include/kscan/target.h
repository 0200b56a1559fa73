/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The target space of a scan: sorted, disjoint IPv4 intervals times a port
 * list times a number of probes per (ip, port).
 *
 * Size N = #IPs * #ports * probes. An index in [0, N) maps to a target as
 *
 *   index = (ip_index * nr_ports + port_index) * probes + probe
 *
 * i.e. the probe number varies fastest, then the port, then the address;
 * ip_index counts addresses across the intervals in ascending order. The
 * layout only matters to tests and progress arithmetic: the generator walks
 * positions of the permutation (perm.h), not indices, so consecutive packets
 * land on unrelated targets.
 *
 * Addresses are host-numeric (198.18.0.1 is 0xc6120001). The structure only
 * points at caller-owned arrays; nothing here allocates.
 */
#ifndef KSCAN_TARGET_H
#define KSCAN_TARGET_H

#include "types.h"

/* An inclusive interval of host-numeric IPv4 addresses. */
struct kscan_interval {
	u32 first;
	u32 last;
};

struct kscan_target_space {
	const struct kscan_interval *intervals;
	/* caller-allocated, nr_intervals entries: IPs before interval i */
	u64 *prefix;
	const u16 *ports;
	u32 nr_intervals;
	u32 nr_ports;
	u32 probes;
	u64 nr_ips;
	u64 size;	/* N */
};

/* Why kscan_target_init() refused a target space (returned negated). */
enum kscan_target_err {
	KSCAN_TARGET_OK,
	KSCAN_TARGET_E_EMPTY,		/* no interval */
	KSCAN_TARGET_E_INVERTED,	/* an interval with first > last */
	KSCAN_TARGET_E_UNSORTED,	/* starts before its predecessor */
	KSCAN_TARGET_E_OVERLAP,		/* starts inside its predecessor */
	KSCAN_TARGET_E_NO_PORTS,
	KSCAN_TARGET_E_NO_PROBES,
	KSCAN_TARGET_E_OVERFLOW,	/* N > KSCAN_TARGET_MAX_SIZE */
	__KSCAN_TARGET_E_MAX
};

/*
 * Largest accepted N. The uapi limits give at most 2^32 * 2^16 * 16 = 2^52;
 * 2^62 leaves room and keeps every product in perm.h and kscan_slice() far
 * from u64 overflow.
 */
#define KSCAN_TARGET_MAX_SIZE (1ULL << 62)

static inline const char *kscan_target_strerror(int err)
{
	switch (-err) {
	case KSCAN_TARGET_OK:
		return "ok";
	case KSCAN_TARGET_E_EMPTY:
		return "no target interval";
	case KSCAN_TARGET_E_INVERTED:
		return "target interval with first > last";
	case KSCAN_TARGET_E_UNSORTED:
		return "target intervals not sorted";
	case KSCAN_TARGET_E_OVERLAP:
		return "target intervals overlap";
	case KSCAN_TARGET_E_NO_PORTS:
		return "no target port";
	case KSCAN_TARGET_E_NO_PROBES:
		return "zero probes per target";
	case KSCAN_TARGET_E_OVERFLOW:
		return "target space too large";
	default:
		return "unknown target error";
	}
}

/*
 * Validate the arrays and fill @ts, including ts->prefix[] (which must have
 * room for @nr_intervals entries). Returns 0 or -enum kscan_target_err; on
 * error @ts is zeroed (size 0) and unusable. Ports are not checked for
 * duplicates: the caller (netlink policy, userspace parser) owns that rule.
 */
static inline int kscan_target_init(struct kscan_target_space *ts,
				    const struct kscan_interval *intervals,
				    u64 *prefix, u32 nr_intervals,
				    const u16 *ports, u32 nr_ports, u32 probes)
{
	u64 ips = 0, per_ip;
	u32 i;

	__builtin_memset(ts, 0, sizeof(*ts));
	if (!nr_intervals)
		return -KSCAN_TARGET_E_EMPTY;
	for (i = 0; i < nr_intervals; i++) {
		if (intervals[i].first > intervals[i].last)
			return -KSCAN_TARGET_E_INVERTED;
		if (i && intervals[i].first < intervals[i - 1].first)
			return -KSCAN_TARGET_E_UNSORTED;
		if (i && intervals[i].first <= intervals[i - 1].last)
			return -KSCAN_TARGET_E_OVERLAP;
		prefix[i] = ips;
		ips += (u64)(intervals[i].last - intervals[i].first) + 1;
	}
	if (!nr_ports)
		return -KSCAN_TARGET_E_NO_PORTS;
	if (!probes)
		return -KSCAN_TARGET_E_NO_PROBES;

	/* ips <= 2^32 (disjoint) and per_ip < 2^64: only the last product can
	 * overflow, so compare by division instead (ips >= 1).
	 */
	per_ip = (u64)nr_ports * probes;
	if (ips > KSCAN_TARGET_MAX_SIZE / per_ip)
		return -KSCAN_TARGET_E_OVERFLOW;

	ts->intervals = intervals;
	ts->prefix = prefix;
	ts->ports = ports;
	ts->nr_intervals = nr_intervals;
	ts->nr_ports = nr_ports;
	ts->probes = probes;
	ts->nr_ips = ips;
	ts->size = ips * per_ip;
	return 0;
}

/* The @ip_index-th address of the space: binary search of the prefix. */
static inline u32 kscan_target_ip(const struct kscan_target_space *ts,
				  u64 ip_index)
{
	u32 lo = 0, hi = ts->nr_intervals - 1;

	/* invariant: prefix[lo] <= ip_index, and prefix[hi + 1] > ip_index */
	while (lo < hi) {
		u32 mid = lo + (hi - lo + 1) / 2;

		if (ts->prefix[mid] <= ip_index)
			lo = mid;
		else
			hi = mid - 1;
	}
	return ts->intervals[lo].first + (u32)(ip_index - ts->prefix[lo]);
}

/*
 * Map @index (< ts->size, the caller's duty) to its target. Two divisions
 * and O(log nr_intervals) loads.
 */
static inline void kscan_target_at(const struct kscan_target_space *ts,
				   u64 index, u32 *ip, u16 *port, u32 *probe)
{
	/* Single probes and single ports are common: skip their divisions. */
	u64 rest = ts->probes > 1 ? index / ts->probes : index;
	u64 ip_index = ts->nr_ports > 1 ? rest / ts->nr_ports : rest;

	*probe = (u32)(index - rest * ts->probes);
	*port = ts->ports[rest - ip_index * ts->nr_ports];
	*ip = kscan_target_ip(ts, ip_index);
}

/*
 * The positions [*begin, *end) of a permutation of length @n that thread
 * @thread of @threads of shard @shard of @shards walks.
 *
 * Two levels, so that a shard's range does not depend on how many threads
 * it runs (shards of one scan live on different machines with different
 * queue counts): [0, n) is cut into @shards contiguous parts, and the
 * shard's part into @threads contiguous parts. Within a level, part k of
 * P of m positions starts at k * q + min(k, r) with q = m / P, r = m % P:
 * the first r parts get q + 1 positions, the others q. Unlike k * m / P,
 * this never overflows (k * q <= m).
 *
 * Returns 0, or -1 if an index is out of range or a count is zero.
 */
static inline u64 kscan_slice_start(u64 m, u32 parts, u32 k)
{
	u64 q = m / parts, r = m - q * parts;

	return k * q + (k < r ? k : r);
}

static inline int kscan_slice(u64 n, u32 shard, u32 shards, u32 thread,
			      u32 threads, u64 *begin, u64 *end)
{
	u64 sb, se;

	if (!shards || !threads || shard >= shards || thread >= threads)
		return -1;
	sb = kscan_slice_start(n, shards, shard);
	se = kscan_slice_start(n, shards, shard + 1);
	*begin = sb + kscan_slice_start(se - sb, threads, thread);
	*end = sb + kscan_slice_start(se - sb, threads, thread + 1);
	return 0;
}

#endif /* KSCAN_TARGET_H */
