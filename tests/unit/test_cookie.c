// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests of the userspace SipHash-2-4 and the shared cookie code: the
 * reference vectors of SipHash for every length 0..63, the vectors the
 * kernel suite (kmod/cookie_test.c) checks too, and cookie validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kscan/cookie.h"
#include "kscan/cookie_vectors.h"

/* SipHash-2-4 reference: key 00..0f, message 00..(len-1), len = index. */
static const u64 siphash_reference[64] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
	0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
	0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
	0xa129ca6149be45e5ULL, 0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL,
	0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL, 0xbed65cf21aa2ee98ULL,
	0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
	0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL,
	0x2f2e6163076bcfadULL, 0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL,
	0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL, 0x7127512f72f27cceULL,
	0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
	0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL,
	0x9abfd8766a33735cULL, 0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL,
	0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL, 0xf935451de4f21df2ULL,
	0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
	0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL,
	0xa192d576b245165aULL, 0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL,
	0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL, 0xb78dbfaf3a8d83bdULL,
	0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
	0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL,
	0x958a324ceb064572ULL
};

static void test_siphash_reference_vectors(void **state)
{
	const u8 key_bytes[16] = { 0, 1, 2, 3, 4, 5, 6, 7,
				   8, 9, 10, 11, 12, 13, 14, 15 };
	struct kscan_key key;
	u8 msg[64];
	size_t len;

	(void)state;
	kscan_key_from_bytes(&key, key_bytes);
	for (len = 0; len < 64; len++) {
		msg[len] = (u8)len;
		assert_int_equal(kscan_siphash24(&key, msg, len),
				 siphash_reference[len]);
	}
}

static void test_cookie_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kscan_cookie_vectors) /
				sizeof(kscan_cookie_vectors[0]);
	     i++) {
		const struct kscan_cookie_vector *v = &kscan_cookie_vectors[i];
		struct kscan_key key;

		kscan_key_from_bytes(&key, v->key);
		assert_int_equal(kscan_cookie_hash(&key, v->saddr, v->daddr,
						   v->sport_first, v->dport),
				 v->hash);
	}
}

/* Source ports of the probes of one target are distinct and in range. */
static void test_cookie_sport_per_probe(void **state)
{
	const struct kscan_cookie_vector *v = &kscan_cookie_vectors[1];
	u64 h = v->hash;
	u16 seen[16];
	u32 p, q;

	(void)state;
	/* hash >> 32 = 0x9612b83d; % 1000 = 213: probe p -> 40213 + p, wraps */
	assert_int_equal(kscan_cookie_sport(h, 40000, 1000, 0), 40213);
	assert_int_equal(kscan_cookie_sport(h, 40000, 1000, 786), 40999);
	assert_int_equal(kscan_cookie_sport(h, 40000, 1000, 787), 40000);
	assert_int_equal(kscan_cookie_seq(h), 0x559e9a4d);
	for (p = 0; p < 16; p++) {
		seen[p] = kscan_cookie_sport(h, 61000, 8, p % 8);
		assert_in_range(seen[p], 61000, 61007);
	}
	for (p = 0; p < 8; p++)
		for (q = p + 1; q < 8; q++)
			assert_int_not_equal(seen[p], seen[q]);
	/* A single-port range allows a single probe, on that port. */
	assert_int_equal(kscan_cookie_sport(h, 5000, 1, 0), 5000);
}

static void test_cookie_check(void **state)
{
	const struct kscan_cookie_vector *v = &kscan_cookie_vectors[1];
	struct kscan_key key, other;
	u32 ack = kscan_cookie_seq(v->hash) + 1;
	u32 p;

	(void)state;
	kscan_key_from_bytes(&key, v->key);
	kscan_key_from_bytes(&other, kscan_cookie_vectors[3].key);

	for (p = 0; p < 3; p++)
		assert_int_equal(kscan_cookie_check(&key, v->saddr, v->daddr,
						    kscan_cookie_sport(v->hash,
								       40000,
								       1000, p),
						    v->dport, ack, 40000, 1000,
						    3),
				 (int)p);
	/* probe 3 (port 40216) was not sent with probes = 3 */
	assert_int_equal(kscan_cookie_check(&key, v->saddr, v->daddr, 40216,
					    v->dport, ack, 40000, 1000, 3),
			 -1);
	assert_int_equal(kscan_cookie_check(&key, v->saddr, v->daddr, 40213,
					    v->dport, ack - 1, 40000, 1000, 1),
			 -1);
	assert_int_equal(kscan_cookie_check(&other, v->saddr, v->daddr, 40213,
					    v->dport, ack, 40000, 1000, 1),
			 -1);
	assert_int_equal(kscan_cookie_check(&key, v->saddr + 1, v->daddr,
					    40213, v->dport, ack, 40000, 1000,
					    1),
			 -1);
	assert_int_equal(kscan_cookie_check(&key, v->saddr, v->daddr, 41000,
					    v->dport, ack, 40000, 1000, 1),
			 -1);
	assert_int_equal(kscan_cookie_check(&key, v->saddr, v->daddr, 39999,
					    v->dport, ack, 40000, 1000, 1),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_reference_vectors),
		cmocka_unit_test(test_cookie_vectors),
		cmocka_unit_test(test_cookie_sport_per_probe),
		cmocka_unit_test(test_cookie_check),
	};

	return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
