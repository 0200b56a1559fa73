#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Each malformed KSCAN_CMD_START is refused with the right errno and an
# extended ack that names the attribute (by its message, by offset, or as
# the missing one) and, for policy rules, carries the accepted range; none
# starts a scan.
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
python3 -S -c 'print(",".join("198.18.%d.%d" % (i // 128, 2 * (i % 128)) for i in range(16385)))' >"$many"

# Rules of one attribute live in the policy: the core refuses with its
# own message, pointing at the attribute (bad_attr=) and carrying the
# policy (policy=). Rules between attributes are the module's: its message
# names the attribute. A missing attribute is named by missing=.
R="integer out of range" L="binary attribute size out of range"
# errno | extack text | what else the ack must say | attributes
cases=(
	"EINVAL|KSCAN_A_IFINDEX is required|missing=IFINDEX|$(without IFINDEX)"
	"EINVAL|KSCAN_A_DST_MAC is required|missing=DST_MAC|$(without DST_MAC)"
	"EINVAL|KSCAN_A_SADDR_FIRST is required|missing=SADDR_FIRST|$(without SADDR_FIRST)"
	"EINVAL|KSCAN_A_TARGETS is required|missing=TARGETS|$(without TARGETS)"
	"EINVAL|KSCAN_A_PORTS is required|missing=PORTS|$(without PORTS)"
	"EINVAL|KSCAN_A_KEY is required|missing=KEY|$(without KEY)"
	"ERANGE|$L|bad_attr=KEY policy=min_len:16,max_len:16|$base KEY=hex:000102"
	"ERANGE|$R|bad_attr=IFINDEX policy=min:1,max:2147483647|$(without IFINDEX) IFINDEX=u32:0"
	"ENODEV|KSCAN_A_IFINDEX: no such device in this netns||$(without IFINDEX) IFINDEX=u32:999"
	"ENETDOWN|KSCAN_A_IFINDEX: device is down||$(without IFINDEX) IFINDEX=u32:$(ip netns exec "$ns" cat /sys/class/net/lo2/ifindex)"
	"EINVAL|KSCAN_A_DST_MAC: expected a unicast MAC address|bad_attr=DST_MAC|$(without DST_MAC) DST_MAC=mac:ff:ff:ff:ff:ff:ff"
	"ERANGE|$L|bad_attr=DST_MAC policy=min_len:6,max_len:6|$(without DST_MAC) DST_MAC=hex:0200000000"
	"ERANGE|$R|bad_attr=PROBES policy=min:1,max:16|$base $K PROBES=u32:17"
	"ERANGE|$R|bad_attr=PROBES policy=min:1,max:16|$base $K PROBES=u32:0"
	"EINVAL|KSCAN_A_PROBES: more probes than source ports|bad_attr=PROBES|$(without SPORT_LAST) $K SPORT_LAST=u16:40000 PROBES=u32:2"
	"EINVAL|KSCAN_A_SPORT_LAST: below KSCAN_A_SPORT_FIRST|bad_attr=SPORT_LAST|$(without SPORT_LAST) $K SPORT_LAST=u16:1"
	"ERANGE|$R|bad_attr=SPORT_FIRST policy=min:1,max:65535|$(without SPORT_FIRST) $K SPORT_FIRST=u16:0"
	"ERANGE|KSCAN_A_SHARD: expected 0..KSCAN_A_SHARDS-1|bad_attr=SHARD|$base $K SHARDS=u32:2 SHARD=u32:2"
	"ERANGE|$R|bad_attr=SHARDS policy=min:1,max:65535|$base $K SHARDS=u32:0"
	"ERANGE|$R|bad_attr=SHARD policy=min:0,max:65534|$base $K SHARDS=u32:2 SHARD=u32:65535"
	"ERANGE|$R|bad_attr=RATE policy=min:0,max:1000000000|$base $K RATE=u64:1000000001"
	"ERANGE|$R|bad_attr=RATE policy=min:0,max:1000000000|$base $K RATE=u64:18446744073709551615"
	"ERANGE|$R|bad_attr=MAX_PACKETS policy=min:1,max:18446744073709551615|$base $K MAX_PACKETS=u64:0"
	"ERANGE|$R|bad_attr=BURST policy=min:1,max:256|$base $K BURST=u32:257"
	"ERANGE|$R|bad_attr=TTL policy=min:1,max:255|$base $K TTL=u8:0"
	"EINVAL|reserved bit set|bad_attr=FLAGS|$base $K FLAGS=u32:0x80000000"
	"ERANGE|$R|bad_attr=XMIT_MODE policy=min:0,max:2|$base $K XMIT_MODE=u32:3"
	"ERANGE|$R|bad_attr=TCP_OPTIONS policy=min:0,max:2|$base $K TCP_OPTIONS=u32:9"
	"EINVAL|KSCAN_A_TARGETS: intervals must be sorted and disjoint|bad_attr=TARGETS/TARGET_A_INTERVAL|$(without TARGETS) $K TARGETS=targets:198.18.2.0/24,198.18.1.0/24"
	"EINVAL|KSCAN_A_TARGETS: intervals must be sorted and disjoint||$(without TARGETS) $K TARGETS=targets:198.18.1.0/24,198.18.1.128/25"
	"EINVAL|KSCAN_A_TARGETS: interval with first > last|bad_attr=TARGETS/TARGET_A_INTERVAL|$(without TARGETS) $K TARGETS=targets:198.18.1.9-198.18.1.1"
	"E2BIG|KSCAN_A_TARGETS: more than KSCAN_MAX_INTERVALS (16384) intervals|bad_attr=TARGETS|$(without TARGETS) $K TARGETS=targets:@$many"
	"EINVAL|KSCAN_A_PORTS: ranges must be sorted and disjoint|bad_attr=PORTS|$(without PORTS) $K PORTS=ranges:443,80"
	"EINVAL|KSCAN_A_PORTS: range with first > last|bad_attr=PORTS|$(without PORTS) $K PORTS=ranges:90-80"
	"EINVAL|KSCAN_A_PORTS: expected an array of 4-byte struct kscan_port_range|bad_attr=PORTS|$(without PORTS) $K PORTS=hex:5000500000"
	"EINVAL|KSCAN_A_TX_QUEUES: duplicate queue|bad_attr=TX_QUEUES|$base $K TX_QUEUES=u16s:0,0"
	"EINVAL|KSCAN_A_TX_QUEUES: queue index beyond the device's TX queues||$base $K TX_QUEUES=u16s:5"
	"EINVAL|KSCAN_A_TX_CPUS: expected one u32 CPU per TX queue|bad_attr=TX_CPUS|$base $K TX_CPUS=u32s:0,1"
	"EINVAL|KSCAN_A_TX_CPUS: CPU is not online|bad_attr=TX_CPUS|$base $K TX_CPUS=u32s:4000"
	"EINVAL|KSCAN_A_SADDR_LIST: give a list or KSCAN_A_SADDR_FIRST/LAST, not both|bad_attr=SADDR_LIST|$base $K SADDR_LIST=hex:c6120001"
	"EINVAL|KSCAN_A_SADDR_LIST: expected an array of be32 addresses|bad_attr=SADDR_LIST|$(without SADDR_FIRST) $K SADDR_LIST=hex:c612000102"
	"ERANGE|$L|bad_attr=SADDR_LIST policy=min_len:4,max_len:1024|$(without SADDR_FIRST) $K SADDR_LIST=hex:$(printf 'c6120001%.0s' $(seq 257))"
)

for c in "${cases[@]}"; do
	IFS='|' read -r want_errno want_msg want_more args <<<"$c"
	read -ra argv <<<"$args"
	out=$(kscan_nl "$ns" start "${argv[@]}")
	grep -qxF "errno=$want_errno extack=$want_msg" <<<"$out"
	rc=$?
	for line in $want_more; do
		grep -qxF -- "$line" <<<"$out" || rc=1
	done
	[ $rc -eq 0 ] || echo "$out" | sed 's/^/# got: /'
	log_test $rc "$want_errno: $want_msg${want_more:+ ($want_more)}"
done

# A CPU outside the caller's affinity: online, but not the caller's.
if [ "$(nproc --all)" -ge 2 ]; then
	out=$(ip netns exec "$ns" taskset -c 0 python3 -S "$KSCAN_NL" start $base $K TX_CPUS=u32s:1)
	grep -qxF "errno=EPERM extack=KSCAN_A_TX_CPUS: CPU is not allowed for the caller (affinity, cpuset)" <<<"$out"
	log_test $? "EPERM: TX_CPUS outside the caller's affinity"
else
	log_test $ksft_skip "EPERM: TX_CPUS outside the caller's affinity (needs 2 CPUs)"
fi

# An attribute the family does not know: strict validation refuses it.
read -ra argv <<<"$base $K"
out=$(kscan_nl "$ns" start "${argv[@]}" --raw=200:00000000)
grep -q "^errno=EINVAL" <<<"$out"
log_test $? "unknown attribute: EINVAL"

# The genetlink header's reserved field and netlink flags the family does
# not define (NLM_F_REPLACE on a START) are refused too.
read -ra argv <<<"$base $K"
out=$(kscan_nl "$ns" start "${argv[@]}" --reserved=1)
grep -qx "errno=EINVAL extack=genlmsghdr.reserved field is not 0" <<<"$out"
log_test $? "genl header reserved field set: EINVAL"
out=$(kscan_nl "$ns" start "${argv[@]}" --nlflags=0x100)
grep -qx "errno=EINVAL extack=ambiguous or reserved bits set in nlmsg_flags" <<<"$out"
log_test $? "NLM_F_REPLACE on START: EINVAL"

# None of the above left a scan behind.
out=$(kscan_nl "$ns" get --dump)
[ -z "$out" ] && [ "$(kscan_threads)" -eq 0 ]
log_test $? "no scan was created"

exit $ret
