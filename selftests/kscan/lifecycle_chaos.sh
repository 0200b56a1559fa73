#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Lifecycle chaos: 500 rounds of random orders of kscanctl scans (1-3 at
# once, 1-2 threads, full speed; attached and --detach) on dummy, veth and
# netdevsim, each ended by kscanctl stop, link down, carrier off (then on or
# not, then another ending), link delete, link moved to another netns,
# ethtool -L below a thread's queue, netns delete, rmmod (then insmod) or
# SIGKILL of kscanctl, or by two of them at once, with kscanctl status and
# raw GET dumps racing the endings. lifecycle_chaos.py drives the
# rounds and checks every one (see its docstring); this prints its
# aggregated checks as TEST lines.
#
# Environment (for quick local runs and replays):
#   KSCAN_CHAOS_SEED    seed of the run (default 1; printed)
#   KSCAN_CHAOS_ROUNDS  number of rounds (default 500)
#   KSCAN_CHAOS_ONLY    comma-separated round numbers to run alone (a failing
#                       round prints the line that replays it)
#   KSCAN_CHAOS_BUDGET  seconds after which no new round starts and the run
#                       fails with its figures (default: the runner's timeout,
#                       KSCAN_SELFTEST_TIMEOUT, else that of ./settings, less
#                       30 s, so that the checks are printed before the
#                       runner kills the program)
#   KSCAN_CHAOS_SLOW    factor on every time bound (default 1, 4 on the debug
#                       kernel); the 1 s bound on SIGKILL does not move
#   KSCAN_CHAOS_VERBOSE=1  print every action as it happens
#   KSCAN_NETDEVSIM_KO  netdevsim.ko for a kernel that lacks it (Debian's):
#                       built on the host by netdevsim_build.sh
source "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 modinfo
[ -x "$KSCANCTL" ] || { echo "SKIP: $KSCANCTL not built (make all)"; exit $ksft_skip; }
kscan_load || { echo "SKIP: kscan.ko does not load"; exit $ksft_skip; }

# The drivers the rounds create devices with, loaded now: the kernel's
# module autoload is off below, so that a kscanctl racing an rmmod cannot
# make the kernel load some other kscan.ko (MODULE_ALIAS_GENL_FAMILY).
modprobe -q -a dummy veth 2>/dev/null
kscan_autoload_off

timeout=$(sed -n 's/^timeout=//p' "$(dirname "$0")/settings" 2>/dev/null)
# The runner's timeout for this run (run_kselftest.sh), where it is given.
timeout=${KSCAN_SELFTEST_TIMEOUT:-$timeout}
budget=${KSCAN_CHAOS_BUDGET:-$((${timeout:-300} - 30))}
slow=${KSCAN_CHAOS_SLOW:-1}
[ "${KSCAN_LAB_KERNEL:-}" != debug ] || slow=${KSCAN_CHAOS_SLOW:-4}
checks=$(mktemp)
defer rm -f "$checks"

verbose=()
[ -z "${KSCAN_CHAOS_VERBOSE:-}" ] || verbose=(--verbose)
python3 -S "$(dirname "$0")/lifecycle_chaos.py" \
	--seed "${KSCAN_CHAOS_SEED:-1}" --rounds "${KSCAN_CHAOS_ROUNDS:-500}" \
	--only "${KSCAN_CHAOS_ONLY:-}" --budget "$budget" \
	--slow "$slow" --kscanctl "$KSCANCTL" --ko "${KSCAN_KO:-}" \
	--checks "$checks" "${verbose[@]}"
rc=$?

while IFS=$'\t' read -r tag code desc; do
	[ "$tag" = CHECK ] && log_test "$code" "chaos: $desc"
done <"$checks"
[ $rc -eq 0 ] || log_test 1 "chaos: the driver ended with exit $rc"

# The driver's last check unloaded the module: the next programs expect it.
kscan_load
exit $ret
