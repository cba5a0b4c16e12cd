// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: booting a VMM's guest around the RM's page at 1 GiB.
 *
 * At VM_INIT the RM takes the first page above the device range, IPA
 * 0x40000000, for its VM info area (vm_creation_pv_time.c): the guest sees
 * it read-only and a write there faults. QEMU's virt machine puts guest RAM
 * at exactly that address and, for a -kernel boot, writes its boot code
 * into that first page (hw/arm/boot.c, bootloader_aarch64:
 * "ldr x0, dtb; mov x1..x3, xzr; ldr x4, entry; br x4", with the two
 * addresses as literals after the code) and points vCPU 0's PC at it.
 * Neither the code nor the page can be the guest's on Gunyah, so at the
 * first KVM_RUN, before guest memory is shared:
 *
 * - the page the VMM wrote is copied into the image parcel, and the boot
 *   vCPU enters the copy at the same offset: code that reaches its data
 *   PC-relative, as QEMU's does, runs unchanged;
 * - the guest's device tree, which the arm64 boot protocol passes in X0,
 *   is made to say what the guest really has: a memory range that starts
 *   at 1 GiB starts one page later. The DT is found through the boot
 *   code's first instruction ("ldr x0, <literal>"), or in X0 itself when
 *   the VMM enters the kernel directly.
 *
 * Android's pvmfw, which adjusts a protected guest's DT before its kernel
 * runs, is the precedent. A guest whose DT cannot be found is warned about
 * and started as it is: if it writes to the RM's page it takes the
 * external abort the hypervisor gives.
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <kunit/visibility.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "gunyah_kvm.h"

/* The largest DT the arm64 kernel maps (MAX_FDT_SIZE) */
#define GUNYAH_KVM_GUEST_DT_MAX		SZ_2M

/* LDR (literal), 64-bit, into X0 (Arm ARM C6.2.167) */
#define GUNYAH_KVM_LDR_X0_LIT_MASK	0xff00001fU
#define GUNYAH_KVM_LDR_X0_LIT		0x58000000U

static bool gunyah_kvm_in_rm_page(u64 ipa)
{
	return ipa >= GUNYAH_KVM_RM_INFO_PAGE &&
	       ipa < GUNYAH_KVM_RM_INFO_PAGE + PAGE_SIZE;
}

/*
 * The address "ldr x0, <literal>" at @offset of @code loads, if that is
 * the instruction there and its literal lies in the page.
 */
VISIBLE_IF_KUNIT
bool gunyah_kvm_boot_code_x0(const u8 *code, u64 offset, u64 *x0)
{
	u32 insn = get_unaligned_le32(code + offset);
	s64 literal;

	if ((insn & GUNYAH_KVM_LDR_X0_LIT_MASK) != GUNYAH_KVM_LDR_X0_LIT)
		return false;
	literal = offset + sign_extend64((insn >> 5) & 0x7ffff, 18) * 4;
	if (literal < 0 || literal + sizeof(u64) > PAGE_SIZE)
		return false;
	*x0 = get_unaligned_le64(code + literal);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_kvm_boot_code_x0);

static u64 gunyah_kvm_dt_read_cells(const fdt32_t *cells, int n)
{
	u64 val = 0;

	while (n--)
		val = (val << 32) | fdt32_to_cpu(*cells++);
	return val;
}

static void gunyah_kvm_dt_write_cells(fdt32_t *cells, int n, u64 val)
{
	while (n--) {
		cells[n] = cpu_to_fdt32(lower_32_bits(val));
		val = n ? val >> 32 : 0;
	}
}

/*
 * Move the start of the memory range at the RM's page one page up in the
 * property @reg of a memory node: in place, so the DT never needs room.
 */
static int gunyah_kvm_dt_trim_reg(fdt32_t *reg, int len, int ac, int sc)
{
	int entry = (ac + sc) * sizeof(*reg), i, trimmed = 0;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len % entry)
		return -EINVAL;
	for (i = 0; i < len / entry; i++, reg += ac + sc) {
		u64 base = gunyah_kvm_dt_read_cells(reg, ac);
		u64 size = gunyah_kvm_dt_read_cells(reg + ac, sc);

		if (base + size <= GUNYAH_KVM_RM_INFO_PAGE ||
		    base >= GUNYAH_KVM_RM_INFO_PAGE + PAGE_SIZE)
			continue;
		/* RAM below 1 GiB is refused before this */
		if (base != GUNYAH_KVM_RM_INFO_PAGE)
			return -EINVAL;
		gunyah_kvm_dt_write_cells(reg, ac, base + PAGE_SIZE);
		gunyah_kvm_dt_write_cells(reg + ac, sc,
					  size > PAGE_SIZE ? size - PAGE_SIZE : 0);
		trimmed++;
	}
	return trimmed;
}

/*
 * Take the RM's page out of every memory node of @dt, in place (the DT
 * never needs more room). Returns how many nodes changed.
 */
VISIBLE_IF_KUNIT
int gunyah_kvm_dt_trim_memory(void *dt)
{
	int node, len, ret, trimmed = 0;

	for (node = fdt_node_offset_by_prop_value(dt, -1, "device_type",
						  "memory", sizeof("memory"));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(dt, node, "device_type",
						  "memory", sizeof("memory"))) {
		int parent = fdt_parent_offset(dt, node);
		fdt32_t *reg = fdt_getprop_w(dt, node, "reg", &len);

		if (!reg || parent < 0)
			continue;
		ret = gunyah_kvm_dt_trim_reg(reg, len,
					     fdt_address_cells(dt, parent),
					     fdt_size_cells(dt, parent));
		if (ret < 0)
			return ret;
		trimmed += !!ret;
	}
	return node == -FDT_ERR_NOTFOUND ? trimmed : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(gunyah_kvm_dt_trim_memory);

/* The same for the guest's DT at @dt_ipa, in guest memory */
static int gunyah_kvm_guest_dt_trim(struct kvm *kvm, u64 dt_ipa)
{
	struct fdt_header header;
	int ret;
	u32 size;
	void *dt;

	if (kvm_read_guest(kvm, dt_ipa, &header, sizeof(header)) ||
	    fdt_check_header(&header))
		return -ENOENT;
	size = fdt_totalsize(&header);
	if (size > GUNYAH_KVM_GUEST_DT_MAX)
		return -EFBIG;
	dt = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!dt)
		return -ENOMEM;
	if (kvm_read_guest(kvm, dt_ipa, dt, size) || fdt_check_header(dt))
		ret = -ENOENT;
	else
		ret = gunyah_kvm_dt_trim_memory(dt);
	if (ret > 0 && kvm_write_guest(kvm, dt_ipa, dt, size))
		ret = -EFAULT;
	kvfree(dt);
	return ret;
}

/*
 * Before guest memory is shared: if the boot vCPU starts in the RM's page,
 * keep a copy of what the VMM put there, and take that page out of the
 * guest's DT. The copy goes into the image (gunyah_kvm_boot_place()).
 */
int gunyah_kvm_boot_prepare(struct gunyah_kvm *gvm,
			    struct gunyah_kvm_vcpu *boot)
{
	struct gunyah_kvm_image *image = &gvm->image;
	u64 pc = boot->regs.regs.pc, dt_ipa = boot->regs.regs.regs[0];
	bool found = true;
	int ret;

	if (gunyah_kvm_in_rm_page(pc)) {
		image->boot_code = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
		if (!image->boot_code)
			return -ENOMEM;
		if (kvm_read_guest(&gvm->kvm, GUNYAH_KVM_RM_INFO_PAGE,
				   image->boot_code, PAGE_SIZE)) {
			pr_warn("%s: vCPU 0 starts at %#llx, which is no memory of the VM\n",
				current->comm, pc);
			return -EFAULT;
		}
		image->boot_pc_offset = pc - GUNYAH_KVM_RM_INFO_PAGE;
		found = gunyah_kvm_boot_code_x0(image->boot_code,
						image->boot_pc_offset, &dt_ipa);
	}
	/* No memory at the RM's page: nothing of the guest to move */
	if (!gfn_to_memslot(&gvm->kvm, gpa_to_gfn(GUNYAH_KVM_RM_INFO_PAGE)))
		return 0;

	ret = found ? gunyah_kvm_guest_dt_trim(&gvm->kvm, dt_ipa) : -ENOENT;
	if (ret == -ENOENT) {
		pr_warn("%s: no device tree found for the guest; it must not use the RM's page at %#x\n",
			current->comm, GUNYAH_KVM_RM_INFO_PAGE);
		return 0;
	}
	if (ret < 0)
		pr_warn("%s: cannot take the RM's page at %#x out of the guest's device tree at %#llx: %d\n",
			current->comm, GUNYAH_KVM_RM_INFO_PAGE, dt_ipa, ret);
	return ret < 0 ? ret : 0;
}

/* The VMM's boot code into the image, and vCPU 0's entry moved onto it */
void gunyah_kvm_boot_place(struct gunyah_kvm *gvm, void *image_va,
			   struct kvm_regs *regs)
{
	struct gunyah_kvm_image *image = &gvm->image;

	if (!image->boot_code)
		return;
	memcpy(image_va + GUNYAH_KVM_STUB_BOOT_OFFSET, image->boot_code,
	       PAGE_SIZE);
	regs->regs.pc = image->ipa + GUNYAH_KVM_STUB_BOOT_OFFSET +
			image->boot_pc_offset;
}
