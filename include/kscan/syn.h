/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The SYN probe: Ethernet (no VLAN) + IPv4 (20 bytes, DF) + TCP SYN with an
 * option profile (enum kscan_tcp_options):
 *
 *   NONE   20-byte TCP header
 *   MSS    MSS 1460
 *   LINUX  MSS 1460, SACK-permitted, timestamps (TSval given, TSecr 0),
 *          NOP, window scale 7: the bytes and order of a Linux SYN
 *
 * A template holds the constant bytes (MACs, TTL, window, options...) and
 * the partial one's-complement sums of its constant words. Per packet only
 * saddr, daddr, sport, dport, seq, IP id (and TSval for LINUX) are written
 * and both checksums are finished from those sums: no pass over the frame.
 *
 * Frame layout (offsets from the start of the Ethernet header):
 *   0 dst MAC, 6 src MAC, 12 ethertype 0x0800
 *   14 IPv4: 18 id, 24 check, 26 saddr, 30 daddr
 *   34 TCP: 34 sport, 36 dport, 38 seq, 50 check, 54 options (62 TSval)
 *
 * Frames are not padded to the 60-byte Ethernet minimum: the IPv4 total
 * length delimits the packet and drivers pad short frames.
 *
 * kscan_syn_parse() is the reverse, for validators and tests: it accepts
 * any well-formed Ethernet/IPv4/TCP frame, IP options included.
 */
#ifndef KSCAN_SYN_H
#define KSCAN_SYN_H

#include "types.h"
#include "csum.h"
#include "../uapi/linux/kscan.h"

#define KSCAN_ETH_HLEN 14
#define KSCAN_ETH_P_IP 0x0800
#define KSCAN_IPV4_HLEN 20
#define KSCAN_TCP_HLEN 20
#define KSCAN_IPPROTO_TCP 6

#define KSCAN_SYN_IP_OFF KSCAN_ETH_HLEN				/* 14 */
#define KSCAN_SYN_TCP_OFF (KSCAN_ETH_HLEN + KSCAN_IPV4_HLEN)	/* 34 */
/* Offset of the checksum in the TCP header: skb->csum_offset. */
#define KSCAN_TCP_CHECK_OFF 16
#define KSCAN_SYN_OPTS_MAX 20
#define KSCAN_SYN_FRAME_MAX (KSCAN_SYN_TCP_OFF + KSCAN_TCP_HLEN + \
			     KSCAN_SYN_OPTS_MAX)		/* 74 */

#define KSCAN_SYN_MSS 1460
#define KSCAN_SYN_WSCALE 7

/* TCP option kinds (RFC 9293, 2018, 7323). */
#define KSCAN_TCPOPT_EOL 0
#define KSCAN_TCPOPT_NOP 1
#define KSCAN_TCPOPT_MSS 2
#define KSCAN_TCPOPT_WSCALE 3
#define KSCAN_TCPOPT_SACK_PERM 4
#define KSCAN_TCPOPT_TIMESTAMP 8

/* TCP flags (byte 13 of the header). */
#define KSCAN_TCP_FIN 0x01
#define KSCAN_TCP_SYN 0x02
#define KSCAN_TCP_RST 0x04
#define KSCAN_TCP_PSH 0x08
#define KSCAN_TCP_ACK 0x10

/* Constant part of every probe of a scan. */
struct kscan_syn_params {
	u8 src_mac[6];
	u8 dst_mac[6];
	u8 ttl;
	u16 window;
	u32 options;	/* enum kscan_tcp_options */
};

/* What changes from one probe to the next; addresses are host-numeric. */
struct kscan_syn_fields {
	u32 saddr;
	u32 daddr;
	u16 sport;
	u16 dport;
	u32 seq;
	u32 tsval;	/* KSCAN_TCP_OPT_LINUX only */
	u16 ip_id;
};

struct kscan_syn_template {
	u8 frame[KSCAN_SYN_FRAME_MAX];	/* per-packet fields zero */
	u16 len;			/* frame length */
	u16 tcp_len;			/* TCP header = segment length */
	u32 options;
	u32 ip_sum;	/* constant IPv4 header words */
	u32 tcp_sum;	/* constant TCP words + pseudo-header proto, length */
	u32 pseudo_sum;	/* pseudo-header proto + length */
};

enum kscan_syn_csum {
	KSCAN_SYN_CSUM_FULL,	/* TCP checksum computed here */
	/*
	 * CHECKSUM_PARTIAL: the TCP check field holds the folded, not
	 * complemented, pseudo-header sum (~csum_tcpudp_magic(saddr, daddr,
	 * len, IPPROTO_TCP, 0)); the device adds the segment and complements.
	 */
	KSCAN_SYN_CSUM_PSEUDO,
};

static inline u32 kscan_syn_sum32(u32 v)
{
	return (v >> 16) + (v & 0xffff);
}

/* Returns 0, or -1 for an unknown option profile. */
static inline int kscan_syn_template_init(struct kscan_syn_template *tpl,
					  const struct kscan_syn_params *par)
{
	u8 *f = tpl->frame, *ip = f + KSCAN_SYN_IP_OFF;
	u8 *tcp = f + KSCAN_SYN_TCP_OFF, *opt = tcp + KSCAN_TCP_HLEN;
	u16 opts_len;

	switch (par->options) {
	case KSCAN_TCP_OPT_NONE:
		opts_len = 0;
		break;
	case KSCAN_TCP_OPT_MSS:
		opts_len = 4;
		break;
	case KSCAN_TCP_OPT_LINUX:
		opts_len = 20;
		break;
	default:
		return -1;
	}
	__builtin_memset(tpl, 0, sizeof(*tpl));
	tpl->options = par->options;
	tpl->tcp_len = KSCAN_TCP_HLEN + opts_len;
	tpl->len = KSCAN_SYN_TCP_OFF + tpl->tcp_len;

	__builtin_memcpy(f, par->dst_mac, 6);
	__builtin_memcpy(f + 6, par->src_mac, 6);
	kscan_put_be16(f + 12, KSCAN_ETH_P_IP);

	ip[0] = 0x45;				/* version 4, IHL 5 */
	kscan_put_be16(ip + 2, KSCAN_IPV4_HLEN + tpl->tcp_len);
	kscan_put_be16(ip + 6, 0x4000);		/* DF, offset 0 */
	ip[8] = par->ttl;
	ip[9] = KSCAN_IPPROTO_TCP;

	tcp[12] = (u8)(tpl->tcp_len / 4) << 4;	/* data offset */
	tcp[13] = KSCAN_TCP_SYN;
	kscan_put_be16(tcp + 14, par->window);

	if (opts_len) {
		opt[0] = KSCAN_TCPOPT_MSS;
		opt[1] = 4;
		kscan_put_be16(opt + 2, KSCAN_SYN_MSS);
	}
	if (opts_len == 20) {
		opt[4] = KSCAN_TCPOPT_SACK_PERM;
		opt[5] = 2;
		opt[6] = KSCAN_TCPOPT_TIMESTAMP;
		opt[7] = 10;
		/* TSval at opt + 8 per packet, TSecr (opt + 12) stays 0 */
		opt[16] = KSCAN_TCPOPT_NOP;
		opt[17] = KSCAN_TCPOPT_WSCALE;
		opt[18] = 3;
		opt[19] = KSCAN_SYN_WSCALE;
	}

	/* Variable fields and checksums are zero here, so these sums hold
	 * exactly the constant words.
	 */
	tpl->ip_sum = kscan_csum_add(0, ip, KSCAN_IPV4_HLEN);
	tpl->pseudo_sum = KSCAN_IPPROTO_TCP + tpl->tcp_len;
	tpl->tcp_sum = kscan_csum_add(tpl->pseudo_sum, tcp, tpl->tcp_len);
	return 0;
}

/* Write the template's bytes (once per buffer; kscan_syn_patch() after). */
static inline void kscan_syn_copy(const struct kscan_syn_template *tpl,
				  u8 *frame)
{
	__builtin_memcpy(frame, tpl->frame, tpl->len);
}

/*
 * Write the per-packet fields and checksums into @frame, which holds the
 * template's bytes. Only those fields are written, so a buffer is copied
 * once and patched for every packet after. Every sum stays below 2^20.
 */
static inline void kscan_syn_patch(const struct kscan_syn_template *tpl,
				   u8 *frame, const struct kscan_syn_fields *fl,
				   enum kscan_syn_csum mode)
{
	u8 *ip = frame + KSCAN_SYN_IP_OFF, *tcp = frame + KSCAN_SYN_TCP_OFF;
	u32 addr_sum = kscan_syn_sum32(fl->saddr) + kscan_syn_sum32(fl->daddr);
	u32 sum;

	kscan_put_be16(ip + 4, fl->ip_id);
	kscan_put_be32(ip + 12, fl->saddr);
	kscan_put_be32(ip + 16, fl->daddr);
	sum = tpl->ip_sum + fl->ip_id + addr_sum;
	kscan_put_be16(ip + 10, (u16)~kscan_csum_fold(sum));

	kscan_put_be16(tcp, fl->sport);
	kscan_put_be16(tcp + 2, fl->dport);
	kscan_put_be32(tcp + 4, fl->seq);
	if (tpl->options == KSCAN_TCP_OPT_LINUX)
		kscan_put_be32(tcp + KSCAN_TCP_HLEN + 8, fl->tsval);

	if (mode == KSCAN_SYN_CSUM_PSEUDO) {
		sum = tpl->pseudo_sum + addr_sum;
		kscan_put_be16(tcp + KSCAN_TCP_CHECK_OFF, kscan_csum_fold(sum));
		return;
	}
	sum = tpl->tcp_sum + addr_sum + fl->sport + fl->dport +
	      kscan_syn_sum32(fl->seq);
	if (tpl->options == KSCAN_TCP_OPT_LINUX)
		sum += kscan_syn_sum32(fl->tsval);
	kscan_put_be16(tcp + KSCAN_TCP_CHECK_OFF, (u16)~kscan_csum_fold(sum));
}

/* Copy and patch: a complete probe in @frame (tpl->len bytes). */
static inline void kscan_syn_build(const struct kscan_syn_template *tpl,
				   u8 *frame, const struct kscan_syn_fields *fl,
				   enum kscan_syn_csum mode)
{
	kscan_syn_copy(tpl, frame);
	kscan_syn_patch(tpl, frame, fl, mode);
}

/* ---- parsing ---- */

/* Why kscan_syn_parse() refused a frame (returned negated). */
enum kscan_parse_err {
	KSCAN_PARSE_OK,
	KSCAN_PARSE_E_TRUNCATED,	/* shorter than a header says */
	KSCAN_PARSE_E_ETHERTYPE,	/* not IPv4 (VLAN tags included) */
	KSCAN_PARSE_E_VERSION,
	KSCAN_PARSE_E_IHL,		/* IHL < 5 */
	KSCAN_PARSE_E_TOT_LEN,		/* total length < IHL + 20 */
	KSCAN_PARSE_E_FRAGMENT,		/* MF or offset set */
	KSCAN_PARSE_E_PROTOCOL,		/* not TCP */
	KSCAN_PARSE_E_DOFF,		/* data offset < 5 or past the end */
	KSCAN_PARSE_E_IP_CSUM,
	KSCAN_PARSE_E_TCP_CSUM,
	__KSCAN_PARSE_E_MAX
};

/* kscan_syn_parse() flags */
#define KSCAN_PARSE_VERIFY_IP_CSUM 0x1
#define KSCAN_PARSE_VERIFY_TCP_CSUM 0x2

/* struct kscan_parsed.opt_present */
#define KSCAN_PARSED_OPT_MSS 0x1
#define KSCAN_PARSED_OPT_WSCALE 0x2
#define KSCAN_PARSED_OPT_SACK_PERM 0x4
#define KSCAN_PARSED_OPT_TIMESTAMP 0x8
/* malformed option list, parsed up to the fault */
#define KSCAN_PARSED_OPT_BAD 0x80

struct kscan_parsed {
	u8 dst_mac[6];
	u8 src_mac[6];
	/* IPv4 */
	u8 ihl;		/* header length in bytes */
	u8 tos;
	u8 ttl;
	u8 protocol;
	u16 tot_len;
	u16 ip_id;
	u16 frag;	/* flags and fragment offset */
	u16 ip_check;
	u32 saddr;
	u32 daddr;
	/* TCP */
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack;
	u8 doff;	/* header length in bytes */
	u8 flags;
	u16 window;
	u16 tcp_check;
	u16 urg;
	u16 payload_len;
	/* TCP options seen */
	u8 opt_present;
	u8 wscale;
	u16 mss;
	u32 tsval;
	u32 tsecr;
	/* into the frame */
	const u8 *ip;
	const u8 *tcp;
	const u8 *payload;
};

static inline void kscan_syn_parse_opts(struct kscan_parsed *pkt)
{
	const u8 *t = pkt->tcp;
	u32 i = KSCAN_TCP_HLEN, olen;

	while (i < pkt->doff) {
		u8 kind = t[i];

		if (kind == KSCAN_TCPOPT_EOL)
			return;
		if (kind == KSCAN_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= pkt->doff)
			goto bad;
		olen = t[i + 1];
		if (olen < 2 || i + olen > pkt->doff)
			goto bad;
		switch (kind) {
		case KSCAN_TCPOPT_MSS:
			if (olen != 4)
				goto bad;
			pkt->mss = kscan_get_be16(t + i + 2);
			pkt->opt_present |= KSCAN_PARSED_OPT_MSS;
			break;
		case KSCAN_TCPOPT_WSCALE:
			if (olen != 3)
				goto bad;
			pkt->wscale = t[i + 2];
			pkt->opt_present |= KSCAN_PARSED_OPT_WSCALE;
			break;
		case KSCAN_TCPOPT_SACK_PERM:
			if (olen != 2)
				goto bad;
			pkt->opt_present |= KSCAN_PARSED_OPT_SACK_PERM;
			break;
		case KSCAN_TCPOPT_TIMESTAMP:
			if (olen != 10)
				goto bad;
			pkt->tsval = kscan_get_be32(t + i + 2);
			pkt->tsecr = kscan_get_be32(t + i + 6);
			pkt->opt_present |= KSCAN_PARSED_OPT_TIMESTAMP;
			break;
		}
		i += olen;
	}
	return;
bad:
	/* A reply with odd options is still a reply: flag, don't refuse. */
	pkt->opt_present |= KSCAN_PARSED_OPT_BAD;
}

/*
 * Parse an Ethernet/IPv4/TCP frame of @len bytes (trailing Ethernet padding
 * beyond the IPv4 total length is ignored). @flags: KSCAN_PARSE_VERIFY_*.
 * Returns 0 or -enum kscan_parse_err; @pkt is filled as far as parsed.
 */
static inline int kscan_syn_parse(const u8 *frame, size_t len,
				  struct kscan_parsed *pkt, unsigned int flags)
{
	const u8 *ip = frame + KSCAN_ETH_HLEN, *tcp;
	u32 seg_len;

	__builtin_memset(pkt, 0, sizeof(*pkt));
	if (len < KSCAN_ETH_HLEN + KSCAN_IPV4_HLEN)
		return -KSCAN_PARSE_E_TRUNCATED;
	__builtin_memcpy(pkt->dst_mac, frame, 6);
	__builtin_memcpy(pkt->src_mac, frame + 6, 6);
	if (kscan_get_be16(frame + 12) != KSCAN_ETH_P_IP)
		return -KSCAN_PARSE_E_ETHERTYPE;

	pkt->ip = ip;
	if (ip[0] >> 4 != 4)
		return -KSCAN_PARSE_E_VERSION;
	pkt->ihl = (ip[0] & 0xf) * 4;
	if (pkt->ihl < KSCAN_IPV4_HLEN)
		return -KSCAN_PARSE_E_IHL;
	pkt->tos = ip[1];
	pkt->tot_len = kscan_get_be16(ip + 2);
	pkt->ip_id = kscan_get_be16(ip + 4);
	pkt->frag = kscan_get_be16(ip + 6);
	pkt->ttl = ip[8];
	pkt->protocol = ip[9];
	pkt->ip_check = kscan_get_be16(ip + 10);
	pkt->saddr = kscan_get_be32(ip + 12);
	pkt->daddr = kscan_get_be32(ip + 16);
	if (len < KSCAN_ETH_HLEN + (size_t)pkt->ihl)
		return -KSCAN_PARSE_E_TRUNCATED;
	if (pkt->tot_len < pkt->ihl + KSCAN_TCP_HLEN)
		return -KSCAN_PARSE_E_TOT_LEN;
	if (len < KSCAN_ETH_HLEN + (size_t)pkt->tot_len)
		return -KSCAN_PARSE_E_TRUNCATED;
	if ((flags & KSCAN_PARSE_VERIFY_IP_CSUM) &&
	    kscan_ipv4_csum(ip, pkt->ihl))
		return -KSCAN_PARSE_E_IP_CSUM;
	if (pkt->frag & 0x3fff)
		return -KSCAN_PARSE_E_FRAGMENT;
	if (pkt->protocol != KSCAN_IPPROTO_TCP)
		return -KSCAN_PARSE_E_PROTOCOL;

	tcp = ip + pkt->ihl;
	seg_len = pkt->tot_len - pkt->ihl;
	pkt->tcp = tcp;
	pkt->sport = kscan_get_be16(tcp);
	pkt->dport = kscan_get_be16(tcp + 2);
	pkt->seq = kscan_get_be32(tcp + 4);
	pkt->ack = kscan_get_be32(tcp + 8);
	pkt->doff = (tcp[12] >> 4) * 4;
	pkt->flags = tcp[13];
	pkt->window = kscan_get_be16(tcp + 14);
	pkt->tcp_check = kscan_get_be16(tcp + 16);
	pkt->urg = kscan_get_be16(tcp + 18);
	if (pkt->doff < KSCAN_TCP_HLEN || pkt->doff > seg_len)
		return -KSCAN_PARSE_E_DOFF;
	pkt->payload = tcp + pkt->doff;
	pkt->payload_len = (u16)(seg_len - pkt->doff);
	if ((flags & KSCAN_PARSE_VERIFY_TCP_CSUM) &&
	    kscan_tcp_csum(pkt->saddr, pkt->daddr, tcp, (u16)seg_len))
		return -KSCAN_PARSE_E_TCP_CSUM;
	kscan_syn_parse_opts(pkt);
	return 0;
}

#endif /* KSCAN_SYN_H */
