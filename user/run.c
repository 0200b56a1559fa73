// SPDX-License-Identifier: GPL-2.0
/*
 * The engine-agnostic run loop (see run.h).
 *
 * Exit codes: 0 success (the scan completed, spent its budget or was
 * interrupted), 1 when an engine refused or failed.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "metadata.h"
#include "receiver.h"
#include "run.h"
#include "rx.h"
#include "status.h"
#include "tx.h"

#define KSCAN_STATUS_PERIOD_MS 1000

volatile sig_atomic_t kscan_signals;

static u64 kscan_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* How long one engine poll may block: bounds the reaction to events. */
#define KSCAN_RX_POLL_MS 100
/* Frames taken after the cooldown: a bound, not a wait. */
#define KSCAN_DRAIN_MAX_POLLS 1000

struct kscan_run {
	struct kscan_start_config *cfg;
	const struct kscan_plan *plan;
	struct kscan_tx_choice tx;
	u32 scan_id;
	char name[32]; /* "scan 3", "the scan" */
	const struct kscan_rx_ops *rx_ops; /* NULL: --rx none */
	void *rx_state;
	bool rx_shared; /* the TX engine's: it closes it */
	char rx_fallback[256]; /* why not afxdp, or "" */
	struct kscan_validator validator;
	struct kscan_receiver receiver;
	FILE *out;
	FILE *meta;
	FILE *status_csv;
	struct kscan_output *output;
	bool tty;
	bool status_drawn; /* a bar is on the line */
	u64 start_ns;
	struct timespec start_rt;
	struct kscan_scan_status last; /* latest GET */
	struct kscan_scan_status final;
	bool have_final;
	bool cooling;
	u64 cooldown_end_ns;
	bool interrupted; /* a signal stopped the scan */
	bool abandoned; /* a second one: no cooldown */
	bool output_gone; /* results output hit EPIPE */
	bool rx_failed;
	struct kscan_status_sample prev;
};

static void kscan_on_signal(int sig)
{
	(void)sig;
	kscan_signals++;
}

/*
 * SIGINT, SIGTERM and SIGHUP (a dropped SSH session) stop the scan the
 * same way; SIGPIPE is ignored so that a closed output shows as EPIPE,
 * which stops the scan too (kscan_run_loop). Installed before anything is
 * opened, so that no signal can leave a scan or an XDP program behind
 * without the cleanup that follows it.
 */
void kscan_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kscan_on_signal;
	/* no SA_RESTART: the engine's poll must return EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* "-" is stdout. */
static FILE *kscan_open_output(const char *path, const char *flag)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "kscanctl: %s: cannot write %s: %s\n", flag,
			path, strerror(errno));
	return f;
}

static int kscan_close_output(FILE *f)
{
	if (!f)
		return 0;
	if (f == stdout)
		return fflush(f) || ferror(f) ? -1 : 0;
	return fclose(f) ? -1 : 0;
}

/* Open the RX engine: afxdp, else (when not asked for by name) afpacket. */
static int kscan_rx_open(struct kscan_run *run, int ifindex)
{
	const struct kscan_start_config *cfg = run->cfg;
	struct kscan_rx_config rxc;
	const struct kscan_rx_ops *ops;
	char why[256] = "";
	void *half;
	int ret;

	_Static_assert(sizeof(rxc.key) == sizeof(run->plan->key),
		       "one key length");
	kscan_rx_config_init(&rxc, cfg, run->plan->key, ifindex);
	/* An engine of both directions receives on its own sockets. */
	half = run->tx.ops->rx_half ? run->tx.ops->rx_half(run->tx.state) :
				      NULL;
	if (half && cfg->rx == KSCAN_RX_AFXDP) {
		run->rx_ops = &kscan_rx_afxdp;
		run->rx_state = half;
		run->rx_shared = true;
		return 0;
	}
	if (cfg->rx == KSCAN_RX_NONE)
		return 0;
	if (cfg->rx == KSCAN_RX_AFXDP) {
		ops = &kscan_rx_afxdp;
		ret = ops->open(&rxc, &run->rx_state, why, sizeof(why));
		if (!ret) {
			run->rx_ops = ops;
			return 0;
		}
		if (cfg->given[KSCAN_OPT_RX]) {
			fprintf(stderr,
				"kscanctl: --rx afxdp: cannot receive with AF_XDP on %s: %s\n",
				cfg->ifname, why);
			return -1;
		}
		fprintf(stderr,
			"kscanctl: WARNING: AF_XDP cannot receive on %s: %s\n"
			"kscanctl: WARNING: falling back to AF_PACKET: slower, and replies may be lost at high rates\n",
			cfg->ifname, why);
		snprintf(run->rx_fallback, sizeof(run->rx_fallback), "%s", why);
	}
	ops = &kscan_rx_afpacket;
	ret = ops->open(&rxc, &run->rx_state, why, sizeof(why));
	if (ret) {
		fprintf(stderr,
			"kscanctl: --rx afpacket: cannot receive with AF_PACKET on %s: %s\n",
			cfg->ifname, why);
		return -1;
	}
	run->rx_ops = ops;
	return 0;
}

static void kscan_enter_cooldown(struct kscan_run *run)
{
	if (run->cooling)
		return;
	run->cooling = true;
	run->receiver.cooldown = true;
	/* nothing to wait for when nothing receives */
	run->cooldown_end_ns =
		kscan_now_ns() +
		(run->rx_ops ? run->cfg->cooldown_s : 0) * 1000000000ULL;
}

static void kscan_status_sample(struct kscan_run *run,
				struct kscan_status_sample *s)
{
	const struct kscan_receiver_counters *c = &run->receiver.c;
	const struct kscan_scan_status *st = run->have_final ? &run->final :
							       &run->last;
	struct kscan_rx_stats rs = { 0 };
	u64 now = kscan_now_ns();

	if (run->rx_ops)
		run->rx_ops->stats(run->rx_state, &rs);
	memset(s, 0, sizeof(*s));
	s->elapsed_s = (double)(now - run->start_ns) / 1e9;
	s->sent = st->sent;
	s->progress = st->progress;
	s->total = st->total;
	s->frames = c->frames;
	s->open = c->open;
	s->closed = c->closed;
	s->duplicates = c->duplicates;
	s->invalid = c->invalid;
	s->kernel_drops = rs.kernel_drops;
	s->cooldown = run->cooling;
	if (run->cooling)
		s->cooldown_left_s =
			run->cooldown_end_ns > now ?
				(double)(run->cooldown_end_ns - now) / 1e9 :
				0;
	else
		s->cooldown_left_s = run->rx_ops ? run->cfg->cooldown_s : 0;
}

/* Once a second: the status line, the -u row, results to disk. */
static void kscan_status_tick(struct kscan_run *run)
{
	struct kscan_status_sample s;
	struct kscan_status_rates r;
	struct timespec rt;
	char line[256];

	kscan_status_sample(run, &s);
	kscan_status_rates(&s, run->prev.elapsed_s > 0 ? &run->prev : NULL, &r);
	run->prev = s;
	if (!run->cfg->quiet) {
		kscan_status_format(&s, &r, run->tty, line, sizeof(line));
		if (run->tty) {
			fprintf(stderr, "\r%s\033[K", line);
			run->status_drawn = true;
		} else {
			fprintf(stderr, "kscan: %s\n", line);
		}
	}
	if (run->status_csv) {
		clock_gettime(CLOCK_REALTIME, &rt);
		kscan_status_csv_row(run->status_csv, (double)rt.tv_sec, &s,
				     &r);
		fflush(run->status_csv);
	}
	/* A reader that went away (kscanctl start ... | head) stops us. */
	if (run->output && kscan_output_flush(run->output) && errno == EPIPE)
		run->output_gone = true;
}

/* A message on stderr that does not mix with the progress bar. */
static void kscan_say(struct kscan_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void kscan_say(struct kscan_run *run, const char *fmt, ...)
{
	va_list ap;

	if (run->status_drawn) {
		fputc('\n', stderr);
		run->status_drawn = false;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* stop() returns once nothing more is sent. */
static void kscan_stop_scan(struct kscan_run *run)
{
	struct kscan_scan_status st;
	int ret;

	ret = run->tx.ops->stop(run->tx.state);
	if (ret && ret != -ENOENT && ret != -EALREADY)
		run->tx.ops->report(run->tx.state, "STOP refused", ret);
	if (run->tx.ops->progress(run->tx.state, &st) == 1) {
		run->final = st;
		run->have_final = true;
	}
}

/* A signal: first STOP and cool down, second give up the cooldown. */
static void kscan_handle_signal(struct kscan_run *run)
{
	if (run->interrupted) {
		kscan_say(
			run,
			"kscanctl: interrupted again: writing what was received and exiting\n");
		run->abandoned = true;
		return;
	}
	run->interrupted = true;
	if (run->cooling) {
		kscan_say(
			run,
			"kscanctl: the scan has ended; still receiving for the cooldown (interrupt again to skip it)\n");
		return;
	}
	kscan_say(
		run,
		"kscanctl: stopping %s; receiving for %u s more (interrupt again to skip)\n",
		run->name, run->rx_ops ? run->cfg->cooldown_s : 0);
	kscan_stop_scan(run);
	kscan_enter_cooldown(run);
}

/* The results' reader is gone: stop, skip the cooldown, keep the rest. */
static void kscan_handle_output_gone(struct kscan_run *run)
{
	kscan_say(
		run,
		"kscanctl: the output was closed (EPIPE): stopping %s; metadata and status files are still written\n",
		run->name);
	if (!run->cooling)
		kscan_stop_scan(run);
	run->interrupted = true;
	run->abandoned = true;
}

/* Receive until the scan has ended and the cooldown passed. */
static void kscan_run_loop(struct kscan_run *run)
{
	u64 last_status = kscan_now_ns();
	sig_atomic_t handled = 0;
	bool events_ok = true;
	int ret;

	for (;;) {
		if (kscan_signals != handled) {
			handled = kscan_signals;
			kscan_handle_signal(run);
			if (run->abandoned)
				return;
		}
		if (run->rx_ops) {
			ret = run->rx_ops->poll(run->rx_state, KSCAN_RX_POLL_MS,
						kscan_receiver_frame,
						&run->receiver);
			if (ret < 0 && ret != -EINTR) {
				kscan_say(run,
					  "kscanctl: receiving failed: %s\n",
					  strerror(-ret));
				run->rx_failed = true;
				return;
			}
		} else {
			/* nothing receives: wake for the end event at once */
			struct pollfd pfd = {
				.fd = run->tx.ops->wait_fd(run->tx.state),
				.events = POLLIN,
			};

			poll(&pfd, pfd.fd >= 0, KSCAN_RX_POLL_MS);
		}

		if (!run->cooling && events_ok) {
			ret = run->tx.ops->wait(run->tx.state, &run->final);
			if (ret == 1) {
				run->have_final = true;
				kscan_enter_cooldown(run);
			} else if (ret < 0) {
				/* carry on with GET alone */
				kscan_say(
					run,
					"kscanctl: events: %s: polling the scan instead\n",
					strerror(-ret));
				events_ok = false;
			}
		}

		if (kscan_now_ns() - last_status >=
		    KSCAN_STATUS_PERIOD_MS * 1000000ULL) {
			last_status = kscan_now_ns();
			/* also when events were lost: progress tells the end */
			if (!run->cooling) {
				ret = run->tx.ops->progress(run->tx.state,
							    &run->last);
				if (ret == 1) {
					run->final = run->last;
					run->have_final = true;
					kscan_enter_cooldown(run);
				} else if (ret == -ENOENT) {
					kscan_say(
						run,
						"kscanctl: %s is gone and its end event was not received\n",
						run->name);
					kscan_enter_cooldown(run);
				}
			}
			kscan_status_tick(run);
			if (run->output_gone) {
				kscan_handle_output_gone(run);
				return;
			}
		}
		if (run->cooling && kscan_now_ns() >= run->cooldown_end_ns)
			return;
	}
}

/* What is still queued after the cooldown; bounded. */
static void kscan_drain(struct kscan_run *run)
{
	int i;

	for (i = 0; run->rx_ops && i < KSCAN_DRAIN_MAX_POLLS; i++)
		if (run->rx_ops->poll(run->rx_state, 0, kscan_receiver_frame,
				      &run->receiver) <= 0)
			break;
}

static void kscan_print_report(struct kscan_run *run,
			       const struct kscan_rx_stats *rs)
{
	const struct kscan_receiver_counters *c = &run->receiver.c;
	const struct kscan_scan_status *st = &run->final;
	double elapsed = (double)(kscan_now_ns() - run->start_ns) / 1e9;

	kscan_say(run, "engine: %s\n", run->tx.ops->name);
	if (run->scan_id)
		fprintf(stderr, "scan-id: %u\n", run->scan_id);
	if (run->have_final)
		fprintf(stderr, "state: %s\nreason: %s\n",
			kscan_state_name(st->state),
			kscan_reason_name(st->reason));
	fprintf(stderr,
		"sent: %llu\ntx-busy: %llu\nerrors: %llu\nno-carrier: %llu\n",
		(unsigned long long)st->sent, (unsigned long long)st->tx_busy,
		(unsigned long long)st->errors,
		(unsigned long long)st->no_carrier);
	fprintf(stderr, "elapsed: %.3f s\n", elapsed);
	if (st->start_ns && st->end_ns > st->start_ns)
		fprintf(stderr, "pps: %.0f\n",
			(double)st->sent /
				((double)(st->end_ns - st->start_ns) / 1e9));
	fprintf(stderr,
		"seed: %llu\nkey: ", (unsigned long long)run->plan->seed);
	kscan_print_hex(stderr, run->plan->key, sizeof(run->plan->key));
	fprintf(stderr, "\nrx: %s\n", run->rx_ops ? run->rx_ops->name : "none");
	if (!run->rx_ops)
		return;
	fprintf(stderr,
		"received: %llu\nvalid: %llu\nopen: %llu\nclosed: %llu\nduplicates: %llu\ninvalid: %llu\nkernel-drops: %llu\nrst-sent: %llu\n",
		(unsigned long long)c->frames, (unsigned long long)c->valid,
		(unsigned long long)c->open, (unsigned long long)c->closed,
		(unsigned long long)c->duplicates,
		(unsigned long long)c->invalid,
		(unsigned long long)rs->kernel_drops,
		(unsigned long long)c->rst_sent);
}

/* After the loop: drain, metadata, report. Returns the exit code. */
static int kscan_run_finish(struct kscan_run *run)
{
	struct kscan_rx_stats rs = { 0 };
	struct kscan_metadata md;
	struct timespec end_rt;
	int exit_code = 1, ret;

	if (!run->abandoned && !run->rx_failed)
		kscan_drain(run);
	if (run->rx_failed && !run->cooling) {
		/* nothing receives any more: no point in sending */
		run->tx.ops->stop(run->tx.state);
		run->interrupted = true;
	}
	if (!run->have_final) {
		ret = run->tx.ops->progress(run->tx.state, &run->final);
		run->have_final = ret == 1;
	}
	if (run->rx_ops)
		run->rx_ops->stats(run->rx_state, &rs);
	kscan_status_tick(run);
	clock_gettime(CLOCK_REALTIME, &end_rt);

	if (run->meta) {
		memset(&md, 0, sizeof(md));
		md.cfg = run->cfg;
		md.ifname = run->cfg->ifname;
		md.nr_targets = kscan_ipset_count(&run->plan->targets);
		md.nr_intervals = run->plan->targets.nr;
		md.blocklist = run->plan->blocklist;
		md.seed = run->plan->seed;
		md.scan_id = run->scan_id;
		md.engine = run->tx.ops->name;
		md.engine_requested = run->tx.requested;
		md.engine_mode = run->tx.ops->mode ?
					 run->tx.ops->mode(run->tx.state) :
					 NULL;
		md.engine_fallback = run->tx.fallback[0] ? run->tx.fallback :
							   NULL;
		md.rx = run->rx_ops ? run->rx_ops->name : "none";
		md.rx_fallback = run->rx_fallback[0] ? run->rx_fallback : NULL;
		md.start = run->start_rt;
		md.end = end_rt;
		md.duration_s = (double)(kscan_now_ns() - run->start_ns) / 1e9;
		md.final = run->have_final ? &run->final : NULL;
		md.interrupted = run->interrupted;
		md.rx_counters = &run->receiver.c;
		md.rx_stats = rs;
		md.dedup_bytes = run->receiver.dedup.bytes;
		md.dedup_bound = kscan_dedup_bound(run->receiver.dedup.nr_bits);
		kscan_metadata_write(run->meta, &md);
	}
	if (!run->cfg->quiet)
		kscan_print_report(run, &rs);

	if (run->have_final &&
	    (run->interrupted || run->final.state == KSCAN_STATE_DONE ||
	     run->final.reason == KSCAN_REASON_BUDGET))
		exit_code = 0;
	else if (!run->have_final && run->interrupted)
		exit_code = 0;
	if (run->rx_failed)
		exit_code = 1;
	ret = kscan_output_close(run->output);
	run->output = NULL;
	if (ret && errno == EPIPE)
		run->output_gone = true;
	else if (ret) {
		fprintf(stderr, "kscanctl: --output-file: write failed: %s\n",
			strerror(errno));
		exit_code = 1;
	}
	return exit_code;
}

/* Outputs first (fail before sending), then the validator and receiver. */
static int kscan_run_prepare(struct kscan_run *run)
{
	struct kscan_start_config *cfg = run->cfg;
	const struct kscan_plan *plan = run->plan;
	char err[1024];

	if (cfg->metadata_file) {
		run->meta = kscan_open_output(cfg->metadata_file,
					      "--metadata-file");
		if (!run->meta)
			return -1;
	}
	if (cfg->status_file) {
		run->status_csv = kscan_open_output(cfg->status_file,
						    "--status-updates-file");
		if (!run->status_csv)
			return -1;
		kscan_status_csv_header(run->status_csv);
	}
	if (kscan_validator_init(&run->validator, plan->targets.iv,
				 (u32)plan->targets.nr, cfg->ports,
				 cfg->nr_ports, plan->key, cfg->saddr_first,
				 cfg->saddr_last, cfg->sport_first,
				 cfg->sport_last, cfg->probes) ||
	    (cfg->nr_saddrs &&
	     kscan_validator_set_saddr_list(&run->validator, cfg->saddr_list,
					    cfg->nr_saddrs))) {
		fprintf(stderr, "kscanctl: out of memory for the validator\n");
		return -1;
	}
	if (cfg->rx == KSCAN_RX_NONE)
		return 0;
	run->out = kscan_open_output(cfg->output_file, "--output-file");
	if (!run->out)
		return -1;
	run->output = kscan_output_open(run->out, cfg->output_module,
					cfg->output_fields, err, sizeof(err));
	if (!run->output) {
		fprintf(stderr, "kscanctl: --output-fields: %s\n", err);
		return -1;
	}
	if (kscan_receiver_init(&run->receiver, &run->validator, run->output)) {
		fprintf(stderr, "kscanctl: out of memory for de-duplication\n");
		return -1;
	}
	return 0;
}

static void kscan_run_free(struct kscan_run *run)
{
	/* the senders first: nothing is sent once nothing receives */
	if (run->tx.ops)
		run->tx.ops->close(run->tx.state);
	if (run->rx_ops && !run->rx_shared)
		run->rx_ops->close(run->rx_state);
	kscan_output_close(run->output);
	kscan_close_output(run->out);
	kscan_close_output(run->meta);
	kscan_close_output(run->status_csv);
	kscan_receiver_free(&run->receiver);
	kscan_validator_free(&run->validator);
}

int kscan_run_scan(struct kscan_start_config *cfg,
		   const struct kscan_plan *plan, int ifindex)
{
	struct kscan_tx_config tc = {
		.cfg = cfg,
		.plan = plan,
		.ifindex = ifindex,
	};
	struct kscan_run run;
	char err[1024];
	int exit_code = 1, ret;

	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	run.plan = plan;
	ret = kscan_tx_choose(&tc, &run.tx);
	if (ret)
		return ret;
	if (kscan_run_prepare(&run))
		goto out;
	/* A killed kscanctl left its XDP program: it would take replies. */
	kscan_rx_remove_stale(cfg->ifname);
	/* and the receiver before START, so that no early reply is lost */
	if (kscan_rx_open(&run, ifindex))
		goto out;
	if (run.rx_ops && !cfg->no_rst) {
		run.receiver.rst_ops = run.rx_ops;
		run.receiver.rst_state = run.rx_state;
	}
	if (kscan_signals) {
		fprintf(stderr,
			"kscanctl: interrupted before the scan started: nothing was sent\n");
		goto out;
	}
	run.start_ns = kscan_now_ns();
	clock_gettime(CLOCK_REALTIME, &run.start_rt);
	ret = run.tx.ops->start(run.tx.state, &run.scan_id, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "kscanctl: %s\n", err);
		goto out;
	}
	if (cfg->detach) {
		printf("%u\n", run.scan_id);
		exit_code = 0;
		goto out;
	}
	if (run.scan_id)
		snprintf(run.name, sizeof(run.name), "scan %u", run.scan_id);
	else
		snprintf(run.name, sizeof(run.name), "the scan");
	if (!cfg->quiet)
		fprintf(stderr,
			"kscanctl: %s started on %s by %s, receiving with %s\n",
			run.name, cfg->ifname, run.tx.ops->name,
			run.rx_ops ? run.rx_ops->name : "nothing (--rx none)");
	run.tty = isatty(STDERR_FILENO);
	kscan_run_loop(&run);
	exit_code = kscan_run_finish(&run);
out:
	kscan_run_free(&run);
	return exit_code;
}
