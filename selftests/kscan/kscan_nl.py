#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic-netlink client of the kscan family, for selftests.

kscanctl only sends well-formed requests; the selftests also need to send
malformed ones (a missing attribute, a value out of range, an unknown flag)
and to read the kernel's errno and extack message. Attribute numbers are
read from include/uapi/linux/kscan.h, so this follows the header.

  kscan_nl.py CMD [NAME=TYPE:VALUE ...] [--dump] [--raw=ID:HEX]
              [--nlflags=N] [--reserved=N]   (extra nlmsg flags, genl
                                               header's reserved field)
  kscan_nl.py listen SECONDS        print "LISTENING" once subscribed, then
                                    events until SECONDS pass
  kscan_nl.py -                     one request per line of stdin (as the
                                    arguments above); each answer ends ".";
                                    "@last" stands for the last SCAN_ID seen

CMD is a KSCAN_CMD_* suffix (start, stop, get, get_info). NAME is a
KSCAN_A_* suffix. TYPE is one of u8 u16 u32 u64 ip mac hex targets
ranges u16s u32s (targets: 198.18.1.0/24,198.18.2.1-198.18.2.9; ranges:
80,443,8000-8010). Replies print as NAME=value lines; a failure prints
"errno=NAME extack=..." and exits 1, followed by what the extended ack
says beyond its message: "bad_attr=NAME" (the attribute it points at,
NLMSGERR_ATTR_OFFS; "TARGETS/TARGET_A_INTERVAL" inside a nest),
"policy=KEY:VALUE,..." (NLMSGERR_ATTR_POLICY: min/max value or length,
mask) and "missing=NAME" (NLMSGERR_ATTR_MISS_TYPE).

A scan belongs to the socket that started it and ends when this program
exits, unless START carries FLAGS=u32:2 (KSCAN_START_F_DETACH).
"""
import errno
import ipaddress
import os
import re
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY = 1, 2, 4
NLMSGERR_ATTR_MISS_TYPE = 5
# enum netlink_policy_type_attr (uapi linux/netlink.h)
POLICY_KEYS = {2: "min", 3: "max", 4: "min", 5: "max", 6: "min_len",
               7: "max_len", 10: "bitfield_mask", 12: "mask"}
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK = 270, 1, 11
NLA_F_NESTED = 1 << 15

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "../../include/uapi/linux/kscan.h")


def uapi_enum(name):
    """Members of `enum NAME` in the uapi header, numbered from 0."""
    text = open(HEADER).read()
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    members, value = {}, 0
    for line in body.splitlines():
        m = re.match(r"\s*(\w+)\s*(?:=\s*([^,]+))?,", line)
        if not m:
            continue
        if m.group(2):
            try:
                value = int(m.group(2), 0)
            except ValueError:
                continue
        members[m.group(1)] = value
        value += 1
    return members


def errname(err):
    """The kernel's name: EOPNOTSUPP, not its alias ENOTSUP."""
    return "EOPNOTSUPP" if err == errno.EOPNOTSUPP else \
        errno.errorcode.get(err, str(err))


CMDS = {k[len("KSCAN_CMD_"):].lower(): v
        for k, v in uapi_enum("kscan_cmd").items()}
ATTRS = {k[len("KSCAN_A_"):]: v for k, v in uapi_enum("kscan_attr").items()}
ATTR_NAMES = {v: k for k, v in ATTRS.items()}
TARGET_A_INTERVAL = uapi_enum("kscan_target_attr")["KSCAN_TARGET_A_INTERVAL"]
TARGET_NAMES = {TARGET_A_INTERVAL: "TARGET_A_INTERVAL"}


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def parse_attrs(data):
    out = []
    while len(data) >= 4:
        length, atype = struct.unpack_from("=HH", data)
        if length < 4:
            break
        out.append((atype & 0x3fff, data[4:length]))
        data = data[(length + 3) & ~3:]
    return out


def parse_ip_ranges(text):
    if text.startswith("@"):
        text = open(text[1:]).read().strip()
    out = []
    for part in text.split(","):
        if "/" in part:
            net = ipaddress.ip_network(part, strict=False)
            out.append((int(net.network_address), int(net.broadcast_address)))
        elif "-" in part:
            a, b = part.split("-")
            out.append((int(ipaddress.ip_address(a)),
                        int(ipaddress.ip_address(b))))
        else:
            out.append((int(ipaddress.ip_address(part)),) * 2)
    return out


def encode(atype_name, spec):
    kind, _, value = spec.partition(":")
    atype = ATTRS[atype_name]
    if kind in ("u8", "u16", "u32", "u64"):
        fmt = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}[kind]
        return nla(atype, struct.pack(fmt, int(value, 0)))
    if kind == "ip":
        return nla(atype, ipaddress.ip_address(value).packed)
    if kind == "mac":
        return nla(atype, bytes(int(x, 16) for x in value.split(":")))
    if kind == "hex":
        return nla(atype, bytes.fromhex(value))
    if kind == "targets":
        # One nest holds at most 5460 intervals (16-bit length): repeat it.
        ivs = [nla(TARGET_A_INTERVAL, struct.pack("!II", a, b))
               for a, b in parse_ip_ranges(value)]
        return b"".join(nla(atype | NLA_F_NESTED, b"".join(ivs[i:i + 5000]))
                        for i in range(0, len(ivs), 5000))
    if kind == "ranges":
        out = b""
        for part in value.split(","):
            a, _, b = part.partition("-")
            out += struct.pack("=HH", int(a), int(b or a))
        return nla(atype, out)
    if kind == "u16s":
        return nla(atype, b"".join(struct.pack("=H", int(x))
                                   for x in value.split(",")))
    if kind == "u32s":
        return nla(atype, b"".join(struct.pack("=I", int(x))
                                   for x in value.split(",")))
    raise SystemExit("unknown attribute type %r" % kind)


def mcast_groups(family_attrs):
    """{name: id} of the multicast groups in a CTRL_CMD_GETFAMILY answer."""
    groups = {}
    for _, grp in parse_attrs(family_attrs.get(CTRL_ATTR_MCAST_GROUPS, b"")):
        g = dict(parse_attrs(grp))
        groups[g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()] = \
            struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
    return groups


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = int(time.time())
        fam = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           nla(CTRL_ATTR_FAMILY_NAME, b"kscan\0"))
        attrs = dict(fam[0])
        self.family = struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID])[0]
        self.groups = mcast_groups(attrs)

    def request(self, family, cmd, payload, flags=0, reserved=0):
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, reserved) + payload
        msg = struct.pack("=IHHII", 16 + len(body), family,
                          NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0)
        self.sent = msg + body
        self.sock.send(self.sent)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            while data:
                length, mtype, mflags, _, _ = struct.unpack_from("=IHHII", data)
                msg, data = data[:length], data[(length + 3) & ~3:]
                if mtype == NLMSG_DONE:
                    return replies
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", msg, 16)[0]
                    if err == 0 and not flags & NLM_F_DUMP:
                        return replies
                    if err == 0:
                        continue
                    skip = 16 + 4 + (16 if mflags & NLM_F_CAPPED else
                                     struct.unpack_from("=I", msg, 20)[0])
                    extack, details = "", []
                    if mflags & NLM_F_ACK_TLVS:
                        for atype, val in parse_attrs(msg[(skip + 3) & ~3:]):
                            if atype == NLMSGERR_ATTR_MSG:
                                extack = val.rstrip(b"\0").decode()
                            elif atype == NLMSGERR_ATTR_OFFS:
                                off = struct.unpack("=I", val)[0]
                                details.append("bad_attr=" +
                                               self.attr_at(off))
                            elif atype == NLMSGERR_ATTR_POLICY:
                                details.append("policy=" + policy_str(val))
                            elif atype == NLMSGERR_ATTR_MISS_TYPE:
                                t = struct.unpack("=I", val)[0]
                                details.append("missing=" +
                                               ATTR_NAMES.get(t, str(t)))
                    raise NlError(err, extack, details)
                replies.append(parse_attrs(msg[20:]))


    def attr_at(self, off):
        """The name of the attribute at byte @off of the last request."""
        pos, end, names = 20, len(self.sent), ATTR_NAMES
        path = []
        while pos + 4 <= end:
            length, atype = struct.unpack_from("=HH", self.sent, pos)
            if length < 4:
                break
            name = names.get(atype & 0x3fff, str(atype & 0x3fff))
            if pos == off:
                return "/".join(path + [name])
            if pos < off < pos + length:
                # inside a nest: descend
                path.append(name)
                names = TARGET_NAMES if name == "TARGETS" else {}
                end, pos = pos + length, pos + 4
                continue
            pos += (length + 3) & ~3
        return "offset:%d" % off


def policy_str(data):
    out = []
    for atype, val in parse_attrs(data):
        key = POLICY_KEYS.get(atype)
        if not key:
            continue
        fmt = {4: "=I", 8: "=Q"}.get(len(val))
        signed = atype in (2, 3)
        if fmt:
            v = struct.unpack(fmt.lower() if signed else fmt, val)[0]
            out.append("%s:%d" % (key, v))
    return ",".join(out)


class NlError(Exception):
    def __init__(self, err, extack, details=()):
        super().__init__(err)
        self.err, self.extack, self.details = err, extack, list(details)


def show(attrs):
    for atype, val in attrs:
        name = ATTR_NAMES.get(atype, str(atype))
        if name in ("INFO_MODULE_VERSION",):
            print("%s=%s" % (name, val.rstrip(b"\0").decode()))
        elif len(val) == 8:
            print("%s=%d" % (name, struct.unpack("=Q", val)[0]))
        elif len(val) == 4:
            print("%s=%d" % (name, struct.unpack("=I", val)[0]))
        elif name == "QUEUE_STATS":
            print("%s=%d queues" % (name, len(parse_attrs(val))))
        else:
            print("%s=%s" % (name, val.hex()))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        nl = Genl()
    except NlError as e:
        print("errno=%s extack=%s" % (errname(e.err), e.extack))
        return 1
    if argv[1] == "listen":
        nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                           nl.groups["events"])
        # Tests wait for this line before they make the event happen.
        print("LISTENING")
        sys.stdout.flush()
        end = time.time() + float(argv[2])
        while time.time() < end:
            ready, _, _ = select.select([nl.sock], [], [], end - time.time())
            if not ready:
                break
            data = nl.sock.recv(1 << 20)
            print("EVENT")
            show(parse_attrs(data[20:]))
            sys.stdout.flush()
        return 0
    if argv[1] == "-":
        worst = 0
        for line in sys.stdin:
            if line.split():
                worst = max(worst, run_one(nl, line.split()))
                print(".")
                sys.stdout.flush()
        return worst
    return run_one(nl, argv[1:])


LAST_ID = ["0"]


def run_one(nl, args):
    args = [a.replace("@last", LAST_ID[0]) for a in args]
    cmd = CMDS[args[0]]
    payload, flags, reserved = b"", 0, 0
    for arg in args[1:]:
        if arg == "--dump":
            flags = NLM_F_DUMP
        elif arg.startswith("--nlflags="):
            flags |= int(arg[len("--nlflags="):], 0)
        elif arg.startswith("--reserved="):
            reserved = int(arg[len("--reserved="):], 0)
        elif arg.startswith("--raw="):
            atype, _, hexval = arg[len("--raw="):].partition(":")
            payload += nla(int(atype), bytes.fromhex(hexval))
        else:
            name, _, spec = arg.partition("=")
            payload += encode(name, spec)
    try:
        replies = nl.request(nl.family, cmd, payload, flags, reserved)
    except NlError as e:
        print("errno=%s extack=%s" % (errname(e.err), e.extack))
        for d in e.details:
            print(d)
        return 1
    for i, attrs in enumerate(replies):
        if i:
            print("--")
        show(attrs)
        for atype, val in attrs:
            if atype == ATTRS["SCAN_ID"] and cmd == CMDS["start"]:
                LAST_ID[0] = str(struct.unpack("=I", val)[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
