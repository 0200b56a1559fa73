/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The validation cookie: what makes kscan stateless.
 *
 * For each (saddr, daddr, dport) the sender derives the TCP sequence number
 * and source port of its SYN from one SipHash-2-4 keyed with the scan's
 * random 128-bit key:
 *
 *   h     = SipHash-2-4(key, le32(saddr) | le32(daddr) | le32(sport_first) | le32(dport))
 *   seq   = low 32 bits of h
 *   sport = sport_first + ((high 32 bits of h) + probe) mod sport_count
 *
 * Addresses and ports enter the hash as host-numeric values (198.18.0.1 is
 * 0xc6120001) written little-endian: exactly what the kernel's
 * siphash_4u32() hashes. The probe number only rotates the source port (as
 * ZMap does), so probe p of a target is a distinct packet while every probe
 * is validated by one hash. A reply is valid when its ack is seq + 1 and its
 * destination port is one of the target's probe ports.
 *
 * The key is 16 bytes; bytes 0-7 and 8-15 are the two little-endian 64-bit
 * words k0, k1 of the SipHash reference, i.e. the layout of siphash_key_t.
 */
#ifndef KSCAN_COOKIE_H
#define KSCAN_COOKIE_H

#include "types.h"

#ifndef KSCAN_KEY_LEN
#define KSCAN_KEY_LEN 16
#endif

struct kscan_key {
	u64 k[2];
};

#ifdef __KERNEL__
#include <linux/siphash.h>

static inline u64 kscan_cookie_hash(const struct kscan_key *key, u32 saddr,
				    u32 daddr, u32 sport_first, u32 dport)
{
	siphash_key_t sk = { { key->k[0], key->k[1] } };

	return siphash_4u32(saddr, daddr, sport_first, dport, &sk);
}
#else
/* SipHash-2-4 over @len bytes (user/siphash.c). */
u64 kscan_siphash24(const struct kscan_key *key, const void *data,
		    size_t len);

static inline u64 kscan_cookie_hash(const struct kscan_key *key, u32 saddr,
				    u32 daddr, u32 sport_first, u32 dport)
{
	u8 buf[16];

	kscan_put_le32(buf, saddr);
	kscan_put_le32(buf + 4, daddr);
	kscan_put_le32(buf + 8, sport_first);
	kscan_put_le32(buf + 12, dport);
	return kscan_siphash24(key, buf, sizeof(buf));
}
#endif

static inline void kscan_key_from_bytes(struct kscan_key *key,
					const u8 bytes[KSCAN_KEY_LEN])
{
	key->k[0] = kscan_get_le64(bytes);
	key->k[1] = kscan_get_le64(bytes + 8);
}

static inline u32 kscan_cookie_seq(u64 h)
{
	return (u32)h;
}

/* @sport_count is at least 1 (the uapi refuses an empty range) and
 * @probe below it.
 */
static inline u16 kscan_cookie_sport(u64 h, u16 sport_first, u32 sport_count,
				     u32 probe)
{
	/* probe < sport_count (the uapi refuses more probes than ports), so
	 * one conditional subtraction replaces a second modulo.
	 */
	u32 offset = (u32)(h >> 32) % sport_count + probe;

	if (offset >= sport_count)
		offset -= sport_count;
	return (u16)(sport_first + offset);
}

/*
 * Validate a reply from @daddr:@dport (the target) to @saddr:@sport (us)
 * carrying @ack. Returns the probe number (0..probes-1) it answers, or -1.
 */
static inline int kscan_cookie_check(const struct kscan_key *key, u32 saddr,
				     u32 daddr, u16 sport, u16 dport, u32 ack,
				     u16 sport_first, u32 sport_count,
				     u32 probes)
{
	u64 h = kscan_cookie_hash(key, saddr, daddr, sport_first, dport);
	u32 base, offset;

	if (ack != kscan_cookie_seq(h) + 1)
		return -1;
	if (sport < sport_first || (u32)(sport - sport_first) >= sport_count)
		return -1;
	base = (u32)(h >> 32) % sport_count;
	offset = (sport - sport_first + sport_count - base) % sport_count;
	return offset < probes ? (int)offset : -1;
}

#endif /* KSCAN_COOKIE_H */
