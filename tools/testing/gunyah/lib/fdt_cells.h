/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing a property of big-endian cells with libfdt's sequential-write
 * calls, for the device trees the emulator builds and the ones its tests do.
 */
#ifndef GUNYAH_EMU_FDT_CELLS_H
#define GUNYAH_EMU_FDT_CELLS_H

#include <stdint.h>

#include <libfdt.h>

/* A property of @nr big-endian cells; 0 or a negative libfdt error. */
static inline int fdt_prop_cells(void *fdt, const char *name,
				 const uint32_t *cells, unsigned int nr)
{
	fdt32_t *val;
	unsigned int i;
	int err;

	err = fdt_property_placeholder(fdt, name, (int)(nr * sizeof(*val)),
				       (void **)&val);
	for (i = 0; !err && i < nr; i++)
		val[i] = cpu_to_fdt32(cells[i]);
	return err;
}

#endif
