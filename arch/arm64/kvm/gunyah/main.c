// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: registration, capabilities and the VM-level KVM hooks.
 *
 * /dev/kvm is registered when the Resource Manager probes (its auxiliary
 * device "gunyah_rsc_mgr.vm" appears only on a Gunyah host), so a kernel
 * with this backend has no /dev/kvm anywhere else. Everything here is the
 * arm64 kvm_arch_* contract of virt/kvm; the Gunyah work is in vm.c,
 * vcpu.c, mem.c and vgic.c.
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <linux/auxiliary_bus.h>
#include <linux/debugfs.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "gunyah_kvm.h"

static struct gunyah_rm *gunyah_kvm_rm;

const struct kvm_stats_desc kvm_vm_stats_desc[] = {
	KVM_GENERIC_VM_STATS(),
	STATS_DESC_COUNTER(VM, gunyah_vm_starts),
	STATS_DESC_COUNTER(VM, gunyah_rm_calls),
	STATS_DESC_ICOUNTER(VM, gunyah_parcels),
	STATS_DESC_ICOUNTER(VM, gunyah_pinned_pages),
};

const struct kvm_stats_header kvm_vm_stats_header = {
	.name_size = KVM_STATS_NAME_SIZE,
	.num_desc = ARRAY_SIZE(kvm_vm_stats_desc),
	.id_offset = sizeof(struct kvm_stats_header),
	.desc_offset = sizeof(struct kvm_stats_header) + KVM_STATS_NAME_SIZE,
	.data_offset = sizeof(struct kvm_stats_header) + KVM_STATS_NAME_SIZE +
		       sizeof(kvm_vm_stats_desc),
};

const struct kvm_stats_desc kvm_vcpu_stats_desc[] = {
	KVM_GENERIC_VCPU_STATS(),
	STATS_DESC_COUNTER(VCPU, mmio_exit_user),
	STATS_DESC_COUNTER(VCPU, mmio_exit_kernel),
	STATS_DESC_COUNTER(VCPU, signal_exits),
	STATS_DESC_COUNTER(VCPU, exits),
	STATS_DESC_COUNTER(VCPU, gunyah_hypercalls),
};

const struct kvm_stats_header kvm_vcpu_stats_header = {
	.name_size = KVM_STATS_NAME_SIZE,
	.num_desc = ARRAY_SIZE(kvm_vcpu_stats_desc),
	.id_offset = sizeof(struct kvm_stats_header),
	.desc_offset = sizeof(struct kvm_stats_header) + KVM_STATS_NAME_SIZE,
	.data_offset = sizeof(struct kvm_stats_header) + KVM_STATS_NAME_SIZE +
		       sizeof(kvm_vcpu_stats_desc),
};

struct kvm *kvm_arch_alloc_vm(void)
{
	struct gunyah_kvm *gvm = kvzalloc(sizeof(*gvm), GFP_KERNEL_ACCOUNT);

	return gvm ? &gvm->kvm : NULL;
}

/*
 * The type is the IPA size, as on native arm64. Gunyah gives a VM
 * GUNYAH_KVM_IPA_BITS; a larger explicit size gets native KVM's -EINVAL.
 * Type 0 means "40 bits" to native KVM, which refuses it on a host with a
 * smaller limit; that would make every VMM that does not ask for a size
 * (QEMU -machine none, which libvirt probes with, and the selftests'
 * default mode) fail outright. Type 0 gets the RM's size instead: memory
 * beyond it is refused when the VMM places it, so its memory map stays
 * honest.
 */
static int gunyah_kvm_ipa_bits(unsigned long type, u32 *bits)
{
	u32 requested;

	if (type & ~KVM_VM_TYPE_ARM_IPA_SIZE_MASK)
		return -EINVAL;
	requested = KVM_VM_TYPE_ARM_IPA_SIZE(type);
	if (!requested) {
		*bits = GUNYAH_KVM_IPA_BITS;
		return 0;
	}
	if (requested > GUNYAH_KVM_IPA_BITS || requested < 32)
		return -EINVAL;
	*bits = requested;
	return 0;
}

int kvm_arch_init_vm(struct kvm *kvm, unsigned long type)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(kvm);
	int ret;

	ret = gunyah_kvm_ipa_bits(type, &gvm->ipa_bits);
	if (ret)
		return ret;
	gvm->rm = gunyah_rm_get(gunyah_kvm_rm);
	mutex_init(&gvm->lock);
	gvm->state = GUNYAH_KVM_VM_NONE;
	gvm->vmid = GUNYAH_VMID_INVAL;
	atomic_set(&gvm->nr_running, 0);
	init_waitqueue_head(&gvm->run_wq);
	spin_lock_init(&gvm->irq_lock);
	INIT_LIST_HEAD(&gvm->mem_regions);
	init_completion(&gvm->exited);
	init_completion(&gvm->exit_reported);
	init_completion(&gvm->reset_done);
	kvm->max_vcpus = min_t(int, num_possible_cpus(), KVM_MAX_VCPUS);
	return 0;
}

void kvm_arch_destroy_vm(struct kvm *kvm)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(kvm);

	/*
	 * The Gunyah VM first: its teardown frees the vCPUs' wakeup vIRQs,
	 * which the hypervisor asserts as it stops the VM, and stops the
	 * RM's notifications, which wake the vCPUs.
	 */
	gunyah_kvm_vm_destroy(gvm);
	kvm_destroy_vcpus(kvm);
	gunyah_kvm_vgic_free(gvm);
	gunyah_rm_put(gvm->rm);
}

int kvm_vm_ioctl_check_extension(struct kvm *kvm, long ext)
{
	switch (ext) {
	case KVM_CAP_IRQCHIP:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_ONE_REG:
	case KVM_CAP_ARM_PSCI:
	case KVM_CAP_ARM_PSCI_0_2:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_VCPU_ATTRIBUTES:
	case KVM_CAP_MP_STATE:
		return 1;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		/* The RM gives a VM at most one vCPU per physical core */
		return kvm ? kvm->max_vcpus :
		       min_t(int, num_possible_cpus(), KVM_MAX_VCPUS);
	case KVM_CAP_NR_MEMSLOTS:
		return KVM_USER_MEM_SLOTS;
	case KVM_CAP_ARM_VM_IPA_SIZE:
		return GUNYAH_KVM_IPA_BITS;
	default:
		return 0;
	}
}

int kvm_vm_ioctl_enable_cap(struct kvm *kvm, struct kvm_enable_cap *cap)
{
	return -EINVAL;
}

int kvm_arch_vm_ioctl(struct file *filp, unsigned int ioctl,
		      unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_CREATE_IRQCHIP:
		/* A GICv2: as native KVM on a host that cannot emulate one */
		return -ENODEV;
	case KVM_ARM_SET_DEVICE_ADDR: {
		struct kvm_arm_device_addr dev_addr;

		/* GICv2 addresses: as native for a VM without a GICv2 */
		if (copy_from_user(&dev_addr, argp, sizeof(dev_addr)))
			return -EFAULT;
		return -ENODEV;
	}
	case KVM_HAS_DEVICE_ATTR:
	case KVM_SET_DEVICE_ATTR: {
		struct kvm_device_attr attr;

		/* No VM attribute group (native's SMCCC filter) is offered */
		if (copy_from_user(&attr, argp, sizeof(attr)))
			return -EFAULT;
		return -ENXIO;
	}
	case KVM_ARM_PREFERRED_TARGET: {
		struct kvm_vcpu_init init = {
			.target = KVM_ARM_TARGET_GENERIC_V8,
		};

		return copy_to_user(argp, &init, sizeof(init)) ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}

long kvm_arch_dev_ioctl(struct file *filp, unsigned int ioctl,
			unsigned long arg)
{
	return -EINVAL;
}

/* Memory slots: placed and shared when the VM starts (mem.c) */
int kvm_arch_prepare_memory_region(struct kvm *kvm,
				   const struct kvm_memory_slot *old,
				   struct kvm_memory_slot *new,
				   enum kvm_mr_change change)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(kvm);

	/* The RM cannot change a started VM's memory map (gunyah.rst) */
	if (gunyah_kvm_vm_started(gvm))
		return -EBUSY;
	if (change == KVM_MR_DELETE)
		return 0;
	/* A flags-only change must not turn on dirty logging either */
	return gunyah_kvm_mem_check_slot(gvm, new);
}

void kvm_arch_commit_memory_region(struct kvm *kvm,
				   struct kvm_memory_slot *old,
				   const struct kvm_memory_slot *new,
				   enum kvm_mr_change change)
{
}

void kvm_arch_free_memslot(struct kvm *kvm, struct kvm_memory_slot *slot)
{
}

void kvm_arch_memslots_updated(struct kvm *kvm, u64 gen)
{
}

/*
 * No slot ever logs dirty pages (mem.c refuses the flag: there is no
 * stage 2 here to track writes in), so this answers as native KVM does
 * for a slot without a dirty bitmap.
 */
int kvm_vm_ioctl_get_dirty_log(struct kvm *kvm, struct kvm_dirty_log *log)
{
	struct kvm_memory_slot *slot;
	int is_dirty, ret;

	mutex_lock(&kvm->slots_lock);
	ret = kvm_get_dirty_log(kvm, log, &is_dirty, &slot);
	mutex_unlock(&kvm->slots_lock);
	return ret;
}

void kvm_arch_sync_dirty_log(struct kvm *kvm, struct kvm_memory_slot *memslot)
{
}

void kvm_arch_flush_shadow_all(struct kvm *kvm)
{
}

void kvm_arch_flush_shadow_memslot(struct kvm *kvm,
				   struct kvm_memory_slot *slot)
{
}

int kvm_arch_flush_remote_tlbs(struct kvm *kvm)
{
	return 0;
}

int kvm_arch_flush_remote_tlbs_range(struct kvm *kvm, gfn_t gfn, u64 nr_pages)
{
	return 0;
}

/*
 * Guest memory is pinned and given to Gunyah for the VM's whole life: an
 * invalidation of the VMM's mapping cannot take it back from the guest,
 * the pin keeps the page, and there is no stage 2 here to age or unmap.
 */
bool kvm_unmap_gfn_range(struct kvm *kvm, struct kvm_gfn_range *range)
{
	return false;
}

bool kvm_age_gfn(struct kvm *kvm, struct kvm_gfn_range *range)
{
	return false;
}

bool kvm_test_age_gfn(struct kvm *kvm, struct kvm_gfn_range *range)
{
	return false;
}

bool kvm_arch_irqchip_in_kernel(struct kvm *kvm)
{
	return to_gunyah_kvm(kvm)->vgic.created;
}

bool kvm_arch_intc_initialized(struct kvm *kvm)
{
	return to_gunyah_kvm(kvm)->vgic.ready;
}

static int gunyah_kvm_pinned_get(void *data, u64 *val)
{
	*val = gunyah_kvm_pinned_pages();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(gunyah_kvm_pinned_fops, gunyah_kvm_pinned_get, NULL,
			 "%llu\n");

static int gunyah_kvm_probe(struct auxiliary_device *adev,
			    const struct auxiliary_device_id *id)
{
	struct dentry *dir;
	int ret;

	if (gunyah_kvm_rm)
		return -EBUSY;
	gunyah_kvm_rm = gunyah_rm_from_auxdev(adev);
	ret = gunyah_kvm_vgic_register();
	if (ret)
		goto err;
	ret = kvm_init(sizeof(struct gunyah_kvm_vcpu),
		       __alignof__(struct gunyah_kvm_vcpu), THIS_MODULE);
	if (ret)
		goto err;
	/* Host-wide, unlike the per-VM stats: leaked pins stay counted */
	dir = debugfs_lookup("kvm", NULL);
	debugfs_create_file_unsafe("gunyah_host_pinned_pages", 0444, dir, NULL,
				   &gunyah_kvm_pinned_fops);
	dput(dir);
	dev_info(&adev->dev, "KVM on Gunyah: /dev/kvm ready, %u-bit guest IPA space\n",
		 GUNYAH_KVM_IPA_BITS);
	return 0;
err:
	dev_err(&adev->dev, "cannot register /dev/kvm: %d\n", ret);
	gunyah_kvm_rm = NULL;
	return ret;
}

static const struct auxiliary_device_id gunyah_kvm_ids[] = {
	{ .name = GUNYAH_RM_AUXDEV_MODNAME "." GUNYAH_RM_AUXDEV_VM },
	{}
};

/* Built in only: KVM cannot be unregistered while VMs may exist */
static struct auxiliary_driver gunyah_kvm_driver = {
	.name = "kvm",
	.probe = gunyah_kvm_probe,
	.id_table = gunyah_kvm_ids,
	.driver.suppress_bind_attrs = true,
};

static int __init gunyah_kvm_init(void)
{
	return auxiliary_driver_register(&gunyah_kvm_driver);
}
device_initcall(gunyah_kvm_init);
