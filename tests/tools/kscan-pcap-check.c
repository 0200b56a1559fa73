// SPDX-License-Identifier: GPL-2.0
/*
 * kscan-pcap-check: prove that a capture holds exactly the probes of a
 * scan. Reads classic pcap files (LINKTYPE_ETHERNET, either byte order,
 * micro- or nanosecond timestamps) captured on the target side and checks
 * every TCP SYN (SYN set, ACK clear) against the scan's parameters:
 *
 *   - IPv4 header and TCP checksums are valid;
 *   - the source address is in --saddr;
 *   - the destination is in --targets and the port in --ports;
 *   - the cookie is valid (kscan_cookie_check() with --key), which also
 *     tells the probe number;
 *   - no (daddr, dport, probe) is seen twice (over all files with --union).
 *
 * Exit 0 only when every SYN passes, none is duplicated and, with
 * --expect N, there are exactly N of them; 1 otherwise; 2 on bad usage or
 * unreadable files. Other packets (ARP, IPv6, SYN-ACKs...) are counted and
 * ignored.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kscan/cookie.h"
#include "kscan/csum.h"
#include "kscan/syn.h"

#include "cli.h"
#include "targets.h"

#define PCAP_MAGIC_US 0xa1b2c3d4
#define PCAP_MAGIC_NS 0xa1b23c4d
#define PCAPNG_MAGIC 0x0a0d0d0a
#define LINKTYPE_ETHERNET 1
#define PCAP_MAX_SNAPLEN (256 * 1024)

struct check_params {
	struct kscan_key key;
	u32 saddr_first;
	u32 saddr_last;
	u16 sport_first;
	u16 sport_last;
	u32 probes;
	u8 *port_ok;		/* 65536 flags */
	struct kscan_ipset targets;
	bool has_expect;
	u64 expect;
};

struct check_counts {
	u64 total;		/* TCP SYNs */
	u64 valid;		/* passed every check (duplicates included) */
	u64 bad_checksum;
	u64 partial_checksum;	/* of bad_checksum: unfinished offload */
	u64 bad_source;
	u64 outside;
	u64 bad_cookie;
	u64 malformed;
	u64 duplicates;
	u64 distinct;
	u64 other;
	u64 per_probe[KSCAN_MAX_PROBES];
};

/* A set of (daddr, dport, probe) as u64 keys, open addressing. */
struct seen_set {
	u64 *slots;	/* 0 = empty; keys are stored + 1 */
	size_t cap;
	size_t nr;
};

static u64 seen_hash(u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int seen_grow(struct seen_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 1024, i, j;
	u64 *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < set->cap; i++) {
		if (!set->slots[i])
			continue;
		for (j = seen_hash(set->slots[i]) & (cap - 1); slots[j];
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = set->slots[i];
	}
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

/* Returns 1 if @key was new, 0 if already there, -1 on ENOMEM. */
static int seen_insert(struct seen_set *set, u64 key)
{
	size_t j;

	key++;
	if ((set->nr + 1) * 2 > set->cap && seen_grow(set))
		return -1;
	for (j = seen_hash(key) & (set->cap - 1); set->slots[j];
	     j = (j + 1) & (set->cap - 1))
		if (set->slots[j] == key)
			return 0;
	set->slots[j] = key;
	set->nr++;
	return 1;
}

static void check_syn(const struct check_params *par, struct check_counts *c,
		      struct seen_set *seen, const struct kscan_parsed *pkt)
{
	u16 seg_len = (u16)(pkt->tot_len - pkt->ihl);
	int probe, fresh;

	c->total++;
	if (kscan_ipv4_csum(pkt->ip, pkt->ihl) ||
	    kscan_tcp_csum(pkt->saddr, pkt->daddr, pkt->tcp, seg_len)) {
		u32 pseudo = kscan_tcp_pseudo_sum(pkt->saddr, pkt->daddr,
						  seg_len);

		c->bad_checksum++;
		if (pkt->tcp_check == kscan_csum_fold(pseudo))
			c->partial_checksum++;
		return;
	}
	if (pkt->saddr < par->saddr_first || pkt->saddr > par->saddr_last) {
		c->bad_source++;
		return;
	}
	if (!kscan_ipset_contains(&par->targets, pkt->daddr) ||
	    !par->port_ok[pkt->dport]) {
		c->outside++;
		return;
	}
	/* a reply would ack seq + 1: check the SYN as its own reply */
	probe = kscan_cookie_check(&par->key, pkt->saddr, pkt->daddr,
				   pkt->sport, pkt->dport, pkt->seq + 1,
				   par->sport_first,
				   (u32)par->sport_last - par->sport_first + 1,
				   par->probes);
	if (probe < 0) {
		c->bad_cookie++;
		return;
	}
	c->valid++;
	c->per_probe[probe]++;
	fresh = seen_insert(seen, (u64)pkt->daddr << 20 |
					  (u64)pkt->dport << 4 | (u64)probe);
	if (fresh < 0) {
		fprintf(stderr, "kscan-pcap-check: out of memory\n");
		exit(2);
	}
	if (fresh)
		c->distinct++;
	else
		c->duplicates++;
}

static u32 pcap_u32(const u8 *p, bool swapped)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

/* Check every frame of @path. Returns 0, or -1 if unreadable/not pcap. */
static int check_file(const char *path, const struct check_params *par,
		      struct check_counts *c, struct seen_set *seen)
{
	u8 hdr[24], rec[16], *frame = NULL;
	bool swapped;
	u32 magic, linktype;
	FILE *f;
	int ret = -1;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "kscan-pcap-check: %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fread(hdr, sizeof(hdr), 1, f) != 1) {
		fprintf(stderr, "kscan-pcap-check: %s: too short for a pcap header\n",
			path);
		goto out;
	}
	memcpy(&magic, hdr, sizeof(magic));
	swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		  magic == __builtin_bswap32(PCAP_MAGIC_NS);
	magic = pcap_u32(hdr, swapped);
	if (magic == PCAPNG_MAGIC) {
		fprintf(stderr,
			"kscan-pcap-check: %s: pcapng is not read; capture with 'tcpdump -w' (classic pcap) or convert with 'editcap -F pcap'\n",
			path);
		goto out;
	}
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS) {
		fprintf(stderr, "kscan-pcap-check: %s: not a pcap file\n", path);
		goto out;
	}
	linktype = pcap_u32(hdr + 20, swapped) & 0xffff;
	if (linktype != LINKTYPE_ETHERNET) {
		fprintf(stderr,
			"kscan-pcap-check: %s: link type %u, expected Ethernet (1): capture on the device (tcpdump -i IFNAME), not on 'any'\n",
			path, linktype);
		goto out;
	}
	frame = malloc(PCAP_MAX_SNAPLEN);
	if (!frame)
		goto out;

	while (fread(rec, sizeof(rec), 1, f) == 1) {
		u32 caplen = pcap_u32(rec + 8, swapped);
		u32 origlen = pcap_u32(rec + 12, swapped);
		struct kscan_parsed pkt;
		int err;

		if (caplen > PCAP_MAX_SNAPLEN ||
		    fread(frame, 1, caplen, f) != caplen) {
			fprintf(stderr, "kscan-pcap-check: %s: truncated record\n",
				path);
			goto out;
		}
		err = kscan_syn_parse(frame, caplen, &pkt, 0);
		if (err == -KSCAN_PARSE_E_ETHERTYPE ||
		    err == -KSCAN_PARSE_E_PROTOCOL ||
		    (!err && (!(pkt.flags & KSCAN_TCP_SYN) ||
			      (pkt.flags & KSCAN_TCP_ACK)))) {
			c->other++;
			continue;
		}
		/* an IPv4 TCP segment we cannot read whole fails the check */
		if (err || caplen < origlen) {
			c->total++;
			c->malformed++;
			continue;
		}
		check_syn(par, c, seen, &pkt);
	}
	if (ferror(f)) {
		fprintf(stderr, "kscan-pcap-check: %s: read error\n", path);
		goto out;
	}
	ret = 0;
out:
	free(frame);
	fclose(f);
	return ret;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kscan-pcap-check [options] FILE.pcap [FILE.pcap...]\n"
		"\n"
		"Check every TCP SYN of a capture against a kscan scan.\n"
		"\n"
		"  --key HEX32         the scan's validation key (required)\n"
		"  --saddr A[-B]       the scan's source addresses (required)\n"
		"  --sport A-B         the scan's source ports (default 32768-61000)\n"
		"  --probes N          probes per target (default 1)\n"
		"  --ports LIST        the scan's target ports (required)\n"
		"  --targets LIST      comma-separated addresses, CIDR blocks, ranges\n"
		"                      (required; after the blocklist)\n"
		"  --expect N          exactly N SYNs\n"
		"  --union             several files are one scan (e.g. its shards)\n"
		"  -h, --help\n"
		"\n"
		"Exit 0 when every SYN is valid, none is duplicated and the count\n"
		"matches --expect; 1 otherwise; 2 on bad usage.\n");
}

static int bad_usage(const char *flag, const char *msg)
{
	fprintf(stderr, "kscan-pcap-check: --%s: %s\n", flag, msg);
	return 2;
}

static int parse_targets(struct kscan_ipset *set, const char *list,
			 char *err, size_t errlen)
{
	char *copy = strdup(list), *elem, *save = NULL;
	int ret = 0;

	if (!copy)
		return -1;
	for (elem = strtok_r(copy, ",", &save); elem && !ret;
	     elem = strtok_r(NULL, ",", &save))
		ret = kscan_ipset_add_target(set, elem, err, errlen);
	free(copy);
	if (!ret && !set->nr) {
		snprintf(err, errlen, "expected " KSCAN_TARGET_FORMS
				      ", comma-separated");
		ret = -1;
	}
	kscan_ipset_normalize(set);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "saddr", required_argument, NULL, 'a' },
		{ "sport", required_argument, NULL, 's' },
		{ "probes", required_argument, NULL, 'P' },
		{ "ports", required_argument, NULL, 'p' },
		{ "targets", required_argument, NULL, 't' },
		{ "expect", required_argument, NULL, 'e' },
		{ "union", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct check_params par = { .sport_first = 32768, .sport_last = 61000,
				    .probes = 1 };
	struct check_counts c = { 0 };
	struct seen_set seen = { 0 };
	bool has_key = false, has_saddr = false, has_union = false;
	u8 key_bytes[KSCAN_KEY_LEN];
	char err[512];
	u16 *ports = NULL;
	u32 nr_ports = 0, i;
	u64 v;
	int opt, ok, fi;

	par.port_ok = calloc(65536, 1);
	if (!par.port_ok)
		return 2;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			if (kscan_parse_hex(optarg, key_bytes, KSCAN_KEY_LEN))
				return bad_usage("key", "expected 32 hex digits");
			kscan_key_from_bytes(&par.key, key_bytes);
			has_key = true;
			break;
		case 'a':
			if (kscan_parse_addr_range(optarg, &par.saddr_first,
						   &par.saddr_last, err,
						   sizeof(err)))
				return bad_usage("saddr", err);
			has_saddr = true;
			break;
		case 's':
			if (kscan_parse_port_range(optarg, &par.sport_first,
						   &par.sport_last, err,
						   sizeof(err)))
				return bad_usage("sport", err);
			break;
		case 'P':
			if (kscan_parse_uint(optarg, 1, KSCAN_MAX_PROBES, &v))
				return bad_usage("probes",
						 "expected a number from 1 to 16");
			par.probes = (u32)v;
			break;
		case 'p':
			free(ports);
			if (kscan_parse_ports(optarg, &ports, &nr_ports, err,
					      sizeof(err)))
				return bad_usage("ports", err);
			break;
		case 't':
			if (parse_targets(&par.targets, optarg, err,
					  sizeof(err)))
				return bad_usage("targets", err);
			break;
		case 'e':
			if (kscan_parse_uint(optarg, 0, UINT64_MAX, &par.expect))
				return bad_usage("expect", "expected a number");
			par.has_expect = true;
			break;
		case 'u':
			has_union = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!has_key || !has_saddr || !ports || !par.targets.nr) {
		fprintf(stderr,
			"kscan-pcap-check: --key, --saddr, --ports and --targets are required\n");
		return 2;
	}
	if (optind == argc) {
		fprintf(stderr, "kscan-pcap-check: no pcap file\n");
		return 2;
	}
	if (argc - optind > 1 && !has_union) {
		fprintf(stderr,
			"kscan-pcap-check: several files: give --union to check them as one scan\n");
		return 2;
	}
	for (i = 0; i < nr_ports; i++)
		par.port_ok[ports[i]] = 1;

	for (fi = optind; fi < argc; fi++)
		if (check_file(argv[fi], &par, &c, &seen))
			return 2;

	ok = c.valid == c.total && !c.duplicates &&
	     (!par.has_expect || c.total == par.expect);
	printf("total: %llu\n", (unsigned long long)c.total);
	printf("valid: %llu\n", (unsigned long long)c.valid);
	printf("bad-checksum: %llu\n", (unsigned long long)c.bad_checksum);
	if (c.partial_checksum)
		printf("  of which unfinished CHECKSUM_PARTIAL: %llu (scan with --sw-csum)\n",
		       (unsigned long long)c.partial_checksum);
	printf("bad-cookie: %llu\n", (unsigned long long)c.bad_cookie);
	printf("bad-source: %llu\n", (unsigned long long)c.bad_source);
	printf("outside-targets: %llu\n", (unsigned long long)c.outside);
	printf("malformed: %llu\n", (unsigned long long)c.malformed);
	printf("duplicates: %llu\n", (unsigned long long)c.duplicates);
	printf("distinct: %llu\n", (unsigned long long)c.distinct);
	for (i = 0; i < par.probes; i++)
		printf("probe-%u: %llu\n", i, (unsigned long long)c.per_probe[i]);
	printf("other-packets: %llu\n", (unsigned long long)c.other);
	if (par.has_expect)
		printf("expected: %llu\n", (unsigned long long)par.expect);
	printf("result: %s\n", ok ? "PASS" : "FAIL");

	free(seen.slots);
	free(ports);
	free(par.port_ok);
	kscan_ipset_free(&par.targets);
	return ok ? 0 : 1;
}
