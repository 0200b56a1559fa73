// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family "kscan": policies, command handlers and the
 * "events" multicast group. The protocol is documented in
 * include/uapi/linux/kscan.h.
 *
 * Each attribute's accepted values live in the policies below: the core
 * refuses anything else before a handler runs, with an extended ack that
 * points at the attribute and carries its policy, and CTRL_CMD_GETPOLICY
 * shows the same limits to userspace. The handlers check only what a
 * policy cannot say: rules between attributes, array contents, and the
 * device, queues and CPUs as they are now.
 */
#include <linux/cpumask.h>
#include <linux/etherdevice.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "kscan.h"

static const struct nla_policy kscan_target_policy[KSCAN_TARGET_A_MAX + 1] = {
	[KSCAN_TARGET_A_INTERVAL] =
		NLA_POLICY_EXACT_LEN(sizeof(struct kscan_ipv4_interval)),
};

/* Ranges that do not fit the policy's inline s16 bounds (6.1 takes them
 * through a non-const pointer; nothing writes them).
 */
static struct netlink_range_validation kscan_ifindex_range = {
	.min = 1,
	.max = INT_MAX,
};

static struct netlink_range_validation kscan_shard_range = {
	.min = 0,
	.max = KSCAN_MAX_SHARDS - 1,
};

static struct netlink_range_validation kscan_shards_range = {
	.min = 1,
	.max = KSCAN_MAX_SHARDS,
};

static struct netlink_range_validation kscan_rate_range = {
	.min = 0,
	.max = KSCAN_MAX_RATE,
};

const struct nla_policy kscan_start_policy[KSCAN_A_MAX + 1] = {
	[KSCAN_A_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &kscan_ifindex_range),
	[KSCAN_A_SRC_MAC] = NLA_POLICY_ETH_ADDR,
	[KSCAN_A_DST_MAC] = NLA_POLICY_ETH_ADDR,
	/* be32, as 4 bytes: 6.1's policy dump leaves NLA_BE32 out */
	[KSCAN_A_SADDR_FIRST] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[KSCAN_A_SADDR_LAST] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[KSCAN_A_SADDR_LIST] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(__be32),
						KSCAN_MAX_SADDRS * sizeof(__be32)),
	[KSCAN_A_SPORT_FIRST] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSCAN_A_SPORT_LAST] = NLA_POLICY_MIN(NLA_U16, 1),
	[KSCAN_A_TARGETS] = NLA_POLICY_NESTED(kscan_target_policy),
	/* an inline range: 6.1 dumps binary lengths only from those */
	[KSCAN_A_PORTS] = NLA_POLICY_RANGE(NLA_BINARY,
					   sizeof(struct kscan_port_range),
					   KSCAN_MAX_PORT_RANGES *
						   sizeof(struct kscan_port_range)),
	[KSCAN_A_PROBES] = NLA_POLICY_RANGE(NLA_U32, 1, KSCAN_MAX_PROBES),
	[KSCAN_A_SEED] = { .type = NLA_U64 },
	[KSCAN_A_SHARD] = NLA_POLICY_FULL_RANGE(NLA_U32, &kscan_shard_range),
	[KSCAN_A_SHARDS] = NLA_POLICY_FULL_RANGE(NLA_U32, &kscan_shards_range),
	[KSCAN_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &kscan_rate_range),
	[KSCAN_A_TX_QUEUES] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(u16),
					       KSCAN_MAX_QUEUES * sizeof(u16)),
	[KSCAN_A_TX_CPUS] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(u32),
					     KSCAN_MAX_QUEUES * sizeof(u32)),
	[KSCAN_A_TTL] = NLA_POLICY_MIN(NLA_U8, 1),
	[KSCAN_A_WINDOW] = { .type = NLA_U16 },
	[KSCAN_A_TCP_OPTIONS] = NLA_POLICY_MAX(NLA_U32, __KSCAN_TCP_OPT_MAX - 1),
	[KSCAN_A_KEY] = NLA_POLICY_EXACT_LEN(KSCAN_KEY_LEN),
	[KSCAN_A_XMIT_MODE] = NLA_POLICY_MAX(NLA_U32, __KSCAN_XMIT_MAX - 1),
	[KSCAN_A_BURST] = NLA_POLICY_RANGE(NLA_U32, 1, KSCAN_MAX_BURST),
	[KSCAN_A_MAX_PACKETS] = NLA_POLICY_MIN(NLA_U64, 1),
	[KSCAN_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KSCAN_START_F_ALL),
};

static const struct nla_policy kscan_scan_id_policy[KSCAN_A_MAX + 1] = {
	[KSCAN_A_SCAN_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy kscan_get_info_policy[KSCAN_A_MAX + 1] = {};

/*
 * A required attribute is missing: NLMSGERR_ATTR_MISS_TYPE names it for
 * programs, @msg for people. Returns true when it is missing.
 */
static bool kscan_nl_missing(struct genl_info *info, int type, const char *msg)
{
	if (!GENL_REQ_ATTR_CHECK(info, type))
		return false;
	if (info->extack)
		info->extack->_msg = msg;
	return true;
}

/* The attributes START cannot do without (SADDR_FIRST has an alternative). */
static const struct {
	int type;
	const char *msg;
} kscan_start_required[] = {
	{ KSCAN_A_IFINDEX, "KSCAN_A_IFINDEX is required" },
	{ KSCAN_A_DST_MAC, "KSCAN_A_DST_MAC is required" },
	{ KSCAN_A_SPORT_FIRST, "KSCAN_A_SPORT_FIRST is required" },
	{ KSCAN_A_SPORT_LAST, "KSCAN_A_SPORT_LAST is required" },
	{ KSCAN_A_TARGETS, "KSCAN_A_TARGETS is required" },
	{ KSCAN_A_PORTS, "KSCAN_A_PORTS is required" },
	{ KSCAN_A_KEY, "KSCAN_A_KEY is required" },
};

/*
 * KSCAN_A_TARGETS may repeat: an attribute's length is 16 bits, so one nest
 * holds at most 5460 intervals. The intervals of all of them, in message
 * order, are the list. The policy has checked each nest and entry already.
 */
#define kscan_for_each_targets(attr, info, rem)                            \
	nla_for_each_attr(attr, genlmsg_data((info)->genlhdr),               \
			  genlmsg_len((info)->genlhdr), rem)                  \
		if (nla_type(attr) == KSCAN_A_TARGETS)

static int kscan_nl_parse_targets(struct kscan_config *cfg,
				  struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	const struct nlattr *nest, *attr;
	int rem, rem2;
	u32 n = 0;

	kscan_for_each_targets(nest, info, rem) {
		nla_for_each_nested(attr, nest, rem2) {
			/* Counted before allocating: the caller picks the size. */
			if (++n > KSCAN_MAX_INTERVALS) {
				NL_SET_ERR_MSG_ATTR(extack, nest,
						    "KSCAN_A_TARGETS: more than KSCAN_MAX_INTERVALS (16384) intervals");
				return -E2BIG;
			}
		}
	}
	if (!n) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[KSCAN_A_TARGETS],
				    "KSCAN_A_TARGETS: at least one interval is required");
		return -EINVAL;
	}

	cfg->intervals = kvmalloc_array(n, sizeof(*cfg->intervals),
					GFP_KERNEL_ACCOUNT);
	if (!cfg->intervals)
		return -ENOMEM;

	kscan_for_each_targets(nest, info, rem) {
		nla_for_each_nested(attr, nest, rem2) {
			const struct kscan_ipv4_interval *iv = nla_data(attr);
			struct kscan_interval *out =
				&cfg->intervals[cfg->nr_intervals];

			out->first = be32_to_cpu(iv->first);
			out->last = be32_to_cpu(iv->last);
			if (out->first > out->last) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "KSCAN_A_TARGETS: interval with first > last");
				return -EINVAL;
			}
			if (cfg->nr_intervals &&
			    out->first <=
				    cfg->intervals[cfg->nr_intervals - 1].last) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "KSCAN_A_TARGETS: intervals must be sorted and disjoint");
				return -EINVAL;
			}
			cfg->nr_intervals++;
		}
	}
	return 0;
}

/* The policy bounds the length to 1..KSCAN_MAX_PORT_RANGES ranges' worth. */
static int kscan_nl_parse_ports(struct kscan_config *cfg,
				const struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	const struct kscan_port_range *ranges = nla_data(attr);
	u32 len = nla_len(attr), n, i, port;

	if (len % sizeof(*ranges)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "KSCAN_A_PORTS: expected an array of 4-byte struct kscan_port_range");
		return -EINVAL;
	}
	n = len / sizeof(*ranges);
	for (i = 0; i < n; i++) {
		/* kscanctl's -p refuses it too: no service listens there */
		if (!ranges[i].first) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KSCAN_A_PORTS: port 0 is not a TCP port one can probe");
			return -EINVAL;
		}
		if (ranges[i].first > ranges[i].last) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KSCAN_A_PORTS: range with first > last");
			return -EINVAL;
		}
		if (i && ranges[i].first <= ranges[i - 1].last) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KSCAN_A_PORTS: ranges must be sorted and disjoint");
			return -EINVAL;
		}
		/* Disjoint u16 ranges: at most 65536 ports, no overflow. */
		cfg->nr_ports += ranges[i].last - ranges[i].first + 1;
	}

	cfg->ports = kvmalloc_array(cfg->nr_ports, sizeof(u16),
				    GFP_KERNEL_ACCOUNT);
	if (!cfg->ports)
		return -ENOMEM;
	for (i = 0, n = 0; i < len / sizeof(*ranges); i++)
		for (port = ranges[i].first; port <= ranges[i].last; port++)
			cfg->ports[n++] = port;
	return 0;
}

/*
 * TX queues (distinct) and their CPUs. A CPU must be online and one the
 * caller may run on (its affinity, which its cpuset bounds): START runs in
 * the caller's context, so current is the caller.
 */
static int kscan_nl_parse_queues(struct kscan_config *cfg, struct nlattr **a,
				 struct netlink_ext_ack *extack)
{
	const struct nlattr *attr = a[KSCAN_A_TX_QUEUES];
	u32 i, j;

	cfg->nr_queues = 1;
	cfg->queues[0] = 0;
	cfg->cpus[0] = -1;
	if (attr) {
		u32 len = nla_len(attr);

		if (len % sizeof(u16)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KSCAN_A_TX_QUEUES: expected an array of u16 queue indices");
			return -EINVAL;
		}
		cfg->nr_queues = len / sizeof(u16);
		memcpy(cfg->queues, nla_data(attr), len);
		for (i = 0; i < cfg->nr_queues; i++) {
			for (j = 0; j < i; j++) {
				if (cfg->queues[i] == cfg->queues[j]) {
					NL_SET_ERR_MSG_ATTR(extack, attr,
							    "KSCAN_A_TX_QUEUES: duplicate queue");
					return -EINVAL;
				}
			}
		}
		for (i = 0; i < cfg->nr_queues; i++)
			cfg->cpus[i] = -1;
	}

	attr = a[KSCAN_A_TX_CPUS];
	if (!attr)
		return 0;
	if (nla_len(attr) != cfg->nr_queues * sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "KSCAN_A_TX_CPUS: expected one u32 CPU per TX queue");
		return -EINVAL;
	}
	for (i = 0; i < cfg->nr_queues; i++) {
		u32 cpu = ((const u32 *)nla_data(attr))[i];

		if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KSCAN_A_TX_CPUS: CPU is not online");
			return -EINVAL;
		}
		if (!cpumask_test_cpu(cpu, current->cpus_ptr)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "KSCAN_A_TX_CPUS: CPU is not allowed for the caller (affinity, cpuset)");
			return -EPERM;
		}
		cfg->cpus[i] = cpu;
	}
	return 0;
}

/* The source addresses: a range (FIRST[, LAST]) or a list. */
static int kscan_nl_parse_saddrs(struct kscan_config *cfg,
				 struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	const __be32 *list;
	u32 i;

	if (a[KSCAN_A_SADDR_LIST]) {
		if (a[KSCAN_A_SADDR_FIRST] || a[KSCAN_A_SADDR_LAST]) {
			NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_SADDR_LIST],
					    "KSCAN_A_SADDR_LIST: give a list or KSCAN_A_SADDR_FIRST/LAST, not both");
			return -EINVAL;
		}
		if (nla_len(a[KSCAN_A_SADDR_LIST]) % sizeof(__be32)) {
			NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_SADDR_LIST],
					    "KSCAN_A_SADDR_LIST: expected an array of be32 addresses");
			return -EINVAL;
		}
		list = nla_data(a[KSCAN_A_SADDR_LIST]);
		cfg->nr_saddrs = nla_len(a[KSCAN_A_SADDR_LIST]) / sizeof(__be32);
		for (i = 0; i < cfg->nr_saddrs; i++)
			cfg->saddrs[i] = be32_to_cpu(list[i]);
		return 0;
	}

	if (kscan_nl_missing(info, KSCAN_A_SADDR_FIRST,
			     "KSCAN_A_SADDR_FIRST is required"))
		return -EINVAL;
	cfg->saddr_first = be32_to_cpu(nla_get_be32(a[KSCAN_A_SADDR_FIRST]));
	cfg->saddr_last = a[KSCAN_A_SADDR_LAST] ?
		be32_to_cpu(nla_get_be32(a[KSCAN_A_SADDR_LAST])) :
		cfg->saddr_first;
	if (cfg->saddr_last < cfg->saddr_first) {
		NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_SADDR_LAST],
				    "KSCAN_A_SADDR_LAST: below KSCAN_A_SADDR_FIRST");
		return -EINVAL;
	}
	return 0;
}

static int kscan_nl_parse_macs(struct kscan_config *cfg, struct nlattr **a,
			       struct netlink_ext_ack *extack)
{
	/* The policy fixed the lengths (NLA_POLICY_ETH_ADDR). */
	if (!is_valid_ether_addr(nla_data(a[KSCAN_A_DST_MAC]))) {
		NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_DST_MAC],
				    "KSCAN_A_DST_MAC: expected a unicast MAC address");
		return -EINVAL;
	}
	memcpy(cfg->dst_mac, nla_data(a[KSCAN_A_DST_MAC]), ETH_ALEN);
	if (!a[KSCAN_A_SRC_MAC])
		return 0;
	if (!is_valid_ether_addr(nla_data(a[KSCAN_A_SRC_MAC]))) {
		NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_SRC_MAC],
				    "KSCAN_A_SRC_MAC: expected a unicast MAC address");
		return -EINVAL;
	}
	memcpy(cfg->src_mac, nla_data(a[KSCAN_A_SRC_MAC]), ETH_ALEN);
	cfg->has_src_mac = true;
	return 0;
}

static u32 kscan_nl_get_u32(const struct nlattr *attr, u32 dflt)
{
	return attr ? nla_get_u32(attr) : dflt;
}

static u64 kscan_nl_get_u64(const struct nlattr *attr, u64 dflt)
{
	return attr ? nla_get_u64(attr) : dflt;
}

/*
 * @info's attributes passed the policy (ranges, lengths, masks): take the
 * values, with their defaults, and check what lies between attributes.
 */
int kscan_nl_parse_start(struct genl_info *info, struct kscan_config *cfg)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **a = info->attrs;
	u32 sport_count, i;
	int err;

	for (i = 0; i < ARRAY_SIZE(kscan_start_required); i++)
		if (kscan_nl_missing(info, kscan_start_required[i].type,
				     kscan_start_required[i].msg))
			return -EINVAL;

	cfg->ifindex = nla_get_u32(a[KSCAN_A_IFINDEX]);
	err = kscan_nl_parse_macs(cfg, a, extack);
	if (err)
		return err;
	err = kscan_nl_parse_saddrs(cfg, info);
	if (err)
		return err;

	cfg->sport_first = nla_get_u16(a[KSCAN_A_SPORT_FIRST]);
	cfg->sport_last = nla_get_u16(a[KSCAN_A_SPORT_LAST]);
	if (cfg->sport_last < cfg->sport_first) {
		NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_SPORT_LAST],
				    "KSCAN_A_SPORT_LAST: below KSCAN_A_SPORT_FIRST");
		return -EINVAL;
	}
	sport_count = (u32)cfg->sport_last - cfg->sport_first + 1;

	cfg->probes = kscan_nl_get_u32(a[KSCAN_A_PROBES], 1);
	if (cfg->probes > sport_count) {
		NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_PROBES],
				    "KSCAN_A_PROBES: more probes than source ports");
		return -EINVAL;
	}

	cfg->seed = kscan_nl_get_u64(a[KSCAN_A_SEED], 0);
	cfg->shards = kscan_nl_get_u32(a[KSCAN_A_SHARDS], 1);
	cfg->shard = kscan_nl_get_u32(a[KSCAN_A_SHARD], 0);
	if (cfg->shard >= cfg->shards) {
		NL_SET_ERR_MSG_ATTR(extack, a[KSCAN_A_SHARD],
				    "KSCAN_A_SHARD: expected 0..KSCAN_A_SHARDS-1");
		return -ERANGE;
	}

	cfg->rate = kscan_nl_get_u64(a[KSCAN_A_RATE], 0);
	cfg->ttl = a[KSCAN_A_TTL] ? nla_get_u8(a[KSCAN_A_TTL]) :
				    KSCAN_DEFAULT_TTL;
	cfg->window = a[KSCAN_A_WINDOW] ? nla_get_u16(a[KSCAN_A_WINDOW]) :
					  KSCAN_DEFAULT_WINDOW;
	cfg->tcp_options = kscan_nl_get_u32(a[KSCAN_A_TCP_OPTIONS],
					    KSCAN_TCP_OPT_NONE);
	memcpy(cfg->key, nla_data(a[KSCAN_A_KEY]), KSCAN_KEY_LEN);
	cfg->xmit_mode = kscan_nl_get_u32(a[KSCAN_A_XMIT_MODE],
					  KSCAN_XMIT_BURST);
	cfg->burst = kscan_nl_get_u32(a[KSCAN_A_BURST],
				      KSCAN_DEFAULT_BURST);
	/* 0: no budget; a budget above the shard's size is cut at START. */
	cfg->max_packets = kscan_nl_get_u64(a[KSCAN_A_MAX_PACKETS], 0);
	cfg->flags = kscan_nl_get_u32(a[KSCAN_A_FLAGS], 0);

	err = kscan_nl_parse_queues(cfg, a, extack);
	if (err)
		return err;
	err = kscan_nl_parse_ports(cfg, a[KSCAN_A_PORTS], extack);
	if (err)
		return err;
	return kscan_nl_parse_targets(cfg, info);
}

static int kscan_nl_reply_id(struct genl_info *info, u8 cmd, u32 id)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kscan_genl_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, KSCAN_A_SCAN_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int kscan_nl_start(struct sk_buff *skb, struct genl_info *info)
{
	struct kscan_config *cfg;
	u32 id;
	int err;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return -ENOMEM;
	err = kscan_nl_parse_start(info, cfg);
	if (err) {
		kscan_config_free(cfg);
		return err;
	}
	/* kscan_scan_start() owns cfg from here on. A scan belongs to the
	 * socket that asked for it unless it asked to be detached.
	 */
	err = kscan_scan_start(genl_info_net(info),
			       cfg->flags & KSCAN_START_F_DETACH ?
				       0 : info->snd_portid,
			       cfg, info->extack, &id);
	if (err)
		return err;
	return kscan_nl_reply_id(info, KSCAN_CMD_START, id);
}

static int kscan_nl_stop(struct sk_buff *skb, struct genl_info *info)
{
	if (kscan_nl_missing(info, KSCAN_A_SCAN_ID,
			     "KSCAN_A_SCAN_ID is required"))
		return -EINVAL;
	return kscan_scan_stop(genl_info_net(info),
			       nla_get_u32(info->attrs[KSCAN_A_SCAN_ID]),
			       info->extack);
}

static int kscan_nl_put_u64(struct sk_buff *msg, int type, u64 value)
{
	return nla_put_u64_64bit(msg, type, value, KSCAN_A_PAD);
}

static int kscan_nl_put_queue_stats(struct sk_buff *msg,
				    const struct kscan_scan *scan)
{
	struct nlattr *nest, *entry;
	u32 i;

	nest = nla_nest_start(msg, KSCAN_A_QUEUE_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < scan->nr_gens; i++) {
		const struct kscan_gen *gen = &scan->gens[i];

		entry = nla_nest_start(msg, KSCAN_A_QUEUE_STAT);
		if (!entry ||
		    nla_put_u16(msg, KSCAN_QSTAT_A_QUEUE, gen->queue) ||
		    nla_put_u32(msg, KSCAN_QSTAT_A_CPU, gen->cpu) ||
		    nla_put_u64_64bit(msg, KSCAN_QSTAT_A_SENT,
				      READ_ONCE(gen->sent), KSCAN_QSTAT_A_PAD) ||
		    nla_put_u64_64bit(msg, KSCAN_QSTAT_A_TX_BUSY,
				      READ_ONCE(gen->tx_busy),
				      KSCAN_QSTAT_A_PAD) ||
		    nla_put_u64_64bit(msg, KSCAN_QSTAT_A_ERRORS,
				      READ_ONCE(gen->errors),
				      KSCAN_QSTAT_A_PAD) ||
		    nla_put_u64_64bit(msg, KSCAN_QSTAT_A_NO_CARRIER,
				      READ_ONCE(gen->no_carrier),
				      KSCAN_QSTAT_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* One scan's state and counters: GET replies, dumps and events. */
static int kscan_nl_fill_scan(struct sk_buff *msg, const struct kscan_scan *scan,
			      u32 portid, u32 seq, int flags, u8 cmd)
{
	u64 sent = 0, busy = 0, errors = 0, no_carrier = 0, progress = 0;
	void *hdr;
	u32 i;

	for (i = 0; i < scan->nr_gens; i++) {
		const struct kscan_gen *gen = &scan->gens[i];

		sent += READ_ONCE(gen->sent);
		busy += READ_ONCE(gen->tx_busy);
		errors += READ_ONCE(gen->errors);
		no_carrier += READ_ONCE(gen->no_carrier);
		progress += READ_ONCE(gen->pos) - gen->begin -
			    READ_ONCE(gen->nr_pending);
	}

	hdr = genlmsg_put(msg, portid, seq, &kscan_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, KSCAN_A_SCAN_ID, scan->id) ||
	    nla_put_u32(msg, KSCAN_A_IFINDEX, scan->ifindex) ||
	    nla_put_u32(msg, KSCAN_A_STATE, scan->state) ||
	    nla_put_u32(msg, KSCAN_A_REASON, scan->reason) ||
	    kscan_nl_put_u64(msg, KSCAN_A_SENT, sent) ||
	    kscan_nl_put_u64(msg, KSCAN_A_TX_BUSY, busy) ||
	    kscan_nl_put_u64(msg, KSCAN_A_ERRORS, errors) ||
	    kscan_nl_put_u64(msg, KSCAN_A_NO_CARRIER, no_carrier) ||
	    kscan_nl_put_u64(msg, KSCAN_A_PROGRESS, progress) ||
	    kscan_nl_put_u64(msg, KSCAN_A_TOTAL, scan->total) ||
	    kscan_nl_put_u64(msg, KSCAN_A_START_NS, scan->start_ns) ||
	    kscan_nl_put_u64(msg, KSCAN_A_END_NS, scan->end_ns) ||
	    (!scan->owner_portid && nla_put_flag(msg, KSCAN_A_DETACHED)) ||
	    kscan_nl_put_queue_stats(msg, scan)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int kscan_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kscan_scan *scan;
	struct sk_buff *msg;
	int err;

	if (kscan_nl_missing(info, KSCAN_A_SCAN_ID,
			     "KSCAN_A_SCAN_ID is required"))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	kscan_scans_lock();
	scan = kscan_scan_find(genl_info_net(info),
			       nla_get_u32(info->attrs[KSCAN_A_SCAN_ID]));
	if (!scan) {
		kscan_scans_unlock();
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack,
			       "KSCAN_A_SCAN_ID: no such scan in this netns");
		return -ENOENT;
	}
	err = kscan_nl_fill_scan(msg, scan, info->snd_portid, info->snd_seq,
				 0, KSCAN_CMD_GET);
	kscan_scans_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the id of the last scan dumped. */
static int kscan_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct kscan_scan *scan;

	kscan_scans_lock();
	while ((scan = kscan_scan_next(net, cb->args[0]))) {
		if (kscan_nl_fill_scan(skb, scan, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       KSCAN_CMD_GET))
			break;
		cb->args[0] = scan->id;
	}
	kscan_scans_unlock();
	return skb->len;
}

/* Multicast the end of @scan to its netns's "events" listeners. */
void kscan_nl_event(struct kscan_scan *scan)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (kscan_nl_fill_scan(msg, scan, 0, 0, 0, KSCAN_CMD_EVENT)) {
		nlmsg_free(msg);
		return;
	}
	/* -ESRCH only says that nobody listens. */
	genlmsg_multicast_netns(&kscan_genl_family, read_pnet(&scan->net), msg,
				0, 0, GFP_KERNEL);
}

static int kscan_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &kscan_genl_family, 0,
				KSCAN_CMD_GET_INFO);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, KSCAN_A_INFO_MODULE_VERSION, KSCAN_VERSION) ||
	    nla_put_u32(msg, KSCAN_A_INFO_UAPI_VERSION, KSCAN_GENL_VERSION) ||
	    nla_put_u32(msg, KSCAN_A_INFO_CAPS, KSCAN_CAP_ALL) ||
	    nla_put_u32(msg, KSCAN_A_INFO_MAX_SCANS,
			KSCAN_MAX_SCANS_PER_NETNS) ||
	    nla_put_u32(msg, KSCAN_A_INFO_MAX_INTERVALS, KSCAN_MAX_INTERVALS))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops kscan_genl_ops[] = {
	{
		.cmd = KSCAN_CMD_GET_INFO,
		.doit = kscan_nl_get_info,
		.policy = kscan_get_info_policy,
		.maxattr = KSCAN_A_MAX,
	},
	{
		.cmd = KSCAN_CMD_START,
		.doit = kscan_nl_start,
		.policy = kscan_start_policy,
		.maxattr = KSCAN_A_MAX,
		/* CAP_NET_ADMIN in the initial user namespace, as pktgen */
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KSCAN_CMD_STOP,
		.doit = kscan_nl_stop,
		.policy = kscan_scan_id_policy,
		.maxattr = KSCAN_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KSCAN_CMD_GET,
		.doit = kscan_nl_get,
		.dumpit = kscan_nl_dump,
		.policy = kscan_scan_id_policy,
		.maxattr = KSCAN_A_MAX,
	},
};

static const struct genl_multicast_group kscan_genl_mcgrps[] = {
	{ .name = KSCAN_GENL_MCGRP_EVENTS },
};

struct genl_family kscan_genl_family __ro_after_init = {
	.name = KSCAN_GENL_NAME,
	.version = KSCAN_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = kscan_genl_ops,
	.n_ops = ARRAY_SIZE(kscan_genl_ops),
	/* 0: every command validated, reserved header fields and netlink
	 * flags included (the kernel's advice for new families)
	 */
	.resv_start_op = 0,
	.mcgrps = kscan_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kscan_genl_mcgrps),
};

int __init kscan_genl_init(void)
{
	return genl_register_family(&kscan_genl_family);
}

void kscan_genl_exit(void)
{
	genl_unregister_family(&kscan_genl_family);
}
