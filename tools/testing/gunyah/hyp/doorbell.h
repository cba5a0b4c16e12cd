/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Gunyah doorbell object as the hypervisor keeps it, and what its bound
 * vIRQ must do after each call, following quic/gunyah-hypervisor (commit
 * 36ca3a2) hyp/ipc/doorbell/src/doorbell.c:
 *
 *  - send ORs new flags in and returns the old ones; it always asserts the
 *    vIRQ: level-triggered while flags & enable_mask != 0, else edge only;
 *    after a level assertion the ack_mask flags are cleared;
 *  - receive clears flags (0 is ARGUMENT_INVALID) but leaves the vIRQ
 *    asserted: the vGIC asks again when the guest is done with it;
 *  - reset clears the flags and the vIRQ, and restores the masks;
 *  - mask sets enable_mask and ack_mask and (de)asserts accordingly;
 *  - the vGIC asks doorbell_handle_virq_check_pending() whether a level
 *    assertion still holds when the guest has handled the vIRQ: it does
 *    while flags & enable_mask != 0.
 *
 * No KVM here: the caller turns the actions into interrupt lines.
 */
#ifndef GUNYAH_EMU_DOORBELL_H
#define GUNYAH_EMU_DOORBELL_H

#include <stdbool.h>
#include <stdint.h>

struct gh_doorbell {
	uint64_t flags;
	uint64_t enable_mask;
	uint64_t ack_mask;
	/*
	 * The bound vIRQ is asserted: set by every assertion, cleared by a
	 * clear, or when gh_doorbell_check_pending() finds nothing enabled.
	 */
	bool asserted;
};

/* What the bound vIRQ must do after a call. */
enum gh_virq_action {
	GH_VIRQ_NONE,
	GH_VIRQ_ASSERT_EDGE,	/* virq_assert(source, edge_only = true) */
	GH_VIRQ_ASSERT_LEVEL,	/* virq_assert(source, edge_only = false) */
	GH_VIRQ_CLEAR,		/* virq_clear(source) */
};

/* doorbell_handle_object_create_doorbell(): no flags, all enabled. */
void gh_doorbell_init(struct gh_doorbell *db);
/* doorbell_send(): returns the action; the old flags in *@old_flags. */
enum gh_virq_action gh_doorbell_send(struct gh_doorbell *db,
				     uint64_t new_flags, uint64_t *old_flags);
/*
 * doorbell_receive(): false (ARGUMENT_INVALID) for @clear_flags 0.  The
 * vIRQ is left alone.
 */
bool gh_doorbell_receive(struct gh_doorbell *db, uint64_t clear_flags,
			 uint64_t *old_flags);
/* doorbell_reset() */
enum gh_virq_action gh_doorbell_reset(struct gh_doorbell *db);
/* doorbell_mask() */
enum gh_virq_action gh_doorbell_mask(struct gh_doorbell *db,
				     uint64_t enable_mask, uint64_t ack_mask);
/*
 * The guest is done with the vIRQ (doorbell_handle_virq_check_pending()
 * without a reassertion): does the level assertion still hold?
 */
bool gh_doorbell_check_pending(struct gh_doorbell *db);

#endif /* GUNYAH_EMU_DOORBELL_H */
