// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 UART model.
 */
#include <string.h>

#include "pl011.h"

/* PrimeCell identification: part 0x011, designer 0x41 (Arm), revision 1 */
static const uint8_t pl011_id[8] = {
	0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1
};

static uint32_t pl011_ris(const struct pl011 *uart)
{
	uint32_t ris = uart->tx_pending;

	if (uart->rx_count)
		ris |= PL011_INT_RX | PL011_INT_RT;
	return ris;
}

static void pl011_update_irq(struct pl011 *uart)
{
	bool level = (pl011_ris(uart) & uart->imsc) != 0;

	if (level != uart->irq_level) {
		uart->irq_level = level;
		if (uart->set_irq)
			uart->set_irq(uart->ctx, level);
	}
}

void pl011_init(struct pl011 *uart, void *ctx,
		void (*tx)(void *ctx, uint8_t c),
		void (*set_irq)(void *ctx, bool level))
{
	memset(uart, 0, sizeof(*uart));
	uart->ctx = ctx;
	uart->tx = tx;
	uart->set_irq = set_irq;
	uart->cr = 0x300;	/* TXE | RXE, the reset value */
	uart->ifls = 0x12;
}

uint32_t pl011_read(struct pl011 *uart, uint64_t offset)
{
	uint32_t value = 0, fr;

	switch (offset) {
	case PL011_DR:
		if (uart->rx_count) {
			value = uart->rx_fifo[uart->rx_head];
			uart->rx_head = (uart->rx_head + 1) % PL011_FIFO_SIZE;
			uart->rx_count--;
			pl011_update_irq(uart);
		}
		return value;
	case PL011_FR:
		fr = PL011_FR_TXFE;
		if (!uart->rx_count)
			fr |= PL011_FR_RXFE;
		if (uart->rx_count == PL011_FIFO_SIZE)
			fr |= PL011_FR_RXFF;
		return fr;
	case PL011_ILPR:
		return uart->ilpr;
	case PL011_IBRD:
		return uart->ibrd;
	case PL011_FBRD:
		return uart->fbrd;
	case PL011_LCR_H:
		return uart->lcr_h;
	case PL011_CR:
		return uart->cr;
	case PL011_IFLS:
		return uart->ifls;
	case PL011_IMSC:
		return uart->imsc;
	case PL011_RIS:
		return pl011_ris(uart);
	case PL011_MIS:
		return pl011_ris(uart) & uart->imsc;
	case PL011_DMACR:
		return uart->dmacr;
	}
	if (offset >= PL011_PERIPH_ID0 && offset < PL011_MMIO_SIZE &&
	    !(offset & 3))
		return pl011_id[(offset - PL011_PERIPH_ID0) / 4];
	return 0;
}

void pl011_write(struct pl011 *uart, uint64_t offset, uint32_t value)
{
	switch (offset) {
	case PL011_DR:
		if (uart->tx)
			uart->tx(uart->ctx, (uint8_t)value);
		/* The byte left at once: the TX FIFO is below its level. */
		uart->tx_pending = PL011_INT_TX;
		break;
	case PL011_ILPR:
		uart->ilpr = value;
		break;
	case PL011_IBRD:
		uart->ibrd = value;
		break;
	case PL011_FBRD:
		uart->fbrd = value;
		break;
	case PL011_LCR_H:
		uart->lcr_h = value;
		break;
	case PL011_CR:
		uart->cr = value;
		break;
	case PL011_IFLS:
		uart->ifls = value;
		break;
	case PL011_IMSC:
		uart->imsc = value & 0x7ff;
		break;
	case PL011_ICR:
		uart->tx_pending &= ~value;
		break;
	case PL011_DMACR:
		uart->dmacr = value;
		break;
	default:
		break;	/* RSR/ECR clears errors; there are none */
	}
	pl011_update_irq(uart);
}

bool pl011_receive(struct pl011 *uart, uint8_t c)
{
	if (uart->rx_count == PL011_FIFO_SIZE)
		return false;
	uart->rx_fifo[(uart->rx_head + uart->rx_count) % PL011_FIFO_SIZE] = c;
	uart->rx_count++;
	pl011_update_irq(uart);
	return true;
}
