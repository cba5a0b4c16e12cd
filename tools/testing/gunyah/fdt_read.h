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

/* A node, as fdtr_visit_nodes() visits it. */
struct fdtr_node {
	const char *name;	/* with its unit address; "" for the root */
	int depth;		/* the root is 0 */
	uint32_t props;		/* structure offset of its first property */
};

typedef int (*fdtr_node_fn)(void *arg, const struct fdtr_node *n);

/*
 * Call @fn for every node of a validated blob, in the order the nodes
 * appear (depth first).  Stops at the first non-zero return of @fn and
 * returns it; 0 when every node was visited, -EINVAL if malformed.
 */
int fdtr_visit_nodes(const struct fdtr *f, fdtr_node_fn fn, void *arg);

/* Property @prop of the node fdtr_visit_nodes() gave as @n->props. */
int fdtr_node_getprop(const struct fdtr *f, uint32_t props, const char *prop,
		      const void **value, uint32_t *len);

#endif /* GUNYAH_EMU_FDT_READ_H */
