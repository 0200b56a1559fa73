// SPDX-License-Identifier: GPL-2.0
/*
 * bugmod - a module that commits one deliberate kernel bug when loaded, so
 * that tests/vm/debug-selftest can check that the debug lab kernel reports
 * each class and that the lab fails the run:
 *
 *   insmod bugmod.ko bug=leak     kmalloc() never freed           kmemleak
 *   insmod bugmod.ko bug=oob      read one byte past a kmalloc()  KASAN
 *   insmod bugmod.ko bug=shift    1 << 40 on an int               UBSAN
 *   insmod bugmod.ko bug=lockdep  A then B, later B then A        lockdep
 *   insmod bugmod.ko bug=sleep    might_sleep() under a spinlock  DEBUG_ATOMIC_SLEEP
 *
 * The values come from module parameters so that the compiler cannot see
 * (and warn about, or fold away) the bug at build time. Loading always
 * succeeds and the module unloads, as kscan.ko must.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "leak, oob, shift, lockdep or sleep");

static int size = 16;
module_param(size, int, 0444);
MODULE_PARM_DESC(size, "bytes allocated by bug=leak and bug=oob (oob reads byte [size])");

static int shift = 40;
module_param(shift, int, 0444);
MODULE_PARM_DESC(shift, "shift count of bug=shift");

static DEFINE_MUTEX(bugmod_a);
static DEFINE_MUTEX(bugmod_b);
static DEFINE_SPINLOCK(bugmod_lock);

static noinline void bugmod_leak(void)
{
	char *p = kmalloc(size, GFP_KERNEL);

	if (p)
		memset(p, 0x6b, size);
	/* p goes out of scope: nothing references the object any more. */
}

static noinline void bugmod_oob(void)
{
	char *p = kmalloc(size, GFP_KERNEL);

	if (!p)
		return;
	pr_info("bugmod: byte past the end: %d\n", READ_ONCE(p[size]));
	kfree(p);
}

static noinline void bugmod_shift(void)
{
	volatile int one = 1;

	pr_info("bugmod: 1 << %d = %d\n", shift, one << shift);
}

static noinline void bugmod_lockdep(void)
{
	/* Never deadlocks (one thread), but the order A->B->A is a cycle. */
	mutex_lock(&bugmod_a);
	mutex_lock(&bugmod_b);
	mutex_unlock(&bugmod_b);
	mutex_unlock(&bugmod_a);

	mutex_lock(&bugmod_b);
	mutex_lock(&bugmod_a);
	mutex_unlock(&bugmod_a);
	mutex_unlock(&bugmod_b);
}

static noinline void bugmod_sleep(void)
{
	/* Says "I may sleep" without sleeping: the report, not a hang. */
	spin_lock(&bugmod_lock);
	might_sleep();
	spin_unlock(&bugmod_lock);
}

static int __init bugmod_init(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} bugs[] = {
		{ "leak", bugmod_leak },
		{ "oob", bugmod_oob },
		{ "shift", bugmod_shift },
		{ "lockdep", bugmod_lockdep },
		{ "sleep", bugmod_sleep },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bugs); i++) {
		if (!strcmp(bug, bugs[i].name)) {
			pr_info("bugmod: committing bug '%s'\n", bug);
			bugs[i].fn();
			return 0;
		}
	}
	pr_err("bugmod: unknown bug '%s'\n", bug);
	return -EINVAL;
}

static void __exit bugmod_exit(void)
{
}

module_init(bugmod_init);
module_exit(bugmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kscan lab self-test: one deliberate bug per load");
