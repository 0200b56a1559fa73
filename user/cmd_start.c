// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl start: parse, compile the plan, fill defaults from the routing
 * table, then --dryrun or the run (run.c with the engines of tx.h/rx.h).
 *
 * Exit codes: 0 success, 1 when an engine or the kernel refused or the
 * scan failed, 2 (KSCAN_EXIT_USAGE) for errors found in userspace before
 * anything was sent: bad options, unreadable files, nothing left to scan.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "plan.h"
#include "route.h"
#include "run.h"

int kscan_cmd_start(int argc, char **argv)
{
	struct kscan_start_config cfg;
	struct kscan_route route;
	struct kscan_plan plan;
	char err[1024], exe_dir[PATH_MAX];
	int ret, exit_code = 1;
	int ifindex = 0;

	kscan_catch_signals();
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
	if (kscan_plan_resolve_defaults(&cfg, &plan, &route, err,
					sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
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
		long long lines = kscan_dryrun(
			&cfg, &plan, stdout, &kscan_signals, err, sizeof(err));

		if (lines < 0) {
			fprintf(stderr, "kscanctl: --dryrun: %s\n", err);
			exit_code = KSCAN_EXIT_USAGE;
		} else {
			/* a closed pipe (| head) is the reader's choice */
			exit_code = fflush(stdout) && errno != EPIPE ? 1 : 0;
		}
		goto out;
	}

	ifindex = (int)if_nametoindex(cfg.ifname);
	if (!ifindex) {
		fprintf(stderr,
			"kscanctl: --interface: no device '%s' in this network namespace\n",
			cfg.ifname);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	if (kscan_plan_check_host(&cfg, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	exit_code = kscan_run_scan(&cfg, &plan, ifindex);
out:
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	return exit_code;
}
