/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the XDP program (kscan_rx.bpf.c) and kscanctl (rx_afxdp.c,
 * rx_afpacket.c): what the kernel-side filters let through, the layout of
 * the XDP program's statistics map, and the userspace helpers the host
 * tests reach.
 *
 * Both filters (XDP and classic BPF) accept exactly the same frames:
 * Ethernet, at most one 802.1Q/802.1ad tag, IPv4 (any IHL >= 5, not a
 * fragment), TCP with a whole 20-byte header, destination port within
 * [sport_first, sport_last], flags SYN+ACK or RST. Anything else is left
 * to the host's stack (XDP_PASS; the classic filter returns 0).
 */
#ifndef KSCAN_RX_H
#define KSCAN_RX_H

#include <linux/types.h>

/*
 * The program's whole read-only data: kscanctl writes it before loading
 * (kscan_rx_bpf_open), so the verifier sees the range as constants.
 */
struct kscan_rx_bpf_config {
	__u16 sport_first;
	__u16 sport_last;
};

/* Upper bound on RX queues (XSKMAP entries, AF_XDP sockets). */
#define KSCAN_RX_MAX_QUEUES 256

/* Per-CPU counters of the XDP program, one array slot each. */
enum kscan_rx_stat {
	KSCAN_RX_STAT_PASSED, /* not ours: left to the stack */
	KSCAN_RX_STAT_REDIRECTED, /* ours, redirected to the socket */
	KSCAN_RX_STAT_NO_SOCKET, /* ours, but no socket on that queue */
	KSCAN_RX_STAT__MAX,
};

#ifndef __bpf__
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

struct bpf_object;

/*
 * The XDP program as compiled into kscanctl (kscan_rx_obj.S), opened but
 * not loaded, with its port range set (read-only data, so the verifier
 * sees constants) and its XSKMAP sized to @nqueues. Returns the object or
 * NULL with errno set.
 */
struct bpf_object *kscan_rx_bpf_open(uint16_t sport_first, uint16_t sport_last,
				     unsigned int nqueues);

/* The classic BPF filter of rx_afpacket.c: same decisions as the XDP one. */
#define KSCAN_RX_CBPF_MAX 32
/* Fills @insns (KSCAN_RX_CBPF_MAX at least); returns the count. */
size_t kscan_rx_cbpf_build(struct sock_filter *insns, uint16_t sport_first,
			   uint16_t sport_last);
#endif

#endif /* KSCAN_RX_H */
