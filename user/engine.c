// SPDX-License-Identifier: GPL-2.0
/* What every receive engine does the same way (see engine.h). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>

#include "engine.h"

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
