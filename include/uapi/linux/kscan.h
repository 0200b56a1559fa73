/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kscan: the generic-netlink contract between kscan.ko and userspace.
 *
 * Family name "kscan" (KSCAN_GENL_NAME), version KSCAN_GENL_VERSION, one
 * multicast group "events" (KSCAN_GENL_MCGRP_EVENTS). The family is netnsok:
 * every scan belongs to the network namespace of the socket that started it,
 * and devices are looked up there.
 *
 * Validation is strict for every command: unknown attributes, attributes of
 * the wrong size, out-of-range values and unknown flag bits are refused with
 * an errno and an extended-ack message that names the attribute. Commands
 * that change state (START, STOP) need CAP_NET_ADMIN in the user namespace
 * that owns the socket's network namespace; GET_INFO and GET are open to all.
 *
 * Commands
 * --------
 *
 * KSCAN_CMD_GET_INFO: no attributes. Replies with:
 *     KSCAN_A_INFO_MODULE_VERSION: NUL-terminated string, e.g. "0.1.0"
 *     KSCAN_A_INFO_UAPI_VERSION:   u32, KSCAN_GENL_VERSION of the module
 *     KSCAN_A_INFO_CAPS:           u32, KSCAN_CAP_* bits
 *     KSCAN_A_INFO_MAX_SCANS:      u32, KSCAN_MAX_SCANS_PER_NETNS
 *     KSCAN_A_INFO_MAX_INTERVALS:  u32, KSCAN_MAX_INTERVALS
 *
 * KSCAN_CMD_START: starts a scan; admin only. Replies with KSCAN_A_SCAN_ID.
 *     KSCAN_A_IFINDEX:        u32, required: the device in the caller's netns
 *     KSCAN_A_SRC_MAC:        6 bytes, optional (default: the device's address)
 *     KSCAN_A_DST_MAC:        6 bytes, required: next hop (gateway) MAC
 *     KSCAN_A_SADDR_FIRST:    be32: first source IPv4 address; required
 *                             unless KSCAN_A_SADDR_LIST is given
 *     KSCAN_A_SADDR_LIST:     binary, optional: array of be32 source
 *                             addresses, 1..KSCAN_MAX_SADDRS, instead of a
 *                             range; target d uses entry d mod count
 *     KSCAN_A_SADDR_LAST:     be32, optional (default: SADDR_FIRST); probes are
 *                             spread over [first, last] by target index
 *     KSCAN_A_SPORT_FIRST:    u16, required: first source port
 *     KSCAN_A_SPORT_LAST:     u16, required, >= SPORT_FIRST
 *     KSCAN_A_TARGETS:        nest, required, of
 *         KSCAN_TARGET_A_INTERVAL: struct kscan_ipv4_interval.
 *                             May repeat (one nest holds at most 5460): the
 *                             intervals of all, in order, 1..KSCAN_MAX_INTERVALS
 *                             in all, must be sorted and disjoint
 *     KSCAN_A_PORTS:          binary, required: array of struct
 *                             kscan_port_range, 1..KSCAN_MAX_PORT_RANGES,
 *                             sorted and disjoint (so ports are distinct);
 *                             targets take the ports in ascending order
 *     KSCAN_A_PROBES:         u32, optional (default 1), 1..KSCAN_MAX_PROBES
 *     KSCAN_A_SEED:           u64, optional (default 0): permutation seed;
 *                             every shard of one scan must use the same seed
 *     KSCAN_A_SHARD:          u32, optional (default 0), < SHARDS
 *     KSCAN_A_SHARDS:         u32, optional (default 1), 1..KSCAN_MAX_SHARDS
 *     KSCAN_A_RATE:           u64, optional (default 0): packets per second
 *                             for the whole scan, 0 = as fast as possible
 *     KSCAN_A_TX_QUEUES:      binary, optional: array of u16 TX queue indices,
 *                             one generator thread each (default: queue 0)
 *     KSCAN_A_TX_CPUS:        binary, optional: array of u32, the CPU of each
 *                             thread, same length as TX_QUEUES
 *     KSCAN_A_TTL:            u8, optional (default 255), >= 1
 *     KSCAN_A_WINDOW:         u16, optional (default 65535)
 *     KSCAN_A_TCP_OPTIONS:    u32, optional: enum kscan_tcp_options
 *     KSCAN_A_KEY:            KSCAN_KEY_LEN bytes, required: validation key
 *     KSCAN_A_XMIT_MODE:      u32, optional: enum kscan_xmit_mode (burst)
 *     KSCAN_A_BURST:          u32, optional (default 32), 1..KSCAN_MAX_BURST
 *     KSCAN_A_MAX_PACKETS:    u64, optional: stop after this many probes
 *     KSCAN_A_FLAGS:          u32, optional: KSCAN_START_F_* bits
 *
 * KSCAN_CMD_STOP: admin only. KSCAN_A_SCAN_ID: u32. Stops the scan; its
 *     threads are joined before the reply, and an ABORTED event follows.
 *
 * KSCAN_CMD_GET: KSCAN_A_SCAN_ID selects one scan; as a dump (NLM_F_DUMP)
 *     it lists every scan of the caller's netns. Each reply carries:
 *     KSCAN_A_SCAN_ID, KSCAN_A_IFINDEX, KSCAN_A_STATE (u32, enum
 *     kscan_state), KSCAN_A_REASON (u32, enum kscan_reason),
 *     KSCAN_A_SENT (u64), KSCAN_A_TX_BUSY (u64, retries of a busy queue),
 *     KSCAN_A_ERRORS (u64), KSCAN_A_PROGRESS (u64, permutation indices
 *     consumed), KSCAN_A_TOTAL (u64, probes this shard will send),
 *     KSCAN_A_START_NS / KSCAN_A_END_NS (u64, CLOCK_MONOTONIC), and
 *     KSCAN_A_QUEUE_STATS: nest of KSCAN_A_QUEUE_STAT nests, each with
 *         KSCAN_QSTAT_A_QUEUE (u16), KSCAN_QSTAT_A_CPU (u32),
 *         KSCAN_QSTAT_A_SENT, KSCAN_QSTAT_A_TX_BUSY, KSCAN_QSTAT_A_ERRORS (u64)
 *
 * Multicast group "events": KSCAN_CMD_EVENT with KSCAN_A_SCAN_ID,
 *     KSCAN_A_IFINDEX, KSCAN_A_STATE, KSCAN_A_REASON and the counters, sent
 *     once when a scan ends for any reason.
 */
#ifndef _UAPI_LINUX_KSCAN_H
#define _UAPI_LINUX_KSCAN_H

#include <linux/types.h>

#define KSCAN_GENL_NAME "kscan"
#define KSCAN_GENL_VERSION 1
#define KSCAN_GENL_MCGRP_EVENTS "events"

#ifndef KSCAN_KEY_LEN
#define KSCAN_KEY_LEN 16
#endif

/* Limits, enforced by the module and known to userspace. */
#define KSCAN_MAX_SCANS_PER_NETNS 16
#define KSCAN_MAX_INTERVALS 16384
#define KSCAN_MAX_PORT_RANGES 16383 /* fills one attribute: 65532 bytes */
#define KSCAN_MAX_PROBES 16
#define KSCAN_MAX_SHARDS 65535
#define KSCAN_MAX_QUEUES 64
#define KSCAN_MAX_BURST 256
#define KSCAN_MAX_SADDRS 256

/* An inclusive range of IPv4 addresses, network byte order. */
struct kscan_ipv4_interval {
	__be32 first;
	__be32 last;
};

/* An inclusive range of TCP ports, host byte order. */
struct kscan_port_range {
	__u16 first;
	__u16 last;
};

enum kscan_cmd {
	KSCAN_CMD_UNSPEC,
	KSCAN_CMD_GET_INFO,
	KSCAN_CMD_START,
	KSCAN_CMD_STOP,
	KSCAN_CMD_GET,
	KSCAN_CMD_EVENT,
	__KSCAN_CMD_MAX
};
#define KSCAN_CMD_MAX (__KSCAN_CMD_MAX - 1)

enum kscan_attr {
	KSCAN_A_UNSPEC,
	KSCAN_A_INFO_MODULE_VERSION,
	KSCAN_A_INFO_UAPI_VERSION,
	KSCAN_A_INFO_CAPS,
	KSCAN_A_INFO_MAX_SCANS,
	KSCAN_A_INFO_MAX_INTERVALS,
	KSCAN_A_SCAN_ID,
	KSCAN_A_IFINDEX,
	KSCAN_A_SRC_MAC,
	KSCAN_A_DST_MAC,
	KSCAN_A_SADDR_FIRST,
	KSCAN_A_SADDR_LAST,
	KSCAN_A_SPORT_FIRST,
	KSCAN_A_SPORT_LAST,
	KSCAN_A_TARGETS,
	KSCAN_A_PORTS,
	KSCAN_A_PROBES,
	KSCAN_A_SEED,
	KSCAN_A_SHARD,
	KSCAN_A_SHARDS,
	KSCAN_A_RATE,
	KSCAN_A_TX_QUEUES,
	KSCAN_A_TX_CPUS,
	KSCAN_A_TTL,
	KSCAN_A_WINDOW,
	KSCAN_A_TCP_OPTIONS,
	KSCAN_A_KEY,
	KSCAN_A_XMIT_MODE,
	KSCAN_A_BURST,
	KSCAN_A_MAX_PACKETS,
	KSCAN_A_FLAGS,
	KSCAN_A_STATE,
	KSCAN_A_REASON,
	KSCAN_A_SENT,
	KSCAN_A_TX_BUSY,
	KSCAN_A_ERRORS,
	KSCAN_A_PROGRESS,
	KSCAN_A_TOTAL,
	KSCAN_A_START_NS,
	KSCAN_A_END_NS,
	KSCAN_A_QUEUE_STATS,
	KSCAN_A_PAD,
	KSCAN_A_SADDR_LIST,
	__KSCAN_A_MAX
};
#define KSCAN_A_MAX (__KSCAN_A_MAX - 1)

enum kscan_target_attr {
	KSCAN_TARGET_A_UNSPEC,
	KSCAN_TARGET_A_INTERVAL,
	__KSCAN_TARGET_A_MAX
};
#define KSCAN_TARGET_A_MAX (__KSCAN_TARGET_A_MAX - 1)

enum kscan_queue_stats_attr {
	KSCAN_A_QUEUE_STAT_UNSPEC,
	KSCAN_A_QUEUE_STAT,
	__KSCAN_A_QUEUE_STAT_MAX
};

enum kscan_qstat_attr {
	KSCAN_QSTAT_A_UNSPEC,
	KSCAN_QSTAT_A_QUEUE,
	KSCAN_QSTAT_A_CPU,
	KSCAN_QSTAT_A_SENT,
	KSCAN_QSTAT_A_TX_BUSY,
	KSCAN_QSTAT_A_ERRORS,
	KSCAN_QSTAT_A_PAD,
	__KSCAN_QSTAT_A_MAX
};
#define KSCAN_QSTAT_A_MAX (__KSCAN_QSTAT_A_MAX - 1)

/* KSCAN_A_INFO_CAPS */
enum kscan_caps {
	KSCAN_CAP_XMIT_BURST = 1U << 0,
	KSCAN_CAP_XMIT_DIRECT = 1U << 1,
	KSCAN_CAP_XMIT_QUEUE = 1U << 2,
	KSCAN_CAP_CSUM_OFFLOAD = 1U << 3,
	KSCAN_CAP_ALL = (1U << 4) - 1
};

/* KSCAN_A_FLAGS of START */
enum kscan_start_flags {
	/* Compute the TCP checksum in software even if the device offloads. */
	KSCAN_START_F_SW_CSUM = 1U << 0,
	KSCAN_START_F_ALL = KSCAN_START_F_SW_CSUM
};

enum kscan_xmit_mode {
	KSCAN_XMIT_BURST,  /* netdev_start_xmit() bursts under the queue lock */
	KSCAN_XMIT_DIRECT, /* __dev_direct_xmit(): qdisc bypassed, one by one */
	KSCAN_XMIT_QUEUE,  /* dev_queue_xmit(): through the qdisc */
	__KSCAN_XMIT_MAX
};

enum kscan_tcp_options {
	KSCAN_TCP_OPT_NONE,  /* 20-byte TCP header */
	KSCAN_TCP_OPT_MSS,   /* MSS 1460 */
	KSCAN_TCP_OPT_LINUX, /* MSS, SACK-permitted, timestamps, NOP, wscale 7 */
	__KSCAN_TCP_OPT_MAX
};

enum kscan_state {
	KSCAN_STATE_RUNNING,
	KSCAN_STATE_DONE,    /* every probe of the shard was sent */
	KSCAN_STATE_ABORTED, /* ended early: see enum kscan_reason */
	__KSCAN_STATE_MAX
};

enum kscan_reason {
	KSCAN_REASON_NONE,
	KSCAN_REASON_COMPLETED,
	KSCAN_REASON_BUDGET,      /* KSCAN_A_MAX_PACKETS reached */
	KSCAN_REASON_STOPPED,     /* KSCAN_CMD_STOP */
	KSCAN_REASON_DEVICE_GONE, /* device unregistered */
	KSCAN_REASON_DEVICE_DOWN,
	KSCAN_REASON_NETNS_EXIT,
	KSCAN_REASON_MODULE_UNLOAD,
	KSCAN_REASON_ERROR,
	__KSCAN_REASON_MAX
};

#endif /* _UAPI_LINUX_KSCAN_H */
