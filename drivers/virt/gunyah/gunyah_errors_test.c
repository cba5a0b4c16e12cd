// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Gunyah error code tables.
 */

#include <kunit/test.h>
#include <linux/gunyah.h>
#include <linux/gunyah_rsc_mgr.h>

#include "rsc_mgr.h"

/* Codes as they arrive in x0: 64-bit, negative ones sign-extended */
static void hyp_errors_from_registers(struct kunit *test)
{
	static const struct {
		u64 x0;
		int errno;
	} cases[] = {
		{ 0, 0 },
		{ (u64)-1, -EOPNOTSUPP },	/* UNIMPLEMENTED */
		{ (u64)-2, -EAGAIN },		/* RETRY */
		{ 1, -EINVAL },			/* ARGUMENT_INVALID */
		{ 10, -ENOMEM },
		{ 30, -EPERM },			/* DENIED */
		{ 31, -EBUSY },
		{ 53, -EACCES },		/* CSPACE_INSUFFICIENT_RIGHTS */
		{ 60, -EAGAIN },		/* MSGQUEUE_EMPTY */
		{ 61, -EAGAIN },		/* MSGQUEUE_FULL */
		{ 200, -EEXIST },		/* EXISTING_MAPPING */
		{ 4242, -EINVAL },		/* unknown: never success */
		{ (u64)-3, -EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    gunyah_error_remap((enum gunyah_error)cases[i].x0),
				    cases[i].errno, "x0 = %#llx", cases[i].x0);
}

static void rm_errors_cover_every_code(struct kunit *test)
{
	u32 code;

	KUNIT_EXPECT_EQ(test, gunyah_rm_error_remap(GUNYAH_RM_ERROR_OK), 0);
	/* Every defined failure maps to an errno, never to success */
	for (code = GUNYAH_RM_ERROR_NOMEM; code <= GUNYAH_RM_ERROR_VM_STATE; code++)
		KUNIT_EXPECT_LT_MSG(test, gunyah_rm_error_remap(code), 0,
				    "RM error %#x", code);
	KUNIT_EXPECT_EQ(test, gunyah_rm_error_remap(GUNYAH_RM_ERROR_UNIMPLEMENTED),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, gunyah_rm_error_remap(GUNYAH_RM_ERROR_VM_STATE + 1),
			-EINVAL);
}

/*
 * An RM error reply is a definite refusal: the request was not applied.
 * None may map to an errno the RPC core uses for a lost, unreadable or half
 * sent request, or a refused lend would be taken for one that may have been
 * applied (and its pages leaked), or worse, the other way round.
 */
static void rm_errors_are_never_transport_errors(struct kunit *test)
{
	u32 code;
	int err;

	for (code = GUNYAH_RM_ERROR_NOMEM; code <= GUNYAH_RM_ERROR_VM_STATE + 1; code++) {
		err = gunyah_rm_error_remap(code);
		KUNIT_EXPECT_FALSE_MSG(test, gunyah_rm_outcome_unknown(err),
				       "RM error %#x -> %d", code, err);
		KUNIT_EXPECT_NE_MSG(test, err, -ECOMM, "RM error %#x", code);
	}
	err = gunyah_rm_error_remap(GUNYAH_RM_ERROR_UNIMPLEMENTED);
	KUNIT_EXPECT_FALSE(test, gunyah_rm_outcome_unknown(err));

	KUNIT_EXPECT_TRUE(test, gunyah_rm_outcome_unknown(-ETIMEDOUT));
	KUNIT_EXPECT_TRUE(test, gunyah_rm_outcome_unknown(-EBADMSG));
	KUNIT_EXPECT_TRUE(test, gunyah_rm_outcome_unknown(-EIO));
	KUNIT_EXPECT_FALSE(test, gunyah_rm_outcome_unknown(-ECOMM));
}

static struct kunit_case gunyah_errors_cases[] = {
	KUNIT_CASE(hyp_errors_from_registers),
	KUNIT_CASE(rm_errors_cover_every_code),
	KUNIT_CASE(rm_errors_are_never_transport_errors),
	{}
};

static struct kunit_suite gunyah_errors_suite = {
	.name = "gunyah_errors",
	.test_cases = gunyah_errors_cases,
};

kunit_test_suite(gunyah_errors_suite);

MODULE_DESCRIPTION("KUnit tests for Gunyah error code translation");
MODULE_LICENSE("GPL");
