// SPDX-License-Identifier: GPL-2.0-only
/*
 * Typed Gunyah Resource Manager calls: VM lifecycle.
 *
 * Request and reply layouts follow quic/gunyah-resource-manager:
 * src/vm_mgnt/vm_mgnt.c (VM_ALLOCATE, VM_DEALLOCATE, VM_START, VM_STOP,
 * VM_RESET, VM_GET_VMID), include/vm_creation_message.h (VM_CONFIG_IMAGE,
 * VM_INIT), src/vm_config/vm_get_resources.c and include/vm_resource_msg.h
 * (VM_GET_HYP_RESOURCES).
 *
 * Replies are checked for their exact length before a field is read.
 * Semantic checks are left to the RM, which owns the rules.
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

static_assert(sizeof(struct gunyah_rm_vm_config_image_req) == 40);
static_assert(sizeof(struct gunyah_rm_hyp_resource_wire) == 44);

static int gunyah_rm_call_no_data(struct gunyah_rm *rm, u32 message_id,
				  const void *req, size_t req_size)
{
	return gunyah_rm_call(rm, message_id, req, req_size, NULL, NULL);
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
