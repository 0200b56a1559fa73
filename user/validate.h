/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reply validation: is this frame an answer to one of our probes, and to
 * which target? A frame is a valid result when
 *
 *   - it parses as Ethernet (untagged, or with exactly one 802.1Q/802.1ad
 *     tag, as the XDP filter passes it) / IPv4 / TCP, IP options allowed;
 *   - its flags are SYN+ACK (open) or RST (closed);
 *   - it comes from an address of the scan's target set and one of its
 *     ports: the target, whose index in the target space is returned for
 *     de-duplication;
 *   - it goes to the source address our probe to that target used, and
 *     its cookie is right: ack = seq + 1 and our port one of the target's
 *     probe ports (the shared include/kscan/cookie.h, as the kernel).
 *
 * Checksums are not verified: replies from a local peer over veth carry
 * partial ones, and the 64-bit cookie already rejects damaged and forged
 * frames. Everything else is counted by the reason it was refused.
 */
#ifndef KSCANCTL_VALIDATE_H
#define KSCANCTL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "kscan/cookie.h"
#include "kscan/probe.h"
#include "kscan/syn.h"
#include "kscan/target.h"

enum kscan_verdict {
	KSCAN_V_SYNACK,		/* valid: port open */
	KSCAN_V_RST,		/* valid: port closed */
	KSCAN_V_MALFORMED,	/* not Ethernet/IPv4/TCP, truncated, ... */
	KSCAN_V_VLAN,		/* more than one VLAN tag */
	KSCAN_V_FLAGS,		/* neither SYN+ACK nor RST */
	KSCAN_V_NOT_TARGET,	/* source address not a target */
	KSCAN_V_NOT_PORT,	/* source port not scanned */
	KSCAN_V_COOKIE,		/* wrong ack, destination port or address */
	__KSCAN_V_MAX
};

#define KSCAN_VERDICT_VALID(v) ((v) <= KSCAN_V_RST)

struct kscan_validator {
	struct kscan_target_space ts;	/* ports and intervals of the scan */
	u64 *prefix;			/* owned, for ts */
	struct kscan_key key;
	u32 saddr_first;
	u64 saddr_count;	/* 1..2^32 (kscan_probe_saddr_count) */
	u32 *saddr_list;		/* owned; NULL: the range */
	u16 sport_first;
	u32 sport_count;
	u32 probes;
};

struct kscan_reply {
	struct kscan_parsed pkt;	/* MACs of the frame, IPv4, TCP */
	bool vlan;
	u16 vlan_proto;			/* 0x8100 or 0x88a8 */
	u16 vlan_tci;
	u64 target;	/* ip_index * nr_ports + port_index: dedup's bit */
	u32 probe;	/* the probe answered */
};

/*
 * The validator of a scan. @intervals (sorted, disjoint) and @ports
 * (sorted, distinct) must outlive it. Returns 0, or -1 when the target
 * space is invalid or memory is short.
 */
int kscan_validator_init(struct kscan_validator *v,
			 const struct kscan_interval *intervals,
			 u32 nr_intervals, const u16 *ports, u32 nr_ports,
			 const u8 key[KSCAN_KEY_LEN], u32 saddr_first,
			 u32 saddr_last, u16 sport_first, u16 sport_last,
			 u32 probes);
void kscan_validator_free(struct kscan_validator *v);

/*
 * The scan's sources are @list (1..KSCAN_MAX_SADDRS addresses, copied) in
 * place of the range given to kscan_validator_init(). Returns 0, or -1
 * for a bad count or when memory is short.
 */
int kscan_validator_set_saddr_list(struct kscan_validator *v,
				   const u32 *list, u32 n);

/* Judge one frame; @r is filled as far as it was parsed. */
enum kscan_verdict kscan_validate(const struct kscan_validator *v,
				  const u8 *frame, size_t len,
				  struct kscan_reply *r);

/* "synack", "malformed", "cookie", ... */
const char *kscan_verdict_name(enum kscan_verdict v);

#endif /* KSCANCTL_VALIDATE_H */
