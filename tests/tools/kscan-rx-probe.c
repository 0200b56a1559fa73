// SPDX-License-Identifier: GPL-2.0
/*
 * kscan-rx-probe: drives one receive engine (user/rx_*.c) for the lab
 * test selftests/kscan/rx_engines.sh. Test-only; not installed.
 *
 *   kscan-rx-probe --rx afxdp|afpacket -i IF --sport FIRST-LAST
 *                  [--key HEX32] [--probes N] [--rst] [--duration-ms N]
 *                  [--stall-ms N] [-v]
 *
 * --key and --probes are the scan's (kscanctl start --key, -P; default an
 * all-zero key and 1): AF_XDP's program takes only replies with their
 * cookie, AF_PACKET ignores them.
 *
 * Opens the engine (a failure prints "open: -ERRNO: REASON" and exits 2),
 * prints "ready", then one line per delivered frame until SIGINT/SIGTERM
 * or the duration ends:
 *
 *   SA|RST|OTHER SRC-IP SRC-PORT DST-PORT
 *
 * With --rst it answers each SYN-ACK with an RST through the engine's
 * send(), as kscanctl does. --stall-ms N waits N ms after "ready" before
 * the first poll, so that a burst overruns the rings. Last line: "stats frames=N kernel_drops=N
 * sent=N send_errors=N". Exit 0, or 1 when poll() failed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "rx.h"
#include "kscan/csum.h"
#include "kscan/types.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct probe {
	const struct kscan_rx_ops *ops;
	void *state;
	bool rst;
};

/* An RST for the SYN-ACK at @f (untagged IPv4 with a 20-byte IHL+). */
static void answer_rst(struct probe *p, const u8 *f, size_t ip, size_t th)
{
	u8 out[54];
	u32 saddr = kscan_get_be32(f + ip + 16),
	    daddr = kscan_get_be32(f + ip + 12);
	u8 *iph = out + 14, *tcp = out + 34;
	int err;

	memset(out, 0, sizeof(out));
	memcpy(out, f + 6, 6);
	memcpy(out + 6, f, 6);
	kscan_put_be16(out + 12, 0x0800);
	iph[0] = 0x45;
	kscan_put_be16(iph + 2, 40);
	kscan_put_be16(iph + 6, 0x4000);
	iph[8] = 64;
	iph[9] = 6;
	kscan_put_be32(iph + 12, saddr);
	kscan_put_be32(iph + 16, daddr);
	kscan_put_be16(iph + 10, kscan_ipv4_csum(iph, 20));
	memcpy(tcp, f + th + 2, 2); /* our port */
	memcpy(tcp + 2, f + th, 2); /* theirs */
	memcpy(tcp + 4, f + th + 8, 4); /* seq = their ack */
	tcp[12] = 5 << 4;
	tcp[13] = 0x04;
	kscan_put_be16(tcp + 16, kscan_tcp_csum(saddr, daddr, tcp, 20));
	err = p->ops->send(p->state, out, sizeof(out));
	if (err)
		fprintf(stderr, "send: %s\n", strerror(-err));
}

static void on_frame(void *arg, const uint8_t *f, size_t len)
{
	struct probe *p = arg;
	size_t ip = 14, th;
	u16 type;
	u8 flags;
	const char *kind;

	if (len < 14)
		goto other;
	type = kscan_get_be16(f + 12);
	if (type == 0x8100 || type == 0x88a8) {
		if (len < 18)
			goto other;
		type = kscan_get_be16(f + 16);
		ip = 18;
	}
	if (type != 0x0800 || len < ip + 20)
		goto other;
	th = ip + (f[ip] & 0x0f) * 4;
	if (len < th + 20)
		goto other;
	flags = f[th + 13];
	kind = (flags & 0x04) ? "RST" : (flags & 0x12) == 0x12 ? "SA" : "OTHER";
	printf("%s %u.%u.%u.%u %u %u\n", kind, f[ip + 12], f[ip + 13],
	       f[ip + 14], f[ip + 15], kscan_get_be16(f + th),
	       kscan_get_be16(f + th + 2));
	if (p->rst && !strcmp(kind, "SA") && ip == 14)
		answer_rst(p, f, ip, th);
	return;
other:
	printf("OTHER len=%zu\n", len);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kscan-rx-probe --rx afxdp|afpacket -i IF --sport FIRST-LAST [--key HEX32] [--probes N] [--rst] [--duration-ms N] [--stall-ms N] [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rx", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "sport", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "probes", required_argument, NULL, 'P' },
		{ "rst", no_argument, NULL, 'R' },
		{ "duration-ms", required_argument, NULL, 'd' },
		{ "stall-ms", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct kscan_rx_config cfg = { .probes = 1 };
	struct kscan_rx_stats st;
	struct sigaction sa = { .sa_handler = on_signal };
	struct probe p = { 0 };
	long long duration = 0, end = 0, stall = 0;
	unsigned int first, last;
	char err[512] = "";
	int c, n, ret = 0;

	while ((c = getopt_long(argc, argv, "r:i:s:k:P:Rd:S:v", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'r':
			if (!strcmp(optarg, "afxdp"))
				p.ops = &kscan_rx_afxdp;
			else if (!strcmp(optarg, "afpacket"))
				p.ops = &kscan_rx_afpacket;
			else
				usage();
			break;
		case 'i':
			cfg.ifname = optarg;
			break;
		case 's':
			if (sscanf(optarg, "%u-%u", &first, &last) != 2 ||
			    first > last || last > 65535)
				usage();
			cfg.sport_first = (uint16_t)first;
			cfg.sport_last = (uint16_t)last;
			break;
		case 'k':
			if (kscan_parse_hex(optarg, cfg.key, sizeof(cfg.key)))
				usage();
			break;
		case 'P':
			if (sscanf(optarg, "%u", &cfg.probes) != 1 ||
			    !cfg.probes)
				usage();
			break;
		case 'R':
			p.rst = true;
			break;
		case 'd':
			duration = atoll(optarg);
			break;
		case 'S':
			stall = atoll(optarg);
			break;
		case 'v':
			cfg.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (!p.ops || !cfg.ifname || !cfg.sport_last)
		usage();

	/* No SA_RESTART: poll() must come back with EINTR. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	n = p.ops->open(&cfg, &p.state, err, sizeof(err));
	if (n) {
		printf("open: %d: %s\n", n, err);
		return 2;
	}
	printf("ready\n");
	if (stall > 0)
		usleep((useconds_t)stall * 1000);
	if (duration)
		end = now_ms() + duration;
	while (!stop && (!end || now_ms() < end)) {
		n = p.ops->poll(p.state, 100, on_frame, &p);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "poll: %s\n", strerror(-n));
			ret = 1;
			break;
		}
	}
	p.ops->stats(p.state, &st);
	printf("stats frames=%llu kernel_drops=%llu sent=%llu send_errors=%llu\n",
	       (unsigned long long)st.frames,
	       (unsigned long long)st.kernel_drops, (unsigned long long)st.sent,
	       (unsigned long long)st.send_errors);
	p.ops->close(p.state);
	return ret;
}
