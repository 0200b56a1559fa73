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
 * the wrong size, out-of-range values, unknown flag bits, a non-zero
 * reserved field of the genetlink header and netlink flags beyond
 * REQUEST, ACK, ECHO and DUMP are refused. The
 * accepted range of each attribute lives in the command's netlink policy, so
 * CTRL_CMD_GETPOLICY tells it, and a refusal's extended ack carries the
 * offset of the attribute (NLMSGERR_ATTR_OFFS) and its policy
 * (NLMSGERR_ATTR_POLICY); a missing attribute is named by
 * NLMSGERR_ATTR_MISS_TYPE. Rules between attributes are checked by the
 * module and refused with a message that names the attribute.
 *
 * Privilege: START and STOP need CAP_NET_ADMIN in the initial user
 * namespace (GENL_ADMIN_PERM): a scan sends raw packets at any rate from a
 * kernel thread, a power of pktgen's class, so a user namespace of one's own
 * (`unshare -Urn`) does not grant it. GET_INFO and GET are open to all and
 * show configuration limits and counters only: the validation key never
 * leaves the kernel.
 *
 * Ownership: a scan belongs to the netlink socket that started it and ends
 * (KSCAN_REASON_OWNER_GONE) when that socket is closed, for instance when
 * its process is killed, unless START carried KSCAN_START_F_DETACH.
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
 * [policy range] follows each attribute; "req" marks required ones.
 *     KSCAN_A_IFINDEX:        u32 [1, INT_MAX], req: the device, in the
 *                             caller's netns; up, Ethernet, looked up and
 *                             bound under RTNL
 *     KSCAN_A_SRC_MAC:        6 bytes, optional (default: the device's
 *                             address); unicast
 *     KSCAN_A_DST_MAC:        6 bytes, req: next hop (gateway) MAC; unicast
 *     KSCAN_A_SADDR_FIRST:    4 bytes exactly: a be32 IPv4 address, the
 *                             first source; required unless
 *                             KSCAN_A_SADDR_LIST is given
 *     KSCAN_A_SADDR_LAST:     4 bytes exactly, a be32 address, optional
 *                             (default: SADDR_FIRST),
 *                             >= SADDR_FIRST; target d uses source
 *                             FIRST + d mod (LAST - FIRST + 1). The whole
 *                             space 0.0.0.0-255.255.255.255 is a valid range
 *     KSCAN_A_SADDR_LIST:     binary [4, 4 * KSCAN_MAX_SADDRS] bytes, a
 *                             multiple of 4: be32 source addresses instead
 *                             of FIRST/LAST (not with them); target d uses
 *                             entry d mod count
 *     KSCAN_A_SPORT_FIRST:    u16 [1, 65535], req: first source port
 *     KSCAN_A_SPORT_LAST:     u16 [1, 65535], req, >= SPORT_FIRST
 *     KSCAN_A_TARGETS:        nest, req, of
 *         KSCAN_TARGET_A_INTERVAL: struct kscan_ipv4_interval (8 bytes).
 *                             May repeat (one nest holds at most 5460): the
 *                             intervals of all, in order, 1..KSCAN_MAX_INTERVALS
 *                             in all, must be sorted and disjoint
 *     KSCAN_A_PORTS:          binary [4, 4 * KSCAN_MAX_PORT_RANGES] bytes, a
 *                             multiple of 4, req: array of struct
 *                             kscan_port_range of ports 1..65535, sorted
 *                             and disjoint (so ports are distinct); targets
 *                             take them in ascending order
 *     KSCAN_A_PROBES:         u32 [1, KSCAN_MAX_PROBES], optional (default 1),
 *                             at most the number of source ports
 *     KSCAN_A_SEED:           u64, optional (default 0): permutation seed;
 *                             every shard of one scan must use the same seed
 *     KSCAN_A_SHARD:          u32 [0, KSCAN_MAX_SHARDS - 1], optional
 *                             (default 0), < SHARDS
 *     KSCAN_A_SHARDS:         u32 [1, KSCAN_MAX_SHARDS], optional (default 1)
 *     KSCAN_A_RATE:           u64 [0, KSCAN_MAX_RATE], optional (default 0):
 *                             packets per second for the whole scan, shared
 *                             by its threads; 0 = as fast as possible
 *     KSCAN_A_TX_QUEUES:      binary [2, 2 * KSCAN_MAX_QUEUES] bytes, a
 *                             multiple of 2, optional: distinct u16 TX queue
 *                             indices, one generator thread each (default:
 *                             queue 0), each below the device's
 *                             real_num_tx_queues. Checked again before every
 *                             burst: a scan whose queue disappears (ethtool
 *                             -L) ends with KSCAN_REASON_QUEUE_GONE
 *     KSCAN_A_TX_CPUS:        binary [4, 4 * KSCAN_MAX_QUEUES] bytes,
 *                             optional: u32 CPU of each thread, one per TX
 *                             queue; each online and in the caller's allowed
 *                             CPUs (default: the queue's XPS CPU, else round
 *                             robin over the caller's allowed online CPUs)
 *     KSCAN_A_TTL:            u8 [1, 255], optional (default 255)
 *     KSCAN_A_WINDOW:         u16, optional (default 65535)
 *     KSCAN_A_TCP_OPTIONS:    u32 [0, __KSCAN_TCP_OPT_MAX - 1], optional:
 *                             enum kscan_tcp_options (default none)
 *     KSCAN_A_KEY:            KSCAN_KEY_LEN bytes exactly, req: validation key
 *     KSCAN_A_XMIT_MODE:      u32 [0, __KSCAN_XMIT_MAX - 1], optional:
 *                             enum kscan_xmit_mode (default burst)
 *     KSCAN_A_BURST:          u32 [1, KSCAN_MAX_BURST], optional (default 32)
 *     KSCAN_A_MAX_PACKETS:    u64 [1, U64_MAX], optional: stop after this
 *                             many probes (reason KSCAN_REASON_BUDGET); a
 *                             budget of at least the shard's probes is no
 *                             budget: all of them are sent (COMPLETED)
 *     KSCAN_A_FLAGS:          u32, mask KSCAN_START_F_ALL, optional:
 *                             KSCAN_START_F_* bits
 *
 * KSCAN_CMD_STOP: admin only. KSCAN_A_SCAN_ID: u32 [1, U32_MAX], req. Stops
 *     the scan; its threads are joined before the reply, and an ABORTED
 *     event follows.
 *
 * KSCAN_CMD_GET: KSCAN_A_SCAN_ID (u32 [1, U32_MAX]) selects one scan; as a
 *     dump (NLM_F_DUMP) it lists every scan of the caller's netns. Each
 *     reply carries:
 *     KSCAN_A_SCAN_ID, KSCAN_A_IFINDEX, KSCAN_A_STATE (u32, enum
 *     kscan_state), KSCAN_A_REASON (u32, enum kscan_reason),
 *     KSCAN_A_SENT (u64, probes the device took), KSCAN_A_TX_BUSY (u64,
 *     retries of a busy or stopped queue), KSCAN_A_ERRORS (u64,
 *     transmissions the stack dropped or refused: NET_XMIT_DROP,
 *     NET_XMIT_CN, an errno; each such probe is sent again, never counted
 *     as sent), KSCAN_A_NO_CARRIER (u64, waits of a thread for the
 *     device's carrier), KSCAN_A_PROGRESS (u64, permutation positions
 *     consumed), KSCAN_A_TOTAL (u64, probes this shard will send),
 *     KSCAN_A_START_NS / KSCAN_A_END_NS (u64, CLOCK_MONOTONIC),
 *     KSCAN_A_DETACHED (flag, the scan has no owning socket) and
 *     KSCAN_A_QUEUE_STATS: nest of KSCAN_A_QUEUE_STAT nests, each with
 *         KSCAN_QSTAT_A_QUEUE (u16), KSCAN_QSTAT_A_CPU (u32),
 *         KSCAN_QSTAT_A_SENT, KSCAN_QSTAT_A_TX_BUSY, KSCAN_QSTAT_A_ERRORS,
 *         KSCAN_QSTAT_A_NO_CARRIER (u64)
 *
 * Multicast group "events": KSCAN_CMD_EVENT with the attributes of a GET
 *     reply, sent once when a scan ends for any reason.
 *
 * How a running scan meets the device: a device going down
 * (NETDEV_GOING_DOWN, NETDEV_DOWN) or away ends the scan; a device without
 * carrier makes its threads wait (KSCAN_A_NO_CARRIER) until carrier returns
 * or the scan is stopped; transmissions that the stack drops or refuses,
 * KSCAN_XMIT_ERROR_RUN in a row over KSCAN_XMIT_ERROR_SECS, end it with
 * KSCAN_REASON_ERROR.
 */
#ifndef _UAPI_LINUX_KSCAN_H
#define _UAPI_LINUX_KSCAN_H

#include <linux/types.h>

#define KSCAN_GENL_NAME "kscan"
#define KSCAN_GENL_VERSION 2
#define KSCAN_GENL_MCGRP_EVENTS "events"

#ifndef KSCAN_KEY_LEN
#define KSCAN_KEY_LEN 16
#endif

/* Limits, enforced by the module and known to userspace. */
#define KSCAN_MAX_SCANS_PER_NETNS 16
#define KSCAN_MAX_INTERVALS 16384
/*
 * 4-byte port ranges in KSCAN_A_PORTS: 32764 bytes, the largest length a
 * 6.1 policy states exactly (and CTRL_CMD_GETPOLICY shows).
 */
#define KSCAN_MAX_PORT_RANGES 8191
#define KSCAN_MAX_PROBES 16
#define KSCAN_MAX_SHARDS 65535
#define KSCAN_MAX_QUEUES 64
#define KSCAN_MAX_BURST 256
#define KSCAN_MAX_SADDRS 256
/* Packets per second: beyond any NIC (400GbE: 595 Mpps of minimum frames),
 * and small enough that the rate arithmetic cannot overflow.
 */
#define KSCAN_MAX_RATE 1000000000ULL

/* What an absent KSCAN_A_TTL, KSCAN_A_WINDOW, KSCAN_A_BURST mean. */
#define KSCAN_DEFAULT_TTL 255
#define KSCAN_DEFAULT_WINDOW 65535
#define KSCAN_DEFAULT_BURST 32
/*
 * A scan ends (KSCAN_REASON_ERROR) when the stack has refused or dropped
 * at least KSCAN_XMIT_ERROR_RUN transmissions in a row, none taken, for at
 * least KSCAN_XMIT_ERROR_SECS seconds: a broken device, not congestion (a
 * full veth backlog or qdisc drops for a moment; each probe is retried).
 */
#define KSCAN_XMIT_ERROR_RUN 1000
#define KSCAN_XMIT_ERROR_SECS 5

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
	KSCAN_A_NO_CARRIER,
	KSCAN_A_DETACHED,
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
	KSCAN_QSTAT_A_NO_CARRIER,
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
	/* The scan outlives the socket that started it: only STOP, the end of
	 * its work or a device/netns/module event ends it.
	 */
	KSCAN_START_F_DETACH = 1U << 1,
	KSCAN_START_F_ALL = KSCAN_START_F_SW_CSUM | KSCAN_START_F_DETACH
};

enum kscan_xmit_mode {
	KSCAN_XMIT_BURST,  /* netdev_start_xmit() bursts under the queue lock */
	KSCAN_XMIT_DIRECT, /* __dev_direct_xmit(): qdisc bypassed, one by one */
	KSCAN_XMIT_QUEUE,  /* dev_queue_xmit(): through the qdisc, fresh skbs */
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
	KSCAN_REASON_DEVICE_DOWN, /* down, or moved to another netns */
	KSCAN_REASON_NETNS_EXIT,
	KSCAN_REASON_MODULE_UNLOAD,
	KSCAN_REASON_ERROR,       /* transmissions failing for good */
	KSCAN_REASON_OWNER_GONE,  /* the starting socket closed (not DETACH) */
	KSCAN_REASON_QUEUE_GONE,  /* a TX queue is beyond the device's queues */
	__KSCAN_REASON_MAX
};

#endif /* _UAPI_LINUX_KSCAN_H */
