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

# log_test RC DESCRIPTION: print one result line, remember a failure.
log_test()
{
	local rc=$1 desc=$2

	if [ "$rc" -eq 0 ]; then
		printf 'TEST: %-60s [ OK ]\n' "$desc"
	elif [ "$rc" -eq "$ksft_skip" ]; then
		printf 'TEST: %-60s [SKIP]\n' "$desc"
		[ "$ret" -eq "$ksft_pass" ] && ret=$ksft_skip
	else
		printf 'TEST: %-60s [FAIL]\n' "$desc"
		ret=$ksft_fail
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

# The one version string of the project (dkms.conf).
kscan_expected_version()
{
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$KSCAN_ROOT/dkms.conf"
}
