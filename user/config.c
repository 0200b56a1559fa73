// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file (see config.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* Larger files are refused: a configuration is a few dozen lines. */
#define KSCAN_CONFIG_MAX_BYTES (1 << 20)

static int kscan_config_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_config_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static char *kscan_config_read(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t n;

	if (!f) {
		kscan_config_fail(err, errlen, "--config-file: cannot read %s: %s",
				  path, strerror(errno));
		return NULL;
	}
	text = malloc(KSCAN_CONFIG_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		kscan_config_fail(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(text, 1, KSCAN_CONFIG_MAX_BYTES + 1, f);
	if (ferror(f) || n > KSCAN_CONFIG_MAX_BYTES) {
		kscan_config_fail(err, errlen, "--config-file: %s: %s", path,
				  ferror(f) ? strerror(errno) :
					      "larger than 1 MiB");
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	if (memchr(text, '\0', n)) {
		kscan_config_fail(err, errlen,
				  "--config-file: %s is not a text file (NUL byte)",
				  path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static char *kscan_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* A flag's value: "" or true/yes/1 sets it, false/no/0 leaves it. */
static int kscan_config_bool(const char *value, bool *set)
{
	static const char *const yes[] = { "", "true", "yes", "1" };
	static const char *const no[] = { "false", "no", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!strcmp(value, yes[i]))
			return *set = true, 0;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcmp(value, no[i]))
			return *set = false, 0;
	return -1;
}

static int kscan_config_line(const struct kscan_cli_command *cmd,
			     const char *path, unsigned int lineno, char *line,
			     void *cfg, bool *given, char *err, size_t errlen)
{
	const struct kscan_cli_option *opt;
	char *key, *value, *hash, msg[512];
	bool set;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	key = kscan_trim(line);
	if (!*key)
		return 0;
	value = key + strcspn(key, "= \t");
	if (*value) {
		bool eq = *value == '=';

		*value++ = '\0';
		value = kscan_trim(value);
		if (!eq && *value == '=')	/* "key = value" */
			value = kscan_trim(value + 1);
	}

	opt = kscan_cli_find(cmd, key);
	if (!opt)
		return kscan_config_fail(err, errlen,
					 "%s:%u: unknown key '%s' (keys are the long options of 'kscanctl %s --help')",
					 path, lineno, key, cmd->name);
	if (opt->id == KSCAN_OPT_HELP || opt->id == KSCAN_OPT_CONFIG_FILE)
		return kscan_config_fail(err, errlen,
					 "%s:%u: '%s' cannot be set in a configuration file",
					 path, lineno, key);
	if (!opt->metavar) {
		if (kscan_config_bool(value, &set))
			return kscan_config_fail(err, errlen,
						 "%s:%u: --%s takes no value (or true/false), got '%s'",
						 path, lineno, key, value);
		if (!set)
			return 0;
	} else if (!*value) {
		return kscan_config_fail(err, errlen,
					 "%s:%u: --%s needs a value: %s", path,
					 lineno, key, opt->metavar);
	}
	if (opt->parse(opt, cfg, value, msg, sizeof(msg)))
		return kscan_config_fail(err, errlen, "%s:%u: --%s: %s", path,
					 lineno, key, msg);
	given[opt->id] = true;
	return 0;
}

int kscan_config_load(const struct kscan_cli_command *cmd, const char *path,
		      void *cfg, bool *given, struct kscan_config_file **out,
		      char *err, size_t errlen)
{
	struct kscan_config_file *cf;
	char *line, *next;
	unsigned int lineno = 0;

	*out = NULL;
	cf = calloc(1, sizeof(*cf));
	if (!cf)
		return kscan_config_fail(err, errlen, "out of memory");
	*out = cf;
	cf->text = kscan_config_read(path, err, errlen);
	if (!cf->text)
		return -1;
	for (line = cf->text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (kscan_config_line(cmd, path, lineno, line, cfg, given, err,
				      errlen))
			return -1;
	}
	return 0;
}

void kscan_config_free(struct kscan_config_file *cf)
{
	if (!cf)
		return;
	free(cf->text);
	free(cf);
}
