// SPDX-License-Identifier: GPL-2.0
/*
 * Route and neighbour lookup (see route.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "route.h"
#include "targets.h"

#define KSCAN_DISCARD_PORT 9
#define KSCAN_ROUTE_POLL_MS 100

static int kscan_route_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_route_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

struct kscan_route_reply {
	struct rtnl_route *route;
	int error;		/* negative errno from NLMSG_ERROR */
};

/*
 * NL_OK: the ACK that follows ends the exchange, read off the socket.
 * rtnl_route_parse() rather than nl_msg_parse(): the latter finds the parser
 * through cache ops registered by a constructor that a static link leaves out.
 */
static int kscan_route_on_valid(struct nl_msg *msg, void *arg)
{
	struct kscan_route_reply *reply = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct rtnl_route *route;

	if (reply->route || hdr->nlmsg_type != RTM_NEWROUTE)
		return NL_OK;
	if (!rtnl_route_parse(hdr, &route))
		reply->route = route;
	return NL_OK;
}

static int kscan_route_on_error(struct sockaddr_nl *nla, struct nlmsgerr *e,
				void *arg)
{
	struct kscan_route_reply *reply = arg;

	(void)nla;
	reply->error = e->error;
	return NL_STOP;
}

static u32 kscan_addr_u32(struct nl_addr *a)
{
	u32 be;

	if (!a || nl_addr_get_family(a) != AF_INET ||
	    nl_addr_get_len(a) != sizeof(be))
		return 0;
	memcpy(&be, nl_addr_get_binary_addr(a), sizeof(be));
	return ntohl(be);
}

/* RTM_GETROUTE for @dst: what `ip route get` asks. */
static int kscan_route_get(struct nl_sock *sk, u32 dst, int ifindex,
			   struct kscan_route_reply *reply)
{
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_dst_len = 32 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, 0);
	struct nl_cb *cb;
	int ret;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) ||
	    nla_put_u32(msg, RTA_DST, htonl(dst)) ||
	    (ifindex && nla_put_u32(msg, RTA_OIF, (u32)ifindex))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, kscan_route_on_valid, reply);
	nl_cb_err(cb, NL_CB_CUSTOM, kscan_route_on_error, reply);
	ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (reply->error)
		return reply->error;
	if (ret < 0 || !reply->route)
		return -EIO;
	return 0;
}

struct kscan_neigh_query {
	int ifindex;
	u32 addr;		/* network order */
	int state;		/* -1: no entry */
	u8 mac[6];
	bool has_mac;
};

/* One RTM_NEWNEIGH of the dump, read attribute by attribute. */
static int kscan_neigh_on_valid(struct nl_msg *msg, void *arg)
{
	struct kscan_neigh_query *q = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[NDA_MAX + 1];
	struct ndmsg *ndm = nlmsg_data(hdr);

	if (hdr->nlmsg_type != RTM_NEWNEIGH ||
	    nlmsg_parse(hdr, sizeof(*ndm), tb, NDA_MAX, NULL) ||
	    ndm->ndm_family != AF_INET || ndm->ndm_ifindex != q->ifindex ||
	    !tb[NDA_DST] || nla_len(tb[NDA_DST]) != 4 ||
	    memcmp(nla_data(tb[NDA_DST]), &q->addr, 4))
		return NL_OK;
	q->state = ndm->ndm_state;
	if (tb[NDA_LLADDR] && nla_len(tb[NDA_LLADDR]) == 6) {
		memcpy(q->mac, nla_data(tb[NDA_LLADDR]), 6);
		q->has_mac = true;
	}
	return NL_OK;
}

/*
 * The neighbour's MAC if its entry is usable: 1 found, 0 not (yet), -1
 * when the table cannot be read. A socket per dump: nothing of one
 * exchange is left over for the next.
 */
static int kscan_neigh_mac(int ifindex, u32 addr, u8 mac[6], int *state,
			   int *nlerr)
{
	struct kscan_neigh_query q = { .ifindex = ifindex,
				       .addr = htonl(addr), .state = -1 };
	struct ndmsg ndm = { .ndm_family = AF_INET };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int ret = -1;

	*state = -1;
	*nlerr = NLE_NOMEM;
	if (!sk || (*nlerr = -nl_connect(sk, NETLINK_ROUTE)))
		goto out;
	msg = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP);
	*nlerr = NLE_NOMEM;
	if (!msg || nlmsg_append(msg, &ndm, sizeof(ndm), NLMSG_ALIGNTO))
		goto out;
	*nlerr = nl_send_auto(sk, msg);
	if (*nlerr < 0) {
		*nlerr = -*nlerr;
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, kscan_neigh_on_valid,
			    &q);
	*nlerr = -nl_recvmsgs_default(sk);
	if (*nlerr > 0)
		goto out;
	*state = q.state;
	ret = q.has_mac && (q.state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
				       NUD_PROBE | NUD_PERMANENT | NUD_NOARP));
	if (ret)
		memcpy(mac, q.mac, 6);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

/* Make the kernel resolve @addr: one datagram to its discard port. */
static void kscan_neigh_trigger(u32 addr, const char *ifname)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(KSCAN_DISCARD_PORT),
		.sin_addr.s_addr = htonl(addr),
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname));
	if (!connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		(void)!send(fd, "", 0, MSG_DONTWAIT);
	close(fd);
}

static int kscan_route_mac(struct kscan_route *route, char *err,
			   size_t errlen)
{
	char hop[16];
	int waited, state, found, nlerr = 0;

	for (waited = 0;; waited += KSCAN_ROUTE_POLL_MS) {
		found = kscan_neigh_mac(route->ifindex, route->next_hop,
					route->next_hop_mac, &state, &nlerr);
		if (found > 0)
			return 0;
		if (found < 0)
			return kscan_route_fail(err, errlen,
						"cannot read the neighbour table: %s",
						nl_geterror(nlerr));
		if (waited >= KSCAN_ROUTE_RESOLVE_MS)
			break;
		if (!waited || state == -1 || (state & NUD_FAILED))
			kscan_neigh_trigger(route->next_hop, route->ifname);
		poll(NULL, 0, KSCAN_ROUTE_POLL_MS);
	}
	return kscan_route_fail(err, errlen,
				"no MAC address for the next hop %s on %s: %s after %d ms of ARP; give it with -G MAC",
				kscan_ipv4_str(route->next_hop, hop),
				route->ifname,
				state == -1 ? "no neighbour entry" :
				(state & NUD_FAILED) ? "the neighbour entry FAILED" :
						       "the neighbour entry stays incomplete",
				KSCAN_ROUTE_RESOLVE_MS);
}

int kscan_route_lookup(u32 dst, int ifindex, bool want_mac,
		       struct kscan_route *route, char *err, size_t errlen)
{
	struct kscan_route_reply reply = { 0 };
	struct rtnl_nexthop *nh;
	struct nl_sock *sk;
	char dst_str[16];
	int ret = -1, e;

	memset(route, 0, sizeof(*route));
	kscan_ipv4_str(dst, dst_str);
	sk = nl_socket_alloc();
	if (!sk)
		return kscan_route_fail(err, errlen, "out of memory");
	if (nl_connect(sk, NETLINK_ROUTE)) {
		kscan_route_fail(err, errlen, "cannot open rtnetlink");
		goto out;
	}
	e = kscan_route_get(sk, dst, ifindex, &reply);
	if (e) {
		kscan_route_fail(err, errlen, "no route to %s%s%s: %s", dst_str,
				 ifindex ? " through the given interface" : "",
				 "", strerror(-e));
		goto out;
	}
	if (rtnl_route_get_type(reply.route) != RTN_UNICAST) {
		kscan_route_fail(err, errlen,
				 "the route to %s is not a unicast route out of this host (type %u)",
				 dst_str, rtnl_route_get_type(reply.route));
		goto out;
	}
	nh = rtnl_route_get_nnexthops(reply.route) ?
		     rtnl_route_nexthop_n(reply.route, 0) : NULL;
	if (!nh || !rtnl_route_nh_get_ifindex(nh)) {
		kscan_route_fail(err, errlen, "the route to %s has no device",
				 dst_str);
		goto out;
	}
	route->ifindex = rtnl_route_nh_get_ifindex(nh);
	if (!if_indextoname((unsigned int)route->ifindex, route->ifname)) {
		kscan_route_fail(err, errlen, "the route to %s: device %d is gone",
				 dst_str, route->ifindex);
		goto out;
	}
	route->src = kscan_addr_u32(rtnl_route_get_pref_src(reply.route));
	route->gateway = kscan_addr_u32(rtnl_route_nh_get_gateway(nh));
	route->next_hop = route->gateway ? route->gateway : dst;
	if (want_mac && kscan_route_mac(route, err, errlen))
		goto out;
	ret = 0;
out:
	if (reply.route)
		rtnl_route_put(reply.route);
	nl_socket_free(sk);
	return ret;
}
