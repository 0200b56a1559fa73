/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of kscan.ko, one section per file of kmod/.
 */
#ifndef KSCAN_KMOD_H
#define KSCAN_KMOD_H

#include <linux/if_ether.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <uapi/linux/kscan.h>

#include "kscan/perm.h"
#include "kscan/probe.h"
#include "kscan/syn.h"
#include "kscan/target.h"

#include "compat.h"

/* The parameters of KSCAN_CMD_START, validated (netlink.c). */
struct kscan_config {
	int ifindex;
	bool has_src_mac;
	u8 src_mac[ETH_ALEN];
	u8 dst_mac[ETH_ALEN];
	u32 saddr_first, saddr_last;	/* host order */
	u32 saddrs[KSCAN_MAX_SADDRS];	/* KSCAN_A_SADDR_LIST, host order */
	u32 nr_saddrs;			/* 0: the range above */
	u16 sport_first, sport_last;
	struct kscan_interval *intervals;	/* host order, sorted */
	u32 nr_intervals;
	u16 *ports;
	u32 nr_ports;
	u32 probes;
	u64 seed;
	u32 shard, shards;
	u64 rate;		/* <= KSCAN_MAX_RATE */
	u16 queues[KSCAN_MAX_QUEUES];
	s32 cpus[KSCAN_MAX_QUEUES];	/* -1: choose */
	u32 nr_queues;
	u8 ttl;
	u16 window;
	u32 tcp_options;
	u8 key[KSCAN_KEY_LEN];
	u32 xmit_mode;
	u32 burst;
	u64 max_packets;	/* 0: no budget */
	u32 flags;		/* KSCAN_START_F_* */
};

void kscan_config_free(struct kscan_config *cfg);

/* rate.c: a token bucket on a virtual schedule. */
struct kscan_rate {
	u64 pps;	/* 0: unlimited, else <= KSCAN_MAX_RATE */
	u32 depth;	/* packets that may leave back to back */
	u64 slack;	/* lag (packets) the schedule may catch up on */
	u64 start_ns;	/* virtual start of the schedule */
	u64 released;	/* packets released since start_ns, < pps + depth +
			 * slack + KSCAN_MAX_BURST (rebased every second)
			 */
};

void kscan_rate_init(struct kscan_rate *r, u64 pps, u32 burst, u64 now_ns);
u32 kscan_rate_take(struct kscan_rate *r, u64 now_ns, u32 want);
void kscan_rate_give_back(struct kscan_rate *r, u32 n);
u64 kscan_rate_wait_ns(const struct kscan_rate *r, u64 now_ns);

/* pool.c: the skbs one generator thread sends. */
struct kscan_pool {
	struct net_device *dev;
	struct sk_buff **skbs;	/* recycled ring, NULL when not recycling */
	u32 size;
	u32 next;
	int node;		/* NUMA node of the thread's CPU */
	u16 queue;
	u16 len;		/* frame length, padded to ETH_ZLEN */
	u16 headroom;		/* what kscan_pool_alloc() reserved */
	bool csum_partial;
	const struct kscan_syn_template *tpl;
	u64 replaced;		/* recycled skbs found changed, replaced */
};

int kscan_pool_init(struct kscan_pool *pool, struct net_device *dev,
		    u16 queue, int node, u32 size, bool recycle,
		    bool csum_partial, const struct kscan_syn_template *tpl);
struct sk_buff *kscan_pool_get(struct kscan_pool *pool);
void kscan_pool_set_csum(struct kscan_pool *pool, struct sk_buff *skb);
void kscan_pool_destroy(struct kscan_pool *pool);

static inline bool kscan_pool_recycles(const struct kscan_pool *pool)
{
	return pool->skbs;
}

/* One probe on its way: the skb is built from the index when needed. */
struct kscan_pkt {
	struct sk_buff *skb;
	u64 index;
};

/* gen.c: one generator kthread per TX queue. */
struct kscan_gen {
	struct kscan_scan *scan;
	struct task_struct *task;
	u16 queue;
	int cpu;
	u64 begin, end, pos;	/* permutation positions of this thread */
	struct kscan_rate rate;
	struct kscan_pool pool;
	struct kscan_pkt pending[KSCAN_MAX_BURST];
	u32 nr_pending;
	u32 error_run;		/* failed transmissions in a row */
	u64 error_since_ns;	/* when the run began */
	/* Set by the transmit path: why the thread must end (or NONE). */
	enum kscan_reason fatal;
	/* Written by the thread only, read by GET (READ_ONCE). */
	u64 sent;
	u64 tx_busy;
	u64 errors;
	u64 no_carrier;
};

int kscan_gen_create(struct kscan_gen *gen);
void kscan_gen_destroy(struct kscan_gen *gen);

/*
 * xmit.c: hand a batch to the device; returns how many left the batch.
 * Fewer than @n: the queue was busy (tx_busy), the device has no carrier
 * (no_carrier), a transmission failed (errors, error_run), or gen->fatal
 * was set (the thread must end).
 */
u32 kscan_xmit(struct kscan_gen *gen, struct kscan_pkt *pkts, u32 n);

/* scan.c: scan objects and their lifecycle. */
struct kscan_scan {
	struct list_head node;	/* kscan_scans, under kscan_lock */
	struct kref ref;
	u32 id;
	possible_net_t net;	/* no reference: pernet exit ends the scan */
	u32 owner_portid;	/* netlink socket that owns it; 0: detached */
	int ifindex;
	struct net_device *dev;	/* held while running */
	netdevice_tracker dev_tracker;
	struct kscan_config *cfg;
	u64 *prefix;
	struct kscan_probe_plan plan;
	struct kscan_perm perm;
	struct kscan_syn_template tpl;
	bool csum_partial;
	enum kscan_state state;
	enum kscan_reason reason;
	u64 start_ns, end_ns;
	u64 total;		/* probes this shard sends */
	bool budgeted;		/* KSCAN_A_MAX_PACKETS below the shard's size */
	atomic64_t budget;	/* probes left of it, <= total <= 2^62 */
	atomic_t gens_running;
	atomic_t gen_reason;	/* COMPLETED, or BUDGET if a thread ran out */
	atomic_t abort_reason;	/* a thread's fatal reason; NONE: none */
	struct work_struct done_work;
	u32 nr_gens;
	struct kscan_gen gens[];
};

int kscan_scan_init(void);
void kscan_scan_stop_all(void);
void kscan_scan_exit(void);
int kscan_scan_start(struct net *net, u32 owner_portid,
		     struct kscan_config *cfg, struct netlink_ext_ack *extack,
		     u32 *id);
int kscan_scan_stop(struct net *net, u32 id, struct netlink_ext_ack *extack);
/* A thread ran out of work (COMPLETED, BUDGET) or must end the scan. */
void kscan_scan_gen_done(struct kscan_gen *gen, enum kscan_reason reason);

/* Walk the scans of @net under kscan_lock (for GET). */
void kscan_scans_lock(void);
void kscan_scans_unlock(void);
struct kscan_scan *kscan_scan_find(struct net *net, u32 id);
struct kscan_scan *kscan_scan_next(struct net *net, u32 after_id);

/* netlink.c: the generic-netlink family "kscan". */
int kscan_genl_init(void);
void kscan_genl_exit(void);
void kscan_nl_event(struct kscan_scan *scan);
/* START's policy and parser, shared with the KUnit suite. */
extern const struct nla_policy kscan_start_policy[KSCAN_A_MAX + 1];
int kscan_nl_parse_start(struct genl_info *info, struct kscan_config *cfg);
extern struct genl_family kscan_genl_family;

#endif /* KSCAN_KMOD_H */
