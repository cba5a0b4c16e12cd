// SPDX-License-Identifier: GPL-2.0
/*
 * Resource Manager engine: creation, request dispatch, fault injection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rm_internal.h"

void rm_count(struct rm_engine *e, const char *name, int64_t delta)
{
	if (e->counters)
		counter_add(e->counters, name, delta);
}

/*
 * Where the real RM calls exit(1), the emulator says so and stops
 * answering, so that whatever relies on the RM afterwards fails loudly.
 */
void rm_fatal(struct rm_engine *e, const char *reason)
{
	fprintf(stderr, "gunyah-emu: the real RM would exit(1) here: %s\n",
		reason);
	rm_count(e, "rm_fatal", 1);
	e->dead = true;
}

struct rm_vm *rm_vm_lookup(struct rm_engine *e, uint32_t vmid)
{
	if (vmid >= RM_MAX_VMID || !e->vms[vmid].exists)
		return NULL;
	return &e->vms[vmid];
}

struct rm_engine *rm_engine_create(const struct rm_engine_config *config,
				   const struct rm_hyp_ops *ops,
				   struct counters *counters)
{
	struct rm_engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->config = *config;
	if (ops)
		e->ops = *ops;
	e->counters = counters;
	rm_vm_init(e);
	return e;
}

void rm_defer(struct rm_engine *e, enum rm_deferred_kind kind,
	      uint16_t vmid, uint16_t exit_type)
{
	struct rm_deferred *d = calloc(1, sizeof(*d));

	if (!d) {
		rm_count(e, "rm_deferred_dropped_nomem", 1);
		return;
	}
	d->kind = kind;
	d->vmid = vmid;
	d->exit_type = exit_type;
	if (e->deferred_tail)
		e->deferred_tail->next = d;
	else
		e->deferred_head = d;
	e->deferred_tail = d;
	if (e->ops.deferred_queued)
		e->ops.deferred_queued(e->ops.ctx);
}

void rm_engine_run_deferred(struct rm_engine *e)
{
	struct rm_deferred *last = e->deferred_tail, *d;

	if (e->dead)
		return;
	while (last && (d = e->deferred_head)) {
		e->deferred_head = d->next;
		if (!d->next)
			e->deferred_tail = NULL;
		rm_vm_run_deferred(e, d);
		free(d);
		if (d == last)
			break;
	}
}

bool rm_engine_has_deferred(struct rm_engine *e)
{
	return e->deferred_head;
}

void rm_engine_destroy(struct rm_engine *e)
{
	struct rm_deferred *d, *d_next;
	struct rm_packet *pkt, *next;
	unsigned int i;

	if (!e)
		return;
	for (d = e->deferred_head; d; d = d_next) {
		d_next = d->next;
		free(d);
	}
	for (pkt = e->outbox_head; pkt; pkt = next) {
		next = pkt->next;
		free(pkt);
	}
	for (i = 0; i < RM_MAX_VMID; i++)
		free(e->vms[i].rx.buf);
	rm_parcel_free_all(e);
	free(e);
}

int rm_engine_add_fail_rule(struct rm_engine *e, uint32_t msg_id,
			    uint32_t nth, uint32_t error)
{
	struct rm_fail_rule *rule;

	if (e->nr_fail_rules == RM_MAX_FAIL_RULES)
		return -1;
	rule = &e->fail_rules[e->nr_fail_rules++];
	rule->msg_id = msg_id;
	rule->nth = nth;
	rule->error = error;
	rule->seen = 0;
	return 0;
}

void rm_engine_set_fail_rate(struct rm_engine *e, double rate, uint64_t seed,
			     uint32_t error)
{
	e->fail_rate = rate;
	e->rng_state = seed;
	e->fail_rate_error = error;
}

int rm_engine_add_lose_rule(struct rm_engine *e, uint32_t msg_id,
			    uint32_t nth)
{
	struct rm_lose_rule *rule;

	if (e->nr_lose_rules == RM_MAX_LOSE_RULES)
		return -1;
	rule = &e->lose_rules[e->nr_lose_rules++];
	rule->msg_id = msg_id;
	rule->nth = nth;
	rule->seen = 0;
	return 0;
}

void rm_engine_set_lose_rate(struct rm_engine *e, double rate, uint64_t seed,
			     const uint32_t *msg_ids, unsigned int nr_msg_ids)
{
	if (nr_msg_ids > RM_MAX_LOSE_MSG_IDS)
		nr_msg_ids = RM_MAX_LOSE_MSG_IDS;
	e->lose_rate = rate;
	e->lose_rng_state = seed;
	e->nr_lose_msg_ids = nr_msg_ids;
	if (nr_msg_ids)
		memcpy(e->lose_msg_ids, msg_ids, nr_msg_ids * sizeof(*msg_ids));
}

/* splitmix64: small, and the same sequence for the same seed everywhere. */
static uint64_t rm_splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* 53 random bits give a uniform double in [0, 1). */
static double rm_uniform(uint64_t *state)
{
	return (double)(rm_splitmix(state) >> 11) / 9007199254740992.0;
}

/* Returns true, with the error to reply, if this request must fail. */
static bool rm_injected_failure(struct rm_engine *e, uint32_t msg_id,
				uint32_t *error)
{
	bool fail = false;
	unsigned int i;

	for (i = 0; i < e->nr_fail_rules; i++) {
		struct rm_fail_rule *rule = &e->fail_rules[i];

		if (rule->msg_id != msg_id)
			continue;
		rule->seen++;
		if (!fail && (rule->nth == 0 || rule->nth == rule->seen)) {
			fail = true;
			*error = rule->error;
		}
	}
	if (!fail && e->fail_rate > 0.0 &&
	    rm_uniform(&e->rng_state) < e->fail_rate) {
		fail = true;
		*error = e->fail_rate_error;
	}
	return fail;
}

/*
 * Must the reply to this request be lost?  The rate draws a number only
 * for eligible requests, and from its own sequence, so the same seed loses
 * the same replies whatever the fail rules do.
 */
static bool rm_reply_to_lose(struct rm_engine *e, uint32_t msg_id)
{
	bool lose = false, eligible;
	unsigned int i;

	for (i = 0; i < e->nr_lose_rules; i++) {
		struct rm_lose_rule *rule = &e->lose_rules[i];

		if (rule->msg_id != msg_id)
			continue;
		rule->seen++;
		if (rule->nth == 0 || rule->nth == rule->seen)
			lose = true;
	}
	if (lose || e->lose_rate <= 0.0)
		return lose;
	eligible = !e->nr_lose_msg_ids;
	for (i = 0; i < e->nr_lose_msg_ids; i++)
		if (e->lose_msg_ids[i] == msg_id)
			eligible = true;
	return eligible && rm_uniform(&e->lose_rng_state) < e->lose_rate;
}

void rm_dispatch(struct rm_engine *e, uint16_t vmid, uint32_t msg_id,
		 uint16_t seq, const uint8_t *buf, size_t len)
{
	char name[COUNTER_NAME_MAX];
	uint32_t error = RM_OK;

	snprintf(name, sizeof(name), "rm_call_%08x", msg_id);
	rm_count(e, name, 1);

	if (rm_injected_failure(e, msg_id, &error)) {
		rm_count(e, "rm_injected_failures", 1);
		rm_reply(e, vmid, msg_id, seq, error, NULL, 0);
		return;
	}
	if (rm_reply_to_lose(e, msg_id))
		e->lost_reply = (struct rm_lost_reply){ .active = true,
			.vmid = vmid, .seq = seq, .msg_id = msg_id };
	if (!rm_vm_handle(e, vmid, msg_id, seq, buf, len) &&
	    !rm_parcel_handle(e, vmid, msg_id, seq, buf, len)) {
		/* src/resource-manager.c: unhandled requests: UNIMPLEMENTED */
		rm_count(e, "rm_calls_unimplemented", 1);
		rm_reply(e, vmid, msg_id, seq, RM_ERROR_UNIMPLEMENTED, NULL,
			 0);
	}
	e->lost_reply.active = false;
}

int rm_engine_vm_state(struct rm_engine *e, uint16_t vmid)
{
	struct rm_vm *vm = rm_vm_lookup(e, vmid);

	return vm ? vm->state : -1;
}

unsigned int rm_engine_nr_vms(struct rm_engine *e)
{
	unsigned int i, n = 0;

	for (i = 0; i < RM_MAX_VMID; i++)
		n += e->vms[i].exists && i != VMID_RM && i != VMID_HLOS;
	return n;
}

unsigned int rm_engine_nr_parcels(struct rm_engine *e)
{
	struct rm_parcel *p;
	unsigned int n = 0;

	for (p = e->parcels; p; p = p->next)
		n++;
	return n;
}
