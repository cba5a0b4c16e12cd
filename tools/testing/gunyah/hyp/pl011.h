/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Arm PrimeCell PL011 UART, enough for Linux's amba-pl011 driver and
 * earlycon: transmit is instant, receive goes through a FIFO with the RX
 * and RX-timeout interrupts.  Register map: Arm DDI 0183G, PL011 TRM.
 */
#ifndef GUNYAH_EMU_PL011_H
#define GUNYAH_EMU_PL011_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel_compat.h"

#define PL011_FIFO_SIZE		32u
#define PL011_MMIO_SIZE		0x1000u

#define PL011_DR		0x000
#define PL011_RSR		0x004
#define PL011_FR		0x018
#define PL011_ILPR		0x020
#define PL011_IBRD		0x024
#define PL011_FBRD		0x028
#define PL011_LCR_H		0x02c
#define PL011_CR		0x030
#define PL011_IFLS		0x034
#define PL011_IMSC		0x038
#define PL011_RIS		0x03c
#define PL011_MIS		0x040
#define PL011_ICR		0x044
#define PL011_DMACR		0x048
#define PL011_PERIPH_ID0	0xfe0

#define PL011_FR_RXFE		BIT(4)
#define PL011_FR_TXFF		BIT(5)
#define PL011_FR_RXFF		BIT(6)
#define PL011_FR_TXFE		BIT(7)
#define PL011_INT_RX		BIT(4)
#define PL011_INT_TX		BIT(5)
#define PL011_INT_RT		BIT(6)

struct pl011 {
	uint8_t rx_fifo[PL011_FIFO_SIZE];
	unsigned int rx_head;
	unsigned int rx_count;
	uint32_t tx_pending;	/* latched TX interrupt, cleared by ICR */
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
	bool irq_level;
	void *ctx;
	void (*tx)(void *ctx, uint8_t c);
	void (*set_irq)(void *ctx, bool level);
};

void pl011_init(struct pl011 *uart, void *ctx,
		void (*tx)(void *ctx, uint8_t c),
		void (*set_irq)(void *ctx, bool level));
uint32_t pl011_read(struct pl011 *uart, uint64_t offset);
void pl011_write(struct pl011 *uart, uint64_t offset, uint32_t value);
/* Queue a received byte; false if the FIFO is full. */
bool pl011_receive(struct pl011 *uart, uint8_t c);

#endif /* GUNYAH_EMU_PL011_H */
