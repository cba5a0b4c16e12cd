// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite against the real Resource Manager. Skipped when none was
 * probed (direct boot without Gunyah); under Gunyah (or an emulator of it)
 * it exercises VM allocation and the lend / share / reclaim cycle.
 *
 * A lent page is never touched by the kernel while lent: it leaves the
 * linear map first, and if the reclaim fails it is leaked on purpose.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/signal.h>
#include <linux/umh.h>
#include <asm/cacheflush.h>

static int gunyah_rm_live_init(struct kunit *test)
{
	struct gunyah_rm *rm = gunyah_rm_get();

	if (!rm)
		kunit_skip(test, "no Gunyah Resource Manager probed (not running under Gunyah)");

	test->priv = rm;

	return 0;
}

static void gunyah_rm_live_exit(struct kunit *test)
{
	gunyah_rm_put(test->priv);
}

static void live_get_vmid_is_primary(struct kunit *test)
{
	u16 vmid = GUNYAH_VMID_INVAL;

	KUNIT_ASSERT_EQ(test, gunyah_rm_get_vmid(test->priv, &vmid), 0);
	KUNIT_EXPECT_EQ(test, vmid, GUNYAH_VMID_HLOS);
}

static void live_get_own_hyp_resources(struct kunit *test)
{
	struct gunyah_rm_hyp_resources *res = NULL;
	u32 i;

	KUNIT_ASSERT_EQ(test, gunyah_rm_get_hyp_resources(test->priv,
							  GUNYAH_VMID_HLOS,
							  &res), 0);
	KUNIT_ASSERT_NOT_NULL(test, res);
	for (i = 0; i < res->n_entries; i++)
		KUNIT_EXPECT_LE(test, res->entries[i].type,
				GUNYAH_RESOURCE_TYPE_WATCHDOG);
	kfree(res);
}

/* A fresh VM for one test case, deallocated by the caller */
static u16 live_alloc_vm(struct kunit *test)
{
	u16 vmid = 0;

	KUNIT_ASSERT_EQ(test, gunyah_rm_alloc_vmid(test->priv, 0, &vmid), 0);
	KUNIT_ASSERT_NE(test, vmid, 0);
	KUNIT_ASSERT_NE(test, vmid, GUNYAH_VMID_HLOS);

	return vmid;
}

static void live_alloc_dealloc_vmid(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test);

	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

/* A VM without a configuration has no resources yet: NORESOURCE */
static void live_hyp_resources_of_unconfigured_vm(struct kunit *test)
{
	struct gunyah_rm_hyp_resources *res = NULL;
	u16 vmid = live_alloc_vm(test);

	KUNIT_EXPECT_EQ(test, gunyah_rm_get_hyp_resources(test->priv, vmid, &res),
			-ENOSPC);
	KUNIT_EXPECT_NULL(test, res);
	kfree(res);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

static int live_parcel_one_page(struct kunit *test, struct page *page,
				struct gunyah_rm_mem_acl_entry *acl,
				size_t n_acl, bool lend, u8 flags, u32 *handle)
{
	struct gunyah_rm_mem_entry sgl = {
		.phys_addr = cpu_to_le64(page_to_phys(page)),
		.size = cpu_to_le64(PAGE_SIZE),
	};
	struct gunyah_rm_mem_parcel parcel = {
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.flags = flags,
		.n_acl_entries = n_acl,
		.acl_entries = acl,
		.n_mem_entries = 1,
		.mem_entries = &sgl,
	};
	int ret;

	ret = lend ? gunyah_rm_mem_lend(test->priv, &parcel) :
		     gunyah_rm_mem_share(test->priv, &parcel);
	*handle = parcel.mem_handle;

	return ret;
}

/*
 * A page ready to lend: filled with @fill and out of the linear map. On
 * failure the test has failed and the VM @vmid is deallocated.
 */
static struct page *live_page_to_lend(struct kunit *test, u16 vmid, u8 fill)
{
	struct page *page;
	int ret;

	page = alloc_page(GFP_KERNEL);
	if (!page) {
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "no page to lend");
		return NULL;
	}
	memset(page_address(page), fill, PAGE_SIZE);

	ret = gunyah_direct_map_remove(page, 1);
	if (ret) {
		__free_page(page);
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "cannot unmap the page before lending: %d", ret);
		return NULL;
	}
	KUNIT_EXPECT_FALSE(test, kernel_page_present(page));

	return page;
}

/*
 * Reclaim the parcel holding @page. If that fails the page may still be
 * lent: returning it to the allocator would fault, so it is leaked.
 */
static int live_reclaim_or_leak(struct kunit *test, struct page *page, u32 handle)
{
	int ret = gunyah_rm_mem_reclaim(test->priv, handle, 0);

	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		pr_err("gunyah: leaking page %pa of unreclaimable parcel %#x\n",
		       &(phys_addr_t){ page_to_phys(page) }, handle);

	return ret;
}

/*
 * Lend one page to a fresh VM (read/write for that VM only) and reclaim it.
 * The page holds a pattern before the lend: with the sanitize flag the RM
 * zeroes the page when the parcel is created (memparcel.c,
 * add_sgl_to_mp), without it the pattern must survive the round trip.
 */
static void live_lend_cycle(struct kunit *test, bool sanitize)
{
	u16 vmid = live_alloc_vm(test);
	struct gunyah_rm_mem_acl_entry acl = {
		.vmid = cpu_to_le16(vmid),
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	u8 expected = sanitize ? 0 : 0xaa;
	struct page *page;
	u8 *data;
	u32 handle;
	int ret;

	page = live_page_to_lend(test, vmid, 0xaa);
	if (!page)
		return;
	data = page_address(page);

	ret = live_parcel_one_page(test, page, &acl, 1, true,
				   sanitize ? GUNYAH_RM_MEM_CREATE_SANITIZE : 0,
				   &handle);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret && live_reclaim_or_leak(test, page, handle))
		goto out_dealloc;

	KUNIT_EXPECT_EQ(test, gunyah_direct_map_restore(page, 1), 0);
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
	if (!ret) {
		KUNIT_EXPECT_EQ(test, data[0], expected);
		KUNIT_EXPECT_EQ(test, data[PAGE_SIZE - 1], expected);
	}
	__free_page(page);

out_dealloc:
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

static void live_lend_sanitized_reclaim(struct kunit *test)
{
	live_lend_cycle(test, true);
}

static void live_lend_unsanitized_reclaim(struct kunit *test)
{
	live_lend_cycle(test, false);
}

/*
 * Read one word of physical memory from userspace: busybox devmem through
 * /dev/mem, started as a usermode helper so that a fault hits a process and
 * not the kernel. Returns the raw wait status.
 */
static int live_probe_from_userspace(phys_addr_t phys)
{
	char *argv[5], *envp[3];
	char cmd[160];

	/* Nothing has mounted /dev yet when KUnit runs at boot */
	snprintf(cmd, sizeof(cmd),
		 "/bin/busybox mount -t devtmpfs none /dev; exec /bin/busybox devmem %#llx 32 >/dev/null",
		 (unsigned long long)phys);
	argv[0] = "/bin/busybox";
	argv[1] = "sh";
	argv[2] = "-c";
	argv[3] = cmd;
	argv[4] = NULL;
	envp[0] = "HOME=/";
	envp[1] = "PATH=/bin:/sbin";
	envp[2] = NULL;

	return call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);
}

/*
 * The point of lending: once lent, the page is gone from the primary VM's
 * stage 2. A userspace read of it must take an external abort (SIGBUS),
 * and after the reclaim the same read must work again.
 */
static void live_lent_page_blocked_from_primary(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test);
	struct gunyah_rm_mem_acl_entry acl = {
		.vmid = cpu_to_le16(vmid),
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	struct page *page;
	u32 handle;
	u8 *data;
	int ret, status;

	page = live_page_to_lend(test, vmid, 0x5a);
	if (!page)
		return;
	data = page_address(page);

	/* Before the lend the page is readable from userspace */
	status = live_probe_from_userspace(page_to_phys(page));
	if (status == -ENOENT || !IS_ENABLED(CONFIG_DEVMEM) ||
	    IS_ENABLED(CONFIG_STRICT_DEVMEM)) {
		gunyah_direct_map_restore(page, 1);
		__free_page(page);
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		kunit_skip(test, "needs /bin/busybox and /dev/mem access to RAM");
	}
	KUNIT_EXPECT_EQ_MSG(test, status, 0, "probe of a page we own");

	ret = live_parcel_one_page(test, page, &acl, 1, true, 0, &handle);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		status = live_probe_from_userspace(page_to_phys(page));
		/* Killed by SIGBUS (core dump bit masked off) */
		KUNIT_EXPECT_EQ_MSG(test, status & 0x7f, SIGBUS,
				    "probe of a lent page: wait status %#x", status);
		if (live_reclaim_or_leak(test, page, handle))
			goto out_dealloc;
	}
	KUNIT_EXPECT_EQ(test, gunyah_direct_map_restore(page, 1), 0);

	status = live_probe_from_userspace(page_to_phys(page));
	KUNIT_EXPECT_EQ_MSG(test, status, 0, "probe after the reclaim");
	KUNIT_EXPECT_EQ(test, data[0], 0x5a);
	__free_page(page);

out_dealloc:
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

static void live_share_reclaim(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test);
	struct gunyah_rm_mem_acl_entry acl[2] = {
		{
			.vmid = cpu_to_le16(GUNYAH_VMID_HLOS),
			.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
		}, {
			.vmid = cpu_to_le16(vmid),
			.perms = GUNYAH_RM_ACL_R,
		},
	};
	struct page *page;
	u32 handle;
	u8 *data;
	int ret;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);
	data = page_address(page);
	data[0] = 0x5a;

	ret = live_parcel_one_page(test, page, acl, ARRAY_SIZE(acl), false, 0,
				   &handle);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		/* Shared, not lent: still ours to read */
		KUNIT_EXPECT_EQ(test, data[0], 0x5a);
		if (live_reclaim_or_leak(test, page, handle))
			goto out_dealloc;
	}
	__free_page(page);

out_dealloc:
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

/*
 * A secondary VM, end to end: its image parcel holds a few instructions and
 * its config DT; proxy scheduling runs its one vCPU with vcpu_run, which
 * must hand us its MMIO accesses in the VMMIO range and its power-off.
 */
#define LIVE_VM_IMAGE_ORDER	2		/* code page, DT page, room */
#define LIVE_VM_RAM_BASE	0x80000000ULL	/* >= 1 GiB: below is VMMIO */
#define LIVE_VM_MMIO		0x10000000ULL
#define LIVE_VM_READ_VALUE	0x1234

static const u32 live_vm_code[] = {
	0xd2a20001,	/* movz x1, #0x1000, lsl #16	x1 = LIVE_VM_MMIO */
	0xd297dde2,	/* movz x2, #0xbeef */
	0xf9000022,	/* str  x2, [x1]		VMMIO write */
	0xf9400423,	/* ldr  x3, [x1, #8]		VMMIO read */
	0x91000463,	/* add  x3, x3, #1 */
	0xf9000823,	/* str  x3, [x1, #16]		VMMIO write of read + 1 */
	0x52800100,	/* movz w0, #0x8 */
	0x72b08000,	/* movk w0, #0x8400, lsl #16	PSCI SYSTEM_OFF */
	0xd4000002,	/* hvc  #0 */
	0x14000000,	/* b    . */
};

/* The VM configuration DT the RM reads at INIT (/gunyah-vm-config) */
static int live_vm_build_config_dt(void *dt, size_t size)
{
	int root, node, ret;

	ret = fdt_create_empty_tree(dt, size);
	if (ret)
		return ret;
	root = fdt_add_subnode(dt, 0, "gunyah-vm-config");
	if (root < 0)
		return root;
	ret = fdt_setprop_string(dt, root, "image-name", "kunit-live-vm");
	if (ret)
		return ret;
	node = fdt_add_subnode(dt, root, "memory");
	if (node < 0)
		return node;
	ret = fdt_setprop_u64(dt, node, "base-address", LIVE_VM_RAM_BASE);
	if (ret)
		return ret;
	node = fdt_add_subnode(dt, root, "vcpus");
	if (node < 0)
		return node;
	return fdt_setprop_string(dt, node, "affinity", "proxy");
}

static u64 live_vm_vcpu_capid(struct kunit *test, u16 vmid)
{
	struct gunyah_rm_hyp_resources *res = NULL;
	u64 capid = U64_MAX;
	u32 i;

	/* No assertion: the caller holds a lent parcel it must still reclaim */
	KUNIT_EXPECT_EQ(test, gunyah_rm_get_hyp_resources(test->priv, vmid, &res), 0);
	for (i = 0; res && i < res->n_entries; i++)
		if (res->entries[i].type == GUNYAH_RESOURCE_TYPE_VCPU &&
		    res->entries[i].resource_label == 0)
			capid = res->entries[i].capid;
	kfree(res);

	return capid;
}

/*
 * Run vCPU @capid to its power-off, checking each exit against the guest
 * program. Returns true if it powered off after exactly the expected MMIO.
 */
static bool live_vm_run_to_power_off(struct kunit *test, u64 capid)
{
	struct gunyah_hypercall_vcpu_run_resp resp;
	u64 resume[3] = { 0 };
	unsigned int mmio = 0, i;
	enum gunyah_error err;

	for (i = 0; i < 100000; i++) {
		err = gunyah_hypercall_vcpu_run(capid, resume, &resp);
		resume[0] = 0;
		if (err != GUNYAH_ERROR_OK) {
			KUNIT_FAIL(test, "vcpu_run: Gunyah error %d", err);
			return false;
		}
		switch (resp.state) {
		case GUNYAH_VCPU_STATE_READY:
		case GUNYAH_VCPU_STATE_BLOCKED:
		case GUNYAH_VCPU_STATE_EXPECTS_WAKEUP:
			cond_resched();
			break;
		case GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE:
			KUNIT_EXPECT_EQ(test, resp.state_data[1], 8);
			if (mmio == 0) {
				KUNIT_EXPECT_EQ(test, resp.state_data[0], LIVE_VM_MMIO);
				KUNIT_EXPECT_EQ(test, resp.state_data[2], 0xbeef);
			} else {
				KUNIT_EXPECT_EQ(test, mmio, 2);
				KUNIT_EXPECT_EQ(test, resp.state_data[0], LIVE_VM_MMIO + 16);
				KUNIT_EXPECT_EQ(test, resp.state_data[2], LIVE_VM_READ_VALUE + 1);
			}
			mmio++;
			break;
		case GUNYAH_VCPU_ADDRSPACE_VMMIO_READ:
			KUNIT_EXPECT_EQ(test, mmio, 1);
			KUNIT_EXPECT_EQ(test, resp.state_data[0], LIVE_VM_MMIO + 8);
			KUNIT_EXPECT_EQ(test, resp.state_data[1], 8);
			resume[0] = LIVE_VM_READ_VALUE;
			mmio++;
			break;
		case GUNYAH_VCPU_STATE_POWERED_OFF:
			KUNIT_EXPECT_EQ(test, mmio, 3);
			return mmio == 3;
		default:
			KUNIT_FAIL(test, "vcpu_run: unexpected state %#x", resp.state);
			return false;
		}
	}
	KUNIT_FAIL(test, "the secondary VM never powered off");
	return false;
}

static void live_secondary_vm_runs(struct kunit *test)
{
	const size_t size = PAGE_SIZE << LIVE_VM_IMAGE_ORDER;
	u16 vmid = live_alloc_vm(test);
	struct gunyah_rm_mem_acl_entry acl = {
		.vmid = cpu_to_le16(vmid),
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W | GUNYAH_RM_ACL_X,
	};
	struct gunyah_rm_mem_entry sgl;
	struct gunyah_rm_mem_parcel parcel = {
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.n_acl_entries = 1,
		.acl_entries = &acl,
		.n_mem_entries = 1,
		.mem_entries = &sgl,
	};
	struct gunyah_rm_vm_config_image config = {
		.auth_type = GUNYAH_RM_VM_AUTH_NONE,
		.image_offset = 0,
		.image_size = PAGE_SIZE,
		.dtb_offset = PAGE_SIZE,
	};
	struct page *pages;
	int ret, tries;
	bool exited;
	void *image;
	u64 capid;

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, LIVE_VM_IMAGE_ORDER);
	if (!pages) {
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "no pages for the image");
		return;
	}
	image = page_address(pages);
	memcpy(image, live_vm_code, sizeof(live_vm_code));
	ret = live_vm_build_config_dt(image + PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ret, 0);
	config.dtb_size = fdt_totalsize(image + PAGE_SIZE);
	/* The vCPU fetches with its caches off: make the code visible there */
	dcache_clean_inval_poc((unsigned long)image, (unsigned long)image + size);

	if (ret || gunyah_direct_map_remove(pages, 1 << LIVE_VM_IMAGE_ORDER)) {
		__free_pages(pages, LIVE_VM_IMAGE_ORDER);
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "cannot prepare the image parcel");
		return;
	}
	sgl.phys_addr = cpu_to_le64(page_to_phys(pages));
	sgl.size = cpu_to_le64(size);
	ret = gunyah_rm_mem_lend(test->priv, &parcel);
	if (ret == -ETIMEDOUT) {
		/* The RM may have done it after all: the pages may be lent */
		pr_err("gunyah: leaking %zu bytes at %pa of a lend without reply\n",
		       size, &(phys_addr_t){ page_to_phys(pages) });
		KUNIT_FAIL(test, "lend of the image parcel timed out");
		return;
	}
	if (ret) {
		/* Refused, so never lent: ours to map again and free */
		gunyah_direct_map_restore(pages, 1 << LIVE_VM_IMAGE_ORDER);
		__free_pages(pages, LIVE_VM_IMAGE_ORDER);
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "lend of the image parcel: %d", ret);
		return;
	}
	config.image_mem_handle = parcel.mem_handle;

	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_configure(test->priv, vmid, &config), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_init(test->priv, vmid), 0);
	capid = live_vm_vcpu_capid(test, vmid);
	KUNIT_EXPECT_NE_MSG(test, capid, U64_MAX, "no vCPU resource for the VM");
	/* Running it before START must not work */
	if (capid != U64_MAX) {
		struct gunyah_hypercall_vcpu_run_resp resp;
		u64 resume[3] = { 0 };
		enum gunyah_error err;

		err = gunyah_hypercall_vcpu_run(capid, resume, &resp);
		KUNIT_EXPECT_TRUE(test, err != GUNYAH_ERROR_OK ||
				  resp.state == GUNYAH_VCPU_STATE_POWERED_OFF);
	}
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_start(test->priv, vmid), 0);
	exited = capid != U64_MAX && live_vm_run_to_power_off(test, capid);

	/*
	 * Reset, the VM lets go of its memory. A VM that powered off has
	 * exited, and the RM refuses to stop it again (VM_STATE); one that did
	 * not is stopped by force first.
	 */
	if (!exited)
		KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(test->priv, vmid,
							GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP, 0), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_reset(test->priv, vmid), 0);
	/* A reset completes asynchronously on the real RM: MEM_INUSE until then */
	for (tries = 0; tries < 50; tries++) {
		ret = gunyah_rm_mem_reclaim(test->priv, parcel.mem_handle, 0);
		if (ret != -EBUSY)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret) {
		pr_err("gunyah: leaking %zu bytes at %pa of unreclaimable parcel %#x\n",
		       size, &(phys_addr_t){ page_to_phys(pages) }, parcel.mem_handle);
		goto out_dealloc;
	}
	KUNIT_EXPECT_EQ(test, gunyah_direct_map_restore(pages, 1 << LIVE_VM_IMAGE_ORDER), 0);
	/* What the VM could write, it did not: the code is intact */
	KUNIT_EXPECT_EQ(test, memcmp(image, live_vm_code, sizeof(live_vm_code)), 0);
	__free_pages(pages, LIVE_VM_IMAGE_ORDER);

out_dealloc:
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

static void live_reclaim_unknown_handle(struct kunit *test)
{
	/* The RM answers HANDLE_INVALID (memparcel.c, memparcel_do_reclaim) */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(test->priv, 0xdead0000, 0),
			-ENOENT);
}

static void live_lend_empty_acl(struct kunit *test)
{
	struct page *page;
	u32 handle;
	int ret;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, page);

	/* Treated as a real lend, in case the RM wrongly accepts it */
	ret = gunyah_direct_map_remove(page, 1);
	if (ret) {
		__free_page(page);
		KUNIT_FAIL(test, "cannot unmap the page before lending: %d", ret);
		return;
	}

	/* ARGUMENT_INVALID from memparcel_construct() */
	ret = live_parcel_one_page(test, page, NULL, 0, true,
				   GUNYAH_RM_MEM_CREATE_SANITIZE, &handle);
	KUNIT_EXPECT_EQ(test, ret, -EINVAL);
	if (!ret && gunyah_rm_mem_reclaim(test->priv, handle, 0)) {
		pr_err("gunyah: leaking page %pa of wrongly accepted parcel %#x\n",
		       &(phys_addr_t){ page_to_phys(page) }, handle);
		return;
	}

	KUNIT_EXPECT_EQ(test, gunyah_direct_map_restore(page, 1), 0);
	__free_page(page);
}

static struct kunit_case gunyah_rm_live_cases[] = {
	KUNIT_CASE(live_get_vmid_is_primary),
	KUNIT_CASE(live_get_own_hyp_resources),
	KUNIT_CASE(live_alloc_dealloc_vmid),
	KUNIT_CASE(live_hyp_resources_of_unconfigured_vm),
	KUNIT_CASE(live_lend_sanitized_reclaim),
	KUNIT_CASE(live_lend_unsanitized_reclaim),
	KUNIT_CASE(live_lent_page_blocked_from_primary),
	KUNIT_CASE(live_share_reclaim),
	KUNIT_CASE(live_secondary_vm_runs),
	KUNIT_CASE(live_reclaim_unknown_handle),
	KUNIT_CASE(live_lend_empty_acl),
	{}
};

static struct kunit_suite gunyah_rm_live_suite = {
	.name = "gunyah_rm_live",
	.init = gunyah_rm_live_init,
	.exit = gunyah_rm_live_exit,
	.test_cases = gunyah_rm_live_cases,
};

kunit_test_suite(gunyah_rm_live_suite);

MODULE_DESCRIPTION("KUnit tests against the live Gunyah Resource Manager");
MODULE_LICENSE("GPL");
