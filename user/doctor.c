// SPDX-License-Identifier: GPL-2.0
/* kscanctl doctor (see doctor.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "afxdp.h"
#include "cli.h"
#include "doctor.h"
#include "metadata.h"
#include "nl.h"
#include "route.h"

/* AF_XDP's XDP_USE_NEED_WAKEUP, which the afxdp engine needs, is 5.4's. */
#define KSCAN_AFXDP_MIN "5.4"
/* Native XDP: a frame and its headroom in one page (ENA: 3498). */
#define KSCAN_XDP_MTU_MAX 3520
#define KSCAN_ENA_XDP_MTU_MAX 3498

int kscan_kernel_version_parse(const char *release,
			       struct kscan_kernel_version *v)
{
	unsigned long part[3] = { 0, 0, 0 };
	const char *p = release;
	char *end;
	int i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < 3; i++) {
		if (!p || !isdigit((unsigned char)*p))
			break;
		errno = 0;
		part[i] = strtoul(p, &end, 10);
		if (errno || part[i] > 100000)
			return -1;
		p = *end == '.' && i < 2 ? end + 1 : NULL;
		if (!p && i < 1)
			return -1; /* "6" or "6-foo": no minor */
	}
	if (i < 2)
		return -1;
	v->major = (unsigned int)part[0];
	v->minor = (unsigned int)part[1];
	v->patch = (unsigned int)part[2];
	return 0;
}

int kscan_kernel_version_cmp(const struct kscan_kernel_version *v,
			     unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int x[3] = { v->major, v->minor, v->patch },
		     y[3] = { a, b, c };
	int i;

	for (i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* ---- what is found out ---- */

struct kscan_doctor_engine {
	const char *name;
	bool usable;
	char why[768];
};

enum { DOC_KMOD, DOC_AFXDP, DOC_AFPACKET, DOC_DPDK, DOC_N };

struct kscan_doctor {
	struct utsname uts;
	struct kscan_kernel_version kv;
	bool kv_ok;
	bool cap_net_admin, cap_net_raw, cap_bpf, cap_sys_admin;
	char ifname[IF_NAMESIZE];
	char ifsource[64]; /* "-i", "the default route" */
	int ifindex;
	char driver[32];
	unsigned int tx_queues, rx_queues, max_combined, combined;
	int mtu;
	char dkms[256];
	char module[256];
	char xdp_modes[768];
	struct kscan_doctor_engine e[DOC_N];
	int auto_pick; /* DOC_*, or -1 */
};

static void doc_set(struct kscan_doctor_engine *e, bool usable, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static void doc_set(struct kscan_doctor_engine *e, bool usable, const char *fmt,
		    ...)
{
	va_list ap;

	e->usable = usable;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

/* The effective capabilities of this process (/proc/self/status). */
static void doc_caps(struct kscan_doctor *d)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	d->cap_net_admin = eff & (1ULL << 12);
	d->cap_net_raw = eff & (1ULL << 13);
	d->cap_sys_admin = eff & (1ULL << 21);
	d->cap_bpf = eff & (1ULL << 39);
}

static int doc_ethtool(int fd, const char *ifname, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static unsigned int doc_sysfs_queues(const char *ifname, const char *prefix)
{
	char path[64 + IF_NAMESIZE];
	unsigned int n = 0;
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	while (dir && (e = readdir(dir)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	if (dir)
		closedir(dir);
	return n;
}

/* Driver, queues, MTU: ethtool where the driver answers, else sysfs. */
static void doc_device(struct kscan_doctor *d)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(d->driver, sizeof(d->driver), "?");
	d->tx_queues = doc_sysfs_queues(d->ifname, "tx-");
	d->rx_queues = doc_sysfs_queues(d->ifname, "rx-");
	if (fd < 0)
		return;
	if (!doc_ethtool(fd, d->ifname, &info))
		snprintf(d->driver, sizeof(d->driver), "%s", info.driver);
	if (!doc_ethtool(fd, d->ifname, &ch)) {
		d->combined = ch.combined_count;
		d->max_combined = ch.max_combined;
		if (ch.combined_count + ch.tx_count)
			d->tx_queues = ch.combined_count + ch.tx_count;
		if (ch.combined_count + ch.rx_count)
			d->rx_queues = ch.combined_count + ch.rx_count;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", d->ifname);
	d->mtu = ioctl(fd, SIOCGIFMTU, &ifr) ? -1 : ifr.ifr_mtu;
	close(fd);
}

/* DKMS: built (its tree) and installed (the module directory). */
static void doc_dkms(struct kscan_doctor *d)
{
	char pattern[512];
	glob_t built = { 0 }, installed = { 0 };

	snprintf(pattern, sizeof(pattern),
		 "/var/lib/dkms/kscan/*/%s/*/module/kscan.ko*", d->uts.release);
	glob(pattern, 0, NULL, &built);
	snprintf(pattern, sizeof(pattern),
		 "/lib/modules/%s/updates/dkms/kscan.ko*", d->uts.release);
	glob(pattern, 0, NULL, &installed);
	if (installed.gl_pathc)
		snprintf(d->dkms, sizeof(d->dkms), "installed by DKMS for %s",
			 d->uts.release);
	else if (built.gl_pathc)
		snprintf(
			d->dkms, sizeof(d->dkms),
			"built by DKMS for %s but not installed ('dkms install kscan/%s')",
			d->uts.release, KSCAN_VERSION);
	else
		snprintf(d->dkms, sizeof(d->dkms), "no DKMS build for %s",
			 d->uts.release);
	globfree(&built);
	globfree(&installed);
}

/* kmod: what --engine=auto does, ask the family (loading it if installed). */
static void doc_kmod(struct kscan_doctor *d)
{
	struct kscan_doctor_engine *e = &d->e[DOC_KMOD];
	struct kscan_module_info info;
	bool loaded = !access("/sys/module/kscan", F_OK);
	struct kscan_nl *nl;
	int err;

	doc_dkms(d);
	nl = kscan_nl_open(&err);
	if (!nl) {
		doc_set(e, false,
			"the module is %s and cannot be loaded (%s; %s)",
			loaded ? "loaded but its family is not answering" :
				 "not loaded",
			err == -ENOENT ? "family \"kscan\" not found" :
					 strerror(-err),
			d->dkms);
		return;
	}
	err = kscan_nl_get_info(nl, &info);
	kscan_nl_close(nl);
	if (err) {
		doc_set(e, false, "GET_INFO refused: %s", strerror(-err));
		return;
	}
	if (info.uapi_version != KSCAN_GENL_VERSION) {
		doc_set(e, false,
			"kscan.ko %s speaks uapi %u, this kscanctl %d: install matching versions",
			info.module_version, info.uapi_version,
			KSCAN_GENL_VERSION);
		return;
	}
	if (!d->cap_net_admin) {
		doc_set(e, false,
			"kscan.ko %s (uapi %u) %s, but starting a scan needs CAP_NET_ADMIN",
			info.module_version, info.uapi_version,
			loaded ? "loaded" : "loaded now");
		return;
	}
	doc_set(e, true, "kscan.ko %s (uapi %u) %s; %s", info.module_version,
		info.uapi_version, loaded ? "loaded" : "loaded now", d->dkms);
}

/* afxdp: each rung on its own, with a sending socket on queue 0. */
static void doc_afxdp(struct kscan_doctor *d)
{
	struct kscan_doctor_engine *e = &d->e[DOC_AFXDP];
	static const u16 queue0;
	struct afxdp_tx_request req = {
		.queues = &queue0,
		.nr_queues = 1,
		.receive = true,
		.one_rung = true,
	};
	struct kscan_rx_config cfg = {
		.ifname = d->ifname,
		.ifindex = d->ifindex,
		.sport_first = 32768,
		.sport_last = 61000,
		.probes = 1,
	};
	char err[512], first[64] = "";
	size_t used = 0;
	int fd;

	if (d->kv_ok && kscan_kernel_version_cmp(&d->kv, 5, 4, 0) < 0) {
		doc_set(e, false, "kernel %s: AF_XDP with need-wakeup needs %s",
			d->uts.release, KSCAN_AFXDP_MIN);
		return;
	}
	fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		doc_set(e, false, "no AF_XDP sockets: %s%s", strerror(errno),
			errno == EPERM ?
				" (needs CAP_NET_RAW)" :
			errno == EAFNOSUPPORT ?
				" (kernel without CONFIG_XDP_SOCKETS)" :
				"");
		return;
	}
	close(fd);
	if (!d->ifindex) {
		doc_set(e, false, "no device to probe (-i IFACE)");
		return;
	}
	if (!d->cap_bpf && !d->cap_sys_admin) {
		doc_set(e, false, "loading the XDP program needs CAP_BPF");
		return;
	}
	for (req.rung = AFXDP_RUNG_NATIVE_ZC; req.rung < __AFXDP_RUNG_MAX;
	     req.rung++) {
		struct afxdp *s;
		bool ok = !afxdp_setup(&cfg, &req, &s, err, sizeof(err));

		if (ok) {
			afxdp_teardown(s);
			if (!first[0])
				snprintf(first, sizeof(first), "%s",
					 afxdp_rung_names[req.rung]);
		}
		/* a refusal's sentence starts with the rung's name */
		used += (size_t)snprintf(d->xdp_modes + used,
					 sizeof(d->xdp_modes) - used, "%s%s%s",
					 used ? "; " : "",
					 ok ? afxdp_rung_names[req.rung] : err,
					 ok ? ": binds" : "");
		if (used >= sizeof(d->xdp_modes))
			break;
	}
	if (first[0])
		doc_set(e, true, "%s binds %s (libxdp linked in)", d->ifname,
			first);
	else
		doc_set(e, false, "%s binds no AF_XDP mode: %s", d->ifname,
			d->xdp_modes);
}

/* afpacket: a raw socket on the device, with qdisc bypass. */
static void doc_afpacket(struct kscan_doctor *d)
{
	struct kscan_doctor_engine *e = &d->e[DOC_AFPACKET];
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		doc_set(e, false, "no AF_PACKET socket: %s%s", strerror(errno),
			errno == EPERM ? " (needs CAP_NET_RAW)" : "");
		return;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
		       sizeof(one))) {
		doc_set(e, false, "PACKET_QDISC_BYPASS: %s", strerror(errno));
		close(fd);
		return;
	}
	close(fd);
	if (!d->ifindex)
		doc_set(e, false, "no device (-i IFACE)");
	else
		doc_set(e, true, "AF_PACKET with PACKET_QDISC_BYPASS on %s",
			d->ifname);
}

static void doc_run(struct kscan_doctor *d, const char *ifname)
{
	struct kscan_route route;
	char msg[256];
	int i;

	memset(d, 0, sizeof(*d));
	d->e[DOC_KMOD].name = "kmod";
	d->e[DOC_AFXDP].name = "afxdp";
	d->e[DOC_AFPACKET].name = "afpacket";
	d->e[DOC_DPDK].name = "dpdk";
	uname(&d->uts);
	d->kv_ok = !kscan_kernel_version_parse(d->uts.release, &d->kv);
	doc_caps(d);
	if (ifname) {
		snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
		snprintf(d->ifsource, sizeof(d->ifsource), "-i");
	} else if (!kscan_route_lookup(0xc6120000 /* 198.18.0.0 */, 0, false,
				       &route, msg, sizeof(msg))) {
		/* a route lookup sends nothing */
		snprintf(d->ifname, sizeof(d->ifname), "%s", route.ifname);
		snprintf(d->ifsource, sizeof(d->ifsource), "the default route");
	}
	d->ifindex = d->ifname[0] ? (int)if_nametoindex(d->ifname) : 0;
	if (d->ifindex)
		doc_device(d);
	doc_kmod(d);
	doc_afxdp(d);
	doc_afpacket(d);
	doc_set(&d->e[DOC_DPDK], false, "not built into this kscanctl");
	d->auto_pick = -1;
	/* --engine=auto's order (tx.c) */
	for (i = DOC_KMOD; i <= DOC_AFPACKET; i++)
		if (d->e[i].usable) {
			d->auto_pick = i;
			break;
		}
}

/* ---- the report ---- */

static void doc_device_notes(const struct kscan_doctor *d, char *buf,
			     size_t len)
{
	int limit = !strcmp(d->driver, "ena") ? KSCAN_ENA_XDP_MTU_MAX :
						KSCAN_XDP_MTU_MAX;
	size_t used;

	used = (size_t)snprintf(buf, len, "MTU %d %s native XDP's limit (%d)",
				d->mtu, d->mtu <= limit ? "within" : "above",
				limit);
	/* ENA: XDP needs a TX queue per RX queue beyond the channels in use */
	if (!strcmp(d->driver, "ena") && d->max_combined &&
	    d->combined > d->max_combined / 2 && used < len)
		snprintf(
			buf + used, len - used,
			"; ena: XDP needs at most half the channels (%u of %u in use: ethtool -L %s combined %u)",
			d->combined, d->max_combined, d->ifname,
			d->max_combined / 2);
}

static void doc_print_text(const struct kscan_doctor *d)
{
	char notes[512];
	int i;

	printf("kernel    %s (%u.%u.%u)\n", d->uts.release, d->kv.major,
	       d->kv.minor, d->kv.patch);
	printf("caps      CAP_NET_ADMIN %s, CAP_NET_RAW %s, CAP_BPF %s\n",
	       d->cap_net_admin ? "yes" : "no", d->cap_net_raw ? "yes" : "no",
	       d->cap_bpf ? "yes" : "no");
	if (d->ifindex) {
		doc_device_notes(d, notes, sizeof(notes));
		printf("device    %s (%s): driver %s, %u TX / %u RX queues; %s\n",
		       d->ifname, d->ifsource, d->driver, d->tx_queues,
		       d->rx_queues, notes);
	} else {
		printf("device    none%s%s\n",
		       d->ifname[0] ? ": no device " : "", d->ifname);
	}
	for (i = 0; i < DOC_N; i++)
		printf("%-9s %s: %s\n", d->e[i].name,
		       d->e[i].usable ? "usable" : "not usable", d->e[i].why);
	if (d->xdp_modes[0])
		printf("xdp       %s\n", d->xdp_modes);
	printf("auto      %s\n",
	       d->auto_pick >= 0 ? d->e[d->auto_pick].name : "nothing can run");
}

static void doc_print_json(const struct kscan_doctor *d)
{
	char notes[512];
	int i;

	printf("{\"kernel\": ");
	kscan_json_string(stdout, d->uts.release);
	printf(", \"kernel_version\": \"%u.%u.%u\"", d->kv.major, d->kv.minor,
	       d->kv.patch);
	printf(", \"cap_net_admin\": %s, \"cap_net_raw\": %s, \"cap_bpf\": %s",
	       d->cap_net_admin ? "true" : "false",
	       d->cap_net_raw ? "true" : "false",
	       d->cap_bpf ? "true" : "false");
	printf(", \"interface\": ");
	if (d->ifindex) {
		kscan_json_string(stdout, d->ifname);
		printf(", \"driver\": ");
		kscan_json_string(stdout, d->driver);
		doc_device_notes(d, notes, sizeof(notes));
		printf(", \"tx_queues\": %u, \"rx_queues\": %u, \"mtu\": %d, \"device_notes\": ",
		       d->tx_queues, d->rx_queues, d->mtu);
		kscan_json_string(stdout, notes);
	} else {
		printf("null");
	}
	printf(", \"xdp_modes\": ");
	if (d->xdp_modes[0])
		kscan_json_string(stdout, d->xdp_modes);
	else
		printf("null");
	printf(", \"engines\": [");
	for (i = 0; i < DOC_N; i++) {
		printf("%s{\"name\": \"%s\", \"usable\": %s, \"why\": ",
		       i ? ", " : "", d->e[i].name,
		       d->e[i].usable ? "true" : "false");
		kscan_json_string(stdout, d->e[i].why);
		putchar('}');
	}
	printf("], \"auto\": ");
	if (d->auto_pick >= 0)
		printf("\"%s\"", d->e[d->auto_pick].name);
	else
		printf("null");
	printf("}\n");
}

int kscan_cmd_doctor(int argc, char **argv)
{
	struct kscan_doctor_config cfg;
	struct kscan_doctor *d;
	char err[512];
	int ret;

	ret = kscan_doctor_parse(argc, argv, &cfg, err, sizeof(err));
	if (ret == KSCAN_CLI_HELP) {
		kscan_cli_help(&kscan_doctor_command, stdout);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "kscanctl: %s\nUsage: kscanctl %s\n", err,
			kscan_doctor_command.synopsis);
		return KSCAN_EXIT_USAGE;
	}
	if (cfg.ifname && !if_nametoindex(cfg.ifname)) {
		fprintf(stderr,
			"kscanctl: --interface: no device '%s' in this network namespace\n",
			cfg.ifname);
		return KSCAN_EXIT_USAGE;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	doc_run(d, cfg.ifname);
	if (cfg.json)
		doc_print_json(d);
	else
		doc_print_text(d);
	ret = d->auto_pick >= 0 ? 0 : 1;
	free(d);
	return ret;
}
