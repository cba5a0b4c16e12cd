/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device tree the emulator gives the primary VM, and the guest
 * physical memory map it describes.
 */
#ifndef GUNYAH_EMU_GUEST_DT_H
#define GUNYAH_EMU_GUEST_DT_H

#include <stddef.h>
#include <stdint.h>

/* Device addresses: those of QEMU's "virt" machine, which Gunyah's QEMU
 * platform also runs on.
 */
#define GUEST_GICD_BASE		0x08000000ull
#define GUEST_GICD_SIZE		0x00010000ull
#define GUEST_GICR_BASE		0x080a0000ull
#define GUEST_GICR_STRIDE	0x00020000ull	/* RD_base + SGI_base */
#define GUEST_UART_BASE		0x09000000ull
#define GUEST_RAM_BASE		0x40000000ull
#define GUEST_MAX_CPUS		8u

/* SPI numbers (GIC INTID - 32) */
#define GUEST_UART_SPI		1u
/*
 * The RM link's interrupts: those the real RM gives the primary VM on the
 * QEMU platform (virtual IRQs 960 and 961), and the first INTID it leaves
 * free (src/vm_dt/vm_dt.c vm_dt_add_rm_overlay_support()).
 */
#define GUEST_RM_TX_SPI		928u
#define GUEST_RM_RX_SPI		929u
#define GUEST_RM_FREE_IRQ_START	960u
/* The vGIC's interrupt count: 32 private + SPIs, a multiple of 32. */
#define GUEST_NR_IRQS		992u

/* The RM link: 240-byte messages, 8 deep each way (include/rm-rpc.h) */
#define GUEST_RM_MSG_SIZE	240u
#define GUEST_RM_QUEUE_DEPTH	8u
#define GUEST_PRIMARY_VMID	3u	/* VMID_HLOS, include/rm_types.h */

struct guest_dt_info {
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned int nr_cpus;
	uint64_t mpidr[GUEST_MAX_CPUS];
	const char *cmdline;
	uint64_t initrd_start;	/* 0: no initrd */
	uint64_t initrd_end;
	uint64_t rm_tx_capid;
	uint64_t rm_rx_capid;
};

/* Returns the DTB's size in @out, or 0 if it does not fit in @cap. */
size_t guest_dt_build(const struct guest_dt_info *info, void *out,
		      size_t cap);

#endif /* GUNYAH_EMU_GUEST_DT_H */
