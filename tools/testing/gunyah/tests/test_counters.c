// SPDX-License-Identifier: GPL-2.0
/*
 * Counters and their printed form.
 */
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "tap.h"

int main(void)
{
	struct counters c;
	char out[512] = { 0 };
	FILE *f;

	counters_init(&c);
	counter_add(&c, "pages_lent", 3);
	counter_add(&c, "hvc_801b", 1);
	counter_add(&c, "pages_lent", 2);
	counter_set(&c, "primary_pages_unmapped", 7);
	counter_add(&c, "primary_pages_unmapped", -7);
	tap_eq(counter_get(&c, "pages_lent"), 5, "add accumulates");
	tap_eq(counter_get(&c, "primary_pages_unmapped"), 0,
	       "negative deltas subtract");
	tap_eq(counter_get(&c, "nonexistent"), 0, "unknown counters read 0");
	f = fmemopen(out, sizeof(out) - 1, "w");
	counters_print(&c, f);
	fclose(f);
	tap_ok(!strcmp(out,
		       "gunyah-emu: counter hvc_801b 1\n"
		       "gunyah-emu: counter pages_lent 5\n"
		       "gunyah-emu: counter primary_pages_unmapped 0\n"),
	       "printed one per line, sorted by name");
	return tap_done();
}
