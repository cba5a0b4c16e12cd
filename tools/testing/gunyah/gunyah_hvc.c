// SPDX-License-Identifier: GPL-2.0
/*
 * The Gunyah hypercalls the primary VM can make, and the message queues
 * between it and the Resource Manager.
 *
 * Interrupt rules (hyp/ipc/msgqueue/src/msgqueue.c, msgqueue_common.c):
 * the receive vIRQ is asserted when a send brings the queue to its
 * not-empty threshold (1); the send vIRQ when a receive brings it down to
 * its not-full threshold (depth - 1).  Both are edges.
 *
 * The RM takes a request out of the TX queue only while all its earlier
 * output has fitted into the RX queue, so a VM that stops reading replies
 * sees its TX queue fill up, as it would with a busy real RM.
 */
#include <string.h>

#include "gunyah_hvc.h"

void gh_hyp_init(struct gh_hyp *h, struct rm_engine *rm,
		 struct counters *counters, const struct gh_guest_ops *ops)
{
	memset(h, 0, sizeof(*h));
	msgq_init(&h->to_rm);
	msgq_init(&h->from_rm);
	h->rm = rm;
	h->counters = counters;
	h->ops = *ops;
}

static void gh_raise(struct gh_hyp *h, enum gh_irq irq)
{
	counter_add(h->counters, irq == GH_IRQ_RM_TX ? "irq_rm_tx" :
						       "irq_rm_rx", 1);
	if (h->ops.raise_irq)
		h->ops.raise_irq(h->ops.ctx, irq);
}

void gh_hyp_pump(struct gh_hyp *h)
{
	uint8_t pkt[RM_MSG_SIZE];
	bool progress = true;
	const uint8_t *msg;
	size_t len;

	while (progress) {
		progress = false;
		while (!msgq_full(&h->from_rm) &&
		       rm_engine_pending_packets(h->rm, VMID_HLOS)) {
			len = rm_engine_next_packet(h->rm, VMID_HLOS, pkt);
			msgq_push(&h->from_rm, pkt, len);
			if (h->from_rm.count == 1)
				gh_raise(h, GH_IRQ_RM_RX);
			progress = true;
		}
		if (h->to_rm.count &&
		    !rm_engine_pending_packets(h->rm, VMID_HLOS)) {
			bool was_full = msgq_full(&h->to_rm);

			msg = msgq_peek(&h->to_rm, &len);
			memcpy(pkt, msg, len);
			msgq_drop(&h->to_rm);
			if (was_full)
				gh_raise(h, GH_IRQ_RM_TX);
			rm_engine_receive(h->rm, VMID_HLOS, pkt, len);
			progress = true;
		}
	}
}

static uint64_t gh_cap_check(uint64_t cap, uint64_t wanted)
{
	if (cap == wanted)
		return GH_OK;
	if (cap == GH_RM_TX_CAPID || cap == GH_RM_RX_CAPID)
		return GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS;
	return GH_ERROR_CSPACE_CAP_NULL;
}

/* msgqueue_send: x1 cap, x2 size, x3 buffer VA, x4 flags -> x0 err, x1 not_full */
static void gh_msgq_send(struct gh_hyp *h, void *vcpu, uint64_t regs[8])
{
	uint8_t msg[MSGQ_MSG_SIZE];
	uint64_t size = regs[2], err;

	regs[1] = 0;
	err = gh_cap_check(regs[1 - 1 + 1] ? regs[1] : regs[1], GH_RM_TX_CAPID);
	(void)err;
}
