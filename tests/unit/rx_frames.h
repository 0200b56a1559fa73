/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafted frames for the receive filters' tests (test_rx_cbpf.c runs the
 * classic BPF filter, test_rx_xdp.c the XDP program): one table, so both
 * filters are held to the same decisions. The port range is
 * RX_FIRST..RX_LAST; "ours" means the classic filter must take the frame
 * (ports, flags and headers). The XDP program also checks the cookie
 * (include/kscan/cookie.h) with the key, range and probes of a struct
 * rx_cookie (RX_COOKIE by default): every frame carries a valid one unless
 * its case says otherwise, and the XDP program must take exactly the ones
 * that are ours with a valid cookie (rx_xdp_ours).
 */
#ifndef KSCAN_TEST_RX_FRAMES_H
#define KSCAN_TEST_RX_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kscan/cookie.h"

#define RX_FIRST 40000
#define RX_LAST 40999
#define RX_PROBES 3

/* The scan a frame answers: what the XDP program is loaded with. */
struct rx_cookie {
	uint8_t key[KSCAN_KEY_LEN];
	uint16_t first, last;
	uint32_t probes;
};

static const struct rx_cookie RX_COOKIE = {
	.key = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff },
	.first = RX_FIRST,
	.last = RX_LAST,
	.probes = RX_PROBES,
};

/* The cookie a frame carries. */
enum rx_cookie_kind {
	RX_VALID, /* ack == seq + 1, to one of the target's probe ports */
	RX_BAD_ACK, /* ack == seq + 2, to a probe port */
	RX_ACK_SEQ, /* ack == seq (a reply without the + 1) */
	RX_PROBE_OUT, /* ack == seq + 1, to the port of probe -P */
};

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10
#define F_ECE 0x40

struct rx_case {
	const char *name;
	uint16_t tag1, tag2; /* VLAN TPIDs, 0 for none */
	uint16_t ethertype; /* 0: IPv4 */
	uint8_t version; /* 0: 4 */
	uint8_t ihl; /* 0: 5 */
	uint8_t proto; /* 0: TCP */
	uint16_t frag_off; /* flags and offset, host order */
	uint16_t dport;
	uint8_t flags;
	int tcp_len; /* bytes of TCP header present; 0: 20 */
	bool ours;
	enum rx_cookie_kind cookie;
};

static const struct rx_case rx_cases[] = {
	{ "SYN+ACK to the first port", .dport = 40000, .flags = F_SYN | F_ACK,
	  .ours = true },
	{ "RST to the last port", .dport = 40999, .flags = F_RST,
	  .ours = true },
	{ "RST+ACK", .dport = 40500, .flags = F_RST | F_ACK, .ours = true },
	{ "SYN+ACK+ECE", .dport = 40001, .flags = F_SYN | F_ACK | F_ECE,
	  .ours = true },
	{ "SYN alone", .dport = 40000, .flags = F_SYN },
	{ "ACK alone", .dport = 40000, .flags = F_ACK },
	{ "FIN+ACK", .dport = 40000, .flags = F_FIN | F_ACK },
	{ "PSH+ACK", .dport = 40000, .flags = F_PSH | F_ACK },
	{ "no flags", .dport = 40000, .flags = 0 },
	{ "SYN+ACK below the range", .dport = 39999, .flags = F_SYN | F_ACK },
	{ "RST above the range", .dport = 41000, .flags = F_RST },
	{ "SYN+ACK to port 22", .dport = 22, .flags = F_SYN | F_ACK },
	{ "IPv4 options (IHL 6)", .ihl = 6, .dport = 40000,
	  .flags = F_SYN | F_ACK, .ours = true },
	{ "IPv4 options (IHL 15)", .ihl = 15, .dport = 40998, .flags = F_RST,
	  .ours = true },
	{ "IHL 4", .ihl = 4, .dport = 40000, .flags = F_SYN | F_ACK },
	{ "IP version 6 in an IPv4 frame", .version = 6, .dport = 40000,
	  .flags = F_RST },
	{ "802.1Q tag", .tag1 = 0x8100, .dport = 40000, .flags = F_SYN | F_ACK,
	  .ours = true },
	{ "802.1ad tag", .tag1 = 0x88a8, .dport = 40000, .flags = F_RST,
	  .ours = true },
	{ "two tags (QinQ)", .tag1 = 0x88a8, .tag2 = 0x8100, .dport = 40000,
	  .flags = F_RST },
	{ "UDP", .proto = 17, .dport = 40000, .flags = F_SYN | F_ACK },
	{ "ICMP", .proto = 1, .dport = 40000, .flags = F_RST },
	{ "IPv6 EtherType", .ethertype = 0x86dd, .dport = 40000,
	  .flags = F_RST },
	{ "ARP EtherType", .ethertype = 0x0806, .dport = 40000,
	  .flags = F_RST },
	{ "DF set", .frag_off = 0x4000, .dport = 40000, .flags = F_SYN | F_ACK,
	  .ours = true },
	{ "first fragment (MF)", .frag_off = 0x2000, .dport = 40000,
	  .flags = F_SYN | F_ACK },
	{ "later fragment", .frag_off = 0x0001, .dport = 40000,
	  .flags = F_RST },
	{ "TCP header cut at 19 bytes", .tcp_len = 19, .dport = 40000,
	  .flags = F_RST },
	{ "TCP header cut at 14 bytes", .tcp_len = 14, .dport = 40000,
	  .flags = F_RST },
	{ "IPv4 header only", .tcp_len = -1, .dport = 40000, .flags = F_RST },
	/* Ours for the classic filter; the XDP program checks the cookie. */
	{ "SYN+ACK with a wrong ack", .dport = 40000, .flags = F_SYN | F_ACK,
	  .ours = true, .cookie = RX_BAD_ACK },
	{ "RST+ACK with a wrong ack", .dport = 40999, .flags = F_RST | F_ACK,
	  .ours = true, .cookie = RX_BAD_ACK },
	{ "SYN+ACK acking seq, not seq + 1", .dport = 40321,
	  .flags = F_SYN | F_ACK, .ours = true, .cookie = RX_ACK_SEQ },
	{ "SYN+ACK to the port of probe -P", .dport = 40000,
	  .flags = F_SYN | F_ACK, .ours = true, .cookie = RX_PROBE_OUT },
	{ "RST to the port of probe -P", .dport = 40777, .flags = F_RST,
	  .ours = true, .cookie = RX_PROBE_OUT },
	{ "SYN+ACK with a wrong ack, 802.1Q", .tag1 = 0x8100, .dport = 40002,
	  .flags = F_SYN | F_ACK, .ours = true, .cookie = RX_BAD_ACK },
	{ "SYN+ACK with a wrong ack, IHL 7", .ihl = 7, .dport = 40003,
	  .flags = F_SYN | F_ACK, .ours = true, .cookie = RX_BAD_ACK },
};

/* Does the XDP program take @c's frame? */
static inline bool rx_xdp_ours(const struct rx_case *c)
{
	return c->ours && c->cookie == RX_VALID;
}

#define RX_NCASES (sizeof(rx_cases) / sizeof(rx_cases[0]))
#define RX_FRAME_MAX 160

static inline void rx_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void rx_put32(uint8_t *p, uint32_t v)
{
	rx_put16(p, v >> 16);
	rx_put16(p + 2, v & 0xffff);
}

#define RX_US 0xc6120001u /* 198.18.0.1: the scanner */
#define RX_TARGET 0xc6120107u /* 198.18.1.7, and on */

/*
 * A target (address from RX_TARGET, port from 443) for which @c->dport is
 * a probe port of the scan @k (RX_PROBE_OUT: the port of probe number
 * probes, the first one past them; @k has more ports than probes),
 * and the ack @c->cookie asks for. A port outside @k's range takes the
 * first target.
 */
static inline void rx_cookie_find(const struct rx_case *c,
				  const struct rx_cookie *k, uint32_t *target,
				  uint16_t *tport, uint32_t *ack)
{
	uint32_t count = (uint32_t)k->last - k->first + 1, i, offset;
	bool in = c->dport >= k->first && c->dport <= k->last;
	struct kscan_key key;
	uint64_t h = 0;

	kscan_key_from_bytes(&key, k->key);
	for (i = 0; i < (1u << 24); i++) {
		*target = RX_TARGET + (i >> 16);
		*tport = (uint16_t)(443 + i);
		if (!*tport)
			continue;
		h = kscan_cookie_hash(&key, RX_US, *target, k->first, *tport);
		if (!in)
			break;
		offset = (c->dport - k->first + count -
			  (uint32_t)(h >> 32) % count) %
			 count;
		if (c->cookie == RX_PROBE_OUT ? offset == k->probes :
						offset < k->probes)
			break;
	}
	*ack = kscan_cookie_seq(h) + 1;
	if (c->cookie == RX_BAD_ACK)
		*ack += 1;
	else if (c->cookie == RX_ACK_SEQ)
		*ack -= 1;
}

/*
 * The frame of @c, a reply to the scan @k, into @buf (RX_FRAME_MAX);
 * returns its length.
 */
static inline size_t rx_frame_cookie(const struct rx_case *c,
				     const struct rx_cookie *k, uint8_t *buf)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 1,
					  0x02, 0, 0, 0, 0, 2 };
	unsigned int ihl = c->ihl ? c->ihl : 5;
	size_t n = 0, ip, tcp_len;
	uint32_t target, ack;
	uint16_t tport;
	uint8_t *th;

	rx_cookie_find(c, k, &target, &tport, &ack);

	memset(buf, 0, RX_FRAME_MAX);
	memcpy(buf, macs, 12);
	n = 12;
	if (c->tag1) {
		rx_put16(buf + n, c->tag1);
		rx_put16(buf + n + 2, 100);
		n += 4;
	}
	if (c->tag2) {
		rx_put16(buf + n, c->tag2);
		rx_put16(buf + n + 2, 200);
		n += 4;
	}
	rx_put16(buf + n, c->ethertype ? c->ethertype : 0x0800);
	n += 2;

	ip = n;
	buf[ip] = (uint8_t)((c->version ? c->version : 4) << 4) | ihl;
	buf[ip + 8] = 64;
	buf[ip + 9] = c->proto ? c->proto : 6;
	rx_put16(buf + ip + 6, c->frag_off);
	rx_put32(buf + ip + 12, target);
	rx_put32(buf + ip + 16, RX_US);
	/* Options: NOPs, so even a bad IHL leaves recognisable bytes. */
	memset(buf + ip + 20, 1, ihl > 5 ? (ihl - 5) * 4 : 0);
	/*
	 * The TCP header where IHL says, even inside a too-short IPv4
	 * header: the IHL check alone must refuse such a frame.
	 */
	n = ip + ihl * 4;

	th = buf + n;
	rx_put16(th, tport);
	rx_put16(th + 2, c->dport);
	rx_put32(th + 4, 0x5eed0000u + c->dport); /* the target's ISN */
	rx_put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = c->flags;
	rx_put16(th + 14, 64240);
	tcp_len = c->tcp_len < 0 ? 0 : c->tcp_len ? (size_t)c->tcp_len : 20;
	n += tcp_len;
	rx_put16(buf + ip + 2, (uint16_t)(n - ip));
	return n;
}

/* The frame of @c, a reply to the scan RX_COOKIE. */
static inline size_t rx_frame(const struct rx_case *c, uint8_t *buf)
{
	return rx_frame_cookie(c, &RX_COOKIE, buf);
}

#endif /* KSCAN_TEST_RX_FRAMES_H */
