/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long one vcpu_run may keep a busy proxy-scheduled vCPU before it
 * returns "ready" to its caller, as on quic/gunyah-hypervisor 36ca3a2.
 *
 * hypercall_vcpu_run() (hyp/vm/vcpu_run/src/vcpu_run.c:130-157) unblocks
 * the vCPU and makes a directed yield to it, scheduler_yield_to()
 * (hyp/core/scheduler_fprr/src/scheduler_fprr.c:668-720); it returns READY
 * as soon as the caller runs again while the vCPU is still runnable.  The
 * yield ends, and the caller runs again, when:
 *
 *  - the caller's time slice expires: set_next_timeout() (:449-471) arms
 *    the scheduler timer while the caller is yielding, and
 *    update_timeslice() (:101-120) then ends the yield.  The RM gives the
 *    primary VM's vCPUs SCHEDULER_DEFAULT_TIMESLICE, 5 ms, at priority 32
 *    (src/vm_creation/hlos_vm.c:40-41, :387-394), and proxy-scheduled
 *    vCPUs priority 0 (src/vm_config/vm_config.c:2911-2914), so the
 *    secondary vCPU, also queued, never wins over its caller;
 *  - the caller gets a wakeup, e.g. an interrupt: vcpu_wakeup() ends the
 *    yield at once (scheduler_fprr_handle_vcpu_wakeup(), :333-367).  Its
 *    own virtual timer counts: a yielding vCPU "expects a wakeup"
 *    (:369-375), so arm_vm_timer_handle_thread_context_switch_pre()
 *    (hyp/vm/arm_vm_timer/src/arm_vm_timer_thread.c:80-99) queues a
 *    hypervisor timer for it when its timer is enabled and unmasked;
 *  - a wakeup is pending already when vcpu_run starts: the yield is
 *    skipped (scheduler_fprr.c:686-692) and vcpu_run returns READY at once.
 *
 * So a guest that spins keeps its caller for at most one time slice; the
 * hypervisor never keeps the caller for ever.
 */
#ifndef GUNYAH_EMU_RUN_SLICE_H
#define GUNYAH_EMU_RUN_SLICE_H

#include <stdint.h>

/* hyp/core/scheduler_fprr/scheduler_fprr.tc SCHEDULER_DEFAULT_TIMESLICE */
#define RUN_SLICE_NS		5000000ull

/* CNTV_CTL_EL0 */
#define RUN_SLICE_TIMER_ENABLE	1ull
#define RUN_SLICE_TIMER_IMASK	2ull

/*
 * The longest the caller may stay in vcpu_run, in nanoseconds, given its
 * virtual timer: CNTV_CTL_EL0 @ctl, CNTV_CVAL_EL0 @cval, the virtual count
 * now @cnt, at @freq Hz.  0 means a wakeup is pending now: return READY
 * without running the vCPU.
 */
uint64_t run_slice_ns(uint64_t ctl, uint64_t cval, uint64_t cnt,
		      uint64_t freq);

#endif /* GUNYAH_EMU_RUN_SLICE_H */
