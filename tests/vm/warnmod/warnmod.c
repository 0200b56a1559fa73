// SPDX-License-Identifier: GPL-2.0
/*
 * warnmod - a module whose init warns, so the lab's self-test can check that
 * a kernel WARNING fails a lab run (the lab boots with panic_on_warn=1).
 */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init warnmod_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit warnmod_exit(void)
{
}

module_init(warnmod_init);
module_exit(warnmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kscan lab self-test: WARN_ON(1) at load");
