/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What start.S and guest.c of the self-test guest share.
 */
#ifndef GUNYAH_EMU_SELFTEST_GUEST_H
#define GUNYAH_EMU_SELFTEST_GUEST_H

#include <stdint.h>

/* A page of its own, in start.S's .bss, so it can be lent alone. */
extern uint8_t lend_page[4096];
/* Two pages of their own: the secondary VM's image and config DT. */
extern uint8_t vm_image[8192];
/* The secondary VMs' programs, in start.S. */
extern const uint8_t secondary_prog[];
extern const uint8_t secondary_prog_end[];
extern const uint8_t smp_prog[];
extern const uint8_t smp_prog_end[];
extern const uint8_t spin_prog[];
extern const uint8_t spin_prog_end[];
/* The second vCPU's entry point, in start.S, and what it runs. */
extern const uint8_t cpu1_entry[];
void cpu1_main(void);
/* Written by start.S's abort handler. */
extern uint64_t abort_count;
extern uint64_t last_esr;

void selftest_main(void);

#endif /* GUNYAH_EMU_SELFTEST_GUEST_H */
