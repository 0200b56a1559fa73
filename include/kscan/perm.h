/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A seedable bijection on [0, N): the order in which targets are probed.
 *
 * Choice: a Feistel network on a rectangular domain with cycle-walking, the
 * FE2 construction of Black and Rogaway ("Ciphers with Arbitrary Finite
 * Domains", 2002) that masscan's BlackRock implements, rather than ZMap's
 * cyclic multiplicative group modulo a prime. Why:
 *
 *  - Any N: the domain is [0, a*b) with a = ceil(sqrt(N)), b = ceil(N / a),
 *    so a*b - N < a and the walk ratio a*b/N is 1 + O(1/sqrt(N)). ZMap
 *    needs a prime p > N and a generator of (Z/pZ)*, i.e. a table of primes
 *    with factored p - 1; with its sparse table (2^32+15, 2^40+15, ...) the
 *    ratio p/N reaches 256 just above a table entry.
 *  - Per packet: one division (splitting the index), then rounds of
 *    multiplies and shifts; the round results are reduced to [0, a) with a
 *    32x32 multiply-high, not a modulo. ZMap needs a 64x64 mod 64 multiply
 *    (128-bit intermediate) per step and per walk step.
 *  - Spread: every output is a keyed pseudo-random function of its position,
 *    so consecutive positions land on unrelated targets. Successive powers
 *    g^i are related by one multiplication, which is structured.
 *  - The state is the domain shape and the round keys, derived from (N,
 *    seed) alone: every shard of a scan, on any machine, in the kernel or
 *    in userspace, computes the same permutation.
 *
 * Round function: the murmur3/splitmix64 finaliser of (R + key[j]). It is
 * not cryptographic and need not be: secrecy lives in the validation
 * cookie; the permutation only has to look random.
 *
 * Cycle-walking: the Feistel permutation F is a bijection on [0, a*b) and
 * [0, N) is a subset, so perm(i) = the first F^k(i), k >= 1, that is < N is
 * a bijection on [0, N) (Black-Rogaway). Each of the a*b - N points outside
 * [0, N) is stepped over by exactly one walk, so a whole scan costs exactly
 * a*b Feistel evaluations: on average a*b/N < 1 + a/N per packet (below
 * 1.0001 for N >= 10^8, at most 4/3 for any N). One walk is never longer
 * than a*b - N + 1 < a + 1 evaluations, and a run of k out-of-range points
 * has probability about (1/b)^k.
 */
#ifndef KSCAN_PERM_H
#define KSCAN_PERM_H

#include "types.h"

#define KSCAN_PERM_ROUNDS 6		/* even: see kscan_perm_feistel() */
#define KSCAN_PERM_MAX_N (1ULL << 62)	/* keeps a, b <= 2^31 */

struct kscan_perm {
	u64 n;
	u64 a;	/* left modulus, a >= b */
	u64 b;	/* right modulus, a * b >= n */
	u64 key[KSCAN_PERM_ROUNDS];
};

static inline u64 kscan_perm_mix(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* splitmix64: the round keys are successive outputs seeded by @seed. */
static inline u64 kscan_perm_splitmix(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* floor(sqrt(x)), bit by bit: init only. */
static inline u64 kscan_perm_isqrt(u64 x)
{
	u64 res = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}

/* Returns 0, or -1 if @n is 0 or above KSCAN_PERM_MAX_N. */
static inline int kscan_perm_init(struct kscan_perm *p, u64 n, u64 seed)
{
	u64 state = seed;
	int j;

	__builtin_memset(p, 0, sizeof(*p));
	if (!n || n > KSCAN_PERM_MAX_N)
		return -1;
	p->n = n;
	p->a = kscan_perm_isqrt(n);
	if (p->a * p->a < n)
		p->a++;
	p->b = (n + p->a - 1) / p->a;
	for (j = 0; j < KSCAN_PERM_ROUNDS; j++)
		p->key[j] = kscan_perm_splitmix(&state);
	return 0;
}

/* (x + F_j(r)) mod m for x < m <= 2^31: no division. */
static inline u64 kscan_perm_round(const struct kscan_perm *p, int j, u64 x,
				   u64 r, u64 m)
{
	u64 f = kscan_perm_mix(r + p->key[j]) >> 32;

	/* f * m < 2^63, and (f * m) >> 32 maps f onto [0, m) */
	x += (f * m) >> 32;
	return x >= m ? x - m : x;
}

/*
 * One pass of the Feistel network over [0, a*b). Odd rounds (1-based)
 * reduce mod a, even ones mod b; after an even number of rounds L is in
 * [0, a) and R in [0, b) again.
 */
static inline u64 kscan_perm_feistel(const struct kscan_perm *p, u64 x)
{
	u64 r = x / p->a;
	u64 l = x - r * p->a;
	u64 t;
	int j;

	for (j = 0; j < KSCAN_PERM_ROUNDS; j += 2) {
		t = kscan_perm_round(p, j, l, r, p->a);		/* in [0, a) */
		l = r;
		r = t;
		t = kscan_perm_round(p, j + 1, l, r, p->b);	/* in [0, b) */
		l = r;
		r = t;
	}
	return r * p->a + l;
}

/* The element at position @i (< p->n) of the permutation. */
static inline u64 kscan_perm_at(const struct kscan_perm *p, u64 i)
{
	u64 x = i;

	do
		x = kscan_perm_feistel(p, x);
	while (x >= p->n);
	return x;
}

#endif /* KSCAN_PERM_H */
