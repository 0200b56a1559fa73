// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_PACKET engine's classic BPF filter, run by the host's kernel
 * without privileges: attached to one end of an AF_UNIX datagram
 * socketpair, it sees each datagram from offset 0 exactly as a packet
 * socket sees an Ethernet frame (no ancillary loads are used), and a
 * datagram it refuses is silently dropped. Every frame of rx_frames.h
 * must come through exactly when it is ours, whole; other port ranges
 * move the boundaries with them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf/kscan_rx.h"
#include "rx_frames.h"

struct pair {
	int tx, rx;
};

static void pair_open(struct pair *p, uint16_t first, uint16_t last)
{
	struct sock_filter insns[KSCAN_RX_CBPF_MAX];
	struct sock_fprog prog = { .filter = insns };
	int sv[2];

	prog.len = kscan_rx_cbpf_build(insns, first, last);
	assert_true(prog.len > 0 && prog.len <= KSCAN_RX_CBPF_MAX);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	/* The kernel's checker accepts the program. */
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				    sizeof(prog)),
			 0);
	p->tx = sv[0];
	p->rx = sv[1];
}

static void pair_close(struct pair *p)
{
	close(p->tx);
	close(p->rx);
}

/* Through the filter: the length received, or -1 when it was dropped. */
static ssize_t pass(struct pair *p, const uint8_t *frame, size_t len)
{
	uint8_t buf[512];
	ssize_t n;

	assert_int_equal(send(p->tx, frame, len, 0), (ssize_t)len);
	n = recv(p->rx, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		assert_int_equal(errno, EAGAIN);
		return -1;
	}
	assert_memory_equal(buf, frame, len);
	return n;
}

static void test_cases(void **state)
{
	uint8_t frame[RX_FRAME_MAX];
	unsigned int i, ours = 0;
	struct pair p;
	ssize_t got;
	size_t len;

	(void)state;
	pair_open(&p, RX_FIRST, RX_LAST);
	for (i = 0; i < RX_NCASES; i++) {
		len = rx_frame(&rx_cases[i], frame);
		got = pass(&p, frame, len);
		if ((got >= 0) != rx_cases[i].ours)
			fail_msg("%s: filter %s it", rx_cases[i].name,
				 got >= 0 ? "took" : "dropped");
		if (got >= 0)
			assert_int_equal(got, (ssize_t)len);
		ours += rx_cases[i].ours;
	}
	pair_close(&p);
	assert_true(ours >= 9 && ours < RX_NCASES);
}

/* The range is the filter's, not a constant: every edge of several. */
static void test_ranges(void **state)
{
	static const struct {
		uint16_t first, last;
	} ranges[] = {
		{ 1, 65535 }, { 443, 443 },	{ 32768, 61000 },
		{ 0, 0 },     { 65535, 65535 },
	};
	struct rx_case c = { "range", .flags = F_SYN | F_ACK };
	uint8_t frame[RX_FRAME_MAX];
	unsigned int i, j;
	struct pair p;
	uint32_t port;

	(void)state;
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const uint32_t probes[] = {
			ranges[i].first - 1u, ranges[i].first,
			ranges[i].first + 1u, ranges[i].last - 1u,
			ranges[i].last,	      ranges[i].last + 1u,
		};

		pair_open(&p, ranges[i].first, ranges[i].last);
		for (j = 0; j < sizeof(probes) / sizeof(probes[0]); j++) {
			port = probes[j];
			if (port > 65535)
				continue;
			c.dport = (uint16_t)port;
			bool in = port >= ranges[i].first &&
				  port <= ranges[i].last;
			bool got = pass(&p, frame, rx_frame(&c, frame)) >= 0;

			if (got != in)
				fail_msg("range %u-%u, port %u: %s",
					 ranges[i].first, ranges[i].last, port,
					 got ? "taken" : "dropped");
		}
		pair_close(&p);
	}
}

/* Every frame shorter than an accepted one (cut anywhere) is refused. */
static void test_truncated(void **state)
{
	uint8_t frame[RX_FRAME_MAX];
	size_t len, cut;
	unsigned int i;
	struct pair p;

	(void)state;
	pair_open(&p, RX_FIRST, RX_LAST);
	for (i = 0; i < RX_NCASES; i++) {
		if (!rx_cases[i].ours)
			continue;
		len = rx_frame(&rx_cases[i], frame);
		for (cut = 0; cut < len; cut++)
			if (cut && pass(&p, frame, cut) >= 0)
				fail_msg("%s cut to %zu bytes was taken",
					 rx_cases[i].name, cut);
	}
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests_name("rx_cbpf", tests, NULL, NULL);
}
