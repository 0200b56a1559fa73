#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What can change under a running scan is re-checked where it is used:
#  - `ethtool -L` to 1 queue under 4 threads (veth; netdevsim where the
#    kernel has it): the scan ends at once with reason queue-gone, its
#    threads joined;
#  - carrier off: threads wait (NO_CARRIER counts) and send nothing, in
#    every xmit mode; through the qdisc path the noop qdisc's NET_XMIT_CN
#    is not "sent"; with carrier back the scan sends every probe exactly;
#  - a qdisc that drops everything (pfifo limit 0): drops are errors, never
#    sent, and 1000 in a row for 5 s (KSCAN_XMIT_ERROR_RUN, _SECS) end the
#    scan with reason error;
#  - START racing `ip link set down`: never a scan left running on a down
#    device (START binds the device under RTNL).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 ethtool tc
kscan_load

setup_ns ns
dir=$(mktemp -d)
defer rm -rf "$dir"

# ---- ethtool -L under 4 threads ---------------------------------------------

# shrink_queues DEV: a scan of 4 threads on queues 0-3 of DEV (in $ns),
# then `ethtool -L` to one queue: the scan must end at once, queue-gone.
# "At once" is 2 s: the end is recorded once the last thread has stopped
# and the scan's end work has run, and on the debug kernel under TCG, with
# 4 threads sending at full speed on 2 virtual CPUs, that took 1.3 s once.
shrink_queues()
{
	local dev=$1 id out threads t0 end_ns
	shift
	idx=$(ip netns exec "$ns" cat /sys/class/net/$dev/ifindex)
	read -ra attrs <<<"$(scan_attrs "$idx")"
	id=$(kscan_nl "$ns" start "${attrs[@]}" TX_QUEUES=u16s:0,1,2,3 | field SCAN_ID)
	sleep 0.5
	threads=$(kscan_threads)
	ip netns exec "$ns" ethtool -L "$dev" "$@"
	# From ethtool's return (the kernel's clock, as END_NS): the threads
	# may end before it, while the driver still reconfigures.
	t0=$(awk '{ printf "%.0f", $1 * 1e9 }' /proc/uptime)
	wait_scan_end "$ns" "$id" 5
	out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	end_ns=$(field END_NS <<<"$out")
	echo "# $dev: $threads threads; ended $(( (${end_ns:-0} - t0) / 1000000 )) ms after ethtool -L returned; sent $(field SENT <<<"$out")"
	[ -n "$id" ] && [ "$threads" -eq 4 ] &&
		[ "$(field STATE <<<"$out")" = $KSCAN_ABORTED ] &&
		[ "$(field REASON <<<"$out")" = $KSCAN_R_QUEUE_GONE ] &&
		(( (end_ns - t0) / 1000000 < 2000 )) && [ "$(kscan_threads)" -eq 0 ]
}

# veth: ethtool -L sets its real queue counts (fresh skbs, no recycling)
ip -n "$ns" link add name ks0 numtxqueues 4 numrxqueues 4 type veth \
	peer name kt0 numtxqueues 4 numrxqueues 4
ip -n "$ns" link set ks0 up
ip -n "$ns" link set kt0 up
shrink_queues ks0 tx 1 rx 1
log_test $? "veth: ethtool -L 4 -> 1 under 4 threads: aborted, queue-gone, within 2 s"

# A queue the device has no more is refused at START, by kscanctl first.
out=$(kscan_nl "$ns" start "${attrs[@]}" TX_QUEUES=u16s:1)
grep -q "errno=EINVAL extack=KSCAN_A_TX_QUEUES: queue index beyond the device's TX queues" <<<"$out"
log_test $? "START on a queue ethtool -L removed: EINVAL"
out=$(ip netns exec "$ns" "$KSCANCTL" start -i ks0 -G 02:00:00:00:00:01 \
	-S 198.18.0.1 -p 80 -b /dev/null --rx none -T 2 198.18.0.0/30 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q -- "--sender-threads: ks0 has 1 TX queue (0-0), so there is no queue 1" <<<"$out"
log_test $? "kscanctl -T 2 on a 1-queue device: exit 2 naming -T (rc $rc)"
ip -n "$ns" link del ks0

# netdevsim (a driver with real channels): the same. The debug lab kernel
# has it built in; for Debian's, which lacks it, netdevsim_build.sh builds
# one on the host (KSCAN_NETDEVSIM_KO).
netdevsim_load()
{
	[ -d /sys/bus/netdevsim ] && return 0
	modprobe -q netdevsim 2>/dev/null && return 0
	[ -n "${KSCAN_NETDEVSIM_KO:-}" ] && insmod "$KSCAN_NETDEVSIM_KO" &&
		defer rmmod netdevsim
}
if netdevsim_load && [ -w /sys/bus/netdevsim/new_device ]; then
	nsim_id=$((RANDOM % 1000 + 1000))
	echo "$nsim_id 1 4" >/sys/bus/netdevsim/new_device
	defer sh -c "echo $nsim_id >/sys/bus/netdevsim/del_device"
	for ((i = 0; i < 50; i++)); do
		nsim=$(ls /sys/bus/netdevsim/devices/netdevsim$nsim_id/net/ 2>/dev/null | head -n 1)
		[ -n "$nsim" ] && break
		sleep 0.1
	done
	ip link set "$nsim" netns "$ns"
	ip -n "$ns" link set "$nsim" name sim0 up
	ip netns exec "$ns" ethtool -L sim0 combined 4
	shrink_queues sim0 combined 1
	log_test $? "netdevsim: ethtool -L 4 -> 1 under 4 threads: aborted, queue-gone, within 2 s"
else
	log_test $ksft_skip "netdevsim: ethtool -L under a scan (no netdevsim in this kernel; set KSCAN_NETDEVSIM_KO, see netdevsim_build.sh)"
fi

# ---- carrier off: wait, never "sent" -----------------------------------------

ip -n "$ns" link add name d0 numtxqueues 2 type dummy
ip -n "$ns" link set d0 up
idx=$(ip netns exec "$ns" cat /sys/class/net/d0/ifindex)
tgt="TARGETS=targets:198.18.0.0/22 PORTS=ranges:1-4"	# 4096 probes

for mode in 0 1 2; do
	name=$(sed -n "$((mode + 1))p" <<<$'burst\ndirect\nqueue')
	ip -n "$ns" link set d0 carrier off
	id=$(kscan_nl "$ns" start "IFINDEX=u32:$idx" DST_MAC=mac:02:00:00:00:00:01 \
		SADDR_FIRST=ip:198.18.0.1 SPORT_FIRST=u16:40000 SPORT_LAST=u16:40999 \
		$tgt "KEY=hex:$KSCAN_TEST_KEY" "FLAGS=u32:$KSCAN_F_DETACH" \
		XMIT_MODE=u32:$mode RATE=u64:20000 | field SCAN_ID)
	sleep 1
	off=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	ip -n "$ns" link set d0 carrier on
	wait_scan_end "$ns" "$id" 30
	end=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	echo "# $name: without carrier sent $(field SENT <<<"$off"), waited $(field NO_CARRIER <<<"$off") times; then sent $(field SENT <<<"$end") of $(field TOTAL <<<"$end"), errors $(field ERRORS <<<"$end")"
	[ -n "$id" ] && [ "$(field SENT <<<"$off")" -eq 0 ] &&
		[ "$(field NO_CARRIER <<<"$off")" -gt 0 ] &&
		[ "$(field STATE <<<"$end")" = $KSCAN_DONE ] &&
		[ "$(field SENT <<<"$end")" -eq 4096 ]
	log_test $? "xmit $name: no carrier -> waits, 0 sent; carrier back -> all 4096 sent"
done

# ---- a qdisc that drops everything: errors, then the scan ends ---------------

tc -n "$ns" qdisc replace dev d0 root pfifo limit 0
id=$(kscan_nl "$ns" start "IFINDEX=u32:$idx" DST_MAC=mac:02:00:00:00:00:01 \
	SADDR_FIRST=ip:198.18.0.1 SPORT_FIRST=u16:40000 SPORT_LAST=u16:40999 \
	$tgt "KEY=hex:$KSCAN_TEST_KEY" "FLAGS=u32:$KSCAN_F_DETACH" \
	XMIT_MODE=u32:2 | field SCAN_ID)
wait_scan_end "$ns" "$id" 30
out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
ms=$(( ($(field END_NS <<<"$out") - $(field START_NS <<<"$out")) / 1000000 ))
echo "# pfifo limit 0: sent $(field SENT <<<"$out"), errors $(field ERRORS <<<"$out"), state $(field STATE <<<"$out") reason $(field REASON <<<"$out") after $ms ms"
[ -n "$id" ] && [ "$(field SENT <<<"$out")" -eq 0 ] &&
	[ "$(field ERRORS <<<"$out")" -ge 1000 ] && [ "$ms" -ge 5000 ] &&
	[ "$(field STATE <<<"$out")" = $KSCAN_ABORTED ] &&
	[ "$(field REASON <<<"$out")" = $KSCAN_R_ERROR ]
log_test $? "qdisc drops every probe: 0 sent, >= 1000 errors over >= 5 s, aborted/error"
tc -n "$ns" qdisc del dev d0 root

# ---- START racing link down ---------------------------------------------------

# 20 rounds: a START (kscanctl --detach: a C program starts fast) and an
# `ip link set down` at the same moment. Either START fails (the device is
# down) or the scan ends with device-down; none may run on a down device.
left=0 started=0
for round in $(seq 20); do
	ip -n "$ns" link set d0 up
	ip netns exec "$ns" timeout 30 "$KSCANCTL" start -i d0 -G 02:00:00:00:00:01 \
		-S 198.18.0.1 -p 1-1000 -b /dev/null --detach -q 198.18.0.0/15 \
		>>"$dir/race.ids" 2>/dev/null &
	timeout 30 ip -n "$ns" link set d0 down || echo "# round $round: ip link set down did not return"
	wait $!
	if [ $? -eq 124 ]; then
		# a hang here is a kernel bug: show the blocked tasks
		echo "# round $round: START did not return"
		echo w >/proc/sysrq-trigger
	fi
	running=$(ip netns exec "$ns" timeout 30 "$KSCANCTL" status | grep -c ' running ')
	left=$((left + running))
	[ "$running" -eq 0 ] || echo "# round $round: $running scan(s) running on a down device"
done
started=$(grep -c . "$dir/race.ids")
echo "# $started of 20 STARTs won the race (then ended device-down), the rest were refused"
[ "$left" -eq 0 ] && [ "$(kscan_threads)" -eq 0 ]
log_test $? "20 STARTs racing link down: none left running"

exit $ret
