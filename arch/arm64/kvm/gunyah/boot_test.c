// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for boot.c: finding the DT through a VMM's boot code, and
 * keeping the guest's DT off the RM's page at 1 GiB.
 */

#include <kunit/test.h>
#include <linux/libfdt.h>
#include <linux/unaligned.h>

#include "gunyah_kvm.h"

#define TEST_DT_SIZE	SZ_4K

/* QEMU's bootloader_aarch64 (hw/arm/boot.c), as it lands in guest RAM */
static void qemu_boot_code(u8 *page, u64 offset, u64 dtb, u64 entry)
{
	static const u32 code[] = {
		0x580000c0,	/* ldr x0, arg */
		0xaa1f03e1,	/* mov x1, xzr */
		0xaa1f03e2,	/* mov x2, xzr */
		0xaa1f03e3,	/* mov x3, xzr */
		0x58000084,	/* ldr x4, entry */
		0xd61f0080,	/* br x4 */
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(code); i++)
		put_unaligned_le32(code[i], page + offset + 4 * i);
	put_unaligned_le64(dtb, page + offset + 24);
	put_unaligned_le64(entry, page + offset + 32);
}

static void boot_code_qemu(struct kunit *test)
{
	u8 *page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u64 x0 = 0;

	KUNIT_ASSERT_NOT_NULL(test, page);
	qemu_boot_code(page, 0, 0x48000000, 0x40200000);
	KUNIT_EXPECT_TRUE(test, gunyah_kvm_boot_code_x0(page, 0, &x0));
	KUNIT_EXPECT_EQ(test, x0, 0x48000000);

	/* The same code elsewhere in the page: the literal is PC-relative */
	qemu_boot_code(page, 0x100, 0x4fe00000, 0x40200000);
	KUNIT_EXPECT_TRUE(test, gunyah_kvm_boot_code_x0(page, 0x100, &x0));
	KUNIT_EXPECT_EQ(test, x0, 0x4fe00000);
}

static void boot_code_other(struct kunit *test)
{
	u8 *page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	u64 x0 = 0;

	KUNIT_ASSERT_NOT_NULL(test, page);
	/* ldr x4, entry: the DT is not what it loads */
	put_unaligned_le32(0x58000084, page);
	KUNIT_EXPECT_FALSE(test, gunyah_kvm_boot_code_x0(page, 0, &x0));
	/* ldr w0 (32-bit literal load) is no DT pointer either */
	put_unaligned_le32(0x18000080, page);
	KUNIT_EXPECT_FALSE(test, gunyah_kvm_boot_code_x0(page, 0, &x0));
	/* A literal behind the page (imm19 = -1 from offset 0) */
	put_unaligned_le32(0x58ffffe0, page);
	KUNIT_EXPECT_FALSE(test, gunyah_kvm_boot_code_x0(page, 0, &x0));
	/* A literal past the end of the page */
	put_unaligned_le32(0x58000020, page + PAGE_SIZE - 4);
	KUNIT_EXPECT_FALSE(test, gunyah_kvm_boot_code_x0(page, PAGE_SIZE - 4,
							 &x0));
	KUNIT_EXPECT_EQ(test, x0, 0);
}

/* A DT with the given cell counts and one memory node of @n ranges */
static void *test_dt(struct kunit *test, int ac, int sc, const u64 *ranges,
		     int n)
{
	void *dt = kunit_kzalloc(test, TEST_DT_SIZE, GFP_KERNEL);
	fdt32_t reg[16];
	int node, i, j, cells = 0;

	KUNIT_ASSERT_NOT_NULL(test, dt);
	KUNIT_ASSERT_EQ(test, fdt_create_empty_tree(dt, TEST_DT_SIZE), 0);
	KUNIT_ASSERT_EQ(test, fdt_setprop_u32(dt, 0, "#address-cells", ac), 0);
	KUNIT_ASSERT_EQ(test, fdt_setprop_u32(dt, 0, "#size-cells", sc), 0);
	node = fdt_add_subnode(dt, 0, "memory@40000000");
	KUNIT_ASSERT_GE(test, node, 0);
	KUNIT_ASSERT_EQ(test, fdt_setprop_string(dt, node, "device_type",
						 "memory"), 0);
	for (i = 0; i < 2 * n; i++) {
		int c = i % 2 ? sc : ac;

		for (j = c - 1; j >= 0; j--)
			reg[cells++] = cpu_to_fdt32(ranges[i] >> (32 * j));
	}
	KUNIT_ASSERT_EQ(test, fdt_setprop(dt, node, "reg", reg,
					  cells * sizeof(*reg)), 0);
	return dt;
}

static u64 test_dt_reg(struct kunit *test, void *dt, int cell, int n)
{
	int node = fdt_path_offset(dt, "/memory@40000000"), len;
	const fdt32_t *reg = fdt_getprop(dt, node, "reg", &len);
	u64 val = 0;

	KUNIT_ASSERT_NOT_NULL(test, reg);
	KUNIT_ASSERT_LE(test, (cell + n) * 4, len);
	while (n--)
		val = (val << 32) | fdt32_to_cpu(reg[cell++]);
	return val;
}

static void dt_trim_qemu_layout(struct kunit *test)
{
	/* QEMU's virt: 2 address and 2 size cells, RAM at 1 GiB */
	const u64 ranges[] = { 0x40000000, SZ_256M };
	void *dt = test_dt(test, 2, 2, ranges, 1);
	u32 size = fdt_totalsize(dt);

	KUNIT_EXPECT_EQ(test, gunyah_kvm_dt_trim_memory(dt), 1);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 0, 2), 0x40001000);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 2, 2), SZ_256M - SZ_4K);
	/* In place: the DT did not grow */
	KUNIT_EXPECT_EQ(test, fdt_totalsize(dt), size);
	/* Done twice (QEMU rewrites its DT on reset, others may not) */
	KUNIT_EXPECT_EQ(test, gunyah_kvm_dt_trim_memory(dt), 0);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 0, 2), 0x40001000);
}

static void dt_trim_one_cell(struct kunit *test)
{
	const u64 ranges[] = { 0x80000000, SZ_16M, 0x40000000, SZ_8M };
	void *dt = test_dt(test, 1, 1, ranges, 2);

	KUNIT_EXPECT_EQ(test, gunyah_kvm_dt_trim_memory(dt), 1);
	/* The range elsewhere is left as it was */
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 0, 1), 0x80000000);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 1, 1), SZ_16M);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 2, 1), 0x40001000);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 3, 1), SZ_8M - SZ_4K);
}

static void dt_trim_untouched(struct kunit *test)
{
	/* Memory that does not reach the RM's page */
	const u64 ranges[] = { 0x80000000, SZ_1G };
	void *dt = test_dt(test, 2, 2, ranges, 1);

	KUNIT_EXPECT_EQ(test, gunyah_kvm_dt_trim_memory(dt), 0);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 0, 2), 0x80000000);
}

static void dt_trim_refused(struct kunit *test)
{
	/* A range from below 1 GiB over the RM's page cannot be trimmed */
	const u64 ranges[] = { 0x3ff00000, SZ_2M };
	void *dt = test_dt(test, 2, 2, ranges, 1);

	KUNIT_EXPECT_EQ(test, gunyah_kvm_dt_trim_memory(dt), -EINVAL);
	KUNIT_EXPECT_EQ(test, test_dt_reg(test, dt, 0, 2), 0x3ff00000);
}

static struct kunit_case gunyah_kvm_boot_cases[] = {
	KUNIT_CASE(boot_code_qemu),
	KUNIT_CASE(boot_code_other),
	KUNIT_CASE(dt_trim_qemu_layout),
	KUNIT_CASE(dt_trim_one_cell),
	KUNIT_CASE(dt_trim_untouched),
	KUNIT_CASE(dt_trim_refused),
	{}
};

static struct kunit_suite gunyah_kvm_boot_suite = {
	.name = "gunyah-kvm-boot",
	.test_cases = gunyah_kvm_boot_cases,
};

kunit_test_suite(gunyah_kvm_boot_suite);

MODULE_DESCRIPTION("KUnit tests for booting KVM guests on Gunyah");
MODULE_LICENSE("GPL");
