// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl: the command-line front end of kscan. Subcommands are a table;
 * each entry names its handler, its synopsis and its help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/kscan.h>

#include "nl.h"
#include "cmd.h"
#include "doctor.h"
#include "tx.h"

struct kscan_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
};

static const struct kscan_subcommand kscan_subcommands[];

static void kscan_usage(FILE *out)
{
	const struct kscan_subcommand *sc;

	fprintf(out, "Usage: kscanctl [--help] [--version] <command> [options]\n\n"
		     "Commands:\n");
	for (sc = kscan_subcommands; sc->name; sc++)
		fprintf(out, "  %-28s %s\n", sc->synopsis, sc->help);
	fprintf(out, "\nRun 'kscanctl <command> --help' for a command's options.\n");
}

/* Parse only --help for subcommands that take no options. */
static int kscan_no_options(int argc, char **argv, const char *synopsis)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			printf("Usage: kscanctl %s\n", synopsis);
			exit(0);
		}
		fprintf(stderr, "Usage: kscanctl %s\n", synopsis);
		return -1;
	}
	if (optind != argc) {
		fprintf(stderr, "kscanctl: unexpected argument '%s'\nUsage: kscanctl %s\n",
			argv[optind], synopsis);
		return -1;
	}
	return 0;
}

static int kscan_cmd_version(int argc, char **argv)
{
	struct kscan_module_info info;
	struct kscan_nl *nl;
	int err;

	if (kscan_no_options(argc, argv, "version"))
		return KSCAN_EXIT_USAGE;

	printf("kscanctl %s (uapi %d)\n", KSCAN_VERSION, KSCAN_GENL_VERSION);

	nl = kscan_nl_open(&err);
	if (!nl) {
		kscan_report_open_error(err);
		return 1;
	}
	err = kscan_nl_get_info(nl, &info);
	if (err) {
		fprintf(stderr, "kscanctl: GET_INFO failed: %s%s%s\n",
			strerror(-err), *kscan_nl_extack(nl) ? ": " : "",
			kscan_nl_extack(nl));
		kscan_nl_close(nl);
		return 1;
	}
	kscan_nl_close(nl);

	printf("kscan.ko %s (uapi %u, max %u scans per netns, max %u intervals)\n",
	       info.module_version, info.uapi_version, info.max_scans,
	       info.max_intervals);
	if (info.uapi_version != KSCAN_GENL_VERSION) {
		fprintf(stderr,
			"kscanctl: module speaks uapi %u, kscanctl speaks %d: "
			"install matching versions\n",
			info.uapi_version, KSCAN_GENL_VERSION);
		return 1;
	}
	return 0;
}

static const struct kscan_subcommand kscan_subcommands[] = {
	{ "start", kscan_cmd_start, "start [options] TARGET...",
	  "start a scan and wait for its end (--detach: don't wait)" },
	{ "stop", kscan_cmd_stop, "stop ID", "stop a scan" },
	{ "status", kscan_cmd_status, "status [-v] [ID]",
	  "show one scan, or every scan of this network namespace" },
	{ "version", kscan_cmd_version, "version",
	  "print kscanctl's version and the loaded module's" },
	{ "doctor", kscan_cmd_doctor, "doctor [-i IFACE] [--json]",
	  "say which TX engines can run here, and why not" },
	{ 0 },
};

int main(int argc, char **argv)
{
	const struct kscan_subcommand *sc;

	if (argc < 2) {
		kscan_usage(stderr);
		return KSCAN_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		kscan_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kscanctl %s (uapi %d)\n", KSCAN_VERSION,
		       KSCAN_GENL_VERSION);
		return 0;
	}
	for (sc = kscan_subcommands; sc->name; sc++)
		if (!strcmp(argv[1], sc->name))
			return sc->run(argc - 1, argv + 1);

	fprintf(stderr, "kscanctl: unknown command '%s'\n\n", argv[1]);
	kscan_usage(stderr);
	return KSCAN_EXIT_USAGE;
}
