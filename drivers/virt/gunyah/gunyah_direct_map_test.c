// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for removing pages from the linear map before lending them.
 * They need no hypervisor: only the kernel's own page tables change.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/gunyah.h>
#include <linux/mm.h>
#include <linux/set_memory.h>

static void remove_then_restore(struct kunit *test)
{
	struct page *pages;
	int ret, i;

	pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, pages);

	ret = gunyah_direct_map_remove(pages, 2);
	if (!can_set_direct_map()) {
		/* Refused, and the pages are left as they were */
		KUNIT_EXPECT_EQ(test, ret, -EOPNOTSUPP);
		for (i = 0; i < 2; i++)
			KUNIT_EXPECT_TRUE(test, kernel_page_present(pages + i));
		__free_pages(pages, 1);
		return;
	}

	KUNIT_ASSERT_EQ(test, ret, 0);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_FALSE(test, kernel_page_present(pages + i));

	KUNIT_ASSERT_EQ(test, gunyah_direct_map_restore(pages, 2), 0);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_TRUE(test, kernel_page_present(pages + i));

	/* Mapped and writable again */
	memset(page_address(pages), 0xa5, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(pages + 1))[PAGE_SIZE - 1],
			0xa5);
	__free_pages(pages, 1);
}

static struct kunit_case gunyah_direct_map_cases[] = {
	KUNIT_CASE(remove_then_restore),
	{}
};

static struct kunit_suite gunyah_direct_map_suite = {
	.name = "gunyah_direct_map",
	.test_cases = gunyah_direct_map_cases,
};

kunit_test_suite(gunyah_direct_map_suite);

MODULE_DESCRIPTION("KUnit tests for Gunyah lent-page unmapping");
MODULE_LICENSE("GPL");
