// SPDX-License-Identifier: GPL-2.0
/*
 * AArch64 stage-1 table walk for the 4 KiB granule (Arm ARM D8.2, D8.3),
 * including FEAT_LPA2 (TCR_EL1.DS = 1: 52-bit VAs with a level -1 table,
 * OA[51:50] in descriptor bits [9:8], BADDR[51:48] in TTBR bits [5:2]),
 * which Linux uses when built with ARM64_VA_BITS_52 on a CPU that has it.
 */
#include "kernel_compat.h"
#include "stage1.h"

#define SCTLR_M			BIT_ULL(0)
#define TCR_T0SZ(tcr)		((int)((tcr) & 0x3f))
#define TCR_EPD0		BIT_ULL(7)
#define TCR_TG0(tcr)		((unsigned int)(((tcr) >> 14) & 3))
#define TCR_T1SZ(tcr)		((int)(((tcr) >> 16) & 0x3f))
#define TCR_EPD1		BIT_ULL(23)
#define TCR_TG1(tcr)		((unsigned int)(((tcr) >> 30) & 3))
#define TCR_TBI0		BIT_ULL(37)
#define TCR_TBI1		BIT_ULL(38)
#define TCR_DS			BIT_ULL(59)
#define TG0_4K			0u
#define TG1_4K			2u

#define DESC_VALID		BIT_ULL(0)
#define DESC_TABLE		BIT_ULL(1)
#define DESC_AP_RO		BIT_ULL(7)	/* AP[2]: read-only */
#define DESC_APTABLE_RO		BIT_ULL(62)	/* APTable[1]: no writes below */
#define DESC_OA_48		0x0000fffffffff000ull
#define DESC_OA_50		0x0003fffffffff000ull
#define PAGE_SHIFT		12
#define BITS_PER_LEVEL		9

/* The output address of a descriptor (table, block or page). */
static uint64_t desc_address(uint64_t desc, bool ds)
{
	if (!ds)
		return desc & DESC_OA_48;
	return (desc & DESC_OA_50) | (((desc >> 8) & 3) << 50);
}

static uint64_t ttbr_address(uint64_t ttbr, bool ds)
{
	if (!ds)
		return ttbr & 0x0000fffffffffffeull;
	return (ttbr & 0x0000ffffffffffc0ull) | (((ttbr >> 2) & 0xf) << 48);
}

enum stage1_result stage1_translate(const struct stage1_regs *regs,
				    uint64_t va, bool write,
				    stage1_read_fn read, void *ctx,
				    uint64_t *ipa)
{
	bool upper = (va >> 55) & 1, ds = regs->tcr & TCR_DS;
	int tsz, ia_bits, levels, level, top;
	uint64_t table, desc, entries, index;
	bool read_only = false;

	if (!(regs->sctlr & SCTLR_M)) {
		*ipa = va;
		return STAGE1_OK;
	}
	if (upper) {
		if (regs->tcr & TCR_EPD1)
			return STAGE1_FAULT;
		if (TCR_TG1(regs->tcr) != TG1_4K)
			return STAGE1_UNSUPPORTED;
		tsz = TCR_T1SZ(regs->tcr);
		table = regs->ttbr1;
	} else {
		if (regs->tcr & TCR_EPD0)
			return STAGE1_FAULT;
		if (TCR_TG0(regs->tcr) != TG0_4K)
			return STAGE1_UNSUPPORTED;
		tsz = TCR_T0SZ(regs->tcr);
		table = regs->ttbr0;
	}
	/* Out-of-range TxSZ values behave as the nearest supported one. */
	if (tsz < (ds ? 12 : 16))
		tsz = ds ? 12 : 16;
	if (tsz > 48)
		tsz = 48;
	ia_bits = 64 - tsz;

	/* Every bit above the input range must equal bit 55 (TBI aside). */
	top = (regs->tcr & (upper ? TCR_TBI1 : TCR_TBI0)) ? 56 : 64;
	if (top > ia_bits) {
		uint64_t mask = (top == 64 ? ~0ull : (1ull << top) - 1) &
				~((1ull << ia_bits) - 1);

		if ((va & mask) != (upper ? mask : 0))
			return STAGE1_FAULT;
	}

	levels = (ia_bits - PAGE_SHIFT + BITS_PER_LEVEL - 1) / BITS_PER_LEVEL;
	level = 4 - levels;	/* -1 for 52-bit inputs */
	entries = 1ull << (ia_bits - PAGE_SHIFT -
			   BITS_PER_LEVEL * (levels - 1));
	table = ttbr_address(table, ds) & ~(entries * 8 - 1);

	for (;; level++) {
		int shift = PAGE_SHIFT + BITS_PER_LEVEL * (3 - level);

		index = (va >> shift) & (entries - 1);
		if (read(ctx, table + index * 8, &desc))
			return STAGE1_WALK_ABORT;
		if (!(desc & DESC_VALID))
			return STAGE1_FAULT;
		if (level == 3 || !(desc & DESC_TABLE)) {
			uint64_t offset_mask = (1ull << shift) - 1;
			/* Blocks at levels 1 and 2; level 0 too with LPA2. */
			int first_block_level = ds ? 0 : 1;

			if (level == 3 ? !(desc & DESC_TABLE) :
					 level < first_block_level)
				return STAGE1_FAULT;
			if (write && (read_only || (desc & DESC_AP_RO)))
				return STAGE1_FAULT;
			*ipa = (desc_address(desc, ds) & ~offset_mask) |
			       (va & offset_mask);
			return STAGE1_OK;
		}
		if (desc & DESC_APTABLE_RO)
			read_only = true;
		table = desc_address(desc, ds);
		entries = 1ull << BITS_PER_LEVEL;
	}
}
