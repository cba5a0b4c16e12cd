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

	.bss
	.balign	4096
	.globl	lend_page
	.type	lend_page, %object
lend_page:
	.space	4096
	.balign	16
	.space	16384
stack_top:
