// SPDX-License-Identifier: GPL-2.0
/*
 * A Gunyah message queue, without the hypercall and interrupt semantics
 * (those live in gunyah_hvc.c).
 */
#include <string.h>

#include "msgq.h"

void msgq_init(struct msgq *q)
{
	memset(q, 0, sizeof(*q));
}

int msgq_push(struct msgq *q, const void *msg, size_t len)
{
	unsigned int tail;

	if (msgq_full(q) || len == 0 || len > MSGQ_MSG_SIZE)
		return -1;
	tail = (q->head + q->count) % MSGQ_DEPTH;
	memcpy(q->data[tail], msg, len);
	q->len[tail] = (uint16_t)len;
	q->count++;
	return 0;
}

const uint8_t *msgq_peek(const struct msgq *q, size_t *len)
{
	if (!q->count)
		return NULL;
	*len = q->len[q->head];
	return q->data[q->head];
}

void msgq_drop(struct msgq *q)
{
	if (!q->count)
		return;
	q->head = (q->head + 1) % MSGQ_DEPTH;
	q->count--;
}
