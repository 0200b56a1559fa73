/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kscanctl's generic-netlink client for the "kscan" family (libnl-genl-3).
 * Every request returns 0 or a negative errno; when the kernel refused it,
 * kscan_nl_extack() holds its extended-ack message (or "").
 */
#ifndef KSCANCTL_NL_H
#define KSCANCTL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/linux/kscan.h>

#include "kscan/target.h"

struct kscan_nl;

struct kscan_module_info {
	char module_version[64];
	uint32_t uapi_version;
	uint32_t caps;
	uint32_t max_scans;
	uint32_t max_intervals;
};

/*
 * Everything KSCAN_CMD_START carries. Addresses are host-numeric here and
 * converted to network byte order on the wire; ports, queues and CPUs are
 * host order on the wire too (see the uapi header). Optional attributes
 * are sent only when their has_* flag is set, so the module's defaults
 * apply otherwise.
 */
struct kscan_start_request {
	uint32_t ifindex;
	bool has_src_mac;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint32_t saddr_first;
	uint32_t saddr_last;
	/* non-NULL: KSCAN_A_SADDR_LIST of these 1..KSCAN_MAX_SADDRS sources
	 * instead of SADDR_FIRST/LAST
	 */
	const uint32_t *saddr_list;
	uint32_t nr_saddrs;
	uint16_t sport_first;
	uint16_t sport_last;
	const struct kscan_interval *intervals;
	uint32_t nr_intervals;
	const uint16_t *ports;
	uint32_t nr_ports;
	uint32_t probes;
	uint64_t seed;
	uint32_t shard;
	uint32_t shards;
	uint64_t rate;
	const uint16_t *tx_queues;	/* NULL: the module's default */
	uint32_t nr_tx_queues;
	const uint32_t *tx_cpus;	/* NULL: not pinned by us */
	uint32_t nr_tx_cpus;
	bool has_ttl;
	uint8_t ttl;
	bool has_window;
	uint16_t window;
	bool has_tcp_options;
	uint32_t tcp_options;		/* enum kscan_tcp_options */
	uint8_t key[KSCAN_KEY_LEN];
	bool has_xmit_mode;
	uint32_t xmit_mode;		/* enum kscan_xmit_mode */
	bool has_burst;
	uint32_t burst;
	uint64_t max_packets;		/* 0: no budget */
	uint32_t flags;			/* KSCAN_START_F_* */
};

/*
 * Netlink attributes carry a 16-bit length, header included: one
 * KSCAN_A_TARGETS nest holds at most 5460 intervals, so longer lists go in
 * several nests (the uapi allows it); ports travel as ranges.
 */
#define KSCAN_NL_ATTR_MAX_PAYLOAD (0xffff - 4)
#define KSCAN_NL_INTERVALS_PER_NEST \
	(KSCAN_NL_ATTR_MAX_PAYLOAD / (4 + sizeof(struct kscan_ipv4_interval)))

/* How many KSCAN_A_PORTS ranges the sorted, distinct @ports make. */
uint32_t kscan_nl_port_ranges(const uint16_t *ports, uint32_t nr_ports);

struct kscan_queue_status {
	uint16_t queue;
	uint32_t cpu;
	uint64_t sent;
	uint64_t tx_busy;
	uint64_t errors;
	uint64_t no_carrier;
};

/* One reply of GET, or one KSCAN_CMD_EVENT. */
struct kscan_scan_status {
	uint32_t scan_id;
	uint32_t ifindex;
	uint32_t state;		/* enum kscan_state */
	uint32_t reason;	/* enum kscan_reason */
	uint64_t sent;
	uint64_t tx_busy;
	uint64_t errors;
	uint64_t no_carrier;	/* waits for the device's carrier */
	uint64_t progress;
	uint64_t total;
	uint64_t start_ns;	/* CLOCK_MONOTONIC */
	uint64_t end_ns;	/* 0 while running */
	bool detached;		/* no owning socket (KSCAN_START_F_DETACH) */
	uint32_t nr_queues;
	struct kscan_queue_status queues[KSCAN_MAX_QUEUES];
};

/*
 * Connect and resolve the family. Returns NULL with *err set to a negative
 * errno; -ENOENT means the family is not registered (module not loaded).
 */
struct kscan_nl *kscan_nl_open(int *err);
void kscan_nl_close(struct kscan_nl *nl);

/*
 * The extended ack of the last failed request, or "": the module's
 * message, or the core's policy message prefixed with the attribute it
 * points at and followed by the accepted range, e.g. "KSCAN_A_RATE:
 * integer out of range (accepted: 0..1000000000)".
 */
const char *kscan_nl_extack(const struct kscan_nl *nl);

/* "KSCAN_A_RATE" for KSCAN_A_RATE; NULL for attributes START never sends. */
const char *kscan_attr_name(uint32_t type);

/* KSCAN_CMD_GET_INFO. */
int kscan_nl_get_info(struct kscan_nl *nl, struct kscan_module_info *info);

/* KSCAN_CMD_START; *scan_id is the module's id of the new scan. */
int kscan_nl_start(struct kscan_nl *nl, const struct kscan_start_request *req,
		   uint32_t *scan_id);

/*
 * The attributes of START into @msg (exposed for the unit tests that check
 * the wire layout), and an upper bound of their size.
 */
struct nl_msg;
int kscan_nl_put_start(struct nl_msg *msg,
		       const struct kscan_start_request *req);
size_t kscan_nl_start_size(const struct kscan_start_request *req);

/* A GET reply or an EVENT into @st. Returns 0, or -1 without a scan id. */
int kscan_nl_parse_status(struct nl_msg *msg, struct kscan_scan_status *st);

/* KSCAN_CMD_STOP: returns once the scan's threads are joined. */
int kscan_nl_stop(struct kscan_nl *nl, uint32_t scan_id);

/* KSCAN_CMD_GET of one scan. */
int kscan_nl_get(struct kscan_nl *nl, uint32_t scan_id,
		 struct kscan_scan_status *status);

/* KSCAN_CMD_GET as a dump: every scan of this netns; free(*scans). */
int kscan_nl_get_all(struct kscan_nl *nl, struct kscan_scan_status **scans,
		     size_t *nr_scans);

/*
 * Join the "events" multicast group on a second socket of @nl. Do it
 * before START so that the end of a short scan cannot be missed.
 */
int kscan_nl_subscribe_events(struct kscan_nl *nl);

/* The events socket's fd, to wait on with poll() (-1: not subscribed). */
int kscan_nl_events_fd(const struct kscan_nl *nl);

/*
 * Wait up to @timeout_ms for the KSCAN_CMD_EVENT of @scan_id (events of
 * other scans are skipped). Returns 1 with *event filled, 0 on timeout,
 * -EINTR when a signal arrived, -ENOBUFS when events were lost (the caller
 * then asks with GET), or another negative errno.
 */
int kscan_nl_wait_event(struct kscan_nl *nl, uint32_t scan_id, int timeout_ms,
			struct kscan_scan_status *event);

/* Names of enum kscan_state / enum kscan_reason values, for reports. */
const char *kscan_state_name(uint32_t state);
const char *kscan_reason_name(uint32_t reason);

#endif /* KSCANCTL_NL_H */
