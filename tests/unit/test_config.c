// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the configuration file (user/config.c) through
 * kscan_start_parse_with(): both syntaxes, comments, flags, the command
 * line winning, the default file, and every rejection with its message.
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

#include "cli.h"
#include "config.h"

#define MAX_ARGS 32

struct args {
	int argc;
	char *argv[MAX_ARGS];
};

/* A temporary file holding @text; returns its malloc'ed path. */
static char *write_conf(const char *text)
{
	char *path = strdup("/tmp/kscan-test-conf-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static int parse(struct kscan_start_config *cfg, struct args *a,
		 const char *default_conf, char *err, size_t errlen,
		 const char *first, ...)
{
	const char *s;
	va_list ap;

	memset(a, 0, sizeof(*a));
	a->argv[a->argc++] = strdup("start");
	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *))
		a->argv[a->argc++] = strdup(s);
	va_end(ap);
	kscan_start_config_init(cfg);
	err[0] = '\0';
	return kscan_start_parse_with(a->argc, a->argv, cfg, default_conf, err,
				      errlen);
}

static void args_free(struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

static void test_config_both_syntaxes(void **state)
{
	char *path = write_conf(
		"# kscan configuration\n"
		"\n"
		"interface ks0\n"
		"gateway-mac=02:00:00:00:00:09   # the router\n"
		"  source-ip   198.18.0.1-198.18.0.2\n"
		"target-ports = 22,80\n"
		"rate\t5000\n"
		"cooldown-time=2\n"
		"output-module json\n"
		"output-fields saddr,sport\n"
		"no-rst\n"
		"quiet true\n"
		"verbose false\n"
		"blocklist-file /dev/null\n");
	static const u8 mac[6] = { 2, 0, 0, 0, 0, 9 };
	struct kscan_start_config cfg;
	struct args a;
	char err[512];

	(void)state;
	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C", path,
			       "198.18.1.0/24", NULL), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.config_file, path);
	assert_string_equal(cfg.ifname, "ks0");
	assert_memory_equal(cfg.gateway_mac, mac, 6);
	assert_int_equal(cfg.saddr_last - cfg.saddr_first, 1);
	assert_int_equal(cfg.nr_ports, 2);
	assert_int_equal(cfg.rate, 5000);
	assert_int_equal(cfg.cooldown_s, 2);
	assert_int_equal(cfg.output_module, KSCAN_OUTPUT_JSON);
	assert_string_equal(cfg.output_fields, "saddr,sport");
	assert_true(cfg.no_rst && cfg.quiet);
	assert_false(cfg.verbose);
	assert_false(cfg.given[KSCAN_OPT_VERBOSE]);
	assert_true(cfg.given[KSCAN_OPT_RATE]);
	assert_string_equal(cfg.blocklist_file, "/dev/null");
	kscan_start_config_free(&cfg);
	args_free(&a);
	unlink(path);
	free(path);
}

/* The source-ip key takes a list as -S does; -S on the command line wins. */
static void test_config_source_list(void **state)
{
	char *path = write_conf("source-ip 198.18.0.1,198.18.0.7,198.18.0.3\n"
				"target-ports 80\n");
	char *dup = write_conf("source-ip = 198.18.0.1,198.18.0.1\n");
	struct kscan_start_config cfg;
	struct args a;
	char err[512], want[640];

	(void)state;
	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C", path,
			       "198.18.1.1", NULL), 0);
	assert_true(cfg.given[KSCAN_OPT_SOURCE_IP]);
	assert_int_equal(cfg.nr_saddrs, 3);
	assert_int_equal(cfg.saddr_list[1], 198u << 24 | 18 << 16 | 7);
	kscan_start_config_free(&cfg);
	args_free(&a);

	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C", path,
			       "-S", "198.18.0.9", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.nr_saddrs, 0);
	assert_int_equal(cfg.saddr_first, 198u << 24 | 18 << 16 | 9);
	kscan_start_config_free(&cfg);
	args_free(&a);

	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C", dup,
			       "-p", "1", "198.18.1.1", NULL), -1);
	snprintf(want, sizeof(want),
		 "%s:1: --source-ip: 198.18.0.1 is listed twice in '198.18.0.1,198.18.0.1': give each source address once",
		 dup);
	assert_string_equal(err, want);
	kscan_start_config_free(&cfg);
	args_free(&a);
	unlink(path);
	unlink(dup);
	free(path);
	free(dup);
}

/* Options on the command line win over the file, in any order. */
static void test_config_flags_win(void **state)
{
	char *path = write_conf("rate 5000\ntarget-ports 22\ncooldown-time 2\n");
	struct kscan_start_config cfg;
	struct args a;
	char err[512];

	(void)state;
	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-r", "7",
			       "198.18.1.1", "--config-file", path, "-p", "443",
			       NULL), 0);
	assert_int_equal(cfg.rate, 7);
	assert_int_equal(cfg.nr_ports, 1);
	assert_int_equal(cfg.ports[0], 443);
	assert_int_equal(cfg.cooldown_s, 2);
	kscan_start_config_free(&cfg);
	args_free(&a);

	/* the default file is read only when present and no -C is given */
	assert_int_equal(parse(&cfg, &a, path, err, sizeof(err), "198.18.1.1",
			       NULL), 0);
	assert_int_equal(cfg.rate, 5000);
	assert_string_equal(cfg.config_file, path);
	kscan_start_config_free(&cfg);
	args_free(&a);
	assert_int_equal(parse(&cfg, &a, "/nonexistent/kscan.conf", err,
			       sizeof(err), "-p", "1", "198.18.1.1", NULL), 0);
	assert_null(cfg.config_file);
	assert_int_equal(cfg.rate, 0);
	kscan_start_config_free(&cfg);
	args_free(&a);
	assert_int_equal(parse(&cfg, &a, path, err, sizeof(err), "-C",
			       "/dev/null", "-p", "1", "198.18.1.1", NULL), 0);
	assert_int_equal(cfg.rate, 0);
	kscan_start_config_free(&cfg);
	args_free(&a);
	unlink(path);
	free(path);
}

static void test_config_rejections(void **state)
{
	static const struct {
		const char *text, *msg;	/* msg after "PATH:" */
	} cases[] = {
		{ "frobnicate 1\n", "1: unknown key 'frobnicate' (keys are the long options of 'kscanctl start --help')" },
		{ "# ok\n-r 5\n", "2: unknown key '-r' (keys are the long options of 'kscanctl start --help')" },
		{ "rate\n", "1: --rate needs a value: PPS" },
		{ "rate =\n", "1: --rate needs a value: PPS" },
		{ "rate abc\n", "1: --rate: expected a number of packets per second from 0 to 1000000000 (e.g. 10000), got 'abc'" },
		{ "\n\nquiet maybe\n", "3: --quiet takes no value (or true/false), got 'maybe'" },
		{ "config-file /etc/other\n", "1: 'config-file' cannot be set in a configuration file" },
		{ "help\n", "1: 'help' cannot be set in a configuration file" },
		{ "engine dpdk\n", "1: --engine: the dpdk TX engine is not built yet; use auto, kmod, afxdp or afpacket" },
		{ "output-fields saddr,nope\n", "1: --output-fields: unknown field 'nope' in 'saddr,nope': expected a comma-separated list of saddr, daddr, sport, dport, seqnum, acknum, window, ttl, ipid, classification, success, repeat, cooldown, timestamp_str, timestamp_ts, timestamp_us, or *" },
	};
	struct kscan_start_config cfg;
	char err[512], want[640];
	struct args a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = write_conf(cases[i].text);

		assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C",
				       path, "-p", "1", "198.18.1.1", NULL), -1);
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].msg);
		assert_string_equal(err, want);
		kscan_start_config_free(&cfg);
		args_free(&a);
		unlink(path);
		free(path);
	}
	/* a bad command line is reported before the file is read */
	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C",
			       "/nonexistent", "--rate", "x", NULL), -1);
	assert_string_equal(err, "--rate: expected a number of packets per second from 0 to 1000000000 (e.g. 10000), got 'x'");
	kscan_start_config_free(&cfg);
	args_free(&a);
}

/* The shipped example parses. */
static void test_config_example(void **state)
{
	struct kscan_start_config cfg;
	struct args a;
	char err[512];

	(void)state;
	assert_int_equal(parse(&cfg, &a, NULL, err, sizeof(err), "-C",
			       "etc/kscan.conf", "-p", "1", "198.18.1.1", NULL),
			 0);
	assert_string_equal(err, "");
	assert_true(cfg.given[KSCAN_OPT_COOLDOWN]);
	assert_int_equal(cfg.cooldown_s, 8);
	kscan_start_config_free(&cfg);
	args_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_both_syntaxes),
		cmocka_unit_test(test_config_flags_win),
		cmocka_unit_test(test_config_source_list),
		cmocka_unit_test(test_config_rejections),
		cmocka_unit_test(test_config_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
