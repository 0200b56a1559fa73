#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The TX engines (--engine): one probe set whoever sends it, the rate on
# the wire, AF_XDP's bind ladder, and --engine=auto's choice.
#
# Over a veth into a target netns that captures (tcpdump), for one seed,
# key and shard: --engine=kmod, afxdp (send-only, and sharing its sockets
# with --rx afxdp on two queues) and afpacket (one and two threads) send
# exactly the probes --dryrun lists, each once, decoded by pcap_syns.py
# (its own parser and checksums, none of kscan's code); the metadata says
# which engine ran and how AF_XDP bound. Out of frames (32 for bursts of
# 256, no rate limit) afxdp holds probes back and still sends each once.
#
# Rate: afpacket and afxdp at 10 kpps and 100 kpps for 5 s are within 2%
# on the wire: at 10 kpps the time from the first to the last probe of a
# capture that samples one probe in 64 (by sequence number), the count from
# the target's veth; at 100 kpps the target veth's packet counter over time
# (a capture's tap there takes the lab's CPU from the senders).
#
# The ladder, forced: veth takes native copy (no zero-copy), a dummy
# device SKB copy (no native XDP), a queue beyond the device's and a queue
# another AF_XDP socket holds fail every rung with the reason; no rung
# leaves a descriptor, a mapping or an XDP program behind
# (kscan-afxdp-ladder counts them over repeated set-ups).
#
# Without the module, auto warns once, names the reason and sends with
# afxdp; --engine=kmod fails (exit 1) naming the module; options afpacket
# cannot honour are usage errors (exit 2).
source "$(dirname "$0")/lib.sh"

require_root
require_cmd tcpdump
require_cmd python3
kscan_load

DECODE=$KSCAN_ROOT/selftests/kscan/pcap_syns.py

setup_ns scan tgt
# nothing but probes on the wire: the rate test counts frames
tgt_mac=$(veth_pair "$scan" "$tgt") || { echo "no veth pair"; exit $ksft_fail; }
dir=$(mktemp -d)
defer rm -rf "$dir"

key=00112233445566778899aabbccddeeff
# 20 kpps, as scan_exact.sh: the set of probes is what is checked here.
scan_args=(-r 20000 -i ks0 -G "$tgt_mac" -S 198.18.0.1 -s 40000-40999
	-p 22,80,443 -P 2 --key "$key" --seed 12345 -b /dev/null --sw-csum
	--rx none -q 198.18.1.0/24)

ip netns exec "$scan" "$KSCANCTL" start --dryrun "${scan_args[@]}" |
	cut -d' ' -f1-5 | LC_ALL=C sort >"$dir/dryrun"
echo "# --dryrun: $(wc -l <"$dir/dryrun") probes"

# meta NAME KEY: a value of a metadata file
meta()
{
	python3 -S -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$dir/$1.json" "$2"
}

# same_set NAME ENGINE ARGS...: one captured scan; its SYNs are --dryrun's
# probes, each once, and the metadata names ENGINE.
same_set()
{
	local name=$1 engine=$2 dup
	shift 2
	captured_scan "$tgt" kt0 "$scan" "$dir/$name" "${scan_args[@]}" \
		-m "$dir/$name.json" "$@" || return 1
	python3 -S "$DECODE" "$dir/$name.pcap" | LC_ALL=C sort >"$dir/$name.syns" ||
		return 1
	dup=$(uniq -d "$dir/$name.syns" | wc -l)
	if [ "$dup" -ne 0 ] || ! cmp -s "$dir/$name.syns" "$dir/dryrun"; then
		echo "# $name: $(wc -l <"$dir/$name.syns") SYNs, $dup repeated;" \
			"missing $(comm -23 "$dir/dryrun" "$dir/$name.syns" | wc -l)," \
			"extra $(comm -13 "$dir/dryrun" "$dir/$name.syns" | wc -l)"
		return 1
	fi
	echo "# $name: the $(wc -l <"$dir/$name.syns") probes of --dryrun, each once"
	[ "$(meta "$name" engine)" = "$engine" ] ||
		{ echo "# $name: the metadata says engine $(meta "$name" engine)"; return 1; }
}

same_set kmod kmod --engine=kmod
log_test $? "kmod sends exactly the --dryrun probe set (independent decoder)"

same_set afpacket afpacket --engine=afpacket
log_test $? "afpacket sends exactly the --dryrun probe set"

same_set afxdp afxdp --engine=afxdp &&
	[ "$(meta afxdp engine_mode)" = copy ]
log_test $? "afxdp (send-only, copy) sends exactly the --dryrun probe set"

same_set afxdp2 afxdp --engine=afxdp -T 2 --rx afxdp &&
	echo "# engine_mode $(meta afxdp2 engine_mode), rx_mode $(meta afxdp2 rx_mode)" &&
	[ "$(meta afxdp2 engine_mode)" = "native copy" ] &&
	[ "$(meta afxdp2 rx_mode)" = "native copy" ]
log_test $? "afxdp on two queues, sockets shared with --rx afxdp: the same set (native copy)"

# Backpressure: 32 frames for bursts of 256 at no rate limit, so the
# sender runs out of frames again and again and holds probes back until
# completions return them (counted in tx_busy); each probe goes once.
KSCAN_AFXDP_TX_FRAMES=32 same_set afxdp_fast afxdp --engine=afxdp -r 0 \
	--burst 256 && echo "# tx-busy $(meta afxdp_fast tx_busy)" &&
	[ "$(meta afxdp_fast tx_busy)" -gt 0 ]
log_test $? "afxdp out of frames (32 for bursts of 256, no rate limit): each probe exactly once"

same_set afpacket2 afpacket --engine=afpacket -T 2
log_test $? "afpacket with two threads: the same set, each probe once"

# rx_packets of the target's end
rx_packets()
{
	ip netns exec "$tgt" cat /sys/class/net/kt0/statistics/rx_packets
}

# wire_rate PPS BUDGET: an afpacket scan of BUDGET probes at PPS, one in 64
# captured; 0 when the time from the first to the last sampled probe on the
# wire is within 2% of (BUDGET - 1) / PPS (the samples miss ~64 probes at
# each end: under 0.03% at 100 kpps, 0.3% at 10 kpps) and the target
# received exactly BUDGET frames.
wire_rate()
{
	local engine=$1 pps=$2 budget=$3 before got count first last
	local name=rate-$engine-$pps
	shift 3
	before=$(rx_packets)
	capture_start "$tgt" kt0 "$dir/$name.pcap" 'tcp[7] & 0x3f == 0' || return 1
	ip netns exec "$scan" timeout $((budget / pps * 3 + 20)) \
		"$KSCANCTL" start --engine="$engine" -r "$pps" --max-targets "$budget" \
		-i ks0 -G "$tgt_mac" -S 198.18.0.1 -p 1-16 -b /dev/null --rx none -q \
		-m "$dir/$name.json" "$@" 198.18.0.0/16 2>&1 | sed 's/^/# /'
	capture_stop
	got=$(($(rx_packets) - before))
	read -r count first last <<<"$(python3 -S "$DECODE" --times "$dir/$name.pcap")"
	python3 -S - "$pps" "$budget" "$got" "$count" "$first" "$last" <<'EOF'
import sys
pps, budget, got, count = (int(v) for v in sys.argv[1:5])
first, last = float(sys.argv[5]), float(sys.argv[6])
want = (budget - 1) / pps
took = last - first
print("# %d pps x %d: target received %d, sampled %d; first to last %.4f s"
      " (want %.4f s, %+.2f%%)" % (pps, budget, got, count, took, want,
                                   (took / want - 1) * 100 if want else 0))
# 2: inexact or too fast (fails at once); 1: only slow
if got != budget or count == 0 or took < want * 0.98:
    sys.exit(2)
sys.exit(0 if took <= want * 1.02 else 1)
EOF
}

# The target drops what it receives before IP (after the capture taps):
# its stack would take the CPU the senders need.
tc -n "$tgt" qdisc add dev kt0 ingress &&
	tc -n "$tgt" filter add dev kt0 ingress matchall action drop

# counter_rate ENGINE PPS BUDGET ARGS...: the same scan, timed by the
# target's veth: its packet counter read every 50 ms (in one process, next
# to a monotonic clock) while the scan runs; 0 when the rate from 5% to 95%
# of the probes is PPS within 2% and the target received exactly BUDGET.
# At 100 kpps under TCG the lab cannot also run a capture: tcpdump's tap
# takes the CPU a userspace sender needs (seen: 78-95 kpps with it, 99.9
# kpps without).
counter_rate()
{
	local engine=$1 pps=$2 budget=$3
	shift 3
	ip netns exec "$tgt" python3 -S - "$pps" "$budget" "$scan" "$KSCANCTL" \
		--engine="$engine" -r "$pps" --max-targets "$budget" -i ks0 \
		-G "$tgt_mac" -S 198.18.0.1 -p 1-16 -b /dev/null --rx none -q \
		-m "$dir/crate-$engine-$pps.json" "$@" 198.18.0.0/16 <<'PY'
import subprocess, sys, time
pps, budget, ns, kscanctl = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
path = "/sys/class/net/kt0/statistics/rx_packets"
def count():
    with open(path) as f:
        return int(f.read())
base = count()
p = subprocess.Popen(["ip", "netns", "exec", ns, kscanctl, "start"] + sys.argv[5:])
samples = []
deadline = time.monotonic() + budget / pps * 3 + 20
while p.poll() is None and time.monotonic() < deadline:
    samples.append((time.monotonic(), count() - base))
    time.sleep(0.05)
if p.poll() is None:
    p.kill()
rc = p.wait()
got = count() - base
samples.append((time.monotonic(), got))
lo = next(s for s in samples if s[1] >= budget * 0.05)
hi = next(s for s in samples if s[1] >= budget * 0.95)
rate = (hi[1] - lo[1]) / (hi[0] - lo[0]) if hi[0] > lo[0] else 0
print("# %d pps x %d: target received %d; %d to %d in %.3f s: %.0f pps (%+.2f%%)"
      % (pps, budget, got, lo[1], hi[1], hi[0] - lo[0], rate, (rate / pps - 1) * 100))
if rc or got != budget or rate > pps * 1.02:
    sys.exit(2)
sys.exit(0 if rate >= pps * 0.98 else 1)
PY
}

# One userspace thread sends ~75 kpps (afpacket) or ~130 kpps (afxdp)
# under TCG: 100 kpps takes two.
for engine in afpacket afxdp; do
	once_more_if_slow wire_rate "$engine" 10000 50000
	log_test $? "$engine at 10 kpps for 5 s: within 2% on the wire (capture timestamps), exact count"
	once_more_if_slow counter_rate "$engine" 100000 500000 -T 2
	log_test $? "$engine at 100 kpps (two threads) for 5 s: within 2% on the target's counter, exact count"
done
tc -n "$tgt" qdisc del dev kt0 ingress

# ---- AF_XDP's bind ladder, forced ----
LADDER=$KSCAN_ROOT/build/tests/tools/kscan-afxdp-ladder

# ladder NAME ARGS...: kscan-afxdp-ladder on the scanner's netns; its
# output in $dir/NAME.ladder, its exit code returned.
ladder()
{
	local name=$1 rc
	shift
	ip netns exec "$scan" "$LADDER" --repeat 4 "$@" >"$dir/$name.ladder" 2>&1
	rc=$?
	sed 's/^/# /' "$dir/$name.ladder" | cut -c1-400
	return $rc
}

# no_xdp DEV: nothing attached any more
no_xdp()
{
	! ip -n "$scan" -d link show "$1" | grep -q 'prog/xdp'
}

ladder veth -i ks0 --tx-queues 0,1 &&
	[ "$(grep -c '^rung native copy$' "$dir/veth.ladder")" -eq 4 ] && no_xdp ks0
log_test $? "ladder on veth: native copy every time (zero-copy refused), nothing left"

ip -n "$scan" link add name kd0 type dummy && ip -n "$scan" link set kd0 up
ladder dummy -i kd0 &&
	[ "$(grep -c '^rung SKB copy$' "$dir/dummy.ladder")" -eq 4 ] && no_xdp kd0
log_test $? "ladder on a device without native XDP: SKB copy, nothing left"

ladder beyond -i ks0 --tx-queues 0,7
[ $? -eq 1 ] && grep -q 'native copy: cannot bind an AF_XDP socket to ks0 queue 7' "$dir/beyond.ladder" &&
	grep -q 'SKB copy: cannot bind an AF_XDP socket to ks0 queue 7' "$dir/beyond.ladder" &&
	grep -q '^fds \([0-9]*\) \1 maps \([0-9]*\) \2$' "$dir/beyond.ladder" && no_xdp ks0
log_test $? "ladder with a queue beyond the device's: every rung fails with the reason, nothing leaks"

# Another AF_XDP socket holds the queues (a receiver on ks0).
ip netns exec "$scan" "$KSCAN_ROOT/build/tests/tools/kscan-rx-probe" --rx afxdp -i ks0 \
	--sport 40000-40999 --duration-ms 15000 >"$dir/holder.out" 2>&1 &
holder=$!
for ((i = 0; i < 100; i++)); do
	grep -q '^ready' "$dir/holder.out" && break
	sleep 0.1
done
ladder held -i ks0 --no-rx --tx-queues 0
[ $? -eq 1 ] && grep -q 'zero-copy: cannot bind an AF_XDP socket to ks0 queue 0: Device or resource busy' "$dir/held.ladder" &&
	grep -q '; copy: cannot bind an AF_XDP socket to ks0 queue 0: Device or resource busy' "$dir/held.ladder" &&
	grep -q '^fds \([0-9]*\) \1 maps \([0-9]*\) \2$' "$dir/held.ladder"
rc=$?
ip netns exec "$scan" "$KSCANCTL" start --engine=afxdp "${scan_args[@]}" \
	-m "$dir/held.json" 2>"$dir/held.err"
krc=$?
sed 's/^/# /' "$dir/held.err"
kill -INT "$holder" 2>/dev/null
wait "$holder"
hrc=$?
[ $rc -eq 0 ] && [ $krc -eq 1 ] && grep -q "Device or resource busy" "$dir/held.err" &&
	[ $hrc -eq 0 ] && grep -q '^stats ' "$dir/holder.out"
log_test $? "a queue another AF_XDP socket holds: every rung fails (EBUSY), kscanctl exits 1, the holder is unharmed"

ladder after -i ks0 --tx-queues 0,1 && no_xdp ks0
log_test $? "after the holder: the ladder climbs again, nothing left"

# ---- kscanctl doctor: what the device really binds ----
doctor()
{
	local name=$1 rc
	shift
	ip netns exec "$scan" "$KSCANCTL" doctor "$@" >"$dir/$name.doctor" 2>&1
	rc=$?
	sed 's/^/# /' "$dir/$name.doctor" | cut -c1-300
	return $rc
}

doctor veth -i ks0 && grep -q '^kmod *usable: kscan.ko' "$dir/veth.doctor" &&
	grep -q '^afxdp *usable: ks0 binds native copy' "$dir/veth.doctor" &&
	grep -q '^afpacket *usable' "$dir/veth.doctor" &&
	grep -q '^dpdk *not usable: not built' "$dir/veth.doctor" &&
	grep -q '^device *ks0 (-i): driver veth, 2 TX / 2 RX queues; MTU 1500 within' "$dir/veth.doctor" &&
	grep -q '^auto *kmod$' "$dir/veth.doctor" && no_xdp ks0
log_test $? "doctor -i ks0: kmod, afxdp (native copy, probed) and afpacket usable; auto kmod; nothing left"

doctor json -i kd0 --json && python3 -S -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = {x["name"]: x for x in d["engines"]}
assert d["interface"] == "kd0" and d["driver"] == "dummy", d
assert e["afxdp"]["usable"] and "binds SKB copy" in e["afxdp"]["why"], e
assert "native zero-copy:" in d["xdp_modes"] and "SKB copy: binds" in d["xdp_modes"]
assert d["auto"] == "kmod", d["auto"]
' "$dir/json.doctor" && no_xdp kd0
log_test $? "doctor --json on a device without native XDP: SKB copy is what binds"

doctor nodev -i nosuch0
[ $? -eq 2 ] && grep -q -- "--interface: no device 'nosuch0'" "$dir/nodev.doctor"
log_test $? "doctor -i on a missing device: exit 2 naming the flag"

# Options afpacket cannot honour are usage errors, naming the flag.
ip netns exec "$scan" "$KSCANCTL" start --engine=afpacket --tx-queues 1 \
	"${scan_args[@]}" 2>"$dir/txq.err"
rc=$?
sed 's/^/# /' "$dir/txq.err"
[ $rc -eq 2 ] && grep -q -- "--tx-queues" "$dir/txq.err"
log_test $? "afpacket --tx-queues: exit 2 naming the flag"

ip netns exec "$scan" "$KSCANCTL" start --engine=afpacket --detach \
	"${scan_args[@]}" 2>"$dir/detach.err"
rc=$?
sed 's/^/# /' "$dir/detach.err"
[ $rc -eq 2 ] && grep -q -- "--detach" "$dir/detach.err"
log_test $? "afpacket --detach: exit 2 naming the flag"

# Without the module (and without autoloading it): auto falls back, loudly.
kscan_unload
kscan_autoload_off
defer kscan_load

captured_scan "$tgt" kt0 "$scan" "$dir/auto" "${scan_args[@]}" \
	-m "$dir/auto.json"
rc=$?
python3 -S "$DECODE" "$dir/auto.pcap" | LC_ALL=C sort >"$dir/auto.syns"
warnings=$(grep -c "WARNING" "$dir/auto.out")
[ $rc -eq 0 ] && [ "$warnings" -eq 1 ] &&
	grep -q "WARNING: --engine auto: kmod cannot send on ks0: the kscan kernel module is not loaded" \
		"$dir/auto.out" &&
	[ "$(meta auto engine)" = afxdp ] &&
	[ "$(meta auto engine_requested)" = auto ] &&
	meta auto engine_fallback_reason | grep -q "not loaded" &&
	cmp -s "$dir/auto.syns" "$dir/dryrun"
log_test $? "auto without the module: one warning with the reason, afxdp sends the set"

doctor nomod -i ks0 && grep -q '^kmod *not usable: the module is not loaded and cannot be loaded' "$dir/nomod.doctor" &&
	grep -q '^auto *afxdp$' "$dir/nomod.doctor"
log_test $? "doctor without the module: kmod not usable (why), auto afxdp, exit 0"

ip netns exec "$scan" "$KSCANCTL" start --engine=kmod "${scan_args[@]}" \
	2>"$dir/kmod.err"
rc=$?
sed 's/^/# /' "$dir/kmod.err"
[ $rc -eq 1 ] && grep -q "kernel module is not loaded" "$dir/kmod.err"
log_test $? "--engine=kmod without the module: exit 1 naming it, no fallback"

exit $ret
