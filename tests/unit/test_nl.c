// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the START request on the wire (user/nl.c): every attribute
 * of the uapi header with its exact size and byte order, optional ones
 * absent unless asked for, NLA_F_NESTED on the target nest, and the
 * netlink attribute size limits. No socket is opened.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

static const struct kscan_interval test_iv[] = {
	{ IP4(198, 18, 0, 0), IP4(198, 18, 0, 255) },
	{ IP4(198, 18, 2, 7), IP4(198, 18, 2, 7) },
};
static const u16 test_ports[] = { 22, 443, 8080 };
static const u16 test_queues[] = { 0, 3 };
static const u32 test_cpus[] = { 5, 6 };

static void fill_minimal(struct kscan_start_request *req)
{
	u8 i;

	memset(req, 0, sizeof(*req));
	req->ifindex = 7;
	memcpy(req->dst_mac, "\x02\x00\x00\x00\x00\x01", 6);
	req->saddr_first = IP4(198, 18, 0, 1);
	req->saddr_last = IP4(198, 18, 0, 4);
	req->sport_first = 32768;
	req->sport_last = 61000;
	req->intervals = test_iv;
	req->nr_intervals = 2;
	req->ports = test_ports;
	req->nr_ports = 3;
	req->probes = 2;
	req->seed = 0x0123456789abcdefULL;
	req->shard = 1;
	req->shards = 3;
	req->rate = 100000;
	for (i = 0; i < KSCAN_KEY_LEN; i++)
		req->key[i] = i;
}

/* Build START and parse its attributes back into @tb. */
static struct nl_msg *build(const struct kscan_start_request *req,
			    struct nlattr **tb)
{
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
					      kscan_nl_start_size(req));

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
				    KSCAN_CMD_START, KSCAN_GENL_VERSION));
	assert_int_equal(kscan_nl_put_start(msg, req), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSCAN_A_MAX,
				       NULL), 0);
	return msg;
}

static void assert_attr(struct nlattr *attr, int len, const void *data)
{
	assert_non_null(attr);
	assert_int_equal(nla_len(attr), len);
	assert_memory_equal(nla_data(attr), data, len);
}

static void test_start_required_attributes(void **state)
{
	static const u8 saddr_first[4] = { 198, 18, 0, 1 };
	static const u8 saddr_last[4] = { 198, 18, 0, 4 };
	/* struct kscan_ipv4_interval: two be32 */
	static const u8 iv0[8] = { 198, 18, 0, 0, 198, 18, 0, 255 };
	static const u8 iv1[8] = { 198, 18, 2, 7, 198, 18, 2, 7 };
	struct nlattr *tb[KSCAN_A_MAX + 1], *iv;
	struct kscan_start_request req;
	struct nl_msg *msg;
	u64 seed, rate;
	int rem, n = 0;
	u32 v32;
	u16 v16;

	(void)state;
	fill_minimal(&req);
	msg = build(&req, tb);

	v32 = 7;
	assert_attr(tb[KSCAN_A_IFINDEX], 4, &v32);
	assert_attr(tb[KSCAN_A_DST_MAC], 6, "\x02\x00\x00\x00\x00\x01");
	assert_attr(tb[KSCAN_A_SADDR_FIRST], 4, saddr_first);
	assert_attr(tb[KSCAN_A_SADDR_LAST], 4, saddr_last);
	v16 = 32768;
	assert_attr(tb[KSCAN_A_SPORT_FIRST], 2, &v16);
	v16 = 61000;
	assert_attr(tb[KSCAN_A_SPORT_LAST], 2, &v16);
	/* struct kscan_port_range, host order: 22, 443, 8080 */
	{
		static const u16 want[6] = { 22, 22, 443, 443, 8080, 8080 };

		assert_attr(tb[KSCAN_A_PORTS], 12, want);
	}
	v32 = 2;
	assert_attr(tb[KSCAN_A_PROBES], 4, &v32);
	seed = 0x0123456789abcdefULL;
	assert_attr(tb[KSCAN_A_SEED], 8, &seed);
	v32 = 1;
	assert_attr(tb[KSCAN_A_SHARD], 4, &v32);
	v32 = 3;
	assert_attr(tb[KSCAN_A_SHARDS], 4, &v32);
	rate = 100000;
	assert_attr(tb[KSCAN_A_RATE], 8, &rate);
	assert_attr(tb[KSCAN_A_KEY], KSCAN_KEY_LEN,
		    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f");

	/* the nest: flagged, and one INTERVAL per interval, in order */
	assert_non_null(tb[KSCAN_A_TARGETS]);
	assert_true(tb[KSCAN_A_TARGETS]->nla_type & NLA_F_NESTED);
	nla_for_each_nested(iv, tb[KSCAN_A_TARGETS], rem) {
		assert_int_equal(nla_type(iv), KSCAN_TARGET_A_INTERVAL);
		assert_attr(iv, 8, n ? iv1 : iv0);
		n++;
	}
	assert_int_equal(n, 2);

	/* optional attributes: left to the module's defaults */
	assert_null(tb[KSCAN_A_SRC_MAC]);
	assert_null(tb[KSCAN_A_TX_QUEUES]);
	assert_null(tb[KSCAN_A_TX_CPUS]);
	assert_null(tb[KSCAN_A_TTL]);
	assert_null(tb[KSCAN_A_WINDOW]);
	assert_null(tb[KSCAN_A_TCP_OPTIONS]);
	assert_null(tb[KSCAN_A_XMIT_MODE]);
	assert_null(tb[KSCAN_A_BURST]);
	assert_null(tb[KSCAN_A_MAX_PACKETS]);
	assert_null(tb[KSCAN_A_FLAGS]);
	nlmsg_free(msg);
}

static void test_start_optional_attributes(void **state)
{
	struct nlattr *tb[KSCAN_A_MAX + 1];
	struct kscan_start_request req;
	struct nl_msg *msg;
	u64 budget = 5000;
	u32 v32;
	u16 v16;
	u8 ttl = 64;

	(void)state;
	fill_minimal(&req);
	req.has_src_mac = true;
	memcpy(req.src_mac, "\x02\x00\x00\x00\x00\x09", 6);
	req.tx_queues = test_queues;
	req.nr_tx_queues = 2;
	req.tx_cpus = test_cpus;
	req.nr_tx_cpus = 2;
	req.has_ttl = true;
	req.ttl = 64;
	req.has_window = true;
	req.window = 1024;
	req.has_tcp_options = true;
	req.tcp_options = KSCAN_TCP_OPT_LINUX;
	req.has_xmit_mode = true;
	req.xmit_mode = KSCAN_XMIT_QUEUE;
	req.has_burst = true;
	req.burst = 64;
	req.max_packets = budget;
	req.flags = KSCAN_START_F_SW_CSUM;
	msg = build(&req, tb);

	assert_attr(tb[KSCAN_A_SRC_MAC], 6, "\x02\x00\x00\x00\x00\x09");
	assert_attr(tb[KSCAN_A_TX_QUEUES], 4, test_queues);
	assert_attr(tb[KSCAN_A_TX_CPUS], 8, test_cpus);
	assert_attr(tb[KSCAN_A_TTL], 1, &ttl);
	v16 = 1024;
	assert_attr(tb[KSCAN_A_WINDOW], 2, &v16);
	v32 = KSCAN_TCP_OPT_LINUX;
	assert_attr(tb[KSCAN_A_TCP_OPTIONS], 4, &v32);
	v32 = KSCAN_XMIT_QUEUE;
	assert_attr(tb[KSCAN_A_XMIT_MODE], 4, &v32);
	v32 = 64;
	assert_attr(tb[KSCAN_A_BURST], 4, &v32);
	assert_attr(tb[KSCAN_A_MAX_PACKETS], 8, &budget);
	v32 = KSCAN_START_F_SW_CSUM;
	assert_attr(tb[KSCAN_A_FLAGS], 4, &v32);
	nlmsg_free(msg);
}

/*
 * A list of sources: KSCAN_A_SADDR_LIST, be32 each in the order given,
 * and neither SADDR_FIRST nor SADDR_LAST (the uapi makes them exclusive);
 * 1..KSCAN_MAX_SADDRS entries.
 */
static void test_start_saddr_list(void **state)
{
	static const u32 list[] = {
		IP4(198, 18, 0, 1), IP4(198, 18, 0, 7), IP4(198, 18, 0, 3),
	};
	static const u8 want[12] = { 198, 18, 0, 1, 198, 18, 0, 7,
				     198, 18, 0, 3 };
	struct nlattr *tb[KSCAN_A_MAX + 1];
	struct kscan_start_request req;
	struct nl_msg *msg;
	u32 *many, i;

	(void)state;
	fill_minimal(&req);
	req.saddr_list = list;
	req.nr_saddrs = 3;
	msg = build(&req, tb);
	assert_attr(tb[KSCAN_A_SADDR_LIST], 12, want);
	assert_null(tb[KSCAN_A_SADDR_FIRST]);
	assert_null(tb[KSCAN_A_SADDR_LAST]);
	assert_non_null(tb[KSCAN_A_SPORT_FIRST]);
	assert_non_null(tb[KSCAN_A_TARGETS]);
	nlmsg_free(msg);

	/* one entry is a list too; no list: FIRST/LAST as before */
	req.nr_saddrs = 1;
	msg = build(&req, tb);
	assert_attr(tb[KSCAN_A_SADDR_LIST], 4, want);
	assert_null(tb[KSCAN_A_SADDR_FIRST]);
	nlmsg_free(msg);
	req.saddr_list = NULL;
	req.nr_saddrs = 0;
	msg = build(&req, tb);
	assert_null(tb[KSCAN_A_SADDR_LIST]);
	assert_non_null(tb[KSCAN_A_SADDR_FIRST]);
	assert_non_null(tb[KSCAN_A_SADDR_LAST]);
	nlmsg_free(msg);

	/* KSCAN_MAX_SADDRS fit (in the size estimate too); one more not */
	many = calloc(KSCAN_MAX_SADDRS + 1, sizeof(*many));
	for (i = 0; i <= KSCAN_MAX_SADDRS; i++)
		many[i] = IP4(198, 18, 0, 0) + i;
	req.saddr_list = many;
	req.nr_saddrs = KSCAN_MAX_SADDRS;
	msg = build(&req, tb);
	assert_int_equal(nla_len(tb[KSCAN_A_SADDR_LIST]), 4 * KSCAN_MAX_SADDRS);
	{
		const u8 *b = nla_data(tb[KSCAN_A_SADDR_LIST]);

		assert_memory_equal(b + 4 * 255, "\xc6\x12\x00\xff", 4);
	}
	nlmsg_free(msg);
	msg = nlmsg_alloc_size(1 << 16);
	req.nr_saddrs = KSCAN_MAX_SADDRS + 1;
	assert_int_equal(kscan_nl_put_start(msg, &req), -EMSGSIZE);
	nlmsg_free(msg);
	msg = nlmsg_alloc_size(1 << 16);
	req.nr_saddrs = 0;
	assert_int_equal(kscan_nl_put_start(msg, &req), -EINVAL);
	nlmsg_free(msg);
	free(many);
}

/*
 * KSCAN_MAX_INTERVALS intervals go in several nests of at most 5460, in
 * order; 65535 consecutive ports are one range; one more interval, or more
 * ranges than the uapi allows, is refused.
 */
static void test_start_size_limits(void **state)
{
	struct kscan_start_request req;
	struct kscan_interval *iv;
	struct nlattr *attr;
	struct nl_msg *msg;
	u32 i, n = 0, nests = 0, expect = 0;
	u16 *ports;
	int rem, rem2;

	(void)state;
	assert_int_equal(KSCAN_NL_INTERVALS_PER_NEST, 5460);
	iv = calloc(KSCAN_MAX_INTERVALS + 1, sizeof(*iv));
	ports = calloc(65536, sizeof(*ports));
	for (i = 0; i <= KSCAN_MAX_INTERVALS; i++)
		iv[i].first = iv[i].last = 2 * i;
	for (i = 0; i < 65535; i++)
		ports[i] = (u16)(i + 1);

	fill_minimal(&req);
	req.intervals = iv;
	req.nr_intervals = KSCAN_MAX_INTERVALS;
	req.ports = ports;
	req.nr_ports = 65535;
	msg = nlmsg_alloc_size(1 << 20);
	assert_int_equal(kscan_nl_put_start(msg, &req), 0);
	nla_for_each_attr(attr, nlmsg_attrdata(nlmsg_hdr(msg), 0),
			  nlmsg_attrlen(nlmsg_hdr(msg), 0), rem) {
		struct nlattr *one;

		if (nla_type(attr) == KSCAN_A_PORTS) {
			const u16 want[2] = { 1, 65535 };

			assert_attr(attr, 4, want);
		}
		if (nla_type(attr) != KSCAN_A_TARGETS)
			continue;
		nests++;
		nla_for_each_nested(one, attr, rem2) {
			struct kscan_ipv4_interval got;

			memcpy(&got, nla_data(one), sizeof(got));
			assert_int_equal(ntohl(got.first), 2 * expect);
			expect++;
			n++;
		}
	}
	assert_int_equal(n, KSCAN_MAX_INTERVALS);
	assert_int_equal(nests, 4); /* 5460 + 5460 + 5460 + 4 */
	nlmsg_free(msg);

	msg = nlmsg_alloc_size(1 << 20);
	req.nr_intervals = KSCAN_MAX_INTERVALS + 1;
	assert_int_equal(kscan_nl_put_start(msg, &req), -EMSGSIZE);
	nlmsg_free(msg);

	/* Every other port: 32768 ranges, more than KSCAN_MAX_PORT_RANGES. */
	for (i = 0; i < 32768; i++)
		ports[i] = (u16)(2 * i + 1);
	req.nr_intervals = 1;
	req.nr_ports = 32768;
	assert_int_equal(kscan_nl_port_ranges(ports, 32768), 32768);
	msg = nlmsg_alloc_size(1 << 20);
	assert_int_equal(kscan_nl_put_start(msg, &req), -EMSGSIZE);
	nlmsg_free(msg);
	free(iv);
	free(ports);
}

/*
 * A GET reply / EVENT as the module builds it: u64 counters after a PAD
 * (nla_put_u64_64bit), state and reason as u32, nested queue stats.
 */
static void test_parse_status(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct kscan_scan_status st;
	struct nlattr *stats, *q;
	int i;

	(void)state;
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
				    KSCAN_CMD_EVENT, KSCAN_GENL_VERSION));
	assert_int_equal(nla_put_u32(msg, KSCAN_A_SCAN_ID, 9), 0);
	assert_int_equal(nla_put_u32(msg, KSCAN_A_IFINDEX, 4), 0);
	assert_int_equal(nla_put_u32(msg, KSCAN_A_STATE, KSCAN_STATE_ABORTED), 0);
	assert_int_equal(nla_put_u32(msg, KSCAN_A_REASON, KSCAN_REASON_BUDGET), 0);
	assert_int_equal(nla_put(msg, KSCAN_A_PAD, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_SENT, 1ULL << 40), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_TX_BUSY, 3), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_ERRORS, 2), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_PROGRESS, 1000), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_TOTAL, 2000), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_START_NS, 5000000000ULL), 0);
	assert_int_equal(nla_put_u64(msg, KSCAN_A_END_NS, 7500000000ULL), 0);
	stats = nla_nest_start(msg, KSCAN_A_QUEUE_STATS);
	for (i = 0; i < 2; i++) {
		q = nla_nest_start(msg, KSCAN_A_QUEUE_STAT);
		assert_int_equal(nla_put_u16(msg, KSCAN_QSTAT_A_QUEUE, (u16)(i + 3)), 0);
		assert_int_equal(nla_put_u32(msg, KSCAN_QSTAT_A_CPU, (u32)(i + 10)), 0);
		assert_int_equal(nla_put_u64(msg, KSCAN_QSTAT_A_SENT, 100 + i), 0);
		assert_int_equal(nla_put_u64(msg, KSCAN_QSTAT_A_TX_BUSY, 1), 0);
		assert_int_equal(nla_put_u64(msg, KSCAN_QSTAT_A_ERRORS, 0), 0);
		nla_nest_end(msg, q);
	}
	nla_nest_end(msg, stats);

	assert_int_equal(kscan_nl_parse_status(msg, &st), 0);
	assert_int_equal(st.scan_id, 9);
	assert_int_equal(st.ifindex, 4);
	assert_int_equal(st.state, KSCAN_STATE_ABORTED);
	assert_int_equal(st.reason, KSCAN_REASON_BUDGET);
	assert_true(st.sent == 1ULL << 40);
	assert_int_equal(st.tx_busy, 3);
	assert_int_equal(st.errors, 2);
	assert_int_equal(st.progress, 1000);
	assert_int_equal(st.total, 2000);
	assert_true(st.start_ns == 5000000000ULL);
	assert_true(st.end_ns == 7500000000ULL);
	assert_int_equal(st.nr_queues, 2);
	assert_int_equal(st.queues[1].queue, 4);
	assert_int_equal(st.queues[1].cpu, 11);
	assert_int_equal(st.queues[1].sent, 101);
	assert_int_equal(st.queues[1].tx_busy, 1);
	nlmsg_free(msg);

	/* no scan id: not a status */
	msg = nlmsg_alloc();
	assert_non_null(genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
				    KSCAN_CMD_EVENT, KSCAN_GENL_VERSION));
	assert_int_equal(nla_put_u32(msg, KSCAN_A_STATE, KSCAN_STATE_DONE), 0);
	assert_int_equal(kscan_nl_parse_status(msg, &st), -1);
	nlmsg_free(msg);
}

static void test_state_reason_names(void **state)
{
	(void)state;
	assert_string_equal(kscan_state_name(KSCAN_STATE_RUNNING), "running");
	assert_string_equal(kscan_state_name(KSCAN_STATE_DONE), "done");
	assert_string_equal(kscan_state_name(KSCAN_STATE_ABORTED), "aborted");
	assert_string_equal(kscan_state_name(__KSCAN_STATE_MAX), "unknown");
	assert_string_equal(kscan_reason_name(KSCAN_REASON_NONE), "-");
	assert_string_equal(kscan_reason_name(KSCAN_REASON_BUDGET), "budget");
	assert_string_equal(kscan_reason_name(KSCAN_REASON_ERROR), "error");
	assert_string_equal(kscan_reason_name(__KSCAN_REASON_MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_required_attributes),
		cmocka_unit_test(test_start_optional_attributes),
		cmocka_unit_test(test_start_saddr_list),
		cmocka_unit_test(test_start_size_limits),
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_state_reason_names),
	};

	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
