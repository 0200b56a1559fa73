/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AF_XDP engine's state, shared by its two halves: receiving (--rx
 * afxdp, rx_afxdp.c, which also sets everything up) and sending
 * (--engine=afxdp, tx_afxdp.c). A device queue has one AF_XDP socket and
 * one UMEM; the socket of a queue that both receives and sends has both
 * rings, so that the halves never compete for a queue (a second socket on
 * a queue is refused with EBUSY).
 *
 * A UMEM's frames, in order: RX frames (fill ring -> kernel -> RX ring ->
 * callback -> fill ring), on queue 0 the RST frames of send(), then the
 * TX engine's frames (template written once, fields patched per probe,
 * recycled from the completion ring). Nothing is allocated per frame.
 *
 * The bind ladder: each rung is tried with objects of its own, torn down
 * completely when it fails, so a failed rung leaves nothing half-made for
 * the next one to trip over:
 *   native zero-copy  XDP program in native mode, sockets XDP_ZEROCOPY
 *   native copy       the same program, new sockets with XDP_COPY
 *   SKB copy          a new program in SKB (generic) mode, XDP_COPY
 * A send-only setup (--engine=afxdp with another --rx) has no program:
 * zero-copy, then copy.
 */
#ifndef KSCANCTL_AFXDP_H
#define KSCANCTL_AFXDP_H

#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "rx.h"

#define AFXDP_FRAME_SIZE 2048u /* one Ethernet frame, no jumbo */
#define AFXDP_RX_FRAMES_TOTAL 4096u /* spread over the queues ... */
#define AFXDP_RX_FRAMES_MIN 256u /* ... but at least this per queue */
#define AFXDP_RX_FRAMES_MAX 2048u
#define AFXDP_RST_FRAMES 256u /* send(), on queue 0 */
#define AFXDP_TX_ENGINE_FRAMES 2048u /* per TX queue of the TX engine */
/*
 * Tests set fewer (a power of two, 32 to 4096) to run the TX engine out of
 * frames: in copy mode the kernel sends synchronously, so 2048 never run
 * out on a veth and the holding back is never seen.
 */
#define AFXDP_TX_FRAMES_ENV "KSCAN_AFXDP_TX_FRAMES"
#define AFXDP_BATCH 64u

enum afxdp_rung {
	AFXDP_RUNG_NATIVE_ZC,
	AFXDP_RUNG_NATIVE_COPY,
	AFXDP_RUNG_SKB,
	__AFXDP_RUNG_MAX
};

extern const char *const afxdp_rung_names[__AFXDP_RUNG_MAX];

struct afxdp_queue {
	uint32_t qid; /* the device queue */
	bool receives; /* RX ring, in the XSKMAP */
	bool sends; /* TX engine frames */
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	void *area;
	size_t area_len;
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx; /* RSTs (queue 0 of the RX half) */
	bool has_tx;
	int fd;
	/*
	 * The TX engine's socket on this queue and its TX ring. On a queue
	 * that also receives, a second socket on the same UMEM
	 * (XDP_SHARED_UMEM: fill and completion rings shared): the kernel
	 * serialises a socket's transmissions under a mutex that poll()
	 * takes too in copy mode, so one socket for both would have the
	 * receiving thread wait on every burst the sender sends.
	 */
	struct xsk_socket *txsk;
	struct xsk_ring_prod etx;
	int efd;
	/*
	 * The TX ring and completion ring of a queue may be used by the TX
	 * engine's thread and by send() (RSTs, queue 0): under tx_lock.
	 */
	pthread_mutex_t tx_lock;
	bool lock_init;
	uint64_t rst_base; /* first RST frame, queue 0 */
	uint64_t tx_base; /* first TX engine frame */
	uint32_t tx_frames;
	uint64_t *tx_free; /* free TX engine frames */
	uint32_t tx_nfree;
	_Atomic uint64_t tx_completed; /* TX engine frames completed */
};

struct afxdp {
	struct bpf_object *obj;
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	enum afxdp_rung rung; /* the rung that was taken */
	int ifindex;
	char ifname[IF_NAMESIZE];
	bool receives; /* the XDP program and RX rings */
	unsigned int nq; /* RX queues: q[0..nq) receive */
	unsigned int nr_queues; /* all of q[]: RX, then send-only */
	unsigned int rx_frames; /* per queue; ring sizes too */
	struct afxdp_queue *q;
	unsigned int *tx_index; /* TX engine queue i -> index into q[] */
	unsigned int nr_tx;
	struct pollfd *pfd;
	int stats_fd;
	int ncpus;
	uint64_t *percpu; /* ncpus values, for reading stats */
	uint64_t rst_free[AFXDP_RST_FRAMES]; /* free RST frame addresses */
	unsigned int rst_nfree;
	unsigned int next; /* queue to drain first */
	bool verbose;
	struct kscan_rx_stats st;
};

/* What the TX engine asks of the setup. */
struct afxdp_tx_request {
	const uint16_t *queues; /* one sending socket each */
	uint32_t nr_queues;
	bool receive; /* also the RX half (--rx afxdp) */
	bool one_rung; /* only @rung, no ladder (kscanctl doctor) */
	enum afxdp_rung rung;
};

/*
 * Set up AF_XDP on cfg->ifname: receiving on every RX queue (as --rx afxdp
 * does) unless @tx says otherwise, and sending on @tx's queues (NULL: no
 * TX engine). Climbs the bind ladder; returns 0, or a negative errno with
 * every rung's failure in @err.
 */
int afxdp_setup(const struct kscan_rx_config *cfg,
		const struct afxdp_tx_request *tx, struct afxdp **state,
		char *err, size_t errlen);
void afxdp_teardown(struct afxdp *s);

/* The rung taken: "native copy", ..., "copy" for a send-only setup. */
const char *afxdp_mode_name(const struct afxdp *s);

/* Completed TX frames of @q back to their free lists; under q->tx_lock. */
void afxdp_reclaim_locked(struct afxdp *s, struct afxdp_queue *q);

#endif /* KSCANCTL_AFXDP_H */
