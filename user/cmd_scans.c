// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl stop and status: the kernel's scans (kscan.ko), by id, over
 * its generic-netlink family. The userspace engines' scans are their
 * kscanctl process: a signal stops them.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cmd.h"
#include "nl.h"
#include "tx.h"

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

/* Parse a stop/status command line and connect; NULL: exit with *exit_code. */
static struct kscan_nl *
kscan_id_command_open(const struct kscan_cli_command *cmd, bool id_required,
		      int argc, char **argv, struct kscan_id_config *cfg,
		      int *exit_code)
{
	struct kscan_nl *nl;
	int err;

	if (kscan_id_command(cmd, id_required, argc, argv, cfg, exit_code))
		return NULL;
	nl = kscan_nl_open(&err);
	if (!nl) {
		kscan_report_open_error(err);
		*exit_code = 1;
	}
	return nl;
}

int kscan_cmd_stop(int argc, char **argv)
{
	struct kscan_id_config cfg;
	struct kscan_nl *nl;
	int ret, exit_code;

	nl = kscan_id_command_open(&kscan_stop_command, true, argc, argv, &cfg,
				   &exit_code);
	if (!nl)
		return exit_code;
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
				  (double)(end - st->start_ns) / 1e9 :
				  0;
	}
	snprintf(progress, sizeof(progress), "%llu/%llu",
		 (unsigned long long)st->progress,
		 (unsigned long long)st->total);
	printf("%-6u %-12s %-8s %-14s %14llu %25s %10llu %8llu %10.1f\n",
	       st->scan_id, ifname, kscan_state_name(st->state),
	       kscan_reason_name(st->reason), (unsigned long long)st->sent,
	       progress, (unsigned long long)st->tx_busy,
	       (unsigned long long)st->errors, elapsed);
	if (verbose)
		printf("       %s, no carrier %llu\n",
		       st->detached ? "detached" : "owned by its kscanctl",
		       (unsigned long long)st->no_carrier);
	for (i = 0; verbose && i < st->nr_queues; i++)
		printf("       queue %-4u cpu %-4u sent %llu, tx busy %llu, errors %llu, no carrier %llu\n",
		       st->queues[i].queue, st->queues[i].cpu,
		       (unsigned long long)st->queues[i].sent,
		       (unsigned long long)st->queues[i].tx_busy,
		       (unsigned long long)st->queues[i].errors,
		       (unsigned long long)st->queues[i].no_carrier);
}

int kscan_cmd_status(int argc, char **argv)
{
	struct kscan_scan_status one, *scans = &one;
	struct kscan_id_config cfg;
	struct kscan_nl *nl;
	size_t nr = 1, i;
	int ret, exit_code;

	nl = kscan_id_command_open(&kscan_status_command, false, argc, argv,
				   &cfg, &exit_code);
	if (!nl)
		return exit_code;
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
