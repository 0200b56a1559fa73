// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_netlink: START (and STOP/GET) requests built attribute
 * by attribute, parsed with the family's real policies and parser. Every
 * attribute is tried at each edge of what it accepts: min - 1, min, max,
 * max + 1 and the largest value its type holds (for binaries: lengths),
 * plus the rules between attributes. A refusal must point at the
 * attribute that was changed (extack bad_attr) or name the missing one
 * (miss_type); a policy refusal must carry the attribute's policy.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <net/genetlink.h>

#include "kscan.h"

#define U8_ALL 0xffULL
#define U16_ALL 0xffffULL
#define U32_ALL 0xffffffffULL
#define U64_ALL (~0ULL)

/* One attribute to put into the request, replacing the base one. */
struct kscan_nl_attr {
	u16 type;
	u16 len;		/* 0 with data NULL and value set: int of size */
	u64 value;		/* for integers (BE32: host order) */
	const void *data;	/* explicit bytes; NULL: generated (fill) */
	bool absent;		/* leave the base attribute out */
};

/* Positional initializers follow this order: name, attributes, err, bad. */
struct kscan_nl_case {
	const char *name;
	struct kscan_nl_attr a[3];
	int err;
	u16 bad;		/* attribute the refusal points at (0: skip) */
	bool policy;		/* a policy refusal: extack carries a policy */
	u16 missing;		/* miss_type expected */
	const char *msg;	/* extack message, NULL: not checked */
	u32 intervals;		/* 0: two; else this many in nests of 5000 */
};

/* Integers: their natural size. */
#define I(t, v) { .type = (t), .value = (v) }
/* Binaries: @l bytes of generated, valid-looking content. */
#define B(t, l) { .type = (t), .len = (l) }
/* Explicit bytes. */
#define D(t, d) { .type = (t), .len = sizeof(d), .data = (d) }
#define NONE(t) { .type = (t), .absent = true }

static const u8 kscan_nl_bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 kscan_nl_zero_mac[ETH_ALEN] = {};
static const u16 kscan_nl_dup_queues[2] = { 0, 0 };
static const struct kscan_port_range kscan_nl_unsorted[2] = { { 443, 443 },
							      { 80, 80 } };
static const struct kscan_port_range kscan_nl_inverted[1] = { { 90, 80 } };
static const struct kscan_port_range kscan_nl_all_ports[1] = { { 1, 65535 } };
static const struct kscan_port_range kscan_nl_port_zero[1] = { { 0, 0 } };
static const u32 kscan_nl_cpu_bad[1] = { 0x7fffffff };
static const struct kscan_ipv4_interval kscan_nl_iv_inverted = {
	.first = cpu_to_be32(0xc6120009), .last = cpu_to_be32(0xc6120001)
};

static const struct kscan_nl_case kscan_nl_cases[] = {
	{ "valid", {}, .err = 0 },

	/* required attributes, one missing at a time */
	{ "IFINDEX missing", { NONE(KSCAN_A_IFINDEX) }, .err = -EINVAL,
	  .missing = KSCAN_A_IFINDEX, .msg = "KSCAN_A_IFINDEX is required" },
	{ "DST_MAC missing", { NONE(KSCAN_A_DST_MAC) }, .err = -EINVAL,
	  .missing = KSCAN_A_DST_MAC, .msg = "KSCAN_A_DST_MAC is required" },
	{ "SADDR_FIRST missing", { NONE(KSCAN_A_SADDR_FIRST) }, .err = -EINVAL,
	  .missing = KSCAN_A_SADDR_FIRST },
	{ "SPORT_FIRST missing", { NONE(KSCAN_A_SPORT_FIRST) }, .err = -EINVAL,
	  .missing = KSCAN_A_SPORT_FIRST },
	{ "SPORT_LAST missing", { NONE(KSCAN_A_SPORT_LAST) }, .err = -EINVAL,
	  .missing = KSCAN_A_SPORT_LAST },
	{ "TARGETS missing", { NONE(KSCAN_A_TARGETS) }, .err = -EINVAL,
	  .missing = KSCAN_A_TARGETS },
	{ "PORTS missing", { NONE(KSCAN_A_PORTS) }, .err = -EINVAL,
	  .missing = KSCAN_A_PORTS },
	{ "KEY missing", { NONE(KSCAN_A_KEY) }, .err = -EINVAL,
	  .missing = KSCAN_A_KEY, .msg = "KSCAN_A_KEY is required" },

	/* IFINDEX [1, INT_MAX] */
	{ "IFINDEX 0", { I(KSCAN_A_IFINDEX, 0) }, -ERANGE, KSCAN_A_IFINDEX, true },
	{ "IFINDEX 1", { I(KSCAN_A_IFINDEX, 1) }, 0 },
	{ "IFINDEX INT_MAX", { I(KSCAN_A_IFINDEX, INT_MAX) }, 0 },
	{ "IFINDEX INT_MAX+1", { I(KSCAN_A_IFINDEX, (u64)INT_MAX + 1) },
	  -ERANGE, KSCAN_A_IFINDEX, true },
	{ "IFINDEX all ones", { I(KSCAN_A_IFINDEX, U32_ALL) }, -ERANGE,
	  KSCAN_A_IFINDEX, true },
	{ "IFINDEX 2 bytes", { { .type = KSCAN_A_IFINDEX, .len = 2 } },
	  -EINVAL, KSCAN_A_IFINDEX, true },
	{ "IFINDEX 8 bytes", { { .type = KSCAN_A_IFINDEX, .len = 8 } },
	  -EINVAL, KSCAN_A_IFINDEX, true },

	/* MACs: exactly 6 bytes, unicast */
	{ "DST_MAC 5 bytes", { B(KSCAN_A_DST_MAC, 5) }, -ERANGE,
	  KSCAN_A_DST_MAC, true },
	{ "DST_MAC 7 bytes", { B(KSCAN_A_DST_MAC, 7) }, -ERANGE,
	  KSCAN_A_DST_MAC, true },
	{ "DST_MAC 0 bytes", { B(KSCAN_A_DST_MAC, 0) }, -ERANGE,
	  KSCAN_A_DST_MAC, true },
	{ "DST_MAC broadcast", { D(KSCAN_A_DST_MAC, kscan_nl_bcast) }, -EINVAL,
	  KSCAN_A_DST_MAC, .msg = "KSCAN_A_DST_MAC: expected a unicast MAC address" },
	{ "DST_MAC zero", { D(KSCAN_A_DST_MAC, kscan_nl_zero_mac) }, -EINVAL,
	  KSCAN_A_DST_MAC },
	{ "SRC_MAC 6 bytes", { B(KSCAN_A_SRC_MAC, 6) }, 0 },
	{ "SRC_MAC 5 bytes", { B(KSCAN_A_SRC_MAC, 5) }, -ERANGE,
	  KSCAN_A_SRC_MAC, true },
	{ "SRC_MAC broadcast", { D(KSCAN_A_SRC_MAC, kscan_nl_bcast) }, -EINVAL,
	  KSCAN_A_SRC_MAC },

	/* source addresses */
	{ "SADDR 0.0.0.0", { I(KSCAN_A_SADDR_FIRST, 0) }, 0 },
	{ "SADDR 255.255.255.255", { I(KSCAN_A_SADDR_FIRST, U32_ALL) }, 0 },
	{ "SADDR full range", { I(KSCAN_A_SADDR_FIRST, 0),
				I(KSCAN_A_SADDR_LAST, U32_ALL) }, 0 },
	{ "SADDR_LAST = FIRST", { I(KSCAN_A_SADDR_LAST, 0xc6120001) }, 0 },
	{ "SADDR_LAST = FIRST-1", { I(KSCAN_A_SADDR_LAST, 0xc6120000) },
	  -EINVAL, KSCAN_A_SADDR_LAST,
	  .msg = "KSCAN_A_SADDR_LAST: below KSCAN_A_SADDR_FIRST" },
	{ "SADDR_LAST without FIRST", { NONE(KSCAN_A_SADDR_FIRST),
					I(KSCAN_A_SADDR_LAST, 0xc6120001) },
	  -EINVAL, .missing = KSCAN_A_SADDR_FIRST },
	{ "SADDR_FIRST 3 bytes", { { .type = KSCAN_A_SADDR_FIRST, .len = 3 } },
	  -ERANGE, KSCAN_A_SADDR_FIRST, true },
	{ "SADDR_LAST 5 bytes", { { .type = KSCAN_A_SADDR_LAST, .len = 5 } },
	  -ERANGE, KSCAN_A_SADDR_LAST, true },
	{ "SADDR_LIST 0 bytes", { NONE(KSCAN_A_SADDR_FIRST),
				  B(KSCAN_A_SADDR_LIST, 0) },
	  -ERANGE, KSCAN_A_SADDR_LIST, true },
	{ "SADDR_LIST 1 address", { NONE(KSCAN_A_SADDR_FIRST),
				    B(KSCAN_A_SADDR_LIST, 4) }, 0 },
	{ "SADDR_LIST 256 addresses", { NONE(KSCAN_A_SADDR_FIRST),
					B(KSCAN_A_SADDR_LIST, 1024) }, 0 },
	{ "SADDR_LIST 257 addresses", { NONE(KSCAN_A_SADDR_FIRST),
					B(KSCAN_A_SADDR_LIST, 1028) },
	  -ERANGE, KSCAN_A_SADDR_LIST, true },
	{ "SADDR_LIST 6 bytes", { NONE(KSCAN_A_SADDR_FIRST),
				  B(KSCAN_A_SADDR_LIST, 6) },
	  -EINVAL, KSCAN_A_SADDR_LIST },
	{ "SADDR_LIST and FIRST", { B(KSCAN_A_SADDR_LIST, 8) }, -EINVAL,
	  KSCAN_A_SADDR_LIST,
	  .msg = "KSCAN_A_SADDR_LIST: give a list or KSCAN_A_SADDR_FIRST/LAST, not both" },

	/* source ports [1, 65535], LAST >= FIRST */
	{ "SPORT_FIRST 0", { I(KSCAN_A_SPORT_FIRST, 0) }, -ERANGE,
	  KSCAN_A_SPORT_FIRST, true },
	{ "SPORT 1-1", { I(KSCAN_A_SPORT_FIRST, 1), I(KSCAN_A_SPORT_LAST, 1) }, 0 },
	{ "SPORT 65535-65535", { I(KSCAN_A_SPORT_FIRST, 65535),
				 I(KSCAN_A_SPORT_LAST, 65535) }, 0 },
	{ "SPORT 1-65535", { I(KSCAN_A_SPORT_FIRST, 1),
			     I(KSCAN_A_SPORT_LAST, 65535) }, 0 },
	{ "SPORT_LAST 0", { I(KSCAN_A_SPORT_LAST, 0) }, -ERANGE,
	  KSCAN_A_SPORT_LAST, true },
	{ "SPORT_LAST < FIRST", { I(KSCAN_A_SPORT_LAST, 39999) }, -EINVAL,
	  KSCAN_A_SPORT_LAST },
	{ "SPORT_FIRST 4 bytes", { { .type = KSCAN_A_SPORT_FIRST, .len = 4,
				     .value = 1 } },
	  -EINVAL, KSCAN_A_SPORT_FIRST, true },

	/* PROBES [1, 16], at most the source ports */
	{ "PROBES 0", { I(KSCAN_A_PROBES, 0) }, -ERANGE, KSCAN_A_PROBES, true },
	{ "PROBES 1", { I(KSCAN_A_PROBES, 1) }, 0 },
	{ "PROBES 16", { I(KSCAN_A_PROBES, 16) }, 0 },
	{ "PROBES 17", { I(KSCAN_A_PROBES, 17) }, -ERANGE, KSCAN_A_PROBES, true },
	{ "PROBES all ones", { I(KSCAN_A_PROBES, U32_ALL) }, -ERANGE,
	  KSCAN_A_PROBES, true },
	{ "PROBES 2 on 1 port", { I(KSCAN_A_PROBES, 2),
				  I(KSCAN_A_SPORT_LAST, 40000) },
	  -EINVAL, KSCAN_A_PROBES,
	  .msg = "KSCAN_A_PROBES: more probes than source ports" },
	{ "PROBES 16 on 16 ports", { I(KSCAN_A_PROBES, 16),
				     I(KSCAN_A_SPORT_LAST, 40015) }, 0 },

	/* SEED: any u64 */
	{ "SEED 0", { I(KSCAN_A_SEED, 0) }, 0 },
	{ "SEED all ones", { I(KSCAN_A_SEED, U64_ALL) }, 0 },
	{ "SEED 4 bytes", { { .type = KSCAN_A_SEED, .len = 4 } }, -EINVAL,
	  KSCAN_A_SEED, true },

	/* SHARDS [1, 65535], SHARD [0, 65534] and < SHARDS */
	{ "SHARDS 0", { I(KSCAN_A_SHARDS, 0) }, -ERANGE, KSCAN_A_SHARDS, true },
	{ "SHARDS 1", { I(KSCAN_A_SHARDS, 1) }, 0 },
	{ "SHARDS 65535", { I(KSCAN_A_SHARDS, 65535) }, 0 },
	{ "SHARDS 65536", { I(KSCAN_A_SHARDS, 65536) }, -ERANGE,
	  KSCAN_A_SHARDS, true },
	{ "SHARDS all ones", { I(KSCAN_A_SHARDS, U32_ALL) }, -ERANGE,
	  KSCAN_A_SHARDS, true },
	{ "SHARD 65534 of 65535", { I(KSCAN_A_SHARD, 65534),
				    I(KSCAN_A_SHARDS, 65535) }, 0 },
	{ "SHARD 65535", { I(KSCAN_A_SHARD, 65535), I(KSCAN_A_SHARDS, 65535) },
	  -ERANGE, KSCAN_A_SHARD, true },
	{ "SHARD all ones", { I(KSCAN_A_SHARD, U32_ALL) }, -ERANGE,
	  KSCAN_A_SHARD, true },
	{ "SHARD 2 of 2", { I(KSCAN_A_SHARD, 2), I(KSCAN_A_SHARDS, 2) },
	  -ERANGE, KSCAN_A_SHARD,
	  .msg = "KSCAN_A_SHARD: expected 0..KSCAN_A_SHARDS-1" },
	{ "SHARD 1 of 2", { I(KSCAN_A_SHARD, 1), I(KSCAN_A_SHARDS, 2) }, 0 },

	/* RATE [0, KSCAN_MAX_RATE] */
	{ "RATE 0", { I(KSCAN_A_RATE, 0) }, 0 },
	{ "RATE 1", { I(KSCAN_A_RATE, 1) }, 0 },
	{ "RATE max", { I(KSCAN_A_RATE, KSCAN_MAX_RATE) }, 0 },
	{ "RATE max+1", { I(KSCAN_A_RATE, KSCAN_MAX_RATE + 1) }, -ERANGE,
	  KSCAN_A_RATE, true },
	{ "RATE all ones", { I(KSCAN_A_RATE, U64_ALL) }, -ERANGE,
	  KSCAN_A_RATE, true },

	/* TX_QUEUES: 1..64 distinct u16; TX_CPUS: one u32 each */
	{ "TX_QUEUES 0 bytes", { B(KSCAN_A_TX_QUEUES, 0) }, -ERANGE,
	  KSCAN_A_TX_QUEUES, true },
	{ "TX_QUEUES 1", { B(KSCAN_A_TX_QUEUES, 2) }, 0 },
	{ "TX_QUEUES 64", { B(KSCAN_A_TX_QUEUES, 128) }, 0 },
	{ "TX_QUEUES 65", { B(KSCAN_A_TX_QUEUES, 130) }, -ERANGE,
	  KSCAN_A_TX_QUEUES, true },
	{ "TX_QUEUES 3 bytes", { B(KSCAN_A_TX_QUEUES, 3) }, -EINVAL,
	  KSCAN_A_TX_QUEUES },
	{ "TX_QUEUES duplicate", { D(KSCAN_A_TX_QUEUES, kscan_nl_dup_queues) },
	  -EINVAL, KSCAN_A_TX_QUEUES,
	  .msg = "KSCAN_A_TX_QUEUES: duplicate queue" },
	{ "TX_CPUS 1 for 1", { B(KSCAN_A_TX_CPUS, 4) }, 0 },
	{ "TX_CPUS 0 bytes", { B(KSCAN_A_TX_CPUS, 0) }, -ERANGE,
	  KSCAN_A_TX_CPUS, true },
	{ "TX_CPUS 2 for 1", { B(KSCAN_A_TX_CPUS, 8) }, -EINVAL,
	  KSCAN_A_TX_CPUS,
	  .msg = "KSCAN_A_TX_CPUS: expected one u32 CPU per TX queue" },
	{ "TX_CPUS 2 for 2", { B(KSCAN_A_TX_QUEUES, 4), B(KSCAN_A_TX_CPUS, 8) }, 0 },
	{ "TX_CPUS 65", { B(KSCAN_A_TX_CPUS, 260) }, -ERANGE, KSCAN_A_TX_CPUS,
	  true },
	{ "TX_CPUS offline", { D(KSCAN_A_TX_CPUS, kscan_nl_cpu_bad) }, -EINVAL,
	  KSCAN_A_TX_CPUS, .msg = "KSCAN_A_TX_CPUS: CPU is not online" },

	/* TTL [1, 255] */
	{ "TTL 0", { I(KSCAN_A_TTL, 0) }, -ERANGE, KSCAN_A_TTL, true },
	{ "TTL 1", { I(KSCAN_A_TTL, 1) }, 0 },
	{ "TTL 255", { I(KSCAN_A_TTL, U8_ALL) }, 0 },
	{ "TTL 2 bytes", { { .type = KSCAN_A_TTL, .len = 2, .value = 256 } },
	  -EINVAL, KSCAN_A_TTL, true },

	/* WINDOW: any u16 */
	{ "WINDOW 0", { I(KSCAN_A_WINDOW, 0) }, 0 },
	{ "WINDOW 65535", { I(KSCAN_A_WINDOW, U16_ALL) }, 0 },
	{ "WINDOW 4 bytes", { { .type = KSCAN_A_WINDOW, .len = 4,
				.value = 65536 } },
	  -EINVAL, KSCAN_A_WINDOW, true },

	/* enums */
	{ "TCP_OPTIONS 0", { I(KSCAN_A_TCP_OPTIONS, 0) }, 0 },
	{ "TCP_OPTIONS last", { I(KSCAN_A_TCP_OPTIONS, __KSCAN_TCP_OPT_MAX - 1) }, 0 },
	{ "TCP_OPTIONS last+1", { I(KSCAN_A_TCP_OPTIONS, __KSCAN_TCP_OPT_MAX) },
	  -ERANGE, KSCAN_A_TCP_OPTIONS, true },
	{ "TCP_OPTIONS all ones", { I(KSCAN_A_TCP_OPTIONS, U32_ALL) }, -ERANGE,
	  KSCAN_A_TCP_OPTIONS, true },
	{ "XMIT_MODE 0", { I(KSCAN_A_XMIT_MODE, 0) }, 0 },
	{ "XMIT_MODE last", { I(KSCAN_A_XMIT_MODE, __KSCAN_XMIT_MAX - 1) }, 0 },
	{ "XMIT_MODE last+1", { I(KSCAN_A_XMIT_MODE, __KSCAN_XMIT_MAX) },
	  -ERANGE, KSCAN_A_XMIT_MODE, true },
	{ "XMIT_MODE all ones", { I(KSCAN_A_XMIT_MODE, U32_ALL) }, -ERANGE,
	  KSCAN_A_XMIT_MODE, true },

	/* KEY: exactly 16 bytes */
	{ "KEY 0 bytes", { B(KSCAN_A_KEY, 0) }, -ERANGE, KSCAN_A_KEY, true },
	{ "KEY 15 bytes", { B(KSCAN_A_KEY, 15) }, -ERANGE, KSCAN_A_KEY, true },
	{ "KEY 17 bytes", { B(KSCAN_A_KEY, 17) }, -ERANGE, KSCAN_A_KEY, true },

	/* BURST [1, 256] */
	{ "BURST 0", { I(KSCAN_A_BURST, 0) }, -ERANGE, KSCAN_A_BURST, true },
	{ "BURST 1", { I(KSCAN_A_BURST, 1) }, 0 },
	{ "BURST 256", { I(KSCAN_A_BURST, KSCAN_MAX_BURST) }, 0 },
	{ "BURST 257", { I(KSCAN_A_BURST, KSCAN_MAX_BURST + 1) }, -ERANGE,
	  KSCAN_A_BURST, true },
	{ "BURST all ones", { I(KSCAN_A_BURST, U32_ALL) }, -ERANGE,
	  KSCAN_A_BURST, true },

	/* MAX_PACKETS [1, U64_MAX] */
	{ "MAX_PACKETS 0", { I(KSCAN_A_MAX_PACKETS, 0) }, -ERANGE,
	  KSCAN_A_MAX_PACKETS, true },
	{ "MAX_PACKETS 1", { I(KSCAN_A_MAX_PACKETS, 1) }, 0 },
	{ "MAX_PACKETS 2^63", { I(KSCAN_A_MAX_PACKETS, 1ULL << 63) }, 0 },
	{ "MAX_PACKETS all ones", { I(KSCAN_A_MAX_PACKETS, U64_ALL) }, 0 },

	/* FLAGS: mask KSCAN_START_F_ALL */
	{ "FLAGS 0", { I(KSCAN_A_FLAGS, 0) }, 0 },
	{ "FLAGS all known", { I(KSCAN_A_FLAGS, KSCAN_START_F_ALL) }, 0 },
	{ "FLAGS next bit", { I(KSCAN_A_FLAGS, KSCAN_START_F_ALL + 1) },
	  -EINVAL, KSCAN_A_FLAGS, .msg = "reserved bit set" },
	{ "FLAGS all ones", { I(KSCAN_A_FLAGS, U32_ALL) }, -EINVAL,
	  KSCAN_A_FLAGS },

	/* PORTS: 1..KSCAN_MAX_PORT_RANGES sorted, disjoint ranges */
	{ "PORTS 0 bytes", { B(KSCAN_A_PORTS, 0) }, -ERANGE, KSCAN_A_PORTS, true },
	{ "PORTS 1 range", { B(KSCAN_A_PORTS, 4) }, 0 },
	{ "PORTS max ranges", { B(KSCAN_A_PORTS, KSCAN_MAX_PORT_RANGES * 4) }, 0 },
	{ "PORTS max+1 bytes", { B(KSCAN_A_PORTS, KSCAN_MAX_PORT_RANGES * 4 + 1) },
	  -ERANGE, KSCAN_A_PORTS, true },
	{ "PORTS max+1 ranges", { B(KSCAN_A_PORTS, KSCAN_MAX_PORT_RANGES * 4 + 4) },
	  -ERANGE, KSCAN_A_PORTS, true },
	{ "PORTS 5 bytes", { B(KSCAN_A_PORTS, 5) }, -EINVAL, KSCAN_A_PORTS },
	{ "PORTS 1-65535", { D(KSCAN_A_PORTS, kscan_nl_all_ports) }, 0 },
	{ "PORTS port 0", { D(KSCAN_A_PORTS, kscan_nl_port_zero) }, -EINVAL,
	  KSCAN_A_PORTS, .msg = "KSCAN_A_PORTS: port 0 is not a TCP port one can probe" },
	{ "PORTS unsorted", { D(KSCAN_A_PORTS, kscan_nl_unsorted) }, -EINVAL,
	  KSCAN_A_PORTS, .msg = "KSCAN_A_PORTS: ranges must be sorted and disjoint" },
	{ "PORTS inverted", { D(KSCAN_A_PORTS, kscan_nl_inverted) }, -EINVAL,
	  KSCAN_A_PORTS, .msg = "KSCAN_A_PORTS: range with first > last" },

	/* TARGETS: 1..KSCAN_MAX_INTERVALS, in nests of 5000 */
	{ "TARGETS 1", {}, .intervals = 1, .err = 0 },
	{ "TARGETS max", {}, .intervals = KSCAN_MAX_INTERVALS, .err = 0 },
	{ "TARGETS max+1", {}, .intervals = KSCAN_MAX_INTERVALS + 1,
	  .err = -E2BIG, .bad = KSCAN_A_TARGETS,
	  .msg = "KSCAN_A_TARGETS: more than KSCAN_MAX_INTERVALS (16384) intervals" },
	{ "TARGETS empty nest", { B(KSCAN_A_TARGETS, 0) }, -EINVAL,
	  KSCAN_A_TARGETS,
	  .msg = "KSCAN_A_TARGETS: at least one interval is required" },
	{ "TARGETS inverted", { { .type = KSCAN_A_TARGETS,
				  .len = sizeof(kscan_nl_iv_inverted),
				  .data = &kscan_nl_iv_inverted } },
	  -EINVAL, KSCAN_TARGET_A_INTERVAL,
	  .msg = "KSCAN_A_TARGETS: interval with first > last" },

	/* beyond the attribute table */
	{ "unknown attribute", { I(KSCAN_A_MAX + 1, 0) }, -EINVAL },
};

static void kscan_nl_case_desc(const struct kscan_nl_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kscan_nl_case, kscan_nl_cases, kscan_nl_case_desc);

/* Valid-looking content of @len bytes for binary attribute @type. */
static void kscan_nl_fill(u16 type, u8 *buf, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(i + 1);
	switch (type) {
	case KSCAN_A_DST_MAC:
	case KSCAN_A_SRC_MAC:
		buf[0] = 0x02;	/* locally administered unicast */
		break;
	case KSCAN_A_TX_QUEUES:	/* 0, 1, 2, ...: distinct */
		for (i = 0; i + 2 <= len; i += 2)
			*(u16 *)(buf + i) = i / 2;
		break;
	case KSCAN_A_TX_CPUS:	/* CPU 0, online and ours everywhere */
		memset(buf, 0, len);
		break;
	case KSCAN_A_SADDR_LIST:	/* 198.18.0.1, .2, ... */
		for (i = 0; i + 4 <= len; i += 4)
			*(__be32 *)(buf + i) = cpu_to_be32(0xc6120001 + i / 4);
		break;
	case KSCAN_A_PORTS:	/* single ports 1, 3, 5, ...: sorted, disjoint */
		for (i = 0; i + 4 <= len; i += 4) {
			struct kscan_port_range *r = (void *)(buf + i);

			r->first = r->last = 1 + i / 2;
		}
		break;
	}
}

/* @n intervals 198.18.0.0, .2, .4, ... in nests of 5000. */
static int kscan_nl_put_intervals(struct sk_buff *skb, u32 n)
{
	struct nlattr *nest = NULL;
	u32 i;

	for (i = 0; i < n; i++) {
		struct kscan_ipv4_interval iv = {
			.first = cpu_to_be32(0xc6120000 + 2 * i),
			.last = cpu_to_be32(0xc6120000 + 2 * i),
		};

		if (i % 5000 == 0) {
			if (nest)
				nla_nest_end(skb, nest);
			nest = nla_nest_start(skb, KSCAN_A_TARGETS);
			if (!nest)
				return -EMSGSIZE;
		}
		if (nla_put(skb, KSCAN_TARGET_A_INTERVAL, sizeof(iv), &iv))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The natural size of integer attribute @type (0: not an integer). */
static u16 kscan_nl_int_size(u16 type)
{
	/* be32 addresses, binaries of 4 bytes in the policy */
	if (type == KSCAN_A_SADDR_FIRST || type == KSCAN_A_SADDR_LAST)
		return 4;
	switch (kscan_start_policy[type].type) {
	case NLA_U8:
		return 1;
	case NLA_U16:
		return 2;
	case NLA_U32:
	case NLA_BE32:
		return 4;
	case NLA_U64:
		return 8;
	default:
		return 0;
	}
}

static int kscan_nl_put_case_attr(struct sk_buff *skb,
				  const struct kscan_nl_attr *a)
{
	u8 *buf;
	u16 size;
	int err;

	if (a->type > KSCAN_A_MAX)	/* beyond the policy table */
		return nla_put_u32(skb, a->type, (u32)a->value);
	if (a->type == KSCAN_A_TARGETS) {
		/* a nest holding these bytes as one interval (or nothing) */
		struct nlattr *nest = nla_nest_start(skb, KSCAN_A_TARGETS);

		if (!nest || (a->len && nla_put(skb, KSCAN_TARGET_A_INTERVAL,
						a->len, a->data)))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
		return 0;
	}
	if (a->data)
		return nla_put(skb, a->type, a->len, a->data);

	size = a->len ? a->len : kscan_nl_int_size(a->type);
	buf = kzalloc(max_t(u16, size, sizeof(u64)), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (kscan_nl_int_size(a->type)) {
		/* an integer, in the size asked for (wrong sizes included) */
		if ((a->type == KSCAN_A_SADDR_FIRST ||
		     a->type == KSCAN_A_SADDR_LAST) && size == 4)
			*(__be32 *)buf = cpu_to_be32((u32)a->value);
		else
			memcpy(buf, &a->value, min_t(u16, size, sizeof(u64)));
	} else {
		kscan_nl_fill(a->type, buf, size);
	}
	err = nla_put(skb, a->type, size, buf);
	kfree(buf);
	return err;
}

static const struct kscan_nl_attr *kscan_nl_override(const struct kscan_nl_case *c,
						     u16 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(c->a); i++)
		if (c->a[i].type == type)
			return &c->a[i];
	return NULL;
}

/* The base START, with the case's attributes instead of the base ones. */
static int kscan_nl_build(struct sk_buff *skb, const struct kscan_nl_case *c)
{
	static const struct kscan_nl_attr base[] = {
		I(KSCAN_A_IFINDEX, 1),
		B(KSCAN_A_DST_MAC, ETH_ALEN),
		I(KSCAN_A_SADDR_FIRST, 0xc6120001),
		I(KSCAN_A_SPORT_FIRST, 40000),
		I(KSCAN_A_SPORT_LAST, 40999),
		B(KSCAN_A_PORTS, 8),
		B(KSCAN_A_KEY, KSCAN_KEY_LEN),
	};
	u32 i;
	int err;

	/* The base attributes the case does not replace or remove... */
	for (i = 0; i < ARRAY_SIZE(base); i++) {
		if (kscan_nl_override(c, base[i].type))
			continue;
		err = kscan_nl_put_case_attr(skb, &base[i]);
		if (err)
			return err;
	}
	/* ...the case's own... */
	for (i = 0; i < ARRAY_SIZE(c->a); i++) {
		if (!c->a[i].type || c->a[i].absent)
			continue;
		err = kscan_nl_put_case_attr(skb, &c->a[i]);
		if (err)
			return err;
	}
	/* ...and the targets, unless the case has its own (or none). */
	if (kscan_nl_override(c, KSCAN_A_TARGETS))
		return 0;
	return kscan_nl_put_intervals(skb, c->intervals ? c->intervals : 2);
}

static void kscan_nl_start_parse(struct kunit *test)
{
	const struct kscan_nl_case *c = test->param_value;
	struct nlattr *tb[KSCAN_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct genl_info info = {};
	struct kscan_config *cfg;
	struct sk_buff *skb;
	struct nlmsghdr *nlh;
	void *hdr;
	int err;

	/* Arrange: a START message as userspace would send it. */
	skb = alloc_skb(512 * 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	hdr = genlmsg_put(skb, 0, 1, &kscan_genl_family, 0, KSCAN_CMD_START);
	KUNIT_ASSERT_NOT_NULL(test, hdr);
	KUNIT_ASSERT_EQ(test, kscan_nl_build(skb, c), 0);
	genlmsg_end(skb, hdr);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);

	/* Act: the core's strict policy check, then the family's parser. */
	nlh = nlmsg_hdr(skb);
	err = nlmsg_parse(nlh, GENL_HDRLEN, tb, KSCAN_A_MAX,
			  kscan_start_policy, &extack);
	if (!err) {
		/* the parser's refusals carry no policy */
		KUNIT_EXPECT_NULL(test, extack.policy);
		info.attrs = tb;
		info.extack = &extack;
		info.nlhdr = nlh;
		info.genlhdr = nlmsg_data(nlh);
		err = kscan_nl_parse_start(&info, cfg);
	}

	/* Assert */
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->msg)
		KUNIT_EXPECT_STREQ(test, extack._msg ? extack._msg : "", c->msg);
	if (c->err && c->bad) {
		KUNIT_EXPECT_NOT_NULL(test, extack.bad_attr);
		if (extack.bad_attr)
			KUNIT_EXPECT_EQ(test, nla_type(extack.bad_attr), c->bad);
	}
	if (c->err && c->policy)
		KUNIT_EXPECT_PTR_EQ(test, extack.policy,
				    &kscan_start_policy[c->bad]);
	if (c->missing)
		KUNIT_EXPECT_EQ(test, extack.miss_type, c->missing);
	if (!c->err) {
		const struct kscan_nl_attr *o;

		/* what was accepted is what the scan gets */
		o = kscan_nl_override(c, KSCAN_A_RATE);
		KUNIT_EXPECT_EQ(test, cfg->rate, o ? o->value : 0);
		o = kscan_nl_override(c, KSCAN_A_MAX_PACKETS);
		KUNIT_EXPECT_EQ(test, cfg->max_packets, o ? o->value : 0);
		o = kscan_nl_override(c, KSCAN_A_PROBES);
		KUNIT_EXPECT_EQ(test, cfg->probes, o ? (u32)o->value : 1);
		o = kscan_nl_override(c, KSCAN_A_SHARDS);
		KUNIT_EXPECT_EQ(test, cfg->shards, o ? (u32)o->value : 1);
		o = kscan_nl_override(c, KSCAN_A_TTL);
		KUNIT_EXPECT_EQ(test, cfg->ttl, o ? (u8)o->value : 255);
		KUNIT_EXPECT_EQ(test, cfg->nr_intervals,
				c->intervals ? c->intervals : 2);
		KUNIT_EXPECT_GE(test, cfg->nr_ports, 1U);
		KUNIT_EXPECT_GE(test, cfg->nr_queues, 1U);
	}

	kscan_config_free(cfg);
	kfree_skb(skb);
}

/* STOP and GET: KSCAN_A_SCAN_ID [1, U32_MAX]. */
static void kscan_nl_scan_id_policy(struct kunit *test)
{
	static const struct {
		u32 id;
		int err;
	} ids[] = { { 0, -ERANGE }, { 1, 0 }, { U32_MAX, 0 } };
	const struct genl_ops *stop = NULL;
	struct netlink_ext_ack extack;
	struct nlattr *tb[KSCAN_A_MAX + 1];
	struct sk_buff *skb;
	u32 i;

	for (i = 0; i < kscan_genl_family.n_ops; i++)
		if (kscan_genl_family.ops[i].cmd == KSCAN_CMD_STOP)
			stop = &kscan_genl_family.ops[i];
	KUNIT_ASSERT_NOT_NULL(test, stop);
	/* STOP and START are for the initial user namespace's admin only */
	KUNIT_EXPECT_TRUE(test, stop->flags & GENL_ADMIN_PERM);

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		void *hdr;

		skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		hdr = genlmsg_put(skb, 0, 1, &kscan_genl_family, 0,
				  KSCAN_CMD_STOP);
		KUNIT_ASSERT_NOT_NULL(test, hdr);
		KUNIT_ASSERT_EQ(test, nla_put_u32(skb, KSCAN_A_SCAN_ID, ids[i].id), 0);
		genlmsg_end(skb, hdr);
		memset(&extack, 0, sizeof(extack));
		KUNIT_EXPECT_EQ(test,
				nlmsg_parse(nlmsg_hdr(skb), GENL_HDRLEN, tb,
					    stop->maxattr, stop->policy, &extack),
				ids[i].err);
		kfree_skb(skb);
	}
}

/* Every op that changes state needs GENL_ADMIN_PERM; reading does not. */
static void kscan_nl_op_privilege(struct kunit *test)
{
	u32 i;

	for (i = 0; i < kscan_genl_family.n_ops; i++) {
		const struct genl_ops *op = &kscan_genl_family.ops[i];
		bool admin = op->cmd == KSCAN_CMD_START ||
			     op->cmd == KSCAN_CMD_STOP;

		KUNIT_EXPECT_EQ_MSG(test, !!(op->flags & GENL_ADMIN_PERM), admin,
				    "cmd %u", op->cmd);
		/* never the per-userns variant: unshare -Urn must not reach */
		KUNIT_EXPECT_FALSE(test, op->flags & GENL_UNS_ADMIN_PERM);
	}
}

static struct kunit_case kscan_netlink_cases[] = {
	KUNIT_CASE_PARAM(kscan_nl_start_parse, kscan_nl_case_gen_params),
	KUNIT_CASE(kscan_nl_scan_id_policy),
	KUNIT_CASE(kscan_nl_op_privilege),
	{}
};

static struct kunit_suite kscan_netlink_suite = {
	.name = "kscan_netlink",
	.test_cases = kscan_netlink_cases,
};

kunit_test_suite(kscan_netlink_suite);
