// SPDX-License-Identifier: GPL-2.0
/*
 * kscanctl start / stop / status (see scan.h).
 *
 * Exit codes: 0 success, 1 when the kernel refused or the scan failed,
 * 2 (KSCAN_EXIT_USAGE) for errors found in userspace before anything was
 * sent: bad options, unreadable files, nothing left to scan.
 */
#define _GNU_SOURCE	/* CPU_ALLOC, sched_getaffinity */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "kscan/cookie.h"
#include "kscan/probe.h"
#include "kscan/perm.h"
#include "kscan/target.h"

#include "engine.h"
#include "metadata.h"
#include "receiver.h"
#include "route.h"
#include "scan.h"
#include "status.h"

#define KSCAN_STATUS_PERIOD_MS 1000

/* Signals received (kscan_catch_signals); the run loop acts on them. */
static volatile sig_atomic_t kscan_signals;

static int kscan_scan_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_scan_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void kscan_report_open_error(int err)
{
	if (err == -ENOENT)
		fprintf(stderr,
			"kscanctl: the kscan kernel module is not loaded "
			"(generic-netlink family \"%s\" not found).\n"
			"Load it with 'modprobe kscan' (installed with DKMS: "
			"'make dkms-install'), or 'insmod kmod/kscan.ko' from a build tree.\n",
			KSCAN_GENL_NAME);
	else
		fprintf(stderr, "kscanctl: cannot open generic netlink: %s\n",
			strerror(-err));
}

/* "START refused: Invalid argument: KSCAN_A_PORTS: ..." */
static void kscan_report_nl_error(struct kscan_nl *nl, const char *what,
				  int err)
{
	const char *extack = kscan_nl_extack(nl);

	fprintf(stderr, "kscanctl: %s: %s%s%s\n", what, strerror(-err),
		*extack ? ": " : "", extack);
}

static u64 kscan_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

int kscan_default_blocklist(const char *exe_dir, char *buf, size_t len)
{
	char repo[PATH_MAX + 64], *resolved;

	if (!access(KSCAN_SYSTEM_BLOCKLIST, R_OK)) {
		snprintf(buf, len, "%s", KSCAN_SYSTEM_BLOCKLIST);
		return 0;
	}
	snprintf(repo, sizeof(repo), "%s/%s", exe_dir, KSCAN_REPO_BLOCKLIST);
	resolved = realpath(repo, NULL);
	if (resolved && !access(resolved, R_OK)) {
		snprintf(buf, len, "%s", resolved);
		free(resolved);
		return 0;
	}
	free(resolved);
	snprintf(buf, len, "%s nor %s", KSCAN_SYSTEM_BLOCKLIST, repo);
	return -1;
}

static int kscan_random(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kscan_plan_build(const struct kscan_start_config *cfg, const char *exe_dir,
		     struct kscan_plan *plan, char *err, size_t errlen)
{
	struct kscan_ipset allow = { 0 }, block = { 0 };
	char msg[768];
	int i, ret = -1;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < cfg->nr_targets; i++) {
		if (kscan_ipset_add_target(&allow, cfg->targets[i], msg,
					   sizeof(msg))) {
			kscan_scan_fail(err, errlen, "TARGET: %s", msg);
			goto out;
		}
	}
	if ((cfg->list_of_targets_file &&
	     kscan_ipset_load_file(&allow, cfg->list_of_targets_file, msg,
				   sizeof(msg))) ||
	    (cfg->allowlist_file &&
	     kscan_ipset_load_file(&allow, cfg->allowlist_file, msg,
				   sizeof(msg)))) {
		kscan_scan_fail(err, errlen, "%s", msg);
		goto out;
	}
	kscan_ipset_normalize(&allow);
	plan->nr_allowed = kscan_ipset_count(&allow);
	if (!plan->nr_allowed) {
		kscan_scan_fail(err, errlen, "no targets: the target files are empty");
		goto out;
	}

	if (cfg->blocklist_file) {
		snprintf(plan->blocklist, sizeof(plan->blocklist), "%s",
			 cfg->blocklist_file);
	} else if (kscan_default_blocklist(exe_dir, plan->blocklist,
					   sizeof(plan->blocklist))) {
		kscan_scan_fail(err, errlen,
				"no default blocklist: neither %s exists; give one with -b FILE (-b /dev/null for none)",
				plan->blocklist);
		goto out;
	}
	if (kscan_ipset_load_file(&block, plan->blocklist, msg, sizeof(msg))) {
		kscan_scan_fail(err, errlen, "blocklist: %s", msg);
		goto out;
	}
	kscan_ipset_normalize(&block);
	if (kscan_ipset_subtract(&allow, &block, &plan->targets)) {
		kscan_scan_fail(err, errlen, "out of memory");
		goto out;
	}
	if (!plan->targets.nr) {
		kscan_scan_fail(err, errlen,
				"nothing to scan: every target is in the blocklist %s "
				"(special-purpose ranges need -b with another file, or -b /dev/null)",
				plan->blocklist);
		goto out;
	}

	if (cfg->given[KSCAN_OPT_KEY])
		memcpy(plan->key, cfg->key, sizeof(plan->key));
	else if (kscan_random(plan->key, sizeof(plan->key)))
		goto no_random;
	if (cfg->given[KSCAN_OPT_SEED])
		plan->seed = cfg->seed;
	else if (kscan_random(&plan->seed, sizeof(plan->seed)))
		goto no_random;
	ret = 0;
	goto out;
no_random:
	kscan_scan_fail(err, errlen, "getrandom: %s", strerror(errno));
out:
	kscan_ipset_free(&allow);
	kscan_ipset_free(&block);
	if (ret)
		kscan_plan_free(plan);
	return ret;
}

void kscan_plan_free(struct kscan_plan *plan)
{
	kscan_ipset_free(&plan->targets);
}

long long kscan_dryrun(const struct kscan_start_config *cfg,
		       const struct kscan_plan *plan, FILE *out, char *err,
		       size_t errlen)
{
	struct kscan_probe_plan probe_plan = {
		.saddr_first = cfg->saddr_first,
		.saddr_count = cfg->nr_saddrs ?
			cfg->nr_saddrs :
			kscan_probe_saddr_count(cfg->saddr_first, cfg->saddr_last),
		.saddr_list = cfg->nr_saddrs ? cfg->saddr_list : NULL,
		.sport_first = cfg->sport_first,
		.sport_count = (u32)cfg->sport_last - cfg->sport_first + 1,
	};
	struct kscan_perm perm;
	u64 *prefix, pos, begin, end;
	long long lines = 0;
	int ret;

	prefix = calloc(plan->targets.nr, sizeof(*prefix));
	if (!prefix)
		return kscan_scan_fail(err, errlen, "out of memory");
	ret = kscan_target_init(&probe_plan.ts, plan->targets.iv, prefix,
				(u32)plan->targets.nr, cfg->ports,
				cfg->nr_ports, cfg->probes);
	if (ret) {
		free(prefix);
		return kscan_scan_fail(err, errlen, "%s",
				       kscan_target_strerror(ret));
	}
	if (kscan_perm_init(&perm, probe_plan.ts.size, plan->seed) ||
	    kscan_slice(probe_plan.ts.size, cfg->shard, cfg->shards, 0, 1,
			&begin, &end)) {
		free(prefix);
		return kscan_scan_fail(err, errlen, "target space too large");
	}
	/* the budget counts probes of this shard, first positions first */
	if (cfg->max_packets && end - begin > cfg->max_packets)
		end = begin + cfg->max_packets;
	kscan_key_from_bytes(&probe_plan.key, plan->key);

	/* The kernel's generator calls the same kscan_probe_fields(). */
	for (pos = begin; pos < end; pos++) {
		char saddr_str[16], daddr_str[16];
		struct kscan_syn_fields f;
		u32 probe;

		probe = kscan_probe_fields(&probe_plan,
					   kscan_perm_at(&perm, pos), &f);
		fprintf(out, "%s %u %s %u %u %u\n",
			kscan_ipv4_str(f.saddr, saddr_str), f.sport,
			kscan_ipv4_str(f.daddr, daddr_str), f.dport, f.seq,
			probe);
		lines++;
		/* A reader that went away (| head) or a signal ends it. */
		if (!(lines & 4095) && (ferror(out) || kscan_signals))
			break;
	}
	free(prefix);
	return lines;
}

void kscan_start_request_fill(struct kscan_start_request *req,
			      const struct kscan_start_config *cfg,
			      const struct kscan_plan *plan, u32 ifindex)
{
	memset(req, 0, sizeof(*req));
	req->ifindex = ifindex;
	memcpy(req->dst_mac, cfg->gateway_mac, sizeof(req->dst_mac));
	req->saddr_first = cfg->saddr_first;
	req->saddr_last = cfg->saddr_last;
	if (cfg->nr_saddrs) {
		req->saddr_list = cfg->saddr_list;
		req->nr_saddrs = cfg->nr_saddrs;
	}
	req->sport_first = cfg->sport_first;
	req->sport_last = cfg->sport_last;
	req->intervals = plan->targets.iv;
	req->nr_intervals = (u32)plan->targets.nr;
	req->ports = cfg->ports;
	req->nr_ports = cfg->nr_ports;
	req->probes = cfg->probes;
	req->seed = plan->seed;
	req->shard = cfg->shard;
	req->shards = cfg->shards;
	req->rate = cfg->rate;
	req->tx_queues = cfg->tx_queues;
	req->nr_tx_queues = cfg->nr_tx_queues;
	if (cfg->given[KSCAN_OPT_CPUS]) {
		req->tx_cpus = cfg->cpus;
		req->nr_tx_cpus = cfg->nr_cpus;
	}
	req->has_ttl = cfg->given[KSCAN_OPT_TTL];
	req->ttl = cfg->ttl;
	req->has_window = cfg->given[KSCAN_OPT_WINDOW];
	req->window = cfg->window;
	req->has_tcp_options = cfg->given[KSCAN_OPT_TCP_OPTIONS];
	req->tcp_options = cfg->tcp_options;
	memcpy(req->key, plan->key, sizeof(req->key));
	req->has_xmit_mode = cfg->given[KSCAN_OPT_XMIT];
	req->xmit_mode = cfg->xmit_mode;
	req->has_burst = cfg->given[KSCAN_OPT_BURST];
	req->burst = cfg->burst;
	req->max_packets = cfg->max_packets;
	req->flags = (cfg->sw_csum ? KSCAN_START_F_SW_CSUM : 0) |
		     /* else the scan ends when kscanctl's socket closes */
		     (cfg->detach ? KSCAN_START_F_DETACH : 0);
}

static void kscan_print_hex(FILE *out, const u8 *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(out, "%02x", bytes[i]);
}

/* The directory of the running executable, for the repo's blocklist. */
static void kscan_exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0) {
		snprintf(buf, len, ".");
		return;
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}

/*
 * Whether this process may run on @cpu (its affinity, which its cpuset
 * bounds, and which holds online CPUs only): the module refuses other
 * CPUs for the same reason.
 */
static bool kscan_cpu_allowed(u32 cpu)
{
	size_t size = CPU_ALLOC_SIZE(cpu + 1);
	cpu_set_t *set = CPU_ALLOC(cpu + 1);
	bool ok;

	if (!set)
		return true;	/* cannot tell: the module checks */
	CPU_ZERO_S(size, set);
	ok = !sched_getaffinity(0, size, set) && CPU_ISSET_S(cpu, size, set);
	CPU_FREE(set);
	return ok;
}

/*
 * TX queues of @ifname from sysfs, or 0 when it cannot tell. sysfs shows
 * the netns it was mounted in (`nsenter --net` does not remount it, `ip
 * netns exec` does): only a device with our ifindex there is ours.
 */
static unsigned int kscan_tx_queue_count(const char *ifname)
{
	char path[128];
	unsigned int n = 0, ifindex = 0;
	struct dirent *e;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", ifname);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &ifindex) != 1)
		ifindex = 0;
	fclose(f);
	if (!ifindex || ifindex != if_nametoindex(ifname))
		return 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((e = readdir(dir)))
		n += !strncmp(e->d_name, "tx-", 3);
	closedir(dir);
	return n;
}

/* What the device and this process allow, checked before START. */
static int kscan_check_host(const struct kscan_start_config *cfg, char *err,
			    size_t errlen)
{
	unsigned int nq = kscan_tx_queue_count(cfg->ifname);
	u32 i;

	for (i = 0; nq && i < cfg->nr_tx_queues; i++)
		if (cfg->tx_queues[i] >= nq)
			return kscan_scan_fail(err, errlen,
					       "%s: %s has %u TX queue%s (0-%u), so there is no queue %u",
					       cfg->given[KSCAN_OPT_TX_QUEUES] ?
						       "--tx-queues" :
						       "--sender-threads",
					       cfg->ifname, nq, nq == 1 ? "" : "s",
					       nq - 1, cfg->tx_queues[i]);
	for (i = 0; cfg->given[KSCAN_OPT_CPUS] && i < cfg->nr_cpus; i++)
		/* the affinity holds active CPUs only: online too */
		if (!kscan_cpu_allowed(cfg->cpus[i]))
			return kscan_scan_fail(err, errlen,
					       "--cpus: CPU %u is not online or not one this process may run on (see taskset -p %d)",
					       cfg->cpus[i], (int)getpid());
	return 0;
}

/* Limits of the wire format and the module, checked before START. */
static int kscan_check_limits(const struct kscan_start_config *cfg,
			      const struct kscan_plan *plan, char *err,
			      size_t errlen)
{
	if (plan->targets.nr > KSCAN_MAX_INTERVALS)
		return kscan_scan_fail(err, errlen,
				       "the targets compile to %zu intervals; the module accepts at most %d: merge ranges",
				       plan->targets.nr, KSCAN_MAX_INTERVALS);
	if (kscan_nl_port_ranges(cfg->ports, cfg->nr_ports) >
	    KSCAN_MAX_PORT_RANGES)
		return kscan_scan_fail(err, errlen,
				       "--target-ports makes more than %d ranges of consecutive ports: merge them",
				       KSCAN_MAX_PORT_RANGES);
	return 0;
}

/* ---- defaults from the routing table ---- */

/*
 * Fill -i, -S and -G the user did not give from the route to the first
 * target (route.h). --dryrun needs only -S.
 */
static int kscan_resolve_defaults(struct kscan_start_config *cfg,
				  const struct kscan_plan *plan,
				  struct kscan_route *route, char *err,
				  size_t errlen)
{
	const bool *given = cfg->given;
	bool need_if = !given[KSCAN_OPT_INTERFACE] && !cfg->dryrun;
	bool need_src = !given[KSCAN_OPT_SOURCE_IP];
	bool need_mac = !given[KSCAN_OPT_GATEWAY_MAC] && !cfg->dryrun;
	u32 dst = plan->targets.iv[0].first;
	char flags[32] = "", msg[512], dst_str[16], a[16], hop[16];
	int ifindex = 0;

	if (!need_if && !need_src && !need_mac)
		return 0;
	if (given[KSCAN_OPT_INTERFACE]) {
		ifindex = (int)if_nametoindex(cfg->ifname);
		if (!ifindex)
			return kscan_scan_fail(err, errlen,
					       "--interface: no device '%s' in this network namespace",
					       cfg->ifname);
	}
	snprintf(flags, sizeof(flags), "%s%s%s", need_if ? "/-i" : "",
		 need_src ? "/-S" : "", need_mac ? "/-G" : "");
	kscan_ipv4_str(dst, dst_str);
	if (kscan_route_lookup(dst, ifindex, need_mac, route, msg, sizeof(msg)))
		return kscan_scan_fail(err, errlen,
				       "%s not given and not found from the route to the first target %s: %s",
				       flags + 1, dst_str, msg);
	if (need_src && !route->src)
		return kscan_scan_fail(err, errlen,
				       "--source-ip not given and the route to %s has no preferred source address: give -S ADDR",
				       dst_str);
	if (need_if)
		cfg->ifname = route->ifname;
	if (need_src)
		cfg->saddr_first = cfg->saddr_last = route->src;
	if (need_mac)
		memcpy(cfg->gateway_mac, route->next_hop_mac, 6);
	if (!cfg->quiet) {
		fprintf(stderr, "kscanctl: from the route to %s:", dst_str);
		if (need_if)
			fprintf(stderr, " -i %s", cfg->ifname);
		if (need_src)
			fprintf(stderr, " -S %s", kscan_ipv4_str(route->src, a));
		if (need_mac)
			fprintf(stderr,
				" -G %02x:%02x:%02x:%02x:%02x:%02x (%s %s)",
				route->next_hop_mac[0], route->next_hop_mac[1],
				route->next_hop_mac[2], route->next_hop_mac[3],
				route->next_hop_mac[4], route->next_hop_mac[5],
				route->gateway ? "gateway" : "on-link",
				kscan_ipv4_str(route->next_hop, hop));
		fputc('\n', stderr);
	}
	return 0;
}

/* ---- one scan, from START to the metadata ---- */

/* How long one engine poll may block: bounds the reaction to events. */
#define KSCAN_RX_POLL_MS 100
/* Frames taken after the cooldown: a bound, not a wait. */
#define KSCAN_DRAIN_MAX_POLLS 1000

struct kscan_run {
	struct kscan_start_config *cfg;
	const struct kscan_plan *plan;
	struct kscan_nl *nl;
	u32 scan_id;
	const struct kscan_rx_ops *rx_ops;	/* NULL: --rx none */
	void *rx_state;
	char rx_fallback[256];			/* why not afxdp, or "" */
	struct kscan_validator validator;
	struct kscan_receiver receiver;
	FILE *out;
	FILE *meta;
	FILE *status_csv;
	struct kscan_output *output;
	bool tty;
	bool status_drawn;			/* a bar is on the line */
	u64 start_ns;
	struct timespec start_rt;
	struct kscan_scan_status last;		/* latest GET */
	struct kscan_scan_status final;
	bool have_final;
	bool cooling;
	u64 cooldown_end_ns;
	bool interrupted;			/* a signal stopped the scan */
	bool abandoned;				/* a second one: no cooldown */
	bool output_gone;			/* results output hit EPIPE */
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
static void kscan_catch_signals(void)
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
	struct kscan_rx_config rxc = {
		.ifname = cfg->ifname,
		.ifindex = ifindex,
		.sport_first = cfg->sport_first,
		.sport_last = cfg->sport_last,
		/* AF_XDP's program takes only replies with our cookie. */
		.probes = cfg->probes,
		.verbose = cfg->verbose,
	};
	const struct kscan_rx_ops *ops;
	char why[256] = "";
	int ret;

	_Static_assert(sizeof(rxc.key) == sizeof(run->plan->key),
		       "one key length");
	memcpy(rxc.key, run->plan->key, sizeof(rxc.key));
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
	run->cooldown_end_ns = kscan_now_ns() +
			       (run->rx_ops ? run->cfg->cooldown_s : 0) *
				       1000000000ULL;
}

static void kscan_status_sample(struct kscan_run *run,
				struct kscan_status_sample *s)
{
	const struct kscan_receiver_counters *c = &run->receiver.c;
	const struct kscan_scan_status *st =
		run->have_final ? &run->final : &run->last;
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
		s->cooldown_left_s = run->cooldown_end_ns > now ?
			(double)(run->cooldown_end_ns - now) / 1e9 : 0;
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
		kscan_status_csv_row(run->status_csv, (double)rt.tv_sec, &s, &r);
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

/* STOP returns once the threads are joined: nothing is sent after. */
static void kscan_stop_scan(struct kscan_run *run)
{
	struct kscan_scan_status st;
	int ret;

	ret = kscan_nl_stop(run->nl, run->scan_id);
	if (ret && ret != -ENOENT && ret != -EALREADY)
		kscan_report_nl_error(run->nl, "STOP refused", ret);
	if (!kscan_nl_get(run->nl, run->scan_id, &st) &&
	    st.state != KSCAN_STATE_RUNNING) {
		run->final = st;
		run->have_final = true;
	}
}

/* A signal: first STOP and cool down, second give up the cooldown. */
static void kscan_handle_signal(struct kscan_run *run)
{
	if (run->interrupted) {
		kscan_say(run, "kscanctl: interrupted again: writing what was received and exiting\n");
		run->abandoned = true;
		return;
	}
	run->interrupted = true;
	if (run->cooling) {
		kscan_say(run, "kscanctl: the scan has ended; still receiving for the cooldown (interrupt again to skip it)\n");
		return;
	}
	kscan_say(run, "kscanctl: stopping scan %u; receiving for %u s more (interrupt again to skip)\n",
		  run->scan_id, run->rx_ops ? run->cfg->cooldown_s : 0);
	kscan_stop_scan(run);
	kscan_enter_cooldown(run);
}

/* The results' reader is gone: stop, skip the cooldown, keep the rest. */
static void kscan_handle_output_gone(struct kscan_run *run)
{
	kscan_say(run, "kscanctl: the output was closed (EPIPE): stopping scan %u; metadata and status files are still written\n",
		  run->scan_id);
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
				kscan_say(run, "kscanctl: receiving failed: %s\n",
					  strerror(-ret));
				run->rx_failed = true;
				return;
			}
		} else {
			/* nothing receives: wake for the end event at once */
			struct pollfd pfd = {
				.fd = kscan_nl_events_fd(run->nl),
				.events = POLLIN,
			};

			poll(&pfd, pfd.fd >= 0, KSCAN_RX_POLL_MS);
		}

		if (!run->cooling && events_ok) {
			ret = kscan_nl_wait_event(run->nl, run->scan_id, 0,
						  &run->final);
			if (ret == 1) {
				run->have_final = true;
				kscan_enter_cooldown(run);
			} else if (ret < 0 && ret != -EINTR && ret != -ENOBUFS) {
				/* carry on with GET alone */
				kscan_say(run, "kscanctl: events: %s: polling the scan instead\n",
					  strerror(-ret));
				events_ok = false;
			}
		}

		if (kscan_now_ns() - last_status >=
		    KSCAN_STATUS_PERIOD_MS * 1000000ULL) {
			last_status = kscan_now_ns();
			/* also on lost events (-ENOBUFS): GET tells the end */
			if (!run->cooling) {
				ret = kscan_nl_get(run->nl, run->scan_id,
						   &run->last);
				if (!ret && run->last.state != KSCAN_STATE_RUNNING) {
					run->final = run->last;
					run->have_final = true;
					kscan_enter_cooldown(run);
				} else if (ret == -ENOENT) {
					kscan_say(run, "kscanctl: scan %u is gone and its end event was not received\n",
						  run->scan_id);
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

	kscan_say(run, "scan-id: %u\n", run->scan_id);
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
	fprintf(stderr, "seed: %llu\nkey: ", (unsigned long long)run->plan->seed);
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
		kscan_nl_stop(run->nl, run->scan_id);
		run->interrupted = true;
	}
	if (!run->have_final &&
	    !kscan_nl_get(run->nl, run->scan_id, &run->final))
		run->have_final = run->final.state != KSCAN_STATE_RUNNING;
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

	if (run->have_final && (run->interrupted ||
				run->final.state == KSCAN_STATE_DONE ||
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
	if (run->rx_ops)
		run->rx_ops->close(run->rx_state);
	kscan_output_close(run->output);
	kscan_close_output(run->out);
	kscan_close_output(run->meta);
	kscan_close_output(run->status_csv);
	kscan_receiver_free(&run->receiver);
	kscan_validator_free(&run->validator);
}

int kscan_cmd_start(int argc, char **argv)
{
	struct kscan_start_config cfg;
	struct kscan_start_request req;
	struct kscan_route route;
	struct kscan_plan plan;
	struct kscan_run run;
	char err[1024], exe_dir[PATH_MAX];
	int ret, exit_code = 1;
	int ifindex = 0;

	kscan_catch_signals();
	memset(&run, 0, sizeof(run));
	kscan_start_config_init(&cfg);
	ret = kscan_start_parse(argc, argv, &cfg, err, sizeof(err));
	if (ret == KSCAN_CLI_HELP) {
		kscan_cli_help(&kscan_start_command, stdout);
		kscan_start_config_free(&cfg);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "kscanctl: %s\n", err);
		kscan_start_config_free(&cfg);
		return KSCAN_EXIT_USAGE;
	}
	kscan_exe_dir(exe_dir, sizeof(exe_dir));
	if (kscan_plan_build(&cfg, exe_dir, &plan, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		kscan_start_config_free(&cfg);
		return KSCAN_EXIT_USAGE;
	}
	run.cfg = &cfg;
	run.plan = &plan;
	if (kscan_resolve_defaults(&cfg, &plan, &route, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	if (cfg.verbose)
		fprintf(stderr,
			"kscanctl: %llu addresses in %zu intervals (%llu given, %llu removed by blocklist '%s'), %u ports, %u probes each\n",
			(unsigned long long)kscan_ipset_count(&plan.targets),
			plan.targets.nr, (unsigned long long)plan.nr_allowed,
			(unsigned long long)(plan.nr_allowed -
					     kscan_ipset_count(&plan.targets)),
			plan.blocklist, cfg.nr_ports, cfg.probes);
	if (cfg.print_key || cfg.verbose) {
		fprintf(stderr, "key: ");
		kscan_print_hex(stderr, plan.key, sizeof(plan.key));
		fprintf(stderr, "\nseed: %llu\n",
			(unsigned long long)plan.seed);
	}

	if (cfg.dryrun) {
		long long lines = kscan_dryrun(&cfg, &plan, stdout, err,
					       sizeof(err));

		if (lines < 0) {
			fprintf(stderr, "kscanctl: --dryrun: %s\n", err);
			exit_code = KSCAN_EXIT_USAGE;
		} else {
			/* a closed pipe (| head) is the reader's choice */
			exit_code = fflush(stdout) && errno != EPIPE ? 1 : 0;
		}
		goto out;
	}

	if (kscan_check_limits(&cfg, &plan, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	ifindex = (int)if_nametoindex(cfg.ifname);
	if (!ifindex) {
		fprintf(stderr,
			"kscanctl: --interface: no device '%s' in this network namespace\n",
			cfg.ifname);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	if (kscan_check_host(&cfg, err, sizeof(err))) {
		fprintf(stderr, "kscanctl: %s\n", err);
		exit_code = KSCAN_EXIT_USAGE;
		goto out;
	}
	run.nl = kscan_nl_open(&ret);
	if (!run.nl) {
		kscan_report_open_error(ret);
		goto out;
	}
	/* before START: a short scan may end before we would have joined */
	if (!cfg.detach) {
		ret = kscan_nl_subscribe_events(run.nl);
		if (ret) {
			fprintf(stderr,
				"kscanctl: cannot join the \"%s\" multicast group: %s\n",
				KSCAN_GENL_MCGRP_EVENTS, strerror(-ret));
			goto out;
		}
	}
	if (kscan_run_prepare(&run))
		goto out;
	/* A killed kscanctl left its XDP program: it would take replies. */
	kscan_rx_remove_stale(cfg.ifname);
	/* and the receiver before START, so that no early reply is lost */
	if (kscan_rx_open(&run, ifindex))
		goto out;
	if (run.rx_ops && !cfg.no_rst) {
		run.receiver.rst_ops = run.rx_ops;
		run.receiver.rst_state = run.rx_state;
	}

	kscan_start_request_fill(&req, &cfg, &plan, (u32)ifindex);
	if (kscan_signals) {
		fprintf(stderr, "kscanctl: interrupted before the scan started: nothing was sent\n");
		goto out;
	}
	run.start_ns = kscan_now_ns();
	clock_gettime(CLOCK_REALTIME, &run.start_rt);
	ret = kscan_nl_start(run.nl, &req, &run.scan_id);
	if (ret) {
		kscan_report_nl_error(run.nl, "START refused", ret);
		goto out;
	}
	if (cfg.detach) {
		printf("%u\n", run.scan_id);
		exit_code = 0;
		goto out;
	}
	if (!cfg.quiet)
		fprintf(stderr, "kscanctl: scan %u started on %s, receiving with %s\n",
			run.scan_id, cfg.ifname,
			run.rx_ops ? run.rx_ops->name : "nothing (--rx none)");
	run.tty = isatty(STDERR_FILENO);
	kscan_run_loop(&run);
	exit_code = kscan_run_finish(&run);
out:
	kscan_run_free(&run);
	kscan_nl_close(run.nl);
	kscan_plan_free(&plan);
	kscan_start_config_free(&cfg);
	return exit_code;
}

/* Parse the options of stop/status; -1: exit with *exit_code. */
static int kscan_id_command(const struct kscan_cli_command *cmd,
			    bool id_required, int argc, char **argv,
			    struct kscan_id_config *cfg, int *exit_code)
{
	char err[512];
	int ret;

	ret = kscan_id_parse(cmd, id_required, argc, argv, cfg, err,
			     sizeof(err));
	if (ret == KSCAN_CLI_HELP) {
		kscan_cli_help(cmd, stdout);
		*exit_code = 0;
		return -1;
	}
	if (ret) {
		fprintf(stderr, "kscanctl: %s\nUsage: kscanctl %s\n", err,
			cmd->synopsis);
		*exit_code = KSCAN_EXIT_USAGE;
		return -1;
	}
	return 0;
}

/* Parse a stop/status command line and connect; NULL: exit with *exit_code. */
static struct kscan_nl *kscan_id_command_open(const struct kscan_cli_command *cmd,
					      bool id_required, int argc,
					      char **argv,
					      struct kscan_id_config *cfg,
					      int *exit_code)
{
	struct kscan_nl *nl;
	int err;

	if (kscan_id_command(cmd, id_required, argc, argv, cfg, exit_code))
		return NULL;
	nl = kscan_nl_open(&err);
	if (!nl) {
		kscan_report_open_error(err);
		*exit_code = 1;
	}
	return nl;
}

int kscan_cmd_stop(int argc, char **argv)
{
	struct kscan_id_config cfg;
	struct kscan_nl *nl;
	int ret, exit_code;

	nl = kscan_id_command_open(&kscan_stop_command, true, argc, argv, &cfg,
				   &exit_code);
	if (!nl)
		return exit_code;
	ret = kscan_nl_stop(nl, cfg.scan_id);
	if (ret)
		kscan_report_nl_error(nl, "STOP refused", ret);
	else
		printf("stopped scan %u\n", cfg.scan_id);
	kscan_nl_close(nl);
	return ret ? 1 : 0;
}

static void kscan_print_scan_row(const struct kscan_scan_status *st,
				 bool verbose)
{
	char ifname[IF_NAMESIZE] = "?", progress[48];
	double elapsed = 0;
	u32 i;

	if_indextoname(st->ifindex, ifname);
	if (st->start_ns) {
		u64 end = st->end_ns ? st->end_ns : kscan_now_ns();

		elapsed = end > st->start_ns ?
				  (double)(end - st->start_ns) / 1e9 : 0;
	}
	snprintf(progress, sizeof(progress), "%llu/%llu",
		 (unsigned long long)st->progress,
		 (unsigned long long)st->total);
	printf("%-6u %-12s %-8s %-14s %14llu %25s %10llu %8llu %10.1f\n",
	       st->scan_id, ifname, kscan_state_name(st->state),
	       kscan_reason_name(st->reason), (unsigned long long)st->sent,
	       progress, (unsigned long long)st->tx_busy,
	       (unsigned long long)st->errors, elapsed);
	if (verbose)
		printf("       %s, no carrier %llu\n",
		       st->detached ? "detached" : "owned by its kscanctl",
		       (unsigned long long)st->no_carrier);
	for (i = 0; verbose && i < st->nr_queues; i++)
		printf("       queue %-4u cpu %-4u sent %llu, tx busy %llu, errors %llu, no carrier %llu\n",
		       st->queues[i].queue, st->queues[i].cpu,
		       (unsigned long long)st->queues[i].sent,
		       (unsigned long long)st->queues[i].tx_busy,
		       (unsigned long long)st->queues[i].errors,
		       (unsigned long long)st->queues[i].no_carrier);
}

int kscan_cmd_status(int argc, char **argv)
{
	struct kscan_scan_status one, *scans = &one;
	struct kscan_id_config cfg;
	struct kscan_nl *nl;
	size_t nr = 1, i;
	int ret, exit_code;

	nl = kscan_id_command_open(&kscan_status_command, false, argc, argv,
				   &cfg, &exit_code);
	if (!nl)
		return exit_code;
	if (cfg.has_id)
		ret = kscan_nl_get(nl, cfg.scan_id, &one);
	else
		ret = kscan_nl_get_all(nl, &scans, &nr);
	if (ret) {
		kscan_report_nl_error(nl, "GET refused", ret);
		kscan_nl_close(nl);
		return 1;
	}
	kscan_nl_close(nl);
	if (!nr) {
		printf("no scans in this network namespace\n");
	} else {
		printf("%-6s %-12s %-8s %-14s %14s %25s %10s %8s %10s\n", "ID",
		       "DEVICE", "STATE", "REASON", "SENT", "PROGRESS/TOTAL",
		       "TX-BUSY", "ERRORS", "ELAPSED-S");
		for (i = 0; i < nr; i++)
			kscan_print_scan_row(&scans[i], cfg.verbose);
	}
	if (scans != &one)
		free(scans);
	return 0;
}
