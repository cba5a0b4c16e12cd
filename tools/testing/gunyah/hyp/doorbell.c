// SPDX-License-Identifier: GPL-2.0
/*
 * The doorbell object's state machine; see doorbell.h.
 */
#include "doorbell.h"

void gh_doorbell_init(struct gh_doorbell *db)
{
	db->flags = 0;
	db->ack_mask = 0;
	db->enable_mask = ~db->ack_mask;
	db->asserted = false;
}

enum gh_virq_action gh_doorbell_send(struct gh_doorbell *db,
				     uint64_t new_flags, uint64_t *old_flags)
{
	bool edge_only;

	*old_flags = db->flags;
	db->flags |= new_flags;
	/* Level-triggered if there are flags enabled; else edge only. */
	edge_only = !(db->flags & db->enable_mask);
	db->asserted = true;
	if (edge_only)
		return GH_VIRQ_ASSERT_EDGE;
	/* A level assertion clears the flags it acknowledges. */
	db->flags &= ~db->ack_mask;
	return GH_VIRQ_ASSERT_LEVEL;
}

bool gh_doorbell_receive(struct gh_doorbell *db, uint64_t clear_flags,
			 uint64_t *old_flags)
{
	*old_flags = 0;
	if (!clear_flags)
		return false;
	*old_flags = db->flags;
	db->flags &= ~clear_flags;
	return true;
}

enum gh_virq_action gh_doorbell_reset(struct gh_doorbell *db)
{
	gh_doorbell_init(db);
	return GH_VIRQ_CLEAR;
}

enum gh_virq_action gh_doorbell_mask(struct gh_doorbell *db,
				     uint64_t enable_mask, uint64_t ack_mask)
{
	bool was_asserted = db->flags & db->enable_mask;
	bool now_asserted = db->flags & enable_mask;

	db->enable_mask = enable_mask;
	db->ack_mask = ack_mask;
	if (was_asserted && !now_asserted) {
		/* The new mask disables every flag that is set. */
		db->asserted = false;
		return GH_VIRQ_CLEAR;
	}
	if (!now_asserted)
		return GH_VIRQ_NONE;
	db->flags &= ~db->ack_mask;
	if (was_asserted)
		return GH_VIRQ_NONE;
	/* The new mask enables flags that are set already. */
	db->asserted = true;
	return GH_VIRQ_ASSERT_LEVEL;
}

bool gh_doorbell_check_pending(struct gh_doorbell *db)
{
	db->asserted = db->flags & db->enable_mask;
	return db->asserted;
}
