// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the paged de-duplication bitmap (user/dedup.c): exact
 * answers (every bit new once, then duplicate; neighbours untouched),
 * range checks, and memory within the stated bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dedup.h"

/* Every bit of a space that spans several pages and a partial last one. */
static void test_exact(void **state)
{
	const u64 n = 3 * KSCAN_DEDUP_PAGE_BITS + 12345;
	struct kscan_dedup d;
	u64 i;

	(void)state;
	assert_int_equal(kscan_dedup_init(&d, n), 0);
	/* odd bits first: each new once, even bits still unseen */
	for (i = 1; i < n; i += 2)
		assert_int_equal(kscan_dedup_add(&d, i), 1);
	for (i = 1; i < n; i += 2)
		assert_int_equal(kscan_dedup_add(&d, i), 0);
	for (i = 0; i < n; i += 2)
		assert_int_equal(kscan_dedup_add(&d, i), 1);
	for (i = 0; i < n; i++)
		assert_int_equal(kscan_dedup_add(&d, i), 0);
	assert_int_equal(kscan_dedup_add(&d, n), -1);
	assert_int_equal(kscan_dedup_add(&d, UINT64_MAX), -1);
	assert_int_equal(d.pages, 4);
	assert_true(d.bytes <= kscan_dedup_bound(n));
	kscan_dedup_free(&d);
}

/* Pages come with the first hit in them: sparse replies, little memory. */
static void test_sparse_and_bound(void **state)
{
	/* 2^16 addresses x 16 ports, as the lab scan */
	const u64 n = 65536ULL * 16;
	struct kscan_dedup d;
	u64 i;

	(void)state;
	assert_int_equal(kscan_dedup_init(&d, n), 0);
	assert_int_equal(d.pages, 0);
	assert_int_equal(kscan_dedup_add(&d, 0), 1);
	assert_int_equal(kscan_dedup_add(&d, n - 1), 1);
	assert_int_equal(d.pages, 2);
	assert_int_equal(d.bytes, 8 + 4096 * 8 + 2 * 4096);
	for (i = 0; i < n; i += 997)
		kscan_dedup_add(&d, i);
	assert_int_equal(d.pages, n / KSCAN_DEDUP_PAGE_BITS);
	/* the bound: n / 8 bytes of bitmap plus the tables */
	assert_int_equal(kscan_dedup_bound(n), n / 8 + 4096 * 8 + 8);
	assert_true(d.bytes <= kscan_dedup_bound(n));
	kscan_dedup_free(&d);

	/* the whole IPv4 space on one port: 512 MiB + 1 MiB of tables */
	assert_true(kscan_dedup_bound(1ULL << 32) ==
		    (1ULL << 29) + 32 * (4096 * 8 + 8));
	/* and x 65536 ports: tables stay ~0.2% of the bitmap */
	assert_true(kscan_dedup_bound(1ULL << 48) - (1ULL << 45) <
		    (1ULL << 45) / 400);
	assert_int_equal(kscan_dedup_bound(0), 0);
	assert_int_equal(kscan_dedup_init(&d, 0), 0);
	assert_int_equal(kscan_dedup_add(&d, 0), -1);
	kscan_dedup_free(&d);
}

/* A huge space costs only its directory until replies come. */
static void test_huge_space_lazy(void **state)
{
	struct kscan_dedup d;

	(void)state;
	assert_int_equal(kscan_dedup_init(&d, 1ULL << 48), 0);
	assert_int_equal(d.bytes, (1ULL << 48) / KSCAN_DEDUP_PAGE_BITS /
					  KSCAN_DEDUP_DIR_PAGES * 8);
	assert_int_equal(kscan_dedup_add(&d, (1ULL << 48) - 1), 1);
	assert_int_equal(kscan_dedup_add(&d, (1ULL << 48) - 1), 0);
	assert_int_equal(d.pages, 1);
	kscan_dedup_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_sparse_and_bound),
		cmocka_unit_test(test_huge_space_lazy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
