/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The metadata file (-m): one JSON object written when the scan is over,
 * with the configuration it ran with, the kernel's and the receiver's
 * counters, rates and times. Keys are fixed and always present.
 */
#ifndef KSCANCTL_METADATA_H
#define KSCANCTL_METADATA_H

#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "nl.h"
#include "rx.h"
#include "receiver.h"

struct kscan_metadata {
	const struct kscan_start_config *cfg;
	const char *ifname;
	u64 nr_targets;			/* addresses after the blocklist */
	u64 nr_intervals;
	const char *blocklist;
	u64 seed;
	u32 scan_id;			/* kmod's; 0 for the others */
	const char *engine;		/* the TX engine that ran */
	const char *engine_requested;	/* --engine: "auto", "kmod", ... */
	const char *engine_fallback;	/* why auto did not use a better
					 * one, or NULL */
	const char *engine_mode;	/* afxdp: how it binds, or NULL */
	const char *rx;			/* the RX engine used, or "none" */
	const char *rx_fallback;	/* why afxdp was not used, or NULL */
	struct timespec start;		/* CLOCK_REALTIME */
	struct timespec end;
	double duration_s;
	const struct kscan_scan_status *final;	/* NULL: never known */
	bool interrupted;		/* by a signal */
	const struct kscan_receiver_counters *rx_counters;
	struct kscan_rx_stats rx_stats;
	u64 dedup_bytes;
	u64 dedup_bound;
};

void kscan_metadata_write(FILE *out, const struct kscan_metadata *m);

/* @s as a JSON string, quotes included. */
void kscan_json_string(FILE *out, const char *s);

#endif /* KSCANCTL_METADATA_H */
