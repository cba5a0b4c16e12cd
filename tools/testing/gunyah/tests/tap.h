/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP producer for the host-side tests: "ok N - name" or
 * "not ok N - name" per check, the "1..N" plan at the end, and a non-zero
 * exit status if any check failed.
 */
#ifndef GUNYAH_EMU_TAP_H
#define GUNYAH_EMU_TAP_H

#include <stdarg.h>
#include <stdio.h>

#include "kernel_compat.h"

static int tap_count;
static int tap_failures;

static inline int tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failures++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return pass;
}

/* Check that @got equals @want, reporting both when they differ. */
#define tap_eq(got, want, name)						\
	({								\
		unsigned long long __g = (unsigned long long)(got);	\
		unsigned long long __w = (unsigned long long)(want);	\
		const char *__n = (name);				\
		if (__g != __w)						\
			printf("# %s: got 0x%llx, want 0x%llx\n", __n,	\
			       __g, __w);				\
		tap_ok(__g == __w, "%s", __n);				\
	})

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#endif /* GUNYAH_EMU_TAP_H */
