/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress of a running scan, once a second: a line on stderr (a progress
 * bar redrawn in place when stderr is a terminal) and, with -u FILE, the
 * same numbers as a CSV row. Column names follow ZMap's status updates.
 */
#ifndef KSCANCTL_STATUS_H
#define KSCANCTL_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "kscan/types.h"

/* The numbers of one moment; counters are totals since the start. */
struct kscan_status_sample {
	double elapsed_s;	/* since START */
	u64 sent;		/* kernel: probes sent */
	u64 progress;		/* kernel: positions done */
	u64 total;		/* kernel: positions of this shard */
	u64 frames;		/* delivered by the RX engine */
	u64 open;
	u64 closed;
	u64 duplicates;
	u64 invalid;
	u64 kernel_drops;	/* RX engine's kernel side */
	bool cooldown;		/* the last probe is sent */
	double cooldown_left_s;
};

/* What is derived from two samples a second apart. */
struct kscan_status_rates {
	double percent;
	double send_pps;	/* last interval */
	double send_avg_pps;
	double recv_pps;	/* frames, last interval */
	double recv_avg_pps;
	double hit_rate;	/* open / sent, percent */
	double eta_s;		/* -1: unknown */
};

void kscan_status_rates(const struct kscan_status_sample *now,
			const struct kscan_status_sample *prev,
			struct kscan_status_rates *r);

/* The stderr line, without newline. */
void kscan_status_format(const struct kscan_status_sample *s,
			 const struct kscan_status_rates *r, bool tty,
			 char *buf, size_t len);

void kscan_status_csv_header(FILE *out);
/* @realtime_s: wall-clock seconds (UNIX time) of the sample. */
void kscan_status_csv_row(FILE *out, double realtime_s,
			  const struct kscan_status_sample *s,
			  const struct kscan_status_rates *r);

#endif /* KSCANCTL_STATUS_H */
