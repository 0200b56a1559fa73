// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of result output (user/output.c), the status line and CSV
 * (user/status.c) and the metadata JSON (user/metadata.c): exact bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "metadata.h"
#include "output.h"
#include "status.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))

static const struct kscan_result open_r = {
	.saddr = IP4(198, 18, 0, 7), .daddr = IP4(198, 19, 0, 1),
	.sport = 443, .dport = 40001, .seq = 123456789, .ack = 4000000000U,
	.window = 64240, .ttl = 64, .ipid = 0, .classification =
	KSCAN_CLASS_SYNACK, .cooldown = false,
	/* 2026-11-21T00:46:07.123456789Z */
	.ts = { .tv_sec = 1795221967, .tv_nsec = 123456789 },
};

static char *render(u32 module, const char *fields,
		    const struct kscan_result *rs, int n)
{
	struct kscan_output *o;
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int i;

	o = kscan_output_open(out, module, fields, err, sizeof(err));
	assert_non_null(o);
	for (i = 0; i < n; i++)
		kscan_output_write(o, &rs[i]);
	assert_int_equal(kscan_output_close(o), 0);
	fclose(out);
	return text;
}

static void test_csv(void **state)
{
	struct kscan_result rs[2] = { open_r, open_r };
	char *t;

	(void)state;
	rs[1].classification = KSCAN_CLASS_RST;
	rs[1].cooldown = true;
	rs[1].sport = 22;
	t = render(KSCAN_OUTPUT_CSV, NULL, rs, 2);
	assert_string_equal(t,
		"saddr,sport,classification,success,cooldown,timestamp_str\n"
		"198.18.0.7,443,synack,1,0,2026-11-21T00:46:07.123+0000\n"
		"198.18.0.7,22,rst,0,1,2026-11-21T00:46:07.123+0000\n");
	free(t);
	t = render(KSCAN_OUTPUT_CSV, "*", rs, 1);
	assert_string_equal(t,
		"saddr,daddr,sport,dport,seqnum,acknum,window,ttl,ipid,"
		"classification,success,repeat,cooldown,timestamp_str,"
		"timestamp_ts,timestamp_us\n"
		"198.18.0.7,198.19.0.1,443,40001,123456789,4000000000,64240,64,"
		"0,synack,1,0,0,2026-11-21T00:46:07.123+0000,1795221967,123456\n");
	free(t);
	/* a header and nothing else for an empty scan */
	t = render(KSCAN_OUTPUT_CSV, "sport,saddr", rs, 0);
	assert_string_equal(t, "sport,saddr\n");
	free(t);
}

static void test_json(void **state)
{
	struct kscan_result rs[2] = { open_r, open_r };
	char *t;

	(void)state;
	rs[1].classification = KSCAN_CLASS_RST;
	t = render(KSCAN_OUTPUT_JSON, "saddr,sport,classification,success,repeat,ttl", rs, 2);
	assert_string_equal(t,
		"{\"saddr\":\"198.18.0.7\",\"sport\":443,\"classification\":\"synack\",\"success\":true,\"repeat\":false,\"ttl\":64}\n"
		"{\"saddr\":\"198.18.0.7\",\"sport\":443,\"classification\":\"rst\",\"success\":false,\"repeat\":false,\"ttl\":64}\n");
	free(t);
	t = render(KSCAN_OUTPUT_JSON, NULL, rs, 0);
	assert_string_equal(t, "");
	free(t);
}

static void test_status(void **state)
{
	struct kscan_status_sample prev = {
		.elapsed_s = 1, .sent = 1000, .progress = 1000, .total = 10000,
		.frames = 10,
	};
	struct kscan_status_sample now = {
		.elapsed_s = 2, .sent = 3000, .progress = 3000, .total = 10000,
		.frames = 40, .open = 3, .closed = 30, .duplicates = 2,
		.invalid = 5, .kernel_drops = 1, .cooldown_left_s = 8,
	};
	struct kscan_status_rates r;
	char line[256], *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	kscan_status_rates(&now, &prev, &r);
	assert_true(r.percent == 30.0);
	assert_true(r.send_pps == 2000.0);
	assert_true(r.send_avg_pps == 1500.0);
	assert_true(r.recv_pps == 30.0);
	assert_true(r.hit_rate == 0.1);
	/* 7000 left at 1500/s, plus the cooldown */
	assert_true(r.eta_s > 12.66 && r.eta_s < 12.67);
	kscan_status_format(&now, &r, false, line, sizeof(line));
	assert_string_equal(line, "0:02  30.0% sent 3.0K (2.0Kp/s) recv 40 (30p/s) open 3 closed 30 hits 0.10% dup 2 drops 1 ETA 0:13");
	kscan_status_format(&now, &r, true, line, sizeof(line));
	assert_string_equal(line, "[=======                 ] 0:02  30.0% sent 3.0K (2.0Kp/s) recv 40 (30p/s) open 3 closed 30 hits 0.10% dup 2 drops 1 ETA 0:13");

	out = open_memstream(&text, &len);
	kscan_status_csv_header(out);
	kscan_status_csv_row(out, 1795221967, &now, &r);
	fclose(out);
	assert_string_equal(text,
		"real-time,time-elapsed,time-remaining,percent-complete,hit-rate,sent-total,sent-last-one-sec,sent-avg-per-sec,recv-success-total,recv-closed-total,recv-total,recv-total-last-one-sec,recv-total-avg-per-sec,duplicates-total,invalid-total,drop-total,cooldown\n"
		"2026-11-21T00:46:07+0000,2,13,30.00,0.1000,3000,2000,1500,3,30,40,30,20,2,5,1,0\n");
	free(text);
}

static void test_metadata(void **state)
{
	static const u16 ports[] = { 22, 80, 81, 82, 443 };
	struct kscan_receiver_counters c = {
		.frames = 100, .valid = 90, .open = 10, .closed = 80,
		.duplicates = 4, .invalid = 6, .cooldown = 2, .rst_sent = 12,
	};
	struct kscan_scan_status fin = {
		.scan_id = 3, .state = KSCAN_STATE_DONE,
		.reason = KSCAN_REASON_COMPLETED, .sent = 1000,
		.progress = 1000, .total = 1000,
	};
	struct kscan_start_config cfg;
	struct kscan_metadata m = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	kscan_start_config_init(&cfg);
	cfg.saddr_first = IP4(198, 19, 0, 1);
	cfg.saddr_last = IP4(198, 19, 0, 1);
	cfg.ports = (u16 *)ports;
	cfg.nr_ports = 5;
	cfg.rate = 5000;
	cfg.gateway_mac[5] = 0xab;
	c.by_verdict[KSCAN_V_COOKIE] = 6;
	m.cfg = &cfg;
	m.ifname = "ks0";
	m.nr_targets = 200;
	m.nr_intervals = 1;
	m.blocklist = "/dev/null";
	m.seed = 7;
	m.scan_id = 3;
	m.engine = "afpacket";
	m.engine_requested = "auto";
	m.engine_fallback = "kmod: not loaded";
	m.rx = "afpacket";
	m.rx_fallback = "no \"xdp\"";
	m.start.tv_sec = 1795221967;
	m.end.tv_sec = 1795221977;
	m.duration_s = 10;
	m.final = &fin;
	m.rx_counters = &c;
	m.rx_stats.kernel_drops = 1;
	m.dedup_bytes = 100;
	m.dedup_bound = 200;
	out = open_memstream(&text, &len);
	kscan_metadata_write(out, &m);
	fclose(out);
	assert_string_equal(text,
		"{\n  \"kscanctl_version\": \"" KSCAN_VERSION "\",\n"
		"  \"scan_id\": 3,\n  \"interface\": \"ks0\",\n"
		"  \"source_ip\": \"198.19.0.1\",\n"
		"  \"source_ports\": \"32768-61000\",\n"
		"  \"gateway_mac\": \"00:00:00:00:00:ab\",\n"
		"  \"target_addresses\": 200,\n  \"target_intervals\": 1,\n"
		"  \"target_ports\": \"22,80-82,443\",\n  \"probes\": 1,\n"
		"  \"blocklist\": \"/dev/null\",\n  \"seed\": 7,\n"
		"  \"shard\": 0,\n  \"shards\": 1,\n  \"rate_pps\": 5000,\n"
		"  \"bandwidth_bps\": 0,\n  \"max_targets\": 0,\n"
		"  \"sender_threads\": 0,\n  \"engine\": \"afpacket\",\n"
		"  \"engine_requested\": \"auto\",\n"
		"  \"engine_fallback_reason\": \"kmod: not loaded\",\n"
		"  \"engine_mode\": null,\n"
		"  \"rx\": \"afpacket\",\n"
		"  \"rx_mode\": null,\n"
		"  \"rx_fallback_reason\": \"no \\\"xdp\\\"\",\n"
		"  \"send_rst\": true,\n  \"cooldown_s\": 8,\n"
		"  \"output_file\": \"-\",\n  \"output_module\": \"csv\",\n"
		"  \"output_fields\": \"saddr,sport,classification,success,cooldown,timestamp_str\",\n"
		"  \"config_file\": null,\n"
		"  \"start_time\": \"2026-11-21T00:46:07.000+0000\",\n"
		"  \"end_time\": \"2026-11-21T00:46:17.000+0000\",\n"
		"  \"duration_s\": 10.000,\n  \"state\": \"done\",\n"
		"  \"reason\": \"completed\",\n  \"interrupted\": false,\n"
		"  \"sent\": 1000,\n  \"tx_busy\": 0,\n  \"tx_errors\": 0,\n"
		"  \"progress\": 1000,\n  \"total\": 1000,\n"
		"  \"received\": 100,\n  \"valid\": 90,\n  \"open\": 10,\n"
		"  \"closed\": 80,\n  \"duplicates\": 4,\n  \"invalid\": 6,\n"
		"  \"invalid_by_reason\": {\"malformed\": 0, \"vlan\": 0, \"flags\": 0, \"not_target\": 0, \"not_port\": 0, \"cookie\": 6},\n"
		"  \"results_in_cooldown\": 2,\n  \"kernel_drops\": 1,\n"
		"  \"rst_sent\": 12,\n  \"rst_errors\": 0,\n"
		"  \"dedup_errors\": 0,\n  \"dedup_bytes\": 100,\n"
		"  \"dedup_bound_bytes\": 200,\n"
		"  \"send_rate_pps\": 100.000,\n"
		"  \"receive_rate_pps\": 10.000,\n  \"hit_rate\": 0.010\n}\n");
	free(text);
}

/* "source_ip" as -S takes it: one address, a range, or the list in order. */
static void test_metadata_source_ip(void **state)
{
	static const u16 ports[] = { 80 };
	struct kscan_receiver_counters c = { 0 };
	struct kscan_scan_status fin = { .scan_id = 1 };
	struct kscan_start_config cfg;
	struct kscan_metadata m = { 0 };
	char *text;
	size_t len;
	FILE *out;
	int form;

	(void)state;
	for (form = 0; form < 3; form++) {
		static const char *const want[] = {
			"\n  \"source_ip\": \"198.19.0.1\",\n",
			"\n  \"source_ip\": \"198.19.0.1-198.19.0.4\",\n",
			"\n  \"source_ip\": \"198.19.0.9,198.19.0.1,198.19.0.5\",\n",
		};

		kscan_start_config_init(&cfg);
		cfg.saddr_first = IP4(198, 19, 0, form == 2 ? 9 : 1);
		cfg.saddr_last = IP4(198, 19, 0, form == 1 ? 4 :
					     form == 2 ? 9 : 1);
		if (form == 2) {
			cfg.saddr_list[0] = IP4(198, 19, 0, 9);
			cfg.saddr_list[1] = IP4(198, 19, 0, 1);
			cfg.saddr_list[2] = IP4(198, 19, 0, 5);
			cfg.nr_saddrs = 3;
		}
		cfg.ports = (u16 *)ports;
		cfg.nr_ports = 1;
		m.cfg = &cfg;
		m.ifname = "ks0";
		m.blocklist = "";
		m.rx = "none";
		m.rx_fallback = "";
		m.final = &fin;
		m.rx_counters = &c;
		text = NULL;
		len = 0;
		out = open_memstream(&text, &len);
		kscan_metadata_write(out, &m);
		fclose(out);
		assert_non_null(strstr(text, want[form]));
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_metadata_source_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
