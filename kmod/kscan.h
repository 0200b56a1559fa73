/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of kscan.ko, one section per file of kmod/.
 */
#ifndef KSCAN_KMOD_H
#define KSCAN_KMOD_H

#include <net/genetlink.h>
#include <uapi/linux/kscan.h>

/* netlink.c: the generic-netlink family "kscan". */
int kscan_genl_init(void);
void kscan_genl_exit(void);
extern struct genl_family kscan_genl_family;

#endif /* KSCAN_KMOD_H */
