/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Gunyah hypercall ABI as seen by the primary VM, and the two message
 * queues that connect it to the Resource Manager.
 *
 * Numbers checked against quic/gunyah-hypervisor (commit 36ca3a2):
 *   hyp/interfaces/smccc/smccc.tc      SMCCC IDs, Gunyah UID
 *   hyp/vm/smccc/src/smccc_hypercalls.c, aarch64/templates/hyp_wrapper.c.tmpl
 *                                      argument registers x1.., results x0..
 *   hyp/interfaces/msgqueue/msgqueue.hvc, hyp/ipc/msgqueue/src/
 *   hyp/interfaces/api/api.tc          hyp_api_info
 *   hyp/core/base/types.tc, cspace.tc.tmpl, msgqueue.tc  error codes
 * and the v17 Linux series, arch/arm64/gunyah/gunyah_hypercall.c.
 */
#ifndef GUNYAH_EMU_GUNYAH_HVC_H
#define GUNYAH_EMU_GUNYAH_HVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "doorbell.h"
#include "kernel_compat.h"
#include "msgq.h"
#include "rm_hyp.h"

/* SMCCC function IDs: fast (bit 31), owner 6 = vendor hypervisor */
#define GH_SMCCC_FAST		BIT(31)
#define GH_SMCCC_64		BIT(30)
#define GH_SMCCC_OWNER_SHIFT	24
#define GH_SMCCC_OWNER_MASK	0x3fu
#define GH_SMCCC_OWNER_VENDOR_HYP 6u
/* Vendor-hyp function number bits 15:14 select the call class. */
#define GH_CLASS_HYPERCALL	2u
#define GH_CLASS_SERVICE	3u
#define GH_SERVICE_CALL_UID	0x3f01u
#define GH_SERVICE_REVISION	0x3f03u
#define GH_SMCCC_UNKNOWN	UINT64_MAX

#define GH_FN_CALL_UID		0x8600ff01u
#define GH_FN_REVISION		0x8600ff03u
#define GH_FN_HYPERCALL(n)	(0xc6008000u | (n))

#define GH_UID0			0xcd8fd5c1u
#define GH_UID1			0xdb5f53a4u
#define GH_UID2			0x36ce6592u
#define GH_UID3			0x145f3d67u

/* Hypercall numbers */
#define GH_HVC_IDENTIFY		0x00u
/* hyp/interfaces/doorbell/doorbell.hvc */
#define GH_HVC_DOORBELL_SEND	0x12u
#define GH_HVC_DOORBELL_RECEIVE	0x13u
#define GH_HVC_DOORBELL_RESET	0x14u
#define GH_HVC_DOORBELL_MASK	0x15u
#define GH_HVC_MSGQ_SEND	0x1bu
#define GH_HVC_MSGQ_RECV	0x1cu
/* hyp/interfaces/vcpu_run/vcpu_run.hvc */
#define GH_HVC_VCPU_RUN		0x65u

/*
 * vcpu_run_state: hyp/interfaces/vcpu_run/vcpu_run.tc, with the vmmio
 * states added by hyp/mem/addrspace/aarch64/addrspace.tc.
 */
#define GH_VCPU_STATE_READY		0u
#define GH_VCPU_STATE_EXPECTS_WAKEUP	1u
#define GH_VCPU_STATE_POWERED_OFF	2u
#define GH_VCPU_STATE_BLOCKED		3u
#define GH_VCPU_STATE_VMMIO_READ	4u
#define GH_VCPU_STATE_VMMIO_WRITE	5u
#define GH_VCPU_STATE_FAULT		6u
/* vcpu_run_poweroff_flags: bit 0, the vCPU has exited for good */
#define GH_VCPU_POWEROFF_EXITED		BIT(0)

/* hyp_api_info: api_version 1, is_64bit (bit 15), variant 0x51 (63:56) */
#define GH_API_INFO		(1ull | BIT_ULL(15) | (0x51ull << 56))
/*
 * hyp_api_flags0: the doorbell feature (bit 1, hyp/interfaces/doorbell/
 * doorbell.tc), msgqueue (bit 2) and vcpu_run (bit 11,
 * hyp/interfaces/vcpu_run/vcpu_run.tc) are offered here.
 */
#define GH_API_FLAGS0		(BIT_ULL(1) | BIT_ULL(2) | BIT_ULL(11))

/* Gunyah error codes */
#define GH_OK				0
#define GH_ERROR_UNIMPLEMENTED		UINT64_MAX	/* -1 */
#define GH_ERROR_ARGUMENT_INVALID	1u
#define GH_ERROR_ARGUMENT_SIZE		2u
#define GH_ERROR_ADDR_INVALID		22u
#define GH_ERROR_DENIED			30u
#define GH_ERROR_BUSY			31u
#define GH_ERROR_OBJECT_STATE		33u
#define GH_ERROR_CSPACE_CAP_NULL	50u
#define GH_ERROR_CSPACE_WRONG_OBJECT_TYPE 52u
#define GH_ERROR_CSPACE_INSUFFICIENT_RIGHTS 53u
#define GH_ERROR_MSGQUEUE_EMPTY		60u
#define GH_ERROR_MSGQUEUE_FULL		61u

/* Capability IDs the primary VM finds in its device tree. */
#define GH_RM_TX_CAPID		0x10u
#define GH_RM_RX_CAPID		0x11u

enum gh_irq {
	GH_IRQ_RM_TX,	/* the TX queue has room again */
	GH_IRQ_RM_RX,	/* the RX queue has a message */
};

struct gh_guest_ops {
	void *ctx;
	/*
	 * Copy to/from the calling vCPU's virtual addresses, translating
	 * through its stage 1.  Return a Gunyah error code, as useraccess.c
	 * does: ARGUMENT_INVALID for a stage-1 fault, ADDR_INVALID when the
	 * IPA is not mapped.
	 */
	uint64_t (*copy_from_va)(void *ctx, void *vcpu, void *dst,
				 uint64_t va, size_t len);
	uint64_t (*copy_to_va)(void *ctx, void *vcpu, uint64_t va,
			       const void *src, size_t len);
	/* Pulse the SPI of @irq (edge). */
	void (*raise_irq)(void *ctx, enum gh_irq irq);
	/*
	 * Run vCPU @index of VM @vmid from the calling vCPU until the host
	 * must see something: vcpu_run's resume_data_0..2 in @resume, its
	 * vcpu_state and state_data_0..2 in @out.  Returns a Gunyah error.
	 * Sets *@exit_type (enum rm_hyp_vm_exit) when the guest has just
	 * stopped itself, and leaves it at UINT32_MAX otherwise.  Called with the
	 * hypercall lock held; it may drop and retake it while the guest
	 * runs.
	 */
	uint64_t (*vcpu_run)(void *ctx, void *vcpu, uint16_t vmid,
			     unsigned int index, const uint64_t resume[3],
			     uint64_t out[4], uint32_t *exit_type);
	/*
	 * A doorbell call says vIRQ @virq (a GIC INTID) of VM @vmid must do
	 * @action (never GH_VIRQ_NONE).  Called with the hypercall lock
	 * held.  May be NULL.
	 */
	void (*doorbell_virq)(void *ctx, uint16_t vmid, uint32_t virq,
			      enum gh_virq_action action);
};

/*
 * The Resource Manager as the hypervisor reaches it: the RM's end of the
 * primary VM's two message queues, and the event that tells the RM a VM's
 * guest stopped itself.  The program that runs the RM sets these.
 */
struct gh_rm_link {
	void *ctx;
	/* How many packets the RM has queued for VM @vmid. */
	size_t (*pending)(void *ctx, uint16_t vmid);
	/* Take the oldest into @buf (MSGQ_MSG_SIZE bytes); its length. */
	size_t (*next_packet)(void *ctx, uint16_t vmid, uint8_t *buf);
	/* VM @vmid sent the RM a packet. */
	void (*receive)(void *ctx, uint16_t vmid, const void *packet,
			size_t len);
	/* VM @vmid's guest stopped itself (enum rm_hyp_vm_exit). */
	void (*vm_exited)(void *ctx, uint16_t vmid, enum rm_hyp_vm_exit how);
};

/*
 * A doorbell object the RM made (rm_hyp_ops.vdevices_create): the RM's
 * description of it, and its flags and masks.
 */
struct gh_vdoorbell {
	uint32_t capid;		/* 0: the owner holds no capability */
	uint32_t label;		/* the RM's, for tracing */
	uint32_t virq;		/* GIC INTID in the VM */
	bool owner_can_receive;
	struct gh_doorbell state;
};

/* VMIDs are 8 bits on the QEMU platform (the RM's, include/rm_types.h). */
#define GH_MAX_VMID	0xffu

/* The vCPU and doorbell objects of one VM, from INIT to RESET. */
struct gh_vm_objects {
	unsigned int nr_vcpus;	/* 0: the VM has none */
	uint32_t vcpu_capids[RM_MAX_VCPUS];
	unsigned int nr_doorbells;
	struct gh_vdoorbell *doorbells;
};

struct gh_hyp {
	struct msgq to_rm;	/* primary VM -> RM (TX from the VM's view) */
	struct msgq from_rm;	/* RM -> primary VM */
	struct gh_rm_link rm;
	struct counters *counters;
	struct gh_guest_ops ops;
	/* The primary's capabilities to its VMs' objects, by VMID. */
	struct gh_vm_objects vms[GH_MAX_VMID + 1];
	bool trace;	/* log every call and its results to stderr */
};

void gh_hyp_init(struct gh_hyp *h, const struct gh_rm_link *rm,
		 struct counters *counters, const struct gh_guest_ops *ops);
/* Free every object the RM made. */
void gh_hyp_fini(struct gh_hyp *h);

/*
 * rm_hyp_ops.vdevices_create and .vdevices_destroy: VM @vmid's vCPU and
 * doorbell objects, every doorbell with no flags and all enabled
 * (doorbell_handle_object_create_doorbell()).  0 or -errno.
 */
int gh_hyp_vdevices_create(struct gh_hyp *h, uint16_t vmid,
			   unsigned int nr_vcpus, const uint32_t *vcpu_capids,
			   unsigned int nr_doorbells,
			   const struct rm_doorbell *doorbells);
void gh_hyp_vdevices_destroy(struct gh_hyp *h, uint16_t vmid);
/*
 * The VM whose vCPU capability is @capid, or 0 if there is none; the
 * vCPU's index (its cpu node's place in /cpus) in *@index unless NULL.
 */
uint16_t gh_hyp_vcpu_cap(struct gh_hyp *h, uint64_t capid,
			 unsigned int *index);
/*
 * The doorbell whose owner capability is @capid, with its VM in *@vmid;
 * NULL if there is none.  Valid until the VM is reset.
 */
struct gh_vdoorbell *gh_hyp_doorbell_cap(struct gh_hyp *h, uint64_t capid,
					 uint16_t *vmid);
/* The doorbell of VM @vmid bound to INTID @virq, or NULL. */
struct gh_vdoorbell *gh_hyp_doorbell_virq(struct gh_hyp *h, uint16_t vmid,
					  uint32_t virq);
/*
 * Serve one SMCCC call.  @regs holds x0..x7 on entry (x0 = function ID)
 * and the results on return.
 */
void gh_hyp_call(struct gh_hyp *h, void *vcpu, uint64_t regs[8]);
/* Move RM output into the RX queue and let the RM take queued requests. */
void gh_hyp_pump(struct gh_hyp *h);

#endif /* GUNYAH_EMU_GUNYAH_HVC_H */
