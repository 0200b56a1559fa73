#!/usr/bin/env bash
# DKMS packaging of kscan.ko.
#   tests/dkms.sh install [KVER]  copy the module sources to /usr/src/kscan-VERSION
#                                 and run dkms add/build/install for KVER
#                                 (default: the kernel the lab boots)
#   tests/dkms.sh check [KVER]    install, then prove that the installed copy is
#                                 the one the lab VM loads and that it answers
# Ends "check" with "dkms: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-}
kver=${2:-}
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
if [ -z "$kver" ]; then
	kver=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 |
		cut -d/ -f4)
fi
[ -n "$kver" ] || { echo "dkms: no kernel headers found: run 'make deps'" >&2; exit 1; }
command -v dkms >/dev/null || { echo "dkms: dkms is not installed: run 'make deps'" >&2; exit 1; }

install()
{
	local src=/usr/src/kscan-$version

	# Start from a clean slate so a re-install always builds these sources.
	if dkms status -m kscan -v "$version" | grep -q .; then
		dkms remove -m kscan -v "$version" --all >/dev/null
	fi
	rm -rf "$src"
	mkdir -p "$src"
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='*.order' \
		--exclude='*.symvers' dkms.conf Kbuild include kmod "$src/"
	dkms add -m kscan -v "$version"
	if ! dkms build -m kscan -v "$version" -k "$kver"; then
		# dkms only says where the compiler's output went: show it.
		local make_log=/var/lib/dkms/kscan/$version/build/make.log
		[ ! -f "$make_log" ] || { echo "dkms: $make_log:"; cat "$make_log"; } >&2
		return 1
	fi
	dkms install -m kscan -v "$version" -k "$kver" --force
}

case $action in
install)
	install
	;;
check)
	pass=0 fail=0
	result()
	{
		if [ "$1" -eq 0 ]; then
			echo "dkms: ok - $2"; pass=$((pass + 1))
		else
			echo "dkms: FAIL - $2"; fail=$((fail + 1))
		fi
	}
	# A child process, so that set -e still stops the install at the first
	# failing step (a function called in a || list would run on) and the
	# check still reports and prints the log.
	log=$(mktemp /tmp/kscan-dkms.XXXXXX)
	trap 'rm -f "$log"' EXIT
	rc=0
	"$BASH" tests/dkms.sh install "$kver" >"$log" 2>&1 || rc=$?
	[ $rc -eq 0 ] || cat "$log"
	result $rc "dkms add/build/install kscan $version for $kver"

	path=$(modinfo -k "$kver" -n kscan 2>/dev/null || true)
	case $path in
	/lib/modules/"$kver"/updates/dkms/kscan.ko*) rc=0 ;;
	*) rc=1 ;;
	esac
	result $rc "modinfo finds the DKMS copy ($path)"

	# In the lab: modprobe loads the DKMS copy, kscanctl reaches it.
	uapi=$(sed -n 's/^#define KSCAN_GENL_VERSION \([0-9]*\)$/\1/p' include/uapi/linux/kscan.h)
	set +e
	out=$(tests/vm/run --module=dkms --kver="$kver" -- sh -c \
		'echo "loaded-from: $(modinfo -n kscan)"; echo "sysfs-version: $(cat /sys/module/kscan/version)"; user/kscanctl version' 2>&1)
	vm_rc=$?
	set -e
	echo "$out" | sed 's/^/# /'
	# The && list's status is taken with || so that set -e cannot end the
	# script on its last test, without a summary.
	rc=0
	{ [ $vm_rc -eq 0 ] && grep -q "^loaded-from: /lib/modules/$kver/updates/dkms/kscan.ko" <<<"$out" &&
		grep -qx "sysfs-version: $version" <<<"$out" &&
		grep -q "^kscan.ko $version (uapi $uapi," <<<"$out"; } || rc=1
	result $rc "the lab VM loads the DKMS copy (uapi $uapi) and kscanctl reaches it"

	echo "dkms: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	;;
*)
	echo "usage: tests/dkms.sh install|check [KVER]" >&2
	exit 2
	;;
esac
