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
#include <linux/list.h>
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
#define GUNYAH_RM_RPC_MEM_ACCEPT		0x51000011
#define GUNYAH_RM_RPC_MEM_LEND			0x51000012
#define GUNYAH_RM_RPC_MEM_SHARE			0x51000013
#define GUNYAH_RM_RPC_MEM_RELEASE		0x51000014
#define GUNYAH_RM_RPC_MEM_RECLAIM		0x51000015
#define GUNYAH_RM_RPC_MEM_NOTIFY		0x51000017
#define GUNYAH_RM_RPC_MEM_APPEND		0x51000018
/* Finds a parcel by its ACL and memory (memparcel_lookup_req_t) */
#define GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL	0x5100001A

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

struct auxiliary_device;
struct folio;
struct page;
struct scatterlist;
struct gunyah_rm;

/*
 * The RM client is permanent: its platform driver is built in and cannot be
 * unbound, so a struct gunyah_rm lives until the system goes down. Clients
 * bind to the auxiliary device the RM probe creates ("gunyah_rsc_mgr.vm") and
 * hold a reference to the RM's device while they use it.
 */
#define GUNYAH_RM_AUXDEV_MODNAME	"gunyah_rsc_mgr"
#define GUNYAH_RM_AUXDEV_VM		"vm"

struct gunyah_rm *gunyah_rm_from_auxdev(struct auxiliary_device *adev);
struct gunyah_rm *gunyah_rm_get(struct gunyah_rm *rm);
void gunyah_rm_put(struct gunyah_rm *rm);
struct device *gunyah_rm_dev(struct gunyah_rm *rm);
int gunyah_rm_virq_to_irq(struct gunyah_rm *rm, u32 virq);

/* vm_status values (vm_state_t of the RM) */
enum gunyah_rm_vm_state {
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

/* exit_type of VM_EXITED (vm_exit_type_t) */
enum gunyah_rm_vm_exit_type {
	GUNYAH_RM_VM_EXIT_VM_EXIT		= 0,
	GUNYAH_RM_VM_EXIT_PLATFORM_OFF		= 1,
	GUNYAH_RM_VM_EXIT_PLATFORM_RESET	= 2,
	GUNYAH_RM_VM_EXIT_PSCI_SYSTEM_RESET2	= 3,
	GUNYAH_RM_VM_EXIT_SOFTWARE_ERROR	= 5,
	GUNYAH_RM_VM_EXIT_STOP_FORCED		= 7,
};

/**
 * struct gunyah_rm_vm_status - decoded VM_STATUS notification
 * @vmid: the VM
 * @vm_status: enum gunyah_rm_vm_state
 * @os_status: the guest OS's own status
 * @app_status: the guest application's status
 */
struct gunyah_rm_vm_status {
	u16 vmid;
	u8 vm_status;
	u8 os_status;
	u16 app_status;
};

/**
 * struct gunyah_rm_vm_exited - decoded VM_EXITED notification
 * @vmid: the VM
 * @exit_type: enum gunyah_rm_vm_exit_type
 * @exit_reason_size: bytes of exit reason the RM sent (not kept)
 */
struct gunyah_rm_vm_exited {
	u16 vmid;
	u16 exit_type;
	u32 exit_reason_size;
};

/**
 * struct gunyah_rm_mem_shared - decoded MEM_SHARED notification: a VM
 *	lent, shared or donated memory to us
 * @mem_handle: the parcel
 * @mem_type: GUNYAH_RM_MEM_TYPE_*
 * @trans_type: GUNYAH_RM_TRANS_TYPE_*
 * @owner_vmid: who gave it
 * @label: the parcel's label
 * @mem_info_tag: the tag the owner passed to MEM_NOTIFY
 */
struct gunyah_rm_mem_shared {
	u32 mem_handle;
	u8 mem_type;
	u8 trans_type;
	u16 owner_vmid;
	u32 label;
	u32 mem_info_tag;
};

/**
 * struct gunyah_rm_vm_listener - receives the notifications of one VM
 * @vmid: the VM
 * @status: VM_STATUS for @vmid, or NULL
 * @exited: VM_EXITED for @vmid, or NULL
 * @mem_shared: MEM_SHARED whose owner is @vmid, or NULL
 * @node: private to the RM client
 *
 * Notifications are routed by VMID to the listener registered for it;
 * memory notifications about a parcel we own (accepted, released) go to the
 * parcel object with that handle instead. Callbacks run in the RM's receive
 * path, in process context, in the order the RM sent the messages: a
 * notification sent before a reply is delivered before that reply's caller
 * is woken. They may take mutexes and complete() waiters, but must not call
 * the RM themselves (its receive path is busy running them).
 */
struct gunyah_rm_vm_listener {
	u16 vmid;
	void (*status)(struct gunyah_rm_vm_listener *listener,
		       const struct gunyah_rm_vm_status *status);
	void (*exited)(struct gunyah_rm_vm_listener *listener,
		       const struct gunyah_rm_vm_exited *exited);
	void (*mem_shared)(struct gunyah_rm_vm_listener *listener,
			   const struct gunyah_rm_mem_shared *shared);
	struct list_head node;
};

int gunyah_rm_vm_listen(struct gunyah_rm *rm,
			struct gunyah_rm_vm_listener *listener);
void gunyah_rm_vm_unlisten(struct gunyah_rm *rm,
			   struct gunyah_rm_vm_listener *listener);

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

/**
 * struct gunyah_rm_acl_entry - who may access a parcel, in CPU byte order
 * @vmid: the VM
 * @perms: GUNYAH_RM_ACL_* rights
 */
struct gunyah_rm_acl_entry {
	u16 vmid;
	u8 perms;
};

/* MEM_CREATE flags the caller may set; APPEND is managed by the client */
#define GUNYAH_RM_MEM_CREATE_SANITIZE	BIT(0)

/* Per-message SGL limit of the RM (MAX_LIST_ENTRIES, include/memparcel.h) */
#define GUNYAH_RM_MAX_MEM_ENTRIES	512

#define GUNYAH_RM_MEM_HANDLE_INVAL	U32_MAX

/* ACL entries a parcel object carries (the owner, a VM, and slack) */
#define GUNYAH_RM_PARCEL_MAX_ACL	4

/**
 * enum gunyah_rm_parcel_state - who owns a parcel's pages
 * @GUNYAH_RM_PARCEL_HOST_OWNED: ours; not known to the RM. Only in this
 *	state may the pages be touched (after a lend), freed or reused.
 * @GUNYAH_RM_PARCEL_LENT: lent; out of the linear map; the RM has a handle.
 * @GUNYAH_RM_PARCEL_SHARED: shared; still ours to read and write, but not
 *	to free; the RM has a handle.
 * @GUNYAH_RM_PARCEL_UNKNOWN: a lend, share or reclaim was sent and its
 *	outcome is not known; treated exactly as lent.
 * @GUNYAH_RM_PARCEL_LEAKED: the RM may hold the pages and will never give
 *	them back; they were reported and must never be touched or freed.
 */
enum gunyah_rm_parcel_state {
	GUNYAH_RM_PARCEL_HOST_OWNED,
	GUNYAH_RM_PARCEL_LENT,
	GUNYAH_RM_PARCEL_SHARED,
	GUNYAH_RM_PARCEL_UNKNOWN,
	GUNYAH_RM_PARCEL_LEAKED,
};

/**
 * struct gunyah_rm_parcel_range - physically contiguous memory of a parcel
 * @phys: start (the primary VM's IPA, which is its physical address)
 * @size: length in bytes, a multiple of PAGE_SIZE
 */
struct gunyah_rm_parcel_range {
	phys_addr_t phys;
	u64 size;
};

/**
 * struct gunyah_rm_parcel - memory the host lends or shares, as one object
 * @rm: the RM that holds it
 * @state: see enum gunyah_rm_parcel_state; changed only by the helpers
 * @handle: the RM's handle, or GUNYAH_RM_MEM_HANDLE_INVAL
 * @label: label given to the RM
 * @mem_type: GUNYAH_RM_MEM_TYPE_*
 * @flags: GUNYAH_RM_MEM_CREATE_*
 * @lend: the last lend/share was a lend (pages are off the linear map)
 * @n_acl: entries in @acl
 * @acl: the access list sent with the lend or share
 * @n_ranges: ranges in @ranges; contiguous pages are merged
 * @max_ranges: capacity of @ranges
 * @ranges: the memory
 * @n_sent: how many of @ranges the RM may hold (first message and
 *	appends); only those can be lent, the rest are surely ours
 * @nr_pages: pages in @ranges
 * @node: entry in the RM's list of parcels with a handle, for routing of
 *	memory notifications by handle
 * @accepted: optional, called when a borrower accepted the parcel
 * @released: optional, called when a borrower released the parcel
 *
 * The parcel's user serialises calls on one parcel; different parcels may be
 * used concurrently. A borrower must not be started (VM_START) or notified of
 * the parcel while a lend or share to it is in flight: the RM would accept
 * the parcel for it, and a lost reply could then no longer be resolved.
 */
struct gunyah_rm_parcel {
	struct gunyah_rm *rm;
	enum gunyah_rm_parcel_state state;
	u32 handle;
	u32 label;
	u8 mem_type;
	u8 flags;
	bool lend;
	unsigned int n_acl;
	struct gunyah_rm_acl_entry acl[GUNYAH_RM_PARCEL_MAX_ACL];
	unsigned int n_ranges;
	unsigned int max_ranges;
	struct gunyah_rm_parcel_range *ranges;
	unsigned int n_sent;
	unsigned long nr_pages;
	struct list_head node;
	void (*accepted)(struct gunyah_rm_parcel *parcel, u16 vmid);
	void (*released)(struct gunyah_rm_parcel *parcel, u16 vmid);
};

int gunyah_rm_parcel_init(struct gunyah_rm_parcel *parcel, struct gunyah_rm *rm,
			  const struct gunyah_rm_acl_entry *acl,
			  unsigned int n_acl, u32 label, u8 flags);
int gunyah_rm_parcel_add_pages(struct gunyah_rm_parcel *parcel,
			       struct page *page, unsigned long nr_pages);
int gunyah_rm_parcel_add_folio(struct gunyah_rm_parcel *parcel,
			       struct folio *folio);
int gunyah_rm_parcel_add_sg(struct gunyah_rm_parcel *parcel,
			    struct scatterlist *sgl, unsigned int nents);
int gunyah_rm_parcel_lend(struct gunyah_rm_parcel *parcel);
int gunyah_rm_parcel_share(struct gunyah_rm_parcel *parcel);
int gunyah_rm_parcel_reclaim(struct gunyah_rm_parcel *parcel);
int gunyah_rm_parcel_reclaim_or_leak(struct gunyah_rm_parcel *parcel);
void gunyah_rm_parcel_leak(struct gunyah_rm_parcel *parcel);
void gunyah_rm_parcel_destroy(struct gunyah_rm_parcel *parcel);
const char *gunyah_rm_parcel_state_name(enum gunyah_rm_parcel_state state);

/**
 * gunyah_rm_parcel_pages_ours() - may the pages be touched, freed or reused?
 * @parcel: the parcel
 *
 * Return: true only when the RM certainly holds none of the pages.
 */
static inline bool gunyah_rm_parcel_pages_ours(const struct gunyah_rm_parcel *parcel)
{
	return parcel->state == GUNYAH_RM_PARCEL_HOST_OWNED;
}

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
 * struct gunyah_rm_mem_accept - MEM_ACCEPT arguments, in CPU byte order
 * @mem_handle: parcel to accept
 * @mem_type: GUNYAH_RM_MEM_TYPE_*
 * @trans_type: GUNYAH_RM_TRANS_TYPE_*
 * @flags: GUNYAH_RM_MEM_ACCEPT_*
 * @label: label to validate
 * @map_vmid: VM to map into, with GUNYAH_RM_MEM_ACCEPT_MAP_OTHER
 * @n_acl: ACL to validate (may be 0)
 * @acl: the ACL
 * @n_ranges: where to map (may be 0: the RM chooses)
 * @ranges: the addresses
 */
struct gunyah_rm_mem_accept {
	u32 mem_handle;
	u8 mem_type;
	u8 trans_type;
	u8 flags;
	u32 label;
	u16 map_vmid;
	unsigned int n_acl;
	const struct gunyah_rm_acl_entry *acl;
	unsigned int n_ranges;
	const struct gunyah_rm_parcel_range *ranges;
};

int gunyah_rm_mem_accept(struct gunyah_rm *rm,
			 const struct gunyah_rm_mem_accept *accept);

#define GUNYAH_RM_MEM_RELEASE_SANITIZE	BIT(0)
#define GUNYAH_RM_MEM_RECLAIM_SANITIZE	BIT(0)
int gunyah_rm_mem_release(struct gunyah_rm *rm, u32 mem_handle, u8 flags);

#define GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED	BIT(0)
#define GUNYAH_RM_MEM_NOTIFY_OWNER_RELEASED	BIT(1)
#define GUNYAH_RM_MEM_NOTIFY_OWNER_ACCEPTED	BIT(2)
#define GUNYAH_RM_MEM_NOTIFY_RECIPIENT_RECALL	BIT(3)

int gunyah_rm_mem_notify(struct gunyah_rm *rm, u32 mem_handle, u8 flags,
			 u32 mem_info_tag, const u16 *vmids, unsigned int n_vmids);

#endif
