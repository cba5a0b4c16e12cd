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
