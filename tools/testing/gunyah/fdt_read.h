/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, bounds-checked flattened device tree (DTB) reader, enough for
 * the RM to read a VM's configuration device tree.  Every offset and length
 * in the blob is checked before it is used: a malformed blob gives an
 * error, never an access outside the buffer.
 */
#ifndef GUNYAH_EMU_FDT_READ_H
#define GUNYAH_EMU_FDT_READ_H

#include <stddef.h>
#include <stdint.h>

#define FDTR_MAX_DEPTH	16

struct fdtr {
	const uint8_t *blob;
	size_t size;
	uint32_t struct_off;	/* structure block, from the header */
	uint32_t struct_size;
	uint32_t strings_off;	/* strings block, from the header */
	uint32_t strings_size;
};

/* Check the header of @blob (@size bytes); 0 or -EINVAL. */
int fdtr_open(struct fdtr *f, const void *blob, size_t size);

/*
 * Find property @prop of the node at the absolute @path ("/a/b"; unit
 * addresses must be spelled out).  Returns 0 with the value in *value and
 * its length in *len, -ENOENT if node or property is absent, or -EINVAL if
 * the blob is malformed anywhere up to the point the walk reached.
 */
int fdtr_getprop(const struct fdtr *f, const char *path, const char *prop,
		 const void **value, uint32_t *len);

/* 0 if the node at @path exists, -ENOENT if not, -EINVAL if malformed. */
int fdtr_node_exists(const struct fdtr *f, const char *path);

/* Check the whole structure block; 0 or -EINVAL. */
int fdtr_validate(const struct fdtr *f);

/* Read a property of exactly @cells big-endian 32-bit cells (1 or 2). */
int fdtr_getprop_cells(const struct fdtr *f, const char *path,
		       const char *prop, unsigned int cells, uint64_t *value);

#endif /* GUNYAH_EMU_FDT_READ_H */
