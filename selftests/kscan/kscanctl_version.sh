#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kscanctl version talks to the module; without it, it says how to load it.
source "$(dirname "$0")/lib.sh"

require_root
kscan_load
want=$(kscan_expected_version)
uapi=$(kscan_uapi_version)

out=$("$KSCANCTL" version 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ -n "$uapi" ] && [ $rc -eq 0 ] && grep -qx "kscanctl $want (uapi $uapi)" <<<"$out" &&
	grep -q "^kscan.ko $want (uapi $uapi, max 16 scans per netns" <<<"$out"
log_test $? "kscanctl version prints both versions ($want)"

[ "$(cat /sys/module/kscan/version)" = "$want" ]
log_test $? "module version in sysfs is $want"

kscan_autoload_off
kscan_unload
out=$("$KSCANCTL" version 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 1 ] && grep -q "kscan kernel module is not loaded" <<<"$out" &&
	grep -q "modprobe kscan" <<<"$out"
log_test $? "without the module: exit 1 and how to load it"

kscan_load
"$KSCANCTL" version >/dev/null
log_test $? "works again once reloaded"

out=$("$KSCANCTL" frobnicate 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" <<<"$out" &&
	grep -q "^Usage: kscanctl" <<<"$out"
log_test $? "unknown subcommand: usage, exit 2"

out=$("$KSCANCTL" version --bogus 2>&1)
[ $? -eq 2 ] && grep -q "Usage: kscanctl version" <<<"$out"
log_test $? "unknown flag: usage, exit 2"

exit $ret
