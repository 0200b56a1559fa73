// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl's generic-netlink client. libnl-genl-3 does the socket work,
 * family resolution, attribute parsing and extended-ack reporting.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>

#include <uapi/linux/kscan.h>

#include "nl.h"

struct kscan_nl {
	struct nl_sock *sock;
	int family;
	char extack[256];
};

struct kscan_nl *kscan_nl_open(int *err)
{
	struct kscan_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl) {
		*err = -ENOMEM;
		return NULL;
	}
	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		*err = -ENOMEM;
		goto err_free;
	}
	if (genl_connect(nl->sock)) {
		*err = -EPROTO;
		goto err_sock;
	}
	/* Ask for extended-ack messages so errors name the attribute. */
	if (setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK,
		       NETLINK_EXT_ACK, &one, sizeof(one))) {
		*err = -errno;
		goto err_sock;
	}

	nl->family = genl_ctrl_resolve(nl->sock, KSCAN_GENL_NAME);
	if (nl->family < 0) {
		*err = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EPROTO;
		goto err_sock;
	}
	return nl;

err_sock:
	nl_socket_free(nl->sock);
err_free:
	free(nl);
	return NULL;
}

void kscan_nl_close(struct kscan_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sock);
	free(nl);
}

static const struct nla_policy kscan_info_policy[KSCAN_A_MAX + 1] = {
	[KSCAN_A_INFO_MODULE_VERSION] = { .type = NLA_STRING },
	[KSCAN_A_INFO_UAPI_VERSION] = { .type = NLA_U32 },
	[KSCAN_A_INFO_CAPS] = { .type = NLA_U32 },
	[KSCAN_A_INFO_MAX_SCANS] = { .type = NLA_U32 },
	[KSCAN_A_INFO_MAX_INTERVALS] = { .type = NLA_U32 },
};

static int kscan_nl_parse_info(struct nl_msg *msg, void *arg)
{
	struct kscan_module_info *info = arg;
	struct nlattr *tb[KSCAN_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSCAN_A_MAX,
			    kscan_info_policy);
	if (err < 0)
		return NL_SKIP;
	if (tb[KSCAN_A_INFO_MODULE_VERSION])
		snprintf(info->module_version, sizeof(info->module_version),
			 "%s", nla_get_string(tb[KSCAN_A_INFO_MODULE_VERSION]));
	if (tb[KSCAN_A_INFO_UAPI_VERSION])
		info->uapi_version = nla_get_u32(tb[KSCAN_A_INFO_UAPI_VERSION]);
	if (tb[KSCAN_A_INFO_CAPS])
		info->caps = nla_get_u32(tb[KSCAN_A_INFO_CAPS]);
	if (tb[KSCAN_A_INFO_MAX_SCANS])
		info->max_scans = nla_get_u32(tb[KSCAN_A_INFO_MAX_SCANS]);
	if (tb[KSCAN_A_INFO_MAX_INTERVALS])
		info->max_intervals =
			nla_get_u32(tb[KSCAN_A_INFO_MAX_INTERVALS]);
	return NL_OK;
}

/* What one request brought back: the kernel's errno and extack message. */
struct kscan_nl_reply {
	nl_recvmsg_msg_cb_t parse;
	void *arg;
	int error;
	bool done;
	char *extack;
	size_t extack_len;
};

static int kscan_nl_on_valid(struct nl_msg *msg, void *arg)
{
	struct kscan_nl_reply *reply = arg;

	return reply->parse ? reply->parse(msg, reply->arg) : NL_OK;
}

static int kscan_nl_on_ack(struct nl_msg *msg, void *arg)
{
	struct kscan_nl_reply *reply = arg;

	(void)msg;
	reply->done = true;
	return NL_STOP;
}

/* Keep the errno and, when the kernel sent one, the extack message. */
static int kscan_nl_on_error(struct sockaddr_nl *nla, struct nlmsgerr *err,
			     void *arg)
{
	const struct nlmsghdr *hdr =
		(const struct nlmsghdr *)((const char *)err - NLMSG_HDRLEN);
	struct kscan_nl_reply *reply = arg;
	struct nlattr *tlvs, *attr;
	size_t skip;
	int len, rem;

	(void)nla;
	reply->error = err->error;
	reply->done = true;
	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;

	skip = sizeof(*err);
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		skip += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (NLMSG_HDRLEN + skip >= hdr->nlmsg_len)
		return NL_STOP;
	tlvs = (struct nlattr *)((char *)err + NLMSG_ALIGN(skip));
	len = (int)(hdr->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(skip));
	nla_for_each_attr(attr, tlvs, len, rem) {
		if (nla_type(attr) == NLMSGERR_ATTR_MSG)
			snprintf(reply->extack, reply->extack_len, "%.*s",
				 nla_len(attr), (const char *)nla_data(attr));
	}
	return NL_STOP;
}

/* Send @msg (consumed), run @parse on each reply until the ack or error. */
static int kscan_nl_transact(struct kscan_nl *nl, struct nl_msg *msg,
			     nl_recvmsg_msg_cb_t parse, void *arg)
{
	struct kscan_nl_reply reply = {
		.parse = parse,
		.arg = arg,
		.extack = nl->extack,
		.extack_len = sizeof(nl->extack),
	};
	struct nl_cb *cb;
	int err, rounds;

	nl->extack[0] = '\0';
	err = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	if (err < 0)
		return -EIO;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, kscan_nl_on_valid, &reply);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, kscan_nl_on_ack, &reply);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, kscan_nl_on_ack, &reply);
	nl_cb_err(cb, NL_CB_CUSTOM, kscan_nl_on_error, &reply);

	/* Bounded: a dump of KSCAN_MAX_SCANS_PER_NETNS fits in few rounds. */
	for (rounds = 0; !reply.done && rounds < 1024; rounds++) {
		err = nl_recvmsgs(nl->sock, cb);
		if (err < 0 && !reply.done)
			break;
	}
	nl_cb_put(cb);
	if (reply.error)
		return reply.error;
	return reply.done ? 0 : -EIO;
}

const char *kscan_nl_extack(const struct kscan_nl *nl)
{
	return nl->extack;
}

int kscan_nl_get_info(struct kscan_nl *nl, struct kscan_module_info *info)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, 0,
			 KSCAN_CMD_GET_INFO, KSCAN_GENL_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	memset(info, 0, sizeof(*info));
	return kscan_nl_transact(nl, msg, kscan_nl_parse_info, info);
}
