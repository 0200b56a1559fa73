// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_syn: SYN templates (include/kscan/syn.h) byte for byte
 * against frames built independently (Python struct, verified by tcpdump),
 * and the checksums against the kernel's own ip_fast_csum(),
 * csum_tcpudp_magic(), csum_partial() and skb_checksum_help().
 */
#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "kscan/syn.h"
#include "kscan/syn_vectors.h"

#define KSCAN_IP4(a, b, c, d) \
	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

struct kscan_syn_frame_param {
	const char *desc;
	const u8 *expect;
	unsigned int len;
	struct kscan_syn_params par;
	struct kscan_syn_fields f;
	enum kscan_syn_csum mode;
};

static const struct kscan_syn_frame_param kscan_syn_frame_params[] = {
	{ "none", kscan_syn_frame_none, sizeof(kscan_syn_frame_none),
	  { { 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }, 255,
	    65535, KSCAN_TCP_OPT_NONE },
	  { KSCAN_IP4(198, 18, 0, 1), KSCAN_IP4(198, 18, 1, 5), 40000, 80,
	    0x559e9a4d, 0, 0x1c46 }, KSCAN_SYN_CSUM_FULL },
	{ "mss", kscan_syn_frame_mss, sizeof(kscan_syn_frame_mss),
	  { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	    { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54 }, 64, 1024,
	    KSCAN_TCP_OPT_MSS },
	  { KSCAN_IP4(198, 19, 255, 254), KSCAN_IP4(198, 18, 0, 0), 61000, 443,
	    0xdeadbeef, 0, 0xffff }, KSCAN_SYN_CSUM_FULL },
	{ "linux", kscan_syn_frame_linux, sizeof(kscan_syn_frame_linux),
	  { { 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }, 64, 64240,
	    KSCAN_TCP_OPT_LINUX },
	  { KSCAN_IP4(10, 0, 0, 1), KSCAN_IP4(198, 18, 7, 9), 32768, 22,
	    0x01020304, 0x9abcdef0, 1 }, KSCAN_SYN_CSUM_FULL },
	{ "linux pseudo", kscan_syn_frame_linux_pseudo,
	  sizeof(kscan_syn_frame_linux_pseudo),
	  { { 0x02, 0, 0, 0, 0, 0x01 }, { 0x02, 0, 0, 0, 0, 0x02 }, 64, 64240,
	    KSCAN_TCP_OPT_LINUX },
	  { KSCAN_IP4(10, 0, 0, 1), KSCAN_IP4(198, 18, 7, 9), 32768, 22,
	    0x01020304, 0x9abcdef0, 1 }, KSCAN_SYN_CSUM_PSEUDO },
};

static void kscan_syn_frame_desc(const struct kscan_syn_frame_param *param,
				 char *desc)
{
	strscpy(desc, param->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kscan_syn_frame, kscan_syn_frame_params,
		  kscan_syn_frame_desc);

static void kscan_syn_expect_bytes(struct kunit *test, const u8 *got,
				   const u8 *expect, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], expect[i], "byte %u", i);
}

static void kscan_syn_frame_case(struct kunit *test)
{
	const struct kscan_syn_frame_param *param = test->param_value;
	struct kscan_syn_template tpl;
	u8 frame[KSCAN_SYN_FRAME_MAX + 1];

	/* Arrange */
	memset(frame, 0xa5, sizeof(frame));
	KUNIT_ASSERT_EQ(test, kscan_syn_template_init(&tpl, &param->par), 0);
	KUNIT_ASSERT_EQ(test, tpl.len, param->len);

	/* Act */
	kscan_syn_build(&tpl, frame, &param->f, param->mode);

	/* Assert */
	kscan_syn_expect_bytes(test, frame, param->expect, param->len);
	KUNIT_EXPECT_EQ(test, frame[param->len], 0xa5);
}

/* Decode a built frame with the kernel's own header structs. */
static void kscan_syn_kernel_headers(struct kunit *test)
{
	struct kscan_syn_params par = {
		.src_mac = { 2, 0, 0, 0, 0, 1 },
		.dst_mac = { 2, 0, 0, 0, 0, 2 },
		.ttl = 33,
		.window = 29200,
		.options = KSCAN_TCP_OPT_LINUX,
	};
	struct kscan_syn_fields f = {
		.saddr = KSCAN_IP4(198, 18, 0, 1),
		.daddr = KSCAN_IP4(198, 19, 2, 3),
		.sport = 50001,
		.dport = 8443,
		.seq = 0xfedcba98,
		.tsval = 12345,
		.ip_id = 4242,
	};
	struct kscan_syn_template tpl;
	u8 frame[KSCAN_SYN_FRAME_MAX];
	const struct iphdr *iph = (const struct iphdr *)(frame + ETH_HLEN);
	const struct tcphdr *th =
		(const struct tcphdr *)(frame + ETH_HLEN + sizeof(*iph));

	/* Arrange */
	KUNIT_ASSERT_EQ(test, kscan_syn_template_init(&tpl, &par), 0);

	/* Act */
	kscan_syn_build(&tpl, frame, &f, KSCAN_SYN_CSUM_FULL);

	/* Assert */
	KUNIT_EXPECT_EQ(test, KSCAN_SYN_TCP_OFF, ETH_HLEN + sizeof(*iph));
	KUNIT_EXPECT_EQ(test, KSCAN_TCP_CHECK_OFF,
			offsetof(struct tcphdr, check));
	KUNIT_EXPECT_EQ(test, ntohs(*(__be16 *)(frame + 12)), ETH_P_IP);
	/* bit-fields: typeof() in KUNIT_EXPECT_EQ needs a plain value */
	KUNIT_EXPECT_EQ(test, iph->version + 0, 4);
	KUNIT_EXPECT_EQ(test, iph->ihl + 0, 5);
	KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len), 60);
	KUNIT_EXPECT_EQ(test, ntohs(iph->id), 4242);
	KUNIT_EXPECT_TRUE(test, iph->frag_off == htons(IP_DF));
	KUNIT_EXPECT_EQ(test, iph->ttl, 33);
	KUNIT_EXPECT_EQ(test, iph->protocol, IPPROTO_TCP);
	KUNIT_EXPECT_TRUE(test, iph->saddr == htonl(f.saddr));
	KUNIT_EXPECT_TRUE(test, iph->daddr == htonl(f.daddr));
	KUNIT_EXPECT_EQ(test, ntohs(th->source), 50001);
	KUNIT_EXPECT_EQ(test, ntohs(th->dest), 8443);
	KUNIT_EXPECT_EQ(test, ntohl(th->seq), 0xfedcba98U);
	KUNIT_EXPECT_EQ(test, ntohl(th->ack_seq), 0U);
	KUNIT_EXPECT_EQ(test, th->doff + 0, 10);
	KUNIT_EXPECT_EQ(test, th->syn + 0, 1);
	KUNIT_EXPECT_EQ(test, th->ack + th->rst + th->fin + th->psh + th->urg +
			th->ece + th->cwr, 0);
	KUNIT_EXPECT_EQ(test, ntohs(th->window), 29200);
	KUNIT_EXPECT_EQ(test, ntohl(*(__be32 *)((u8 *)th + 28)), 12345U);
}

/*
 * Random fields, every profile: our checksums against ip_fast_csum(),
 * csum_tcpudp_magic() + csum_partial(), the pseudo-only value against
 * ~csum_tcpudp_magic(.., 0), and skb_checksum_help() finishing a
 * CHECKSUM_PARTIAL frame into our fully checksummed one.
 */
static void kscan_syn_matches_kernel_csum(struct kunit *test)
{
	u32 o;
	int i;

	for (o = 0; o < __KSCAN_TCP_OPT_MAX; o++) {
		struct kscan_syn_params par = {
			.ttl = 64, .window = 65535, .options = o,
		};
		struct kscan_syn_template tpl;

		KUNIT_ASSERT_EQ(test, kscan_syn_template_init(&tpl, &par), 0);
		for (i = 0; i < 300; i++) {
			struct kscan_syn_fields f = {
				.saddr = get_random_u32(),
				.daddr = get_random_u32(),
				.sport = get_random_u32(),
				.dport = get_random_u32(),
				.seq = get_random_u32(),
				.tsval = get_random_u32(),
				.ip_id = get_random_u32(),
			};
			u8 full[KSCAN_SYN_FRAME_MAX];
			u8 *ip = full + KSCAN_SYN_IP_OFF;
			u8 *tcp = full + KSCAN_SYN_TCP_OFF;
			__be32 sa = htonl(f.saddr), da = htonl(f.daddr);
			__sum16 pseudo, check;
			struct sk_buff *skb;

			kscan_syn_build(&tpl, full, &f, KSCAN_SYN_CSUM_FULL);
			KUNIT_ASSERT_EQ(test,
					(__force u16)ip_fast_csum(ip, 5), 0);
			KUNIT_ASSERT_EQ(test,
					(__force u16)csum_tcpudp_magic(sa, da,
						tpl.tcp_len, IPPROTO_TCP,
						csum_partial(tcp, tpl.tcp_len,
							     0)), 0);

			skb = alloc_skb(KSCAN_SYN_FRAME_MAX, GFP_KERNEL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
			kscan_syn_build(&tpl, skb_put(skb, tpl.len), &f,
					KSCAN_SYN_CSUM_PSEUDO);
			pseudo = ~csum_tcpudp_magic(sa, da, tpl.tcp_len,
						    IPPROTO_TCP, 0);
			KUNIT_EXPECT_EQ(test,
					*(u16 *)(skb->data + KSCAN_SYN_TCP_OFF +
						 KSCAN_TCP_CHECK_OFF),
					(__force u16)pseudo);
			KUNIT_EXPECT_TRUE(test, skb_partial_csum_set(skb,
						KSCAN_SYN_TCP_OFF,
						KSCAN_TCP_CHECK_OFF));
			KUNIT_EXPECT_EQ(test, skb_checksum_help(skb), 0);
			check = *(__sum16 *)(skb->data + KSCAN_SYN_TCP_OFF +
					     KSCAN_TCP_CHECK_OFF);
			/* skb_checksum_help() writes 0 as CSUM_MANGLED_0 */
			if (check == CSUM_MANGLED_0 &&
			    !tcp[KSCAN_TCP_CHECK_OFF] &&
			    !tcp[KSCAN_TCP_CHECK_OFF + 1])
				check = 0;
			KUNIT_EXPECT_EQ(test, (__force u16)check,
					*(u16 *)(tcp + KSCAN_TCP_CHECK_OFF));
			KUNIT_EXPECT_EQ(test, memcmp(skb->data, full, tpl.len),
					0);
			kfree_skb(skb);
		}
	}
}

static void kscan_syn_parse_round_trip(struct kunit *test)
{
	const struct kscan_syn_frame_param *p = &kscan_syn_frame_params[2];
	struct kscan_parsed pkt;

	/* Act */
	KUNIT_ASSERT_EQ(test, kscan_syn_parse(p->expect, p->len, &pkt,
					      KSCAN_PARSE_VERIFY_IP_CSUM |
					      KSCAN_PARSE_VERIFY_TCP_CSUM), 0);

	/* Assert */
	KUNIT_EXPECT_EQ(test, pkt.saddr, p->f.saddr);
	KUNIT_EXPECT_EQ(test, pkt.daddr, p->f.daddr);
	KUNIT_EXPECT_EQ(test, pkt.sport, p->f.sport);
	KUNIT_EXPECT_EQ(test, pkt.dport, p->f.dport);
	KUNIT_EXPECT_EQ(test, pkt.seq, p->f.seq);
	KUNIT_EXPECT_EQ(test, pkt.ip_id, p->f.ip_id);
	KUNIT_EXPECT_EQ(test, pkt.ttl, 64);
	KUNIT_EXPECT_EQ(test, pkt.flags, KSCAN_TCP_SYN);
	KUNIT_EXPECT_EQ(test, pkt.mss, KSCAN_SYN_MSS);
	KUNIT_EXPECT_EQ(test, pkt.wscale, KSCAN_SYN_WSCALE);
	KUNIT_EXPECT_EQ(test, pkt.tsval, 0x9abcdef0U);
	KUNIT_EXPECT_EQ(test, pkt.opt_present,
			KSCAN_PARSED_OPT_MSS | KSCAN_PARSED_OPT_SACK_PERM |
			KSCAN_PARSED_OPT_TIMESTAMP | KSCAN_PARSED_OPT_WSCALE);
	/* a CHECKSUM_PARTIAL frame does not verify in software */
	KUNIT_EXPECT_EQ(test, kscan_syn_parse(kscan_syn_frame_linux_pseudo,
					      74, &pkt,
					      KSCAN_PARSE_VERIFY_TCP_CSUM),
			-KSCAN_PARSE_E_TCP_CSUM);
}

/* Every strict prefix of a frame is refused as truncated. */
static void kscan_syn_parse_truncated(struct kunit *test)
{
	struct kscan_parsed pkt;
	unsigned int len;

	for (len = 0; len < sizeof(kscan_syn_frame_linux); len++)
		KUNIT_EXPECT_EQ_MSG(test,
				    kscan_syn_parse(kscan_syn_frame_linux, len,
						    &pkt, 0),
				    -KSCAN_PARSE_E_TRUNCATED, "len %u", len);
}

static struct kunit_case kscan_syn_cases[] = {
	KUNIT_CASE_PARAM(kscan_syn_frame_case, kscan_syn_frame_gen_params),
	KUNIT_CASE(kscan_syn_kernel_headers),
	KUNIT_CASE(kscan_syn_matches_kernel_csum),
	KUNIT_CASE(kscan_syn_parse_round_trip),
	KUNIT_CASE(kscan_syn_parse_truncated),
	{}
};

static struct kunit_suite kscan_syn_suite = {
	.name = "kscan_syn",
	.test_cases = kscan_syn_cases,
};

kunit_test_suite(kscan_syn_suite);
