/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM on Gunyah: the entry stub.
 *
 * The host cannot set a Gunyah vCPU's registers, so the values a VMM set
 * with KVM_SET_ONE_REG are applied by this code inside the guest. It is
 * copied to the start of the KVM-owned image parcel; the RM starts the
 * boot vCPU here at EL1h with the MMU off (PC = image base, X0 = the RM's
 * DT, which is not used). The register table, a struct kvm_regs, sits
 * 4 KiB after the stub (GUNYAH_KVM_STUB_REGS_OFFSET; offsets checked in
 * regs.c). The stub loads FP/SIMD state with FP access opened only for
 * itself, then the general registers, and ERETs to the VMM's PC and
 * PSTATE: ELR_EL1 and SPSR_EL1 are what that ERET leaves in them.
 */

#include <linux/linkage.h>

#define REGS_OFFSET	0x1000
#define R_SP		248
#define R_PC		256
#define R_PSTATE	264
#define R_SP_EL1	272
#define R_VREGS		336
#define R_FPSR		848
#define R_FPCR		852
#define CPACR_FPEN	(3 << 20)

	.section .rodata, "a"
	.balign 16
SYM_DATA_START(gunyah_kvm_stub_start)
	adr	x30, gunyah_kvm_stub_start
	add	x30, x30, #REGS_OFFSET

	mrs	x2, cpacr_el1
	orr	x1, x2, #CPACR_FPEN
	msr	cpacr_el1, x1
	isb
	add	x1, x30, #R_VREGS
	ldp	q0, q1, [x1, #0]
	ldp	q2, q3, [x1, #32]
	ldp	q4, q5, [x1, #64]
	ldp	q6, q7, [x1, #96]
	ldp	q8, q9, [x1, #128]
	ldp	q10, q11, [x1, #160]
	ldp	q12, q13, [x1, #192]
	ldp	q14, q15, [x1, #224]
	ldp	q16, q17, [x1, #256]
	ldp	q18, q19, [x1, #288]
	ldp	q20, q21, [x1, #320]
	ldp	q22, q23, [x1, #352]
	ldp	q24, q25, [x1, #384]
	ldp	q26, q27, [x1, #416]
	ldp	q28, q29, [x1, #448]
	ldp	q30, q31, [x1, #480]
	ldr	w1, [x30, #R_FPSR]
	msr	fpsr, x1
	ldr	w1, [x30, #R_FPCR]
	msr	fpcr, x1
	msr	cpacr_el1, x2
	isb

	ldr	x1, [x30, #R_PC]
	msr	elr_el1, x1
	ldr	x1, [x30, #R_PSTATE]
	msr	spsr_el1, x1
	ldr	x1, [x30, #R_SP]
	msr	sp_el0, x1
	msr	spsel, #1
	ldr	x1, [x30, #R_SP_EL1]
	mov	sp, x1

	ldp	x0, x1, [x30, #0]
	ldp	x2, x3, [x30, #16]
	ldp	x4, x5, [x30, #32]
	ldp	x6, x7, [x30, #48]
	ldp	x8, x9, [x30, #64]
	ldp	x10, x11, [x30, #80]
	ldp	x12, x13, [x30, #96]
	ldp	x14, x15, [x30, #112]
	ldp	x16, x17, [x30, #128]
	ldp	x18, x19, [x30, #144]
	ldp	x20, x21, [x30, #160]
	ldp	x22, x23, [x30, #176]
	ldp	x24, x25, [x30, #192]
	ldp	x26, x27, [x30, #208]
	ldp	x28, x29, [x30, #224]
	ldr	x30, [x30, #240]
	eret
SYM_DATA_END_LABEL(gunyah_kvm_stub_start, SYM_L_GLOBAL, gunyah_kvm_stub_end)
