// SPDX-License-Identifier: GPL-2.0
/*
 * Generator threads: one kthread per TX queue, bound to a CPU, walking its
 * slice of the scan's permutation. Per round it releases up to one burst
 * of positions (rate and budget permitting), builds a SYN for each into an
 * skb from its pool, and hands the batch to the transmit path. Probes that
 * could not leave stay pending, in order, for the next round.
 */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "kscan.h"

/* Recycled skbs per thread: more than a NIC's TX ring holds. */
#define KSCAN_POOL_SIZE 1024
/* How long to wait for a busy queue or a pool skb. */
#define KSCAN_BACKOFF_NS (20 * NSEC_PER_USEC)
/* After failed transmissions the wait doubles, up to 2^6 times as long
 * (1.28 ms): KSCAN_XMIT_ERROR_RUN failures in a row take over a second, and
 * the scan ends once they have lasted KSCAN_XMIT_ERROR_SECS.
 */
#define KSCAN_BACKOFF_MAX_SHIFT 6
/* How often a thread looks for the carrier to come back. */
#define KSCAN_CARRIER_WAIT_NS NSEC_PER_MSEC

/* Sleep for @ns unless asked to stop; kthread_stop() wakes us early. */
static void kscan_gen_sleep(u64 ns)
{
	ktime_t timeout = ns_to_ktime(ns);

	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule_hrtimeout_range(&timeout, min_t(u64, ns / 4 + 1,
							 50 * NSEC_PER_USEC),
					 HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
}

/* Take up to @want probes from the scan's budget (KSCAN_A_MAX_PACKETS). */
static u32 kscan_gen_reserve(struct kscan_scan *scan, u32 want)
{
	s64 left;

	if (!scan->budgeted)
		return want;
	left = atomic64_read(&scan->budget);
	do {
		if (left <= 0)
			return 0;
	} while (!atomic64_try_cmpxchg(&scan->budget, &left,
				       left - min_t(s64, left, want)));
	return min_t(s64, left, want);
}

/* Release new positions into the pending batch. */
static void kscan_gen_refill(struct kscan_gen *gen)
{
	struct kscan_scan *scan = gen->scan;
	u32 want, n, i;

	want = min_t(u64, scan->cfg->burst - gen->nr_pending,
		     gen->end - gen->pos);
	if (!want)
		return;
	n = kscan_rate_take(&gen->rate, ktime_get_ns(), want);
	if (!n)
		return;
	i = kscan_gen_reserve(scan, n);
	/* The schedule released more than the budget allows: take back. */
	kscan_rate_give_back(&gen->rate, n - i);
	for (n = i, i = 0; i < n; i++) {
		struct kscan_pkt *pkt = &gen->pending[gen->nr_pending++];

		pkt->skb = NULL;
		pkt->index = kscan_perm_at(&scan->perm, gen->pos++);
	}
}

/* Build the SYN of @pkt; -EAGAIN when no skb is free yet. */
static int kscan_gen_build(struct kscan_gen *gen, struct kscan_pkt *pkt)
{
	struct kscan_scan *scan = gen->scan;
	struct kscan_syn_fields fields;
	struct sk_buff *skb;

	skb = kscan_pool_get(&gen->pool);
	if (unlikely(!skb))
		return -EAGAIN;
	kscan_probe_fields(&scan->plan, pkt->index, &fields);
	fields.tsval = jiffies_to_msecs(jiffies);
	kscan_syn_patch(&scan->tpl, skb->data, &fields,
			scan->csum_partial ? KSCAN_SYN_CSUM_PSEUDO :
					     KSCAN_SYN_CSUM_FULL);
	pkt->skb = skb;
	return 0;
}

static bool kscan_gen_budget_spent(const struct kscan_gen *gen)
{
	return gen->scan->budgeted && atomic64_read(&gen->scan->budget) <= 0;
}

/* How long to wait after a round that could not send all it had. */
static u64 kscan_gen_backoff_ns(const struct kscan_gen *gen)
{
	if (!netif_carrier_ok(gen->pool.dev))
		return KSCAN_CARRIER_WAIT_NS;
	return KSCAN_BACKOFF_NS << min_t(u32, gen->error_run,
					 KSCAN_BACKOFF_MAX_SHIFT);
}

/* The generator loop; returns why it ended. */
static enum kscan_reason kscan_gen_run(struct kscan_gen *gen)
{
	while (!kthread_should_stop()) {
		u32 ready, sent;

		if (gen->pos < gen->end)
			kscan_gen_refill(gen);

		if (!gen->nr_pending) {
			if (gen->pos >= gen->end)
				return KSCAN_REASON_COMPLETED;
			if (kscan_gen_budget_spent(gen))
				return KSCAN_REASON_BUDGET;
			/* Ahead of the rate schedule. */
			kscan_gen_sleep(kscan_rate_wait_ns(&gen->rate,
							   ktime_get_ns()));
			continue;
		}

		for (ready = 0; ready < gen->nr_pending; ready++)
			if (!gen->pending[ready].skb &&
			    kscan_gen_build(gen, &gen->pending[ready]))
				break;

		sent = ready ? kscan_xmit(gen, gen->pending, ready) : 0;
		if (sent) {
			gen->nr_pending -= sent;
			memmove(gen->pending, gen->pending + sent,
				gen->nr_pending * sizeof(gen->pending[0]));
		}
		if (unlikely(gen->fatal != KSCAN_REASON_NONE))
			return gen->fatal;
		/* Pool empty, queue busy, no carrier or a failed send: let the
		 * device catch up rather than spin.
		 */
		if (sent < ready || !ready)
			kscan_gen_sleep(kscan_gen_backoff_ns(gen));
		else
			cond_resched();
	}
	return KSCAN_REASON_STOPPED;
}

static int kscan_gen_thread(void *data)
{
	struct kscan_gen *gen = data;
	enum kscan_reason reason;

	reason = kscan_gen_run(gen);
	if (reason != KSCAN_REASON_STOPPED)
		kscan_scan_gen_done(gen, reason);

	/* Stay until the scan reaps us, so kthread_stop() is always safe. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The CPU whose XPS map sends to @queue, or -1. */
static int kscan_gen_xps_cpu(struct net_device *dev, u16 queue)
{
	int found = -1;
#ifdef CONFIG_XPS
	struct xps_dev_maps *maps;
	int cpu, tc, i;

	rcu_read_lock();
	maps = rcu_dereference(dev->xps_maps[XPS_CPUS]);
	if (!maps)
		goto out;
	for_each_online_cpu(cpu) {
		for (tc = 0; tc < max_t(int, maps->num_tc, 1); tc++) {
			unsigned int id = cpu * max_t(int, maps->num_tc, 1) + tc;
			struct xps_map *map;

			if (id >= maps->nr_ids)
				continue;
			map = rcu_dereference(maps->attr_map[id]);
			for (i = 0; map && i < map->len; i++) {
				if (map->queues[i] == queue) {
					found = cpu;
					goto out;
				}
			}
		}
	}
out:
	rcu_read_unlock();
#endif
	return found;
}

/*
 * The @n-th CPU, round robin, among the online ones the caller may use
 * (gen_create runs in START, in the caller's context), else any online.
 */
static int kscan_gen_nth_allowed_cpu(unsigned int n)
{
	const struct cpumask *allowed = current->cpus_ptr;
	unsigned int count = 0, k = 0;
	int cpu;

	for_each_online_cpu(cpu)
		count += cpumask_test_cpu(cpu, allowed);
	if (!count)
		allowed = cpu_online_mask;
	count = count ? count : num_online_cpus();
	n %= count ? count : 1;
	for_each_online_cpu(cpu)
		if (cpumask_test_cpu(cpu, allowed) && k++ == n)
			return cpu;
	return raw_smp_processor_id();
}

/*
 * Create (but do not wake) the thread of @gen, whose scan, queue, cpu (-1:
 * choose), begin, end and rate are set.
 */
int kscan_gen_create(struct kscan_gen *gen)
{
	struct kscan_scan *scan = gen->scan;
	struct net_device *dev = scan->dev;
	/*
	 * Recycle only where the driver is the skb's one other user: a
	 * device that keeps IFF_TX_SKB_SHARING, and never the qdisc path
	 * (qdiscs, taps and tc actions may keep, clone or change an skb).
	 */
	bool recycle = (dev->priv_flags & IFF_TX_SKB_SHARING) &&
		       scan->cfg->xmit_mode != KSCAN_XMIT_QUEUE;
	int err, index = gen - scan->gens;

	if (gen->cpu < 0 || !cpu_online(gen->cpu))
		gen->cpu = kscan_gen_xps_cpu(dev, gen->queue);
	if (gen->cpu >= 0 && !cpumask_test_cpu(gen->cpu, current->cpus_ptr) &&
	    scan->cfg->cpus[index] < 0)
		gen->cpu = -1;	/* XPS names a CPU the caller may not use */
	if (gen->cpu < 0)
		gen->cpu = kscan_gen_nth_allowed_cpu(index);

	gen->fatal = KSCAN_REASON_NONE;
	err = kscan_pool_init(&gen->pool, dev, gen->queue,
			      cpu_to_node(gen->cpu), KSCAN_POOL_SIZE, recycle,
			      scan->csum_partial, &scan->tpl);
	if (err)
		return err;

	gen->task = kthread_create_on_node(kscan_gen_thread, gen,
					   cpu_to_node(gen->cpu),
					   "kscan/%u:%u", scan->id, gen->queue);
	if (IS_ERR(gen->task)) {
		err = PTR_ERR(gen->task);
		gen->task = NULL;
		kscan_pool_destroy(&gen->pool);
		return err;
	}
	kthread_bind(gen->task, gen->cpu);
	return 0;
}

/* Stop and join the thread (if any), then free what it owned. */
void kscan_gen_destroy(struct kscan_gen *gen)
{
	u32 i;

	if (gen->task) {
		kthread_stop(gen->task);
		gen->task = NULL;
	}
	/* Fresh skbs still pending were never handed to the device. */
	if (!kscan_pool_recycles(&gen->pool))
		for (i = 0; i < gen->nr_pending; i++)
			kfree_skb(gen->pending[i].skb);
	gen->nr_pending = 0;
	kscan_pool_destroy(&gen->pool);
}
