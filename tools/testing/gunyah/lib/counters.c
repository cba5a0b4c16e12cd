// SPDX-License-Identifier: GPL-2.0
/*
 * Named event counters of the Gunyah emulator.
 */
#include <stdlib.h>
#include <string.h>

#include "counters.h"

void counters_init(struct counters *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

/* Caller holds c->lock. Returns NULL only when the table is full. */
static struct counter *counter_find(struct counters *c, const char *name,
				    int create)
{
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->entries[i].name, name))
			return &c->entries[i];
	if (!create || c->nr == COUNTERS_MAX)
		return NULL;
	snprintf(c->entries[c->nr].name, COUNTER_NAME_MAX, "%s", name);
	c->entries[c->nr].value = 0;
	return &c->entries[c->nr++];
}

void counter_add(struct counters *c, const char *name, int64_t delta)
{
	struct counter *e;

	pthread_mutex_lock(&c->lock);
	e = counter_find(c, name, 1);
	if (e)
		e->value += delta;
	pthread_mutex_unlock(&c->lock);
}

void counter_set(struct counters *c, const char *name, int64_t value)
{
	struct counter *e;

	pthread_mutex_lock(&c->lock);
	e = counter_find(c, name, 1);
	if (e)
		e->value = value;
	pthread_mutex_unlock(&c->lock);
}

int64_t counter_get(struct counters *c, const char *name)
{
	struct counter *e;
	int64_t value = 0;

	pthread_mutex_lock(&c->lock);
	e = counter_find(c, name, 0);
	if (e)
		value = e->value;
	pthread_mutex_unlock(&c->lock);
	return value;
}

static int counter_cmp(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->name,
		      ((const struct counter *)b)->name);
}

void counters_print(struct counters *c, FILE *out)
{
	struct counter sorted[COUNTERS_MAX];
	unsigned int i, nr;

	pthread_mutex_lock(&c->lock);
	nr = c->nr;
	memcpy(sorted, c->entries, nr * sizeof(sorted[0]));
	pthread_mutex_unlock(&c->lock);

	qsort(sorted, nr, sizeof(sorted[0]), counter_cmp);
	for (i = 0; i < nr; i++)
		fprintf(out, "gunyah-emu: counter %s %lld\n", sorted[i].name,
			(long long)sorted[i].value);
	fflush(out);
}
