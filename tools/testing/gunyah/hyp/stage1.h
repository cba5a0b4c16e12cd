/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AArch64 EL1&0 stage-1 translation, done in software so the emulator can
 * read and write hypercall buffers given by guest virtual address, as the
 * real hypervisor does with AT S12E1R/W (hyp/mem/useraccess).
 *
 * Only the 4 KiB translation granule is supported.
 */
#ifndef GUNYAH_EMU_STAGE1_H
#define GUNYAH_EMU_STAGE1_H

#include <stdbool.h>
#include <stdint.h>

struct stage1_regs {
	uint64_t sctlr;
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t ttbr1;
};

enum stage1_result {
	STAGE1_OK,
	STAGE1_FAULT,		/* translation or permission fault */
	STAGE1_UNSUPPORTED,	/* a granule other than 4 KiB */
	STAGE1_WALK_ABORT,	/* a table lies outside mapped guest memory */
};

/* Read a 64-bit descriptor at guest physical @ipa; 0 on success. */
typedef int (*stage1_read_fn)(void *ctx, uint64_t ipa, uint64_t *desc);

enum stage1_result stage1_translate(const struct stage1_regs *regs,
				    uint64_t va, bool write,
				    stage1_read_fn read, void *ctx,
				    uint64_t *ipa);

#endif /* GUNYAH_EMU_STAGE1_H */
