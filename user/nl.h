/* SPDX-License-Identifier: GPL-2.0 */
/* kscanctl's generic-netlink client for the "kscan" family (libnl-genl-3). */
#ifndef KSCANCTL_NL_H
#define KSCANCTL_NL_H

#include <stdint.h>

struct kscan_nl;

struct kscan_module_info {
	char module_version[64];
	uint32_t uapi_version;
	uint32_t caps;
	uint32_t max_scans;
	uint32_t max_intervals;
};

/*
 * Connect and resolve the family. Returns NULL with *err set to a negative
 * errno; -ENOENT means the family is not registered (module not loaded).
 */
struct kscan_nl *kscan_nl_open(int *err);
void kscan_nl_close(struct kscan_nl *nl);

/* The extack message of the last failed request, or "". */
const char *kscan_nl_extack(const struct kscan_nl *nl);

/* KSCAN_CMD_GET_INFO. Returns 0 or a negative errno. */
int kscan_nl_get_info(struct kscan_nl *nl, struct kscan_module_info *info);

#endif /* KSCANCTL_NL_H */
