// SPDX-License-Identifier: GPL-2.0-only
/*
 * Keeping lent memory out of the kernel's reach.
 *
 * Once a page is lent to another VM the hypervisor removes it from our
 * stage 2; any access through the kernel's linear map (speculative ones
 * included) becomes a synchronous external abort. The v17 Gunyah series
 * therefore invalidated lent folios in the direct map and flushed the TLB
 * before lending, and restored them only after a successful reclaim. Built-in
 * code may call set_direct_map_*_noflush(), which are not exported to
 * modules.
 */

#include <linux/gunyah.h>
#include <linux/mm.h>
#include <linux/set_memory.h>
#include <asm/tlbflush.h>

static void gunyah_direct_map_flush(struct page *page, unsigned int nr_pages)
{
	unsigned long addr = (unsigned long)page_address(page);

	flush_tlb_kernel_range(addr, addr + nr_pages * PAGE_SIZE);
}

/**
 * gunyah_direct_map_remove() - unmap pages from the linear map before lending
 * @page: first page (pages must be physically contiguous)
 * @nr_pages: how many
 *
 * Return: 0; -EOPNOTSUPP if the linear map is not page-granular (arm64
 * needs rodata=full, CONFIG_RODATA_FULL_DEFAULT_ENABLED), because the pages
 * would then stay reachable; or the error of the page table update, with
 * every page left mapped.
 */
int gunyah_direct_map_remove(struct page *page, unsigned int nr_pages)
{
	unsigned int i;
	int ret;

	/* set_direct_map_invalid_noflush() silently does nothing otherwise */
	if (!can_set_direct_map())
		return -EOPNOTSUPP;

	for (i = 0; i < nr_pages; i++) {
		ret = set_direct_map_invalid_noflush(page + i);
		if (ret)
			goto err_restore;
	}
	gunyah_direct_map_flush(page, nr_pages);

	return 0;

err_restore:
	while (i--)
		set_direct_map_default_noflush(page + i);
	gunyah_direct_map_flush(page, nr_pages);
	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_direct_map_remove);

/**
 * gunyah_direct_map_restore() - map pages again after a successful reclaim
 * @page: first page
 * @nr_pages: how many
 *
 * Return: 0 or the error of the page table update.
 */
int gunyah_direct_map_restore(struct page *page, unsigned int nr_pages)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr_pages; i++) {
		ret = set_direct_map_default_noflush(page + i);
		if (ret)
			break;
	}
	gunyah_direct_map_flush(page, nr_pages);

	return ret;
}
EXPORT_SYMBOL_GPL(gunyah_direct_map_restore);
