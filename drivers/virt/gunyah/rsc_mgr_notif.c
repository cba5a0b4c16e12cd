// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resource Manager notifications, decoded and routed to their owner: VM
 * notifications (VM_STATUS, VM_EXITED) and memory shared with us (MEM_SHARED)
 * to the listener of that VMID, and notifications about parcels we own
 * (MEM_ACCEPTED, MEM_RELEASED) to the parcel object with that handle.
 *
 * Layouts: quic/gunyah-resource-manager include/vm_mgnt_message.h
 * (rm_notify_vm_status_t, rm_notify_vm_exited_t) and include/memparcel_msg.h
 * (memparcel_shared_notif_t, memparcel_owner_notif_t).
 *
 * Ordering: the RM's messages are handled one at a time in the order they
 * arrive; a notification is delivered, synchronously, before any reply that
 * came after it completes its caller. So a caller that sees a reply knows
 * every notification the RM sent before that reply has been delivered.
 */

#include <linux/list.h>
#include <linux/mutex.h>

#include "rsc_mgr.h"

struct gunyah_rm_vm_status_payload {
	__le16 vmid;
	__le16 reserved;
	u8 vm_status;
	u8 os_status;
	__le16 app_status;
} __packed;

struct gunyah_rm_vm_exited_payload {
	__le16 vmid;
	__le16 exit_type;
	__le32 exit_reason_size;
	/* exit reason follows */
} __packed;

struct gunyah_rm_mem_shared_payload {
	__le32 mem_handle;
	u8 mem_type;
	u8 trans_type;
	u8 flags;
	u8 reserved0;
	__le16 owner_vmid;
	__le16 reserved1;
	__le32 label;
	__le32 mem_info_tag;
	/* ACL, SGL and attribute lists follow */
} __packed;

struct gunyah_rm_mem_owner_payload {
	__le32 mem_handle;
	__le16 vmid;
	__le16 reserved;
	__le32 mem_info_tag;
} __packed;

static_assert(sizeof(struct gunyah_rm_vm_status_payload) == 8);
static_assert(sizeof(struct gunyah_rm_vm_exited_payload) == 8);
static_assert(sizeof(struct gunyah_rm_mem_shared_payload) == 20);
static_assert(sizeof(struct gunyah_rm_mem_owner_payload) == 12);

/**
 * gunyah_rm_vm_listen() - receive the notifications of one VM
 * @rm: the RM
 * @listener: VMID and callbacks, see struct gunyah_rm_vm_listener
 *
 * Return: 0, or -EBUSY if the VMID already has a listener.
 */
int gunyah_rm_vm_listen(struct gunyah_rm *rm,
			struct gunyah_rm_vm_listener *listener)
{
	struct gunyah_rm_vm_listener *other;
	int ret = 0;

	mutex_lock(&rm->listeners_lock);
	list_for_each_entry(other, &rm->vm_listeners, node) {
		if (other->vmid == listener->vmid) {
			ret = -EBUSY;
			goto out;
		}
	}
	list_add_tail(&listener->node, &rm->vm_listeners);
out:
	mutex_unlock(&rm->listeners_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_listen);

/**
 * gunyah_rm_vm_unlisten() - stop receiving a VM's notifications
 * @rm: the RM
 * @listener: registered with gunyah_rm_vm_listen()
 *
 * When this returns, no callback of @listener runs or will run.
 */
void gunyah_rm_vm_unlisten(struct gunyah_rm *rm,
			   struct gunyah_rm_vm_listener *listener)
{
	mutex_lock(&rm->listeners_lock);
	list_del(&listener->node);
	mutex_unlock(&rm->listeners_lock);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_unlisten);

/* Make @parcel reachable by its handle; the handle must be set */
void gunyah_rm_parcel_track(struct gunyah_rm_parcel *parcel)
{
	struct gunyah_rm *rm = parcel->rm;

	mutex_lock(&rm->listeners_lock);
	list_add_tail(&parcel->node, &rm->parcels);
	mutex_unlock(&rm->listeners_lock);
}

/* When this returns, no notification reaches @parcel any more */
void gunyah_rm_parcel_untrack(struct gunyah_rm_parcel *parcel)
{
	struct gunyah_rm *rm = parcel->rm;

	mutex_lock(&rm->listeners_lock);
	list_del_init(&parcel->node);
	mutex_unlock(&rm->listeners_lock);
}

static struct gunyah_rm_vm_listener *
gunyah_rm_find_listener(struct gunyah_rm *rm, u16 vmid)
{
	struct gunyah_rm_vm_listener *listener;

	lockdep_assert_held(&rm->listeners_lock);
	list_for_each_entry(listener, &rm->vm_listeners, node)
		if (listener->vmid == vmid)
			return listener;

	return NULL;
}

static bool gunyah_rm_vm_status(struct gunyah_rm *rm, const void *payload,
				size_t size)
{
	const struct gunyah_rm_vm_status_payload *wire = payload;
	struct gunyah_rm_vm_listener *listener;
	struct gunyah_rm_vm_status status;

	if (size < sizeof(*wire))
		return false;
	status.vmid = le16_to_cpu(wire->vmid);
	status.vm_status = wire->vm_status;
	status.os_status = wire->os_status;
	status.app_status = le16_to_cpu(wire->app_status);

	listener = gunyah_rm_find_listener(rm, status.vmid);
	if (!listener || !listener->status)
		return false;
	listener->status(listener, &status);

	return true;
}

static bool gunyah_rm_vm_exited(struct gunyah_rm *rm, const void *payload,
				size_t size)
{
	const struct gunyah_rm_vm_exited_payload *wire = payload;
	struct gunyah_rm_vm_listener *listener;
	struct gunyah_rm_vm_exited exited;

	/* The exit reason may be cut short; its length is only reported */
	if (size < sizeof(*wire))
		return false;
	exited.vmid = le16_to_cpu(wire->vmid);
	exited.exit_type = le16_to_cpu(wire->exit_type);
	exited.exit_reason_size = le32_to_cpu(wire->exit_reason_size);

	listener = gunyah_rm_find_listener(rm, exited.vmid);
	if (!listener || !listener->exited)
		return false;
	listener->exited(listener, &exited);

	return true;
}

static bool gunyah_rm_mem_shared(struct gunyah_rm *rm, const void *payload,
				 size_t size)
{
	const struct gunyah_rm_mem_shared_payload *wire = payload;
	struct gunyah_rm_vm_listener *listener;
	struct gunyah_rm_mem_shared shared;

	if (size < sizeof(*wire))
		return false;
	shared.mem_handle = le32_to_cpu(wire->mem_handle);
	shared.mem_type = wire->mem_type;
	shared.trans_type = wire->trans_type;
	shared.owner_vmid = le16_to_cpu(wire->owner_vmid);
	shared.label = le32_to_cpu(wire->label);
	shared.mem_info_tag = le32_to_cpu(wire->mem_info_tag);

	listener = gunyah_rm_find_listener(rm, shared.owner_vmid);
	if (!listener || !listener->mem_shared)
		return false;
	listener->mem_shared(listener, &shared);

	return true;
}

static bool gunyah_rm_mem_owner(struct gunyah_rm *rm, u32 msg_id,
				const void *payload, size_t size)
{
	const struct gunyah_rm_mem_owner_payload *wire = payload;
	struct gunyah_rm_parcel *parcel;
	u32 handle;
	u16 vmid;

	if (size < sizeof(*wire))
		return false;
	handle = le32_to_cpu(wire->mem_handle);
	vmid = le16_to_cpu(wire->vmid);

	lockdep_assert_held(&rm->listeners_lock);
	list_for_each_entry(parcel, &rm->parcels, node) {
		if (parcel->handle != handle)
			continue;
		if (msg_id == GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED &&
		    parcel->accepted) {
			parcel->accepted(parcel, vmid);
			return true;
		}
		if (msg_id == GUNYAH_RM_NOTIFICATION_MEM_RELEASED &&
		    parcel->released) {
			parcel->released(parcel, vmid);
			return true;
		}
		return false;
	}

	return false;
}

/**
 * gunyah_rm_notification() - deliver one notification to its owner
 * @rm: the RM it came from
 * @msg_id: notification ID
 * @payload: payload (not trusted: every length is checked)
 * @size: payload length
 *
 * Context: the RM's receive path; see the ordering note at the top.
 */
void gunyah_rm_notification(struct gunyah_rm *rm, u32 msg_id,
			    const void *payload, size_t size)
{
	bool handled = false;

	mutex_lock(&rm->listeners_lock);
	switch (msg_id) {
	case GUNYAH_RM_NOTIFICATION_VM_STATUS:
		handled = gunyah_rm_vm_status(rm, payload, size);
		break;
	case GUNYAH_RM_NOTIFICATION_VM_EXITED:
		handled = gunyah_rm_vm_exited(rm, payload, size);
		break;
	case GUNYAH_RM_NOTIFICATION_MEM_SHARED:
		handled = gunyah_rm_mem_shared(rm, payload, size);
		break;
	case GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED:
	case GUNYAH_RM_NOTIFICATION_MEM_RELEASED:
		handled = gunyah_rm_mem_owner(rm, msg_id, payload, size);
		break;
	}
	mutex_unlock(&rm->listeners_lock);

	if (!handled) {
		atomic_inc(&rm->stats.unhandled_notifications);
		dev_dbg(rm->dev, "notification %#x (%zu bytes) had no owner\n",
			msg_id, size);
	}
}
