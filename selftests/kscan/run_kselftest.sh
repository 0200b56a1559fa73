#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Standalone kselftest runner: TAP version 13, one result per test program,
# each under the timeout of ./settings; exit 4 counts as a skip.
#
# Programs report each check on a line "TEST: <name> [ OK ]|[FAIL]|[SKIP]"
# (lib.sh's log_test), and the figures count those checks, so that one
# skipped check neither hides the program's passes nor disappears in them:
#  - a program that exits non-zero (or times out) without a FAIL line is
#    one failure more, named after the program;
#  - a program that exits 4 without a SKIP line (it skipped all or the rest
#    of its checks) is one skip, named after the program;
#  - a program that passes without any TEST line is one pass.
# Ends with "selftests: skipped|failed: <program>[: <check>]" lines, a
# "selftests: programs: ..." line and "selftests: N passed, N failed,
# N skipped" counting checks; exits non-zero if any check failed.
cd "$(dirname "$0")" || exit 1
# The name its summary lines carry (tests/check.sh matches on it).
suite=${KSCAN_SELFTEST_SUITE:-selftests}
timeout=$(sed -n 's/^timeout=//p' settings 2>/dev/null)
timeout=${timeout:-45}
# A slower kernel (the debug lab kernel: KASAN, lockdep) needs more time.
timeout=${KSCAN_SELFTEST_TIMEOUT:-$timeout}
# On a kernel with kmemleak (the debug lab kernel), every program is
# followed by a scan, so that a leak is named after the program that made
# it (the lab scans once more at the end, after the objects have aged).
kmemleak_check=
if [ "${KSCAN_LAB_KERNEL:-}" = debug ] && [ -e /sys/kernel/debug/kmemleak ]; then
	kmemleak_check=$(cd ../../tests/vm/lib 2>/dev/null && pwd)/kmemleak-check
	[ -x "$kmemleak_check" ] || kmemleak_check=
fi
out=$(mktemp "${TMPDIR:-/tmp}/kscan-selftest.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

# checks STATUS: the names of the program's checks with that status
# ("OK", "FAIL" or "SKIP"), as printed by log_test (padding dropped).
checks()
{
	sed -n "s/^TEST: \(.*[^ ]\) *\[ *$1 *\]\$/\1/p" "$out"
}

echo "TAP version 13"
echo "1..$#"
n=0 pass=0 fail=0 skip=0 prog_pass=0 prog_fail=0 prog_skip=0
names=()
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: kscan: $t"
	# Not --foreground: the signal must reach the program's children too
	# (a hung "sleep" or listener holding the pipe would stall the run
	# until the lab's own timeout, which names no program).
	t0=$(date +%s)
	timeout -k 10 "$timeout" "./$t" 2>&1 | tee "$out" | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	t1=$(date +%s)

	p=$(checks OK | wc -l) f=$(checks FAIL | wc -l) s=$(checks SKIP | wc -l)
	# Here-strings, not process substitution: the lab VM has no /dev/fd.
	while IFS= read -r c; do
		[ -z "$c" ] || names+=("failed: $t: $c")
	done <<<"$(checks FAIL)"
	while IFS= read -r c; do
		[ -z "$c" ] || names+=("skipped: $t: $c")
	done <<<"$(checks SKIP)"
	why=
	case $rc in
	0) [ $((p + f + s)) -gt 0 ] || p=1 ;;
	4) if [ "$s" -eq 0 ]; then
		s=1
		# A whole-program skip says why on its last "SKIP: ..." line.
		why=$(sed -n 's/^SKIP: //p' "$out" | tail -n 1)
		names+=("skipped: $t")
	fi ;;
	124) f=$((f + 1)) why="TIMEOUT $timeout seconds"
	     names+=("failed: $t: timed out after $timeout s") ;;
	*) if [ "$f" -eq 0 ]; then
		f=1
		names+=("failed: $t: exit $rc without a FAIL line")
	fi
	why="exit=$rc" ;;
	esac
	if [ -n "$kmemleak_check" ]; then
		leaks=$("$kmemleak_check" --settle=0 --report=/run/lab/kmemleak "$t" 2>&1)
		case $? in
		0) ;;
		1) f=$((f + 1)) why="kmemleak"
		   names+=("failed: $t: kmemleak: $(grep -c '^unreferenced object' <<<"$leaks") unreferenced object(s)")
		   sed 's/^/# /' <<<"$leaks" | head -n 40 ;;
		*) f=$((f + 1)) why="kmemleak"
		   names+=("failed: $t: kmemleak could not scan") ;;
		esac
	fi
	# What each program costs, for the make check budget.
	echo "# time: $t: $((t1 - t0)) s${kmemleak_check:+, kmemleak scan $(($(date +%s) - t1)) s}"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))

	if [ "$f" -gt 0 ]; then
		echo "not ok $n selftests: kscan: $t # ${why:-$f failed}"
		prog_fail=$((prog_fail + 1))
	elif [ "$rc" -eq 4 ]; then
		echo "ok $n selftests: kscan: $t # SKIP${why:+ $why}"
		prog_skip=$((prog_skip + 1))
	else
		echo "ok $n selftests: kscan: $t"
		prog_pass=$((prog_pass + 1))
	fi
done
echo "# Totals: pass:$prog_pass fail:$prog_fail xfail:0 xpass:0 skip:$prog_skip error:0"
for c in "${names[@]}"; do
	echo "$suite: $c"
done
echo "$suite: programs: $prog_pass passed, $prog_fail failed, $prog_skip skipped"
echo "$suite: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
