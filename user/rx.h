/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive (RX) engines: how replies reach kscanctl (--rx; the TX engines
 * that --engine picks are in tx.h). One small table of
 * callbacks per engine (user/rx_*.c), in the manner of ZMap's probe
 * modules. An engine delivers whole Ethernet frames, already narrowed by
 * its kernel-side filter (XDP program or classic BPF) to TCP segments to
 * our source-port range carrying SYN+ACK or RST (the XDP program also
 * checks their cookie, so that the host's own connections from ports in
 * the range keep their replies); everything else stays with the host's
 * stack. Validation is still kscanctl's job (validate.c).
 *
 * Lifecycle: open -> (poll | send)* -> stats -> close. open() is called
 * before the scan starts, so that no early reply is missed.
 */
#ifndef KSCANCTL_RX_H
#define KSCANCTL_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kscan_rx_config {
	const char *ifname;
	int ifindex;
	uint16_t sport_first;	/* replies come to [sport_first, sport_last] */
	uint16_t sport_last;
	/*
	 * The scan's cookie (include/kscan/cookie.h): its 16-byte key and
	 * the probes per target (-P, at least 1). AF_XDP's program takes
	 * only replies whose cookie they validate; AF_PACKET ignores both.
	 */
	uint8_t key[16];
	uint32_t probes;
	bool verbose;
};

/* Counters of the engine and of its kernel side. */
struct kscan_rx_stats {
	uint64_t frames;	/* delivered to the callback */
	uint64_t kernel_drops;	/* lost before userspace: XDP ring full,
				 * PACKET_STATISTICS tp_drops, ... */
	uint64_t sent;		/* frames sent with send() (RSTs) */
	uint64_t send_errors;
	const char *mode;	/* how it binds: "native copy", ...; or NULL */
};

/* Called for each received frame; @frame is valid during the call only. */
typedef void (*kscan_rx_frame_fn)(void *arg, const uint8_t *frame,
				  size_t len);

struct kscan_rx_ops {
	const char *name;	/* as given to --rx */
	/*
	 * Set up reception on cfg->ifname (every RX queue). Returns 0, or a
	 * negative errno with a sentence in @err that says why (the caller
	 * may fall back to another engine and print it).
	 */
	int (*open)(const struct kscan_rx_config *cfg, void **state, char *err,
		    size_t errlen);
	/*
	 * Wait up to @timeout_ms for frames and hand each to @fn. Returns
	 * the number delivered (0 on timeout) or a negative errno; -EINTR
	 * when a signal interrupted the wait.
	 */
	int (*poll)(void *state, int timeout_ms, kscan_rx_frame_fn fn,
		    void *arg);
	/* Transmit one frame on the same device (kscanctl's RSTs). */
	int (*send)(void *state, const uint8_t *frame, size_t len);
	void (*stats)(void *state, struct kscan_rx_stats *stats);
	void (*close)(void *state);
};

/*
 * For engines' open(): check @cfg and find its interface. Returns the
 * ifindex, or a negative errno with a sentence in @err naming @engine.
 */
int kscan_rx_check_config(const struct kscan_rx_config *cfg,
			  const char *engine, char *err, size_t errlen);

/*
 * Remove the XDP programs that killed kscanctl processes left on @ifname
 * (XDP attachments outlive their process); those of live ones stay.
 * Called before any engine opens. Returns how many were removed.
 */
int kscan_rx_remove_stale(const char *ifname);

struct kscan_start_config;
/* The RX configuration of a scan: its interface, ports, key, probes. */
void kscan_rx_config_init(struct kscan_rx_config *rxc,
			  const struct kscan_start_config *cfg,
			  const uint8_t key[16], int ifindex);

extern const struct kscan_rx_ops kscan_rx_afxdp;
extern const struct kscan_rx_ops kscan_rx_afpacket;

#endif /* KSCANCTL_RX_H */
