/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Client interface of the Gunyah Resource Manager (RM), the privileged VM
 * that creates VMs and moves memory between them on the host's request.
 *
 * Message IDs, structures and error codes follow
 * quic/gunyah-resource-manager: include/rm_types.h, include/memparcel_msg.h,
 * include/vm_mgnt_message.h, include/vm_creation_message.h,
 * include/vm_resource_msg.h.
 */

#ifndef _LINUX_GUNYAH_RSC_MGR_H
#define _LINUX_GUNYAH_RSC_MGR_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/notifier.h>
#include <linux/types.h>

/* VMIDs of include/rm_types.h */
#define GUNYAH_VMID_HYP		0x0
#define GUNYAH_VMID_HLOS	0x3	/* the primary VM: us */
#define GUNYAH_VMID_RM		0xff
#define GUNYAH_VMID_INVAL	U16_MAX

/* Message IDs: VM management */
#define GUNYAH_RM_RPC_VM_ALLOC_VMID		0x56000001
#define GUNYAH_RM_RPC_VM_DEALLOC_VMID		0x56000002
#define GUNYAH_RM_RPC_VM_START			0x56000004
#define GUNYAH_RM_RPC_VM_STOP			0x56000005
#define GUNYAH_RM_RPC_VM_RESET			0x56000006
#define GUNYAH_RM_RPC_VM_CONFIG_IMAGE		0x56000009
#define GUNYAH_RM_RPC_VM_INIT			0x5600000B
#define GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES	0x56000020
#define GUNYAH_RM_RPC_VM_GET_VMID		0x56000024

/* Message IDs: memory parcels */
#define GUNYAH_RM_RPC_MEM_DONATE		0x51000010
#define GUNYAH_RM_RPC_MEM_ACCEPT		0x51000011
#define GUNYAH_RM_RPC_MEM_LEND			0x51000012
#define GUNYAH_RM_RPC_MEM_SHARE			0x51000013
#define GUNYAH_RM_RPC_MEM_RELEASE		0x51000014
#define GUNYAH_RM_RPC_MEM_RECLAIM		0x51000015
#define GUNYAH_RM_RPC_MEM_NOTIFY		0x51000017
#define GUNYAH_RM_RPC_MEM_APPEND		0x51000018

/* Notification IDs */
#define GUNYAH_RM_NOTIFICATION_VM_EXITED	0x56100001
#define GUNYAH_RM_NOTIFICATION_VM_SHUTDOWN	0x56100002
#define GUNYAH_RM_NOTIFICATION_VM_STATUS	0x56100008
#define GUNYAH_RM_NOTIFICATION_MEM_SHARED	0x51100011
#define GUNYAH_RM_NOTIFICATION_MEM_RELEASED	0x51100012
#define GUNYAH_RM_NOTIFICATION_MEM_ACCEPTED	0x51100013
#define GUNYAH_RM_NOTIFICATION_MEM_RECALL	0x51100014

/* RM error codes (rm_error_t, include/rm_types.h) */
enum gunyah_rm_error {
	GUNYAH_RM_ERROR_OK			= 0x0,
	GUNYAH_RM_ERROR_UNIMPLEMENTED		= 0xFFFFFFFF,
	GUNYAH_RM_ERROR_NOMEM			= 0x1,
	GUNYAH_RM_ERROR_NORESOURCE		= 0x2,
	GUNYAH_RM_ERROR_DENIED			= 0x3,
	GUNYAH_RM_ERROR_INVALID			= 0x4,
	GUNYAH_RM_ERROR_BUSY			= 0x5,
	GUNYAH_RM_ERROR_ARGUMENT_INVALID	= 0x6,
	GUNYAH_RM_ERROR_HANDLE_INVALID		= 0x7,
	GUNYAH_RM_ERROR_VALIDATE_FAILED		= 0x8,
	GUNYAH_RM_ERROR_MAP_FAILED		= 0x9,
	GUNYAH_RM_ERROR_MEM_INVALID		= 0xA,
	GUNYAH_RM_ERROR_MEM_INUSE		= 0xB,
	GUNYAH_RM_ERROR_MEM_RELEASED		= 0xC,
	GUNYAH_RM_ERROR_VMID_INVALID		= 0xD,
	GUNYAH_RM_ERROR_LOOKUP_FAILED		= 0xE,
	GUNYAH_RM_ERROR_IRQ_INVALID		= 0xF,
	GUNYAH_RM_ERROR_IRQ_INUSE		= 0x10,
	GUNYAH_RM_ERROR_IRQ_RELEASED		= 0x11,
	GUNYAH_RM_ERROR_IN_USE			= 0x12,
	GUNYAH_RM_ERROR_IRQ_NOT_MAPPED		= 0x13,
	GUNYAH_RM_ERROR_VM_STATE		= 0x14,
};

int gunyah_rm_error_remap(u32 rm_error);

struct gunyah_rm;

struct gunyah_rm *gunyah_rm_get(void);
void gunyah_rm_put(struct gunyah_rm *rm);

int gunyah_rm_call(struct gunyah_rm *rm, u32 message_id, const void *req_buf,
		   size_t req_buf_size, void **resp_buf, size_t *resp_buf_size);

/**
 * struct gunyah_rm_notification - what subscribers of the notifier chain get
 * @rm: the RM the notification came from
 * @payload: notification payload (no header)
 * @size: payload length
 *
 * The notifier "action" is the notification ID. Payloads are not trusted:
 * subscribers must check @size before reading.
 */
struct gunyah_rm_notification {
	struct gunyah_rm *rm;
	const void *payload;
	size_t size;
};

int gunyah_rm_notifier_register(struct gunyah_rm *rm,
				struct notifier_block *nb);
int gunyah_rm_notifier_unregister(struct gunyah_rm *rm,
				  struct notifier_block *nb);

/* Payload of GUNYAH_RM_NOTIFICATION_VM_STATUS (rm_notify_vm_status_t) */
struct gunyah_rm_vm_status_payload {
	__le16 vmid;
	u16 reserved;
	u8 vm_status;
	u8 os_status;
	__le16 app_status;
} __packed;

/* vm_status values (vm_state_t of the RM) */
enum gunyah_rm_vm_status {
	GUNYAH_RM_VM_STATUS_NO_STATE		= 0,
	GUNYAH_RM_VM_STATUS_INIT		= 1,
	GUNYAH_RM_VM_STATUS_READY		= 2,
	GUNYAH_RM_VM_STATUS_RUNNING		= 3,
	GUNYAH_RM_VM_STATUS_PAUSED		= 4,
	GUNYAH_RM_VM_STATUS_LOAD		= 5,
	GUNYAH_RM_VM_STATUS_AUTH		= 6,
	GUNYAH_RM_VM_STATUS_INIT_FAILED		= 8,
	GUNYAH_RM_VM_STATUS_EXITED		= 9,
	GUNYAH_RM_VM_STATUS_RESETTING		= 10,
	GUNYAH_RM_VM_STATUS_RESET		= 11,
};

/* Payload of GUNYAH_RM_NOTIFICATION_VM_EXITED (rm_notify_vm_exited_t) */
struct gunyah_rm_vm_exited_payload {
	__le16 vmid;
	__le16 exit_type;
	__le32 exit_reason_size;
	u8 exit_reason[];
} __packed;

/* VM lifecycle */
int gunyah_rm_alloc_vmid(struct gunyah_rm *rm, u16 vmid, u16 *allocated_vmid);
int gunyah_rm_dealloc_vmid(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_reset(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_start(struct gunyah_rm *rm, u16 vmid);
int gunyah_rm_vm_init(struct gunyah_rm *rm, u16 vmid);

/* VM_STOP_FLAG_FORCE of include/vm_mgnt_message.h */
#define GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP	BIT(0)
int gunyah_rm_vm_stop(struct gunyah_rm *rm, u16 vmid, u8 flags,
		      u32 stop_reason);

/* auth_type of VM_CONFIG_IMAGE (vm_auth_type_t, include/rm_types.h) */
#define GUNYAH_RM_VM_AUTH_NONE			0
#define GUNYAH_RM_VM_AUTH_PLATFORM		1
#define GUNYAH_RM_VM_AUTH_ANDROID		2

/**
 * struct gunyah_rm_vm_config_image - VM_CONFIG_IMAGE arguments
 * @auth_type: GUNYAH_RM_VM_AUTH_*
 * @image_mem_handle: memory parcel holding the image and the config DT
 * @image_offset: image start inside the parcel
 * @image_size: image size
 * @dtb_offset: config DT start inside the parcel
 * @dtb_size: config DT size
 */
struct gunyah_rm_vm_config_image {
	u16 auth_type;
	u32 image_mem_handle;
	u64 image_offset;
	u64 image_size;
	u64 dtb_offset;
	u64 dtb_size;
};

int gunyah_rm_vm_configure(struct gunyah_rm *rm, u16 vmid,
			   const struct gunyah_rm_vm_config_image *config);
int gunyah_rm_get_vmid(struct gunyah_rm *rm, u16 *vmid);

/* resource_type_t of include/vm_resource_msg.h */
enum gunyah_rm_resource_type {
	GUNYAH_RESOURCE_TYPE_BELL_TX		= 0,
	GUNYAH_RESOURCE_TYPE_BELL_RX		= 1,
	GUNYAH_RESOURCE_TYPE_MSGQ_TX		= 2,
	GUNYAH_RESOURCE_TYPE_MSGQ_RX		= 3,
	GUNYAH_RESOURCE_TYPE_VCPU		= 4,
	GUNYAH_RESOURCE_TYPE_VPM		= 5,
	GUNYAH_RESOURCE_TYPE_VIRTIO_MMIO	= 6,
	GUNYAH_RESOURCE_TYPE_VRTC		= 7,
	GUNYAH_RESOURCE_TYPE_WATCHDOG		= 8,
};

/**
 * struct gunyah_rm_hyp_resource - one decoded GET_HYP_RESOURCES entry
 * @type: enum gunyah_rm_resource_type
 * @partner_vmid: the VM at the other end
 * @resource_handle: RM handle
 * @resource_label: label; the vCPU index for vCPUs
 * @capid: capability ID for the caller
 * @virq_handle: RM handle of the interrupt
 * @virq: interrupt number (GIC SPI number space) or U32_MAX
 * @base: base address for memory-mapped resources
 * @size: size for memory-mapped resources
 */
struct gunyah_rm_hyp_resource {
	u8 type;
	u16 partner_vmid;
	u32 resource_handle;
	u32 resource_label;
	u64 capid;
	u32 virq_handle;
	u32 virq;
	u64 base;
	u64 size;
};

/**
 * struct gunyah_rm_hyp_resources - decoded GET_HYP_RESOURCES reply
 * @n_entries: number of @entries
 * @entries: the resources
 */
struct gunyah_rm_hyp_resources {
	u32 n_entries;
	struct gunyah_rm_hyp_resource entries[] __counted_by(n_entries);
};

int gunyah_rm_get_hyp_resources(struct gunyah_rm *rm, u16 vmid,
				struct gunyah_rm_hyp_resources **resources);

/* Memory parcels (include/memparcel_msg.h) */
enum gunyah_rm_mem_type {
	GUNYAH_RM_MEM_TYPE_NORMAL	= 0,
	GUNYAH_RM_MEM_TYPE_IO		= 1,
};

#define GUNYAH_RM_ACL_X		BIT(0)
#define GUNYAH_RM_ACL_W		BIT(1)
#define GUNYAH_RM_ACL_R		BIT(2)

/* Wire formats of the parcel lists */
struct gunyah_rm_mem_acl_entry {
	__le16 vmid;
	u8 perms;
	u8 reserved;
} __packed;

struct gunyah_rm_mem_entry {
	__le64 phys_addr;
	__le64 size;
} __packed;

struct gunyah_rm_mem_attr_entry {
	__le16 attr;
	__le16 vmid;
} __packed;

/* MEM_CREATE flags the caller may set; APPEND is managed by the client */
#define GUNYAH_RM_MEM_CREATE_SANITIZE	BIT(0)

/* Per-message SGL limit of the RM (MAX_LIST_ENTRIES, include/memparcel.h) */
#define GUNYAH_RM_MAX_MEM_ENTRIES	512

/**
 * struct gunyah_rm_mem_parcel - a parcel to donate, lend or share
 * @mem_type: GUNYAH_RM_MEM_TYPE_*
 * @label: client label
 * @flags: GUNYAH_RM_MEM_CREATE_*
 * @n_acl_entries: ACL length (at least one)
 * @acl_entries: who gets which rights
 * @n_mem_entries: SGL length (at least one; any number, split by the client)
 * @mem_entries: the memory, as intermediate physical addresses of the caller
 * @n_attr_entries: attribute list length (may be 0)
 * @attr_entries: per-VM memory attributes
 * @mem_handle: receives the RM's handle on success
 */
struct gunyah_rm_mem_parcel {
	enum gunyah_rm_mem_type mem_type;
	u32 label;
	u8 flags;
	size_t n_acl_entries;
	struct gunyah_rm_mem_acl_entry *acl_entries;
	size_t n_mem_entries;
	struct gunyah_rm_mem_entry *mem_entries;
	size_t n_attr_entries;
	struct gunyah_rm_mem_attr_entry *attr_entries;
	u32 mem_handle;
};

#define GUNYAH_RM_MEM_HANDLE_INVAL	U32_MAX

int gunyah_rm_mem_donate(struct gunyah_rm *rm,
			 struct gunyah_rm_mem_parcel *parcel);
int gunyah_rm_mem_lend(struct gunyah_rm *rm,
		       struct gunyah_rm_mem_parcel *parcel);
int gunyah_rm_mem_share(struct gunyah_rm *rm,
			struct gunyah_rm_mem_parcel *parcel);

#define GUNYAH_RM_MEM_RELEASE_SANITIZE	BIT(0)
#define GUNYAH_RM_MEM_RECLAIM_SANITIZE	BIT(0)
int gunyah_rm_mem_release(struct gunyah_rm *rm, u32 mem_handle, u8 flags);
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm, u32 mem_handle, u8 flags);

/* trans_type of MEM_ACCEPT */
#define GUNYAH_RM_TRANS_TYPE_DONATE	0
#define GUNYAH_RM_TRANS_TYPE_LEND	1
#define GUNYAH_RM_TRANS_TYPE_SHARE	2

#define GUNYAH_RM_MEM_ACCEPT_VALIDATE_SANITIZED	BIT(0)
#define GUNYAH_RM_MEM_ACCEPT_VALIDATE_ACL_ATTRS	BIT(1)
#define GUNYAH_RM_MEM_ACCEPT_VALIDATE_LABEL	BIT(2)
#define GUNYAH_RM_MEM_ACCEPT_MAP_OTHER		BIT(3)
#define GUNYAH_RM_MEM_ACCEPT_MAP_CONTIGUOUS	BIT(4)
#define GUNYAH_RM_MEM_ACCEPT_SANITIZE		BIT(5)
#define GUNYAH_RM_MEM_ACCEPT_DONE		BIT(7)

/**
 * struct gunyah_rm_mem_accept - MEM_ACCEPT arguments
 * @mem_handle: parcel to accept
 * @mem_type: GUNYAH_RM_MEM_TYPE_*
 * @trans_type: GUNYAH_RM_TRANS_TYPE_*
 * @flags: GUNYAH_RM_MEM_ACCEPT_*
 * @label: label to validate
 * @map_vmid: VM to map into, with GUNYAH_RM_MEM_ACCEPT_MAP_OTHER
 * @n_acl_entries: ACL to validate (may be 0)
 * @acl_entries: the ACL
 * @n_mem_entries: where to map (may be 0: the RM chooses)
 * @mem_entries: the addresses
 * @n_attr_entries: attributes to validate (may be 0)
 * @attr_entries: the attributes
 */
struct gunyah_rm_mem_accept {
	u32 mem_handle;
	u8 mem_type;
	u8 trans_type;
	u8 flags;
	u32 label;
	u16 map_vmid;
	size_t n_acl_entries;
	struct gunyah_rm_mem_acl_entry *acl_entries;
	size_t n_mem_entries;
	struct gunyah_rm_mem_entry *mem_entries;
	size_t n_attr_entries;
	struct gunyah_rm_mem_attr_entry *attr_entries;
};

int gunyah_rm_mem_accept(struct gunyah_rm *rm,
			 const struct gunyah_rm_mem_accept *accept);

#define GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED	BIT(0)
#define GUNYAH_RM_MEM_NOTIFY_OWNER_RELEASED	BIT(1)
#define GUNYAH_RM_MEM_NOTIFY_OWNER_ACCEPTED	BIT(2)
#define GUNYAH_RM_MEM_NOTIFY_RECIPIENT_RECALL	BIT(3)

int gunyah_rm_mem_notify(struct gunyah_rm *rm, u32 mem_handle, u8 flags,
			 u32 mem_info_tag, const u16 *vmids, size_t n_vmids);

#endif
