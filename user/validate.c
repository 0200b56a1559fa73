// SPDX-License-Identifier: GPL-2.0
/*
 * Reply validation (see validate.h).
 */
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/kscan.h>

#include "validate.h"

#define KSCAN_ETH_P_8021Q 0x8100
#define KSCAN_ETH_P_8021AD 0x88a8
#define KSCAN_VLAN_HLEN 4

int kscan_validator_init(struct kscan_validator *v,
			 const struct kscan_interval *intervals,
			 u32 nr_intervals, const u16 *ports, u32 nr_ports,
			 const u8 key[KSCAN_KEY_LEN], u32 saddr_first,
			 u32 saddr_last, u16 sport_first, u16 sport_last,
			 u32 probes)
{
	memset(v, 0, sizeof(*v));
	v->prefix = calloc(nr_intervals ? nr_intervals : 1, sizeof(*v->prefix));
	if (!v->prefix)
		return -1;
	if (kscan_target_init(&v->ts, intervals, v->prefix, nr_intervals,
			      ports, nr_ports, probes)) {
		kscan_validator_free(v);
		return -1;
	}
	kscan_key_from_bytes(&v->key, key);
	v->saddr_first = saddr_first;
	v->saddr_count = kscan_probe_saddr_count(saddr_first, saddr_last);
	v->sport_first = sport_first;
	v->sport_count = (u32)sport_last - sport_first + 1;
	v->probes = probes;
	return 0;
}

int kscan_validator_set_saddr_list(struct kscan_validator *v,
				   const u32 *list, u32 n)
{
	u32 *copy;

	if (!n || n > KSCAN_MAX_SADDRS)
		return -1;
	copy = malloc(n * sizeof(*copy));
	if (!copy)
		return -1;
	memcpy(copy, list, n * sizeof(*copy));
	free(v->saddr_list);
	v->saddr_list = copy;
	v->saddr_first = list[0];
	v->saddr_count = n;
	return 0;
}

void kscan_validator_free(struct kscan_validator *v)
{
	free(v->prefix);
	free(v->saddr_list);
	memset(v, 0, sizeof(*v));
}

static bool kscan_is_vlan(u16 proto)
{
	return proto == KSCAN_ETH_P_8021Q || proto == KSCAN_ETH_P_8021AD;
}

/* Index of @addr among the target addresses, or -1. */
static s64 kscan_target_ip_index(const struct kscan_target_space *ts,
				 u32 addr)
{
	u32 lo = 0, hi = ts->nr_intervals;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (addr < ts->intervals[mid].first)
			hi = mid;
		else if (addr > ts->intervals[mid].last)
			lo = mid + 1;
		else
			return (s64)(ts->prefix[mid] +
				     (addr - ts->intervals[mid].first));
	}
	return -1;
}

static s64 kscan_target_port_index(const struct kscan_target_space *ts,
				   u16 port)
{
	u32 lo = 0, hi = ts->nr_ports;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (port < ts->ports[mid])
			hi = mid;
		else if (port > ts->ports[mid])
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

enum kscan_verdict kscan_validate(const struct kscan_validator *v,
				  const u8 *frame, size_t len,
				  struct kscan_reply *r)
{
	struct kscan_parsed *pkt = &r->pkt;
	s64 ip_index, port_index;
	u8 flags;
	int probe;

	r->vlan = false;
	r->vlan_proto = 0;
	r->vlan_tci = 0;
	if (len >= KSCAN_ETH_HLEN + KSCAN_VLAN_HLEN &&
	    kscan_is_vlan(kscan_get_be16(frame + 12))) {
		if (kscan_is_vlan(kscan_get_be16(frame + 16)))
			return KSCAN_V_VLAN;
		r->vlan = true;
		r->vlan_proto = kscan_get_be16(frame + 12);
		r->vlan_tci = kscan_get_be16(frame + 14);
		/* Parse past the tag: the parser then reads the inner
		 * ethertype at its usual offset; the MACs are taken from
		 * the real header below.
		 */
		if (kscan_syn_parse(frame + KSCAN_VLAN_HLEN,
				    len - KSCAN_VLAN_HLEN, pkt, 0))
			return KSCAN_V_MALFORMED;
		memcpy(pkt->dst_mac, frame, 6);
		memcpy(pkt->src_mac, frame + 6, 6);
	} else if (kscan_syn_parse(frame, len, pkt, 0)) {
		return KSCAN_V_MALFORMED;
	}

	flags = pkt->flags & (KSCAN_TCP_SYN | KSCAN_TCP_ACK | KSCAN_TCP_RST);
	if (flags != (KSCAN_TCP_SYN | KSCAN_TCP_ACK) && !(flags & KSCAN_TCP_RST))
		return KSCAN_V_FLAGS;

	ip_index = kscan_target_ip_index(&v->ts, pkt->saddr);
	if (ip_index < 0)
		return KSCAN_V_NOT_TARGET;
	port_index = kscan_target_port_index(&v->ts, pkt->sport);
	if (port_index < 0)
		return KSCAN_V_NOT_PORT;

	/* The reply goes from the target to the source our probe used. */
	if (pkt->daddr != kscan_probe_saddr(v->saddr_first, v->saddr_count,
					    v->saddr_list, pkt->saddr))
		return KSCAN_V_COOKIE;
	probe = kscan_cookie_check(&v->key, pkt->daddr, pkt->saddr, pkt->dport,
				   pkt->sport, pkt->ack, v->sport_first,
				   v->sport_count, v->probes);
	if (probe < 0)
		return KSCAN_V_COOKIE;

	r->probe = (u32)probe;
	r->target = (u64)ip_index * v->ts.nr_ports + (u64)port_index;
	return flags & KSCAN_TCP_RST ? KSCAN_V_RST : KSCAN_V_SYNACK;
}

const char *kscan_verdict_name(enum kscan_verdict v)
{
	static const char *const names[__KSCAN_V_MAX] = {
		[KSCAN_V_SYNACK] = "synack",
		[KSCAN_V_RST] = "rst",
		[KSCAN_V_MALFORMED] = "malformed",
		[KSCAN_V_VLAN] = "vlan",
		[KSCAN_V_FLAGS] = "flags",
		[KSCAN_V_NOT_TARGET] = "not_target",
		[KSCAN_V_NOT_PORT] = "not_port",
		[KSCAN_V_COOKIE] = "cookie",
	};

	return (unsigned int)v < __KSCAN_V_MAX ? names[v] : "unknown";
}
