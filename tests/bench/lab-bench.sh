#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the lab VM (tests/bench/run boots it): the send rate of kscan
# and of its peers, measured the same way on the same device in the same
# boot: the device's TX packet counter over a fixed window, after a warm-up.
# Devices: dummy (2 TX queues), a veth pair (2 queues; the far end drops)
# and virtio-net on a QEMU hub that drops (1 queue). kscan runs with each
# TX engine: kmod, afxdp (send-only sockets, copy; and with --rx afxdp,
# bound as the XDP program is: native copy or SKB copy), afpacket. Only 198.18.0.0/15 is targeted; nothing leaves the VM.
set -uo pipefail
cd "$(dirname "$0")/../.."

WARMUP=${KSCAN_BENCH_WARMUP:-1}
WINDOW=${KSCAN_BENCH_WINDOW:-4}
GW=02:00:00:00:00:01
KEY=000102030405060708090a0b0c0d0e0f
empty=$(mktemp)
results=$(mktemp)

tx_packets() { cat "/sys/class/net/$1/statistics/tx_packets"; }

# measure DEV: packets per second over the window, the sender running.
measure()
{
	local dev=$1 a b
	sleep "$WARMUP"
	a=$(tx_packets "$dev")
	sleep "$WINDOW"
	b=$(tx_packets "$dev")
	echo $(((b - a) / WINDOW))
}

record() # DEV TOOL THREADS PPS
{
	printf '%-10s %-16s %7s %12s\n' "$1" "$2" "$3" "$4"
	echo "$1 $2 $3 $4" >>"$results"
}

bench_kscan() # DEV THREADS
{
	local dev=$1 threads=$2 id pps
	id=$(user/kscanctl start -i "$dev" -G "$GW" -S 198.18.0.1 -p 1-65535 \
		-b "$empty" --key "$KEY" -T "$threads" --detach -q 198.18.0.0/15)
	pps=$(measure "$dev")
	user/kscanctl stop "$id" >/dev/null
	record "$dev" kscan "$threads" "$pps"
}

pg() { echo "$2" >"/proc/net/pktgen/$1"; }

# bench_pktgen DEV THREADS fastest|distinct
bench_pktgen()
{
	local dev=$1 threads=$2 kind=$3 t pid pps
	for ((t = 0; t < 2; t++)); do pg "kpktgend_$t" rem_device_all; done
	for ((t = 0; t < threads; t++)); do
		pg "kpktgend_$t" "add_device $dev@$t"
		pg "$dev@$t" "count 0"
		pg "$dev@$t" "pkt_size 60"
		pg "$dev@$t" "queue_map_min $t"
		pg "$dev@$t" "queue_map_max $t"
		pg "$dev@$t" "dst_mac $GW"
		pg "$dev@$t" "src_min 198.18.0.1"
		pg "$dev@$t" "src_max 198.18.0.1"
		if [ "$kind" = fastest ]; then
			# One unchanged skb, re-sent in bursts of 32.
			pg "$dev@$t" "dst 198.18.1.1"
			pg "$dev@$t" "clone_skb 1000000"
			pg "$dev@$t" "burst 32"
		else
			# A fresh skb with a random destination per packet.
			pg "$dev@$t" "clone_skb 0"
			pg "$dev@$t" "burst 1"
			pg "$dev@$t" "dst_min 198.18.0.0"
			pg "$dev@$t" "dst_max 198.19.255.255"
			pg "$dev@$t" "flag IPDST_RND"
		fi
	done
	echo start >/proc/net/pktgen/pgctrl &
	pid=$!
	pps=$(measure "$dev")
	echo stop >/proc/net/pktgen/pgctrl
	wait "$pid" 2>/dev/null
	record "$dev" "pktgen-$kind" "$threads" "$pps"
}

bench_zmap() # DEV THREADS
{
	local dev=$1 threads=$2 pid pps
	# -r 0: no rate limit (the fastest zmap sends here)
	zmap -q -i "$dev" -G "$GW" -S 198.18.0.1 -p 80 -b "$empty" -r 0 \
		-T "$threads" -c 0 -t $((WARMUP + WINDOW + 5)) -o /dev/null \
		198.18.0.0/15 >/dev/null 2>&1 &
	pid=$!
	pps=$(measure "$dev")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	record "$dev" zmap "$threads" "$pps"
}

bench_masscan() # DEV
{
	local dev=$1 pid pps mac
	mac=$(cat "/sys/class/net/$dev/address")
	masscan --adapter "$dev" --adapter-ip 198.18.0.1 --adapter-mac "$mac" \
		--router-mac "$GW" -p 1-65535 --rate 100000000 --wait 0 \
		198.18.0.0/15 >/dev/null 2>&1 &
	pid=$!
	pps=$(measure "$dev")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	record "$dev" masscan 1 "$pps"
}
# bench_user ENGINE DEV THREADS RX: a userspace TX engine of kscanctl (no
# --detach: the scan is that process), stopped with SIGINT. afxdp with
# --rx afxdp binds its sockets with the XDP program's mode (native on veth
# and virtio-net, SKB on dummy) and is recorded as afxdp-MODE; with
# --rx none they are send-only (copy).
bench_user()
{
	local engine=$1 dev=$2 threads=$3 rx=$4 pid pps name mode
	user/kscanctl start --engine="$engine" -i "$dev" -G "$GW" -S 198.18.0.1 \
		-p 1-65535 -b "$empty" --key "$KEY" -T "$threads" --rx "$rx" -c 0 \
		-q -o /dev/null -m "$results.json" 198.18.0.0/15 2>/dev/null &
	pid=$!
	pps=$(measure "$dev")
	kill -INT "$pid"
	wait "$pid"
	mode=$(sed -n 's/.*"engine_mode": "\([^"]*\)".*/\1/p' "$results.json" | tr ' ' '-')
	name=kscan-$engine
	[ "$engine" = afxdp ] && name=kscan-afxdp-${mode:-?}
	record "$dev" "$name" "$threads" "$pps"
}

modprobe pktgen || exit 1
# zmap's sender wants an IPv4 address on its interface.
ip link add name bench0 numtxqueues 2 type dummy && ip link set bench0 up || exit 1
ip addr add 198.18.0.1/32 dev bench0
devs=(bench0)
# A veth pair whose far end drops at ingress: where AF_XDP binds native.
ip netns add benchpeer
ip link add name bench1 numtxqueues 2 numrxqueues 2 type veth \
	peer name bench1p numtxqueues 2 numrxqueues 2 netns benchpeer &&
	ip link set bench1 up && ip -n benchpeer link set bench1p up &&
	tc -n benchpeer qdisc add dev bench1p ingress &&
	tc -n benchpeer filter add dev bench1p ingress matchall action drop &&
	ip addr add 198.18.0.3/32 dev bench1 && devs+=(bench1)
if modprobe virtio_net 2>/dev/null && [ -e /sys/class/net/eth0 ]; then
	ip link set eth0 up
	ip addr add 198.18.0.2/32 dev eth0
	devs+=(eth0)
fi

printf '%-10s %-16s %7s %12s\n' device sender threads pps
for dev in "${devs[@]}"; do
	nq=$(ls -d "/sys/class/net/$dev/queues/tx-"* | wc -l)
	for threads in 1 2; do
		((threads <= nq)) || continue
		bench_kscan "$dev" "$threads"
		bench_user afxdp "$dev" "$threads" none
		bench_user afxdp "$dev" "$threads" afxdp
		bench_user afpacket "$dev" "$threads" none
		bench_pktgen "$dev" "$threads" fastest
		bench_pktgen "$dev" "$threads" distinct
		bench_zmap "$dev" "$threads"
	done
	bench_masscan "$dev"
done

# Ratios: each kscan engine against kmod and each peer on the same device
# and thread count (masscan has one TX thread).
echo
echo "ratios (kscan engine / peer, same device, same thread count):"
awk '
	{ pps[$1 " " $2 " " $3] = $4; devs[$1] = 1; thr[$3] = 1 }
	END {
		n = split("kscan pktgen-fastest pktgen-distinct zmap masscan", peers, " ")
		m = split("kscan kscan-afxdp-copy kscan-afxdp-native-copy kscan-afxdp-SKB-copy kscan-afpacket", engines, " ")
		for (d in devs) for (t in thr) for (j = 1; j <= m; j++) {
			k = pps[d " " engines[j] " " t]
			if (k == "") continue
			name = engines[j] == "kscan" ? "kmod" : substr(engines[j], 7)
			line = sprintf("%-8s %-18s threads %s:", d, name, t)
			for (i = 1; i <= n; i++) {
				if (peers[i] == engines[j]) continue
				p = pps[d " " peers[i] " " t]
				if (p == "" && peers[i] == "masscan")
					p = pps[d " masscan 1"]
				if (p > 0)
					line = line sprintf("  %s %.2fx", peers[i] == "kscan" ? "kmod" : peers[i], k / p)
			}
			print line
		}
	}' "$results" | sort
rm -f "$empty" "$results" "$results.json"
ip netns del benchpeer
