// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_csum: the shared checksums (include/kscan/csum.h)
 * against fixed vectors and against the kernel's own implementations.
 */
#include <kunit/test.h>
#include <linux/random.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "kscan/csum.h"

/* 198.18.0.1 -> 198.18.1.5, TCP, DF, id 0x1c46, TTL 64; computed by an
 * independent Python RFC 1071 implementation.
 */
static const u8 kscan_test_iph[20] = {
	0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06,
	0x00, 0x00, 0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x01, 0x05,
};

/* SYN 40000 -> 80, seq 0x559e9a4d, window 65535, MSS 1460. */
static const u8 kscan_test_tcph[24] = {
	0x9c, 0x40, 0x00, 0x50, 0x55, 0x9e, 0x9a, 0x4d, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};

static void kscan_csum_ipv4_vector(struct kunit *test)
{
	u8 iph[20];

	memcpy(iph, kscan_test_iph, sizeof(iph));

	KUNIT_EXPECT_EQ(test, kscan_ipv4_csum(iph, sizeof(iph)), 0x915b);
	kscan_put_be16(iph + 10, 0x915b);
	/* A header with its checksum in place sums to zero. */
	KUNIT_EXPECT_EQ(test, kscan_ipv4_csum(iph, sizeof(iph)), 0);
}

static void kscan_csum_tcp_vector(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kscan_tcp_csum(0xc6120001, 0xc6120105,
					     kscan_test_tcph,
					     sizeof(kscan_test_tcph)),
			0x7e7f);
}

static void kscan_csum_odd_length(struct kunit *test)
{
	const u8 odd[5] = { 1, 2, 3, 4, 5 };

	KUNIT_EXPECT_EQ(test, (u16)~kscan_csum_fold(kscan_csum_add(0, odd, 5)),
			0xf6f9);
}

/* Random headers: ours must agree with ip_fast_csum / csum_tcpudp_magic. */
static void kscan_csum_matches_kernel(struct kunit *test)
{
	u8 iph[20], tcph[40];
	int i;

	for (i = 0; i < 1000; i++) {
		u32 saddr = get_random_u32(), daddr = get_random_u32();
		u16 len = 20 + 4 * (i % 6);
		__sum16 want;

		get_random_bytes(iph, sizeof(iph));
		iph[0] = 0x45;
		iph[10] = iph[11] = 0;
		want = ip_fast_csum(iph, 5);
		KUNIT_ASSERT_EQ(test, kscan_ipv4_csum(iph, sizeof(iph)),
				be16_to_cpu((__force __be16)want));

		get_random_bytes(tcph, sizeof(tcph));
		tcph[16] = tcph[17] = 0;
		want = csum_tcpudp_magic(cpu_to_be32(saddr),
					 cpu_to_be32(daddr), len, IPPROTO_TCP,
					 csum_partial(tcph, len, 0));
		KUNIT_ASSERT_EQ(test, kscan_tcp_csum(saddr, daddr, tcph, len),
				be16_to_cpu((__force __be16)want));
	}
}

/* RFC 1624 incremental updates equal a full recomputation. */
static void kscan_csum_incremental_update(struct kunit *test)
{
	u8 iph[20];
	int i;

	for (i = 0; i < 1000; i++) {
		u32 old_addr, new_addr = get_random_u32();
		u16 check;

		get_random_bytes(iph, sizeof(iph));
		iph[0] = 0x45;
		iph[10] = iph[11] = 0;
		check = kscan_ipv4_csum(iph, sizeof(iph));
		kscan_put_be16(iph + 10, check);

		old_addr = kscan_get_be32(iph + 16);
		kscan_put_be32(iph + 16, new_addr);
		check = kscan_csum_replace32(check, old_addr, new_addr);
		kscan_put_be16(iph + 10, check);

		KUNIT_ASSERT_EQ(test, kscan_ipv4_csum(iph, sizeof(iph)), 0);
	}
}

static struct kunit_case kscan_csum_cases[] = {
	KUNIT_CASE(kscan_csum_ipv4_vector),
	KUNIT_CASE(kscan_csum_tcp_vector),
	KUNIT_CASE(kscan_csum_odd_length),
	KUNIT_CASE(kscan_csum_matches_kernel),
	KUNIT_CASE(kscan_csum_incremental_update),
	{}
};

static struct kunit_suite kscan_csum_suite = {
	.name = "kscan_csum",
	.test_cases = kscan_csum_cases,
};

kunit_test_suite(kscan_csum_suite);
