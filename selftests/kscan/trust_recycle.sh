#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# skb recycling only where it is provably safe. A packet tap on the qdisc
# path clones every skb (dev_queue_xmit_nit): a recycled skb rewritten
# while its clone still waits in the tap's queue would show the tap a later
# probe twice and this one never. A queue-mode scan on a dummy device
# (which allows skb sharing) with tcpdump on it must capture exactly its
# 1536 probes, all valid and distinct; and again with two threads.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd tcpdump
[ -x "$KSCAN_PCAP_CHECK" ] || { echo "SKIP: $KSCAN_PCAP_CHECK not built"; exit $ksft_skip; }
kscan_load

setup_ns ns
ip -n "$ns" link add name d0 numtxqueues 2 type dummy
ip -n "$ns" link set d0 up
dir=$(mktemp -d)
defer rm -rf "$dir"

key=00112233445566778899aabbccddeeff
scan_args=(-r 20000 -i d0 -G 02:00:00:00:00:01 -S 198.18.0.1 -s 40000-40999
	-p 22,80,443 -P 2 --key "$key" --seed 4242 -b /dev/null --sw-csum
	--rx none -q --xmit queue 198.18.1.0/24)
check_args=(--key "$key" --saddr 198.18.0.1 --sport 40000-40999 --probes 2
	--ports 22,80,443 --targets 198.18.1.0/24)

tap_scan()
{
	local name=$1
	shift
	captured_scan "$ns" d0 "$ns" "$dir/$name" "${scan_args[@]}" "$@" || return
	"$KSCAN_PCAP_CHECK" "${check_args[@]}" --expect 1536 "$dir/$name.pcap" 2>&1 |
		sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

tap_scan one
log_test $? "queue mode under a packet tap: exactly 1536 valid, distinct SYNs"

tap_scan two -T 2
log_test $? "queue mode under a packet tap, two threads: exactly 1536"

exit $ret
