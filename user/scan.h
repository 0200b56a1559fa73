/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The start, stop and status subcommands: from a parsed configuration to
 * the compiled scan (targets, key, seed), the START request, waiting for
 * the end, and the reports; and --dryrun, which computes the probes in
 * userspace with the same shared code the module runs.
 */
#ifndef KSCANCTL_SCAN_H
#define KSCANCTL_SCAN_H

#include <stdio.h>

#include "cli.h"
#include "nl.h"
#include "targets.h"

/* Where the default blocklist is looked for, in order. */
#define KSCAN_SYSTEM_BLOCKLIST "/etc/kscan/blocklist.conf"
#define KSCAN_REPO_BLOCKLIST "../etc/blocklist.conf" /* from the executable */

/* A scan ready to send: what the options compile to. */
struct kscan_plan {
	struct kscan_ipset targets;	/* allowlist minus blocklist */
	u64 nr_allowed;			/* addresses before the blocklist */
	char blocklist[4096];		/* the file used, "" for none */
	u8 key[KSCAN_KEY_LEN];
	u64 seed;
};

/*
 * The default blocklist path into @buf: KSCAN_SYSTEM_BLOCKLIST if it
 * exists, else KSCAN_REPO_BLOCKLIST resolved against @exe_dir. Returns -1
 * (with both paths in @buf) when neither exists.
 */
int kscan_default_blocklist(const char *exe_dir, char *buf, size_t len);

/*
 * Read the target files, subtract the blocklist, check the limits, draw
 * the key and seed the user did not give. Returns 0 or -1 with @err.
 */
int kscan_plan_build(const struct kscan_start_config *cfg, const char *exe_dir,
		     struct kscan_plan *plan, char *err, size_t errlen);
void kscan_plan_free(struct kscan_plan *plan);

/*
 * --dryrun: every probe of this shard (up to --max-targets), in
 * permutation order, one line "saddr sport daddr dport seq probe".
 * Returns the number of lines, or -1 with @err.
 */
long long kscan_dryrun(const struct kscan_start_config *cfg,
		       const struct kscan_plan *plan, FILE *out, char *err,
		       size_t errlen);

/* The START request of @cfg and @plan (pointers into both). */
void kscan_start_request_fill(struct kscan_start_request *req,
			      const struct kscan_start_config *cfg,
			      const struct kscan_plan *plan, u32 ifindex);

/* The subcommands; they return the process exit code. */
int kscan_cmd_start(int argc, char **argv);
int kscan_cmd_stop(int argc, char **argv);
int kscan_cmd_status(int argc, char **argv);

/* Explain a failed kscan_nl_open() on stderr. */
void kscan_report_open_error(int err);

#endif /* KSCANCTL_SCAN_H */
