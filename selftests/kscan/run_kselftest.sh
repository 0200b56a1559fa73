#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Standalone kselftest runner: TAP version 13, one result per test program,
# each under the timeout of ./settings; exit 4 counts as a skip. Ends with
# "selftests: N passed, N failed, N skipped" and fails if any test failed.
cd "$(dirname "$0")" || exit 1
timeout=$(sed -n 's/^timeout=//p' settings 2>/dev/null)
timeout=${timeout:-45}

echo "TAP version 13"
echo "1..$#"
n=0 pass=0 fail=0 skip=0
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: kscan: $t"
	timeout --foreground "$timeout" "./$t" 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok $n selftests: kscan: $t"; pass=$((pass + 1)) ;;
	4) echo "ok $n selftests: kscan: $t # SKIP"; skip=$((skip + 1)) ;;
	124) echo "not ok $n selftests: kscan: $t # TIMEOUT $timeout seconds"
	     fail=$((fail + 1)) ;;
	*) echo "not ok $n selftests: kscan: $t # exit=$rc"; fail=$((fail + 1)) ;;
	esac
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
echo "selftests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
