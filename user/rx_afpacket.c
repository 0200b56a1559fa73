// SPDX-License-Identifier: GPL-2.0
/*
 * --rx afpacket: replies through an AF_PACKET socket, the fallback when
 * AF_XDP is not available.
 *
 * One SOCK_RAW packet socket bound to the interface (every RX queue), a
 * TPACKET_V3 RX ring mapped once at open, and a classic BPF filter that
 * accepts what the XDP program checks before its cookie test (ports and
 * flags; user/bpf/kscan_rx.h); kscanctl's validator checks the cookie;
 * the filter is attached before the socket is bound, so nothing else is
 * ever queued. Outgoing frames are ignored (PACKET_IGNORE_OUTGOING): the
 * scan's own SYNs and RSTs never come back. Drops are the kernel's
 * PACKET_STATISTICS (ring full), accumulated since the counters reset on
 * every read.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "rx.h"
#include "bpf/kscan_rx.h"

#define AFP_BLOCK_SIZE (1u << 17) /* 128 KiB: ~700 replies a block */
#define AFP_BLOCK_NR 16u
#define AFP_FRAME_SIZE 2048u /* nominal; V3 packs frames */
#define AFP_BLOCK_TIMEOUT_MS 10u /* a partial block goes up after */
#define AFP_SNAPLEN 0x40000u

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct afpacket {
	int fd;
	int ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t *ring;
	size_t ring_len;
	unsigned int cur; /* next block to look at */
	bool verbose;
	struct kscan_rx_stats st;
	uint64_t kernel_packets; /* PACKET_STATISTICS, accumulated */
	uint64_t freezes;
	uint8_t vbuf[AFP_FRAME_SIZE + 4]; /* a frame with its tag put back */
};

/* ---- the classic BPF filter -------------------------------------------- */

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP(code, k, jt, jf))

/*
 * Jump offsets count from the next instruction; the labels are the
 * instruction numbers in the comments. X holds the offset of the IPv4
 * header, then of the TCP header. A load past the end of the frame ends
 * the filter with 0, which covers every length check.
 */
size_t kscan_rx_cbpf_build(struct sock_filter *f, uint16_t sport_first,
			   uint16_t sport_last)
{
	enum { L14 = 6, L18 = 8, LIP = 9, ACCEPT = 30, DROP = 31 };
	size_t n = 0;

#define J(i, target) ((uint8_t)((target) - ((i) + 1)))
	/* 0: EtherType, at most one 802.1Q/802.1ad tag */
	f[n++] = STMT(BPF_LD | BPF_H | BPF_ABS, 12);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, J(1, L14), 0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_8021Q, J(2, 4), 0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_8021AD, 0, J(3, DROP));
	f[n++] = STMT(BPF_LD | BPF_H | BPF_ABS, 16);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, J(5, L18),
		      J(5, DROP));
	/* 6: X = offset of the IPv4 header */
	f[n++] = STMT(BPF_LDX | BPF_W | BPF_IMM, 14);
	f[n++] = STMT(BPF_JMP | BPF_JA, J(7, LIP));
	f[n++] = STMT(BPF_LDX | BPF_W | BPF_IMM, 18);
	/* 9: version 4, TCP, not a fragment, IHL >= 5 */
	f[n++] = STMT(BPF_LD | BPF_B | BPF_IND, 0);
	f[n++] = STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x40, 0, J(11, DROP));
	f[n++] = STMT(BPF_LD | BPF_B | BPF_IND, 9);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, J(13, DROP));
	f[n++] = STMT(BPF_LD | BPF_H | BPF_IND, 6);
	f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, J(15, DROP), 0);
	f[n++] = STMT(BPF_LD | BPF_B | BPF_IND, 0);
	f[n++] = STMT(BPF_ALU | BPF_AND | BPF_K, 0x0f);
	f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, 5, 0, J(18, DROP));
	/* 19: X = offset of the TCP header, all 20 bytes of it present */
	f[n++] = STMT(BPF_ALU | BPF_LSH | BPF_K, 2);
	f[n++] = STMT(BPF_ALU | BPF_ADD | BPF_X, 0);
	f[n++] = STMT(BPF_MISC | BPF_TAX, 0);
	f[n++] = STMT(BPF_LD | BPF_B | BPF_IND, 19);
	/* 23: destination port in our range */
	f[n++] = STMT(BPF_LD | BPF_H | BPF_IND, 2);
	f[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, sport_first, 0, J(24, DROP));
	f[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K, sport_last, J(25, DROP), 0);
	/* 26: RST, or SYN and ACK */
	f[n++] = STMT(BPF_LD | BPF_B | BPF_IND, 13);
	f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x04, J(27, ACCEPT), 0);
	f[n++] = STMT(BPF_ALU | BPF_AND | BPF_K, 0x12);
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 0, J(29, DROP));
	/* 30 */
	f[n++] = STMT(BPF_RET | BPF_K, AFP_SNAPLEN);
	/* 31 */
	f[n++] = STMT(BPF_RET | BPF_K, 0);
#undef J
	return n;
}

/* ---- setup ------------------------------------------------------------- */

static void afpacket_close(void *state);

static int afpacket_open(const struct kscan_rx_config *cfg, void **state,
			 char *err, size_t errlen)
{
	struct sock_filter insns[KSCAN_RX_CBPF_MAX];
	struct sock_fprog prog = { .filter = insns };
	struct tpacket_req3 req = {
		.tp_block_size = AFP_BLOCK_SIZE,
		.tp_block_nr = AFP_BLOCK_NR,
		.tp_frame_size = AFP_FRAME_SIZE,
		.tp_frame_nr = AFP_BLOCK_SIZE / AFP_FRAME_SIZE * AFP_BLOCK_NR,
		.tp_retire_blk_tov = AFP_BLOCK_TIMEOUT_MS,
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int one = 1, version = TPACKET_V3;
	struct afpacket *s;
	const char *what;
	int ret;

	*state = NULL;
	ret = kscan_rx_check_config(cfg, "AF_PACKET", err, errlen);
	if (ret < 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->fd = -1;
	s->verbose = cfg->verbose;
	snprintf(s->ifname, sizeof(s->ifname), "%s", cfg->ifname);
	s->ifindex = ret;

	/* Protocol 0: nothing is queued before bind(), filter in place. */
	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open an AF_PACKET socket: %s%s",
			 strerror(-ret),
			 ret == -EPERM ? " (needs CAP_NET_RAW)" : "");
		goto fail;
	}
	prog.len =
		kscan_rx_cbpf_build(insns, cfg->sport_first, cfg->sport_last);
	what = "attach the packet filter (SO_ATTACH_FILTER)";
	if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)))
		goto fail_errno;
	if (setsockopt(s->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one)) &&
	    s->verbose)
		fprintf(stderr,
			"afpacket: PACKET_IGNORE_OUTGOING: %s (the filter still drops our SYNs)\n",
			strerror(errno));
	what = "select TPACKET_V3";
	if (setsockopt(s->fd, SOL_PACKET, PACKET_VERSION, &version,
		       sizeof(version)))
		goto fail_errno;
	what = "set up the RX ring (PACKET_RX_RING)";
	if (setsockopt(s->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		goto fail_errno;
	s->ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	s->ring = mmap(NULL, s->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       s->fd, 0);
	if (s->ring == MAP_FAILED) {
		s->ring = NULL;
		what = "map the RX ring";
		goto fail_errno;
	}
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = s->ifindex;
	what = "bind to the interface";
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)))
		goto fail_errno;
	if (s->verbose)
		fprintf(stderr,
			"afpacket: %s: TPACKET_V3 ring of %u x %u KiB, filter of %u instructions\n",
			s->ifname, req.tp_block_nr, req.tp_block_size >> 10,
			prog.len);
	*state = s;
	return 0;

fail_errno:
	ret = -errno;
	snprintf(err, errlen, "AF_PACKET on %s: cannot %s: %s", s->ifname, what,
		 strerror(-ret));
fail:
	afpacket_close(s);
	return ret;
}

/* ---- receive and send -------------------------------------------------- */

static struct tpacket_block_desc *afpacket_block(struct afpacket *s,
						 unsigned int i)
{
	return (struct tpacket_block_desc *)(s->ring +
					     (size_t)i * AFP_BLOCK_SIZE);
}

/* The frame of @h, with a VLAN tag the device took out put back. */
static void afpacket_deliver(struct afpacket *s, struct tpacket3_hdr *h,
			     kscan_rx_frame_fn fn, void *arg)
{
	const uint8_t *frame = (const uint8_t *)h + h->tp_mac;
	size_t len = h->tp_snaplen;
	uint16_t tpid;

	if ((h->tp_status & TP_STATUS_VLAN_VALID) && len >= 12 &&
	    len + 4 <= sizeof(s->vbuf)) {
		tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
			       h->hv1.tp_vlan_tpid :
			       ETH_P_8021Q;
		memcpy(s->vbuf, frame, 12);
		s->vbuf[12] = tpid >> 8;
		s->vbuf[13] = tpid & 0xff;
		s->vbuf[14] = h->hv1.tp_vlan_tci >> 8;
		s->vbuf[15] = h->hv1.tp_vlan_tci & 0xff;
		memcpy(s->vbuf + 16, frame + 12, len - 12);
		frame = s->vbuf;
		len += 4;
	}
	fn(arg, frame, len);
}

/* Every block the kernel has handed over, back to it once read. */
static int afpacket_drain(struct afpacket *s, kscan_rx_frame_fn fn, void *arg)
{
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	unsigned int i, blocks, n = 0;

	for (blocks = 0; blocks < AFP_BLOCK_NR; blocks++) {
		b = afpacket_block(s, s->cur);
		if (!(__atomic_load_n(&b->hdr.bh1.block_status,
				      __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			break;
		h = (struct tpacket3_hdr *)((uint8_t *)b +
					    b->hdr.bh1.offset_to_first_pkt);
		for (i = 0; i < b->hdr.bh1.num_pkts; i++) {
			afpacket_deliver(s, h, fn, arg);
			h = (struct tpacket3_hdr *)((uint8_t *)h +
						    h->tp_next_offset);
		}
		n += b->hdr.bh1.num_pkts;
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		s->cur = (s->cur + 1) % AFP_BLOCK_NR;
	}
	s->st.frames += n;
	return (int)n;
}

static int afpacket_poll(void *state, int timeout_ms, kscan_rx_frame_fn fn,
			 void *arg)
{
	struct afpacket *s = state;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	int n;

	n = afpacket_drain(s, fn, arg);
	if (n)
		return n;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	if (pfd.revents & (POLLERR | POLLNVAL)) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);

		/* ENETDOWN and friends: the device went away. */
		if (!getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) &&
		    soerr)
			return -soerr;
	}
	return afpacket_drain(s, fn, arg);
}

static int afpacket_send(void *state, const uint8_t *frame, size_t len)
{
	struct afpacket *s = state;

	if (len < 14) {
		s->st.send_errors++;
		return -EINVAL;
	}
	if (send(s->fd, frame, len, MSG_DONTWAIT) < 0) {
		s->st.send_errors++;
		return -errno;
	}
	s->st.sent++;
	return 0;
}

/* ---- statistics and teardown ------------------------------------------- */

static void afpacket_stats(void *state, struct kscan_rx_stats *stats)
{
	struct afpacket *s = state;
	struct tpacket_stats_v3 ps;
	socklen_t len = sizeof(ps);

	/* The kernel zeroes its counters on every read: accumulate. */
	memset(&ps, 0, sizeof(ps));
	if (!getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &ps, &len)) {
		s->st.kernel_drops += ps.tp_drops;
		s->kernel_packets += ps.tp_packets;
		s->freezes += ps.tp_freeze_q_cnt;
	}
	*stats = s->st;
}

static void afpacket_close(void *state)
{
	struct afpacket *s = state;

	if (!s)
		return;
	if (s->verbose) {
		struct kscan_rx_stats st;

		afpacket_stats(s, &st);
		fprintf(stderr,
			"afpacket: %s: the kernel queued %llu frames (dropped %llu, ring full %llu times), delivered %llu\n",
			s->ifname, (unsigned long long)s->kernel_packets,
			(unsigned long long)st.kernel_drops,
			(unsigned long long)s->freezes,
			(unsigned long long)st.frames);
	}
	if (s->ring)
		munmap(s->ring, s->ring_len);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

const struct kscan_rx_ops kscan_rx_afpacket = {
	.name = "afpacket",
	.open = afpacket_open,
	.poll = afpacket_poll,
	.send = afpacket_send,
	.stats = afpacket_stats,
	.close = afpacket_close,
};
