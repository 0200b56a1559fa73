// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit paths, after net/core/pktgen.c. Each takes the first @n
 * built probes of a batch and returns how many were handed to the device;
 * the rest stay in the batch for the next try. A busy or stopped queue is
 * never a skipped target: the probe waits, and the wait is counted in
 * tx_busy. A probe whose skb the stack consumed without sending it (a
 * qdisc drop, a device without carrier) loses its skb and is rebuilt.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "kscan.h"

/*
 * A probe the device did not take (@ret is not NETDEV_TX_OK): a busy
 * device left the skb with us, so drop the reference taken for it and
 * send the same skb later; anything else consumed it unsent, so the probe
 * is rebuilt later (a recycled skb is back in the pool's hands).
 */
static void kscan_xmit_refused(struct kscan_gen *gen, struct kscan_pkt *pkt,
			       int ret, bool recycle)
{
	if (ret == NETDEV_TX_BUSY) {
		if (recycle)
			refcount_dec(&pkt->skb->users);
		gen->tx_busy++;
	} else {
		gen->errors++;
		pkt->skb = NULL;
	}
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

	if (unlikely(!netif_running(dev) || !netif_carrier_ok(dev))) {
		gen->tx_busy++;
		return 0;
	}
	txq = netdev_get_tx_queue(dev, gen->queue);

	local_bh_disable();
	HARD_TX_LOCK(dev, txq, smp_processor_id());
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

	gen->sent += done;
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
	gen->sent += done;
	return done;
}

/*
 * KSCAN_XMIT_QUEUE: dev_queue_xmit(), through the qdisc and its queue
 * selection (the thread's queue is only a hint there). The stack always
 * consumes the skb; congestion notification counts as sent, as
 * net_xmit_eval() has it.
 */
static u32 kscan_xmit_queue(struct kscan_gen *gen, struct kscan_pkt *pkts,
			    u32 n)
{
	bool recycle = kscan_pool_recycles(&gen->pool);
	u32 done = 0;

	while (done < n) {
		struct sk_buff *skb = pkts[done].skb;
		int ret;

		if (recycle)
			refcount_inc(&skb->users);
		ret = dev_queue_xmit(skb);
		if (likely(ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN)) {
			done++;
			continue;
		}
		gen->tx_busy++;
		pkts[done].skb = NULL;
		break;
	}
	gen->sent += done;
	return done;
}

u32 kscan_xmit(struct kscan_gen *gen, struct kscan_pkt *pkts, u32 n)
{
	switch (gen->scan->cfg->xmit_mode) {
	case KSCAN_XMIT_DIRECT:
		return kscan_xmit_direct(gen, pkts, n);
	case KSCAN_XMIT_QUEUE:
		return kscan_xmit_queue(gen, pkts, n);
	default:
		return kscan_xmit_burst(gen, pkts, n);
	}
}
