// SPDX-License-Identifier: GPL-2.0
/*
 * kscan.ko: an in-kernel TCP SYN probe generator controlled over generic
 * netlink (family "kscan", see include/uapi/linux/kscan.h).
 *
 * Conventions of kmod/:
 *  - one file per concern; internal interfaces are declared in kscan.h;
 *  - every non-static symbol starts with kscan_;
 *  - _init/_exit pair module-lifetime setup and teardown, _create/_destroy
 *    an object's life, _get/_put a reference;
 *  - kernel API differences live in compat.h only;
 *  - a KUnit suite <area>_test.c sits beside the code it tests.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "kscan.h"

static int __init kscan_init(void)
{
	int ret;

	ret = kscan_scan_init();
	if (ret)
		goto err_scan;

	/* Last: once the family is visible, scans can start. */
	ret = kscan_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version %s loaded (uapi %d)\n", KSCAN_VERSION,
		KSCAN_GENL_VERSION);
	return 0;

err_genl:
	kscan_scan_exit();
err_scan:
	return ret;
}

static void __exit kscan_exit(void)
{
	/* End running scans while listeners can still hear about it. */
	kscan_scan_stop_all();
	kscan_genl_exit();
	kscan_scan_exit();
	pr_info("unloaded\n");
}

module_init(kscan_init);
module_exit(kscan_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kscan developers");
MODULE_DESCRIPTION("In-kernel TCP SYN probe generator for Internet-scale scanning");
MODULE_VERSION(KSCAN_VERSION);
MODULE_ALIAS_GENL_FAMILY(KSCAN_GENL_NAME);
