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
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gunyah_hvc.h"

void gh_hyp_init(struct gh_hyp *h, const struct gh_rm_link *rm,
		 struct counters *counters, const struct gh_guest_ops *ops)
{
	memset(h, 0, sizeof(*h));
	msgq_init(&h->to_rm);
	msgq_init(&h->from_rm);
	h->rm = *rm;
	h->counters = counters;
	h->ops = *ops;
}

void gh_hyp_fini(struct gh_hyp *h)
{
	unsigned int vmid;

	for (vmid = 0; vmid <= GH_MAX_VMID; vmid++)
		gh_hyp_vdevices_destroy(h, (uint16_t)vmid);
}

int gh_hyp_vdevices_create(struct gh_hyp *h, uint16_t vmid,
			   unsigned int nr_vcpus, const uint32_t *vcpu_capids,
			   unsigned int nr_doorbells,
			   const struct rm_doorbell *doorbells)
{
	struct gh_vm_objects *vm;
	unsigned int i;

	if (vmid > GH_MAX_VMID || !nr_vcpus || nr_vcpus > RM_MAX_VCPUS ||
	    nr_doorbells > RM_MAX_DOORBELLS)
		return -EINVAL;
	gh_hyp_vdevices_destroy(h, vmid);
	vm = &h->vms[vmid];
	if (nr_doorbells) {
		vm->doorbells = calloc(nr_doorbells, sizeof(*vm->doorbells));
		if (!vm->doorbells)
			return -ENOMEM;
	}
	for (i = 0; i < nr_doorbells; i++) {
		struct gh_vdoorbell *db = &vm->doorbells[i];

		db->capid = doorbells[i].capid;
		db->label = doorbells[i].label;
		db->virq = doorbells[i].virq;
		db->owner_can_receive = doorbells[i].owner_can_receive;
		gh_doorbell_init(&db->state);
	}
	vm->nr_doorbells = nr_doorbells;
	memcpy(vm->vcpu_capids, vcpu_capids, nr_vcpus * sizeof(*vcpu_capids));
	vm->nr_vcpus = nr_vcpus;
	return 0;
}

void gh_hyp_vdevices_destroy(struct gh_hyp *h, uint16_t vmid)
{
	struct gh_vm_objects *vm;

	if (vmid > GH_MAX_VMID)
		return;
	vm = &h->vms[vmid];
	free(vm->doorbells);
	memset(vm, 0, sizeof(*vm));
}

uint16_t gh_hyp_vcpu_cap(struct gh_hyp *h, uint64_t capid,
			 unsigned int *index)
{
	unsigned int vmid, i;

	for (vmid = 0; vmid <= GH_MAX_VMID; vmid++) {
		const struct gh_vm_objects *vm = &h->vms[vmid];

		for (i = 0; i < vm->nr_vcpus; i++) {
			if (vm->vcpu_capids[i] != capid)
				continue;
			if (index)
				*index = i;
			return (uint16_t)vmid;
		}
	}
	return 0;
}

struct gh_vdoorbell *gh_hyp_doorbell_cap(struct gh_hyp *h, uint64_t capid,
					 uint16_t *vmid)
{
	unsigned int id, i;

	for (id = 0; id <= GH_MAX_VMID; id++) {
		struct gh_vm_objects *vm = &h->vms[id];

		for (i = 0; i < vm->nr_doorbells; i++) {
			if (vm->doorbells[i].capid &&
			    vm->doorbells[i].capid == capid) {
				*vmid = (uint16_t)id;
				return &vm->doorbells[i];
			}
		}
	}
	return NULL;
}

struct gh_vdoorbell *gh_hyp_doorbell_virq(struct gh_hyp *h, uint16_t vmid,
					  uint32_t virq)
{
	struct gh_vm_objects *vm;
	unsigned int i;

	if (vmid > GH_MAX_VMID)
		return NULL;
	vm = &h->vms[vmid];
	for (i = 0; i < vm->nr_doorbells; i++)
		if (vm->doorbells[i].virq == virq)
			return &vm->doorbells[i];
	return NULL;
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
	uint8_t pkt[MSGQ_MSG_SIZE];
	bool progress = true;
	const uint8_t *msg;
	size_t len;

	while (progress) {
		progress = false;
		while (!msgq_full(&h->from_rm) &&
		       h->rm.pending(h->rm.ctx, RM_HYP_VMID_PRIMARY)) {
			len = h->rm.next_packet(h->rm.ctx, RM_HYP_VMID_PRIMARY,
						pkt);
			msgq_push(&h->from_rm, pkt, len);
			if (h->from_rm.count == 1)
				gh_raise(h, GH_IRQ_RM_RX);
			progress = true;
		}
		if (h->to_rm.count &&
		    !h->rm.pending(h->rm.ctx, RM_HYP_VMID_PRIMARY)) {
			bool was_full = msgq_full(&h->to_rm);

			msg = msgq_peek(&h->to_rm, &len);
			memcpy(pkt, msg, len);
			msgq_drop(&h->to_rm);
			if (was_full)
				gh_raise(h, GH_IRQ_RM_TX);
			h->rm.receive(h->rm.ctx, RM_HYP_VMID_PRIMARY, pkt, len);
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

/* msgqueue_send: x1 cap, x2 size, x3 buffer VA, x4 flags; x0 err, x1 not_full */
static void gh_msgq_send(struct gh_hyp *h, void *vcpu, uint64_t regs[8])
{
	uint64_t cap = regs[1], size = regs[2], va = regs[3];
	uint8_t msg[MSGQ_MSG_SIZE];
	uint64_t err;

	regs[1] = 0;
	err = gh_cap_check(cap, GH_RM_TX_CAPID);
	if (!err && msgq_full(&h->to_rm))
		err = GH_ERROR_MSGQUEUE_FULL;
	/* useraccess_copy_from_guest_va(): 0 < size <= max message size */
	if (!err && (size == 0 || size > MSGQ_MSG_SIZE))
		err = GH_ERROR_ARGUMENT_SIZE;
	if (!err)
		err = h->ops.copy_from_va(h->ops.ctx, vcpu, msg, va, size);
	if (!err) {
		msgq_push(&h->to_rm, msg, size);
		gh_hyp_pump(h);
		regs[1] = !msgq_full(&h->to_rm);
	}
	regs[0] = err;
}

/* msgqueue_receive: x1 cap, x2 buffer VA, x3 size; x0 err, x1 size, x2 not_empty */
static void gh_msgq_recv(struct gh_hyp *h, void *vcpu, uint64_t regs[8])
{
	uint64_t cap = regs[1], va = regs[2], buf_size = regs[3];
	const uint8_t *msg;
	uint64_t err;
	size_t len = 0;

	regs[1] = 0;
	regs[2] = 0;
	err = gh_cap_check(cap, GH_RM_RX_CAPID);
	if (err)
		goto out;
	msg = msgq_peek(&h->from_rm, &len);
	if (!msg) {
		err = GH_ERROR_MSGQUEUE_EMPTY;
		goto out;
	}
	/* The message stays queued if it cannot be delivered. */
	if (buf_size < len) {
		err = GH_ERROR_ARGUMENT_SIZE;
		goto out;
	}
	err = h->ops.copy_to_va(h->ops.ctx, vcpu, va, msg, len);
	if (err)
		goto out;
	msgq_drop(&h->from_rm);
	regs[1] = len;
	/* Refill from the RM before reporting whether more is waiting. */
	gh_hyp_pump(h);
	regs[2] = h->from_rm.count != 0;
out:
	regs[0] = err;
}

/*
 * cspace_lookup_doorbell() in the primary's cspace: the owner's end of a
 * doorbell of one of its VMs.  Another kind of capability is of the wrong
 * type; a doorbell without the right asked for (receive without
 * source-can-clear) is INSUFFICIENT_RIGHTS.
 */
static struct gh_vdoorbell *gh_doorbell_lookup(struct gh_hyp *h, uint64_t cap,
					       bool receive, uint16_t *vmid,
					       uint64_t *err)
{
	struct gh_vdoorbell *db = gh_hyp_doorbell_cap(h, cap, vmid);

	*err = GH_OK;
	if (!db) {
		if (cap == GH_RM_TX_CAPID || cap == GH_RM_RX_CAPID ||
		    gh_hyp_vcpu_cap(h, cap, NULL))
			*err = GH_ERROR_CSPACE_WRONG_OBJECT_TYPE;
		else
			*err = GH_ERROR_CSPACE_CAP_NULL;
	} else if (receive && !db->owner_can_receive) {
		*err = GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS;
		db = NULL;
	}
	return db;
}

/*
 * The doorbell calls (hyp/ipc/doorbell/src/hypercalls.c): send needs the
 * send right, receive, reset and mask the receive right.  x1 is the
 * capability; send and receive take the flags in x2 and return the old
 * flags in x1; mask takes enable_mask in x2 and ack_mask in x3.  The
 * reserved input after them is ignored, as the hypercall wrapper does
 * with every res0 argument.  Registers a call does not return are left as
 * they were.
 */
static void gh_doorbell_call(struct gh_hyp *h, unsigned int number,
			     uint64_t regs[8])
{
	enum gh_virq_action action = GH_VIRQ_NONE;
	bool receive = number != GH_HVC_DOORBELL_SEND;
	struct gh_vdoorbell *db;
	uint64_t err, old = 0;
	uint16_t vmid = 0;

	db = gh_doorbell_lookup(h, regs[1], receive, &vmid, &err);
	if (db) {
		switch (number) {
		case GH_HVC_DOORBELL_SEND:
			action = gh_doorbell_send(&db->state, regs[2], &old);
			counter_add(h->counters, "doorbell_sends", 1);
			break;
		case GH_HVC_DOORBELL_RECEIVE:
			if (!gh_doorbell_receive(&db->state, regs[2], &old))
				err = GH_ERROR_ARGUMENT_INVALID;
			else
				counter_add(h->counters, "doorbell_receives", 1);
			break;
		case GH_HVC_DOORBELL_RESET:
			action = gh_doorbell_reset(&db->state);
			counter_add(h->counters, "doorbell_resets", 1);
			break;
		case GH_HVC_DOORBELL_MASK:
			action = gh_doorbell_mask(&db->state, regs[2], regs[3]);
			counter_add(h->counters, "doorbell_masks", 1);
			break;
		}
		if (action != GH_VIRQ_NONE && h->ops.doorbell_virq)
			h->ops.doorbell_virq(h->ops.ctx, vmid, db->virq,
					     action);
	}
	regs[0] = err;
	if (number == GH_HVC_DOORBELL_SEND || number == GH_HVC_DOORBELL_RECEIVE)
		regs[1] = old;
}

/*
 * vcpu_run (hyp/vm/vcpu_run/src/vcpu_run.c hypercall_vcpu_run()):
 * x1 cap, x2..x4 resume_data_0..2, x5 reserved; x0 error, x1 vcpu_state,
 * x2..x4 state_data_0..2.
 */
static void gh_vcpu_run(struct gh_hyp *h, void *vcpu, uint64_t regs[8])
{
	uint64_t resume[3] = { regs[2], regs[3], regs[4] };
	uint64_t cap = regs[1], out[4] = { 0 }, err;
	uint32_t exit_type = UINT32_MAX;
	unsigned int index = 0;
	uint16_t vmid;

	/* The hypercall wrapper refuses nonzero reserved inputs. */
	if (regs[5]) {
		err = GH_ERROR_ARGUMENT_INVALID;
		goto out;
	}
	vmid = gh_hyp_vcpu_cap(h, cap, &index);
	if (!vmid) {
		/* cspace_lookup_thread(): a queue or doorbell cap is not one */
		err = (cap == GH_RM_TX_CAPID || cap == GH_RM_RX_CAPID ||
		       gh_hyp_doorbell_cap(h, cap, &vmid)) ?
		      GH_ERROR_CSPACE_WRONG_OBJECT_TYPE :
		      GH_ERROR_CSPACE_CAP_NULL;
		goto out;
	}
	if (!h->ops.vcpu_run) {
		err = GH_ERROR_UNIMPLEMENTED;
		goto out;
	}
	err = h->ops.vcpu_run(h->ops.ctx, vcpu, vmid, index, resume, out,
			      &exit_type);
	if (exit_type != UINT32_MAX) {
		/* The RM hears of the exit and tells the VM's owner. */
		if (h->rm.vm_exited)
			h->rm.vm_exited(h->rm.ctx, vmid,
					(enum rm_hyp_vm_exit)exit_type);
		gh_hyp_pump(h);
	}
out:
	regs[0] = err;
	regs[1] = err ? 0 : out[0];
	regs[2] = err ? 0 : out[1];
	regs[3] = err ? 0 : out[2];
	regs[4] = err ? 0 : out[3];
}

static void gh_hyp_dispatch(struct gh_hyp *h, void *vcpu, uint64_t regs[8]);

void gh_hyp_call(struct gh_hyp *h, void *vcpu, uint64_t regs[8])
{
	uint64_t in[5];

	memcpy(in, regs, sizeof(in));
	gh_hyp_dispatch(h, vcpu, regs);
	if (h->trace)
		fprintf(stderr,
			"gunyah-emu: hvc %08llx(%llx, %llx, %llx, %llx) = %llx %llx %llx %llx\n",
			(unsigned long long)in[0], (unsigned long long)in[1],
			(unsigned long long)in[2], (unsigned long long)in[3],
			(unsigned long long)in[4], (unsigned long long)regs[0],
			(unsigned long long)regs[1], (unsigned long long)regs[2],
			(unsigned long long)regs[3]);
}

static void gh_hyp_dispatch(struct gh_hyp *h, void *vcpu, uint64_t regs[8])
{
	uint32_t fn = (uint32_t)regs[0];
	unsigned int owner = (fn >> GH_SMCCC_OWNER_SHIFT) & GH_SMCCC_OWNER_MASK;
	unsigned int class = (fn >> 14) & 3u;
	unsigned int number = fn & 0x3fffu;
	bool fast = fn & GH_SMCCC_FAST, is64 = fn & GH_SMCCC_64;
	char name[COUNTER_NAME_MAX];

	/* smccc_handle_hypercall_wrapper() */
	if (owner != GH_SMCCC_OWNER_VENDOR_HYP ||
	    !((class == GH_CLASS_SERVICE && fast && !is64) ||
	      (class == GH_CLASS_HYPERCALL && fast && is64))) {
		counter_add(h->counters, "hvc_invalid_id", 1);
		regs[0] = GH_SMCCC_UNKNOWN;
		return;
	}
	/* Both valid forms have distinct low 16 bits: 0xffxx and 0x80xx. */
	snprintf(name, sizeof(name), "hvc_%04x", fn & 0xffffu);
	counter_add(h->counters, name, 1);

	if (class == GH_CLASS_SERVICE) {
		switch (number) {
		case GH_SERVICE_CALL_UID:
			regs[0] = GH_UID0;
			regs[1] = GH_UID1;
			regs[2] = GH_UID2;
			regs[3] = GH_UID3;
			return;
		case GH_SERVICE_REVISION:
			regs[0] = GH_API_INFO;
			return;
		}
		regs[0] = GH_SMCCC_UNKNOWN;
		return;
	}
	switch (number) {
	case GH_HVC_IDENTIFY:
		regs[0] = GH_API_INFO;
		regs[1] = GH_API_FLAGS0;
		regs[2] = 0;
		regs[3] = 0;
		return;
	case GH_HVC_MSGQ_SEND:
		gh_msgq_send(h, vcpu, regs);
		return;
	case GH_HVC_MSGQ_RECV:
		gh_msgq_recv(h, vcpu, regs);
		return;
	case GH_HVC_VCPU_RUN:
		gh_vcpu_run(h, vcpu, regs);
		return;
	case GH_HVC_DOORBELL_SEND:
	case GH_HVC_DOORBELL_RECEIVE:
	case GH_HVC_DOORBELL_RESET:
	case GH_HVC_DOORBELL_MASK:
		gh_doorbell_call(h, number, regs);
		return;
	}
	/* ERROR_UNIMPLEMENTED is -1, the same as SMCCC_UNKNOWN_FUNCTION64. */
	counter_add(h->counters, "hvc_unimplemented", 1);
	regs[0] = GH_ERROR_UNIMPLEMENTED;
}
