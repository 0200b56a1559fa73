// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of reply validation (user/validate.c) on crafted frames, of
 * the RST kscanctl answers with (user/rst.c), and of the whole per-frame
 * pipeline (user/receiver.c) driven by a fake RX engine: exact verdicts,
 * target indices, counters, output bytes and RST frames.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kscan/cookie.h"
#include "kscan/csum.h"
#include "kscan/probe.h"

#include "cli.h"
#include "receiver.h"
#include "rst.h"
#include "validate.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

static const u8 key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
			    14, 15 };
static const u8 our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const u8 peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
/* 198.18.1.0/24 and 198.18.3.0-198.18.3.9; ports 22, 80, 443 */
static const struct kscan_interval ivs[] = {
	{ IP4(198, 18, 1, 0), IP4(198, 18, 1, 255) },
	{ IP4(198, 18, 3, 0), IP4(198, 18, 3, 9) },
};
static const u16 ports[] = { 22, 80, 443 };
#define SADDR_FIRST IP4(198, 19, 0, 1)
#define SADDR_LAST IP4(198, 19, 0, 2)
#define SPORT_FIRST 40000
#define SPORT_LAST 40999
#define PROBES 2

/* What a target's stack would send back to probe @probe of (@ip, @port). */
struct reply_spec {
	u32 ip;
	u16 port;
	u32 probe;
	u8 flags;
	int ack_delta;		/* added to the right ack */
	u32 source;		/* 0: the range's source for ip; else the
				 * source the probe came from */
	u32 daddr_override;	/* 0: the right source of ours */
	int sport_delta;	/* added to our port */
	u8 ip_opt_words;	/* IPv4 options, 4-byte words */
	int vlan_tags;
};

static size_t build_reply(const struct reply_spec *s, u8 *f)
{
	u32 saddr = s->source ? s->source :
		    SADDR_FIRST + s->ip % (SADDR_LAST - SADDR_FIRST + 1);
	u64 h;
	struct kscan_key k;
	size_t l2 = 14, ihl = 20 + 4u * s->ip_opt_words;
	u8 *ip, *tcp;
	u16 sport;
	int t;

	kscan_key_from_bytes(&k, key);
	h = kscan_cookie_hash(&k, saddr, s->ip, SPORT_FIRST, s->port);
	sport = kscan_cookie_sport(h, SPORT_FIRST, SPORT_LAST - SPORT_FIRST + 1,
				   s->probe);
	memset(f, 0, 128);
	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	for (t = 0; t < s->vlan_tags; t++) {
		kscan_put_be16(f + 12 + 4 * t, t ? 0x8100 : 0x88a8);
		kscan_put_be16(f + 14 + 4 * t, (u16)(100 + t));
		l2 += 4;
	}
	kscan_put_be16(f + l2 - 2, 0x0800);
	ip = f + l2;
	ip[0] = (u8)(0x40 | ihl / 4);
	kscan_put_be16(ip + 2, (u16)(ihl + 20));
	kscan_put_be16(ip + 4, 0x1234);
	ip[8] = 61;
	ip[9] = 6;
	kscan_put_be32(ip + 12, s->ip);
	kscan_put_be32(ip + 16, s->daddr_override ? s->daddr_override : saddr);
	memset(ip + 20, 1, ihl - 20);	/* NOP options */
	kscan_put_be16(ip + 10, kscan_ipv4_csum(ip, ihl));
	tcp = ip + ihl;
	kscan_put_be16(tcp, s->port);
	kscan_put_be16(tcp + 2, (u16)(sport + s->sport_delta));
	kscan_put_be32(tcp + 4, 0xabcdef01);
	kscan_put_be32(tcp + 8, kscan_cookie_seq(h) + 1 + (u32)s->ack_delta);
	tcp[12] = 5 << 4;
	tcp[13] = s->flags;
	kscan_put_be16(tcp + 14, 64240);
	kscan_put_be16(tcp + 16, kscan_tcp_csum(s->ip, kscan_get_be32(ip + 16),
						tcp, 20));
	return l2 + ihl + 20;
}

#define SYNACK (KSCAN_TCP_SYN | KSCAN_TCP_ACK)
#define RSTACK (KSCAN_TCP_RST | KSCAN_TCP_ACK)

static int setup(void **state)
{
	struct kscan_validator *v = calloc(1, sizeof(*v));

	assert_int_equal(kscan_validator_init(v, ivs, 2, ports, 3, key,
					      SADDR_FIRST, SADDR_LAST,
					      SPORT_FIRST, SPORT_LAST, PROBES),
			 0);
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	kscan_validator_free(*state);
	free(*state);
	return 0;
}

static enum kscan_verdict judge(void **state, const struct reply_spec *s,
				struct kscan_reply *r)
{
	u8 f[128];
	size_t len = build_reply(s, f);

	return kscan_validate(*state, f, len, r);
}

static void test_valid_synack_and_rst(void **state)
{
	struct reply_spec s = { .ip = IP4(198, 18, 3, 7), .port = 443,
				.flags = SYNACK };
	struct kscan_reply r;

	assert_int_equal(judge(state, &s, &r), KSCAN_V_SYNACK);
	/* ip index 256 + 7, port index 2 */
	assert_int_equal(r.target, (256 + 7) * 3 + 2);
	assert_int_equal(r.probe, 0);
	assert_false(r.vlan);
	assert_memory_equal(r.pkt.src_mac, peer_mac, 6);

	s.flags = RSTACK;
	s.probe = 1;	/* the second probe's source port */
	s.ip = IP4(198, 18, 1, 0);
	s.port = 22;
	assert_int_equal(judge(state, &s, &r), KSCAN_V_RST);
	assert_int_equal(r.target, 0);
	assert_int_equal(r.probe, 1);
	/* a bare RST with the right ack is closed too */
	s.flags = KSCAN_TCP_RST;
	assert_int_equal(judge(state, &s, &r), KSCAN_V_RST);
}

static void test_forged_and_stale(void **state)
{
	struct reply_spec base = { .ip = IP4(198, 18, 1, 5), .port = 80,
				   .flags = SYNACK }, s;
	struct kscan_reply r;

	s = base;
	s.ack_delta = 1;	/* wrong cookie */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_COOKIE);
	s = base;
	s.ack_delta = -1;	/* ack = seq: not an answer */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_COOKIE);
	s = base;
	s.sport_delta = 2;	/* another of our ports: a third probe */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_COOKIE);
	s = base;
	s.daddr_override = IP4(198, 19, 0, 1);	/* .5 is odd: ours is .2 */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_COOKIE);
	s = base;
	s.port = 81;		/* a port we did not scan */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_NOT_PORT);
	s = base;
	s.ip = IP4(198, 18, 3, 10);	/* just past the last target */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_NOT_TARGET);
	s.ip = IP4(198, 18, 2, 255);	/* between the intervals */
	assert_int_equal(judge(state, &s, &r), KSCAN_V_NOT_TARGET);
	s = base;
	s.flags = KSCAN_TCP_SYN;
	assert_int_equal(judge(state, &s, &r), KSCAN_V_FLAGS);
	s.flags = KSCAN_TCP_ACK;
	assert_int_equal(judge(state, &s, &r), KSCAN_V_FLAGS);
}

static void test_other_key_refused(void **state)
{
	struct reply_spec s = { .ip = IP4(198, 18, 1, 5), .port = 80,
				.flags = SYNACK };
	struct kscan_validator other;
	struct kscan_reply r;
	u8 k2[16], f[128];
	size_t len = build_reply(&s, f);

	(void)state;
	memcpy(k2, key, 16);
	k2[15] ^= 1;
	assert_int_equal(kscan_validator_init(&other, ivs, 2, ports, 3, k2,
					      SADDR_FIRST, SADDR_LAST,
					      SPORT_FIRST, SPORT_LAST, PROBES),
			 0);
	assert_int_equal(kscan_validate(&other, f, len, &r), KSCAN_V_COOKIE);
	kscan_validator_free(&other);
}

/*
 * -S with a list: for every probe of the scan, as kscan_probe_fields()
 * builds it, the reply to list[d mod n] is valid and a reply to any other
 * entry is refused, even with the cookie that entry would have had; and
 * kscan_probe_saddr() is exactly probe.h's rule, for lists and ranges.
 */
static void test_source_list(void **state)
{
	static const u32 list[] = {
		IP4(198, 19, 0, 9), IP4(198, 19, 0, 1), IP4(198, 19, 0, 5),
	};
	struct kscan_probe_plan plan = {
		.saddr_first = SADDR_FIRST,
		.saddr_count = 3,
		.saddr_list = list,
		.sport_first = SPORT_FIRST,
		.sport_count = SPORT_LAST - SPORT_FIRST + 1,
	};
	struct kscan_validator v;
	struct kscan_reply r;
	u64 prefix[2], index;
	u32 used = 0;
	u8 f[128];
	size_t len;

	(void)state;
	assert_int_equal(kscan_validator_init(&v, ivs, 2, ports, 3, key,
					      SADDR_FIRST, SADDR_LAST,
					      SPORT_FIRST, SPORT_LAST, PROBES),
			 0);
	assert_int_equal(kscan_validator_set_saddr_list(&v, list, 0), -1);
	assert_int_equal(kscan_validator_set_saddr_list(&v, list,
							KSCAN_MAX_SADDRS + 1),
			 -1);
	assert_int_equal(kscan_validator_set_saddr_list(&v, list, 3), 0);
	assert_int_equal(kscan_target_init(&plan.ts, ivs, prefix, 2, ports, 3,
					   PROBES), 0);
	kscan_key_from_bytes(&plan.key, key);

	for (index = 0; index < plan.ts.size; index++) {
		struct kscan_syn_fields pf;
		struct reply_spec s = { .flags = SYNACK };
		u32 probe = kscan_probe_fields(&plan, index, &pf);
		u32 k, right = pf.daddr % 3;

		assert_int_equal(kscan_probe_saddr(SADDR_FIRST, 3, list,
						   pf.daddr), pf.saddr);
		assert_int_equal(pf.saddr, list[right]);
		used |= 1u << right;
		s.ip = pf.daddr;
		s.port = pf.dport;
		s.probe = probe;
		s.source = pf.saddr;
		len = build_reply(&s, f);
		/* the sport and ack of the probe the module sent */
		assert_int_equal(kscan_get_be16(f + 14 + 20 + 2), pf.sport);
		assert_int_equal(kscan_get_be32(f + 14 + 20 + 8), pf.seq + 1);
		assert_int_equal(kscan_validate(&v, f, len, &r), KSCAN_V_SYNACK);
		assert_int_equal(r.probe, probe);
		for (k = 1; k < 3; k++) {
			u32 other = list[(right + k) % 3];

			/* to another source of ours, with its own cookie */
			s.source = other;
			len = build_reply(&s, f);
			assert_int_equal(kscan_validate(&v, f, len, &r),
					 KSCAN_V_COOKIE);
			/* to another source, with the right cookie */
			s.source = pf.saddr;
			s.daddr_override = other;
			len = build_reply(&s, f);
			assert_int_equal(kscan_validate(&v, f, len, &r),
					 KSCAN_V_COOKIE);
			s.daddr_override = 0;
		}
		/* nor to where the range rule would have sent it */
		s.source = SADDR_FIRST + pf.daddr % 3;
		if (s.source != pf.saddr) {
			len = build_reply(&s, f);
			assert_int_equal(kscan_validate(&v, f, len, &r),
					 KSCAN_V_COOKIE);
		}
	}
	assert_int_equal(used, 7);

	/* the range: the helper and probe.h agree too */
	plan.saddr_list = NULL;
	plan.saddr_count = SADDR_LAST - SADDR_FIRST + 1;
	for (index = 0; index < plan.ts.size; index++) {
		struct kscan_syn_fields pf;

		kscan_probe_fields(&plan, index, &pf);
		assert_int_equal(kscan_probe_saddr(SADDR_FIRST,
						   plan.saddr_count, NULL,
						   pf.daddr), pf.saddr);
	}
	kscan_validator_free(&v);
}

static void test_truncated(void **state)
{
	struct reply_spec s = { .ip = IP4(198, 18, 1, 5), .port = 80,
				.flags = SYNACK, .ip_opt_words = 2 };
	struct kscan_reply r;
	u8 f[128];
	size_t len = build_reply(&s, f), i;

	assert_int_equal(kscan_validate(*state, f, len, &r), KSCAN_V_SYNACK);
	for (i = 0; i < len; i++)
		assert_int_equal(kscan_validate(*state, f, i, &r),
				 KSCAN_V_MALFORMED);
	/* Ethernet padding after the IPv4 total length is fine */
	assert_int_equal(kscan_validate(*state, f, len + 6, &r),
			 KSCAN_V_SYNACK);
	f[12] = 0x86;	/* IPv6 ethertype */
	f[13] = 0xdd;
	assert_int_equal(kscan_validate(*state, f, len, &r), KSCAN_V_MALFORMED);
}

static void test_ip_options(void **state)
{
	struct reply_spec s = { .ip = IP4(198, 18, 1, 200), .port = 22,
				.flags = SYNACK };
	struct kscan_reply r;

	for (s.ip_opt_words = 0; s.ip_opt_words <= 10; s.ip_opt_words++) {
		assert_int_equal(judge(state, &s, &r), KSCAN_V_SYNACK);
		assert_int_equal(r.pkt.ihl, 20 + 4 * s.ip_opt_words);
		assert_int_equal(r.target, 200 * 3);
	}
}

/* One tag (802.1ad or 802.1Q) is accepted, as the XDP filter does. */
static void test_vlan(void **state)
{
	struct reply_spec s = { .ip = IP4(198, 18, 1, 9), .port = 80,
				.flags = SYNACK, .vlan_tags = 1 };
	struct kscan_reply r;

	assert_int_equal(judge(state, &s, &r), KSCAN_V_SYNACK);
	assert_true(r.vlan);
	assert_int_equal(r.vlan_proto, 0x88a8);
	assert_int_equal(r.vlan_tci, 100);
	assert_memory_equal(r.pkt.dst_mac, our_mac, 6);
	assert_memory_equal(r.pkt.src_mac, peer_mac, 6);
	assert_int_equal(r.target, 9 * 3 + 1);
	s.vlan_tags = 2;
	assert_int_equal(judge(state, &s, &r), KSCAN_V_VLAN);
}

static void test_rst_frame(void **state)
{
	struct reply_spec s = { .ip = IP4(198, 18, 1, 9), .port = 80,
				.flags = SYNACK, .ip_opt_words = 1 };
	struct kscan_parsed p;
	struct kscan_reply r;
	u8 f[KSCAN_RST_FRAME_MAX];
	size_t len;
	int vlan;

	for (vlan = 0; vlan <= 1; vlan++) {
		s.vlan_tags = vlan;
		assert_int_equal(judge(state, &s, &r), KSCAN_V_SYNACK);
		len = kscan_rst_build(&r, f);
		assert_int_equal(len, 54 + 4 * vlan);
		assert_memory_equal(f, peer_mac, 6);
		assert_memory_equal(f + 6, our_mac, 6);
		if (vlan) {
			assert_int_equal(kscan_get_be16(f + 12), 0x88a8);
			assert_int_equal(kscan_get_be16(f + 14), 100);
		}
		assert_int_equal(kscan_syn_parse(f + 4 * vlan, len - 4 * vlan,
						 &p,
						 KSCAN_PARSE_VERIFY_IP_CSUM |
							 KSCAN_PARSE_VERIFY_TCP_CSUM),
				 0);
		assert_int_equal(p.saddr, r.pkt.daddr);
		assert_int_equal(p.daddr, s.ip);
		assert_int_equal(p.sport, r.pkt.dport);
		assert_int_equal(p.dport, 80);
		assert_int_equal(p.seq, r.pkt.ack);
		assert_int_equal(p.ack, 0);
		assert_int_equal(p.flags, KSCAN_TCP_RST);
		assert_int_equal(p.window, 0);
		assert_int_equal(p.ttl, 64);
		assert_int_equal(p.frag, 0x4000);
	}
}

/* ---- the pipeline with a fake engine ---- */

struct fake_engine {
	u8 sent[8][KSCAN_RST_FRAME_MAX];
	size_t sent_len[8];
	int nr_sent;
	int fail;
};

static int fake_send(void *state, const uint8_t *frame, size_t len)
{
	struct fake_engine *e = state;

	if (e->fail)
		return -ENOBUFS;
	assert_true(e->nr_sent < 8);
	memcpy(e->sent[e->nr_sent], frame, len);
	e->sent_len[e->nr_sent++] = len;
	return 0;
}

static const struct kscan_rx_ops fake_ops = {
	.name = "fake",
	.send = fake_send,
};

static void feed(struct kscan_receiver *rx, const struct reply_spec *s)
{
	u8 f[128];
	size_t len = build_reply(s, f);

	/* what an engine's poll() does with each frame */
	kscan_receiver_frame(rx, f, len);
}

static void test_receiver_pipeline(void **state)
{
	struct reply_spec open1 = { .ip = IP4(198, 18, 1, 1), .port = 22,
				    .flags = SYNACK };
	struct reply_spec open1_p1 = open1, closed = open1, forged = open1;
	struct fake_engine eng = { 0 };
	struct kscan_receiver rx;
	struct kscan_output *o;
	char *text = NULL;
	size_t textlen = 0;
	FILE *out = open_memstream(&text, &textlen);
	char err[256];

	open1_p1.probe = 1;
	closed.port = 443;
	closed.flags = RSTACK;
	forged.ack_delta = 7;
	o = kscan_output_open(out, KSCAN_OUTPUT_CSV,
			      "saddr,sport,daddr,classification,cooldown", err,
			      sizeof(err));
	assert_non_null(o);
	assert_int_equal(kscan_receiver_init(&rx, *state, o), 0);
	rx.rst_ops = &fake_ops;
	rx.rst_state = &eng;

	feed(&rx, &open1);
	feed(&rx, &open1_p1);	/* probe 2's answer: a duplicate */
	feed(&rx, &open1);	/* a retransmitted SYN-ACK: a duplicate */
	feed(&rx, &forged);
	rx.cooldown = true;
	feed(&rx, &closed);
	feed(&rx, &closed);
	eng.fail = 1;
	feed(&rx, &open1);

	assert_int_equal(rx.c.frames, 7);
	assert_int_equal(rx.c.valid, 2);
	assert_int_equal(rx.c.open, 1);
	assert_int_equal(rx.c.closed, 1);
	assert_int_equal(rx.c.duplicates, 4);
	assert_int_equal(rx.c.invalid, 1);
	assert_int_equal(rx.c.by_verdict[KSCAN_V_COOKIE], 1);
	assert_int_equal(rx.c.cooldown, 1);
	/* each of our SYN-ACKs is answered, duplicates too */
	assert_int_equal(rx.c.rst_sent, 3);
	assert_int_equal(rx.c.rst_errors, 1);
	assert_int_equal(eng.nr_sent, 3);
	assert_int_equal(eng.sent_len[0], 54);
	assert_int_equal(kscan_get_be16(eng.sent[0] + 36), 22);
	assert_int_equal(eng.sent[0][47], KSCAN_TCP_RST);
	assert_int_equal(rx.dedup.pages, 1);

	assert_int_equal(kscan_output_close(o), 0);
	fclose(out);
	assert_string_equal(text,
			    "saddr,sport,daddr,classification,cooldown\n"
			    "198.18.1.1,22,198.19.0.2,synack,0\n"
			    "198.18.1.1,443,198.19.0.2,rst,1\n");
	free(text);
	kscan_receiver_free(&rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_synack_and_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_and_stale, setup, teardown),
		cmocka_unit_test(test_other_key_refused),
		cmocka_unit_test(test_source_list),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receiver_pipeline, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
