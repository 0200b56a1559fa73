#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Lifecycle chaos: random orders of kscanctl scans and the events that end
them, checked round by round. Driven by lifecycle_chaos.sh (see there for
the environment variables); run as root inside the lab VM only.

A round, drawn from its own random generator (seed and round number, so a
round can be replayed alone):
  - a device (dummy, veth or netdevsim, 4 TX queues) in the test netns;
  - 1 to 3 kscanctl scans at full speed, 1 or 2 threads each (queues picked
    among 0-3), attached (kscanctl stays, receiving nothing: --rx none) or
    detached (--detach: kscanctl prints the id and exits);
  - tens of ms of scanning, then the ending: kscanctl stop, link down,
    carrier off (then on, or not) before another ending, link delete, link
    moved to init_net, ethtool -L below some threads' queues (veth,
    netdevsim), netns delete, rmmod (and insmod again) or SIGKILL of the
    attached kscanctl processes; in a quarter of the rounds two of them at
    the same instant from two threads (a raw STOP stands for kscanctl stop
    there, whose exec would take too long to race anything); scans that an
    ending does not end (detached ones on SIGKILL, those whose queues stay
    on ethtool -L, all on carrier off) get a final one;
  - a `kscanctl status` and a loop of raw GET dumps racing the endings.
Checked: every scan's end event arrives with the reason of what ended it
(of a race: of one of the two; a raw STOP that succeeded: stopped), and
kscanctl's own report says the same for attached scans that were not killed; a
scan ends within 1 s of its kscanctl's SIGKILL, carrier off ends nothing
and its wait is counted (NO_CARRIER) and, once carrier is back, sending
resumes; after every round no kscan thread and no kscanctl is left; at the
end the module unloads.

Why in-process netlink rather than ip(8) and ethtool(8): under TCG an exec
costs 100-300 ms, so the only processes forked are the kscanctl ones the
test is about. Netns, links, carrier, queues and module (un)loading go
through rtnetlink, ethtool netlink and syscalls from here.

Netns exit cannot be observed as an event: a socket in a netns keeps it
alive, so nobody can listen there when it goes. Scans ended that way are
checked by their threads (kscan/ID:QUEUE) disappearing.

Output: "# " diagnostics on stdout, and one "CHECK<TAB>RC<TAB>TEXT" line per
aggregated check into the file given by --checks, which the shell wrapper
turns into log_test lines.
"""
import argparse
import ctypes
import errno
import os
import random
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kscan_nl import ATTRS, mcast_groups, nla, parse_attrs, uapi_enum  # noqa: E402

# ---- constants (uapi: linux/netlink.h, rtnetlink.h, if_link.h, veth.h,
# ---- genetlink.h, ethtool_netlink.h, sched.h, mount.h) --------------------

NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
IFF_UP = 1
IFLA_IFNAME, IFLA_LINKINFO, IFLA_NET_NS_FD = 3, 18, 28
IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES, IFLA_CARRIER = 31, 32, 33
IFLA_INFO_KIND, IFLA_INFO_DATA, VETH_INFO_PEER = 1, 2, 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
ETHTOOL_MSG_CHANNELS_SET = 18
ETHTOOL_A_CHANNELS_HEADER, ETHTOOL_A_HEADER_DEV_INDEX = 1, 1
ETHTOOL_A_CHANNELS_TX_COUNT, ETHTOOL_A_CHANNELS_COMBINED_COUNT = 7, 9
NLA_F_NESTED = 1 << 15
CLONE_NEWNET, MS_BIND, MNT_DETACH = 0x40000000, 4096, 2
SYS_finit_module, SYS_delete_module = 313, 176     # x86-64

KSCAN_CMD = {k[len("KSCAN_CMD_"):]: v for k, v in uapi_enum("kscan_cmd").items()}
STATE = {v: k[len("KSCAN_STATE_"):].lower()
         for k, v in uapi_enum("kscan_state").items() if not k.startswith("__")}
# Reason names as kscanctl prints them: KSCAN_REASON_DEVICE_DOWN -> device-down
REASON = {v: k[len("KSCAN_REASON_"):].lower().replace("_", "-")
          for k, v in uapi_enum("kscan_reason").items() if not k.startswith("__")}

QUEUES = 4                # TX queues of every test device
NSIM_ID_BASE = 4200       # netdevsim bus ids of ours
GATEWAY_MAC = "02:00:00:00:00:01"
# 131072 addresses x 1000 ports: no scan completes within a round.
TARGETS, PORTS = "198.18.0.0/15", "1-1000"

# What ends which scans, and the reason it must give.
REASON_OF = {"stop": "stopped", "down": "device-down", "delete": "device-gone",
             "move": "device-down", "queues": "queue-gone",
             "netns": "netns-exit", "rmmod": "module-unload",
             "kill": "owner-gone"}
# Steps as counted in the figures (carrier off is not an ending on its own;
# "move" is ip link set DEV netns OTHER, which closes the device before it
# unregisters it from the netns: device-down).
ENDINGS = ("stop", "down", "carrier off", "carrier on", "delete", "move",
           "queues", "netns", "rmmod", "kill", "race")
# Endings that two threads can fire at the same instant (a race step).
RACERS = ("stop", "down", "delete", "move", "queues", "rmmod", "kill")

# ---- syscalls --------------------------------------------------------------

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def _check(ret, what):
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))
    return ret


def setns(fd):
    _check(libc.setns(fd, CLONE_NEWNET), "setns")


def delete_module(name):
    # O_NONBLOCK as rmmod(8): refuse rather than wait if the module is busy.
    return _check(libc.syscall(SYS_delete_module, name.encode(),
                               os.O_NONBLOCK), "delete_module " + name)


def finit_module(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        _check(libc.syscall(SYS_finit_module, fd, b"", 0),
               "finit_module " + path)
    finally:
        os.close(fd)


def now():
    return time.monotonic()


def ms(t):
    return "%.0f" % (t * 1000)


# ---- netlink sockets -------------------------------------------------------

class NlSock:
    """A netlink socket with request/ack handling; bound to the netns of the
    thread that creates it, for its whole life."""

    def __init__(self, proto, timeout=10.0):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        # A kernel that stops answering fails the round; it never hangs us.
        self.sock.settimeout(timeout)
        self.seq = random.randrange(1 << 30)

    def close(self):
        self.sock.close()

    def request(self, mtype, flags, body):
        """Send one request; return the payloads of its replies (a dump's
        too); raise OSError with the kernel's errno on a NACK."""
        self.seq += 1
        seq = self.seq
        self.sock.send(struct.pack("=IHHII", 16 + len(body), mtype,
                                   NLM_F_REQUEST | NLM_F_ACK | flags, seq, 0)
                       + body)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            while len(data) >= 16:
                length, rtype, _, rseq, _ = struct.unpack_from("=IHHII", data)
                msg, data = data[16:length], data[(length + 3) & ~3:]
                if rseq != seq:
                    continue            # a late answer to an earlier request
                if rtype == NLMSG_DONE:
                    return replies
                if rtype == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", msg)[0]
                    if err:
                        raise OSError(err, os.strerror(err))
                    if flags & NLM_F_DUMP != NLM_F_DUMP:
                        return replies
                    continue
                replies.append(msg)


class Genl(NlSock):
    """A generic-netlink client of one family, resolved at creation."""

    def __init__(self, name, timeout=10.0):
        super().__init__(NETLINK_GENERIC, timeout)
        try:
            fam = self.request(GENL_ID_CTRL, 0, struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0)
                               + nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        except OSError:
            self.close()
            raise
        attrs = dict(parse_attrs(fam[0][4:]))
        self.family = struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID])[0]
        self.groups = mcast_groups(attrs)

    def call(self, cmd, payload=b"", flags=0, version=1):
        return [parse_attrs(m[4:]) for m in
                self.request(self.family, flags,
                             struct.pack("=BBH", cmd, version, 0) + payload)]

    def subscribe(self, group):
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                             self.groups[group])
        self.sock.setblocking(False)


def scan_attrs(attrs):
    """A GET reply or an event as {NAME: int}; QUEUE_STATS left out."""
    out = {}
    names = {v: k for k, v in ATTRS.items()}
    for atype, val in attrs:
        name = names.get(atype)
        if name and len(val) in (4, 8):
            out[name] = struct.unpack("=I" if len(val) == 4 else "=Q", val)[0]
        elif name == "DETACHED":
            out[name] = 1
    return out


class Rtnl(NlSock):
    """The few rtnetlink requests of ip-link that the test needs."""

    def __init__(self):
        super().__init__(NETLINK_ROUTE)

    @staticmethod
    def ifinfo(index=0, flags=0, change=0):
        return struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, flags, change)

    def add(self, name, kind, peer=None):
        qs = nla(IFLA_NUM_TX_QUEUES, struct.pack("=I", QUEUES)) + \
            nla(IFLA_NUM_RX_QUEUES, struct.pack("=I", QUEUES))
        data = b""
        if peer:
            data = nla(IFLA_INFO_DATA, nla(VETH_INFO_PEER, self.ifinfo() +
                                           nla(IFLA_IFNAME, peer.encode() + b"\0") + qs))
        body = self.ifinfo() + nla(IFLA_IFNAME, name.encode() + b"\0") + qs + \
            nla(IFLA_LINKINFO, nla(IFLA_INFO_KIND, kind.encode()) + data)
        self.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body)

    def index(self, name):
        msg = self.request(RTM_GETLINK, 0, self.ifinfo() +
                           nla(IFLA_IFNAME, name.encode() + b"\0"))
        return struct.unpack_from("=BxHiII", msg[0])[2]

    def set(self, index, up=None, carrier=None, netns_fd=None, name=None):
        flags = change = 0
        if up is not None:
            flags, change = (IFF_UP if up else 0), IFF_UP
        body = self.ifinfo(index, flags, change)
        if carrier is not None:
            body += nla(IFLA_CARRIER, struct.pack("=B", carrier))
        if netns_fd is not None:
            body += nla(IFLA_NET_NS_FD, struct.pack("=I", netns_fd))
        if name is not None:
            body += nla(IFLA_IFNAME, name.encode() + b"\0")
        self.request(RTM_NEWLINK, 0, body)

    def delete(self, index):
        self.request(RTM_DELLINK, 0, self.ifinfo(index))


def set_channels(ethtool, index, tx=None, combined=None):
    """ethtool -L DEV [tx N | combined N], through ethtool netlink."""
    payload = nla(ETHTOOL_A_CHANNELS_HEADER | NLA_F_NESTED,
                  nla(ETHTOOL_A_HEADER_DEV_INDEX, struct.pack("=I", index)))
    if tx is not None:
        payload += nla(ETHTOOL_A_CHANNELS_TX_COUNT, struct.pack("=I", tx))
    if combined is not None:
        payload += nla(ETHTOOL_A_CHANNELS_COMBINED_COUNT,
                       struct.pack("=I", combined))
    ethtool.call(ETHTOOL_MSG_CHANNELS_SET, payload)


# ---- the test network namespace -------------------------------------------

INIT_NETNS = os.open("/proc/self/ns/net", os.O_RDONLY)


class Inside:
    """with Inside(ns): the calling (main) thread is in ns, so sockets it
    creates and processes it forks belong there. setns() moves only the
    calling thread: the racing dump thread stays where it is."""

    def __init__(self, ns):
        self.ns = ns

    def __enter__(self):
        assert threading.current_thread() is threading.main_thread()
        setns(self.ns.fd)

    def __exit__(self, *exc):
        setns(INIT_NETNS)


class Netns:
    """A named netns, as `ip netns add` makes it (/run/netns/NAME bind
    mount), with our sockets in it and the devices we put there."""

    def __init__(self, name):
        self.name, self.path = name, "/run/netns/" + name
        os.makedirs("/run/netns", exist_ok=True)
        open(self.path, "x").close()
        _check(libc.unshare(CLONE_NEWNET), "unshare")
        try:
            _check(libc.mount(b"/proc/thread-self/ns/net", self.path.encode(),
                              None, MS_BIND, None), "mount " + self.path)
        finally:
            setns(INIT_NETNS)
        self.fd = os.open(self.path, os.O_RDONLY)
        self.devs = {}          # kind -> Dev
        self.kscan_socks = None
        with Inside(self):
            self.rtnl = Rtnl()
            self.ethtool = Genl("ethtool")
            self.rtnl.set(self.rtnl.index("lo"), up=True)

    def open_kscan(self):
        """(Re)open our kscan sockets: after each insmod the family (and
        its multicast group) is a new one."""
        self.close_kscan()
        with Inside(self):
            self.events = Genl("kscan")
            self.events.subscribe("events")
            self.req = Genl("kscan")        # GETs of the main thread
            self.dumper = Genl("kscan", timeout=5.0)  # the racing thread's
        self.kscan_socks = (self.events, self.req, self.dumper)

    def close_kscan(self):
        for s in self.kscan_socks or ():
            s.close()
        self.kscan_socks = None

    def delete(self):
        """ip netns del: drop every reference of ours (a socket in the netns
        keeps it alive), then the name. The kernel dismantles it later."""
        self.close_kscan()
        self.rtnl.close()
        self.ethtool.close()
        os.close(self.fd)
        _check(libc.umount2(self.path.encode(), MNT_DETACH), "umount")
        os.unlink(self.path)


class Dev:
    """A test device: name, ifindex, and how to drive it."""

    def __init__(self, kind, name, index, peer=None, nsim_id=None):
        self.kind, self.name, self.index = kind, name, index
        self.peer, self.nsim_id = peer, nsim_id     # veth peer ifindex
        self.queues = QUEUES
        self.carrier = True

    def endings(self):
        out = ["stop", "down", "delete", "move", "netns", "rmmod", "kill"]
        if self.kind in ("dummy", "veth"):
            out.append("carrier")
        if self.kind in ("veth", "netdevsim"):
            out.append("queues")
        return out


def nsim_new(bus_id):
    """A netdevsim device with one port and QUEUES queues (in init_net);
    returns its netdev's name."""
    with open("/sys/bus/netdevsim/new_device", "w") as f:
        f.write("%d 1 %d" % (bus_id, QUEUES))
    d = "/sys/bus/netdevsim/devices/netdevsim%d/net" % bus_id
    for _ in range(500):            # probing is synchronous; bounded anyway
        try:
            names = os.listdir(d)
            if names:
                return names[0]
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise RuntimeError("netdevsim%d: no netdev appeared in %s" % (bus_id, d))


def nsim_del(bus_id):
    try:
        with open("/sys/bus/netdevsim/del_device", "w") as f:
            f.write("%d" % bus_id)
    except OSError as e:
        if e.errno not in (errno.ENOENT, errno.EINVAL):
            raise


# ---- processes and threads ----------------------------------------------------

class ProcScan:
    """Which kscan threads and kscanctl processes exist, cheaply: reading
    every /proc/PID/comm costs tens of ms under TCG, so the comm of a pid
    that is neither is remembered. Pids are handed out in increasing order
    until they wrap; a new pid below the highest seen means they wrapped
    (a remembered pid may have been reused), and everything is read again."""

    def __init__(self):
        self.known, self.watch, self.top = {}, set(), 0

    def __call__(self):
        threads, ctls = [], []
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        fresh = [p for p in pids if p not in self.known and p not in self.watch]
        if fresh and min(fresh) < self.top:
            self.known = {}
        self.top = max([self.top] + pids)
        self.known = {p: self.known[p] for p in pids if p in self.known}
        self.watch = set()
        for pid in pids:
            if pid in self.known:
                continue
            try:
                with open("/proc/%d/comm" % pid) as f:
                    comm = f.read().strip()
            except OSError:
                continue
            if comm.startswith("kscan/"):
                threads.append(comm)
            elif comm == "kscanctl":
                ctls.append(pid)
            elif comm != "kthreadd" or pid == 2:
                # (a kthread being created is named kthreadd until
                # kthread_create() renames it: not remembered)
                self.known[pid] = comm
                continue
            self.watch.add(pid)
        return threads, ctls


proc_comms = ProcScan()


class Proc:
    """A kscanctl process with its output gathered by the event pump."""

    def __init__(self, role, argv, ns):
        self.role, self.argv = role, argv
        with Inside(ns):
            self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
        self.out, self.err = b"", b""
        self.t_start = now()
        self.t_exit = None
        self.rc = None

    def done(self):
        return self.rc is not None


class DumpRacer(threading.Thread):
    """Raw GET dumps in a loop while the endings happen. Errors are
    expected (a module being unloaded, a device going); a dump that does
    not come back within its socket's timeout is counted apart."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock, self.stop_ev = sock, threading.Event()
        self.ok = self.errors = self.timeouts = 0
        self.errnos = {}

    def run(self):
        while not self.stop_ev.is_set():
            try:
                self.sock.call(KSCAN_CMD["GET"], flags=NLM_F_DUMP)
                self.ok += 1
                # Under TCG a vCPU is precious: race, do not saturate.
                time.sleep(0.001)
            except socket.timeout:
                self.timeouts += 1
            except OSError as e:
                self.errors += 1
                name = errno.errorcode.get(e.errno, str(e.errno))
                self.errnos[name] = self.errnos.get(name, 0) + 1
                time.sleep(0.002)   # the family may be gone: do not spin

    def finish(self):
        self.stop_ev.set()
        self.join(10)
        return not self.is_alive()


# ---- one scan, one round -------------------------------------------------

class Scan:
    def __init__(self, n, queues, detach):
        self.n, self.queues, self.detach = n, queues, detach
        self.proc = None
        self.id = None
        self.gen = None             # module generation (ids restart)
        self.expect = None          # reason names the ending may give
        self.ended_by = None        # step that should have ended it
        self.t_end_action = None
        self.event = None           # {NAME: value} of its end event
        self.t_event = None
        self.killed = False
        self.t_died = None          # when its killed kscanctl was seen gone

    def key(self):
        return (self.gen, self.id)

    def desc(self):
        return "scan#%d(id %s, q %s, %s)" % (
            self.n, self.id, ",".join(map(str, self.queues)),
            "detached" if self.detach else "attached")


def flat_names(steps):
    """The endings of steps, those of race steps included."""
    return [sub[0] for st in steps
            for sub in (st[1] if st[0] == "race" else [st])]


def step_text(step):
    if step[0] == "race":
        return "race(%s)" % "+".join(step_text(sub) for sub in step[1])
    return ":".join(map(str, step))


class RoundFailed(Exception):
    pass


class Chaos:
    def __init__(self, args):
        self.a = args
        self.sel = selectors.DefaultSelector()
        self.gen = 0                # bumped by every insmod
        self.events = {}            # (gen, id) -> (attrs, time)
        self.ns = None
        self.ns_count = 0
        self.nsim_next = NSIM_ID_BASE
        self.nsim_live = set()      # bus ids of ours still registered
        self.dev_count = 0
        self.procs = []             # every Proc not yet reaped
        self.stats = {
            "rounds": 0, "scans": 0, "attached": 0, "detached": 0,
            "threads": 0, "status": 0, "status_failed": 0,
            "dumps": 0, "dump_errors": 0, "dump_timeouts": 0,
            "kill_ms_max": 0.0, "kills": 0, "carrier": 0, "carrier_on": 0,
            "reports": 0, "sent_before_end": 0, "netns_exits": 0,
            "rmmod_busy": 0, "races": 0, "race_lost": 0,
        }
        self.by_dev = {"dummy": 0, "veth": 0, "netdevsim": 0}
        self.endings = {e: 0 for e in ENDINGS}
        self.reasons = {}
        self.failures = []
        self.phases = {}
        self.dying = []             # (round, time, thread prefixes, scans)
        self.dump_errnos = {}
        self.round_lag = 0.0
        self.race_pairs = {}
        self.moved_devs = []

    # -- environment --

    def log(self, msg):
        self.actions.append("+%sms %s" % (ms(now() - self.t0), msg))
        if self.a.verbose:
            print("# r%d %s" % (self.round, self.actions[-1]), flush=True)

    def netns(self):
        if not self.ns:
            self.ns_count += 1
            self.ns = Netns("kchaos%d-%d" % (os.getpid(), self.ns_count))
            self.kscan_open()
        return self.ns

    def kscan_open(self):
        self.ns.open_kscan()
        self.sel.register(self.ns.events.sock, selectors.EVENT_READ,
                          ("events", self.ns))

    def kscan_close(self):
        if self.ns and self.ns.kscan_socks:
            self.sel.unregister(self.ns.events.sock)
            self.ns.close_kscan()

    def new_dev(self, ns, kind):
        self.dev_count += 1
        # Names unique to the run and absent from init_net: kscanctl
        # reads /sys/class/net/NAME, and /sys here is init_net's.
        name = "kc%d%s" % (self.dev_count, kind[0])
        if kind == "dummy":
            ns.rtnl.add(name, "dummy")
            dev = Dev(kind, name, ns.rtnl.index(name))
        elif kind == "veth":
            ns.rtnl.add(name, "veth", peer=name + "p")
            dev = Dev(kind, name, ns.rtnl.index(name),
                      peer=ns.rtnl.index(name + "p"))
            ns.rtnl.set(dev.peer, up=True)
        else:
            bus_id = self.nsim_next
            self.nsim_next += 1
            created = nsim_new(bus_id)
            self.nsim_live.add(bus_id)
            init = Rtnl()
            try:
                # Into the test netns, renamed on the way.
                init.set(init.index(created), netns_fd=ns.fd, name=name)
            finally:
                init.close()
            dev = Dev(kind, name, ns.rtnl.index(name), nsim_id=bus_id)
        ns.rtnl.set(dev.index, up=True)
        ns.devs[kind] = dev
        self.log("device %s %s (ifindex %d) in %s" % (kind, name, dev.index, ns.name))
        return dev

    def ready_dev(self, kind):
        """The round's device, up, with carrier and all its queues."""
        ns = self.netns()
        dev = ns.devs.get(kind)
        if not dev:
            return self.new_dev(ns, kind)
        if dev.queues != QUEUES:
            if kind == "veth":
                set_channels(ns.ethtool, dev.index, tx=QUEUES)
            else:
                set_channels(ns.ethtool, dev.index, combined=QUEUES)
            dev.queues = QUEUES
        if not dev.carrier:
            self.carrier(dev, True)
        ns.rtnl.set(dev.index, up=True)
        return dev

    def carrier(self, dev, on):
        if dev.kind == "veth":
            # A veth has carrier while its peer is up.
            self.ns.rtnl.set(dev.peer, up=on)
        else:
            self.ns.rtnl.set(dev.index, carrier=1 if on else 0)
        dev.carrier = on

    def drop_dev(self, dev):
        del self.ns.devs[dev.kind]
        if dev.nsim_id is not None:
            nsim_del(dev.nsim_id)
            self.nsim_live.discard(dev.nsim_id)
        else:
            self.ns.rtnl.delete(dev.index)

    # -- the pump: events and kscanctl output --

    def pump(self, timeout):
        """Wait up to timeout for anything; take in all that is ready."""
        t = now()
        ready = self.sel.select(max(timeout, 0))
        if not ready:
            # How late this process woke: a starved VM shows here (TCG on
            # a loaded host), not in the kernel's own timestamps.
            self.round_lag = max(self.round_lag, now() - t - max(timeout, 0))
        for key, _ in ready:
            kind, obj = key.data
            if kind == "events":
                self.read_events(obj)
            elif kind == "died":
                obj.t_died = now()
                self.sel.unregister(key.fileobj)
                os.close(key.fileobj)
            else:
                self.read_proc(key.fileobj, kind, obj)
        for p in list(self.procs):
            if p.rc is None and p.p.poll() is not None and \
                    not any(k.data[1] is p for k in self.sel.get_map().values()):
                p.rc, p.t_exit = p.p.returncode, now()
                self.procs.remove(p)

    def read_events(self, ns):
        while True:
            try:
                data = ns.events.sock.recv(1 << 20)
            except BlockingIOError:
                return
            except OSError as e:
                # ENOBUFS: events were lost, a check will say which.
                self.fail_soon = "event socket of %s: %s" % (ns.name, e)
                return
            while len(data) >= 20:
                length = struct.unpack_from("=I", data)[0]
                msg, data = data[:length], data[(length + 3) & ~3:]
                ev = scan_attrs(parse_attrs(msg[20:]))
                if "SCAN_ID" in ev:
                    self.events[(self.gen, ev["SCAN_ID"])] = (ev, now())

    def read_proc(self, f, kind, p):
        chunk = os.read(f.fileno(), 65536)
        if kind == "out":
            p.out += chunk
        else:
            p.err += chunk
        if not chunk:
            self.sel.unregister(f)
            f.close()

    def spawn(self, role, argv):
        p = Proc(role, argv, self.ns)
        self.sel.register(p.p.stdout, selectors.EVENT_READ, ("out", p))
        self.sel.register(p.p.stderr, selectors.EVENT_READ, ("err", p))
        self.procs.append(p)
        return p

    def wait_for(self, cond, timeout, what):
        end = now() + timeout
        while not cond():
            if now() > end:
                raise RoundFailed("timed out after %.1f s waiting for %s"
                                  % (timeout, what))
            self.pump(0.005)

    def get(self, scan):
        r = self.ns.req.call(KSCAN_CMD["GET"], nla(ATTRS["SCAN_ID"],
                                                   struct.pack("=I", scan.id)))
        return scan_attrs(r[0])

    def event_of(self, scan):
        e = self.events.get(scan.key())
        if e and scan.event is None:
            scan.event, scan.t_event = e
        return scan.event

    # -- module --

    def rmmod(self):
        """rmmod with the dumps still racing it, then insmod again."""
        # A dump in progress holds a reference on the module (netlink's
        # cb->module), so rmmod -- O_NONBLOCK, like rmmod(8) -- is refused
        # with EAGAIN while one runs. The racer makes that frequent: retry,
        # as a user would, and count it.
        self.delete_module_retry()
        # Every end event was multicast before the family went: take them
        # in under the old generation before ids start again at 1.
        self.read_events(self.ns)
        self.racer_stop()
        self.kscan_close()
        self.insmod()

    def delete_module_retry(self):
        end = now() + self.a.slow * 5
        while True:
            try:
                delete_module("kscan")
                return
            except OSError as e:
                if e.errno != errno.EAGAIN or now() > end:
                    raise
                self.stats["rmmod_busy"] += 1
                time.sleep(0.001)

    def insmod(self):
        if self.a.ko:
            finit_module(self.a.ko)
        else:
            subprocess.run(["modprobe", "kscan"], check=True)
        self.gen += 1
        if self.ns:
            self.kscan_open()

    def delete_netns(self):
        self.kscan_close()
        ns = self.ns
        # netdevsim goes back to init_net when the netns goes: remember it.
        nsim = [d.nsim_id for d in ns.devs.values() if d.nsim_id is not None]
        ns.delete()
        self.ns = None
        return nsim

    # -- a round --

    def plan(self, rng, kinds):
        """Everything a round does, drawn before it starts."""
        kind = rng.choice(kinds)
        can = Dev(kind, "", 0).endings()
        scans = []
        for n in range(rng.randint(1, 3)):
            queues = sorted(rng.sample(range(QUEUES), rng.randint(1, 2)))
            scans.append(Scan(n + 1, queues, rng.random() < 0.5))

        def sub(name):
            return ("queues", rng.randint(1, QUEUES - 1)) if name == "queues" else (name,)

        steps = []
        if rng.random() < 0.25:
            # Two endings at the same instant, from two threads. netns
            # delete races only rmmod (pernet exit against module exit).
            if rng.random() < 0.15:
                pair = ["netns", "rmmod"]
            else:
                pair = rng.sample([e for e in RACERS if e in can], 2)
            steps.append(("race", [sub(e) for e in pair]))
        else:
            first = rng.choice(can)
            if first == "carrier":
                steps.append(("carrier_off",))
                if rng.random() < 0.5:
                    steps.append(("carrier_on",))
            else:
                steps.append(sub(first))
        names = flat_names(steps)
        if "kill" in names and all(s.detach for s in scans):
            rng.choice(scans).detach = False
        if "netns" in names:
            # An attached kscanctl sits in the netns and keeps it alive: a
            # netns delete ends only detached scans.
            for s in scans:
                s.detach = True
        # Does the first step leave scans running? Then a final ending.
        left = [s for s in scans if not self.step_ends(steps[-1], s)]
        if left:
            finals = ["stop", "down", "delete", "move", "rmmod"]
            if all(s.detach for s in left):
                finals.append("netns")
            if all(not s.detach for s in left):
                finals.append("kill")
            steps.append((rng.choice(finals),))
        return kind, scans, rng.randint(10, 60), steps

    @classmethod
    def step_ends(cls, step, scan):
        """Whether step can end scan (a race: either of its endings)."""
        name = step[0]
        if name == "race":
            return any(cls.step_ends(sub, scan) for sub in step[1])
        if name in ("carrier_off", "carrier_on"):
            return False
        if name == "kill":
            return not scan.detach
        if name == "queues":
            return max(scan.queues) >= step[1]
        return True

    @classmethod
    def step_reasons(cls, step, scan):
        if step[0] == "race":
            return {r for sub in step[1] for r in cls.step_reasons(sub, scan)}
        return {REASON_OF[step[0]]} if cls.step_ends(step, scan) else set()

    def start_scans(self, dev, scans, seed):
        for s in scans:
            argv = [self.a.kscanctl, "start", "-i", dev.name, "-G", GATEWAY_MAC,
                    "-S", "198.18.0.1", "-p", PORTS, "-b", "/dev/null",
                    "--rx", "none", "--seed", str(seed + s.n)]
            if s.queues == list(range(len(s.queues))):
                argv += ["-T", str(len(s.queues))]     # queues 0..N-1
            else:
                argv += ["--tx-queues", ",".join(map(str, s.queues))]
            if s.detach:
                argv.append("--detach")
            s.proc = self.spawn("start#%d" % s.n, argv + [TARGETS])
        # Each says its id: detached on stdout as it exits, attached on
        # stderr ("kscanctl: scan N started on DEV").
        def started(s):
            p = s.proc
            if s.detach:
                return p.done()
            if b" started on " in p.err:
                return True
            return p.done()
        self.wait_for(lambda: all(started(s) for s in scans), self.a.slow * 20,
                      "kscanctl start")
        for s in scans:
            p = s.proc
            try:
                if s.detach:
                    if p.rc != 0:
                        raise ValueError
                    s.id = int(p.out.split()[0])
                else:
                    line = p.err.split(b" started on ")[0]
                    s.id = int(line.rsplit(b"scan ", 1)[1])
            except (ValueError, IndexError):
                raise RoundFailed("%s did not start (exit %s): %s" % (
                    s.desc(), p.rc, (p.out + p.err).decode(errors="replace").strip()))
            s.gen = self.gen
            self.stats["threads"] += len(s.queues)
            self.log("started %s" % s.desc())

    def apply(self, step, dev, scans):
        """Do one step; return the scans it must end."""
        name = step[0]
        running = [s for s in scans if s.ended_by is None]
        ends = [s for s in running if self.step_ends(step, s)]
        t = now()
        for s in ends:
            s.ended_by, s.t_end_action = name, t
            s.expect = self.step_reasons(step, s)
        self.log("ending step %s -> %s" % (step_text(step),
                                           ", ".join("#%d" % s.n for s in ends) or "none"))
        if name == "race":
            self.race(step[1], dev, ends)
        elif name == "stop":
            stops = [self.spawn("stop#%d" % s.n, [self.a.kscanctl, "stop", str(s.id)])
                     for s in ends]
            self.wait_for(lambda: all(p.done() for p in stops), self.a.slow * 20,
                          "kscanctl stop")
            for p in stops:
                if p.rc != 0:
                    raise RoundFailed("%s failed (exit %d): %s" % (
                        p.role, p.rc, p.err.decode(errors="replace").strip()))
        elif name == "down":
            self.ns.rtnl.set(dev.index, up=False)
        elif name == "delete":
            self.drop_dev(dev)
        elif name == "move":
            self.ns.rtnl.set(dev.index, netns_fd=INIT_NETNS)
            self.moved(dev)
        elif name == "queues":
            if dev.kind == "veth":
                set_channels(self.ns.ethtool, dev.index, tx=step[1])
            else:
                set_channels(self.ns.ethtool, dev.index, combined=step[1])
            dev.queues = step[1]
        elif name == "rmmod":
            self.rmmod()
        elif name == "kill":
            for s in ends:
                self.kill(s)
                s.killed, s.t_end_action = True, now()
        elif name == "netns":
            self.racer_stop()
            self.nsim_gone = self.delete_netns()
        elif name == "carrier_off":
            self.carrier(dev, False)
        elif name == "carrier_on":
            self.carrier(dev, True)
        return ends

    def moved(self, dev):
        """dev went to init_net: no longer the netns's; deleted at the end
        of the round, there (deleting a veth end takes its peer along)."""
        self.ns.devs.pop(dev.kind, None)
        self.moved_devs.append(dev)

    def drop_moved(self):
        for dev in self.moved_devs:
            if dev.nsim_id is not None:
                nsim_del(dev.nsim_id)
                self.nsim_live.discard(dev.nsim_id)
                continue
            init = Rtnl()
            try:
                init.delete(init.index(dev.name))
            except OSError as e:
                if e.errno != errno.ENODEV:
                    raise
            finally:
                init.close()
        self.moved_devs = []

    def race(self, subs, dev, ends):
        """Fire two endings at the same instant from two threads, each with
        sockets of its own (made here, in the netns, beforehand); then do
        the bookkeeping. An ending that lost (ENODEV for a device already
        gone, EALREADY for a scan already ended) is counted, not a failure;
        a STOP that won makes its scan's reason stopped, nothing else."""
        ns = self.ns
        socks, actions, names = [], [], [sub[0] for sub in subs]
        stop_won = set()
        for sub in subs:
            name = sub[0]
            if name == "stop":
                with Inside(ns):
                    g = Genl("kscan")
                socks.append(g)

                def act(g=g):
                    for sc in ends:
                        try:
                            g.call(KSCAN_CMD["STOP"], nla(ATTRS["SCAN_ID"],
                                                          struct.pack("=I", sc.id)))
                            stop_won.add(sc.n)
                        except OSError as e:
                            if e.errno not in (errno.EALREADY, errno.ENOENT):
                                raise
            elif name in ("down", "delete", "move"):
                with Inside(ns):
                    rt = Rtnl()
                socks.append(rt)
                if name == "down":
                    def act(rt=rt):
                        rt.set(dev.index, up=False)
                elif name == "move":
                    def act(rt=rt):
                        rt.set(dev.index, netns_fd=INIT_NETNS)
                elif dev.nsim_id is not None:
                    def act():
                        nsim_del(dev.nsim_id)
                else:
                    def act(rt=rt):
                        rt.delete(dev.index)
            elif name == "queues":
                with Inside(ns):
                    et = Genl("ethtool")
                socks.append(et)
                k = sub[1]
                if dev.kind == "veth":
                    def act(et=et, k=k):
                        set_channels(et, dev.index, tx=k)
                else:
                    def act(et=et, k=k):
                        set_channels(et, dev.index, combined=k)
            elif name == "kill":
                def act():
                    for sc in ends:
                        if not sc.detach:
                            self.kill(sc)
                            sc.killed, sc.t_end_action = True, now()
            elif name == "rmmod":
                def act():
                    self.delete_module_retry()
            elif name == "netns":
                # Our last references to the netns go from this thread.
                self.racer_stop()
                self.kscan_close()
                self.nsim_gone = [d.nsim_id for d in ns.devs.values()
                                  if d.nsim_id is not None]

                def act():
                    ns.delete()
            actions.append(act)
        barrier = threading.Barrier(len(actions))
        results = [None] * len(actions)

        def run(i):
            try:
                barrier.wait(10)
                actions[i]()
                results[i] = "ok"
            except Exception as e:      # noqa: BLE001 - reported below
                results[i] = e

        threads = [threading.Thread(target=run, args=(i,), daemon=True)
                   for i in range(len(actions))]
        for th in threads:
            th.start()
        for th in threads:
            th.join(self.a.slow * 20)
            if th.is_alive():
                raise RoundFailed("race %s: an ending did not return within %d s"
                                  % ("+".join(names), self.a.slow * 20))
        for sock in socks:
            sock.close()
        for name, res in zip(names, results):
            if res == "ok":
                continue
            if isinstance(res, OSError) and res.errno in (errno.ENODEV, errno.ENOENT,
                                                          errno.EINVAL):
                # e.g. down or ethtool -L on a device the other ending
                # deleted or moved away a moment before
                self.stats["race_lost"] += 1
                continue
            raise RoundFailed("race %s: %s failed: %r" % ("+".join(names), name, res))
        self.log("race %s: %s" % ("+".join(names), ", ".join(
            "%s %s" % (n, "ok" if r == "ok" else "lost (%s)" % r) for n, r in zip(names, results))))
        for sc in ends:
            if sc.n in stop_won:
                sc.expect = {"stopped"}
        # Bookkeeping, here in the main thread.
        if "delete" in names and results[names.index("delete")] == "ok":
            ns.devs.pop(dev.kind, None)
            if dev.nsim_id is not None:
                self.nsim_live.discard(dev.nsim_id)
        if "move" in names and results[names.index("move")] == "ok":
            self.moved(dev)
        if "queues" in names and results[names.index("queues")] == "ok":
            dev.queues = subs[names.index("queues")][1]
        if "netns" in names:
            self.ns = None
        if "rmmod" in names:
            if self.ns:
                self.read_events(self.ns)
            self.racer_stop()
            self.kscan_close()
            self.insmod()
        self.stats["races"] += 1

    def kill(self, scan):
        """SIGKILL the kscanctl of scan; a pidfd tells when it died."""
        try:
            fd = os.pidfd_open(scan.proc.p.pid)
            self.sel.register(fd, selectors.EVENT_READ, ("died", scan))
        except OSError:
            pass                    # already gone and reaped
        scan.proc.p.send_signal(signal.SIGKILL)
        scan.killed, scan.t_end_action = True, now()

    def racer_stop(self):
        if self.racer:
            if not self.racer.finish():
                raise RoundFailed("a raw GET dump did not return within 10 s")
            self.stats["dumps"] += self.racer.ok
            self.stats["dump_errors"] += self.racer.errors
            self.stats["dump_timeouts"] += self.racer.timeouts
            for k, v in self.racer.errnos.items():
                self.round_dump_errnos[k] = self.round_dump_errnos.get(k, 0) + v
                self.dump_errnos[k] = self.dump_errnos.get(k, 0) + v
            self.racer = None

    def check_carrier_wait(self, scans):
        """Carrier off: every scan still runs and its threads count the
        wait (NO_CARRIER) instead of sending."""
        end = now() + self.a.slow * 5
        for s in scans:
            while True:
                if self.event_of(s):
                    raise RoundFailed("%s ended on carrier off: %s" % (
                        s.desc(), REASON.get(s.event.get("REASON"))))
                st = self.get(s)
                if STATE.get(st.get("STATE")) != "running":
                    raise RoundFailed("%s %s after carrier off: %s" % (
                        s.desc(), STATE.get(st.get("STATE")), st))
                if st.get("NO_CARRIER", 0) > 0:
                    break
                if now() > end:
                    raise RoundFailed("%s: NO_CARRIER still 0 after carrier off" % s.desc())
                self.pump(0.005)
        self.stats["carrier"] += 1

    def check_carrier_back(self, scans):
        """Carrier on again: the threads send again."""
        base = {s.n: self.get(s).get("SENT", 0) for s in scans}
        end = now() + self.a.slow * 5
        for s in scans:
            while self.get(s).get("SENT", 0) <= base[s.n]:
                if self.event_of(s):
                    raise RoundFailed("%s ended after carrier on" % s.desc())
                if now() > end:
                    raise RoundFailed("%s: SENT stuck at %d after carrier on" % (
                        s.desc(), base[s.n]))
                self.pump(0.005)
        self.stats["carrier_on"] += 1

    def threads_of(self, scan, threads):
        prefix = "kscan/%d:" % scan.id
        return [t for t in threads if t.startswith(prefix)]

    def wait_ends(self, ends, netns_step):
        """The scans a step ended: their events, with the right reason
        (netns exit: their threads gone); kill: within 1 s."""
        slack = self.a.slow
        for s in ends:
            if netns_step:
                continue
            # Long enough to tell "late" (SIGKILL: over 1 s) from "never".
            self.wait_for(lambda: self.event_of(s) is not None, slack * 10,
                          "the end event of %s (%s)" % (s.desc(), s.ended_by))
            got = REASON.get(s.event.get("REASON"), s.event.get("REASON"))
            if got not in s.expect:
                raise RoundFailed("%s ended by %s with reason %s, not %s" % (
                    s.desc(), s.ended_by, got, " or ".join(sorted(s.expect))))
            if s.killed and got == "owner-gone":
                # END_NS is the kernel's CLOCK_MONOTONIC when the scan
                # ended, time.monotonic() the same clock: how long the
                # kernel took, not how long this busy harness took to look.
                end_s = s.event["END_NS"] / 1e9 if s.event.get("END_NS") else s.t_event
                lat = (end_s - s.t_end_action) * 1000
                self.stats["kill_ms_max"] = max(self.stats["kill_ms_max"], lat)
                self.stats["kills"] += 1
                limit = 1000 * self.a.slow
                if lat > limit:
                    died = "?" if s.t_died is None else "%.0f" % (
                        (s.t_died - s.t_end_action) * 1000)
                    raise RoundFailed("%s ended %.0f ms after SIGKILL (limit %.0f); its "
                                      "kscanctl was seen dead after %s ms; this harness "
                                      "woke up to %.0f ms late in this round" % (
                                          s.desc(), lat, limit, died, self.round_lag * 1000))
            if s.event.get("SENT", 0) > 0:
                self.stats["sent_before_end"] += 1
            self.reasons[got] = self.reasons.get(got, 0) + 1
        if netns_step:
            # Nothing can listen in a dying netns: its scans are checked by
            # their threads going, which the kernel does when it dismantles
            # the netns, in a workqueue, later. The next round proceeds
            # meanwhile (check_clean() waits for them at its end at the
            # latest), which also lets it race that dismantling.
            self.dying.append((self.round, now(),
                               ["kscan/%d:" % s.id for s in ends], len(ends)))

    def check_reports(self, scans):
        """Attached kscanctl processes whose scan ended (not killed): they
        exit on their own and their report says what the event said."""
        for s in scans:
            if s.detach or s.killed:
                continue
            self.wait_for(s.proc.done, self.a.slow * 10,
                          "kscanctl of %s to exit after its scan ended" % s.desc())
            err = s.proc.err.decode(errors="replace")
            rep = dict(l.split(": ", 1) for l in err.splitlines()
                       if l.startswith(("state: ", "reason: ")))
            got = REASON.get(s.event.get("REASON"))
            if rep.get("state") != "aborted" or rep.get("reason") != got:
                raise RoundFailed("kscanctl of %s reported state %s reason %s, not aborted %s "
                                  "as its end event: %s"
                                  % (s.desc(), rep.get("state"), rep.get("reason"),
                                     got, err.strip()[-400:]))
            self.stats["reports"] += 1

    def check_clean(self):
        """No kscan thread and no kscanctl left once the round's scans
        ended, but for those of a netns this round deleted (bounded: threads
        are joined before the end event is sent, a netns exit lags)."""
        end = now() + self.a.slow * 5
        for _, t, _, _ in self.dying:
            end = max(end, t + self.a.slow * 15)
        while True:
            self.pump(0)
            threads, ctls = proc_comms()
            mine = [p for rnd, _, prefixes, _ in self.dying if rnd == self.round
                    for p in prefixes]
            left = [t for t in threads if not t.startswith(tuple(mine))]
            if not left and not ctls and not self.procs:
                break
            if now() > end:
                old = ["round %d: %s" % (rnd, " ".join(p for p in prefixes
                                                        if any(t.startswith(p) for t in left)))
                       for rnd, _, prefixes, _ in self.dying if rnd != self.round]
                raise RoundFailed("left after the round: threads [%s]%s, kscanctl pids %s, "
                                  "unreaped %s" % (" ".join(left),
                                                   " (of netns deleted in %s)" % "; ".join(old)
                                                   if old else "", ctls,
                                                   [p.role for p in self.procs]))
            self.pump(0.01)
        # Earlier rounds' dead netns are verified now: their threads went.
        for entry in [d for d in self.dying if d[0] != self.round]:
            self.dying.remove(entry)
            self.stats["netns_exits"] += entry[3]
            self.reasons["netns-exit (threads gone)"] = \
                self.reasons.get("netns-exit (threads gone)", 0) + entry[3]

    def round_run(self, r, kinds):
        self.round, self.t0, self.actions = r, now(), []
        self.t_phase = self.t0
        self.racer, self.nsim_gone, self.fail_soon = None, [], None
        self.round_dump_errnos = {}
        self.moved_devs = []
        self.round_lag = 0.0
        rng = random.Random("%d/%d" % (self.a.seed, r))
        kind, scans, run_ms, steps = self.plan(rng, kinds)
        self.log("plan: %s, %d scan(s) %s, run %d ms, steps %s" % (
            kind, len(scans), " ".join("q%s%s" % (",".join(map(str, s.queues)),
                                                  "/d" if s.detach else "/a")
                                       for s in scans),
            run_ms, " ".join(step_text(st) for st in steps)))
        dev = self.ready_dev(kind)
        self.phase("setup")
        self.by_dev[kind] += 1
        self.start_scans(dev, scans, rng.randrange(1 << 32))
        self.phase("start")
        self.stats["scans"] += len(scans)
        self.stats["attached"] += sum(not s.detach for s in scans)
        self.stats["detached"] += sum(s.detach for s in scans)
        # The racers: raw GET dumps from a thread, and one kscanctl status
        # (of all scans, or of one) launched as the endings begin.
        self.racer = DumpRacer(self.ns.dumper)
        self.racer.start()
        end = now() + run_ms / 1000.0
        while now() < end:
            self.pump(end - now())
        self.phase("run")
        status_argv = [self.a.kscanctl, "status"]
        if rng.random() < 0.3:
            status_argv.append(str(rng.choice(scans).id))
        status = self.spawn("status", status_argv)
        self.stats["status"] += 1
        for s in scans:
            if self.event_of(s):
                raise RoundFailed("%s ended before any ending, reason %s" % (
                    s.desc(), REASON.get(s.event.get("REASON"))))
            if not s.detach and s.proc.done():
                raise RoundFailed("kscanctl of %s exited (%d) while its scan ran: %s" % (
                    s.desc(), s.proc.rc, s.proc.err.decode(errors="replace")[-300:]))
        for step in steps:
            self.endings[step[0].replace("_", " ")] += 1
            if step[0] == "race":
                pair = "+".join(sub[0] for sub in step[1])
                self.race_pairs[pair] = self.race_pairs.get(pair, 0) + 1
            ends = self.apply(step, dev, scans)
            if step[0] == "carrier_off":
                self.check_carrier_wait(scans)
            elif step[0] == "carrier_on":
                self.check_carrier_back(scans)
            self.wait_ends(ends, "netns" in flat_names([step]))
        self.phase("endings")
        running = [s for s in scans if s.ended_by is None]
        if running:
            raise RoundFailed("plan left %s running" % ", ".join(s.desc() for s in running))
        self.racer_stop()
        # Only an unloading module may refuse a dump of its scans.
        rmmod = "rmmod" in flat_names(steps)
        if self.round_dump_errnos and not rmmod:
            raise RoundFailed("raw GET dumps refused without an rmmod: %s" % self.round_dump_errnos)
        self.wait_for(status.done, self.a.slow * 10, "kscanctl status to exit")
        if status.rc != 0:
            # Refused while the module was away: fine, but counted.
            if not rmmod:
                raise RoundFailed("%s failed (exit %d) without an rmmod: %s" % (
                    " ".join(status.argv[1:]), status.rc,
                    status.err.decode(errors="replace").strip()))
            self.stats["status_failed"] += 1
        self.check_reports(scans)
        self.drop_moved()
        for bus_id in self.nsim_gone:
            nsim_del(bus_id)
            self.nsim_live.discard(bus_id)
        if self.fail_soon:
            raise RoundFailed(self.fail_soon)
        self.check_clean()
        self.phase("after")
        self.log("round done")

    def phase(self, name):
        """Time spent per phase of the rounds, for the figures."""
        t = now()
        self.phases[name] = self.phases.get(name, 0.0) + t - self.t_phase
        self.t_phase = t

    def cleanup_round(self):
        """After a failed round: end what is left, so the next can run."""
        self.racer_stop_quiet()
        for key in list(self.sel.get_map().values()):
            if key.data[0] == "died":
                self.sel.unregister(key.fileobj)
                os.close(key.fileobj)
        for p in list(self.procs):
            try:
                p.p.kill()
                p.p.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            for f in (p.p.stdout, p.p.stderr):
                try:
                    self.sel.unregister(f)
                except (KeyError, ValueError):
                    pass
            self.procs.remove(p)
        try:
            if self.ns:
                self.nsim_live.update(self.delete_netns())
        except Exception as e:      # noqa: BLE001 - best effort
            print("# cleanup: %s" % e)
        self.ns = None
        try:
            self.drop_moved()
        except OSError as e:
            print("# cleanup: %s" % e)
        self.moved_devs = []
        for bus_id in list(self.nsim_live):
            nsim_del(bus_id)
            self.nsim_live.discard(bus_id)
        if not os.path.isdir("/sys/module/kscan"):
            try:
                self.insmod()       # a round failed between rmmod and insmod
            except (OSError, subprocess.CalledProcessError) as e:
                print("# cleanup: insmod: %s" % e)
        # The deleted netns ended whatever the round left: give it time.
        end = now() + self.a.slow * 15
        while proc_comms()[0] and now() < end:
            time.sleep(0.05)
        self.dying = []

    def racer_stop_quiet(self):
        try:
            self.racer_stop()
        except RoundFailed:
            pass
        self.racer = None


def nsim_available():
    if os.path.isdir("/sys/bus/netdevsim"):
        return "netdevsim (kernel)"
    if subprocess.run(["modprobe", "-q", "netdevsim"],
                      stderr=subprocess.DEVNULL).returncode == 0 and \
            os.path.isdir("/sys/bus/netdevsim"):
        return "netdevsim (modprobe)"
    ko = os.environ.get("KSCAN_NETDEVSIM_KO")
    if ko and os.path.isfile(ko):
        deps = subprocess.run(["modinfo", "-F", "depends", ko], capture_output=True,
                              text=True).stdout.strip()
        for dep in filter(None, deps.split(",")):
            subprocess.run(["modprobe", "-q", dep])
        if subprocess.run(["insmod", ko]).returncode == 0:
            return "netdevsim (%s)" % ko
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--only", default="", help="comma-separated rounds to run")
    ap.add_argument("--budget", type=float, default=280.0,
                    help="seconds; stop (and fail) when exceeded")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="multiply every time bound (debug kernel)")
    ap.add_argument("--kscanctl", required=True)
    ap.add_argument("--ko", default="")
    ap.add_argument("--checks", required=True)
    ap.add_argument("--max-failures", type=int, default=5)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()

    # The harness gets the CPU before the scans' full-speed threads (nice 0)
    # do, so that rounds stay short; the scans still take every idle cycle.
    try:
        os.nice(-10)
    except OSError:
        pass

    kinds = ["dummy", "veth"]
    nsim = nsim_available()
    if nsim:
        kinds.append("netdevsim")
    print("# lifecycle chaos: seed %d, %d rounds, devices %s%s" % (
        a.seed, a.rounds, ", ".join(kinds), "" if not nsim else " [%s]" % nsim), flush=True)
    c = Chaos(a)
    rounds = [int(x) for x in a.only.split(",") if x] or list(range(1, a.rounds + 1))
    t_start = now()
    over_budget = False
    try:
        for r in rounds:
            if now() - t_start > a.budget:
                over_budget = True
                break
            try:
                c.round_run(r, kinds)
                c.stats["rounds"] += 1
            except (RoundFailed, OSError, RuntimeError) as e:
                c.failures.append((r, str(e), list(c.actions)))
                print("# FAIL round %d (seed %d): %s" % (r, a.seed, e))
                for line in c.actions:
                    print("#   %s" % line)
                print("#   replay: KSCAN_CHAOS_SEED=%d KSCAN_CHAOS_ONLY=%d "
                      "selftests/kscan/lifecycle_chaos.sh" % (a.seed, r), flush=True)
                c.cleanup_round()
                # Is the module still usable? A stuck one fails every round.
                if len(c.failures) >= a.max_failures:
                    print("# %d failed rounds: stopping" % len(c.failures))
                    break
            if r % 50 == 0:
                el = now() - t_start
                print("# %d rounds, %.1f s (%.0f ms/round)" % (
                    r, el, el * 1000 / max(c.stats["rounds"], 1)), flush=True)
        # The last rounds' netns exits, checked as a round's end would.
        c.round, c.actions, c.t0 = None, [], now()
        try:
            c.check_clean()
        except RoundFailed as e:
            c.failures.append(("end", str(e), []))
            print("# FAIL after the last round: %s" % e)
    finally:
        c.cleanup_round()
    wall = now() - t_start
    try:
        delete_module("kscan")
        unload_ok = True
    except OSError as e:
        unload_ok = str(e)
    threads, _ = proc_comms()

    st = c.stats
    done = st["rounds"]
    fails = len(c.failures)
    want = len(rounds)
    checks = []

    def check(ok, text):
        checks.append((0 if ok else 1, text))

    per = wall * 1000 / max(done + fails, 1)
    check(fails == 0 and done == want,
          "%d/%d rounds (seed %d), %d scans (%d attached, %d detached, %d threads), "
          "%.0f s, %.0f ms/round%s" % (done, want, a.seed, st["scans"], st["attached"],
                                       st["detached"], st["threads"], wall, per,
                                       ", over the %.0f s budget" % a.budget
                                       if over_budget else ""))
    check(fails == 0 and done > 0,
          "every end event seen with its reason: " +
          ", ".join("%s %d" % kv for kv in sorted(c.reasons.items())))
    check(fails == 0 and done > 0,
          "steps: " + ", ".join("%s %d" % kv for kv in c.endings.items() if kv[1]) +
          " (races: %s; %d lost)" % (", ".join("%s %d" % kv for kv in sorted(c.race_pairs.items())),
                                    st["race_lost"]) +
          "; devices: " + ", ".join("%s %d" % kv for kv in c.by_dev.items()))
    # Over a full run every kind must have happened; a short replay may
    # not draw them all.
    full = done >= 50
    check(fails == 0 and (st["kills"] > 0 or not full),
          "SIGKILL of kscanctl: %d scans ended owner-gone, at most %.0f ms after"
          % (st["kills"], st["kill_ms_max"]))
    check(fails == 0 and (st["carrier"] > 0 or not full),
          "carrier off ended nothing, NO_CARRIER counted (%d rounds), "
          "sending resumed on carrier on (%d)" % (st["carrier"], st["carrier_on"]))
    check(fails == 0 and done > 0,
          "attached kscanctl exited with the reason in its report (%d)" % st["reports"])
    check(fails == 0 and st["dump_timeouts"] == 0,
          "raced: %d kscanctl status (%d refused), %d raw GET dumps (%d refused "
          "during rmmod%s, %d timed out), rmmod refused %d times by a dump in flight"
          % (st["status"], st["status_failed"], st["dumps"], st["dump_errors"],
             "".join(" %s %d" % kv for kv in sorted(c.dump_errnos.items())),
             st["dump_timeouts"], st["rmmod_busy"]))
    check(fails == 0 and done > 0,
          "no kscan thread or kscanctl left after any round (%d rounds)" % done)
    check(unload_ok is True and not threads,
          "kscan unloads at the end%s" % ("" if unload_ok is True else ": %s" % unload_ok))
    with open(a.checks, "w") as f:
        for rc, text in checks:
            f.write("CHECK\t%d\t%s\n" % (rc, text))
        if not nsim:
            f.write("CHECK\t4\tnetdevsim rounds: no netdevsim in this kernel "
                    "(set KSCAN_NETDEVSIM_KO, see netdevsim_build.sh)\n")
    print("# wall %.1f s, %d rounds, %d failed, %.0f ms/round; %d scans with probes sent "
          "before their end" % (wall, done, fails, per, st["sent_before_end"]))
    print("# per round: " + ", ".join("%s %.0f ms" % (k, v * 1000 / max(done + fails, 1))
                                      for k, v in c.phases.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
