// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal flattened device tree writer, following the Devicetree
 * Specification v0.4, chapter 5 ("Flattened Devicetree (DTB) Format").
 */
#include <stdlib.h>
#include <string.h>

#include "fdt.h"

#define FDT_MAGIC		0xd00dfeedu
#define FDT_BEGIN_NODE		1u
#define FDT_END_NODE		2u
#define FDT_PROP		3u
#define FDT_END			9u
#define FDT_VERSION		17u
#define FDT_LAST_COMP_VERSION	16u
#define FDT_HEADER_SIZE		40u
#define FDT_RSVMAP_SIZE		16u	/* just the terminating entry */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void fdt_init(struct fdt *fdt)
{
	memset(fdt, 0, sizeof(*fdt));
}

void fdt_free(struct fdt *fdt)
{
	free(fdt->structs);
	free(fdt->strings);
	fdt_init(fdt);
}

static int fdt_reserve(void **buf, size_t *cap, size_t need)
{
	size_t new_cap = *cap ? *cap : 256;
	void *p;

	if (need <= *cap)
		return 0;
	while (new_cap < need)
		new_cap *= 2;
	p = realloc(*buf, new_cap);
	if (!p)
		return -1;
	*buf = p;
	*cap = new_cap;
	return 0;
}

/* Append @len bytes to the structure block, zero-padded to 4 bytes. */
static void fdt_append(struct fdt *fdt, const void *data, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;

	if (fdt->error)
		return;
	if (fdt_reserve((void **)&fdt->structs, &fdt->structs_cap,
			fdt->structs_len + padded)) {
		fdt->error = 1;
		return;
	}
	memcpy(fdt->structs + fdt->structs_len, data, len);
	memset(fdt->structs + fdt->structs_len + len, 0, padded - len);
	fdt->structs_len += padded;
}

static void fdt_append_be32(struct fdt *fdt, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	fdt_append(fdt, b, 4);
}

/* Offset of @name in the strings block, adding it if new. */
static uint32_t fdt_string(struct fdt *fdt, const char *name)
{
	size_t len = strlen(name) + 1, off = 0;

	while (off < fdt->strings_len) {
		if (!strcmp(fdt->strings + off, name))
			return (uint32_t)off;
		off += strlen(fdt->strings + off) + 1;
	}
	if (fdt_reserve((void **)&fdt->strings, &fdt->strings_cap,
			fdt->strings_len + len)) {
		fdt->error = 1;
		return 0;
	}
	memcpy(fdt->strings + fdt->strings_len, name, len);
	fdt->strings_len += len;
	return (uint32_t)off;
}

void fdt_begin_node(struct fdt *fdt, const char *name)
{
	fdt_append_be32(fdt, FDT_BEGIN_NODE);
	fdt_append(fdt, name, strlen(name) + 1);
	fdt->depth++;
}

void fdt_end_node(struct fdt *fdt)
{
	if (fdt->depth <= 0) {
		fdt->error = 1;
		return;
	}
	fdt_append_be32(fdt, FDT_END_NODE);
	fdt->depth--;
}

void fdt_prop(struct fdt *fdt, const char *name, const void *value,
	      size_t len)
{
	uint32_t nameoff = fdt_string(fdt, name);

	if (fdt->depth <= 0)
		fdt->error = 1;
	fdt_append_be32(fdt, FDT_PROP);
	fdt_append_be32(fdt, (uint32_t)len);
	fdt_append_be32(fdt, nameoff);
	if (len)
		fdt_append(fdt, value, len);
}

void fdt_prop_empty(struct fdt *fdt, const char *name)
{
	fdt_prop(fdt, name, NULL, 0);
}

void fdt_prop_cells(struct fdt *fdt, const char *name, const uint32_t *cells,
		    size_t nr)
{
	uint8_t *buf = malloc(nr * 4 + 1);
	size_t i;

	if (!buf) {
		fdt->error = 1;
		return;
	}
	for (i = 0; i < nr; i++)
		put_be32(buf + i * 4, cells[i]);
	fdt_prop(fdt, name, buf, nr * 4);
	free(buf);
}

void fdt_prop_u32(struct fdt *fdt, const char *name, uint32_t value)
{
	fdt_prop_cells(fdt, name, &value, 1);
}

void fdt_prop_u64(struct fdt *fdt, const char *name, uint64_t value)
{
	uint32_t cells[2] = { (uint32_t)(value >> 32), (uint32_t)value };

	fdt_prop_cells(fdt, name, cells, 2);
}

void fdt_prop_string(struct fdt *fdt, const char *name, const char *value)
{
	fdt_prop(fdt, name, value, strlen(value) + 1);
}

void fdt_prop_strings(struct fdt *fdt, const char *name,
		      const char *const *values, size_t nr)
{
	size_t i, len = 0, pos = 0;
	char *buf;

	for (i = 0; i < nr; i++)
		len += strlen(values[i]) + 1;
	buf = malloc(len + 1);
	if (!buf) {
		fdt->error = 1;
		return;
	}
	for (i = 0; i < nr; i++) {
		size_t len_i = strlen(values[i]) + 1;

		memcpy(buf + pos, values[i], len_i);
		pos += len_i;
	}
	fdt_prop(fdt, name, buf, len);
	free(buf);
}

size_t fdt_finish(struct fdt *fdt, void *out, size_t cap)
{
	size_t off_rsvmap = FDT_HEADER_SIZE;
	size_t off_struct = off_rsvmap + FDT_RSVMAP_SIZE;
	size_t off_strings, total;
	uint8_t *p = out;

	if (fdt->depth != 0 || fdt->error)
		return 0;
	fdt_append_be32(fdt, FDT_END);
	if (fdt->error)
		return 0;
	off_strings = off_struct + fdt->structs_len;
	total = off_strings + fdt->strings_len;
	if (total > cap) {
		/* Allow a retry with a bigger buffer. */
		fdt->structs_len -= 4;
		return 0;
	}
	memset(p, 0, off_struct);
	put_be32(p + 0, FDT_MAGIC);
	put_be32(p + 4, (uint32_t)total);
	put_be32(p + 8, (uint32_t)off_struct);
	put_be32(p + 12, (uint32_t)off_strings);
	put_be32(p + 16, (uint32_t)off_rsvmap);
	put_be32(p + 20, FDT_VERSION);
	put_be32(p + 24, FDT_LAST_COMP_VERSION);
	put_be32(p + 28, 0);	/* boot_cpuid_phys */
	put_be32(p + 32, (uint32_t)fdt->strings_len);
	put_be32(p + 36, (uint32_t)fdt->structs_len);
	memcpy(p + off_struct, fdt->structs, fdt->structs_len);
	memcpy(p + off_strings, fdt->strings, fdt->strings_len);
	fdt->structs_len -= 4;
	return total;
}
