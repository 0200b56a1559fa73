/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What happens to each frame an RX engine delivers: validate (validate.h),
 * de-duplicate (dedup.h), write the result (output.h) and, for a SYN-ACK,
 * answer with a RST through the engine (rst.h). kscan_receiver_frame() is
 * the engine's kscan_rx_frame_fn. Invalid frames and duplicates are only
 * counted, never reported.
 */
#ifndef KSCANCTL_RECEIVER_H
#define KSCANCTL_RECEIVER_H

#include <stdbool.h>

#include "dedup.h"
#include "rx.h"
#include "output.h"
#include "validate.h"

struct kscan_receiver_counters {
	u64 frames;			/* handed to us */
	u64 valid;			/* results written: open + closed */
	u64 open;
	u64 closed;
	u64 duplicates;			/* valid again for a seen target */
	u64 invalid;			/* sum of by_verdict[] invalid ones */
	u64 by_verdict[__KSCAN_V_MAX];
	u64 cooldown;			/* results during the cooldown */
	u64 rst_sent;
	u64 rst_errors;
	u64 dedup_errors;		/* no memory: reported anyway */
};

struct kscan_receiver {
	const struct kscan_validator *validator;
	struct kscan_dedup dedup;
	struct kscan_output *output;
	/* where RSTs go; NULL ops: none */
	const struct kscan_rx_ops *rst_ops;
	void *rst_state;
	bool cooldown;			/* set once the last probe is sent */
	struct kscan_receiver_counters c;
};

/* Returns 0, or -1 when the de-duplication tables cannot be allocated. */
int kscan_receiver_init(struct kscan_receiver *rx,
			const struct kscan_validator *validator,
			struct kscan_output *output);
void kscan_receiver_free(struct kscan_receiver *rx);

/* kscan_rx_frame_fn: @arg is the struct kscan_receiver. */
void kscan_receiver_frame(void *arg, const uint8_t *frame, size_t len);

#endif /* KSCANCTL_RECEIVER_H */
