#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# START and STOP need CAP_NET_ADMIN in the initial user namespace
# (GENL_ADMIN_PERM, as pktgen needs root): a user namespace of one's own,
# where `unshare -Urn` grants CAP_NET_ADMIN over a fresh netns, must not
# reach the module's kernel threads. GET_INFO and GET stay open, and a
# CPU outside the caller's affinity is refused.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 unshare taskset
kscan_load

# What the user-namespace side runs, where it can read it (a checkout may
# sit in a private directory): kscan_nl.py finds the uapi header at
# ../../include from itself.
tmp=$(mktemp -d /tmp/kscan-priv.XXXXXX)
defer rm -rf "$tmp"
mkdir -p "$tmp/include/uapi/linux" "$tmp/selftests/kscan"
cp "$KSCAN_ROOT/include/uapi/linux/kscan.h" "$tmp/include/uapi/linux/"
cp "$KSCAN_NL" "$tmp/selftests/kscan/"
chmod -R a+rX "$tmp"
NL=$tmp/selftests/kscan/kscan_nl.py

# In a user namespace of its own (uid 0 there, CAP_NET_ADMIN over its own
# netns), with a dummy device it may create: START and STOP refused.
userns()
{
	unshare -Urn sh -c '
		ip link set lo up && ip link add d0 type dummy && ip link set d0 up || exit 97
		# /sys shows the netns it was mounted in, not this one
		idx=$(ip -o link show d0 | cut -d: -f1)
		python3 -S "$0" start IFINDEX=u32:$idx DST_MAC=mac:02:00:00:00:00:01 \
			SADDR_FIRST=ip:198.18.0.1 SPORT_FIRST=u16:40000 \
			SPORT_LAST=u16:40999 TARGETS=targets:198.18.0.0/30 \
			PORTS=ranges:80 KEY=hex:000102030405060708090a0b0c0d0e0f
		echo "--"
		python3 -S "$0" stop SCAN_ID=u32:1
		echo "--"
		python3 -S "$0" get_info
		echo "--"
		python3 -S "$0" get --dump && echo "dump ok"
	' "$NL"
}

out=$(userns 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -eq 97 ] || grep -q "unshare failed" <<<"$out"; then
	# The lab must allow user namespaces (its root is not a chroot).
	log_test 1 "a user namespace could be created for the test"
else
	start=$(sed -n '1,/^--$/p' <<<"$out")
	stop=$(sed -n '/^--$/,$p' <<<"$out" | sed -n '2,/^--$/p')
	grep -q "^errno=EPERM" <<<"$start" && ! grep -q '^SCAN_ID=' <<<"$start"
	log_test $? "START from unshare -Urn (CAP_NET_ADMIN in its own userns): EPERM"
	grep -q "^errno=EPERM" <<<"$stop"
	log_test $? "STOP from unshare -Urn: EPERM"
	grep -q "^INFO_MODULE_VERSION=" <<<"$out" && grep -q "^dump ok" <<<"$out"
	log_test $? "GET_INFO and GET from unshare -Urn: allowed"
fi
[ "$(kscan_threads)" -eq 0 ]
log_test $? "no generator thread was started"

# A CPU the caller may not run on: refused, by kscanctl first.
setup_ns ns
idx=$(setup_dummy "$ns")
if [ "$(nproc --all)" -ge 2 ]; then
	out=$(ip netns exec "$ns" taskset -c 0 "$KSCANCTL" start -i d0 \
		-G 02:00:00:00:00:01 -S 198.18.0.1 -p 80 -b /dev/null --rx none \
		--cpus 1 198.18.0.0/30 2>&1)
	rc=$?
	[ $rc -eq 2 ] && grep -q -- "--cpus: CPU 1 is not online or not one this process may run on" <<<"$out"
	log_test $? "kscanctl --cpus outside its affinity: exit 2 naming --cpus (rc $rc)"
	read -ra attrs <<<"$(scan_attrs "$idx")"
	out=$(ip netns exec "$ns" taskset -c 0 python3 -S "$KSCAN_NL" start "${attrs[@]}" TX_CPUS=u32s:1)
	grep -qx "errno=EPERM extack=KSCAN_A_TX_CPUS: CPU is not allowed for the caller (affinity, cpuset)" <<<"$out"
	log_test $? "START with TX_CPUS outside the caller's affinity: EPERM"
	# Not pinned: the threads go to CPUs the caller may use.
	id=$(ip netns exec "$ns" taskset -c 1 python3 -S "$KSCAN_NL" start "${attrs[@]}" \
		TX_QUEUES=u16s:0 | field SCAN_ID)
	cpu=$(kscan_nl "$ns" get SCAN_ID=u32:"$id" >/dev/null; \
		ip netns exec "$ns" "$KSCANCTL" status -v "$id" | sed -n 's/.*queue 0 *cpu \([0-9]*\).*/\1/p')
	kscan_nl "$ns" stop SCAN_ID=u32:"$id" >/dev/null
	[ "$cpu" = 1 ]
	log_test $? "unpinned thread of a caller on CPU 1 runs on CPU 1 (got ${cpu:-none})"
else
	log_test $ksft_skip "CPU affinity checks (need 2 CPUs)"
fi

exit $ret
