// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: the Gunyah VM behind a struct kvm.
 *
 * Nothing exists at the Resource Manager until the first KVM_RUN, which
 * builds the VM from what the VMM set up, in the order the real RM needs
 * (gunyah-facts.md, "Secondary VMs on the open-source RM"):
 *
 *   ALLOCATE -> share guest memory -> lend the image (stub, registers,
 *   configuration DT) -> CONFIG_IMAGE -> INIT -> GET_HYP_RESOURCES -> START
 *
 * and takes it down, after a guest power-off or reset or when the VM is
 * destroyed, in the order the RM allows:
 *
 *   STOP (if still running) -> wait for EXITED -> RESET -> reclaim every
 *   parcel -> wait for RESET done -> DEALLOCATE
 *
 * A parcel that cannot be reclaimed is leaked with a report, never freed;
 * a VMID that cannot be freed leaves the struct kvm BROKEN: it never starts
 * again, and its pages stay where they are.
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <linux/cacheflush.h>
#include <linux/gfp.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <asm/cacheflush.h>

#include "gunyah_kvm.h"

/* How long the RM may take to tell us a VM exited or finished a reset */
#define GUNYAH_KVM_RM_WAIT	(5 * HZ)

/* Progress of a start, so that a failure undoes exactly what was done */
enum gunyah_kvm_progress {
	GUNYAH_KVM_ALLOCATED	= BIT(0),
	GUNYAH_KVM_LISTENING	= BIT(1),
	GUNYAH_KVM_INIT_SENT	= BIT(2),
	GUNYAH_KVM_START_SENT	= BIT(3),
};

/* A VM that ran got through every step */
#define GUNYAH_KVM_PROGRESS_ALL	(GUNYAH_KVM_ALLOCATED | GUNYAH_KVM_LISTENING | \
				 GUNYAH_KVM_INIT_SENT | GUNYAH_KVM_START_SENT)

static void gunyah_kvm_rm_status(struct gunyah_rm_vm_listener *listener,
				 const struct gunyah_rm_vm_status *status)
{
	struct gunyah_kvm *gvm = container_of(listener, struct gunyah_kvm,
					      listener);

	if (status->vm_status == GUNYAH_RM_VM_STATUS_EXITED) {
		complete_all(&gvm->exited);
		gunyah_kvm_wake_vcpus(gvm);
	} else if (status->vm_status == GUNYAH_RM_VM_STATUS_RESET) {
		complete_all(&gvm->reset_done);
	}
}

static void gunyah_kvm_rm_exited(struct gunyah_rm_vm_listener *listener,
				 const struct gunyah_rm_vm_exited *exited)
{
	struct gunyah_kvm *gvm = container_of(listener, struct gunyah_kvm,
					      listener);

	WRITE_ONCE(gvm->exit_type, exited->exit_type);
	complete_all(&gvm->exit_reported);
	complete_all(&gvm->exited);
	gunyah_kvm_wake_vcpus(gvm);
}

bool gunyah_kvm_vm_started(struct gunyah_kvm *gvm)
{
	return READ_ONCE(gvm->state) != GUNYAH_KVM_VM_NONE;
}

/*
 * The image parcel goes where nothing of the VM is: the highest 2 MiB
 * aligned range of the RM's address space that no memslot, vGIC frame or
 * RM page uses. VMMs put RAM low, so this is normally the top.
 */
static int gunyah_kvm_place_image(struct gunyah_kvm *gvm, u64 size, u64 *ipa)
{
	u64 gicd = gvm->vgic.dist_base, gicr = gvm->vgic.redist_base;
	u64 gicr_end = gicr + GUNYAH_KVM_GICR_SIZE *
		       atomic_read(&gvm->kvm.online_vcpus);
	u64 base;

	size = ALIGN(size, GUNYAH_KVM_IMAGE_ALIGN);
	for (base = BIT_ULL(gvm->ipa_bits) - size;
	     base > GUNYAH_KVM_RM_INFO_PAGE; base -= GUNYAH_KVM_IMAGE_ALIGN) {
		if (gunyah_kvm_mem_overlaps(gvm, base, base + size))
			continue;
		if (base < gicd + GUNYAH_KVM_GICD_SIZE && gicd < base + size)
			continue;
		if (base < gicr_end && gicr < base + size)
			continue;
		*ipa = base;
		return 0;
	}
	return -ENOSPC;
}

/* Stub, the boot vCPU's registers and the configuration DT, then lend */
static int gunyah_kvm_image_prepare(struct gunyah_kvm *gvm,
				    struct gunyah_kvm_vcpu *boot)
{
	struct gunyah_kvm_image *image = &gvm->image;
	const struct gunyah_rm_acl_entry acl = {
		.vmid = gvm->vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W | GUNYAH_RM_ACL_X,
	};
	struct gunyah_kvm_config_dt cfg = {
		.gicd = gvm->vgic.dist_base,
		.gicr = gvm->vgic.redist_base,
		.nr_vcpus = atomic_read(&gvm->kvm.online_vcpus),
		.nr_spis = gunyah_kvm_nr_spis(gvm),
	};
	size_t size = GUNYAH_KVM_IMAGE_SIZE;
	void *va;
	int ret;

	ret = gunyah_kvm_place_image(gvm, size, &image->ipa);
	if (ret) {
		pr_warn("VM %u: no room for the boot image in the %u-bit IPA space\n",
			gvm->vmid, gvm->ipa_bits);
		return ret;
	}
	cfg.image_ipa = image->ipa;
	image->order = get_order(size);
	image->pages = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, image->order);
	if (!image->pages)
		return -ENOMEM;
	va = page_address(image->pages);
	memcpy(va, gunyah_kvm_stub_start,
	       gunyah_kvm_stub_end - gunyah_kvm_stub_start);
	memcpy(va + GUNYAH_KVM_STUB_REGS_OFFSET, &boot->regs, sizeof(boot->regs));
	gunyah_kvm_boot_place(gvm, va, va + GUNYAH_KVM_STUB_REGS_OFFSET);
	ret = gunyah_kvm_build_config_dt(gvm, va + GUNYAH_KVM_STUB_DT_OFFSET,
					 GUNYAH_KVM_STUB_DT_SIZE, &cfg);
	if (ret) {
		pr_warn("VM %u: cannot build the configuration DT: %d\n",
			gvm->vmid, ret);
		return ret;
	}
	/* Lent pages leave the linear map: nothing reads them after this */
	image->dt_size = fdt_totalsize(va + GUNYAH_KVM_STUB_DT_OFFSET);
	/* The stub runs with the MMU off: what it reads must be in memory */
	dcache_clean_inval_poc((unsigned long)va, (unsigned long)va + size);

	ret = gunyah_kvm_parcels_get(1);
	if (ret)
		return ret;
	ret = gunyah_rm_parcel_init(&image->parcel, gvm->rm, &acl, 1, 0, 0);
	ret = ret ?: gunyah_rm_parcel_add_pages(&image->parcel, image->pages,
						1U << image->order);
	if (ret) {
		gunyah_rm_parcel_destroy(&image->parcel);
		gunyah_kvm_parcels_put(1);
		return ret;
	}
	image->has_parcel = true;
	ret = gunyah_rm_parcel_lend(&image->parcel);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret)
		pr_warn("VM %u: lending the boot image failed: %d\n", gvm->vmid, ret);
	return ret;
}

static void gunyah_kvm_image_release(struct gunyah_kvm *gvm)
{
	struct gunyah_kvm_image *image = &gvm->image;

	if (image->has_parcel) {
		gunyah_rm_parcel_reclaim_or_leak(&image->parcel);
		if (!gunyah_rm_parcel_pages_ours(&image->parcel)) {
			/* Leaked and reported: the pages stay with Gunyah */
			image->pages = NULL;
		}
		gunyah_rm_parcel_destroy(&image->parcel);
		gunyah_kvm_parcels_put(1);
		image->has_parcel = false;
	}
	if (image->pages)
		__free_pages(image->pages, image->order);
	image->pages = NULL;
	kfree(image->boot_code);
	image->boot_code = NULL;
}

static int gunyah_kvm_configure(struct gunyah_kvm *gvm)
{
	const struct gunyah_rm_vm_config_image config = {
		.auth_type = GUNYAH_RM_VM_AUTH_NONE,
		.image_mem_handle = gvm->image.parcel.handle,
		.image_offset = 0,
		.image_size = PAGE_SIZE << gvm->image.order,
		.dtb_offset = GUNYAH_KVM_STUB_DT_OFFSET,
		.dtb_size = gvm->image.dt_size,
	};
	int ret;

	ret = gunyah_rm_vm_configure(gvm->rm, gvm->vmid, &config);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret)
		pr_warn("VM %u: the RM refused the configuration image: %d\n",
			gvm->vmid, ret);
	return ret;
}

/* vCPU capabilities and wakeup vIRQs by their label, the vCPU index */
static int gunyah_kvm_attach_vcpus(struct gunyah_kvm *gvm,
				   const struct gunyah_rm_hyp_resources *res)
{
	struct kvm *kvm = &gvm->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;
	u32 j, virq;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);

		gv->capid = GUNYAH_CAPID_INVAL;
		gv->mmio_read = false;
		gv->was_off = false;
		memset(gv->resume, 0, sizeof(gv->resume));
		virq = 0;
		for (j = 0; j < res->n_entries; j++) {
			const struct gunyah_rm_hyp_resource *r = &res->entries[j];

			if (r->type == GUNYAH_RESOURCE_TYPE_VCPU &&
			    r->resource_label == vcpu->vcpu_idx) {
				gv->capid = r->capid;
				virq = r->virq;
			}
		}
		if (gv->capid == GUNYAH_CAPID_INVAL) {
			pr_warn("VM %u: the RM gave no capability for vCPU %lu\n",
				gvm->vmid, i);
			return -ENODEV;
		}
		gunyah_kvm_vcpu_attach_wakeup(gv, virq);
	}
	return 0;
}

static void gunyah_kvm_detach_vcpus(struct gunyah_kvm *gvm)
{
	struct kvm *kvm = &gvm->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		gunyah_kvm_vcpu_detach_wakeup(to_gunyah_vcpu(vcpu));
}

static int gunyah_kvm_get_resources(struct gunyah_kvm *gvm)
{
	struct gunyah_rm_hyp_resources *res = NULL;
	int ret;

	ret = gunyah_rm_get_hyp_resources(gvm->rm, gvm->vmid, &res);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret) {
		pr_warn("VM %u: cannot get its resources from the RM: %d\n",
			gvm->vmid, ret);
		return ret;
	}
	ret = gunyah_kvm_attach_vcpus(gvm, res);
	ret = ret ?: gunyah_kvm_irq_attach(gvm, res);
	kfree(res);
	return ret;
}

/*
 * What Gunyah cannot start, refused before anything is allocated: every
 * vCPU set up, the boot vCPU (index 0, the one the RM powers on) runnable,
 * the others powered off until the guest's PSCI CPU_ON.
 */
static int gunyah_kvm_check_vcpus(struct gunyah_kvm *gvm,
				  struct gunyah_kvm_vcpu **boot)
{
	struct kvm *kvm = &gvm->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;
	u64 pc;

	*boot = NULL;
	kvm_for_each_vcpu(i, vcpu, kvm) {
		struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);

		if (!gv->initialized)
			return -ENOEXEC;
		if (vcpu->vcpu_idx == 0) {
			*boot = gv;
			if (gv->power_off) {
				pr_warn_ratelimited("%s: vCPU 0 is powered off: Gunyah boots vCPU 0\n",
						    current->comm);
				return -EINVAL;
			}
		} else if (!gv->power_off) {
			pr_warn_ratelimited("%s: vCPU %u must start powered off and be started by the guest (PSCI CPU_ON)\n",
					    current->comm, vcpu->vcpu_idx);
			return -EINVAL;
		}
	}
	if (!*boot)
		return -ENOEXEC;
	/*
	 * Without read-only memslots a VMM's flash (QEMU's -bios, UEFI) is
	 * no memory of the VM: the guest would take an abort on its first
	 * instruction, with nothing said. Refuse it here instead.
	 */
	pc = (*boot)->regs.regs.pc;
	if (!gfn_to_memslot(kvm, gpa_to_gfn(pc))) {
		pr_warn_ratelimited("%s: vCPU 0 starts at %#llx, outside the VM's memory: Gunyah runs guest code only from memslots, and has no read-only ones for flash\n",
				    current->comm, pc);
		return -EINVAL;
	}
	return 0;
}

static void gunyah_kvm_reinit_events(struct gunyah_kvm *gvm)
{
	reinit_completion(&gvm->exited);
	reinit_completion(&gvm->exit_reported);
	reinit_completion(&gvm->reset_done);
	gvm->exit_type = 0;
}

/*
 * Take down what @progress says exists. Returns 0 if the VMID went back to
 * the RM; otherwise the VM is left BROKEN by the caller.
 */
static int gunyah_kvm_teardown(struct gunyah_kvm *gvm, unsigned long progress)
{
	bool reset = false;
	int ret;

	if (progress & GUNYAH_KVM_START_SENT) {
		if (!completion_done(&gvm->exited)) {
			ret = gunyah_rm_vm_stop(gvm->rm, gvm->vmid,
						GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP, 0);
			gvm->kvm.stat.gunyah_rm_calls++;
			if (ret)
				pr_warn("VM %u: STOP failed: %d\n", gvm->vmid, ret);
			if (!wait_for_completion_timeout(&gvm->exited,
							 GUNYAH_KVM_RM_WAIT))
				pr_warn("VM %u: the RM never said it exited\n",
					gvm->vmid);
		}
		/* Every vCPU thread leaves its loop once the VM is not running */
		wait_event(gvm->run_wq, !atomic_read(&gvm->nr_running));
	}
	if (progress & GUNYAH_KVM_INIT_SENT) {
		ret = gunyah_rm_vm_reset(gvm->rm, gvm->vmid);
		gvm->kvm.stat.gunyah_rm_calls++;
		if (ret)
			pr_warn("VM %u: RESET failed: %d\n", gvm->vmid, ret);
		reset = !ret;
	}
	gunyah_kvm_detach_vcpus(gvm);
	gunyah_kvm_irq_detach(gvm);
	gunyah_kvm_mem_reclaim(gvm);
	gunyah_kvm_image_release(gvm);
	if (reset && !wait_for_completion_timeout(&gvm->reset_done,
						  GUNYAH_KVM_RM_WAIT))
		pr_warn("VM %u: the RM never finished its reset\n", gvm->vmid);
	if (progress & GUNYAH_KVM_LISTENING)
		gunyah_rm_vm_unlisten(gvm->rm, &gvm->listener);
	ret = 0;
	if (progress & GUNYAH_KVM_ALLOCATED) {
		ret = gunyah_rm_dealloc_vmid(gvm->rm, gvm->vmid);
		gvm->kvm.stat.gunyah_rm_calls++;
		if (ret)
			pr_err("VM %u: cannot free the VMID: %d; it stays allocated\n",
			       gvm->vmid, ret);
	}
	gvm->vmid = GUNYAH_VMID_INVAL;
	gunyah_kvm_reinit_events(gvm);
	return ret;
}

static int gunyah_kvm_start(struct gunyah_kvm *gvm, unsigned long *progress)
{
	struct gunyah_kvm_vcpu *boot;
	u16 vmid;
	int ret;

	ret = gunyah_kvm_check_vcpus(gvm, &boot);
	if (ret)
		return ret;
	if (!gvm->vgic.ready) {
		pr_warn_ratelimited("%s: Gunyah VMs need the in-kernel vGICv3 (KVM_CREATE_DEVICE, CTRL_INIT)\n",
				    current->comm);
		return -ENXIO;
	}

	ret = gunyah_rm_alloc_vmid(gvm->rm, 0, &vmid);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret) {
		pr_warn("cannot allocate a VM at the RM: %d\n", ret);
		return ret;
	}
	gvm->vmid = vmid;
	*progress |= GUNYAH_KVM_ALLOCATED;
	gvm->listener.vmid = vmid;
	gvm->listener.status = gunyah_kvm_rm_status;
	gvm->listener.exited = gunyah_kvm_rm_exited;
	ret = gunyah_rm_vm_listen(gvm->rm, &gvm->listener);
	if (ret)
		return ret;
	*progress |= GUNYAH_KVM_LISTENING;

	/* Before sharing: it may change the guest's DT, which is then cleaned */
	ret = gunyah_kvm_boot_prepare(gvm, boot);
	ret = ret ?: gunyah_kvm_mem_share(gvm, vmid);
	ret = ret ?: gunyah_kvm_image_prepare(gvm, boot);
	ret = ret ?: gunyah_kvm_configure(gvm);
	if (ret)
		return ret;
	*progress |= GUNYAH_KVM_INIT_SENT;
	ret = gunyah_rm_vm_init(gvm->rm, vmid);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret) {
		pr_warn("VM %u: the RM refused VM_INIT: %d\n", vmid, ret);
		return ret;
	}
	ret = gunyah_kvm_get_resources(gvm);
	if (ret)
		return ret;
	*progress |= GUNYAH_KVM_START_SENT;
	ret = gunyah_rm_vm_start(gvm->rm, vmid);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret) {
		pr_warn("VM %u: VM_START failed: %d\n", vmid, ret);
		/*
		 * A refused START leaves the VM INIT_FAILED, not running. One
		 * whose reply never came, or came unreadable, or was cut off
		 * by the transport, may have started it (gunyah_rm_call()),
		 * and then only STOP lets RESET and the reclaims through.
		 */
		if (ret != -ETIMEDOUT && ret != -EBADMSG && ret != -EIO)
			*progress &= ~GUNYAH_KVM_START_SENT;
		return ret;
	}
	gvm->kvm.stat.gunyah_vm_starts++;
	return 0;
}

static bool gunyah_kvm_vcpus_all_off(struct gunyah_kvm *gvm)
{
	struct kvm *kvm = &gvm->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		if (!READ_ONCE(to_gunyah_vcpu(vcpu)->power_off))
			return false;
	return true;
}

/*
 * Called by a vCPU thread before it runs: starts the VM if it is not
 * running, after tearing down what a guest power-off or reset left.
 * Returns 0 to run, GUNYAH_KVM_VM_STOPPED if no vCPU may run (every one
 * is stopped until the VMM resets it), or an errno.
 */
int gunyah_kvm_vm_enter(struct gunyah_kvm *gvm)
{
	unsigned long progress = 0;
	int ret = 0;

	mutex_lock(&gvm->lock);
	if (gvm->state == GUNYAH_KVM_VM_EXITED) {
		ret = gunyah_kvm_teardown(gvm, GUNYAH_KVM_PROGRESS_ALL);
		WRITE_ONCE(gvm->state, ret ? GUNYAH_KVM_VM_BROKEN :
					     GUNYAH_KVM_VM_NONE);
	}
	switch (gvm->state) {
	case GUNYAH_KVM_VM_NONE:
		/* As native KVM: with every vCPU stopped, nothing runs */
		if (gunyah_kvm_vcpus_all_off(gvm)) {
			ret = GUNYAH_KVM_VM_STOPPED;
			break;
		}
		/* The memory map cannot change under a start */
		mutex_lock(&gvm->kvm.slots_lock);
		ret = gunyah_kvm_start(gvm, &progress);
		mutex_unlock(&gvm->kvm.slots_lock);
		if (ret) {
			if (gunyah_kvm_teardown(gvm, progress))
				WRITE_ONCE(gvm->state, GUNYAH_KVM_VM_BROKEN);
			break;
		}
		WRITE_ONCE(gvm->state, GUNYAH_KVM_VM_RUNNING);
		fallthrough;
	case GUNYAH_KVM_VM_RUNNING:
		atomic_inc(&gvm->nr_running);
		ret = 0;
		break;
	default:
		ret = -EIO;
		break;
	}
	mutex_unlock(&gvm->lock);
	/* Stopped vCPUs wait for the VM to leave the EXITED state */
	wake_up_all(&gvm->run_wq);
	return ret;
}

void gunyah_kvm_vm_leave(struct gunyah_kvm *gvm)
{
	if (atomic_dec_and_test(&gvm->nr_running))
		wake_up_all(&gvm->run_wq);
}

/*
 * A vCPU saw the guest power off or reset: the others stop. Returns true
 * for the one vCPU that reports it.
 *
 * As on native KVM (kvm_prepare_system_event()), every vCPU is then
 * stopped until the VMM resets it with KVM_ARM_VCPU_INIT or
 * KVM_SET_MP_STATE: a KVM_RUN before that sleeps until a signal instead
 * of starting the guest again. QEMU with -no-shutdown, as libvirt runs
 * it, calls KVM_RUN after a power-off and before it stops its vCPUs.
 */
bool gunyah_kvm_vm_exited(struct gunyah_kvm *gvm)
{
	struct kvm *kvm = &gvm->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;

	if (cmpxchg(&gvm->state, GUNYAH_KVM_VM_RUNNING,
		    GUNYAH_KVM_VM_EXITED) != GUNYAH_KVM_VM_RUNNING)
		return false;
	kvm_for_each_vcpu(i, vcpu, kvm)
		WRITE_ONCE(to_gunyah_vcpu(vcpu)->power_off, true);
	wake_up_all(&gvm->run_wq);
	gunyah_kvm_wake_vcpus(gvm);
	return true;
}

void gunyah_kvm_vm_destroy(struct gunyah_kvm *gvm)
{
	mutex_lock(&gvm->lock);
	if (gvm->state == GUNYAH_KVM_VM_RUNNING ||
	    gvm->state == GUNYAH_KVM_VM_EXITED) {
		if (gunyah_kvm_teardown(gvm, GUNYAH_KVM_PROGRESS_ALL))
			pr_err("VM destroyed with its Gunyah VM still allocated\n");
	}
	gvm->state = GUNYAH_KVM_VM_NONE;
	mutex_unlock(&gvm->lock);
}
