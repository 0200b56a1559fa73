/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RST kscanctl sends for each valid SYN-ACK, so that the target drops
 * its half-open connection at once instead of retransmitting the SYN-ACK
 * (which would only show up here as duplicates). It mirrors the reply:
 * MACs swapped, the reply's VLAN tag kept, our address and port as source,
 * seq = the reply's ack; TTL 64, DF, window 0, checksums by csum.h.
 */
#ifndef KSCANCTL_RST_H
#define KSCANCTL_RST_H

#include <stddef.h>

#include "validate.h"

#define KSCAN_RST_FRAME_MAX (14 + 4 + 20 + 20)

/* Write the RST answering @r into @frame; returns its length. */
size_t kscan_rst_build(const struct kscan_reply *r,
		       u8 frame[KSCAN_RST_FRAME_MAX]);

#endif /* KSCANCTL_RST_H */
