#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Load and unload kscan.ko 50 times; the family comes and goes with it.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd genl
kscan_autoload_off

cycles=50
ok=0
for ((i = 0; i < cycles; i++)); do
	kscan_unload || break
	kscan_family_present && break
	kscan_load || break
	kscan_family_present || break
	ok=$((ok + 1))
done
[ "$ok" -eq "$cycles" ]
log_test $? "$cycles unload/load cycles ($ok completed)"

kscan_load
check "module loaded at the end" kscan_family_present

exit $ret
