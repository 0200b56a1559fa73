#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Values that once took the host down or lied, each at its edge, through
# kscanctl and through raw netlink:
#  - -S 0.0.0.0-255.255.255.255 (2^32 sources: the count wrapped to 0 and
#    the generator divided by it, a kernel Oops; --dryrun died of SIGFPE);
#  - RATE 2^64-1 (fed to mul_u64_u64_div_u64(), a #DE after a stall) is
#    refused by the policy; the largest rate survives a 3 s stall;
#  - MAX_PACKETS 2^63 (read as a negative budget: DONE/BUDGET with 0
#    probes sent) means "all of them", as does 2^64-1; below the total it
#    is an exact budget.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
kscan_load

setup_ns ns
idx=$(setup_dummy "$ns")
dir=$(mktemp -d)
defer rm -rf "$dir"

ctl()
{
	ip netns exec "$ns" timeout 60 "$KSCANCTL" "$@"
}

# ---- the whole source space ----------------------------------------------

out=$(ctl start --dryrun -S 0.0.0.0-255.255.255.255 -p 80 -b /dev/null \
	--seed 1 198.18.0.0/30 2>&1)
rc=$?
# every target is probed from its own address: d mod 2^32 = d
[ $rc -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 4 ] &&
	awk '$1 != $3 { bad = 1 } END { exit bad }' <<<"$out"
log_test $? "--dryrun -S 0.0.0.0-255.255.255.255: 4 probes, each from its target's address (rc $rc)"

out=$(ctl start -i d0 -G 02:00:00:00:00:01 -S 0.0.0.0-255.255.255.255 \
	-p 80 -b /dev/null --rx none 198.18.0.0/30 2>&1)
rc=$?
echo "$out" | sed 's/^/# /' | tail -n 4
[ $rc -eq 0 ] && grep -qx 'state: done' <<<"$out" &&
	grep -qx 'sent: 4' <<<"$out"
log_test $? "scan with -S 0.0.0.0-255.255.255.255 on a dummy: done, 4 sent, no Oops"

# raw: the same range straight to the module, with 2 threads
out=$(kscan_nl "$ns" - <<EOF
start IFINDEX=u32:$idx DST_MAC=mac:02:00:00:00:00:01 SADDR_FIRST=ip:0.0.0.0 SADDR_LAST=ip:255.255.255.255 SPORT_FIRST=u16:40000 SPORT_LAST=u16:40999 TARGETS=targets:198.18.0.0/24 PORTS=ranges:1-100 KEY=hex:$KSCAN_TEST_KEY
EOF
)
id=$(field SCAN_ID <<<"$out")
[ -n "$id" ]
log_test $? "START with SADDR 0.0.0.0-255.255.255.255 accepted"

# ---- RATE ------------------------------------------------------------------

read -ra base <<<"$(scan_attrs "$idx")"
out=$(kscan_nl "$ns" start "${base[@]}" RATE=u64:18446744073709551615)
grep -qx "errno=ERANGE extack=integer out of range" <<<"$out" &&
	grep -qx "bad_attr=RATE" <<<"$out" &&
	grep -qx "policy=min:0,max:1000000000" <<<"$out"
log_test $? "RATE 2^64-1: ERANGE from the policy, naming RATE and its range"

out=$(ctl start -i d0 -G 02:00:00:00:00:01 -S 198.18.0.1 -p 80 -b /dev/null \
	--rx none -r 18446744073709551615 198.18.0.0/30 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q -- "--rate: expected a number of packets per second from 0 to 1000000000" <<<"$out"
log_test $? "kscanctl -r 2^64-1: exit 2 naming --rate and its range (rc $rc)"

# The largest rate, a device stalled 3 s (no carrier), then going again.
id=$(kscan_nl "$ns" start "${base[@]}" RATE=u64:1000000000 TX_QUEUES=u16s:0 | field SCAN_ID)
sleep 0.5
ip -n "$ns" link set d0 carrier off
sleep 0.3
before=$(kscan_nl "$ns" get SCAN_ID=u32:"$id" | field SENT)
sleep 3
during=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
ip -n "$ns" link set d0 carrier on
sleep 1
after=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
echo "# sent: $before before the stall, $(field SENT <<<"$during") after 3 s of it, $(field SENT <<<"$after") 1 s later; no-carrier waits $(field NO_CARRIER <<<"$during")"
[ -n "$id" ] && [ "$(field STATE <<<"$after")" = $KSCAN_RUNNING ] &&
	[ "$(field SENT <<<"$during")" -eq "$before" ] &&
	[ "$(field NO_CARRIER <<<"$during")" -gt 0 ] &&
	[ "$(field SENT <<<"$after")" -gt "$before" ]
log_test $? "RATE 10^9 through a 3 s stall: waits without carrier, sends after, no trap"
kscan_nl "$ns" stop SCAN_ID=u32:"$id" >/dev/null

# ---- MAX_PACKETS -------------------------------------------------------------

# budget NAME VALUE: a scan of 198.18.0.0/24 x 4 ports = 1024 probes
budget()
{
	local out id
	id=$(kscan_nl "$ns" start "IFINDEX=u32:$idx" DST_MAC=mac:02:00:00:00:00:01 \
		SADDR_FIRST=ip:198.18.0.1 SPORT_FIRST=u16:40000 SPORT_LAST=u16:40999 \
		TARGETS=targets:198.18.0.0/24 PORTS=ranges:1-4 "KEY=hex:$KSCAN_TEST_KEY" \
		"FLAGS=u32:$KSCAN_F_DETACH" TX_QUEUES=u16s:0 "MAX_PACKETS=u64:$1" | field SCAN_ID)
	[ -n "$id" ] && wait_scan_end "$ns" "$id" 30 || return 1
	out=$(kscan_nl "$ns" get SCAN_ID=u32:"$id")
	echo "$(field STATE <<<"$out") $(field REASON <<<"$out") $(field SENT <<<"$out") $(field TOTAL <<<"$out")"
}

for v in 9223372036854775808 18446744073709551615 1024; do
	got=$(budget "$v")
	[ "$got" = "$KSCAN_DONE $KSCAN_R_COMPLETED 1024 1024" ]
	log_test $? "MAX_PACKETS $v on 1024 probes: all sent, done/completed (got: $got)"
done
for v in 1023 1; do
	got=$(budget "$v")
	[ "$got" = "$KSCAN_DONE $KSCAN_R_BUDGET $v $v" ]
	log_test $? "MAX_PACKETS $v on 1024 probes: exactly $v sent, done/budget (got: $got)"
done

out=$(ctl start -i d0 -G 02:00:00:00:00:01 -S 198.18.0.1 -p 1-4 -b /dev/null \
	--rx none -n 9223372036854775808 198.18.0.0/24 2>&1)
grep -qx 'sent: 1024' <<<"$out" && grep -qx 'reason: completed' <<<"$out"
log_test $? "kscanctl -n 2^63: all 1024 sent, completed"

# Nothing is left running.
[ "$(kscan_threads)" -eq 0 ] || sleep 1
[ "$(kscan_threads)" -eq 0 ]
log_test $? "no generator thread left"

exit $ret
