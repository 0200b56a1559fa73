#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Structure-aware fuzzer of the kscan generic-netlink family.

nl_fuzz.sh runs it inside the lab VM, in network namespaces made for it:

  nl_fuzz.py run NETNS...          phase 1 (systematic) and phase 2 (random)
  nl_fuzz.py send NETNS HEX...     send raw messages (a reproducer: the
                                   family id is patched in) and print the
                                   answers
  nl_fuzz.py print FIRST COUNT     print phase 2 messages FIRST.. of the
                                   seed as hex, without sending anything

Each NETNS has lo, an up dummy "d0" with several TX queues and a down
dummy "d1", created in that order (so that every netns has the same
ifindexes and one message means the same everywhere).

What the fuzzer knows of the family comes from two sources that must
agree, and it checks that they do: the kernel (CTRL_CMD_GETFAMILY for the
ops, CTRL_CMD_GETPOLICY for each op's policy: types, value ranges, lengths,
masks, nesting) and the uapi header include/uapi/linux/kscan.h (the
documented ranges, which attributes are required, the rules between
attributes, the limits). So the messages follow the policy when it
changes, and every answer is checked against a prediction:

  - the core's policy validation is modelled on the message's bytes as
    lib/nlattr.c walks them (strict validation): a refusal must carry the
    predicted errno, point at the first offending attribute
    (NLMSGERR_ATTR_OFFS) and carry its policy (NLMSGERR_ATTR_POLICY);
  - what passes the policy is checked against the header's rules between
    attributes: a refusal must name one of the rules broken (its errno,
    and KSCAN_A_<NAME> in the message or missing=<NAME>); a message that
    breaks none must start a scan;
  - a started scan runs at least 100 ms, then is stopped (STOP, or by
    closing the socket that owns it), and GET must say how it ended, with
    counters that fit its target space.

Safety: a START is never sent unless every target interval it carries,
as the kernel would parse it, lies in 198.18.0.0/15 (RFC 2544); the
devices are dummies in namespaces of the lab VM.

Environment (KSCAN_* reach the lab VM): KSCAN_FUZZ_SEED (phase 2 seed,
printed), KSCAN_FUZZ_COUNT (phase 2 messages, default 100000),
KSCAN_FUZZ_VALID (share of phase 2 messages that are valid STARTs,
default 0.005: a scan costs tens of messages' time to start and end),
KSCAN_FUZZ_TIMEOUT (seconds an answer may take, default 10),
KSCAN_FUZZ_FEEDER=0 (make phase 2's messages in this process instead of
a child: for a one-CPU VM), KSCAN_FUZZ_PROFILE=1 (print a cProfile of
phase 2: Python under TCG is what limits the message rate).

Output: "CHECK RC DESCRIPTION" lines (nl_fuzz.sh turns them into
log_test lines) and "# ..." lines for people. Exit 1 if a check failed.
"""
import ast
import collections
import ctypes
import errno
import functools
import heapq
import os
import pickle
import random
import re
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kscan_nl as knl  # noqa: E402

E = errno
unpack_from = struct.unpack_from
pack_into = struct.pack_into

# ---- netlink constants (uapi linux/netlink.h, linux/genetlink.h) --------

NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 0x1, 0x2, 0x4, 0x8
NLM_F_ROOT, NLM_F_MATCH, NLM_F_DUMP = 0x100, 0x200, 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_POLICY, NLMSGERR_ATTR_MISS_TYPE = 4, 5
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11
NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_TYPE_MASK = 0x8000, 0x4000, 0x3fff
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY = 0x10, 3, 10
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_VERSION = 1, 2, 3
CTRL_ATTR_OPS, CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY = 6, 8, 9
CTRL_ATTR_OP_ID, CTRL_ATTR_OP_FLAGS = 1, 2
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP = 0x1, 0x2, 0x4
# enum netlink_attribute_type and enum netlink_policy_type_attr
NL_ATTR_TYPES = {1: "flag", 2: "u8", 3: "u16", 4: "u32", 5: "u64",
                 6: "s8", 7: "s16", 8: "s32", 9: "s64", 10: "binary",
                 11: "string", 12: "nul_string", 13: "nested",
                 14: "nested_array", 15: "bitfield32"}
PT_TYPE, PT_MIN_U, PT_MAX_U, PT_MIN_LEN, PT_MAX_LEN = 1, 4, 5, 6, 7
PT_POLICY_IDX, PT_POLICY_MAXTYPE, PT_MASK = 8, 9, 12
CLONE_NEWNET = 0x40000000

INT_SIZE = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "be32": 4}
INT_FMT = {1: "=B", 2: "=H", 4: "=I", 8: "=Q"}
# The largest payload one attribute can carry (16-bit nla_len).
NLA_MAX_PAYLOAD = 0xffff - 4

# The only addresses a scan of this fuzzer may target (RFC 2544).
LAB_FIRST, LAB_LAST = 0xc6120000, 0xc613ffff

# ---- the uapi header: constants, enums, documentation --------------------


def c_eval(expr, names):
    """Value of a C constant expression of the header (ints, names, + - *
    / << >> | & ~ and parentheses); None if it uses anything else."""
    expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b", r"\1", expr.strip())
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return None
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a // b,
           ast.LShift: lambda a, b: a << b, ast.RShift: lambda a, b: a >> b,
           ast.BitOr: lambda a, b: a | b, ast.BitAnd: lambda a, b: a & b}

    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, int):
            return n.value
        if isinstance(n, ast.Name):
            return names[n.id]
        if isinstance(n, ast.BinOp) and type(n.op) in ops:
            return ops[type(n.op)](ev(n.left), ev(n.right))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -ev(n.operand)
        raise KeyError(n)
    try:
        return ev(tree)
    except (KeyError, ZeroDivisionError):
        return None


class Header:
    """What include/uapi/linux/kscan.h says, as values."""

    def __init__(self, path):
        text = open(path).read()
        self.text = text
        names = {"INT_MAX": 2**31 - 1, "U16_MAX": 2**16 - 1,
                 "U32_MAX": 2**32 - 1, "U64_MAX": 2**64 - 1}
        self.enums = {}
        # Defines and enums in the order they appear, so that later ones
        # may use earlier ones.
        for m in re.finditer(r"^#define\s+(\w+)\s+(.+?)\s*$|"
                             r"^enum (\w+) \{(.*?)\};", text, re.M | re.S):
            if m.group(1):
                v = c_eval(m.group(2), names)
                if v is not None:
                    names[m.group(1)] = v
                continue
            members, value = {}, 0
            for line in m.group(4).splitlines():
                line = re.sub(r"/\*.*?\*/", "", line)
                mm = re.match(r"\s*(\w+)\s*(?:=\s*([^,]+))?,?\s*$", line)
                if not mm:
                    continue
                if mm.group(2):
                    value = c_eval(mm.group(2), names)
                members[mm.group(1)] = value
                names[mm.group(1)] = value
                value += 1
            self.enums[m.group(3)] = members
        self.names = names

    def __getitem__(self, name):
        return self.names[name]

    def doc_start(self):
        """{NAME: entry} of the START section of the header's comment.
        An entry: kind ("u32", "be32", "binary", "nest", "bytes"), range
        (lo, hi) or None, lengths (lo, hi) or None, mask or None,
        required (bool)."""
        m = re.search(r"\* KSCAN_CMD_START:(.*?)\* KSCAN_CMD_STOP:",
                      self.text, re.S)
        if not m:
            return None
        entries, cur = {}, None
        for line in m.group(1).splitlines():
            line = re.sub(r"^\s*\*", "", line)
            mm = re.match(r"^ {5}KSCAN_A_(\w+):\s+(.*)$", line)
            if mm:
                cur = mm.group(1)
                entries[cur] = mm.group(2)
            elif cur and re.match(r"^ {6,}\S", line):
                entries[cur] += " " + line.strip()
        return {name: self.doc_entry(text) for name, text in entries.items()}

    def doc_entry(self, text):
        e = {"text": text, "kind": None, "range": None, "lengths": None,
             "mask": None, "required": bool(re.search(r"\breq\b", text))}
        m = re.match(r"(u8|u16|u32|u64|be32|binary|nest)\b", text)
        if m:
            e["kind"] = m.group(1)
        m = re.match(r"(\w+) bytes( exactly)?\b", text)
        if m and c_eval(m.group(1), self.names) is not None:
            n = c_eval(m.group(1), self.names)
            e["kind"], e["lengths"] = "binary", (n, n)
        m = re.search(r"\[([^\],]+),([^\]]+)\]( bytes)?", text)
        if m and e["kind"] != "nest":
            lo, hi = (c_eval(m.group(1), self.names),
                      c_eval(m.group(2), self.names))
            if m.group(3) or e["kind"] == "binary":
                e["lengths"] = (lo, hi)
            else:
                e["range"] = (lo, hi)
        m = re.search(r"\bmask (\w+)", text)
        if m:
            e["mask"] = self.names.get(m.group(1))
        if e["kind"] in ("u8", "u16", "u32", "u64") and not e["range"] \
                and e["mask"] is None:
            # No range stated: the whole type.
            e["range"] = (0, 2**(8 * INT_SIZE[e["kind"]]) - 1)
        return e

    def doc_scan_id(self, cmd):
        """The documented (lo, hi) of KSCAN_A_SCAN_ID in STOP or GET."""
        m = re.search(r"\* KSCAN_CMD_%s:(.*?)\*\s*$" % cmd, self.text,
                      re.S | re.M)
        if not m:
            return None
        mm = re.search(r"KSCAN_A_SCAN_ID:?\s*\(?u32 \[([^,]+),([^\]]+)\]",
                       m.group(1))
        if not mm:
            return None
        return (c_eval(mm.group(1), self.names),
                c_eval(mm.group(2), self.names))


H = Header(knl.HEADER)
A = knl.ATTRS                       # "IFINDEX" -> number
ANAME = knl.ATTR_NAMES              # number -> "IFINDEX"
CMD = {k[len("KSCAN_CMD_"):]: v for k, v in H.enums["kscan_cmd"].items()}
ST = {k[len("KSCAN_STATE_"):]: v for k, v in H.enums["kscan_state"].items()}
RS = {k[len("KSCAN_REASON_"):]: v
      for k, v in H.enums["kscan_reason"].items()}
A_MAX = H["KSCAN_A_MAX"]
TARGET_A_INTERVAL = H["KSCAN_TARGET_A_INTERVAL"]
F_DETACH = H["KSCAN_START_F_DETACH"]
MAX_SCANS = H["KSCAN_MAX_SCANS_PER_NETNS"]
MAX_INTERVALS = H["KSCAN_MAX_INTERVALS"]
KEY_LEN = H["KSCAN_KEY_LEN"]

# ---- output --------------------------------------------------------------


def info(text):
    print("# " + text, flush=True)


class Checks:
    """Named checks: each counts its cases and keeps a few failures to
    print. A check with no case at all is reported as a failure."""

    SHOW = 8

    def __init__(self):
        self.order, self.ok, self.bad, self.samples = [], {}, {}, {}

    def add(self, name):
        if name not in self.ok:
            self.order.append(name)
            self.ok[name], self.bad[name], self.samples[name] = 0, 0, []

    def good(self, name):
        try:
            self.ok[name] += 1
        except KeyError:
            self.add(name)
            self.ok[name] += 1

    def fail(self, name, what):
        self.add(name)
        self.bad[name] += 1
        if len(self.samples[name]) < self.SHOW:
            self.samples[name].append(what)
            info("FAIL [%s]: %s" % (name, what))

    def expect(self, name, cond, what):
        if cond:
            self.good(name)
        else:
            self.fail(name, what)
        return cond

    def report(self):
        worst = 0
        for name in self.order:
            ok, bad = self.ok[name], self.bad[name]
            rc = 1 if bad or not ok else 0
            worst = max(worst, rc)
            extra = " (%d failed)" % bad if bad else ""
            print("CHECK %d %s: %d cases%s" % (rc, name, ok + bad, extra),
                  flush=True)
        return worst


CK = Checks()

# ---- sockets in network namespaces ---------------------------------------

libc = ctypes.CDLL(None, use_errno=True)
HOME_NS = os.open("/proc/self/ns/net", os.O_RDONLY)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "setns")


TIMEOUT = float(os.environ.get("KSCAN_FUZZ_TIMEOUT", "10"))


class Hang(Exception):
    pass


class Sock:
    """A raw NETLINK_GENERIC socket, created in netns @nsfd. Extended
    acks on; acks capped (no copy of the request: offsets are all we
    need); a receive timeout, so a request the kernel never answers is a
    failure, not a hang of the test."""

    def __init__(self, nsfd):
        setns(nsfd)
        try:
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        finally:
            setns(HOME_NS)
        s.setsockopt(knl.SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.setsockopt(knl.SOL_NETLINK, NETLINK_CAP_ACK, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        # SO_RCVTIMEO keeps the socket blocking: one syscall per recv.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                     struct.pack("ll", int(TIMEOUT), 0))
        s.bind((0, 0))
        self.s = s
        self.buf = bytearray(1 << 18)
        self.closed = False

    def close(self):
        if not self.closed:
            self.s.close()
            self.closed = True


class Answer:
    """What the kernel said to one request (by its sequence number). The
    defaults are the class's: an answer sets only what it has (one
    request per message: this is the hot path)."""
    err = None          # errno of the ack (0: success), None: none
    msg = None          # NLMSGERR_ATTR_MSG
    off = None          # NLMSGERR_ATTR_OFFS
    pol = None          # NLMSGERR_ATTR_POLICY (raw)
    missing = None      # NLMSGERR_ATTR_MISS_TYPE
    replies = ()        # payloads (from the genl header on)
    done = False        # NLMSG_DONE seen (dumps)
    stray = 0           # messages of other sequence numbers
    senderr = None      # errno of send() itself

    def __str__(self):
        if self.senderr is not None:
            return "send() failed with %s" % knl.errname(self.senderr)
        if self.err is None and not self.replies and not self.done:
            return "no answer"
        out = []
        if self.replies:
            out.append("%d replies" % len(self.replies))
        if self.done:
            out.append("DONE")
        if self.err is not None:
            out.append("errno=%s" % (knl.errname(self.err) if self.err
                                     else "0"))
        if self.msg is not None:
            out.append("extack=%r" % self.msg)
        if self.off is not None:
            out.append("bad_off=%d" % self.off)
        if self.pol is not None:
            out.append("policy=" + knl.policy_str(self.pol))
        if self.missing is not None:
            out.append("missing=%s" % ANAME.get(self.missing, self.missing))
        return " ".join(out)


def parse_ack_tlvs(ans, buf, p, end):
    while p + 4 <= end:
        ln, ty = unpack_from("=HH", buf, p)
        if ln < 4:
            break
        ty &= NLA_TYPE_MASK
        if ty == NLMSGERR_ATTR_MSG:
            ans.msg = bytes(buf[p + 4:p + ln]).rstrip(b"\0").decode(
                errors="replace")
        elif ty == NLMSGERR_ATTR_OFFS:
            ans.off = unpack_from("=I", buf, p + 4)[0]
        elif ty == NLMSGERR_ATTR_POLICY:
            ans.pol = bytes(buf[p + 4:p + ln])
        elif ty == NLMSGERR_ATTR_MISS_TYPE:
            ans.missing = unpack_from("=I", buf, p + 4)[0]
        p += (ln + 3) & ~3


def noop_msg(seq):
    """A message the netlink core answers by itself (an ack): sent after
    a request that may get no answer, it tells that all is said."""
    return struct.pack("=IHHII", 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK,
                       seq, 0)


def exchange(sock, msg, seq, sentinel):
    """Send @msg (sequence @seq) and collect its answer. With @sentinel,
    a NOOP follows and the answer ends with the NOOP's ack (a request
    without NLM_F_ACK, or one the kernel may drop, has no end of its
    own); otherwise it ends with the ack or NLMSG_DONE of @seq."""
    s, buf = sock.s, sock.buf
    ans = Answer()
    try:
        s.send(msg)
    except OSError as e:
        ans.senderr = e.errno
        return ans
    if sentinel:
        s.send(noop_msg(seq + 1))
    else:
        # The usual answer: one ack, alone in its datagram.
        try:
            n = s.recv_into(buf)
        except BlockingIOError:
            raise Hang()
        ln, ty, fl, sq, _, err = unpack_from("=IHHIIi", buf, 0)
        if ty == NLMSG_ERROR and sq == seq and ln == n:
            ans.err = -err
            if fl & NLM_F_ACK_TLVS:
                skip = 36 if fl & NLM_F_CAPPED else \
                    20 + unpack_from("=I", buf, 20)[0]
                parse_ack_tlvs(ans, buf, (skip + 3) & ~3, ln)
            return ans
        return exchange_rest(s, buf, ans, seq, sentinel, n)
    return exchange_rest(s, buf, ans, seq, sentinel, 0)


def exchange_rest(s, buf, ans, seq, sentinel, n):
    """exchange() beyond one ack: replies, dumps, the sentinel. @n bytes
    of @buf are a datagram read already."""
    ans.replies = []
    sentinel_seen = False
    multi = False
    while True:
        if not n:
            try:
                n = s.recv_into(buf)
            except BlockingIOError:
                raise Hang()
        p = 0
        while p + 16 <= n:
            ln, ty, fl, sq = unpack_from("=IHHI", buf, p)
            if ln < 16:
                break
            if sq == seq:
                if ty == NLMSG_ERROR:
                    ans.err = -unpack_from("=i", buf, p + 16)[0]
                    # nlmsgerr: error, then the request's header (capped)
                    # or the whole request.
                    skip = 36 if fl & NLM_F_CAPPED else \
                        20 + unpack_from("=I", buf, p + 20)[0]
                    if fl & NLM_F_ACK_TLVS:
                        parse_ack_tlvs(ans, buf, p + ((skip + 3) & ~3),
                                       p + ln)
                elif ty == NLMSG_DONE:
                    ans.done = True
                    if ln >= 20:
                        e = -unpack_from("=i", buf, p + 16)[0]
                        if e:
                            ans.err = e
                    if fl & NLM_F_ACK_TLVS:
                        parse_ack_tlvs(ans, buf, p + 20, p + ln)
                else:
                    if fl & NLM_F_MULTI:
                        multi = True
                    ans.replies.append(bytes(buf[p + 16:p + ln]))
            elif sentinel and sq == seq + 1 and ty == NLMSG_ERROR:
                sentinel_seen = True
            else:
                ans.stray += 1
            p += (ln + 3) & ~3
        n = 0
        if sentinel:
            if sentinel_seen and (not multi or ans.done or
                                  ans.err is not None):
                return ans
        elif ans.done or (ans.err is not None and not multi):
            return ans


# ---- the family as the kernel describes it -------------------------------


class Pol:
    """One attribute's policy. @kind: "int", "binary", "nested", "flag"
    or "other"; @haspol: the kernel can describe it (an ack then carries
    NLMSGERR_ATTR_POLICY)."""

    def __init__(self, typ, raw=None):
        self.type = typ
        self.raw = raw
        self.kind = ("int" if typ in INT_SIZE else
                     typ if typ in ("binary", "nested", "flag") else "other")
        self.size = INT_SIZE.get(typ, 0)
        self.lo, self.hi, self.mask = 0, 0, None
        if self.size:
            self.hi = 2**(8 * self.size) - 1
        if typ == "binary":
            self.hi = NLA_MAX_PAYLOAD
        self.sub, self.submax = None, 0
        self.haspol = raw is not None

    def tup(self):
        """The form the validator model reads (see core_check)."""
        k = {"int": 1, "binary": 2, "nested": 3, "flag": 4}.get(self.kind, 5)
        return (k, self.size, self.lo, self.hi, self.mask, self.sub,
                self.submax, self.haspol)

    def __str__(self):
        if self.mask is not None:
            return "%s mask 0x%x" % (self.type, self.mask)
        if self.kind == "binary":
            return "binary len [%d, %d]" % (self.lo, self.hi)
        if self.kind == "int":
            return "%s [%d, %d]" % (self.type, self.lo, self.hi)
        return self.type


def decode_pol(raw):
    d = dict(knl.parse_attrs(raw))

    def u(k, dflt=None):
        if k not in d:
            return dflt
        v = d[k]
        return struct.unpack({4: "=I", 8: "=Q"}[len(v)], v)[0]
    p = Pol(NL_ATTR_TYPES.get(u(PT_TYPE), "other"), raw)
    if p.kind == "int":
        if PT_MASK in d:
            p.mask = u(PT_MASK)
        else:
            p.lo, p.hi = u(PT_MIN_U, 0), u(PT_MAX_U, p.hi)
    elif p.kind == "binary":
        p.lo, p.hi = u(PT_MIN_LEN, 0), u(PT_MAX_LEN, NLA_MAX_PAYLOAD)
    elif p.kind == "nested":
        p.sub, p.submax = u(PT_POLICY_IDX), u(PT_POLICY_MAXTYPE, 0)
    return p


class Family:
    """The family's ops and per-op policies, from the kernel."""

    def __init__(self):
        nl = knl.Genl()
        self.id = nl.family
        fam = dict(nl.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                              knl.nla(CTRL_ATTR_FAMILY_NAME,
                                      b"kscan\0"))[0])
        self.version = struct.unpack("=I", fam[CTRL_ATTR_VERSION])[0]
        self.ops = {}               # cmd -> GENL_* flags
        for _, op in knl.parse_attrs(fam.get(CTRL_ATTR_OPS, b"")):
            o = dict(knl.parse_attrs(op))
            self.ops[struct.unpack("=I", o[CTRL_ATTR_OP_ID])[0]] = \
                struct.unpack("=I", o.get(CTRL_ATTR_OP_FLAGS,
                                          b"\0\0\0\0"))[0]
        self.op_pol = {}            # cmd -> {"do": idx, "dump": idx}
        self.pols = {}              # idx -> {attr: Pol}
        for attrs in nl.request(GENL_ID_CTRL, CTRL_CMD_GETPOLICY,
                                knl.nla(CTRL_ATTR_FAMILY_NAME, b"kscan\0"),
                                NLM_F_DUMP):
            for t, v in attrs:
                if t == CTRL_ATTR_OP_POLICY:
                    for cmd, inner in knl.parse_attrs(v):
                        d = {k: struct.unpack("=I", x)[0]
                             for k, x in knl.parse_attrs(inner)}
                        self.op_pol[cmd] = {
                            "do": d.get(CTRL_ATTR_POLICY_DO),
                            "dump": d.get(CTRL_ATTR_POLICY_DUMP)}
                elif t == CTRL_ATTR_POLICY:
                    for idx, pv in knl.parse_attrs(v):
                        pol = self.pols.setdefault(idx, {})
                        for atype, av in knl.parse_attrs(pv):
                            pol[atype] = decode_pol(av)
        nl.sock.close()
        # Nested policies: link each to its table.
        for pol in self.pols.values():
            for p in pol.values():
                if p.kind == "nested" and p.sub is not None:
                    p.sub = self.pols.setdefault(p.sub, {})

    def policy(self, cmd, dump=False):
        """{attr: Pol} of @cmd's do (or dump) policy, {} if it has none."""
        idx = self.op_pol.get(cmd, {}).get("dump" if dump else "do")
        return self.pols.get(idx, {}) if idx is not None else {}


def effective_policy(fam, doc, cmd, dump=False):
    """@cmd's policy as the core applies it. GETPOLICY in Linux 6.1 cannot
    show some of it (the CHK_LISTED and CHK_RANGES checks report that):
    NLA_BE32 attributes (not dumped at all) and the length bounds of a
    binary with a range pointer (NLA_POLICY_FULL_RANGE); for those the
    header's documentation stands in."""
    pol = dict(fam.policy(cmd, dump))
    if cmd != CMD["START"]:
        return pol
    for name, e in doc.items():
        t = A.get(name)
        if t not in pol:
            if e["kind"] == "be32":
                pol[t] = Pol("be32")
        elif pol[t].kind == "binary" and e["lengths"] and \
                (pol[t].lo, pol[t].hi) == (0, NLA_MAX_PAYLOAD):
            p = Pol("binary", pol[t].raw)
            p.lo, p.hi = e["lengths"]
            pol[t] = p
    return pol


def tuples(pol):
    """{attr: tuple} for core_check, nested tables converted too."""
    out = {}
    for t, p in pol.items():
        tup = list(p.tup())
        if tup[5] is not None:
            tup[5] = tuples(tup[5])
        out[t] = tuple(tup)
    return out


def core_check(buf, off, end, pols, maxtype):
    """The strict policy validation of lib/nlattr.c (__nla_validate_parse,
    validate_nla; Linux 6.1) applied to the attributes at buf[off:end]:
    None if the core accepts them, else (errno, offset of the attribute it
    points at or None, whether the ack carries the attribute's policy).
    The first attribute that fails decides, as in the kernel."""
    rem = end - off
    while rem >= 4:
        ln, ty = unpack_from("=HH", buf, off)
        if ln < 4 or ln > rem:
            break
        t = ty & NLA_TYPE_MASK
        p = pols.get(t) if 0 < t <= maxtype else None
        if p is None:
            # "Unknown attribute type" or "Unsupported attribute" (an
            # NLA_UNSPEC entry under strict validation).
            return (E.EINVAL, off, False)
        kind, fixed, lo, hi, mask, sub, submax, haspol = p
        alen = ln - 4
        if fixed and alen != fixed:
            return (E.EINVAL, off, haspol)
        if kind == 3:
            if not ty & NLA_F_NESTED:
                return (E.EINVAL, off, haspol)
            if alen:
                if alen < 4:
                    return (E.ERANGE, off, haspol)
                if sub is not None:
                    r = core_check(buf, off + 4, off + ln, sub, submax)
                    if r:
                        return r
        else:
            if ty & NLA_F_NESTED:
                return (E.EINVAL, off, haspol)
            if kind == 1:
                v = unpack_from(INT_FMT[fixed], buf, off + 4)[0]
                if mask is not None:
                    if v & ~mask:
                        # "reserved bit set": NL_SET_ERR_MSG_ATTR, no
                        # policy in 6.1's ack.
                        return (E.EINVAL, off, False)
                elif v < lo or v > hi:
                    return (E.ERANGE, off, haspol)
            elif kind == 2:
                if alen < lo or alen > hi:
                    return (E.ERANGE, off, haspol)
            elif kind == 4:
                if alen:
                    return (E.ERANGE, off, haspol)
        step = (ln + 3) & ~3
        off += step
        rem -= step
    if rem > 0:
        return (E.EINVAL, None, False)  # "bytes leftover after parsing"
    return None


def walk(buf, off, end):
    """(offset, type with flags, payload start, end) of each attribute at
    buf[off:end], as nla_for_each_attr() walks them."""
    rem = end - off
    while rem >= 4:
        ln, ty = unpack_from("=HH", buf, off)
        if ln < 4 or ln > rem:
            return
        yield off, ty, off + 4, off + ln
        step = (ln + 3) & ~3
        off += step
        rem -= step


def targets_safe(buf, nlen, start=20):
    """Whether every interval of every KSCAN_A_TARGETS the kernel would
    find in this message lies in the lab's range. Errs on the safe side:
    any inner attribute of the interval's type with 8 bytes or more
    counts, whatever its flags and length."""
    for _, ty, p, e in walk(buf, start, nlen):
        if ty & NLA_TYPE_MASK != A["TARGETS"]:
            continue
        for _, ity, ip, ie in walk(buf, p, e):
            if ity & NLA_TYPE_MASK == TARGET_A_INTERVAL and ie - ip >= 8:
                a, b = struct.unpack_from("!II", buf, ip)
                if not (LAB_FIRST <= a <= LAB_LAST and
                        LAB_FIRST <= b <= LAB_LAST):
                    return False
    return True


# ---- the lab: namespaces, devices, scans ---------------------------------


def online_cpus():
    out = set()
    for part in open("/sys/devices/system/cpu/online").read().split(","):
        a, _, b = part.strip().partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


class Netns:
    def __init__(self, spec):
        # NAME:IFINDEX_UP:IFINDEX_DOWN:TX_QUEUES
        name, up, down, txq = spec.split(":")
        self.name = name
        self.fd = os.open("/run/netns/" + name, os.O_RDONLY)
        self.lo, self.up, self.down, self.txq = 1, int(up), int(down), \
            int(txq)
        self.sock = Sock(self.fd)
        self.live = {}          # id -> Scan, started and not seen ended
        self.ended = {}         # id -> (state, reason) as last seen
        self.recent = collections.deque(maxlen=32)  # ended ids, to pick

    def __str__(self):
        return self.name


class Scan:
    """A scan this fuzzer started, and what it must look like."""
    __slots__ = ("id", "ns", "sock", "t0", "due", "detach", "total",
                 "rate", "nq", "burst", "key", "ifindex", "cost", "fast",
                 "by_close")

    def age(self, now):
        return now - self.t0

    def may_be_done(self, now):
        """Whether the scan may have sent all it had to by @now (then it
        ends by itself: DONE). A generous bound on what the lab sends:
        the scan's rate, else 50 Mpps."""
        pps = self.rate if 0 < self.rate <= 50_000_000 else 50_000_000
        return self.total <= pps * (now - self.t0 + 1.0) + \
            self.nq * (self.burst + 1) + 64


MIN_RUN = 0.1               # a started scan runs at least this long
MAX_LIVE_QUEUES = 48        # generator threads with an skb pool, at once
MAX_FAST = 1                # scans at full speed at once (2 vCPUs)


class Lab:
    def __init__(self, specs):
        self.ns = [Netns(s) for s in specs]
        self.by_id = {}         # every id this fuzzer saw started -> Netns
        self.heap = []          # (due, id) of live scans
        self.seq = int(time.time()) & 0x3fffffff
        self.cpus = online_cpus()
        self.allowed = os.sched_getaffinity(0)
        self.max_id = 0
        self.live_queues = 0
        self.fast = 0
        self.t_reap = 0.0
        self.sched = random.Random(1)   # timing decisions only
        self.stats = {"started": 0, "stop": 0, "close": 0, "fuzz_stop": 0,
                      "done": 0, "detached_survived": 0, "lab_msgs": 0}
        for n in self.ns[1:]:
            if (n.up, n.down, n.txq) != (self.ns[0].up, self.ns[0].down,
                                         self.ns[0].txq):
                raise SystemExit("every netns must have the same devices")

    def next_seq(self):
        self.seq = (self.seq + 2) & 0xffffffff
        return self.seq

    def live_count(self):
        return sum(len(n.live) for n in self.ns)

    # -- requests of the lab itself (not fuzz) --

    def request(self, ns, cmd, body, flags=NLM_F_REQUEST | NLM_F_ACK,
                sock=None):
        seq = self.next_seq()
        msg = build(cmd, body, flags, seq=seq)
        self.stats["lab_msgs"] += 1
        now = time.monotonic()
        if now > WATCHDOG[0]:
            pet_watchdog(now)
        return exchange(sock or ns.sock, msg, seq, False)

    def get(self, ns, sid):
        return self.request(ns, CMD["GET"], nla_u32(A["SCAN_ID"], sid))

    def dump(self, ns):
        return self.request(ns, CMD["GET"], b"",
                            NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)

    # -- scans --

    def register(self, ns, sid, conf, sock, now, hold=0.0):
        s = Scan()
        s.id, s.ns, s.sock, s.t0 = sid, ns, sock, now
        s.detach, s.total, s.rate, s.nq, s.burst, s.key, s.ifindex, \
            s.cost = conf
        s.fast = s.rate == 0 or s.rate > 200_000
        # Most run between 100 ms and 1.5 s, so that several run at once;
        # @hold: at least that long.
        s.due = now + max(hold, MIN_RUN + self.sched.random() * 1.4)
        s.by_close = sock is not ns.sock
        ns.live[sid] = s
        self.by_id[sid] = ns
        self.max_id = max(self.max_id, sid)
        heapq.heappush(self.heap, (s.due, sid))
        self.live_queues += s.cost
        self.fast += s.fast
        self.stats["started"] += 1
        return s

    def forget(self, s, state):
        if s.id not in s.ns.live:
            return
        del s.ns.live[s.id]
        s.ns.ended[s.id] = state
        s.ns.recent.append(s.id)
        self.live_queues -= s.cost
        self.fast -= s.fast
        if s.by_close and not s.sock.closed:
            s.sock.close()

    def reap(self, now, force=False):
        """End the scans that are due (all of them with @force, once each
        has run MIN_RUN)."""
        t = time.perf_counter()
        self.reap_due(now, force)
        self.t_reap += time.perf_counter() - t

    def reap_due(self, now, force):
        while self.heap and (force or self.heap[0][0] <= now):
            due, sid = heapq.heappop(self.heap)
            ns = self.by_id[sid]
            s = ns.live.get(sid)
            if s is None:
                continue        # a fuzz STOP ended it already
            wait = s.t0 + MIN_RUN - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.retire(s)
            now = time.monotonic()

    def make_room(self, cost, fast):
        """Before a START that will succeed: keep the skb pools and the
        full-speed scans bounded, ending the oldest scans early (still
        after MIN_RUN) if needed."""
        while self.heap and (self.live_queues + cost > MAX_LIVE_QUEUES or
                             (fast and self.fast >= MAX_FAST)):
            # The oldest first: the heap is by due time, close enough.
            due, sid = heapq.heappop(self.heap)
            s = self.by_id[sid].live.get(sid)
            if s is None:
                continue
            wait = s.t0 + MIN_RUN - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.retire(s)

    def retire(self, s):
        """End @s as planned: close its socket (owner-bound ending), or
        STOP it; then GET must tell how it ended."""
        ns, now = s.ns, time.monotonic()
        if s.by_close:
            s.sock.close()
            if s.detach:
                # A detached scan outlives its socket.
                st = self.check_state(
                    s, "detached scan after its socket closed",
                    (ST["RUNNING"],), (RS["NONE"],), "CLOSE")
                if st is None or s.id not in ns.live:
                    return      # ended by itself meanwhile (DONE)
                self.stats["detached_survived"] += 1
                self.stop(s, now)
                return
            self.stats["close"] += 1
            self.check_state(s, "after its owning socket closed",
                             (ST["ABORTED"],), (RS["OWNER_GONE"],), "CLOSE",
                             final=True)
            return
        self.stop(s, now)

    def stop(self, s, now):
        ans = self.request(s.ns, CMD["STOP"], nla_u32(A["SCAN_ID"], s.id))
        name = "STOP"
        if ans.err == 0:
            self.stats["stop"] += 1
            CK.good(CHK_STOP)
            self.check_state(s, "after STOP", (ST["ABORTED"],),
                             (RS["STOPPED"],), name, final=True)
        elif ans.err == E.EALREADY and s.may_be_done(now):
            CK.good(CHK_STOP)
            self.check_state(s, "after STOP said EALREADY", (), (), name,
                             final=True)
        else:
            CK.fail(CHK_STOP, "STOP of scan %d (%s, %.0f ms old): %s" % (
                s.id, s.ns, 1e3 * s.age(now), ans))
            self.forget(s, (None, None))

    def check_state(self, s, when, states, reasons, how, final=False):
        """GET @s: its state must be one of @states with one of @reasons,
        or DONE (COMPLETED or BUDGET) if it may have run out of work;
        its counters must fit it. Returns (state, reason) or None."""
        now = time.monotonic()
        ans = self.get(s.ns, s.id)
        chk = CHK_CLOSE if how == "CLOSE" else CHK_STOP
        if ans.err or not ans.replies:
            CK.fail(chk, "GET of scan %d %s: %s" % (s.id, when, ans))
            self.forget(s, (None, None))
            return None
        f = scan_fields(ans.replies[0])
        st, rs = f.get("STATE"), f.get("REASON")
        done = st == ST["DONE"] and rs in (RS["COMPLETED"], RS["BUDGET"])
        ok = (st in states and rs in reasons) or \
            (done and s.may_be_done(now))
        CK.expect(chk, ok, "scan %d %s: state %s reason %s (%.0f ms old)"
                  % (s.id, when, st, rs, 1e3 * s.age(now)))
        self.check_counters(s, f, ans.replies[0])
        if st == ST["DONE"]:
            self.stats["done"] += 1
        if final or st != ST["RUNNING"]:
            self.forget(s, (st, rs))
        return (st, rs)

    def check_counters(self, s, f, raw):
        what = "scan %d: %s" % (s.id, " ".join(
            "%s=%s" % kv for kv in sorted(f.items())))
        sent, total = f.get("SENT", -1), f.get("TOTAL", -1)
        ok = total == s.total and 0 <= sent <= total and \
            f.get("IFINDEX") == s.ifindex and \
            f.get("QUEUES") == s.nq and \
            ("DETACHED" in f) == bool(s.detach) and \
            A["KEY"] not in f.get("TYPES", ()) and s.key not in raw
        if ok and f.get("STATE") == ST["DONE"]:
            # Done means every probe of the shard (or of the budget) went.
            ok = sent == total
        if ok and f.get("STATE") != ST["RUNNING"] and 0 < s.rate <= 10**6:
            # Pacing: the rate over the run, plus a burst per thread and
            # the 50 ms the token bucket may catch up on.
            secs = (f.get("END_NS", 0) - f.get("START_NS", 0)) / 1e9
            ok = sent <= s.rate * (secs + 0.1) + s.nq * (s.burst + 2)
        CK.expect(CHK_COUNTERS, ok, what + " (want TOTAL=%d, %d queues,"
                  " rate %d, detach %d)" % (s.total, s.nq, s.rate,
                                            bool(s.detach)))


def id_state(reply):
    """(KSCAN_A_SCAN_ID, KSCAN_A_STATE) of a GET reply: what a dump is
    judged by (scan_fields() costs more, dumps are many)."""
    sid = st = None
    off, end = 4, len(reply)
    T_ID, T_ST = A["SCAN_ID"], A["STATE"]
    while off + 4 <= end:
        ln, ty = unpack_from("=HH", reply, off)
        if ln < 4:
            break
        ty &= NLA_TYPE_MASK
        if ty == T_ID:
            sid = unpack_from("=I", reply, off + 4)[0]
        elif ty == T_ST:
            st = unpack_from("=I", reply, off + 4)[0]
        if sid is not None and st is not None:
            break
        off += (ln + 3) & ~3
    return sid, st


def scan_fields(reply):
    """The attributes of a GET reply (after the genl header) by name."""
    f = {"TYPES": set()}
    for off, ty, p, e in walk(reply, 4, len(reply)):
        t = ty & NLA_TYPE_MASK
        f["TYPES"].add(t)
        name = ANAME.get(t)
        if name == "QUEUE_STATS":
            f["QUEUES"] = sum(1 for _ in walk(reply, p, e))
        elif name == "DETACHED":
            f["DETACHED"] = True
        elif e - p == 8:
            f[name] = unpack_from("=Q", reply, p)[0]
        elif e - p == 4:
            f[name] = unpack_from("=I", reply, p)[0]
    return f


def nla_u32(t, v):
    return struct.pack("=HHI", 8, t, v)


VERSION = H["KSCAN_GENL_VERSION"]
FAMILY_ID = [0]


def build(cmd, body, flags=NLM_F_REQUEST | NLM_F_ACK, resv=0, seq=0):
    return bytearray(struct.pack("=IHHIIBBH", 20 + len(body), FAMILY_ID[0],
                                 flags, seq, 0, cmd, VERSION, resv)) + body


# Check names (one "TEST:" line each).
CHK_STOP = "scans: STOP after >= 100 ms ends it, GET says ABORTED/STOPPED"
CHK_CLOSE = "scans: closing the owning socket ends it (OWNER_GONE), not DETACH"
CHK_COUNTERS = "scans: GET counters fit (TOTAL, SENT, rate, queues, detached)"
CHK_HANG = "every request answered within the socket timeout"
CHK_SAFE = "no START with a target outside 198.18.0.0/15 was sent"


# ---- the oracle: what the kernel must answer ------------------------------

EINVAL_R = (E.EINVAL, E.ERANGE)     # a value rule: either errno is honest


class Oracle:
    """Predicts the answer to a message from its bytes, and judges the
    answer. The netlink and genetlink cores are modelled as Linux 6.1
    does it; the kscan handlers as the uapi header documents them."""

    def __init__(self, fam, doc, lab):
        self.fam, self.lab = fam, lab
        # Commands below resv_start_op escape the genetlink header check
        # (reserved field, nlmsg_flags): learnt in phase 1, assumed 0 (the
        # kernel's advice for new families) until then.
        self.resv_start = 0
        self.pols = {}
        for cmd in fam.ops:
            for dump in (False, True):
                self.pols[(cmd, dump)] = tuples(effective_policy(fam, doc,
                                                                 cmd, dump))
        # What the policy says of one attribute alone, by its bytes: a
        # message made of whole attributes is judged by looking them up.
        self.cache = {key: {} for key in self.pols}
        self.required = [n for n, e in doc.items() if e["required"]]
        # "ports 1..65535": port 0 is refused.
        self.port_min = 1 if re.search(r"\bports 1\.\.65535\b", doc.get(
            "PORTS", {}).get("text", "")) else 0

    # -- prediction --

    def check_pieces(self, key, pieces):
        """core_check() of a message body that is exactly @pieces, whole
        attributes each (nla_len aligned up is the piece's length): the
        first piece the policy refuses decides, at its offset."""
        cache, pols = self.cache[key], self.pols[key]
        off = 20
        for enc in pieces:
            r = cache.get(enc, 0)
            if r == 0:
                r = core_check(enc, 0, len(enc), pols, A_MAX)
                if len(cache) > 200000:
                    cache.clear()
                cache[enc] = r
            if r:
                return (r[0], None if r[1] is None else r[1] + off, r[2])
            off += len(enc)
        return None

    def predict(self, msg, ns, pieces=None):
        n = len(msg)
        if n == 0:
            return ("senderr", E.ENODATA)   # netlink_sendmsg() refuses it
        if n < 16:
            return ("silent",)
        nlen, _, flags = unpack_from("=IHH", msg, 0)
        if nlen < 16 or nlen > n:
            return ("silent",)          # netlink_rcv_skb() drops it
        if not flags & NLM_F_REQUEST:
            return ("ack0",) if flags & NLM_F_ACK else ("silent",)
        if nlen < 20:
            return ("core", E.EINVAL, None, False, False)
        cmd, _, resv = unpack_from("=BBH", msg, 16)
        if cmd >= self.resv_start:
            f = flags & ~NLM_F_DUMP if flags & NLM_F_DUMP == NLM_F_DUMP \
                else flags
            if resv or f & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO):
                return ("core", E.EINVAL, None, False, True)
        opflags = self.fam.ops.get(cmd)
        dump = flags & NLM_F_DUMP == NLM_F_DUMP
        if opflags is None or not opflags & (GENL_CMD_CAP_DUMP if dump
                                             else GENL_CMD_CAP_DO):
            return ("core", E.EOPNOTSUPP, None, False, False)
        if pieces is not None and nlen == n:
            r = self.check_pieces((cmd, dump), pieces)
        else:
            r = core_check(msg, 20, nlen, self.pols[(cmd, dump)], A_MAX)
        if r:
            return ("core", r[0], r[1], r[2], True)
        if cmd == CMD["START"]:
            return self.start_model(msg, nlen, ns)
        if cmd == CMD["GET_INFO"]:
            return ("info",)
        if dump:
            return ("dump",)
        tb = {ty & NLA_TYPE_MASK: p for _, ty, p, _ in walk(msg, 20, nlen)}
        p = tb.get(A["SCAN_ID"])
        kind = "stop" if cmd == CMD["STOP"] else "get"
        if p is None:
            return (kind, "missing", None)
        sid = unpack_from("=I", msg, p)[0]
        if sid in ns.live:
            return (kind, "live", ns.live[sid])
        if sid in ns.ended:
            return (kind, "ended", sid)
        return (kind, "none", sid)

    def start_model(self, buf, nlen, ns):
        """The header's rules of START on a message the policy accepts:
        ("start", broken rules, busy, conf). A rule: (errnos, attribute,
        named by missing=). conf: what a scan it starts must look like."""
        tb, ivs = {}, []
        T = A["TARGETS"]
        off, rem = 20, nlen - 20
        # The policy passed: whole attributes, and a nest holds 12-byte
        # intervals only.
        while rem >= 4:
            ln, ty = unpack_from("=HH", buf, off)
            if ln < 4 or ln > rem:
                break
            t = ty & NLA_TYPE_MASK
            tb[ANAME.get(t)] = (off + 4, off + ln)  # by name: it reads
            if t == T:
                for io in range(off + 4, off + ln - 11, 12):
                    ivs.append(unpack_from("!II", buf, io + 4))
            step = (ln + 3) & ~3
            off += step
            rem -= step
        V = []

        def val(name, fmt="=I", dflt=None):
            if name not in tb:
                return dflt
            return unpack_from(fmt, buf, tb[name][0])[0]

        def blob(name):
            p, e = tb[name]
            return bytes(buf[p:e])

        for name in self.required:
            if name not in tb:
                V.append(((E.EINVAL,), name, True))
        if "SADDR_LIST" not in tb and "SADDR_FIRST" not in tb:
            V.append(((E.EINVAL,), "SADDR_FIRST", True))
        # MACs: unicast (and not zero).
        for name in ("DST_MAC", "SRC_MAC"):
            if name in tb:
                mac = blob(name)
                if mac[0] & 1 or not any(mac):
                    V.append((EINVAL_R, name, False))
        # Sources: a list, or a range FIRST..LAST.
        if "SADDR_LIST" in tb:
            if "SADDR_FIRST" in tb or "SADDR_LAST" in tb:
                V.append((EINVAL_R, "SADDR_LIST", False))
            if len(blob("SADDR_LIST")) % 4:
                V.append((EINVAL_R, "SADDR_LIST", False))
        elif "SADDR_FIRST" in tb and "SADDR_LAST" in tb:
            if val("SADDR_LAST", "!I") < val("SADDR_FIRST", "!I"):
                V.append((EINVAL_R, "SADDR_LAST", False))
        # Source ports and probes.
        sports = None
        if "SPORT_FIRST" in tb and "SPORT_LAST" in tb:
            f, la = val("SPORT_FIRST", "=H"), val("SPORT_LAST", "=H")
            if la < f:
                V.append((EINVAL_R, "SPORT_LAST", False))
            else:
                sports = la - f + 1
        probes = val("PROBES", dflt=1)
        if sports is not None and probes > sports:
            V.append((EINVAL_R, "PROBES", False))
        shards, shard = val("SHARDS", dflt=1), val("SHARD", dflt=0)
        if shard >= shards:
            V.append((EINVAL_R, "SHARD", False))
        # TX queues (distinct u16) and one CPU each.
        queues = [0]
        if "TX_QUEUES" in tb:
            q = blob("TX_QUEUES")
            if len(q) % 2:
                V.append((EINVAL_R, "TX_QUEUES", False))
                queues = None
            else:
                queues = list(struct.unpack("=%dH" % (len(q) // 2), q))
                if len(set(queues)) != len(queues):
                    V.append((EINVAL_R, "TX_QUEUES", False))
        if "TX_CPUS" in tb and queues is not None:
            c = blob("TX_CPUS")
            if len(c) != 4 * len(queues):
                V.append((EINVAL_R, "TX_CPUS", False))
            else:
                for cpu in struct.unpack("=%dI" % len(queues), c):
                    if cpu not in self.lab.cpus:
                        V.append((EINVAL_R, "TX_CPUS", False))
                    elif cpu not in self.lab.allowed:
                        V.append(((E.EPERM,), "TX_CPUS", False))
        # Ports: sorted, disjoint ranges.
        nports = None
        if "PORTS" in tb:
            raw = blob("PORTS")
            if len(raw) % 4:
                V.append((EINVAL_R, "PORTS", False))
            else:
                nports, prev = 0, -1
                for i in range(0, len(raw), 4):
                    f, la = struct.unpack_from("=HH", raw, i)
                    if f > la or f <= prev or f < self.port_min:
                        V.append((EINVAL_R, "PORTS", False))
                        nports = None
                        break
                    nports += la - f + 1
                    prev = la
        # Targets: every nest's intervals in message order, sorted and
        # disjoint, 1..KSCAN_MAX_INTERVALS of them.
        naddr = None
        if "TARGETS" in tb:
            if not ivs:
                V.append((EINVAL_R, "TARGETS", False))
            elif len(ivs) > MAX_INTERVALS:
                V.append(((E.E2BIG,), "TARGETS", False))
            else:
                naddr, prev = 0, -1
                for f, la in ivs:
                    if f > la or f <= prev:
                        V.append((EINVAL_R, "TARGETS", False))
                        naddr = None
                        break
                    naddr += la - f + 1
                    prev = la
        # The device, as it is in this netns.
        if "IFINDEX" in tb:
            idx = val("IFINDEX")
            if idx == ns.up:
                if queues and max(queues) >= ns.txq:
                    V.append((EINVAL_R, "TX_QUEUES", False))
            elif idx == ns.down:
                V.append(((E.ENETDOWN,), "IFINDEX", False))
            elif idx == ns.lo:
                V.append(((E.EOPNOTSUPP,), "IFINDEX", False))
            else:
                V.append(((E.ENODEV,), "IFINDEX", False))
        busy = len(ns.live) >= MAX_SCANS
        conf = None
        if not V:
            size = naddr * nports * probes
            if size > 1 << 62:
                V.append(((E.E2BIG,), "TARGETS", False))
            q, r = divmod(size, shards)
            total = q + (shard < r)
            budget = val("MAX_PACKETS", "=Q", 0)
            if budget:
                total = min(total, budget)
            mode = val("XMIT_MODE", dflt=0)
            nq = len(queues)
            conf = (val("FLAGS", dflt=0) & F_DETACH, total,
                    val("RATE", "=Q", 0), nq, val("BURST", dflt=32),
                    blob("KEY"), val("IFINDEX"),
                    # Burst and direct modes fill an skb pool per queue.
                    0 if mode == H["KSCAN_XMIT_QUEUE"] else nq)
        return ("start", V, busy, conf, buf, nlen)

    # -- judgement --

    def judge(self, pred, ans, ns, now):
        """None if @ans is what @pred allows, else why not. Side effects:
        the lab learns the scans started and stopped."""
        kind = pred[0]
        if kind == "senderr":
            return None if ans.senderr == pred[1] else \
                "expected send() to fail with %s" % knl.errname(pred[1])
        if ans.senderr is not None:
            return "send() failed"
        if kind == "silent":
            if ans.err is None and not ans.replies and not ans.done:
                return None
            return "expected no answer"
        if kind == "ack0":
            if ans.err == 0 and not ans.replies:
                return None
            return "expected a plain ack"
        if kind == "core":
            _, err, off, haspol, msgreq = pred
            if ans.err != err or ans.replies:
                return "expected %s from the core" % knl.errname(err)
            if ans.off != off:
                return "expected bad_attr at offset %s" % off
            if (ans.pol is not None) != haspol:
                return "expected %s policy in the ack" % (
                    "the attribute's" if haspol else "no")
            if msgreq and not ans.msg:
                return "expected an extack message"
            return None
        if kind == "start":
            return self.judge_start(pred, ans, ns, now)
        if kind in ("stop", "get"):
            return self.judge_id(pred, ans, ns, now)
        if kind == "dump":
            return self.judge_dump(ans, ns, now)
        if kind == "info":
            return self.judge_info(ans)
        return "bad prediction %r" % (pred,)

    def judge_start(self, pred, ans, ns, now):
        _, V, busy, conf, buf, nlen = pred
        if ans.err in (0, None) and ans.replies:
            sid = self.started     # the engine read it from the reply
            if sid is None:
                return "START reply without KSCAN_A_SCAN_ID"
            if V:
                return "accepted, yet it breaks: " + rules_str(V)
            if self.reused:
                return "START reused scan id %d" % sid
            return None
        if ans.err in (0, None):
            return "START succeeded without a reply"
        err = ans.err
        if not ans.msg:
            return "refused (%s) without an extack message" % \
                knl.errname(err)
        if busy and err == E.EBUSY:
            return None
        if not V:
            return "a valid START refused"
        spans = {}
        for off, ty, p, e in walk(buf, 20, nlen):
            spans.setdefault(ty & NLA_TYPE_MASK, []).append((off, e))
        for errs, name, miss in V:
            if err not in errs:
                continue
            if miss:
                if ans.missing == A[name]:
                    return None
                continue
            if not re.search(r"\bKSCAN_A_%s\b" % name, ans.msg):
                continue
            if ans.off is not None and not any(
                    o <= ans.off < e for o, e in spans.get(A[name], ())):
                continue
            return None
        return "refused, but not for a rule it breaks: " + rules_str(V)

    def judge_id(self, pred, ans, ns, now):
        kind, cls, x = pred
        if cls == "missing":
            if ans.err == E.EINVAL and ans.missing == A["SCAN_ID"] and \
                    ans.msg:
                return None
            return "expected EINVAL missing=SCAN_ID"
        if ans.err and not (ans.msg and "KSCAN_A_SCAN_ID" in ans.msg):
            return "refusal that does not name KSCAN_A_SCAN_ID"
        if cls == "live":
            s = x
            if kind == "stop":
                if ans.err in (0, None) and not ans.replies:
                    self.lab.stats["fuzz_stop"] += 1
                    self.lab.check_state(s, "after a fuzzed STOP",
                                         (ST["ABORTED"],), (RS["STOPPED"],),
                                         "STOP", final=True)
                    return None
                if ans.err == E.EALREADY and s.may_be_done(now):
                    self.lab.check_state(s, "after STOP said EALREADY", (),
                                         (), "STOP", final=True)
                    return None
                return "STOP of a running scan of this netns failed"
            if ans.err in (0, None) and len(ans.replies) == 1:
                f = scan_fields(ans.replies[0])
                if f.get("SCAN_ID") != s.id:
                    return "GET replied for another scan"
                if f.get("STATE") == ST["RUNNING"] or s.may_be_done(now):
                    self.lab.check_counters(s, f, ans.replies[0])
                    return None
                return "GET: a running scan has state %s reason %s" % (
                    f.get("STATE"), f.get("REASON"))
            return "GET of a running scan of this netns failed"
        if cls == "ended":
            if kind == "stop":
                return None if ans.err in (E.EALREADY, E.ENOENT) else \
                    "STOP of an ended scan: want EALREADY (or ENOENT)"
            if ans.err == E.ENOENT:
                return None     # pushed out by newer scans
            if ans.err in (0, None) and len(ans.replies) == 1:
                f = scan_fields(ans.replies[0])
                st = ns.ended[x][0]
                if f.get("SCAN_ID") == x and f.get("STATE") != \
                        ST["RUNNING"] and (st is None or
                                           f.get("STATE") == st):
                    return None
            return "GET of an ended scan: want its final state or ENOENT"
        # An id never given, or another netns's scan.
        if ans.err == E.ENOENT:
            return None
        other = self.lab.by_id.get(x)
        return "want ENOENT for scan id %d (%s)" % (
            x, "of netns %s" % other if other else "never given")

    def judge_dump(self, ans, ns, now):
        if ans.err or not ans.done:
            return "GET dump failed"
        seen = dict(id_state(r) for r in ans.replies)
        for sid, st in seen.items():
            if sid in ns.live:
                s = ns.live[sid]
                if st != ST["RUNNING"] and not s.may_be_done(now):
                    return "dump: running scan %d has state %s" % (sid, st)
            elif sid in ns.ended:
                if st == ST["RUNNING"]:
                    return "dump: scan %d, ended, is RUNNING" % sid
            else:
                other = self.lab.by_id.get(sid)
                return "dump lists scan %s, %s" % (
                    sid, "of netns %s" % other if other else "not ours")
        for sid in ns.live:
            if sid not in seen:
                return "dump misses running scan %d" % sid
        if len(seen) > 2 * MAX_SCANS:
            return "dump lists %d scans: ended scans pile up" % len(seen)
        return None

    def judge_info(self, ans):
        if ans.err not in (0, None) or len(ans.replies) != 1:
            return "GET_INFO failed"
        f = {}
        for _, ty, p, e in walk(ans.replies[0], 4, len(ans.replies[0])):
            f[ANAME.get(ty & NLA_TYPE_MASK)] = bytes(ans.replies[0][p:e])

        def u32(name):
            v = f.get(name, b"")
            return struct.unpack("=I", v)[0] if len(v) == 4 else None
        if u32("INFO_UAPI_VERSION") != VERSION or \
                u32("INFO_MAX_SCANS") != MAX_SCANS or \
                u32("INFO_MAX_INTERVALS") != MAX_INTERVALS or \
                u32("INFO_CAPS") is None or \
                u32("INFO_CAPS") & ~H["KSCAN_CAP_ALL"] or \
                not f.get("INFO_MODULE_VERSION", b"").endswith(b"\0"):
            return "GET_INFO reply differs from the header: %r" % f
        return None


def rules_str(V):
    return ", ".join("%s%s(%s)" % ("missing " if miss else "", name,
                                   "/".join(knl.errname(e) for e in errs))
                     for errs, name, miss in V)


# ---- encoding ------------------------------------------------------------

nla = knl.nla


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def u64(v):
    return struct.pack("=Q", v)


def be32(v):
    return struct.pack("!I", v)


def intervals(ivs):
    return b"".join(nla(TARGET_A_INTERVAL, struct.pack("!II", a, b))
                    for a, b in ivs)


def port_ranges(rs):
    return b"".join(struct.pack("=HH", a, b) for a, b in rs)


UNICAST_MAC = bytes.fromhex("020000000001")
TEST_KEY = bytes(range(KEY_LEN))
BASE_RATE = 1000


def base_start(ns):
    """A valid START: 198.18.0.0/15 x ports 1-1000 at 1000 pps (it would
    run for days: it ends when stopped), in queue mode: without an skb pool
    to fill (1024 skbs a thread in the other modes) a scan starts several
    times faster, and most of the fuzzer's scans are there to check that
    a value is taken, not the transmit path. The cases that change
    KSCAN_A_XMIT_MODE, and a share of phase 2's, run the other modes."""
    return [(A["IFINDEX"], u32(ns.up)), (A["DST_MAC"], UNICAST_MAC),
            (A["SADDR_FIRST"], be32(0xc6120001)),
            (A["SPORT_FIRST"], u16(40000)), (A["SPORT_LAST"], u16(40999)),
            (A["TARGETS"] | NLA_F_NESTED, intervals([(LAB_FIRST, LAB_LAST)])),
            (A["PORTS"], port_ranges([(1, 1000)])), (A["KEY"], TEST_KEY),
            (A["RATE"], u64(BASE_RATE)),
            (A["XMIT_MODE"], u32(H["KSCAN_XMIT_QUEUE"]))]


def body(pieces):
    return b"".join(nla(t, p) for t, p in pieces)


def with_attr(pieces, t, payload):
    """@pieces with attribute @t (flags ignored for the match) replaced in
    place by (t, payload), or appended."""
    out, done = [], False
    for pt, pp in pieces:
        if pt & NLA_TYPE_MASK == t & NLA_TYPE_MASK and not done:
            out.append((t, payload))
            done = True
        else:
            out.append((pt, pp))
    if not done:
        out.append((t, payload))
    return out


def without(pieces, *names):
    drop = {A[n] for n in names}
    return [(t, p) for t, p in pieces if t & NLA_TYPE_MASK not in drop]


@functools.lru_cache(maxsize=None)
def content(name, n):
    """@n bytes of plausible content for binary attribute @name: valid
    where the length allows it, so that what a length case tests is the
    length."""
    if name == "PORTS":
        k = min(n // 4, 16383)
        return port_ranges([(4 * i + 1, 4 * i + 2) for i in range(k)]) + \
            bytes(n - 4 * k)
    if name == "SADDR_LIST":
        k = n // 4
        return b"".join(be32(0xc6120001 + i) for i in range(k)) + \
            bytes(n - 4 * k)
    if name == "TX_QUEUES":
        k = n // 2
        return b"".join(u16(i) for i in range(k)) + bytes(n - 2 * k)
    if name == "TX_CPUS":
        k = n // 4
        return b"".join(u32(i % 2) for i in range(k)) + bytes(n - 4 * k)
    if name in ("DST_MAC", "SRC_MAC"):
        return (UNICAST_MAC * (n // 6 + 1))[:n]
    return bytes((i * 7 + 1) & 0xff for i in range(n))


@functools.lru_cache(maxsize=None)
def full_nest():
    """As many single-address intervals as one KSCAN_A_TARGETS holds."""
    return intervals([(LAB_FIRST + 2 * i, LAB_FIRST + 2 * i)
                      for i in range((NLA_MAX_PAYLOAD - 4) // 12)])


def int_values(p):
    """Boundary values of an integer attribute's policy."""
    top = 2**(8 * p.size) - 1
    if p.mask is not None:
        vals = {0, p.mask, top, top & ~p.mask}
        vals.update(1 << i for i in range(8 * p.size) if p.mask >> i & 1)
        outside = [i for i in range(8 * p.size) if not p.mask >> i & 1]
        if outside:
            vals.add(1 << outside[0])
            vals.add(p.mask | 1 << outside[0])
    else:
        vals = {0, 1, p.lo - 1, p.lo, p.lo + 1, p.hi - 1, p.hi, p.hi + 1,
                top, top - 1, 1 << (8 * p.size - 1),
                (1 << (8 * p.size - 1)) - 1}
        if p.size == 8:
            vals.update((2**32 - 1, 2**32, 2**63))
    return sorted(v for v in vals if 0 <= v <= top)


def attr_variants(name, t, p, valid):
    """(label, type with flags, payload) cases of attribute @t under
    policy @p: boundary values, lengths 0..16 and oversize, NLA_F_NESTED
    set where it is wrong, NLA_F_NET_BYTEORDER (ignored by the core).
    @valid: a payload the policy accepts."""
    out = []
    if p is None:
        # Not in the op's policy: whatever it carries, strict validation
        # refuses it.
        for n in (0, 1, 4, 8, 17):
            out.append(("len %d" % n, t, content(name, n)))
        return out
    if p.kind == "int":
        fmt = INT_FMT[p.size]
        bo = ">" if p.type == "be32" else "<"
        for v in int_values(p):
            out.append(("%d" % v, t, struct.pack(bo + fmt[1], v)))
        for n in list(range(17)) + [NLA_MAX_PAYLOAD]:
            if n != p.size:
                out.append(("len %d" % n, t, bytes(n)))
    elif p.kind == "binary":
        lens = set(range(17)) | {p.lo - 1, p.lo, p.lo + 1, p.hi - 1, p.hi,
                                 p.hi + 1, NLA_MAX_PAYLOAD - 1,
                                 NLA_MAX_PAYLOAD}
        for n in sorted(x for x in lens if 0 <= x <= NLA_MAX_PAYLOAD):
            out.append(("len %d" % n, t, content(name, n)))
    elif p.kind == "nested":
        iv = intervals([(LAB_FIRST, LAB_LAST)])
        out.append(("no NLA_F_NESTED", t & ~NLA_F_NESTED, iv))
        out.append(("empty nest", t | NLA_F_NESTED, b""))
        for n in (1, 2, 3):
            out.append(("nest of %d bytes" % n, t | NLA_F_NESTED, bytes(n)))
        ab = struct.pack("!II", LAB_FIRST, LAB_LAST)
        for n in range(17):
            # An interval of each length, holding lab addresses only.
            payload = (ab * 3)[:n]
            out.append(("interval len %d" % n, t | NLA_F_NESTED,
                        nla(TARGET_A_INTERVAL, payload)))
        for it in (0, 2, 3, NLA_TYPE_MASK):
            out.append(("inner type %d" % it, t | NLA_F_NESTED, nla(it, ab)))
        out.append(("inner NLA_F_NESTED", t | NLA_F_NESTED,
                    nla(TARGET_A_INTERVAL | NLA_F_NESTED, ab)))
        out.append(("trailing bytes in the nest", t | NLA_F_NESTED,
                    iv + b"\x01\x02\x03"))
        full = full_nest()
        out.append(("a full nest (%d intervals)" % (len(full) // 12),
                    t | NLA_F_NESTED, full))
    else:
        for n in (0, 1, 4, 8):
            out.append(("len %d" % n, t, bytes(n)))
    if p.kind != "nested":
        out.append(("NLA_F_NESTED set", t | NLA_F_NESTED, valid))
    out.append(("NLA_F_NET_BYTEORDER set", t | NLA_F_NET_BYTEORDER, valid))
    return out


class Case:
    __slots__ = ("desc", "chk", "msg", "idref", "ns", "fresh", "expect",
                 "cmd", "trunc", "pieces", "hold")

    def __init__(self, desc, chk, cmd, pieces=None, raw=None,
                 flags=NLM_F_REQUEST | NLM_F_ACK, resv=0, idref=None,
                 ns=None, fresh=False, expect=None):
        self.desc, self.chk, self.cmd = desc, chk, cmd
        self.msg = build(cmd, body(pieces) if raw is None else raw, flags,
                         resv)
        self.idref, self.ns, self.fresh, self.expect = idref, ns, fresh, \
            expect
        self.trunc = None
        self.hold = 0.0         # a scan it starts runs at least this long
        # The encoded attributes the body is made of, when it is exactly
        # that (the oracle looks them up instead of walking the bytes).
        self.pieces = None


def id_case(desc, chk, cmd, t_payload_list, flags=NLM_F_REQUEST | NLM_F_ACK,
            idcls=None, idoff=24):
    """A STOP/GET whose KSCAN_A_SCAN_ID at byte @idoff (the payload of the
    first attribute) is @idcls, a class of scan resolved when it is sent."""
    c = Case(desc, chk, cmd, pieces=t_payload_list, flags=flags)
    if idcls:
        c.idref = (idoff, idcls)
    return c


# ---- phase 1: systematic ---------------------------------------------------

CHK_P1_START = "phase 1: START x every attribute x boundary values and lengths"
CHK_P1_PAIRS = "phase 1: START rules between attributes (uapi header)"
CHK_P1_IDS = "phase 1: STOP, GET, GET dump, GET_INFO x every attribute"
CHK_P1_UNUSED = "phase 1: unused command numbers refused with EOPNOTSUPP"
CHK_P1_HDR = "phase 1: netlink header: lengths, truncation, flags"
CHK_RESV = "genetlink header (reserved, nlmsg_flags) checked for every command"
ATTR_NUMBERS = list(range(A_MAX + 4)) + [100, NLA_TYPE_MASK]
UNUSED_CMDS = sorted({CMD["UNSPEC"], CMD["EVENT"], H["__KSCAN_CMD_MAX"],
                      H["__KSCAN_CMD_MAX"] + 1, 100, 255})


def phase1_start(fam, doc, ns0):
    pol = effective_policy(fam, doc, CMD["START"])
    base = base_start(ns0)
    basemap = {t & NLA_TYPE_MASK: (t, p) for t, p in base}
    yield Case("the base START", CHK_P1_START, CMD["START"], base)
    for t in ATTR_NUMBERS:
        name = ANAME.get(t, str(t))
        p = pol.get(t)
        valid = basemap.get(t, (t, None))[1]
        if valid is None and p is not None:
            valid = {"int": bytes(p.size), "binary": content(name, p.lo),
                     "flag": b""}.get(p.kind, b"")
            if p.kind == "int" and p.mask is None:
                valid = struct.pack(("!" if p.type == "be32" else "=") +
                                    INT_FMT[p.size][1], p.lo)
        for label, ty, payload in attr_variants(name, t, p, valid):
            yield Case("START %s=%s" % (name, label), CHK_P1_START,
                       CMD["START"], with_attr(base, ty, payload))
    for t, _ in base:
        name = ANAME[t & NLA_TYPE_MASK]
        yield Case("START without %s" % name, CHK_P1_START, CMD["START"],
                   without(base, name))


def phase1_pairs(ns0, port_min):
    """The rules between attributes, each side of each boundary, with
    what the header says must happen: "ok" or (errnos, attribute, missing)."""
    base = base_start(ns0)
    S, ok = CMD["START"], "ok"
    lab4 = [(LAB_FIRST, LAB_FIRST + 3)]     # 4 targets: done in no time

    def case(desc, pieces, expect, fresh=False):
        return Case("START " + desc, CHK_P1_PAIRS, S, pieces, expect=expect,
                    fresh=fresh)

    def w(*kv, src=None):
        p = list(src or base)
        for name, payload in kv:
            p = with_attr(p, A[name], payload)
        return p
    bad = lambda name: (EINVAL_R, name, False)     # noqa: E731
    yield case("SADDR_FIRST > SADDR_LAST",
               w(("SADDR_LAST", be32(0xc6120000))), bad("SADDR_LAST"))
    yield case("SADDR 0.0.0.0-255.255.255.255 (the whole space)",
               w(("SADDR_FIRST", be32(0)), ("SADDR_LAST", be32(2**32 - 1))),
               ok)
    yield case("SADDR_FIRST == SADDR_LAST", w(("SADDR_LAST",
                                               be32(0xc6120001))), ok)
    yield case("SADDR 255.255.255.255 alone", w(("SADDR_FIRST",
                                                 be32(2**32 - 1))), ok)
    yield case("SADDR_LAST without SADDR_FIRST",
               without(w(("SADDR_LAST", be32(0xc6120009))), "SADDR_FIRST"),
               ((E.EINVAL,), "SADDR_FIRST", True))
    nolist = without(base, "SADDR_FIRST")
    for n in (1, 2, 255, 256):
        yield case("SADDR_LIST of %d" % n,
                   w(("SADDR_LIST", content("SADDR_LIST", 4 * n)),
                     src=nolist), ok)
    yield case("SADDR_LIST with SADDR_FIRST",
               w(("SADDR_LIST", be32(0xc6120002))), bad("SADDR_LIST"))
    yield case("SADDR_LIST with SADDR_LAST",
               w(("SADDR_LIST", be32(0xc6120002)),
                 ("SADDR_LAST", be32(0xc6120009)), src=nolist),
               bad("SADDR_LIST"))
    yield case("SADDR_LIST of 5 bytes",
               w(("SADDR_LIST", bytes(5)), src=nolist), bad("SADDR_LIST"))
    yield case("SADDR_LIST of 257 (beyond KSCAN_MAX_SADDRS)",
               w(("SADDR_LIST", content("SADDR_LIST", 4 * 257)), src=nolist),
               ((E.ERANGE,), "SADDR_LIST", False))
    yield case("SPORT_FIRST > SPORT_LAST",
               w(("SPORT_FIRST", u16(41000))), bad("SPORT_LAST"))
    yield case("SPORT 1-65535", w(("SPORT_FIRST", u16(1)),
                                  ("SPORT_LAST", u16(65535))), ok)
    yield case("SPORT_FIRST == SPORT_LAST",
               w(("SPORT_FIRST", u16(40999))), ok)
    yield case("SPORT 65535-65535, PROBES 1",
               w(("SPORT_FIRST", u16(65535)), ("SPORT_LAST", u16(65535)),
                 ("PROBES", u32(1))), ok)
    for ports, probes, want in ((16, 16, ok), (15, 16, bad("PROBES")),
                                (1, 2, bad("PROBES")), (2, 2, ok)):
        yield case("%d source ports, PROBES %d" % (ports, probes),
                   w(("SPORT_LAST", u16(40000 + ports - 1)),
                     ("PROBES", u32(probes))), want)
    for shard, shards, want in ((0, 1, ok), (1, 2, ok), (2, 2, bad("SHARD")),
                                (65534, 65535, ok),
                                (65534, None, bad("SHARD")),
                                (3, 3, bad("SHARD"))):
        kv = [("SHARD", u32(shard))]
        if shards is not None:
            kv.append(("SHARDS", u32(shards)))
        yield case("SHARD %d of %s" % (shard, shards), w(*kv), want)
    q = lambda *qs: ("TX_QUEUES", b"".join(u16(x) for x in qs))  # noqa
    c = lambda *cs: ("TX_CPUS", b"".join(u32(x) for x in cs))    # noqa
    yield case("TX_QUEUES 0,1 TX_CPUS 0,1", w(q(0, 1), c(0, 1)), ok)
    yield case("TX_QUEUES 0,1 TX_CPUS 1", w(q(0, 1), c(1)), bad("TX_CPUS"))
    yield case("TX_QUEUES 0 TX_CPUS 0,1", w(q(0), c(0, 1)), bad("TX_CPUS"))
    yield case("TX_CPUS 1 alone", w(c(1)), ok)
    yield case("TX_CPUS 2 (not online)", w(c(2)), bad("TX_CPUS"))
    yield case("TX_CPUS 4294967295", w(c(2**32 - 1)), bad("TX_CPUS"))
    last = ns0.txq - 1
    yield case("TX_QUEUES %d (the device's last)" % last, w(q(last)), ok)
    yield case("TX_QUEUES %d (beyond the device's)" % ns0.txq,
               w(q(ns0.txq)), bad("TX_QUEUES"))
    yield case("TX_QUEUES all %d" % ns0.txq, w(q(*range(ns0.txq))), ok)
    yield case("TX_QUEUES 0..63", w(q(*range(64))), bad("TX_QUEUES"))
    yield case("TX_QUEUES 0,0", w(q(0, 0)), bad("TX_QUEUES"))
    yield case("TX_QUEUES 65535", w(q(65535)), bad("TX_QUEUES"))
    # RATE and MAX_PACKETS: the budget against the shard's probes.
    yield case("RATE max, MAX_PACKETS 1000",
               w(("RATE", u64(H["KSCAN_MAX_RATE"])),
                 ("MAX_PACKETS", u64(1000))), ok)
    for mp in (1, 2, 2**63, 2**64 - 1):
        yield case("MAX_PACKETS %d" % mp, w(("MAX_PACKETS", u64(mp))), ok)
    small = w(("TARGETS", intervals(lab4)), ("PORTS", port_ranges([(80, 80)])))
    small = with_attr(small, A["TARGETS"] | NLA_F_NESTED, intervals(lab4))
    for mp in (3, 4, 5):
        yield case("4 targets, MAX_PACKETS %d" % mp,
                   w(("MAX_PACKETS", u64(mp)), src=small), ok)
    yield case("4 targets, no budget (runs out of work)", small, ok)
    # Targets.
    T = A["TARGETS"] | NLA_F_NESTED

    def tg(ivs, src=None):
        return with_attr(src or base, T, intervals(ivs))
    L0 = LAB_FIRST
    yield case("TARGETS two sorted", tg([(L0, L0 + 9), (L0 + 20, L0 + 29)]),
               ok)
    yield case("TARGETS adjacent", tg([(L0, L0 + 9), (L0 + 10, L0 + 19)]), ok)
    yield case("TARGETS unsorted", tg([(L0 + 20, L0 + 29), (L0, L0 + 9)]),
               bad("TARGETS"))
    yield case("TARGETS overlapping", tg([(L0, L0 + 9), (L0 + 9, L0 + 19)]),
               bad("TARGETS"))
    yield case("TARGETS first > last", tg([(L0 + 9, L0)]), bad("TARGETS"))
    yield case("TARGETS one address", tg([(LAB_LAST, LAB_LAST)]), ok)
    two = without(base, "TARGETS") + [(T, intervals([(L0, L0 + 9)])),
                                      (T, intervals([(L0 + 10, L0 + 19)]))]
    yield case("TARGETS in two nests, sorted", two, ok)
    two_bad = without(base, "TARGETS") + [(T, intervals([(L0 + 10, L0 + 19)])),
                                          (T, intervals([(L0, L0 + 9)]))]
    yield case("TARGETS in two nests, unsorted", two_bad, bad("TARGETS"))
    yield case("TARGETS empty nest and a full one",
               without(base, "TARGETS") + [(T, b""),
                                           (T, intervals([(L0, L0)]))], ok)

    def many(n):
        # n single-address intervals, 5000 per nest (a nest holds 5460).
        ivs = [(L0 + 4 * i, L0 + 4 * i + 1) for i in range(n)]
        return without(base, "TARGETS") + [
            (T, intervals(ivs[i:i + 5000])) for i in range(0, n, 5000)]
    yield case("TARGETS %d intervals (KSCAN_MAX_INTERVALS)" % MAX_INTERVALS,
               many(MAX_INTERVALS), ok)
    yield case("TARGETS %d intervals" % (MAX_INTERVALS + 1),
               many(MAX_INTERVALS + 1), ((E.E2BIG,), "TARGETS", False))
    # Ports.
    P = lambda *rs: ("PORTS", port_ranges(rs))  # noqa: E731
    yield case("PORTS 0-65535", w(P((0, 65535))),
               bad("PORTS") if port_min else ok)
    yield case("PORTS 1-65535", w(P((1, 65535))), ok)
    yield case("PORTS 65535", w(P((65535, 65535))), ok)
    yield case("PORTS unsorted", w(P((443, 443), (80, 80))), bad("PORTS"))
    yield case("PORTS overlapping", w(P((80, 90), (90, 100))), bad("PORTS"))
    yield case("PORTS adjacent", w(P((80, 89), (90, 100))), ok)
    yield case("PORTS first > last", w(P((90, 80))), bad("PORTS"))
    yield case("PORTS of 6 bytes", w(("PORTS", bytes(6))), bad("PORTS"))
    # MACs and the device.
    yield case("DST_MAC multicast", w(("DST_MAC", bytes.fromhex(
        "010000000001"))), bad("DST_MAC"))
    yield case("DST_MAC zero", w(("DST_MAC", bytes(6))), bad("DST_MAC"))
    yield case("SRC_MAC multicast", w(("SRC_MAC", b"\xff" * 6)),
               bad("SRC_MAC"))
    yield case("SRC_MAC unicast", w(("SRC_MAC", bytes.fromhex(
        "02000000abcd"))), ok)
    yield case("IFINDEX of lo (not Ethernet)", w(("IFINDEX", u32(ns0.lo))),
               ((E.EOPNOTSUPP,), "IFINDEX", False))
    yield case("IFINDEX of a down device", w(("IFINDEX", u32(ns0.down))),
               ((E.ENETDOWN,), "IFINDEX", False))
    yield case("IFINDEX of no device", w(("IFINDEX", u32(999))),
               ((E.ENODEV,), "IFINDEX", False))
    # KSCAN_MAX_SCANS_PER_NETNS running scans, held while the last START
    # is refused (the fillers may meet scans of the cases before: the
    # oracle allows EBUSY then).
    for i in range(MAX_SCANS):
        c = case("%d of %d running scans in a netns" % (i + 1, MAX_SCANS),
                 base, None)
        c.ns, c.hold = -1, 3.0     # the last netns
        yield c
    c = case("one scan more than KSCAN_MAX_SCANS_PER_NETNS", base,
             ((E.EBUSY,), None, False))
    c.ns = -1
    yield c
    # Ownership: the socket's close ends the scan, unless DETACH.
    yield case("owned by its socket", base, ok, fresh=True)
    yield case("FLAGS DETACH, socket closed", w(("FLAGS", u32(F_DETACH))),
               ok, fresh=True)
    yield case("FLAGS SW_CSUM|DETACH", w(("FLAGS", u32(3))), ok)
    for mode in range(H["__KSCAN_XMIT_MAX"]):
        yield case("XMIT_MODE %d with 2 queues" % mode,
                   w(("XMIT_MODE", u32(mode)), q(0, 1)), ok)
    for opt in range(H["__KSCAN_TCP_OPT_MAX"]):
        yield case("TCP_OPTIONS %d" % opt, w(("TCP_OPTIONS", u32(opt))), ok)


def phase1_ids(fam, ns0):
    """STOP, GET (do and dump) and GET_INFO: every attribute number, the
    SCAN_ID's boundaries, and scans of every kind (running, ended, of
    another netns, never given)."""
    base = base_start(ns0)
    # Scans to point at: they run while the cases go.
    for _ in range(3):
        yield Case("START (a scan to stop)", CHK_P1_IDS, CMD["START"], base)
    sid_t = A["SCAN_ID"]
    D = NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP
    for cmd, flags, label in ((CMD["GET"], NLM_F_REQUEST | NLM_F_ACK, "GET"),
                              (CMD["GET"], D, "GET dump"),
                              (CMD["STOP"], NLM_F_REQUEST | NLM_F_ACK, "STOP"),
                              (CMD["GET_INFO"], NLM_F_REQUEST | NLM_F_ACK,
                               "GET_INFO")):
        pol = fam.policy(cmd, flags == D)
        for t in ATTR_NUMBERS:
            name = ANAME.get(t, str(t))
            p = pol.get(t)
            for vlabel, ty, payload in attr_variants(name, t, p, u32(1)):
                yield Case("%s %s=%s" % (label, name, vlabel), CHK_P1_IDS,
                           cmd, [(ty, payload)], flags=flags)
        yield Case(label + " without attributes", CHK_P1_IDS, cmd, [],
                   flags=flags)
        if cmd == CMD["GET_INFO"]:
            continue
        for cls in ("young", "other", "ended", "never", "old"):
            if cls == "young" and cmd == CMD["STOP"]:
                continue
            yield id_case("%s SCAN_ID=<%s scan>" % (label, cls), CHK_P1_IDS,
                          cmd, [(sid_t, u32(0))], flags, cls)
        yield id_case("%s SCAN_ID twice, the last a running scan" % label,
                      CHK_P1_IDS, cmd, [(sid_t, u32(0)), (sid_t, u32(0))],
                      flags, "old", idoff=32)


def phase1_unused(ns0):
    base = body(base_start(ns0))
    for cmd in UNUSED_CMDS:
        for flags in (NLM_F_REQUEST | NLM_F_ACK,
                      NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP):
            label = "cmd %d%s" % (cmd, " dump" if flags & NLM_F_DUMP else "")
            yield Case(label + " with a START's attributes", CHK_P1_UNUSED,
                       cmd, raw=base, flags=flags)
            for t in ATTR_NUMBERS:
                yield Case("%s attr %d" % (label, t), CHK_P1_UNUSED, cmd,
                           [(t, u32(1))], flags=flags)
    for cmd in (CMD["STOP"], CMD["GET_INFO"]):
        yield Case("cmd %d as a dump (no dumpit)" % cmd, CHK_P1_UNUSED, cmd,
                   [(A["SCAN_ID"], u32(1))] if cmd == CMD["STOP"] else [],
                   flags=NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)


def phase1_resv(ns0):
    """The genetlink header of every command number, with a reserved field
    that is not 0 or an nlmsg_flags bit the core does not define for a
    request. Linux 6.1 refuses both (genl_header_check()) for commands at
    or above the family's resv_start_op, which new families leave at 0."""
    base = body(base_start(ns0))
    for cmd in sorted(set(range(H["__KSCAN_CMD_MAX"] + 2)) | {255}):
        yield Case("cmd %d genlmsghdr.reserved=1" % cmd, CHK_RESV, cmd,
                   raw=base, resv=1)
    for cmd in (CMD["START"], CMD["STOP"], CMD["GET"]):
        yield Case("cmd %d nlmsg_flags |= NLM_F_REPLACE" % cmd, CHK_RESV,
                   cmd, raw=base, flags=NLM_F_REQUEST | NLM_F_ACK | 0x100)


def phase1_header(ns0):
    base = body(base_start(ns0))
    S = CMD["START"]
    for flags, label in ((0, "no flags"), (NLM_F_ACK, "ACK only"),
                         (NLM_F_REQUEST, "REQUEST only"),
                         (NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, "ECHO"),
                         (NLM_F_REQUEST | NLM_F_ACK | NLM_F_MULTI, "MULTI"),
                         (NLM_F_REQUEST | NLM_F_ACK | NLM_F_ROOT, "ROOT"),
                         (NLM_F_REQUEST | NLM_F_ACK | 0x8000, "bit 15")):
        for cmd in (S, CMD["GET"], CMD["GET_INFO"], 7):
            yield Case("cmd %d, %s" % (cmd, label), CHK_P1_HDR, cmd,
                       raw=base if cmd == S else b"", flags=flags)
    full = build(S, base)
    n = len(full)
    # Where each attribute starts: cut there and one byte either side.
    cuts = {0, 15, 16, 17, 19, 20, 21, 23, n - 1}
    for off, _, _, _ in walk(full, 20, n):
        cuts.update((off - 1, off, off + 1, off + 4, off + 5))
    for cut in sorted(c for c in cuts if 0 <= c < n):
        c = Case("START cut at %d of %d bytes" % (cut, n), CHK_P1_HDR, S,
                 raw=base)
        c.trunc = ("cut", cut)
        yield c
    for delta in (-4, -1, 1, 4, 4096):
        c = Case("START nlmsg_len %+d" % delta, CHK_P1_HDR, S, raw=base)
        c.trunc = ("len", n + delta)
        yield c


SAFE_CACHE = {}
ERRNAME = {e: knl.errname(e) for e in errno.errorcode}


def pieces_safe(pieces):
    """targets_safe() of a body made of whole attributes @pieces, each
    KSCAN_A_TARGETS looked at once."""
    for enc in pieces:
        if enc[2] == A["TARGETS"] and not enc[3] & 0x3f:
            ok = SAFE_CACHE.get(enc)
            if ok is None:
                ok = SAFE_CACHE[enc] = targets_safe(enc, len(enc), 0)
                if len(SAFE_CACHE) > 100000:
                    SAFE_CACHE.clear()
            if not ok:
                return False
    return True


def start_sid(ans):
    """The KSCAN_A_SCAN_ID of a START's reply, or None."""
    if ans.err not in (0, None) or not ans.replies:
        return None
    r = ans.replies[0]
    for _, ty, p, e in walk(r, 4, len(r)):
        if ty & NLA_TYPE_MASK == A["SCAN_ID"] and e - p == 4:
            return unpack_from("=I", r, p)[0]
    return None


# ---- the engine: one message, its prediction, its answer ------------------


class Engine:
    def __init__(self, lab, oracle):
        self.lab, self.orc = lab, oracle
        self.sched = lab.sched
        self.figs = {}
        self.phase = None
        self.held = 0
        self.last = None
        self.count = 0
        self.fig = None
        # Counted here, added to their checks at the end (hot path).
        self.n_safe = self.n_answered = 0
        # Where the time goes (figures): the generator's share is added
        # by phase2().
        # Where time goes beyond sending (figures).
        self.time = {"room": 0.0}

    def fold(self):
        """Add what the hot path counted to its checks."""
        CK.ok[CHK_SAFE] += self.n_safe
        CK.ok[CHK_HANG] += self.n_answered
        self.n_safe = self.n_answered = 0

    def pick_ns(self, cmd):
        nss = self.lab.ns
        if cmd == CMD["START"] and self.sched.random() < 0.9:
            return min(nss, key=lambda n: len(n.live))
        return nss[self.sched.randrange(len(nss))]

    def resolve(self, cls, ns):
        """A scan id of class @cls, as things are now."""
        lab, pick, now = self.lab, self.sched.choice, time.monotonic()
        if cls in ("old", "young") and ns.live:
            scans = list(ns.live.values())
            if cls == "old":
                # Only what has run MIN_RUN may be stopped.
                scans = [s for s in scans if now - s.t0 >= MIN_RUN]
            if scans:
                return pick(scans).id
        if cls == "other":
            others = [s.id for n in lab.ns if n is not ns
                      for s in n.live.values()]
            if not others:
                others = [i for n in lab.ns if n is not ns for i in n.recent]
            if others:
                return pick(others)
        if cls != "never" and ns.recent:
            return pick(ns.recent)
        return lab.max_id + 1000 + self.sched.randrange(1000)

    def run(self, c):
        """Send case @c (phase 1) and judge the answer."""
        msg, pieces = finished(c)
        return self.send(c.desc, c.chk, c.cmd, msg, c.ns, pieces,
                         c.idref, c.fresh, c.expect, hold=c.hold)

    def send(self, desc, chk, cmd, msg, nsi=None, pieces=None, idref=None,
             fresh=None, expect=None, static=None, hold=0.0):
        """Send @msg (a bytearray: its sequence number is set here) from
        netns @nsi (None: one picked), predict its answer and judge it.
        @static: (prediction, safe) the feeder made of the same bytes.
        This runs for every message: it is written for speed (Python
        under TCG costs microseconds a line)."""
        lab, orc = self.lab, self.orc
        ns = lab.ns[nsi] if nsi is not None else self.pick_ns(cmd)
        if idref:
            off, cls = idref
            msg[off:off + 4] = u32(self.resolve(cls, ns))
            pieces = static = None  # they knew the id before it was chosen
        n = len(msg)
        is_start = n >= 20 and msg[16] == CMD["START"]
        if static is not None:
            pred, safe = static
        else:
            pred = orc.predict(msg, ns, pieces)
            safe = True
            if is_start:
                nlen = min(unpack_from("=I", msg, 0)[0], n)
                safe = pieces_safe(pieces) if pieces is not None and \
                    nlen == n else targets_safe(msg, nlen)
        if not safe:
            self.held += 1
            info("held back (a target outside the lab): %s: %s" % (
                desc, msg.hex()))
            return None
        self.n_safe += is_start
        kind = pred[0]
        sock = ns.sock
        owner = None
        if kind == "start":
            if len(pred) == 4:
                pred = pred + (msg, n)          # the feeder left them out
            if not pred[1]:
                msg, pred, owner = self.before_scan(msg, pred, ns, fresh)
                n = len(msg)
                if owner:
                    sock = owner
            # The netns may be full (EBUSY) now, whatever the feeder saw.
            pred = pred[:2] + (len(ns.live) >= MAX_SCANS,) + pred[3:]
        elif kind == "stop" and pred[1] == "live":
            wait = pred[2].t0 + MIN_RUN - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        seq = lab.next_seq()
        if n >= 12:
            pack_into("=I", msg, 8, seq)
        self.last = (desc, msg)
        try:
            ans = exchange(sock, msg, seq, n < 20 or msg[6] & 5 != 5 or
                           unpack_from("=I", msg, 0)[0] != n)
        except Hang:
            CK.fail(CHK_HANG, "%s: no answer in %.0f s; sent %s" % (
                desc, TIMEOUT, msg.hex()))
            raise
        self.n_answered += 1
        now = time.monotonic()
        err = ans.err
        fig = self.fig
        fig["sent"] += 1
        if kind == "core" and ans.senderr is None:
            # The most common case, judged here.
            why = None
            if err != pred[1] or ans.replies:
                why = "expected %s from the core" % ERRNAME[pred[1]]
            elif ans.off != pred[2]:
                why = "expected bad_attr at offset %s" % pred[2]
            elif (ans.pol is not None) != pred[3]:
                why = "expected %s policy in the ack" % (
                    "the attribute's" if pred[3] else "no")
            elif pred[4] and not ans.msg:
                why = "expected an extack message"
            sid = start_sid(ans) if is_start and not err else None
            orc.started = sid
        else:
            sid = start_sid(ans) if is_start else None
            orc.started, orc.reused = sid, sid in lab.by_id
            why = orc.judge(pred, ans, ns, now)
        if why is None and expect is not None:
            why = self.judge_expect(expect, ans, pred, msg)
        if sid is not None and sid not in lab.by_id:
            conf = pred[3] if kind == "start" else None
            if conf is None:
                # Not predicted (a failure already): what the handler
                # rules say of it, so that it is stopped and checked.
                conf = orc.start_model(msg, n, ns)[3] or \
                    (0, -1, 0, 1, 32, b"", 0, 1)
            lab.register(ns, sid, conf, sock, now, hold)
        elif owner:
            owner.close()
        key = "accepted" if err in (0, None) and (ans.replies or
                                                  ans.done) else \
            "ack 0" if err == 0 else "no answer" if err is None \
            else ERRNAME.get(err) or str(err)
        fig[key] = fig.get(key, 0) + 1
        if why:
            CK.fail(chk, "%s: %s; sent %s; got %s" % (desc, why, msg.hex(),
                                                      ans))
        else:
            CK.ok[chk] += 1
        if now > WATCHDOG[0]:
            pet_watchdog(now)
        if lab.heap and lab.heap[0][0] <= now:
            lab.reap(now)
        return ans

    def before_scan(self, msg, pred, ns, fresh):
        """A START will start a scan: bound the full-speed scans and the
        skb pools, and pick the socket that will own it. Returns the
        message, its prediction and the owner socket (None: the netns's)."""
        lab = self.lab
        conf = pred[3]
        fast = conf[2] == 0 or conf[2] > 200_000
        if fast and lab.fast >= MAX_FAST and \
                unpack_from("=I", msg, 0)[0] == len(msg):
            # Another full-speed scan would starve the fuzzer: this one
            # gets a rate (the last RATE is the one that counts).
            msg = msg + nla(A["RATE"], u64(BASE_RATE))
            msg[0:4] = u32(len(msg))
            fast = False
            pred = self.orc.predict(msg, ns)
            conf = pred[3]
        t = time.perf_counter()
        lab.make_room(conf[7], fast)
        self.time["room"] += time.perf_counter() - t
        if fresh is None:
            fresh = self.sched.random() < 0.25
        # Owned by a socket of its own, which the lab closes to end it.
        return msg, pred, Sock(ns.fd) if fresh else None

    def judge_expect(self, expect, ans, pred, msg):
        """What the header says about a case (phase 1's related pairs)."""
        if ans.err == E.EBUSY and pred[0] == "start" and pred[2]:
            return None         # the netns was full: a fair answer too
        if expect == "ok":
            return None if self.orc.started is not None else \
                "the header says this START is valid"
        errs, name, miss = expect
        if ans.err in errs:
            if name is None:
                return None
            if miss:
                if ans.missing == A[name]:
                    return None
            elif re.search(r"\bKSCAN_A_%s\b" % name, ans.msg or ""):
                return None
            elif ans.off is not None and any(
                    o <= ans.off < e for o, ty, _, e in walk(msg, 20, len(msg))
                    if ty & NLA_TYPE_MASK == A[name]):
                return None
        return "the header says: %s" % rules_str([expect])


# ---- phase 2: random mutations ---------------------------------------------

CHK_P2 = "phase 2: random mutations answered as predicted"
HDR_FLAGS = [0, NLM_F_ACK, NLM_F_REQUEST,
             NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO,
             NLM_F_REQUEST | NLM_F_ACK | NLM_F_MULTI,
             NLM_F_REQUEST | NLM_F_ACK | NLM_F_ROOT,
             NLM_F_REQUEST | NLM_F_ACK | NLM_F_MATCH,
             NLM_F_REQUEST | NLM_F_ACK | 0x400,
             NLM_F_REQUEST | NLM_F_ACK | 0x800,
             NLM_F_REQUEST | NLM_F_ACK | 0x10,
             NLM_F_REQUEST | NLM_F_ACK | 0x8000]


def put(pieces, t, payload, rnd=None):
    """Set attribute @t (any flags): every occurrence goes, one comes back
    (at a random place with @rnd, else at the end)."""
    tm = t & NLA_TYPE_MASK
    pieces[:] = [x for x in pieces if x[0] != tm]
    item = (tm, nla(t, payload))
    if rnd and pieces:
        pieces.insert(rnd.randrange(len(pieces) + 1), item)
    else:
        pieces.append(item)


def put_enc(pieces, t, enc, rnd):
    """As put(), with the attribute already encoded (flags and all)."""
    pieces[:] = [x for x in pieces if x[0] != t]
    pieces.insert(int(rnd.random() * (len(pieces) + 1)), (t, enc))


class Phase2:
    """Random mutations of valid messages, from one seed. The messages
    depend on the seed alone, not on the answers or on timing, so message
    i can be printed again (nl_fuzz.py print) to reproduce a finding; what
    depends on the moment (which scan a symbolic id names, which netns)
    is chosen when it is sent."""

    def __init__(self, fam, doc, ns0, seed, valid_share):
        self.rnd = random.Random(seed)
        # choice() and randrange() cost several calls each: these cost one.
        rr = self.rnd.random
        self.pick = lambda seq: seq[int(rr() * len(seq))]
        self.below = lambda n: int(rr() * n)
        self.valid_share = valid_share
        self.ns0 = ns0
        pol = effective_policy(fam, doc, CMD["START"])
        self.pol = pol
        tp = tuples(pol)
        self.base = [(t & NLA_TYPE_MASK, nla(t, p))
                     for t, p in base_start(ns0)]
        basemap = {t: e for t, e in self.base}
        # Every phase 1 variant of every attribute, sorted by what the
        # policy says of it alone.
        self.ok, self.bad = {}, {}
        for t, p in pol.items():
            name = ANAME[t]
            valid = basemap.get(t)
            valid = valid[4:] if valid else \
                {"int": struct.pack(INT_FMT[p.size], p.lo) if p.size
                 else b"", "binary": content(name, p.lo)}.get(p.kind, b"")
            for _, ty, payload in attr_variants(name, t, p, valid):
                if len(payload) > 4096 and name != "TARGETS":
                    continue    # the big ones are phase 1's
                enc = nla(ty, payload)
                (self.bad if core_check(enc, 0, len(enc), tp, A_MAX)
                 else self.ok).setdefault(t, []).append(enc)
        self.ok_types = sorted(self.ok)
        self.bad_types = sorted(self.bad)
        self.optional = [t for t in self.ok_types if t not in basemap]
        self.required = [A[n] for n, e in doc.items() if e["required"]] + \
            [A["SADDR_FIRST"]]
        self.foreign = [t for t in ATTR_NUMBERS if t not in pol]
        self.cpus = sorted(online_cpus())
        self.nmsg = 0
        self.pool = [self.valid_start() for _ in range(64)]

    # -- values --

    def rint(self, name):
        """An in-policy value of integer attribute @name, boundaries
        first."""
        r, p = self.rnd, self.pol[A[name]]
        if p.mask is not None:
            return self.below(p.mask + 1) & p.mask
        if r.random() < 0.5:
            return self.pick((p.lo, p.lo + 1 if p.lo < p.hi else p.lo, p.hi,
                             p.hi - 1 if p.hi > p.lo else p.hi))
        return r.randint(p.lo, p.hi)

    def mac(self):
        return bytes([self.rnd.randrange(256) & 0xfe | 0x02]) + \
            self.rnd.randbytes(5)

    # -- a valid START, with unusual values --

    def valid_start(self):
        r, ns0 = self.rnd, self.ns0
        P = {}          # type -> encoded attribute
        extra = []      # TARGETS when it repeats

        def p(name, payload):
            t = A[name]
            P[t] = nla(t | (NLA_F_NESTED if name == "TARGETS" else 0),
                       payload)
        p("IFINDEX", u32(ns0.up))
        p("DST_MAC", self.mac())
        if r.random() < 0.2:
            p("SRC_MAC", self.mac())
        x = r.random()
        if x < 0.5:
            p("SADDR_FIRST", be32(r.getrandbits(32)))
        elif x < 0.8:
            f = self.pick((0, r.getrandbits(32)))
            p("SADDR_FIRST", be32(f))
            p("SADDR_LAST", be32(self.pick((f, 2**32 - 1,
                                           r.randint(f, 2**32 - 1)))))
        else:
            n = self.pick((1, 2, H["KSCAN_MAX_SADDRS"],
                          r.randint(1, H["KSCAN_MAX_SADDRS"])))
            p("SADDR_LIST", r.randbytes(4 * n))
        if r.random() < 0.6:
            sf, sl = 40000, 40999
        else:
            sf = r.randint(1, 65535)
            sl = min(65535, sf + self.pick((0, 1, 15, 999, 65534)))
        p("SPORT_FIRST", u16(sf))
        p("SPORT_LAST", u16(sl))
        probes = 1
        if r.random() < 0.4:
            probes = r.randint(1, min(H["KSCAN_MAX_PROBES"], sl - sf + 1))
            p("PROBES", u32(probes))
        x = r.random()
        if x < 0.5:
            ivs = [(LAB_FIRST, LAB_LAST)]
        elif x < 0.75:
            a = r.randint(LAB_FIRST, LAB_LAST)
            ivs = [(a, min(LAB_LAST, a + self.pick((0, 3, 255))))]
        else:
            pts = sorted(r.sample(range(LAB_FIRST, LAB_LAST + 1),
                                  2 * r.randint(2, 64)))
            ivs = list(zip(pts[::2], pts[1::2]))
        if len(ivs) > 1 and r.random() < 0.3:
            # Several nests (an empty one among them is allowed).
            cut = r.randint(1, len(ivs) - 1)
            T = A["TARGETS"]
            extra.append((T, nla(T | NLA_F_NESTED, intervals(ivs[:cut]))))
            if r.random() < 0.3:
                extra.append((T, nla(T | NLA_F_NESTED, b"")))
            extra.append((T, nla(T | NLA_F_NESTED, intervals(ivs[cut:]))))
        else:
            p("TARGETS", intervals(ivs))
        naddr = sum(b - a + 1 for a, b in ivs)
        x = r.random()
        if x < 0.5:
            ports = [(1, 1000)]
        elif x < 0.7:
            a = r.randint(1, 65535)
            ports = [(a, a)]
        elif x < 0.9:
            pts = sorted(r.sample(range(1, 65536), 2 * r.randint(2, 32)))
            ports = list(zip(pts[::2], pts[1::2]))
        else:
            ports = [self.pick(((1, 65535), (65535, 65535), (1, 1)))]
        p("PORTS", port_ranges(ports))
        nports = sum(b - a + 1 for a, b in ports)
        p("KEY", r.randbytes(KEY_LEN))
        x = r.random()
        if x < 0.6:
            p("RATE", u64(BASE_RATE))
        elif x < 0.85:
            p("RATE", u64(r.randint(1, 5000)))
        elif x < 0.9:
            p("RATE", u64(1))
        elif x < 0.95:
            if r.random() < 0.5:
                p("RATE", u64(0))   # else no RATE: the default, 0
        else:
            p("RATE", u64(H["KSCAN_MAX_RATE"]))
        shards, shard = 1, 0
        if r.random() < 0.3:
            shards = self.pick((1, 2, 3, H["KSCAN_MAX_SHARDS"],
                               r.randint(1, H["KSCAN_MAX_SHARDS"])))
            shard = self.pick((0, shards - 1, self.below(shards)))
            p("SHARDS", u32(shards))
            if shard or r.random() < 0.5:
                p("SHARD", u32(shard))
        x = r.random()
        queues = None
        if x < 0.6:
            pass
        elif x < 0.8:
            queues = [self.below(ns0.txq)]
        elif x < 0.95:
            queues = r.sample(range(ns0.txq), r.randint(2, min(4, ns0.txq)))
        else:
            queues = list(range(ns0.txq))
        if queues:
            p("TX_QUEUES", b"".join(u16(q) for q in queues))
        if r.random() < 0.3:
            p("TX_CPUS", b"".join(u32(self.pick(self.cpus))
                                  for _ in (queues or [0])))
        # Mostly queue mode (no skb pool to fill: cheap to start).
        x = r.random()
        p("XMIT_MODE", u32(H["KSCAN_XMIT_QUEUE"] if x < 0.7 else
                           H["KSCAN_XMIT_BURST"] if x < 0.9 else
                           H["KSCAN_XMIT_DIRECT"]))
        for name in ("TTL", "WINDOW", "TCP_OPTIONS", "BURST"):
            if r.random() < 0.3:
                pp = self.pol[A[name]]
                p(name, struct.pack(INT_FMT[pp.size], self.rint(name)))
        if r.random() < 0.3:
            p("SEED", u64(self.pick((0, 2**64 - 1, r.getrandbits(64)))))
        if r.random() < 0.3:
            size = naddr * nports * probes
            q, rem = divmod(size, shards)
            mine = q + (shard < rem)
            mp = self.pick((1, 2, mine - 1, mine, mine + 1, 2**63, 2**64 - 1,
                           r.randint(1, 10**6)))
            p("MAX_PACKETS", u64(max(1, mp)))
        if r.random() < 0.4:
            p("FLAGS", u32(self.pick((0, 1, F_DETACH, 3))))
        P = list(P.items()) + extra
        if r.random() < 0.2:
            r.shuffle(P)
        if r.random() < 0.1:
            # A decoy: an earlier occurrence, valid; the last one counts.
            t = self.pick([t for t, _ in P if t != A["TARGETS"]])
            P.insert(0, (t, self.pick(self.ok[t])))
        return P

    # -- mutations --

    def mutate(self, P):
        r = self.rnd
        k = self.below(7)
        if k == 0:
            t = self.pick(self.ok_types)
            put_enc(P, t, self.pick(self.ok[t]), r)
        elif k == 1:
            t = self.pick(self.bad_types)
            P.insert(self.below(len(P) + 1), (t, self.pick(self.bad[t])))
        elif k == 2 and P:
            del P[self.below(len(P))]
        elif k == 3 and P:
            t = self.pick(P)[0]
            cands = self.ok.get(t, []) + self.bad.get(t, [])
            if cands:
                P.insert(self.below(len(P) + 1), (t, self.pick(cands)))
        elif k == 4:
            t = self.pick(self.optional)
            P.insert(self.below(len(P) + 1), (t, self.pick(self.ok[t])))
        elif k == 5:
            self.foreign_attr(P)
        else:
            r.shuffle(P)

    def foreign_attr(self, P):
        r = self.rnd
        t = self.pick(self.foreign) if r.random() < 0.7 else \
            r.getrandbits(16)
        if t & NLA_TYPE_MASK == A["TARGETS"]:
            t = 0               # random bytes never pass for targets
        P.insert(self.below(len(P) + 1),
                 (t & NLA_TYPE_MASK,
                  nla(t, r.randbytes(self.pick((0, 1, 2, 4, 8, 16, 33))))))

    def breaking(self, P):
        """One mutation that makes the START invalid, applied last.
        Returns bytes to append after the attributes."""
        r = self.rnd
        x = r.random()
        if x < 0.4:
            t = self.pick(self.bad_types)
            put_enc(P, t, self.pick(self.bad[t]), r)
        elif x < 0.5:
            t = self.pick(self.required)
            P[:] = [y for y in P if y[0] != t]
        elif x < 0.6:
            self.foreign_attr(P)
        elif x < 0.85:
            self.cross(P)
        elif x < 0.9:
            return r.randbytes(r.randint(1, 40))
        elif x < 0.95 and P:
            i = self.below(len(P))
            t, e = P[i]
            e = bytearray(e)
            e[0:2] = u16(self.pick((0, 1, 2, 3, len(e) - 1, len(e) + 1,
                                   len(e) + 2, len(e) + 3, 0xffff,
                                   max(4, len(e) - 4))))
            P[i] = (-1, bytes(e))       # no longer an attribute of type t
        elif P:
            i = self.below(len(P))
            t, e = P[i]
            ty = unpack_from("=H", e, 2)[0] ^ NLA_F_NESTED
            P[i] = (t, e[:2] + u16(ty) + e[4:])
        return b""

    def cross(self, P):
        """Break one rule between attributes (the header's)."""
        r, ns0 = self.rnd, self.ns0
        k = self.below(15)
        if k == 0:
            f = r.randint(2, 65535)
            put(P, A["SPORT_FIRST"], u16(f), r)
            put(P, A["SPORT_LAST"], u16(r.randint(1, f - 1)), r)
        elif k == 1:
            n = r.randint(1, 15)
            f = r.randint(1, 65535 - n)
            put(P, A["SPORT_FIRST"], u16(f), r)
            put(P, A["SPORT_LAST"], u16(f + n - 1), r)
            put(P, A["PROBES"], u32(r.randint(n + 1, 16)), r)
        elif k == 2:
            shards = r.randint(1, H["KSCAN_MAX_SHARDS"] - 1)
            put(P, A["SHARDS"], u32(shards), r)
            put(P, A["SHARD"], u32(r.randint(shards,
                                              H["KSCAN_MAX_SHARDS"] - 1)), r)
        elif k == 3:
            nq = r.randint(1, ns0.txq)
            put(P, A["TX_QUEUES"], b"".join(
                u16(q) for q in r.sample(range(ns0.txq), nq)), r)
            nc = self.pick([n for n in (nq - 1, nq + 1, 2 * nq) if n > 0])
            put(P, A["TX_CPUS"], b"".join(u32(0) for _ in range(nc)), r)
        elif k == 4:
            q = self.below(ns0.txq)
            put(P, A["TX_QUEUES"], u16(q) + u16(self.below(ns0.txq)) +
                u16(q), r)
        elif k == 5:
            put(P, A["TX_QUEUES"], u16(r.randint(ns0.txq, 65535)), r)
        elif k == 6:
            put(P, A["TX_QUEUES"], r.randbytes(self.pick((3, 5, 7))), r)
        elif k == 7:
            put(P, A["SADDR_LIST"], r.randbytes(4 * r.randint(1, 8)), r)
            put(P, self.pick((A["SADDR_FIRST"], A["SADDR_LAST"])),
                be32(r.getrandbits(32)), r)
        elif k == 8:
            f = r.randint(1, 2**32 - 1)
            P[:] = [y for y in P if y[0] != A["SADDR_LIST"]]
            put(P, A["SADDR_FIRST"], be32(f), r)
            put(P, A["SADDR_LAST"], be32(r.randint(0, f - 1)), r)
        elif k == 9:
            P[:] = [y for y in P if y[0] not in (A["SADDR_FIRST"],
                                                 A["SADDR_LAST"])]
            n = r.randint(4, 1023)
            put(P, A["SADDR_LIST"], r.randbytes(n + (n % 4 == 0)), r)
        elif k == 10:
            a = r.randint(1, 65000)
            put(P, A["PORTS"], self.pick((
                port_ranges([(a + 10, a + 20), (a, a + 5)]),
                port_ranges([(a, a + 10), (a + 10, a + 20)]),
                port_ranges([(a + 5, a)]),
                port_ranges([(a, a)]) + b"\0\0")), r)
        elif k == 11:
            a = r.randint(LAB_FIRST, LAB_LAST - 40)
            put(P, A["TARGETS"] | NLA_F_NESTED, self.pick((
                intervals([(a + 20, a + 30), (a, a + 10)]),
                intervals([(a, a + 10), (a + 10, a + 20)]),
                intervals([(a + 10, a)]),
                b"")), r)
        elif k == 12:
            put(P, A[self.pick(("DST_MAC", "SRC_MAC"))],
                self.pick((bytes(6), b"\x01" + r.randbytes(5),
                          b"\xff" * 6)), r)
        elif k == 13:
            put(P, A["IFINDEX"], u32(self.pick((ns0.lo, ns0.down, 999,
                                               r.randint(1, 2**31 - 1)))), r)
        else:
            put(P, A["TX_CPUS"], u32(self.pick((len(self.cpus), 4096,
                                               2**32 - 1))), r)

    # -- the messages --

    def next(self):
        r = self.rnd
        i = self.nmsg
        self.nmsg += 1
        x = r.random()
        S = CMD["START"]
        flags = NLM_F_REQUEST | NLM_F_ACK
        idx = None
        pieces = None
        if x < self.valid_share:
            cmd, kind = S, "valid START"
            pieces = [e for _, e in self.valid_start()]
            raw = b"".join(pieces)
        elif x < 0.78:
            cmd, kind = S, "START"
            if r.random() < 0.5:
                P = list(self.base)
            else:
                # A valid variant from the pool, which is renewed as it
                # is used (a fresh variant costs more than a message).
                k = self.below(len(self.pool))
                P = list(self.pool[k])
                if r.random() < 0.02:
                    self.pool[k] = self.valid_start()
            for _ in range(self.pick((0, 0, 1, 1, 2, 3))):
                self.mutate(P)
            tail = self.breaking(P)
            pieces = [e for _, e in P]
            raw = b"".join(pieces) + tail
            if tail or any(t == -1 for t, _ in P):
                pieces = None   # not whole attributes any more
        elif x < 0.92:
            cmd = CMD["STOP"] if x < 0.85 else CMD["GET"]
            kind = "STOP" if cmd == CMD["STOP"] else "GET"
            raw, idx, pieces = self.id_body(cmd)
        elif x < 0.95:
            cmd, kind = CMD["GET"], "GET dump"
            flags |= NLM_F_DUMP
            P = [] if r.random() < 0.6 else \
                [(A["SCAN_ID"], nla(A["SCAN_ID"], u32(r.getrandbits(32))))]
            if r.random() < 0.4:
                self.mutate(P)
            pieces = [e for _, e in P]
            raw = b"".join(pieces)
        elif x < 0.97:
            cmd, kind = CMD["GET_INFO"], "GET_INFO"
            P = []
            if r.random() < 0.5:
                self.foreign_attr(P)
            pieces = [e for _, e in P]
            raw = b"".join(pieces)
        else:
            cmd = self.pick(UNUSED_CMDS) if r.random() < 0.7 else \
                r.randint(H["__KSCAN_CMD_MAX"], 255)
            kind = "cmd %d" % cmd
            raw = b"".join(e for _, e in self.base) if r.random() < 0.5 \
                else r.randbytes(r.randint(0, 64))
        c = Case("phase 2 #%d (%s)" % (i, kind), CHK_P2, cmd, raw=raw,
                 flags=flags)
        c.pieces = pieces
        if idx is not None:
            c.idref = idx
        if r.random() < 0.08:
            self.header(c)
        return c

    def id_body(self, cmd):
        """A STOP or GET: its KSCAN_A_SCAN_ID a class of scan (resolved
        when sent) or a literal, maybe mutated."""
        r = self.rnd
        classes = ("old", "other", "ended", "never") + \
            (("young",) if cmd == CMD["GET"] else ())
        P = []
        sym = None
        if r.random() < 0.75:
            sym = self.pick(classes)
            P.append((A["SCAN_ID"], nla(A["SCAN_ID"], u32(0))))
        else:
            P.append((A["SCAN_ID"], nla(A["SCAN_ID"], u32(self.pick(
                (0, 1, 2, 2**32 - 1, r.getrandbits(32)))))))
        marker = P[0]
        if r.random() < 0.3:
            for _ in range(r.randint(1, 2)):
                y = r.random()
                if y < 0.3:
                    self.foreign_attr(P)
                elif y < 0.5:
                    P.insert(self.below(len(P) + 1),
                             (A["SCAN_ID"], self.pick(self.bad_scan_id())))
                elif y < 0.7 and P:
                    del P[self.below(len(P))]
                elif y < 0.85:
                    P.append((-1, r.randbytes(r.randint(1, 12))))
                else:
                    r.shuffle(P)
        pieces = [e for _, e in P]
        raw = b"".join(pieces)
        idx = None
        if sym and marker in P:
            off = 20 + sum(len(e) for _, e in P[:P.index(marker)]) + 4
            idx = (off, sym)
        if any(t == -1 for t, _ in P):
            pieces = None
        return raw, idx, pieces

    def bad_scan_id(self):
        t = A["SCAN_ID"]
        return [nla(t, u32(0)), nla(t, b""), nla(t, b"\x01"),
                nla(t, u64(1)), nla(t | NLA_F_NESTED, u32(1))]

    def header(self, c):
        """Chaos in the netlink or genetlink header."""
        r, msg = self.rnd, c.msg
        x = r.random()
        if x < 0.35:
            f = self.pick(HDR_FLAGS) if r.random() < 0.8 else \
                r.getrandbits(16)
            if c.cmd == CMD["START"] and f & NLM_F_DUMP == NLM_F_DUMP:
                f &= ~NLM_F_ROOT        # never a dump of START
            msg[6:8] = u16(f)
        elif x < 0.5:
            msg[18:20] = u16(r.randint(1, 0xffff))
        elif x < 0.6:
            msg[12:16] = u32(r.getrandbits(32))
        elif x < 0.85:
            c.trunc = ("cut", self.below(len(msg)))
            c.idref = None if c.idref and c.idref[0] + 4 > c.trunc[1] \
                else c.idref
        else:
            c.trunc = ("len", len(msg) + self.pick((-3, -2, -1, 1, 4, 64)))


# ---- what the kernel says of the family vs what the header says -----------

CHK_OPS = "GETFAMILY: version and ops as the header says (START/STOP admin)"
CHK_LISTED = "GETPOLICY lists every START attribute the header documents"
CHK_RANGES = "GETPOLICY types, ranges, lengths and masks match the header"
CHK_INFO = "GET_INFO: uapi version and limits as the header says"


def crosscheck(fam, doc):
    CK.expect(CHK_OPS, fam.version == VERSION,
              "family version %d, header KSCAN_GENL_VERSION %d" % (
                  fam.version, VERSION))
    want = {CMD["GET_INFO"]: GENL_CMD_CAP_DO,
            CMD["START"]: GENL_CMD_CAP_DO | GENL_ADMIN_PERM,
            CMD["STOP"]: GENL_CMD_CAP_DO | GENL_ADMIN_PERM,
            CMD["GET"]: GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP}
    for cmd in sorted(set(want) | set(fam.ops)):
        got = fam.ops.get(cmd)
        mask = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_ADMIN_PERM
        CK.expect(CHK_OPS, got is not None and got & mask == want.get(cmd),
                  "cmd %d: GETFAMILY op flags %s, header wants %s" % (
                      cmd, None if got is None else hex(got),
                      want.get(cmd)))
    if doc is None:
        CK.fail(CHK_LISTED, "the header's KSCAN_CMD_START section is gone")
        return
    pol = fam.policy(CMD["START"])
    for name, e in doc.items():
        t = A.get(name)
        if CK.expect(CHK_LISTED, t in pol,
                     "KSCAN_A_%s: the header documents %s, GETPOLICY does "
                     "not list it%s" % (name, e["kind"],
                                        " (Linux 6.1 cannot dump NLA_BE32 "
                                        "policies)" if e["kind"] == "be32"
                                        else "")):
            crosscheck_attr(name, e, pol[t])
    for t in pol:
        CK.expect(CHK_LISTED, ANAME.get(t) in doc,
                  "GETPOLICY lists attribute %d (%s) for START, the header "
                  "does not document it" % (t, ANAME.get(t)))
    for cmd, dump in ((CMD["STOP"], False), (CMD["GET"], False),
                      (CMD["GET"], True)):
        p = fam.policy(cmd, dump).get(A["SCAN_ID"])
        rng = H.doc_scan_id("STOP" if cmd == CMD["STOP"] else "GET")
        CK.expect(CHK_RANGES, p is not None and p.kind == "int" and
                  (p.lo, p.hi) == rng and set(fam.policy(cmd, dump)) ==
                  {A["SCAN_ID"]},
                  "cmd %d%s KSCAN_A_SCAN_ID: GETPOLICY %s, header %s" % (
                      cmd, " dump" if dump else "", p, rng))


def crosscheck_attr(name, e, p):
    what = "KSCAN_A_%s: GETPOLICY says %s, the header %r" % (name, p,
                                                            e["text"][:70])
    kind = e["kind"]
    if kind in ("u8", "u16", "u32", "u64"):
        ok = p.type == kind and (
            (p.mask == e["mask"]) if e["mask"] is not None else
            (p.mask is None and (p.lo, p.hi) == e["range"]))
    elif kind == "binary":
        ok = p.kind == "binary" and (p.lo, p.hi) == e["lengths"]
    elif kind == "nest":
        # The nest's entries: struct kscan_ipv4_interval, 8 bytes each.
        sub = p.sub or {}
        iv = sub.get(TARGET_A_INTERVAL)
        ok = p.kind == "nested" and p.submax == H["KSCAN_TARGET_A_MAX"] \
            and iv is not None and (iv.kind, iv.lo, iv.hi) == \
            ("binary", 8, 8) and set(sub) == {TARGET_A_INTERVAL}
    else:
        ok = False
    CK.expect(CHK_RANGES, ok, what)


# ---- main ------------------------------------------------------------------


def python_speed():
    """ns per iteration of a fixed loop: how fast Python runs here (TCG,
    a loaded host), to read the figures against."""
    t, x = time.perf_counter(), 0
    for i in range(100000):
        x = (x * 31 + i) & 0xffff
    return (time.perf_counter() - t) * 1e4


def threads():
    n = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/comm" % pid) as f:
                    n += f.read().startswith("kscan/")
            except OSError:
                pass
    return n


def on_alarm(signum, frame):
    raise Hang()


# A watchdog for what the socket timeout cannot see (a send() that never
# returns): SIGALRM after WATCHDOG_S seconds without progress; petted at
# most every few seconds (an alarm() call per message would cost).
WATCHDOG_S = int(3 * TIMEOUT) + 60
WATCHDOG = [0.0]


def pet_watchdog(now):
    signal.alarm(WATCHDOG_S)
    WATCHDOG[0] = now + 5


def run(specs):
    t_all = time.monotonic()
    fam = Family()
    FAMILY_ID[0] = fam.id
    doc = H.doc_start()
    crosscheck(fam, doc)
    lab = Lab(specs)
    orc = Oracle(fam, doc or {}, lab)
    eng = Engine(lab, orc)
    ns0 = lab.ns[0]
    CK.add(CHK_HANG)
    CK.add(CHK_SAFE)
    CK.add(CHK_INTERNAL)
    CK.good(CHK_INTERNAL)
    for name in (CHK_RESV, CHK_P1_START, CHK_P1_PAIRS, CHK_P1_IDS,
                 CHK_P1_UNUSED, CHK_P1_HDR, CHK_P2, CHK_STOP, CHK_CLOSE,
                 CHK_COUNTERS, CHK_INFO):
        CK.add(name)
    info("family %d, version %d, ops %s; %d netns, %d TX queues, CPUs %s; "
         "python: %.0f ns a loop iteration" % (
             fam.id, fam.version, sorted(fam.ops), len(lab.ns), ns0.txq,
             sorted(lab.cpus), python_speed()))
    CK.expect(CHK_INFO, orc.judge_info(lab.request(ns0, CMD["GET_INFO"],
                                                   b"")) is None,
              "GET_INFO reply")
    signal.signal(signal.SIGALRM, on_alarm)
    pet_watchdog(time.monotonic())
    try:
        phase1(eng, fam, doc or {}, orc, ns0)
        seed = int(os.environ.get("KSCAN_FUZZ_SEED", "20240607"), 0)
        count = int(os.environ.get("KSCAN_FUZZ_COUNT", "100000"))
        share = float(os.environ.get("KSCAN_FUZZ_VALID", "0.005"))
        if os.environ.get("KSCAN_FUZZ_PROFILE"):
            import cProfile
            import pstats
            prof = cProfile.Profile()
            prof.runcall(phase2, eng, fam, doc or {}, ns0, seed, count, share)
            pstats.Stats(prof, stream=sys.stdout).sort_stats(
                "tottime").print_stats(25)
        else:
            phase2(eng, fam, doc or {}, ns0, seed, count, share)
        t = time.monotonic()
        lab.reap(t, force=True)
        info("ending the last scans took %.1f s" % (time.monotonic() - t))
    except Hang:
        desc, msg = eng.last or ("?", b"")
        CK.fail(CHK_HANG, "stuck at %s: sent %s" % (desc, bytes(msg).hex()))
        signal.alarm(0)
        eng.fold()
        return CK.report() or 1
    except Exception:
        # A bug of the fuzzer: say so, and still end what it started.
        import traceback
        desc, msg = eng.last or ("?", b"")
        CK.fail(CHK_INTERNAL, "after %s (sent %s): %s" % (
            desc, bytes(msg).hex(), traceback.format_exc()))
        lab.reap(time.monotonic(), force=True)
    signal.alarm(0)
    final(eng, lab)
    figures(eng, lab, time.monotonic() - t_all)
    eng.fold()
    return CK.report()


def phase1(eng, fam, doc, orc, ns0):
    t0 = time.monotonic()
    eng.phase = "phase 1"
    eng.fig = eng.figs[eng.phase] = {"sent": 0}
    # The genetlink header check first: what it finds decides how the rest
    # is predicted (the commands that escape the check).
    checked = {}
    for c in phase1_resv(ns0):
        ans = eng.run(c)
        cmd = c.cmd
        if ans is not None and unpack_from("=H", c.msg, 18)[0]:
            checked[cmd] = ans.err == E.EINVAL and \
                "reserved" in (ans.msg or "")
    resv = 0
    for cmd in sorted(checked):
        if not checked[cmd]:
            resv = cmd + 1
    orc.resv_start = resv
    info("genetlink checks the header of commands >= %d (the family's "
         "resv_start_op)" % resv)
    for gen in (phase1_start(fam, doc, ns0), phase1_pairs(ns0, orc.port_min),
                phase1_ids(fam, ns0), phase1_unused(ns0),
                phase1_header(ns0)):
        for c in gen:
            eng.run(c)
    fig = eng.figs[eng.phase]
    fig["time"] = time.monotonic() - t0
    info("phase 1: %d messages in %.1f s, %d scans running" % (
        fig["sent"], fig["time"], eng.lab.live_count()))


def finished(c):
    """Case @c's bytes as they are sent (truncation applied) and the
    attributes they are made of (None when not whole attributes)."""
    msg, pieces = c.msg, c.pieces
    if c.trunc:
        pieces = None
        kind, v = c.trunc
        if kind == "cut":
            msg = msg[:v]
        if len(msg) >= 4:
            msg[0:4] = u32(v)
    return msg, pieces


class Feeder:
    """Phase 2's messages and what does not depend on the moment in their
    prediction (the policy's verdict, the rules between attributes, the
    safety check) come from a child process: with two CPUs, making the
    next messages overlaps with sending these. The child only computes:
    it closes every file but its pipe, so that no netlink socket of the
    lab outlives its close() in the parent (owner-bound scans end then).
    Batches of messages go down the pipe, pickled."""

    BATCH = 256

    def __init__(self, gen, orc, ns0, count):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            rc = 0
            try:
                signal.alarm(0)
                # The sender comes first: the feeder fills the pipe in
                # the gaps.
                os.nice(10)
                os.closerange(3, rfd)
                os.closerange(rfd, wfd)
                os.closerange(wfd + 1, 1 << 16)
                self.produce(gen, orc, ns0, count, wfd)
            except BrokenPipeError:
                pass            # the parent stopped reading: it says why
            except BaseException:
                import traceback
                traceback.print_exc()
                rc = 1
            os._exit(rc)
        os.close(wfd)
        self.pid, self.f = pid, os.fdopen(rfd, "rb")
        self.gen_time = 0.0
        self.wait_time = 0.0

    @staticmethod
    def produce(gen, orc, ns0, count, wfd):
        clock = time.perf_counter
        batch, t0 = [], clock()
        items = Feeder.items(gen, orc, ns0, count)
        while True:
            batch = [x for _, x in zip(range(Feeder.BATCH), items)]
            if not batch:
                return
            data = pickle.dumps((batch, clock() - t0), protocol=4)
            data = struct.pack("=I", len(data)) + data
            while data:
                data = data[os.write(wfd, data):]
            t0 = clock()

    @staticmethod
    def items(gen, orc, ns0, count):
        """(description, cmd, bytes, idref, static prediction or None)
        of each message."""
        S = CMD["START"]
        for i in range(count):
            c = gen.next()
            msg, pieces = finished(c)
            static = None
            if not c.idref:
                pred = orc.predict(msg, ns0, pieces)
                kind = pred[0]
                if kind == "start":
                    pred = pred[:4]     # the parent adds the bytes back
                if kind not in ("stop", "get"):   # those need the scans
                    safe = True
                    if len(msg) >= 20 and msg[16] == S:
                        nlen = min(unpack_from("=I", msg, 0)[0], len(msg))
                        safe = pieces_safe(pieces) if pieces is not None \
                            and nlen == len(msg) else targets_safe(msg, nlen)
                    static = (pred, safe)
            yield (c.desc, c.cmd, bytes(msg), c.idref, static)

    def __iter__(self):
        clock = time.perf_counter
        while True:
            t0 = clock()
            head = self.f.read(4)
            if len(head) < 4:
                break
            batch, t = pickle.loads(self.f.read(unpack_from("=I", head)[0]))
            self.wait_time += clock() - t0
            self.gen_time += t
            yield from batch
        _, status = os.waitpid(self.pid, 0)
        if status:
            raise RuntimeError("the phase 2 feeder failed (status %d)" %
                               status)


def phase2(eng, fam, doc, ns0, seed, count, share):
    info("phase 2: %d messages, seed %d (KSCAN_FUZZ_SEED), valid share %g" % (
        count, seed, share))
    t0 = time.monotonic()
    eng.phase = "phase 2"
    eng.fig = eng.figs[eng.phase] = {"sent": 0}
    gen = Phase2(fam, doc, ns0, seed, share)
    if os.environ.get("KSCAN_FUZZ_FEEDER", "1") == "1":
        feeder = Feeder(gen, eng.orc, ns0, count)
    else:
        # Made here, one by one (a one-CPU VM).
        feeder = Feeder.items(gen, eng.orc, ns0, count)
    step = max(1, count // 10)
    send = eng.send
    i = 0
    for desc, cmd, msg, idref, static in feeder:
        send(desc, CHK_P2, cmd, bytearray(msg), idref=idref, static=static)
        i += 1
        if i % step == 0:
            dt = time.monotonic() - t0
            info("phase 2: %d/%d messages, %.0f s, %.0f/s, %d scans started,"
                 " %d running" % (i, count, dt, i / dt,
                                  eng.lab.stats["started"],
                                  eng.lab.live_count()))
    CK.expect(CHK_P2, i == count, "the feeder gave %d messages of %d" % (
        i, count))
    if isinstance(feeder, Feeder):
        eng.time["feeder making messages"] = feeder.gen_time
        eng.time["waiting for the feeder"] = feeder.wait_time
    eng.figs[eng.phase]["time"] = time.monotonic() - t0


CHK_INTERNAL = "the fuzzer itself ran to its end"
CHK_END = "at the end: no scan RUNNING (GET dump of every netns)"
CHK_THREADS = "at the end: no kscan/* kernel thread left"


def final(eng, lab):
    for ns in lab.ns:
        ans = lab.dump(ns)
        running = [scan_fields(r).get("SCAN_ID") for r in ans.replies
                   if scan_fields(r).get("STATE") == ST["RUNNING"]]
        CK.expect(CHK_END, not ans.err and ans.done and not running and
                  not ns.live, "%s: dump %s, running %s, not ended: %s" % (
                      ns, ans, running, sorted(ns.live)))
    n = threads()
    CK.expect(CHK_THREADS, n == 0, "%d kscan/* threads" % n)


def figures(eng, lab, elapsed):
    for phase, fig in eng.figs.items():
        rest = ", ".join("%s %d" % (k, v) for k, v in sorted(fig.items())
                         if k not in ("sent", "time"))
        info("figures: %s: %d messages in %.1f s (%.0f/s): %s" % (
            phase, fig["sent"], fig.get("time", 0),
            fig["sent"] / max(fig.get("time", 1), 1e-9), rest))
    st = lab.stats
    info("figures: scans: %d started; ended by STOP %d, by closing their "
         "socket %d, by a fuzzed STOP %d, by themselves (DONE) %d; "
         "detached ones that outlived their socket %d" % (
             st["started"], st["stop"], st["close"], st["fuzz_stop"],
             st["done"], st["detached_survived"]))
    eng.time["ending scans (STOP, close, GET)"] = lab.t_reap
    info("figures: time in " + ", ".join(
        "%s %.1f s" % kv for kv in eng.time.items()))
    info("figures: %d requests of the lab itself (STOP, GET), %d STARTs held"
         " back by the safety check; %.1f s in all" % (
             st["lab_msgs"], eng.held, elapsed))


def send(specs, hexes):
    """Send raw messages from the first netns and print the answers."""
    fam = Family()
    FAMILY_ID[0] = fam.id
    lab = Lab(specs[:1])
    ns = lab.ns[0]
    for h in hexes:
        msg = bytearray.fromhex(h)
        if len(msg) >= 6:
            msg[4:6] = u16(fam.id)
        nlen = unpack_from("=I", msg, 0)[0] if len(msg) >= 4 else 0
        if len(msg) >= 20 and msg[16] == CMD["START"] and \
                not targets_safe(msg, min(nlen, len(msg))):
            print("refused: a target outside 198.18.0.0/15")
            continue
        seq = lab.next_seq()
        if len(msg) >= 12:
            msg[8:12] = u32(seq)
        ans = exchange(ns.sock, msg, seq, True)
        print(ans)
        for r in ans.replies:
            print("  reply", {k: v for k, v in scan_fields(r).items()
                              if k != "TYPES"})
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "print":
        # No kernel needed: the policy is the one phase 2 would read, so
        # print needs the module loaded all the same.
        fam = Family()
        FAMILY_ID[0] = fam.id
        first, count = int(argv[2]), int(argv[3])
        seed = int(os.environ.get("KSCAN_FUZZ_SEED", "20240607"), 0)
        share = float(os.environ.get("KSCAN_FUZZ_VALID", "0.005"))

        class NS:
            lo, up, down, txq = 1, int(argv[4]) if len(argv) > 4 else 2, \
                int(argv[5]) if len(argv) > 5 else 3, \
                int(argv[6]) if len(argv) > 6 else 8
        gen = Phase2(fam, H.doc_start() or {}, NS, seed, share)
        for i in range(first + count):
            c = gen.next()
            if i >= first:
                print(i, c.desc, c.idref or "", finished(c)[0].hex())
        return 0
    if len(argv) >= 3 and argv[1] == "send":
        return send([argv[2]], argv[3:])
    if len(argv) >= 3 and argv[1] == "run":
        return run(argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
