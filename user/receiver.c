// SPDX-License-Identifier: GPL-2.0
/*
 * The per-frame pipeline (see receiver.h).
 */
#include <string.h>
#include <time.h>

#include "receiver.h"
#include "rst.h"

int kscan_receiver_init(struct kscan_receiver *rx,
			const struct kscan_validator *validator,
			struct kscan_output *output)
{
	memset(rx, 0, sizeof(*rx));
	rx->validator = validator;
	rx->output = output;
	return kscan_dedup_init(&rx->dedup, validator->ts.nr_ips *
						    validator->ts.nr_ports);
}

void kscan_receiver_free(struct kscan_receiver *rx)
{
	kscan_dedup_free(&rx->dedup);
}

static void kscan_receiver_rst(struct kscan_receiver *rx,
			       const struct kscan_reply *reply)
{
	u8 frame[KSCAN_RST_FRAME_MAX];
	size_t len = kscan_rst_build(reply, frame);

	if (rx->rst_ops->send(rx->rst_state, frame, len) < 0)
		rx->c.rst_errors++;
	else
		rx->c.rst_sent++;
}

void kscan_receiver_frame(void *arg, const uint8_t *frame, size_t len)
{
	struct kscan_receiver *rx = arg;
	struct kscan_result res;
	struct kscan_reply reply;
	enum kscan_verdict verdict;
	int fresh;

	rx->c.frames++;
	verdict = kscan_validate(rx->validator, frame, len, &reply);
	rx->c.by_verdict[verdict]++;
	if (!KSCAN_VERDICT_VALID(verdict)) {
		rx->c.invalid++;
		return;
	}
	/* every SYN-ACK of ours, repeated or not, leaves a half-open
	 * connection on the target: close each
	 */
	if (verdict == KSCAN_V_SYNACK && rx->rst_ops)
		kscan_receiver_rst(rx, &reply);

	fresh = kscan_dedup_add(&rx->dedup, reply.target);
	if (!fresh) {
		rx->c.duplicates++;
		return;
	}
	if (fresh < 0)
		rx->c.dedup_errors++;

	memset(&res, 0, sizeof(res));
	res.saddr = reply.pkt.saddr;
	res.daddr = reply.pkt.daddr;
	res.sport = reply.pkt.sport;
	res.dport = reply.pkt.dport;
	res.seq = reply.pkt.seq;
	res.ack = reply.pkt.ack;
	res.window = reply.pkt.window;
	res.ttl = reply.pkt.ttl;
	res.ipid = reply.pkt.ip_id;
	res.classification = verdict == KSCAN_V_SYNACK ? KSCAN_CLASS_SYNACK :
							 KSCAN_CLASS_RST;
	res.cooldown = rx->cooldown;
	clock_gettime(CLOCK_REALTIME, &res.ts);

	rx->c.valid++;
	if (verdict == KSCAN_V_SYNACK)
		rx->c.open++;
	else
		rx->c.closed++;
	if (rx->cooldown)
		rx->c.cooldown++;
	if (rx->output)
		kscan_output_write(rx->output, &res);
}
