/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internet checksums (RFC 1071) for the IPv4 and TCP headers of a probe,
 * and the incremental update of RFC 1624 used when only a few fields of a
 * template change. Values are host-numeric 16-bit words; callers store them
 * big-endian with kscan_put_be16().
 */
#ifndef KSCAN_CSUM_H
#define KSCAN_CSUM_H

#include "types.h"

/* Add the big-endian 16-bit words of @buf to @sum (no folding). */
static inline u32 kscan_csum_add(u32 sum, const u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += kscan_get_be16(buf + i);
	if (len & 1)
		sum += (u32)buf[len - 1] << 8;
	return sum;
}

static inline u16 kscan_csum_fold(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/* Checksum of an IPv4 header whose check field is zero or already set
 * (a header with a correct checksum yields 0).
 */
static inline u16 kscan_ipv4_csum(const u8 *iph, size_t ihl_bytes)
{
	return (u16)~kscan_csum_fold(kscan_csum_add(0, iph, ihl_bytes));
}

/* Sum of the IPv4 pseudo-header for a TCP segment of @tcp_len bytes. */
static inline u32 kscan_tcp_pseudo_sum(u32 saddr, u32 daddr, u16 tcp_len)
{
	return (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) +
	       (daddr & 0xffff) + 6 /* IPPROTO_TCP */ + tcp_len;
}

/* Full TCP checksum over the pseudo-header and the segment at @tcp. */
static inline u16 kscan_tcp_csum(u32 saddr, u32 daddr, const u8 *tcp,
				 u16 tcp_len)
{
	u32 sum = kscan_tcp_pseudo_sum(saddr, daddr, tcp_len);

	return (u16)~kscan_csum_fold(kscan_csum_add(sum, tcp, tcp_len));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for one 16-bit field. */
static inline u16 kscan_csum_replace16(u16 check, u16 old, u16 new)
{
	u32 sum = (u16)~check + (u16)~old + (u32)new;

	return (u16)~kscan_csum_fold(sum);
}

static inline u16 kscan_csum_replace32(u16 check, u32 old, u32 new)
{
	check = kscan_csum_replace16(check, old >> 16, new >> 16);
	return kscan_csum_replace16(check, old & 0xffff, new & 0xffff);
}

#endif /* KSCAN_CSUM_H */
