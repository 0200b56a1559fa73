// SPDX-License-Identifier: GPL-2.0
/*
 * The target compiler (see targets.h). Interval arithmetic is done in u64
 * so that the edges 0.0.0.0 and 255.255.255.255 need no special cases.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/linux/kscan.h>

#include "targets.h"

static int kscan_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int kscan_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The range a-b of @text into first and last, or say it runs backwards. */
static int kscan_range_result(const char *text, u32 a, u32 b, u32 *first,
			      u32 *last, char *err, size_t errlen)
{
	char a_str[16], b_str[16];

	if (a > b)
		return kscan_fail(err, errlen,
				  "range '%s' ends before it starts: did you mean %s-%s?",
				  text, kscan_ipv4_str(b, b_str),
				  kscan_ipv4_str(a, a_str));
	*first = a;
	*last = b;
	return 0;
}

void kscan_ipset_free(struct kscan_ipset *set)
{
	free(set->iv);
	set->iv = NULL;
	set->nr = 0;
	set->cap = 0;
}

int kscan_ipset_add(struct kscan_ipset *set, u32 first, u32 last)
{
	if (set->nr == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct kscan_interval *iv;

		iv = realloc(set->iv, cap * sizeof(*iv));
		if (!iv)
			return -1;
		set->iv = iv;
		set->cap = cap;
	}
	set->iv[set->nr].first = first;
	set->iv[set->nr].last = last;
	set->nr++;
	return 0;
}

static int kscan_interval_cmp(const void *a, const void *b)
{
	const struct kscan_interval *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return 0;
}

void kscan_ipset_normalize(struct kscan_ipset *set)
{
	size_t i, out = 0;

	if (!set->nr)
		return;
	qsort(set->iv, set->nr, sizeof(*set->iv), kscan_interval_cmp);
	for (i = 1; i < set->nr; i++) {
		struct kscan_interval *cur = &set->iv[out];

		/* u64: last + 1 of 255.255.255.255 must not wrap to 0 */
		if ((u64)set->iv[i].first <= (u64)cur->last + 1) {
			if (set->iv[i].last > cur->last)
				cur->last = set->iv[i].last;
		} else {
			set->iv[++out] = set->iv[i];
		}
	}
	set->nr = out + 1;
}

int kscan_ipset_subtract(const struct kscan_ipset *allow,
			 const struct kscan_ipset *block,
			 struct kscan_ipset *out)
{
	size_t b = 0, i;

	for (i = 0; i < allow->nr; i++) {
		/* the part of allow->iv[i] not yet removed: [lo, hi] */
		u64 lo = allow->iv[i].first, hi = allow->iv[i].last;

		/* skip blocks entirely below; they cannot matter later either */
		while (b < block->nr && block->iv[b].last < lo)
			b++;
		while (b < block->nr && block->iv[b].first <= hi && lo <= hi) {
			if (block->iv[b].first > lo &&
			    kscan_ipset_add(out, (u32)lo, block->iv[b].first - 1))
				return -1;
			lo = (u64)block->iv[b].last + 1;
			if (block->iv[b].last > hi)
				break;	/* it may cover the next allow too */
			b++;
		}
		if (lo <= hi && kscan_ipset_add(out, (u32)lo, (u32)hi))
			return -1;
	}
	return 0;
}

u64 kscan_ipset_count(const struct kscan_ipset *set)
{
	u64 n = 0;
	size_t i;

	for (i = 0; i < set->nr; i++)
		n += (u64)set->iv[i].last - set->iv[i].first + 1;
	return n;
}

int kscan_ipset_contains(const struct kscan_ipset *set, u32 addr)
{
	size_t lo = 0, hi = set->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->iv[mid].last < addr)
			lo = mid + 1;
		else if (set->iv[mid].first > addr)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

/*
 * A decimal number of at most @max_digits digits, no sign, no leading
 * zero (so that "010" is never silently decimal where inet_aton() would
 * read octal). Advances *p past it.
 */
static int kscan_parse_decimal(const char **p, unsigned int max_digits,
			       u64 *value)
{
	const char *s = *p;
	unsigned int digits = 0;
	u64 v = 0;

	while (isdigit((unsigned char)s[digits])) {
		if (digits == max_digits)
			return -1;
		v = v * 10 + (u64)(s[digits] - '0');
		digits++;
	}
	if (!digits || (digits > 1 && s[0] == '0'))
		return -1;
	*p = s + digits;
	*value = v;
	return 0;
}

/* Parse a dotted quad at *p, advancing past it. */
static int kscan_scan_ipv4(const char **p, u32 *addr)
{
	const char *s = *p;
	u32 a = 0;
	u64 part;
	int i;

	for (i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return -1;
		if (kscan_parse_decimal(&s, 3, &part) || part > 255)
			return -1;
		a = a << 8 | (u32)part;
	}
	*p = s;
	*addr = a;
	return 0;
}

int kscan_parse_ipv4(const char *text, u32 *addr)
{
	const char *p = text;
	u32 a;

	if (kscan_scan_ipv4(&p, &a) || *p)
		return -1;
	*addr = a;
	return 0;
}

const char *kscan_ipv4_str(u32 addr, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

int kscan_parse_target(const char *text, u32 *first, u32 *last, char *err,
		       size_t errlen)
{
	const char *p = text;
	char a_str[16];
	u32 a, b;
	u64 prefix;

	if (kscan_scan_ipv4(&p, &a))
		goto bad;
	if (!*p) {
		*first = a;
		*last = a;
		return 0;
	}
	if (*p == '/') {
		u32 mask;

		p++;
		if (kscan_parse_decimal(&p, 2, &prefix) || *p || prefix > 32)
			goto bad;
		/* u64 shift: a /0 mask must be 0, not undefined */
		mask = (u32)(0xffffffff00000000ULL >> prefix);
		if (a & ~mask)
			return kscan_fail(err, errlen,
					  "'%s' has host bits set: did you mean %s/%u?",
					  text, kscan_ipv4_str(a & mask, a_str),
					  (unsigned int)prefix);
		*first = a;
		*last = a | ~mask;
		return 0;
	}
	if (*p == '-') {
		p++;
		if (kscan_scan_ipv4(&p, &b) || *p)
			goto bad;
		return kscan_range_result(text, a, b, first, last, err,
					  errlen);
	}
bad:
	return kscan_fail(err, errlen, "expected " KSCAN_TARGET_FORMS ", got '%s'",
			  text);
}

int kscan_ipset_add_target(struct kscan_ipset *set, const char *text,
			   char *err, size_t errlen)
{
	u32 first, last;

	if (kscan_parse_target(text, &first, &last, err, errlen))
		return -1;
	if (kscan_ipset_add(set, first, last))
		return kscan_fail(err, errlen, "out of memory");
	return 0;
}

int kscan_ipset_load_file(struct kscan_ipset *set, const char *path,
			  char *err, size_t errlen)
{
	char *line = NULL, msg[256];
	unsigned long lineno = 0;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int ret = 0;

	f = fopen(path, "r");
	if (!f)
		return kscan_fail(err, errlen, "%s: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *start = line, *end;

		lineno++;
		end = strchr(line, '#');
		if (!end)
			end = line + len;
		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (start == end)
			continue;
		*end = '\0';
		if (kscan_ipset_add_target(set, start, msg, sizeof(msg))) {
			ret = kscan_fail(err, errlen, "%s:%lu: %s", path, lineno,
					 msg);
			break;
		}
	}
	if (!ret && ferror(f))
		ret = kscan_fail(err, errlen, "%s: read error", path);
	free(line);
	fclose(f);
	return ret;
}

/* A port 1-65535 at *p, advancing past it. */
static int kscan_scan_port(const char **p, u16 *port)
{
	u64 v;

	if (kscan_parse_decimal(p, 5, &v) || v < 1 || v > 65535)
		return -1;
	*port = (u16)v;
	return 0;
}

/* "A" or "A-B" at *p, advancing past it; *first <= *last not checked. */
static int kscan_scan_port_range(const char **p, u16 *first, u16 *last)
{
	if (kscan_scan_port(p, first))
		return -1;
	*last = *first;
	if (**p != '-')
		return 0;
	(*p)++;
	return kscan_scan_port(p, last);
}

int kscan_parse_ports(const char *text, u16 **ports, u32 *nr_ports,
		      char *err, size_t errlen)
{
	u8 *seen = calloc(65536, 1);
	const char *p = text, *elem;
	u16 first, last, *out;
	u32 n = 0, port;

	if (!seen)
		return kscan_fail(err, errlen, "out of memory");
	for (;;) {
		elem = p;
		if (kscan_scan_port_range(&p, &first, &last) ||
		    (*p && *p != ',')) {
			int len = (int)strcspn(elem, ",");

			free(seen);
			if (elem == text && !elem[len])
				return kscan_fail(err, errlen,
						  "expected " KSCAN_PORT_FORMS
						  ", got '%s'", text);
			return kscan_fail(err, errlen,
					  "expected " KSCAN_PORT_FORMS
					  ", got '%.*s' in '%s'",
					  len, elem, text);
		}
		if (first > last) {
			free(seen);
			return kscan_fail(err, errlen,
					  "port range '%u-%u' ends before it starts: did you mean %u-%u?",
					  first, last, last, first);
		}
		for (port = first; port <= last; port++) {
			n += !seen[port];
			seen[port] = 1;
		}
		if (!*p)
			break;
		p++;	/* ',' */
	}
	out = malloc(n * sizeof(*out));
	if (!out) {
		free(seen);
		return kscan_fail(err, errlen, "out of memory");
	}
	n = 0;
	for (port = 1; port <= 65535; port++)
		if (seen[port])
			out[n++] = (u16)port;
	free(seen);
	*ports = out;
	*nr_ports = n;
	return 0;
}

int kscan_parse_port_range(const char *text, u16 *first, u16 *last,
			   char *err, size_t errlen)
{
	const char *p = text;
	u16 a, b;

	if (kscan_scan_port_range(&p, &a, &b) || *p)
		return kscan_fail(err, errlen,
				  "expected a port range A-B within 1-65535 "
				  "(e.g. 32768-61000), got '%s'",
				  text);
	if (a > b)
		return kscan_fail(err, errlen,
				  "port range '%s' ends before it starts: did you mean %u-%u?",
				  text, b, a);
	*first = a;
	*last = b;
	return 0;
}

/* "A" or "A-B"; @forms names what the caller accepts, for the message. */
static int kscan_addr_range(const char *text, u32 *first, u32 *last,
			    const char *forms, char *err, size_t errlen)
{
	const char *p = text;
	u32 a, b;

	if (kscan_scan_ipv4(&p, &a))
		goto bad;
	b = a;
	if (*p == '-') {
		p++;
		if (kscan_scan_ipv4(&p, &b))
			goto bad;
	}
	if (*p)
		goto bad;
	return kscan_range_result(text, a, b, first, last, err, errlen);
bad:
	return kscan_fail(err, errlen, "expected %s, got '%s'", forms, text);
}

int kscan_parse_addr_range(const char *text, u32 *first, u32 *last,
			   char *err, size_t errlen)
{
	return kscan_addr_range(text, first, last,
				"an IPv4 address (198.18.0.1) or a range "
				"(198.18.0.1-198.18.0.4)",
				err, errlen);
}

int kscan_parse_saddrs(const char *text, u32 *first, u32 *last, u32 *list,
		       u32 *nr_list, char *err, size_t errlen)
{
	u32 total = 1, n = 0, a, i;
	const char *p, *elem;
	char a_str[16];

	if (!strchr(text, ',')) {
		if (kscan_addr_range(text, first, last, KSCAN_SADDR_FORMS, err,
				     errlen))
			return -1;
		*nr_list = 0;
		return 0;
	}
	for (p = text; *p; p++)
		total += *p == ',';
	if (total > KSCAN_MAX_SADDRS)
		return kscan_fail(err, errlen,
				  "at most %d source addresses, got %u in the list",
				  KSCAN_MAX_SADDRS, total);
	for (p = text; ; p++) {
		int len;

		elem = p;
		len = (int)strcspn(elem, ",");
		if (kscan_scan_ipv4(&p, &a) || (*p && *p != ',')) {
			char lo[40], *hi;
			u32 x;

			/* "A-B" in a list: a range cannot be mixed in */
			if (len < (int)sizeof(lo)) {
				memcpy(lo, elem, (size_t)len);
				lo[len] = '\0';
				hi = strchr(lo, '-');
				if (hi) {
					*hi++ = '\0';
					if (!kscan_parse_ipv4(lo, &x) &&
					    !kscan_parse_ipv4(hi, &x))
						return kscan_fail(err, errlen,
								  "a list of source addresses cannot hold a range, got '%.*s' in '%s': give one range alone, or list every address",
								  len, elem, text);
				}
			}
			return kscan_fail(err, errlen,
					  "expected a list of IPv4 addresses like 198.18.0.1,198.18.0.7, got '%.*s' in '%s'",
					  len, elem, text);
		}
		for (i = 0; i < n; i++)
			if (list[i] == a)
				return kscan_fail(err, errlen,
						  "%s is listed twice in '%s': give each source address once",
						  kscan_ipv4_str(a, a_str),
						  text);
		list[n++] = a;
		if (!*p)
			break;
	}
	*first = *last = list[0];
	*nr_list = n;
	return 0;
}
