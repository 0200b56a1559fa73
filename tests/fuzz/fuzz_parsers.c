// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for everything kscan parses from outside: reply frames
 * (kscan_syn_parse, what the validator runs on every received packet) and
 * the text of targets, port lists and ranges (command line and files).
 * The first input byte picks the parser; the rest is its input. Built with
 * AddressSanitizer and UBSan: any out-of-bounds access, overflow or crash
 * is a failure.
 */
#include <stdlib.h>
#include <string.h>

#include "kscan/syn.h"
#include "targets.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct kscan_parsed parsed;
	char text[256], err[256];
	u32 first, last, nr;
	u16 pfirst, plast;
	u16 *ports = NULL;

	if (!size)
		return 0;
	switch (data[0] % 5) {
	case 0:
		kscan_syn_parse(data + 1, size - 1, &parsed,
				KSCAN_PARSE_VERIFY_IP_CSUM |
					KSCAN_PARSE_VERIFY_TCP_CSUM);
		return 0;
	case 1:
		kscan_syn_parse(data + 1, size - 1, &parsed, 0);
		return 0;
	}

	/* Text parsers take NUL-terminated strings. */
	size = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
	memcpy(text, data + 1, size);
	text[size] = '\0';
	switch (data[0] % 5) {
	case 2:
		if (!kscan_parse_target(text, &first, &last, err, sizeof(err)) &&
		    first > last)
			abort();
		break;
	case 3:
		if (!kscan_parse_ports(text, &ports, &nr, err, sizeof(err))) {
			/* sorted, distinct, no port 0 */
			for (u32 i = 0; i < nr; i++)
				if (!ports[i] || (i && ports[i] <= ports[i - 1]))
					abort();
		}
		free(ports);
		break;
	default:
		if (!kscan_parse_port_range(text, &pfirst, &plast, err,
					    sizeof(err)) &&
		    pfirst > plast)
			abort();
		if (!kscan_parse_addr_range(text, &first, &last, err,
					    sizeof(err)) &&
		    first > last)
			abort();
		break;
	}
	return 0;
}
