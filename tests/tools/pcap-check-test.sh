#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of kscan-pcap-check and `kscanctl start --dryrun` against an
# independent frame writer (dryrun2pcap.py): a clean capture passes with the
# exact count, every injected fault fails with the right counter, and two
# shards are disjoint and together exactly the scan. No traffic is sent.
#
# Usage: pcap-check-test.sh KSCANCTL KSCAN-PCAP-CHECK
set -uo pipefail

kscanctl=${1:?kscanctl}
check=${2:?kscan-pcap-check}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

key=000102030405060708090a0b0c0d0e0f
scan=(-S 198.18.0.1-198.18.0.2 -s 40000-40099 -p 80,443 -P 2 --seed 7
      --key "$key" -b /dev/null 198.18.1.0/28 198.18.2.5)
params=(--key "$key" --saddr 198.18.0.1-198.18.0.2 --sport 40000-40099
	--ports 80,443 --probes 2 --targets 198.18.1.0/28,198.18.2.5)
# 17 addresses x 2 ports x 2 probes
total=68
failed=0 npass=0 nfail=0

ok() { printf 'TEST: %-60s [ OK ]\n' "$1"; npass=$((npass + 1)); }
fail() { printf 'TEST: %-60s [FAIL]\n' "$1"; failed=1; nfail=$((nfail + 1)); }

# expect_check NAME RC FIELD VALUE -- checker args...
expect_check() {
	local name=$1 want_rc=$2 field=$3 value=$4 out rc
	shift 5
	out=$("$check" "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -qx "$field: $value" <<<"$out"; then
		ok "$name"
	else
		fail "$name"
		printf '%s\n(exit %d, wanted %d and "%s: %s")\n' "$out" "$rc" \
			"$want_rc" "$field" "$value"
	fi
}

"$kscanctl" start --dryrun "${scan[@]}" >"$tmp/all.txt" || exit 1
[ "$(wc -l <"$tmp/all.txt")" -eq $total ] && ok "dryrun prints $total probes" ||
	fail "dryrun prints $total probes"
[ "$(cut -d' ' -f3,4,6 "$tmp/all.txt" | sort -u | wc -l)" -eq $total ] &&
	ok "dryrun probes are distinct (daddr, dport, probe)" ||
	fail "dryrun probes are distinct (daddr, dport, probe)"

"$here/dryrun2pcap.py" "$tmp/all.pcap" <"$tmp/all.txt"
expect_check "clean capture passes with --expect" 0 result PASS -- \
	"${params[@]}" --expect $total "$tmp/all.pcap"
expect_check "wrong --expect fails" 1 result FAIL -- \
	"${params[@]}" --expect $((total + 1)) "$tmp/all.pcap"
expect_check "wrong key: every cookie bad" 1 bad-cookie $total -- \
	"${params[@]/$key/ffffffffffffffffffffffffffffffff}" "$tmp/all.pcap"
expect_check "one port fewer: outside the target set" 1 outside-targets 34 -- \
	"${params[@]/80,443/443}" "$tmp/all.pcap"

"$here/dryrun2pcap.py" --big-endian --nanosecond "$tmp/be.pcap" <"$tmp/all.txt"
expect_check "big-endian, nanosecond pcap reads the same" 0 valid $total -- \
	"${params[@]}" "$tmp/be.pcap"

for fault in bad-ip-csum bad-tcp-csum partial-csum; do
	"$here/dryrun2pcap.py" --$fault 5 "$tmp/f.pcap" <"$tmp/all.txt"
	expect_check "$fault is caught" 1 bad-checksum 1 -- \
		"${params[@]}" "$tmp/f.pcap"
done
"$here/dryrun2pcap.py" --bad-seq 3 "$tmp/f.pcap" <"$tmp/all.txt"
expect_check "a wrong sequence number is a bad cookie" 1 bad-cookie 1 -- \
	"${params[@]}" "$tmp/f.pcap"
"$here/dryrun2pcap.py" --duplicate 9 "$tmp/f.pcap" <"$tmp/all.txt"
expect_check "a repeated probe is a duplicate" 1 duplicates 1 -- \
	"${params[@]}" "$tmp/f.pcap"
"$here/dryrun2pcap.py" --non-syn 2 "$tmp/f.pcap" <"$tmp/all.txt"
expect_check "a SYN-ACK is not counted as a probe" 0 other-packets 1 -- \
	"${params[@]}" --expect $((total - 1)) "$tmp/f.pcap"

# Two shards: disjoint, and their union is the whole scan.
for s in 0 1; do
	"$kscanctl" start --dryrun "${scan[@]}" --shards 2 --shard $s \
		>"$tmp/s$s.txt" || exit 1
	"$here/dryrun2pcap.py" "$tmp/s$s.pcap" <"$tmp/s$s.txt"
done
expect_check "shard 0 alone has half the probes" 0 total $((total / 2)) -- \
	"${params[@]}" "$tmp/s0.pcap"
expect_check "shards 0 and 1 together are exactly the scan" 0 distinct $total -- \
	"${params[@]}" --union --expect $total "$tmp/s0.pcap" "$tmp/s1.pcap"
expect_check "a shard twice is caught as duplicates" 1 duplicates $((total / 2)) -- \
	"${params[@]}" --union "$tmp/s0.pcap" "$tmp/s0.pcap"
[ "$(sort "$tmp/s0.txt" "$tmp/s1.txt")" = "$(sort "$tmp/all.txt")" ] &&
	ok "shard lines are exactly the unsharded lines" ||
	fail "shard lines are exactly the unsharded lines"

# The budget takes the first positions of the shard.
"$kscanctl" start --dryrun "${scan[@]}" -n 10 >"$tmp/n.txt"
[ "$("$kscanctl" start --dryrun "${scan[@]}" | head -n 10)" = "$(cat "$tmp/n.txt")" ] &&
	ok "--max-targets 10 prints the first 10 probes" ||
	fail "--max-targets 10 prints the first 10 probes"

echo "tools: $npass passed, $nfail failed"
exit $failed
