// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_cookie: the shared cookie code (include/kscan/cookie.h)
 * compiled in-kernel, hashing with the kernel's siphash library, must give
 * the same vectors as userspace and validate exactly its own probes.
 */
#include <kunit/test.h>

#include "kscan/cookie.h"
#include "kscan/cookie_vectors.h"

static void kscan_cookie_vector_desc(const struct kscan_cookie_vector *v,
				     char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%08x>%08x sport %u dport %u",
		 v->saddr, v->daddr, v->sport_first, v->dport);
}

KUNIT_ARRAY_PARAM(kscan_cookie_vector, kscan_cookie_vectors,
		  kscan_cookie_vector_desc);

static void kscan_cookie_hash_matches_vector(struct kunit *test)
{
	const struct kscan_cookie_vector *v = test->param_value;
	struct kscan_key key;

	kscan_key_from_bytes(&key, v->key);

	KUNIT_EXPECT_EQ(test, kscan_cookie_hash(&key, v->saddr, v->daddr,
						v->sport_first, v->dport),
			v->hash);
}

/* The key bytes map onto siphash_key_t's words little-endian. */
static void kscan_cookie_key_layout(struct kunit *test)
{
	const u8 bytes[KSCAN_KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7,
					  8, 9, 10, 11, 12, 13, 14, 15 };
	struct kscan_key key;

	kscan_key_from_bytes(&key, bytes);

	KUNIT_EXPECT_EQ(test, key.k[0], 0x0706050403020100ULL);
	KUNIT_EXPECT_EQ(test, key.k[1], 0x0f0e0d0c0b0a0908ULL);
}

/* Every probe of a target validates, with its own probe number. */
static void kscan_cookie_check_accepts_each_probe(struct kunit *test)
{
	const struct kscan_cookie_vector *v = &kscan_cookie_vectors[1];
	const u16 sport_first = 40000;
	const u32 sport_count = 1000, probes = 4;
	struct kscan_key key;
	u64 h;
	u32 p;

	kscan_key_from_bytes(&key, v->key);
	h = kscan_cookie_hash(&key, v->saddr, v->daddr, sport_first, v->dport);

	for (p = 0; p < probes; p++) {
		u16 sport = kscan_cookie_sport(h, sport_first, sport_count, p);

		KUNIT_EXPECT_GE(test, sport, sport_first);
		KUNIT_EXPECT_LT(test, sport, sport_first + sport_count);
		KUNIT_EXPECT_EQ(test,
				kscan_cookie_check(&key, v->saddr, v->daddr,
						   sport, v->dport,
						   kscan_cookie_seq(h) + 1,
						   sport_first, sport_count,
						   probes),
				(int)p);
	}
}

static void kscan_cookie_check_rejects_forgeries(struct kunit *test)
{
	const struct kscan_cookie_vector *v = &kscan_cookie_vectors[1];
	const u16 sport_first = 40000;
	const u32 sport_count = 1000;
	struct kscan_key key, other;
	u32 ack;
	u16 sport;
	u64 h;

	kscan_key_from_bytes(&key, v->key);
	kscan_key_from_bytes(&other, kscan_cookie_vectors[3].key);
	h = kscan_cookie_hash(&key, v->saddr, v->daddr, sport_first, v->dport);
	sport = kscan_cookie_sport(h, sport_first, sport_count, 0);
	ack = kscan_cookie_seq(h) + 1;

	/* Wrong ack, wrong key, wrong target, wrong ports: all refused. */
	KUNIT_EXPECT_EQ(test, kscan_cookie_check(&key, v->saddr, v->daddr,
						 sport, v->dport, ack + 1,
						 sport_first, sport_count, 1),
			-1);
	KUNIT_EXPECT_EQ(test, kscan_cookie_check(&other, v->saddr, v->daddr,
						 sport, v->dport, ack,
						 sport_first, sport_count, 1),
			-1);
	KUNIT_EXPECT_EQ(test, kscan_cookie_check(&key, v->saddr, v->daddr + 1,
						 sport, v->dport, ack,
						 sport_first, sport_count, 1),
			-1);
	KUNIT_EXPECT_EQ(test, kscan_cookie_check(&key, v->saddr, v->daddr,
						 sport, v->dport + 1, ack,
						 sport_first, sport_count, 1),
			-1);
	/* The next source port belongs to probe 1, not sent with probes=1. */
	KUNIT_EXPECT_EQ(test,
			kscan_cookie_check(&key, v->saddr, v->daddr,
					   kscan_cookie_sport(h, sport_first,
							      sport_count, 1),
					   v->dport, ack, sport_first,
					   sport_count, 1),
			-1);
	/* A port outside the range is refused before any arithmetic. */
	KUNIT_EXPECT_EQ(test, kscan_cookie_check(&key, v->saddr, v->daddr,
						 sport_first - 1, v->dport,
						 ack, sport_first, sport_count,
						 1),
			-1);
}

static struct kunit_case kscan_cookie_cases[] = {
	KUNIT_CASE_PARAM(kscan_cookie_hash_matches_vector,
			 kscan_cookie_vector_gen_params),
	KUNIT_CASE(kscan_cookie_key_layout),
	KUNIT_CASE(kscan_cookie_check_accepts_each_probe),
	KUNIT_CASE(kscan_cookie_check_rejects_forgeries),
	{}
};

static struct kunit_suite kscan_cookie_suite = {
	.name = "kscan_cookie",
	.test_cases = kscan_cookie_cases,
};

kunit_test_suite(kscan_cookie_suite);
