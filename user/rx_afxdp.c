// SPDX-License-Identifier: GPL-2.0
/*
 * --rx afxdp: replies through AF_XDP sockets (libxdp).
 *
 * open() loads the XDP program compiled into kscanctl (user/bpf/) with the
 * scan's source-port range, key and probe count in its read-only data,
 * attaches it through libxdp (its dispatcher lets other XDP programs
 * coexist) in native mode, else in SKB mode, and creates one AF_XDP socket
 * per RX queue, each with its own UMEM, entered into the program's XSKMAP
 * by us (libxdp is told not to load its default program). The program
 * redirects only our replies, their cookie checked; everything else goes
 * on to the stack, the SYN-ACKs of the host's own connections from ports
 * in the range included.
 *
 * Memory is fixed at open: per queue a UMEM of RX frames that circulate
 * fill ring -> kernel -> RX ring -> callback -> fill ring, and on queue 0
 * a few TX frames for send(), recycled from the completion ring. Nothing
 * is allocated per frame.
 *
 * Kernel-side drops: what XDP_STATISTICS counts as lost on each socket
 * (rx_dropped: no free frame or too long; rx_ring_full; rx_invalid_descs)
 * plus the replies the program matched on a queue without a socket.
 */
#include <dirent.h>
#include <linux/if_link.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "afxdp.h"
#include "bpf/kscan_rx.h"
#include "kscan/cookie.h"

/* The XDP program's object (user/bpf/kscan_rx_obj.S). */
extern const unsigned char kscan_rx_bpf_obj[];
extern const unsigned long kscan_rx_bpf_obj_size;

const char *const afxdp_rung_names[__AFXDP_RUNG_MAX] = {
	[AFXDP_RUNG_NATIVE_ZC] = "native zero-copy",
	[AFXDP_RUNG_NATIVE_COPY] = "native copy",
	[AFXDP_RUNG_SKB] = "SKB copy",
};

/* ---- the XDP program --------------------------------------------------- */

struct bpf_object *kscan_rx_bpf_open(uint16_t sport_first, uint16_t sport_last,
				     const uint8_t key[16], uint32_t probes,
				     unsigned int nqueues)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "kscan_rx");
	struct kscan_rx_bpf_config cfg = {
		.probes = probes,
		.sport_first = sport_first,
		.sport_last = sport_last,
	};
	struct kscan_key k;
	struct bpf_object *obj;
	struct bpf_map *map;
	size_t size;
	int err;

	if (sport_first > sport_last || !key || !probes || !nqueues ||
	    nqueues > KSCAN_RX_MAX_QUEUES) {
		errno = EINVAL;
		return NULL;
	}
	/* The words of struct kscan_key, in the program's (host) order. */
	kscan_key_from_bytes(&k, key);
	cfg.k0 = k.k[0];
	cfg.k1 = k.k[1];
	kscan_rx_owner_self(&cfg);
	obj = bpf_object__open_mem(kscan_rx_bpf_obj, kscan_rx_bpf_obj_size,
				   &opts);
	if (!obj)
		return NULL; /* errno set by libbpf */

	err = -ENOENT;
	map = bpf_object__find_map_by_name(obj, ".rodata");
	if (!map)
		goto fail;
	err = -EPROTO; /* the object does not match kscan_rx.h */
	if (!bpf_map__initial_value(map, &size) || size != sizeof(cfg))
		goto fail;
	err = bpf_map__set_initial_value(map, &cfg, sizeof(cfg));
	if (err)
		goto fail;

	err = -ENOENT;
	map = bpf_object__find_map_by_name(obj, "xsks");
	if (!map)
		goto fail;
	err = bpf_map__set_max_entries(map, nqueues);
	if (err)
		goto fail;
	return obj;

fail:
	bpf_object__close(obj);
	errno = -err;
	return NULL;
}

/*
 * libbpf and libxdp explain failures in their log; keep the last warning
 * for our error sentence, and show the log only with --verbose.
 */
static char afxdp_lastlog[256];
static bool afxdp_verbose;

static libbpf_print_fn_t afxdp_old_bpf_print;
static libxdp_print_fn_t afxdp_old_xdp_print;

static void afxdp_log(const char *fmt, va_list ap)
{
	char line[sizeof(afxdp_lastlog)];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '.'))
		line[--n] = '\0';
	if (!n)
		return;
	memcpy(afxdp_lastlog, line, n + 1);
	if (afxdp_verbose)
		fprintf(stderr, "afxdp: %s\n", line);
}

/* Warnings only: libbpf's info level chats about every ELF section. */
static int afxdp_libbpf_print(enum libbpf_print_level level, const char *fmt,
			      va_list ap)
{
	if (level == LIBBPF_WARN)
		afxdp_log(fmt, ap);
	return 0;
}

static int afxdp_libxdp_print(enum libxdp_print_level level, const char *fmt,
			      va_list ap)
{
	if (level == LIBXDP_WARN)
		afxdp_log(fmt, ap);
	return 0;
}

/* Around every libbpf/libxdp call: their log is ours, then theirs again. */
static void afxdp_log_begin(bool verbose)
{
	afxdp_verbose = verbose;
	afxdp_lastlog[0] = '\0';
	afxdp_old_bpf_print = libbpf_set_print(afxdp_libbpf_print);
	afxdp_old_xdp_print = libxdp_set_print(afxdp_libxdp_print);
}

static void afxdp_log_end(void)
{
	libbpf_set_print(afxdp_old_bpf_print);
	libxdp_set_print(afxdp_old_xdp_print);
}

/* ---- setup ------------------------------------------------------------- */

/*
 * RX queues of @ifname: ethtool's channels (netns-correct), else the
 * queues/rx-* directories in sysfs, else 1.
 */
static unsigned int afxdp_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { 0 };
	unsigned int n = 0;
	char path[64 + IF_NAMESIZE];
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		ifr.ifr_data = (void *)&ch;
		if (!ioctl(fd, SIOCETHTOOL, &ifr))
			n = ch.rx_count + ch.combined_count;
		close(fd);
	}
	if (!n) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/queues",
			 ifname);
		dir = opendir(path);
		while (dir && (de = readdir(dir)))
			if (!strncmp(de->d_name, "rx-", 3))
				n++;
		if (dir)
			closedir(dir);
	}
	if (!n)
		n = 1;
	return n > KSCAN_RX_MAX_QUEUES ? KSCAN_RX_MAX_QUEUES : n;
}

static unsigned int afxdp_rx_frames(unsigned int nq)
{
	unsigned int want = AFXDP_RX_FRAMES_TOTAL / nq, n = AFXDP_RX_FRAMES_MIN;

	while (n * 2 <= want && n * 2 <= AFXDP_RX_FRAMES_MAX)
		n *= 2;
	return n;
}

/* The TX engine's frames per queue: AFXDP_TX_ENGINE_FRAMES, or the test's. */
static unsigned int afxdp_tx_engine_frames(void)
{
	const char *env = getenv(AFXDP_TX_FRAMES_ENV);
	unsigned long n = env ? strtoul(env, NULL, 10) : 0;

	if (n >= 32 && n <= 4096 && !(n & (n - 1)))
		return (unsigned int)n;
	return AFXDP_TX_ENGINE_FRAMES;
}

static uint32_t afxdp_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/*
 * The socket and UMEM of q[@idx], bound with @bind_flags (XDP_ZEROCOPY or
 * XDP_COPY). Its frames: RX (receiving queues), RST (queue 0), TX engine
 * (sending queues).
 */
static int afxdp_queue_open(struct afxdp *s, unsigned int idx,
			    uint16_t bind_flags, char *err, size_t errlen)
{
	struct afxdp_queue *q = &s->q[idx];
	unsigned int rx = q->receives ? s->rx_frames : 0;
	unsigned int rst = q->receives && !q->qid ? AFXDP_RST_FRAMES : 0;
	unsigned int txf = q->sends ? afxdp_tx_engine_frames() : 0;
	unsigned int frames = rx + rst + txf;
	struct xsk_umem_config ucfg = {
		/* a send-only socket fills nothing, but the ring must exist */
		.fill_size = rx ? rx : 64,
		.comp_size = afxdp_pow2(rst + txf ? rst + txf : 64),
		.frame_size = AFXDP_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config xcfg = {
		.rx_size = rx ? rx : 64,
		.tx_size = afxdp_pow2(rst ? rst : 64),
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = XDP_USE_NEED_WAKEUP | bind_flags,
	};
	struct xsk_socket_config tcfg = xcfg;
	unsigned int i, at;
	int ret;

	q->fd = -1;
	q->efd = -1;
	q->has_tx = rst + txf > 0;
	tcfg.tx_size = afxdp_pow2(txf ? txf : 64);
	q->area_len = (size_t)frames * AFXDP_FRAME_SIZE;
	q->area = mmap(NULL, q->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		ret = -errno;
		snprintf(err, errlen, "cannot map %zu bytes for queue %u: %s",
			 q->area_len, q->qid, strerror(-ret));
		return ret;
	}
	ret = xsk_umem__create(&q->umem, q->area, q->area_len, &q->fq, &q->cq,
			       &ucfg);
	if (ret) {
		q->umem = NULL;
		snprintf(err, errlen,
			 "cannot register an AF_XDP UMEM (queue %u): %s%s",
			 q->qid, strerror(-ret),
			 ret == -EAFNOSUPPORT ?
				 " (kernel without CONFIG_XDP_SOCKETS)" :
				 "");
		return ret;
	}
	/* The receiving socket (with the RST ring on queue 0), bound first. */
	if (rx) {
		ret = xsk_socket__create_shared(&q->xsk, s->ifname, q->qid,
						q->umem, &q->rx,
						rst ? &q->tx : NULL, &q->fq,
						&q->cq, &xcfg);
		if (ret) {
			q->xsk = NULL;
			goto bind_failed;
		}
		q->fd = xsk_socket__fd(q->xsk);
	}
	/* The TX engine's: alone, or a second one on the same UMEM. */
	if (txf) {
		ret = xsk_socket__create_shared(&q->txsk, s->ifname, q->qid,
						q->umem, NULL, &q->etx, &q->fq,
						&q->cq, &tcfg);
		if (ret) {
			q->txsk = NULL;
			goto bind_failed;
		}
		q->efd = xsk_socket__fd(q->txsk);
	}
	if (rx) {
		/* Every RX frame to the kernel. */
		if (xsk_ring_prod__reserve(&q->fq, rx, &at) != rx) {
			snprintf(err, errlen,
				 "AF_XDP fill ring of queue %u too small",
				 q->qid);
			return -ENOSPC;
		}
		for (i = 0; i < rx; i++)
			*xsk_ring_prod__fill_addr(&q->fq, at + i) =
				(uint64_t)i * AFXDP_FRAME_SIZE;
		xsk_ring_prod__submit(&q->fq, rx);
	}
	q->rst_base = (uint64_t)rx * AFXDP_FRAME_SIZE;
	if (rst) {
		for (i = 0; i < rst; i++)
			s->rst_free[i] = q->rst_base +
					 (uint64_t)i * AFXDP_FRAME_SIZE;
		s->rst_nfree = rst;
	}
	q->tx_base = (uint64_t)(rx + rst) * AFXDP_FRAME_SIZE;
	q->tx_frames = txf;
	if (txf) {
		q->tx_free = calloc(txf, sizeof(*q->tx_free));
		if (!q->tx_free) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		for (i = 0; i < txf; i++)
			q->tx_free[i] = q->tx_base +
					(uint64_t)i * AFXDP_FRAME_SIZE;
		q->tx_nfree = txf;
	}
	if (!q->receives)
		return 0;
	ret = xsk_socket__update_xskmap(
		q->xsk,
		bpf_map__fd(bpf_object__find_map_by_name(s->obj, "xsks")));
	if (ret) {
		snprintf(
			err, errlen,
			"cannot enter the socket of queue %u in the XSKMAP: %s",
			q->qid, strerror(-ret));
		return ret;
	}
	s->pfd[idx].fd = q->fd;
	s->pfd[idx].events = POLLIN;
	return 0;

bind_failed:
	snprintf(err, errlen, "cannot bind an AF_XDP socket to %s queue %u: %s%s",
		 s->ifname, q->qid, strerror(-ret),
		 ret == -EBUSY ? " (another AF_XDP socket holds it)" :
		 ret == -EINVAL ? " (no such queue, or not in this mode)" :
				  "");
	return ret;
}

/* Delete the sockets and UMEMs (a failed rung's, or at the end). */
static void afxdp_queues_close(struct afxdp *s)
{
	struct afxdp_queue *q;
	unsigned int i;

	for (i = 0; s->q && i < s->nr_queues; i++) {
		q = &s->q[i];
		if (q->txsk)
			xsk_socket__delete(q->txsk);
		if (q->xsk)
			xsk_socket__delete(q->xsk);
		if (q->umem)
			xsk_umem__delete(q->umem);
		if (q->area)
			munmap(q->area, q->area_len);
		free(q->tx_free);
		q->xsk = NULL;
		q->txsk = NULL;
		q->efd = -1;
		q->umem = NULL;
		q->area = NULL;
		q->tx_free = NULL;
		/*
		 * Fresh rings for the next rung: libxdp sets only some of a
		 * ring's cached indexes (the fill ring's cached_prod stays),
		 * so a reused struct would see the old rung's fill as full.
		 */
		memset(&q->fq, 0, sizeof(q->fq));
		memset(&q->cq, 0, sizeof(q->cq));
		memset(&q->rx, 0, sizeof(q->rx));
		memset(&q->tx, 0, sizeof(q->tx));
		memset(&q->etx, 0, sizeof(q->etx));
		q->tx_nfree = 0;
		q->fd = -1;
		if (i < s->nq)
			s->pfd[i].fd = -1;
	}
	s->rst_nfree = 0;
}

/*
 * All sockets of a rung. A queue is released by the kernel shortly after
 * its last socket closed (deferred work): a bind right after (the rung
 * before, a kscanctl that just ended) may see EBUSY for a moment, so
 * EBUSY is tried again for up to AFXDP_BUSY_RETRIES x 20 ms.
 */
#define AFXDP_BUSY_RETRIES 25

static int afxdp_queues_open(struct afxdp *s, uint16_t bind_flags, char *err,
			     size_t errlen)
{
	unsigned int i, tries = 0;
	int ret;

again:
	for (i = 0; i < s->nr_queues; i++) {
		ret = afxdp_queue_open(s, i, bind_flags, err, errlen);
		if (ret) {
			afxdp_queues_close(s);
			if (ret == -EBUSY && ++tries < AFXDP_BUSY_RETRIES) {
				usleep(20000);
				goto again;
			}
			return ret;
		}
	}
	return 0;
}

const char *afxdp_mode_name(const struct afxdp *s)
{
	if (s->receives)
		return afxdp_rung_names[s->rung];
	return s->rung == AFXDP_RUNG_NATIVE_ZC ? "zero-copy" : "copy";
}

/* Load the XDP program (fresh objects) and attach it in @mode. */
static int afxdp_prog_attach(struct afxdp *s, const struct kscan_rx_config *cfg,
			     enum xdp_attach_mode mode, char *err,
			     size_t errlen)
{
	long perr;
	int ret;

	s->obj = kscan_rx_bpf_open(cfg->sport_first, cfg->sport_last, cfg->key,
				   cfg->probes, s->nq);
	if (!s->obj) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot open the built-in XDP program: %s",
			 strerror(-ret));
		return ret;
	}
	s->prog = xdp_program__from_bpf_obj(s->obj, "xdp");
	perr = libxdp_get_error(s->prog);
	if (perr) {
		s->prog = NULL;
		ret = (int)perr;
		snprintf(err, errlen, "libxdp refused the XDP program: %s",
			 strerror(-ret));
		return ret;
	}
	afxdp_lastlog[0] = '\0';
	ret = xdp_program__attach(s->prog, s->ifindex, mode, 0);
	if (ret) {
		snprintf(err, errlen, "cannot attach the XDP program: %s%s%s",
			 strerror(-ret), afxdp_lastlog[0] ? ": " : "",
			 afxdp_lastlog);
		return ret;
	}
	s->mode = mode;
	s->stats_fd = bpf_map__fd(
		bpf_object__find_map_by_name(s->obj, "kscan_rx_stats"));
	return 0;
}

/*
 * Detach our program. Attached directly (no dispatcher: no bpffs, as under
 * `ip netns exec`), libbpf detaches exactly it (XDP_FLAGS_REPLACE with its
 * fd): libxdp 1.3.1's detach leaks a program fd on every call (its
 * multiprog lookup dups the fd and keeps the original; fixed upstream in
 * xdp-tools 48ad94b), which a process that sets up again and again would
 * pile up. Behind a dispatcher, libxdp's detach it is.
 */
static int afxdp_prog_detach(struct afxdp *s)
{
	__u32 flags = s->mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE :
						XDP_FLAGS_DRV_MODE;
	__u32 id = 0;

	if (!bpf_xdp_query_id(s->ifindex, (int)flags, &id) &&
	    id == xdp_program__id(s->prog)) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts,
			    .old_prog_fd = xdp_program__fd(s->prog));

		return bpf_xdp_detach(s->ifindex, flags | XDP_FLAGS_REPLACE,
				      &opts);
	}
	return xdp_program__detach(s->prog, s->ifindex, s->mode, 0);
}

/* Detach and close the program; quietly if it was never attached. */
static void afxdp_prog_close(struct afxdp *s)
{
	if (s->prog && s->mode != XDP_MODE_UNSPEC && afxdp_prog_detach(s))
		fprintf(stderr,
			"afxdp: %s: cannot detach the XDP program (%s); it passes every frame now, 'xdp-loader unload %s --all' removes it\n",
			s->ifname, afxdp_lastlog[0] ? afxdp_lastlog : "?",
			s->ifname);
	if (s->prog)
		xdp_program__close(s->prog);
	if (s->obj)
		bpf_object__close(s->obj); /* libxdp leaves ours to us */
	s->prog = NULL;
	s->obj = NULL;
	s->mode = XDP_MODE_UNSPEC;
	s->stats_fd = -1;
}

/* One rung of the ladder, built from nothing; torn down if it fails. */
static int afxdp_rung_open(struct afxdp *s, const struct kscan_rx_config *cfg,
			   enum afxdp_rung rung, char *err, size_t errlen)
{
	uint16_t bind = rung == AFXDP_RUNG_NATIVE_ZC ? XDP_ZEROCOPY : XDP_COPY;
	enum xdp_attach_mode mode = rung == AFXDP_RUNG_SKB ? XDP_MODE_SKB :
							    XDP_MODE_NATIVE;
	int ret;

	/* native copy keeps the native program of the zero-copy rung */
	if (s->receives && (!s->prog || s->mode != mode)) {
		afxdp_prog_close(s);
		ret = afxdp_prog_attach(s, cfg, mode, err, errlen);
		if (ret) {
			afxdp_prog_close(s);
			return ret;
		}
	}
	ret = afxdp_queues_open(s, bind, err, errlen);
	if (ret)
		return ret;
	s->rung = rung;
	return 0;
}

/*
 * The queues: RX queues 0..nq-1 (receiving, and sending when the TX
 * engine asks for them), then the TX engine's queues that do not receive.
 */
static int afxdp_layout(struct afxdp *s, const struct afxdp_tx_request *tx)
{
	unsigned int i, j, n = s->receives ? s->nq : 0;

	s->nr_queues = n;
	for (i = 0; tx && i < tx->nr_queues; i++)
		if (!s->receives || tx->queues[i] >= s->nq)
			s->nr_queues++;
	s->q = calloc(s->nr_queues ? s->nr_queues : 1, sizeof(*s->q));
	s->pfd = calloc(s->nq, sizeof(*s->pfd));
	s->tx_index = calloc(tx && tx->nr_queues ? tx->nr_queues : 1,
			     sizeof(*s->tx_index));
	if (!s->q || !s->pfd || !s->tx_index)
		return -ENOMEM;
	for (i = 0; i < s->nq; i++)
		s->pfd[i].fd = -1;
	for (i = 0; i < s->nr_queues; i++) {
		s->q[i].fd = -1;
		s->q[i].efd = -1;
		if (pthread_mutex_init(&s->q[i].tx_lock, NULL))
			return -ENOMEM;
		s->q[i].lock_init = true;
	}
	for (i = 0; i < n; i++) {
		s->q[i].qid = i;
		s->q[i].receives = true;
	}
	for (i = 0; tx && i < tx->nr_queues; i++) {
		if (s->receives && tx->queues[i] < s->nq) {
			j = tx->queues[i];
		} else {
			j = n++;
			s->q[j].qid = tx->queues[i];
		}
		s->q[j].sends = true;
		s->tx_index[i] = j;
	}
	s->nr_tx = tx ? tx->nr_queues : 0;
	return 0;
}

int afxdp_setup(const struct kscan_rx_config *cfg,
		const struct afxdp_tx_request *tx, struct afxdp **state,
		char *err, size_t errlen)
{
	char why[__AFXDP_RUNG_MAX][200], one[200];
	enum afxdp_rung rung, first, last;
	struct afxdp *s;
	size_t used = 0;
	int ret;

	*state = NULL;
	ret = kscan_rx_check_config(cfg, "AF_XDP", err, errlen);
	if (ret < 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->stats_fd = -1;
	s->mode = XDP_MODE_UNSPEC;
	s->verbose = cfg->verbose;
	s->receives = !tx || tx->receive;
	snprintf(s->ifname, sizeof(s->ifname), "%s", cfg->ifname);
	s->ifindex = ret;
	s->nq = s->receives ? afxdp_rx_queues(s->ifname) : 0;
	s->rx_frames = s->nq ? afxdp_rx_frames(s->nq) : 0;

	afxdp_log_begin(cfg->verbose);
	ret = afxdp_layout(s, tx);
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus > 0)
		s->percpu = calloc(s->ncpus, sizeof(*s->percpu));
	if (ret || !s->percpu) {
		ret = s->ncpus < 0 ? s->ncpus : -ENOMEM;
		snprintf(err, errlen, "cannot set up AF_XDP: %s",
			 strerror(-ret));
		goto fail;
	}
	/* A send-only setup has no program: no SKB rung of its own. */
	first = AFXDP_RUNG_NATIVE_ZC;
	last = s->receives ? AFXDP_RUNG_SKB : AFXDP_RUNG_NATIVE_COPY;
	if (tx && tx->one_rung)
		first = last = tx->rung;
	for (rung = first; rung <= last; rung++) {
		ret = afxdp_rung_open(s, cfg, rung, one, sizeof(one));
		if (!ret)
			break;
		snprintf(why[rung], sizeof(why[rung]), "%s", one);
		if (s->verbose)
			fprintf(stderr, "afxdp: %s: %s refused: %s\n",
				s->ifname, afxdp_rung_names[rung], one);
	}
	if (ret) {
		afxdp_prog_close(s);
		for (rung = first; rung <= last && used < errlen; rung++)
			used += (size_t)snprintf(
				err + used, used < errlen ? errlen - used : 0,
				"%s%s: %s", rung != first ? "; " : "",
				s->receives ? afxdp_rung_names[rung] :
				rung == AFXDP_RUNG_NATIVE_ZC ? "zero-copy" :
							      "copy",
				why[rung]);
		goto fail;
	}
	afxdp_log_end();
	if (s->verbose)
		fprintf(stderr,
			"afxdp: %s: %s, %u RX queue%s (%u frames each), %u sending\n",
			s->ifname, afxdp_mode_name(s), s->nq,
			s->nq == 1 ? "" : "s", s->rx_frames, s->nr_tx);
	*state = s;
	return 0;

fail:
	afxdp_log_end();
	afxdp_teardown(s);
	return ret < 0 ? ret : -EINVAL;
}

/* ---- programs left by a killed kscanctl -------------------------------- */

/* /proc/PID/stat's starttime (field 22), or 0 if PID does not exist. */
static uint64_t afxdp_proc_start(uint32_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	size_t n;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and ')': skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &start);
	return start;
}

static uint64_t afxdp_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) ? 0 : (uint64_t)st.st_ino;
}

void kscan_rx_owner_self(struct kscan_rx_bpf_config *cfg)
{
	cfg->owner_pid = (uint32_t)getpid();
	cfg->owner_start = afxdp_proc_start(cfg->owner_pid);
	cfg->owner_pidns = afxdp_pidns();
}

int kscan_rx_owner_gone(const struct kscan_rx_bpf_config *cfg)
{
	uint64_t start;

	if (!cfg->owner_pid || !cfg->owner_pidns ||
	    cfg->owner_pidns != afxdp_pidns())
		return -1;
	start = afxdp_proc_start(cfg->owner_pid);
	/* No such process, or another one that reuses the pid. */
	return !start || start != cfg->owner_start;
}

/* The read-only data (struct kscan_rx_bpf_config) of a loaded program. */
static int afxdp_prog_config(int prog_fd, struct kscan_rx_bpf_config *cfg)
{
	struct bpf_prog_info info;
	__u32 map_ids[8], len, i, key = 0;
	int ret = -ENOENT;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	info.map_ids = (__u64)(unsigned long)map_ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	for (i = 0; i < info.nr_map_ids && i < 8 && ret; i++) {
		struct bpf_map_info minfo;
		size_t nlen;
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		len = sizeof(minfo);
		nlen = 0;
		if (!bpf_obj_get_info_by_fd(fd, &minfo, &len))
			nlen = strlen(minfo.name);
		/* libbpf names it "<object>.rodata", cut to 15 bytes */
		if (nlen >= 7 && !strcmp(minfo.name + nlen - 7, ".rodata") &&
		    minfo.value_size == sizeof(*cfg) &&
		    !bpf_map_lookup_elem(fd, &key, cfg))
			ret = 0;
		close(fd);
	}
	return ret;
}

/*
 * Detach the kscan programs on @ifindex whose kscanctl is gone: killed
 * (SIGKILL, OOM), it never ran afxdp_close(). Programs of live kscanctl
 * processes (another scan on the device) and of other pid namespaces are
 * left alone. Returns how many were removed.
 */
static int afxdp_remove_stale(int ifindex, const char *ifname)
{
	struct xdp_program *prog, *stale[16];
	struct kscan_rx_bpf_config cfg;
	struct xdp_multiprog *mp;
	enum xdp_attach_mode mode;
	int n = 0, removed = 0, i;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return 0;	/* nothing attached */
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp))
		prog = xdp_multiprog__main_prog(mp);
	else
		prog = xdp_multiprog__next_prog(NULL, mp);
	while (prog && n < 16) {
		if (!strcmp(xdp_program__name(prog), KSCAN_RX_PROG_NAME) &&
		    !afxdp_prog_config(xdp_program__fd(prog), &cfg) &&
		    kscan_rx_owner_gone(&cfg) == 1) {
			fprintf(stderr,
				"kscanctl: %s: removing the XDP program (id %u) of kscanctl pid %u, which is gone\n",
				ifname, xdp_program__id(prog), cfg.owner_pid);
			stale[n++] = prog;
		}
		prog = xdp_multiprog__is_legacy(mp) ?
			       NULL :
			       xdp_multiprog__next_prog(prog, mp);
	}
	for (i = 0; i < n; i++) {
		int ret = xdp_program__detach(stale[i], ifindex, mode, 0);

		if (ret)
			fprintf(stderr,
				"kscanctl: %s: cannot remove XDP program %u: %s ('xdp-loader unload %s --all' does)\n",
				ifname, xdp_program__id(stale[i]),
				strerror(-ret), ifname);
		else
			removed++;
	}
	xdp_multiprog__close(mp);
	return removed;
}

int kscan_rx_remove_stale(const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname);
	int ret;

	if (!ifindex)
		return 0;
	afxdp_log_begin(false);
	ret = afxdp_remove_stale(ifindex, ifname);
	afxdp_log_end();
	return ret;
}

static int afxdp_open(const struct kscan_rx_config *cfg, void **state,
		      char *err, size_t errlen)
{
	return afxdp_setup(cfg, NULL, (struct afxdp **)state, err, errlen);
}

/* ---- receive and send -------------------------------------------------- */

void afxdp_reclaim_locked(struct afxdp *s, struct afxdp_queue *q)
{
	unsigned int n, i, tx = 0;
	uint64_t addr;
	uint32_t idx;

	if (!q->has_tx)
		return;
	n = xsk_ring_cons__peek(&q->cq, q->cq.size, &idx);
	for (i = 0; i < n; i++) {
		addr = *xsk_ring_cons__comp_addr(&q->cq, idx + i);
		if (q->tx_frames && addr >= q->tx_base) {
			if (q->tx_nfree < q->tx_frames)
				q->tx_free[q->tx_nfree++] = addr;
			tx++;
		} else if (s->rst_nfree < AFXDP_RST_FRAMES) {
			s->rst_free[s->rst_nfree++] = addr;
		}
	}
	if (n)
		xsk_ring_cons__release(&q->cq, n);
	if (tx)
		atomic_fetch_add_explicit(&q->tx_completed, tx,
					  memory_order_relaxed);
}

/* Up to AFXDP_BATCH frames of one queue to @fn, their frames refilled. */
static unsigned int afxdp_drain_queue(struct afxdp *s, struct afxdp_queue *q,
				      kscan_rx_frame_fn fn, void *arg)
{
	const struct xdp_desc *d;
	uint32_t idx_rx, idx_fq;
	unsigned int n, i;

	n = xsk_ring_cons__peek(&q->rx, AFXDP_BATCH, &idx_rx);
	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		d = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);
		fn(arg, xsk_umem__get_data(q->area, d->addr), d->len);
	}
	/*
	 * The fill ring holds every RX frame, so there is always room for
	 * the @n we got back.
	 */
	if (xsk_ring_prod__reserve(&q->fq, n, &idx_fq) == n) {
		for (i = 0; i < n; i++) {
			d = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);
			*xsk_ring_prod__fill_addr(&q->fq, idx_fq + i) =
				d->addr & ~(uint64_t)(AFXDP_FRAME_SIZE - 1);
		}
		xsk_ring_prod__submit(&q->fq, n);
	}
	xsk_ring_cons__release(&q->rx, n);
	if (xsk_ring_prod__needs_wakeup(&q->fq))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	s->st.frames += n;
	return n;
}

static int afxdp_drain(struct afxdp *s, kscan_rx_frame_fn fn, void *arg)
{
	unsigned int i, qid, total = 0;

	/* Start one queue further each time: no queue starves the rest. */
	for (i = 0; i < s->nq; i++) {
		qid = (s->next + i) % s->nq;
		total += afxdp_drain_queue(s, &s->q[qid], fn, arg);
	}
	s->next = (s->next + 1) % s->nq;
	return (int)total;
}

static int afxdp_poll(void *state, int timeout_ms, kscan_rx_frame_fn fn,
		      void *arg)
{
	struct afxdp *s = state;
	int n;

	n = afxdp_drain(s, fn, arg);
	if (n)
		return n;
	n = poll(s->pfd, s->nq, timeout_ms);
	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	return afxdp_drain(s, fn, arg);
}

static int afxdp_send(void *state, const uint8_t *frame, size_t len)
{
	struct afxdp *s = state;
	struct afxdp_queue *q = &s->q[0];
	struct xdp_desc *d;
	uint64_t addr;
	uint32_t idx;

	if (len < 14 || len > AFXDP_FRAME_SIZE || !s->receives) {
		s->st.send_errors++;
		return -EINVAL;
	}
	/* the TX engine's thread may be sending on queue 0 too */
	pthread_mutex_lock(&q->tx_lock);
	afxdp_reclaim_locked(s, q);
	if (!s->rst_nfree || xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1) {
		/* Ring full: push what is queued, report back-pressure. */
		pthread_mutex_unlock(&q->tx_lock);
		sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		s->st.send_errors++;
		return -ENOBUFS;
	}
	addr = s->rst_free[--s->rst_nfree];
	memcpy(xsk_umem__get_data(q->area, addr), frame, len);
	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = len;
	xsk_ring_prod__submit(&q->tx, 1);
	pthread_mutex_unlock(&q->tx_lock);
	/* Copy mode transmits in sendto(); transient errors keep the frame
	 * queued for the next kick. The kernel serialises kicks. */
	if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS &&
	    errno != ENETDOWN) {
		s->st.send_errors++;
		return -errno;
	}
	s->st.sent++;
	return 0;
}

/* ---- statistics and teardown ------------------------------------------- */

static uint64_t afxdp_prog_stat(struct afxdp *s, uint32_t key)
{
	uint64_t sum = 0;
	int i;

	if (s->stats_fd < 0 ||
	    bpf_map_lookup_elem(s->stats_fd, &key, s->percpu))
		return 0;
	for (i = 0; i < s->ncpus; i++)
		sum += s->percpu[i];
	return sum;
}

static void afxdp_stats(void *state, struct kscan_rx_stats *stats)
{
	struct afxdp *s = state;
	struct xdp_statistics xs;
	socklen_t len;
	uint64_t drops = 0;
	unsigned int i;

	for (i = 0; i < s->nq; i++) {
		if (s->q[i].fd < 0)
			continue;
		memset(&xs, 0, sizeof(xs));
		len = sizeof(xs);
		/*
		 * Not rx_fill_ring_empty_descs: it counts the kernel finding
		 * the fill ring empty, which is the same loss rx_dropped
		 * already counts (and, in zero-copy, no loss at all).
		 */
		if (!getsockopt(s->q[i].fd, SOL_XDP, XDP_STATISTICS, &xs, &len))
			drops += xs.rx_dropped + xs.rx_ring_full +
				 xs.rx_invalid_descs;
	}
	drops += afxdp_prog_stat(s, KSCAN_RX_STAT_NO_SOCKET);
	s->st.kernel_drops = drops;
	s->st.mode = afxdp_mode_name(s);
	*stats = s->st;
}

void afxdp_teardown(struct afxdp *s)
{
	unsigned int i;

	if (!s)
		return;
	if (s->verbose && s->stats_fd >= 0)
		fprintf(stderr,
			"afxdp: %s: XDP program redirected %llu, passed %llu, passed with a wrong cookie %llu, no socket %llu\n",
			s->ifname,
			(unsigned long long)afxdp_prog_stat(
				s, KSCAN_RX_STAT_REDIRECTED),
			(unsigned long long)afxdp_prog_stat(
				s, KSCAN_RX_STAT_PASSED),
			(unsigned long long)afxdp_prog_stat(
				s, KSCAN_RX_STAT_COOKIE),
			(unsigned long long)afxdp_prog_stat(
				s, KSCAN_RX_STAT_NO_SOCKET));
	for (i = 0; s->verbose && s->q && i < s->nq; i++) {
		struct xdp_statistics xs;
		socklen_t len = sizeof(xs);

		memset(&xs, 0, sizeof(xs));
		if (s->q[i].fd >= 0 &&
		    !getsockopt(s->q[i].fd, SOL_XDP, XDP_STATISTICS, &xs, &len))
			fprintf(stderr,
				"afxdp: %s queue %u: rx_dropped %llu, rx_ring_full %llu, fill ring empty %llu, rx_invalid %llu, tx_invalid %llu\n",
				s->ifname, s->q[i].qid,
				(unsigned long long)xs.rx_dropped,
				(unsigned long long)xs.rx_ring_full,
				(unsigned long long)xs.rx_fill_ring_empty_descs,
				(unsigned long long)xs.rx_invalid_descs,
				(unsigned long long)xs.tx_invalid_descs);
	}
	/*
	 * Stop redirecting first, then take the sockets down. libxdp may
	 * build a new dispatcher for the programs that stay: quietly.
	 */
	afxdp_log_begin(s->verbose);
	afxdp_prog_close(s);
	afxdp_queues_close(s);
	afxdp_log_end();
	for (i = 0; s->q && i < s->nr_queues; i++)
		if (s->q[i].lock_init)
			pthread_mutex_destroy(&s->q[i].tx_lock);
	free(s->percpu);
	free(s->pfd);
	free(s->tx_index);
	free(s->q);
	free(s);
}

static void afxdp_close(void *state)
{
	afxdp_teardown(state);
}

const struct kscan_rx_ops kscan_rx_afxdp = {
	.name = "afxdp",
	.open = afxdp_open,
	.poll = afxdp_poll,
	.send = afxdp_send,
	.stats = afxdp_stats,
	.close = afxdp_close,
};
