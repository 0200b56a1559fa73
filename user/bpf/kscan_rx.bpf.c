// SPDX-License-Identifier: GPL-2.0
/*
 * kscan's XDP program: replies to the scan go to the AF_XDP socket of
 * their RX queue, everything else to the host's stack.
 *
 * A frame is ours when it is Ethernet (at most one VLAN tag), IPv4 (not a
 * fragment; options allowed), TCP with a whole header, to a destination
 * port in [sport_first, sport_last], with SYN+ACK or RST set. Ours goes
 * to xsks[rx_queue_index]; when that queue has no socket the redirect
 * falls back to XDP_PASS and the frame is counted as NO_SOCKET. Anything
 * else, truncated frames included, returns XDP_PASS, which lets libxdp's
 * dispatcher chain on to the next program.
 *
 * kscanctl sets the port range in the read-only data and sizes xsks
 * before loading (rx_afxdp.c); the classic BPF filter of rx_afpacket.c
 * makes the same decisions.
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

/* Ours? Only reads; every access is bounds-checked against @end. */
static __always_inline int is_reply(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct tcphdr *th;
	__be16 proto;
	__u16 dport;
	__u8 flags;

	if ((void *)(eth + 1) > end)
		return 0;
	proto = eth->h_proto;
	data = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q) ||
	    proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vh = data;

		if ((void *)(vh + 1) > end)
			return 0;
		proto = vh->proto;
		data = vh + 1;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return 0;

	iph = data;
	if ((void *)(iph + 1) > end)
		return 0;
	if (iph->version != 4 || iph->ihl < 5 || iph->protocol != IPPROTO_TCP)
		return 0;
	/* A fragment (MF or an offset) may not start with our header. */
	if (iph->frag_off & bpf_htons(0x3fff))
		return 0;

	th = data + iph->ihl * 4;
	if ((void *)(th + 1) > end)
		return 0;
	dport = bpf_ntohs(th->dest);
	if (dport < kscan_rx_cfg.sport_first || dport > kscan_rx_cfg.sport_last)
		return 0;
	flags = ((__u8 *)th)[13];
	if ((flags & 0x12) == 0x12 || (flags & 0x04)) /* SYN+ACK, RST */
		return 1;
	return 0;
}

SEC("xdp")
int kscan_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	long ret;

	if (!is_reply(data, end)) {
		count(KSCAN_RX_STAT_PASSED);
		return XDP_PASS;
	}
	ret = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
	count(ret == XDP_REDIRECT ? KSCAN_RX_STAT_REDIRECTED :
				    KSCAN_RX_STAT_NO_SOCKET);
	return ret;
}

char _license[] SEC("license") = "GPL";
