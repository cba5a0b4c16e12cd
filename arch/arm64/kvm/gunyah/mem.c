// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: guest memory.
 *
 * Each memslot becomes one region when the VM starts: its pages are
 * pinned, cleaned to the point of coherency (the guest starts with its MMU
 * off) and given to the VM as one parcel, which the RM places at the
 * slot's guest address through an "shm" vdevice of the configuration DT.
 * A region goes through explicit states, and every transition is checked
 * before anything changes:
 *
 *   NONE --pin--> PINNED --share--> SHARED --reclaim--> PINNED --unpin--> NONE
 *                                     \--lend---> LENT (guest_memfd) --/
 *   SHARED/LENT --reclaim fails--> LEAKED: pinned for good, reported
 *
 * The host keeps access to SHARED memory (VMMs and the selftests' ucalls
 * read guest RAM through their own mapping); LENT is for private
 * guest_memfd ranges. The RM's budget of 64 parcels is for the whole
 * host (memparcel.c), so every parcel is counted here.
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <asm/cacheflush.h>

#include "gunyah_kvm.h"

enum gunyah_kvm_mem_state {
	GUNYAH_KVM_MEM_NONE,
	GUNYAH_KVM_MEM_PINNED,
	GUNYAH_KVM_MEM_SHARED,
	GUNYAH_KVM_MEM_LENT,
	GUNYAH_KVM_MEM_LEAKED,
};

struct gunyah_kvm_mem_region {
	struct list_head node;
	enum gunyah_kvm_mem_state state;
	u64 ipa;
	unsigned long hva;
	unsigned long nr_pages;
	struct page **pages;
	struct mm_struct *mm;
	u32 label;
	struct gunyah_rm_parcel parcel;
};

static atomic_t gunyah_kvm_parcels_used = ATOMIC_INIT(0);
/* Pages pinned for guests, leaked ones included: 0 once every VM is gone */
static atomic_long_t gunyah_kvm_pinned = ATOMIC_LONG_INIT(0);

long gunyah_kvm_pinned_pages(void)
{
	return atomic_long_read(&gunyah_kvm_pinned);
}

int gunyah_kvm_parcels_get(unsigned int n)
{
	int used = atomic_add_return(n, &gunyah_kvm_parcels_used);

	if (used > GUNYAH_KVM_MAX_PARCELS) {
		atomic_sub(n, &gunyah_kvm_parcels_used);
		pr_warn_ratelimited("the RM's budget of %d memory parcels for this host is used up (%d in use)\n",
				    GUNYAH_KVM_MAX_PARCELS, used - n);
		return -ENOSPC;
	}
	return 0;
}

void gunyah_kvm_parcels_put(unsigned int n)
{
	atomic_sub(n, &gunyah_kvm_parcels_used);
}

static const char *const gunyah_kvm_mem_state_names[] = {
	[GUNYAH_KVM_MEM_NONE]	= "none",
	[GUNYAH_KVM_MEM_PINNED]	= "pinned",
	[GUNYAH_KVM_MEM_SHARED]	= "shared",
	[GUNYAH_KVM_MEM_LENT]	= "lent",
	[GUNYAH_KVM_MEM_LEAKED]	= "leaked",
};

/* The only transitions there are; anything else is a bug of ours */
static bool gunyah_kvm_mem_may(struct gunyah_kvm_mem_region *r,
			       enum gunyah_kvm_mem_state to)
{
	static const u8 allowed[] = {
		[GUNYAH_KVM_MEM_NONE]	= BIT(GUNYAH_KVM_MEM_PINNED),
		[GUNYAH_KVM_MEM_PINNED]	= BIT(GUNYAH_KVM_MEM_SHARED) |
					  BIT(GUNYAH_KVM_MEM_LENT) |
					  BIT(GUNYAH_KVM_MEM_NONE),
		[GUNYAH_KVM_MEM_SHARED]	= BIT(GUNYAH_KVM_MEM_PINNED) |
					  BIT(GUNYAH_KVM_MEM_LEAKED),
		[GUNYAH_KVM_MEM_LENT]	= BIT(GUNYAH_KVM_MEM_PINNED) |
					  BIT(GUNYAH_KVM_MEM_LEAKED),
		[GUNYAH_KVM_MEM_LEAKED]	= 0,
	};

	if (WARN(!(allowed[r->state] & BIT(to)),
		 "guest memory at %#llx: %s -> %s\n", r->ipa,
		 gunyah_kvm_mem_state_names[r->state],
		 gunyah_kvm_mem_state_names[to]))
		return false;
	return true;
}

int gunyah_kvm_mem_check_slot(struct gunyah_kvm *gvm,
			      const struct kvm_memory_slot *slot)
{
	/* As native KVM: memory beyond the VM's IPA space */
	if (slot->base_gfn + slot->npages > BIT_ULL(gvm->ipa_bits - PAGE_SHIFT))
		return -EFAULT;
	/* No stage 2 to track writes in: dirty logging cannot be honoured */
	if (slot->flags & KVM_MEM_LOG_DIRTY_PAGES)
		return -EINVAL;
	return 0;
}

bool gunyah_kvm_mem_overlaps(struct gunyah_kvm *gvm, u64 start, u64 end)
{
	struct kvm_memory_slot *slot;
	int bkt;

	kvm_for_each_memslot(slot, bkt, kvm_memslots(&gvm->kvm)) {
		u64 base = slot->base_gfn << PAGE_SHIFT;

		if (base < end && start < base + (slot->npages << PAGE_SHIFT))
			return true;
	}
	return false;
}

static int gunyah_kvm_mem_pin(struct gunyah_kvm *gvm,
			      struct gunyah_kvm_mem_region *r)
{
	unsigned long done = 0;
	int ret;

	if (!gunyah_kvm_mem_may(r, GUNYAH_KVM_MEM_PINNED))
		return -EINVAL;
	r->pages = kvcalloc(r->nr_pages, sizeof(*r->pages), GFP_KERNEL_ACCOUNT);
	if (!r->pages)
		return -ENOMEM;
	/* Pinned guest memory is locked memory, as pKVM accounts it */
	ret = account_locked_vm(r->mm, r->nr_pages, true);
	if (ret) {
		pr_warn_ratelimited("%s: pinning %lu pages of guest memory exceeds RLIMIT_MEMLOCK\n",
				    current->comm, r->nr_pages);
		goto err_free;
	}
	while (done < r->nr_pages) {
		ret = pin_user_pages_fast(r->hva + (done << PAGE_SHIFT),
					  min_t(unsigned long, r->nr_pages - done, INT_MAX),
					  FOLL_WRITE | FOLL_LONGTERM, r->pages + done);
		if (ret <= 0) {
			ret = ret ?: -EFAULT;
			goto err_unpin;
		}
		done += ret;
	}
	gvm->kvm.stat.gunyah_pinned_pages += r->nr_pages;
	atomic_long_add(r->nr_pages, &gunyah_kvm_pinned);
	r->state = GUNYAH_KVM_MEM_PINNED;
	return 0;

err_unpin:
	unpin_user_pages(r->pages, done);
	account_locked_vm(r->mm, r->nr_pages, false);
err_free:
	kvfree(r->pages);
	r->pages = NULL;
	return ret;
}

static void gunyah_kvm_mem_unpin(struct gunyah_kvm *gvm,
				 struct gunyah_kvm_mem_region *r)
{
	if (!gunyah_kvm_mem_may(r, GUNYAH_KVM_MEM_NONE))
		return;
	unpin_user_pages_dirty_lock(r->pages, r->nr_pages, true);
	/* A VMM that died has no locked-memory count left to lower */
	if (mmget_not_zero(r->mm)) {
		account_locked_vm(r->mm, r->nr_pages, false);
		mmput(r->mm);
	}
	gvm->kvm.stat.gunyah_pinned_pages -= r->nr_pages;
	atomic_long_sub(r->nr_pages, &gunyah_kvm_pinned);
	kvfree(r->pages);
	r->pages = NULL;
	r->state = GUNYAH_KVM_MEM_NONE;
}

static int gunyah_kvm_mem_share_region(struct gunyah_kvm *gvm, u16 vmid,
				       struct gunyah_kvm_mem_region *r)
{
	const struct gunyah_rm_acl_entry acl[2] = {
		{ .vmid = GUNYAH_VMID_HLOS,
		  .perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W },
		{ .vmid = vmid,
		  .perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W | GUNYAH_RM_ACL_X },
	};
	unsigned long i;
	int ret;

	if (!gunyah_kvm_mem_may(r, GUNYAH_KVM_MEM_SHARED))
		return -EINVAL;
	ret = gunyah_kvm_parcels_get(1);
	if (ret)
		return ret;
	ret = gunyah_rm_parcel_init(&r->parcel, gvm->rm, acl, ARRAY_SIZE(acl),
				    r->label, 0);
	for (i = 0; !ret && i < r->nr_pages; i++) {
		void *va = page_address(r->pages[i]);

		/* The guest starts with its MMU off: make the VMM's writes visible */
		dcache_clean_poc((unsigned long)va, (unsigned long)va + PAGE_SIZE);
		ret = gunyah_rm_parcel_add_pages(&r->parcel, r->pages[i], 1);
		/* A QEMU guest's 256 MiB is 65536 pages: let others run */
		cond_resched();
	}
	if (ret)
		goto err;
	ret = gunyah_rm_parcel_share(&r->parcel);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (ret && gunyah_rm_parcel_pages_ours(&r->parcel))
		goto err;
	/* Shared, or an outcome we must resolve as if it were */
	gvm->kvm.stat.gunyah_parcels++;
	r->state = GUNYAH_KVM_MEM_SHARED;
	if (ret)
		pr_warn("VM %u: sharing %lu pages at %#llx failed: %d\n",
			vmid, r->nr_pages, r->ipa, ret);
	return ret;
err:
	gunyah_rm_parcel_destroy(&r->parcel);
	gunyah_kvm_parcels_put(1);
	pr_warn("VM %u: cannot share %lu pages at %#llx: %d\n", vmid,
		r->nr_pages, r->ipa, ret);
	return ret;
}

static void gunyah_kvm_mem_reclaim_region(struct gunyah_kvm *gvm,
					  struct gunyah_kvm_mem_region *r)
{
	gunyah_rm_parcel_reclaim_or_leak(&r->parcel);
	gvm->kvm.stat.gunyah_rm_calls++;
	if (!gunyah_rm_parcel_pages_ours(&r->parcel)) {
		/*
		 * Reported by the parcel with its handle. The VM may still
		 * reach these pages: they stay pinned and accounted forever.
		 */
		if (gunyah_kvm_mem_may(r, GUNYAH_KVM_MEM_LEAKED))
			r->state = GUNYAH_KVM_MEM_LEAKED;
		return;
	}
	gunyah_rm_parcel_destroy(&r->parcel);
	gunyah_kvm_parcels_put(1);
	gvm->kvm.stat.gunyah_parcels--;
	if (gunyah_kvm_mem_may(r, GUNYAH_KVM_MEM_PINNED))
		r->state = GUNYAH_KVM_MEM_PINNED;
}

/* Returns true if the region had to be leaked: then it is never freed */
static bool gunyah_kvm_mem_region_free(struct gunyah_kvm *gvm,
				       struct gunyah_kvm_mem_region *r)
{
	list_del(&r->node);
	if (r->state == GUNYAH_KVM_MEM_SHARED || r->state == GUNYAH_KVM_MEM_LENT)
		gunyah_kvm_mem_reclaim_region(gvm, r);
	if (r->state == GUNYAH_KVM_MEM_PINNED)
		gunyah_kvm_mem_unpin(gvm, r);
	mmdrop(r->mm);
	if (r->state == GUNYAH_KVM_MEM_LEAKED)
		return true;	/* the parcel, the pins and the page array live on */
	kfree(r);
	return false;
}

/*
 * One region per memslot, from the slot's guest address, without the RM's
 * own page at 1 GiB (taken at VM_INIT; the guest sees the RM's page there,
 * never the VMM's).
 */
static int gunyah_kvm_mem_add_region(struct gunyah_kvm *gvm,
				     const struct kvm_memory_slot *slot,
				     u32 label)
{
	struct gunyah_kvm_mem_region *r;
	u64 ipa = slot->base_gfn << PAGE_SHIFT;
	u64 size = slot->npages << PAGE_SHIFT;
	unsigned long hva = slot->userspace_addr;

	if (ipa < GUNYAH_KVM_DEVICE_END) {
		pr_warn_ratelimited("%s: memory at %#llx lies in Gunyah's device range below %#x\n",
				    current->comm, ipa, GUNYAH_KVM_DEVICE_END);
		return -EINVAL;
	}
	if (ipa == GUNYAH_KVM_RM_INFO_PAGE) {
		ipa += PAGE_SIZE;
		hva += PAGE_SIZE;
		size -= PAGE_SIZE;
	}
	if (!size)
		return 0;
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->ipa = ipa;
	r->hva = hva;
	r->nr_pages = size >> PAGE_SHIFT;
	r->label = label;
	r->mm = gvm->kvm.mm;
	mmgrab(r->mm);
	r->state = GUNYAH_KVM_MEM_NONE;
	list_add_tail(&r->node, &gvm->mem_regions);
	return gunyah_kvm_mem_pin(gvm, r);
}

int gunyah_kvm_mem_share(struct gunyah_kvm *gvm, u16 vmid)
{
	struct gunyah_kvm_mem_region *r;
	struct kvm_memory_slot *slot;
	int bkt, ret = 0;
	u32 label = 0;

	if (current->mm != gvm->kvm.mm)
		return -EIO;
	kvm_for_each_memslot(slot, bkt, kvm_memslots(&gvm->kvm)) {
		ret = gunyah_kvm_mem_add_region(gvm, slot, ++label);
		if (ret)
			return ret;
	}
	list_for_each_entry(r, &gvm->mem_regions, node) {
		ret = gunyah_kvm_mem_share_region(gvm, vmid, r);
		if (ret)
			return ret;
	}
	return 0;
}

/* Returns the number of pages leaked */
int gunyah_kvm_mem_reclaim(struct gunyah_kvm *gvm)
{
	struct gunyah_kvm_mem_region *r, *tmp;
	unsigned long nr_pages;
	int leaked = 0;
	u64 ipa;

	list_for_each_entry_safe(r, tmp, &gvm->mem_regions, node) {
		nr_pages = r->nr_pages;
		ipa = r->ipa;
		if (gunyah_kvm_mem_region_free(gvm, r)) {
			pr_err("%lu pages of guest memory at %#llx stay pinned: Gunyah did not give them back\n",
			       nr_pages, ipa);
			leaked += nr_pages;
		}
	}
	return leaked;
}

int gunyah_kvm_mem_visit_regions(struct gunyah_kvm *gvm,
				 gunyah_kvm_region_fn fn, void *data)
{
	struct gunyah_kvm_mem_region *r;
	int ret;

	list_for_each_entry(r, &gvm->mem_regions, node) {
		ret = fn(data, r->label, r->ipa);
		if (ret)
			return ret;
	}
	return 0;
}
