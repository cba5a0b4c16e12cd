/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What gunyah-kvm-vmm and its guest (guest.S) agree on: the guest physical layout, the
 * ports of the test device, the interrupts and the values exchanged. Included by C and by
 * assembly, so plain numbers only.
 *
 * Gunyah's rules shape the layout: RAM from 1 GiB up (below 64 GiB, a 36-bit IPA space)
 * without the page at 1 GiB, which the Resource Manager takes; devices below 1 GiB.
 */
#ifndef GUNYAH_KVM_VMM_GUEST_H
#define GUNYAH_KVM_VMM_GUEST_H

/* Slot 0: the guest code at its base, the boot parameters (X0) 1 MiB in. */
#define SLOT0_BASE		0x80000000
#define SLOT0_SIZE		0x200000
#define GUEST_PARAMS		0x80100000
/* Slot 1: data; the guest writes one word in each of its pages. */
#define SLOT1_BASE		0x80200000
#define SLOT1_SIZE		0x200000
#define SLOT1_PAGES		512

/*
 * --tiny, the cheapest VM that still runs: one vCPU and slot 0 alone, 64 KiB, the boot
 * parameters 32 KiB in; the guest stops after step 2.
 */
#define TINY_SLOT0_SIZE		0x10000
#define TINY_PARAMS		0x80008000
#define TINY_NR_IRQS		64	/* the fewest KVM takes: 32 SPIs */

/* Boot parameters, 64-bit words at GUEST_PARAMS (TINY_PARAMS); X0 has their address. */
#define PARAM_MPIDR1		0	/* vCPU 1's affinity, from the MPIDR KVM reports */
#define PARAM_BENCH		8	/* MMIO round trips to make for the benchmark */
#define PARAM_TINY		16	/* 0: every step; else what follows step 2: */
#define TINY_OFF		1	/* PSCI SYSTEM_OFF */
#define TINY_SPIN		2	/* say so on PORT_SPIN, then spin without an exit */
#define TINY_RESET		3	/* PSCI SYSTEM_RESET */

/* The vGICv3 where QEMU's virt machine has it. */
#define GICD_BASE		0x08000000
#define GICR_BASE		0x080a0000
#define GIC_NR_IRQS		288
#define SPI_LEVEL		33	/* raised and lowered with KVM_IRQ_LINE */
#define SPI_EDGE		48	/* signalled through an irqfd */

/* The test device: 64-bit ports, every access traps to the VMM. */
#define TEST_DEV_BASE		0x0a000000
#define PORT_HELLO		0x00	/* w: HELLO_VALUE */
#define PORT_READ		0x08	/* r: the VMM answers READ_VALUE */
#define PORT_ECHO		0x10	/* w: READ_VALUE + 1 */
#define PORT_PATTERN		0x18	/* w: number of slot 1 pages written */
#define PORT_CPU_ON		0x20	/* w: PSCI CPU_ON's return value */
#define PORT_UP			0x28	/* w, vCPU 1: its context id, its index */
#define PORT_MPIDR		0x30	/* w, vCPU 1: its MPIDR_EL1 */
#define PORT_CPU_OFF		0x38	/* w: AFFINITY_INFO of vCPU 1 once not ON */
#define PORT_GIC_READY		0x40	/* w: the INTID the guest now waits for */
#define PORT_IRQ		0x48	/* w: what ICC_IAR1_EL1 returned */
#define PORT_EOI		0x50	/* w: the INTID written to ICC_EOIR1_EL1 */
#define PORT_HPPIR		0x58	/* w: ICC_HPPIR1_EL1 after the EOI */
#define PORT_BENCH		0x60	/* w: round trips left */
#define PORT_SPIN		0x68	/* w: TINY_SPIN, the guest spins from now on */
#define PORT_FAIL		0x78	/* w: the guest found an error, FAIL_* */

#define HELLO_VALUE		0x6779686b766d0001	/* "gyhkvm" 1 */
#define READ_VALUE		0x5265616456616c00
#define PATTERN_BASE		0x5061747465726e00
#define FAIL_NO_REDIST		1
#define FAIL_CPU_OFF_RETURNED	2
#define FAIL_SYSTEM_OFF_RETURNED 3
#define FAIL_SYSTEM_RESET_RETURNED 4

/* PSCI 0.2+ function IDs (SMC64 where there is one) and results. */
#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON		0xc4000003
#define PSCI_AFFINITY_INFO	0xc4000004
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_AFF_ON		0
#define PSCI_AFF_OFF		1
#define PSCI_AFF_ON_PENDING	2

#ifndef __ASSEMBLER__
/* The guest's code in the VMM's image, to be copied to SLOT0_BASE. */
extern const char guest_code_start[], guest_code_end[];
#endif

#endif
