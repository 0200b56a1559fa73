#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Rate control: a scan at 10 kpps with a budget of 50000 probes takes 5 s
# to within 2%, sends exactly the budget, and ends done/budget; likewise at
# 100 kpps, and a 1 kpps scan split over two threads.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
kscan_load

setup_ns ns
idx=$(setup_dummy "$ns")
ip -n "$ns" link set d0 type dummy 2>/dev/null
read -ra attrs <<<"$(scan_attrs "$idx")"

# check_rate PPS BUDGET EXTRA...: run, then compare duration with BUDGET/PPS.
check_rate()
{
	local pps=$1 budget=$2 out id sent secs_x1000 want_x1000
	shift 2
	id=$(kscan_nl "$ns" start "${attrs[@]}" RATE=u64:"$pps" \
		MAX_PACKETS=u64:"$budget" "$@" | field SCAN_ID)
	wait_scan_end "$ns" "$id" $((budget / pps * 3 + 10)) || return 1
	out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	sent=$(field SENT <<<"$out")
	secs_x1000=$((($(field END_NS <<<"$out") - $(field START_NS <<<"$out")) / 1000000))
	want_x1000=$((budget * 1000 / pps))
	echo "# $pps pps x $budget: sent $sent in ${secs_x1000} ms (want ${want_x1000} ms)"
	[ "$sent" -eq "$budget" ] &&
		[ "$(field STATE <<<"$out")" = $KSCAN_DONE ] &&
		[ "$(field REASON <<<"$out")" = $KSCAN_R_BUDGET ] &&
		((secs_x1000 * 100 >= want_x1000 * 98 && secs_x1000 * 100 <= want_x1000 * 102))
}

check_rate 10000 50000
log_test $? "10 kpps for 5 s: exact budget, duration within 2%"

check_rate 100000 500000
log_test $? "100 kpps for 5 s: exact budget, duration within 2%"

ip -n "$ns" link del d0
ip -n "$ns" link add name d0 numtxqueues 2 type dummy
ip -n "$ns" link set d0 up
idx=$(ip netns exec "$ns" cat /sys/class/net/d0/ifindex)
read -ra attrs <<<"$(scan_attrs "$idx")"
check_rate 1000 3000 TX_QUEUES=u16s:0,1
log_test $? "1 kpps over two threads for 3 s: within 2%"

exit $ret
