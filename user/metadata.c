// SPDX-License-Identifier: GPL-2.0
/*
 * The metadata JSON (see metadata.h).
 */
#include "metadata.h"
#include "output.h"
#include "targets.h"
#include "validate.h"

void kscan_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void kscan_json_key(FILE *out, const char *key, bool *first)
{
	fprintf(out, "%s\n  \"%s\": ", *first ? "" : ",", key);
	*first = false;
}

static void kscan_json_u64(FILE *out, const char *key, u64 v, bool *first)
{
	kscan_json_key(out, key, first);
	fprintf(out, "%llu", (unsigned long long)v);
}

static void kscan_json_double(FILE *out, const char *key, double v,
			      bool *first)
{
	kscan_json_key(out, key, first);
	fprintf(out, "%.3f", v);
}

static void kscan_json_str(FILE *out, const char *key, const char *v,
			   bool *first)
{
	kscan_json_key(out, key, first);
	if (v)
		kscan_json_string(out, v);
	else
		fputs("null", out);
}

static void kscan_json_bool(FILE *out, const char *key, bool v, bool *first)
{
	kscan_json_key(out, key, first);
	fputs(v ? "true" : "false", out);
}

/* "22,80,8000-8010" */
static void kscan_json_ports(FILE *out, const u16 *ports, u32 nr)
{
	u32 i = 0, j;

	fputc('"', out);
	while (i < nr) {
		for (j = i; j + 1 < nr && ports[j + 1] == ports[j] + 1; j++)
			;
		fprintf(out, "%s%u", i ? "," : "", ports[i]);
		if (j > i)
			fprintf(out, "-%u", ports[j]);
		i = j + 1;
	}
	fputc('"', out);
}

static const char *const kscan_output_names[] = { "csv", "json" };

void kscan_metadata_write(FILE *out, const struct kscan_metadata *m)
{
	const struct kscan_start_config *cfg = m->cfg;
	const struct kscan_receiver_counters *c = m->rx_counters;
	const struct kscan_scan_status *f = m->final;
	char a[16], b[16], ts[32], mac[18];
	bool first = true;
	u32 v;

	fputc('{', out);
	kscan_json_str(out, "kscanctl_version", KSCAN_VERSION, &first);
	kscan_json_u64(out, "scan_id", m->scan_id, &first);
	kscan_json_str(out, "interface", m->ifname, &first);
	kscan_json_key(out, "source_ip", &first);
	/* as -S takes it: "A", "A-B", or the list "A,B,C" in order */
	if (cfg->nr_saddrs) {
		for (v = 0; v < cfg->nr_saddrs; v++)
			fprintf(out, "%c%s", v ? ',' : '"',
				kscan_ipv4_str(cfg->saddr_list[v], a));
	} else {
		fprintf(out, "\"%s", kscan_ipv4_str(cfg->saddr_first, a));
		if (cfg->saddr_last != cfg->saddr_first)
			fprintf(out, "-%s", kscan_ipv4_str(cfg->saddr_last, b));
	}
	fputc('"', out);
	kscan_json_key(out, "source_ports", &first);
	fprintf(out, "\"%u-%u\"", cfg->sport_first, cfg->sport_last);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 cfg->gateway_mac[0], cfg->gateway_mac[1], cfg->gateway_mac[2],
		 cfg->gateway_mac[3], cfg->gateway_mac[4], cfg->gateway_mac[5]);
	kscan_json_str(out, "gateway_mac", mac, &first);
	kscan_json_u64(out, "target_addresses", m->nr_targets, &first);
	kscan_json_u64(out, "target_intervals", m->nr_intervals, &first);
	kscan_json_key(out, "target_ports", &first);
	kscan_json_ports(out, cfg->ports, cfg->nr_ports);
	kscan_json_u64(out, "probes", cfg->probes, &first);
	kscan_json_str(out, "blocklist", m->blocklist, &first);
	kscan_json_u64(out, "seed", m->seed, &first);
	kscan_json_u64(out, "shard", cfg->shard, &first);
	kscan_json_u64(out, "shards", cfg->shards, &first);
	kscan_json_u64(out, "rate_pps", cfg->rate, &first);
	kscan_json_u64(out, "bandwidth_bps", cfg->bandwidth, &first);
	kscan_json_u64(out, "max_targets", cfg->max_packets, &first);
	kscan_json_u64(out, "sender_threads", cfg->nr_tx_queues, &first);
	/* which TX engine ran, which was asked for, why they differ */
	kscan_json_str(out, "engine", m->engine, &first);
	kscan_json_str(out, "engine_requested", m->engine_requested, &first);
	kscan_json_str(out, "engine_fallback_reason", m->engine_fallback,
		       &first);
	kscan_json_str(out, "engine_mode", m->engine_mode, &first);
	kscan_json_str(out, "rx", m->rx, &first);
	kscan_json_str(out, "rx_mode", m->rx_stats.mode, &first);
	kscan_json_str(out, "rx_fallback_reason", m->rx_fallback, &first);
	kscan_json_bool(out, "send_rst", !cfg->no_rst, &first);
	kscan_json_u64(out, "cooldown_s", cfg->cooldown_s, &first);
	kscan_json_str(out, "output_file", cfg->output_file, &first);
	kscan_json_str(out, "output_module",
		       kscan_output_names[cfg->output_module], &first);
	kscan_json_str(out, "output_fields",
		       cfg->output_fields ? cfg->output_fields :
					    KSCAN_OUTPUT_DEFAULT_FIELDS,
		       &first);
	kscan_json_str(out, "config_file", cfg->config_file, &first);
	kscan_json_str(out, "start_time", kscan_timestamp_str(&m->start, ts),
		       &first);
	kscan_json_str(out, "end_time", kscan_timestamp_str(&m->end, ts),
		       &first);
	kscan_json_double(out, "duration_s", m->duration_s, &first);
	kscan_json_str(out, "state", f ? kscan_state_name(f->state) : NULL,
		       &first);
	kscan_json_str(out, "reason", f ? kscan_reason_name(f->reason) : NULL,
		       &first);
	kscan_json_bool(out, "interrupted", m->interrupted, &first);
	kscan_json_u64(out, "sent", f ? f->sent : 0, &first);
	kscan_json_u64(out, "tx_busy", f ? f->tx_busy : 0, &first);
	kscan_json_u64(out, "tx_errors", f ? f->errors : 0, &first);
	kscan_json_u64(out, "progress", f ? f->progress : 0, &first);
	kscan_json_u64(out, "total", f ? f->total : 0, &first);
	kscan_json_u64(out, "received", c->frames, &first);
	kscan_json_u64(out, "valid", c->valid, &first);
	kscan_json_u64(out, "open", c->open, &first);
	kscan_json_u64(out, "closed", c->closed, &first);
	kscan_json_u64(out, "duplicates", c->duplicates, &first);
	kscan_json_u64(out, "invalid", c->invalid, &first);
	kscan_json_key(out, "invalid_by_reason", &first);
	fputc('{', out);
	for (v = KSCAN_V_RST + 1; v < __KSCAN_V_MAX; v++)
		fprintf(out, "%s\"%s\": %llu", v == KSCAN_V_RST + 1 ? "" : ", ",
			kscan_verdict_name(v),
			(unsigned long long)c->by_verdict[v]);
	fputc('}', out);
	kscan_json_u64(out, "results_in_cooldown", c->cooldown, &first);
	kscan_json_u64(out, "kernel_drops", m->rx_stats.kernel_drops, &first);
	kscan_json_u64(out, "rst_sent", c->rst_sent, &first);
	kscan_json_u64(out, "rst_errors", c->rst_errors + m->rx_stats.send_errors,
		       &first);
	kscan_json_u64(out, "dedup_errors", c->dedup_errors, &first);
	kscan_json_u64(out, "dedup_bytes", m->dedup_bytes, &first);
	kscan_json_u64(out, "dedup_bound_bytes", m->dedup_bound, &first);
	kscan_json_double(out, "send_rate_pps",
			  m->duration_s > 0 && f ? (double)f->sent / m->duration_s : 0,
			  &first);
	kscan_json_double(out, "receive_rate_pps",
			  m->duration_s > 0 ? (double)c->frames / m->duration_s : 0,
			  &first);
	kscan_json_double(out, "hit_rate",
			  f && f->sent ? (double)c->open / (double)f->sent : 0,
			  &first);
	fputs("\n}\n", out);
}
