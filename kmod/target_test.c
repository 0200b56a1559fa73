// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_target: the target space (include/kscan/target.h) as
 * the kernel compiles it: index mapping, rejections, slices.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "kscan/target.h"

#define KSCAN_IP4(a, b, c, d) \
	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

/* 198.18.0.1-3, 198.18.0.10, 198.18.1.0-1; ports 80, 443; 2 probes. */
static const struct kscan_interval kscan_test_iv[] = {
	{ KSCAN_IP4(198, 18, 0, 1), KSCAN_IP4(198, 18, 0, 3) },
	{ KSCAN_IP4(198, 18, 0, 10), KSCAN_IP4(198, 18, 0, 10) },
	{ KSCAN_IP4(198, 18, 1, 0), KSCAN_IP4(198, 18, 1, 1) },
};

static const u16 kscan_test_ports[] = { 80, 443 };

struct kscan_target_at_param {
	const char *desc;
	u64 index;
	u32 ip;
	u16 port;
	u32 probe;
};

/* Hand-computed: index = (ip_index * 2 + port_index) * 2 + probe. */
static const struct kscan_target_at_param kscan_target_at_params[] = {
	{ "first", 0, KSCAN_IP4(198, 18, 0, 1), 80, 0 },
	{ "second probe", 1, KSCAN_IP4(198, 18, 0, 1), 80, 1 },
	{ "second port", 2, KSCAN_IP4(198, 18, 0, 1), 443, 0 },
	{ "second ip", 5, KSCAN_IP4(198, 18, 0, 2), 80, 1 },
	{ "end of interval 0", 11, KSCAN_IP4(198, 18, 0, 3), 443, 1 },
	{ "single-address interval", 12, KSCAN_IP4(198, 18, 0, 10), 80, 0 },
	{ "start of interval 2", 16, KSCAN_IP4(198, 18, 1, 0), 80, 0 },
	{ "last", 23, KSCAN_IP4(198, 18, 1, 1), 443, 1 },
};

static void kscan_target_at_desc(const struct kscan_target_at_param *param,
				 char *desc)
{
	strscpy(desc, param->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kscan_target_at, kscan_target_at_params,
		  kscan_target_at_desc);

static void kscan_target_at_case(struct kunit *test)
{
	const struct kscan_target_at_param *param = test->param_value;
	struct kscan_target_space ts;
	u64 prefix[ARRAY_SIZE(kscan_test_iv)];
	u32 ip = 0, probe = 99;
	u16 port = 0;
	int ret;

	/* Arrange */
	ret = kscan_target_init(&ts, kscan_test_iv, prefix,
				ARRAY_SIZE(kscan_test_iv), kscan_test_ports,
				ARRAY_SIZE(kscan_test_ports), 2);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, ts.size, 24ULL);

	/* Act */
	kscan_target_at(&ts, param->index, &ip, &port, &probe);

	/* Assert */
	KUNIT_EXPECT_EQ(test, ip, param->ip);
	KUNIT_EXPECT_EQ(test, port, param->port);
	KUNIT_EXPECT_EQ(test, probe, param->probe);
}

/* Every index against nested loops over the documented layout. */
static void kscan_target_every_index(struct kunit *test)
{
	struct kscan_target_space ts;
	u64 prefix[ARRAY_SIZE(kscan_test_iv)], index = 0, a;
	u32 i, p, k, ip, probe;
	u16 port;

	KUNIT_ASSERT_EQ(test, kscan_target_init(&ts, kscan_test_iv, prefix,
						3, kscan_test_ports, 2, 3), 0);
	KUNIT_EXPECT_EQ(test, prefix[0], 0ULL);
	KUNIT_EXPECT_EQ(test, prefix[1], 3ULL);
	KUNIT_EXPECT_EQ(test, prefix[2], 4ULL);
	for (i = 0; i < 3; i++)
		for (a = kscan_test_iv[i].first; a <= kscan_test_iv[i].last;
		     a++)
			for (p = 0; p < 2; p++)
				for (k = 0; k < 3; k++) {
					kscan_target_at(&ts, index++, &ip,
							&port, &probe);
					KUNIT_ASSERT_EQ(test, ip, (u32)a);
					KUNIT_ASSERT_EQ(test, port,
							kscan_test_ports[p]);
					KUNIT_ASSERT_EQ(test, probe, k);
				}
	KUNIT_EXPECT_EQ(test, index, ts.size);
}

/* The whole IPv4 space x 65536 ports x 16 probes: N = 2^52. */
static void kscan_target_full_space(struct kunit *test)
{
	static const struct kscan_interval all = { 0, 0xffffffff };
	struct kscan_target_space ts;
	u16 *ports;
	u64 prefix[1];
	u32 i, ip, probe;
	u16 port;

	ports = kunit_kcalloc(test, 65536, sizeof(*ports), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ports);
	for (i = 0; i < 65536; i++)
		ports[i] = 65535 - i;

	KUNIT_ASSERT_EQ(test, kscan_target_init(&ts, &all, prefix, 1, ports,
						65536, 16), 0);

	KUNIT_EXPECT_EQ(test, ts.nr_ips, 1ULL << 32);
	KUNIT_EXPECT_EQ(test, ts.size, 1ULL << 52);
	kscan_target_at(&ts, ts.size - 1, &ip, &port, &probe);
	KUNIT_EXPECT_EQ(test, ip, 0xffffffffU);
	KUNIT_EXPECT_EQ(test, port, 0);
	KUNIT_EXPECT_EQ(test, probe, 15U);
	kscan_target_at(&ts, (0x12345678ULL * 65536 + 0x9abc) * 16 + 0xd,
			&ip, &port, &probe);
	KUNIT_EXPECT_EQ(test, ip, 0x12345678U);
	KUNIT_EXPECT_EQ(test, port, 65535 - 0x9abc);
	KUNIT_EXPECT_EQ(test, probe, 0xdU);
}

struct kscan_target_reject_param {
	const char *desc;
	struct kscan_interval iv[3];
	u32 nr_iv;
	u32 nr_ports;
	u32 probes;
	int expect;
};

static const struct kscan_target_reject_param kscan_target_reject_params[] = {
	{ "no interval", { { 1, 2 } }, 0, 1, 1, -KSCAN_TARGET_E_EMPTY },
	{ "inverted", { { 5, 4 } }, 1, 1, 1, -KSCAN_TARGET_E_INVERTED },
	{ "unsorted", { { 10, 20 }, { 1, 5 } }, 2, 1, 1,
	  -KSCAN_TARGET_E_UNSORTED },
	{ "same first", { { 1, 5 }, { 1, 9 } }, 2, 1, 1,
	  -KSCAN_TARGET_E_OVERLAP },
	{ "shared end", { { 1, 5 }, { 5, 9 } }, 2, 1, 1,
	  -KSCAN_TARGET_E_OVERLAP },
	{ "no ports", { { 1, 5 } }, 1, 0, 1, -KSCAN_TARGET_E_NO_PORTS },
	{ "no probes", { { 1, 5 } }, 1, 1, 0, -KSCAN_TARGET_E_NO_PROBES },
	{ "2^63", { { 0, 1 } }, 1, 1U << 31, 1U << 31,
	  -KSCAN_TARGET_E_OVERFLOW },
	{ "u32 max squared", { { 7, 7 } }, 1, 0xffffffff, 0xffffffff,
	  -KSCAN_TARGET_E_OVERFLOW },
	{ "adjacent accepted", { { 1, 5 }, { 6, 9 } }, 2, 4, 16, 0 },
	{ "exactly 2^62 accepted", { { 0, 0 } }, 1, 1U << 31, 1U << 31, 0 },
};

static void
kscan_target_reject_desc(const struct kscan_target_reject_param *param,
			 char *desc)
{
	strscpy(desc, param->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kscan_target_reject, kscan_target_reject_params,
		  kscan_target_reject_desc);

static void kscan_target_reject_case(struct kunit *test)
{
	const struct kscan_target_reject_param *param = test->param_value;
	static const u16 ports[1] = { 80 };
	struct kscan_target_space ts;
	u64 prefix[3];
	int ret;

	/* Act (the ports array is never read by init) */
	ret = kscan_target_init(&ts, param->iv, prefix, param->nr_iv, ports,
				param->nr_ports, param->probes);

	/* Assert */
	KUNIT_EXPECT_EQ(test, ret, param->expect);
	if (ret)
		KUNIT_EXPECT_EQ(test, ts.size, 0ULL);
	KUNIT_EXPECT_STRNEQ(test, kscan_target_strerror(ret),
			    "unknown target error");
}

/*
 * Slices of [0, n) in order, each position exactly once, shard ranges
 * independent of the thread count.
 */
static void kscan_target_check_slices(struct kunit *test, u64 n, u32 shards,
				      u32 threads)
{
	u64 next = 0, b, e, sb, se, i;
	u8 seen[40] = { 0 };
	u32 s, t;

	for (s = 0; s < shards; s++) {
		KUNIT_ASSERT_EQ(test, kscan_slice(n, s, shards, 0, 1, &sb, &se),
				0);
		KUNIT_ASSERT_EQ(test, sb, next);
		for (t = 0; t < threads; t++) {
			KUNIT_ASSERT_EQ(test, kscan_slice(n, s, shards, t,
							  threads, &b, &e), 0);
			KUNIT_ASSERT_EQ(test, b, next);
			for (i = b; i < e; i++)
				seen[i]++;
			next = e;
		}
		KUNIT_ASSERT_EQ(test, next, se);
	}
	KUNIT_ASSERT_EQ(test, next, n);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, seen[i], 1);
}

/* Every (shards, threads) up to 5 x 4, every n up to 40. */
static void kscan_target_slice_cover(struct kunit *test)
{
	u32 shards, threads;
	u64 n;

	for (n = 0; n <= 40; n++)
		for (shards = 1; shards <= 5; shards++)
			for (threads = 1; threads <= 4; threads++)
				kscan_target_check_slices(test, n, shards,
							  threads);
}

static void kscan_target_slice_limits(struct kunit *test)
{
	u64 b, e;

	/* Arrange / Act: the last thread of the last shard at the maxima */
	KUNIT_ASSERT_EQ(test, kscan_slice(~0ULL, 65534, 65535, 63, 64, &b,
					  &e), 0);

	/* Assert */
	KUNIT_EXPECT_EQ(test, e, ~0ULL);
	KUNIT_EXPECT_LE(test, e - b, ~0ULL / 65535 / 64 + 1);
	KUNIT_EXPECT_EQ(test, kscan_slice(10, 3, 3, 0, 1, &b, &e), -1);
	KUNIT_EXPECT_EQ(test, kscan_slice(10, 0, 1, 2, 2, &b, &e), -1);
	KUNIT_EXPECT_EQ(test, kscan_slice(10, 0, 0, 0, 1, &b, &e), -1);
	/* 10 over 3 shards: 4 3 3; shard 2 over 2 threads: 2 1 */
	KUNIT_EXPECT_EQ(test, kscan_slice(10, 2, 3, 1, 2, &b, &e), 0);
	KUNIT_EXPECT_EQ(test, b, 9ULL);
	KUNIT_EXPECT_EQ(test, e, 10ULL);
}

static struct kunit_case kscan_target_cases[] = {
	KUNIT_CASE_PARAM(kscan_target_at_case, kscan_target_at_gen_params),
	KUNIT_CASE(kscan_target_every_index),
	KUNIT_CASE(kscan_target_full_space),
	KUNIT_CASE_PARAM(kscan_target_reject_case,
			 kscan_target_reject_gen_params),
	KUNIT_CASE(kscan_target_slice_cover),
	KUNIT_CASE(kscan_target_slice_limits),
	{}
};

static struct kunit_suite kscan_target_suite = {
	.name = "kscan_target",
	.test_cases = kscan_target_cases,
};

kunit_test_suite(kscan_target_suite);
