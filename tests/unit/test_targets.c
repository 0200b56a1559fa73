// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the target compiler (user/targets.c): every accepted form
 * and every rejection with its exact message, interval arithmetic at the
 * edges of the address space, target files, the shipped blocklist, port
 * lists and source ranges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "targets.h"

#define IP4(a, b, c, d) ((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (d))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- addresses ---- */

static void test_parse_ipv4_accepts(void **state)
{
	static const struct {
		const char *text;
		u32 addr;
	} cases[] = {
		{ "0.0.0.0", 0 },
		{ "255.255.255.255", 0xffffffff },
		{ "198.18.0.1", 0xc6120001 },
		{ "10.200.3.40", IP4(10, 200, 3, 40) },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		u32 addr = 0x12345678;

		assert_int_equal(kscan_parse_ipv4(cases[i].text, &addr), 0);
		assert_int_equal(addr, cases[i].addr);
	}
}

static void test_parse_ipv4_rejects(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "01.2.3.4",
		"1.2.3.04", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d",
		"-1.2.3.4", "1.2.3.4/", "0x1.2.3.4", "1234.1.1.1", "1.2.3.",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		u32 addr = 0x12345678;

		assert_int_equal(kscan_parse_ipv4(bad[i], &addr), -1);
		assert_int_equal(addr, 0x12345678);	/* untouched */
	}
}

static void test_parse_target_forms(void **state)
{
	static const struct {
		const char *text;
		u32 first, last;
	} cases[] = {
		{ "198.18.0.1", IP4(198, 18, 0, 1), IP4(198, 18, 0, 1) },
		{ "198.18.0.0/15", IP4(198, 18, 0, 0), IP4(198, 19, 255, 255) },
		{ "198.18.0.1-198.18.0.9", IP4(198, 18, 0, 1), IP4(198, 18, 0, 9) },
		{ "0.0.0.0/0", 0, 0xffffffff },
		{ "255.255.255.255/32", 0xffffffff, 0xffffffff },
		{ "0.0.0.0/32", 0, 0 },
		{ "128.0.0.0/1", 0x80000000, 0xffffffff },
		{ "10.0.0.0/8", IP4(10, 0, 0, 0), IP4(10, 255, 255, 255) },
		{ "0.0.0.0-255.255.255.255", 0, 0xffffffff },
		{ "7.7.7.7-7.7.7.7", IP4(7, 7, 7, 7), IP4(7, 7, 7, 7) },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		u32 first = 1, last = 0;

		assert_int_equal(kscan_parse_target(cases[i].text, &first,
						    &last, err, sizeof(err)), 0);
		assert_int_equal(first, cases[i].first);
		assert_int_equal(last, cases[i].last);
	}
}

static void test_parse_target_rejections(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "198.18.0.1/15",
		  "'198.18.0.1/15' has host bits set: did you mean 198.18.0.0/15?" },
		{ "198.18.0.9-198.18.0.1",
		  "range '198.18.0.9-198.18.0.1' ends before it starts: did you mean 198.18.0.1-198.18.0.9?" },
		{ "198.18.0.0/33",
		  "expected " KSCAN_TARGET_FORMS ", got '198.18.0.0/33'" },
		{ "198.18.0.0/", "expected " KSCAN_TARGET_FORMS ", got '198.18.0.0/'" },
		{ "198.18.0.0/015",
		  "expected " KSCAN_TARGET_FORMS ", got '198.18.0.0/015'" },
		{ "198.18.0.1-", "expected " KSCAN_TARGET_FORMS ", got '198.18.0.1-'" },
		{ "198.18.0.1-9", "expected " KSCAN_TARGET_FORMS ", got '198.18.0.1-9'" },
		{ "example.com", "expected " KSCAN_TARGET_FORMS ", got 'example.com'" },
		{ "", "expected " KSCAN_TARGET_FORMS ", got ''" },
		{ "1.2.3.4 5.6.7.8",
		  "expected " KSCAN_TARGET_FORMS ", got '1.2.3.4 5.6.7.8'" },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		u32 first, last;

		assert_int_equal(kscan_parse_target(cases[i].text, &first,
						    &last, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].msg);
	}
}

static void test_ipv4_str(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(kscan_ipv4_str(0, buf), "0.0.0.0");
	assert_string_equal(kscan_ipv4_str(0xffffffff, buf), "255.255.255.255");
	assert_string_equal(kscan_ipv4_str(0xc6120001, buf), "198.18.0.1");
}

/* ---- interval arithmetic ---- */

static void set_of(struct kscan_ipset *set, const struct kscan_interval *iv,
		   size_t n)
{
	size_t i;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < n; i++)
		assert_int_equal(kscan_ipset_add(set, iv[i].first, iv[i].last), 0);
}

static void assert_set(const struct kscan_ipset *set,
		       const struct kscan_interval *want, size_t n)
{
	size_t i;

	assert_int_equal(set->nr, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(set->iv[i].first, want[i].first);
		assert_int_equal(set->iv[i].last, want[i].last);
	}
}

static void test_normalize_merges(void **state)
{
	static const struct kscan_interval in[] = {
		{ 20, 30 }, { 0, 0 }, { 1, 1 },	/* 0 and 1 adjacent */
		{ 25, 40 },			/* overlaps 20-30 */
		{ 41, 50 },			/* adjacent to 25-40 */
		{ 60, 70 }, { 62, 65 },		/* contained */
		{ 60, 70 },			/* duplicate */
		{ 72, 80 },			/* gap of one (71) */
		{ 0xfffffffe, 0xfffffffe }, { 0xffffffff, 0xffffffff },
	};
	static const struct kscan_interval want[] = {
		{ 0, 1 }, { 20, 50 }, { 60, 70 }, { 72, 80 },
		{ 0xfffffffe, 0xffffffff },
	};
	struct kscan_ipset set;

	(void)state;
	set_of(&set, in, ARRAY_LEN(in));
	kscan_ipset_normalize(&set);
	assert_set(&set, want, ARRAY_LEN(want));
	assert_int_equal(kscan_ipset_count(&set), 2 + 31 + 11 + 9 + 2);
	kscan_ipset_free(&set);
}

static void test_normalize_whole_space(void **state)
{
	static const struct kscan_interval in[] = {
		{ 0x80000000, 0xffffffff }, { 0, 0x7fffffff },
	};
	static const struct kscan_interval want[] = { { 0, 0xffffffff } };
	struct kscan_ipset set;

	(void)state;
	set_of(&set, in, ARRAY_LEN(in));
	kscan_ipset_normalize(&set);
	assert_set(&set, want, 1);
	assert_int_equal(kscan_ipset_count(&set), 1ULL << 32);
	kscan_ipset_free(&set);
}

/* allow minus block, both normalised, against an exact expectation */
static void check_subtract(const struct kscan_interval *allow, size_t na,
			   const struct kscan_interval *block, size_t nb,
			   const struct kscan_interval *want, size_t nw)
{
	struct kscan_ipset a, b, out = { 0 };

	set_of(&a, allow, na);
	set_of(&b, block, nb);
	kscan_ipset_normalize(&a);
	kscan_ipset_normalize(&b);
	assert_int_equal(kscan_ipset_subtract(&a, &b, &out), 0);
	assert_set(&out, want, nw);
	kscan_ipset_free(&a);
	kscan_ipset_free(&b);
	kscan_ipset_free(&out);
}

static void test_subtract_edges_of_space(void **state)
{
	static const struct kscan_interval all[] = { { 0, 0xffffffff } };
	static const struct kscan_interval ends[] = {
		{ 0, 0 }, { 0xffffffff, 0xffffffff },
	};
	static const struct kscan_interval middle[] = { { 1, 0xfffffffe } };
	static const struct kscan_interval low[] = { { 0, 0x7fffffff } };
	static const struct kscan_interval high[] = {
		{ 0x80000000, 0xffffffff },
	};

	(void)state;
	check_subtract(all, 1, ends, 2, middle, 1);
	check_subtract(all, 1, all, 1, NULL, 0);
	check_subtract(all, 1, low, 1, high, 1);
	check_subtract(all, 1, high, 1, low, 1);
	check_subtract(ends, 2, middle, 1, ends, 2);
	check_subtract(ends, 2, all, 1, NULL, 0);
}

static void test_subtract_cases(void **state)
{
	static const struct kscan_interval a1[] = { { 10, 20 } };
	static const struct kscan_interval b1[] = { { 10, 10 }, { 20, 20 } };
	static const struct kscan_interval w1[] = { { 11, 19 } };
	/* one block across two allowed intervals */
	static const struct kscan_interval a2[] = { { 1, 5 }, { 8, 12 } };
	static const struct kscan_interval b2[] = { { 4, 9 } };
	static const struct kscan_interval w2[] = { { 1, 3 }, { 10, 12 } };
	/* blocks adjacent to, not overlapping, the allowed interval */
	static const struct kscan_interval a3[] = { { 5, 10 } };
	static const struct kscan_interval b3[] = { { 0, 4 }, { 11, 20 } };
	/* several holes */
	static const struct kscan_interval a4[] = { { 0, 100 } };
	static const struct kscan_interval b4[] = { { 10, 20 }, { 30, 40 } };
	static const struct kscan_interval w4[] = {
		{ 0, 9 }, { 21, 29 }, { 41, 100 },
	};
	/* one block covering several allowed intervals and more */
	static const struct kscan_interval a5[] = {
		{ 3, 4 }, { 6, 7 }, { 9, 9 }, { 50, 60 },
	};
	static const struct kscan_interval b5[] = { { 2, 10 }, { 55, 55 } };
	static const struct kscan_interval w5[] = { { 50, 54 }, { 56, 60 } };
	/* overlapping input blocks are merged first */
	static const struct kscan_interval b6[] = { { 15, 30 }, { 5, 17 } };
	static const struct kscan_interval w6[] = { { 0, 4 }, { 31, 100 } };

	(void)state;
	check_subtract(a1, 1, b1, 2, w1, 1);
	check_subtract(a2, 2, b2, 1, w2, 2);
	check_subtract(a3, 1, b3, 2, a3, 1);
	check_subtract(a4, 1, b4, 2, w4, 3);
	check_subtract(a5, 4, b5, 2, w5, 2);
	check_subtract(a4, 1, b6, 2, w6, 2);
	check_subtract(a4, 1, NULL, 0, a4, 1);
}

static void test_contains(void **state)
{
	static const struct kscan_interval iv[] = {
		{ 0, 0 }, { 10, 20 }, { 0xffffffff, 0xffffffff },
	};
	struct kscan_ipset set;

	(void)state;
	set_of(&set, iv, ARRAY_LEN(iv));
	assert_true(kscan_ipset_contains(&set, 0));
	assert_false(kscan_ipset_contains(&set, 1));
	assert_false(kscan_ipset_contains(&set, 9));
	assert_true(kscan_ipset_contains(&set, 10));
	assert_true(kscan_ipset_contains(&set, 20));
	assert_false(kscan_ipset_contains(&set, 21));
	assert_false(kscan_ipset_contains(&set, 0xfffffffe));
	assert_true(kscan_ipset_contains(&set, 0xffffffff));
	kscan_ipset_free(&set);
}

/* ---- files ---- */

static char *write_temp(const char *content)
{
	char *path = strdup("/tmp/kscan-test-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)),
			 (ssize_t)strlen(content));
	close(fd);
	return path;
}

static void test_load_file(void **state)
{
	static const struct kscan_interval want[] = {
		{ IP4(198, 18, 0, 0), IP4(198, 18, 0, 255) },
		{ IP4(198, 18, 1, 7), IP4(198, 18, 1, 7) },
		{ IP4(198, 18, 2, 1), IP4(198, 18, 2, 9) },
	};
	char *path = write_temp("# lab targets\n"
				"\n"
				"198.18.0.0/24\n"
				"   198.18.1.7   # one host, indented\n"
				"\t198.18.2.1-198.18.2.9\r\n"
				"   \n"
				"#198.18.3.0/24 commented out\n");
	struct kscan_ipset set = { 0 };
	char err[512];

	(void)state;
	assert_int_equal(kscan_ipset_load_file(&set, path, err, sizeof(err)), 0);
	assert_set(&set, want, ARRAY_LEN(want));
	kscan_ipset_free(&set);
	unlink(path);
	free(path);
}

static void test_load_file_errors(void **state)
{
	char *path = write_temp("198.18.0.0/24\n# fine\nfoo.example\n");
	struct kscan_ipset set = { 0 };
	char err[512], want[512];

	(void)state;
	assert_int_equal(kscan_ipset_load_file(&set, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:3: expected " KSCAN_TARGET_FORMS ", got 'foo.example'",
		 path);
	assert_string_equal(err, want);
	kscan_ipset_free(&set);
	unlink(path);
	free(path);

	path = write_temp("198.18.0.1/24\n");
	assert_int_equal(kscan_ipset_load_file(&set, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s:1: '198.18.0.1/24' has host bits set: did you mean 198.18.0.0/24?",
		 path);
	assert_string_equal(err, want);
	kscan_ipset_free(&set);
	unlink(path);
	free(path);

	assert_int_equal(kscan_ipset_load_file(&set, "/nonexistent/kscan", err,
					       sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/kscan: No such file or directory");
}

static void test_empty_files(void **state)
{
	char *path = write_temp("# nothing but comments\n\n   \n");
	struct kscan_ipset set = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(kscan_ipset_load_file(&set, path, err, sizeof(err)), 0);
	assert_int_equal(set.nr, 0);
	assert_int_equal(kscan_ipset_load_file(&set, "/dev/null", err,
					       sizeof(err)), 0);
	assert_int_equal(set.nr, 0);
	unlink(path);
	free(path);
}

/* The shipped blocklist, from the source tree this test was built from. */
static void test_shipped_blocklist(void **state)
{
	static const struct kscan_interval first_last[] = {
		{ IP4(1, 0, 0, 0), IP4(9, 255, 255, 255) },
		{ IP4(203, 0, 114, 0), IP4(223, 255, 255, 255) },
	};
	struct kscan_ipset all = { 0 }, block = { 0 }, out = { 0 };
	char path[512], err[512];
	const char *src = __FILE__;	/* tests/unit/test_targets.c */

	(void)state;
	snprintf(path, sizeof(path), "%.*setc/blocklist.conf",
		 (int)(strlen(src) - strlen("tests/unit/test_targets.c")), src);
	assert_int_equal(kscan_ipset_load_file(&block, path, err, sizeof(err)), 0);
	kscan_ipset_normalize(&block);
	assert_true(kscan_ipset_contains(&block, IP4(198, 18, 0, 1)));
	assert_true(kscan_ipset_contains(&block, IP4(198, 19, 255, 255)));
	assert_false(kscan_ipset_contains(&block, IP4(198, 20, 0, 0)));
	assert_true(kscan_ipset_contains(&block, 0));
	assert_true(kscan_ipset_contains(&block, 0xffffffff));
	assert_false(kscan_ipset_contains(&block, IP4(8, 8, 8, 8)));

	assert_int_equal(kscan_ipset_add(&all, 0, 0xffffffff), 0);
	assert_int_equal(kscan_ipset_subtract(&all, &block, &out), 0);
	/* 2^32 minus the 16 special-purpose blocks (255.255.255.255 is in
	 * 240/4, 224/4 and 240/4 merge): 14 holes, 13 intervals left
	 */
	assert_int_equal(kscan_ipset_count(&out), 3702258432ULL);
	assert_int_equal(out.nr, 13);
	assert_int_equal(out.iv[0].first, first_last[0].first);
	assert_int_equal(out.iv[0].last, first_last[0].last);
	assert_int_equal(out.iv[12].first, first_last[1].first);
	assert_int_equal(out.iv[12].last, first_last[1].last);
	kscan_ipset_free(&all);
	kscan_ipset_free(&block);
	kscan_ipset_free(&out);
}

/* ---- ports ---- */

static void test_parse_ports(void **state)
{
	static const u16 want1[] = { 80, 443, 8000, 8001, 8002, 8003, 8004,
				     8005, 8006, 8007, 8008, 8009, 8010 };
	static const u16 want2[] = { 79, 80, 81, 443 };
	char err[256];
	u16 *ports;
	u32 n, i;

	(void)state;
	assert_int_equal(kscan_parse_ports("80,443,8000-8010", &ports, &n, err,
					   sizeof(err)), 0);
	assert_int_equal(n, ARRAY_LEN(want1));
	assert_memory_equal(ports, want1, sizeof(want1));
	free(ports);

	/* sorted, duplicates removed */
	assert_int_equal(kscan_parse_ports("443,80,80,79-81", &ports, &n, err,
					   sizeof(err)), 0);
	assert_int_equal(n, ARRAY_LEN(want2));
	assert_memory_equal(ports, want2, sizeof(want2));
	free(ports);

	assert_int_equal(kscan_parse_ports("1-65535", &ports, &n, err,
					   sizeof(err)), 0);
	assert_int_equal(n, 65535);
	for (i = 0; i < n; i++)
		assert_int_equal(ports[i], i + 1);
	free(ports);

	assert_int_equal(kscan_parse_ports("65535,1", &ports, &n, err,
					   sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ports[0], 1);
	assert_int_equal(ports[1], 65535);
	free(ports);
}

static void test_parse_ports_rejections(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "0", "expected " KSCAN_PORT_FORMS ", got '0'" },
		{ "65536", "expected " KSCAN_PORT_FORMS ", got '65536'" },
		{ "", "expected " KSCAN_PORT_FORMS ", got ''" },
		{ "80,", "expected " KSCAN_PORT_FORMS ", got '' in '80,'" },
		{ ",80", "expected " KSCAN_PORT_FORMS ", got '' in ',80'" },
		{ "80,,443", "expected " KSCAN_PORT_FORMS ", got '' in '80,,443'" },
		{ "80-", "expected " KSCAN_PORT_FORMS ", got '80-'" },
		{ "-80", "expected " KSCAN_PORT_FORMS ", got '-80'" },
		{ "1-2-3", "expected " KSCAN_PORT_FORMS ", got '1-2-3'" },
		{ "080", "expected " KSCAN_PORT_FORMS ", got '080'" },
		{ "80;443", "expected " KSCAN_PORT_FORMS ", got '80;443'" },
		{ "http", "expected " KSCAN_PORT_FORMS ", got 'http'" },
		{ "22,0-10", "expected " KSCAN_PORT_FORMS ", got '0-10' in '22,0-10'" },
		{ "22,8010-8000",
		  "port range '8010-8000' ends before it starts: did you mean 8000-8010?" },
	};
	char err[256];
	u16 *ports = NULL;
	size_t i;
	u32 n;

	(void)state;
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(kscan_parse_ports(cases[i].text, &ports, &n,
						   err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].msg);
		assert_null(ports);
	}
}

static void test_parse_port_range(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "0-10", "expected a port range A-B within 1-65535 (e.g. 32768-61000), got '0-10'" },
		{ "1-65536", "expected a port range A-B within 1-65535 (e.g. 32768-61000), got '1-65536'" },
		{ "a-b", "expected a port range A-B within 1-65535 (e.g. 32768-61000), got 'a-b'" },
		{ "10-", "expected a port range A-B within 1-65535 (e.g. 32768-61000), got '10-'" },
		{ "", "expected a port range A-B within 1-65535 (e.g. 32768-61000), got ''" },
		{ "10,20", "expected a port range A-B within 1-65535 (e.g. 32768-61000), got '10,20'" },
		{ "61000-32768", "port range '61000-32768' ends before it starts: did you mean 32768-61000?" },
	};
	char err[256];
	u16 first, last;
	size_t i;

	(void)state;
	assert_int_equal(kscan_parse_port_range("32768-61000", &first, &last,
						err, sizeof(err)), 0);
	assert_int_equal(first, 32768);
	assert_int_equal(last, 61000);
	assert_int_equal(kscan_parse_port_range("40000", &first, &last, err,
						sizeof(err)), 0);
	assert_int_equal(first, 40000);
	assert_int_equal(last, 40000);
	assert_int_equal(kscan_parse_port_range("1-65535", &first, &last, err,
						sizeof(err)), 0);
	assert_int_equal(first, 1);
	assert_int_equal(last, 65535);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(kscan_parse_port_range(bad[i].text, &first,
							&last, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].msg);
	}
}

static void test_parse_addr_range(void **state)
{
	char err[256];
	u32 first, last;

	(void)state;
	assert_int_equal(kscan_parse_addr_range("198.18.0.1", &first, &last,
						err, sizeof(err)), 0);
	assert_int_equal(first, IP4(198, 18, 0, 1));
	assert_int_equal(last, IP4(198, 18, 0, 1));
	assert_int_equal(kscan_parse_addr_range("198.18.0.1-198.18.0.4", &first,
						&last, err, sizeof(err)), 0);
	assert_int_equal(first, IP4(198, 18, 0, 1));
	assert_int_equal(last, IP4(198, 18, 0, 4));

	assert_int_equal(kscan_parse_addr_range("198.18.0.4-198.18.0.1", &first,
						&last, err, sizeof(err)), -1);
	assert_string_equal(err, "range '198.18.0.4-198.18.0.1' ends before it starts: did you mean 198.18.0.1-198.18.0.4?");
	assert_int_equal(kscan_parse_addr_range("198.18.0.0/24", &first, &last,
						err, sizeof(err)), -1);
	assert_string_equal(err, "expected an IPv4 address (198.18.0.1) or a range (198.18.0.1-198.18.0.4), got '198.18.0.0/24'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4_accepts),
		cmocka_unit_test(test_parse_ipv4_rejects),
		cmocka_unit_test(test_parse_target_forms),
		cmocka_unit_test(test_parse_target_rejections),
		cmocka_unit_test(test_ipv4_str),
		cmocka_unit_test(test_normalize_merges),
		cmocka_unit_test(test_normalize_whole_space),
		cmocka_unit_test(test_subtract_edges_of_space),
		cmocka_unit_test(test_subtract_cases),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_empty_files),
		cmocka_unit_test(test_shipped_blocklist),
		cmocka_unit_test(test_parse_ports),
		cmocka_unit_test(test_parse_ports_rejections),
		cmocka_unit_test(test_parse_port_range),
		cmocka_unit_test(test_parse_addr_range),
	};

	return cmocka_run_group_tests_name("targets", tests, NULL, NULL);
}
