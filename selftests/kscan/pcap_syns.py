#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The SYNs of a pcap file, decoded without any of kscan's code.

An oracle for the engine tests: reads a classic pcap (tcpdump -w, Ethernet
link type), checks each IPv4/TCP SYN's IP and TCP checksums itself and
prints one line per SYN, "saddr sport daddr dport seq", in capture order.
With --times it prints "count first last" instead: how many SYNs, the
first and last capture timestamps in seconds (for rates on the wire).
Frames that are not IPv4/TCP SYN (without ACK) are skipped; a bad checksum
is counted and the exit code is 1, so that a corrupt probe cannot pass.
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


def frames(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            order = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            order = ">"
        else:
            raise SystemExit("%s: not a pcap file" % path)
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        linktype = struct.unpack(order + "I", head[20:24])[0]
        if linktype != 1:
            raise SystemExit("%s: link type %d, not Ethernet" % (path, linktype))
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _orig = struct.unpack(order + "IIII", rec)
            data = f.read(incl)
            yield sec + frac / (1e9 if nano else 1e6), data


def syn(data):
    """(saddr, sport, daddr, dport, seq, ok) of a SYN, or None."""
    if len(data) < 14 or data[12:14] != b"\x08\x00":
        return None
    ip = data[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    ihl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    if ip[9] != 6 or ihl < 20 or tot > len(ip) or tot < ihl + 20:
        return None
    tcp = ip[ihl:tot]
    flags = tcp[13]
    if not flags & 0x02 or flags & 0x10:
        return None
    ok = csum(ip[:ihl]) == 0xFFFF
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
    ok = ok and csum(pseudo + tcp) == 0xFFFF
    sport, dport, seq = struct.unpack("!HHI", tcp[:8])
    return (socket.inet_ntoa(ip[12:16]), sport, socket.inet_ntoa(ip[16:20]),
            dport, seq, ok)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pcap", nargs="+")
    ap.add_argument("--times", action="store_true")
    a = ap.parse_args()
    bad = count = 0
    first = last = None
    out = sys.stdout
    for path in a.pcap:
        for ts, data in frames(path):
            s = syn(data)
            if s is None:
                continue
            count += 1
            first = ts if first is None else min(first, ts)
            last = ts if last is None else max(last, ts)
            if not s[5]:
                bad += 1
            elif not a.times:
                out.write("%s %d %s %d %d\n" % s[:5])
    if a.times:
        out.write("%d %.6f %.6f\n" % (count, first or 0, last or 0))
    if bad:
        sys.stderr.write("pcap_syns: %d SYNs with a bad checksum\n" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
