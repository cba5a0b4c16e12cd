// SPDX-License-Identifier: GPL-2.0
/*
 * A bounds-checked flattened device tree reader, following the Devicetree
 * Specification v0.4, chapter 5 ("Flattened Devicetree (DTB) Format").
 */
#include <errno.h>
#include <string.h>

#include "fdt_read.h"

#define FDT_MAGIC		0xd00dfeedu
#define FDT_BEGIN_NODE		1u
#define FDT_END_NODE		2u
#define FDT_PROP		3u
#define FDT_NOP			4u
#define FDT_END			9u
#define FDT_HEADER_SIZE		40u
#define FDT_LAST_COMP_VERSION	16u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* [off, off + len) lies inside a block of @size bytes. */
static int fdtr_in(uint32_t off, uint32_t len, uint32_t size)
{
	return off <= size && len <= size - off;
}

int fdtr_open(struct fdtr *f, const void *blob, size_t size)
{
	const uint8_t *b = blob;
	uint32_t total;

	memset(f, 0, sizeof(*f));
	if (!blob || size < FDT_HEADER_SIZE || size > UINT32_MAX)
		return -EINVAL;
	total = be32(b + 4);
	if (be32(b) != FDT_MAGIC || total < FDT_HEADER_SIZE || total > size ||
	    be32(b + 24) > FDT_LAST_COMP_VERSION)
		return -EINVAL;
	f->blob = b;
	f->size = total;
	f->struct_off = be32(b + 8);
	f->strings_off = be32(b + 12);
	f->strings_size = be32(b + 32);
	f->struct_size = be32(b + 36);
	if (!fdtr_in(f->struct_off, f->struct_size, total) ||
	    !fdtr_in(f->strings_off, f->strings_size, total) ||
	    f->struct_off % 4 || f->struct_size % 4)
		return -EINVAL;
	return 0;
}

/* Length of the NUL-terminated string at @off of a block; -1 if unended. */
static long fdtr_strlen(const uint8_t *p, uint32_t off, uint32_t size)
{
	const uint8_t *nul;

	if (off >= size)
		return -1;
	nul = memchr(p + off, 0, size - off);
	return nul ? nul - (p + off) : -1;
}

/*
 * The property whose FDT_PROP token ends at *off, its header, value and name
 * checked against the blob: returns its name, value and length and moves *off
 * past the value's padding (which the caller checks against the block).
 */
static int fdtr_read_prop(const struct fdtr *f, uint32_t *off,
			  const char **name, const uint8_t **value,
			  uint32_t *len)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t size = f->struct_size, nameoff;

	if (!fdtr_in(*off, 8, size))
		return -EINVAL;
	*len = be32(s + *off);
	nameoff = be32(s + *off + 4);
	*off += 8;
	if (!fdtr_in(*off, *len, size) ||
	    fdtr_strlen(f->blob + f->strings_off, nameoff, f->strings_size) < 0)
		return -EINVAL;
	*name = (const char *)f->blob + f->strings_off + nameoff;
	*value = s + *off;
	*off += (*len + 3) & ~3u;
	return 0;
}

struct fdtr_walk {
	const char *path;	/* node wanted */
	const char *prop;	/* property wanted, NULL: just the node */
	const void *value;
	uint32_t len;
	int found;
};

/*
 * Walk the whole structure block, checking every token.  @w may be NULL.
 * Path matching: at depth d (root = 1) the node name must equal the d-th
 * component of w->path; a mismatch makes the subtree uninteresting.
 */
static int fdtr_walk(const struct fdtr *f, struct fdtr_walk *w)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t off = 0, size = f->struct_size;
	/* matched[d]: nodes 1..d all lie on w->path; pos[d]: path offset */
	size_t pos[FDTR_MAX_DEPTH + 1] = { 0 };
	int matched[FDTR_MAX_DEPTH + 1] = { 1 };
	int depth = 0, ended = 0;

	while (!ended) {
		const uint8_t *value;
		const char *name;
		uint32_t token, plen;
		long nlen;

		if (!fdtr_in(off, 4, size))
			return -EINVAL;
		token = be32(s + off);
		off += 4;
		switch (token) {
		case FDT_BEGIN_NODE:
			nlen = fdtr_strlen(s, off, size);
			if (nlen < 0 || depth == FDTR_MAX_DEPTH)
				return -EINVAL;
			if (depth == 0 && nlen != 0)
				return -EINVAL;	/* the root has no name */
			depth++;
			matched[depth] = 0;
			if (w && matched[depth - 1]) {
				const char *p = w->path + pos[depth - 1];

				if (depth == 1) {
					matched[1] = w->path[0] == '/';
					pos[1] = 1;
				} else if (!strncmp(p, (const char *)s + off,
						    (size_t)nlen) &&
					   (p[nlen] == '/' || !p[nlen])) {
					matched[depth] = 1;
					pos[depth] = pos[depth - 1] + nlen +
						     (p[nlen] == '/');
				}
				if (matched[depth] && !w->path[pos[depth]] &&
				    !w->prop)
					w->found = 1;
			}
			off += ((uint32_t)nlen + 4) & ~3u;
			if (off > size)
				return -EINVAL;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return -EINVAL;
			depth--;
			if (depth == 0) {
				/* Only FDT_NOPs and FDT_END may follow. */
				if (!fdtr_in(off, 4, size))
					return -EINVAL;
			}
			break;
		case FDT_PROP:
			if (depth == 0 ||
			    fdtr_read_prop(f, &off, &name, &value, &plen) ||
			    off > size)
				return -EINVAL;
			if (w && w->prop && !w->found && matched[depth] &&
			    !w->path[pos[depth]] && !strcmp(name, w->prop)) {
				w->found = 1;
				w->value = value;
				w->len = plen;
			}
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0)
				return -EINVAL;
			ended = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	/* An empty tree has no root node. */
	return off > 8 ? 0 : -EINVAL;
}

int fdtr_validate(const struct fdtr *f)
{
	return f->blob ? fdtr_walk(f, NULL) : -EINVAL;
}

int fdtr_getprop(const struct fdtr *f, const char *path, const char *prop,
		 const void **value, uint32_t *len)
{
	struct fdtr_walk w = { .path = path, .prop = prop };
	int err;

	if (!f->blob || !path || path[0] != '/' || !prop)
		return -EINVAL;
	err = fdtr_walk(f, &w);
	if (err)
		return err;
	if (!w.found)
		return -ENOENT;
	*value = w.value;
	*len = w.len;
	return 0;
}

int fdtr_node_exists(const struct fdtr *f, const char *path)
{
	struct fdtr_walk w = { .path = path };
	int err;

	if (!f->blob || !path || path[0] != '/')
		return -EINVAL;
	err = fdtr_walk(f, &w);
	if (err)
		return err;
	return w.found ? 0 : -ENOENT;
}

int fdtr_getprop_cells(const struct fdtr *f, const char *path,
		       const char *prop, unsigned int cells, uint64_t *value)
{
	const void *v;
	uint32_t len;
	int err;

	if (cells < 1 || cells > 2)
		return -EINVAL;
	err = fdtr_getprop(f, path, prop, &v, &len);
	if (err)
		return err;
	if (len != cells * 4)
		return -EINVAL;
	*value = be32(v);
	if (cells == 2)
		*value = *value << 32 | be32((const uint8_t *)v + 4);
	return 0;
}

int fdtr_visit_nodes(const struct fdtr *f, fdtr_node_fn fn, void *arg)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t off = 0, size = f->struct_size;
	struct fdtr_node n;
	int depth = 0, ret;
	long nlen;

	if (fdtr_validate(f))
		return -EINVAL;
	/* Validated: every token and length below is in bounds. */
	for (;;) {
		uint32_t token = be32(s + off);

		off += 4;
		switch (token) {
		case FDT_BEGIN_NODE:
			nlen = fdtr_strlen(s, off, size);
			n.name = (const char *)s + off;
			n.depth = depth++;
			off += ((uint32_t)nlen + 4) & ~3u;
			n.props = off;
			ret = fn(arg, &n);
			if (ret)
				return ret;
			break;
		case FDT_END_NODE:
			depth--;
			break;
		case FDT_PROP:
			off += 8 + ((be32(s + off) + 3) & ~3u);
			break;
		case FDT_NOP:
			break;
		default:	/* FDT_END */
			return 0;
		}
	}
}

int fdtr_node_getprop(const struct fdtr *f, uint32_t props, const char *prop,
		      const void **value, uint32_t *len)
{
	const uint8_t *s = f->blob + f->struct_off;
	uint32_t off = props, size = f->struct_size;

	while (fdtr_in(off, 4, size)) {
		uint32_t token = be32(s + off), plen;
		const uint8_t *pvalue;
		const char *name;

		off += 4;
		if (token == FDT_NOP)
			continue;
		if (token != FDT_PROP || !fdtr_in(off, 8, size))
			break;
		if (fdtr_read_prop(f, &off, &name, &pvalue, &plen))
			return -EINVAL;
		if (!strcmp(name, prop)) {
			*value = pvalue;
			*len = plen;
			return 0;
		}
	}
	return -ENOENT;
}
