/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named event counters of the Gunyah emulator.
 *
 * Counters are printed sorted by name so that two runs doing the same work
 * print the same text, whatever order the events came in.
 */
#ifndef GUNYAH_EMU_COUNTERS_H
#define GUNYAH_EMU_COUNTERS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define COUNTER_NAME_MAX	40
#define COUNTERS_MAX		256

struct counter {
	char name[COUNTER_NAME_MAX];
	int64_t value;
};

struct counters {
	pthread_mutex_t lock;
	unsigned int nr;
	struct counter entries[COUNTERS_MAX];
};

void counters_init(struct counters *c);
void counter_add(struct counters *c, const char *name, int64_t delta);
void counter_set(struct counters *c, const char *name, int64_t value);
int64_t counter_get(struct counters *c, const char *name);
/* Writes "gunyah-emu: counter <name> <value>" lines, sorted by name. */
void counters_print(struct counters *c, FILE *out);

#endif /* GUNYAH_EMU_COUNTERS_H */
