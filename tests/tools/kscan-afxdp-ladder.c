// SPDX-License-Identifier: GPL-2.0
/*
 * kscan-afxdp-ladder: climbs the AF_XDP bind ladder (user/afxdp.h) on a
 * device, again and again, for selftests/kscan/tx_engines.sh. Test-only.
 *
 *   kscan-afxdp-ladder -i IF [--tx-queues LIST] [--no-rx] [--repeat N]
 *
 * Each round sets up what --engine=afxdp asks for (sending sockets on the
 * queues of --tx-queues, default 0; receiving on every RX queue unless
 * --no-rx) and tears it down again. It prints one line per round, "rung
 * NAME" or "error -ERRNO: REASON", then "fds A B maps C D": the open file
 * descriptors and memory mappings after the first round and after the
 * last. A set-up or failed rung that leaves a socket, a UMEM, a BPF object
 * or a mapping behind makes B > A or D > C: exit 3. Exit 0 when every
 * round took a rung, 1 when every round failed (the same way), 2 on usage.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afxdp.h"
#include "cli.h"

static unsigned int count_fds(void)
{
	unsigned int n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static unsigned int count_maps(void)
{
	unsigned int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	int c;

	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "tx-queues", required_argument, NULL, 'q' },
		{ "no-rx", no_argument, NULL, 'n' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct kscan_rx_config cfg = {
		.sport_first = 40000,
		.sport_last = 40999,
		.probes = 1,
	};
	struct afxdp_tx_request req = { .receive = true };
	uint16_t queues[64] = { 0 };
	unsigned int fds = 0, maps = 0, repeat = 3, i, ok = 0;
	char err[1024], *tok, *save;
	int c;

	req.queues = queues;
	req.nr_queues = 1;
	while ((c = getopt_long(argc, argv, "i:v", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cfg.ifname = optarg;
			break;
		case 'q':
			req.nr_queues = 0;
			for (tok = strtok_r(optarg, ",", &save);
			     tok && req.nr_queues < 64;
			     tok = strtok_r(NULL, ",", &save))
				queues[req.nr_queues++] =
					(uint16_t)strtoul(tok, NULL, 10);
			break;
		case 'n':
			req.receive = false;
			break;
		case 'r':
			repeat = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'v':
			cfg.verbose = true;
			break;
		default:
			return 2;
		}
	}
	if (!cfg.ifname || !repeat || !req.nr_queues) {
		fprintf(stderr,
			"usage: kscan-afxdp-ladder -i IF [--tx-queues LIST] [--no-rx] [--repeat N]\n");
		return 2;
	}
	for (i = 0; i < repeat; i++) {
		struct afxdp *s;
		int ret = afxdp_setup(&cfg, &req, &s, err, sizeof(err));

		if (ret) {
			printf("error %d: %s\n", ret, err);
		} else {
			printf("rung %s\n", afxdp_mode_name(s));
			afxdp_teardown(s);
			ok++;
		}
		fflush(stdout);
		if (!i) {
			fds = count_fds();
			maps = count_maps();
		}
	}
	printf("fds %u %u maps %u %u\n", fds, count_fds(), maps, count_maps());
	if (cfg.verbose) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "ls -l /proc/%d/fd >&2",
			 (int)getpid());
		if (system(cmd))
			fprintf(stderr, "ls failed\n");
	}
	if (count_fds() > fds || count_maps() > maps)
		return 3;
	return ok == repeat ? 0 : ok ? 4 : 1;
}
