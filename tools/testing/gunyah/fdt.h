/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal flattened device tree (DTB, version 17) writer.
 */
#ifndef GUNYAH_EMU_FDT_H
#define GUNYAH_EMU_FDT_H

#include <stddef.h>
#include <stdint.h>

struct fdt {
	uint8_t *structs;
	size_t structs_len;
	size_t structs_cap;
	char *strings;
	size_t strings_len;
	size_t strings_cap;
	int depth;
	int error;	/* sticky: set by any failed call */
};

void fdt_init(struct fdt *fdt);
void fdt_free(struct fdt *fdt);
void fdt_begin_node(struct fdt *fdt, const char *name);
void fdt_end_node(struct fdt *fdt);
void fdt_prop(struct fdt *fdt, const char *name, const void *value,
	      size_t len);
void fdt_prop_empty(struct fdt *fdt, const char *name);
void fdt_prop_u32(struct fdt *fdt, const char *name, uint32_t value);
void fdt_prop_cells(struct fdt *fdt, const char *name, const uint32_t *cells,
		    size_t nr);
void fdt_prop_u64(struct fdt *fdt, const char *name, uint64_t value);
void fdt_prop_string(struct fdt *fdt, const char *name, const char *value);
/* A string list: the strings one after the other, each NUL-terminated. */
void fdt_prop_strings(struct fdt *fdt, const char *name,
		      const char *const *values, size_t nr);
/*
 * Lay the tree out into @out.  Returns the blob's size, or 0 if a call
 * failed, the nodes are unbalanced, or @cap is too small.
 */
size_t fdt_finish(struct fdt *fdt, void *out, size_t cap);

#endif /* GUNYAH_EMU_FDT_H */
