/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Gunyah Resource Manager engine: the RM RPC protocol and the RM's VM and
 * memory-parcel bookkeeping, as plain C with no KVM dependency, so that it
 * runs inside the emulator and inside host-side unit tests alike.
 *
 * The engine never touches guest memory itself.  Whatever a real RM would do
 * to the primary VM's stage 2 it asks of the embedding program through
 * struct rm_engine_ops.
 */
#ifndef GUNYAH_EMU_RM_ENGINE_H
#define GUNYAH_EMU_RM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "doorbell.h"
#include "rm_wire.h"

struct rm_engine;

/* A range of the primary VM's IPA space. */
struct rm_region {
	uint64_t ipa;
	uint64_t size;
};

/* A secondary VM can have at most this many vCPUs in the emulator. */
#define RM_MAX_VCPUS	8u
/* Doorbell vdevices of one VM: the emulator's bound. */
#define RM_MAX_DOORBELLS	256u
/* GICv3 redistributor frames: 128 KiB per vCPU (platform/qemu/src/vgic.c) */
#define RM_GICD_SIZE	0x10000ull
#define RM_GICR_SIZE	0x20000ull

/*
 * One range of guest memory at START: @size bytes of the primary VM's RAM
 * from @primary_ipa appear in the VM at @guest_ipa with @rights
 * (RM_RIGHTS_*).  Parcels with several regions give several entries.
 */
struct rm_guest_region {
	uint64_t guest_ipa;
	uint64_t primary_ipa;
	uint64_t size;
	uint8_t rights;
};

/*
 * A doorbell the RM made at INIT for a "doorbell" vdevice of a VM's config
 * (vm_config.c handle_doorbell(), configure_doorbell_with_peer()): it
 * asserts vIRQ @virq of the VM; the VM's owner, as the default peer,
 * holds capability @capid with the send right, and the receive right too
 * when the vdevice says source-can-clear.  @state is the hypervisor's
 * doorbell object.
 */
struct rm_doorbell {
	uint32_t capid;		/* 0: the owner has no capability */
	uint32_t label;
	uint32_t virq;		/* GIC INTID in the VM */
	bool owner_can_receive;	/* CAP_RIGHTS_DOORBELL_RECEIVE */
	struct gh_doorbell state;
};

/*
 * What START hands the embedding program to create and boot a VM: the
 * layout the real RM gives it (src/vm_creation/vm_creation.c
 * process_memparcels(), platform/qemu/src/vgic.c, vm_creation_pv_time.c).
 */
struct rm_vm_boot {
	uint16_t vmid;
	/* One proxy-scheduled vCPU per cpu node; vcpu_capids[i] is vCPU i. */
	unsigned int nr_vcpus;
	const uint32_t *vcpu_capids;
	uint32_t vcpu_capid;		/* vcpu_capids[0] */
	/*
	 * Bit i: vCPU i is powered on at PC/X0 below; the others wait,
	 * powered off, for a PSCI CPU_ON.
	 */
	uint32_t boot_vcpus;
	/* The config DT has a PSCI node: SYSTEM_OFF etc. are served. */
	bool has_psci;
	/* Gunyah's vGICv3: GICD 64 KiB, GICR RM_GICR_SIZE per vCPU. */
	uint64_t gicd_base;
	uint64_t gicr_base;
	/* The RM's 4 KiB VM info area, read-only to the guest. */
	uint64_t info_ipa;
	/* The VM's doorbells: vIRQs asserted before START are pending. */
	unsigned int nr_doorbells;
	const struct rm_doorbell *doorbells;
	/* Guest memory: image parcel first (at mem_base), then the others. */
	uint64_t mem_base;
	unsigned int nr_regions;
	const struct rm_guest_region *regions;
	/* Boot vCPUs: PC = mem_base + image_offset, X0 = mem_base + dt_offset */
	uint64_t pc;
	uint64_t x0;
};

struct rm_engine_ops {
	void *ctx;
	/* Remove [ipa, ipa + size) from the primary VM's stage 2; 0 or -errno. */
	int (*unmap_primary)(void *ctx, uint64_t ipa, uint64_t size);
	/* Give [ipa, ipa + size) back to the primary VM; 0 or -errno. */
	int (*map_primary)(void *ctx, uint64_t ipa, uint64_t size);
	/* Zero [ipa, ipa + size) of the primary VM's memory. */
	void (*sanitize)(void *ctx, uint64_t ipa, uint64_t size);
	/* Can a guest of this VMID read RM packets?  NULL means every VMID. */
	bool (*can_receive)(void *ctx, uint16_t vmid);
	/* A packet was queued for the primary VM. */
	void (*packet_queued)(void *ctx);
	/*
	 * Copy [ipa, ipa + len) of the primary VM's RAM into @buf, whether or
	 * not it is lent away (the RM reads a VM's config DT from a parcel
	 * lent to that VM); 0 or -errno.
	 */
	int (*read_primary)(void *ctx, uint64_t ipa, void *buf, size_t len);
	/* START: create VM @boot->vmid with one vCPU; 0 or -errno. */
	int (*vm_start)(void *ctx, const struct rm_vm_boot *boot);
	/* STOP: the VM's vCPUs never run again. */
	void (*vm_stop)(void *ctx, uint16_t vmid);
	/* RESET: destroy what vm_start created. */
	void (*vm_destroy)(void *ctx, uint16_t vmid);
	/*
	 * The RM queued deferred work (see rm_engine_run_deferred()); the
	 * embedding program should run it a few milliseconds later.  May be
	 * NULL.
	 */
	void (*deferred_queued)(void *ctx);
};

struct rm_engine_config {
	uint64_t primary_ram_base;
	uint64_t primary_ram_size;
};

struct rm_engine *rm_engine_create(const struct rm_engine_config *config,
				   const struct rm_engine_ops *ops,
				   struct counters *counters);
void rm_engine_destroy(struct rm_engine *engine);

/* Hand the RM one message-queue packet that VM @vmid sent to it. */
void rm_engine_receive(struct rm_engine *engine, uint16_t vmid,
		       const void *packet, size_t len);

/*
 * Take the oldest packet the RM queued for VM @vmid into @buf (RM_MSG_SIZE
 * bytes).  Returns its length, or 0 when there is none.
 */
size_t rm_engine_next_packet(struct rm_engine *engine, uint16_t vmid,
			     uint8_t *buf);
size_t rm_engine_pending_packets(struct rm_engine *engine, uint16_t vmid);

/*
 * Fault injection.  Fail the @nth request (1-based; 0 = every request) with
 * message ID @msg_id, replying @error instead of doing the work.
 */
int rm_engine_add_fail_rule(struct rm_engine *engine, uint32_t msg_id,
			    uint32_t nth, uint32_t error);
/* Fail a deterministic pseudo-random fraction @rate of all requests. */
void rm_engine_set_fail_rate(struct rm_engine *engine, double rate,
			     uint64_t seed, uint32_t error);

/*
 * Fault injection, "applied, reply lost": the RM performs the @nth request
 * (1-based; 0 = every request) with message ID @msg_id completely, but its
 * reply is never queued (counted as rm_replies_lost).  Notifications the
 * request causes are still sent.
 */
int rm_engine_add_lose_rule(struct rm_engine *engine, uint32_t msg_id,
			    uint32_t nth);
/*
 * Lose the replies of a deterministic pseudo-random fraction @rate of the
 * requests whose ID is one of @msg_ids (@nr_msg_ids 0: of all requests).
 */
void rm_engine_set_lose_rate(struct rm_engine *engine, double rate,
			     uint64_t seed, const uint32_t *msg_ids,
			     unsigned int nr_msg_ids);

/*
 * The VM whose vCPU capability is @capid, or 0 if there is none; the
 * vCPU's index (its cpu node's place in /cpus) in *@index unless NULL.
 */
uint16_t rm_engine_vcpu_cap_vm(struct rm_engine *engine, uint64_t capid,
			       unsigned int *index);
/* MPIDR_EL1 of vCPU @index of a VM the RM created. */
uint64_t rm_engine_vcpu_mpidr(unsigned int index);
/*
 * The doorbell whose owner capability is @capid, with its VM in *@vmid;
 * NULL if there is none.  Valid until the VM is reset.
 */
struct rm_doorbell *rm_engine_doorbell_cap(struct rm_engine *engine,
					   uint64_t capid, uint16_t *vmid);
/* The doorbell of VM @vmid bound to INTID @virq, or NULL. */
struct rm_doorbell *rm_engine_doorbell_virq(struct rm_engine *engine,
					    uint16_t vmid, uint32_t virq);
/*
 * The guest of VM @vmid stopped itself (@exit_type: RM_EXIT_TYPE_*, e.g.
 * PLATFORM_OFF after PSCI SYSTEM_OFF).  Like the real RM, which learns of
 * it from a hypervisor event later, the engine only queues the work: a
 * later rm_engine_run_deferred() moves the VM to EXITED and sends its
 * owner VM_STATUS(EXITED) and VM_EXITED.
 */
void rm_engine_vm_exited(struct rm_engine *engine, uint16_t vmid,
			 uint16_t exit_type);

/*
 * Work the real RM does asynchronously (a VM's exit, the end of VM_RESET)
 * is queued as deferred steps.  Run every step queued before this call, in
 * order; steps they queue wait for a later call.
 */
void rm_engine_run_deferred(struct rm_engine *engine);
/* Is deferred work waiting? */
bool rm_engine_has_deferred(struct rm_engine *engine);

/* Introspection for tests: the RM's state of VM @vmid, or -1 if none. */
int rm_engine_vm_state(struct rm_engine *engine, uint16_t vmid);
/* Introspection for tests: number of live memory parcels. */
unsigned int rm_engine_nr_parcels(struct rm_engine *engine);
/* VMIDs allocated, the RM's and the primary's not counted. */
unsigned int rm_engine_nr_vms(struct rm_engine *engine);

#endif /* GUNYAH_EMU_RM_ENGINE_H */
