/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM on Gunyah: what the files of the backend share.
 *
 * A struct kvm is a pure KVM object until its first KVM_RUN: VMMs create
 * scratch VMs to probe, and none of that may cost Resource Manager (RM)
 * resources. The first KVM_RUN builds the Gunyah VM from what the VMM set
 * up (vm.c) and the vCPUs then run by proxy scheduling (vcpu.c).
 */
#ifndef __ARM64_KVM_GUNYAH_H__
#define __ARM64_KVM_GUNYAH_H__

#include <linux/completion.h>
#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>

/*
 * The RM's address space for a secondary VM on the QEMU platform
 * (SVM_ADDRESS_SPACE_BITS, resource-manager platform/qemu) and the range
 * below 1 GiB it keeps for devices: VMMIO exits come only from there.
 */
#define GUNYAH_KVM_IPA_BITS		36
#define GUNYAH_KVM_DEVICE_END		SZ_1G
/* The RM's VM info page, taken at VM_INIT (vm_creation_pv_time.c) */
#define GUNYAH_KVM_RM_INFO_PAGE		SZ_1G
/* The RM rounds the image base up to 2 MiB (vm_config.c) */
#define GUNYAH_KVM_IMAGE_ALIGN		SZ_2M

/* The RM's parcel budget is per owner: one for the whole host */
#define GUNYAH_KVM_MAX_PARCELS		64

/* GICv3 frame sizes, as native KVM uses them */
#define GUNYAH_KVM_GICD_SIZE		SZ_64K
#define GUNYAH_KVM_GICR_SIZE		(2 * SZ_64K)
#define GUNYAH_KVM_SPI_BASE		32

enum gunyah_kvm_vm_state {
	/* Nothing at the RM; the VMM may change anything */
	GUNYAH_KVM_VM_NONE,
	/* Started: the memory map is frozen */
	GUNYAH_KVM_VM_RUNNING,
	/* The guest powered off or asked for a reset: tear down, then restart */
	GUNYAH_KVM_VM_EXITED,
	/* A teardown left something with the RM: this VM never starts again */
	GUNYAH_KVM_VM_BROKEN,
};

struct gunyah_kvm_vgic {
	bool created;
	bool ready;		/* KVM_DEV_ARM_VGIC_CTRL_INIT done */
	u64 dist_base;
	u64 redist_base;
	u32 nr_irqs;		/* SGIs, PPIs and SPIs, as GRP_NR_IRQS */
};

/* The KVM-owned parcel: entry stub, register tables, configuration DT */
struct gunyah_kvm_image {
	struct page *pages;
	unsigned int order;
	u64 ipa;
	u32 dt_size;
	struct gunyah_rm_parcel parcel;
	bool has_parcel;
	/* The VMM's boot code from the RM's page, run from the image */
	void *boot_code;
	u64 boot_pc_offset;
};

struct gunyah_kvm {
	struct kvm kvm;
	struct gunyah_rm *rm;

	/* Serialises start, teardown and vcpu_features; vCPUs run without it */
	struct mutex lock;
	enum gunyah_kvm_vm_state state;
	u16 vmid;
	u32 ipa_bits;
	/* KVM_ARM_VCPU_INIT features but POWER_OFF, the same for every vCPU */
	unsigned long vcpu_features;
	bool vcpu_features_set;
	/* vCPU threads inside the run loop; teardown waits for none */
	atomic_t nr_running;
	wait_queue_head_t run_wq;

	struct gunyah_rm_vm_listener listener;
	/* The VM exited: its status changed to EXITED, or VM_EXITED came */
	struct completion exited;
	/* VM_EXITED came, with exit_type: the status alone does not say why */
	struct completion exit_reported;
	struct completion reset_done;
	u16 exit_type;

	struct gunyah_kvm_vgic vgic;
	/* SPI levels the VMM set, and one doorbell per SPI once running */
	spinlock_t irq_lock;
	unsigned long *spi_level;
	u64 *spi_bell;

	struct list_head mem_regions;
	struct gunyah_kvm_image image;
};

struct gunyah_kvm_vcpu {
	struct kvm_vcpu vcpu;
	u64 capid;
	bool initialized;
	bool power_off;
	/* vcpu_run last said "powered off": not started, or PSCI CPU_OFF */
	bool was_off;
	/* The values a VMM set with KVM_SET_ONE_REG, applied by the stub */
	struct kvm_regs regs;
	/* The vCPU exited for a VMMIO read; resume with its value */
	bool mmio_read;
	u64 resume[3];
	/* Linux IRQ of the vCPU's wakeup vIRQ; 0: vcpu_run is polled */
	int wakeup_irq;
	/* The wakeup vIRQ came since the last vcpu_run began */
	bool wakeup;
};

static inline struct gunyah_kvm *to_gunyah_kvm(struct kvm *kvm)
{
	return container_of(kvm, struct gunyah_kvm, kvm);
}

static inline struct gunyah_kvm_vcpu *to_gunyah_vcpu(struct kvm_vcpu *vcpu)
{
	return container_of(vcpu, struct gunyah_kvm_vcpu, vcpu);
}

/*
 * One doorbell per SPI, and every doorbell is an entry of the RM's
 * GET_HYP_RESOURCES reply (44 bytes each, at most about 14 KiB in 63
 * fragments): 256 SPIs, as QEMU's virt machine has, leave room for the
 * vCPUs. SPIs beyond that cannot be raised.
 */
#define GUNYAH_KVM_MAX_SPIS		256

static inline u32 gunyah_kvm_nr_spis(struct gunyah_kvm *gvm)
{
	return min_t(u32, gvm->vgic.nr_irqs - GUNYAH_KVM_SPI_BASE,
		     GUNYAH_KVM_MAX_SPIS);
}

/* vm.c */
/* gunyah_kvm_vm_enter(): every vCPU is stopped, the VM stays off */
#define GUNYAH_KVM_VM_STOPPED		1
int gunyah_kvm_vm_enter(struct gunyah_kvm *gvm);
void gunyah_kvm_vm_leave(struct gunyah_kvm *gvm);
bool gunyah_kvm_vm_exited(struct gunyah_kvm *gvm);
bool gunyah_kvm_vm_started(struct gunyah_kvm *gvm);
void gunyah_kvm_vm_destroy(struct gunyah_kvm *gvm);

/* vcpu.c */
void gunyah_kvm_vcpu_attach_wakeup(struct gunyah_kvm_vcpu *gv, u32 virq);
void gunyah_kvm_vcpu_detach_wakeup(struct gunyah_kvm_vcpu *gv);
void gunyah_kvm_wake_vcpus(struct gunyah_kvm *gvm);

/* mem.c */
int gunyah_kvm_mem_check_slot(struct gunyah_kvm *gvm,
			      const struct kvm_memory_slot *slot);
int gunyah_kvm_mem_share(struct gunyah_kvm *gvm, u16 vmid);
int gunyah_kvm_mem_reclaim(struct gunyah_kvm *gvm);
/* Called for each guest memory region, with its parcel's label */
typedef int (*gunyah_kvm_region_fn)(void *data, u32 label, u64 ipa);
int gunyah_kvm_mem_visit_regions(struct gunyah_kvm *gvm,
				 gunyah_kvm_region_fn fn, void *data);
bool gunyah_kvm_mem_overlaps(struct gunyah_kvm *gvm, u64 start, u64 end);
int gunyah_kvm_parcels_get(unsigned int n);
long gunyah_kvm_pinned_pages(void);
void gunyah_kvm_parcels_put(unsigned int n);

/* boot.c */
int gunyah_kvm_boot_prepare(struct gunyah_kvm *gvm,
			    struct gunyah_kvm_vcpu *boot);
void gunyah_kvm_boot_place(struct gunyah_kvm *gvm, void *image_va,
			   struct kvm_regs *regs);
#if IS_ENABLED(CONFIG_KUNIT)
bool gunyah_kvm_boot_code_x0(const u8 *code, u64 offset, u64 *x0);
int gunyah_kvm_dt_trim_memory(void *dt);
#endif

/* config_dt.c */
struct gunyah_kvm_config_dt {
	u64 image_ipa;
	u64 gicd;
	u64 gicr;
	u32 nr_vcpus;
	u32 nr_spis;
};

int gunyah_kvm_build_config_dt(struct gunyah_kvm *gvm, void *dt, size_t size,
			       const struct gunyah_kvm_config_dt *cfg);

/* vgic.c */
int gunyah_kvm_vgic_register(void);
int gunyah_kvm_irq_attach(struct gunyah_kvm *gvm,
			  const struct gunyah_rm_hyp_resources *res);
void gunyah_kvm_irq_detach(struct gunyah_kvm *gvm);
void gunyah_kvm_vgic_free(struct gunyah_kvm *gvm);

/* regs.c */
int gunyah_kvm_get_one_reg(struct gunyah_kvm_vcpu *gv,
			   const struct kvm_one_reg *reg);
int gunyah_kvm_set_one_reg(struct gunyah_kvm_vcpu *gv,
			   const struct kvm_one_reg *reg);
int gunyah_kvm_get_reg_list(struct gunyah_kvm_vcpu *gv,
			    struct kvm_reg_list __user *user_list);
void gunyah_kvm_reset_regs(struct gunyah_kvm_vcpu *gv);
u64 gunyah_kvm_vcpu_mpidr(const struct kvm_vcpu *vcpu);

/* stub.S: copied into the image parcel */
extern const u8 gunyah_kvm_stub_start[];
extern const u8 gunyah_kvm_stub_end[];
/*
 * The image: the stub, the boot vCPU's registers (stub.S has the offset),
 * the VMM's boot code if it was in the RM's page (boot.c), the
 * configuration DT.
 */
#define GUNYAH_KVM_STUB_REGS_OFFSET	SZ_4K
#define GUNYAH_KVM_STUB_BOOT_OFFSET	SZ_8K
#define GUNYAH_KVM_STUB_DT_OFFSET	(SZ_8K + SZ_4K)
#define GUNYAH_KVM_STUB_DT_SIZE		SZ_64K
#define GUNYAH_KVM_IMAGE_SIZE		(GUNYAH_KVM_STUB_DT_OFFSET + GUNYAH_KVM_STUB_DT_SIZE)

#endif /* __ARM64_KVM_GUNYAH_H__ */
