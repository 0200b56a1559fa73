#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The "kscan" generic-netlink family as the kernel's controller reports it.
source "$(dirname "$0")/lib.sh"

require_cmd genl
kscan_load

out=$(genl ctrl get name kscan 2>&1)
echo "$out" | sed 's/^/# /'

grep -q 'Name: kscan' <<<"$out"
log_test $? "family kscan registered"

uapi=$(kscan_uapi_version)
grep -Eq "Version: 0x0*$uapi\b" <<<"$out"
log_test $? "family version $uapi (KSCAN_GENL_VERSION)"

grep -Eq 'name: events\b' <<<"$out"
log_test $? "multicast group events"

# GET_INFO is command 1 with a doit handler and a policy.
grep -Eq 'ID-0x1 +flags.*(has-doit|doit)' <<<"$out" ||
	grep -Eq '#1: +ID-0x1' <<<"$out"
log_test $? "command GET_INFO (1) listed"

exit $ret
