// SPDX-License-Identifier: GPL-2.0
/*
 * PL011 UART model.
 */
#include "pl011.h"
#include "tap.h"

static char sent[16];
static unsigned int nr_sent;
static int irq = -1;

static void tx(void *ctx, uint8_t c)
{
	if (nr_sent < sizeof(sent))
		sent[nr_sent++] = (char)c;
}

static void set_irq(void *ctx, bool level)
{
	irq = level;
}

int main(void)
{
	struct pl011 u;
	unsigned int i, accepted = 0;

	pl011_init(&u, NULL, tx, set_irq);
	tap_eq(pl011_read(&u, PL011_PERIPH_ID0), 0x11, "PeriphID0");
	tap_eq(pl011_read(&u, PL011_PERIPH_ID0 + 0x1c), 0xb1, "CellID3");
	tap_eq(pl011_read(&u, PL011_FR) & (PL011_FR_TXFE | PL011_FR_RXFE),
	       PL011_FR_TXFE | PL011_FR_RXFE, "idle: TX and RX FIFOs empty");
	pl011_write(&u, PL011_DR, 'h');
	pl011_write(&u, PL011_DR, 'i');
	tap_ok(nr_sent == 2 && sent[0] == 'h' && sent[1] == 'i',
	       "DR writes go out in order");
	tap_eq(irq, -1, "no interrupt while masked");
	pl011_write(&u, PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
	pl011_receive(&u, 'x');
	tap_eq(irq, 1, "received data raises the RX interrupt");
	tap_eq(pl011_read(&u, PL011_MIS), PL011_INT_RX | PL011_INT_RT,
	       "MIS shows RX and RX timeout");
	tap_eq(pl011_read(&u, PL011_FR) & PL011_FR_RXFE, 0, "RX FIFO not empty");
	tap_eq(pl011_read(&u, PL011_DR), 'x', "DR reads the byte");
	tap_eq(irq, 0, "reading the last byte drops the interrupt");
	tap_eq(pl011_read(&u, PL011_DR), 0, "DR of an empty FIFO reads 0");
	for (i = 0; i < PL011_FIFO_SIZE + 2; i++)
		accepted += pl011_receive(&u, (uint8_t)i);
	tap_eq(accepted, PL011_FIFO_SIZE, "the FIFO holds 32 bytes");
	tap_ok(pl011_read(&u, PL011_FR) & PL011_FR_RXFF, "and then is full");
	pl011_write(&u, PL011_IMSC, PL011_INT_TX);
	tap_eq(pl011_read(&u, PL011_MIS), PL011_INT_TX,
	       "TX interrupt latched after a write");
	pl011_write(&u, PL011_ICR, PL011_INT_TX);
	tap_eq(pl011_read(&u, PL011_MIS), 0, "ICR clears it");
	tap_eq(irq, 0, "and the line drops");
	return tap_done();
}
