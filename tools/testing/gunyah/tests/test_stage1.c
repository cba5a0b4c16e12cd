// SPDX-License-Identifier: GPL-2.0
/*
 * Stage-1 table walker against page tables built by hand.
 */
#include <string.h>

#include "stage1.h"
#include "tap.h"

#define MEM_BASE	0x40000000ull
#define MEM_SIZE	(64 * 4096)

static uint64_t mem[MEM_SIZE / 8];

static int read_desc(void *ctx, uint64_t ipa, uint64_t *desc)
{
	if (ipa < MEM_BASE || ipa + 8 > MEM_BASE + MEM_SIZE)
		return -1;
	*desc = mem[(ipa - MEM_BASE) / 8];
	return 0;
}

static uint64_t table(unsigned int n)
{
	return MEM_BASE + n * 4096ull;
}

static void set(unsigned int tbl, unsigned int index, uint64_t desc)
{
	mem[tbl * 512 + index] = desc;
}

#define TABLE_DESC(n)	(table(n) | 3)
#define PAGE_DESC(pa)	((pa) | 3 | (1 << 10))
#define BLOCK_DESC(pa)	((pa) | 1 | (1 << 10))
#define AP_RO		BIT_ULL(7)
#define APTABLE_RO	BIT_ULL(62)

static enum stage1_result walk(struct stage1_regs *r, uint64_t va, bool write,
			       uint64_t *ipa)
{
	*ipa = ~0ull;
	return stage1_translate(r, va, write, read_desc, NULL, ipa);
}

int main(void)
{
	/* 48-bit VAs both halves, 4K granules, TBI0 */
	struct stage1_regs r = {
		.sctlr = 1,
		.tcr = 16 | (16ull << 16) | (2ull << 30) | (1ull << 37),
		.ttbr0 = table(0),
		.ttbr1 = table(10),
	};
	uint64_t va = 0x0000123456789abcull, ipa;

	tap_eq(walk(&(struct stage1_regs){ .sctlr = 0 }, 0x1234, false, &ipa),
	       STAGE1_OK, "MMU off translates");
	tap_eq(ipa, 0x1234, "MMU off: VA == IPA");

	/* 4-level walk for va */
	set(0, (va >> 39) & 511, TABLE_DESC(1));
	set(1, (va >> 30) & 511, TABLE_DESC(2));
	set(2, (va >> 21) & 511, TABLE_DESC(3));
	set(3, (va >> 12) & 511, PAGE_DESC(0x80007000ull));
	tap_eq(walk(&r, va, false, &ipa), STAGE1_OK, "4-level walk");
	tap_eq(ipa, 0x80007abcull, "keeps the page offset");
	tap_eq(walk(&r, va, true, &ipa), STAGE1_OK, "writable page");
	tap_eq(walk(&r, va + 0x1000, false, &ipa), STAGE1_FAULT,
	       "an invalid page descriptor faults");
	tap_eq(walk(&r, va | (0x5aull << 56), false, &ipa), STAGE1_OK,
	       "a tagged pointer with TBI0");
	r.tcr &= ~(1ull << 37);
	tap_eq(walk(&r, va | (0x5aull << 56), false, &ipa), STAGE1_FAULT,
	       "a tagged pointer without TBI0 faults");
	tap_eq(walk(&r, 0x0001000000000000ull, false, &ipa), STAGE1_FAULT,
	       "a VA above the TTBR0 range faults");

	set(3, (va >> 12) & 511, PAGE_DESC(0x80007000ull) | AP_RO);
	tap_eq(walk(&r, va, false, &ipa), STAGE1_OK, "a read-only page reads");
	tap_eq(walk(&r, va, true, &ipa), STAGE1_FAULT,
	       "a read-only page faults on write");
	set(3, (va >> 12) & 511, PAGE_DESC(0x80007000ull));
	set(1, (va >> 30) & 511, TABLE_DESC(2) | APTABLE_RO);
	tap_eq(walk(&r, va, true, &ipa), STAGE1_FAULT,
	       "APTable read-only faults on write");
	set(1, (va >> 30) & 511, TABLE_DESC(2));

	/* TTBR1: a 2 MiB block at level 2 */
	va = 0xffff000012345678ull;
	set(10, (va >> 39) & 511, TABLE_DESC(11));
	set(11, (va >> 30) & 511, TABLE_DESC(12));
	set(12, (va >> 21) & 511, BLOCK_DESC(0x40200000ull));
	tap_eq(walk(&r, va, false, &ipa), STAGE1_OK, "TTBR1 block walk");
	tap_eq(ipa, 0x40200000ull | (va & 0x1fffff), "2 MiB block offset");
	tap_eq(walk(&r, 0xfffe000012345678ull, false, &ipa), STAGE1_FAULT,
	       "a VA below the TTBR1 range faults");
	set(11, (va >> 30) & 511, BLOCK_DESC(0x80000000ull));
	tap_eq(walk(&r, va, false, &ipa), STAGE1_OK, "a 1 GiB block");
	tap_eq(ipa, 0x80000000ull | (va & 0x3fffffff), "1 GiB block offset");
	set(10, (va >> 39) & 511, BLOCK_DESC(0));
	tap_eq(walk(&r, va, false, &ipa), STAGE1_FAULT,
	       "a level-0 block faults");
	set(10, (va >> 39) & 511, 0x7000000000003ull);
	tap_eq(walk(&r, va, false, &ipa), STAGE1_WALK_ABORT,
	       "a table outside memory aborts the walk");

	r.tcr |= 1ull << 23;
	tap_eq(walk(&r, va, false, &ipa), STAGE1_FAULT, "EPD1 faults");
	r.tcr &= ~(1ull << 23);
	r.tcr |= 1ull << 7;
	tap_eq(walk(&r, 0x1000, false, &ipa), STAGE1_FAULT, "EPD0 faults");
	r.tcr &= ~(1ull << 7);
	r.tcr |= 1ull << 14;	/* TG0 = 64K */
	tap_eq(walk(&r, 0x1000, false, &ipa), STAGE1_UNSUPPORTED,
	       "a 64K granule is unsupported");

	/* 39-bit VAs: a 3-level walk starting at level 1 */
	memset(mem, 0, sizeof(mem));
	r.tcr = 25;
	va = 0x0000004512345000ull;
	set(20, (va >> 30) & 511, TABLE_DESC(21));
	set(21, (va >> 21) & 511, TABLE_DESC(22));
	set(22, (va >> 12) & 511, PAGE_DESC(0x90000000ull));
	r.ttbr0 = table(20);
	tap_eq(walk(&r, va + 0x10, false, &ipa), STAGE1_OK, "3-level walk");
	tap_eq(ipa, 0x90000010ull, "3-level result");
	tap_eq(walk(&r, 1ull << 39, false, &ipa), STAGE1_FAULT,
	       "a VA past 39 bits faults");

	/*
	 * FEAT_LPA2, as Linux uses it with ARM64_VA_BITS_52: TCR.DS,
	 * T1SZ = 12, a 16-entry level -1 table, BADDR[51:48] in TTBR[5:2]
	 * and OA[51:50] in descriptor bits [9:8].
	 */
	memset(mem, 0, sizeof(mem));
	r.tcr = 12 | (12ull << 16) | (2ull << 30) | (1ull << 59);
	r.ttbr1 = table(30) | (1ull << 48);	/* ASID bit: ignored */
	va = 0xfff1234567890abcull;
	set(30, (va >> 48) & 15, TABLE_DESC(31));
	set(31, (va >> 39) & 511, TABLE_DESC(32));
	set(32, (va >> 30) & 511, TABLE_DESC(33));
	set(33, (va >> 21) & 511, TABLE_DESC(34));
	set(34, (va >> 12) & 511, PAGE_DESC(0x0001234567000ull) | (3 << 8));
	tap_eq(walk(&r, va, false, &ipa), STAGE1_OK, "LPA2: 5-level walk");
	tap_eq(ipa, 0xc001234567abcull, "LPA2: OA[51:50] from bits 9:8");
	tap_eq(walk(&r, 0xffe1234567890abcull, false, &ipa), STAGE1_FAULT,
	       "LPA2: bit 52 clear in a TTBR1 address faults");
	set(31, (va >> 39) & 511, BLOCK_DESC(0x8000000000ull));
	tap_eq(walk(&r, va, false, &ipa), STAGE1_OK, "LPA2: a level-0 block");
	tap_eq(ipa, 0x8000000000ull | (va & ((1ull << 39) - 1)),
	       "LPA2: 512 GiB block offset");
	r.ttbr1 = table(30) | (1ull << 2);	/* BADDR[48] set: no such table */
	tap_eq(walk(&r, va, false, &ipa), STAGE1_WALK_ABORT,
	       "LPA2: TTBR bits 5:2 are BADDR[51:48]");
	return tap_done();
}
