#!/usr/bin/env bash
# `make check`: every test suite in turn (host unit tests, KUnit on UML,
# DKMS, the lab's self-test, the kselftests in the lab VM). Each suite ends
# its output with "<suite>: N passed, N failed[, N skipped]"; this script
# adds them up and ends with one line "N passed, N failed[, N skipped]".
# A suite that dies without its summary line counts as one failure.
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
)

total_pass=0 total_fail=0 total_skip=0
summary=()
log_dir=$(mktemp -d /tmp/kscan-check.XXXXXX)
for entry in "${suites[@]}"; do
	name=${entry%%:*}
	cmd=${entry#*:}
	echo "=== $name: $cmd"
	start=$(date +%s)
	bash -c "$cmd" 2>&1 | tee "$log_dir/$name.log"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))
	line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log_dir/$name.log" | tail -n 1)
	p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
	s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
		echo "check: $name exited $rc without a clean summary"
		f=$((f + 1))
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	summary+=("$(printf '%-10s %4d passed %3d failed %3d skipped %5ds' "$name" "$p" "$f" "$s" "$secs")")
done

echo "=== summary (logs in $log_dir)"
printf '%s\n' "${summary[@]}"
line="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && line+=", $total_skip skipped"
echo "$line"
[ "$total_fail" -eq 0 ]
