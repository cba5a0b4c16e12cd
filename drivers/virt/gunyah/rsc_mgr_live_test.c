// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite against the real Resource Manager. Skipped when none was
 * probed (direct boot without Gunyah); under Gunyah (or an emulator of it)
 * it exercises VM allocation and the lend / share / reclaim cycle.
 *
 * Every lend and share goes through the parcel object (rsc_mgr_parcel.c),
 * which keeps a lent page out of the linear map until the RM gave it back
 * and leaks it, with a report, when that never happens. A test never frees
 * a page unless gunyah_rm_parcel_pages_ours() says so.
 */

#include <kunit/test.h>
#include <linux/auxiliary_bus.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <linux/signal.h>
#include <linux/random.h>
#include <linux/umh.h>
#include <asm/cacheflush.h>

#include "rsc_mgr.h"

static int gunyah_rm_live_match(struct device *dev, const void *data)
{
	return !strncmp(dev_name(dev), data, strlen(data));
}

/* The RM, found as a client finds it: through its auxiliary device */
static int gunyah_rm_live_init(struct kunit *test)
{
	struct auxiliary_device *adev;

	adev = auxiliary_find_device(NULL, GUNYAH_RM_AUXDEV_MODNAME "." GUNYAH_RM_AUXDEV_VM,
				     gunyah_rm_live_match);
	if (!adev)
		kunit_skip(test, "no Gunyah Resource Manager probed (not running under Gunyah)");

	test->priv = gunyah_rm_get(gunyah_rm_from_auxdev(adev));
	put_device(&adev->dev);

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

/* A parcel of @n_acl entries holding one fresh page filled with @fill */
static struct page *live_page_parcel(struct kunit *test,
				     struct gunyah_rm_parcel *parcel,
				     const struct gunyah_rm_acl_entry *acl,
				     unsigned int n_acl, u8 fill, u8 flags)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return NULL;
	memset(page_address(page), fill, PAGE_SIZE);
	if (gunyah_rm_parcel_init(parcel, test->priv, acl, n_acl, 0, flags) ||
	    gunyah_rm_parcel_add_pages(parcel, page, 1)) {
		__free_page(page);
		return NULL;
	}

	return page;
}

/* Free @page only if the RM certainly holds none of it; else it is leaked */
static void live_parcel_done(struct gunyah_rm_parcel *parcel, struct page *page,
			     unsigned int order)
{
	bool ours = gunyah_rm_parcel_pages_ours(parcel);

	gunyah_rm_parcel_destroy(parcel);
	if (ours)
		__free_pages(page, order);
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
	const struct gunyah_rm_acl_entry acl = {
		.vmid = vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	u8 expected = sanitize ? 0 : 0xaa;
	struct gunyah_rm_parcel parcel;
	struct page *page;
	u8 *data;
	int ret;

	page = live_page_parcel(test, &parcel, &acl, 1, 0xaa,
				sanitize ? GUNYAH_RM_MEM_CREATE_SANITIZE : 0);
	if (!page) {
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "no page to lend");
		return;
	}
	data = page_address(page);

	ret = gunyah_rm_parcel_lend(&parcel);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_LENT);
		KUNIT_EXPECT_FALSE(test, kernel_page_present(page));
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), 0);
	}
	if (gunyah_rm_parcel_pages_ours(&parcel)) {
		KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
		if (!ret) {
			KUNIT_EXPECT_EQ(test, data[0], expected);
			KUNIT_EXPECT_EQ(test, data[PAGE_SIZE - 1], expected);
		}
	}
	live_parcel_done(&parcel, page, 0);
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
 * More than 512 discontiguous pages: the first 512 go with MEM_LEND, the
 * rest with MEM_APPEND. Each page is the first of an order-1 block, so no
 * two of them are adjacent and each is an SGL entry of its own.
 */
#define LIVE_MANY_PAGES		600

static void live_lend_many_discontiguous(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test);
	const struct gunyah_rm_acl_entry acl = {
		.vmid = vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	struct gunyah_rm_parcel parcel;
	struct page **pages;
	unsigned int i;
	bool ours;

	pages = kunit_kcalloc(test, LIVE_MANY_PAGES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_init(&parcel, test->priv, &acl, 1, 0, 0), 0);
	for (i = 0; i < LIVE_MANY_PAGES; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 1);
		if (!pages[i])
			break;
		memset(page_address(pages[i]), i & 0xff, PAGE_SIZE);
		if (gunyah_rm_parcel_add_pages(&parcel, pages[i], 1)) {
			__free_pages(pages[i], 1);
			pages[i] = NULL;
			break;
		}
	}
	KUNIT_EXPECT_EQ(test, i, LIVE_MANY_PAGES);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, i);

	if (i == LIVE_MANY_PAGES) {
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_lend(&parcel), 0);
		KUNIT_EXPECT_EQ(test, parcel.n_sent, LIVE_MANY_PAGES);
		KUNIT_EXPECT_FALSE(test, kernel_page_present(pages[LIVE_MANY_PAGES - 1]));
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), 0);
	}
	ours = gunyah_rm_parcel_pages_ours(&parcel);
	gunyah_rm_parcel_destroy(&parcel);
	for (i = 0; i < LIVE_MANY_PAGES && pages[i]; i++) {
		if (!ours)
			continue;
		KUNIT_EXPECT_EQ(test, *(u8 *)page_address(pages[i]), i & 0xff);
		__free_pages(pages[i], 1);
	}
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

/* A 2 MiB folio goes to the RM as one SGL entry */
static void live_lend_2m_folio(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test);
	const struct gunyah_rm_acl_entry acl = {
		.vmid = vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	struct gunyah_rm_parcel parcel;
	struct folio *folio;
	bool ours;

	folio = folio_alloc(GFP_KERNEL, get_order(SZ_2M));
	if (!folio) {
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		kunit_skip(test, "no free 2 MiB folio");
	}
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_init(&parcel, test->priv, &acl, 1, 0, 0), 0);
	KUNIT_ASSERT_EQ(test, gunyah_rm_parcel_add_folio(&parcel, folio), 0);
	KUNIT_EXPECT_EQ(test, parcel.n_ranges, 1);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_lend(&parcel), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), 0);
	ours = gunyah_rm_parcel_pages_ours(&parcel);
	gunyah_rm_parcel_destroy(&parcel);
	if (ours)
		folio_put(folio);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

/* The RM refuses a lend to a VM that does not exist: the page is ours again */
static void live_lend_refused_comes_back(struct kunit *test)
{
	const struct gunyah_rm_acl_entry acl = {
		.vmid = 0x3ff,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	struct gunyah_rm_parcel parcel;
	struct page *page;
	int ret;

	page = live_page_parcel(test, &parcel, &acl, 1, 0x33, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	ret = gunyah_rm_parcel_lend(&parcel);
	KUNIT_EXPECT_LT(test, ret, 0);
	KUNIT_EXPECT_FALSE(test, gunyah_rm_outcome_unknown(ret));
	KUNIT_EXPECT_TRUE(test, gunyah_rm_parcel_pages_ours(&parcel));
	KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
	KUNIT_EXPECT_EQ(test, *(u8 *)page_address(page), 0x33);
	live_parcel_done(&parcel, page, 0);
}

/*
 * Many lends and reclaims of a few random pages, with a short call deadline
 * (a reply that comes later is still taken, and the lookup or the repeated
 * reclaim then finds what it did).
 * Under the emulator's "applied, reply lost" injection on LEND and RECLAIM
 * this is where every recovery path runs; the harness then checks that no
 * lent page was ever touched or freed and that what the kernel reports as
 * leaked is exactly what the hypervisor still holds.
 */
#define LIVE_STRESS_OPS		200

static void live_parcel_stress(struct kunit *test)
{
	struct gunyah_rm *rm = test->priv;
	u16 vmid = live_alloc_vm(test);
	const struct gunyah_rm_acl_entry acl = {
		.vmid = vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	unsigned int op, i, n, ok = 0, leaked = 0;
	struct gunyah_rm_parcel parcel;
	struct page *pages[4];

	/* The RM answers in milliseconds; a lost reply then costs little */
	gunyah_rm_set_call_timeout(rm, 100);
	for (op = 0; op < LIVE_STRESS_OPS; op++) {
		n = 1 + get_random_u32_below(ARRAY_SIZE(pages));
		if (gunyah_rm_parcel_init(&parcel, rm, &acl, 1, 0, 0))
			break;
		for (i = 0; i < n; i++) {
			pages[i] = alloc_page(GFP_KERNEL);
			if (!pages[i])
				break;
			if (gunyah_rm_parcel_add_pages(&parcel, pages[i], 1)) {
				__free_page(pages[i]);
				break;
			}
		}
		if (i == n && !gunyah_rm_parcel_lend(&parcel) &&
		    !gunyah_rm_parcel_reclaim(&parcel))
			ok++;
		/* Whatever is still held now, is held for good */
		gunyah_rm_parcel_destroy(&parcel);
		if (!gunyah_rm_parcel_pages_ours(&parcel)) {
			leaked += n;
			continue;
		}
		while (i--)
			__free_page(pages[i]);
	}
	gunyah_rm_set_call_timeout(rm, GUNYAH_RM_CALL_TIMEOUT_MS);

	kunit_info(test, "%u of %u lend-reclaim cycles succeeded, %u pages leaked\n",
		   ok, op, leaked);
	KUNIT_EXPECT_EQ(test, op, LIVE_STRESS_OPS);
	KUNIT_EXPECT_GE(test, ok, LIVE_STRESS_OPS / 2);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
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
	const struct gunyah_rm_acl_entry acl = {
		.vmid = vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	struct gunyah_rm_parcel parcel;
	struct page *page;
	int ret, status;

	page = live_page_parcel(test, &parcel, &acl, 1, 0x5a, 0);
	if (!page) {
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "no page to lend");
		return;
	}

	/* Before the lend the page is readable from userspace */
	status = live_probe_from_userspace(page_to_phys(page));
	if (status == -ENOENT || !IS_ENABLED(CONFIG_DEVMEM) ||
	    IS_ENABLED(CONFIG_STRICT_DEVMEM)) {
		live_parcel_done(&parcel, page, 0);
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		kunit_skip(test, "needs /bin/busybox and /dev/mem access to RAM");
	}
	KUNIT_EXPECT_EQ_MSG(test, status, 0, "probe of a page we own");

	ret = gunyah_rm_parcel_lend(&parcel);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		status = live_probe_from_userspace(page_to_phys(page));
		/* Killed by SIGBUS (core dump bit masked off) */
		KUNIT_EXPECT_EQ_MSG(test, status & 0x7f, SIGBUS,
				    "probe of a lent page: wait status %#x", status);
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), 0);
	}
	if (gunyah_rm_parcel_pages_ours(&parcel)) {
		status = live_probe_from_userspace(page_to_phys(page));
		KUNIT_EXPECT_EQ_MSG(test, status, 0, "probe after the reclaim");
		KUNIT_EXPECT_EQ(test, *(u8 *)page_address(page), 0x5a);
	}
	live_parcel_done(&parcel, page, 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

static void live_share_reclaim(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test);
	const struct gunyah_rm_acl_entry acl[2] = {
		{
			.vmid = GUNYAH_VMID_HLOS,
			.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
		}, {
			.vmid = vmid,
			.perms = GUNYAH_RM_ACL_R,
		},
	};
	struct gunyah_rm_parcel parcel;
	struct page *page;
	int ret;

	page = live_page_parcel(test, &parcel, acl, ARRAY_SIZE(acl), 0x5a, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);

	ret = gunyah_rm_parcel_share(&parcel);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		/* Shared, not lent: still ours to read */
		KUNIT_EXPECT_EQ(test, parcel.state, GUNYAH_RM_PARCEL_SHARED);
		KUNIT_EXPECT_TRUE(test, kernel_page_present(page));
		KUNIT_EXPECT_EQ(test, *(u8 *)page_address(page), 0x5a);
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), 0);
	}
	live_parcel_done(&parcel, page, 0);
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

/*
 * The VM configuration DT the RM reads at INIT, in a shape the real RM
 * accepts ("The real RM, as it behaves"): a /cpus node, a GICv3 node named
 * by the root's interrupt-parent (at QEMU's addresses, inside the device
 * range), an empty /chosen, a psci node (without it the hypervisor refuses
 * the guest's SYSTEM_OFF and a spinning guest keeps our vCPU), and
 * /gunyah-vm-config as the FIRST child of / (the RM reads every child of /
 * with the cell counts of the first one; fdt_add_subnode() inserts a node
 * first, so it is added last).
 */
#define LIVE_VM_GIC_PHANDLE	1

static int live_vm_build_config_dt(void *dt, size_t size)
{
	const fdt64_t gic_reg[] = {
		cpu_to_fdt64(0x08000000), cpu_to_fdt64(0x10000),
		cpu_to_fdt64(0x080a0000), cpu_to_fdt64(0x20000),
	};
	int root, node, ret;

	ret = fdt_create_empty_tree(dt, size);
	ret = ret ?: fdt_setprop_u32(dt, 0, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, 0, "#size-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, 0, "interrupt-parent", LIVE_VM_GIC_PHANDLE);
	if (ret)
		return ret;

	node = fdt_add_subnode(dt, 0, "psci");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(dt, node, "compatible", "arm,psci-1.0");
	ret = ret ?: fdt_setprop_string(dt, node, "method", "hvc");
	if (ret)
		return ret;

	node = fdt_add_subnode(dt, 0, "chosen");
	if (node < 0)
		return node;

	node = fdt_add_subnode(dt, 0, "intc@8000000");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(dt, node, "compatible", "arm,gic-v3");
	ret = ret ?: fdt_setprop(dt, node, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_setprop_u32(dt, node, "#interrupt-cells", 3);
	ret = ret ?: fdt_setprop(dt, node, "reg", gic_reg, sizeof(gic_reg));
	ret = ret ?: fdt_setprop_u32(dt, node, "phandle", LIVE_VM_GIC_PHANDLE);
	if (ret)
		return ret;

	root = fdt_add_subnode(dt, 0, "cpus");
	if (root < 0)
		return root;
	ret = fdt_setprop_u32(dt, root, "#address-cells", 1);
	ret = ret ?: fdt_setprop_u32(dt, root, "#size-cells", 0);
	if (ret)
		return ret;
	node = fdt_add_subnode(dt, root, "cpu@0");
	if (node < 0)
		return node;
	ret = fdt_setprop_string(dt, node, "device_type", "cpu");
	ret = ret ?: fdt_setprop_string(dt, node, "compatible", "arm,armv8");
	ret = ret ?: fdt_setprop_u32(dt, node, "reg", 0);
	if (ret)
		return ret;

	root = fdt_add_subnode(dt, 0, "gunyah-vm-config");
	if (root < 0)
		return root;
	ret = fdt_setprop_u32(dt, root, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(dt, root, "#size-cells", 2);
	ret = ret ?: fdt_setprop_string(dt, root, "image-name", "kunit-live-vm");
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

/* What the RM tells us about the VM, asynchronously (gunyah-facts.md) */
struct live_vm_events {
	struct gunyah_rm_vm_listener listener;
	struct completion exited;
	struct completion reset;
};

static void live_vm_status(struct gunyah_rm_vm_listener *listener,
			   const struct gunyah_rm_vm_status *status)
{
	struct live_vm_events *ev = container_of(listener, struct live_vm_events,
						 listener);

	if (status->vm_status == GUNYAH_RM_VM_STATUS_EXITED)
		complete(&ev->exited);
	else if (status->vm_status == GUNYAH_RM_VM_STATUS_RESET)
		complete(&ev->reset);
}

static void live_vm_exited(struct gunyah_rm_vm_listener *listener,
			   const struct gunyah_rm_vm_exited *exited)
{
	struct live_vm_events *ev = container_of(listener, struct live_vm_events,
						 listener);

	complete(&ev->exited);
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
	const struct gunyah_rm_acl_entry acl = {
		.vmid = vmid,
		.perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W | GUNYAH_RM_ACL_X,
	};
	struct gunyah_rm_vm_config_image config = {
		.auth_type = GUNYAH_RM_VM_AUTH_NONE,
		.image_offset = 0,
		.image_size = PAGE_SIZE,
		.dtb_offset = PAGE_SIZE,
	};
	struct live_vm_events ev = {
		.listener = {
			.vmid = vmid,
			.status = live_vm_status,
			.exited = live_vm_exited,
		},
	};
	struct gunyah_rm_parcel parcel = {};
	struct page *pages;
	bool exited;
	void *image;
	u64 capid;
	int ret;

	init_completion(&ev.exited);
	init_completion(&ev.reset);
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

	ret = ret ?: gunyah_rm_parcel_init(&parcel, test->priv, &acl, 1, 0, 0);
	ret = ret ?: gunyah_rm_parcel_add_pages(&parcel, pages, 1 << LIVE_VM_IMAGE_ORDER);
	ret = ret ?: gunyah_rm_vm_listen(test->priv, &ev.listener);
	if (ret) {
		gunyah_rm_parcel_destroy(&parcel);
		__free_pages(pages, LIVE_VM_IMAGE_ORDER);
		gunyah_rm_dealloc_vmid(test->priv, vmid);
		KUNIT_FAIL(test, "cannot prepare the image parcel: %d", ret);
		return;
	}
	ret = gunyah_rm_parcel_lend(&parcel);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		goto out_parcel;
	config.image_mem_handle = parcel.handle;

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
	 * The RM hears of the power-off after vcpu_run told us: a RESET sent
	 * before its EXITED notification fails with VM_STATE and the parcel
	 * and the VMID leak. Wait for it; a VM that did not power off is
	 * stopped by force first.
	 */
	if (!exited)
		KUNIT_EXPECT_EQ(test, gunyah_rm_vm_stop(test->priv, vmid,
							GUNYAH_RM_VM_STOP_FLAG_FORCE_STOP, 0), 0);
	KUNIT_EXPECT_TRUE_MSG(test, wait_for_completion_timeout(&ev.exited, 5 * HZ),
			      "no EXITED notification");
	KUNIT_EXPECT_EQ(test, gunyah_rm_vm_reset(test->priv, vmid), 0);
	/* The reset releases the parcels before its reply; it completes later */
	KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&parcel), 0);
	KUNIT_EXPECT_TRUE_MSG(test, wait_for_completion_timeout(&ev.reset, 5 * HZ),
			      "no RESET notification");
	if (gunyah_rm_parcel_pages_ours(&parcel))
		/* What the VM could write, it did not: the code is intact */
		KUNIT_EXPECT_EQ(test, memcmp(image, live_vm_code, sizeof(live_vm_code)), 0);

out_parcel:
	gunyah_rm_vm_unlisten(test->priv, &ev.listener);
	live_parcel_done(&parcel, pages, LIVE_VM_IMAGE_ORDER);
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(test->priv, vmid), 0);
}

/* Host-side ACCEPT, RELEASE and NOTIFY, with the real RM's answers */
struct live_mem_shared {
	struct gunyah_rm_vm_listener listener;
	struct completion done;
	u32 handle;
	u32 tag;
};

static void live_mem_shared(struct gunyah_rm_vm_listener *listener,
			    const struct gunyah_rm_mem_shared *shared)
{
	struct live_mem_shared *c = container_of(listener, struct live_mem_shared,
						 listener);

	c->handle = shared->mem_handle;
	c->tag = shared->mem_info_tag;
	complete(&c->done);
}

static int live_accept(struct kunit *test, u32 handle, u8 trans, u8 flags,
		       u16 map_vmid)
{
	const struct gunyah_rm_mem_accept accept = {
		.mem_handle = handle,
		.mem_type = GUNYAH_RM_MEM_TYPE_NORMAL,
		.trans_type = trans,
		.flags = flags,
		.map_vmid = map_vmid,
	};

	return gunyah_rm_mem_accept(test->priv, &accept);
}

/*
 * The answers are those of the open-source RM (memparcel.c at bf31a9a:
 * memparcel_do_accept, memparcel_do_release, memparcel_notify and what they
 * call). MEM_NOTIFY(SHARED) is never sent to a VM that is only allocated:
 * it has no RM queue yet, and the real RM exits when it cannot deliver.
 */
#define LIVE_TAG	0x7a6

static void live_accept_release_notify(struct kunit *test)
{
	u16 vmid = live_alloc_vm(test), hlos = GUNYAH_VMID_HLOS, none = 0x7f;
	const struct gunyah_rm_acl_entry share_acl[2] = {
		{ .vmid = GUNYAH_VMID_HLOS, .perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W },
		{ .vmid = vmid, .perms = GUNYAH_RM_ACL_R },
	};
	const struct gunyah_rm_acl_entry lend_acl = {
		.vmid = vmid, .perms = GUNYAH_RM_ACL_R | GUNYAH_RM_ACL_W,
	};
	struct live_mem_shared shared = {
		.listener = { .vmid = GUNYAH_VMID_HLOS, .mem_shared = live_mem_shared },
	};
	struct gunyah_rm_parcel p1, p2;
	struct page *page1, *page2;
	struct gunyah_rm *rm = test->priv;
	const u8 done = GUNYAH_RM_MEM_ACCEPT_DONE;
	u32 h1, h2;

	init_completion(&shared.done);
	page1 = live_page_parcel(test, &p1, share_acl, 2, 1, 0);
	page2 = live_page_parcel(test, &p2, &lend_acl, 1, 2, 0);
	if (!page1 || !page2 || gunyah_rm_parcel_share(&p1) ||
	    gunyah_rm_parcel_lend(&p2)) {
		KUNIT_FAIL(test, "cannot share and lend a page");
		goto out;
	}
	h1 = p1.handle;
	h2 = p2.handle;

	/* ACCEPT: the owner never accepts its own parcel, nor for others */
	KUNIT_EXPECT_EQ(test, live_accept(test, h1, GUNYAH_RM_TRANS_TYPE_SHARE, done, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, live_accept(test, h1, GUNYAH_RM_TRANS_TYPE_LEND, done, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, live_accept(test, h2, GUNYAH_RM_TRANS_TYPE_LEND, done, 0), -ESRCH);
	KUNIT_EXPECT_EQ(test, live_accept(test, h2, GUNYAH_RM_TRANS_TYPE_LEND,
					  done | GUNYAH_RM_MEM_ACCEPT_MAP_OTHER, vmid), -EPERM);
	KUNIT_EXPECT_EQ(test, live_accept(test, h2, GUNYAH_RM_TRANS_TYPE_LEND, done, vmid),
			-EINVAL);

	/* RELEASE: only what one accepted */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_release(rm, h1, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_release(rm, h2, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_release(rm, GUNYAH_RM_MEM_HANDLE_INVAL, 0), -ENOENT);

	/* NOTIFY refusals, all before a tag is set */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, GUNYAH_RM_MEM_HANDLE_INVAL,
						   GUNYAH_RM_MEM_NOTIFY_OWNER_RELEASED,
						   LIVE_TAG, NULL, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h1,
						   GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED |
						   GUNYAH_RM_MEM_NOTIFY_OWNER_RELEASED,
						   LIVE_TAG, &hlos, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h1, GUNYAH_RM_MEM_NOTIFY_OWNER_ACCEPTED,
						   LIVE_TAG, NULL, 0), -EALREADY);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h2, GUNYAH_RM_MEM_NOTIFY_OWNER_RELEASED,
						   LIVE_TAG, NULL, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h2, GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED,
						   LIVE_TAG, &hlos, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h2, GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED,
						   LIVE_TAG, &none, 1), -ESRCH);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h1, GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED,
						   LIVE_TAG, NULL, 0), -EINVAL);

	/* SHARED to ourselves: MEM_SHARED reaches the listener of VMID 3 */
	KUNIT_ASSERT_EQ(test, gunyah_rm_vm_listen(rm, &shared.listener), 0);
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h1, GUNYAH_RM_MEM_NOTIFY_RECIPIENT_SHARED,
						   LIVE_TAG, &hlos, 1), 0);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&shared.done, 5 * HZ));
	gunyah_rm_vm_unlisten(rm, &shared.listener);
	KUNIT_EXPECT_EQ(test, shared.handle, h1);
	KUNIT_EXPECT_EQ(test, shared.tag, LIVE_TAG);
	/* The tag is now fixed */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_notify(rm, h1, GUNYAH_RM_MEM_NOTIFY_OWNER_RELEASED,
						   LIVE_TAG + 1, NULL, 0), -EINVAL);

out:
	if (page1) {
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&p1), 0);
		live_parcel_done(&p1, page1, 0);
	}
	if (page2) {
		KUNIT_EXPECT_EQ(test, gunyah_rm_parcel_reclaim_or_leak(&p2), 0);
		live_parcel_done(&p2, page2, 0);
	}
	KUNIT_EXPECT_EQ(test, gunyah_rm_dealloc_vmid(rm, vmid), 0);
}

static void live_reclaim_unknown_handle(struct kunit *test)
{
	/* The RM answers HANDLE_INVALID (memparcel.c, memparcel_do_reclaim) */
	KUNIT_EXPECT_EQ(test, gunyah_rm_mem_reclaim(test->priv, 0xdead0000, 0),
			-ENOENT);
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
	KUNIT_CASE(live_lend_refused_comes_back),
	KUNIT_CASE(live_accept_release_notify),
	KUNIT_CASE(live_lend_many_discontiguous),
	KUNIT_CASE(live_lend_2m_folio),
	KUNIT_CASE_SLOW(live_parcel_stress),
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
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
