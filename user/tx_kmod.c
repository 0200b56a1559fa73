// SPDX-License-Identifier: GPL-2.0
/*
 * --engine=kmod: the probes are sent by kscan.ko's threads. This engine is
 * the module's generic-netlink client (nl.c) seen through tx.h: START
 * with the plan, events and GET for progress, STOP.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"

struct kscan_tx_kmod {
	const struct kscan_tx_config *tc;
	struct kscan_nl *nl;
	u32 scan_id;
	bool events_ok;
};

void kscan_report_open_error(int err)
{
	if (err == -ENOENT)
		fprintf(stderr,
			"kscanctl: the kscan kernel module is not loaded "
			"(generic-netlink family \"%s\" not found).\n"
			"Load it with 'modprobe kscan' (installed with DKMS: "
			"'make dkms-install'), or 'insmod kmod/kscan.ko' from a build tree.\n",
			KSCAN_GENL_NAME);
	else
		fprintf(stderr, "kscanctl: cannot open generic netlink: %s\n",
			strerror(-err));
}

/* "START refused: Invalid argument: KSCAN_A_PORTS: ..." */
static void kscan_kmod_report(void *state, const char *what, int err)
{
	struct kscan_tx_kmod *k = state;
	const char *extack = kscan_nl_extack(k->nl);

	fprintf(stderr, "kscanctl: %s: %s%s%s\n", what, strerror(-err),
		*extack ? ": " : "", extack);
}

static void kscan_kmod_request_fill(struct kscan_start_request *req,
				    const struct kscan_start_config *cfg,
				    const struct kscan_plan *plan, u32 ifindex)
{
	memset(req, 0, sizeof(*req));
	req->ifindex = ifindex;
	memcpy(req->dst_mac, cfg->gateway_mac, sizeof(req->dst_mac));
	req->saddr_first = cfg->saddr_first;
	req->saddr_last = cfg->saddr_last;
	if (cfg->nr_saddrs) {
		req->saddr_list = cfg->saddr_list;
		req->nr_saddrs = cfg->nr_saddrs;
	}
	req->sport_first = cfg->sport_first;
	req->sport_last = cfg->sport_last;
	req->intervals = plan->targets.iv;
	req->nr_intervals = (u32)plan->targets.nr;
	req->ports = cfg->ports;
	req->nr_ports = cfg->nr_ports;
	req->probes = cfg->probes;
	req->seed = plan->seed;
	req->shard = cfg->shard;
	req->shards = cfg->shards;
	req->rate = cfg->rate;
	req->tx_queues = cfg->tx_queues;
	req->nr_tx_queues = cfg->nr_tx_queues;
	if (cfg->given[KSCAN_OPT_CPUS]) {
		req->tx_cpus = cfg->cpus;
		req->nr_tx_cpus = cfg->nr_cpus;
	}
	req->has_ttl = cfg->given[KSCAN_OPT_TTL];
	req->ttl = cfg->ttl;
	req->has_window = cfg->given[KSCAN_OPT_WINDOW];
	req->window = cfg->window;
	req->has_tcp_options = cfg->given[KSCAN_OPT_TCP_OPTIONS];
	req->tcp_options = cfg->tcp_options;
	memcpy(req->key, plan->key, sizeof(req->key));
	req->has_xmit_mode = cfg->given[KSCAN_OPT_XMIT];
	req->xmit_mode = cfg->xmit_mode;
	req->has_burst = cfg->given[KSCAN_OPT_BURST];
	req->burst = cfg->burst;
	req->max_packets = cfg->max_packets;
	req->flags = (cfg->sw_csum ? KSCAN_START_F_SW_CSUM : 0) |
		     /* else the scan ends when kscanctl's socket closes */
		     (cfg->detach ? KSCAN_START_F_DETACH : 0);
}

/* Limits of the wire format and the module, checked before START. */
static int kscan_kmod_check_limits(const struct kscan_start_config *cfg,
				   const struct kscan_plan *plan, char *err,
				   size_t errlen)
{
	if (plan->targets.nr > KSCAN_MAX_INTERVALS)
		return kscan_errf(
			err, errlen,
			"the targets compile to %zu intervals; the module accepts at most %d: merge ranges",
			plan->targets.nr, KSCAN_MAX_INTERVALS);
	if (kscan_nl_port_ranges(cfg->ports, cfg->nr_ports) >
	    KSCAN_MAX_PORT_RANGES)
		return kscan_errf(
			err, errlen,
			"--target-ports makes more than %d ranges of consecutive ports: merge them",
			KSCAN_MAX_PORT_RANGES);
	return 0;
}

static int kscan_kmod_open(const struct kscan_tx_config *tc, void **state,
			   char *err, size_t errlen)
{
	const struct kscan_start_config *cfg = tc->cfg;
	struct kscan_tx_kmod *k;
	int ret;

	if (kscan_kmod_check_limits(cfg, tc->plan, err, errlen) ||
	    kscan_plan_check_queues(cfg, err, errlen))
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->tc = tc;
	/* Resolving the family loads an installed module (its genl alias). */
	k->nl = kscan_nl_open(&ret);
	if (!k->nl) {
		if (ret == -ENOENT)
			kscan_errf(
				err, errlen,
				"the kscan kernel module is not loaded and could not be loaded (generic-netlink family \"%s\" not found; install it with DKMS, or 'insmod kmod/kscan.ko' from a build tree)",
				KSCAN_GENL_NAME);
		else
			kscan_errf(err, errlen,
				   "cannot open generic netlink: %s",
				   strerror(-ret));
		free(k);
		return ret;
	}
	/* before START: a short scan may end before we would have joined */
	if (!cfg->detach) {
		ret = kscan_nl_subscribe_events(k->nl);
		if (ret) {
			kscan_errf(err, errlen,
				   "cannot join the \"%s\" multicast group: %s",
				   KSCAN_GENL_MCGRP_EVENTS, strerror(-ret));
			kscan_nl_close(k->nl);
			free(k);
			return ret;
		}
		k->events_ok = true;
	}
	*state = k;
	return 0;
}

static int kscan_kmod_start(void *state, u32 *scan_id, char *err, size_t errlen)
{
	struct kscan_tx_kmod *k = state;
	struct kscan_start_request req;
	const char *extack;
	int ret;

	kscan_kmod_request_fill(&req, k->tc->cfg, k->tc->plan,
				(u32)k->tc->ifindex);
	ret = kscan_nl_start(k->nl, &req, &k->scan_id);
	if (ret) {
		extack = kscan_nl_extack(k->nl);
		kscan_errf(err, errlen, "START refused: %s%s%s", strerror(-ret),
			   *extack ? ": " : "", extack);
		return ret;
	}
	*scan_id = k->scan_id;
	return 0;
}

static int kscan_kmod_wait_fd(void *state)
{
	struct kscan_tx_kmod *k = state;

	return k->events_ok ? kscan_nl_events_fd(k->nl) : -1;
}

static int kscan_kmod_wait(void *state, struct kscan_scan_status *final)
{
	struct kscan_tx_kmod *k = state;
	int ret;

	if (!k->events_ok)
		return -ENOTCONN;
	ret = kscan_nl_wait_event(k->nl, k->scan_id, 0, final);
	/* lost events (-ENOBUFS): GET tells the end */
	if (ret == -EINTR || ret == -ENOBUFS)
		return 0;
	if (ret < 0)
		k->events_ok = false;
	return ret;
}

static int kscan_kmod_progress(void *state, struct kscan_scan_status *st)
{
	struct kscan_tx_kmod *k = state;
	int ret = kscan_nl_get(k->nl, k->scan_id, st);

	if (ret)
		return ret;
	return st->state != KSCAN_STATE_RUNNING;
}

/* STOP returns once the threads are joined: nothing is sent after. */
static int kscan_kmod_stop(void *state)
{
	struct kscan_tx_kmod *k = state;

	return kscan_nl_stop(k->nl, k->scan_id);
}

static void kscan_kmod_close(void *state)
{
	struct kscan_tx_kmod *k = state;

	if (!k)
		return;
	kscan_nl_close(k->nl);
	free(k);
}

const struct kscan_tx_ops kscan_tx_kmod = {
	.name = "kmod",
	.open = kscan_kmod_open,
	.start = kscan_kmod_start,
	.wait_fd = kscan_kmod_wait_fd,
	.wait = kscan_kmod_wait,
	.progress = kscan_kmod_progress,
	.stop = kscan_kmod_stop,
	.report = kscan_kmod_report,
	.close = kscan_kmod_close,
};
