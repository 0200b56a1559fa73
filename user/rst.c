// SPDX-License-Identifier: GPL-2.0
/*
 * RST frames (see rst.h).
 */
#include <string.h>

#include "kscan/csum.h"

#include "rst.h"

#define KSCAN_RST_TTL 64

size_t kscan_rst_build(const struct kscan_reply *r,
		       u8 frame[KSCAN_RST_FRAME_MAX])
{
	const struct kscan_parsed *pkt = &r->pkt;
	size_t l2 = KSCAN_ETH_HLEN;
	u8 *ip, *tcp;

	memset(frame, 0, KSCAN_RST_FRAME_MAX);
	memcpy(frame, pkt->src_mac, 6);
	memcpy(frame + 6, pkt->dst_mac, 6);
	if (r->vlan) {
		kscan_put_be16(frame + 12, r->vlan_proto);
		kscan_put_be16(frame + 14, r->vlan_tci);
		l2 += 4;
	}
	kscan_put_be16(frame + l2 - 2, KSCAN_ETH_P_IP);

	ip = frame + l2;
	ip[0] = 0x45;
	kscan_put_be16(ip + 2, KSCAN_IPV4_HLEN + KSCAN_TCP_HLEN);
	kscan_put_be16(ip + 6, 0x4000);		/* DF */
	ip[8] = KSCAN_RST_TTL;
	ip[9] = KSCAN_IPPROTO_TCP;
	kscan_put_be32(ip + 12, pkt->daddr);
	kscan_put_be32(ip + 16, pkt->saddr);
	kscan_put_be16(ip + 10, kscan_ipv4_csum(ip, KSCAN_IPV4_HLEN));

	tcp = ip + KSCAN_IPV4_HLEN;
	kscan_put_be16(tcp, pkt->dport);
	kscan_put_be16(tcp + 2, pkt->sport);
	kscan_put_be32(tcp + 4, pkt->ack);
	tcp[12] = (KSCAN_TCP_HLEN / 4) << 4;
	tcp[13] = KSCAN_TCP_RST;
	kscan_put_be16(tcp + KSCAN_TCP_CHECK_OFF,
		       kscan_tcp_csum(pkt->daddr, pkt->saddr, tcp,
				      KSCAN_TCP_HLEN));
	return l2 + KSCAN_IPV4_HLEN + KSCAN_TCP_HLEN;
}
