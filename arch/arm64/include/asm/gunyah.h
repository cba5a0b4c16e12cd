/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Gunyah on arm64: how an interrupt number the Resource Manager hands out
 * reaches the GIC's irqdomain.
 */
#ifndef __ASM_GUNYAH_H
#define __ASM_GUNYAH_H

#include <linux/irqdomain.h>
#include <dt-bindings/interrupt-controller/arm-gic.h>

/* GIC INTIDs: SPIs 32..1019, extended SPIs 4096..5119 */
#define GUNYAH_GIC_SPI_FIRST		32
#define GUNYAH_GIC_SPI_LAST		1019
#define GUNYAH_GIC_ESPI_FIRST		4096
#define GUNYAH_GIC_ESPI_LAST		5119

/**
 * arch_gunyah_fill_irq_fwspec() - describe an RM vIRQ to the GIC's domain
 * @virq: the GIC INTID the RM gave (GET_HYP_RESOURCES, for example)
 * @fwspec: its param fields are filled in; the caller sets the fwnode
 *
 * The RM's vIRQs for the host are edge-triggered SPIs (a vCPU's wakeup
 * vIRQ is asserted once per wakeup).
 *
 * Return: 0, or -EINVAL for an INTID that is no (extended) SPI.
 */
static inline int arch_gunyah_fill_irq_fwspec(u32 virq,
					      struct irq_fwspec *fwspec)
{
	if (virq >= GUNYAH_GIC_SPI_FIRST && virq <= GUNYAH_GIC_SPI_LAST) {
		fwspec->param[0] = GIC_SPI;
		fwspec->param[1] = virq - GUNYAH_GIC_SPI_FIRST;
	} else if (virq >= GUNYAH_GIC_ESPI_FIRST &&
		   virq <= GUNYAH_GIC_ESPI_LAST) {
		fwspec->param[0] = GIC_ESPI;
		fwspec->param[1] = virq - GUNYAH_GIC_ESPI_FIRST;
	} else {
		return -EINVAL;
	}
	fwspec->param[2] = IRQ_TYPE_EDGE_RISING;
	fwspec->param_count = 3;
	return 0;
}

#endif /* __ASM_GUNYAH_H */
