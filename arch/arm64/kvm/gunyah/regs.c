// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: vCPU registers, honestly.
 *
 * The host can neither read nor write a Gunyah vCPU's registers (the RM
 * gives the owner no WRITE_CONTEXT right and there is no read call). What
 * a VMM sets before the VM starts is kept here and applied by the entry
 * stub (stub.S) inside the guest: the core registers, PSTATE and the
 * FP/SIMD registers. After the start:
 *
 * - reads of live state fail with -EBUSY: a cached value would be a lie;
 * - a write of the value last set is accepted (QEMU writes back what it
 *   read after every GET), any other write fails with -EBUSY;
 * - ID registers and MPIDR_EL1 always read: they are constant.
 *
 * KVM_GET_REG_LIST lists the core registers and the counter only. ELR_EL1
 * and SPSR_EL1 are used by the stub's ERET and cannot be set.
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <linux/bitfield.h>
#include <linux/kvm_host.h>
#include <linux/uaccess.h>

#include <asm/arch_timer.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "gunyah_kvm.h"

#define CORE_OFF(x)	(offsetof(struct kvm_regs, x) / sizeof(u32))
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_ARM_CORE | CORE_OFF(x))

/*
 * The stub reads the table with these offsets (stub.S). sparse lays out
 * __uint128_t with 8-byte alignment, unlike the compilers: it checks the
 * rest of this file, the compiler these.
 */
#ifndef __CHECKER__
static_assert(offsetof(struct kvm_regs, regs.sp) == 248);
static_assert(offsetof(struct kvm_regs, regs.pc) == 256);
static_assert(offsetof(struct kvm_regs, regs.pstate) == 264);
static_assert(offsetof(struct kvm_regs, sp_el1) == 272);
static_assert(offsetof(struct kvm_regs, fp_regs.vregs) == 336);
static_assert(offsetof(struct kvm_regs, fp_regs.fpsr) == 848);
static_assert(offsetof(struct kvm_regs, fp_regs.fpcr) == 852);
#endif

/* Size of the core register at @off, as native KVM (guest.c) sees it */
static int gunyah_kvm_core_size(u64 off)
{
	int size;

	if (off <= CORE_OFF(regs.pstate) || off == CORE_OFF(sp_el1) ||
	    off == CORE_OFF(elr_el1) ||
	    (off >= CORE_OFF(spsr[0]) && off <= CORE_OFF(spsr[KVM_NR_SPSR - 1])))
		size = sizeof(u64);
	else if (off >= CORE_OFF(fp_regs.vregs[0]) &&
		 off <= CORE_OFF(fp_regs.vregs[31]))
		size = sizeof(__uint128_t);
	else if (off == CORE_OFF(fp_regs.fpsr) || off == CORE_OFF(fp_regs.fpcr))
		size = sizeof(u32);
	else
		return -EINVAL;
	if (!IS_ALIGNED(off, size / sizeof(u32)))
		return -EINVAL;
	return size;
}

static bool gunyah_kvm_core_settable(u64 off)
{
	/* The stub's ERET uses them; no EL1 code can set them for us */
	if (off == CORE_OFF(elr_el1))
		return false;
	if (off >= CORE_OFF(spsr[0]) && off <= CORE_OFF(spsr[KVM_NR_SPSR - 1]))
		return false;
	return true;
}

/* AArch64 EL0t, EL1t or EL1h: what an EL1 stub can ERET to */
static bool gunyah_kvm_pstate_valid(u64 pstate)
{
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL0t:
	case PSR_MODE_EL1t:
	case PSR_MODE_EL1h:
		return !(pstate & PSR_MODE32_BIT);
	default:
		return false;
	}
}

static int gunyah_kvm_core_reg(struct gunyah_kvm_vcpu *gv,
			       const struct kvm_one_reg *reg, bool set)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	u64 off = reg->id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
			      KVM_REG_ARM_CORE);
	u8 *slot, val[sizeof(__uint128_t)];
	int size = KVM_REG_SIZE(reg->id);
	bool live;

	/* As native (get_core_reg()), which refuses the reserved tail too */
	if (off >= sizeof(struct kvm_regs) / sizeof(u32) ||
	    off + size / sizeof(u32) >= sizeof(struct kvm_regs) / sizeof(u32))
		return -ENOENT;
	if (gunyah_kvm_core_size(off) != size)
		return -EINVAL;
	slot = (u8 *)&gv->regs + off * sizeof(u32);
	live = READ_ONCE(to_gunyah_kvm(gv->vcpu.kvm)->state) ==
	       GUNYAH_KVM_VM_RUNNING;

	if (!set) {
		if (live)
			return -EBUSY;
		return copy_to_user(uaddr, slot, size) ? -EFAULT : 0;
	}
	if (copy_from_user(val, uaddr, size))
		return -EFAULT;
	if (live || !gunyah_kvm_core_settable(off))
		return memcmp(val, slot, size) ? -EBUSY : 0;
	if (off == CORE_OFF(regs.pstate) &&
	    !gunyah_kvm_pstate_valid(*(u64 *)val))
		return -EINVAL;
	memcpy(slot, val, size);
	return 0;
}

/*
 * MPIDR_EL1 as Gunyah programs it: the RM maps vCPU i linearly
 * (vgic_set_mpidr_mapping(vic, 0x7fff, 0, 8, 16, 24, false),
 * vm_config.c), so Aff0 = i & 0xff and Aff1 = i >> 8; bit 31 is RES1.
 */
u64 gunyah_kvm_vcpu_mpidr(const struct kvm_vcpu *vcpu)
{
	u64 idx = vcpu->vcpu_idx;

	return BIT_ULL(31) | ((idx >> 8) & 0xff) << MPIDR_LEVEL_SHIFT(1) |
	       (idx & 0xff) << MPIDR_LEVEL_SHIFT(0);
}

/* ID_AA64DFR0_EL1.PMUVer */
#define GUNYAH_KVM_DFR0_PMUVER	GENMASK_ULL(11, 8)

/*
 * ID registers: Linux here runs at EL1 in Gunyah's primary VM and sees the
 * hypervisor's sanitised view, which is what Gunyah gives its VMs too;
 * features this backend cannot offer a VM (SVE, SME, MTE, the PMU, AMU,
 * AArch32 EL1) are hidden so that a VMM's CPU model agrees with the caps.
 */
static bool gunyah_kvm_id_reg(u64 id, u32 sysreg, u64 *val)
{
	/* The ID register space: Op0 3, Op1 0, CRn 0, CRm 1 to 7 */
	if (FIELD_GET(KVM_REG_ARM64_SYSREG_OP0_MASK, id) != 3 ||
	    FIELD_GET(KVM_REG_ARM64_SYSREG_OP1_MASK, id) != 0 ||
	    FIELD_GET(KVM_REG_ARM64_SYSREG_CRN_MASK, id) != 0 ||
	    FIELD_GET(KVM_REG_ARM64_SYSREG_CRM_MASK, id) < 1 ||
	    FIELD_GET(KVM_REG_ARM64_SYSREG_CRM_MASK, id) > 7)
		return false;
	*val = 0;
	switch (sysreg) {
	/* The ID space the CPU feature code knows; the rest reads as zero */
	case SYS_ID_PFR0_EL1: case SYS_ID_PFR1_EL1: case SYS_ID_PFR2_EL1:
	case SYS_ID_DFR0_EL1: case SYS_ID_DFR1_EL1:
	case SYS_ID_MMFR0_EL1: case SYS_ID_MMFR1_EL1: case SYS_ID_MMFR2_EL1:
	case SYS_ID_MMFR3_EL1: case SYS_ID_MMFR4_EL1: case SYS_ID_MMFR5_EL1:
	case SYS_ID_ISAR0_EL1: case SYS_ID_ISAR1_EL1: case SYS_ID_ISAR2_EL1:
	case SYS_ID_ISAR3_EL1: case SYS_ID_ISAR4_EL1: case SYS_ID_ISAR5_EL1:
	case SYS_ID_ISAR6_EL1:
	case SYS_MVFR0_EL1: case SYS_MVFR1_EL1: case SYS_MVFR2_EL1:
	case SYS_ID_AA64PFR0_EL1: case SYS_ID_AA64PFR1_EL1:
	case SYS_ID_AA64PFR2_EL1: case SYS_ID_AA64FPFR0_EL1:
	case SYS_ID_AA64DFR0_EL1: case SYS_ID_AA64DFR1_EL1:
	case SYS_ID_AA64ISAR0_EL1: case SYS_ID_AA64ISAR1_EL1:
	case SYS_ID_AA64ISAR2_EL1: case SYS_ID_AA64ISAR3_EL1:
	case SYS_ID_AA64MMFR0_EL1: case SYS_ID_AA64MMFR1_EL1:
	case SYS_ID_AA64MMFR2_EL1: case SYS_ID_AA64MMFR3_EL1:
	case SYS_ID_AA64MMFR4_EL1:
		*val = read_sanitised_ftr_reg(sysreg);
		break;
	}
	switch (sysreg) {
	case SYS_ID_AA64PFR0_EL1:
		*val &= ~(ID_AA64PFR0_EL1_SVE_MASK | ID_AA64PFR0_EL1_AMU_MASK |
			  ID_AA64PFR0_EL1_MPAM_MASK | ID_AA64PFR0_EL1_RAS_MASK);
		*val &= ~ID_AA64PFR0_EL1_EL1_MASK;
		*val |= SYS_FIELD_PREP_ENUM(ID_AA64PFR0_EL1, EL1, IMP);
		break;
	case SYS_ID_AA64PFR1_EL1:
		*val &= ~(ID_AA64PFR1_EL1_SME_MASK | ID_AA64PFR1_EL1_MTE_MASK |
			  ID_AA64PFR1_EL1_MPAM_frac_MASK |
			  ID_AA64PFR1_EL1_RAS_frac_MASK);
		break;
	case SYS_ID_AA64DFR0_EL1:
		*val &= ~GUNYAH_KVM_DFR0_PMUVER;
		break;
	case SYS_ID_AA64ZFR0_EL1:
	case SYS_ID_AA64SMFR0_EL1:
		*val = 0;
		break;
	}
	return true;
}

static int gunyah_kvm_sys_reg(struct gunyah_kvm_vcpu *gv,
			      const struct kvm_one_reg *reg, bool set)
{
	u64 __user *uaddr = (u64 __user *)(unsigned long)reg->addr;
	u32 sysreg;
	u64 val, cur;

	/* As native (index_to_params()): 64 bits, no bit outside the fields */
	if (KVM_REG_SIZE(reg->id) != sizeof(u64) ||
	    (reg->id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
			 KVM_REG_ARM_COPROC_MASK | KVM_REG_ARM64_SYSREG_OP0_MASK |
			 KVM_REG_ARM64_SYSREG_OP1_MASK | KVM_REG_ARM64_SYSREG_CRN_MASK |
			 KVM_REG_ARM64_SYSREG_CRM_MASK | KVM_REG_ARM64_SYSREG_OP2_MASK)))
		return -ENOENT;
	sysreg = sys_reg((reg->id & KVM_REG_ARM64_SYSREG_OP0_MASK) >>
			 KVM_REG_ARM64_SYSREG_OP0_SHIFT,
			 (reg->id & KVM_REG_ARM64_SYSREG_OP1_MASK) >>
			 KVM_REG_ARM64_SYSREG_OP1_SHIFT,
			 (reg->id & KVM_REG_ARM64_SYSREG_CRN_MASK) >>
			 KVM_REG_ARM64_SYSREG_CRN_SHIFT,
			 (reg->id & KVM_REG_ARM64_SYSREG_CRM_MASK) >>
			 KVM_REG_ARM64_SYSREG_CRM_SHIFT,
			 (reg->id & KVM_REG_ARM64_SYSREG_OP2_MASK) >>
			 KVM_REG_ARM64_SYSREG_OP2_SHIFT);

	if (reg->id == KVM_REG_ARM_TIMER_CNT) {
		/* Gunyah's CNTVOFF_EL2 is 0: the guest counts as we do */
		cur = __arch_counter_get_cntvct();
		if (!set)
			return put_user(cur, uaddr);
		/*
		 * A running VM's counter cannot be moved; a stopped one has
		 * none yet, and libvirt's reboot restores the value it read.
		 */
		if (get_user(val, uaddr))
			return -EFAULT;
		return READ_ONCE(to_gunyah_kvm(gv->vcpu.kvm)->state) ==
		       GUNYAH_KVM_VM_RUNNING ? -EBUSY : 0;
	}
	if (sysreg == SYS_MPIDR_EL1)
		cur = gunyah_kvm_vcpu_mpidr(&gv->vcpu);
	else if (sysreg == SYS_MIDR_EL1)
		/* Gunyah gives every vCPU the MIDR of the core (VPIDR_EL2) */
		cur = read_cpuid_id();
	else if (!gunyah_kvm_id_reg(reg->id, sysreg, &cur))
		return -ENOENT;
	if (!set)
		return put_user(cur, uaddr);
	/* Constant: a VMM may write back what it read, nothing else */
	if (get_user(val, uaddr))
		return -EFAULT;
	return val == cur ? 0 : -EINVAL;
}

/* As native: nothing but the architecture in the upper half, whatever the size */
static bool gunyah_kvm_reg_arch_ok(u64 id)
{
	return (id & ~KVM_REG_SIZE_MASK) >> 32 == KVM_REG_ARM64 >> 32;
}

int gunyah_kvm_get_one_reg(struct gunyah_kvm_vcpu *gv,
			   const struct kvm_one_reg *reg)
{
	if (!gunyah_kvm_reg_arch_ok(reg->id))
		return -EINVAL;
	switch (reg->id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_CORE:
		return gunyah_kvm_core_reg(gv, reg, false);
	case KVM_REG_ARM64_SYSREG:
		return gunyah_kvm_sys_reg(gv, reg, false);
	default:
		return -ENOENT;
	}
}

int gunyah_kvm_set_one_reg(struct gunyah_kvm_vcpu *gv,
			   const struct kvm_one_reg *reg)
{
	if (!gunyah_kvm_reg_arch_ok(reg->id))
		return -EINVAL;
	switch (reg->id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM_CORE:
		return gunyah_kvm_core_reg(gv, reg, true);
	case KVM_REG_ARM64_SYSREG:
		return gunyah_kvm_sys_reg(gv, reg, true);
	default:
		return -ENOENT;
	}
}

/* Every core register, in native KVM's order and sizes, then the counter */
static unsigned int gunyah_kvm_reg_ids(u64 *ids)
{
	unsigned int n = 0;
	u64 off;
	int size;

	for (off = 0; off < sizeof(struct kvm_regs) / sizeof(u32); off++) {
		size = gunyah_kvm_core_size(off);
		if (size < 0)
			continue;
		if (ids)
			ids[n] = KVM_REG_ARM64 | KVM_REG_ARM_CORE | off |
				 (size == sizeof(u32) ? KVM_REG_SIZE_U32 :
				  size == sizeof(u64) ? KVM_REG_SIZE_U64 :
				  KVM_REG_SIZE_U128);
		n++;
		off += size / sizeof(u32) - 1;
	}
	if (ids)
		ids[n] = KVM_REG_ARM_TIMER_CNT;
	return n + 1;
}

int gunyah_kvm_get_reg_list(struct gunyah_kvm_vcpu *gv,
			    struct kvm_reg_list __user *user_list)
{
	struct kvm_reg_list list;
	unsigned int n = gunyah_kvm_reg_ids(NULL);
	u64 *ids;
	int ret;

	if (copy_from_user(&list, user_list, sizeof(list)))
		return -EFAULT;
	if (put_user(n, &user_list->n))
		return -EFAULT;
	if (list.n < n)
		return -E2BIG;
	ids = kcalloc(n, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	gunyah_kvm_reg_ids(ids);
	ret = copy_to_user(user_list->reg, ids, n * sizeof(*ids)) ? -EFAULT : 0;
	kfree(ids);
	return ret;
}

/* Native KVM's reset state: EL1h with every exception masked */
void gunyah_kvm_reset_regs(struct gunyah_kvm_vcpu *gv)
{
	memset(&gv->regs, 0, sizeof(gv->regs));
	gv->regs.regs.pstate = PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT |
			       PSR_F_BIT | PSR_D_BIT;
}
