/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of gunyah-kvm-vmm. The VMM copies guest_code_start..guest_code_end to
 * SLOT0_BASE and starts vCPU 0 there at EL1h, DAIF masked, X0 = GUEST_PARAMS.
 *
 * The MMU stays off, so every data access is to Device memory: all of them are naturally
 * aligned and there are no exclusives. The code is position independent (adr, no literal
 * addresses) and needs no stack. Each step ends with a write to a port of the test device
 * (guest.h) that the VMM checks.
 */
#include "guest.h"

#define ICC_PMR_EL1		S3_0_C4_C6_0
#define ICC_IAR1_EL1		S3_0_C12_C12_0
#define ICC_EOIR1_EL1		S3_0_C12_C12_1
#define ICC_HPPIR1_EL1		S3_0_C12_C12_2
#define ICC_SRE_EL1		S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1		S3_0_C12_C12_7

#define GICD_CTLR		0x0000
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICD_CTLR_RWP		31
#define GICD_CTLR_ENABLE	0x13	/* ARE_NS, EnableGrp1A, EnableGrp1 */
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_TYPER_LAST		4
#define GICR_WAKER_SLEEP	(1 << 1)
#define GICR_WAKER_ASLEEP	2
#define GICR_FRAME_SIZE		0x20000

	/* Any 64-bit constant, without a literal pool. */
	.macro	movq, reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\val) >> 48) & 0xffff), lsl #48
	.endm

	.macro	psci, fn
	movq	x0, \fn
	hvc	#0
	.endm

	/* Configure one SPI: group 1, priority 0x80, routed to x24, enabled. */
	.macro	spi_setup, intid, edge
	mov	w0, #-1
	str	w0, [x21, #GICD_IGROUPR + 4 * (\intid / 32)]
	movq	x0, 0x80808080
	str	w0, [x21, #GICD_IPRIORITYR + 4 * (\intid / 4)]
	ldr	w0, [x21, #GICD_ICFGR + 4 * (\intid / 16)]
	.if	\edge
	orr	w0, w0, #(2 << (2 * (\intid % 16)))
	.else
	bic	w0, w0, #(2 << (2 * (\intid % 16)))
	.endif
	str	w0, [x21, #GICD_ICFGR + 4 * (\intid / 16)]
	str	x24, [x21, #GICD_IROUTER + 8 * \intid]
	mov	w0, #(1 << (\intid % 32))
	str	w0, [x21, #GICD_ISENABLER + 4 * (\intid / 32)]
	.endm

	.section .rodata.guest, "a"
	.balign	16
	.globl	guest_code_start, guest_code_end
guest_code_start:
	/* x19: boot parameters, x20: test device */
	mov	x19, x0
	movq	x20, TEST_DEV_BASE

	/* Step 1: an MMIO write. */
	movq	x0, HELLO_VALUE
	str	x0, [x20, #PORT_HELLO]

	/* Step 2: an MMIO read; its value plus one proves that the read completed. */
	ldr	x0, [x20, #PORT_READ]
	add	x0, x0, #1
	str	x0, [x20, #PORT_ECHO]

	/*
	 * --tiny: switch the machine off now, reset it, or spin inside KVM_RUN until the VMM
	 * dies.
	 */
	ldr	x2, [x19, #PARAM_TINY]
	cmp	x2, #TINY_OFF
	b.eq	9f
	cmp	x2, #TINY_RESET
	b.eq	system_reset
	cmp	x2, #TINY_SPIN
	b.ne	0f
	str	x2, [x20, #PORT_SPIN]
	b	.
0:

	/*
	 * Step 3: PATTERN_BASE + i at offset 8 * i of page i of slot 1, then clean and
	 * invalidate those lines to the point of coherency so that the VMM's cacheable
	 * mapping sees what was written with the MMU off.
	 */
	movq	x1, SLOT1_BASE
	movq	x3, PATTERN_BASE
	mov	x4, #4096 + 8
	mov	x2, #0
1:	madd	x5, x2, x4, x1
	add	x6, x3, x2
	str	x6, [x5]
	add	x2, x2, #1
	cmp	x2, #SLOT1_PAGES
	b.ne	1b
	dmb	sy
	mov	x2, #0
2:	madd	x5, x2, x4, x1
	dc	civac, x5
	add	x2, x2, #1
	cmp	x2, #SLOT1_PAGES
	b.ne	2b
	dsb	sy
	str	x2, [x20, #PORT_PATTERN]

	/* Step 4: start vCPU 1, context id 1, then wait until it has switched itself off. */
	ldr	x1, [x19, #PARAM_MPIDR1]
	adr	x2, secondary_entry
	mov	x3, #1
	psci	PSCI_CPU_ON
	str	x0, [x20, #PORT_CPU_ON]
3:	ldr	x1, [x19, #PARAM_MPIDR1]
	mov	x2, #0
	psci	PSCI_AFFINITY_INFO
	cmp	x0, #PSCI_AFF_ON
	b.eq	3b
	cmp	x0, #PSCI_AFF_ON_PENDING
	b.eq	3b
	str	x0, [x20, #PORT_CPU_OFF]

	/* Step 5: the GIC. x24: our affinity as GICD_IROUTER wants it. */
	mrs	x0, mpidr_el1
	movq	x1, 0xff00ffffff
	and	x24, x0, x1
	/* x22: our redistributor, the frame whose GICR_TYPER has our affinity */
	ubfx	x1, x24, #32, #8
	and	x2, x24, #0xffffff
	orr	x1, x2, x1, lsl #24
	movq	x22, GICR_BASE
4:	ldr	x0, [x22, #GICR_TYPER]
	cmp	x1, x0, lsr #32
	b.eq	5f
	tbnz	x0, #GICR_TYPER_LAST, no_redist
	add	x22, x22, #GICR_FRAME_SIZE
	b	4b
5:	ldr	w0, [x22, #GICR_WAKER]
	bic	w0, w0, #GICR_WAKER_SLEEP
	str	w0, [x22, #GICR_WAKER]
6:	ldr	w0, [x22, #GICR_WAKER]
	tbnz	w0, #GICR_WAKER_ASLEEP, 6b

	/* Distributor: x21 */
	movq	x21, GICD_BASE
	spi_setup SPI_LEVEL, 0
	spi_setup SPI_EDGE, 1
	mov	w0, #GICD_CTLR_ENABLE
	str	w0, [x21, #GICD_CTLR]
7:	ldr	w0, [x21, #GICD_CTLR]
	tbnz	w0, #GICD_CTLR_RWP, 7b

	/* CPU interface: system registers, all priorities, group 1 on. */
	mov	x0, #1
	msr	ICC_SRE_EL1, x0
	isb
	mov	x0, #0xff
	msr	ICC_PMR_EL1, x0
	mov	x0, #1
	msr	ICC_IGRPEN1_EL1, x0
	isb

	mov	x0, #SPI_LEVEL
	bl	wait_irq
	mov	x0, #SPI_EDGE
	bl	wait_irq

	/* A run of MMIO round trips for the VMM to time, counting down. */
	ldr	x2, [x19, #PARAM_BENCH]
	cbz	x2, 9f
8:	str	x2, [x20, #PORT_BENCH]
	subs	x2, x2, #1
	b.ne	8b

	/* Step 6: switch the machine off. */
9:	psci	PSCI_SYSTEM_OFF
	mov	x0, #FAIL_SYSTEM_OFF_RETURNED
	b	fail

system_reset:
	psci	PSCI_SYSTEM_RESET
	mov	x0, #FAIL_SYSTEM_RESET_RETURNED
	b	fail

no_redist:
	mov	x0, #FAIL_NO_REDIST
fail:
	str	x0, [x20, #PORT_FAIL]
	b	.

/*
 * Say which INTID is awaited, sleep in WFI until the interrupt is pending (DAIF stays
 * masked: it is taken by reading ICC_IAR1_EL1, not as an exception), report what was
 * acknowledged, EOI it, and report ICC_HPPIR1_EL1 once the VMM has seen the EOI.
 */
wait_irq:
	str	x0, [x20, #PORT_GIC_READY]
1:	wfi
	mrs	x0, ICC_IAR1_EL1
	cmp	x0, #1023
	b.eq	1b
	str	x0, [x20, #PORT_IRQ]
	msr	ICC_EOIR1_EL1, x0
	isb
	str	x0, [x20, #PORT_EOI]
	mrs	x0, ICC_HPPIR1_EL1
	str	x0, [x20, #PORT_HPPIR]
	ret

/* vCPU 1, started by PSCI CPU_ON with x0 = context id: say so, then switch itself off. */
secondary_entry:
	movq	x20, TEST_DEV_BASE
	str	x0, [x20, #PORT_UP]
	mrs	x0, mpidr_el1
	str	x0, [x20, #PORT_MPIDR]
	psci	PSCI_CPU_OFF
	mov	x0, #FAIL_CPU_OFF_RETURNED
	b	fail
	.balign	8
guest_code_end:
