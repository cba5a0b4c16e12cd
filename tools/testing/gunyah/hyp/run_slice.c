// SPDX-License-Identifier: GPL-2.0
/*
 * How long one vcpu_run may keep a busy vCPU; see run_slice.h.
 */
#include "run_slice.h"

/* arm_vm_timer_is_irq_enabled_thread(): enabled and not masked */
static int timer_can_wake(uint64_t ctl)
{
	return (ctl & (RUN_SLICE_TIMER_ENABLE | RUN_SLICE_TIMER_IMASK)) ==
	       RUN_SLICE_TIMER_ENABLE;
}

uint64_t run_slice_ns(uint64_t ctl, uint64_t cval, uint64_t cnt,
		      uint64_t freq)
{
	uint64_t slice_ticks;

	if (!timer_can_wake(ctl) || !freq)
		return RUN_SLICE_NS;
	/* Already fired: the caller has a wakeup pending. */
	if (cval <= cnt)
		return 0;
	/* Compare in ticks: no overflow for any real frequency. */
	slice_ticks = RUN_SLICE_NS * freq / 1000000000ull;
	if (cval - cnt >= slice_ticks)
		return RUN_SLICE_NS;
	/* Round up: ending before the timer fires would be too early. */
	return ((cval - cnt) * 1000000000ull + freq - 1) / freq;
}
