// SPDX-License-Identifier: GPL-2.0
/* What every receive engine does the same way (see rx.h). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rx.h"

int kscan_rx_check_config(const struct kscan_rx_config *cfg,
			  const char *engine, char *err, size_t errlen)
{
	int ifindex;

	if (!cfg->ifname || cfg->sport_first > cfg->sport_last) {
		snprintf(err, errlen, "%s: no interface or an empty port range",
			 engine);
		return -EINVAL;
	}
	ifindex = cfg->ifindex > 0 ? cfg->ifindex :
				     (int)if_nametoindex(cfg->ifname);
	if (!ifindex) {
		snprintf(err, errlen, "no interface %s in this network namespace",
			 cfg->ifname);
		return -ENODEV;
	}
	return ifindex;
}

void kscan_rx_config_init(struct kscan_rx_config *rxc,
			  const struct kscan_start_config *cfg,
			  const uint8_t key[16], int ifindex)
{
	memset(rxc, 0, sizeof(*rxc));
	rxc->ifname = cfg->ifname;
	rxc->ifindex = ifindex;
	rxc->sport_first = cfg->sport_first;
	rxc->sport_last = cfg->sport_last;
	/* AF_XDP's program takes only replies with our cookie. */
	memcpy(rxc->key, key, sizeof(rxc->key));
	rxc->probes = cfg->probes;
	rxc->verbose = cfg->verbose;
}
