/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scan plan: what the options compile to before any engine is
 * involved. Targets (allowlist minus blocklist), key and seed, the -i/-S/-G
 * defaults from the routing table, the checks of the host that every
 * engine shares (TX queues, CPUs), and --dryrun, which computes the probes
 * with the same shared code (include/kscan/) every TX engine runs.
 */
#ifndef KSCANCTL_PLAN_H
#define KSCANCTL_PLAN_H

#include <signal.h>
#include <stdio.h>

#include "cli.h"
#include "route.h"
#include "targets.h"

/* Where the default blocklist is looked for, in order. */
#define KSCAN_SYSTEM_BLOCKLIST "/etc/kscan/blocklist.conf"
#define KSCAN_REPO_BLOCKLIST "../etc/blocklist.conf" /* from the executable */

/* A scan ready to send: what the options compile to. */
struct kscan_plan {
	struct kscan_ipset targets; /* allowlist minus blocklist */
	u64 nr_allowed; /* addresses before the blocklist */
	char blocklist[4096]; /* the file used, "" for none */
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
 * The shared per-probe plan (include/kscan/probe.h) of @cfg and @plan,
 * with its prefix array allocated (free it with free()). Returns 0 or -1
 * with @err.
 */
struct kscan_probe_plan;
int kscan_plan_probes(const struct kscan_start_config *cfg,
		      const struct kscan_plan *plan,
		      struct kscan_probe_plan *probes, u64 **prefix, char *err,
		      size_t errlen);

/*
 * Fill -i, -S and -G the user did not give from the route to the first
 * target (route.h). --dryrun needs only -S. Returns 0 or -1 with @err.
 */
int kscan_plan_resolve_defaults(struct kscan_start_config *cfg,
				const struct kscan_plan *plan,
				struct kscan_route *route, char *err,
				size_t errlen);

/*
 * What this process allows, checked before any engine opens: the CPUs of
 * --cpus are ours. Returns 0 or -1 with @err.
 */
int kscan_plan_check_host(const struct kscan_start_config *cfg, char *err,
			  size_t errlen);

/*
 * For engines with a thread per TX queue (kmod): the queues of
 * --tx-queues/--sender-threads exist on the device. 0 or -1 with @err.
 */
int kscan_plan_check_queues(const struct kscan_start_config *cfg, char *err,
			    size_t errlen);

/* TX queues of @ifname from sysfs, or 0 when it cannot tell. */
unsigned int kscan_tx_queue_count(const char *ifname);

/*
 * --dryrun: every probe of this shard (up to --max-targets), in
 * permutation order, one line "saddr sport daddr dport seq probe". Ends
 * early when *@stop becomes non-zero (a signal). Returns the number of
 * lines, or -1 with @err.
 */
long long kscan_dryrun(const struct kscan_start_config *cfg,
		       const struct kscan_plan *plan, FILE *out,
		       const volatile sig_atomic_t *stop, char *err,
		       size_t errlen);

/* The directory of the running executable, for the repo's blocklist. */
void kscan_exe_dir(char *buf, size_t len);

void kscan_print_hex(FILE *out, const u8 *bytes, size_t len);

int kscan_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KSCANCTL_PLAN_H */
