#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Exactly right probes: kscanctl start --engine=kmod scans 198.18.1.0/24 x
# 3 ports x 2 probes over a veth into a target netns that captures them.
# The capture must hold exactly 1536 SYNs, all distinct (ip, port, probe),
# every checksum and cookie valid, none outside the target set; for each
# xmit mode, for two threads, and for two shards (union exact, no overlap).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd tcpdump
[ -x "$KSCAN_PCAP_CHECK" ] || { echo "SKIP: $KSCAN_PCAP_CHECK not built"; exit $ksft_skip; }
kscan_load

setup_ns scan tgt
tgt_mac=$(veth_pair "$scan" "$tgt") || { echo "no veth pair"; exit $ksft_fail; }
dir=$(mktemp -d)
defer rm -rf "$dir"

key=00112233445566778899aabbccddeeff
# 20 kpps: what is checked here is which probes are sent; at full speed
# two threads can overrun the veth peer's backlog in the target netns.
scan_args=(--engine=kmod -r 20000 -i ks0 -G "$tgt_mac" -S 198.18.0.1 -s 40000-40999 -p 22,80,443
	-P 2 --key "$key" --seed 12345 -b /dev/null --sw-csum --rx none -q
	198.18.1.0/24)
check_args=(--key "$key" --saddr 198.18.0.1 --sport 40000-40999 --probes 2
	--ports 22,80,443 --targets 198.18.1.0/24)

# run_capture NAME KSCANCTL-ARGS...: one scan, captured in $dir/NAME.pcap.
run_capture()
{
	local name=$1
	shift
	captured_scan "$tgt" kt0 "$scan" "$dir/$name" "${scan_args[@]}" "$@"
}

# check NAME EXPECT FILES...: the checker's verdict, its counts shown.
check()
{
	local expect=$1
	shift
	"$KSCAN_PCAP_CHECK" "${check_args[@]}" --expect "$expect" "$@" 2>&1 |
		sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

for mode in burst direct queue; do
	run_capture "$mode" --xmit "$mode" && check 1536 "$dir/$mode.pcap"
	log_test $? "xmit $mode: exactly 1536 valid, distinct SYNs"
done

run_capture threads -T 2 && check 1536 "$dir/threads.pcap"
log_test $? "two generator threads: exactly 1536 valid, distinct SYNs"

run_capture shard0 --shards 2 --shard 0 && check 768 "$dir/shard0.pcap" &&
	run_capture shard1 --shards 2 --shard 1 && check 768 "$dir/shard1.pcap" &&
	check 1536 --union "$dir/shard0.pcap" "$dir/shard1.pcap"
log_test $? "two shards: 768 each, union exactly the 1536, no overlap"

# The checker is not fooled: the same shard twice shows duplicates.
! check 1536 --union "$dir/shard0.pcap" "$dir/shard0.pcap" >/dev/null
log_test $? "checker rejects a doubled shard"

exit $ret
