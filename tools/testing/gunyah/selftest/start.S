/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the emulator's self-test guest: an arm64 Image header
 * (Documentation/arch/arm64/booting.rst), a stack, and exception vectors
 * whose synchronous handler counts data aborts and steps over the access.
 */
	.section .head, "ax"
	.globl	_head
_head:
	b	start			// code0
	.long	0			// code1
	.quad	0x80000			// text_offset
	.quad	_end - _head		// image_size
	.quad	0x2			// flags: little endian, 4K pages
	.quad	0
	.quad	0
	.quad	0
	.ascii	"ARM\x64"		// magic
	.long	0

start:
	ldr	x1, =stack_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	selftest_main
1:	wfi
	b	1b

/* The second vCPU, started by selftest_main() with PSCI CPU_ON. */
	.globl	cpu1_entry
cpu1_entry:
	ldr	x1, =stack1_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	bl	cpu1_main
1:	wfi
	b	1b

	.text
	.balign	2048
vectors:
	.rept	4			// current EL with SP_EL0: unused
	.balign	128
	b	.
	.endr
	.balign	128			// current EL with SP_ELx: synchronous
	b	sync_abort
	.rept	11
	.balign	128
	b	.
	.endr

/* Record ESR_EL1, count the abort, and resume after the faulting insn. */
sync_abort:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el1
	ldr	x1, =last_esr
	str	x0, [x1]
	ldr	x1, =abort_count
	ldr	x0, [x1]
	add	x0, x0, #1
	str	x0, [x1]
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x0, x1, [sp], #16
	eret

/*
 * The secondary VM's program, copied to the start of vm_image and run there
 * with the MMU off at base-address (PC = base + image_offset, X0 = base +
 * dt_offset).  Position independent.  It first loads from 4 GiB, neither
 * VMMIO nor RAM, and expects exactly one synchronous external abort there
 * (its vectors sit 2 KiB into the image).  Then VMMIO accesses at
 * 0x10000000: write X0 (8 bytes), read 4 bytes at +8, write that value + 1
 * at +4, then PSCI SYSTEM_OFF.  If the abort went wrong it writes x5 to
 * 0x100000f0 instead, which the primary reports as a failure.
 */
	.section .rodata
	.balign	2048
	.globl	secondary_prog
	.globl	secondary_prog_end
secondary_prog:
	adr	x9, secondary_prog
	add	x9, x9, #0x800
	msr	vbar_el1, x9
	isb
	mov	x5, #0			// aborts taken
	mov	x8, #0			// ELR of the last one
	movz	x11, #0x1, lsl #32	// 4 GiB
2:	ldr	w12, [x11]		// external abort, then resume after it
	adr	x9, 2b
	cmp	x5, #1
	b.ne	3f
	cmp	x8, x9
	b.ne	3f
	movz	x1, #0x1000, lsl #16	// a VMMIO address: 0x10000000
	str	x0, [x1]		// vmmio_write: 8 bytes, the DT address
	ldr	w3, [x1, #8]		// vmmio_read: 4 bytes at 0x10000008
	add	w3, w3, #1
	str	w3, [x1, #4]		// vmmio_write: 4 bytes at 0x10000004
	movz	x0, #0x8400, lsl #16
	movk	x0, #0x0008		// PSCI SYSTEM_OFF
	hvc	#0
1:	b	1b
3:	movz	x1, #0x1000, lsl #16
	str	x5, [x1, #0xf0]		// report the failure
	b	1b

	.balign	2048			// vectors: secondary_prog + 0x800
	.skip	0x200			// current EL with SP_ELx: synchronous
	mrs	x8, elr_el1
	mrs	x7, esr_el1
	lsr	x7, x7, #26
	cmp	x7, #0x25		// data abort, same EL
	b.ne	4f
	add	x5, x5, #1
4:	add	x7, x8, #4
	msr	elr_el1, x7
	eret
secondary_prog_end:

/*
 * The two-vCPU secondary VM's program, copied like the one above.  vCPU 0
 * reports its MPIDR (vmmio_write of 8 bytes at 0x10000000), enables SPI
 * INTID 37, level-triggered as its DT says, in the vGIC at QEMU's
 * 0x08000000 and its CPU interface, starts
 * vCPU 1 with PSCI CPU_ON and reports the result (at 0x10000008), then
 * waits for interrupts.  Each one it takes it acknowledges, reports (its
 * INTID at 0x10000010) and EOIs; after the fourth it powers the VM off.
 * vCPU 1 reports its MPIDR (at 0x10000018) and calls CPU_OFF.
 */
	.section .rodata
	.balign	2048
	.globl	smp_prog
	.globl	smp_prog_end
smp_prog:
	adr	x9, smp_prog
	add	x9, x9, #0x800
	msr	vbar_el1, x9
	isb
	movz	x20, #0x1000, lsl #16	// VMMIO: 0x10000000
	mrs	x1, mpidr_el1
	str	x1, [x20]
	movz	x21, #0x0800, lsl #16	// GICD: 0x08000000
	mov	w1, #0x12		// ARE, EnableGrp1: first, as Linux does;
	str	w1, [x21]		// GICD_CTLR: KVM queues no SPI before
	mov	w1, #0x20		// INTID 37: bit 5 of the second word
	str	w1, [x21, #0x84]	// GICD_IGROUPR1: group 1
	str	wzr, [x21, #0xc08]	// GICD_ICFGR2: INTIDs 32-47 level
	str	w1, [x21, #0x104]	// GICD_ISENABLER1
	mrs	x1, icc_sre_el1
	orr	x1, x1, #1
	msr	icc_sre_el1, x1
	isb
	mov	x1, #0xff
	msr	icc_pmr_el1, x1
	mov	x1, #1
	msr	icc_igrpen1_el1, x1
	isb
	movz	x0, #0xc400, lsl #16
	movk	x0, #0x0003		// PSCI CPU_ON, 64-bit
	mov	x1, #1			// target: MPIDR Aff0 1
	adr	x2, 2f
	mov	x3, #0
	hvc	#0
	str	x0, [x20, #8]
	mov	x22, #0			// interrupts taken
	msr	daifclr, #2		// take IRQs
1:	wfi
	b	1b
2:	movz	x20, #0x1000, lsl #16	// vCPU 1
	mrs	x1, mpidr_el1
	str	x1, [x20, #0x18]
	movz	x0, #0x8400, lsl #16
	movk	x0, #0x0002		// PSCI CPU_OFF
	hvc	#0
3:	b	3b

	.balign	2048			// vectors: smp_prog + 0x800
	.skip	0x280			// current EL with SP_ELx: IRQ
	mrs	x1, icc_iar1_el1
	str	x1, [x20, #0x10]
	msr	icc_eoir1_el1, x1
	isb
	add	x22, x22, #1
	cmp	x22, #4
	b.eq	5f
	eret
5:	movz	x0, #0x8400, lsl #16
	movk	x0, #0x0008		// PSCI SYSTEM_OFF
	hvc	#0
4:	b	4b
smp_prog_end:

/*
 * The third secondary VM's program, for two primary vCPUs running its two
 * vCPUs at once.  vCPU 0 starts vCPU 1, which spins, reports the CPU_ON
 * result (vmmio_write at 0x10000000), waits for the host (vmmio_read at
 * 0x10000008) and powers the VM off.
 */
	.section .rodata
	.balign	2048
	.globl	spin_prog
	.globl	spin_prog_end
spin_prog:
	movz	x20, #0x1000, lsl #16	// VMMIO: 0x10000000
	movz	x0, #0xc400, lsl #16
	movk	x0, #0x0003		// PSCI CPU_ON, 64-bit
	mov	x1, #1			// target: MPIDR Aff0 1
	adr	x2, 2f
	mov	x3, #0
	hvc	#0
	str	x0, [x20]
	ldr	w1, [x20, #8]
	movz	x0, #0x8400, lsl #16
	movk	x0, #0x0008		// PSCI SYSTEM_OFF
	hvc	#0
1:	b	1b
2:	b	2b			// vCPU 1
spin_prog_end:

	.bss
	.balign	4096
	.globl	vm_image
	.type	vm_image, %object
vm_image:
	.space	8192			// image page + config DT page
	.globl	lend_page
	.type	lend_page, %object
lend_page:
	.space	4096
	.balign	16
	.space	16384
stack_top:
	.space	16384
stack1_top:
