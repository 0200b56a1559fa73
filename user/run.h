/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One scan from the opened engines to the metadata, whatever the engines:
 * signals, the receive loop, the once-a-second status, the end of the
 * scan, the cooldown, the drain, the report and the metadata file. The TX
 * engine (tx.h) sends, the RX engine (rx.h) hands frames to the reply
 * pipeline (receiver.h: validate, dedup, rst, output).
 */
#ifndef KSCANCTL_RUN_H
#define KSCANCTL_RUN_H

#include <signal.h>

#include "cli.h"
#include "plan.h"

/* Signals received since kscan_catch_signals(); the loops act on them. */
extern volatile sig_atomic_t kscan_signals;

/*
 * SIGINT, SIGTERM and SIGHUP stop the scan; SIGPIPE is ignored (a closed
 * output shows as EPIPE). Installed before anything is opened.
 */
void kscan_catch_signals(void);

/*
 * Run the scan of @cfg and @plan on @ifindex: choose and open the TX
 * engine, open the outputs and the RX engine, start, receive until the
 * end and the cooldown, report. Returns the process exit code.
 */
int kscan_run_scan(struct kscan_start_config *cfg,
		   const struct kscan_plan *plan, int ifindex);

#endif /* KSCANCTL_RUN_H */
