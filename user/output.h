/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result output: one line per validated, de-duplicated reply, as CSV with
 * a header line or as JSON lines, with a selectable list of fields named
 * as ZMap names them. The fields describe the reply: saddr and sport are
 * the target's address and port, daddr and dport ours.
 *
 *   field          CSV                      JSON
 *   saddr, daddr   198.18.0.1               "198.18.0.1"
 *   sport, dport, seqnum, acknum, window, ttl, ipid, timestamp_ts,
 *   timestamp_us   decimal                  number
 *   classification synack | rst             "synack" | "rst"
 *   success        1 (synack) | 0 (rst)     true | false
 *   repeat         0 (duplicates are never reported)
 *   cooldown       1 if received after the last probe was sent, else 0
 *   timestamp_str  2026-11-22T00:46:07.123+0000 (UTC, milliseconds)
 */
#ifndef KSCANCTL_OUTPUT_H
#define KSCANCTL_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "kscan/types.h"

#define KSCAN_OUTPUT_DEFAULT_FIELDS \
	"saddr,sport,classification,success,cooldown,timestamp_str"
#define KSCAN_OUTPUT_ALL_FIELDS                                            \
	"saddr, daddr, sport, dport, seqnum, acknum, window, ttl, ipid, "  \
	"classification, success, repeat, cooldown, timestamp_str, "       \
	"timestamp_ts, timestamp_us"

enum kscan_class {
	KSCAN_CLASS_SYNACK,	/* open */
	KSCAN_CLASS_RST,	/* closed */
};

/* One reply; addresses host-numeric. */
struct kscan_result {
	u32 saddr;
	u32 daddr;
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack;
	u16 window;
	u8 ttl;
	u16 ipid;
	u8 classification;	/* enum kscan_class */
	bool cooldown;
	struct timespec ts;	/* CLOCK_REALTIME at reception */
};

struct kscan_output;

/* Check a -f list ("*" = every field). Returns 0 or -1 with @err. */
int kscan_output_check_fields(const char *fields, char *err, size_t errlen);

/*
 * Write results to @out (owned by the caller) in @module (enum
 * kscan_output_module) with @fields (NULL: the default); CSV starts with
 * its header line. Returns NULL with @err.
 */
struct kscan_output *kscan_output_open(FILE *out, u32 module,
				       const char *fields, char *err,
				       size_t errlen);
void kscan_output_write(struct kscan_output *o, const struct kscan_result *r);
/* Flush to the file; 0 or -1 (errno) if anything failed so far. */
int kscan_output_flush(struct kscan_output *o);
/* Flush and free; returns what kscan_output_flush() returns. */
int kscan_output_close(struct kscan_output *o);

/* "2026-11-22T00:46:07.123+0000" (UTC) into @buf of 32 bytes. */
const char *kscan_timestamp_str(const struct timespec *ts, char buf[32]);

#endif /* KSCANCTL_OUTPUT_H */
