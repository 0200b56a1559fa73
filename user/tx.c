// SPDX-License-Identifier: GPL-2.0
/* Which TX engine runs (see tx.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tx.h"

const struct kscan_tx_ops *kscan_tx_find(u32 engine)
{
	switch (engine) {
	case KSCAN_ENGINE_KMOD:
		return &kscan_tx_kmod;
	case KSCAN_ENGINE_AFXDP:
		return &kscan_tx_afxdp;
	case KSCAN_ENGINE_AFPACKET:
		return &kscan_tx_afpacket;
	default:
		return NULL;
	}
}

/* Open @ops; on failure say why. 0, or the exit code. */
static int kscan_tx_try(const struct kscan_tx_config *tc,
			const struct kscan_tx_ops *ops,
			struct kscan_tx_choice *choice, char *why,
			size_t whylen)
{
	int ret;

	why[0] = '\0';
	ret = ops->open(tc, &choice->state, why, whylen);
	if (!ret) {
		choice->ops = ops;
		return 0;
	}
	if (!why[0])
		snprintf(why, whylen, "%s", strerror(-ret));
	return ret == -EINVAL ? KSCAN_EXIT_USAGE : 1;
}

int kscan_tx_choose(const struct kscan_tx_config *tc,
		    struct kscan_tx_choice *choice)
{
	/* auto's order: the fastest that can run here first */
	static const u32 order[] = { KSCAN_ENGINE_KMOD, KSCAN_ENGINE_AFXDP,
				     KSCAN_ENGINE_AFPACKET };
	const struct kscan_start_config *cfg = tc->cfg;
	char why[512];
	size_t i, used = 0;
	int ret = 1;

	memset(choice, 0, sizeof(*choice));
	choice->requested = kscan_engine_name(cfg->engine);
	if (cfg->engine != KSCAN_ENGINE_AUTO) {
		const struct kscan_tx_ops *ops = kscan_tx_find(cfg->engine);

		if (!ops) {
			fprintf(stderr,
				"kscanctl: --engine %s: this TX engine is not built into this kscanctl\n",
				choice->requested);
			return 1;
		}
		ret = kscan_tx_try(tc, ops, choice, why, sizeof(why));
		if (ret == KSCAN_EXIT_USAGE)
			fprintf(stderr, "kscanctl: --engine %s: %s\n",
				ops->name, why);
		else if (ret)
			fprintf(stderr,
				"kscanctl: --engine %s: cannot send on %s: %s\n",
				ops->name, cfg->ifname, why);
		return ret;
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct kscan_tx_ops *ops = kscan_tx_find(order[i]);

		ret = kscan_tx_try(tc, ops, choice, why, sizeof(why));
		if (!ret)
			return 0;
		if (ret == KSCAN_EXIT_USAGE) {
			/* the options are wrong, not the host */
			fprintf(stderr, "kscanctl: --engine auto (%s): %s\n",
				ops->name, why);
			return ret;
		}
		fprintf(stderr,
			"kscanctl: WARNING: --engine auto: %s cannot send on %s: %s\n",
			ops->name, cfg->ifname, why);
		if (used < sizeof(choice->fallback))
			used += (size_t)snprintf(
				choice->fallback + used,
				sizeof(choice->fallback) - used, "%s%s: %s",
				used ? "; " : "", ops->name, why);
	}
	fprintf(stderr, "kscanctl: --engine auto: no TX engine can run here\n");
	return 1;
}
