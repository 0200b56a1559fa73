// SPDX-License-Identifier: GPL-2.0
/*
 * --engine=afxdp: probes from userspace through AF_XDP sockets (libxdp),
 * no module needed. One sender thread per TX queue (--tx-queues, or
 * --sender-threads N for queues 0..N-1), each owning its queue's socket's
 * TX ring; the sockets are those of the AF_XDP engine (afxdp.h): with
 * --rx afxdp, the same sockets receive the replies, so the two halves
 * never compete for a queue. The bind ladder (native zero-copy, native
 * copy, SKB copy) is afxdp_setup()'s.
 *
 * Frames: every TX frame of a queue holds the SYN template from the start;
 * per probe only its fields are patched (kscan_syn_patch, full checksums:
 * AF_XDP has no checksum offload in 6.1). A batch takes only as many
 * probes as the TX ring has free slots and free frames, so a full ring
 * holds probes back rather than losing them, and each is taken once.
 * Completed frames come back through the completion ring. The sockets
 * use XDP_USE_NEED_WAKEUP: the thread kicks the kernel with sendto() only
 * when it asks (always in copy mode, where sendto() is the transmission).
 *
 * Counted as sent: frames the kernel completed. In copy mode a frame the
 * driver dropped (sendto() says EBUSY: NET_XMIT_DROP) also completes; it
 * is counted as an error, not as sent, and is not sent again (AF_XDP does
 * not say which one it was). A stopped scan leaves what is still in the
 * ring unsent (and uncounted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "afxdp.h"
#include "tx_user.h"

struct kscan_tx_afxdp {
	struct kscan_txu u; /* first: the contract's state */
	struct afxdp *xs;
	bool rx_shared; /* the run loop receives with xs */
	u16 queues[KSCAN_MAX_QUEUES];
	u32 nr_queues;
};

/* What a kick did. */
enum kscan_afxdp_kick {
	KSCAN_AFXDP_KICK_OK,
	KSCAN_AFXDP_KICK_DROP, /* a frame completed, dropped by the driver */
	KSCAN_AFXDP_KICK_ERROR, /* refused; nothing was completed */
};

/*
 * Hand what the TX ring holds to the kernel. Returns what happened, with
 * the reason to end the scan in *@fatal (NONE: carry on).
 */
static enum kscan_afxdp_kick kscan_afxdp_kick(struct afxdp_queue *q, u32 *fatal)
{
	*fatal = KSCAN_REASON_NONE;
	if (!xsk_ring_prod__needs_wakeup(&q->etx))
		return KSCAN_AFXDP_KICK_OK;
	if (sendto(q->efd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return KSCAN_AFXDP_KICK_OK;
	switch (errno) {
	case EAGAIN: /* more than a kernel batch, or the queue was busy */
	case ENOBUFS:
		return KSCAN_AFXDP_KICK_OK;
	case EBUSY:
		return KSCAN_AFXDP_KICK_DROP;
	default:
		*fatal = kscan_txu_fatal(errno);
		return KSCAN_AFXDP_KICK_ERROR;
	}
}

/* Sent: completions, less the frames the driver dropped. */
static void kscan_afxdp_count(struct kscan_txu_thread *t, struct afxdp_queue *q,
			      u64 drops)
{
	u64 done = atomic_load_explicit(&q->tx_completed, memory_order_relaxed);

	atomic_store_explicit(&t->sent, done > drops ? done - drops : 0,
			      memory_order_relaxed);
}

/* Place up to @n probes from t->pos in the TX ring; how many went. */
static u32 kscan_afxdp_fill(struct kscan_txu_thread *t, struct afxdp_queue *q,
			    u32 n)
{
	struct kscan_txu *u = t->u;
	struct kscan_syn_fields f;
	u32 i, idx, tsval;

	if (n > q->tx_nfree)
		n = q->tx_nfree;
	n = n ? xsk_ring_prod__reserve(&q->etx, n, &idx) : 0;
	if (!n)
		return 0;
	tsval = kscan_txu_tsval();
	for (i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->etx, idx + i);
		u64 addr = q->tx_free[--q->tx_nfree];

		kscan_txu_fields(u, t->pos + i, tsval, &f);
		kscan_syn_patch(&u->tpl, xsk_umem__get_data(q->area, addr), &f,
				KSCAN_SYN_CSUM_FULL);
		d->addr = addr;
		d->len = u->tpl.len;
	}
	xsk_ring_prod__submit(&q->etx, n);
	t->pos += n;
	return n;
}

/* Wait for completions: a frame or a slot comes back. */
static void kscan_afxdp_wait_room(struct afxdp_queue *q, u32 error_run)
{
	struct pollfd pfd = { .fd = q->efd, .events = POLLOUT };

	if (error_run)
		kscan_txu_backoff(error_run);
	else
		poll(&pfd, 1, 1);
}

static u32 kscan_afxdp_walk(struct kscan_txu_thread *t)
{
	struct kscan_tx_afxdp *e = (struct kscan_tx_afxdp *)t->u;
	struct afxdp_queue *q = &e->xs->q[e->xs->tx_index[t->index]];
	struct kscan_txu *u = t->u;
	u32 reason = KSCAN_REASON_COMPLETED, fatal, i, error_run = 0;
	enum kscan_afxdp_kick kick;
	u64 error_since = 0, drops = 0;

	/* the constant bytes once per frame; per probe only its fields */
	pthread_mutex_lock(&q->tx_lock);
	for (i = 0; i < q->tx_nfree; i++)
		kscan_syn_copy(&u->tpl,
			       xsk_umem__get_data(q->area, q->tx_free[i]));
	pthread_mutex_unlock(&q->tx_lock);

	while (t->pos < t->end) {
		u64 left = t->end - t->pos;
		u32 want = left < u->burst ? (u32)left : u->burst, n = 0, put;
		bool spent = false;

		if (kscan_txu_should_end(t, &reason))
			break;
		pthread_mutex_lock(&q->tx_lock);
		afxdp_reclaim_locked(e->xs, q);
		if (want > q->tx_nfree) {
			/* out of frames: the rest waits for completions */
			want = q->tx_nfree;
			atomic_fetch_add_explicit(&t->tx_busy, 1,
						  memory_order_relaxed);
		}
		if (want)
			n = kscan_txu_take(t, want, &spent);
		if (spent) {
			pthread_mutex_unlock(&q->tx_lock);
			reason = KSCAN_REASON_BUDGET;
			break;
		}
		put = kscan_afxdp_fill(t, q, n);
		/* the ring had fewer slots: those probes wait, none is lost */
		kscan_txu_give_back(t, n - put);
		pthread_mutex_unlock(&q->tx_lock);
		/*
		 * Outside the lock: in copy mode the kick is the transmission
		 * (and the softirq work it triggers), and send() must not
		 * wait that long to queue an RST while replies pile up.
		 */
		kick = kscan_afxdp_kick(q, &fatal);
		if (kick != KSCAN_AFXDP_KICK_OK)
			atomic_fetch_add_explicit(&t->errors, 1,
						  memory_order_relaxed);
		drops += kick == KSCAN_AFXDP_KICK_DROP;
		kscan_afxdp_count(t, q, drops);
		if (fatal != KSCAN_REASON_NONE) {
			reason = fatal;
			break;
		}
		reason = KSCAN_REASON_COMPLETED;
		if (kick != KSCAN_AFXDP_KICK_OK) {
			if (!error_run++)
				error_since = kscan_txu_now_ns();
			else if (error_run >= KSCAN_TXU_ERROR_RUN &&
				 kscan_txu_now_ns() - error_since >=
					 KSCAN_TXU_ERROR_NS) {
				reason = KSCAN_REASON_ERROR;
				break;
			}
		} else if (put) {
			error_run = 0;
		}
		if (put && !error_run)
			continue;
		if (!want || error_run) {
			/* no free frame or slot, or refused: let it drain */
			kscan_afxdp_wait_room(q, error_run);
		} else if (!put) {
			kscan_txu_wait_due(t);
		}
	}
	/*
	 * Stopped or failed: what is still in the ring stays unsent, but what
	 * the kernel took has gone out; its completions (at once in copy
	 * mode, within moments from a zero-copy NIC) count it, so collect
	 * them until none came for 20 ms (at most 200 ms).
	 */
	for (i = 0, error_run = 0;
	     i < 20 && error_run < 2 && reason != KSCAN_REASON_COMPLETED &&
	     reason != KSCAN_REASON_BUDGET;
	     i++) {
		u64 before = atomic_load(&q->tx_completed);

		pthread_mutex_lock(&q->tx_lock);
		afxdp_reclaim_locked(e->xs, q);
		pthread_mutex_unlock(&q->tx_lock);
		kscan_afxdp_count(t, q, drops);
		error_run = atomic_load(&q->tx_completed) == before ?
				    error_run + 1 :
				    0;
		kscan_txu_sleep_ns(10000000);
	}
	/*
	 * Done or out of budget: what was placed in the ring goes out and is
	 * counted (bounded: ~1 s).
	 */
	for (i = 0; i < 1000 && (reason == KSCAN_REASON_COMPLETED ||
				 reason == KSCAN_REASON_BUDGET);
	     i++) {
		pthread_mutex_lock(&q->tx_lock);
		afxdp_reclaim_locked(e->xs, q);
		pthread_mutex_unlock(&q->tx_lock);
		kick = kscan_afxdp_kick(q, &fatal);
		drops += kick == KSCAN_AFXDP_KICK_DROP;
		kscan_afxdp_count(t, q, drops);
		if (atomic_load(&q->tx_completed) >= t->pos - t->begin)
			break;
		kscan_afxdp_wait_room(q, 0);
	}
	return reason;
}

static const struct kscan_txu_ops kscan_afxdp_txu_ops = {
	.walk = kscan_afxdp_walk,
};

static void kscan_afxdp_close(void *state)
{
	struct kscan_tx_afxdp *e = state;

	if (!e)
		return;
	kscan_txu_free(&e->u); /* stops and joins the threads first */
	afxdp_teardown(e->xs);
	free(e);
}

static int kscan_afxdp_open(const struct kscan_tx_config *tc, void **state,
			    char *err, size_t errlen)
{
	const struct kscan_start_config *cfg = tc->cfg;
	struct afxdp_tx_request req = { 0 };
	struct kscan_rx_config rxc;
	struct kscan_tx_afxdp *e;
	u8 mac[6];
	u32 i;
	int ret;

	if (kscan_txu_check_options(cfg, "afxdp", err, errlen))
		return -EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->u.done_fd = -1;
	e->nr_queues = cfg->nr_tx_queues;
	for (i = 0; i < e->nr_queues; i++)
		e->queues[i] = cfg->tx_queues[i];
	ret = kscan_txu_device(cfg->ifname, mac, err, errlen);
	if (ret)
		goto fail;
	ret = kscan_txu_init(&e->u, tc, &kscan_afxdp_txu_ops, mac, e->nr_queues,
			     err, errlen);
	if (ret)
		goto fail;
	for (i = 0; i < e->nr_queues; i++)
		e->u.threads[i].queue = e->queues[i];
	/* --rx afxdp: the same sockets receive (the run loop asks) */
	e->rx_shared = cfg->rx == KSCAN_RX_AFXDP;
	kscan_rx_config_init(&rxc, cfg, tc->plan->key, tc->ifindex);
	req.queues = e->queues;
	req.nr_queues = e->nr_queues;
	req.receive = e->rx_shared;
	ret = afxdp_setup(&rxc, &req, &e->xs, err, errlen);
	if (ret)
		goto fail;
	*state = e;
	return 0;
fail:
	kscan_afxdp_close(e);
	return ret;
}

static void *kscan_afxdp_rx_half(void *state)
{
	struct kscan_tx_afxdp *e = state;

	return e->rx_shared ? e->xs : NULL;
}

static const char *kscan_afxdp_mode(void *state)
{
	struct kscan_tx_afxdp *e = state;

	return afxdp_mode_name(e->xs);
}

const struct kscan_tx_ops kscan_tx_afxdp = {
	.name = "afxdp",
	.open = kscan_afxdp_open,
	.start = kscan_txu_start,
	.wait_fd = kscan_txu_wait_fd,
	.wait = kscan_txu_wait,
	.progress = kscan_txu_progress,
	.stop = kscan_txu_stop,
	.report = kscan_txu_report,
	.rx_half = kscan_afxdp_rx_half,
	.mode = kscan_afxdp_mode,
	.close = kscan_afxdp_close,
};
