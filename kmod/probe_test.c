// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_probe: from a target-space index to the fields of its
 * SYN (include/kscan/probe.h), as the generator threads build them.
 */
#include <kunit/test.h>

#include "kscan/probe.h"

static const struct kscan_interval kscan_probe_iv[] = {
	{ 0xc6120100, 0xc61201ff },
};
static const u16 kscan_probe_ports[] = { 22, 80, 443 };

static void kscan_probe_setup(struct kunit *test, struct kscan_probe_plan *p,
			      u64 *prefix, u32 probes)
{
	static const u8 key[KSCAN_KEY_LEN] = { 7 };

	memset(p, 0, sizeof(*p));
	KUNIT_ASSERT_EQ(test, kscan_target_init(&p->ts, kscan_probe_iv, prefix,
						1, kscan_probe_ports, 3,
						probes),
			0);
	kscan_key_from_bytes(&p->key, key);
	p->sport_first = 40000;
	p->sport_count = 1000;
}

/* Index 7 = (ip 1 * 3 ports + port 0) * 2 probes + probe 1. */
static void kscan_probe_fields_follow_the_layout(struct kunit *test)
{
	struct kscan_probe_plan plan;
	struct kscan_syn_fields f;
	u64 prefix[1], h;

	kscan_probe_setup(test, &plan, prefix, 2);
	plan.saddr_first = 0xc6120001;
	plan.saddr_count = 1;

	KUNIT_EXPECT_EQ(test, kscan_probe_fields(&plan, 7, &f), 1U);

	h = kscan_cookie_hash(&plan.key, 0xc6120001, 0xc6120101, 40000, 22);
	KUNIT_EXPECT_EQ(test, f.daddr, 0xc6120101U);
	KUNIT_EXPECT_EQ(test, f.dport, 22);
	KUNIT_EXPECT_EQ(test, f.saddr, 0xc6120001U);
	KUNIT_EXPECT_EQ(test, f.seq, kscan_cookie_seq(h));
	KUNIT_EXPECT_EQ(test, f.sport, kscan_cookie_sport(h, 40000, 1000, 1));
	/* And the reply to it validates as probe 1. */
	KUNIT_EXPECT_EQ(test, kscan_cookie_check(&plan.key, f.saddr, f.daddr,
						 f.sport, f.dport, f.seq + 1,
						 40000, 1000, 2),
			1);
}

/* Sources: a range spreads by daddr mod count, a list likewise. */
static void kscan_probe_source_addresses(struct kunit *test)
{
	static const u32 list[3] = { 0xc6120009, 0xc6120003, 0xc6120005 };
	struct kscan_probe_plan plan;
	struct kscan_syn_fields f;
	u64 prefix[1], index;

	kscan_probe_setup(test, &plan, prefix, 1);
	plan.saddr_first = 0xc6120010;
	plan.saddr_count = 4;
	for (index = 0; index < plan.ts.size; index++) {
		kscan_probe_fields(&plan, index, &f);
		KUNIT_ASSERT_EQ(test, f.saddr, 0xc6120010 + f.daddr % 4);
	}

	plan.saddr_list = list;
	plan.saddr_count = 3;
	for (index = 0; index < plan.ts.size; index++) {
		kscan_probe_fields(&plan, index, &f);
		KUNIT_ASSERT_EQ(test, f.saddr, list[f.daddr % 3]);
	}
}

/*
 * Every count of sources at its edges: 1, 2^32 - 1 and 2^32 (the range
 * 0.0.0.0-255.255.255.255, whose count a u32 wrapped to 0 and the
 * generator divided by: a divide error, an Oops). No count traps, and each
 * source stays within its range.
 */
static void kscan_probe_source_count_edges(struct kunit *test)
{
	static const struct {
		u32 first, last;
	} ranges[] = {
		{ 0xc6120001, 0xc6120001 },	/* 1 */
		{ 0, 0xfffffffe },		/* 2^32 - 1 */
		{ 1, 0xffffffff },		/* 2^32 - 1, from 0.0.0.1 */
		{ 0, 0xffffffff },		/* 2^32 */
	};
	static const u32 daddrs[] = { 0, 1, 0xc6120001, 0xfffffffe, 0xffffffff };
	u32 i, j;

	for (i = 0; i < ARRAY_SIZE(ranges); i++) {
		u64 count = kscan_probe_saddr_count(ranges[i].first,
						    ranges[i].last);

		KUNIT_EXPECT_EQ(test, count,
				(u64)ranges[i].last - ranges[i].first + 1);
		KUNIT_EXPECT_NE(test, count, 0ULL);
		for (j = 0; j < ARRAY_SIZE(daddrs); j++) {
			u32 s = kscan_probe_saddr(ranges[i].first, count, NULL,
						  daddrs[j]);

			KUNIT_EXPECT_GE(test, s, ranges[i].first);
			KUNIT_EXPECT_LE(test, s, ranges[i].last);
			KUNIT_EXPECT_EQ(test, s, (u32)(ranges[i].first +
						       (u64)daddrs[j] % count));
		}
	}
	/* the whole space: each target is its own source */
	KUNIT_EXPECT_EQ(test, kscan_probe_saddr(0, 1ULL << 32, NULL, 0xc6120007),
			0xc6120007U);
}

/* A full probe from the whole source space, as the generator builds it. */
static void kscan_probe_full_source_range(struct kunit *test)
{
	struct kscan_probe_plan plan;
	struct kscan_syn_fields f;
	u64 prefix[1], index;

	kscan_probe_setup(test, &plan, prefix, 1);
	plan.saddr_first = 0;
	plan.saddr_count = kscan_probe_saddr_count(0, 0xffffffff);
	for (index = 0; index < plan.ts.size; index++) {
		kscan_probe_fields(&plan, index, &f);
		KUNIT_ASSERT_EQ(test, f.saddr, f.daddr);
	}
}

static struct kunit_case kscan_probe_cases[] = {
	KUNIT_CASE(kscan_probe_fields_follow_the_layout),
	KUNIT_CASE(kscan_probe_source_addresses),
	KUNIT_CASE(kscan_probe_source_count_edges),
	KUNIT_CASE(kscan_probe_full_source_range),
	{}
};

static struct kunit_suite kscan_probe_suite = {
	.name = "kscan_probe",
	.test_cases = kscan_probe_cases,
};

kunit_test_suite(kscan_probe_suite);
