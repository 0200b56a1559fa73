#!/usr/bin/env bash
# Install every Debian package kscan needs to build, test and benchmark,
# idempotently: packages already installed are not touched, and nothing is
# asked when nothing is missing. Called by `make deps`, `make check`, the lab.
set -euo pipefail

packages=(
	# build: module, kscanctl, the XDP program
	build-essential make gcc pkg-config clang llvm
	linux-headers-amd64 dkms
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	libbpf-dev libxdp-dev
	# tests: cmocka, KUnit on UML, the lab VM and what runs in it
	libcmocka-dev libclang-rt-14-dev
	linux-source-6.1 python3 flex bison bc libelf-dev libssl-dev xz-utils rsync
	linux-image-amd64 qemu-system-x86 busybox-static cpio kmod
	iproute2 util-linux libcap2-bin tcpdump ethtool
	# sysctl (selftests, demo); zstd for .ko.zst modules (lab initramfs)
	procps zstd
	# peers for cross-checks and benchmarks
	zmap masscan xdp-tools
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run 'make deps' as root to install: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A stale package list makes installs fail; refresh it once per call.
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}"
