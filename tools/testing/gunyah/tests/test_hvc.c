// SPDX-License-Identifier: GPL-2.0
/*
 * Gunyah hypercalls and the RM message queues, with a fake guest whose
 * virtual addresses [VA_BASE, VA_BASE + sizeof(guest)) are valid.
 */
#include <string.h>

#include "gunyah_hvc.h"
#include "rm_client.h"
#include "tap.h"

#define VA_BASE	0x10000ull

static uint8_t guest[65536];
static unsigned int irqs[2];

static uint64_t copy_from(void *ctx, void *vcpu, void *dst, uint64_t va,
			  size_t len)
{
	if (va < VA_BASE || va - VA_BASE + len > sizeof(guest))
		return GH_ERROR_ARGUMENT_INVALID;
	memcpy(dst, guest + (va - VA_BASE), len);
	return GH_OK;
}

static uint64_t copy_to(void *ctx, void *vcpu, uint64_t va, const void *src,
			size_t len)
{
	if (va < VA_BASE || va - VA_BASE + len > sizeof(guest))
		return GH_ERROR_ARGUMENT_INVALID;
	memcpy(guest + (va - VA_BASE), src, len);
	return GH_OK;
}

static void raise_irq(void *ctx, enum gh_irq irq)
{
	irqs[irq]++;
}

static struct gh_hyp hyp;
static struct rm_test t;

static void call(uint64_t *regs, uint64_t fn, uint64_t a1, uint64_t a2,
		 uint64_t a3, uint64_t a4)
{
	memset(regs, 0, 8 * sizeof(*regs));
	regs[0] = fn;
	regs[1] = a1;
	regs[2] = a2;
	regs[3] = a3;
	regs[4] = a4;
	gh_hyp_call(&hyp, NULL, regs);
}

/* Put a GET_VMID request at guest VA_BASE and send it. */
static uint64_t send_get_vmid(uint64_t *regs, uint16_t seq)
{
	rm_put_header(guest, RM_TYPE_REQUEST, 0, seq, RM_VM_GET_VMID);
	call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID, 8,
	     VA_BASE, 0);
	return regs[0];
}

static uint64_t recv(uint64_t *regs, uint64_t size)
{
	call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_RECV), GH_RM_RX_CAPID,
	     VA_BASE + 4096, size, 0);
	return regs[0];
}

int main(void)
{
	struct gh_guest_ops ops = {
		.copy_from_va = copy_from,
		.copy_to_va = copy_to,
		.raise_irq = raise_irq,
	};
	unsigned int i, received = 0;
	uint64_t regs[8];

	rm_test_init(&t);
	gh_hyp_init(&hyp, t.rm, &t.counters, &ops);

	call(regs, GH_FN_CALL_UID, 0, 0, 0, 0);
	tap_ok(regs[0] == GH_UID0 && regs[1] == GH_UID1 &&
	       regs[2] == GH_UID2 && regs[3] == GH_UID3,
	       "CALL_UID answers the Gunyah UUID");
	call(regs, GH_FN_REVISION, 0, 0, 0, 0);
	tap_eq(regs[0], GH_API_INFO, "REVISION answers the API info");
	call(regs, 0xc600ff03, 0, 0, 0, 0);
	tap_eq(regs[0], GH_SMCCC_UNKNOWN, "a 64-bit REVISION is unknown");
	call(regs, GH_FN_HYPERCALL(GH_HVC_IDENTIFY), 0, 0, 0, 0);
	tap_eq(regs[0] & 0x3fff, 1, "hyp_identify: API version 1");
	tap_ok(regs[0] & (1ull << 15), "hyp_identify: 64-bit");
	tap_eq(regs[0] >> 56, 0x51, "hyp_identify: Qualcomm variant");
	call(regs, GH_FN_HYPERCALL(0x55), 1, 2, 3, 4);
	tap_eq(regs[0], GH_ERROR_UNIMPLEMENTED,
	       "an unknown hypercall is ERROR_UNIMPLEMENTED");
	call(regs, 0x8600801b, 0, 0, 0, 0);
	tap_eq(regs[0], GH_SMCCC_UNKNOWN, "a 32-bit hypercall is unknown");
	call(regs, 0xc5008000, 0, 0, 0, 0);
	tap_eq(regs[0], GH_SMCCC_UNKNOWN, "another owner's call is unknown");

	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), 0x99, 8,
		     VA_BASE, 0), regs[0]),
	       GH_ERROR_CSPACE_CAP_NULL, "send on an unknown capability");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_RX_CAPID,
		     8, VA_BASE, 0), regs[0]),
	       GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS,
	       "send on the receive queue");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID,
		     0, VA_BASE, 0), regs[0]),
	       GH_ERROR_ARGUMENT_SIZE, "send of 0 bytes");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID,
		     241, VA_BASE, 0), regs[0]),
	       GH_ERROR_ARGUMENT_SIZE, "send of 241 bytes");
	tap_eq((call(regs, GH_FN_HYPERCALL(GH_HVC_MSGQ_SEND), GH_RM_TX_CAPID,
		     8, 0x10, 0), regs[0]),
	       GH_ERROR_ARGUMENT_INVALID, "send from an unmapped address");
	tap_eq(recv(regs, 240), GH_ERROR_MSGQUEUE_EMPTY, "receive when empty");

	tap_eq(send_get_vmid(regs, 1), GH_OK, "send GET_VMID");
	tap_eq(regs[1], 1, "the queue is not full");
	tap_eq(irqs[GH_IRQ_RM_RX], 1, "the reply raises the RX interrupt");
	tap_eq(recv(regs, 15), GH_ERROR_ARGUMENT_SIZE,
	       "receive into a too small buffer");
	tap_eq(recv(regs, 240), GH_OK, "receive the reply");
	tap_eq(regs[1], 16, "of header, error and VMID");
	tap_eq(regs[2], 0, "with nothing more waiting");
	tap_ok(get_le32(guest + 4096 + 4) == RM_VM_GET_VMID &&
	       get_le16(guest + 4096 + 2) == 1 &&
	       (guest[4096 + 1] & 3) == RM_TYPE_REPLY &&
	       get_le32(guest + 4096 + 8) == RM_OK &&
	       get_le32(guest + 4096 + 12) == VMID_HLOS,
	       "the reply says VMID 3");

	/* Back-pressure: never read, and the TX queue fills up. */
	irqs[GH_IRQ_RM_RX] = 0;
	for (i = 0; i < 17; i++)
		send_get_vmid(regs, (uint16_t)(10 + i));
	tap_eq(regs[0], GH_OK, "17 requests are taken");
	tap_eq(regs[1], 0, "the last one fills the TX queue");
	tap_eq(send_get_vmid(regs, 99), GH_ERROR_MSGQUEUE_FULL,
	       "the 18th finds the queue full");
	tap_eq(irqs[GH_IRQ_RM_RX], 1, "RX raised once, when it became non-empty");
	tap_eq(irqs[GH_IRQ_RM_TX], 0, "no TX interrupt yet");
	recv(regs, 240);
	tap_eq(irqs[GH_IRQ_RM_TX], 1, "reading a reply drains TX: TX interrupt");
	for (received = 1; recv(regs, 240) == GH_OK; received++)
		;
	tap_eq(received, 17, "all 17 replies arrive");
	tap_eq(irqs[GH_IRQ_RM_TX], 1, "TX raised only when leaving full");
	tap_eq(counter_get(&t.counters, "hvc_801b"), 24,
	       "msgq_send calls are counted as hvc_801b");
	tap_eq(counter_get(&t.counters, "hvc_ff01"), 1,
	       "CALL_UID is counted as hvc_ff01");
	rm_test_fini(&t);
	return tap_done();
}
