#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Listeners for scan_e2e.sh: bind TCP listeners on a known set of
(address, port) pairs of the lab's target block and write the expected
results of a scan of BLOCK x PORTS:

  e2e_listeners.py --block 198.18.0.0/20 --filtered 198.18.15.0/24
      --ports 22,80,... --every 17 --expect-dir DIR

DIR/open holds "addr,port" of every listener outside the filtered block,
DIR/closed every other (addr, port) outside it: the exact sets a scan must
report. Listeners bind with IP_FREEBIND (the AnyIP route makes them
reachable). The script writes DIR/ready once listening, then sleeps until
killed; the kernel answers SYN-ACK from the listen queue by itself.
"""
import argparse
import ipaddress
import os
import resource
import signal
import socket
import sys

IP_FREEBIND = 15


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--block", required=True)
    ap.add_argument("--filtered", required=True)
    ap.add_argument("--ports", required=True)
    ap.add_argument("--every", type=int, default=17)
    ap.add_argument("--expect-dir", required=True)
    args = ap.parse_args()

    block = ipaddress.ip_network(args.block)
    filtered = ipaddress.ip_network(args.filtered)
    ports = [int(p) for p in args.ports.split(",")]
    socks, opened, listening = [], set(), set()
    # One descriptor per listener: more than the usual soft limit.
    need = block.num_addresses * len(ports) // args.every + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, max(hard, need)))
    # Every args.every-th (address, port) of the block listens: spread over
    # addresses and ports, some inside the filtered block too.
    for i in range(0, block.num_addresses * len(ports), args.every):
        addr = block[i // len(ports)]
        port = ports[i % len(ports)]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_IP, IP_FREEBIND, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((str(addr), port))
        s.listen(64)
        socks.append(s)
        listening.add((addr, port))
        if addr not in filtered:
            opened.add((addr, port))

    with open(os.path.join(args.expect_dir, "open"), "w") as f:
        for addr, port in sorted(opened):
            f.write(f"{addr},{port}\n")
    with open(os.path.join(args.expect_dir, "closed"), "w") as f:
        for addr in block:
            if addr in filtered:
                continue
            for port in ports:
                if (addr, port) not in listening:
                    f.write(f"{addr},{port}\n")
    with open(os.path.join(args.expect_dir, "ready"), "w") as f:
        f.write(f"{len(socks)}\n")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pause()


if __name__ == "__main__":
    main()
