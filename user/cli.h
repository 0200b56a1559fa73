/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kscanctl's options as tables. Each option has its long name, ZMap's
 * short letter where ZMap has one, a metavar, its help text and the parser
 * of its value; getopt_long()'s tables and --help are generated from it,
 * so the help can never disagree with what is parsed.
 *
 * A parser that refuses a value writes "expected <accepted form>, got
 * '<value>'"; kscan_cli_parse() prefixes the flag, giving e.g.
 * "--rate: expected a number of packets per second (e.g. 10000), got 'abc'".
 */
#ifndef KSCANCTL_CLI_H
#define KSCANCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <uapi/linux/kscan.h>

#include "kscan/types.h"

#define KSCAN_EXIT_USAGE 2
/* kscan_cli_parse(): --help was given */
#define KSCAN_CLI_HELP 1

/* Every option of every command; indexes given[]. */
enum kscan_opt_id {
	KSCAN_OPT_HELP,
	KSCAN_OPT_INTERFACE,
	KSCAN_OPT_GATEWAY_MAC,
	KSCAN_OPT_SOURCE_IP,
	KSCAN_OPT_SOURCE_PORT,
	KSCAN_OPT_TARGET_PORTS,
	KSCAN_OPT_PROBES,
	KSCAN_OPT_RATE,
	KSCAN_OPT_SEED,
	KSCAN_OPT_SHARDS,
	KSCAN_OPT_SHARD,
	KSCAN_OPT_SENDER_THREADS,
	KSCAN_OPT_TX_QUEUES,
	KSCAN_OPT_CPUS,
	KSCAN_OPT_TTL,
	KSCAN_OPT_WINDOW,
	KSCAN_OPT_TCP_OPTIONS,
	KSCAN_OPT_KEY,
	KSCAN_OPT_PRINT_KEY,
	KSCAN_OPT_XMIT,
	KSCAN_OPT_BURST,
	KSCAN_OPT_MAX_TARGETS,
	KSCAN_OPT_SW_CSUM,
	KSCAN_OPT_LIST_OF_TARGETS,
	KSCAN_OPT_ALLOWLIST_FILE,
	KSCAN_OPT_BLOCKLIST_FILE,
	KSCAN_OPT_ENGINE,
	KSCAN_OPT_RX,
	KSCAN_OPT_BANDWIDTH,
	KSCAN_OPT_COOLDOWN,
	KSCAN_OPT_OUTPUT_FILE,
	KSCAN_OPT_OUTPUT_MODULE,
	KSCAN_OPT_OUTPUT_FIELDS,
	KSCAN_OPT_METADATA_FILE,
	KSCAN_OPT_STATUS_FILE,
	KSCAN_OPT_CONFIG_FILE,
	KSCAN_OPT_NO_RST,
	KSCAN_OPT_DETACH,
	KSCAN_OPT_DRYRUN,
	KSCAN_OPT_QUIET,
	KSCAN_OPT_VERBOSE,
	KSCAN_OPT_JSON,
	__KSCAN_OPT_MAX
};

/*
 * TX engines (user/tx.h); auto picks the first that can run. dpdk is a
 * known name that this kscanctl refuses (not built yet).
 */
enum kscan_engine {
	KSCAN_ENGINE_KMOD,
	KSCAN_ENGINE_AFXDP,
	KSCAN_ENGINE_DPDK,
	KSCAN_ENGINE_AFPACKET,
	KSCAN_ENGINE_AUTO,
};

/* "kmod", "auto", ...: the --engine name of @engine. */
const char *kscan_engine_name(u32 engine);

/* RX engines (user/rx.h); none = send only. */
enum kscan_rx {
	KSCAN_RX_AFXDP,
	KSCAN_RX_AFPACKET,
	KSCAN_RX_NONE,
};

enum kscan_output_module {
	KSCAN_OUTPUT_CSV,
	KSCAN_OUTPUT_JSON,
};

#define KSCAN_DEFAULT_COOLDOWN_S 8
/* Read when present and no --config-file is given. */
#define KSCAN_DEFAULT_CONFIG_FILE "/etc/kscan/kscan.conf"

/* What `kscanctl start` was asked to do (host-numeric addresses). */
struct kscan_start_config {
	bool given[__KSCAN_OPT_MAX];
	const char *ifname;
	u8 gateway_mac[6];
	u32 saddr_first;	/* with a list: list[0] */
	u32 saddr_last;
	/* -S A,B,...: the sources in order, target d uses list[d mod n] */
	u32 saddr_list[KSCAN_MAX_SADDRS];
	u32 nr_saddrs;		/* 0: the range saddr_first..saddr_last */
	u16 sport_first;
	u16 sport_last;
	u16 *ports;		/* sorted, distinct; malloc'ed */
	u32 nr_ports;
	u32 probes;
	u64 rate;
	u64 seed;
	u32 shards;
	u32 shard;
	u32 sender_threads;
	u16 tx_queues[KSCAN_MAX_QUEUES];
	u32 nr_tx_queues;
	u32 cpus[KSCAN_MAX_QUEUES];
	u32 nr_cpus;
	u8 ttl;
	u16 window;
	u32 tcp_options;	/* enum kscan_tcp_options */
	u8 key[KSCAN_KEY_LEN];
	bool print_key;
	u32 xmit_mode;		/* enum kscan_xmit_mode */
	u32 burst;
	u64 max_packets;	/* 0: no budget */
	bool sw_csum;
	const char *list_of_targets_file;
	const char *allowlist_file;
	const char *blocklist_file;
	u32 engine;		/* enum kscan_engine */
	u32 rx;			/* enum kscan_rx */
	u64 bandwidth;		/* bits/s; turned into rate */
	u32 cooldown_s;
	const char *output_file;	/* "-" = stdout */
	u32 output_module;	/* enum kscan_output_module */
	const char *output_fields;	/* NULL: the module's default */
	const char *metadata_file;
	const char *status_file;
	const char *config_file;	/* the one read, or NULL */
	bool no_rst;
	struct kscan_config_file *config;	/* owns config-file values */
	bool detach;
	bool dryrun;
	bool quiet;
	bool verbose;
	char **targets;		/* TARGET arguments, into argv */
	int nr_targets;
};

/* `kscanctl stop ID` and `kscanctl status [ID]` */
struct kscan_id_config {
	bool given[__KSCAN_OPT_MAX];
	bool verbose;
	bool has_id;
	u32 scan_id;
};

/* kscanctl doctor */
struct kscan_doctor_config {
	bool given[__KSCAN_OPT_MAX];
	const char *ifname;	/* NULL: the device of the default route */
	bool json;
};

struct kscan_cli_option;
struct kscan_config_file;

typedef int (*kscan_cli_parse_fn)(const struct kscan_cli_option *opt,
				  void *cfg, const char *value, char *err,
				  size_t errlen);

struct kscan_cli_option {
	enum kscan_opt_id id;
	const char *name;	/* long name, without "--" */
	char short_name;	/* ZMap's letter, or 0 */
	const char *metavar;	/* NULL: a flag without a value */
	const char *help;
	kscan_cli_parse_fn parse;
	/* for the generic parsers: where the value goes and what is valid */
	size_t offset;
	size_t size;
	u64 min;
	u64 max;
	const char *expect;	/* "a number of ... (e.g. 10000)" */
	const char *const *choices;	/* NULL-terminated, for choice options */
};

struct kscan_cli_command {
	const char *name;
	const char *synopsis;	/* after "kscanctl " */
	const char *description;
	const struct kscan_cli_option *options;	/* ends with a NULL name */
	const char *epilogue;
};

extern const struct kscan_cli_command kscan_start_command;
extern const struct kscan_cli_command kscan_stop_command;
extern const struct kscan_cli_command kscan_status_command;
extern const struct kscan_cli_command kscan_doctor_command;

/*
 * Parse the options of @cmd from @argv (argv[0] is the command name) into
 * @cfg, marking each one seen in @given. *first_arg is the index of the
 * first operand (getopt_long() moves operands after the options). Returns
 * 0, KSCAN_CLI_HELP, or -1 with a message in @err.
 */
int kscan_cli_parse(const struct kscan_cli_command *cmd, int argc,
		    char **argv, void *cfg, bool *given, int *first_arg,
		    char *err, size_t errlen);

/* The option of @cmd called --@name, or NULL. */
const struct kscan_cli_option *
kscan_cli_find(const struct kscan_cli_command *cmd, const char *name);

/* The --help text of @cmd, generated from its table. */
void kscan_cli_help(const struct kscan_cli_command *cmd, FILE *out);

/* Defaults of `start`, before parsing. */
void kscan_start_config_init(struct kscan_start_config *cfg);
void kscan_start_config_free(struct kscan_start_config *cfg);

/*
 * The whole of `kscanctl start ARGS...` up to the point where target files
 * are read: the configuration file (-C FILE, else @default_config if it
 * exists; NULL for none), options, which win over the file, operands, and
 * the rules between options. Returns 0, KSCAN_CLI_HELP, or -1 with a
 * message in @err.
 */
int kscan_start_parse_with(int argc, char **argv,
			   struct kscan_start_config *cfg,
			   const char *default_config, char *err,
			   size_t errlen);
/* The same with KSCAN_DEFAULT_CONFIG_FILE. */
int kscan_start_parse(int argc, char **argv, struct kscan_start_config *cfg,
		      char *err, size_t errlen);

/* Bytes of one probe frame (no FCS) with enum kscan_tcp_options @opts. */
u32 kscan_probe_frame_len(u32 opts);
/*
 * Probes per second that fill @bits_per_s, counting each frame on the wire
 * as ZMap does: frame + 24 bytes (preamble, FCS, inter-frame gap), at
 * least 84 bytes.
 */
u64 kscan_bandwidth_to_pps(u64 bits_per_s, u32 frame_len);

/* `stop ID` (@id_required) and `status [ID]`. */
int kscan_id_parse(const struct kscan_cli_command *cmd, bool id_required,
		   int argc, char **argv, struct kscan_id_config *cfg,
		   char *err, size_t errlen);

/* The options of doctor; 0, KSCAN_CLI_HELP, or -1 with @err. */
int kscan_doctor_parse(int argc, char **argv, struct kscan_doctor_config *cfg,
		       char *err, size_t errlen);

/* Strict unsigned decimal within [min, max]. */
int kscan_parse_uint(const char *text, u64 min, u64 max, u64 *value);
/* "02:00:00:00:00:01" */
int kscan_parse_mac(const char *text, u8 mac[6]);
/* 2 * @len hex digits */
int kscan_parse_hex(const char *text, u8 *out, size_t len);

#endif /* KSCANCTL_CLI_H */
