/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the userspace TX engines (afpacket, afxdp) share: the probes of the
 * plan (include/kscan/), the slices and rate shares cut as the module cuts
 * them (kmod/scan.c), the budget, the pace (kmod/rate.c's schedule), the
 * sender threads' start, stop and join, and progress in the module's
 * terms. An engine adds its sockets and one function that walks a thread's
 * slice (struct kscan_tx_user_ops).
 */
#ifndef KSCANCTL_TX_USER_H
#define KSCANCTL_TX_USER_H

#include <pthread.h>
#include <stdatomic.h>

#include "kscan/perm.h"
#include "kscan/probe.h"
#include "kscan/syn.h"

#include "tx.h"

/* Backoff after a refused batch: 20 us doubling to 1.28 ms (as kmod). */
#define KSCAN_TXU_BACKOFF_NS 20000ULL
#define KSCAN_TXU_BACKOFF_MAX_SHIFT 6
/* Errors in a row, over at least this long, end the scan (as kmod). */
#define KSCAN_TXU_ERROR_RUN 1000
#define KSCAN_TXU_ERROR_NS (5 * 1000000000ULL)
#define KSCAN_TXU_MAX_BURST 256

/* The pace of one thread: packet k is due at start + k / pps. */
struct kscan_txu_rate {
	u64 pps; /* 0: unlimited */
	u64 depth; /* how far ahead of the schedule it may run */
	u64 slack; /* lag caught up on; beyond, the schedule moves */
	u64 start_ns;
	u64 released;
};

struct kscan_txu;

struct kscan_txu_thread {
	struct kscan_txu *u;
	pthread_t tid;
	bool created;
	u32 index;
	u16 queue; /* afxdp: its TX queue; afpacket: its index */
	u32 cpu; /* with --cpus */
	u64 begin, end, pos; /* its slice of the shard */
	struct kscan_txu_rate rate;
	_Atomic u64 sent;
	_Atomic u64 tx_busy; /* times the device refused a batch */
	_Atomic u64 errors;
	u32 reason; /* why it ended (enum kscan_reason) */
	void *priv; /* the engine's, per thread */
};

struct kscan_txu_ops {
	/* Walk t->pos to t->end (rate, budget and stop permitting) and
	 * return why it ended: COMPLETED, BUDGET, STOPPED, or a reason that
	 * ends the whole scan (DEVICE_DOWN, ERROR...); NONE when another
	 * thread's reason ended it.
	 */
	u32 (*walk)(struct kscan_txu_thread *t);
};

struct kscan_txu {
	const struct kscan_tx_config *tc;
	const struct kscan_txu_ops *ops;
	struct kscan_probe_plan probes;
	u64 *prefix;
	struct kscan_perm perm;
	struct kscan_syn_template tpl;
	u32 burst;
	u32 nr_threads;
	struct kscan_txu_thread *threads;
	bool budgeted;
	_Atomic s64 budget; /* probes left under --max-targets */
	u64 total;
	_Atomic bool stop;
	_Atomic u32 running; /* threads not yet ended */
	_Atomic u32 abort_reason; /* a thread that failed for good */
	int done_fd; /* eventfd: the last thread ended */
	u64 start_ns;
	_Atomic u64 end_ns;
	bool joined;
};

/*
 * Lay out the scan for @tc: template with @src_mac, probes, permutation,
 * @nr_threads slices and rate shares, budget. Returns 0 or -errno with
 * @err (-EINVAL: the options).
 */
int kscan_txu_init(struct kscan_txu *u, const struct kscan_tx_config *tc,
		   const struct kscan_txu_ops *ops, const u8 src_mac[6],
		   u32 nr_threads, char *err, size_t errlen);
/* Stop and join the threads, free what init took. */
void kscan_txu_free(struct kscan_txu *u);

/*
 * The contract's calls (tx.h), for the engines' tables: an engine's state
 * starts with its struct kscan_txu, so these take the state as it is.
 */
int kscan_txu_start(void *state, u32 *scan_id, char *err, size_t errlen);
int kscan_txu_wait_fd(void *state);
int kscan_txu_wait(void *state, struct kscan_scan_status *final);
int kscan_txu_progress(void *state, struct kscan_scan_status *st);
int kscan_txu_stop(void *state);
void kscan_txu_report(void *state, const char *what, int err);

/* Why a send failed (an errno), in the module's reasons; NONE: not fatal. */
u32 kscan_txu_fatal(int err);

/* For the walks. */
u64 kscan_txu_now_ns(void);
void kscan_txu_sleep_ns(u64 ns);
/* How many of @want may go now under the pace and the budget; 0 with
 * *@spent when the budget is spent. */
u32 kscan_txu_take(struct kscan_txu_thread *t, u32 want, bool *spent);
/* Not all of what was taken went: the pace and the budget get it back. */
void kscan_txu_give_back(struct kscan_txu_thread *t, u32 n);
/* Sleep until the next probe is due (1 us to 10 ms). */
void kscan_txu_wait_due(struct kscan_txu_thread *t);
/* Whether the walk should end now; *@reason says why. */
bool kscan_txu_should_end(struct kscan_txu_thread *t, u32 *reason);
/* The fields of the probe at position @pos, TSval from the clock. */
void kscan_txu_fields(struct kscan_txu *u, u64 pos, u32 tsval,
		      struct kscan_syn_fields *f);
/* TSval: milliseconds, as the module's jiffies_to_msecs(). */
u32 kscan_txu_tsval(void);
/* The backoff after @error_run refusals in a row. */
void kscan_txu_backoff(u32 error_run);

/* @ifname is up and Ethernet: its MAC into @mac. 0 or -errno with @err. */
int kscan_txu_device(const char *ifname, u8 mac[6], char *err, size_t errlen);

/* Options that only the module has, refused by the userspace engines. */
int kscan_txu_check_options(const struct kscan_start_config *cfg,
			    const char *engine, char *err, size_t errlen);

#endif /* KSCANCTL_TX_USER_H */
