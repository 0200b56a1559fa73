// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl's option tables, the parsers of their values, and the parsing
 * and help engine built on getopt_long() (see cli.h).
 */
#include <ctype.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "output.h"
#include "targets.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Long options get getopt_long() values above every short letter. */
#define KSCAN_CLI_LONG_BASE 256
#define KSCAN_CLI_HELP_COLUMN 30
#define KSCAN_CLI_WIDTH 79

static int kscan_cli_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int kscan_parse_uint(const char *text, u64 min, u64 max, u64 *value)
{
	u64 v = 0;
	const char *p;

	if (!*text)
		return -1;
	for (p = text; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		if (v > (UINT64_MAX - (u64)(*p - '0')) / 10)
			return -1;	/* overflow */
		v = v * 10 + (u64)(*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*value = v;
	return 0;
}

static int kscan_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int kscan_parse_hex(const char *text, u8 *out, size_t len)
{
	size_t i;

	if (strlen(text) != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		int hi = kscan_hex_digit(text[2 * i]);
		int lo = kscan_hex_digit(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

int kscan_parse_mac(const char *text, u8 mac[6])
{
	int i, hi, lo;

	if (strlen(text) != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if (i && text[3 * i - 1] != ':')
			return -1;
		hi = kscan_hex_digit(text[3 * i]);
		lo = kscan_hex_digit(text[3 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		mac[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

/* ---- value parsers of the tables ---- */

static int kscan_opt_flag(const struct kscan_cli_option *opt, void *cfg,
			  const char *value, char *err, size_t errlen)
{
	(void)value;
	(void)err;
	(void)errlen;
	*(bool *)((char *)cfg + opt->offset) = true;
	return 0;
}

static int kscan_opt_string(const struct kscan_cli_option *opt, void *cfg,
			    const char *value, char *err, size_t errlen)
{
	if (!*value)
		return kscan_cli_fail(err, errlen, "expected %s, got ''",
				      opt->expect);
	*(const char **)((char *)cfg + opt->offset) = value;
	return 0;
}

/* An unsigned integer of opt->size bytes within [opt->min, opt->max]. */
static int kscan_opt_uint(const struct kscan_cli_option *opt, void *cfg,
			  const char *value, char *err, size_t errlen)
{
	void *field = (char *)cfg + opt->offset;
	u64 v;

	if (kscan_parse_uint(value, opt->min, opt->max, &v))
		return kscan_cli_fail(err, errlen, "expected %s, got '%s'",
				      opt->expect, value);
	switch (opt->size) {
	case 1:
		*(u8 *)field = (u8)v;
		break;
	case 2:
		*(u16 *)field = (u16)v;
		break;
	case 4:
		*(u32 *)field = (u32)v;
		break;
	default:
		*(u64 *)field = v;
		break;
	}
	return 0;
}

/* One of opt->choices; its index goes into a u32. */
static int kscan_opt_choice(const struct kscan_cli_option *opt, void *cfg,
			    const char *value, char *err, size_t errlen)
{
	u32 i;

	for (i = 0; opt->choices[i]; i++) {
		if (!strcmp(value, opt->choices[i])) {
			*(u32 *)((char *)cfg + opt->offset) = i;
			return 0;
		}
	}
	return kscan_cli_fail(err, errlen, "expected %s, got '%s'",
			      opt->expect, value);
}

static int kscan_opt_interface(const struct kscan_cli_option *opt, void *cfg,
			       const char *value, char *err, size_t errlen)
{
	if (!*value || strlen(value) >= IF_NAMESIZE || strchr(value, '/') ||
	    strchr(value, ' '))
		return kscan_cli_fail(err, errlen, "expected %s, got '%s'",
				      opt->expect, value);
	return kscan_opt_string(opt, cfg, value, err, errlen);
}

static int kscan_opt_mac(const struct kscan_cli_option *opt, void *cfg,
			 const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;

	if (kscan_parse_mac(value, sc->gateway_mac))
		return kscan_cli_fail(err, errlen, "expected %s, got '%s'",
				      opt->expect, value);
	return 0;
}

static int kscan_opt_key(const struct kscan_cli_option *opt, void *cfg,
			 const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;

	if (kscan_parse_hex(value, sc->key, KSCAN_KEY_LEN))
		return kscan_cli_fail(err, errlen, "expected %s, got '%s'",
				      opt->expect, value);
	return 0;
}

static int kscan_opt_source_ip(const struct kscan_cli_option *opt, void *cfg,
			       const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;
	u32 first, last, list[KSCAN_MAX_SADDRS], n;

	(void)opt;
	if (kscan_parse_saddrs(value, &first, &last, list, &n, err, errlen))
		return -1;
	/* the last -S wins, a range over a list too */
	sc->saddr_first = first;
	sc->saddr_last = last;
	memcpy(sc->saddr_list, list, n * sizeof(list[0]));
	sc->nr_saddrs = n;
	return 0;
}

static int kscan_opt_source_port(const struct kscan_cli_option *opt,
				 void *cfg, const char *value, char *err,
				 size_t errlen)
{
	struct kscan_start_config *sc = cfg;

	(void)opt;
	return kscan_parse_port_range(value, &sc->sport_first, &sc->sport_last,
				      err, errlen);
}

static int kscan_opt_ports(const struct kscan_cli_option *opt, void *cfg,
			   const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;
	u16 *ports;
	u32 n;

	(void)opt;
	if (kscan_parse_ports(value, &ports, &n, err, errlen))
		return -1;
	free(sc->ports);	/* the last -p wins */
	sc->ports = ports;
	sc->nr_ports = n;
	return 0;
}

/*
 * "0-3,6": numbers and ranges up to @max, in the order given, at most
 * KSCAN_MAX_QUEUES of them; duplicates refused when @distinct.
 */
static int kscan_parse_index_list(const struct kscan_cli_option *opt,
				  const char *value, u64 max, bool distinct,
				  u32 *out, u32 *nr, char *err, size_t errlen)
{
	char *copy = strdup(value), *elem, *save = NULL, *dash;
	u64 first, last, v;
	u32 n = 0, i;

	if (!copy)
		return kscan_cli_fail(err, errlen, "out of memory");
	if (!*value || value[strlen(value) - 1] == ',' || value[0] == ',' ||
	    strstr(value, ",,"))
		goto bad;
	for (elem = strtok_r(copy, ",", &save); elem;
	     elem = strtok_r(NULL, ",", &save)) {
		dash = strchr(elem, '-');
		if (dash)
			*dash = '\0';
		if (kscan_parse_uint(elem, 0, max, &first))
			goto bad;
		last = first;
		if (dash && kscan_parse_uint(dash + 1, 0, max, &last))
			goto bad;
		if (first > last)
			goto bad;
		for (v = first; v <= last; v++) {
			if (n == KSCAN_MAX_QUEUES) {
				free(copy);
				return kscan_cli_fail(err, errlen,
						      "at most %d entries, got more in '%s'",
						      KSCAN_MAX_QUEUES, value);
			}
			for (i = 0; distinct && i < n; i++) {
				if (out[i] == v) {
					free(copy);
					return kscan_cli_fail(err, errlen,
							      "%llu is listed twice in '%s'",
							      (unsigned long long)v, value);
				}
			}
			out[n++] = (u32)v;
		}
	}
	free(copy);
	*nr = n;
	return 0;
bad:
	free(copy);
	return kscan_cli_fail(err, errlen, "expected %s, got '%s'", opt->expect,
			      value);
}

static int kscan_opt_tx_queues(const struct kscan_cli_option *opt, void *cfg,
			       const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;
	u32 queues[KSCAN_MAX_QUEUES], i;

	if (kscan_parse_index_list(opt, value, 65535, true, queues,
				   &sc->nr_tx_queues, err, errlen))
		return -1;
	for (i = 0; i < sc->nr_tx_queues; i++)
		sc->tx_queues[i] = (u16)queues[i];
	return 0;
}

static int kscan_opt_cpus(const struct kscan_cli_option *opt, void *cfg,
			  const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;

	return kscan_parse_index_list(opt, value, UINT32_MAX - 1, false,
				      sc->cpus, &sc->nr_cpus, err, errlen);
}

/* "10M": bits per second, decimal K/M/G multipliers as ZMap's -B. */
static int kscan_opt_bandwidth(const struct kscan_cli_option *opt, void *cfg,
			       const char *value, char *err, size_t errlen)
{
	struct kscan_start_config *sc = cfg;
	size_t len = strlen(value);
	u64 mult = 1, v;
	char digits[32];

	if (len && strchr("kKmMgG", value[len - 1])) {
		switch (tolower((unsigned char)value[len - 1])) {
		case 'k':
			mult = 1000;
			break;
		case 'm':
			mult = 1000000;
			break;
		default:
			mult = 1000000000;
			break;
		}
		len--;
	}
	if (len >= sizeof(digits))
		goto bad;
	memcpy(digits, value, len);
	digits[len] = '\0';
	if (kscan_parse_uint(digits, 1, UINT64_MAX / mult, &v))
		goto bad;
	sc->bandwidth = v * mult;
	return 0;
bad:
	return kscan_cli_fail(err, errlen, "expected %s, got '%s'", opt->expect,
			      value);
}

/* dpdk is a known name, not built yet: refused by name. */
static int kscan_opt_engine(const struct kscan_cli_option *opt, void *cfg,
			    const char *value, char *err, size_t errlen)
{
	u32 engine;

	if (kscan_opt_choice(opt, cfg, value, err, errlen))
		return -1;
	engine = *(u32 *)((char *)cfg + opt->offset);
	if (engine == KSCAN_ENGINE_DPDK)
		return kscan_cli_fail(err, errlen,
				      "the dpdk TX engine is not built yet; use auto, kmod, afxdp or afpacket");
	return 0;
}

static int kscan_opt_output_fields(const struct kscan_cli_option *opt,
				   void *cfg, const char *value, char *err,
				   size_t errlen)
{
	if (kscan_output_check_fields(value, err, errlen))
		return -1;
	return kscan_opt_string(opt, cfg, value, err, errlen);
}

/* ---- the tables ---- */

#define START_FIELD(f) .offset = offsetof(struct kscan_start_config, f), \
		       .size = sizeof(((struct kscan_start_config *)0)->f)
#define ID_FIELD(f) .offset = offsetof(struct kscan_id_config, f), \
		    .size = sizeof(((struct kscan_id_config *)0)->f)

static const char *const kscan_tcp_option_names[] = {
	[KSCAN_TCP_OPT_NONE] = "none",
	[KSCAN_TCP_OPT_MSS] = "mss",
	[KSCAN_TCP_OPT_LINUX] = "linux",
	NULL,
};

static const char *const kscan_xmit_names[] = {
	[KSCAN_XMIT_BURST] = "burst",
	[KSCAN_XMIT_DIRECT] = "direct",
	[KSCAN_XMIT_QUEUE] = "queue",
	NULL,
};

static const char *const kscan_engine_names[] = {
	[KSCAN_ENGINE_KMOD] = "kmod",
	[KSCAN_ENGINE_AFXDP] = "afxdp",
	[KSCAN_ENGINE_DPDK] = "dpdk",
	[KSCAN_ENGINE_AFPACKET] = "afpacket",
	[KSCAN_ENGINE_AUTO] = "auto",
	NULL,
};

const char *kscan_engine_name(u32 engine)
{
	return engine <= KSCAN_ENGINE_AUTO ? kscan_engine_names[engine] : "?";
}

static const char *const kscan_rx_names[] = {
	[KSCAN_RX_AFXDP] = "afxdp",
	[KSCAN_RX_AFPACKET] = "afpacket",
	[KSCAN_RX_NONE] = "none",
	NULL,
};

static const char *const kscan_output_module_names[] = {
	[KSCAN_OUTPUT_CSV] = "csv",
	[KSCAN_OUTPUT_JSON] = "json",
	NULL,
};

#define KSCAN_OPT_HELP_ENTRY                                   \
	{ .id = KSCAN_OPT_HELP, .name = "help", .short_name = 'h', \
	  .help = "show this help and exit" }

static const struct kscan_cli_option kscan_start_options[] = {
	{ .id = KSCAN_OPT_INTERFACE, .name = "interface", .short_name = 'i',
	  .metavar = "IFNAME",
	  .help = "send and receive on this device (default: the device of "
		  "the route to the first target)",
	  .parse = kscan_opt_interface, START_FIELD(ifname),
	  .expect = "a network device name (e.g. eth0)" },
	{ .id = KSCAN_OPT_GATEWAY_MAC, .name = "gateway-mac", .short_name = 'G',
	  .metavar = "MAC",
	  .help = "MAC address of the next hop (default: from the neighbour "
		  "table, for the route's gateway or the first target when "
		  "it is on-link)",
	  .parse = kscan_opt_mac,
	  .expect = "a MAC address like 02:00:00:00:00:01" },
	{ .id = KSCAN_OPT_SOURCE_IP, .name = "source-ip", .short_name = 'S',
	  .metavar = "ADDR[-ADDR|,ADDR...]",
	  .help = "source address, a range, or a list of up to 256 distinct "
		  "addresses such as 198.18.0.1,198.18.0.7; target address "
		  "d is probed from entry d%n of the n sources (default: "
		  "the preferred source of the route to the first target)",
	  .parse = kscan_opt_source_ip },
	{ .id = KSCAN_OPT_SOURCE_PORT, .name = "source-port", .short_name = 's',
	  .metavar = "A-B",
	  .help = "source ports the cookie picks from (default 32768-61000)",
	  .parse = kscan_opt_source_port },
	{ .id = KSCAN_OPT_TARGET_PORTS, .name = "target-ports",
	  .short_name = 'p', .metavar = "LIST",
	  .help = "ports to probe, e.g. 80,443,8000-8010 (required)",
	  .parse = kscan_opt_ports },
	{ .id = KSCAN_OPT_PROBES, .name = "probes", .short_name = 'P',
	  .metavar = "N",
	  .help = "probes per (address, port), each from another source "
		  "port (default 1)",
	  .parse = kscan_opt_uint, START_FIELD(probes), .min = 1,
	  .max = KSCAN_MAX_PROBES,
	  .expect = "a number of probes from 1 to 16" },
	{ .id = KSCAN_OPT_RATE, .name = "rate", .short_name = 'r',
	  .metavar = "PPS",
	  .help = "packets per second for the whole scan, at most "
		  "1000000000; 0 = as fast as possible (default 0)",
	  .parse = kscan_opt_uint, START_FIELD(rate), .max = KSCAN_MAX_RATE,
	  .expect = "a number of packets per second from 0 to 1000000000 "
		    "(e.g. 10000)" },
	{ .id = KSCAN_OPT_SEED, .name = "seed", .metavar = "N",
	  .help = "permutation seed; every shard of a scan needs the same "
		  "one (default random)",
	  .parse = kscan_opt_uint, START_FIELD(seed), .max = UINT64_MAX,
	  .expect = "an unsigned 64-bit number (e.g. 1234)" },
	{ .id = KSCAN_OPT_SHARDS, .name = "shards", .metavar = "N",
	  .help = "split the scan into N shards, for N machines (default 1)",
	  .parse = kscan_opt_uint, START_FIELD(shards), .min = 1,
	  .max = KSCAN_MAX_SHARDS,
	  .expect = "a number of shards from 1 to 65535" },
	{ .id = KSCAN_OPT_SHARD, .name = "shard", .metavar = "I",
	  .help = "the shard this machine sends, 0-based, < --shards "
		  "(default 0)",
	  .parse = kscan_opt_uint, START_FIELD(shard),
	  .max = KSCAN_MAX_SHARDS - 1,
	  .expect = "a shard index from 0 to 65534" },
	{ .id = KSCAN_OPT_SENDER_THREADS, .name = "sender-threads",
	  .short_name = 'T', .metavar = "N",
	  .help = "kernel threads, on TX queues 0..N-1 (default 1)",
	  .parse = kscan_opt_uint, START_FIELD(sender_threads), .min = 1,
	  .max = KSCAN_MAX_QUEUES,
	  .expect = "a number of threads from 1 to 64" },
	{ .id = KSCAN_OPT_TX_QUEUES, .name = "tx-queues", .metavar = "LIST",
	  .help = "TX queues, one thread each, e.g. 0-3,6 (instead of -T)",
	  .parse = kscan_opt_tx_queues,
	  .expect = "distinct queue numbers and ranges, e.g. 0-3,6" },
	{ .id = KSCAN_OPT_CPUS, .name = "cpus", .metavar = "LIST",
	  .help = "the CPU of each thread, in queue order, e.g. 2,3,4,5",
	  .parse = kscan_opt_cpus,
	  .expect = "CPU numbers and ranges, e.g. 2-5" },
	{ .id = KSCAN_OPT_TTL, .name = "ttl", .metavar = "N",
	  .help = "IPv4 TTL of the probes (module default 255)",
	  .parse = kscan_opt_uint, START_FIELD(ttl), .min = 1, .max = 255,
	  .expect = "a TTL from 1 to 255" },
	{ .id = KSCAN_OPT_WINDOW, .name = "window", .metavar = "N",
	  .help = "TCP window of the probes (module default 65535)",
	  .parse = kscan_opt_uint, START_FIELD(window), .max = 65535,
	  .expect = "a TCP window from 0 to 65535" },
	{ .id = KSCAN_OPT_TCP_OPTIONS, .name = "tcp-options",
	  .metavar = "none|mss|linux",
	  .help = "TCP options: none, MSS 1460, or those of a Linux SYN "
		  "(module default)",
	  .parse = kscan_opt_choice, START_FIELD(tcp_options),
	  .choices = kscan_tcp_option_names,
	  .expect = "none, mss or linux" },
	{ .id = KSCAN_OPT_KEY, .name = "key", .metavar = "HEX32",
	  .help = "128-bit validation key (default random from getrandom(), "
		  "shown in the final report)",
	  .parse = kscan_opt_key,
	  .expect = "32 hex digits (a 16-byte key)" },
	{ .id = KSCAN_OPT_PRINT_KEY, .name = "print-key",
	  .help = "print the key and seed to stderr before starting",
	  .parse = kscan_opt_flag, START_FIELD(print_key) },
	{ .id = KSCAN_OPT_XMIT, .name = "xmit", .metavar = "burst|direct|queue",
	  .help = "how the module transmits (module default burst)",
	  .parse = kscan_opt_choice, START_FIELD(xmit_mode),
	  .choices = kscan_xmit_names,
	  .expect = "burst, direct or queue" },
	{ .id = KSCAN_OPT_BURST, .name = "burst", .metavar = "N",
	  .help = "packets per burst (module default 32)",
	  .parse = kscan_opt_uint, START_FIELD(burst), .min = 1,
	  .max = KSCAN_MAX_BURST,
	  .expect = "a burst size from 1 to 256" },
	{ .id = KSCAN_OPT_MAX_TARGETS, .name = "max-targets", .short_name = 'n',
	  .metavar = "N",
	  .help = "stop after sending N probes (packet budget; default: all)",
	  .parse = kscan_opt_uint, START_FIELD(max_packets), .min = 1,
	  .max = UINT64_MAX,
	  .expect = "a number of probes, at least 1" },
	{ .id = KSCAN_OPT_SW_CSUM, .name = "sw-csum",
	  .help = "compute the TCP checksum in software even if the device "
		  "offloads it",
	  .parse = kscan_opt_flag, START_FIELD(sw_csum) },
	{ .id = KSCAN_OPT_LIST_OF_TARGETS, .name = "list-of-targets",
	  .short_name = 'I', .metavar = "FILE",
	  .help = "read targets from FILE, one per line, '#' comments",
	  .parse = kscan_opt_string, START_FIELD(list_of_targets_file),
	  .expect = "a file name" },
	{ .id = KSCAN_OPT_ALLOWLIST_FILE, .name = "allowlist-file",
	  .short_name = 'w', .metavar = "FILE",
	  .help = "read more targets from FILE (same format)",
	  .parse = kscan_opt_string, START_FIELD(allowlist_file),
	  .expect = "a file name" },
	{ .id = KSCAN_OPT_BLOCKLIST_FILE, .name = "blocklist-file",
	  .short_name = 'b', .metavar = "FILE",
	  .help = "never probe these addresses; replaces the default "
		  "blocklist (-b /dev/null: none)",
	  .parse = kscan_opt_string, START_FIELD(blocklist_file),
	  .expect = "a file name" },
	{ .id = KSCAN_OPT_ENGINE, .name = "engine",
	  .metavar = "auto|kmod|afxdp|afpacket",
	  .help = "TX engine: kmod (kscan.ko's threads), afxdp (AF_XDP from "
		  "userspace), afpacket (AF_PACKET from userspace); auto "
		  "(default): kmod when the module is loaded or loadable, "
		  "else afxdp, else afpacket, with a warning naming the "
		  "reason",
	  .parse = kscan_opt_engine, START_FIELD(engine),
	  .choices = kscan_engine_names,
	  .expect = "auto, kmod, afxdp or afpacket" },
	{ .id = KSCAN_OPT_RX, .name = "rx", .metavar = "afxdp|afpacket|none",
	  .help = "RX engine (default afxdp, falling back to afpacket with a "
		  "warning when AF_XDP cannot open); none: send only",
	  .parse = kscan_opt_choice, START_FIELD(rx),
	  .choices = kscan_rx_names,
	  .expect = "afxdp, afpacket or none" },
	{ .id = KSCAN_OPT_NO_RST, .name = "no-rst",
	  .help = "do not answer SYN-ACKs with a RST",
	  .parse = kscan_opt_flag, START_FIELD(no_rst) },
	{ .id = KSCAN_OPT_BANDWIDTH, .name = "bandwidth", .short_name = 'B',
	  .metavar = "BPS[K|M|G]",
	  .help = "send rate in bits per second, e.g. 10M (instead of -r; "
		  "each probe counts its frame plus 24 bytes, at least 84)",
	  .parse = kscan_opt_bandwidth,
	  .expect = "bits per second with an optional K, M or G suffix "
		    "(e.g. 10M)" },
	{ .id = KSCAN_OPT_COOLDOWN, .name = "cooldown-time", .short_name = 'c',
	  .metavar = "SECS",
	  .help = "keep receiving this long after the last probe (default 8)",
	  .parse = kscan_opt_uint, START_FIELD(cooldown_s), .max = 86400,
	  .expect = "a number of seconds from 0 to 86400" },
	{ .id = KSCAN_OPT_OUTPUT_FILE, .name = "output-file", .short_name = 'o',
	  .metavar = "FILE",
	  .help = "write results to FILE (default -: stdout)",
	  .parse = kscan_opt_string, START_FIELD(output_file),
	  .expect = "a file name, or - for stdout" },
	{ .id = KSCAN_OPT_OUTPUT_MODULE, .name = "output-module",
	  .short_name = 'O', .metavar = "csv|json",
	  .help = "result format: csv with a header line (default), or json, "
		  "one object per line",
	  .parse = kscan_opt_choice, START_FIELD(output_module),
	  .choices = kscan_output_module_names,
	  .expect = "csv or json" },
	{ .id = KSCAN_OPT_OUTPUT_FIELDS, .name = "output-fields",
	  .short_name = 'f', .metavar = "FIELDS",
	  .help = "comma-separated result fields, or * for all (default "
		  KSCAN_OUTPUT_DEFAULT_FIELDS "); fields: "
		  KSCAN_OUTPUT_ALL_FIELDS,
	  .parse = kscan_opt_output_fields, START_FIELD(output_fields),
	  .expect = "a comma-separated list of fields" },
	{ .id = KSCAN_OPT_METADATA_FILE, .name = "metadata-file",
	  .short_name = 'm', .metavar = "FILE",
	  .help = "write the scan's configuration and counters as JSON to FILE "
		  "at the end (- for stdout)",
	  .parse = kscan_opt_string, START_FIELD(metadata_file),
	  .expect = "a file name, or - for stdout" },
	{ .id = KSCAN_OPT_STATUS_FILE, .name = "status-updates-file",
	  .short_name = 'u', .metavar = "FILE",
	  .help = "write the status line's numbers every second as CSV to FILE",
	  .parse = kscan_opt_string, START_FIELD(status_file),
	  .expect = "a file name, or - for stdout" },
	{ .id = KSCAN_OPT_CONFIG_FILE, .name = "config-file", .short_name = 'C',
	  .metavar = "FILE",
	  .help = "read options from FILE: 'key value' or 'key=value' lines, "
		  "keys are long option names, '#' comments; options on the "
		  "command line win (default " KSCAN_DEFAULT_CONFIG_FILE
		  " if present)",
	  .parse = kscan_opt_string, START_FIELD(config_file),
	  .expect = "a file name" },
	{ .id = KSCAN_OPT_DETACH, .name = "detach",
	  .help = "print the scan id and exit without waiting for the end",
	  .parse = kscan_opt_flag, START_FIELD(detach) },
	{ .id = KSCAN_OPT_DRYRUN, .name = "dryrun", .short_name = 'd',
	  .help = "print the probes instead of sending them, one per line: "
		  "saddr sport daddr dport seq probe (no module needed)",
	  .parse = kscan_opt_flag, START_FIELD(dryrun) },
	{ .id = KSCAN_OPT_QUIET, .name = "quiet", .short_name = 'q',
	  .help = "no status lines",
	  .parse = kscan_opt_flag, START_FIELD(quiet) },
	{ .id = KSCAN_OPT_VERBOSE, .name = "verbose", .short_name = 'v',
	  .help = "say more: the compiled target set, key and seed",
	  .parse = kscan_opt_flag, START_FIELD(verbose) },
	KSCAN_OPT_HELP_ENTRY,
	{ 0 },
};

const struct kscan_cli_command kscan_start_command = {
	.name = "start",
	.synopsis = "start [options] TARGET...",
	.description =
		"Start a TCP SYN scan sent by kscan.ko, receive, validate and "
		"de-duplicate the replies (SYN-ACK: open, RST: closed) and "
		"write them as they come; when the last probe is sent, keep "
		"receiving for the cooldown, then write the metadata and a "
		"report on stderr. Status every second on stderr. Exit 0 when "
		"every probe was sent or the budget was reached, 1 otherwise, "
		"2 for bad options. Ctrl-C stops the scan, still receives for "
		"the cooldown, writes everything and exits 0; a second Ctrl-C "
		"skips the cooldown.",
	.options = kscan_start_options,
	.epilogue =
		"TARGET, and each line of -I/-w files, is " KSCAN_TARGET_FORMS
		". The targets are their union minus the blocklist.\n"
		"Default blocklist (IANA special-purpose ranges): "
		"/etc/kscan/blocklist.conf if present, else "
		"../etc/blocklist.conf next to the kscanctl executable. It "
		"covers 198.18.0.0/15 too: scanning the lab range needs "
		"-b with another file (or -b /dev/null).\n"
		"Results: a reply counts when its cookie is right and it comes "
		"from a target address and port of the scan; each (address, "
		"port) is reported once (de-duplication memory at most "
		"addresses x ports / 8 bytes).",
};

static const struct kscan_cli_option kscan_id_options[] = {
	{ .id = KSCAN_OPT_VERBOSE, .name = "verbose", .short_name = 'v',
	  .help = "per-queue counters too",
	  .parse = kscan_opt_flag, ID_FIELD(verbose) },
	KSCAN_OPT_HELP_ENTRY,
	{ 0 },
};

const struct kscan_cli_command kscan_stop_command = {
	.name = "stop",
	.synopsis = "stop ID",
	.description = "Stop scan ID of this network namespace; returns once "
		       "its threads have stopped.",
	.options = kscan_id_options + 1,	/* no -v */
};

const struct kscan_cli_command kscan_status_command = {
	.name = "status",
	.synopsis = "status [options] [ID]",
	.description = "Show scan ID, or every scan of this network namespace: "
		       "state, reason, probes sent, progress, TX busy retries "
		       "and errors.",
	.options = kscan_id_options,
};

#define DOCTOR_FIELD(f) .offset = offsetof(struct kscan_doctor_config, f), \
			.size = sizeof(((struct kscan_doctor_config *)0)->f)

static const struct kscan_cli_option kscan_doctor_options[] = {
	{ .id = KSCAN_OPT_INTERFACE, .name = "interface", .short_name = 'i',
	  .metavar = "IFACE",
	  .help = "the device to check (default: the one of the default "
		  "route)",
	  .parse = kscan_opt_string, DOCTOR_FIELD(ifname),
	  .expect = "an interface name" },
	{ .id = KSCAN_OPT_JSON, .name = "json",
	  .help = "one JSON object instead of lines",
	  .parse = kscan_opt_flag, DOCTOR_FIELD(json) },
	KSCAN_OPT_HELP_ENTRY,
	{ 0 },
};

const struct kscan_cli_command kscan_doctor_command = {
	.name = "doctor",
	.synopsis = "doctor [-i IFACE] [--json]",
	.description = "Say, for each TX engine, whether it can run on this "
		       "host and device and why not: the module (loaded, "
		       "loadable, DKMS), privileges, AF_XDP (which bind "
		       "modes the device really takes: kscan's XDP program "
		       "is attached for a moment to find out), AF_PACKET, "
		       "DPDK; the device's driver, queues and MTU. Exit 0 "
		       "when the engine --engine=auto would pick can run.",
	.options = kscan_doctor_options,
};

int kscan_doctor_parse(int argc, char **argv, struct kscan_doctor_config *cfg,
		       char *err, size_t errlen)
{
	int first_arg, ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = kscan_cli_parse(&kscan_doctor_command, argc, argv, cfg,
			      cfg->given, &first_arg, err, errlen);
	if (ret)
		return ret;
	if (first_arg != argc)
		return kscan_cli_fail(err, errlen, "unexpected argument '%s'",
				      argv[first_arg]);
	return 0;
}

/* ---- the engine ---- */

static size_t kscan_cli_count(const struct kscan_cli_option *opts)
{
	size_t n = 0;

	while (opts[n].name)
		n++;
	return n;
}

const struct kscan_cli_option *
kscan_cli_find(const struct kscan_cli_command *cmd, const char *name)
{
	const struct kscan_cli_option *opt;

	for (opt = cmd->options; opt->name; opt++)
		if (!strcmp(opt->name, name))
			return opt;
	return NULL;
}

int kscan_cli_parse(const struct kscan_cli_command *cmd, int argc,
		    char **argv, void *cfg, bool *given, int *first_arg,
		    char *err, size_t errlen)
{
	const struct kscan_cli_option *opts = cmd->options, *opt;
	size_t n = kscan_cli_count(opts), i;
	struct option *longopts;
	char shortopts[2 * 64 + 2], msg[512], *s = shortopts;
	int c, ret = 0;

	longopts = calloc(n + 1, sizeof(*longopts));
	if (!longopts)
		return kscan_cli_fail(err, errlen, "out of memory");
	*s++ = ':';	/* ':' for a missing value, '?' for unknown */
	for (i = 0; i < n; i++) {
		longopts[i].name = opts[i].name;
		longopts[i].has_arg = opts[i].metavar ? required_argument :
							no_argument;
		longopts[i].val = KSCAN_CLI_LONG_BASE + (int)i;
		if (opts[i].short_name) {
			*s++ = opts[i].short_name;
			if (opts[i].metavar)
				*s++ = ':';
		}
	}
	*s = '\0';

	optind = 0;	/* glibc: full reset, parsing may run twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		char short_text[3] = { '-', (char)optopt, '\0' };
		const char *bad = argv[optind - 1];

		if (c == '?' || c == ':') {
			if (optopt && optopt < KSCAN_CLI_LONG_BASE) {
				for (i = 0; i < n && opts[i].short_name != optopt; i++)
					;
			} else {
				i = optopt ? (size_t)(optopt - KSCAN_CLI_LONG_BASE) : n;
			}
			if (c == ':' && i < n)
				ret = kscan_cli_fail(err, errlen,
						     "--%s needs a value: %s",
						     opts[i].name, opts[i].metavar);
			else if (i < n && !opts[i].metavar)
				ret = kscan_cli_fail(err, errlen,
						     "--%s takes no value, got '%s'",
						     opts[i].name, bad);
			else
				ret = kscan_cli_fail(err, errlen,
						     "unknown option '%s' (see 'kscanctl %s --help')",
						     optopt ? short_text : bad,
						     cmd->name);
			break;
		}
		if (c >= KSCAN_CLI_LONG_BASE) {
			opt = &opts[c - KSCAN_CLI_LONG_BASE];
		} else {
			for (opt = opts; opt->name && opt->short_name != c; opt++)
				;
		}
		if (opt->id == KSCAN_OPT_HELP) {
			ret = KSCAN_CLI_HELP;
			break;
		}
		if (opt->parse(opt, cfg, optarg, msg, sizeof(msg))) {
			ret = kscan_cli_fail(err, errlen, "--%s: %s", opt->name,
					     msg);
			break;
		}
		given[opt->id] = true;
	}
	free(longopts);
	*first_arg = optind;
	return ret;
}

/* Print @text from column @col, wrapped at KSCAN_CLI_WIDTH. */
static void kscan_cli_wrap(FILE *out, const char *text, int col, int indent)
{
	const char *word = text;

	while (*word) {
		const char *end = word;
		int len;

		while (*end && *end != ' ' && *end != '\n')
			end++;
		len = (int)(end - word);
		if (col > indent && col + 1 + len > KSCAN_CLI_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", len, word);
		col += len;
		if (*end == '\n') {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
		word = *end ? end + 1 : end;
	}
	fputc('\n', out);
}

void kscan_cli_help(const struct kscan_cli_command *cmd, FILE *out)
{
	const struct kscan_cli_option *opt;

	fprintf(out, "Usage: kscanctl %s\n\n", cmd->synopsis);
	kscan_cli_wrap(out, cmd->description, 0, 0);
	fprintf(out, "\nOptions:\n");
	for (opt = cmd->options; opt->name; opt++) {
		char head[64];
		int len;

		if (opt->short_name)
			len = snprintf(head, sizeof(head), "  -%c, --%s%s%s",
				       opt->short_name, opt->name,
				       opt->metavar ? " " : "",
				       opt->metavar ? opt->metavar : "");
		else
			len = snprintf(head, sizeof(head), "      --%s%s%s",
				       opt->name, opt->metavar ? " " : "",
				       opt->metavar ? opt->metavar : "");
		fputs(head, out);
		if (len + 1 >= KSCAN_CLI_HELP_COLUMN) {
			fprintf(out, "\n%*s", KSCAN_CLI_HELP_COLUMN, "");
		} else {
			fprintf(out, "%*s", KSCAN_CLI_HELP_COLUMN - len, "");
		}
		kscan_cli_wrap(out, opt->help, KSCAN_CLI_HELP_COLUMN,
			       KSCAN_CLI_HELP_COLUMN);
	}
	if (cmd->epilogue) {
		fputc('\n', out);
		kscan_cli_wrap(out, cmd->epilogue, 0, 0);
	}
}

/* ---- start ---- */

void kscan_start_config_init(struct kscan_start_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sport_first = 32768;
	cfg->sport_last = 61000;
	cfg->probes = 1;
	cfg->shards = 1;
	cfg->sender_threads = 1;
	cfg->engine = KSCAN_ENGINE_AUTO;
	cfg->rx = KSCAN_RX_AFXDP;
	cfg->cooldown_s = KSCAN_DEFAULT_COOLDOWN_S;
	cfg->output_file = "-";
	cfg->output_module = KSCAN_OUTPUT_CSV;
}

void kscan_start_config_free(struct kscan_start_config *cfg)
{
	free(cfg->ports);
	cfg->ports = NULL;
	kscan_config_free(cfg->config);
	cfg->config = NULL;
}

u32 kscan_probe_frame_len(u32 opts)
{
	static const u32 opts_len[] = {
		[KSCAN_TCP_OPT_NONE] = 0,
		[KSCAN_TCP_OPT_MSS] = 4,
		[KSCAN_TCP_OPT_LINUX] = 20,
	};

	return 14 + 20 + 20 + (opts < ARRAY_LEN(opts_len) ? opts_len[opts] : 0);
}

u64 kscan_bandwidth_to_pps(u64 bits_per_s, u32 frame_len)
{
	/* preamble + start delimiter 8, FCS 4, inter-frame gap 12 */
	u64 wire = frame_len + 24;

	if (wire < 84)
		wire = 84;
	return bits_per_s / (wire * 8);
}

/* The rules between options, once every option is parsed. */
static int kscan_start_check(struct kscan_start_config *cfg, char *err,
			     size_t errlen)
{
	u32 sport_count = (u32)cfg->sport_last - cfg->sport_first + 1;
	const bool *given = cfg->given;
	u32 i;

	if (!given[KSCAN_OPT_TARGET_PORTS])
		return kscan_cli_fail(err, errlen,
				      "--target-ports is required (e.g. -p 80,443)");
	if (!cfg->nr_targets && !cfg->list_of_targets_file &&
	    !cfg->allowlist_file)
		return kscan_cli_fail(err, errlen,
				      "no targets: give TARGET arguments "
				      "(e.g. 198.18.0.0/24), -I FILE or -w FILE");
	if (cfg->shard >= cfg->shards)
		return kscan_cli_fail(err, errlen,
				      "--shard %u is out of range: shards are numbered 0 to %u (--shards %u)",
				      cfg->shard, cfg->shards - 1, cfg->shards);
	if (cfg->shards > 1 && !given[KSCAN_OPT_SEED])
		return kscan_cli_fail(err, errlen,
				      "--shards %u needs an explicit --seed: every shard of a scan must walk the same permutation",
				      cfg->shards);
	if (cfg->probes > sport_count)
		return kscan_cli_fail(err, errlen,
				      "--probes %u needs at least %u source ports, --source-port %u-%u gives %u",
				      cfg->probes, cfg->probes, cfg->sport_first,
				      cfg->sport_last, sport_count);
	if (given[KSCAN_OPT_TX_QUEUES] && given[KSCAN_OPT_SENDER_THREADS] &&
	    cfg->sender_threads != cfg->nr_tx_queues)
		return kscan_cli_fail(err, errlen,
				      "--sender-threads %u disagrees with --tx-queues (%u queues): give one of them",
				      cfg->sender_threads, cfg->nr_tx_queues);
	if (given[KSCAN_OPT_BANDWIDTH] && given[KSCAN_OPT_RATE])
		return kscan_cli_fail(err, errlen,
				      "--bandwidth and --rate both set the send rate: give one of them");
	if (given[KSCAN_OPT_BANDWIDTH]) {
		/* the module's default profile is linux */
		u32 opts = given[KSCAN_OPT_TCP_OPTIONS] ? cfg->tcp_options :
							   KSCAN_TCP_OPT_LINUX;
		u32 len = kscan_probe_frame_len(opts);

		cfg->rate = kscan_bandwidth_to_pps(cfg->bandwidth, len);
		if (!cfg->rate)
			return kscan_cli_fail(err, errlen,
					      "--bandwidth %llu bits/s is less than one probe per second (%u bits each on the wire)",
					      (unsigned long long)cfg->bandwidth,
					      (len + 24 < 84 ? 84 : len + 24) * 8);
		if (cfg->rate > KSCAN_MAX_RATE)
			return kscan_cli_fail(err, errlen,
					      "--bandwidth %llu bits/s is %llu probes per second; the module sends at most %llu (--rate 0 for as fast as possible)",
					      (unsigned long long)cfg->bandwidth,
					      (unsigned long long)cfg->rate,
					      (unsigned long long)KSCAN_MAX_RATE);
	}
	if (cfg->detach && given[KSCAN_OPT_RX] && cfg->rx != KSCAN_RX_NONE)
		return kscan_cli_fail(err, errlen,
				      "--detach exits at once, so nothing would receive the replies: use --rx none or do not detach");
	if (cfg->detach)
		cfg->rx = KSCAN_RX_NONE;
	if (!given[KSCAN_OPT_TX_QUEUES]) {
		cfg->nr_tx_queues = cfg->sender_threads;
		for (i = 0; i < cfg->nr_tx_queues; i++)
			cfg->tx_queues[i] = (u16)i;
	}
	if (given[KSCAN_OPT_CPUS] && cfg->nr_cpus != cfg->nr_tx_queues)
		return kscan_cli_fail(err, errlen,
				      "--cpus lists %u CPUs for %u threads: give one CPU per thread",
				      cfg->nr_cpus, cfg->nr_tx_queues);
	return 0;
}

int kscan_start_parse_with(int argc, char **argv,
			   struct kscan_start_config *cfg,
			   const char *default_config, char *err,
			   size_t errlen)
{
	struct kscan_start_config first;
	const char *path;
	int first_arg, ret;

	/* A first pass finds -C (and refuses bad options) before the file
	 * is read; the second, over the file's values, lets options win.
	 */
	kscan_start_config_init(&first);
	ret = kscan_cli_parse(&kscan_start_command, argc, argv, &first,
			      first.given, &first_arg, err, errlen);
	path = first.config_file;
	kscan_start_config_free(&first);
	if (ret)
		return ret;
	if (!path && default_config && !access(default_config, F_OK))
		path = default_config;
	if (path && kscan_config_load(&kscan_start_command, path, cfg,
				      cfg->given, &cfg->config, err, errlen))
		return -1;

	ret = kscan_cli_parse(&kscan_start_command, argc, argv, cfg, cfg->given,
			      &first_arg, err, errlen);
	if (ret)
		return ret;
	cfg->config_file = path;
	cfg->targets = argv + first_arg;
	cfg->nr_targets = argc - first_arg;
	return kscan_start_check(cfg, err, errlen);
}

int kscan_start_parse(int argc, char **argv, struct kscan_start_config *cfg,
		      char *err, size_t errlen)
{
	return kscan_start_parse_with(argc, argv, cfg, KSCAN_DEFAULT_CONFIG_FILE,
				      err, errlen);
}

int kscan_id_parse(const struct kscan_cli_command *cmd, bool id_required,
		   int argc, char **argv, struct kscan_id_config *cfg,
		   char *err, size_t errlen)
{
	int first_arg, ret;
	u64 id;

	memset(cfg, 0, sizeof(*cfg));
	ret = kscan_cli_parse(cmd, argc, argv, cfg, cfg->given, &first_arg,
			      err, errlen);
	if (ret)
		return ret;
	if (first_arg == argc) {
		if (id_required)
			return kscan_cli_fail(err, errlen,
					      "expected a scan id (see 'kscanctl status')");
		return 0;
	}
	if (argc - first_arg > 1)
		return kscan_cli_fail(err, errlen, "unexpected argument '%s'",
				      argv[first_arg + 1]);
	/* the module numbers scans from 1 */
	if (kscan_parse_uint(argv[first_arg], 1, UINT32_MAX, &id))
		return kscan_cli_fail(err, errlen,
				      "expected a scan id (a number from 1 to 4294967295, see 'kscanctl status'), got '%s'",
				      argv[first_arg]);
	cfg->has_id = true;
	cfg->scan_id = (u32)id;
	return 0;
}
