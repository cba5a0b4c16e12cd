/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor as the Resource Manager calls it: the one header the two
 * parts of the emulator share.
 *
 * The real RM is a VM of its own that changes the system only through
 * hypercalls: it takes memory out of the primary's stage 2 and maps it
 * into a VM's (memextent and addrspace calls), creates and activates a
 * VM's vCPU and doorbell objects, binds their vIRQs and sets the vGIC's
 * MPIDR mapping, and starts, stops and destroys the VM.  Here those calls
 * are struct rm_hyp_ops, and their arguments the types below.  Nothing
 * of the RM (rm/) is visible to the hypervisor (hyp/) and nothing of the
 * hypervisor to the RM, except through this header; only the program
 * that puts the two together (gunyah_emu.c) and the tests see both.
 */
#ifndef GUNYAH_EMU_RM_HYP_H
#define GUNYAH_EMU_RM_HYP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The primary VM's VMID (the RM's VMID_HLOS, include/rm_types.h). */
#define RM_HYP_VMID_PRIMARY	3u
/* A secondary VM can have at most this many vCPUs in the emulator. */
#define RM_MAX_VCPUS	8u
/* Doorbell vdevices of one VM: the emulator's bound. */
#define RM_MAX_DOORBELLS	256u
/* GICv3 redistributor frames: 128 KiB per vCPU (platform/qemu/src/vgic.c) */
#define RM_GICD_SIZE	0x10000ull
#define RM_GICR_SIZE	0x20000ull

/* rm_guest_region.rights: the bits of a parcel's ACL (RM_RIGHTS_*) */
#define RM_HYP_RIGHTS_X		0x1u
#define RM_HYP_RIGHTS_W		0x2u
#define RM_HYP_RIGHTS_R		0x4u

/*
 * One range of guest memory at START: @size bytes of the primary VM's RAM
 * from @primary_ipa appear in the VM at @guest_ipa with @rights
 * (RM_HYP_RIGHTS_*).  Parcels with several regions give several entries.
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
 * when the vdevice says source-can-clear.  The doorbell object itself,
 * its flags and masks, is the hypervisor's.
 */
struct rm_doorbell {
	uint32_t capid;		/* 0: the owner has no capability */
	uint32_t label;
	uint32_t virq;		/* GIC INTID in the VM */
	bool owner_can_receive;	/* CAP_RIGHTS_DOORBELL_RECEIVE */
};

/*
 * What START hands the hypervisor to create and boot a VM: the layout the
 * real RM gives it (src/vm_creation/vm_creation.c process_memparcels(),
 * platform/qemu/src/vgic.c, vm_creation_pv_time.c).
 */
struct rm_vm_boot {
	uint16_t vmid;
	/* One proxy-scheduled vCPU per cpu node; vcpu_capids[i] is vCPU i. */
	unsigned int nr_vcpus;
	const uint32_t *vcpu_capids;
	/*
	 * vCPU i's wakeup vIRQ, a GIC INTID of the owner (the primary VM):
	 * the real RM binds it at INIT (gunyah_hyp_vcpu_bind_virq(),
	 * VCPU_VIRQ_TYPE_VCPU_RUN_WAKEUP); here it comes with START.
	 */
	const uint32_t *vcpu_virqs;
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

/*
 * How a VM's guest stopped itself, as the hypervisor tells the RM (PSCI
 * SYSTEM_OFF or SYSTEM_RESET on one of its vCPUs); the RM reports it to
 * the VM's owner as VM_EXITED's exit type.
 */
enum rm_hyp_vm_exit {
	RM_HYP_EXIT_SYSTEM_OFF,
	RM_HYP_EXIT_SYSTEM_RESET,
};

/*
 * vm_config.c handle_interrupt_controller() sets the vGIC's MPIDR mapping
 * with gunyah_hyp_vgic_set_mpidr_mapping(vic, 0x7fff, 0, 8, 16, 24,
 * false): a mask of Aff0 0xff and Aff1 0x7f, the index bits taken from
 * bit 0 and bit 8 on, no MT; and hyp/vm/vgic/src/distrib.c
 * vgic_set_mpidr_mapping() sets U only when the mask is 0.
 * platform_cpu_map_index_to_mpidr() (hyp/platform/arm_generic) then gives
 * vCPU @index this MPIDR_EL1, with its RES1 bit 31.
 */
static inline uint64_t rm_hyp_vcpu_mpidr(unsigned int index)
{
	return 1ull << 31 | (uint64_t)((index >> 8) & 0x7fu) << 8 |
	       (index & 0xffu);
}

/* The hypercalls of the RM; every one may be NULL (nothing to do). */
struct rm_hyp_ops {
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
	/*
	 * INIT made VM @vmid's objects (vm_config_create_vdevices()): vCPU i
	 * with capability @vcpu_capids[i], and the doorbells; from now on
	 * the hypervisor answers for their capabilities.  0 or -errno.
	 */
	int (*vdevices_create)(void *ctx, uint16_t vmid, unsigned int nr_vcpus,
			       const uint32_t *vcpu_capids,
			       unsigned int nr_doorbells,
			       const struct rm_doorbell *doorbells);
	/* RESET: VM @vmid's vCPU and doorbell objects are gone. */
	void (*vdevices_destroy)(void *ctx, uint16_t vmid);
	/* START: create VM @boot->vmid and boot it; 0 or -errno. */
	int (*vm_start)(void *ctx, const struct rm_vm_boot *boot);
	/* STOP: the VM's vCPUs never run again. */
	void (*vm_stop)(void *ctx, uint16_t vmid);
	/* RESET: destroy what vm_start created. */
	void (*vm_destroy)(void *ctx, uint16_t vmid);
	/*
	 * The RM queued deferred work (see rm_engine_run_deferred()); the
	 * embedding program should run it a few milliseconds later.
	 */
	void (*deferred_queued)(void *ctx);
};

#endif /* GUNYAH_EMU_RM_HYP_H */
