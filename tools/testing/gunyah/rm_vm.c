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

/*
 * Have the embedding program create the VM: guest RAM is the image parcel
 * at the config DT's base-address, and the boot vCPU starts at
 * base + image_offset with X0 = base + dt_offset (vm_creation.c).
 */
static uint32_t rm_vm_create(struct rm_engine *e, struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(e, vm->image_handle);
	struct rm_vm_boot boot = {
		.vmid = vm->vmid,
		.nr_vcpus = 1,
		.vcpu_capids = &vm->vcpu_capid,
		.vcpu_capid = vm->vcpu_capid,
		.has_psci = true,
		.mem_base = vm->mem_base,
		.pc = vm->mem_base + vm->image_offset,
		.x0 = vm->mem_base + vm->dt_offset,
	};
	struct rm_guest_region *regions;
	struct rm_acl_entry *acl;
	uint64_t guest_ipa = vm->mem_base;
	unsigned int i;
	int err;

	acl = image ? rm_parcel_acl(image, vm->vmid) : NULL;
	if (!acl)
		return RM_ERROR_MEM_INVALID;
	regions = calloc(image->nr_regions, sizeof(*regions));
	if (!regions)
		return RM_ERROR_NOMEM;
	for (i = 0; i < image->nr_regions; i++) {
		regions[i].guest_ipa = guest_ipa;
		regions[i].primary_ipa = image->regions[i].ipa;
		regions[i].size = image->regions[i].size;
		regions[i].rights = acl->rights;
		guest_ipa += image->regions[i].size;
	}
	boot.nr_regions = image->nr_regions;
	boot.regions = regions;
	err = e->ops.vm_start ? e->ops.vm_start(e->ops.ctx, &boot) : 0;
	free(regions);
	if (err)
		return RM_ERROR_NORESOURCE;
	vm->created = true;
	rm_count(e, "vm_started", 1);
	return RM_OK;
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
	/* Emulator only: KVM could not create the VM; START may be retried. */
	err = rm_vm_create(e, vm);
	if (err)
		return err;
	/*
	 * The real RM maps the parcels given to the VM before START into it
	 * (vm_creation_process_resource()); from then on they are in use.
	 */
	rm_parcel_vm_started(e, vm->vmid);
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
	vm->has_config = false;
	vm->has_vcpu = false;
	vm->vcpu_capid = 0;
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
 * vm_creation_init() (src/vm_creation/second_vm.c): map the config DT out
 * of the image parcel and parse it.  A DT that cannot be read or parsed is
 * MEM_INVALID; one whose values cannot be used is ARGUMENT_INVALID.
 */
static uint32_t rm_vm_read_config(struct rm_engine *e, struct rm_vm *vm)
{
	struct rm_parcel *image = rm_parcel_lookup(e, vm->image_handle);
	struct rm_vm_dt_config cfg;
	uint64_t size;
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
	/* The guest RAM (the whole image parcel) must fit the IPA space. */
	size = image->total_size;
	if (cfg.mem_base + size < cfg.mem_base ||
	    cfg.mem_base + size > RM_SECONDARY_IPA_LIMIT)
		return RM_ERROR_ARGUMENT_INVALID;
	if (e->next_virq < RM_FIRST_VCPU_VIRQ ||
	    e->next_virq > RM_LAST_VCPU_VIRQ)
		e->next_virq = RM_FIRST_VCPU_VIRQ;
	if (e->next_capid < RM_FIRST_VCPU_CAPID)
		e->next_capid = RM_FIRST_VCPU_CAPID;
	vm->mem_base = cfg.mem_base;
	vm->has_vcpu = true;
	vm->vcpu_capid = e->next_capid++;
	vm->vcpu_virq = e->next_virq++;
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
	uint8_t reply[4 + RM_RES_ENTRY_LEN] = { 0 };
	uint32_t err = RM_OK;
	struct rm_vm *vm = NULL;
	uint8_t *entry = reply + 4;
	size_t reply_len = 4;

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
		put_le32(reply, 1);
		entry[0] = RM_RES_VIRTUAL_CPU;
		put_le16(entry + 2, vm->vmid);
		put_le32(entry + 8, 0);			/* label: vCPU 0 */
		put_le32(entry + 12, vm->vcpu_capid);	/* capid_lo */
		put_le32(entry + 24, vm->vcpu_virq);	/* virq_number */
		reply_len += RM_RES_ENTRY_LEN;
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

uint16_t rm_engine_vcpu_cap_vm(struct rm_engine *e, uint64_t capid)
{
	unsigned int i;

	for (i = 0; i < RM_MAX_VMID; i++)
		if (e->vms[i].exists && e->vms[i].has_vcpu &&
		    e->vms[i].vcpu_capid == capid)
			return e->vms[i].vmid;
	return 0;
}

void rm_engine_vm_exited(struct rm_engine *e, uint16_t vmid,
			 uint16_t exit_type)
{
	rm_defer(e, RM_DEFERRED_VM_EXITED, vmid, exit_type);
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
