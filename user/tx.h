/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transmit (TX) engines: who sends the probes (--engine). One small table
 * of callbacks per engine (user/tx_*.c): kmod hands the plan to kscan.ko
 * over generic netlink (nl.c), the userspace engines run their own sender
 * threads. Every engine builds its probes with include/kscan/ (probe.h,
 * syn.h), so one (seed, key, shard) is one probe set on every engine.
 *
 * Lifecycle: open -> start -> (wait | progress)* -> [stop] -> close.
 * open() checks that the engine can run here and takes what it needs
 * (sockets, the module's family), sending nothing: --engine=auto tries
 * the next engine when it fails. Progress is reported in the kernel's
 * terms (struct kscan_scan_status, enum kscan_state/kscan_reason) so that
 * the run loop, the report and the metadata do not care who sent.
 */
#ifndef KSCANCTL_TX_H
#define KSCANCTL_TX_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "nl.h"
#include "plan.h"

struct kscan_tx_config {
	const struct kscan_start_config *cfg;
	const struct kscan_plan *plan;
	int ifindex;
};

struct kscan_tx_ops {
	const char *name; /* as given to --engine */
	/*
	 * Check and prepare; nothing is sent. Returns 0, or a negative errno
	 * with a sentence in @err that names what is missing. -EINVAL (with
	 * @err naming the flag) when the options are wrong for this engine:
	 * a usage error, not a reason to try another engine.
	 */
	int (*open)(const struct kscan_tx_config *tc, void **state, char *err,
		    size_t errlen);
	/*
	 * Start sending. *@scan_id names the scan in reports: the kernel's
	 * id for kmod, 0 for the userspace engines (their scan is this
	 * process). Returns 0 or a negative errno with @err.
	 */
	int (*start)(void *state, u32 *scan_id, char *err, size_t errlen);
	/* A descriptor that becomes readable when the scan may have ended
	 * (the run loop sleeps on it when nothing receives), or -1.
	 */
	int (*wait_fd)(void *state);
	/*
	 * Without blocking: 1 when the scan has ended (@final filled), 0
	 * when not yet, a negative errno when the engine cannot tell this
	 * way any more (the loop then relies on progress()).
	 */
	int (*wait)(void *state, struct kscan_scan_status *final);
	/*
	 * The counters now: 0 while running, 1 when ended (@st is final),
	 * -ENOENT when the scan is gone without a word, other -errno.
	 */
	int (*progress)(void *state, struct kscan_scan_status *st);
	/*
	 * Stop sending; returns once nothing more will be sent. 0, or a
	 * negative errno (-ENOENT/-EALREADY: it had ended already).
	 */
	int (*stop)(void *state);
	/* A sentence on stderr for the failure @err of the last call. */
	void (*report)(void *state, const char *what, int err);
	/*
	 * Optional, for an engine that owns both directions (afxdp): the
	 * state of its RX half for --rx afxdp (used with kscan_rx_afxdp's
	 * ops, closed by close()), or NULL.
	 */
	void *(*rx_half)(void *state);
	/* Optional: how it binds ("native copy", ...), for the metadata. */
	const char *(*mode)(void *state);
	void (*close)(void *state);
};

extern const struct kscan_tx_ops kscan_tx_kmod;
extern const struct kscan_tx_ops kscan_tx_afxdp;
extern const struct kscan_tx_ops kscan_tx_afpacket;

/* The engine --engine=@engine names, or NULL when it is not built. */
const struct kscan_tx_ops *kscan_tx_find(u32 engine);

/* The engine that was asked for, the one used, and why they differ. */
struct kscan_tx_choice {
	const struct kscan_tx_ops *ops;
	void *state;
	const char *requested; /* "auto", "kmod", ... */
	char fallback[512]; /* why not the better ones, or "" */
};

/*
 * Open the engine of cfg->engine, or for auto the first that can run: kmod
 * (the module is loaded, or the kernel loads it), then afxdp, then
 * afpacket. Each
 * downgrade is one warning on stderr naming the reason; an engine asked
 * for by name runs or fails. Returns 0, or the exit code: 1 when the
 * engine cannot run, KSCAN_EXIT_USAGE when the options do not fit it.
 */
int kscan_tx_choose(const struct kscan_tx_config *tc,
		    struct kscan_tx_choice *choice);

/* kmod: explain a failed kscan_nl_open() on stderr (version, stop...). */
void kscan_report_open_error(int err);

#endif /* KSCANCTL_TX_H */
