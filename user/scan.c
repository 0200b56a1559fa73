// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl start / stop / status (see scan.h).
 *
 * Exit codes: 0 success, 1 when the kernel refused or the scan failed,
 * 2 (KSCAN_EXIT_USAGE) for errors found in userspace before anything was
 * sent: bad options, unreadable files, nothing left to scan.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "kscan/cookie.h"
#include "kscan/probe.h"
#include "kscan/perm.h"
#include "kscan/target.h"

#include "scan.h"

#define KSCAN_STATUS_PERIOD_MS 1000
/* After STOP, how long to wait for the ABORTED event before asking GET. */
#define KSCAN_STOP_WAIT_MS 10000

static int kscan_scan_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_scan_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void kscan_report_open_error(int err)
{
	if (err == -ENOENT)
		fprintf(stderr,
			"kscanctl: the kscan kernel module is not loaded "
			"(generic-netlink family \"%s\" not found).\n"
			"Load it with 'modprobe kscan' (installed with DKMS: "
			"'make dkms-install'), or 'insmod kmod/kscan.ko' from a build tree.\n",
			KSCAN_GENL_NAME);
	else
		fprintf(stderr, "kscanctl: cannot open generic netlink: %s\n",
			strerror(-err));
}

/* "START refused: Invalid argument: KSCAN_A_PORTS: ..." */
static void kscan_report_nl_error(struct kscan_nl *nl, const char *what,
				  int err)
{
	const char *extack = kscan_nl_extack(nl);

	fprintf(stderr, "kscanctl: %s: %s%s%s\n", what, strerror(-err),
		*extack ? ": " : "", extack);
}

static u64 kscan_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

int kscan_default_blocklist(const char *exe_dir, char *buf, size_t len)
{
	char repo[PATH_MAX + 64], *resolved;

	if (!access(KSCAN_SYSTEM_BLOCKLIST, R_OK)) {
		snprintf(buf, len, "%s", KSCAN_SYSTEM_BLOCKLIST);
		return 0;
	}
	snprintf(repo, sizeof(repo), "%s/%s", exe_dir, KSCAN_REPO_BLOCKLIST);
	resolved = realpath(repo, NULL);
	if (resolved && !access(resolved, R_OK)) {
		snprintf(buf, len, "%s", resolved);
		free(resolved);
		return 0;
	}
	free(resolved);
	snprintf(buf, len, "%s nor %s", KSCAN_SYSTEM_BLOCKLIST, repo);
	return -1;
}

static int kscan_random(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kscan_plan_build(const struct kscan_start_config *cfg, const char *exe_dir,
		     struct kscan_plan *plan, char *err, size_t errlen)
{
	struct kscan_ipset allow = { 0 }, block = { 0 };
	char msg[768];
	int i, ret = -1;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < cfg->nr_targets; i++) {
		if (kscan_ipset_add_target(&allow, cfg->targets[i], msg,
					   sizeof(msg))) {
			kscan_scan_fail(err, errlen, "TARGET: %s", msg);
			goto out;
		}
	}
	if ((cfg->list_of_targets_file &&
	     kscan_ipset_load_file(&allow, cfg->list_of_targets_file, msg,
				   sizeof(msg))) ||
	    (cfg->allowlist_file &&
	     kscan_ipset_load_file(&allow, cfg->allowlist_file, msg,
				   sizeof(msg)))) {
		kscan_scan_fail(err, errlen, "%s", msg);
		goto out;
	}
	kscan_ipset_normalize(&allow);
	plan->nr_allowed = kscan_ipset_count(&allow);
	if (!plan->nr_allowed) {
		kscan_scan_fail(err, errlen, "no targets: the target files are empty");
		goto out;
	}

	if (cfg->blocklist_file) {
		snprintf(plan->blocklist, sizeof(plan->blocklist), "%s",
			 cfg->blocklist_file);
	} else if (kscan_default_blocklist(exe_dir, plan->blocklist,
					   sizeof(plan->blocklist))) {
		kscan_scan_fail(err, errlen,
				"no default blocklist: neither %s exists; give one with -b FILE (-b /dev/null for none)",
				plan->blocklist);
		goto out;
	}
	if (kscan_ipset_load_file(&block, plan->blocklist, msg, sizeof(msg))) {
		kscan_scan_fail(err, errlen, "blocklist: %s", msg);
		goto out;
	}
	kscan_ipset_normalize(&block);
	if (kscan_ipset_subtract(&allow, &block, &plan->targets)) {
		kscan_scan_fail(err, errlen, "out of memory");
		goto out;
	}
	if (!plan->targets.nr) {
		kscan_scan_fail(err, errlen,
				"nothing to scan: every target is in the blocklist %s "
				"(special-purpose ranges need -b with another file, or -b /dev/null)",
				plan->blocklist);
		goto out;
	}

	if (cfg->given[KSCAN_OPT_KEY])
		memcpy(plan->key, cfg->key, sizeof(plan->key));
	else if (kscan_random(plan->key, sizeof(plan->key)))
		goto no_random;
	if (cfg->given[KSCAN_OPT_SEED])
		plan->seed = cfg->seed;
	else if (kscan_random(&plan->seed, sizeof(plan->seed)))
		goto no_random;
	ret = 0;
	goto out;
no_random:
	kscan_scan_fail(err, errlen, "getrandom: %s", strerror(errno));
out:
	kscan_ipset_free(&allow);
	kscan_ipset_free(&block);
	if (ret)
		kscan_plan_free(plan);
	return ret;
}

void kscan_plan_free(struct kscan_plan *plan)
{
	kscan_ipset_free(&plan->targets);
}

long long kscan_dryrun(const struct kscan_start_config *cfg,
		       const struct kscan_plan *plan, FILE *out, char *err,
		       size_t errlen)
{
	struct kscan_probe_plan probe_plan = {
		.saddr_first = cfg->saddr_first,
		.saddr_count = cfg->saddr_last - cfg->saddr_first + 1,
		.sport_first = cfg->sport_first,
		.sport_count = (u32)cfg->sport_last - cfg->sport_first + 1,
	};
	struct kscan_perm perm;
	u64 *prefix, pos, begin, end;
	long long lines = 0;
	int ret;

	prefix = calloc(plan->targets.nr, sizeof(*prefix));
	if (!prefix)
		return kscan_scan_fail(err, errlen, "out of memory");
	ret = kscan_target_init(&probe_plan.ts, plan->targets.iv, prefix,
				(u32)plan->targets.nr, cfg->ports,
				cfg->nr_ports, cfg->probes);
	if (ret) {
		free(prefix);
		return kscan_scan_fail(err, errlen, "%s",
				       kscan_target_strerror(ret));
	}
	if (kscan_perm_init(&perm, probe_plan.ts.size, plan->seed) ||
	    kscan_slice(probe_plan.ts.size, cfg->shard, cfg->shards, 0, 1,
			&begin, &end)) {
		free(prefix);
		return kscan_scan_fail(err, errlen, "target space too large");
	}
	/* the budget counts probes of this shard, first positions first */
	if (cfg->max_packets && end - begin > cfg->max_packets)
		end = begin + cfg->max_packets;
	kscan_key_from_bytes(&probe_plan.key, plan->key);

	/* The kernel's generator calls the same kscan_probe_fields(). */
	for (pos = begin; pos < end; pos++) {
		char saddr_str[16], daddr_str[16];
		struct kscan_syn_fields f;
		u32 probe;

		probe = kscan_probe_fields(&probe_plan,
					   kscan_perm_at(&perm, pos), &f);
		fprintf(out, "%s %u %s %u %u %u\n",
			kscan_ipv4_str(f.saddr, saddr_str), f.sport,
			kscan_ipv4_str(f.daddr, daddr_str), f.dport, f.seq,
			probe);
		lines++;
	}
	free(prefix);
	return lines;
}

void kscan_start_request_fill(struct kscan_start_request *req,
			      const struct kscan_start_config *cfg,
			      const struct kscan_plan *plan, u32 ifindex)
{
	memset(req, 0, sizeof(*req));
	req->ifindex = ifindex;
	memcpy(req->dst_mac, cfg->gateway_mac, sizeof(req->dst_mac));
	req->saddr_first = cfg->saddr_first;
	req->saddr_last = cfg->saddr_last;
	req->sport_first = cfg->sport_first;
	req->sport_last = cfg->sport_last;
	req->intervals = plan->targets.iv;
	req->nr_intervals = (u32)plan->targets.nr;
	req->ports = cfg->ports;
	req->nr_ports = cfg->nr_ports;
	req->probes = cfg->probes;
	req->seed = plan->seed;
	req->shard = cfg->shard;
	req->shards = cfg->shards;
	req->rate = cfg->rate;
	req->tx_queues = cfg->tx_queues;
	req->nr_tx_queues = cfg->nr_tx_queues;
	if (cfg->given[KSCAN_OPT_CPUS]) {
		req->tx_cpus = cfg->cpus;
		req->nr_tx_cpus = cfg->nr_cpus;
	}
	req->has_ttl = cfg->given[KSCAN_OPT_TTL];
	req->ttl = cfg->ttl;
	req->has_window = cfg->given[KSCAN_OPT_WINDOW];
	req->window = cfg->window;
	req->has_tcp_options = cfg->given[KSCAN_OPT_TCP_OPTIONS];
	req->tcp_options = cfg->tcp_options;
	memcpy(req->key, plan->key, sizeof(req->key));
	req->has_xmit_mode = cfg->given[KSCAN_OPT_XMIT];
	req->xmit_mode = cfg->xmit_mode;
	req->has_burst = cfg->given[KSCAN_OPT_BURST];
	req->burst = cfg->burst;
	req->max_packets = cfg->max_packets;
	req->flags = cfg->sw_csum ? KSCAN_START_F_SW_CSUM : 0;
}

static void kscan_print_hex(FILE *out, const u8 *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(out, "%02x", bytes[i]);
}

/* The directory of the running executable, for the repo's blocklist. */
static void kscan_exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0) {
		snprintf(buf, len, ".");
		return;
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}

static double kscan_elapsed_s(const struct kscan_scan_status *st,
			      u64 local_start_ns)
{
	u64 end = st->end_ns ? st->end_ns : kscan_now_ns();

	if (st->start_ns && end >= st->start_ns)
		return (double)(end - st->start_ns) / 1e9;
	return (double)(kscan_now_ns() - local_start_ns) / 1e9;
}

static void kscan_print_status_line(const struct kscan_scan_status *st,
				    u64 local_start_ns)
{
	double elapsed = kscan_elapsed_s(st, local_start_ns);

	fprintf(stderr, "kscan: scan %u %.0fs: sent %llu", st->scan_id,
		elapsed, (unsigned long long)st->sent);
	if (st->total)
		fprintf(stderr, " of %llu (%.1f%%)",
			(unsigned long long)st->total,
			100.0 * (double)st->progress / (double)st->total);
	fprintf(stderr, ", %.0f pps, tx busy %llu, errors %llu\n",
		elapsed > 0 ? (double)st->sent / elapsed : 0.0,
		(unsigned long long)st->tx_busy,
		(unsigned long long)st->errors);
}

/* The final report: "name: value" lines that scripts can read. */
static void kscan_print_report(const struct kscan_scan_status *st,
			       const struct kscan_plan *plan, u64 local_start_ns)
{
	double elapsed = kscan_elapsed_s(st, local_start_ns);

	printf("scan-id: %u\n", st->scan_id);
	printf("state: %s\n", kscan_state_name(st->state));
	printf("reason: %s\n", kscan_reason_name(st->reason));
	printf("sent: %llu\n", (unsigned long long)st->sent);
	printf("tx-busy: %llu\n", (unsigned long long)st->tx_busy);
	printf("errors: %llu\n", (unsigned long long)st->errors);
	printf("elapsed: %.3f s\n", elapsed);
	printf("pps: %.0f\n", elapsed > 0 ? (double)st->sent / elapsed : 0.0);
	printf("seed: %llu\n", (unsigned long long)plan->seed);
	printf("key: ");
	kscan_print_hex(stdout, plan->key, sizeof(plan->key));
	printf("\n");
}

static volatile sig_atomic_t kscan_signals;

static void kscan_on_signal(int sig)
{
	(void)sig;
	kscan_signals++;
}

static void kscan_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kscan_on_signal;
	/* no SA_RESTART: poll() must return EINTR so that we send STOP */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Wait for the end of @scan_id into *final, printing status every second;
 * a first signal sends STOP, a second one gives up. Returns 0, 1 when the
 * wait was given up or the scan vanished, with *stopped set if we stopped it.
 */
static int kscan_wait_scan(struct kscan_nl *nl, u32 scan_id, bool quiet,
			   u64 local_start_ns, struct kscan_scan_status *final,
			   bool *stopped)
{
	u64 last_status = kscan_now_ns(), stop_sent_ns = 0;
	sig_atomic_t handled = 0;
	bool events_ok = true;
	int ret;

	*stopped = false;
	for (;;) {
		if (kscan_signals != handled) {
			handled = kscan_signals;
			if (*stopped) {
				fprintf(stderr,
					"kscanctl: not waiting any longer; if scan %u still runs: kscanctl stop %u\n",
					scan_id, scan_id);
				return 1;
			}
			if (!quiet)
				fprintf(stderr, "kscanctl: stopping scan %u\n",
					scan_id);
			ret = kscan_nl_stop(nl, scan_id);
			/* -ENOENT: it ended meanwhile; its event follows */
			if (ret && ret != -ENOENT)
				kscan_report_nl_error(nl, "STOP refused", ret);
			*stopped = true;
			stop_sent_ns = kscan_now_ns();
		}

		ret = events_ok ? kscan_nl_wait_event(nl, scan_id,
						      KSCAN_STATUS_PERIOD_MS,
						      final) :
				  (poll(NULL, 0, KSCAN_STATUS_PERIOD_MS) < 0 ?
					   -errno : 0);
		if (ret == 1)
			return 0;
		if (ret < 0 && ret != -EINTR && ret != -ENOBUFS && events_ok) {
			/* carry on with GET alone rather than give up */
			fprintf(stderr,
				"kscanctl: events: %s: polling the scan instead\n",
				strerror(-ret));
			events_ok = false;
		}

		/* also on lost events (-ENOBUFS): GET tells the end too */
		if (kscan_now_ns() - last_status >=
		    KSCAN_STATUS_PERIOD_MS * 1000000ULL) {
			struct kscan_scan_status st;

			last_status = kscan_now_ns();
			ret = kscan_nl_get(nl, scan_id, &st);
			if (ret == -ENOENT) {
				fprintf(stderr,
					"kscanctl: scan %u is gone and its end event was not received\n",
					scan_id);
				return 1;
			}
			if (!ret && st.state != KSCAN_STATE_RUNNING) {
				*final = st;
				return 0;
			}
			if (!ret && !quiet)
				kscan_print_status_line(&st, local_start_ns);
			if (!ret && *stopped &&
			    kscan_now_ns() - stop_sent_ns >
				    KSCAN_STOP_WAIT_MS * 1000000ULL) {
				fprintf(stderr,
					"kscanctl: scan %u still runs %d s after STOP\n",
					scan_id, KSCAN_STOP_WAIT_MS / 1000);
				*final = st;
				return 1;
			}
		}
	}
}

/* Limits of the wire format and the module, checked before START. */
static int kscan_check_limits(const struct kscan_start_config *cfg,
			      const struct kscan_plan *plan, char *err,
			      size_t errlen)
{
	if (plan->targets.nr > KSCAN_MAX_INTERVALS)
		return kscan_scan_fail(err, errlen,
				       "the targets compile to %zu intervals; the module accepts at most %d: merge ranges",
				       plan->targets.nr, KSCAN_MAX_INTERVALS);
	if (kscan_nl_port_ranges(cfg->ports, cfg->nr_ports) >
	    KSCAN_MAX_PORT_RANGES)
		return kscan_scan_fail(err, errlen,
				       "--target-ports makes more than %d ranges of consecutive ports: merge them",
				       KSCAN_MAX_PORT_RANGES);
	return 0;
}

int kscan_cmd_start(int argc, char **argv)
{
	struct kscan_start_config cfg;
	struct kscan_start_request req;
	struct kscan_scan_status final;
	struct kscan_plan plan;
	char err[1024], exe_dir[PATH_MAX];
	struct kscan_nl *nl = NULL;
	int ret, exit_code = 1;
	bool stopped = false;
	u64 local_start_ns;
	u32 ifindex = 0, scan_id;

	kscan_start_config_init(&cfg);
	ret = kscan_start_parse(argc, argv, &cfg, err, sizeof(err));
	if (ret == KSCAN_CLI_HELP) {
		kscan_cli_help(&kscan_start_command, stdout);
		kscan_start_config_free(&cfg);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "kscanctl: %s\n", err);
		kscan_start_config_free(&cfg);
		return KSCAN_EXIT_USAGE;
	}
	kscan_exe_dir(exe_dir, sizeof(exe_dir));
	if (kscan_plan_build(&cfg, exe_dir, &plan, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		kscan_start_config_free(&cfg);
		return KSCAN_EXIT_USAGE;
	}
	if (cfg.verbose)
		fprintf(stderr,
			"kscanctl: %llu addresses in %zu intervals (%llu given, %llu removed by blocklist '%s'), %u ports, %u probes each\n",
			(unsigned long long)kscan_ipset_count(&plan.targets),
			plan.targets.nr, (unsigned long long)plan.nr_allowed,
			(unsigned long long)(plan.nr_allowed -
					     kscan_ipset_count(&plan.targets)),
			plan.blocklist, cfg.nr_ports, cfg.probes);
	if (cfg.print_key || cfg.verbose) {
		fprintf(stderr, "key: ");
		kscan_print_hex(stderr, plan.key, sizeof(plan.key));
		fprintf(stderr, "\nseed: %llu\n",
			(unsigned long long)plan.seed);
	}

	if (cfg.dryrun) {
		long long lines = kscan_dryrun(&cfg, &plan, stdout, err,
					       sizeof(err));

		if (lines < 0) {
			fprintf(stderr, "kscanctl: --dryrun: %s\n", err);
			exit_code = KSCAN_EXIT_USAGE;
		} else {
			exit_code = fflush(stdout) ? 1 : 0;
		}
		goto out;
	}

	if (kscan_check_limits(&cfg, &plan, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	ifindex = if_nametoindex(cfg.ifname);
	if (!ifindex) {
		fprintf(stderr,
			"kscanctl: --interface: no device '%s' in this network namespace\n",
			cfg.ifname);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	nl = kscan_nl_open(&ret);
	if (!nl) {
		kscan_report_open_error(ret);
		goto out;
	}
	/* before START: a short scan may end before we would have joined */
	if (!cfg.detach) {
		ret = kscan_nl_subscribe_events(nl);
		if (ret) {
			fprintf(stderr,
				"kscanctl: cannot join the \"%s\" multicast group: %s\n",
				KSCAN_GENL_MCGRP_EVENTS, strerror(-ret));
			goto out;
		}
	}

	kscan_start_request_fill(&req, &cfg, &plan, ifindex);
	local_start_ns = kscan_now_ns();
	ret = kscan_nl_start(nl, &req, &scan_id);
	if (ret) {
		kscan_report_nl_error(nl, "START refused", ret);
		goto out;
	}
	if (cfg.detach) {
		printf("%u\n", scan_id);
		exit_code = 0;
		goto out;
	}
	if (!cfg.quiet)
		fprintf(stderr, "kscanctl: scan %u started on %s\n", scan_id,
			cfg.ifname);

	kscan_catch_signals();
	memset(&final, 0, sizeof(final));
	final.scan_id = UINT32_MAX;
	ret = kscan_wait_scan(nl, scan_id, cfg.quiet, local_start_ns, &final,
			      &stopped);
	if (ret && final.scan_id != scan_id)
		goto out;	/* nothing to report */
	kscan_print_report(&final, &plan, local_start_ns);
	if (ret)
		exit_code = 1;
	else if (stopped || final.state == KSCAN_STATE_DONE ||
		 final.reason == KSCAN_REASON_COMPLETED ||
		 final.reason == KSCAN_REASON_BUDGET)
		exit_code = 0;
out:
	kscan_nl_close(nl);
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	return exit_code;
}

/* Parse the options of stop/status; -1: exit with *exit_code. */
static int kscan_id_command(const struct kscan_cli_command *cmd,
			    bool id_required, int argc, char **argv,
			    struct kscan_id_config *cfg, int *exit_code)
{
	char err[512];
	int ret;

	ret = kscan_id_parse(cmd, id_required, argc, argv, cfg, err,
			     sizeof(err));
	if (ret == KSCAN_CLI_HELP) {
		kscan_cli_help(cmd, stdout);
		*exit_code = 0;
		return -1;
	}
	if (ret) {
		fprintf(stderr, "kscanctl: %s\nUsage: kscanctl %s\n", err,
			cmd->synopsis);
		*exit_code = KSCAN_EXIT_USAGE;
		return -1;
	}
	return 0;
}

int kscan_cmd_stop(int argc, char **argv)
{
	struct kscan_id_config cfg;
	struct kscan_nl *nl;
	int ret, exit_code;

	if (kscan_id_command(&kscan_stop_command, true, argc, argv, &cfg,
			     &exit_code))
		return exit_code;
	nl = kscan_nl_open(&ret);
	if (!nl) {
		kscan_report_open_error(ret);
		return 1;
	}
	ret = kscan_nl_stop(nl, cfg.scan_id);
	if (ret)
		kscan_report_nl_error(nl, "STOP refused", ret);
	else
		printf("stopped scan %u\n", cfg.scan_id);
	kscan_nl_close(nl);
	return ret ? 1 : 0;
}

static void kscan_print_scan_row(const struct kscan_scan_status *st,
				 bool verbose)
{
	char ifname[IF_NAMESIZE] = "?", progress[48];
	double elapsed = 0;
	u32 i;

	if_indextoname(st->ifindex, ifname);
	if (st->start_ns) {
		u64 end = st->end_ns ? st->end_ns : kscan_now_ns();

		elapsed = end > st->start_ns ?
				  (double)(end - st->start_ns) / 1e9 : 0;
	}
	snprintf(progress, sizeof(progress), "%llu/%llu",
		 (unsigned long long)st->progress,
		 (unsigned long long)st->total);
	printf("%-6u %-12s %-8s %-14s %14llu %25s %10llu %8llu %10.1f\n",
	       st->scan_id, ifname, kscan_state_name(st->state),
	       kscan_reason_name(st->reason), (unsigned long long)st->sent,
	       progress, (unsigned long long)st->tx_busy,
	       (unsigned long long)st->errors, elapsed);
	for (i = 0; verbose && i < st->nr_queues; i++)
		printf("       queue %-4u cpu %-4u sent %llu, tx busy %llu, errors %llu\n",
		       st->queues[i].queue, st->queues[i].cpu,
		       (unsigned long long)st->queues[i].sent,
		       (unsigned long long)st->queues[i].tx_busy,
		       (unsigned long long)st->queues[i].errors);
}

int kscan_cmd_status(int argc, char **argv)
{
	struct kscan_scan_status one, *scans = &one;
	struct kscan_id_config cfg;
	struct kscan_nl *nl;
	size_t nr = 1, i;
	int ret, exit_code;

	if (kscan_id_command(&kscan_status_command, false, argc, argv, &cfg,
			     &exit_code))
		return exit_code;
	nl = kscan_nl_open(&ret);
	if (!nl) {
		kscan_report_open_error(ret);
		return 1;
	}
	if (cfg.has_id)
		ret = kscan_nl_get(nl, cfg.scan_id, &one);
	else
		ret = kscan_nl_get_all(nl, &scans, &nr);
	if (ret) {
		kscan_report_nl_error(nl, "GET refused", ret);
		kscan_nl_close(nl);
		return 1;
	}
	kscan_nl_close(nl);
	if (!nr) {
		printf("no scans in this network namespace\n");
	} else {
		printf("%-6s %-12s %-8s %-14s %14s %25s %10s %8s %10s\n", "ID",
		       "DEVICE", "STATE", "REASON", "SENT", "PROGRESS/TOTAL",
		       "TX-BUSY", "ERRORS", "ELAPSED-S");
		for (i = 0; i < nr; i++)
			kscan_print_scan_row(&scans[i], cfg.verbose);
	}
	if (scans != &one)
		free(scans);
	return 0;
}
