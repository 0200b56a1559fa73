/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kscanctl's configuration file: the long options of a command, one per
 * line, as "key value" or "key=value"; '#' starts a comment; blank lines
 * are skipped. A flag takes no value (or true/false). Each value goes
 * through the option's own parser (cli.c), so a file accepts and refuses
 * exactly what the command line does; options given on the command line
 * are parsed after the file, so they win.
 */
#ifndef KSCANCTL_CONFIG_H
#define KSCANCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* The file's text: option values point into it while it lives. */
struct kscan_config_file {
	char *text;
};

/*
 * Apply the file at @path to @cfg with the parsers of @cmd, marking
 * @given. *out receives the text (free with kscan_config_free()), also on
 * failure. Returns 0, or -1 with "path:line: ..." in @err.
 */
int kscan_config_load(const struct kscan_cli_command *cmd, const char *path,
		      void *cfg, bool *given, struct kscan_config_file **out,
		      char *err, size_t errlen);
void kscan_config_free(struct kscan_config_file *cf);

#endif /* KSCANCTL_CONFIG_H */
