// SPDX-License-Identifier: GPL-2.0
/*
 * kscan's XDP program: replies to the scan go to the AF_XDP socket of
 * their RX queue, everything else to the host's stack.
 *
 * A frame is ours when it is Ethernet (at most one VLAN tag), IPv4 (not a
 * fragment; options allowed), TCP with a whole header, to a destination
 * port in [sport_first, sport_last], with SYN+ACK or RST set, and carries
 * the scan's cookie (include/kscan/cookie.h): with
 *
 *   h = SipHash-2-4(key, le32(ip daddr) | le32(ip saddr) | le32(sport_first)
 *                        | le32(tcp source))
 *
 * (host-numeric values) its ack is low32(h) + 1 and its destination port
 * is one of the target's probe ports, (dport - sport_first - high32(h) mod
 * sport_count) mod sport_count < probes. Ours goes to xsks[rx_queue_index];
 * when that queue has no socket the redirect falls back to XDP_PASS and
 * the frame is counted as NO_SOCKET. Right ports and flags with a wrong
 * cookie, e.g. the SYN-ACK of the host's own connection from a port in the
 * range, are counted as COOKIE and passed. Anything else, truncated frames
 * included, returns XDP_PASS, which lets libxdp's dispatcher chain on to
 * the next program.
 *
 * kscanctl sets the port range, key and probes in the read-only data and
 * sizes xsks before loading (rx_afxdp.c); the classic BPF filter of
 * rx_afpacket.c makes the same port and flag decisions, without the
 * cookie.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "kscan_rx.h"

/* Set by kscanctl before load; the default matches nothing. */
const volatile struct kscan_rx_bpf_config kscan_rx_cfg = {
	.probes = 0,
	.sport_first = 1,
	.sport_last = 0,
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, KSCAN_RX_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KSCAN_RX_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
} kscan_rx_stats SEC(".maps");

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

static __always_inline void count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&kscan_rx_stats, &stat);

	if (v)
		*v += 1;
}

/* What is_reply() found. */
enum verdict {
	NOT_OURS, /* not a reply to our ports: KSCAN_RX_STAT_PASSED */
	BAD_COOKIE, /* our ports and flags, not our cookie: _COOKIE */
	OURS,
};

/*
 * SipHash-2-4 of a 16-byte message, the words @m0 and @m1 (the message's
 * little-endian 64-bit halves): user/siphash.c unrolled, 64-bit operations
 * only, no loop. After the two message words comes the final block, which
 * for 16 bytes holds only the length (16 << 56).
 */
static __always_inline __u64 rotl(__u64 x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                   \
	do {                       \
		v0 += v1;          \
		v1 = rotl(v1, 13); \
		v1 ^= v0;          \
		v0 = rotl(v0, 32); \
		v2 += v3;          \
		v3 = rotl(v3, 16); \
		v3 ^= v2;          \
		v0 += v3;          \
		v3 = rotl(v3, 21); \
		v3 ^= v0;          \
		v2 += v1;          \
		v1 = rotl(v1, 17); \
		v1 ^= v2;          \
		v2 = rotl(v2, 32); \
	} while (0)

#define SIPBLOCK(m)        \
	do {               \
		v3 ^= (m); \
		SIPROUND;  \
		SIPROUND;  \
		v0 ^= (m); \
	} while (0)

static __always_inline __u64 siphash24_16(__u64 k0, __u64 k1, __u64 m0,
					  __u64 m1)
{
	__u64 v0 = 0x736f6d6570736575ULL ^ k0;
	__u64 v1 = 0x646f72616e646f6dULL ^ k1;
	__u64 v2 = 0x6c7967656e657261ULL ^ k0;
	__u64 v3 = 0x7465646279746573ULL ^ k1;

	SIPBLOCK(m0);
	SIPBLOCK(m1);
	SIPBLOCK(16ULL << 56);
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * kscan_cookie_check() for a reply from @target:@tport to @us:@dport
 * carrying @ack; @dport is already within the range.
 */
static __always_inline int cookie_ok(__u32 us, __u32 target, __u16 dport,
				     __u16 tport, __u32 ack)
{
	__u32 first = kscan_rx_cfg.sport_first;
	__u32 count = (__u32)kscan_rx_cfg.sport_last - first + 1;
	__u64 h = siphash24_16(kscan_rx_cfg.k0, kscan_rx_cfg.k1,
			       (__u64)us | (__u64)target << 32,
			       (__u64)first | (__u64)tport << 32);
	__u32 base, offset;

	if (ack != (__u32)h + 1)
		return 0;
	base = (__u32)(h >> 32) % count;
	offset = (dport - first + count - base) % count;
	return offset < kscan_rx_cfg.probes;
}

/* Ours? Only reads; every access is bounds-checked against @end. */
static __always_inline enum verdict is_reply(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct tcphdr *th;
	__be16 proto;
	__u16 dport;
	__u8 flags;

	if ((void *)(eth + 1) > end)
		return NOT_OURS;
	proto = eth->h_proto;
	data = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q) ||
	    proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vh = data;

		if ((void *)(vh + 1) > end)
			return NOT_OURS;
		proto = vh->proto;
		data = vh + 1;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return NOT_OURS;

	iph = data;
	if ((void *)(iph + 1) > end)
		return NOT_OURS;
	if (iph->version != 4 || iph->ihl < 5 || iph->protocol != IPPROTO_TCP)
		return NOT_OURS;
	/* A fragment (MF or an offset) may not start with our header. */
	if (iph->frag_off & bpf_htons(0x3fff))
		return NOT_OURS;

	th = data + iph->ihl * 4;
	if ((void *)(th + 1) > end)
		return NOT_OURS;
	dport = bpf_ntohs(th->dest);
	if (dport < kscan_rx_cfg.sport_first || dport > kscan_rx_cfg.sport_last)
		return NOT_OURS;
	flags = ((__u8 *)th)[13];
	if ((flags & 0x12) != 0x12 && !(flags & 0x04)) /* SYN+ACK, RST */
		return NOT_OURS;
	if (!cookie_ok(bpf_ntohl(iph->daddr), bpf_ntohl(iph->saddr), dport,
		       bpf_ntohs(th->source), bpf_ntohl(th->ack_seq)))
		return BAD_COOKIE;
	return OURS;
}

SEC("xdp")
int kscan_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	enum verdict v = is_reply(data, end);
	long ret;

	if (v != OURS) {
		count(v == BAD_COOKIE ? KSCAN_RX_STAT_COOKIE :
					KSCAN_RX_STAT_PASSED);
		return XDP_PASS;
	}
	ret = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
	count(ret == XDP_REDIRECT ? KSCAN_RX_STAT_REDIRECTED :
				    KSCAN_RX_STAT_NO_SOCKET);
	return ret;
}

char _license[] SEC("license") = "GPL";
