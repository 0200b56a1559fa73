// SPDX-License-Identifier: GPL-2.0
/*
 * The paged bitmap of seen (address, port) pairs (see dedup.h).
 */
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

static u64 kscan_div_up(u64 a, u64 b)
{
	return a / b + (a % b != 0);
}

u64 kscan_dedup_bound(u64 nr_bits)
{
	u64 pages = kscan_div_up(nr_bits, KSCAN_DEDUP_PAGE_BITS);
	u64 dirs = kscan_div_up(pages, KSCAN_DEDUP_DIR_PAGES);

	return pages * KSCAN_DEDUP_PAGE_BYTES +
	       dirs * (KSCAN_DEDUP_DIR_PAGES * sizeof(u8 *) + sizeof(u8 **));
}

int kscan_dedup_init(struct kscan_dedup *d, u64 nr_bits)
{
	u64 pages = kscan_div_up(nr_bits, KSCAN_DEDUP_PAGE_BITS);

	memset(d, 0, sizeof(*d));
	d->nr_bits = nr_bits;
	d->nr_dirs = kscan_div_up(pages, KSCAN_DEDUP_DIR_PAGES);
	if (!d->nr_dirs)
		return 0;
	d->dirs = calloc(d->nr_dirs, sizeof(*d->dirs));
	if (!d->dirs)
		return -1;
	d->bytes = d->nr_dirs * sizeof(*d->dirs);
	return 0;
}

void kscan_dedup_free(struct kscan_dedup *d)
{
	u64 i, j;

	for (i = 0; i < d->nr_dirs; i++) {
		if (!d->dirs[i])
			continue;
		for (j = 0; j < KSCAN_DEDUP_DIR_PAGES; j++)
			free(d->dirs[i][j]);
		free(d->dirs[i]);
	}
	free(d->dirs);
	memset(d, 0, sizeof(*d));
}

int kscan_dedup_add(struct kscan_dedup *d, u64 bit)
{
	u64 page = bit / KSCAN_DEDUP_PAGE_BITS, off = bit % KSCAN_DEDUP_PAGE_BITS;
	u8 **dir, *p, mask = (u8)(1u << (off % 8));

	if (bit >= d->nr_bits)
		return -1;
	dir = d->dirs[page / KSCAN_DEDUP_DIR_PAGES];
	if (!dir) {
		dir = calloc(KSCAN_DEDUP_DIR_PAGES, sizeof(*dir));
		if (!dir)
			return -1;
		d->dirs[page / KSCAN_DEDUP_DIR_PAGES] = dir;
		d->bytes += KSCAN_DEDUP_DIR_PAGES * sizeof(*dir);
	}
	p = dir[page % KSCAN_DEDUP_DIR_PAGES];
	if (!p) {
		p = calloc(1, KSCAN_DEDUP_PAGE_BYTES);
		if (!p)
			return -1;
		dir[page % KSCAN_DEDUP_DIR_PAGES] = p;
		d->pages++;
		d->bytes += KSCAN_DEDUP_PAGE_BYTES;
	}
	if (p[off / 8] & mask)
		return 0;
	p[off / 8] |= mask;
	return 1;
}
