// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests for include/kscan/target.h: the index -> (ip, port, probe)
 * mapping, every rejection of kscan_target_init(), and kscan_slice().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kscan/target.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* 198.18.0.1-3, 198.18.0.10, 198.18.1.0-1; ports 80, 443; 2 probes. */
static const struct kscan_interval small_iv[] = {
	{ IP4(198, 18, 0, 1), IP4(198, 18, 0, 3) },
	{ IP4(198, 18, 0, 10), IP4(198, 18, 0, 10) },
	{ IP4(198, 18, 1, 0), IP4(198, 18, 1, 1) },
};
static const u16 small_ports[] = { 80, 443 };

static void test_small_space_shape(void **state)
{
	struct kscan_target_space ts;
	u64 prefix[3];

	(void)state;
	assert_int_equal(kscan_target_init(&ts, small_iv, prefix, 3,
					   small_ports, 2, 2), 0);
	assert_int_equal(ts.nr_ips, 6);
	assert_int_equal(ts.size, 24);
	assert_int_equal(prefix[0], 0);
	assert_int_equal(prefix[1], 3);
	assert_int_equal(prefix[2], 4);
}

/* Hand-computed: index = (ip_index * 2 + port_index) * 2 + probe. */
static void test_small_space_hand_cases(void **state)
{
	static const struct {
		u64 index;
		u32 ip;
		u16 port;
		u32 probe;
	} cases[] = {
		{ 0, IP4(198, 18, 0, 1), 80, 0 },
		{ 1, IP4(198, 18, 0, 1), 80, 1 },
		{ 2, IP4(198, 18, 0, 1), 443, 0 },
		{ 5, IP4(198, 18, 0, 2), 80, 1 },
		{ 7, IP4(198, 18, 0, 2), 443, 1 },
		{ 11, IP4(198, 18, 0, 3), 443, 1 },
		{ 12, IP4(198, 18, 0, 10), 80, 0 },
		{ 15, IP4(198, 18, 0, 10), 443, 1 },
		{ 16, IP4(198, 18, 1, 0), 80, 0 },
		{ 22, IP4(198, 18, 1, 1), 443, 0 },
		{ 23, IP4(198, 18, 1, 1), 443, 1 },
	};
	struct kscan_target_space ts;
	u64 prefix[3];
	size_t i;

	(void)state;
	assert_int_equal(kscan_target_init(&ts, small_iv, prefix, 3,
					   small_ports, 2, 2), 0);
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		u32 ip = 0, probe = 99;
		u16 port = 0;

		kscan_target_at(&ts, cases[i].index, &ip, &port, &probe);
		assert_int_equal(ip, cases[i].ip);
		assert_int_equal(port, cases[i].port);
		assert_int_equal(probe, cases[i].probe);
	}
}

/*
 * Walk a space by nested loops (the documented layout) and compare every
 * index with kscan_target_at().
 */
static void check_against_loops(const struct kscan_interval *iv, u32 nr_iv,
				 const u16 *ports, u32 nr_ports, u32 probes)
{
	struct kscan_target_space ts;
	u64 *prefix = calloc(nr_iv, sizeof(*prefix));
	u64 index = 0;
	u32 i, p, k;

	assert_non_null(prefix);
	assert_int_equal(kscan_target_init(&ts, iv, prefix, nr_iv, ports,
					   nr_ports, probes), 0);
	for (i = 0; i < nr_iv; i++) {
		u64 ip64;

		for (ip64 = iv[i].first; ip64 <= iv[i].last; ip64++)
			for (p = 0; p < nr_ports; p++)
				for (k = 0; k < probes; k++) {
					u32 ip, probe;
					u16 port;

					kscan_target_at(&ts, index++, &ip,
							&port, &probe);
					assert_int_equal(ip, (u32)ip64);
					assert_int_equal(port, ports[p]);
					assert_int_equal(probe, k);
				}
	}
	assert_int_equal(index, ts.size);
	free(prefix);
}

static void test_small_space_every_index(void **state)
{
	(void)state;
	check_against_loops(small_iv, 3, small_ports, 2, 2);
}

/* Many intervals of assorted sizes, adjacent ones included, 3 ports. */
static void test_many_intervals_every_index(void **state)
{
	static const u16 ports[] = { 22, 80, 8080 };
	struct kscan_interval iv[257];
	u32 i, next = IP4(198, 18, 0, 0);

	(void)state;
	for (i = 0; i < ARRAY_LEN(iv); i++) {
		u32 len = (i * 7919) % 13;	/* 0..12 extra addresses */

		iv[i].first = next;
		iv[i].last = next + len;
		next = iv[i].last + 1 + (i % 3);	/* gap 0, 1 or 2 */
	}
	check_against_loops(iv, ARRAY_LEN(iv), ports, 3, 1);
	check_against_loops(iv, ARRAY_LEN(iv), ports, 1, 3);
}

/* The ends of the address space, as one interval and as many. */
static void test_address_space_ends(void **state)
{
	static const struct kscan_interval all[] = { { 0, 0xffffffff } };
	static const struct kscan_interval ends[] = {
		{ 0, 0 }, { 1, 0x7fffffff }, { 0x80000000, 0xfffffffe },
		{ 0xffffffff, 0xffffffff },
	};
	static u16 ports[65536];
	struct kscan_target_space ts;
	u64 prefix[4];
	u32 ip, probe, i;
	u16 port;

	(void)state;
	for (i = 0; i < 65536; i++)
		ports[i] = (u16)(65535 - i);
	assert_int_equal(kscan_target_init(&ts, all, prefix, 1, ports, 65536,
					   16), 0);
	assert_true(ts.nr_ips == 1ULL << 32);
	assert_true(ts.size == 1ULL << 52);
	kscan_target_at(&ts, ts.size - 1, &ip, &port, &probe);
	assert_int_equal(ip, 0xffffffff);
	assert_int_equal(port, 0);
	assert_int_equal(probe, 15);
	kscan_target_at(&ts, 0, &ip, &port, &probe);
	assert_int_equal(ip, 0);
	assert_int_equal(port, 65535);
	assert_int_equal(probe, 0);
	/* ip_index 0x12345678, port index 0x9abc, probe 0xd */
	kscan_target_at(&ts, (0x12345678ULL * 65536 + 0x9abc) * 16 + 0xd, &ip,
			&port, &probe);
	assert_int_equal(ip, 0x12345678);
	assert_int_equal(port, 65535 - 0x9abc);
	assert_int_equal(probe, 0xd);

	assert_int_equal(kscan_target_init(&ts, ends, prefix, 4, ports, 1, 1),
			 0);
	assert_true(ts.size == 1ULL << 32);
	assert_true(prefix[3] == 0xffffffffULL);
	kscan_target_at(&ts, 0, &ip, &port, &probe);
	assert_int_equal(ip, 0);
	kscan_target_at(&ts, 1, &ip, &port, &probe);
	assert_int_equal(ip, 1);
	kscan_target_at(&ts, 0x7fffffff, &ip, &port, &probe);
	assert_int_equal(ip, 0x7fffffff);
	kscan_target_at(&ts, 0x80000000, &ip, &port, &probe);
	assert_int_equal(ip, 0x80000000);
	kscan_target_at(&ts, 0xffffffff, &ip, &port, &probe);
	assert_int_equal(ip, 0xffffffff);
}

struct reject_case {
	const char *name;
	struct kscan_interval iv[3];
	u32 nr_iv;
	u32 nr_ports;
	u32 probes;
	int want;
};

static void test_rejections(void **state)
{
	static u16 ports[4] = { 1, 2, 3, 4 };
	static const struct reject_case cases[] = {
		{ "no interval", { { 1, 2 } }, 0, 1, 1,
		  -KSCAN_TARGET_E_EMPTY },
		{ "inverted", { { 5, 4 } }, 1, 1, 1,
		  -KSCAN_TARGET_E_INVERTED },
		{ "inverted second", { { 1, 2 }, { 9, 8 } }, 2, 1, 1,
		  -KSCAN_TARGET_E_INVERTED },
		{ "unsorted", { { 10, 20 }, { 1, 5 } }, 2, 1, 1,
		  -KSCAN_TARGET_E_UNSORTED },
		{ "unsorted third", { { 1, 2 }, { 10, 20 }, { 5, 6 } }, 3, 1,
		  1, -KSCAN_TARGET_E_UNSORTED },
		{ "same first", { { 1, 5 }, { 1, 9 } }, 2, 1, 1,
		  -KSCAN_TARGET_E_OVERLAP },
		{ "shared end", { { 1, 5 }, { 5, 9 } }, 2, 1, 1,
		  -KSCAN_TARGET_E_OVERLAP },
		{ "inside", { { 1, 9 }, { 3, 4 } }, 2, 1, 1,
		  -KSCAN_TARGET_E_OVERLAP },
		{ "no ports", { { 1, 5 } }, 1, 0, 1,
		  -KSCAN_TARGET_E_NO_PORTS },
		{ "no probes", { { 1, 5 } }, 1, 1, 0,
		  -KSCAN_TARGET_E_NO_PROBES },
		{ "2^63", { { 0, 1 } }, 1, 1U << 31, 1U << 31,
		  -KSCAN_TARGET_E_OVERFLOW },
		{ "u32 max squared", { { 7, 7 } }, 1, 0xffffffff, 0xffffffff,
		  -KSCAN_TARGET_E_OVERFLOW },
		{ "2^62 + 2^32", { { 0, 0x40000000 } }, 1, 1U << 31, 1U << 1,
		  -KSCAN_TARGET_E_OVERFLOW },
		/* accepted neighbours of the above */
		{ "adjacent", { { 1, 5 }, { 6, 9 } }, 2, 4, 16, 0 },
		{ "exactly 2^62", { { 0, 0 } }, 1, 1U << 31, 1U << 31, 0 },
		{ "2^62 again", { { 0, 0x3fffffff } }, 1, 1U << 31, 1U << 1,
		  0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct kscan_target_space ts;
		u64 prefix[3];
		int ret;

		ret = kscan_target_init(&ts, cases[i].iv, prefix,
					cases[i].nr_iv, ports,
					cases[i].nr_ports, cases[i].probes);
		if (ret != cases[i].want)
			fail_msg("%s: got %d want %d", cases[i].name, ret,
				 cases[i].want);
		if (ret)
			assert_int_equal(ts.size, 0);
		else
			assert_true(ts.size > 0);
	}
}

static void test_strerror(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(kscan_target_strerror(-KSCAN_TARGET_E_OVERLAP),
			    "target intervals overlap");
	assert_string_equal(kscan_target_strerror(-__KSCAN_TARGET_E_MAX),
			    "unknown target error");
	for (i = 0; i < __KSCAN_TARGET_E_MAX; i++)
		for (j = i + 1; j < __KSCAN_TARGET_E_MAX; j++)
			assert_string_not_equal(kscan_target_strerror(-i),
						kscan_target_strerror(-j));
}

/*
 * Every (shards, threads) up to 5 x 4 and every n up to 60: the slices are
 * disjoint, cover [0, n) exactly once and in order; a shard's range is the
 * same whatever its thread count; shard sizes differ by at most one, and so
 * do the thread sizes within a shard.
 */
static void check_slices(u64 n, u32 shards, u32 threads)
{
	u8 seen[60] = { 0 };
	u64 smin = ~0ULL, smax = 0, expect = 0, i, b, e, sb, se;
	u32 s, t;

	for (s = 0; s < shards; s++) {
		u64 tmin = ~0ULL, tmax = 0;

		assert_int_equal(kscan_slice(n, s, shards, 0, 1, &sb, &se), 0);
		assert_true(sb == expect);
		for (t = 0; t < threads; t++) {
			assert_int_equal(kscan_slice(n, s, shards, t, threads,
						     &b, &e), 0);
			assert_true(b == expect);
			assert_true(e >= b && e <= n);
			for (i = b; i < e; i++)
				seen[i]++;
			if (e - b < tmin)
				tmin = e - b;
			if (e - b > tmax)
				tmax = e - b;
			expect = e;
		}
		assert_true(expect == se);
		assert_true(tmax - tmin <= 1);
		if (se - sb < smin)
			smin = se - sb;
		if (se - sb > smax)
			smax = se - sb;
	}
	assert_true(expect == n);
	assert_true(smax - smin <= 1);
	for (i = 0; i < n; i++)
		assert_int_equal(seen[i], 1);
}

static void test_slice_exact_cover(void **state)
{
	u32 shards, threads;
	u64 n;

	(void)state;
	for (n = 0; n <= 60; n++)
		for (shards = 1; shards <= 5; shards++)
			for (threads = 1; threads <= 4; threads++)
				check_slices(n, shards, threads);
}

/* Huge n: no overflow, exact ends, balanced, for the uapi maxima. */
static void test_slice_large(void **state)
{
	static const u64 ns[] = { 1ULL << 52, (1ULL << 52) - 1, ~0ULL,
				  ~0ULL - 12345, 1000 };
	const u32 shards = 65535, threads = 64;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(ns); i++) {
		u64 n = ns[i], q = n / shards, b, e, sb, se, prev_end = 0;
		u32 s, t;

		assert_int_equal(kscan_slice(n, 0, shards, 0, threads, &b, &e),
				 0);
		assert_true(b == 0);
		assert_int_equal(kscan_slice(n, shards - 1, shards,
					     threads - 1, threads, &b, &e), 0);
		assert_true(e == n);
		/* the first 70 shards, then a sample; all their threads */
		for (s = 0; s < shards; s += (s < 70 ? 1 : 997)) {
			u64 tq;

			kscan_slice(n, s, shards, 0, 1, &sb, &se);
			assert_true(se - sb == q || se - sb == q + 1);
			if (s < 70)
				assert_true(sb == prev_end);
			tq = (se - sb) / threads;
			prev_end = sb;
			for (t = 0; t < threads; t++) {
				kscan_slice(n, s, shards, t, threads, &b, &e);
				assert_true(e - b == tq || e - b == tq + 1);
				assert_true(b == prev_end);
				prev_end = e;
			}
			assert_true(prev_end == se);
		}
	}
}

static void test_slice_rejects(void **state)
{
	u64 b = 7, e = 7;

	(void)state;
	assert_int_equal(kscan_slice(10, 0, 0, 0, 1, &b, &e), -1);
	assert_int_equal(kscan_slice(10, 0, 1, 0, 0, &b, &e), -1);
	assert_int_equal(kscan_slice(10, 3, 3, 0, 1, &b, &e), -1);
	assert_int_equal(kscan_slice(10, 0, 3, 2, 2, &b, &e), -1);
	assert_true(b == 7 && e == 7);
	assert_int_equal(kscan_slice(10, 2, 3, 1, 2, &b, &e), 0);
	/* 6 parts of 10: sizes 2 2 2 2 1 1, part 5 is [9, 10) */
	assert_true(b == 9 && e == 10);
	assert_int_equal(kscan_slice(10, 1, 3, 0, 2, &b, &e), 0);
	assert_true(b == 4 && e == 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_space_shape),
		cmocka_unit_test(test_small_space_hand_cases),
		cmocka_unit_test(test_small_space_every_index),
		cmocka_unit_test(test_many_intervals_every_index),
		cmocka_unit_test(test_address_space_ends),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_slice_exact_cover),
		cmocka_unit_test(test_slice_large),
		cmocka_unit_test(test_slice_rejects),
	};

	return cmocka_run_group_tests_name("kscan_target", tests, NULL, NULL);
}
