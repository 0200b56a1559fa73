// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests of include/kscan/csum.h against vectors computed by an
 * independent Python RFC 1071 implementation (the kernel suite
 * kmod/csum_test.c checks the same vectors and the kernel's own code).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kscan/csum.h"

static const u8 iph_vector[20] = {
	0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06,
	0x00, 0x00, 0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x01, 0x05,
};

static const u8 tcph_vector[24] = {
	0x9c, 0x40, 0x00, 0x50, 0x55, 0x9e, 0x9a, 0x4d, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};

static void test_ipv4_vector(void **state)
{
	u8 iph[20];

	(void)state;
	memcpy(iph, iph_vector, sizeof(iph));
	assert_int_equal(kscan_ipv4_csum(iph, sizeof(iph)), 0x915b);
	kscan_put_be16(iph + 10, 0x915b);
	assert_int_equal(kscan_ipv4_csum(iph, sizeof(iph)), 0);
}

static void test_tcp_vector(void **state)
{
	(void)state;
	assert_int_equal(kscan_tcp_csum(0xc6120001, 0xc6120105, tcph_vector,
					sizeof(tcph_vector)),
			 0x7e7f);
}

static void test_odd_length(void **state)
{
	const u8 odd[5] = { 1, 2, 3, 4, 5 };

	(void)state;
	assert_int_equal((u16)~kscan_csum_fold(kscan_csum_add(0, odd, 5)),
			 0xf6f9);
}

/* RFC 1624 updates of a TCP header equal full recomputation. */
static void test_incremental_equals_full(void **state)
{
	u8 tcph[24];
	int i;

	(void)state;
	srand(1);
	for (i = 0; i < 10000; i++) {
		u32 saddr = (u32)rand() << 1 ^ (u32)rand();
		u32 daddr = (u32)rand() << 1 ^ (u32)rand();
		u32 seq = (u32)rand() << 1 ^ (u32)rand();
		u16 check;

		memcpy(tcph, tcph_vector, sizeof(tcph));
		check = kscan_tcp_csum(saddr, 0xc6120105, tcph, sizeof(tcph));
		kscan_put_be16(tcph + 16, check);

		/* Change the destination address and the sequence number. */
		check = kscan_csum_replace32(check, 0xc6120105, daddr);
		check = kscan_csum_replace32(check, kscan_get_be32(tcph + 4),
					     seq);
		kscan_put_be32(tcph + 4, seq);
		kscan_put_be16(tcph + 16, check);

		/* A segment with a right checksum verifies to zero. */
		assert_int_equal(kscan_tcp_csum(saddr, daddr, tcph,
						sizeof(tcph)),
				 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_vector),
		cmocka_unit_test(test_tcp_vector),
		cmocka_unit_test(test_odd_length),
		cmocka_unit_test(test_incremental_equals_full),
	};

	return cmocka_run_group_tests_name("csum", tests, NULL, NULL);
}
