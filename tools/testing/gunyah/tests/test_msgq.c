// SPDX-License-Identifier: GPL-2.0
/*
 * Message queue FIFO.
 */
#include <string.h>

#include "msgq.h"
#include "tap.h"

int main(void)
{
	uint8_t big[MSGQ_MSG_SIZE + 1] = { 0 };
	const uint8_t *msg;
	struct msgq q;
	unsigned int i, ok = 1;
	size_t len;

	msgq_init(&q);
	tap_ok(!msgq_peek(&q, &len), "a new queue is empty");
	tap_eq(msgq_push(&q, big, 0), -1, "an empty message is refused");
	tap_eq(msgq_push(&q, big, MSGQ_MSG_SIZE + 1), -1,
	       "a 241-byte message is refused");
	for (i = 0; i < MSGQ_DEPTH; i++) {
		big[0] = (uint8_t)i;
		ok &= msgq_push(&q, big, i + 1) == 0;
	}
	tap_ok(ok, "8 messages fit");
	tap_ok(msgq_full(&q), "and fill the queue");
	tap_eq(msgq_push(&q, big, 1), -1, "a 9th is refused");
	for (i = 0, ok = 1; i < MSGQ_DEPTH; i++) {
		msg = msgq_peek(&q, &len);
		ok &= msg && msg[0] == i && len == i + 1;
		msgq_drop(&q);
	}
	tap_ok(ok, "messages come out in order with their lengths");
	tap_ok(!msgq_peek(&q, &len), "and the queue is empty again");
	memset(big, 7, sizeof(big));
	tap_eq(msgq_push(&q, big, MSGQ_MSG_SIZE), 0, "a 240-byte message fits");
	msg = msgq_peek(&q, &len);
	tap_ok(len == MSGQ_MSG_SIZE && msg[MSGQ_MSG_SIZE - 1] == 7,
	       "intact, after wrapping around");
	return tap_done();
}
