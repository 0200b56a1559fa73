// SPDX-License-Identifier: GPL-2.0
/* kscanctl doctor's kernel release parser: the releases workers run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "doctor.h"

static void test_releases(void **state)
{
	static const struct {
		const char *release;
		int ret;
		unsigned int major, minor, patch;
	} cases[] = {
		{ "6.1.0-57-amd64", 0, 6, 1, 0 }, /* Debian 12 */
		{ "6.12.74+deb13-cloud-amd64", 0, 6, 12, 74 }, /* Debian 13 */
		{ "5.10.0", 0, 5, 10, 0 },
		{ "4.19.0-27-amd64", 0, 4, 19, 0 }, /* Debian 10 */
		{ "6.8.0-1019-aws", 0, 6, 8, 0 }, /* Ubuntu on AWS */
		{ "6.1", 0, 6, 1, 0 },
		{ "6.1-rc7", 0, 6, 1, 0 },
		{ "10.0.0-rc1", 0, 10, 0, 0 },
		{ "5.15.153.1-microsoft-standard-WSL2", 0, 5, 15, 153 },
		{ "6", -1, 0, 0, 0 },
		{ "6-foo", -1, 0, 0, 0 },
		{ "6.", -1, 0, 0, 0 },
		{ "v6.1.0", -1, 0, 0, 0 },
		{ "", -1, 0, 0, 0 },
		{ "99999999999.1.0", -1, 0, 0, 0 },
	};
	struct kscan_kernel_version v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = kscan_kernel_version_parse(cases[i].release, &v);

		print_message("%s\n", cases[i].release);
		assert_int_equal(ret, cases[i].ret);
		if (ret)
			continue;
		assert_int_equal(v.major, cases[i].major);
		assert_int_equal(v.minor, cases[i].minor);
		assert_int_equal(v.patch, cases[i].patch);
	}
}

static void test_compare(void **state)
{
	struct kscan_kernel_version v;

	(void)state;
	assert_int_equal(kscan_kernel_version_parse("5.4.0-1-amd64", &v), 0);
	assert_int_equal(kscan_kernel_version_cmp(&v, 5, 4, 0), 0);
	assert_int_equal(kscan_kernel_version_cmp(&v, 5, 3, 99), 1);
	assert_int_equal(kscan_kernel_version_cmp(&v, 5, 10, 0), -1);
	assert_int_equal(kscan_kernel_version_parse("4.19.0-27-amd64", &v), 0);
	assert_int_equal(kscan_kernel_version_cmp(&v, 5, 4, 0), -1);
	/* 6.12 is newer than 6.8: numbers, not strings */
	assert_int_equal(
		kscan_kernel_version_parse("6.12.74+deb13-cloud-amd64", &v), 0);
	assert_int_equal(kscan_kernel_version_cmp(&v, 6, 8, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_releases),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
