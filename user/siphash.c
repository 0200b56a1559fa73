// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * SipHash-2-4 (Aumasson & Bernstein), the userspace twin of the kernel's
 * lib/siphash.c, for validating reply cookies (include/kscan/cookie.h).
 */
#include "kscan/cookie.h"

#define ROTL(x, b) (u64)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                    \
	do {                                                        \
		v0 += v1;                                           \
		v1 = ROTL(v1, 13);                                  \
		v1 ^= v0;                                           \
		v0 = ROTL(v0, 32);                                  \
		v2 += v3;                                           \
		v3 = ROTL(v3, 16);                                  \
		v3 ^= v2;                                           \
		v0 += v3;                                           \
		v3 = ROTL(v3, 21);                                  \
		v3 ^= v0;                                           \
		v2 += v1;                                           \
		v1 = ROTL(v1, 17);                                  \
		v1 ^= v2;                                           \
		v2 = ROTL(v2, 32);                                  \
	} while (0)

u64 kscan_siphash24(const struct kscan_key *key, const void *data, size_t len)
{
	const u8 *in = data, *end = in + (len & ~(size_t)7);
	u64 v0 = 0x736f6d6570736575ULL ^ key->k[0];
	u64 v1 = 0x646f72616e646f6dULL ^ key->k[1];
	u64 v2 = 0x6c7967656e657261ULL ^ key->k[0];
	u64 v3 = 0x7465646279746573ULL ^ key->k[1];
	u64 b = (u64)len << 56, m;
	int i;

	for (; in != end; in += 8) {
		m = kscan_get_le64(in);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (i = (int)(len & 7) - 1; i >= 0; i--)
		b |= (u64)in[i] << (8 * i);

	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
