// SPDX-License-Identifier: GPL-2.0
/*
 * Scan objects and their lifecycle.
 *
 * Every scan lives on one list under one mutex, kscan_lock; a scan is
 * bound to the netns of the socket that started it, to one device in it
 * and, unless detached, to that socket. A scan ends exactly once, in
 * kscan_scan_finish(), whatever ends it: its threads running out of work
 * or one of them failing for good (done_work), KSCAN_CMD_STOP, the device
 * going down or away (netdevice notifier), the owning socket closing
 * (netlink notifier, NETLINK_URELEASE), its netns being dismantled (pernet
 * pre_exit) or the module being unloaded. Ending joins the threads, drops
 * the device reference and multicasts an event. Ended scans stay listed,
 * for GET, until their netns goes or newer ones push them out.
 *
 * START looks the device up, checks it and adds the scan to the list under
 * RTNL, so that a device going down either happens before (START sees it
 * down) or after (the notifier sees the scan).
 *
 * Lock order: RTNL (START, netdevice notifier) -> kscan_lock. The generator
 * threads take neither, so joining them under kscan_lock cannot deadlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kscan.h"

static DEFINE_MUTEX(kscan_lock);
static LIST_HEAD(kscan_scans);
static u32 kscan_next_id = 1;
static bool kscan_unloading;
static struct workqueue_struct *kscan_wq;

void kscan_scans_lock(void)
{
	mutex_lock(&kscan_lock);
}

void kscan_scans_unlock(void)
{
	mutex_unlock(&kscan_lock);
}

void kscan_config_free(struct kscan_config *cfg)
{
	if (!cfg)
		return;
	kvfree(cfg->intervals);
	kvfree(cfg->ports);
	kfree(cfg);
}

static void kscan_scan_free(struct kref *ref)
{
	struct kscan_scan *scan = container_of(ref, struct kscan_scan, ref);

	/* Ended before the last reference went: no thread, no device. */
	WARN_ON_ONCE(scan->state == KSCAN_STATE_RUNNING || scan->dev);
	kscan_config_free(scan->cfg);
	kvfree(scan->prefix);
	kvfree(scan);
}

static void kscan_scan_put(struct kscan_scan *scan)
{
	kref_put(&scan->ref, kscan_scan_free);
}

/* End @scan once: join its threads, release the device, tell listeners. */
static void kscan_scan_finish(struct kscan_scan *scan, enum kscan_state state,
			      enum kscan_reason reason)
{
	u32 i;

	lockdep_assert_held(&kscan_lock);
	if (scan->state != KSCAN_STATE_RUNNING)
		return;

	for (i = 0; i < scan->nr_gens; i++)
		kscan_gen_destroy(&scan->gens[i]);

	scan->end_ns = ktime_get_ns();
	scan->state = state;
	scan->reason = reason;
	netdev_put(scan->dev, &scan->dev_tracker);
	scan->dev = NULL;
	kscan_nl_event(scan);
}

/*
 * Queued by the last thread to run out of work, or by a thread that failed
 * for good: the whole scan ends then, since a thread that stopped alone
 * would leave its slice of the targets unsent.
 */
static void kscan_scan_done_work(struct work_struct *work)
{
	struct kscan_scan *scan = container_of(work, struct kscan_scan,
					       done_work);
	enum kscan_reason abort = atomic_read(&scan->abort_reason);

	mutex_lock(&kscan_lock);
	if (abort != KSCAN_REASON_NONE)
		kscan_scan_finish(scan, KSCAN_STATE_ABORTED, abort);
	else if (!atomic_read(&scan->gens_running))
		kscan_scan_finish(scan, KSCAN_STATE_DONE,
				  atomic_read(&scan->gen_reason));
	mutex_unlock(&kscan_lock);
	kscan_scan_put(scan);
}

/*
 * From a generator thread: the scan is alive (it is listed, and it joins
 * the thread before it can go), so this reference is never the last.
 */
static void kscan_scan_queue_done(struct kscan_scan *scan)
{
	kref_get(&scan->ref);
	if (!queue_work(kscan_wq, &scan->done_work))
		kscan_scan_put(scan);
}

void kscan_scan_gen_done(struct kscan_gen *gen, enum kscan_reason reason)
{
	struct kscan_scan *scan = gen->scan;

	switch (reason) {
	case KSCAN_REASON_COMPLETED:
		break;
	case KSCAN_REASON_BUDGET:
		atomic_set(&scan->gen_reason, KSCAN_REASON_BUDGET);
		break;
	default:
		/* The first fatal reason is the scan's. */
		atomic_cmpxchg(&scan->abort_reason, KSCAN_REASON_NONE, reason);
		kscan_scan_queue_done(scan);
		return;
	}
	if (atomic_dec_and_test(&scan->gens_running))
		kscan_scan_queue_done(scan);
}

static unsigned int kscan_net_count(struct net *net, bool running)
{
	struct kscan_scan *scan;
	unsigned int n = 0;

	list_for_each_entry(scan, &kscan_scans, node)
		if (net_eq(read_pnet(&scan->net), net) &&
		    (scan->state == KSCAN_STATE_RUNNING) == running)
			n++;
	return n;
}

/* Keep at most KSCAN_MAX_SCANS_PER_NETNS ended scans of @net for GET. */
static void kscan_net_prune(struct net *net)
{
	struct kscan_scan *scan;

	if (kscan_net_count(net, false) < KSCAN_MAX_SCANS_PER_NETNS)
		return;
	list_for_each_entry(scan, &kscan_scans, node) {
		if (net_eq(read_pnet(&scan->net), net) &&
		    scan->state != KSCAN_STATE_RUNNING) {
			list_del(&scan->node);
			kscan_scan_put(scan);
			return;
		}
	}
}

struct kscan_scan *kscan_scan_find(struct net *net, u32 id)
{
	struct kscan_scan *scan;

	lockdep_assert_held(&kscan_lock);
	list_for_each_entry(scan, &kscan_scans, node)
		if (scan->id == id && net_eq(read_pnet(&scan->net), net))
			return scan;
	return NULL;
}

/* The scan of @net with the smallest id above @after_id (dumps). */
struct kscan_scan *kscan_scan_next(struct net *net, u32 after_id)
{
	struct kscan_scan *scan, *best = NULL;

	lockdep_assert_held(&kscan_lock);
	list_for_each_entry(scan, &kscan_scans, node)
		if (net_eq(read_pnet(&scan->net), net) && scan->id > after_id &&
		    (!best || scan->id < best->id))
			best = scan;
	return best;
}

/* Lay out the work of a scan: target space, permutation, template. */
static int kscan_scan_plan(struct kscan_scan *scan,
			   struct netlink_ext_ack *extack)
{
	struct kscan_config *cfg = scan->cfg;
	struct kscan_syn_params params = {
		.ttl = cfg->ttl,
		.window = cfg->window,
		.options = cfg->tcp_options,
	};
	int err;

	scan->prefix = kvmalloc_array(cfg->nr_intervals, sizeof(u64),
				      GFP_KERNEL_ACCOUNT);
	if (!scan->prefix)
		return -ENOMEM;
	err = kscan_target_init(&scan->plan.ts, cfg->intervals, scan->prefix,
				cfg->nr_intervals, cfg->ports, cfg->nr_ports,
				cfg->probes);
	if (err) {
		NL_SET_ERR_MSG(extack,
			       "KSCAN_A_TARGETS: more targets x ports x probes than a scan can hold");
		return -E2BIG;
	}
	kscan_key_from_bytes(&scan->plan.key, cfg->key);
	if (cfg->nr_saddrs) {
		scan->plan.saddr_list = cfg->saddrs;
		scan->plan.saddr_count = cfg->nr_saddrs;
	} else {
		scan->plan.saddr_first = cfg->saddr_first;
		scan->plan.saddr_count =
			kscan_probe_saddr_count(cfg->saddr_first,
						cfg->saddr_last);
	}
	scan->plan.sport_first = cfg->sport_first;
	scan->plan.sport_count = cfg->sport_last - cfg->sport_first + 1;

	if (kscan_perm_init(&scan->perm, scan->plan.ts.size, cfg->seed)) {
		NL_SET_ERR_MSG(extack,
			       "KSCAN_A_TARGETS: target space too large to permute");
		return -E2BIG;
	}

	memcpy(params.src_mac, cfg->has_src_mac ? cfg->src_mac :
						  scan->dev->dev_addr,
	       ETH_ALEN);
	memcpy(params.dst_mac, cfg->dst_mac, ETH_ALEN);
	if (kscan_syn_template_init(&scan->tpl, &params)) {
		NL_SET_ERR_MSG(extack, "KSCAN_A_TCP_OPTIONS: unknown profile");
		return -EINVAL;
	}
	scan->csum_partial = !(cfg->flags & KSCAN_START_F_SW_CSUM) &&
			     (scan->dev->features &
			      (NETIF_F_IP_CSUM | NETIF_F_HW_CSUM));
	return 0;
}

/* Cut the shard's slice among the threads and set their pace. */
static int kscan_scan_setup_gens(struct kscan_scan *scan,
				 struct netlink_ext_ack *extack)
{
	struct kscan_config *cfg = scan->cfg;
	u64 now = ktime_get_ns();
	u32 i, rem;
	u64 share = div_u64_rem(cfg->rate, scan->nr_gens, &rem);

	scan->total = 0;
	for (i = 0; i < scan->nr_gens; i++) {
		struct kscan_gen *gen = &scan->gens[i];
		/* Share the rate; the first threads take the remainder. */
		u64 pps = share + (i < rem);

		gen->scan = scan;
		gen->queue = cfg->queues[i];
		gen->cpu = cfg->cpus[i];
		if (kscan_slice(scan->plan.ts.size, cfg->shard, cfg->shards, i,
				scan->nr_gens, &gen->begin, &gen->end)) {
			NL_SET_ERR_MSG(extack, "KSCAN_A_SHARD: not below KSCAN_A_SHARDS");
			return -EINVAL;
		}
		gen->pos = gen->begin;
		scan->total += gen->end - gen->begin;
		/* A thread of a rate-limited scan gets at least 1 pps. */
		if (cfg->rate && !pps)
			pps = 1;
		kscan_rate_init(&gen->rate, pps, cfg->burst, now);
	}
	/* total <= 2^62 fits the signed budget; a budget of the whole shard
	 * or more (up to U64_MAX) is no budget at all.
	 */
	scan->budgeted = cfg->max_packets && cfg->max_packets < scan->total;
	if (scan->budgeted)
		scan->total = cfg->max_packets;
	atomic64_set(&scan->budget, scan->budgeted ? scan->total : 0);
	return 0;
}

/* The device of a new scan, in @net, checked under RTNL; held. */
static int kscan_scan_bind_dev(struct kscan_scan *scan, struct net *net,
			       struct netlink_ext_ack *extack)
{
	struct kscan_config *cfg = scan->cfg;
	struct net_device *dev;
	u32 i;

	ASSERT_RTNL();
	dev = __dev_get_by_index(net, cfg->ifindex);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "KSCAN_A_IFINDEX: no such device in this netns");
		return -ENODEV;
	}
	if (!netif_running(dev)) {
		NL_SET_ERR_MSG(extack, "KSCAN_A_IFINDEX: device is down");
		return -ENETDOWN;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG(extack, "KSCAN_A_IFINDEX: not an Ethernet device");
		return -EOPNOTSUPP;
	}
	for (i = 0; i < cfg->nr_queues; i++) {
		if (cfg->queues[i] >= dev->real_num_tx_queues) {
			NL_SET_ERR_MSG(extack,
				       "KSCAN_A_TX_QUEUES: queue index beyond the device's TX queues");
			return -EINVAL;
		}
	}
	netdev_hold(dev, &scan->dev_tracker, GFP_KERNEL);
	scan->dev = dev;
	return 0;
}

int kscan_scan_start(struct net *net, u32 owner_portid,
		     struct kscan_config *cfg, struct netlink_ext_ack *extack,
		     u32 *id)
{
	struct kscan_scan *scan;
	u32 i;
	int err;

	scan = kvzalloc(struct_size(scan, gens, cfg->nr_queues),
			GFP_KERNEL_ACCOUNT);
	if (!scan) {
		kscan_config_free(cfg);
		return -ENOMEM;
	}
	kref_init(&scan->ref);
	INIT_LIST_HEAD(&scan->node);
	INIT_WORK(&scan->done_work, kscan_scan_done_work);
	write_pnet(&scan->net, net);
	scan->owner_portid = owner_portid;
	scan->cfg = cfg;
	scan->ifindex = cfg->ifindex;
	scan->nr_gens = cfg->nr_queues;
	scan->state = KSCAN_STATE_ABORTED;	/* until the threads run */
	scan->reason = KSCAN_REASON_ERROR;

	rtnl_lock();
	mutex_lock(&kscan_lock);
	if (kscan_unloading) {
		NL_SET_ERR_MSG(extack, "kscan is being unloaded");
		err = -ESHUTDOWN;
		goto err_unlock;
	}
	if (kscan_net_count(net, true) >= KSCAN_MAX_SCANS_PER_NETNS) {
		NL_SET_ERR_MSG(extack,
			       "too many running scans in this netns (KSCAN_MAX_SCANS_PER_NETNS)");
		err = -EBUSY;
		goto err_unlock;
	}
	err = kscan_scan_bind_dev(scan, net, extack);
	if (err)
		goto err_unlock;

	err = kscan_scan_plan(scan, extack);
	if (err)
		goto err_put_dev;
	err = kscan_scan_setup_gens(scan, extack);
	if (err)
		goto err_put_dev;

	scan->id = kscan_next_id++;
	for (i = 0; i < scan->nr_gens; i++) {
		err = kscan_gen_create(&scan->gens[i]);
		if (err) {
			NL_SET_ERR_MSG(extack, "cannot create a generator thread");
			goto err_destroy_gens;
		}
	}

	kscan_net_prune(net);
	scan->state = KSCAN_STATE_RUNNING;
	scan->reason = KSCAN_REASON_NONE;
	scan->start_ns = ktime_get_ns();
	atomic_set(&scan->gens_running, scan->nr_gens);
	atomic_set(&scan->gen_reason, KSCAN_REASON_COMPLETED);
	atomic_set(&scan->abort_reason, KSCAN_REASON_NONE);
	list_add_tail(&scan->node, &kscan_scans);
	for (i = 0; i < scan->nr_gens; i++)
		wake_up_process(scan->gens[i].task);
	*id = scan->id;
	mutex_unlock(&kscan_lock);
	rtnl_unlock();
	return 0;

err_destroy_gens:
	while (i--)
		kscan_gen_destroy(&scan->gens[i]);
err_put_dev:
	netdev_put(scan->dev, &scan->dev_tracker);
	scan->dev = NULL;
err_unlock:
	mutex_unlock(&kscan_lock);
	rtnl_unlock();
	kscan_scan_put(scan);
	return err;
}

int kscan_scan_stop(struct net *net, u32 id, struct netlink_ext_ack *extack)
{
	struct kscan_scan *scan;
	int err = 0;

	mutex_lock(&kscan_lock);
	scan = kscan_scan_find(net, id);
	if (!scan) {
		NL_SET_ERR_MSG(extack, "KSCAN_A_SCAN_ID: no such scan in this netns");
		err = -ENOENT;
	} else if (scan->state != KSCAN_STATE_RUNNING) {
		NL_SET_ERR_MSG(extack, "KSCAN_A_SCAN_ID: scan has already ended");
		err = -EALREADY;
	} else {
		kscan_scan_finish(scan, KSCAN_STATE_ABORTED,
				  KSCAN_REASON_STOPPED);
	}
	mutex_unlock(&kscan_lock);
	return err;
}

/*
 * End every running scan on @dev: it is going down or away. GOING_DOWN
 * comes first, while the device still runs; DOWN too, in case a driver
 * path skips it.
 */
static int kscan_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct kscan_scan *scan;

	if (event != NETDEV_GOING_DOWN && event != NETDEV_DOWN &&
	    event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;

	mutex_lock(&kscan_lock);
	list_for_each_entry(scan, &kscan_scans, node)
		if (scan->dev == dev)
			kscan_scan_finish(scan, KSCAN_STATE_ABORTED,
					  dev->dismantle ||
							  event == NETDEV_UNREGISTER ?
						  KSCAN_REASON_DEVICE_GONE :
						  KSCAN_REASON_DEVICE_DOWN);
	mutex_unlock(&kscan_lock);
	return NOTIFY_DONE;
}

static struct notifier_block kscan_netdev_notifier = {
	.notifier_call = kscan_netdev_event,
};

/*
 * A generic-netlink socket closed: end the scans it owns, as nl80211 does
 * with its socket-owned objects. Called in process context with no lock
 * of ours held (netlink_release()).
 */
static int kscan_netlink_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct netlink_notify *n = ptr;
	struct kscan_scan *scan;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;

	mutex_lock(&kscan_lock);
	list_for_each_entry(scan, &kscan_scans, node)
		if (scan->owner_portid == n->portid &&
		    net_eq(read_pnet(&scan->net), n->net))
			kscan_scan_finish(scan, KSCAN_STATE_ABORTED,
					  KSCAN_REASON_OWNER_GONE);
	mutex_unlock(&kscan_lock);
	return NOTIFY_DONE;
}

static struct notifier_block kscan_netlink_notifier = {
	.notifier_call = kscan_netlink_event,
};

/* Before any device of the dying netns goes: end its scans. */
static void __net_exit kscan_net_pre_exit(struct net *net)
{
	struct kscan_scan *scan;

	mutex_lock(&kscan_lock);
	list_for_each_entry(scan, &kscan_scans, node)
		if (net_eq(read_pnet(&scan->net), net))
			kscan_scan_finish(scan, KSCAN_STATE_ABORTED,
					  kscan_unloading ?
						  KSCAN_REASON_MODULE_UNLOAD :
						  KSCAN_REASON_NETNS_EXIT);
	mutex_unlock(&kscan_lock);
}

/* Forget the netns's ended scans. */
static void __net_exit kscan_net_exit(struct net *net)
{
	struct kscan_scan *scan, *tmp;

	mutex_lock(&kscan_lock);
	list_for_each_entry_safe(scan, tmp, &kscan_scans, node) {
		if (net_eq(read_pnet(&scan->net), net)) {
			kscan_scan_finish(scan, KSCAN_STATE_ABORTED,
					  KSCAN_REASON_NETNS_EXIT);
			list_del(&scan->node);
			kscan_scan_put(scan);
		}
	}
	mutex_unlock(&kscan_lock);
}

static struct pernet_operations kscan_net_ops = {
	.pre_exit = kscan_net_pre_exit,
	.exit = kscan_net_exit,
};

int __init kscan_scan_init(void)
{
	int err;

	/* Unbound: done_work only joins threads and sends an event. */
	kscan_wq = alloc_workqueue("kscan", WQ_UNBOUND, 0);
	if (!kscan_wq)
		return -ENOMEM;

	err = register_pernet_subsys(&kscan_net_ops);
	if (err)
		goto err_pernet;

	err = register_netdevice_notifier(&kscan_netdev_notifier);
	if (err)
		goto err_netdev_notifier;

	err = netlink_register_notifier(&kscan_netlink_notifier);
	if (err)
		goto err_netlink_notifier;
	return 0;

err_netlink_notifier:
	unregister_netdevice_notifier(&kscan_netdev_notifier);
err_netdev_notifier:
	unregister_pernet_subsys(&kscan_net_ops);
err_pernet:
	destroy_workqueue(kscan_wq);
	return err;
}

/* Module unload: end every scan while the family can still tell. */
void kscan_scan_stop_all(void)
{
	struct kscan_scan *scan;

	mutex_lock(&kscan_lock);
	kscan_unloading = true;
	list_for_each_entry(scan, &kscan_scans, node)
		kscan_scan_finish(scan, KSCAN_STATE_ABORTED,
				  KSCAN_REASON_MODULE_UNLOAD);
	mutex_unlock(&kscan_lock);
}

void kscan_scan_exit(void)
{
	netlink_unregister_notifier(&kscan_netlink_notifier);
	unregister_netdevice_notifier(&kscan_netdev_notifier);
	/* Runs kscan_net_exit() for every netns: empties the list. */
	unregister_pernet_subsys(&kscan_net_ops);
	/* Waits for queued done_work, which drops the last references. */
	destroy_workqueue(kscan_wq);
}
