#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Rate control: a scan at 10 kpps with a budget of 50000 probes takes 5 s
# to within 2%, sends exactly the budget, and ends done/budget; likewise at
# 100 kpps, and a 1 kpps scan split over two threads. A scan that only came
# out slow is measured once more (once_more_if_slow, lib.sh).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
kscan_load

setup_ns ns
idx=$(setup_dummy "$ns")
ip -n "$ns" link set d0 type dummy 2>/dev/null
read -ra attrs <<<"$(scan_attrs "$idx")"

# rate_once PPS BUDGET EXTRA...: one scan; 0 if its duration is BUDGET/PPS
# within 2%, 1 if it missed, 2 if it went faster than PPS or was not exact.
rate_once()
{
	local pps=$1 budget=$2 out id sent secs_x1000 want_x1000
	shift 2
	id=$(kscan_nl "$ns" start "${attrs[@]}" RATE=u64:"$pps" \
		MAX_PACKETS=u64:"$budget" "$@" | field SCAN_ID)
	wait_scan_end "$ns" "$id" $((budget / pps * 3 + 10)) || return 2
	out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	sent=$(field SENT <<<"$out")
	secs_x1000=$((($(field END_NS <<<"$out") - $(field START_NS <<<"$out")) / 1000000))
	want_x1000=$((budget * 1000 / pps))
	echo "# $pps pps x $budget: sent $sent in ${secs_x1000} ms (want ${want_x1000} ms)"
	[ "$sent" -eq "$budget" ] &&
		[ "$(field STATE <<<"$out")" = $KSCAN_DONE ] &&
		[ "$(field REASON <<<"$out")" = $KSCAN_R_BUDGET ] &&
		((secs_x1000 * 100 >= want_x1000 * 98)) || return 2
	((secs_x1000 * 100 <= want_x1000 * 102))
}

once_more_if_slow rate_once 10000 50000
log_test $? "10 kpps for 5 s: exact budget, duration within 2%"

once_more_if_slow rate_once 100000 500000
log_test $? "100 kpps for 5 s: exact budget, duration within 2%"

ip -n "$ns" link del d0
ip -n "$ns" link add name d0 numtxqueues 2 type dummy
ip -n "$ns" link set d0 up
idx=$(ip netns exec "$ns" cat /sys/class/net/d0/ifindex)
read -ra attrs <<<"$(scan_attrs "$idx")"
once_more_if_slow rate_once 1000 3000 TX_QUEUES=u16s:0,1
log_test $? "1 kpps over two threads for 3 s: within 2%"

exit $ret
