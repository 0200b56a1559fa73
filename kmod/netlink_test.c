// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_netlink: START requests built attribute by attribute,
 * parsed with the family's real policy and parser. Every limit of the uapi
 * header is tried at its edge: the largest accepted value and one more.
 */
#include <kunit/test.h>
#include <net/genetlink.h>

#include "kscan.h"

/* What to do to an otherwise valid START. */
enum kscan_nl_change {
	KSCAN_NL_VALID,
	KSCAN_NL_NO_KEY,
	KSCAN_NL_KEY_17_BYTES,
	KSCAN_NL_PROBES_16,
	KSCAN_NL_PROBES_17,
	KSCAN_NL_BURST_256,
	KSCAN_NL_BURST_257,
	KSCAN_NL_FLAGS_UNKNOWN,
	KSCAN_NL_INTERVALS_MAX,
	KSCAN_NL_INTERVALS_MAX_PLUS_1,
	KSCAN_NL_PORTS_ALL,
	KSCAN_NL_PORTS_UNSORTED,
	KSCAN_NL_QUEUES_MAX,
	KSCAN_NL_QUEUES_MAX_PLUS_1,
	KSCAN_NL_UNKNOWN_ATTR,
	KSCAN_NL_SADDR_LIST,
	KSCAN_NL_SADDR_LIST_AND_FIRST,
};

struct kscan_nl_case {
	const char *name;
	enum kscan_nl_change change;
	int err;
	const char *msg;	/* extack message, NULL: not checked */
};

static const struct kscan_nl_case kscan_nl_cases[] = {
	{ "valid", KSCAN_NL_VALID, 0, NULL },
	{ "no key", KSCAN_NL_NO_KEY, -EINVAL, "KSCAN_A_KEY is required" },
	{ "17-byte key", KSCAN_NL_KEY_17_BYTES, -ERANGE, NULL },
	{ "16 probes", KSCAN_NL_PROBES_16, 0, NULL },
	{ "17 probes", KSCAN_NL_PROBES_17, -ERANGE,
	  "KSCAN_A_PROBES: expected 1..KSCAN_MAX_PROBES (16)" },
	{ "burst 256", KSCAN_NL_BURST_256, 0, NULL },
	{ "burst 257", KSCAN_NL_BURST_257, -ERANGE,
	  "KSCAN_A_BURST: expected 1..KSCAN_MAX_BURST (256)" },
	{ "unknown flag", KSCAN_NL_FLAGS_UNKNOWN, -EOPNOTSUPP,
	  "KSCAN_A_FLAGS: unknown flag bits" },
	{ "16384 intervals in 4 nests", KSCAN_NL_INTERVALS_MAX, 0, NULL },
	{ "16385 intervals", KSCAN_NL_INTERVALS_MAX_PLUS_1, -E2BIG,
	  "KSCAN_A_TARGETS: more than KSCAN_MAX_INTERVALS (16384) intervals" },
	{ "ports 1-65535", KSCAN_NL_PORTS_ALL, 0, NULL },
	{ "unsorted ports", KSCAN_NL_PORTS_UNSORTED, -EINVAL,
	  "KSCAN_A_PORTS: ranges must be sorted and disjoint" },
	{ "64 queues", KSCAN_NL_QUEUES_MAX, 0, NULL },
	{ "65 queues", KSCAN_NL_QUEUES_MAX_PLUS_1, -ERANGE, NULL },
	{ "unknown attribute", KSCAN_NL_UNKNOWN_ATTR, -EINVAL, NULL },
	{ "source list", KSCAN_NL_SADDR_LIST, 0, NULL },
	{ "source list and range", KSCAN_NL_SADDR_LIST_AND_FIRST, -EINVAL,
	  "KSCAN_A_SADDR_LIST: give a list or KSCAN_A_SADDR_FIRST/LAST, not both" },
};

static void kscan_nl_case_desc(const struct kscan_nl_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kscan_nl_case, kscan_nl_cases, kscan_nl_case_desc);

static const u8 kscan_nl_test_key[KSCAN_KEY_LEN + 1] = { 1, 2, 3 };

/* @n intervals 198.18.0.0, .2, .4, ... in nests of 5000. */
static int kscan_nl_put_intervals(struct sk_buff *skb, u32 n)
{
	struct nlattr *nest = NULL;
	u32 i;

	for (i = 0; i < n; i++) {
		struct kscan_ipv4_interval iv = {
			.first = cpu_to_be32(0xc6120000 + 2 * i),
			.last = cpu_to_be32(0xc6120000 + 2 * i),
		};

		if (i % 5000 == 0) {
			if (nest)
				nla_nest_end(skb, nest);
			nest = nla_nest_start(skb, KSCAN_A_TARGETS);
			if (!nest)
				return -EMSGSIZE;
		}
		if (nla_put(skb, KSCAN_TARGET_A_INTERVAL, sizeof(iv), &iv))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int kscan_nl_build(struct sk_buff *skb, enum kscan_nl_change change)
{
	static const u8 mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	struct kscan_port_range ports[2] = { { 80, 80 }, { 443, 443 } };
	u16 queues[KSCAN_MAX_QUEUES + 1];
	u32 i, nr_queues = 1;

	if (change == KSCAN_NL_PORTS_ALL)
		ports[0] = (struct kscan_port_range){ 1, 65535 };
	if (change == KSCAN_NL_PORTS_UNSORTED)
		swap(ports[0], ports[1]);
	if (change == KSCAN_NL_QUEUES_MAX)
		nr_queues = KSCAN_MAX_QUEUES;
	if (change == KSCAN_NL_QUEUES_MAX_PLUS_1)
		nr_queues = KSCAN_MAX_QUEUES + 1;
	for (i = 0; i < nr_queues; i++)
		queues[i] = i;

	static const __be32 saddrs[3] = { cpu_to_be32(0xc6120009),
					  cpu_to_be32(0xc6120003),
					  cpu_to_be32(0xc6120005) };

	if (change == KSCAN_NL_SADDR_LIST ||
	    change == KSCAN_NL_SADDR_LIST_AND_FIRST) {
		if (nla_put(skb, KSCAN_A_SADDR_LIST, sizeof(saddrs), saddrs))
			return -EMSGSIZE;
	}
	if (change != KSCAN_NL_SADDR_LIST &&
	    nla_put_be32(skb, KSCAN_A_SADDR_FIRST, cpu_to_be32(0xc6120001)))
		return -EMSGSIZE;
	if (nla_put_u32(skb, KSCAN_A_IFINDEX, 1) ||
	    nla_put(skb, KSCAN_A_DST_MAC, ETH_ALEN, mac) ||
	    nla_put_u16(skb, KSCAN_A_SPORT_FIRST, 40000) ||
	    nla_put_u16(skb, KSCAN_A_SPORT_LAST, 40999) ||
	    nla_put(skb, KSCAN_A_PORTS,
		    change == KSCAN_NL_PORTS_ALL ? sizeof(ports[0]) :
						   sizeof(ports),
		    ports) ||
	    nla_put(skb, KSCAN_A_TX_QUEUES, nr_queues * sizeof(u16), queues))
		return -EMSGSIZE;
	if (change != KSCAN_NL_NO_KEY &&
	    nla_put(skb, KSCAN_A_KEY,
		    change == KSCAN_NL_KEY_17_BYTES ? KSCAN_KEY_LEN + 1 :
						      KSCAN_KEY_LEN,
		    kscan_nl_test_key))
		return -EMSGSIZE;
	if ((change == KSCAN_NL_PROBES_16 &&
	     nla_put_u32(skb, KSCAN_A_PROBES, 16)) ||
	    (change == KSCAN_NL_PROBES_17 &&
	     nla_put_u32(skb, KSCAN_A_PROBES, 17)) ||
	    (change == KSCAN_NL_BURST_256 &&
	     nla_put_u32(skb, KSCAN_A_BURST, 256)) ||
	    (change == KSCAN_NL_BURST_257 &&
	     nla_put_u32(skb, KSCAN_A_BURST, 257)) ||
	    (change == KSCAN_NL_FLAGS_UNKNOWN &&
	     nla_put_u32(skb, KSCAN_A_FLAGS, 1U << 31)) ||
	    (change == KSCAN_NL_UNKNOWN_ATTR &&
	     nla_put_u32(skb, KSCAN_A_MAX + 1, 0)))
		return -EMSGSIZE;
	if (change == KSCAN_NL_INTERVALS_MAX)
		return kscan_nl_put_intervals(skb, KSCAN_MAX_INTERVALS);
	if (change == KSCAN_NL_INTERVALS_MAX_PLUS_1)
		return kscan_nl_put_intervals(skb, KSCAN_MAX_INTERVALS + 1);
	return kscan_nl_put_intervals(skb, 2);
}

static void kscan_nl_start_parse(struct kunit *test)
{
	const struct kscan_nl_case *c = test->param_value;
	struct nlattr *tb[KSCAN_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct genl_info info = {};
	struct kscan_config *cfg;
	struct sk_buff *skb;
	struct nlmsghdr *nlh;
	void *hdr;
	int err;

	/* Arrange: a START message as userspace would send it. */
	skb = alloc_skb(512 * 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	hdr = genlmsg_put(skb, 0, 1, &kscan_genl_family, 0, KSCAN_CMD_START);
	KUNIT_ASSERT_NOT_NULL(test, hdr);
	KUNIT_ASSERT_EQ(test, kscan_nl_build(skb, c->change), 0);
	genlmsg_end(skb, hdr);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);

	/* Act: the core's strict policy check, then the family's parser. */
	nlh = nlmsg_hdr(skb);
	err = nlmsg_parse(nlh, GENL_HDRLEN, tb, KSCAN_A_MAX,
			  kscan_start_policy, &extack);
	if (!err) {
		info.attrs = tb;
		info.extack = &extack;
		info.nlhdr = nlh;
		info.genlhdr = nlmsg_data(nlh);
		err = kscan_nl_parse_start(&info, cfg);
	}

	/* Assert */
	KUNIT_EXPECT_EQ(test, err, c->err);
	if (c->msg)
		KUNIT_EXPECT_STREQ(test, extack._msg ? extack._msg : "", c->msg);
	if (!c->err && c->change != KSCAN_NL_SADDR_LIST) {
		KUNIT_EXPECT_EQ(test, cfg->saddr_first, 0xc6120001U);
		KUNIT_EXPECT_EQ(test, cfg->saddr_last, 0xc6120001U);
		KUNIT_EXPECT_EQ(test, cfg->nr_saddrs, 0U);
	}
	if (c->change == KSCAN_NL_SADDR_LIST) {
		KUNIT_EXPECT_EQ(test, cfg->nr_saddrs, 3U);
		KUNIT_EXPECT_EQ(test, cfg->saddrs[0], 0xc6120009U);
		KUNIT_EXPECT_EQ(test, cfg->saddrs[2], 0xc6120005U);
	}
	if (!c->err) {
		KUNIT_EXPECT_EQ(test, cfg->ifindex, 1);
		KUNIT_EXPECT_EQ(test, cfg->ttl, 255);
		KUNIT_EXPECT_EQ(test, cfg->window, 65535);
		KUNIT_EXPECT_EQ(test, cfg->intervals[0].first, 0xc6120000U);
		KUNIT_EXPECT_EQ(test, cfg->intervals[1].first, 0xc6120002U);
	}
	if (c->change == KSCAN_NL_VALID) {
		KUNIT_EXPECT_EQ(test, cfg->nr_intervals, 2U);
		KUNIT_EXPECT_EQ(test, cfg->nr_ports, 2U);
		KUNIT_EXPECT_EQ(test, cfg->ports[0], 80);
		KUNIT_EXPECT_EQ(test, cfg->ports[1], 443);
		KUNIT_EXPECT_EQ(test, cfg->probes, 1U);
		KUNIT_EXPECT_EQ(test, cfg->burst, 32U);
		KUNIT_EXPECT_EQ(test, cfg->shards, 1U);
		KUNIT_EXPECT_EQ(test, cfg->nr_queues, 1U);
	}
	if (c->change == KSCAN_NL_INTERVALS_MAX)
		KUNIT_EXPECT_EQ(test, cfg->nr_intervals, KSCAN_MAX_INTERVALS);
	if (c->change == KSCAN_NL_PORTS_ALL) {
		KUNIT_EXPECT_EQ(test, cfg->nr_ports, 65535U);
		KUNIT_EXPECT_EQ(test, cfg->ports[65534], 65535);
	}
	if (c->change == KSCAN_NL_QUEUES_MAX)
		KUNIT_EXPECT_EQ(test, cfg->nr_queues, KSCAN_MAX_QUEUES);

	kscan_config_free(cfg);
	kfree_skb(skb);
}

static struct kunit_case kscan_netlink_cases[] = {
	KUNIT_CASE_PARAM(kscan_nl_start_parse, kscan_nl_case_gen_params),
	{}
};

static struct kunit_suite kscan_netlink_suite = {
	.name = "kscan_netlink",
	.test_cases = kscan_netlink_cases,
};

kunit_test_suite(kscan_netlink_suite);
