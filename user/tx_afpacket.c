// SPDX-License-Identifier: GPL-2.0
/*
 * --engine=afpacket: the portable baseline, no module needed. One sender
 * thread per --sender-threads, each with its own AF_PACKET socket bound
 * to the device with protocol 0 (it receives nothing) and
 * PACKET_QDISC_BYPASS (frames go to the driver as kscan.ko's do, without
 * the qdisc), sending batches of --burst frames with sendmmsg(2).
 *
 * Probes are those of every engine: thread t of T walks slice t of the
 * shard's permutation (kscan_slice), maps each position with
 * kscan_probe_fields() and patches it into a frame that holds the SYN
 * template's bytes (kscan_syn_patch, full checksums: AF_PACKET offers no
 * offload without a virtio-net header). A frame the device refused
 * (ENOBUFS: its queue is full, qdisc bypass drops rather than queues) is
 * sent again after a backoff, so that no probe is lost or repeated.
 *
 * Pace: each thread takes its share of --rate (the first threads the
 * remainder, at least 1 pps) on a virtual schedule, as kmod/rate.c does:
 * packet k is due at start + k / pps, up to a millisecond's worth (at
 * most one burst) ahead, and a lag beyond 50 ms moves the schedule.
 *
 * --sender-threads picks the thread count; the kernel picks the TX queue
 * (XPS by the sending CPU, else the flow hash), so --tx-queues is refused;
 * --cpus pins the threads.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tx_user.h"

struct kscan_tx_afpacket {
	struct kscan_txu u; /* first: the contract's state */
	int *fds; /* one socket per thread */
	u32 nr_fds;
};

/* Send frames [0, n) of the batch; NONE, or the reason to end. */
static u32 kscan_afp_send(struct kscan_txu_thread *t, int fd,
			  struct mmsghdr *msgs, u32 n)
{
	u64 error_since = 0;
	u32 done = 0, error_run = 0, reason;
	int ret;

	while (done < n) {
		if (kscan_txu_should_end(t, &reason))
			return reason == KSCAN_REASON_NONE ?
				       KSCAN_REASON_STOPPED :
				       reason;
		ret = sendmmsg(fd, msgs + done, n - done, 0);
		if (ret > 0) {
			done += (u32)ret;
			atomic_fetch_add_explicit(&t->sent, (u64)ret,
						  memory_order_relaxed);
			error_run = 0;
			continue;
		}
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 && kscan_txu_fatal(errno))
			return kscan_txu_fatal(errno);
		/* ENOBUFS/EAGAIN: the queue is full; others are errors */
		if (ret < 0 && (errno == ENOBUFS || errno == EAGAIN))
			atomic_fetch_add_explicit(&t->tx_busy, 1,
						  memory_order_relaxed);
		else
			atomic_fetch_add_explicit(&t->errors, 1,
						  memory_order_relaxed);
		if (!error_run++)
			error_since = kscan_txu_now_ns();
		else if (error_run >= KSCAN_TXU_ERROR_RUN &&
			 kscan_txu_now_ns() - error_since >= KSCAN_TXU_ERROR_NS)
			return KSCAN_REASON_ERROR;
		kscan_txu_backoff(error_run);
	}
	return KSCAN_REASON_NONE;
}

static u32 kscan_afp_walk(struct kscan_txu_thread *t)
{
	struct kscan_txu *u = t->u;
	int fd = ((struct kscan_tx_afpacket *)u)->fds[t->index];
	u8(*frames)[KSCAN_SYN_FRAME_MAX];
	u32 i, reason = KSCAN_REASON_COMPLETED;
	struct mmsghdr *msgs;
	struct iovec *iov;

	frames = calloc(u->burst, sizeof(*frames));
	msgs = calloc(u->burst, sizeof(*msgs));
	iov = calloc(u->burst, sizeof(*iov));
	if (!frames || !msgs || !iov) {
		reason = KSCAN_REASON_ERROR;
		goto out;
	}
	/* the constant bytes once; per probe only its fields */
	for (i = 0; i < u->burst; i++) {
		kscan_syn_copy(&u->tpl, frames[i]);
		iov[i].iov_base = frames[i];
		iov[i].iov_len = u->tpl.len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (t->pos < t->end) {
		u64 left = t->end - t->pos;
		u32 want = left < u->burst ? (u32)left : u->burst, n, tsval;
		struct kscan_syn_fields f;
		bool spent;

		if (kscan_txu_should_end(t, &reason))
			break;
		n = kscan_txu_take(t, want, &spent);
		if (spent) {
			reason = KSCAN_REASON_BUDGET;
			break;
		}
		if (!n) {
			kscan_txu_wait_due(t);
			continue;
		}
		tsval = kscan_txu_tsval();
		for (i = 0; i < n; i++) {
			kscan_txu_fields(u, t->pos + i, tsval, &f);
			kscan_syn_patch(&u->tpl, frames[i], &f,
					KSCAN_SYN_CSUM_FULL);
		}
		reason = kscan_afp_send(t, fd, msgs, n);
		/* the frames not sent stay unsent: the count is exact */
		if (reason != KSCAN_REASON_NONE)
			break;
		t->pos += n;
		reason = KSCAN_REASON_COMPLETED;
	}
out:
	free(frames);
	free(msgs);
	free(iov);
	return reason;
}

static const struct kscan_txu_ops kscan_afp_txu_ops = {
	.walk = kscan_afp_walk,
};

/* One socket: bound to the device, receiving nothing, qdisc bypassed. */
static int kscan_afp_socket(int ifindex, char *err, size_t errlen)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = 0, /* no reception on this socket */
		.sll_ifindex = ifindex,
	};
	int one = 1, sndbuf = 4 << 20, fd, e;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		kscan_errf(err, errlen, "AF_PACKET socket: %s%s", strerror(e),
			   e == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -e;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
		       sizeof(one))) {
		e = errno;
		kscan_errf(err, errlen, "PACKET_QDISC_BYPASS: %s", strerror(e));
		close(fd);
		return -e;
	}
	/* room for a few bursts in flight; the kernel caps it */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		e = errno;
		kscan_errf(err, errlen, "bind to ifindex %d: %s", ifindex,
			   strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

static void kscan_afp_close(void *state)
{
	struct kscan_tx_afpacket *e = state;
	u32 i;

	if (!e)
		return;
	kscan_txu_free(&e->u); /* stops and joins the threads first */
	for (i = 0; i < e->nr_fds; i++)
		if (e->fds[i] >= 0)
			close(e->fds[i]);
	free(e->fds);
	free(e);
}

static int kscan_afp_open(const struct kscan_tx_config *tc, void **state,
			  char *err, size_t errlen)
{
	const struct kscan_start_config *cfg = tc->cfg;
	struct kscan_tx_afpacket *e;
	u8 mac[6];
	u32 i;
	int ret;

	if (kscan_txu_check_options(cfg, "afpacket", err, errlen))
		return -EINVAL;
	if (cfg->given[KSCAN_OPT_TX_QUEUES]) {
		kscan_errf(
			err, errlen,
			"--tx-queues: AF_PACKET cannot choose a TX queue (the kernel picks one by XPS); use --sender-threads, and --cpus to place them");
		return -EINVAL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->u.done_fd = -1;
	e->nr_fds = cfg->nr_tx_queues;
	e->fds = calloc(e->nr_fds, sizeof(*e->fds));
	if (!e->fds) {
		free(e);
		return -ENOMEM;
	}
	for (i = 0; i < e->nr_fds; i++)
		e->fds[i] = -1;
	for (i = 0; i < e->nr_fds; i++) {
		e->fds[i] = kscan_afp_socket(tc->ifindex, err, errlen);
		if (e->fds[i] < 0) {
			ret = e->fds[i];
			goto fail;
		}
	}
	ret = kscan_txu_device(cfg->ifname, mac, err, errlen);
	if (ret)
		goto fail;
	ret = kscan_txu_init(&e->u, tc, &kscan_afp_txu_ops, mac, e->nr_fds, err,
			     errlen);
	if (ret)
		goto fail;
	*state = e;
	return 0;
fail:
	kscan_afp_close(e);
	return ret;
}

const struct kscan_tx_ops kscan_tx_afpacket = {
	.name = "afpacket",
	.open = kscan_afp_open,
	.start = kscan_txu_start,
	.wait_fd = kscan_txu_wait_fd,
	.wait = kscan_txu_wait,
	.progress = kscan_txu_progress,
	.stop = kscan_txu_stop,
	.report = kscan_txu_report,
	.close = kscan_afp_close,
};
