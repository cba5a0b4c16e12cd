/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What start.S and guest.c of the self-test guest share.
 */
#ifndef GUNYAH_EMU_SELFTEST_GUEST_H
#define GUNYAH_EMU_SELFTEST_GUEST_H

#include <stdint.h>

/* A page of its own, in start.S's .bss, so it can be lent alone. */
extern uint8_t lend_page[4096];
/* Written by start.S's abort handler. */
extern uint64_t abort_count;
extern uint64_t last_esr;

void selftest_main(void);

#endif /* GUNYAH_EMU_SELFTEST_GUEST_H */
