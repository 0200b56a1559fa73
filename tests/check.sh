#!/usr/bin/env bash
# `make check`: every test suite in turn (host unit tests, KUnit on UML,
# DKMS, the lab's self-test, the kselftests in the lab VM). Each suite ends
# its output with "<suite>: N passed, N failed[, N skipped]", names each
# skipped test on a line "<suite>: skipped: <test>" (and may name failures
# as "<suite>: failed: <test>"); this script adds them up and ends with one
# line "N passed, N failed[, N skipped]".
#
# Nothing may pass unseen:
#  - a suite that dies without its summary line, exits non-zero without a
#    failure, or runs no test ("0 passed, 0 failed") is one failure;
#  - a skip is a failure unless tests/skips.allow lists it with its reason
#    (lines "suite: test — reason"), and so is a skip count that the named
#    skips do not add up to. KSCAN_ALLOW_SKIPS=1 turns that off for a
#    local run (a machine without some peer tool); CI (.ci/run) never sets it.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=(
	"unit:make -s unit"
	"tools:make -s tools-test"
	"fuzz:tests/fuzz/run"
	"kunit:tests/kunit/run"
	"dkms:tests/dkms.sh check"
	"lab:tests/vm/selftest"
	"selftests:make -s selftests"
	"capture:tests/vm/capture-test"
	# The debug lab kernel: built once (cached, keyed by its sources and
	# config), its own test, then the torture suites on it.
	"debug-kernel:tests/vm/debug-kernel/build >/dev/null && echo 'debug-kernel: 1 passed, 0 failed'"
	"debug-lab:tests/vm/debug-selftest"
	"torture:make -s torture"
)

allow_file=tests/skips.allow
strict=1
[ "${KSCAN_ALLOW_SKIPS:-0}" = 0 ] || strict=0

# The allowlist: "suite: test name — reason", one skip a line; # comments.
# A line without both a name and a reason is itself a failure: an entry
# that says nothing would excuse anything.
declare -A allowed=()
allow_errors=()
lineno=0
while IFS= read -r l || [ -n "$l" ]; do
	lineno=$((lineno + 1))
	[[ $l =~ ^[[:space:]]*(#|$) ]] && continue
	key=${l%% — *} reason=${l#* — }
	if [[ $l != *" — "* || ! $key =~ ^[a-z]+:\ [^[:space:]] || -z ${reason// /} ]]; then
		allow_errors+=("$allow_file:$lineno: not \"suite: test — reason\": $l")
		continue
	fi
	allowed[$key]=$reason
done < <(cat "$allow_file" 2>/dev/null)

total_pass=0 total_fail=0 total_skip=0
summary=() notes=() seen=()
log_dir=$(mktemp -d /tmp/kscan-check.XXXXXX)
for entry in "${suites[@]}"; do
	name=${entry%%:*}
	cmd=${entry#*:}
	echo "=== $name: $cmd"
	start=$(date +%s)
	bash -c "$cmd" 2>&1 | tee "$log_dir/$name.log"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))
	log=$log_dir/$name.log
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
	s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		notes+=("check: FAIL: $name exited $rc without a clean summary")
		f=$((f + 1))
	elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		notes+=("check: FAIL: $name ran no test (0 passed, 0 failed)")
		f=$((f + 1))
	fi
	while IFS= read -r t; do
		notes+=("check: failed: $name: $t")
	done < <(sed -n "s/^$name: failed: //p" "$log")

	mapfile -t skips < <(sed -n "s/^$name: skipped: //p" "$log")
	if [ "${#skips[@]}" -ne "$s" ]; then
		notes+=("check: FAIL: $name counts $s skipped but names ${#skips[@]}")
		f=$((f + 1))
	fi
	for t in "${skips[@]}"; do
		seen+=("$name: $t")
		if [ -n "${allowed["$name: $t"]+set}" ]; then
			notes+=("check: skipped (allowed): $name: $t — ${allowed["$name: $t"]}")
		elif [ "$strict" -eq 1 ]; then
			notes+=("check: FAIL: skipped, not in $allow_file: $name: $t")
			s=$((s - 1)) f=$((f + 1))
		else
			notes+=("check: skipped (KSCAN_ALLOW_SKIPS): $name: $t")
		fi
	done
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	summary+=("$(printf '%-10s %4d passed %3d failed %3d skipped %5ds' "$name" "$p" "$f" "$s" "$secs")")
done

for e in "${allow_errors[@]}"; do
	notes+=("check: FAIL: $e")
	total_fail=$((total_fail + 1))
done
# An entry nothing matched is worth knowing about (the skip may have been
# fixed), but is no failure: some skips happen only on some machines.
for key in "${!allowed[@]}"; do
	printf '%s\n' "${seen[@]}" | grep -qxF -- "$key" ||
		notes+=("check: note: $allow_file lists \"$key\", which did not skip")
done

echo "=== summary (logs in $log_dir)"
printf '%s\n' "${summary[@]}"
[ ${#notes[@]} -eq 0 ] || printf '%s\n' "${notes[@]}"
line="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && line+=", $total_skip skipped"
echo "$line"
[ "$total_fail" -eq 0 ]
