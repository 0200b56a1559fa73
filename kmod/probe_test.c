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

static struct kunit_case kscan_probe_cases[] = {
	KUNIT_CASE(kscan_probe_fields_follow_the_layout),
	KUNIT_CASE(kscan_probe_source_addresses),
	{}
};

static struct kunit_suite kscan_probe_suite = {
	.name = "kscan_probe",
	.test_cases = kscan_probe_cases,
};

kunit_test_suite(kscan_probe_suite);
