/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exact de-duplication of results per (address, port): one bit per target
 * of the scan, bit = ip_index * nr_ports + port_index (the indices of the
 * target space, validate.h). The bitmap is paged: a 4 KiB page (32768
 * targets) is allocated when its first reply arrives, so memory follows
 * the replies, never more than the whole space:
 *
 *   bitmap   <= ceil(nr_ips * nr_ports / 32768) * 4096 bytes
 *               (nr_ips * nr_ports / 8, plus less than one page)
 *   tables   8 bytes per page in directory blocks of 4096 pages
 *            (32 KiB each, allocated on first use) + 8 bytes per block
 *
 * e.g. the whole IPv4 space on one port: at most 512 MiB of bitmap, 1 MiB
 * of tables; 2^16 addresses x 16 ports: 128 KiB at most.
 */
#ifndef KSCANCTL_DEDUP_H
#define KSCANCTL_DEDUP_H

#include <stdbool.h>

#include "kscan/types.h"

#define KSCAN_DEDUP_PAGE_BYTES 4096
#define KSCAN_DEDUP_PAGE_BITS (KSCAN_DEDUP_PAGE_BYTES * 8)
#define KSCAN_DEDUP_DIR_PAGES 4096

struct kscan_dedup {
	u64 nr_bits;		/* nr_ips * nr_ports */
	u64 nr_dirs;
	u8 ***dirs;		/* dirs[d][p]: page d * DIR_PAGES + p */
	u64 pages;		/* allocated bitmap pages */
	u64 bytes;		/* everything allocated */
};

/* Returns 0, or -1 when the tables cannot be allocated. */
int kscan_dedup_init(struct kscan_dedup *d, u64 nr_bits);
void kscan_dedup_free(struct kscan_dedup *d);

/*
 * Mark target @bit seen. Returns 1 the first time, 0 for a duplicate, -1
 * when @bit is out of range or a page cannot be allocated.
 */
int kscan_dedup_add(struct kscan_dedup *d, u64 bit);

/* The most kscan_dedup_init(@nr_bits) and every add can allocate. */
u64 kscan_dedup_bound(u64 nr_bits);

#endif /* KSCANCTL_DEDUP_H */
