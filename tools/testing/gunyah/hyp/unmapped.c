// SPDX-License-Identifier: GPL-2.0
/*
 * Which parts of the primary VM's RAM are missing from its stage 2; see
 * unmapped.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "unmapped.h"

struct unmapped_run {
	unmapped_fn fn;
	void *arg;
	uint64_t va;		/* host address of IPA ipa_base */
	uint64_t ipa_base;
	uint64_t start;		/* pending range, host addresses */
	uint64_t end;
	uint64_t total;
};

/* Extend the pending range, or report it and start a new one. */
static void unmapped_add(struct unmapped_run *r, uint64_t start, uint64_t end)
{
	if (start >= end)
		return;
	r->total += end - start;
	if (r->end == start && r->end != r->start) {
		r->end = end;
		return;
	}
	if (r->end != r->start && r->fn)
		r->fn(r->arg, r->ipa_base + (r->start - r->va), r->end - r->start);
	r->start = start;
	r->end = end;
}

/* "start-end perms ...": 0, or -1 if the line is not of that form. */
static int parse_maps_line(const char *line, uint64_t *start, uint64_t *end,
			   bool *readable)
{
	char *p;

	*start = strtoull(line, &p, 16);
	if (p == line || *p != '-')
		return -1;
	line = p + 1;
	*end = strtoull(line, &p, 16);
	if (p == line || *p != ' ' || *end < *start)
		return -1;
	if (strlen(p + 1) < 4)
		return -1;
	*readable = p[1] == 'r';
	return 0;
}

uint64_t unmapped_scan(FILE *maps, uint64_t va, uint64_t size,
		       uint64_t ipa_base, unmapped_fn fn, void *arg)
{
	struct unmapped_run r = {
		.fn = fn, .arg = arg, .va = va, .ipa_base = ipa_base,
	};
	uint64_t cursor = va, limit = va + size, start, end;
	size_t cap = 0;
	char *line = NULL;
	bool readable;

	/* First pass only validates, so that a bad file reports nothing. */
	while (getline(&line, &cap, maps) > 0) {
		if (parse_maps_line(line, &start, &end, &readable)) {
			free(line);
			return UNMAPPED_ERROR;
		}
	}
	rewind(maps);
	/* The kernel lists mappings in ascending address order. */
	while (getline(&line, &cap, maps) > 0) {
		/* The map may have changed since; skip what does not parse. */
		if (parse_maps_line(line, &start, &end, &readable) ||
		    end <= cursor || start >= limit)
			continue;
		if (start < cursor)
			start = cursor;
		if (end > limit)
			end = limit;
		/* A hole in the map: nothing backs these pages at all. */
		unmapped_add(&r, cursor, start);
		if (!readable)
			unmapped_add(&r, start, end);
		cursor = end;
	}
	free(line);
	unmapped_add(&r, cursor, limit);
	if (r.end != r.start && fn)
		fn(arg, ipa_base + (r.start - va), r.end - r.start);
	return r.total;
}

static void print_range(void *arg, uint64_t ipa, uint64_t size)
{
	fprintf(arg, "gunyah-emu: unmapped ipa 0x%llx size 0x%llx\n",
		(unsigned long long)ipa, (unsigned long long)size);
}

uint64_t unmapped_print(FILE *maps, uint64_t va, uint64_t size,
			uint64_t ipa_base, FILE *out)
{
	return unmapped_scan(maps, va, size, ipa_base, print_range, out);
}
