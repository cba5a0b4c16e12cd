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
	rm_vm_set_state(e, vm, RM_VM_STATE_EXITED);
	/*
	 * Without FORCE the real RM asks the guest to shut down and the
	 * guest's VM_EXIT ends it.  No secondary guest runs here, so it is
	 * taken to comply at once.
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
	rm_vm_set_state(e, vm, RM_VM_STATE_RESETTING);
	/* The reset stages release the VM's parcels and its config. */
	rm_parcel_vm_reset(e, vm->vmid);
	vm->has_config = false;
	rm_vm_set_state(e, vm, RM_VM_STATE_RESET);
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
	if (auth_type == RM_AUTH_TYPE_NONE || auth_type == RM_AUTH_TYPE_ANDROID)
		rm_vm_set_state(e, vm, RM_VM_STATE_INIT);
	else if (auth_type == RM_AUTH_TYPE_PLATFORM)
		rm_vm_set_state(e, vm, RM_VM_STATE_AUTH);
	else
		rm_vm_set_state(e, vm, RM_VM_STATE_INIT_FAILED);
	return RM_OK;
}

static uint32_t rm_vm_init_vm(struct rm_engine *e, uint16_t client,
			      const uint8_t *buf, size_t len)
{
	struct rm_vm *vm;

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
	rm_vm_set_state(e, vm, RM_VM_STATE_READY);
	return RM_OK;
}

static void rm_vm_get_hyp_resources(struct rm_engine *e, uint16_t client,
				    uint16_t seq, const uint8_t *buf,
				    size_t len)
{
	uint8_t reply[4] = { 0 };	/* le32 count: no resources yet */
	uint32_t err = RM_OK;
	struct rm_vm *vm;

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
	if (err)
		rm_reply(e, client, RM_VM_GET_HYP_RESOURCES, seq, err, NULL, 0);
	else
		rm_reply(e, client, RM_VM_GET_HYP_RESOURCES, seq, RM_OK,
			 reply, sizeof(reply));
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
