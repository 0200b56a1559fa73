// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit paths, after net/core/pktgen.c. Each takes the first @n
 * built probes of a batch and returns how many were handed to the device;
 * the rest stay in the batch for the next try. A busy or stopped queue is
 * never a skipped target: the probe waits, and the wait is counted in
 * tx_busy. A probe the stack consumed without sending it (a qdisc drop,
 * NET_XMIT_CN, an errno) is never counted as sent: it loses its skb, is
 * counted in errors and is rebuilt and sent again. Failures that go on,
 * KSCAN_XMIT_ERROR_RUN in a row over KSCAN_XMIT_ERROR_SECS, end the scan
 * (KSCAN_REASON_ERROR); shorter runs are congestion, not a broken device.
 *
 * What can change under a running scan is checked here, where it is used:
 * the carrier (the thread waits for it, counted in no_carrier) and the
 * device's number of TX queues (ethtool -L): a thread whose queue is gone
 * ends the scan with KSCAN_REASON_QUEUE_GONE.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>

#include "kscan.h"

/* A probe is on its way: the failure run is over. */
static void kscan_xmit_ok(struct kscan_gen *gen, u32 done)
{
	if (done)
		gen->error_run = 0;
	gen->sent += done;
}

/* The stack consumed a probe without sending it: rebuild it later. */
static void kscan_xmit_failed(struct kscan_gen *gen, struct kscan_pkt *pkt)
{
	u64 now = ktime_get_ns();

	pkt->skb = NULL;
	gen->errors++;
	if (!gen->error_run++)
		gen->error_since_ns = now;
	if (gen->error_run >= KSCAN_XMIT_ERROR_RUN &&
	    now - gen->error_since_ns >= KSCAN_XMIT_ERROR_SECS * NSEC_PER_SEC)
		gen->fatal = KSCAN_REASON_ERROR;
}

/*
 * A probe the device did not take (@ret is not NETDEV_TX_OK): a busy
 * device left the skb with us, so drop the reference taken for it and
 * send the same skb later; anything else consumed it unsent.
 */
static void kscan_xmit_refused(struct kscan_gen *gen, struct kscan_pkt *pkt,
			       int ret, bool recycle)
{
	if (ret == NETDEV_TX_BUSY) {
		if (recycle)
			refcount_dec(&pkt->skb->users);
		gen->tx_busy++;
	} else {
		kscan_xmit_failed(gen, pkt);
	}
}

/* The thread's queue is still one of the device's; else end the scan. */
static bool kscan_xmit_queue_ok(struct kscan_gen *gen, struct net_device *dev)
{
	if (likely(gen->queue < READ_ONCE(dev->real_num_tx_queues)))
		return true;
	gen->fatal = KSCAN_REASON_QUEUE_GONE;
	return false;
}

/*
 * KSCAN_XMIT_BURST: the driver's ndo_start_xmit() under the queue lock,
 * qdisc bypassed, with xmit_more set on all but the last of the burst so
 * that the driver rings its doorbell once.
 */
static u32 kscan_xmit_burst(struct kscan_gen *gen, struct kscan_pkt *pkts,
			    u32 n)
{
	struct net_device *dev = gen->pool.dev;
	bool recycle = kscan_pool_recycles(&gen->pool);
	struct netdev_queue *txq;
	u32 done = 0;

	if (unlikely(!netif_running(dev))) {
		/* Going down: the notifier is about to end the scan. */
		gen->tx_busy++;
		return 0;
	}
	txq = netdev_get_tx_queue(dev, gen->queue);

	local_bh_disable();
	HARD_TX_LOCK(dev, txq, smp_processor_id());
	/* Again under the lock: drivers shrink queues with them stopped. */
	if (unlikely(!kscan_xmit_queue_ok(gen, dev)))
		n = 0;
	while (done < n) {
		struct sk_buff *skb = pkts[done].skb;
		netdev_tx_t ret;

		if (unlikely(netif_xmit_frozen_or_drv_stopped(txq))) {
			gen->tx_busy++;
			break;
		}
		if (recycle)
			refcount_inc(&skb->users);
		ret = netdev_start_xmit(skb, dev, txq, done + 1 < n);
		if (likely(ret == NETDEV_TX_OK)) {
			done++;
			continue;
		}
		kscan_xmit_refused(gen, &pkts[done], ret, recycle);
		break;
	}
	HARD_TX_UNLOCK(dev, txq);
	local_bh_enable();

	kscan_xmit_ok(gen, done);
	return done;
}

/* KSCAN_XMIT_DIRECT: __dev_direct_xmit(), one probe at a time. */
static u32 kscan_xmit_direct(struct kscan_gen *gen, struct kscan_pkt *pkts,
			     u32 n)
{
	bool recycle = kscan_pool_recycles(&gen->pool);
	u32 done = 0;

	while (done < n) {
		struct sk_buff *skb = pkts[done].skb;
		int ret;

		if (recycle)
			refcount_inc(&skb->users);
		ret = __dev_direct_xmit(skb, gen->queue);
		if (likely(ret == NETDEV_TX_OK)) {
			done++;
			continue;
		}
		kscan_xmit_refused(gen, &pkts[done], ret, recycle);
		break;
	}
	kscan_xmit_ok(gen, done);
	return done;
}

/*
 * KSCAN_XMIT_QUEUE: dev_queue_xmit(), through the qdisc and its queue
 * selection (the thread's queue is only a hint there), always with fresh
 * skbs (pool.c). The stack consumes the skb whatever it answers. Only
 * NET_XMIT_SUCCESS is a probe sent: NET_XMIT_CN may mean ours was dropped
 * (the noop qdisc of a device without carrier answers it for every
 * packet), so the probe goes again; a copy seen twice is de-duplicated by
 * the receiver, a probe never sent is a missed result.
 */
static u32 kscan_xmit_queue(struct kscan_gen *gen, struct kscan_pkt *pkts,
			    u32 n)
{
	u32 done = 0;

	while (done < n) {
		int ret = dev_queue_xmit(pkts[done].skb);

		if (likely(ret == NET_XMIT_SUCCESS)) {
			pkts[done].skb = NULL;
			done++;
			continue;
		}
		kscan_xmit_failed(gen, &pkts[done]);
		break;
	}
	kscan_xmit_ok(gen, done);
	return done;
}

u32 kscan_xmit(struct kscan_gen *gen, struct kscan_pkt *pkts, u32 n)
{
	struct net_device *dev = gen->pool.dev;

	/* No carrier: wait for it (the noop qdisc or the driver would drop). */
	if (unlikely(!netif_carrier_ok(dev))) {
		gen->no_carrier++;
		return 0;
	}
	if (unlikely(!kscan_xmit_queue_ok(gen, dev)))
		return 0;

	switch (gen->scan->cfg->xmit_mode) {
	case KSCAN_XMIT_DIRECT:
		return kscan_xmit_direct(gen, pkts, n);
	case KSCAN_XMIT_QUEUE:
		return kscan_xmit_queue(gen, pkts, n);
	default:
		return kscan_xmit_burst(gen, pkts, n);
	}
}
