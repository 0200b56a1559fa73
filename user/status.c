// SPDX-License-Identifier: GPL-2.0
/*
 * Status lines and the status-updates CSV (see status.h).
 */
#include <string.h>
#include <time.h>

#include "status.h"

#define KSCAN_BAR_WIDTH 24

void kscan_status_rates(const struct kscan_status_sample *now,
			const struct kscan_status_sample *prev,
			struct kscan_status_rates *r)
{
	double dt = now->elapsed_s - (prev ? prev->elapsed_s : 0);

	memset(r, 0, sizeof(*r));
	r->percent = now->total ? 100.0 * (double)now->progress /
					  (double)now->total : 0;
	if (now->cooldown)
		r->percent = 100.0;
	if (dt > 0) {
		r->send_pps = (double)(now->sent - (prev ? prev->sent : 0)) / dt;
		r->recv_pps =
			(double)(now->frames - (prev ? prev->frames : 0)) / dt;
	}
	if (now->elapsed_s > 0) {
		r->send_avg_pps = (double)now->sent / now->elapsed_s;
		r->recv_avg_pps = (double)now->frames / now->elapsed_s;
	}
	r->hit_rate = now->sent ? 100.0 * (double)now->open /
					  (double)now->sent : 0;
	if (now->cooldown)
		r->eta_s = now->cooldown_left_s;
	else if (now->total && r->send_avg_pps > 0)
		r->eta_s = (double)(now->total - now->progress) /
			   r->send_avg_pps + now->cooldown_left_s;
	else
		r->eta_s = -1;
}

/* "12.3K" */
static const char *kscan_si(double v, char buf[16])
{
	if (v >= 1e9)
		snprintf(buf, 16, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, 16, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, 16, "%.1fK", v / 1e3);
	else
		snprintf(buf, 16, "%.0f", v);
	return buf;
}

/* "1:02:03", "4:05" */
static const char *kscan_hms(double s, char buf[32])
{
	unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;

	if (s < 0)
		return "?";
	if (t >= 3600)
		snprintf(buf, 32, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
			 t % 60);
	else
		snprintf(buf, 32, "%lu:%02lu", t / 60, t % 60);
	return buf;
}

void kscan_status_format(const struct kscan_status_sample *s,
			 const struct kscan_status_rates *r, bool tty,
			 char *buf, size_t len)
{
	char el[32], eta[32], pps[16], rpps[16], sent[16];
	size_t n = 0;

	if (tty) {
		int fill = (int)(r->percent * KSCAN_BAR_WIDTH / 100.0);
		char bar[KSCAN_BAR_WIDTH + 1];

		memset(bar, '=', (size_t)fill);
		memset(bar + fill, ' ', (size_t)(KSCAN_BAR_WIDTH - fill));
		bar[KSCAN_BAR_WIDTH] = '\0';
		n = (size_t)snprintf(buf, len, "[%s] ", bar);
		if (n >= len)
			return;
	}
	snprintf(buf + n, len - n,
		 "%s %5.1f%%%s sent %s (%sp/s) recv %llu (%sp/s) open %llu closed %llu hits %.2f%% dup %llu drops %llu ETA %s",
		 kscan_hms(s->elapsed_s, el), r->percent,
		 s->cooldown ? " cooldown" : "", kscan_si((double)s->sent, sent),
		 kscan_si(r->send_pps, pps), (unsigned long long)s->frames,
		 kscan_si(r->recv_pps, rpps), (unsigned long long)s->open,
		 (unsigned long long)s->closed, r->hit_rate,
		 (unsigned long long)s->duplicates,
		 (unsigned long long)s->kernel_drops, kscan_hms(r->eta_s, eta));
}

void kscan_status_csv_header(FILE *out)
{
	fputs("real-time,time-elapsed,time-remaining,percent-complete,"
	      "hit-rate,sent-total,sent-last-one-sec,sent-avg-per-sec,"
	      "recv-success-total,recv-closed-total,recv-total,"
	      "recv-total-last-one-sec,recv-total-avg-per-sec,"
	      "duplicates-total,invalid-total,drop-total,cooldown\n", out);
}

void kscan_status_csv_row(FILE *out, double realtime_s,
			  const struct kscan_status_sample *s,
			  const struct kscan_status_rates *r)
{
	struct timespec ts = { .tv_sec = (time_t)realtime_s };
	char when[32];
	struct tm tm;

	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S+0000", &tm);
	fprintf(out, "%s,%.0f,%.0f,%.2f,%.4f,%llu,%.0f,%.0f,%llu,%llu,%llu,%.0f,%.0f,%llu,%llu,%llu,%d\n",
		when, s->elapsed_s, r->eta_s, r->percent, r->hit_rate,
		(unsigned long long)s->sent, r->send_pps, r->send_avg_pps,
		(unsigned long long)s->open, (unsigned long long)s->closed,
		(unsigned long long)s->frames, r->recv_pps, r->recv_avg_pps,
		(unsigned long long)s->duplicates,
		(unsigned long long)s->invalid,
		(unsigned long long)s->kernel_drops, s->cooldown ? 1 : 0);
}
