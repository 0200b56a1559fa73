#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# netdevsim_build.sh [KVER]: print the path of a netdevsim.ko for KVER,
# built on the host when that kernel lacks netdevsim (Debian's 6.1 has
# "# CONFIG_NETDEVSIM is not set"), for lifecycle_chaos.sh's ethtool -L
# rounds on netdevsim:
#   KSCAN_NETDEVSIM_KO=$(selftests/kscan/netdevsim_build.sh) \
#       tests/vm/run -- selftests/kscan/lifecycle_chaos.sh
# Prints nothing when KVER has netdevsim itself (the debug kernel builds it
# in). Source: drivers/net/netdevsim of Debian's linux-source tarball (the
# same 6.1 release as the kernel package, checked), built against KVER's
# headers; cached in ${KSCAN_CACHE:-~/.cache/kscan}/netdevsim/. KVER
# defaults to kmod/kscan.ko's vermagic, else the newest /lib/modules/*/build.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
die() { echo "netdevsim_build: $*" >&2; exit 1; }

kver=${1:-}
if [[ -z $kver && -f $repo/kmod/kscan.ko ]]; then
	kver=$(modinfo -F vermagic "$repo/kmod/kscan.ko" 2>/dev/null | cut -d' ' -f1) || kver=
fi
if [[ -z $kver ]]; then
	kver=$(find /lib/modules -mindepth 2 -maxdepth 2 -name build -printf '%h\n' 2>/dev/null |
		xargs -r -n1 basename | sort -V | tail -n1)
fi
[[ -n $kver ]] || die "no kernel headers under /lib/modules"
kbuild=/lib/modules/$kver/build
[[ -d $kbuild ]] || die "$kbuild missing (package linux-headers-$kver)"

# The kernel has it: nothing to build.
if grep -qE '^CONFIG_NETDEVSIM=(y|m)' "/boot/config-$kver" 2>/dev/null; then
	exit 0
fi

series=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p' "$kbuild/Makefile" | paste -sd.)
[[ -n $series ]] || series=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p' \
	"$(readlink -f "$kbuild")/../linux-headers-${kver%-*}-common/Makefile" 2>/dev/null | paste -sd.)
tarball=/usr/src/linux-source-$series.tar.xz
[[ -f $tarball ]] || die "$tarball missing (package linux-source-$series)"

# The driver's internal API is the kernel's: the source must be the same
# release as the image (both Debian packages carry the upstream version).
src_ver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || true)
img_ver=$(dpkg-query -W -f='${Version}' "linux-image-$kver" 2>/dev/null ||
	dpkg-query -W -f='${Version}' "linux-image-$kver-unsigned" 2>/dev/null || true)
if [[ -n $src_ver && -n $img_ver && $src_ver != "$img_ver" ]]; then
	die "linux-source-$series is $src_ver but linux-image-$kver is $img_ver: install matching packages"
fi

cache=${KSCAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kscan}/netdevsim
key=$(stat -L -c '%s %Y' "$tarball" "$kbuild/Module.symvers" | sha256sum | cut -c1-12)
out=$cache/$kver-$key
if [[ -f $out/netdevsim.ko ]]; then
	echo "$out/netdevsim.ko"
	exit 0
fi
rm -rf "$cache/$kver-"*
mkdir -p "$out"
top=linux-source-$series
echo "netdevsim_build: extracting $top/drivers/net/netdevsim from $tarball" >&2
tar -C "$out" -xf "$tarball" --strip-components=4 "$top/drivers/net/netdevsim" ||
	die "extracting drivers/net/netdevsim failed"
echo "netdevsim_build: building netdevsim.ko for $kver" >&2
if ! make -C "$kbuild" M="$out" CONFIG_NETDEVSIM=m modules >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "building netdevsim.ko failed (log: $out/build.log)"
fi
echo "$out/netdevsim.ko"
