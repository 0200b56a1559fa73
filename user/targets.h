/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The target compiler: IPv4 addresses, CIDR blocks and ranges from the
 * command line and from files, turned into the sorted, disjoint, inclusive
 * intervals of host-numeric addresses that KSCAN_A_TARGETS carries
 * (allowlist minus blocklist); port lists and source-port ranges.
 *
 * Every parser returns 0, or -1 with a message in a caller's buffer that
 * shows the rejected text and the accepted forms. Nothing here prints.
 */
#ifndef KSCANCTL_TARGETS_H
#define KSCANCTL_TARGETS_H

#include <stddef.h>

#include "kscan/target.h"

/* The accepted target forms, for error messages and --help. */
#define KSCAN_TARGET_FORMS                                              \
	"an IPv4 address (198.18.0.1), a CIDR block (198.18.0.0/15) or " \
	"a range (198.18.0.1-198.18.0.9)"
#define KSCAN_PORT_FORMS \
	"a list of ports 1-65535 and ranges, e.g. 80,443,8000-8010"

/* A growable set of inclusive intervals; sorted and disjoint once
 * normalised.
 */
struct kscan_ipset {
	struct kscan_interval *iv;
	size_t nr;
	size_t cap;
};

void kscan_ipset_free(struct kscan_ipset *set);
int kscan_ipset_add(struct kscan_ipset *set, u32 first, u32 last);
/* Sort, then merge overlapping and adjacent intervals. */
void kscan_ipset_normalize(struct kscan_ipset *set);
/* @out = @allow minus @block; both inputs normalised. Returns 0 or -1 (ENOMEM). */
int kscan_ipset_subtract(const struct kscan_ipset *allow,
			 const struct kscan_ipset *block,
			 struct kscan_ipset *out);
/* Number of addresses of a normalised set (up to 2^32). */
u64 kscan_ipset_count(const struct kscan_ipset *set);
/* Membership in a normalised set: binary search. */
int kscan_ipset_contains(const struct kscan_ipset *set, u32 addr);

/* Strict dotted quad: four decimal parts 0-255, no leading zeros. */
int kscan_parse_ipv4(const char *text, u32 *addr);
/* One target: address, CIDR (host bits must be zero) or range. */
int kscan_parse_target(const char *text, u32 *first, u32 *last, char *err,
		       size_t errlen);
/* Parse @text and add it to @set. */
int kscan_ipset_add_target(struct kscan_ipset *set, const char *text,
			   char *err, size_t errlen);
/*
 * Add every target of the file at @path: one per line, '#' starts a
 * comment, blank lines skipped. Errors read "path:line: ...".
 */
int kscan_ipset_load_file(struct kscan_ipset *set, const char *path,
			  char *err, size_t errlen);

/*
 * "80,443,8000-8010": ports 1-65535, sorted, duplicates removed.
 * *ports is malloc'ed: free() it.
 */
int kscan_parse_ports(const char *text, u16 **ports, u32 *nr_ports,
		      char *err, size_t errlen);

/* "A-B" or "A" (A <= B, 1-65535): a source-port range. */
int kscan_parse_port_range(const char *text, u16 *first, u16 *last,
			   char *err, size_t errlen);

/* "A" or "A-B" (A <= B): a source-address range. */
int kscan_parse_addr_range(const char *text, u32 *first, u32 *last,
			   char *err, size_t errlen);

/* The forms -S accepts, for error messages and --help. */
#define KSCAN_SADDR_FORMS                                                 \
	"an IPv4 address (198.18.0.1), a range (198.18.0.1-198.18.0.4) or " \
	"a list (198.18.0.1,198.18.0.7,198.18.0.3)"

/*
 * -S: "A" or "A-B" (A <= B), a range into *first and *last with *nr_list
 * 0; or "A,B,..." (no ranges), 2..KSCAN_MAX_SADDRS distinct addresses in
 * the order given into @list (room for KSCAN_MAX_SADDRS) and *nr_list,
 * with *first = *last = list[0]. Probes to target d use list[d mod n].
 */
int kscan_parse_saddrs(const char *text, u32 *first, u32 *last, u32 *list,
		       u32 *nr_list, char *err, size_t errlen);

/* "198.18.0.1" from host-numeric 0xc6120001; @buf holds 16 bytes. */
const char *kscan_ipv4_str(u32 addr, char buf[16]);

#endif /* KSCANCTL_TARGETS_H */
