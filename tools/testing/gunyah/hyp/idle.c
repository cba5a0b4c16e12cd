// SPDX-License-Identifier: GPL-2.0
/*
 * Idle secondary vCPUs: "expects wakeup" and the wakeup vIRQ.
 *
 * On the real hypervisor (quic/gunyah-hypervisor 36ca3a2) a proxy-scheduled
 * vCPU that executes WFI blocks; the vcpu_run that ran it returns at once
 * with VCPU_RUN_STATE_EXPECTS_WAKEUP (vcpu_arch_handle_vcpu_run_check() of
 * hyp/vm/vcpu), and when the vCPU, not being run, becomes runnable again -
 * an interrupt, its timer, PSCI CPU_ON, or the VM being killed -
 * vcpu_run_trigger_virq() asserts its wakeup vIRQ in the owner
 * (hyp/vm/vcpu_run/src/vcpu_run.c, subscribed to vcpu_wakeup, vcpu_poweron
 * and thread_killed).  The owner sleeps until then.
 *
 * Here the vCPU is a KVM vCPU, and KVM blocks it in WFI inside KVM_RUN on
 * the caller's thread.  So:
 *
 *  - a watcher thread looks, every IDLE_WATCH_NS while a secondary vCPU is
 *    in KVM_RUN, at its KVM statistic "blocking"; when it is 1 it kicks the
 *    caller, whose vcpu_run then returns "expects wakeup".  Halt polling is
 *    off in the secondary VMs, so "blocking" is 1 as soon as KVM has found
 *    nothing pending;
 *  - the kick ends the WFI as a spurious wakeup, the PC past it.  If the
 *    guest has not been entered since the watcher saw it blocked ("exits"
 *    unchanged), it has done nothing since its WFI, and it is "parked":
 *    KVM_MP_STATE_SUSPENDED, run by a thread of its own.  KVM then blocks
 *    it as in WFI, with exactly KVM's own wakeup rules, and KVM_RUN
 *    returns KVM_SYSTEM_EVENT_WAKEUP when it may run, without entering
 *    the guest (kvm_vcpu_suspend() in arch/arm64/kvm/arm.c);
 *  - the park thread's KVM_RUN returning is the wakeup: the vCPU is made
 *    runnable again, and its wakeup vIRQ is raised in the primary VM as an
 *    edge.  The guest goes on after its WFI when the caller runs it next;
 *  - a powered-off vCPU is woken by a sibling's PSCI CPU_ON, which KVM
 *    serves: the watcher polls its MP state while a sibling runs, and each
 *    vcpu_run of a sibling checks it when it returns.
 *
 * Deviations, documented in emulator.rst: detection takes up to
 * IDLE_WATCH_NS, during which the caller stays in vcpu_run; and a wakeup
 * vIRQ that raises the primary's SPI also ends every caller's slice
 * (secondary_wake_callers()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "emu.h"

/* How often the watcher looks at vCPUs in KVM_RUN */
#define IDLE_WATCH_NS		500000L

static int idle_set_mp_state(struct secondary_vcpu *v, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return ioctl(v->fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

/*
 * vcpu_run_trigger_virq(): assert vCPU @v's wakeup vIRQ in the primary VM.
 * It is an edge: the owner's GIC latches it.  Called with emu->lock held.
 */
void idle_wake(struct emu *emu, struct secondary_vcpu *v)
{
	if (v->wakeup_virq < 32)
		return;
	counter_add(&emu->counters, "secondary_wakeup_virqs", 1);
	emu_set_spi(emu, v->wakeup_virq - 32, true);
	emu_set_spi(emu, v->wakeup_virq - 32, false);
}

/*
 * The park thread of vCPU @arg: while the vCPU is parked, it is in
 * KVM_RUN, the vCPU suspended; KVM_RUN returns with the system event
 * WAKEUP when the vCPU may run, or with EINTR when kicked (idle_unpark()).
 */
static void *idle_park_thread(void *arg)
{
	struct secondary_vcpu *v = arg;
	struct secondary *sec = v->sec;
	struct emu *emu = sec->emu;
	int ret, err;

	pthread_mutex_lock(&emu->lock);
	for (;;) {
		while (!v->park_request && !v->park_quit)
			pthread_cond_wait(&emu->park_cond, &emu->lock);
		if (v->park_quit)
			break;
		v->park_request = false;
		v->park_run = true;
		kick_attach(v->run);
		pthread_mutex_unlock(&emu->lock);
		ret = ioctl(v->fd, KVM_RUN, 0);
		err = errno;
		if (idle_set_mp_state(v, KVM_MP_STATE_RUNNABLE))
			fprintf(stderr, "gunyah-emu: VM %u vCPU %u stays suspended: %s\n",
				sec->vmid, v->index, strerror(errno));
		pthread_mutex_lock(&emu->lock);
		kick_attach(NULL);
		v->run->immediate_exit = 0;
		v->park_run = false;
		v->parked = false;
		if (ret < 0 && err != EINTR && err != EAGAIN) {
			fprintf(stderr, "gunyah-emu: VM %u vCPU %u: parked KVM_RUN: %s\n",
				sec->vmid, v->index, strerror(err));
		} else if (!ret && (v->run->exit_reason != KVM_EXIT_SYSTEM_EVENT ||
				    v->run->system_event.type !=
				    KVM_SYSTEM_EVENT_WAKEUP)) {
			/* Not a wakeup: the caller reports this exit */
			counter_add(&emu->counters,
				    "secondary_park_unexpected_exits", 1);
			fprintf(stderr, "gunyah-emu: VM %u vCPU %u: parked vCPU exited for %u\n",
				sec->vmid, v->index, v->run->exit_reason);
			v->pending_exit = true;
		}
		/* Runnable: unless the VM is gone, tell the owner. */
		if (!sec->exited && !v->park_quit)
			idle_wake(emu, v);
		pthread_cond_broadcast(&emu->secondary_idle);
	}
	v->park_thread_made = false;
	pthread_cond_broadcast(&emu->secondary_idle);
	pthread_mutex_unlock(&emu->lock);
	return NULL;
}

/*
 * The caller's KVM_RUN of @v came back after an idle kick: park the vCPU,
 * or return false if it cannot be (it ran since the watcher saw it
 * blocked, or KVM refused), and the vCPU is simply preempted.  Called on
 * the caller's thread with emu->lock held.
 */
bool idle_park(struct emu *emu, struct secondary_vcpu *v)
{
	if (secondary_vcpu_stat(v, v->exits_off) != v->idle_exits ||
	    idle_set_mp_state(v, KVM_MP_STATE_SUSPENDED))
		return false;
	if (!v->park_thread_made) {
		pthread_attr_t attr;

		/* Made by a primary vCPU thread: kicks are not blocked. */
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		v->park_quit = false;
		if (pthread_create(&v->park_thread, &attr, idle_park_thread, v)) {
			pthread_attr_destroy(&attr);
			idle_set_mp_state(v, KVM_MP_STATE_RUNNABLE);
			return false;
		}
		pthread_attr_destroy(&attr);
		v->park_thread_made = true;
	}
	counter_add(&emu->counters, "secondary_vcpu_parks", 1);
	v->parked = true;
	v->park_request = true;
	pthread_cond_broadcast(&emu->park_cond);
	return true;
}

/*
 * The VM exited or is being destroyed: parked vCPUs leave KVM_RUN (with
 * @quit, their park threads end too; idle_parking() says when).  Called
 * with emu->lock held.
 */
void idle_unpark(struct secondary *sec, bool quit)
{
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++) {
		struct secondary_vcpu *v = &sec->vcpus[i];

		if (!v->park_thread_made)
			continue;
		if (quit)
			v->park_quit = true;
		v->park_request = false;
		if (v->park_run)
			pthread_kill(v->park_thread, SECONDARY_KICK_SIGNAL);
	}
	pthread_cond_broadcast(&sec->emu->park_cond);
}

/* Is a park thread of @sec still there (or, without quit, in KVM_RUN)? */
bool idle_parking(const struct secondary *sec)
{
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++)
		if (sec->vcpus[i].park_thread_made || sec->vcpus[i].park_run)
			return true;
	return false;
}

/*
 * vcpu_run_handle_vcpu_poweron(): a powered-off vCPU of @sec that KVM has
 * since powered on (a sibling's CPU_ON) gets its wakeup vIRQ.  Called with
 * emu->lock held.
 */
void idle_check_off(struct emu *emu, struct secondary *sec)
{
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++) {
		struct secondary_vcpu *v = &sec->vcpus[i];

		if (v->off_waiting && !v->running && !secondary_vcpu_off(v)) {
			v->off_waiting = false;
			idle_wake(emu, v);
		}
	}
}

/* A vCPU entered KVM_RUN, or waits powered off: the watcher has work. */
void idle_note_run(struct emu *emu)
{
	pthread_cond_signal(&emu->watch_cond);
}

/* One look at @sec; true if something of it needs looking at again. */
static bool idle_watch_vm(struct emu *emu, struct secondary *sec)
{
	bool sibling_runs = false, busy = false;
	unsigned int i;

	for (i = 0; i < sec->nr_vcpus; i++) {
		struct secondary_vcpu *v = &sec->vcpus[i];
		uint64_t exits;

		if (!v->in_kvm_run)
			continue;
		sibling_runs = true;
		busy = true;
		if (v->idle_kick || !v->blocking_off)
			continue;
		/* "exits" first: a guest entry after it changes it. */
		exits = secondary_vcpu_stat(v, v->exits_off);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (secondary_vcpu_stat(v, v->blocking_off) != 1)
			continue;
		counter_add(&emu->counters, "secondary_idle_kicks", 1);
		v->idle_kick = true;
		v->idle_exits = exits;
		pthread_kill(v->caller, SECONDARY_KICK_SIGNAL);
	}
	/* Only a running sibling can CPU_ON a powered-off vCPU. */
	if (sibling_runs)
		idle_check_off(emu, sec);
	return busy;
}

static void *idle_watch_thread(void *arg)
{
	const struct timespec period = { .tv_nsec = IDLE_WATCH_NS };
	struct emu *emu = arg;
	unsigned int i;
	bool busy;

	pthread_mutex_lock(&emu->lock);
	for (;;) {
		busy = false;
		for (i = 0; i < EMU_MAX_SECONDARIES; i++)
			if (emu->secondaries[i].used)
				busy |= idle_watch_vm(emu, &emu->secondaries[i]);
		if (!busy) {
			pthread_cond_wait(&emu->watch_cond, &emu->lock);
			continue;
		}
		pthread_mutex_unlock(&emu->lock);
		nanosleep(&period, NULL);
		pthread_mutex_lock(&emu->lock);
	}
	return NULL;
}

int idle_watch_start(struct emu *emu)
{
	pthread_t thread;
	sigset_t all, old;
	int err;

	/* The watcher takes no signals: kicks go to vCPU threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&thread, NULL, idle_watch_thread, emu);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err ? -err : 0;
}
