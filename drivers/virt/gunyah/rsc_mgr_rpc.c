// SPDX-License-Identifier: GPL-2.0-only
/*
 * Typed Gunyah Resource Manager calls: VM lifecycle and memory parcels.
 *
 * Request and reply layouts follow quic/gunyah-resource-manager:
 * src/vm_mgnt/vm_mgnt.c (VM_ALLOCATE, VM_DEALLOCATE, VM_START, VM_STOP,
 * VM_RESET, VM_GET_VMID), include/vm_creation_message.h (VM_CONFIG_IMAGE,
 * VM_INIT), src/vm_config/vm_get_resources.c and include/vm_resource_msg.h
 * (VM_GET_HYP_RESOURCES), include/memparcel_msg.h and
 * src/memparcel/memparcel.c (parcels). Lists in parcel messages are
 * {le16 count, le16 reserved-or-argument, entries} (rm_rpc_read_list).
 *
 * Replies are checked for their exact length before a field is read.
 * Semantic checks (empty ACL, donating to several VMs...) are left to the
 * RM, which owns the rules; only what the wire format cannot express is
 * refused here.
 */

#include <linux/gunyah_rsc_mgr.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rsc_mgr.h"

/* VM_DEALLOCATE, VM_START, VM_RESET, VM_INIT, VM_GET_HYP_RESOURCES */
struct gunyah_rm_vm_common_vmid_req {
	__le16 vmid;
	__le16 reserved0;
} __packed;

/* VM_ALLOCATE with VMID 0 replies with the chosen VMID */
struct gunyah_rm_vm_alloc_vmid_resp {
	__le32 vmid;
} __packed;

struct gunyah_rm_vm_stop_req {
	__le16 vmid;
	u8 flags;
	u8 reserved;
	__le32 stop_reason;
} __packed;

/* vm_config_image_req_t: 40 bytes */
struct gunyah_rm_vm_config_image_req {
	__le16 vmid;
	__le16 auth_type;
	__le32 mem_handle;
	__le64 image_offset;
	__le64 image_size;
	__le64 dtb_offset;
	__le64 dtb_size;
} __packed;

struct gunyah_rm_vm_get_vmid_resp {
	__le32 vmid;
} __packed;

/* rm_hyp_resource_resp_t: 44 bytes */
struct gunyah_rm_hyp_resource_wire {
	u8 type;
	u8 reserved;
	__le16 partner_vmid;
	__le32 resource_handle;
	__le32 resource_label;
	__le32 capid_low;
	__le32 capid_high;
	__le32 virq_handle;
	__le32 virq;
	__le32 base_low;
	__le32 base_high;
	__le32 size_low;
	__le32 size_high;
} __packed;

struct gunyah_rm_hyp_resources_resp {
	__le32 n_entries;
	struct gunyah_rm_hyp_resource_wire entries[];
} __packed;

/* memparcel_create_req_t up to the ACL list */
struct gunyah_rm_mem_share_req_header {
	u8 mem_type;
	u8 reserved0;
#define GUNYAH_RM_MEM_CREATE_APPEND	BIT(1)
	u8 flags;
	u8 reserved1;
	__le32 label;
} __packed;

struct gunyah_rm_mem_list_header {
	__le16 n_entries;
	__le16 arg;	/* reserved, or the map VMID of MEM_ACCEPT's SGL */
} __packed;

struct gunyah_rm_mem_share_resp {
	__le32 mem_handle;
} __packed;

struct gunyah_rm_mem_append_req_header {
	__le32 mem_handle;
#define GUNYAH_RM_MEM_APPEND_END	BIT(0)
	u8 flags;
	u8 reserved[3];
} __packed;

/* MEM_RELEASE and MEM_RECLAIM */
struct gunyah_rm_mem_release_req {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
} __packed;

struct gunyah_rm_mem_accept_req_header {
	__le32 mem_handle;
	u8 mem_type;
	u8 trans_type;
	u8 flags;
	u8 reserved;
	__le32 label;
} __packed;

struct gunyah_rm_mem_notify_req_header {
	__le32 mem_handle;
	u8 flags;
	u8 reserved[3];
	__le32 mem_info_tag;
} __packed;

struct gunyah_rm_mem_vmid_entry {
	__le16 vmid;
	__le16 reserved;
} __packed;

static_assert(sizeof(struct gunyah_rm_vm_config_image_req) == 40);
static_assert(sizeof(struct gunyah_rm_hyp_resource_wire) == 44);
static_assert(sizeof(struct gunyah_rm_mem_share_req_header) == 8);
static_assert(sizeof(struct gunyah_rm_mem_release_req) == 8);
static_assert(sizeof(struct gunyah_rm_mem_accept_req_header) == 12);
static_assert(sizeof(struct gunyah_rm_mem_notify_req_header) == 12);

/* Calls whose reply carries only the RM error code */
static int gunyah_rm_call_no_data(struct gunyah_rm *rm, u32 message_id,
				  const void *req, size_t req_size)
{
	return gunyah_rm_call(rm, message_id, req, req_size, NULL, NULL);
}

/* Calls whose reply data must be exactly @resp_size bytes */
static int gunyah_rm_call_fixed(struct gunyah_rm *rm, u32 message_id,
				const void *req, size_t req_size,
				void *resp, size_t resp_size)
{
	size_t size;
	void *buf;
	int ret;

	ret = gunyah_rm_call(rm, message_id, req, req_size, &buf, &size);
	if (ret)
		return ret;

	if (size != resp_size) {
		dev_warn_ratelimited(rm->dev,
				     "reply to %#x has %zu bytes, expected %zu\n",
				     message_id, size, resp_size);
		kfree(buf);
		return -EBADMSG;
	}

	memcpy(resp, buf, resp_size);
	kfree(buf);

	return 0;
}

static int gunyah_rm_vmid_call(struct gunyah_rm *rm, u32 message_id, u16 vmid)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};

	return gunyah_rm_call_no_data(rm, message_id, &req, sizeof(req));
}

/**
 * gunyah_rm_alloc_vmid() - VM_ALLOCATE
 * @rm: link
 * @vmid: VMID wanted, or 0 to let the RM choose
 * @allocated_vmid: receives the VMID (@vmid itself when not 0)
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_alloc_vmid(struct gunyah_rm *rm, u16 vmid, u16 *allocated_vmid)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};
	struct gunyah_rm_vm_alloc_vmid_resp resp;
	u32 chosen;
	int ret;

	/* A given VMID is confirmed by an empty reply */
	if (vmid) {
		ret = gunyah_rm_call_no_data(rm, GUNYAH_RM_RPC_VM_ALLOC_VMID,
					     &req, sizeof(req));
		if (!ret)
			*allocated_vmid = vmid;
		return ret;
	}

	ret = gunyah_rm_call_fixed(rm, GUNYAH_RM_RPC_VM_ALLOC_VMID, &req,
				   sizeof(req), &resp, sizeof(resp));
	if (ret)
		return ret;

	chosen = le32_to_cpu(resp.vmid);
	if (!chosen || chosen >= GUNYAH_VMID_INVAL) {
		dev_warn_ratelimited(rm->dev, "RM allocated invalid VMID %u\n",
				     chosen);
		return -EBADMSG;
	}
	*allocated_vmid = chosen;

	return 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_alloc_vmid);

/**
 * gunyah_rm_dealloc_vmid() - VM_DEALLOCATE
 * @rm: link
 * @vmid: VM to free; it must be reset or never started
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_dealloc_vmid(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_vmid_call(rm, GUNYAH_RM_RPC_VM_DEALLOC_VMID, vmid);
}
EXPORT_SYMBOL_GPL(gunyah_rm_dealloc_vmid);

/**
 * gunyah_rm_vm_reset() - VM_RESET
 * @rm: link
 * @vmid: VM to reset
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_reset(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_vmid_call(rm, GUNYAH_RM_RPC_VM_RESET, vmid);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_reset);

/**
 * gunyah_rm_vm_start() - VM_START
 * @rm: link
 * @vmid: VM to start
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_start(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_vmid_call(rm, GUNYAH_RM_RPC_VM_START, vmid);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_start);

/**
 * gunyah_rm_vm_init() - VM_INIT
 * @rm: link
 * @vmid: configured VM to initialize
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_init(struct gunyah_rm *rm, u16 vmid)
{
	return gunyah_rm_vmid_call(rm, GUNYAH_RM_RPC_VM_INIT, vmid);
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_init);

/**
 * gunyah_rm_vm_stop() - VM_STOP
 * @rm: link
 * @vmid: VM to stop
 * @flags: GUNYAH_RM_VM_STOP_FLAG_*
 * @stop_reason: passed to the VM when not forced
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_stop(struct gunyah_rm *rm, u16 vmid, u8 flags,
		      u32 stop_reason)
{
	struct gunyah_rm_vm_stop_req req = {
		.vmid = cpu_to_le16(vmid),
		.flags = flags,
		.stop_reason = cpu_to_le32(stop_reason),
	};

	return gunyah_rm_call_no_data(rm, GUNYAH_RM_RPC_VM_STOP, &req,
				      sizeof(req));
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_stop);

/**
 * gunyah_rm_vm_configure() - VM_CONFIG_IMAGE
 * @rm: link
 * @vmid: allocated VM
 * @config: image parcel and where image and config DT sit in it
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_vm_configure(struct gunyah_rm *rm, u16 vmid,
			   const struct gunyah_rm_vm_config_image *config)
{
	struct gunyah_rm_vm_config_image_req req = {
		.vmid = cpu_to_le16(vmid),
		.auth_type = cpu_to_le16(config->auth_type),
		.mem_handle = cpu_to_le32(config->image_mem_handle),
		.image_offset = cpu_to_le64(config->image_offset),
		.image_size = cpu_to_le64(config->image_size),
		.dtb_offset = cpu_to_le64(config->dtb_offset),
		.dtb_size = cpu_to_le64(config->dtb_size),
	};

	return gunyah_rm_call_no_data(rm, GUNYAH_RM_RPC_VM_CONFIG_IMAGE, &req,
				      sizeof(req));
}
EXPORT_SYMBOL_GPL(gunyah_rm_vm_configure);

/**
 * gunyah_rm_get_vmid() - VM_GET_VMID: the caller's own VMID
 * @rm: link
 * @vmid: receives the VMID
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_get_vmid(struct gunyah_rm *rm, u16 *vmid)
{
	struct gunyah_rm_vm_get_vmid_resp resp;
	u32 own;
	int ret;

	ret = gunyah_rm_call_fixed(rm, GUNYAH_RM_RPC_VM_GET_VMID, NULL, 0,
				   &resp, sizeof(resp));
	if (ret)
		return ret;

	own = le32_to_cpu(resp.vmid);
	if (own >= GUNYAH_VMID_INVAL)
		return -EBADMSG;
	*vmid = own;

	return 0;
}
EXPORT_SYMBOL_GPL(gunyah_rm_get_vmid);

/**
 * gunyah_rm_get_hyp_resources() - VM_GET_HYP_RESOURCES
 * @rm: link
 * @vmid: VM whose resources the caller may use
 * @resources: receives the decoded list; free with kfree()
 *
 * Return: 0, -EBADMSG if the reply's entry count does not match its
 * length, or another negative errno.
 */
int gunyah_rm_get_hyp_resources(struct gunyah_rm *rm, u16 vmid,
				struct gunyah_rm_hyp_resources **resources)
{
	struct gunyah_rm_vm_common_vmid_req req = {
		.vmid = cpu_to_le16(vmid),
	};
	const struct gunyah_rm_hyp_resources_resp *resp;
	struct gunyah_rm_hyp_resources *out;
	struct gunyah_rm_hyp_resource *entry;
	const struct gunyah_rm_hyp_resource_wire *wire;
	size_t resp_size;
	void *buf;
	u32 i, n;
	int ret;

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_VM_GET_HYP_RESOURCES, &req,
			     sizeof(req), &buf, &resp_size);
	if (ret)
		return ret;

	resp = buf;
	if (resp_size < sizeof(*resp)) {
		ret = -EBADMSG;
		goto out_free;
	}
	n = le32_to_cpu(resp->n_entries);
	if (resp_size != struct_size(resp, entries, n)) {
		dev_warn_ratelimited(rm->dev,
				     "hyp resources: %u entries in %zu bytes\n",
				     n, resp_size);
		ret = -EBADMSG;
		goto out_free;
	}

	out = kzalloc(struct_size(out, entries, n), GFP_KERNEL);
	if (!out) {
		ret = -ENOMEM;
		goto out_free;
	}
	out->n_entries = n;

	for (i = 0; i < n; i++) {
		wire = &resp->entries[i];
		entry = &out->entries[i];
		entry->type = wire->type;
		entry->partner_vmid = le16_to_cpu(wire->partner_vmid);
		entry->resource_handle = le32_to_cpu(wire->resource_handle);
		entry->resource_label = le32_to_cpu(wire->resource_label);
		entry->capid = (u64)le32_to_cpu(wire->capid_high) << 32 |
			       le32_to_cpu(wire->capid_low);
		entry->virq_handle = le32_to_cpu(wire->virq_handle);
		entry->virq = le32_to_cpu(wire->virq);
		entry->base = (u64)le32_to_cpu(wire->base_high) << 32 |
			      le32_to_cpu(wire->base_low);
		entry->size = (u64)le32_to_cpu(wire->size_high) << 32 |
			      le32_to_cpu(wire->size_low);
	}
	*resources = out;

out_free:
	kfree(buf);
	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_get_hyp_resources);

/* Appends one {le16 n, le16 arg, entries} list at @pos; returns the end */
static void *gunyah_rm_put_list(void *pos, u16 n_entries, u16 arg,
				const void *entries, size_t entry_size)
{
	struct gunyah_rm_mem_list_header *list = pos;

	list->n_entries = cpu_to_le16(n_entries);
	list->arg = cpu_to_le16(arg);
	pos += sizeof(*list);
	if (n_entries) {
		memcpy(pos, entries, n_entries * entry_size);
		pos += n_entries * entry_size;
	}

	return pos;
}

static int gunyah_rm_mem_append(struct gunyah_rm *rm, u32 mem_handle,
				struct gunyah_rm_mem_entry *entries,
				size_t n_entries)
{
	struct gunyah_rm_mem_append_req_header *req;
	size_t n, req_size;
	void *pos;
	int ret = 0;

	req_size = sizeof(*req) + sizeof(struct gunyah_rm_mem_list_header) +
		   GUNYAH_RM_MAX_MEM_ENTRIES * sizeof(*entries);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	while (n_entries) {
		n = min_t(size_t, n_entries, GUNYAH_RM_MAX_MEM_ENTRIES);
		memset(req, 0, sizeof(*req));
		req->mem_handle = cpu_to_le32(mem_handle);
		if (n == n_entries)
			req->flags = GUNYAH_RM_MEM_APPEND_END;
		pos = gunyah_rm_put_list(req + 1, n, 0, entries,
					 sizeof(*entries));

		ret = gunyah_rm_call_no_data(rm, GUNYAH_RM_RPC_MEM_APPEND, req,
					     pos - (void *)req);
		if (ret)
			break;

		entries += n;
		n_entries -= n;
	}

	kfree(req);
	return ret;
}

static int gunyah_rm_mem_create(struct gunyah_rm *rm, u32 message_id,
				struct gunyah_rm_mem_parcel *p)
{
	struct gunyah_rm_mem_share_req_header *req;
	struct gunyah_rm_mem_share_resp resp;
	size_t first, req_size;
	void *pos;
	int ret;

	/* Counts are le16 on the wire; the RM refuses more than 512 anyway */
	if (p->n_acl_entries > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    p->n_attr_entries > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    p->flags & ~GUNYAH_RM_MEM_CREATE_SANITIZE)
		return -EINVAL;

	/* The first message carries up to 512 entries, APPENDs the rest */
	first = min_t(size_t, p->n_mem_entries, GUNYAH_RM_MAX_MEM_ENTRIES);

	req_size = sizeof(*req) +
		   3 * sizeof(struct gunyah_rm_mem_list_header) +
		   p->n_acl_entries * sizeof(*p->acl_entries) +
		   first * sizeof(*p->mem_entries) +
		   p->n_attr_entries * sizeof(*p->attr_entries);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->mem_type = p->mem_type;
	req->flags = p->flags;
	if (first < p->n_mem_entries)
		req->flags |= GUNYAH_RM_MEM_CREATE_APPEND;
	req->label = cpu_to_le32(p->label);
	pos = gunyah_rm_put_list(req + 1, p->n_acl_entries, 0, p->acl_entries,
				 sizeof(*p->acl_entries));
	pos = gunyah_rm_put_list(pos, first, 0, p->mem_entries,
				 sizeof(*p->mem_entries));
	gunyah_rm_put_list(pos, p->n_attr_entries, 0, p->attr_entries,
			   sizeof(*p->attr_entries));

	ret = gunyah_rm_call_fixed(rm, message_id, req, req_size, &resp,
				   sizeof(resp));
	kfree(req);
	if (ret)
		return ret;

	p->mem_handle = le32_to_cpu(resp.mem_handle);

	if (first < p->n_mem_entries) {
		ret = gunyah_rm_mem_append(rm, p->mem_handle,
					   p->mem_entries + first,
					   p->n_mem_entries - first);
		if (ret) {
			/* Take back what the RM already holds of the parcel */
			if (gunyah_rm_mem_reclaim(rm, p->mem_handle, 0))
				dev_err(rm->dev,
					"incomplete parcel %#x could not be reclaimed\n",
					p->mem_handle);
			p->mem_handle = GUNYAH_RM_MEM_HANDLE_INVAL;
			return ret;
		}
	}

	return 0;
}

/**
 * gunyah_rm_mem_donate() - MEM_DONATE: give memory away for good
 * @rm: link
 * @parcel: the memory and its single new owner; @parcel->mem_handle is set
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_donate(struct gunyah_rm *rm,
			 struct gunyah_rm_mem_parcel *parcel)
{
	return gunyah_rm_mem_create(rm, GUNYAH_RM_RPC_MEM_DONATE, parcel);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_donate);

/**
 * gunyah_rm_mem_lend() - MEM_LEND: lend memory, losing access to it
 * @rm: link
 * @parcel: the memory and the borrowers' rights; @parcel->mem_handle is set
 *
 * The caller must not touch the memory until gunyah_rm_mem_reclaim()
 * succeeds: on real Gunyah that is a synchronous external abort.
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_lend(struct gunyah_rm *rm,
		       struct gunyah_rm_mem_parcel *parcel)
{
	return gunyah_rm_mem_create(rm, GUNYAH_RM_RPC_MEM_LEND, parcel);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_lend);

/**
 * gunyah_rm_mem_share() - MEM_SHARE: share memory, keeping access to it
 * @rm: link
 * @parcel: the memory and everybody's rights (include the caller's own);
 *          @parcel->mem_handle is set
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_share(struct gunyah_rm *rm,
			struct gunyah_rm_mem_parcel *parcel)
{
	return gunyah_rm_mem_create(rm, GUNYAH_RM_RPC_MEM_SHARE, parcel);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_share);

static int gunyah_rm_mem_handle_call(struct gunyah_rm *rm, u32 message_id,
				     u32 mem_handle, u8 flags)
{
	struct gunyah_rm_mem_release_req req = {
		.mem_handle = cpu_to_le32(mem_handle),
		.flags = flags,
	};

	return gunyah_rm_call_no_data(rm, message_id, &req, sizeof(req));
}

/**
 * gunyah_rm_mem_release() - MEM_RELEASE: give back a parcel we accepted
 * @rm: link
 * @mem_handle: the parcel
 * @flags: GUNYAH_RM_MEM_RELEASE_*
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_release(struct gunyah_rm *rm, u32 mem_handle, u8 flags)
{
	return gunyah_rm_mem_handle_call(rm, GUNYAH_RM_RPC_MEM_RELEASE,
					 mem_handle, flags);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_release);

/**
 * gunyah_rm_mem_reclaim() - MEM_RECLAIM: take back a parcel we gave
 * @rm: link
 * @mem_handle: the parcel
 * @flags: GUNYAH_RM_MEM_RECLAIM_*
 *
 * Return: 0; -EBUSY while a borrower still has it accepted; or another
 * negative errno.
 */
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm, u32 mem_handle, u8 flags)
{
	return gunyah_rm_mem_handle_call(rm, GUNYAH_RM_RPC_MEM_RECLAIM,
					 mem_handle, flags);
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_reclaim);

/**
 * gunyah_rm_mem_accept() - MEM_ACCEPT: map a parcel given to us
 * @rm: link
 * @accept: parcel, expectations to validate and where to map it
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_accept(struct gunyah_rm *rm,
			 const struct gunyah_rm_mem_accept *accept)
{
	struct gunyah_rm_mem_accept_req_header *req;
	size_t req_size;
	void *pos;
	int ret;

	if (accept->n_acl_entries > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    accept->n_mem_entries > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    accept->n_attr_entries > GUNYAH_RM_MAX_MEM_ENTRIES)
		return -EINVAL;

	req_size = sizeof(*req) +
		   3 * sizeof(struct gunyah_rm_mem_list_header) +
		   accept->n_acl_entries * sizeof(*accept->acl_entries) +
		   accept->n_mem_entries * sizeof(*accept->mem_entries) +
		   accept->n_attr_entries * sizeof(*accept->attr_entries);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->mem_handle = cpu_to_le32(accept->mem_handle);
	req->mem_type = accept->mem_type;
	req->trans_type = accept->trans_type;
	req->flags = accept->flags;
	req->label = cpu_to_le32(accept->label);
	pos = gunyah_rm_put_list(req + 1, accept->n_acl_entries, 0,
				 accept->acl_entries,
				 sizeof(*accept->acl_entries));
	pos = gunyah_rm_put_list(pos, accept->n_mem_entries, accept->map_vmid,
				 accept->mem_entries,
				 sizeof(*accept->mem_entries));
	gunyah_rm_put_list(pos, accept->n_attr_entries, 0,
			   accept->attr_entries,
			   sizeof(*accept->attr_entries));

	/* The reply may describe where the RM mapped the parcel: not needed */
	ret = gunyah_rm_call_no_data(rm, GUNYAH_RM_RPC_MEM_ACCEPT, req,
				     req_size);
	kfree(req);

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_accept);

/**
 * gunyah_rm_mem_notify() - MEM_NOTIFY: tell VMs about a parcel
 * @rm: link
 * @mem_handle: the parcel
 * @flags: GUNYAH_RM_MEM_NOTIFY_*
 * @mem_info_tag: tag passed on to the VMs
 * @vmids: VMs to notify
 * @n_vmids: how many
 *
 * Return: 0 or a negative errno.
 */
int gunyah_rm_mem_notify(struct gunyah_rm *rm, u32 mem_handle, u8 flags,
			 u32 mem_info_tag, const u16 *vmids, size_t n_vmids)
{
	struct gunyah_rm_mem_notify_req_header *req;
	struct gunyah_rm_mem_list_header *list;
	struct gunyah_rm_mem_vmid_entry *entry;
	size_t i, req_size;
	int ret;

	if (n_vmids > GUNYAH_RM_MAX_MEM_ENTRIES)
		return -EINVAL;

	req_size = sizeof(*req) + sizeof(*list) + n_vmids * sizeof(*entry);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->mem_handle = cpu_to_le32(mem_handle);
	req->flags = flags;
	req->mem_info_tag = cpu_to_le32(mem_info_tag);
	list = (void *)(req + 1);
	list->n_entries = cpu_to_le16(n_vmids);
	entry = (void *)(list + 1);
	for (i = 0; i < n_vmids; i++)
		entry[i].vmid = cpu_to_le16(vmids[i]);

	ret = gunyah_rm_call_no_data(rm, GUNYAH_RM_RPC_MEM_NOTIFY, req,
				     req_size);
	kfree(req);

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_notify);
