// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program built into kscanctl, run by the host's kernel with
 * BPF_PROG_TEST_RUN on the frames of rx_frames.h: loaded exactly as the
 * AF_XDP engine loads it (kscan_rx_bpf_open), nothing attached anywhere.
 * The XSKMAP is empty, so a frame the program takes is redirected with
 * the XDP_PASS fallback and counted NO_SOCKET; any other frame is counted
 * PASSED. Both return XDP_PASS, so the per-CPU counters are what tells the
 * decisions apart, and they must match the classic filter's table.
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
#include "rx_frames.h"

struct xdp_fixture {
	struct bpf_object *obj;
	int prog_fd, stats_fd, ncpus;
	uint64_t *percpu;
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("KSCAN_TEST_VERBOSE"))
		vfprintf(stderr, fmt, ap);
	return 0;
}

/* Open and load for @first..@last; false (and skip) without BPF. */
static bool fixture_load(struct xdp_fixture *f, uint16_t first, uint16_t last)
{
	struct bpf_program *prog;
	int err;

	memset(f, 0, sizeof(*f));
	libbpf_set_print(quiet);
	f->obj = kscan_rx_bpf_open(first, last, 4);
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

/* Run @frame once: true when the program took it as ours. */
static bool run(struct xdp_fixture *f, const uint8_t *frame, size_t len)
{
	uint8_t out[RX_FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	uint64_t passed = stat(f, KSCAN_RX_STAT_PASSED);
	uint64_t nosock = stat(f, KSCAN_RX_STAT_NO_SOCKET);
	uint64_t redir = stat(f, KSCAN_RX_STAT_REDIRECTED);
	bool ours;

	assert_int_equal(bpf_prog_test_run_opts(f->prog_fd, &opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);
	/* The frame is not touched. */
	assert_int_equal(opts.data_size_out, len);
	assert_memory_equal(out, frame, len);
	ours = stat(f, KSCAN_RX_STAT_NO_SOCKET) == nosock + 1;
	/* Exactly one counter moved, by one. */
	assert_int_equal(stat(f, KSCAN_RX_STAT_PASSED), passed + !ours);
	assert_int_equal(stat(f, KSCAN_RX_STAT_NO_SOCKET), nosock + ours);
	assert_int_equal(stat(f, KSCAN_RX_STAT_REDIRECTED), redir);
	return ours;
}

static void test_cases(void **state)
{
	uint8_t frame[RX_FRAME_MAX];
	struct xdp_fixture f;
	unsigned int i;
	bool ours;

	(void)state;
	if (!fixture_load(&f, RX_FIRST, RX_LAST))
		skip();
	for (i = 0; i < RX_NCASES; i++) {
		/* XDP test runs need a whole Ethernet header. */
		ours = run(&f, frame, rx_frame(&rx_cases[i], frame));
		if (ours != rx_cases[i].ours)
			fail_msg("%s: program %s it", rx_cases[i].name,
				 ours ? "took" : "passed");
	}
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

		if (!fixture_load(&f, ranges[i].first, ranges[i].last))
			skip();
		for (j = 0; j < sizeof(probes) / sizeof(probes[0]); j++) {
			port = probes[j];
			if (port > 65535)
				continue;
			c.dport = (uint16_t)port;
			bool in = port >= ranges[i].first &&
				  port <= ranges[i].last;
			bool got = run(&f, frame, rx_frame(&c, frame));

			if (got != in)
				fail_msg("range %u-%u, port %u: %s",
					 ranges[i].first, ranges[i].last, port,
					 got ? "taken" : "passed");
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
	if (!fixture_load(&f, RX_FIRST, RX_LAST))
		skip();
	for (i = 0; i < RX_NCASES; i++) {
		if (!rx_cases[i].ours)
			continue;
		len = rx_frame(&rx_cases[i], frame);
		/* BPF_PROG_TEST_RUN refuses frames under ETH_HLEN. */
		for (cut = 14; cut < len; cut++)
			if (run(&f, frame, cut))
				fail_msg("%s cut to %zu bytes was taken",
					 rx_cases[i].name, cut);
	}
	fixture_close(&f);
}

/* The object refuses what it cannot hold. */
static void test_open_limits(void **state)
{
	(void)state;
	assert_null(kscan_rx_bpf_open(2, 1, 1));
	assert_int_equal(errno, EINVAL);
	assert_null(kscan_rx_bpf_open(1, 2, 0));
	assert_null(kscan_rx_bpf_open(1, 2, KSCAN_RX_MAX_QUEUES + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_open_limits),
	};

	return cmocka_run_group_tests_name("rx_xdp", tests, NULL, NULL);
}
