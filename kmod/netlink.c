// SPDX-License-Identifier: GPL-2.0
/*
 * The generic-netlink family "kscan": policies, command handlers and the
 * "events" multicast group. The protocol is documented in
 * include/uapi/linux/kscan.h.
 */
#include <net/genetlink.h>

#include "kscan.h"

static const struct nla_policy kscan_get_info_policy[KSCAN_A_MAX + 1] = {};

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
	    nla_put_u32(msg, KSCAN_A_INFO_CAPS, 0) ||
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
	.resv_start_op = KSCAN_CMD_EVENT + 1,
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
