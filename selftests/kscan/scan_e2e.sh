#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kscanctl end to end: a target netns holds 198.18.0.0/20 behind a veth
# and a router address (AnyIP local routes for all of it but 198.18.15.0/24,
# which is thus dropped), real listeners on a known set of (address, port)
# pairs, closed ports answered by the target's stack with RST.
# `kscanctl start` over the 65536 probes of 198.18.0.0/20 x 16 ports, with
# -i/-S/-G taken from the route and neighbour tables, must report exactly
# the open set and exactly the closed set: no miss, no extra, no duplicate.
# The same with the default RX engine, --rx=afpacket, the afpacket and
# afxdp TX engines (with either RX engine), two shards (union exact, no overlap),
# -P 2; every case asserts from the metadata which TX and RX engine ran, so
# that a silent fallback fails it. zmap finds the same open set on one
# port; SIGINT mid-scan flushes everything, leaves the scan aborted/stopped
# and reports exactly the replies to the probes it sent (the first "sent"
# probes of --dryrun, one thread); kscanctl's RSTs close the target's
# half-open connections (and --no-rst leaves them); malformed options exit
# 2 naming the flag; without the module, --engine=auto is exact too.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
kscan_load

LISTENERS=$KSCAN_ROOT/selftests/kscan/e2e_listeners.py
BLOCK=198.18.0.0/20
FILTERED=198.18.15.0/24
PORTS=22,80,443,8000-8012
PORT_LIST=22,80,443,8000,8001,8002,8003,8004,8005,8006,8007,8008,8009,8010,8011,8012
# 5 kpps: at 10 kpps the TCG lab's own stack lost replies now and then
# (backlog and veth XDP-ring overflows, shown by lab_counters), which an
# exact test cannot tell from kscan's.
RATE=${KSCAN_E2E_RATE:-5000}

setup_ns scan tgt
# Two queues on both ends: native XDP on a veth needs as many RX queues as
# its peer has TX queues.
ip link add name ks0 numtxqueues 2 numrxqueues 2 netns "$scan" type veth \
	peer name kt0 numtxqueues 2 numrxqueues 2 netns "$tgt"
ip -n "$scan" addr add 198.19.0.1/24 dev ks0
ip -n "$tgt" addr add 198.19.0.2/24 dev kt0
spread_rx "$scan" ks0
# and a deeper backlog for the bursts the lab's CPUs are late for
backlog=$(sysctl -n net.core.netdev_max_backlog)
defer sysctl -qw net.core.netdev_max_backlog="$backlog"
sysctl -qw net.core.netdev_max_backlog=10000
ip -n "$scan" link set ks0 up
ip -n "$tgt" link set kt0 up
ip -n "$scan" route add "$BLOCK" via 198.19.0.2
# AnyIP: every address of 198.18.0.0-198.18.14.255 is local to the target.
for p in 198.18.0.0/21 198.18.8.0/22 198.18.12.0/23 198.18.14.0/24; do
	ip -n "$tgt" route add local "$p" dev lo
done
# Closed ports answer RST at any rate; no SYN cookies muddling the counts.
ip netns exec "$tgt" sysctl -qw net.ipv4.tcp_syncookies=0 \
	net.ipv4.tcp_max_syn_backlog=4096 net.core.somaxconn=4096

dir=$(mktemp -d)
defer rm -rf "$dir"
ip netns exec "$tgt" python3 -S "$LISTENERS" --block "$BLOCK" \
	--filtered "$FILTERED" --ports "$PORT_LIST" --every 31 \
	--expect-dir "$dir" &
listeners=$!
defer kill "$listeners"
for ((i = 0; i < 100; i++)); do
	[ -s "$dir/ready" ] && break
	sleep 0.1
done
[ -s "$dir/ready" ] || { echo "listeners did not start"; exit $ksft_fail; }
{ sed 's/$/,synack/' "$dir/open"; sed 's/$/,rst/' "$dir/closed"; } |
	LC_ALL=C sort >"$dir/expected"
n_open=$(wc -l <"$dir/open")
n_closed=$(wc -l <"$dir/closed")
echo "# $(cat "$dir/ready") listeners; expecting $n_open open, $n_closed closed"

common=(--engine=kmod -b /dev/null -p "$PORTS" -r "$RATE" -c 2
	-f saddr,sport,classification "$BLOCK")

# scan NAME ARGS...: kscanctl start in the scanner netns into $dir/NAME.*
scan()
{
	local name=$1
	shift
	ip netns exec "$scan" timeout 120 "$KSCANCTL" start "${common[@]}" \
		-o "$dir/$name.csv" -m "$dir/$name.json" "$@" \
		2>"$dir/$name.err"
	local rc=$?
	sed 's/^/# /' "$dir/$name.err" | grep -v '^# kscan: ' | tail -n 30
	return $rc
}

# results FILES...: the result lines (headers dropped), sorted
results()
{
	local f
	for f in "$@"; do
		tail -n +2 "$f"
	done | LC_ALL=C sort
}

# lab_counters: where the lab's network may have lost frames (a result
# missing with the scan's counters exact): both veth ends, the backlogs,
# the target's TCP.
lab_counters()
{
	ip -n "$scan" -s link show ks0 | sed 's/^/# scan: /'
	ip -n "$tgt" -s link show kt0 | sed 's/^/# target: /'
	awk '{ printf "# softnet cpu%d: processed 0x%s dropped 0x%s squeezed 0x%s\n", NR - 1, $1, $2, $3 }' \
		/proc/net/softnet_stat
	ip netns exec "$tgt" nstat -az TcpOutRsts TcpExtTCPAbortOnData TcpExtListenDrops \
		TcpExtListenOverflows TcpExtTCPBacklogDrop 2>/dev/null | sed 's/^/# target: /'
}

# exact FILES...: the results are the expected set, each line once
exact()
{
	local got=$dir/got.$$
	results "$@" >"$got"
	if [ -n "$(uniq -d "$got")" ]; then
		echo "# duplicates: $(uniq -d "$got" | head -n 3 | tr '\n' ' ')"
		return 1
	fi
	if ! cmp -s "$got" "$dir/expected"; then
		echo "# missing $(comm -23 "$dir/expected" "$got" | wc -l)," \
			"extra $(comm -13 "$dir/expected" "$got" | wc -l);" \
			"e.g. $(diff "$dir/expected" "$got" | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
		lab_counters
		return 1
	fi
	echo "# $(wc -l <"$got") results: $(grep -c synack "$got") open, $(grep -c ',rst$' "$got") closed"
}

# meta NAME KEY: a number from the metadata file
meta()
{
	python3 -S -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$dir/$1.json" "$2"
}

# engines NAME TX RX: the metadata says TX sent and RX received
engines()
{
	local tx rx
	tx=$(meta "$1" engine) rx=$(meta "$1" rx)
	[ "$tx" = "$2" ] && [ "$rx" = "$3" ] ||
		{ echo "# $1: ran with engine $tx, rx $rx; expected $2, $3"; return 1; }
}

scan default && exact "$dir/default.csv" && engines default kmod afxdp &&
	[ "$(meta default sent)" -eq 65536 ] &&
	[ "$(meta default valid)" -eq $((n_open + n_closed)) ]
log_test $? "65536 probes, route defaults: exactly the open and closed sets"
grep -q "from the route to 198.18.0.0: -i ks0 -S 198.19.0.1 -G" \
	"$dir/default.err"
log_test $? "-i/-S/-G from the route and the neighbour table"

scan afpacket --rx=afpacket && exact "$dir/afpacket.csv" &&
	engines afpacket kmod afpacket
log_test $? "--rx=afpacket: exactly the open and closed sets"

scan txafp --engine=afpacket && exact "$dir/txafp.csv" &&
	engines txafp afpacket afxdp && [ "$(meta txafp sent)" -eq 65536 ]
log_test $? "--engine=afpacket: exactly the open and closed sets"

scan txafp2 --engine=afpacket -T 2 && exact "$dir/txafp2.csv" &&
	engines txafp2 afpacket afxdp && [ "$(meta txafp2 sent)" -eq 65536 ]
log_test $? "--engine=afpacket -T 2: exactly the open and closed sets"

scan txafx --engine=afxdp && exact "$dir/txafx.csv" &&
	engines txafx afxdp afxdp && [ "$(meta txafx sent)" -eq 65536 ]
log_test $? "--engine=afxdp (its sockets receive too): exactly the open and closed sets"

scan txafx2 --engine=afxdp -T 2 && exact "$dir/txafx2.csv" &&
	engines txafx2 afxdp afxdp && [ "$(meta txafx2 sent)" -eq 65536 ]
log_test $? "--engine=afxdp -T 2 (two queues, sockets shared): exactly the open and closed sets"

scan shard0 --rx=afpacket --shards 2 --shard 0 --seed 77 &&
	scan shard1 --rx=afpacket --shards 2 --shard 1 --seed 77 &&
	exact "$dir/shard0.csv" "$dir/shard1.csv" &&
	engines shard0 kmod afpacket && engines shard1 kmod afpacket &&
	[ $(($(meta shard0 sent) + $(meta shard1 sent))) -eq 65536 ]
log_test $? "two shards: union exact, no overlap"

scan probes2 -P 2 && exact "$dir/probes2.csv" && engines probes2 kmod afxdp &&
	[ "$(meta probes2 sent)" -eq 131072 ] &&
	[ "$(meta probes2 duplicates)" -ge $((n_open + n_closed)) ]
log_test $? "-P 2: exact, every second answer counted as a duplicate"

scan json -O json -f saddr,sport,classification,success &&
	python3 -S - "$dir/json.csv" "$dir/default.csv" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = sorted(f"{r['saddr']},{r['sport']},{r['classification']}" for r in rows)
want = sorted(l.strip() for l in list(open(sys.argv[2]))[1:])
assert got == want, "json and csv results differ"
assert all(r["success"] == (r["classification"] == "synack") for r in rows)
PY
log_test $? "-O json: the same results, one object per line"

# zmap sends one port per scan: cross-check port 80.
if command -v zmap >/dev/null; then
	gw=$(ip -n "$scan" neigh show 198.19.0.2 | awk '{print $5; exit}')
	ip netns exec "$scan" timeout 120 zmap -q -i ks0 -S 198.19.0.1 \
		-G "$gw" -p 80 -r "$RATE" -c 5 -b /dev/null -f saddr \
		-o "$dir/zmap.txt" "$BLOCK" 2>"$dir/zmap.err"
	zrc=$?
	LC_ALL=C sort -u "$dir/zmap.txt" | grep -v '^saddr$' >"$dir/zmap.open"
	grep ',80$' "$dir/open" | cut -d, -f1 | LC_ALL=C sort >"$dir/want80"
	grep ',80,synack$' "$dir/default.csv" | cut -d, -f1 |
		LC_ALL=C sort >"$dir/kscan80"
	echo "# zmap found $(wc -l <"$dir/zmap.open") open on port 80, kscan $(wc -l <"$dir/kscan80")"
	[ $zrc -eq 0 ] && [ -s "$dir/want80" ] &&
		cmp -s "$dir/zmap.open" "$dir/want80" &&
		cmp -s "$dir/kscan80" "$dir/want80"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "# zmap exit $zrc; zmap vs expected, kscan vs expected:"
		diff "$dir/zmap.open" "$dir/want80" | head -5 | sed 's/^/# /'
		diff "$dir/kscan80" "$dir/want80" | head -5 | sed 's/^/# /'
		tail -3 "$dir/zmap.err" | sed 's/^/# /'
	fi
	log_test $rc "zmap finds the same open set on port 80"
else
	log_test $ksft_skip "zmap cross-check (zmap not installed)"
fi

# SIGINT mid-scan: a slow scan of one thread, interrupted after 3 s. It
# sent the first "sent" probes of --dryrun (same seed and key): the results
# are exactly the expected answers of those.
interrupted()
{
	local name=$1 engine=$2 pid rc id status sent
	shift 2
	local args=("${common[@]}" --engine="$engine" -r 2000 --seed 4242
		--key 0123456789abcdef0123456789abcdef)
	ip netns exec "$scan" "$KSCANCTL" start "${args[@]}" \
		-o "$dir/$name.csv" -m "$dir/$name.json" 2>"$dir/$name.err" &
	pid=$!
	sleep 3
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	sed 's/^/# /' "$dir/$name.err" | grep -v '^# kscan: ' | tail -n 5
	results "$dir/$name.csv" >"$dir/$name.got"
	sent=$(meta "$name" sent)
	ip netns exec "$scan" "$KSCANCTL" start "${args[@]}" --dryrun \
		-S 198.19.0.1 | head -n "$sent" | awk '{ print $3 "," $4 }' >"$dir/$name.sent"
	# the expected answers of the probes sent
	awk -F, 'NR == FNR { sent[$0]; next } ($1 "," $2) in sent' \
		"$dir/$name.sent" "$dir/expected" | LC_ALL=C sort >"$dir/$name.want"
	echo "# $name: sent $sent, $(wc -l <"$dir/$name.got") results," \
		"$(wc -l <"$dir/$name.want") expected for the probes sent"
	[ $rc -eq 0 ] && [ "$(meta "$name" interrupted)" = True ] &&
		engines "$name" "$engine" afxdp &&
		[ "$(meta "$name" state)" = aborted ] &&
		[ "$(meta "$name" reason)" = stopped ] &&
		[ "$sent" -gt 0 ] && [ "$sent" -lt 65536 ] &&
		[ "$(meta "$name" valid)" -eq "$(wc -l <"$dir/$name.got")" ] &&
		[ -z "$(uniq -d "$dir/$name.got")" ] &&
		cmp -s "$dir/$name.got" "$dir/$name.want" || return 1
	[ "$engine" = kmod ] || return 0
	id=$(meta "$name" scan_id)
	status=$(ip netns exec "$scan" "$KSCANCTL" status "$id")
	echo "$status" | sed 's/^/# /'
	grep -Eq "^$id +ks0 +aborted +stopped" <<<"$status"
}

interrupted int kmod
log_test $? "SIGINT (kmod): exit 0, exactly the replies to the probes sent, scan aborted/stopped"

interrupted intafp afpacket
log_test $? "SIGINT (afpacket): exit 0, exactly the replies to the probes sent"

interrupted intafx afxdp
log_test $? "SIGINT (afxdp): exit 0, exactly the replies to the probes sent"

# kscanctl's own RSTs, on the wire: from a source address the scanner's
# stack does not have (the target reaches it by a static neighbour entry),
# so that no reply ever gets a RST from the stack, before or after the
# XDP program is gone: only kscanctl's RSTs close the target's half-open
# connections. Port 80 only, and last: a half-open connection stays for a
# minute.
ip -n "$tgt" neigh replace 198.19.0.77 nud permanent dev kt0 \
	lladdr "$(ip netns exec "$scan" cat /sys/class/net/ks0/address)"
syn_recv() { ip netns exec "$tgt" ss -Htn state syn-recv | wc -l; }
open80=$(grep -c ',80$' "$dir/open")
scan rst80 --engine=afxdp -p 80 -S 198.19.0.77 && sleep 1 && n_rst=$(syn_recv) &&
	echo "# with RSTs: $n_rst half-open on the target, $(meta rst80 rst_sent) RSTs sent" &&
	[ "$n_rst" -eq 0 ] && [ "$(meta rst80 rst_sent)" -eq "$open80" ] &&
	engines rst80 afxdp afxdp
log_test $? "afxdp's RSTs reach the target: no half-open connection after the scan"

scan norst80 --engine=afxdp -p 80 -S 198.19.0.77 --no-rst && sleep 1 &&
	n_rst=$(syn_recv) &&
	echo "# --no-rst: $n_rst half-open on the target ($open80 open)" &&
	[ "$n_rst" -eq "$open80" ] && [ "$(meta norst80 rst_sent)" -eq 0 ]
log_test $? "--no-rst: the target holds a half-open connection per open port"

# Malformed input: exit 2 and a message naming the flag.
bad()
{
	local flag=$1 out rc
	shift
	out=$(ip netns exec "$scan" "$KSCANCTL" start -p 80 -b /dev/null "$@" \
		198.18.0.1 2>&1)
	rc=$?
	[ $rc -eq 2 ] && grep -q -- "$flag" <<<"$out" ||
		{ echo "# $*: exit $rc: $out"; return 1; }
}
bad --bandwidth -B 10X && bad --cooldown-time -c x &&
	bad --output-module -O xml && bad --output-fields -f saddr,nope &&
	bad --engine --engine dpdk && bad --engine --engine pktgen &&
	bad --rx --rx dpdk && bad --tx-queues --engine=afpacket --tx-queues 0 &&
	bad --config-file -C /nonexistent && bad --interface -i nosuchdev0 &&
	bad --detach --detach --rx afpacket
log_test $? "malformed options exit 2 naming the flag"

# A worker without the module: --engine=auto sends from userspace (afxdp),
# says why once, and the results are exactly the same.
kscan_unload
kscan_autoload_off
defer kscan_load
scan auto --engine=auto && exact "$dir/auto.csv" &&
	engines auto afxdp afxdp &&
	[ "$(meta auto engine_requested)" = auto ] &&
	[ "$(grep -c 'WARNING: --engine auto: kmod cannot send' "$dir/auto.err")" -eq 1 ] &&
	[ "$(meta auto sent)" -eq 65536 ]
log_test $? "--engine=auto without the module: afxdp, one warning, exactly the open and closed sets"

exit $ret
