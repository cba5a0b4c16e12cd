// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM on Gunyah: vCPUs and the run loop.
 *
 * A vCPU runs by proxy scheduling: KVM_RUN calls vcpu_run on the vCPU's
 * capability and turns each return into what a KVM VMM expects:
 *
 *   VMMIO write/read   -> in-kernel devices (ioeventfd) first, else
 *                         KVM_EXIT_MMIO; a read completes with the VMM's
 *                         value on the next KVM_RUN
 *   powered off, exited -> KVM_EXIT_SYSTEM_EVENT (SHUTDOWN or RESET, from
 *                         the RM's VM_EXITED), and the Gunyah VM is taken
 *                         down before the next start
 *   PSCI system reset  -> KVM_EXIT_SYSTEM_EVENT RESET
 *   expects wakeup (WFI), powered off (not started yet, or CPU_OFF)
 *                      -> halt, as a native vCPU in WFI does, until the
 *                         vCPU's wakeup vIRQ says it may run again
 *   blocked            -> the hypervisor's own brief reasons: sleep
 *                         briefly and ask again
 *   ready              -> the hypervisor ended our slice: run again
 *
 * The hypervisor asserts a vCPU's wakeup vIRQ when the vCPU, not being
 * run, becomes runnable: an interrupt for it, its timer, a PSCI CPU_ON,
 * or its VM being killed (vcpu_run.c of the open-source hypervisor). The
 * RM names the vIRQ in GET_HYP_RESOURCES. The halt is KVM's own
 * (kvm_vcpu_halt()): halt polling and the halt statistics work as native.
 *
 * A signal ends KVM_RUN with -EINTR (KVM_EXIT_INTR) between two calls and
 * ends a halt; one call never keeps the thread long (the hypervisor
 * returns at the end of the caller's time slice).
 */

#define pr_fmt(fmt) "kvm-gunyah: " fmt

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kvm_host.h>
#include <linux/sched/signal.h>

#include "gunyah_kvm.h"

/* vcpu_run_poweroff_flags: the VM has exited for good (vcpu_run.tc) */
#define GUNYAH_VCPU_POWEROFF_EXITED	BIT(0)
/*
 * How long a vCPU that cannot run now sleeps before asking again, when it
 * has no wakeup vIRQ or the hypervisor says "blocked"
 */
#define GUNYAH_KVM_IDLE_US		1000
/* How long the RM may take to say why a VM exited (its calls get 5 s) */
#define GUNYAH_KVM_EXITED_WAIT		(30 * HZ)

/* What one vcpu_run leads to, besides an exit to the VMM (0) or an errno */
#define GUNYAH_KVM_RUN_AGAIN		1
/* The VM stopped and another vCPU reports it: this one waits, stopped */
#define GUNYAH_KVM_RUN_STOPPED		2

int kvm_arch_vcpu_precreate(struct kvm *kvm, unsigned int id)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(kvm);

	/* The Gunyah VM is built with its vCPUs: no more once it runs */
	if (gunyah_kvm_vm_started(gvm))
		return -EBUSY;
	/* As native: no vCPU after the vGIC is initialised, ids below max */
	if (gvm->vgic.ready)
		return -EBUSY;
	if (id >= kvm->max_vcpus)
		return -EINVAL;
	return 0;
}

int kvm_arch_vcpu_create(struct kvm_vcpu *vcpu)
{
	struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);

	gv->capid = GUNYAH_CAPID_INVAL;
	gunyah_kvm_reset_regs(gv);
	return 0;
}

void kvm_arch_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
}

void kvm_arch_vcpu_destroy(struct kvm_vcpu *vcpu)
{
	/* Freed with the Gunyah VM already; never leave a handler behind */
	gunyah_kvm_vcpu_detach_wakeup(to_gunyah_vcpu(vcpu));
}

void kvm_arch_vcpu_load(struct kvm_vcpu *vcpu, int cpu)
{
}

void kvm_arch_vcpu_put(struct kvm_vcpu *vcpu)
{
}

void kvm_arch_vcpu_blocking(struct kvm_vcpu *vcpu)
{
}

void kvm_arch_vcpu_unblocking(struct kvm_vcpu *vcpu)
{
}

/*
 * Ends a vCPU's halt (kvm_vcpu_halt()): the wakeup vIRQ came, or the VM
 * stopped, which the next vcpu_run then reports.
 */
int kvm_arch_vcpu_runnable(struct kvm_vcpu *vcpu)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(vcpu->kvm);

	return READ_ONCE(to_gunyah_vcpu(vcpu)->wakeup) ||
	       READ_ONCE(gvm->state) != GUNYAH_KVM_VM_RUNNING ||
	       completion_done(&gvm->exited);
}

bool kvm_arch_vcpu_in_kernel(struct kvm_vcpu *vcpu)
{
	return false;
}

int kvm_arch_vcpu_should_kick(struct kvm_vcpu *vcpu)
{
	return 0;
}

int kvm_cpu_has_pending_timer(struct kvm_vcpu *vcpu)
{
	return 0;
}

vm_fault_t kvm_arch_vcpu_fault(struct kvm_vcpu *vcpu, struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

/* Registers go through KVM_{GET,SET}_ONE_REG only, as on native arm64 */
int kvm_arch_vcpu_ioctl_get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	return -EINVAL;
}

int kvm_arch_vcpu_ioctl_set_regs(struct kvm_vcpu *vcpu, struct kvm_regs *regs)
{
	return -EINVAL;
}

int kvm_arch_vcpu_ioctl_get_sregs(struct kvm_vcpu *vcpu,
				  struct kvm_sregs *sregs)
{
	return -EINVAL;
}

int kvm_arch_vcpu_ioctl_set_sregs(struct kvm_vcpu *vcpu,
				  struct kvm_sregs *sregs)
{
	return -EINVAL;
}

int kvm_arch_vcpu_ioctl_get_fpu(struct kvm_vcpu *vcpu, struct kvm_fpu *fpu)
{
	return -EINVAL;
}

int kvm_arch_vcpu_ioctl_set_fpu(struct kvm_vcpu *vcpu, struct kvm_fpu *fpu)
{
	return -EINVAL;
}

int kvm_arch_vcpu_ioctl_translate(struct kvm_vcpu *vcpu,
				  struct kvm_translation *tr)
{
	return -EINVAL;
}

/* Gunyah gives the host no debug control over its VMs */
int kvm_arch_vcpu_ioctl_set_guest_debug(struct kvm_vcpu *vcpu,
					struct kvm_guest_debug *dbg)
{
	return -EINVAL;
}

static irqreturn_t gunyah_kvm_wakeup_irq(int irq, void *data)
{
	struct gunyah_kvm_vcpu *gv = data;

	WRITE_ONCE(gv->wakeup, true);
	kvm_vcpu_wake_up(&gv->vcpu);
	return IRQ_HANDLED;
}

/**
 * gunyah_kvm_vcpu_attach_wakeup() - wait for the vCPU on its wakeup vIRQ
 * @gv: the vCPU, whose capability the RM just gave
 * @virq: the vIRQ the RM named with it (GET_HYP_RESOURCES)
 *
 * Without a usable vIRQ the run loop polls vcpu_run instead: slower to
 * wake and busier, but correct. The interrupt is shared because an RM may
 * give one vIRQ to several vCPUs; a wakeup that was not ours only costs a
 * vcpu_run.
 */
void gunyah_kvm_vcpu_attach_wakeup(struct gunyah_kvm_vcpu *gv, u32 virq)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(gv->vcpu.kvm);
	int irq, ret;

	gv->wakeup_irq = 0;
	if (!virq || virq == U32_MAX) {
		pr_warn_once("the RM gives vCPUs no wakeup vIRQ: idle vCPUs poll\n");
		return;
	}
	irq = gunyah_rm_virq_to_irq(gvm->rm, virq);
	if (irq < 0) {
		pr_warn_once("no interrupt for wakeup vIRQ %u (%d): idle vCPUs poll\n",
			     virq, irq);
		return;
	}
	ret = request_irq(irq, gunyah_kvm_wakeup_irq, IRQF_SHARED,
			  "kvm-gunyah-vcpu", gv);
	if (ret) {
		pr_warn_ratelimited("VM %u: cannot take wakeup vIRQ %u of vCPU %u (%d): it polls\n",
				    gvm->vmid, virq, gv->vcpu.vcpu_idx, ret);
		return;
	}
	gv->wakeup_irq = irq;
}

/* The VM is down: no vCPU thread waits for its vIRQ any more */
void gunyah_kvm_vcpu_detach_wakeup(struct gunyah_kvm_vcpu *gv)
{
	if (gv->wakeup_irq)
		free_irq(gv->wakeup_irq, gv);
	gv->wakeup_irq = 0;
	gv->wakeup = false;
}

/* The VM stopped or exited: every halted vCPU asks vcpu_run again */
void gunyah_kvm_wake_vcpus(struct gunyah_kvm *gvm)
{
	struct kvm *kvm = &gvm->kvm;
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		kvm_vcpu_wake_up(vcpu);
}

/*
 * Wait until the vCPU may run: KVM's halt, ended by the wakeup vIRQ, a
 * signal or the VM's end. Without a vIRQ, sleep @poll_us and ask again.
 */
static void gunyah_kvm_vcpu_idle(struct gunyah_kvm_vcpu *gv,
				 unsigned long poll_us)
{
	if (gv->wakeup_irq)
		kvm_vcpu_halt(&gv->vcpu);
	else
		usleep_range(poll_us, 2 * poll_us);
}

/*
 * Whether a vCPU starts powered off, as KVM_ARM_VCPU_POWER_OFF says it.
 * QEMU 7.2 decides that its secondary vCPUs start off only after it
 * initialised them (arm_load_kernel() runs after the vCPUs are realised),
 * and tells KVM with KVM_SET_MP_STATE at every reset. While the Gunyah VM
 * runs, its vCPUs' power state is Gunyah's: it cannot be read, and only
 * the value set before the start can be written again.
 */
int kvm_arch_vcpu_ioctl_get_mpstate(struct kvm_vcpu *vcpu,
				    struct kvm_mp_state *mp_state)
{
	struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);

	if (READ_ONCE(to_gunyah_kvm(vcpu->kvm)->state) == GUNYAH_KVM_VM_RUNNING)
		return -EBUSY;
	mp_state->mp_state = gv->power_off ? KVM_MP_STATE_STOPPED :
					     KVM_MP_STATE_RUNNABLE;
	return 0;
}

int kvm_arch_vcpu_ioctl_set_mpstate(struct kvm_vcpu *vcpu,
				    struct kvm_mp_state *mp_state)
{
	struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);
	bool off;

	switch (mp_state->mp_state) {
	case KVM_MP_STATE_RUNNABLE:
		off = false;
		break;
	case KVM_MP_STATE_STOPPED:
		off = true;
		break;
	default:
		/* Gunyah has no way to start a vCPU suspended */
		return -EINVAL;
	}
	if (READ_ONCE(to_gunyah_kvm(vcpu->kvm)->state) == GUNYAH_KVM_VM_RUNNING)
		return off == gv->power_off ? 0 : -EBUSY;
	gv->power_off = off;
	return 0;
}

/*
 * Features Gunyah can honour: PSCI 0.2 (Gunyah's own PSCI is newer) and
 * starting powered off. AArch32 EL1, SVE, pointer authentication and the
 * PMU are not offered to the VM.
 */
static int gunyah_kvm_vcpu_init(struct gunyah_kvm_vcpu *gv,
				const struct kvm_vcpu_init *init)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(gv->vcpu.kvm);
	unsigned long features = init->features[0];
	int i, ret;

	if (init->target != KVM_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	if (features & ~KVM_VCPU_VALID_FEATURES)
		return -ENOENT;
	for (i = 1; i < ARRAY_SIZE(init->features); i++)
		if (init->features[i])
			return -ENOENT;
	if (features & ~(BIT(KVM_ARM_VCPU_POWER_OFF) | BIT(KVM_ARM_VCPU_PSCI_0_2)))
		return -EINVAL;
	/* QEMU initialises again on every reset: only a stopped VM resets */
	if (READ_ONCE(gvm->state) == GUNYAH_KVM_VM_RUNNING)
		return -EBUSY;
	/* As native: one set of features for every vCPU, POWER_OFF aside */
	features &= ~BIT(KVM_ARM_VCPU_POWER_OFF);
	/* Not kvm->lock: that one is taken before vcpu->mutex, never after */
	mutex_lock(&gvm->lock);
	if (!gvm->vcpu_features_set) {
		gvm->vcpu_features = features;
		gvm->vcpu_features_set = true;
	}
	ret = gvm->vcpu_features == features ? 0 : -EINVAL;
	mutex_unlock(&gvm->lock);
	if (ret)
		return ret;
	gunyah_kvm_reset_regs(gv);
	gv->power_off = init->features[0] & BIT(KVM_ARM_VCPU_POWER_OFF);
	gv->initialized = true;
	return 0;
}

long kvm_arch_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			 unsigned long arg)
{
	struct kvm_vcpu *vcpu = filp->private_data;
	struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_ARM_VCPU_INIT: {
		struct kvm_vcpu_init init;

		if (copy_from_user(&init, argp, sizeof(init)))
			return -EFAULT;
		return gunyah_kvm_vcpu_init(gv, &init);
	}
	case KVM_SET_ONE_REG:
	case KVM_GET_ONE_REG: {
		struct kvm_one_reg reg;

		if (!gv->initialized)
			return -ENOEXEC;
		if (copy_from_user(&reg, argp, sizeof(reg)))
			return -EFAULT;
		if (ioctl == KVM_SET_ONE_REG)
			return gunyah_kvm_set_one_reg(gv, &reg);
		return gunyah_kvm_get_one_reg(gv, &reg);
	}
	case KVM_GET_REG_LIST:
		if (!gv->initialized)
			return -ENOEXEC;
		return gunyah_kvm_get_reg_list(gv, argp);
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		/* No PMU, timer IRQ or PV-time control over a Gunyah vCPU */
		return -ENXIO;
	case KVM_ARM_VCPU_FINALIZE:
		/* Nothing to finalize without SVE */
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/*
 * The guest powered off or asked for a reset. As on native KVM, only the
 * vCPU that saw it exits with KVM_EXIT_SYSTEM_EVENT; the others stay
 * stopped inside KVM_RUN until a signal or the next start.
 */
static int gunyah_kvm_system_event(struct kvm_vcpu *vcpu, u32 type)
{
	struct gunyah_kvm *gvm = to_gunyah_kvm(vcpu->kvm);

	if (!gunyah_kvm_vm_exited(gvm))
		return GUNYAH_KVM_RUN_STOPPED;
	memset(&vcpu->run->system_event, 0, sizeof(vcpu->run->system_event));
	vcpu->run->system_event.type = type;
	vcpu->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	return 0;
}

/*
 * The VM exited. Gunyah says so to every vCPU alike; the one that called
 * SYSTEM_OFF or SYSTEM_RESET cannot have been off before, so a vCPU that
 * was off leaves the report to the others, unless nobody makes it soon
 * (the VM was stopped from outside). The RM says why the VM exited
 * shortly after vcpu_run does.
 */
static int gunyah_kvm_powered_off(struct gunyah_kvm_vcpu *gv)
{
	struct kvm_vcpu *vcpu = &gv->vcpu;
	struct gunyah_kvm *gvm = to_gunyah_kvm(vcpu->kvm);
	u32 type = KVM_SYSTEM_EVENT_SHUTDOWN;
	long left;

	if (READ_ONCE(gvm->state) != GUNYAH_KVM_VM_RUNNING)
		return GUNYAH_KVM_RUN_STOPPED;
	/*
	 * Reporting a reset as a power-off would end the VMM, so wait for
	 * the RM's word however late it comes on a loaded host: VM_EXITED,
	 * which the RM sends after the status change to EXITED. A signal
	 * ends the wait; the next KVM_RUN finds the VM exited and waits again.
	 */
	left = wait_for_completion_interruptible_timeout(&gvm->exit_reported,
							 GUNYAH_KVM_EXITED_WAIT);
	if (left < 0)
		return -EINTR;
	if (!left)
		pr_warn("VM %u: no VM_EXITED from the RM in %u s, reporting a power-off\n",
			gvm->vmid, GUNYAH_KVM_EXITED_WAIT / HZ);
	/*
	 * Every vCPU waited for the same word: only now does a vCPU that was
	 * off give the others their turn to report.
	 */
	if (gv->was_off &&
	    wait_event_timeout(gvm->run_wq, READ_ONCE(gvm->state) !=
			       GUNYAH_KVM_VM_RUNNING, HZ))
		return GUNYAH_KVM_RUN_STOPPED;
	switch (READ_ONCE(gvm->exit_type)) {
	case GUNYAH_RM_VM_EXIT_PLATFORM_RESET:
	case GUNYAH_RM_VM_EXIT_PSCI_SYSTEM_RESET2:
		if (left)
			type = KVM_SYSTEM_EVENT_RESET;
		break;
	}
	return gunyah_kvm_system_event(vcpu, type);
}

/* A stopped vCPU wakes to join a started VM, or to fail with a broken one */
static bool gunyah_kvm_vm_running(struct gunyah_kvm *gvm)
{
	enum gunyah_kvm_vm_state state = READ_ONCE(gvm->state);

	return state == GUNYAH_KVM_VM_RUNNING || state == GUNYAH_KVM_VM_BROKEN;
}

/* Returns true if the access was for a device of the kernel's */
static bool gunyah_kvm_mmio(struct kvm_vcpu *vcpu, u64 addr, u32 len,
			    bool write, u64 *data)
{
	struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);
	struct kvm_run *run = vcpu->run;
	int idx, ret;

	if (!len || len > sizeof(run->mmio.data))
		return false;
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	if (write)
		ret = kvm_io_bus_write(vcpu, KVM_MMIO_BUS, addr, len, data);
	else
		ret = kvm_io_bus_read(vcpu, KVM_MMIO_BUS, addr, len, data);
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	if (!ret) {
		vcpu->stat.mmio_exit_kernel++;
		return true;
	}
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = addr;
	run->mmio.len = len;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write)
		memcpy(run->mmio.data, data, len);
	gv->mmio_read = !write;
	vcpu->stat.mmio_exit_user++;
	return false;
}

/*
 * One vcpu_run. Returns 1 to call again, 0 to return to the VMM with
 * vcpu->run filled in, or an errno.
 */
static int gunyah_kvm_vcpu_run_once(struct gunyah_kvm_vcpu *gv)
{
	struct kvm_vcpu *vcpu = &gv->vcpu;
	struct gunyah_hypercall_vcpu_run_resp resp;
	enum gunyah_error err;
	bool was_off;
	u64 data;

	/* A wakeup vIRQ from now on answers this call */
	WRITE_ONCE(gv->wakeup, false);
	/*
	 * Visible before the call: the vIRQ's handler may set it again on
	 * another CPU as soon as the call returns, and must not be undone.
	 */
	smp_mb();
	err = gunyah_hypercall_vcpu_run(gv->capid, gv->resume, &resp);
	vcpu->stat.gunyah_hypercalls++;
	memset(gv->resume, 0, sizeof(gv->resume));
	if (err != GUNYAH_ERROR_OK) {
		pr_warn_ratelimited("VM %u vCPU %u: vcpu_run failed: Gunyah error %d\n",
				    to_gunyah_kvm(vcpu->kvm)->vmid, vcpu->vcpu_idx, err);
		return gunyah_error_remap(err);
	}
	vcpu->stat.exits++;
	was_off = gv->was_off;
	gv->was_off = resp.state == GUNYAH_VCPU_STATE_POWERED_OFF &&
		      !(resp.state_data[0] & GUNYAH_VCPU_POWEROFF_EXITED);

	switch (resp.state) {
	case GUNYAH_VCPU_STATE_READY:
		return GUNYAH_KVM_RUN_AGAIN;
	case GUNYAH_VCPU_STATE_EXPECTS_WAKEUP:
		gunyah_kvm_vcpu_idle(gv, GUNYAH_KVM_IDLE_US / 4);
		return GUNYAH_KVM_RUN_AGAIN;
	case GUNYAH_VCPU_STATE_BLOCKED:
		/* No vIRQ comes: an RCU grace period, a killed vCPU unwinding */
		usleep_range(GUNYAH_KVM_IDLE_US / 4, GUNYAH_KVM_IDLE_US / 2);
		return GUNYAH_KVM_RUN_AGAIN;
	case GUNYAH_VCPU_STATE_POWERED_OFF:
		if (resp.state_data[0] & GUNYAH_VCPU_POWEROFF_EXITED) {
			gv->was_off = was_off;
			return gunyah_kvm_powered_off(gv);
		}
		/* Not started by the guest's PSCI CPU_ON yet, or off again */
		gunyah_kvm_vcpu_idle(gv, GUNYAH_KVM_IDLE_US);
		return GUNYAH_KVM_RUN_AGAIN;
	case GUNYAH_VCPU_ADDRSPACE_VMMIO_WRITE:
		data = resp.state_data[2];
		return gunyah_kvm_mmio(vcpu, resp.state_data[0], resp.state_data[1],
				       true, &data) ? GUNYAH_KVM_RUN_AGAIN : 0;
	case GUNYAH_VCPU_ADDRSPACE_VMMIO_READ:
		data = 0;
		if (gunyah_kvm_mmio(vcpu, resp.state_data[0], resp.state_data[1],
				    false, &data)) {
			gv->resume[0] = data;
			return GUNYAH_KVM_RUN_AGAIN;
		}
		return 0;
	case GUNYAH_VCPU_STATE_PSCI_SYSTEM_RESET:
		return gunyah_kvm_system_event(vcpu, KVM_SYSTEM_EVENT_RESET);
	case GUNYAH_VCPU_STATE_FAULT:
	default:
		vcpu->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		vcpu->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		vcpu->run->internal.ndata = 4;
		vcpu->run->internal.data[0] = resp.state;
		vcpu->run->internal.data[1] = resp.state_data[0];
		vcpu->run->internal.data[2] = resp.state_data[1];
		vcpu->run->internal.data[3] = resp.state_data[2];
		return 0;
	}
}

int kvm_arch_vcpu_ioctl_run(struct kvm_vcpu *vcpu)
{
	struct gunyah_kvm_vcpu *gv = to_gunyah_vcpu(vcpu);
	struct gunyah_kvm *gvm = to_gunyah_kvm(vcpu->kvm);
	struct kvm_run *run = vcpu->run;
	int ret;

	if (!gv->initialized)
		return -ENOEXEC;
	/* The value of the VMMIO read the VMM just emulated */
	if (gv->mmio_read) {
		gv->mmio_read = false;
		if (run->exit_reason == KVM_EXIT_MMIO && !run->mmio.is_write)
			memcpy(&gv->resume[0], run->mmio.data,
			       min_t(u32, run->mmio.len, sizeof(gv->resume[0])));
	}
	if (!vcpu->wants_to_run)
		return -EINTR;

	for (;;) {
		ret = gunyah_kvm_vm_enter(gvm);
		if (ret < 0)
			return ret;
		if (ret == GUNYAH_KVM_VM_STOPPED) {
			ret = GUNYAH_KVM_RUN_STOPPED;
		} else {
			run->exit_reason = KVM_EXIT_UNKNOWN;
			do {
				if (signal_pending(current)) {
					ret = -EINTR;
					break;
				}
				if (READ_ONCE(gvm->state) != GUNYAH_KVM_VM_RUNNING)
					ret = GUNYAH_KVM_RUN_STOPPED;
				else
					ret = gunyah_kvm_vcpu_run_once(gv);
				cond_resched();
			} while (ret == GUNYAH_KVM_RUN_AGAIN);
			gunyah_kvm_vm_leave(gvm);
		}
		if (ret != GUNYAH_KVM_RUN_STOPPED)
			break;
		/*
		 * Stopped, as a native vCPU after a SYSTEM_OFF: only a signal
		 * or another vCPU's start (which the VMM does after a reset)
		 * ends the wait. This vCPU's own reset cannot come while it
		 * is inside KVM_RUN.
		 */
		if (wait_event_interruptible(gvm->run_wq, gunyah_kvm_vm_running(gvm))) {
			ret = -EINTR;
			break;
		}
	}
	if (ret == -EINTR) {
		run->exit_reason = KVM_EXIT_INTR;
		vcpu->stat.signal_exits++;
	}
	return ret;
}
