#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Reading module information needs no privilege: a caller without
# CAP_NET_ADMIN (nobody, every capability dropped) gets GET_INFO.
source "$(dirname "$0")/lib.sh"

require_root
require_cmd setpriv capsh
kscan_load
# nobody runs a copy of kscanctl that it can read.
shared_copy shared "$KSCANCTL"

unpriv()
{
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$@"
}

# The dropped process really lacks CAP_NET_ADMIN...
unpriv capsh --has-p=cap_net_admin 2>/dev/null
[ $? -ne 0 ]
log_test $? "setpriv drops CAP_NET_ADMIN"

# ...and still reads the module's information.
out=$(unpriv "$shared$KSCANCTL" version 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -eq 0 ] && grep -q "^kscan.ko $(kscan_expected_version) " <<<"$out"
log_test $? "GET_INFO works without CAP_NET_ADMIN"

exit $ret
