/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Gunyah Resource Manager engine: the RM RPC protocol and the RM's VM and
 * memory-parcel bookkeeping, as plain C with no KVM dependency, so that it
 * runs inside the emulator and inside host-side unit tests alike.
 *
 * The engine never touches guest memory or hypervisor objects itself.
 * Whatever a real RM would ask of the hypervisor with a hypercall, it asks
 * through struct rm_hyp_ops (rm_hyp.h, the only hypervisor header it sees).
 */
#ifndef GUNYAH_EMU_RM_ENGINE_H
#define GUNYAH_EMU_RM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "rm_hyp.h"
#include "rm_wire.h"

struct rm_engine;

/* A range of the primary VM's IPA space. */
struct rm_region {
	uint64_t ipa;
	uint64_t size;
};

struct rm_engine_config {
	uint64_t primary_ram_base;
	uint64_t primary_ram_size;
};

struct rm_engine *rm_engine_create(const struct rm_engine_config *config,
				   const struct rm_hyp_ops *ops,
				   struct counters *counters);
void rm_engine_destroy(struct rm_engine *engine);

/* Hand the RM one message-queue packet that VM @vmid sent to it. */
void rm_engine_receive(struct rm_engine *engine, uint16_t vmid,
		       const void *packet, size_t len);

/*
 * Take the oldest packet the RM queued for VM @vmid into @buf (RM_MSG_SIZE
 * bytes).  Returns its length, or 0 when there is none.
 */
size_t rm_engine_next_packet(struct rm_engine *engine, uint16_t vmid,
			     uint8_t *buf);
size_t rm_engine_pending_packets(struct rm_engine *engine, uint16_t vmid);

/*
 * Fault injection.  Fail the @nth request (1-based; 0 = every request) with
 * message ID @msg_id, replying @error instead of doing the work.
 */
int rm_engine_add_fail_rule(struct rm_engine *engine, uint32_t msg_id,
			    uint32_t nth, uint32_t error);
/* Fail a deterministic pseudo-random fraction @rate of all requests. */
void rm_engine_set_fail_rate(struct rm_engine *engine, double rate,
			     uint64_t seed, uint32_t error);

/*
 * Fault injection, "applied, reply lost": the RM performs the @nth request
 * (1-based; 0 = every request) with message ID @msg_id completely, but its
 * reply is never queued (counted as rm_replies_lost).  Notifications the
 * request causes are still sent.
 */
int rm_engine_add_lose_rule(struct rm_engine *engine, uint32_t msg_id,
			    uint32_t nth);
/*
 * Lose the replies of a deterministic pseudo-random fraction @rate of the
 * requests whose ID is one of @msg_ids (@nr_msg_ids 0: of all requests).
 */
void rm_engine_set_lose_rate(struct rm_engine *engine, double rate,
			     uint64_t seed, const uint32_t *msg_ids,
			     unsigned int nr_msg_ids);

/*
 * The hypervisor's event: the guest of VM @vmid stopped itself (@how:
 * PSCI SYSTEM_OFF is exit type PLATFORM_OFF, SYSTEM_RESET PLATFORM_RESET).
 * Like the real RM, which learns of it from a hypervisor event later, the
 * engine only queues the work: a later rm_engine_run_deferred() moves the
 * VM to EXITED and sends its owner VM_STATUS(EXITED) and VM_EXITED.
 */
void rm_engine_vm_exited(struct rm_engine *engine, uint16_t vmid,
			 enum rm_hyp_vm_exit how);

/*
 * Work the real RM does asynchronously (a VM's exit, the end of VM_RESET)
 * is queued as deferred steps.  Run every step queued before this call, in
 * order; steps they queue wait for a later call.
 */
void rm_engine_run_deferred(struct rm_engine *engine);
/* Is deferred work waiting? */
bool rm_engine_has_deferred(struct rm_engine *engine);

/* Introspection for tests: the RM's state of VM @vmid, or -1 if none. */
int rm_engine_vm_state(struct rm_engine *engine, uint16_t vmid);
/* Introspection for tests: number of live memory parcels. */
unsigned int rm_engine_nr_parcels(struct rm_engine *engine);
/* VMIDs allocated, the RM's and the primary's not counted. */
unsigned int rm_engine_nr_vms(struct rm_engine *engine);

#endif /* GUNYAH_EMU_RM_ENGINE_H */
