// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_perm: the permutation (include/kscan/perm.h) as the
 * kernel compiles it, against the known-answer vectors the host tests check
 * too (include/kscan/perm_vectors.h).
 */
#include <kunit/test.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "kscan/perm.h"
#include "kscan/perm_vectors.h"
#include "kscan/target.h"


static void kscan_perm_vector_desc(const struct kscan_perm_vector *v,
				   char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "n %#llx seed %#llx pos %#llx",
		 v->n, v->seed, v->pos);
}

KUNIT_ARRAY_PARAM(kscan_perm_vector, kscan_perm_vectors,
		  kscan_perm_vector_desc);

static void kscan_perm_vector_case(struct kunit *test)
{
	const struct kscan_perm_vector *v = test->param_value;
	struct kscan_perm p;

	/* Arrange */
	KUNIT_ASSERT_EQ(test, kscan_perm_init(&p, v->n, v->seed), 0);

	/* Act, Assert */
	KUNIT_EXPECT_EQ(test, kscan_perm_at(&p, v->pos), v->value);
}

static void kscan_perm_init_rejects(struct kunit *test)
{
	struct kscan_perm p;

	KUNIT_EXPECT_EQ(test, kscan_perm_init(&p, 0, 1), -1);
	KUNIT_EXPECT_EQ(test, kscan_perm_init(&p, KSCAN_PERM_MAX_N + 1, 1),
			-1);
	KUNIT_EXPECT_EQ(test, kscan_perm_init(&p, KSCAN_PERM_MAX_N, 1), 0);
	KUNIT_EXPECT_EQ(test, p.a, 1ULL << 31);
	KUNIT_EXPECT_EQ(test, p.b, 1ULL << 31);
	KUNIT_EXPECT_EQ(test, kscan_perm_init(&p, 101, 1), 0);
	KUNIT_EXPECT_EQ(test, p.a, 11ULL);
	KUNIT_EXPECT_EQ(test, p.b, 10ULL);
}

/* Every N in 1..600, two seeds: each value exactly once. */
static void kscan_perm_bijection(struct kunit *test)
{
	static const u64 seeds[] = { 0, 0xdeadbeefcafef00dULL };
	struct kscan_perm p;
	u8 *seen;
	u64 n, i;
	int s;

	seen = kunit_kzalloc(test, 600, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, seen);
	for (s = 0; s < ARRAY_SIZE(seeds); s++)
		for (n = 1; n <= 600; n++) {
			memset(seen, 0, n);
			KUNIT_ASSERT_EQ(test, kscan_perm_init(&p, n, seeds[s]),
					0);
			for (i = 0; i < n; i++) {
				u64 v = kscan_perm_at(&p, i);

				KUNIT_ASSERT_LT(test, v, n);
				KUNIT_ASSERT_EQ(test, seen[v], 0);
				seen[v] = 1;
			}
		}
}

/* Shards x threads walking their slices hit every target exactly once. */
static void kscan_perm_check_cover(struct kunit *test, u8 *seen, u64 n,
				   u32 shards, u32 threads)
{
	struct kscan_perm p;
	u64 i, b, e;
	u32 s, t;

	memset(seen, 0, n);
	for (s = 0; s < shards; s++) {
		/* every shard computes its own permutation from the seed */
		KUNIT_ASSERT_EQ(test, kscan_perm_init(&p, n, 0xfeed), 0);
		for (t = 0; t < threads; t++) {
			kscan_slice(n, s, shards, t, threads, &b, &e);
			for (i = b; i < e; i++)
				seen[kscan_perm_at(&p, i)]++;
		}
	}
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, seen[i], 1);
}

static void kscan_perm_sharded_cover(struct kunit *test)
{
	static const u64 ns[] = { 1, 7, 20, 97, 500 };
	u32 shards, threads;
	u8 *seen;
	int k;

	seen = kunit_kzalloc(test, 500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, seen);
	for (k = 0; k < ARRAY_SIZE(ns); k++)
		for (shards = 1; shards <= 5; shards++)
			for (threads = 1; threads <= 4; threads++)
				kscan_perm_check_cover(test, seen, ns[k],
						       shards, threads);
}

static int kscan_perm_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* N = 2^40 + 12345: 10^4 consecutive positions, distinct and in range. */
static void kscan_perm_large_sampled(struct kunit *test)
{
	const u64 n = (1ULL << 40) + 12345;
	const int samples = 10000;
	struct kscan_perm p;
	u64 *out;
	int i;

	/* Arrange */
	out = kunit_kcalloc(test, samples, sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, out);
	KUNIT_ASSERT_EQ(test, kscan_perm_init(&p, n, 42), 0);

	/* Act */
	for (i = 0; i < samples; i++)
		out[i] = kscan_perm_at(&p, i);

	/* Assert */
	sort(out, samples, sizeof(*out), kscan_perm_cmp, NULL);
	for (i = 0; i < samples; i++) {
		KUNIT_ASSERT_LT(test, out[i], n);
		if (i)
			KUNIT_ASSERT_NE(test, out[i], out[i - 1]);
	}
	/* spread over the space, not clustered at its start */
	KUNIT_EXPECT_LT(test, out[0], n / 1000);
	KUNIT_EXPECT_GT(test, out[samples - 1], n - n / 1000);
}

static struct kunit_case kscan_perm_cases[] = {
	KUNIT_CASE_PARAM(kscan_perm_vector_case, kscan_perm_vector_gen_params),
	KUNIT_CASE(kscan_perm_init_rejects),
	KUNIT_CASE(kscan_perm_bijection),
	KUNIT_CASE(kscan_perm_sharded_cover),
	KUNIT_CASE(kscan_perm_large_sampled),
	{}
};

static struct kunit_suite kscan_perm_suite = {
	.name = "kscan_perm",
	.test_cases = kscan_perm_cases,
};

kunit_test_suite(kscan_perm_suite);
