// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Host tests for include/kscan/syn.h: probe frames byte for byte against
 * frames built independently (Python struct + RFC 1071, checked with
 * tcpdump -vv: "cksum correct"), checksums against a plain RFC 1071 loop
 * written here, the pseudo-header-only mode, and the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kscan/syn.h"
#include "kscan/syn_vectors.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A SYN-ACK with IP options (IHL 6, Router Alert), TCP options mss 1400,
 * nop, wscale 9, and a 3-byte payload "abc": 198.18.1.5:80 ->
 * 198.18.0.1:40000, seq 0x11223344, ack 0x559e9a4e, window 29200, TTL 63,
 * id 0xbeef.
 */
static const u8 frame_synack_ipopts[69] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x46, 0x00, 0x00, 0x37, 0xbe, 0xef, 0x40, 0x00, 0x3f, 0x06,
	0x5a, 0xa2, 0xc6, 0x12, 0x01, 0x05, 0xc6, 0x12, 0x00, 0x01, 0x94, 0x04,
	0x00, 0x00, 0x00, 0x50, 0x9c, 0x40, 0x11, 0x22, 0x33, 0x44, 0x55, 0x9e,
	0x9a, 0x4e, 0x70, 0x12, 0x72, 0x10, 0xef, 0xbd, 0x00, 0x00, 0x02, 0x04,
	0x05, 0x78, 0x01, 0x03, 0x03, 0x09, 0x61, 0x62, 0x63,
};

static const u8 mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 mac2[6] = { 0x02, 0, 0, 0, 0, 0x02 };

struct frame_case {
	const char *name;
	const u8 *want;
	size_t len;
	u8 src_mac[6];
	u8 dst_mac[6];
	u8 ttl;
	u16 window;
	u32 options;
	struct kscan_syn_fields f;
	enum kscan_syn_csum mode;
};

static const struct frame_case frame_cases[] = {
	{ "none", kscan_syn_frame_none, sizeof(kscan_syn_frame_none),
	  { 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }, 255, 65535,
	  KSCAN_TCP_OPT_NONE,
	  { IP4(198, 18, 0, 1), IP4(198, 18, 1, 5), 40000, 80, 0x559e9a4d, 0,
	    0x1c46 }, KSCAN_SYN_CSUM_FULL },
	{ "mss", kscan_syn_frame_mss, sizeof(kscan_syn_frame_mss),
	  { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	  { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54 }, 64, 1024, KSCAN_TCP_OPT_MSS,
	  { IP4(198, 19, 255, 254), IP4(198, 18, 0, 0), 61000, 443,
	    0xdeadbeef, 0, 0xffff }, KSCAN_SYN_CSUM_FULL },
	{ "linux", kscan_syn_frame_linux, sizeof(kscan_syn_frame_linux),
	  { 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }, 64, 64240,
	  KSCAN_TCP_OPT_LINUX,
	  { IP4(10, 0, 0, 1), IP4(198, 18, 7, 9), 32768, 22, 0x01020304,
	    0x9abcdef0, 1 }, KSCAN_SYN_CSUM_FULL },
	{ "linux pseudo", kscan_syn_frame_linux_pseudo, sizeof(kscan_syn_frame_linux_pseudo),
	  { 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }, 64, 64240,
	  KSCAN_TCP_OPT_LINUX,
	  { IP4(10, 0, 0, 1), IP4(198, 18, 7, 9), 32768, 22, 0x01020304,
	    0x9abcdef0, 1 }, KSCAN_SYN_CSUM_PSEUDO },
};

static void init_tpl(struct kscan_syn_template *tpl, const u8 *src,
		     const u8 *dst, u8 ttl, u16 window, u32 options)
{
	struct kscan_syn_params par;

	memcpy(par.src_mac, src, 6);
	memcpy(par.dst_mac, dst, 6);
	par.ttl = ttl;
	par.window = window;
	par.options = options;
	assert_int_equal(kscan_syn_template_init(tpl, &par), 0);
}

/* Plain RFC 1071: 16-bit big-endian words, end-around carry, complement. */
static u16 ref_csum(const u8 *p, size_t len, u32 start)
{
	u32 sum = start;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : (u32)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* The pseudo header, as bytes: saddr, daddr, 0, 6, length. */
static u32 ref_pseudo(const u8 *ip, u16 tcp_len)
{
	u8 ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = tcp_len >> 8;
	ph[11] = tcp_len & 0xff;
	return (u16)~ref_csum(ph, sizeof(ph), 0);
}

static void test_frames_byte_for_byte(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(frame_cases); i++) {
		const struct frame_case *c = &frame_cases[i];
		struct kscan_syn_template tpl;
		u8 frame[KSCAN_SYN_FRAME_MAX + 8];

		memset(frame, 0xa5, sizeof(frame));
		init_tpl(&tpl, c->src_mac, c->dst_mac, c->ttl, c->window,
			 c->options);
		assert_int_equal(tpl.len, c->len);
		assert_int_equal(tpl.tcp_len, c->len - KSCAN_SYN_TCP_OFF);
		kscan_syn_build(&tpl, frame, &c->f, c->mode);
		if (memcmp(frame, c->want, c->len)) {
			size_t j;

			for (j = 0; j < c->len; j++)
				if (frame[j] != c->want[j])
					fail_msg("%s: byte %zu: %#x, want %#x",
						 c->name, j, frame[j],
						 c->want[j]);
		}
		/* nothing written past the frame */
		assert_int_equal(frame[c->len], 0xa5);
	}
}

static void test_frame_lengths(void **state)
{
	static const u32 lens[] = { 54, 58, 74 };
	struct kscan_syn_template tpl;
	u32 o;

	(void)state;
	assert_int_equal(KSCAN_SYN_FRAME_MAX, 74);
	for (o = 0; o < __KSCAN_TCP_OPT_MAX; o++) {
		init_tpl(&tpl, mac1, mac2, 64, 1, o);
		assert_int_equal(tpl.len, lens[o]);
		assert_int_equal(tpl.len, kscan_get_be16(tpl.frame + 16) + 14);
		assert_int_equal(tpl.frame[KSCAN_SYN_TCP_OFF + 12] >> 4,
				 (lens[o] - 34) / 4);
	}
}

static void test_template_rejects_unknown_options(void **state)
{
	struct kscan_syn_params par = { .ttl = 64, .window = 1 };
	struct kscan_syn_template tpl;

	(void)state;
	par.options = __KSCAN_TCP_OPT_MAX;
	assert_int_equal(kscan_syn_template_init(&tpl, &par), -1);
	par.options = 0xffffffff;
	assert_int_equal(kscan_syn_template_init(&tpl, &par), -1);
}

static u32 xorshift32(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/*
 * Random fields, every profile, both modes: the IPv4 header sums to zero,
 * the full TCP checksum verifies, and the pseudo-only value plus the
 * segment sum gives what a device would write (the full checksum).
 */
static void test_checksums_random(void **state)
{
	u32 rnd = 0x12345678, o, i;

	(void)state;
	for (o = 0; o < __KSCAN_TCP_OPT_MAX; o++) {
		struct kscan_syn_template tpl;

		init_tpl(&tpl, mac1, mac2, (u8)(o * 100 + 1),
			 (u16)(o * 20000 + 7), o);
		for (i = 0; i < 20000; i++) {
			struct kscan_syn_fields f;
			u8 full[KSCAN_SYN_FRAME_MAX], part[KSCAN_SYN_FRAME_MAX];
			const u8 *ip = full + KSCAN_SYN_IP_OFF;
			const u8 *tcp = full + KSCAN_SYN_TCP_OFF;
			u16 check, pcheck;

			f.saddr = xorshift32(&rnd);
			f.daddr = xorshift32(&rnd);
			f.sport = (u16)xorshift32(&rnd);
			f.dport = (u16)xorshift32(&rnd);
			f.seq = xorshift32(&rnd);
			f.tsval = xorshift32(&rnd);
			f.ip_id = (u16)xorshift32(&rnd);
			if (i < 4) {	/* all-zero and all-ones fields */
				u32 v = i & 1 ? 0xffffffff : 0;

				f.saddr = f.daddr = f.seq = f.tsval = v;
				f.sport = f.dport = f.ip_id = (u16)v;
			}
			kscan_syn_build(&tpl, full, &f, KSCAN_SYN_CSUM_FULL);
			kscan_syn_build(&tpl, part, &f, KSCAN_SYN_CSUM_PSEUDO);

			assert_int_equal(ref_csum(ip, 20, 0), 0);
			assert_int_equal(ref_csum(tcp, tpl.tcp_len,
						  ref_pseudo(ip, tpl.tcp_len)),
					 0);
			assert_int_equal(kscan_get_be32(ip + 12), f.saddr);
			assert_int_equal(kscan_get_be32(ip + 16), f.daddr);

			/* the two frames differ only in the TCP check */
			assert_memory_equal(full, part, 50);
			assert_memory_equal(full + 52, part + 52,
					    tpl.len - 52);
			check = kscan_get_be16(full + 50);
			pcheck = kscan_get_be16(part + 50);
			assert_int_equal(pcheck, ref_pseudo(ip, tpl.tcp_len));
			/*
			 * What the device does with CHECKSUM_PARTIAL: sum the
			 * segment from csum_start, pseudo sum in the check
			 * field, and store the complement there.
			 */
			assert_int_equal(ref_csum(part + KSCAN_SYN_TCP_OFF,
						  tpl.tcp_len, 0), check);
		}
	}
}

/* Patching twice leaves no trace of the first packet. */
static void test_patch_is_stateless(void **state)
{
	const struct frame_case *c = &frame_cases[2];	/* linux */
	struct kscan_syn_fields other = {
		IP4(1, 2, 3, 4), IP4(5, 6, 7, 8), 1, 2, 3, 4, 5
	};
	struct kscan_syn_template tpl;
	u8 frame[KSCAN_SYN_FRAME_MAX];
	int k;

	(void)state;
	init_tpl(&tpl, c->src_mac, c->dst_mac, c->ttl, c->window, c->options);
	kscan_syn_copy(&tpl, frame);
	for (k = 0; k < 3; k++) {
		kscan_syn_patch(&tpl, frame, &other, KSCAN_SYN_CSUM_PSEUDO);
		kscan_syn_patch(&tpl, frame, &c->f, KSCAN_SYN_CSUM_FULL);
		assert_memory_equal(frame, kscan_syn_frame_linux, sizeof(kscan_syn_frame_linux));
	}
	kscan_syn_patch(&tpl, frame, &c->f, KSCAN_SYN_CSUM_PSEUDO);
	assert_memory_equal(frame, kscan_syn_frame_linux_pseudo,
			    sizeof(kscan_syn_frame_linux_pseudo));
}

/* The template holds zeros exactly where per-packet fields go. */
static void test_template_constant_bytes(void **state)
{
	static const u8 varying[] = {
		18, 19, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,	/* IPv4 */
		34, 35, 36, 37, 38, 39, 40, 41, 50, 51,		/* TCP */
		62, 63, 64, 65,					/* TSval */
	};
	struct kscan_syn_template tpl;
	size_t i;

	(void)state;
	init_tpl(&tpl, mac1, mac2, 64, 64240, KSCAN_TCP_OPT_LINUX);
	for (i = 0; i < ARRAY_LEN(varying); i++)
		assert_int_equal(tpl.frame[varying[i]], 0);
	for (i = 0; i < tpl.len; i++) {
		size_t j;
		bool var = false;

		for (j = 0; j < ARRAY_LEN(varying); j++)
			var |= varying[j] == i;
		if (!var)
			assert_int_equal(tpl.frame[i], kscan_syn_frame_linux[i]);
	}
}

static void test_parse_round_trip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		const struct frame_case *c = &frame_cases[i];
		struct kscan_parsed pkt;
		u8 padded[80];

		assert_int_equal(kscan_syn_parse(c->want, c->len, &pkt,
						 KSCAN_PARSE_VERIFY_IP_CSUM |
						 KSCAN_PARSE_VERIFY_TCP_CSUM),
				 0);
		assert_memory_equal(pkt.src_mac, c->src_mac, 6);
		assert_memory_equal(pkt.dst_mac, c->dst_mac, 6);
		assert_int_equal(pkt.ihl, 20);
		assert_int_equal(pkt.ttl, c->ttl);
		assert_int_equal(pkt.protocol, 6);
		assert_int_equal(pkt.frag, 0x4000);
		assert_int_equal(pkt.tot_len, c->len - 14);
		assert_int_equal(pkt.ip_id, c->f.ip_id);
		assert_int_equal(pkt.saddr, c->f.saddr);
		assert_int_equal(pkt.daddr, c->f.daddr);
		assert_int_equal(pkt.sport, c->f.sport);
		assert_int_equal(pkt.dport, c->f.dport);
		assert_int_equal(pkt.seq, c->f.seq);
		assert_int_equal(pkt.ack, 0);
		assert_int_equal(pkt.flags, KSCAN_TCP_SYN);
		assert_int_equal(pkt.window, c->window);
		assert_int_equal(pkt.doff, c->len - 34);
		assert_int_equal(pkt.payload_len, 0);
		assert_ptr_equal(pkt.ip, c->want + 14);
		assert_ptr_equal(pkt.tcp, c->want + 34);
		assert_ptr_equal(pkt.payload, c->want + c->len);
		switch (c->options) {
		case KSCAN_TCP_OPT_NONE:
			assert_int_equal(pkt.opt_present, 0);
			break;
		case KSCAN_TCP_OPT_MSS:
			assert_int_equal(pkt.opt_present, KSCAN_PARSED_OPT_MSS);
			assert_int_equal(pkt.mss, 1460);
			break;
		case KSCAN_TCP_OPT_LINUX:
			assert_int_equal(pkt.opt_present,
					 KSCAN_PARSED_OPT_MSS |
					 KSCAN_PARSED_OPT_SACK_PERM |
					 KSCAN_PARSED_OPT_TIMESTAMP |
					 KSCAN_PARSED_OPT_WSCALE);
			assert_int_equal(pkt.mss, 1460);
			assert_int_equal(pkt.wscale, 7);
			assert_int_equal(pkt.tsval, 0x9abcdef0);
			assert_int_equal(pkt.tsecr, 0);
			break;
		}

		/* Ethernet padding to 60 bytes is ignored */
		memset(padded, 0, sizeof(padded));
		memcpy(padded, c->want, c->len);
		assert_int_equal(kscan_syn_parse(padded, c->len < 60 ? 60 :
						 c->len, &pkt,
						 KSCAN_PARSE_VERIFY_TCP_CSUM),
				 0);
		assert_int_equal(pkt.payload_len, 0);
	}
}

static void test_parse_ip_options_synack(void **state)
{
	const u8 *f = frame_synack_ipopts;
	struct kscan_parsed pkt;

	(void)state;
	assert_int_equal(kscan_syn_parse(f, sizeof(frame_synack_ipopts), &pkt,
					 KSCAN_PARSE_VERIFY_IP_CSUM |
					 KSCAN_PARSE_VERIFY_TCP_CSUM), 0);
	assert_int_equal(pkt.ihl, 24);
	assert_int_equal(pkt.tot_len, 55);
	assert_int_equal(pkt.ttl, 63);
	assert_int_equal(pkt.ip_id, 0xbeef);
	assert_int_equal(pkt.saddr, IP4(198, 18, 1, 5));
	assert_int_equal(pkt.daddr, IP4(198, 18, 0, 1));
	assert_ptr_equal(pkt.tcp, f + 38);
	assert_int_equal(pkt.sport, 80);
	assert_int_equal(pkt.dport, 40000);
	assert_int_equal(pkt.seq, 0x11223344);
	assert_int_equal(pkt.ack, 0x559e9a4e);
	assert_int_equal(pkt.flags, KSCAN_TCP_SYN | KSCAN_TCP_ACK);
	assert_int_equal(pkt.window, 29200);
	assert_int_equal(pkt.tcp_check, 0xefbd);
	assert_int_equal(pkt.doff, 28);
	assert_int_equal(pkt.payload_len, 3);
	assert_memory_equal(pkt.payload, "abc", 3);
	assert_int_equal(pkt.opt_present,
			 KSCAN_PARSED_OPT_MSS | KSCAN_PARSED_OPT_WSCALE);
	assert_int_equal(pkt.mss, 1400);
	assert_int_equal(pkt.wscale, 9);
}

/* Every strict prefix of a valid frame is refused as truncated. */
static void test_parse_truncated(void **state)
{
	const u8 *frames[] = { kscan_syn_frame_none, kscan_syn_frame_linux, frame_synack_ipopts };
	const size_t lens[] = { sizeof(kscan_syn_frame_none), sizeof(kscan_syn_frame_linux),
				sizeof(frame_synack_ipopts) };
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_LEN(frames); i++)
		for (len = 0; len < lens[i]; len++) {
			struct kscan_parsed pkt;
			u8 *copy = malloc(len ? len : 1);

			/* exact-size buffer: any overread is a bug */
			memcpy(copy, frames[i], len);
			assert_int_equal(kscan_syn_parse(copy, len, &pkt, 3),
					 -KSCAN_PARSE_E_TRUNCATED);
			free(copy);
		}
}

struct mutation {
	const char *name;
	size_t off;
	u8 val;
	unsigned int flags;
	int want;
};

/* Single-byte mutations of kscan_syn_frame_mss (IP at 14, TCP at 34). */
static void test_parse_rejections(void **state)
{
	static const struct mutation muts[] = {
		{ "ipv6 ethertype", 12, 0x86, 0, -KSCAN_PARSE_E_ETHERTYPE },
		{ "vlan ethertype", 12, 0x81, 0, -KSCAN_PARSE_E_ETHERTYPE },
		{ "version 6", 14, 0x65, 0, -KSCAN_PARSE_E_VERSION },
		{ "ihl 4", 14, 0x44, 0, -KSCAN_PARSE_E_IHL },
		{ "ihl 0", 14, 0x40, 0, -KSCAN_PARSE_E_IHL },
		{ "ihl 12 past end", 14, 0x4c, 0, -KSCAN_PARSE_E_TRUNCATED },
		{ "ihl 9 no room for tcp", 14, 0x49, 0,
		  -KSCAN_PARSE_E_TOT_LEN },
		{ "tot_len 39", 17, 39, 0, -KSCAN_PARSE_E_TOT_LEN },
		{ "tot_len 45", 17, 45, 0, -KSCAN_PARSE_E_TRUNCATED },
		{ "more fragments", 20, 0x60, 0, -KSCAN_PARSE_E_FRAGMENT },
		{ "fragment offset", 21, 0x01, 0, -KSCAN_PARSE_E_FRAGMENT },
		{ "udp", 23, 17, 0, -KSCAN_PARSE_E_PROTOCOL },
		{ "doff 4", 46, 0x40, 0, -KSCAN_PARSE_E_DOFF },
		{ "doff 7 past end", 46, 0x70, 0, -KSCAN_PARSE_E_DOFF },
		{ "bad ip csum", 24, 0x00, KSCAN_PARSE_VERIFY_IP_CSUM,
		  -KSCAN_PARSE_E_IP_CSUM },
		{ "bad ip csum unchecked", 24, 0x00, 0, 0 },
		{ "ttl changed", 22, 0x41, KSCAN_PARSE_VERIFY_IP_CSUM,
		  -KSCAN_PARSE_E_IP_CSUM },
		{ "bad tcp csum", 50, 0x00, KSCAN_PARSE_VERIFY_TCP_CSUM,
		  -KSCAN_PARSE_E_TCP_CSUM },
		{ "seq changed", 41, 0xee, KSCAN_PARSE_VERIFY_TCP_CSUM,
		  -KSCAN_PARSE_E_TCP_CSUM },
		{ "saddr changed", 29, 0xfd, KSCAN_PARSE_VERIFY_TCP_CSUM,
		  -KSCAN_PARSE_E_TCP_CSUM },
		{ "bad tcp csum unchecked", 50, 0x00,
		  KSCAN_PARSE_VERIFY_IP_CSUM, 0 },
		{ "df cleared", 20, 0x00, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(muts); i++) {
		struct kscan_parsed pkt;
		u8 f[sizeof(kscan_syn_frame_mss)];
		int ret;

		memcpy(f, kscan_syn_frame_mss, sizeof(f));
		assert_int_not_equal(f[muts[i].off], muts[i].val);
		f[muts[i].off] = muts[i].val;
		ret = kscan_syn_parse(f, sizeof(f), &pkt, muts[i].flags);
		if (ret != muts[i].want)
			fail_msg("%s: got %d want %d", muts[i].name, ret,
				 muts[i].want);
	}
}

/* A frame finished for CHECKSUM_PARTIAL does not verify in software. */
static void test_parse_pseudo_frame(void **state)
{
	struct kscan_parsed pkt;

	(void)state;
	assert_int_equal(kscan_syn_parse(kscan_syn_frame_linux_pseudo,
					 sizeof(kscan_syn_frame_linux_pseudo), &pkt,
					 KSCAN_PARSE_VERIFY_IP_CSUM), 0);
	assert_int_equal(pkt.tcp_check, 0xd74a);
	assert_int_equal(kscan_syn_parse(kscan_syn_frame_linux_pseudo,
					 sizeof(kscan_syn_frame_linux_pseudo), &pkt,
					 KSCAN_PARSE_VERIFY_TCP_CSUM),
			 -KSCAN_PARSE_E_TCP_CSUM);
}

struct opt_case {
	const char *name;
	u8 opts[20];
	u8 len;		/* multiple of 4 */
	u8 present;
	u16 mss;
	u8 wscale;
};

static void test_parse_tcp_options(void **state)
{
	static const struct opt_case cases[] = {
		{ "eol stops", { 0, 2, 4, 5, 0xb4 }, 8, 0, 0, 0 },
		{ "nops then mss", { 1, 1, 1, 1, 2, 4, 0x12, 0x34 }, 8,
		  KSCAN_PARSED_OPT_MSS, 0x1234, 0 },
		{ "unknown kind skipped", { 30, 4, 9, 9, 3, 3, 14, 0 }, 8,
		  KSCAN_PARSED_OPT_WSCALE, 0, 14 },
		{ "mss bad length", { 2, 3, 5, 1 }, 4, KSCAN_PARSED_OPT_BAD, 0,
		  0 },
		{ "length 1", { 1, 1, 30, 1 }, 4, KSCAN_PARSED_OPT_BAD, 0, 0 },
		{ "past the end", { 2, 4, 1, 1, 8, 10, 0, 0 }, 8,
		  KSCAN_PARSED_OPT_MSS | KSCAN_PARSED_OPT_BAD, 0x0101, 0 },
		{ "kind without length", { 1, 1, 1, 2 }, 4,
		  KSCAN_PARSED_OPT_BAD, 0, 0 },
		{ "sack bad length", { 4, 3, 0, 0 }, 4, KSCAN_PARSED_OPT_BAD, 0,
		  0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const struct opt_case *c = &cases[i];
		struct kscan_syn_template tpl;
		struct kscan_syn_fields f = { 1, 2, 3, 4, 5, 0, 6 };
		struct kscan_parsed pkt;
		u8 frame[128], *exact;
		u16 tcp_len = 20 + c->len;

		init_tpl(&tpl, mac1, mac2, 9, 9, KSCAN_TCP_OPT_NONE);
		kscan_syn_build(&tpl, frame, &f, KSCAN_SYN_CSUM_FULL);
		memcpy(frame + 54, c->opts, c->len);
		frame[46] = (u8)(tcp_len / 4) << 4;
		kscan_put_be16(frame + 16, 20 + tcp_len);
		frame[24] = frame[25] = 0;
		kscan_put_be16(frame + 24, kscan_ipv4_csum(frame + 14, 20));
		frame[50] = frame[51] = 0;
		kscan_put_be16(frame + 50, kscan_tcp_csum(1, 2, frame + 34,
							  tcp_len));
		/* exact-size copy: reading past the options is a bug (ASan) */
		exact = malloc(34 + tcp_len);
		assert_non_null(exact);
		memcpy(exact, frame, 34 + tcp_len);
		assert_int_equal(kscan_syn_parse(exact, 34 + tcp_len, &pkt, 3),
				 0);
		free(exact);
		if (pkt.opt_present != c->present)
			fail_msg("%s: present %#x want %#x", c->name,
				 pkt.opt_present, c->present);
		assert_int_equal(pkt.mss, c->mss);
		assert_int_equal(pkt.wscale, c->wscale);
	}
}

static void test_parse_non_tcp_reply_fields(void **state)
{
	struct kscan_parsed pkt;
	u8 f[sizeof(kscan_syn_frame_mss)];

	(void)state;
	/* refused frames still report what was parsed before the refusal */
	memcpy(f, kscan_syn_frame_mss, sizeof(f));
	f[23] = 1;	/* ICMP */
	assert_int_equal(kscan_syn_parse(f, sizeof(f), &pkt, 0),
			 -KSCAN_PARSE_E_PROTOCOL);
	assert_int_equal(pkt.protocol, 1);
	assert_int_equal(pkt.saddr, IP4(198, 19, 255, 254));
	assert_int_equal(pkt.daddr, IP4(198, 18, 0, 0));
	assert_int_equal(pkt.sport, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_byte_for_byte),
		cmocka_unit_test(test_frame_lengths),
		cmocka_unit_test(test_template_rejects_unknown_options),
		cmocka_unit_test(test_checksums_random),
		cmocka_unit_test(test_patch_is_stateless),
		cmocka_unit_test(test_template_constant_bytes),
		cmocka_unit_test(test_parse_round_trip),
		cmocka_unit_test(test_parse_ip_options_synack),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_rejections),
		cmocka_unit_test(test_parse_pseudo_frame),
		cmocka_unit_test(test_parse_tcp_options),
		cmocka_unit_test(test_parse_non_tcp_reply_fields),
	};

	return cmocka_run_group_tests_name("kscan_syn", tests, NULL, NULL);
}
