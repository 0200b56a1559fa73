/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands of kscanctl (main.c dispatches); each returns the
 * process exit code.
 */
#ifndef KSCANCTL_CMD_H
#define KSCANCTL_CMD_H

int kscan_cmd_start(int argc, char **argv); /* cmd_start.c */
int kscan_cmd_stop(int argc, char **argv); /* cmd_scans.c */
int kscan_cmd_status(int argc, char **argv); /* cmd_scans.c */

#endif /* KSCANCTL_CMD_H */
