/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which parts of the primary VM's RAM are missing from its stage 2, read
 * from the process's real memory map rather than from any ledger.
 *
 * The primary's memslot is backed by one host mapping of its RAM, and the
 * emulator takes pages out of the primary's stage 2 by mprotect(PROT_NONE)
 * on that mapping (guest_mem.c); KVM's MMU notifier drops the stage-2
 * entries and every later fault on them fails.  So a page of that mapping
 * the kernel lists in /proc/self/maps as unreadable, or does not list at
 * all, is a page the primary VM cannot reach.
 */
#ifndef GUNYAH_EMU_UNMAPPED_H
#define GUNYAH_EMU_UNMAPPED_H

#include <stdint.h>
#include <stdio.h>

#define UNMAPPED_ERROR	UINT64_MAX

/* Called once per maximal missing range, in ascending order. */
typedef void (*unmapped_fn)(void *arg, uint64_t ipa, uint64_t size);

/*
 * Read @maps (the /proc/PID/maps format) and report every maximal part of
 * the host range [@va, @va + @size), which backs IPAs from @ipa_base, that
 * is not mapped readable, to @fn if not NULL.  Returns the number of bytes missing, or
 * UNMAPPED_ERROR if @maps cannot be parsed (nothing is reported then).
 */
uint64_t unmapped_scan(FILE *maps, uint64_t va, uint64_t size,
		       uint64_t ipa_base, unmapped_fn fn, void *arg);

/*
 * unmapped_scan(), printing one "gunyah-emu: unmapped ipa 0x<hex> size
 * 0x<hex>" line per range to @out.  Returns what unmapped_scan() does.
 */
uint64_t unmapped_print(FILE *maps, uint64_t va, uint64_t size,
			uint64_t ipa_base, FILE *out);

#endif /* GUNYAH_EMU_UNMAPPED_H */
