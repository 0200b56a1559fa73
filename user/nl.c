// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl's generic-netlink client. libnl-genl-3 does the socket work,
 * family resolution, attribute parsing and extended-ack reporting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
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
	struct nl_sock *events;	/* joined to "events"; NULL until subscribed */
	int family;
	char extack[320];
};

/*
 * Room for the largest START: a send buffer smaller than a message makes
 * the kernel refuse it (EMSGSIZE). The kernel caps this at wmem_max and
 * doubles it.
 */
#define KSCAN_NL_SOCKBUF (1 << 20)

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
	/* Ask for extended-ack messages so errors name the attribute, and
	 * for acks that do not echo a refused 200 KB START back to us.
	 */
	if (setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK,
		       NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl_socket_get_fd(nl->sock), SOL_NETLINK,
		       NETLINK_CAP_ACK, &one, sizeof(one))) {
		*err = -errno;
		goto err_sock;
	}
	if (nl_socket_set_buffer_size(nl->sock, KSCAN_NL_SOCKBUF,
				      KSCAN_NL_SOCKBUF)) {
		*err = -ENOBUFS;
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
	if (nl->events)
		nl_socket_free(nl->events);
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
	struct nl_msg *request;	/* what was sent, for NLMSGERR_ATTR_OFFS */
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

const char *kscan_attr_name(uint32_t type)
{
	static const char *const names[KSCAN_A_MAX + 1] = {
		[KSCAN_A_SCAN_ID] = "KSCAN_A_SCAN_ID",
		[KSCAN_A_IFINDEX] = "KSCAN_A_IFINDEX",
		[KSCAN_A_SRC_MAC] = "KSCAN_A_SRC_MAC",
		[KSCAN_A_DST_MAC] = "KSCAN_A_DST_MAC",
		[KSCAN_A_SADDR_FIRST] = "KSCAN_A_SADDR_FIRST",
		[KSCAN_A_SADDR_LAST] = "KSCAN_A_SADDR_LAST",
		[KSCAN_A_SADDR_LIST] = "KSCAN_A_SADDR_LIST",
		[KSCAN_A_SPORT_FIRST] = "KSCAN_A_SPORT_FIRST",
		[KSCAN_A_SPORT_LAST] = "KSCAN_A_SPORT_LAST",
		[KSCAN_A_TARGETS] = "KSCAN_A_TARGETS",
		[KSCAN_A_PORTS] = "KSCAN_A_PORTS",
		[KSCAN_A_PROBES] = "KSCAN_A_PROBES",
		[KSCAN_A_SEED] = "KSCAN_A_SEED",
		[KSCAN_A_SHARD] = "KSCAN_A_SHARD",
		[KSCAN_A_SHARDS] = "KSCAN_A_SHARDS",
		[KSCAN_A_RATE] = "KSCAN_A_RATE",
		[KSCAN_A_TX_QUEUES] = "KSCAN_A_TX_QUEUES",
		[KSCAN_A_TX_CPUS] = "KSCAN_A_TX_CPUS",
		[KSCAN_A_TTL] = "KSCAN_A_TTL",
		[KSCAN_A_WINDOW] = "KSCAN_A_WINDOW",
		[KSCAN_A_TCP_OPTIONS] = "KSCAN_A_TCP_OPTIONS",
		[KSCAN_A_KEY] = "KSCAN_A_KEY",
		[KSCAN_A_XMIT_MODE] = "KSCAN_A_XMIT_MODE",
		[KSCAN_A_BURST] = "KSCAN_A_BURST",
		[KSCAN_A_MAX_PACKETS] = "KSCAN_A_MAX_PACKETS",
		[KSCAN_A_FLAGS] = "KSCAN_A_FLAGS",
	};

	return type <= KSCAN_A_MAX && names[type] ? names[type] : NULL;
}

/*
 * The top-level attribute of @request that holds byte @offs (from the
 * start of its netlink header): the kernel points at the attribute it
 * refused. 0 when the offset is not inside one.
 */
static uint32_t kscan_nl_attr_at(struct nl_msg *request, uint32_t offs)
{
	struct nlmsghdr *hdr = nlmsg_hdr(request);
	struct nlattr *attr;
	int rem;

	nla_for_each_attr(attr, genlmsg_attrdata(nlmsg_data(hdr), 0),
			  genlmsg_attrlen(nlmsg_data(hdr), 0), rem) {
		uint32_t start = (uint32_t)((char *)attr - (char *)hdr);

		if (offs >= start && offs < start + nla_total_size(nla_len(attr)))
			return (uint32_t)nla_type(attr);
	}
	return 0;
}

/* "(accepted: 1..16)" from an NLMSGERR_ATTR_POLICY nest, or "". */
static void kscan_nl_policy_str(struct nlattr *policy, char *buf, size_t len)
{
	unsigned long long min_u = 0, max_u = 0, min_l = 0, max_l = 0, mask = 0;
	bool has_u = false, has_l = false, has_mask = false;
	struct nlattr *a;
	int rem;

	buf[0] = '\0';
	nla_for_each_nested(a, policy, rem) {
		switch (nla_type(a)) {
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			min_u = nla_get_u64(a);
			has_u = true;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			max_u = nla_get_u64(a);
			has_u = true;
			break;
		case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
			min_l = nla_get_u32(a);
			has_l = true;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			max_l = nla_get_u32(a);
			has_l = true;
			break;
		case NL_POLICY_TYPE_ATTR_MASK:
			mask = nla_get_u64(a);
			has_mask = true;
			break;
		}
	}
	if (has_u)
		snprintf(buf, len, " (accepted: %llu..%llu)", min_u, max_u);
	else if (has_l)
		snprintf(buf, len, " (accepted length: %llu..%llu bytes)",
			 min_l, max_l);
	else if (has_mask)
		snprintf(buf, len, " (accepted bits: 0x%llx)", mask);
}

/*
 * Keep the errno and the extended ack as one message that names the
 * attribute: the module's own messages start with its name already; the
 * core's policy messages ("integer out of range") get the name from
 * NLMSGERR_ATTR_OFFS and the accepted range from NLMSGERR_ATTR_POLICY.
 */
static int kscan_nl_on_error(struct sockaddr_nl *nla, struct nlmsgerr *err,
			     void *arg)
{
	const struct nlmsghdr *hdr =
		(const struct nlmsghdr *)((const char *)err - NLMSG_HDRLEN);
	struct kscan_nl_reply *reply = arg;
	const char *name = NULL;
	char msg[200] = "", range[96] = "";
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
		switch (nla_type(attr)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(msg, sizeof(msg), "%.*s", nla_len(attr),
				 (const char *)nla_data(attr));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (reply->request && nla_len(attr) == 4)
				name = kscan_attr_name(kscan_nl_attr_at(
					reply->request, nla_get_u32(attr)));
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (nla_len(attr) == 4)
				name = kscan_attr_name(nla_get_u32(attr));
			break;
		case NLMSGERR_ATTR_POLICY:
			kscan_nl_policy_str(attr, range, sizeof(range));
			break;
		}
	}
	if (name && strncmp(msg, name, strlen(name)))
		snprintf(reply->extack, reply->extack_len, "%s: %s%s", name,
			 msg[0] ? msg : "refused", range);
	else
		snprintf(reply->extack, reply->extack_len, "%s%s", msg, range);
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
		.request = msg,
	};
	struct nl_cb *cb;
	int err, rounds;

	nl->extack[0] = '\0';
	err = nl_send_auto(nl->sock, msg);
	if (err == -NLE_MSGSIZE) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if (err < 0) {
		nlmsg_free(msg);
		return -EIO;
	}

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
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
	nlmsg_free(msg);
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

/* A request of @cmd with room for @size bytes of attributes. */
static struct nl_msg *kscan_nl_new(struct kscan_nl *nl, uint8_t cmd,
				   int flags, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN +
					      size);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, KSCAN_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Upper bound of the attribute bytes kscan_nl_put_start() writes. */
size_t kscan_nl_start_size(const struct kscan_start_request *req)
{
	return 512 +
	       (size_t)req->nr_intervals *
		       NLA_ALIGN(NLA_HDRLEN + sizeof(struct kscan_ipv4_interval)) +
	       (req->nr_intervals / KSCAN_NL_INTERVALS_PER_NEST + 1) *
		       NLA_HDRLEN +
	       NLA_ALIGN((size_t)req->nr_ports *
			 sizeof(struct kscan_port_range)) +
	       NLA_ALIGN((size_t)req->nr_tx_queues * sizeof(uint16_t)) +
	       NLA_ALIGN((size_t)req->nr_tx_cpus * sizeof(uint32_t)) +
	       NLA_HDRLEN + NLA_ALIGN((size_t)req->nr_saddrs * sizeof(uint32_t));
}

uint32_t kscan_nl_port_ranges(const uint16_t *ports, uint32_t nr_ports)
{
	uint32_t i, n = nr_ports ? 1 : 0;

	for (i = 1; i < nr_ports; i++)
		if (ports[i] != ports[i - 1] + 1)
			n++;
	return n;
}

/* KSCAN_A_PORTS: the sorted, distinct ports as struct kscan_port_range. */
static int kscan_nl_put_ports(struct nl_msg *msg, const uint16_t *ports,
			      uint32_t nr_ports)
{
	uint32_t n = kscan_nl_port_ranges(ports, nr_ports), i, k = 0;
	struct kscan_port_range *ranges;
	int err;

	ranges = calloc(n ? n : 1, sizeof(*ranges));
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < nr_ports; i++) {
		if (i && ports[i] == ports[i - 1] + 1) {
			ranges[k - 1].last = ports[i];
			continue;
		}
		ranges[k].first = ranges[k].last = ports[i];
		k++;
	}
	err = nla_put(msg, KSCAN_A_PORTS, (int)(n * sizeof(*ranges)), ranges);
	free(ranges);
	return err;
}

/* The one place that knows the wire layout of START (uapi header). */
int kscan_nl_put_start(struct nl_msg *msg,
		       const struct kscan_start_request *req)
{
	uint32_t i, be, be_saddrs[KSCAN_MAX_SADDRS];
	struct nlattr *nest = NULL;

	if (req->nr_intervals > KSCAN_MAX_INTERVALS ||
	    kscan_nl_port_ranges(req->ports, req->nr_ports) >
		    KSCAN_MAX_PORT_RANGES ||
	    (req->saddr_list && req->nr_saddrs > KSCAN_MAX_SADDRS))
		return -EMSGSIZE;
	if (req->saddr_list && !req->nr_saddrs)
		return -EINVAL;

	if (nla_put_u32(msg, KSCAN_A_IFINDEX, req->ifindex) ||
	    (req->has_src_mac &&
	     nla_put(msg, KSCAN_A_SRC_MAC, 6, req->src_mac)) ||
	    nla_put(msg, KSCAN_A_DST_MAC, 6, req->dst_mac))
		return -EMSGSIZE;
	if (req->saddr_list) {
		/* exclusive with SADDR_FIRST/LAST */
		for (i = 0; i < req->nr_saddrs; i++)
			be_saddrs[i] = htonl(req->saddr_list[i]);
		if (nla_put(msg, KSCAN_A_SADDR_LIST,
			    (int)(req->nr_saddrs * sizeof(be_saddrs[0])),
			    be_saddrs))
			return -EMSGSIZE;
	} else {
		be = htonl(req->saddr_first);
		if (nla_put(msg, KSCAN_A_SADDR_FIRST, sizeof(be), &be))
			return -EMSGSIZE;
		be = htonl(req->saddr_last);
		if (nla_put(msg, KSCAN_A_SADDR_LAST, sizeof(be), &be))
			return -EMSGSIZE;
	}
	if (nla_put_u16(msg, KSCAN_A_SPORT_FIRST, req->sport_first) ||
	    nla_put_u16(msg, KSCAN_A_SPORT_LAST, req->sport_last))
		return -EMSGSIZE;

	/* As many KSCAN_A_TARGETS nests as the intervals need. */
	for (i = 0; i < req->nr_intervals; i++) {
		struct kscan_ipv4_interval iv = {
			.first = htonl(req->intervals[i].first),
			.last = htonl(req->intervals[i].last),
		};

		if (i % KSCAN_NL_INTERVALS_PER_NEST == 0) {
			if (i && nla_nest_end(msg, nest) < 0)
				return -EMSGSIZE;
			nest = nla_nest_start(msg, KSCAN_A_TARGETS);
			if (!nest)
				return -EMSGSIZE;
			/* strict validation wants NLA_F_NESTED on every nest */
			nest->nla_type |= NLA_F_NESTED;
		}
		if (nla_put(msg, KSCAN_TARGET_A_INTERVAL, sizeof(iv), &iv))
			return -EMSGSIZE;
	}
	if (req->nr_intervals && nla_nest_end(msg, nest) < 0)
		return -EMSGSIZE;

	if (kscan_nl_put_ports(msg, req->ports, req->nr_ports) ||
	    nla_put_u32(msg, KSCAN_A_PROBES, req->probes) ||
	    nla_put_u64(msg, KSCAN_A_SEED, req->seed) ||
	    nla_put_u32(msg, KSCAN_A_SHARD, req->shard) ||
	    nla_put_u32(msg, KSCAN_A_SHARDS, req->shards) ||
	    nla_put_u64(msg, KSCAN_A_RATE, req->rate) ||
	    nla_put(msg, KSCAN_A_KEY, KSCAN_KEY_LEN, req->key))
		return -EMSGSIZE;
	if (req->tx_queues &&
	    nla_put(msg, KSCAN_A_TX_QUEUES,
		    (int)(req->nr_tx_queues * sizeof(uint16_t)), req->tx_queues))
		return -EMSGSIZE;
	if (req->tx_cpus &&
	    nla_put(msg, KSCAN_A_TX_CPUS,
		    (int)(req->nr_tx_cpus * sizeof(uint32_t)), req->tx_cpus))
		return -EMSGSIZE;
	if ((req->has_ttl && nla_put_u8(msg, KSCAN_A_TTL, req->ttl)) ||
	    (req->has_window && nla_put_u16(msg, KSCAN_A_WINDOW, req->window)) ||
	    (req->has_tcp_options &&
	     nla_put_u32(msg, KSCAN_A_TCP_OPTIONS, req->tcp_options)) ||
	    (req->has_xmit_mode &&
	     nla_put_u32(msg, KSCAN_A_XMIT_MODE, req->xmit_mode)) ||
	    (req->has_burst && nla_put_u32(msg, KSCAN_A_BURST, req->burst)) ||
	    (req->max_packets &&
	     nla_put_u64(msg, KSCAN_A_MAX_PACKETS, req->max_packets)) ||
	    (req->flags && nla_put_u32(msg, KSCAN_A_FLAGS, req->flags)))
		return -EMSGSIZE;
	return 0;
}

/* Integers of any width: the uapi leaves some widths to the module. */
static uint64_t kscan_nla_uint(const struct nlattr *attr)
{
	const void *data = nla_data(attr);

	switch (nla_len(attr)) {
	case 1:
		return *(const uint8_t *)data;
	case 2:
		return *(const uint16_t *)data;
	case 4:
		return *(const uint32_t *)data;
	case 8: {
		uint64_t v;

		memcpy(&v, data, sizeof(v));	/* may be 4-aligned only */
		return v;
	}
	default:
		return 0;
	}
}

static int kscan_nl_parse_id(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KSCAN_A_MAX + 1];
	uint32_t *scan_id = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSCAN_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[KSCAN_A_SCAN_ID])
		*scan_id = (uint32_t)kscan_nla_uint(tb[KSCAN_A_SCAN_ID]);
	return NL_OK;
}

int kscan_nl_start(struct kscan_nl *nl, const struct kscan_start_request *req,
		   uint32_t *scan_id)
{
	struct nl_msg *msg;
	int err;

	msg = kscan_nl_new(nl, KSCAN_CMD_START, 0, kscan_nl_start_size(req));
	if (!msg)
		return -ENOMEM;
	err = kscan_nl_put_start(msg, req);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	*scan_id = UINT32_MAX;
	err = kscan_nl_transact(nl, msg, kscan_nl_parse_id, scan_id);
	if (!err && *scan_id == UINT32_MAX)
		return -EPROTO;	/* acked without telling the id */
	return err;
}

int kscan_nl_stop(struct kscan_nl *nl, uint32_t scan_id)
{
	struct nl_msg *msg = kscan_nl_new(nl, KSCAN_CMD_STOP, 0, 64);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, KSCAN_A_SCAN_ID, scan_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return kscan_nl_transact(nl, msg, NULL, NULL);
}

static void kscan_nl_parse_queue(struct nlattr *nest,
				 struct kscan_queue_status *q)
{
	struct nlattr *tb[KSCAN_QSTAT_A_MAX + 1];

	memset(q, 0, sizeof(*q));
	if (nla_parse_nested(tb, KSCAN_QSTAT_A_MAX, nest, NULL) < 0)
		return;
	if (tb[KSCAN_QSTAT_A_QUEUE])
		q->queue = (uint16_t)kscan_nla_uint(tb[KSCAN_QSTAT_A_QUEUE]);
	if (tb[KSCAN_QSTAT_A_CPU])
		q->cpu = (uint32_t)kscan_nla_uint(tb[KSCAN_QSTAT_A_CPU]);
	if (tb[KSCAN_QSTAT_A_SENT])
		q->sent = kscan_nla_uint(tb[KSCAN_QSTAT_A_SENT]);
	if (tb[KSCAN_QSTAT_A_TX_BUSY])
		q->tx_busy = kscan_nla_uint(tb[KSCAN_QSTAT_A_TX_BUSY]);
	if (tb[KSCAN_QSTAT_A_ERRORS])
		q->errors = kscan_nla_uint(tb[KSCAN_QSTAT_A_ERRORS]);
	if (tb[KSCAN_QSTAT_A_NO_CARRIER])
		q->no_carrier = kscan_nla_uint(tb[KSCAN_QSTAT_A_NO_CARRIER]);
}

int kscan_nl_parse_status(struct nl_msg *msg, struct kscan_scan_status *st)
{
	static const struct {
		int attr;
		size_t offset;
	} u64_fields[] = {
		{ KSCAN_A_SENT, offsetof(struct kscan_scan_status, sent) },
		{ KSCAN_A_TX_BUSY, offsetof(struct kscan_scan_status, tx_busy) },
		{ KSCAN_A_ERRORS, offsetof(struct kscan_scan_status, errors) },
		{ KSCAN_A_NO_CARRIER,
		  offsetof(struct kscan_scan_status, no_carrier) },
		{ KSCAN_A_PROGRESS, offsetof(struct kscan_scan_status, progress) },
		{ KSCAN_A_TOTAL, offsetof(struct kscan_scan_status, total) },
		{ KSCAN_A_START_NS, offsetof(struct kscan_scan_status, start_ns) },
		{ KSCAN_A_END_NS, offsetof(struct kscan_scan_status, end_ns) },
	};
	struct nlattr *tb[KSCAN_A_MAX + 1], *nest;
	size_t i;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KSCAN_A_MAX, NULL) < 0 ||
	    !tb[KSCAN_A_SCAN_ID])
		return -1;
	memset(st, 0, sizeof(*st));
	st->scan_id = (uint32_t)kscan_nla_uint(tb[KSCAN_A_SCAN_ID]);
	if (tb[KSCAN_A_IFINDEX])
		st->ifindex = (uint32_t)kscan_nla_uint(tb[KSCAN_A_IFINDEX]);
	if (tb[KSCAN_A_STATE])
		st->state = (uint32_t)kscan_nla_uint(tb[KSCAN_A_STATE]);
	if (tb[KSCAN_A_REASON])
		st->reason = (uint32_t)kscan_nla_uint(tb[KSCAN_A_REASON]);
	st->detached = tb[KSCAN_A_DETACHED];
	for (i = 0; i < sizeof(u64_fields) / sizeof(u64_fields[0]); i++)
		if (tb[u64_fields[i].attr])
			*(uint64_t *)((char *)st + u64_fields[i].offset) =
				kscan_nla_uint(tb[u64_fields[i].attr]);
	if (tb[KSCAN_A_QUEUE_STATS]) {
		nla_for_each_nested(nest, tb[KSCAN_A_QUEUE_STATS], rem) {
			if (nla_type(nest) != KSCAN_A_QUEUE_STAT ||
			    st->nr_queues == KSCAN_MAX_QUEUES)
				continue;
			kscan_nl_parse_queue(nest,
					     &st->queues[st->nr_queues++]);
		}
	}
	return 0;
}

static int kscan_nl_parse_one(struct nl_msg *msg, void *arg)
{
	kscan_nl_parse_status(msg, arg);
	return NL_OK;
}

int kscan_nl_get(struct kscan_nl *nl, uint32_t scan_id,
		 struct kscan_scan_status *status)
{
	struct nl_msg *msg = kscan_nl_new(nl, KSCAN_CMD_GET, 0, 64);
	int err;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, KSCAN_A_SCAN_ID, scan_id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	memset(status, 0, sizeof(*status));
	status->scan_id = UINT32_MAX;
	err = kscan_nl_transact(nl, msg, kscan_nl_parse_one, status);
	if (!err && status->scan_id != scan_id)
		return -EPROTO;
	return err;
}

struct kscan_nl_dump {
	struct kscan_scan_status *scans;
	size_t nr;
	size_t cap;
	int error;
};

static int kscan_nl_parse_dump(struct nl_msg *msg, void *arg)
{
	struct kscan_nl_dump *dump = arg;

	if (dump->nr == dump->cap) {
		size_t cap = dump->cap ? dump->cap * 2 : KSCAN_MAX_SCANS_PER_NETNS;
		struct kscan_scan_status *scans;

		scans = realloc(dump->scans, cap * sizeof(*scans));
		if (!scans) {
			dump->error = -ENOMEM;
			return NL_STOP;
		}
		dump->scans = scans;
		dump->cap = cap;
	}
	if (!kscan_nl_parse_status(msg, &dump->scans[dump->nr]))
		dump->nr++;
	return NL_OK;
}

int kscan_nl_get_all(struct kscan_nl *nl, struct kscan_scan_status **scans,
		     size_t *nr_scans)
{
	struct kscan_nl_dump dump = { 0 };
	struct nl_msg *msg = kscan_nl_new(nl, KSCAN_CMD_GET, NLM_F_DUMP, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	err = kscan_nl_transact(nl, msg, kscan_nl_parse_dump, &dump);
	if (!err)
		err = dump.error;
	if (err) {
		free(dump.scans);
		return err;
	}
	*scans = dump.scans;
	*nr_scans = dump.nr;
	return 0;
}

int kscan_nl_events_fd(const struct kscan_nl *nl)
{
	return nl->events ? nl_socket_get_fd(nl->events) : -1;
}

int kscan_nl_subscribe_events(struct kscan_nl *nl)
{
	int group, err;

	if (nl->events)
		return 0;
	group = genl_ctrl_resolve_grp(nl->sock, KSCAN_GENL_NAME,
				      KSCAN_GENL_MCGRP_EVENTS);
	if (group < 0)
		return group == -NLE_OBJ_NOTFOUND ? -ENOENT : -EPROTO;
	nl->events = nl_socket_alloc();
	if (!nl->events)
		return -ENOMEM;
	/* events are not answers to our requests: no sequence to check */
	nl_socket_disable_seq_check(nl->events);
	err = genl_connect(nl->events);
	if (!err)
		err = nl_socket_set_nonblocking(nl->events);
	if (!err)
		err = nl_socket_add_membership(nl->events, group);
	if (err) {
		nl_socket_free(nl->events);
		nl->events = NULL;
		return -EPROTO;
	}
	return 0;
}

struct kscan_nl_event_wait {
	uint32_t scan_id;
	int family;
	bool found;
	struct kscan_scan_status *event;
};

static int kscan_nl_on_event(struct nl_msg *msg, void *arg)
{
	struct kscan_nl_event_wait *wait = arg;
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	struct kscan_scan_status st;

	if (nlmsg_hdr(msg)->nlmsg_type != wait->family ||
	    gnlh->cmd != KSCAN_CMD_EVENT || wait->found)
		return NL_OK;
	if (kscan_nl_parse_status(msg, &st) || st.scan_id != wait->scan_id)
		return NL_OK;
	*wait->event = st;
	wait->found = true;
	return NL_OK;
}

int kscan_nl_wait_event(struct kscan_nl *nl, uint32_t scan_id, int timeout_ms,
			struct kscan_scan_status *event)
{
	struct kscan_nl_event_wait wait = {
		.scan_id = scan_id,
		.family = nl->family,
		.event = event,
	};
	struct nl_cb *cb, *base;
	struct pollfd pfd;
	int err = 0, ready;

	if (!nl->events)
		return -EINVAL;
	pfd.fd = nl_socket_get_fd(nl->events);
	pfd.events = POLLIN;
	ready = poll(&pfd, 1, timeout_ms);
	if (ready < 0)
		return -errno;
	if (!ready)
		return 0;

	/* A clone keeps the socket's disabled sequence check: events carry
	 * sequence 0, which a fresh callback set would refuse.
	 */
	base = nl_socket_get_cb(nl->events);
	cb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, kscan_nl_on_event, &wait);
	/* drain whatever is queued: several scans may end together */
	while (!wait.found) {
		err = nl_recvmsgs(nl->events, cb);
		if (err < 0)
			break;
	}
	nl_cb_put(cb);
	if (wait.found)
		return 1;
	if (err == -NLE_AGAIN)
		return 0;
	/* libnl reports an overrun socket (ENOBUFS) as NLE_NOMEM */
	return err == -NLE_NOMEM ? -ENOBUFS : -EIO;
}

const char *kscan_state_name(uint32_t state)
{
	static const char *const names[] = {
		[KSCAN_STATE_RUNNING] = "running",
		[KSCAN_STATE_DONE] = "done",
		[KSCAN_STATE_ABORTED] = "aborted",
	};

	return state < __KSCAN_STATE_MAX ? names[state] : "unknown";
}

const char *kscan_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KSCAN_REASON_NONE] = "-",
		[KSCAN_REASON_COMPLETED] = "completed",
		[KSCAN_REASON_BUDGET] = "budget",
		[KSCAN_REASON_STOPPED] = "stopped",
		[KSCAN_REASON_DEVICE_GONE] = "device-gone",
		[KSCAN_REASON_DEVICE_DOWN] = "device-down",
		[KSCAN_REASON_NETNS_EXIT] = "netns-exit",
		[KSCAN_REASON_MODULE_UNLOAD] = "module-unload",
		[KSCAN_REASON_ERROR] = "error",
		[KSCAN_REASON_OWNER_GONE] = "owner-gone",
		[KSCAN_REASON_QUEUE_GONE] = "queue-gone",
	};

	return reason < __KSCAN_REASON_MAX ? names[reason] : "unknown";
}
