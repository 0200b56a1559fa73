// SPDX-License-Identifier: GPL-2.0
/* The scan plan (see plan.h). */
#define _GNU_SOURCE /* CPU_ALLOC, sched_getaffinity */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "kscan/perm.h"
#include "kscan/probe.h"
#include "kscan/target.h"

#include "plan.h"

int kscan_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
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
			kscan_errf(err, errlen, "TARGET: %s", msg);
			goto out;
		}
	}
	if ((cfg->list_of_targets_file &&
	     kscan_ipset_load_file(&allow, cfg->list_of_targets_file, msg,
				   sizeof(msg))) ||
	    (cfg->allowlist_file &&
	     kscan_ipset_load_file(&allow, cfg->allowlist_file, msg,
				   sizeof(msg)))) {
		kscan_errf(err, errlen, "%s", msg);
		goto out;
	}
	kscan_ipset_normalize(&allow);
	plan->nr_allowed = kscan_ipset_count(&allow);
	if (!plan->nr_allowed) {
		kscan_errf(err, errlen,
			   "no targets: the target files are empty");
		goto out;
	}

	if (cfg->blocklist_file) {
		snprintf(plan->blocklist, sizeof(plan->blocklist), "%s",
			 cfg->blocklist_file);
	} else if (kscan_default_blocklist(exe_dir, plan->blocklist,
					   sizeof(plan->blocklist))) {
		kscan_errf(
			err, errlen,
			"no default blocklist: neither %s exists; give one with -b FILE (-b /dev/null for none)",
			plan->blocklist);
		goto out;
	}
	if (kscan_ipset_load_file(&block, plan->blocklist, msg, sizeof(msg))) {
		kscan_errf(err, errlen, "blocklist: %s", msg);
		goto out;
	}
	kscan_ipset_normalize(&block);
	if (kscan_ipset_subtract(&allow, &block, &plan->targets)) {
		kscan_errf(err, errlen, "out of memory");
		goto out;
	}
	if (!plan->targets.nr) {
		kscan_errf(
			err, errlen,
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
	kscan_errf(err, errlen, "getrandom: %s", strerror(errno));
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

int kscan_plan_probes(const struct kscan_start_config *cfg,
		      const struct kscan_plan *plan,
		      struct kscan_probe_plan *probes, u64 **prefix, char *err,
		      size_t errlen)
{
	int ret;

	memset(probes, 0, sizeof(*probes));
	probes->saddr_first = cfg->saddr_first;
	probes->saddr_count = cfg->nr_saddrs ?
				      cfg->nr_saddrs :
				      kscan_probe_saddr_count(cfg->saddr_first,
							      cfg->saddr_last);
	probes->saddr_list = cfg->nr_saddrs ? cfg->saddr_list : NULL;
	probes->sport_first = cfg->sport_first;
	probes->sport_count = (u32)cfg->sport_last - cfg->sport_first + 1;
	kscan_key_from_bytes(&probes->key, plan->key);
	*prefix = calloc(plan->targets.nr, sizeof(**prefix));
	if (!*prefix)
		return kscan_errf(err, errlen, "out of memory");
	ret = kscan_target_init(&probes->ts, plan->targets.iv, *prefix,
				(u32)plan->targets.nr, cfg->ports,
				cfg->nr_ports, cfg->probes);
	if (ret) {
		free(*prefix);
		*prefix = NULL;
		return kscan_errf(err, errlen, "%s",
				  kscan_target_strerror(ret));
	}
	return 0;
}

long long kscan_dryrun(const struct kscan_start_config *cfg,
		       const struct kscan_plan *plan, FILE *out,
		       const volatile sig_atomic_t *stop, char *err,
		       size_t errlen)
{
	struct kscan_probe_plan probe_plan;
	struct kscan_perm perm;
	u64 *prefix, pos, begin, end;
	long long lines = 0;

	if (kscan_plan_probes(cfg, plan, &probe_plan, &prefix, err, errlen))
		return -1;
	if (kscan_perm_init(&perm, probe_plan.ts.size, plan->seed) ||
	    kscan_slice(probe_plan.ts.size, cfg->shard, cfg->shards, 0, 1,
			&begin, &end)) {
		free(prefix);
		return kscan_errf(err, errlen, "target space too large");
	}
	/* the budget counts probes of this shard, first positions first */
	if (cfg->max_packets && end - begin > cfg->max_packets)
		end = begin + cfg->max_packets;

	/* Every TX engine calls the same kscan_probe_fields(). */
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
		if (!(lines & 4095) && (ferror(out) || (stop && *stop)))
			break;
	}
	free(prefix);
	return lines;
}

int kscan_plan_resolve_defaults(struct kscan_start_config *cfg,
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
			return kscan_errf(
				err, errlen,
				"--interface: no device '%s' in this network namespace",
				cfg->ifname);
	}
	snprintf(flags, sizeof(flags), "%s%s%s", need_if ? "/-i" : "",
		 need_src ? "/-S" : "", need_mac ? "/-G" : "");
	kscan_ipv4_str(dst, dst_str);
	if (kscan_route_lookup(dst, ifindex, need_mac, route, msg, sizeof(msg)))
		return kscan_errf(
			err, errlen,
			"%s not given and not found from the route to the first target %s: %s",
			flags + 1, dst_str, msg);
	if (need_src && !route->src)
		return kscan_errf(
			err, errlen,
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
			fprintf(stderr, " -S %s",
				kscan_ipv4_str(route->src, a));
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
		return true; /* cannot tell: the module checks */
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
unsigned int kscan_tx_queue_count(const char *ifname)
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

int kscan_plan_check_queues(const struct kscan_start_config *cfg, char *err,
			    size_t errlen)
{
	unsigned int nq = kscan_tx_queue_count(cfg->ifname);
	u32 i;

	for (i = 0; nq && i < cfg->nr_tx_queues; i++)
		if (cfg->tx_queues[i] >= nq)
			return kscan_errf(
				err, errlen,
				"%s: %s has %u TX queue%s (0-%u), so there is no queue %u",
				cfg->given[KSCAN_OPT_TX_QUEUES] ?
					"--tx-queues" :
					"--sender-threads",
				cfg->ifname, nq, nq == 1 ? "" : "s", nq - 1,
				cfg->tx_queues[i]);
	return 0;
}

int kscan_plan_check_host(const struct kscan_start_config *cfg, char *err,
			  size_t errlen)
{
	u32 i;

	for (i = 0; cfg->given[KSCAN_OPT_CPUS] && i < cfg->nr_cpus; i++)
		/* the affinity holds active CPUs only: online too */
		if (!kscan_cpu_allowed(cfg->cpus[i]))
			return kscan_errf(
				err, errlen,
				"--cpus: CPU %u is not online or not one this process may run on (see taskset -p %d)",
				cfg->cpus[i], (int)getpid());
	return 0;
}

void kscan_print_hex(FILE *out, const u8 *bytes, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(out, "%02x", bytes[i]);
}

void kscan_exe_dir(char *buf, size_t len)
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
