// SPDX-License-Identifier: GPL-2.0
/*
 * The doorbell object's state machine, one rule of
 * hyp/ipc/doorbell/src/doorbell.c (quic/gunyah-hypervisor 36ca3a2) at a
 * time.
 */
#include "doorbell.h"
#include "tap.h"

static struct gh_doorbell db;

static void fresh(void)
{
	gh_doorbell_init(&db);
}

/* doorbell_handle_object_create_doorbell() */
static void test_init(void)
{
	db = (struct gh_doorbell){ .flags = 5, .ack_mask = 1, .asserted = 1 };
	gh_doorbell_init(&db);
	tap_ok(db.flags == 0 && db.ack_mask == 0 &&
	       db.enable_mask == ~0ull && !db.asserted,
	       "a new doorbell: no flags, every flag enabled, none acked");
}

static void test_send(void)
{
	uint64_t old;

	fresh();
	gh_doorbell_send(&db, 0x5, &old);
	tap_eq(old, 0, "send returns the old flags: none");
	gh_doorbell_send(&db, 0x12, &old);
	tap_eq(old, 0x5, "send returns the old flags");
	tap_eq(db.flags, 0x17, "send ORs the new flags in");

	fresh();
	tap_eq(gh_doorbell_send(&db, 0x1, &old), GH_VIRQ_ASSERT_LEVEL,
	       "send with an enabled flag set asserts level-triggered");
	tap_ok(db.asserted, "and the vIRQ is asserted");

	fresh();
	gh_doorbell_mask(&db, 0x1, 0);
	tap_eq(gh_doorbell_send(&db, 0x2, &old), GH_VIRQ_ASSERT_EDGE,
	       "send with no enabled flag set asserts edge only");
	tap_ok(db.asserted, "which asserts the vIRQ too");

	fresh();
	tap_eq(gh_doorbell_send(&db, 0, &old), GH_VIRQ_ASSERT_EDGE,
	       "send of no flags to an empty doorbell still asserts, edge only");
	tap_eq(db.flags, 0, "and sets nothing");

	fresh();
	gh_doorbell_send(&db, 0x1, &old);
	tap_eq(gh_doorbell_send(&db, 0, &old), GH_VIRQ_ASSERT_LEVEL,
	       "send of no flags while enabled flags are set asserts level");
}

/* Automatically clear ack_mask flags if there was a level assertion. */
static void test_send_ack(void)
{
	uint64_t old;

	fresh();
	gh_doorbell_mask(&db, ~0ull, 0x3);
	gh_doorbell_send(&db, 0x6, &old);
	tap_eq(db.flags, 0x4, "a level assertion clears the ack_mask flags");
	gh_doorbell_send(&db, 0x1, &old);
	tap_eq(old, 0x4, "and the next send sees them cleared");

	fresh();
	gh_doorbell_mask(&db, 0x1, 0x2);
	tap_eq(gh_doorbell_send(&db, 0x2, &old), GH_VIRQ_ASSERT_EDGE,
	       "an acked but disabled flag asserts edge only");
	tap_eq(db.flags, 0x2, "and an edge-only assertion clears nothing");
}

static void test_receive(void)
{
	uint64_t old;

	fresh();
	gh_doorbell_send(&db, 0x7, &old);
	tap_ok(!gh_doorbell_receive(&db, 0, &old) && db.flags == 0x7,
	       "receive of no flags is ARGUMENT_INVALID and changes nothing");
	tap_ok(gh_doorbell_receive(&db, 0x5, &old), "receive of flags");
	tap_eq(old, 0x7, "returns the old flags");
	tap_eq(db.flags, 0x2, "and clears those it was given");
	gh_doorbell_receive(&db, 0x2, &old);
	tap_ok(db.flags == 0 && db.asserted,
	       "receive clears the last flag but does not deassert the vIRQ");
}

static void test_reset(void)
{
	uint64_t old;

	fresh();
	gh_doorbell_mask(&db, 0x3, 0x1);
	gh_doorbell_send(&db, 0x6, &old);
	tap_eq(gh_doorbell_reset(&db), GH_VIRQ_CLEAR,
	       "reset clears the vIRQ");
	tap_ok(db.flags == 0 && db.enable_mask == ~0ull && db.ack_mask == 0 &&
	       !db.asserted,
	       "and clears the flags and restores the masks");
}

static void test_mask(void)
{
	uint64_t old;

	fresh();
	gh_doorbell_send(&db, 0x1, &old);
	tap_eq(gh_doorbell_mask(&db, 0x2, 0), GH_VIRQ_CLEAR,
	       "mask disabling every set flag deasserts");
	tap_ok(db.flags == 0x1 && db.enable_mask == 0x2 && !db.asserted,
	       "and keeps the flags");

	fresh();
	gh_doorbell_mask(&db, 0x2, 0);
	gh_doorbell_send(&db, 0x1, &old);
	tap_eq(gh_doorbell_mask(&db, 0x1, 0x1), GH_VIRQ_ASSERT_LEVEL,
	       "mask enabling a set flag asserts level-triggered");
	tap_eq(db.flags, 0, "and clears the newly acked flags");

	fresh();
	gh_doorbell_send(&db, 0x3, &old);
	tap_eq(gh_doorbell_mask(&db, 0x1, 0x2), GH_VIRQ_NONE,
	       "mask keeping a set flag enabled leaves the vIRQ");
	tap_eq(db.flags, 0x1, "but clears the newly acked flags");

	fresh();
	gh_doorbell_mask(&db, 0x1, 0);
	gh_doorbell_send(&db, 0x2, &old);
	tap_eq(gh_doorbell_mask(&db, 0x4, 0x2), GH_VIRQ_NONE,
	       "mask with nothing enabled before or after does nothing");
	tap_ok(db.flags == 0x2 && db.enable_mask == 0x4 && db.ack_mask == 0x2,
	       "but the new masks, without clearing acked flags");
}

/* doorbell_handle_virq_check_pending(), reasserted = false */
static void test_check_pending(void)
{
	uint64_t old;

	fresh();
	gh_doorbell_send(&db, 0x1, &old);
	tap_ok(gh_doorbell_check_pending(&db) && db.asserted,
	       "an enabled flag still set keeps the level assertion");
	gh_doorbell_receive(&db, 0x1, &old);
	tap_ok(!gh_doorbell_check_pending(&db) && !db.asserted,
	       "once received, the guest's EOI ends it");

	fresh();
	gh_doorbell_mask(&db, ~0ull, ~0ull);
	gh_doorbell_send(&db, 0x1, &old);
	tap_ok(!gh_doorbell_check_pending(&db),
	       "an acked send is delivered once");

	fresh();
	gh_doorbell_mask(&db, 0x1, 0);
	gh_doorbell_send(&db, 0x2, &old);
	tap_ok(!gh_doorbell_check_pending(&db) && !db.asserted,
	       "an edge-only assertion ends with the guest's EOI");
}

int main(void)
{
	test_init();
	test_send();
	test_send_ack();
	test_receive();
	test_reset();
	test_mask();
	test_check_pending();
	return tap_done();
}
