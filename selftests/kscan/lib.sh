#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the kscan selftests, after tools/testing/selftests/net/lib.sh:
# kselftest exit codes, one "TEST: ... [ OK ]" line per check, unique
# network-namespace names, cleanup registered next to creation (defer).

ksft_pass=0
ksft_fail=1
ksft_xfail=2
ksft_skip=4

KSCAN_ROOT=${KSCAN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KSCANCTL=${KSCANCTL:-$KSCAN_ROOT/user/kscanctl}
# The module to (re)load: the build tree's, else the installed (DKMS) one.
if [ -z "${KSCAN_KO:-}" ] && [ -f "$KSCAN_ROOT/kmod/kscan.ko" ] &&
	[ "${KSCAN_MODULE:-build}" != dkms ]; then
	KSCAN_KO=$KSCAN_ROOT/kmod/kscan.ko
fi

ret=$ksft_pass
_defer_stack=()

# defer CMD...: run CMD at exit, in reverse order of registration.
defer()
{
	local cmd
	printf -v cmd '%q ' "$@"
	_defer_stack+=("$cmd")
}

_run_deferred()
{
	local i
	for ((i = ${#_defer_stack[@]} - 1; i >= 0; i--)); do
		eval "${_defer_stack[i]}" >/dev/null 2>&1 || true
	done
	_defer_stack=()
}
trap _run_deferred EXIT

_ksft_npass=0 _ksft_nskip=0 _ksft_nfail=0

# log_test RC DESCRIPTION: print one result line and update the program's
# exit status (ret): a failure if any check failed, else a pass if any
# passed, else a skip if every check skipped. One skipped check must not
# turn the others' passes into a skip: the runner counts each TEST line
# (run_kselftest.sh), and kselftest counts the program's status.
log_test()
{
	local rc=$1 desc=$2

	if [ "$rc" -eq 0 ]; then
		printf 'TEST: %-60s [ OK ]\n' "$desc"
		_ksft_npass=$((_ksft_npass + 1))
	elif [ "$rc" -eq "$ksft_skip" ]; then
		printf 'TEST: %-60s [SKIP]\n' "$desc"
		_ksft_nskip=$((_ksft_nskip + 1))
	else
		printf 'TEST: %-60s [FAIL]\n' "$desc"
		_ksft_nfail=$((_ksft_nfail + 1))
	fi
	if [ "$_ksft_nfail" -gt 0 ]; then
		ret=$ksft_fail
	elif [ "$_ksft_npass" -gt 0 ]; then
		ret=$ksft_pass
	else
		ret=$ksft_skip
	fi
}

# check DESCRIPTION CMD...: run CMD, log whether it succeeded.
check()
{
	local desc=$1
	shift
	"$@"
	log_test $? "$desc"
}

require_root()
{
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root"
		exit $ksft_skip
	fi
}

require_cmd()
{
	local cmd
	for cmd in "$@"; do
		if ! command -v "$cmd" >/dev/null; then
			echo "SKIP: $cmd not found"
			exit $ksft_skip
		fi
	done
}

# setup_ns VAR...: create a netns with a unique name per VAR, deleted at exit.
setup_ns()
{
	local var name
	for var in "$@"; do
		name=$var-$(mktemp -u XXXXXX)
		ip netns add "$name" || return 1
		defer ip netns del "$name"
		ip -n "$name" link set lo up
		printf -v "$var" '%s' "$name"
	done
}

# shared_copy VAR FILE...: copy each FILE (an absolute path) to VAR/FILE,
# VAR being a new directory under /tmp that every user can enter and read,
# removed at exit; FILEs keep their layout, so a copied script still finds
# what it opens relative to itself. For what a check runs as another user
# (nobody): the checkout may sit under a directory only its owner can enter
# (a clone in /root). /tmp itself, not $TMPDIR: that may be private too.
shared_copy()
{
	local var=$1 dir f
	shift
	dir=$(mktemp -d /tmp/kscan-shared.XXXXXX) || return 1
	defer rm -rf "$dir"
	for f in "$@"; do
		case $f in
		/*) ;;
		*) echo "shared_copy: $f: not an absolute path" >&2; return 1 ;;
		esac
		mkdir -p "$dir$(dirname "$f")" && cp "$f" "$dir$f" || return 1
	done
	chmod -R go+rX "$dir" || return 1
	printf -v "$var" '%s' "$dir"
}

kscan_loaded()
{
	[ -d /sys/module/kscan ]
}

kscan_load()
{
	kscan_loaded && return 0
	if [ -n "${KSCAN_KO:-}" ]; then
		insmod "$KSCAN_KO"
	else
		modprobe kscan
	fi
}

kscan_unload()
{
	kscan_loaded || return 0
	rmmod kscan
}

# The kernel loads kscan by itself when a process asks for the family
# (MODULE_ALIAS_GENL_FAMILY); tests of the "not loaded" case switch that off.
kscan_autoload_off()
{
	local saved
	saved=$(cat /proc/sys/kernel/modprobe)
	echo >/proc/sys/kernel/modprobe
	defer sh -c "echo '$saved' >/proc/sys/kernel/modprobe"
}

kscan_family_present()
{
	genl ctrl get name kscan >/dev/null 2>&1
}

# KSCAN_GENL_VERSION, from the uapi header the module was built with.
kscan_uapi_version()
{
	sed -n 's/^#define KSCAN_GENL_VERSION \([0-9]*\)$/\1/p' \
		"$KSCAN_ROOT/include/uapi/linux/kscan.h"
}

# The one version string of the project (dkms.conf).
kscan_expected_version()
{
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KSCAN_ROOT/dkms.conf"
}

# ---- scans -------------------------------------------------------------

KSCAN_NL=${KSCAN_NL:-$KSCAN_ROOT/selftests/kscan/kscan_nl.py}
KSCAN_TEST_KEY=000102030405060708090a0b0c0d0e0f
# enum kscan_state / enum kscan_reason (include/uapi/linux/kscan.h)
KSCAN_RUNNING=0 KSCAN_DONE=1 KSCAN_ABORTED=2
KSCAN_R_COMPLETED=1 KSCAN_R_BUDGET=2 KSCAN_R_STOPPED=3 KSCAN_R_DEVICE_GONE=4
KSCAN_R_DEVICE_DOWN=5 KSCAN_R_NETNS_EXIT=6 KSCAN_R_MODULE_UNLOAD=7
KSCAN_R_ERROR=8 KSCAN_R_OWNER_GONE=9 KSCAN_R_QUEUE_GONE=10
# KSCAN_START_F_DETACH: the scan outlives the kscan_nl.py process.
KSCAN_F_DETACH=2

# kscan_nl NS ARGS...: one raw generic-netlink request from inside NS.
kscan_nl()
{
	local ns=$1
	shift
	ip netns exec "$ns" python3 -S "$KSCAN_NL" "$@"
}

# listen_events NS SECONDS FILE: events of NS into FILE, in the background
# ($_listen_pid); returns once the listener is subscribed (bounded wait).
listen_events()
{
	local ns=$1 secs=$2 file=$3 i
	: >"$file"
	kscan_nl "$ns" listen "$secs" >"$file" 2>&1 &
	_listen_pid=$!
	for ((i = 0; i < 200; i++)); do
		grep -q '^LISTENING$' "$file" && return 0
		sleep 0.05
	done
	return 1
}

# field NAME: the value of NAME=... in the output on stdin.
field()
{
	sed -n "s/^$1=//p" | head -n 1
}

# setup_dummy NS [NAME]: an up dummy device in NS; prints its ifindex.
setup_dummy()
{
	local ns=$1 dev=${2:-d0}
	ip -n "$ns" link add name "$dev" type dummy || return 1
	ip -n "$ns" link set "$dev" up || return 1
	ip netns exec "$ns" cat "/sys/class/net/$dev/ifindex"
}

# scan_attrs IFINDEX: START attributes of a long, detached scan of
# 198.18.0.0/15 (it outlives the kscan_nl.py that starts it).
scan_attrs()
{
	echo "IFINDEX=u32:$1 DST_MAC=mac:02:00:00:00:00:01" \
		"SADDR_FIRST=ip:198.18.0.1 SPORT_FIRST=u16:40000" \
		"SPORT_LAST=u16:40999 TARGETS=targets:198.18.0.0/15" \
		"PORTS=ranges:1-1000 KEY=hex:$KSCAN_TEST_KEY FLAGS=u32:$KSCAN_F_DETACH"
}

# wait_scan_end NS ID SECONDS: poll until the scan has ended. kscanctl
# status polls (a static C binary starts in tens of ms; Python takes a
# second or more on the debug lab kernel); checks read the end with GET.
wait_scan_end()
{
	local ns=$1 id=$2 t=$(($3 * 10)) state
	while ((t-- > 0)); do
		state=$(ip netns exec "$ns" "$KSCANCTL" status "$id" 2>/dev/null |
			awk 'NR == 2 { print $3 }')
		[ -n "$state" ] && [ "$state" != running ] && return 0
		sleep 0.1
	done
	return 1
}

# kscan_threads: how many generator threads exist right now.
kscan_threads()
{
	local n=0 comm
	for comm in /proc/[0-9]*/comm; do
		read -r c 2>/dev/null <"$comm" || continue
		case $c in kscan/*) n=$((n + 1)) ;; esac
	done
	echo "$n"
}

KSCAN_PCAP_CHECK=${KSCAN_PCAP_CHECK:-$KSCAN_ROOT/build/tests/tools/kscan-pcap-check}

# capture_start NS DEV FILE [FILTER]: tcpdump of the SYNs arriving on DEV
# in NS (those FILTER also matches: rate tests sample the wire with one).
capture_start()
{
	local ns=$1 dev=$2 file=$3 filter=${4:+ and ($4)} i
	# -s 128: a SYN is at most 74 bytes. With the default snapshot length
	# (256 KiB) immediate mode's ring holds ~128 frames of the 32 MiB
	# (-B), and a tcpdump that waits for the CPU a few ms loses probes.
	ip netns exec "$ns" tcpdump -i "$dev" -nn -U --immediate-mode -B 32768 -s 128 \
		-w "$file" "tcp[tcpflags] & tcp-syn != 0$filter" 2>"$file.log" &
	_capture_pid=$! _capture_file=$file
	defer kill "$_capture_pid"
	# Bounded wait until tcpdump listens.
	for ((i = 0; i < 100; i++)); do
		grep -q "listening on" "$file.log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# capture_stop: let the last frames land (tcpdump may lag behind on a busy
# host: wait until the file has not grown for 0.6 s, 1 to 10 s in all), then
# stop tcpdump and show its drop counts. Immediate mode matters: without it a
# TPACKET_V3 block not yet retired when tcpdump is interrupted is lost with
# its packets.
capture_stop()
{
	local file=$_capture_file size last=-1 still=0 i
	sleep 1
	for ((i = 0; i < 45 && still < 3; i++)); do
		size=$(stat -c %s "$file" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then still=$((still + 1)); else still=0; fi
		last=$size
		sleep 0.2
	done
	kill -INT "$_capture_pid" 2>/dev/null
	wait "$_capture_pid" 2>/dev/null
	grep -h "dropped" "$file.log" 2>/dev/null | sed 's/^/# tcpdump: /'
	return 0
}

# captured_scan CAP_NS DEV SCAN_NS FILE ARGS...: `kscanctl start ARGS` in
# SCAN_NS while tcpdump captures DEV of CAP_NS into FILE.pcap; kscanctl's
# output goes to FILE.out and, as comments, to ours. Returns kscanctl's status.
captured_scan()
{
	local cap_ns=$1 dev=$2 scan_ns=$3 file=$4 rc
	shift 4
	capture_start "$cap_ns" "$dev" "$file.pcap" || return 1
	ip netns exec "$scan_ns" "$KSCANCTL" start "$@" >"$file.out" 2>&1
	rc=$?
	capture_stop
	sed 's/^/# /' "$file.out"
	return $rc
}

# once_more_if_slow CMD ARGS...: a rate measurement (CMD exits 0 on time,
# 1 only slow, 2 too fast or inexact), taken once more if it only came out
# slow: a rate bucket forgets lag (a stall must not turn into a burst), so
# a host that stalls the lab's virtual CPUs (TCG on a busy machine)
# stretches a scan. Too fast or inexact fails at once, and so does a
# scheduler that is slow every time.
once_more_if_slow()
{
	local rc
	"$@"
	rc=$?
	[ $rc -eq 1 ] || return $rc
	echo "# slow by more than 2%: measuring once more"
	"$@"
}

# spread_rx NS DEV: RPS over every CPU for DEV's RX queues. A veth hands
# what it receives to the backlog of the CPU that sent it, and in the lab
# that is the CPU the sender (and the target's stack answering it in the
# same softirq) is busy on: under TCG its 1000-frame backlog overflowed
# while the other CPU idled, and replies vanished before any socket saw
# them (softnet_stat drops, the peer's TX drops). For the scanner's end
# only: RPS on the target's end moves its stack to the CPU kscanctl
# receives on, and AF_XDP's fill ring then runs dry.
spread_rx()
{
	local ns=$1 dev=$2 mask
	mask=$(printf '%x' $(((1 << $(nproc)) - 1)))
	ip netns exec "$ns" sh -c "for q in /sys/class/net/$dev/queues/rx-*/rps_cpus; do echo $mask >\"\$q\"; done"
}

# veth_pair SCAN_NS TGT_NS: ks0 in SCAN_NS and kt0 in TGT_NS, two queues
# each way on both ends (native XDP on a veth needs as many RX queues as
# its peer has TX queues), IPv6 off (nothing but the test's frames on the
# wire), both up. Prints kt0's MAC (the scanner's -G).
veth_pair()
{
	local scan_ns=$1 tgt_ns=$2 ns
	ip link add name ks0 numtxqueues 2 numrxqueues 2 netns "$scan_ns" type veth \
		peer name kt0 numtxqueues 2 numrxqueues 2 netns "$tgt_ns" || return 1
	for ns in "$scan_ns" "$tgt_ns"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$scan_ns" link set ks0 up && ip -n "$tgt_ns" link set kt0 up &&
		ip netns exec "$tgt_ns" cat /sys/class/net/kt0/address
}
