// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite kscan_pool: a recycled skb is handed out again only when it
 * is ours alone and as the pool left it; anything else (still held by the
 * driver, cloned by a tap, its data moved or grown) keeps it from being
 * rewritten: it waits, or leaves the ring for a fresh one.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "kscan.h"

#define KSCAN_POOL_TEST_SIZE 4

struct kscan_pool_fixture {
	struct net_device *dev;
	struct kscan_syn_template tpl;
	struct kscan_pool pool;
};

static int kscan_pool_test_init(struct kunit *test)
{
	static const struct kscan_syn_params params = {
		.src_mac = { 2, 0, 0, 0, 0, 1 },
		.dst_mac = { 2, 0, 0, 0, 0, 2 },
		.ttl = 64,
		.window = 65535,
	};
	struct kscan_pool_fixture *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	/* An Ethernet device that is never registered: the pool only reads
	 * its header and tail room.
	 */
	f->dev = alloc_etherdev(0);
	KUNIT_ASSERT_NOT_NULL(test, f->dev);
	KUNIT_ASSERT_EQ(test, kscan_syn_template_init(&f->tpl, &params), 0);
	KUNIT_ASSERT_EQ(test, kscan_pool_init(&f->pool, f->dev, 0, NUMA_NO_NODE,
					      KSCAN_POOL_TEST_SIZE, true, false,
					      &f->tpl),
			0);
	test->priv = f;
	return 0;
}

static void kscan_pool_test_exit(struct kunit *test)
{
	struct kscan_pool_fixture *f = test->priv;

	kscan_pool_destroy(&f->pool);
	free_netdev(f->dev);
}

/* Take every skb of the ring once: all distinct, all intact. */
static void kscan_pool_cycles_through_the_ring(struct kunit *test)
{
	struct kscan_pool_fixture *f = test->priv;
	struct sk_buff *first[KSCAN_POOL_TEST_SIZE];
	u32 i;

	for (i = 0; i < KSCAN_POOL_TEST_SIZE; i++) {
		first[i] = kscan_pool_get(&f->pool);
		KUNIT_ASSERT_NOT_NULL(test, first[i]);
		KUNIT_EXPECT_EQ(test, first[i]->len, (unsigned int)f->pool.len);
	}
	/* round two: the same skbs, in order, nothing replaced */
	for (i = 0; i < KSCAN_POOL_TEST_SIZE; i++)
		KUNIT_EXPECT_PTR_EQ(test, kscan_pool_get(&f->pool), first[i]);
	KUNIT_EXPECT_EQ(test, f->pool.replaced, 0ULL);
}

/* Still in the driver's hands (a reference besides ours): wait. */
static void kscan_pool_waits_for_the_driver(struct kunit *test)
{
	struct kscan_pool_fixture *f = test->priv;
	struct sk_buff *skb = kscan_pool_get(&f->pool);
	u32 i;

	for (i = 1; i < KSCAN_POOL_TEST_SIZE; i++)
		kscan_pool_get(&f->pool);
	refcount_inc(&skb->users);	/* as before ndo_start_xmit() */
	KUNIT_EXPECT_NULL(test, kscan_pool_get(&f->pool));
	kfree_skb(skb);			/* the driver is done with it */
	KUNIT_EXPECT_PTR_EQ(test, kscan_pool_get(&f->pool), skb);
	KUNIT_EXPECT_EQ(test, f->pool.replaced, 0ULL);
}

enum kscan_pool_damage {
	KSCAN_POOL_CLONED,	/* a packet tap holds a clone of its data */
	KSCAN_POOL_PUSHED,	/* a header pushed and left there */
	KSCAN_POOL_TRIMMED,	/* its length changed */
	KSCAN_POOL_DESTRUCTOR,	/* owned by a socket's accounting now */
};

static const enum kscan_pool_damage kscan_pool_damages[] = {
	KSCAN_POOL_CLONED, KSCAN_POOL_PUSHED, KSCAN_POOL_TRIMMED,
	KSCAN_POOL_DESTRUCTOR,
};

static void kscan_pool_damage_desc(const enum kscan_pool_damage *d, char *desc)
{
	static const char *const names[] = { "cloned", "pushed", "trimmed",
					     "destructor" };

	strscpy(desc, names[*d], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kscan_pool_damage, kscan_pool_damages, kscan_pool_damage_desc);

static void kscan_pool_test_destructor(struct sk_buff *skb)
{
}

/* Changed behind our back: never rewritten, replaced by a fresh skb. */
static void kscan_pool_replaces_what_changed(struct kunit *test)
{
	const enum kscan_pool_damage *d = test->param_value;
	struct kscan_pool_fixture *f = test->priv;
	struct sk_buff *skb, *clone = NULL, *next;
	u8 before[ETH_ZLEN];
	u32 i;

	skb = kscan_pool_get(&f->pool);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	for (i = 1; i < KSCAN_POOL_TEST_SIZE; i++)
		kscan_pool_get(&f->pool);

	switch (*d) {
	case KSCAN_POOL_CLONED:
		clone = skb_clone(skb, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, clone);
		memcpy(before, clone->data, sizeof(before));
		break;
	case KSCAN_POOL_PUSHED:
		skb_push(skb, 4);
		break;
	case KSCAN_POOL_TRIMMED:
		skb_trim(skb, skb->len - 1);
		break;
	case KSCAN_POOL_DESTRUCTOR:
		skb->destructor = kscan_pool_test_destructor;
		break;
	}

	next = kscan_pool_get(&f->pool);
	KUNIT_ASSERT_NOT_NULL(test, next);
	KUNIT_EXPECT_PTR_NE(test, next, skb);
	KUNIT_EXPECT_EQ(test, f->pool.replaced, 1ULL);
	KUNIT_EXPECT_EQ(test, next->len, (unsigned int)f->pool.len);
	KUNIT_EXPECT_FALSE(test, skb_cloned(next));
	if (clone) {
		/* what the tap holds is untouched, and now its own */
		KUNIT_EXPECT_EQ(test, memcmp(before, clone->data, sizeof(before)), 0);
		KUNIT_EXPECT_FALSE(test, skb_cloned(clone));
		kfree_skb(clone);
	}
}

static struct kunit_case kscan_pool_cases[] = {
	KUNIT_CASE(kscan_pool_cycles_through_the_ring),
	KUNIT_CASE(kscan_pool_waits_for_the_driver),
	KUNIT_CASE_PARAM(kscan_pool_replaces_what_changed,
			 kscan_pool_damage_gen_params),
	{}
};

static struct kunit_suite kscan_pool_suite = {
	.name = "kscan_pool",
	.init = kscan_pool_test_init,
	.exit = kscan_pool_test_exit,
	.test_cases = kscan_pool_cases,
};

kunit_test_suite(kscan_pool_suite);
