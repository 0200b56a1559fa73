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
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "engine.h"
#include "bpf/kscan_rx.h"
#include "kscan/cookie.h"

/* The XDP program's object (user/bpf/kscan_rx_obj.S). */
extern const unsigned char kscan_rx_bpf_obj[];
extern const unsigned long kscan_rx_bpf_obj_size;

#define AFXDP_FRAME_SIZE 2048u /* one Ethernet frame, no jumbo */
#define AFXDP_RX_FRAMES_TOTAL 4096u /* spread over the queues ... */
#define AFXDP_RX_FRAMES_MIN 256u /* ... but at least this per queue */
#define AFXDP_RX_FRAMES_MAX 2048u
#define AFXDP_TX_FRAMES 256u /* queue 0 only */
#define AFXDP_BATCH 64u

struct afxdp_queue {
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	void *area;
	size_t area_len;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx; /* queue 0 only */
	int fd;
};

struct afxdp {
	struct bpf_object *obj;
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	int ifindex;
	char ifname[IF_NAMESIZE];
	unsigned int nq;
	unsigned int rx_frames; /* per queue; ring sizes too */
	struct afxdp_queue *q;
	struct pollfd *pfd;
	int stats_fd;
	int ncpus;
	uint64_t *percpu; /* ncpus values, for reading stats */
	uint64_t tx_free[AFXDP_TX_FRAMES]; /* free TX frame addresses */
	unsigned int tx_nfree;
	unsigned int next; /* queue to drain first */
	bool verbose;
	struct kscan_rx_stats st;
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

static int afxdp_queue_open(struct afxdp *s, unsigned int qid, char *err,
			    size_t errlen)
{
	struct afxdp_queue *q = &s->q[qid];
	unsigned int frames = s->rx_frames + (qid ? 0 : AFXDP_TX_FRAMES);
	struct xsk_umem_config ucfg = {
		.fill_size = s->rx_frames,
		.comp_size = AFXDP_TX_FRAMES,
		.frame_size = AFXDP_FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config xcfg = {
		.rx_size = s->rx_frames,
		.tx_size = AFXDP_TX_FRAMES,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		/* SKB mode can only copy; native lets the kernel choose. */
		.bind_flags = XDP_USE_NEED_WAKEUP |
			      (s->mode == XDP_MODE_SKB ? XDP_COPY : 0),
	};
	unsigned int i, idx;
	int ret;

	q->fd = -1;
	q->area_len = (size_t)frames * AFXDP_FRAME_SIZE;
	q->area = mmap(NULL, q->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		ret = -errno;
		snprintf(err, errlen, "cannot map %zu bytes for queue %u: %s",
			 q->area_len, qid, strerror(-ret));
		return ret;
	}
	ret = xsk_umem__create(&q->umem, q->area, q->area_len, &q->fq, &q->cq,
			       &ucfg);
	if (ret) {
		q->umem = NULL;
		snprintf(err, errlen,
			 "cannot register an AF_XDP UMEM (queue %u): %s%s", qid,
			 strerror(-ret),
			 ret == -EAFNOSUPPORT ?
				 " (kernel without CONFIG_XDP_SOCKETS)" :
				 "");
		return ret;
	}
	ret = xsk_socket__create(&q->xsk, s->ifname, qid, q->umem, &q->rx,
				 qid ? NULL : &q->tx, &xcfg);
	if (ret) {
		q->xsk = NULL;
		snprintf(err, errlen,
			 "cannot bind an AF_XDP socket to %s queue %u: %s",
			 s->ifname, qid, strerror(-ret));
		return ret;
	}
	q->fd = xsk_socket__fd(q->xsk);

	/* Every RX frame to the kernel. */
	if (xsk_ring_prod__reserve(&q->fq, s->rx_frames, &idx) !=
	    s->rx_frames) {
		snprintf(err, errlen, "AF_XDP fill ring of queue %u too small",
			 qid);
		return -ENOSPC;
	}
	for (i = 0; i < s->rx_frames; i++)
		*xsk_ring_prod__fill_addr(&q->fq, idx + i) =
			(uint64_t)i * AFXDP_FRAME_SIZE;
	xsk_ring_prod__submit(&q->fq, s->rx_frames);

	if (!qid) {
		for (i = 0; i < AFXDP_TX_FRAMES; i++)
			s->tx_free[i] =
				(uint64_t)(s->rx_frames + i) * AFXDP_FRAME_SIZE;
		s->tx_nfree = AFXDP_TX_FRAMES;
	}

	ret = xsk_socket__update_xskmap(
		q->xsk,
		bpf_map__fd(bpf_object__find_map_by_name(s->obj, "xsks")));
	if (ret) {
		snprintf(
			err, errlen,
			"cannot enter the socket of queue %u in the XSKMAP: %s",
			qid, strerror(-ret));
		return ret;
	}
	s->pfd[qid].fd = q->fd;
	s->pfd[qid].events = POLLIN;
	return 0;
}

static void afxdp_close(void *state);

static int afxdp_attach(struct afxdp *s, char *err, size_t errlen)
{
	char native[160], skb[160];
	int ret;

	afxdp_lastlog[0] = '\0';
	ret = xdp_program__attach(s->prog, s->ifindex, XDP_MODE_NATIVE, 0);
	if (!ret) {
		s->mode = XDP_MODE_NATIVE;
		return 0;
	}
	snprintf(native, sizeof(native), "%s%s%s", strerror(-ret),
		 afxdp_lastlog[0] ? ": " : "", afxdp_lastlog);

	afxdp_lastlog[0] = '\0';
	ret = xdp_program__attach(s->prog, s->ifindex, XDP_MODE_SKB, 0);
	if (!ret) {
		s->mode = XDP_MODE_SKB;
		if (s->verbose)
			fprintf(stderr,
				"afxdp: native XDP refused on %s (%s); using SKB mode\n",
				s->ifname, native);
		return 0;
	}
	snprintf(skb, sizeof(skb), "%s%s%s", strerror(-ret),
		 afxdp_lastlog[0] ? ": " : "", afxdp_lastlog);
	snprintf(
		err, errlen,
		"cannot attach the XDP program to %s (native mode: %s; SKB mode: %s)",
		s->ifname, native, skb);
	return ret;
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
	struct afxdp *s;
	unsigned int i;
	long perr;
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
	s->verbose = cfg->verbose;
	snprintf(s->ifname, sizeof(s->ifname), "%s", cfg->ifname);
	s->ifindex = ret;
	s->nq = afxdp_rx_queues(s->ifname);
	s->rx_frames = afxdp_rx_frames(s->nq);

	afxdp_log_begin(cfg->verbose);

	s->q = calloc(s->nq, sizeof(*s->q));
	s->pfd = calloc(s->nq, sizeof(*s->pfd));
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus > 0)
		s->percpu = calloc(s->ncpus, sizeof(*s->percpu));
	if (!s->q || !s->pfd || !s->percpu) {
		ret = s->ncpus < 0 ? s->ncpus : -ENOMEM;
		snprintf(err, errlen, "cannot set up AF_XDP: %s",
			 strerror(-ret));
		goto fail;
	}
	for (i = 0; i < s->nq; i++)
		s->q[i].fd = -1;

	s->obj = kscan_rx_bpf_open(cfg->sport_first, cfg->sport_last, cfg->key,
				   cfg->probes, s->nq);
	if (!s->obj) {
		ret = -errno;
		snprintf(err, errlen,
			 "cannot open the built-in XDP program: %s",
			 strerror(-ret));
		goto fail;
	}
	s->prog = xdp_program__from_bpf_obj(s->obj, "xdp");
	perr = libxdp_get_error(s->prog);
	if (perr) {
		s->prog = NULL;
		ret = (int)perr;
		snprintf(err, errlen, "libxdp refused the XDP program: %s",
			 strerror(-ret));
		goto fail;
	}
	ret = afxdp_attach(s, err, errlen);
	if (ret) {
		s->mode = XDP_MODE_UNSPEC;
		goto fail;
	}
	s->stats_fd = bpf_map__fd(
		bpf_object__find_map_by_name(s->obj, "kscan_rx_stats"));

	for (i = 0; i < s->nq; i++) {
		ret = afxdp_queue_open(s, i, err, errlen);
		if (ret)
			goto fail;
	}
	afxdp_log_end();
	if (s->verbose)
		fprintf(stderr,
			"afxdp: %s: XDP program attached in %s mode, %u RX queue%s, %u frames each\n",
			s->ifname,
			s->mode == XDP_MODE_NATIVE ? "native" : "SKB", s->nq,
			s->nq == 1 ? "" : "s", s->rx_frames);
	*state = s;
	return 0;

fail:
	afxdp_log_end();
	afxdp_close(s);
	return ret < 0 ? ret : -EINVAL;
}

/* ---- receive and send -------------------------------------------------- */

/* Completed TX frames back to the free list. */
static void afxdp_reclaim(struct afxdp *s)
{
	struct afxdp_queue *q = &s->q[0];
	unsigned int n, i;
	uint32_t idx;

	n = xsk_ring_cons__peek(&q->cq, AFXDP_TX_FRAMES, &idx);
	for (i = 0; i < n && s->tx_nfree < AFXDP_TX_FRAMES; i++)
		s->tx_free[s->tx_nfree++] =
			*xsk_ring_cons__comp_addr(&q->cq, idx + i);
	if (n)
		xsk_ring_cons__release(&q->cq, n);
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

	afxdp_reclaim(s);
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

	if (len < 14 || len > AFXDP_FRAME_SIZE) {
		s->st.send_errors++;
		return -EINVAL;
	}
	afxdp_reclaim(s);
	if (!s->tx_nfree || xsk_ring_prod__reserve(&q->tx, 1, &idx) != 1) {
		/* Ring full: push what is queued, report back-pressure. */
		sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		s->st.send_errors++;
		return -ENOBUFS;
	}
	addr = s->tx_free[--s->tx_nfree];
	memcpy(xsk_umem__get_data(q->area, addr), frame, len);
	d = xsk_ring_prod__tx_desc(&q->tx, idx);
	d->addr = addr;
	d->len = len;
	xsk_ring_prod__submit(&q->tx, 1);
	/* Copy mode transmits in sendto(); transient errors keep the frame
	 * queued for the next kick. */
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
	*stats = s->st;
}

static void afxdp_close(void *state)
{
	struct afxdp *s = state;
	struct afxdp_queue *q;
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
	/*
	 * Stop redirecting first, then take the sockets down. libxdp may
	 * build a new dispatcher for the programs that stay: quietly.
	 */
	afxdp_log_begin(s->verbose);
	if (s->prog && s->mode != XDP_MODE_UNSPEC &&
	    xdp_program__detach(s->prog, s->ifindex, s->mode, 0))
		fprintf(stderr,
			"afxdp: %s: cannot detach the XDP program (%s); it passes every frame now, 'xdp-loader unload %s --all' removes it\n",
			s->ifname, afxdp_lastlog[0] ? afxdp_lastlog : "?",
			s->ifname);
	for (i = 0; s->q && i < s->nq; i++) {
		q = &s->q[i];
		if (q->xsk)
			xsk_socket__delete(q->xsk);
		if (q->umem)
			xsk_umem__delete(q->umem);
		if (q->area)
			munmap(q->area, q->area_len);
	}
	if (s->prog)
		xdp_program__close(s->prog);
	if (s->obj)
		bpf_object__close(s->obj); /* libxdp leaves ours to us */
	afxdp_log_end();
	free(s->percpu);
	free(s->pfd);
	free(s->q);
	free(s);
}

const struct kscan_rx_ops kscan_rx_afxdp = {
	.name = "afxdp",
	.open = afxdp_open,
	.poll = afxdp_poll,
	.send = afxdp_send,
	.stats = afxdp_stats,
	.close = afxdp_close,
};
