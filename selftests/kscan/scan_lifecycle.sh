#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every way a scan can end, and the limits around starting one: STOP (x100),
# device deleted, device down, netns deleted, rmmod with scans running,
# KSCAN_MAX_SCANS_PER_NETNS concurrent scans, and a caller without
# CAP_NET_ADMIN. Each must leave no thread behind (the lab fails the run on
# any Oops, WARN or hung task).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 setpriv
kscan_load

setup_ns ns1 ns2
idx=$(setup_dummy "$ns1")
idx2=$(setup_dummy "$ns2")
read -ra attrs <<<"$(scan_attrs "$idx")"

TMPDIR_EVENTS=$(mktemp)
defer rm -f "$TMPDIR_EVENTS"

# 100 start/stop cycles through one netlink socket.
out=$(for i in $(seq 100); do
	echo "start ${attrs[*]}"
	echo "stop SCAN_ID=u32:@last"
done | kscan_nl "$ns1" -)
ids=$(sed -n 's/^SCAN_ID=//p' <<<"$out" | sort -un)
started=$(wc -w <<<"$ids")
[ "$started" -eq 100 ] && ! grep -q errno= <<<"$out"
log_test $? "100 scans started and stopped ($started started)"

# Up to 16 ended scans stay listed; the last 16 were stopped by us.
dump=$(kscan_nl "$ns1" get --dump)
[ "$(grep -c "^REASON=$KSCAN_R_STOPPED" <<<"$dump")" -eq 16 ] &&
	[ "$(grep -c "^STATE=$KSCAN_ABORTED" <<<"$dump")" -eq 16 ]
log_test $? "ended scans listed with state aborted, reason stopped"

[ "$(kscan_threads)" -eq 0 ]
log_test $? "no generator thread left after STOP"

out=$(kscan_nl "$ns1" stop SCAN_ID=u32:"$(tail -n 1 <<<"$ids")")
grep -q "errno=EALREADY extack=KSCAN_A_SCAN_ID: scan has already ended" <<<"$out"
log_test $? "STOP of an ended scan: EALREADY, extack"

out=$(kscan_nl "$ns2" stop SCAN_ID=u32:"$(tail -n 1 <<<"$ids")")
grep -q "errno=ENOENT extack=KSCAN_A_SCAN_ID: no such scan in this netns" <<<"$out"
log_test $? "scans of another netns are invisible: ENOENT"

# Device deleted mid-scan: aborted, device gone, event sent.
id=$(kscan_nl "$ns1" start "${attrs[@]}" | field SCAN_ID)
listen_events "$ns1" 5 "$TMPDIR_EVENTS"
ip -n "$ns1" link del d0
wait "$_listen_pid"
out=$(kscan_nl "$ns1" get SCAN_ID=u32:"$id")
[ "$(field STATE <<<"$out")" = $KSCAN_ABORTED ] &&
	[ "$(field REASON <<<"$out")" = $KSCAN_R_DEVICE_GONE ] &&
	grep -q "^SCAN_ID=$id$" "$TMPDIR_EVENTS" &&
	grep -q "^REASON=$KSCAN_R_DEVICE_GONE$" "$TMPDIR_EVENTS"
log_test $? "device deleted mid-scan: aborted, reason device gone, event"

# Device down mid-scan.
idx=$(setup_dummy "$ns1" d1)
read -ra attrs <<<"$(scan_attrs "$idx")"
id=$(kscan_nl "$ns1" start "${attrs[@]}" | field SCAN_ID)
sleep 0.5
ip -n "$ns1" link set d1 down
out=$(kscan_nl "$ns1" get SCAN_ID=u32:"$id")
[ "$(field STATE <<<"$out")" = $KSCAN_ABORTED ] &&
	[ "$(field REASON <<<"$out")" = $KSCAN_R_DEVICE_DOWN ] &&
	[ "$(field SENT <<<"$out")" -gt 0 ]
log_test $? "device down mid-scan: aborted, reason device down"

out=$(kscan_nl "$ns1" start "${attrs[@]}")
grep -q "errno=ENETDOWN extack=KSCAN_A_IFINDEX: device is down" <<<"$out"
log_test $? "START on a down device: ENETDOWN, extack"
ip -n "$ns1" link set d1 up

# KSCAN_MAX_SCANS_PER_NETNS running at once; the next is refused.
read -ra slow <<<"$(scan_attrs "$idx") RATE=u64:1000"
out=$(for i in $(seq 17); do echo "start ${slow[*]}"; done | kscan_nl "$ns1" -)
[ "$(grep -c '^SCAN_ID=' <<<"$out")" -eq 16 ] &&
	grep -q "errno=EBUSY extack=too many running scans in this netns" <<<"$out" &&
	[ "$(kscan_threads)" -eq 16 ]
log_test $? "16 concurrent scans run, the 17th gets EBUSY"

# Another netns has its own budget of scans.
read -ra attrs2 <<<"$(scan_attrs "$idx2")"
id2=$(kscan_nl "$ns2" start "${attrs2[@]}" | field SCAN_ID)
[ -n "$id2" ]
log_test $? "a second netns starts its own scan meanwhile"

# No CAP_NET_ADMIN: START and STOP refused, GET allowed. nobody runs a
# copy of the client (and of the header it reads) that it can read.
shared_copy shared "$KSCAN_NL" "$(dirname "$KSCAN_NL")/../../include/uapi/linux/kscan.h"
unpriv()
{
	ip netns exec "$ns1" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all -- \
		python3 -S "$shared$KSCAN_NL" "$@"
}
out=$(unpriv start "${slow[@]}")
grep -q "errno=EPERM" <<<"$out"
log_test $? "START without CAP_NET_ADMIN: EPERM"
out=$(unpriv stop SCAN_ID=u32:"$id2")
grep -q "errno=EPERM" <<<"$out"
log_test $? "STOP without CAP_NET_ADMIN: EPERM"
out=$(unpriv get --dump)
[ "$(grep -c "^STATE=$KSCAN_RUNNING" <<<"$out")" -eq 16 ]
log_test $? "GET without CAP_NET_ADMIN lists the 16 running scans"

# Netns deleted with 16 scans running in it: all end, no thread stays.
ip netns del "$ns1"
for ((i = 0; i < 100 && $(kscan_threads) > 1; i++)); do sleep 0.1; done
[ "$(kscan_threads)" -eq 1 ]
log_test $? "netns deleted mid-scan: its 16 threads are gone"

# rmmod with a scan running (in ns2): the event says module unload.
listen_events "$ns2" 8 "$TMPDIR_EVENTS"
kscan_unload
rc=$?
wait "$_listen_pid"
[ $rc -eq 0 ] && [ "$(kscan_threads)" -eq 0 ] &&
	grep -q "^SCAN_ID=$id2$" "$TMPDIR_EVENTS" &&
	grep -q "^REASON=$KSCAN_R_MODULE_UNLOAD$" "$TMPDIR_EVENTS"
log_test $? "rmmod mid-scan: unloads, threads joined, event module unload"
kscan_load

exit $ret
