// SPDX-License-Identifier: GPL-2.0
/*
 * RM memory parcels: every message and the rules the real RM enforces.
 */
#include <string.h>

#include "rm_client.h"
#include "tap.h"

#define VM_A	0x80
#define VM_B	0x81
#define PAGE(n)	(TEST_RAM_BASE + (n) * 4096ull)

static uint8_t buf[16384];

static void setup(struct rm_test *t)
{
	rm_test_init(t);
	vm_op(t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	vm_op(t, VMID_HLOS, RM_VM_ALLOCATE, 0);
}

static uint32_t lend(struct rm_test *t, uint16_t from, uint32_t msg_id,
		     const struct mem_acl *acl, unsigned int nr_acl,
		     const struct mem_sgl *sgl, unsigned int nr_sgl,
		     uint8_t flags)
{
	size_t len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, flags, 0, acl,
				   nr_acl, sgl, nr_sgl, 0, NULL);

	return rm_call(t, from, msg_id, buf, len);
}

static uint32_t accept_parcel(struct rm_test *t, uint16_t vmid,
			      uint32_t handle, uint8_t trans, uint8_t flags,
			      uint32_t label)
{
	uint8_t req[24] = { 0 };

	put_le32(req, handle);
	req[4] = RM_MEM_TYPE_NORMAL;
	req[5] = trans;
	req[6] = flags;
	put_le32(req + 8, label);
	return rm_call(t, vmid, RM_MEM_ACCEPT, req, sizeof(req));
}

static uint32_t notify(struct rm_test *t, uint16_t from, uint32_t handle,
		       uint8_t flags, uint32_t tag, const uint16_t *vmids,
		       unsigned int nr)
{
	uint8_t req[64] = { 0 };
	unsigned int i;

	put_le32(req, handle);
	req[4] = flags;
	put_le32(req + 8, tag);
	put_le16(req + 12, nr);
	for (i = 0; i < nr; i++)
		put_le16(req + 16 + 4 * i, vmids[i]);
	return rm_call(t, from, RM_MEM_NOTIFY, req, 16 + 4 * nr);
}

static void test_lend_share(void)
{
	struct mem_acl acl_a = { VM_A, RM_RIGHTS_RWX };
	struct mem_acl share_acl[2] = { { VM_A, RM_RIGHTS_RW },
					{ VMID_HLOS, RM_RIGHTS_RWX } };
	struct mem_sgl sgl = { PAGE(0), 4 * 4096 };
	struct rm_test t;
	uint32_t h1, h2;

	setup(&t);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0), RM_OK,
	       "LEND of 4 pages");
	h1 = get_le32(t.reply);
	tap_eq(unmapped_pages(&t), 4, "removes them from the primary");
	tap_eq(counter_get(&t.counters, "pages_lent"), 4, "pages_lent counts");
	tap_eq(counter_get(&t.counters, "primary_pages_unmapped"), 4,
	       "primary_pages_unmapped counts");

	sgl.ipa = PAGE(8);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_SHARE, share_acl, 2, &sgl, 1, 0),
	       RM_OK, "SHARE of 4 pages");
	h2 = get_le32(t.reply);
	tap_ok(h2 != h1, "gets a different handle");
	tap_eq(unmapped_pages(&t), 4, "leaves them mapped in the primary");
	tap_eq(counter_get(&t.counters, "pages_shared"), 4,
	       "pages_shared counts");

	sgl.ipa = PAGE(2);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_MEM_INVALID, "a LEND overlapping a lent parcel");
	sgl.ipa = PAGE(11);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_MEM_INVALID, "a LEND overlapping a shared parcel");
	tap_eq(unmapped_pages(&t), 4, "failed LENDs unmap nothing");

	{
		struct mem_sgl two[2] = { { PAGE(20), 8192 }, { PAGE(21), 4096 } };

		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, two, 2, 0),
		       RM_ERROR_MEM_INVALID,
		       "overlapping entries in one request");
	}
	sgl.ipa = TEST_RAM_BASE + TEST_RAM_SIZE - 4096;
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_MEM_INVALID, "memory running past the end of RAM");
	sgl.ipa = 0x1000;
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_MEM_INVALID, "memory outside the primary's RAM");
	sgl.ipa = PAGE(30) + 8;
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_ARGUMENT_INVALID, "an unaligned address");
	sgl.ipa = PAGE(30);
	sgl.size = 0;
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_ARGUMENT_INVALID, "a zero size");
	sgl.size = 4096;
	tap_eq(lend(&t, VM_A, RM_MEM_LEND, &acl_a, 1, &sgl, 1, 0),
	       RM_ERROR_ARGUMENT_INVALID,
	       "a VM lending to itself names its owner in a LEND ACL");
	{
		struct mem_acl acl_b = { VM_B, RM_RIGHTS_RWX };

		tap_eq(lend(&t, VM_A, RM_MEM_LEND, &acl_b, 1, &sgl, 1, 0),
		       RM_ERROR_MEM_INVALID,
		       "only the primary may lend the primary's memory");
	}
	tap_eq(rm_engine_nr_parcels(t.rm), 2, "only the two good parcels exist");
	rm_test_fini(&t);
}

static void test_acl_rules(void)
{
	struct mem_sgl sgl = { PAGE(0), 4096 };
	struct rm_test t;

	setup(&t);
	{
		struct mem_acl acl[2] = { { VMID_HLOS, RM_RIGHTS_RWX },
					  { VM_A, RM_RIGHTS_RWX } };

		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, acl, 2, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID, "LEND naming the owner");
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_SHARE, acl + 1, 1, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID,
		       "SHARE not naming the owner");
	}
	{
		struct mem_acl acl[2] = { { VM_A, RM_RIGHTS_RWX },
					  { VM_A, RM_RIGHTS_R } };

		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, acl, 2, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID, "a VMID twice in the ACL");
	}
	{
		struct mem_acl acl = { 0x40, RM_RIGHTS_RWX };

		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID, "an invalid VMID in the ACL");
		/* memparcel.c:679-686: vmid_valid() wants it allocated */
		acl.vmid = 0x82;
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID,
		       "a free dynamic VMID in the ACL");
		acl.vmid = VM_B;
		tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, VM_B), RM_OK,
		       "DEALLOCATE VM B");
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID,
		       "a deallocated dynamic VMID in the ACL");
		tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0), RM_OK,
		       "ALLOCATE VM B again");
		acl.vmid = 0x10;
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1, 0),
		       RM_OK, "a platform secondary VMID, allocated or not");
		tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM,
				 get_le32(t.reply), 0), RM_OK,
		       "and its parcel can be reclaimed");
		acl.vmid = VM_A;
		acl.rights = RM_RIGHTS_W;
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID, "write-only rights");
		acl.rights = RM_RIGHTS_RW;
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_DONATE, &acl, 1, &sgl, 1, 0),
		       RM_ERROR_DENIED, "DONATE without full rights");
	}
	{
		struct mem_acl acl[2] = { { VM_A, RM_RIGHTS_RWX },
					  { VM_B, RM_RIGHTS_RWX } };

		tap_eq(lend(&t, VMID_HLOS, RM_MEM_DONATE, acl, 2, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID, "DONATE to two VMs");
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, acl, 0, &sgl, 1, 0),
		       RM_ERROR_ARGUMENT_INVALID, "an empty ACL");
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, acl, 1, &sgl, 0, 0),
		       RM_ERROR_ARGUMENT_INVALID, "an empty SGL");
		tap_eq(lend(&t, VMID_HLOS, RM_MEM_DONATE, acl, 1, &sgl, 1, 0),
		       RM_OK, "DONATE to one VM with full rights");
		tap_eq(counter_get(&t.counters, "pages_donated"), 1,
		       "pages_donated counts");
	}
	{
		struct mem_acl acl = { VM_A, RM_RIGHTS_RW };
		uint16_t attrs[2] = { RM_MEM_ATTR_CACHED, VM_B };
		size_t len;

		sgl.ipa = PAGE(4);
		len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0, &acl, 1,
				    &sgl, 1, 1, attrs);
		tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len),
		       RM_ERROR_VMID_INVALID, "attributes for a VM not in the ACL");
		attrs[0] = 9;
		attrs[1] = VM_A;
		len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0, &acl, 1,
				    &sgl, 1, 1, attrs);
		tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len),
		       RM_ERROR_ARGUMENT_INVALID, "an unknown attribute");
		len = build_mem_req(buf, RM_MEM_TYPE_IO, RM_CREATE_FLAG_SANITIZE,
				    0, &acl, 1, &sgl, 1, 0, NULL);
		tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len),
		       RM_ERROR_ARGUMENT_INVALID, "sanitizing IO memory");
		len = build_mem_req(buf, RM_MEM_TYPE_IO, 0, 0, &acl, 1, &sgl,
				    1, 0, NULL);
		tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len),
		       RM_ERROR_MEM_INVALID,
		       "the primary owns no IO memory to lend");
	}
	rm_test_fini(&t);
}

static void test_bad_requests(void)
{
	struct mem_acl acl = { VM_A, RM_RIGHTS_RWX };
	struct mem_sgl sgl = { PAGE(0), 4096 };
	struct rm_test t;
	size_t len;

	setup(&t);
	len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0, &acl, 1, &sgl, 1,
			    0, NULL);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, 19),
	       RM_ERROR_MSG_INVALID, "a LEND shorter than 20 bytes");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len - 2),
	       RM_ERROR_MSG_INVALID, "a truncated list");
	buf[len] = 0;
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len + 4),
	       RM_ERROR_MSG_INVALID, "trailing bytes after the lists");
	put_le16(buf + 8 + 8, 513);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len),
	       RM_ERROR_NORESOURCE, "an SGL of 513 entries");
	put_le16(buf + 8 + 8, 1);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len), RM_OK,
	       "the same request, repaired, works");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, 0, 0), RM_OK,
	       "reclaim the repaired LEND");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_RECLAIM, buf, 7),
	       RM_ERROR_MSG_INVALID, "a short RECLAIM");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_RELEASE, buf, 7),
	       RM_ERROR_MSG_INVALID, "a short RELEASE");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_ACCEPT, buf, 23),
	       RM_ERROR_MSG_INVALID, "a short ACCEPT");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, buf, 11),
	       RM_ERROR_MSG_INVALID, "a short APPEND");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_NOTIFY, buf, 11),
	       RM_ERROR_MSG_INVALID, "a short NOTIFY");
	rm_test_fini(&t);
}

static void test_reclaim(void)
{
	struct mem_acl acl = { VM_A, RM_RIGHTS_RWX };
	struct mem_sgl sgl = { PAGE(0), 8 * 4096 };
	struct rm_test t;
	uint32_t h;

	setup(&t);
	lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1, 0);
	h = get_le32(t.reply);
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h + 1, 0),
	       RM_ERROR_HANDLE_INVALID, "RECLAIM of an unknown handle");
	tap_eq(handle_op(&t, VM_A, RM_MEM_RECLAIM, h, 0), RM_ERROR_DENIED,
	       "RECLAIM of another VM's parcel");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, RM_RECLAIM_FLAG_SANITIZE),
	       RM_OK, "RECLAIM with sanitize");
	tap_eq(unmapped_pages(&t), 0, "gives the pages back to the primary");
	tap_ok(t.sanitize_calls == 1 && t.sanitized_bytes == 8 * 4096,
	       "and zeroes them");
	tap_eq(counter_get(&t.counters, "pages_reclaimed"), 8,
	       "pages_reclaimed counts");
	tap_eq(counter_get(&t.counters, "primary_pages_unmapped"), 0,
	       "primary_pages_unmapped is back to 0");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0),
	       RM_ERROR_HANDLE_INVALID, "a second RECLAIM of the same handle");

	lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, &sgl, 1,
	     RM_CREATE_FLAG_SANITIZE);
	tap_eq(t.sanitize_calls, 2, "sanitize on LEND zeroes the memory");
	h = get_le32(t.reply);
	handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0);
	tap_eq(t.sanitize_calls, 2, "a plain RECLAIM does not zero");

	t.fail_unmap_after = true;
	t.unmaps_left = 1;
	{
		struct mem_sgl two[2] = { { PAGE(40), 4096 }, { PAGE(50), 4096 } };

		tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, two, 2, 0),
		       RM_ERROR_MAP_FAILED, "a failing stage-2 unmap");
	}
	tap_eq(unmapped_pages(&t), 0, "is rolled back completely");
	rm_test_fini(&t);
}

static void test_append(void)
{
	struct mem_acl acl = { VM_A, RM_RIGHTS_RWX };
	static struct mem_sgl sgl[513];
	struct rm_test t;
	uint8_t req[12 + 513 * 16];
	unsigned int i;
	uint32_t h;

	setup(&t);
	for (i = 0; i < 513; i++) {
		sgl[i].ipa = PAGE(2 * i);
		sgl[i].size = 4096;
	}
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, sgl, 512,
		    RM_CREATE_FLAG_APPEND), RM_OK,
	       "LEND of 512 entries with the APPEND flag");
	h = get_le32(t.reply);

	memset(req, 0, sizeof(req));
	put_le32(req, h);
	put_le16(req + 8, 513);
	for (i = 0; i < 513; i++) {
		put_le64(req + 12 + i * 16, PAGE(2 * i + 1));
		put_le64(req + 20 + i * 16, 4096);
	}
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, sizeof(req)),
	       RM_ERROR_NORESOURCE, "APPEND of 513 entries");
	tap_eq(rm_call(&t, VM_A, RM_MEM_APPEND, req, 12 + 16), RM_ERROR_NORESOURCE,
	       "the list check comes before the owner check");
	put_le16(req + 8, 1);
	tap_eq(rm_call(&t, VM_A, RM_MEM_APPEND, req, 12 + 16), RM_ERROR_DENIED,
	       "APPEND by another VM");
	put_le64(req + 12, PAGE(0));
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, 12 + 16),
	       RM_ERROR_MEM_INVALID, "APPEND of memory already in the parcel");
	put_le64(req + 12, PAGE(1));
	put_le16(req + 8, 0);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, 12),
	       RM_ERROR_ARGUMENT_INVALID, "APPEND of nothing");
	put_le32(req, h + 7);
	put_le16(req + 8, 1);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, 12 + 16),
	       RM_ERROR_HANDLE_INVALID, "APPEND to an unknown handle");
	put_le32(req, h);
	put_le16(req + 8, 512);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, 12 + 512 * 16), RM_OK,
	       "APPEND of 512 more");
	req[4] = RM_APPEND_FLAG_DONE;
	put_le16(req + 8, 1);
	put_le64(req + 12, PAGE(1025));
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, 12 + 16), RM_OK,
	       "a last APPEND with the end flag");
	tap_eq(unmapped_pages(&t), 1025, "all 1025 pages are lent");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, 12 + 16),
	       RM_ERROR_DENIED, "APPEND after the end flag");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_LEND, 0, 0), RM_OK,
	       "the complete parcel can be accepted");
	tap_eq(get_le16(t.reply), 512, "the accept reply holds 512 regions");
	tap_eq(t.reply[2], 1, "and says more remain");
	tap_eq(handle_op(&t, VM_A, RM_MEM_RELEASE, h, 0), RM_OK, "release it");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0), RM_OK,
	       "reclaim the 1025-page parcel");
	tap_eq(unmapped_pages(&t), 0, "all of it returns");
	rm_test_fini(&t);
}

static void test_accept_release(void)
{
	struct mem_acl acl[2] = { { VM_A, RM_RIGHTS_RW },
				  { VM_B, RM_RIGHTS_R } };
	struct mem_sgl sgl = { PAGE(0), 4096 };
	struct rm_test t;
	uint32_t h;
	size_t len;

	setup(&t);
	len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0x1234, acl, 2, &sgl,
			    1, 0, NULL);
	rm_call(&t, VMID_HLOS, RM_MEM_LEND, buf, len);
	h = get_le32(t.reply);
	tap_eq(accept_parcel(&t, VMID_HLOS, h, RM_TRANS_LEND, 0, 0),
	       RM_ERROR_VMID_INVALID, "ACCEPT by a VM not in the ACL");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_SHARE, 0, 0),
	       RM_ERROR_ARGUMENT_INVALID, "ACCEPT with the wrong type");
	tap_eq(accept_parcel(&t, VM_A, h + 1, RM_TRANS_LEND, 0, 0),
	       RM_ERROR_HANDLE_INVALID, "ACCEPT of an unknown handle");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_LEND,
			     RM_ACCEPT_FLAG_VALIDATE_LABEL, 0x4321),
	       RM_ERROR_VALIDATE_FAILED, "ACCEPT validating a wrong label");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_LEND,
			     RM_ACCEPT_FLAG_VALIDATE_SANITIZED, 0),
	       RM_ERROR_VALIDATE_FAILED, "ACCEPT validating a missing sanitize");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_LEND,
			     RM_ACCEPT_FLAG_MAP_OTHER, 0),
	       RM_ERROR_DENIED, "ACCEPT mapping into another VM");
	tap_eq(accept_parcel(&t, VM_B, h, RM_TRANS_LEND,
			     RM_ACCEPT_FLAG_SANITIZE, 0),
	       RM_ERROR_ARGUMENT_INVALID, "sanitize without write rights");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_LEND,
			     RM_ACCEPT_FLAG_VALIDATE_LABEL, 0x1234), RM_OK,
	       "ACCEPT with the right label");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_LEND, 0, 0), RM_ERROR_DENIED,
	       "a second ACCEPT");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0),
	       RM_ERROR_MEM_INUSE, "RECLAIM of an accepted parcel");
	tap_eq(handle_op(&t, VM_B, RM_MEM_RELEASE, h, 0), RM_ERROR_MEM_RELEASED,
	       "RELEASE by a VM that did not accept");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RELEASE, h, 0),
	       RM_ERROR_HANDLE_INVALID, "RELEASE by a VM not in the ACL");
	tap_eq(handle_op(&t, VM_A, RM_MEM_RELEASE, h + 1, 0),
	       RM_ERROR_HANDLE_INVALID, "RELEASE of an unknown handle");
	tap_eq(handle_op(&t, VM_A, RM_MEM_RELEASE, h, RM_RELEASE_FLAG_SANITIZE),
	       RM_OK, "RELEASE with sanitize");
	tap_eq(handle_op(&t, VM_A, RM_MEM_RELEASE, h, 0), RM_ERROR_MEM_RELEASED,
	       "a second RELEASE");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0), RM_OK,
	       "RECLAIM once released");
	tap_eq(t.sanitize_calls, 1, "zeroes the memory the acceptor asked to");
	rm_test_fini(&t);

	setup(&t);
	{
		struct mem_acl share[2] = { { VMID_HLOS, RM_RIGHTS_RWX },
					    { VM_A, RM_RIGHTS_RW } };

		len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0, share, 2,
				    &sgl, 1, 0, NULL);
		rm_call(&t, VMID_HLOS, RM_MEM_SHARE, buf, len);
		h = get_le32(t.reply);
		tap_eq(accept_parcel(&t, VMID_HLOS, h, RM_TRANS_SHARE, 0, 0),
		       RM_ERROR_DENIED, "the owner cannot accept its own share");
	}
	rm_test_fini(&t);
}

/*
 * Notifications go to the primary here: a VM that is only allocated has
 * no RM RPC queue, and the real RM exits when it notifies one (see
 * test_notify_no_queue()).
 */
static void test_notify(void)
{
	struct mem_acl acl[2] = { { VM_A, RM_RIGHTS_RW },
				  { VMID_HLOS, RM_RIGHTS_RWX } };
	struct mem_sgl sgl = { PAGE(0), 2 * 4096 };
	const struct test_notif *n;
	uint16_t vmids[3] = { VMID_HLOS, VM_A, 0x82 };
	struct rm_test t;
	uint32_t h;
	size_t len;

	setup(&t);
	len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, 0x55, acl, 2, &sgl,
			    1, 0, NULL);
	rm_call(&t, VMID_HLOS, RM_MEM_SHARE, buf, len);
	h = get_le32(t.reply);
	tap_eq(notify(&t, VM_A, h, RM_NOTIFY_FLAG_SHARED, 7, vmids, 1),
	       RM_ERROR_DENIED, "NOTIFY(SHARED) by a non-owner");
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 7, vmids, 0),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY(SHARED) to nobody");
	vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0);
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 7, vmids + 2, 1),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY(SHARED) to a VM not in the ACL");
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 7, vmids, 3),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY(SHARED) to more VMs than the ACL");
	tap_eq(notify(&t, VMID_HLOS, h, 3, 7, vmids, 1),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY with two flags");
	t.nr_notifs = 0;
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 7, vmids, 1),
	       RM_OK, "NOTIFY(SHARED) to the primary");
	rm_collect(&t, VMID_HLOS);
	tap_eq(t.nr_notifs, 1, "the primary gets one notification");
	n = &t.notifs[0];
	tap_ok(n->id == RM_NOTIF_MEM_SHARED && get_le32(n->data) == h &&
	       get_le16(n->data + 8) == VMID_HLOS &&
	       get_le32(n->data + 12) == 0x55 && get_le32(n->data + 16) == 7,
	       "MEM_SHARED names the handle, owner, label and tag");
	tap_eq(get_le64(n->data + 24 + 2 * 4 + 4), 2 * 4096,
	       "and the region size");
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 8, vmids, 1),
	       RM_ERROR_ARGUMENT_INVALID, "a NOTIFY with another tag");
	tap_eq(notify(&t, VM_A, h, RM_NOTIFY_FLAG_ACCEPTED, 7, NULL, 0),
	       RM_ERROR_MEM_RELEASED, "NOTIFY(ACCEPTED) before accepting");
	accept_parcel(&t, VM_A, h, RM_TRANS_SHARE, 0, 0);
	t.nr_notifs = 0;
	tap_eq(notify(&t, VM_A, h, RM_NOTIFY_FLAG_ACCEPTED, 7, NULL, 0), RM_OK,
	       "NOTIFY(ACCEPTED) after accepting");
	rm_collect(&t, VMID_HLOS);
	n = t.nr_notifs ? &t.notifs[0] : NULL;
	tap_ok(n && n->vmid == VMID_HLOS && n->id == RM_NOTIF_MEM_ACCEPTED &&
	       get_le32(n->data) == h && get_le16(n->data + 4) == VM_A,
	       "the owner gets MEM_ACCEPTED from VM A");
	tap_eq(notify(&t, VM_A, h, RM_NOTIFY_FLAG_RELEASED, 7, NULL, 0),
	       RM_ERROR_MEM_INUSE, "NOTIFY(RELEASED) while accepted");
	t.nr_notifs = 0;
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_RECALL, 7, vmids, 1),
	       RM_OK, "NOTIFY(RECALL)");
	rm_collect(&t, VMID_HLOS);
	tap_ok(t.nr_notifs == 1 && t.notifs[0].id == RM_NOTIF_MEM_RECALL,
	       "the primary gets MEM_RECALL");
	tap_eq(notify(&t, VMID_HLOS, h + 9, RM_NOTIFY_FLAG_SHARED, 7, vmids, 1),
	       RM_ERROR_HANDLE_INVALID, "NOTIFY of an unknown handle");
	rm_test_fini(&t);
}

/*
 * memparcel_notify_shared() and memparcel_do_accept() do not look at the
 * parcel's state: a parcel still being appended to can be notified and
 * accepted; then it is SHARED and APPEND is DENIED (memparcel.c:923-926).
 */
static void test_incomplete(void)
{
	struct mem_acl acl[2] = { { VM_A, RM_RIGHTS_RW },
				  { VMID_HLOS, RM_RIGHTS_RW } };
	struct mem_sgl sgl = { PAGE(0), 4096 };
	uint16_t self = VMID_HLOS;
	uint8_t req[12 + 16] = { 0 };
	struct rm_test t;
	uint32_t h;

	setup(&t);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_SHARE, acl, 2, &sgl, 1,
		    RM_CREATE_FLAG_APPEND), RM_OK,
	       "SHARE with the APPEND flag");
	h = get_le32(t.reply);
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 1, &self, 1),
	       RM_OK, "NOTIFY(SHARED) of a parcel still being appended to");
	tap_eq(accept_parcel(&t, VM_A, h, RM_TRANS_SHARE, 0, 0), RM_OK,
	       "ACCEPT of a parcel still being appended to");
	put_le32(req, h);
	put_le16(req + 8, 1);
	put_le64(req + 12, PAGE(1));
	put_le64(req + 20, 4096);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, sizeof(req)),
	       RM_ERROR_DENIED, "then APPEND is DENIED");
	rm_test_fini(&t);
}

/* Counters the kernel's acceptance checks read. */
static void test_counters(void)
{
	struct mem_acl acl = { VM_A, RM_RIGHTS_RWX };
	struct mem_sgl sgl[2] = { { PAGE(0), 2u << 20 }, { PAGE(1024), 4096 } };
	uint8_t req[12 + 16] = { 0 };
	struct rm_test t;
	uint32_t h;

	setup(&t);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, sgl, 2,
		    RM_CREATE_FLAG_APPEND), RM_OK,
	       "LEND of 2 MiB and 4 KiB, to be appended to");
	h = get_le32(t.reply);
	tap_eq(counter_get(&t.counters, "sgl_entries_large"), 1,
	       "sgl_entries_large counts the 2 MiB entry");
	put_le32(req, h);
	put_le16(req + 8, 1);
	put_le64(req + 12, PAGE(2048));
	put_le64(req + 20, 4u << 20);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, sizeof(req)),
	       RM_OK, "APPEND of 4 MiB, not done");
	tap_eq(counter_get(&t.counters, "sgl_entries_large"), 2,
	       "sgl_entries_large counts it");
	tap_eq(counter_get(&t.counters, "parcels_appended"), 0,
	       "parcels_appended: not yet");
	req[4] = RM_APPEND_FLAG_DONE;
	put_le64(req + 12, PAGE(4096));
	put_le64(req + 20, (2u << 20) - 4096);
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, sizeof(req)),
	       RM_OK, "APPEND of 2 MiB - 4 KiB, done");
	tap_eq(counter_get(&t.counters, "sgl_entries_large"), 2,
	       "sgl_entries_large does not count an entry under 2 MiB");
	tap_eq(counter_get(&t.counters, "parcels_appended"), 1,
	       "parcels_appended counts the completed parcel");
	sgl[0].ipa = PAGE(8192);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, sgl, 1, 0), RM_OK,
	       "a LEND of 2 MiB completed at once");
	tap_eq(counter_get(&t.counters, "parcels_appended"), 1,
	       "is not counted in parcels_appended");
	tap_eq(counter_get(&t.counters, "sgl_entries_large"), 3,
	       "but its entry is in sgl_entries_large");
	rm_test_fini(&t);
}

/* rm-rpc-fifo.c:255-257, :416-418: the real RM exits; nothing answers. */
static void test_notify_no_queue(void)
{
	uint16_t vm_a = VM_A;
	struct rm_test t;
	uint32_t h;

	setup(&t);
	simple_parcel(&t, RM_MEM_LEND, VM_A, 0, 1, &h);
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_SHARED, 7, &vm_a, 1),
	       NO_REPLY, "NOTIFY(SHARED) to a VM with no RM RPC queue");
	tap_eq(counter_get(&t.counters, "rm_fatal"), 1, "counts rm_fatal");
	tap_eq(rm_collect(&t, VM_A), 0, "and sends VM A nothing");
	tap_eq(rm_call(&t, VMID_HLOS, RM_VM_GET_VMID, NULL, 0), NO_REPLY,
	       "no later request is answered");
	tap_eq(handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0), NO_REPLY,
	       "not even a RECLAIM");
	rm_test_fini(&t);

	setup(&t);
	simple_parcel(&t, RM_MEM_LEND, VM_A, 0, 1, &h);
	tap_eq(notify(&t, VMID_HLOS, h, RM_NOTIFY_FLAG_RECALL, 7, &vm_a, 1),
	       NO_REPLY, "NOTIFY(RECALL) to such a VM: the same");
	tap_eq(counter_get(&t.counters, "rm_fatal"), 1, "counts rm_fatal");
	rm_test_fini(&t);
}

static void test_parcel_limit(void)
{
	struct rm_test t;
	unsigned int i, ok = 0;

	setup(&t);
	for (i = 0; i < 64; i++)
		ok += simple_parcel(&t, RM_MEM_LEND, VM_A, i, 1, NULL) == RM_OK;
	tap_eq(ok, 64, "64 parcels per owner");
	tap_eq(simple_parcel(&t, RM_MEM_LEND, VM_A, 100, 1, NULL),
	       RM_ERROR_DENIED, "the 65th is DENIED");
	rm_test_fini(&t);
}

/* MEM_QCOM_LOOKUP_SGL with the lists of a LEND; the label is @label. */
static uint32_t lookup(struct rm_test *t, uint16_t from,
		       const struct mem_acl *acl, unsigned int nr_acl,
		       const struct mem_sgl *sgl, unsigned int nr_sgl,
		       uint32_t label)
{
	size_t len = build_mem_req(buf, RM_MEM_TYPE_NORMAL, 0, label, acl,
				   nr_acl, sgl, nr_sgl, 0, NULL);
	uint32_t err = rm_call(t, from, RM_MEM_QCOM_LOOKUP_SGL, buf, len);

	if (err == RM_OK && t->reply_len != 4)
		return NO_REPLY;
	return err;
}

static void test_lookup_sgl(void)
{
	struct mem_acl acl = { VM_A, RM_RIGHTS_RWX };
	struct mem_acl acl_rw = { VM_A, RM_RIGHTS_RW };
	struct mem_sgl sgl[2] = { { PAGE(0), 8192 }, { PAGE(8), 4096 } };
	struct mem_sgl halves[2] = { { PAGE(0), 4096 }, { PAGE(1), 4096 } };
	uint8_t req[12 + 16] = { 0 };
	struct rm_test t;
	uint32_t h, h2;

	setup(&t);
	lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, sgl, 2, 0);
	h = get_le32(t.reply);
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 2, 0), RM_OK,
	       "LOOKUP_SGL finds a lent parcel by its ACL and SGL");
	tap_eq(get_le32(t.reply), h, "and answers its handle");
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 2, 77), RM_OK,
	       "the label is not compared");
	tap_eq(lookup(&t, VMID_HLOS, &acl_rw, 1, sgl, 2, 0),
	       RM_ERROR_LOOKUP_FAILED, "other rights: LOOKUP_FAILED");
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 1, 0),
	       RM_ERROR_LOOKUP_FAILED, "part of the SGL: LOOKUP_FAILED");
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, halves, 2, 0),
	       RM_ERROR_LOOKUP_FAILED,
	       "the same pages in other entries: LOOKUP_FAILED");
	tap_eq(lookup(&t, VM_A, &acl, 1, sgl, 2, 0), RM_ERROR_LOOKUP_FAILED,
	       "another VM cannot find the owner's parcel");
	tap_eq(rm_call(&t, VMID_HLOS, RM_MEM_QCOM_LOOKUP_SGL, buf, 15),
	       RM_ERROR_MSG_INVALID, "a request under 16 bytes");
	accept_parcel(&t, VM_A, h, RM_TRANS_LEND, 0, 0);
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 2, 0),
	       RM_ERROR_LOOKUP_FAILED, "an accepted parcel is not found");
	handle_op(&t, VM_A, RM_MEM_RELEASE, h, 0);
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 2, 0), RM_OK,
	       "a released one again");
	handle_op(&t, VMID_HLOS, RM_MEM_RECLAIM, h, 0);
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 2, 0),
	       RM_ERROR_LOOKUP_FAILED, "a reclaimed one not");

	lend(&t, VMID_HLOS, RM_MEM_LEND, &acl, 1, sgl, 1,
	     RM_CREATE_FLAG_APPEND);
	h2 = get_le32(t.reply);
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 1, 0),
	       RM_ERROR_LOOKUP_FAILED, "a parcel still being built is not");
	put_le32(req, h2);
	req[4] = RM_APPEND_FLAG_DONE;
	put_le16(req + 8, 1);
	put_le64(req + 12, sgl[1].ipa);
	put_le64(req + 20, sgl[1].size);
	rm_call(&t, VMID_HLOS, RM_MEM_APPEND, req, sizeof(req));
	tap_eq(lookup(&t, VMID_HLOS, &acl, 1, sgl, 2, 0), RM_OK,
	       "a parcel completed by APPEND is found by all its entries");
	tap_eq(get_le32(t.reply), h2, "with its handle");
	rm_test_fini(&t);
}

static uint32_t accept_map(struct rm_test *t, uint16_t vmid, uint32_t handle,
			   uint8_t trans, uint8_t flags, uint16_t map_vmid)
{
	uint8_t req[24] = { 0 };

	put_le32(req, handle);
	req[5] = trans;
	req[6] = flags;
	/* The reserved half of the (empty) SGL list header */
	put_le16(req + 18, map_vmid);
	return rm_call(t, vmid, RM_MEM_ACCEPT, req, sizeof(req));
}

/*
 * The kernel's live KUnit case, request by request, with the answers of
 * the real RM (memparcel.c at bf31a9a).
 */
static void test_kernel_sequence(void)
{
	uint16_t self = VMID_HLOS, bad = 0x7f;
	struct mem_acl acl1[2] = { { VMID_HLOS, RM_RIGHTS_RW },
				   { 0, RM_RIGHTS_R } };
	struct mem_acl acl2 = { 0, RM_RIGHTS_RW };
	struct mem_sgl sgl1 = { PAGE(0), 4096 }, sgl2 = { PAGE(1), 4096 };
	const struct test_notif *n;
	uint32_t p1, p2;
	struct rm_test t;
	uint16_t x;

	rm_test_init(&t);
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_ALLOCATE, 0), RM_OK, "ALLOCATE(0)");
	x = (uint16_t)get_le32(t.reply);
	acl1[1].vmid = x;
	acl2.vmid = x;
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_SHARE, acl1, 2, &sgl1, 1, 0), RM_OK,
	       "P1: SHARE {3: RW, X: R}");
	p1 = get_le32(t.reply);
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_LEND, &acl2, 1, &sgl2, 1, 0), RM_OK,
	       "P2: LEND {X: RW}");
	p2 = get_le32(t.reply);

	/* memparcel_do_accept(), memparcel.c:1236-1333 */
	tap_eq(accept_map(&t, self, p1, RM_TRANS_SHARE, 0x80, 0),
	       RM_ERROR_DENIED, "ACCEPT P1 by its owner");
	tap_eq(accept_map(&t, self, p1, RM_TRANS_LEND, 0x80, 0),
	       RM_ERROR_ARGUMENT_INVALID, "ACCEPT P1 as a LEND");
	tap_eq(accept_map(&t, self, p2, RM_TRANS_LEND, 0x80, 0),
	       RM_ERROR_VMID_INVALID, "ACCEPT P2 by a VM not in its ACL");
	tap_eq(accept_map(&t, self, p2, RM_TRANS_LEND, 0x88, x),
	       RM_ERROR_DENIED, "ACCEPT P2 with MAP_OTHER");
	tap_eq(accept_map(&t, self, p2, RM_TRANS_LEND, 0x80, x),
	       RM_ERROR_ARGUMENT_INVALID, "ACCEPT P2 with a map_vmid");

	/* memparcel_do_release(), memparcel.c:1681-1720 */
	tap_eq(handle_op(&t, self, RM_MEM_RELEASE, p1, 0), RM_ERROR_DENIED,
	       "RELEASE P1 by its owner");
	tap_eq(handle_op(&t, self, RM_MEM_RELEASE, p2, 0),
	       RM_ERROR_HANDLE_INVALID, "RELEASE P2 by a VM not in its ACL");
	tap_eq(handle_op(&t, self, RM_MEM_RELEASE, 0xffffffff, 0),
	       RM_ERROR_HANDLE_INVALID, "RELEASE of an unknown handle");

	/* memparcel_notify(), memparcel.c:1917-2186 */
	tap_eq(notify(&t, self, 0xffffffff, RM_NOTIFY_FLAG_RELEASED, 0x7a6,
		      NULL, 0),
	       RM_ERROR_HANDLE_INVALID, "NOTIFY of an unknown handle");
	tap_eq(notify(&t, self, p1, 3, 0x7a6, &self, 1),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY P1 with flags 3");
	tap_eq(notify(&t, self, p1, RM_NOTIFY_FLAG_ACCEPTED, 0x7a6, NULL, 0),
	       RM_ERROR_MEM_RELEASED, "NOTIFY(ACCEPTED) P1 not accepted");
	tap_eq(notify(&t, self, p2, RM_NOTIFY_FLAG_RELEASED, 0x7a6, NULL, 0),
	       RM_ERROR_HANDLE_INVALID, "NOTIFY(RELEASED) P2 not in its ACL");
	tap_eq(notify(&t, self, p2, RM_NOTIFY_FLAG_SHARED, 0x7a6, &self, 1),
	       RM_ERROR_ARGUMENT_INVALID,
	       "NOTIFY(SHARED) P2 to a VM not in its ACL");
	tap_eq(notify(&t, self, p2, RM_NOTIFY_FLAG_SHARED, 0x7a6, &bad, 1),
	       RM_ERROR_VMID_INVALID, "NOTIFY(SHARED) P2 to an unknown VM");
	tap_eq(notify(&t, self, p1, RM_NOTIFY_FLAG_SHARED, 0x7a6, NULL, 0),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY(SHARED) P1 to nobody");
	t.nr_notifs = 0;
	tap_eq(notify(&t, self, p1, RM_NOTIFY_FLAG_SHARED, 0x7a6, &self, 1),
	       RM_OK, "NOTIFY(SHARED) P1 to VMID 3");
	rm_collect(&t, self);
	n = t.nr_notifs == 1 ? &t.notifs[0] : NULL;
	tap_ok(n && n->id == 0x51100011 && get_le32(n->data) == p1 &&
	       get_le32(n->data + 16) == 0x7a6,
	       "VMID 3 gets MEM_SHARED for P1 with tag 0x7a6");
	tap_eq(notify(&t, self, p1, RM_NOTIFY_FLAG_RELEASED, 0x7a7, NULL, 0),
	       RM_ERROR_ARGUMENT_INVALID, "NOTIFY P1 with another tag");

	tap_eq(handle_op(&t, self, RM_MEM_RECLAIM, p1, 0), RM_OK,
	       "RECLAIM P1");
	tap_eq(handle_op(&t, self, RM_MEM_RECLAIM, p2, 0), RM_OK,
	       "RECLAIM P2");
	tap_eq(handle_op(&t, self, RM_MEM_RECLAIM, p1, 0),
	       RM_ERROR_HANDLE_INVALID, "RECLAIM P1 again");
	tap_eq(vm_op(&t, VMID_HLOS, RM_VM_DEALLOCATE, x), RM_OK,
	       "DEALLOCATE X");
	tap_eq(lend(&t, VMID_HLOS, RM_MEM_SHARE, acl1, 2, &sgl1, 1, 0),
	       RM_ERROR_ARGUMENT_INVALID, "SHARE naming X once deallocated");
	rm_test_fini(&t);
}

int main(void)
{
	test_lend_share();
	test_acl_rules();
	test_bad_requests();
	test_reclaim();
	test_append();
	test_lookup_sgl();
	test_accept_release();
	test_notify();
	test_notify_no_queue();
	test_counters();
	test_incomplete();
	test_parcel_limit();
	test_kernel_sequence();
	return tap_done();
}
