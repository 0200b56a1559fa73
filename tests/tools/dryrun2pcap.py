#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn `kscanctl start --dryrun` lines into a classic pcap of SYN frames.

An independent implementation of the probe layout (Ethernet, IPv4 with DF,
TCP SYN with window 65535, checksums per RFC 1071), so that the pcap
checker and kscanctl's --dryrun are tested against code that is not
theirs. Faults can be injected to prove the checker catches them.

Usage: dryrun2pcap.py [--big-endian] [--nanosecond]
                      [--bad-ip-csum N] [--bad-tcp-csum N] [--partial-csum N]
                      [--bad-seq N] [--duplicate N] [--non-syn]
                      OUT.pcap < dryrun-lines
N is the 0-based line number the fault applies to.
"""
import argparse
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def frame(saddr, sport, daddr, dport, seq, ip_id, fault):
    src = socket.inet_aton(saddr)
    dst = socket.inet_aton(daddr)
    flags = 0x12 if fault == "non-syn" else 0x02
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags,
                      65535, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    if fault == "partial-csum":
        # what an unfinished CHECKSUM_PARTIAL leaves: the folded pseudo sum
        check = csum(pseudo)
    else:
        check = (~csum(pseudo + tcp)) & 0xFFFF
    if fault == "bad-tcp-csum":
        check ^= 0x0101
    tcp = tcp[:16] + struct.pack("!H", check) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ip_id, 0x4000,
                     64, 6, 0, src, dst)
    ip_check = (~csum(ip)) & 0xFFFF
    if fault == "bad-ip-csum":
        ip_check ^= 0x0101
    ip = ip[:10] + struct.pack("!H", ip_check) + ip[12:]
    eth = bytes.fromhex("020000000002" "020000000001") + b"\x08\x00"
    return eth + ip + tcp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--big-endian", action="store_true")
    ap.add_argument("--nanosecond", action="store_true")
    for f in ("bad-ip-csum", "bad-tcp-csum", "partial-csum", "bad-seq",
              "duplicate", "non-syn"):
        ap.add_argument("--" + f, type=int, default=-1)
    args = ap.parse_args()

    end = ">" if args.big_endian else "<"
    magic = 0xA1B23C4D if args.nanosecond else 0xA1B2C3D4
    with open(args.out, "wb") as out:
        out.write(struct.pack(end + "IHHiIII", magic, 2, 4, 0, 0, 262144, 1))
        for n, line in enumerate(sys.stdin):
            saddr, sport, daddr, dport, seq, _probe = line.split()
            seq = int(seq)
            fault = None
            for f in ("bad_ip_csum", "bad_tcp_csum", "partial_csum",
                      "non_syn"):
                if getattr(args, f) == n:
                    fault = f.replace("_", "-")
            if args.bad_seq == n:
                seq = (seq + 1) & 0xFFFFFFFF
            pkt = frame(saddr, int(sport), daddr, int(dport), seq, n & 0xFFFF,
                        fault)
            copies = 2 if args.duplicate == n else 1
            for _ in range(copies):
                out.write(struct.pack(end + "IIII", n, 0, len(pkt), len(pkt)))
                out.write(pkt)


if __name__ == "__main__":
    main()
