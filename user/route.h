/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Defaults for -i, -S and -G from the kernel's routing and neighbour
 * tables (rtnetlink through libnl-route-3), as ZMap finds them: the route
 * to the first target gives the device, the preferred source address and
 * the gateway; the neighbour table gives the MAC of the next hop (the
 * gateway, or the target itself when it is on-link). A missing neighbour
 * entry is resolved by sending one UDP datagram to the next hop's discard
 * port, which makes the kernel ARP for it.
 */
#ifndef KSCANCTL_ROUTE_H
#define KSCANCTL_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "kscan/types.h"

/* How long ARP may take when the neighbour entry is missing. */
#define KSCAN_ROUTE_RESOLVE_MS 3000

struct kscan_route {
	int ifindex;
	char ifname[IF_NAMESIZE];
	u32 src;		/* preferred source; 0 if the route has none */
	u32 gateway;		/* 0: on-link */
	u32 next_hop;		/* the gateway, or the destination */
	u8 next_hop_mac[6];
};

/*
 * The route to @dst (host-numeric), through @ifindex if not 0. With
 * @want_mac, also the next hop's MAC. Returns 0, or -1 with a sentence in
 * @err saying what is missing.
 */
int kscan_route_lookup(u32 dst, int ifindex, bool want_mac,
		       struct kscan_route *route, char *err, size_t errlen);

#endif /* KSCANCTL_ROUTE_H */
