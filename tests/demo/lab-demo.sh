#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`, inside the lab VM: a real scan by kscan.ko. A scanner netns
# and a target netns joined by a veth; the target answers for
# 198.18.1.0/24 (open ports 22 and 80 on every host, 443 closed).
# kscanctl start --engine=kmod sends the probes; a capture on the target
# side and kscan-pcap-check prove every probe arrived, valid and distinct.
set -uo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\n== %s\n' "$*"; }
scan=demo-scan tgt=demo-tgt
ip netns add $scan && ip netns add $tgt || exit 1
trap 'ip netns del $scan; ip netns del $tgt' EXIT
ip link add name scan0 netns $scan type veth peer name tgt0 netns $tgt
ip -n $scan link set lo up
ip -n $tgt link set lo up
ip -n $scan link set scan0 up
ip -n $tgt link set tgt0 up
ip -n $scan addr add 198.18.0.1/15 dev scan0
ip -n $tgt addr add 198.18.0.2/15 dev tgt0
# The target answers for the whole /24 (AnyIP): listeners on 22 and 80.
ip -n $tgt route add local 198.18.1.0/24 dev lo
ip netns exec $tgt python3 -c '
import socket, time
socks = []
for port in (22, 80):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(4096); socks.append(s)
time.sleep(120)' &
listener=$!
gw=$(ip netns exec $tgt cat /sys/class/net/tgt0/address)
key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
pcap=$(mktemp /tmp/kscan-demo.XXXXXX.pcap)

say "kscan.ko and kscanctl"
user/kscanctl version

say "capturing on the target side"
ip netns exec $tgt tcpdump -i tgt0 -nn -U --immediate-mode -w "$pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null &
cap=$!
sleep 1

say "kscanctl start --engine=kmod -i scan0 -G $gw -S 198.18.0.1 -p 22,80,443 -P 2 198.18.1.0/24"
ip netns exec $scan user/kscanctl start --engine=kmod -i scan0 -G "$gw" \
	-S 198.18.0.1 -p 22,80,443 -P 2 -r 5000 --key "$key" --sw-csum \
	-b /dev/null 198.18.1.0/24
rc=$?
sleep 1
kill -INT $cap; wait $cap 2>/dev/null
kill $listener 2>/dev/null

say "what the target received (tcpdump, first 5)"
tcpdump -nn -r "$pcap" 2>/dev/null | head -5

say "every probe checked against the scan's key (kscan-pcap-check)"
build/tests/tools/kscan-pcap-check --key "$key" --saddr 198.18.0.1 \
	--sport 32768-61000 --probes 2 --ports 22,80,443 \
	--targets 198.18.1.0/24 --expect 1536 "$pcap"
check=$?
rm -f "$pcap"

say "summary"
echo "targets: 256 hosts x 3 ports x 2 probes = 1536 SYNs"
echo "scan: $([ $rc -eq 0 ] && echo completed || echo FAILED); capture check: $([ $check -eq 0 ] && echo PASS || echo FAIL)"
[ $rc -eq 0 ] && [ $check -eq 0 ]
