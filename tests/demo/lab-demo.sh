#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the lab VM: a real scan. A scanner netns and a target
# netns joined by a veth; the target answers for 198.18.1.0/24 (AnyIP):
# port 22 open on every host, port 80 open on every 8th host, everything
# else closed (the target's stack answers RST). kscanctl start
# --engine=kmod sends the probes from kscan.ko, receives the replies
# (AF_XDP), and prints results, status lines and a report.
set -uo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\n== %s\n' "$*"; }
scan=demo-scan tgt=demo-tgt
ip netns add $scan && ip netns add $tgt || exit 1
trap 'kill $listener 2>/dev/null; ip netns del $scan; ip netns del $tgt' EXIT
ip link add name scan0 netns $scan type veth peer name tgt0 netns $tgt
for ns in $scan $tgt; do ip -n $ns link set lo up; done
ip -n $scan link set scan0 up
ip -n $tgt link set tgt0 up
ip -n $scan addr add 198.19.0.1/24 dev scan0
ip -n $tgt addr add 198.19.0.2/24 dev tgt0
ip -n $scan route add 198.18.1.0/24 via 198.19.0.2
ip -n $tgt route add local 198.18.1.0/24 dev lo
# The scanner's own connections use ports apart from the scan's (32768-61000).
ip netns exec $scan sysctl -qw net.ipv4.ip_local_port_range="61001 65000"

ip netns exec $tgt python3 -c '
import socket, time
socks = []
def listen(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(1024); socks.append(s)
listen("0.0.0.0", 22)
for host in range(0, 256, 8):
    listen("198.18.1.%d" % host, 80)
print("listening", flush=True)
time.sleep(300)' >/tmp/demo-listeners.log &
listener=$!
for ((i = 0; i < 50; i++)); do grep -q listening /tmp/demo-listeners.log && break; sleep 0.2; done

say "kscan.ko and kscanctl"
user/kscanctl version

out=$(mktemp) err=$(mktemp)
say "kscanctl start --engine=kmod -p 22,80,443 -r 2000 -c 2 198.18.1.0/24"
ip netns exec $scan user/kscanctl start --engine=kmod -p 22,80,443 -r 2000 \
	-c 2 -b /dev/null -o "$out" 198.18.1.0/24 2>&1 | tee "$err"
rc=${PIPESTATUS[0]}

say "results (CSV, first 10 of $(($(wc -l <"$out") - 1)))"
head -n 11 "$out"

open=$(grep -c ',synack,' "$out")
closed=$(grep -c ',rst,' "$out")
pps=$(sed -n 's/^pps: //p' "$err")
say "summary"
echo "targets: 256 hosts x 3 ports = 768 probes"
echo "open:    $open (expected 256 on port 22 + 32 on port 80 = 288)"
echo "closed:  $closed (expected 768 - 288 = 480)"
echo "rate:    ${pps:-?} pps (limited to 2000 with -r for the demo)"
rm -f "$out" "$err"
[ $rc -eq 0 ] && [ "$open" -eq 288 ] && [ "$closed" -eq 480 ]
