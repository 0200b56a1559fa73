// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of kscanctl's option tables (user/cli.c): every option of
 * `start` into its field, defaults, every rejection with its exact
 * message, the rules between options, stop/status operands, the generated
 * help; and --dryrun (user/scan.c): its probes are exactly the target
 * space, with valid cookies, and shards split it exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kscan/cookie.h"
#include "kscan/probe.h"

#include "cli.h"
#include "plan.h"
#include "validate.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 96

/* argv from a NULL-terminated list; getopt permutes it, so a copy. */
struct args {
	int argc;
	char *argv[MAX_ARGS];
};

static struct args *make_args(const char *first, va_list ap)
{
	struct args *a = calloc(1, sizeof(*a));
	const char *s;

	a->argv[a->argc++] = strdup("start");
	for (s = first; s; s = va_arg(ap, const char *)) {
		assert_true(a->argc < MAX_ARGS - 1);
		a->argv[a->argc++] = strdup(s);
	}
	return a;
}

static void free_args(struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a);
}

/*
 * Parse `start ARGS...`; returns the kscan_start_parse() result. cfg->targets
 * point into the arguments: keep them (@keep) to read the targets.
 */
static int start_parse(struct kscan_start_config *cfg, char *err,
		       size_t errlen, struct args **keep, const char *first, ...)
{
	struct args *a;
	va_list ap;
	int ret;

	va_start(ap, first);
	a = make_args(first, ap);
	va_end(ap);
	kscan_start_config_init(cfg);
	err[0] = '\0';
	ret = kscan_start_parse(a->argc, a->argv, cfg, err, errlen);
	if (keep)
		*keep = a;
	else
		free_args(a);
	return ret;
}

#define REQUIRED "-i", "eth0", "-G", "02:00:00:00:00:01", "-S", \
		 "198.18.0.1", "-p", "80"

static void test_start_defaults(void **state)
{
	struct kscan_start_config cfg;
	struct args *a;
	char err[512];

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, REQUIRED,
				     "198.18.1.0/24", NULL), 0);
	assert_string_equal(cfg.ifname, "eth0");
	assert_int_equal(cfg.sport_first, 32768);
	assert_int_equal(cfg.sport_last, 61000);
	assert_int_equal(cfg.probes, 1);
	assert_int_equal(cfg.rate, 0);
	assert_int_equal(cfg.shards, 1);
	assert_int_equal(cfg.shard, 0);
	assert_int_equal(cfg.nr_tx_queues, 1);
	assert_int_equal(cfg.tx_queues[0], 0);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_int_equal(cfg.max_packets, 0);
	assert_int_equal(cfg.engine, KSCAN_ENGINE_AUTO);
	assert_int_equal(cfg.rx, KSCAN_RX_AFXDP);
	assert_int_equal(cfg.cooldown_s, 8);
	assert_string_equal(cfg.output_file, "-");
	assert_int_equal(cfg.output_module, KSCAN_OUTPUT_CSV);
	assert_null(cfg.output_fields);
	assert_null(cfg.metadata_file);
	assert_null(cfg.status_file);
	assert_null(cfg.config_file);
	assert_false(cfg.no_rst);
	assert_false(cfg.given[KSCAN_OPT_KEY]);
	assert_false(cfg.given[KSCAN_OPT_SEED]);
	assert_false(cfg.given[KSCAN_OPT_TTL]);
	assert_false(cfg.detach || cfg.dryrun || cfg.quiet || cfg.verbose ||
		     cfg.sw_csum || cfg.print_key);
	assert_null(cfg.blocklist_file);
	assert_int_equal(cfg.nr_targets, 1);
	assert_string_equal(cfg.targets[0], "198.18.1.0/24");
	kscan_start_config_free(&cfg);
	free_args(a);
}

static void test_start_every_long_option(void **state)
{
	static const u8 mac[6] = { 0x02, 0, 0, 0, 0xab, 0xcd };
	static const u8 key[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
				    0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
				    0xee, 0xff };
	static const u16 ports[] = { 22, 80, 443 };
	static const u16 queues[] = { 2, 3, 5 };
	static const u32 cpus[] = { 7, 1, 1 };
	struct kscan_start_config cfg;
	struct args *a;
	char err[512];

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a,
		"--interface", "veth0", "--gateway-mac", "02:00:00:00:AB:cd",
		"--source-ip", "198.18.0.1-198.18.0.4",
		"--source-port", "40000-40999", "--target-ports", "443,80,22",
		"--probes", "3", "--rate", "100000", "--seed", "18446744073709551615",
		"--shards", "4", "--shard", "3", "--tx-queues", "2-3,5",
		"--cpus", "7,1,1", "--ttl", "64", "--window", "1024",
		"--tcp-options", "linux",
		"--key", "00112233445566778899AABBCCDDEEFF", "--print-key",
		"--xmit", "direct", "--burst", "256", "--max-targets", "1000",
		"--sw-csum", "--list-of-targets", "t.txt",
		"--allowlist-file", "a.txt", "--blocklist-file", "/dev/null",
		"--engine", "kmod", "--rx", "none", "--detach", "--quiet",
		"--cooldown-time", "3", "--output-file", "out.csv",
		"--output-module", "json", "--output-fields", "*",
		"--metadata-file", "meta.json", "--status-updates-file", "st.csv",
		"--no-rst",
		"--verbose", "198.18.1.0/24", "198.18.2.1", NULL), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.ifname, "veth0");
	assert_memory_equal(cfg.gateway_mac, mac, 6);
	assert_int_equal(cfg.saddr_first, IP4(198, 18, 0, 1));
	assert_int_equal(cfg.saddr_last, IP4(198, 18, 0, 4));
	assert_int_equal(cfg.sport_first, 40000);
	assert_int_equal(cfg.sport_last, 40999);
	assert_int_equal(cfg.nr_ports, 3);
	assert_memory_equal(cfg.ports, ports, sizeof(ports));
	assert_int_equal(cfg.probes, 3);
	assert_int_equal(cfg.rate, 100000);
	assert_true(cfg.seed == UINT64_MAX);
	assert_int_equal(cfg.shards, 4);
	assert_int_equal(cfg.shard, 3);
	assert_int_equal(cfg.nr_tx_queues, 3);
	assert_memory_equal(cfg.tx_queues, queues, sizeof(queues));
	assert_int_equal(cfg.nr_cpus, 3);
	assert_memory_equal(cfg.cpus, cpus, sizeof(cpus));
	assert_int_equal(cfg.ttl, 64);
	assert_int_equal(cfg.window, 1024);
	assert_int_equal(cfg.tcp_options, KSCAN_TCP_OPT_LINUX);
	assert_memory_equal(cfg.key, key, 16);
	assert_true(cfg.print_key);
	assert_int_equal(cfg.xmit_mode, KSCAN_XMIT_DIRECT);
	assert_int_equal(cfg.burst, 256);
	assert_int_equal(cfg.max_packets, 1000);
	assert_true(cfg.sw_csum);
	assert_string_equal(cfg.list_of_targets_file, "t.txt");
	assert_string_equal(cfg.allowlist_file, "a.txt");
	assert_string_equal(cfg.blocklist_file, "/dev/null");
	assert_true(cfg.detach && cfg.quiet && cfg.verbose);
	assert_int_equal(cfg.rx, KSCAN_RX_NONE);
	assert_int_equal(cfg.cooldown_s, 3);
	assert_string_equal(cfg.output_file, "out.csv");
	assert_int_equal(cfg.output_module, KSCAN_OUTPUT_JSON);
	assert_string_equal(cfg.output_fields, "*");
	assert_string_equal(cfg.metadata_file, "meta.json");
	assert_string_equal(cfg.status_file, "st.csv");
	assert_true(cfg.no_rst);
	assert_int_equal(cfg.nr_targets, 2);
	assert_string_equal(cfg.targets[0], "198.18.1.0/24");
	assert_string_equal(cfg.targets[1], "198.18.2.1");
	assert_true(cfg.given[KSCAN_OPT_TTL] && cfg.given[KSCAN_OPT_KEY] &&
		    cfg.given[KSCAN_OPT_SEED] && cfg.given[KSCAN_OPT_XMIT]);
	kscan_start_config_free(&cfg);
	free_args(a);
}

/* ZMap's letters, operands mixed with options, "--opt=value". */
static void test_start_short_options(void **state)
{
	struct kscan_start_config cfg;
	struct args *a;
	char err[512];

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a,
		"198.18.1.1", "-i", "eth1", "-G", "02:00:00:00:00:02",
		"-S", "198.18.0.9", "-s", "1000-1001", "-p", "8080",
		"-P", "2", "-r", "5", "-T", "4", "-n", "7", "-I", "list",
		"198.18.1.2", "-w", "allow", "-b", "block", "-q", "-v", "-d",
		"--seed=9", "-c", "0", "-o", "-", "-O", "csv", "-f", "saddr",
		"-m", "m.json", "-u", "u.csv", "-C", "/dev/null", NULL), 0);
	assert_int_equal(cfg.cooldown_s, 0);
	assert_string_equal(cfg.output_file, "-");
	assert_int_equal(cfg.output_module, KSCAN_OUTPUT_CSV);
	assert_string_equal(cfg.output_fields, "saddr");
	assert_string_equal(cfg.metadata_file, "m.json");
	assert_string_equal(cfg.status_file, "u.csv");
	assert_string_equal(cfg.config_file, "/dev/null");
	assert_string_equal(cfg.ifname, "eth1");
	assert_int_equal(cfg.saddr_first, IP4(198, 18, 0, 9));
	assert_int_equal(cfg.saddr_last, IP4(198, 18, 0, 9));
	assert_int_equal(cfg.sport_first, 1000);
	assert_int_equal(cfg.sport_last, 1001);
	assert_int_equal(cfg.nr_ports, 1);
	assert_int_equal(cfg.ports[0], 8080);
	assert_int_equal(cfg.probes, 2);
	assert_int_equal(cfg.rate, 5);
	assert_int_equal(cfg.sender_threads, 4);
	assert_int_equal(cfg.nr_tx_queues, 4);
	assert_int_equal(cfg.tx_queues[3], 3);
	assert_int_equal(cfg.max_packets, 7);
	assert_string_equal(cfg.list_of_targets_file, "list");
	assert_string_equal(cfg.allowlist_file, "allow");
	assert_string_equal(cfg.blocklist_file, "block");
	assert_true(cfg.quiet && cfg.verbose && cfg.dryrun);
	assert_int_equal(cfg.seed, 9);
	assert_int_equal(cfg.nr_targets, 2);
	assert_string_equal(cfg.targets[0], "198.18.1.1");
	assert_string_equal(cfg.targets[1], "198.18.1.2");
	kscan_start_config_free(&cfg);
	free_args(a);
}

static void test_start_value_rejections(void **state)
{
	static const struct {
		const char *opt, *value, *msg;
	} cases[] = {
		{ "--rate", "abc", "--rate: expected a number of packets per second from 0 to 1000000000 (e.g. 10000), got 'abc'" },
		{ "--rate", "-1", "--rate: expected a number of packets per second from 0 to 1000000000 (e.g. 10000), got '-1'" },
		{ "--rate", "18446744073709551616", "--rate: expected a number of packets per second from 0 to 1000000000 (e.g. 10000), got '18446744073709551616'" },
		{ "--probes", "0", "--probes: expected a number of probes from 1 to 16, got '0'" },
		{ "-P", "17", "--probes: expected a number of probes from 1 to 16, got '17'" },
		{ "--seed", "0x10", "--seed: expected an unsigned 64-bit number (e.g. 1234), got '0x10'" },
		{ "--shards", "0", "--shards: expected a number of shards from 1 to 65535, got '0'" },
		{ "--shards", "65536", "--shards: expected a number of shards from 1 to 65535, got '65536'" },
		{ "--shard", "65535", "--shard: expected a shard index from 0 to 65534, got '65535'" },
		{ "-T", "0", "--sender-threads: expected a number of threads from 1 to 64, got '0'" },
		{ "-T", "65", "--sender-threads: expected a number of threads from 1 to 64, got '65'" },
		{ "--ttl", "0", "--ttl: expected a TTL from 1 to 255, got '0'" },
		{ "--ttl", "256", "--ttl: expected a TTL from 1 to 255, got '256'" },
		{ "--window", "65536", "--window: expected a TCP window from 0 to 65535, got '65536'" },
		{ "--burst", "0", "--burst: expected a burst size from 1 to 256, got '0'" },
		{ "--burst", "257", "--burst: expected a burst size from 1 to 256, got '257'" },
		{ "-n", "0", "--max-targets: expected a number of probes, at least 1, got '0'" },
		{ "-G", "02:00:00:00:00", "--gateway-mac: expected a MAC address like 02:00:00:00:00:01, got '02:00:00:00:00'" },
		{ "-G", "02-00-00-00-00-01", "--gateway-mac: expected a MAC address like 02:00:00:00:00:01, got '02-00-00-00-00-01'" },
		{ "-G", "0g:00:00:00:00:01", "--gateway-mac: expected a MAC address like 02:00:00:00:00:01, got '0g:00:00:00:00:01'" },
		{ "--key", "0011", "--key: expected 32 hex digits (a 16-byte key), got '0011'" },
		{ "--key", "00112233445566778899aabbccddeefg", "--key: expected 32 hex digits (a 16-byte key), got '00112233445566778899aabbccddeefg'" },
		{ "--tcp-options", "sack", "--tcp-options: expected none, mss or linux, got 'sack'" },
		{ "--xmit", "fast", "--xmit: expected burst, direct or queue, got 'fast'" },
		{ "--engine", "dpdk", "--engine: the dpdk TX engine is not built yet; use auto, kmod, afxdp or afpacket" },
		{ "--engine", "pktgen", "--engine: expected auto, kmod, afxdp or afpacket, got 'pktgen'" },
		{ "--rx", "dpdk", "--rx: expected afxdp, afpacket or none, got 'dpdk'" },
		{ "-B", "10X", "--bandwidth: expected bits per second with an optional K, M or G suffix (e.g. 10M), got '10X'" },
		{ "-B", "M", "--bandwidth: expected bits per second with an optional K, M or G suffix (e.g. 10M), got 'M'" },
		{ "-B", "0", "--bandwidth: expected bits per second with an optional K, M or G suffix (e.g. 10M), got '0'" },
		{ "-B", "18446744073709552G", "--bandwidth: expected bits per second with an optional K, M or G suffix (e.g. 10M), got '18446744073709552G'" },
		{ "-c", "x", "--cooldown-time: expected a number of seconds from 0 to 86400, got 'x'" },
		{ "-c", "86401", "--cooldown-time: expected a number of seconds from 0 to 86400, got '86401'" },
		{ "-O", "xml", "--output-module: expected csv or json, got 'xml'" },
		{ "-f", "saddr,foo", "--output-fields: unknown field 'foo' in 'saddr,foo': expected a comma-separated list of saddr, daddr, sport, dport, seqnum, acknum, window, ttl, ipid, classification, success, repeat, cooldown, timestamp_str, timestamp_ts, timestamp_us, or *" },
		{ "-f", "saddr,,sport", "--output-fields: unknown field '' in 'saddr,,sport': expected a comma-separated list of saddr, daddr, sport, dport, seqnum, acknum, window, ttl, ipid, classification, success, repeat, cooldown, timestamp_str, timestamp_ts, timestamp_us, or *" },
		{ "-f", "saddr,sport,saddr", "--output-fields: field 'saddr' is listed twice in 'saddr,sport,saddr'" },
		{ "-o", "", "--output-file: expected a file name, or - for stdout, got ''" },
		{ "-m", "", "--metadata-file: expected a file name, or - for stdout, got ''" },
		{ "-u", "", "--status-updates-file: expected a file name, or - for stdout, got ''" },
		{ "-C", "/nonexistent/kscan.conf", "--config-file: cannot read /nonexistent/kscan.conf: No such file or directory" },
		{ "-i", "", "--interface: expected a network device name (e.g. eth0), got ''" },
		{ "-i", "averyverylongname", "--interface: expected a network device name (e.g. eth0), got 'averyverylongname'" },
		{ "-S", "198.18.0.0/24", "--source-ip: expected an IPv4 address (198.18.0.1), a range (198.18.0.1-198.18.0.4) or a list (198.18.0.1,198.18.0.7,198.18.0.3), got '198.18.0.0/24'" },
		{ "-S", "198.18.0.1,198.18.0.7,198.18.0.1", "--source-ip: 198.18.0.1 is listed twice in '198.18.0.1,198.18.0.7,198.18.0.1': give each source address once" },
		{ "-S", "198.18.0.1,198.18.0.256", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got '198.18.0.256' in '198.18.0.1,198.18.0.256'" },
		{ "-S", "198.18.0.1,x,198.18.0.2", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got 'x' in '198.18.0.1,x,198.18.0.2'" },
		{ "-S", "198.18.0.1, 198.18.0.2", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got ' 198.18.0.2' in '198.18.0.1, 198.18.0.2'" },
		{ "-S", "198.18.0.01,198.18.0.2", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got '198.18.0.01' in '198.18.0.01,198.18.0.2'" },
		{ "-S", "198.18.0.1,", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got '' in '198.18.0.1,'" },
		{ "-S", ",198.18.0.1", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got '' in ',198.18.0.1'" },
		{ "-S", "198.18.0.1,,198.18.0.2", "--source-ip: expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got '' in '198.18.0.1,,198.18.0.2'" },
		{ "-S", "198.18.0.1,198.18.0.2-198.18.0.4", "--source-ip: a list of source addresses cannot hold a range, got '198.18.0.2-198.18.0.4' in '198.18.0.1,198.18.0.2-198.18.0.4': give one range alone, or list every address" },
		{ "-S", "198.18.0.9-198.18.0.1,198.18.0.2", "--source-ip: a list of source addresses cannot hold a range, got '198.18.0.9-198.18.0.1' in '198.18.0.9-198.18.0.1,198.18.0.2': give one range alone, or list every address" },
		{ "-s", "61000-32768", "--source-port: port range '61000-32768' ends before it starts: did you mean 32768-61000?" },
		{ "-p", "0", "--target-ports: expected a list of ports 1-65535 and ranges, e.g. 80,443,8000-8010, got '0'" },
		{ "--tx-queues", "0,0", "--tx-queues: 0 is listed twice in '0,0'" },
		{ "--tx-queues", "0-64", "--tx-queues: at most 64 entries, got more in '0-64'" },
		{ "--tx-queues", "3-1", "--tx-queues: expected distinct queue numbers and ranges, e.g. 0-3,6, got '3-1'" },
		{ "--tx-queues", "1,", "--tx-queues: expected distinct queue numbers and ranges, e.g. 0-3,6, got '1,'" },
		{ "--tx-queues", "65536", "--tx-queues: expected distinct queue numbers and ranges, e.g. 0-3,6, got '65536'" },
		{ "--cpus", "x", "--cpus: expected CPU numbers and ranges, e.g. 2-5, got 'x'" },
	};
	struct kscan_start_config cfg;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL,
					     REQUIRED, cases[i].opt,
					     cases[i].value, "198.18.1.1",
					     NULL), -1);
		assert_string_equal(err, cases[i].msg);
		kscan_start_config_free(&cfg);
	}
}

static void test_start_syntax_errors(void **state)
{
	struct kscan_start_config cfg;
	char err[512];

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "-x", NULL), -1);
	assert_string_equal(err, "unknown option '-x' (see 'kscanctl start --help')");
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "--frobnicate",
				     NULL), -1);
	assert_string_equal(err, "unknown option '--frobnicate' (see 'kscanctl start --help')");
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "--detach=1",
				     NULL), -1);
	assert_string_equal(err, "--detach takes no value, got '--detach=1'");
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "--rate", NULL), -1);
	assert_string_equal(err, "--rate needs a value: PPS");
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "-p", NULL), -1);
	assert_string_equal(err, "--target-ports needs a value: LIST");
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "--help", NULL),
			 KSCAN_CLI_HELP);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "-h", NULL),
			 KSCAN_CLI_HELP);
}

static void test_start_rules(void **state)
{
	struct kscan_start_config cfg;
	char err[512];

	(void)state;
	/* -i, -G and -S may come from the routing table */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "-p", "80",
		"198.18.1.1", NULL), 0);
	assert_false(cfg.given[KSCAN_OPT_INTERFACE] ||
		     cfg.given[KSCAN_OPT_GATEWAY_MAC] ||
		     cfg.given[KSCAN_OPT_SOURCE_IP]);
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL,
		"-i", "eth0", "-G", "02:00:00:00:00:01", "-S", "198.18.0.1",
		"198.18.1.1", NULL), -1);
	assert_string_equal(err, "--target-ports is required (e.g. -p 80,443)");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
				     NULL), -1);
	assert_string_equal(err, "no targets: give TARGET arguments (e.g. 198.18.0.0/24), -I FILE or -w FILE");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--shards", "2", "--shard", "2", "--seed", "1", "198.18.1.1",
		NULL), -1);
	assert_string_equal(err, "--shard 2 is out of range: shards are numbered 0 to 1 (--shards 2)");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--shard", "1", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--shard 1 is out of range: shards are numbered 0 to 0 (--shards 1)");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--shards", "2", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--shards 2 needs an explicit --seed: every shard of a scan must walk the same permutation");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-P", "3", "-s", "5000-5001", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--probes 3 needs at least 3 source ports, --source-port 5000-5001 gives 2");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-T", "2", "--tx-queues", "0-2", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--sender-threads 2 disagrees with --tx-queues (3 queues): give one of them");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-T", "2", "--cpus", "1", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--cpus lists 1 CPUs for 2 threads: give one CPU per thread");
	kscan_start_config_free(&cfg);

	/* allowed: same count twice; and --dryrun needs no device */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-T", "3", "--tx-queues", "4-6", "--cpus", "0-2", "198.18.1.1",
		NULL), 0);
	assert_int_equal(cfg.tx_queues[0], 4);
	assert_int_equal(cfg.tx_queues[2], 6);
	kscan_start_config_free(&cfg);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "--dryrun",
		"-S", "198.18.0.1", "-p", "80", "-w", "file", NULL), 0);
	kscan_start_config_free(&cfg);
	/* -P 2 with exactly two source ports */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-P", "2", "-s", "5000-5001", "198.18.1.1", NULL), 0);
	kscan_start_config_free(&cfg);
}

/* -B into packets per second, and the rules of the new options. */
static void test_start_bandwidth_and_rx_rules(void **state)
{
	struct kscan_start_config cfg;
	char err[512];

	(void)state;
	/* linux options (default): 74 + 24 = 98 bytes = 784 bits a probe */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-B", "10M", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.bandwidth, 10000000);
	assert_int_equal(cfg.rate, 10000000 / 784);
	kscan_start_config_free(&cfg);
	/* no options: 54 + 24 = 78 bytes, raised to the 84-byte minimum */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--tcp-options", "none", "-B", "1g", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.rate, 1000000000 / 672);
	kscan_start_config_free(&cfg);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--tcp-options", "mss", "-B", "672k", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.rate, 1000);	/* 58 + 24 = 82 -> 84 */
	kscan_start_config_free(&cfg);
	assert_int_equal(kscan_bandwidth_to_pps(671, 54), 0);
	assert_int_equal(kscan_probe_frame_len(KSCAN_TCP_OPT_LINUX), 74);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-B", "500", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--bandwidth 500 bits/s is less than one probe per second (784 bits each on the wire)");
	kscan_start_config_free(&cfg);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-B", "1M", "-r", "10", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--bandwidth and --rate both set the send rate: give one of them");
	kscan_start_config_free(&cfg);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--detach", "--rx", "afpacket", "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--detach exits at once, so nothing would receive the replies: use --rx none or do not detach");
	kscan_start_config_free(&cfg);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--detach", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.rx, KSCAN_RX_NONE);
	kscan_start_config_free(&cfg);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"--rx=afpacket", "--engine=kmod", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.rx, KSCAN_RX_AFPACKET);
	kscan_start_config_free(&cfg);
}

/* The last -p wins, without leaking the first list. */
static void test_start_repeated_option(void **state)
{
	struct kscan_start_config cfg;
	char err[512];

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-p", "22,23", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.nr_ports, 2);
	assert_int_equal(cfg.ports[0], 22);
	assert_int_equal(cfg.ports[1], 23);
	kscan_start_config_free(&cfg);
}

/* "A,B,...": the list in order, up to 256; the last -S wins. */
static void test_start_source_list(void **state)
{
	struct kscan_start_config cfg;
	char err[512], *list, *p;
	u32 i;

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, "-i", "eth0",
		"-G", "02:00:00:00:00:01", "-p", "80", "-S",
		"198.18.0.1,198.18.0.7,198.18.0.3", "198.18.1.1", NULL), 0);
	assert_string_equal(err, "");
	assert_true(cfg.given[KSCAN_OPT_SOURCE_IP]);
	assert_int_equal(cfg.nr_saddrs, 3);
	assert_int_equal(cfg.saddr_list[0], IP4(198, 18, 0, 1));
	assert_int_equal(cfg.saddr_list[1], IP4(198, 18, 0, 7));
	assert_int_equal(cfg.saddr_list[2], IP4(198, 18, 0, 3));
	assert_int_equal(cfg.saddr_first, IP4(198, 18, 0, 1));
	assert_int_equal(cfg.saddr_last, IP4(198, 18, 0, 1));
	kscan_start_config_free(&cfg);

	/* one address and a range stay a range */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
				     "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.nr_saddrs, 0);
	kscan_start_config_free(&cfg);

	/* a range after a list replaces it, and a list after a range */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-S", "198.18.0.1,198.18.0.2", "-S", "198.18.0.5-198.18.0.6",
		"198.18.1.1", NULL), 0);
	assert_int_equal(cfg.nr_saddrs, 0);
	assert_int_equal(cfg.saddr_first, IP4(198, 18, 0, 5));
	assert_int_equal(cfg.saddr_last, IP4(198, 18, 0, 6));
	kscan_start_config_free(&cfg);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-S", "198.18.0.2,198.18.0.1", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.nr_saddrs, 2);
	assert_int_equal(cfg.saddr_list[0], IP4(198, 18, 0, 2));
	assert_int_equal(cfg.saddr_list[1], IP4(198, 18, 0, 1));
	kscan_start_config_free(&cfg);

	/* 256 distinct addresses: 198.18.0.0 .. 198.18.0.255; 257 refused */
	list = calloc(1, 257 * 16);
	p = list;
	for (i = 0; i < 256; i++)
		p += sprintf(p, "%s198.18.0.%u", i ? "," : "", i);
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-S", list, "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.nr_saddrs, 256);
	assert_int_equal(cfg.saddr_list[0], IP4(198, 18, 0, 0));
	assert_int_equal(cfg.saddr_list[255], IP4(198, 18, 0, 255));
	kscan_start_config_free(&cfg);
	strcpy(p, ",198.18.1.0");
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
		"-S", list, "198.18.1.1", NULL), -1);
	assert_string_equal(err, "--source-ip: at most 256 source addresses, got 257 in the list");
	kscan_start_config_free(&cfg);
	free(list);
}

static int id_parse(const struct kscan_cli_command *cmd, bool required,
		    struct kscan_id_config *cfg, char *err, size_t errlen,
		    const char *first, ...)
{
	struct args *a;
	va_list ap;
	int ret;

	va_start(ap, first);
	a = make_args(first, ap);
	va_end(ap);
	err[0] = '\0';
	ret = kscan_id_parse(cmd, required, a->argc, a->argv, cfg, err, errlen);
	free_args(a);
	return ret;
}

static void test_stop_status_operands(void **state)
{
	struct kscan_id_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "7", NULL), 0);
	assert_true(cfg.has_id);
	assert_int_equal(cfg.scan_id, 7);
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), NULL), -1);
	assert_string_equal(err, "expected a scan id (see 'kscanctl status')");
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "abc", NULL), -1);
	assert_string_equal(err, "expected a scan id (a number from 1 to 4294967295, see 'kscanctl status'), got 'abc'");
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "0", NULL), -1);
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "4294967295", NULL), 0);
	assert_int_equal(cfg.scan_id, 4294967295U);
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "4294967296", NULL), -1);
	assert_string_equal(err, "expected a scan id (a number from 1 to 4294967295, see 'kscanctl status'), got '4294967296'");
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "1", "2", NULL), -1);
	assert_string_equal(err, "unexpected argument '2'");
	/* stop has no -v */
	assert_int_equal(id_parse(&kscan_stop_command, true, &cfg, err,
				  sizeof(err), "-v", "1", NULL), -1);
	assert_string_equal(err, "unknown option '-v' (see 'kscanctl stop --help')");

	assert_int_equal(id_parse(&kscan_status_command, false, &cfg, err,
				  sizeof(err), NULL), 0);
	assert_false(cfg.has_id);
	assert_false(cfg.verbose);
	assert_int_equal(id_parse(&kscan_status_command, false, &cfg, err,
				  sizeof(err), "-v", "4294967295", NULL), 0);
	assert_true(cfg.has_id);
	assert_true(cfg.verbose);
	assert_int_equal(cfg.scan_id, 4294967295U);
	assert_int_equal(id_parse(&kscan_status_command, false, &cfg, err,
				  sizeof(err), "--help", NULL), KSCAN_CLI_HELP);
}

/* Every option of the table shows up in the help, with its letter. */
static void test_help_is_generated(void **state)
{
	const struct kscan_cli_option *opt;
	char *text = NULL, line[128];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	kscan_cli_help(&kscan_start_command, out);
	fclose(out);
	assert_non_null(strstr(text, "Usage: kscanctl start [options] TARGET...\n"));
	assert_non_null(strstr(text, "\n  -r, --rate PPS              packets per second"));
	assert_non_null(strstr(text, "\n      --seed N                permutation seed"));
	assert_non_null(strstr(text, "/etc/kscan/blocklist.conf if"));
	assert_non_null(strstr(text, "\n  -S, --source-ip ADDR[-ADDR|,ADDR...]\n"));
	assert_non_null(strstr(text, "198.18.0.1,198.18.0.7;"));
	for (opt = kscan_start_command.options; opt->name; opt++) {
		if (opt->short_name)
			snprintf(line, sizeof(line), "  -%c, --%s%s%s",
				 opt->short_name, opt->name,
				 opt->metavar ? " " : "",
				 opt->metavar ? opt->metavar : "");
		else
			snprintf(line, sizeof(line), "      --%s%s%s", opt->name,
				 opt->metavar ? " " : "",
				 opt->metavar ? opt->metavar : "");
		assert_non_null(strstr(text, line));
	}
	free(text);
}

static void test_value_helpers(void **state)
{
	u8 mac[6], hex[2];
	u64 v;

	(void)state;
	assert_int_equal(kscan_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(kscan_parse_uint("18446744073709551615", 0, UINT64_MAX,
					  &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kscan_parse_uint("18446744073709551616", 0, UINT64_MAX,
					  &v), -1);
	assert_int_equal(kscan_parse_uint("11", 0, 10, &v), -1);
	assert_int_equal(kscan_parse_uint("", 0, 10, &v), -1);
	assert_int_equal(kscan_parse_uint("+1", 0, 10, &v), -1);
	assert_int_equal(kscan_parse_uint(" 1", 0, 10, &v), -1);
	assert_int_equal(kscan_parse_mac("ff:FF:00:01:a0:0A", mac), 0);
	assert_int_equal(mac[0], 0xff);
	assert_int_equal(mac[1], 0xff);
	assert_int_equal(mac[3], 0x01);
	assert_int_equal(mac[5], 0x0a);
	assert_int_equal(kscan_parse_mac("ff:ff:00:01:a0:0a:", mac), -1);
	assert_int_equal(kscan_parse_hex("a0F1", hex, 2), 0);
	assert_int_equal(hex[0], 0xa0);
	assert_int_equal(hex[1], 0xf1);
	assert_int_equal(kscan_parse_hex("a0F", hex, 2), -1);
}

/* ---- --dryrun ---- */

struct probe_line {
	u32 saddr, daddr, seq, probe;
	u16 sport, dport;
};

static size_t run_dryrun(const struct kscan_start_config *cfg,
			 const struct kscan_plan *plan, struct probe_line *lines,
			 size_t max)
{
	char *text = NULL, *line, *save = NULL, err[256];
	size_t len = 0, n = 0;
	FILE *out = open_memstream(&text, &len);
	long long printed;

	printed = kscan_dryrun(cfg, plan, out, NULL, err, sizeof(err));
	fclose(out);
	assert_true(printed >= 0);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int s[4], d[4], sport, dport, probe;
		unsigned long seq;

		assert_true(n < max);
		assert_int_equal(sscanf(line, "%u.%u.%u.%u %u %u.%u.%u.%u %u %lu %u",
					&s[0], &s[1], &s[2], &s[3], &sport,
					&d[0], &d[1], &d[2], &d[3], &dport, &seq,
					&probe), 12);
		lines[n].saddr = IP4(s[0], s[1], s[2], s[3]);
		lines[n].daddr = IP4(d[0], d[1], d[2], d[3]);
		lines[n].sport = (u16)sport;
		lines[n].dport = (u16)dport;
		lines[n].seq = (u32)seq;
		lines[n].probe = probe;
		n++;
	}
	assert_int_equal(n, (size_t)printed);
	free(text);
	return n;
}

/*
 * 198.18.1.0/30 and 198.18.1.9 (5 addresses) x ports 80, 443 x 3 probes
 * = 30 probes: each exactly once, each with a valid cookie for its probe
 * number, source addresses from the range, source ports from theirs.
 */
static void test_dryrun_is_the_target_space(void **state)
{
	static const u16 ports[] = { 80, 443 };
	static const u32 ips[] = {
		IP4(198, 18, 1, 0), IP4(198, 18, 1, 1), IP4(198, 18, 1, 2),
		IP4(198, 18, 1, 3), IP4(198, 18, 1, 9),
	};
	struct kscan_start_config cfg;
	struct kscan_plan plan;
	struct probe_line lines[64], shard_lines[64];
	bool seen[5][2][3] = { { { false } } };
	struct kscan_key key;
	struct args *a;
	char err[512];
	size_t n, i, s, total;
	u32 ip;

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.1-198.18.0.3", "-s", "40000-40009", "-p",
		"443,80", "-P", "3", "--seed", "42", "--key",
		"000102030405060708090a0b0c0d0e0f", "-b", "/dev/null",
		"198.18.1.0/30", "198.18.1.9", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.seed, 42);
	kscan_key_from_bytes(&key, plan.key);

	n = run_dryrun(&cfg, &plan, lines, ARRAY_LEN(lines));
	assert_int_equal(n, 30);
	for (i = 0; i < n; i++) {
		int probe;

		for (ip = 0; ip < 5 && ips[ip] != lines[i].daddr; ip++)
			;
		assert_true(ip < 5);
		assert_true(lines[i].dport == ports[0] ||
			    lines[i].dport == ports[1]);
		assert_true(lines[i].probe < 3);
		assert_false(seen[ip][lines[i].dport == 443][lines[i].probe]);
		seen[ip][lines[i].dport == 443][lines[i].probe] = true;
		assert_true(lines[i].saddr >= IP4(198, 18, 0, 1) &&
			    lines[i].saddr <= IP4(198, 18, 0, 3));
		assert_true(lines[i].sport >= 40000 && lines[i].sport <= 40009);
		probe = kscan_cookie_check(&key, lines[i].saddr, lines[i].daddr,
					   lines[i].sport, lines[i].dport,
					   lines[i].seq + 1, 40000, 10, 3);
		assert_int_equal(probe, (int)lines[i].probe);
	}

	/* three shards: disjoint, 10 each, and together the same lines */
	total = 0;
	cfg.shards = 3;
	for (s = 0; s < 3; s++) {
		size_t m, j, k;

		cfg.shard = (u32)s;
		m = run_dryrun(&cfg, &plan, shard_lines, ARRAY_LEN(shard_lines));
		assert_int_equal(m, 10);
		for (j = 0; j < m; j++) {
			for (k = 0; k < n; k++)
				if (!memcmp(&shard_lines[j], &lines[k],
					    sizeof(lines[k])))
					break;
			assert_true(k < n);
			lines[k].probe = 99;	/* matched: cannot match again */
		}
		total += m;
	}
	assert_int_equal(total, 30);

	/* the budget takes the first positions of the shard */
	cfg.shards = 1;
	cfg.shard = 0;
	cfg.max_packets = 4;
	assert_int_equal(run_dryrun(&cfg, &plan, shard_lines,
				    ARRAY_LEN(shard_lines)), 4);
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	free_args(a);
}

/*
 * -S with a list: the probes to target d come from list[d mod n], as the
 * module sends them (kscan_probe_fields()), with valid cookies for that
 * source; every source is used.
 */
static void test_dryrun_source_list(void **state)
{
	static const u32 list[] = {
		IP4(198, 18, 0, 9), IP4(198, 18, 0, 1), IP4(198, 18, 0, 5),
	};
	struct kscan_start_config cfg;
	struct kscan_plan plan;
	struct probe_line lines[64];
	bool used[3] = { false };
	struct kscan_key key;
	struct args *a;
	char err[512];
	size_t n, i;

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.9,198.18.0.1,198.18.0.5", "-s", "40000-40009",
		"-p", "80", "-P", "2", "--seed", "7", "--key",
		"000102030405060708090a0b0c0d0e0f", "-b", "/dev/null",
		"198.18.1.0/29", "198.18.1.9", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), 0);
	kscan_key_from_bytes(&key, plan.key);

	n = run_dryrun(&cfg, &plan, lines, ARRAY_LEN(lines));
	assert_int_equal(n, 18);	/* 9 addresses x 1 port x 2 probes */
	for (i = 0; i < n; i++) {
		u32 want = list[lines[i].daddr % 3];

		assert_int_equal(lines[i].saddr, want);
		used[lines[i].daddr % 3] = true;
		assert_int_equal(kscan_cookie_check(&key, lines[i].saddr,
						    lines[i].daddr,
						    lines[i].sport,
						    lines[i].dport,
						    lines[i].seq + 1, 40000,
						    10, 2),
				 (int)lines[i].probe);
	}
	assert_true(used[0] && used[1] && used[2]);
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	free_args(a);
}

/*
 * -S 0.0.0.0-255.255.255.255: 2^32 sources, one more than a u32 counts
 * (once a divide error in the kernel and SIGFPE here). Every target is
 * probed from its own address (d mod 2^32 = d), and the validator takes
 * the replies.
 */
static void test_dryrun_full_source_range(void **state)
{
	struct kscan_start_config cfg;
	struct kscan_validator v;
	struct kscan_plan plan;
	struct probe_line lines[16];
	struct kscan_key key;
	struct args *a;
	char err[512];
	size_t n, i;

	(void)state;
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "0.0.0.0-255.255.255.255", "-s", "40000-40009", "-p",
		"80", "--seed", "1", "--key",
		"000102030405060708090a0b0c0d0e0f", "-b", "/dev/null",
		"198.18.0.0/30", NULL), 0);
	assert_int_equal(cfg.saddr_first, 0);
	assert_int_equal(cfg.saddr_last, 0xffffffffU);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), 0);
	kscan_key_from_bytes(&key, plan.key);
	n = run_dryrun(&cfg, &plan, lines, ARRAY_LEN(lines));
	assert_int_equal(n, 4);
	assert_int_equal(kscan_validator_init(&v, plan.targets.iv,
					      (u32)plan.targets.nr, cfg.ports,
					      cfg.nr_ports, plan.key, 0,
					      0xffffffffU, 40000, 40009, 1), 0);
	assert_true(v.saddr_count == 0x100000000ULL);
	for (i = 0; i < n; i++) {
		assert_int_equal(lines[i].saddr, lines[i].daddr);
		assert_int_equal(kscan_cookie_check(&key, lines[i].saddr,
						    lines[i].daddr,
						    lines[i].sport,
						    lines[i].dport,
						    lines[i].seq + 1, 40000,
						    10, 1), 0);
		assert_int_equal(kscan_probe_saddr(v.saddr_first,
						   v.saddr_count, NULL,
						   lines[i].daddr),
				 lines[i].saddr);
	}
	/* and the last address of the range is its own source too */
	assert_int_equal(kscan_probe_saddr(0, 0x100000000ULL, NULL,
					   0xffffffffU), 0xffffffffU);
	assert_int_equal(kscan_probe_saddr_count(0, 0xffffffffU),
			 0x100000000ULL);
	assert_int_equal(kscan_probe_saddr_count(7, 7), 1);
	kscan_validator_free(&v);
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	free_args(a);
}

/* The limits the module's policy holds, refused here first (exit 2). */
static void test_start_value_boundaries(void **state)
{
	static const struct {
		const char *opt, *value;
		int ret;
	} cases[] = {
		{ "-r", "0", 0 },
		{ "-r", "1000000000", 0 },
		{ "-r", "1000000001", -1 },
		{ "-r", "18446744073709551615", -1 },
		{ "-r", "18446744073709551616", -1 },
		{ "-P", "0", -1 },
		{ "-P", "1", 0 },
		{ "-P", "16", 0 },
		{ "-P", "17", -1 },
		{ "--burst", "0", -1 },
		{ "--burst", "1", 0 },
		{ "--burst", "256", 0 },
		{ "--burst", "257", -1 },
		{ "--ttl", "0", -1 },
		{ "--ttl", "1", 0 },
		{ "--ttl", "255", 0 },
		{ "--ttl", "256", -1 },
		{ "--shards", "0", -1 },
		{ "--shards", "65536", -1 },
		{ "-n", "0", -1 },
		{ "-n", "1", 0 },
		{ "-n", "9223372036854775808", 0 },
		{ "-n", "18446744073709551615", 0 },
		{ "-s", "0-10", -1 },
		{ "-s", "1-1", 0 },
		{ "-s", "65535-65535", 0 },
		{ "-s", "65535-65536", -1 },
		{ "-T", "0", -1 },
		{ "-T", "64", 0 },
		{ "-T", "65", -1 },
		{ "-S", "0.0.0.0-255.255.255.255", 0 },
		{ "-B", "100G", 0 },
		{ "-B", "999999999G", -1 },
	};
	struct kscan_start_config cfg;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int ret = start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
				      cases[i].opt, cases[i].value,
				      "198.18.1.1", NULL);

		if (ret != cases[i].ret)
			print_error("%s %s: got %d (%s)\n", cases[i].opt,
				    cases[i].value, ret, err);
		assert_int_equal(ret, cases[i].ret);
		kscan_start_config_free(&cfg);
	}
	/* --bandwidth beyond the module's rate names the flag */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), NULL, REQUIRED,
				     "-B", "999999999G", "198.18.1.1", NULL), -1);
	assert_non_null(strstr(err, "--bandwidth"));
	assert_non_null(strstr(err, "at most 1000000000"));
	kscan_start_config_free(&cfg);
}

static void test_plan_blocklist(void **state)
{
	struct kscan_start_config cfg;
	struct kscan_plan plan;
	struct args *a;
	char err[1024];

	(void)state;
	/* the shipped blocklist covers the lab range: nothing left */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.1", "-p", "80", "-b", "etc/blocklist.conf",
		"198.18.1.0/24", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "nothing to scan: every target is in the blocklist etc/blocklist.conf (special-purpose ranges need -b with another file, or -b /dev/null)");
	kscan_start_config_free(&cfg);
	free_args(a);

	/* a target outside the blocklist survives it, the rest is cut */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.1", "-p", "80", "-b", "etc/blocklist.conf",
		"9.255.255.250-10.0.0.5", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.nr_allowed, 12);
	assert_int_equal(plan.targets.nr, 1);
	assert_int_equal(plan.targets.iv[0].first, IP4(9, 255, 255, 250));
	assert_int_equal(plan.targets.iv[0].last, IP4(9, 255, 255, 255));
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	free_args(a);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.1", "-p", "80", "-b", "/dev/null",
		"198.18.1.300", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "TARGET: expected " KSCAN_TARGET_FORMS ", got '198.18.1.300'");
	kscan_start_config_free(&cfg);
	free_args(a);

	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.1", "-p", "80", "-b", "/nonexistent",
		"198.18.1.3", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), -1);
	assert_string_equal(err, "blocklist: /nonexistent: No such file or directory");
	kscan_start_config_free(&cfg);
	free_args(a);

	/* a random key and seed when not given */
	assert_int_equal(start_parse(&cfg, err, sizeof(err), &a, "--dryrun",
		"-S", "198.18.0.1", "-p", "80", "-b", "/dev/null",
		"198.18.1.3", NULL), 0);
	assert_int_equal(kscan_plan_build(&cfg, ".", &plan, err, sizeof(err)), 0);
	{
		static const u8 zero[KSCAN_KEY_LEN];

		assert_memory_not_equal(plan.key, zero, sizeof(zero));
	}
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	free_args(a);
}

static void test_default_blocklist_path(void **state)
{
	char buf[4096];

	(void)state;
	if (!access(KSCAN_SYSTEM_BLOCKLIST, R_OK))
		skip();	/* the installed one wins; the repo path is moot */
	/* from <repo>/user, ../etc/blocklist.conf is the repo's */
	assert_int_equal(kscan_default_blocklist("user", buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "/etc/blocklist.conf"));
	assert_int_equal(kscan_default_blocklist("/nonexistent/bin", buf,
						 sizeof(buf)), -1);
	assert_string_equal(buf, "/etc/kscan/blocklist.conf nor /nonexistent/bin/../etc/blocklist.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_defaults),
		cmocka_unit_test(test_start_every_long_option),
		cmocka_unit_test(test_start_short_options),
		cmocka_unit_test(test_start_value_rejections),
		cmocka_unit_test(test_start_syntax_errors),
		cmocka_unit_test(test_start_rules),
		cmocka_unit_test(test_start_bandwidth_and_rx_rules),
		cmocka_unit_test(test_start_repeated_option),
		cmocka_unit_test(test_start_source_list),
		cmocka_unit_test(test_stop_status_operands),
		cmocka_unit_test(test_help_is_generated),
		cmocka_unit_test(test_value_helpers),
		cmocka_unit_test(test_dryrun_is_the_target_space),
		cmocka_unit_test(test_dryrun_source_list),
		cmocka_unit_test(test_dryrun_full_source_range),
		cmocka_unit_test(test_start_value_boundaries),
		cmocka_unit_test(test_plan_blocklist),
		cmocka_unit_test(test_default_blocklist_path),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
