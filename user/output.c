// SPDX-License-Identifier: GPL-2.0
/*
 * CSV and JSON-lines result output (see output.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "targets.h"

enum kscan_field_id {
	F_SADDR,
	F_DADDR,
	F_SPORT,
	F_DPORT,
	F_SEQNUM,
	F_ACKNUM,
	F_WINDOW,
	F_TTL,
	F_IPID,
	F_CLASSIFICATION,
	F_SUCCESS,
	F_REPEAT,
	F_COOLDOWN,
	F_TIMESTAMP_STR,
	F_TIMESTAMP_TS,
	F_TIMESTAMP_US,
	__F_MAX
};

/* How a value is written: JSON quotes strings, spells booleans. */
enum kscan_field_kind { K_NUMBER, K_STRING, K_BOOL };

static const struct {
	const char *name;
	enum kscan_field_kind kind;
} kscan_fields[__F_MAX] = {
	[F_SADDR] = { "saddr", K_STRING },
	[F_DADDR] = { "daddr", K_STRING },
	[F_SPORT] = { "sport", K_NUMBER },
	[F_DPORT] = { "dport", K_NUMBER },
	[F_SEQNUM] = { "seqnum", K_NUMBER },
	[F_ACKNUM] = { "acknum", K_NUMBER },
	[F_WINDOW] = { "window", K_NUMBER },
	[F_TTL] = { "ttl", K_NUMBER },
	[F_IPID] = { "ipid", K_NUMBER },
	[F_CLASSIFICATION] = { "classification", K_STRING },
	[F_SUCCESS] = { "success", K_BOOL },
	[F_REPEAT] = { "repeat", K_BOOL },
	[F_COOLDOWN] = { "cooldown", K_BOOL },
	[F_TIMESTAMP_STR] = { "timestamp_str", K_STRING },
	[F_TIMESTAMP_TS] = { "timestamp_ts", K_NUMBER },
	[F_TIMESTAMP_US] = { "timestamp_us", K_NUMBER },
};

struct kscan_output {
	FILE *out;
	u32 module;
	u32 nr;
	u8 ids[__F_MAX];
};

static int kscan_output_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_output_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parse @fields into @ids; returns the count or -1 with @err. */
static int kscan_output_parse_fields(const char *fields, u8 *ids, char *err,
				     size_t errlen)
{
	bool seen[__F_MAX] = { false };
	const char *p = fields;
	int nr = 0;
	u32 id;

	if (!strcmp(fields, "*")) {
		for (id = 0; id < __F_MAX; id++)
			ids[id] = (u8)id;
		return __F_MAX;
	}
	for (;;) {
		size_t len = strcspn(p, ",");

		for (id = 0; id < __F_MAX; id++)
			if (strlen(kscan_fields[id].name) == len &&
			    !strncmp(p, kscan_fields[id].name, len))
				break;
		if (id == __F_MAX)
			return kscan_output_fail(err, errlen,
						 "unknown field '%.*s' in '%s': expected a comma-separated list of %s, or *",
						 (int)len, p, fields,
						 KSCAN_OUTPUT_ALL_FIELDS);
		if (seen[id])
			return kscan_output_fail(err, errlen,
						 "field '%s' is listed twice in '%s'",
						 kscan_fields[id].name, fields);
		seen[id] = true;
		ids[nr++] = (u8)id;
		if (!p[len])
			return nr;
		p += len + 1;
	}
}

int kscan_output_check_fields(const char *fields, char *err, size_t errlen)
{
	u8 ids[__F_MAX];

	return kscan_output_parse_fields(fields, ids, err, errlen) < 0 ? -1 : 0;
}

struct kscan_output *kscan_output_open(FILE *out, u32 module,
				       const char *fields, char *err,
				       size_t errlen)
{
	struct kscan_output *o = calloc(1, sizeof(*o));
	int nr;
	u32 i;

	if (!o) {
		kscan_output_fail(err, errlen, "out of memory");
		return NULL;
	}
	nr = kscan_output_parse_fields(fields ? fields :
					       KSCAN_OUTPUT_DEFAULT_FIELDS,
				       o->ids, err, errlen);
	if (nr < 0) {
		free(o);
		return NULL;
	}
	o->nr = (u32)nr;
	o->out = out;
	o->module = module;
	if (module == KSCAN_OUTPUT_CSV) {
		for (i = 0; i < o->nr; i++)
			fprintf(out, "%s%s", i ? "," : "",
				kscan_fields[o->ids[i]].name);
		fputc('\n', out);
	}
	return o;
}

const char *kscan_timestamp_str(const struct timespec *ts, char buf[32])
{
	struct tm tm;
	size_t n;

	gmtime_r(&ts->tv_sec, &tm);
	n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, 32 - n, ".%03ld+0000", ts->tv_nsec / 1000000);
	return buf;
}

/* The value of field @id as text; *num is set for numbers and booleans. */
static const char *kscan_field_value(u32 id, const struct kscan_result *r,
				     char buf[32], unsigned long long *num)
{
	bool synack = r->classification == KSCAN_CLASS_SYNACK;

	switch (id) {
	case F_SADDR:
		return kscan_ipv4_str(r->saddr, buf);
	case F_DADDR:
		return kscan_ipv4_str(r->daddr, buf);
	case F_SPORT:
		*num = r->sport;
		break;
	case F_DPORT:
		*num = r->dport;
		break;
	case F_SEQNUM:
		*num = r->seq;
		break;
	case F_ACKNUM:
		*num = r->ack;
		break;
	case F_WINDOW:
		*num = r->window;
		break;
	case F_TTL:
		*num = r->ttl;
		break;
	case F_IPID:
		*num = r->ipid;
		break;
	case F_CLASSIFICATION:
		return synack ? "synack" : "rst";
	case F_SUCCESS:
		*num = synack;
		break;
	case F_REPEAT:
		*num = 0;
		break;
	case F_COOLDOWN:
		*num = r->cooldown;
		break;
	case F_TIMESTAMP_STR:
		return kscan_timestamp_str(&r->ts, buf);
	case F_TIMESTAMP_TS:
		*num = (unsigned long long)r->ts.tv_sec;
		break;
	case F_TIMESTAMP_US:
		*num = (unsigned long long)(r->ts.tv_nsec / 1000);
		break;
	}
	return NULL;
}

void kscan_output_write(struct kscan_output *o, const struct kscan_result *r)
{
	bool json = o->module == KSCAN_OUTPUT_JSON;
	FILE *out = o->out;
	u32 i;

	if (json)
		fputc('{', out);
	for (i = 0; i < o->nr; i++) {
		u32 id = o->ids[i];
		enum kscan_field_kind kind = kscan_fields[id].kind;
		unsigned long long num = 0;
		const char *text;
		char buf[32];

		text = kscan_field_value(id, r, buf, &num);
		if (i)
			fputc(',', out);
		if (json)
			fprintf(out, "\"%s\":", kscan_fields[id].name);
		if (text)
			fprintf(out, json ? "\"%s\"" : "%s", text);
		else if (json && kind == K_BOOL)
			fputs(num ? "true" : "false", out);
		else
			fprintf(out, "%llu", num);
	}
	fputs(json ? "}\n" : "\n", out);
}

int kscan_output_flush(struct kscan_output *o)
{
	if (fflush(o->out) || ferror(o->out))
		return -1;
	return 0;
}

int kscan_output_close(struct kscan_output *o)
{
	int ret;

	if (!o)
		return 0;
	ret = kscan_output_flush(o);
	free(o);
	return ret;
}
