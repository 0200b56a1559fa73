#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Each malformed KSCAN_CMD_START is refused with the right errno and an
# extack message that names the attribute; none starts a scan.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
kscan_load

setup_ns ns
idx=$(setup_dummy "$ns")
ip -n "$ns" link add name lo2 type dummy

K=KEY=hex:$KSCAN_TEST_KEY
base="IFINDEX=u32:$idx DST_MAC=mac:02:00:00:00:00:01 SADDR_FIRST=ip:198.18.0.1"
base+=" SPORT_FIRST=u16:40000 SPORT_LAST=u16:40999"
base+=" TARGETS=targets:198.18.1.0/24 PORTS=ranges:80"
without() { tr ' ' '\n' <<<"$base $K" | grep -v "^$1=" | tr '\n' ' '; }

# 16385 intervals: one more than KSCAN_MAX_INTERVALS.
many=$(mktemp)
defer rm -f "$many"
python3 -c 'print(",".join("198.18.%d.%d" % (i // 128, 2 * (i % 128)) for i in range(16385)))' >"$many"

# errno | extack text | attributes
cases=(
	"EINVAL|KSCAN_A_IFINDEX is required|$(without IFINDEX)"
	"EINVAL|KSCAN_A_DST_MAC is required|$(without DST_MAC)"
	"EINVAL|KSCAN_A_SADDR_FIRST is required|$(without SADDR_FIRST)"
	"EINVAL|KSCAN_A_TARGETS is required|$(without TARGETS)"
	"EINVAL|KSCAN_A_PORTS is required|$(without PORTS)"
	"EINVAL|KSCAN_A_KEY is required|$(without KEY)"
	"EINVAL|KSCAN_A_KEY: expected 16 bytes|$base KEY=hex:000102"
	"ENODEV|KSCAN_A_IFINDEX: no such device in this netns|$(without IFINDEX) IFINDEX=u32:999"
	"ENETDOWN|KSCAN_A_IFINDEX: device is down|$(without IFINDEX) IFINDEX=u32:$(ip netns exec "$ns" cat /sys/class/net/lo2/ifindex)"
	"EINVAL|KSCAN_A_DST_MAC: expected a 6-byte unicast MAC address|$(without DST_MAC) DST_MAC=mac:ff:ff:ff:ff:ff:ff"
	"ERANGE|KSCAN_A_PROBES: expected 1..KSCAN_MAX_PROBES (16)|$base $K PROBES=u32:17"
	"ERANGE|KSCAN_A_PROBES: expected 1..KSCAN_MAX_PROBES (16)|$base $K PROBES=u32:0"
	"EINVAL|KSCAN_A_PROBES: more probes than source ports|$(without SPORT_LAST) $K SPORT_LAST=u16:40000 PROBES=u32:2"
	"EINVAL|KSCAN_A_SPORT_LAST: below KSCAN_A_SPORT_FIRST|$(without SPORT_LAST) $K SPORT_LAST=u16:1"
	"ERANGE|KSCAN_A_SHARD: expected 0..KSCAN_A_SHARDS-1|$base $K SHARDS=u32:2 SHARD=u32:2"
	"ERANGE|KSCAN_A_SHARDS: expected 1..KSCAN_MAX_SHARDS (65535)|$base $K SHARDS=u32:0"
	"ERANGE|KSCAN_A_BURST: expected 1..KSCAN_MAX_BURST (256)|$base $K BURST=u32:257"
	"ERANGE|KSCAN_A_TTL: expected 1..255|$base $K TTL=u8:0"
	"EOPNOTSUPP|KSCAN_A_FLAGS: unknown flag bits|$base $K FLAGS=u32:0x80000000"
	"EOPNOTSUPP|KSCAN_A_XMIT_MODE: unknown mode (burst, direct, queue)|$base $K XMIT_MODE=u32:3"
	"EOPNOTSUPP|KSCAN_A_TCP_OPTIONS: unknown profile (none, mss, linux)|$base $K TCP_OPTIONS=u32:9"
	"EINVAL|KSCAN_A_TARGETS: intervals must be sorted and disjoint|$(without TARGETS) $K TARGETS=targets:198.18.2.0/24,198.18.1.0/24"
	"EINVAL|KSCAN_A_TARGETS: intervals must be sorted and disjoint|$(without TARGETS) $K TARGETS=targets:198.18.1.0/24,198.18.1.128/25"
	"EINVAL|KSCAN_A_TARGETS: interval with first > last|$(without TARGETS) $K TARGETS=targets:198.18.1.9-198.18.1.1"
	"E2BIG|KSCAN_A_TARGETS: more than KSCAN_MAX_INTERVALS (16384) intervals|$(without TARGETS) $K TARGETS=targets:@$many"
	"EINVAL|KSCAN_A_PORTS: ranges must be sorted and disjoint|$(without PORTS) $K PORTS=ranges:443,80"
	"EINVAL|KSCAN_A_PORTS: range with first > last|$(without PORTS) $K PORTS=ranges:90-80"
	"EINVAL|KSCAN_A_TX_QUEUES: duplicate queue|$base $K TX_QUEUES=u16s:0,0"
	"EINVAL|KSCAN_A_TX_QUEUES: queue index beyond the device's TX queues|$base $K TX_QUEUES=u16s:5"
	"EINVAL|KSCAN_A_TX_CPUS: expected one u32 CPU per TX queue|$base $K TX_CPUS=u32s:0,1"
	"EINVAL|KSCAN_A_TX_CPUS: CPU is not online|$base $K TX_CPUS=u32s:4000"
)

for c in "${cases[@]}"; do
	IFS='|' read -r want_errno want_msg args <<<"$c"
	read -ra argv <<<"$args"
	out=$(kscan_nl "$ns" start "${argv[@]}")
	grep -qxF "errno=$want_errno extack=$want_msg" <<<"$out"
	rc=$?
	[ $rc -eq 0 ] || echo "# got: $out"
	log_test $rc "$want_errno: $want_msg"
done

# An attribute the family does not know: strict validation refuses it.
read -ra argv <<<"$base $K"
out=$(kscan_nl "$ns" start "${argv[@]}" --raw=200:00000000)
grep -q "^errno=EINVAL" <<<"$out"
log_test $? "unknown attribute: EINVAL"

# None of the above left a scan behind.
out=$(kscan_nl "$ns" get --dump)
[ -z "$out" ] && [ "$(kscan_threads)" -eq 0 ]
log_test $? "no scan was created"

exit $ret
