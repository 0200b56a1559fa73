#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Receive engines: kscan-rx-probe drives --rx afxdp and --rx afpacket on the
# scanner's end of a veth (2 RX queues) while kscanctl scans 198.18.1.0/28 x
# {22, 80, 8080} into a target netns that answers for 198.18.1.0/24: a
# listener on 8080 (SYN-ACK), RSTs from the stack on 22 and 80. Each engine
# must deliver exactly the 48 expected replies, each once, and nothing else;
# while AF_XDP is attached, ping and TCP connections outside and inside the
# port range still reach the host's stack (the XDP program takes only
# replies with the scan's cookie); AF_XDP's RSTs (send()) end the target's
# half-open connections; an overrun is counted exactly as kernel drops; the
# XDP program coexists with another through libxdp's dispatcher and is gone
# after close; when AF_XDP cannot attach, open() fails with the reason and
# AF_PACKET still works.
source "$(dirname "$0")/lib.sh"

KSCAN_RX_PROBE=${KSCAN_RX_PROBE:-$KSCAN_ROOT/build/tests/tools/kscan-rx-probe}
KSCAN_RX_BPF_OBJ=${KSCAN_RX_BPF_OBJ:-$KSCAN_ROOT/build/user/bpf/kscan_rx.bpf.o}

require_root
require_cmd python3 ethtool ss busybox
[ -x "$KSCAN_RX_PROBE" ] || { echo "SKIP: $KSCAN_RX_PROBE not built"; exit $ksft_skip; }
kscan_load

dir=$(mktemp -d)
defer rm -rf "$dir"
# `ip netns exec` mounts a fresh /sys, hiding /sys/fs/bpf: libxdp would
# fall back to a single program without its dispatcher. One bpffs for
# every libxdp user here, outside /sys.
bpffs=$dir/bpffs
mkdir "$bpffs"
mount -t bpf bpf "$bpffs" || { echo "SKIP: cannot mount bpffs"; exit $ksft_skip; }
defer umount "$bpffs"
export LIBXDP_BPFFS=$bpffs

setup_ns scan tgt
ip link add name ks0 numtxqueues 2 numrxqueues 2 netns "$scan" type veth \
	peer name kt0 numtxqueues 2 numrxqueues 2 netns "$tgt"
ip -n "$scan" addr add 198.18.0.1/24 dev ks0
ip -n "$tgt" addr add 198.18.0.2/24 dev kt0
ip -n "$scan" link set ks0 up
ip -n "$tgt" link set kt0 up
ip -n "$tgt" route add local 198.18.1.0/24 dev lo
# The scanner's stack reaches the targets too (ping, TCP, its own RSTs).
ip -n "$scan" route add 198.18.1.0/24 via 198.18.0.2
# The scanner's own connections must not use the scan's source ports.
ip netns exec "$scan" sysctl -qw net.ipv4.ip_local_port_range="50000 60999"
tgt_mac=$(ip netns exec "$tgt" cat /sys/class/net/kt0/address)

listener_start()
{
	ip netns exec "$tgt" python3 -S -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen(4096)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    c.sendall(b"kscan-hello\n")
    c.close()
' >"$dir/listener.out" 2>&1 &
	_listener_pid=$!
	defer kill "$_listener_pid"
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q listening "$dir/listener.out" && return 0
		sleep 0.1
	done
	return 1
}

listener_stop()
{
	kill "$_listener_pid" 2>/dev/null
	wait "$_listener_pid" 2>/dev/null
	return 0
}

# key_of N: the key of the Nth scan.
key_of()
{
	printf '00112233445566778899aabbccdd%04x' "$1"
}

# scan [TARGET PORTS [KSCANCTL-ARGS...]]: kscanctl sends, receives nothing
# itself. A new key each time: new source ports, so no scan meets the
# target's state from an earlier one.
nscan=0
scan()
{
	local target=${1:-198.18.1.0/28} ports=${2:-22,80,8080}
	shift 2 2>/dev/null
	nscan=$((nscan + 1))
	ip netns exec "$scan" "$KSCANCTL" start -i ks0 -G "$tgt_mac" \
		-S 198.18.0.1 -s 40000-40999 -p "$ports" --key "$(key_of $nscan)" \
		--seed 7 -b /dev/null --sw-csum --rx none -q "$@" "$target" \
		>"$dir/scan.out" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$dir/scan.out"
	return $rc
}

# probe_start NAME RX [ARGS...]: the engine on ks0 for the next scan (its
# key: AF_XDP takes only replies with its cookie), in the background, its
# output in $dir/NAME.out; returns once it is ready (1 if it is not).
probe_start()
{
	local name=$1 rx=$2 i
	shift 2
	_probe_name=$name
	ip netns exec "$scan" "$KSCAN_RX_PROBE" --rx "$rx" -i ks0 \
		--sport 40000-40999 --key "$(key_of $((nscan + 1)))" --probes 1 \
		"$@" >"$dir/$name.out" 2>"$dir/$name.err" &
	_probe_pid=$!
	defer kill "$_probe_pid"
	for ((i = 0; i < 100; i++)); do
		grep -q '^ready' "$dir/$name.out" && return 0
		kill -0 "$_probe_pid" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/# /' "$dir/$name.out" "$dir/$name.err"
	return 1
}

# probe_stop [SECONDS]: let late replies land, then SIGINT the probe.
probe_stop()
{
	sleep "${1:-1.5}"
	kill -INT "$_probe_pid" 2>/dev/null
	wait "$_probe_pid"
	local rc=$?
	sed 's/^/# /' "$dir/$_probe_name.err"
	grep '^stats' "$dir/$_probe_name.out" | sed 's/^/# /'
	return $rc
}

# stat NAME FIELD: a counter from the probe's last line.
stat()
{
	sed -n "s/^stats.* $2=\([0-9]*\).*/\1/p" "$dir/$1.out"
}

# The replies of 198.18.1.0/28 x {22, 80, 8080}, one line each.
for ((i = 0; i < 16; i++)); do
	echo "SA 198.18.1.$i 8080"
	echo "RST 198.18.1.$i 22"
	echo "RST 198.18.1.$i 80"
done | sort >"$dir/expected"

# exact NAME: the probe saw exactly the expected replies, each once, all
# to our ports, and counted them without a drop.
exact()
{
	local name=$1
	grep -E '^(SA|RST|OTHER) ' "$dir/$name.out" | awk '{print $1, $2, $3}' |
		sort >"$dir/$name.got"
	if ! diff -u "$dir/expected" "$dir/$name.got" >"$dir/$name.diff"; then
		head -n 20 "$dir/$name.diff" | sed 's/^/# /'
		return 1
	fi
	if awk '/^(SA|RST) / && ($4 < 40000 || $4 > 40999)' "$dir/$name.out" |
		grep -q .; then
		echo "# a reply outside 40000-40999"
		return 1
	fi
	[ "$(stat "$name" frames)" = 48 ] && [ "$(stat "$name" kernel_drops)" = 0 ]
}

xdp_on_ks0()
{
	ip -n "$scan" -d link show ks0 | grep -q 'prog/xdp'
}

listener_start
log_test $? "target listens on 8080"

# ---- AF_PACKET --------------------------------------------------------

probe_start afpacket afpacket && scan && probe_stop && exact afpacket
log_test $? "afpacket: exactly the 48 replies, once each"

# ---- AF_XDP: replies, ordinary traffic, send() ------------------------

# --rst: the probe answers each SYN-ACK through send(), as kscanctl does;
# the host's stack never sees the SYN-ACKs it could RST itself.
if probe_start afxdp afxdp --rst -v; then
	xdp_on_ks0
	log_test $? "afxdp: XDP program attached to ks0"
	scan
	log_test $? "afxdp: scan sent"
	ip netns exec "$scan" busybox ping -c 2 -W 2 198.18.1.1 >/dev/null
	log_test $? "afxdp attached: ping reaches the stack"
	hello=$(ip netns exec "$scan" python3 -S -c '
import socket
s = socket.create_connection(("198.18.1.1", 8080), timeout=3)
print(s.recv(64).decode().strip())')
	[ "$hello" = kscan-hello ]
	log_test $? "afxdp attached: TCP outside the range reaches the stack"
	# The host's own connections from the scan's source ports: their
	# SYN-ACK and RST carry no cookie of ours, so they stay with the
	# stack (198.18.1.100 is not scanned: no 4-tuple shared with a probe).
	inrange=$(ip netns exec "$scan" python3 -S -c '
import socket
def conn(sport, dport):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.0.1", sport))
    s.settimeout(3)
    try:
        s.connect(("198.18.1.100", dport))
        return s.recv(64).decode().strip()
    except ConnectionRefusedError:
        return "refused"
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()
print(conn(40500, 8080), conn(40999, 9))')
	echo "# from ports 40500 and 40999: $inrange"
	[ "$inrange" = "kscan-hello refused" ]
	log_test $? "afxdp attached: TCP from inside the range reaches the stack"
	probe_stop
	log_test $? "afxdp: probe closed cleanly on SIGINT"
	grep -q 'passed with a wrong cookie [1-9]' "$dir/afxdp.err"
	log_test $? "afxdp: the program counted the host's replies as not ours"
	exact afxdp
	log_test $? "afxdp: exactly the 48 replies, once each"
	[ "$(stat afxdp sent)" = 16 ] && [ "$(stat afxdp send_errors)" = 0 ]
	log_test $? "afxdp: 16 RSTs sent through the TX ring"
	n=$(ip netns exec "$tgt" ss -Htn state syn-recv | wc -l)
	echo "# target half-open connections: $n"
	[ "$n" -eq 0 ]
	log_test $? "afxdp: the RSTs reached the target (no SYN-RECV left)"
	ip netns exec "$scan" ethtool -S ks0 2>/dev/null |
		grep -E 'rx_queue_[0-9]+_xdp_packets' | sed 's/^ */# /'
	! xdp_on_ks0
	log_test $? "afxdp: XDP program detached on close"
else
	log_test 1 "afxdp: open"
fi

# ---- coexistence through libxdp's dispatcher --------------------------

other=/usr/lib/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)/bpf/xdpfilt_alw_all.o
[ -f "$other" ] || other=$KSCAN_RX_BPF_OBJ
if command -v xdp-loader >/dev/null &&
	ip netns exec "$scan" xdp-loader load -m native ks0 "$other" \
		>"$dir/loader.out" 2>&1; then
	defer ip netns exec "$scan" xdp-loader unload ks0 --all
	probe_start coexist afxdp --rst && scan && probe_stop && exact coexist
	log_test $? "afxdp beside another libxdp program: exactly the 48"
	ip netns exec "$scan" xdp-loader status ks0 >"$dir/status.out" 2>&1
	grep -q "$(basename "$other" .o)" "$dir/status.out" &&
		! grep -q kscan_rx "$dir/status.out"
	log_test $? "afxdp close leaves the other program attached"
	ip netns exec "$scan" xdp-loader unload ks0 --all >/dev/null 2>&1
else
	sed 's/^/# /' "$dir/loader.out" 2>/dev/null
	log_test $ksft_skip "afxdp beside another libxdp program (xdp-loader)"
fi

# ---- kernel drops ------------------------------------------------------

# 256 addresses x 20 closed ports: 5120 RSTs (no retransmissions) while
# the probe does not read for 4 s; the 2 x 2048 frames of the rings fill
# up. Every reply is either delivered or counted as dropped. Paced, so that
# no veth backlog on the way loses any.
closed=22,23,25,53,79,80,81,88,110,111,113,119,135,139,143,389,443,445,465,587
if probe_start drops afxdp --stall-ms 5000; then
	scan 198.18.1.0/24 "$closed" -r 2000
	log_test $? "drops: 5120 SYNs sent"
	probe_stop 4
	f=$(stat drops frames) d=$(stat drops kernel_drops)
	echo "# delivered $f, dropped $d"
	[ -n "$f" ] && [ -n "$d" ] && [ $((f + d)) -eq 5120 ] && [ "$d" -gt 0 ]
	log_test $? "afxdp overrun: delivered + kernel_drops = 5120, drops > 0"
	n=$(grep -E '^RST ' "$dir/drops.out" | sort -u | wc -l)
	[ "$n" = "$f" ]
	log_test $? "afxdp overrun: no reply delivered twice"
else
	log_test 1 "drops: open"
fi

# ---- without RSTs the target retransmits ------------------------------

# The SYN-ACKs go to the socket, not to the stack: nobody RSTs them, so
# the target sends each again after 1 s. (Proves the redirect takes them
# away from the stack; run last, it leaves half-open connections.)
probe_start noreset afxdp && scan && probe_stop 2.5
sa=$(grep -c '^SA ' "$dir/noreset.out")
rst=$(grep -c '^RST ' "$dir/noreset.out")
echo "# SYN-ACKs $sa, RSTs $rst"
[ "$sa" -gt 16 ] && [ "$rst" -eq 32 ]
log_test $? "afxdp without RSTs: the stack never saw the SYN-ACKs"
listener_stop

# ---- AF_XDP refused: the reason, and AF_PACKET still works ------------

ip netns exec "$scan" "$KSCAN_RX_PROBE" --rx afxdp -i nosuch0 \
	--sport 40000-40999 >"$dir/nodev.out" 2>&1
rc=$?
sed 's/^/# /' "$dir/nodev.out"
[ $rc -eq 2 ] && grep -q '^open: -19: no interface nosuch0' "$dir/nodev.out"
log_test $? "afxdp on a missing interface: -ENODEV with the reason"

# A device without native XDP (dummy): the bind ladder ends on SKB copy
# (native zero-copy and native copy refused), said with -v.
ip -n "$scan" link add name kd0 type dummy && ip -n "$scan" link set kd0 up
ip netns exec "$scan" "$KSCAN_RX_PROBE" --rx afxdp -i kd0 --sport 40000-40999 \
	--duration-ms 200 -v >"$dir/skb.out" 2>&1
rc=$?
grep -v '^afxdp: libbpf\|^afxdp: libxdp' "$dir/skb.out" | sed 's/^/# /'
[ $rc -eq 0 ] && grep -q 'kd0: native zero-copy refused' "$dir/skb.out" &&
	grep -q 'kd0: native copy refused' "$dir/skb.out" &&
	grep -q 'kd0: SKB copy, 1 RX queue' "$dir/skb.out" &&
	! ip -n "$scan" -d link show kd0 | grep -q 'prog/xdp'
log_test $? "afxdp on a device without native XDP: SKB mode, then detached"

# A plain (non-libxdp) XDP program owns the device: libxdp cannot add its
# dispatcher in either mode.
listener_start
if ip -n "$scan" link set dev ks0 xdpgeneric obj "$KSCAN_RX_BPF_OBJ" sec xdp \
	2>"$dir/iplink.err"; then
	ip netns exec "$scan" "$KSCAN_RX_PROBE" --rx afxdp -i ks0 \
		--sport 40000-40999 >"$dir/busy.out" 2>&1
	rc=$?
	sed 's/^/# /' "$dir/busy.out"
	[ $rc -eq 2 ] && grep -q '^open: -[0-9]*: native zero-copy: cannot attach the XDP program: .*; native copy: cannot attach the XDP program: .*; SKB copy: cannot attach the XDP program: .*' "$dir/busy.out"
	log_test $? "afxdp refused by a foreign XDP program: the reason"
	probe_start fallback afpacket && scan && probe_stop && exact fallback
	log_test $? "afpacket on the same device: exactly the 48"
	ip -n "$scan" link set dev ks0 xdpgeneric off
else
	sed 's/^/# /' "$dir/iplink.err"
	log_test $ksft_skip "afxdp refused by a foreign XDP program"
fi

exit $ret
