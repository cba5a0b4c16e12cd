// SPDX-License-Identifier: GPL-2.0
/*
 * When vcpu_run must give a busy vCPU's caller back: at the end of the
 * caller's 5 ms time slice, or when the caller's own virtual timer fires,
 * or at once if it has fired already (see run_slice.h for the hypervisor
 * source this follows).
 */
#include "run_slice.h"
#include "tap.h"

#define FREQ	62500000ull	/* QEMU's and many SoCs' 62.5 MHz */
#define MS	1000000ull

int main(void)
{
	const uint64_t on = RUN_SLICE_TIMER_ENABLE;
	const uint64_t masked = on | RUN_SLICE_TIMER_IMASK;
	const uint64_t now = 1000 * FREQ;

	tap_eq(RUN_SLICE_NS, 5 * MS,
	       "the slice is the primary vCPU's 5 ms (SCHEDULER_DEFAULT_TIMESLICE)");
	tap_eq(run_slice_ns(0, 0, now, FREQ), 5 * MS,
	       "timer off: a whole slice");
	tap_eq(run_slice_ns(masked, now + FREQ / 1000, now, FREQ), 5 * MS,
	       "timer masked: it cannot wake the caller, a whole slice");
	tap_eq(run_slice_ns(on, now + FREQ / 1000, now, FREQ), 1 * MS,
	       "timer due in 1 ms: back after 1 ms");
	tap_eq(run_slice_ns(on, now + 1, now, FREQ), 16,
	       "timer due in one tick: rounded up, never early");
	tap_eq(run_slice_ns(on, now + 5 * FREQ / 1000, now, FREQ), 5 * MS,
	       "timer due exactly at the slice's end: the slice");
	tap_eq(run_slice_ns(on, now + 60 * FREQ, now, FREQ), 5 * MS,
	       "timer due in a minute: the slice");
	tap_eq(run_slice_ns(on, UINT64_MAX, now, FREQ), 5 * MS,
	       "timer at the end of time: the slice");
	tap_eq(run_slice_ns(on, now, now, FREQ), 0,
	       "timer due now: wakeup pending, return at once");
	tap_eq(run_slice_ns(on, 5, now, FREQ), 0,
	       "timer long past: return at once");
	tap_eq(run_slice_ns(masked, 5, now, FREQ), 5 * MS,
	       "past but masked: no wakeup");
	tap_eq(run_slice_ns(on, now + 1000, now, 0), 5 * MS,
	       "no counter frequency: fall back to the slice");
	return tap_done();
}
