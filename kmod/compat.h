/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences, in one place. kscan targets 6.1 (Debian 12); the
 * guards below keep the logic files free of version checks when DKMS builds
 * the module for a neighbouring kernel.
 */
#ifndef KSCAN_COMPAT_H
#define KSCAN_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>

/* 6.0 renamed the tracked reference helpers. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)
#define netdev_hold(dev, tracker, gfp) dev_hold_track(dev, tracker, gfp)
#define netdev_put(dev, tracker) dev_put_track(dev, tracker)
#endif

/* 6.2 moved the per-CPU xmit recursion counters out of reach of modules;
 * kscan does not need them because it never transmits recursively.
 */

#endif /* KSCAN_COMPAT_H */
