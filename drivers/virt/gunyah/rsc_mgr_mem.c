// SPDX-License-Identifier: GPL-2.0-only
/*
 * Typed Gunyah Resource Manager calls: memory parcels on the wire.
 *
 * Layouts follow quic/gunyah-resource-manager include/memparcel_msg.h
 * (memparcel_create_req_t, memparcel_accept_req_t, memparcel_release_req_t,
 * memparcel_notify_req_t, memparcel_lookup_req_t, memparcel_handle_resp_t)
 * and src/memparcel/memparcel.c. Lists are {le16 count, le16 reserved (or
 * MEM_ACCEPT's map VMID), entries}; the RM reads the ACL count as a le32.
 *
 * Callers pass CPU-order ACLs and ranges; the wire structures stay here.
 * The parcel object (rsc_mgr_parcel.c) is the only user of create, append,
 * lookup and reclaim: nobody else may lend memory by hand.
 */

#include <linux/gunyah_rsc_mgr.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rsc_mgr.h"

struct gunyah_rm_mem_acl_wire {
	__le16 vmid;
	u8 perms;
	u8 reserved;
} __packed;

struct gunyah_rm_mem_sgl_wire {
	__le64 ipa_base;
	__le64 size;
} __packed;

struct gunyah_rm_mem_list_header {
	__le16 n_entries;
	__le16 arg;	/* reserved, or the map VMID of MEM_ACCEPT's SGL */
} __packed;

/* memparcel_create_req_t and memparcel_lookup_req_t up to the ACL list */
struct gunyah_rm_mem_create_req_header {
	u8 mem_type;
	u8 reserved0;
#define GUNYAH_RM_MEM_CREATE_APPEND	BIT(1)
	u8 flags;	/* reserved in MEM_QCOM_LOOKUP_SGL */
	u8 reserved1;
	__le32 label;
} __packed;

struct gunyah_rm_mem_handle_resp {
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

static_assert(sizeof(struct gunyah_rm_mem_acl_wire) == 4);
static_assert(sizeof(struct gunyah_rm_mem_sgl_wire) == 16);
static_assert(sizeof(struct gunyah_rm_mem_create_req_header) == 8);
static_assert(sizeof(struct gunyah_rm_mem_release_req) == 8);
static_assert(sizeof(struct gunyah_rm_mem_accept_req_header) == 12);
static_assert(sizeof(struct gunyah_rm_mem_notify_req_header) == 12);

static void *gunyah_rm_put_acl(void *pos, const struct gunyah_rm_acl_entry *acl,
			       unsigned int n)
{
	struct gunyah_rm_mem_list_header *list = pos;
	struct gunyah_rm_mem_acl_wire *wire = (void *)(list + 1);
	unsigned int i;

	list->n_entries = cpu_to_le16(n);
	list->arg = 0;
	for (i = 0; i < n; i++) {
		wire[i].vmid = cpu_to_le16(acl[i].vmid);
		wire[i].perms = acl[i].perms;
		wire[i].reserved = 0;
	}

	return wire + n;
}

static void *gunyah_rm_put_sgl(void *pos,
			       const struct gunyah_rm_parcel_range *ranges,
			       unsigned int n, u16 arg)
{
	struct gunyah_rm_mem_list_header *list = pos;
	struct gunyah_rm_mem_sgl_wire *wire = (void *)(list + 1);
	unsigned int i;

	list->n_entries = cpu_to_le16(n);
	list->arg = cpu_to_le16(arg);
	for (i = 0; i < n; i++) {
		wire[i].ipa_base = cpu_to_le64(ranges[i].phys);
		wire[i].size = cpu_to_le64(ranges[i].size);
	}

	return wire + n;
}

/* An empty attribute list: the RM then gives normal memory attributes */
static void *gunyah_rm_put_no_attrs(void *pos)
{
	struct gunyah_rm_mem_list_header *list = pos;

	list->n_entries = 0;
	list->arg = 0;

	return list + 1;
}

static size_t gunyah_rm_create_req_size(unsigned int n_acl, unsigned int n_sgl)
{
	return sizeof(struct gunyah_rm_mem_create_req_header) +
	       3 * sizeof(struct gunyah_rm_mem_list_header) +
	       n_acl * sizeof(struct gunyah_rm_mem_acl_wire) +
	       n_sgl * sizeof(struct gunyah_rm_mem_sgl_wire);
}

/* MEM_LEND, MEM_SHARE (with at most 512 ranges) and MEM_QCOM_LOOKUP_SGL */
static int gunyah_rm_mem_create_call(struct gunyah_rm *rm, u32 message_id,
				     const struct gunyah_rm_mem_create *p,
				     u8 flags, u32 *handle)
{
	struct gunyah_rm_mem_create_req_header *req;
	struct gunyah_rm_mem_handle_resp resp;
	unsigned int n_sgl;
	size_t req_size;
	void *pos;
	int ret;

	n_sgl = min(p->n_ranges, GUNYAH_RM_MAX_MEM_ENTRIES);
	if (!p->n_acl || p->n_acl > GUNYAH_RM_MAX_MEM_ENTRIES || !n_sgl)
		return -EINVAL;

	req_size = gunyah_rm_create_req_size(p->n_acl, n_sgl);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->mem_type = p->mem_type;
	req->flags = flags;
	req->label = cpu_to_le32(p->label);
	pos = gunyah_rm_put_acl(req + 1, p->acl, p->n_acl);
	pos = gunyah_rm_put_sgl(pos, p->ranges, n_sgl, 0);
	gunyah_rm_put_no_attrs(pos);

	ret = gunyah_rm_call_fixed(rm, message_id, req, req_size, &resp,
				   sizeof(resp));
	kfree(req);
	if (!ret)
		*handle = le32_to_cpu(resp.mem_handle);

	return ret;
}

/**
 * gunyah_rm_mem_create() - MEM_LEND or MEM_SHARE of the first 512 ranges
 * @rm: link
 * @p: the parcel; @p->message_id is GUNYAH_RM_RPC_MEM_LEND or _SHARE
 * @handle: receives the RM's handle
 *
 * With more than 512 ranges the request carries the APPEND flag and the RM
 * waits for gunyah_rm_mem_append() to complete the parcel.
 *
 * Return: 0, or as gunyah_rm_call().
 */
int gunyah_rm_mem_create(struct gunyah_rm *rm,
			 const struct gunyah_rm_mem_create *p, u32 *handle)
{
	u8 flags = p->flags;

	if (p->message_id != GUNYAH_RM_RPC_MEM_LEND &&
	    p->message_id != GUNYAH_RM_RPC_MEM_SHARE)
		return -EINVAL;
	if (flags & ~GUNYAH_RM_MEM_CREATE_SANITIZE)
		return -EINVAL;
	if (p->n_ranges > GUNYAH_RM_MAX_MEM_ENTRIES)
		flags |= GUNYAH_RM_MEM_CREATE_APPEND;

	return gunyah_rm_mem_create_call(rm, p->message_id, p, flags, handle);
}

/**
 * gunyah_rm_mem_lookup_sgl() - MEM_QCOM_LOOKUP_SGL: find our parcel by its
 *	ACL and memory
 * @rm: link
 * @p: the parcel as it was sent in MEM_LEND or MEM_SHARE (its first 512
 *     ranges)
 * @handle: receives the handle of the matching parcel
 *
 * This is how a lend or share whose reply was lost is found again: the RM
 * handles requests in order, so a lookup sent after the lost request sees
 * whatever that request did.
 *
 * Return: 0; -ENOENT if the RM has no such parcel; or as gunyah_rm_call().
 */
int gunyah_rm_mem_lookup_sgl(struct gunyah_rm *rm,
			     const struct gunyah_rm_mem_create *p, u32 *handle)
{
	return gunyah_rm_mem_create_call(rm, GUNYAH_RM_RPC_MEM_QCOM_LOOKUP_SGL,
					 p, 0, handle);
}

/**
 * gunyah_rm_mem_append() - MEM_APPEND of up to 512 more ranges
 * @rm: link
 * @handle: the parcel being built
 * @ranges: the ranges
 * @n_ranges: how many (1 to 512)
 * @last: this completes the parcel
 *
 * Return: 0, or as gunyah_rm_call().
 */
int gunyah_rm_mem_append(struct gunyah_rm *rm, u32 handle,
			 const struct gunyah_rm_parcel_range *ranges,
			 unsigned int n_ranges, bool last)
{
	struct gunyah_rm_mem_append_req_header *req;
	size_t req_size;
	void *pos;
	int ret;

	if (!n_ranges || n_ranges > GUNYAH_RM_MAX_MEM_ENTRIES)
		return -EINVAL;

	req_size = sizeof(*req) + sizeof(struct gunyah_rm_mem_list_header) +
		   n_ranges * sizeof(struct gunyah_rm_mem_sgl_wire);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->mem_handle = cpu_to_le32(handle);
	req->flags = last ? GUNYAH_RM_MEM_APPEND_END : 0;
	pos = gunyah_rm_put_sgl(req + 1, ranges, n_ranges, 0);

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_APPEND, req,
			     pos - (void *)req, NULL, NULL);
	kfree(req);

	return ret;
}

static int gunyah_rm_mem_handle_call(struct gunyah_rm *rm, u32 message_id,
				     u32 mem_handle, u8 flags)
{
	struct gunyah_rm_mem_release_req req = {
		.mem_handle = cpu_to_le32(mem_handle),
		.flags = flags,
	};

	return gunyah_rm_call(rm, message_id, &req, sizeof(req), NULL, NULL);
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
 * Return: 0; -EBUSY while a borrower still has it accepted; -ENOENT for a
 * handle the RM does not know; or as gunyah_rm_call().
 */
int gunyah_rm_mem_reclaim(struct gunyah_rm *rm, u32 mem_handle, u8 flags)
{
	return gunyah_rm_mem_handle_call(rm, GUNYAH_RM_RPC_MEM_RECLAIM,
					 mem_handle, flags);
}

/**
 * gunyah_rm_mem_accept() - MEM_ACCEPT: map a parcel given to us or, with
 *	GUNYAH_RM_MEM_ACCEPT_MAP_OTHER, to @accept->map_vmid
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

	if (accept->n_acl > GUNYAH_RM_MAX_MEM_ENTRIES ||
	    accept->n_ranges > GUNYAH_RM_MAX_MEM_ENTRIES)
		return -EINVAL;

	req_size = sizeof(*req) +
		   3 * sizeof(struct gunyah_rm_mem_list_header) +
		   accept->n_acl * sizeof(struct gunyah_rm_mem_acl_wire) +
		   accept->n_ranges * sizeof(struct gunyah_rm_mem_sgl_wire);
	req = kzalloc(req_size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;

	req->mem_handle = cpu_to_le32(accept->mem_handle);
	req->mem_type = accept->mem_type;
	req->trans_type = accept->trans_type;
	req->flags = accept->flags;
	req->label = cpu_to_le32(accept->label);
	pos = gunyah_rm_put_acl(req + 1, accept->acl, accept->n_acl);
	pos = gunyah_rm_put_sgl(pos, accept->ranges, accept->n_ranges,
				accept->map_vmid);
	gunyah_rm_put_no_attrs(pos);

	/* The reply may describe where the RM mapped the parcel: not needed */
	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_ACCEPT, req, req_size,
			     NULL, NULL);
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
			 u32 mem_info_tag, const u16 *vmids, unsigned int n_vmids)
{
	struct gunyah_rm_mem_notify_req_header *req;
	struct gunyah_rm_mem_list_header *list;
	struct gunyah_rm_mem_vmid_entry *entry;
	size_t req_size;
	unsigned int i;
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

	ret = gunyah_rm_call(rm, GUNYAH_RM_RPC_MEM_NOTIFY, req, req_size,
			     NULL, NULL);
	kfree(req);

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_rm_mem_notify);
