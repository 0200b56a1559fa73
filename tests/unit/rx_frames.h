/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crafted frames for the receive filters' tests (test_rx_cbpf.c runs the
 * classic BPF filter, test_rx_xdp.c the XDP program): one table, so both
 * filters are held to the same decisions. The port range is
 * RX_FIRST..RX_LAST; "ours" means the filter must take the frame.
 */
#ifndef KSCAN_TEST_RX_FRAMES_H
#define KSCAN_TEST_RX_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RX_FIRST 40000
#define RX_LAST 40999

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
};

#define RX_NCASES (sizeof(rx_cases) / sizeof(rx_cases[0]))
#define RX_FRAME_MAX 160

static inline void rx_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* The frame of @c into @buf (RX_FRAME_MAX); returns its length. */
static inline size_t rx_frame(const struct rx_case *c, uint8_t *buf)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 1,
					  0x02, 0, 0, 0, 0, 2 };
	unsigned int ihl = c->ihl ? c->ihl : 5;
	size_t n = 0, ip, tcp_len;
	uint8_t *th;

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
	buf[ip + 12] = 198, buf[ip + 13] = 18, buf[ip + 14] = 1,
		 buf[ip + 15] = 7;
	buf[ip + 16] = 198, buf[ip + 17] = 18, buf[ip + 18] = 0,
		 buf[ip + 19] = 1;
	/* Options: NOPs, so even a bad IHL leaves recognisable bytes. */
	memset(buf + ip + 20, 1, ihl > 5 ? (ihl - 5) * 4 : 0);
	/*
	 * The TCP header where IHL says, even inside a too-short IPv4
	 * header: the IHL check alone must refuse such a frame.
	 */
	n = ip + ihl * 4;

	th = buf + n;
	rx_put16(th, 443);
	rx_put16(th + 2, c->dport);
	th[12] = 5 << 4;
	th[13] = c->flags;
	rx_put16(th + 14, 64240);
	tcp_len = c->tcp_len < 0 ? 0 : c->tcp_len ? (size_t)c->tcp_len : 20;
	n += tcp_len;
	rx_put16(buf + ip + 2, (uint16_t)(n - ip));
	return n;
}

#endif /* KSCAN_TEST_RX_FRAMES_H */
