/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the XDP program (kscan_rx.bpf.c) and kscanctl (rx_afxdp.c,
 * rx_afpacket.c): what the kernel-side filters let through, the layout of
 * the XDP program's statistics map, and the userspace helpers the host
 * tests reach.
 *
 * Both filters (XDP and classic BPF) first take the same frames: Ethernet,
 * at most one 802.1Q/802.1ad tag, IPv4 (any IHL >= 5, not a fragment),
 * TCP with a whole 20-byte header, destination port within [sport_first,
 * sport_last], flags SYN+ACK or RST. The XDP program then also checks the
 * reply's cookie (include/kscan/cookie.h: ack == seq + 1 and a probe port
 * of its target), so that the host's own connections from ports in the
 * range keep their SYN-ACKs; the classic filter does not (kscanctl's
 * validator checks every cookie anyway). Anything else is left to the
 * host's stack (XDP_PASS; the classic filter returns 0).
 */
#ifndef KSCAN_RX_H
#define KSCAN_RX_H

#include <linux/types.h>

/*
 * The program's whole read-only data: kscanctl writes it before loading
 * (kscan_rx_bpf_open), so the verifier sees it as constants. k0, k1 are
 * the scan's key as in struct kscan_key (little-endian bytes 0-7, 8-15);
 * a reply is valid for probes 0..probes-1.
 */
struct kscan_rx_bpf_config {
	__u64 k0;
	__u64 k1;
	__u32 probes;
	__u16 sport_first;
	__u16 sport_last;
	/*
	 * Who attached the program, read back by a later kscanctl: a
	 * kscanctl killed with SIGKILL leaves its program attached (XDP
	 * attachments outlive processes), and the next one on the device
	 * removes it once this owner is gone (rx_afxdp.c). Unused by the
	 * program itself.
	 */
	__u32 owner_pid;
	__u32 reserved;
	__u64 owner_start;	/* /proc/PID/stat starttime, clock ticks */
	__u64 owner_pidns;	/* inode of the owner's pid namespace */
};

/* The program's name (its function), as libxdp lists it. */
#define KSCAN_RX_PROG_NAME "kscan_rx"

/* Upper bound on RX queues (XSKMAP entries, AF_XDP sockets). */
#define KSCAN_RX_MAX_QUEUES 256

/* Per-CPU counters of the XDP program, one array slot each. */
enum kscan_rx_stat {
	KSCAN_RX_STAT_PASSED, /* not ours: left to the stack */
	KSCAN_RX_STAT_REDIRECTED, /* ours, redirected to the socket */
	KSCAN_RX_STAT_NO_SOCKET, /* ours, but no socket on that queue */
	KSCAN_RX_STAT_COOKIE, /* our ports and flags, but not our cookie:
			       * passed (the host's own connections) */
	KSCAN_RX_STAT__MAX,
};

#ifndef __bpf__
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

struct bpf_object;

/*
 * The XDP program as compiled into kscanctl (kscan_rx_obj.S), opened but
 * not loaded, with its port range, the scan's 16-byte @key and @probes
 * (at least 1) set (read-only data, so the verifier sees constants), this
 * process as its owner, and its XSKMAP sized to @nqueues. Returns the
 * object or NULL with errno set.
 */
struct bpf_object *kscan_rx_bpf_open(uint16_t sport_first, uint16_t sport_last,
				     const uint8_t key[16], uint32_t probes,
				     unsigned int nqueues);

/*
 * This process's identity as an owner (pid, start time, pid namespace),
 * and whether the owner @cfg names is gone: 1 gone, 0 alive, -1 cannot
 * tell (another pid namespace, or /proc unreadable).
 */
void kscan_rx_owner_self(struct kscan_rx_bpf_config *cfg);
int kscan_rx_owner_gone(const struct kscan_rx_bpf_config *cfg);

/* The classic BPF filter of rx_afpacket.c: the XDP one's port and flag
 * decisions, without the cookie check. */
#define KSCAN_RX_CBPF_MAX 32
/* Fills @insns (KSCAN_RX_CBPF_MAX at least); returns the count. */
size_t kscan_rx_cbpf_build(struct sock_filter *insns, uint16_t sport_first,
			   uint16_t sport_last);
#endif

#endif /* KSCAN_RX_H */
