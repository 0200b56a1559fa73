// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace TX engines' common part (see tx_user.h).
 *
 * Pace, as kmod/rate.c: each thread takes its share of --rate (the first
 * threads the remainder, at least 1 pps); packet k of its schedule is due
 * at start + k / pps, and it may run up to a millisecond's worth (at most
 * one burst) ahead. A thread that falls behind by more than 200 ms (it was
 * descheduled, the device was busy) does not race to catch up: the
 * schedule moves instead. 128-bit products: no overflow whatever the
 * elapsed time.
 */
#define _GNU_SOURCE /* pthread_attr_setaffinity_np */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tx_user.h"

u64 kscan_txu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void kscan_txu_sleep_ns(u64 ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ULL),
		.tv_nsec = (long)(ns % 1000000000ULL),
	};

	nanosleep(&ts, NULL);
}

u32 kscan_txu_tsval(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u32)((u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000);
}

void kscan_txu_backoff(u32 error_run)
{
	kscan_txu_sleep_ns(KSCAN_TXU_BACKOFF_NS
			   << (error_run < KSCAN_TXU_BACKOFF_MAX_SHIFT ?
				       error_run :
				       KSCAN_TXU_BACKOFF_MAX_SHIFT));
}

/* ---- the pace ---- */

static void kscan_txu_rate_init(struct kscan_txu_rate *r, u64 pps, u32 burst,
				u64 now)
{
	u64 depth = pps / 1000;

	r->pps = pps;
	r->depth = depth < 1 ? 1 : depth > burst ? burst : depth;
	/*
	 * Catch up on 200 ms of lag (the module: 50 ms): a userspace thread
	 * is descheduled longer and more often than a kthread, and what it
	 * forgets is lost from the long-run rate.
	 */
	r->slack = pps / 5 > r->depth ? pps / 5 : r->depth;
	r->start_ns = now;
	r->released = 0;
}

static u32 kscan_txu_rate_take(struct kscan_txu_rate *r, u64 now, u32 want)
{
	unsigned __int128 due;
	u64 avail;

	if (!r->pps)
		return want;
	due = (unsigned __int128)(now - r->start_ns) * r->pps / 1000000000ULL;
	/* Fell behind by more than the slack: move the schedule. */
	if (due > r->released + r->slack) {
		due = r->released + r->slack;
		r->start_ns = now - (u64)(due * 1000000000ULL / r->pps);
	}
	due += r->depth;
	avail = due > r->released ? (u64)(due - r->released) : 0;
	if (avail > want)
		avail = want;
	r->released += avail;
	return (u32)avail;
}

void kscan_txu_wait_due(struct kscan_txu_thread *t)
{
	const struct kscan_txu_rate *r = &t->rate;
	u64 now = kscan_txu_now_ns(), next, ns = 1000;

	if (r->pps && r->released >= r->depth) {
		next = r->start_ns +
		       (u64)((unsigned __int128)(r->released + 1 - r->depth) *
			     1000000000ULL / r->pps);
		ns = next > now ? next - now : 0;
	}
	kscan_txu_sleep_ns(ns < 1000 ? 1000 : ns > 10000000 ? 10000000 : ns);
}

/* ---- the budget ---- */

static u32 kscan_txu_reserve(struct kscan_txu *u, u32 want)
{
	s64 left;

	if (!u->budgeted)
		return want;
	left = atomic_load(&u->budget);
	do {
		if (left <= 0)
			return 0;
	} while (!atomic_compare_exchange_weak(
		&u->budget, &left, left - (left < want ? left : want)));
	return left < want ? (u32)left : want;
}

u32 kscan_txu_take(struct kscan_txu_thread *t, u32 want, bool *spent)
{
	u32 n = kscan_txu_rate_take(&t->rate, kscan_txu_now_ns(), want), got;

	*spent = false;
	if (!n)
		return 0;
	got = kscan_txu_reserve(t->u, n);
	/* The schedule released more than the budget allows: take back. */
	if (t->rate.pps)
		t->rate.released -= n - got;
	*spent = !got;
	return got;
}

void kscan_txu_give_back(struct kscan_txu_thread *t, u32 n)
{
	if (!n)
		return;
	if (t->rate.pps)
		t->rate.released -= n;
	if (t->u->budgeted)
		atomic_fetch_add(&t->u->budget, (s64)n);
}

bool kscan_txu_should_end(struct kscan_txu_thread *t, u32 *reason)
{
	if (atomic_load_explicit(&t->u->stop, memory_order_relaxed)) {
		*reason = KSCAN_REASON_STOPPED;
		return true;
	}
	if (atomic_load_explicit(&t->u->abort_reason, memory_order_relaxed)) {
		*reason = KSCAN_REASON_NONE; /* another thread's reason */
		return true;
	}
	return false;
}

void kscan_txu_fields(struct kscan_txu *u, u64 pos, u32 tsval,
		      struct kscan_syn_fields *f)
{
	kscan_probe_fields(&u->probes, kscan_perm_at(&u->perm, pos), f);
	f->tsval = tsval;
}

/* ---- setup ---- */

int kscan_txu_check_options(const struct kscan_start_config *cfg,
			    const char *engine, char *err, size_t errlen)
{
	if (cfg->detach)
		return kscan_errf(
			err, errlen,
			"--detach: only kmod scans run without their kscanctl (%s's sender threads are kscanctl's own)",
			engine);
	if (cfg->given[KSCAN_OPT_XMIT])
		return kscan_errf(
			err, errlen,
			"--xmit: a mode of the module's transmit path; %s has its own",
			engine);
	if (cfg->given[KSCAN_OPT_BURST] && cfg->burst > KSCAN_TXU_MAX_BURST)
		return kscan_errf(err, errlen,
				  "--burst: %s takes 1 to %d frames per batch",
				  engine, KSCAN_TXU_MAX_BURST);
	return 0;
}

int kscan_txu_init(struct kscan_txu *u, const struct kscan_tx_config *tc,
		   const struct kscan_txu_ops *ops, const u8 src_mac[6],
		   u32 nr_threads, char *err, size_t errlen)
{
	const struct kscan_start_config *cfg = tc->cfg;
	struct kscan_syn_params params = {
		.ttl = cfg->given[KSCAN_OPT_TTL] ? cfg->ttl : KSCAN_DEFAULT_TTL,
		.window = cfg->given[KSCAN_OPT_WINDOW] ? cfg->window :
							 KSCAN_DEFAULT_WINDOW,
		.options = cfg->given[KSCAN_OPT_TCP_OPTIONS] ?
				   cfg->tcp_options :
				   KSCAN_TCP_OPT_NONE,
	};
	u64 share, rem, now = kscan_txu_now_ns();
	u32 i;

	memset(u, 0, sizeof(*u));
	u->tc = tc;
	u->ops = ops;
	u->done_fd = -1;
	u->nr_threads = nr_threads;
	u->burst = cfg->given[KSCAN_OPT_BURST] ? cfg->burst :
						 KSCAN_DEFAULT_BURST;
	memcpy(params.src_mac, src_mac, 6);
	memcpy(params.dst_mac, cfg->gateway_mac, 6);
	if (kscan_syn_template_init(&u->tpl, &params)) {
		kscan_errf(err, errlen, "--tcp-options: unknown profile");
		return -EINVAL;
	}
	if (kscan_plan_probes(cfg, tc->plan, &u->probes, &u->prefix, err,
			      errlen))
		return -EINVAL;
	if (kscan_perm_init(&u->perm, u->probes.ts.size, tc->plan->seed)) {
		kscan_errf(err, errlen,
			   "the target space is too large to permute");
		return -E2BIG;
	}
	u->threads = calloc(nr_threads, sizeof(*u->threads));
	if (!u->threads)
		return -ENOMEM;
	u->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (u->done_fd < 0) {
		kscan_errf(err, errlen, "eventfd: %s", strerror(errno));
		return -errno;
	}
	/* slices and shares as the module cuts them (kmod/scan.c) */
	share = cfg->rate / nr_threads;
	rem = cfg->rate % nr_threads;
	for (i = 0; i < nr_threads; i++) {
		struct kscan_txu_thread *t = &u->threads[i];
		u64 pps = share + (i < rem);

		t->u = u;
		t->index = i;
		t->queue = (u16)i;
		if (kscan_slice(u->probes.ts.size, cfg->shard, cfg->shards, i,
				nr_threads, &t->begin, &t->end)) {
			kscan_errf(err, errlen, "--shard: not below --shards");
			return -EINVAL;
		}
		t->pos = t->begin;
		u->total += t->end - t->begin;
		/* A thread of a rate-limited scan gets at least 1 pps. */
		if (cfg->rate && !pps)
			pps = 1;
		kscan_txu_rate_init(&t->rate, pps, u->burst, now);
		t->cpu = cfg->given[KSCAN_OPT_CPUS] ? cfg->cpus[i] : 0;
	}
	/* a budget of the whole shard or more is no budget at all */
	u->budgeted = cfg->max_packets && cfg->max_packets < u->total;
	if (u->budgeted)
		u->total = cfg->max_packets;
	atomic_store(&u->budget, u->budgeted ? (s64)u->total : 0);
	return 0;
}

static void kscan_txu_join(struct kscan_txu *u)
{
	u32 i;

	if (u->joined)
		return;
	for (i = 0; u->threads && i < u->nr_threads; i++)
		if (u->threads[i].created)
			pthread_join(u->threads[i].tid, NULL);
	u->joined = true;
}

void kscan_txu_free(struct kscan_txu *u)
{
	atomic_store(&u->stop, true);
	kscan_txu_join(u);
	free(u->threads);
	u->threads = NULL;
	if (u->done_fd >= 0)
		close(u->done_fd);
	u->done_fd = -1;
	free(u->prefix);
	u->prefix = NULL;
}

static void *kscan_txu_thread_main(void *arg)
{
	struct kscan_txu_thread *t = arg;
	struct kscan_txu *u = t->u;
	u32 none = KSCAN_REASON_NONE;
	u64 one = 1;

	/* the schedule starts when the thread does */
	t->rate.start_ns = kscan_txu_now_ns();
	t->reason = u->ops->walk(t);
	/* a thread that failed for good ends the scan, as in the module */
	if (t->reason != KSCAN_REASON_COMPLETED &&
	    t->reason != KSCAN_REASON_BUDGET &&
	    t->reason != KSCAN_REASON_STOPPED && t->reason != KSCAN_REASON_NONE)
		atomic_compare_exchange_strong(&u->abort_reason, &none,
					       t->reason);
	if (atomic_fetch_sub(&u->running, 1) == 1) {
		atomic_store(&u->end_ns, kscan_txu_now_ns());
		/* a full eventfd is already readable: nothing to do */
		if (write(u->done_fd, &one, sizeof(one)) < 0)
			one = 0;
	}
	return NULL;
}

int kscan_txu_start(void *state, u32 *scan_id, char *err, size_t errlen)
{
	struct kscan_txu *u = state;
	const struct kscan_start_config *cfg = u->tc->cfg;
	u32 i;
	int ret;

	*scan_id = 0; /* the scan is this process */
	u->start_ns = kscan_txu_now_ns();
	atomic_store(&u->running, u->nr_threads);
	for (i = 0; i < u->nr_threads; i++) {
		struct kscan_txu_thread *t = &u->threads[i];
		pthread_attr_t attr;
		cpu_set_t set;

		pthread_attr_init(&attr);
		if (cfg->given[KSCAN_OPT_CPUS]) {
			CPU_ZERO(&set);
			CPU_SET(t->cpu, &set);
			pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		}
		ret = pthread_create(&t->tid, &attr, kscan_txu_thread_main, t);
		pthread_attr_destroy(&attr);
		if (ret) {
			/* those started end at once; nothing is lost */
			atomic_store(&u->stop, true);
			atomic_fetch_sub(&u->running, u->nr_threads - i);
			kscan_txu_join(u);
			kscan_errf(err, errlen,
				   "cannot start sender thread %u: %s", i,
				   strerror(ret));
			return -ret;
		}
		t->created = true;
	}
	return 0;
}

int kscan_txu_wait_fd(void *state)
{
	struct kscan_txu *u = state;

	return u->done_fd;
}

/* The counters, in the module's terms. */
static void kscan_txu_fill(struct kscan_txu *u, struct kscan_scan_status *st)
{
	u32 i, abort = atomic_load(&u->abort_reason);
	bool ended = !atomic_load(&u->running);

	memset(st, 0, sizeof(*st));
	st->ifindex = (u32)u->tc->ifindex;
	st->total = u->total;
	st->start_ns = u->start_ns;
	for (i = 0; i < u->nr_threads && i < KSCAN_MAX_QUEUES; i++) {
		struct kscan_txu_thread *t = &u->threads[i];
		struct kscan_queue_status *q = &st->queues[i];

		q->queue = t->queue;
		q->cpu = t->cpu;
		q->sent = atomic_load(&t->sent);
		q->tx_busy = atomic_load(&t->tx_busy);
		q->errors = atomic_load(&t->errors);
		st->sent += q->sent;
		st->tx_busy += q->tx_busy;
		st->errors += q->errors;
	}
	st->nr_queues = i;
	st->progress = st->sent;
	if (!ended) {
		st->state = KSCAN_STATE_RUNNING;
		return;
	}
	st->end_ns = atomic_load(&u->end_ns);
	if (abort) {
		st->state = KSCAN_STATE_ABORTED;
		st->reason = abort;
		return;
	}
	st->state = KSCAN_STATE_DONE;
	st->reason = KSCAN_REASON_COMPLETED;
	for (i = 0; i < u->nr_threads; i++) {
		if (u->threads[i].reason == KSCAN_REASON_STOPPED) {
			st->state = KSCAN_STATE_ABORTED;
			st->reason = KSCAN_REASON_STOPPED;
			return;
		}
		if (u->threads[i].reason == KSCAN_REASON_BUDGET)
			st->reason = KSCAN_REASON_BUDGET;
	}
}

int kscan_txu_progress(void *state, struct kscan_scan_status *st)
{
	struct kscan_txu *u = state;

	kscan_txu_fill(u, st);
	if (st->state == KSCAN_STATE_RUNNING)
		return 0;
	/* ended: joined, the reasons and counters are final */
	kscan_txu_join(u);
	kscan_txu_fill(u, st);
	return 1;
}

int kscan_txu_wait(void *state, struct kscan_scan_status *final)
{
	struct kscan_txu *u = state;
	u64 v;

	if (read(u->done_fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return kscan_txu_progress(state, final);
}

int kscan_txu_stop(void *state)
{
	struct kscan_txu *u = state;
	bool ended = !atomic_load(&u->running);

	atomic_store(&u->stop, true);
	kscan_txu_join(u);
	return ended ? -EALREADY : 0;
}

void kscan_txu_report(void *state, const char *what, int err)
{
	(void)state;
	fprintf(stderr, "kscanctl: %s: %s\n", what, strerror(-err));
}

u32 kscan_txu_fatal(int err)
{
	switch (err) {
	case ENETDOWN:
		return KSCAN_REASON_DEVICE_DOWN;
	case ENXIO:
	case ENODEV:
		return KSCAN_REASON_DEVICE_GONE;
	default:
		return KSCAN_REASON_NONE;
	}
}

int kscan_txu_device(const char *ifname, u8 mac[6], char *err, size_t errlen)
{
	struct ifreq ifr, hw;
	int fd, ret = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	hw = ifr; /* flags and address share the union: two requests */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) ||
	    ioctl(fd, SIOCGIFHWADDR, &hw)) {
		ret = -errno;
		kscan_errf(err, errlen, "%s: %s", ifname, strerror(errno));
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ret = -ENETDOWN;
		kscan_errf(err, errlen, "%s is down", ifname);
	} else if (hw.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		ret = -EOPNOTSUPP;
		kscan_errf(err, errlen, "%s is not an Ethernet device", ifname);
	} else {
		memcpy(mac, hw.ifr_hwaddr.sa_data, 6);
	}
	if (fd >= 0)
		close(fd);
	return ret;
}
