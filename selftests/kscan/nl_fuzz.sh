#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The structure-aware netlink fuzzer (nl_fuzz.py): every command x every
# attribute x boundary values, the rules between attributes, then
# KSCAN_FUZZ_COUNT (100000) random mutations from KSCAN_FUZZ_SEED, in three
# network namespaces with a dummy device of several TX queues each. Then:
# no scan left running, no kscan thread left, and the module unloads.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 ip
kscan_load

# The netns and devices the fuzzer scans from. Every netns gets the same
# devices in the same order (lo 1, d0 up, d1 down), so one message means
# the same in each.
TXQ=8
specs=()
for i in 1 2 3; do
	setup_ns fuzz
	ip -n "$fuzz" link add d0 numtxqueues $TXQ type dummy &&
		ip -n "$fuzz" link set d0 up &&
		ip -n "$fuzz" link add d1 type dummy || exit $ksft_fail
	up=$(ip netns exec "$fuzz" cat /sys/class/net/d0/ifindex)
	down=$(ip netns exec "$fuzz" cat /sys/class/net/d1/ifindex)
	specs+=("$fuzz:$up:$down:$TXQ")
done

# CHECK lines become TEST lines; the rest (figures, failures) passes. A
# fifo, not a process substitution: the lab has no /dev/fd.
fifo=$(mktemp -u "${TMPDIR:-/tmp}/nl_fuzz.XXXXXX")
mkfifo "$fifo" || exit $ksft_fail
defer rm -f "$fifo"
start=$SECONDS
ip netns exec "${specs[0]%%:*}" python3 -S "$(dirname "$0")/nl_fuzz.py" \
	run "${specs[@]}" >"$fifo" 2>&1 &
pid=$!
while IFS= read -r line; do
	case $line in
	"CHECK "*)
		read -r _ rc desc <<<"$line"
		log_test "$rc" "$desc" ;;
	*) echo "$line" ;;
	esac
done <"$fifo"
wait "$pid"
rc=$?
[ $rc -eq 0 ]
log_test $? "nl_fuzz.py exits 0 ($rc)"
echo "# nl_fuzz.py took $((SECONDS - start)) s"

# The fuzzer's sockets are closed now: nothing may be left of its scans.
n=$(kscan_threads)
[ "$n" -eq 0 ]
log_test $? "no kscan/* thread after the fuzzer exited ($n)"

running=0
for spec in "${specs[@]}"; do
	ns=${spec%%:*}
	out=$(kscan_nl "$ns" get --dump)
	grep -qx "STATE=$KSCAN_RUNNING" <<<"$out" && running=1
done
[ $running -eq 0 ]
log_test $? "no scan RUNNING in the fuzzer's netns"

rmmod kscan
log_test $? "rmmod kscan after the fuzzer"
kscan_load
log_test $? "kscan loads again"

exit $ret
