// SPDX-License-Identifier: GPL-2.0
/*
 * Resource Manager VM management: VMID allocation, the VM state machine and
 * the requests that drive it.  Rules and error codes follow
 * quic/gunyah-resource-manager src/vm_mgnt/vm_mgnt.c,
 * src/vm_creation/vm_creation.c, src/vm_creation/second_vm.c and
 * src/vm_config/vm_get_resources.c.
 */
#include <stdlib.h>
#include <string.h>

#include "rm_internal.h"

void rm_vm_init(struct rm_engine *e)
{
	/* vm_mgnt_init(): the RM and the primary VM (HLOS) always exist. */
	e->vms[VMID_RM] = (struct rm_vm){ .exists = true, .vmid = VMID_RM,
		.owner = VMID_RM, .state = RM_VM_STATE_RUNNING };
	e->vms[VMID_HLOS] = (struct rm_vm){ .exists = true, .vmid = VMID_HLOS,
		.owner = VMID_RM, .state = RM_VM_STATE_RUNNING };
}

/* vm_mgnt_state_change_valid(), for VMs without no_shutdown/no_reset. */
static bool rm_vm_state_change_valid(const struct rm_vm *vm, uint8_t to)
{
	switch (to) {
	case RM_VM_STATE_INIT:
		return vm->state == RM_VM_STATE_LOAD ||
		       vm->state == RM_VM_STATE_AUTH ||
		       vm->state == RM_VM_STATE_RESET;
	case RM_VM_STATE_READY:
		return vm->state == RM_VM_STATE_INIT;
	case RM_VM_STATE_RUNNING:
		return vm->state == RM_VM_STATE_READY ||
		       vm->state == RM_VM_STATE_PAUSED;
	case RM_VM_STATE_AUTH:
		return vm->state == RM_VM_STATE_LOAD ||
		       vm->state == RM_VM_STATE_RESET;
	case RM_VM_STATE_EXITED:
		return vm->state == RM_VM_STATE_RUNNING ||
		       vm->state == RM_VM_STATE_PAUSED;
	case RM_VM_STATE_RESETTING:
		return vm->state == RM_VM_STATE_EXITED ||
		       vm->state == RM_VM_STATE_READY ||
		       vm->state == RM_VM_STATE_INIT_FAILED;
	case RM_VM_STATE_RESET:
		return vm->state == RM_VM_STATE_RESETTING;
	default:
		return false;
	}
}

/* vm_mgnt_send_state(): tell the owner (a peer) the new state. */
static void rm_vm_set_state(struct rm_engine *e, struct rm_vm *vm,
			    uint8_t state)
{
	uint8_t msg[8] = { 0 };

	vm->state = state;
	if (vm->owner == VMID_RM)
		return;
	put_le16(msg, vm->vmid);
	msg[4] = state;
	rm_notify(e, vm->owner, RM_NOTIFY_VM_STATUS, msg, sizeof(msg));
}

static void rm_vm_send_exited(struct rm_engine *e, struct rm_vm *vm,
			      uint16_t exit_type)
{
	/* rm_notify_vm_exited_t: vmid, exit_type, le32 reason size (0). */
	uint8_t msg[8] = { 0 };

	put_le16(msg, vm->vmid);
	put_le16(msg + 2, exit_type);
	rm_notify(e, vm->owner, RM_NOTIFY_VM_EXITED, msg, sizeof(msg));
}

static bool rm_vmid_is_secondary(uint32_t vmid)
{
	return vmid < 64 && (RM_QEMU_SECONDARY_VMIDS >> vmid) & 1;
}

/* Requests that name a VM carry {le16 vmid, ...} and must be @len long. */
static uint32_t rm_vm_target(struct rm_engine *e, const uint8_t *buf,
			     size_t len, size_t want, struct rm_vm **vm)
{
	if (len != want)
		return RM_ERROR_MSG_INVALID;
	*vm = rm_vm_lookup(e, get_le16(buf));
	return *vm ? RM_OK : RM_ERROR_VMID_INVALID;
}

static void rm_vm_allocate(struct rm_engine *e, uint16_t client,
			   uint16_t seq, const uint8_t *buf, size_t len)
{
	uint32_t vmid, err = RM_OK;
	bool dynamic = false;

	if (client != VMID_HLOS) {
		err = RM_ERROR_DENIED;
		goto out;
	}
	if (len != 4) {
		err = RM_ERROR_MSG_INVALID;
		goto out;
	}
	vmid = get_le16(buf);
	if (vmid == 0) {
		/* Lowest free dynamic VMID, as compiler_ffs() picks it. */
		for (vmid = VMID_DYNAMIC_BASE; vmid < VMID_DYNAMIC_END; vmid++)
			if (!e->vms[vmid].exists)
				break;
		if (vmid == VMID_DYNAMIC_END)
			vmid = 0;
		dynamic = true;
	} else if (!rm_vmid_is_secondary(vmid) || e->vms[vmid].exists) {
		vmid = 0;
	}
	if (vmid == 0) {
		err = RM_ERROR_NORESOURCE;
		goto out;
	}
	e->vms[vmid] = (struct rm_vm){ .exists = true, .vmid = (uint16_t)vmid,
		.owner = client, .state = RM_VM_STATE_LOAD };
	if (dynamic) {
		uint8_t reply[4];

		put_le32(reply, vmid);
		rm_reply(e, client, RM_VM_ALLOCATE, seq, RM_OK, reply, 4);
		return;
	}
out:
	rm_reply(e, client, RM_VM_ALLOCATE, seq, err, NULL, 0);
}

static uint32_t rm_vm_deallocate(struct rm_engine *e, uint16_t client,
				 const uint8_t *buf, size_t len)
{
	struct rm_vm *vm;
	uint32_t err;

	/* The real RM asserts on an unknown VMID; we answer VMID_INVALID. */
	err = rm_vm_target(e, buf, len, 4, &vm);
	if (err)
		return err;
	if (client != vm->owner)
		return RM_ERROR_DENIED;
	if (vm->state != RM_VM_STATE_LOAD && vm->state != RM_VM_STATE_RESET)
		return RM_ERROR_VM_STATE;
	free(vm->rx.buf);
	memset(vm, 0, sizeof(*vm));
	return RM_OK;
}

/* The QEMU platform reserves [0, 1 GiB) of a secondary VM for devices. */
#define RM_VMMIO_END		BIT_ULL(30)
/* vm_creation_pv_time.c: the VM info area */
#define RM_INFO_SIZE		0x1000ull
/* platform/qemu/include/vgic.h vgic_alignment */
#define RM_GIC_ALIGN		0x10000ull

struct rm_ipa_range {
	uint64_t base;
	uint64_t size;
};

static bool rm_ipa_overlaps(const struct rm_ipa_range *r, unsigned int n,
			    uint64_t base, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (base < r[i].base + r[i].size && r[i].base < base + size)
			return true;
	return false;
}

/*
 * Can [base, base + size) be given to the VM next to the @n ranges it has?
 * vm_address_range_alloc() at a fixed address: inside the 36-bit IPA
 * space, clear of what is there; @vdevice ranges (the vGIC) may lie in the
 * reserved range [0, 1 GiB), memory may not.
 */
static bool rm_ipa_free(const struct rm_ipa_range *r, unsigned int n,
			uint64_t base, uint64_t size, bool vdevice)
{
	return size && base + size > base &&
	       base + size <= RM_SECONDARY_IPA_LIMIT &&
	       (vdevice || base >= RM_VMMIO_END) &&
	       !rm_ipa_overlaps(r, n, base, size);
}

/* vm_address_range_alloc() with no address: the lowest free, aligned. */
static uint64_t rm_ipa_alloc(const struct rm_ipa_range *r, unsigned int n,
			     uint64_t size, uint64_t align)
{
	uint64_t base = RM_VMMIO_END;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (base < r[i].base + r[i].size && r[i].base < base + size) {
			base = (r[i].base + r[i].size + align - 1) &
			       ~(align - 1);
			i = (unsigned int)-1;	/* look at every range again */
		}
	}
	return base;
}

/* The RM's own ranges in the VM: info area, GICD, GICR. */
static unsigned int rm_vm_own_ranges(const struct rm_vm *vm,
				     struct rm_ipa_range *r)
{
	r[0] = (struct rm_ipa_range){ vm->info_ipa, RM_INFO_SIZE };
	r[1] = (struct rm_ipa_range){ vm->gicd_base, RM_GICD_SIZE };
	r[2] = (struct rm_ipa_range){ vm->gicr_base,
				      RM_GICR_SIZE * vm->nr_vcpus };
	return 3;
}

/* The first shm vdevice of the VM for parcels labelled @label, or NULL. */
static const struct rm_vm_dt_shm *rm_vm_shm(const struct rm_vm *vm,
					    uint32_t label)
{
	unsigned int i;

	for (i = 0; i < vm->cfg.nr_shm; i++)
		if (vm->cfg.shm[i].label == label)
			return &vm->cfg.shm[i];
	return NULL;
}

/*
 * vm_creation_process_memparcel() for a READY VM the owner notified of
 * parcel @p: if an shm vdevice with a fixed base names @p's label, accept
 * @p there (accept_memparcel_fixed()).  1: accepted, 0: no vdevice wants
 * it (or it is in already), -1: the accept failed.
 */
int rm_vm_accept_shm(struct rm_engine *e, struct rm_vm *vm,
		     struct rm_parcel *p)
{
	const struct rm_vm_dt_shm *shm = rm_vm_shm(vm, p->label);
	struct rm_acl_entry *acl = rm_parcel_acl(p, vm->vmid);
	struct rm_ipa_range r[3];
	unsigned int n;

	if (!acl || acl->shared || !shm || shm->allocate)
		return 0;
	n = rm_vm_own_ranges(vm, r);
	if (!rm_ipa_free(r, n, shm->base, p->total_size, false)) {
		rm_count(e, "rm_shm_accept_failed", 1);
		return -1;
	}
	rm_parcel_vm_accept(p, vm->vmid);
	return 1;
}

/* memparcel_is_private(), production build: exclusive, RWX, normal. */
static bool rm_parcel_is_private(const struct rm_parcel *p, uint16_t vmid)
{
	return p->mem_type == RM_MEM_TYPE_NORMAL && !p->label &&
	       p->nr_acl == 1 && p->acl[0].vmid == vmid &&
	       p->acl[0].rights == RM_RIGHTS_RWX &&
	       p->acl[0].attr == RM_MEM_ATTR_NORMAL;
}

/* A parcel START gives the VM, and where. */
struct rm_vm_take {
	struct rm_parcel *p;
	uint64_t ipa;
	uint8_t rights;
	bool taken;		/* accepted by this START */
};

struct rm_vm_layout {
	unsigned int nr_parcels;	/* parcels naming the VM */
	struct rm_parcel **parcels;	/* in the order they were made */
	unsigned int nr_used;
	struct rm_ipa_range *used;
	unsigned int nr_takes;
	struct rm_vm_take *takes;
};

static void rm_vm_take(struct rm_vm_layout *l, struct rm_parcel *p,
		       uint64_t ipa, uint8_t rights, bool taken)
{
	l->takes[l->nr_takes++] = (struct rm_vm_take){ p, ipa, rights, taken };
	l->used[l->nr_used++] = (struct rm_ipa_range){ ipa, p->total_size };
}

static int rm_parcel_cmp(const void *a, const void *b)
{
	const struct rm_parcel *pa = *(struct rm_parcel *const *)a;
	const struct rm_parcel *pb = *(struct rm_parcel *const *)b;

	return pa->handle < pb->handle ? -1 : pa->handle > pb->handle;
}

/*
 * vm_creation.c process_memparcels() at START: the image parcel at
 * base-address (process_image_memparcel()); every parcel whose label an
 * shm vdevice with a fixed base names at that base, keeping its
 * transaction type and rights (accept_memparcel_fixed(), a failure fails
 * START); then every private parcel (memparcel_is_private()) right after
 * the guest memory so far (accept_memparcel_private(), which accepts a
 * LEND only; a failure is a warning).  Other parcels naming the VM are
 * left alone.  Parcels are accepted as the RM goes, so after a failure
 * those taken so far stay with the VM until RESET, as on the real RM.
 */
static uint32_t rm_vm_place(struct rm_engine *e, struct rm_vm *vm,
			    struct rm_vm_layout *l)
{
	struct rm_parcel *image = rm_parcel_lookup(e, vm->image_handle);
	uint64_t next;
	unsigned int i;
	struct rm_parcel *p;

	for (p = e->parcels; p; p = p->next)
		l->nr_parcels++;
	l->parcels = calloc(l->nr_parcels + 1, sizeof(*l->parcels));
	l->used = calloc(l->nr_parcels + 3, sizeof(*l->used));
	l->takes = calloc(l->nr_parcels + 1, sizeof(*l->takes));
	if (!l->parcels || !l->used || !l->takes)
		return RM_ERROR_NOMEM;
	l->nr_parcels = 0;
	for (p = e->parcels; p; p = p->next)
		if (p != image && p->state != RM_PARCEL_INIT &&
		    p->owner != vm->vmid && rm_parcel_acl(p, vm->vmid))
			l->parcels[l->nr_parcels++] = p;
	qsort(l->parcels, l->nr_parcels, sizeof(*l->parcels), rm_parcel_cmp);
	l->nr_used = rm_vm_own_ranges(vm, l->used);

	if (!rm_ipa_free(l->used, l->nr_used, vm->mem_base, image->total_size,
			 false))
		return RM_ERROR_NORESOURCE;
	rm_vm_take(l, image, vm->mem_base, RM_RIGHTS_RWX, true);
	rm_parcel_vm_accept(image, vm->vmid);

	for (i = 0; i < l->nr_parcels; i++) {
		const struct rm_vm_dt_shm *shm;
		struct rm_acl_entry *acl;

		p = l->parcels[i];
		shm = rm_vm_shm(vm, p->label);
		if (!shm || shm->allocate)
			continue;
		acl = rm_parcel_acl(p, vm->vmid);
		if (acl->shared) {	/* accepted while READY */
			rm_vm_take(l, p, shm->base, acl->rights, false);
			continue;
		}
		if (!rm_ipa_free(l->used, l->nr_used, shm->base,
				 p->total_size, false))
			return RM_ERROR_NORESOURCE;
		rm_vm_take(l, p, shm->base, acl->rights, true);
		rm_parcel_vm_accept(p, vm->vmid);
	}

	next = vm->mem_base + image->total_size;
	for (i = 0; i < l->nr_parcels; i++) {
		p = l->parcels[i];
		if (rm_parcel_acl(p, vm->vmid)->shared ||
		    !rm_parcel_is_private(p, vm->vmid))
			continue;
		if (p->trans_type != RM_TRANS_LEND || p->nr_attr ||
		    !rm_ipa_free(l->used, l->nr_used, next, p->total_size,
				 false)) {
			rm_count(e, "rm_private_accept_failed", 1);
			continue;
		}
		rm_vm_take(l, p, next, RM_RIGHTS_RWX, true);
		rm_parcel_vm_accept(p, vm->vmid);
		next += p->total_size;
	}
	/*
	 * process_dtb(): the overlay patches the vGIC node, which
	 * vgic_dto_finalise() cannot do without a valid one ("Invalid or
	 * missing VGIC node"), and /chosen (patch_chosen_node()), which
	 * fdt_overlay_apply() cannot do if the DT has none.
	 */
	if (!vm->cfg.has_gic || !vm->cfg.has_chosen)
		return RM_ERROR_NORESOURCE;
	return RM_OK;
}

static void rm_vm_layout_free(struct rm_vm_layout *l)
{
	free(l->parcels);
	free(l->used);
	free(l->takes);
}

/*
 * Place the VM's memory and have the embedding program create it: the
 * boot vCPU starts at base + image_offset with X0 = base + dt_offset
 * (vm_creation.c).
 */
static uint32_t rm_vm_create(struct rm_engine *e, struct rm_vm *vm)
{
	struct rm_vm_boot boot = {
		.vmid = vm->vmid,
		.nr_vcpus = vm->nr_vcpus,
		.vcpu_capids = vm->vcpu_capids,
		.vcpu_virqs = vm->vcpu_virqs,
		.vcpu_capid = vm->vcpu_capids[0],
		.boot_vcpus = vm->cfg.boot_vcpus,
		.has_psci = vm->cfg.has_psci,
		.gicd_base = vm->gicd_base,
		.gicr_base = vm->gicr_base,
		.info_ipa = vm->info_ipa,
		.nr_doorbells = vm->nr_doorbells,
		.doorbells = vm->doorbells,
		.mem_base = vm->mem_base,
		.pc = vm->mem_base + vm->image_offset,
		.x0 = vm->mem_base + vm->dt_offset,
	};
	struct rm_vm_layout l = { 0 };
	struct rm_guest_region *regions = NULL;
	unsigned int i, j, n = 0;
	uint32_t err;

	err = rm_vm_place(e, vm, &l);
	if (err) {
		/* process_memparcels() failed: the VM is INIT_FAILED. */
		if (err == RM_ERROR_NORESOURCE)
			rm_vm_set_state(e, vm, RM_VM_STATE_INIT_FAILED);
		goto out;
	}
	for (i = 0; i < l.nr_takes; i++)
		n += l.takes[i].p->nr_regions;
	regions = calloc(n, sizeof(*regions));
	if (!regions) {
		err = RM_ERROR_NOMEM;
		goto undo;
	}
	for (i = 0, n = 0; i < l.nr_takes; i++) {
		const struct rm_vm_take *t = &l.takes[i];
		uint64_t ipa = t->ipa;

		for (j = 0; j < t->p->nr_regions; j++, n++) {
			regions[n].guest_ipa = ipa;
			regions[n].primary_ipa = t->p->regions[j].ipa;
			regions[n].size = t->p->regions[j].size;
			regions[n].rights = t->rights;
			ipa += t->p->regions[j].size;
		}
	}
	boot.nr_regions = n;
	boot.regions = regions;
	/* Emulator only: KVM could not create the VM; START may be retried. */
	if (e->ops.vm_start && e->ops.vm_start(e->ops.ctx, &boot)) {
		err = RM_ERROR_NORESOURCE;
		goto undo;
	}
	vm->created = true;
	rm_count(e, "vm_started", 1);
	goto out;
undo:
	for (i = 0; i < l.nr_takes; i++)
		if (l.takes[i].taken)
			rm_parcel_vm_unaccept(l.takes[i].p, vm->vmid);
out:
	free(regions);
	rm_vm_layout_free(&l);
	return err;
}

/*
 * vm_creation.c process_image_memparcel(): the RM accepts the image parcel
 * for the VM as a LEND with MEM_ACCEPT_FLAG_VALIDATE_ACL_ATTR and the ACL
 * {vmid, RWX}, no attributes: anything else (a SHARE, other rights, more
 * VMs, a parcel gone since INIT) fails the accept, and with it START.
 * (Only a debug build with PLATFORM_VM_DEBUG_ACCESS_ALLOWED relaxes this;
 * the emulator models the production rule.)
 */
static bool rm_vm_image_acceptable(struct rm_engine *e, struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(e, vm->image_handle);

	return image && image->state != RM_PARCEL_INIT &&
	       image->trans_type == RM_TRANS_LEND &&
	       image->mem_type == RM_MEM_TYPE_NORMAL && image->nr_acl == 1 &&
	       image->acl[0].vmid == vm->vmid &&
	       image->acl[0].rights == RM_RIGHTS_RWX && !image->nr_attr &&
	       !image->acl[0].shared;
}

static uint32_t rm_vm_start(struct rm_engine *e, uint16_t client,
			    const uint8_t *buf, size_t len)
{
	struct rm_vm *vm;
	uint32_t err;

	err = rm_vm_target(e, buf, len, 4, &vm);
	if (err)
		return err;
	if (client != vm->owner)
		return RM_ERROR_DENIED;
	if (vm->state != RM_VM_STATE_READY)
		return RM_ERROR_VM_STATE;
	/*
	 * vm_mgnt_handle_start(): when vm_creation_process_resource() fails
	 * START answers NORESOURCE and the VM goes INIT_FAILED; only RESET
	 * (then DEALLOCATE or a new CONFIG_IMAGE) follows.
	 */
	if (!rm_vm_image_acceptable(e, vm)) {
		rm_vm_set_state(e, vm, RM_VM_STATE_INIT_FAILED);
		return RM_ERROR_NORESOURCE;
	}
	err = rm_vm_create(e, vm);
	if (err)
		return err;
	rm_vm_set_state(e, vm, RM_VM_STATE_RUNNING);
	return RM_OK;
}

static uint32_t rm_vm_stop(struct rm_engine *e, uint16_t client,
			   const uint8_t *buf, size_t len)
{
	struct rm_vm *vm;
	uint32_t err;

	err = rm_vm_target(e, buf, len, 8, &vm);
	if (err)
		return err;
	/* vm_mgnt_handle_stop() answers VMID_INVALID to a non-owner. */
	if (client != vm->owner)
		return RM_ERROR_VMID_INVALID;
	if (!rm_vm_state_change_valid(vm, RM_VM_STATE_EXITED))
		return RM_ERROR_VM_STATE;
	if (vm->created && e->ops.vm_stop)
		e->ops.vm_stop(e->ops.ctx, vm->vmid);
	rm_vm_set_state(e, vm, RM_VM_STATE_EXITED);
	/*
	 * Without FORCE the real RM sends the guest NOTIFY_VM_SHUTDOWN and
	 * the guest's own exit ends it.  Secondary guests here cannot receive
	 * RM notifications, so the guest is taken to comply at once.
	 */
	rm_vm_send_exited(e, vm, (buf[2] & RM_VM_STOP_FLAG_FORCE) ?
				 RM_EXIT_TYPE_VM_STOP_FORCED :
				 RM_EXIT_TYPE_VM_EXIT);
	return RM_OK;
}

static uint32_t rm_vm_reset(struct rm_engine *e, uint16_t client,
			    const uint8_t *buf, size_t len)
{
	struct rm_vm *vm;
	uint32_t err;

	err = rm_vm_target(e, buf, len, 4, &vm);
	if (err)
		return err;
	if (client != vm->owner)
		return RM_ERROR_VMID_INVALID;
	if (!rm_vm_state_change_valid(vm, RM_VM_STATE_RESETTING))
		return RM_ERROR_VM_STATE;
	/* vm_mgnt_handle_reset(): RESETTING is sent before the reply. */
	rm_vm_set_state(e, vm, RM_VM_STATE_RESETTING);
	if (vm->created && e->ops.vm_destroy)
		e->ops.vm_destroy(e->ops.ctx, vm->vmid);
	vm->created = false;
	/*
	 * The reset stages (vm_mgnt.c vm_reset_callback()) run from the RM's
	 * event loop after the reply.  On the real RM a RECLAIM right after
	 * the reply already succeeds, so the parcels and the config are
	 * released here; only the final RESET state, which DEALLOCATE and
	 * CONFIG_IMAGE wait for, comes later.
	 */
	rm_parcel_vm_reset(e, vm->vmid);
	if (vm->has_vcpu && e->ops.vdevices_destroy)
		e->ops.vdevices_destroy(e->ops.ctx, vm->vmid);
	vm->has_config = false;
	vm->has_vcpu = false;
	vm->nr_vcpus = 0;
	vm->nr_doorbells = 0;
	rm_defer(e, RM_DEFERRED_VM_RESET_DONE, vm->vmid, 0);
	return RM_OK;
}

static uint32_t rm_vm_config_image(struct rm_engine *e, uint16_t client,
				   const uint8_t *buf, size_t len)
{
	uint64_t image_offset, image_size, dt_offset, dt_size;
	struct rm_parcel *image;
	uint16_t auth_type;
	struct rm_vm *vm;
	uint32_t err;

	if (client != VMID_HLOS)
		return RM_ERROR_DENIED;
	err = rm_vm_target(e, buf, len, RM_CONFIG_IMAGE_REQ_LEN, &vm);
	if (err)
		return err;
	if (client != vm->owner)
		return RM_ERROR_DENIED;
	if (!rm_vm_state_change_valid(vm, RM_VM_STATE_AUTH))
		return RM_ERROR_VM_STATE;

	auth_type = get_le16(buf + 2);
	image_offset = get_le64(buf + 8);
	image_size = get_le64(buf + 16);
	dt_offset = get_le64(buf + 24);
	dt_size = get_le64(buf + 32);

	/* second_vm.c: the image parcel must be one given to this VM. */
	image = rm_parcel_lookup(e, get_le32(buf + 4));
	if (!image || !rm_parcel_acl(image, vm->vmid) ||
	    image->state == RM_PARCEL_INIT) {
		err = RM_ERROR_MEM_INVALID;
	} else if (image_offset + image_size < image_offset ||
		   image_offset + image_size > image->total_size ||
		   dt_offset + dt_size < dt_offset ||
		   dt_offset + dt_size > image->total_size) {
		err = RM_ERROR_ARGUMENT_INVALID;
	}
	if (err) {
		rm_vm_set_state(e, vm, RM_VM_STATE_INIT_FAILED);
		return err;
	}
	vm->has_config = true;
	vm->image_handle = image->handle;
	vm->image_offset = image_offset;
	vm->image_size = image_size;
	vm->dt_offset = dt_offset;
	vm->dt_size = dt_size;
	if (auth_type == RM_AUTH_TYPE_NONE || auth_type == RM_AUTH_TYPE_ANDROID)
		rm_vm_set_state(e, vm, RM_VM_STATE_INIT);
	else if (auth_type == RM_AUTH_TYPE_PLATFORM)
		rm_vm_set_state(e, vm, RM_VM_STATE_AUTH);
	else
		rm_vm_set_state(e, vm, RM_VM_STATE_INIT_FAILED);
	return RM_OK;
}

/*
 * INIT takes the VM's own IPA ranges.  vm_config_init_addrspace()
 * (src/vm_config/vm_config.c) makes the allocator with [0, 1 GiB) reserved
 * and vm_creation_config_vm_info_area() (vm_creation_pv_time.c) takes a
 * 4 KiB VM info area at the lowest free address: 0x40000000.  Then
 * vgic_vm_config_add() (platform/qemu/src/vgic.c) puts GICD (64 KiB) and
 * GICR (128 KiB per vCPU) at the GIC node's reg, 64 KiB aligned, or, with
 * no usable GIC node, at the lowest free 64 KiB / 128 KiB aligned ranges;
 * a failure there fails vm_config_create_vdevices(): NORESOURCE.
 */
static uint32_t rm_vm_place_own(struct rm_vm *vm,
				const struct rm_vm_dt_config *cfg)
{
	struct rm_ipa_range r[2];
	uint64_t gicr_size = RM_GICR_SIZE * cfg->nr_vcpus;

	vm->info_ipa = rm_ipa_alloc(NULL, 0, RM_INFO_SIZE, RM_INFO_SIZE);
	r[0] = (struct rm_ipa_range){ vm->info_ipa, RM_INFO_SIZE };
	if (cfg->gic_has_reg) {
		vm->gicd_base = cfg->gicd_base;
		vm->gicr_base = cfg->gicr_base;
		if (vm->gicd_base % RM_GIC_ALIGN || vm->gicr_base % RM_GIC_ALIGN ||
		    !rm_ipa_free(r, 1, vm->gicd_base, RM_GICD_SIZE, true))
			return RM_ERROR_NORESOURCE;
		r[1] = (struct rm_ipa_range){ vm->gicd_base, RM_GICD_SIZE };
		if (!rm_ipa_free(r, 2, vm->gicr_base, gicr_size, true))
			return RM_ERROR_NORESOURCE;
		return RM_OK;
	}
	vm->gicd_base = rm_ipa_alloc(r, 1, RM_GICD_SIZE, RM_GICD_SIZE);
	r[1] = (struct rm_ipa_range){ vm->gicd_base, RM_GICD_SIZE };
	vm->gicr_base = rm_ipa_alloc(r, 2, gicr_size, RM_GICR_SIZE);
	return RM_OK;
}

/* Is INTID @virq bound to one of the first @n doorbells of @vm? */
static bool rm_vm_virq_used(const struct rm_vm *vm, unsigned int n,
			    uint32_t virq)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (vm->doorbells[i].virq == virq)
			return true;
	return false;
}

/*
 * vm_config.c handle_doorbell(), configure_doorbell_with_peer(): a doorbell
 * object per doorbell vdevice, bound to a vIRQ of the VM.  A given
 * interrupt must be a global one (32 to 1019) no earlier vdevice took
 * (irq_manager_vm_virq_map()); without one the RM takes the lowest free
 * from 960 up (alloc_map_virq()).  Either failure fails
 * vm_config_create_vdevices(): NORESOURCE.  With peer-default the owner
 * gets a capability with the send right, and with source-can-clear the
 * receive right too.  A peer named by "peer" is looked up by name; the
 * emulator knows no VM names, so such a doorbell stays half made, its
 * vIRQ taken and no capability handed out, as on the RM when the peer
 * does not exist yet.  Several doorbells may share a label.
 */
static uint32_t rm_vm_make_doorbells(struct rm_engine *e, struct rm_vm *vm,
				     const struct rm_vm_dt_config *cfg)
{
	unsigned int i;

	vm->nr_doorbells = 0;
	for (i = 0; i < cfg->nr_doorbells; i++) {
		const struct rm_vm_dt_doorbell *d = &cfg->doorbells[i];
		struct rm_doorbell *db = &vm->doorbells[i];
		uint32_t virq = d->irq;

		if (!d->has_irq)
			for (virq = RM_VIRQ_ALLOC_BASE;
			     virq <= RM_VIRQ_GLOBAL_LAST &&
			     rm_vm_virq_used(vm, i, virq); virq++)
				;
		if (virq < RM_VIRQ_GLOBAL_FIRST || virq > RM_VIRQ_GLOBAL_LAST ||
		    rm_vm_virq_used(vm, i, virq))
			return RM_ERROR_NORESOURCE;
		memset(db, 0, sizeof(*db));
		db->virq = virq;
		db->label = d->label;
		db->owner_can_receive = d->source_can_clear;
		if (d->peer_default)
			db->capid = e->next_capid++;
	}
	vm->nr_doorbells = cfg->nr_doorbells;
	return RM_OK;
}

/*
 * vm_creation_init() (src/vm_creation/second_vm.c): map the config DT out
 * of the image parcel and parse it.  A DT that cannot be read or parsed is
 * MEM_INVALID; one whose values cannot be used is ARGUMENT_INVALID.
 */
static uint32_t rm_vm_read_config(struct rm_engine *e, struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(e, vm->image_handle);
	struct rm_vm_dt_config cfg;
	unsigned int i;
	uint8_t *dt;
	uint32_t err;

	if (!image || !rm_parcel_acl(image, vm->vmid) ||
	    vm->dt_size > RM_MAX_CONFIG_DT)
		return RM_ERROR_MEM_INVALID;
	dt = malloc(vm->dt_size ? vm->dt_size : 1);
	if (!dt)
		return RM_ERROR_NOMEM;
	if (rm_parcel_read(e, image, vm->dt_offset, dt, vm->dt_size)) {
		free(dt);
		return RM_ERROR_MEM_INVALID;
	}
	err = rm_vm_config_parse(dt, vm->dt_size, &cfg);
	free(dt);
	if (err)
		return err;
	if (cfg.mem_base_rounded)
		rm_count(e, "rm_warn_base_not_2m_aligned", 1);
	/* vm_config_create_vdevices(): vCPUs, doorbells, then the vGIC */
	if (e->next_capid < RM_FIRST_VCPU_CAPID)
		e->next_capid = RM_FIRST_VCPU_CAPID;
	for (i = 0; i < cfg.nr_vcpus; i++) {
		if (e->next_virq < RM_FIRST_VCPU_VIRQ ||
		    e->next_virq > RM_LAST_VCPU_VIRQ)
			e->next_virq = RM_FIRST_VCPU_VIRQ;
		vm->vcpu_capids[i] = e->next_capid++;
		vm->vcpu_virqs[i] = e->next_virq++;
	}
	err = rm_vm_make_doorbells(e, vm, &cfg);
	if (!err)
		err = rm_vm_place_own(vm, &cfg);
	/* The hypervisor's objects, their capabilities and vIRQs. */
	if (!err && e->ops.vdevices_create &&
	    e->ops.vdevices_create(e->ops.ctx, vm->vmid, cfg.nr_vcpus,
				   vm->vcpu_capids, vm->nr_doorbells,
				   vm->doorbells))
		err = RM_ERROR_NOMEM;
	if (err) {
		vm->nr_doorbells = 0;
		return err;
	}
	vm->cfg = cfg;
	vm->nr_vcpus = cfg.nr_vcpus;
	vm->mem_base = cfg.mem_base;
	vm->has_vcpu = true;
	return RM_OK;
}

static uint32_t rm_vm_init_vm(struct rm_engine *e, uint16_t client,
			      const uint8_t *buf, size_t len)
{
	struct rm_vm *vm;
	uint32_t err;

	if (client != VMID_HLOS)
		return RM_ERROR_DENIED;
	if (len != 4 || get_le16(buf + 2) != 0)
		return RM_ERROR_MSG_INVALID;
	vm = rm_vm_lookup(e, get_le16(buf));
	if (!vm)
		return RM_ERROR_VMID_INVALID;
	if (client != vm->owner)
		return RM_ERROR_DENIED;
	if (vm->state != RM_VM_STATE_INIT)
		return RM_ERROR_VM_STATE;
	err = rm_vm_read_config(e, vm);
	rm_vm_set_state(e, vm, err ? RM_VM_STATE_INIT_FAILED :
				     RM_VM_STATE_READY);
	return err;
}

static void rm_vm_get_hyp_resources(struct rm_engine *e, uint16_t client,
				    uint16_t seq, const uint8_t *buf,
				    size_t len)
{
	uint8_t reply[4 + (RM_MAX_VCPUS + RM_MAX_DOORBELLS) *
		      RM_RES_ENTRY_LEN] = { 0 };
	uint32_t err = RM_OK;
	struct rm_vm *vm = NULL;
	size_t reply_len = 4;
	unsigned int i;

	if (len != 4) {
		err = RM_ERROR_MSG_INVALID;
	} else {
		vm = rm_vm_lookup(e, get_le16(buf));
		/* vm_config_get_resource_descs() */
		if (!vm)
			err = RM_ERROR_ARGUMENT_INVALID;
		else if (!vm->has_config && vm->vmid != VMID_HLOS)
			err = RM_ERROR_NORESOURCE;
	}
	/*
	 * vm_config_get_resource_descs(): the owner gets an RSC_VIRTUAL_CPU
	 * entry per vCPU, label = vCPU index, its capability and the number
	 * of its wakeup ("proxy") vIRQ.  The real RM leaves partner_vmid 0;
	 * the emulator puts the VM's VMID there.
	 */
	if (!err && vm->has_vcpu && client == vm->owner) {
		for (i = 0; i < vm->nr_vcpus; i++) {
			uint8_t *entry = reply + reply_len;

			entry[0] = RM_RES_VIRTUAL_CPU;
			put_le16(entry + 2, vm->vmid);
			put_le32(entry + 8, i);			/* label */
			put_le32(entry + 12, vm->vcpu_capids[i]);
			put_le32(entry + 24, vm->vcpu_virqs[i]);
			reply_len += RM_RES_ENTRY_LEN;
		}
		/*
		 * get_vdev_doorbell_desc(): the owner, the default peer of a
		 * doorbell with no peer vdevice, gets its source end: label,
		 * its capability, vIRQ 0 and the VM as partner_vmid.
		 */
		for (i = 0; i < vm->nr_doorbells; i++) {
			const struct rm_doorbell *db = &vm->doorbells[i];
			uint8_t *entry = reply + reply_len;

			if (!db->capid)
				continue;
			entry[0] = RM_RES_DOORBELL_SRC;
			put_le16(entry + 2, vm->vmid);
			put_le32(entry + 8, db->label);
			put_le32(entry + 12, db->capid);
			reply_len += RM_RES_ENTRY_LEN;
		}
		put_le32(reply, (uint32_t)((reply_len - 4) / RM_RES_ENTRY_LEN));
	}
	if (err)
		rm_reply(e, client, RM_VM_GET_HYP_RESOURCES, seq, err, NULL, 0);
	else
		rm_reply(e, client, RM_VM_GET_HYP_RESOURCES, seq, RM_OK,
			 reply, reply_len);
}

bool rm_vm_handle(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
		  uint16_t seq, const uint8_t *buf, size_t len)
{
	uint8_t reply[4];
	uint32_t err;

	switch (msg_id) {
	case RM_VM_GET_VMID:
		if (len) {
			rm_reply(e, vmid, msg_id, seq, RM_ERROR_MSG_INVALID,
				 NULL, 0);
		} else {
			put_le32(reply, vmid);
			rm_reply(e, vmid, msg_id, seq, RM_OK, reply, 4);
		}
		return true;
	case RM_VM_ALLOCATE:
		rm_vm_allocate(e, vmid, seq, buf, len);
		return true;
	case RM_VM_GET_HYP_RESOURCES:
		rm_vm_get_hyp_resources(e, vmid, seq, buf, len);
		return true;
	case RM_VM_DEALLOCATE:
		err = rm_vm_deallocate(e, vmid, buf, len);
		break;
	case RM_VM_START:
		err = rm_vm_start(e, vmid, buf, len);
		break;
	case RM_VM_STOP:
		err = rm_vm_stop(e, vmid, buf, len);
		break;
	case RM_VM_RESET:
		err = rm_vm_reset(e, vmid, buf, len);
		break;
	case RM_VM_CONFIG_IMAGE:
		err = rm_vm_config_image(e, vmid, buf, len);
		break;
	case RM_VM_INIT:
		err = rm_vm_init_vm(e, vmid, buf, len);
		break;
	default:
		return false;
	}
	rm_reply(e, vmid, msg_id, seq, err, NULL, 0);
	return true;
}

void rm_engine_vm_exited(struct rm_engine *e, uint16_t vmid,
			 enum rm_hyp_vm_exit how)
{
	rm_defer(e, RM_DEFERRED_VM_EXITED, vmid,
		 how == RM_HYP_EXIT_SYSTEM_RESET ? RM_EXIT_TYPE_PLATFORM_RESET :
						   RM_EXIT_TYPE_PLATFORM_OFF);
}

void rm_vm_run_deferred(struct rm_engine *e, const struct rm_deferred *d)
{
	struct rm_vm *vm = rm_vm_lookup(e, d->vmid);

	if (!vm)
		return;
	switch (d->kind) {
	case RM_DEFERRED_VM_EXITED:
		/* A STOP may have got there first: nothing left to do. */
		if (!rm_vm_state_change_valid(vm, RM_VM_STATE_EXITED))
			return;
		rm_vm_set_state(e, vm, RM_VM_STATE_EXITED);
		rm_vm_send_exited(e, vm, d->exit_type);
		break;
	case RM_DEFERRED_VM_RESET_DONE:
		/* VM_RESET_STAGE_COMPLETED */
		if (vm->state == RM_VM_STATE_RESETTING)
			rm_vm_set_state(e, vm, RM_VM_STATE_RESET);
		break;
	}
}
