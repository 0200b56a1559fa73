#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A scan belongs to the netlink socket that started it, unless detached:
#  - the socket closes (its process exits or is killed): the scan ends at
#    once with reason owner-gone; a detached scan keeps running;
#  - kscanctl killed with SIGKILL: its scan ends within 1 s; the XDP
#    program it left (no cleanup ran) is removed by the next kscanctl on
#    the device, which leaves no kscan program behind when it ends;
#  - SIGHUP (a dropped SSH session) and SIGTERM stop the scan and still
#    write the metadata; a closed output pipe (EPIPE) does the same;
#  - GET and events carry counters, never the key.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 ip
kscan_load

setup_ns ns
idx=$(setup_dummy "$ns")
dir=$(mktemp -d)
defer rm -rf "$dir"
read -ra attrs <<<"$(scan_attrs "$idx")"
owned=()
for a in "${attrs[@]}"; do [[ $a == FLAGS=* ]] || owned+=("$a"); done

# ---- raw netlink: owned and detached --------------------------------------

out=$(printf '%s\n' "start ${owned[*]}" "get SCAN_ID=u32:@last" | kscan_nl "$ns" -)
id=$(field SCAN_ID <<<"$out")
sleep 0.2
out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
[ -n "$id" ] && [ "$(field STATE <<<"$out")" = $KSCAN_ABORTED ] &&
	[ "$(field REASON <<<"$out")" = $KSCAN_R_OWNER_GONE ] &&
	! grep -q '^DETACHED=' <<<"$out"
log_test $? "scan of a socket that closed: aborted, reason owner-gone"

id=$(kscan_nl "$ns" start "${attrs[@]}" | field SCAN_ID)
sleep 0.3
out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
[ -n "$id" ] && [ "$(field STATE <<<"$out")" = $KSCAN_RUNNING ] &&
	grep -q '^DETACHED=' <<<"$out"
log_test $? "detached scan outlives its socket, GET says DETACHED"

# GET and its dump carry no key (KSCAN_A_KEY) and nothing of its bytes.
dump=$(kscan_nl "$ns" get --dump)
! grep -q '^KEY=' <<<"$dump" && ! grep -qi "${KSCAN_TEST_KEY:8:16}" <<<"$dump"
log_test $? "GET shows counters, never the key"
kscan_nl "$ns" stop SCAN_ID=u32:"$id" >/dev/null

# ---- kscanctl and signals ---------------------------------------------------

# A veth pair: AF_XDP attaches kscanctl's XDP program (SKB mode) to it.
ip -n "$ns" link add name ks0 type veth peer name kt0
ip -n "$ns" link set ks0 up
ip -n "$ns" link set kt0 up
kscan_xdp_progs()
{
	# libxdp's dispatcher or the program alone: count "kscan_rx"
	ip netns exec "$ns" xdp-loader status ks0 2>/dev/null | grep -c kscan_rx
}

# run_ctl NAME ARGS...: kscanctl start in the background, $ctl_pid
run_ctl()
{
	local name=$1
	shift
	ip netns exec "$ns" "$KSCANCTL" start -i ks0 -G 02:00:00:00:00:01 \
		-S 198.18.0.1 -p 1-1000 -b /dev/null -c 1 -r 20000 \
		-m "$dir/$name.json" "$@" 198.18.0.0/16 \
		>"$dir/$name.out" 2>"$dir/$name.err" &
	ctl_pid=$!
}

# scan_of NAME: the id kscanctl reported ("scan N started"), waiting for it
scan_of()
{
	local i
	for ((i = 0; i < 100; i++)); do
		id=$(sed -n 's/^kscanctl: scan \([0-9]*\) started.*/\1/p' "$dir/$1.err")
		[ -n "$id" ] && return 0
		sleep 0.1
	done
	return 1
}

run_ctl kill
scan_of kill
sleep 0.5
progs_before=$(kscan_xdp_progs)
# The kernel's clock (CLOCK_MONOTONIC, as END_NS; no suspend in the lab),
# so that the time a tool takes to start is not counted.
t0=$(awk '{ printf "%.0f", $1 * 1e9 }' /proc/uptime)
kill -KILL "$ctl_pid"
wait "$ctl_pid" 2>/dev/null
wait_scan_end "$ns" "$id" 5
out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
end_ns=$(field END_NS <<<"$out")
ended=$(( (${end_ns:-0} - t0) / 1000000 ))
echo "# scan $id ended $ended ms after SIGKILL (uptime clock, 10 ms steps); kscan XDP programs: $progs_before before, $(kscan_xdp_progs) after"
[ "$(field STATE <<<"$out")" = $KSCAN_ABORTED ] && ((ended < 1000)) &&
	[ "$(field REASON <<<"$out")" = $KSCAN_R_OWNER_GONE ] &&
	[ "$(kscan_threads)" -eq 0 ]
log_test $? "SIGKILL of kscanctl: its scan ends within 1 s, reason owner-gone"

# The program stayed (no cleanup ran); the next kscanctl removes it.
[ "$progs_before" -ge 1 ] && [ "$(kscan_xdp_progs)" -ge 1 ]
log_test $? "the killed kscanctl's XDP program is still attached"
ip netns exec "$ns" "$KSCANCTL" start -i ks0 -G 02:00:00:00:00:01 -S 198.18.0.1 \
	-p 80 -b /dev/null -c 0 198.18.0.0/30 >"$dir/next.out" 2>"$dir/next.err"
rc=$?
grep 'removing the XDP program' "$dir/next.err" | sed 's/^/# /'
[ $rc -eq 0 ] && grep -q "removing the XDP program .* of kscanctl pid $ctl_pid, which is gone" "$dir/next.err" &&
	[ "$(kscan_xdp_progs)" -eq 0 ]
log_test $? "next kscanctl removes the stale program; none left after it"

for sig in HUP TERM INT; do
	run_ctl "$sig"
	scan_of "$sig"
	sleep 0.5
	kill -"$sig" "$ctl_pid"
	wait "$ctl_pid"
	rc=$?
	out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	[ $rc -eq 0 ] && [ "$(field REASON <<<"$out")" = $KSCAN_R_STOPPED ] &&
		grep -q '"interrupted": true' "$dir/$sig.json" &&
		[ "$(kscan_xdp_progs)" -eq 0 ]
	log_test $? "SIG$sig: scan stopped, exit 0, metadata written, no XDP program left (rc $rc)"
done

# The reader of the results goes away: EPIPE stops the scan, metadata stays.
ip netns exec "$ns" "$KSCANCTL" start -i ks0 -G 02:00:00:00:00:01 -S 198.18.0.1 \
	-p 1-1000 -b /dev/null -c 1 -r 20000 -m "$dir/pipe.json" 198.18.0.0/16 \
	2>"$dir/pipe.err" | head -c 0
rc=${PIPESTATUS[0]}
id=$(sed -n 's/^kscanctl: scan \([0-9]*\) started.*/\1/p' "$dir/pipe.err")
out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
grep 'EPIPE' "$dir/pipe.err" | sed 's/^/# /'
[ $rc -eq 0 ] && [ "$(field REASON <<<"$out")" = $KSCAN_R_STOPPED ] &&
	grep -q '"interrupted": true' "$dir/pipe.json" &&
	[ "$(kscan_xdp_progs)" -eq 0 ]
log_test $? "output pipe closed: scan stopped, exit 0, metadata written (rc $rc)"

# --detach: kscanctl exits at once, the scan runs on until stopped.
id=$(ip netns exec "$ns" "$KSCANCTL" start -i ks0 -G 02:00:00:00:00:01 \
	-S 198.18.0.1 -p 1-1000 -b /dev/null --detach -q 198.18.0.0/16)
sleep 0.3
state=$(kscan_nl "$ns" get SCAN_ID=u32:"$id" | field STATE)
ip netns exec "$ns" "$KSCANCTL" stop "$id" >/dev/null
[ "$state" = $KSCAN_RUNNING ]
log_test $? "kscanctl --detach: the scan outlives kscanctl"

[ "$(kscan_threads)" -eq 0 ] || sleep 1
[ "$(kscan_threads)" -eq 0 ]
log_test $? "no generator thread left"

exit $ret
