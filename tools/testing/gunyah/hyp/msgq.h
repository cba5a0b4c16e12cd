/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Gunyah message queue: a FIFO of up to MSGQ_DEPTH messages of up to
 * MSGQ_MSG_SIZE bytes each.  The message size is the RM's
 * RM_RPC_MESSAGE_SIZE (quic/gunyah-resource-manager include/rm-rpc.h).
 * The real RM takes the depth from the VM configuration
 * (src/vm_config/vm_config.c); 8 is what the QEMU platform gives the
 * primary VM's RM link (the project's reference notes, gunyah-facts.md).
 */
#ifndef GUNYAH_EMU_MSGQ_H
#define GUNYAH_EMU_MSGQ_H

#include <stddef.h>
#include <stdint.h>

#define MSGQ_DEPTH	8u
#define MSGQ_MSG_SIZE	240u

struct msgq {
	unsigned int head;
	unsigned int count;
	uint16_t len[MSGQ_DEPTH];
	uint8_t data[MSGQ_DEPTH][MSGQ_MSG_SIZE];
};

void msgq_init(struct msgq *q);
/* 0 on success, -1 if the queue is full or @len is 0 or too long. */
int msgq_push(struct msgq *q, const void *msg, size_t len);
/* The oldest message, or NULL when empty; *len gets its length. */
const uint8_t *msgq_peek(const struct msgq *q, size_t *len);
void msgq_drop(struct msgq *q);

static inline int msgq_full(const struct msgq *q)
{
	return q->count == MSGQ_DEPTH;
}

#endif /* GUNYAH_EMU_MSGQ_H */
