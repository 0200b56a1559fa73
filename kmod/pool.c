// SPDX-License-Identifier: GPL-2.0
/*
 * The skb pool of a generator thread.
 *
 * On a device that keeps IFF_TX_SKB_SHARING (real NIC drivers, dummy),
 * outside the qdisc path, the thread owns a ring of skbs built once from
 * the SYN template. It takes a reference before each transmission and
 * reuses an skb only when it is provably ours alone and as we left it:
 * the driver has dropped its reference (users back to 1), nobody holds a
 * clone of its data (not cloned), and its data pointer, length, headroom
 * and fragments are unchanged. An skb that fails the test leaves the ring
 * (its other holders free it) and a fresh one takes its place, so the
 * steady state allocates nothing and a surprise costs one allocation. The
 * ring fills as it is first used, in the thread: START (under RTNL) only
 * allocates the ring itself, and a short scan only the skbs it sends.
 * Other devices (veth hands the skb itself to the peer's stack) and the
 * qdisc path get a fresh skb per probe. Memory comes from the NUMA node of
 * the thread's CPU.
 */
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>

#include "kscan.h"

/* Checksum state; set again before each reuse because the stack's
 * skb_checksum_help() (a device that lost its offload) resets it.
 */
void kscan_pool_set_csum(struct kscan_pool *pool, struct sk_buff *skb)
{
	if (pool->csum_partial) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		skb->ip_summed = CHECKSUM_NONE;
	}
}

static void kscan_pool_setup_skb(struct kscan_pool *pool, struct sk_buff *skb)
{
	skb_reserve(skb, pool->headroom);
	/* Pad to the minimum frame ourselves: a driver's skb_put_padto() on
	 * a shared skb could otherwise try to reallocate its head.
	 */
	skb_put_zero(skb, pool->len);
	kscan_syn_copy(pool->tpl, skb->data);

	skb->dev = pool->dev;
	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, KSCAN_SYN_IP_OFF);
	skb_set_transport_header(skb, KSCAN_SYN_TCP_OFF);
	skb_set_queue_mapping(skb, pool->queue);
	kscan_pool_set_csum(pool, skb);
}

static struct sk_buff *kscan_pool_alloc(struct kscan_pool *pool, gfp_t gfp)
{
	struct sk_buff *skb;

	skb = __alloc_skb(pool->headroom + pool->len +
				  pool->dev->needed_tailroom,
			  gfp, 0, pool->node);
	if (skb)
		kscan_pool_setup_skb(pool, skb);
	return skb;
}

int kscan_pool_init(struct kscan_pool *pool, struct net_device *dev,
		    u16 queue, int node, u32 size, bool recycle,
		    bool csum_partial, const struct kscan_syn_template *tpl)
{
	memset(pool, 0, sizeof(*pool));
	pool->dev = dev;
	pool->queue = queue;
	pool->node = node;
	pool->tpl = tpl;
	pool->len = max_t(u16, tpl->len, ETH_ZLEN);
	pool->headroom = LL_RESERVED_SPACE(dev);
	pool->csum_partial = csum_partial;
	if (!recycle)
		return 0;

	pool->skbs = kvzalloc_node(array_size(size, sizeof(*pool->skbs)),
				   GFP_KERNEL_ACCOUNT, node);
	if (!pool->skbs)
		return -ENOMEM;
	pool->size = size;
	return 0;
}

/*
 * Whether a recycled skb whose only reference is ours is still exactly
 * what kscan_pool_setup_skb() made: no clone shares its data, and the
 * data sits where it did, as long, in a linear head.
 */
static bool kscan_pool_skb_intact(const struct kscan_pool *pool,
				  const struct sk_buff *skb)
{
	return !skb_cloned(skb) && skb_headroom(skb) == pool->headroom &&
	       skb->len == pool->len && !skb->data_len &&
	       !skb_shinfo(skb)->nr_frags && !skb_has_frag_list(skb) &&
	       !skb->destructor;
}

/*
 * The next skb to fill: its bytes hold the template (patch the per-packet
 * fields only). NULL when every recycled skb is still in the driver's hands
 * or a fresh one cannot be allocated; the caller waits and retries.
 */
struct sk_buff *kscan_pool_get(struct kscan_pool *pool)
{
	struct sk_buff *skb;

	if (!pool->skbs)
		return kscan_pool_alloc(pool, GFP_KERNEL);

	/* The ring is used in order, so the next one is the oldest sent. */
	skb = pool->skbs[pool->next];
	if (unlikely(!skb)) {
		/* first time round the ring */
		skb = kscan_pool_alloc(pool, GFP_KERNEL);
		if (!skb)
			return NULL;
		pool->skbs[pool->next] = skb;
	} else if (refcount_read(&skb->users) != 1) {
		return NULL;
	} else if (unlikely(!kscan_pool_skb_intact(pool, skb))) {
		struct sk_buff *fresh = kscan_pool_alloc(pool, GFP_KERNEL);

		if (!fresh)
			return NULL;
		/* Our reference only: a clone keeps the data it shares. */
		consume_skb(skb);
		pool->skbs[pool->next] = fresh;
		pool->replaced++;
		skb = fresh;
	}
	pool->next = pool->next + 1 == pool->size ? 0 : pool->next + 1;
	kscan_pool_set_csum(pool, skb);
	return skb;
}

void kscan_pool_destroy(struct kscan_pool *pool)
{
	u32 i;

	if (!pool->skbs)
		return;
	/* Drop our references; skbs still queued in the driver are freed by
	 * it when it lets go of them.
	 */
	for (i = 0; i < pool->size; i++)
		if (pool->skbs[i])
			consume_skb(pool->skbs[i]);
	kvfree(pool->skbs);
	pool->skbs = NULL;
}
