// SPDX-License-Identifier: GPL-2.0
/*
 * Resource Manager memory parcels: LEND, SHARE, DONATE, APPEND, ACCEPT,
 * RELEASE, RECLAIM and NOTIFY.  Wire formats, checks and error codes follow
 * quic/gunyah-resource-manager include/memparcel_msg.h and
 * src/memparcel/memparcel.c; the places where this model is simpler are
 * listed in Documentation/virt/gunyah/emulator.rst.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rm_internal.h"

#define ACL_ENTRY_SIZE	4
#define SGL_ENTRY_SIZE	16
#define ATTR_ENTRY_SIZE	4

struct rm_parcel *rm_parcel_lookup(struct rm_engine *e, uint32_t handle)
{
	struct rm_parcel *p;

	for (p = e->parcels; p; p = p->next)
		if (p->handle == handle)
			return p;
	return NULL;
}

struct rm_acl_entry *rm_parcel_acl(struct rm_parcel *p, uint16_t vmid)
{
	unsigned int i;

	for (i = 0; i < p->nr_acl; i++)
		if (p->acl[i].vmid == vmid)
			return &p->acl[i];
	return NULL;
}

/*
 * memparcel.c vmid_valid() (:192-197): the platform's secondary VMIDs,
 * allocated or not, but a dynamic VMID only while it is allocated
 * (vm_mgnt.c vm_is_dynamic_vm(), :462-466).
 */
static bool rm_acl_vmid_valid(struct rm_engine *e, uint32_t vmid)
{
	return vmid == VMID_HLOS || vmid == VMID_RM ||
	       (vmid < 64 && ((RM_QEMU_SECONDARY_VMIDS >> vmid) & 1)) ||
	       (vmid >= VMID_DYNAMIC_BASE && vmid < VMID_DYNAMIC_END &&
		rm_vm_lookup(e, vmid));
}

static bool rm_rights_valid(uint8_t rights)
{
	return rights == RM_RIGHTS_R || rights == RM_RIGHTS_RX ||
	       rights == RM_RIGHTS_RW || rights == RM_RIGHTS_RWX;
}

static bool rm_addr_valid(uint64_t addr)
{
	return addr < RM_ADDR_LIMIT && !(addr & (RM_PAGE_SIZE - 1));
}

static bool rm_ranges_overlap(uint64_t a, uint64_t a_size, uint64_t b,
			      uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

static void rm_parcel_free(struct rm_parcel *p)
{
	free(p->acl);
	free(p->attrs);
	free(p->regions);
	free(p);
}

void rm_parcel_free_all(struct rm_engine *e)
{
	struct rm_parcel *p, *next;

	for (p = e->parcels; p; p = next) {
		next = p->next;
		rm_parcel_free(p);
	}
	e->parcels = NULL;
}

/*
 * Is [ipa, ipa + size) memory that @owner may put in a parcel right now?
 * The real RM looks the range up in the owner's address space; memory
 * already in a parcel has been donated to that parcel's extent and no
 * longer belongs to the owner, so both cases fail with MEM_INVALID.
 */
static bool rm_range_available(struct rm_engine *e, uint16_t owner,
			       uint8_t mem_type, uint64_t ipa, uint64_t size)
{
	uint64_t base = e->config.primary_ram_base;
	uint64_t end = base + e->config.primary_ram_size;
	struct rm_parcel *p;
	unsigned int i;

	if (owner != VMID_HLOS || mem_type != RM_MEM_TYPE_NORMAL)
		return false;
	if (ipa < base || ipa + size > end)
		return false;
	for (p = e->parcels; p; p = p->next)
		for (i = 0; i < p->nr_regions; i++)
			if (rm_ranges_overlap(ipa, size, p->regions[i].ipa,
					      p->regions[i].size))
				return false;
	return true;
}

static bool rm_parcel_unmaps_owner(const struct rm_parcel *p)
{
	return p->trans_type != RM_TRANS_SHARE;
}

static void rm_count_pages(struct rm_engine *e, const struct rm_parcel *p,
			   uint64_t bytes)
{
	static const char * const names[] = {
		[RM_TRANS_DONATE] = "pages_donated",
		[RM_TRANS_LEND] = "pages_lent",
		[RM_TRANS_SHARE] = "pages_shared",
	};

	rm_count(e, names[p->trans_type], (int64_t)(bytes / RM_PAGE_SIZE));
	if (rm_parcel_unmaps_owner(p))
		rm_count(e, "primary_pages_unmapped",
			 (int64_t)(bytes / RM_PAGE_SIZE));
}

/* add_sgl_to_mp(): check every entry, then take the memory. */
static uint32_t rm_parcel_add_sgl(struct rm_engine *e, struct rm_parcel *p,
				  const uint8_t *sgl, uint16_t entries,
				  bool done)
{
	unsigned int i, j, unmapped;
	struct rm_region *regions;
	uint64_t bytes = 0;

	if (!entries)
		return RM_ERROR_ARGUMENT_INVALID;
	for (i = 0; i < entries; i++) {
		uint64_t ipa = get_le64(sgl + i * SGL_ENTRY_SIZE);
		uint64_t size = get_le64(sgl + i * SGL_ENTRY_SIZE + 8);

		if (!rm_addr_valid(ipa) || !rm_addr_valid(size) || !size)
			return RM_ERROR_ARGUMENT_INVALID;
		if (!rm_range_available(e, p->owner, p->mem_type, ipa, size))
			return RM_ERROR_MEM_INVALID;
		for (j = 0; j < i; j++)
			if (rm_ranges_overlap(ipa, size,
					      get_le64(sgl + j * SGL_ENTRY_SIZE),
					      get_le64(sgl + j * SGL_ENTRY_SIZE + 8)))
				return RM_ERROR_MEM_INVALID;
	}

	if (p->nr_regions + entries > p->cap_regions) {
		unsigned int cap = p->nr_regions + entries;

		regions = realloc(p->regions, cap * sizeof(*regions));
		if (!regions)
			return RM_ERROR_NOMEM;
		p->regions = regions;
		p->cap_regions = cap;
	}

	for (unmapped = 0; unmapped < entries; unmapped++) {
		struct rm_region *r = &p->regions[p->nr_regions + unmapped];

		r->ipa = get_le64(sgl + unmapped * SGL_ENTRY_SIZE);
		r->size = get_le64(sgl + unmapped * SGL_ENTRY_SIZE + 8);
		if (!rm_parcel_unmaps_owner(p) || !e->ops.unmap_primary)
			continue;
		if (e->ops.unmap_primary(e->ops.ctx, r->ipa, r->size))
			break;
	}
	if (unmapped < entries) {
		while (unmapped--) {
			struct rm_region *r =
				&p->regions[p->nr_regions + unmapped];

			e->ops.map_primary(e->ops.ctx, r->ipa, r->size);
		}
		return RM_ERROR_MAP_FAILED;
	}

	for (i = 0; i < entries; i++) {
		struct rm_region *r = &p->regions[p->nr_regions + i];

		if (p->sanitize_create && e->ops.sanitize)
			e->ops.sanitize(e->ops.ctx, r->ipa, r->size);
		bytes += r->size;
	}
	p->nr_regions += entries;
	p->total_size += bytes;
	rm_count_pages(e, p, bytes);
	if (done)
		p->state = RM_PARCEL_SHARING;
	return RM_OK;
}

/*
 * For the kernel's acceptance checks: SGL entries of 2 MiB or more that a
 * LEND, SHARE or APPEND handed over.
 */
static void rm_count_large(struct rm_engine *e, const uint8_t *sgl,
			   uint16_t entries)
{
	unsigned int i;

	for (i = 0; i < entries; i++)
		if (get_le64(sgl + i * SGL_ENTRY_SIZE + 8) >= RM_SIZE_2M)
			rm_count(e, "sgl_entries_large", 1);
}

/* memparcel_construct(): everything but the SGL. */
static uint32_t rm_parcel_check_acl(struct rm_engine *e, uint16_t owner,
				    uint8_t mem_type, uint8_t trans_type,
				    const uint8_t *acl, uint16_t nr_acl,
				    bool *owner_in_acl)
{
	uint8_t max_rights = mem_type == RM_MEM_TYPE_IO ? RM_RIGHTS_RW :
							  RM_RIGHTS_RWX;
	unsigned int i, j;
	bool is_share;

	*owner_in_acl = false;
	for (i = 0; i < nr_acl; i++) {
		uint16_t vmid = get_le16(acl + i * ACL_ENTRY_SIZE);
		uint8_t rights = acl[i * ACL_ENTRY_SIZE + 2];

		for (j = 0; j < i; j++)
			if (get_le16(acl + j * ACL_ENTRY_SIZE) == vmid)
				return RM_ERROR_ARGUMENT_INVALID;
		if (!rm_acl_vmid_valid(e, vmid) || !rm_rights_valid(rights))
			return RM_ERROR_ARGUMENT_INVALID;
		if (mem_type == RM_MEM_TYPE_IO && (rights & RM_RIGHTS_X))
			return RM_ERROR_ARGUMENT_INVALID;
		if (trans_type == RM_TRANS_DONATE && rights != max_rights)
			return RM_ERROR_DENIED;
		if (vmid == owner)
			*owner_in_acl = true;
	}
	/* The owner is named in the ACL exactly when it shares. */
	is_share = trans_type == RM_TRANS_SHARE;
	if (is_share != *owner_in_acl)
		return RM_ERROR_ARGUMENT_INVALID;
	return RM_OK;
}

static uint32_t rm_parcel_construct(struct rm_engine *e, uint16_t owner,
				    const uint8_t *req, struct rm_reader *r,
				    uint8_t trans_type, uint32_t *handle)
{
	uint8_t mem_type = req[0], flags = req[2];
	uint16_t nr_acl, nr_sgl, nr_attr;
	const uint8_t *acl, *sgl, *attrs;
	struct rm_vm *owner_vm;
	struct rm_parcel *p;
	bool owner_in_acl;
	unsigned int i, j;
	uint32_t err;

	/* memparcel_read_lists(): three lists, nothing after them. */
	err = rm_read_list(r, ACL_ENTRY_SIZE, &nr_acl, &acl);
	if (!err)
		err = rm_read_list(r, SGL_ENTRY_SIZE, &nr_sgl, &sgl);
	if (!err)
		err = rm_read_list(r, ATTR_ENTRY_SIZE, &nr_attr, &attrs);
	if (!err && r->pos != r->len)
		err = RM_ERROR_MSG_INVALID;
	if (err)
		return err;

	if (!nr_acl || !nr_sgl)
		return RM_ERROR_ARGUMENT_INVALID;
	if (trans_type == RM_TRANS_DONATE && nr_acl > 1)
		return RM_ERROR_ARGUMENT_INVALID;
	owner_vm = rm_vm_lookup(e, owner);
	if (!owner_vm)
		return RM_ERROR_VMID_INVALID;
	if (owner_vm->nr_parcels == RM_MAX_PARCELS_PER_VM)
		return RM_ERROR_DENIED;
	if ((flags & RM_CREATE_FLAG_SANITIZE) && mem_type == RM_MEM_TYPE_IO)
		return RM_ERROR_ARGUMENT_INVALID;
	err = rm_parcel_check_acl(e, owner, mem_type, trans_type, acl, nr_acl,
				  &owner_in_acl);
	if (err)
		return err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return RM_ERROR_NOMEM;
	p->acl = calloc(nr_acl, sizeof(*p->acl));
	p->attrs = calloc(nr_attr ? nr_attr : 1, sizeof(*p->attrs));
	if (!p->acl || !p->attrs) {
		rm_parcel_free(p);
		return RM_ERROR_NOMEM;
	}
	p->owner = owner;
	p->mem_type = mem_type;
	p->trans_type = trans_type;
	p->label = get_le32(req + 4);
	p->sanitize_create = flags & RM_CREATE_FLAG_SANITIZE;
	p->state = RM_PARCEL_INIT;
	p->nr_acl = nr_acl;
	for (i = 0; i < nr_acl; i++) {
		p->acl[i].vmid = get_le16(acl + i * ACL_ENTRY_SIZE);
		p->acl[i].rights = acl[i * ACL_ENTRY_SIZE + 2];
		p->acl[i].attr = mem_type == RM_MEM_TYPE_IO ?
				 RM_MEM_ATTR_DEVICE : RM_MEM_ATTR_NORMAL;
	}

	for (i = 0; i < nr_attr; i++) {
		uint16_t attr = get_le16(attrs + i * ATTR_ENTRY_SIZE);
		uint16_t vmid = get_le16(attrs + i * ATTR_ENTRY_SIZE + 2);
		bool is_io = mem_type == RM_MEM_TYPE_IO;
		bool is_device = attr == RM_MEM_ATTR_DEVICE;
		struct rm_acl_entry *entry;

		err = RM_OK;
		for (j = 0; j < i; j++)
			if (p->attrs[j].vmid == vmid)
				err = RM_ERROR_ARGUMENT_INVALID;
		/* Only device attributes for IO memory, and only for it. */
		if (attr > RM_MEM_ATTR_CACHED || is_io != is_device ||
		    (trans_type == RM_TRANS_DONATE && attr != p->acl[0].attr))
			err = RM_ERROR_ARGUMENT_INVALID;
		entry = rm_parcel_acl(p, vmid);
		if (!err && !entry)
			err = RM_ERROR_VMID_INVALID;
		if (err) {
			rm_parcel_free(p);
			return err;
		}
		entry->attr = (uint8_t)attr;
		p->attrs[i].attr = attr;
		p->attrs[i].vmid = vmid;
	}
	p->nr_attr = nr_attr;

	err = rm_parcel_add_sgl(e, p, sgl, nr_sgl,
				!(flags & RM_CREATE_FLAG_APPEND));
	if (err) {
		rm_parcel_free(p);
		return err;
	}
	if (trans_type != RM_TRANS_DONATE)
		rm_count_large(e, sgl, nr_sgl);

	/* Handles count up from 0 (memparcel.c allocate_handle()). */
	while (rm_parcel_lookup(e, e->next_handle))
		e->next_handle++;
	p->handle = e->next_handle++;
	p->next = e->parcels;
	e->parcels = p;
	owner_vm->nr_parcels++;
	*handle = p->handle;
	return RM_OK;
}

static void rm_parcel_create(struct rm_engine *e, uint16_t vmid,
			     uint32_t msg_id, uint16_t seq, const uint8_t *buf,
			     size_t len)
{
	struct rm_reader r = { .buf = buf, .len = len, .pos = 8 };
	uint8_t trans_type, reply[4];
	uint32_t err, handle = 0;

	trans_type = msg_id == RM_MEM_LEND ? RM_TRANS_LEND :
		     msg_id == RM_MEM_SHARE ? RM_TRANS_SHARE : RM_TRANS_DONATE;
	if (len < RM_CREATE_REQ_LEN)
		err = RM_ERROR_MSG_INVALID;
	else
		err = rm_parcel_construct(e, vmid, buf, &r, trans_type,
					  &handle);
	if (err) {
		rm_reply(e, vmid, msg_id, seq, err, NULL, 0);
		return;
	}
	put_le32(reply, handle);
	rm_reply(e, vmid, msg_id, seq, RM_OK, reply, sizeof(reply));
}

static uint32_t rm_parcel_append(struct rm_engine *e, uint16_t vmid,
				 const uint8_t *buf, size_t len)
{
	struct rm_reader r = { .buf = buf, .len = len, .pos = 8 };
	const uint8_t *sgl;
	struct rm_parcel *p;
	uint16_t nr_sgl;
	uint32_t err;

	if (len < RM_APPEND_REQ_LEN)
		return RM_ERROR_MSG_INVALID;
	err = rm_read_list(&r, SGL_ENTRY_SIZE, &nr_sgl, &sgl);
	if (!err && r.pos != r.len)
		err = RM_ERROR_MSG_INVALID;
	if (err)
		return err;
	if (!nr_sgl)
		return RM_ERROR_ARGUMENT_INVALID;
	p = rm_parcel_lookup(e, get_le32(buf));
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	if (vmid != p->owner || p->state != RM_PARCEL_INIT)
		return RM_ERROR_DENIED;
	err = rm_parcel_add_sgl(e, p, sgl, nr_sgl,
				buf[4] & RM_APPEND_FLAG_DONE);
	if (err)
		return err;
	rm_count_large(e, sgl, nr_sgl);
	if (p->state != RM_PARCEL_INIT)
		rm_count(e, "parcels_appended", 1);
	return RM_OK;
}

static void rm_parcel_accept_vm(struct rm_parcel *p, struct rm_acl_entry *a)
{
	a->shared = true;
	p->share_count++;
	p->state = RM_PARCEL_SHARED;
}

static void rm_parcel_release_vm(struct rm_parcel *p, struct rm_acl_entry *a)
{
	a->shared = false;
	if (--p->share_count == 0)
		p->state = RM_PARCEL_SHARING;
}

/* memparcel_do_accept(), for a VM mapping the parcel into itself. */
static uint32_t rm_parcel_accept(struct rm_engine *e, uint16_t vmid,
				 uint16_t seq, const uint8_t *buf, size_t len)
{
	/* {le32 handle, mem_type, trans_type, flags, res, le32 label}, lists */
	struct rm_reader r = { .buf = buf, .len = len, .pos = 12 };
	const uint8_t *acl, *sgl, *attrs;
	uint16_t nr_acl, nr_sgl, nr_attr, map_vmid;
	struct rm_acl_entry *entry;
	struct rm_parcel *p;
	unsigned int i;
	uint8_t *reply, flags;
	size_t reply_len;
	uint32_t err;

	if (len < RM_ACCEPT_REQ_LEN)
		return RM_ERROR_MSG_INVALID;
	flags = buf[6];
	err = rm_read_list(&r, ACL_ENTRY_SIZE, &nr_acl, &acl);
	/* The SGL list's reserved half carries map_vmid. */
	map_vmid = r.pos + 4 <= len ? get_le16(buf + r.pos + 2) : 0;
	if (!err)
		err = rm_read_list(&r, SGL_ENTRY_SIZE, &nr_sgl, &sgl);
	if (!err)
		err = rm_read_list(&r, ATTR_ENTRY_SIZE, &nr_attr, &attrs);
	if (!err && r.pos != r.len)
		err = RM_ERROR_MSG_INVALID;
	if (err)
		return err;

	p = rm_parcel_lookup(e, get_le32(buf));
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	if (buf[4] != p->mem_type || buf[5] != p->trans_type)
		return RM_ERROR_ARGUMENT_INVALID;
	if ((flags & RM_ACCEPT_FLAG_VALIDATE_SANITIZED) && !p->sanitize_create)
		return RM_ERROR_VALIDATE_FAILED;
	if ((flags & RM_ACCEPT_FLAG_VALIDATE_LABEL) &&
	    get_le32(buf + 8) != p->label)
		return RM_ERROR_VALIDATE_FAILED;
	if (flags & RM_ACCEPT_FLAG_VALIDATE_ACL_ATTR) {
		if (nr_acl != p->nr_acl || nr_attr != p->nr_attr)
			return RM_ERROR_VALIDATE_FAILED;
		for (i = 0; i < nr_acl; i++)
			if (get_le16(acl + i * 4) != p->acl[i].vmid ||
			    acl[i * 4 + 2] != p->acl[i].rights)
				return RM_ERROR_VALIDATE_FAILED;
		for (i = 0; i < nr_attr; i++)
			if (get_le16(attrs + i * 4) != p->attrs[i].attr ||
			    get_le16(attrs + i * 4 + 2) != p->attrs[i].vmid)
				return RM_ERROR_VALIDATE_FAILED;
	}
	/* Only mapping into the caller itself is supported. */
	if (flags & RM_ACCEPT_FLAG_MAP_OTHER)
		return RM_ERROR_DENIED;
	if (map_vmid)
		return RM_ERROR_ARGUMENT_INVALID;
	entry = rm_parcel_acl(p, vmid);
	if (!entry)
		return RM_ERROR_VMID_INVALID;
	/* No state check: an incomplete parcel can be accepted. */
	if (vmid == p->owner || entry->shared)
		return RM_ERROR_DENIED;
	if ((flags & RM_ACCEPT_FLAG_MAP_CONTIGUOUS) &&
	    p->mem_type != RM_MEM_TYPE_NORMAL)
		return RM_ERROR_ARGUMENT_INVALID;
	if (flags & RM_ACCEPT_FLAG_SANITIZE) {
		if (p->mem_type == RM_MEM_TYPE_IO ||
		    !(entry->rights & RM_RIGHTS_W))
			return RM_ERROR_ARGUMENT_INVALID;
		p->sanitize_reclaim = true;
	}
	if (nr_sgl > p->nr_regions)
		return RM_ERROR_ARGUMENT_INVALID;

	rm_parcel_accept_vm(p, entry);
	if (nr_sgl)
		return RM_OK;

	/*
	 * Without an SGL the RM picks the addresses and returns them.  No
	 * secondary address space exists here, so the owner's IPAs are
	 * reported.
	 */
	reply_len = 4 + (size_t)(p->nr_regions < RM_MAX_LIST_ENTRIES ?
				 p->nr_regions : RM_MAX_LIST_ENTRIES) * 16;
	reply = calloc(1, reply_len);
	if (!reply)
		return RM_ERROR_NOMEM;
	put_le16(reply, (uint16_t)((reply_len - 4) / 16));
	if (p->nr_regions > RM_MAX_LIST_ENTRIES)
		reply[2] = 1;	/* MEM_ACCEPT_RESP_FLAG_INCOMPLETE */
	for (i = 0; i < (reply_len - 4) / 16; i++) {
		put_le64(reply + 4 + i * 16, p->regions[i].ipa);
		put_le64(reply + 12 + i * 16, p->regions[i].size);
	}
	rm_reply(e, vmid, RM_MEM_ACCEPT, seq, RM_OK, reply, reply_len);
	free(reply);
	return RM_REPLIED;
}

static uint32_t rm_parcel_release(struct rm_engine *e, uint16_t vmid,
				  const uint8_t *buf, size_t len)
{
	struct rm_acl_entry *entry;
	struct rm_parcel *p;

	if (len < RM_RELEASE_REQ_LEN)
		return RM_ERROR_MSG_INVALID;
	p = rm_parcel_lookup(e, get_le32(buf));
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	entry = rm_parcel_acl(p, vmid);
	if (!entry)
		return RM_ERROR_HANDLE_INVALID;
	if (vmid == p->owner)
		return RM_ERROR_DENIED;
	if (!entry->shared)
		return RM_ERROR_MEM_RELEASED;
	if (buf[4] & RM_RELEASE_FLAG_SANITIZE) {
		if (p->mem_type == RM_MEM_TYPE_IO ||
		    !(entry->rights & RM_RIGHTS_W))
			return RM_ERROR_ARGUMENT_INVALID;
		p->sanitize_reclaim = true;
	}
	rm_parcel_release_vm(p, entry);
	return RM_OK;
}

static void rm_parcel_unlink(struct rm_engine *e, struct rm_parcel *p)
{
	struct rm_parcel **link;

	for (link = &e->parcels; *link; link = &(*link)->next) {
		if (*link == p) {
			*link = p->next;
			break;
		}
	}
}

static uint32_t rm_parcel_reclaim(struct rm_engine *e, uint16_t vmid,
				  const uint8_t *buf, size_t len)
{
	struct rm_parcel *p;
	struct rm_vm *owner;
	unsigned int i;

	if (len < RM_RELEASE_REQ_LEN)
		return RM_ERROR_MSG_INVALID;
	p = rm_parcel_lookup(e, get_le32(buf));
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	if (vmid != p->owner)
		return RM_ERROR_DENIED;
	if (p->state == RM_PARCEL_SHARED)
		return RM_ERROR_MEM_INUSE;
	if (buf[4] & RM_RECLAIM_FLAG_SANITIZE) {
		if (p->mem_type == RM_MEM_TYPE_IO)
			return RM_ERROR_ARGUMENT_INVALID;
		p->sanitize_reclaim = true;
	}
	for (i = 0; i < p->nr_regions; i++) {
		struct rm_region *r = &p->regions[i];

		if (rm_parcel_unmaps_owner(p) && e->ops.map_primary &&
		    e->ops.map_primary(e->ops.ctx, r->ipa, r->size))
			rm_count(e, "rm_remap_failures", 1);
		if (p->sanitize_reclaim && e->ops.sanitize)
			e->ops.sanitize(e->ops.ctx, r->ipa, r->size);
	}
	rm_count(e, "pages_reclaimed", (int64_t)(p->total_size / RM_PAGE_SIZE));
	if (rm_parcel_unmaps_owner(p))
		rm_count(e, "primary_pages_unmapped",
			 -(int64_t)(p->total_size / RM_PAGE_SIZE));
	owner = rm_vm_lookup(e, p->owner);
	if (owner)
		owner->nr_parcels--;
	rm_parcel_unlink(e, p);
	rm_parcel_free(p);
	return RM_OK;
}

/* get_vmid_list(): {le16 n, le16 res, n x {le16 vmid, le16 res}}. */
static uint32_t rm_notify_targets(struct rm_engine *e, struct rm_parcel *p,
				  const uint8_t *buf, size_t len,
				  uint16_t *nr, const uint8_t **list)
{
	unsigned int i;

	if (len < RM_NOTIFY_REQ_LEN + 4)
		return RM_ERROR_MSG_INVALID;
	*nr = get_le16(buf + RM_NOTIFY_REQ_LEN);
	*list = buf + RM_NOTIFY_REQ_LEN + 4;
	if (!*nr)
		return RM_ERROR_ARGUMENT_INVALID;
	if (len < RM_NOTIFY_REQ_LEN + 4 + (size_t)*nr * 4)
		return RM_ERROR_MSG_INVALID;
	if (*nr > p->nr_acl)
		return RM_ERROR_ARGUMENT_INVALID;
	for (i = 0; i < *nr; i++) {
		uint16_t vmid = get_le16(*list + i * 4);

		if (!rm_vm_lookup(e, vmid))
			return RM_ERROR_VMID_INVALID;
		if (!rm_parcel_acl(p, vmid))
			return RM_ERROR_ARGUMENT_INVALID;
	}
	return RM_OK;
}

/* memparcel_notify_owner(): an acceptor tells the owner it took or gave. */
static uint32_t rm_notify_owner(struct rm_engine *e, struct rm_parcel *p,
				uint16_t vmid, bool accepted)
{
	struct rm_acl_entry *entry = rm_parcel_acl(p, vmid);
	uint8_t msg[12] = { 0 };

	if (!entry)
		return RM_ERROR_HANDLE_INVALID;
	if (accepted != entry->shared)
		return entry->shared ? RM_ERROR_MEM_INUSE :
				       RM_ERROR_MEM_RELEASED;
	put_le32(msg, p->handle);
	put_le16(msg + 4, vmid);
	put_le32(msg + 8, p->mem_info_tag);
	rm_notify(e, p->owner, accepted ? RM_NOTIF_MEM_ACCEPTED :
					  RM_NOTIF_MEM_RELEASED,
		  msg, sizeof(msg));
	return RM_OK;
}

/* memparcel_notify_shared(): the MEM_SHARED notification body. */
static uint32_t rm_notify_shared(struct rm_engine *e, struct rm_parcel *p,
				 uint16_t nr, const uint8_t *list)
{
	unsigned int regions = p->nr_regions < RM_MAX_LIST_ENTRIES ?
			       p->nr_regions : RM_MAX_LIST_ENTRIES;
	size_t len = 24 + p->nr_acl * 4 + 4 + regions * 8 + 4 + p->nr_attr * 4;
	uint32_t err = RM_OK;
	uint8_t *msg, *pos;
	unsigned int i;

	msg = calloc(1, len);
	if (!msg)
		return RM_ERROR_NOMEM;
	put_le32(msg, p->handle);
	msg[4] = p->mem_type;
	msg[5] = p->trans_type;
	msg[6] = p->sanitize_create;
	put_le16(msg + 8, p->owner);
	put_le32(msg + 12, p->label);
	put_le32(msg + 16, p->mem_info_tag);
	put_le16(msg + 20, (uint16_t)p->nr_acl);
	pos = msg + 24;
	for (i = 0; i < p->nr_acl; i++, pos += 4) {
		put_le16(pos, p->acl[i].vmid);
		pos[2] = p->acl[i].rights;
	}
	put_le16(pos, (uint16_t)regions);
	pos += 4;
	/* The real RM sends only the region sizes, not their addresses. */
	for (i = 0; i < regions; i++, pos += 8)
		put_le64(pos, p->regions[i].size);
	put_le16(pos, (uint16_t)p->nr_attr);
	pos += 4;
	for (i = 0; i < p->nr_attr; i++, pos += 4) {
		put_le16(pos, p->attrs[i].attr);
		put_le16(pos + 2, p->attrs[i].vmid);
	}
	for (i = 0; i < nr; i++) {
		uint16_t vmid = get_le16(list + i * 4);
		struct rm_vm *vm = rm_vm_lookup(e, vmid);

		/*
		 * A READY VM does not hear of the parcel: the RM itself
		 * accepts it if an shm vdevice names its label
		 * (vm_creation_process_memparcel()), then reports to the
		 * owner as memparcel_notify_owner() does: ACCEPTED; or, the
		 * accept failed, RELEASED; or, no vdevice wanted it, no
		 * notification but a MEM_RELEASED answer.  The answer is
		 * that of the last READY VMID listed, OK if none is READY:
		 * other targets leave it alone (memparcel.c:2065-2068).
		 */
		if (vm && vm->state == RM_VM_STATE_READY)
			err = rm_notify_owner(e, p, vmid,
					      rm_vm_accept_shm(e, vm, p) >= 0);
		else
			rm_notify(e, vmid, RM_NOTIF_MEM_SHARED, msg, len);
	}
	free(msg);
	return err;
}

static uint32_t rm_parcel_notify(struct rm_engine *e, uint16_t vmid,
				 const uint8_t *buf, size_t len)
{
	const uint8_t *list;
	struct rm_parcel *p;
	uint8_t flags, msg[8];
	uint16_t nr;
	uint32_t err, tag;
	unsigned int i;

	if (len < RM_NOTIFY_REQ_LEN)
		return RM_ERROR_MSG_INVALID;
	p = rm_parcel_lookup(e, get_le32(buf));
	if (!p)
		return RM_ERROR_HANDLE_INVALID;
	flags = buf[4];
	tag = get_le32(buf + 8);
	if (p->tag_set && p->mem_info_tag != tag)
		return RM_ERROR_ARGUMENT_INVALID;

	switch (flags) {
	case RM_NOTIFY_FLAG_SHARED:
		if (vmid != p->owner)
			return RM_ERROR_DENIED;
		err = rm_notify_targets(e, p, buf, len, &nr, &list);
		if (err)
			return err;
		/* memparcel_notify_shared() has no state check either. */
		if (!p->tag_set) {
			p->mem_info_tag = tag;
			p->tag_set = true;
		}
		return rm_notify_shared(e, p, nr, list);
	case RM_NOTIFY_FLAG_RELEASED:
		return rm_notify_owner(e, p, vmid, false);
	case RM_NOTIFY_FLAG_ACCEPTED:
		return rm_notify_owner(e, p, vmid, true);
	case RM_NOTIFY_FLAG_RECALL:
		if (vmid != p->owner)
			return RM_ERROR_DENIED;
		err = rm_notify_targets(e, p, buf, len, &nr, &list);
		if (err)
			return err;
		put_le32(msg, p->handle);
		put_le32(msg + 4, p->mem_info_tag);
		for (i = 0; i < nr; i++)
			rm_notify(e, get_le16(list + i * 4),
				  RM_NOTIF_MEM_RECALL, msg, sizeof(msg));
		return RM_OK;
	default:
		return RM_ERROR_ARGUMENT_INVALID;
	}
}

/*
 * MEM_QCOM_LOOKUP_SGL (memparcel.c memparcel_lookup_sgl(),
 * memparcel_sgl_do_lookup()): {u8 mem_type, 3 res, le32 label}, then the
 * ACL, SGL and (optional) attribute lists of MEM_LEND/SHARE; reply
 * {le32 handle}.  A parcel matches when the caller owns it, it is complete
 * and accepted by no VM (SHARING), and mem_type, the ACL (VMID and rights,
 * in order), the SGL (base and size of every region, in order) and the
 * attributes (in order) are all equal.  The label is not compared.  The
 * oldest match wins; none is LOOKUP_FAILED.
 */
static bool rm_parcel_matches(const struct rm_parcel *p, uint16_t vmid,
			      uint8_t mem_type, const uint8_t *acl,
			      uint16_t nr_acl, const uint8_t *sgl,
			      uint16_t nr_sgl, const uint8_t *attrs,
			      uint16_t nr_attr)
{
	unsigned int i;

	if (p->owner != vmid || p->state != RM_PARCEL_SHARING ||
	    p->mem_type != mem_type || p->nr_acl != nr_acl ||
	    p->nr_regions != nr_sgl || p->nr_attr != nr_attr)
		return false;
	for (i = 0; i < nr_acl; i++)
		if (get_le16(acl + i * ACL_ENTRY_SIZE) != p->acl[i].vmid ||
		    acl[i * ACL_ENTRY_SIZE + 2] != p->acl[i].rights)
			return false;
	for (i = 0; i < nr_sgl; i++)
		if (get_le64(sgl + i * SGL_ENTRY_SIZE) != p->regions[i].ipa ||
		    get_le64(sgl + i * SGL_ENTRY_SIZE + 8) !=
		    p->regions[i].size)
			return false;
	for (i = 0; i < nr_attr; i++)
		if (get_le16(attrs + i * ATTR_ENTRY_SIZE) != p->attrs[i].attr ||
		    get_le16(attrs + i * ATTR_ENTRY_SIZE + 2) !=
		    p->attrs[i].vmid)
			return false;
	return true;
}

static void rm_parcel_lookup_sgl(struct rm_engine *e, uint16_t vmid,
				 uint16_t seq, const uint8_t *buf, size_t len)
{
	struct rm_reader r = { .buf = buf, .len = len, .pos = 8 };
	const uint8_t *acl, *sgl, *attrs;
	uint16_t nr_acl, nr_sgl, nr_attr;
	struct rm_parcel *p, *found = NULL;
	uint8_t reply[4];
	uint32_t err;

	if (len < RM_LOOKUP_REQ_LEN) {
		err = RM_ERROR_MSG_INVALID;
		goto out;
	}
	err = rm_read_list(&r, ACL_ENTRY_SIZE, &nr_acl, &acl);
	if (!err)
		err = rm_read_list(&r, SGL_ENTRY_SIZE, &nr_sgl, &sgl);
	if (!err)
		err = rm_read_list(&r, ATTR_ENTRY_SIZE, &nr_attr, &attrs);
	if (!err && r.pos != r.len)
		err = RM_ERROR_MSG_INVALID;
	if (err)
		goto out;
	/* The list is newest first; the real RM's is oldest first. */
	for (p = e->parcels; p; p = p->next)
		if (rm_parcel_matches(p, vmid, buf[0], acl, nr_acl, sgl,
				      nr_sgl, attrs, nr_attr))
			found = p;
	if (!found) {
		err = RM_ERROR_LOOKUP_FAILED;
		goto out;
	}
	put_le32(reply, found->handle);
	rm_reply(e, vmid, RM_MEM_QCOM_LOOKUP_SGL, seq, RM_OK, reply,
		 sizeof(reply));
	return;
out:
	rm_reply(e, vmid, RM_MEM_QCOM_LOOKUP_SGL, seq, err, NULL, 0);
}

/* VM @vmid takes @p in, as START or a READY VM's accept does. */
void rm_parcel_vm_accept(struct rm_parcel *p, uint16_t vmid)
{
	struct rm_acl_entry *entry = rm_parcel_acl(p, vmid);

	if (entry && !entry->shared)
		rm_parcel_accept_vm(p, entry);
}

void rm_parcel_vm_unaccept(struct rm_parcel *p, uint16_t vmid)
{
	struct rm_acl_entry *entry = rm_parcel_acl(p, vmid);

	if (entry && entry->shared)
		rm_parcel_release_vm(p, entry);
}

void rm_parcel_vm_reset(struct rm_engine *e, uint16_t vmid)
{
	struct rm_acl_entry *entry;
	struct rm_parcel *p;

	for (p = e->parcels; p; p = p->next) {
		entry = rm_parcel_acl(p, vmid);
		if (entry && entry->shared)
			rm_parcel_release_vm(p, entry);
	}
}

bool rm_parcel_handle(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
		      uint16_t seq, const uint8_t *buf, size_t len)
{
	uint32_t err;

	switch (msg_id) {
	case RM_MEM_LEND:
	case RM_MEM_SHARE:
	case RM_MEM_DONATE:
		rm_parcel_create(e, vmid, msg_id, seq, buf, len);
		return true;
	case RM_MEM_APPEND:
		err = rm_parcel_append(e, vmid, buf, len);
		break;
	case RM_MEM_QCOM_LOOKUP_SGL:
		rm_parcel_lookup_sgl(e, vmid, seq, buf, len);
		return true;
	case RM_MEM_ACCEPT:
		err = rm_parcel_accept(e, vmid, seq, buf, len);
		if (err == RM_REPLIED)
			return true;
		break;
	case RM_MEM_RELEASE:
		err = rm_parcel_release(e, vmid, buf, len);
		break;
	case RM_MEM_RECLAIM:
		err = rm_parcel_reclaim(e, vmid, buf, len);
		break;
	case RM_MEM_NOTIFY:
		err = rm_parcel_notify(e, vmid, buf, len);
		break;
	default:
		return false;
	}
	rm_reply(e, vmid, msg_id, seq, err, NULL, 0);
	return true;
}

/*
 * Copy @len bytes at byte @offset of the parcel (its regions laid back to
 * back) through ops.read_primary; 0 or -errno.
 */
int rm_parcel_read(struct rm_engine *e, const struct rm_parcel *p,
		   uint64_t offset, void *buf, size_t len)
{
	uint8_t *dst = buf;
	unsigned int i;

	if (!e->ops.read_primary || offset > p->total_size ||
	    len > p->total_size - offset)
		return -EINVAL;
	for (i = 0; i < p->nr_regions && len; i++) {
		const struct rm_region *r = &p->regions[i];
		uint64_t chunk;
		int err;

		if (offset >= r->size) {
			offset -= r->size;
			continue;
		}
		chunk = r->size - offset < len ? r->size - offset : len;
		err = e->ops.read_primary(e->ops.ctx, r->ipa + offset, dst,
					  (size_t)chunk);
		if (err)
			return err;
		dst += chunk;
		len -= (size_t)chunk;
		offset = 0;
	}
	return len ? -EINVAL : 0;
}
