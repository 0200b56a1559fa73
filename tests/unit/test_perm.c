// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests for include/kscan/perm.h: exhaustive bijection for small N,
 * exact coverage of sharded and threaded slices, sampled checks for large
 * N, spread of consecutive outputs, and known-answer vectors computed by an
 * independent Python implementation (the KUnit suite checks the same ones).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kscan/perm.h"
#include "kscan/perm_vectors.h"
#include "kscan/target.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const u64 seeds[] = { 0, 1, 0xdeadbeef, 0x0123456789abcdefULL,
			     ~0ULL };

static void test_init_rejects(void **state)
{
	struct kscan_perm p;

	(void)state;
	assert_int_equal(kscan_perm_init(&p, 0, 1), -1);
	assert_int_equal(kscan_perm_init(&p, KSCAN_PERM_MAX_N + 1, 1), -1);
	assert_int_equal(kscan_perm_init(&p, ~0ULL, 1), -1);
	assert_int_equal(kscan_perm_init(&p, KSCAN_PERM_MAX_N, 1), 0);
	assert_int_equal(kscan_perm_init(&p, 1, 1), 0);
}

/* a = ceil(sqrt(n)), b = ceil(n / a): so b <= a <= 2^31, a*b - n < a. */
static void test_domain_shape(void **state)
{
	static const u64 ns[] = { 1, 2, 3, 4, 5, 99, 100, 101, 65535, 65536,
				  65537, (1ULL << 32) - 1, 1ULL << 32,
				  (1ULL << 32) + 1, 1ULL << 52,
				  (1ULL << 52) + 1, 999999999999ULL,
				  KSCAN_PERM_MAX_N - 1, KSCAN_PERM_MAX_N };
	struct kscan_perm p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(ns); i++) {
		u64 n = ns[i];

		assert_int_equal(kscan_perm_init(&p, n, 0), 0);
		assert_true(p.a * p.a >= n);
		assert_true((p.a - 1) * (p.a - 1) < n);
		assert_true(p.a * p.b >= n);
		assert_true(p.a * (p.b - 1) < n);
		assert_true(p.a * p.b - n < p.a);
		assert_true(p.b <= p.a);
		assert_true(p.a <= 1ULL << 31);
	}
	assert_int_equal(kscan_perm_init(&p, 100, 0), 0);
	assert_true(p.a == 10 && p.b == 10);
	assert_int_equal(kscan_perm_init(&p, 101, 0), 0);
	assert_true(p.a == 11 && p.b == 10);
	assert_int_equal(kscan_perm_init(&p, KSCAN_PERM_MAX_N, 0), 0);
	assert_true(p.a == 1ULL << 31 && p.b == 1ULL << 31);
}

static void test_isqrt(void **state)
{
	u64 x;

	(void)state;
	for (x = 0; x < 100000; x++) {
		u64 r = kscan_perm_isqrt(x);

		assert_true(r * r <= x && (r + 1) * (r + 1) > x);
	}
	assert_true(kscan_perm_isqrt(~0ULL) == 0xffffffffULL);
	assert_true(kscan_perm_isqrt((1ULL << 62) - 1) == (1ULL << 31) - 1);
	assert_true(kscan_perm_isqrt(1ULL << 62) == 1ULL << 31);
	assert_true(kscan_perm_isqrt(0xfffffffe00000001ULL) == 0xffffffffULL);
	assert_true(kscan_perm_isqrt(0xfffffffe00000000ULL) == 0xfffffffeULL);
}

/* Every N in 1..2000, every seed: each value hit exactly once. */
static void test_bijection_exhaustive(void **state)
{
	static u8 seen[2000];
	struct kscan_perm p;
	size_t s;
	u64 n, i;

	(void)state;
	for (s = 0; s < ARRAY_LEN(seeds); s++)
		for (n = 1; n <= 2000; n++) {
			memset(seen, 0, n);
			assert_int_equal(kscan_perm_init(&p, n, seeds[s]), 0);
			for (i = 0; i < n; i++) {
				u64 v = kscan_perm_at(&p, i);

				assert_true(v < n);
				assert_int_equal(seen[v], 0);
				seen[v] = 1;
			}
		}
}

/* The Feistel pass alone is a bijection on [0, a*b). */
static void test_feistel_bijection(void **state)
{
	static u8 seen[4096];
	static const u64 ns[] = { 2, 3, 7, 17, 1000, 1001, 4000 };
	struct kscan_perm p;
	size_t k;
	u64 i;

	(void)state;
	for (k = 0; k < ARRAY_LEN(ns); k++) {
		assert_int_equal(kscan_perm_init(&p, ns[k], 77), 0);
		assert_true(p.a * p.b <= sizeof(seen));
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < p.a * p.b; i++) {
			u64 v = kscan_perm_feistel(&p, i);

			assert_true(v < p.a * p.b);
			assert_int_equal(seen[v], 0);
			seen[v] = 1;
		}
	}
}

/*
 * The documented cost: a whole permutation takes exactly a*b Feistel
 * passes (each out-of-range point is stepped over by one walk).
 */
static void test_walk_total_cost(void **state)
{
	static const u64 ns[] = { 2, 3, 5, 10, 101, 1000, 1025, 65537 };
	struct kscan_perm p;
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(ns); k++) {
		u64 i, passes = 0;

		assert_int_equal(kscan_perm_init(&p, ns[k], 3), 0);
		for (i = 0; i < ns[k]; i++) {
			u64 x = i;

			do {
				x = kscan_perm_feistel(&p, x);
				passes++;
			} while (x >= p.n);
			assert_true(x == kscan_perm_at(&p, i));
		}
		assert_true(passes == p.a * p.b);
	}
}

/*
 * Shards x threads, each walking its slice of positions, together hit every
 * target exactly once: one global permutation.
 */
static void check_sharded_cover(u8 *seen, u64 n, u32 shards, u32 threads)
{
	struct kscan_perm p;
	u64 i, b, e, total = 0;
	u32 s, t;

	memset(seen, 0, n);
	for (s = 0; s < shards; s++) {
		/* each shard computes its own permutation from the seed */
		assert_int_equal(kscan_perm_init(&p, n, 0xfeedULL), 0);
		for (t = 0; t < threads; t++) {
			assert_int_equal(kscan_slice(n, s, shards, t, threads,
						     &b, &e), 0);
			for (i = b; i < e; i++) {
				u64 v = kscan_perm_at(&p, i);

				assert_true(v < n);
				seen[v]++;
				total++;
			}
		}
	}
	assert_true(total == n);
	for (i = 0; i < n; i++)
		assert_int_equal(seen[i], 1);
}

static void test_sharded_cover(void **state)
{
	static u8 seen[1500];
	static const u64 ns[] = { 1, 2, 7, 19, 20, 21, 97, 1000, 1499 };
	u32 shards, threads;
	size_t k;

	(void)state;
	for (k = 0; k < ARRAY_LEN(ns); k++)
		for (shards = 1; shards <= 5; shards++)
			for (threads = 1; threads <= 4; threads++)
				check_sharded_cover(seen, ns[k], shards,
						    threads);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Large N: 10^5 sampled positions give distinct in-range outputs. */
static void test_large_sampled(void **state)
{
	static const u64 ns[] = { (1ULL << 40) + 12345, 1ULL << 52,
				  (1ULL << 32) * 65536 * 16 - 1,
				  KSCAN_PERM_MAX_N };
	const size_t samples = 100000;
	u64 *out = malloc(samples * sizeof(*out));
	struct kscan_perm p;
	size_t k, i;

	(void)state;
	assert_non_null(out);
	for (k = 0; k < ARRAY_LEN(ns); k++) {
		u64 n = ns[k], step = n / samples;

		assert_int_equal(kscan_perm_init(&p, n, 0x5eed + k), 0);
		/* half consecutive from the start, half spread to the end */
		for (i = 0; i < samples / 2; i++)
			out[i] = kscan_perm_at(&p, i);
		for (; i < samples; i++)
			out[i] = kscan_perm_at(&p, n - 1 - (i - samples / 2) *
						  step);
		for (i = 0; i < samples; i++)
			assert_true(out[i] < n);
		qsort(out, samples, sizeof(*out), cmp_u64);
		for (i = 1; i < samples; i++)
			assert_true(out[i] != out[i - 1]);
		/* outputs spread over the space: both halves are reached */
		assert_true(out[0] < n / 1000);
		assert_true(out[samples - 1] > n - n / 1000);
	}
	free(out);
}

/*
 * Spread: N = 2^24 single-port targets = 65536 /24s. The first 65536
 * positions must not pile onto a few /24s (expected: Poisson(1) per /24,
 * whose max over 65536 blocks is about 8), and consecutive outputs must
 * rarely share a /24 (expected about 1 pair in 65535).
 */
static void test_spread_consecutive(void **state)
{
	static u8 per24[65536];
	struct kscan_perm p;
	size_t s;

	(void)state;
	for (s = 0; s < ARRAY_LEN(seeds); s++) {
		u64 i, prev = ~0ULL, same = 0;
		u32 max = 0, empty = 0;

		memset(per24, 0, sizeof(per24));
		assert_int_equal(kscan_perm_init(&p, 1ULL << 24, seeds[s]), 0);
		for (i = 0; i < 65536; i++) {
			u64 v = kscan_perm_at(&p, i);

			if (++per24[v >> 8] > max)
				max = per24[v >> 8];
			if ((v >> 8) == (prev >> 8))
				same++;
			prev = v;
		}
		for (i = 0; i < 65536; i++)
			empty += !per24[i];
		assert_true(max <= 12);
		assert_true(same <= 8);
		/* e^-1 of the /24s get nothing: 24109 expected */
		assert_true(empty > 23000 && empty < 25200);
	}
}

/* Different seeds, different orders; same seed, same order. */
static void test_seed_changes_order(void **state)
{
	struct kscan_perm p1, p2, p3;
	u64 i, equal = 0;

	(void)state;
	assert_int_equal(kscan_perm_init(&p1, 100000, 1), 0);
	assert_int_equal(kscan_perm_init(&p2, 100000, 2), 0);
	assert_int_equal(kscan_perm_init(&p3, 100000, 1), 0);
	for (i = 0; i < 100000; i++) {
		equal += kscan_perm_at(&p1, i) == kscan_perm_at(&p2, i);
		assert_true(kscan_perm_at(&p1, i) == kscan_perm_at(&p3, i));
	}
	/* about one coincidence expected */
	assert_true(equal <= 6);
}

static void test_known_vectors(void **state)
{
	struct kscan_perm p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(kscan_perm_vectors); i++) {
		const struct kscan_perm_vector *v = &kscan_perm_vectors[i];
		u64 got;

		assert_int_equal(kscan_perm_init(&p, v->n, v->seed), 0);
		got = kscan_perm_at(&p, v->pos);
		if (got != v->value)
			fail_msg("#%zu: n %#llx seed %#llx i %#llx: %#llx != %#llx",
				 i, (unsigned long long)v->n,
				 (unsigned long long)v->seed,
				 (unsigned long long)v->pos,
				 (unsigned long long)got,
				 (unsigned long long)v->value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_domain_shape),
		cmocka_unit_test(test_isqrt),
		cmocka_unit_test(test_bijection_exhaustive),
		cmocka_unit_test(test_feistel_bijection),
		cmocka_unit_test(test_walk_total_cost),
		cmocka_unit_test(test_sharded_cover),
		cmocka_unit_test(test_large_sampled),
		cmocka_unit_test(test_spread_consecutive),
		cmocka_unit_test(test_seed_changes_order),
		cmocka_unit_test(test_known_vectors),
	};

	return cmocka_run_group_tests_name("kscan_perm", tests, NULL, NULL);
}
