// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program built into kscanctl, run by the host's kernel with
 * BPF_PROG_TEST_RUN on the frames of rx_frames.h: loaded exactly as the
 * AF_XDP engine loads it (kscan_rx_bpf_open), nothing attached anywhere.
 * The XSKMAP is empty, so a frame the program takes is redirected with
 * the XDP_PASS fallback and counted NO_SOCKET; a frame to our ports with
 * our flags but not our cookie is counted COOKIE; any other frame is
 * counted PASSED. All return XDP_PASS, so the per-CPU counters are what
 * tells the decisions apart. They must match the classic filter's table
 * for ports and flags, and kscan_cookie_check() (include/kscan/cookie.h,
 * user/siphash.c) for the cookie: the program's SipHash-2-4 is held to
 * the shared cookie vectors and to the C one on random keys and tuples.
 *
 * Loading BPF needs root (CAP_BPF); without it the tests are skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/kscan_rx.h"
#include "kscan/cookie_vectors.h"
#include "rx_frames.h"

struct xdp_fixture {
	struct bpf_object *obj;
	int prog_fd, stats_fd, ncpus;
	uint64_t *percpu;
};

/* What the program did with a frame. */
enum decision {
	PASSED, /* not ours */
	COOKIE, /* our ports and flags, not our cookie: passed */
	TAKEN, /* redirected (to no socket: counted NO_SOCKET) */
};

static const char *const decision_name[] = { "passed", "passed (cookie)",
					     "taken" };

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("KSCAN_TEST_VERBOSE"))
		vfprintf(stderr, fmt, ap);
	return 0;
}

/* Open and load for the scan @k; false (and skip) without BPF. */
static bool fixture_load(struct xdp_fixture *f, const struct rx_cookie *k)
{
	struct bpf_program *prog;
	int err;

	memset(f, 0, sizeof(*f));
	libbpf_set_print(quiet);
	f->obj = kscan_rx_bpf_open(k->first, k->last, k->key, k->probes, 4);
	assert_non_null(f->obj);
	err = bpf_object__load(f->obj);
	if (err == -EPERM || err == -EACCES || err == -ENOSYS) {
		bpf_object__close(f->obj);
		return false;
	}
	assert_int_equal(err, 0);
	prog = bpf_object__find_program_by_name(f->obj, "kscan_rx");
	assert_non_null(prog);
	f->prog_fd = bpf_program__fd(prog);
	f->stats_fd = bpf_map__fd(
		bpf_object__find_map_by_name(f->obj, "kscan_rx_stats"));
	assert_true(f->prog_fd >= 0 && f->stats_fd >= 0);
	f->ncpus = libbpf_num_possible_cpus();
	assert_true(f->ncpus > 0);
	f->percpu = calloc(f->ncpus, sizeof(*f->percpu));
	assert_non_null(f->percpu);
	return true;
}

static void fixture_close(struct xdp_fixture *f)
{
	free(f->percpu);
	bpf_object__close(f->obj);
}

static uint64_t stat(struct xdp_fixture *f, uint32_t key)
{
	uint64_t sum = 0;
	int i;

	assert_int_equal(bpf_map_lookup_elem(f->stats_fd, &key, f->percpu), 0);
	for (i = 0; i < f->ncpus; i++)
		sum += f->percpu[i];
	return sum;
}

/* Run @frame once: what the program did with it. */
static enum decision run(struct xdp_fixture *f, const uint8_t *frame,
			 size_t len)
{
	uint8_t out[RX_FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	uint64_t before[KSCAN_RX_STAT__MAX], moved[KSCAN_RX_STAT__MAX];
	unsigned int i;

	for (i = 0; i < KSCAN_RX_STAT__MAX; i++)
		before[i] = stat(f, i);
	assert_int_equal(bpf_prog_test_run_opts(f->prog_fd, &opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);
	/* The frame is not touched. */
	assert_int_equal(opts.data_size_out, len);
	assert_memory_equal(out, frame, len);
	for (i = 0; i < KSCAN_RX_STAT__MAX; i++)
		moved[i] = stat(f, i) - before[i];
	/* Exactly one counter moved, by one; never REDIRECTED (no socket). */
	assert_int_equal(moved[KSCAN_RX_STAT_PASSED] +
				 moved[KSCAN_RX_STAT_COOKIE] +
				 moved[KSCAN_RX_STAT_NO_SOCKET],
			 1);
	assert_int_equal(moved[KSCAN_RX_STAT_REDIRECTED], 0);
	return moved[KSCAN_RX_STAT_NO_SOCKET] ? TAKEN :
	       moved[KSCAN_RX_STAT_COOKIE]    ? COOKIE :
						PASSED;
}

static enum decision expected(const struct rx_case *c)
{
	return rx_xdp_ours(c) ? TAKEN : c->ours ? COOKIE : PASSED;
}

static void test_cases(void **state)
{
	uint8_t frame[RX_FRAME_MAX];
	struct xdp_fixture f;
	unsigned int i, n[3] = { 0 };
	enum decision got;

	(void)state;
	if (!fixture_load(&f, &RX_COOKIE))
		skip();
	for (i = 0; i < RX_NCASES; i++) {
		/* XDP test runs need a whole Ethernet header. */
		got = run(&f, frame, rx_frame(&rx_cases[i], frame));
		if (got != expected(&rx_cases[i]))
			fail_msg("%s: %s, expected %s", rx_cases[i].name,
				 decision_name[got],
				 decision_name[expected(&rx_cases[i])]);
		n[got]++;
	}
	/* The table has all three kinds. */
	assert_true(n[PASSED] >= 9 && n[COOKIE] >= 5 && n[TAKEN] >= 9);
	fixture_close(&f);
}

static void test_ranges(void **state)
{
	static const struct {
		uint16_t first, last;
	} ranges[] = {
		{ 1, 65535 },
		{ 443, 443 },
		{ 32768, 61000 },
		{ 65535, 65535 },
	};
	struct rx_case c = { "range", .flags = F_RST };
	struct rx_cookie k = RX_COOKIE;
	uint8_t frame[RX_FRAME_MAX];
	struct xdp_fixture f;
	unsigned int i, j;
	uint32_t port;

	(void)state;
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const uint32_t probes[] = {
			ranges[i].first - 1u, ranges[i].first,
			ranges[i].first + 1u, ranges[i].last - 1u,
			ranges[i].last,	      ranges[i].last + 1u,
		};

		k.first = ranges[i].first;
		k.last = ranges[i].last;
		if (!fixture_load(&f, &k))
			skip();
		for (j = 0; j < sizeof(probes) / sizeof(probes[0]); j++) {
			port = probes[j];
			if (port > 65535)
				continue;
			c.dport = (uint16_t)port;
			bool in = port >= ranges[i].first &&
				  port <= ranges[i].last;
			enum decision got =
				run(&f, frame, rx_frame_cookie(&c, &k, frame));

			if (got != (in ? TAKEN : PASSED))
				fail_msg("range %u-%u, port %u: %s",
					 ranges[i].first, ranges[i].last, port,
					 decision_name[got]);
		}
		fixture_close(&f);
	}
}

static void test_truncated(void **state)
{
	uint8_t frame[RX_FRAME_MAX];
	struct xdp_fixture f;
	size_t len, cut;
	unsigned int i;

	(void)state;
	if (!fixture_load(&f, &RX_COOKIE))
		skip();
	for (i = 0; i < RX_NCASES; i++) {
		if (!rx_cases[i].ours)
			continue;
		len = rx_frame(&rx_cases[i], frame);
		/* BPF_PROG_TEST_RUN refuses frames under ETH_HLEN. */
		for (cut = 14; cut < len; cut++)
			if (run(&f, frame, cut) != PASSED)
				fail_msg("%s cut to %zu bytes was not passed",
					 rx_cases[i].name, cut);
	}
	fixture_close(&f);
}

/* ---- the program's SipHash against the C one ---------------------------- */

/* An untagged reply from @target:@tport to @us:@dport acking @ack. */
static size_t reply(uint8_t *frame, uint8_t flags, uint32_t us, uint32_t target,
		    uint16_t tport, uint16_t dport, uint32_t ack)
{
	const struct rx_case c = { "reply", .dport = dport, .flags = flags };
	size_t len = rx_frame(&c, frame);

	rx_put32(frame + 14 + 12, target);
	rx_put32(frame + 14 + 16, us);
	rx_put16(frame + 34, tport);
	rx_put32(frame + 34 + 8, ack);
	return len;
}

/*
 * For the scan @k and the reply from @target:@tport to @us, whose cookie
 * is @h: the probe ports of probes 0 and probes-1 with ack seq + 1 are
 * taken; the port of probe -P (when the range has one), the acks seq,
 * seq + 2 and seq + 1 with its top bit flipped are passed as COOKIE.
 */
static void check_tuple(struct xdp_fixture *f, const struct rx_cookie *k,
			uint32_t us, uint32_t target, uint16_t tport,
			uint64_t h, const char *what)
{
	uint32_t count = (uint32_t)k->last - k->first + 1;
	uint32_t base = (uint32_t)(h >> 32) % count;
	uint32_t seq = kscan_cookie_seq(h);
	uint16_t p0 = (uint16_t)(k->first + base);
	uint16_t plast = kscan_cookie_sport(h, k->first, count, k->probes - 1);
	uint16_t pout = kscan_cookie_sport(h, k->first, count, k->probes);
	struct kscan_key key;
	uint8_t frame[RX_FRAME_MAX];
	const struct {
		uint8_t flags;
		uint16_t dport;
		uint32_t ack;
		enum decision want;
	} runs[] = {
		{ F_SYN | F_ACK, p0, seq + 1, TAKEN },
		{ F_RST | F_ACK, p0, seq + 1, TAKEN },
		{ F_SYN | F_ACK, plast, seq + 1, TAKEN },
		{ F_RST, plast, seq + 1, TAKEN },
		{ F_SYN | F_ACK, p0, seq, COOKIE },
		{ F_SYN | F_ACK, p0, seq + 2, COOKIE },
		{ F_RST | F_ACK, p0, (seq + 1) ^ 0x80000000u, COOKIE },
		{ F_SYN | F_ACK, pout, seq + 1,
		  k->probes < count ? COOKIE : TAKEN },
	};
	unsigned int i;

	/* The C side agrees with itself first. */
	kscan_key_from_bytes(&key, k->key);
	assert_true(kscan_cookie_hash(&key, us, target, k->first, tport) == h);
	assert_int_equal(kscan_cookie_check(&key, us, target, p0, tport,
					    seq + 1, k->first, count,
					    k->probes),
			 0);
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		enum decision got =
			run(f, frame,
			    reply(frame, runs[i].flags, us, target, tport,
				  runs[i].dport, runs[i].ack));
		if (got != runs[i].want)
			fail_msg(
				"%s, run %u (port %u, ack %#x): %s, expected %s",
				what, i, runs[i].dport, runs[i].ack,
				decision_name[got],
				decision_name[runs[i].want]);
	}
}

/* The shared cookie vectors (include/kscan/cookie_vectors.h) whose first
 * port fits a u16: the program computes exactly those hashes. */
static void test_siphash_vectors(void **state)
{
	struct xdp_fixture f;
	unsigned int i, n = 0;
	char what[64];

	(void)state;
	for (i = 0;
	     i < sizeof(kscan_cookie_vectors) / sizeof(kscan_cookie_vectors[0]);
	     i++) {
		const struct kscan_cookie_vector *v = &kscan_cookie_vectors[i];
		struct rx_cookie k = { .first = (uint16_t)v->sport_first,
				       .last = 65535,
				       .probes = 1 };

		if (v->sport_first > 65535 || v->dport > 65535)
			continue;
		memcpy(k.key, v->key, sizeof(k.key));
		if (!fixture_load(&f, &k))
			skip();
		snprintf(what, sizeof(what), "cookie vector %u", i);
		check_tuple(&f, &k, v->saddr, v->daddr, (uint16_t)v->dport,
			    v->hash, what);
		fixture_close(&f);
		n++;
	}
	assert_true(n >= 4);
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Random keys, ranges, probes and tuples: the program agrees with C. */
static void test_siphash_random(void **state)
{
	uint64_t seed = 0x6b7363616e2d7864ULL, r;
	struct xdp_fixture f;
	struct rx_cookie k;
	struct kscan_key key;
	unsigned int i, j;
	char what[96];

	(void)state;
	for (i = 0; i < 10; i++) {
		memset(&k, 0, sizeof(k));
		if (i == 1)
			memset(k.key, 0xff, sizeof(k.key));
		else if (i > 1)
			for (j = 0; j < sizeof(k.key); j++)
				k.key[j] = (uint8_t)splitmix64(&seed);
		r = splitmix64(&seed);
		k.first = (uint16_t)(1 + r % 65535);
		k.last = (uint16_t)(k.first + (r >> 16) % (65536u - k.first));
		if (i == 2)
			k.first = 1, k.last = 65535;
		else if (i == 3)
			k.first = 32768, k.last = 61000;
		k.probes = 1 + (uint32_t)(r >> 40) % 16;
		kscan_key_from_bytes(&key, k.key);
		if (!fixture_load(&f, &k))
			skip();
		for (j = 0; j < 40; j++) {
			uint32_t us, target;
			uint16_t tport;

			r = splitmix64(&seed);
			us = (uint32_t)r;
			target = (uint32_t)(r >> 32);
			tport = (uint16_t)(1 + splitmix64(&seed) % 65535);
			snprintf(what, sizeof(what),
				 "key %u (ports %u-%u, %u probes), tuple %u", i,
				 k.first, k.last, k.probes, j);
			check_tuple(&f, &k, us, target, tport,
				    kscan_cookie_hash(&key, us, target, k.first,
						      tport),
				    what);
		}
		fixture_close(&f);
	}
}

/* The verifier's verdict and the program's size, for the record. */
static void test_verifier(void **state)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	struct xdp_fixture f;

	(void)state;
	if (!fixture_load(&f, &RX_COOKIE))
		skip();
	memset(&info, 0, sizeof(info));
	assert_int_equal(bpf_obj_get_info_by_fd(f.prog_fd, &info, &len), 0);
	print_message(
		"XDP program: %u instructions, %u processed by the verifier\n",
		info.xlated_prog_len / 8, info.verified_insns);
	assert_true(info.xlated_prog_len / 8 < 4096);
	fixture_close(&f);
}

/* The object refuses what it cannot hold. */
static void test_open_limits(void **state)
{
	static const uint8_t key[16];

	(void)state;
	assert_null(kscan_rx_bpf_open(2, 1, key, 1, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(kscan_rx_bpf_open(1, 2, key, 0, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(kscan_rx_bpf_open(1, 2, NULL, 1, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(kscan_rx_bpf_open(1, 2, key, 1, 0));
	assert_null(kscan_rx_bpf_open(1, 2, key, 1, KSCAN_RX_MAX_QUEUES + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_siphash_random),
		cmocka_unit_test(test_verifier),
		cmocka_unit_test(test_open_limits),
	};

	return cmocka_run_group_tests_name("rx_xdp", tests, NULL, NULL);
}
